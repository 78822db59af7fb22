//! SPEC §4.3: one test per input issue code, each on a register with one mistake, asserting the
//! code, the cell, the value and the suggestion.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use g8audit::model::{InputIssue, IssueCode};
use g8audit::register::{ReadOptions, read_register};

const USERS: &str = "user_id,name,roles\nU001,Alpha,IS\nU012,Beta,OU\n";
const PREMISES: &str = "user_id,as_of,domestic,non_domestic\nU001,2026-10-01,1000,10\n";
const ASSESSMENTS: &str = "user_id,type,purpose,completed_on,assurance_status,status_set_on\nU001,Full,Entry,2025-01-10,approved,2025-01-20\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Reads a register whose tables are the defaults except those given, as of 2026-11-01.
fn issues(users: &str, premises: &str, assessments: &str) -> Vec<InputIssue> {
    let dir = tempfile::tempdir().unwrap();
    let paths = vec![
        write(dir.path(), "users.csv", users),
        write(dir.path(), "premises.csv", premises),
        write(dir.path(), "assessments.csv", assessments),
    ];
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    read_register(&paths, &ReadOptions::new(today))
        .expect("the register is usable")
        .issues
}

/// The only issue: its code, cell, value and suggestion.
fn only(issues: &[InputIssue]) -> (IssueCode, String, String, Option<String>) {
    assert_eq!(issues.len(), 1, "{issues:#?}");
    let i = &issues[0];
    (
        i.code,
        i.cell.to_string(),
        i.value.clone(),
        i.suggestion.clone(),
    )
}

fn assessments_with(row: &str) -> String {
    format!("{ASSESSMENTS}{row}\n")
}

#[test]
fn bad_date_names_the_cell_and_the_value() {
    let a = assessments_with("U001,Verification,Annual,31/02/2026,,");
    let (code, cell, value, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str(), value.as_str()),
        (IssueCode::BadDate, "assessments!D3", "31/02/2026")
    );
}

#[test]
fn bad_date_two_digit_year() {
    let a = assessments_with("U001,Verification,Annual,14/01/26,,");
    let (code, cell, _, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::BadDate, "assessments!D3")
    );
}

#[test]
fn bad_number() {
    let p = format!("{PREMISES}U001,2026-09-01,12.5OO,0\n");
    let (code, cell, value, _) = only(&issues(USERS, &p, ASSESSMENTS));
    assert_eq!(
        (code, cell.as_str(), value.as_str()),
        (IssueCode::BadNumber, "premises!C3", "12.5OO")
    );
}

#[test]
fn negative_number() {
    let p = format!("{PREMISES}U001,2026-09-01,100,-5\n");
    let (code, cell, _, _) = only(&issues(USERS, &p, ASSESSMENTS));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::NegativeNumber, "premises!D3")
    );
}

#[test]
fn unknown_role_suggests_the_closest() {
    let u = "user_id,name,roles\nU001,Alpha,IS\nU012,Beta,Gas Suplier\n";
    let (code, cell, value, hint) = only(&issues(u, PREMISES, ASSESSMENTS));
    assert_eq!(
        (code, cell.as_str(), value.as_str(), hint.as_deref()),
        (
            IssueCode::UnknownRole,
            "users!C3",
            "Gas Suplier",
            Some("Gas Supplier")
        )
    );
}

#[test]
fn unknown_type_suggests_the_closest() {
    let a = assessments_with("U001,Verificaton,Annual,2026-01-05,,");
    let (code, cell, _, hint) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str(), hint.as_deref()),
        (
            IssueCode::UnknownType,
            "assessments!B3",
            Some("Verification")
        )
    );
}

#[test]
fn unknown_status() {
    let a = assessments_with("U012,Full,Entry,2025-03-01,approved with conditions,2025-03-10");
    let (code, cell, _, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::UnknownStatus, "assessments!E3")
    );
}

#[test]
fn unknown_purpose() {
    let a = assessments_with("U001,Verification,Yearly,2026-01-05,,");
    let (code, cell, _, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::UnknownPurpose, "assessments!C3")
    );
}

#[test]
fn missing_value_for_a_required_cell() {
    let a = assessments_with("U001,,Annual,2026-01-05,,");
    let (code, cell, _, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::MissingValue, "assessments!B3")
    );
}

#[test]
fn duplicate_user_keeps_the_first() {
    let u = format!("{USERS}U001,Alpha again,GS\n");
    let (code, cell, _, _) = only(&issues(&u, PREMISES, ASSESSMENTS));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::DuplicateUser, "users!A4")
    );
}

#[test]
fn unknown_user_suggests_u012_for_u0l2() {
    let a = assessments_with("U0l2,Verification,Annual,2026-01-05,,");
    let (code, cell, value, hint) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str(), value.as_str(), hint.as_deref()),
        (
            IssueCode::UnknownUser,
            "assessments!A3",
            "U0l2",
            Some("U012")
        )
    );
}

#[test]
fn duplicate_snapshot_with_different_counts() {
    let p = format!("{PREMISES}U001,2026-10-01,2000,10\nU001,2026-10-01,1000,10\n");
    let (code, cell, _, _) = only(&issues(USERS, &p, ASSESSMENTS));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::DuplicateSnapshot, "premises!B3")
    );
}

#[test]
fn future_date_after_today() {
    let a = assessments_with("U001,Verification,Annual,2026-11-02,,");
    let (code, cell, _, _) = only(&issues(USERS, PREMISES, &a));
    assert_eq!(
        (code, cell.as_str()),
        (IssueCode::FutureDate, "assessments!D3")
    );
}
