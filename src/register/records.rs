//! From raw sheets to the typed register (SPEC §1.1–1.4, §6.11, §6.26, §6.27).
//!
//! Once `tables` has named each sheet's table and header row, reads every data row: each cell is
//! parsed by [`super::value`], and a refused value becomes an [`InputIssue`] naming the cell,
//! after which the value is blank and reading goes on. Rows that cannot make a record (no user_id, no
//! type, an unknown user, a refused count) are skipped with their issue. No rule is applied here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::model::{SheetName, input_id, thousands};

use chrono::{Datelike, NaiveDate};

use crate::model::{
    Assessment, AssessmentColumns, AssessmentValues, CellRef, InputFile, InputIssue, IssueCode,
    Located, Register, Role, Snapshot, User,
};

use super::tables::{assign_tables, require_table, set_header};
use super::value::{
    self, CountError, MAX_YEAR, MIN_YEAR, count_from_f64, excel_serial_to_date, parse_count,
    parse_date_text, parse_purpose, parse_roles, parse_status, parse_type, plain_number,
    split_list,
};
use super::{Field, RawSheet, RawValue, ReadError, ReadOptions, ReadOutcome, Table};

/// Builds the register from every raw sheet. `csv_inputs[i]` is true when input `i` is a CSV file.
pub(crate) fn build(
    inputs: Vec<InputFile>,
    mut sheets: Vec<RawSheet>,
    csv_inputs: &[bool],
    opts: &ReadOptions,
) -> Result<ReadOutcome, ReadError> {
    assign_tables(&mut sheets, &inputs, csv_inputs, opts)?;
    let mapping = opts.mapping.as_ref();
    for table in [Table::Users, Table::Assessments] {
        require_table(table, &sheets, &inputs, opts)?;
    }
    for sheet in sheets.iter_mut() {
        if matches!(sheet.table, Some(Table::Users | Table::Assessments)) {
            set_header(sheet, &inputs, mapping, true)?;
        }
    }

    // A sheet that holds no table is not read further.
    for sheet in sheets.iter_mut().filter(|s| s.table.is_none()) {
        free_cells(sheet, opts);
    }
    let mut reader = Reader::new(opts);
    let users = reader.users(&sheets);

    let premises_required = users.iter().any(|u| {
        u.roles.iter().any(|r| {
            matches!(
                r,
                Role::ImportSupplier
                    | Role::GasSupplier
                    | Role::ElectricityDistributor
                    | Role::GasTransporter
            )
        })
    });
    if premises_required {
        require_table(Table::Premises, &sheets, &inputs, opts)?;
    }
    for sheet in sheets.iter_mut() {
        if sheet.table == Some(Table::Premises) {
            set_header(sheet, &inputs, mapping, premises_required)?;
        }
    }

    // Premises and Assessments are read side by side; their issues then follow the Users' in
    // the order one reader would have found them, and only then are unknown user_ids given
    // their suggestions, in that order, so that the work budget of the suggestions runs out at
    // the same id every time.
    let known = KnownUsers::new(&users);
    let (mut on_premises, mut on_assessments) = (Reader::new(opts), Reader::new(opts));
    let mut premises_sheets = Vec::new();
    let mut assessments_sheets = Vec::new();
    for sheet in sheets.iter_mut() {
        match sheet.table {
            Some(Table::Users) => free_cells(sheet, opts),
            Some(Table::Premises) => premises_sheets.push(sheet),
            Some(Table::Assessments) => assessments_sheets.push(sheet),
            None => {}
        }
    }
    // Each table's cells are freed as soon as its records are built (unless kept), so that the
    // table read second, and the rules, can reuse the memory. The index of ids the suggestions
    // search is built meanwhile, by whichever thread is free first.
    let ((premises, lookalikes), assessments) = rayon::join(
        || {
            rayon::join(
                || read_then_free(premises_sheets, opts, |s| on_premises.premises(s, &known)),
                || Lookalikes::new(&users),
            )
        },
        || {
            read_then_free(assessments_sheets, opts, |s| {
                on_assessments.assessments(s, &known)
            })
        },
    );
    reader.append(on_premises);
    reader.append(on_assessments);
    reader.suggest_users(&lookalikes);
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

/// The user_ids of the Users table as an UNKNOWN_USER's suggestion searches them.
struct Lookalikes<'u> {
    users: &'u [User],
    /// By lower case; the first id wins.
    by_lower: FxHashMap<String, &'u str>,
    /// By [`fold_lookalikes`]; the first id wins.
    by_folded: FxHashMap<String, &'u str>,
    /// The total length of the ids, in characters.
    list_chars: u64,
}

