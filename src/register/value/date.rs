//! Dates as a register writes them: text in ISO, UK and month-name forms, and Excel serial
//! numbers in the 1900 and 1904 date systems (SPEC §1.4). Pure and total: never panics.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};

use super::super::DateOrder;

/// The earliest year a date may have (SPEC §1.4: 1900 and 1904 systems).
pub const MIN_YEAR: i32 = 1900;
/// The latest year a date may have (Excel's limit).
pub const MAX_YEAR: i32 = 9999;

/// Why a text is not a date. Its `Display` completes a sentence that starts with the quoted value:
/// `"31/02/2021" is not a date: there is no 31 February 2021`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Nothing but spaces.
    Blank,
    /// A year written with fewer than four digits (`1/3/24`), refused rather than guessed.
    TwoDigitYear,
    /// Day, month and year are numbers in range, but no such day exists (`31/02/2021`).
    NoSuchDay { year: i32, month: u32, day: u32 },
    /// A year outside 1900..=9999.
    YearOutOfRange { year: i32 },
    /// Not a date in any accepted form.
    Unrecognised,
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::Blank => f.write_str("is blank"),
            DateError::TwoDigitYear => f.write_str(
                "is not a date: two-digit years are refused, write the year in full (e.g. 2024)",
            ),
            DateError::NoSuchDay { year, month, day } => write!(
                f,
                "is not a date: there is no {day} {} {year}",
                month_name(*month)
            ),
            DateError::YearOutOfRange { year } => write!(
                f,
                "is not a date: the year {year} is outside {MIN_YEAR}–{MAX_YEAR}"
            ),
            DateError::Unrecognised => f.write_str("is not a date"),
        }
    }
}

impl std::error::Error for DateError {}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month_name(month: u32) -> &'static str {
    month
        .checked_sub(1)
        .and_then(|i| MONTHS.get(i as usize))
        .copied()
        .unwrap_or("?")
}

/// The month a word names (`mar`, `March`, `sept`), 1-based.
fn month_of_word(word: &str) -> Option<u32> {
    let w = word.to_lowercase();
    let n = match w.as_str() {
        "jan" | "january" => 1,
        "feb" | "february" => 2,
        "mar" | "march" => 3,
        "apr" | "april" => 4,
        "may" => 5,
        "jun" | "june" => 6,
        "jul" | "july" => 7,
        "aug" | "august" => 8,
        "sep" | "sept" | "september" => 9,
        "oct" | "october" => 10,
        "nov" | "november" => 11,
        "dec" | "december" => 12,
        _ => return None,
    };
    Some(n)
}

fn is_weekday_word(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "mon"
            | "monday"
            | "tue"
            | "tues"
            | "tuesday"
            | "wed"
            | "weds"
            | "wednesday"
            | "thu"
            | "thur"
            | "thurs"
            | "thursday"
            | "fri"
            | "friday"
            | "sat"
            | "saturday"
            | "sun"
            | "sunday"
    )
}

