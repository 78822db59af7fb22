//! The Forecast sheet: assessments falling due per month over the next 12 months, by type (the
//! demand estimate of G8.11; SPEC §6.28) — the audit's own forecast, with a stacked column chart.

use chrono::NaiveDate;
use rust_xlsxwriter::{Chart, ChartSolidFill, ChartType, Color, XlsxError};

use super::Ctx;
use super::sheet::{Book, Cell, Mode, SheetOut, Value};
use super::styles::Styles;

/// `2026-11` → 1 November 2026.
fn month_start(month: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()
}

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let name = ctx.plan.forecast.clone();
    let mut s = SheetOut::new(wb, &name, Mode::InMemory)?;
    s.push(
        &["Month", "Full", "Verification", "Self", "Total"].map(Cell::header),
        styles,
    )?;
    let first = s.row();
    for m in &ctx.audit().forecast {
        let month = match month_start(&m.month) {
            Some(d) => Cell::new(Value::Month(d)),
            None => Cell::text(m.month.clone()),
        };
        let total = m.full + m.verification + m.self_assessment;
        s.push(
            &[
                month,
                Cell::int(i64::from(m.full)),
                Cell::int(i64::from(m.verification)),
                Cell::int(i64::from(m.self_assessment)),
                Cell::int(i64::from(total)).bold(),
            ],
            styles,
        )?;
    }
    let last = s.row().saturating_sub(1).max(first);
    s.table_settings(0, 0)?;
    s.skip(1);
    for line in [
        "One count per schedule with a known next type, in the month its next assessment is due.",
        "Not counted: Users that left, not subject, entry incomplete or undetermined.",
        "An overdue assessment counts in the first month: it is demand now.",
    ] {
        s.push(&[Cell::text(line).overflow()], styles)?;
    }

    let mut chart = Chart::new(ChartType::ColumnStacked);
    for (col, colour) in [(1u16, 0x1F4E78u32), (2, 0x5B9BD5), (3, 0xBDD7EE)] {
        chart
            .add_series()
            .set_name((name.as_str(), 0, col))
            .set_categories((name.as_str(), first, 0, last, 0))
            .set_values((name.as_str(), first, col, last, col))
            .set_format(ChartSolidFill::new().set_color(Color::RGB(colour)));
    }
    chart
        .title()
        .set_name("Assessments falling due by month (G8.11 demand estimate)");
    chart.y_axis().set_name("Assessments");
    chart
        .x_axis()
        .set_num_format("mmm yyyy")
        .set_label_interval(1);
    chart.set_width(820).set_height(360);
    // Below the table and its note, so the note is not hidden.
    let chart_row = s.row() + 1;
    s.worksheet().insert_chart(chart_row, 0, &chart)?;
    let ws = s.worksheet();
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    s.finish(wb)
}
