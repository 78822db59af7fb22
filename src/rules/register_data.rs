//! Findings about the register's data rather than a deadline (SPEC §4.2), and the G5.27(b)
//! notification of Smart Metering System totals. All are about the User as a whole
//! (`regime: null`), once per User and code (SPEC §6.24).

use chrono::NaiveDate;

use crate::model::Role;
use crate::rules::Context;
use crate::rules::dates::{add_months, days_between};
use crate::rules::findings::FindingCode;
use crate::rules::sink::{Found, Sink};

/// The User-level findings of User `i`. `missing` lists the determinations of its schedules that
/// lacked counts: (T, Users whose snapshot was missing).
pub fn user_findings(
    ctx: &Context<'_>,
    i: usize,
    missing: &[(NaiveDate, Vec<usize>)],
    sink: &mut Sink,
) {
    let uv = &ctx.view.users[i];
    let links = &ctx.links.users[i];
    let as_of = ctx.params.as_of;
    let user_cell = Some(uv.user.cell.clone());

    // G8.48 (SPEC §6.10): once per User, naming the first determination that failed.
    if let Some((t, who)) = missing.iter().min_by_key(|(t, _)| *t) {
        let names: Vec<&str> = who
            .iter()
            .map(|&j| ctx.view.users[j].user.user_id.as_str())
            .collect();
        sink.push(
            Found::new(
                FindingCode::PremisesMissing,
                None,
                format!(
                    "no Premises snapshot on or before {t} for {} ({} determination{} without counts)",
                    names.join(", "),
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" }
                ),
            )
            .at(user_cell.clone(), None),
        );
    }

    // PREMISES_STALE (SPEC §4.2): any User whose latest snapshot is too old.
    if let Some(latest) = uv.snapshots.last() {
        let age = days_between(latest.as_of, as_of);
        if age > ctx.params.stale_days {
            sink.push(
                Found::new(
                    FindingCode::PremisesStale,
                    None,
                    format!(
                        "the latest Premises snapshot is dated {} ({age} days before the audit date; the limit is {})",
                        latest.as_of, ctx.params.stale_days
                    ),
                )
                .at(Some(latest.cell.clone()), None),
            );
        }
    }

    // SPEC §6.14: a name that is not a User with the SRP role links nobody.
    if !links.unknown_srps.is_empty() {
        let hint = |name: &str| {
            ctx.links
                .srp_hint(name)
                .map(|id| format!(" — did you mean {id}?"))
                .unwrap_or_default()
        };
        let listed: Vec<String> = links
            .unknown_srps
            .iter()
            .map(|n| format!("\"{n}\"{}", hint(n)))
            .collect();
        sink.push(
            Found::new(
                FindingCode::SrpUnknown,
                None,
                format!(
                    "shared_resource_provider names {} , which is not a User with the Shared Resource Provider role",
                    listed.join(", ")
                )
                .replace(" ,", ","),
            )
            .at(user_cell.clone(), None),
        );
    }

    // G10.4: an SRP keeps a list of the Users it serves; one that no User names is suspicious.
    if uv.user.roles.contains(&Role::SharedResourceProvider) && links.served_by_me.is_empty() {
        sink.push(
            Found::new(
                FindingCode::SrpNoUsers,
                None,
                "has the Shared Resource Provider role but no User names it in shared_resource_provider (G10.4); held to the Other User cycle (G8.63(c))",
            )
            .at(user_cell.clone(), None),
        );
    }

    // G5.27(b): Users with Shared Resources notify their SMS total every six months.
    let shares = !uv.user.shared_resource_providers.is_empty() || !links.groups.is_empty();
    if ctx.view.has_sms_column && shares && !links.regimes.is_empty() && !uv.sms_hidden {
        let months = ctx.rules.sms_notification_months;
        match uv.sms_notified_on {
            Some(last) => {
                let due = add_months(last, months);
                if as_of > due {
                    let days = days_between(due, as_of);
                    sink.push(
                        Found::new(
                            FindingCode::SmsNotificationOverdue,
                            None,
                            format!(
                                "latest Smart Metering System notification {last}; the next was due {due} ({days} days late)"
                            ),
                        )
                        .due(Some(due), Some(days))
                        .at(uv.user.sms_notified_on.cell_in(&uv.user.cell).or(user_cell), None),
                    );
                }
            }
            None => sink.push(
                Found::new(
                    FindingCode::SmsNotificationOverdue,
                    None,
                    "uses Shared Resources but no Smart Metering System notification (G5.27) is recorded",
                )
                .at(uv.user.sms_notified_on.cell_in(&uv.user.cell).or(user_cell), None),
            ),
        }
    }
}
