//! The spreadsheet I/O floor of an audit: read every cell of a workbook the way g8audit reads it,
//! then write the same cells to a new workbook the way g8audit writes, with no rules in between.
//!
//! ```text
//! cargo run --release --example io_floor -- IN.xlsx OUT.xlsx [--threads 1|2] [--zip-level 1-9]
//! ```
//!
//! * Reading: the whole file into memory (as g8audit does), then, for every worksheet, calamine's
//!   streaming `worksheet_cells_reader`, each cell made an owned value (text copied out of the
//!   shared strings, numbers, dates as their serial, booleans, errors as text) and kept — the
//!   rules need the whole register, so g8audit cannot stream cells through either.
//! * Writing: one rust_xlsxwriter constant-memory worksheet per sheet read (as g8audit's writer
//!   uses for its large sheets: inline strings, each row written to a temporary file as the next
//!   starts), under the same name, every cell at its position with its type (strings, numbers,
//!   dates with a date format, booleans); saved to a file that is then `fsync`ed, as g8audit's
//!   writer does before renaming into place.
//! * `--threads 1` (the default): one thread reads, then builds the sheets, then saves.
//! * `--threads 2` (or more): the sheets are shared out over the threads; each thread opens the
//!   workbook itself (so the shared strings are parsed once per thread), reads a sheet and
//!   builds its worksheet at once, then takes the next sheet from a shared queue (workbook
//!   order). The worksheets are put back in order and saved (the zip is written on one thread).
//!
//! * `--zip-level N`: the deflate level of the zip container (rust_xlsxwriter's
//!   `set_zip_compression_level`; default its own, 6). Compression is a large part of the cost of
//!   writing: if g8audit changes its level, give the floor the same one, or the ratio compares
//!   unlike work.
//!
//! It prints one line to stderr: sheets, cells by type, and the read / build / save times.
//! This program does not use the g8audit library; it depends only on calamine, rust_xlsxwriter
//! and std.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use calamine::{DataRef, Reader, SheetType, Xlsx, open_workbook_from_rs};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One cell as read, owned.
enum Val {
    Text(String),
    Num(f64),
    /// An Excel date serial.
    Date(f64),
    Bool(bool),
}

/// A worksheet built by a worker: its index, the sheet, its cells and the read and build times.
type Built = (usize, Worksheet, Tally, Duration, Duration);

struct Sheet {
    name: String,
    cells: Vec<(u32, u16, Val)>,
}

#[derive(Default, Clone, Copy)]
struct Tally {
    text: u64,
    num: u64,
    date: u64,
    bool: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.text += o.text;
        self.num += o.num;
        self.date += o.date;
        self.bool += o.bool;
    }
    fn total(&self) -> u64 {
        self.text + self.num + self.date + self.bool
    }
}

fn open(bytes: &[u8]) -> Res<Xlsx<Cursor<&[u8]>>> {
    Ok(open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes))?)
}

/// The worksheets' names, in workbook order (chart and macro sheets have no cells).
fn worksheet_names(book: &Xlsx<Cursor<&[u8]>>) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect()
}

