//! Monthly reconciliation (`audit --compare-to PREVIOUS.json`, SPEC §3.2): last month's JSON
//! report against this month's audit — which findings are new, which persist, which are resolved,
//! and which schedules changed.
//!
//! A finding is the same finding in both reports when its identity (user_id, regime, code, due)
//! is the same ([`crate::rules::findings::Finding::identity`]); its days, message or source may
//! differ (an OVERDUE is a month later, a row moved). A schedule is the same schedule when its
//! (user_id, regime) is; it has changed when its category, next type, due date or status did.
//!
//! This module reads the previous report with serde into its own structs (the report is the
//! contract, not this build's types) and refuses a file that is not a g8audit report, or one in
//! another report format, with a message that says what to do. It decides no rule: both sides are
//! already audits, and this only sets them side by side.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::report::json::REPORT_FORMAT;
use crate::rules::Audit;
use crate::rules::schedule::Schedule;

/// Why the previous report cannot be compared with (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// The file could not be read.
    #[error("--compare-to {}: cannot read it: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is not JSON at all.
    #[error(
        "--compare-to {}: not a g8audit JSON report (it is not JSON: {source}); give the file \
         written by `g8audit audit … --json FILE` last month",
        path.display()
    )]
    NotJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// JSON, but not a report g8audit wrote.
    #[error(
        "--compare-to {}: not a g8audit JSON report ({why}); give the file written by \
         `g8audit audit … --json FILE` last month",
        path.display()
    )]
    NotReport { path: PathBuf, why: String },
    /// A report from a g8audit whose report format this one cannot read.
    #[error(
        "--compare-to {}: written by {which} g8audit ({version}, report format {found}); this \
         g8audit ({mine}) compares with report format {supported} only: {advice}",
        path.display(),
        which = if *found > *supported { "a newer" } else { "an older" },
        mine = env!("CARGO_PKG_VERSION"),
        advice = if *found > *supported {
            "use that g8audit for this month too, or audit last month's register again with this one"
        } else {
            "audit last month's register again with this g8audit (same --as-of) and compare with that report"
        }
    )]
    Format {
        path: PathBuf,
        version: String,
        found: u32,
        supported: u32,
    },
}

/// `tool` of a report.
#[derive(Debug, Clone, Deserialize)]
struct PrevTool {
    name: String,
    #[serde(default)]
    version: Option<String>,
    /// Absent in reports written before the format was numbered: read as 0 (older).
    #[serde(default)]
    report_format: Option<u32>,
}

/// The parts of a previous report the comparison reads.
#[derive(Debug, Clone, Deserialize)]
struct PrevReport {
    as_of: NaiveDate,
    schedules: Vec<PrevSchedule>,
    findings: Vec<PrevFinding>,
}

/// A schedule of the previous report: its key and the four facts compared.
#[derive(Debug, Clone, Deserialize)]
struct PrevSchedule {
    user_id: String,
    #[serde(default)]
    name: Option<String>,
    regime: Option<String>,
    category: Option<String>,
    next_type: Option<String>,
    due: Option<NaiveDate>,
    status: String,
}

/// A finding of the previous report, as it was written (a resolved finding is shown as it stood
/// last month).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct PrevFinding {
    pub user_id: String,
    pub regime: Option<String>,
    pub code: String,
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub clause: Option<String>,
    pub due: Option<NaiveDate>,
    #[serde(default)]
    pub days: Option<i64>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// A previous report, read and checked.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The path as given on the command line.
    pub path: String,
    /// The g8audit version that wrote it.
    pub tool_version: String,
    pub as_of: NaiveDate,
    schedules: Vec<PrevSchedule>,
    findings: Vec<PrevFinding>,
}

