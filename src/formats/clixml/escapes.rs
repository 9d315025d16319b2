//! Text as Clixml writes it: PowerShell's `_xHHHH_` escapes of characters XML cannot carry, and
//! XML's entity and character references.

use quick_xml::events::BytesRef;

/// Replaces PowerShell's `_xHHHH_` escapes by the characters they stand for; `None` when the
/// text has none, so that the caller keeps (or shares) the text it has.
///
/// A UTF-16 surrogate pair arrives as two escapes and becomes one character; a lone
/// surrogate becomes U+FFFD.
pub(super) fn decode_escapes(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = memchr::memmem::find(&bytes[i..], b"_x") {
        i += found;
        let Some(unit) = escape_at(bytes, i) else {
            i += 1;
            continue;
        };
        out.reserve(text.len());
        // An escape is ASCII only, so `i` and `copied` always sit on character boundaries.
        out.push_str(&text[copied..i]);
        i += 7;
        let character = if (0xD800..0xDC00).contains(&unit) {
            match escape_at(bytes, i) {
                Some(low) if (0xDC00..0xE000).contains(&low) => {
                    i += 7;
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => None,
            }
        } else {
            char::from_u32(unit)
        };
        out.push(character.unwrap_or('\u{FFFD}'));
        copied = i;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// `text` with its escapes decoded (see [`decode_escapes`]).
pub(super) fn unescaped(text: String) -> String {
    decode_escapes(&text).unwrap_or(text)
}

/// The UTF-16 code unit of an `_xHHHH_` escape that starts at byte `i`.
fn escape_at(bytes: &[u8], i: usize) -> Option<u32> {
    let escape = bytes.get(i..i + 7)?;
    if escape[0] != b'_' || escape[1] != b'x' || escape[6] != b'_' {
        return None;
    }
    escape[2..6].iter().try_fold(0u32, |unit, &digit| Some(unit * 16 + (digit as char).to_digit(16)?))
}

/// The text an entity or character reference (`&lt;`, `&#x41;`) stands for.
pub(super) fn resolve_reference(reference: &BytesRef) -> String {
    match reference.resolve_char_ref() {
        Ok(Some(character)) => return character.to_string(),
        Ok(None) => {}
        Err(_) => return '\u{FFFD}'.to_string(),
    }
    match reference.as_ref() {
        b"lt" => "<".into(),
        b"gt" => ">".into(),
        b"amp" => "&".into(),
        b"quot" => "\"".into(),
        b"apos" => "'".into(),
        // Clixml declares no other entities; keep an unknown one as it was written.
        other => format!("&{};", String::from_utf8_lossy(other)),
    }
}
