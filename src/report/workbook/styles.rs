//! The look of the workbook: colours, number formats and the cell formats built from them.
//!
//! Every cell format the writers use comes from [`Styles`], keyed by what the cell holds
//! ([`Kind`]) and how it is marked ([`Style`]), so that colours and date formats are decided in
//! one place. Nothing here writes a cell.

use rustc_hash::FxHashMap as HashMap;

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};

use crate::rules::findings::Severity;
use crate::rules::schedule::Status;

/// The date format of every date in the workbook: unambiguous in any locale (`14 Jan 2026`).
pub const DATE_FORMAT: &str = "dd mmm yyyy";
/// Dates that carry a time of day (kept from the input as read).
pub const DATETIME_FORMAT: &str = "dd mmm yyyy hh:mm";
/// The months of the Forecast sheet (`Nov 2026`).
pub const MONTH_FORMAT: &str = "mmm yyyy";
/// Premise counts (`250,000`).
pub const COUNT_FORMAT: &str = "#,##0";

/// A colour family used to mark a cell: a light fill with a dark font of the same hue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tone {
    #[default]
    None,
    /// Breaches; overdue and booked-late schedules.
    Red,
    /// Warnings; due-soon, entry-incomplete and undetermined schedules.
    Amber,
    /// Information.
    Blue,
    /// Schedules in order (ok, scheduled).
    Green,
    /// Schedules that need nothing (left, not subject).
    Grey,
}

impl Tone {
    /// (fill, font) as RGB.
    fn colours(self) -> Option<(u32, u32)> {
        match self {
            Tone::None => None,
            Tone::Red => Some((0xFFC7CE, 0x9C0006)),
            Tone::Amber => Some((0xFFEB9C, 0x9C5700)),
            Tone::Blue => Some((0xDDEBF7, 0x1F4E78)),
            Tone::Green => Some((0xC6EFCE, 0x006100)),
            Tone::Grey => Some((0xEDEDED, 0x595959)),
        }
    }
}

/// The tone of a finding's row (SPEC §3.1: red breach, amber warning).
pub fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Breach => Tone::Red,
        Severity::Warning => Tone::Amber,
        Severity::Info => Tone::Blue,
    }
}

/// The tone of a schedule's status cell.
pub fn status_tone(s: Status) -> Tone {
    match s {
        Status::Overdue | Status::ScheduledLate => Tone::Red,
        Status::DueSoon | Status::EntryIncomplete | Status::Undetermined => Tone::Amber,
        Status::Ok | Status::Scheduled => Tone::Green,
        Status::Left | Status::NotSubject => Tone::Grey,
    }
}

/// The statuses in the order a committee reads them: most urgent first.
pub const STATUS_BY_URGENCY: [Status; 9] = [
    Status::Overdue,
    Status::ScheduledLate,
    Status::DueSoon,
    Status::EntryIncomplete,
    Status::Undetermined,
    Status::Scheduled,
    Status::Ok,
    Status::Left,
    Status::NotSubject,
];

/// The position of a status in [`STATUS_BY_URGENCY`].
pub fn urgency(s: Status) -> usize {
    STATUS_BY_URGENCY
        .iter()
        .position(|x| *x == s)
        .unwrap_or(STATUS_BY_URGENCY.len())
}

/// What a cell holds, which decides its number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Text,
    Number,
    Count,
    Date,
    DateTime,
    Month,
    Bool,
    Link,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 8] = [
        Kind::Text,
        Kind::Number,
        Kind::Count,
        Kind::Date,
        Kind::DateTime,
        Kind::Month,
        Kind::Bool,
        Kind::Link,
    ];
}

/// How a cell is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Style {
    pub tone: Tone,
    pub bold: bool,
    pub wrap: bool,
    /// A table heading (bold, filled, bottom border).
    pub header: bool,
    /// A heading of a column g8audit appended to an input sheet.
    pub annotation_header: bool,
    /// A sheet title (large, bold).
    pub title: bool,
    /// A section heading inside a sheet (bold, a little larger).
    pub section: bool,
    /// Text that may run over the empty cells to its right: it does not widen its column.
    pub overflow: bool,
    /// Centred (status words, so they do not run into the numbers beside them).
    pub center: bool,
}

