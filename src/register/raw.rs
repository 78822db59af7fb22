//! The cells of one sheet as read, stored compactly: an 8-byte slot per cell of the dense form
//! and one text arena per sheet.
//!
//! A large register has millions of cells, most of them short text: a heap allocation (and a
//! `Vec` per row) for each would make the raw sheets the largest part of the peak memory and of
//! the allocator's work. Here a sheet is one `Vec` of [`Slot`]s (text and error values are byte
//! ranges into one `String`), plus the slot at which each row starts. Readers see each cell as a
//! borrowed, `Copy` [`RawValue`]; nothing is allocated per cell, neither to build nor to read.

use std::fmt;

use chrono::NaiveDateTime;

use super::value;

/// One cell as read, borrowed from its sheet.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RawValue<'a> {
    /// An empty cell.
    #[default]
    Empty,
    /// Text as written (not trimmed). CSV fields are always text. A duration is kept as ISO 8601
    /// text (`PT10H10M10S`).
    Text(&'a str),
    /// A number.
    Number(f64),
    /// TRUE / FALSE.
    Bool(bool),
    /// A date or date-time cell (1900 or 1904 system already applied).
    Date(NaiveDateTime),
    /// An error value such as `#N/A`.
    Error(&'a str),
}

impl RawValue<'_> {
    /// Empty, or text of nothing but whitespace (SPEC §1.4).
    pub fn is_blank(&self) -> bool {
        match self {
            RawValue::Empty => true,
            RawValue::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

impl fmt::Display for RawValue<'_> {
    /// The value as text, as an input issue shows it: whole numbers without `.0`, dates as
    /// `YYYY-MM-DD` (with the time when there is one).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawValue::Empty => Ok(()),
            RawValue::Text(t) => f.write_str(t),
            RawValue::Number(n) => f.write_str(&value::format_number(*n)),
            RawValue::Bool(b) => f.write_str(if *b { "TRUE" } else { "FALSE" }),
            RawValue::Date(dt) => {
                if dt.time() == chrono::NaiveTime::MIN {
                    write!(f, "{}", dt.date())
                } else {
                    write!(f, "{}", dt.format("%Y-%m-%d %H:%M:%S"))
                }
            }
            RawValue::Error(e) => f.write_str(e),
        }
    }
}

/// One stored cell in 8 bytes (the size is checked below): a kind in the top three bits and its
/// payload in the other 61. Text and error values are byte ranges of the sheet's arena; whole
/// numbers and whole-second dates are packed into the payload; any other number or date (a
/// fraction, a time with sub-seconds) is kept in the sheet's side list of wide values, and the
/// slot holds its index. A register's cells are mostly short text, dates and whole numbers, so
/// nearly every cell takes these 8 bytes and no more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot(u64);

// A slot per cell of the dense form: its size is the memory of a sheet, so keep it at 8 bytes.
const _: () = assert!(std::mem::size_of::<Slot>() == 8);

/// What a slot holds (its top three bits).
const KIND_SHIFT: u32 = 61;
const PAYLOAD: u64 = (1 << KIND_SHIFT) - 1;
const EMPTY: u64 = 0;
const TEXT: u64 = 1;
const ERROR: u64 = 2;
const BOOL: u64 = 3;
/// A number with no fraction, as a 61-bit two's-complement integer.
const INTEGER: u64 = 4;
/// A date-time on a whole second: days from the Common Era (32 bits), then seconds of the day.
const DATE: u64 = 5;
/// An index into the sheet's wide values.
const WIDE: u64 = 6;
/// The longest text (in bytes) a slot can point at: 29 bits of length.
const MAX_SLOT_TEXT: u64 = (1 << (KIND_SHIFT - 32)) - 1;
/// Whole numbers a slot holds itself: those a 61-bit integer holds exactly.
const MAX_SLOT_INTEGER: f64 = (1u64 << 60) as f64;

/// A number or date too wide for a slot.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Wide {
    Number(f64),
    Date(NaiveDateTime),
}

impl Slot {
    /// An empty cell.
    pub(crate) const EMPTY: Slot = Slot(EMPTY);

    fn new(kind: u64, payload: u64) -> Slot {
        Slot(kind << KIND_SHIFT | (payload & PAYLOAD))
    }

    fn kind(self) -> u64 {
        self.0 >> KIND_SHIFT
    }

