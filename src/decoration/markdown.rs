//! The Markdown marks a copy puts around shell output: code fences, images, list bullets and
//! bold; see [`super`] for how they are taken off.

use crate::source::{is_blank, trim, trim_end};

/// True for a line that may start with a quote mark, a fence, an image, a bullet or bold.
pub(super) fn starts_like_mark(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    let indent = line.len() - t.len();
    match t.as_bytes() {
        [b'>', ..] => indent <= 3,
        [b'`', b'`', b'`', ..] | [b'~', b'~', b'~', ..] | [b'!', b'[', ..] => true,
        [b'*', b'*', ..] => !is_star_rule(t),
        _ => indent <= 3 && bullet_len(t) > 0,
    }
}

/// The line without its Markdown bold marks, or `None` when it has none. A mark is exactly two
/// stars: an opening one at the start of a word (after the line's start or a space, before a
/// letter, a digit or an opening bracket or quote) or a closing one at the end of a word (after a
/// letter, a digit or a closing bracket or quote, before the line's end, a space or punctuation).
/// A bold value wrapped onto the next line opens on one line and closes on the other, so the two
/// are not paired. Stars inside a value (`8490765C4C47D81***E2F46`, `CN=*****`, `CN=**`, a
/// wildcard `Office 365*`) are the value's own and stay.
pub(super) fn without_bold(line: &str) -> Option<String> {
    if !line.contains("**") || is_star_rule(line) {
        return None;
    }
    let bytes = line.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let marks: Vec<usize> = (0..bytes.len().saturating_sub(1))
        .filter(|&i| {
            if bytes[i] != b'*'
                || bytes[i + 1] != b'*'
                || (i > 0 && bytes[i - 1] == b'*')
                || bytes.get(i + 2) == Some(&b'*')
            {
                return false;
            }
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + 2).copied();
            let opens = before.is_none_or(|b| b == b' ' || b == b'\t' || b"{([".contains(&b))
                && after.is_some_and(|b| word(b) || b"<({[\"'`".contains(&b));
            let closes = before.is_some_and(|b| word(b) || b")}]>\"'`.".contains(&b))
                && after.is_none_or(|b| b == b' ' || b == b'\t' || b",.:;)]}".contains(&b));
            opens || closes
        })
        .collect();
    if marks.is_empty() {
        return None;
    }
    let mut plain = String::with_capacity(line.len());
    let mut from = 0;
    for at in marks {
        plain.push_str(&line[from..at]);
        from = at + 2;
    }
    plain.push_str(&line[from..]);
    Some(plain)
}

/// A line of a `Start-Transcript` header's frame: asterisks only.
pub(super) fn is_star_rule(line: &str) -> bool {
    let line = trim(line);
    !line.is_empty() && line.bytes().all(|b| b == b'*')
}

/// An open code fence.
pub(super) struct Fence {
    marker: u8,
    len: usize,
    /// The fence line's own indentation, which its content lines lose too (as in CommonMark).
    pub(super) indent: usize,
    /// The quote depth it was opened at; a line quoted less deeply closes it.
    pub(super) depth: usize,
}

/// The fence a line opens: three or more backticks or tildes, then an optional info string
/// (`powershell`, `ps1`, `text`) that, after backticks, holds no backtick.
pub(super) fn opens(text: &str, depth: usize) -> Option<Fence> {
    let t = text.trim_start_matches(' ');
    let marker = *t.as_bytes().first().filter(|&&b| b == b'`' || b == b'~')?;
    let len = t.bytes().take_while(|&b| b == marker).count();
    let info = &t[len..];
    (len >= 3 && !(marker == b'`' && info.contains('`'))).then_some(Fence {
        marker,
        len,
        indent: text.len() - t.len(),
        depth,
    })
}

/// Whether a line closes `fence`: at least as many of its markers, then nothing.
pub(super) fn closes(text: &str, fence: &Fence) -> bool {
    let t = text.trim_start_matches(' ');
    let len = t.bytes().take_while(|&b| b == fence.marker).count();
    len >= fence.len && is_blank(&t[len..])
}

/// A Markdown image on a line of its own: `![alt](address)`.
pub(super) fn is_image(text: &str) -> bool {
    let t = trim_end(text.trim_start_matches(' '));
    t.starts_with("![") && t.ends_with(')') && t.contains("](")
}

/// The length of a list bullet at the start of `t` with the space after it (`- `, `* `, `1. `,
/// `1) `), or 0. A table underline (`- ----`) is no bullet.
pub(super) fn bullet_len(t: &str) -> usize {
    let bytes = t.as_bytes();
    let len = match bytes {
        [b'-' | b'*', b' ', ..] => 2,
        _ => {
            let digits = bytes.iter().take(9).take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits..digits + 2) {
                Some([b'.' | b')', b' ']) if digits > 0 => digits + 2,
                _ => return 0,
            }
        }
    };
    let is_underline = t.bytes().all(|b| b == b'-' || b == b' ');
    if is_underline || is_blank(&t[len..]) {
        0
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::without_bold;

    #[test]
    fn only_pairs_around_text_are_bold_marks() {
        assert_eq!(
            without_bold("**Identity**              : EX01\\Default").as_deref(),
            Some("Identity              : EX01\\Default")
        );
        assert_eq!(without_bold("Server : **EX01**, **EX02**").as_deref(), Some("Server : EX01, EX02"));
        assert_eq!(without_bold("Thumbprint    : 8490765C4C47D81***E2F46BEBB98EF9084A3B"), None);
        assert_eq!(without_bold("Issuer        : CN=*****, O=*****, C=GB"), None);
        assert_eq!(without_bold("Get-SendConnector \"Outbound*\" | fl"), None);
        assert_eq!(without_bold("a ** b"), None);
        assert_eq!(
            without_bold("SourceTransportServers   : {MBX01, **MBX02**}").as_deref(),
            Some("SourceTransportServers   : {MBX01, MBX02}")
        );
        assert_eq!(without_bold("Issuer : CN=**, O=**"), None);
        assert_eq!(
            without_bold("TlsCertificateName    : **<I>CN=GeoTrust").as_deref(),
            Some("TlsCertificateName    : <I>CN=GeoTrust")
        );
        assert_eq!(
            without_bold("                        C=US<S>CN=owa.adventure-works.com, C=US**").as_deref(),
            Some("                        C=US<S>CN=owa.adventure-works.com, C=US")
        );
    }
}
