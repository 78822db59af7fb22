//! `explain --json`: the same timeline as data — the schedule and findings as the JSON report
//! writes them, plus the entry, each annual assessment with its snapshots, and the other rows.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Counted, Timeline};
use crate::model::Assessment;
use crate::report::json::{self, JsonFinding, JsonSchedule};

#[derive(Debug, Serialize)]
struct JsonTimeline<'a> {
    tool: json::Tool,
    as_of: NaiveDate,
    user: JsonUser<'a>,
    schedules: Vec<JsonScheduleTimeline<'a>>,
    findings: Vec<JsonFinding<'a>>,
    other_rows: Vec<JsonRow>,
    input_issues: Vec<JsonIssue<'a>>,
    set_aside: usize,
}

#[derive(Debug, Serialize)]
struct JsonIssue<'a> {
    code: &'static str,
    source: String,
    value: &'a str,
    message: &'a str,
    suggestion: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonUser<'a> {
    user_id: &'a str,
    name: Option<&'a str>,
    roles: Vec<&'static str>,
    shared_resource_providers: &'a [String],
    shared_resources_groups: &'a [String],
    left_on: Option<NaiveDate>,
    sms_notified_on: Option<NaiveDate>,
    source: String,
}

#[derive(Debug, Serialize)]
struct JsonRow {
    source: String,
    #[serde(rename = "type")]
    kind: &'static str,
    purpose: Option<&'static str>,
    scheduled_for: Option<NaiveDate>,
    completed_on: Option<NaiveDate>,
    submitted_on: Option<NaiveDate>,
    assurance_status: Option<&'static str>,
    status_set_on: Option<NaiveDate>,
}

impl JsonRow {
    fn of(a: &Assessment) -> JsonRow {
        JsonRow {
            source: a.cell.to_string(),
            kind: a.kind.name(),
            purpose: a.purpose.map(|p| match p {
                crate::model::Purpose::Entry => "Entry",
                crate::model::Purpose::Annual => "Annual",
            }),
            scheduled_for: a.scheduled_for().get(),
            completed_on: a.completed_on().get(),
            submitted_on: a.submitted_on().get(),
            assurance_status: a.assurance_status().get().map(|s| s.name()),
            status_set_on: a.status_set_on().get(),
        }
    }
}

#[derive(Debug, Serialize)]
struct JsonSnapshot {
    source: String,
    user_id: String,
    as_of: NaiveDate,
    domestic: u64,
    non_domestic: u64,
}

fn snapshots(v: &[Counted<'_>]) -> Vec<JsonSnapshot> {
    v.iter()
        .map(
            |&Counted {
                 user_id,
                 snapshot: s,
             }| JsonSnapshot {
                source: s.cell.to_string(),
                user_id: user_id.to_string(),
                as_of: s.as_of,
                domestic: s.domestic,
                non_domestic: s.non_domestic,
            },
        )
        .collect()
}

#[derive(Debug, Serialize)]
struct JsonEntry {
    state: String,
    anchor: Option<NaiveDate>,
    row: Option<JsonRow>,
}

#[derive(Debug, Serialize)]
struct JsonAssessment<'a> {
    position: usize,
    row: JsonRow,
    determined_at: NaiveDate,
    rules_version: &'a str,
    snapshots: Vec<JsonSnapshot>,
    category: Option<&'static str>,
    clause: Option<&'static str>,
    figures: &'a crate::rules::counts::Figures,
    after_type: &'static str,
    after_run: usize,
    required: Option<&'static str>,
    required_in_code: bool,
    due_from: Option<NaiveDate>,
    due: Option<NaiveDate>,
    completed: Option<NaiveDate>,
    days_late: Option<i64>,
    findings: Vec<JsonFinding<'a>>,
}

#[derive(Debug, Serialize)]
struct JsonScheduleTimeline<'a> {
    schedule: JsonSchedule<'a>,
    entry: JsonEntry,
    assessments: Vec<JsonAssessment<'a>>,
    findings: Vec<JsonFinding<'a>>,
    next_snapshots: Vec<JsonSnapshot>,
    status_meaning: &'static str,
}

/// The timeline as pretty-printed JSON, ending in a newline.
pub fn json(t: &Timeline<'_>) -> String {
    let u = t.user;
    let doc = JsonTimeline {
        tool: json::Tool {
            name: "g8audit",
            version: env!("CARGO_PKG_VERSION"),
            report_format: json::REPORT_FORMAT,
        },
        as_of: t.as_of,
        user: JsonUser {
            user_id: &u.user_id,
            name: u.name.as_deref(),
            roles: u.roles.iter().map(|r| r.name()).collect(),
            shared_resource_providers: &u.shared_resource_providers,
            shared_resources_groups: &u.shared_resources_groups,
            left_on: u.left_on.get(),
            sms_notified_on: u.sms_notified_on.get(),
            source: u.cell.to_string(),
        },
        schedules: t
            .schedules
            .iter()
            .map(|s| JsonScheduleTimeline {
                schedule: json::schedule(s.schedule),
                entry: JsonEntry {
                    state: s.schedule.entry_state.clone(),
                    anchor: s.schedule.anchor,
                    row: s.entry.map(JsonRow::of),
                },
                assessments: s
                    .rows
                    .iter()
                    .map(|r| JsonAssessment {
                        position: r.note.position as usize,
                        row: JsonRow::of(r.assessment),
                        determined_at: r.note.t,
                        rules_version: &r.note.rules_version,
                        snapshots: snapshots(&r.counts),
                        category: r.note.category.map(|c| c.as_str()),
                        clause: r.note.category.map(|c| c.clause()),
                        figures: &r.note.figures,
                        after_type: r.after.0.name(),
                        after_run: r.after.1,
                        required: r.note.required.map(|x| x.name()),
                        required_in_code: r.note.required_in_code,
                        due_from: r.due_from,
                        due: r.note.due,
                        completed: r.note.completed,
                        days_late: r.note.days_late.map(i64::from),
                        findings: r.findings.iter().map(|f| json::finding(f)).collect(),
                    })
                    .collect(),
                findings: s.findings.iter().map(|f| json::finding(f)).collect(),
                next_snapshots: snapshots(&s.next_counts),
                status_meaning: s.schedule.status.meaning(),
            })
            .collect(),
        findings: t.user_findings.iter().map(|f| json::finding(f)).collect(),
        other_rows: t.other_rows.iter().map(|a| JsonRow::of(a)).collect(),
        input_issues: t
            .issues
            .iter()
            .map(|i| JsonIssue {
                code: i.code.as_str(),
                source: i.cell.to_string(),
                value: &i.value,
                message: &i.message,
                suggestion: i.suggestion.as_deref(),
            })
            .collect(),
        set_aside: t.set_aside,
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
