//! The input sheets, copied cell for cell, with the tool's notes appended.
//!
//! Every sheet of every input is copied with each original cell in its place (rows above the
//! header stay above it): dates as dates, numbers as numbers, text as text, booleans as booleans,
//! error values as their text. A date or count the reader parsed from text (CSV registers hold
//! only text) is written as the date or number it was read as, so the copy sorts and filters
//! properly and reads back the same. Columns headed `g8audit…` from an earlier run are dropped
//! and written afresh after the last used column:
//! - Users: the status, next type, due date and days left of each schedule of the User (joined
//!   `supplier: overdue; network: ok` when there are several; the earliest due date as a date),
//!   its finding codes and the input issues of the row;
//! - Assessments: the type the rules required of the row and the category (at the row's
//!   determination date T) that required it, its due date, days late, the row's finding codes and
//!   input issues;
//! - Premises: which determinations used the snapshot, the findings and input issues of the row.
//!
//! Everything shown comes from the audit ([`crate::rules::Audit::row_notes`],
//! [`crate::rules::Audit::snapshot_uses`], the schedules and findings): nothing is re-derived.

use std::collections::BTreeSet;

// Hash maps keyed by row numbers and cells, looked up once per input cell: FxHash, not SipHash.
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use chrono::{NaiveDate, NaiveTime};
use rust_xlsxwriter::{Workbook, XlsxError};

use crate::model::{CellRef, Located};
use crate::register::{Field, RawSheet, RawValue, Table};
use crate::rules::findings::{Finding, FindingCode};
use crate::rules::schedule::Schedule;

use super::Ctx;
use super::sheet::{Cell, Mode, Part, TableOut, Value};
use super::styles::{Styles, Tone, status_tone, urgency};

/// Excel's column limit.
const EXCEL_MAX_COLS: u32 = 16_384;
/// Most determinations listed on one Premises row.
const MAX_USES_SHOWN: usize = 6;

pub(super) fn write(
    wb: &mut Workbook,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    for (idx, parts) in &ctx.plan.inputs {
        let sheet = &ctx.input.outcome.sheets[*idx];
        write_sheet(wb, ctx, styles, sheet, parts)?;
    }
    Ok(())
}

/// True when `cell` is in `sheet`.
fn in_sheet(cell: &CellRef, sheet: &RawSheet) -> bool {
    cell.input == sheet.input && *cell.sheet == *sheet.name
}

/// The value a parsed cell was read as, when the reader turned text (or a serial number) into it.
#[derive(Debug, Clone, Copy)]
enum Typed {
    Date(NaiveDate),
    Count(u64),
}

/// The notes appended to one sheet: headings, and the cells of each annotated row.
struct Notes {
    headings: &'static [&'static str],
    rows: HashMap<u32, Vec<Cell>>,
}

fn write_sheet(
    wb: &mut Workbook,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
    sheet: &RawSheet,
    parts: &[Part],
) -> Result<(), XlsxError> {
    let old_notes: HashSet<u32> = sheet.annotation_columns().into_iter().collect();
    let used_cols = sheet
        .rows
        .iter()
        .filter_map(|row| {
            row.iter()
                .enumerate()
                .rev()
                .find(|(c, v)| !old_notes.contains(&(*c as u32)) && !v.is_blank())
                .map(|(c, _)| c as u32 + 1)
        })
        .max()
        .unwrap_or(0);
    let notes = sheet
        .header_row
        .and_then(|_| notes(ctx, sheet))
        .filter(|n| used_cols + n.headings.len() as u32 <= EXCEL_MAX_COLS);
    let typed = typed_cells(ctx, sheet);

    let mut t = TableOut::new(parts, sheet.header_row, Mode::Streamed);
    for (r, raw) in sheet.rows.iter().enumerate() {
        let r = r as u32;
        let is_header = Some(r) == sheet.header_row;
        let mut cells: Vec<(u16, Cell)> = Vec::with_capacity(raw.len() + 6);
        for (c, v) in raw.iter().enumerate() {
            let c = c as u32;
            if old_notes.contains(&c) {
                continue;
            }
            let mut cell = convert(v, typed.get(&(r, c)).copied());
            if is_header {
                cell = cell.with(|s| s.header = true);
            } else if cell.value == Value::Blank {
                continue;
            } else if sheet.header_row.is_some_and(|h| r < h) {
                // A title above the table runs over the cells beside it; it does not set widths.
                cell = cell.overflow();
            }
            cells.push((c as u16, cell));
        }
        if let Some(n) = &notes {
            let first = used_cols as u16;
            if is_header {
                for (k, h) in n.headings.iter().enumerate() {
                    let cell = Cell::text(*h).with(|s| s.annotation_header = true);
                    cells.push((first + k as u16, cell));
                }
            } else if let Some(extra) = n.rows.get(&r) {
                for (k, cell) in extra.iter().enumerate() {
                    if cell.value != Value::Blank {
                        cells.push((first + k as u16, cell.clone()));
                    }
                }
            }
        }
        t.push_sparse(wb, cells, styles)?;
    }
    t.finish(wb)
}

