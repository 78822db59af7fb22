//! Hostile inputs: files built to crash, hang or exhaust the reader — the far-corner cell of
//! calamine issue #693, zip bombs, a shared-string count of billions, ODS repeat counts (#594),
//! xls files whose cells or sector chains ask for the impossible, CSV with no end to a field.
//! Each is generated here (the big ones cost little to build) and fed to the real binary under
//! a time bound and an address-space cap: it must be read, or refused with exit code 2 and a
//! message naming the file and the limit to raise — never a panic, an abort or a hang.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Running the binary

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `g8audit ARGS` in `dir` with an address-space cap of 2 GiB and a 30 s bound.
fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let bin = env!("CARGO_BIN_EXE_g8audit");
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg("ulimit -v 2097152; exec \"$0\" \"$@\"")
        .arg(bin)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn g8audit");
    let start = Instant::now();
    let limit = Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("g8audit {args:?} ran past {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Writes `bytes` to `dir/name` and validates it; returns the run.
fn validate(name: &str, bytes: &[u8], env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join(name), bytes).expect("write");
    let r = run(dir.path(), &["validate", name], env);
    assert_clean(&r, name);
    r
}

/// Exit 0, 1 or 2; no panic; on 2, a message naming the file.
fn assert_clean(r: &Run, name: &str) {
    assert!(
        matches!(r.code, Some(0..=2)),
        "{name}: exit {:?} (a signal or panic)\n{}",
        r.code,
        r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
    if r.code == Some(2) {
        assert!(
            r.stderr.contains(name),
            "{name}: message names no file: {}",
            r.stderr
        );
    }
}

/// Refused (exit 2) for `limit`, with the variable that raises it.
fn assert_refused_for(r: &Run, limit: &str, var: &str) {
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains(limit), "{}", r.stderr);
    assert!(r.stderr.contains(var), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// Building files

/// One zip entry: its name, method (0 stored, 8 deflated), CRC, data as stored, and the
/// uncompressed size to declare.
struct ZipEntry {
    name: String,
    method: u16,
    crc: u32,
    data: Vec<u8>,
    size: u64,
}

fn stored(name: &str, data: &[u8]) -> ZipEntry {
    ZipEntry {
        name: name.to_string(),
        method: 0,
        crc: crc32fast::hash(data),
        data: data.to_vec(),
        size: data.len() as u64,
    }
}

fn zip(entries: &[ZipEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let size32 = u32::try_from(e.size).unwrap_or(u32::MAX);
        let head = |sig: u32, out: &mut Vec<u8>, central: bool| {
            out.extend(sig.to_le_bytes());
            if central {
                out.extend(20u16.to_le_bytes());
            }
            out.extend(20u16.to_le_bytes()); // version needed
            out.extend(0u16.to_le_bytes()); // flags
            out.extend(e.method.to_le_bytes());
            out.extend(0u32.to_le_bytes()); // time, date
            out.extend(e.crc.to_le_bytes());
            out.extend((e.data.len() as u32).to_le_bytes());
            out.extend(size32.to_le_bytes());
            out.extend((e.name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes()); // extra
        };
        head(0x0403_4b50, &mut out, false);
        out.extend(e.name.as_bytes());
        out.extend(&e.data);
        head(0x0201_4b50, &mut central, true);
        central.extend(0u16.to_le_bytes()); // comment
        central.extend(0u16.to_le_bytes()); // disk
        central.extend(0u16.to_le_bytes()); // internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(e.name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

/// Raw DEFLATE of `byte` repeated `n` times (n ≥ 1): one fixed-Huffman block of a literal and
/// back-references of 258 at distance 1 — about 13 bits per 258 bytes.
fn deflate_run(byte: u8, n: u64) -> Vec<u8> {
    struct W {
        out: Vec<u8>,
        acc: u64,
        bits: u32,
    }
    impl W {
        fn put(&mut self, value: u32, count: u32) {
            self.acc |= u64::from(value) << self.bits;
            self.bits += count;
            while self.bits >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.bits -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            let mut rev = 0;
            for i in 0..len {
                rev |= ((code >> i) & 1) << (len - 1 - i);
            }
            self.put(rev, len);
        }
        fn literal(&mut self, b: u8) {
            if b < 144 {
                self.code(0x30 + u32::from(b), 8);
            } else {
                self.code(0x190 + u32::from(b) - 144, 9);
            }
        }
    }
    let mut w = W {
        out: Vec::new(),
        acc: 0,
        bits: 0,
    };
    w.put(1, 1); // last block
    w.put(1, 2); // fixed Huffman
    w.literal(byte);
    let mut left = n - 1;
    while left >= 258 + 3 || left == 258 {
        w.code(0xC5, 8); // length symbol 285: 258
        w.code(0, 5); // distance code 0: 1
        left -= 258;
    }
    for _ in 0..left {
        w.literal(byte);
    }
    w.code(0, 7); // end of block (symbol 256)
    w.put(0, 7);
    w.out
}

/// An entry of `n` copies of `byte`, deflated, declaring its true size (its CRC is left 0: the
/// entries built with it are refused before anything checks it).
fn deflated_run(name: &str, byte: u8, n: u64) -> ZipEntry {
    ZipEntry {
        name: name.to_string(),
        method: 8,
        crc: 0,
        data: deflate_run(byte, n),
        size: n,
    }
}

fn inline(text: &str) -> String {
    format!("<is><t>{text}</t></is>")
}

/// A sheet's XML from rows of (cell reference, value); values starting `#` are numbers.
fn sheet_xml(dimension: Option<&str>, cells: &[(&str, &str)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    if let Some(d) = dimension {
        s.push_str(&format!(r#"<dimension ref="{d}"/>"#));
    }
    s.push_str("<sheetData>");
    let mut current_row = String::new();
    for (r, v) in cells {
        let row: String = r.chars().filter(char::is_ascii_digit).collect();
        if row != current_row {
            if !current_row.is_empty() {
                s.push_str("</row>");
            }
            s.push_str(&format!(r#"<row r="{row}">"#));
            current_row = row;
        }
        match v.strip_prefix('#') {
            Some(n) => s.push_str(&format!(r#"<c r="{r}"><v>{n}</v></c>"#)),
            None => s.push_str(&format!(r#"<c r="{r}" t="inlineStr">{}</c>"#, inline(v))),
        }
    }
    if !current_row.is_empty() {
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

/// An xlsx with these sheets (name, sheet XML) and, optionally, a shared-strings part.
fn xlsx(sheets: &[(&str, String)], shared: Option<ZipEntry>) -> Vec<u8> {
    let mut types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
    );
    let mut wb = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#,
    );
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    let mut entries = Vec::new();
    for (i, (name, xml)) in sheets.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#));
        wb.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>"#
        ));
        rels.push_str(&format!(r#"<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{n}.xml"/>"#));
        entries.push(stored(
            &format!("xl/worksheets/sheet{n}.xml"),
            xml.as_bytes(),
        ));
    }
    if shared.is_some() {
        types.push_str(r#"<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#);
        rels.push_str(r#"<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    types.push_str("</Types>");
    wb.push_str("</sheets></workbook>");
    rels.push_str("</Relationships>");
    let mut all = vec![
        stored("[Content_Types].xml", types.as_bytes()),
        stored(
            "_rels/.rels",
            br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        stored("xl/workbook.xml", wb.as_bytes()),
        stored("xl/_rels/workbook.xml.rels", rels.as_bytes()),
    ];
    all.extend(entries);
    all.extend(shared);
    zip(&all)
}

/// The smallest register: one Other User with one Full assessment.
fn register_sheets(extra_users: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut users = vec![
        ("A1", "User ID"),
        ("B1", "Roles"),
        ("A2", "U001"),
        ("B2", "OU"),
    ];
    users.extend_from_slice(extra_users);
    vec![
        ("Users", sheet_xml(None, &users)),
        (
            "Assessments",
            sheet_xml(
                None,
                &[
                    ("A1", "User ID"),
                    ("B1", "Type"),
                    ("C1", "Completed On"),
                    ("A2", "U001"),
                    ("B2", "Full"),
                    ("C2", "2024-01-15"),
                ],
            ),
        ),
    ]
}

/// An ods with this `content.xml` body (inside `office:spreadsheet`).
fn ods(body: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"#
    );
    zip(&[
        stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        stored(
            "META-INF/manifest.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#,
        ),
        stored("content.xml", content.as_bytes()),
    ])
}

fn ods_cell_text(text: &str) -> String {
    format!(
        r#"<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>"#
    )
}

fn biff(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = typ.to_le_bytes().to_vec();
    r.extend((data.len() as u16).to_le_bytes());
    r.extend(data);
    r
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = vec![0u8; 16];
    d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
    d[2..4].copy_from_slice(&dt.to_le_bytes());
    biff(0x0809, &d)
}

/// A BIFF8 NUMBER record at (row, col).
fn number(row: u16, col: u16, v: f64) -> Vec<u8> {
    let mut d = row.to_le_bytes().to_vec();
    d.extend(col.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(v.to_le_bytes());
    biff(0x0203, &d)
}

/// A BIFF8 workbook stream with one sheet holding `records`.
fn workbook_stream(records: &[Vec<u8>]) -> Vec<u8> {
    let name = b"Sheet1";
    let mut globals = bof(0x0005);
    let boundsheet_at = globals.len();
    let mut bs = 0u32.to_le_bytes().to_vec();
    bs.extend([0u8, 0u8, name.len() as u8, 0u8]);
    bs.extend(name);
    globals.extend(biff(0x0085, &bs));
    globals.extend(biff(0x000A, &[]));
    let sheet_at = globals.len() as u32;
    globals[boundsheet_at + 4..boundsheet_at + 8].copy_from_slice(&sheet_at.to_le_bytes());
    globals.extend(bof(0x0010));
    for r in records {
        globals.extend(r);
    }
    globals.extend(biff(0x000A, &[]));
    // Keep the stream out of the mini stream (at least 4096 bytes).
    globals.resize(globals.len().max(4096), 0);
    globals
}

/// A compound file (512-byte sectors) holding `stream` as "Workbook". `loop_dir` makes the
/// directory's sector chain point back at itself; `loop_stream` does the same for the
/// workbook stream and declares it 4 GB long.
fn ole(stream: &[u8], loop_dir: bool, loop_stream: bool) -> Vec<u8> {
    const END: u32 = 0xFFFF_FFFE;
    const FREE: u32 = 0xFFFF_FFFF;
    let stream_sectors = stream.len().div_ceil(512);
    let mut header = vec![0u8; 512];
    header[0..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes()); // one FAT sector
    header[48..52].copy_from_slice(&1u32.to_le_bytes()); // directory at sector 1
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&END.to_le_bytes()); // no mini FAT
    header[68..72].copy_from_slice(&END.to_le_bytes()); // no DIFAT sectors
    for i in 0..109 {
        let v = if i == 0 { 0u32 } else { FREE };
        header[76 + i * 4..80 + i * 4].copy_from_slice(&v.to_le_bytes());
    }
    // FAT: sector 0 is the FAT, 1 the directory, 2.. the stream.
    let mut fat = vec![FREE; 128];
    fat[0] = 0xFFFF_FFFD;
    fat[1] = if loop_dir { 1 } else { END };
    for i in 0..stream_sectors {
        fat[2 + i] = if i + 1 == stream_sectors {
            if loop_stream { 2 } else { END }
        } else {
            (3 + i) as u32
        };
    }
    let mut dir = vec![0u8; 512];
    let entry =
        |dir: &mut Vec<u8>, at: usize, name: &str, typ: u8, child: u32, start: u32, size: u32| {
            let e = &mut dir[at * 128..(at + 1) * 128];
            let units: Vec<u16> = name.encode_utf16().collect();
            for (i, u) in units.iter().enumerate() {
                e[i * 2..i * 2 + 2].copy_from_slice(&u.to_le_bytes());
            }
            e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
            e[66] = typ;
            e[67] = 1;
            e[68..72].copy_from_slice(&FREE.to_le_bytes());
            e[72..76].copy_from_slice(&FREE.to_le_bytes());
            e[76..80].copy_from_slice(&child.to_le_bytes());
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..124].copy_from_slice(&size.to_le_bytes());
        };
    entry(&mut dir, 0, "Root Entry", 5, 1, END, 0);
    let size = if loop_stream {
        u32::MAX
    } else {
        stream.len() as u32
    };
    entry(&mut dir, 1, "Workbook", 2, FREE, 2, size);
    let mut out = header;
    out.extend(fat.iter().flat_map(|v| v.to_le_bytes()));
    out.extend(dir);
    let mut s = stream.to_vec();
    s.resize(stream_sectors * 512, 0);
    out.extend(s);
    out
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut f = std::fs::File::create(&p).expect("create");
    f.write_all(bytes).expect("write");
    p
}

// ---------------------------------------------------------------------------------------------
// xlsx

#[test]
fn issue_693_a_far_corner_cell_is_read_without_allocating_the_used_range() {
    // A register whose Users sheet also has a stray value at XFD1048576: calamine's
    // worksheet_range would allocate 17 billion cells; the streaming reader reads it.
    let sheets = register_sheets(&[("XFD1048576", "stray")]);
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "register.xlsx", &xlsx(&sheets, None));
    let r = run(
        dir.path(),
        &[
            "audit",
            "register.xlsx",
            "--as-of",
            "2024-06-01",
            "--json",
            "-",
        ],
        &[],
    );
    assert_clean(&r, "register.xlsx");
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    assert!(r.stdout.contains("\"U001\""), "{}", r.stdout);
}

#[test]
fn a_dimension_declaring_the_whole_sheet_costs_nothing() {
    let mut sheets = register_sheets(&[]);
    sheets[0].1 = sheet_xml(
        Some("A1:XFD1048576"),
        &[
            ("A1", "User ID"),
            ("B1", "Roles"),
            ("A2", "U001"),
            ("B2", "OU"),
        ],
    );
    let r = validate("register.xlsx", &xlsx(&sheets, None), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn a_shared_string_count_of_billions_is_refused_before_calamine_reserves_it() {
    let sst = stored(
        "xl/sharedStrings.xml",
        br#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000" uniqueCount="4000000000"><si><t>User ID</t></si></sst>"#,
    );
    let r = validate(
        "register.xlsx",
        &xlsx(&register_sheets(&[]), Some(sst)),
        &[],
    );
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
    assert!(r.stderr.contains("4000000000"), "{}", r.stderr);
}

#[test]
fn a_zip_bomb_is_refused_by_its_declared_size() {
    // 4 GiB of spaces in 4 MB of DEFLATE: refused on the declared size, nothing decompressed.
    let bomb = deflated_run("xl/media/bomb.bin", b' ', 1 << 32);
    let mut entries = vec![
        stored("[Content_Types].xml", b"<Types/>"),
        stored("xl/workbook.xml", b"<workbook/>"),
    ];
    entries.push(bomb);
    let start = Instant::now();
    let bomb = zip(&entries);
    let r = validate("bomb.xlsx", &bomb, &[]);
    assert_refused_for(
        &r,
        "max_decompressed_bytes",
        "G8AUDIT_MAX_DECOMPRESSED_BYTES",
    );
    // Behind a self-extractor stub, where the zip reader still finds it from the end.
    let mut stubbed = b"MZ\x90\x00 a program, then a zip".to_vec();
    stubbed.extend(&bomb);
    let r = validate("stubbed.xlsx", &stubbed, &[]);
    assert_refused_for(
        &r,
        "max_decompressed_bytes",
        "G8AUDIT_MAX_DECOMPRESSED_BYTES",
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_zip_entry_lying_about_its_size_cannot_grow_past_it() {
    // The sheet declares 100 bytes but inflates to 10 MB of spaces: the zip reader stops at the
    // declared size, so the file is refused as damaged, quickly, not read to the end.
    let mut entries = vec![
        stored(
            "[Content_Types].xml",
            br#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
        ),
        stored(
            "_rels/.rels",
            br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
        ),
        stored(
            "xl/workbook.xml",
            br#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Users" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            br#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#,
        ),
    ];
    let mut sheet = deflated_run("xl/worksheets/sheet1.xml", b' ', 10_000_000);
    sheet.size = 100;
    entries.push(sheet);
    let r = validate("liar.xlsx", &zip(&entries), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
}

#[test]
fn an_honest_large_entry_is_refused_under_a_lowered_limit_and_read_under_the_default() {
    let mut sheets = register_sheets(&[]);
    // 3 MB of padding spaces inside the Users sheet, stored.
    sheets[0].1 = sheets[0].1.replace(
        "<sheetData>",
        &format!("{}<sheetData>", " ".repeat(3_000_000)),
    );
    let bytes = xlsx(&sheets, None);
    let r = validate(
        "register.xlsx",
        &bytes,
        &[("G8AUDIT_MAX_DECOMPRESSED_BYTES", "1000000")],
    );
    assert_refused_for(
        &r,
        "max_decompressed_bytes",
        "G8AUDIT_MAX_DECOMPRESSED_BYTES",
    );
    let r = validate("register.xlsx", &bytes, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn too_many_cells_are_refused_naming_the_sheet() {
    let mut cells: Vec<(String, String)> = vec![
        ("A1".into(), "User ID".into()),
        ("B1".into(), "Roles".into()),
    ];
    for r in 2..=600 {
        cells.push((format!("A{r}"), format!("U{r:04}")));
        cells.push((format!("B{r}"), "OU".into()));
    }
    let refs: Vec<(&str, &str)> = cells
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut sheets = register_sheets(&[]);
    sheets[0].1 = sheet_xml(None, &refs);
    let r = validate(
        "register.xlsx",
        &xlsx(&sheets, None),
        &[("G8AUDIT_MAX_CELLS", "1000")],
    );
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
    assert!(r.stderr.contains("sheet \"Users\""), "{}", r.stderr);
}

#[test]
fn xml_entities_and_deep_nesting_do_not_expand() {
    // "Billion laughs": calamine's XML reader does not expand DTD entities.
    let mut laughs = String::from(r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#);
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str(r#"]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>&lol9;</t></si></sst>"#);
    let sst = stored("xl/sharedStrings.xml", laughs.as_bytes());
    validate("laughs.xlsx", &xlsx(&register_sheets(&[]), Some(sst)), &[]);
    // 200,000 nested elements inside a cell.
    let mut sheets = register_sheets(&[]);
    let deep = format!("{}{}", "<x>".repeat(200_000), "</x>".repeat(200_000));
    sheets[0].1 = sheets[0]
        .1
        .replace("<t>U001</t>", &format!("<t>U001</t>{deep}"));
    validate("deep.xlsx", &xlsx(&sheets, None), &[]);
}

#[test]
fn damaged_and_mislabelled_workbooks_are_refused_cleanly() {
    let good = xlsx(&register_sheets(&[]), None);
    for cut in [0, 10, 100, good.len() / 2, good.len() - 10] {
        validate("cut.xlsx", &good[..cut], &[]);
    }
    // A workbook under the wrong extension is read by its content.
    let r = validate("register.xls", &good, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    validate("register.ods", &good, &[]);
    validate("register.xlsb", &good, &[]);
    // Not a workbook at all.
    let r = validate("users.xlsx", b"User ID,Roles\nU001,OU\n", &[]);
    assert_eq!(r.code, Some(2));
    // Garbage after a zip signature.
    let mut junk = b"PK\x03\x04".to_vec();
    junk.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
    validate("junk.xlsx", &junk, &[]);
    validate("junk.ods", &junk, &[]);
}

// ---------------------------------------------------------------------------------------------
// ods

#[test]
fn issue_594_repeated_rows_and_columns_are_refused_before_calamine_expands_them() {
    let body = r#"<table:table table:name="Users"><table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#;
    let r = validate("register.ods", &ods(body), &[]);
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
    assert!(r.stderr.contains("sheet \"Users\""), "{}", r.stderr);
}

#[test]
fn many_wide_rows_are_refused_before_calamine_reads_them() {
    // Each row element expands to 16,384 cells before calamine makes the range: 3,000 of them
    // is 49 million cells from a few hundred kilobytes.
    let row = r#"<table:table-row><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let body = format!(
        r#"<table:table table:name="Users">{}</table:table>"#,
        row.repeat(3000)
    );
    let r = validate("wide.ods", &ods(&body), &[]);
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
}

#[test]
fn repeated_spaces_are_refused_before_calamine_writes_them() {
    let body = r#"<table:table table:name="Users"><table:table-row><table:table-cell office:value-type="string"><text:p><text:s text:c="2000000000"/></text:p></table:table-cell></table:table-row></table:table>"#;
    let r = validate("spaces.ods", &ods(body), &[]);
    assert_refused_for(
        &r,
        "max_decompressed_bytes",
        "G8AUDIT_MAX_DECOMPRESSED_BYTES",
    );
}

#[test]
fn an_ods_register_with_trailing_empty_runs_is_read() {
    // What LibreOffice writes: empty cells and rows repeated to the sheet's edge.
    let row = |cells: &[&str]| {
        format!(
            r#"<table:table-row>{}<table:table-cell table:number-columns-repeated="1020"/></table:table-row>"#,
            cells.iter().map(|c| ods_cell_text(c)).collect::<String>()
        )
    };
    let tail = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
    let body = format!(
        r#"<table:table table:name="Users">{}{}{tail}</table:table><table:table table:name="Assessments">{}{}{tail}</table:table>"#,
        row(&["User ID", "Roles"]),
        row(&["U001", "OU"]),
        row(&["User ID", "Type", "Completed On"]),
        row(&["U001", "Full", "2024-01-15"]),
    );
    let r = validate("register.ods", &ods(&body), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// xls

#[test]
fn xls_cells_far_apart_are_refused_before_calamine_makes_the_rectangle() {
    let stream = workbook_stream(&[number(0, 0, 1.0), number(65_535, 65_535, 2.0)]);
    let r = validate("far.xls", &ole(&stream, false, false), &[]);
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
}

#[test]
fn xls_dimensions_declaring_billions_are_refused() {
    let mut d = 0u32.to_le_bytes().to_vec();
    d.extend(4_000_000u32.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    d.extend(256u16.to_le_bytes());
    d.extend(0u16.to_le_bytes());
    let stream = workbook_stream(&[biff(0x0200, &d), number(0, 0, 1.0)]);
    let r = validate("dims.xls", &ole(&stream, false, false), &[]);
    assert_refused_for(&r, "max_cells", "G8AUDIT_MAX_CELLS");
}

#[test]
fn xls_sector_chains_that_loop_are_refused_as_damaged() {
    let stream = workbook_stream(&[number(0, 0, 1.0)]);
    for (name, loop_dir, loop_stream) in [("dir.xls", true, false), ("stream.xls", false, true)] {
        let r = validate(name, &ole(&stream, loop_dir, loop_stream), &[]);
        assert_eq!(r.code, Some(2), "{}", r.stderr);
        assert!(r.stderr.contains("damaged"), "{}", r.stderr);
        assert!(r.stderr.contains("loops"), "{}", r.stderr);
    }
}

#[test]
fn a_small_well_formed_xls_is_read() {
    // The generator is sound: the same container with nearby cells is read (and, holding no
    // register, refused for that reason only).
    let stream = workbook_stream(&[number(0, 0, 1.0), number(3, 2, 2.0)]);
    let r = validate("small.xls", &ole(&stream, false, false), &[]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("no Users table"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// CSV

#[test]
fn an_unclosed_quote_is_refused_at_the_field_limit() {
    let mut csv = b"User ID,Roles\nU001,\"OU\n".to_vec();
    csv.extend(std::iter::repeat_n(b'x', 2 * 1024 * 1024));
    let r = validate("users.csv", &csv, &[]);
    assert_refused_for(&r, "max_csv_field_bytes", "G8AUDIT_MAX_CSV_FIELD_BYTES");
    assert!(r.stderr.contains("quot"), "{}", r.stderr);
}

#[test]
fn a_line_past_the_line_limit_is_refused() {
    let mut csv = b"User ID,Roles,Note\nU001,OU,".to_vec();
    for _ in 0..200 {
        csv.extend(b"\"");
        csv.extend(std::iter::repeat_n(b'y', 1000));
        csv.extend(b"\",");
    }
    csv.push(b'\n');
    let r = validate(
        "users.csv",
        &csv,
        &[("G8AUDIT_MAX_CSV_LINE_BYTES", "100000")],
    );
    assert_refused_for(&r, "max_csv_line_bytes", "G8AUDIT_MAX_CSV_LINE_BYTES");
}

#[test]
fn too_many_columns_or_rows_are_refused() {
    let mut csv = b"User ID,Roles\nU001,OU".to_vec();
    csv.extend(std::iter::repeat_n(b',', 20_000));
    csv.extend(b"x\n");
    let r = validate("users.csv", &csv, &[]);
    assert_refused_for(&r, "max_columns", "G8AUDIT_MAX_COLUMNS");

    let mut csv = b"User ID,Roles\n".to_vec();
    csv.extend(std::iter::repeat_n(b'\n', 1_048_576));
    csv.extend(b"U001,OU\n");
    let r = validate("users.csv", &csv, &[]);
    assert_refused_for(&r, "max_rows", "G8AUDIT_MAX_ROWS");
}

#[test]
fn binary_and_odd_encodings_are_read_or_refused_cleanly() {
    let noise: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    validate("users.csv", &noise, &[]);
    validate("users.csv", b"\xFF\xFE\x00", &[]); // UTF-16 BOM, odd length
    validate("users.csv", b"\xEF\xBB\xBF", &[]); // BOM only
    validate("users.csv", b"\0\0\0,\0\n\r\r\n\"", &[]);
    validate("users.tsv", b"User ID\tRoles\nU001\t\"", &[]);
    validate("empty.xlsx", b"", &[]);
    validate("empty.ods", b"", &[]);
    validate("empty.xls", b"", &[]);
    validate("empty.csv", b"", &[]);
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let r = validate(
        "users.csv",
        b"User ID,Roles\nU001,OU\n",
        &[("G8AUDIT_MAX_FILE_BYTES", "10")],
    );
    assert_refused_for(&r, "max_file_bytes", "G8AUDIT_MAX_FILE_BYTES");
}

#[test]
fn a_limit_variable_that_is_not_a_number_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "users.csv", b"User ID,Roles\nU001,OU\n");
    let r = run(
        dir.path(),
        &["validate", "users.csv"],
        &[("G8AUDIT_MAX_CELLS", "lots")],
    );
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("G8AUDIT_MAX_CELLS"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// Nothing lost, nothing leaked

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(path).expect("read");
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn csv_register(dir: &Path, users: &str) -> Vec<PathBuf> {
    vec![
        write_file(dir, "users.csv", users.as_bytes()),
        write_file(
            dir,
            "assessments.csv",
            b"User ID,Type,Completed On\nU001,Full,2020-01-15\n",
        ),
    ]
}

#[test]
fn inputs_are_never_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut inputs = csv_register(dir.path(), "User ID,Roles\nU001,OU\nU002,OU\n");
    inputs.push(write_file(
        dir.path(),
        "register.xlsx",
        &xlsx(&register_sheets(&[]), None),
    ));
    let before: Vec<(String, std::time::SystemTime)> = inputs
        .iter()
        .map(|p| {
            (
                sha256(p),
                std::fs::metadata(p)
                    .and_then(|m| m.modified())
                    .expect("mtime"),
            )
        })
        .collect();
    for args in [
        vec!["validate", "users.csv", "assessments.csv"],
        vec![
            "audit",
            "users.csv",
            "assessments.csv",
            "--as-of",
            "2026-11-01",
            "--json",
            "out.json",
            "--findings-csv",
            "findings.csv",
            "-o",
            "out.xlsx",
        ],
        vec![
            "audit",
            "register.xlsx",
            "--as-of",
            "2026-11-01",
            "-o",
            "annotated.xlsx",
        ],
        // Outputs aimed at an input are refused, and the input is left alone.
        vec![
            "audit",
            "users.csv",
            "assessments.csv",
            "--json",
            "users.csv",
        ],
        vec![
            "audit",
            "users.csv",
            "assessments.csv",
            "--findings-csv",
            "./assessments.csv",
        ],
        vec!["audit", "register.xlsx", "-o", "register.xlsx"],
    ] {
        let r = run(dir.path(), &args, &[]);
        assert!(
            matches!(r.code, Some(0..=2)) && !r.stderr.contains("panicked"),
            "{}",
            r.stderr
        );
        if r.code == Some(2) {
            assert!(
                r.stderr.contains("never writes to an input"),
                "{args:?}: {}",
                r.stderr
            );
        }
    }
    let after: Vec<(String, std::time::SystemTime)> = inputs
        .iter()
        .map(|p| {
            (
                sha256(p),
                std::fs::metadata(p)
                    .and_then(|m| m.modified())
                    .expect("mtime"),
            )
        })
        .collect();
    assert_eq!(before, after, "an input was written");
}

#[test]
fn an_output_is_replaced_whole_not_rewritten_in_place() {
    // A hard link to the old report keeps the old bytes when the new report is renamed into
    // place; had the file been rewritten in place, the link would show the new bytes (and a
    // reader could have seen half a report).
    let dir = tempfile::tempdir().expect("tempdir");
    csv_register(dir.path(), "User ID,Roles\nU001,OU\n");
    for out in ["out.json", "findings.csv", "out.xlsx"] {
        write_file(dir.path(), out, b"old report");
        std::fs::hard_link(dir.path().join(out), dir.path().join(format!("{out}.link")))
            .expect("hard link");
    }
    let r = run(
        dir.path(),
        &[
            "audit",
            "users.csv",
            "assessments.csv",
            "--as-of",
            "2026-11-01",
            "--json",
            "out.json",
            "--findings-csv",
            "findings.csv",
            "-o",
            "out.xlsx",
        ],
        &[],
    );
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    for out in ["out.json", "findings.csv", "out.xlsx"] {
        let new = std::fs::read(dir.path().join(out)).expect("output");
        assert_ne!(new, b"old report", "{out} was not written");
        let link = std::fs::read(dir.path().join(format!("{out}.link"))).expect("link");
        assert_eq!(link, b"old report", "{out} was rewritten in place");
    }
    // No temporary file is left beside the outputs.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "assessments.csv",
            "findings.csv",
            "findings.csv.link",
            "out.json",
            "out.json.link",
            "out.xlsx",
            "out.xlsx.link",
            "users.csv"
        ]
    );
}

#[test]
fn the_findings_csv_neutralises_formula_starts() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Users with no assessment: each gets an ENTRY_MISSING finding carrying its id and name.
    let users = "User ID,Name,Roles\n\
                 \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"=1+2\",OU\n\
                 +U2,\"@SUM(A1)\",OU\n\
                 -U3,\"\tname\",OU\n\
                 @U4,\"\rname\",OU\n\
                 U001,\"-2+3\",OU\n";
    csv_register(dir.path(), users);
    let r = run(
        dir.path(),
        &[
            "audit",
            "users.csv",
            "assessments.csv",
            "--as-of",
            "2026-11-01",
            "--findings-csv",
            "findings.csv",
        ],
        &[],
    );
    assert!(matches!(r.code, Some(0 | 1)), "{}", r.stderr);
    let text = std::fs::read_to_string(dir.path().join("findings.csv")).expect("findings");
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut rows = 0;
    for record in reader.records() {
        let record = record.expect("record");
        rows += 1;
        for cell in record.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "unsafe cell {cell:?} in {text}"
            );
        }
    }
    assert!(rows >= 5, "{text}");
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(text.contains("'@SUM(A1)"), "{text}");
}

#[test]
fn one_shared_string_in_many_cells_is_counted_as_copied() {
    // A 1 MB shared string used by 1,000 cells is a gigabyte once every cell holds its copy.
    let sst = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="1"><si><t>{}</t></si></sst>"#,
        "x".repeat(1_000_000)
    );
    let mut xml = String::from(
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for r in 1..=1000 {
        xml.push_str(&format!(
            r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
        ));
    }
    xml.push_str("</sheetData></worksheet>");
    let bytes = xlsx(
        &[("Users", xml)],
        Some(stored("xl/sharedStrings.xml", sst.as_bytes())),
    );
    let r = validate("copies.xlsx", &bytes, &[]);
    assert_refused_for(
        &r,
        "max_decompressed_bytes",
        "G8AUDIT_MAX_DECOMPRESSED_BYTES",
    );
    assert!(r.stderr.contains("sheet \"Users\""), "{}", r.stderr);
}

#[test]
fn did_you_mean_searches_cannot_make_a_run_quadratic() {
    // 20,000 users with 90-character ids, and 1,000 assessment rows naming ids that are none
    // of them: every row is an UNKNOWN_USER issue, found in bounded time.
    let dir = tempfile::tempdir().expect("tempdir");
    let id = |i: usize| format!("{}{i:06}", "A".repeat(84));
    let mut users = String::from("User ID,Roles\n");
    for i in 0..20_000 {
        users.push_str(&format!("{},OU\n", id(i)));
    }
    let mut assessments = String::from("User ID,Type,Completed On\n");
    for i in 0..1_000 {
        assessments.push_str(&format!("{}{i:06},Full,2024-01-15\n", "B".repeat(84)));
    }
    write_file(dir.path(), "users.csv", users.as_bytes());
    write_file(dir.path(), "assessments.csv", assessments.as_bytes());
    let start = Instant::now();
    let r = run(
        dir.path(),
        &["validate", "users.csv", "assessments.csv", "--quiet"],
        &[],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn every_file_in_fixtures_hostile_is_refused_cleanly() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hostile");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("fixtures/hostile") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        if name == "README.md" {
            continue;
        }
        n += 1;
        let scratch = tempfile::tempdir().expect("tempdir");
        let file = path.to_str().expect("utf-8 path");
        for args in [
            vec!["validate", file],
            vec!["audit", file, "--json", "out.json", "-o", "out.xlsx"],
        ] {
            let r = run(scratch.path(), &args, &[]);
            assert_clean(&r, &name);
            assert_eq!(r.code, Some(2), "{name}: {}", r.stderr);
        }
    }
    assert!(n >= 7, "only {n} hostile fixtures");
}

#[test]
fn an_ods_cut_short_inside_a_sheet_or_a_comment_is_refused_not_looped_on() {
    // calamine's ODS reader waits for `</table:table>` (or `</office:annotation>`) for ever
    // when the document ends first; the zip around it is whole, so nothing else stops it.
    let start = Instant::now();
    let cut = r#"<table:table table:name="Users"><table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    let r = validate("cut.ods", &ods(cut), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(
        r.stderr.contains("damaged") && r.stderr.contains("\"Users\""),
        "{}",
        r.stderr
    );
    let comment = r#"<table:table table:name="Users"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>note</text:p></table:table-cell></table:table-row></table:table>"#;
    let r = validate("comment.ods", &ods(comment), &[]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_line_of_a_hundred_million_delimiters_is_refused_before_it_is_split() {
    // The csv crate keeps an index entry per field of a record before handing it over: 100
    // million commas on one line once took 1.3 GB and aborted under the 2 GiB cap.
    let mut csv = b"User ID,Roles\n".to_vec();
    csv.resize(csv.len() + 100 * 1024 * 1024, b',');
    csv.push(b'\n');
    let start = Instant::now();
    let r = validate("users.csv", &csv, &[]);
    assert_refused_for(&r, "max_columns", "G8AUDIT_MAX_COLUMNS");
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
