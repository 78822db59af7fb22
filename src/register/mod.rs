//! Reading registers: spreadsheets and CSV in, typed records and input issues out (SPEC §1).
//!
//! This is the only module that reads input files. It opens each input read-only, turns every
//! sheet into a [`RawSheet`] (kept whole for the annotated workbook), finds the Users, Premises and
//! Assessments tables by sheet name and their columns by heading, then parses each cell into the
//! typed [`Register`]. A refused value becomes an
//! [`InputIssue`] naming its cell, and reading goes on; only an
//! unreadable file, a missing table or column, a bad mapping file or an exceeded limit stops the
//! run ([`ReadError`]). It decides no rule.
//!
//! Layout: [`value`] parses one value; `fields` lists the tables and columns with their aliases;
//! `headers` matches sheet names and headings; [`mapping`] reads `--mapping`; `workbook` and `csv`
//! read files into raw sheets; `tables` finds the tables and their
//! header rows; `records` builds records; `error` holds the fatal errors.

mod csv;
mod error;
mod fields;
mod headers;
pub mod mapping;
mod preflight;
mod raw;
mod records;
mod tables;
pub mod value;
mod workbook;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::model::{InputFile, InputIssue, Register};

pub use error::{LimitKind, ReadError};
pub use fields::{Field, Table};
pub use headers::normalise_heading;
pub use mapping::Mapping;
pub use raw::{RawIter, RawRow, RawValue};
pub use value::{
    CountError, DateError, count_from_f64, excel_serial_to_date, excel_serial_to_datetime,
    parse_count, parse_date_text, parse_purpose, parse_role, parse_roles, parse_status, parse_type,
};

/// How to read an all-numeric date such as `01/03/2024`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateOrder {
    /// Day first, `01/03/2024` = 1 March 2024 (a GB register; the default).
    #[default]
    Dmy,
    /// Month first, `01/03/2024` = 3 January 2024 (`--date-order mdy`).
    Mdy,
}

/// Bounds on what one run reads, so that a damaged or hostile file fails cleanly instead of
/// exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file, in bytes (default 256 MiB).
    pub max_file_bytes: u64,
    /// Most non-empty cells over all inputs, and most cells of one sheet once made dense, or
    /// as calamine would hold it (default 5 million: about 100 bytes each at worst, so ½ GB).
    pub max_cells: u64,
    /// Most rows in one sheet or CSV file (default 1,048,576, Excel's own).
    pub max_rows: u32,
    /// Most columns in one sheet or CSV file (default 16,384, Excel's own).
    pub max_columns: u32,
    /// Largest CSV field, in bytes (default 1 MiB).
    pub max_csv_field_bytes: usize,
    /// Longest CSV line (one record, which may span physical lines inside quotes), in bytes
    /// (default 16 MiB).
    pub max_csv_line_bytes: usize,
    /// Most bytes a workbook may expand to: the declared uncompressed size of all the entries
    /// of a zip workbook (xlsx, xlsb, ods), and the text calamine would copy into cells (default
    /// 512 MiB).
    pub max_decompressed_bytes: u64,
}

