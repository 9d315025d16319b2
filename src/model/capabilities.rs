//! `TlsDomainCapabilities`: a list of entries, each a key and the capabilities it grants.
//!
//! An entry prints as `key:capabilities`. The key is a domain (`mail.protection.outlook.com`)
//! or a certificate named by issuer and subject (`<I>CN=...<S>CN=...`, with every `:` inside
//! doubled). Capabilities are names joined by `,` without spaces (`AcceptCloudServicesMail`),
//! or the number of the flags in raw exports (`512`). Format-List shows the list as
//! `{entry, entry}`; entries themselves contain `, ` inside distinguished names, so the list
//! is split by this grammar and never at commas. Active Directory stores an entry as
//! `domain:512:<I>issuer<S>subject`, which Exchange 2010 tools quote in a warning.

use super::lost_marks;
use crate::formats::{ends_with_cut_mark, strip_cut_mark, Value};
pub use crate::source::fold;
use crate::source::{trim, trim_end};

/// The fields of an entry that raw ConvertTo-Json and Export-Clixml write as an object, and of
/// its `SmtpX509Identifier` (a `Domain` may itself be an object with a `Domain`).
pub const FIELDS: &[&str] =
    &["Domain", "Capabilities", "SmtpX509Identifier", "CertificateIssuer", "CertificateSubject"];

/// The capability flags with their values, as `SmtpReceiveCapabilities` defines them.
const FLAGS: [(&str, u32); 13] = [
    ("AcceptOorgHeader", 1),
    ("AcceptOorgProtocol", 2),
    ("AcceptProxyProtocol", 4),
    ("AcceptProxyFromProtocol", 8),
    ("AcceptProxyToProtocol", 16),
    ("AcceptXAttrProtocol", 32),
    ("AcceptOrgHeaders", 64),
    ("AcceptXSysProbeProtocol", 128),
    ("AcceptCrossForestMail", 256),
    ("AcceptCloudServicesMail", 512),
    ("AllowSubmit", 1024),
    ("AcceptXOriginalFromProtocol", 2048),
    ("AllowConsumerMail", 4096),
];

/// One entry of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    pub key: Key,
    /// Capability names joined by `,`, as Exchange prints them; empty when the entry was cut.
    pub capabilities: String,
    /// False when the entry was cut before its capabilities.
    pub complete: bool,
    /// The entry as the input showed it (a wrapped value joined), for evidence: `512` stays a
    /// number and the Active Directory form stays that form, where the fields above are read.
    pub pasted: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Key {
    Domain(String),
    /// A certificate key; `issuer` is empty when the entry names only a subject.
    Certificate {
        issuer: String,
        subject: String,
    },
}

/// The list as read from one property.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CapabilityList {
    pub entries: Vec<Capability>,
    /// The display was cut, so entries may exist that the input does not show.
    pub truncated: bool,
    /// Items of a structured list that could not be read as entries, entries whose capability
    /// number holds flags this checker does not know, and certificate keys that lost their
    /// `<I>` and `<S>` marks in the copy. Such a list is never written
    /// back in full: a fix would drop what was not understood.
    pub unread: usize,
}

impl Capability {
    /// The entry as Exchange prints it (`ToString()`), which `Set-ReceiveConnector` accepts back.
    pub fn to_exchange_string(&self) -> String {
        let key = match &self.key {
            Key::Domain(domain) => domain.clone(),
            Key::Certificate { issuer, subject } => {
                let issuer = if issuer.is_empty() { String::new() } else { format!("<I>{issuer}") };
                format!("{issuer}<S>{subject}").replace(':', "::")
            }
        };
        if self.capabilities.is_empty() {
            key
        } else {
            format!("{key}:{}", self.capabilities)
        }
    }
}

/// Reads the list from a property value of any format.
pub fn from_value(value: &Value, truncated: bool) -> CapabilityList {
    let mut list = match value {
        Value::Null | Value::Lost(_) => CapabilityList::default(),
        Value::Text(text) => parse_display(text),
        Value::List(items) => {
            let mut list = CapabilityList::default();
            for item in items {
                match from_item(item) {
                    Some((entry, known)) => {
                        list.entries.push(entry);
                        list.unread += usize::from(!known);
                    }
                    None => list.unread += 1,
                }
            }
            list
        }
        Value::Object(object) => match from_item(value) {
            Some((entry, known)) => {
                CapabilityList { entries: vec![entry], truncated: false, unread: usize::from(!known) }
            }
            None => match object.display.as_deref() {
                Some(display) => parse_display(display),
                None => CapabilityList { unread: 1, ..CapabilityList::default() },
            },
        },
    };
    list.truncated |= truncated;
    list
}

