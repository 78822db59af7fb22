//! The Summary sheet: the audit on one page for the SSC pack.
//!
//! Top: the audit date, the rule versions applied and the headline counts. Then the counts by
//! status, severity, finding code and category (the JSON report's numbers, via
//! [`crate::report::json::summary`]) with two charts that read those cells, what was set aside,
//! and last the "needs attention" list: every schedule that is overdue, booked late, due soon,
//! entry-incomplete or undetermined, most urgent first, with the reason, linked to its Schedule
//! row.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartPoint, ChartSolidFill, ChartType, Color, XlsxError,
};

use crate::rules::counts::Category;
use crate::rules::findings::{FindingCode, Severity};
use crate::rules::schedule::Status;

use super::Ctx;
use super::sheet::{Book, Cell, Mode, SheetOut};
use super::styles::{STATUS_BY_URGENCY, Styles, Tone, severity_tone, status_tone, urgency};

/// Longest explanation shown in the needs-attention list; the Schedule sheet has it whole.
const MAX_WHY: usize = 400;
/// Pixels in a row of the default height.
const ROW_PX: u32 = 20;

/// A chart bar's colour for a tone (stronger than the cell fills).
fn bar_colour(tone: Tone) -> u32 {
    match tone {
        Tone::Red => 0xC00000,
        Tone::Amber => 0xFFC000,
        Tone::Blue => 0x5B9BD5,
        Tone::Green => 0x70AD47,
        Tone::Grey | Tone::None => 0xA5A5A5,
    }
}