impl Limits {
    /// The environment variables that raise (or lower) each limit, by [`LimitKind`].
    pub const ENV_VARS: [(LimitKind, &'static str); 7] = [
        (LimitKind::FileBytes, "G8AUDIT_MAX_FILE_BYTES"),
        (LimitKind::Cells, "G8AUDIT_MAX_CELLS"),
        (LimitKind::Rows, "G8AUDIT_MAX_ROWS"),
        (LimitKind::Columns, "G8AUDIT_MAX_COLUMNS"),
        (LimitKind::CsvFieldBytes, "G8AUDIT_MAX_CSV_FIELD_BYTES"),
        (LimitKind::CsvLineBytes, "G8AUDIT_MAX_CSV_LINE_BYTES"),
        (
            LimitKind::DecompressedBytes,
            "G8AUDIT_MAX_DECOMPRESSED_BYTES",
        ),
    ];

    /// The default limits, with any set by the environment variables of [`Limits::ENV_VARS`]
    /// (a whole number each, e.g. `G8AUDIT_MAX_CELLS=200000000`). The limit-exceeded message
    /// names the variable to set.
    ///
    /// # Errors
    /// [`ReadError::BadLimit`] when a variable is set to something other than a whole number.
    pub fn from_env() -> Result<Limits, ReadError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Limits, ReadError> {
        let mut limits = Limits::default();
        for (kind, var) in Self::ENV_VARS {
            let Some(text) = get(var) else { continue };
            let bad = || ReadError::BadLimit {
                variable: var.to_string(),
                value: text.clone(),
            };
            let n: u64 = text.trim().parse().map_err(|_| bad())?;
            match kind {
                LimitKind::FileBytes => limits.max_file_bytes = n,
                LimitKind::Cells => limits.max_cells = n,
                LimitKind::Rows => limits.max_rows = u32::try_from(n).map_err(|_| bad())?,
                LimitKind::Columns => limits.max_columns = u32::try_from(n).map_err(|_| bad())?,
                LimitKind::CsvFieldBytes => {
                    limits.max_csv_field_bytes = usize::try_from(n).map_err(|_| bad())?;
                }
                LimitKind::CsvLineBytes => {
                    limits.max_csv_line_bytes = usize::try_from(n).map_err(|_| bad())?;
                }
                LimitKind::DecompressedBytes => limits.max_decompressed_bytes = n,
            }
        }
        Ok(limits)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 256 * 1024 * 1024,
            max_cells: 5_000_000,
            max_rows: 1_048_576,
            max_columns: 16_384,
            max_csv_field_bytes: 1024 * 1024,
            max_csv_line_bytes: 16 * 1024 * 1024,
            max_decompressed_bytes: 512 * 1024 * 1024,
        }
    }
}

/// What [`read_register`] needs to know besides the files.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// How to read all-numeric dates.
    pub date_order: DateOrder,
    /// The day the tool runs: completions, submissions, snapshots and statuses dated after it are
    /// refused as `FUTURE_DATE` (SPEC §6.26).
    pub today: NaiveDate,
    /// Sheet and column names from `--mapping`.
    pub mapping: Option<Mapping>,
    /// Bounds on what is read.
    pub limits: Limits,
    /// Keep every sheet's cells in [`ReadOutcome::sheets`] (the annotated workbook copies them).
    /// When false, each sheet keeps its name, table and columns, but its cells are freed as soon
    /// as its records are built: for a large register they are as much memory as the records,
    /// and the rules can then reuse it.
    pub keep_cells: bool,
}

impl ReadOptions {
    /// Day-first dates, no mapping, default limits.
    pub fn new(today: NaiveDate) -> Self {
        ReadOptions {
            date_order: DateOrder::Dmy,
            today,
            mapping: None,
            limits: Limits::default(),
            keep_cells: true,
        }
    }
}

/// Everything read from the inputs.
#[derive(Debug, Clone)]
pub struct ReadOutcome {
    /// The typed register: inputs (path as given, SHA-256), users, premises, assessments.
    pub register: Register,
    /// Every refused value, in reading order (input, sheet, row, column).
    pub issues: Vec<InputIssue>,
    /// Every worksheet of every input, used or not, in input and workbook order (without their
    /// cells unless [`ReadOptions::keep_cells`]).
    pub sheets: Vec<RawSheet>,
}

/// One worksheet (or CSV file) as read, before any parsing: for the annotated workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct RawSheet {
    /// Index into [`Register::inputs`].
    pub input: usize,
    /// The sheet name; for a CSV file, its file stem.
    pub name: String,
    /// The table this sheet holds, if it is one.
    pub table: Option<Table>,
    /// 0-based row of the header row, when the sheet is a table and one was found.
    pub header_row: Option<u32>,
    /// The recognised columns: field → 0-based column.
    pub columns: Vec<(Field, u32)>,
    /// The cells, dense by row: row 0 is spreadsheet row 1, column 0 column A; each row up to its
    /// last non-empty cell, trailing empty rows trimmed. Stored compactly ([`raw`]); read them
    /// with [`RawSheet::value`], [`RawSheet::row`] and [`RawSheet::rows`].
    cells: raw::SheetCells,
    /// True when the workbook uses the 1904 date system (plain numbers in date columns are then
    /// 1904 serials). Always false for CSV and ODS.
    pub date1904: bool,
}

