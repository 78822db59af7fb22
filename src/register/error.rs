//! The fatal reading errors: each stops the run with exit code 2 (SPEC §1.4, §5).
//!
//! Every variant names the file, and the sheet or cell where there is one, and says what a person
//! can do about it. A refused *value* is never an error here: it is an input issue
//! ([`crate::model::InputIssue`]) and the run goes on. Library errors are kept as the `source`,
//! not flattened into text, so the CLI can print the cause chain.

use std::fmt;

use super::{Field, Table};

/// A limit on what one run reads (see [`super::Limits`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// `max_file_bytes`: the size of one input file.
    FileBytes,
    /// `max_cells`: non-empty cells over all inputs, and cells of a sheet once made dense.
    Cells,
    /// `max_rows`: rows of one sheet or CSV file.
    Rows,
    /// `max_columns`: columns of one sheet or CSV file.
    Columns,
    /// `max_csv_field_bytes`: one CSV field.
    CsvFieldBytes,
    /// `max_csv_line_bytes`: one CSV record.
    CsvLineBytes,
    /// `max_decompressed_bytes`: what a workbook expands to.
    DecompressedBytes,
}

impl LimitKind {
    /// The name of the [`super::Limits`] field that sets this limit.
    pub fn field(self) -> &'static str {
        match self {
            LimitKind::FileBytes => "max_file_bytes",
            LimitKind::Cells => "max_cells",
            LimitKind::Rows => "max_rows",
            LimitKind::Columns => "max_columns",
            LimitKind::CsvFieldBytes => "max_csv_field_bytes",
            LimitKind::CsvLineBytes => "max_csv_line_bytes",
            LimitKind::DecompressedBytes => "max_decompressed_bytes",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            LimitKind::FileBytes | LimitKind::CsvFieldBytes | LimitKind::CsvLineBytes => "bytes",
            LimitKind::DecompressedBytes => "bytes once decompressed",
            LimitKind::Cells => "cells",
            LimitKind::Rows => "rows",
            LimitKind::Columns => "columns",
        }
    }

    /// The environment variable that sets this limit (see [`super::Limits::from_env`]).
    pub fn env_var(self) -> &'static str {
        super::Limits::ENV_VARS
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, v)| *v)
            .unwrap_or("")
    }

    fn advice(self) -> &'static str {
        match self {
            LimitKind::FileBytes => "split the register into smaller files",
            LimitKind::Cells | LimitKind::Rows | LimitKind::Columns => {
                "look for stray values far below or to the right of the data, split the register"
            }
            LimitKind::CsvFieldBytes | LimitKind::CsvLineBytes => {
                "check the file's quoting (an unclosed quote swallows the rest of the file)"
            }
            LimitKind::DecompressedBytes => {
                "the file may be a zip bomb or hold long repeated text; if it is a real register, open it and save a copy without the stray content"
            }
        }
    }
}

/// A reason the register cannot be read at all. All are fatal: the CLI exits with code 2.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// The same file was given twice.
    #[error("{path} is given more than once")]
    InputTwice { path: String },

    /// Neither the extension nor the content says what kind of file this is.
    #[error(
        "{path}: cannot read files of type \"{extension}\"; a register is .xlsx, .xlsm, .xlsb, .xls, .ods, or .csv/.tsv files"
    )]
    UnsupportedExtension { path: String, extension: String },

    /// The workbook is encrypted.
    #[error("{path} is password-protected: save a copy without a password and audit that")]
    Encrypted { path: String },

    /// The spreadsheet library could not open the workbook.
    #[error(
        "cannot read {path} as a spreadsheet; is it damaged, or saved with the wrong extension?"
    )]
    Workbook {
        path: String,
        #[source]
        source: Box<calamine::Error>,
    },

    /// The spreadsheet library could not read one sheet.
    #[error("cannot read sheet \"{sheet}\" of {path}")]
    Sheet {
        path: String,
        sheet: String,
        #[source]
        source: Box<calamine::Error>,
    },

    /// The CSV reader failed.
    #[error("cannot read {path} as CSV{}", line.map(|l| format!(" (near line {l})")).unwrap_or_default())]
    Csv {
        path: String,
        line: Option<u64>,
        #[source]
        source: csv::Error,
    },

    /// The spreadsheet library panicked on this file (a bug it has on damaged files); caught.
    #[error("cannot read {path}{}: the spreadsheet library failed ({message}); the file is probably damaged — open and re-save it", sheet.as_ref().map(|s| format!(", sheet \"{s}\"")).unwrap_or_default())]
    Panicked {
        path: String,
        sheet: Option<String>,
        message: String,
    },

    /// The file's structure is broken in a way that would make the spreadsheet library loop or
    /// exhaust memory; refused before it is opened.
    #[error(
        "cannot read {path}: the file is damaged ({problem}); open it in the application that made it and save a fresh copy"
    )]
    Damaged { path: String, problem: String },

    /// A limit of [`super::Limits`] was exceeded.
    #[error("{path}{}: {found} {} exceeds the limit of {max} ({}); {}, or raise the limit by setting the environment variable {}", sheet.as_ref().map(|s| format!(", sheet \"{s}\"")).unwrap_or_default(), limit.unit(), limit.field(), limit.advice(), limit.env_var())]
    LimitExceeded {
        path: String,
        sheet: Option<String>,
        limit: LimitKind,
        found: u64,
        max: u64,
    },

    /// An environment variable meant to set a limit is not a whole number.
    #[error("the environment variable {variable} is \"{value}\"; it must be a whole number")]
    BadLimit { variable: String, value: String },

    /// A required table is in none of the inputs.
    #[error("{}", missing_table_message(*.table, .seen, .mapped))]
    MissingTable {
        table: Table,
        /// Per input: its path and the sheet names (for CSV, the file stem) it holds.
        seen: Vec<(String, Vec<String>)>,
        /// The sheet names the mapping file gave for this table, if it gave any.
        mapped: Vec<String>,
    },

    /// Two sheets of one workbook could both be the same table.
    #[error("{path}: sheets {} could each be the {table} table; rename one, or name the one to use in a --mapping file ([sheets] {} = \"…\")", quoted_list(.sheets), table.key())]
    AmbiguousTable {
        path: String,
        table: Table,
        sheets: Vec<String>,
    },

    /// The table's key column is in none of the first ten rows.
    #[error("{}", no_header_message(.path, .sheet, *.table, .first_row, .suggestion))]
    NoHeaderRow {
        path: String,
        sheet: String,
        table: Table,
        /// The non-blank cells of the first non-blank row, as text.
        first_row: Vec<String>,
        /// A heading in the first ten rows close to a `user_id` heading.
        suggestion: Option<String>,
    },

    /// A required column is missing from the header row.
    #[error("{}", missing_column_message(.path, .sheet, *.table, *.field, *.header_row, .headings, .suggestion))]
    MissingColumn {
        path: String,
        sheet: String,
        table: Table,
        field: Field,
        /// 0-based row of the header row.
        header_row: u32,
        /// The headings seen in the header row.
        headings: Vec<String>,
        /// The heading that most likely meant this column.
        suggestion: Option<String>,
    },

    /// The mapping file is not valid TOML.
    #[error("mapping file {path} is not valid TOML")]
    MappingSyntax {
        path: String,
        #[source]
        source: Box<toml::de::Error>,
    },

    /// The mapping file is TOML but says something g8audit cannot use.
    #[error("mapping file {path}: {problem}")]
    MappingInvalid { path: String, problem: String },
}

