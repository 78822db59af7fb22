//! Properties of the whole pipeline (CSV register → reader → rules → JSON), on registers that
//! proptest generates:
//! - permuting the rows of every table never changes the report;
//! - splitting a table across two files (`assessments.csv` + `assessments-2.csv`) never changes
//!   it either;
//! - the thread count never changes the report's bytes (`--threads 1` vs `--threads 2`);
//! - a register built by following the tool's own schedule — each assessment of the required
//!   type, done and submitted before its due date — has no breach;
//! - shifting every date by whole years shifts every due date by the same years;
//! - every finding's and input issue's source cell exists in the input.
//!
//! Reports are compared without `inputs` and `source` (which name files and rows, and so change
//! with a permutation or a split); the arrays are compared as sets where rows that tie on the
//! report's sort keys may come in either order.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Months, NaiveDate};
use g8audit::register::{ReadOptions, ReadOutcome, read_register};
use g8audit::rules::findings::Severity;
use g8audit::rules::{self, Audit, AuditParams};
use proptest::prelude::*;
use serde_json::Value;

const AS_OF: (i32, u32, u32) = (2026, 11, 1);

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn as_of() -> NaiveDate {
    date(AS_OF.0, AS_OF.1, AS_OF.2)
}

/// A register as CSV tables: a header line and data lines per table.
#[derive(Debug, Clone)]
struct Csv {
    users: Vec<String>,
    premises: Vec<String>,
    assessments: Vec<String>,
}

const USERS_HEADER: &str = "User ID,Name,Roles";
const PREMISES_HEADER: &str = "User ID,As Of,Domestic,Non Domestic";
const ASSESSMENTS_HEADER: &str =
    "User ID,Type,Purpose,Assurance Status,Status Set On,Scheduled For,Completed On,Submitted On";

const ROLES: [&str; 8] = ["OU", "IS", "GS", "ED", "GT", "ES", "RSA", "IS; GS"];
const TYPES: [&str; 4] = ["Full", "Verification", "Self", "Follow-up"];

fn opt_date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// One generated assessment row (before formatting).
#[derive(Debug, Clone)]
struct Row {
    user: usize,
    typ: usize,
    completed: Option<NaiveDate>,
    scheduled: Option<NaiveDate>,
    submitted: bool,
}

fn day_between(lo: NaiveDate, hi: NaiveDate) -> impl Strategy<Value = NaiveDate> {
    let span = (hi - lo).num_days();
    (0..=span).prop_map(move |d| {
        let x = lo + chrono::Duration::days(d);
        // Days 1–28 only: a whole-year shift then keeps every date valid and unambiguous.
        date(x.year(), x.month(), x.day().min(28))
    })
}

fn register() -> impl Strategy<Value = Csv> {
    (1usize..6)
        .prop_flat_map(|n| {
            let roles = proptest::collection::vec(0..ROLES.len(), n);
            let counts = proptest::collection::vec((0u64..400_000, 0u64..50_000), n);
            let rows = proptest::collection::vec(
                (
                    0..n,
                    0..TYPES.len(),
                    proptest::option::of(day_between(date(2021, 1, 1), date(2026, 10, 28))),
                    proptest::option::of(day_between(date(2024, 1, 1), date(2027, 12, 28))),
                    any::<bool>(),
                ),
                0..12,
            );
            (Just(n), roles, counts, rows)
        })
        .prop_map(|(n, roles, counts, rows)| {
            let users = (0..n)
                .map(|i| format!("U{i:03},User {i},\"{}\"", ROLES[roles[i]]))
                .collect();
            let mut premises = Vec::new();
            for (i, (dom, non)) in counts.iter().enumerate() {
                for m in 0..3u32 {
                    let d = date(2026, 8 + m, 1);
                    premises.push(format!("U{i:03},{d},{dom},{non}"));
                }
            }
            let mut assessments = Vec::new();
            for (i, _) in roles.iter().enumerate() {
                // An approved Entry Full for each User, so the cycles start.
                assessments.push(format!(
                    "U{i:03},Full,Entry,approved,2021-02-01,,2021-01-15,"
                ));
            }
            for (user, typ, completed, scheduled, submitted) in rows {
                let r = Row {
                    user,
                    typ,
                    completed,
                    scheduled,
                    submitted,
                };
                let submitted_on = if TYPES[r.typ] == "Self" && r.submitted {
                    r.completed
                        .map(|d| d + chrono::Duration::days(20))
                        .filter(|d| *d < as_of())
                } else {
                    None
                };
                assessments.push(format!(
                    "U{:03},{},,,,{},{},{}",
                    r.user,
                    TYPES[r.typ],
                    opt_date(r.scheduled),
                    opt_date(r.completed),
                    opt_date(submitted_on)
                ));
            }
            Csv {
                users,
                premises,
                assessments,
            }
        })
}

