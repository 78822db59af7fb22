//! Reading registers: spreadsheets and CSV in, typed records and input issues out (SPEC §1).
//! This is the only module that reads input files.
