//! `explain` as text: the User, then each schedule — entry, annual assessments with their
//! findings, other findings, the next assessment — then the User-level findings and its other
//! register rows. Every line fits 80 columns.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::layout::{Paint, rule, wrap};
use super::{Counted, RowTimeline, ScheduleTimeline, Timeline};
use crate::model::{Assessment, AssessmentType};
use crate::rules::findings::Finding;
use crate::rules::regime::{Family, Regime};
use crate::rules::schedule::Status;

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "(no date)".to_string(), |d| d.to_string())
}

/// "(dated after the audit date)" for a register date later than A.
fn later(d: Option<NaiveDate>, as_of: NaiveDate) -> &'static str {
    if d.is_some_and(|d| d > as_of) {
        " (dated after the audit date)"
    } else {
        ""
    }
}

/// What a register row holds, in a few words: `Full, booked 2026-11-12, completed 2026-11-10`.
fn row_facts(a: &Assessment, as_of: NaiveDate) -> String {
    let mut parts = vec![a.kind.name().to_string()];
    if let Some(p) = a.purpose {
        parts.push(format!("{p:?}"));
    }
    // A booking is a plan and counts whatever its date (SPEC §2.9): no mark on it.
    if let Some(d) = a.scheduled_for().get() {
        parts.push(format!("booked for {d}"));
    }
    let mut date_part = |label: &str, d: Option<NaiveDate>| {
        if let Some(d) = d {
            parts.push(format!("{label} {d}{}", later(Some(d), as_of)));
        }
    };
    date_part("completed", a.completed_on().get());
    date_part("submitted", a.submitted_on().get());
    if let Some(s) = a.assurance_status().get() {
        parts.push(format!(
            "status \"{}\"{}",
            s.name(),
            a.status_set_on()
                .get()
                .map(|d| format!(" set {d}{}", later(Some(d), as_of)))
                .unwrap_or_default()
        ));
    }
    if a.scheduled_for().get().is_none() && a.completed_on().get().is_none() {
        parts.push("no dates".into());
    }
    parts.join(", ")
}

