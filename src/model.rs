//! The typed register: what reading produces and what the rules consume.
//!
//! Every record remembers where it came from ([`CellRef`]), so that a finding or an input issue can
//! name the exact cell a person should look at. Nothing here reads a file or decides a rule; the
//! types only say what a register holds once every cell has been parsed.

use std::collections::HashMap;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// `250000` → `250,000`: counts as a person reads them.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A sheet's name, interned: four bytes that every [`CellRef`] of the sheet shares.
///
/// A register of a quarter of a million Users has tens of millions of located values, each
/// naming its sheet; a pointer to a shared string per value was a tenth of the memory of a run.
/// The names live in one table for the whole process (a register has a handful of sheets; the
/// table only grows with the distinct names ever read). It reads as the `str` it stands for, and
/// compares and orders as that text, so nothing depends on the order names were first seen.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SheetName(NonZeroU32);

/// Every sheet name interned so far: id − 1 → name, and name → id.
#[derive(Default)]
struct SheetNames {
    names: Vec<&'static str>,
    ids: HashMap<&'static str, NonZeroU32>,
}

static SHEET_NAMES: LazyLock<RwLock<SheetNames>> = LazyLock::new(Default::default);

impl SheetName {
    /// The interned name `name`.
    pub fn new(name: &str) -> SheetName {
        if let Some(id) = read_names().ids.get(name) {
            return SheetName(*id);
        }
        let mut table = SHEET_NAMES.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(id) = table.ids.get(name) {
            return SheetName(*id);
        }
        // Leaked on purpose: a name lives as long as the process, like the table.
        let name: &'static str = Box::leak(name.into());
        let next = u32::try_from(table.names.len() + 1)
            .ok()
            .and_then(NonZeroU32::new);
        let Some(id) = next else {
            // Four billion distinct names: share the first one rather than fail.
            return SheetName(NonZeroU32::MIN);
        };
        table.names.push(name);
        table.ids.insert(name, id);
        SheetName(id)
    }

    /// The name as text.
    pub fn as_str(self) -> &'static str {
        read_names()
            .names
            .get(self.0.get() as usize - 1)
            .copied()
            .unwrap_or("")
    }
}

fn read_names() -> std::sync::RwLockReadGuard<'static, SheetNames> {
    SHEET_NAMES.read().unwrap_or_else(PoisonError::into_inner)
}

impl std::ops::Deref for SheetName {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for SheetName {
    fn from(name: &str) -> Self {
        SheetName::new(name)
    }
}

impl From<&String> for SheetName {
    fn from(name: &String) -> Self {
        SheetName::new(name)
    }
}

impl PartialOrd for SheetName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SheetName {
    /// By name, not by the order names were interned.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self.0 == other.0 {
            std::cmp::Ordering::Equal
        } else {
            self.as_str().cmp(other.as_str())
        }
    }
}

impl fmt::Debug for SheetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SheetName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The [`CellRef::input`] of the input at `index` of [`Register::inputs`] (a run has a handful of
/// inputs; past `u32::MAX` they would share the last number).
pub fn input_id(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// A 0-based position in one sheet of one input, printed the way a person reads it:
/// `Assessments!E17`. Sixteen bytes: there is one for every value read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellRef {
    /// Index into [`Register::inputs`] of the file the cell is in.
    pub input: u32,
    /// The sheet name (for CSV inputs, the file stem).
    pub sheet: SheetName,
    /// 0-based row (row 1 in a spreadsheet is 0 here).
    pub row: u32,
    /// 0-based column (column A is 0).
    pub col: u32,
}

impl CellRef {
    /// The column letters of a 0-based column index: 0 → `A`, 26 → `AA`.
    pub fn column_name(col: u32) -> String {
        let mut n = col as u64 + 1;
        let mut letters = Vec::new();
        while n > 0 {
            let rem = ((n - 1) % 26) as u8;
            letters.push((b'A' + rem) as char);
            n = (n - 1) / 26;
        }
        letters.iter().rev().collect()
    }

    /// The same row, another column.
    pub fn with_col(&self, col: u32) -> CellRef {
        CellRef {
            col,
            ..self.clone()
        }
    }
}

impl fmt::Display for CellRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sheet = self.sheet.as_str();
        let quote = sheet
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        if quote {
            write!(f, "'{}'", sheet.replace('\'', "''"))?;
        } else {
            f.write_str(sheet)?;
        }
        write!(f, "!{}{}", Self::column_name(self.col), self.row + 1)
    }
}

