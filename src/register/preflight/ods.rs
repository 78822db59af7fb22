//! What calamine will allocate for an `.ods` file, worked out from `content.xml` before calamine
//! opens it. calamine's ODS reader builds every sheet at open time, expanding
//! `table:number-columns-repeated` (up to 16,384 per row), `table:number-rows-repeated` (up to
//! 1,048,576 rows) and `text:s text:c` (spaces) into memory, and then makes each sheet a dense
//! rectangle (calamine issue #594). This walks the same elements, mirroring its capping rules,
//! and totals per sheet the cells it will hold and the text it will copy.

use super::xmlscan::{Scanner, Token, attr, has_attr, number};

const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;

/// What one sheet will cost calamine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SheetCost {
    pub(crate) name: String,
    /// Cells held: the cells of every row as read, or the dense used range, whichever is more.
    pub(crate) cells: u64,
    /// Bytes of cell text and formulas copied into those cells.
    pub(crate) text_bytes: u64,
}

#[derive(Default)]
struct Table {
    cost: SheetCost,
    total_rows: u64,
    pre_cells: u64,
    pre_text: u64,
    dense_text: u64,
    first_nonempty: Option<u64>,
    last_nonempty_end: u64,
    max_width: u64,
}

#[derive(Default)]
struct Row {
    repeats: u64,
    pushed: u64,
    pending_empty: u64,
    nonempty: bool,
    text: u64,
}

#[derive(Default)]
struct Cell {
    repeats: u64,
    nonempty: bool,
    /// The value is the element's text content.
    content: bool,
    value_len: u64,
    formula_len: u64,
    annotation_depth: u32,
}

/// Walks `content.xml` chunk by chunk.
#[derive(Default)]
pub(crate) struct OdsScan {
    xml: Scanner,
    table: Option<Table>,
    row: Option<Row>,
    cell: Option<Cell>,
    /// An `office:annotation` opened in a cell whose text calamine reads, and not yet closed:
    /// calamine then skips everything up to the next `</office:annotation>`.
    open_annotation: bool,
    pub(crate) sheets: Vec<SheetCost>,
}

impl OdsScan {
    /// Feeds the next chunk. `stop` is asked after each sheet and may end the scan early.
    pub(crate) fn feed(&mut self, chunk: &[u8], stop: &mut dyn FnMut(&SheetCost) -> bool) -> bool {
        let mut xml = std::mem::take(&mut self.xml);
        let go_on = xml.feed(chunk, &mut |t| self.token(t, stop));
        self.xml = xml;
        go_on
    }

    /// Once the whole of `content.xml` has been fed: why calamine would never finish reading
    /// it. Its ODS reader loops for ever when the document ends inside a sheet (`read_table`
    /// waits for `</table:table>`) or inside a cell comment (it waits for
    /// `</office:annotation>`), as in a file cut short.
    pub(crate) fn endless(&self) -> Option<String> {
        if let Some(t) = &self.table {
            return Some(format!(
                "content.xml ends inside sheet \"{}\", as if the file was cut short",
                t.cost.name
            ));
        }
        if self.open_annotation {
            return Some("a cell comment in content.xml is never closed".to_string());
        }
        None
    }

    fn token(&mut self, t: Token<'_>, stop: &mut dyn FnMut(&SheetCost) -> bool) -> bool {
        match t {
            Token::Start { name, tag, empty } => {
                self.start(name, tag);
                if empty {
                    return self.end(name, stop);
                }
            }
            Token::End { name } => return self.end(name, stop),
            Token::Text(n) => {
                if let Some(c) = self.cell.as_mut()
                    && c.content
                    && c.annotation_depth == 0
                {
                    c.value_len = c.value_len.saturating_add(n as u64);
                }
            }
        }
        true
    }

