//! The annotated workbook (SPEC §3.1) and the blank register template.
//!
//! The workbook is what the SSC secretariat opens after a run: a Summary with charts, the
//! Findings and the Schedule, the Forecast of demand, every input sheet with the tool's notes
//! appended, the refused input values, and an About sheet that says how the numbers were made. It
//! is also a register: auditing it again with the same options gives the same schedules and
//! findings, because the appended columns (`g8audit: …`) and added sheets are ignored on input.
//!
//! This module only lays out what the [`Audit`](crate::rules::Audit) concluded: it decides no
//! rule, and its counts are the JSON report's ([`crate::report::json::summary`]). One file per
//! sheet; `sheet` writes rows (strictly in order, so large sheets can stream to disk), `names`
//! places the input sheets and builds the links to their cells, `styles` holds the colours.
//!
//! The sheets are written on rayon's threads: the report sheets by one task, each input sheet by
//! a task of its own. Large sheets stream to temporary files, and each is deflated on the thread
//! that wrote it, in a zip of its own, then spliced into the workbook's zip (`assemble`: saving
//! the workbook whole deflates on one thread). The file is written beside the output under a
//! temporary name and renamed into place, so a failure never leaves a half-written workbook; an
//! output that is one of the inputs is refused. Nothing depends on the clock or on the threads:
//! the same audit gives the same bytes.

mod about;
mod assemble;
mod changes;
mod findings;
mod forecast;
mod inputs;
mod issues;
mod names;
mod schedule;
mod sheet;
mod styles;
mod summary;
mod template;

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::config::LoadedRules;
use crate::model::InputFile;
use crate::register::ReadOutcome;
use crate::report::compare::Changes;
use crate::report::json;
use crate::rules::Audit;

pub use names::internal_link;
pub use sheet::EXCEL_MAX_ROWS;

use assemble::{Apart, Slot};
use names::{Names, SheetMap, is_csv_path, preferred_name};
use sheet::{Part, Prepared};
use styles::Styles;

/// The deflate level of the output's zip container (1 fastest … 9 smallest).
pub const ZIP_COMPRESSION_LEVEL: u8 = 1;

/// Everything the workbook shows.
pub struct WorkbookInput<'a> {
    /// What the rules concluded.
    pub audit: &'a Audit,
    /// The register as read: the typed records, the input issues and every input sheet.
    pub outcome: &'a ReadOutcome,
    /// The rules in force (shown on About).
    pub rules: &'a LoadedRules,
    /// The options of the run, for About, e.g. `("--as-of", "2026-11-01")`.
    pub options: Vec<(String, String)>,
    /// `--warn-days`: the due-soon window, named on the Summary.
    pub warn_days: i64,
    /// With `--compare-to`: the comparison with last month's report (a Changes sheet after the
    /// Forecast, and a Change column on Findings).
    pub changes: Option<&'a Changes>,
}

/// Bounds of the output; the defaults are Excel's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// Most rows in one worksheet; a longer table continues on `Name (2)` … (at least 2).
    pub max_rows_per_sheet: u32,
}

impl Default for WorkbookLimits {
    fn default() -> Self {
        WorkbookLimits {
            max_rows_per_sheet: EXCEL_MAX_ROWS,
        }
    }
}

/// Why the workbook (or template) was not written. Each names the output path; no partial file
/// is left behind.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// The output path is one of the register's inputs (SPEC §1.4: nothing is written to an input).
    #[error(
        "refusing to write {}: it is the input {input}, and g8audit never writes to an input",
        out.display()
    )]
    OutputIsInput { out: PathBuf, input: String },
    /// rust_xlsxwriter could not build the workbook.
    #[error("cannot build the workbook {}: {source}", path.display())]
    Xlsx {
        path: PathBuf,
        #[source]
        source: XlsxError,
    },
    /// The file could not be created, written or renamed into place.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Writes the annotated workbook to `out` (SPEC §3.1).
