//! Reading one CSV (or TSV) file into a [`RawSheet`] named after the file stem.
//!
//! Text is UTF-8, with or without a byte-order mark; a file that is not valid UTF-8 is read as
//! Windows-1252 (what Excel on Windows saves as "CSV"), and UTF-16 with a byte-order mark is
//! accepted too. The delimiter (comma, semicolon, tab) is sniffed from the first lines: the one
//! under which a header row is recognised best wins. Row numbers are what a spreadsheet shows:
//! row 0 is the first line, blank lines count, and a quoted field spanning lines is one row.
//! Every field is kept as text; parsing is left to the record builder.

use std::borrow::Cow;

use super::headers::match_columns;
use super::raw::TextCells;
use super::{CellBudget, LimitKind, RawSheet, RawValue, ReadError, Table};

const DELIMITERS: [u8; 3] = [b',', b';', b'\t'];

/// Reads a CSV file. `delimiter` is fixed by the extension (`.tsv`), else sniffed.
pub(crate) fn read_csv(
    input: usize,
    path: &str,
    stem: &str,
    bytes: &[u8],
    delimiter: Option<u8>,
    budget: &CellBudget,
) -> Result<RawSheet, ReadError> {
    let text = decode(bytes);
    let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text));
    let limits = budget.limits;
    let limit = |limit: LimitKind, found: u64, max: u64| ReadError::LimitExceeded {
        path: path.to_string(),
        sheet: None,
        limit,
        found,
        max,
    };

    // The csv crate holds a whole record, and an index entry per field, before it hands the
    // record over: bound both before it starts.
    let shape = match prescan(text.as_bytes(), delimiter, &limits) {
        Ok(shape) => shape,
        Err((kind, found)) => {
            let max = match kind {
                LimitKind::Columns => u64::from(limits.max_columns),
                LimitKind::CsvFieldBytes => limits.max_csv_field_bytes as u64,
                _ => limits.max_csv_line_bytes as u64,
            };
            return Err(limit(kind, found, max));
        }
    };

    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    // Every field is text: stored as its end in one text arena, 4 bytes a field. Unquoting only
    // shortens a field, so the decoded text bounds the arena, and the fields and lines counted
    // by the prescan bound the rest: reserving them up front spares the copies (and the fresh
    // pages each copy faults in) of vectors grown by doubling, which for a large file cost more
    // than the parsing. Empty fields take no room at the end of a line, so a file of mostly
    // delimiters could claim far more than it uses: the cell limit caps the reservation.
    let mut cells = TextCells::default();
    let max_cells = usize::try_from(limits.max_cells).unwrap_or(usize::MAX);
    cells.reserve(
        text.len(),
        shape.fields.min(max_cells),
        shape.lines.min(max_cells),
    );
    // Row numbers count physical lines (blank ones too), less the line breaks inside quoted
    // fields, which do not start new rows.
    let all = text.as_bytes();
    let mut cursor = 0usize;
    let mut breaks_before: u64 = 0;
    let mut embedded_breaks: u64 = 0;
    let mut record = ::csv::StringRecord::new();
    let mut stored: u64 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(source) => {
                let line = source.position().map(|p| p.line());
                return Err(ReadError::Csv {
                    path: path.to_string(),
                    line,
                    source,
                });
            }
        }
        // The csv reader's position is just before the previous record's terminator: skip the
        // terminator and any blank lines to the record's first byte.
        let mut start = record
            .position()
            .map(|p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
            .unwrap_or(0)
            .clamp(cursor, all.len());
        while start < all.len() && matches!(all[start], b'\r' | b'\n') {
            start += 1;
        }
        breaks_before += count_breaks(&all[cursor..start]);
        cursor = start;
        let row = breaks_before.saturating_sub(embedded_breaks);
        if row >= u64::from(limits.max_rows) {
            return Err(limit(LimitKind::Rows, row + 1, u64::from(limits.max_rows)));
        }
        let line_bytes = record.as_byte_record().as_slice().len() + record.len();
        if line_bytes > limits.max_csv_line_bytes {
            return Err(limit(
                LimitKind::CsvLineBytes,
                line_bytes as u64,
                limits.max_csv_line_bytes as u64,
            ));
        }
        if record.len() as u64 > u64::from(limits.max_columns) {
            return Err(limit(
                LimitKind::Columns,
                record.len() as u64,
                u64::from(limits.max_columns),
            ));
        }
        let (mut non_empty, mut len) = (0u64, 0usize);
        for (c, field) in record.iter().enumerate() {
            if field.len() > limits.max_csv_field_bytes {
                return Err(limit(
                    LimitKind::CsvFieldBytes,
                    field.len() as u64,
                    limits.max_csv_field_bytes as u64,
                ));
            }
            embedded_breaks += count_breaks(field.as_bytes());
            if !field.is_empty() {
                non_empty += 1;
                len = c + 1;
            }
        }
        // A row of empty fields only is no row; trailing empty fields are not cells.
        if non_empty == 0 {
            continue;
        }
        budget.take(non_empty, path, stem)?;
        // The stored form holds every field up to the last non-empty one of its line, empty
        // ones too: a file of lines of delimiters with one value at the end is small in non-empty
        // cells and large once stored, so the stored cells count against the limit as well (as
        // a workbook sheet's do once made dense).
        stored += len as u64;
        if stored > limits.max_cells {
            return Err(limit(LimitKind::Cells, stored, limits.max_cells));
        }
        // Row numbers only grow, so each row comes after every row pushed so far. A row is kept
        // up to its last non-empty field (`len`).
        let row = u32::try_from(row).unwrap_or(u32::MAX);
        cells
            .push_row(row, record.iter(), len)
            .map_err(|o| super::overflow_error(o, path, None))?;
    }
    cells.shrink();
    Ok(RawSheet::new(input, stem, cells, false))
}

