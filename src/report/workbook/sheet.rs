//! Writing a worksheet strictly row by row, and splitting a long table over several sheets.
//!
//! Large sheets are written in rust_xlsxwriter's constant-memory mode, where a write to a row
//! above the last one written is silently dropped. [`SheetOut`] therefore has no "write at row r"
//! method at all: a writer can only append the next row ([`SheetOut::push`]) or leave rows blank
//! ([`SheetOut::skip`]), so no sheet can lose a cell that way. [`TableOut`] continues a table on
//! `Name (2)`, `Name (3)` … when it would pass the row limit, repeating its header row.
//!
//! This module knows nothing of audits or registers: only cells, rows and sheets.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use rust_xlsxwriter::{ColNum, ExcelDateTime, RowNum, Workbook, Worksheet, XlsxError};

use super::assemble::{Apart, Slot};
use super::styles::{Kind, Style, Styles, Tone};

/// Excel's row limit.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;
/// Excel's limit on the characters of one cell.
const EXCEL_MAX_TEXT: usize = 32_767;
/// Excel's limit on hyperlinks in one worksheet; later links are written as plain text.
const EXCEL_MAX_LINKS: usize = 65_530;
/// The widest a column is made, in characters.
pub const MAX_WIDTH: usize = 60;

/// What one cell holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Blank,
    Text(String),
    Number(f64),
    /// A whole number shown with thousands separators (premise counts).
    Count(u64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// A month, stored as its first day and shown `Nov 2026`.
    Month(NaiveDate),
    Bool(bool),
    /// Text that links to a place in this workbook (`internal:'Users'!A5`).
    Link {
        text: String,
        target: String,
    },
}

impl Value {
    /// The value, borrowed.
    pub fn as_val(&self) -> Val<'_> {
        match self {
            Value::Blank => Val::Blank,
            Value::Text(s) => Val::Text(s),
            Value::Number(n) => Val::Number(*n),
            Value::Count(n) => Val::Count(*n),
            Value::Date(d) => Val::Date(*d),
            Value::DateTime(dt) => Val::DateTime(*dt),
            Value::Month(d) => Val::Month(*d),
            Value::Bool(b) => Val::Bool(*b),
            Value::Link { text, target } => Val::Link { text, target },
        }
    }
}

/// A [`Value`] borrowed for writing: the input sheets are copied cell by cell without a `String`
/// per text cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Val<'a> {
    Blank,
    Text(&'a str),
    Number(f64),
    Count(u64),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Month(NaiveDate),
    Bool(bool),
    Link { text: &'a str, target: &'a str },
}

impl Val<'_> {
    /// The value, owned.
    pub fn to_value(self) -> Value {
        match self {
            Val::Blank => Value::Blank,
            Val::Text(s) => Value::Text(s.to_string()),
            Val::Number(n) => Value::Number(n),
            Val::Count(n) => Value::Count(n),
            Val::Date(d) => Value::Date(d),
            Val::DateTime(dt) => Value::DateTime(dt),
            Val::Month(d) => Value::Month(d),
            Val::Bool(b) => Value::Bool(b),
            Val::Link { text, target } => Value::Link {
                text: text.to_string(),
                target: target.to_string(),
            },
        }
    }
}

/// The decimal digits of `n`, with its sign.
fn int_width(n: i64) -> usize {
    let digits = n
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    digits + usize::from(n < 0)
}

/// The width a value marked `style` needs, in characters (a fair estimate for a proportional
/// font). Counted without allocating: it runs for every cell written.
fn width(value: Val<'_>, style: Style) -> usize {
    if style.overflow || style.title || style.section {
        return 0;
    }
    let w = match value {
        Val::Blank => 0,
        Val::Text(s) | Val::Link { text: s, .. } if s.is_ascii() && !s.contains('\n') => s.len(),
        Val::Text(s) | Val::Link { text: s, .. } => {
            s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
        }
        Val::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => int_width(n as i64),
        Val::Number(n) => format!("{n}").len().min(12),
        Val::Count(n) => {
            let digits = int_width(i64::try_from(n).unwrap_or(i64::MAX));
            digits + (digits - 1) / 3
        }
        Val::Date(_) => 11,
        Val::DateTime(_) => 17,
        Val::Month(_) => 8,
        Val::Bool(_) => 5,
    };
    // Bold headings are wider, and carry the autofilter button.
    if style.header || style.annotation_header {
        w + 3
    } else if style.bold {
        w + w / 8
    } else {
        w
    }
}

