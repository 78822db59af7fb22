//! SPEC §2.9: auditing as of a past date sets aside everything dated after it.

use super::support::*;
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;
use crate::rules::schedule::Status;

#[test]
fn spec_2_9_a_completion_after_the_audit_date_is_a_booking() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2020-03-01");
    r.row(
        "O1",
        Verification,
        Row {
            scheduled: Some("2021-02-20"),
            completed: Some("2021-02-25"),
            ..Row::default()
        },
    );
    let a = r.audit("2021-02-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.scheduled_for),
        (Status::Scheduled, Some(d("2021-02-20")))
    );
    assert_eq!(s.last_type, Some(Full));
    assert_eq!(a.set_aside.completions_to_bookings, 1);
}

#[test]
fn spec_2_9_a_completion_after_the_audit_date_without_a_booking_is_left_out() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2020-03-01");
    r.done("O1", Verification, "2021-02-25");
    let a = r.audit("2021-02-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!((s.status, s.scheduled_for), (Status::DueSoon, None));
    assert_eq!(a.set_aside.rows_left_out, 1);
}

#[test]
fn spec_2_9_only_the_earliest_of_several_late_completions_counts_as_a_booking() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2020-03-01");
    for (sched_for, done) in [("2021-02-20", "2021-02-25"), ("2022-02-20", "2022-02-25")] {
        r.row(
            "O1",
            Verification,
            Row {
                scheduled: Some(sched_for),
                completed: Some(done),
                ..Row::default()
            },
        );
    }
    let a = r.audit("2021-02-01");
    assert!(!has(&a, "O1", FindingCode::MultiplePending));
    assert_eq!(
        sched(&a, "O1", Some(Regime::Other)).scheduled_for,
        Some(d("2021-02-20"))
    );
}

#[test]
fn spec_2_9_snapshots_after_the_audit_date_are_set_aside() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.entry("U1", "2020-03-01");
    r.snap("U1", "2021-01-01", 100_000, 0);
    r.snap("U1", "2021-03-01", 300_000, 0);
    r.booked("U1", Verification, "2021-03-01");
    let a = r.audit("2021-02-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(
        (s.domestic, s.next_type),
        (Some(100_000), Some(Verification))
    );
    assert_eq!(a.set_aside.snapshots, 1);
}

#[test]
fn spec_2_9_a_user_with_everything_after_the_audit_date_had_not_joined() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2022-03-01");
    r.user("O2", &[OtherUser]);
    let a = r.audit("2021-06-30");
    assert!(a.schedules.iter().all(|s| &*s.user_id != "O1"));
    // A User with no dates at all is still audited (ENTRY_MISSING).
    assert_eq!(codes(&a, "O2"), [(FindingCode::EntryMissing, None)]);
    assert_eq!((a.users, a.set_aside.users), (1, 1));
}

#[test]
fn spec_2_9_a_submission_after_the_audit_date_is_not_yet_made() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2019-05-01");
    r.done("O1", Verification, "2020-05-01");
    r.row(
        "O1",
        SelfA,
        Row {
            completed: Some("2021-04-01"),
            submitted: Some("2021-06-01"),
            ..Row::default()
        },
    );
    let a = r.audit("2021-05-15");
    assert_eq!(
        codes(&a, "O1"),
        [(FindingCode::SelfNotSubmitted, Some(d("2021-05-01")))]
    );
    let later = r.audit("2021-07-01");
    assert_eq!(
        codes(&later, "O1"),
        [(FindingCode::SelfSubmittedLate, Some(d("2021-05-01")))]
    );
}

#[test]
fn spec_2_9_a_notification_after_the_audit_date_hides_the_g5_27_finding() {
    let mut r = Reg::new();
    r.reg.has_sms_notified_column = true;
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2020-03-01");
    r.group("O1", "G");
    r.reg.users[0].sms_notified_on = crate::model::Located::bare(Some(d("2021-09-01")));
    let a = r.audit("2021-06-30");
    assert!(!has(&a, "O1", FindingCode::SmsNotificationOverdue));
    assert_eq!(a.set_aside.notifications, 1);
}
