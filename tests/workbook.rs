//! The annotated workbook (SPEC §3.1) and the register template, read back with calamine (and,
//! where installed, LibreOffice): sheet order, cell types, links, the copied input sheets, the
//! round trip, determinism, splitting of long sheets, and refusing to overwrite an input.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Range, Reader, Xlsx, open_workbook, open_workbook_auto};
use chrono::NaiveDate;
use g8audit::config::{LoadedRules, load_rules};
use g8audit::model::CellRef;
use g8audit::register::{DateOrder, RawSheet, RawValue, ReadOptions, ReadOutcome, read_register};
use g8audit::report::json;
use g8audit::report::workbook::{
    WorkbookError, WorkbookInput, WorkbookLimits, internal_link, write_template, write_workbook,
    write_workbook_with,
};
use g8audit::rules::{Audit, AuditParams, audit};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/sample/register.xlsx")
}

const USERS: &str = "\
User ID,Name,Roles,Left On,Account manager
U001,Alpha Supply Ltd,IS,,Ann
U002,Beta Networks plc,ED,,Bob
U003,Gamma Data,OU,,Cy
U004,Delta Export,ES,,Di
U005,Epsilon Gas,Gas Suplier,,Ed
";

const ASSESSMENTS: &str = "\
User ID,Type,Purpose,Scheduled For,Completed On,Assurance Status,Status Set On,Notes
U001,Full,Entry,,10/01/2024,approved,2024-02-01,first
U001,Full,,,2025-02-15,,,late by two weeks
U002,Full,Entry,,2025-11-20,approved,1 December 2025,
U003,Full,Entry,,2025-03-01,approved,2025-03-10,
U003,Verification,,2026-12-15,,,,booked after the due date
U002,Self,,,31/02/2026,,,a date that does not exist
U0O1,Full,,,2025-01-01,,,unknown user
";

/// Premises: U001 monthly from 2025-01 to 2026-10 (22 rows), U002 one row, a refused count at the
/// end.
fn premises() -> String {
    let mut s = String::from("User ID,As Of,Domestic,Non Domestic\n");
    for k in 0..22u32 {
        let (y, m) = (2025 + (k / 12) as i32, k % 12 + 1);
        s.push_str(&format!(
            "U001,{y}-{m:02}-01,\"{},000\",{}\n",
            300 + k,
            1000 + k
        ));
    }
    s.push_str("U002,01/10/2026,100000,\n");
    s.push_str("U005,2026-10-01,12x,0\n");
    s
}

/// A small CSV register in a fresh directory.
fn csv_register() -> Result<(tempfile::TempDir, Vec<PathBuf>), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let mut paths = Vec::new();
    for (name, text) in [
        ("users.csv", USERS.to_string()),
        ("premises.csv", premises()),
        ("assessments.csv", ASSESSMENTS.to_string()),
    ] {
        let p = dir.path().join(name);
        std::fs::write(&p, text)?;
        paths.push(p);
    }
    Ok((dir, paths))
}

fn read(paths: &[PathBuf]) -> Result<ReadOutcome, Box<dyn std::error::Error>> {
    Ok(read_register(paths, &ReadOptions::new(as_of()))?)
}

fn run(outcome: &ReadOutcome, rules: &LoadedRules) -> Audit {
    let params = AuditParams {
        as_of: as_of(),
        warn_days: 90,
        stale_days: 45,
        annotate: true,
    };
    audit(&outcome.register, &rules.rules, &params)
}

fn options() -> Vec<(String, String)> {
    vec![
        ("--as-of".into(), "2026-11-01".into()),
        ("--warn-days".into(), "90".into()),
    ]
}

/// Reads, audits and writes `paths` to `out` with `limits`.
fn write(
    paths: &[PathBuf],
    out: &Path,
    limits: &WorkbookLimits,
) -> Result<(ReadOutcome, Audit), Box<dyn std::error::Error>> {
    let rules = load_rules(None)?;
    let outcome = read(paths)?;
    let audit = run(&outcome, &rules);
    let input = WorkbookInput {
        audit: &audit,
        outcome: &outcome,
        rules: &rules,
        options: options(),
        warn_days: 90,
        changes: None,
    };
    write_workbook_with(&input, out, limits)?;
    Ok((outcome, audit))
}

