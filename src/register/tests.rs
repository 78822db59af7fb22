//! Tests of [`read_register`] on small registers written into a temporary directory (CSV, and
//! xlsx written with rust_xlsxwriter), and of the spreadsheet reader on the date fixtures in
//! `fixtures/reader/`.

use std::error::Error;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{Format as XFormat, Workbook};

use super::*;
use crate::model::{AssessmentType, IssueCode, Purpose, RecordedStatus, Role};

type TestResult = Result<(), Box<dyn Error>>;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
}

fn opts() -> ReadOptions {
    ReadOptions::new(d(2026, 1, 15))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write test file");
    p
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/reader")
        .join(name)
}

/// (cell, code) of every issue.
fn issue_codes(out: &ReadOutcome) -> Vec<(String, IssueCode)> {
    out.issues
        .iter()
        .map(|i| (i.cell.to_string(), i.code))
        .collect()
}

/// Each issue as a report prints it: `{cell}: {message} — did you mean {suggestion}?`.
fn messages(out: &ReadOutcome) -> Vec<String> {
    out.issues
        .iter()
        .map(|i| {
            let hint = i
                .suggestion
                .as_ref()
                .map(|s| format!(" — did you mean {s}?"))
                .unwrap_or_default();
            format!("{}: {}{hint}", i.cell, i.message)
        })
        .collect()
}

const USERS: &str =
    "User ID,Name,Roles,Shared Resource Provider,Shared Resources Group,Left On,SMS Notified On
U001,Acme Energy,\"IS, GS\",U009,G1; G2,,01/06/2025
U002,Beta Networks,ED,,,31/12/2027,
U009,Shared Co,SRP,,,,
";
const PREMISES: &str = "User ID,As Of,Domestic,Non Domestic
U001,2025-12-01,\"250,000\",
U002,01/12/2025,1 200 000,0
";
const ASSESSMENTS: &str = "User ID,Type,Purpose,Roles Covered,Scheduled For,Completed On,Submitted On,Assurance Status,Status Set On
U001,Full,Entry,,,15/03/2024,,approved,1 April 2024
U001,VUSA,,IS,2025-03-01,,,,
U002,Full User Security Assessment,,,,2024-06-30,,Approved subject to steps,
";

fn csv_register(dir: &Path) -> Vec<PathBuf> {
    vec![
        write(dir, "users.csv", USERS),
        write(dir, "premises.csv", PREMISES),
        write(dir, "assessments.csv", ASSESSMENTS),
    ]
}

#[test]
fn reads_a_csv_register() -> TestResult {
    let dir = tempfile::tempdir()?;
    let paths = csv_register(dir.path());
    let out = read_register(&paths, &opts())?;
    assert_eq!(out.issues, vec![]);
    let reg = &out.register;

    assert_eq!(reg.inputs.len(), 3);
    assert_eq!(reg.inputs[0].path, paths[0].display().to_string());
    assert_eq!(reg.inputs[0].sha256, sha256_hex(USERS.as_bytes()));
    assert!(reg.has_sms_notified_column);

    assert_eq!(reg.users.len(), 3);
    let u = &reg.users[0];
    assert_eq!(u.user_id, "U001");
    assert_eq!(u.name.as_deref(), Some("Acme Energy"));
    assert_eq!(u.roles, vec![Role::ImportSupplier, Role::GasSupplier]);
    assert_eq!(u.shared_resource_providers, vec!["U009".to_string()]);
    assert_eq!(
        u.shared_resources_groups,
        vec!["G1".to_string(), "G2".to_string()]
    );
    assert_eq!(u.left_on.value, None);
    assert_eq!(
        u.left_on
            .cell_in(&u.cell)
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("users!F2")
    );
    assert_eq!(u.sms_notified_on.value, Some(d(2025, 6, 1)));
    assert_eq!(u.cell.to_string(), "users!A2");
    // A leaving date in the future is a plan, not refused.
    assert_eq!(reg.users[1].left_on.value, Some(d(2027, 12, 31)));

    assert_eq!(reg.premises.len(), 2);
    assert_eq!(reg.user_of(&reg.premises[0]), "U001");
    assert_eq!(reg.premises[0].as_of, d(2025, 12, 1));
    assert_eq!(reg.premises[0].domestic, 250_000);
    assert_eq!(reg.premises[0].non_domestic, 0);
    assert_eq!(reg.premises[0].cell.to_string(), "premises!B2");
    assert_eq!(reg.premises[1].as_of, d(2025, 12, 1));
    assert_eq!(reg.premises[1].domestic, 1_200_000);

    assert_eq!(reg.assessments.len(), 3);
    let a = &reg.assessments[0];
    assert_eq!(a.index, 0);
    assert_eq!(a.kind, AssessmentType::Full);
    assert_eq!(a.purpose, Some(Purpose::Entry));
    assert_eq!(a.roles_covered, None);
    assert_eq!(a.completed_on().value, Some(d(2024, 3, 15)));
    assert_eq!(a.assurance_status().value, Some(RecordedStatus::Approved));
    assert_eq!(a.status_set_on().value, Some(d(2024, 4, 1)));
    assert_eq!(a.cell.to_string(), "assessments!B2");
    // Columns the sheet does not have are absent, not blank.
    assert_eq!(a.response_due_on(), crate::model::Located::default());
    let b = &reg.assessments[1];
    assert_eq!((b.index, b.kind), (1, AssessmentType::Verification));
    assert_eq!(
        b.roles_covered.map(|r| r.iter().collect::<Vec<_>>()),
        Some(vec![Role::ImportSupplier])
    );
    assert_eq!(b.scheduled_for().value, Some(d(2025, 3, 1)));
    assert_eq!(b.completed_on().value, None);
    assert!(b.completed_on().col().is_some());
    assert_eq!(
        reg.assessments[2].assurance_status().value,
        Some(RecordedStatus::ApprovedSubjectToSteps)
    );

    assert_eq!(out.sheets.len(), 3);
    assert_eq!(out.sheets[0].table, Some(Table::Users));
    assert_eq!(out.sheets[0].header_row, Some(0));
    assert_eq!(out.sheets[2].column(Field::StatusSetOn), Some(8));
    Ok(())
}

#[test]
fn csv_with_bom_and_semicolons() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(
        dir.path(),
        "Users.csv",
        "\u{feff}User ID;Name;Roles\nU001;Acme, Ltd;OU\n",
    );
    let assessments = write(
        dir.path(),
        "Assessments.csv",
        "\u{feff}\"User ID\";\"Type\";\"Completed On\"\n\"U001\";\"Full\";\"01.03.2024\"\n",
    );
    let out = read_register(&[users, assessments], &opts())?;
    assert_eq!(out.issues, vec![]);
    assert_eq!(out.register.users[0].name.as_deref(), Some("Acme, Ltd"));
    assert_eq!(out.register.users[0].cell.to_string(), "Users!A2");
    assert_eq!(
        out.register.assessments[0].completed_on().value,
        Some(d(2024, 3, 1))
    );
    Ok(())
}

