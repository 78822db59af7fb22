//! The rules of SEC Section G8, as pure code: a register in, one [`Audit`] out.
//!
//! Nothing in this module reads or writes a file, a spreadsheet or the clock: the audit date and
//! the rule set are parameters, so the same register always gives the same audit. Users are
//! audited in parallel (rayon) and the results are put back in a fixed order, so the thread count
//! never changes the output.

pub mod counts;
pub mod cycle;
pub mod dates;
pub mod entry;
pub mod findings;
pub mod forecast;
pub mod links;
pub mod per_user;
pub mod regime;
pub mod register_data;
pub mod responses;
pub mod ruleset;
pub mod schedule;
pub mod self_assessment;
pub mod sink;
pub mod view;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::{AssessmentType, CellRef, Register};
use findings::{Finding, FindingCode};
use forecast::ForecastMonth;
use links::Links;
use per_user::PerUser;
use regime::Regime;
use ruleset::{RuleSet, SharedVersion};
use schedule::{Schedule, Status, UserAudit};
use sink::Sink;
use view::{SetAside, View};

/// What the audit looks from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditParams {
    /// The audit date A (`--as-of`).
    pub as_of: NaiveDate,
    /// `--warn-days`: the due-soon window (SPEC §6.5).
    pub warn_days: i64,
    /// `--stale-days`: when the latest snapshot is stale (SPEC §6.5).
    pub stale_days: i64,
    /// Work out what each assessment row and Premises snapshot was used for
    /// ([`Audit::row_notes`], [`Audit::snapshot_uses`]), which the annotated workbook and
    /// `explain` show. Without it those two lists stay empty: for a JSON report of a large
    /// register they are most of the memory the rules take (a note per assessment row, a use per
    /// snapshot), and nothing else depends on them.
    pub annotate: bool,
}

/// What the rules concluded about one assessment row in one regime (for the annotated
/// Assessments sheet). One per annual row of a large register, so kept small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    pub assessment: usize,
    pub regime: Regime,
    /// Its place in the annual chain (1 = the first Annual assessment after entry).
    pub position: u32,
    /// The determination date T (G8.49(a)): its booking, else its completion.
    pub t: NaiveDate,
    /// The category at T, with the figures that decided it (`None` when counts were missing).
    pub category: Option<counts::Category>,
    /// Written out when displayed (most notes are never shown).
    pub figures: counts::Figures,
    /// The id of the rule version in force at T, shared with every note under that version.
    pub rules_version: Arc<str>,
    pub counts_as_of: Option<NaiveDate>,
    pub required: Option<AssessmentType>,
    /// False when the Code does not write the step that gave `required` (SPEC §2.4 *).
    pub required_in_code: bool,
    pub due: Option<NaiveDate>,
    /// The completion that counted (for a Self row, else its submission).
    pub completed: Option<NaiveDate>,
    /// Days after the due date it was completed (a late completion only).
    pub days_late: Option<i32>,
    pub codes: Box<[FindingCode]>,
}

// One per annual row of the register: keep it within 112 bytes.
const _: () = assert!(std::mem::size_of::<RowNote>() <= 112);

/// Which determination used a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Determined {
    /// The category for an annual assessment row.
    Assessment,
    /// The category for the next assessment.
    NextAssessment,
}

impl Determined {
    /// As the reports name it: `assessment`, `next assessment`.
    pub fn as_str(self) -> &'static str {
        match self {
            Determined::Assessment => "assessment",
            Determined::NextAssessment => "next assessment",
        }
    }
}