/// A value and how it is marked.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub value: Value,
    pub style: Style,
}

impl Cell {
    pub fn new(value: Value) -> Cell {
        Cell {
            value,
            style: Style::default(),
        }
    }
    pub fn blank() -> Cell {
        Cell::new(Value::Blank)
    }
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::new(Value::Text(s.into()))
    }
    /// Text, or a blank cell for `None`.
    pub fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or_else(Cell::blank, Cell::text)
    }
    pub fn int(n: i64) -> Cell {
        Cell::new(Value::Number(n as f64))
    }
    pub fn opt_int(n: Option<i64>) -> Cell {
        n.map_or_else(Cell::blank, Cell::int)
    }
    pub fn count(n: u64) -> Cell {
        Cell::new(Value::Count(n))
    }
    pub fn opt_count(n: Option<u64>) -> Cell {
        n.map_or_else(Cell::blank, Cell::count)
    }
    pub fn date(d: NaiveDate) -> Cell {
        Cell::new(Value::Date(d))
    }
    pub fn opt_date(d: Option<NaiveDate>) -> Cell {
        d.map_or_else(Cell::blank, Cell::date)
    }
    /// A link, or plain text when there is no target.
    pub fn link(text: impl Into<String>, target: Option<String>) -> Cell {
        let text = text.into();
        match target {
            Some(target) => Cell::new(Value::Link { text, target }),
            None => Cell::text(text),
        }
    }
    /// A table heading.
    pub fn header(s: impl Into<String>) -> Cell {
        Cell::text(s).with(|st| st.header = true)
    }
    /// Changes the style.
    pub fn with(mut self, f: impl FnOnce(&mut Style)) -> Cell {
        f(&mut self.style);
        self
    }
    pub fn tone(self, tone: Tone) -> Cell {
        self.with(|s| s.tone = tone)
    }
    pub fn bold(self) -> Cell {
        self.with(|s| s.bold = true)
    }
    pub fn wrap(self) -> Cell {
        self.with(|s| s.wrap = true)
    }
    pub fn center(self) -> Cell {
        self.with(|s| s.center = true)
    }

    /// Text that may run over the empty cells to its right (it does not widen its column).
    pub fn overflow(self) -> Cell {
        self.with(|s| s.overflow = true)
    }
}

/// Excel holds dates from 1900 to 9999; anything else is written as ISO text.
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year())
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

fn excel_datetime(dt: NaiveDateTime) -> Option<ExcelDateTime> {
    let t = dt.time();
    excel_date(dt.date())?
        .and_hms(t.hour() as u16, t.minute() as u8, t.second())
        .ok()
}

/// Cuts text to Excel's cell limit (on a character boundary).
fn fit_text(s: &str) -> &str {
    if s.len() <= EXCEL_MAX_TEXT {
        return s;
    }
    let mut end = 0;
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > EXCEL_MAX_TEXT {
            break;
        }
        end = i + c.len_utf8();
    }
    &s[..end]
}

/// Whether a new worksheet is written in constant-memory mode (rows flushed to disk as they are
/// written) or kept whole in memory (small sheets, and sheets that charts read from).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Streamed,
    InMemory,
}

/// Where a sheet writer gets its worksheets and puts them when they are finished: the workbook
/// itself ([`Workbook`]), or, for a writer on another thread, worksheets the workbook made
/// beforehand ([`Prepared`]).
pub trait Book {
    /// A new, unnamed worksheet in `mode`. In constant-memory mode a write to an earlier row is
    /// silently dropped, so every writer only ever appends rows (tested by reading the last row
    /// back).
    fn new_worksheet(&mut self, mode: Mode) -> Result<Worksheet, XlsxError>;

    /// Adds a finished worksheet (after the ones added before it).
    ///
    /// # Errors
    /// When a sheet saved apart cannot be written ([`super::assemble`]).
    fn add_worksheet(&mut self, sheet: Finished) -> Result<(), XlsxError>;
}

impl Book for Workbook {
    fn new_worksheet(&mut self, mode: Mode) -> Result<Worksheet, XlsxError> {
        match mode {
            Mode::Streamed => self.new_worksheet_with_constant_memory(),
            Mode::InMemory => Ok(Worksheet::new()),
        }
    }

    fn add_worksheet(&mut self, sheet: Finished) -> Result<(), XlsxError> {
        self.push_worksheet(sheet.ws);
        Ok(())
    }
}

