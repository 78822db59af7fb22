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

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::model::{AssessmentType, CellRef, Register};
use findings::{Finding, FindingCode};
use forecast::ForecastMonth;
use links::Links;
use regime::Regime;
use ruleset::RuleSet;
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
}

/// What the rules concluded about one assessment row in one regime (for the annotated
/// Assessments sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowNote {
    pub assessment: usize,
    pub regime: Regime,
    /// Its place in the annual chain (1 = the first Annual assessment after entry).
    pub position: usize,
    /// The determination date T (G8.49(a)): its booking, else its completion.
    pub t: NaiveDate,
    /// The category at T, with the figures that decided it (`None` when counts were missing).
    pub category: Option<counts::Category>,
    pub figures: String,
    pub rules_version: String,
    pub counts_as_of: Option<NaiveDate>,
    pub required: Option<AssessmentType>,
    /// False when the Code does not write the step that gave `required` (SPEC §2.4 *).
    pub required_in_code: bool,
    pub due: Option<NaiveDate>,
    /// The completion that counted (for a Self row, else its submission).
    pub completed: Option<NaiveDate>,
    pub days_late: Option<i64>,
    pub codes: Vec<FindingCode>,
}

/// A Premises row used by a determination (for the annotated Premises sheet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotUse {
    pub cell: CellRef,
    /// The User whose schedule was determined.
    pub user_id: String,
    pub regime: Regime,
    pub t: NaiveDate,
    /// Which determination: `assessment` (an annual row's) or `next assessment`.
    pub purpose: &'static str,
}

/// Everything the rules concluded. Writers read this; none of them decides anything.
#[derive(Debug, Clone)]
pub struct Audit {
    pub as_of: NaiveDate,
    /// Users audited (in the register at A).
    pub users: usize,
    /// Sorted by user_id, then regime (`None` first).
    pub schedules: Vec<Schedule>,
    /// Sorted by user_id, regime, code, due, then source.
    pub findings: Vec<Finding>,
    pub forecast: Vec<ForecastMonth>,
    pub set_aside: SetAside,
    /// Rule versions applied, by id, with how many determinations used each.
    pub versions_applied: BTreeMap<String, usize>,
    pub row_notes: Vec<RowNote>,
    pub snapshot_uses: Vec<SnapshotUse>,
}

/// The shared, read-only state every User's audit looks at.
pub struct Context<'a> {
    pub view: View<'a>,
    pub links: Links,
    pub rules: &'a RuleSet,
    pub params: AuditParams,
}

/// Audits the whole register as of `params.as_of`.
pub fn audit(register: &Register, rules: &RuleSet, params: &AuditParams) -> Audit {
    let view = view::view_at(register, params.as_of);
    let links = Links::build(&view);
    let ctx = Context {
        view,
        links,
        rules,
        params: *params,
    };
    let per_user: Vec<UserAudit> = (0..ctx.view.users.len())
        .into_par_iter()
        .map(|i| audit_user(&ctx, i))
        .collect();

    let mut schedules = Vec::new();
    let mut findings = Vec::new();
    let mut row_notes = Vec::new();
    let mut snapshot_uses = Vec::new();
    for u in per_user {
        schedules.extend(u.schedules);
        findings.extend(u.findings);
        row_notes.extend(u.row_notes);
        snapshot_uses.extend(u.snapshot_uses);
    }
    schedules.sort_by(|a, b| (&a.user_id, a.regime).cmp(&(&b.user_id, b.regime)));
    findings.sort_by(|a, b| {
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
    });
    row_notes.sort_by_key(|n| (n.assessment, n.regime));
    let mut versions_applied = BTreeMap::new();
    for s in &schedules {
        if let Some(v) = &s.rules_version {
            *versions_applied.entry(v.clone()).or_insert(0) += 1;
        }
    }
    let forecast = forecast::forecast(&schedules, params.as_of);
    Audit {
        as_of: params.as_of,
        users: ctx.view.users.len(),
        schedules,
        findings,
        forecast,
        set_aside: ctx.view.set_aside,
        versions_applied,
        row_notes,
        snapshot_uses,
    }
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
        out.schedules.push(schedule::not_subject(uv.user));
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
    out
}
