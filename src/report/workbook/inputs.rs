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

use chrono::{NaiveDate, NaiveTime};
use rust_xlsxwriter::XlsxError;

use crate::model::{CellRef, Located};
use crate::register::{Field, RawSheet, RawValue, Table};
use crate::rules::findings::{Finding, FindingCode};
use crate::rules::per_user::PerUser;
use crate::rules::schedule::Schedule;

use super::Ctx;
use super::sheet::{Book, Cell, Mode, Part, TableOut, Val};
use super::styles::{Kind, Style, Styles, Tone, status_tone, urgency};

/// Excel's column limit.
const EXCEL_MAX_COLS: u32 = 16_384;
/// Most determinations listed on one Premises row.
const MAX_USES_SHOWN: usize = 6;
/// No record on this row.
const NONE: u32 = u32::MAX;

/// Every format an input sheet can use, for [`Styles::register`]: the copied cells are plain or
/// headings (or titles, which overflow: the same format), the appended notes are text, dates and
/// numbers in any tone, under their own headings.
pub(super) fn formats() -> Vec<(Kind, Style)> {
    let kinds = [
        Kind::Text,
        Kind::Number,
        Kind::Count,
        Kind::Date,
        Kind::DateTime,
        Kind::Bool,
    ];
    let header = Style {
        header: true,
        ..Style::default()
    };
    let annotation_header = Style {
        annotation_header: true,
        ..Style::default()
    };
    let tones = [Tone::Red, Tone::Amber, Tone::Blue, Tone::Green, Tone::Grey];
    let mut out: Vec<(Kind, Style)> = kinds.iter().map(|&k| (k, header)).collect();
    out.push((Kind::Text, annotation_header));
    for kind in [Kind::Text, Kind::Number, Kind::Date] {
        for tone in tones {
            out.push((
                kind,
                Style {
                    tone,
                    ..Style::default()
                },
            ));
        }
    }
    out
}