fn sheet_names(path: &Path) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(open_workbook_auto(path)?.sheet_names().to_vec())
}

fn range(path: &Path, sheet: &str) -> Result<Range<Data>, Box<dyn std::error::Error>> {
    Ok(open_workbook_auto(path)?.worksheet_range(sheet)?)
}

/// The value at an absolute 0-based position.
fn at(r: &Range<Data>, row: u32, col: u32) -> Data {
    r.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(r: &Range<Data>, row: u32, col: u32) -> String {
    match at(r, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

fn date(d: &Data) -> Option<NaiveDate> {
    match d {
        Data::DateTime(x) => g8audit::register::excel_serial_to_date(x.as_f64(), false),
        _ => None,
    }
}

/// The row of a sheet whose first cell is `label`.
fn find_row(r: &Range<Data>, col: u32, label: &str) -> Option<u32> {
    let (end_row, _) = r.end()?;
    (0..=end_row).find(|row| text(r, *row, col) == label)
}

fn headings(r: &Range<Data>, row: u32) -> Vec<String> {
    let (_, end_col) = r.end().unwrap_or((0, 0));
    let mut h: Vec<String> = (0..=end_col).map(|c| text(r, row, c)).collect();
    while h.last().is_some_and(String::is_empty) {
        h.pop();
    }
    h
}

#[test]
fn sheets_come_in_the_spec_order_and_csv_tables_take_their_table_names() -> TestResult {
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("audit.xlsx");
    write(&paths, &out, &WorkbookLimits::default())?;
    assert_eq!(
        sheet_names(&out)?,
        [
            "Summary",
            "Findings",
            "Schedule",
            "Forecast",
            "Users",
            "Premises",
            "Assessments",
            "Input issues",
            "About"
        ]
    );
    // The sample workbook keeps its own sheet names, including the sheet the tool does not use.
    let out2 = dir.path().join("sample.xlsx");
    write(&[sample()], &out2, &WorkbookLimits::default())?;
    let names = sheet_names(&out2)?;
    assert_eq!(&names[..4], ["Summary", "Findings", "Schedule", "Forecast"]);
    assert_eq!(&names[4..8], ["Users", "Premises", "Assessments", "Notes"]);
    assert_eq!(&names[8..], ["Input issues", "About"]);
    Ok(())
}

#[test]
fn findings_and_schedule_rows_match_the_audit_with_dates_as_dates() -> TestResult {
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("audit.xlsx");
    let (_, audit) = write(&paths, &out, &WorkbookLimits::default())?;
    assert!(!audit.findings.is_empty());

    let f = range(&out, "Findings")?;
    assert_eq!(
        headings(&f, 0),
        [
            "Severity", "Code", "Clause", "User ID", "Name", "Regime", "Due", "Days", "Message",
            "Source"
        ]
    );
    for (i, finding) in audit.findings.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(text(&f, row, 0), finding.severity().as_str());
        assert_eq!(text(&f, row, 1), finding.code.as_str());
        assert_eq!(text(&f, row, 2), finding.clause);
        assert_eq!(text(&f, row, 3), *finding.user_id);
        assert_eq!(
            text(&f, row, 5),
            finding.regime.map(|r| r.as_str()).unwrap_or("")
        );
        assert_eq!(date(&at(&f, row, 6)), finding.due, "Findings row {row} due");
        match finding.days {
            Some(d) => assert_eq!(at(&f, row, 7), Data::Float(d as f64)),
            None => assert_eq!(at(&f, row, 7), Data::Empty),
        }
        assert_eq!(text(&f, row, 8), finding.message);
    }
    // Nothing after the last finding.
    assert_eq!(f.end().map(|e| e.0), Some(audit.findings.len() as u32));

    let s = range(&out, "Schedule")?;
    let h = headings(&s, 0);
    assert_eq!(h.len(), 19);
    let col = |name: &str| h.iter().position(|x| x == name).unwrap() as u32;
    for (i, sc) in audit.schedules.iter().enumerate() {
        let row = i as u32 + 1;
        assert_eq!(text(&s, row, col("User ID")), *sc.user_id);
        assert_eq!(text(&s, row, col("Status")), sc.status.as_str());
        assert_eq!(date(&at(&s, row, col("Due"))), sc.due);
        assert_eq!(date(&at(&s, row, col("Counts as of"))), sc.counts_as_of);
        assert_eq!(text(&s, row, col("Explanation")), sc.explanation);
        match sc.domestic {
            Some(d) => assert_eq!(at(&s, row, col("Domestic")), Data::Float(d as f64)),
            None => assert_eq!(at(&s, row, col("Domestic")), Data::Empty),
        }
    }
    assert_eq!(s.end().map(|e| e.0), Some(audit.schedules.len() as u32));

    let fc = range(&out, "Forecast")?;
    assert_eq!(
        headings(&fc, 0),
        ["Month", "Full", "Verification", "Self", "Total"]
    );
    for (i, m) in audit.forecast.iter().enumerate() {
        let row = i as u32 + 1;
        let month = date(&at(&fc, row, 0)).map(|d| d.format("%Y-%m").to_string());
        assert_eq!(month.as_deref(), Some(m.month.as_str()));
        assert_eq!(at(&fc, row, 1), Data::Float(f64::from(m.full)));
        assert_eq!(at(&fc, row, 2), Data::Float(f64::from(m.verification)));
        assert_eq!(at(&fc, row, 3), Data::Float(f64::from(m.self_assessment)));
    }
    Ok(())
}

#[test]
fn summary_counts_are_the_json_reports() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("sample.xlsx");
    let (outcome, audit) = write(&[sample()], &out, &WorkbookLimits::default())?;
    let summary = json::summary(&audit, outcome.issues.len());
    let r = range(&out, "Summary")?;
    let table = |title: &str| -> BTreeMap<String, usize> {
        let start = find_row(&r, 0, title).unwrap_or_else(|| panic!("no {title}")) + 2;
        let mut out = BTreeMap::new();
        for row in start.. {
            let key = text(&r, row, 0);
            if key.is_empty() {
                break;
            }
            if let Data::Float(n) = at(&r, row, 1) {
                out.insert(key, n as usize);
            }
        }
        out
    };
    let nonzero = |m: BTreeMap<String, usize>| -> BTreeMap<String, usize> {
        m.into_iter().filter(|(_, n)| *n > 0).collect()
    };
    let owned = |m: &BTreeMap<&'static str, usize>| -> BTreeMap<String, usize> {
        m.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    };
    assert_eq!(
        nonzero(table("Schedules by status")),
        owned(&summary.by_status)
    );
    assert_eq!(
        nonzero(table("Findings by severity")),
        owned(&summary.by_severity)
    );
    assert_eq!(table("Findings by code"), owned(&summary.by_code));
    let mut by_category = nonzero(table("Schedules by category"));
    by_category.remove("(none)");
    assert_eq!(by_category, owned(&summary.by_category));
    let row = find_row(&r, 0, "Input issues").unwrap();
    assert_eq!(at(&r, row, 1), Data::Float(summary.input_issues as f64));
    let row = find_row(&r, 0, "Audit date").unwrap();
    assert_eq!(date(&at(&r, row, 1)), Some(as_of()));
    Ok(())
}