/// Upper bounds on what a CSV file holds, from [`prescan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shape {
    /// Fields over all lines (a field per delimiter outside quotes, plus one per line).
    fields: usize,
    /// Lines, counting a line break inside a quoted field as a line too.
    lines: usize,
}

/// Walks the records as the csv crate splits them (a quote opens a quoted field only at the
/// start of a field; `""` inside one is a quote; line breaks inside one belong to the field) and
/// returns the first limit a record passes (too many fields, a field or a record too long), or
/// else the file's [`Shape`].
fn prescan(bytes: &[u8], delimiter: u8, limits: &super::Limits) -> Result<Shape, (LimitKind, u64)> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::Start;
    let (mut fields, mut field, mut record) = (1u64, 0u64, 0u64);
    let mut shape = Shape {
        fields: 1,
        lines: 1,
    };
    let max_fields = u64::from(limits.max_columns);
    let max_field = limits.max_csv_field_bytes as u64;
    let max_record = limits.max_csv_line_bytes as u64;
    for (i, &b) in bytes.iter().enumerate() {
        let line_break = b == b'\n' || b == b'\r';
        // A line ends at `\n`, or at a `\r` not followed by one (old Mac files).
        let line_end = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        let ends_field = b == delimiter;
        match state {
            State::Quoted => {
                if b == b'"' {
                    state = State::QuoteInQuoted;
                } else {
                    field += 1;
                    shape.lines += usize::from(line_end);
                }
            }
            State::QuoteInQuoted if b == b'"' => {
                field += 1;
                state = State::Quoted;
            }
            _ if ends_field => {
                fields += 1;
                shape.fields += 1;
                field = 0;
                state = State::Start;
            }
            _ if line_break => {
                shape.lines += usize::from(line_end);
                shape.fields += usize::from(line_end);
                fields = 1;
                field = 0;
                record = 0;
                state = State::Start;
                continue;
            }
            State::Start if b == b'"' => state = State::Quoted,
            _ => {
                field += 1;
                state = State::Unquoted;
            }
        }
        record += 1;
        if fields > max_fields {
            return Err((LimitKind::Columns, fields));
        }
        if field > max_field {
            return Err((LimitKind::CsvFieldBytes, field));
        }
        if record > max_record {
            return Err((LimitKind::CsvLineBytes, record));
        }
    }
    Ok(shape)
}

/// Line breaks in `bytes`: `\n`, `\r\n`, or a lone `\r`.
fn count_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'\n' => n += 1,
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => n += 1,
            _ => {}
        }
    }
    n
}

/// The file as text: UTF-8 (BOM dropped), UTF-16 with a BOM, else Windows-1252.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let units = rest
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]));
        return Cow::Owned(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        );
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let units = rest
            .chunks_exact(2)
            .map(|p| u16::from_be_bytes([p[0], p[1]]));
        return Cow::Owned(
            char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        );
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| cp1252(b)).collect()),
    }
}

/// Windows-1252 to Unicode.
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => char::from(b),
    }
}

