//! The binary on the sample register: exact JSON fields, the CSV form, outputs and exit codes.
//!
//! Expected values are the hand-computed results of `fixtures/sample/README.md` §4.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// 2026-11-01 00:00 UTC: "today" for reproducible runs of the sample register.
const TODAY_EPOCH: &str = "1793491200";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_xlsx() -> PathBuf {
    root().join("fixtures/sample/register.xlsx")
}

fn sample_csv() -> Vec<PathBuf> {
    ["users", "premises", "assessments"]
        .iter()
        .map(|t| root().join(format!("fixtures/sample/csv/{t}.csv")))
        .collect()
}

fn g8audit() -> Command {
    let mut cmd = Command::cargo_bin("g8audit").expect("binary built");
    cmd.env("SOURCE_DATE_EPOCH", TODAY_EPOCH);
    cmd
}

fn run(args: &[&str], inputs: &[PathBuf]) -> Output {
    let mut cmd = g8audit();
    cmd.args(args.iter().take(1)).args(inputs).args(&args[1..]);
    cmd.output().expect("runs")
}

fn audit_json(inputs: &[PathBuf], extra: &[&str]) -> Value {
    let mut args = vec!["audit", "--as-of", "2026-11-01", "--json", "-", "--quiet"];
    args.extend_from_slice(extra);
    let out = run(&args, inputs);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

fn schedule<'a>(report: &'a Value, user: &str, regime: Option<&str>) -> &'a Value {
    report["schedules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["user_id"] == user && s["regime"].as_str() == regime)
        .unwrap_or_else(|| panic!("no schedule {user} {regime:?}"))
}