///
/// # Errors
/// [`WorkbookError::OutputIsInput`] when `out` is one of the register's inputs;
/// [`WorkbookError::Xlsx`] when the workbook cannot be built; [`WorkbookError::Io`] when the file
/// cannot be written. In every case no file is left at `out` (an existing one is untouched).
///
/// # Examples
/// ```no_run
/// # use g8audit::report::workbook::{WorkbookInput, write_workbook};
/// # fn run(audit: &g8audit::rules::Audit, outcome: &g8audit::register::ReadOutcome,
/// #        rules: &g8audit::config::LoadedRules) -> Result<(), Box<dyn std::error::Error>> {
/// let input = WorkbookInput {
///     audit,
///     outcome,
///     rules,
///     options: vec![("--as-of".into(), "2026-11-01".into())],
///     warn_days: 90,
///     changes: None,
/// };
/// write_workbook(&input, std::path::Path::new("audit.xlsx"))?;
/// # Ok(()) }
/// ```
pub fn write_workbook(input: &WorkbookInput<'_>, out: &Path) -> Result<(), WorkbookError> {
    write_workbook_with(input, out, &WorkbookLimits::default())
}

/// [`write_workbook`] with other bounds (tests use a small row limit to exercise the splitting
/// of long sheets).
///
/// # Errors
/// As [`write_workbook`].
pub fn write_workbook_with(
    input: &WorkbookInput<'_>,
    out: &Path,
    limits: &WorkbookLimits,
) -> Result<(), WorkbookError> {
    refuse_input(out, &input.outcome.register.inputs)?;
    let Built {
        mut workbook,
        apart,
    } = build_workbook(input, limits, true).map_err(|source| WorkbookError::Xlsx {
        path: out.to_path_buf(),
        source,
    })?;
    save_with(out, |file| {
        assemble::write(&mut workbook, apart, std::io::BufWriter::new(file))?
            .into_inner()
            .map_err(|e| XlsxError::IoError(e.into_error()))?;
        Ok(())
    })
}

/// Writes the blank register template (`g8audit template -o register.xlsx`).
///
/// # Errors
/// [`WorkbookError::Xlsx`] or [`WorkbookError::Io`], naming `out`; no partial file is left.
pub fn write_template(out: &Path) -> Result<(), WorkbookError> {
    let mut wb = template::build().map_err(|source| WorkbookError::Xlsx {
        path: out.to_path_buf(),
        source,
    })?;
    save_with(out, |file| wb.save_to_writer(file))
}

/// The sheets of the output and their parts, in order.
struct Plan {
    summary: String,
    findings: Vec<Part>,
    schedule: Vec<Part>,
    forecast: String,
    /// The Changes sheet's parts (none without `--compare-to`).
    changes: Vec<Part>,
    /// (index into `outcome.sheets`, its parts), for the input sheets copied.
    inputs: Vec<(usize, Vec<Part>)>,
    issues: Vec<Part>,
    about: String,
}

/// What every sheet writer may look at.
struct Ctx<'a> {
    input: &'a WorkbookInput<'a>,
    plan: Plan,
    /// Where each input sheet went.
    map: SheetMap,
    /// The JSON report's counts.
    summary: json::Summary,
    /// Looked up for every finding row (FxHash, as the records key their ids).
    user_names: rustc_hash::FxHashMap<&'a str, &'a str>,
}

impl Ctx<'_> {
    fn audit(&self) -> &Audit {
        self.input.audit
    }

    fn user_name(&self, user_id: &str) -> Option<&str> {
        self.user_names.get(user_id).copied()
    }

    /// A link to the Schedule row of schedule `i`.
    fn schedule_link(&self, i: usize) -> Option<String> {
        let row = i as u32 + 1;
        let part = self
            .plan
            .schedule
            .iter()
            .find(|p| row >= p.first && row < p.end)?;
        Some(internal_link(&part.name, part.out_row(row), 0))
    }
}

