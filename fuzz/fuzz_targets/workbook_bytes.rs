//! Fuzzes workbook ingestion from bytes: the first byte picks the name the bytes go by (`.xlsx`,
//! `.xlsb`, `.xls`, `.ods`, or no extension, so the content decides), the rest is the file. The
//! reader must return a register or a [`ReadError`], within the limits: no panic escapes (a
//! panic inside calamine is caught by the reader and becomes `ReadError::Panicked`), no abort,
//! no allocation past libFuzzer's `-rss_limit_mb`.
#![no_main]

use chrono::NaiveDate;
use g8audit::register::{Limits, ReadOptions, read_register_bytes};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 5] = [
    "register.xlsx",
    "register.xlsb",
    "register.xls",
    "register.ods",
    "register",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let today = NaiveDate::from_ymd_opt(2026, 11, 1).expect("date");
    let mut opts = ReadOptions::new(today);
    opts.limits = Limits {
        max_cells: 1_000_000,
        ..Limits::default()
    };
    let _ = read_register_bytes(&[(name, bytes)], &opts);
});