#[test]
fn header_row_found_on_row_3() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(
        dir.path(),
        "users.csv",
        "SEC User Register,,\nExported 2025-12-01,,\nUser ID,Name,Roles\nU001,Acme,OU\n,,\nU002,Beta,Other User + RDP\n",
    );
    let assessments = write(dir.path(), "assessments.csv", "User ID,Type\nU001,Full\n");
    let out = read_register(&[users, assessments], &opts())?;
    assert_eq!(out.sheets[0].header_row, Some(2));
    let users = &out.register.users;
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].cell.to_string(), "users!A4");
    // The blank row is skipped, but still counts in the row numbers.
    assert_eq!(users[1].cell.to_string(), "users!A6");
    assert_eq!(
        users[1].roles,
        vec![Role::OtherUser, Role::RegistrationDataProvider]
    );
    Ok(())
}

#[test]
fn premises_required_only_for_supplier_and_network_parties() -> TestResult {
    let dir = tempfile::tempdir()?;
    let assessments = write(dir.path(), "assessments.csv", "User ID,Type\nU001,Full\n");
    let others = write(
        dir.path(),
        "users.csv",
        "User ID,Roles\nU001,OU\nU002,RDP; SRP\n",
    );
    let out = read_register(&[others.clone(), assessments.clone()], &opts())?;
    assert_eq!(out.register.premises, vec![]);
    // An unneeded Premises table that lacks a required column is left unread, not refused.
    let counts = write(
        dir.path(),
        "premises.csv",
        "User ID,As Of\nU001,2025-01-01\n",
    );
    let out = read_register(&[others, assessments.clone(), counts], &opts())?;
    assert_eq!(
        (out.register.premises.len(), out.sheets[2].header_row),
        (0, None)
    );

    let dir2 = tempfile::tempdir()?;
    let supplier = write(
        dir2.path(),
        "users.csv",
        "User ID,Roles\nU001,OU\nU002,gas supplier\n",
    );
    let e = read_register(&[supplier.clone(), assessments.clone()], &opts())
        .expect_err("Premises is required");
    assert_eq!(
        e.to_string(),
        format!(
            "no Premises table found in {} (sheets \"users\"); {} (sheets \"assessments\"). Name a sheet (or a CSV file) \"Premises\" or \"Premise Counts\" or \"Snapshots\" or \"Counts\" or \"Smart Meter Counts\" or \"Premises Counts\", or name it in a --mapping file: [sheets] premises = \"…\". The Premises table is required because some User is a Supplier Party or Network Party (IS, GS, ED, GT)",
            supplier.display(),
            assessments.display()
        )
    );
    Ok(())
}

#[test]
fn missing_required_column_names_the_headings_and_a_likely_one() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(
        dir.path(),
        "users.csv",
        "Title\nUser ID,Name,Rolse\nU001,Acme,IS\n",
    );
    let assessments = write(dir.path(), "assessments.csv", "User ID,Type\nU001,Full\n");
    let e = read_register(&[users.clone(), assessments], &opts()).expect_err("no roles column");
    assert_eq!(
        e.to_string(),
        format!(
            "{}, sheet \"users\" (Users table): no roles column in the header row (row 2); its headings are \"User ID\", \"Name\", \"Rolse\"; did you mean \"Rolse\"? Rename it to \"Roles\", or map it in a --mapping file: [columns.users] roles = \"Rolse\"",
            users.display()
        )
    );
    assert!(matches!(
        e,
        ReadError::MissingColumn {
            field: Field::Roles,
            header_row: 1,
            ..
        }
    ));
    Ok(())
}

#[test]
fn missing_key_column_is_no_header_row() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(dir.path(), "users.csv", "Usr ID,Roles\nU001,IS\n");
    let assessments = write(dir.path(), "assessments.csv", "User ID,Type\nU001,Full\n");
    let e = read_register(&[users, assessments], &opts()).expect_err("no user_id");
    assert!(
        e.to_string().ends_with(
            "none of the first ten rows has a user_id column (\"User ID\", \"UserID\", \"Party ID\", \"Party\"); its first row reads \"Usr ID\", \"Roles\"; did you mean \"Usr ID\"? Rename it to \"User ID\", or map it in a --mapping file: [columns.users] user_id = \"Usr ID\""
        ),
        "{e}"
    );
    Ok(())
}

#[test]
fn missing_required_table() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(dir.path(), "users.csv", "User ID,Roles\nU001,OU\n");
    let e = read_register(std::slice::from_ref(&users), &opts()).expect_err("no Assessments");
    assert!(matches!(
        e,
        ReadError::MissingTable {
            table: Table::Assessments,
            ..
        }
    ));
    assert!(e.to_string().starts_with(&format!(
        "no Assessments table found in {} (sheets \"users\"). Name a sheet (or a CSV file) \"Assessments\"",
        users.display()
    )));
    Ok(())
}

