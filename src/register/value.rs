//! Cell value parsers (SPEC §1.4): dates, counts, roles, assessment types, statuses, purposes.
//!
//! Each parser is pure and total: it takes text (or a number) and returns a value or a reason, and
//! never panics, whatever the input (they are fuzzed). They know nothing of cells or files; the
//! record builder turns a refusal into an input issue that names the cell.

mod count;
mod date;
mod names;

pub use count::{CountError, count_from_f64, parse_count};
pub(crate) use date::plain_number;
pub use date::{
    DateError, MAX_YEAR, MIN_YEAR, excel_serial_to_date, excel_serial_to_datetime, parse_date_text,
};
pub use names::{
    parse_purpose, parse_role, parse_roles, parse_status, parse_type, split_list, suggest_purpose,
    suggest_role, suggest_status, suggest_type,
};

use super::headers::normalise_heading;

/// Strings longer than this get no "did you mean" suggestion (string distance is quadratic).
const MAX_SUGGEST_LEN: usize = 100;

/// The minimum normalised Damerau–Levenshtein similarity for a "did you mean".
pub(crate) const SUGGEST_CUTOFF: f64 = 0.75;

/// The suggestion whose key is closest to `text` (compared normalised), if close enough.
/// `candidates` yields (key, suggestion).
fn best_match<'a>(
    text: &str,
    candidates: impl IntoIterator<Item = (&'a str, &'static str)>,
) -> Option<&'static str> {
    let n = normalise_heading(text);
    if n.is_empty() || n.chars().count() > MAX_SUGGEST_LEN {
        return None;
    }
    let mut best: Option<(f64, &'static str)> = None;
    for (key, suggestion) in candidates {
        let score = strsim::normalized_damerau_levenshtein(&n, &normalise_heading(key));
        if score >= SUGGEST_CUTOFF && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, suggestion));
        }
    }
    best.map(|(_, s)| s)
}

/// The closest of `candidates` to `text` by normalised Damerau–Levenshtein similarity on the
/// strings as given, if at least `cutoff`. Ties keep the first.
pub(crate) fn closest<'a>(
    text: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    cutoff: f64,
) -> Option<&'a str> {
    if text.is_empty() || text.chars().count() > MAX_SUGGEST_LEN {
        return None;
    }
    let len = text.chars().count();
    let bag = text
        .is_ascii()
        .then(|| crate::suggest::Bag::of(text.as_bytes()));
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        let c_len = c.chars().count();
        if c_len > MAX_SUGGEST_LEN {
            continue;
        }
        // The distance is at least the difference in length, and at least the bag distance
        // (letters one has that the other lacks): skip candidates that cannot reach the cutoff
        // without computing it. Matching a mistyped id against every User's is most of the
        // reading of a small register otherwise.
        let longest = len.max(c_len) as f64;
        if 1.0 - (len.abs_diff(c_len) as f64) / longest < cutoff {
            continue;
        }
        if let Some(bag) = &bag
            && c.is_ascii()
            && 1.0 - (bag.distance(c.as_bytes()) as f64) / longest < cutoff
        {
            continue;
        }
        let score = strsim::normalized_damerau_levenshtein(text, c);
        if score >= cutoff && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// A number as a person would write it: whole numbers without `.0`.
