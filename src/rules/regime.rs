//! Which assessment cycles apply to a User (SPEC §2.1): G1.5 (each role separately), G1.7 (Export
//! Suppliers and Registered Supplier Agents are outside G8), G8.47 (Other Users), G8.63 and G10.5
//! (Shared Resource Providers).

use std::fmt;

use serde::Serialize;

use crate::model::{Role, RoleSet};

/// One assessment cycle a User is subject to; a User has one schedule per regime.
///
/// Variants are declared in the alphabetical order of their names, so the derived order is the
/// order reports sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Regime {
    /// A Network Party: Electricity Distributor or Gas Transporter (G8.44–G8.46).
    Network,
    /// Neither a Supplier Party nor a Network Party (G8.47).
    Other,
    /// A Shared Resource Provider serving Network Parties (G8.63(b)).
    SrpNetwork,
    /// A Shared Resource Provider serving Other Users (G8.63(c)).
    SrpOther,
    /// A Shared Resource Provider serving Supplier Parties (G8.63(a)).
    SrpSupplier,
    /// A Supplier Party: Import Supplier or Gas Supplier (G8.41–G8.43).
    Supplier,
}

impl Regime {
    pub const ALL: [Regime; 6] = [
        Regime::Network,
        Regime::Other,
        Regime::SrpNetwork,
        Regime::SrpOther,
        Regime::SrpSupplier,
        Regime::Supplier,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Regime::Network => "network",
            Regime::Other => "other",
            Regime::SrpNetwork => "srp-network",
            Regime::SrpOther => "srp-other",
            Regime::SrpSupplier => "srp-supplier",
            Regime::Supplier => "supplier",
        }
    }

    /// The family of thresholds and categories the regime is judged by.
    pub fn family(self) -> Family {
        match self {
            Regime::Supplier | Regime::SrpSupplier => Family::Supplier,
            Regime::Network | Regime::SrpNetwork => Family::Network,
            Regime::Other | Regime::SrpOther => Family::Other,
        }
    }

    /// True for the three Shared Resource Provider regimes.
    pub fn is_srp(self) -> bool {
        matches!(
            self,
            Regime::SrpSupplier | Regime::SrpNetwork | Regime::SrpOther
        )
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Regime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Which G8 provisions judge a regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// G8.41–G8.43.
    Supplier,
    /// G8.44–G8.46.
    Network,
    /// G8.47.
    Other,
}

/// G1.5 / G8.41: the User is a Supplier Party.
pub fn is_supplier_party(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::ImportSupplier | Role::GasSupplier))
}

/// G8.44: the User is a Network Party.
pub fn is_network_party(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::ElectricityDistributor | Role::GasTransporter))
}

/// What a Shared Resource Provider's served Users are (G8.63), for a User with the SRP role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Served {
    pub suppliers: bool,
    pub networks: bool,
    /// SPEC §6.15: any served User that is neither a Supplier Party nor a Network Party.
    pub others: bool,
    /// Named by at least one User.
    pub any: bool,
}

/// The regimes of a User with these roles, given whom it serves as an SRP (SPEC §2.1), sorted.
pub fn regimes(roles: &[Role], served: Served) -> Vec<Regime> {
    let mut out = Vec::new();
    if is_supplier_party(roles) {
        out.push(Regime::Supplier);
    }
    if is_network_party(roles) {
        out.push(Regime::Network);
    }
    if roles.contains(&Role::SharedResourceProvider) {
        if served.suppliers {
            out.push(Regime::SrpSupplier);
        }
        if served.networks {
            out.push(Regime::SrpNetwork);
        }
        // G8.63(c); an SRP no User names is also held to the Other cycle (with SRP_NO_USERS).
        if served.others || !served.any {
            out.push(Regime::SrpOther);
        }
    }
    // G8.47 and SPEC §6.3: `other` only when none of the above applies, and a G8 role is held.
    let g8_other_role = roles
        .iter()
        .any(|r| matches!(r, Role::OtherUser | Role::RegistrationDataProvider));
    if out.is_empty() && g8_other_role {
        out.push(Regime::Other);
    }
    out.sort();
    out
}

