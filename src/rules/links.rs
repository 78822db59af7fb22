//! Who shares what with whom (G10, G8.43, G8.46, G8.63): Shared Resource Providers named by each
//! User, shared-resources groups, and the regimes that follow from them.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Role;
use crate::rules::regime::{self, Regime, Served};
use crate::rules::view::View;

/// The links of one User, by position in [`View::users`].
#[derive(Debug, Clone, Default)]
pub struct UserLinks {
    pub regimes: Vec<Regime>,
    /// SRPs the User names that are Users with the SRP role (SPEC §6.14: other names link nobody).
    pub srps: Vec<usize>,
    /// Names in `shared_resource_provider` that are not Users with the SRP role.
    pub unknown_srps: Vec<String>,
    /// Group labels, trimmed and lower-cased (SPEC §6.14).
    pub groups: BTreeSet<String>,
    /// For an SRP: the Users naming it.
    pub served_by_me: Vec<usize>,
}

/// Every User's links.
#[derive(Debug, Clone, Default)]
pub struct Links {
    pub users: Vec<UserLinks>,
    /// Group label → members.
    pub groups: BTreeMap<String, Vec<usize>>,
    /// Users with the Shared Resource Provider role, in register order.
    pub srps: Vec<usize>,
}

impl Links {
    pub fn build(view: &View<'_>) -> Links {
        let n = view.users.len();
        let mut users: Vec<UserLinks> = vec![UserLinks::default(); n];
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, u) in view.users.iter().enumerate() {
            for name in &u.user.shared_resource_providers {
                let target = view.by_id.get(name.as_str()).copied().filter(|&j| {
                    view.users[j]
                        .user
                        .roles
                        .contains(&Role::SharedResourceProvider)
                });
                match target {
                    Some(j) => {
                        if !users[i].srps.contains(&j) {
                            users[i].srps.push(j);
                            users[j].served_by_me.push(i);
                        }
                    }
                    None => users[i].unknown_srps.push(name.clone()),
                }
            }
            for g in &u.user.shared_resources_groups {
                let key = g.trim().to_lowercase();
                if !key.is_empty() && users[i].groups.insert(key.clone()) {
                    groups.entry(key).or_default().push(i);
                }
            }
        }
        let served: Vec<Served> = users
            .iter()
            .map(|links| {
                let mut served = Served::default();
                for &v in &links.served_by_me {
                    served.any = true;
                    let vr = &view.users[v].user.roles;
                    let supplier = regime::is_supplier_party(vr);
                    let network = regime::is_network_party(vr);
                    served.suppliers |= supplier;
                    served.networks |= network;
                    served.others |= !supplier && !network;
                }
                served
            })
            .collect();
        for ((links, u), served) in users.iter_mut().zip(&view.users).zip(served) {
            links.regimes = regime::regimes(&u.user.roles, served);
        }
        let srps = (0..n)
            .filter(|&i| {
                view.users[i]
                    .user
                    .roles
                    .contains(&Role::SharedResourceProvider)
            })
            .collect();
        Links {
            users,
            groups,
            srps,
        }
    }

    /// Users other than `i` sharing a group with `i`.
    pub fn group_mates(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.users[i]
            .groups
            .iter()
            .flat_map(move |g| self.groups.get(g).into_iter().flatten().copied())
            .filter(move |&j| j != i)
    }

    /// Users other than `i` naming one of the SRPs `i` names.
    pub fn srp_mates(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        self.users[i]
            .srps
            .iter()
            .flat_map(move |&s| self.users[s].served_by_me.iter().copied())
            .filter(move |&j| j != i)
    }

    pub fn has(&self, i: usize, regime: Regime) -> bool {
        self.users[i].regimes.contains(&regime)
    }
}
