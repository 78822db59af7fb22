//! From raw sheets to the typed register (SPEC §1.1–1.4, §6.11, §6.26, §6.27).
//!
//! Once `tables` has named each sheet's table and header row, reads every data row: each cell is
//! parsed by [`super::value`], and a refused value becomes an [`InputIssue`] naming the cell,
//! after which the value is blank and reading goes on. Rows that cannot make a record (no user_id, no
//! type, an unknown user, a refused count) are skipped with their issue. No rule is applied here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::model::{SheetName, input_id, thousands};

use chrono::{Datelike, NaiveDate};

use crate::model::{
    Assessment, AssessmentColumns, AssessmentValues, CellRef, InputFile, InputIssue, IssueCode,
    Located, Register, Role, Snapshot, User,
};

use super::tables::{assign_tables, require_table, set_header, table_of_sheet};
use super::value::{
    self, CountError, MAX_YEAR, MIN_YEAR, count_from_f64, excel_serial_to_date, parse_count,
    parse_date_text, parse_purpose, parse_roles, parse_status, parse_type, plain_number,
    split_list,
};
use super::{Field, RawSheet, RawValue, ReadError, ReadOptions, ReadOutcome, Table};

/// The Users and Premises records, built while the Assessments sheets are still being read
/// ([`early`]): a large register's Assessments sheet takes longer to read than every other sheet
/// together, and these records need only the other sheets. [`build`] takes them in place of
/// building them again, after making every check it makes without them, in the same order. It
/// trusts its caller that they were built from the very sheets it is given (the same input, read
/// in the same pass).
pub(crate) struct Early<'o> {
    users: Vec<User>,
    /// The Users' issues.
    reader: Reader<'o>,
    /// The ids of `users`, as [`KnownUsers`] holds them.
    ids: FxHashMap<Arc<str>, u32>,
    lookalikes: Lookalikes,
    /// The Premises records and their issues; `None` when they could not be built early (the
    /// table is missing or its header refused: [`build`] then says why).
    premises: Option<(Vec<Snapshot>, Reader<'o>)>,
}

/// Builds [`Early`] from the sheets of one input (at `path`) that hold the Users and Premises
/// tables, or `None` when it cannot without the other sheets, or when [`build`] will refuse the
/// register on these sheets anyway. Sets their tables and headers, and frees their cells once
/// read (unless kept), as [`build`] would.
pub(crate) fn early<'o>(
    sheets: &mut [&mut RawSheet],
    path: &str,
    opts: &'o ReadOptions,
) -> Option<Early<'o>> {
    let mapping = opts.mapping.as_ref();
    for sheet in sheets.iter_mut() {
        sheet.table = table_of_sheet(&sheet.name, false, mapping);
    }
    let count =
        |sheets: &[&mut RawSheet], table| sheets.iter().filter(|s| s.table == Some(table)).count();
    if count(sheets, Table::Users) != 1 || count(sheets, Table::Premises) > 1 {
        return None;
    }
    for sheet in sheets.iter_mut().filter(|s| s.table == Some(Table::Users)) {
        set_header(sheet, path, mapping, true).ok()?;
    }
    let mut reader = Reader::new(opts);
    let users = reader.users(sheets.iter().map(|s| &**s));
    let premises_required = premises_required(&users);
    let known = KnownUsers::new(&users);
    let mut premises = None;
    if count(sheets, Table::Premises) == 1 || !premises_required {
        let mut refused = false;
        for sheet in sheets
            .iter_mut()
            .filter(|s| s.table == Some(Table::Premises))
        {
            refused |= set_header(sheet, path, mapping, premises_required).is_err();
        }
        if !refused {
            let mut on_premises = Reader::new(opts);
            let shared: Vec<&RawSheet> = sheets
                .iter()
                .filter(|s| s.table == Some(Table::Premises))
                .map(|s| &**s)
                .collect();
            let snapshots = on_premises.premises(&shared, &known);
            premises = Some((snapshots, on_premises));
        }
    }
    let lookalikes = Lookalikes::new(&users);
    let ids = known.ids;
    for sheet in sheets.iter_mut() {
        let read = match sheet.table {
            Some(Table::Users) => true,
            Some(Table::Premises) => premises.is_some(),
            _ => false,
        };
        if read {
            free_cells(sheet, opts);
        }
    }
    Some(Early {
        users,
        reader,
        ids,
        lookalikes,
        premises,
    })
}

/// True when a User is a Supplier or Network Party: the Premises table is then required.
fn premises_required(users: &[User]) -> bool {
    users.iter().any(|u| {
        u.roles.iter().any(|r| {
            matches!(
                r,
                Role::ImportSupplier
                    | Role::GasSupplier
                    | Role::ElectricityDistributor
                    | Role::GasTransporter
            )
        })
    })
}

