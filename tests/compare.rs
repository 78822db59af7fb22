//! Monthly reconciliation (`audit --compare-to`, SPEC §3.2) on the two registers of
//! `fixtures/monthly/`: the new, persisting and resolved findings and the changed schedules must
//! be exactly those worked out by hand in `fixtures/monthly/README.md`.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// 2026-11-01 00:00 UTC: "today" for reproducible runs.
const TODAY_EPOCH: &str = "1793491200";

fn month(m: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/monthly")
        .join(m);
    ["users", "premises", "assessments"]
        .iter()
        .map(|t| dir.join(format!("{t}.csv")))
        .collect()
}

fn g8audit(args: &[&str], inputs: &[PathBuf]) -> Output {
    Command::cargo_bin("g8audit")
        .expect("binary built")
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .arg("audit")
        .args(inputs)
        .args(args)
        .output()
        .expect("runs")
}

/// Audits October into `dir/oct.json` and returns its path.
fn october(dir: &Path) -> PathBuf {
    let path = dir.join("oct.json");
    let out = g8audit(
        &[
            "--as-of",
            "2026-10-01",
            "--json",
            path.to_str().unwrap(),
            "--quiet",
        ],
        &month("2026-10"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    path
}

fn november(previous: &Path) -> Output {
    g8audit(
        &[
            "--as-of",
            "2026-11-01",
            "--json",
            "-",
            "--quiet",
            "--compare-to",
            previous.to_str().unwrap(),
        ],
        &month("2026-11"),
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn s(v: &Value) -> String {
    v.as_str().unwrap_or("—").to_string()
}

/// "user regime code due" of each finding, plus its change.
fn identities(findings: &Value) -> Vec<(String, String)> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                format!(
                    "{} {} {} {}",
                    s(&f["user_id"]),
                    s(&f["regime"]),
                    s(&f["code"]),
                    s(&f["due"])
                ),
                s(&f["change"]),
            )
        })
        .collect()
}

#[test]
fn spec_3_2_new_and_persisting_findings_are_the_hand_worked_ones() {
    let dir = tempfile::tempdir().unwrap();
    let r = json(&november(&october(dir.path())));
    let expected = [
        ("M01 — PREMISES_STALE —", "persisting"),
        ("M01 supplier OVERDUE 2026-06-28", "persisting"),
        ("M02 supplier COMPLETED_LATE 2026-09-05", "new"),
        ("M04 supplier DUE_SOON 2027-01-08", "new"),
        ("M05 supplier OVERDUE 2026-10-15", "new"),
        ("M06 supplier CATEGORY_CHANGED 2027-04-07", "new"),
        ("M07 network RESPONSE_LATE 2026-09-15", "new"),
        ("M08 other ENTRY_DEFERRED —", "persisting"),
        ("M09 supplier ENTRY_MISSING —", "new"),
        ("M10 supplier OVERDUE 2026-08-25", "persisting"),
        ("M12 supplier COMPLETED_LATE 2024-05-15", "persisting"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(identities(&r["findings"]), expected);
    assert_eq!(r["compared_to"]["as_of"], "2026-10-01");
    assert_eq!(r["compared_to"]["new"], 6);
    assert_eq!(r["compared_to"]["persisting"], 5);
    assert_eq!(r["compared_to"]["resolved"], 8);
    assert_eq!(r["compared_to"]["changed_schedules"], 9);
}

#[test]
fn spec_3_2_resolved_lists_last_months_findings_that_are_gone_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let r = json(&november(&october(dir.path())));
    let resolved: Vec<String> = identities(&r["resolved"])
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        resolved,
        [
            "M02 supplier OVERDUE 2026-09-05",
            "M03 supplier DUE_SOON 2026-11-28",
            "M05 supplier DUE_SOON 2026-10-15",
            "M06 supplier NEAR_THRESHOLD —",
            "M07 network RESPONSE_OVERDUE 2026-09-15",
            "M10 supplier NEAR_THRESHOLD —",
            "M11 other OVERDUE 2026-09-08",
            "M13 supplier DUE_SOON 2026-10-18",
        ]
    );
    // As last month's report wrote it: days at 2026-10-01, its message.
    let m02 = &r["resolved"][0];
    assert_eq!(m02["days"], 26);
    assert_eq!(m02["severity"], "breach");
    assert!(s(&m02["message"]).contains("26 days late"), "{m02}");
    assert!(m02.get("change").is_none());
}

