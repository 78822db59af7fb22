//! One test per fatal reading error ([`ReadError`]): each is provoked with a real file, and its
//! message must name the file — and the sheet, the row or the setting where there is one — and
//! say what to do. (Refused *values* are input issues, not errors; they are tested with the
//! reader.)

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use g8audit::register::{LimitKind, Limits, Mapping, ReadError, ReadOptions, read_register};
use rust_xlsxwriter::Workbook;

fn opts() -> ReadOptions {
    ReadOptions::new(NaiveDate::from_ymd_opt(2026, 11, 1).expect("date"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).expect("write");
    p
}

/// A workbook of sheets (name, rows of text cells).
fn workbook(dir: &Path, name: &str, sheets: &[(&str, &[&[&str]])]) -> PathBuf {
    let mut wb = Workbook::new();
    for (sheet, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*sheet).expect("sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *v).expect("write");
            }
        }
    }
    let p = dir.join(name);
    wb.save(&p).expect("save");
    p
}

const USERS: &[&[&str]] = &[&["User ID", "Roles"], &["U001", "OU"]];
const ASSESSMENTS: &[&[&str]] = &[
    &["User ID", "Type", "Completed On"],
    &["U001", "Full", "2024-01-15"],
];

fn error(paths: &[PathBuf], opts: &ReadOptions) -> (ReadError, String) {
    let e = read_register(paths, opts).expect_err("an error");
    let text = e.to_string();
    (e, text)
}

/// A zip of stored entries.
fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let fields = |v: &mut Vec<u8>| {
            v.extend(20u16.to_le_bytes());
            v.extend(0u16.to_le_bytes());
            v.extend(0u16.to_le_bytes());
            v.extend(0u32.to_le_bytes());
            v.extend(crc32fast::hash(data).to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((data.len() as u32).to_le_bytes());
            v.extend((name.len() as u16).to_le_bytes());
            v.extend(0u16.to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        fields(&mut out);
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        fields(&mut central);
        central.extend([0u8; 10]); // comment length, disk, internal and external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let at = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend([0u8; 2]);
    out
}

/// A compound file whose directory chain goes to `dir_next` (`0xFFFFFFFE` ends it), padded to
/// `sectors` sectors after the header.
fn ole(dir_next: u32, sectors: usize) -> Vec<u8> {
    let mut f = vec![0u8; 512 * (sectors + 1)];
    f[0..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    f[26..28].copy_from_slice(&3u16.to_le_bytes());
    f[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    f[30..32].copy_from_slice(&9u16.to_le_bytes());
    f[32..34].copy_from_slice(&6u16.to_le_bytes());
    f[44..48].copy_from_slice(&1u32.to_le_bytes());
    f[48..52].copy_from_slice(&1u32.to_le_bytes());
    f[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    f[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    for i in 0..109 {
        let v: u32 = if i == 0 { 0 } else { 0xFFFF_FFFF };
        f[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    // Sector 0 (file offset 512) is the FAT: itself, then the directory's next sector.
    f[512..516].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
    f[516..520].copy_from_slice(&dir_next.to_le_bytes());
    for i in 2..128 {
        f[512 + i * 4..516 + i * 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    }
    f
}

#[test]
fn io_names_the_file() {
    let (e, m) = error(&[PathBuf::from("no/such/register.xlsx")], &opts());
    assert!(matches!(e, ReadError::Io { .. }));
    assert!(m.contains("no/such/register.xlsx"), "{m}");
}

#[test]
fn input_twice_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "users.csv", b"User ID,Roles\nU001,OU\n");
    let (e, m) = error(&[p.clone(), dir.path().join("./users.csv")], &opts());
    assert!(matches!(e, ReadError::InputTwice { .. }));
    assert!(
        m.contains("users.csv") && m.contains("more than once"),
        "{m}"
    );
}

#[test]
fn unsupported_extension_names_the_file_and_the_kinds_accepted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "register.txt", b"User ID,Roles\n");
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::UnsupportedExtension { .. }));
    assert!(
        m.contains(&p.display().to_string()) && m.contains(".txt"),
        "{m}"
    );
    assert!(m.contains(".xlsx") && m.contains(".csv"), "{m}");
}

#[test]
fn encrypted_names_the_file_and_says_what_to_do() {
    let p =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/reader/calamine__pass_protected.xlsx");
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::Encrypted { .. }));
    assert!(m.contains(&p.display().to_string()), "{m}");
    assert!(m.contains("without a password"), "{m}");
}

#[test]
fn workbook_names_the_file_and_keeps_the_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(
        dir.path(),
        "register.xlsx",
        b"PK\x03\x04 this is not a zip file at all",
    );
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::Workbook { .. }));
    assert!(m.contains(&p.display().to_string()), "{m}");
    assert!(
        m.contains("damaged") || m.contains("wrong extension"),
        "{m}"
    );
    assert!(
        std::error::Error::source(&e).is_some(),
        "the library error is kept as the cause"
    );
}