#[test]
fn input_issues_with_cells_values_and_suggestions() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(
        dir.path(),
        "users.csv",
        "User ID,Roles,SMS Notified On\nU001,\"IS, Gas Suplier\",\nU001,OU,\n,IS,\nU012,OU,2026-02-01\nU003,,\nU002,OU,\n",
    );
    let premises = write(
        dir.path(),
        "premises.csv",
        "User ID,As Of,Domestic,Non Domestic\nU001,2025-11-01,100,\nU001,2025-11-01,100,0\nU001,2025-11-01,120,\nU001,2025-12-01,-5,\nU001,2026-01-01,12.5,\nU001,2026-01-02,abc,\nU001,2026-01-03,,\nU001,2026-01-04,7,1.5\nU001,2026-02-01,7,\nU001,,7,\n",
    );
    let assessments = write(
        dir.path(),
        "assessments.csv",
        "User ID,Type,Completed On,Assurance Status,Purpose,Roles Covered\nU0l2,Full,2024-01-01,,,\nu001,Full,,,,\nU001,Verifcation,,,,\nU001,Full,31/02/2021,aproved,Anual,Banana\nU001,Full,2030-01-01,,,\nU001,,,,,\nU001,Self,1/3/24,,,\"IS, Bananas\"\n",
    );
    let out = read_register(&[users, premises, assessments], &opts())?;
    let s = |c: &str, code| (c.to_string(), code);
    use IssueCode::*;
    assert_eq!(
        issue_codes(&out),
        vec![
            s("users!B2", UnknownRole),
            s("users!A3", DuplicateUser),
            s("users!A4", MissingValue),
            s("users!C5", FutureDate),
            s("users!B6", MissingValue),
            s("premises!B4", DuplicateSnapshot),
            s("premises!C5", NegativeNumber),
            s("premises!C6", BadNumber),
            s("premises!C7", BadNumber),
            s("premises!C8", MissingValue),
            s("premises!D9", BadNumber),
            s("premises!B10", FutureDate),
            s("premises!B11", MissingValue),
            s("assessments!A2", UnknownUser),
            s("assessments!A3", UnknownUser),
            s("assessments!B4", UnknownType),
            s("assessments!C5", BadDate),
            s("assessments!D5", UnknownStatus),
            s("assessments!E5", UnknownPurpose),
            s("assessments!F5", UnknownRole),
            s("assessments!C6", FutureDate),
            s("assessments!B7", MissingValue),
            s("assessments!C8", BadDate),
            s("assessments!F8", UnknownRole),
        ]
    );
    assert_eq!(
        messages(&out),
        vec![
            "users!B2: \"Gas Suplier\" is not a User Role and is ignored — did you mean Gas Supplier?",
            "users!A3: user_id \"U001\" is already on users!A2; this row is skipped and the first kept",
            "users!A4: user_id is blank; the row is skipped",
            "users!C5: sms_notified_on \"2026-02-01\" is after today (2026-01-15), so it cannot have happened yet; read as blank",
            "users!B6: roles is blank; the User is read with no roles",
            "premises!B4: a second snapshot of \"U001\" on 2025-11-01 with different counts (domestic 120, non-domestic 0; premises!B2 has 100, 0); the first is kept",
            "premises!C5: \"-5\" is negative: a count of premises cannot be below zero",
            "premises!C6: \"12.5\" is not a whole number",
            "premises!C7: \"abc\" is not a number",
            "premises!C8: domestic is blank; the row is skipped",
            "premises!D9: \"1.5\" is not a whole number",
            "premises!B10: as_of \"2026-02-01\" is after today (2026-01-15), so it cannot have happened yet; read as blank",
            "premises!B11: as_of is blank; the row is skipped",
            "assessments!A2: \"U0l2\" is not a user_id of the Users table; the row is skipped — did you mean U012?",
            "assessments!A3: \"u001\" is not a user_id of the Users table; the row is skipped — did you mean U001?",
            "assessments!B4: \"Verifcation\" is not an assessment type (Full, Verification, Self, Follow-up); the row is skipped — did you mean Verification?",
            "assessments!C5: \"31/02/2021\" is not a date: there is no 31 February 2021",
            "assessments!D5: \"aproved\" is not an assurance status; read as blank — did you mean approved?",
            "assessments!E5: \"Anual\" is not a purpose (Entry or Annual); the purpose will be inferred — did you mean Annual?",
            "assessments!F5: \"Banana\" is not a User Role and is ignored",
            "assessments!C6: completed_on \"2030-01-01\" is after today (2026-01-15), so it cannot have happened yet; read as blank",
            "assessments!B7: type is blank; the row is skipped",
            "assessments!C8: \"1/3/24\" is not a date: two-digit years are refused, write the year in full (e.g. 2024)",
            "assessments!F8: \"Bananas\" is not a User Role and is ignored",
        ]
    );
    let by_cell = |c: &str| {
        out.issues
            .iter()
            .find(|i| i.cell.to_string() == c)
            .expect("issue")
    };
    assert_eq!(
        by_cell("users!B2").suggestion.as_deref(),
        Some("Gas Supplier")
    );
    assert_eq!(by_cell("users!B2").value, "IS, Gas Suplier");
    assert_eq!(
        by_cell("assessments!A2").suggestion.as_deref(),
        Some("U012")
    );
    assert_eq!(
        by_cell("assessments!A3").suggestion.as_deref(),
        Some("U001")
    );
    assert_eq!(by_cell("premises!C5").value, "-5");

    let reg = &out.register;
    // Users: the first U001 (with the known role), U012 (notification refused), U003 (no roles).
    assert_eq!(
        reg.users
            .iter()
            .map(|u| u.user_id.as_str())
            .collect::<Vec<_>>(),
        ["U001", "U012", "U003", "U002"]
    );
    assert_eq!(reg.users[0].roles, vec![Role::ImportSupplier]);
    assert_eq!(reg.users[1].sms_notified_on.value, None);
    assert_eq!(reg.users[2].roles, vec![]);
    // Premises: the first 2025-11-01 row only (the identical one merged, the differing one refused).
    assert_eq!(reg.premises.len(), 1);
    assert_eq!(
        (reg.premises[0].domestic, reg.premises[0].non_domestic),
        (100, 0)
    );
    // Assessments: row 5 (bad date etc. read as blank), row 6 (future completion blank), row 8.
    assert_eq!(
        reg.assessments
            .iter()
            .map(|a| (a.index, a.cell.to_string()))
            .collect::<Vec<_>>(),
        [
            (0, "assessments!B5".to_string()),
            (1, "assessments!B6".to_string()),
            (2, "assessments!B8".to_string())
        ]
    );
    let a = &reg.assessments[0];
    assert_eq!(a.completed_on().value, None);
    assert_eq!(a.assurance_status().value, None);
    assert_eq!(a.purpose, None);
    // Every token unknown: blank (all roles), SPEC §6.27.
    assert_eq!(a.roles_covered, None);
    assert_eq!(reg.assessments[1].completed_on().value, None);
    assert_eq!(
        reg.assessments[2].roles_covered,
        Some([Role::ImportSupplier].into_iter().collect())
    );
    Ok(())
}

/// Without `keep_cells` (an audit with no workbook) the records and issues are the same: the
/// issues that quote a cell found after the rows were read (a duplicate snapshot) still quote it.
/// Each sheet keeps its name, table and columns, and no cells.
#[test]
fn without_keep_cells_the_register_is_the_same_and_the_cells_are_freed() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(dir.path(), "users.csv", "User ID,Roles\nU001,IS\nU002,OU\n");
    let premises = write(
        dir.path(),
        "premises.csv",
        "User ID,As Of,Domestic\nU001,01/11/2025,100\nU001,2025-11-01,120\nU003,2025-11-01,1\n",
    );
    let assessments = write(
        dir.path(),
        "assessments.csv",
        "User ID,Type,Completed On\nU001,Full,2024-01-01\nU002,Ful,\n",
    );
    let notes = write(dir.path(), "notes.csv", "Anything\nat all\n");
    let paths = [users, premises, assessments, notes];
    let kept = read_register(&paths, &opts())?;
    let freed = read_register(
        &paths,
        &ReadOptions {
            keep_cells: false,
            ..opts()
        },
    )?;
    assert_eq!(freed.register, kept.register);
    assert_eq!(freed.issues, kept.issues);
    assert_eq!(
        messages(&freed)[0],
        "premises!B3: a second snapshot of \"U001\" on 2025-11-01 with different counts (domestic 120, non-domestic 0; premises!B2 has 100, 0); the first is kept"
    );
    assert_eq!(freed.issues[0].value, "2025-11-01");
    assert_eq!(freed.sheets.len(), 4);
    for (f, k) in freed.sheets.iter().zip(&kept.sheets) {
        assert_eq!(
            (&f.name, f.table, &f.columns),
            (&k.name, k.table, &k.columns)
        );
        assert!(k.row_count() > 0, "{}", k.name);
        assert_eq!(f.row_count(), 0, "{}", f.name);
    }
    Ok(())
}