/// What the workbook's own parts (`workbook.xml`, `app.xml`) say of a worksheet: its name, its
/// filter and the rows printed on every page. A sheet saved apart ([`super::assemble`]) leaves an
/// empty worksheet with these settings in its place, so those parts come out as if the sheet
/// were there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StandIn {
    pub name: String,
    /// (first row, first column, last row, last column).
    autofilter: Option<(u32, u16, u32, u16)>,
    /// (first row, last row).
    repeat_rows: Option<(u32, u32)>,
}

impl StandIn {
    /// The empty worksheet that stands in for the sheet.
    pub fn worksheet(&self) -> Result<Worksheet, XlsxError> {
        let mut ws = Worksheet::new();
        ws.set_name(&self.name)?;
        if let Some((r0, c0, r1, c1)) = self.autofilter {
            ws.autofilter(r0, c0, r1, c1)?;
        }
        if let Some((r0, r1)) = self.repeat_rows {
            ws.set_repeat_rows(r0, r1)?;
        }
        Ok(ws)
    }
}

/// A worksheet whose rows are all written, ready to be added to its workbook.
pub struct Finished {
    pub ws: Worksheet,
    pub mode: Mode,
    pub stand_in: StandIn,
}

/// Worksheets for a writer running on another thread. A constant-memory worksheet can only be
/// made by the [`Workbook`] (it shares the workbook's formats and temporary directory), so the
/// main thread makes as many as the writer will open. The writer keeps the finished ones, in
/// order, for the main thread to add to the workbook; with `apart`, each finished
/// constant-memory worksheet is saved on the writer's thread into a zip of its own
/// ([`Slot::Apart`]), to be spliced into the workbook's.
pub struct Prepared {
    fresh: std::vec::IntoIter<Worksheet>,
    done: Vec<Slot>,
    apart: bool,
}

impl Prepared {
    /// `n` constant-memory worksheets made by `wb` (and any number of in-memory ones).
    pub fn new(wb: &mut Workbook, n: usize, apart: bool) -> Result<Prepared, XlsxError> {
        let fresh = (0..n)
            .map(|_| wb.new_worksheet_with_constant_memory())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Prepared {
            fresh: fresh.into_iter(),
            done: Vec::new(),
            apart,
        })
    }

    /// The finished worksheets, in the order they were finished.
    pub fn into_done(self) -> Vec<Slot> {
        self.done
    }
}

impl Book for Prepared {
    fn new_worksheet(&mut self, mode: Mode) -> Result<Worksheet, XlsxError> {
        match mode {
            Mode::InMemory => Ok(Worksheet::new()),
            Mode::Streamed => self.fresh.next().ok_or_else(|| {
                XlsxError::ParameterError(
                    "g8audit: more streamed worksheets opened than were prepared".to_string(),
                )
            }),
        }
    }

    fn add_worksheet(&mut self, sheet: Finished) -> Result<(), XlsxError> {
        let slot = if self.apart && sheet.mode == Mode::Streamed {
            Slot::Apart(Apart::save(sheet.ws, sheet.stand_in)?)
        } else {
            Slot::Whole(Box::new(sheet.ws))
        };
        self.done.push(slot);
        Ok(())
    }
}

/// Excel's default row height, in points: one line of 11-point text.
const LINE_HEIGHT: f64 = 15.0;
/// The tallest a row is made, in points (ten lines): a longer text is cut on screen, and read
/// whole in the formula bar or by widening the row.
const MAX_ROW_HEIGHT: f64 = 150.0;

/// Characters of ordinary text that fit in one character of column width (a column's width is
/// counted in widths of the digit 0, which is wider than most letters).
const CHARS_PER_WIDTH: f64 = 1.2;

/// How many lines `text` takes when wrapped at `width` characters (greedy, by words).
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    let width = width.max(1);
    text.lines()
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            for word in line.split(' ') {
                let w = word.chars().count();
                if used > 0 && used + 1 + w > width {
                    lines += 1;
                    used = 0;
                }
                if used > 0 {
                    used += 1;
                }
                used += w;
                while used > width {
                    lines += 1;
                    used -= width;
                }
            }
            lines
        })
        .sum::<usize>()
        .max(1)
}