#[test]
fn sheet_names_the_file_and_the_sheet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    let wb = br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    let wb_rels = br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;
    // The sheet's XML stops in the middle of its data.
    let sheet = br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c>"#;
    let types = br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;
    let bytes = zip(&[
        ("[Content_Types].xml", types),
        ("_rels/.rels", rels),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wb_rels),
        ("xl/worksheets/sheet1.xml", sheet),
    ]);
    let p = write(dir.path(), "register.xlsx", &bytes);
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::Sheet { .. }), "{e:?}");
    assert!(
        m.contains(&p.display().to_string()) && m.contains("\"Users\""),
        "{m}"
    );
}

#[test]
fn csv_names_the_file_and_the_line() {
    // The CSV reader reads decoded text, so it cannot fail on a real file; the message is
    // checked as built.
    let e = ReadError::Csv {
        path: "users.csv".into(),
        line: Some(7),
        source: csv::Error::from(std::io::Error::other("broken pipe")),
    };
    assert_eq!(e.to_string(), "cannot read users.csv as CSV (near line 7)");
}

#[test]
fn panicked_names_the_file_and_says_what_to_do() {
    // The directory chain points at sector 130, inside the file but past the FAT: calamine
    // indexes its FAT with it and panics; the reader catches it.
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "register.xls", &ole(130, 140));
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::Panicked { .. }), "{e:?}");
    assert!(m.contains(&p.display().to_string()), "{m}");
    assert!(m.contains("re-save"), "{m}");
}

#[test]
fn damaged_names_the_file_and_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "register.xls", &ole(1, 4));
    let (e, m) = error(std::slice::from_ref(&p), &opts());
    assert!(matches!(e, ReadError::Damaged { .. }), "{e:?}");
    assert!(m.contains(&p.display().to_string()), "{m}");
    assert!(
        m.contains("loops") && m.contains("save a fresh copy"),
        "{m}"
    );
}

#[test]
fn limit_exceeded_names_the_file_the_limit_and_the_variable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let users = write(
        dir.path(),
        "users.csv",
        b"User ID,Roles\nU001,OU\nU002,OU\n",
    );
    let mut o = opts();
    o.limits = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    let (e, m) = error(std::slice::from_ref(&users), &o);
    assert!(matches!(
        e,
        ReadError::LimitExceeded {
            limit: LimitKind::Rows,
            ..
        }
    ));
    assert!(m.contains(&users.display().to_string()), "{m}");
    assert!(
        m.contains("max_rows") && m.contains("G8AUDIT_MAX_ROWS"),
        "{m}"
    );
    // In a workbook, the sheet too.
    let wb = workbook(
        dir.path(),
        "register.xlsx",
        &[("Users", USERS), ("Assessments", ASSESSMENTS)],
    );
    o.limits = Limits {
        max_cells: 9,
        ..Limits::default()
    };
    let (_, m) = error(std::slice::from_ref(&wb), &o);
    assert!(
        m.contains(&wb.display().to_string()) && m.contains("sheet \"Assessments\""),
        "{m}"
    );
    assert!(m.contains("G8AUDIT_MAX_CELLS"), "{m}");
    // Every limit names its variable.
    for (kind, var) in Limits::ENV_VARS {
        assert_eq!(kind.env_var(), var);
        let e = ReadError::LimitExceeded {
            path: "f.xlsx".into(),
            sheet: None,
            limit: kind,
            found: 2,
            max: 1,
        };
        assert!(e.to_string().contains(var), "{e}");
        assert!(e.to_string().starts_with("f.xlsx"), "{e}");
    }
}