#[test]
fn date_order_mdy() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(dir.path(), "users.csv", "User ID,Roles\nU001,OU\n");
    let assessments = write(
        dir.path(),
        "assessments.csv",
        "User ID,Type,Completed On\nU001,Full,01/03/2024\n",
    );
    let paths = [users, assessments];
    let dmy = read_register(&paths, &opts())?;
    assert_eq!(
        dmy.register.assessments[0].completed_on().value,
        Some(d(2024, 3, 1))
    );
    let mdy = read_register(
        &paths,
        &ReadOptions {
            date_order: DateOrder::Mdy,
            ..opts()
        },
    )?;
    assert_eq!(
        mdy.register.assessments[0].completed_on().value,
        Some(d(2024, 1, 3))
    );
    Ok(())
}

#[test]
fn a_table_split_across_files_is_concatenated_in_input_order() -> TestResult {
    let dir = tempfile::tempdir()?;
    let paths = vec![
        write(dir.path(), "users-2025-01.csv", "User ID,Roles\nU001,OU\n"),
        write(
            dir.path(),
            "assessments.csv",
            "User ID,Type\nU002,Full\nU001,Self\n",
        ),
        write(dir.path(), "users-2025-02.csv", "Roles,User ID\nRDP,U002\n"),
        write(dir.path(), "assessments 2.csv", "User ID,Type\nU001,Full\n"),
    ];
    let out = read_register(&paths, &opts())?;
    assert_eq!(out.issues, vec![]);
    let reg = &out.register;
    assert_eq!(
        reg.users
            .iter()
            .map(|u| (u.user_id.as_str(), u.cell.to_string()))
            .collect::<Vec<_>>(),
        [
            ("U001", "'users-2025-01'!A2".to_string()),
            ("U002", "'users-2025-02'!B2".to_string())
        ]
    );
    assert_eq!(
        reg.assessments
            .iter()
            .map(|a| (a.index, &*a.user_id))
            .collect::<Vec<_>>(),
        [(0, "U002"), (1, "U001"), (2, "U001")]
    );
    Ok(())
}

#[test]
fn mapping_names_sheets_and_columns() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = write(
        dir.path(),
        "Party list.csv",
        "Party Ref,Role codes\nP1,IS\n",
    );
    let premises = write(
        dir.path(),
        "DCC counts.csv",
        "Party Ref,Month end,Dom,Non-Dom\nP1,30/11/2025,10,2\n",
    );
    let assessments = write(
        dir.path(),
        "USA history.csv",
        "Party,Kind,Fieldwork end\nP1,Full,2025-01-10\n",
    );
    let paths = [users, premises, assessments];
    // Without the mapping the tables are not found.
    assert!(matches!(
        read_register(&paths, &opts()),
        Err(ReadError::MissingTable {
            table: Table::Users,
            ..
        })
    ));
    let mapping = Mapping::from_toml_str(
        r#"
        [sheets]
        users = "Party list"
        premises = "DCC counts"
        assessments = "USA history"
        [columns.users]
        user_id = "Party Ref"
        roles = "Role codes"
        [columns.premises]
        user_id = "Party Ref"
        as_of = "Month end"
        domestic = "Dom"
        non_domestic = "Non-Dom"
        [columns.assessments]
        type = "Kind"
        "#,
    )?;
    let out = read_register(
        &paths,
        &ReadOptions {
            mapping: Some(mapping),
            ..opts()
        },
    )?;
    assert_eq!(out.issues, vec![]);
    let reg = &out.register;
    assert_eq!(reg.users[0].roles, vec![Role::ImportSupplier]);
    assert_eq!(
        (
            reg.premises[0].as_of,
            reg.premises[0].domestic,
            reg.premises[0].non_domestic
        ),
        (d(2025, 11, 30), 10, 2)
    );
    // `Party` is a built-in alias; `Fieldwork end` is the built-in alias of completed_on.
    assert_eq!(
        reg.assessments[0].completed_on().value,
        Some(d(2025, 1, 10))
    );
    Ok(())
}

#[test]
fn mapped_sheet_that_no_input_has() -> TestResult {
    let dir = tempfile::tempdir()?;
    let paths = csv_register(dir.path());
    let mut mapping = Mapping::default();
    mapping.add_sheet(Table::Users, "Parties");
    let e = read_register(
        &paths,
        &ReadOptions {
            mapping: Some(mapping),
            ..opts()
        },
    )
    .expect_err("mapped sheet missing");
    assert!(e.to_string().contains(
        ". The mapping file names it \"Parties\", and no input has a sheet (or CSV file) of that name"
    ));
    Ok(())
}

// ---- xlsx -----------------------------------------------------------------------------------

type Cell<'a> = (u32, u16, XCell<'a>);

#[derive(Clone, Copy)]
enum XCell<'a> {
    S(&'a str),
    N(f64),
    /// A number shown with a number format (dates, durations).
    F(f64, &'a str),
}

fn xlsx(path: &Path, sheets: &[(&str, Vec<Cell<'_>>)]) -> Result<(), Box<dyn Error>> {
    let mut wb = Workbook::new();
    for (name, cells) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name)?;
        for (r, c, v) in cells {
            match v {
                XCell::S(s) => {
                    ws.write_string(*r, *c, *s)?;
                }
                XCell::N(n) => {
                    ws.write_number(*r, *c, *n)?;
                }
                XCell::F(n, f) => {
                    ws.write_number_with_format(*r, *c, *n, &XFormat::new().set_num_format(*f))?;
                }
            }
        }
    }
    wb.save(path)?;
    Ok(())
}

/// Cells of a table written at (row0, col0), one row per slice.
fn table_at<'a>(row0: u32, col0: u16, rows: &[&[XCell<'a>]]) -> Vec<Cell<'a>> {
    let mut out = Vec::new();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            out.push((row0 + r as u32, col0 + c as u16, *v));
        }
    }
    out
}

use XCell::{F, N, S};

