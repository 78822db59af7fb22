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
    let needle_len = needle.chars().count();
    let limit = (needle_len / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    // One buffer for the lowercased candidates. The distance is at least the difference in
    // length, so a candidate too much longer or shorter is passed over without computing it:
    // a register of a million Users asks this of tens of thousands of candidates at a time.
    let mut lowered = String::new();
    let needle_bag = needle.is_ascii().then(|| Bag::of(needle.as_bytes()));
    for c in candidates {
        if c.is_ascii() {
            if c.len().abs_diff(needle_len) > limit {
                continue;
            }
            lowered.clear();
            lowered.push_str(c);
            lowered.make_ascii_lowercase();
            if needle_bag
                .as_ref()
                .is_some_and(|bag| bag.distance(lowered.as_bytes()) > limit)
            {
                continue;
            }
        } else {
            lowered = c.to_lowercase();
            if lowered.chars().count().abs_diff(needle_len) > limit {
                continue;
            }
        }
        let dist = strsim::damerau_levenshtein(&needle, &lowered);
        if dist <= limit && best.is_none_or(|(b, _)| dist < b) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The letters of an ASCII name, counted: the bag distance between two names (the larger of the
/// counts of letters each has that the other lacks) is a lower bound on their Damerau–Levenshtein
/// distance (an insertion, deletion or substitution changes it by at most one, a transposition
/// not at all), and far cheaper, so most candidates are passed over on it alone.
pub(crate) struct Bag {
    counts: [u16; 128],
    len: usize,
}

impl Bag {
    /// The counts of an ASCII name's bytes (other bytes are folded in; pass ASCII only).
    pub(crate) fn of(bytes: &[u8]) -> Bag {
        let mut counts = [0u16; 128];
        for &b in bytes {
            let slot = &mut counts[usize::from(b & 0x7F)];
            *slot = slot.saturating_add(1);
        }
        Bag {
            counts,
            len: bytes.len(),
        }
    }

    /// The bag distance from this name to the ASCII name `other`: `other`'s letters are matched
    /// against a copy of the counts, in one pass over `other`.
    pub(crate) fn distance(&self, other: &[u8]) -> usize {
        let mut left = self.counts;
        let mut only_theirs = 0usize;
        for &b in other {
            let slot = &mut left[usize::from(b & 0x7F)];
            if *slot > 0 {
                *slot -= 1;
            } else {
                only_theirs += 1;
            }
        }
        let matched = other.len() - only_theirs;
        let only_mine = self.len.saturating_sub(matched);
        only_mine.max(only_theirs)
    }
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
    fn candidates_of_another_length_are_weighed_as_before() {
        // Two letters longer than a 6-letter name (limit 2): still a candidate.
        assert_eq!(closest("SRP-98", ["U00098", "SRP-9812"]), Some("SRP-9812"));
        // Three longer: too far, whatever its letters.
        assert_eq!(closest("SRP-98", ["SRP-98123"]), None);
        // Lowercasing before measuring, non-ASCII included.
        assert_eq!(closest("ÉNERGIE", ["énergie1"]), Some("énergie1"));
    }

    #[test]
    fn the_bag_distance_never_exceeds_the_edit_distance() {
        use super::Bag;
        for (a, b) in [
            ("srp-98", "u0000123"),
            ("u012", "u021"),
            ("abc", "abcd"),
            ("kitten", "sitting"),
            ("", "xyz"),
        ] {
            let bag = Bag::of(a.as_bytes()).distance(b.as_bytes());
            assert!(bag <= strsim::damerau_levenshtein(a, b), "{a} {b}");
        }
        assert_eq!(Bag::of(b"srp-98").distance(b"u0000123"), 8);
        assert_eq!(Bag::of(b"u012").distance(b"u021"), 0);
    }

    #[test]
    fn nothing_close_gives_nothing() {
        assert_eq!(closest("XYZ999", ["U001", "U002"]), None);
        assert_eq!(closest("", ["U001"]), None);
    }

    /// The suggestion as it was first written: every candidate lowercased and measured.
    fn closest_by_brute_force<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let needle = name.trim().to_lowercase();
        if needle.is_empty() {
            return None;
        }
        let limit = (needle.chars().count() / 3).max(1);
        let mut best: Option<(usize, &'a str)> = None;
        for &c in candidates {
            let dist = strsim::damerau_levenshtein(&needle, &c.to_lowercase());
            if dist <= limit && best.is_none_or(|(b, _)| dist < b) {
                best = Some((dist, c));
            }
        }
        best.map(|(_, c)| c)
    }

    proptest::proptest! {
        #[test]
        fn the_shortcuts_suggest_what_measuring_every_candidate_does(
            name in "[A-Za-z0-9É -]{0,9}",
            candidates in proptest::collection::vec("[A-Za-z0-9é -]{0,10}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(&name, candidates.iter().copied()),
                closest_by_brute_force(&name, &candidates)
            );
        }

        /// Names of a few letters, so that many candidates are close and ties are common.
        #[test]
        fn the_shortcuts_agree_on_names_that_are_close(
            name in "[abAB0É-]{1,7}",
            candidates in proptest::collection::vec("[abAB0é-]{0,8}", 0..12),
        ) {
            let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                closest(&name, candidates.iter().copied()),
                closest_by_brute_force(&name, &candidates)
            );
        }
    }
}
