//! Reading spreadsheets (`.xlsx .xlsm .xlsb .xls .ods`) into [`RawSheet`]s, safely.
//!
//! calamine's `worksheet_range` allocates the whole declared used range, so a tiny file declaring
//! A1 and XFD1048576 can exhaust memory. For xlsx and xlsb this module therefore streams cells
//! (`worksheet_cells_reader`) into the sheet's compact dense rows, each up to its last
//! non-empty cell, counting the dense size against [`Limits`](super::Limits) before it grows
//! (cells out of row order are gathered sparse and placed at the end, after the same check);
//! cell text counts against `max_decompressed_bytes`, since a shared string is copied into every
//! cell that uses it. The sheets of one workbook are read on rayon's threads.
//! `.xls` and `.ods` have no streaming reader: calamine builds their sheets at open time, so
//! `preflight` works out what that will cost and refuses the file first. Every call
//! into calamine runs under `catch_unwind`, so a panic on a damaged file becomes a [`ReadError`].
//! Positions are absolute (calamine's `Range` starts at `range.start()`, which is added back).
//! This module does not decide which sheet is which table.

use std::any::Any;
use std::cell::Cell;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use calamine::{
    Data, DataRef, Ods, OdsError, Reader, SheetType, Xls, XlsError, Xlsb, XlsbError, Xlsx,
    XlsxError, open_workbook_from_rs,
};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::raw::{Cells, Slot};
use super::value::excel_serial_to_datetime;
use super::{BudgetShare, CellBudget, LimitKind, RawSheet, RawValue, ReadError};

/// A spreadsheet format calamine reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// True when the bytes are a zip (xlsx, xlsb, ods) or OLE (xls) container.
pub(crate) fn looks_like_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

type Src<'a> = Cursor<&'a [u8]>;

enum Book<'a> {
    Xlsx(Xlsx<Src<'a>>),
    Xlsb(Xlsb<Src<'a>>),
    Xls(Xls<Src<'a>>),
    Ods(Ods<Src<'a>>),
}

/// Reads every worksheet of a workbook. `format` is what the extension says; when it is absent
/// or wrong, the content decides (zip: xlsx, xlsb, ods; OLE: xls). With `parallel`, the sheets of
/// an xlsx or xlsb workbook are read on rayon's threads, each from its own reader of the same
/// bytes (opening one costs little beside reading a sheet); `.xls` and `.ods` are read whole when
/// opened, so their sheets are not.
pub(crate) fn read_workbook<T: Send>(
    input: usize,
    path: &str,
    bytes: &[u8],
    format: Option<Format>,
    budget: &CellBudget,
    parallel: bool,
    pipeline: Option<&Pipeline<'_, T>>,
) -> Result<(Vec<RawSheet>, Option<T>), ReadError> {
    use rayon::prelude::*;
    super::preflight::check(path, bytes, &budget.limits)?;
    let mut book = open(path, bytes, format)?;
    let (date1904, sheets) = guard(path, None, || {
        let date1904 = match &book {
            Book::Xlsx(b) => b.has_1904_epoch(),
            Book::Xlsb(b) => b.has_1904_epoch(),
            Book::Xls(b) => b.has_1904_epoch(),
            Book::Ods(_) => false,
        };
        let meta = match &book {
            Book::Xlsx(b) => b.sheets_metadata().to_vec(),
            Book::Xlsb(b) => b.sheets_metadata().to_vec(),
            Book::Xls(b) => b.sheets_metadata().to_vec(),
            Book::Ods(b) => b.sheets_metadata().to_vec(),
        };
        (date1904, meta)
    })?;
    // Chart sheets, dialog and macro sheets hold no cells to audit or copy.
    let names: Vec<String> = sheets
        .into_iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name)
        .collect();
    let raw = |book: &mut Book<'_>, name: &str| -> Result<RawSheet, ReadError> {
        let mut collector = Collector::new(path, name, budget);
        collector.size_bound = bytes.len() as u64;
        guard(path, Some(name), || {
            read_sheet(book, name, date1904, &mut collector)
        })??;
        Ok(RawSheet::new(input, name, collector.finish()?, date1904))
    };
    let streamed = match &book {
        Book::Xlsx(_) => Some(Format::Xlsx),
        Book::Xlsb(_) => Some(Format::Xlsb),
        Book::Xls(_) | Book::Ods(_) => None,
    };
    let (results, done): (Vec<Result<RawSheet, ReadError>>, Option<T>) = match streamed {
        Some(format) if parallel && names.len() > 1 => {
            drop(book);
            let read_one = |name: &str| {
                let mut book = match open_as(path, bytes, format)? {
                    Ok(book) => book,
                    Err(source) => {
                        return Err(ReadError::Workbook {
                            path: path.to_string(),
                            source: Box::new(source),
                        });
                    }
                };
                raw(&mut book, name)
            };
            match pipeline {
                Some(p) => read_pipelined(&names, read_one, p, path),
                None => (names.par_iter().map(|n| read_one(n)).collect(), None),
            }
        }
        _ => (
            names.iter().map(|name| raw(&mut book, name)).collect(),
            None,
        ),
    };
    Ok((results.into_iter().collect::<Result<_, _>>()?, done))
}

/// Work to run on some sheets of a workbook as soon as they are read, while the others still are
/// (on rayon's threads: the work runs on the thread that read the last sheet it needs).
pub(crate) struct Pipeline<'p, T> {
    /// The sheets the work needs, by name.
    pub needs: &'p (dyn Fn(&str) -> bool + Sync),
    /// The work, on those sheets in workbook order (it may change them). Not run when one of them
    /// cannot be read.
    pub run: &'p (dyn Fn(&mut [&mut RawSheet]) -> Option<T> + Sync),
}

