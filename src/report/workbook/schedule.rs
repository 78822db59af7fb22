//! The Schedule sheet: one row per User and regime, in the audit's order. Read left to right it
//! tells the story a committee asks for — who, the status (coloured), the next assessment, its due
//! date and days left, the booking, and the rules' explanation — and then the facts behind it:
//! the category with the limbs and figures that decided it, the counts and their snapshot date,
//! the rule version, and the last assessment.

use rust_xlsxwriter::XlsxError;

use super::Ctx;
use super::findings::print_setup;
use super::sheet::{Book, Cell, Mode, TableOut};
use super::styles::{Styles, status_tone};

/// Who, where they stand, what is next and why first; the figures behind the category after.
const HEADINGS: [&str; 19] = [
    "User ID",
    "Name",
    "Regime",
    "Status",
    "Next type",
    "Due",
    "Days left",
    "Booked for",
    "Booked type",
    "Explanation",
    "Category",
    "Limbs",
    "Figures",
    "Domestic",
    "Non-domestic",
    "Counts as of",
    "Rules version",
    "Last type",
    "Last completed",
];

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut t = TableOut::new(&ctx.plan.schedule, Some(0), Mode::Streamed)
        .with_setup(print_setup)
        .with_wrap_widths(&[(9, 70), (12, 40)])
        .with_freeze_cols(2);
    t.push(
        wb,
        HEADINGS.iter().map(|h| Cell::header(*h)).collect(),
        styles,
    )?;
    for s in &ctx.audit().schedules {
        let row = vec![
            Cell::link(&*s.user_id, ctx.map.link(&s.user_cell)),
            Cell::opt_text(s.name.clone()),
            Cell::opt_text(s.regime.map(|r| r.as_str())),
            Cell::text(s.status.as_str())
                .tone(status_tone(s.status))
                .bold()
                .center(),
            Cell::opt_text(s.next_type.map(|t| t.name())),
            Cell::opt_date(s.due),
            Cell::opt_int(s.days_left),
            Cell::opt_date(s.scheduled_for),
            Cell::opt_text(s.booked_type.map(|t| t.name())),
            Cell::text(s.explanation.clone()).wrap(),
            Cell::opt_text(s.category.map(|c| c.as_str())),
            Cell::text(s.limbs().join(", ")),
            Cell::opt_text(s.figures.text()).wrap(),
            Cell::opt_count(s.domestic),
            Cell::opt_count(s.non_domestic),
            Cell::opt_date(s.counts_as_of),
            Cell::opt_text(s.rules_version.as_deref()),
            Cell::opt_text(s.last_type.map(|t| t.name())),
            Cell::opt_date(s.last_completed),
        ];
        t.push(wb, row, styles)?;
    }
    t.finish(wb)
}