#[test]
fn links_point_at_the_source_cells_in_the_copied_sheets() -> TestResult {
    assert_eq!(
        internal_link("Assessments", 16, 4),
        "internal:'Assessments'!E17"
    );
    assert_eq!(
        internal_link("Premises (2)", 0, 0),
        "internal:'Premises (2)'!A1"
    );

    let dir = tempfile::tempdir()?;
    let out = dir.path().join("sample.xlsx");
    let (_, audit) = write(&[sample()], &out, &WorkbookLimits::default())?;
    let mut wb: Xlsx<_> = open_workbook(&out)?;
    let links = wb.hyperlinks_by_sheet_name("Findings")?;
    let mut checked = 0;
    for (i, f) in audit.findings.iter().enumerate() {
        let Some(src) = &f.source else { continue };
        let row = i as u32 + 1;
        let link = links
            .iter()
            .find(|l| l.range.start == (row, 9))
            .unwrap_or_else(|| panic!("no link on Findings row {row}"));
        let expected = format!(
            "'{}'!{}{}",
            src.sheet,
            CellRef::column_name(src.col),
            src.row + 1
        );
        assert_eq!(link.location.as_deref(), Some(expected.as_str()));
        checked += 1;
    }
    assert!(checked > 10, "{checked} links checked");

    let links = wb.hyperlinks_by_sheet_name("Input issues")?;
    assert!(!links.is_empty());
    Ok(())
}