pub(crate) fn format_number(v: f64) -> String {
    if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::DateOrder;
    use chrono::{Datelike, NaiveDate};

    #[test]
    fn numbers_format_like_a_person_writes_them() {
        assert_eq!(format_number(12.0), "12");
        assert_eq!(format_number(12.5), "12.5");
        assert_eq!(format_number(-3.0), "-3");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn parsers_never_panic(s in "\\PC*") {
                let _ = parse_date_text(&s, DateOrder::Dmy);
                let _ = parse_date_text(&s, DateOrder::Mdy);
                let _ = parse_count(&s);
                let _ = parse_roles(&s);
                let _ = parse_role(&s);
                let _ = parse_type(&s);
                let _ = parse_status(&s);
                let _ = parse_purpose(&s);
                let _ = suggest_role(&s);
                let _ = normalise_heading(&s);
                let _ = plain_number(&s);
            }

            #[test]
            fn date_like_text_never_panics(s in "[0-9 /.:TZ+-]{0,30}[a-zA-Z]{0,9}[0-9 ,/.-]{0,12}") {
                let _ = parse_date_text(&s, DateOrder::Dmy);
            }

            #[test]
            fn numbers_never_panic(v in proptest::num::f64::ANY) {
                let _ = excel_serial_to_date(v, false);
                let _ = excel_serial_to_date(v, true);
                let _ = count_from_f64(v);
            }

            #[test]
            fn written_dates_read_back(days in 0i64..2_958_000) {
                let date = NaiveDate::from_ymd_opt(1900, 3, 1).expect("epoch") + chrono::Duration::days(days);
                prop_assume!(date.year() <= 9999);
                for text in [
                    date.format("%d/%m/%Y").to_string(),
                    date.format("%-d/%-m/%Y").to_string(),
                    date.format("%Y-%m-%d").to_string(),
                    date.format("%d-%b-%Y").to_string(),
                    date.format("%-d %B %Y").to_string(),
                    date.format("%d.%m.%Y 23:59:59").to_string(),
                ] {
                    prop_assert_eq!(parse_date_text(&text, DateOrder::Dmy), Ok(date), "{}", text);
                }
                prop_assert_eq!(parse_date_text(&date.format("%m/%d/%Y").to_string(), DateOrder::Mdy), Ok(date));
                // 1900-03-01 is serial 61 in the 1900 system.
                prop_assert_eq!(excel_serial_to_date(61.0 + days as f64, false), Some(date));
                prop_assert_eq!(excel_serial_to_date(61.0 + days as f64 + 0.999, false), Some(date));
            }

            #[test]
            fn written_counts_read_back(n in 0u64..10_000_000_000) {
                let plain = n.to_string();
                let mut grouped = String::new();
                for (i, c) in plain.chars().enumerate() {
                    if i > 0 && (plain.len() - i) % 3 == 0 {
                        grouped.push(',');
                    }
                    grouped.push(c);
                }
                prop_assert_eq!(parse_count(&plain), Ok(n));
                prop_assert_eq!(parse_count(&grouped), Ok(n));
                prop_assert_eq!(parse_count(&grouped.replace(',', "\u{a0}")), Ok(n));
                prop_assert_eq!(parse_count(&format!("{plain}.00")), Ok(n));
                prop_assert_eq!(count_from_f64(n as f64), Ok(n));
                if n > 0 {
                    prop_assert_eq!(parse_count(&format!("-{plain}")), Err(CountError::Negative));
                }
            }
        }
    }

    /// [`closest`] as first written: every candidate of a usable length measured.
    fn closest_by_brute_force<'a>(
        text: &str,
        candidates: &[&'a str],
        cutoff: f64,
    ) -> Option<&'a str> {
        if text.is_empty() || text.chars().count() > MAX_SUGGEST_LEN {
            return None;
        }
        let mut best: Option<(f64, &'a str)> = None;
        for &c in candidates {
            if c.chars().count() > MAX_SUGGEST_LEN {
                continue;
            }
            let score = strsim::normalized_damerau_levenshtein(text, c);
            if score >= cutoff && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    proptest::proptest! {
        /// Ids of a few characters, so that many candidates are close and ties are common.
        #[test]
        fn closest_skips_only_candidates_that_cannot_reach_the_cutoff(
            text in "[Uu0-2lOé-]{1,7}",
            candidates in proptest::collection::vec("[Uu0-2lOé-]{0,8}", 0..12),
            cutoff in proptest::sample::select(vec![0.5, 0.6, 0.7, 0.8]),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(&text, candidates.iter().copied(), cutoff),
                closest_by_brute_force(&text, &candidates, cutoff)
            );
        }
    }
}