/// The cell formats, built once per (kind, style) and reused.
#[derive(Default)]
pub struct Styles {
    cache: HashMap<(Kind, Style), Format>,
    /// True for a copy handed to a writer on another thread: it adds no format (see
    /// [`Styles::register`]).
    frozen: bool,
}

impl Styles {
    pub fn new() -> Styles {
        Styles::default()
    }

    /// The format of a cell holding `kind`, marked `style`.
    ///
    /// A frozen copy ([`Styles::frozen`]) only hands out the formats registered before it was
    /// made; any other falls back to the plain format of the same kind (a debug build stops
    /// there instead, so tests find the gap).
    pub fn get(&mut self, kind: Kind, style: Style) -> &Format {
        // Overflow only changes how wide a column is made, not the cell's format.
        let mut key = (
            kind,
            Style {
                overflow: false,
                ..style
            },
        );
        if self.frozen && !self.cache.contains_key(&key) {
            debug_assert!(
                false,
                "format {key:?} was not registered before the sheet writers started"
            );
            key = (kind, Style::default());
        }
        self.cache.entry(key).or_insert_with(|| build(key.0, key.1))
    }

    /// Registers the formats of `combos` (and the plain format of every kind) with the workbook,
    /// in that order.
    ///
    /// Sheets written in constant-memory mode number their formats in the workbook's table the
    /// first time each is used; when several sheets are written on several threads at once, that
    /// order would depend on which thread got there first, and so would the bytes of the output.
    /// Registering every format the threaded writers can use, before they start, keeps the
    /// order fixed: after this they only look formats up.
    pub fn register(&mut self, wb: &mut Workbook, combos: &[(Kind, Style)]) {
        let plain = Kind::ALL.map(|k| (k, Style::default()));
        for &(kind, style) in plain.iter().chain(combos) {
            wb.register_format(self.get(kind, style));
        }
    }

    /// A copy for a writer on another thread: it knows every format registered so far, and adds
    /// none.
    pub fn frozen(&self) -> Styles {
        Styles {
            cache: self.cache.clone(),
            frozen: true,
        }
    }
}

fn build(kind: Kind, style: Style) -> Format {
    let mut f = Format::new().set_align(FormatAlign::Top);
    f = match kind {
        Kind::Date => f.set_num_format(DATE_FORMAT).set_align(FormatAlign::Center),
        Kind::DateTime => f
            .set_num_format(DATETIME_FORMAT)
            .set_align(FormatAlign::Center),
        Kind::Month => f.set_num_format(MONTH_FORMAT).set_align(FormatAlign::Left),
        Kind::Count => f.set_num_format(COUNT_FORMAT),
        Kind::Link => f
            .set_font_color(Color::RGB(0x0563C1))
            .set_underline(rust_xlsxwriter::FormatUnderline::Single),
        Kind::Text | Kind::Number | Kind::Bool => f,
    };
    if let Some((fill, font)) = style.tone.colours() {
        f = f.set_background_color(Color::RGB(fill));
        if kind != Kind::Link {
            f = f.set_font_color(Color::RGB(font));
        }
    }
    if style.bold {
        f = f.set_bold();
    }
    if style.center {
        f = f.set_align(FormatAlign::Center);
    }
    if style.wrap {
        f = f.set_text_wrap();
    }
    if style.header {
        f = f
            .set_bold()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xD9E1F2))
            .set_border_bottom(FormatBorder::Thin);
    }
    if style.annotation_header {
        f = f
            .set_bold()
            .set_italic()
            .set_text_wrap()
            .set_background_color(Color::RGB(0xFFF2CC))
            .set_border_bottom(FormatBorder::Thin);
    }
    if style.title {
        f = f.set_bold().set_font_size(16);
    }
    if style.section {
        f = f
            .set_bold()
            .set_font_size(12)
            .set_font_color(Color::RGB(0x1F3864));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_an_urgency_and_a_tone() {
        for s in Status::ALL {
            assert!(urgency(s) < STATUS_BY_URGENCY.len(), "{s}");
            let _ = status_tone(s);
        }
        assert_eq!(status_tone(Status::Overdue), Tone::Red);
        assert_eq!(status_tone(Status::DueSoon), Tone::Amber);
        assert_eq!(status_tone(Status::Ok), Tone::Green);
    }
}