    fn payload(self) -> u64 {
        self.0 & PAYLOAD
    }

    /// A text (or error) range of the arena: start in the low 32 bits, length above.
    fn range(kind: u64, start: u32, len: u64) -> Slot {
        Slot::new(kind, u64::from(start) | len << 32)
    }

    fn is_empty(self) -> bool {
        self.0 == EMPTY
    }

    /// The number, when it is a whole one a slot holds exactly (not -0, which would read back
    /// as 0).
    fn integer(n: f64) -> Option<Slot> {
        let whole = n.fract() == 0.0 && n.abs() < MAX_SLOT_INTEGER;
        (whole && !(n == 0.0 && n.is_sign_negative())).then(|| Slot::new(INTEGER, n as i64 as u64))
    }

    /// The date-time, when it falls on a whole second.
    fn date(d: NaiveDateTime) -> Option<Slot> {
        use chrono::{Datelike, Timelike};
        if d.nanosecond() != 0 {
            return None;
        }
        let days = d.date().num_days_from_ce() as u32;
        let seconds = d.time().num_seconds_from_midnight();
        Some(Slot::new(DATE, u64::from(days) | u64::from(seconds) << 32))
    }
}

/// Why a cell could not be stored: the sheet has outgrown the `u32` offsets of its compact form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// The text arena would hold this many bytes, more than `u32::MAX`.
    Text(u64),
    /// The dense form would hold this many cells, more than `u32::MAX`.
    Cells(u64),
}

/// The cells of one sheet: `rows` dense rows, row `r` being `slots[row_starts[r]..]` up to the
/// next row's start (or the end). Built by [`Cells::place`], in reading order.
#[derive(Clone, Default)]
pub(crate) struct Cells {
    slots: Vec<Slot>,
    row_starts: Vec<u32>,
    text: String,
    /// Numbers and dates too wide for their slot, which holds their index here.
    wide: Vec<Wide>,
    /// The last position placed, so that out-of-order placing is caught rather than corrupting
    /// the rows.
    last: Option<(u32, u32)>,
    /// The most text the arena will be asked to hold, when the reader knows it (its limit on
    /// text): growing by doubling then stops there instead of asking for twice what the
    /// limit lets in just before refusing.
    text_cap: Option<usize>,
}

impl Cells {
    /// Rows, up to the last one placed or ensured.
    pub(crate) fn row_count(&self) -> usize {
        self.row_starts.len()
    }

