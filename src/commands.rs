//! The commands: each takes what the user typed, runs, and returns an exit code. Errors that stop
//! a run are printed here with their cause chain.

use std::io::Write;
use std::path::Path;

use crate::cli::{
    AuditArgs, Cli, Command, DateOrderArg, FailOn, ReadArgs, RulesArgs, ValidateArgs,
};
use crate::config::{self, ConfigError, LoadedRules};
use crate::model::InputIssue;
use crate::register::{self, DateOrder, Limits, Mapping, ReadOptions, ReadOutcome};
use crate::report;
use crate::rules::findings::Severity;
use crate::rules::{self, AuditParams};

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
        Command::Audit(args) => audit(&args),
        Command::Validate(args) => validate(&args),
        Command::Rules(args) => print_rules(&args),
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

fn read(args: &ReadArgs, today: chrono::NaiveDate) -> Result<ReadOutcome, RunError> {
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
    };
    Ok(register::read_register(&args.inputs, &opts)?)
}

fn print_issues(issues: &[InputIssue], inputs: &[crate::model::InputFile]) {
    for i in issues {
        let file = inputs.get(i.cell.input).map_or("", |f| f.path.as_str());
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
fn write_output(
    dest: &str,
    inputs: &[crate::model::InputFile],
    bytes: &[u8],
) -> Result<(), RunError> {
    let err = |source| RunError::Write {
        path: dest.to_string(),
        source,
    };
    if dest == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(bytes).map_err(err)?;
        return out.flush().map_err(err);
    }
    refuse_input_overwrite(dest, inputs)?;
    let path = Path::new(dest);
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
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

fn audit(args: &AuditArgs) -> Result<i32, RunError> {
    let today = config::today()?;
    let as_of = match &args.as_of {
        Some(v) => config::parse_as_of(v)?,
        None => today,
    };
    if let Some(n) = args.threads {
        if n == 0 || n > 1024 {
            return Err(ConfigError::BadThreads(n).into());
        }
        // A second build in one process (tests) keeps the first pool: harmless.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    let LoadedRules { rules, .. } = config::load_rules(args.read.rules.as_deref())?;
    let outcome = read(&args.read, today)?;
    if !args.quiet {
        print_issues(&outcome.issues, &outcome.register.inputs);
    }
    let params = AuditParams {
        as_of,
        warn_days: i64::from(args.warn_days),
        stale_days: i64::from(args.stale_days),
    };
    let audit = rules::audit(&outcome.register, &rules, &params);
    let inputs = &outcome.register.inputs;
    if let Some(dest) = &args.json {
        let report = report::json::report(&audit, inputs, &outcome.issues);
        write_output(dest, inputs, report::json::to_string(&report).as_bytes())?;
    }
    if let Some(dest) = &args.findings_csv {
        let mut bytes = Vec::new();
        report::csv::write_findings(&audit, &mut bytes).map_err(|e| RunError::Write {
            path: dest.clone(),
            source: std::io::Error::other(e),
        })?;
        write_output(dest, inputs, &bytes)?;
    }
    let to_stdout = args.json.as_deref() == Some("-") || args.findings_csv.as_deref() == Some("-");
    if !args.quiet {
        let text = report::text::summary(&audit, outcome.issues.len(), 20);
        if args.json.is_none() && args.findings_csv.is_none() {
            print!("{text}");
        } else if !to_stdout {
            eprint!("{text}");
        }
    }
    let threshold = args.fail_on.map(|f| match f {
        FailOn::Breach => Severity::Breach,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
    });
    let failed = threshold.is_some_and(|t| audit.findings.iter().any(|f| f.severity() >= t));
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

fn validate(args: &ValidateArgs) -> Result<i32, RunError> {
    let today = config::today()?;
    config::load_rules(args.read.rules.as_deref())?;
    let outcome = read(&args.read, today)?;
    let r = &outcome.register;
    if !args.quiet {
        print_issues(&outcome.issues, &r.inputs);
        println!(
            "g8audit: {} Users, {} Premises snapshots, {} Assessments read; {} input issue{}",
            r.users.len(),
            r.premises.len(),
            r.assessments.len(),
            outcome.issues.len(),
            if outcome.issues.len() == 1 { "" } else { "s" }
        );
    }
    Ok(if outcome.issues.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    })
}

fn print_rules(args: &RulesArgs) -> Result<i32, RunError> {
    let loaded = config::load_rules(args.rules.as_deref())?;
    print!("{}", loaded.text);
    Ok(EXIT_OK)
}