/// Writes the tables (each a list of (file name, data lines)) and returns the paths.
fn write_tables(dir: &Path, files: &[(&str, &str, &[String])]) -> Vec<PathBuf> {
    files
        .iter()
        .map(|(name, header, lines)| {
            let mut text = format!("{header}\n");
            for l in *lines {
                text.push_str(l);
                text.push('\n');
            }
            let p = dir.join(name);
            std::fs::write(&p, text).expect("write");
            p
        })
        .collect()
}

fn read(paths: &[PathBuf]) -> ReadOutcome {
    // The reader's "today" is later than every generated date: nothing is FUTURE_DATE.
    read_register(paths, &ReadOptions::new(date(2040, 1, 1))).expect("the register reads")
}

fn audit_at(outcome: &ReadOutcome, as_of: NaiveDate) -> Audit {
    let loaded = g8audit::config::load_rules(None).expect("embedded rules");
    rules::audit(
        &outcome.register,
        &loaded.rules,
        &AuditParams {
            as_of,
            warn_days: 90,
            stale_days: 45,
            annotate: true,
        },
    )
}

fn json(outcome: &ReadOutcome, audit: &Audit) -> Value {
    let report = g8audit::report::json::report(audit, &outcome.register.inputs, &outcome.issues);
    serde_json::from_str(&g8audit::report::json::to_string(&report)).expect("JSON")
}

/// `text` with every cell reference (`assessments!B13`, `'assessments-2'!B4`) as `<cell>`.
fn scrub_cells(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'!' {
            i += 1;
            continue;
        }
        // The sheet before `!`: quoted, or a run of name characters.
        let start = if i > 0 && b[i - 1] == b'\'' {
            text[..i - 1].rfind('\'').unwrap_or(i)
        } else {
            let mut s = i;
            while s > 0
                && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_' || b[s - 1] == b'-')
            {
                s -= 1;
            }
            s
        };
        let mut end = i + 1;
        while end < b.len() && b[end].is_ascii_uppercase() {
            end += 1;
        }
        let letters = end;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if start < i && letters > i + 1 && end > letters && start >= copied {
            out.push_str(&text[copied..start]);
            out.push_str("<cell>");
            copied = end;
        }
        i = end.max(i + 1);
    }
    out.push_str(&text[copied..]);
    out
}

