//! Values a paste hides on purpose. Admins asking for help in a forum, a ticket or a mail often
//! replace names before they paste: `cert name`, `{server names}`, `<redacted>`, `xxx`, `***`,
//! `<I>CN=issuer<S>CN=subject`. Such a value is not a configuration error, and no command may
//! be built from it; the rules ask here whether a value looks hidden, and say so instead of
//! judging it. They ask where a value would otherwise be reported or compared and found
//! different, not of every value they read (a large paste names one certificate thousands of
//! times), so a placeholder that fits the value's form and is only ever compared with itself is
//! read like a name.
//!
//! Only what can never be the real value counts as hidden:
//! - a word in angle brackets other than the `<I>` and `<S>` markers of a certificate name and
//!   an address (`<servername>`, `<your cert>`);
//! - a word that says it was hidden (`redacted`, `REMOVED`, `[hidden]`);
//! - mask characters: a word of only `x` (`xxx`, `XXXX`), two or more `*` or `#` in a row
//!   (`8490765C4C47D81***E2F4`); a single `*` is a wildcard, a single `x` a letter, a word with
//!   x's among other letters a name (`xxxlutz`), and runs of `?` are what Export-Csv's ASCII
//!   makes of letters it cannot write;
//! - the field's own name instead of its value (`cert name`, `server names`, `CN=subject`).
//!
//! Example names that real organisations and labs also use are real names: `contoso.com`,
//! `fabrikam.com`, `mail.domain.com` and `EX01` are judged like any other value (a consistent
//! placeholder still lets the rules compare objects, and a lab may be called Contoso).

use crate::formats::Value;

/// Words that say the value was hidden, wherever they stand in it (`mail.REDACTED.com`); 6 to
/// 11 letters, as [`DESCRIPTION_WORDS`] (`hidden_part` skips other words by their length).
const HIDING_WORDS: &[&str] =
    &["redacted", "anonymized", "anonymised", "obfuscated", "censored", "sanitized", "sanitised", "masked", "snipped"];

/// Words that say the value was hidden only when they are the whole field (`[removed]`): as a
/// part of a name they may be real (`hidden-relay`).
const HIDING_FIELDS: &[&str] = &["removed", "hidden", "omitted", "snip", "notshown"];

/// Descriptions that stand where the value belongs, compared without case, spaces, `-` or `_`:
/// the whole field (`CN=subject`, `{server names}`); 4 to 18 letters, as [`HIDING_FIELDS`].
const DESCRIPTIONS: &[&str] = &[
    "certname",
    "certificatename",
    "certificatesubject",
    "certificateissuer",
    "mycert",
    "mycertificate",
    "yourcert",
    "yourcertificate",
    "issuer",
    "issuername",
    "subject",
    "subjectname",
    "servername",
    "servernames",
    "myserver",
    "yourserver",
    "hostname",
    "hostnames",
    "fqdn",
    "yourfqdn",
    "domainname",
    "yourdomain",
    "mydomain",
    "thumbprint",
    "tenantname",
    "yourtenant",
    "companyname",
    "yourcompany",
    "organizationname",
    "orgname",
];

/// Descriptions that are a placeholder also as one word of a name (`mail.yourdomain.com`).
const DESCRIPTION_WORDS: &[&str] = &["yourdomain", "mydomain", "yourcompany", "yourtenant", "servername", "hostname"];

/// The part of `text` that looks hidden, as the paste shows it, or `None` when the text looks
/// like a real value. Every identity and certificate name of a paste of thousands of connectors
/// is asked, so the text is walked once, byte by byte (the separators are ASCII): each word and
/// field is measured on the way, and compared with the lists only when its length fits one of
/// their entries. Nothing is allocated unless a part looks hidden.
pub fn hidden_part(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    if memchr::memchr3(b'<', b'[', b'(', bytes).is_some() {
        if let Some(bracketed) = bracketed_placeholder(text).or_else(|| bracketed_note(text)) {
            return Some(bracketed);
        }
    }
    let (mut field_start, mut field_length) = (0, 0);
    let (mut word_start, mut all_x, mut mask_run) = (0, true, false);
    for i in 0..=bytes.len() {
        // The end of the text ends the last word and field.
        let b = bytes.get(i).copied().unwrap_or(b',');
        let class = CLASSES[usize::from(b)];
        if class & (FIELD_END | WORD_END) != 0 {
            let word = &text[word_start..i];
            let hiding = (6..=11).contains(&word.len())
                && HIDING_WORDS.iter().chain(DESCRIPTION_WORDS).any(|w| word.eq_ignore_ascii_case(w));
            if hiding || mask_run || (all_x && word.len() >= 2) {
                return Some(word.to_owned());
            }
            (word_start, all_x, mask_run) = (i + 1, true, false);
        } else {
            all_x &= class & X != 0;
            mask_run |= class & MASK != 0 && i > word_start && bytes[i - 1] == b;
        }
        if class & FIELD_END != 0 {
            // Most fields are longer or shorter than any description: their folded length decides.
            if (4..=18).contains(&field_length) {
                let field = crate::source::trim(&text[field_start..i]);
                if DESCRIPTIONS.iter().chain(HIDING_FIELDS).any(|d| d.len() == field_length && folded_eq(field, d)) {
                    return Some(field.to_owned());
                }
            }
            (field_start, field_length) = (i + 1, 0);
        } else if class & NOT_FOLDED == 0 {
            field_length += 1;
        }
    }
    None
}

