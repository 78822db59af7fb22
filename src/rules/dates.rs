//! Calendar arithmetic of the Code: "12 months after date X" (SPEC §2).

use chrono::{Months, NaiveDate};

/// `months` after `date`: the same day of the month, clamped to the month's end, so 29 February
/// plus 12 months is 28 February and 31 August plus 6 months is the last day of February.
/// Saturates at the end of chrono's calendar instead of failing.
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    date.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn g8_40_twelve_months_is_the_same_day_next_year() {
        assert_eq!(add_months(d(2026, 1, 14), 12), d(2027, 1, 14));
    }

    #[test]
    fn g8_40_twelve_months_after_29_february_is_28_february() {
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
    }

    #[test]
    fn g5_27_six_months_clamps_to_the_month_end() {
        assert_eq!(add_months(d(2025, 8, 31), 6), d(2026, 2, 28));
        assert_eq!(add_months(d(2023, 8, 31), 6), d(2024, 2, 29));
    }

    #[test]
    fn days_between_counts_whole_days() {
        assert_eq!(days_between(d(2026, 1, 1), d(2026, 1, 2)), 1);
        assert_eq!(days_between(d(2026, 1, 2), d(2026, 1, 1)), -1);
    }
}
