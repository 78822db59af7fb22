//! Counts of premises (SPEC §1.4): whole numbers ≥ 0, with thousands separators. Pure and
//! total: never panics.

use std::fmt;

/// Why a value is not a count of premises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountError {
    /// Not a number (`abc`, `1,5`, `1e3`): BAD_NUMBER.
    Bad,
    /// Below zero: NEGATIVE_NUMBER.
    Negative,
    /// Not a whole number (`12.5`): BAD_NUMBER.
    Fraction,
}

impl fmt::Display for CountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CountError::Bad => "is not a number",
            CountError::Negative => "is negative: a count of premises cannot be below zero",
            CountError::Fraction => "is not a whole number",
        })
    }
}

impl std::error::Error for CountError {}

/// Thousands separators accepted between digit groups.
fn is_group_separator(c: char) -> bool {
    matches!(
        c,
        ',' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\u{2007}' | '\''
    )
}

/// Parses a count of premises written as text (SPEC §1.4): a whole number ≥ 0, with optional
/// thousands separators (`250,000`, `250 000`, also non-breaking and thin spaces) in groups of
/// three, and an optional all-zero fraction (`250000.0`).
///
/// # Errors
/// [`CountError::Negative`] for `-5`, `−5` or `(5)`; [`CountError::Fraction`] for `12.5`;
/// [`CountError::Bad`] for anything else that is not a count.
///
/// # Examples
/// ```
/// use g8audit::register::{parse_count, CountError};
/// assert_eq!(parse_count("250,000"), Ok(250_000));
/// assert_eq!(parse_count("-5"), Err(CountError::Negative));
/// ```
pub fn parse_count(text: &str) -> Result<u64, CountError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(CountError::Bad);
    }
    let negated = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('\u{2212}'))
        .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')));
    if let Some(rest) = negated {
        return match parse_unsigned(rest.trim_start()) {
            Ok(0) => Ok(0),
            Ok(_) | Err(CountError::Fraction) | Err(CountError::Negative) => {
                Err(CountError::Negative)
            }
            Err(CountError::Bad) => Err(CountError::Bad),
        };
    }
    parse_unsigned(t.strip_prefix('+').unwrap_or(t))
}

fn parse_unsigned(t: &str) -> Result<u64, CountError> {
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if int.is_empty() {
        return Err(CountError::Bad);
    }
    let mut digits = String::with_capacity(int.len());
    let mut group_len = 0usize;
    let mut groups = 0usize;
    let mut last_was_sep = false;
    for c in int.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            group_len += 1;
            last_was_sep = false;
        } else if is_group_separator(c) {
            // First group 1–3 digits, every later group exactly 3.
            if last_was_sep || group_len == 0 || (groups == 0 && group_len > 3) {
                return Err(CountError::Bad);
            }
            if groups > 0 && group_len != 3 {
                return Err(CountError::Bad);
            }
            groups += 1;
            group_len = 0;
            last_was_sep = true;
        } else {
            return Err(CountError::Bad);
        }
    }
    if last_was_sep || (groups > 0 && group_len != 3) {
        return Err(CountError::Bad);
    }
    if let Some(frac) = frac {
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CountError::Bad);
        }
        if frac.bytes().any(|b| b != b'0') {
            return Err(CountError::Fraction);
        }
    }
    digits.parse::<u64>().map_err(|_| CountError::Bad)
}

/// A count from a number cell: whole (to within floating-point noise) and ≥ 0.
///
/// # Errors
/// As [`parse_count`]; NaN, infinities and numbers beyond 2^53 are [`CountError::Bad`].
pub fn count_from_f64(v: f64) -> Result<u64, CountError> {
    if !v.is_finite() || v.abs() > 9_007_199_254_740_992.0 {
        return Err(CountError::Bad);
    }
    let rounded = v.round();
    let whole = (v - rounded).abs() <= 1e-9 * rounded.abs().max(1.0);
    if rounded < 0.0 || (v < 0.0 && !whole) {
        return Err(CountError::Negative);
    }
    if !whole {
        return Err(CountError::Fraction);
    }
    Ok(rounded as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(parse_count("250000"), Ok(250_000));
        assert_eq!(parse_count("250,000"), Ok(250_000));
        assert_eq!(parse_count("1,250,000"), Ok(1_250_000));
        assert_eq!(parse_count("250 000"), Ok(250_000));
        assert_eq!(parse_count("250\u{a0}000"), Ok(250_000));
        assert_eq!(parse_count("250\u{202f}000"), Ok(250_000));
        assert_eq!(parse_count("250\u{2009}000"), Ok(250_000));
        assert_eq!(parse_count("250000.0"), Ok(250_000));
        assert_eq!(parse_count("250,000.00"), Ok(250_000));
        assert_eq!(parse_count(" 0 "), Ok(0));
        assert_eq!(parse_count("+7"), Ok(7));
        assert_eq!(parse_count("-0"), Ok(0));
        assert_eq!(parse_count("-5"), Err(CountError::Negative));
        assert_eq!(parse_count("\u{2212}5"), Err(CountError::Negative));
        assert_eq!(parse_count("(5)"), Err(CountError::Negative));
        assert_eq!(parse_count("-2.5"), Err(CountError::Negative));
        assert_eq!(parse_count("12.5"), Err(CountError::Fraction));
        assert_eq!(parse_count("abc"), Err(CountError::Bad));
        assert_eq!(parse_count(""), Err(CountError::Bad));
        assert_eq!(parse_count("1,5"), Err(CountError::Bad));
        assert_eq!(parse_count("25,0000"), Err(CountError::Bad));
        assert_eq!(parse_count("1e3"), Err(CountError::Bad));
        assert_eq!(parse_count("1,,000"), Err(CountError::Bad));
        assert_eq!(parse_count(",000"), Err(CountError::Bad));
        assert_eq!(parse_count("99999999999999999999999"), Err(CountError::Bad));
        assert_eq!(parse_count("-abc"), Err(CountError::Bad));
        assert_eq!(parse_count("5."), Ok(5));
        assert_eq!(parse_count(".5"), Err(CountError::Bad));
    }

    #[test]
    fn counts_from_numbers() {
        assert_eq!(count_from_f64(250_000.0), Ok(250_000));
        assert_eq!(count_from_f64(0.1 * 3.0 * 10.0), Ok(3));
        assert_eq!(count_from_f64(-0.0), Ok(0));
        assert_eq!(count_from_f64(-5.0), Err(CountError::Negative));
        assert_eq!(count_from_f64(12.5), Err(CountError::Fraction));
        assert_eq!(count_from_f64(f64::NAN), Err(CountError::Bad));
        assert_eq!(count_from_f64(1e300), Err(CountError::Bad));
    }
}