/// (code, due) of one User's findings, in report order.
fn findings(report: &Value, user: &str) -> Vec<(String, Option<String>)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["user_id"] == user)
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["due"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn assert_schedule(
    report: &Value,
    user: &str,
    regime: Option<&str>,
    category: Option<&str>,
    next: Option<&str>,
    due: Option<&str>,
    status: &str,
) {
    let s = schedule(report, user, regime);
    assert_eq!(s["category"].as_str(), category, "{user} category: {s:#}");
    assert_eq!(s["next_type"].as_str(), next, "{user} next_type: {s:#}");
    assert_eq!(s["due"].as_str(), due, "{user} due: {s:#}");
    assert_eq!(s["status"], status, "{user} status: {s:#}");
}

#[test]
fn sample_register_schedules_match_the_hand_computed_results() {
    let r = audit_json(&[sample_xlsx()], &[]);
    assert_eq!(r["as_of"], "2026-11-01");
    assert_eq!(r["schedules"].as_array().unwrap().len(), 63);
    let s = Some("supplier");
    let n = Some("network");
    let o = Some("other");
    assert_schedule(
        &r,
        "U001",
        s,
        Some("supplier-large"),
        Some("Full"),
        Some("2027-03-11"),
        "ok",
    );
    assert_schedule(
        &r,
        "U002",
        s,
        Some("supplier-large"),
        Some("Full"),
        Some("2026-11-17"),
        "scheduled",
    );
    assert_schedule(
        &r,
        "U004",
        s,
        Some("supplier-small"),
        Some("Verification"),
        Some("2027-05-29"),
        "ok",
    );
    assert_schedule(
        &r,
        "U006",
        s,
        Some("supplier-large"),
        Some("Full"),
        Some("2026-11-14"),
        "scheduled",
    );
    assert_schedule(
        &r,
        "U007",
        s,
        Some("supplier-small"),
        Some("Full"),
        Some("2026-11-16"),
        "scheduled-late",
    );
    assert_schedule(
        &r,
        "U008",
        s,
        Some("supplier-small"),
        Some("Full"),
        Some("2026-05-16"),
        "overdue",
    );
    assert_schedule(
        &r,
        "U012",
        s,
        Some("supplier-small"),
        Some("Full"),
        Some("2026-01-14"),
        "overdue",
    );
    assert_schedule(
        &r,
        "U015",
        s,
        Some("supplier-small"),
        Some("Self"),
        Some("2025-02-19"),
        "left",
    );
    assert_schedule(
        &r,
        "U017",
        s,
        Some("supplier-small"),
        Some("Verification").and(Some("Self")),
        Some("2026-11-14"),
        "due-soon",
    );
    assert_schedule(&r, "U019", s, None, None, Some("2027-06-17"), "ok");
    assert_schedule(
        &r,
        "U024",
        s,
        Some("supplier-large"),
        Some("Full"),
        Some("2027-01-25"),
        "due-soon",
    );
    assert_schedule(
        &r,
        "U033",
        n,
        Some("network-large"),
        Some("Full"),
        Some("2026-12-06"),
        "scheduled",
    );
    assert_schedule(
        &r,
        "U036",
        n,
        Some("network-small"),
        Some("Full"),
        Some("2027-08-09"),
        "ok",
    );
    assert_schedule(
        &r,
        "U038",
        n,
        Some("network-large"),
        Some("Verification"),
        Some("2026-06-30"),
        "overdue",
    );
    assert_schedule(
        &r,
        "U039",
        n,
        Some("network-large"),
        Some("Full"),
        Some("2026-12-25"),
        "due-soon",
    );
    assert_schedule(
        &r,
        "U047",
        o,
        Some("other"),
        Some("Verification"),
        Some("2026-06-27"),
        "overdue",
    );
    assert_schedule(
        &r,
        "U049",
        o,
        Some("other"),
        Some("Verification"),
        None,
        "undetermined",
    );
    assert_schedule(&r, "U050", o, None, None, None, "entry-incomplete");
    assert_schedule(&r, "U053", s, None, Some("Full"), None, "entry-incomplete");
    assert_schedule(&r, "U055", None, None, None, None, "not-subject");
    assert_schedule(
        &r,
        "SRP01",
        Some("srp-supplier"),
        Some("supplier-large"),
        Some("Full"),
        Some("2027-03-04"),
        "ok",
    );
    assert_schedule(
        &r,
        "SRP02",
        Some("srp-network"),
        Some("network-small"),
        Some("Full"),
        Some("2026-11-15"),
        "scheduled",
    );
    assert_schedule(
        &r,
        "SRP04",
        Some("srp-other"),
        Some("other"),
        Some("Full"),
        Some("2026-07-04"),
        "overdue",
    );

    let u1 = schedule(&r, "U001", s);
    assert_eq!(u1["limbs"], serde_json::json!(["G8.41(a)", "G8.41(c)"]));
    assert_eq!(u1["rules_version"], "SECMP0059");
    assert_eq!(u1["domestic"], 1_420_000);
    assert_eq!(u1["non_domestic"], 41_000);
    assert_eq!(u1["counts_as_of"], "2026-11-01");
    assert_eq!(u1["last_type"], "Full");
    assert_eq!(u1["last_completed"], "2026-03-11");
    assert_eq!(schedule(&r, "U002", s)["scheduled_for"], "2026-11-12");
}

#[test]
fn sample_register_findings_match_the_hand_computed_results() {
    let r = audit_json(&[sample_xlsx()], &[]);
    let f = |code: &str, due: Option<&str>| (code.to_string(), due.map(str::to_string));
    assert_eq!(findings(&r, "U012"), [f("OVERDUE", Some("2026-01-14"))]);
    assert_eq!(
        findings(&r, "U022"),
        [f("SELF_SUBMITTED_LATE", Some("2025-02-28"))]
    );
    assert_eq!(findings(&r, "U019"), [f("PREMISES_MISSING", None)]);
    // 5N + D = 250,000 exactly at the booking date: small, and near the threshold.
    assert_eq!(
        findings(&r, "U007"),
        [
            f("NEAR_THRESHOLD", None),
            f("SCHEDULED_LATE", Some("2026-11-16"))
        ]
    );
    assert_eq!(findings(&r, "U050"), [f("ENTRY_DEFERRED", None)]);
    assert_eq!(findings(&r, "U004"), [f("NEAR_THRESHOLD", None)]);
    assert_eq!(
        findings(&r, "SRP04"),
        [f("SRP_NO_USERS", None), f("OVERDUE", Some("2026-07-04"))]
    );
    assert_eq!(
        findings(&r, "U006"),
        [
            f("CATEGORY_CHANGED", Some("2026-11-14")),
            f("WRONG_TYPE_SCHEDULED", Some("2026-11-14"))
        ]
    );
    let overdue = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["user_id"] == "U012")
        .unwrap();
    assert_eq!(overdue["severity"], "breach");
    assert_eq!(overdue["clause"], "G8.42");
    assert_eq!(overdue["regime"], "supplier");
    assert_eq!(overdue["days"], 291);
    let summary = &r["summary"];
    assert_eq!(summary["by_severity"]["breach"], 23);
    assert_eq!(summary["by_severity"]["warning"], 19);
    assert_eq!(summary["by_severity"]["info"], 11);
    assert_eq!(summary["by_status"]["overdue"], 7);
    assert_eq!(summary["users"], 61);
}