impl std::fmt::Display for Determined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Premises row used by a determination (for the annotated Premises sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotUse {
    pub cell: CellRef,
    /// The User whose schedule was determined (shared by all the uses of its schedule).
    pub user_id: Arc<str>,
    pub regime: Regime,
    pub t: NaiveDate,
    /// Which determination.
    pub purpose: Determined,
}

// One per snapshot a determination used: keep it within 40 bytes.
const _: () = assert!(std::mem::size_of::<SnapshotUse>() <= 40);

/// Everything the rules concluded. Writers read this; none of them decides anything.
#[derive(Debug, Clone)]
pub struct Audit {
    pub as_of: NaiveDate,
    /// Users audited (in the register at A).
    pub users: usize,
    /// Sorted by user_id, then regime (`None` first); kept per User.
    pub schedules: PerUser<Schedule>,
    /// Sorted by user_id, regime, code, due, then source; kept per User.
    pub findings: PerUser<Finding>,
    pub forecast: Vec<ForecastMonth>,
    pub set_aside: SetAside,
    /// Rule versions applied, by id, with how many determinations used each.
    pub versions_applied: BTreeMap<String, usize>,
    /// Each User's notes sorted by assessment row, then regime; the Users in view order (the
    /// register's). Kept per User, as the schedules are: at a quarter of a million Users, one
    /// list of them all was a second copy of every note while it was made.
    pub row_notes: PerUser<RowNote>,
    /// Each User's snapshot uses in the order they were made; the Users in view order.
    pub snapshot_uses: PerUser<SnapshotUse>,
}

/// The shared, read-only state every User's audit looks at.
pub struct Context<'a> {
    pub view: View<'a>,
    pub links: Links,
    pub rules: &'a RuleSet,
    /// What determinations keep of each version of `rules`, in the same order.
    pub versions: Vec<SharedVersion>,
    pub params: AuditParams,
}

/// Audits the whole register as of `params.as_of`.
///
/// The view, the links and each User's audit run in parallel (rayon). Each User's audit also puts
/// its own results in report order, so that putting all of them together is a sort of the Users
/// by id, each User's lists kept as they are ([`PerUser`], see [`in_report_order`]). The results
/// never depend on the thread
/// count: they are put in a fixed order, whatever the order in which Users were audited.
pub fn audit(register: &Register, rules: &RuleSet, params: &AuditParams) -> Audit {
    let view = view::view_at(register, params.as_of);
    let links = Links::build(&view);
    let ctx = Context {
        view,
        links,
        rules,
        versions: SharedVersion::all(rules),
        params: *params,
    };
    let per_user: Vec<UserAudit> = (0..ctx.view.users.len())
        .into_par_iter()
        .map(|i| audit_user(&ctx, i))
        .collect();
    let (schedules, findings, row_notes, snapshot_uses) = in_report_order(&ctx.view, per_user);
    let mut versions: BTreeMap<&str, usize> = BTreeMap::new();
    for v in schedules.iter().filter_map(|s| s.rules_version.as_deref()) {
        *versions.entry(v).or_insert(0) += 1;
    }
    let versions_applied = versions
        .into_iter()
        .map(|(v, n)| (v.to_string(), n))
        .collect();
    let forecast = forecast::forecast(&schedules, params.as_of);
    let (users, set_aside) = (ctx.view.users.len(), ctx.view.set_aside);
    // Freeing the view and the links is a few small lists per User: in parallel too.
    let Context { view, links, .. } = ctx;
    rayon::join(
        || view.users.into_par_iter().for_each(drop),
        || links.users.into_par_iter().for_each(drop),
    );
    Audit {
        as_of: params.as_of,
        users,
        schedules,
        findings,
        forecast,
        set_aside,
        versions_applied,
        row_notes,
        snapshot_uses,
    }
}

/// The report order of findings (see [`Audit::findings`]).
fn finding_order(a: &Finding, b: &Finding) -> Ordering {
    (
        &a.user_id,
        a.regime,
        a.code.as_str(),
        a.due,
        &a.source,
        &a.message,
    )
        .cmp(&(
            &b.user_id,
            b.regime,
            b.code.as_str(),
            b.due,
            &b.source,
            &b.message,
        ))
}

