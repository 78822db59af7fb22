//! After a User Security Assessment Report: the Response (G8.24), the remedial steps (G8.28(a))
//! and the Follow-up Security Assessment (G8.29), row by row. SPEC §4.1: a late item is reported
//! once — `*_OVERDUE` while open, `*_LATE` once done.

use chrono::NaiveDate;

use crate::model::{AssessmentType, CellRef, Located};
use crate::rules::dates::days_between;
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;
use crate::rules::sink::{Found, Sink};
use crate::rules::view::Row;

/// A deadline and when it was met, judged at A.
fn judge(
    due: NaiveDate,
    done: Option<NaiveDate>,
    as_of: NaiveDate,
) -> Option<(bool /* still open */, i64)> {
    match done {
        Some(d) if d > due => Some((false, days_between(due, d))),
        Some(_) => None,
        None if as_of > due => Some((true, days_between(due, as_of))),
        None => None,
    }
}

fn cell_of<T>(primary: &Located<T>, fallback: &Located<T>, row: &CellRef) -> Option<CellRef> {
    primary
        .cell_in(row)
        .filter(|_| primary.value.is_some())
        .or_else(|| fallback.cell_in(row))
        .or_else(|| Some(row.clone()))
}

/// One deadline set by the SSC on a row, and how to word its findings.
struct Deadline<'r> {
    due: &'r Located<NaiveDate>,
    done: Option<NaiveDate>,
    done_cell: &'r Located<NaiveDate>,
    codes: (FindingCode, FindingCode),
    /// What was due, for the message: the words before and after the row (`Full row
    /// Assessments!B7`), as in `User Security Assessment Response for the … was due`. Written
    /// out only for a finding: most rows meet their deadlines.
    what: (&'static str, &'static str),
    /// The verbs when open and when done late: ("has not been submitted", "submitted").
    verbs: (&'static str, &'static str),
}

fn judge_deadline(
    d: Deadline<'_>,
    row: &Row<'_>,
    regime: Regime,
    as_of: NaiveDate,
    sink: &mut Sink,
) {
    let a = row.source;
    let Some(due) = d.due.get() else {
        return;
    };
    let Some((open, days)) = judge(due, d.done, as_of) else {
        return;
    };
    let what = format!("{}{} row {}{}", d.what.0, a.kind, a.cell, d.what.1);
    let (code, message) = if open {
        (
            d.codes.0,
            format!("{what} {due} and {} ({days} days late)", d.verbs.0),
        )
    } else {
        let done = d.done.map(|x| x.to_string()).unwrap_or_default();
        (
            d.codes.1,
            format!("{what} {due} and {} {done} ({days} days late)", d.verbs.1),
        )
    };
    sink.push(
        Found::new(code, Some(regime), message)
            .due(Some(due), Some(days))
            .at(cell_of(d.done_cell, d.due, &a.cell), Some(a.index())),
    );
}

/// G8.24 (the User Security Assessment Response) and G8.28(a) (the remedial steps) on one row.
pub fn response_and_remedial(row: &Row<'_>, regime: Regime, as_of: NaiveDate, sink: &mut Sink) {
    let a = row.source;
    judge_deadline(
        Deadline {
            due: &a.response_due_on(),
            done: row.response_submitted_on,
            done_cell: &a.response_submitted_on(),
            codes: (FindingCode::ResponseOverdue, FindingCode::ResponseLate),
            what: ("User Security Assessment Response for the ", " was due"),
            verbs: ("has not been submitted", "submitted"),
        },
        row,
        regime,
        as_of,
        sink,
    );
    judge_deadline(
        Deadline {
            due: &a.remedial_due_on(),
            done: row.remedial_completed_on,
            done_cell: &a.remedial_completed_on(),
            codes: (FindingCode::RemedialOverdue, FindingCode::RemedialLate),
            what: ("remedial steps after the ", " were due by"),
            verbs: ("are not completed", "completed"),
        },
        row,
        regime,
        as_of,
        sink,
    );
}

/// G8.29 (and G8.36(b)(ii)): `follow_up_due_on` is met, on a Follow-up row, by its own
/// completion; on any other row, by the earliest Follow-up of the schedule completed on or after
/// that row's completion (SPEC §6.22). `rows` are the schedule's rows.
pub fn follow_up(
    row: &Row<'_>,
    rows: &[&Row<'_>],
    regime: Regime,
    as_of: NaiveDate,
    sink: &mut Sink,
) {
    let a = row.source;
    let Some(due) = a.follow_up_due_on().get() else {
        return;
    };
    let (done, by) = if row.kind == AssessmentType::FollowUp {
        (row.completion, Some(row))
    } else {
        let since = row.completion;
        let f = rows
            .iter()
            .filter(|f| f.kind == AssessmentType::FollowUp)
            .filter_map(|f| f.completion.map(|c| (c, f)))
            .filter(|(c, _)| since.is_none_or(|s| *c >= s))
            .min_by_key(|(c, f)| (*c, f.index()));
        (f.map(|(c, _)| c), f.map(|(_, f)| *f))
    };
    let Some((open, days)) = judge(due, done, as_of) else {
        return;
    };
    let what = format!("{} row {}", a.kind, a.cell);
    let (code, message, source) = if open {
        (
            FindingCode::FollowUpOverdue,
            format!(
                "a Follow-up Security Assessment after the {what} was required by {due} and none is completed ({days} days late)"
            ),
            a.follow_up_due_on().cell_in(&a.cell),
        )
    } else {
        let by = by.map(|f| f.source);
        (
            FindingCode::FollowUpLate,
            format!(
                "a Follow-up Security Assessment after the {what} was required by {due} and completed {} ({days} days late)",
                done.map(|d| d.to_string()).unwrap_or_default()
            ),
            by.and_then(|f| f.completed_on().cell_in(&f.cell))
                .or(a.follow_up_due_on().cell_in(&a.cell)),
        )
    };
    sink.push(
        Found::new(code, Some(regime), message)
            .due(Some(due), Some(days))
            .at(source.or(Some(a.cell.clone())), Some(a.index())),
    );
}