    /// Row `r` (empty outside the data).
    pub(crate) fn row(&self, r: usize) -> RawRow<'_> {
        let slots = match self.row_starts.get(r) {
            Some(&start) => {
                let end = self
                    .row_starts
                    .get(r + 1)
                    .map_or(self.slots.len(), |&e| e as usize);
                self.slots.get(start as usize..end).unwrap_or(&[])
            }
            None => &[],
        };
        RawRow {
            cells: RowCells::Typed {
                slots,
                wide: &self.wide,
            },
            text: &self.text,
        }
    }

    /// Stores `v` (its text in the arena) and returns its slot, to be placed now or later.
    pub(crate) fn intern(&mut self, v: RawValue<'_>) -> Result<Slot, Overflow> {
        Ok(match v {
            RawValue::Empty => Slot::EMPTY,
            RawValue::Number(n) => match Slot::integer(n) {
                Some(slot) => slot,
                None => self.push_wide(Wide::Number(n))?,
            },
            RawValue::Bool(b) => Slot::new(BOOL, u64::from(b)),
            RawValue::Date(d) => match Slot::date(d) {
                Some(slot) => slot,
                None => self.push_wide(Wide::Date(d))?,
            },
            RawValue::Text(t) => {
                let (start, len) = self.push_text(t)?;
                Slot::range(TEXT, start, len)
            }
            RawValue::Error(t) => {
                let (start, len) = self.push_text(t)?;
                Slot::range(ERROR, start, len)
            }
        })
    }

    fn push_wide(&mut self, w: Wide) -> Result<Slot, Overflow> {
        let index = self.wide.len() as u64;
        if index > u64::from(u32::MAX) {
            return Err(Overflow::Cells(index));
        }
        self.wide.push(w);
        Ok(Slot::new(WIDE, index))
    }

    fn push_text(&mut self, t: &str) -> Result<(u32, u64), Overflow> {
        let start = self.text.len() as u64;
        let end = start + t.len() as u64;
        // A single text longer than a slot can point at (half a gigabyte, where Excel stops a
        // cell at 32,767 characters) is refused as the arena's overflow is.
        if end > u64::from(u32::MAX) || t.len() as u64 > MAX_SLOT_TEXT {
            return Err(Overflow::Text(end.max(u64::from(u32::MAX) + 1)));
        }
        if let Some(cap) = self.text_cap
            && self.text.capacity() - self.text.len() < t.len()
        {
            // As `String` would grow, but not past the cap (nor short of this text).
            let len = self.text.len();
            let grown = (2 * self.text.capacity())
                .max(len + t.len())
                .min(cap.max(len + t.len()));
            self.text.reserve_exact(grown - len);
        }
        self.text.push_str(t);
        // `start` fits in u32 and the length in a slot: checked just above.
        Ok((start as u32, t.len() as u64))
    }

    /// Caps the text arena at `bytes`: see `text_cap`.
    pub(crate) fn cap_text(&mut self, bytes: usize) {
        self.text_cap = Some(bytes);
    }

    /// Reserves room for `cells` more cells in `rows` more rows (upper bounds the reader knows).
    /// Only a hint: when the system will not give the room (an address-space limit), nothing is
    /// reserved and the vectors grow as they fill.
    pub(crate) fn reserve_cells(&mut self, cells: usize, rows: usize) {
        let _ = self.slots.try_reserve(cells);
        let _ = self.row_starts.try_reserve(rows);
    }

    /// The length of row `r` so far (0 when it is not started).
    pub(crate) fn row_len(&self, r: usize) -> usize {
        self.row(r).len()
    }

    /// Places `slot` at (`row`, `col`), which must come after every position placed before
    /// (row by row, left to right): rows between are empty, cells before `col` in the row empty.
    /// A position out of order is ignored (callers sort first), so the rows stay consistent.
    pub(crate) fn place(&mut self, row: u32, col: u32, slot: Slot) -> Result<(), Overflow> {
        let r = row as usize;
        let rows = self.row_starts.len();
        let row_start = match self.row_starts.get(r) {
            Some(&s) if r + 1 == rows => s as usize,
            None => self.slots.len(),
            Some(_) => return Ok(()),
        };
        if self.last.is_some_and(|last| (row, col) <= last) {
            return Ok(());
        }
        let new_len = (row_start as u64) + u64::from(col) + 1;
        if new_len > u64::from(u32::MAX) {
            return Err(Overflow::Cells(new_len));
        }
        self.ensure_rows(r + 1);
        self.slots.resize(row_start + col as usize, Slot::EMPTY);
        self.slots.push(slot);
        self.last = Some((row, col));
        Ok(())
    }

    /// Makes the sheet at least `n` rows long (the rows added are empty).
    pub(crate) fn ensure_rows(&mut self, n: usize) {
        if self.row_starts.len() < n {
            // `slots.len()` fits in u32: `place` refuses anything longer.
            let at = self.slots.len() as u32;
            self.row_starts.resize(n, at);
        }
    }

    /// Every non-empty cell placed so far, as (row, col, slot), with the arena kept: for a reader
    /// that found its cells out of order and will sort them and place them again.
    pub(crate) fn take_sparse(&mut self) -> Vec<(u32, u32, Slot)> {
        let mut out = Vec::with_capacity(self.slots.len());
        for r in 0..self.row_starts.len() {
            let start = self.row_starts[r] as usize;
            let end = self
                .row_starts
                .get(r + 1)
                .map_or(self.slots.len(), |&e| e as usize);
            for (c, slot) in self.slots[start..end].iter().enumerate() {
                if !slot.is_empty() {
                    out.push((r as u32, c as u32, *slot));
                }
            }
        }
        self.slots = Vec::new();
        self.row_starts = Vec::new();
        self.last = None;
        out
    }

    /// Gives back the spare capacity of the growing vectors, once the sheet is read.
    pub(crate) fn shrink(&mut self) {
        self.slots.shrink_to_fit();
        self.row_starts.shrink_to_fit();
        self.text.shrink_to_fit();
        self.wide.shrink_to_fit();
    }

    /// A sheet from rows of values, each kept as given (for tests and small builders).
    pub(crate) fn from_rows<'a, R>(rows: impl IntoIterator<Item = R>) -> Result<Cells, Overflow>
    where
        R: IntoIterator<Item = RawValue<'a>>,
    {
        let mut cells = Cells::default();
        let mut n = 0;
        for (r, row) in rows.into_iter().enumerate() {
            for (c, v) in row.into_iter().enumerate() {
                let slot = cells.intern(v)?;
                cells.place(r as u32, c as u32, slot)?;
            }
            n = r + 1;
        }
        cells.ensure_rows(n);
        Ok(cells)
    }
}