/// Reads the sheets `names` with `read_one`, one task each: the sheets `pipeline` does not need
/// first (a register's longest, Assessments, is one), then those it needs, after the last of
/// which its work runs. Each result in the order of `names`; the work's, when it ran.
fn read_pipelined<T: Send>(
    names: &[String],
    read_one: impl Fn(&str) -> Result<RawSheet, ReadError> + Sync,
    pipeline: &Pipeline<'_, T>,
    path: &str,
) -> (Vec<Result<RawSheet, ReadError>>, Option<T>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Mutex, MutexGuard, PoisonError};
    fn lock<X>(m: &Mutex<X>) -> MutexGuard<'_, X> {
        m.lock().unwrap_or_else(PoisonError::into_inner)
    }
    let needed: Vec<bool> = names.iter().map(|n| (pipeline.needs)(n)).collect();
    let wanted = needed.iter().filter(|n| **n).count();
    let slots: Vec<Mutex<Option<Result<RawSheet, ReadError>>>> =
        names.iter().map(|_| Mutex::new(None)).collect();
    let left = AtomicUsize::new(wanted);
    let done: Mutex<Option<T>> = Mutex::new(None);
    let order = (0..names.len())
        .filter(|&i| !needed[i])
        .chain((0..names.len()).filter(|&i| needed[i]));
    rayon::scope_fifo(|s| {
        for i in order {
            let (slots, needed, left, done, read_one) = (&slots, &needed, &left, &done, &read_one);
            s.spawn_fifo(move |_| {
                *lock(&slots[i]) = Some(read_one(&names[i]));
                if !needed[i] || left.fetch_sub(1, Ordering::AcqRel) != 1 {
                    return;
                }
                // The last sheet the work needs is read.
                let mut guards: Vec<_> = (0..names.len())
                    .filter(|&k| needed[k])
                    .map(|k| lock(&slots[k]))
                    .collect();
                let mut sheets: Vec<&mut RawSheet> = guards
                    .iter_mut()
                    .filter_map(|g| g.as_mut()?.as_mut().ok())
                    .collect();
                if sheets.len() == wanted {
                    *lock(done) = (pipeline.run)(&mut sheets);
                }
            });
        }
    });
    let results = slots
        .into_iter()
        .zip(names)
        .map(|(slot, name)| {
            slot.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .unwrap_or_else(|| {
                    Err(ReadError::Panicked {
                        path: path.to_string(),
                        sheet: Some(name.clone()),
                        message: "the sheet was not read".to_string(),
                    })
                })
        })
        .collect();
    (
        results,
        done.into_inner().unwrap_or_else(PoisonError::into_inner),
    )
}

