//! The register as it stood on the audit date A (SPEC §2.9), with each row's purpose settled
//! (SPEC §1.3, §6.21).
//!
//! Everything the register dates after A had not happened yet at A and is set aside here, once,
//! so that no later rule has to think about the audit date when it reads a completion, a
//! submission, a snapshot or a status. Purposes are then inferred from the register at A.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Assessment, AssessmentType, Purpose, RecordedStatus, Register, Snapshot, User};

/// An assurance status as the rules see it at A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusAtA {
    /// No status recorded (or one that could not be read).
    Blank,
    /// A status recorded, but set after A (SPEC §6.18: awaiting the Panel at A).
    SetAside,
    /// A status in force at A, as recorded.
    Set(RecordedStatus),
}

/// One assessment row as it stood at A.
#[derive(Debug, Clone)]
pub struct Row<'a> {
    pub source: &'a Assessment,
    pub kind: AssessmentType,
    pub purpose: Purpose,
    /// True when the purpose was inferred rather than written.
    pub purpose_inferred: bool,
    /// Completion at A: `completed_on`, for a Self row else `submitted_on` (SPEC §2.5, §6.9).
    pub completion: Option<NaiveDate>,
    pub submitted_on: Option<NaiveDate>,
    pub scheduled_for: Option<NaiveDate>,
    /// True when the row was completed after A and is read as a booking (SPEC §2.9).
    pub booked_at_a: bool,
    pub status: StatusAtA,
    pub status_set_on: Option<NaiveDate>,
    pub response_submitted_on: Option<NaiveDate>,
    pub remedial_completed_on: Option<NaiveDate>,
}

impl Row<'_> {
    pub fn index(&self) -> usize {
        self.source.index()
    }

    /// Completed, or read as completed, at A.
    pub fn is_completed(&self) -> bool {
        self.completion.is_some()
    }
}

/// How much the audit date set aside (SPEC §2.9: "the summary counts what was set aside").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct SetAside {
    /// Users with nothing dated on or before A but something after: not yet joined.
    pub users: usize,
    /// Premises snapshots dated after A.
    pub snapshots: usize,
    /// Completions after A read as bookings.
    pub completions_to_bookings: usize,
    /// Rows completed after A with no booking date, left out.
    pub rows_left_out: usize,
    /// Submissions (Self outcomes, responses) dated after A.
    pub submissions: usize,
    /// Remedial completions dated after A.
    pub remedial_completions: usize,
    /// Assurance statuses set after A.
    pub statuses: usize,
    /// G5.27 notifications dated after A.
    pub notifications: usize,
}

impl SetAside {
    /// Adds another count to this one.
    pub fn add(&mut self, other: &SetAside) {
        self.users += other.users;
        self.snapshots += other.snapshots;
        self.completions_to_bookings += other.completions_to_bookings;
        self.rows_left_out += other.rows_left_out;
        self.submissions += other.submissions;
        self.remedial_completions += other.remedial_completions;
        self.statuses += other.statuses;
        self.notifications += other.notifications;
    }

    pub fn total(&self) -> usize {
        self.users
            + self.snapshots
            + self.completions_to_bookings
            + self.rows_left_out
            + self.submissions
            + self.remedial_completions
            + self.statuses
            + self.notifications
    }
}

/// One User at A, with its rows and snapshots.
#[derive(Debug, Clone)]
pub struct UserView<'a> {
    pub user: &'a User,
    /// In register order.
    pub rows: Vec<Row<'a>>,
    /// Snapshots on or before A, sorted by date (first one kept for a date: the reader already
    /// dropped duplicates).
    pub snapshots: Vec<&'a Snapshot>,
    /// `sms_notified_on` at A; `None` also when it is after A (see `sms_hidden`).
    pub sms_notified_on: Option<NaiveDate>,
    /// SPEC §2.9: a notification after A hides the earlier ones; no G5.27 finding at A.
    pub sms_hidden: bool,
}

impl UserView<'_> {
    /// The latest snapshot on or before `t`.
    pub fn snapshot_at(&self, t: NaiveDate) -> Option<&Snapshot> {
        let n = self.snapshots.partition_point(|s| s.as_of <= t);
        n.checked_sub(1).map(|i| self.snapshots[i])
    }
}