/// One element of a structured list: a string in the display form, or an object with
/// `Domain`, `Capabilities` and `SmtpX509Identifier` (raw ConvertTo-Json, Clixml properties).
/// The flag is false when the entry's capabilities hold flags this checker does not know.
fn from_item(item: &Value) -> Option<(Capability, bool)> {
    let first = |list: CapabilityList| {
        let known = list.unread == 0 && list.entries.len() == 1;
        list.entries.into_iter().next().map(|entry| (entry, known))
    };
    match item {
        Value::Text(text) => first(parse_display(text)),
        Value::Object(object) => {
            let caps = item.field("Capabilities").and_then(Value::as_text).map(capability_names);
            let certificate = item.field("SmtpX509Identifier").and_then(certificate_key);
            let domain =
                item.field("Domain").and_then(|d| d.as_text().or_else(|| d.field("Domain").and_then(Value::as_text)));
            match (caps, certificate, domain) {
                (Some((caps, known)), Some(key), _) => {
                    Some((Capability { key, capabilities: caps, complete: true, pasted: object_text(item) }, known))
                }
                (Some((caps, known)), None, Some(domain)) => Some((
                    Capability {
                        key: Key::Domain(domain.trim().to_owned()),
                        capabilities: caps,
                        complete: true,
                        pasted: object_text(item),
                    },
                    known,
                )),
                _ => object.display.as_deref().and_then(|d| first(parse_display(d))),
            }
        }
        _ => None,
    }
}

/// A structured entry as its fields showed it: `Domain: a; Capabilities: 512; SmtpX509Identifier: <I>...`,
/// nested objects in braces.
fn object_text(value: &Value) -> String {
    match value {
        Value::Object(object) => {
            let fields: Vec<String> =
                object.props.iter().map(|p| format!("{}: {}", p.name, nested_text(&p.value))).collect();
            fields.join("; ")
        }
        other => nested_text(other),
    }
}

fn nested_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Text(text) => text.to_string(),
        Value::List(items) => items.iter().map(nested_text).collect::<Vec<_>>().join(", "),
        Value::Object(_) => format!("{{{}}}", object_text(value)),
        Value::Lost(type_name) => type_name.to_string(),
    }
}

/// An `SmtpX509Identifier` as text (`<I>...<S>...`) or as an object with issuer and subject.
fn certificate_key(value: &Value) -> Option<Key> {
    if let Some(text) = value.as_text() {
        return parse_key(text.trim()).filter(|k| matches!(k, Key::Certificate { .. }));
    }
    let issuer = value.field("CertificateIssuer").and_then(Value::as_text)?;
    let subject = value.field("CertificateSubject").and_then(Value::as_text)?;
    Some(Key::Certificate { issuer: issuer.trim().to_owned(), subject: subject.trim().to_owned() })
}

/// Turns `512`, `AcceptCloudServicesMail` or `AcceptCloudServicesMail, AcceptOorgProtocol` into
/// the comma-joined names Exchange prints. The flag is false when a number holds flags this
/// checker does not know (`8192`): the names then leave them out, so they must not be written back.
pub fn capability_names(text: &str) -> (String, bool) {
    let text = text.trim();
    if let Ok(number) = text.parse::<u32>() {
        let names: Vec<&str> = FLAGS.iter().filter(|(_, v)| number & v != 0).map(|(n, _)| *n).collect();
        let known_bits = FLAGS.iter().fold(0, |all, (_, v)| all | v);
        let known = number & !known_bits == 0;
        return (if names.is_empty() { "None".into() } else { names.join(",") }, known);
    }
    (text.split(',').map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(","), true)
}