fn read_sheet(
    book: &mut Book<'_>,
    name: &str,
    date1904: bool,
    collector: &mut Collector<'_>,
) -> Result<(), ReadError> {
    let sheet_err = |source: calamine::Error| ReadError::Sheet {
        path: collector.path.to_string(),
        sheet: name.to_string(),
        source: Box::new(source),
    };
    match book {
        Book::Xlsx(b) => {
            let mut cells = b
                .worksheet_cells_reader(name)
                .map_err(|e| sheet_err(calamine::Error::Xlsx(e)))?;
            collector.reserve(cells.dimensions());
            while let Some(cell) = cells
                .next_cell()
                .map_err(|e| sheet_err(calamine::Error::Xlsx(e)))?
            {
                let (r, c) = cell.get_position();
                push_data_ref(collector, r, c, cell.get_value(), date1904)?;
            }
        }
        Book::Xlsb(b) => {
            let mut cells = b
                .worksheet_cells_reader(name)
                .map_err(|e| sheet_err(calamine::Error::Xlsb(e)))?;
            collector.reserve(cells.dimensions());
            while let Some(cell) = cells
                .next_cell()
                .map_err(|e| sheet_err(calamine::Error::Xlsb(e)))?
            {
                let (r, c) = cell.get_position();
                push_data_ref(collector, r, c, cell.get_value(), date1904)?;
            }
        }
        Book::Xls(b) => {
            let range = b
                .worksheet_range(name)
                .map_err(|e| sheet_err(calamine::Error::Xls(e)))?;
            push_range(&range, date1904, collector)?;
        }
        Book::Ods(b) => {
            let range = b
                .worksheet_range(name)
                .map_err(|e| sheet_err(calamine::Error::Ods(e)))?;
            push_range(&range, date1904, collector)?;
        }
    }
    Ok(())
}

/// Pushes the used cells of a `Range`, at absolute positions.
fn push_range(
    range: &calamine::Range<Data>,
    date1904: bool,
    collector: &mut Collector<'_>,
) -> Result<(), ReadError> {
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let row = r0.saturating_add(u32::try_from(r).unwrap_or(u32::MAX));
        let col = c0.saturating_add(u32::try_from(c).unwrap_or(u32::MAX));
        push_data(collector, row, col, v, date1904)?;
    }
    Ok(())
}

fn open<'a>(path: &str, bytes: &'a [u8], format: Option<Format>) -> Result<Book<'a>, ReadError> {
    let first_error = match format {
        Some(f) => match open_as(path, bytes, f)? {
            Ok(book) => return Ok(book),
            Err(e) if is_password(&e) => {
                return Err(ReadError::Encrypted {
                    path: path.to_string(),
                });
            }
            Err(e) => Some(e),
        },
        None => None,
    };
    // The extension lied, or there was none: let the content decide.
    let candidates: &[Format] = if bytes.starts_with(ZIP_MAGIC) {
        &[Format::Xlsx, Format::Xlsb, Format::Ods]
    } else if bytes.starts_with(OLE_MAGIC) {
        // An encrypted xlsx is an OLE file too: the xlsx reader recognises it.
        &[Format::Xls, Format::Xlsx]
    } else {
        &[]
    };
    let mut last_error = None;
    for &f in candidates {
        if Some(f) == format {
            continue;
        }
        match open_as(path, bytes, f)? {
            Ok(book) => return Ok(book),
            Err(e) if is_password(&e) => {
                return Err(ReadError::Encrypted {
                    path: path.to_string(),
                });
            }
            Err(e) => last_error = Some(e),
        }
    }
    let source = first_error
        .or(last_error)
        .unwrap_or(calamine::Error::Msg("not a spreadsheet file"));
    Err(ReadError::Workbook {
        path: path.to_string(),
        source: Box::new(source),
    })
}

fn open_as<'a>(
    path: &str,
    bytes: &'a [u8],
    format: Format,
) -> Result<Result<Book<'a>, calamine::Error>, ReadError> {
    guard(path, None, || {
        let src = Cursor::new(bytes);
        match format {
            Format::Xlsx => open_workbook_from_rs::<Xlsx<_>, _>(src)
                .map(Book::Xlsx)
                .map_err(calamine::Error::Xlsx),
            Format::Xlsb => open_workbook_from_rs::<Xlsb<_>, _>(src)
                .map(Book::Xlsb)
                .map_err(calamine::Error::Xlsb),
            Format::Xls => open_workbook_from_rs::<Xls<_>, _>(src)
                .map(Book::Xls)
                .map_err(calamine::Error::Xls),
            Format::Ods => open_workbook_from_rs::<Ods<_>, _>(src)
                .map(Book::Ods)
                .map_err(calamine::Error::Ods),
        }
    })
}

