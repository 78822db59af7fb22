//! The Findings sheet: one row per finding, in the audit's order (the JSON report's), coloured by
//! severity, each linked to the cell it rests on in the annotated input sheets.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::Ctx;
use super::sheet::{Cell, Mode, SheetOut, TableOut};
use super::styles::{Styles, severity_tone};

const HEADINGS: [&str; 10] = [
    "Severity", "Code", "Clause", "User ID", "Name", "Regime", "Due", "Days", "Message", "Source",
];

pub(super) fn print_setup(s: &mut SheetOut) -> Result<(), XlsxError> {
    let ws = s.worksheet();
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}

pub(super) fn write(
    wb: &mut Workbook,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut t = TableOut::new(&ctx.plan.findings, Some(0), Mode::Streamed)
        .with_setup(print_setup)
        .with_wrap_widths(&[(8, 70)])
        .with_freeze_cols(0);
    t.push(
        wb,
        HEADINGS.iter().map(|h| Cell::header(*h)).collect(),
        styles,
    )?;
    for f in &ctx.audit().findings {
        let tone = severity_tone(f.severity());
        let source = match &f.source {
            Some(c) => Cell::link(ctx.map.display(c), ctx.map.link(c)),
            None => Cell::blank(),
        };
        let row = vec![
            Cell::text(f.severity().as_str()).bold(),
            Cell::text(f.code.as_str()),
            Cell::text(f.clause.clone()),
            Cell::text(f.user_id.clone()),
            Cell::opt_text(ctx.user_name(&f.user_id)),
            Cell::opt_text(f.regime.map(|r| r.as_str())),
            Cell::opt_date(f.due),
            Cell::opt_int(f.days),
            Cell::text(f.message.clone()).wrap(),
            source,
        ];
        t.push(wb, row.into_iter().map(|c| c.tone(tone)).collect(), styles)?;
    }
    t.finish(wb)
}
