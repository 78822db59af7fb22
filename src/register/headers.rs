//! Finding tables and columns by name (SPEC §1): which sheet is which table, which row is the
//! header row, which column is which field.
//!
//! Names compare after [`normalise_heading`] (lower case, letters and digits only), against the
//! built-in aliases of [`Table::aliases`] and [`Field::aliases`] and whatever the mapping file
//! adds. Nothing here parses a cell value or raises an issue.

use super::{Field, Mapping, RawValue, Table};

/// How many rows from the top may hold the header row.
pub(crate) const HEADER_SEARCH_ROWS: usize = 10;

/// The forgiving form of a sheet name or heading: lower case, with spaces, punctuation and
/// underscores dropped (`"User ID"`, `"user_id"` and `"UserID"` all give `userid`).
///
/// # Examples
/// ```
/// use g8audit::register::normalise_heading;
/// assert_eq!(normalise_heading(" Non-Domestic Premises "), "nondomesticpremises");
/// assert_eq!(normalise_heading("G5.27 Notified"), "g527notified");
/// ```
pub fn normalise_heading(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The sheets g8audit adds to an annotated workbook; recognised and ignored on input.
const TOOL_SHEETS: [&str; 8] = [
    "Summary",
    "Findings",
    "Schedule",
    "Forecast",
    "Input issues",
    "About",
    "Changes",
    "Instructions",
];

/// True for a sheet name g8audit itself writes.
pub(crate) fn is_tool_sheet_name(name: &str) -> bool {
    let n = normalise_heading(name);
    TOOL_SHEETS.iter().any(|t| normalise_heading(t) == n)
}

/// True for the headings of the columns g8audit appends (`g8audit: status`).
pub(crate) fn is_annotation_heading(text: &str) -> bool {
    normalise_heading(text).starts_with("g8audit")
}

/// The table a sheet name (or CSV file stem) names by the built-in aliases. For CSV stems a
/// leading or trailing date stamp is allowed (`users-2024-03`, `2024_03 assessments`).
pub(crate) fn table_by_alias(name: &str, is_csv: bool) -> Option<Table> {
    let n = normalise_heading(name);
    if is_tool_sheet_name(name) {
        return None;
    }
    let matches = |n: &str| {
        Table::ALL
            .into_iter()
            .find(|t| t.aliases().iter().any(|a| normalise_heading(a) == n))
    };
    if let Some(t) = matches(&n) {
        return Some(t);
    }
    if is_csv {
        let trimmed = n.trim_matches(|c: char| c.is_ascii_digit());
        if trimmed != n && !trimmed.is_empty() {
            return matches(trimmed);
        }
    }
    None
}

/// A cell's text as a heading (numbers and dates as they print).
pub(crate) fn heading_text(v: RawValue<'_>) -> String {
    v.to_string().trim().to_string()
}

/// The recognised columns of one candidate header row: each field at most once, each column at
/// most once; a mapping name beats a built-in alias, an earlier alias beats a later one, and
/// then the leftmost column wins.
pub(crate) fn match_columns<'a>(
    row: impl IntoIterator<Item = RawValue<'a>>,
    table: Table,
    mapping: Option<&Mapping>,
) -> Vec<(Field, u32)> {
    let headings: Vec<(u32, String)> = row
        .into_iter()
        .enumerate()
        .filter_map(|(c, v)| {
            let text = heading_text(v);
            if text.is_empty() || is_annotation_heading(&text) {
                None
            } else {
                Some((c as u32, normalise_heading(&text)))
            }
        })
        .collect();
    let mut candidates: Vec<(usize, u32, Field)> = Vec::new();
    for &field in table.fields() {
        let mapped = mapping.map(|m| m.column_names(table, field)).unwrap_or(&[]);
        let names = mapped
            .iter()
            .map(String::as_str)
            .chain(std::iter::once(field.key()))
            .chain(field.aliases().iter().copied());
        for (rank, name) in names.enumerate() {
            let n = normalise_heading(name);
            for (col, h) in &headings {
                if *h == n {
                    candidates.push((rank, *col, field));
                }
            }
        }
    }
    candidates.sort();
    let mut taken_fields = Vec::new();
    let mut taken_cols = Vec::new();
    let mut out = Vec::new();
    for (_, col, field) in candidates {
        if taken_fields.contains(&field) || taken_cols.contains(&col) {
            continue;
        }
        taken_fields.push(field);
        taken_cols.push(col);
        out.push((field, col));
    }
    out.sort_by_key(|(_, c)| *c);
    out
}

/// The header row of a table sheet: the first of the first ten rows holding the key column
/// (`user_id`) and the table's second required column; failing that, the first holding the key
/// column alone. Returns the row and its recognised columns.
pub(crate) fn locate_header<'a, R>(
    rows: impl IntoIterator<Item = R>,
    table: Table,
    mapping: Option<&Mapping>,
) -> Option<(u32, Vec<(Field, u32)>)>
where
    R: IntoIterator<Item = RawValue<'a>>,
{
    let anchor = table.required().get(1).copied();
    let mut fallback = None;
    for (r, row) in rows.into_iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let cols = match_columns(row, table, mapping);
        let has = |f: Field| cols.iter().any(|(g, _)| *g == f);
        if !has(Field::UserId) {
            continue;
        }
        if anchor.is_none_or(has) {
            return Some((r as u32, cols));
        }
        if fallback.is_none() {
            fallback = Some((r as u32, cols));
        }
    }
    fallback
}

