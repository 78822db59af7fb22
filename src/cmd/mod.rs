//! The commands: one file each. A command takes what the user typed, runs, and returns an exit
//! code; errors that stop a run are printed here with their cause chain.

mod audit;
mod explain;
mod progress;
mod rules;
mod template;
mod validate;

use std::io::Write;
use std::path::Path;

use crate::cli::{Cli, Command, DateOrderArg, ReadArgs};
use crate::config::ConfigError;
use crate::model::InputIssue;
use crate::register::{self, DateOrder, Limits, Mapping, ReadOptions, ReadOutcome};
use crate::report::workbook::WorkbookError;

/// Exit code: done.
pub const EXIT_OK: i32 = 0;
/// Exit code: done, and findings at or above `--fail-on` (or input issues, for `validate`).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: the input or options could not be used.
pub const EXIT_UNUSABLE: i32 = 2;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Read(#[from] register::ReadError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Workbook(#[from] WorkbookError),
    #[error(transparent)]
    Compare(#[from] crate::report::compare::CompareError),
    #[error("{0}")]
    Usage(String),
}

/// Parses the command line, runs, and returns the exit code.
pub fn main() -> i32 {
    use clap::Parser;
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                EXIT_UNUSABLE
            } else {
                EXIT_OK
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Audit(args) => audit::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Template(args) => template::run(&args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            let mut msg = format!("g8audit: error: {e}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                // thiserror's transparent variants repeat their source's text; skip repeats.
                let text = s.to_string();
                if !msg.contains(&text) {
                    msg.push_str(&format!("\n  caused by: {text}"));
                }
                source = s.source();
            }
            eprintln!("{msg}");
            EXIT_UNUSABLE
        }
    }
}

/// Reads the register of `args`. `keep_cells`: see [`ReadOptions::keep_cells`] (only the
/// annotated workbook needs the cells once the records are built).
pub(crate) fn read(
    args: &ReadArgs,
    today: chrono::NaiveDate,
    keep_cells: bool,
) -> Result<ReadOutcome, RunError> {
    let mapping = match &args.mapping {
        Some(p) => Some(Mapping::load(p)?),
        None => None,
    };
    let opts = ReadOptions {
        date_order: match args.date_order {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        },
        today,
        mapping,
        limits: Limits::from_env()?,
        keep_cells,
    };
    Ok(register::read_register(&args.inputs, &opts)?)
}

pub(crate) fn print_issues(issues: &[InputIssue], inputs: &[crate::model::InputFile]) {
    for i in issues {
        let file = inputs
            .get(i.cell.input as usize)
            .map_or("", |f| f.path.as_str());
        let hint = i
            .suggestion
            .as_ref()
            .map(|s| format!(" — did you mean {s}?"))
            .unwrap_or_default();
        eprintln!("{file}: {} {}: {}{hint}", i.code, i.cell, i.message);
    }
}

/// Writes `text` to a path, or to stdout for `-`. The file is written beside its final name and
/// renamed into place, so a reader never sees half a report.
pub(crate) fn write_output(
    dest: &str,
    inputs: &[crate::model::InputFile],
    bytes: &[u8],
) -> Result<(), RunError> {
    write_output_with(dest, inputs, |out| out.write_all(bytes))
}

/// [`write_output`] for content that `write` produces as it goes (a large JSON report).
pub(crate) fn write_output_with(
    dest: &str,
    inputs: &[crate::model::InputFile],
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), RunError> {
    let err = |source| RunError::Write {
        path: dest.to_string(),
        source,
    };
    if dest == "-" {
        let mut out = std::io::stdout().lock();
        write(&mut out).map_err(err)?;
        return out.flush().map_err(err);
    }
    refuse_input_overwrite(dest, inputs)?;
    let path = Path::new(dest);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    write(tmp.as_file_mut()).map_err(err)?;
    // Readable as the workbook is, not private as a temporary file is made.
    crate::report::workbook::set_permissions(tmp.path(), path).map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

/// Nothing is ever written to an input file (SPEC §1.4, §3.1).
fn refuse_input_overwrite(dest: &str, inputs: &[crate::model::InputFile]) -> Result<(), RunError> {
    let target = std::fs::canonicalize(dest).ok();
    for input in inputs {
        let same = match (&target, std::fs::canonicalize(&input.path).ok()) {
            (Some(a), Some(b)) => *a == b,
            _ => Path::new(dest) == Path::new(&input.path),
        };
        if same {
            return Err(RunError::Usage(format!(
                "refusing to write {dest}: it is one of the inputs, and g8audit never writes to an input"
            )));
        }
    }
    Ok(())
}
