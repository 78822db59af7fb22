//! The Changes sheet (with `--compare-to`): what changed since last month's report, in three
//! sections a person works through in turn — the new findings, last month's findings that are
//! resolved, and the schedules whose category, next type, due date or status changed, with before
//! and after side by side.
//!
//! It lays out [`crate::report::compare::Changes`] as computed for the JSON report; it compares
//! nothing itself. The sheet is written as one logical table over as many parts as the row limit
//! needs (so a very large month still fits), each section with its own heading row.

use rust_xlsxwriter::XlsxError;

use crate::report::compare::{Change, Changes, ScheduleChangeKind, ScheduleState};
use crate::rules::findings::Severity;
use crate::rules::schedule::Status;

use super::Ctx;
use super::findings::print_setup;
use super::sheet::{Book, Cell, Mode, TableOut};
use super::styles::{Styles, Tone, severity_tone, status_tone};

const FINDING_HEADINGS: [&str; 10] = [
    "Severity", "Code", "Clause", "User ID", "Name", "Regime", "Due", "Days", "Message", "Source",
];

const RESOLVED_HEADINGS: [&str; 10] = [
    "Severity",
    "Code",
    "Clause",
    "User ID",
    "Name",
    "Regime",
    "Due",
    "Days (then)",
    "Message (then)",
    "Schedule now",
];

const SCHEDULE_HEADINGS: [&str; 13] = [
    "User ID",
    "Name",
    "Regime",
    "Change",
    "What changed",
    "Category before",
    "Category after",
    "Next type before",
    "Next type after",
    "Due before",
    "Due after",
    "Status before",
    "Status after",
];

/// Rows of a section: its heading, its column headings, its rows (or one "none" row), a blank.
fn section_rows(n: usize) -> u32 {
    3 + n.max(1) as u32
}

/// How many rows the sheet has: the title, the counts and a blank, then the three sections.
pub(super) fn row_count(changes: &Changes) -> u32 {
    3 + section_rows(changes.new_count())
        + section_rows(changes.resolved.len())
        + section_rows(changes.schedules.len())
}

fn status_cell(status: Option<&str>) -> Cell {
    let tone = status
        .and_then(|s| Status::ALL.into_iter().find(|x| x.as_str() == s))
        .map_or(Tone::None, status_tone);
    Cell::opt_text(status).tone(tone).bold().center()
}

