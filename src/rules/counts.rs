//! Premise counts at a determination date, and the category they put a schedule in.
//!
//! G8.48–G8.49: the counts are taken when the nature of each annual assessment falls to be
//! ascertained (the determination date T, SPEC §2.2). G8.43 and G8.46 add the counts of Users
//! sharing resources; G8.63 gives a Shared Resource Provider the counts of the Users it serves.
//! G8.41–G8.47 then decide the category (SPEC §2.3), under the rule version in force at T.

use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::Context;
use crate::rules::links::Links;
use crate::rules::regime::{Family, Regime};
use crate::rules::ruleset::{SharedVersion, ThresholdTest, Version};
use crate::rules::view::View;

/// The category of a schedule at a determination (SPEC §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Category {
    SupplierLarge,
    SupplierSmall,
    NetworkLarge,
    NetworkSmall,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::SupplierLarge,
        Category::SupplierSmall,
        Category::NetworkLarge,
        Category::NetworkSmall,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::SupplierLarge => "supplier-large",
            Category::SupplierSmall => "supplier-small",
            Category::NetworkLarge => "network-large",
            Category::NetworkSmall => "network-small",
            Category::Other => "other",
        }
    }

    /// The clause that sets this category's cycle.
    pub fn clause(self) -> &'static str {
        match self {
            Category::SupplierLarge => "G8.41",
            Category::SupplierSmall => "G8.42",
            Category::NetworkLarge => "G8.44",
            Category::NetworkSmall => "G8.45",
            Category::Other => "G8.47",
        }
    }

    /// The name of the cycle this category follows under `version`.
    pub fn cycle_name(self, version: &Version) -> &str {
        match self {
            Category::SupplierLarge => &version.cycles.supplier_large,
            Category::SupplierSmall => &version.cycles.supplier_small,
            Category::NetworkLarge => &version.cycles.network_large,
            Category::NetworkSmall => &version.cycles.network_small,
            Category::Other => &version.cycles.other,
        }
    }

    pub fn is_small(self) -> bool {
        matches!(self, Category::SupplierSmall | Category::NetworkSmall)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Category {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

pub use crate::model::thousands;

/// One User's snapshot entering a sum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    pub user: usize,
    pub as_of: NaiveDate,
    pub domestic: u64,
    pub non_domestic: u64,
}

/// The figures that decided a category (`D 180,412 + 5 × N 9,900 = 229,912 ≤ 250,000`), kept as
/// the sums and the tests they were judged by, and written out only when displayed.
///
/// Every annual assessment of every User has a determination, but its figures are read only for
/// the schedule's next assessment and by `explain`. Writing them out for each determination was a
/// fifth of the rules stage and a heap string per row note (docs/performance.md); the tests are
/// shared with every other determination under the same version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figures(Judged);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Judged {
    /// A needed count was missing: there are no figures (displayed as nothing).
    Missing,
    /// The Other family (G8.47): no premise counts apply.
    NotCounted,
    /// The sums, and the large-category tests of their family under the version in force at T.
    Counts {
        tests: Arc<[ThresholdTest]>,
        domestic: u64,
        non_domestic: u64,
    },
}

impl Figures {
    /// No figures: a count the determination needed was missing.
    pub fn missing() -> Figures {
        Figures(Judged::Missing)
    }

    /// The large-category tests met (none for a small category, or without counts).
    fn met(&self) -> impl Iterator<Item = &ThresholdTest> {
        let (tests, d, n) = match &self.0 {
            Judged::Counts {
                tests,
                domestic,
                non_domestic,
            } => (&tests[..], *domestic, *non_domestic),
            Judged::Missing | Judged::NotCounted => (&[][..], 0, 0),
        };
        tests.iter().filter(move |x| x.is_met(d, n))
    }

    /// The large-category limbs met, e.g. `G8.41(c)`; empty for a small category.
    pub fn limbs(&self) -> Vec<&str> {
        self.limb_names().collect()
    }

    /// [`Figures::limbs`], one at a time.
    pub fn limb_names(&self) -> impl Iterator<Item = &str> {
        self.met().map(|x| x.limb.as_str())
    }

    /// The figures as text; `None` when there are none (a count was missing).
    pub fn text(&self) -> Option<String> {
        Some(self.to_string()).filter(|t| !t.is_empty())
    }