impl RawSheet {
    /// The column holding `field`, if recognised.
    pub fn column(&self, field: Field) -> Option<u32> {
        self.columns
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, c)| *c)
    }

    /// A sheet of the given rows, each kept as given (trailing empty cells included): for tests
    /// and for callers that build a sheet by hand. Not a table until [`RawSheet::table`] and the
    /// header are set.
    ///
    /// # Errors
    /// [`ReadError::LimitExceeded`] when the sheet outgrows its compact form (more than 4 GiB of
    /// text or 2³² cells).
    pub fn from_rows<'a, R>(
        input: usize,
        name: &str,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<RawSheet, ReadError>
    where
        R: IntoIterator<Item = RawValue<'a>>,
    {
        let cells = raw::Cells::from_rows(rows).map_err(|o| overflow_error(o, name, Some(name)))?;
        Ok(RawSheet::new(input, name, cells, false))
    }

    /// A sheet as read, not yet matched to a table.
    fn new(
        input: usize,
        name: &str,
        cells: impl Into<raw::SheetCells>,
        date1904: bool,
    ) -> RawSheet {
        RawSheet {
            input,
            name: name.to_string(),
            table: None,
            header_row: None,
            columns: Vec::new(),
            cells: cells.into(),
            date1904,
        }
    }

    /// Frees the cells (the sheet then reads as empty); the name, table and columns stay.
    fn free_cells(&mut self) {
        self.cells = raw::SheetCells::default();
    }

    /// Rows, up to the last non-empty one.
    pub fn row_count(&self) -> usize {
        self.cells.row_count()
    }

    /// Cells, each row counted up to its last non-empty one: how large a copy of the sheet is.
    pub fn cell_count(&self) -> usize {
        self.cells.cell_count()
    }

    /// The 0-based row `r` (empty outside the data).
    pub fn row(&self, r: u32) -> RawRow<'_> {
        self.cells.row(r as usize)
    }

    /// Every row, from spreadsheet row 1.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = RawRow<'_>> + DoubleEndedIterator {
        (0..self.cells.row_count()).map(|r| self.cells.row(r))
    }

    /// The cell at a 0-based position ([`RawValue::Empty`] outside the data).
    pub fn value(&self, row: u32, col: u32) -> RawValue<'_> {
        self.cells.row(row as usize).get(col as usize)
    }

    /// Columns of the header row that g8audit appended to an earlier annotated copy (headings
    /// starting `g8audit`): ignored on input, and to be replaced, not copied, on output.
    pub fn annotation_columns(&self) -> Vec<u32> {
        let Some(h) = self.header_row else {
            return Vec::new();
        };
        self.row(h)
            .iter()
            .enumerate()
            .filter(|(_, v)| headers::is_annotation_heading(&v.to_string()))
            .map(|(c, _)| c as u32)
            .collect()
    }

    /// True for the sheets g8audit itself adds to an annotated workbook (Summary, Findings,
    /// Schedule, Forecast, Input issues, About, Changes, Instructions): ignored on input.
    pub fn is_tool_sheet(&self) -> bool {
        headers::is_tool_sheet_name(&self.name)
    }
}

/// Reads the register from `paths` (workbooks and/or CSV files; together one register).
///
/// Each input is opened read-only and hashed; every worksheet is kept in
/// [`ReadOutcome::sheets`]; the tables are found by sheet name (CSV: file stem) and their columns
/// by heading (SPEC §1); a table found in several inputs is read from each, in input order.
///
/// # Errors
/// A [`ReadError`] when an input cannot be read, a limit is exceeded, a required table or column
/// is missing (Premises only when some User is a Supplier or Network Party), two sheets of one
/// workbook could be the same table, or the same file is given twice.
pub fn read_register(paths: &[PathBuf], opts: &ReadOptions) -> Result<ReadOutcome, ReadError> {
    use rayon::prelude::*;
    let mut labels = Vec::with_capacity(paths.len());
    let mut seen_paths = HashSet::new();
    let mut path_error = None;
    for path in paths {
        let label = path.display().to_string();
        let canonical = match std::fs::canonicalize(path) {
            Ok(c) => c,
            Err(source) => {
                path_error = Some(ReadError::Io {
                    path: label,
                    source,
                });
                break;
            }
        };
        if !seen_paths.insert(canonical) {
            path_error = Some(ReadError::InputTwice { path: label });
            break;
        }
        labels.push(label);
    }
    // The files are read side by side (a large register is gigabytes of CSV). The error is the
    // one of the first input in order that fails, as when each was checked and read in turn:
    // the inputs before a path that cannot be used are read, and their errors come first.
    let files = paths[..labels.len()]
        .par_iter()
        .zip(labels)
        .map(|(path, label)| read_bounded(path, &label, &opts.limits).map(|bytes| (label, bytes)))
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(e) = path_error {
        return Err(e);
    }
    let sources: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(label, bytes)| (label.as_str(), bytes.as_slice()))
        .collect();
    let read = read_sources(&sources, opts)?;
    // Every cell is copied out of the files by now: their bytes (as large as the register) are
    // freed before the records are built, which then reuse the memory.
    drop(sources);
    drop(files);
    records::build(read.inputs, read.sheets, &read.csv_inputs, opts, read.early)
}