/// What a byte is to [`hidden_part`], as bits: it ends a field, it ends a word, folding leaves
/// it out, it is an `x`, it is a mask character. One table look-up per byte instead of a chain
/// of comparisons; the separators are all ASCII, so a byte of a longer character is none of them.
const FIELD_END: u8 = 1;
const WORD_END: u8 = 2;
const NOT_FOLDED: u8 = 4;
const X: u8 = 8;
const MASK: u8 = 16;
const CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mut class = 0;
        if is_field_separator(byte) {
            class |= FIELD_END;
        }
        if is_word_separator(byte) {
            class |= WORD_END;
        }
        if byte.is_ascii_whitespace() || byte == b'-' || byte == b'_' {
            class |= NOT_FOLDED;
        }
        if byte == b'x' || byte == b'X' {
            class |= X;
        }
        if byte == b'*' || byte == b'#' {
            class |= MASK;
        }
        classes[b] = class;
        b += 1;
    }
    classes
};

/// The non-empty pieces of `text` between the bytes `separator` takes, all of them ASCII.
fn pieces(text: &str, separator: fn(u8) -> bool) -> impl Iterator<Item = &str> {
    // Splitting at ASCII bytes never cuts a character in two.
    text.as_bytes().split(move |b| separator(*b)).filter(|piece| !piece.is_empty()).map(|piece| {
        let start = piece.as_ptr() as usize - text.as_ptr() as usize;
        &text[start..start + piece.len()]
    })
}

/// True when some part of `text` looks hidden (see [`hidden_part`]).
pub fn looks_hidden(text: &str) -> bool {
    hidden_part(text).is_some()
}

/// The part of a property's value that looks hidden: its text, an item of its list, or a
/// field of an object (raw ConvertTo-Json writes a certificate name as an object).
pub fn hidden_in(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) => hidden_part(text),
        Value::List(items) => items.iter().find_map(hidden_in),
        Value::Object(object) => object
            .display
            .as_deref()
            .and_then(hidden_part)
            .or_else(|| object.props.iter().find_map(|p| hidden_in(&p.value))),
        Value::Null | Value::Lost(_) => None,
    }
}

/// A few plain words in angle brackets that are not a certificate name's `<I>`/`<S>` marker:
/// `<servername>`, `<redacted>`, `<your cert>`. Markdown's escaped `\<` counts too; an address
/// (`<anna@contoso.com>`) and markup (`<img src=x>`) do not.
fn bracketed_placeholder(text: &str) -> Option<String> {
    // Text with a closing or empty tag is markup, whatever its opening tag reads.
    if text.contains("</") || text.contains("/>") {
        return None;
    }
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(['>', '<']) else { break };
        if after.as_bytes()[close] == b'>' {
            let inner = after[..close].trim();
            let marker = inner.eq_ignore_ascii_case("i") || inner.eq_ignore_ascii_case("s");
            // A placeholder is a few plain words; markup (`<img src=x>`) and addresses are not.
            let plain = inner.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b' ' | b'-' | b'_' | b'.'));
            if plain && !marker && inner.split_whitespace().count() <= 4 && (2..=40).contains(&inner.len()) {
                return Some(format!("<{inner}>"));
            }
        }
        rest = &after[close..];
    }
    None
}

/// A short note in square brackets or parentheses that says something was hidden: `[partner
/// removed]`, `(name hidden)`. A longer one, or one with a number, is more likely part of a
/// real name (`Default Frontend EX01 (hub removed 2019)`).
fn bracketed_note(text: &str) -> Option<String> {
    for (open, close) in [('[', ']'), ('(', ')')] {
        let mut rest = text;
        while let Some(start) = rest.find(open) {
            let after = &rest[start + 1..];
            let Some(end) = after.find(close) else { break };
            let inner = &after[..end];
            let short = inner.split_whitespace().count() <= 3 && !inner.bytes().any(|b| b.is_ascii_digit());
            let hides = short
                && pieces(inner, is_word_separator)
                    .any(|word| HIDING_WORDS.iter().chain(HIDING_FIELDS).any(|w| word.eq_ignore_ascii_case(w)));
            if hides {
                return Some(format!("{open}{inner}{close}"));
            }
            rest = &after[end..];
        }
    }
    None
}

