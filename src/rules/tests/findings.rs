//! SPEC §4: one test per finding code, asserting its code, due date, days and clause.

use super::support::*;
use crate::model::Located;
use crate::rules::findings::FindingCode::*;
use crate::rules::regime::Regime;

fn other_since(entry: &str) -> Reg {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", entry);
    r
}

#[test]
fn g8_47_completed_late_when_done_after_the_due_date() {
    let mut r = other_since("2024-05-01");
    r.done("O1", Verification, "2025-05-11");
    let a = r.audit("2025-08-01");
    let f = find(&a, "O1", CompletedLate);
    assert_eq!(
        (f.due, f.days, f.clause),
        (Some(d("2025-05-01")), Some(10), "G8.47")
    );
    assert_eq!(f.source.as_ref().unwrap().to_string(), "Assessments!F3");
    // Done on the due date itself is on time.
    let mut r = other_since("2024-05-01");
    r.done("O1", Verification, "2025-05-01");
    assert!(codes(&r.audit("2025-08-01"), "O1").is_empty());
}

#[test]
fn g8_42_wrong_type_when_less_thorough_than_required() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    monthly(&mut r, "U1", "2023-01-01", "2025-08-01", 400_000, 0);
    r.entry("U1", "2024-05-01");
    r.done("U1", Verification, "2025-04-20");
    let a = r.audit("2025-08-01");
    let f = find(&a, "U1", WrongType);
    assert_eq!((f.due, f.clause), (Some(d("2025-05-01")), "G8.41"));
    assert_eq!(codes(&a, "U1"), [(WrongType, Some(d("2025-05-01")))]);
}

#[test]
fn g8_50_b_self_not_submitted() {
    let mut r = other_since("2023-05-01");
    r.done("O1", Verification, "2024-05-01");
    r.row(
        "O1",
        SelfA,
        Row {
            completed: Some("2025-04-01"),
            ..Row::default()
        },
    );
    let a = r.audit("2025-05-03");
    let f = find(&a, "O1", SelfNotSubmitted);
    assert_eq!(
        (f.due, f.days, f.clause),
        (Some(d("2025-05-01")), Some(2), "G8.50(b)")
    );
    // Before the deadline passes there is nothing to report.
    assert!(codes(&r.audit("2025-05-01"), "O1").is_empty());
}

#[test]
fn g8_50_b_self_submitted_late_and_never_also_completed_late() {
    let mut r = other_since("2023-05-01");
    r.done("O1", Verification, "2024-05-01");
    r.row(
        "O1",
        SelfA,
        Row {
            completed: Some("2025-06-01"),
            submitted: Some("2025-06-05"),
            ..Row::default()
        },
    );
    let a = r.audit("2025-08-01");
    assert_eq!(
        codes(&a, "O1"),
        [(SelfSubmittedLate, Some(d("2025-05-01")))]
    );
    assert_eq!(find(&a, "O1", SelfSubmittedLate).days, Some(35));
}

#[test]
fn spec_6_9_a_self_with_only_a_submission_completed_on_it() {
    let mut r = other_since("2023-05-01");
    r.done("O1", Verification, "2024-05-01");
    r.row(
        "O1",
        SelfA,
        Row {
            submitted: Some("2025-04-10"),
            ..Row::default()
        },
    );
    let a = r.audit("2025-08-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(
        (s.last_type, s.last_completed),
        (Some(SelfA), Some(d("2025-04-10")))
    );
    assert_eq!((s.next_type, s.due), (Some(Full), Some(d("2026-04-10"))));
}