/// A User Role (SPEC §1.1), including the Shared Resource Provider role of G10.5(d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Role {
    /// Import Supplier (IS).
    ImportSupplier,
    /// Gas Supplier (GS).
    GasSupplier,
    /// Export Supplier (ES): outside G8 (G1.7).
    ExportSupplier,
    /// Electricity Distributor (ED).
    ElectricityDistributor,
    /// Gas Transporter (GT).
    GasTransporter,
    /// Other User (OU).
    OtherUser,
    /// Registered Supplier Agent (RSA): outside G8 (G1.7).
    RegisteredSupplierAgent,
    /// Registration Data Provider (RDP).
    RegistrationDataProvider,
    /// Shared Resource Provider (SRP), treated as a User Role by G10.5(d).
    SharedResourceProvider,
}

impl Role {
    /// Every role, in the order the register template lists them.
    pub const ALL: [Role; 9] = [
        Role::ImportSupplier,
        Role::GasSupplier,
        Role::ExportSupplier,
        Role::ElectricityDistributor,
        Role::GasTransporter,
        Role::OtherUser,
        Role::RegisteredSupplierAgent,
        Role::RegistrationDataProvider,
        Role::SharedResourceProvider,
    ];

    /// The role's full name as the Code spells it.
    pub fn name(self) -> &'static str {
        match self {
            Role::ImportSupplier => "Import Supplier",
            Role::GasSupplier => "Gas Supplier",
            Role::ExportSupplier => "Export Supplier",
            Role::ElectricityDistributor => "Electricity Distributor",
            Role::GasTransporter => "Gas Transporter",
            Role::OtherUser => "Other User",
            Role::RegisteredSupplierAgent => "Registered Supplier Agent",
            Role::RegistrationDataProvider => "Registration Data Provider",
            Role::SharedResourceProvider => "Shared Resource Provider",
        }
    }

    /// The role's abbreviation (IS, GS, …).
    pub fn abbreviation(self) -> &'static str {
        match self {
            Role::ImportSupplier => "IS",
            Role::GasSupplier => "GS",
            Role::ExportSupplier => "ES",
            Role::ElectricityDistributor => "ED",
            Role::GasTransporter => "GT",
            Role::OtherUser => "OU",
            Role::RegisteredSupplierAgent => "RSA",
            Role::RegistrationDataProvider => "RDP",
            Role::SharedResourceProvider => "SRP",
        }
    }
}

/// The four categories of security assurance assessment (G8.15).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AssessmentType {
    /// Full User Security Assessment (G8.16).
    Full,
    /// Verification User Security Assessment (G8.17).
    Verification,
    /// User Security Self-Assessment (G8.18).
    #[serde(rename = "Self")]
    SelfAssessment,
    /// Follow-up Security Assessment (G8.19).
    #[serde(rename = "Follow-up")]
    FollowUp,
}

impl AssessmentType {
    /// The name used in reports: `Full`, `Verification`, `Self`, `Follow-up`.
    pub fn name(self) -> &'static str {
        match self {
            AssessmentType::Full => "Full",
            AssessmentType::Verification => "Verification",
            AssessmentType::SelfAssessment => "Self",
            AssessmentType::FollowUp => "Follow-up",
        }
    }

    /// SPEC §6.8: Full > Verification > Self. `None` for a Follow-up, which is not an annual type.
    pub fn thoroughness(self) -> Option<u8> {
        match self {
            AssessmentType::Full => Some(3),
            AssessmentType::Verification => Some(2),
            AssessmentType::SelfAssessment => Some(1),
            AssessmentType::FollowUp => None,
        }
    }

    /// True for the three annual types (G8.40–G8.47).
    pub fn is_annual_type(self) -> bool {
        self != AssessmentType::FollowUp
    }
}