fn read_sheet(book: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Res<(Sheet, Tally)> {
    let mut cells = Vec::new();
    let mut t = Tally::default();
    let mut reader = book.worksheet_cells_reader(name)?;
    while let Some(cell) = reader.next_cell()? {
        let (r, c) = cell.get_position();
        let v = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::String(s) => Val::Text(s.clone()),
            DataRef::SharedString(s) => Val::Text((*s).to_string()),
            DataRef::Int(i) => Val::Num(*i as f64),
            DataRef::Float(f) => Val::Num(*f),
            DataRef::Bool(b) => Val::Bool(*b),
            DataRef::DateTime(dt) => Val::Date(dt.as_f64()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Val::Text(s.clone()),
            DataRef::Error(e) => Val::Text(e.to_string()),
        };
        match v {
            Val::Text(_) => t.text += 1,
            Val::Num(_) => t.num += 1,
            Val::Date(_) => t.date += 1,
            Val::Bool(_) => t.bool += 1,
        }
        cells.push((r, c.min(u32::from(u16::MAX)) as u16, v));
    }
    Ok((
        Sheet {
            name: name.to_string(),
            cells,
        },
        t,
    ))
}

/// Fills `ws`, a constant-memory worksheet as g8audit's writer uses, with `sheet`'s cells. That
/// mode needs rows in order: the cells are sorted first when the file did not list them so.
fn build_sheet(mut ws: Worksheet, sheet: &mut Sheet, date: &Format) -> Res<Worksheet> {
    ws.set_name(&sheet.name)?;
    if !sheet.cells.is_sorted_by_key(|(r, c, _)| (*r, *c)) {
        sheet.cells.sort_by_key(|(r, c, _)| (*r, *c));
    }
    for (r, c, v) in &sheet.cells {
        match v {
            Val::Text(s) => {
                ws.write_string(*r, *c, s)?;
            }
            Val::Num(n) => {
                ws.write_number(*r, *c, *n)?;
            }
            Val::Date(serial) => {
                ws.write_datetime_with_format(
                    *r,
                    *c,
                    ExcelDateTime::from_serial_datetime(*serial)?,
                    date,
                )?;
            }
            Val::Bool(b) => {
                ws.write_boolean(*r, *c, *b)?;
            }
        }
    }
    Ok(ws)
}

fn main() -> Res<()> {
    let mut args = std::env::args().skip(1);
    let mut paths = Vec::new();
    let mut threads = 1usize;
    let mut zip_level: Option<u8> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => threads = args.next().ok_or("--threads N")?.parse()?,
            "--zip-level" => zip_level = Some(args.next().ok_or("--zip-level N")?.parse()?),
            _ => paths.push(PathBuf::from(a)),
        }
    }
    let [input, output] = paths.as_slice() else {
        return Err("usage: io_floor IN.xlsx OUT.xlsx [--threads N] [--zip-level 1-9]".into());
    };
    let threads = threads.max(1);
    let t0 = Instant::now();
    let bytes = std::fs::read(input)?;
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let mut wb = Workbook::new();
    if let Some(level) = zip_level {
        wb.set_zip_compression_level(level);
    }

    let mut tally = Tally::default();
    let (worksheets, read_time, build_time): (Vec<Worksheet>, Duration, Duration) = if threads == 1
    {
        let mut book = open(&bytes)?;
        let mut sheets = Vec::new();
        for name in worksheet_names(&book) {
            let (s, t) = read_sheet(&mut book, &name)?;
            tally.add(t);
            sheets.push(s);
        }
        let read = t0.elapsed();
        let t1 = Instant::now();
        let mut ws = Vec::new();
        for s in &mut sheets {
            ws.push(build_sheet(
                wb.new_worksheet_with_constant_memory()?,
                s,
                &date,
            )?);
        }
        (ws, read, t1.elapsed())
    } else {
        let names = worksheet_names(&open(&bytes)?);
        // Constant-memory worksheets come from the workbook (their temporary files and the
        // workbook's formats): made here, filled by the workers.
        let blank = names
            .iter()
            .map(|_| Ok(Mutex::new(Some(wb.new_worksheet_with_constant_memory()?))))
            .collect::<Res<Vec<_>>>()?;
        let next = AtomicUsize::new(0);
        let done: Mutex<Vec<Built>> = Mutex::new(Vec::new());
        std::thread::scope(|scope| -> Res<()> {
            let mut handles = Vec::new();
            for _ in 0..threads.min(names.len().max(1)) {
                handles.push(scope.spawn(|| -> Res<()> {
                    let mut book = open(&bytes)?;
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(name) = names.get(i) else { break };
                        let r0 = Instant::now();
                        let (mut s, t) = read_sheet(&mut book, name)?;
                        let read = r0.elapsed();
                        let b0 = Instant::now();
                        let ws = blank[i]
                            .lock()
                            .map_err(|_| "poisoned")?
                            .take()
                            .ok_or("sheet taken twice")?;
                        let ws = build_sheet(ws, &mut s, &date)?;
                        let build = b0.elapsed();
                        done.lock()
                            .map_err(|_| "poisoned")?
                            .push((i, ws, t, read, build));
                    }
                    Ok(())
                }));
            }
            for h in handles {
                h.join().map_err(|_| "a worker panicked")??;
            }
            Ok(())
        })?;
        let mut done = done.into_inner().map_err(|_| "poisoned")?;
        done.sort_by_key(|d| d.0);
        let mut read = Duration::ZERO;
        let mut build = Duration::ZERO;
        let mut ws = Vec::new();
        for (_, w, t, r, b) in done {
            tally.add(t);
            read += r;
            build += b;
            ws.push(w);
        }
        (ws, read, build)
    };

    let s0 = Instant::now();
    let n_sheets = worksheets.len();
    for ws in worksheets {
        wb.push_worksheet(ws);
    }
    let mut file = std::fs::File::create(output)?;
    wb.save_to_writer(&mut file)?;
    file.sync_all()?;
    let save = s0.elapsed();
    eprintln!(
        "io_floor: threads={threads} sheets={n_sheets} cells={} (text {}, number {}, date {}, \
         bool {}) read={:.3}s build={:.3}s save={:.3}s total={:.3}s{}",
        tally.total(),
        tally.text,
        tally.num,
        tally.date,
        tally.bool,
        read_time.as_secs_f64(),
        build_time.as_secs_f64(),
        save.as_secs_f64(),
        t0.elapsed().as_secs_f64(),
        if threads > 1 {
            " (read and build summed over threads)"
        } else {
            ""
        }
    );
    Ok(())
}
