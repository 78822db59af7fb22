//! A small builder for in-memory registers.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::model::{
    Assessment, AssessmentColumns, AssessmentType, AssessmentValues, CellRef, Located, Purpose,
    RecordedStatus, Register, Role, Snapshot, User,
};
use crate::rules::findings::{Finding, FindingCode};
use crate::rules::regime::Regime;
use crate::rules::ruleset::RuleSet;
use crate::rules::schedule::Schedule;
use crate::rules::{Audit, AuditParams, audit};

pub use AssessmentType::{FollowUp, Full, SelfAssessment as SelfA, Verification};
pub use Role::*;

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn cell(sheet: &str, row: usize, col: u32) -> CellRef {
    CellRef {
        input: 0,
        sheet: sheet.into(),
        row: row as u32,
        col,
    }
}

/// Where the rows built here keep their dates and status (as in the register template).
const COLUMNS: AssessmentColumns = AssessmentColumns {
    scheduled_for: Some(4),
    completed_on: Some(5),
    submitted_on: Some(6),
    assurance_status: Some(7),
    status_set_on: Some(8),
    response_due_on: Some(9),
    response_submitted_on: Some(10),
    remedial_due_on: Some(11),
    remedial_completed_on: Some(12),
    follow_up_due_on: Some(13),
};

#[derive(Default)]
pub struct Reg {
    pub reg: Register,
}

/// One assessment row, written the way a register row reads.
#[derive(Clone, Default)]
pub struct Row<'a> {
    pub purpose: Option<Purpose>,
    pub roles_covered: Option<Vec<Role>>,
    pub scheduled: Option<&'a str>,
    pub completed: Option<&'a str>,
    pub submitted: Option<&'a str>,
    pub status: Option<RecordedStatus>,
    pub status_set: Option<&'a str>,
    pub response_due: Option<&'a str>,
    pub response_submitted: Option<&'a str>,
    pub remedial_due: Option<&'a str>,
    pub remedial_completed: Option<&'a str>,
    pub follow_up_due: Option<&'a str>,
}

impl Reg {
    pub fn new() -> Reg {
        Reg {
            reg: Register {
                has_sms_notified_column: false,
                ..Register::default()
            },
        }
    }

    pub fn user(&mut self, id: &str, roles: &[Role]) -> &mut User {
        let row = self.reg.users.len() + 1;
        self.reg.users.push(User {
            user_id: id.into(),
            name: Some(format!("{id} Ltd")),
            roles: roles.to_vec(),
            shared_resource_providers: Vec::new(),
            shared_resources_groups: Vec::new(),
            left_on: Located::default(),
            sms_notified_on: Located::default(),
            cell: cell("Users", row, 0),
        });
        self.reg.users.last_mut().unwrap()
    }

    pub fn srp(&mut self, id: &str, srp: &str) {
        let u = self.reg.users.iter_mut().find(|u| u.user_id == id).unwrap();
        u.shared_resource_providers.push(srp.into());
    }

    pub fn group(&mut self, id: &str, group: &str) {
        let u = self.reg.users.iter_mut().find(|u| u.user_id == id).unwrap();
        u.shared_resources_groups.push(group.into());
    }

    pub fn left(&mut self, id: &str, on: &str) {
        let u = self.reg.users.iter_mut().find(|u| u.user_id == id).unwrap();
        u.left_on = Located::bare(Some(d(on)));
    }

    pub fn snap(&mut self, id: &str, as_of: &str, domestic: u64, non_domestic: u64) {
        let row = self.reg.premises.len() + 1;
        // The first User of the id, as the reader links a snapshot.
        let user = self.reg.users.iter().position(|u| u.user_id == id);
        let user = user.expect("a snapshot's User is added before it") as u32;
        self.reg.premises.push(Snapshot {
            user,
            as_of: d(as_of),
            domestic,
            non_domestic,
            cell: cell("Premises", row, 1),
        });
    }