/// The heading among `headings` that most likely meant `field` (for a missing-column message).
pub(crate) fn suggest_heading(
    field: Field,
    table: Table,
    headings: &[String],
    mapping: Option<&Mapping>,
) -> Option<String> {
    let mapped = mapping.map(|m| m.column_names(table, field)).unwrap_or(&[]);
    let names: Vec<String> = mapped
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(field.key()))
        .chain(field.aliases().iter().copied())
        .map(normalise_heading)
        .collect();
    let mut best: Option<(f64, &String)> = None;
    for h in headings {
        let n = normalise_heading(h);
        if n.is_empty() || n.chars().count() > 100 {
            continue;
        }
        for name in &names {
            let score = strsim::normalized_damerau_levenshtein(&n, name);
            if score >= 0.7 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, h));
            }
        }
    }
    best.map(|(_, h)| h.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row<'a>(cells: &[&'a str]) -> Vec<RawValue<'a>> {
        cells
            .iter()
            .map(|c| {
                if c.is_empty() {
                    RawValue::Empty
                } else {
                    RawValue::Text(c)
                }
            })
            .collect()
    }

    #[test]
    fn headings_normalise_forgivingly() {
        assert_eq!(normalise_heading("User ID"), "userid");
        assert_eq!(normalise_heading("user_id"), "userid");
        assert_eq!(normalise_heading("UserID"), "userid");
        assert_eq!(normalise_heading("  USER-ID. "), "userid");
        assert_eq!(normalise_heading("Façade Ünit"), "façadeünit");
        assert_eq!(normalise_heading(""), "");
    }

    #[test]
    fn tables_by_sheet_name() {
        assert_eq!(table_by_alias("Users", false), Some(Table::Users));
        assert_eq!(table_by_alias("SEC users", false), Some(Table::Users));
        assert_eq!(table_by_alias("Parties", false), Some(Table::Users));
        assert_eq!(
            table_by_alias("smart_meter_counts", false),
            Some(Table::Premises)
        );
        assert_eq!(
            table_by_alias("Assessment History", false),
            Some(Table::Assessments)
        );
        assert_eq!(table_by_alias("USA", false), Some(Table::Assessments));
        assert_eq!(table_by_alias("Summary", false), None);
        assert_eq!(table_by_alias("Users 2024", false), None);
        assert_eq!(table_by_alias("users-2024-03", true), Some(Table::Users));
        assert_eq!(
            table_by_alias("2024_03 assessments", true),
            Some(Table::Assessments)
        );
        assert_eq!(table_by_alias("register_users", true), None);
    }

    #[test]
    fn tool_sheets_and_annotation_columns_are_recognised() {
        assert!(is_tool_sheet_name("Input issues"));
        assert!(is_tool_sheet_name("INPUT_ISSUES"));
        assert!(!is_tool_sheet_name("Users"));
        assert!(is_annotation_heading("g8audit: status"));
        assert!(is_annotation_heading("G8Audit due"));
        assert!(!is_annotation_heading("Status"));
    }

    #[test]
    fn columns_by_alias_best_first() {
        let r = row(&[
            "Date",
            "User",
            "As Of",
            "D",
            "Non-Domestic Premises",
            "Notes",
        ]);
        let cols = match_columns(r.clone(), Table::Premises, None);
        assert_eq!(
            cols,
            vec![
                (Field::UserId, 1),
                (Field::AsOf, 2),
                (Field::Domestic, 3),
                (Field::NonDomestic, 4)
            ]
        );
    }

    #[test]
    fn annotation_columns_are_not_matched() {
        let r = row(&["User ID", "Roles", "g8audit: status"]);
        let cols = match_columns(r.clone(), Table::Users, None);
        assert_eq!(cols, vec![(Field::UserId, 0), (Field::Roles, 1)]);
    }

    #[test]
    fn header_row_found_below_a_title() {
        let rows = vec![
            row(&["SEC User Register"]),
            row(&[]),
            row(&["User ID", "Name", "Roles"]),
            row(&["U001", "Acme", "IS"]),
        ];
        let (r, cols) = locate_header(rows.clone(), Table::Users, None).expect("a header row");
        assert_eq!(r, 2);
        assert_eq!(
            cols,
            vec![(Field::UserId, 0), (Field::Name, 1), (Field::Roles, 2)]
        );
    }

    #[test]
    fn header_row_prefers_a_row_with_the_second_required_column() {
        let rows = vec![
            row(&["User", "2024 register"]),
            row(&["User ID", "Type", "Completed"]),
        ];
        let (r, _) = locate_header(rows.clone(), Table::Assessments, None).expect("a header row");
        assert_eq!(r, 1);
    }

    #[test]
    fn header_row_not_beyond_ten_rows() {
        let mut rows: Vec<Vec<RawValue<'_>>> = (0..10).map(|_| row(&["x"])).collect();
        rows.push(row(&["User ID", "Roles"]));
        assert_eq!(locate_header(rows.clone(), Table::Users, None), None);
    }

    #[test]
    fn missing_column_suggestion() {
        let headings = vec![
            "User ID".to_string(),
            "Rolse".to_string(),
            "Name".to_string(),
        ];
        assert_eq!(
            suggest_heading(Field::Roles, Table::Users, &headings, None),
            Some("Rolse".to_string())
        );
        assert_eq!(
            suggest_heading(Field::Type, Table::Assessments, &headings, None),
            None
        );
    }
}