/// Where one field of a value ends: list items, the parts of a distinguished name, an
/// identity's server and name, brackets and quotes.
const fn is_field_separator(b: u8) -> bool {
    matches!(
        b,
        b',' | b'=' | b';' | b'\\' | b'{' | b'}' | b'[' | b']' | b'(' | b')' | b'<' | b'>' | b'"' | b'\'' | b'|'
    )
}

/// Where one word of a field ends: host name labels, spaces, addresses, ports.
const fn is_word_separator(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'.' | b':' | b'@' | b'/' | b'-' | b'_')
}

/// True when `field` is `folded` (lower case ASCII) once white space, `-` and `_` are left out
/// and ASCII letters are lowered: `Cert-Name` and `cert name` are `certname`.
fn folded_eq(field: &str, folded: &str) -> bool {
    let mut kept = field.bytes().filter(|b| !b.is_ascii_whitespace() && *b != b'-' && *b != b'_');
    let mut wanted = folded.bytes();
    loop {
        match (kept.next(), wanted.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.to_ascii_lowercase() == b => {}
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `hidden_part` passes over words and fields by their length; the lists must fit.
    #[test]
    fn the_lists_have_the_lengths_hidden_part_looks_at() {
        for word in HIDING_WORDS.iter().chain(DESCRIPTION_WORDS) {
            assert!((6..=11).contains(&word.len()), "{word}");
        }
        for field in DESCRIPTIONS.iter().chain(HIDING_FIELDS) {
            assert!((4..=18).contains(&field.len()), "{field}");
        }
    }

    #[test]
    fn placeholders_are_hidden() {
        for (text, hidden) in [
            ("cert name", "cert name"),
            ("{server names}", "server names"),
            ("<redacted>", "<redacted>"),
            ("<I>CN=xxx<S>CN=xxx", "xxx"),
            ("<I>CN=XXXX, O=XXXX, C=US<S>CN=mail.XXXX.com", "XXXX"),
            ("<I>CN=issuer<S>CN=subject", "issuer"),
            ("<I>CN=<issuer><S>CN=<subject>", "<issuer>"),
            ("\\<I>CN=Certificate Name, O=Certificate Provider, C=US\\<S>CN=mail.contoso.com", "Certificate Name"),
            ("EX01\\Default Frontend ***", "***"),
            ("8490765C4C47D81***E2F46BEBB98EF9084A3B", "8490765C4C47D81***E2F46BEBB98EF9084A3B"),
            ("mail.REDACTED.com", "REDACTED"),
            ("[removed]", "[removed]"),
            ("smtp.[partner removed].com:AcceptOorgProtocol", "[partner removed]"),
            ("EX01\\Default Frontend (name hidden)", "(name hidden)"),
            ("mail.yourdomain.com", "yourdomain"),
            ("###.###.###.###", "###"),
            ("<servername>\\Default Frontend <servername>", "<servername>"),
        ] {
            assert_eq!(hidden_part(text).as_deref(), Some(hidden), "{text}");
        }
    }

    #[test]
    fn real_names_are_not_hidden() {
        for text in [
            "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.contoso.com",
            "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, L=Seattle, S=Washington, C=US",
            "<I>CN=Contoso Issuing CA 01, DC=corp, DC=contoso, DC=com<S>CN=mail.fabrikam.com",
            "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail",
            "mail.domain.com",
            "SERVER01\\Default Frontend SERVER01",
            "EX01\\Default Frontend EX01",
            "mail.xxxlutz.com",
            "<I>CN=XXXLutz Issuing CA, O=XXXLutz KG, C=AT<S>CN=smtp.xxxlutz.at",
            "*.contoso.com",
            "{EX01, EX02}",
            "mail.protection.outlook.com:AcceptCloudServicesMail",
            "Outbound to Office 365 - 3f6b2a90-5c1e-4d7a-9b2e-0a4c8d1e7f35",
            "{smtp:contoso.mail.onmicrosoft.com;1}",
            "x",
            "????\\Default Frontend ????",
            "CN=EX02",
            "DC=domain, DC=local",
            "<lena.fischer@contoso.com>",
            "EX01\\<img src=x onerror=alert(1)>",
            "<script>alert(1)</script>",
            "[::]:25",
            "Default Frontend EX01 (hub removed 2019)",
        ] {
            assert_eq!(hidden_part(text), None, "{text}");
        }
    }
}