/// Whether an assessment row with these `roles_covered` counts for `regime` (SPEC §2.1):
/// IS/GS → supplier; ED/GT → network; SRP → every srp-* regime; OU/RDP → other.
/// `None` (blank) covers every regime.
pub fn covers(roles_covered: Option<RoleSet>, regime: Regime) -> bool {
    let Some(roles) = roles_covered else {
        return true;
    };
    roles.iter().any(|role| match role {
        Role::ImportSupplier | Role::GasSupplier => regime == Regime::Supplier,
        Role::ElectricityDistributor | Role::GasTransporter => regime == Regime::Network,
        Role::SharedResourceProvider => regime.is_srp(),
        Role::OtherUser | Role::RegistrationDataProvider => regime == Regime::Other,
        Role::ExportSupplier | Role::RegisteredSupplierAgent => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use Role::*;

    #[test]
    fn g1_5_import_supplier_is_a_supplier_party() {
        assert_eq!(
            regimes(&[ImportSupplier], Served::default()),
            [Regime::Supplier]
        );
        assert_eq!(
            regimes(&[GasSupplier], Served::default()),
            [Regime::Supplier]
        );
    }

    #[test]
    fn g1_5_a_supplier_and_distributor_has_two_schedules() {
        assert_eq!(
            regimes(&[ImportSupplier, ElectricityDistributor], Served::default()),
            [Regime::Network, Regime::Supplier]
        );
    }

    #[test]
    fn g8_44_gas_transporter_is_a_network_party() {
        assert_eq!(
            regimes(&[GasTransporter], Served::default()),
            [Regime::Network]
        );
    }

    #[test]
    fn g1_7_export_supplier_and_rsa_only_are_not_subject() {
        assert!(
            regimes(
                &[ExportSupplier, RegisteredSupplierAgent],
                Served::default()
            )
            .is_empty()
        );
    }

    #[test]
    fn g8_47_other_user_and_rdp_are_other() {
        assert_eq!(regimes(&[OtherUser], Served::default()), [Regime::Other]);
        assert_eq!(
            regimes(&[RegistrationDataProvider], Served::default()),
            [Regime::Other]
        );
    }

    #[test]
    fn g8_47_supplier_with_other_user_role_is_supplier_only() {
        assert_eq!(
            regimes(&[ImportSupplier, OtherUser], Served::default()),
            [Regime::Supplier]
        );
    }

    #[test]
    fn g8_63_srp_gets_one_regime_per_kind_served() {
        let served = Served {
            suppliers: true,
            networks: true,
            others: true,
            any: true,
        };
        assert_eq!(
            regimes(&[SharedResourceProvider], served),
            [Regime::SrpNetwork, Regime::SrpOther, Regime::SrpSupplier]
        );
    }

    #[test]
    fn g8_63_srp_serving_suppliers_only_is_srp_supplier() {
        let served = Served {
            suppliers: true,
            any: true,
            ..Served::default()
        };
        assert_eq!(
            regimes(&[SharedResourceProvider], served),
            [Regime::SrpSupplier]
        );
    }

    #[test]
    fn g10_4_srp_named_by_nobody_is_srp_other() {
        assert_eq!(
            regimes(&[SharedResourceProvider], Served::default()),
            [Regime::SrpOther]
        );
    }

    #[test]
    fn g8_47_srp_with_other_user_role_is_not_also_other() {
        assert_eq!(
            regimes(&[SharedResourceProvider, OtherUser], Served::default()),
            [Regime::SrpOther]
        );
    }

    #[test]
    fn g8_30_roles_covered_narrows_the_regimes_a_row_counts_for() {
        let set = |roles: &[Role]| Some(roles.iter().copied().collect::<RoleSet>());
        assert!(covers(None, Regime::Network));
        assert!(covers(set(&[GasSupplier]), Regime::Supplier));
        assert!(!covers(set(&[GasSupplier]), Regime::Network));
        assert!(covers(set(&[SharedResourceProvider]), Regime::SrpOther));
        assert!(covers(set(&[RegistrationDataProvider]), Regime::Other));
        assert!(!covers(set(&[ExportSupplier]), Regime::Supplier));
        assert!(covers(set(&[ExportSupplier, OtherUser]), Regime::Other));
    }

    #[test]
    fn regimes_sort_by_name() {
        let mut names: Vec<&str> = Regime::ALL.iter().map(|r| r.as_str()).collect();
        let sorted = {
            let mut s = names.clone();
            s.sort();
            s
        };
        assert_eq!(names, sorted);
        names.dedup();
        assert_eq!(names.len(), 6);
    }
}