/// Reads and checks the previous report at `path`.
///
/// # Errors
/// [`CompareError::Io`] when the file cannot be read; [`CompareError::NotJson`] or
/// [`CompareError::NotReport`] when it is not a g8audit JSON report; [`CompareError::Format`]
/// when it was written in another report format.
pub fn load(path: &Path) -> Result<Previous, CompareError> {
    let text = std::fs::read(path).map_err(|source| CompareError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Checks and reads a previous report's bytes; `path` names it in messages.
///
/// # Errors
/// As [`load`], except `Io`.
pub fn parse(bytes: &[u8], path: &Path) -> Result<Previous, CompareError> {
    let not_report = |why: String| CompareError::NotReport {
        path: path.to_path_buf(),
        why,
    };
    // A UTF-8 byte-order mark (a report saved again by an editor) is harmless.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|source| CompareError::NotJson {
            path: path.to_path_buf(),
            source,
        })?;
    let Some(tool) = value.get("tool") else {
        return Err(not_report("it has no \"tool\" field".into()));
    };
    let tool: PrevTool = serde_json::from_value(tool.clone())
        .map_err(|e| not_report(format!("its \"tool\" field is not g8audit's: {e}")))?;
    if tool.name != "g8audit" {
        return Err(not_report(format!(
            "it was written by {:?}, not g8audit",
            tool.name
        )));
    }
    let version = tool.version.unwrap_or_else(|| "version unknown".into());
    let found = tool.report_format.unwrap_or(0);
    if found != REPORT_FORMAT {
        return Err(CompareError::Format {
            path: path.to_path_buf(),
            version,
            found,
            supported: REPORT_FORMAT,
        });
    }
    let report: PrevReport = serde_json::from_value(value).map_err(|e| {
        not_report(format!(
            "its content does not match report format {found}: {e}"
        ))
    })?;
    Ok(Previous {
        path: path.display().to_string(),
        tool_version: version,
        as_of: report.as_of,
        schedules: report.schedules,
        findings: report.findings,
    })
}

/// Whether a current finding was in the previous report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Not in the previous report.
    New,
    /// In the previous report too (same user_id, regime, code and due).
    Persisting,
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::New => "new",
            Change::Persisting => "persisting",
        }
    }
}

impl Serialize for Change {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// The four facts of a schedule that the comparison watches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleState {
    pub category: Option<String>,
    pub next_type: Option<String>,
    pub due: Option<NaiveDate>,
    pub status: String,
}

impl ScheduleState {
    fn of(s: &Schedule) -> ScheduleState {
        ScheduleState {
            category: s.category.map(|c| c.as_str().to_string()),
            next_type: s.next_type.map(|t| t.name().to_string()),
            due: s.due,
            status: s.status.as_str().to_string(),
        }
    }

    fn of_previous(s: &PrevSchedule) -> ScheduleState {
        ScheduleState {
            category: s.category.clone(),
            next_type: s.next_type.clone(),
            due: s.due,
            status: s.status.clone(),
        }
    }
}

/// How a schedule differs from last month's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ScheduleChangeKind {
    /// A schedule this month that last month's report did not have (a User or regime joined).
    Added,
    /// A schedule of last month's report that this month's audit does not have.
    Removed,
    /// Category, next type, due date or status differ.
    Changed,
}

impl ScheduleChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ScheduleChangeKind::Added => "added",
            ScheduleChangeKind::Removed => "removed",
            ScheduleChangeKind::Changed => "changed",
        }
    }
}

/// One schedule whose category, next type, due date or status changed, with before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleChange {
    pub user_id: String,
    pub name: Option<String>,
    pub regime: Option<String>,
    pub change: ScheduleChangeKind,
    /// The facts that differ, in the order category, next_type, due, status (empty for added
    /// and removed schedules).
    pub fields: Vec<&'static str>,
    /// `None` for an added schedule.
    pub before: Option<ScheduleState>,
    /// `None` for a removed schedule.
    pub after: Option<ScheduleState>,
}

