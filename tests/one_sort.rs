//! The page has one sort (`src/sort.rs`): no code of the page collects into a `BTreeMap` or a
//! `BTreeSet`.
//!
//! Building one from an iterator (`collect`, `from_iter`, `from` an array) sorts the items first
//! with the standard library's sort, which adds a copy of a sort to the wasm for each type it
//! sorts. Clippy's `disallowed-methods` (clippy.toml) catches the sorts called by name, but not
//! this one: `collect` is `Iterator::collect` whatever it builds, and the sort hides in a trait
//! impl. So this test reads the page's code (`src/` and `wasm/src/`) for the ways of writing such
//! a collect: a turbofish, a `let` typed as a B-tree whose value ends in `collect()`, and the
//! constructors by name. A `collect()` whose B-tree type comes only from a function's return
//! type or a struct field escapes it; reviews catch those. Inserting one by one (`insert`,
//! `entry`, `extend`) does not sort, and is what the code does.

#[path = "support/sources.rs"]
mod sources;

use sources::rust_files;
use std::fs;
use std::path::Path;

/// The collects into a B-tree in `source`, by line number, comments left out.
fn btree_collects(source: &str) -> Vec<usize> {
    const NAMED: [&str; 6] = [
        "collect::<BTree",
        "collect::<std::collections::BTree",
        "BTreeMap::from_iter",
        "BTreeSet::from_iter",
        "BTreeMap::from(",
        "BTreeSet::from(",
    ];
    let code: Vec<&str> = source.lines().map(|line| line.split("//").next().unwrap_or_default()).collect();
    let mut found = Vec::new();
    for (i, line) in code.iter().enumerate() {
        let binding = line.split('=').next().unwrap_or_default();
        let typed_let = binding.contains("let ") && (binding.contains("BTreeMap<") || binding.contains("BTreeSet<"));
        // The statement runs to the first line with a semicolon.
        let end = code[i..].iter().position(|part| part.contains(';')).map_or(code.len(), |n| i + n + 1);
        if NAMED.iter().any(|name| line.contains(name))
            || (typed_let && code[i..end].iter().any(|part| part.contains(".collect()")))
        {
            found.push(i + 1);
        }
    }
    found
}

#[test]
fn no_code_of_the_page_collects_into_a_btree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut offences = Vec::new();
    let mut files = 0;
    for dir in [root.join("src"), root.join("wasm/src")] {
        for file in rust_files(&dir) {
            files += 1;
            let source = fs::read_to_string(&file).unwrap();
            for line in btree_collects(&source) {
                offences.push(format!("{}:{line}", file.strip_prefix(root).unwrap().display()));
            }
        }
    }
    assert!(files > 50, "the scan found only {files} files: the paths are wrong");
    assert!(
        offences.is_empty(),
        "collects into a BTreeMap or BTreeSet (each adds a sort to the page; insert one by one, or sort with crate::sort):\n{}",
        offences.join("\n")
    );
}

/// The scan finds each way of writing the collect, over several lines too, and nothing else.
#[test]
fn the_scan_finds_every_form_of_the_collect() {
    let offending = "\
let a = items.iter().collect::<BTreeMap<_, _>>();
let b: BTreeSet<&str> = names
    .iter()
    .map(|n| n.trim())
    .collect();
let c = BTreeMap::from_iter(pairs);
let d = BTreeSet::from([1, 2]);
fn e() { let e: std::collections::BTreeMap<u8, u8> = pairs.into_iter().collect(); }
";
    assert_eq!(btree_collects(offending), vec![1, 2, 6, 7, 8]);
    let fine = "\
let mut a: BTreeMap<String, usize> = BTreeMap::new();
a.insert(key, 1);
let names: Vec<&str> = set.iter().collect();
// let b = items.iter().collect::<BTreeMap<_, _>>();
let c: BTreeSet<String> = BTreeSet::new();
let d: Vec<_> = c.iter().collect();
";
    assert_eq!(btree_collects(fine), Vec::<usize>::new());
}