impl fmt::Display for AssessmentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why an assessment was carried out (SPEC §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Purpose {
    /// The User Entry Process (G8.33).
    Entry,
    /// The post-entry annual cycle (G8.40–G8.47).
    Annual,
}

/// An assurance status as the register wrote it, before the 2020-02-27 renaming is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecordedStatus {
    /// `approved` (G8.36(a)).
    Approved,
    /// `approved subject to steps` (G8.36(b)(i)).
    ApprovedSubjectToSteps,
    /// `approved subject to steps and follow-up` (G8.36(b)(ii)).
    ApprovedSubjectToStepsAndFollowUp,
    /// `deferred`: today G8.36(c); before 2020-02-27 it meant today's `rejected`.
    Deferred,
    /// `rejected` (G8.36(d)).
    Rejected,
    /// `provisionally approved`: the pre-2020-02-27 name of today's `deferred`.
    ProvisionallyApproved,
}

impl RecordedStatus {
    /// The status text as the register template spells it.
    pub fn name(self) -> &'static str {
        match self {
            RecordedStatus::Approved => "approved",
            RecordedStatus::ApprovedSubjectToSteps => "approved subject to steps",
            RecordedStatus::ApprovedSubjectToStepsAndFollowUp => {
                "approved subject to steps and follow-up"
            }
            RecordedStatus::Deferred => "deferred",
            RecordedStatus::Rejected => "rejected",
            RecordedStatus::ProvisionallyApproved => "provisionally approved",
        }
    }
}

/// Where a record came from: its row, and the cell of each field that was read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// The first cell of the record's row (column A of that row, or the key column).
    pub row: Option<CellRef>,
}

/// A value with the column it was read from. The record it belongs to keeps its row
/// ([`Assessment::cell`], [`User::cell`]); the value's own cell is [`Located::cell_in`] that row.
/// Without a column when the table has none. Keeping the column alone makes a located date 8 bytes
/// instead of 20 (a register holds millions of assessment rows of ten dates each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: Option<T>,
    /// The 0-based column, or [`Located::NO_COLUMN`].
    col: u32,
}

// Millions of these per register: keep a located date at 8 bytes.
const _: () = assert!(std::mem::size_of::<Located<NaiveDate>>() == 8);

impl<T> Default for Located<T> {
    fn default() -> Self {
        Located::bare(None)
    }
}

impl<T> Located<T> {
    /// The column of a value the table has no column for.
    const NO_COLUMN: u32 = u32::MAX;

    /// A value read from column `col` of its record's row.
    pub fn new(value: Option<T>, col: Option<u32>) -> Self {
        Located {
            value,
            col: col
                .filter(|&c| c != Self::NO_COLUMN)
                .unwrap_or(Self::NO_COLUMN),
        }
    }

    /// A value with no cell (tests, and values the tool made up).
    pub fn bare(value: Option<T>) -> Self {
        Located {
            value,
            col: Self::NO_COLUMN,
        }
    }

    /// The column the value was read from, if the table has one.
    pub fn col(&self) -> Option<u32> {
        (self.col != Self::NO_COLUMN).then_some(self.col)
    }

    /// The value's cell, in the record's `row` (any cell of that row).
    pub fn cell_in(&self, row: &CellRef) -> Option<CellRef> {
        self.col().map(|col| CellRef { col, ..row.clone() })
    }
}

impl<T: Copy> Located<T> {
    /// The value, copied.
    pub fn get(&self) -> Option<T> {
        self.value
    }
}

/// One row of the Users table (SPEC §1.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub user_id: String,
    pub name: Option<String>,
    /// Recognised roles, deduplicated, in [`Role`] order.
    pub roles: Vec<Role>,
    /// `shared_resource_provider`: user_ids named (trimmed, in the order written).
    pub shared_resource_providers: Vec<String>,
    /// `shared_resources_group`: labels as written (trimmed). Compared case-insensitively.
    pub shared_resources_groups: Vec<String>,
    pub left_on: Located<NaiveDate>,
    pub sms_notified_on: Located<NaiveDate>,
    /// The cell holding the user_id.
    pub cell: CellRef,
}