fn plan(input: &WorkbookInput<'_>, limits: &WorkbookLimits) -> (Plan, SheetMap) {
    let max = limits.max_rows_per_sheet;
    let audit = input.audit;
    let outcome = input.outcome;
    let mut names = Names::new();
    let summary = names.take("Summary");
    let findings = names.plan("Findings", audit.findings.len() as u32 + 1, Some(0), max);
    let schedule = names.plan("Schedule", audit.schedules.len() as u32 + 1, Some(0), max);
    let forecast = names.take("Forecast");
    let changes = match input.changes {
        Some(c) => names.plan("Changes", changes::row_count(c), None, max),
        None => Vec::new(),
    };
    let mut map = SheetMap::default();
    let mut inputs = Vec::new();
    for (i, sheet) in outcome.sheets.iter().enumerate() {
        // Sheets an earlier run added (Summary, Findings …) are replaced by this run's.
        if sheet.is_tool_sheet() {
            continue;
        }
        let from_csv = outcome
            .register
            .inputs
            .get(sheet.input)
            .is_some_and(|f| is_csv_path(&f.path));
        let parts = names.plan(
            &preferred_name(sheet, from_csv),
            sheet.row_count() as u32,
            sheet.header_row,
            max,
        );
        map.insert(sheet.input, &sheet.name, parts.clone());
        inputs.push((i, parts));
    }
    let issues = names.plan(
        "Input issues",
        outcome.issues.len() as u32 + 1,
        Some(0),
        max,
    );
    let about = names.take("About");
    (
        Plan {
            summary,
            findings,
            schedule,
            forecast,
            changes,
            inputs,
            issues,
            about,
        },
        map,
    )
}

/// The annotated workbook, every sheet built: the workbook, and the sheets saved apart from it
/// ([`assemble`]) with their places among its worksheets.
struct Built {
    workbook: Workbook,
    apart: Vec<(usize, Apart)>,
}