/// Puts the per-User results (in view order; each User's lists already sorted by
/// [`audit_user`]) together: schedules and findings in their Users' lists, by user_id; row notes
/// and snapshot uses in their Users' lists, in view order. Nothing is copied into one list of
/// all the Users' results.
///
/// Sorting each User's few results in the parallel map, then the Users by id, gives exactly what
/// one stable sort of all the results did (that sort was nearly a tenth of the stage on one
/// thread): within a User the order is the same, and Users with the same id (the reader keeps
/// only the first of duplicate ids, so this is not expected) are merged here and sorted again,
/// stably.
fn in_report_order(
    view: &View<'_>,
    per_user: Vec<UserAudit>,
) -> (
    PerUser<Schedule>,
    PerUser<Finding>,
    PerUser<RowNote>,
    PerUser<SnapshotUse>,
) {
    let n = per_user.len();
    let (mut schedules, mut findings) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut row_notes, mut snapshot_uses) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for u in per_user {
        schedules.push(u.schedules);
        findings.push(u.findings);
        row_notes.push(u.row_notes);
        snapshot_uses.push(u.snapshot_uses);
    }
    let id = |i: usize| view.users[i].user.user_id.as_str();
    let mut by_id: Vec<usize> = (0..n).collect();
    by_id.par_sort_by_key(|&i| id(i));
    let mut schedules_by_id = Vec::with_capacity(n);
    let mut findings_by_id = Vec::with_capacity(n);
    for same in by_id.chunk_by(|&a, &b| id(a) == id(b)) {
        schedules_by_id.push(merge(same, &mut schedules, |a, b| a.regime.cmp(&b.regime)));
        findings_by_id.push(merge(same, &mut findings, finding_order));
    }
    (
        PerUser::new(schedules_by_id),
        PerUser::new(findings_by_id),
        PerUser::new(row_notes),
        PerUser::new(snapshot_uses),
    )
}

/// The lists of the Users `same` (one id; in view order), taken out of `lists`: the one list
/// as it is, or several appended in order and sorted again (stably) by `order`.
fn merge<T>(same: &[usize], lists: &mut [Vec<T>], order: impl FnMut(&T, &T) -> Ordering) -> Vec<T> {
    let [first, rest @ ..] = same else {
        return Vec::new();
    };
    let mut merged = std::mem::take(&mut lists[*first]);
    if !rest.is_empty() {
        for &i in rest {
            merged.append(&mut lists[i]);
        }
        merged.sort_by(order);
    }
    merged
}

/// One User: a schedule per regime (or one `not-subject` schedule), its findings, and the
/// User-level register findings; then SPEC §2.8 for a User that left.
fn audit_user(ctx: &Context<'_>, i: usize) -> UserAudit {
    let uv = &ctx.view.users[i];
    let as_of = ctx.params.as_of;
    let mut out = UserAudit::default();
    let mut sink = Sink::new(&uv.user.user_id);
    let mut missing = Vec::new();
    let regimes = &ctx.links.users[i].regimes;
    if regimes.is_empty() {
        out.schedules
            .push(schedule::not_subject(uv.user, Arc::clone(&sink.shared_id)));
    }
    for &regime in regimes {
        let s = schedule::build_schedule(ctx, i, regime, &mut sink, &mut out, &mut missing);
        out.schedules.push(s);
    }
    register_data::user_findings(ctx, i, &missing, &mut sink);

    // User-level findings once per User and code (SPEC §6.24).
    let mut seen = std::collections::BTreeSet::new();
    sink.findings
        .retain(|f| f.regime.is_some() || seen.insert(f.code));

    // SPEC §2.8, §6.25.
    let left_on = uv.user.left_on.get();
    if let Some(left) = left_on {
        let has_left = left <= as_of;
        sink.findings.retain(|f| match f.due {
            Some(d) => d <= left,
            None => !has_left,
        });
        if has_left {
            for s in &mut out.schedules {
                s.status = Status::Left;
                s.explanation = format!("left on {left}; {}", s.explanation);
            }
        }
    }
    out.findings = sink.findings;
    // Report order within the User (see `in_report_order`); the sorts are stable.
    out.schedules.sort_by_key(|s| s.regime);
    out.findings.sort_by(finding_order);
    // No two notes share a key (an assessment row is one User's, and is in a schedule's chain
    // once), so an unstable sort gives the one order a stable sort would.
    out.row_notes
        .sort_unstable_by_key(|n| (n.assessment, n.regime));
    // A list grown by pushes has room for four or more: over hundreds of thousands of Users the
    // unused room was as much memory as the results themselves. Giving it back here lets the
    // next User's lists reuse it on this thread.
    out.schedules.shrink_to_fit();
    out.findings.shrink_to_fit();
    out.row_notes.shrink_to_fit();
    out.snapshot_uses.shrink_to_fit();
    out
}
