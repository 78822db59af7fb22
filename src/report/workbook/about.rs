//! The About sheet: how the workbook was made — the tool and version, the audit date, the
//! options, each input with its SHA-256, the rules in force (every version's threshold tests and
//! cycles), and the legends of the finding codes, statuses and colours.

use rust_xlsxwriter::XlsxError;

use crate::rules::counts::{Category, thousands};
use crate::rules::findings::{ClauseOf, FindingCode};
use crate::rules::ruleset::ThresholdTest;
use crate::rules::schedule::Status;

use super::Ctx;
use super::sheet::{Book, Cell, Mode, SheetOut};
use super::styles::{Styles, Tone, severity_tone, status_tone};

fn section(text: &str) -> Cell {
    Cell::text(text).with(|s| s.section = true)
}

/// `5 × N + D > 250,000`, as the tests are written in SPEC §2.3.
fn test_text(t: &ThresholdTest) -> String {
    let term = |w: u64, v: &str| match w {
        0 => None,
        1 => Some(v.to_string()),
        w => Some(format!("{w} × {v}")),
    };
    let terms: Vec<String> = [
        term(t.domestic_weight, "D"),
        term(t.non_domestic_weight, "N"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let lhs = if terms.is_empty() {
        "0".to_string()
    } else {
        terms.join(" + ")
    };
    format!("{lhs} > {}", thousands(t.over))
}

fn clause_text(c: FindingCode) -> String {
    match c.clause_of() {
        ClauseOf::Fixed(c) => c.to_string(),
        ClauseOf::Category => {
            "the category's clause (G8.41, G8.42, G8.44, G8.45 or G8.47)".to_string()
        }
        ClauseOf::Data(c) => format!("{c} (register data)"),
    }
}

pub(super) fn write(
    wb: &mut dyn Book,
    ctx: &Ctx<'_>,
    styles: &mut Styles,
) -> Result<(), XlsxError> {
    let mut s = SheetOut::new(wb, &ctx.plan.about, Mode::InMemory)?;
    let audit = ctx.audit();
    let loaded = ctx.input.rules;
    let rules = &loaded.rules;
    let kv = |k: &str, v: Cell| [Cell::text(k).bold(), v];
    s.set_wrap_width(2, 40);
    s.set_wrap_width(3, 60);
    s.set_wrap_width(4, 60);

    s.push(
        &[Cell::text("About this workbook").with(|st| st.title = true)],
        styles,
    )?;
    s.skip(1);
    s.push(&kv("Tool", Cell::text("g8audit")), styles)?;
    s.push(
        &kv("Version", Cell::text(env!("CARGO_PKG_VERSION"))),
        styles,
    )?;
    s.push(&kv("Audit date", Cell::date(audit.as_of)), styles)?;
    s.push(
        &kv(
            "Rules",
            Cell::text(match &loaded.path {
                Some(p) => format!("from {}", p.display()),
                None => "embedded in this build (the Code as it stands)".to_string(),
            }),
        ),
        styles,
    )?;
    s.skip(1);

    s.push(&[section("Options of the run")], styles)?;
    s.push(&[Cell::header("Option"), Cell::header("Value")], styles)?;
    if ctx.input.options.is_empty() {
        s.push(&[Cell::text("(defaults)")], styles)?;
    }
    for (k, v) in &ctx.input.options {
        s.push(&[Cell::text(k.clone()), Cell::text(v.clone())], styles)?;
    }
    s.skip(1);

    s.push(&[section("Inputs")], styles)?;
    s.push(&[Cell::header("File"), Cell::header("SHA-256")], styles)?;
    for f in &ctx.input.outcome.register.inputs {
        s.push(
            &[Cell::text(f.path.clone()), Cell::text(f.sha256.clone())],
            styles,
        )?;
    }
    s.skip(1);

    s.push(&[section("The rules in force")], styles)?;
    s.push(
        &kv(
            "Months between assessments",
            Cell::int(i64::from(rules.months_between_assessments)),
        ),
        styles,
    )?;
    s.push(
        &kv(
            "G5.27 notification interval (months)",
            Cell::int(i64::from(rules.sms_notification_months)),
        ),
        styles,
    )?;
    s.push(
        &kv(
            "NEAR_THRESHOLD from (% of a threshold)",
            Cell::int(rules.near_threshold_percent as i64),
        ),
        styles,
    )?;
    s.push(
        &kv(
            "Assurance status names changed on",
            Cell::date(rules.status_names_changed_on),
        ),
        styles,
    )?;
    s.skip(1);
    s.push(
        &[
            Cell::header("Version"),
            Cell::header("In force from"),
            Cell::header("Category"),
            Cell::header("Large when (any test met; D domestic, N non-domestic premises)"),
            Cell::header("Cycle"),
        ],
        styles,
    )?;
    for v in &rules.versions {
        let tests = |list: &[ThresholdTest]| {
            list.iter()
                .map(|t| format!("{}: {}", t.limb, test_text(t)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        for c in Category::ALL {
            let when = match c {
                Category::SupplierLarge => tests(&v.supplier_large),
                Category::NetworkLarge => tests(&v.network_large),
                Category::SupplierSmall => "a Supplier Party meeting none of those".to_string(),
                Category::NetworkSmall => "a Network Party meeting none of those".to_string(),
                Category::Other => "neither a Supplier Party nor a Network Party".to_string(),
            };
            s.push(
                &[
                    Cell::text(v.id.clone()).bold(),
                    Cell::date(v.from),
                    Cell::text(format!("{} ({})", c.as_str(), c.clause())),
                    Cell::text(when).wrap(),
                    Cell::text(c.cycle_name(v).to_string()),
                ],
                styles,
            )?;
        }
        if !v.description.is_empty() {
            s.push(
                &[
                    Cell::blank(),
                    Cell::blank(),
                    Cell::text(v.description.clone()).overflow(),
                ],
                styles,
            )?;
        }
    }
    s.skip(1);
    s.push(
        &[
            Cell::header("Cycle"),
            Cell::header("After Full"),
            Cell::header("After Verification"),
            Cell::header("After Self"),
            Cell::header("Description"),
        ],
        styles,
    )?;
    let steps = |list: &[crate::model::AssessmentType]| {
        // Indexed by the run length r; the last entry serves every longer run.
        if list.len() == 1 {
            list[0].name().to_string()
        } else {
            list.iter()
                .enumerate()
                .map(|(i, t)| {
                    if i + 1 == list.len() {
                        format!("{t} if r ≥ {}", i + 1)
                    } else {
                        format!("{t} if r = {}", i + 1)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for (name, c) in &rules.cycles {
        let mark = |t: crate::model::AssessmentType, text: String| {
            if c.not_in_code.contains(&t) {
                format!("{text} (not written in the Code)")
            } else {
                text
            }
        };
        s.push(
            &[
                Cell::text(name.clone()).bold(),
                Cell::text(mark(
                    crate::model::AssessmentType::Full,
                    steps(&c.after_full),
                )),
                Cell::text(mark(
                    crate::model::AssessmentType::Verification,
                    steps(&c.after_verification),
                )),
                Cell::text(mark(
                    crate::model::AssessmentType::SelfAssessment,
                    steps(&c.after_self),
                )),
                Cell::text(c.description.clone()).wrap(),
            ],
            styles,
        )?;
    }
    s.skip(1);

    s.push(&[section("Finding codes")], styles)?;
    s.push(
        &[
            Cell::header("Code"),
            Cell::header("Severity"),
            Cell::header("Clause"),
            Cell::header("When"),
        ],
        styles,
    )?;
    for c in FindingCode::ALL {
        let tone = severity_tone(c.severity());
        s.push(
            &[
                Cell::text(c.as_str()).tone(tone),
                Cell::text(c.severity().as_str()).tone(tone),
                Cell::text(clause_text(*c)).wrap(),
                Cell::text(c.when()).wrap(),
            ],
            styles,
        )?;
    }
    s.skip(1);

    s.push(
        &[section("Schedule statuses (first that applies, SPEC §2.7)")],
        styles,
    )?;
    s.push(&[Cell::header("Status"), Cell::header("Meaning")], styles)?;
    for st in Status::ALL {
        s.push(
            &[
                Cell::text(st.as_str()).tone(status_tone(st)),
                Cell::text(st.meaning()).overflow(),
            ],
            styles,
        )?;
    }
    s.skip(1);

    s.push(&[section("Colours")], styles)?;
    for (tone, meaning) in [
        (
            Tone::Red,
            "breach; schedule overdue or booked after its due date",
        ),
        (
            Tone::Amber,
            "warning; schedule due soon, entry incomplete or undetermined; input issue",
        ),
        (Tone::Blue, "information"),
        (Tone::Green, "schedule in order (ok, or booked in time)"),
        (Tone::Grey, "the User has left, or is not subject to G8"),
    ] {
        s.push(
            &[Cell::blank().tone(tone), Cell::text(meaning).overflow()],
            styles,
        )?;
    }
    s.skip(1);
    s.push(
        &[Cell::text(
            "Dates are shown as 14 Jan 2026. Columns headed \"g8audit: …\" on the input sheets are \
             the tool's notes; they and the tool's sheets are ignored when this workbook is \
             audited again.",
        )
        .overflow()],
        styles,
    )?;
    s.finish(wb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_tests_read_as_in_the_spec() {
        let t = ThresholdTest {
            limb: "G8.41(c)".into(),
            domestic_weight: 1,
            non_domestic_weight: 5,
            over: 250_000,
        };
        assert_eq!(test_text(&t), "D + 5 × N > 250,000");
        let t = ThresholdTest {
            limb: "G8.41(b)".into(),
            domestic_weight: 0,
            non_domestic_weight: 1,
            over: 50_000,
        };
        assert_eq!(test_text(&t), "N > 50,000");
    }
}