/// The register at A: Users still in it, by id.
#[derive(Debug, Clone)]
pub struct View<'a> {
    pub as_of: NaiveDate,
    pub users: Vec<UserView<'a>>,
    pub by_id: FxHashMap<&'a str, usize>,
    pub set_aside: SetAside,
    /// The Users table has a `sms_notified_on` column: G5.27(b) is checked.
    pub has_sms_column: bool,
}

fn at<T: Copy>(value: Option<T>, keep: impl Fn(T) -> bool) -> Option<T> {
    value.filter(|v| keep(*v))
}

/// Builds the register as it stood at `as_of`. Rows and snapshots are grouped by User (see
/// [`ByUser`]); each User is then read at A in parallel (rayon), in register order.
pub fn view_at(register: &Register, as_of: NaiveDate) -> View<'_> {
    let n = register.users.len();
    // Rows and snapshots name their User by position.
    let rows = ByUser::from_owners(&register.assessments, n, |_, a| a.user as usize);
    let snaps = ByUser::from_owners(&register.premises, n, |_, s| s.user as usize);
    let read: Vec<(Option<UserView<'_>>, SetAside)> = register
        .users
        .par_iter()
        .enumerate()
        .map(|(i, user)| user_at(user, rows.of(i), snaps.of(i), as_of))
        .collect();

    let mut set_aside = SetAside::default();
    let mut users = Vec::with_capacity(read.len());
    let mut by_id = FxHashMap::with_capacity_and_hasher(read.len(), Default::default());
    for (user, counted) in read {
        set_aside.add(&counted);
        if let Some(u) = user {
            by_id.insert(u.user.user_id.as_str(), users.len());
            users.push(u);
        }
    }
    View {
        as_of,
        users,
        by_id,
        set_aside,
        has_sms_column: register.has_sms_notified_column,
    }
}

/// Rows of a register table grouped by the User each belongs to, in register order within a
/// User: one list for all Users and where each User's part starts, rather than a list per User.
struct ByUser<'r, T> {
    items: Vec<&'r T>,
    /// User `i`'s items are `items[starts[i]..starts[i + 1]]`.
    starts: Vec<usize>,
}

impl<'r, T: Sync> ByUser<'r, T> {
    /// Groups `table` among `users` Users by `owner(k, row)`, the position of row `k`'s User
    /// (any position past the last for a row of no User: it is left out). A counting sort places the rows in two passes.
    fn from_owners(
        table: &'r [T],
        users: usize,
        owner: impl Fn(usize, &T) -> usize,
    ) -> ByUser<'r, T> {
        let mut starts = vec![0usize; users + 1];
        for (k, row) in table.iter().enumerate() {
            let i = owner(k, row);
            if i < users {
                starts[i + 1] += 1;
            }
        }
        for i in 0..users {
            starts[i + 1] += starts[i];
        }
        let Some(first) = table.first() else {
            return ByUser {
                items: Vec::new(),
                starts,
            };
        };
        // Every slot is overwritten below: `first` only fills the list to its length.
        let mut items = vec![first; starts[users]];
        let mut next = starts.clone();
        for (k, row) in table.iter().enumerate() {
            let i = owner(k, row);
            if i < users {
                items[next[i]] = row;
                next[i] += 1;
            }
        }
        ByUser { items, starts }
    }

    /// User `i`'s rows, in register order.
    fn of(&self, i: usize) -> &[&'r T] {
        &self.items[self.starts[i]..self.starts[i + 1]]
    }
}