/// Items as `"a", "b", "c"`; past 20 items, or for an item past 100 characters, shortened so
/// that a hostile file cannot make the message itself enormous.
fn quoted_list(items: &[String]) -> String {
    const MAX_ITEMS: usize = 20;
    const MAX_CHARS: usize = 100;
    let mut parts: Vec<String> = items
        .iter()
        .take(MAX_ITEMS)
        .map(|s| {
            if s.chars().count() > MAX_CHARS {
                format!("\"{}…\"", s.chars().take(MAX_CHARS).collect::<String>())
            } else {
                format!("\"{s}\"")
            }
        })
        .collect();
    if items.len() > MAX_ITEMS {
        parts.push(format!("… ({} more)", items.len() - MAX_ITEMS));
    }
    parts.join(", ")
}

fn missing_table_message(
    table: Table,
    seen: &[(String, Vec<String>)],
    mapped: &[String],
) -> String {
    let mut m = format!("no {} table found", table.name());
    let inputs: Vec<String> = seen
        .iter()
        .map(|(path, sheets)| {
            if sheets.is_empty() {
                format!("{path} (no sheets)")
            } else {
                format!("{path} (sheets {})", quoted_list(sheets))
            }
        })
        .collect();
    if !inputs.is_empty() {
        m.push_str(&format!(" in {}", inputs.join("; ")));
    }
    if mapped.is_empty() {
        let aliases: Vec<String> = table.aliases().iter().map(|a| a.to_string()).collect();
        m.push_str(&format!(
            ". Name a sheet (or a CSV file) {}, or name it in a --mapping file: [sheets] {} = \"…\"",
            aliases
                .iter()
                .map(|a| format!("\"{a}\""))
                .collect::<Vec<_>>()
                .join(" or "),
            table.key()
        ));
    } else {
        m.push_str(&format!(
            ". The mapping file names it {}, and no input has a sheet (or CSV file) of that name",
            quoted_list(mapped)
        ));
    }
    if table == Table::Premises {
        m.push_str(
            ". The Premises table is required because some User is a Supplier Party or Network Party (IS, GS, ED, GT)",
        );
    }
    m
}

fn no_header_message(
    path: &str,
    sheet: &str,
    table: Table,
    first_row: &[String],
    suggestion: &Option<String>,
) -> String {
    let mut m = format!(
        "{path}, sheet \"{sheet}\" ({} table): no header row — none of the first ten rows has a {} column ({})",
        table.name(),
        Field::UserId.key(),
        Field::UserId
            .aliases()
            .iter()
            .take(4)
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if first_row.is_empty() {
        m.push_str("; the sheet is empty");
    } else {
        m.push_str(&format!("; its first row reads {}", quoted_list(first_row)));
    }
    if let Some(s) = suggestion {
        m.push_str(&format!(
            "; did you mean \"{s}\"? Rename it to \"User ID\", or map it in a --mapping file: [columns.{}] user_id = \"{s}\"",
            table.key()
        ));
    }
    m
}

fn missing_column_message(
    path: &str,
    sheet: &str,
    table: Table,
    field: Field,
    header_row: u32,
    headings: &[String],
    suggestion: &Option<String>,
) -> String {
    let mut m = format!(
        "{path}, sheet \"{sheet}\" ({} table): no {} column in the header row (row {}); its headings are {}",
        table.name(),
        field.key(),
        header_row as u64 + 1,
        quoted_list(headings)
    );
    match suggestion {
        Some(s) => m.push_str(&format!(
            "; did you mean \"{s}\"? Rename it to \"{}\", or map it in a --mapping file: [columns.{}] {} = \"{s}\"",
            field.heading(),
            table.key(),
            field.key()
        )),
        None => m.push_str(&format!(
            "; add a \"{}\" column, or map an existing one in a --mapping file: [columns.{}] {} = \"…\"",
            field.heading(),
            table.key(),
            field.key()
        )),
    }
    m
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.field())
    }
}
