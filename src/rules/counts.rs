//! Premise counts at a determination date, and the category they put a schedule in.
//!
//! G8.48–G8.49: the counts are taken when the nature of each annual assessment falls to be
//! ascertained (the determination date T, SPEC §2.2). G8.43 and G8.46 add the counts of Users
//! sharing resources; G8.63 gives a Shared Resource Provider the counts of the Users it serves.
//! G8.41–G8.47 then decide the category (SPEC §2.3), under the rule version in force at T.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::rules::links::Links;
use crate::rules::regime::{Family, Regime};
use crate::rules::ruleset::{RuleSet, ThresholdTest, Version};
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

/// The outcome of one determination (G8.49(a)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Determination {
    /// The determination date T.
    pub t: NaiveDate,
    pub version: String,
    /// `None` when a needed count is missing.
    pub category: Option<Category>,
    /// The large-category tests met, e.g. `G8.41(c)`.
    pub limbs: Vec<String>,
    pub domestic: Option<u64>,
    pub non_domestic: Option<u64>,
    /// The snapshot date of the counts: the User's own, or the latest of those summed.
    pub counts_as_of: Option<NaiveDate>,
    /// Users (by view position) whose counts were needed and missing at T.
    pub missing: Vec<usize>,
    pub contributions: Vec<Contribution>,
    /// The figures that decided the category, for a person: `D 180,412 + 5 × 9,900 = 229,912 ≤
    /// 250,000`.
    pub figures: String,
    /// Deciding figures within the near-threshold window (SPEC §6.12), as text.
    pub near: Vec<String>,
}

/// The Users whose counts enter the sum of `regime` for User `i` at `t` (SPEC §2.2, §6.13).
fn members(view: &View<'_>, links: &Links, i: usize, regime: Regime, t: NaiveDate) -> Vec<usize> {
    let not_left = |j: &usize| view.users[*j].user.left_on.get().is_none_or(|d| d > t);
    let set: BTreeSet<usize> = match regime {
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
        Regime::Other | Regime::SrpOther => BTreeSet::new(),
    };
    set.into_iter().collect()
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
pub fn determine(
    view: &View<'_>,
    links: &Links,
    rules: &RuleSet,
    i: usize,
    regime: Regime,
    t: NaiveDate,
) -> Determination {
    let version = rules.version_at(t);
    let mut det = Determination {
        t,
        version: version.id.clone(),
        category: None,
        limbs: Vec::new(),
        domestic: None,
        non_domestic: None,
        counts_as_of: None,
        missing: Vec::new(),
        contributions: Vec::new(),
        figures: String::new(),
        near: Vec::new(),
    };
    let family = regime.family();
    if family == Family::Other {
        det.category = Some(Category::Other);
        det.figures = "no premise counts apply".into();
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
    let met: Vec<&ThresholdTest> = tests.iter().filter(|x| x.is_met(d, n)).collect();
    if met.is_empty() {
        det.category = Some(small);
        det.figures = tests
            .iter()
            .map(|x| describe_test(x, d, n))
            .collect::<Vec<_>>()
            .join("; ");
        for x in tests {
            let figure = x.figure(d, n);
            // Within near_threshold_percent of the threshold, inclusive (SPEC §6.12).
            if figure.saturating_mul(100) >= x.over.saturating_mul(rules.near_threshold_percent) {
                det.near
                    .push(format!("{}: {}", x.limb, describe_test(x, d, n)));
            }
        }
    } else {
        det.category = Some(large);
        det.limbs = met.iter().map(|x| x.limb.clone()).collect();
        det.figures = met
            .iter()
            .map(|x| format!("{}: {}", x.limb, describe_test(x, d, n)))
            .collect::<Vec<_>>()
            .join("; ");
    }
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
}
