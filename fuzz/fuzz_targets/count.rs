//! Fuzzes the count parsers (SPEC §1.4): whole numbers ≥ 0 as text (`250,000`, `250 000`,
//! `250000.0`) and as spreadsheet numbers. They must never panic; a count they accept from text
//! must read back from its plain form, and one from a number must be that number, give or take
//! floating-point noise.
#![no_main]

use g8audit::register::{count_from_f64, parse_count};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(n) = parse_count(&text) {
        assert_eq!(parse_count(&n.to_string()), Ok(n), "{text:?}");
    }
    if data.len() >= 8 {
        let v = f64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
        if let Ok(n) = count_from_f64(v) {
            // Whole to within floating-point noise (a sum saved as 250000.0000000001).
            let n = n as f64;
            assert!((v - n).abs() <= 1e-9 * n.max(1.0), "{v} -> {n}");
        }
    }
});