/// One worksheet being written, row after row.
pub struct SheetOut {
    ws: Worksheet,
    mode: Mode,
    stand_in: StandIn,
    row: u32,
    widths: Vec<usize>,
    links: usize,
    max_col: Option<u16>,
    /// Columns of wrapped text and their fixed width: rows are made tall enough for them, since
    /// not every spreadsheet program fits row heights to wrapped text when it opens a file.
    wrap_widths: Vec<(u16, usize)>,
    /// Columns given the date format as their column format ([`SheetOut::set_date_column`]).
    date_cols: Vec<u16>,
}

impl SheetOut {
    /// A new sheet named `name`.
    pub fn new(wb: &mut dyn Book, name: &str, mode: Mode) -> Result<SheetOut, XlsxError> {
        let mut ws = wb.new_worksheet(mode)?;
        ws.set_name(name)?;
        Ok(SheetOut {
            ws,
            mode,
            stand_in: StandIn {
                name: name.to_string(),
                ..StandIn::default()
            },
            row: 0,
            widths: Vec::new(),
            links: 0,
            max_col: None,
            wrap_widths: Vec::new(),
            date_cols: Vec::new(),
        })
    }

    /// Gives column `col` the date format as its column format, before any row is written. A
    /// plain date written there then carries no format of its own and takes the column's: it
    /// saves looking its format up (rust_xlsxwriter hashes the whole `Format` for each cell), a
    /// large part of copying a sheet of dates. Any other value there is written with its own
    /// format, so that a number does not show as a date.
    pub fn set_date_column(&mut self, col: u16, styles: &mut Styles) -> Result<(), XlsxError> {
        self.ws
            .set_column_format(col, styles.get(Kind::Date, Style::default()))?;
        if !self.date_cols.contains(&col) {
            self.date_cols.push(col);
        }
        Ok(())
    }

    /// Gives column `col` a fixed width for wrapped text.
    pub fn set_wrap_width(&mut self, col: u16, width: usize) {
        self.wrap_widths.retain(|(c, _)| *c != col);
        self.wrap_widths.push((col, width));
    }

    /// Makes the row tall enough for its wrapped cells (written before the row is left, which
    /// constant-memory mode requires).
    fn fit_row_height<'c>(
        &mut self,
        row: u32,
        cells: impl Iterator<Item = (u16, Val<'c>, Style)>,
        styles: &mut Styles,
    ) -> Result<usize, XlsxError> {
        let mut lines = 1;
        for (col, value, style) in cells {
            if !style.wrap {
                continue;
            }
            if let Val::Text(t) = value {
                let width = self
                    .wrap_widths
                    .iter()
                    .find(|(c, _)| *c == col)
                    .map_or(MAX_WIDTH, |(_, w)| *w);
                let chars = (width as f64 * CHARS_PER_WIDTH) as usize;
                lines = lines.max(wrapped_lines(t, chars));
            }
        }
        if lines > 1 {
            let height = (lines as f64 * LINE_HEIGHT).min(MAX_ROW_HEIGHT);
            self.ws.set_row_height(row, height)?;
            // The plain (top-aligned) format for the whole row: a plain cell written without a
            // format of its own takes it (see `write_cell`).
            self.ws
                .set_row_format(row, styles.get(Kind::Text, Style::default()))?;
        }
        Ok(lines)
    }

    /// The row the next [`SheetOut::push`] writes (0-based).
    pub fn row(&self) -> u32 {
        self.row
    }

    /// The worksheet, for settings that are not cells (charts, panes, print setup).
    pub fn worksheet(&mut self) -> &mut Worksheet {
        &mut self.ws
    }

    /// Leaves `n` rows blank.
    pub fn skip(&mut self, n: u32) {
        self.row += n;
    }

    /// Writes `cells` from column A of the next row, and returns that row.
    pub fn push(&mut self, cells: &[Cell], styles: &mut Styles) -> Result<u32, XlsxError> {
        self.push_at(0, cells, styles)
    }

    /// Writes `cells` from column `first_col` of the next row, and returns that row.
    pub fn push_at(
        &mut self,
        first_col: u16,
        cells: &[Cell],
        styles: &mut Styles,
    ) -> Result<u32, XlsxError> {
        let cells = cells.iter().enumerate();
        self.push_row(
            cells.map(|(i, c)| (first_col + i as u16, c.value.as_val(), c.style)),
            styles,
        )
    }

    /// Writes a row whose cells sit at given columns (ascending), with gaps left blank.
    pub fn push_sparse(
        &mut self,
        cells: &[(u16, Cell)],
        styles: &mut Styles,
    ) -> Result<u32, XlsxError> {
        self.push_row(
            cells
                .iter()
                .map(|(c, cell)| (*c, cell.value.as_val(), cell.style)),
            styles,
        )
    }

