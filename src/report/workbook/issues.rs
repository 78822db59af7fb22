//! The Input issues sheet: every value the reader refused (SPEC §4.3), with a link to its cell in
//! the copied input sheet, the value as it stood, what is wrong and the likely intended value.

use rust_xlsxwriter::XlsxError;

use super::Ctx;
use super::findings::print_setup;
use super::sheet::{Book, Cell, Mode, TableOut};
use super::styles::{Styles, Tone};

const HEADINGS: [&str; 6] = ["Code", "Cell", "File", "Value", "Message", "Did you mean"];

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut t = TableOut::new(&ctx.plan.issues, Some(0), Mode::Streamed)
        .with_setup(print_setup)
        .with_wrap_widths(&[(4, 70)]);
    t.push(
        wb,
        HEADINGS.iter().map(|h| Cell::header(*h)).collect(),
        styles,
    )?;
    let inputs = &ctx.input.outcome.register.inputs;
    for i in &ctx.input.outcome.issues {
        let row = vec![
            Cell::text(i.code.as_str()).tone(Tone::Amber),
            Cell::link(ctx.map.display(&i.cell), ctx.map.link(&i.cell)),
            Cell::opt_text(inputs.get(i.cell.input as usize).map(|f| f.path.clone())),
            Cell::text(i.value.clone()),
            Cell::text(i.message.clone()).wrap(),
            Cell::opt_text(i.suggestion.clone()),
        ];
        t.push(wb, row, styles)?;
    }
    t.finish(wb)
}