/// Builds the annotated workbook in memory (and, for streamed sheets, temporary files). With
/// `apart`, each streamed sheet is saved into a zip of its own as soon as it is written, on the
/// thread that wrote it, and an empty stand-in takes its place in the workbook ([`assemble`]);
/// without, every sheet is in the workbook (the tests compare the two).
///
/// # Errors
/// Whatever rust_xlsxwriter refuses.
fn build_workbook(
    input: &WorkbookInput<'_>,
    limits: &WorkbookLimits,
    apart: bool,
) -> Result<Built, XlsxError> {
    let (plan, map) = plan(input, limits);
    let ctx = Ctx {
        input,
        plan,
        map,
        summary: json::summary(input.audit, input.outcome.issues.len()),
        user_names: input
            .outcome
            .register
            .users
            .iter()
            .filter_map(|u| u.name.as_deref().map(|n| (u.user_id.as_str(), n)))
            .collect(),
    };
    let mut wb = Workbook::new();
    // Deflate dominates the time to write (most of a workbook is XML text); level 1 is several
    // times faster than the default 6 for files about a fifth larger.
    wb.set_zip_compression_level(ZIP_COMPRESSION_LEVEL);
    wb.set_properties(&properties(
        &format!("g8audit: SEC G8 audit as of {}", input.audit.as_of),
        input.audit.as_of,
    )?);
    let mut styles = Styles::new();
    // The report sheets are written one after the other by one task, the input sheets (most of
    // the cells) by a task each, on rayon's threads. Their streamed worksheets are made here,
    // since only the workbook can make a constant-memory worksheet. Every format the copies can
    // use is registered first and the copies only look formats up, so that the workbook's format
    // table comes out in the same order whatever the threads do: after these, only the report
    // task adds formats, in the order it first uses them.
    styles.register(&mut wb, &inputs::formats());
    let plan = &ctx.plan;
    // One book per report writer (in the order of the plan), so that they can be written in any
    // order and still come out in the plan's.
    let mut book = |streamed: usize| Prepared::new(&mut wb, streamed, apart);
    let (mut summary, mut findings, mut schedule, mut forecast) = (
        book(0)?,
        book(plan.findings.len())?,
        book(plan.schedule.len())?,
        book(0)?,
    );
    let (mut changes, mut issues, mut about) = (
        book(plan.changes.len())?,
        book(plan.issues.len())?,
        book(0)?,
    );
    let mut copies = plan
        .inputs
        .iter()
        .map(|(_, parts)| Prepared::new(&mut wb, parts.len(), apart))
        .collect::<Result<Vec<_>, _>>()?;
    let frozen = styles.frozen();
    let mut copied: Vec<Result<(), XlsxError>> = plan.inputs.iter().map(|_| Ok(())).collect();
    let mut reported = Ok(());
    // Largest first, so that the last to finish is a small one; each thread takes the next
    // task when it is free (FIFO).
    let mut order: Vec<usize> = (0..copies.len()).collect();
    order.sort_by_key(|&k| {
        std::cmp::Reverse(ctx.input.outcome.sheets[plan.inputs[k].0].cell_count())
    });
    rayon::scope_fifo(|s| {
        let ctx = &ctx;
        let reported = &mut reported;
        let books = (
            &mut summary,
            &mut findings,
            &mut schedule,
            &mut forecast,
            &mut changes,
            &mut issues,
            &mut about,
        );
        s.spawn_fifo(move |_| {
            let (summary, findings, schedule, forecast, changes, issues, about) = books;
            *reported = (|| -> Result<(), XlsxError> {
                // The streamed sheets first, each saved apart as soon as it is written; the
                // Summary, kept whole in memory until the workbook is saved, last.
                findings::write(findings, ctx, &mut styles)?;
                schedule::write(schedule, ctx, &mut styles)?;
                if let Some(c) = ctx.input.changes {
                    changes::write(changes, ctx, c, &mut styles)?;
                }
                issues::write(issues, ctx, &mut styles)?;
                forecast::write(forecast, ctx, &mut styles)?;
                about::write(about, ctx, &mut styles)?;
                summary::write(summary, ctx, &mut styles)
            })();
        });
        let mut tasks: Vec<_> = copies.iter_mut().zip(copied.iter_mut()).map(Some).collect();
        for k in order {
            let Some((book, result)) = tasks[k].take() else {
                continue;
            };
            let (idx, parts) = &ctx.plan.inputs[k];
            let mut styles = frozen.frozen();
            s.spawn_fifo(move |_| {
                let sheet = &ctx.input.outcome.sheets[*idx];
                *result = inputs::write_sheet(book, ctx, &mut styles, sheet, parts);
            });
        }
    });
    reported?;
    copied.into_iter().collect::<Result<(), _>>()?;
    // The sheets in the order of the plan: Summary, Findings, Schedule, Forecast, Changes, the
    // input sheets, Input issues, About.
    let mut slots: Vec<Slot> = Vec::new();
    for book in [summary, findings, schedule, forecast, changes] {
        slots.extend(book.into_done());
    }
    for book in copies {
        slots.extend(book.into_done());
    }
    for book in [issues, about] {
        slots.extend(book.into_done());
    }
    let mut apart = Vec::new();
    for (k, slot) in slots.into_iter().enumerate() {
        match slot {
            Slot::Whole(ws) => wb.push_worksheet(*ws),
            Slot::Apart(a) => {
                wb.push_worksheet(a.stand_in.worksheet()?);
                apart.push((k, a));
            }
        }
    }
    Ok(Built {
        workbook: wb,
        apart,
    })
}

/// Fixed document properties, so the same audit gives the same bytes: created on the audit date
/// at midnight (never "now"), by g8audit.
fn properties(title: &str, date: chrono::NaiveDate) -> Result<DocProperties, XlsxError> {
    use chrono::Datelike;
    let year = u16::try_from(date.year().clamp(1900, 9999)).unwrap_or(1900);
    let created = ExcelDateTime::from_ymd(year, date.month() as u8, date.day() as u8)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("g8audit")
        .set_comment(format!("written by g8audit {}", env!("CARGO_PKG_VERSION")))
        .set_creation_datetime(&created))
}

/// SPEC §1.4, §3.1: the output may not be one of the inputs.
fn refuse_input(out: &Path, inputs: &[InputFile]) -> Result<(), WorkbookError> {
    let target = canonical_target(out);
    for input in inputs {
        let path = Path::new(&input.path);
        let same = match (&target, std::fs::canonicalize(path)) {
            (Some(t), Ok(p)) => *t == p || same_file(out, path),
            _ => out == path,
        };
        if same {
            return Err(WorkbookError::OutputIsInput {
                out: out.to_path_buf(),
                input: input.path.clone(),
            });
        }
    }
    Ok(())
}

