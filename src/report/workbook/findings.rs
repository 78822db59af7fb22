//! The Findings sheet: one row per finding, in the audit's order (the JSON report's), its severity
//! cell coloured (SPEC §3.1), each linked to the cell it rests on in the annotated input sheets. With
//! `--compare-to` a first column says whether the finding is new or persisting.

use rust_xlsxwriter::XlsxError;

use super::Ctx;
use super::sheet::{Book, Cell, Mode, SheetOut, TableOut};
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
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    // With --compare-to, a Change column comes first (new / persisting), the rest one over.
    let changes = ctx.input.changes;
    let mut t = TableOut::new(&ctx.plan.findings, Some(0), Mode::Streamed)
        .with_setup(print_setup)
        .with_wrap_widths(if changes.is_some() {
            &[(9, 70)]
        } else {
            &[(8, 70)]
        })
        .with_freeze_cols(0);
    let mut headings: Vec<Cell> = HEADINGS.iter().map(|h| Cell::header(*h)).collect();
    if changes.is_some() {
        headings.insert(0, Cell::header("Change"));
    }
    t.push(wb, headings, styles)?;
    for (i, f) in ctx.audit().findings.iter().enumerate() {
        let tone = severity_tone(f.severity());
        let source = match &f.source {
            Some(c) => Cell::link(ctx.map.display(c), ctx.map.link(c)),
            None => Cell::blank(),
        };
        let mut row = vec![
            // Only the severity cell is coloured (SPEC §3.1), as only the status cell is on the
            // Schedule: a filter on the column finds the rows. Tinting the whole row cost ten
            // format look-ups a finding (rust_xlsxwriter hashes a whole `Format` for each).
            Cell::text(f.severity().as_str()).bold().tone(tone),
            Cell::text(f.code.as_str()),
            Cell::text(f.clause),
            Cell::text(&*f.user_id),
            Cell::opt_text(ctx.user_name(&f.user_id)),
            Cell::opt_text(f.regime.map(|r| r.as_str())),
            Cell::opt_date(f.due),
            Cell::opt_int(f.days),
            Cell::text(f.message.clone()).wrap(),
            source,
        ];
        if let Some(c) = changes {
            let change = c.finding(i).map_or("", |x| x.as_str());
            let cell = Cell::text(change);
            row.insert(0, if change == "new" { cell.bold() } else { cell });
        }
        t.push(wb, row, styles)?;
    }
    t.finish(wb)
}