    pub fn row(&mut self, id: &str, kind: AssessmentType, r: Row<'_>) -> usize {
        let index = self.reg.assessments.len();
        let n = index + 1;
        let s = "Assessments";
        // The first User of the id, as the reader links a row (none: a row of no User).
        let user = self.reg.users.iter().position(|u| u.user_id == id);
        self.reg.assessments.push(Assessment {
            index: index as u32,
            user: user.map_or(u32::MAX, |u| u as u32),
            user_id: id.into(),
            kind,
            purpose: r.purpose,
            roles_covered: r.roles_covered.map(|roles| roles.into_iter().collect()),
            values: AssessmentValues {
                scheduled_for: r.scheduled.map(d),
                completed_on: r.completed.map(d),
                submitted_on: r.submitted.map(d),
                assurance_status: r.status,
                status_set_on: r.status_set.map(d),
                response_due_on: r.response_due.map(d),
                response_submitted_on: r.response_submitted.map(d),
                remedial_due_on: r.remedial_due.map(d),
                remedial_completed_on: r.remedial_completed.map(d),
                follow_up_due_on: r.follow_up_due.map(d),
            },
            columns: Arc::new(COLUMNS),
            cell: cell(s, n, 1),
        });
        index
    }

    /// An approved Entry Full completed and approved on `date`.
    pub fn entry(&mut self, id: &str, date: &str) -> usize {
        self.row(
            id,
            Full,
            Row {
                completed: Some(date),
                status: Some(RecordedStatus::Approved),
                status_set: Some(date),
                ..Row::default()
            },
        )
    }

    /// A completed Annual row.
    pub fn done(&mut self, id: &str, kind: AssessmentType, date: &str) -> usize {
        self.row(
            id,
            kind,
            Row {
                completed: Some(date),
                submitted: (kind == SelfA).then_some(date),
                ..Row::default()
            },
        )
    }

    /// A booked Annual row.
    pub fn booked(&mut self, id: &str, kind: AssessmentType, date: &str) -> usize {
        self.row(
            id,
            kind,
            Row {
                scheduled: Some(date),
                ..Row::default()
            },
        )
    }

    pub fn audit(&self, as_of: &str) -> Audit {
        self.audit_with(as_of, &RuleSet::embedded())
    }

    pub fn audit_with(&self, as_of: &str, rules: &RuleSet) -> Audit {
        audit(
            &self.reg,
            rules,
            &AuditParams {
                as_of: d(as_of),
                warn_days: 90,
                stale_days: 45,
                annotate: true,
            },
        )
    }
}

pub fn sched<'a>(audit: &'a Audit, id: &str, regime: Option<Regime>) -> &'a Schedule {
    audit
        .schedules
        .iter()
        .find(|s| &*s.user_id == id && s.regime == regime)
        .unwrap_or_else(|| panic!("no schedule for {id} {regime:?}: {:#?}", audit.schedules))
}

pub fn findings<'a>(audit: &'a Audit, id: &str) -> Vec<&'a Finding> {
    audit
        .findings
        .iter()
        .filter(|f| &*f.user_id == id)
        .collect()
}

/// The (code, due) pairs of one User's findings, in report order.
pub fn codes(audit: &Audit, id: &str) -> Vec<(FindingCode, Option<NaiveDate>)> {
    findings(audit, id)
        .iter()
        .map(|f| (f.code, f.due))
        .collect()
}

pub fn has(audit: &Audit, id: &str, code: FindingCode) -> bool {
    findings(audit, id).iter().any(|f| f.code == code)
}

pub fn find<'a>(audit: &'a Audit, id: &str, code: FindingCode) -> &'a Finding {
    findings(audit, id)
        .into_iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {code} for {id}: {:#?}", codes(audit, id)))
}

/// Monthly snapshots with constant counts from `from` to `to` (first of each month).
pub fn monthly(reg: &mut Reg, id: &str, from: &str, to: &str, domestic: u64, non_domestic: u64) {
    let mut m = d(from);
    while m <= d(to) {
        reg.snap(id, &m.to_string(), domestic, non_domestic);
        m = m.checked_add_months(chrono::Months::new(1)).unwrap();
    }
}
