//! Sheet names of the output, and where each input cell ends up.
//!
//! The output cannot always keep an input's sheet names: Excel wants them unique (ignoring case),
//! at most 31 characters, without `[ ] : * ? / \`, and two inputs may both have a `Users` sheet.
//! [`Names`] hands out names in sheet order; [`SheetMap`] then turns a [`CellRef`] of the register
//! (input, sheet, row, column) into the output sheet and row that hold that cell, and into a link
//! (`internal:'Users'!A5`). Nothing here writes a cell.

use std::collections::{HashMap, HashSet};

use crate::model::{CellRef, SheetName, input_id};
use crate::register::{RawSheet, normalise_heading};

use super::sheet::{Part, part_name, plan_parts, with_suffix};

/// Names already given, compared as Excel does (ignoring case).
#[derive(Debug, Default)]
pub struct Names {
    taken: HashSet<String>,
}

/// Excel refuses a sheet named `History` (it reserves it for change tracking).
const RESERVED: [&str; 1] = ["history"];

impl Names {
    pub fn new() -> Names {
        Names::default()
    }

    fn key(name: &str) -> String {
        name.to_lowercase()
    }

    /// True when `name` is free and Excel accepts it as it stands.
    pub fn is_free(&self, name: &str) -> bool {
        is_valid(name) && !self.taken.contains(&Self::key(name))
    }

    /// Takes `name` if it is free, else the first free of `name (2)`, `name (3)` …; invalid
    /// characters are replaced first.
    pub fn take(&mut self, name: &str) -> String {
        let base = sanitise(name);
        let mut candidate = base.clone();
        let mut k = 1;
        while !self.is_free(&candidate) {
            k += 1;
            candidate = with_suffix(&base, &format!(" ({k})"));
        }
        self.taken.insert(Self::key(&candidate));
        candidate
    }

    /// Plans the sheets of a table of `total` rows, named from `base`: the first takes `base`
    /// (or the next free variant), continuations `base (2)` … (or the next free variants).
    pub fn plan(
        &mut self,
        base: &str,
        total: u32,
        header_row: Option<u32>,
        max_rows: u32,
    ) -> Vec<Part> {
        let first = self.take(base);
        plan_parts(total, header_row, max_rows)
            .into_iter()
            .enumerate()
            .map(|(k, (first_row, end, repeat_header))| Part {
                name: if k == 0 {
                    first.clone()
                } else {
                    self.take(&part_name(&first, k + 1))
                },
                first: first_row,
                end,
                repeat_header,
            })
            .collect()
    }
}

/// Excel's rules for a sheet name.
pub fn is_valid(name: &str) -> bool {
    !name.is_empty()
        && name.encode_utf16().count() <= 31
        && !name.contains(['*', '?', ':', '[', ']', '\\', '/'])
        && !name.starts_with('\'')
        && !name.ends_with('\'')
        && !name.chars().any(char::is_control)
        && !RESERVED.contains(&name.to_lowercase().as_str())
}

/// `name` made acceptable: forbidden characters become `_`, apostrophes at the ends go, it is cut
/// to 31 characters; a reserved or empty name gets a suffix.
pub fn sanitise(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if matches!(c, '*' | '?' | ':' | '[' | ']' | '\\' | '/') || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    s = s.trim_matches('\'').to_string();
    if s.trim().is_empty() {
        s = "Sheet".into();
    }
    if RESERVED.contains(&s.to_lowercase().as_str()) {
        s.push_str(" (1)");
    }
    with_suffix(&s, "")
}

/// The name an input sheet would like in the output. A sheet keeps its name, except that a CSV
/// file's stem is replaced by its table's name when the stem only differs from it by case or a
/// date stamp (`users-2024-03` → `Users`), so that the workbook reads back as the same register.
pub fn preferred_name(sheet: &RawSheet, from_csv: bool) -> String {
    if let (true, Some(table)) = (from_csv, sheet.table) {
        let n = normalise_heading(&sheet.name);
        let stripped = n.trim_matches(|c: char| c.is_ascii_digit());
        if n == normalise_heading(table.name())
            || table
                .aliases()
                .iter()
                .any(|a| normalise_heading(a) == stripped)
        {
            return table.name().to_string();
        }
    }
    if !is_valid(&sheet.name)
        && let Some(table) = sheet.table
    {
        // A name Excel refuses (e.g. `History`): the table's own name reads back the same.
        return table.name().to_string();
    }
    sheet.name.clone()
}