    /// [`SheetOut::push_sparse`] for borrowed values.
    pub fn push_vals(
        &mut self,
        cells: &[(u16, Val<'_>, Style)],
        styles: &mut Styles,
    ) -> Result<u32, XlsxError> {
        self.push_row(cells.iter().copied(), styles)
    }

    /// Writes the next row: its height first (constant-memory mode needs it before the row is
    /// left), then its cells.
    fn push_row<'v>(
        &mut self,
        cells: impl Iterator<Item = (u16, Val<'v>, Style)> + Clone,
        styles: &mut Styles,
    ) -> Result<u32, XlsxError> {
        let row = self.row;
        let lines = self.fit_row_height(row, cells.clone(), styles)?;
        for (col, value, style) in cells {
            self.write_cell(row, col, value, style, lines == 1, styles)?;
        }
        self.row += 1;
        Ok(row)
    }

    fn write_cell(
        &mut self,
        row: RowNum,
        col: ColNum,
        value: Val<'_>,
        st: Style,
        one_line: bool,
        styles: &mut Styles,
    ) -> Result<(), XlsxError> {
        let ws = &mut self.ws;
        // A plain cell is written without a format of its own: in a one-line row its top
        // alignment would not show, and a taller row carries the plain format as its row format,
        // which the cell takes. Looking a Format up hashes all its fields, once per cell, which
        // dominated the writing of large sheets.
        let plain = st == Style::default();
        // A plain date takes its column's date format; only in a one-line row, since a taller
        // row's format would come first.
        let date_col = one_line && !self.date_cols.is_empty() && self.date_cols.contains(&col);
        match value {
            Val::Date(d) if plain && date_col && excel_date(d).is_some() => {
                if let Some(x) = excel_date(d) {
                    ws.write_number(row, col, x.to_excel())?;
                }
            }
            Val::Text(s) if date_col => {
                ws.write_string_with_format(row, col, fit_text(s), styles.get(Kind::Text, st))?;
            }
            Val::Number(n) if date_col && n.is_finite() => {
                ws.write_number_with_format(row, col, n, styles.get(Kind::Number, st))?;
            }
            Val::Blank => {
                if st != Style::default() {
                    ws.write_blank(row, col, styles.get(Kind::Text, st))?;
                }
            }
            Val::Text(s) if plain => {
                ws.write_string(row, col, fit_text(s))?;
            }
            Val::Text(s) => {
                ws.write_string_with_format(row, col, fit_text(s), styles.get(Kind::Text, st))?;
            }
            Val::Number(n) if n.is_finite() && plain => {
                ws.write_number(row, col, n)?;
            }
            Val::Number(n) if n.is_finite() => {
                ws.write_number_with_format(row, col, n, styles.get(Kind::Number, st))?;
            }
            Val::Number(n) => {
                ws.write_string_with_format(row, col, n.to_string(), styles.get(Kind::Text, st))?;
            }
            Val::Count(n) => {
                ws.write_number_with_format(row, col, n as f64, styles.get(Kind::Count, st))?;
            }
            Val::Date(d) | Val::Month(d) => {
                let kind = if matches!(value, Val::Month(_)) {
                    Kind::Month
                } else {
                    Kind::Date
                };
                match excel_date(d) {
                    Some(x) => ws.write_datetime_with_format(row, col, x, styles.get(kind, st))?,
                    None => ws.write_string_with_format(
                        row,
                        col,
                        d.to_string(),
                        styles.get(Kind::Text, st),
                    )?,
                };
            }
            Val::DateTime(dt) => {
                match excel_datetime(dt) {
                    Some(x) => {
                        ws.write_datetime_with_format(row, col, x, styles.get(Kind::DateTime, st))?
                    }
                    None => ws.write_string_with_format(
                        row,
                        col,
                        dt.format("%Y-%m-%d %H:%M:%S").to_string(),
                        styles.get(Kind::Text, st),
                    )?,
                };
            }
            Val::Bool(b) => {
                ws.write_boolean_with_format(row, col, b, styles.get(Kind::Bool, st))?;
            }
            Val::Link { text, target } => {
                if self.links < EXCEL_MAX_LINKS {
                    self.links += 1;
                    ws.write_url_with_options(
                        row,
                        col,
                        target,
                        fit_text(text),
                        "",
                        Some(styles.get(Kind::Link, st)),
                    )?;
                } else {
                    ws.write_string_with_format(
                        row,
                        col,
                        fit_text(text),
                        styles.get(Kind::Text, st),
                    )?;
                }
            }
        }
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(width(value, st));
        if value != Val::Blank || st != Style::default() {
            self.max_col = Some(self.max_col.map_or(col, |m| m.max(col)));
        }
        Ok(())
    }

    /// Notes a width a column needs besides its cells' (e.g. a title that may overflow).
    pub fn need_width(&mut self, col: u16, width: usize) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(width);
    }

    /// Freezes the rows down to `header_row` (and the first `freeze_cols` columns), puts a filter
    /// on the table from `header_row` to the last row written, and repeats the header on every
    /// printed page.
    pub fn table_settings(&mut self, header_row: u32, freeze_cols: u16) -> Result<(), XlsxError> {
        self.ws.set_freeze_panes(header_row + 1, freeze_cols)?;
        let last_row = self.row.saturating_sub(1).max(header_row);
        if let Some(last_col) = self.max_col {
            self.ws.autofilter(header_row, 0, last_row, last_col)?;
            self.stand_in.autofilter = Some((header_row, 0, last_row, last_col));
        }
        self.ws.set_repeat_rows(header_row, header_row)?;
        self.stand_in.repeat_rows = Some((header_row, header_row));
        Ok(())
    }

    /// Sets the column widths from the content (capped at [`MAX_WIDTH`]) and adds the sheet to
    /// the workbook.
    pub fn finish(mut self, wb: &mut dyn Book) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            let fixed = self.wrap_widths.iter().find(|(x, _)| *x as usize == c);
            if let Some((_, w)) = fixed {
                self.ws.set_column_width(c as u16, *w as f64)?;
            } else if *w > 0 {
                let width = (*w + 1).clamp(4, MAX_WIDTH);
                self.ws.set_column_width(c as u16, width as f64)?;
            }
        }
        wb.add_worksheet(Finished {
            ws: self.ws,
            mode: self.mode,
            stand_in: self.stand_in,
        })
    }
}

