//! `g8audit explain`: one User's whole timeline, step by step, so a person can check each step
//! against the Code — the entry and its status, each annual assessment (its determination date,
//! the counts and snapshots used, the category and clause, the required type and due date, what
//! was done and when, and its findings), the other findings, and the next assessment and why.
//!
//! [`timeline`] gathers what the [`Audit`] concluded about the User and the register rows it
//! rests on; [`text`] lays it out for an 80-column terminal (coloured or plain, via `layout`)
//! and [`json`] as data. Nothing here decides a rule: every category, type, due date, status and finding is the
//! audit's, and the register is read only to show what a row holds.

mod json;
mod layout;
mod text;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::model::{Assessment, AssessmentType, CellRef, InputIssue, Register, Snapshot, User};
use crate::rules::findings::Finding;
use crate::rules::schedule::Schedule;
use crate::rules::{Audit, Determined, RowNote};

pub use json::json;
pub use text::text;

/// One User as the audit saw it.
#[derive(Debug)]
pub struct Timeline<'a> {
    pub as_of: NaiveDate,
    pub user: &'a User,
    pub schedules: Vec<ScheduleTimeline<'a>>,
    /// Findings about the User as a whole (regime `None`).
    pub user_findings: Vec<&'a Finding>,
    /// The User's register rows that are neither an Entry Full that decided a schedule nor an
    /// annual assessment in a chain (Follow-ups, bookings, pending rows, rows after A).
    pub other_rows: Vec<&'a Assessment>,
    /// Input issues on the User's rows (or suggesting its id): values refused and read as blank.
    pub issues: Vec<&'a InputIssue>,
    /// Register entries the audit date set aside (whole register, SPEC §2.9).
    pub set_aside: usize,
    /// The rule set's "12 months" (G8.40).
    pub months: u32,
    pub warn_days: i64,
}

/// One schedule (User and regime).
#[derive(Debug)]
pub struct ScheduleTimeline<'a> {
    pub schedule: &'a Schedule,
    /// The Entry Full that decided the User Entry Process.
    pub entry: Option<&'a Assessment>,
    /// The annual chain, in order.
    pub rows: Vec<RowTimeline<'a>>,
    /// The regime's findings not about one annual assessment, in the audit's order.
    pub findings: Vec<&'a Finding>,
    /// The snapshots the next assessment's category was determined from.
    pub next_counts: Vec<Counted<'a>>,
}

/// A snapshot a determination used, with its User's id.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    pub user_id: &'a str,
    pub snapshot: &'a Snapshot,
}

/// One annual assessment of the chain.
#[derive(Debug)]
pub struct RowTimeline<'a> {
    pub note: &'a RowNote,
    pub assessment: &'a Assessment,
    /// The snapshots its category was determined from.
    pub counts: Vec<Counted<'a>>,
    pub findings: Vec<&'a Finding>,
    /// The type it followed in the chain (the Entry Full for the first) and how many of the
    /// chain's last assessments in a row were of that type.
    pub after: (AssessmentType, usize),
    /// The date its due date runs from: the entry anchor (first) or the previous completion.
    pub due_from: Option<NaiveDate>,
}