#[test]
fn bad_limit_names_the_variable() {
    let e = ReadError::BadLimit {
        variable: "G8AUDIT_MAX_CELLS".into(),
        value: "lots".into(),
    };
    assert_eq!(
        e.to_string(),
        "the environment variable G8AUDIT_MAX_CELLS is \"lots\"; it must be a whole number"
    );
}

#[test]
fn missing_table_names_the_files_and_their_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wb = workbook(
        dir.path(),
        "register.xlsx",
        &[("Users", USERS), ("Notes", &[&["x"]])],
    );
    let (e, m) = error(std::slice::from_ref(&wb), &opts());
    assert!(matches!(e, ReadError::MissingTable { .. }));
    assert!(
        m.contains(&wb.display().to_string()) && m.contains("\"Notes\""),
        "{m}"
    );
    assert!(m.contains("--mapping"), "{m}");
}

#[test]
fn ambiguous_table_names_the_file_and_both_sheets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wb = workbook(
        dir.path(),
        "register.xlsx",
        &[
            ("Users", USERS),
            ("Parties", USERS),
            ("Assessments", ASSESSMENTS),
        ],
    );
    let (e, m) = error(std::slice::from_ref(&wb), &opts());
    assert!(matches!(e, ReadError::AmbiguousTable { .. }));
    assert!(m.contains(&wb.display().to_string()), "{m}");
    assert!(m.contains("\"Users\"") && m.contains("\"Parties\""), "{m}");
}

#[test]
fn no_header_row_names_the_file_the_sheet_and_what_it_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wb = workbook(
        dir.path(),
        "register.xlsx",
        &[
            ("Users", &[&["Ident", "Roles"], &["U001", "OU"]]),
            ("Assessments", ASSESSMENTS),
        ],
    );
    let (e, m) = error(std::slice::from_ref(&wb), &opts());
    assert!(matches!(e, ReadError::NoHeaderRow { .. }));
    assert!(
        m.contains(&wb.display().to_string()) && m.contains("sheet \"Users\""),
        "{m}"
    );
    assert!(m.contains("\"Ident\""), "{m}");
}

#[test]
fn missing_column_names_the_file_the_sheet_and_the_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wb = workbook(
        dir.path(),
        "register.xlsx",
        &[
            ("Users", &[&["User ID", "Rolez"], &["U001", "OU"]]),
            ("Assessments", ASSESSMENTS),
        ],
    );
    let (e, m) = error(std::slice::from_ref(&wb), &opts());
    assert!(matches!(e, ReadError::MissingColumn { .. }));
    assert!(
        m.contains(&wb.display().to_string()) && m.contains("sheet \"Users\""),
        "{m}"
    );
    assert!(
        m.contains("(row 1)") && m.contains("did you mean \"Rolez\""),
        "{m}"
    );
}

#[test]
fn mapping_syntax_names_the_mapping_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "mapping.toml", b"[sheets\nusers = ");
    let e = Mapping::load(&p).expect_err("bad TOML");
    assert!(matches!(e, ReadError::MappingSyntax { .. }));
    assert!(e.to_string().contains(&p.display().to_string()), "{e}");
}

#[test]
fn mapping_invalid_names_the_mapping_file_and_the_problem() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write(dir.path(), "mapping.toml", b"[sheets]\nnonsense = \"X\"\n");
    let e = Mapping::load(&p).expect_err("unknown table");
    assert!(matches!(e, ReadError::MappingInvalid { .. }), "{e:?}");
    assert!(e.to_string().contains(&p.display().to_string()), "{e}");
    assert!(e.to_string().contains("nonsense"), "{e}");
}

#[test]
fn the_binary_prints_the_cause_chain_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "register.xlsx", b"PK\x03\x04 damaged");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_g8audit"))
        .args(["validate", "register.xlsx"])
        .current_dir(dir.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("register.xlsx") && err.contains("caused by"),
        "{err}"
    );
}