#[test]
fn xlsx_with_aliases_dates_and_a_table_not_at_a1() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("register.xlsx");
    xlsx(
        &path,
        &[
            (
                "Parties",
                // The table starts at C5: calamine's range would start there too.
                table_at(
                    4,
                    2,
                    &[
                        &[S("Party ID"), S("User Roles"), S("Notes")],
                        &[S("U001"), S("IS"), S("kept")],
                        &[S("U002"), S("Electricity Distribution"), S("")],
                    ],
                ),
            ),
            (
                "Counts",
                table_at(
                    0,
                    0,
                    &[
                        &[
                            S("User"),
                            S("Snapshot Date"),
                            S("Domestic Premises"),
                            S("N"),
                        ],
                        &[S("U001"), F(45992.0, "dd/mm/yyyy"), N(250_000.0), N(1.0)],
                        &[S("U002"), F(45992.0, "yyyy-mm-dd"), N(-3.0), S("")],
                    ],
                ),
            ),
            (
                "Assessment History",
                table_at(
                    1,
                    1,
                    &[
                        &[
                            S("User"),
                            S("Assessment Type"),
                            S("Fieldwork End"),
                            S("Status"),
                        ],
                        &[
                            S("U001"),
                            S("FUSA"),
                            F(45000.0, "d mmm yyyy"),
                            S("approved"),
                        ],
                        &[S("U002"), S("Full"), F(1.5, "[h]:mm:ss"), S("")],
                        &[S("U002"), S("Self"), N(45001.0), S("")],
                    ],
                ),
            ),
        ],
    )?;
    let out = read_register(std::slice::from_ref(&path), &opts())?;
    assert_eq!(
        issue_codes(&out),
        vec![
            ("Counts!C3".to_string(), IssueCode::NegativeNumber),
            ("'Assessment History'!D4".to_string(), IssueCode::BadDate),
        ]
    );
    assert_eq!(out.issues[1].message, "\"PT36H0M0S\" is not a date");
    let reg = &out.register;
    assert_eq!(reg.users[0].cell.to_string(), "Parties!C6");
    assert_eq!(reg.users[1].roles, vec![Role::ElectricityDistributor]);
    assert_eq!(reg.premises.len(), 1);
    assert_eq!(
        (reg.premises[0].as_of, reg.premises[0].domestic),
        (d(2025, 12, 1), 250_000)
    );
    let a = &reg.assessments;
    assert_eq!(a.len(), 3);
    assert_eq!(a[0].cell.to_string(), "'Assessment History'!C3");
    assert_eq!(a[0].completed_on().value, Some(d(2023, 3, 15)));
    assert_eq!(
        a[0].completed_on()
            .cell_in(&a[0].cell)
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("'Assessment History'!D3")
    );
    assert_eq!(a[1].completed_on().value, None);
    // A plain number in a date column is an Excel serial date.
    assert_eq!(a[2].completed_on().value, Some(d(2023, 3, 16)));

    // Every sheet is kept, with absolute positions and unknown columns.
    let parties = &out.sheets[0];
    assert_eq!(parties.header_row, Some(4));
    assert_eq!(parties.columns, vec![(Field::UserId, 2), (Field::Roles, 3)]);
    assert_eq!(parties.value(5, 4), RawValue::Text("kept"));
    assert_eq!(parties.row_count(), 7);
    assert!(parties.row(0).is_empty());
    let counts = &out.sheets[1];
    assert_eq!(
        counts.value(1, 1),
        RawValue::Date(d(2025, 12, 1).and_hms_opt(0, 0, 0).expect("midnight"))
    );
    Ok(())
}

#[test]
fn annotated_workbook_is_read_back_ignoring_tool_sheets_and_columns() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("annotated.xlsx");
    xlsx(
        &path,
        &[
            (
                "Summary",
                table_at(0, 0, &[&[S("Audit date"), S("2026-01-15")]]),
            ),
            (
                "Findings",
                table_at(
                    0,
                    0,
                    &[&[S("User ID"), S("Code")], &[S("U001"), S("OVERDUE")]],
                ),
            ),
            (
                "Users",
                table_at(
                    0,
                    0,
                    &[
                        &[
                            S("User ID"),
                            S("Roles"),
                            S("g8audit: status"),
                            S("g8audit: roles"),
                        ],
                        &[S("U001"), S("OU"), S("overdue"), S("IS")],
                        &[S(""), S(""), S("left")],
                    ],
                ),
            ),
            (
                "Assessments",
                table_at(
                    0,
                    0,
                    &[
                        &[S("User ID"), S("Type"), S("g8audit: type")],
                        &[S("U001"), S("Full"), S("Full")],
                    ],
                ),
            ),
            ("Input issues", table_at(0, 0, &[&[S("Code")]])),
        ],
    )?;
    let out = read_register(std::slice::from_ref(&path), &opts())?;
    assert_eq!(out.issues, vec![]);
    assert_eq!(out.register.users.len(), 1);
    assert_eq!(out.register.users[0].roles, vec![Role::OtherUser]);
    let names: Vec<(&str, Option<Table>, bool)> = out
        .sheets
        .iter()
        .map(|s| (s.name.as_str(), s.table, s.is_tool_sheet()))
        .collect();
    assert_eq!(
        names,
        [
            ("Summary", None, true),
            ("Findings", None, true),
            ("Users", Some(Table::Users), false),
            ("Assessments", Some(Table::Assessments), false),
            ("Input issues", None, true),
        ]
    );
    assert_eq!(out.sheets[2].annotation_columns(), vec![2, 3]);
    Ok(())
}

#[test]
fn two_sheets_for_one_table_in_one_workbook() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("register.xlsx");
    let users = table_at(0, 0, &[&[S("User ID"), S("Roles")], &[S("U001"), S("OU")]]);
    let assessments = table_at(0, 0, &[&[S("User ID"), S("Type")], &[S("U001"), S("Full")]]);
    xlsx(
        &path,
        &[
            ("Users", users.clone()),
            ("Parties", users),
            ("Assessments", assessments),
        ],
    )?;
    let e = read_register(std::slice::from_ref(&path), &opts()).expect_err("ambiguous");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: sheets \"Users\", \"Parties\" could each be the Users table; rename one, or name the one to use in a --mapping file ([sheets] users = \"…\")",
            path.display()
        )
    );
    Ok(())
}