/// Reads a register from bytes already in memory: `inputs` holds, per input, the name it goes by
/// (its extension says how to read it, as for [`read_register`]; the stem names a CSV table) and
/// its content. This is [`read_register`] without the file system, for callers that hold the
/// bytes (and for the fuzz targets).
///
/// # Errors
/// As [`read_register`], except that the same content may be given twice under two names.
pub fn read_register_bytes(
    inputs: &[(&str, &[u8])],
    opts: &ReadOptions,
) -> Result<ReadOutcome, ReadError> {
    let read = read_sources(inputs, opts)?;
    records::build(read.inputs, read.sheets, &read.csv_inputs, opts, read.early)
}

/// Everything [`records::build`] needs, with nothing left borrowed from the inputs' bytes.
struct Sources<'o> {
    /// The inputs' descriptions (path, SHA-256).
    inputs: Vec<InputFile>,
    /// Every sheet of every input as read.
    sheets: Vec<RawSheet>,
    /// Which inputs are CSV files.
    csv_inputs: Vec<bool>,
    /// The records built while the Assessments sheet was being read, if they were.
    early: Option<records::Early<'o>>,
}

/// Reads every input into [`Sources`].
fn read_sources<'o>(
    inputs: &[(&str, &[u8])],
    opts: &'o ReadOptions,
) -> Result<Sources<'o>, ReadError> {
    let mut csv_inputs = Vec::with_capacity(inputs.len());
    for &(label, bytes) in inputs {
        check_file_bytes(label, bytes.len() as u64, &opts.limits)?;
        csv_inputs.push(matches!(
            FileKind::of(Path::new(label)),
            Some(FileKind::Csv(_))
        ));
    }
    use rayon::prelude::*;
    // The inputs are hashed (for the report) while their cells are read.
    let hash = || -> Vec<InputFile> {
        inputs
            .par_iter()
            .map(|&(label, bytes)| InputFile {
                path: label.to_string(),
                sha256: sha256_hex(bytes),
            })
            .collect()
    };
    // Inputs, and the sheets of a workbook, are read on rayon's threads. Which sheet crosses a
    // limit on the cells of the whole register then depends on which thread got there first, so
    // on any limit the inputs are read again one after the other, for the same error every time.
    let read = || match read_inputs(inputs, opts, true) {
        Err(ReadError::LimitExceeded { .. }) => read_inputs(inputs, opts, false),
        other => other,
    };
    let (files, sheets) = rayon::join(hash, read);
    let (sheets, early) = sheets?;
    Ok(Sources {
        inputs: files,
        sheets,
        csv_inputs,
        early,
    })
}

/// Every sheet of every input, in input and workbook order; on several threads when `parallel`.
/// The error is the one of the first input (and sheet) that fails.
///
/// A register in one workbook, read on several threads, also gets its Users and Premises records
/// built as soon as those sheets are read ([`records::early`]), while the Assessments sheet still
/// is: it holds most of a register's cells, and those records need only the others.
fn read_inputs<'o>(
    inputs: &[(&str, &[u8])],
    opts: &'o ReadOptions,
    parallel: bool,
) -> Result<(Vec<RawSheet>, Option<records::Early<'o>>), ReadError> {
    use rayon::prelude::*;
    let budget = CellBudget::new(opts.limits);
    if let [(label, bytes)] = inputs
        && parallel
    {
        let needs = |name: &str| {
            let table = tables::table_of_sheet(name, false, opts.mapping.as_ref());
            matches!(table, Some(Table::Users | Table::Premises))
        };
        let run = |sheets: &mut [&mut RawSheet]| records::early(sheets, label, opts);
        let pipeline = workbook::Pipeline {
            needs: &needs,
            run: &run,
        };
        return read_input(0, label, bytes, &budget, parallel, Some(&pipeline));
    }
    let read = |(index, &(label, bytes)): (usize, &(&str, &[u8]))| {
        read_input::<()>(index, label, bytes, &budget, parallel, None).map(|(sheets, _)| sheets)
    };
    let per_input: Vec<Result<Vec<RawSheet>, ReadError>> = if parallel {
        inputs.par_iter().enumerate().map(read).collect()
    } else {
        inputs.iter().enumerate().map(read).collect()
    };
    let mut sheets = Vec::new();
    for result in per_input {
        sheets.extend(result?);
    }
    Ok((sheets, None))
}