/// A token of a date text.
#[derive(Debug)]
enum Tok<'a> {
    /// ASCII digits (an ordinal suffix such as `1st` already removed).
    Num(&'a str),
    /// Letters.
    Word(&'a str),
}

/// Parses a date written as text (SPEC §1.4).
///
/// Accepted: ISO `2024-03-01` (also `2024/03/01`, optionally followed by a time such as
/// `T10:30:00`, ` 10:30` or `10:30:00Z`); numeric day-first `01/03/2024`, `1/3/2024`,
/// `01-03-2024`, `01.03.2024` (month first with [`DateOrder::Mdy`]), also followed by a time;
/// and with a month name `1 March 2024`, `1 Mar 2024`, `01-Mar-2024`, `March 1, 2024`,
/// `Friday 1st March 2024`. The time of day is ignored. Two-digit years, days that do not exist
/// (`31/02/2021`, `29/02/2023`) and years outside 1900–9999 are refused.
///
/// # Errors
/// A [`DateError`] saying why the text is not a date.
///
/// # Examples
/// ```
/// use chrono::NaiveDate;
/// use g8audit::register::{parse_date_text, DateOrder};
/// assert_eq!(parse_date_text("01/03/2024", DateOrder::Dmy).ok(), NaiveDate::from_ymd_opt(2024, 3, 1));
/// assert!(parse_date_text("31/02/2021", DateOrder::Dmy).is_err());
/// ```
pub fn parse_date_text(text: &str, order: DateOrder) -> Result<NaiveDate, DateError> {
    let s = text.trim();
    if s.is_empty() {
        return Err(DateError::Blank);
    }
    let date_part = split_off_time(s)?;
    let toks = tokenise_date(date_part)?;

    let mut toks: &[Tok] = &toks;
    if let Some(Tok::Word(w)) = toks.first()
        && is_weekday_word(w)
    {
        toks = &toks[1..];
    }

    let nums: Vec<&str> = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Num(n) => Some(*n),
            Tok::Word(_) => None,
        })
        .collect();
    let words: Vec<&str> = toks
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(*w),
            Tok::Num(_) => None,
        })
        .collect();

    match (nums.len(), words.len()) {
        (3, 0) => {
            let (a, b, c) = (nums[0], nums[1], nums[2]);
            if a.len() == 4 {
                // Year first: always Y-M-D.
                if b.len() > 2 || c.len() > 2 {
                    return Err(DateError::Unrecognised);
                }
                build_date(a, b, c)
            } else if a.len() <= 2 && b.len() <= 2 {
                match c.len() {
                    4 => match order {
                        DateOrder::Dmy => build_date(c, b, a),
                        DateOrder::Mdy => build_date(c, a, b),
                    },
                    1 | 2 => Err(DateError::TwoDigitYear),
                    _ => Err(DateError::Unrecognised),
                }
            } else {
                Err(DateError::Unrecognised)
            }
        }
        (2, 1) => {
            let month = month_of_word(words[0]).ok_or(DateError::Unrecognised)?;
            let (year, day) = match (nums[0].len(), nums[1].len()) {
                (4, 1 | 2) => (nums[0], nums[1]),
                (1 | 2, 4) => (nums[1], nums[0]),
                (1 | 2, 1 | 2) => return Err(DateError::TwoDigitYear),
                _ => return Err(DateError::Unrecognised),
            };
            let year: i32 = year.parse().map_err(|_| DateError::Unrecognised)?;
            let day: u32 = day.parse().map_err(|_| DateError::Unrecognised)?;
            ymd(year, month, day)
        }
        _ => Err(DateError::Unrecognised),
    }
}

/// The date part of `s`, after checking that whatever follows it is a time of day.
fn split_off_time(s: &str) -> Result<&str, DateError> {
    let Some(colon) = s.find(':') else {
        return Ok(s);
    };
    // The time starts at the run of ASCII digits just before the first colon.
    let bytes = s.as_bytes();
    let mut start = colon;
    while start > 0 && bytes[start - 1].is_ascii_digit() {
        start -= 1;
    }
    if start == colon {
        return Err(DateError::Unrecognised);
    }
    let (date, time) = s.split_at(start);
    if !is_time_of_day(time) {
        return Err(DateError::Unrecognised);
    }
    let date = date.trim_end();
    // ISO `2024-03-01T10:00`: drop the `T`.
    let date = date
        .strip_suffix('T')
        .or_else(|| date.strip_suffix('t'))
        .unwrap_or(date);
    let date = date.trim_end();
    if date.is_empty() {
        return Err(DateError::Unrecognised);
    }
    Ok(date)
}