/// The raw values of a sheet as read, without g8audit's columns, trailing blanks trimmed.
fn without_notes(sheet: &RawSheet) -> Vec<Vec<RawValue<'_>>> {
    let notes = sheet.annotation_columns();
    let mut rows: Vec<Vec<RawValue>> = sheet
        .rows()
        .map(|row| {
            let mut r: Vec<RawValue> = row
                .iter()
                .enumerate()
                .filter(|(c, _)| !notes.contains(&(*c as u32)))
                .map(|(_, v)| v)
                .collect();
            while r.last().is_some_and(RawValue::is_blank) {
                r.pop();
            }
            r
        })
        .collect();
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

/// Same value, allowing what the writer does on purpose: an error value becomes its text, and a
/// date or count the reader parsed from text is written as that date or number.
fn same_value(before: &RawValue<'_>, after: &RawValue<'_>) -> bool {
    match (before, after) {
        (a, b) if a == b => true,
        (RawValue::Error(e), RawValue::Text(t)) => e == t,
        (RawValue::Text(t), RawValue::Date(d)) => {
            g8audit::register::parse_date_text(t, DateOrder::Dmy).ok() == Some(d.date())
        }
        (RawValue::Number(n), RawValue::Date(d)) => {
            g8audit::register::excel_serial_to_date(*n, false) == Some(d.date())
        }
        (RawValue::Text(t), RawValue::Number(n)) => {
            g8audit::register::parse_count(t).ok().map(|c| c as f64) == Some(*n)
        }
        _ => false,
    }
}

fn assert_sheets_kept(before: &ReadOutcome, after: &ReadOutcome) {
    for sheet in before.sheets.iter().filter(|s| !s.is_tool_sheet()) {
        let copy = after
            .sheets
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(&sheet.name))
            .unwrap_or_else(|| panic!("sheet {} not in the output", sheet.name));
        let (a, b) = (without_notes(sheet), without_notes(copy));
        assert_eq!(a.len(), b.len(), "{}: rows", sheet.name);
        for (r, (ra, rb)) in a.iter().zip(&b).enumerate() {
            assert_eq!(
                ra.len(),
                rb.len(),
                "{} row {}: {ra:?} / {rb:?}",
                sheet.name,
                r + 1
            );
            for (c, (va, vb)) in ra.iter().zip(rb).enumerate() {
                assert!(
                    same_value(va, vb),
                    "{}!{}{}: {va:?} became {vb:?}",
                    sheet.name,
                    CellRef::column_name(c as u32),
                    r + 1
                );
            }
        }
        assert_eq!(sheet.header_row, copy.header_row, "{}", sheet.name);
        assert_eq!(sheet.table, copy.table, "{}", sheet.name);
    }
}

#[test]
fn copied_sheets_keep_every_original_value_in_place() -> TestResult {
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("audit.xlsx");
    let (before, _) = write(&paths, &out, &WorkbookLimits::default())?;
    let after = read(std::slice::from_ref(&out))?;
    assert_sheets_kept(&before, &after);

    // A CSV's text dates and counts become real dates and numbers.
    let a = range(&out, "Assessments")?;
    assert_eq!(date(&at(&a, 1, 4)), NaiveDate::from_ymd_opt(2024, 1, 10));
    assert_eq!(date(&at(&a, 3, 6)), NaiveDate::from_ymd_opt(2025, 12, 1));
    // A refused one stays as written.
    assert_eq!(text(&a, 6, 4), "31/02/2026");
    let p = range(&out, "Premises")?;
    assert_eq!(at(&p, 1, 2), Data::Float(300_000.0));
    assert_eq!(text(&p, 24, 2), "12x");

    let dir2 = tempfile::tempdir()?;
    let out2 = dir2.path().join("sample.xlsx");
    let (before, _) = write(&[sample()], &out2, &WorkbookLimits::default())?;
    let after = read(std::slice::from_ref(&out2))?;
    assert_sheets_kept(&before, &after);
    Ok(())
}