/// The comparison of this month's audit with last month's report.
#[derive(Debug, Clone)]
pub struct Changes {
    /// The previous report's path as given.
    pub previous_path: String,
    pub previous_as_of: NaiveDate,
    pub previous_version: String,
    /// One entry per finding of the audit, in the audit's order.
    pub findings: Vec<Change>,
    /// The previous findings that are no longer present, in the previous report's order.
    pub resolved: Vec<PrevFinding>,
    /// Sorted by user_id, then regime (`None` first), like the schedules.
    pub schedules: Vec<ScheduleChange>,
}

impl Changes {
    /// How many current findings are new.
    pub fn new_count(&self) -> usize {
        self.findings.iter().filter(|c| **c == Change::New).count()
    }

    /// How many current findings persist from last month.
    pub fn persisting_count(&self) -> usize {
        self.findings.len() - self.new_count()
    }

    /// The change of the audit's `i`-th finding.
    pub fn finding(&self, i: usize) -> Option<Change> {
        self.findings.get(i).copied()
    }

    /// One line for the terminal.
    pub fn summary_line(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "  compared with {} (as of {}): {} new, {} persisting, {} resolved finding{}; {} \
             schedule{} changed",
            self.previous_path,
            self.previous_as_of,
            self.new_count(),
            self.persisting_count(),
            self.resolved.len(),
            if self.resolved.len() == 1 { "" } else { "s" },
            self.schedules.len(),
            if self.schedules.len() == 1 { "" } else { "s" },
        );
        s
    }
}

type Identity = (String, Option<String>, String, Option<NaiveDate>);

fn identity_of_previous(f: &PrevFinding) -> Identity {
    (f.user_id.clone(), f.regime.clone(), f.code.clone(), f.due)
}

/// Compares the audit with the previous report.
///
/// Identities are matched as multisets: if a report holds the same identity twice (two response
/// deadlines on one day, say), as many current findings persist as the previous report held, in
/// order, and the rest are new (or resolved).
pub fn compare(previous: &Previous, audit: &Audit) -> Changes {
    let mut remaining: HashMap<Identity, usize> = HashMap::new();
    for f in &previous.findings {
        *remaining.entry(identity_of_previous(f)).or_insert(0) += 1;
    }
    let findings: Vec<Change> = audit
        .findings
        .iter()
        .map(|f| {
            let (user, regime, code, due) = f.identity();
            let key = (
                user.to_string(),
                regime.map(|r| r.as_str().to_string()),
                code.as_str().to_string(),
                due,
            );
            match remaining.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    Change::Persisting
                }
                _ => Change::New,
            }
        })
        .collect();
    // What is left over was resolved; take the last ones of each identity (the first matched).
    let mut resolved_rev = Vec::new();
    for f in previous.findings.iter().rev() {
        if let Some(n) = remaining.get_mut(&identity_of_previous(f))
            && *n > 0
        {
            *n -= 1;
            resolved_rev.push(f.clone());
        }
    }
    resolved_rev.reverse();

    Changes {
        previous_path: previous.path.clone(),
        previous_as_of: previous.as_of,
        previous_version: previous.tool_version.clone(),
        findings,
        resolved: resolved_rev,
        schedules: schedule_changes(previous, audit),
    }
}

