//! The findings catalogue (SPEC §4.1, §4.2): one table from each stable code to its severity and
//! clause. A rule produces a [`Finding`]; it never invents a code or a severity of its own.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::CellRef;
use crate::rules::regime::Regime;

/// How serious a finding is. Ordered: `Info` < `Warning` < `Breach`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Breach,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Breach => "breach",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a code's clause comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseOf {
    /// A fixed clause of the Code.
    Fixed(&'static str),
    /// The clause of the category that applied (G8.41, G8.42, G8.44, G8.45, G8.47).
    Category,
    /// A register-data finding: the clause the data is needed for.
    Data(&'static str),
}

macro_rules! catalogue {
    ($( $variant:ident => $code:literal, $severity:ident, $clause:expr, $when:literal; )*) => {
        /// Every finding code (SPEC §4).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingCode { $( #[doc = $when] $variant, )* }

        impl FindingCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [FindingCode] = &[ $( FindingCode::$variant, )* ];

            /// The stable code written in reports.
            pub fn as_str(self) -> &'static str {
                match self { $( FindingCode::$variant => $code, )* }
            }

            /// The code's severity.
            pub fn severity(self) -> Severity {
                match self { $( FindingCode::$variant => Severity::$severity, )* }
            }

            /// Where the code's clause comes from.
            pub fn clause_of(self) -> ClauseOf {
                match self { $( FindingCode::$variant => $clause, )* }
            }

            /// When the code is reported, for the legend.
            pub fn when(self) -> &'static str {
                match self { $( FindingCode::$variant => $when, )* }
            }
        }
    };
}

use ClauseOf::{Category, Data, Fixed};

catalogue! {
    Overdue => "OVERDUE", Breach, Category,
        "the next assessment is past its due date and not completed";
    CompletedLate => "COMPLETED_LATE", Breach, Category,
        "an Annual assessment was completed after its due date";
    WrongType => "WRONG_TYPE", Breach, Category,
        "an Annual assessment's recorded type is less thorough than the required type";
    SelfNotSubmitted => "SELF_NOT_SUBMITTED", Breach, Fixed("G8.50(b)"),
        "a Self-Assessment's submission date passed with no submission";
    SelfSubmittedLate => "SELF_SUBMITTED_LATE", Breach, Fixed("G8.50(b)"),
        "a Self-Assessment's outcome was submitted after its submission date";
    ResponseOverdue => "RESPONSE_OVERDUE", Breach, Fixed("G8.24"),
        "the User Security Assessment Response due date passed with no response";
    ResponseLate => "RESPONSE_LATE", Breach, Fixed("G8.24"),
        "the User Security Assessment Response was submitted after its due date";
    RemedialOverdue => "REMEDIAL_OVERDUE", Breach, Fixed("G8.28(a)"),
        "the remedial timetable passed with steps not completed";
    RemedialLate => "REMEDIAL_LATE", Breach, Fixed("G8.28(a)"),
        "remedial steps were completed after the timetable";
    FollowUpOverdue => "FOLLOW_UP_OVERDUE", Breach, Fixed("G8.29"),
        "no Follow-up Security Assessment was completed by the date required";
    FollowUpLate => "FOLLOW_UP_LATE", Breach, Fixed("G8.29"),
        "the Follow-up Security Assessment was completed after the date required";
    ScheduledLate => "SCHEDULED_LATE", Warning, Category,
        "the booked date is after the due date";
    WrongTypeScheduled => "WRONG_TYPE_SCHEDULED", Warning, Category,
        "the booked assessment's type is less thorough than the required type";
    DueSoon => "DUE_SOON", Warning, Category,
        "due within the warning window and not booked";
    EntryMissing => "ENTRY_MISSING", Warning, Fixed("G8.33"),
        "no Entry Full User Security Assessment recorded";
    EntryRejected => "ENTRY_REJECTED", Warning, Fixed("G8.36(d)"),
        "the latest Entry status is rejected: a second Full is required";
    EntryDeferred => "ENTRY_DEFERRED", Info, Fixed("G8.36(c)"),
        "the latest Entry status is deferred";
    CategoryChanged => "CATEGORY_CHANGED", Info, Fixed("G8.49"),
        "the category now differs from the one that applied to the last assessment";
    NearThreshold => "NEAR_THRESHOLD", Info, Category,
        "a count is within 5% below a threshold";
    SmsNotificationOverdue => "SMS_NOTIFICATION_OVERDUE", Breach, Fixed("G5.27(b)"),
        "six months have passed since the User's latest Smart Metering System notification";
    PremisesMissing => "PREMISES_MISSING", Warning, Data("G8.48"),
        "premise counts needed for a determination are missing";
    PremisesStale => "PREMISES_STALE", Warning, Data("G8.49"),
        "the latest premises snapshot is older than the stale window";
    SrpUnknown => "SRP_UNKNOWN", Warning, Data("G10.2"),
        "shared_resource_provider names no User with the SRP role";
    SrpNoUsers => "SRP_NO_USERS", Warning, Data("G10.4"),
        "a User with the SRP role is named by no User";
    MultiplePending => "MULTIPLE_PENDING", Warning, Data("G8.40"),
        "more than one uncompleted Annual row in one schedule";
}

impl fmt::Display for FindingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FindingCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One compliance gap or register-data problem, with the clause and the cell it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Shared by the User's findings and schedules.
    pub user_id: Arc<str>,
    /// `None` for findings about the User as a whole.
    pub regime: Option<Regime>,
    pub code: FindingCode,
    pub clause: &'static str,
    pub due: Option<NaiveDate>,
    /// Days late (for `DUE_SOON`, days left).
    pub days: Option<i64>,
    pub message: String,
    /// The cell a person should look at.
    pub source: Option<CellRef>,
    /// The assessment row the finding is about, by [`crate::model::Assessment::index`].
    pub assessment: Option<usize>,
}

impl Finding {
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The identity used to compare reports (SPEC §3.2): (user_id, regime, code, due).
    pub fn identity(&self) -> (&str, Option<Regime>, FindingCode, Option<NaiveDate>) {
        (&self.user_id, self.regime, self.code, self.due)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_unique_and_screaming_snake_case() {
        let mut seen = std::collections::BTreeSet::new();
        for code in FindingCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(
                code.as_str()
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_')
            );
        }
        assert_eq!(FindingCode::ALL.len(), 25);
    }

    #[test]
    fn severities_order_breach_over_warning_over_info() {
        assert!(Severity::Breach > Severity::Warning && Severity::Warning > Severity::Info);
    }

    #[test]
    fn spec_4_severities_and_clauses() {
        use FindingCode::*;
        assert_eq!(Overdue.severity(), Severity::Breach);
        assert_eq!(SelfNotSubmitted.clause_of(), ClauseOf::Fixed("G8.50(b)"));
        assert_eq!(EntryDeferred.severity(), Severity::Info);
        assert_eq!(EntryRejected.severity(), Severity::Warning);
        assert_eq!(SmsNotificationOverdue.severity(), Severity::Breach);
        assert_eq!(RemedialLate.clause_of(), ClauseOf::Fixed("G8.28(a)"));
        assert_eq!(DueSoon.severity(), Severity::Warning);
        assert_eq!(PremisesStale.severity(), Severity::Warning);
    }
}