    /// SPEC §6.12: for a small category, each deciding figure within `percent` % of its
    /// threshold (inclusive), as `limb: figures`. Empty for any other outcome.
    pub fn near(&self, percent: u64) -> Vec<String> {
        let Judged::Counts {
            tests,
            domestic: d,
            non_domestic: n,
        } = &self.0
        else {
            return Vec::new();
        };
        if self.met().next().is_some() {
            return Vec::new();
        }
        tests
            .iter()
            .filter(|x| x.figure(*d, *n).saturating_mul(100) >= x.over.saturating_mul(percent))
            .map(|x| format!("{}: {}", x.limb, describe_test(x, *d, *n)))
            .collect()
    }
}

/// For a large category, each test met (`G8.41(c): D … > 250,000`); for a small one, every test
/// not met; all joined by `; `.
impl fmt::Display for Figures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (tests, d, n) = match &self.0 {
            Judged::Missing => return Ok(()),
            Judged::NotCounted => return f.write_str("no premise counts apply"),
            Judged::Counts {
                tests,
                domestic,
                non_domestic,
            } => (tests, *domestic, *non_domestic),
        };
        let large = self.met().next().is_some();
        let mut sep = "";
        for x in tests.iter().filter(|x| !large || x.is_met(d, n)) {
            f.write_str(sep)?;
            if large {
                write!(f, "{}: ", x.limb)?;
            }
            f.write_str(&describe_test(x, d, n))?;
            sep = "; ";
        }
        Ok(())
    }
}

