//! Fuzzes the date parsers (SPEC §1.4): text in both day orders, and Excel serials in both date
//! systems. They must never panic, and every date they accept must lie in 1900–9999.
#![no_main]

use chrono::Datelike;
use g8audit::register::{
    DateOrder, excel_serial_to_date, excel_serial_to_datetime, parse_date_text,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for order in [DateOrder::Dmy, DateOrder::Mdy] {
        if let Ok(d) = parse_date_text(&text, order) {
            assert!((1900..=9999).contains(&d.year()), "{text:?} -> {d}");
            // A date the parser accepts reads back from its ISO form.
            let iso = d.format("%Y-%m-%d").to_string();
            assert_eq!(parse_date_text(&iso, order), Ok(d), "{iso}");
        }
    }
    if data.len() >= 8 {
        let serial = f64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        for is_1904 in [false, true] {
            let _ = excel_serial_to_datetime(serial, is_1904);
            if let Some(d) = excel_serial_to_date(serial, is_1904) {
                assert!((1900..=9999).contains(&d.year()), "{serial} -> {d}");
            }
        }
    }
});
