//! `g8audit audit REGISTER…`: the main job.

use std::path::Path;

use super::progress::Progress;
use super::{
    EXIT_FINDINGS, EXIT_OK, RunError, print_issues, read, write_output, write_output_with,
};
use crate::cli::{AuditArgs, FailOn};
use crate::config::{self, ConfigError};
use crate::report;
use crate::report::compare;
use crate::report::workbook::{WorkbookInput, canonical_target, write_workbook};
use crate::rules::findings::Severity;
use crate::rules::{self, AuditParams};

/// `g8audit audit`: read, audit, write the reports asked for.
pub fn run(args: &AuditArgs) -> Result<i32, RunError> {
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
    refuse_shared_destinations(args)?;
    let loaded = config::load_rules(args.read.rules.as_deref())?;
    // Last month's report is checked before the register is read, so a wrong file fails fast.
    let previous = match &args.compare_to {
        Some(p) => Some(compare::load(p)?),
        None => None,
    };
    let rules = &loaded.rules;
    let mut progress = Progress::new(args.quiet);
    progress.stage(
        "read",
        format!("reading {} input file(s)", args.read.inputs.len()),
    );
    // The raw cells are only copied into the workbook; without one each table's are freed as
    // soon as its records are built, before the rules need the memory.
    let outcome = read(&args.read, today, args.output.is_some())?;
    if !args.quiet {
        print_issues(&outcome.issues, &outcome.register.inputs);
    }
    let params = AuditParams {
        as_of,
        warn_days: i64::from(args.warn_days),
        stale_days: i64::from(args.stale_days),
        // Only the annotated workbook shows what each row was used for.
        annotate: args.output.is_some(),
    };
    progress.stage(
        "rules",
        format!("auditing {} Users", outcome.register.users.len()),
    );
    let audit = rules::audit(&outcome.register, rules, &params);
    progress.stage(
        "write",
        format!(
            "writing {} schedules and {} findings",
            audit.schedules.len(),
            audit.findings.len()
        ),
    );
    let changes = previous.as_ref().map(|p| compare::compare(p, &audit));
    if let Some(p) = &previous
        && p.as_of > as_of
        && !args.quiet
    {
        eprintln!(
            "g8audit: note: {} is as of {}, later than this audit ({as_of}): \"new\" and \
             \"resolved\" are relative to that later report",
            p.path, p.as_of
        );
    }
    let inputs = &outcome.register.inputs;
    // The workbook is built and saved on rayon's threads (each large sheet deflated on the
    // thread that wrote it); the JSON report is written meanwhile, as one more task. A failure to
    // build the workbook does not stop the JSON report; errors are reported the JSON's first.
    let workbook = || {
        args.output
            .as_ref()
            .map(|out| {
                let input = WorkbookInput {
                    audit: &audit,
                    outcome: &outcome,
                    rules: &loaded,
                    options: options(args, as_of),
                    warn_days: params.warn_days,
                    changes: changes.as_ref(),
                };
                write_workbook(&input, out)
            })
            .transpose()
    };
    let json = || -> Result<(), RunError> {
        let Some(dest) = &args.json else {
            return Ok(());
        };
        let mut report = report::json::report(&audit, inputs, &outcome.issues);
        if let Some(c) = &changes {
            report = report.with_changes(c);
        }
        write_output_with(dest, inputs, |out| report::json::write(&report, out))
    };
    let (json, saved) = rayon::join(json, workbook);
    json?;
    saved?;
    if let Some(dest) = &args.findings_csv {
        let mut bytes = Vec::new();
        report::csv::write_findings(&audit, &mut bytes).map_err(|e| RunError::Write {
            path: dest.clone(),
            source: std::io::Error::other(e),
        })?;
        write_output(dest, inputs, &bytes)?;
    }
    progress.finish();
    let to_stdout = args.json.as_deref() == Some("-") || args.findings_csv.as_deref() == Some("-");
    if !args.quiet {
        let mut text = report::text::summary(&audit, outcome.issues.len(), 20);
        if let Some(c) = &changes {
            text.push_str(&c.summary_line());
            text.push('\n');
        }
        if args.json.is_none() && args.findings_csv.is_none() && args.output.is_none() {
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
    // Everything is written: the process exits next, and the operating system takes the memory
    // back at once, where freeing the register and the audit block by block took seconds.
    std::mem::forget(outcome);
    std::mem::forget(audit);
    Ok(if failed { EXIT_FINDINGS } else { EXIT_OK })
}

/// Each report needs a file of its own: the workbook and the JSON report are written side by
/// side, and two reports renamed onto one path would leave whichever came last.
fn refuse_shared_destinations(args: &AuditArgs) -> Result<(), RunError> {
    let named = [
        ("-o", args.output.as_deref()),
        ("--json", report_file(args.json.as_deref())),
        ("--findings-csv", report_file(args.findings_csv.as_deref())),
    ];
    let named: Vec<(&str, &Path)> = named
        .into_iter()
        .filter_map(|(flag, p)| p.map(|p| (flag, p)))
        .collect();
    for (i, (a, pa)) in named.iter().enumerate() {
        for (b, pb) in &named[i + 1..] {
            if destination(pa) == destination(pb) {
                return Err(RunError::Usage(format!(
                    "{a} and {b} both name {}: give each report a file of its own",
                    pa.display()
                )));
            }
        }
    }
    Ok(())
}

/// A report's file, unless it goes to standard output (`-`).
fn report_file(dest: Option<&str>) -> Option<&Path> {
    dest.filter(|d| *d != "-").map(Path::new)
}

/// Where `dest` will be written (see [`canonical_target`]), or `dest` itself when that cannot be
/// worked out.
fn destination(dest: &Path) -> std::path::PathBuf {
    canonical_target(dest).unwrap_or_else(|| dest.to_path_buf())
}

/// The options of the run, as the About sheet lists them.
fn options(args: &AuditArgs, as_of: chrono::NaiveDate) -> Vec<(String, String)> {
    let path = |p: &Path| p.display().to_string();
    let mut o = vec![
        ("--as-of".to_string(), as_of.to_string()),
        ("--warn-days".to_string(), args.warn_days.to_string()),
        ("--stale-days".to_string(), args.stale_days.to_string()),
        (
            "--date-order".to_string(),
            format!("{:?}", args.read.date_order).to_lowercase(),
        ),
    ];
    if let Some(r) = &args.read.rules {
        o.push(("--rules".into(), path(r)));
    }
    if let Some(m) = &args.read.mapping {
        o.push(("--mapping".into(), path(m)));
    }
    if let Some(c) = &args.compare_to {
        o.push(("--compare-to".into(), path(c)));
    }
    o
}
