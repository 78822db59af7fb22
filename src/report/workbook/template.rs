//! The blank register template (`g8audit template -o register.xlsx`): a workbook a secretariat
//! can start a register from.
//!
//! Sheets Instructions, Users, Premises and Assessments, with the SPEC §1 headings in Title Case
//! (the reader's first alias of each column), dropdowns for the closed lists (type, purpose,
//! assurance status), input messages for the free ones (roles, dates, counts), date-formatted date
//! columns, and two example rows per sheet that together form a valid register (they read back
//! with no input issue). The output does not depend on the clock.

use chrono::NaiveDate;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, Format, Workbook, XlsxError,
};

use crate::model::{RecordedStatus, Role};
use crate::register::{Field, Table};

use super::sheet::{Cell, EXCEL_MAX_ROWS, Mode, SheetOut};
use super::styles::{DATE_FORMAT, Styles};

/// The fixed creation date of the template's document properties.
const TEMPLATE_DATE: (i32, u32, u32) = (2026, 1, 1);

/// The assurance statuses offered in the dropdown: today's five names.
pub const CURRENT_STATUSES: [RecordedStatus; 5] = [
    RecordedStatus::Approved,
    RecordedStatus::ApprovedSubjectToSteps,
    RecordedStatus::ApprovedSubjectToStepsAndFollowUp,
    RecordedStatus::Deferred,
    RecordedStatus::Rejected,
];

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// The example rows of each table, by field (fields not named are blank).
fn examples(table: Table) -> Vec<Vec<(Field, Cell)>> {
    use Field::*;
    match table {
        Table::Users => vec![
            vec![
                (UserId, Cell::text("U001")),
                (Name, Cell::text("Example Energy Supply Ltd")),
                (Roles, Cell::text("Import Supplier; Gas Supplier")),
            ],
            vec![
                (UserId, Cell::text("U002")),
                (Name, Cell::text("Example Networks plc")),
                (Roles, Cell::text("ED")),
            ],
        ],
        Table::Premises => vec![
            vec![
                (UserId, Cell::text("U001")),
                (AsOf, Cell::date(d(2025, 10, 1))),
                (Domestic, Cell::count(120_000)),
                (NonDomestic, Cell::count(3_000)),
            ],
            vec![
                (UserId, Cell::text("U002")),
                (AsOf, Cell::date(d(2025, 10, 1))),
                (Domestic, Cell::count(310_000)),
            ],
        ],
        Table::Assessments => vec![
            vec![
                (UserId, Cell::text("U001")),
                (Type, Cell::text("Full")),
                (Purpose, Cell::text("Entry")),
                (ScheduledFor, Cell::date(d(2024, 5, 6))),
                (CompletedOn, Cell::date(d(2024, 5, 10))),
                (AssuranceStatus, Cell::text("approved")),
                (StatusSetOn, Cell::date(d(2024, 6, 3))),
            ],
            vec![
                (UserId, Cell::text("U002")),
                (Type, Cell::text("Full")),
                (Purpose, Cell::text("Entry")),
                (CompletedOn, Cell::date(d(2024, 3, 15))),
                (AssuranceStatus, Cell::text("approved subject to steps")),
                (StatusSetOn, Cell::date(d(2024, 4, 8))),
                (ResponseDueOn, Cell::date(d(2024, 4, 30))),
                (ResponseSubmittedOn, Cell::date(d(2024, 4, 26))),
                (RemedialDueOn, Cell::date(d(2024, 9, 30))),
                (RemedialCompletedOn, Cell::date(d(2024, 9, 20))),
            ],
        ],
    }
}

