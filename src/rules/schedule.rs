//! One schedule per User and regime (SPEC §2.4–§2.8): the annual chain, the next assessment, its
//! due date and status, and every finding about them.

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{AssessmentType, CellRef, Purpose};
use crate::rules::counts::{Category, Determination, Figures, determine};
use crate::rules::cycle::{due_after, next_type};
use crate::rules::dates::days_between;
use crate::rules::entry::{Entry, decide_entry};
use crate::rules::findings::FindingCode;
use crate::rules::regime::{Regime, covers};
use crate::rules::responses;
use crate::rules::self_assessment;
use crate::rules::sink::{Found, Sink};
use crate::rules::view::Row;
use crate::rules::{Context, Determined, RowNote, SnapshotUse};

/// Where a schedule stands at the audit date (SPEC §2.7), in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    Left,
    NotSubject,
    EntryIncomplete,
    Undetermined,
    Overdue,
    ScheduledLate,
    Scheduled,
    DueSoon,
    Ok,
}

impl Status {
    pub const ALL: [Status; 9] = [
        Status::Left,
        Status::NotSubject,
        Status::EntryIncomplete,
        Status::Undetermined,
        Status::Overdue,
        Status::ScheduledLate,
        Status::Scheduled,
        Status::DueSoon,
        Status::Ok,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Left => "left",
            Status::NotSubject => "not-subject",
            Status::EntryIncomplete => "entry-incomplete",
            Status::Undetermined => "undetermined",
            Status::Overdue => "overdue",
            Status::ScheduledLate => "scheduled-late",
            Status::Scheduled => "scheduled",
            Status::DueSoon => "due-soon",
            Status::Ok => "ok",
        }
    }

    /// What the status means, for the legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Left => "the User has left; nothing falls due after its leaving date",
            Status::NotSubject => "no G8 cycle applies (Export Supplier / RSA only, G1.7)",
            Status::EntryIncomplete => "the User Entry Process is not complete (G8.33–G8.37)",
            Status::Undetermined => "no due date can be computed from the register",
            Status::Overdue => "the next assessment is past its due date",
            Status::ScheduledLate => "booked, but for after the due date",
            Status::Scheduled => "booked on or before the due date",
            Status::DueSoon => "due within the warning window and not booked",
            Status::Ok => "nothing due within the warning window",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One User's schedule in one regime, as of the audit date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Shared by the User's schedules and findings.
    pub user_id: Arc<str>,
    pub name: Option<String>,
    pub regime: Option<Regime>,
    pub category: Option<Category>,
    /// The id of the rule version applied, shared with every determination under it.
    pub rules_version: Option<Arc<str>>,
    pub domestic: Option<u64>,
    pub non_domestic: Option<u64>,
    pub counts_as_of: Option<NaiveDate>,
    /// The figures that decided the category (written out when shown; the large-category tests
    /// met are its limbs, [`Schedule::limbs`]).
    pub figures: Figures,
    pub last_type: Option<AssessmentType>,
    pub last_completed: Option<NaiveDate>,
    pub next_type: Option<AssessmentType>,
    pub due: Option<NaiveDate>,
    /// due − A, in days (negative when overdue).
    pub days_left: Option<i64>,
    pub scheduled_for: Option<NaiveDate>,
    pub booked_type: Option<AssessmentType>,
    pub status: Status,
    pub explanation: String,
    /// The User's row in the Users table.
    pub user_cell: CellRef,
    /// The Entry Full that decided the User Entry Process, by assessment index.
    pub entry_row: Option<usize>,
    /// Where the entry stands, for a person: `approved 2019-05-01`, `deferred`, ….
    pub entry_state: String,
    /// The date the annual cycle runs from (G8.40), when the entry is complete.
    pub anchor: Option<NaiveDate>,
}

impl Schedule {
    /// The large-category limbs met, e.g. `G8.41(c)`; empty for a small category.
    pub fn limbs(&self) -> Vec<&str> {
        self.figures.limbs()
    }