impl PartialEq for Cells {
    /// Equal when every row holds the same values (text compared as text, not by where it sits
    /// in the arena).
    fn eq(&self, other: &Self) -> bool {
        self.row_count() == other.row_count()
            && (0..self.row_count()).all(|r| self.row(r).iter().eq(other.row(r).iter()))
    }
}

impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.row_count()).map(|r| self.row(r).to_vec()))
            .finish()
    }
}

/// The cells of a sheet whose every cell is text (a CSV file): 4 bytes a cell, where [`Cells`]
/// takes 16, and the text in one arena. A cell is the range of the arena from where the cell
/// before it ends to where it ends, so an empty cell is an empty range. Built row by row, in
/// order, by [`TextCells::push_row`].
#[derive(Clone, Default)]
pub(crate) struct TextCells {
    /// Where each cell ends in `text`.
    ends: Vec<u32>,
    /// Each row's first cell, as an index into `ends`.
    row_starts: Vec<u32>,
    text: String,
}

impl TextCells {
    /// Reserves room for `text` bytes, `cells` cells and `rows` rows (upper bounds the reader
    /// knows; pages reserved and never written cost no memory). Only a hint, as
    /// [`Cells::reserve_cells`] is.
    pub(crate) fn reserve(&mut self, text: usize, cells: usize, rows: usize) {
        let _ = self.text.try_reserve(text);
        let _ = self.ends.try_reserve(cells);
        let _ = self.row_starts.try_reserve(rows);
    }

    /// Rows, up to the last one pushed or ensured.
    pub(crate) fn row_count(&self) -> usize {
        self.row_starts.len()
    }

    /// Row `r` (empty outside the data).
    pub(crate) fn row(&self, r: usize) -> RawRow<'_> {
        let cells = match self.row_starts.get(r) {
            Some(&first) => {
                let first = first as usize;
                let end = self
                    .row_starts
                    .get(r + 1)
                    .map_or(self.ends.len(), |&e| e as usize);
                let start = first
                    .checked_sub(1)
                    .and_then(|i| self.ends.get(i))
                    .copied()
                    .unwrap_or(0);
                RowCells::Text {
                    ends: self.ends.get(first..end).unwrap_or(&[]),
                    start,
                }
            }
            None => RowCells::Typed {
                slots: &[],
                wide: &[],
            },
        };
        RawRow {
            cells,
            text: &self.text,
        }
    }

    /// Makes the sheet at least `n` rows long (the rows added are empty).
    pub(crate) fn ensure_rows(&mut self, n: usize) {
        if self.row_starts.len() < n {
            // `ends.len()` fits in u32: `push_row` refuses anything longer.
            let at = self.ends.len() as u32;
            self.row_starts.resize(n, at);
        }
    }

    /// Appends row `row` (the rows between the last one and it are empty) holding `fields`, of
    /// which the first `len` are kept (the caller drops the empty ones at the end). A row at or
    /// before the last one is ignored, so the rows stay consistent.
    pub(crate) fn push_row<'f>(
        &mut self,
        row: u32,
        fields: impl IntoIterator<Item = &'f str>,
        len: usize,
    ) -> Result<(), Overflow> {
        let r = row as usize;
        if r < self.row_starts.len() {
            return Ok(());
        }
        let cells = self.ends.len() as u64 + len as u64;
        if cells > u64::from(u32::MAX) {
            return Err(Overflow::Cells(cells));
        }
        self.ensure_rows(r);
        self.row_starts.push(self.ends.len() as u32);
        for field in fields.into_iter().take(len) {
            let end = self.text.len() as u64 + field.len() as u64;
            if end > u64::from(u32::MAX) {
                return Err(Overflow::Text(end));
            }
            self.text.push_str(field);
            // Fits in u32: checked just above.
            self.ends.push(end as u32);
        }
        Ok(())
    }

    /// Gives back the spare capacity, once the sheet is read.
    pub(crate) fn shrink(&mut self) {
        self.ends.shrink_to_fit();
        self.row_starts.shrink_to_fit();
        self.text.shrink_to_fit();
    }
}