#[test]
fn annotation_columns_follow_the_last_used_column() -> TestResult {
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("audit.xlsx");
    let (_, audit) = write(&paths, &out, &WorkbookLimits::default())?;

    let u = range(&out, "Users")?;
    let h = headings(&u, 0);
    assert_eq!(
        &h[..5],
        ["User ID", "Name", "Roles", "Left On", "Account manager"]
    );
    assert_eq!(
        &h[5..],
        [
            "g8audit: status",
            "g8audit: next type",
            "g8audit: due",
            "g8audit: days left",
            "g8audit: findings",
            "g8audit: input issues"
        ]
    );
    for row in 1..=5u32 {
        let id = text(&u, row, 0);
        let schedules: Vec<_> = audit
            .schedules
            .iter()
            .filter(|s| *s.user_id == *id)
            .collect();
        let status = text(&u, row, 5);
        if let [one] = schedules.as_slice() {
            assert_eq!(status, one.status.as_str(), "{id}");
        }
        let due = schedules.iter().filter_map(|s| s.due).min();
        assert_eq!(date(&at(&u, row, 7)), due, "{id}");
    }
    // U005's roles hold a misspelt role: the row shows its input issue.
    let u005 = find_row(&u, 0, "U005").unwrap();
    assert_eq!(text(&u, u005, 10), "UNKNOWN_ROLE");

    let a = range(&out, "Assessments")?;
    let h = headings(&a, 0);
    let notes = h
        .iter()
        .position(|x| x == "g8audit: required type")
        .unwrap() as u32;
    assert_eq!(notes, 8, "after the 8 original columns");
    // Row 3 (U001's annual Full) was completed late: the rules' note is on its row.
    let note = audit
        .row_notes
        .iter()
        .find(|n| n.days_late.is_some())
        .expect("a late row");
    assert_eq!(note.assessment, 1);
    assert_eq!(text(&a, 2, notes), note.required.unwrap().name());
    assert_eq!(
        text(&a, 2, notes + 1),
        format!("{} at {}", note.category.unwrap(), note.t)
    );
    assert_eq!(date(&at(&a, 2, notes + 2)), note.due);
    assert_eq!(
        at(&a, 2, notes + 3),
        Data::Float(note.days_late.unwrap() as f64)
    );
    assert!(text(&a, 2, notes + 4).contains("COMPLETED_LATE"));
    assert!(text(&a, 6, notes + 5).contains("BAD_DATE"));

    let p = range(&out, "Premises")?;
    let used = text(&p, 22, 4);
    assert!(
        used.contains("U001 supplier next assessment at 2026-11-01"),
        "{used}"
    );
    Ok(())
}

/// Schedules and findings without the cells they point at (which name the output's sheets), for
/// comparing two audits; `fold_case` also ignores case (CSV stems become Title Case sheets).
fn comparable(a: &Audit, fold_case: bool) -> (Vec<String>, Vec<String>) {
    let blank = CellRef {
        input: 0,
        sheet: "".into(),
        row: 0,
        col: 0,
    };
    let fold = |s: String| if fold_case { s.to_lowercase() } else { s };
    let mut schedules: Vec<String> = a
        .schedules
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.user_cell = blank.clone();
            fold(format!("{s:?}"))
        })
        .collect();
    let mut findings: Vec<String> = a
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            f.source = None;
            fold(format!("{f:?}"))
        })
        .collect();
    schedules.sort();
    findings.sort();
    (schedules, findings)
}