/// One output sheet of a table that may be split: the rows of the logical table it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub name: String,
    /// First logical row held (0-based).
    pub first: u32,
    /// One past the last logical row held.
    pub end: u32,
    /// True when the part starts with a copy of the header row (continuation sheets).
    pub repeat_header: bool,
}

impl Part {
    /// The row, in this part's sheet, of logical row `row` (which must be in the part).
    pub fn out_row(&self, row: u32) -> u32 {
        row - self.first + u32::from(self.repeat_header)
    }

    /// The row of the header in this part's sheet, if it has one.
    pub fn header_out_row(&self, header_row: Option<u32>) -> Option<u32> {
        if self.repeat_header {
            Some(0)
        } else {
            header_row.filter(|h| *h >= self.first && *h < self.end)
        }
    }
}

/// How a table of `total` rows with its header at `header_row` is split into sheets of at most
/// `max_rows` rows: the first sheet holds rows `0..max_rows` as they stand; each later one starts
/// with a copy of the header row, then the next rows. Always at least one part (an empty table
/// still gets its sheet). The ranges, without names.
pub fn plan_parts(total: u32, header_row: Option<u32>, max_rows: u32) -> Vec<(u32, u32, bool)> {
    let max_rows = max_rows.clamp(2, EXCEL_MAX_ROWS);
    let mut parts = vec![(0, total.min(max_rows), false)];
    let mut next = total.min(max_rows);
    while next < total {
        let repeat = header_row.is_some_and(|h| h < next);
        let room = max_rows - u32::from(repeat);
        let end = next.saturating_add(room).min(total);
        parts.push((next, end, repeat));
        next = end;
    }
    parts
}

/// The name of the `k`-th sheet (1-based) of a table named `base`: `base` itself, then
/// `base (2)`, `base (3)` …, kept within Excel's 31 characters.
pub fn part_name(base: &str, k: usize) -> String {
    if k <= 1 {
        return base.to_string();
    }
    with_suffix(base, &format!(" ({k})"))
}