/// One User at A, or `None` when it had not joined yet; with what A set aside.
fn user_at<'a>(
    user: &'a User,
    rows: &[&'a Assessment],
    snaps: &[&'a Snapshot],
    as_of: NaiveDate,
) -> (Option<UserView<'a>>, SetAside) {
    let mut set_aside = SetAside::default();
    if !joined_by(rows, snaps, as_of) {
        set_aside.users += 1;
        return (None, set_aside);
    }
    let mut view_rows: Vec<Row<'_>> = rows
        .iter()
        .filter_map(|a| row_at(a, as_of, &mut set_aside))
        .collect();
    let dated: Vec<Dated> = view_rows.iter().map(Dated::of).collect();
    for (row, (purpose, inferred)) in view_rows.iter_mut().zip(infer_purposes(&dated)) {
        row.purpose = purpose;
        row.purpose_inferred = inferred;
    }
    let total = snaps.len();
    let mut snapshots: Vec<&Snapshot> =
        snaps.iter().copied().filter(|s| s.as_of <= as_of).collect();
    set_aside.snapshots += total - snapshots.len();
    snapshots.sort_by_key(|s| s.as_of);
    let sms = user.sms_notified_on.get();
    let sms_hidden = sms.is_some_and(|d| d > as_of);
    if sms_hidden {
        set_aside.notifications += 1;
    }
    let view = UserView {
        user,
        rows: view_rows,
        snapshots,
        sms_notified_on: at(sms, |d| d <= as_of),
        sms_hidden,
    };
    (Some(view), set_aside)
}

/// SPEC §2.9: a User with nothing dated on or before A (no snapshot, booking, completion or
/// status), but something dated after it, had not yet joined.
fn joined_by(rows: &[&Assessment], snaps: &[&Snapshot], as_of: NaiveDate) -> bool {
    let mut dates = snaps
        .iter()
        .map(|s| s.as_of)
        .chain(rows.iter().flat_map(|a| {
            [
                a.scheduled_for().get(),
                a.completed_on().get(),
                a.submitted_on().get(),
                a.status_set_on().get(),
            ]
            .into_iter()
            .flatten()
        }));
    let mut any = false;
    for d in &mut dates {
        if d <= as_of {
            return true;
        }
        any = true;
    }
    !any
}

/// The row's own completion as written: `completed_on`, for a Self row else `submitted_on`.
fn written_completion(a: &Assessment) -> Option<NaiveDate> {
    match a.kind {
        AssessmentType::SelfAssessment => a.completed_on().get().or(a.submitted_on().get()),
        _ => a.completed_on().get(),
    }
}

/// What purpose inference looks at in a row (at A).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dated {
    pub kind: AssessmentType,
    /// The purpose written in the register, if any.
    pub written: Option<Purpose>,
    /// An assurance status is recorded, whatever the day it was set (SPEC §6.18).
    pub has_status: bool,
    /// Completion at A, else the booking.
    pub date: Option<NaiveDate>,
    pub index: usize,
}

impl Dated {
    fn of(row: &Row<'_>) -> Dated {
        Dated {
            kind: row.kind,
            written: row.source.purpose,
            has_status: row.source.assurance_status().value.is_some(),
            date: row.completion.or(row.scheduled_for),
            index: row.index(),
        }
    }
}

/// SPEC §1.3 and §6.21: the purpose of each of one User's rows, and whether it was inferred.
/// A blank purpose is Entry for the User's earliest Full (by completion, else booking, over all
/// its rows; on the same date a Full written Entry comes first, so that a blank Full on its date
/// is Annual whatever the order of the rows, then row order), for any row with an assurance
/// status, and for a Follow-up dated
/// strictly before the first Annual row (or when there is no dated Annual row); otherwise Annual.
///
/// Inference reads the register as it stood at A (rows left out do not take part; a completion
/// after A is a booking), except that a status counts whatever its date: a status set after A
/// leaves its row an Entry row, awaiting the Panel (SPEC §6.18).
pub fn infer_purposes(rows: &[Dated]) -> Vec<(Purpose, bool)> {
    let earliest_full = rows
        .iter()
        .filter(|a| a.kind == AssessmentType::Full)
        .min_by_key(|a| {
            let written_entry = a.written == Some(Purpose::Entry);
            (a.date.is_none(), a.date, !written_entry, a.index)
        })
        .map(|a| a.index);
    let first_pass: Vec<Option<Purpose>> = rows
        .iter()
        .map(|a| match a.written {
            Some(p) => Some(p),
            None if a.kind == AssessmentType::FollowUp => None,
            None if a.has_status => Some(Purpose::Entry),
            None if Some(a.index) == earliest_full => Some(Purpose::Entry),
            None => Some(Purpose::Annual),
        })
        .collect();
    let first_annual = rows
        .iter()
        .zip(&first_pass)
        .filter(|(a, p)| a.kind.is_annual_type() && **p == Some(Purpose::Annual))
        .filter_map(|(a, _)| a.date)
        .min();
    rows.iter()
        .zip(first_pass)
        .map(|(a, p)| match p {
            Some(p) => (p, a.written.is_none()),
            None => {
                let entry = match (a.date, first_annual) {
                    (_, None) => true,
                    (Some(d), Some(first)) => d < first,
                    (None, Some(_)) => false,
                };
                let p = if entry {
                    Purpose::Entry
                } else {
                    Purpose::Annual
                };
                (p, true)
            }
        })
        .collect()
}