    fn start(&mut self, name: &[u8], tag: &[u8]) {
        match name {
            b"table:table" if self.table.is_none() => {
                // calamine reads only named tables.
                if let Some(n) = attr(tag, b"table:name") {
                    self.table = Some(Table {
                        cost: SheetCost {
                            name: String::from_utf8_lossy(n).into_owned(),
                            ..SheetCost::default()
                        },
                        ..Table::default()
                    });
                }
            }
            b"table:table-row" if self.table.is_some() => {
                self.row = Some(Row {
                    repeats: attr(tag, b"table:number-rows-repeated")
                        .and_then(number)
                        .unwrap_or(1),
                    ..Row::default()
                });
            }
            b"table:table-cell" | b"table:covered-table-cell" if self.row.is_some() => {
                let formula_len = attr(tag, b"table:formula").map_or(0, |v| v.len() as u64);
                let mut value_len = 0;
                let mut value_set = false;
                for key in [
                    &b"office:value"[..],
                    b"office:string-value",
                    b"office:date-value",
                    b"office:time-value",
                    b"office:boolean-value",
                ] {
                    if let Some(v) = attr(tag, key) {
                        value_set = true;
                        value_len = value_len.max(v.len() as u64);
                    }
                }
                let string_type = attr(tag, b"office:value-type") == Some(b"string");
                let error = attr(tag, b"calcext:value-type") == Some(b"error");
                let content = (!value_set && string_type) || (error && value_len == 0);
                self.cell = Some(Cell {
                    repeats: attr(tag, b"table:number-columns-repeated")
                        .and_then(number)
                        .unwrap_or(1),
                    nonempty: value_set || content || has_attr(tag, b"table:formula"),
                    content,
                    value_len,
                    formula_len,
                    annotation_depth: 0,
                });
            }
            b"office:annotation" => {
                if let Some(c) = self.cell.as_mut() {
                    c.annotation_depth += 1;
                    if c.content {
                        self.open_annotation = true;
                    }
                }
            }
            b"text:s" => {
                if let Some(c) = self.cell.as_mut()
                    && c.content
                    && c.annotation_depth == 0
                {
                    let n = match attr(tag, b"text:c") {
                        Some(v) => number(v).unwrap_or(0),
                        None => 1,
                    };
                    c.value_len = c.value_len.saturating_add(n);
                }
            }
            b"text:p" | b"text:tab" | b"text:line-break" => {
                if let Some(c) = self.cell.as_mut() {
                    c.value_len = c.value_len.saturating_add(1);
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8], stop: &mut dyn FnMut(&SheetCost) -> bool) -> bool {
        match name {
            b"office:annotation" => {
                self.open_annotation = false;
                if let Some(c) = self.cell.as_mut() {
                    c.annotation_depth = c.annotation_depth.saturating_sub(1);
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                if let (Some(c), Some(r)) = (self.cell.take(), self.row.as_mut()) {
                    // As calamine's `read_row`: empty cells are held back and written only when
                    // a later cell of the row comes; every run is capped at 16,384 columns.
                    let capped_empty = r.pending_empty.min(MAX_COLUMNS.saturating_sub(r.pushed));
                    r.pushed += capped_empty;
                    r.pending_empty = 0;
                    let capped = c.repeats.min(MAX_COLUMNS.saturating_sub(r.pushed));
                    if c.nonempty {
                        r.pushed += capped;
                        r.nonempty = true;
                        r.text = r
                            .text
                            .saturating_add(capped.saturating_mul(c.value_len + c.formula_len));
                    } else {
                        r.pending_empty = capped;
                    }
                }
            }
            b"table:table-row" => {
                if let (Some(r), Some(t)) = (self.row.take(), self.table.as_mut()) {
                    let capped = r.repeats.min(MAX_ROWS.saturating_sub(t.total_rows));
                    let before = t.total_rows;
                    t.total_rows += capped;
                    t.pre_cells = t.pre_cells.saturating_add(r.pushed + 1);
                    t.pre_text = t.pre_text.saturating_add(r.text);
                    if r.nonempty {
                        t.first_nonempty.get_or_insert(before);
                        t.last_nonempty_end = t.total_rows;
                        t.max_width = t.max_width.max(r.pushed);
                        t.dense_text = t.dense_text.saturating_add(capped.saturating_mul(r.text));
                    }
                }
            }
            b"table:table" => {
                if let Some(t) = self.table.take() {
                    let dense = t
                        .first_nonempty
                        .map_or(0, |first| (t.last_nonempty_end - first) * t.max_width);
                    let mut cost = t.cost;
                    cost.cells = t.pre_cells.max(dense);
                    // The cells as read, the dense range, and its copy for `worksheet_range`.
                    cost.text_bytes = t.pre_text.saturating_add(t.dense_text.saturating_mul(2));
                    let go_on = stop(&cost);
                    self.sheets.push(cost);
                    return go_on;
                }
            }
            _ => {}
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> Vec<SheetCost> {
        let mut s = OdsScan::default();
        s.feed(xml.as_bytes(), &mut |_| true);
        s.sheets
    }

    #[test]
    fn trailing_empty_cells_and_rows_cost_nothing() {
        // What LibreOffice writes: a few cells, then empty runs to the sheet's edge.
        let c = scan(
            r#"<table:table table:name="Users"><table:table-row><table:table-cell office:value-type="string"><text:p>User ID</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1023"/></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].name, "Users");
        assert_eq!(c[0].cells, 3, "two row elements and one cell");
        assert!(c[0].text_bytes < 100);
    }

    #[test]
    fn repeated_values_are_counted_as_calamine_expands_them() {
        // issue #594: one value repeated across every column of a million rows.
        let c = scan(
            r#"<table:table table:name="S"><table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384"/></table:table-row></table:table>"#,
        );
        assert_eq!(c[0].cells, 1_048_576 * 16_384);
    }

    #[test]
    fn spaces_expand_text() {
        let c = scan(
            r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string" table:number-columns-repeated="100"><text:p><text:s text:c="1000000"/></text:p></table:table-cell></table:table-row></table:table>"#,
        );
        assert!(c[0].text_bytes >= 100 * 1_000_000);
    }

    #[test]
    fn a_document_cut_short_is_seen() {
        let mut s = OdsScan::default();
        s.feed(
            br#"<table:table table:name="Users"><table:table-row><table:table-cell office:value="1"/></table:table-row>"#,
            &mut |_| true,
        );
        assert!(s.endless().is_some_and(|m| m.contains("\"Users\"")));
        let mut s = OdsScan::default();
        s.feed(
            br#"<table:table table:name="U"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x</text:p></table:table-cell></table:table-row></table:table>"#,
            &mut |_| true,
        );
        assert!(s.endless().is_some());
        let mut s = OdsScan::default();
        s.feed(
            br#"<table:table table:name="U"><table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>x</text:p></office:annotation><text:p>y</text:p></table:table-cell></table:table-row></table:table>"#,
            &mut |_| true,
        );
        assert_eq!(s.endless(), None);
    }
}