/// The cells of one sheet, in whichever form its reader stored them.
#[derive(Clone)]
pub(crate) enum SheetCells {
    /// Any kind of value (workbooks).
    Typed(Cells),
    /// Text only (CSV files).
    Text(TextCells),
}

impl Default for SheetCells {
    /// No cells.
    fn default() -> Self {
        SheetCells::Text(TextCells::default())
    }
}

impl SheetCells {
    /// Cells stored: every cell of every row, up to each row's last non-empty one.
    pub(crate) fn cell_count(&self) -> usize {
        match self {
            SheetCells::Typed(c) => c.slots.len(),
            SheetCells::Text(c) => c.ends.len(),
        }
    }

    /// Rows, up to the last one holding a cell (or ensured).
    pub(crate) fn row_count(&self) -> usize {
        match self {
            SheetCells::Typed(c) => c.row_count(),
            SheetCells::Text(c) => c.row_count(),
        }
    }

    /// Row `r` (empty outside the data).
    pub(crate) fn row(&self, r: usize) -> RawRow<'_> {
        match self {
            SheetCells::Typed(c) => c.row(r),
            SheetCells::Text(c) => c.row(r),
        }
    }
}

impl From<Cells> for SheetCells {
    fn from(c: Cells) -> Self {
        SheetCells::Typed(c)
    }
}

impl From<TextCells> for SheetCells {
    fn from(c: TextCells) -> Self {
        SheetCells::Text(c)
    }
}

impl PartialEq for SheetCells {
    /// Equal when every row holds the same values, however they are stored.
    fn eq(&self, other: &Self) -> bool {
        self.row_count() == other.row_count()
            && (0..self.row_count()).all(|r| self.row(r).iter().eq(other.row(r).iter()))
    }
}

impl fmt::Debug for SheetCells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries((0..self.row_count()).map(|r| self.row(r).to_vec()))
            .finish()
    }
}

/// One row of a sheet, borrowed: its cells from column A up to the last non-empty one.
#[derive(Clone, Copy)]
pub struct RawRow<'a> {
    cells: RowCells<'a>,
    text: &'a str,
}

/// Where a row's cells are, in the form its sheet stores them.
#[derive(Clone, Copy)]
enum RowCells<'a> {
    Typed {
        slots: &'a [Slot],
        wide: &'a [Wide],
    },
    /// The row's cells' ends in the arena, and where its first cell starts.
    Text {
        ends: &'a [u32],
        start: u32,
    },
}

impl<'a> RawRow<'a> {
    /// Cells in the row (up to its last non-empty one, as read).
    pub fn len(&self) -> usize {
        match self.cells {
            RowCells::Typed { slots, .. } => slots.len(),
            RowCells::Text { ends, .. } => ends.len(),
        }
    }

    /// True when the row holds no cell.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cell in 0-based column `col` ([`RawValue::Empty`] beyond the row).
    pub fn get(&self, col: usize) -> RawValue<'a> {
        match self.cells {
            RowCells::Typed { slots, wide } => slots
                .get(col)
                .map_or(RawValue::Empty, |s| view(*s, self.text, wide)),
            RowCells::Text { ends, start } => {
                let Some(&end) = ends.get(col) else {
                    return RawValue::Empty;
                };
                let start = match col.checked_sub(1) {
                    Some(before) => ends.get(before).copied().unwrap_or(end),
                    None => start,
                };
                // The ranges were pushed from whole `&str`s, so they lie on character
                // boundaries; `get` keeps a damaged one harmless.
                match self.text.get(start as usize..end as usize) {
                    Some(t) if !t.is_empty() => RawValue::Text(t),
                    _ => RawValue::Empty,
                }
            }
        }
    }

    /// The cells, from column A.
    pub fn iter(&self) -> RawIter<'a> {
        RawIter {
            row: *self,
            front: 0,
            back: self.len(),
        }
    }

    /// The cells as an owned list of borrowed values.
    pub fn to_vec(&self) -> Vec<RawValue<'a>> {
        self.iter().collect()
    }
}

