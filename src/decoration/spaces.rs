//! The no-break spaces (U+00A0) that a web page, a rich-text mail or a ticket puts where the
//! console printed spaces.
//!
//! HTML collapses runs of spaces, so an editor that keeps a pasted layout writes them as `&nbsp;`,
//! either all of them or every other one (`&nbsp; &nbsp;`), and the copy taken back from the
//! page holds U+00A0 in the label padding, in the indentation of continuation lines and around
//! the ` : ` separator. The console never prints one there, so there they are spaces again.
//!
//! A no-break space alone between two words (`Default\u{a0}Frontend`) is left as it is: it may be
//! the value's own character, and a value holding one is shown escaped and never quoted in a
//! command. Turning it into a space would be a guess about an identity.

use std::borrow::Cow;

const NBSP: char = '\u{a0}';

/// Whether the text holds a no-break space at all: one scan of the whole input, so that a paste
/// without any costs no more than that.
pub(super) fn has_nbsp(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), "\u{a0}".as_bytes()).is_some()
}

/// The line with its layout's no-break spaces turned into spaces (see the module documentation),
/// borrowed when it has none to turn.
pub(super) fn layout_nbsp_as_spaces(line: &str) -> Cow<'_, str> {
    if !line.contains(NBSP) {
        return Cow::Borrowed(line);
    }
    let chars: Vec<char> = line.chars().collect();
    let white = |i: Option<usize>| i.and_then(|i| chars.get(i)).is_none_or(|&c| c == ' ' || c == '\t' || c == NBSP);
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        let (before, after) = (i.checked_sub(1), i + 1);
        let layout = c == NBSP && (white(before) || white(Some(after)) || beside_separator(&chars, i));
        out.push(if layout { ' ' } else { c });
    }
    Cow::Owned(out)
}

/// Whether the no-break space at `i` is one side of a ` : ` separator whose other side is white
/// space (or the end of the line): `Name\u{a0}:\u{a0}value`.
fn beside_separator(chars: &[char], i: usize) -> bool {
    let white = |c: Option<&char>| c.is_none_or(|&c| c == ' ' || c == NBSP);
    let before_colon = chars.get(i + 1) == Some(&':') && white(chars.get(i + 2));
    let after_colon = i >= 2 && chars[i - 1] == ':' && white(chars.get(i - 2));
    before_colon || after_colon
}

#[cfg(test)]
mod tests {
    use super::layout_nbsp_as_spaces;

    #[test]
    fn layout_no_break_spaces_become_spaces_and_single_ones_in_a_value_stay() {
        let n = '\u{a0}';
        let alternating = format!("Identity{n} {n} {n} : EX01\\Default Frontend EX01");
        assert_eq!(layout_nbsp_as_spaces(&alternating), "Identity      : EX01\\Default Frontend EX01");
        let all = format!("Name{n}{n}{n}:{n}Default{n}Frontend{n}EX01{n}");
        assert_eq!(layout_nbsp_as_spaces(&all), format!("Name   : Default{n}Frontend{n}EX01 "));
        let indented = format!("{n}{n}{n}{n}DC=com<S>CN=mail.protection.outlook.com,{n}");
        assert_eq!(layout_nbsp_as_spaces(&indented), "    DC=com<S>CN=mail.protection.outlook.com, ");
        assert_eq!(layout_nbsp_as_spaces("Name : plain"), "Name : plain");
        let url = format!("See{n}https://aka.ms/x:{n}now");
        assert_eq!(layout_nbsp_as_spaces(&url), url);
    }
}