/// Builds the register from every raw sheet. `csv_inputs[i]` is true when input `i` is a CSV file.
/// `early` holds the Users and Premises records when they were built while reading.
pub(crate) fn build<'o>(
    inputs: Vec<InputFile>,
    mut sheets: Vec<RawSheet>,
    csv_inputs: &[bool],
    opts: &'o ReadOptions,
    early: Option<Early<'o>>,
) -> Result<ReadOutcome, ReadError> {
    assign_tables(&mut sheets, &inputs, csv_inputs, opts)?;
    let mapping = opts.mapping.as_ref();
    for table in [Table::Users, Table::Assessments] {
        require_table(table, &sheets, &inputs, opts)?;
    }
    let path_of = |sheet: &RawSheet| {
        inputs
            .get(sheet.input)
            .map(|f| f.path.clone())
            .unwrap_or_default()
    };
    for sheet in sheets.iter_mut() {
        let users_done = early.is_some() && sheet.table == Some(Table::Users);
        if matches!(sheet.table, Some(Table::Users | Table::Assessments)) && !users_done {
            set_header(sheet, &path_of(sheet), mapping, true)?;
        }
    }

    // A sheet that holds no table is not read further.
    for sheet in sheets.iter_mut().filter(|s| s.table.is_none()) {
        free_cells(sheet, opts);
    }
    let (users, mut reader, ids, lookalikes, early_premises) = match early {
        Some(e) => (
            e.users,
            e.reader,
            Some(e.ids),
            Some(e.lookalikes),
            e.premises,
        ),
        None => {
            let mut reader = Reader::new(opts);
            let users = reader.users(sheets.iter());
            (users, reader, None, None, None)
        }
    };

    let premises_required = premises_required(&users);
    if premises_required {
        require_table(Table::Premises, &sheets, &inputs, opts)?;
    }
    if early_premises.is_none() {
        for sheet in sheets.iter_mut() {
            if sheet.table == Some(Table::Premises) {
                set_header(sheet, &path_of(sheet), mapping, premises_required)?;
            }
        }
    }

    // Premises and Assessments are read side by side; their issues then follow the Users' in
    // the order one reader would have found them, and only then are unknown user_ids given
    // their suggestions, in that order, so that the work budget of the suggestions runs out at
    // the same id every time.
    let known = match ids {
        Some(ids) => KnownUsers { users: &users, ids },
        None => KnownUsers::new(&users),
    };
    let mut premises_sheets = Vec::new();
    let mut assessments_sheets = Vec::new();
    for sheet in sheets.iter_mut() {
        match sheet.table {
            Some(Table::Users) => free_cells(sheet, opts),
            Some(Table::Premises) if early_premises.is_none() => premises_sheets.push(sheet),
            Some(Table::Assessments) => assessments_sheets.push(sheet),
            _ => {}
        }
    }
    // Each table's cells are freed as soon as its records are built (unless kept), so that the
    // table read second, and the rules, can reuse the memory. The index of ids the suggestions
    // search is built meanwhile (unless built early), by whichever thread is free first. When the
    // cells are kept for a workbook, a large Assessments table is read in two halves, one a
    // thread. Otherwise memory is what bounds a large register (its cells are freed table by
    // table as records are built), and the second half's records, held until they are appended
    // to the first's, would add half the table's records to the peak: one reader then.
    let from_rows = if opts.keep_cells {
        HALVES_FROM_ROWS
    } else {
        usize::MAX
    };
    let read_assessments = |sheets| {
        read_then_free(sheets, opts, |s| {
            assessments_in_halves(s, &known, opts, from_rows)
        })
    };
    // Built early, the Premises records are only taken; else they are read here.
    let mut on_premises = Reader::new(opts);
    let ((premises, lookalikes), (assessments, on_assessments)) = rayon::join(
        || {
            rayon::join(
                || match early_premises {
                    Some((premises, reader)) => {
                        on_premises = reader;
                        premises
                    }
                    None => {
                        read_then_free(premises_sheets, opts, |s| on_premises.premises(s, &known))
                    }
                },
                || lookalikes.unwrap_or_else(|| Lookalikes::new(&users)),
            )
        },
        || read_assessments(assessments_sheets),
    );
    reader.append(on_premises);
    reader.append(on_assessments);
    reader.suggest_users(&lookalikes, &users);
    drop(lookalikes);
    drop(known);
    let has_sms_notified_column = sheets
        .iter()
        .any(|s| s.table == Some(Table::Users) && s.column(Field::SmsNotifiedOn).is_some());

    let mut issues = reader.issues;
    // Reading order: input, sheet (as in the workbook), row, column.
    let order: HashMap<(usize, &str), usize> = sheets
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.input, s.name.as_str()), i))
        .collect();
    issues.sort_by_key(|i| {
        (
            i.cell.input,
            order
                .get(&(i.cell.input as usize, &*i.cell.sheet))
                .copied()
                .unwrap_or(usize::MAX),
            i.cell.row,
            i.cell.col,
        )
    });

    Ok(ReadOutcome {
        register: Register {
            inputs,
            users,
            premises,
            assessments,
            has_sms_notified_column,
        },
        issues,
        sheets,
    })
}

/// Below this many rows the Assessments table is read on one thread.
const HALVES_FROM_ROWS: usize = 20_000;

/// The Assessments records of `sheets` and their issues: from `from_rows` rows on, the rows in
/// two halves read side by side, each with a reader of its own, put together in order (the
/// second half's records renumbered after the first's), as one reader would have found them.
fn assessments_in_halves<'o>(
    sheets: &[&RawSheet],
    known: &KnownUsers<'_>,
    opts: &'o ReadOptions,
    from_rows: usize,
) -> (Vec<Assessment>, Reader<'o>) {
    let whole: Vec<(&RawSheet, Range<usize>)> =
        sheets.iter().map(|s| (*s, 0..s.row_count())).collect();
    let rows: usize = whole.iter().map(|(_, r)| r.len()).sum();
    if rows < from_rows || rayon::current_num_threads() < 2 {
        let mut reader = Reader::new(opts);
        let records = reader.assessments(&whole, known);
        return (records, reader);
    }
    // Cut the list of rows at its middle row.
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let mut before = 0;
    for (sheet, range) in whole {
        let cut = (rows / 2).saturating_sub(before).min(range.len());
        before += range.len();
        if cut > 0 {
            first.push((sheet, range.start..range.start + cut));
        }
        if cut < range.len() {
            second.push((sheet, range.start + cut..range.end));
        }
    }
    let ((mut records, mut reader), (more, on_second)) = rayon::join(
        || {
            let mut reader = Reader::new(opts);
            let mut records = reader.assessments(&first, known);
            // Room for the second half's records too: appending them then copies nothing else.
            records.reserve_exact(rows - rows / 2);
            (records, reader)
        },
        || {
            let mut reader = Reader::new(opts);
            (reader.assessments(&second, known), reader)
        },
    );
    let offset = u32::try_from(records.len()).unwrap_or(u32::MAX);
    records.extend(more.into_iter().map(|mut a| {
        a.index = a.index.saturating_add(offset);
        a
    }));
    reader.append(on_second);
    (records, reader)
}