fn schedule_changes(previous: &Previous, audit: &Audit) -> Vec<ScheduleChange> {
    type Key = (String, Option<String>);
    let mut before: BTreeMap<Key, &PrevSchedule> = BTreeMap::new();
    for s in &previous.schedules {
        before
            .entry((s.user_id.clone(), s.regime.clone()))
            .or_insert(s);
    }
    let mut after: BTreeMap<Key, &Schedule> = BTreeMap::new();
    for s in &audit.schedules {
        after
            .entry((
                s.user_id.to_string(),
                s.regime.map(|r| r.as_str().to_string()),
            ))
            .or_insert(s);
    }
    let mut keys: Vec<&Key> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for key in keys {
        let b = before.get(key).copied();
        let a = after.get(key).copied();
        let (user_id, regime) = key.clone();
        match (b, a) {
            (Some(b), Some(a)) => {
                let (was, now) = (ScheduleState::of_previous(b), ScheduleState::of(a));
                let mut fields = Vec::new();
                if was.category != now.category {
                    fields.push("category");
                }
                if was.next_type != now.next_type {
                    fields.push("next_type");
                }
                if was.due != now.due {
                    fields.push("due");
                }
                if was.status != now.status {
                    fields.push("status");
                }
                if !fields.is_empty() {
                    out.push(ScheduleChange {
                        user_id,
                        name: a.name.clone(),
                        regime,
                        change: ScheduleChangeKind::Changed,
                        fields,
                        before: Some(was),
                        after: Some(now),
                    });
                }
            }
            (None, Some(a)) => out.push(ScheduleChange {
                user_id,
                name: a.name.clone(),
                regime,
                change: ScheduleChangeKind::Added,
                fields: Vec::new(),
                before: None,
                after: Some(ScheduleState::of(a)),
            }),
            (Some(b), None) => out.push(ScheduleChange {
                user_id,
                name: b.name.clone(),
                regime,
                change: ScheduleChangeKind::Removed,
                fields: Vec::new(),
                before: Some(ScheduleState::of_previous(b)),
                after: None,
            }),
            (None, None) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(s: &str) -> Result<Previous, CompareError> {
        parse(s.as_bytes(), Path::new("last.json"))
    }

    fn report(format: u32, findings: &str) -> String {
        format!(
            r#"{{"tool": {{"name": "g8audit", "version": "0.1.0", "report_format": {format}}},
               "as_of": "2026-10-01", "schedules": [], "findings": [{findings}]}}"#
        )
    }

    #[test]
    fn a_report_of_this_format_is_read() {
        let p = parse_str(&report(
            REPORT_FORMAT,
            r#"{"user_id": "U1", "regime": null, "code": "SRP_UNKNOWN", "due": null}"#,
        ))
        .unwrap();
        assert_eq!(p.as_of, NaiveDate::from_ymd_opt(2026, 10, 1).unwrap());
        assert_eq!(p.findings.len(), 1);
    }

    #[test]
    fn not_json_says_so() {
        let e = parse_str("Severity,Code\n").unwrap_err().to_string();
        assert!(
            e.contains("not a g8audit JSON report") && e.contains("not JSON"),
            "{e}"
        );
    }

    #[test]
    fn another_tools_json_is_refused() {
        let e = parse_str(r#"{"tool": {"name": "other"}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("written by \"other\", not g8audit"), "{e}");
        let e = parse_str(r#"[1, 2]"#).unwrap_err().to_string();
        assert!(e.contains("no \"tool\" field"), "{e}");
    }

    #[test]
    fn a_newer_format_is_refused_with_advice() {
        let e = parse_str(&report(REPORT_FORMAT + 1, ""))
            .unwrap_err()
            .to_string();
        assert!(e.contains("a newer g8audit"), "{e}");
        assert!(
            e.contains(&format!("report format {}", REPORT_FORMAT + 1)),
            "{e}"
        );
    }

    #[test]
    fn an_unnumbered_format_is_older() {
        let e = parse_str(
            r#"{"tool": {"name": "g8audit", "version": "0.0.1"}, "as_of": "2026-10-01"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("an older g8audit (0.0.1, report format 0)"),
            "{e}"
        );
        assert!(e.contains("audit last month's register again"), "{e}");
    }

    #[test]
    fn a_truncated_report_names_what_is_missing() {
        let e = parse_str(&format!(
            r#"{{"tool": {{"name": "g8audit", "version": "0.1.0", "report_format": {REPORT_FORMAT}}}}}"#
        ))
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("does not match report format") && e.contains("as_of"),
            "{e}"
        );
    }
}