#[test]
fn sample_register_input_issues_point_at_their_cells() {
    let r = audit_json(&[sample_xlsx()], &[]);
    let issues: Vec<(String, String)> = r["input_issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().to_string(),
                i["source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        ("UNKNOWN_ROLE", "Users!C16"),
        ("DUPLICATE_USER", "Users!A65"),
        ("BAD_NUMBER", "Premises!D2767"),
        ("DUPLICATE_SNAPSHOT", "Premises!B3734"),
        ("NEGATIVE_NUMBER", "Premises!C3808"),
        ("BAD_DATE", "Assessments!E81"),
        ("BAD_DATE", "Assessments!J90"),
        ("UNKNOWN_USER", "Assessments!A116"),
        ("UNKNOWN_STATUS", "Assessments!H395"),
        ("UNKNOWN_TYPE", "Assessments!B413"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(c, s)| (c.to_string(), s.to_string()))
        .collect();
    assert_eq!(issues, expected);
    let typo = r["input_issues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "UNKNOWN_USER")
        .unwrap();
    assert_eq!(typo["suggestion"], "U012");
    assert_eq!(typo["value"], "U0l2");
}

/// Schedules and findings without the cells they point at or name (which differ between the
/// forms: the CSV sheets are named after the files, and the Users rows sit two rows higher).
fn without_sources(mut r: Value) -> Value {
    for key in ["schedules", "findings"] {
        for item in r[key].as_array_mut().unwrap() {
            let item = item.as_object_mut().unwrap();
            for field in ["source", "message", "explanation"] {
                item.remove(field);
            }
        }
    }
    serde_json::json!({"schedules": r["schedules"], "findings": r["findings"], "forecast": r["forecast"]})
}

#[test]
fn the_csv_form_of_the_sample_gives_the_same_audit() {
    let xlsx = audit_json(&[sample_xlsx()], &[]);
    let csv = audit_json(&sample_csv(), &[]);
    assert_eq!(without_sources(xlsx), without_sources(csv));
}

#[test]
fn thread_count_does_not_change_the_report() {
    let one = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--json",
            "-",
            "--quiet",
            "--threads",
            "1",
        ],
        &[sample_xlsx()],
    );
    let two = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--json",
            "-",
            "--quiet",
            "--threads",
            "2",
        ],
        &[sample_xlsx()],
    );
    assert_eq!(one.status.code(), Some(0));
    assert_eq!(one.stdout, two.stdout);
}

#[test]
fn exit_code_1_when_findings_reach_fail_on() {
    let out = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--quiet",
            "--fail-on",
            "breach",
        ],
        &[sample_xlsx()],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = run(
        &["audit", "--as-of", "2026-11-01", "--quiet"],
        &[sample_xlsx()],
    );
    assert_eq!(out.status.code(), Some(0));
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// A small clean register: one Other User, approved 2025-12-01.
fn clean_register(dir: &Path) -> Vec<PathBuf> {
    vec![
        write(dir, "users.csv", "user_id,name,roles\nO1,Other One,OU\n"),
        write(
            dir,
            "assessments.csv",
            "user_id,type,purpose,completed_on,assurance_status,status_set_on\nO1,Full,Entry,2025-11-01,approved,2025-12-01\n",
        ),
    ]
}