/// Frees the cells of a sheet whose records are built, unless [`ReadOptions::keep_cells`].
fn free_cells(sheet: &mut RawSheet, opts: &ReadOptions) {
    if !opts.keep_cells {
        sheet.free_cells();
    }
}

/// The records `read` builds from `sheets`; then the sheets' cells are freed, unless kept.
fn read_then_free<T>(
    sheets: Vec<&mut RawSheet>,
    opts: &ReadOptions,
    read: impl FnOnce(&[&RawSheet]) -> T,
) -> T {
    let shared: Vec<&RawSheet> = sheets.iter().map(|s| &**s).collect();
    let out = read(&shared);
    for sheet in sheets {
        free_cells(sheet, opts);
    }
    out
}

/// How many distinct unknown user_ids get a "did you mean" search.
const MAX_USER_SUGGESTIONS: usize = 1000;

/// The string-distance work (pairs of characters compared) all user_id suggestions may take
/// together: a fraction of a second. Past it, UNKNOWN_USER is still reported, without a suggestion, so
/// that a register of long ids cannot make the run quadratic.
const USER_SUGGESTION_WORK: u64 = 100_000_000;

/// The user_ids of the Users table, for UNKNOWN_USER: every row of Premises and Assessments
/// looks its id up here.
struct KnownUsers<'u> {
    users: &'u [User],
    /// Each id once, shared by the records of that User, with the position of the first User of
    /// that id.
    ids: FxHashMap<Arc<str>, u32>,
}

impl<'u> KnownUsers<'u> {
    fn new(users: &'u [User]) -> Self {
        let mut ids = FxHashMap::with_capacity_and_hasher(users.len(), Default::default());
        for (i, u) in users.iter().enumerate() {
            // The first User of an id is the one its records belong to.
            ids.entry(Arc::from(u.user_id.as_str()))
                .or_insert(u32::try_from(i).unwrap_or(u32::MAX));
        }
        KnownUsers { users, ids }
    }

    /// The id, shared, and the position of its User, when it is a User's.
    fn get(&self, id: &str) -> Option<(&Arc<str>, u32)> {
        self.ids.get_key_value(id).map(|(id, &i)| (id, i))
    }
}

/// The user_ids of the Users table as an UNKNOWN_USER's suggestion searches them. Holds positions
/// in the Users' list, not the ids, so that it can be built before that list has its owner.
struct Lookalikes {
    /// By lower case; the first id wins.
    by_lower: FxHashMap<String, u32>,
    /// By [`fold_lookalikes`]; the first id wins.
    by_folded: FxHashMap<String, u32>,
    /// The total length of the ids, in characters.
    list_chars: u64,
}

impl Lookalikes {
    fn new(users: &[User]) -> Self {
        let mut by_lower = FxHashMap::with_capacity_and_hasher(users.len(), Default::default());
        let mut by_folded = FxHashMap::with_capacity_and_hasher(users.len(), Default::default());
        for (i, u) in users.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let id = u.user_id.as_str();
            by_lower.entry(id.to_lowercase()).or_insert(i);
            by_folded.entry(fold_lookalikes(id)).or_insert(i);
        }
        Lookalikes {
            by_lower,
            by_folded,
            list_chars: users.iter().map(|u| u.user_id.chars().count() as u64).sum(),
        }
    }

    /// The same id in another case; else one that differs only by look-alike characters
    /// (`U0l2` for `U012`: l/I for 1, O for 0); else the closest id. `users` is the list these
    /// look-alikes were built from.
    /// The search for the closest id costs `id` × every id, taken from `work_left`; when that is
    /// not enough, there is no suggestion.
    #[cfg(test)]
    fn suggest(&self, users: &[User], id: &str, work_left: &mut u64) -> Option<String> {
        self.search(users, id, work_left).run(users, id)
    }

    /// [`Lookalikes::suggest`] up to the search for the closest id, which is left to
    /// [`Search::run`] (its work already taken from `work_left`).
    fn search(&self, users: &[User], id: &str, work_left: &mut u64) -> Search {
        let at = |i: &u32| users.get(*i as usize).map(|u| u.user_id.clone());
        if let Some(i) = self.by_lower.get(&id.to_lowercase()) {
            return Search::Found(at(i));
        }
        if let Some(i) = self.by_folded.get(&fold_lookalikes(id)) {
            return Search::Found(at(i));
        }
        let work = (id.chars().count() as u64).saturating_mul(self.list_chars);
        if work > *work_left {
            return Search::Found(None);
        }
        *work_left -= work;
        Search::Closest
    }
}

/// What is left of a suggestion's search once its work is accounted for.
enum Search {
    /// Answered without comparing strings (or no work left for it).
    Found(Option<String>),
    /// The closest id is to be found.
    Closest,
}

impl Search {
    fn run(self, users: &[User], id: &str) -> Option<String> {
        match self {
            Search::Found(s) => s,
            Search::Closest => {
                let ids = users.iter().map(|u| u.user_id.as_str());
                value::closest(id, ids, 0.7).map(str::to_string)
            }
        }
    }
}

/// Lower case, with characters typed for one another folded together: l, i → 1; o → 0.
fn fold_lookalikes(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'l' | 'i' => '1',
            'o' => '0',
            c => c,
        })
        .collect()
}

/// One data row of a table sheet.
struct Row<'a> {
    sheet: &'a RawSheet,
    /// The sheet's input and name, shared by the cells of every record read from it.
    input: u32,
    name: SheetName,
    row: u32,
}