fn row_at<'a>(a: &'a Assessment, as_of: NaiveDate, set_aside: &mut SetAside) -> Option<Row<'a>> {
    let submitted_on = a.submitted_on().get().filter(|d| *d <= as_of);
    let completion = match a.kind {
        AssessmentType::SelfAssessment => a.completed_on().get().filter(|d| *d <= as_of).or(
            // A Self with a submission but no completion completed on its submission (§6.9).
            if a.completed_on().value.is_none() {
                submitted_on
            } else {
                None
            },
        ),
        _ => a.completed_on().get().filter(|d| *d <= as_of),
    };
    let mut booked_at_a = false;
    if completion.is_none() && written_completion(a).is_some() {
        // Completed after A: not done at A (SPEC §2.9).
        if a.scheduled_for().value.is_some() {
            booked_at_a = true;
            set_aside.completions_to_bookings += 1;
        } else {
            // The whole row is set aside: it counts once, as a row.
            set_aside.rows_left_out += 1;
            return None;
        }
    }
    if a.submitted_on().get().is_some_and(|d| d > as_of) {
        set_aside.submissions += 1;
    }
    let status = match (a.assurance_status().get(), a.status_set_on().get()) {
        (None, _) => StatusAtA::Blank,
        (Some(_), Some(d)) if d > as_of => {
            set_aside.statuses += 1;
            StatusAtA::SetAside
        }
        (Some(s), _) => StatusAtA::Set(s),
    };
    let mut response_submitted_on = a.response_submitted_on().get();
    if response_submitted_on.is_some_and(|d| d > as_of) {
        response_submitted_on = None;
        set_aside.submissions += 1;
    }
    let mut remedial_completed_on = a.remedial_completed_on().get();
    if remedial_completed_on.is_some_and(|d| d > as_of) {
        remedial_completed_on = None;
        set_aside.remedial_completions += 1;
    }
    Some(Row {
        source: a,
        kind: a.kind,
        // Settled by `infer_purposes` once every row of the User is read at A.
        purpose: a.purpose.unwrap_or(Purpose::Annual),
        purpose_inferred: a.purpose.is_none(),
        completion,
        submitted_on,
        scheduled_for: a.scheduled_for().get(),
        booked_at_a,
        status,
        status_set_on: at(a.status_set_on().get(), |d| d <= as_of),
        response_submitted_on,
        remedial_completed_on,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_grouped_by_user_in_register_order_and_rows_of_no_user_left_out() {
        // Each row names its User's position; 9 is past the last of 3 Users (no User).
        let owners = [1, 0, 1, 9, 0, 0, 1];
        let rows: Vec<(usize, usize)> = owners.iter().copied().zip(0..).collect();
        let grouped = ByUser::from_owners(&rows, 3, |_, r| r.0);
        let positions = |i| grouped.of(i).iter().map(|r| r.1).collect::<Vec<_>>();
        assert_eq!(positions(0), [1, 4, 5]);
        assert_eq!(positions(1), [0, 2, 6]);
        assert!(positions(2).is_empty());
        let empty: [(usize, usize); 0] = [];
        assert!(ByUser::from_owners(&empty, 3, |_, r| r.0).of(1).is_empty());
    }
}