#[test]
fn a_limit_crossed_by_sheets_read_in_parallel_gives_the_same_error_every_time() -> TestResult {
    // Three sheets of 40 cells each, a limit of 100 cells: reading them one after the other, the
    // third crosses it at its 21st cell. Read on several threads any of them could be first to
    // cross; the error must still be the one-after-the-other one.
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("register.xlsx");
    let block = |label: &'static str| -> Vec<Cell<'static>> {
        (0..20)
            .flat_map(|r| [(r, 0, S(label)), (r, 1, N(f64::from(r)))])
            .collect()
    };
    xlsx(
        &path,
        &[
            ("One", block("a")),
            ("Two", block("b")),
            ("Three", block("c")),
        ],
    )?;
    let mut options = opts();
    options.limits.max_cells = 100;
    let expected = format!(
        "{}, sheet \"Three\": 101 cells exceeds the limit of 100 (max_cells)",
        path.display()
    );
    for _ in 0..20 {
        let e = read_register(std::slice::from_ref(&path), &options).expect_err("over the limit");
        assert!(e.to_string().starts_with(&expected), "{e}");
    }
    Ok(())
}

#[test]
fn the_content_decides_when_the_extension_lies() -> TestResult {
    let dir = tempfile::tempdir()?;
    let real = dir.path().join("register.xlsx");
    let users = table_at(0, 0, &[&[S("User ID"), S("Roles")], &[S("U001"), S("OU")]]);
    let assessments = table_at(0, 0, &[&[S("User ID"), S("Type")], &[S("U001"), S("Full")]]);
    xlsx(&real, &[("Users", users), ("Assessments", assessments)])?;
    let bytes = std::fs::read(&real)?;
    for name in ["register.xls", "register.ods", "register.dat", "register"] {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes)?;
        let out = read_register(std::slice::from_ref(&p), &opts())?;
        assert_eq!(out.register.users.len(), 1, "{name}");
    }
    let text = write(dir.path(), "register.txt", "User ID,Roles\n");
    let e = read_register(std::slice::from_ref(&text), &opts()).expect_err("unsupported");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: cannot read files of type \".txt\"; a register is .xlsx, .xlsm, .xlsb, .xls, .ods, or .csv/.tsv files",
            text.display()
        )
    );
    let junk = write(dir.path(), "junk.xlsx", "not a workbook");
    let e = read_register(std::slice::from_ref(&junk), &opts()).expect_err("junk");
    assert!(matches!(e, ReadError::Workbook { .. }), "{e:?}");
    Ok(())
}

#[test]
fn limits_and_repeated_inputs() -> TestResult {
    let dir = tempfile::tempdir()?;
    let paths = csv_register(dir.path());
    let small = ReadOptions {
        limits: Limits {
            max_file_bytes: 100,
            ..Limits::default()
        },
        ..opts()
    };
    let e = read_register(&paths, &small).expect_err("file too big");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: {} bytes exceeds the limit of 100 (max_file_bytes); split the register into smaller files, or raise the limit by setting the environment variable G8AUDIT_MAX_FILE_BYTES",
            paths[0].display(),
            USERS.len()
        )
    );
    let twice = vec![paths[0].clone(), paths[1].clone(), paths[0].clone()];
    assert!(matches!(
        read_register(&twice, &opts()),
        Err(ReadError::InputTwice { .. })
    ));
    let missing = dir.path().join("nope.csv");
    assert!(matches!(
        read_register(std::slice::from_ref(&missing), &opts()),
        Err(ReadError::Io { .. })
    ));
    // Inputs are read side by side, but the error is the first input's in order: a file too
    // big before a missing one is reported, as when each was checked and read in turn.
    let e = read_register(&[paths[0].clone(), missing], &small).expect_err("file too big");
    assert!(
        matches!(
            &e,
            ReadError::LimitExceeded {
                limit: LimitKind::FileBytes,
                ..
            }
        ),
        "{e}"
    );
    Ok(())
}

#[test]
fn sha256_is_lower_case_hex() {
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
}

// ---- date fixtures from real spreadsheet programs --------------------------------------------

/// The first sheet of a fixture.
fn fixture_sheet(name: &str) -> Result<RawSheet, Box<dyn Error>> {
    let bytes = std::fs::read(fixture(name))?;
    let budget = CellBudget::new(Limits::default());
    let mut sheets = workbook::read_workbook::<()>(0, name, &bytes, None, &budget, true, None)?.0;
    Ok(sheets.swap_remove(0))
}

/// The cells of column `col` of a sheet, as read.
fn column(s: &RawSheet, col: u32) -> Vec<RawValue<'_>> {
    (0..s.row_count() as u32).map(|r| s.value(r, col)).collect()
}

fn date_value(y: i32, m: u32, day: u32) -> RawValue<'static> {
    RawValue::Date(d(y, m, day).and_hms_opt(0, 0, 0).expect("midnight"))
}

#[test]
fn dates_in_the_1904_system() -> TestResult {
    for name in [
        "calamine__date_1904.xlsx",
        "calamine__date_1904.xls",
        "calamine__date_1904.xlsb",
    ] {
        let s = fixture_sheet(name)?;
        let (is_1904, col) = (s.date1904, column(&s, 0));
        assert!(is_1904, "{name}");
        assert_eq!(col[0], date_value(2021, 1, 1), "{name}");
        assert_eq!(col[1], date_value(2021, 1, 2), "{name}");
        // A duration (`[h]:mm:ss`) is not a date.
        assert_eq!(col[2], RawValue::Text("PT255H10M10S"), "{name}");
    }
    let s = fixture_sheet("qsv__excel-1904-epoch.xlsx")?;
    let (is_1904, col) = (s.date1904, column(&s, 1));
    assert!(is_1904);
    assert_eq!(col[1..], [date_value(2024, 1, 15), date_value(2020, 7, 4)]);

    let s = fixture_sheet("readxl__dates-1904.xls")?;
    let (is_1904, col) = (s.date1904, column(&s, 0));
    assert!(is_1904);
    assert_eq!(col[0], date_value(2000, 1, 1));

    let s = fixture_sheet("xlsxwriter__date_1904_02.xlsx")?;
    let (_, col) = (s.date1904, column(&s, 0));
    assert_eq!(
        col,
        [
            date_value(1904, 1, 1),
            date_value(1906, 9, 27),
            date_value(1917, 9, 9),
            date_value(1931, 5, 19),
            date_value(2177, 10, 15),
            date_value(4641, 11, 27),
        ]
    );
    Ok(())
}

#[test]
fn dates_in_the_1900_system() -> TestResult {
    let s = fixture_sheet("calamine__date.xlsx")?;
    let (is_1904, col) = (s.date1904, column(&s, 0));
    assert!(!is_1904);
    assert_eq!(col[..2], [date_value(2021, 1, 1), date_value(2021, 1, 2)]);
    assert_eq!(col[2], RawValue::Text("PT255H10M10S"));

    let s = fixture_sheet("calamine__date.ods")?;
    let (_, col) = (s.date1904, column(&s, 0));
    assert_eq!(col[0], date_value(2021, 1, 1));
    assert_eq!(
        col[1],
        RawValue::Date(d(2021, 1, 1).and_hms_opt(10, 10, 10).expect("time"))
    );
    assert_eq!(col[2], RawValue::Text("PT10H10M10S"));
    Ok(())
}