/// Splits the display form (`{a, b}`, `{a, b...}`, `a`, or the AD form) into entries.
pub fn parse_display(text: &str) -> CapabilityList {
    let mut rest = trim(text);
    let braced = rest.starts_with('{');
    if braced {
        rest = trim_end(rest[1..].strip_suffix('}').unwrap_or(&rest[1..]));
    }
    let truncated = ends_with_cut_mark(rest);
    rest = trim(strip_cut_mark(rest));
    let mut list = CapabilityList { truncated, ..CapabilityList::default() };
    while !rest.is_empty() {
        let (entry, used) = parse_entry(rest);
        if let Some((entry, known)) = entry {
            list.entries.push(entry);
            list.unread += usize::from(!known);
        }
        rest = rest[used..].trim_start_matches([',', ' ', '\t', '\n']);
    }
    list
}

/// Reads one entry from the start of `text`; returns it (with whether its capabilities are all
/// known) and the bytes it used.
fn parse_entry(text: &str) -> (Option<(Capability, bool)>, usize) {
    let Some(colon) = single_colon(text) else {
        // No separator: the entry was cut before its capabilities.
        let key = parse_key(text.trim());
        let pasted = text.trim().to_owned();
        return (
            key.map(|key| (Capability { key, capabilities: String::new(), complete: false, pasted }, true)),
            text.len(),
        );
    };
    let key_text = text[..colon].trim();
    let after = &text[colon + 1..];
    let (caps, used) = capability_token(after);
    let mut end = colon + 1 + used;
    // A certificate key whose `<I>` and `<S>` marks the copy dropped is read as that certificate,
    // but not as read exactly: no command writes the list back from the paste.
    let marks_lost = lost_marks::split(key_text);
    let mut key = match marks_lost {
        Some((issuer, subject)) => Some(written_certificate_key(issuer, subject)),
        None => parse_key(key_text),
    };
    if after[used..].starts_with(':') && caps.chars().all(|c| c.is_ascii_digit()) && !caps.is_empty() {
        // The Active Directory form `domain:512:<I>issuer<S>subject` names the certificate last.
        let certificate = &after[used + 1..];
        key = parse_key(certificate.trim()).or(key);
        end = text.len();
    }
    let (names, known) = capability_names(&caps);
    let pasted = text[..end].trim().to_owned();
    let known = known && marks_lost.is_none();
    let entry = key.map(|key| (Capability { key, capabilities: names, complete: !caps.is_empty(), pasted }, known));
    (entry, end)
}

/// The byte index of the first `:` that is not part of an escaped `::`.
fn single_colon(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            if bytes.get(i + 1) == Some(&b':') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Reads capability names (or a number) joined by `,`; stops before anything that is not one,
/// so that `AcceptCloudServicesMail,mail.protection.outlook.com` (a lost space) still splits.
fn capability_token(text: &str) -> (String, usize) {
    let mut used = 0;
    let mut names = Vec::new();
    loop {
        let rest = &text[used..];
        let word_len = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
        let word = &rest[..word_len];
        let is_capability = !word.is_empty()
            && (word.chars().all(|c| c.is_ascii_digit())
                || word.starts_with("Accept")
                || word.starts_with("Allow")
                || word == "None");
        if !is_capability {
            break;
        }
        names.push(word);
        used += word_len;
        if text[used..].starts_with(',') && !text[used..].starts_with(", ") {
            let next = &text[used + 1..];
            let next_len = next.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(next.len());
            let next_word = &next[..next_len];
            if next_word.starts_with("Accept") || next_word.starts_with("Allow") || next_word == "None" {
                used += 1;
                continue;
            }
        }
        break;
    }
    (names.join(","), used)
}

/// Parses a key: `<I>issuer<S>subject`, `<S>subject`, or a domain.
fn parse_key(text: &str) -> Option<Key> {
    if text.is_empty() {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("<i>") {
        let (issuer, subject) = match lower.find("<s>") {
            Some(at) => (&text[3..at], &text[at + 3..]),
            None => (&text[3..], ""),
        };
        return Some(written_certificate_key(issuer, subject));
    }
    if lower.starts_with("<s>") {
        return Some(written_certificate_key("", &text[3..]));
    }
    Some(Key::Domain(text.to_owned()))
}

/// The key of a certificate entry from its issuer and subject as the entry writes them, where a
/// colon inside a name is doubled (`::`).
fn written_certificate_key(issuer: &str, subject: &str) -> Key {
    let unescape = |s: &str| s.replace("::", ":").trim().to_owned();
    Key::Certificate { issuer: unescape(issuer), subject: unescape(subject) }
}