/// The canonical path `out` will have: the file's own if it exists, else its directory's plus its
/// name.
pub(crate) fn canonical_target(out: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(out) {
        return Some(p);
    }
    let name = out.file_name()?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = std::fs::canonicalize(dir.unwrap_or(Path::new("."))).ok()?;
    Some(dir.join(name))
}

/// True when both paths exist and are the same file (hard links included).
#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &Path) -> bool {
    false
}

/// Writes the workbook with `write` to a temporary file beside `out`, then renames it into place.
fn save_with(
    out: &Path,
    write: impl FnOnce(&mut std::fs::File) -> Result<(), XlsxError>,
) -> Result<(), WorkbookError> {
    let io = |source| WorkbookError::Io {
        path: out.to_path_buf(),
        source,
    };
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".g8audit-")
        .suffix(".xlsx.part")
        .tempfile_in(dir)
        .map_err(io)?;
    write(tmp.as_file_mut()).map_err(|source| WorkbookError::Xlsx {
        path: out.to_path_buf(),
        source,
    })?;
    tmp.as_file().sync_all().map_err(io)?;
    set_permissions(tmp.path(), out).map_err(io)?;
    tmp.persist(out).map_err(|e| io(e.error))?;
    Ok(())
}

/// A temporary file is private to its owner; a report written through one gets the permissions
/// of the file it replaces, or the usual ones for a new file.
#[cfg(unix)]
pub(crate) fn set_permissions(tmp: &Path, out: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let perms = match std::fs::metadata(out) {
        Ok(m) => m.permissions(),
        Err(_) => std::fs::Permissions::from_mode(0o644),
    };
    std::fs::set_permissions(tmp, perms)
}

