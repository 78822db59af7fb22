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
        .cell
        .clone()
        .filter(|_| primary.value.is_some())
        .or_else(|| fallback.cell.clone())
        .or_else(|| Some(row.clone()))
}

/// G8.24 and G8.28(a) on one row.
pub fn response_and_remedial(row: &Row<'_>, regime: Regime, as_of: NaiveDate, sink: &mut Sink) {
    let a = row.source;
    let what = format!("{} row {}", a.kind, a.cell);
    if let Some(due) = a.response_due_on.get()
        && let Some((open, days)) = judge(due, row.response_submitted_on, as_of)
    {
        let (code, message) = if open {
            (
                FindingCode::ResponseOverdue,
                format!(
                    "User Security Assessment Response for the {what} was due {due} and has not been submitted ({days} days late)"
                ),
            )
        } else {
            (
                FindingCode::ResponseLate,
                format!(
                    "User Security Assessment Response for the {what} was due {due} and submitted {} ({days} days late)",
                    row.response_submitted_on
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            )
        };
        sink.push(
            Found::new(code, Some(regime), message)
                .due(Some(due), Some(days))
                .at(
                    cell_of(&a.response_submitted_on, &a.response_due_on, &a.cell),
                    Some(a.index),
                ),
        );
    }
    if let Some(due) = a.remedial_due_on.get()
        && let Some((open, days)) = judge(due, row.remedial_completed_on, as_of)
    {
        let (code, message) = if open {
            (
                FindingCode::RemedialOverdue,
                format!(
                    "remedial steps after the {what} were due by {due} and are not completed ({days} days late)"
                ),
            )
        } else {
            (
                FindingCode::RemedialLate,
                format!(
                    "remedial steps after the {what} were due by {due} and completed {} ({days} days late)",
                    row.remedial_completed_on
                        .map(|d| d.to_string())
                        .unwrap_or_default()
                ),
            )
        };
        sink.push(
            Found::new(code, Some(regime), message)
                .due(Some(due), Some(days))
                .at(
                    cell_of(&a.remedial_completed_on, &a.remedial_due_on, &a.cell),
                    Some(a.index),
                ),
        );
    }
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
    let Some(due) = a.follow_up_due_on.get() else {
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
            a.follow_up_due_on.cell.clone(),
        )
    } else {
        let by = by.map(|f| f.source);
        (
            FindingCode::FollowUpLate,
            format!(
                "a Follow-up Security Assessment after the {what} was required by {due} and completed {} ({days} days late)",
                done.map(|d| d.to_string()).unwrap_or_default()
            ),
            by.and_then(|f| f.completed_on.cell.clone())
                .or(a.follow_up_due_on.cell.clone()),
        )
    };
    sink.push(
        Found::new(code, Some(regime), message)
            .due(Some(due), Some(days))
            .at(source.or(Some(a.cell.clone())), Some(a.index)),
    );
}
