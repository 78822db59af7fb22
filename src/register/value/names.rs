//! Names a register writes in words: User Roles, assessment types, assurance statuses and
//! purposes, each with its aliases and a "did you mean" for a near miss. Pure and total.

use crate::model::{AssessmentType, Purpose, RecordedStatus, Role};

use super::super::headers::normalise_heading;
use super::{MAX_SUGGEST_LEN, best_match};

/// Parses one role: its name or abbreviation, any case and spacing (`IS`, `import supplier`,
/// `Import Supplier Party`, `Gas Suppliers`, `DNO` for an Electricity Distributor).
pub fn parse_role(text: &str) -> Option<Role> {
    let n = normalise_heading(text);
    if n.is_empty() || n.len() > MAX_SUGGEST_LEN {
        return None;
    }
    role_of_normalised(&n)
        .or_else(|| n.strip_suffix('s').and_then(role_of_normalised))
        .or_else(|| n.strip_suffix("party").and_then(role_of_normalised))
        .or_else(|| n.strip_suffix("role").and_then(role_of_normalised))
}

fn role_of_normalised(n: &str) -> Option<Role> {
    let r = match n {
        "is" | "importsupplier" | "electricitysupplier" | "importsupplierparty" => {
            Role::ImportSupplier
        }
        "gs" | "gassupplier" | "gassupplierparty" => Role::GasSupplier,
        "es" | "exportsupplier" => Role::ExportSupplier,
        "ed"
        | "electricitydistributor"
        | "electricitydistribution"
        | "dno"
        | "distributionnetworkoperator" => Role::ElectricityDistributor,
        "gt" | "gastransporter" | "gastransportation" | "gdn" | "gasdistributionnetwork" => {
            Role::GasTransporter
        }
        "ou" | "otheruser" | "other" => Role::OtherUser,
        "rsa" | "registeredsupplieragent" => Role::RegisteredSupplierAgent,
        "rdp" | "registrationdataprovider" => Role::RegistrationDataProvider,
        "srp" | "sharedresourceprovider" => Role::SharedResourceProvider,
        _ => return None,
    };
    Some(r)
}

/// Splits a roles cell on `,` `;` `/` `+` `&` `|`, line breaks and the word `and`, and parses
/// each part. Returns the recognised roles (deduplicated, in [`Role`] order) and the parts that
/// are not roles (trimmed, as written). `IS GS` (abbreviations separated by spaces) is read as
/// two roles.
pub fn parse_roles(text: &str) -> (Vec<Role>, Vec<String>) {
    let mut roles = Vec::new();
    let mut unknown = Vec::new();
    for part in split_roles(text) {
        let part = strip_and(part);
        if part.is_empty() {
            continue;
        }
        if let Some(r) = parse_role(part) {
            roles.push(r);
            continue;
        }
        // `IS GS`, or `Import Supplier and Gas Supplier`.
        let words: Vec<&str> = part.split_whitespace().collect();
        let halves = split_on_and(part);
        if words.len() > 1
            && words
                .iter()
                .all(|w| w.len() <= 3 && parse_role(w).is_some())
        {
            roles.extend(words.iter().filter_map(|w| parse_role(w)));
        } else if halves.len() > 1 && halves.iter().all(|w| parse_role(w).is_some()) {
            roles.extend(halves.iter().filter_map(|w| parse_role(w)));
        } else {
            unknown.push(part.to_string());
        }
    }
    roles.sort();
    roles.dedup();
    (roles, unknown)
}

/// Drops a leading `and ` (`IS, and GS`).
fn strip_and(part: &str) -> &str {
    let p = part.trim();
    match p.get(..4) {
        Some(prefix) if prefix.eq_ignore_ascii_case("and ") => p.get(4..).unwrap_or("").trim(),
        _ => p,
    }
}

/// Splits on the word `and` (any case), trimming the parts.
fn split_on_and(part: &str) -> Vec<&str> {
    let lower = part.to_ascii_lowercase(); // same byte offsets as `part`
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in lower.match_indices(" and ") {
        out.push(part.get(start..i).unwrap_or("").trim());
        start = i + 5;
    }
    out.push(part.get(start..).unwrap_or("").trim());
    out.retain(|p| !p.is_empty());
    out
}

/// Splits a list cell (SRP user_ids, group labels) on `,` `;` `/` `+` and line breaks (SPEC
/// §1.1); parts are trimmed and empty parts dropped.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ';', '/', '+', '\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// Splits a roles cell: as [`split_list`], and also on `&` and `|`.
fn split_roles(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ';', '/', '+', '&', '|', '\n', '\r'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The role a mistyped token most likely meant, by its full name (`Gas Suplier` → `Gas Supplier`).
pub fn suggest_role(text: &str) -> Option<&'static str> {
    let candidates = Role::ALL
        .iter()
        .flat_map(|r| [(r.name(), r.name()), (r.abbreviation(), r.name())]);
    best_match(text, candidates)
}

