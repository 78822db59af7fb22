//! The order of the results (SPEC §3: reports are deterministic): schedules and findings by
//! user_id, row notes by assessment row, snapshot uses in register order — whatever the order of
//! the Users in the register and whatever the number of threads.

use super::support::*;
use crate::rules::Audit;
use crate::rules::findings::Finding;
use crate::rules::regime::Regime;

/// Users written out of id order, with several regimes, annual rows (notes, snapshot uses) and
/// findings each; `U1` twice (the reader keeps only the first of duplicate ids, but the rules do
/// not rely on it).
fn shuffled() -> Reg {
    let mut r = Reg::new();
    for (id, roles) in [
        ("U3", &[GasSupplier, GasTransporter][..]),
        ("U1", &[ImportSupplier, ElectricityDistributor][..]),
        ("U2", &[OtherUser][..]),
    ] {
        r.user(id, roles);
        r.entry(id, "2022-03-01");
        monthly(&mut r, id, "2022-01-01", "2026-10-01", 240_000, 1_000);
    }
    // Rows interleaved between Users, so notes need sorting across Users.
    for (k, year) in ["2023", "2024", "2025"].iter().enumerate() {
        for id in ["U2", "U3", "U1"] {
            let kind = if k == 1 { Verification } else { Full };
            r.done(id, kind, &format!("{year}-04-0{}", k + 2));
        }
    }
    r.user("U1", &[OtherUser]);
    r.user("U0", &[OtherUser]);
    r
}

fn audit_on(threads: usize, r: &Reg) -> Audit {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool");
    pool.install(|| r.audit("2026-11-01"))
}

fn finding_key(f: &Finding) -> impl Ord + '_ {
    (
        &f.user_id,
        f.regime,
        f.code.as_str(),
        f.due,
        &f.source,
        &f.message,
    )
}

#[test]
fn spec_3_results_are_in_report_order_whatever_the_register_order() {
    let a = audit_on(1, &shuffled());
    let schedules: Vec<(&str, Option<Regime>)> = a
        .schedules
        .iter()
        .map(|s| (&*s.user_id, s.regime))
        .collect();
    assert_eq!(
        schedules,
        [
            ("U0", Some(Regime::Other)),
            ("U1", Some(Regime::Network)),
            // The second `U1`, between the first one's schedules.
            ("U1", Some(Regime::Other)),
            ("U1", Some(Regime::Supplier)),
            ("U2", Some(Regime::Other)),
            ("U3", Some(Regime::Network)),
            ("U3", Some(Regime::Supplier)),
        ]
    );
    assert!(a.findings.len() > 3, "{:#?}", a.findings);
    assert!(
        a.findings
            .iter()
            .is_sorted_by(|x, y| finding_key(x) <= finding_key(y))
    );
    assert!(a.row_notes.len() > 9, "{:#?}", a.row_notes);
    // Each User's notes by assessment row, then regime.
    for notes in a.row_notes.lists() {
        assert!(notes.is_sorted_by_key(|n| (n.assessment, n.regime)));
    }
    // Snapshot uses follow the register's order of Users: U3, U1, U2 (none for U2, an Other User).
    let users: Vec<&str> = a.snapshot_uses.iter().map(|u| &*u.user_id).collect();
    let first_u1 = users.iter().position(|u| *u == "U1");
    let last_u3 = users.iter().rposition(|u| *u == "U3");
    assert!(last_u3 < first_u1, "{users:?}");
}

#[test]
fn spec_3_two_threads_give_the_same_audit_as_one() {
    let r = shuffled();
    let (one, two) = (audit_on(1, &r), audit_on(2, &r));
    assert_eq!(one.schedules, two.schedules);
    assert_eq!(one.findings, two.findings);
    assert_eq!(one.row_notes, two.row_notes);
    assert_eq!(one.snapshot_uses, two.snapshot_uses);
    assert_eq!(one.forecast, two.forecast);
    assert_eq!(one.versions_applied, two.versions_applied);
}

#[test]
fn spec_3_2_an_audit_without_annotations_differs_only_by_its_row_notes() {
    let r = shuffled();
    let with = r.audit("2026-11-01");
    let without = crate::rules::audit(
        &r.reg,
        &crate::rules::RuleSet::embedded(),
        &crate::rules::AuditParams {
            as_of: d("2026-11-01"),
            warn_days: 90,
            stale_days: 45,
            annotate: false,
        },
    );
    assert!(!with.row_notes.is_empty() && !with.snapshot_uses.is_empty());
    assert!(without.row_notes.is_empty() && without.snapshot_uses.is_empty());
    assert_eq!(with.schedules, without.schedules);
    assert_eq!(with.findings, without.findings);
    assert_eq!(with.forecast, without.forecast);
    assert_eq!(with.set_aside, without.set_aside);
    assert_eq!(with.versions_applied, without.versions_applied);
}