/// An input value as a cell.
fn convert(v: &RawValue, typed: Option<Typed>) -> Cell {
    match (v, typed) {
        (RawValue::Text(_) | RawValue::Number(_), Some(Typed::Date(d))) => Cell::date(d),
        (RawValue::Text(_), Some(Typed::Count(n))) => Cell::new(Value::Number(n as f64)),
        (RawValue::Empty, _) => Cell::blank(),
        (RawValue::Text(s), _) => Cell::text(s.clone()),
        (RawValue::Number(n), _) => Cell::new(Value::Number(*n)),
        (RawValue::Bool(b), _) => Cell::new(Value::Bool(*b)),
        (RawValue::Date(dt), _) if dt.time() == NaiveTime::MIN => Cell::date(dt.date()),
        (RawValue::Date(dt), _) => Cell::new(Value::DateTime(*dt)),
        (RawValue::Error(e), _) => Cell::text(e.clone()),
    }
}

/// The cells of `sheet` whose value the reader parsed into a date or a count.
fn typed_cells(ctx: &Ctx<'_>, sheet: &RawSheet) -> HashMap<(u32, u32), Typed> {
    let reg = &ctx.input.outcome.register;
    let mut out = HashMap::default();
    let mut date = |l: &Located<NaiveDate>| {
        if let (Some(d), Some(c)) = (l.value, &l.cell)
            && in_sheet(c, sheet)
        {
            out.insert((c.row, c.col), Typed::Date(d));
        }
    };
    match sheet.table {
        Some(Table::Users) => {
            for u in reg.users.iter().filter(|u| in_sheet(&u.cell, sheet)) {
                date(&u.left_on);
                date(&u.sms_notified_on);
            }
        }
        Some(Table::Assessments) => {
            for a in reg.assessments.iter().filter(|a| in_sheet(&a.cell, sheet)) {
                for l in [
                    &a.scheduled_for,
                    &a.completed_on,
                    &a.submitted_on,
                    &a.status_set_on,
                    &a.response_due_on,
                    &a.response_submitted_on,
                    &a.remedial_due_on,
                    &a.remedial_completed_on,
                    &a.follow_up_due_on,
                ] {
                    date(l);
                }
            }
        }
        Some(Table::Premises) => {
            let dom = sheet.column(Field::Domestic);
            let non = sheet.column(Field::NonDomestic);
            for s in reg.premises.iter().filter(|s| in_sheet(&s.cell, sheet)) {
                out.insert((s.cell.row, s.cell.col), Typed::Date(s.as_of));
                if let Some(c) = dom {
                    out.insert((s.cell.row, c), Typed::Count(s.domestic));
                }
                // A blank non-domestic count reads as 0 and stays blank.
                if let Some(c) = non
                    && !sheet.value(s.cell.row, c).is_blank()
                {
                    out.insert((s.cell.row, c), Typed::Count(s.non_domestic));
                }
            }
        }
        None => {}
    }
    out
}

fn notes(ctx: &Ctx<'_>, sheet: &RawSheet) -> Option<Notes> {
    match sheet.table? {
        Table::Users => Some(users(ctx, sheet)),
        Table::Assessments => Some(assessments(ctx, sheet)),
        Table::Premises => Some(premises(ctx, sheet)),
    }
}

/// Finding codes, most severe first, each once.
fn codes_text<'f>(findings: impl IntoIterator<Item = &'f FindingCode>) -> Option<String> {
    let set: BTreeSet<(std::cmp::Reverse<crate::rules::findings::Severity>, &str)> = findings
        .into_iter()
        .map(|c| (std::cmp::Reverse(c.severity()), c.as_str()))
        .collect();
    (!set.is_empty()).then(|| {
        set.into_iter()
            .map(|(_, c)| c)
            .collect::<Vec<_>>()
            .join(", ")
    })
}

fn worst_tone<'f>(findings: impl IntoIterator<Item = &'f FindingCode>) -> Tone {
    findings
        .into_iter()
        .map(|c| c.severity())
        .max()
        .map_or(Tone::None, super::styles::severity_tone)
}

