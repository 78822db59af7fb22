//! G8.41–G8.47, G8.43, G8.46, G8.49, G8.63: counts at the determination date and the category.

use super::support::*;
use crate::rules::counts::Category;
use crate::rules::findings::FindingCode;
use crate::rules::regime::Regime;

const A: &str = "2026-11-01";

/// A supplier with entry in 2024 and counts (D, N) from 2024.
fn supplier(domestic: u64, non_domestic: u64) -> Reg {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.entry("U1", "2026-06-01");
    r.snap("U1", "2026-10-01", domestic, non_domestic);
    r
}

fn category(r: &Reg) -> Option<Category> {
    sched(&r.audit(A), "U1", Some(Regime::Supplier)).category
}

#[test]
fn g8_41_a_domestic_over_250_000_is_large() {
    let r = supplier(250_001, 0);
    assert_eq!(category(&r), Some(Category::SupplierLarge));
    assert_eq!(
        sched(&r.audit(A), "U1", Some(Regime::Supplier)).limbs(),
        ["G8.41(a)", "G8.41(c)"]
    );
}

#[test]
fn g8_41_a_exactly_250_000_is_not_large() {
    assert_eq!(
        category(&supplier(250_000, 0)),
        Some(Category::SupplierSmall)
    );
}

#[test]
fn g8_41_b_50_001_non_domestic_is_large() {
    let r = supplier(0, 50_001);
    assert_eq!(category(&r), Some(Category::SupplierLarge));
    assert_eq!(
        sched(&r.audit(A), "U1", Some(Regime::Supplier)).limbs(),
        ["G8.41(b)", "G8.41(c)"]
    );
}

#[test]
fn g8_41_b_exactly_50_000_non_domestic_is_not_large() {
    assert_eq!(
        category(&supplier(0, 50_000)),
        Some(Category::SupplierSmall)
    );
}

#[test]
fn g8_41_c_5n_plus_d_over_250_000_is_large() {
    let r = supplier(20_000, 48_000);
    let a = r.audit(A);
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.category, Some(Category::SupplierLarge));
    assert_eq!(s.limbs(), ["G8.41(c)"]);
    assert!(
        s.explanation
            .contains("G8.41(c): D 20,000 + 5 × N 48,000 = 260,000 > 250,000"),
        "{}",
        s.explanation
    );
}

#[test]
fn g8_41_c_5n_plus_d_exactly_250_000_is_not_large() {
    assert_eq!(
        category(&supplier(50_000, 40_000)),
        Some(Category::SupplierSmall)
    );
}

#[test]
fn g8_42_small_supplier_explanation_shows_the_figures() {
    let r = supplier(180_412, 9_900);
    let a = r.audit(A);
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.category, Some(Category::SupplierSmall));
    assert!(
        s.explanation.starts_with("supplier-small (G8.42): "),
        "{}",
        s.explanation
    );
    assert!(
        s.explanation
            .contains("D 180,412 + 5 × N 9,900 = 229,912 ≤ 250,000 at 2026-10-01"),
        "{}",
        s.explanation
    );
    assert_eq!((s.domestic, s.non_domestic), (Some(180_412), Some(9_900)));
    assert_eq!(s.counts_as_of, Some(d("2026-10-01")));
}

#[test]
fn g8_41_before_secmp0059_non_domestic_premises_did_not_count() {
    let mut r = Reg::new();
    r.user("U1", &[GasSupplier]);
    r.entry("U1", "2017-06-01");
    r.snap("U1", "2018-01-01", 10_000, 60_000);
    // Booked before 2019-02-28: determined under the old rules.
    r.booked("U1", Verification, "2018-06-01");
    let a = r.audit("2018-03-01");
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.category, Some(Category::SupplierSmall));
    assert_eq!(s.rules_version.as_deref(), Some("pre-SECMP0059"));
    assert_eq!(s.next_type, Some(Verification));
}

#[test]
fn g8_44_network_over_250_000_is_large_and_exactly_is_small() {
    for (d_count, expected) in [
        (250_001, Category::NetworkLarge),
        (250_000, Category::NetworkSmall),
    ] {
        let mut r = Reg::new();
        r.user("N1", &[ElectricityDistributor]);
        r.entry("N1", "2026-06-01");
        r.snap("N1", "2026-10-01", d_count, 999_999);
        let a = r.audit(A);
        assert_eq!(
            sched(&a, "N1", Some(Regime::Network)).category,
            Some(expected)
        );
    }
}

#[test]
fn g8_43_a_shared_resources_group_adds_the_other_suppliers_counts() {
    let mut r = supplier(150_000, 0);
    r.user("U2", &[GasSupplier]);
    r.entry("U2", "2026-06-01");
    r.snap("U2", "2026-10-01", 150_000, 0);
    r.group("U1", "Shared CRM");
    r.group("U2", " shared crm ");
    let a = r.audit(A);
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.category, Some(Category::SupplierLarge));
    assert_eq!(s.domestic, Some(300_000));
}

#[test]
fn g8_43_resources_from_an_srp_do_not_aggregate_suppliers() {
    let mut r = supplier(150_000, 0);
    r.user("U2", &[GasSupplier]);
    r.snap("U2", "2026-10-01", 150_000, 0);
    r.user("S1", &[SharedResourceProvider]);
    r.srp("U1", "S1");
    r.srp("U2", "S1");
    let a = r.audit(A);
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).domestic,
        Some(150_000)
    );
}

