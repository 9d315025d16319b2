//! Which characters may appear in a printed command, decided by the Unicode general category
//! (issue 12.4 asks for refusal by category, not by a hand list of code points).
//!
//! The categories come from the `unicode-general-category` crate (a dev-dependency: it does
//! not ship in the page), so the test does not share a table with the code it tests.

use unicode_general_category::{get_general_category, GeneralCategory};

/// The general category's two-letter abbreviation, e.g. `Cf`.
pub fn category(c: char) -> &'static str {
    get_general_category(c).abbreviation()
}

/// What a command may do with a character taken from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Treatment {
    /// Shown as it is: quoting it must keep it exactly.
    Quote,
    /// Shows as something else (a space, or nothing) but runs as itself; quoting it exactly or
    /// refusing the value are both right.
    Either,
    /// Displays differently from what runs (control, format, bidirectional, unassigned,
    /// private-use, line and paragraph separators, invisible fillers): never in a command.
    Refuse,
}

/// How a command must treat `c`.
///
/// Refused: the categories Cc, Cf, Cn, Co, Cs, Zl and Zp, and the Hangul fillers, which are
/// letters (Lo) that show as nothing and that Unicode lists as default-ignorable (issue 12.4
/// names them). Either: the space separators (Zs) other than U+0020, which look like a space
/// but are not one, and the default-ignorable marks (variation selectors, the combining
/// grapheme joiner), which change how the letter before them looks.
pub fn treatment(c: char) -> Treatment {
    // ASCII needs no table: only its control characters (Cc) are refused. (The table lookup
    // costs a microsecond in a debug build, and the suite looks at megabytes of values.)
    if c.is_ascii() {
        return if c.is_ascii_control() { Treatment::Refuse } else { Treatment::Quote };
    }
    match get_general_category(c) {
        GeneralCategory::Control
        | GeneralCategory::Format
        | GeneralCategory::Unassigned
        | GeneralCategory::PrivateUse
        | GeneralCategory::Surrogate
        | GeneralCategory::LineSeparator
        | GeneralCategory::ParagraphSeparator => Treatment::Refuse,
        _ if is_hangul_filler(c) => Treatment::Refuse,
        GeneralCategory::SpaceSeparator if c != ' ' => Treatment::Either,
        GeneralCategory::NonspacingMark if is_ignorable_mark(c) => Treatment::Either,
        _ => Treatment::Quote,
    }
}

/// The strictest treatment any character of `text` needs.
pub fn treatment_of(text: &str) -> Treatment {
    text.chars().map(treatment).max().unwrap_or(Treatment::Quote)
}

/// The characters of `text` that must never reach a command.
#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
pub fn refused_chars(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().filter(|&c| treatment(c) == Treatment::Refuse).collect();
    chars.sort_unstable();
    chars.dedup();
    chars
}

/// Hangul Choseong and Jungseong fillers, the Hangul filler and its halfwidth form.
fn is_hangul_filler(c: char) -> bool {
    matches!(c, '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}')
}

/// Default-ignorable nonspacing marks: the combining grapheme joiner, the Mongolian free
/// variation selectors and the variation selectors.
fn is_ignorable_mark(c: char) -> bool {
    matches!(c, '\u{034F}' | '\u{180B}'..='\u{180D}' | '\u{180F}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters that must not appear raw in what the CLI prints for people or tickets, nor in a
/// script's comments: every control character except the line feed (and the tab and carriage
/// return, which the renderers may use for layout), every format character (bidirectional
/// controls, zero-width characters, tags), line and paragraph separators, private-use and
/// unassigned code points (issue 12.3 and 12.4).
pub fn is_unprintable(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !matches!(c, '\n' | '\t' | '\r');
    }
    !matches!(c, '\n' | '\t' | '\r')
        && matches!(
            get_general_category(c),
            GeneralCategory::Control
                | GeneralCategory::Format
                | GeneralCategory::Unassigned
                | GeneralCategory::PrivateUse
                | GeneralCategory::Surrogate
                | GeneralCategory::LineSeparator
                | GeneralCategory::ParagraphSeparator
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_decide_the_treatment() {
        assert_eq!(treatment('a'), Treatment::Quote);
        assert_eq!(treatment('\''), Treatment::Quote);
        assert_eq!(treatment('\u{2019}'), Treatment::Quote);
        assert_eq!(treatment('\u{0430}'), Treatment::Quote, "Cyrillic a is a letter");
        assert_eq!(treatment('\n'), Treatment::Refuse);
        assert_eq!(treatment('\u{85}'), Treatment::Refuse, "NEL is a control character");
        assert_eq!(treatment('\u{202E}'), Treatment::Refuse);
        assert_eq!(treatment('\u{061C}'), Treatment::Refuse, "the Arabic letter mark is Cf");
        assert_eq!(treatment('\u{E0041}'), Treatment::Refuse, "tag characters are Cf");
        assert_eq!(treatment('\u{0378}'), Treatment::Refuse, "unassigned");
        assert_eq!(treatment('\u{E000}'), Treatment::Refuse, "private use");
        assert_eq!(treatment('\u{2028}'), Treatment::Refuse);
        assert_eq!(treatment('\u{3164}'), Treatment::Refuse, "Hangul filler");
        assert_eq!(treatment('\u{A0}'), Treatment::Either);
        assert_eq!(treatment('\u{FE0F}'), Treatment::Either);
        assert_eq!(treatment(' '), Treatment::Quote);
        assert_eq!(treatment_of("a\u{A0}b\u{200B}"), Treatment::Refuse);
        assert_eq!(refused_chars("a\u{200B}b\u{200B}\n"), vec!['\n', '\u{200B}']);
        assert!(is_unprintable('\u{1B}') && is_unprintable('\u{9B}') && !is_unprintable('\n'));
    }
}