fn point(tone: Tone) -> ChartPoint {
    ChartPoint::new().set_format(ChartSolidFill::new().set_color(Color::RGB(bar_colour(tone))))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let name = ctx.plan.summary.clone();
    let mut s = SheetOut::new(wb, &name, Mode::InMemory)?;
    let audit = ctx.audit();
    let sum = &ctx.summary;

    s.push(
        &[
            Cell::text("SEC Section G8 User Security Assessments: audit summary")
                .with(|st| st.title = true),
        ],
        styles,
    )?;
    s.skip(1);
    let label = |t: &str| Cell::text(t).bold();
    s.push(&[label("Audit date"), Cell::date(audit.as_of)], styles)?;
    let versions = if sum.rules_versions.is_empty() {
        "none (no category was determined)".to_string()
    } else {
        sum.rules_versions
            .iter()
            .map(|(v, n)| format!("{v} ({})", plural(*n, "schedule", "schedules")))
            .collect::<Vec<_>>()
            .join("; ")
    };
    s.push(
        &[
            label("Rule versions applied"),
            Cell::text(versions).overflow(),
        ],
        styles,
    )?;
    s.push(
        &[label("Users audited"), Cell::int(sum.users as i64)],
        styles,
    )?;
    s.push(
        &[
            label("Schedules (User × regime)"),
            Cell::int(sum.schedules as i64),
        ],
        styles,
    )?;
    let by_sev = |sev: Severity| sum.by_severity.get(sev.as_str()).copied().unwrap_or(0);
    s.push(
        &[
            label("Findings"),
            Cell::int(audit.findings.len() as i64),
            Cell::text(format!(
                "{} breach, {} warning, {} info",
                by_sev(Severity::Breach),
                by_sev(Severity::Warning),
                by_sev(Severity::Info)
            ))
            .overflow(),
        ],
        styles,
    )?;
    let overdue = sum
        .by_status
        .get(Status::Overdue.as_str())
        .copied()
        .unwrap_or(0);
    s.push(
        &[
            label("Overdue now"),
            Cell::int(overdue as i64).tone(if overdue > 0 { Tone::Red } else { Tone::Green }),
            Cell::text("schedules whose next assessment is past its due date").overflow(),
        ],
        styles,
    )?;
    let issues_link = ctx
        .plan
        .issues
        .first()
        .map(|p| super::internal_link(&p.name, 0, 0));
    s.push(
        &[
            label("Input issues"),
            Cell::int(sum.input_issues as i64),
            Cell::link(
                "values refused and read as blank (see Input issues)",
                issues_link,
            )
            .overflow(),
        ],
        styles,
    )?;
    if let (Some(c), Some(part)) = (ctx.input.changes, ctx.plan.changes.first()) {
        s.push(
            &[
                label("New since last report"),
                Cell::int(c.new_count() as i64).tone(if c.new_count() > 0 {
                    Tone::Amber
                } else {
                    Tone::Green
                }),
                Cell::link(
                    format!(
                        "new findings since {}; {} persisting, {} resolved, {} schedules changed \
                         (see Changes)",
                        c.previous_as_of,
                        c.persisting_count(),
                        c.resolved.len(),
                        c.schedules.len()
                    ),
                    Some(super::internal_link(&part.name, 0, 0)),
                )
                .overflow(),
            ],
            styles,
        )?;
    }
    s.push(
        &[
            label("Set aside"),
            Cell::int(sum.set_aside.total() as i64),
            Cell::text("register entries dated after the audit date (SPEC §2.9)").overflow(),
        ],
        styles,
    )?;
    s.push(
        &[
            label("Due-soon window"),
            Cell::int(ctx.input.warn_days),
            Cell::text("days (--warn-days)").overflow(),
        ],
        styles,
    )?;
    s.skip(1);

    s.set_wrap_width(8, 70);
    needs_attention(&mut s, ctx, styles)?;
    s.skip(1);

    // Counts by status, with the first chart beside them.
    let chart_top = s.row();
    s.push(&[section("Schedules by status")], styles)?;
    s.push(&[Cell::header("Status"), Cell::header("Schedules")], styles)?;
    let status_first = s.row();
    for st in STATUS_BY_URGENCY {
        let n = sum.by_status.get(st.as_str()).copied().unwrap_or(0);
        s.push(
            &[
                Cell::text(st.as_str()).tone(status_tone(st)),
                Cell::int(n as i64),
            ],
            styles,
        )?;
    }
    let status_last = s.row() - 1;
    s.skip(1);

    s.push(&[section("Findings by severity")], styles)?;
    s.push(
        &[Cell::header("Severity"), Cell::header("Findings")],
        styles,
    )?;
    for sev in [Severity::Breach, Severity::Warning, Severity::Info] {
        s.push(
            &[
                Cell::text(sev.as_str()).tone(severity_tone(sev)),
                Cell::int(by_sev(sev) as i64),
            ],
            styles,
        )?;
    }
    s.skip(1);

    // Findings by code: the codes found, breaches first, in catalogue order within a severity.
    s.push(&[section("Findings by code")], styles)?;
    s.push(
        &[
            Cell::header("Code"),
            Cell::header("Findings"),
            Cell::header("Severity"),
        ],
        styles,
    )?;
    let mut codes: Vec<(FindingCode, usize)> = FindingCode::ALL
        .iter()
        .filter_map(|c| sum.by_code.get(c.as_str()).map(|n| (*c, *n)))
        .collect();
    codes.sort_by_key(|(c, _)| std::cmp::Reverse(c.severity()));
    let code_first = s.row();
    if codes.is_empty() {
        s.push(&[Cell::text("no findings"), Cell::int(0)], styles)?;
    }
    for (code, n) in &codes {
        let tone = severity_tone(code.severity());
        s.push(
            &[
                Cell::text(code.as_str()).tone(tone),
                Cell::int(*n as i64),
                Cell::text(code.severity().as_str()),
            ],
            styles,
        )?;
    }
    let code_last = s.row() - 1;
    s.skip(1);

    s.push(&[section("Schedules by category")], styles)?;
    s.push(
        &[
            Cell::header("Category"),
            Cell::header("Schedules"),
            Cell::header("Clause"),
        ],
        styles,
    )?;
    for c in Category::ALL {
        let n = sum.by_category.get(c.as_str()).copied().unwrap_or(0);
        s.push(
            &[
                Cell::text(c.as_str()),
                Cell::int(n as i64),
                Cell::text(c.clause()),
            ],
            styles,
        )?;
    }
    let no_category = sum.schedules - sum.by_category.values().sum::<usize>();
    s.push(
        &[
            Cell::text("(none)"),
            Cell::int(no_category as i64),
            Cell::text("not subject, entry incomplete, or counts missing").overflow(),
        ],
        styles,
    )?;
    s.skip(1);

    s.push(
        &[section("Set aside: dated after the audit date (SPEC §2.9)")],
        styles,
    )?;
    s.push(&[Cell::header("What"), Cell::header("Count")], styles)?;
    let a = &sum.set_aside;
    for (what, n) in [
        ("Users not yet joined", a.users),
        ("Premises snapshots", a.snapshots),
        ("Completions read as bookings", a.completions_to_bookings),
        ("Rows completed later, left out", a.rows_left_out),
        ("Submissions and responses", a.submissions),
        ("Remedial completions", a.remedial_completions),
        ("Assurance statuses", a.statuses),
        ("G5.27 notifications", a.notifications),
    ] {
        s.push(&[Cell::text(what), Cell::int(n as i64)], styles)?;
    }
    s.skip(1);

    // The charts, beside the count tables.
    let status_chart = status_chart(&name, status_first, status_last);
    let status_height = 300;
    s.worksheet().insert_chart(chart_top, 4, &status_chart)?;
    let code_top = chart_top + status_height / ROW_PX + 1;
    let code_height = (80 + 24 * codes.len().max(1) as u32).max(220);
    let code_chart = code_chart(&name, code_first, code_last, &codes, code_height);
    s.worksheet().insert_chart(code_top, 4, &code_chart)?;

    let ws = s.worksheet();
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    // The labels of column A may overflow into B in the first rows; keep A readable.
    s.need_width(0, 18);
    s.finish(wb)
}

