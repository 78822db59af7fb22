//! `g8audit explain`: one User's timeline. The text is kept as reviewed snapshots
//! (`tests/snapshots/explain__*.snap`) for Users of every regime, so a change in what a person
//! reads is seen in review; the other tests check the layout (80 columns, colour only on
//! request or a terminal), the JSON form, and the errors.

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

/// 2026-11-01 00:00 UTC: "today" for reproducible runs.
const TODAY_EPOCH: &str = "1793491200";

fn sample() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/csv");
    ["users", "premises", "assessments"]
        .iter()
        .map(|t| dir.join(format!("{t}.csv")))
        .collect()
}

fn explain(user: &str, extra: &[&str]) -> Output {
    Command::cargo_bin("g8audit")
        .expect("binary built")
        .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
        .env_remove("NO_COLOR")
        .arg("explain")
        .args(sample())
        .args(["--user", user])
        .args(extra)
        .output()
        .expect("runs")
}

fn text(user: &str, as_of: &str) -> String {
    let out = explain(user, &["--as-of", as_of]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn supplier_with_an_entry_follow_up_due_soon() {
    insta::assert_snapshot!("supplier_U017", text("U017", "2026-11-01"));
}

#[test]
fn supplier_with_a_late_and_a_wrong_type_assessment() {
    insta::assert_snapshot!("supplier_U020", text("U020", "2026-11-01"));
}

#[test]
fn supplier_in_a_group_large_through_g8_43() {
    insta::assert_snapshot!("supplier_group_U024", text("U024", "2026-11-01"));
}

#[test]
fn network_large_verification_twice_then_full() {
    insta::assert_snapshot!("network_U033", text("U033", "2026-11-01"));
}

#[test]
fn other_user_under_the_old_then_the_current_cycle() {
    insta::assert_snapshot!("other_U044", text("U044", "2026-11-01"));
}

#[test]
fn shared_resource_provider_serving_suppliers_and_networks() {
    insta::assert_snapshot!("srp_SRP01", text("SRP01", "2026-11-01"));
}

#[test]
fn shared_resource_provider_serving_other_users() {
    insta::assert_snapshot!("srp_other_SRP03", text("SRP03", "2026-11-01"));
}

#[test]
fn user_not_subject_to_g8() {
    insta::assert_snapshot!("not_subject_U055", text("U055", "2026-11-01"));
}

#[test]
fn entry_rejected_with_a_second_full_booked() {
    insta::assert_snapshot!("entry_rejected_U052", text("U052", "2026-11-01"));
}

#[test]
fn user_that_left_with_an_overdue_kept() {
    insta::assert_snapshot!("left_U015", text("U015", "2026-11-01"));
}

#[test]
fn spec_2_9_a_user_as_of_a_past_date() {
    insta::assert_snapshot!("past_U020_2021_06_30", text("U020", "2021-06-30"));
}

#[test]
fn every_user_fits_80_columns_and_every_finding_is_shown() {
    let users = std::fs::read_to_string(&sample()[0]).unwrap();
    let report: Value = {
        let out = Command::cargo_bin("g8audit")
            .unwrap()
            .env("SOURCE_DATE_EPOCH", TODAY_EPOCH)
            .arg("audit")
            .args(sample())
            .args(["--as-of", "2026-11-01", "--json", "-", "--quiet"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let mut ids: Vec<&str> = users
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        let t = text(id, "2026-11-01");
        for line in t.lines() {
            assert!(line.chars().count() <= 80, "{id}: {line:?}");
        }
        for f in report["findings"].as_array().unwrap() {
            if f["user_id"] == id {
                let code = f["code"].as_str().unwrap();
                let n_report = report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|g| g["user_id"] == id && g["code"] == code)
                    .count();
                let n_text = t.matches(&format!(" {code} · ")).count();
                assert_eq!(n_text, n_report, "{id} {code}\n{t}");
            }
        }
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    // Piped (as here), the text is plain.
    assert!(!text("U008", "2026-11-01").contains('\x1b'));
    let out = explain("U008", &["--as-of", "2026-11-01", "--color", "always"]);
    let coloured = String::from_utf8(out.stdout).unwrap();
    assert!(coloured.contains("\x1b[31moverdue\x1b[0m"), "{coloured}");
    assert!(coloured.contains("\x1b[31mbreach "), "{coloured}");
}

#[test]
fn json_holds_the_same_timeline_as_data() {
    let out = explain("U042", &["--as-of", "2026-11-01", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let j: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(j["tool"]["name"], "g8audit");
    assert_eq!(j["as_of"], "2026-11-01");
    assert_eq!(j["user"]["user_id"], "U042");
    let s = &j["schedules"][0];
    assert_eq!(s["schedule"]["regime"], "network");
    assert_eq!(s["schedule"]["status"], "due-soon");
    assert_eq!(s["entry"]["anchor"], s["assessments"][0]["due_from"]);
    let rows = s["assessments"].as_array().unwrap();
    assert_eq!(rows.len(), 8);
    // Each row: its determination, the snapshot used, the category and clause, the required
    // type and due date, what was done, and its findings.
    let a6 = &rows[5];
    assert_eq!(a6["row"]["type"], "Full");
    assert_eq!(a6["category"], "network-small");
    assert_eq!(a6["clause"], "G8.45");
    assert_eq!(a6["required"], "Full");
    assert_eq!(a6["due"], "2024-02-10");
    assert_eq!(a6["completed"], "2024-02-09");
    assert_eq!(a6["snapshots"][0]["user_id"], "U042");
    assert_eq!(a6["findings"][0]["code"], "FOLLOW_UP_LATE");
    let codes: Vec<&str> = s["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DUE_SOON"]);
    assert_eq!(rows[6]["findings"][0]["code"], "REMEDIAL_OVERDUE");
    insta::assert_snapshot!("json_U042", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn an_unknown_id_suggests_the_closest_ones() {
    let out = explain("U0l2", &["--as-of", "2026-11-01"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("no User \"U0l2\" in the register; did you mean U012, U002, U022,"),
        "{e}"
    );
    let out = explain("Northwind", &["--as-of", "2026-11-01"]);
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(e.contains("the register has 61 Users"), "{e}");
}

#[test]
fn an_id_in_another_case_is_the_same_user() {
    let t = String::from_utf8(explain("srp04", &["--as-of", "2026-11-01"]).stdout).unwrap();
    assert!(t.starts_with("SRP04  Idle Hosting Ltd"), "{t}");
}

#[test]
fn spec_2_9_a_user_that_had_not_joined_is_explained_as_such() {
    let out = explain("U053", &["--as-of", "2021-06-30"]);
    assert_eq!(out.status.code(), Some(2));
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.contains("U053 is in the register but not in the audit as of 2021-06-30"),
        "{e}"
    );
}