/// `base` + `suffix`, cutting `base` so that the whole stays within 31 UTF-16 units.
pub fn with_suffix(base: &str, suffix: &str) -> String {
    let room = 31usize.saturating_sub(suffix.encode_utf16().count());
    let mut out = String::new();
    let mut units = 0;
    let mut cut = false;
    for c in base.chars() {
        units += c.len_utf16();
        if units > room {
            cut = true;
            break;
        }
        out.push(c);
    }
    if cut {
        out.truncate(out.trim_end().len());
    }
    // A sheet name may not end with an apostrophe.
    while out.ends_with('\'') {
        out.pop();
    }
    out.push_str(suffix);
    out
}

/// A table written over one or more sheets ([`Part`]s), one logical row at a time.
pub struct TableOut<'p> {
    parts: &'p [Part],
    header_row: Option<u32>,
    mode: Mode,
    current: Option<(usize, SheetOut)>,
    row: u32,
    header: Option<Vec<(u16, Cell)>>,
    /// Called on each sheet once its rows are written (print setup and the like).
    setup: fn(&mut SheetOut) -> Result<(), XlsxError>,
    wrap_widths: &'static [(u16, usize)],
    freeze_cols: u16,
    date_cols: Vec<u16>,
}

impl<'p> TableOut<'p> {
    pub fn new(parts: &'p [Part], header_row: Option<u32>, mode: Mode) -> TableOut<'p> {
        TableOut {
            parts,
            header_row,
            mode,
            current: None,
            row: 0,
            header: None,
            setup: |_| Ok(()),
            wrap_widths: &[],
            freeze_cols: 0,
            date_cols: Vec::new(),
        }
    }

    /// Gives these columns the date format on every sheet of the table
    /// ([`SheetOut::set_date_column`]).
    pub fn with_date_columns(mut self, cols: Vec<u16>) -> Self {
        self.date_cols = cols;
        self
    }

    /// Keeps the first `n` columns in view when scrolling right.
    pub fn with_freeze_cols(mut self, n: u16) -> Self {
        self.freeze_cols = n;
        self
    }

    /// Gives columns of wrapped text a fixed width on every sheet of the table.
    pub fn with_wrap_widths(mut self, widths: &'static [(u16, usize)]) -> Self {
        self.wrap_widths = widths;
        self
    }

    /// Sets what is done to every sheet of the table before it is added to the workbook.
    pub fn with_setup(mut self, setup: fn(&mut SheetOut) -> Result<(), XlsxError>) -> Self {
        self.setup = setup;
        self
    }

    /// Writes the next logical row, its cells at the given columns (ascending).
    pub fn push_sparse(
        &mut self,
        wb: &mut dyn Book,
        cells: Vec<(u16, Cell)>,
        styles: &mut Styles,
    ) -> Result<(), XlsxError> {
        self.open_part(wb, styles)?;
        if Some(self.row) == self.header_row {
            self.header = Some(cells.clone());
        }
        if let Some((_, sheet)) = self.current.as_mut() {
            sheet.push_sparse(&cells, styles)?;
        }
        self.row += 1;
        Ok(())
    }

    /// [`TableOut::push_sparse`] for borrowed values.
    pub fn push_vals(
        &mut self,
        wb: &mut dyn Book,
        cells: &[(u16, Val<'_>, Style)],
        styles: &mut Styles,
    ) -> Result<(), XlsxError> {
        self.open_part(wb, styles)?;
        if Some(self.row) == self.header_row {
            let header = cells.iter().map(|&(c, value, style)| {
                (
                    c,
                    Cell {
                        value: value.to_value(),
                        style,
                    },
                )
            });
            self.header = Some(header.collect());
        }
        if let Some((_, sheet)) = self.current.as_mut() {
            sheet.push_vals(cells, styles)?;
        }
        self.row += 1;
        Ok(())
    }

    /// Makes sure the sheet of the part holding the next row is the one being written.
    fn open_part(&mut self, wb: &mut dyn Book, styles: &mut Styles) -> Result<(), XlsxError> {
        let row = self.row;
        let k = self
            .parts
            .iter()
            .position(|p| row >= p.first && row < p.end)
            .unwrap_or(self.parts.len().saturating_sub(1));
        if self.current.as_ref().map(|(i, _)| *i) != Some(k) {
            self.close(wb)?;
            let part = &self.parts[k];
            let mut sheet = SheetOut::new(wb, &part.name, self.mode)?;
            for (c, w) in self.wrap_widths {
                sheet.set_wrap_width(*c, *w);
            }
            for c in &self.date_cols {
                sheet.set_date_column(*c, styles)?;
            }
            if part.repeat_header
                && let Some(h) = &self.header
            {
                sheet.push_sparse(h, styles)?;
            }
            self.current = Some((k, sheet));
        }
        Ok(())
    }

    /// Writes the next logical row from column A.
    pub fn push(
        &mut self,
        wb: &mut dyn Book,
        cells: Vec<Cell>,
        styles: &mut Styles,
    ) -> Result<(), XlsxError> {
        let cells = cells
            .into_iter()
            .enumerate()
            .map(|(c, cell)| (c as u16, cell))
            .collect();
        self.push_sparse(wb, cells, styles)
    }

    fn close(&mut self, wb: &mut dyn Book) -> Result<(), XlsxError> {
        if let Some((k, mut sheet)) = self.current.take() {
            if let Some(h) = self.parts[k].header_out_row(self.header_row) {
                sheet.table_settings(h, self.freeze_cols)?;
            }
            (self.setup)(&mut sheet)?;
            sheet.finish(wb)?;
        }
        Ok(())
    }

    /// Finishes the last sheet, and adds the sheets of any parts no row reached (an empty table
    /// still has its sheet), so that every planned sheet exists.
    pub fn finish(mut self, wb: &mut dyn Book) -> Result<(), XlsxError> {
        let opened = self.current.as_ref().map(|(k, _)| k + 1).unwrap_or(0);
        self.close(wb)?;
        for part in &self.parts[opened..] {
            let mut sheet = SheetOut::new(wb, &part.name, self.mode)?;
            (self.setup)(&mut sheet)?;
            sheet.finish(wb)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_within_the_limit_is_one_part() {
        assert_eq!(plan_parts(10, Some(0), 100), vec![(0, 10, false)]);
        assert_eq!(plan_parts(0, None, 100), vec![(0, 0, false)]);
        assert_eq!(plan_parts(100, Some(0), 100), vec![(0, 100, false)]);
    }

    #[test]
    fn a_long_table_continues_with_its_header_repeated() {
        // 12 rows, header at row 0, at most 5 rows a sheet: 0-4, then header + 5-8, header + 9-11.
        assert_eq!(
            plan_parts(12, Some(0), 5),
            vec![(0, 5, false), (5, 9, true), (9, 12, true)]
        );
        // Without a header nothing is repeated.
        assert_eq!(
            plan_parts(12, None, 5),
            vec![(0, 5, false), (5, 10, false), (10, 12, false)]
        );
        // Every row is in exactly one part.
        for total in 0..40 {
            for max in 2..8 {
                let parts = plan_parts(total, Some(1), max);
                let mut next = 0;
                for (first, end, repeat) in &parts {
                    assert_eq!(*first, next);
                    assert!(end - first + u32::from(*repeat) <= max);
                    next = *end;
                }
                assert_eq!(next, total);
            }
        }
    }

    #[test]
    fn the_excel_limit_is_a_million_rows() {
        let parts = plan_parts(EXCEL_MAX_ROWS + 10, Some(0), EXCEL_MAX_ROWS);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1], (EXCEL_MAX_ROWS, EXCEL_MAX_ROWS + 10, true));
    }

    #[test]
    fn part_names_stay_within_31_characters() {
        assert_eq!(part_name("Premises", 1), "Premises");
        assert_eq!(part_name("Premises", 2), "Premises (2)");
        let long = "A very long sheet name of 31 ch";
        assert_eq!(long.len(), 31);
        let p = part_name(long, 12);
        assert_eq!(p, "A very long sheet name of (12)");
        assert!(p.encode_utf16().count() <= 31);
    }

    #[test]
    fn out_rows_account_for_the_repeated_header() {
        let p = Part {
            name: "P (2)".into(),
            first: 5,
            end: 9,
            repeat_header: true,
        };
        assert_eq!(p.out_row(5), 1);
        assert_eq!(p.out_row(8), 4);
        assert_eq!(p.header_out_row(Some(0)), Some(0));
    }

    #[test]
    fn wrapped_text_is_counted_in_lines() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("short", 10), 1);
        assert_eq!(wrapped_lines("aaaa bbbb cccc", 10), 2);
        assert_eq!(wrapped_lines("one\ntwo", 10), 2);
        assert_eq!(wrapped_lines(&"x".repeat(25), 10), 3);
    }

    #[test]
    fn text_is_cut_to_the_excel_limit() {
        let s = "é".repeat(40_000);
        assert_eq!(fit_text(&s).chars().count(), EXCEL_MAX_TEXT);
        assert_eq!(fit_text("abc"), "abc");
    }
}
