//! The values of an Exchange certificate in an Export-Clixml document.
//!
//! `Get-ExchangeCertificate` returns objects derived from .NET's `X509Certificate2`, which
//! PowerShell serializes by their raw bytes alone (`<BA N="RawData">`). In an export made in the
//! Exchange Management Shell the subject, issuer, validity and thumbprint are then only in the
//! object's `<ToString>`, the .NET text form:
//!
//! ```text
//! [Subject]
//!   CN=mail.contoso.com
//!
//! [Issuer]
//!   CN=R11, O=Let's Encrypt, C=US
//!
//! [Not After]
//!   05/13/2026 08:50:45
//! ...
//! ```
//!
//! and Exchange's own values (the services, the status, whether the private key is there, the
//! identity `SERVER\thumbprint`) only in `SerializationData`, the .NET binary serialization
//! Exchange adds so that its remote shell can rebuild the object. A copy made elsewhere
//! (`Select-Object`, or a session that kept the values as properties) carries them as properties
//! instead; a property the document shows always wins over what is read here.

use crate::formats::{Prop, Value};
use crate::source::LineNo;

/// True for the type name of an Exchange certificate (the `Deserialized.` prefix already removed).
pub(super) fn is_certificate_type(type_name: &str) -> bool {
    let type_name = type_name.strip_prefix("Deserialized.").unwrap_or(type_name);
    type_name.rsplit('.').next() == Some("ExchangeCertificate")
}

/// Adds to a top-level object's properties the certificate values its `<ToString>` (on
/// `to_string_line`) and its `SerializationData` hold, and drops the `SerializationData`.
pub(super) fn complete(props: &mut Vec<Prop>, to_string: Option<&str>, to_string_line: LineNo) {
    if let Some(text) = to_string.filter(|t| t.trim_start().starts_with("[Subject]")) {
        for (name, value) in x509_text_fields(text) {
            add(props, name, value, to_string_line);
        }
    }
    let Some(at) = props.iter().position(|p| p.name.eq_ignore_ascii_case("SerializationData")) else { return };
    let blob = props.remove(at);
    let Some(bytes) = blob.value.as_text().and_then(base64) else { return };
    let values = [
        ("Services", services(&bytes)),
        ("Status", status(&bytes)),
        ("HasPrivateKey", has_private_key(&bytes).map(|key| if key { "True".to_owned() } else { "False".to_owned() })),
        ("Identity", identity(&bytes)),
    ];
    for (name, value) in values {
        if let Some(value) = value {
            add(props, name, value, blob.line);
        }
    }
}

/// Adds a property unless the object already has one by that name.
fn add(props: &mut Vec<Prop>, name: &'static str, value: String, line: LineNo) {
    if !props.iter().any(|p| p.name.eq_ignore_ascii_case(name)) {
        props.push(Prop::new(name, Value::Text(value.into()), line));
    }
}

/// The fields of `X509Certificate.ToString()`: `[Label]` lines, each followed by its value on
/// the lines below, indented. Dates are written in the invariant culture (`MM/dd/yyyy HH:mm:ss`,
/// whatever the server's culture), so they are given back in ISO form, which no reader can take
/// for day-first; a date in any other form is kept as written.
fn x509_text_fields(text: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = Vec::new();
    let mut current: Option<&'static str> = None;
    for line in text.lines().map(str::trim) {
        if let Some(label) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = match label {
                "Subject" => Some("Subject"),
                "Issuer" => Some("Issuer"),
                "Serial Number" => Some("SerialNumber"),
                "Not Before" => Some("NotBefore"),
                "Not After" => Some("NotAfter"),
                "Thumbprint" => Some("Thumbprint"),
                _ => None,
            };
            continue;
        }
        let Some(name) = current.filter(|_| !line.is_empty()) else { continue };
        match fields.iter_mut().find(|(n, _)| *n == name) {
            Some((_, value)) => {
                value.push(' ');
                value.push_str(line);
            }
            None => fields.push((name, line.to_owned())),
        }
    }
    for (name, value) in &mut fields {
        if matches!(*name, "NotBefore" | "NotAfter") {
            if let Some(iso) = invariant_date(value) {
                *value = iso;
            }
        }
    }
    fields
}