#[test]
fn g8_46_network_parties_sharing_an_srp_aggregate() {
    let mut r = Reg::new();
    for id in ["N1", "N2"] {
        r.user(id, &[GasTransporter]);
        r.entry(id, "2026-06-01");
        r.snap(id, "2026-10-01", 130_000, 0);
        r.srp(id, "S1");
    }
    r.user("S1", &[SharedResourceProvider]);
    let a = r.audit(A);
    let s = sched(&a, "N1", Some(Regime::Network));
    assert_eq!(s.domestic, Some(260_000));
    assert_eq!(s.category, Some(Category::NetworkLarge));
}

#[test]
fn g8_43_each_other_user_is_counted_once_however_many_links() {
    let mut r = supplier(100_000, 0);
    r.user("U2", &[ImportSupplier]);
    r.snap("U2", "2026-10-01", 100_000, 0);
    for g in ["G1", "G2"] {
        r.group("U1", g);
        r.group("U2", g);
    }
    let a = r.audit(A);
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).domestic,
        Some(200_000)
    );
}

#[test]
fn g8_63_a_srp_counts_are_the_sums_over_the_suppliers_it_serves() {
    let mut r = Reg::new();
    r.user("S1", &[SharedResourceProvider]);
    r.entry("S1", "2026-06-01");
    for (id, dom, nd) in [("U1", 100_000, 20_000), ("U2", 50_000, 15_000)] {
        r.user(id, &[ImportSupplier]);
        r.srp(id, "S1");
        r.snap(id, "2026-10-01", dom, nd);
    }
    r.user("N1", &[ElectricityDistributor]);
    r.srp("N1", "S1");
    r.snap("N1", "2026-10-01", 40_000, 0);
    let a = r.audit(A);
    let s = sched(&a, "S1", Some(Regime::SrpSupplier));
    assert_eq!((s.domestic, s.non_domestic), (Some(150_000), Some(35_000)));
    // 5 × 35,000 + 150,000 = 325,000 > 250,000.
    assert_eq!(s.category, Some(Category::SupplierLarge));
    assert_eq!(s.limbs(), ["G8.41(c)"]);
    let n = sched(&a, "S1", Some(Regime::SrpNetwork));
    assert_eq!(
        (n.domestic, n.category),
        (Some(40_000), Some(Category::NetworkSmall))
    );
    assert!(
        sched(&a, "S1", Some(Regime::SrpSupplier))
            .explanation
            .contains("G8.63")
    );
}

#[test]
fn g8_63_c_srp_serving_an_other_user_follows_g8_47() {
    let mut r = Reg::new();
    r.user("S1", &[SharedResourceProvider]);
    r.entry("S1", "2026-06-01");
    r.user("O1", &[ExportSupplier]);
    r.srp("O1", "S1");
    let a = r.audit(A);
    let s = sched(&a, "S1", Some(Regime::SrpOther));
    assert_eq!(s.category, Some(Category::Other));
    assert_eq!(s.next_type, Some(Verification));
    assert_eq!(s.due, Some(d("2027-06-01")));
}

#[test]
fn spec_6_13_a_user_that_left_no_longer_counts_in_others_sums() {
    let mut r = supplier(150_000, 0);
    r.user("U2", &[GasSupplier]);
    r.snap("U2", "2026-10-01", 150_000, 0);
    r.left("U2", "2026-10-15");
    r.group("U1", "G");
    r.group("U2", "G");
    let a = r.audit(A);
    assert_eq!(
        sched(&a, "U1", Some(Regime::Supplier)).domestic,
        Some(150_000)
    );
    let before = r.audit("2026-10-14");
    assert_eq!(
        sched(&before, "U1", Some(Regime::Supplier)).domestic,
        Some(300_000)
    );
}

#[test]
fn g8_49_counts_are_those_of_the_latest_snapshot_on_or_before_t() {
    let mut r = supplier(100_000, 0);
    r.snap("U1", "2026-11-01", 300_000, 0);
    r.snap("U1", "2026-12-01", 100_000, 0);
    let a = r.audit(A);
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!(s.domestic, Some(300_000));
    assert_eq!(s.category, Some(Category::SupplierLarge));
}

#[test]
fn g8_48_missing_counts_leave_category_and_type_null_but_compute_the_due_date() {
    let mut r = Reg::new();
    r.user("U1", &[ImportSupplier]);
    r.entry("U1", "2026-06-01");
    let a = r.audit(A);
    let s = sched(&a, "U1", Some(Regime::Supplier));
    assert_eq!((s.category, s.next_type), (None, None));
    assert_eq!(s.due, Some(d("2027-06-01")));
    assert_eq!(s.status.as_str(), "ok");
    assert_eq!(codes(&a, "U1"), [(FindingCode::PremisesMissing, None)]);
    assert_eq!(find(&a, "U1", FindingCode::PremisesMissing).regime, None);
}

#[test]
fn g8_48_a_group_mate_without_counts_makes_the_type_undetermined() {
    let mut r = supplier(100_000, 0);
    r.user("U2", &[GasSupplier]);
    r.group("U1", "G");
    r.group("U2", "G");
    let a = r.audit(A);
    assert_eq!(sched(&a, "U1", Some(Regime::Supplier)).category, None);
    let f = find(&a, "U1", FindingCode::PremisesMissing);
    assert!(f.message.contains("U2"), "{}", f.message);
}
