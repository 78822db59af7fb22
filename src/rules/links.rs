//! Who shares what with whom (G10, G8.43, G8.46, G8.63): Shared Resource Providers named by each
//! User, shared-resources groups, and the regimes that follow from them.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::model::Role;
use crate::rules::regime::{self, Regime, Served};
use crate::rules::view::View;
use crate::suggest;

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
    /// "Did you mean …?" for each name in [`UserLinks::unknown_srps`]: the closest SRP id, if any
    /// is close. Found once per name, not per User: many Users name the same wrong SRP, and each
    /// search compares the name with every SRP (a third of the rules stage at 250,000 Users).
    pub srp_hints: FxHashMap<String, Option<String>>,
}

impl Links {
    /// Every User's links. What each User names is resolved in parallel; linking the named
    /// SRPs back and filling the groups is one pass in view order; the regimes are again per
    /// User, in parallel.
    pub fn build(view: &View<'_>) -> Links {
        let is_srp = |j: usize| {
            view.users[j]
                .user
                .roles
                .contains(&Role::SharedResourceProvider)
        };
        let mut users: Vec<UserLinks> = view
            .users
            .par_iter()
            .map(|u| {
                let mut links = UserLinks::default();
                for name in &u.user.shared_resource_providers {
                    match view
                        .by_id
                        .get(name.as_str())
                        .copied()
                        .filter(|&j| is_srp(j))
                    {
                        Some(j) if !links.srps.contains(&j) => links.srps.push(j),
                        Some(_) => {}
                        None => links.unknown_srps.push(name.clone()),
                    }
                }
                for g in &u.user.shared_resources_groups {
                    let key = g.trim().to_lowercase();
                    if !key.is_empty() {
                        links.groups.insert(key);
                    }
                }
                links
            })
            .collect();
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for i in 0..users.len() {
            // By index: an SRP may name itself, so `users[i]` is both read and written here.
            for k in 0..users[i].srps.len() {
                let j = users[i].srps[k];
                users[j].served_by_me.push(i);
            }
            for g in &users[i].groups {
                match groups.get_mut(g) {
                    Some(members) => members.push(i),
                    None => {
                        groups.insert(g.clone(), vec![i]);
                    }
                }
            }
        }
        users
            .par_iter_mut()
            .zip(&view.users)
            .for_each(|(links, u)| {
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
                links.regimes = regime::regimes(&u.user.roles, served);
            });
        let srps: Vec<usize> = (0..users.len()).filter(|&i| is_srp(i)).collect();
        let srp_ids: Vec<&str> = srps
            .iter()
            .map(|&j| view.users[j].user.user_id.as_str())
            .collect();
        let mut unknown: Vec<&str> = users
            .iter()
            .flat_map(|l| l.unknown_srps.iter().map(String::as_str))
            .collect();
        unknown.sort_unstable();
        unknown.dedup();
        let srp_hints = unknown
            .into_par_iter()
            .map(|name| {
                let hint = suggest::closest(name, srp_ids.iter().copied());
                (name.to_string(), hint.map(str::to_string))
            })
            .collect();
        Links {
            users,
            groups,
            srps,
            srp_hints,
        }
    }

    /// The SRP id to suggest for `name`, one of [`UserLinks::unknown_srps`].
    pub fn srp_hint(&self, name: &str) -> Option<&str> {
        self.srp_hints.get(name).and_then(Option::as_deref)
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