impl<'u> Lookalikes<'u> {
    fn new(users: &'u [User]) -> Self {
        let mut by_lower = FxHashMap::with_capacity_and_hasher(users.len(), Default::default());
        let mut by_folded = FxHashMap::with_capacity_and_hasher(users.len(), Default::default());
        for u in users {
            let id = u.user_id.as_str();
            by_lower.entry(id.to_lowercase()).or_insert(id);
            by_folded.entry(fold_lookalikes(id)).or_insert(id);
        }
        Lookalikes {
            users,
            by_lower,
            by_folded,
            list_chars: users.iter().map(|u| u.user_id.chars().count() as u64).sum(),
        }
    }

    /// The same id in another case; else one that differs only by look-alike characters
    /// (`U0l2` for `U012`: l/I for 1, O for 0); else the closest id.
    /// The search for the closest id costs `id` × every id, taken from `work_left`; when that is
    /// not enough, there is no suggestion.
    fn suggest(&self, id: &str, work_left: &mut u64) -> Option<String> {
        if let Some(u) = self.by_lower.get(&id.to_lowercase()) {
            return Some((*u).to_string());
        }
        if let Some(u) = self.by_folded.get(&fold_lookalikes(id)) {
            return Some((*u).to_string());
        }
        let work = (id.chars().count() as u64).saturating_mul(self.list_chars);
        if work > *work_left {
            return None;
        }
        *work_left -= work;
        let ids = self.users.iter().map(|u| u.user_id.as_str());
        value::closest(id, ids, 0.7).map(str::to_string)
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
    let name = SheetName::new(&sheet.name);
    let input = input_id(sheet.input);
    let start = sheet
        .header_row
        .map(|h| h as usize + 1)
        .unwrap_or(usize::MAX);
    let annotations = sheet.annotation_columns();
    sheet
        .rows()
        .enumerate()
        .skip(start)
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
    fn suggest_users(&mut self, known: &Lookalikes<'_>) {
        let mut found: HashMap<&str, Option<String>> = HashMap::new();
        let mut work_left = USER_SUGGESTION_WORK;
        for (i, id) in &self.unknown_users {
            let suggestion = match found.get(id.as_str()) {
                Some(s) => s.clone(),
                None if found.len() < MAX_USER_SUGGESTIONS => {
                    let s = known.suggest(id, &mut work_left);
                    found.insert(id, s.clone());
                    s
                }
                None => None,
            };
            if let Some(issue) = self.issues.get_mut(*i) {
                issue.suggestion = suggestion;
            }
        }
        self.unknown_users.clear();
    }

    fn users(&mut self, sheets: &[RawSheet]) -> Vec<User> {
        let tables = || sheets.iter().filter(|s| s.table == Some(Table::Users));
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

    /// The assessments of the Assessments `sheets`.
    fn assessments(&mut self, sheets: &[&RawSheet], known: &KnownUsers) -> Vec<Assessment> {
        let tables = || sheets.iter().copied();
        let mut out: Vec<Assessment> = Vec::with_capacity(tables().map(|s| s.row_count()).sum());
        for sheet in tables() {
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
            for row in data_rows(sheet) {
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
                let Some((user_id, _)) = self.check_user(known, &user_id, &id_cell, id_value)
                else {
                    continue;
                };
                let Some((kind, cell)) = kind else {
                    continue;
                };
                out.push(Assessment {
                    index: out.len(),
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

    #[test]
    fn unknown_user_suggestions() {
        let user = |id: &str| User {
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
        };
        let users = [user("U002"), user("U012"), user("ACME-01")];
        let known = Lookalikes::new(&users);
        // U002 and U012 are equally close to U0l2 by edit distance; the look-alike wins.
        let mut budget = USER_SUGGESTION_WORK;
        let work = &mut budget;
        assert_eq!(known.suggest("U0l2", work).as_deref(), Some("U012"));
        assert_eq!(known.suggest("u012", work).as_deref(), Some("U012"));
        assert_eq!(known.suggest("ACME-O1", work).as_deref(), Some("ACME-01"));
        assert_eq!(known.suggest("ACME01", work).as_deref(), Some("ACME-01"));
        assert_eq!(known.suggest("ZZZZ", work), None);
        // With no work left, only the cheap look-ups still answer.
        assert_eq!(known.suggest("u012", &mut 0).as_deref(), Some("U012"));
        assert_eq!(known.suggest("ACME01", &mut 0), None);
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