#[cfg(not(unix))]
pub(crate) fn set_permissions(_: &Path, _: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};
    use std::path::Path;

    use chrono::NaiveDate;
    use zip::ZipArchive;

    use super::*;
    use crate::config::load_rules;
    use crate::register::{ReadOptions, read_register};
    use crate::report::compare;
    use crate::rules::{AuditParams, audit};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A zip's entries, in order: (name, inflated bytes).
    type Entries = Vec<(String, Vec<u8>)>;

    /// Every entry of a zip.
    fn entries(zip: Vec<u8>) -> Result<Entries, Box<dyn std::error::Error>> {
        let mut archive = ZipArchive::new(Cursor::new(zip))?;
        let mut out = Vec::new();
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i)?;
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes)?;
            out.push((entry.name()?.to_string(), bytes));
        }
        Ok(out)
    }

    /// The sample register as read on 2026-11-01 (the audit date of the tests), and the rules.
    fn sample() -> Result<(NaiveDate, LoadedRules, ReadOutcome), Box<dyn std::error::Error>> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let as_of = NaiveDate::from_ymd_opt(2026, 11, 1).ok_or("date")?;
        let rules = load_rules(None)?;
        let outcome = read_register(
            &[root.join("fixtures/sample/register.xlsx")],
            &ReadOptions::new(as_of),
        )?;
        Ok((as_of, rules, outcome))
    }

    /// The `s` (style index) of cell `cell` in a worksheet's XML; 0 when it has none.
    fn style_of(sheet: &str, cell: &str) -> Option<usize> {
        let start = sheet.find(&format!("<c r=\"{cell}\""))?;
        let tag = &sheet[start..start + sheet[start..].find('>')?];
        Some(match tag.find(" s=\"") {
            Some(i) => tag[i + 4..].split('"').next()?.parse().ok()?,
            None => 0,
        })
    }

    /// The fill of each cell format (`fillId` of each `<xf>` in `cellXfs`), by style index.
    fn fills(styles: &str) -> Vec<usize> {
        let Some(xfs) = styles.split("<cellXfs").nth(1) else {
            return Vec::new();
        };
        let xfs = xfs.split("</cellXfs>").next().unwrap_or_default();
        xfs.split("<xf ")
            .skip(1)
            .map(|xf| {
                xf.split("fillId=\"")
                    .nth(1)
                    .and_then(|f| f.split('"').next()?.parse().ok())
                    .unwrap_or(0)
            })
            .collect()
    }

    /// SPEC §3.1: the severity cell of a finding is coloured, the rest of its row is not.
    #[test]
    fn findings_colour_the_severity_cell_only_spec_3_1() -> TestResult {
        let (as_of, rules, outcome) = sample()?;
        let params = AuditParams {
            as_of,
            warn_days: 90,
            stale_days: 45,
            annotate: true,
        };
        let now = audit(&outcome.register, &rules.rules, &params);
        let first = now.findings.iter().next().ok_or("a finding")?;
        assert_eq!(first.severity().as_str(), "warning");
        let input = WorkbookInput {
            audit: &now,
            outcome: &outcome,
            rules: &rules,
            options: Vec::new(),
            warn_days: 90,
            changes: None,
        };
        let mut built = build_workbook(&input, &WorkbookLimits::default(), false)?;
        let files = entries(built.workbook.save_to_buffer()?)?;
        let text = |name: &str| {
            files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
                .ok_or(format!("no {name}"))
        };
        // Findings is the second sheet.
        let (sheet, styles) = (text("xl/worksheets/sheet2.xml")?, text("xl/styles.xml")?);
        let fills = fills(&styles);
        let fill = |cell: &str| {
            style_of(&sheet, cell)
                .and_then(|s| fills.get(s).copied())
                .ok_or(format!("no style for {cell}"))
        };
        assert_ne!(fill("A2")?, 0, "the severity cell is coloured");
        for cell in ["B2", "C2", "D2", "I2"] {
            assert_eq!(fill(cell)?, 0, "{cell} is not coloured");
        }
        Ok(())
    }

    /// Saving each streamed sheet apart and splicing it into the workbook's zip
    /// ([`assemble`]) gives the workbook rust_xlsxwriter saves whole: the same entries, in the
    /// same order, each inflating to the same bytes. On the sample register, with every kind of
    /// sheet: continuation sheets (`Premises (2)` …, a small row limit), and a Changes sheet.
    #[test]
    fn sheets_saved_apart_make_the_same_workbook_as_one_save() -> TestResult {
        let (as_of, rules, outcome) = sample()?;
        let params = |as_of| AuditParams {
            as_of,
            warn_days: 90,
            stale_days: 45,
            annotate: true,
        };
        // Last month's report, for a Changes sheet.
        let before = audit(
            &outcome.register,
            &rules.rules,
            &params(NaiveDate::from_ymd_opt(2026, 10, 1).ok_or("date")?),
        );
        let report = json::report(&before, &outcome.register.inputs, &outcome.issues);
        let previous = compare::parse(json::to_string(&report).as_bytes(), Path::new("prev.json"))?;
        let now = audit(&outcome.register, &rules.rules, &params(as_of));
        let changes = compare::compare(&previous, &now);
        let input = WorkbookInput {
            audit: &now,
            outcome: &outcome,
            rules: &rules,
            options: vec![("--as-of".into(), as_of.to_string())],
            warn_days: 90,
            changes: Some(&changes),
        };
        let limits = WorkbookLimits {
            max_rows_per_sheet: 40,
        };

        let mut whole = build_workbook(&input, &limits, false)?;
        assert!(whole.apart.is_empty());
        let whole = entries(whole.workbook.save_to_buffer()?)?;

        let built = build_workbook(&input, &limits, true)?;
        let Built {
            mut workbook,
            apart,
        } = built;
        let saved_apart = apart.len();
        let spliced = assemble::write(&mut workbook, apart, Cursor::new(Vec::new()))?;
        let spliced = entries(spliced.into_inner())?;

        // Findings, Schedule, Changes, every input copy and Input issues, over several sheets.
        assert!(saved_apart > 10, "{saved_apart} sheets saved apart");
        let names = |e: &[(String, Vec<u8>)]| e.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&spliced), names(&whole));
        for ((name, a), (_, b)) in spliced.iter().zip(&whole) {
            assert!(a == b, "{name} differs");
        }
        Ok(())
    }
}