/// True when an input path names a CSV file (whose single sheet is named by its stem).
pub fn is_csv_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".csv", ".tsv", ".tab"].iter().any(|e| lower.ends_with(e))
}

/// Where the sheets of the inputs went.
#[derive(Debug, Default)]
pub struct SheetMap {
    sheets: HashMap<(u32, SheetName), Placed>,
}

#[derive(Debug, Clone)]
struct Placed {
    parts: Vec<Part>,
}

impl SheetMap {
    pub fn insert(&mut self, input: usize, sheet: &str, parts: Vec<Part>) {
        self.sheets
            .insert((input_id(input), SheetName::new(sheet)), Placed { parts });
    }

    /// The output sheet and 0-based row and column of an input cell.
    pub fn locate(&self, cell: &CellRef) -> Option<(&str, u32, u32)> {
        let placed = self.sheets.get(&(cell.input, cell.sheet))?;
        let part = placed
            .parts
            .iter()
            .find(|p| cell.row >= p.first && cell.row < p.end)
            .or_else(|| placed.parts.last().filter(|p| cell.row >= p.end))?;
        let row = if cell.row >= part.end {
            // Beyond the data read (should not happen): the last part, row as far as it goes.
            part.out_row(part.end.max(part.first + 1) - 1)
        } else {
            part.out_row(cell.row)
        };
        Some((part.name.as_str(), row, cell.col))
    }

    /// A link to an input cell in the output (`internal:'Users'!A5`), if the cell's sheet is in
    /// the output.
    pub fn link(&self, cell: &CellRef) -> Option<String> {
        let (name, row, col) = self.locate(cell)?;
        Some(internal_link(name, row, col))
    }

    /// The cell as a person reads it in the output (`Users!A5`).
    pub fn display(&self, cell: &CellRef) -> String {
        match self.locate(cell) {
            Some((name, row, col)) => CellRef {
                input: cell.input,
                sheet: SheetName::new(name),
                row,
                col,
            }
            .to_string(),
            None => cell.to_string(),
        }
    }
}

/// `internal:'Sheet'!E17` for a 0-based row and column.
pub fn internal_link(sheet: &str, row: u32, col: u32) -> String {
    format!(
        "internal:'{}'!{}{}",
        sheet.replace('\'', "''"),
        CellRef::column_name(col),
        row + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(input: u32, sheet: &str, row: u32, col: u32) -> CellRef {
        CellRef {
            input,
            sheet: sheet.into(),
            row,
            col,
        }
    }

    #[test]
    fn names_are_unique_ignoring_case() {
        let mut n = Names::new();
        assert_eq!(n.take("Users"), "Users");
        assert_eq!(n.take("users"), "users (2)");
        assert_eq!(n.take("USERS"), "USERS (3)");
    }

    #[test]
    fn invalid_names_are_made_acceptable() {
        let mut n = Names::new();
        assert_eq!(n.take("a/b:c"), "a_b_c");
        assert_eq!(n.take("'quoted'"), "quoted");
        assert_eq!(n.take("History"), "History (1)");
        let long = n.take(&"x".repeat(40));
        assert_eq!(long.len(), 31);
        assert_eq!(n.take(&"x".repeat(40)), format!("{} (2)", "x".repeat(27)));
    }

    #[test]
    fn a_cell_maps_to_its_part_and_row() {
        let mut names = Names::new();
        let parts = names.plan("Premises", 12, Some(0), 5);
        assert_eq!(
            parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["Premises", "Premises (2)", "Premises (3)"]
        );
        let mut map = SheetMap::default();
        map.insert(0, "premises", parts);
        assert_eq!(
            map.locate(&cell(0, "premises", 3, 1)),
            Some(("Premises", 3, 1))
        );
        assert_eq!(
            map.locate(&cell(0, "premises", 5, 1)),
            Some(("Premises (2)", 1, 1))
        );
        assert_eq!(
            map.locate(&cell(0, "premises", 11, 2)),
            Some(("Premises (3)", 3, 2))
        );
        assert_eq!(
            map.link(&cell(0, "premises", 11, 2)).as_deref(),
            Some("internal:'Premises (3)'!C4")
        );
        assert_eq!(map.locate(&cell(1, "premises", 3, 1)), None);
    }

    #[test]
    fn links_quote_the_sheet_name() {
        assert_eq!(internal_link("Users", 4, 0), "internal:'Users'!A5");
        assert_eq!(internal_link("O'Brien", 16, 4), "internal:'O''Brien'!E17");
    }
}