/// The sheets of one input (a CSV file is one sheet), and the work of `pipeline` when it ran.
fn read_input<T: Send>(
    index: usize,
    label: &str,
    bytes: &[u8],
    budget: &CellBudget,
    parallel: bool,
    pipeline: Option<&workbook::Pipeline<'_, T>>,
) -> Result<(Vec<RawSheet>, Option<T>), ReadError> {
    let path = Path::new(label);
    match FileKind::of(path) {
        Some(FileKind::Csv(delimiter)) => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| label.to_string());
            let sheet = csv::read_csv(index, label, &stem, bytes, delimiter, budget)?;
            Ok((vec![sheet], None))
        }
        Some(FileKind::Workbook(format)) => workbook::read_workbook(
            index,
            label,
            bytes,
            Some(format),
            budget,
            parallel,
            pipeline,
        ),
        None if workbook::looks_like_workbook(bytes) => {
            workbook::read_workbook(index, label, bytes, None, budget, parallel, pipeline)
        }
        None => Err(ReadError::UnsupportedExtension {
            path: label.to_string(),
            extension: extension_of(path),
        }),
    }
}

fn extension_of(path: &Path) -> String {
    path.extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_else(|| "(no extension)".to_string())
}

/// The kind of reader an input needs, by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// CSV; the delimiter when the extension fixes it (`.tsv`), else sniffed.
    Csv(Option<u8>),
    Workbook(workbook::Format),
}

impl FileKind {
    fn of(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => FileKind::Csv(None),
            "tsv" | "tab" => FileKind::Csv(Some(b'\t')),
            "xlsx" | "xlsm" | "xltx" | "xltm" => FileKind::Workbook(workbook::Format::Xlsx),
            "xlsb" => FileKind::Workbook(workbook::Format::Xlsb),
            "xls" | "xlt" => FileKind::Workbook(workbook::Format::Xls),
            "ods" | "ots" => FileKind::Workbook(workbook::Format::Ods),
            _ => return None,
        })
    }
}

/// Reads a whole input, refusing it first if it is over the size limit.
fn read_bounded(path: &Path, label: &str, limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: label.to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    check_file_bytes(label, meta.len(), limits)?;
    let bytes = std::fs::read(path).map_err(io)?;
    // The file may have grown since its size was read.
    check_file_bytes(label, bytes.len() as u64, limits)?;
    Ok(bytes)
}

/// `max_file_bytes`, for an input of `found` bytes.
fn check_file_bytes(label: &str, found: u64, limits: &Limits) -> Result<(), ReadError> {
    if found > limits.max_file_bytes {
        return Err(ReadError::LimitExceeded {
            path: label.to_string(),
            sheet: None,
            limit: LimitKind::FileBytes,
            found,
            max: limits.max_file_bytes,
        });
    }
    Ok(())
}

/// Lower-case hex SHA-256.
fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(64);
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The running count of non-empty cells over all inputs, against [`Limits`]; shared by the
/// threads that read the inputs.
#[derive(Debug)]
pub(crate) struct CellBudget {
    pub(crate) limits: Limits,
    used: AtomicU64,
    text: AtomicU64,
}

impl CellBudget {
    pub(crate) fn new(limits: Limits) -> Self {
        CellBudget {
            limits,
            used: AtomicU64::new(0),
            text: AtomicU64::new(0),
        }
    }

    /// Counts `n` more bytes of cell text taken from a workbook, against
    /// `max_decompressed_bytes`: one shared string copied into a million cells is a million
    /// copies.
    pub(crate) fn take_text(&self, n: u64, path: &str, sheet: &str) -> Result<(), ReadError> {
        let text = self.text.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if text > self.limits.max_decompressed_bytes {
            return Err(ReadError::LimitExceeded {
                path: path.to_string(),
                sheet: Some(sheet.to_string()),
                limit: LimitKind::DecompressedBytes,
                found: text,
                max: self.limits.max_decompressed_bytes,
            });
        }
        Ok(())
    }