/// The report without what names files and rows, with tie-able arrays in a canonical order.
fn comparable(mut v: Value) -> Value {
    fn strip(v: &mut Value) {
        match v {
            Value::String(s) => *s = scrub_cells(s),
            Value::Object(m) => {
                m.remove("source");
                m.remove("inputs");
                for x in m.values_mut() {
                    strip(x);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut v);
    for key in ["findings", "input_issues"] {
        if let Some(Value::Array(a)) = v.get_mut(key) {
            a.sort_by_key(|x| x.to_string());
        }
    }
    v
}

fn report_of(dir: &Path, files: &[(&str, &str, &[String])]) -> Value {
    let paths = write_tables(dir, files);
    let outcome = read(&paths);
    comparable(json(&outcome, &audit_at(&outcome, as_of())))
}

fn tables(r: &Csv) -> [(&'static str, &'static str, &[String]); 3] {
    [
        ("users.csv", USERS_HEADER, &r.users),
        ("premises.csv", PREMISES_HEADER, &r.premises),
        ("assessments.csv", ASSESSMENTS_HEADER, &r.assessments),
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 32,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn permuting_rows_never_changes_the_report(
        (r, seeds) in register().prop_flat_map(|r| {
            let n = (r.users.len(), r.premises.len(), r.assessments.len());
            (Just(r), (any::<u64>(), any::<u64>(), any::<u64>(), Just(n)))
        })
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let before = report_of(dir.path(), &tables(&r));
        let shuffle = |v: &[String], seed: u64| {
            let mut v = v.to_vec();
            // Fisher–Yates with a simple LCG from the seed.
            let mut s = seed | 1;
            for i in (1..v.len()).rev() {
                s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                v.swap(i, (s >> 33) as usize % (i + 1));
            }
            v
        };
        let p = Csv {
            users: shuffle(&r.users, seeds.0),
            premises: shuffle(&r.premises, seeds.1),
            assessments: shuffle(&r.assessments, seeds.2),
        };
        let dir2 = tempfile::tempdir().expect("tempdir");
        let after = report_of(dir2.path(), &tables(&p));
        prop_assert_eq!(before, after);
    }

    #[test]
    fn splitting_a_table_across_files_never_changes_the_report(
        r in register(),
        cut in 0.0f64..=1.0,
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let whole = report_of(dir.path(), &tables(&r));
        let k = ((r.assessments.len() as f64) * cut) as usize;
        let (first, second) = r.assessments.split_at(k);
        let (first, second) = (first.to_vec(), second.to_vec());
        let dir2 = tempfile::tempdir().expect("tempdir");
        let split = report_of(
            dir2.path(),
            &[
                ("users.csv", USERS_HEADER, &r.users),
                ("premises.csv", PREMISES_HEADER, &r.premises),
                ("assessments.csv", ASSESSMENTS_HEADER, &first),
                ("assessments-2.csv", ASSESSMENTS_HEADER, &second),
            ],
        );
        prop_assert_eq!(whole, split);
    }

    #[test]
    fn every_source_cell_exists_in_the_input(r in register()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let paths = write_tables(dir.path(), &tables(&r));
        let outcome = read(&paths);
        let audit = audit_at(&outcome, as_of());
        let cells = audit
            .findings
            .iter()
            .filter_map(|f| f.source.clone())
            .chain(outcome.issues.iter().map(|i| i.cell.clone()));
        for cell in cells {
            prop_assert!((cell.input as usize) < outcome.register.inputs.len(), "{:?}", cell);
            let sheet = outcome
                .sheets
                .iter()
                .find(|s| s.input == cell.input as usize && *s.name == *cell.sheet);
            prop_assert!(sheet.is_some(), "no sheet for {:?}", cell);
            let sheet = sheet.expect("checked");
            prop_assert!((cell.row as usize) < sheet.row_count(), "no row for {:?}", cell);
            let row = sheet.row(cell.row);
            let width = sheet
                .header_row
                .map_or(0, |h| sheet.row(h).len())
                .max(row.len());
            prop_assert!((cell.col as usize) < width, "no column for {:?}", cell);
        }
    }

    #[test]
    fn shifting_every_date_by_whole_years_shifts_every_due_date_alike(
        r in register(),
        years in 1u32..=4,
    ) {
        let shift = |line: &String| -> String {
            line.split(',')
                .map(|f| match NaiveDate::parse_from_str(f, "%Y-%m-%d") {
                    Ok(d) => (d + Months::new(12 * years)).to_string(),
                    Err(_) => f.to_string(),
                })
                .collect::<Vec<_>>()
                .join(",")
        };
        let s = Csv {
            users: r.users.clone(),
            premises: r.premises.iter().map(shift).collect(),
            assessments: r.assessments.iter().map(shift).collect(),
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let a = read(&write_tables(dir.path(), &tables(&r)));
        let dir2 = tempfile::tempdir().expect("tempdir");
        let b = read(&write_tables(dir2.path(), &tables(&s)));
        let before = audit_at(&a, as_of());
        let after = audit_at(&b, as_of() + Months::new(12 * years));
        prop_assert_eq!(before.schedules.len(), after.schedules.len());
        for (x, y) in before.schedules.iter().zip(&after.schedules) {
            prop_assert_eq!(&x.user_id, &y.user_id);
            prop_assert_eq!(x.regime, y.regime);
            prop_assert_eq!(x.next_type, y.next_type, "{}", x.user_id);
            prop_assert_eq!(
                x.due.map(|d| d + Months::new(12 * years)),
                y.due,
                "{} {:?}", x.user_id, x.regime
            );
            prop_assert_eq!(x.status, y.status, "{}", x.user_id);
        }
        let codes = |a: &Audit| {
            let mut v: Vec<String> = a.findings.iter().map(|f| format!("{} {:?} {:?}", f.user_id, f.regime, f.code)).collect();
            v.sort();
            v
        };
        prop_assert_eq!(codes(&before), codes(&after));
    }
}

/// Builds a history by following the tool's own schedule, one due assessment at a time.
fn compliant_history(roles: &[&str], counts: &[(u64, u64)]) -> (Vec<PathBuf>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let users: Vec<String> = roles
        .iter()
        .enumerate()
        .map(|(i, r)| format!("U{i:03},User {i},\"{r}\""))
        .collect();
    let mut premises = Vec::new();
    for (i, (dom, non)) in counts.iter().enumerate() {
        // Monthly snapshots from 2019 to the audit date.
        let mut d = date(2019, 1, 1);
        while d < as_of() {
            premises.push(format!("U{i:03},{d},{dom},{non}"));
            d = d + Months::new(1);
        }
    }
    let mut assessments: Vec<String> = (0..roles.len())
        .map(|i| format!("U{i:03},Full,Entry,approved,2020-03-01,,2020-02-01,"))
        .collect();
    for _round in 0..60 {
        let paths = write_tables(
            dir.path(),
            &[
                ("users.csv", USERS_HEADER, &users),
                ("premises.csv", PREMISES_HEADER, &premises),
                ("assessments.csv", ASSESSMENTS_HEADER, &assessments),
            ],
        );
        let outcome = read(&paths);
        let audit = audit_at(&outcome, as_of());
        let mut added = false;
        for s in &audit.schedules {
            let (Some(due), Some(typ)) = (s.due, s.next_type) else {
                continue;
            };
            if due > as_of() {
                continue;
            }
            let done = due - chrono::Duration::days(14);
            let typ = typ.to_string();
            let submitted = if typ == "Self" {
                done.to_string()
            } else {
                String::new()
            };
            assessments.push(format!(
                "{},{typ},Annual,,,{done},{done},{submitted}",
                s.user_id
            ));
            added = true;
        }
        if !added {
            return (paths, dir);
        }
    }
    panic!("the schedule did not settle in 60 rounds");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn a_register_that_follows_its_schedule_has_no_breach(
        users in proptest::collection::vec((0..ROLES.len(), 0u64..400_000, 0u64..50_000), 1..4)
    ) {
        let roles: Vec<&str> = users.iter().map(|(r, _, _)| ROLES[*r]).collect();
        let counts: Vec<(u64, u64)> = users.iter().map(|(_, d, n)| (*d, *n)).collect();
        let (paths, _dir) = compliant_history(&roles, &counts);
        let outcome = read(&paths);
        let audit = audit_at(&outcome, as_of());
        let breaches: Vec<String> = audit
            .findings
            .iter()
            .filter(|f| f.severity() == Severity::Breach)
            .map(|f| format!("{} {:?} {:?}: {}", f.user_id, f.regime, f.code, f.message))
            .collect();
        prop_assert!(breaches.is_empty(), "{:#?}", breaches);
    }
}

#[test]
fn cell_references_are_scrubbed() {
    assert_eq!(
        scrub_cells("rows assessments!B13, 'assessments-2'!B4; see Users!A2."),
        "rows <cell>, <cell>; see <cell>."
    );
    assert_eq!(scrub_cells("no cells! here"), "no cells! here");
}

#[test]
fn the_thread_count_never_changes_the_report() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 8,
        ..ProptestConfig::default()
    });
    runner
        .run(&register(), |r| {
            let dir = tempfile::tempdir().expect("tempdir");
            write_tables(dir.path(), &tables(&r));
            let run = |threads: &str| {
                std::process::Command::new(env!("CARGO_BIN_EXE_g8audit"))
                    .args([
                        "audit",
                        "users.csv",
                        "premises.csv",
                        "assessments.csv",
                        "--as-of",
                        "2026-11-01",
                        "--json",
                        "-",
                        "--quiet",
                        "--threads",
                        threads,
                    ])
                    .current_dir(dir.path())
                    .output()
                    .expect("run g8audit")
            };
            let one = run("1");
            let two = run("2");
            prop_assert!(
                matches!(one.status.code(), Some(0 | 1)),
                "{}",
                String::from_utf8_lossy(&one.stderr)
            );
            prop_assert_eq!(one.status.code(), two.status.code());
            prop_assert!(
                one.stdout == two.stdout,
                "the JSON differs between 1 and 2 threads"
            );
            Ok(())
        })
        .expect("property holds");
}