impl<'a> Row<'a> {
    fn cell_ref(&self, col: u32) -> CellRef {
        CellRef {
            input: self.input,
            sheet: self.name,
            row: self.row,
            col,
        }
    }

    /// The cell of `field`, or `None` when the table has no such column.
    fn get(&self, field: Field) -> Option<(CellRef, RawValue<'a>)> {
        let col = self.sheet.column(field)?;
        Some((self.cell_ref(col), self.sheet.value(self.row, col)))
    }
}

/// The data rows of a table sheet: below the header row, not all blank (annotation columns
/// g8audit appended are not data).
fn data_rows(sheet: &RawSheet) -> impl Iterator<Item = Row<'_>> {
    data_rows_in(sheet, 0..sheet.row_count())
}

/// The data rows of a table sheet among the 0-based rows `rows`.
fn data_rows_in(sheet: &RawSheet, rows: Range<usize>) -> impl Iterator<Item = Row<'_>> {
    let name = SheetName::new(&sheet.name);
    let input = input_id(sheet.input);
    let start = sheet
        .header_row
        .map(|h| h as usize + 1)
        .unwrap_or(usize::MAX)
        .max(rows.start);
    let end = rows.end.min(sheet.row_count());
    let annotations = sheet.annotation_columns();
    (start..end)
        .map(move |r| (r, sheet.row(r as u32)))
        .filter(move |(_, cells)| {
            cells
                .iter()
                .enumerate()
                .any(|(c, v)| !v.is_blank() && !annotations.contains(&(c as u32)))
        })
        .map(move |(r, _)| Row {
            sheet,
            input,
            name,
            row: r as u32,
        })
}

/// The value of `cell`, looked up among `sheets`.
fn cell_value<'a>(sheets: &[&'a RawSheet], cell: &CellRef) -> RawValue<'a> {
    sheets
        .iter()
        .find(|s| s.input == cell.input as usize && *s.name == *cell.sheet)
        .map_or(RawValue::Empty, |s| s.value(cell.row, cell.col))
}

/// A cell's text, trimmed; `None` when blank or an error value. A text cell's is borrowed from
/// the sheet: most of a register's cells are text, read once per row.
fn text_of(v: RawValue<'_>) -> Option<Cow<'_, str>> {
    match v {
        RawValue::Empty | RawValue::Error(_) => None,
        RawValue::Text(t) => {
            let t = t.trim();
            (!t.is_empty()).then_some(Cow::Borrowed(t))
        }
        other => {
            let t = other.to_string();
            let t = t.trim();
            (!t.is_empty()).then(|| Cow::Owned(t.to_string()))
        }
    }
}

/// A value quoted for a message: `"31/02/2021"`.
fn quoted(v: RawValue<'_>) -> String {
    format!("\"{}\"", v.to_string().trim())
}

/// What a date column's value means, or why it is refused.
fn date_of(
    v: RawValue<'_>,
    order: super::DateOrder,
    date1904: bool,
) -> Result<Option<NaiveDate>, String> {
    match v {
        RawValue::Empty => Ok(None),
        RawValue::Text(t) if t.trim().is_empty() => Ok(None),
        RawValue::Date(dt) => {
            let d = dt.date();
            if (MIN_YEAR..=MAX_YEAR).contains(&d.year()) {
                Ok(Some(d))
            } else {
                Err(format!("is not a date between {MIN_YEAR} and {MAX_YEAR}"))
            }
        }
        RawValue::Number(n) => excel_serial_to_date(n, date1904).map(Some).ok_or_else(|| {
            format!("is not a date: as an Excel serial date it falls outside {MIN_YEAR}–{MAX_YEAR}")
        }),
        RawValue::Text(t) => match parse_date_text(t, order) {
            Ok(d) => Ok(Some(d)),
            Err(e) => match plain_number(t) {
                Some(n) => excel_serial_to_date(n, date1904)
                    .map(Some)
                    .ok_or_else(|| e.to_string()),
                None => Err(e.to_string()),
            },
        },
        RawValue::Bool(_) => Err("is not a date".to_string()),
        RawValue::Error(_) => Err("is an error value, not a date".to_string()),
    }
}

/// What a count column's value means, or why it is refused.
fn count_of(v: RawValue<'_>) -> Result<Option<u64>, CountError> {
    match v {
        RawValue::Empty => Ok(None),
        RawValue::Text(t) if t.trim().is_empty() => Ok(None),
        RawValue::Number(n) => count_from_f64(n).map(Some),
        RawValue::Text(t) => parse_count(t).map(Some),
        RawValue::Bool(_) | RawValue::Date(_) | RawValue::Error(_) => Err(CountError::Bad),
    }
}

/// Reads rows into records, collecting issues.
struct Reader<'o> {
    opts: &'o ReadOptions,
    issues: Vec<InputIssue>,
    /// UNKNOWN_USER issues still without their suggestion: (index into `issues`, the user_id).
    unknown_users: Vec<(usize, String)>,
}

impl<'o> Reader<'o> {
    fn new(opts: &'o ReadOptions) -> Self {
        Reader {
            opts,
            issues: Vec::new(),
            unknown_users: Vec::new(),
        }
    }

    /// Records an issue. `what` says what is wrong and what happens, without the cell (the
    /// issue carries it) or the suggestion (likewise): a report prints
    /// `{cell}: {message} — did you mean {suggestion}?`.
    fn issue(
        &mut self,
        code: IssueCode,
        cell: CellRef,
        value: RawValue<'_>,
        what: String,
        suggestion: Option<String>,
    ) {
        self.issues.push(InputIssue {
            code,
            message: what,
            cell,
            value: value.to_string(),
            suggestion,
        });
    }

    /// A text field; blank and absent are `None`.
    fn text(&self, row: &Row, field: Field) -> Option<String> {
        row.get(field)
            .and_then(|(_, v)| text_of(v))
            .map(Cow::into_owned)
    }

