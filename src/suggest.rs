//! "Did you mean …?": the closest known name to a mistyped one.

/// The candidate closest to `name` by Damerau–Levenshtein distance (ignoring case), when close
/// enough to be a likely typo: at most one edit for short names, a third of the length for longer
/// ones. Ties go to the first candidate.
pub fn closest<'a, I>(name: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let needle = name.trim().to_lowercase();
    if needle.is_empty() {
        return None;
    }
    let limit = (needle.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for c in candidates {
        let dist = strsim::damerau_levenshtein(&needle, &c.to_lowercase());
        if dist <= limit && best.is_none_or(|(b, _)| dist < b) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn a_one_letter_typo_is_suggested() {
        assert_eq!(closest("U0l2", ["U011", "U012", "U013"]), Some("U012"));
        assert_eq!(closest("S2", ["S1"]), Some("S1"));
        assert_eq!(
            closest("Gas Suplier", ["Gas Supplier", "Import Supplier"]),
            Some("Gas Supplier")
        );
    }

    #[test]
    fn nothing_close_gives_nothing() {
        assert_eq!(closest("XYZ999", ["U001", "U002"]), None);
        assert_eq!(closest("", ["U001"]), None);
    }
}