#[test]
fn auditing_the_workbook_again_gives_the_same_schedules_and_findings() -> TestResult {
    let rules = load_rules(None)?;
    // The sample register: sheet names kept, so everything matches exactly.
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("sample.xlsx");
    let (before, first) = write(&[sample()], &out, &WorkbookLimits::default())?;
    let after = read(std::slice::from_ref(&out))?;
    let second = run(&after, &rules);
    assert_eq!(comparable(&first, false), comparable(&second, false));
    assert_eq!(before.register.users, after.register.users);
    assert_eq!(before.register.premises, after.register.premises);
    assert_eq!(before.register.assessments, after.register.assessments);
    assert_eq!(first.row_notes, second.row_notes);
    assert_eq!(first.forecast, second.forecast);

    // CSV inputs: the same up to the case of the sheet names in messages.
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("audit.xlsx");
    let (_, first) = write(&paths, &out, &WorkbookLimits::default())?;
    let second = run(&read(std::slice::from_ref(&out))?, &rules);
    assert_eq!(comparable(&first, true), comparable(&second, true));

    // And a third time, from the annotated workbook itself: its notes are replaced, not kept.
    let out2 = dir.path().join("again.xlsx");
    let (again, third) = write(
        std::slice::from_ref(&out),
        &out2,
        &WorkbookLimits::default(),
    )?;
    assert_eq!(comparable(&second, false), comparable(&third, false));
    assert_eq!(sheet_names(&out)?, sheet_names(&out2)?);
    let users = again.sheets.iter().find(|s| s.name == "Users").unwrap();
    assert_eq!(users.annotation_columns().len(), 6);
    let reread = read(std::slice::from_ref(&out2))?;
    let users2 = reread.sheets.iter().find(|s| s.name == "Users").unwrap();
    assert_eq!(users2.annotation_columns(), users.annotation_columns());
    Ok(())
}

#[test]
fn the_same_audit_gives_the_same_bytes() -> TestResult {
    let dir = tempfile::tempdir()?;
    let a = dir.path().join("a.xlsx");
    let b = dir.path().join("b.xlsx");
    write(&[sample()], &a, &WorkbookLimits::default())?;
    write(&[sample()], &b, &WorkbookLimits::default())?;
    assert!(std::fs::read(&a)? == std::fs::read(&b)?, "two runs differ");
    // The template too.
    write_template(&a)?;
    write_template(&b)?;
    assert!(
        std::fs::read(&a)? == std::fs::read(&b)?,
        "two templates differ"
    );
    // No temporary file is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".g8audit-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    Ok(())
}

#[test]
fn an_input_is_never_overwritten() -> TestResult {
    let (dir, paths) = csv_register()?;
    let original = std::fs::read(&paths[1])?;
    let rules = load_rules(None)?;
    let outcome = read(&paths)?;
    let audit = run(&outcome, &rules);
    let input = WorkbookInput {
        audit: &audit,
        outcome: &outcome,
        rules: &rules,
        options: options(),
        warn_days: 90,
        changes: None,
    };
    // The same file, spelled another way.
    let sneaky = dir.path().join(".").join("premises.csv");
    let err = write_workbook(&input, &sneaky).unwrap_err();
    assert!(matches!(err, WorkbookError::OutputIsInput { .. }), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("premises.csv") && msg.contains("never writes to an input"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&paths[1])?, original);

    // A directory that does not exist: an error naming the path, and no file.
    let nowhere = dir.path().join("missing").join("out.xlsx");
    let err = write_workbook(&input, &nowhere).unwrap_err();
    assert!(matches!(err, WorkbookError::Io { .. }), "{err}");
    assert!(err.to_string().contains("out.xlsx"), "{err}");
    assert!(!nowhere.exists());
    Ok(())
}

#[test]
fn streamed_sheets_keep_their_header_and_last_row() -> TestResult {
    // Rows are only ever appended (constant-memory mode drops writes to earlier rows): the header
    // and the very last row of each table must both be there.
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("sample.xlsx");
    let (outcome, audit) = write(&[sample()], &out, &WorkbookLimits::default())?;
    let f = range(&out, "Findings")?;
    assert_eq!(text(&f, 0, 0), "Severity");
    let last = audit.findings.last().unwrap();
    let n = audit.findings.len() as u32;
    assert_eq!(text(&f, n, 1), last.code.as_str());
    assert_eq!(text(&f, n, 8), last.message);
    let s = range(&out, "Schedule")?;
    assert_eq!(text(&s, 0, 0), "User ID");
    assert_eq!(
        text(&s, audit.schedules.len() as u32, 0),
        *audit.schedules.last().unwrap().user_id
    );
    for sheet in outcome.sheets.iter().filter(|s| s.table.is_some()) {
        let r = range(&out, &sheet.name)?;
        let h = sheet.header_row.unwrap();
        assert_eq!(
            at(&r, h, 0),
            Data::String("User ID".into()),
            "{}",
            sheet.name
        );
        let last = sheet.row_count() as u32 - 1;
        assert_eq!(
            text(&r, last, 0),
            sheet.value(last, 0).to_string(),
            "{}",
            sheet.name
        );
    }
    let i = range(&out, "Input issues")?;
    assert_eq!(i.end().map(|e| e.0), Some(outcome.issues.len() as u32));
    Ok(())
}

