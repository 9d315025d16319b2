//! The table of hidden characters (`src/hidden.rs`) against the Unicode Character Database.
//!
//! The general categories come from the `unicode-general-category` crate (a dev-dependency, so it
//! never ships in the page); the Default_Ignorable_Code_Point additions are the two small
//! properties of PropList.txt named below. Run with `UPDATE_HIDDEN=1` to write the table afresh
//! after a Unicode update, then read the diff.

use hybridcheck::internals::{escape, is_hidden, RANGES};
use unicode_general_category::{get_general_category, GeneralCategory as G};

/// Other_Default_Ignorable_Code_Point (PropList.txt, Unicode 16.0).
const OTHER_DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x034F, 0x034F),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x2065, 0x2065),
    (0x3164, 0x3164),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0000),
    (0xE0002, 0xE001F),
    (0xE0080, 0xE00FF),
    (0xE01F0, 0xE0FFF),
];

/// Variation_Selector (PropList.txt, Unicode 16.0).
const VARIATION_SELECTORS: &[(u32, u32)] = &[(0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF)];

fn expected(code: u32) -> bool {
    let in_ranges = |ranges: &[(u32, u32)]| ranges.iter().any(|&(a, b)| (a..=b).contains(&code));
    let category = match char::from_u32(code) {
        Some(c) => get_general_category(c),
        None => return true,
    };
    matches!(category, G::Control | G::Format | G::Surrogate | G::PrivateUse | G::Unassigned)
        || matches!(category, G::LineSeparator | G::ParagraphSeparator)
        || (category == G::SpaceSeparator && code != 0x20)
        || in_ranges(OTHER_DEFAULT_IGNORABLE)
        || in_ranges(VARIATION_SELECTORS)
}

fn ranges() -> Vec<(u32, u32)> {
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for code in 0..=0x10FFFFu32 {
        // Surrogates are not `char`s, so `is_hidden` never meets them; they stay in the table
        // (category Cs) because that keeps the neighbouring ranges whole.
        if !expected(code) {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if last.1 + 1 == code => last.1 = code,
            _ => ranges.push((code, code)),
        }
    }
    ranges
}

#[test]
fn table_matches_the_unicode_character_database() {
    let want = ranges();
    if std::env::var_os("UPDATE_HIDDEN").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/hidden.rs");
        let source = std::fs::read_to_string(&path).unwrap();
        let (head, rest) = source.split_once("    // BEGIN GENERATED\n").unwrap();
        let (_, tail) = rest.split_once("    // END GENERATED\n").unwrap();
        let mut table = String::new();
        for chunk in want.chunks(4) {
            let row: Vec<String> = chunk.iter().map(|(a, b)| format!("(0x{a:04X}, 0x{b:04X}),")).collect();
            table.push_str(&format!("    {}\n", row.join(" ")));
        }
        std::fs::write(&path, format!("{head}    // BEGIN GENERATED\n{table}    // END GENERATED\n{tail}")).unwrap();
        return;
    }
    assert_eq!(RANGES, want.as_slice(), "src/hidden.rs is out of date; run with UPDATE_HIDDEN=1");
    for code in 0..=0x10FFFFu32 {
        if let Some(c) = char::from_u32(code) {
            assert_eq!(is_hidden(c), expected(code), "U+{code:04X}");
        }
    }
}

#[test]
fn the_characters_named_in_the_attack_reports_are_hidden() {
    for c in [
        '\u{1b}',
        '\u{0}',
        '\u{7f}',
        '\u{85}',
        '\u{9b}',
        '\u{a0}',
        '\u{200b}',
        '\u{200e}',
        '\u{202e}',
        '\u{2028}',
        '\u{2029}',
        '\u{2066}',
        '\u{061c}',
        '\u{3164}',
        '\u{115f}',
        '\u{ffa0}',
        '\u{feff}',
        '\u{e0001}',
        '\u{e0041}',
        '\u{e007f}',
        '\u{fe0f}',
        '\u{e000}',
        '\u{f0000}',
        '\u{3000}',
    ] {
        assert!(is_hidden(c), "U+{:04X} must be hidden", u32::from(c));
    }
    for c in ['a', ' ', '\'', '\u{2019}', '`', '$', 'é', 'Ñ', 'а', '日', '\u{301}', '😀'] {
        assert!(!is_hidden(c), "U+{:04X} must not be hidden", u32::from(c));
    }
}

#[test]
fn escape_shows_each_hidden_character_by_its_code_point() {
    assert_eq!(escape("EX01\u{1b}[2KFix"), "EX01\\u{1b}[2KFix");
    assert_eq!(escape("a\u{202e}b\u{e0041}"), "a\\u{202e}b\\u{e0041}");
    assert!(matches!(escape("plain Réception"), std::borrow::Cow::Borrowed(_)));
}