#[test]
fn excel_1900_leap_year_bug() -> TestResult {
    // Each row: the date-time cell, the date-time it shows as text, whether it is a real date.
    let bytes = std::fs::read(fixture("readxl__dates-leap-year-1900-xlsx.xlsx"))?;
    let budget = CellBudget::new(Limits::default());
    let sheets = workbook::read_workbook::<()>(0, "leap", &bytes, None, &budget, true, None)?.0;
    let s = &sheets[0];
    assert_eq!(s.name, "for_testing");
    let mut checked = 0;
    for r in 1..s.row_count() as u32 {
        let expected = s.value(r, 1).to_string();
        match (s.value(r, 0), s.value(r, 2)) {
            (RawValue::Date(dt), RawValue::Bool(true)) => {
                assert_eq!(dt.format("%Y-%m-%d %H:%M:%S").to_string(), expected);
                checked += 1;
            }
            // Excel's 29 February 1900 never was: kept as the serial number, refused as a date.
            (RawValue::Number(n), RawValue::Bool(false)) => {
                assert_eq!(expected, "1900-02-29 08:00:00");
                assert!((n - 60.333).abs() < 0.001);
                checked += 1;
            }
            other => panic!("row {r}: unexpected {other:?}"),
        }
    }
    assert_eq!(checked, 7);
    Ok(())
}

#[test]
fn a_cell_in_the_far_corner_does_not_exhaust_memory() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("corner.xlsx");
    let mut users = table_at(0, 0, &[&[S("User ID"), S("Roles")], &[S("U001"), S("OU")]]);
    users.push((1_048_575, 16_383, S("far")));
    let assessments = table_at(0, 0, &[&[S("User ID"), S("Type")], &[S("U001"), S("Full")]]);
    xlsx(&path, &[("Users", users), ("Assessments", assessments)])?;
    let out = read_register(std::slice::from_ref(&path), &opts())?;
    assert_eq!(out.register.users.len(), 1);
    assert_eq!(
        out.sheets[0].value(1_048_575, 16_383),
        RawValue::Text("far")
    );
    // With a tighter cell limit the same file is refused before the dense rows are built.
    let tight = ReadOptions {
        limits: Limits {
            max_cells: 100_000,
            ..Limits::default()
        },
        ..opts()
    };
    let e = read_register(std::slice::from_ref(&path), &tight).expect_err("too many cells");
    assert!(
        matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::Cells,
                ..
            }
        ),
        "{e}"
    );
    Ok(())
}

#[test]
fn limits_from_the_environment() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Limits::from_lookup(env(&[])).ok(), Some(Limits::default()));
    let l = Limits::from_lookup(env(&[
        ("G8AUDIT_MAX_CELLS", " 7 "),
        ("G8AUDIT_MAX_ROWS", "9"),
    ]))
    .expect("valid");
    assert_eq!((l.max_cells, l.max_rows), (7, 9));
    let e = Limits::from_lookup(env(&[("G8AUDIT_MAX_COLUMNS", "lots")])).expect_err("bad");
    assert_eq!(
        e.to_string(),
        "the environment variable G8AUDIT_MAX_COLUMNS is \"lots\"; it must be a whole number"
    );
    assert!(Limits::from_lookup(env(&[("G8AUDIT_MAX_ROWS", "99999999999")])).is_err());
}

#[test]
fn error_messages_name_the_file_and_say_what_to_do() -> TestResult {
    let dir = tempfile::tempdir()?;
    let locked = fixture("calamine__pass_protected.xlsx");
    let e = read_register(std::slice::from_ref(&locked), &opts()).expect_err("encrypted");
    assert_eq!(
        e.to_string(),
        format!(
            "{} is password-protected: save a copy without a password and audit that",
            locked.display()
        )
    );
    // Saved as .xls, it is still recognised as an encrypted workbook.
    let renamed = dir.path().join("locked.xls");
    std::fs::copy(&locked, &renamed)?;
    assert!(matches!(
        read_register(&[renamed], &opts()),
        Err(ReadError::Encrypted { .. })
    ));

    let junk = write(dir.path(), "junk.xlsx", "not a workbook");
    let e = read_register(std::slice::from_ref(&junk), &opts()).expect_err("junk");
    assert_eq!(
        e.to_string(),
        format!(
            "cannot read {} as a spreadsheet; is it damaged, or saved with the wrong extension?",
            junk.display()
        )
    );
    assert!(std::error::Error::source(&e).is_some(), "the cause is kept");

    let users = write(dir.path(), "users.csv", "User ID,Roles\nU001,OU\n");
    let e = read_register(&[users.clone(), users.clone()], &opts()).expect_err("twice");
    assert_eq!(
        e.to_string(),
        format!("{} is given more than once", users.display())
    );

    let empty = write(dir.path(), "assessments.csv", "");
    let e = read_register(&[users, empty.clone()], &opts()).expect_err("empty sheet");
    assert_eq!(
        e.to_string(),
        format!(
            "{}, sheet \"assessments\" (Assessments table): no header row — none of the first ten rows has a user_id column (\"User ID\", \"UserID\", \"Party ID\", \"Party\"); the sheet is empty",
            empty.display()
        )
    );

    let e = ReadError::Panicked {
        path: "r.xlsb".into(),
        sheet: Some("Users".into()),
        message: "index out of bounds".into(),
    };
    assert_eq!(
        e.to_string(),
        "cannot read r.xlsb, sheet \"Users\": the spreadsheet library failed (index out of bounds); the file is probably damaged — open and re-save it"
    );
    let e = ReadError::Sheet {
        path: "r.xlsx".into(),
        sheet: "Users".into(),
        source: Box::new(calamine::Error::Msg("bad XML")),
    };
    assert_eq!(e.to_string(), "cannot read sheet \"Users\" of r.xlsx");
    Ok(())
}