#[test]
fn g8_24_response_overdue_and_late() {
    let mut r = other_since("2025-01-10");
    r.row(
        "O1",
        Verification,
        Row {
            completed: Some("2026-01-05"),
            response_due: Some("2026-02-01"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-02-11");
    let f = find(&a, "O1", ResponseOverdue);
    assert_eq!(
        (f.due, f.days, f.clause),
        (Some(d("2026-02-01")), Some(10), "G8.24")
    );
    assert_eq!(f.regime, Some(Regime::Other));

    let mut r = other_since("2025-01-10");
    r.row(
        "O1",
        Verification,
        Row {
            completed: Some("2026-01-05"),
            response_due: Some("2026-02-01"),
            response_submitted: Some("2026-02-03"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-03-01");
    assert_eq!(codes(&a, "O1"), [(ResponseLate, Some(d("2026-02-01")))]);
    assert_eq!(find(&a, "O1", ResponseLate).days, Some(2));
}

#[test]
fn g8_28_a_remedial_overdue_and_late() {
    let base = Row {
        completed: Some("2026-01-05"),
        remedial_due: Some("2026-06-30"),
        ..Row::default()
    };
    let mut r = other_since("2025-01-10");
    r.row("O1", Verification, base.clone());
    let a = r.audit("2026-07-01");
    let f = find(&a, "O1", RemedialOverdue);
    assert_eq!(
        (f.due, f.days, f.clause),
        (Some(d("2026-06-30")), Some(1), "G8.28(a)")
    );

    let mut r = other_since("2025-01-10");
    r.row(
        "O1",
        Verification,
        Row {
            remedial_completed: Some("2026-07-04"),
            ..base
        },
    );
    let a = r.audit("2026-08-01");
    assert_eq!(codes(&a, "O1"), [(RemedialLate, Some(d("2026-06-30")))]);
}

#[test]
fn g8_29_follow_up_overdue_then_late_when_done() {
    let base = Row {
        completed: Some("2026-01-05"),
        follow_up_due: Some("2026-05-01"),
        ..Row::default()
    };
    let mut r = other_since("2025-01-10");
    r.row("O1", Verification, base.clone());
    let a = r.audit("2026-06-01");
    let f = find(&a, "O1", FollowUpOverdue);
    assert_eq!(
        (f.due, f.days, f.clause),
        (Some(d("2026-05-01")), Some(31), "G8.29")
    );

    r.row(
        "O1",
        FollowUp,
        Row {
            completed: Some("2026-05-20"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-06-01");
    assert_eq!(codes(&a, "O1"), [(FollowUpLate, Some(d("2026-05-01")))]);
    assert_eq!(find(&a, "O1", FollowUpLate).days, Some(19));
}

#[test]
fn spec_6_22_a_follow_up_row_meets_its_own_due_date() {
    let mut r = other_since("2025-01-10");
    r.row(
        "O1",
        FollowUp,
        Row {
            completed: Some("2026-04-20"),
            follow_up_due: Some("2026-05-01"),
            ..Row::default()
        },
    );
    assert!(codes(&r.audit("2026-06-01"), "O1").is_empty());
}

#[test]
fn g8_47_wrong_type_scheduled_when_the_booking_is_less_thorough() {
    let mut r = other_since("2025-12-01");
    r.booked("O1", SelfA, "2026-11-20");
    let a = r.audit("2026-11-01");
    let f = find(&a, "O1", WrongTypeScheduled);
    assert_eq!((f.due, f.clause), (Some(d("2026-12-01")), "G8.47"));
    assert_eq!(
        codes(&a, "O1"),
        [(WrongTypeScheduled, Some(d("2026-12-01")))]
    );
}

#[test]
fn g8_49_category_changed_since_the_last_assessment() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.snap("U1", "2024-01-01", 100_000, 0);
    r.snap("U1", "2026-01-01", 300_000, 0);
    r.entry("U1", "2024-03-01");
    r.done("U1", Verification, "2025-03-01");
    let a = r.audit("2026-02-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.next_type, Some(Full));
    assert_eq!(
        codes(&a, "U1"),
        [
            (CategoryChanged, Some(d("2026-03-01"))),
            (DueSoon, Some(d("2026-03-01")))
        ]
    );
    assert_eq!(find(&a, "U1", CategoryChanged).clause, "G8.49");
}

#[test]
fn spec_6_23_no_category_changed_before_an_annual_row() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.snap("U1", "2024-01-01", 100_000, 0);
    r.snap("U1", "2025-01-01", 300_000, 0);
    r.entry("U1", "2024-03-01");
    assert!(!has(&r.audit("2025-02-01"), "U1", CategoryChanged));
}

#[test]
fn spec_6_12_near_threshold_from_95_percent_inclusive() {
    for (dom, near) in [(237_500, true), (237_499, false), (250_000, true)] {
        let mut r = Reg::new();
        r.user("U1", &[ImportSupplier]);
        r.snap("U1", "2026-10-01", dom, 0);
        r.entry("U1", "2026-06-01");
        let a = r.audit("2026-11-01");
        assert_eq!(has(&a, "U1", NearThreshold), near, "D = {dom}");
        if near {
            let f = find(&a, "U1", NearThreshold);
            assert_eq!((f.due, f.clause), (None, "G8.42"));
        }
    }
}

#[test]
fn spec_6_12_near_threshold_on_n_and_5n_plus_d() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.snap("U1", "2026-10-01", 0, 47_500);
    r.entry("U1", "2026-06-01");
    let a = r.audit("2026-11-01");
    let f = find(&a, "U1", NearThreshold);
    assert!(
        f.message.contains("G8.41(b)") && f.message.contains("G8.41(c)"),
        "{}",
        f.message
    );
}

#[test]
fn spec_6_12_no_near_threshold_for_large_categories() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.snap("U1", "2026-10-01", 250_001, 0);
    r.entry("U1", "2026-06-01");
    assert!(!has(&r.audit("2026-11-01"), "U1", NearThreshold));
}

fn sms_user(notified: Option<&str>) -> Reg {
    let mut r = other_since("2026-06-01");
    r.reg.has_sms_notified_column = true;
    r.group("O1", "Shared DC");
    r.reg.users[0].sms_notified_on = Located::bare(notified.map(d));
    r
}

#[test]
fn g5_27_b_notification_overdue_six_months_after_the_last() {
    let r = sms_user(Some("2026-04-30"));
    let a = r.audit("2026-11-01");
    let f = find(&a, "O1", SmsNotificationOverdue);
    assert_eq!(
        (f.regime, f.due, f.days),
        (None, Some(d("2026-10-30")), Some(2))
    );
    assert!(!has(&r.audit("2026-10-30"), "O1", SmsNotificationOverdue));
}

#[test]
fn g5_27_b_six_months_clamps_to_the_month_end() {
    let r = sms_user(Some("2026-08-31"));
    let a = r.audit("2027-03-01");
    assert_eq!(
        find(&a, "O1", SmsNotificationOverdue).due,
        Some(d("2027-02-28"))
    );
}

#[test]
fn g5_27_b_no_notification_recorded_has_no_due_date() {
    let r = sms_user(None);
    let a = r.audit("2026-11-01");
    assert_eq!(find(&a, "O1", SmsNotificationOverdue).due, None);
}

#[test]
fn g5_27_not_checked_without_the_column_or_without_shared_resources() {
    let mut r = sms_user(None);
    r.reg.has_sms_notified_column = false;
    assert!(!has(&r.audit("2026-11-01"), "O1", SmsNotificationOverdue));
    let mut r = sms_user(None);
    r.reg.users[0].shared_resources_groups.clear();
    assert!(!has(&r.audit("2026-11-01"), "O1", SmsNotificationOverdue));
}

#[test]
fn spec_4_2_premises_stale_after_45_days() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.entry("U1", "2026-06-01");
    r.snap("U1", "2026-09-17", 1_000, 0);
    // 2026-11-01 − 2026-09-17 = 45 days: not yet stale.
    assert!(!has(&r.audit("2026-11-01"), "U1", PremisesStale));
    let a = r.audit("2026-11-02");
    let f = find(&a, "U1", PremisesStale);
    assert_eq!((f.regime, f.due), (None, None));
    assert_eq!(f.source.as_ref().unwrap().to_string(), "Premises!B2");
}

#[test]
fn spec_6_14_srp_unknown_for_a_name_that_is_no_srp() {
    let mut r = other_since("2026-06-01");
    r.user("S1", &[SharedResourceProvider]);
    r.srp("O1", "S2");
    let a = r.audit("2026-11-01");
    let f = find(&a, "O1", SrpUnknown);
    assert_eq!(f.regime, None);
    assert!(f.message.contains("did you mean S1?"), "{}", f.message);
}

#[test]
fn g10_4_srp_no_users_and_srp_other_regime() {
    let mut r = Reg::new();
    r.user("S1", &[SharedResourceProvider]);
    r.entry("S1", "2026-06-01");
    let a = r.audit("2026-11-01");
    assert_eq!(codes(&a, "S1"), [(SrpNoUsers, None)]);
    assert_eq!(
        sched(&a, "S1", Some(Regime::SrpOther)).next_type,
        Some(Verification)
    );
}

#[test]
fn spec_4_2_multiple_pending_once_per_user() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier, ElectricityDistributor]);
    r.snap("U1", "2026-10-01", 1_000, 0);
    r.entry("U1", "2026-06-01");
    r.row("U1", Verification, Row::default());
    r.row("U1", Verification, Row::default());
    let a = r.audit("2026-11-01");
    assert_eq!(codes(&a, "U1"), [(MultiplePending, None)]);
}