/// Gathers what `audit` holds about `user_id`. `None` when the audit has no schedule for it (no
/// such User, or one not yet in the register at the audit date).
pub fn timeline<'a>(
    audit: &'a Audit,
    register: &'a Register,
    issues: &'a [InputIssue],
    user_id: &str,
    months: u32,
    warn_days: i64,
) -> Option<Timeline<'a>> {
    // The first User of the id: the one its records belong to.
    let position = register.users.iter().position(|u| u.user_id == user_id)?;
    let user = &register.users[position];
    let schedules: Vec<&Schedule> = audit
        .schedules
        .iter()
        .filter(|s| *s.user_id == *user_id)
        .collect();
    if schedules.is_empty() {
        return None;
    }
    let by_index: HashMap<usize, &Assessment> = register
        .assessments
        .iter()
        .filter(|a| *a.user_id == *user_id)
        .map(|a| (a.index(), a))
        .collect();
    let by_cell: HashMap<&CellRef, &Snapshot> =
        register.premises.iter().map(|s| (&s.cell, s)).collect();
    let findings: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|f| *f.user_id == *user_id)
        .collect();
    let uses = |regime, t: Option<NaiveDate>, purpose: Determined| -> Vec<Counted<'a>> {
        let mut v: Vec<Counted<'a>> = audit
            .snapshot_uses
            .iter()
            .filter(|u| *u.user_id == *user_id && Some(u.regime) == regime && u.purpose == purpose)
            .filter(|u| t.is_none_or(|t| u.t == t))
            .filter_map(|u| by_cell.get(&u.cell).copied())
            .map(|snapshot| Counted {
                user_id: register.user_of(snapshot),
                snapshot,
            })
            .collect();
        v.dedup_by_key(|c| &c.snapshot.cell);
        v
    };

    let mut used = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for s in schedules {
        let mut notes: Vec<&RowNote> = audit
            .row_notes
            .iter()
            .filter(|n| Some(n.regime) == s.regime && by_index.contains_key(&n.assessment))
            .collect();
        notes.sort_by_key(|n| n.position);
        let mut rows: Vec<RowTimeline<'a>> = Vec::new();
        for (k, note) in notes.iter().enumerate() {
            let assessment = by_index[&note.assessment];
            used.insert(note.assessment);
            let before: Vec<AssessmentType> = std::iter::once(AssessmentType::Full)
                .chain(notes[..k].iter().map(|n| by_index[&n.assessment].kind))
                .collect();
            let last = *before.last().unwrap_or(&AssessmentType::Full);
            let run = before.iter().rev().take_while(|t| **t == last).count();
            rows.push(RowTimeline {
                note,
                assessment,
                counts: uses(s.regime, Some(note.t), Determined::Assessment),
                findings: findings
                    .iter()
                    .copied()
                    .filter(|f| f.regime == s.regime && f.assessment == Some(note.assessment))
                    .collect(),
                after: (last, run),
                due_from: if k == 0 {
                    s.anchor
                } else {
                    notes[k - 1].completed
                },
            });
        }
        let in_rows = |f: &&Finding| rows.iter().any(|r| f.assessment == Some(r.note.assessment));
        let regime_findings = findings
            .iter()
            .copied()
            .filter(|f| f.regime.is_some() && f.regime == s.regime && !in_rows(f))
            .collect();
        if let Some(e) = s.entry_row {
            used.insert(e);
        }
        out.push(ScheduleTimeline {
            schedule: s,
            entry: s.entry_row.and_then(|e| by_index.get(&e).copied()),
            rows,
            findings: regime_findings,
            next_counts: uses(s.regime, None, Determined::NextAssessment),
        });
    }
    let mut other_rows: Vec<&Assessment> = by_index
        .values()
        .copied()
        .filter(|a| !used.contains(&a.index()))
        .collect();
    other_rows.sort_by_key(|a| a.index);
    // The rows that are the User's: its Users row, its snapshots and its assessments.
    let row_key = |c: &CellRef| (c.input, c.sheet, c.row);
    let mut rows_of_user: std::collections::BTreeSet<_> = by_index
        .values()
        .map(|a| row_key(&a.cell))
        .chain(std::iter::once(row_key(&user.cell)))
        .collect();
    rows_of_user.extend(
        register
            .premises
            .iter()
            .filter(|s| s.user as usize == position)
            .map(|s| row_key(&s.cell)),
    );
    let issues = issues
        .iter()
        .filter(|i| {
            rows_of_user.contains(&row_key(&i.cell)) || i.suggestion.as_deref() == Some(user_id)
        })
        .collect();
    Some(Timeline {
        as_of: audit.as_of,
        user,
        schedules: out,
        user_findings: findings
            .iter()
            .copied()
            .filter(|f| f.regime.is_none())
            .collect(),
        other_rows,
        issues,
        set_aside: audit.set_aside.total(),
        months,
        warn_days,
    })
}
