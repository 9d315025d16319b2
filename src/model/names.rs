//! A set of property names, compared without regard to case as PowerShell compares them, built at
//! compile time from the lists of names the views read (see [`super::is_read`]).
//!
//! The parsers ask the set about every property of every object of a paste (every property of a
//! 100 MB ConvertTo-Json), so asking must cost no more than a few comparisons: the set is an
//! open-addressed hash table of 256 slots for some 60 names, hashed on the length and three of
//! the name's bytes. A name that is not in the set usually lands on an empty slot or on a name of
//! another length, and is turned away without reading it.

/// The number of slots, a power of two. At most half of them may hold a name, so that a probe
/// stays short and always ends at an empty slot.
const SLOTS: usize = 256;

/// Property names, each once whatever its case.
pub struct NameSet {
    /// Each name in the slot of its hash or after it; the empty string is an empty slot.
    slots: [&'static str; SLOTS],
    /// The length of the longest name: a longer one is turned away at once.
    longest: usize,
}

impl NameSet {
    /// The set of every name in `lists`. A list may repeat a name of another list, in any case.
    /// Fails the build when the names would fill more than half of the slots.
    pub const fn new(lists: &[&[&'static str]]) -> NameSet {
        let mut slots = [""; SLOTS];
        let (mut longest, mut count) = (0, 0);
        let mut l = 0;
        while l < lists.len() {
            let list = lists[l];
            let mut i = 0;
            while i < list.len() {
                let name = list[i];
                assert!(!name.is_empty(), "a property name is empty");
                let mut slot = hash(name.as_bytes());
                loop {
                    if slots[slot].is_empty() {
                        slots[slot] = name;
                        count += 1;
                        break;
                    }
                    if same(slots[slot].as_bytes(), name.as_bytes()) {
                        break;
                    }
                    slot = (slot + 1) % SLOTS;
                }
                if name.len() > longest {
                    longest = name.len();
                }
                i += 1;
            }
            l += 1;
        }
        assert!(count * 2 <= SLOTS, "too many property names for the table: raise SLOTS");
        NameSet { slots, longest }
    }

    /// True when the set holds `name`, compared without regard to ASCII case.
    pub fn contains(&self, name: &str) -> bool {
        if name.is_empty() || name.len() > self.longest {
            return false;
        }
        let mut slot = hash(name.as_bytes());
        loop {
            let held = self.slots[slot];
            if held.is_empty() {
                return false;
            }
            if held.len() == name.len() && held.eq_ignore_ascii_case(name) {
                return true;
            }
            slot = (slot + 1) % SLOTS;
        }
    }

    /// Every name in the set, in slot order.
    #[cfg(test)]
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.slots.iter().copied().filter(|name| !name.is_empty())
    }
}

/// The slot a name starts from: its length, first, middle and last byte, with ASCII letters in
/// lower case, mixed by a multiplication. Not empty: callers turn the empty name away first.
const fn hash(name: &[u8]) -> usize {
    let len = name.len();
    let key = (len as u32) | lower(name, 0) << 8 | lower(name, len / 2) << 16 | lower(name, len - 1) << 24;
    (key.wrapping_mul(0x9E37_79B1) >> (32 - SLOTS.trailing_zeros())) as usize
}

/// The byte at `at`, an ASCII letter in lower case.
const fn lower(name: &[u8], at: usize) -> u32 {
    name[at].to_ascii_lowercase() as u32
}

/// `eq_ignore_ascii_case` for the build of the table (the method is not `const`).
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const SET: NameSet = NameSet::new(&[&["Identity", "TlsDomainCapabilities", "Fqdn"], &["identity", "Name"]]);

    #[test]
    fn holds_each_name_once_in_any_case() {
        let mut names: Vec<&str> = SET.names().collect();
        crate::sort::sort_by(&mut names, |a, b| a.cmp(b));
        assert_eq!(names, ["Fqdn", "Identity", "Name", "TlsDomainCapabilities"]);
        for name in ["identity", "IDENTITY", "tlsdomaincapabilities", "FQDN", "name"] {
            assert!(SET.contains(name), "{name}");
        }
        for name in
            ["", "Identit", "Identityy", "TlsDomainCapabilitie", "Fqdm", "Comment", "N", "x".repeat(300).as_str()]
        {
            assert!(!SET.contains(name), "{name}");
        }
    }
}