    /// A schedule with nothing determined yet, for `user` (whose id `id` shares).
    pub fn blank(
        user: &crate::model::User,
        id: Arc<str>,
        regime: Option<Regime>,
        status: Status,
    ) -> Schedule {
        Schedule {
            user_id: id,
            name: user.name.clone(),
            regime,
            category: None,
            rules_version: None,
            domestic: None,
            non_domestic: None,
            counts_as_of: None,
            figures: Figures::missing(),
            last_type: None,
            last_completed: None,
            next_type: None,
            due: None,
            days_left: None,
            scheduled_for: None,
            booked_type: None,
            status,
            explanation: String::new(),
            user_cell: user.cell.clone(),
            entry_row: None,
            entry_state: String::new(),
            anchor: None,
        }
    }
}

/// Everything one User contributes to the audit.
#[derive(Debug, Default)]
pub struct UserAudit {
    pub schedules: Vec<Schedule>,
    pub findings: Vec<crate::rules::findings::Finding>,
    pub row_notes: Vec<RowNote>,
    pub snapshot_uses: Vec<SnapshotUse>,
}

fn fmt_date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "(no date)".to_string(), |d| d.to_string())
}

fn completed_cell(row: &Row<'_>) -> CellRef {
    let a = row.source;
    if a.completed_on().value.is_some() {
        a.completed_on().cell_in(&a.cell)
    } else {
        a.submitted_on().cell_in(&a.cell)
    }
    .unwrap_or_else(|| a.cell.clone())
}

/// True when `done` is less thorough than `required` (SPEC §6.8).
fn less_thorough(done: AssessmentType, required: AssessmentType) -> bool {
    done.thoroughness() < required.thoroughness()
}

struct Builder<'c, 'a> {
    ctx: &'c Context<'a>,
    i: usize,
    regime: Regime,
    sink: Sink<'a>,
    notes: Vec<RowNote>,
    uses: Vec<SnapshotUse>,
    /// Determinations that lacked counts: (T, Users missing).
    missing: Vec<(NaiveDate, Vec<usize>)>,
}