fn section(text: &str) -> Cell {
    Cell::text(text).with(|st| st.section = true)
}

fn status_chart(sheet: &str, first: u32, last: u32) -> Chart {
    let mut chart = Chart::new(ChartType::Column);
    let points: Vec<ChartPoint> = STATUS_BY_URGENCY
        .iter()
        .map(|s| point(status_tone(*s)))
        .collect();
    chart
        .add_series()
        .set_name("Schedules")
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 1, last, 1))
        .set_points(&points)
        .set_data_label(ChartDataLabel::new().show_value());
    chart.title().set_name("Schedules by status");
    chart.legend().set_hidden();
    chart.set_width(560).set_height(300);
    chart
}

fn code_chart(
    sheet: &str,
    first: u32,
    last: u32,
    codes: &[(FindingCode, usize)],
    height: u32,
) -> Chart {
    let mut chart = Chart::new(ChartType::Bar);
    let points: Vec<ChartPoint> = codes
        .iter()
        .map(|(c, _)| point(severity_tone(c.severity())))
        .collect();
    let series = chart
        .add_series()
        .set_name("Findings")
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 1, last, 1))
        .set_data_label(ChartDataLabel::new().show_value());
    if !points.is_empty() {
        series.set_points(&points);
    }
    chart
        .title()
        .set_name("Findings by code (red breach, amber warning, blue info)");
    chart.legend().set_hidden();
    // Codes top to bottom in table order (a bar chart's categories are on its y axis).
    chart.y_axis().set_reverse();
    chart.set_width(560).set_height(height);
    chart
}

/// Every schedule that needs the committee's attention, most urgent first.
fn needs_attention(s: &mut SheetOut, ctx: &Ctx<'_>, styles: &mut Styles) -> Result<(), XlsxError> {
    let audit = ctx.audit();
    let mut rows: Vec<(usize, &crate::rules::schedule::Schedule)> = audit
        .schedules
        .iter()
        .enumerate()
        .filter(|(_, sc)| {
            matches!(
                sc.status,
                Status::Overdue
                    | Status::ScheduledLate
                    | Status::DueSoon
                    | Status::EntryIncomplete
                    | Status::Undetermined
            )
        })
        .collect();
    rows.sort_by_key(|(i, sc)| (urgency(sc.status), sc.days_left, *i));
    s.push(
        &[section(&format!(
            "Needs attention: overdue, booked late, due within {} days, entry incomplete, \
             undetermined ({})",
            ctx.input.warn_days,
            rows.len()
        ))],
        styles,
    )?;
    s.push(
        &[
            Cell::header("User ID"),
            Cell::header("Name"),
            Cell::header("Regime"),
            Cell::header("Status"),
            Cell::header("Next type"),
            Cell::header("Due"),
            Cell::header("Days left"),
            Cell::header("Booked for"),
            Cell::header("Why (the Schedule sheet has the full explanation)"),
        ],
        styles,
    )?;
    if rows.is_empty() {
        s.push(&[Cell::text("nothing: every schedule is in order")], styles)?;
    }
    for (i, sc) in rows {
        let why = if sc.explanation.chars().count() > MAX_WHY {
            let cut: String = sc.explanation.chars().take(MAX_WHY).collect();
            format!("{cut} …")
        } else {
            sc.explanation.clone()
        };
        s.push(
            &[
                Cell::link(&*sc.user_id, ctx.schedule_link(i)),
                Cell::opt_text(sc.name.clone()),
                Cell::opt_text(sc.regime.map(|r| r.as_str())),
                Cell::text(sc.status.as_str())
                    .tone(status_tone(sc.status))
                    .center(),
                Cell::opt_text(sc.next_type.map(|t| t.name())),
                Cell::opt_date(sc.due),
                Cell::opt_int(sc.days_left),
                Cell::opt_date(sc.scheduled_for),
                Cell::text(why).wrap(),
            ],
            styles,
        )?;
    }
    Ok(())
}