#[test]
fn exit_code_1_for_fail_on_warning_on_a_due_soon_register() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = clean_register(dir.path());
    let out = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--json",
            "-",
            "--fail-on",
            "warning",
        ],
        &inputs,
    );
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        findings(&r, "O1"),
        [("DUE_SOON".to_string(), Some("2026-12-01".to_string()))]
    );
    let out = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--fail-on",
            "breach",
            "--quiet",
        ],
        &inputs,
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn exit_code_2_for_a_missing_file() {
    let out = run(
        &["audit", "--as-of", "2026-11-01"],
        &[PathBuf::from("/nonexistent/register.xlsx")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/register.xlsx"), "{err}");
}

/// `g8audit audit` of the sample register as of 2026-11-01, with `extra` options.
fn audit_sample(extra: &[&str]) -> Output {
    run(
        &[&["audit", "--as-of", "2026-11-01"], extra].concat(),
        &[sample_xlsx()],
    )
}

#[test]
fn exit_code_2_when_two_reports_name_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("audit.out");
    // The same file, named two ways.
    let other = dir.path().join(".").join("audit.out");
    let out = audit_sample(&[
        "-o",
        out_path.to_str().unwrap(),
        "--json",
        other.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("-o and --json both name"), "{err}");
    assert!(!out_path.exists(), "nothing is written");
}

/// The reports are written through temporary files, which are private: each report gets the
/// usual permissions of a new file (or keeps those of the file it replaces).
#[cfg(unix)]
#[test]
fn reports_are_readable_like_any_new_file() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("audit.json");
    let csv = dir.path().join("findings.csv");
    let xlsx = dir.path().join("audit.xlsx");
    let out = audit_sample(&[
        "--quiet",
        "--json",
        json.to_str().unwrap(),
        "--findings-csv",
        csv.to_str().unwrap(),
        "-o",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    for p in [&json, &csv, &xlsx] {
        assert_eq!(mode(p), 0o644, "{}", p.display());
    }
    // A report replacing a file keeps that file's permissions.
    std::fs::set_permissions(&json, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = audit_sample(&["--quiet", "--json", json.to_str().unwrap()]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    assert_eq!(mode(&json), 0o640);
}

#[test]
fn exit_code_2_for_a_bad_as_of() {
    let out = run(&["audit", "--as-of", "31/11/2026"], &[sample_xlsx()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn exit_code_2_for_a_missing_required_column() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "users.csv", "user_id,name\nO1,Other One\n");
    let ass = write(dir.path(), "assessments.csv", "user_id,type\nO1,Full\n");
    let out = run(&["audit", "--as-of", "2026-11-01"], &[users, ass]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("users.csv") && err.contains("roles"), "{err}");
}

#[test]
fn exit_code_2_for_a_bad_rules_file() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "rules.toml",
        "months_between_assessments = \"twelve\"\n",
    );
    let out = g8audit()
        .args(["rules", "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rules.toml"), "{err}");
}

#[test]
fn rules_prints_the_embedded_rules_which_load_back() {
    let out = g8audit().arg("rules").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("from = \"2019-02-28\""), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "rules.toml", &text);
    let inputs = clean_register(dir.path());
    let a = audit_json(&inputs, &[]);
    let b = audit_json(&inputs, &["--rules", path.to_str().unwrap()]);
    assert_eq!(a, b);
}

#[test]
fn a_rules_file_changes_the_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let users = write(dir.path(), "users.csv", "user_id,roles\nU1,IS\n");
    let prem = write(
        dir.path(),
        "premises.csv",
        "user_id,as_of,domestic\nU1,2026-10-01,200000\n",
    );
    let ass = write(
        dir.path(),
        "assessments.csv",
        "user_id,type,completed_on,assurance_status,status_set_on\nU1,Full,2026-01-01,approved,2026-02-01\n",
    );
    let inputs = vec![users, prem, ass];
    let r = audit_json(&inputs, &[]);
    assert_eq!(
        schedule(&r, "U1", Some("supplier"))["category"],
        "supplier-small"
    );
    let text =
        g8audit::rules::ruleset::DEFAULT_RULES_TOML.replace("over = 250000", "over = 150000");
    let rules = write(dir.path(), "lower.toml", &text);
    let r = audit_json(&inputs, &["--rules", rules.to_str().unwrap()]);
    assert_eq!(
        schedule(&r, "U1", Some("supplier"))["category"],
        "supplier-large"
    );
    assert_eq!(schedule(&r, "U1", Some("supplier"))["next_type"], "Full");
}

#[test]
fn validate_exits_0_on_a_clean_register_and_1_with_input_issues() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["validate"], &clean_register(dir.path()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["validate"], &[sample_xlsx()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Assessments!A116"), "{err}");
    assert!(err.contains("did you mean U012?"), "{err}");
}

#[test]
fn findings_csv_is_written_and_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let csv_path = dir.path().join("findings.csv");
    let out = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--quiet",
            "--findings-csv",
            csv_path.to_str().unwrap(),
        ],
        &[sample_xlsx()],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&csv_path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("user_id,name,regime,code,severity,clause,due,days,message,source")
    );
    assert_eq!(text.lines().count(), 1 + 53);
    assert!(text.contains("U012,"), "{text}");
}

#[test]
fn refuses_to_write_a_report_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = clean_register(dir.path());
    let before = std::fs::read(&inputs[0]).unwrap();
    let out = run(
        &[
            "audit",
            "--as-of",
            "2026-11-01",
            "--json",
            inputs[0].to_str().unwrap(),
        ],
        &inputs,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes to an input"));
    assert_eq!(std::fs::read(&inputs[0]).unwrap(), before);
}

#[test]
fn a_past_audit_date_sets_aside_what_came_later() {
    let out = run(
        &["audit", "--as-of", "2021-06-30", "--json", "-", "--quiet"],
        &[sample_xlsx()],
    );
    assert_eq!(out.status.code(), Some(0));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["as_of"], "2021-06-30");
    assert!(r["summary"]["set_aside"]["snapshots"].as_u64().unwrap() > 1000);
    let total: u64 = r["forecast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            m["Full"].as_u64().unwrap()
                + m["Verification"].as_u64().unwrap()
                + m["Self"].as_u64().unwrap()
        })
        .sum();
    assert!(total > 0);
    assert_eq!(r["forecast"][0]["month"], "2021-06");
}