/// The input issue codes of each row of `sheet`.
fn issues_by_row(ctx: &Ctx<'_>, sheet: &RawSheet) -> HashMap<u32, Vec<&'static str>> {
    let mut out: HashMap<u32, Vec<&'static str>> = HashMap::default();
    for i in &ctx.input.outcome.issues {
        if in_sheet(&i.cell, sheet) {
            let v = out.entry(i.cell.row).or_default();
            if !v.contains(&i.code.as_str()) {
                v.push(i.code.as_str());
            }
        }
    }
    out
}

/// The findings whose source cell is in each row of `sheet`.
fn findings_by_row<'a>(ctx: &'a Ctx<'_>, sheet: &RawSheet) -> HashMap<u32, Vec<&'a Finding>> {
    let mut out: HashMap<u32, Vec<&Finding>> = HashMap::default();
    for f in &ctx.audit().findings {
        if let Some(c) = &f.source
            && in_sheet(c, sheet)
        {
            out.entry(c.row).or_default().push(f);
        }
    }
    out
}

fn issues_cell(issues: &HashMap<u32, Vec<&'static str>>, row: u32) -> Cell {
    match issues.get(&row) {
        Some(codes) => Cell::text(codes.join(", ")).tone(Tone::Amber),
        None => Cell::blank(),
    }
}

/// `supplier: x; network: y`, or just `x` when every schedule says the same.
fn per_regime(items: &[(Option<&str>, String)]) -> Option<String> {
    let first = items.first()?;
    if items.iter().all(|(_, v)| *v == first.1) {
        return Some(first.1.clone());
    }
    Some(
        items
            .iter()
            .map(|(r, v)| match r {
                Some(r) => format!("{r}: {v}"),
                None => v.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn users(ctx: &Ctx<'_>, sheet: &RawSheet) -> Notes {
    let audit = ctx.audit();
    let mut schedules: HashMap<u32, Vec<&Schedule>> = HashMap::default();
    for s in audit
        .schedules
        .iter()
        .filter(|s| in_sheet(&s.user_cell, sheet))
    {
        schedules.entry(s.user_cell.row).or_default().push(s);
    }
    let mut codes_by_user: HashMap<&str, Vec<FindingCode>> = HashMap::default();
    for f in &audit.findings {
        codes_by_user
            .entry(f.user_id.as_str())
            .or_default()
            .push(f.code);
    }
    let issues = issues_by_row(ctx, sheet);
    let mut rows = HashMap::default();
    let users_here = ctx
        .input
        .outcome
        .register
        .users
        .iter()
        .filter(|u| in_sheet(&u.cell, sheet));
    for u in users_here {
        let r = u.cell.row;
        let mut cells = match schedules.get(&r) {
            Some(list) => {
                let label = |s: &Schedule| s.regime.map(|x| x.as_str());
                let status: Vec<_> = list
                    .iter()
                    .map(|s| (label(s), s.status.as_str().to_string()))
                    .collect();
                let next: Vec<_> = list
                    .iter()
                    .filter_map(|s| s.next_type.map(|t| (label(s), t.name().to_string())))
                    .collect();
                let worst = list.iter().map(|s| s.status).min_by_key(|s| urgency(*s));
                let earliest = list
                    .iter()
                    .filter(|s| s.due.is_some())
                    .min_by_key(|s| s.due);
                let codes = codes_by_user.get(u.user_id.as_str());
                vec![
                    Cell::opt_text(per_regime(&status)).tone(worst.map_or(Tone::None, status_tone)),
                    Cell::opt_text(per_regime(&next)),
                    Cell::opt_date(earliest.and_then(|s| s.due)),
                    Cell::opt_int(earliest.and_then(|s| s.days_left)),
                    Cell::opt_text(codes.and_then(|c| codes_text(c.iter())))
                        .tone(codes.map_or(Tone::None, |c| worst_tone(c.iter()))),
                ]
            }
            None => vec![
                Cell::text("not audited: not yet a User at the audit date (SPEC §2.9)")
                    .tone(Tone::Grey),
                Cell::blank(),
                Cell::blank(),
                Cell::blank(),
                Cell::blank(),
            ],
        };
        cells.push(issues_cell(&issues, r));
        rows.insert(r, cells);
    }
    // Rows that are not Users (duplicates, unreadable rows) still show their input issues.
    for (r, _) in issues.iter() {
        rows.entry(*r).or_insert_with(|| {
            let mut v = vec![Cell::blank(); 5];
            v.push(issues_cell(&issues, *r));
            v
        });
    }
    Notes {
        headings: &[
            "g8audit: status",
            "g8audit: next type",
            "g8audit: due",
            "g8audit: days left",
            "g8audit: findings",
            "g8audit: input issues",
        ],
        rows,
    }
}

fn assessments(ctx: &Ctx<'_>, sheet: &RawSheet) -> Notes {
    let audit = ctx.audit();
    let reg = &ctx.input.outcome.register;
    let mut row_of: HashMap<usize, u32> = HashMap::default();
    for a in reg.assessments.iter().filter(|a| in_sheet(&a.cell, sheet)) {
        row_of.insert(a.index, a.cell.row);
    }
    // Per row: (regime, required, due, days late, category at T) of each note, and the codes.
    type Note<'n> = (
        Option<&'n str>,
        Option<&'n str>,
        Option<NaiveDate>,
        Option<i64>,
        String,
    );
    let mut notes: HashMap<u32, Vec<Note<'_>>> = HashMap::default();
    let mut codes: HashMap<u32, Vec<FindingCode>> = HashMap::default();
    for n in &audit.row_notes {
        if let Some(r) = row_of.get(&n.assessment) {
            notes.entry(*r).or_default().push((
                Some(n.regime.as_str()),
                n.required.map(|t| t.name()),
                n.due,
                n.days_late,
                match n.category {
                    Some(c) => format!("{c} at {}", n.t),
                    None => format!("undetermined at {} (counts missing)", n.t),
                },
            ));
            codes.entry(*r).or_default().extend(n.codes.iter().copied());
        }
    }
    for f in &audit.findings {
        if let Some(r) = f.assessment.and_then(|i| row_of.get(&i)) {
            codes.entry(*r).or_default().push(f.code);
        }
    }
    for (r, list) in findings_by_row(ctx, sheet) {
        codes
            .entry(r)
            .or_default()
            .extend(list.iter().map(|f| f.code));
    }
    let issues = issues_by_row(ctx, sheet);
    let rows_touched: BTreeSet<u32> = notes
        .keys()
        .chain(codes.keys())
        .chain(issues.keys())
        .copied()
        .collect();
    let mut rows = HashMap::default();
    for r in rows_touched {
        let list = notes.get(&r).map(Vec::as_slice).unwrap_or(&[]);
        let required: Vec<_> = list
            .iter()
            .map(|(regime, req, ..)| (*regime, req.unwrap_or("(undetermined)").to_string()))
            .collect();
        let category: Vec<_> = list.iter().map(|n| (n.0, n.4.clone())).collect();
        let due = list.iter().filter_map(|n| n.2).min();
        let late = list.iter().filter_map(|n| n.3).max();
        let row_codes = codes.get(&r);
        rows.insert(
            r,
            vec![
                Cell::opt_text(per_regime(&required)),
                Cell::opt_text(per_regime(&category)),
                Cell::opt_date(due),
                Cell::opt_int(late).tone(if late.is_some() {
                    Tone::Red
                } else {
                    Tone::None
                }),
                Cell::opt_text(row_codes.and_then(|c| codes_text(c.iter())))
                    .tone(row_codes.map_or(Tone::None, |c| worst_tone(c.iter()))),
                issues_cell(&issues, r),
            ],
        );
    }
    Notes {
        headings: &[
            "g8audit: required type",
            "g8audit: category at T",
            "g8audit: due",
            "g8audit: days late",
            "g8audit: findings",
            "g8audit: input issues",
        ],
        rows,
    }
}

fn premises(ctx: &Ctx<'_>, sheet: &RawSheet) -> Notes {
    let audit = ctx.audit();
    let mut uses: HashMap<u32, Vec<String>> = HashMap::default();
    for u in audit
        .snapshot_uses
        .iter()
        .filter(|u| in_sheet(&u.cell, sheet))
    {
        let text = format!("{} {} {} at {}", u.user_id, u.regime, u.purpose, u.t);
        let v = uses.entry(u.cell.row).or_default();
        if !v.contains(&text) {
            v.push(text);
        }
    }
    let codes: HashMap<u32, Vec<FindingCode>> = findings_by_row(ctx, sheet)
        .into_iter()
        .map(|(r, l)| (r, l.iter().map(|f| f.code).collect()))
        .collect();
    let issues = issues_by_row(ctx, sheet);
    let rows_touched: BTreeSet<u32> = uses
        .keys()
        .chain(codes.keys())
        .chain(issues.keys())
        .copied()
        .collect();
    let mut rows = HashMap::default();
    for r in rows_touched {
        let used = uses.get(&r).map(|list| {
            let mut shown: Vec<String> = list.iter().take(MAX_USES_SHOWN).cloned().collect();
            if list.len() > MAX_USES_SHOWN {
                shown.push(format!("… and {} more", list.len() - MAX_USES_SHOWN));
            }
            shown.join("; ")
        });
        let row_codes = codes.get(&r);
        rows.insert(
            r,
            vec![
                Cell::opt_text(used),
                Cell::opt_text(row_codes.and_then(|c| codes_text(c.iter())))
                    .tone(row_codes.map_or(Tone::None, |c| worst_tone(c.iter()))),
                issues_cell(&issues, r),
            ],
        );
    }
    Notes {
        headings: &[
            "g8audit: used by (User, regime, determination at date T)",
            "g8audit: findings",
            "g8audit: input issues",
        ],
        rows,
    }
}
