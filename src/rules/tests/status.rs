//! SPEC §2.7: the schedule status at the audit date, with its boundaries.

use super::support::*;
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;
use crate::rules::schedule::Status;

/// An Other User whose next Verification is due 2026-12-01.
fn due_2026_12_01() -> Reg {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2025-12-01");
    r
}

fn status(r: &Reg, as_of: &str) -> Status {
    sched(&r.audit(as_of), "O1", Some(Regime::Other)).status
}

#[test]
fn spec_2_7_due_on_the_audit_date_is_due_soon_with_0_days_left() {
    let r = due_2026_12_01();
    let a = r.audit("2026-12-01");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).status, Status::DueSoon);
    let f = find(&a, "O1", FindingCode::DueSoon);
    assert_eq!((f.due, f.days), (Some(d("2026-12-01")), Some(0)));
}

#[test]
fn spec_2_7_one_day_after_the_due_date_is_overdue() {
    let r = due_2026_12_01();
    let a = r.audit("2026-12-02");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).status, Status::Overdue);
    let f = find(&a, "O1", FindingCode::Overdue);
    assert_eq!((f.due, f.days), (Some(d("2026-12-01")), Some(1)));
    assert_eq!(f.clause, "G8.47");
}

#[test]
fn spec_6_5_due_soon_window_is_inclusive_of_90_days() {
    let r = due_2026_12_01();
    // 2026-09-02 + 90 days = 2026-12-01.
    assert_eq!(status(&r, "2026-09-02"), Status::DueSoon);
    assert_eq!(status(&r, "2026-09-01"), Status::Ok);
}

#[test]
fn spec_2_7_booked_on_the_due_date_is_scheduled() {
    let mut r = due_2026_12_01();
    r.booked("O1", Verification, "2026-12-01");
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.status, s.scheduled_for),
        (Status::Scheduled, Some(d("2026-12-01")))
    );
    assert!(codes(&a, "O1").is_empty(), "{:?}", codes(&a, "O1"));
}

#[test]
fn spec_2_7_booked_one_day_after_the_due_date_is_scheduled_late() {
    let mut r = due_2026_12_01();
    r.booked("O1", Verification, "2026-12-02");
    let a = r.audit("2026-11-01");
    assert_eq!(
        sched(&a, "O1", Some(Regime::Other)).status,
        Status::ScheduledLate
    );
    let f = find(&a, "O1", FindingCode::ScheduledLate);
    assert_eq!((f.due, f.days), (Some(d("2026-12-01")), Some(1)));
    assert_eq!(codes(&a, "O1").len(), 1);
}

#[test]
fn spec_6_7_once_overdue_scheduled_late_is_not_reported() {
    let mut r = due_2026_12_01();
    r.booked("O1", Verification, "2027-01-15");
    let a = r.audit("2026-12-10");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).status, Status::Overdue);
    assert_eq!(
        codes(&a, "O1"),
        [(FindingCode::Overdue, Some(d("2026-12-01")))]
    );
    assert!(
        find(&a, "O1", FindingCode::Overdue)
            .message
            .contains("booked for 2027-01-15")
    );
}

#[test]
fn spec_6_6_the_booking_is_the_earliest_uncompleted_row_with_a_date() {
    let mut r = due_2026_12_01();
    r.booked("O1", Verification, "2027-02-01");
    r.booked("O1", Verification, "2026-11-20");
    let a = r.audit("2026-11-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(s.scheduled_for, Some(d("2026-11-20")));
    assert_eq!(s.status, Status::Scheduled);
    assert_eq!(codes(&a, "O1"), [(FindingCode::MultiplePending, None)]);
}

#[test]
fn spec_6_2_a_user_with_no_regime_is_not_subject() {
    let mut r = Reg::new();
    r.user("X1", &[ExportSupplier, RegisteredSupplierAgent]);
    let a = r.audit("2026-11-01");
    let s = sched(&a, "X1", None);
    assert_eq!(
        (s.status, s.category, s.next_type),
        (Status::NotSubject, None, None)
    );
    assert!(codes(&a, "X1").is_empty());
}

#[test]
fn spec_2_8_a_user_that_left_keeps_findings_due_before_leaving() {
    let mut r = due_2026_12_01();
    r.left("O1", "2027-03-01");
    let a = r.audit("2027-06-01");
    assert_eq!(status(&r, "2027-06-01"), Status::Left);
    let f = find(&a, "O1", FindingCode::Overdue);
    assert_eq!(f.due, Some(d("2026-12-01")));
    // Days late at the audit date, as for every open item.
    assert_eq!(f.days, Some(182));
}

#[test]
fn spec_6_25_nothing_due_after_leaving_is_reported() {
    let mut r = due_2026_12_01();
    r.left("O1", "2026-11-15");
    let a = r.audit("2027-06-01");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).status, Status::Left);
    assert!(codes(&a, "O1").is_empty(), "{:?}", codes(&a, "O1"));
}

#[test]
fn spec_6_25_leaving_in_the_future_drops_findings_due_after_it() {
    let mut r = due_2026_12_01();
    r.left("O1", "2026-11-15");
    let a = r.audit("2026-11-01");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).status, Status::DueSoon);
    assert!(codes(&a, "O1").is_empty(), "{:?}", codes(&a, "O1"));
}

#[test]
fn spec_6_28_forecast_counts_due_months_and_overdue_in_the_audit_month() {
    let mut r = due_2026_12_01();
    r.user("O2", &[OtherUser]);
    r.entry("O2", "2025-06-01");
    let a = r.audit("2026-11-01");
    assert_eq!(a.forecast.len(), 12);
    assert_eq!(a.forecast[0].month, "2026-11");
    assert_eq!(a.forecast[0].verification, 1); // O2, overdue since 2026-06-01
    assert_eq!(a.forecast[1].month, "2026-12");
    assert_eq!(a.forecast[1].verification, 1); // O1
    assert_eq!(a.forecast[11].month, "2027-10");
    let total: u32 = a
        .forecast
        .iter()
        .map(|m| m.full + m.verification + m.self_assessment)
        .sum();
    assert_eq!(total, 2);
}
