//! G8.40–G8.47 in a schedule: the chain, the next type and the due date.

use super::support::*;
use crate::model::{Purpose, RecordedStatus};
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;

fn small_supplier() -> Reg {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    monthly(&mut r, "U1", "2018-01-01", "2026-11-01", 100_000, 1_000);
    r
}

#[test]
fn g8_40_first_annual_is_due_12_months_after_approval() {
    let mut r = small_supplier();
    r.row(
        "U1",
        Full,
        Row {
            completed: Some("2025-09-10"),
            status: Some(RecordedStatus::ApprovedSubjectToSteps),
            status_set: Some("2025-11-20"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-11-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.next_type, Some(Verification));
    assert_eq!(s.due, Some(d("2026-11-20")));
    assert_eq!(s.last_type, Some(Full));
}

#[test]
fn g8_40_an_entry_follow_up_anchors_the_cycle() {
    let mut r = small_supplier();
    r.row(
        "U1",
        Full,
        Row {
            completed: Some("2025-09-10"),
            status: Some(RecordedStatus::ApprovedSubjectToStepsAndFollowUp),
            status_set: Some("2025-10-01"),
            ..Row::default()
        },
    );
    r.row(
        "U1",
        FollowUp,
        Row {
            completed: Some("2026-01-15"),
            ..Row::default()
        },
    );
    let a = r.audit("2026-11-01");
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).due,
        Some(d("2027-01-15"))
    );
}

#[test]
fn g8_40_without_a_status_date_the_entry_completion_anchors() {
    let mut r = small_supplier();
    r.row(
        "U1",
        Full,
        Row {
            completed: Some("2025-12-01"),
            status: Some(RecordedStatus::Approved),
            ..Row::default()
        },
    );
    let a = r.audit("2026-06-01");
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).due,
        Some(d("2026-12-01"))
    );
}

#[test]
fn g8_42_each_later_assessment_is_due_12_months_after_the_previous_completion() {
    let mut r = small_supplier();
    r.entry("U1", "2021-03-01");
    r.done("U1", Verification, "2022-02-25");
    r.done("U1", SelfA, "2023-02-20");
    r.done("U1", Full, "2024-02-15");
    r.done("U1", Verification, "2025-02-10");
    let a = r.audit("2025-11-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.next_type, Some(SelfA));
    assert_eq!(s.due, Some(d("2026-02-10")));
    assert_eq!(s.last_type, Some(Verification));
    assert_eq!(s.last_completed, Some(d("2025-02-10")));
    assert!(codes(&a, "U1").is_empty(), "{:?}", codes(&a, "U1"));
}

#[test]
fn g8_40_due_12_months_after_29_february_is_28_february() {
    let mut r = small_supplier();
    r.entry("U1", "2023-01-10");
    r.done("U1", Verification, "2024-02-29");
    let a = r.audit("2024-12-01");
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).due,
        Some(d("2025-02-28"))
    );
}

#[test]
fn g8_44_network_large_runs_verification_verification_full() {
    let mut r = Reg::new();
    r.user("N1", &[ElectricityDistributor]);
    monthly(&mut r, "N1", "2018-01-01", "2026-11-01", 900_000, 0);
    r.entry("N1", "2021-01-01");
    r.done("N1", Verification, "2022-01-01");
    let a = r.audit("2022-06-01");
    assert_eq!(
        sched(&a, "N1", Some(Regime::Network)).next_type,
        Some(Verification)
    );
    r.done("N1", Verification, "2023-01-01");
    let a = r.audit("2023-06-01");
    assert_eq!(sched(&a, "N1", Some(Regime::Network)).next_type, Some(Full));
    r.done("N1", Full, "2024-01-01");
    let a = r.audit("2024-06-01");
    assert_eq!(
        sched(&a, "N1", Some(Regime::Network)).next_type,
        Some(Verification)
    );
    assert!(codes(&a, "N1").is_empty(), "{:?}", codes(&a, "N1"));
}

#[test]
fn g8_41_large_supplier_owes_a_full_every_year() {
    let mut r = Reg::new();
    r.user("U1", &[GasSupplier]);
    monthly(&mut r, "U1", "2018-01-01", "2026-11-01", 400_000, 0);
    r.entry("U1", "2022-05-01");
    r.done("U1", Full, "2023-04-20");
    let a = r.audit("2023-06-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!((s.next_type, s.due), (Some(Full), Some(d("2024-04-20"))));
}

#[test]
fn g8_47_old_other_cycle_before_2019_02_28_then_new() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2016-03-01");
    r.done("O1", SelfA, "2017-03-01");
    let a = r.audit("2017-06-01");
    // Before 2019-02-28, after one Self comes a second Self.
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).next_type, Some(SelfA));
    r.done("O1", SelfA, "2018-03-01");
    let a = r.audit("2018-06-01");
    assert_eq!(sched(&a, "O1", Some(Regime::Other)).next_type, Some(Full));
    r.done("O1", Full, "2019-03-01");
    // From 2019-02-28: Full is followed by a Verification.
    let a = r.audit("2019-06-01");
    let s = sched(&a, "O1", Some(Regime::Other));
    assert_eq!(s.next_type, Some(Verification));
    assert_eq!(s.rules_version.as_deref(), Some("SECMP0059"));
    assert!(codes(&a, "O1").is_empty(), "{:?}", codes(&a, "O1"));
}

