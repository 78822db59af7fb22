//! The demand estimate (G8.11; SPEC §6.28): assessments falling due per month over the next 12
//! months, by type.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::model::AssessmentType;
use crate::rules::schedule::{Schedule, Status};

/// Assessments due in one month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForecastMonth {
    /// `YYYY-MM`.
    pub month: String,
    #[serde(rename = "Full")]
    pub full: u32,
    #[serde(rename = "Verification")]
    pub verification: u32,
    #[serde(rename = "Self")]
    pub self_assessment: u32,
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

/// A's month and the 11 after, zeros kept. A schedule counts when its next type is known and it
/// is not left, not-subject, entry-incomplete or undetermined; an overdue one counts in A's month.
pub fn forecast<'s>(
    schedules: impl IntoIterator<Item = &'s Schedule>,
    as_of: NaiveDate,
) -> Vec<ForecastMonth> {
    let first = month_index(as_of);
    let mut months: Vec<ForecastMonth> = (0..12)
        .map(|k| {
            let m = first + k;
            ForecastMonth {
                month: format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1),
                full: 0,
                verification: 0,
                self_assessment: 0,
            }
        })
        .collect();
    for s in schedules {
        if matches!(
            s.status,
            Status::Left | Status::NotSubject | Status::EntryIncomplete | Status::Undetermined
        ) {
            continue;
        }
        let (Some(kind), Some(due)) = (s.next_type, s.due) else {
            continue;
        };
        let k = if s.status == Status::Overdue {
            0
        } else {
            month_index(due) - first
        };
        let Some(m) = usize::try_from(k).ok().and_then(|k| months.get_mut(k)) else {
            continue;
        };
        match kind {
            AssessmentType::Full => m.full += 1,
            AssessmentType::Verification => m.verification += 1,
            AssessmentType::SelfAssessment => m.self_assessment += 1,
            AssessmentType::FollowUp => {}
        }
    }
    months
}