/// A register in one workbook, read on several threads, gets its Users and Premises records
/// built while its Assessments sheet is still being read (`records::early`). The outcome must be
/// the one of building every record after reading: the same records, the same issues in the same
/// order with the same suggestions, the same sheets; and a register refused is refused with the
/// same error.
#[test]
fn records_built_while_the_assessments_are_read_are_those_built_after() -> TestResult {
    let users_ok: Vec<Cell<'static>> = table_at(
        0,
        0,
        &[
            &[S("User ID"), S("Name"), S("Roles")],
            &[S("U001"), S("Acme"), S("IS")],
            &[S("U002"), S("Bolt"), S("ED")],
            &[S("U001"), S("Again"), S("IS")],
            &[S("U003"), S("Blank roles"), S("")],
            &[S("U012"), S("Other"), S("OU")],
        ],
    );
    let premises_ok = table_at(
        0,
        0,
        &[
            &[S("User ID"), S("As Of"), S("Domestic"), S("Non Domestic")],
            &[S("U001"), F(46_000.0, "yyyy-mm-dd"), N(1000.0), N(10.0)],
            &[S("U0l2"), F(46_000.0, "yyyy-mm-dd"), N(5.0), N(0.0)],
            &[S("U002"), S("soon"), N(7.0), N(0.0)],
        ],
    );
    let assessments_ok = table_at(
        0,
        0,
        &[
            &[S("User ID"), S("Type"), S("Purpose"), S("Completed On")],
            &[S("U001"), S("Full"), S("Entry"), F(45_000.0, "yyyy-mm-dd")],
            &[S("u002"), S("Full"), S("Entry"), F(45_000.0, "yyyy-mm-dd")],
            &[S("U002"), S("Fulll"), S(""), F(45_100.0, "yyyy-mm-dd")],
            &[S("U009"), S("Self"), S("Annual"), F(45_200.0, "yyyy-mm-dd")],
        ],
    );
    // No Supplier or Network Party: the Premises table is optional.
    let users_other: Vec<Cell<'static>> = table_at(
        0,
        0,
        &[
            &[S("User ID"), S("Name"), S("Roles")],
            &[S("U001"), S("Acme"), S("OU")],
            &[S("U002"), S("Bolt"), S("OU")],
        ],
    );
    let notes: Vec<Cell<'static>> = vec![(0, 0, S("notes"))];
    let no_header: Vec<Cell<'static>> = vec![(0, 0, S("nothing here"))];
    type Sheets = Vec<(&'static str, Vec<Cell<'static>>)>;
    let cases: Vec<(&str, Sheets)> = vec![
        (
            "read",
            vec![
                ("Notes", notes.clone()),
                ("Assessments", assessments_ok.clone()),
                ("Users", users_ok.clone()),
                ("Premises", premises_ok.clone()),
            ],
        ),
        (
            "no Premises table",
            vec![
                ("Users", users_ok.clone()),
                ("Assessments", assessments_ok.clone()),
            ],
        ),
        (
            "Premises without a header",
            vec![
                ("Users", users_ok.clone()),
                ("Premises", no_header.clone()),
                ("Assessments", assessments_ok.clone()),
            ],
        ),
        (
            "Users without a header",
            vec![
                ("Users", no_header.clone()),
                ("Premises", premises_ok.clone()),
                ("Assessments", assessments_ok.clone()),
            ],
        ),
        (
            "Users and Assessments without a header",
            vec![
                ("Assessments", no_header.clone()),
                ("Users", no_header.clone()),
                ("Premises", premises_ok.clone()),
            ],
        ),
        (
            "Premises optional and present",
            vec![
                ("Users", users_other.clone()),
                ("Premises", premises_ok.clone()),
                ("Assessments", assessments_ok.clone()),
            ],
        ),
        (
            "two Assessments tables",
            vec![
                ("Users", users_ok.clone()),
                ("Assessments", assessments_ok.clone()),
                ("Premises", premises_ok.clone()),
                ("History", assessments_ok.clone()),
            ],
        ),
        (
            "two Users tables",
            vec![
                ("Users", users_ok.clone()),
                ("Parties", users_ok.clone()),
                ("Premises", premises_ok.clone()),
                ("Assessments", assessments_ok.clone()),
            ],
        ),
    ];
    let dir = tempfile::tempdir()?;
    for (case, sheets) in cases {
        let path = dir.path().join("register.xlsx");
        xlsx(&path, &sheets)?;
        let bytes = std::fs::read(&path)?;
        let label = path.display().to_string();
        let inputs = [(label.as_str(), bytes.as_slice())];
        let files = vec![InputFile {
            path: label.clone(),
            sha256: sha256_hex(&bytes),
        }];
        for keep_cells in [true, false] {
            let options = ReadOptions {
                keep_cells,
                ..opts()
            };
            let (sheets, early) = read_inputs(&inputs, &options, false)?;
            assert!(
                early.is_none(),
                "{case}: nothing is built early on one thread"
            );
            let after = records::build(files.clone(), sheets, &[false], &options, None);
            let (sheets, early) = read_inputs(&inputs, &options, true)?;
            if case == "read" {
                assert!(early.is_some(), "{case}: the records were built early");
            }
            let during = records::build(files.clone(), sheets, &[false], &options, early);
            assert_eq!(
                format!("{during:?}"),
                format!("{after:?}"),
                "{case}, keep_cells {keep_cells}"
            );
            if case == "read" {
                let out = during?;
                assert_eq!(out.register.users.len(), 4, "{case}");
                assert_eq!(out.register.premises.len(), 1, "{case}");
                assert_eq!(out.register.assessments.len(), 1, "{case}");
                assert!(
                    messages(&out).contains(&format!(
                        "{}!A3: \"U0l2\" is not a user_id of the Users table; the row is skipped — did you mean U012?",
                        "Premises"
                    )),
                    "{:?}",
                    messages(&out)
                );
            }
        }
    }
    Ok(())
}

/// Readers count cells on a share of the budget taken a block at a time; near the limit they
/// count each cell, so that, one share after the other, the cell that passes the limit is refused
/// with the count one shared counter would have given. A share gives back what it did not use.
#[test]
fn a_share_of_the_budget_refuses_the_cell_that_passes_the_limit() -> TestResult {
    let limits = Limits {
        max_cells: 10_000,
        max_decompressed_bytes: 1_000_000,
        ..Limits::default()
    };
    let budget = CellBudget::new(limits);
    {
        let mut share = BudgetShare::new(&budget);
        for _ in 0..10 {
            share.take(1, "p", "s")?;
        }
        share.take_text(100, "p", "s")?;
    }
    assert_eq!(budget.used.load(Ordering::Relaxed), 10);
    assert_eq!(budget.text.load(Ordering::Relaxed), 100);
    let (mut a, mut b) = (BudgetShare::new(&budget), BudgetShare::new(&budget));
    for _ in 0..9_985 {
        a.take(1, "p", "a")?;
    }
    for _ in 0..5 {
        b.take(1, "p", "b")?;
    }
    let e = b.take(1, "p", "b").expect_err("the 10,001st cell");
    assert!(
        matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::Cells,
                found: 10_001,
                max: 10_000,
                ..
            }
        ),
        "{e}"
    );
    // Text likewise: 999,900 bytes more fit, one more does not.
    a.take_text(999_000, "p", "a")?;
    b.take_text(900, "p", "b")?;
    let e = a
        .take_text(1, "p", "a")
        .expect_err("one byte past the limit");
    assert!(
        matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::DecompressedBytes,
                found: 1_000_001,
                ..
            }
        ),
        "{e}"
    );
    Ok(())
}