/// Written as the text it displays, so reports show the figures, not their parts.
impl Serialize for Figures {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The outcome of one determination (G8.49(a)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determination<'r> {
    /// The determination date T.
    pub t: NaiveDate,
    /// The rule version in force at T.
    pub version: &'r SharedVersion,
    /// `None` when a needed count is missing.
    pub category: Option<Category>,
    pub domestic: Option<u64>,
    pub non_domestic: Option<u64>,
    /// The snapshot date of the counts: the User's own, or the latest of those summed.
    pub counts_as_of: Option<NaiveDate>,
    /// Users (by view position) whose counts were needed and missing at T.
    pub missing: Vec<usize>,
    pub contributions: Vec<Contribution>,
    /// The figures that decided the category (the large-category tests met are its limbs).
    pub figures: Figures,
}

/// The Users whose counts enter the sum of `regime` for User `i` at `t` (SPEC §2.2, §6.13), in
/// view order, each once.
fn members(view: &View<'_>, links: &Links, i: usize, regime: Regime, t: NaiveDate) -> Vec<usize> {
    let not_left = |j: &usize| view.users[*j].user.left_on.get().is_none_or(|d| d > t);
    let mut set: Vec<usize> = match regime {
        // G8.43: only resources not provided by an SRP aggregate.
        Regime::Supplier => std::iter::once(i)
            .chain(
                links
                    .group_mates(i)
                    .filter(|&j| links.has(j, Regime::Supplier))
                    .filter(not_left),
            )
            .collect(),
        // G8.46: any Shared Resources, so groups and SRPs alike.
        Regime::Network => std::iter::once(i)
            .chain(
                links
                    .group_mates(i)
                    .chain(links.srp_mates(i))
                    .filter(|&j| links.has(j, Regime::Network))
                    .filter(not_left),
            )
            .collect(),
        // G8.63(a), (b): the SRP is deemed responsible for its served Users' systems.
        Regime::SrpSupplier => links.users[i]
            .served_by_me
            .iter()
            .copied()
            .filter(|&j| links.has(j, Regime::Supplier))
            .filter(not_left)
            .collect(),
        Regime::SrpNetwork => links.users[i]
            .served_by_me
            .iter()
            .copied()
            .filter(|&j| links.has(j, Regime::Network))
            .filter(not_left)
            .collect(),
        Regime::Other | Regime::SrpOther => Vec::new(),
    };
    set.sort_unstable();
    set.dedup();
    set
}

fn describe_test(test: &ThresholdTest, d: u64, n: u64) -> String {
    let term = |w: u64, letter: &str, v: u64| match w {
        0 => None,
        1 => Some(format!("{letter} {}", thousands(v))),
        w => Some(format!("{w} × {letter} {}", thousands(v))),
    };
    let terms: Vec<String> = [
        term(test.domestic_weight, "D", d),
        term(test.non_domestic_weight, "N", n),
    ]
    .into_iter()
    .flatten()
    .collect();
    let figure = test.figure(d, n);
    let lhs = if terms.len() > 1 {
        format!("{} = {}", terms.join(" + "), thousands(figure))
    } else {
        terms.join("")
    };
    let op = if test.is_met(d, n) { ">" } else { "≤" };
    format!("{lhs} {op} {}", thousands(test.over))
}

/// Determines the category of `regime` for User `i` at `t` (SPEC §2.2–§2.3).
pub fn determine<'r>(
    ctx: &'r Context<'_>,
    i: usize,
    regime: Regime,
    t: NaiveDate,
) -> Determination<'r> {
    let (view, links) = (&ctx.view, &ctx.links);
    let version = &ctx.versions[ctx.rules.version_index_at(t)];
    let mut det = Determination {
        t,
        version,
        category: None,
        domestic: None,
        non_domestic: None,
        counts_as_of: None,
        missing: Vec::new(),
        contributions: Vec::new(),
        figures: Figures::missing(),
    };
    let family = regime.family();
    if family == Family::Other {
        det.category = Some(Category::Other);
        det.figures = Figures(Judged::NotCounted);
        return det;
    }
    let (mut d, mut n) = (0u64, 0u64);
    for j in members(view, links, i, regime, t) {
        match view.users[j].snapshot_at(t) {
            Some(s) => {
                d = d.saturating_add(s.domestic);
                n = n.saturating_add(s.non_domestic);
                det.contributions.push(Contribution {
                    user: j,
                    as_of: s.as_of,
                    domestic: s.domestic,
                    non_domestic: s.non_domestic,
                });
            }
            None => det.missing.push(j),
        }
    }
    if !det.missing.is_empty() {
        return det;
    }
    if family == Family::Network {
        // G8.44–G8.46 count Domestic Premises only.
        n = 0;
    }
    det.domestic = Some(d);
    det.non_domestic = Some(n);
    det.counts_as_of = det
        .contributions
        .iter()
        .find(|c| c.user == i)
        .or_else(|| det.contributions.iter().max_by_key(|c| c.as_of))
        .map(|c| c.as_of);
    let (tests, large, small) = match family {
        Family::Supplier => (
            &version.supplier_large,
            Category::SupplierLarge,
            Category::SupplierSmall,
        ),
        _ => (
            &version.network_large,
            Category::NetworkLarge,
            Category::NetworkSmall,
        ),
    };
    det.figures = Figures(Judged::Counts {
        tests: Arc::clone(tests),
        domestic: d,
        non_domestic: n,
    });
    det.category = Some(if det.figures.met().next().is_some() {
        large
    } else {
        small
    });
    det
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(250000), "250,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn g8_41_c_describes_the_weighted_sum() {
        let t = ThresholdTest {
            limb: "G8.41(c)".into(),
            domestic_weight: 1,
            non_domestic_weight: 5,
            over: 250000,
        };
        assert_eq!(
            describe_test(&t, 20000, 48000),
            "D 20,000 + 5 × N 48,000 = 260,000 > 250,000"
        );
        assert_eq!(
            describe_test(&t, 180412, 9900),
            "D 180,412 + 5 × N 9,900 = 229,912 ≤ 250,000"
        );
    }

    fn supplier_figures(domestic: u64, non_domestic: u64) -> Figures {
        let rules = crate::rules::ruleset::RuleSet::embedded();
        let version = &crate::rules::ruleset::SharedVersion::all(&rules)[1];
        assert_eq!(&*version.id, "SECMP0059");
        Figures(Judged::Counts {
            tests: Arc::clone(&version.supplier_large),
            domestic,
            non_domestic,
        })
    }

    #[test]
    fn g8_41_large_figures_name_each_limb_met() {
        let f = supplier_figures(260_000, 1_000);
        assert_eq!(
            f.to_string(),
            "G8.41(a): D 260,000 > 250,000; G8.41(c): D 260,000 + 5 × N 1,000 = 265,000 > 250,000"
        );
        assert_eq!(f.limbs(), ["G8.41(a)", "G8.41(c)"]);
        assert!(f.near(95).is_empty());
    }

    #[test]
    fn g8_42_small_figures_show_every_test_and_spec_6_12_the_near_ones() {
        let f = supplier_figures(240_000, 1_000);
        assert_eq!(
            f.to_string(),
            "D 240,000 ≤ 250,000; N 1,000 ≤ 50,000; D 240,000 + 5 × N 1,000 = 245,000 ≤ 250,000"
        );
        assert!(f.limbs().is_empty());
        assert_eq!(
            f.near(95),
            [
                "G8.41(a): D 240,000 ≤ 250,000",
                "G8.41(c): D 240,000 + 5 × N 1,000 = 245,000 ≤ 250,000"
            ]
        );
    }

    #[test]
    fn figures_without_counts() {
        assert_eq!(Figures::missing().to_string(), "");
        assert_eq!(
            Figures(Judged::NotCounted).to_string(),
            "no premise counts apply"
        );
        assert!(Figures(Judged::NotCounted).limbs().is_empty());
        assert!(Figures::missing().near(100).is_empty());
    }
}