/// One row of the Premises table (SPEC §1.2). Rows with a refused count are not produced.
///
/// A register holds tens of millions of these (a snapshot a month per User for years), so a
/// snapshot names its User by position ([`Register::user_of`]) rather than by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The position in [`Register::users`] of the snapshot's User (the first User with its id).
    pub user: u32,
    pub as_of: NaiveDate,
    pub domestic: u64,
    /// Blank = 0 (SPEC §6.11).
    pub non_domestic: u64,
    /// The cell holding the `as_of` date.
    pub cell: CellRef,
}

impl Snapshot {
    /// The id of the snapshot's User among `users` (the register's Users, in reading order);
    /// empty for a position past them, which a register read from files does not hold.
    pub fn user_id<'u>(&self, users: &'u [User]) -> &'u str {
        users
            .get(self.user as usize)
            .map_or("", |u| u.user_id.as_str())
    }
}

// Tens of millions per register: keep a snapshot at 40 bytes.
const _: () = assert!(std::mem::size_of::<Snapshot>() == 40);

/// A set of [`Role`]s, in two bytes: what an assessment row's `roles_covered` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct RoleSet(u16);

impl RoleSet {
    fn bit(role: Role) -> u16 {
        1 << Role::ALL.iter().position(|r| *r == role).unwrap_or(0)
    }

    /// True when `role` is in the set.
    pub fn contains(self, role: Role) -> bool {
        self.0 & RoleSet::bit(role) != 0
    }

    /// True when the set holds no role.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles, in [`Role`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| self.contains(*r))
    }
}

impl FromIterator<Role> for RoleSet {
    fn from_iter<I: IntoIterator<Item = Role>>(roles: I) -> Self {
        RoleSet(roles.into_iter().fold(0, |set, r| set | RoleSet::bit(r)))
    }
}

/// Declares an assessment row's dates and status once: [`AssessmentValues`] holds the row's
/// values, [`AssessmentColumns`] the columns its table read them from (one per table, shared by
/// its rows), and [`Assessment`] gets an accessor for each, giving the value with its column.
macro_rules! assessment_values {
    ($($(#[$doc:meta])* $name:ident: $t:ty,)*) => {
        /// An assessment row's dates and status, blank = `None` (see [`Assessment`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct AssessmentValues {
            $($(#[$doc])* pub $name: Option<$t>,)*
        }

        /// Where an Assessments table holds each of [`AssessmentValues`]: its 0-based column,
        /// `None` when the table has no such column.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct AssessmentColumns {
            $(pub $name: Option<u32>,)*
        }

        impl Assessment {
            /// The row's 0-based position among the register's assessment rows.
            pub fn index(&self) -> usize {
                self.index as usize
            }

            $(
                $(#[$doc])*
                pub fn $name(&self) -> Located<$t> {
                    Located::new(self.values.$name, self.columns.$name)
                }
            )*
        }
    };
}

assessment_values! {
    scheduled_for: NaiveDate,
    completed_on: NaiveDate,
    submitted_on: NaiveDate,
    assurance_status: RecordedStatus,
    status_set_on: NaiveDate,
    response_due_on: NaiveDate,
    response_submitted_on: NaiveDate,
    remedial_due_on: NaiveDate,
    remedial_completed_on: NaiveDate,
    follow_up_due_on: NaiveDate,
}

/// One row of the Assessments table (SPEC §1.3). A row whose `type` could not be read is not
/// produced.
///
/// A register holds millions of these: the row keeps its values (four bytes a date) and shares
/// its table's columns, rather than keeping a column beside every value. The accessors named
/// after the fields ([`Assessment::completed_on`] …) give each value with its column, which
/// [`Located::cell_in`] turns into the value's cell in the row's [`Assessment::cell`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// 0-based position among the register's assessment rows, in reading order; "row order" for
    /// every tie-break.
    /// (A `u32`, so that the row stays within its size; read it as a `usize` with
    /// [`Assessment::index`].)
    pub index: u32,
    /// The position in [`Register::users`] of the row's User (the first User with its id); past
    /// the last User for a row of no User, which a register read from files does not hold.
    pub user: u32,
    /// The User's id, shared with every other assessment row of that User.
    pub user_id: Arc<str>,
    pub kind: AssessmentType,
    /// Blank or unknown = inferred by the rules (SPEC §6.21).
    pub purpose: Option<Purpose>,
    /// `None` = blank (all the User's roles). Unknown tokens are dropped; if every token was
    /// unknown the field is `None` (SPEC §6.27).
    pub roles_covered: Option<RoleSet>,
    /// The dates and status.
    pub values: AssessmentValues,
    /// Where the table holds them (shared by every row of the table).
    pub columns: Arc<AssessmentColumns>,
    /// The cell holding the type.
    pub cell: CellRef,
}

// Millions of these per register: keep an assessment row within 96 bytes.
const _: () = assert!(std::mem::size_of::<Assessment>() <= 96);

/// One input file of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputFile {
    /// The path as given on the command line.
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// The whole register once read: every input together (SPEC §1).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Register {
    pub inputs: Vec<InputFile>,
    pub users: Vec<User>,
    pub premises: Vec<Snapshot>,
    pub assessments: Vec<Assessment>,
    /// True when the Users table has a `sms_notified_on` column (G5.27 is then checked).
    pub has_sms_notified_column: bool,
}

impl Register {
    /// The id of a snapshot's User (empty for a snapshot of no User, which a register read from
    /// files does not hold).
    pub fn user_of(&self, snapshot: &Snapshot) -> &str {
        snapshot.user_id(&self.users)
    }
}

/// The codes of the input issues (SPEC §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IssueCode {
    BadDate,
    BadNumber,
    NegativeNumber,
    UnknownRole,
    UnknownType,
    UnknownStatus,
    UnknownPurpose,
    MissingValue,
    DuplicateUser,
    UnknownUser,
    DuplicateSnapshot,
    FutureDate,
}

