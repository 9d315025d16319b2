//! The crate's one sort.
//!
//! Every `sort_by`, `sort_by_key` or collect into a `BTreeMap` of the standard library adds its
//! own copy of a sort, 2 to 8 KB of wasm each, and the page has no room for a dozen of them. The
//! lists sorted here are short (findings, sections, server names), so one merge sort that
//! compares through a `dyn` function serves them all, and each caller adds only a few lines.
//! Clippy refuses the standard sorts (clippy.toml); `tests/one_sort.rs` refuses the collects.

use std::cmp::Ordering;

/// The positions `0..len` in the order `cmp` (comparing two positions) gives; positions that
/// compare equal keep their order.
pub fn stable_order(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    // Most lists arrive in order already (the parsers read forward).
    if (1..len).all(|i| cmp(i - 1, i) != Ordering::Greater) {
        return order;
    }
    let mut merged = order.clone();
    let mut width = 1;
    while width < len {
        for start in (0..len).step_by(2 * width) {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // The right run's item goes first only when it is smaller, so equal items keep their order.
                let take_right = right < end && (left == middle || cmp(order[right], order[left]) == Ordering::Less);
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Sorts `items` by `cmp`, keeping equal items in their order, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    let order = stable_order(items.len(), &|a, b| cmp(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|at| slots[at].take()));
}

/// Sorts `items` by a key made once for each item, keeping equal items in their order, as
/// `slice::sort_by_cached_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = stable_order(items.len(), &|a, b| keys[a].cmp(&keys[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|at| slots[at].take()));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Equal to the standard library's stable sort on lists with many equal keys, in every
    /// length up to 70 (every run layout of the merge) and some longer ones.
    #[test]
    #[allow(clippy::disallowed_methods, reason = "the standard library's sort is what this one is checked against")]
    fn sorts_as_the_standard_library_does() {
        let mut seed = 0x9e37_79b9_u32;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            seed
        };
        for len in (0..70).chain([127, 128, 129, 1000]) {
            for modulus in [1, 3, 50] {
                let items: Vec<(u32, usize)> = (0..len).map(|i| (next() % modulus, i)).collect();
                let mut expected = items.clone();
                expected.sort_by_key(|&(key, _)| key);
                let mut by_cmp = items.clone();
                sort_by(&mut by_cmp, |a, b| a.0.cmp(&b.0));
                assert_eq!(by_cmp, expected, "sort_by, length {len}");
                let mut by_key = items.clone();
                sort_by_key(&mut by_key, |&(key, _)| key);
                assert_eq!(by_key, expected, "sort_by_key, length {len}");
            }
        }
    }
}