#[test]
fn spec_3_2_changed_schedules_have_before_and_after() {
    let dir = tempfile::tempdir().unwrap();
    let r = json(&november(&october(dir.path())));
    let state = |v: &Value| {
        if v.is_null() {
            "—".to_string()
        } else {
            format!(
                "{}/{}/{}/{}",
                s(&v["category"]),
                s(&v["next_type"]),
                s(&v["due"]),
                s(&v["status"])
            )
        }
    };
    let got: Vec<String> = r["changed_schedules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let fields: Vec<String> = c["fields"].as_array().unwrap().iter().map(s).collect();
            format!(
                "{} {} {} [{}] {} => {}",
                s(&c["user_id"]),
                s(&c["regime"]),
                s(&c["change"]),
                fields.join(","),
                state(&c["before"]),
                state(&c["after"])
            )
        })
        .collect();
    let small = "supplier-small";
    assert_eq!(
        got,
        [
            format!(
                "M02 supplier changed [next_type,due,status] {small}/Full/2026-09-05/overdue => \
                 {small}/Verification/2027-10-20/ok"
            ),
            format!(
                "M03 supplier changed [status] {small}/Full/2026-11-28/due-soon => \
                 {small}/Full/2026-11-28/scheduled"
            ),
            format!(
                "M04 supplier changed [status] {small}/Full/2027-01-08/ok => \
                 {small}/Full/2027-01-08/due-soon"
            ),
            format!(
                "M05 supplier changed [status] {small}/Full/2026-10-15/due-soon => \
                 {small}/Full/2026-10-15/overdue"
            ),
            format!(
                "M06 supplier changed [category,next_type] {small}/Self/2027-04-07/ok => \
                 supplier-large/Full/2027-04-07/ok"
            ),
            "M09 supplier added [] — => —/Full/—/entry-incomplete".to_string(),
            format!(
                "M10 supplier changed [status] {small}/Full/2026-08-25/overdue => \
                 {small}/Full/2026-08-25/left"
            ),
            "M11 other changed [next_type,due,status] other/Full/2026-09-08/overdue => \
             other/Verification/2027-09-03/ok"
                .to_string(),
            format!(
                "M13 supplier changed [next_type,due,status] {small}/Full/2026-10-18/due-soon => \
                 {small}/Verification/2027-10-16/ok"
            ),
        ]
    );
    assert_eq!(r["changed_schedules"][0]["name"], "Birch Energy");
}

#[test]
fn a_removed_schedule_is_listed_with_no_after() {
    // Compared the other way round (November's report, October's register), M09 is gone.
    let dir = tempfile::tempdir().unwrap();
    let nov = dir.path().join("nov.json");
    let out = g8audit(
        &[
            "--as-of",
            "2026-11-01",
            "--json",
            nov.to_str().unwrap(),
            "--quiet",
        ],
        &month("2026-11"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = json(&g8audit(
        &[
            "--as-of",
            "2026-10-01",
            "--json",
            "-",
            "--quiet",
            "--compare-to",
            nov.to_str().unwrap(),
        ],
        &month("2026-10"),
    ));
    let m09 = r["changed_schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["user_id"] == "M09")
        .expect("M09 listed");
    assert_eq!(m09["change"], "removed");
    assert!(m09["after"].is_null());
    assert_eq!(m09["before"]["status"], "entry-incomplete");
}

#[test]
fn a_report_compared_with_itself_has_nothing_new() {
    let dir = tempfile::tempdir().unwrap();
    let oct = october(dir.path());
    let r = json(&g8audit(
        &[
            "--as-of",
            "2026-10-01",
            "--json",
            "-",
            "--quiet",
            "--compare-to",
            oct.to_str().unwrap(),
        ],
        &month("2026-10"),
    ));
    assert!(
        identities(&r["findings"])
            .iter()
            .all(|(_, c)| c == "persisting")
    );
    assert_eq!(r["resolved"], Value::Array(vec![]));
    assert_eq!(r["changed_schedules"], Value::Array(vec![]));
}

#[test]
fn without_compare_to_the_report_has_no_change_fields() {
    let r = json(&g8audit(
        &["--as-of", "2026-11-01", "--json", "-", "--quiet"],
        &month("2026-11"),
    ));
    let report = r.as_object().unwrap();
    for key in ["compared_to", "resolved", "changed_schedules"] {
        assert!(!report.contains_key(key), "{key}");
    }
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f.get("change").is_none())
    );
}

#[test]
fn the_terminal_summary_counts_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let oct = october(dir.path());
    let out = g8audit(
        &[
            "--as-of",
            "2026-11-01",
            "--compare-to",
            oct.to_str().unwrap(),
        ],
        &month("2026-11"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "(as of 2026-10-01): 6 new, 5 persisting, 8 resolved findings; 9 schedules changed"
        ),
        "{text}"
    );
}