    /// The user_id of a row, or a MISSING_VALUE issue.
    fn user_id<'s>(&mut self, row: &Row<'s>) -> Option<(Cow<'s, str>, CellRef)> {
        let (cell, v) = row.get(Field::UserId)?;
        match text_of(v) {
            Some(id) => Some((id, cell)),
            None => {
                let what = match v {
                    RawValue::Error(_) => format!(
                        "user_id {} is an error value; the row is skipped",
                        quoted(v)
                    ),
                    _ => "user_id is blank; the row is skipped".to_string(),
                };
                self.issue(IssueCode::MissingValue, cell, v, what, None);
                None
            }
        }
    }

    /// A date field: BAD_DATE when refused; FUTURE_DATE for an event after today (SPEC §6.26).
    /// Returns the value (blank when refused) and whether it was refused.
    fn date(&mut self, row: &Row, field: Field) -> (Located<NaiveDate>, bool) {
        let Some((cell, v)) = row.get(field) else {
            return (Located::default(), false);
        };
        match date_of(v, self.opts.date_order, row.sheet.date1904) {
            Ok(Some(d)) if field.is_event_date() && d > self.opts.today => {
                let what = format!(
                    "{field} {} is after today ({}), so it cannot have happened yet; read as blank",
                    quoted(v),
                    self.opts.today
                );
                self.issue(IssueCode::FutureDate, cell.clone(), v, what, None);
                (Located::new(None, Some(cell.col)), true)
            }
            Ok(d) => (Located::new(d, Some(cell.col)), false),
            Err(why) => {
                let what = format!("{} {why}", quoted(v));
                self.issue(IssueCode::BadDate, cell.clone(), v, what, None);
                (Located::new(None, Some(cell.col)), true)
            }
        }
    }

    /// A count field. Returns the count (blank when refused) and whether it was refused.
    fn count(&mut self, row: &Row, field: Field) -> (Option<u64>, Option<CellRef>, bool) {
        let Some((cell, v)) = row.get(field) else {
            return (None, None, false);
        };
        match count_of(v) {
            Ok(n) => (n, Some(cell), false),
            Err(e) => {
                let code = match e {
                    CountError::Negative => IssueCode::NegativeNumber,
                    CountError::Bad | CountError::Fraction => IssueCode::BadNumber,
                };
                let what = format!("{} {e}", quoted(v));
                self.issue(code, cell.clone(), v, what, None);
                (None, Some(cell), true)
            }
        }
    }

    /// Roles of a list cell; UNKNOWN_ROLE per unknown token. `None` when blank.
    fn roles(&mut self, row: &Row, field: Field) -> Option<Vec<Role>> {
        let (cell, v) = row.get(field)?;
        let text = text_of(v)?;
        let (roles, unknown) = parse_roles(&text);
        for token in &unknown {
            let suggestion = value::suggest_role(token).map(str::to_string);
            let what = format!("\"{token}\" is not a User Role and is ignored");
            self.issue(IssueCode::UnknownRole, cell.clone(), v, what, suggestion);
        }
        Some(roles)
    }

    /// Whether `id` is a User; UNKNOWN_USER (with the likely id) when not.
    /// The id shared by the User's records, or an UNKNOWN_USER issue when `id` is no User's.
    fn check_user(
        &mut self,
        known: &KnownUsers,
        id: &str,
        cell: &CellRef,
        v: RawValue<'_>,
    ) -> Option<(Arc<str>, u32)> {
        if let Some((shared, user)) = known.get(id) {
            return Some((Arc::clone(shared), user));
        }
        let what = format!("\"{id}\" is not a user_id of the Users table; the row is skipped");
        self.issue(IssueCode::UnknownUser, cell.clone(), v, what, None);
        self.unknown_users
            .push((self.issues.len() - 1, id.to_string()));
        None
    }

    /// Takes the issues another reader found (after this one's).
    fn append(&mut self, other: Reader<'_>) {
        let offset = self.issues.len();
        self.issues.extend(other.issues);
        let moved = other.unknown_users.into_iter();
        self.unknown_users
            .extend(moved.map(|(i, id)| (i + offset, id)));
    }

    /// Gives each UNKNOWN_USER issue its "did you mean", in the order the issues were found.
    /// Each distinct unknown id is compared with every user_id once; past a bound (a whole table
    /// of ids in another format) no more suggestions are sought.
    fn suggest_users(&mut self, known: &Lookalikes, users: &[User]) {
        use rayon::prelude::*;
        // Which ids are searched, and so where the work budget runs out, is decided in the order
        // the issues were found; the searches themselves (each compares an id with every
        // user_id) then run side by side.
        let mut searched: FxHashMap<&str, usize> = FxHashMap::default();
        let mut searches: Vec<(&str, Search)> = Vec::new();
        let mut work_left = USER_SUGGESTION_WORK;
        for (_, id) in &self.unknown_users {
            if searched.contains_key(id.as_str()) || searches.len() >= MAX_USER_SUGGESTIONS {
                continue;
            }
            searched.insert(id, searches.len());
            searches.push((id, known.search(users, id, &mut work_left)));
        }
        let found: Vec<Option<String>> = searches
            .into_par_iter()
            .map(|(id, search)| search.run(users, id))
            .collect();
        for (i, id) in &self.unknown_users {
            let suggestion = searched.get(id.as_str()).and_then(|&k| found[k].clone());
            if let Some(issue) = self.issues.get_mut(*i) {
                issue.suggestion = suggestion;
            }
        }
        self.unknown_users.clear();
    }

    fn users<'s>(&mut self, sheets: impl Iterator<Item = &'s RawSheet> + Clone) -> Vec<User> {
        let tables = || sheets.clone().filter(|s| s.table == Some(Table::Users));
        let rows = tables().map(RawSheet::row_count).sum();
        let mut users: Vec<User> = Vec::with_capacity(rows);
        // Keyed by the id as the sheet holds it: no copy of a text cell's.
        let mut first: FxHashMap<Cow<'_, str>, CellRef> =
            FxHashMap::with_capacity_and_hasher(rows, Default::default());
        for sheet in tables() {
            for row in data_rows(sheet) {
                let Some((user_id, cell)) = self.user_id(&row) else {
                    continue;
                };
                if let Some(earlier) = first.get(&*user_id) {
                    let v = row.sheet.value(cell.row, cell.col);
                    let what = format!(
                        "user_id \"{user_id}\" is already on {earlier}; this row is skipped and the first kept"
                    );
                    self.issue(IssueCode::DuplicateUser, cell, v, what, None);
                    continue;
                }
                first.insert(user_id.clone(), cell.clone());

                let roles = match self.roles(&row, Field::Roles) {
                    Some(roles) => roles,
                    None => {
                        if let Some((rcell, v)) = row.get(Field::Roles) {
                            let what = "roles is blank; the User is read with no roles".to_string();
                            self.issue(IssueCode::MissingValue, rcell, v, what, None);
                        }
                        Vec::new()
                    }
                };
                let list = |field| {
                    self.text(&row, field)
                        .map(|t| split_list(&t).map(str::to_string).collect::<Vec<_>>())
                        .unwrap_or_default()
                };
                let shared_resource_providers = list(Field::SharedResourceProvider);
                let shared_resources_groups = list(Field::SharedResourcesGroup);
                let name = self.text(&row, Field::Name);
                let (left_on, _) = self.date(&row, Field::LeftOn);
                let (sms_notified_on, _) = self.date(&row, Field::SmsNotifiedOn);
                users.push(User {
                    user_id: user_id.into_owned(),
                    name,
                    roles,
                    shared_resource_providers,
                    shared_resources_groups,
                    left_on,
                    sms_notified_on,
                    cell,
                });
            }
        }
        users
    }

    /// The snapshots of the Premises `sheets`.
    fn premises(&mut self, sheets: &[&RawSheet], known: &KnownUsers) -> Vec<Snapshot> {
        let tables = || sheets.iter().copied().filter(|s| s.header_row.is_some());
        let mut out: Vec<Snapshot> = Vec::with_capacity(tables().map(|s| s.row_count()).sum());
        for sheet in tables() {
            for row in data_rows(sheet) {
                let Some((user_id, id_cell)) = self.user_id(&row) else {
                    continue;
                };
                let (as_of, as_of_refused) = self.date(&row, Field::AsOf);
                if as_of.value.is_none()
                    && !as_of_refused
                    && let Some((cell, v)) = row.get(Field::AsOf)
                {
                    let what = "as_of is blank; the row is skipped".to_string();
                    self.issue(IssueCode::MissingValue, cell, v, what, None);
                }
                let (domestic, d_cell, d_refused) = self.count(&row, Field::Domestic);
                if domestic.is_none()
                    && !d_refused
                    && let Some(cell) = d_cell
                {
                    let v = row.sheet.value(cell.row, cell.col);
                    let what = "domestic is blank; the row is skipped".to_string();
                    self.issue(IssueCode::MissingValue, cell, v, what, None);
                }
                let (non_domestic, _, nd_refused) = self.count(&row, Field::NonDomestic);
                let id_value = row.sheet.value(id_cell.row, id_cell.col);
                let Some((_, user)) = self.check_user(known, &user_id, &id_cell, id_value) else {
                    continue;
                };
                let (Some(as_of_date), Some(as_of_cell), Some(domestic)) =
                    (as_of.value, as_of.cell_in(&id_cell), domestic)
                else {
                    continue;
                };
                if nd_refused {
                    continue;
                }
                out.push(Snapshot {
                    user,
                    as_of: as_of_date,
                    domestic,
                    non_domestic: non_domestic.unwrap_or(0),
                    cell: as_of_cell,
                });
            }
        }
        self.drop_duplicate_snapshots(sheets, known, out)
    }

    /// Keeps the first snapshot of each (user_id, as_of) in reading order; a later one with other
    /// counts is DUPLICATE_SNAPSHOT, one with the same counts is dropped silently. Found by sorting
    /// positions rather than with a map keyed by a copy of every user_id (a register holds
    /// millions of snapshots).
    fn drop_duplicate_snapshots(
        &mut self,
        sheets: &[&RawSheet],
        known: &KnownUsers,
        out: Vec<Snapshot>,
    ) -> Vec<Snapshot> {
        let mut order: Vec<u32> = (0..out.len() as u32).collect();
        order.sort_unstable_by_key(|&a| {
            let x = &out[a as usize];
            (x.user, x.as_of, a)
        });
        let mut keep = vec![true; out.len()];
        let mut first = None::<usize>;
        for &i in &order {
            let i = i as usize;
            let s = &out[i];
            match first {
                Some(f) if out[f].user == s.user && out[f].as_of == s.as_of => {
                    keep[i] = false;
                    let kept = &out[f];
                    if kept.domestic != s.domestic || kept.non_domestic != s.non_domestic {
                        let v = cell_value(sheets, &s.cell);
                        let what = format!(
                            "a second snapshot of \"{}\" on {} with different counts (domestic {}, non-domestic {}; {} has {}, {}); the first is kept",
                            s.user_id(known.users),
                            s.as_of,
                            thousands(s.domestic),
                            thousands(s.non_domestic),
                            kept.cell,
                            thousands(kept.domestic),
                            thousands(kept.non_domestic)
                        );
                        self.issue(IssueCode::DuplicateSnapshot, s.cell.clone(), v, what, None);
                    }
                }
                _ => first = Some(i),
            }
        }
        if keep.iter().all(|k| *k) {
            return out;
        }
        out.into_iter()
            .zip(keep)
            .filter_map(|(s, k)| k.then_some(s))
            .collect()
    }

    /// The Assessments records of the given rows of each sheet.
    fn assessments(
        &mut self,
        pieces: &[(&RawSheet, Range<usize>)],
        known: &KnownUsers,
    ) -> Vec<Assessment> {
        let mut out: Vec<Assessment> =
            Vec::with_capacity(pieces.iter().map(|(_, r)| r.len()).sum());
        for (sheet, rows) in pieces {
            let sheet: &RawSheet = sheet;
            // Every row of the table shares where its values are.
            let columns = Arc::new(AssessmentColumns {
                scheduled_for: sheet.column(Field::ScheduledFor),
                completed_on: sheet.column(Field::CompletedOn),
                submitted_on: sheet.column(Field::SubmittedOn),
                assurance_status: sheet.column(Field::AssuranceStatus),
                status_set_on: sheet.column(Field::StatusSetOn),
                response_due_on: sheet.column(Field::ResponseDueOn),
                response_submitted_on: sheet.column(Field::ResponseSubmittedOn),
                remedial_due_on: sheet.column(Field::RemedialDueOn),
                remedial_completed_on: sheet.column(Field::RemedialCompletedOn),
                follow_up_due_on: sheet.column(Field::FollowUpDueOn),
            });
            for row in data_rows_in(sheet, rows.clone()) {
                let Some((user_id, id_cell)) = self.user_id(&row) else {
                    continue;
                };
                let kind = self.kind(&row);
                let purpose = self.purpose(&row);
                let roles_covered = match self.roles(&row, Field::RolesCovered) {
                    Some(roles) if !roles.is_empty() => Some(roles.into_iter().collect()),
                    _ => None,
                };
                let (scheduled_for, _) = self.date(&row, Field::ScheduledFor);
                let (completed_on, _) = self.date(&row, Field::CompletedOn);
                let (submitted_on, _) = self.date(&row, Field::SubmittedOn);
                let assurance_status = self.status(&row);
                let (status_set_on, _) = self.date(&row, Field::StatusSetOn);
                let (response_due_on, _) = self.date(&row, Field::ResponseDueOn);
                let (response_submitted_on, _) = self.date(&row, Field::ResponseSubmittedOn);
                let (remedial_due_on, _) = self.date(&row, Field::RemedialDueOn);
                let (remedial_completed_on, _) = self.date(&row, Field::RemedialCompletedOn);
                let (follow_up_due_on, _) = self.date(&row, Field::FollowUpDueOn);
                let id_value = row.sheet.value(id_cell.row, id_cell.col);
                let Some((user_id, user)) = self.check_user(known, &user_id, &id_cell, id_value)
                else {
                    continue;
                };
                let Some((kind, cell)) = kind else {
                    continue;
                };
                out.push(Assessment {
                    // Rows are bounded by `max_rows`, a u32.
                    index: u32::try_from(out.len()).unwrap_or(u32::MAX),
                    user,
                    user_id,
                    kind,
                    purpose,
                    roles_covered,
                    values: AssessmentValues {
                        scheduled_for: scheduled_for.value,
                        completed_on: completed_on.value,
                        submitted_on: submitted_on.value,
                        assurance_status: assurance_status.value,
                        status_set_on: status_set_on.value,
                        response_due_on: response_due_on.value,
                        response_submitted_on: response_submitted_on.value,
                        remedial_due_on: remedial_due_on.value,
                        remedial_completed_on: remedial_completed_on.value,
                        follow_up_due_on: follow_up_due_on.value,
                    },
                    columns: Arc::clone(&columns),
                    cell,
                });
            }
        }
        out
    }

    /// The assessment type: MISSING_VALUE when blank, UNKNOWN_TYPE when not a type.
    fn kind(&mut self, row: &Row) -> Option<(crate::model::AssessmentType, CellRef)> {
        let (cell, v) = row.get(Field::Type)?;
        let Some(text) = text_of(v) else {
            let what = "type is blank; the row is skipped".to_string();
            self.issue(IssueCode::MissingValue, cell, v, what, None);
            return None;
        };
        match parse_type(&text) {
            Some(t) => Some((t, cell)),
            None => {
                let suggestion = value::suggest_type(&text).map(str::to_string);
                let what = format!(
                    "{} is not an assessment type (Full, Verification, Self, Follow-up); the row is skipped",
                    quoted(v)
                );
                self.issue(IssueCode::UnknownType, cell, v, what, suggestion);
                None
            }
        }
    }

    fn purpose(&mut self, row: &Row) -> Option<crate::model::Purpose> {
        let (cell, v) = row.get(Field::Purpose)?;
        let text = text_of(v)?;
        let p = parse_purpose(&text);
        if p.is_none() {
            let suggestion = value::suggest_purpose(&text).map(str::to_string);
            let what = format!(
                "{} is not a purpose (Entry or Annual); the purpose will be inferred",
                quoted(v)
            );
            self.issue(IssueCode::UnknownPurpose, cell, v, what, suggestion);
        }
        p
    }

    fn status(&mut self, row: &Row) -> Located<crate::model::RecordedStatus> {
        let Some((cell, v)) = row.get(Field::AssuranceStatus) else {
            return Located::default();
        };
        let Some(text) = text_of(v) else {
            return Located::new(None, Some(cell.col));
        };
        let s = parse_status(&text);
        if s.is_none() {
            let suggestion = value::suggest_status(&text).map(str::to_string);
            let what = format!("{} is not an assurance status; read as blank", quoted(v));
            self.issue(IssueCode::UnknownStatus, cell.clone(), v, what, suggestion);
        }
        Located::new(s, Some(cell.col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_by_cell_kind() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let dmy = super::super::DateOrder::Dmy;
        assert_eq!(
            date_of(RawValue::Number(44197.0), dmy, false),
            Ok(d(2021, 1, 1))
        );
        assert_eq!(
            date_of(RawValue::Number(42735.0), dmy, true),
            Ok(d(2021, 1, 1))
        );
        assert_eq!(
            date_of(RawValue::Text("44197"), dmy, false),
            Ok(d(2021, 1, 1))
        );
        assert_eq!(date_of(RawValue::Text("  "), dmy, false), Ok(None));
        assert_eq!(date_of(RawValue::Empty, dmy, false), Ok(None));
        assert!(date_of(RawValue::Number(-3.0), dmy, false).is_err());
        assert!(date_of(RawValue::Text("PT10H10M10S"), dmy, false).is_err());
        assert!(date_of(RawValue::Bool(true), dmy, false).is_err());
        assert!(date_of(RawValue::Error("#N/A"), dmy, false).is_err());
    }

    /// A User with this id and nothing else.
    fn user(id: &str) -> User {
        User {
            user_id: id.into(),
            name: None,
            roles: vec![],
            shared_resource_providers: vec![],
            shared_resources_groups: vec![],
            left_on: Located::default(),
            sms_notified_on: Located::default(),
            cell: CellRef {
                input: 0,
                sheet: "Users".into(),
                row: 0,
                col: 0,
            },
        }
    }

    #[test]
    fn unknown_user_suggestions() {
        let users = [user("U002"), user("U012"), user("ACME-01")];
        let known = Lookalikes::new(&users);
        // U002 and U012 are equally close to U0l2 by edit distance; the look-alike wins.
        let mut budget = USER_SUGGESTION_WORK;
        let work = &mut budget;
        assert_eq!(known.suggest(&users, "U0l2", work).as_deref(), Some("U012"));
        assert_eq!(known.suggest(&users, "u012", work).as_deref(), Some("U012"));
        assert_eq!(
            known.suggest(&users, "ACME-O1", work).as_deref(),
            Some("ACME-01")
        );
        assert_eq!(
            known.suggest(&users, "ACME01", work).as_deref(),
            Some("ACME-01")
        );
        assert_eq!(known.suggest(&users, "ZZZZ", work), None);
        // With no work left, only the cheap look-ups still answer.
        assert_eq!(
            known.suggest(&users, "u012", &mut 0).as_deref(),
            Some("U012")
        );
        assert_eq!(known.suggest(&users, "ACME01", &mut 0), None);
    }

    /// On a large Assessments table the rows are read in two halves, one a thread: the records,
    /// their numbering, the issues and the unknown ids awaiting suggestions are those of one
    /// reader reading every row, including when the cut falls on a blank row and across sheets.
    #[test]
    fn assessments_read_in_two_halves_are_those_read_whole()
    -> Result<(), Box<dyn std::error::Error>> {
        let opts = ReadOptions::new(NaiveDate::from_ymd_opt(2026, 1, 15).ok_or("date")?);
        let sheet = |name: &str, n: usize| -> Result<RawSheet, Box<dyn std::error::Error>> {
            let header = ["User ID", "Type", "Purpose", "Completed On"];
            let mut rows: Vec<Vec<RawValue<'static>>> = vec![header.map(RawValue::Text).to_vec()];
            for i in 0..n {
                let id = match i % 7 {
                    3 => "U9",
                    k if k % 2 == 0 => "U1",
                    _ => "U2",
                };
                let kind = if i % 5 == 4 { "Fulll" } else { "Full" };
                let text = RawValue::Text;
                rows.push(vec![
                    text(id),
                    text(kind),
                    text("Annual"),
                    text("2024-01-10"),
                ]);
                if i == n / 2 {
                    rows.push(vec![RawValue::Empty; 4]);
                }
            }
            let mut s = RawSheet::from_rows(0, name, rows)?;
            s.table = Some(Table::Assessments);
            set_header(&mut s, "register.xlsx", None, true)?;
            Ok(s)
        };
        let (one, two) = (sheet("Assessments", 41)?, sheet("Assessments 2", 17)?);
        let users = [user("U1"), user("U2")];
        let known = KnownUsers::new(&users);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build()?;
        for sheets in [vec![&one], vec![&one, &two], vec![&two, &one]] {
            let (whole, halves) = pool.install(|| {
                (
                    assessments_in_halves(&sheets, &known, &opts, usize::MAX),
                    assessments_in_halves(&sheets, &known, &opts, 0),
                )
            });
            let rows: usize = sheets.iter().map(|s| s.row_count() - 2).sum();
            let unknown = sheets
                .iter()
                .map(|s| (0..s.row_count() - 2).filter(|i| i % 7 == 3).count())
                .sum::<usize>();
            assert_eq!(
                halves.0.len() + unknown + (rows - unknown) / 5,
                rows,
                "one record a known row with a known type"
            );
            assert_eq!(format!("{:?}", halves.0), format!("{:?}", whole.0));
            assert_eq!(
                format!("{:?}", halves.1.issues),
                format!("{:?}", whole.1.issues)
            );
            assert_eq!(halves.1.unknown_users, whole.1.unknown_users);
            assert_eq!(halves.1.unknown_users.len(), unknown);
        }
        Ok(())
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_361_500), "1,361,500");
    }

    #[test]
    fn counts_by_cell_kind() {
        assert_eq!(count_of(RawValue::Number(250_000.0)), Ok(Some(250_000)));
        assert_eq!(count_of(RawValue::Text("250 000")), Ok(Some(250_000)));
        assert_eq!(count_of(RawValue::Empty), Ok(None));
        assert_eq!(count_of(RawValue::Number(-1.0)), Err(CountError::Negative));
        assert_eq!(count_of(RawValue::Bool(false)), Err(CountError::Bad));
    }
}
