//! The User Entry Process (G8.33–G8.38) and the anchor of the annual cycle (G8.40).
//!
//! The latest deciding Entry Full sets where a schedule stands: approved (the cycle starts),
//! deferred, rejected, or awaiting the Panel (SPEC §2.6, §6.17–§6.20).

use chrono::NaiveDate;

use crate::model::{AssessmentType, Purpose, RecordedStatus};
use crate::rules::view::{Row, StatusAtA};

/// An assurance status as it reads today (G8.36), after the 2020-02-27 renaming.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// G8.36(a), (b)(i), (b)(ii).
    Approved,
    /// G8.36(c).
    Deferred,
    /// G8.36(d).
    Rejected,
}

/// SPEC §1.3, §6.20: reads a recorded status by the date it was set. Before `renamed_on`,
/// `deferred` meant today's `rejected`; `provisionally approved` always means deferred. The date
/// is `status_set_on`, else `completed_on`; with neither, the current names apply.
/// Returns the status and, when the older names changed the reading, a note saying so.
pub fn read_status(
    recorded: RecordedStatus,
    set_on: Option<NaiveDate>,
    renamed_on: NaiveDate,
) -> (Status, Option<String>) {
    let old_names = set_on.is_some_and(|d| d < renamed_on);
    match recorded {
        RecordedStatus::Approved
        | RecordedStatus::ApprovedSubjectToSteps
        | RecordedStatus::ApprovedSubjectToStepsAndFollowUp => (Status::Approved, None),
        RecordedStatus::Rejected => (Status::Rejected, None),
        RecordedStatus::ProvisionallyApproved => (
            Status::Deferred,
            Some("\"provisionally approved\" is read as today's \"deferred\"".into()),
        ),
        RecordedStatus::Deferred if old_names => (
            Status::Rejected,
            Some(format!(
                "\"deferred\" set before {renamed_on} used the older names: read as today's \
                 \"rejected\""
            )),
        ),
        RecordedStatus::Deferred => (Status::Deferred, None),
    }
}

/// Where a schedule's User Entry Process stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// No Entry Full recorded (G8.33): `ENTRY_MISSING`.
    Missing,
    /// Entry Fulls only booked: none has been done or decided yet (SPEC §6.17).
    BookedOnly { row: usize },
    /// Done, waiting for the Panel's status (SPEC §6.18).
    AwaitingPanel { row: usize, status_set_aside: bool },
    /// G8.36(c): `ENTRY_DEFERRED`.
    Deferred { row: usize, note: Option<String> },
    /// G8.36(d): `ENTRY_REJECTED`, a second Full is required.
    Rejected { row: usize, note: Option<String> },
    /// G8.36(a)/(b) or G8.37: the cycle starts from `anchor` (G8.40).
    Complete {
        row: usize,
        /// 12 months from here the first Annual assessment is due; `None` when no date is known.
        anchor: Option<NaiveDate>,
        /// How the anchor was found, for the explanation.
        anchor_note: String,
        /// The entry Follow-up that anchors the cycle, if any.
        follow_up: Option<usize>,
        /// The Entry Full's completion (the first link of the chain).
        completed: Option<NaiveDate>,
        note: Option<String>,
    },
}

impl Entry {
    pub fn is_complete(&self) -> bool {
        matches!(self, Entry::Complete { .. })
    }
}

fn deciding_key(row: &Row<'_>) -> Option<NaiveDate> {
    row.completion.or(row.status_set_on).or(row.scheduled_for)
}

