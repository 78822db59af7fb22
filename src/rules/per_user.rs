//! Results kept per User ([`PerUser`]): the audit's schedules and findings, in report order.

use std::ops::Index;

/// A list made of each User's list, one after the other, in report order. The rules build each
/// User's results on their own; putting them into one list of all of them meant a second copy
/// of every result while it was built, and that copy, made on one thread and into fresh memory,
/// was a quarter of the rules stage of a large register. Read it like a slice: [`PerUser::len`],
/// [`PerUser::iter`], indexing by position in the whole list.
#[derive(Debug, Clone)]
pub struct PerUser<T> {
    lists: Vec<Vec<T>>,
    /// `starts[i]` is the position of `lists[i]`'s first element in the whole list; the last
    /// entry is the length of the whole list.
    starts: Vec<usize>,
}

impl<T> PerUser<T> {
    /// The lists, one after the other (empty lists are dropped).
    pub fn new(lists: impl IntoIterator<Item = Vec<T>>) -> PerUser<T> {
        let lists: Vec<Vec<T>> = lists.into_iter().filter(|l| !l.is_empty()).collect();
        let mut starts = Vec::with_capacity(lists.len() + 1);
        let mut at = 0;
        starts.push(at);
        for list in &lists {
            at += list.len();
            starts.push(at);
        }
        PerUser { lists, starts }
    }

    /// How many elements all the lists hold.
    pub fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every element, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + Clone + '_ {
        self.lists.iter().flatten()
    }

    pub fn first(&self) -> Option<&T> {
        self.lists.first().and_then(|l| l.first())
    }

    pub fn last(&self) -> Option<&T> {
        self.lists.last().and_then(|l| l.last())
    }

    /// The element at position `k` of the whole list.
    pub fn get(&self, k: usize) -> Option<&T> {
        if k >= self.len() {
            return None;
        }
        // The last list starting at or before `k` holds it.
        let list = self.starts.partition_point(|&s| s <= k) - 1;
        self.lists[list].get(k - self.starts[list])
    }

    /// The non-empty lists, in order (each one User's, or several Users' with the same id).
    pub fn lists(&self) -> &[Vec<T>] {
        &self.lists
    }
}

/// Equal when the elements are, however they are split into lists.
impl<T: PartialEq> PartialEq for PerUser<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for PerUser<T> {}

impl<T> Default for PerUser<T> {
    fn default() -> Self {
        PerUser::new(Vec::new())
    }
}

impl<T> From<Vec<T>> for PerUser<T> {
    /// One list.
    fn from(list: Vec<T>) -> Self {
        PerUser::new([list])
    }
}

impl<T> Index<usize> for PerUser<T> {
    type Output = T;

    fn index(&self, k: usize) -> &T {
        match self.get(k) {
            Some(t) => t,
            None => panic!("index {k} out of range for a list of {}", self.len()),
        }
    }
}

impl<'a, T> IntoIterator for &'a PerUser<T> {
    type Item = &'a T;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Vec<T>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.lists.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_like_the_lists_one_after_the_other() {
        let p = PerUser::new([vec![1, 2], vec![], vec![3], vec![4, 5, 6]]);
        let flat = vec![1, 2, 3, 4, 5, 6];
        assert_eq!(p.len(), 6);
        assert!(!p.is_empty());
        assert_eq!(p.iter().copied().collect::<Vec<_>>(), flat);
        assert_eq!(
            p.iter().rev().copied().collect::<Vec<_>>(),
            [6, 5, 4, 3, 2, 1]
        );
        assert_eq!((&p).into_iter().count(), 6);
        for (k, v) in flat.iter().enumerate() {
            assert_eq!(p.get(k), Some(v));
            assert_eq!(p[k], *v);
        }
        assert_eq!(p.get(6), None);
        assert_eq!((p.first(), p.last()), (Some(&1), Some(&6)));
        assert_eq!(p.lists().len(), 3, "empty lists are dropped");
    }

    #[test]
    fn empty() {
        let p: PerUser<u8> = PerUser::new([vec![], vec![]]);
        assert_eq!(p.len(), 0);
        assert!(p.is_empty());
        assert_eq!(p.get(0), None);
        assert_eq!((p.first(), p.last()), (None, None));
        assert_eq!(p.iter().count(), 0);
        assert_eq!(PerUser::<u8>::default(), p);
        assert_eq!(PerUser::from(vec![7u8]).get(0), Some(&7));
        assert_eq!(
            PerUser::new([vec![1, 2], vec![3]]),
            PerUser::new([vec![1], vec![2, 3]]),
            "equal by their elements"
        );
    }
}
