//! G8.50(b): the outcome of a User Security Self-Assessment is documented and submitted to the
//! User Independent Security Assurance Service Provider no later than 12 months after the
//! completion of the previous User Security Assessment or (if more recent) Self-Assessment.
//!
//! A Self row is judged late only here, never also `COMPLETED_LATE` (SPEC §6.9).

use chrono::NaiveDate;

use crate::rules::counts::Category;
use crate::rules::dates::days_between;
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;
use crate::rules::sink::{Found, Sink};
use crate::rules::view::Row;

/// Judges one completed Self row of the chain whose submission date is `deadline` (the row's due
/// date: the chain's previous completion plus 12 months). Returns the codes found.
pub fn g8_50_b_submission(
    row: &Row<'_>,
    deadline: Option<NaiveDate>,
    category: Option<Category>,
    regime: Regime,
    as_of: NaiveDate,
    sink: &mut Sink,
) -> Vec<FindingCode> {
    let Some(deadline) = deadline else {
        return Vec::new();
    };
    let a = row.source;
    let (code, days, message, cell) = match row.submitted_on {
        Some(s) if s > deadline => {
            let days = days_between(deadline, s);
            (
                FindingCode::SelfSubmittedLate,
                days,
                format!(
                    "Self-Assessment {} was to be submitted by {deadline} and was submitted {s} \
                     ({days} days late)",
                    a.cell
                ),
                a.submitted_on().cell_in(&a.cell),
            )
        }
        Some(_) => return Vec::new(),
        None if as_of > deadline => {
            let days = days_between(deadline, as_of);
            (
                FindingCode::SelfNotSubmitted,
                days,
                format!(
                    "Self-Assessment {} was to be submitted by {deadline}; no submission is \
                     recorded ({days} days late)",
                    a.cell
                ),
                a.submitted_on()
                    .cell_in(&a.cell)
                    .or(a.completed_on().cell_in(&a.cell)),
            )
        }
        None => return Vec::new(),
    };
    sink.push(
        Found::new(code, Some(regime), message)
            .category(category)
            .due(Some(deadline), Some(days))
            .at(cell.or(Some(a.cell.clone())), Some(a.index())),
    );
    vec![code]
}