/// Runs November against `previous` (written into a scratch file) and returns the error text.
fn refused(previous: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("previous.json");
    std::fs::write(&path, previous).unwrap();
    let out = november(&path);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    stderr(&out)
}

#[test]
fn a_file_that_is_not_json_is_refused() {
    let e = refused(b"Severity,Code,Clause\nbreach,OVERDUE,G8.42\n");
    assert!(e.contains("not a g8audit JSON report"), "{e}");
    assert!(e.contains("it is not JSON"), "{e}");
    assert!(e.contains("--json FILE"), "{e}");
}

#[test]
fn another_tools_json_is_refused() {
    let e = refused(br#"{"tool": {"name": "sec-checker", "version": "2.0"}, "findings": []}"#);
    assert!(
        e.contains("not a g8audit JSON report (it was written by \"sec-checker\", not g8audit)"),
        "{e}"
    );
    let e = refused(br#"{"findings": []}"#);
    assert!(e.contains("it has no \"tool\" field"), "{e}");
}

#[test]
fn a_report_from_a_newer_g8audit_is_refused() {
    let e = refused(
        br#"{"tool": {"name": "g8audit", "version": "9.0.0", "report_format": 99},
             "as_of": "2026-10-01", "schedules": [], "findings": []}"#,
    );
    assert!(
        e.contains("written by a newer g8audit (9.0.0, report format 99)"),
        "{e}"
    );
    assert!(e.contains("compares with report format 1 only"), "{e}");
}

#[test]
fn a_report_from_an_older_g8audit_is_refused() {
    let e = refused(
        br#"{"tool": {"name": "g8audit", "version": "0.0.9"},
             "as_of": "2026-10-01", "schedules": [], "findings": []}"#,
    );
    assert!(
        e.contains("written by an older g8audit (0.0.9, report format 0)"),
        "{e}"
    );
    assert!(e.contains("audit last month's register again"), "{e}");
}

