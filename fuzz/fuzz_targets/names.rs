//! Fuzzes the name parsers (SPEC §1.1, §1.3): roles (and role lists), assessment types,
//! assurance statuses and purposes, with their "did you mean" suggestions. They must never panic
//! or hang, whatever the text.
#![no_main]

use g8audit::register::value::{
    split_list, suggest_purpose, suggest_role, suggest_status, suggest_type,
};
use g8audit::register::{
    normalise_heading, parse_purpose, parse_role, parse_roles, parse_status, parse_type,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (roles, unknown) = parse_roles(&text);
    assert!(roles.len() + unknown.len() <= text.len() + 1);
    for part in split_list(&text) {
        let _ = parse_role(part);
        let _ = suggest_role(part);
    }
    let _ = parse_type(&text);
    let _ = suggest_type(&text);
    let _ = parse_status(&text);
    let _ = suggest_status(&text);
    let _ = parse_purpose(&text);
    let _ = suggest_purpose(&text);
    let _ = normalise_heading(&text);
});