/// Copies input sheet `sheet` with its notes into `book`, over the sheets of `parts`. Runs on a
/// worker thread: it reads the audit and the register, and writes only its own worksheets.
pub(super) fn write_sheet(
    book: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
    sheet: &RawSheet,
    parts: &[Part],
) -> Result<(), XlsxError> {
    let old_notes: Vec<u32> = sheet.annotation_columns();
    let is_old_note = |c: u32| !old_notes.is_empty() && old_notes.contains(&c);
    let used_cols = sheet
        .rows()
        .filter_map(|row| {
            row.iter()
                .enumerate()
                .rev()
                .find(|(c, v)| !is_old_note(*c as u32) && !v.is_blank())
                .map(|(c, _)| c as u32 + 1)
        })
        .max()
        .unwrap_or(0);
    let notes = sheet
        .header_row
        .and_then(|_| Notes::new(ctx, sheet))
        .filter(|n| used_cols + n.headings().len() as u32 <= EXCEL_MAX_COLS);
    let records = Records::new(ctx, sheet);
    let mut typed: Vec<(u32, Typed)> = Vec::new();

    // The date columns of a table take the date format as their column format.
    let date_cols = match sheet.table {
        Some(_) => sheet
            .columns
            .iter()
            .filter(|(f, c)| f.is_date() && !is_old_note(*c))
            .filter_map(|(_, c)| u16::try_from(*c).ok())
            .collect(),
        None => Vec::new(),
    };
    let mut t = TableOut::new(parts, sheet.header_row, Mode::Streamed).with_date_columns(date_cols);
    for (r, raw) in sheet.rows().enumerate() {
        let r = r as u32;
        let is_header = Some(r) == sheet.header_row;
        let above_header = sheet.header_row.is_some_and(|h| r < h);
        records.typed(ctx, sheet, r, &mut typed);
        let extra: Vec<Cell> = match &notes {
            Some(n) if !is_header => n.row(ctx, r).unwrap_or_default(),
            _ => Vec::new(),
        };
        let mut cells: Vec<(u16, Val<'_>, Style)> = Vec::with_capacity(raw.len() + 6);
        for (c, v) in raw.iter().enumerate() {
            let c = c as u32;
            if is_old_note(c) {
                continue;
            }
            let found = typed.iter().find(|(col, _)| *col == c).map(|(_, v)| *v);
            let value = convert(v, found);
            let mut style = Style::default();
            if is_header {
                style.header = true;
            } else if value == Val::Blank {
                continue;
            } else if above_header {
                // A title above the table runs over the cells beside it; it does not set widths.
                style.overflow = true;
            }
            cells.push((c as u16, value, style));
        }
        if let Some(n) = &notes {
            let first = used_cols as u16;
            if is_header {
                let heading = Style {
                    annotation_header: true,
                    ..Style::default()
                };
                for (k, h) in n.headings().iter().enumerate() {
                    cells.push((first + k as u16, Val::Text(h), heading));
                }
            } else {
                for (k, cell) in extra.iter().enumerate() {
                    if cell.value.as_val() != Val::Blank {
                        cells.push((first + k as u16, cell.value.as_val(), cell.style));
                    }
                }
            }
        }
        t.push_vals(book, &cells, styles)?;
    }
    t.finish(book)
}

/// True when `cell` is in `sheet`.
fn in_sheet(cell: &CellRef, sheet: &RawSheet) -> bool {
    cell.input as usize == sheet.input && *cell.sheet == *sheet.name
}

/// The value a parsed cell was read as, when the reader turned text (or a serial number) into it.
#[derive(Debug, Clone, Copy)]
enum Typed {
    Date(NaiveDate),
    Count(u64),
}

/// An input value as a cell value, borrowed.
fn convert(v: RawValue<'_>, typed: Option<Typed>) -> Val<'_> {
    match (v, typed) {
        (RawValue::Text(_) | RawValue::Number(_), Some(Typed::Date(d))) => Val::Date(d),
        (RawValue::Text(_), Some(Typed::Count(n))) => Val::Number(n as f64),
        (RawValue::Empty, _) => Val::Blank,
        (RawValue::Text(s), _) => Val::Text(s),
        (RawValue::Number(n), _) => Val::Number(n),
        (RawValue::Bool(b), _) => Val::Bool(b),
        (RawValue::Date(dt), _) if dt.time() == NaiveTime::MIN => Val::Date(dt.date()),
        (RawValue::Date(dt), _) => Val::DateTime(dt),
        (RawValue::Error(e), _) => Val::Text(e),
    }
}

/// Items grouped by the row of the sheet they belong to, each group in the items' own order: an
/// offset per row into one list, rather than a map of vectors (a large sheet has a million rows).
struct ByRow {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl ByRow {
    /// Groups `(row, item)` pairs by row; rows at or past `rows` are dropped.
    fn new(rows: usize, pairs: impl IntoIterator<Item = (u32, usize)>) -> ByRow {
        let pairs: Vec<(u32, u32)> = pairs
            .into_iter()
            .filter(|(r, _)| (*r as usize) < rows)
            .filter_map(|(r, i)| Some((r, u32::try_from(i).ok()?)))
            .collect();
        let mut starts = vec![0u32; rows + 1];
        for (r, _) in &pairs {
            starts[*r as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; pairs.len()];
        for (r, i) in pairs {
            let slot = &mut next[r as usize];
            items[*slot as usize] = i;
            *slot += 1;
        }
        ByRow { starts, items }
    }

    /// The items of row `r`, in order.
    fn get(&self, r: u32) -> impl Iterator<Item = usize> + '_ {
        let r = r as usize;
        let (a, b) = match (self.starts.get(r), self.starts.get(r + 1)) {
            (Some(a), Some(b)) => (*a as usize, *b as usize),
            _ => (0, 0),
        };
        self.items[a..b].iter().map(|i| *i as usize)
    }

    fn is_empty(&self, r: u32) -> bool {
        self.get(r).next().is_none()
    }
}

/// The record read from each row of a table sheet, to copy the values the reader parsed.
struct Records {
    table: Option<Table>,
    /// Row → index into the register's users, premises or assessments ([`NONE`] for none).
    at_row: Vec<u32>,
}

impl Records {
    fn new(ctx: &Ctx<'_>, sheet: &RawSheet) -> Records {
        let reg = &ctx.input.outcome.register;
        let mut at_row = vec![NONE; sheet.row_count()];
        let mut put = |cell: &CellRef, i: usize| {
            if in_sheet(cell, sheet)
                && let (Some(slot), Ok(i)) = (at_row.get_mut(cell.row as usize), u32::try_from(i))
            {
                *slot = i;
            }
        };
        match sheet.table {
            Some(Table::Users) => reg
                .users
                .iter()
                .enumerate()
                .for_each(|(i, u)| put(&u.cell, i)),
            Some(Table::Premises) => {
                reg.premises
                    .iter()
                    .enumerate()
                    .for_each(|(i, s)| put(&s.cell, i));
            }
            Some(Table::Assessments) => {
                reg.assessments
                    .iter()
                    .enumerate()
                    .for_each(|(i, a)| put(&a.cell, i));
            }
            None => {}
        }
        Records {
            table: sheet.table,
            at_row,
        }
    }

    /// The record at row `r`, if any.
    fn at(&self, r: u32) -> Option<usize> {
        self.at_row
            .get(r as usize)
            .filter(|i| **i != NONE)
            .map(|i| *i as usize)
    }

    /// The cells of row `r` whose value the reader parsed into a date or a count, into `out`.
    fn typed(&self, ctx: &Ctx<'_>, sheet: &RawSheet, r: u32, out: &mut Vec<(u32, Typed)>) {
        out.clear();
        let Some(i) = self.at(r) else { return };
        let reg = &ctx.input.outcome.register;
        // A date of the record whose row is `row`.
        let mut date = |l: &Located<NaiveDate>, row: &CellRef| {
            if let (Some(d), Some(col)) = (l.value, l.col())
                && row.row == r
                && in_sheet(row, sheet)
            {
                out.push((col, Typed::Date(d)));
            }
        };
        match self.table {
            Some(Table::Users) => {
                let u = &reg.users[i];
                date(&u.left_on, &u.cell);
                date(&u.sms_notified_on, &u.cell);
            }
            Some(Table::Assessments) => {
                let a = &reg.assessments[i];
                for l in [
                    &a.scheduled_for(),
                    &a.completed_on(),
                    &a.submitted_on(),
                    &a.status_set_on(),
                    &a.response_due_on(),
                    &a.response_submitted_on(),
                    &a.remedial_due_on(),
                    &a.remedial_completed_on(),
                    &a.follow_up_due_on(),
                ] {
                    date(l, &a.cell);
                }
            }
            Some(Table::Premises) => {
                let s = &reg.premises[i];
                out.push((s.cell.col, Typed::Date(s.as_of)));
                if let Some(c) = sheet.column(Field::Domestic) {
                    out.push((c, Typed::Count(s.domestic)));
                }
                // A blank non-domestic count reads as 0 and stays blank.
                if let Some(c) = sheet.column(Field::NonDomestic)
                    && !sheet.value(r, c).is_blank()
                {
                    out.push((c, Typed::Count(s.non_domestic)));
                }
            }
            None => {}
        }
    }
}

/// The notes appended to one table sheet, worked out row by row as the sheet is written.
enum Notes {
    Users(UserNotes),
    Assessments(AssessmentNotes),
    Premises(PremiseNotes),
}

impl Notes {
    fn new(ctx: &Ctx<'_>, sheet: &RawSheet) -> Option<Notes> {
        Some(match sheet.table? {
            Table::Users => Notes::Users(UserNotes::new(ctx, sheet)),
            Table::Assessments => Notes::Assessments(AssessmentNotes::new(ctx, sheet)),
            Table::Premises => Notes::Premises(PremiseNotes::new(ctx, sheet)),
        })
    }

    fn headings(&self) -> &'static [&'static str] {
        match self {
            Notes::Users(_) => &[
                "g8audit: status",
                "g8audit: next type",
                "g8audit: due",
                "g8audit: days left",
                "g8audit: findings",
                "g8audit: input issues",
            ],
            Notes::Assessments(_) => &[
                "g8audit: required type",
                "g8audit: category at T",
                "g8audit: due",
                "g8audit: days late",
                "g8audit: findings",
                "g8audit: input issues",
            ],
            Notes::Premises(_) => &[
                "g8audit: used by (User, regime, determination at date T)",
                "g8audit: findings",
                "g8audit: input issues",
            ],
        }
    }

    /// The cells appended to row `r`, or `None` when the row has no note.
    fn row(&self, ctx: &Ctx<'_>, r: u32) -> Option<Vec<Cell>> {
        match self {
            Notes::Users(n) => n.row(ctx, r),
            Notes::Assessments(n) => n.row(ctx, r),
            Notes::Premises(n) => n.row(ctx, r),
        }
    }
}

/// Finding codes, most severe first, each once.
fn codes_text(findings: impl IntoIterator<Item = FindingCode>) -> Option<String> {
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

fn worst_tone(findings: impl IntoIterator<Item = FindingCode>) -> Tone {
    findings
        .into_iter()
        .map(|c| c.severity())
        .max()
        .map_or(Tone::None, super::styles::severity_tone)
}

/// The findings cell: codes, coloured by the worst.
fn codes_cell(codes: &[FindingCode]) -> Cell {
    Cell::opt_text(codes_text(codes.iter().copied())).tone(worst_tone(codes.iter().copied()))
}

/// The input issues of `sheet`, by row.
fn issues_by_row(ctx: &Ctx<'_>, sheet: &RawSheet) -> ByRow {
    let issues = &ctx.input.outcome.issues;
    let pairs = issues
        .iter()
        .enumerate()
        .filter(|(_, i)| in_sheet(&i.cell, sheet))
        .map(|(k, i)| (i.cell.row, k));
    ByRow::new(sheet.row_count(), pairs)
}

/// The findings whose source cell is in `sheet`, by row.
fn findings_by_row(ctx: &Ctx<'_>, sheet: &RawSheet) -> ByRow {
    let pairs = ctx
        .audit()
        .findings
        .iter()
        .enumerate()
        .filter_map(|(k, f)| {
            let c = f.source.as_ref()?;
            in_sheet(c, sheet).then_some((c.row, k))
        });
    ByRow::new(sheet.row_count(), pairs)
}

/// The issues cell of row `r`: its codes, each once.
fn issues_cell(ctx: &Ctx<'_>, issues: &ByRow, r: u32) -> Cell {
    let mut codes: Vec<&'static str> = Vec::new();
    for k in issues.get(r) {
        let code = ctx.input.outcome.issues[k].code.as_str();
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    if codes.is_empty() {
        Cell::blank()
    } else {
        Cell::text(codes.join(", ")).tone(Tone::Amber)
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

struct UserNotes {
    records: Records,
    schedules: ByRow,
    issues: ByRow,
}

impl UserNotes {
    fn new(ctx: &Ctx<'_>, sheet: &RawSheet) -> UserNotes {
        let schedules = ctx
            .audit()
            .schedules
            .iter()
            .enumerate()
            .filter(|(_, s)| in_sheet(&s.user_cell, sheet))
            .map(|(k, s)| (s.user_cell.row, k));
        UserNotes {
            records: Records::new(ctx, sheet),
            schedules: ByRow::new(sheet.row_count(), schedules),
            issues: issues_by_row(ctx, sheet),
        }
    }

    fn row(&self, ctx: &Ctx<'_>, r: u32) -> Option<Vec<Cell>> {
        let audit = ctx.audit();
        let Some(u) = self
            .records
            .at(r)
            .map(|i| &ctx.input.outcome.register.users[i])
        else {
            // Rows that are not Users (duplicates, unreadable rows) still show their input issues.
            if self.issues.is_empty(r) {
                return None;
            }
            let mut v = vec![Cell::blank(); 5];
            v.push(issues_cell(ctx, &self.issues, r));
            return Some(v);
        };
        let list: Vec<&Schedule> = self.schedules.get(r).map(|k| &audit.schedules[k]).collect();
        let mut cells = if list.is_empty() {
            vec![
                Cell::text("not audited: not yet a User at the audit date (SPEC §2.9)")
                    .tone(Tone::Grey),
                Cell::blank(),
                Cell::blank(),
                Cell::blank(),
                Cell::blank(),
            ]
        } else {
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
            let codes: Vec<FindingCode> = user_findings(&audit.findings, &u.user_id)
                .iter()
                .map(|f| f.code)
                .collect();
            vec![
                Cell::opt_text(per_regime(&status)).tone(worst.map_or(Tone::None, status_tone)),
                Cell::opt_text(per_regime(&next)),
                Cell::opt_date(earliest.and_then(|s| s.due)),
                Cell::opt_int(earliest.and_then(|s| s.days_left)),
                codes_cell(&codes),
            ]
        };
        cells.push(issues_cell(ctx, &self.issues, r));
        Some(cells)
    }
}

/// The findings of one User: they are kept per User (Users sharing an id together), sorted by
/// user_id.
fn user_findings<'f>(findings: &'f PerUser<Finding>, user_id: &str) -> &'f [Finding] {
    let lists = findings.lists();
    fn first_id(list: &[Finding]) -> &str {
        list.first().map_or("", |f| &*f.user_id)
    }
    let at = lists.partition_point(|l| first_id(l) < user_id);
    match lists.get(at) {
        Some(list) if first_id(list) == user_id => list,
        _ => &[],
    }
}

struct AssessmentNotes {
    /// The row notes of each row (through the assessment on it).
    notes: ByRow,
    /// The findings about the assessment on each row.
    about: ByRow,
    /// The findings whose source cell is on each row.
    sourced: ByRow,
    issues: ByRow,
}

impl AssessmentNotes {
    fn new(ctx: &Ctx<'_>, sheet: &RawSheet) -> AssessmentNotes {
        let audit = ctx.audit();
        let reg = &ctx.input.outcome.register;
        // By `Assessment::index`, the key the rules use (rows whose type was unreadable have an
        // index but no record, so the indices may run past the records).
        let ends = reg.assessments.iter().map(|a| a.index() + 1).max();
        let mut row_of = vec![NONE; ends.unwrap_or(0)];
        for a in reg.assessments.iter().filter(|a| in_sheet(&a.cell, sheet)) {
            row_of[a.index()] = a.cell.row;
        }
        let row = |index: usize| row_of.get(index).copied().filter(|r| *r != NONE);
        let rows = sheet.row_count();
        let notes = audit
            .row_notes
            .iter()
            .enumerate()
            .filter_map(|(k, n)| Some((row(n.assessment)?, k)));
        let about = audit
            .findings
            .iter()
            .enumerate()
            .filter_map(|(k, f)| Some((row(f.assessment?)?, k)));
        AssessmentNotes {
            notes: ByRow::new(rows, notes),
            about: ByRow::new(rows, about),
            sourced: findings_by_row(ctx, sheet),
            issues: issues_by_row(ctx, sheet),
        }
    }

    fn row(&self, ctx: &Ctx<'_>, r: u32) -> Option<Vec<Cell>> {
        let audit = ctx.audit();
        if self.notes.is_empty(r)
            && self.about.is_empty(r)
            && self.sourced.is_empty(r)
            && self.issues.is_empty(r)
        {
            return None;
        }
        let list: Vec<_> = self.notes.get(r).map(|k| &audit.row_notes[k]).collect();
        let required: Vec<_> = list
            .iter()
            .map(|n| {
                let req = n.required.map_or("(undetermined)", |t| t.name());
                (Some(n.regime.as_str()), req.to_string())
            })
            .collect();
        let category: Vec<_> = list
            .iter()
            .map(|n| {
                let text = match n.category {
                    Some(c) => format!("{c} at {}", n.t),
                    None => format!("undetermined at {} (counts missing)", n.t),
                };
                (Some(n.regime.as_str()), text)
            })
            .collect();
        let due = list.iter().filter_map(|n| n.due).min();
        let late = list.iter().filter_map(|n| n.days_late).max().map(i64::from);
        let codes: Vec<FindingCode> = list
            .iter()
            .flat_map(|n| n.codes.iter().copied())
            .chain(self.about.get(r).map(|k| audit.findings[k].code))
            .chain(self.sourced.get(r).map(|k| audit.findings[k].code))
            .collect();
        Some(vec![
            Cell::opt_text(per_regime(&required)),
            Cell::opt_text(per_regime(&category)),
            Cell::opt_date(due),
            Cell::opt_int(late).tone(if late.is_some() {
                Tone::Red
            } else {
                Tone::None
            }),
            codes_cell(&codes),
            issues_cell(ctx, &self.issues, r),
        ])
    }
}

struct PremiseNotes {
    uses: ByRow,
    findings: ByRow,
    issues: ByRow,
}

impl PremiseNotes {
    fn new(ctx: &Ctx<'_>, sheet: &RawSheet) -> PremiseNotes {
        let uses = ctx
            .audit()
            .snapshot_uses
            .iter()
            .enumerate()
            .filter(|(_, u)| in_sheet(&u.cell, sheet))
            .map(|(k, u)| (u.cell.row, k));
        PremiseNotes {
            uses: ByRow::new(sheet.row_count(), uses),
            findings: findings_by_row(ctx, sheet),
            issues: issues_by_row(ctx, sheet),
        }
    }

    fn row(&self, ctx: &Ctx<'_>, r: u32) -> Option<Vec<Cell>> {
        let audit = ctx.audit();
        if self.uses.is_empty(r) && self.findings.is_empty(r) && self.issues.is_empty(r) {
            return None;
        }
        let mut uses: Vec<String> = Vec::new();
        for k in self.uses.get(r) {
            let u = &audit.snapshot_uses[k];
            let text = format!("{} {} {} at {}", u.user_id, u.regime, u.purpose, u.t);
            if !uses.contains(&text) {
                uses.push(text);
            }
        }
        let used = (!uses.is_empty()).then(|| {
            let more = uses.len().saturating_sub(MAX_USES_SHOWN);
            uses.truncate(MAX_USES_SHOWN);
            if more > 0 {
                uses.push(format!("… and {more} more"));
            }
            uses.join("; ")
        });
        let codes: Vec<FindingCode> = self
            .findings
            .get(r)
            .map(|k| audit.findings[k].code)
            .collect();
        Some(vec![
            Cell::opt_text(used),
            codes_cell(&codes),
            issues_cell(ctx, &self.issues, r),
        ])
    }
}
