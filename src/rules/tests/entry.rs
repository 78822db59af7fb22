//! G8.33–G8.38: the User Entry Process.

use super::support::*;
use crate::model::{Purpose, RecordedStatus};
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;
use crate::rules::schedule::Status;

fn other() -> Reg {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r
}

fn entry_full(
    status: Option<RecordedStatus>,
    completed: Option<&'static str>,
    set: Option<&'static str>,
) -> Row<'static> {
    Row {
        purpose: Some(Purpose::Entry),
        completed,
        status,
        status_set: set,
        ..Row::default()
    }
}

#[test]
fn g8_33_no_entry_full_is_entry_missing() {
    let r = other();
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.next_type, s.due),
        (Status::EntryIncomplete, Some(Full), None)
    );
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryMissing, None)]);
    assert_eq!(find(&a, "O1", FindingCode::EntryMissing).clause, "G8.33");
}

#[test]
fn spec_6_17_an_entry_full_only_booked_is_incomplete_without_a_finding() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        Row {
            scheduled: Some("2026-10-15"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.next_type),
        (Status::EntryIncomplete, Some(Full))
    );
    assert_eq!(s.scheduled_for, Some(d("2026-10-15")));
    assert!(codes(&a, "O1").is_empty());
}

#[test]
fn g8_36_d_rejected_requires_a_second_full() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Rejected),
            Some("2026-03-01"),
            Some("2026-04-01"),
        ),
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.next_type, s.due),
        (Status::EntryIncomplete, Some(Full), None)
    );
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryRejected, None)]);
}

#[test]
fn g8_36_d_a_booked_second_full_keeps_entry_rejected_until_done() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Rejected),
            Some("2026-03-01"),
            Some("2026-04-01"),
        ),
    );
    r.row(
        "O1",
        Full,
        Row {
            purpose: Some(Purpose::Entry),
            scheduled: Some("2026-12-01"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-11-01");
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryRejected, None)]);
    assert_eq!(
        sched(&a, "O1", Some(Regime::Other)).scheduled_for,
        Some(d("2026-12-01"))
    );
}

#[test]
fn g8_36_d_the_second_full_approved_starts_the_cycle() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Rejected),
            Some("2025-03-01"),
            Some("2025-04-01"),
        ),
    );
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Approved),
            Some("2025-09-01"),
            Some("2025-10-01"),
        ),
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.next_type, s.due),
        (Some(Verification), Some(d("2026-10-01")))
    );
    assert_eq!(s.status, Status::Overdue);
    assert_eq!(
        codes(&a, "O1"),
        [(FindingCode::Overdue, Some(d("2026-10-01")))]
    );
}

#[test]
fn g8_36_c_deferred_is_entry_deferred() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Deferred),
            Some("2026-03-01"),
            Some("2026-04-01"),
        ),
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.next_type, s.due),
        (Status::EntryIncomplete, None, None)
    );
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryDeferred, None)]);
}

#[test]
fn spec_1_3_deferred_set_before_2020_02_27_meant_rejected() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Deferred),
            Some("2019-11-01"),
            Some("2019-12-01"),
        ),
    );
    let a = r.audit("2020-06-01");
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryRejected, None)]);
    assert!(
        find(&a, "O1", FindingCode::EntryRejected)
            .message
            .contains("older names")
    );
}

#[test]
fn spec_1_3_provisionally_approved_meant_deferred() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::ProvisionallyApproved),
            Some("2019-11-01"),
            Some("2019-12-01"),
        ),
    );
    let a = r.audit("2020-06-01");
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryDeferred, None)]);
}

#[test]
fn spec_6_20_old_names_decided_by_completion_when_no_status_date() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(Some(RecordedStatus::Deferred), Some("2019-11-01"), None),
    );
    let a = r.audit("2020-06-01");
    assert_eq!(codes(&a, "O1"), [(FindingCode::EntryRejected, None)]);
}

#[test]
fn g8_36_blank_status_on_the_only_entry_full_is_approved_on_completion() {
    let mut r = other();
    r.row("O1", Full, entry_full(None, Some("2026-02-01"), None));
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.next_type, s.due),
        (Some(Verification), Some(d("2027-02-01")))
    );
    assert!(
        s.explanation.contains("read as approved"),
        "{}",
        s.explanation
    );
}

#[test]
fn spec_6_18_blank_status_on_the_latest_of_several_is_awaiting_the_panel() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Rejected),
            Some("2025-03-01"),
            Some("2025-04-01"),
        ),
    );
    r.row("O1", Full, entry_full(None, Some("2026-09-01"), None));
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!((s.status, s.next_type), (Status::EntryIncomplete, None));
    assert!(codes(&a, "O1").is_empty(), "{:?}", codes(&a, "O1"));
}

#[test]
fn spec_6_18_a_status_set_after_the_audit_date_is_awaiting_the_panel() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Approved),
            Some("2026-03-01"),
            Some("2026-05-01"),
        ),
    );
    let a = r.audit("2026-04-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!((s.status, s.next_type), (Status::EntryIncomplete, None));
    assert!(codes(&a, "O1").is_empty());
    assert_eq!(a.set_aside.statuses, 1);
}

#[test]
fn g8_37_a_later_approval_after_deferral_completes_entry() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(
            Some(RecordedStatus::Deferred),
            Some("2025-03-01"),
            Some("2025-04-01"),
        ),
    );
    r.row(
        "O1",
        Full,
        entry_full(Some(RecordedStatus::Approved), None, Some("2025-12-01")),
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!((s.status, s.due), (Status::DueSoon, Some(d("2026-12-01"))));
}

#[test]
fn spec_6_1_approved_with_no_date_is_undetermined() {
    let mut r = other();
    r.row(
        "O1",
        Full,
        entry_full(Some(RecordedStatus::Approved), None, None),
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.due, s.next_type),
        (Status::Undetermined, None, Some(Verification))
    );
}