    /// Counts `n` more non-empty cells.
    pub(crate) fn take(&self, n: u64, path: &str, sheet: &str) -> Result<(), ReadError> {
        let used = self.used.fetch_add(n, Ordering::Relaxed).saturating_add(n);
        if used > self.limits.max_cells {
            return Err(ReadError::LimitExceeded {
                path: path.to_string(),
                sheet: Some(sheet.to_string()),
                limit: LimitKind::Cells,
                found: used,
                max: self.limits.max_cells,
            });
        }
        Ok(())
    }
}

/// One sheet reader's share of the [`CellBudget`], taken from it a block at a time. Counting
/// every cell on the one shared counter made two threads reading side by side pass its cache
/// line to and fro for each cell: a tenth of the reading time of a large register. Near the limit
/// (a block would pass it) each cell is counted on the shared counter again: read one sheet after
/// the other, the cell that passes the limit is refused as it was. Read side by side, the blocks
/// other readers hold and have not used yet count too, so a register within a few thousand cells
/// a sheet of a limit may be refused early; every refusal of a side-by-side read is settled by
/// reading again one sheet after the other ([`read_sources`]), so the outcome is exact. What is
/// left unused goes back when the share is dropped.
#[derive(Debug)]
pub(crate) struct BudgetShare<'b> {
    budget: &'b CellBudget,
    cells: u64,
    text: u64,
}

/// Cells a [`BudgetShare`] takes at a time.
const CELL_BLOCK: u64 = 4096;
/// Bytes of text a [`BudgetShare`] takes at a time.
const TEXT_BLOCK: u64 = 256 * 1024;

impl<'b> BudgetShare<'b> {
    pub(crate) fn new(budget: &'b CellBudget) -> Self {
        BudgetShare {
            budget,
            cells: 0,
            text: 0,
        }
    }

    /// The limits of the budget.
    pub(crate) fn limits(&self) -> &Limits {
        &self.budget.limits
    }

    /// [`CellBudget::take`], from this share.
    pub(crate) fn take(&mut self, n: u64, path: &str, sheet: &str) -> Result<(), ReadError> {
        let (budget, max) = (self.budget, self.budget.limits.max_cells);
        take_held(&mut self.cells, n, CELL_BLOCK, &budget.used, max, || {
            budget.take(n, path, sheet)
        })
    }

    /// [`CellBudget::take_text`], from this share.
    pub(crate) fn take_text(&mut self, n: u64, path: &str, sheet: &str) -> Result<(), ReadError> {
        let (budget, max) = (self.budget, self.budget.limits.max_decompressed_bytes);
        take_held(&mut self.text, n, TEXT_BLOCK, &budget.text, max, || {
            budget.take_text(n, path, sheet)
        })
    }
}

/// Takes `n` from `held`, a share of `counter`, topping it up a `block` at a time while that
/// keeps `counter` within `max`. Near `max`, gives what is held back to `counter` and counts the
/// `n` exactly with `exact`, which refuses what passes the limit.
fn take_held(
    held: &mut u64,
    n: u64,
    block: u64,
    counter: &AtomicU64,
    max: u64,
    exact: impl FnOnce() -> Result<(), ReadError>,
) -> Result<(), ReadError> {
    if *held >= n {
        *held -= n;
        return Ok(());
    }
    let block = n.max(block);
    let before = counter.fetch_add(block, Ordering::Relaxed);
    if before.saturating_add(block) <= max {
        *held += block - n;
        return Ok(());
    }
    counter.fetch_sub(block.saturating_add(*held), Ordering::Relaxed);
    *held = 0;
    exact()
}

impl Drop for BudgetShare<'_> {
    fn drop(&mut self) {
        self.budget.used.fetch_sub(self.cells, Ordering::Relaxed);
        self.budget.text.fetch_sub(self.text, Ordering::Relaxed);
    }
}

/// The error for a sheet that outgrew its compact form ([`raw::Overflow`]): too much text is
/// reported against `max_decompressed_bytes` (it is text a workbook expanded to), too many cells
/// against `max_cells`, each with the `u32` bound that was passed as the limit.
fn overflow_error(overflow: raw::Overflow, path: &str, sheet: Option<&str>) -> ReadError {
    let (limit, found) = match overflow {
        raw::Overflow::Text(n) => (LimitKind::DecompressedBytes, n),
        raw::Overflow::Cells(n) => (LimitKind::Cells, n),
    };
    ReadError::LimitExceeded {
        path: path.to_string(),
        sheet: sheet.map(str::to_string),
        limit,
        found,
        max: u64::from(u32::MAX),
    }
}

#[cfg(test)]
mod tests;
