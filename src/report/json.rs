//! The JSON report (SPEC §3.2): the stable contract for scripts. Dates are `YYYY-MM-DD`, absent
//! values `null`, arrays in the audit's order.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{InputFile, InputIssue};
use crate::report::compare::{Change, Changes, PrevFinding, ScheduleChange};
use crate::rules::Audit;
use crate::rules::counts::Category;
use crate::rules::findings::Finding;
use crate::rules::forecast::ForecastMonth;
use crate::rules::per_user::PerUser;
use crate::rules::regime::Regime;
use crate::rules::schedule::{Schedule, Status};
use crate::rules::view::SetAside;

/// The schema version of this report; bumped when a field changes meaning or disappears.
pub const REPORT_FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Report<'a> {
    pub tool: Tool,
    pub as_of: NaiveDate,
    pub inputs: &'a [InputFile],
    /// With `--compare-to`: the previous report and the counts of the comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_to: Option<ComparedTo<'a>>,
    pub schedules: Schedules<'a>,
    /// With `--compare-to`: schedules whose category, next type, due date or status changed,
    /// or that were added or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_schedules: Option<&'a [ScheduleChange]>,
    pub findings: Findings<'a>,
    /// With `--compare-to`: the previous report's findings no longer present, as they were.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved: Option<&'a [PrevFinding]>,
    pub input_issues: Vec<JsonIssue<'a>>,
    pub forecast: &'a [ForecastMonth],
    pub summary: Summary,
}

/// The audit's schedules, each turned into a [`JsonSchedule`] only as it is written: the report
/// of a large register never holds a second copy of them.
#[derive(Debug, Clone, Copy)]
pub struct Schedules<'a>(pub &'a PerUser<Schedule>);

impl Serialize for Schedules<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(schedule))
    }
}

/// The audit's findings, each turned into a [`JsonFinding`] as it is written, with its
/// `change` when the report is compared with an earlier one.
#[derive(Debug, Clone, Copy)]
pub struct Findings<'a> {
    pub findings: &'a PerUser<Finding>,
    pub changes: Option<&'a Changes>,
}

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.findings.iter().enumerate().map(|(i, f)| JsonFinding {
            change: self.changes.and_then(|c| c.finding(i)),
            ..finding(f)
        }))
    }
}

/// The previous report of a `--compare-to` run.
#[derive(Debug, Serialize)]
pub struct ComparedTo<'a> {
    pub path: &'a str,
    pub as_of: NaiveDate,
    pub tool_version: &'a str,
    pub new: usize,
    pub persisting: usize,
    pub resolved: usize,
    pub changed_schedules: usize,
}

#[derive(Debug, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
    pub report_format: u32,
}

#[derive(Debug, Serialize)]
pub struct JsonSchedule<'a> {
    pub user_id: &'a str,
    pub name: Option<&'a str>,
    pub regime: Option<Regime>,
    pub category: Option<Category>,
    pub limbs: Vec<&'a str>,
    pub rules_version: Option<&'a str>,
    pub domestic: Option<u64>,
    pub non_domestic: Option<u64>,
    pub counts_as_of: Option<NaiveDate>,
    pub last_type: Option<&'static str>,
    pub last_completed: Option<NaiveDate>,
    pub next_type: Option<&'static str>,
    pub due: Option<NaiveDate>,
    pub days_left: Option<i64>,
    pub scheduled_for: Option<NaiveDate>,
    pub booked_type: Option<&'static str>,
    pub status: Status,
    pub explanation: &'a str,
    pub source: String,
}

#[derive(Debug, Serialize)]
pub struct JsonFinding<'a> {
    pub user_id: &'a str,
    pub regime: Option<Regime>,
    pub code: &'static str,
    pub severity: &'static str,
    pub clause: &'a str,
    pub due: Option<NaiveDate>,
    pub days: Option<i64>,
    pub message: &'a str,
    pub source: Option<String>,
    /// With `--compare-to`: `new` or `persisting`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

#[derive(Debug, Serialize)]
pub struct JsonIssue<'a> {
    pub code: &'static str,
    pub source: String,
    pub file: &'a str,
    pub value: &'a str,
    pub message: &'a str,
    pub suggestion: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct Summary {
    pub users: usize,
    pub schedules: usize,
    pub by_status: BTreeMap<&'static str, usize>,
    pub by_category: BTreeMap<&'static str, usize>,
    pub by_severity: BTreeMap<&'static str, usize>,
    pub by_code: BTreeMap<&'static str, usize>,
    pub input_issues: usize,
    pub rules_versions: BTreeMap<String, usize>,
    pub set_aside: SetAside,
}