/// The label of a counts line: the clause that sums other Users' counts, when it did.
fn counts_label(regime: Regime, counts: &[Counted<'_>]) -> &'static str {
    let summed = counts.len() > 1 || regime.is_srp();
    match regime.family() {
        _ if !summed => "counts: ",
        _ if regime.is_srp() => "counts summed (G8.63): ",
        Family::Supplier => "counts summed (G8.43): ",
        Family::Network => "counts summed (G8.46): ",
        Family::Other => "counts: ",
    }
}

fn counts_text(counts: &[Counted<'_>]) -> String {
    counts
        .iter()
        .map(
            |&Counted {
                 user_id,
                 snapshot: s,
             }| {
                format!(
                    "{} at {}: D {}, N {} ({})",
                    user_id,
                    s.as_of,
                    crate::rules::counts::thousands(s.domestic),
                    crate::rules::counts::thousands(s.non_domestic),
                    s.cell
                )
            },
        )
        .collect::<Vec<_>>()
        .join("; ")
}

fn finding_text(out: &mut String, p: Paint, f: &Finding, indent: usize) {
    let pad = " ".repeat(indent);
    let due = f.due.map(|d| format!(" · due {d}")).unwrap_or_default();
    let head = format!(
        "{pad}{} {} · {}{due}",
        p.severity(f.severity()),
        p.bold(f.code.as_str()),
        f.clause
    );
    let _ = writeln!(out, "{head}");
    let source = f
        .source
        .as_ref()
        .map(|c| format!(" [{c}]"))
        .unwrap_or_default();
    wrap(
        out,
        &format!("{pad}  "),
        indent + 2,
        &format!("{}{source}", f.message),
    );
}

/// The category at a determination, as the audit recorded it.
fn category_line(
    category: Option<crate::rules::counts::Category>,
    srp: bool,
    figures: &crate::rules::counts::Figures,
) -> String {
    match category {
        Some(c) => format!(
            "{c} ({}{}): {figures}",
            c.clause(),
            if srp { ", via G8.63" } else { "" }
        ),
        None => "category undetermined: premise counts missing (G8.48)".into(),
    }
}

fn after_text((kind, run): (AssessmentType, usize), first: bool) -> String {
    let what = if first {
        "the Entry Full".to_string()
    } else {
        kind.name().to_string()
    };
    if run > 1 {
        format!("after {what} ({run} in a row)")
    } else {
        format!("after {what}")
    }
}

/// The timeline as text for an 80-column terminal; `colour` adds ANSI colours.
pub fn text(t: &Timeline<'_>, colour: bool) -> String {
    let p = Paint(colour);
    let mut out = String::new();
    let u = t.user;
    let _ = writeln!(
        out,
        "{}",
        p.bold(&format!(
            "{}{}",
            u.user_id,
            u.name
                .as_deref()
                .map(|n| format!("  {n}"))
                .unwrap_or_default()
        ))
    );
    let mut facts = format!("as of {} · {}", t.as_of, u.cell);
    if t.set_aside > 0 {
        let _ = write!(
            facts,
            " · {} register entries dated after it set aside (SPEC §2.9)",
            crate::rules::counts::thousands(t.set_aside as u64)
        );
    }
    wrap(&mut out, "", 0, &facts);
    let roles: Vec<&str> = u.roles.iter().map(|r| r.name()).collect();
    wrap(
        &mut out,
        "roles: ",
        7,
        &if roles.is_empty() {
            "none recognised".to_string()
        } else {
            roles.join(", ")
        },
    );
    if !u.shared_resource_providers.is_empty() || !u.shared_resources_groups.is_empty() {
        let mut shared = Vec::new();
        if !u.shared_resource_providers.is_empty() {
            shared.push(format!(
                "Shared Resource Provider {}",
                u.shared_resource_providers.join(", ")
            ));
        }
        if !u.shared_resources_groups.is_empty() {
            shared.push(format!("group {}", u.shared_resources_groups.join(", ")));
        }
        wrap(&mut out, "shares: ", 8, &shared.join(" · "));
    }
    if let Some(d) = u.left_on.get() {
        let _ = writeln!(out, "left on {d}");
    }
    if let Some(d) = u.sms_notified_on.get() {
        let _ = writeln!(
            out,
            "SMS total last notified (G5.27) {d}{}",
            later(Some(d), t.as_of)
        );
    }
    let summary: Vec<String> = t
        .schedules
        .iter()
        .map(|s| {
            format!(
                "{} {}",
                s.schedule.regime.map_or("(no regime)", |r| r.as_str()),
                p.status(s.schedule.status)
            )
        })
        .collect();
    wrap(&mut out, "schedules: ", 11, &summary.join(" · "));
    if t.schedules.iter().any(|s| !s.rows.is_empty()) {
        legend(&mut out, p, t.months);
    }

    if !t.issues.is_empty() {
        out.push('\n');
        rule(
            &mut out,
            p,
            "Input issues on this User's rows (values refused)",
        );
        for i in &t.issues {
            let hint = i
                .suggestion
                .as_ref()
                .map(|s| format!(" — did you mean {s}?"))
                .unwrap_or_default();
            wrap(
                &mut out,
                &format!("  {} {}: ", p.yellow(i.code.as_str()), i.cell),
                4,
                &format!("{}{hint}", i.message),
            );
        }
    }

    for s in &t.schedules {
        out.push('\n');
        schedule_text(&mut out, p, t, s);
    }

    if !t.user_findings.is_empty() {
        out.push('\n');
        rule(&mut out, p, "Findings about the User as a whole");
        for f in &t.user_findings {
            finding_text(&mut out, p, f, 2);
        }
    }
    if !t.other_rows.is_empty() {
        out.push('\n');
        rule(&mut out, p, "Other register rows of this User");
        for a in &t.other_rows {
            wrap(
                &mut out,
                &format!("  {}: ", a.cell),
                4,
                &row_facts(a, t.as_of),
            );
        }
    }
    out
}

/// How to read an annual assessment, in one paragraph.
fn legend(out: &mut String, p: Paint, months: u32) {
    wrap(
        out,
        "",
        0,
        &p.dim(&format!(
            "Each annual assessment: its determination date T (G8.49(a)); the latest \
             snapshot on or before T (G8.48); the category and the cycle of its clause \
             (G8.41–G8.47) give the type required after the one before it; it is due {} \
             months after the previous one (G8.40).",
            months
        )),
    );
}

fn schedule_text(out: &mut String, p: Paint, t: &Timeline<'_>, st: &ScheduleTimeline<'_>) {
    let s = st.schedule;
    let Some(regime) = s.regime else {
        rule(out, p, &format!("no regime · {}", p.status(s.status)));
        wrap(out, "  ", 2, &s.explanation);
        return;
    };
    rule(
        out,
        p,
        &format!(
            "{} schedule · {}",
            p.bold(regime.as_str()),
            p.status(s.status)
        ),
    );

    // The entry.
    let _ = writeln!(out, "{}", p.bold("Entry (G8.33–G8.37)"));
    match st.entry {
        Some(a) => wrap(out, &format!("  {}: ", a.cell), 4, &row_facts(a, t.as_of)),
        None => wrap(out, "  ", 2, "no Entry Full recorded"),
    }
    if !s.entry_state.is_empty() {
        wrap(out, "  → ", 4, &s.entry_state);
    }
    if let Some(anchor) = s.anchor {
        wrap(
            out,
            "  → ",
            4,
            &format!(
                "the annual cycle runs from {anchor}: the first annual assessment is due {} \
                 months after it (G8.40)",
                t.months
            ),
        );
    }

    // The annual chain.
    if !st.rows.is_empty() {
        let _ = writeln!(out, "{}", p.bold("Annual assessments (G8.40–G8.50)"));
    }
    for (k, r) in st.rows.iter().enumerate() {
        row_text(out, p, t, regime, k == 0, r);
    }

    if !st.findings.is_empty() {
        let _ = writeln!(out, "{}", p.bold("Other findings in this schedule"));
        for f in &st.findings {
            finding_text(out, p, f, 2);
        }
    }

    // The next assessment.
    out.push('\n');
    let _ = writeln!(out, "{}", p.bold("Next assessment"));
    if let Some(next) = s.next_type {
        let mut line = format!("{next}");
        match s.due {
            Some(d) => {
                let from = if st.rows.is_empty() {
                    s.anchor
                        .map(|a| format!("{} months after the entry anchor {a}", t.months))
                } else {
                    s.last_completed.map(|c| {
                        format!(
                            "{} months after the {} completed {c}",
                            t.months,
                            s.last_type.map_or("assessment", |x| x.name())
                        )
                    })
                };
                let _ = write!(line, ", due {d}");
                if let Some(from) = from {
                    let _ = write!(line, " ({from})");
                }
            }
            None => line.push_str(", no due date"),
        }
        wrap(out, "  ", 2, &line);
    }
    match (s.scheduled_for, s.booked_type) {
        (Some(d), Some(k)) => wrap(out, "  ", 2, &format!("booked: {k} for {d}")),
        (Some(d), None) => wrap(out, "  ", 2, &format!("booked for {d}")),
        _ => {}
    }
    if !st.next_counts.is_empty() {
        let label = format!("  {}", counts_label(regime, &st.next_counts));
        wrap(out, &label, 4, &counts_text(&st.next_counts));
    }
    wrap(out, "  why: ", 4, &s.explanation);
    let days = match (s.days_left, s.status) {
        (Some(n), _) if n < 0 => format!(" ({} days late)", -n),
        (Some(n), Status::DueSoon | Status::Ok) => {
            format!(
                " ({n} days left; the due-soon window is {} days)",
                t.warn_days
            )
        }
        (Some(n), _) => format!(" ({n} days left)"),
        (None, _) => String::new(),
    };
    wrap(
        out,
        "  status: ",
        4,
        &format!("{}{days}: {}", p.status(s.status), s.status.meaning()),
    );
}

fn row_text(
    out: &mut String,
    p: Paint,
    t: &Timeline<'_>,
    regime: Regime,
    first: bool,
    r: &RowTimeline<'_>,
) {
    let n = r.note;
    let a = r.assessment;
    let _ = writeln!(
        out,
        "  {} {} · {}",
        p.bold(&format!("#{}", n.position)),
        p.bold(a.kind.name()),
        a.cell
    );
    let t_from = if a.scheduled_for().get() == Some(n.t) {
        "its booking date"
    } else {
        "its completion"
    };
    wrap(
        out,
        "     ",
        7,
        &format!(
            "determined at {} ({t_from}, G8.49(a)) under rules {}",
            n.t, n.rules_version
        ),
    );
    if !r.counts.is_empty() {
        let label = format!("     {}", counts_label(regime, &r.counts));
        wrap(out, &label, 7, &counts_text(&r.counts));
    }
    wrap(
        out,
        "     ",
        7,
        &category_line(n.category, regime.is_srp(), &n.figures),
    );
    let mut req = match n.required {
        Some(req) => format!(
            "required: {req} ({}, {})",
            n.category.map_or("G8.40", |c| c.clause()),
            after_text(r.after, first)
        ),
        None => "required: type undetermined (no category)".into(),
    };
    if !n.required_in_code {
        req.push_str(" — not written in the Code: the cycle's next independent step");
    }
    wrap(out, "     ", 7, &req);
    if let Some(due) = n.due {
        let from = r
            .due_from
            .map(|d| {
                if first {
                    format!(" ({} months after the entry anchor {d})", t.months)
                } else {
                    format!(" ({} months after the previous completion {d})", t.months)
                }
            })
            .unwrap_or_default();
        let outcome = if a.kind == AssessmentType::SelfAssessment {
            "; its outcome is to be submitted by then (G8.50(b))"
        } else {
            ""
        };
        wrap(out, "     ", 7, &format!("due: {due}{from}{outcome}"));
    }
    let mut done = format!(
        "done: {} completed {}",
        a.kind,
        date(a.completed_on().get())
    );
    if a.kind == AssessmentType::SelfAssessment {
        match a.submitted_on().get() {
            Some(s) => {
                let _ = write!(done, ", outcome submitted {s}{}", later(Some(s), t.as_of));
            }
            None => done.push_str(", outcome not submitted"),
        }
        if a.completed_on().get().is_none() {
            let _ = write!(done, " (read as completed on {})", date(n.completed));
        }
    }
    if r.findings.is_empty() {
        let mut ok = " ✓".to_string();
        if let Some(req) = n.required
            && req != a.kind
        {
            let _ = write!(
                ok,
                " (a {} is more thorough than the required {req}: meets it)",
                a.kind
            );
        }
        done.push_str(&p.green(&ok));
    }
    wrap(out, "     ", 7, &done);
    for f in &r.findings {
        finding_text(out, p, f, 5);
    }
}