/// Decides the Entry of one schedule from its rows (those counting for the regime), in register
/// order. `rows` must be that schedule's rows only.
pub fn decide_entry(rows: &[&Row<'_>], renamed_on: NaiveDate) -> Entry {
    let entry_fulls: Vec<&Row<'_>> = rows
        .iter()
        .copied()
        .filter(|r| r.kind == AssessmentType::Full && r.purpose == Purpose::Entry)
        .collect();
    let Some(first) = entry_fulls.first() else {
        return Entry::Missing;
    };
    // SPEC §6.17: only completed Entry Fulls, or those with a status, decide; the latest by
    // completion, else status date, else booking; ties by row order (the later row wins).
    let mut deciding: Vec<&Row<'_>> = entry_fulls
        .iter()
        .copied()
        .filter(|r| r.is_completed() || matches!(r.status, StatusAtA::Set(_)))
        .collect();
    deciding.sort_by_key(|r| (deciding_key(r), r.index()));
    let Some(row) = deciding.last().copied() else {
        return Entry::BookedOnly { row: first.index() };
    };
    let status = match row.status {
        // SPEC §2.6: a blank status on the only deciding Entry Full is approved on completion.
        StatusAtA::Blank if deciding.len() == 1 => None,
        // SPEC §6.18: otherwise a blank status, or one set after A, is awaiting the Panel —
        // except that `deferred` stays deferred until a new status is recorded.
        StatusAtA::Blank | StatusAtA::SetAside => {
            let earlier =
                deciding[..deciding.len() - 1]
                    .iter()
                    .rev()
                    .find_map(|r| match r.status {
                        StatusAtA::Set(s) => Some((r, s)),
                        _ => None,
                    });
            if let Some((r, recorded)) = earlier {
                let set_on = r
                    .source
                    .status_set_on()
                    .get()
                    .or(r.source.completed_on().get());
                if let (Status::Deferred, note) = read_status(recorded, set_on, renamed_on) {
                    return Entry::Deferred {
                        row: r.index(),
                        note,
                    };
                }
            }
            return Entry::AwaitingPanel {
                row: row.index(),
                status_set_aside: row.status == StatusAtA::SetAside,
            };
        }
        StatusAtA::Set(s) => Some(s),
    };
    let (status, note, approved_on) = match status {
        None => (
            Status::Approved,
            Some("blank status on the only Entry Full: read as approved on its completion".into()),
            row.completion,
        ),
        Some(recorded) => {
            let set_on = row
                .source
                .status_set_on()
                .get()
                .or(row.source.completed_on().get());
            let (status, note) = read_status(recorded, set_on, renamed_on);
            (status, note, row.status_set_on.or(row.completion))
        }
    };
    match status {
        Status::Deferred => Entry::Deferred {
            row: row.index(),
            note,
        },
        Status::Rejected => Entry::Rejected {
            row: row.index(),
            note,
        },
        Status::Approved => {
            // SPEC §6.19: the latest entry Follow-up done on or after the deciding Full's
            // completion anchors the cycle (G8.40 "or after the Follow-up … where there was one").
            let since = row.completion.or(row.status_set_on);
            let follow_up = rows
                .iter()
                .filter(|r| r.kind == AssessmentType::FollowUp && r.purpose == Purpose::Entry)
                .filter(|r| match (r.completion, since) {
                    (Some(c), Some(s)) => c >= s,
                    (Some(_), None) => true,
                    (None, _) => false,
                })
                .max_by_key(|r| (r.completion, r.index()));
            let (anchor, anchor_note) = match (follow_up, approved_on) {
                (Some(f), _) => (
                    f.completion,
                    format!(
                        "entry Follow-up completed {}",
                        f.completion.map(|d| d.to_string()).unwrap_or_default()
                    ),
                ),
                (None, Some(d)) if row.status_set_on == Some(d) && status_has_date(row) => {
                    (Some(d), format!("entry approved {d}"))
                }
                (None, Some(d)) => (Some(d), format!("Entry Full completed {d}")),
                (None, None) => (
                    None,
                    "entry approved, but neither the status date nor the completion is recorded"
                        .into(),
                ),
            };
            Entry::Complete {
                row: row.index(),
                anchor,
                anchor_note,
                follow_up: follow_up.map(|f| f.index()),
                completed: row.completion,
                note,
            }
        }
    }
}

fn status_has_date(row: &Row<'_>) -> bool {
    matches!(row.status, StatusAtA::Set(_)) && row.status_set_on.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    const RENAMED: (i32, u32, u32) = (2020, 2, 27);

    fn renamed() -> NaiveDate {
        d(RENAMED.0, RENAMED.1, RENAMED.2)
    }

    #[test]
    fn g8_36_deferred_set_before_2020_02_27_means_rejected() {
        let (s, note) = read_status(RecordedStatus::Deferred, Some(d(2020, 2, 26)), renamed());
        assert_eq!(s, Status::Rejected);
        assert!(note.is_some());
    }

    #[test]
    fn g8_36_deferred_set_on_2020_02_27_uses_current_names() {
        let (s, note) = read_status(RecordedStatus::Deferred, Some(d(2020, 2, 27)), renamed());
        assert_eq!(s, Status::Deferred);
        assert!(note.is_none());
    }

    #[test]
    fn g8_36_provisionally_approved_always_means_deferred() {
        for date in [Some(d(2018, 1, 1)), Some(d(2024, 1, 1)), None] {
            assert_eq!(
                read_status(RecordedStatus::ProvisionallyApproved, date, renamed()).0,
                Status::Deferred
            );
        }
    }

    #[test]
    fn g8_36_undated_deferred_uses_current_names() {
        assert_eq!(
            read_status(RecordedStatus::Deferred, None, renamed()).0,
            Status::Deferred
        );
    }

    #[test]
    fn g8_36_b_approved_subject_to_is_approved() {
        for s in [
            RecordedStatus::ApprovedSubjectToSteps,
            RecordedStatus::ApprovedSubjectToStepsAndFollowUp,
        ] {
            assert_eq!(read_status(s, None, renamed()).0, Status::Approved);
        }
    }
}