impl IssueCode {
    /// The code as written in reports (`BAD_DATE`).
    pub fn as_str(self) -> &'static str {
        match self {
            IssueCode::BadDate => "BAD_DATE",
            IssueCode::BadNumber => "BAD_NUMBER",
            IssueCode::NegativeNumber => "NEGATIVE_NUMBER",
            IssueCode::UnknownRole => "UNKNOWN_ROLE",
            IssueCode::UnknownType => "UNKNOWN_TYPE",
            IssueCode::UnknownStatus => "UNKNOWN_STATUS",
            IssueCode::UnknownPurpose => "UNKNOWN_PURPOSE",
            IssueCode::MissingValue => "MISSING_VALUE",
            IssueCode::DuplicateUser => "DUPLICATE_USER",
            IssueCode::UnknownUser => "UNKNOWN_USER",
            IssueCode::DuplicateSnapshot => "DUPLICATE_SNAPSHOT",
            IssueCode::FutureDate => "FUTURE_DATE",
        }
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refused value (SPEC §1.4, §4.3): the value is then treated as blank and the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputIssue {
    pub code: IssueCode,
    pub cell: CellRef,
    /// The value as it stood in the cell, as text.
    pub value: String,
    /// What is wrong, for a person: `"31/02/2021" is not a date`.
    pub message: String,
    /// The likely intended value, where one is close (did you mean …?).
    pub suggestion: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(sheet: &str, row: u32, col: u32) -> CellRef {
        CellRef {
            input: 0,
            sheet: sheet.into(),
            row,
            col,
        }
    }

    #[test]
    fn cell_ref_prints_as_a_person_reads_it() {
        assert_eq!(cell("Assessments", 16, 4).to_string(), "Assessments!E17");
        assert_eq!(cell("Users", 0, 0).to_string(), "Users!A1");
        assert_eq!(cell("Users", 0, 26).to_string(), "Users!AA1");
        assert_eq!(cell("Users", 0, 16383).to_string(), "Users!XFD1");
        assert_eq!(cell("My Users", 1, 1).to_string(), "'My Users'!B2");
    }
}