/// `H:MM`, `HH:MM:SS`, `HH:MM:SS.fff`, then optionally AM/PM, `Z` or an offset `+01:00`.
fn is_time_of_day(t: &str) -> bool {
    fn digits(s: &str) -> (&str, &str) {
        let n = s.bytes().take_while(u8::is_ascii_digit).count();
        s.split_at(n)
    }
    let (h, rest) = digits(t);
    if h.is_empty() || h.len() > 2 {
        return false;
    }
    let Some(rest) = rest.strip_prefix(':') else {
        return false;
    };
    let (m, mut rest) = digits(rest);
    if m.len() != 2 {
        return false;
    }
    let mut sec = "0";
    if let Some(r) = rest.strip_prefix(':') {
        let (s, r) = digits(r);
        if s.len() != 2 {
            return false;
        }
        sec = s;
        rest = r;
        if let Some(r) = rest.strip_prefix('.') {
            let (frac, r) = digits(r);
            if frac.is_empty() {
                return false;
            }
            rest = r;
        }
    }
    let (Ok(h), Ok(m), Ok(sec)) = (h.parse::<u32>(), m.parse::<u32>(), sec.parse::<u32>()) else {
        return false;
    };
    if m > 59 || sec > 60 {
        return false;
    }
    let rest = rest.trim_start();
    let lower = rest.to_ascii_lowercase();
    match lower.as_str() {
        "" | "z" => h <= 23,
        "am" | "pm" | "a.m." | "p.m." => (1..=12).contains(&h),
        _ => {
            // A UTC offset: +01:00, -0500, +01.
            let Some(off) = rest.strip_prefix(['+', '-']) else {
                return false;
            };
            let (oh, r) = digits(off);
            let r = r.strip_prefix(':').unwrap_or(r);
            let (om, r) = digits(r);
            h <= 23
                && r.is_empty()
                && oh.len() == 2
                && (om.is_empty() || om.len() == 2)
                && oh.parse::<u32>().is_ok_and(|v| v <= 14)
                && (om.is_empty() || om.parse::<u32>().is_ok_and(|v| v <= 59))
        }
    }
}

fn tokenise_date(s: &str) -> Result<Vec<Tok<'_>>, DateError> {
    let mut toks = Vec::new();
    for raw in s.split([' ', '/', '-', '.', ',', '\t', '\u{a0}']) {
        if raw.is_empty() {
            continue;
        }
        if raw.bytes().all(|b| b.is_ascii_digit()) {
            toks.push(Tok::Num(raw));
        } else if raw.chars().all(char::is_alphabetic) {
            toks.push(Tok::Word(raw));
        } else {
            // `1st`, `2nd`, `3rd`, `4th`.
            let n = raw.bytes().take_while(u8::is_ascii_digit).count();
            let (num, suffix) = raw.split_at(n);
            let suffix = suffix.to_ascii_lowercase();
            if !num.is_empty()
                && num.len() <= 2
                && matches!(suffix.as_str(), "st" | "nd" | "rd" | "th")
            {
                toks.push(Tok::Num(num));
            } else {
                return Err(DateError::Unrecognised);
            }
        }
        if toks.len() > 4 {
            return Err(DateError::Unrecognised);
        }
    }
    Ok(toks)
}

fn build_date(year: &str, month: &str, day: &str) -> Result<NaiveDate, DateError> {
    let (Ok(y), Ok(m), Ok(d)) = (
        year.parse::<i32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return Err(DateError::Unrecognised);
    };
    ymd(y, m, d)
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(DateError::Unrecognised);
    }
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return Err(DateError::YearOutOfRange { year });
    }
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay { year, month, day })
}

const MS_PER_DAY: i64 = 86_400_000;

/// Converts an Excel serial date-time to a date and time (to the millisecond).
///
/// In the 1900 system serial 1 is 1900-01-01 and, because Excel counts a 29 February 1900 that
/// never was, serials from 61 on are one day ahead of a plain count from 1899-12-31: serial 61
/// is 1900-03-01. Serial 60 (the day that never was) and anything below 1 are refused. In the
/// 1904 system serial 0 is 1904-01-01. Results outside 1900–9999 give `None`.
pub fn excel_serial_to_datetime(serial: f64, is_1904: bool) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(0.0..=3_000_000.0).contains(&serial) {
        return None;
    }
    let total_ms = (serial * MS_PER_DAY as f64).round() as i64;
    let days = total_ms.div_euclid(MS_PER_DAY);
    let ms = total_ms.rem_euclid(MS_PER_DAY);
    let date = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?.checked_add_days(Days::new(days as u64))?
    } else {
        match days {
            d if d < 1 || d == 60 => return None,
            d if d < 60 => {
                NaiveDate::from_ymd_opt(1899, 12, 31)?.checked_add_days(Days::new(d as u64))?
            }
            d => NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(d as u64))?,
        }
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
        return None;
    }
    let secs = (ms / 1000) as u32;
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt(secs, ((ms % 1000) as u32) * 1_000_000)?;
    Some(date.and_time(time))
}