fn is_password(e: &calamine::Error) -> bool {
    matches!(
        e,
        calamine::Error::Xlsx(XlsxError::Password)
            | calamine::Error::Xlsb(XlsbError::Password)
            | calamine::Error::Xls(XlsError::Password)
            | calamine::Error::Ods(OdsError::Password)
    )
}

thread_local! {
    /// True while this thread runs spreadsheet-library code under [`guard`].
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Installs, once, a panic hook that stays silent for panics [`guard`] is about to catch (they
/// become a [`ReadError`] that says what to do, and "thread 'main' panicked at …" on stderr
/// would only alarm) and hands every other panic to the hook that was there before.
fn quiet_guarded_panics() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

/// Runs `f`, turning a panic inside the spreadsheet library into [`ReadError::Panicked`].
fn guard<T>(path: &str, sheet: Option<&str>, f: impl FnOnce() -> T) -> Result<T, ReadError> {
    quiet_guarded_panics();
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| ReadError::Panicked {
        path: path.to_string(),
        sheet: sheet.map(str::to_string),
        message: panic_message(payload.as_ref()),
    })
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Non-empty cells of one sheet, made dense as they come.
///
/// A streaming reader gives the cells row by row, left to right; they go straight into the
/// sheet's compact dense form ([`Cells`]), counting its size (a row per row up to the last, a
/// cell per column up to each row's last) against `max_cells` before anything is allocated for
/// it. Cells out of that order (some writers put a row's cells in any order) switch the collector
/// to a sparse list of slots (their text already in the arena) that is sorted and made dense at
/// the end, after the same check.
struct Collector<'a> {
    path: &'a str,
    sheet: &'a str,
    budget: BudgetShare<'a>,
    cells: Cells,
    /// The size of `cells` in the dense form: rows, plus each row's cells up to its last.
    dense: u64,
    /// The last position filled, while cells come in order.
    last: Option<(u32, u32)>,
    /// Every cell, once one came out of order.
    sparse: Option<Vec<(u32, u32, Slot)>>,
    /// A bound on the reservation for the sheet, whatever its dimensions claim: the size of the
    /// file it comes from, in cells (a hint, not a bound on the cells: deflate packs far more).
    size_bound: u64,
}

impl<'a> Collector<'a> {
    fn new(path: &'a str, sheet: &'a str, budget: &'a CellBudget) -> Self {
        // No sheet holds more text than the register may: one shared string copied into many
        // cells must be refused at the limit, not first double the arena past it.
        let mut cells = Cells::default();
        let text_limit = budget.limits.max_decompressed_bytes;
        cells.cap_text(usize::try_from(text_limit).unwrap_or(usize::MAX));
        Collector {
            path,
            sheet,
            budget: BudgetShare::new(budget),
            cells,
            dense: 0,
            last: None,
            sparse: None,
            size_bound: 0,
        }
    }

    /// Reserves the dense form of a sheet declaring `dims`, as far as the cell limit and the
    /// size bound allow: a large sheet then fills its vectors in place instead of copying them
    /// each time they double (and faulting in fresh pages for every copy). The dimensions are
    /// only a hint: a few kilobytes can claim a million rows, so a sheet never reserves more
    /// cells than its file has bytes; the pages reserved and not written cost no memory, and a
    /// reservation the system refuses (an address-space limit) is skipped, not fatal.
    fn reserve(&mut self, dims: calamine::Dimensions) {
        let rows = u64::from(dims.end.0) + 1;
        let cells = rows.saturating_mul(u64::from(dims.end.1) + 1);
        let bound = self.size_bound.min(self.budget.limits().max_cells);
        let cells = usize::try_from(cells.min(bound)).unwrap_or(0);
        let rows = usize::try_from(rows.min(bound)).unwrap_or(0);
        self.cells.reserve_cells(cells, rows);
    }

    fn limit(&self, limit: LimitKind, found: u64, max: u64) -> ReadError {
        ReadError::LimitExceeded {
            path: self.path.to_string(),
            sheet: Some(self.sheet.to_string()),
            limit,
            found,
            max,
        }
    }

    fn overflow(&self, overflow: super::raw::Overflow) -> ReadError {
        super::overflow_error(overflow, self.path, Some(self.sheet))
    }

    fn push(&mut self, row: u32, col: u32, value: RawValue<'_>) -> Result<(), ReadError> {
        if matches!(value, RawValue::Empty) {
            return Ok(());
        }
        let limits = *self.budget.limits();
        if row >= limits.max_rows {
            return Err(self.limit(
                LimitKind::Rows,
                u64::from(row) + 1,
                u64::from(limits.max_rows),
            ));
        }
        if col >= limits.max_columns {
            return Err(self.limit(
                LimitKind::Columns,
                u64::from(col) + 1,
                u64::from(limits.max_columns),
            ));
        }
        self.budget.take(1, self.path, self.sheet)?;
        if let RawValue::Text(t) | RawValue::Error(t) = value {
            self.budget
                .take_text(t.len() as u64, self.path, self.sheet)?;
        }
        if self.sparse.is_none() && self.last.is_some_and(|last| (row, col) <= last) {
            self.sparse = Some(self.cells.take_sparse());
        }
        if self.sparse.is_some() {
            let slot = self.cells.intern(value).map_err(|o| self.overflow(o))?;
            if let Some(cells) = &mut self.sparse {
                cells.push((row, col, slot));
            }
            return Ok(());
        }
        // In order: the dense form grows by the rows up to this one and the cells up to this one.
        let (r, c) = (row as usize, col as usize);
        let new_rows = (r + 1).saturating_sub(self.cells.row_count()) as u64;
        let row_len = self.cells.row_len(r);
        let grown = self.dense + new_rows + (c + 1 - row_len) as u64;
        let max = limits.max_cells;
        if grown > max {
            return Err(self.limit(LimitKind::Cells, grown, max));
        }
        self.dense = grown;
        let slot = self.cells.intern(value).map_err(|o| self.overflow(o))?;
        self.cells
            .place(row, col, slot)
            .map_err(|o| self.overflow(o))?;
        self.last = Some((row, col));
        Ok(())
    }

    /// The dense form: each row up to its last non-empty cell, up to the last non-empty row.
    fn finish(mut self) -> Result<Cells, ReadError> {
        let Some(mut sparse) = self.sparse.take() else {
            self.cells.shrink();
            return Ok(self.cells);
        };
        // Later cells at the same position win, as in calamine (the sort is stable).
        sparse.sort_by_key(|(r, c, _)| (*r, *c));
        let mut cells: Vec<(u32, u32, Slot)> = Vec::with_capacity(sparse.len());
        for cell in sparse {
            match cells.last_mut() {
                Some(last) if last.0 == cell.0 && last.1 == cell.1 => *last = cell,
                _ => cells.push(cell),
            }
        }
        let Some(last_row) = cells.last().map(|(r, _, _)| *r) else {
            self.cells.shrink();
            return Ok(self.cells);
        };
        // Size of the dense form, checked before allocating it.
        let mut dense: u64 = u64::from(last_row) + 1;
        let mut i = 0;
        while i < cells.len() {
            let row = cells[i].0;
            let mut max_col = cells[i].1;
            while i < cells.len() && cells[i].0 == row {
                max_col = max_col.max(cells[i].1);
                i += 1;
            }
            dense = dense.saturating_add(u64::from(max_col) + 1);
        }
        let max = self.budget.limits().max_cells;
        if dense > max {
            return Err(self.limit(LimitKind::Cells, dense, max));
        }
        for (r, c, slot) in cells {
            self.cells.place(r, c, slot).map_err(|o| self.overflow(o))?;
        }
        self.cells.shrink();
        Ok(self.cells)
    }
}

/// Pushes a cell of a `Range` (xls, ods). Error values and durations are made into text here,
/// the only cells that allocate on the way in (they are rare).
fn push_data(
    collector: &mut Collector<'_>,
    row: u32,
    col: u32,
    v: &Data,
    date1904: bool,
) -> Result<(), ReadError> {
    let owned: String;
    let value = match v {
        Data::Int(i) => RawValue::Number(*i as f64),
        Data::Float(f) => RawValue::Number(*f),
        Data::String(s) => text(s),
        Data::Bool(b) => RawValue::Bool(*b),
        Data::DateTime(dt) => match from_excel_datetime(dt, date1904) {
            Ok(v) => v,
            Err(duration) => {
                owned = duration;
                RawValue::Text(&owned)
            }
        },
        Data::DateTimeIso(s) => from_iso(s),
        Data::DurationIso(s) => text(s),
        Data::Error(e) => {
            owned = e.to_string();
            RawValue::Error(&owned)
        }
        Data::Empty => RawValue::Empty,
    };
    collector.push(row, col, value)
}

/// Pushes a cell of a streaming reader (xlsx, xlsb): its text is copied straight from the
/// reader's buffer (or the shared string) into the sheet's arena.
fn push_data_ref(
    collector: &mut Collector<'_>,
    row: u32,
    col: u32,
    v: &DataRef<'_>,
    date1904: bool,
) -> Result<(), ReadError> {
    let owned: String;
    let value = match v {
        DataRef::Int(i) => RawValue::Number(*i as f64),
        DataRef::Float(f) => RawValue::Number(*f),
        DataRef::String(s) => text(s),
        DataRef::SharedString(s) => text(s),
        DataRef::Bool(b) => RawValue::Bool(*b),
        DataRef::DateTime(dt) => match from_excel_datetime(dt, date1904) {
            Ok(v) => v,
            Err(duration) => {
                owned = duration;
                RawValue::Text(&owned)
            }
        },
        DataRef::DateTimeIso(s) => from_iso(s),
        DataRef::DurationIso(s) => text(s),
        DataRef::Error(e) => {
            owned = e.to_string();
            RawValue::Error(&owned)
        }
        DataRef::Empty => RawValue::Empty,
    };
    collector.push(row, col, value)
}

fn text(s: &str) -> RawValue<'_> {
    if s.is_empty() {
        RawValue::Empty
    } else {
        RawValue::Text(s)
    }
}