#[test]
fn a_missing_previous_report_is_named() {
    let out = november(Path::new("/nonexistent/oct.json"));
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("--compare-to /nonexistent/oct.json: cannot read it"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------
// SPEC §2.9: an audit as of a past date against the register cut by hand at that date
// (`fixtures/past/README.md`).

fn csv_dir(dir: &str) -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    ["users", "premises", "assessments"]
        .iter()
        .map(|t| dir.join(format!("{t}.csv")))
        .collect()
}

/// `text` with every `users!A1`-style cell reference replaced by `<cell>`: the cut register has
/// fewer rows, so its references differ.
fn mask_cells(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    'scan: while !rest.is_empty() {
        for sheet in [
            "users!",
            "premises!",
            "assessments!",
            "Users!",
            "Premises!",
            "Assessments!",
        ] {
            if let Some(tail) = rest.strip_prefix(sheet) {
                let letters = tail.chars().take_while(char::is_ascii_uppercase).count();
                let digits = tail[letters..]
                    .chars()
                    .take_while(char::is_ascii_digit)
                    .count();
                if letters > 0 && digits > 0 {
                    out.push_str("<cell>");
                    rest = &tail[letters + digits..];
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().unwrap();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The objects of `array` without `source`, their strings masked.
fn comparable(array: &Value) -> Vec<Value> {
    array
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let mut o = o.as_object().unwrap().clone();
            o.remove("source");
            for v in o.values_mut() {
                if let Value::String(s) = v {
                    *s = mask_cells(s);
                }
            }
            Value::Object(o)
        })
        .collect()
}

fn past(inputs: &[PathBuf]) -> Value {
    json(&g8audit(
        &["--as-of", "2021-06-30", "--json", "-", "--quiet"],
        inputs,
    ))
}

#[test]
fn spec_2_9_a_past_audit_is_the_audit_of_the_register_cut_at_that_date() {
    let full = past(&csv_dir("fixtures/sample/csv"));
    let cut = past(&csv_dir("fixtures/past/2021-06-30"));
    assert_eq!(
        comparable(&full["schedules"]),
        comparable(&cut["schedules"])
    );
    assert_eq!(comparable(&full["findings"]), comparable(&cut["findings"]));
    assert_eq!(full["forecast"], cut["forecast"]);
    for key in ["users", "by_status", "by_category", "by_code"] {
        assert_eq!(full["summary"][key], cut["summary"][key], "{key}");
    }
    // What fixtures/past/README.md says the register showed that day.
    assert_eq!(full["summary"]["users"], 57);
    assert_eq!(full["findings"].as_array().unwrap().len(), 27);
    assert_eq!(full["summary"]["by_status"]["scheduled"], 44);
    assert_eq!(full["summary"]["by_status"]["scheduled-late"], 10);
}

#[test]
fn spec_2_9_the_summary_counts_what_was_set_aside() {
    let full = past(&csv_dir("fixtures/sample/csv"));
    let a = &full["summary"]["set_aside"];
    // As counted by fixtures/past/cut_register.py (see its README for the submissions).
    assert_eq!(a["users"], 4);
    assert_eq!(a["snapshots"], 2643);
    assert_eq!(a["completions_to_bookings"], 202);
    assert_eq!(a["rows_left_out"], 62);
    assert_eq!(a["submissions"], 203);
    assert_eq!(a["remedial_completions"], 1);
    assert_eq!(a["statuses"], 0);
    assert_eq!(a["notifications"], 13);
    // The cut register has nothing after the day: nothing to set aside.
    let cut = past(&csv_dir("fixtures/past/2021-06-30"));
    let total: u64 = cut["summary"]["set_aside"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 0);
    // And the terminal says how much was set aside.
    let out = g8audit(&["--as-of", "2021-06-30"], &csv_dir("fixtures/sample/csv"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "set aside, dated after 2021-06-30: 4 Users not yet joined, 2643 snapshots, \
             202 completions read as bookings, 62 rows left out, 203 submissions, \
             1 remedial completions, 13 G5.27 notifications"
        ),
        "{text}"
    );
}

#[test]
fn masking_replaces_cell_references_only() {
    assert_eq!(
        mask_cells("Full assessments!B184 was due; rows assessments!B16, users!A2 x!A1 users!"),
        "Full <cell> was due; rows <cell>, <cell> x!A1 users!"
    );
}

// ---------------------------------------------------------------------------------------------
// The workbook with --compare-to: a Changes sheet after the Forecast, a Change column on
// Findings.

fn text_rows(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    use calamine::{Reader, open_workbook_auto};
    let range = open_workbook_auto(path)
        .unwrap()
        .worksheet_range(sheet)
        .unwrap();
    // Rows from A1 (calamine numbers them from the range's start).
    let (top, _) = range.start().unwrap_or((0, 0));
    let mut rows = vec![Vec::new(); top as usize];
    rows.extend(
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>()),
    );
    rows
}

#[test]
fn the_workbook_has_a_changes_sheet_and_a_change_column() {
    use calamine::{Reader, open_workbook_auto};
    let dir = tempfile::tempdir().unwrap();
    let oct = october(dir.path());
    let xlsx = dir.path().join("nov.xlsx");
    let out = g8audit(
        &[
            "--as-of",
            "2026-11-01",
            "--quiet",
            "-o",
            xlsx.to_str().unwrap(),
            "--compare-to",
            oct.to_str().unwrap(),
        ],
        &month("2026-11"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names = open_workbook_auto(&xlsx).unwrap().sheet_names().to_vec();
    assert_eq!(
        names[..6],
        [
            "Summary", "Findings", "Schedule", "Forecast", "Changes", "Users"
        ]
    );

    let findings = text_rows(&xlsx, "Findings");
    assert_eq!(findings[0][0], "Change");
    assert_eq!(findings[0][1], "Severity");
    let marks: Vec<(String, String)> = findings[1..]
        .iter()
        .map(|r| (format!("{} {}", r[4], r[2]), r[0].clone()))
        .collect();
    assert_eq!(marks.len(), 11);
    assert!(
        marks.contains(&("M05 OVERDUE".into(), "new".into())),
        "{marks:?}"
    );
    assert!(marks.contains(&("M01 OVERDUE".into(), "persisting".into())));

    let changes = text_rows(&xlsx, "Changes");
    let first = |r: &Vec<String>| r.first().cloned().unwrap_or_default();
    assert!(first(&changes[0]).starts_with("Changes since 2026-10-01"));
    let heading = |prefix: &str| {
        changes
            .iter()
            .position(|r| first(r).starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix} section"))
    };
    let new = heading("New findings (6)");
    let resolved = heading("Resolved findings (8)");
    let changed = heading("Schedules changed (9)");
    assert!(new < resolved && resolved < changed);
    // New: rows after the column headings, up to the blank row.
    let codes = |from: usize| -> Vec<String> {
        changes[from + 2..]
            .iter()
            .take_while(|r| !first(r).is_empty())
            .map(|r| format!("{} {}", r[3], r[1]))
            .collect()
    };
    assert_eq!(
        codes(new),
        [
            "M02 COMPLETED_LATE",
            "M04 DUE_SOON",
            "M05 OVERDUE",
            "M06 CATEGORY_CHANGED",
            "M07 RESPONSE_LATE",
            "M09 ENTRY_MISSING"
        ]
    );
    assert_eq!(
        codes(resolved),
        [
            "M02 OVERDUE",
            "M03 DUE_SOON",
            "M05 DUE_SOON",
            "M06 NEAR_THRESHOLD",
            "M07 RESPONSE_OVERDUE",
            "M10 NEAR_THRESHOLD",
            "M11 OVERDUE",
            "M13 DUE_SOON"
        ]
    );
    // The resolved M03 DUE_SOON: its schedule is now scheduled.
    let m03 = &changes[resolved + 3];
    assert_eq!(m03[3], "M03");
    assert_eq!(m03[9], "scheduled");
    let m06 = changes[changed + 2..]
        .iter()
        .find(|r| r[0] == "M06")
        .expect("M06 changed");
    assert_eq!(
        m06[3..9],
        [
            "changed",
            "category, next type",
            "supplier-small",
            "supplier-large",
            "Self",
            "Full"
        ]
    );

    // The workbook is still a register: auditing it again ignores the Changes sheet.
    let again = g8audit(
        &["--as-of", "2026-11-01", "--json", "-", "--quiet"],
        std::slice::from_ref(&xlsx),
    );
    let direct = g8audit(
        &["--as-of", "2026-11-01", "--json", "-", "--quiet"],
        &month("2026-11"),
    );
    let (a, d) = (json(&again), json(&direct));
    assert_eq!(comparable(&a["schedules"]), comparable(&d["schedules"]));
    assert_eq!(comparable(&a["findings"]), comparable(&d["findings"]));
}

#[test]
fn without_compare_to_the_workbook_has_no_changes() {
    use calamine::{Reader, open_workbook_auto};
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("nov.xlsx");
    let out = g8audit(
        &[
            "--as-of",
            "2026-11-01",
            "--quiet",
            "-o",
            xlsx.to_str().unwrap(),
        ],
        &month("2026-11"),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names = open_workbook_auto(&xlsx).unwrap().sheet_names().to_vec();
    assert!(!names.iter().any(|n| n == "Changes"), "{names:?}");
    assert_eq!(text_rows(&xlsx, "Findings")[0][0], "Severity");
}