/// The delimiter under which the first lines look most like a register: most recognised
/// headings in one row, then most fields in the first row; comma on a tie.
fn sniff_delimiter(text: &str) -> u8 {
    // The first ten lines, and no more than 64 KiB of them: a header row is not longer.
    let mut end = text.len().min(64 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head: String = text[..end].lines().take(10).collect::<Vec<_>>().join("\n");
    let mut best = (b',', 0usize, 0usize);
    for d in DELIMITERS {
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(d)
            .from_reader(head.as_bytes());
        let mut recognised = 0;
        let mut first_width = 0;
        for (i, rec) in reader.records().take(10).enumerate() {
            let Ok(rec) = rec else { break };
            if i == 0 {
                first_width = rec.len();
            }
            let known = Table::ALL
                .into_iter()
                .map(|t| match_columns(rec.iter().map(RawValue::Text), t, None).len())
                .max()
                .unwrap_or(0);
            recognised = recognised.max(known);
        }
        if (recognised, first_width) > (best.1, best.2) {
            best = (d, recognised, first_width);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Limits;

    fn read(bytes: &[u8]) -> Result<RawSheet, ReadError> {
        let budget = CellBudget::new(Limits::default());
        read_csv(0, "users.csv", "users", bytes, None, &budget)
    }

    fn t(s: &str) -> RawValue<'_> {
        RawValue::Text(s)
    }

    #[test]
    fn bom_and_semicolons() {
        let s = read("\u{feff}User ID;Name;Roles\nU001;Acme, Ltd;IS\n".as_bytes()).expect("read");
        assert_eq!(s.name, "users");
        assert_eq!(s.row(0).to_vec(), vec![t("User ID"), t("Name"), t("Roles")]);
        assert_eq!(s.row(1).to_vec(), vec![t("U001"), t("Acme, Ltd"), t("IS")]);
    }

    #[test]
    fn commas_with_quotes_and_embedded_line_breaks() {
        let s = read(b"User ID,Roles\r\nU001,\"IS\nGS\"\r\n\r\nU002,OU\r\n").expect("read");
        assert_eq!(s.row_count(), 4);
        assert_eq!(s.row(1).to_vec(), vec![t("U001"), t("IS\nGS")]);
        // The blank line is row 2 (spreadsheet row 3); U002 is row 3.
        assert!(s.row(2).is_empty());
        assert_eq!(s.row(3).to_vec(), vec![t("U002"), t("OU")]);
    }

    #[test]
    fn row_numbers_follow_physical_lines() {
        // Blank lines at the top and between, a quoted field over three lines, CR-only endings.
        let s = read(b"\n\nUser ID,Roles\nU1,\"a\r\nb\nc\"\n\n\nU2,x\rU3,y\r\n").expect("read");
        assert_eq!(s.row(2).to_vec(), vec![t("User ID"), t("Roles")]);
        assert_eq!(s.row(3).to_vec(), vec![t("U1"), t("a\r\nb\nc")]);
        assert_eq!(s.row(6).to_vec(), vec![t("U2"), t("x")]);
        assert_eq!(s.row(7).to_vec(), vec![t("U3"), t("y")]);
        assert_eq!(s.row_count(), 8);
    }

    #[test]
    fn tabs_are_sniffed() {
        let s = read(b"User ID\tRoles\nU001\tIS, GS\n").expect("read");
        assert_eq!(s.row(1).to_vec(), vec![t("U001"), t("IS, GS")]);
    }

    #[test]
    fn windows_1252_is_decoded() {
        let s = read(b"User ID,Name,Roles\nU001,Caf\xe9 \x80,IS\n").expect("read");
        assert_eq!(s.value(1, 1), t("Café €"));
    }

    #[test]
    fn utf16_with_bom() {
        let text = "User ID,Roles\nU001,IS\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let s = read(&bytes).expect("read");
        assert_eq!(s.row(1).to_vec(), vec![t("U001"), t("IS")]);
    }

    #[test]
    fn prescan_bounds_the_fields_and_lines_it_will_store() {
        // Three records, one of them with a quoted field holding a comma and a line break; the
        // last has no break. Fields: 2 + 2 + 2; lines: 3, plus the break inside quotes (a bound
        // may be loose, never short).
        let text = b"User ID,Roles\n\"U0\n01,x\",IS\r\nU002,IS";
        let shape = prescan(text, b',', &Limits::default()).expect("within limits");
        assert_eq!(
            shape,
            Shape {
                fields: 6,
                lines: 4
            }
        );
        let s = read(text).expect("read");
        let stored: usize = (0..s.row_count() as u32).map(|r| s.row(r).len()).sum();
        assert!(stored <= shape.fields && s.row_count() <= shape.lines);
        // Lines ended by a lone `\r` (old Mac files) are counted too.
        let mac = b"User ID,Roles\rU001,IS\rU002,IS";
        let shape = prescan(mac, b',', &Limits::default()).expect("within limits");
        assert_eq!(
            shape,
            Shape {
                fields: 6,
                lines: 3
            }
        );
    }

    #[test]
    fn stored_cells_count_against_the_cell_limit() {
        // Two non-empty cells, but twelve stored (the empty fields before the last value).
        let budget = CellBudget::new(Limits {
            max_cells: 10,
            ..Limits::default()
        });
        let e = read_csv(
            0,
            "users.csv",
            "users",
            b"User ID\n,,,,,,,,,,x\n",
            None,
            &budget,
        )
        .expect_err("too many stored cells");
        assert!(
            matches!(
                e,
                ReadError::LimitExceeded {
                    limit: LimitKind::Cells,
                    found: 12,
                    max: 10,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn field_limit() {
        let budget = CellBudget::new(Limits {
            max_csv_field_bytes: 7,
            ..Limits::default()
        });
        let e = read_csv(
            0,
            "users.csv",
            "users",
            b"User ID,Roles\nU0000001,IS\n",
            None,
            &budget,
        )
        .expect_err("field too long");
        assert!(matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::CsvFieldBytes,
                found: 8,
                ..
            }
        ));
    }

    #[test]
    fn empty_file_has_no_rows() {
        assert!(read(b"").expect("read").row_count() == 0);
    }
}