/// A date cell becomes a date; a duration (`[h]:mm:ss`) becomes ISO 8601 duration text (the
/// `Err`, made here since the cell holds a number), which no date column accepts; a date outside
/// 1900–9999 stays a number, refused in a date column.
fn from_excel_datetime(
    dt: &calamine::ExcelDateTime,
    date1904: bool,
) -> Result<RawValue<'static>, String> {
    let serial = dt.as_f64();
    if dt.is_duration() {
        return Err(iso_duration(serial));
    }
    Ok(match excel_serial_to_datetime(serial, date1904) {
        Some(d) => RawValue::Date(d),
        None => RawValue::Number(serial),
    })
}

/// ISO 8601 text of a duration in days: `PT10H10M10S`.
fn iso_duration(days: f64) -> String {
    if !days.is_finite() {
        return format!("{days} days");
    }
    let secs = (days.abs() * 86_400.0).round().min(1e15) as u64;
    let sign = if days < 0.0 { "-" } else { "" };
    format!(
        "{sign}PT{}H{}M{}S",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// An ISO date or date-time string (ODS, xlsx `t="d"`): a date when it is one, else text.
fn from_iso(s: &str) -> RawValue<'_> {
    let t = s.trim();
    if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f") {
        return RawValue::Date(dt);
    }
    if let Ok(dt) = NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M") {
        return RawValue::Date(dt);
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return RawValue::Date(d.and_time(NaiveTime::MIN));
    }
    text(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::register::Limits;

    fn collect(limits: Limits, cells: Vec<(u32, u32, RawValue)>) -> Result<Cells, ReadError> {
        let budget = CellBudget::new(limits);
        let mut c = Collector::new("book.xlsx", "Sheet1", &budget);
        for (r, col, v) in cells {
            c.push(r, col, v)?;
        }
        c.finish()
    }

    fn t(s: &str) -> RawValue<'_> {
        RawValue::Text(s)
    }

    #[test]
    fn dense_rows_are_trimmed_and_absolute() {
        let rows = collect(
            Limits::default(),
            vec![
                (2, 3, t("x")),
                (0, 0, t("a")),
                (2, 1, RawValue::Empty),
                (4, 0, t("y")),
            ],
        )
        .expect("rows");
        assert_eq!(rows.row_count(), 5);
        assert_eq!(rows.row(0).to_vec(), vec![t("a")]);
        assert!(rows.row(1).is_empty());
        assert_eq!(
            rows.row(2).to_vec(),
            vec![RawValue::Empty, RawValue::Empty, RawValue::Empty, t("x")]
        );
        assert_eq!(rows.row(4).to_vec(), vec![t("y")]);
    }

    #[test]
    fn out_of_order_cells_are_sorted_and_the_later_of_two_wins() {
        let rows = collect(
            Limits::default(),
            vec![
                (1, 1, t("b")),
                (1, 0, t("a")),
                (0, 2, RawValue::Number(1.0)),
                (1, 1, t("b2")),
            ],
        )
        .expect("rows");
        assert_eq!(rows.row_count(), 2);
        assert_eq!(
            rows.row(0).to_vec(),
            vec![RawValue::Empty, RawValue::Empty, RawValue::Number(1.0)]
        );
        assert_eq!(rows.row(1).to_vec(), vec![t("a"), t("b2")]);
    }

    #[test]
    fn a_far_corner_cell_does_not_allocate_the_used_range() {
        // A1 and XFD1048576: two cells; dense form is one short row and one long row.
        let rows = collect(
            Limits::default(),
            vec![(0, 0, t("a")), (1_048_575, 16_383, t("z"))],
        )
        .expect("rows");
        assert_eq!(rows.row_count(), 1_048_576);
        assert_eq!(rows.row(1_048_575).len(), 16_384);
    }

    #[test]
    fn limits_are_enforced_before_allocating() {
        let small = Limits {
            max_cells: 10,
            max_rows: 100,
            max_columns: 5,
            ..Limits::default()
        };
        let e = collect(small, vec![(100, 0, t("a"))]).expect_err("too many rows");
        assert_eq!(
            e.to_string(),
            "book.xlsx, sheet \"Sheet1\": 101 rows exceeds the limit of 100 (max_rows); look for stray values far below or to the right of the data, split the register, or raise the limit by setting the environment variable G8AUDIT_MAX_ROWS"
        );
        let e = collect(small, vec![(0, 5, t("a"))]).expect_err("too many columns");
        assert!(matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::Columns,
                found: 6,
                max: 5,
                ..
            }
        ));
        let e =
            collect(small, (0..11).map(|r| (r, 0, t("a"))).collect()).expect_err("too many cells");
        assert!(matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::Cells,
                ..
            }
        ));
        // Dense size: 3 rows, the last reaching column E: 3 + 1 + 1 + 5 = 10 is fine, 4 rows not.
        assert!(collect(small, vec![(0, 0, t("a")), (2, 4, t("b"))]).is_ok());
        let e = collect(small, vec![(0, 4, t("a")), (3, 4, t("b"))]).expect_err("dense too big");
        assert!(matches!(
            e,
            ReadError::LimitExceeded {
                limit: LimitKind::Cells,
                found: 14,
                ..
            }
        ));
    }

    #[test]
    fn range_positions_are_made_absolute() {
        // A Range whose used area starts at C5, as calamine returns for xls and ods.
        let mut range = calamine::Range::new((4, 2), (6, 4));
        range.set_value((4, 2), Data::String("User ID".into()));
        range.set_value((6, 4), Data::Float(3.0));
        let budget = CellBudget::new(Limits::default());
        let mut c = Collector::new("book.xls", "Users", &budget);
        push_range(&range, false, &mut c).expect("pushed");
        let rows = c.finish().expect("rows");
        assert_eq!(rows.row_count(), 7);
        assert_eq!(rows.row(4).get(2), t("User ID"));
        assert_eq!(rows.row(6).get(4), RawValue::Number(3.0));
        assert!(rows.row(5).is_empty());
    }

    #[test]
    fn durations_and_iso_strings() {
        assert_eq!(iso_duration(10.632_060_185_185_2), "PT255H10M10S");
        assert_eq!(
            from_iso("2021-01-01T10:10:10"),
            RawValue::Date(
                NaiveDate::from_ymd_opt(2021, 1, 1)
                    .and_then(|d| d.and_hms_opt(10, 10, 10))
                    .expect("valid")
            )
        );
        assert_eq!(from_iso("10:10:10"), t("10:10:10"));
    }
}