#[test]
fn a_sheet_over_the_row_limit_continues_on_numbered_sheets() -> TestResult {
    let (dir, paths) = csv_register()?;
    let out = dir.path().join("split.xlsx");
    let limits = WorkbookLimits {
        max_rows_per_sheet: 5,
    };
    let (outcome, audit) = write(&paths, &out, &limits)?;
    let names = sheet_names(&out)?;
    // Premises: a header and 24 rows = 25 rows: 5, then the header again and 4 on each further
    // sheet (5 + 5 × 4).
    let premises: Vec<&String> = names.iter().filter(|n| n.starts_with("Premises")).collect();
    assert_eq!(
        premises,
        [
            "Premises",
            "Premises (2)",
            "Premises (3)",
            "Premises (4)",
            "Premises (5)",
            "Premises (6)"
        ]
    );
    // In order, each part right after the one before.
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert_eq!(pos("Premises (2)"), pos("Premises") + 1);
    assert!(pos("Premises (6)") < pos("Assessments"));
    // Every row is there once, in order, under a copy of the header.
    let source = &outcome
        .sheets
        .iter()
        .find(|s| s.name == "premises")
        .unwrap();
    let mut seen = Vec::new();
    for (k, name) in premises.iter().enumerate() {
        let r = range(&out, name)?;
        let first = if k == 0 { 0 } else { 1 };
        if k > 0 {
            assert_eq!(
                headings(&r, 0)[..4],
                ["User ID", "As Of", "Domestic", "Non Domestic"]
            );
        }
        let (end, _) = r.end().unwrap();
        assert!(end < 5, "{name} has {} rows", end + 1);
        for row in first..=end {
            seen.push(text(&r, row, 0));
        }
    }
    let expected: Vec<String> = source.rows().map(|r| r.get(0).to_string()).collect();
    assert_eq!(seen, expected);
    // The refused count (premises row 25) is on Premises (6), row 5: the header, rows 22 to 25.
    let issue = outcome
        .issues
        .iter()
        .find(|i| &*i.cell.sheet == "premises")
        .unwrap();
    assert_eq!(issue.cell.row, 24);
    let mut wb: Xlsx<_> = open_workbook(&out)?;
    let links: Vec<String> = names
        .iter()
        .filter(|n| n.starts_with("Input issues"))
        .flat_map(|n| wb.hyperlinks_by_sheet_name(n).unwrap())
        .filter_map(|l| l.location)
        .collect();
    assert!(
        links.contains(&"'Premises (6)'!C5".to_string()),
        "{links:?}"
    );
    // Findings and Schedule split the same way, and together hold every row.
    let findings: usize = names
        .iter()
        .filter(|n| n.starts_with("Findings"))
        .map(|n| range(&out, n).map(|r| r.end().map_or(0, |e| e.0 as usize)))
        .sum::<Result<usize, _>>()?;
    assert_eq!(findings, audit.findings.len());
    Ok(())
}

#[test]
fn the_template_is_a_valid_register_with_no_input_issues() -> TestResult {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("register.xlsx");
    write_template(&out)?;
    assert_eq!(
        sheet_names(&out)?,
        ["Instructions", "Users", "Premises", "Assessments"]
    );
    let u = range(&out, "Users")?;
    assert_eq!(
        headings(&u, 0),
        [
            "User ID",
            "Name",
            "Roles",
            "Shared Resource Provider",
            "Shared Resources Group",
            "Left On",
            "SMS Notified On"
        ]
    );
    let outcome = read(std::slice::from_ref(&out))?;
    assert!(outcome.issues.is_empty(), "{:?}", outcome.issues);
    assert_eq!(outcome.register.users.len(), 2);
    assert_eq!(outcome.register.premises.len(), 2);
    assert_eq!(outcome.register.assessments.len(), 2);
    let a = range(&out, "Assessments")?;
    assert!(date(&at(&a, 1, 5)).is_some(), "Completed On is a date");
    let audit = run(&outcome, &load_rules(None)?);
    assert_eq!(audit.schedules.len(), 2);
    assert!(audit.schedules.iter().all(|s| s.due.is_some()));
    Ok(())
}