/// Converts an Excel serial date (whole or fractional; the time of day is dropped) to a date,
/// in the 1900 or 1904 date system. See [`excel_serial_to_datetime`].
///
/// # Examples
/// ```
/// use g8audit::register::excel_serial_to_date;
/// assert_eq!(excel_serial_to_date(44197.0, false).map(|d| d.to_string()), Some("2021-01-01".into()));
/// assert_eq!(excel_serial_to_date(42735.0, true).map(|d| d.to_string()), Some("2021-01-01".into()));
/// ```
pub fn excel_serial_to_date(serial: f64, is_1904: bool) -> Option<NaiveDate> {
    excel_serial_to_datetime(serial, is_1904).map(|dt| dt.date())
}

/// Parses a plain decimal number written as text (`45000`, `45000.5`), for serial dates in text
/// cells (CSV). Anything else (signs, exponents, separators) is `None`.
pub(crate) fn plain_number(text: &str) -> Option<f64> {
    let t = text.trim();
    let (int, frac) = t.split_once('.').unwrap_or((t, ""));
    if int.is_empty()
        || int.len() > 9
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    t.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn dmy(s: &str) -> Result<NaiveDate, DateError> {
        parse_date_text(s, DateOrder::Dmy)
    }

    #[test]
    fn iso_dates_with_and_without_time() {
        assert_eq!(dmy("2024-03-01"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy(" 2024-03-01 "), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("2024-03-01T10:30:00"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("2024-03-01T10:30:00.123Z"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("2024-03-01T10:30:00+01:00"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("2024-03-01 10:30"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("2024/3/1"), Ok(d(2024, 3, 1)));
        // Year first is never read day first, whatever the order.
        assert_eq!(
            parse_date_text("2024-03-01", DateOrder::Mdy),
            Ok(d(2024, 3, 1))
        );
    }

    #[test]
    fn uk_numeric_dates_are_day_first() {
        assert_eq!(dmy("01/03/2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("1/3/2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01-03-2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01.03.2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01/03/2024 00:00"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01/03/2024 12:00:00 PM"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("13/01/2024"), Ok(d(2024, 1, 13)));
    }

    #[test]
    fn mdy_switch_reads_month_first() {
        let mdy = |s| parse_date_text(s, DateOrder::Mdy);
        assert_eq!(mdy("01/03/2024"), Ok(d(2024, 1, 3)));
        assert_eq!(mdy("3/1/2024"), Ok(d(2024, 3, 1)));
        // Not swapped back when the month would be 13.
        assert_eq!(mdy("13/01/2024"), Err(DateError::Unrecognised));
        // Month names are unambiguous either way.
        assert_eq!(mdy("1 March 2024"), Ok(d(2024, 3, 1)));
    }

    #[test]
    fn month_name_dates() {
        assert_eq!(dmy("1 March 2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("1 Mar 2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01-Mar-2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("01-MAR-2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("March 1, 2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("Friday 1st March 2024"), Ok(d(2024, 3, 1)));
        assert_eq!(dmy("1 Sept 2024"), Ok(d(2024, 9, 1)));
        assert_eq!(dmy("1 Marc 2024"), Err(DateError::Unrecognised));
    }

    #[test]
    fn leap_days_and_impossible_days() {
        assert_eq!(dmy("29/02/2024"), Ok(d(2024, 2, 29)));
        assert_eq!(dmy("29 Feb 2024"), Ok(d(2024, 2, 29)));
        assert_eq!(
            dmy("29/02/2023"),
            Err(DateError::NoSuchDay {
                year: 2023,
                month: 2,
                day: 29
            })
        );
        assert_eq!(
            dmy("31/02/2021"),
            Err(DateError::NoSuchDay {
                year: 2021,
                month: 2,
                day: 31
            })
        );
        assert_eq!(
            dmy("31/02/2021").map_err(|e| e.to_string()),
            Err("is not a date: there is no 31 February 2021".to_string())
        );
        assert_eq!(dmy("32/01/2021"), Err(DateError::Unrecognised));
        assert_eq!(dmy("00/01/2021"), Err(DateError::Unrecognised));
        assert_eq!(dmy("01/13/2021"), Err(DateError::Unrecognised));
    }

    #[test]
    fn two_digit_years_are_refused() {
        assert_eq!(dmy("01/03/24"), Err(DateError::TwoDigitYear));
        assert_eq!(dmy("1/3/24"), Err(DateError::TwoDigitYear));
        assert_eq!(dmy("1 Mar 24"), Err(DateError::TwoDigitYear));
        assert_eq!(dmy("01-Mar-24"), Err(DateError::TwoDigitYear));
    }

    #[test]
    fn other_texts_are_not_dates() {
        for s in [
            "",
            "  ",
            "abc",
            "2024",
            "2024-03",
            "01/03/2024/5",
            "1 2 3 4",
            "24:00",
            "01/03/2024 25:00",
            "2024-03-01T",
            "2024-03-01 nonsense",
            "01/03/02024",
            "TBC",
            "n/a",
            "1.5",
            "45000",
        ] {
            assert!(dmy(s).is_err(), "{s:?} should not be a date");
        }
        assert_eq!(
            dmy("01/01/1899"),
            Err(DateError::YearOutOfRange { year: 1899 })
        );
        assert_eq!(dmy(""), Err(DateError::Blank));
    }

    #[test]
    fn date_parser_survives_odd_input() {
        for s in [
            "\u{0}",
            "ßß/ß/ßßßß",
            "１/３/２０２４",
            "99999999999999999999/1/2024",
            ":",
            "1:",
            "::::",
            "٣/٣/٢٠٢٤",
            "1/1/2024 1:00:00.",
            "🙂 March 2024",
            "1 ‐ March ‐ 2024",
            "T10:00",
        ] {
            let _ = dmy(s);
            let _ = parse_date_text(s, DateOrder::Mdy);
        }
    }

    #[test]
    fn excel_1900_serials_including_the_leap_year_bug() {
        assert_eq!(excel_serial_to_date(1.0, false), Some(d(1900, 1, 1)));
        assert_eq!(excel_serial_to_date(59.0, false), Some(d(1900, 2, 28)));
        // Serial 60 is Excel's 29 February 1900, a day that never was.
        assert_eq!(excel_serial_to_date(60.0, false), None);
        assert_eq!(excel_serial_to_date(61.0, false), Some(d(1900, 3, 1)));
        assert_eq!(excel_serial_to_date(44197.0, false), Some(d(2021, 1, 1)));
        assert_eq!(excel_serial_to_date(44197.75, false), Some(d(2021, 1, 1)));
        assert_eq!(
            excel_serial_to_date(2_958_465.0, false),
            Some(d(9999, 12, 31))
        );
        assert_eq!(excel_serial_to_date(2_958_466.0, false), None);
        assert_eq!(excel_serial_to_date(0.0, false), None);
        assert_eq!(excel_serial_to_date(0.5, false), None);
        assert_eq!(excel_serial_to_date(-1.0, false), None);
        assert_eq!(excel_serial_to_date(f64::NAN, false), None);
        assert_eq!(excel_serial_to_date(f64::INFINITY, false), None);
        assert_eq!(excel_serial_to_date(1e300, false), None);
        let dt = excel_serial_to_datetime(44197.5, false).expect("a date");
        assert_eq!(dt.to_string(), "2021-01-01 12:00:00");
    }

    #[test]
    fn excel_1904_serials() {
        assert_eq!(excel_serial_to_date(0.0, true), Some(d(1904, 1, 1)));
        assert_eq!(excel_serial_to_date(42735.0, true), Some(d(2021, 1, 1)));
        assert_eq!(excel_serial_to_date(35064.0, true), Some(d(2000, 1, 1)));
        assert_eq!(
            excel_serial_to_date(2_958_465.0 - 1462.0, true),
            Some(d(9999, 12, 31))
        );
        assert_eq!(excel_serial_to_date(2_958_465.0 - 1461.0, true), None);
    }

    #[test]
    fn plain_numbers_for_serials() {
        assert_eq!(plain_number("45000"), Some(45000.0));
        assert_eq!(plain_number(" 45000.5 "), Some(45000.5));
        assert_eq!(plain_number("-1"), None);
        assert_eq!(plain_number("1e5"), None);
        assert_eq!(plain_number("."), None);
    }
}
