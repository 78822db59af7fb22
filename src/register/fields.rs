//! The tables of a register and their columns (SPEC §1.1–1.3), with the sheet names and
//! headings each is recognised by. To accept a new spelling of a sheet or heading, add it to
//! [`Table::aliases`] or [`Field::aliases`] (compared after [`super::normalise_heading`]).

use std::fmt;

/// The three tables of a register (SPEC §1.1–1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Users,
    Premises,
    Assessments,
}

impl Table {
    /// All tables, in the order they are read.
    pub const ALL: [Table; 3] = [Table::Users, Table::Premises, Table::Assessments];

    /// `Users`, `Premises`, `Assessments`.
    pub fn name(self) -> &'static str {
        match self {
            Table::Users => "Users",
            Table::Premises => "Premises",
            Table::Assessments => "Assessments",
        }
    }

    /// The key used in mapping files: `users`, `premises`, `assessments`.
    pub fn key(self) -> &'static str {
        match self {
            Table::Users => "users",
            Table::Premises => "premises",
            Table::Assessments => "assessments",
        }
    }

    /// The sheet names (or CSV file stems) that hold this table, compared with
    /// [`super::normalise_heading`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Table::Users => &["Users", "User Register", "SEC Users", "Parties", "User"],
            Table::Premises => &[
                "Premises",
                "Premise Counts",
                "Snapshots",
                "Counts",
                "Smart Meter Counts",
                "Premises Counts",
            ],
            Table::Assessments => &[
                "Assessments",
                "Assessment History",
                "USA",
                "Security Assessments",
                "History",
                "Assessment",
            ],
        }
    }

    /// The columns of this table, in template order.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Table::Users => &[
                UserId,
                Name,
                Roles,
                SharedResourceProvider,
                SharedResourcesGroup,
                LeftOn,
                SmsNotifiedOn,
            ],
            Table::Premises => &[UserId, AsOf, Domestic, NonDomestic],
            Table::Assessments => &[
                UserId,
                Type,
                Purpose,
                RolesCovered,
                ScheduledFor,
                CompletedOn,
                SubmittedOn,
                AssuranceStatus,
                StatusSetOn,
                ResponseDueOn,
                ResponseSubmittedOn,
                RemedialDueOn,
                RemedialCompletedOn,
                FollowUpDueOn,
            ],
        }
    }

    /// The columns that must be present.
    pub fn required(self) -> &'static [Field] {
        match self {
            Table::Users => &[Field::UserId, Field::Roles],
            Table::Premises => &[Field::UserId, Field::AsOf, Field::Domestic],
            Table::Assessments => &[Field::UserId, Field::Type],
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One column of a table (SPEC §1.1–1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    UserId,
    Name,
    Roles,
    SharedResourceProvider,
    SharedResourcesGroup,
    LeftOn,
    SmsNotifiedOn,
    AsOf,
    Domestic,
    NonDomestic,
    Type,
    Purpose,
    RolesCovered,
    ScheduledFor,
    CompletedOn,
    SubmittedOn,
    AssuranceStatus,
    StatusSetOn,
    ResponseDueOn,
    ResponseSubmittedOn,
    RemedialDueOn,
    RemedialCompletedOn,
    FollowUpDueOn,
}

impl Field {
    /// Every field.
    pub const ALL: [Field; 23] = [
        Field::UserId,
        Field::Name,
        Field::Roles,
        Field::SharedResourceProvider,
        Field::SharedResourcesGroup,
        Field::LeftOn,
        Field::SmsNotifiedOn,
        Field::AsOf,
        Field::Domestic,
        Field::NonDomestic,
        Field::Type,
        Field::Purpose,
        Field::RolesCovered,
        Field::ScheduledFor,
        Field::CompletedOn,
        Field::SubmittedOn,
        Field::AssuranceStatus,
        Field::StatusSetOn,
        Field::ResponseDueOn,
        Field::ResponseSubmittedOn,
        Field::RemedialDueOn,
        Field::RemedialCompletedOn,
        Field::FollowUpDueOn,
    ];

    /// The SPEC's column name, also the key in mapping files: `user_id`, `completed_on`.
    pub fn key(self) -> &'static str {
        match self {
            Field::UserId => "user_id",
            Field::Name => "name",
            Field::Roles => "roles",
            Field::SharedResourceProvider => "shared_resource_provider",
            Field::SharedResourcesGroup => "shared_resources_group",
            Field::LeftOn => "left_on",
            Field::SmsNotifiedOn => "sms_notified_on",
            Field::AsOf => "as_of",
            Field::Domestic => "domestic",
            Field::NonDomestic => "non_domestic",
            Field::Type => "type",
            Field::Purpose => "purpose",
            Field::RolesCovered => "roles_covered",
            Field::ScheduledFor => "scheduled_for",
            Field::CompletedOn => "completed_on",
            Field::SubmittedOn => "submitted_on",
            Field::AssuranceStatus => "assurance_status",
            Field::StatusSetOn => "status_set_on",
            Field::ResponseDueOn => "response_due_on",
            Field::ResponseSubmittedOn => "response_submitted_on",
            Field::RemedialDueOn => "remedial_due_on",
            Field::RemedialCompletedOn => "remedial_completed_on",
            Field::FollowUpDueOn => "follow_up_due_on",
        }
    }

    /// The heading the register template uses (the first alias): `User ID`, `Completed On`.
    pub fn heading(self) -> &'static str {
        self.aliases().first().copied().unwrap_or("")
    }

    /// The headings recognised for this column, best first, compared with [`super::normalise_heading`].
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::UserId => &[
                "User ID",
                "UserID",
                "Party ID",
                "Party",
                "User",
                "User Ref",
                "User Reference",
            ],
            Field::Name => &[
                "Name",
                "User Name",
                "Party Name",
                "Company",
                "Company Name",
                "Organisation",
                "Organization",
            ],
            Field::Roles => &["Roles", "User Roles", "Role", "User Role"],
            Field::SharedResourceProvider => &[
                "Shared Resource Provider",
                "SRP",
                "Shared Resource Providers",
                "SRPs",
            ],
            Field::SharedResourcesGroup => &[
                "Shared Resources Group",
                "Shared Resource Group",
                "Shared Resources Groups",
                "Group",
                "Groups",
            ],
            Field::LeftOn => &[
                "Left On",
                "Left",
                "Exit Date",
                "Ceased",
                "Ceased On",
                "Left Date",
                "Date Left",
            ],
            Field::SmsNotifiedOn => &[
                "SMS Notified On",
                "G5.27 Notified",
                "SMS Notification",
                "SMS Notified",
                "G5.27 Notification",
                "SMS Notification Date",
            ],
            Field::AsOf => &[
                "As Of",
                "Snapshot",
                "Snapshot Date",
                "Date",
                "As At",
                "Count Date",
            ],
            Field::Domestic => &["Domestic", "Domestic Premises", "D", "Domestic Count"],
            Field::NonDomestic => &[
                "Non Domestic",
                "Non-Domestic Premises",
                "N",
                "Non Domestic Count",
            ],
            Field::Type => &["Type", "Assessment Type"],
            Field::Purpose => &["Purpose", "Assessment Purpose"],
            Field::RolesCovered => &["Roles Covered", "Covered Roles"],
            Field::ScheduledFor => &[
                "Scheduled For",
                "Scheduled",
                "Booked For",
                "Booked",
                "Scheduled Date",
            ],
            Field::CompletedOn => &[
                "Completed On",
                "Completed",
                "Fieldwork End",
                "Completion Date",
                "Date Completed",
            ],
            Field::SubmittedOn => &["Submitted On", "Submitted", "Submission Date"],
            Field::AssuranceStatus => &["Assurance Status", "Status"],
            Field::StatusSetOn => &["Status Set On", "Status Date", "Status Set"],
            Field::ResponseDueOn => &["Response Due On", "Response Due"],
            Field::ResponseSubmittedOn => &["Response Submitted On", "Response Submitted"],
            Field::RemedialDueOn => &["Remedial Due On", "Remedial Due"],
            Field::RemedialCompletedOn => &["Remedial Completed On", "Remedial Completed"],
            Field::FollowUpDueOn => &["Follow Up Due On", "Follow-up Due", "Follow Up Due By"],
        }
    }

    /// A field whose value is a date.
    pub fn is_date(self) -> bool {
        matches!(
            self,
            Field::LeftOn
                | Field::SmsNotifiedOn
                | Field::AsOf
                | Field::ScheduledFor
                | Field::CompletedOn
                | Field::SubmittedOn
                | Field::StatusSetOn
                | Field::ResponseDueOn
                | Field::ResponseSubmittedOn
                | Field::RemedialDueOn
                | Field::RemedialCompletedOn
                | Field::FollowUpDueOn
        )
    }

    /// A date that records something that happened, so cannot be after today (SPEC §6.26).
    pub fn is_event_date(self) -> bool {
        matches!(
            self,
            Field::SmsNotifiedOn
                | Field::AsOf
                | Field::CompletedOn
                | Field::SubmittedOn
                | Field::StatusSetOn
                | Field::ResponseSubmittedOn
                | Field::RemedialCompletedOn
        )
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