#[test]
fn spec_6_16_a_row_booked_before_2019_02_28_is_judged_under_the_old_rules() {
    let mut r = Reg::new();
    r.user("O1", &[OtherUser]);
    r.entry("O1", "2018-01-15");
    // Booked for 2019-01-10 (old rules: Self after Full), done after the change.
    r.row(
        "O1",
        SelfA,
        Row {
            scheduled: Some("2019-01-10"),
            completed: Some("2019-03-05"),
            submitted: Some("2019-03-05"),
            ..Row::default()
        },
    );
    let a = r.audit("2019-06-01");
    assert!(
        !has(&a, "O1", FindingCode::WrongType),
        "{:?}",
        codes(&a, "O1")
    );
    assert_eq!(
        codes(&a, "O1"),
        [(FindingCode::SelfSubmittedLate, Some(d("2019-01-15")))]
    );
}

#[test]
fn spec_6_8_a_more_thorough_type_meets_the_requirement_and_the_cycle_goes_on_from_it() {
    let mut r = small_supplier();
    r.entry("U1", "2023-01-10");
    r.done("U1", Full, "2024-01-05");
    let a = r.audit("2024-06-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert!(!has(&a, "U1", FindingCode::WrongType));
    assert!(
        s.explanation.contains("met the required Verification"),
        "{}",
        s.explanation
    );
    // The chain continues from the Full actually done.
    assert_eq!(s.next_type, Some(Verification));
}

#[test]
fn spec_2_4_the_chain_uses_the_types_recorded() {
    let mut r = small_supplier();
    r.entry("U1", "2023-01-10");
    r.done("U1", SelfA, "2024-01-05");
    let a = r.audit("2024-06-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.next_type, Some(Full));
    let f = find(&a, "U1", FindingCode::WrongType);
    assert_eq!(f.due, Some(d("2024-01-10")));
    assert_eq!(f.clause, "G8.42");
}

#[test]
fn spec_1_3_purpose_inference_earliest_full_is_entry_and_later_full_annual() {
    let mut r = small_supplier();
    r.row(
        "U1",
        Full,
        Row {
            completed: Some("2024-01-10"),
            ..Row::default()
        },
    );
    r.row(
        "U1",
        Full,
        Row {
            completed: Some("2023-01-10"),
            ..Row::default()
        },
    );
    let a = r.audit("2024-06-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    // The 2023 Full is the Entry (blank status, only one: approved on completion).
    assert_eq!(s.last_completed, Some(d("2024-01-10")));
    assert_eq!(s.next_type, Some(Verification));
    assert!(!has(&a, "U1", FindingCode::CompletedLate));
}

#[test]
fn spec_6_21_explicit_purpose_wins() {
    let mut r = small_supplier();
    r.entry("U1", "2023-01-10");
    r.row(
        "U1",
        Full,
        Row {
            purpose: Some(Purpose::Annual),
            completed: Some("2022-12-01"),
            ..Row::default()
        },
    );
    let a = r.audit("2023-06-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.last_completed, Some(d("2022-12-01")));
}

/// A Full written Entry and a blank Full completed the same day: the written one is the Entry
/// Full and the blank one an Annual Full, whichever comes first in the register (the order of
/// the rows never changes the report).
#[test]
fn spec_6_21_a_blank_full_on_the_entry_fulls_date_is_annual_in_any_row_order() {
    let explanation = |blank_first: bool| {
        let mut r = small_supplier();
        let entry = |r: &mut Reg| {
            r.row(
                "U1",
                Full,
                Row {
                    purpose: Some(Purpose::Entry),
                    completed: Some("2023-01-10"),
                    status: Some(RecordedStatus::Approved),
                    status_set: Some("2023-02-01"),
                    ..Row::default()
                },
            );
        };
        if !blank_first {
            entry(&mut r);
        }
        r.done("U1", Full, "2023-01-10");
        if blank_first {
            entry(&mut r);
        }
        let a = r.audit("2023-06-01");
        sched(&a, "U1", Some(Regime::Supplier)).explanation.clone()
    };
    let (after, before) = (explanation(false), explanation(true));
    assert!(after.contains("last: Full completed 2023-01-10"), "{after}");
    assert_eq!(before, after);
}

#[test]
fn g8_30_roles_covered_keeps_a_row_to_its_regime() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier, ElectricityDistributor]);
    monthly(&mut r, "U1", "2022-01-01", "2026-11-01", 10_000, 0);
    r.entry("U1", "2024-01-10");
    r.row(
        "U1",
        Verification,
        Row {
            roles_covered: Some(vec![ImportSupplier]),
            completed: Some("2025-01-05"),
            ..Row::default()
        },
    );
    let a = r.audit("2025-06-01");
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).next_type,
        Some(SelfA)
    );
    let n = sched(&a, "U1", Some(Regime::Network));
    assert_eq!(n.next_type, Some(Verification));
    assert_eq!(n.status.as_str(), "overdue");
}