/// `IS Import Supplier, GS Gas Supplier, …`
fn roles_legend() -> String {
    Role::ALL
        .iter()
        .map(|r| format!("{} {}", r.abbreviation(), r.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The input message of a column, if it has one (at most 255 characters, Excel's limit).
fn message(field: Field) -> Option<(&'static str, String)> {
    use Field::*;
    Some(match field {
        UserId => (
            "User ID",
            "The User's identifier, unique in Users.".to_string(),
        ),
        Roles | RolesCovered => (
            "Roles",
            format!("Separate roles with ; or ,. {}", roles_legend()),
        ),
        SharedResourceProvider => (
            "Shared Resource Provider",
            "User ID(s) of the SRP(s) that provide Shared Resources to this User (G10.2).".into(),
        ),
        SharedResourcesGroup => (
            "Shared resources group",
            "Label(s) of groups of Users sharing resources not provided by an SRP (G8.43, G8.46)."
                .into(),
        ),
        Domestic | NonDomestic => (
            "Premises count",
            "A whole number, 0 or more (e.g. 250000).".into(),
        ),
        Type => (
            "Assessment type",
            "Full, Verification, Self or Follow-up.".into(),
        ),
        Purpose => (
            "Purpose",
            "Entry (User Entry Process, G8.33) or Annual; blank: inferred.".into(),
        ),
        AssuranceStatus => (
            "Assurance status",
            "Entry rows: the status the Panel set (G8.36).".into(),
        ),
        CompletedOn => (
            "Completed on",
            "A date, e.g. 14 Jan 2026. For assessments by the assurance provider: the end of \
             fieldwork. Blank: not yet done."
                .into(),
        ),
        f if f.is_date() => ("Date", "A date, e.g. 14 Jan 2026 or 2026-01-14.".into()),
        _ => return None,
    })
}

/// A dropdown of `items`, warning (not refusing) on other text, since the reader also accepts
/// aliases.
fn dropdown(items: &[&str], what: &str) -> Result<DataValidation, XlsxError> {
    DataValidation::new()
        .allow_list_strings(items)?
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(format!("Not a known {what}"))?
        .set_error_message(format!(
            "g8audit knows: {}. Aliases are accepted too; anything else is an input issue.",
            items.join(", ")
        ))
}

fn validation(field: Field) -> Result<Option<DataValidation>, XlsxError> {
    let statuses: Vec<&str> = CURRENT_STATUSES.iter().map(|s| s.name()).collect();
    let dv = match field {
        Field::Type => Some(dropdown(
            &["Full", "Verification", "Self", "Follow-up"],
            "type",
        )?),
        Field::Purpose => Some(dropdown(&["Entry", "Annual"], "purpose")?),
        Field::AssuranceStatus => Some(dropdown(&statuses, "assurance status")?),
        Field::Domestic | Field::NonDomestic => Some(
            DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_message("A premises count is a whole number, 0 or more.")?,
        ),
        _ => None,
    };
    let Some((title, text)) = message(field) else {
        return Ok(dv);
    };
    let dv = dv.unwrap_or_else(|| DataValidation::new().allow_any_value());
    Ok(Some(dv.set_input_title(title)?.set_input_message(text)?))
}

fn table_sheet(wb: &mut Workbook, table: Table, styles: &mut Styles) -> Result<(), XlsxError> {
    let fields = table.fields();
    let mut s = SheetOut::new(wb, table.name(), Mode::InMemory)?;
    s.push(
        &fields
            .iter()
            .map(|f| Cell::header(f.heading()))
            .collect::<Vec<_>>(),
        styles,
    )?;
    for example in examples(table) {
        let row: Vec<Cell> = fields
            .iter()
            .map(|f| {
                example
                    .iter()
                    .find(|(g, _)| g == f)
                    .map_or_else(Cell::blank, |(_, c)| c.clone())
            })
            .collect();
        s.push(&row, styles)?;
    }
    let date_format = Format::new().set_num_format(DATE_FORMAT);
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        let ws = s.worksheet();
        if f.is_date() {
            ws.set_column_format(c, &date_format)?;
            s.need_width(c, 13);
        }
        if let Some(dv) = validation(*f)? {
            s.worksheet()
                .add_data_validation(1, c, EXCEL_MAX_ROWS - 1, c, &dv)?;
        }
    }
    s.need_width(1, 16);
    s.table_settings(0, 0)?;
    s.finish(wb)
}

fn instructions(wb: &mut Workbook, styles: &mut Styles) -> Result<(), XlsxError> {
    let mut s = SheetOut::new(wb, "Instructions", Mode::InMemory)?;
    s.set_wrap_width(1, 90);
    s.push(
        &[Cell::text("g8audit register").with(|st| st.title = true)],
        styles,
    )?;
    s.skip(1);
    let statuses = CURRENT_STATUSES
        .iter()
        .map(|s| s.name())
        .collect::<Vec<_>>()
        .join("; ");
    let lines: Vec<(&str, String)> =
        vec![
        (
            "What this is",
            "A register of SEC Users and their User Security Assessments that `g8audit audit` \
             reads. Replace the example rows (U001, U002) with your own. Columns you add are \
             kept and ignored; this sheet is ignored."
                .into(),
        ),
        (
            "Users",
            "One row per SEC User: its User ID (unique), name, roles, the Shared Resource \
             Provider(s) that serve it, its shared resources group(s), the date it left, and \
             its latest G5.27 notification."
                .into(),
        ),
        (
            "Premises",
            "One row per User per snapshot (typically monthly, from DCC data): the date and \
             the Domestic and Non-Domestic premises counts (blank Non-Domestic = 0)."
                .into(),
        ),
        (
            "Assessments",
            "One row per assessment, past or booked: type, purpose, roles covered, booked date, \
             completion (end of fieldwork), Self-Assessment submission, the Panel's status for \
             Entry assessments, and the response, remedial and follow-up dates."
                .into(),
        ),
        (
            "Dates",
            "Excel dates (shown 14 Jan 2026), or text 2024-03-01, 01/03/2024 (day first), \
             1 March 2024. Two-digit years are refused."
                .into(),
        ),
        ("Roles", format!("Names or abbreviations, separated by ; or ,: {}.", roles_legend())),
        (
            "Types",
            "Full, Verification, Self, Follow-up (also FUSA, VUSA, SA, FSA and the full names)."
                .into(),
        ),
        (
            "Purpose",
            "Entry (User Entry Process, G8.33) or Annual; blank is inferred.".into(),
        ),
        (
            "Assurance status",
            format!(
                "{statuses}. Before 2020-02-27 the older names applied (provisionally approved, \
                 deferred); give Status Set On so they are read right."
            ),
        ),
        (
            "Counts",
            "Whole numbers, 0 or more (250000 or 250,000).".into(),
        ),
    ];
    for (k, v) in lines {
        s.push(&[Cell::text(k).bold(), Cell::text(v).wrap()], styles)?;
    }
    s.finish(wb)
}

/// Builds the template workbook.
pub(super) fn build() -> Result<Workbook, XlsxError> {
    let mut wb = Workbook::new();
    let (y, m, day) = TEMPLATE_DATE;
    wb.set_properties(&super::properties("g8audit register", d(y, m, day))?);
    let mut styles = Styles::new();
    instructions(&mut wb, &mut styles)?;
    for t in Table::ALL {
        table_sheet(&mut wb, t, &mut styles)?;
    }
    Ok(wb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_messages_fit_excels_limit() {
        for f in Field::ALL {
            if let Some((title, text)) = message(f) {
                assert!(title.encode_utf16().count() <= 32, "{f}: {title}");
                assert!(
                    text.encode_utf16().count() <= 255,
                    "{f}: {} chars",
                    text.len()
                );
            }
            validation(f).unwrap();
        }
    }
}
