//! Which sheet is which table, and where each table's header row and columns are (SPEC §1).
//!
//! A sheet named in the mapping file is that table; otherwise the built-in aliases decide. A
//! missing required table, two sheets of one workbook for the same table, no header row in the
//! first ten, or a missing required column is fatal ([`ReadError`]). Cells are not parsed here.

use crate::model::InputFile;

use super::headers::{
    self, HEADER_SEARCH_ROWS, heading_text, locate_header, suggest_heading, table_by_alias,
};
use super::{Field, Mapping, RawSheet, ReadError, ReadOptions, Table};

/// Names each sheet's table: a sheet named in the mapping file is that table (and then only
/// mapped names hold that table); otherwise the built-in aliases decide. Two sheets of one
/// workbook holding the same table is an error.
pub(crate) fn assign_tables(
    sheets: &mut [RawSheet],
    inputs: &[InputFile],
    csv_inputs: &[bool],
    opts: &ReadOptions,
) -> Result<(), ReadError> {
    for sheet in sheets.iter_mut() {
        let is_csv = csv_inputs.get(sheet.input).copied().unwrap_or(false);
        sheet.table = table_of_sheet(&sheet.name, is_csv, opts.mapping.as_ref());
    }
    for (input, file) in inputs.iter().enumerate() {
        for table in Table::ALL {
            let names: Vec<String> = sheets
                .iter()
                .filter(|s| s.input == input && s.table == Some(table))
                .map(|s| s.name.clone())
                .collect();
            if names.len() > 1 {
                return Err(ReadError::AmbiguousTable {
                    path: file.path.clone(),
                    table,
                    sheets: names,
                });
            }
        }
    }
    Ok(())
}

/// The table a sheet named `name` holds (a CSV file's `name` is its stem): the mapping file's,
/// else the built-in aliases' (unless the mapping names that table's sheets). Decided by the name
/// alone, so it is known before the sheet's cells are read.
pub(crate) fn table_of_sheet(name: &str, is_csv: bool, mapping: Option<&Mapping>) -> Option<Table> {
    mapping.and_then(|m| m.table_of_sheet(name)).or_else(|| {
        table_by_alias(name, is_csv)
            .filter(|t| mapping.is_none_or(|m| m.sheet_names(*t).is_empty()))
    })
}

pub(crate) fn require_table(
    table: Table,
    sheets: &[RawSheet],
    inputs: &[InputFile],
    opts: &ReadOptions,
) -> Result<(), ReadError> {
    if sheets.iter().any(|s| s.table == Some(table)) {
        return Ok(());
    }
    let seen = inputs
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let names = sheets
                .iter()
                .filter(|s| s.input == i)
                .map(|s| s.name.clone())
                .collect();
            (f.path.clone(), names)
        })
        .collect();
    let mapped = opts
        .mapping
        .as_ref()
        .map(|m| m.sheet_names(table).to_vec())
        .unwrap_or_default();
    Err(ReadError::MissingTable {
        table,
        seen,
        mapped,
    })
}

/// Finds the header row and columns of a table sheet; checks the required columns. When the
/// table is optional (`required` false: Premises with no Supplier or Network Party) and has no
/// header row or lacks a required column, it is left unread (no header row), not refused.
/// `path` names the sheet's input in an error.
pub(crate) fn set_header(
    sheet: &mut RawSheet,
    path: &str,
    mapping: Option<&Mapping>,
    required: bool,
) -> Result<(), ReadError> {
    let Some(table) = sheet.table else {
        return Ok(());
    };
    let path = path.to_string();
    let Some((header_row, columns)) = locate_header(sheet.rows(), table, mapping) else {
        if !required {
            return Ok(());
        }
        let first_row = sheet
            .rows()
            .map(|r| {
                r.iter()
                    .map(heading_text)
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .find(|r| !r.is_empty())
            .unwrap_or_default();
        let near: Vec<String> = sheet
            .rows()
            .take(HEADER_SEARCH_ROWS)
            .flat_map(|r| r.iter().map(heading_text))
            .filter(|t| !t.is_empty())
            .collect();
        return Err(ReadError::NoHeaderRow {
            path,
            sheet: sheet.name.clone(),
            table,
            first_row,
            suggestion: suggest_heading(Field::UserId, table, &near, mapping),
        });
    };
    for &field in table.required() {
        if columns.iter().any(|(f, _)| *f == field) {
            continue;
        }
        if !required {
            return Ok(());
        }
        let header = sheet.row(header_row);
        let headings: Vec<String> = header
            .iter()
            .map(heading_text)
            .filter(|t| !t.is_empty())
            .collect();
        let unmatched: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(c, _)| !columns.iter().any(|(_, col)| *col as usize == *c))
            .map(|(_, v)| heading_text(v))
            .filter(|t| !t.is_empty() && !headers::is_annotation_heading(t))
            .collect();
        return Err(ReadError::MissingColumn {
            path,
            sheet: sheet.name.clone(),
            table,
            field,
            header_row,
            headings,
            suggestion: suggest_heading(field, table, &unmatched, mapping),
        });
    }
    sheet.header_row = Some(header_row);
    sheet.columns = columns;
    Ok(())
}