/// Parses an assessment type (SPEC §1.3): `Full` / `Full User Security Assessment` / `FUSA`;
/// `Verification` / `VUSA`; `Self` / `Self-Assessment` / `User Security Self-Assessment` / `SA`;
/// `Follow-up` / `Follow up` / `Followup` / `Follow-up Security Assessment` / `FSA`.
pub fn parse_type(text: &str) -> Option<AssessmentType> {
    let n = normalise_heading(text);
    let t = match n.as_str() {
        "full"
        | "fullusersecurityassessment"
        | "fusa"
        | "fullassessment"
        | "fullsecurityassessment"
        | "fullusa" => AssessmentType::Full,
        "verification"
        | "verificationusersecurityassessment"
        | "vusa"
        | "verificationassessment"
        | "verificationsecurityassessment"
        | "verificationusa" => AssessmentType::Verification,
        "self"
        | "selfassessment"
        | "usersecurityselfassessment"
        | "sa"
        | "selfusa"
        | "securityselfassessment"
        | "userselfassessment"
        | "ussa" => AssessmentType::SelfAssessment,
        "followup"
        | "followupsecurityassessment"
        | "fsa"
        | "followupassessment"
        | "followupusa" => AssessmentType::FollowUp,
        _ => return None,
    };
    Some(t)
}

/// The type a mistyped value most likely meant (`Verifcation` → `Verification`).
pub fn suggest_type(text: &str) -> Option<&'static str> {
    best_match(
        text,
        [
            ("Full", "Full"),
            ("Verification", "Verification"),
            ("Self", "Self"),
            ("Self-Assessment", "Self"),
            ("Follow-up", "Follow-up"),
        ],
    )
}

/// Parses an assurance status as recorded (SPEC §1.3), forgiving case, spacing and punctuation
/// (`Approved, subject to steps`); `approved subject to follow-up` is read as
/// `approved subject to steps and follow-up`.
pub fn parse_status(text: &str) -> Option<RecordedStatus> {
    let n = normalise_heading(text);
    let s = match n.as_str() {
        "approved" => RecordedStatus::Approved,
        "deferred" => RecordedStatus::Deferred,
        "rejected" => RecordedStatus::Rejected,
        "provisionallyapproved" | "approvedprovisionally" | "provisionalapproval" => {
            RecordedStatus::ProvisionallyApproved
        }
        other => {
            let rest = other.strip_prefix("approvedsubjectto")?;
            if rest.contains("followup") {
                RecordedStatus::ApprovedSubjectToStepsAndFollowUp
            } else if rest.starts_with("step") || rest.starts_with("remedialstep") {
                RecordedStatus::ApprovedSubjectToSteps
            } else {
                return None;
            }
        }
    };
    Some(s)
}

/// The status a mistyped value most likely meant (`aproved` → `approved`).
pub fn suggest_status(text: &str) -> Option<&'static str> {
    const ALL: [RecordedStatus; 6] = [
        RecordedStatus::Approved,
        RecordedStatus::ApprovedSubjectToSteps,
        RecordedStatus::ApprovedSubjectToStepsAndFollowUp,
        RecordedStatus::Deferred,
        RecordedStatus::Rejected,
        RecordedStatus::ProvisionallyApproved,
    ];
    best_match(text, ALL.iter().map(|s| (s.name(), s.name())))
}

/// Parses a purpose (SPEC §1.3): `Entry` (also `User Entry Process`, `UEP`, `Initial`) or
/// `Annual` (also `Post-entry`, `Ongoing`, `Periodic`).
pub fn parse_purpose(text: &str) -> Option<Purpose> {
    let n = normalise_heading(text);
    let p = match n.as_str() {
        "entry" | "userentryprocess" | "uep" | "initial" | "userentry" | "entryprocess"
        | "initialentry" => Purpose::Entry,
        "annual" | "postentry" | "postentryannual" | "annualcycle" | "ongoing"
        | "annualassessment" | "periodic" => Purpose::Annual,
        _ => return None,
    };
    Some(p)
}