/// The category and the figures that decided it (the limbs met, or the category's clause), for
/// the explanation.
fn category_text(ctx: &Context<'_>, det: &Determination<'_>, regime: Regime) -> String {
    let mut x = String::new();
    match det.category {
        Some(c) => {
            let limbs = det.figures.limbs();
            let clause = match limbs.len() {
                0 => c.clause().to_string(),
                _ => limbs.join(", "),
            };
            let _ = write!(x, "{c} ({clause}");
            if regime.is_srp() {
                let _ = write!(x, ", via G8.63");
            }
            let _ = write!(x, "): {}", det.figures);
            if let Some(at) = det.counts_as_of {
                let _ = write!(x, " at {at}");
            }
            if &*det.version.id != "SECMP0059" {
                let _ = write!(x, " [rules {} at {}]", det.version.id, det.t);
            }
        }
        None => {
            let _ = write!(
                x,
                "category undetermined: premise counts missing at {} for {}",
                det.t,
                det.missing
                    .iter()
                    .map(|&j| ctx.view.users[j].user.user_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    x
}

impl<'c, 'a> Builder<'c, 'a> {
    /// Copies a determination's category and figures into the schedule.
    fn apply(&self, s: &mut Schedule, det: &Determination<'_>) {
        s.category = det.category;
        s.rules_version = Some(Arc::clone(&det.version.id));
        s.domestic = det.domestic;
        s.non_domestic = det.non_domestic;
        s.counts_as_of = det.counts_as_of;
        s.figures = det.figures.clone();
    }

    /// SPEC §6.12: NEAR_THRESHOLD for a small category with a deciding figure within the window.
    fn near_threshold(&mut self, det: &Determination<'_>) {
        let Some(c) = det.category.filter(|c| c.is_small()) else {
            return;
        };
        let near = det.figures.near(self.ctx.rules.near_threshold_percent);
        if near.is_empty() {
            return;
        }
        let uv = &self.ctx.view.users[self.i];
        let cell = uv
            .snapshots
            .last()
            .map(|s| s.cell.clone())
            .unwrap_or_else(|| uv.user.cell.clone());
        self.sink.push(
            Found::new(
                FindingCode::NearThreshold,
                Some(self.regime),
                format!("{c} near the threshold at {}: {}", det.t, near.join("; ")),
            )
            .category(Some(c))
            .at(Some(cell), None),
        );
    }

    fn determine(&mut self, t: NaiveDate, purpose: Determined) -> Determination<'c> {
        let det = determine(self.ctx, self.i, self.regime, t);
        if !det.missing.is_empty() {
            self.missing.push((t, det.missing.clone()));
        }
        if !self.ctx.params.annotate {
            return det;
        }
        for c in &det.contributions {
            let uv = &self.ctx.view.users[c.user];
            if let Some(s) = uv.snapshot_at(c.as_of) {
                self.uses.push(SnapshotUse {
                    cell: s.cell.clone(),
                    user_id: Arc::clone(&self.sink.shared_id),
                    regime: self.regime,
                    t,
                    purpose,
                });
            }
        }
        det
    }
}

/// Builds the schedule of User `i` in `regime`, pushing its findings into `sink`.
pub fn build_schedule<'a>(
    ctx: &Context<'a>,
    i: usize,
    regime: Regime,
    sink: &mut Sink<'a>,
    out: &mut UserAudit,
    missing: &mut Vec<(NaiveDate, Vec<usize>)>,
) -> Schedule {
    let uv = &ctx.view.users[i];
    let as_of = ctx.params.as_of;
    let rules = ctx.rules;
    let mut rows: Vec<&Row<'a>> = uv
        .rows
        .iter()
        .filter(|r| covers(r.source.roles_covered, regime))
        .collect();
    // SPEC §2.9: of several Annual rows completed after A and read as bookings, only the
    // earliest counts at A.
    let is_annual = |r: &Row<'_>| r.purpose == Purpose::Annual && r.kind.is_annual_type();
    let earliest_late = rows
        .iter()
        .filter(|r| r.booked_at_a && is_annual(r))
        .min_by_key(|r| (r.scheduled_for, r.index()))
        .map(|r| r.index());
    rows.retain(|r| !(r.booked_at_a && is_annual(r)) || Some(r.index()) == earliest_late);

    let mut b = Builder {
        ctx,
        i,
        regime,
        sink: sink.for_same_user(),
        notes: Vec::new(),
        uses: Vec::new(),
        missing: Vec::new(),
    };

    // G8.24, G8.28(a), G8.29: row by row, whatever the cycle.
    for row in &rows {
        responses::response_and_remedial(row, regime, as_of, &mut b.sink);
        responses::follow_up(row, &rows, regime, as_of, &mut b.sink);
    }

    let mut s = Schedule::blank(
        uv.user,
        Arc::clone(&sink.shared_id),
        Some(regime),
        Status::Ok,
    );

    let pending: Vec<&Row<'a>> = rows
        .iter()
        .copied()
        .filter(|r| is_annual(r) && !r.is_completed())
        .collect();
    if pending.len() > 1 && !b.sink.has_user_level(FindingCode::MultiplePending) {
        let second = pending[1];
        b.sink.push(
            Found::new(
                FindingCode::MultiplePending,
                None,
                format!(
                    "{} uncompleted Annual rows in the {regime} schedule (rows {}); only one \
                     assessment can be next",
                    pending.len(),
                    pending
                        .iter()
                        .map(|r| r.source.cell.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(Some(second.source.cell.clone()), Some(second.index())),
        );
    }

    let entry = decide_entry(&rows, rules.status_names_changed_on);
    (s.entry_row, s.entry_state) = match &entry {
        Entry::Missing => (None, "no Entry Full recorded".into()),
        Entry::BookedOnly { row } => (Some(*row), "Entry Full booked, not yet done".into()),
        Entry::AwaitingPanel { row, .. } => {
            (Some(*row), "Entry Full done, awaiting the Panel".into())
        }
        Entry::Deferred { row, .. } => (Some(*row), "deferred (G8.36(c))".into()),
        Entry::Rejected { row, .. } => (Some(*row), "rejected (G8.36(d))".into()),
        Entry::Complete {
            row, anchor_note, ..
        } => (Some(*row), format!("complete: {anchor_note}")),
    };
    let row_by_index = |idx: usize| rows.iter().find(|r| r.index() == idx).copied();
    let status_cell = |idx: usize| {
        row_by_index(idx).map(|r| {
            r.source
                .assurance_status()
                .cell_in(&r.source.cell)
                .filter(|_| r.source.assurance_status().value.is_some())
                .unwrap_or_else(|| r.source.cell.clone())
        })
    };
    let entry_booking = |rows: &[&Row<'a>]| {
        rows.iter()
            .filter(|r| {
                r.kind == AssessmentType::Full && r.purpose == Purpose::Entry && !r.is_completed()
            })
            .filter_map(|r| r.scheduled_for)
            .min()
    };
    // SPEC §6.4. G8.49 determines a category for annual assessments only: the Entry Full of
    // G8.33 has none, so an entry-incomplete schedule has no category.
    let incomplete = |s: &mut Schedule, next: Option<AssessmentType>, why: String| {
        s.status = Status::EntryIncomplete;
        s.next_type = next;
        s.explanation = why;
    };
    let entry_row = s.entry_row.filter(|_| entry.is_complete());
    let (anchor, anchor_note, entry_completed, entry_note) = match &entry {
        Entry::Missing => {
            b.sink.push(
                Found::new(
                    FindingCode::EntryMissing,
                    Some(regime),
                    format!("no Entry Full User Security Assessment is recorded for the {regime} schedule (G8.33)"),
                )
                .at(Some(uv.user.cell.clone()), None),
            );
            incomplete(
                &mut s,
                Some(AssessmentType::Full),
                "entry incomplete (G8.33): no Entry Full recorded; next: Full (User Entry Process)"
                    .into(),
            );
            s.scheduled_for = entry_booking(&rows);
            return finish(b, s, sink, out, missing);
        }
        Entry::BookedOnly { row } => {
            s.scheduled_for = entry_booking(&rows);
            let booked = s.scheduled_for;
            incomplete(
                &mut s,
                Some(AssessmentType::Full),
                format!(
                    "entry incomplete (G8.33): Entry Full booked for {} ({}), not yet done; next: Full",
                    fmt_date(booked),
                    row_by_index(*row)
                        .map(|r| r.source.cell.to_string())
                        .unwrap_or_default()
                ),
            );
            return finish(b, s, sink, out, missing);
        }
        Entry::AwaitingPanel {
            row,
            status_set_aside,
        } => {
            let why = if *status_set_aside {
                "its status was set after the audit date"
            } else {
                "no status recorded on the latest of several Entry Fulls"
            };
            incomplete(
                &mut s,
                None,
                format!(
                    "entry incomplete (G8.35): Entry Full {} done, awaiting the Panel ({why})",
                    row_by_index(*row)
                        .map(|r| r.source.cell.to_string())
                        .unwrap_or_default()
                ),
            );
            return finish(b, s, sink, out, missing);
        }
        Entry::Deferred { row, note } => {
            b.sink.push(
                Found::new(
                    FindingCode::EntryDeferred,
                    Some(regime),
                    format!(
                        "latest Entry status is deferred (G8.36(c)){}",
                        note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                    ),
                )
                .at(status_cell(*row), Some(*row)),
            );
            incomplete(
                &mut s,
                None,
                format!(
                    "entry incomplete (G8.36(c)): deferred until steps are taken and a Follow-up \
                     satisfies the Panel{}",
                    note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                ),
            );
            return finish(b, s, sink, out, missing);
        }
        Entry::Rejected { row, note } => {
            b.sink.push(
                Found::new(
                    FindingCode::EntryRejected,
                    Some(regime),
                    format!(
                        "latest Entry status is rejected (G8.36(d)): a second Full User Security \
                         Assessment is required{}",
                        note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                    ),
                )
                .at(status_cell(*row), Some(*row)),
            );
            s.scheduled_for = entry_booking(&rows);
            let booked = s.scheduled_for;
            incomplete(
                &mut s,
                Some(AssessmentType::Full),
                format!(
                    "entry incomplete (G8.36(d)): rejected, second Full required{}{}",
                    booked
                        .map(|d| format!(", booked for {d}"))
                        .unwrap_or_default(),
                    note.as_ref().map(|n| format!("; {n}")).unwrap_or_default()
                ),
            );
            return finish(b, s, sink, out, missing);
        }
        Entry::Complete {
            anchor,
            anchor_note,
            completed,
            note,
            ..
        } => (*anchor, anchor_note.clone(), *completed, note.clone()),
    };
    s.anchor = anchor;

    // The annual chain (SPEC §2.4): the Entry Full, then completed Annual rows by completion.
    let mut done: Vec<&Row<'a>> = rows
        .iter()
        .copied()
        .filter(|r| is_annual(r) && r.is_completed())
        .collect();
    done.sort_by_key(|r| (r.completion, r.index()));
    let mut chain: Vec<AssessmentType> = vec![AssessmentType::Full];
    let mut prev_completion: Option<NaiveDate> = None;
    // The category the last annual assessment was judged in, for CATEGORY_CHANGED.
    let mut last_category: Option<Category> = None;
    let mut notes_more: Vec<String> = Vec::new();
    for (k, row) in done.iter().enumerate() {
        let due = if k == 0 {
            anchor.map(|a| due_after(rules, a))
        } else {
            prev_completion.map(|c| due_after(rules, c))
        };
        let completion = row.completion.unwrap_or(as_of);
        let t = row.scheduled_for.unwrap_or(completion);
        let det = b.determine(t, Determined::Assessment);
        let required = det.category.map(|c| next_type(rules, c, t, &chain));
        let mut codes = Vec::new();
        if row.kind == AssessmentType::SelfAssessment {
            codes.extend(self_assessment::g8_50_b_submission(
                row,
                due,
                det.category,
                regime,
                as_of,
                &mut b.sink,
            ));
        } else if let Some(due) = due
            && completion > due
        {
            // COMPLETED_LATE: never for a Self row, which G8.50(b) judges (SPEC §6.9).
            let days = days_between(due, completion);
            b.sink.push(
                Found::new(
                    FindingCode::CompletedLate,
                    Some(regime),
                    format!(
                        "{} {} was due {due} and completed {completion} ({days} days late)",
                        row.kind, row.source.cell
                    ),
                )
                .category(det.category)
                .due(Some(due), Some(days))
                .at(Some(completed_cell(row)), Some(row.index())),
            );
            codes.push(FindingCode::CompletedLate);
        }
        if let Some((req, _)) = required {
            if less_thorough(row.kind, req) {
                b.sink.push(
                    Found::new(
                        FindingCode::WrongType,
                        Some(regime),
                        format!(
                            "{} {} completed {completion} was a {}, but a {req} was required \
                             ({}: {})",
                            row.kind,
                            row.source.cell,
                            row.kind,
                            det.category.map(|c| c.as_str()).unwrap_or_default(),
                            det.figures
                        ),
                    )
                    .category(det.category)
                    .due(due, None)
                    .at(Some(row.source.cell.clone()), Some(row.index())),
                );
                codes.push(FindingCode::WrongType);
            } else if row.kind != req {
                notes_more.push(format!(
                    "{} completed {completion} met the required {req} (more thorough)",
                    row.kind
                ));
            }
        }
        if ctx.params.annotate {
            b.notes.push(RowNote {
                assessment: row.index(),
                regime,
                position: u32::try_from(k + 1).unwrap_or(u32::MAX),
                t,
                category: det.category,
                rules_version: Arc::clone(&det.version.id),
                figures: det.figures,
                counts_as_of: det.counts_as_of,
                required: required.map(|r| r.0),
                required_in_code: required.is_none_or(|r| r.1),
                due,
                completed: row.completion,
                days_late: due.and_then(|d| {
                    let late = days_between(d, completion);
                    (late > 0).then(|| i32::try_from(late).unwrap_or(i32::MAX))
                }),
                codes: codes.into_boxed_slice(),
            });
        }
        chain.push(row.kind);
        prev_completion = row.completion;
        last_category = det.category;
    }

    // The next assessment.
    let booking = rows
        .iter()
        .copied()
        .filter(|r| is_annual(r) && !r.is_completed() && r.scheduled_for.is_some())
        .min_by_key(|r| (r.scheduled_for, r.index()));
    let t_next = booking.and_then(|r| r.scheduled_for).unwrap_or(as_of);
    let det = b.determine(t_next, Determined::NextAssessment);
    let next = det.category.map(|c| next_type(rules, c, t_next, &chain));
    let due = match done.last() {
        None => anchor.map(|a| due_after(rules, a)),
        Some(last) => last.completion.map(|c| due_after(rules, c)),
    };
    b.apply(&mut s, &det);
    s.next_type = next.map(|n| n.0);
    s.due = due;
    s.days_left = due.map(|d| days_between(as_of, d));
    s.scheduled_for = booking.and_then(|r| r.scheduled_for);
    s.booked_type = booking.map(|r| r.kind);
    if let Some(last) = done.last() {
        s.last_type = Some(last.kind);
        s.last_completed = last.completion;
    } else {
        s.last_type = Some(AssessmentType::Full);
        s.last_completed = entry_completed;
    }

    let warn = ctx.params.warn_days;
    s.status = match due {
        None => Status::Undetermined,
        Some(d) if as_of > d => Status::Overdue,
        Some(d) => match s.scheduled_for {
            Some(b) if b > d => Status::ScheduledLate,
            Some(_) => Status::Scheduled,
            None if days_between(as_of, d) <= warn => Status::DueSoon,
            None => Status::Ok,
        },
    };

    let next_text = s
        .next_type
        .map_or("type undetermined".to_string(), |t| t.to_string());
    let source_of_due = done
        .last()
        .map(|r| completed_cell(r))
        .or_else(|| entry_row.and_then(row_by_index).map(completed_cell))
        .unwrap_or_else(|| uv.user.cell.clone());
    if let Some(d) = due {
        let days = days_between(d, as_of);
        if as_of > d {
            let booked = booking.map_or(String::new(), |r| {
                format!(
                    "; booked for {} ({})",
                    fmt_date(r.scheduled_for),
                    r.source.cell
                )
            });
            b.sink.push(
                Found::new(
                    FindingCode::Overdue,
                    Some(regime),
                    format!(
                        "{next_text} was due {d} and is not completed ({days} days late){booked}"
                    ),
                )
                .category(det.category)
                .due(Some(d), Some(days))
                .at(
                    booking
                        .and_then(|r| r.source.scheduled_for().cell_in(&r.source.cell))
                        .or(Some(source_of_due.clone())),
                    booking.map(|r| r.index()),
                ),
            );
        } else if let Some(r) = booking
            && let Some(when) = r.scheduled_for
            && when > d
        {
            let late = days_between(d, when);
            b.sink.push(
                Found::new(
                    FindingCode::ScheduledLate,
                    Some(regime),
                    format!(
                        "{} booked for {when} ({}) but due {d} ({late} days after the due date)",
                        r.kind, r.source.cell
                    ),
                )
                .category(det.category)
                .due(Some(d), Some(late))
                .at(
                    r.source.scheduled_for().cell_in(&r.source.cell),
                    Some(r.index()),
                ),
            );
        }
        if booking.is_none() && as_of <= d && days_between(as_of, d) <= warn {
            let left = days_between(as_of, d);
            b.sink.push(
                Found::new(
                    FindingCode::DueSoon,
                    Some(regime),
                    format!("{next_text} due {d} ({left} days left) and not booked"),
                )
                .category(det.category)
                .due(Some(d), Some(left))
                .at(Some(source_of_due.clone()), None),
            );
        }
    }
    if let (Some(r), Some((req, _))) = (booking, next)
        && less_thorough(r.kind, req)
    {
        b.sink.push(
            Found::new(
                FindingCode::WrongTypeScheduled,
                Some(regime),
                format!(
                    "{} booked for {} ({}), but a {req} is required",
                    r.kind,
                    fmt_date(r.scheduled_for),
                    r.source.cell
                ),
            )
            .category(det.category)
            .due(due, None)
            .at(Some(r.source.cell.clone()), Some(r.index())),
        );
    }
    if let (Some(last), Some(now)) = (last_category, det.category)
        && last != now
    {
        b.sink.push(
            Found::new(
                FindingCode::CategoryChanged,
                Some(regime),
                format!(
                    "category now {now} ({}) at {t_next}; the last assessment was judged {last}",
                    s.figures
                ),
            )
            .due(due, None)
            .at(snapshot_cell(ctx, i).or(Some(uv.user.cell.clone())), None),
        );
    }
    b.near_threshold(&det);

    // The explanation a person can follow.
    let mut x = category_text(ctx, &det, regime);
    match done.last() {
        Some(last) => {
            let _ = write!(
                x,
                "; last: {} completed {}",
                last.kind,
                fmt_date(last.completion)
            );
        }
        None => {
            let _ = write!(x, "; last: Entry Full, {anchor_note}");
        }
    }
    if let Some(n) = &entry_note {
        let _ = write!(x, " ({n})");
    }
    let _ = write!(x, "; next: {next_text}, due {}", fmt_date(due));
    if let Some((_, false)) = next {
        let _ = write!(
            x,
            " (the Code does not write this step; the cycle's next independent assessment is taken)"
        );
    }
    if let Some(r) = booking {
        let _ = write!(x, "; booked: {} for {}", r.kind, fmt_date(r.scheduled_for));
        if let Some((req, _)) = next
            && r.kind != req
            && !less_thorough(r.kind, req)
        {
            let _ = write!(x, " (more thorough than the required {req}: meets it)");
        }
    }
    // SPEC §6.8: say when a more thorough type met the requirement; the latest such is enough,
    // with a count of the earlier ones.
    if let Some(n) = notes_more.last() {
        let _ = write!(x, "; {n}");
        if notes_more.len() > 1 {
            let _ = write!(x, " (and {} earlier)", notes_more.len() - 1);
        }
    }
    s.explanation = x;
    finish(b, s, sink, out, missing)
}

/// SPEC §6.2: a User with no regime has one schedule, `not-subject` (or `left`).
pub fn not_subject(user: &crate::model::User, id: Arc<str>) -> Schedule {
    let mut s = Schedule::blank(user, id, None, Status::NotSubject);
    s.explanation = "not subject to G8 assessments (G1.7): no role that G8 applies to".into();
    s
}

fn snapshot_cell(ctx: &Context<'_>, i: usize) -> Option<CellRef> {
    ctx.view.users[i].snapshots.last().map(|s| s.cell.clone())
}

fn finish<'a>(
    b: Builder<'_, 'a>,
    s: Schedule,
    sink: &mut Sink<'a>,
    out: &mut UserAudit,
    missing: &mut Vec<(NaiveDate, Vec<usize>)>,
) -> Schedule {
    sink.findings.extend(b.sink.findings);
    out.row_notes.extend(b.notes);
    out.snapshot_uses.extend(b.uses);
    missing.extend(b.missing);
    s
}