fn severity_of(s: Option<&str>) -> Tone {
    match s {
        Some("breach") => severity_tone(Severity::Breach),
        Some("warning") => severity_tone(Severity::Warning),
        Some("info") => severity_tone(Severity::Info),
        _ => Tone::None,
    }
}

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    changes: &Changes,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut t = TableOut::new(&ctx.plan.changes, None, Mode::Streamed)
        .with_setup(print_setup)
        .with_wrap_widths(&[(8, 60)]);
    let mut written = 0u32;
    let mut push = |t: &mut TableOut<'_>, cells: Vec<Cell>, styles: &mut Styles| {
        written += 1;
        t.push(wb, cells, styles)
    };
    let section = |text: String| vec![Cell::text(text).with(|st| st.section = true).overflow()];
    let headings = |h: &[&str]| h.iter().map(|x| Cell::header(*x)).collect::<Vec<_>>();
    let none = || vec![Cell::text("none").overflow()];

    push(
        &mut t,
        vec![
            Cell::text(format!(
                "Changes since {} (compared with {}, written by g8audit {})",
                changes.previous_as_of, changes.previous_path, changes.previous_version
            ))
            .with(|st| st.title = true)
            .overflow(),
        ],
        styles,
    )?;
    push(
        &mut t,
        vec![
            Cell::text(format!(
                "{} new and {} persisting findings (same User, regime, code and due date, SPEC \
                 §3.2); {} resolved; {} schedules changed. The Findings sheet marks each finding \
                 new or persisting.",
                changes.new_count(),
                changes.persisting_count(),
                changes.resolved.len(),
                changes.schedules.len()
            ))
            .overflow(),
        ],
        styles,
    )?;
    push(&mut t, Vec::new(), styles)?;

    // New findings, in the audit's order.
    push(
        &mut t,
        section(format!(
            "New findings ({}): not in the report of {}",
            changes.new_count(),
            changes.previous_as_of
        )),
        styles,
    )?;
    push(&mut t, headings(&FINDING_HEADINGS), styles)?;
    let audit = ctx.audit();
    let mut any = false;
    for (i, f) in audit.findings.iter().enumerate() {
        if changes.finding(i) != Some(Change::New) {
            continue;
        }
        any = true;
        let tone = severity_tone(f.severity());
        let source = match &f.source {
            Some(c) => Cell::link(ctx.map.display(c), ctx.map.link(c)),
            None => Cell::blank(),
        };
        let row = vec![
            Cell::text(f.severity().as_str()).bold(),
            Cell::text(f.code.as_str()),
            Cell::text(f.clause),
            Cell::text(f.user_id.to_string()),
            Cell::opt_text(ctx.user_name(&f.user_id)),
            Cell::opt_text(f.regime.map(|r| r.as_str())),
            Cell::opt_date(f.due),
            Cell::opt_int(f.days),
            Cell::text(f.message.clone()).wrap(),
            source,
        ];
        push(
            &mut t,
            row.into_iter().map(|c| c.tone(tone)).collect(),
            styles,
        )?;
    }
    if !any {
        push(&mut t, none(), styles)?;
    }
    push(&mut t, Vec::new(), styles)?;

    // Resolved findings, as last month's report wrote them, with where the schedule stands now.
    push(
        &mut t,
        section(format!(
            "Resolved findings ({}): in the report of {}, gone now",
            changes.resolved.len(),
            changes.previous_as_of
        )),
        styles,
    )?;
    push(&mut t, headings(&RESOLVED_HEADINGS), styles)?;
    for f in &changes.resolved {
        let now = audit
            .schedules
            .iter()
            .find(|s| {
                *s.user_id == *f.user_id
                    && (f.regime.is_none() || s.regime.map(|r| r.as_str()) == f.regime.as_deref())
            })
            .map(|s| s.status.as_str());
        let row = vec![
            Cell::opt_text(f.severity.clone())
                .bold()
                .tone(severity_of(f.severity.as_deref())),
            Cell::text(f.code.clone()),
            Cell::opt_text(f.clause.clone()),
            Cell::text(f.user_id.to_string()),
            Cell::opt_text(ctx.user_name(&f.user_id)),
            Cell::opt_text(f.regime.clone()),
            Cell::opt_date(f.due),
            Cell::opt_int(f.days),
            Cell::opt_text(f.message.clone()).wrap(),
            status_cell(now),
        ];
        push(&mut t, row, styles)?;
    }
    if changes.resolved.is_empty() {
        push(&mut t, none(), styles)?;
    }
    push(&mut t, Vec::new(), styles)?;

    // Changed schedules.
    push(
        &mut t,
        section(format!(
            "Schedules changed ({}): category, next type, due date or status",
            changes.schedules.len()
        )),
        styles,
    )?;
    push(&mut t, headings(&SCHEDULE_HEADINGS), styles)?;
    for c in &changes.schedules {
        let b = c.before.as_ref();
        let a = c.after.as_ref();
        let get =
            |s: Option<&ScheduleState>, f: fn(&ScheduleState) -> Option<String>| s.and_then(f);
        let changed = |field: &str| c.fields.contains(&field);
        let mark = |cell: Cell, field: &str| if changed(field) { cell.bold() } else { cell };
        let what = match c.change {
            ScheduleChangeKind::Changed => c.fields.join(", ").replace('_', " "),
            ScheduleChangeKind::Added => "new schedule".into(),
            ScheduleChangeKind::Removed => "no longer in the register".into(),
        };
        let row = vec![
            Cell::text(c.user_id.clone()),
            Cell::opt_text(c.name.clone()),
            Cell::opt_text(c.regime.clone()),
            Cell::text(c.change.as_str()),
            Cell::text(what),
            Cell::opt_text(get(b, |s| s.category.clone())),
            mark(Cell::opt_text(get(a, |s| s.category.clone())), "category"),
            Cell::opt_text(get(b, |s| s.next_type.clone())),
            mark(Cell::opt_text(get(a, |s| s.next_type.clone())), "next_type"),
            Cell::opt_date(b.and_then(|s| s.due)),
            mark(Cell::opt_date(a.and_then(|s| s.due)), "due"),
            status_cell(b.map(|s| s.status.as_str())),
            status_cell(a.map(|s| s.status.as_str())),
        ];
        push(&mut t, row, styles)?;
    }
    if changes.schedules.is_empty() {
        push(&mut t, none(), styles)?;
    }
    push(&mut t, Vec::new(), styles)?;
    debug_assert_eq!(written, row_count(changes));
    t.finish(wb)
}
