//! The short text summary printed on the terminal after an audit.

use std::fmt::Write as _;

use crate::rules::Audit;
use crate::rules::findings::Severity;

/// A few lines a person reads at a glance: counts by status and severity, then the breaches.
pub fn summary(audit: &Audit, input_issues: usize, max_breaches: usize) -> String {
    let report = crate::report::json::summary(audit, input_issues);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "g8audit: {} Users, {} schedules as of {}",
        report.users, report.schedules, audit.as_of
    );
    let statuses: Vec<String> = report
        .by_status
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let _ = writeln!(s, "  status:   {}", statuses.join(", "));
    let severities: Vec<String> = ["breach", "warning", "info"]
        .iter()
        .map(|k| format!("{} {k}", report.by_severity.get(k).copied().unwrap_or(0)))
        .collect();
    let _ = writeln!(s, "  findings: {}", severities.join(", "));
    if input_issues > 0 {
        let _ = writeln!(
            s,
            "  input issues: {input_issues} (values refused and read as blank)"
        );
    }
    let a = &report.set_aside;
    if a.total() > 0 {
        let parts: Vec<String> = [
            (a.users, "Users not yet joined"),
            (a.snapshots, "snapshots"),
            (a.completions_to_bookings, "completions read as bookings"),
            (a.rows_left_out, "rows left out"),
            (a.submissions, "submissions"),
            (a.remedial_completions, "remedial completions"),
            (a.statuses, "statuses"),
            (a.notifications, "G5.27 notifications"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        let _ = writeln!(
            s,
            "  set aside, dated after {}: {}",
            audit.as_of,
            parts.join(", ")
        );
    }
    let breaches: Vec<_> = audit
        .findings
        .iter()
        .filter(|f| f.severity() == Severity::Breach)
        .collect();
    for f in breaches.iter().take(max_breaches) {
        let _ = writeln!(
            s,
            "  {:<8} {:<24} {:<13} due {}: {}",
            f.user_id,
            f.code.as_str(),
            f.regime.map_or("-", |r| r.as_str()),
            f.due.map_or("-".to_string(), |d| d.to_string()),
            f.message
        );
    }
    if breaches.len() > max_breaches {
        let _ = writeln!(s, "  … and {} more breaches", breaches.len() - max_breaches);
    }
    s
}