#[test]
fn a_register_with_nothing_to_report_still_gets_every_sheet() -> TestResult {
    let dir = tempfile::tempdir()?;
    let users = dir.path().join("users.csv");
    let assessments = dir.path().join("assessments.csv");
    std::fs::write(&users, "User ID,Roles\nX001,Export Supplier\n")?;
    std::fs::write(&assessments, "User ID,Type\n")?;
    let out = dir.path().join("empty.xlsx");
    let (_, audit) = write(&[users, assessments], &out, &WorkbookLimits::default())?;
    assert!(audit.findings.is_empty());
    assert_eq!(
        sheet_names(&out)?,
        [
            "Summary",
            "Findings",
            "Schedule",
            "Forecast",
            "Users",
            "Assessments",
            "Input issues",
            "About"
        ]
    );
    let f = range(&out, "Findings")?;
    assert_eq!(f.end().map(|e| e.0), Some(0), "the header only");
    let r = range(&out, "Summary")?;
    let row = find_row(&r, 0, "no findings").expect("says so");
    assert_eq!(at(&r, row, 1), Data::Float(0.0));
    Ok(())
}

/// `soffice` or `libreoffice`, if installed.
fn soffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| [d.join("soffice"), d.join("libreoffice")])
        .find(|p| p.is_file())
}

#[test]
fn libreoffice_shows_the_summary_schedule_and_findings() -> TestResult {
    let Some(soffice) = soffice() else {
        let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
        assert!(
            !ci,
            "LibreOffice (soffice) is not installed; CI must install it (apt-get install libreoffice-calc)"
        );
        eprintln!("note: LibreOffice is not installed; the LibreOffice check is skipped");
        return Ok(());
    };
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("audit.xlsx");
    let (_, audit) = write(&[sample()], &out, &WorkbookLimits::default())?;
    let profile = dir.path().join("profile");
    let csv_dir = dir.path().join("csv");
    // Token 9 "true": cells as shown (dates as 01 Nov 2026); token 12 "-1": every sheet.
    let status = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1")
        .arg("--outdir")
        .arg(&csv_dir)
        .arg(&out)
        .output()?;
    assert!(status.status.success(), "{status:?}");
    let sheet = |name: &str| -> Result<Vec<Vec<String>>, Box<dyn std::error::Error>> {
        let path = csv_dir.join(format!("audit-{name}.csv"));
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_path(&path)?;
        let mut rows = Vec::new();
        for rec in rdr.records() {
            rows.push(rec?.iter().map(str::to_string).collect());
        }
        Ok(rows)
    };
    let summary = sheet("Summary")?;
    let find = |rows: &[Vec<String>], label: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == label))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(find(&summary, "Audit date")[1], "01 Nov 2026");
    let overdue = audit
        .schedules
        .iter()
        .filter(|s| s.status.as_str() == "overdue")
        .count();
    assert_eq!(find(&summary, "overdue")[1], overdue.to_string());
    assert_eq!(
        find(&summary, "Findings")[1],
        audit.findings.len().to_string()
    );

    let schedule = sheet("Schedule")?;
    assert_eq!(schedule.len(), audit.schedules.len() + 1);
    let h = &schedule[0];
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    for (row, s) in schedule[1..].iter().zip(&audit.schedules) {
        assert_eq!(row[0], *s.user_id);
        assert_eq!(row[col("Status")], s.status.as_str());
        let due = s
            .due
            .map(|d| d.format("%d %b %Y").to_string())
            .unwrap_or_default();
        assert_eq!(row[col("Due")], due, "{}", s.user_id);
    }

    let findings = sheet("Findings")?;
    assert_eq!(findings.len(), audit.findings.len() + 1);
    for (row, f) in findings[1..].iter().zip(&audit.findings) {
        assert_eq!(row[1], f.code.as_str());
        assert_eq!(row[3], *f.user_id);
        assert_eq!(row[8], f.message);
    }
    Ok(())
}