impl<'a> IntoIterator for RawRow<'a> {
    type Item = RawValue<'a>;
    type IntoIter = RawIter<'a>;

    fn into_iter(self) -> RawIter<'a> {
        self.iter()
    }
}

/// The cells of a [`RawRow`], from column A.
#[derive(Clone)]
pub struct RawIter<'a> {
    row: RawRow<'a>,
    /// The next column from the front, and one past the next from the back.
    front: usize,
    back: usize,
}

impl<'a> Iterator for RawIter<'a> {
    type Item = RawValue<'a>;

    fn next(&mut self) -> Option<RawValue<'a>> {
        (self.front < self.back).then(|| {
            self.front += 1;
            self.row.get(self.front - 1)
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back - self.front;
        (n, Some(n))
    }
}

impl DoubleEndedIterator for RawIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            self.row.get(self.back)
        })
    }
}

impl ExactSizeIterator for RawIter<'_> {}

impl fmt::Debug for RawRow<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A slot as a value: text borrowed from the arena. The ranges were made by [`Cells::intern`]
/// from whole `&str`s, so they lie on character boundaries; `get` keeps a damaged one harmless
/// (and a damaged date or index reads as empty).
fn view<'a>(slot: Slot, text: &'a str, wide: &[Wide]) -> RawValue<'a> {
    let payload = slot.payload();
    let range = || {
        let start = (payload & u64::from(u32::MAX)) as usize;
        let len = (payload >> 32) as usize;
        text.get(start..start + len).unwrap_or("")
    };
    match slot.kind() {
        TEXT => RawValue::Text(range()),
        ERROR => RawValue::Error(range()),
        BOOL => RawValue::Bool(payload != 0),
        // Sign-extend the 61-bit integer.
        INTEGER => RawValue::Number(((payload << 3) as i64 >> 3) as f64),
        DATE => {
            let days = (payload & u64::from(u32::MAX)) as u32 as i32;
            let seconds = (payload >> 32) as u32;
            chrono::NaiveDate::from_num_days_from_ce_opt(days)
                .zip(chrono::NaiveTime::from_num_seconds_from_midnight_opt(
                    seconds, 0,
                ))
                .map_or(RawValue::Empty, |(d, t)| RawValue::Date(d.and_time(t)))
        }
        WIDE => match wide.get(payload as usize) {
            Some(Wide::Number(n)) => RawValue::Number(*n),
            Some(Wide::Date(d)) => RawValue::Date(*d),
            None => RawValue::Empty,
        },
        _ => RawValue::Empty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of value reads back as it was stored, whether its slot holds it or points at
    /// a wide value: whole numbers up to the slot's limit and past it, fractions, -0, NaN and
    /// infinities, dates on a whole second and with sub-seconds, before the Common Era and far
    /// after, text of every length.
    #[test]
    fn every_value_reads_back_as_stored() {
        let date = |y, m, d, h, mi, s, nano| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .and_then(|d| d.and_hms_nano_opt(h, mi, s, nano))
                .expect("valid")
        };
        let big = (1u64 << 60) as f64;
        let values = [
            RawValue::Empty,
            RawValue::Number(0.0),
            RawValue::Number(-0.0),
            RawValue::Number(1.0),
            RawValue::Number(-1.0),
            RawValue::Number(46_630.0),
            RawValue::Number(big - 1024.0),
            RawValue::Number(-(big - 1024.0)),
            RawValue::Number(big),
            RawValue::Number(-big),
            RawValue::Number(1e300),
            RawValue::Number(0.5),
            RawValue::Number(-2.75),
            RawValue::Number(f64::INFINITY),
            RawValue::Number(f64::NEG_INFINITY),
            RawValue::Number(f64::MIN_POSITIVE),
            RawValue::Bool(true),
            RawValue::Bool(false),
            RawValue::Date(date(2026, 11, 1, 0, 0, 0, 0)),
            RawValue::Date(date(1899, 12, 31, 23, 59, 59, 0)),
            RawValue::Date(date(2024, 2, 29, 12, 30, 15, 500_000_000)),
            RawValue::Date(date(-40, 1, 1, 0, 0, 0, 0)),
            RawValue::Date(date(9999, 12, 31, 23, 59, 59, 0)),
            RawValue::Date(date(2016, 12, 31, 23, 59, 59, 1_000_000_000)),
            RawValue::Text(""),
            RawValue::Text("U001"),
            RawValue::Text("é – ✓"),
            RawValue::Error("#N/A"),
        ];
        let cells = Cells::from_rows(vec![values.to_vec()]).expect("small");
        let row = cells.row(0);
        for (c, v) in values.iter().enumerate() {
            assert_eq!(row.get(c), *v, "column {c}");
            if let RawValue::Number(n) = v {
                let RawValue::Number(back) = row.get(c) else {
                    panic!("column {c} is not a number");
                };
                assert_eq!(back.to_bits(), n.to_bits(), "column {c}: the same bits");
            }
        }
        let nan = Cells::from_rows(vec![vec![RawValue::Number(f64::NAN)]]).expect("small");
        assert!(matches!(nan.row(0).get(0), RawValue::Number(n) if n.is_nan()));
        // Only the fraction, the sub-second dates and the numbers past 2^60 went wide.
        assert_eq!(cells.wide.len(), 11);
    }

    #[test]
    fn rows_are_dense_and_text_is_shared_in_one_arena() {
        let cells = Cells::from_rows(vec![
            vec![RawValue::Text("a"), RawValue::Number(1.0)],
            vec![],
            vec![RawValue::Empty, RawValue::Error("#N/A")],
        ])
        .expect("small");
        assert_eq!(cells.row_count(), 3);
        assert_eq!(
            cells.row(0).to_vec(),
            [RawValue::Text("a"), RawValue::Number(1.0)]
        );
        assert!(cells.row(1).is_empty());
        assert_eq!(cells.row(2).get(1), RawValue::Error("#N/A"));
        assert_eq!(cells.row(2).get(5), RawValue::Empty);
        assert!(cells.row(9).is_empty());
    }

    #[test]
    fn sparse_round_trip_skips_empty_cells() {
        let mut cells = Cells::default();
        let a = cells.intern(RawValue::Text("a")).expect("fits");
        cells.place(0, 2, a).expect("fits");
        let b = cells.intern(RawValue::Bool(true)).expect("fits");
        cells.place(3, 0, b).expect("fits");
        let sparse = cells.take_sparse();
        assert_eq!(sparse, vec![(0, 2, a), (3, 0, b)]);
        assert_eq!(cells.row_count(), 0);
    }

    #[test]
    fn text_cells_keep_empty_fields_inside_a_row_and_blank_rows_between() {
        let mut text = TextCells::default();
        text.push_row(0, ["User ID", "", "Roles", ""], 3)
            .expect("fits");
        text.push_row(2, ["U001", "x", ""], 2).expect("fits");
        // A row at or before the last one is ignored.
        text.push_row(1, ["late"], 1).expect("fits");
        let cells = SheetCells::from(text);
        assert_eq!(cells.row_count(), 3);
        let header = cells.row(0);
        assert_eq!(
            header.to_vec(),
            [
                RawValue::Text("User ID"),
                RawValue::Empty,
                RawValue::Text("Roles")
            ]
        );
        assert_eq!(header.get(3), RawValue::Empty);
        assert!(cells.row(1).is_empty());
        assert_eq!(
            cells.row(2).iter().rev().collect::<Vec<_>>(),
            [RawValue::Text("x"), RawValue::Text("U001")]
        );
        assert!(cells.row(7).is_empty());
        // The same rows stored typed are equal.
        let typed = Cells::from_rows(vec![
            vec![
                RawValue::Text("User ID"),
                RawValue::Empty,
                RawValue::Text("Roles"),
            ],
            vec![],
            vec![RawValue::Text("U001"), RawValue::Text("x")],
        ])
        .expect("small");
        assert_eq!(SheetCells::from(typed), cells);
    }

    #[test]
    fn a_capped_text_arena_grows_no_further_than_its_cap() {
        let mut cells = Cells::default();
        cells.cap_text(1000);
        let text = "x".repeat(300);
        for _ in 0..3 {
            cells.intern(RawValue::Text(&text)).expect("fits");
        }
        // Doubling would have asked for 1,200 bytes for the third; the cap holds it at 1,000.
        assert_eq!(cells.text.capacity(), 1000);
        // Past the cap, each text still fits exactly.
        cells.intern(RawValue::Text(&text)).expect("fits");
        assert_eq!(cells.text.len(), 1200);
    }
}
