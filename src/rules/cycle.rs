//! The annual cycle (G8.40–G8.47): which type comes next (SPEC §2.4) and when it is due (§2.5).

use chrono::NaiveDate;

use crate::model::AssessmentType;
use crate::rules::counts::Category;
use crate::rules::dates::add_months;
use crate::rules::ruleset::RuleSet;

/// The last type of a chain and how many of its last links in a row are of that type.
pub fn last_run(chain: &[AssessmentType]) -> Option<(AssessmentType, usize)> {
    let last = *chain.last()?;
    let run = chain.iter().rev().take_while(|t| **t == last).count();
    Some((last, run))
}

/// The type required after `chain` (Entry Full first, as a Full) for `category` under the rules
/// in force at determination date `t` (SPEC §2.4). The flag is false when the Code does not write
/// that step and the tool took the cycle's next independent step.
pub fn next_type(
    rules: &RuleSet,
    category: Category,
    t: NaiveDate,
    chain: &[AssessmentType],
) -> (AssessmentType, bool) {
    let version = rules.version_at(t);
    let cycle = rules.cycle(category.cycle_name(version));
    let (last, run) = last_run(chain).unwrap_or((AssessmentType::Full, 1));
    cycle.next(last, run)
}

/// G8.40–G8.47: "within 12 months after" `date`.
pub fn due_after(rules: &RuleSet, date: NaiveDate) -> NaiveDate {
    add_months(date, rules.months_between_assessments)
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssessmentType::{Full, SelfAssessment as Self_, Verification};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn now() -> NaiveDate {
        d(2026, 11, 1)
    }

    fn before() -> NaiveDate {
        d(2019, 2, 27)
    }

    fn next(category: Category, t: NaiveDate, chain: &[AssessmentType]) -> AssessmentType {
        next_type(&RuleSet::embedded(), category, t, chain).0
    }

    #[test]
    fn g8_41_supplier_large_is_full_after_every_type() {
        for last in [Full, Verification, Self_] {
            assert_eq!(next(Category::SupplierLarge, now(), &[Full, last]), Full);
        }
    }

    #[test]
    fn g8_42_supplier_small_full_verification_self() {
        assert_eq!(next(Category::SupplierSmall, now(), &[Full]), Verification);
        assert_eq!(
            next(Category::SupplierSmall, now(), &[Full, Verification]),
            Self_
        );
        assert_eq!(
            next(Category::SupplierSmall, now(), &[Full, Verification, Self_]),
            Full
        );
    }

    #[test]
    fn g8_45_network_small_full_verification_self() {
        assert_eq!(next(Category::NetworkSmall, now(), &[Full]), Verification);
        assert_eq!(
            next(Category::NetworkSmall, now(), &[Full, Verification]),
            Self_
        );
        assert_eq!(
            next(Category::NetworkSmall, now(), &[Full, Verification, Self_]),
            Full
        );
    }

    #[test]
    fn g8_47_other_full_verification_self() {
        assert_eq!(next(Category::Other, now(), &[Full]), Verification);
        assert_eq!(next(Category::Other, now(), &[Full, Verification]), Self_);
        assert_eq!(
            next(Category::Other, now(), &[Full, Verification, Self_]),
            Full
        );
    }

    #[test]
    fn g8_44_network_large_verification_once_then_full() {
        assert_eq!(next(Category::NetworkLarge, now(), &[Full]), Verification);
        assert_eq!(
            next(Category::NetworkLarge, now(), &[Full, Verification]),
            Verification
        );
        assert_eq!(
            next(
                Category::NetworkLarge,
                now(),
                &[Full, Verification, Verification]
            ),
            Full
        );
        assert_eq!(
            next(
                Category::NetworkLarge,
                now(),
                &[Full, Verification, Verification, Verification]
            ),
            Full
        );
    }

    #[test]
    fn g8_44_network_large_after_self_is_full_not_in_code() {
        let (t, in_code) = next_type(
            &RuleSet::embedded(),
            Category::NetworkLarge,
            now(),
            &[Full, Self_],
        );
        assert_eq!(t, Full);
        assert!(!in_code);
    }

    #[test]
    fn g8_47_other_before_2019_02_28_full_self_self_full() {
        assert_eq!(next(Category::Other, before(), &[Full]), Self_);
        assert_eq!(next(Category::Other, before(), &[Full, Self_]), Self_);
        assert_eq!(next(Category::Other, before(), &[Full, Self_, Self_]), Full);
    }

    #[test]
    fn g8_47_other_before_2019_02_28_after_verification_is_self_not_in_code() {
        let (t, in_code) = next_type(
            &RuleSet::embedded(),
            Category::Other,
            before(),
            &[Full, Verification],
        );
        assert_eq!(t, Self_);
        assert!(!in_code);
    }

    #[test]
    fn g8_47_other_changes_cycle_on_2019_02_28() {
        assert_eq!(next(Category::Other, d(2019, 2, 28), &[Full]), Verification);
    }

    #[test]
    fn last_run_counts_the_trailing_run() {
        assert_eq!(
            last_run(&[Full, Verification, Verification]),
            Some((Verification, 2))
        );
        assert_eq!(last_run(&[Full]), Some((Full, 1)));
        assert_eq!(last_run(&[]), None);
    }
}