/// The purpose a mistyped value most likely meant (`Anual` → `Annual`).
pub fn suggest_purpose(text: &str) -> Option<&'static str> {
    best_match(
        text,
        [
            ("Entry", "Entry"),
            ("Annual", "Annual"),
            ("Post-entry", "Annual"),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_with_every_separator() {
        use Role::*;
        assert_eq!(
            parse_roles("IS, GS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS;GS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS/GS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS+GS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS\nGS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS\r\nGS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("IS GS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(
            parse_roles("Import Supplier and Gas Supplier"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        // Order and duplicates do not matter.
        assert_eq!(
            parse_roles("gs, is, IS"),
            (vec![ImportSupplier, GasSupplier], vec![])
        );
        assert_eq!(parse_roles(" , ;"), (vec![], vec![]));
    }

    #[test]
    fn role_names_and_abbreviations() {
        for r in Role::ALL {
            assert_eq!(parse_role(r.name()), Some(r));
            assert_eq!(parse_role(r.abbreviation()), Some(r));
            assert_eq!(parse_role(&r.name().to_uppercase()), Some(r));
            assert_eq!(parse_role(&r.abbreviation().to_lowercase()), Some(r));
        }
        assert_eq!(
            parse_role("Import Supplier Party"),
            Some(Role::ImportSupplier)
        );
        assert_eq!(
            parse_role("Electricity Distribution"),
            Some(Role::ElectricityDistributor)
        );
        assert_eq!(parse_role("Gas Suppliers"), Some(Role::GasSupplier));
        assert_eq!(
            parse_role("registration-data-provider"),
            Some(Role::RegistrationDataProvider)
        );
        assert_eq!(parse_role("Supplier"), None);
        assert_eq!(parse_role(""), None);
    }

    #[test]
    fn unknown_role_gets_a_suggestion() {
        let (roles, unknown) = parse_roles("IS, Gas Suplier");
        assert_eq!(roles, vec![Role::ImportSupplier]);
        assert_eq!(unknown, vec!["Gas Suplier".to_string()]);
        assert_eq!(suggest_role("Gas Suplier"), Some("Gas Supplier"));
        assert_eq!(suggest_role("Improt Supplier"), Some("Import Supplier"));
        assert_eq!(suggest_role("Banana"), None);
        assert_eq!(suggest_role("XY"), None);
    }

    #[test]
    fn types_and_aliases() {
        use AssessmentType::*;
        let cases = [
            ("Full", Full),
            ("full user security assessment", Full),
            ("FUSA", Full),
            ("Verification", Verification),
            ("Verification User Security Assessment", Verification),
            ("VUSA", Verification),
            ("Self", SelfAssessment),
            ("Self-Assessment", SelfAssessment),
            ("User Security Self-Assessment", SelfAssessment),
            ("SA", SelfAssessment),
            ("Follow-up", FollowUp),
            ("Follow up", FollowUp),
            ("Followup", FollowUp),
            ("Follow-up Security Assessment", FollowUp),
            ("FSA", FollowUp),
        ];
        for (s, t) in cases {
            assert_eq!(parse_type(s), Some(t), "{s}");
        }
        assert_eq!(parse_type("Annual"), None);
        assert_eq!(suggest_type("Verifcation"), Some("Verification"));
        assert_eq!(suggest_type("Folow-up"), Some("Follow-up"));
    }

    #[test]
    fn statuses() {
        use RecordedStatus::*;
        assert_eq!(parse_status("approved"), Some(Approved));
        assert_eq!(parse_status(" Approved "), Some(Approved));
        assert_eq!(
            parse_status("approved subject to steps"),
            Some(ApprovedSubjectToSteps)
        );
        assert_eq!(
            parse_status("Approved, subject to steps"),
            Some(ApprovedSubjectToSteps)
        );
        assert_eq!(
            parse_status("approved subject to steps and follow-up"),
            Some(ApprovedSubjectToStepsAndFollowUp)
        );
        assert_eq!(
            parse_status("Approved, subject to steps and follow up"),
            Some(ApprovedSubjectToStepsAndFollowUp)
        );
        assert_eq!(
            parse_status("approved subject to follow-up"),
            Some(ApprovedSubjectToStepsAndFollowUp)
        );
        assert_eq!(parse_status("deferred"), Some(Deferred));
        assert_eq!(parse_status("REJECTED"), Some(Rejected));
        assert_eq!(
            parse_status("provisionally approved"),
            Some(ProvisionallyApproved)
        );
        assert_eq!(parse_status("approved subject to"), None);
        assert_eq!(parse_status("pending"), None);
        assert_eq!(suggest_status("aproved"), Some("approved"));
        assert_eq!(suggest_status("defered"), Some("deferred"));
    }

    #[test]
    fn purposes() {
        assert_eq!(parse_purpose("Entry"), Some(Purpose::Entry));
        assert_eq!(parse_purpose("User Entry Process"), Some(Purpose::Entry));
        assert_eq!(parse_purpose("UEP"), Some(Purpose::Entry));
        assert_eq!(parse_purpose("initial"), Some(Purpose::Entry));
        assert_eq!(parse_purpose("Annual"), Some(Purpose::Annual));
        assert_eq!(parse_purpose("Post-entry"), Some(Purpose::Annual));
        assert_eq!(parse_purpose("whenever"), None);
        assert_eq!(suggest_purpose("Anual"), Some("Annual"));
    }
}