/// One schedule as the report writes it.
pub fn schedule(s: &Schedule) -> JsonSchedule<'_> {
    JsonSchedule {
        user_id: &s.user_id,
        name: s.name.as_deref(),
        regime: s.regime,
        category: s.category,
        limbs: s.figures.limb_names().collect(),
        rules_version: s.rules_version.as_deref(),
        domestic: s.domestic,
        non_domestic: s.non_domestic,
        counts_as_of: s.counts_as_of,
        last_type: s.last_type.map(|t| t.name()),
        last_completed: s.last_completed,
        next_type: s.next_type.map(|t| t.name()),
        due: s.due,
        days_left: s.days_left,
        scheduled_for: s.scheduled_for,
        booked_type: s.booked_type.map(|t| t.name()),
        status: s.status,
        explanation: &s.explanation,
        source: s.user_cell.to_string(),
    }
}

/// One finding as the report writes it (without `change`).
pub fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        user_id: &f.user_id,
        regime: f.regime,
        code: f.code.as_str(),
        severity: f.severity().as_str(),
        clause: f.clause,
        due: f.due,
        days: f.days,
        message: &f.message,
        source: f.source.as_ref().map(|c| c.to_string()),
        change: None,
    }
}

/// Counts by status, category, severity and code.
pub fn summary(audit: &Audit, issues: usize) -> Summary {
    let mut by_status = BTreeMap::new();
    let mut by_category = BTreeMap::new();
    for s in &audit.schedules {
        *by_status.entry(s.status.as_str()).or_insert(0) += 1;
        if let Some(c) = s.category {
            *by_category.entry(c.as_str()).or_insert(0) += 1;
        }
    }
    let mut by_severity = BTreeMap::new();
    let mut by_code = BTreeMap::new();
    for f in &audit.findings {
        *by_severity.entry(f.severity().as_str()).or_insert(0) += 1;
        *by_code.entry(f.code.as_str()).or_insert(0) += 1;
    }
    Summary {
        users: audit.users,
        schedules: audit.schedules.len(),
        by_status,
        by_category,
        by_severity,
        by_code,
        input_issues: issues,
        rules_versions: audit.versions_applied.clone(),
        set_aside: audit.set_aside,
    }
}

/// Builds the report.
pub fn report<'a>(
    audit: &'a Audit,
    inputs: &'a [InputFile],
    issues: &'a [InputIssue],
) -> Report<'a> {
    Report {
        tool: Tool {
            name: "g8audit",
            version: env!("CARGO_PKG_VERSION"),
            report_format: REPORT_FORMAT,
        },
        as_of: audit.as_of,
        inputs,
        compared_to: None,
        schedules: Schedules(&audit.schedules),
        changed_schedules: None,
        findings: Findings {
            findings: &audit.findings,
            changes: None,
        },
        resolved: None,
        input_issues: issues
            .iter()
            .map(|i| JsonIssue {
                code: i.code.as_str(),
                source: i.cell.to_string(),
                file: inputs
                    .get(i.cell.input as usize)
                    .map_or("", |f| f.path.as_str()),
                value: &i.value,
                message: &i.message,
                suggestion: i.suggestion.as_deref(),
            })
            .collect(),
        forecast: &audit.forecast,
        summary: summary(audit, issues.len()),
    }
}

impl<'a> Report<'a> {
    /// Adds the comparison with last month's report (`--compare-to`, SPEC §3.2): `change` on
    /// every finding, `resolved`, `changed_schedules` and `compared_to`. `changes` must come from
    /// the same audit as the report.
    pub fn with_changes(mut self, changes: &'a Changes) -> Report<'a> {
        self.findings.changes = Some(changes);
        self.compared_to = Some(ComparedTo {
            path: &changes.previous_path,
            as_of: changes.previous_as_of,
            tool_version: &changes.previous_version,
            new: changes.new_count(),
            persisting: changes.persisting_count(),
            resolved: changes.resolved.len(),
            changed_schedules: changes.schedules.len(),
        });
        self.changed_schedules = Some(&changes.schedules);
        self.resolved = Some(&changes.resolved);
        self
    }
}

/// Writes the report as pretty-printed JSON, ending in a newline, as it is serialised: the
/// report of a million Users is over a gigabyte of text, never held whole in memory.
///
/// # Errors
/// Whatever writing to `out` fails with.
pub fn write(report: &Report<'_>, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, report)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// The report as pretty-printed JSON, ending in a newline.
pub fn to_string(report: &Report<'_>) -> String {
    // Serializing these plain structs cannot fail (no maps with non-string keys, no I/O).
    let mut s =
        serde_json::to_string_pretty(report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