/// `05/13/2026 08:50:45` (the invariant culture's date and time) as `2026-05-13T08:50:45`.
fn invariant_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() == 19
        && digits(0..2)
        && b[2] == b'/'
        && digits(3..5)
        && b[5] == b'/'
        && digits(6..10)
        && b[10] == b' '
        && digits(11..13)
        && b[13] == b':'
        && digits(14..16)
        && b[16] == b':'
        && digits(17..19);
    shape.then(|| format!("{}-{}-{}T{}", &text[6..10], &text[0..2], &text[3..5], &text[11..]))
}

/// Decodes standard base64, ignoring white space; `None` on any other character.
fn base64(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// The namespace of Exchange's certificate types in the serialization.
const TASKS: &str = "Microsoft.Exchange.Management.SystemConfigurationTasks.";

/// The number of an enum field in .NET's binary serialization: the record that describes the
/// enum's type (its name, one member `value__` of primitive type Int32, the library) is followed
/// by the number.
fn enum_value(bytes: &[u8], type_name: &str) -> Option<i32> {
    let mut pattern = format!("{TASKS}{type_name}").into_bytes();
    pattern.extend_from_slice(&[1, 0, 0, 0, 7]);
    pattern.extend_from_slice(b"value__");
    pattern.extend_from_slice(&[0, 8]);
    let at = memchr::memmem::find(bytes, &pattern)? + pattern.len() + 4;
    Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// `Services` as `Format-List` shows it: the names of the `AllowedServices` flags, or `None`.
fn services(bytes: &[u8]) -> Option<String> {
    const FLAGS: [(i32, &str); 7] =
        [(1, "IMAP"), (2, "POP"), (4, "UM"), (8, "IIS"), (16, "SMTP"), (32, "Federation"), (64, "UMCallRouter")];
    let value = enum_value(bytes, "AllowedServices")?;
    let names: Vec<&str> = FLAGS.iter().filter(|(flag, _)| value & flag != 0).map(|(_, name)| *name).collect();
    Some(if names.is_empty() { "None".to_owned() } else { names.join(", ") })
}

/// `Status` as `Format-List` shows it, from the `CertificateStatus` number.
fn status(bytes: &[u8]) -> Option<String> {
    const NAMES: [&str; 8] = [
        "Unknown",
        "Valid",
        "Revoked",
        "DateInvalid",
        "Untrusted",
        "Invalid",
        "RevocationCheckFailure",
        "PendingRequest",
    ];
    let value = enum_value(bytes, "CertificateStatus")?;
    NAMES.get(usize::try_from(value).ok()?).map(|name| (*name).to_owned())
}

/// The certificate's identity, `SERVER\thumbprint` (the server as Exchange names it, often its
/// FQDN): the one string of the serialization of that form.
fn identity(bytes: &[u8]) -> Option<String> {
    // A string record: 6, a four-byte object id, the length (one byte below 128), the text.
    (0..bytes.len()).find_map(|at| {
        if bytes[at] != 6 {
            return None;
        }
        let length = usize::from(*bytes.get(at + 5).filter(|&&l| l < 128)?);
        let text = std::str::from_utf8(bytes.get(at + 6..at + 6 + length)?).ok()?;
        let (server, thumbprint) = text.split_once('\\')?;
        let looks_right = !server.is_empty()
            && server.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && thumbprint.len() == 40
            && thumbprint.bytes().all(|b| b.is_ascii_hexdigit());
        looks_right.then(|| text.to_owned())
    })
}

/// Whether the certificate has its private key. Exchange serializes the certificate as Windows
/// stores it (`CertData`): a list of properties, each an id, a reserved 1, a length and the data,
/// ending with the certificate itself (id 32). .NET's `HasPrivateKey` is true exactly when the
/// key's provider property (id 2) is in that list. `None` unless the whole list reads cleanly.
fn has_private_key(bytes: &[u8]) -> Option<bool> {
    let u32_at = |at: usize| Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    // A byte array record: 15, a four-byte object id, the length, the primitive type Byte (2).
    // `CertData` is the first such record; a few more starts are tried in case other bytes look
    // like one, but not every start: each try may walk the rest of the data.
    const STARTS_TRIED: usize = 8;
    let starts = (0..bytes.len()).filter(|&at| bytes[at] == 15 && bytes.get(at + 9) == Some(&2));
    starts.take(STARTS_TRIED).find_map(|at| {
        let length = usize::try_from(u32_at(at + 5)?).ok()?;
        let (start, end) = (at + 10, at.checked_add(10)?.checked_add(length)?);
        if end > bytes.len() {
            return None;
        }
        let mut position = start;
        let mut key = false;
        while position + 12 <= end {
            let (id, reserved, size) = (u32_at(position)?, u32_at(position + 4)?, u32_at(position + 8)?);
            let data = position + 12;
            let next = data.checked_add(usize::try_from(size).ok()?)?;
            if reserved != 1 || next > end {
                return None;
            }
            key |= id == 2;
            if id == 32 {
                return (bytes.get(data) == Some(&0x30)).then_some(key);
            }
            position = next;
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A length-prefixed string of .NET's binary serialization (all test strings are short).
    fn string(text: &str) -> Vec<u8> {
        let mut out = vec![text.len() as u8];
        out.extend_from_slice(text.as_bytes());
        out
    }

    /// The record of an enum field: its type's description, then the number.
    fn enum_record(id: i32, type_name: &str, value: i32) -> Vec<u8> {
        let mut out = vec![5];
        out.extend_from_slice(&id.to_le_bytes());
        out.extend(string(&format!("{TASKS}{type_name}")));
        out.extend_from_slice(&1i32.to_le_bytes());
        out.extend(string("value__"));
        out.extend_from_slice(&[0, 8]);
        out.extend_from_slice(&2i32.to_le_bytes());
        out.extend_from_slice(&value.to_le_bytes());
        out
    }

    /// A stored certificate: properties (id, data), then the certificate (id 32).
    fn cert_data(properties: &[(u32, &[u8])]) -> Vec<u8> {
        let mut element = Vec::new();
        for (id, data) in properties.iter().copied().chain([(32, &[0x30u8, 0x82, 0x01, 0x0A][..])]) {
            element.extend_from_slice(&id.to_le_bytes());
            element.extend_from_slice(&1u32.to_le_bytes());
            element.extend_from_slice(&(data.len() as u32).to_le_bytes());
            element.extend_from_slice(data);
        }
        let mut out = vec![15];
        out.extend_from_slice(&3i32.to_le_bytes());
        out.extend_from_slice(&(element.len() as u32).to_le_bytes());
        out.push(2);
        out.extend(element);
        out
    }

    fn blob(status: i32, services: i32, key: bool) -> Vec<u8> {
        let mut out = vec![0, 1, 0, 0, 0, 255, 255, 255, 255];
        out.extend(enum_record(-4, "CertificateStatus", status));
        out.extend(enum_record(-5, "CertificateAuthorityType", 3));
        out.extend(enum_record(-6, "AllowedServices", services));
        out.push(6);
        out.extend_from_slice(&8i32.to_le_bytes());
        out.extend(string("EX01.contoso.local\\A07414CB0BD375C1C4DA622AD431F29A0355A8B2"));
        let container: &[u8] = b"k\0e\0y\0";
        let properties: Vec<(u32, &[u8])> = if key {
            vec![(92, &[0, 8, 0, 0]), (2, container), (3, &[7; 20])]
        } else {
            vec![(92, &[0, 8, 0, 0]), (3, &[7; 20])]
        };
        out.extend(cert_data(&properties));
        out.push(11);
        out
    }

    fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= chunk.len() { ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char } else { '=' });
            }
        }
        out
    }

    fn text_of<'p>(props: &'p [Prop], name: &str) -> Option<&'p str> {
        props.iter().find(|p| &*p.name == name).and_then(|p| p.value.as_text())
    }

    #[test]
    fn reads_the_x509_text() {
        let text = "[Subject]\r\n  CN=mail.contoso.com, O=Contoso Ltd, C=US\r\n\r\n[Issuer]\r\n  CN=R11, O=Let's Encrypt, C=US\r\n\r\n[Serial Number]\r\n  04A1\r\n\r\n[Not Before]\r\n  02/14/2026 07:10:00\r\n\r\n[Not After]\r\n  05/15/2026 07:09:59\r\n\r\n[Thumbprint]\r\n  3F9A0C71D2B84E65A1C0F7E29B54D8316EA20C47\r\n";
        let mut props = vec![Prop::new("Subject", Value::Text("shown".into()), 9)];
        complete(&mut props, Some(text), 4);
        assert_eq!(text_of(&props, "Subject"), Some("shown"));
        assert_eq!(text_of(&props, "Issuer"), Some("CN=R11, O=Let's Encrypt, C=US"));
        assert_eq!(text_of(&props, "NotAfter"), Some("2026-05-15T07:09:59"));
        assert_eq!(text_of(&props, "NotBefore"), Some("2026-02-14T07:10:00"));
        assert_eq!(text_of(&props, "Thumbprint"), Some("3F9A0C71D2B84E65A1C0F7E29B54D8316EA20C47"));
        assert_eq!(props.iter().find(|p| &*p.name == "NotAfter").map(|p| p.line), Some(4));
        // A date in another form is kept as written, and other text is no certificate.
        assert_eq!(
            x509_text_fields("[Subject]\n  CN=a\n[Not After]\n  15.05.2026 07:09:59")[1].1,
            "15.05.2026 07:09:59"
        );
        let mut props = Vec::new();
        complete(&mut props, Some("EX01\\Default Frontend EX01"), 1);
        assert!(props.is_empty());
    }

    #[test]
    fn reads_the_serialization_data() {
        for (status, services, key, want) in [
            (1, 16, true, ("Valid", "SMTP", "True")),
            (1, 27, true, ("Valid", "IMAP, POP, IIS, SMTP", "True")),
            (6, 8, false, ("RevocationCheckFailure", "IIS", "False")),
            (3, 0, true, ("DateInvalid", "None", "True")),
        ] {
            let mut props =
                vec![Prop::new("SerializationData", Value::Text(encode(&blob(status, services, key)).into()), 12)];
            complete(&mut props, None, 1);
            assert_eq!(text_of(&props, "Status"), Some(want.0));
            assert_eq!(text_of(&props, "Services"), Some(want.1));
            assert_eq!(text_of(&props, "HasPrivateKey"), Some(want.2));
            assert_eq!(
                text_of(&props, "Identity"),
                Some("EX01.contoso.local\\A07414CB0BD375C1C4DA622AD431F29A0355A8B2")
            );
            assert!(props.iter().all(|p| p.line == 12 && &*p.name != "SerializationData"));
        }
    }

    #[test]
    fn reads_nothing_from_damaged_data() {
        let mut bytes = blob(1, 16, true);
        let full = bytes.len();
        // Cut inside the stored certificate: its property list no longer reads cleanly.
        bytes.truncate(full - 8);
        assert_eq!(has_private_key(&bytes), None);
        assert_eq!(status(&bytes[..20]), None);
        for text in ["", "not base64!", "AAAA", &encode(&[0x0F; 40])] {
            let mut props = vec![Prop::new("SerializationData", Value::Text(text.into()), 3)];
            complete(&mut props, None, 1);
            assert!(props.is_empty(), "{text}");
        }
        assert_eq!(base64("TWFu\r\nTWE="), Some(b"ManMa".to_vec()));
    }
}
