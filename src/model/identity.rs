//! An object's identity as the input showed it, and whether a command may name it.

use super::{property, Kind};
use crate::formats::{Prop, Record, Value};
use crate::source::trim;

/// The properties an identity is read from: the identity itself (text, or an `ADObjectId` with
/// these fields), a receive connector's server and name or distinguished name, a certificate's
/// thumbprint, a file's name.
pub const PROPERTIES: &[&str] = &["Identity", "Id", "Name", "DistinguishedName", "Server", "Thumbprint", "FileName"];

/// An object's identity as the input showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The identity as shown (cut identities keep their `...`).
    pub text: String,
    /// The identity was read whole from an identity property, so commands may name it.
    pub complete: bool,
}

/// Finds the identity of a record: the `Identity` (or `Id`) property, else `Server\Name`,
/// else the distinguished name, as Exchange builds receive connector identities.
///
/// The identity is complete (commands may name it) only when every property it was read from was
/// shown whole (not cut with `...`) and exactly (no white space guessed at a line wrap), and a
/// distinguished name decoded cleanly.
pub(super) fn read(kind: Kind, record: &Record) -> Option<Identity> {
    let whole = |prop: &Prop, text: &str| !prop.truncated && !prop.inexact && !crate::formats::ends_with_cut_mark(text);
    for name in ["Identity", "Id"] {
        if let Some(prop) = property(record, name) {
            if let Some((text, decoded)) = identity_value(&prop.value) {
                let complete = decoded && whole(prop, &text);
                return Some(Identity { text, complete });
            }
        }
    }
    if kind == Kind::ReceiveConnector {
        let name = property(record, "Name").filter(|p| p.value.as_text().is_some_and(|s| !s.trim().is_empty()));
        let server = property(record, "Server").and_then(|p| object_name(&p.value).map(|s| (p, s)));
        if let (Some(name), Some((server_prop, server))) = (name, server) {
            let name_text = trim(name.value.as_text().unwrap_or_default());
            let complete = whole(name, name_text) && whole(server_prop, server);
            return Some(Identity { text: format!("{server}\\{name_text}"), complete });
        }
        if let Some(prop) = property(record, "DistinguishedName") {
            if let Some((text, decoded)) = prop.value.as_text().and_then(receive_connector_from_dn) {
                let complete = decoded && whole(prop, &text);
                return Some(Identity { text, complete });
            }
        }
    }
    if kind == Kind::RegistryKey {
        // A key is named by its path, the same on every server: the finding names the server.
        let prop = ["RegistryKey", "PSPath"].into_iter().find_map(|name| {
            property(record, name).filter(|p| p.value.as_text().is_some_and(|s| !trim(s).is_empty()))
        })?;
        let text = prop.value.as_text().unwrap_or_default();
        return Some(Identity { text: super::registry::display_path(text), complete: whole(prop, trim(text)) });
    }
    let name = match kind {
        Kind::ExchangeCertificate | Kind::RootCertificate => "Thumbprint",
        Kind::FileVersionInfo => "FileName",
        _ => "Name",
    };
    // An accepted domain listed without its name (`Format-Table DomainName,DomainType`) is named
    // by its domain, which is its name unless someone renamed it.
    let accepted_domain = matches!(kind, Kind::AcceptedDomain | Kind::OnlineAcceptedDomain);
    let prop = property(record, name).or_else(|| accepted_domain.then(|| property(record, "DomainName")).flatten())?;
    let text = prop.value.as_text().map(trim).filter(|s| !s.is_empty())?;
    let complete = whole(prop, text);
    let text = if kind == Kind::FileVersionInfo { text.rsplit(['\\', '/']).next().unwrap_or(text) } else { text };
    Some(Identity { text: text.to_owned(), complete })
}

/// An identity given as text, or as an object (raw ConvertTo-Json of an `ADObjectId`), with
/// whether it decoded cleanly.
fn identity_value(value: &Value) -> Option<(String, bool)> {
    match value {
        Value::Text(s) if !trim(s).is_empty() => Some((trim(s).to_owned(), true)),
        Value::Object(_) => {
            let dn = value.field("DistinguishedName").and_then(Value::as_text);
            if let Some(id) = dn.and_then(receive_connector_from_dn) {
                return Some(id);
            }
            value.as_text().or_else(|| value.field("Name").and_then(Value::as_text)).map(|s| (s.to_owned(), true))
        }
        _ => None,
    }
}

/// The name of a server given as text or as an object with a `Name`.
fn object_name(value: &Value) -> Option<&str> {
    match value {
        Value::Text(s) if !trim(s).is_empty() => Some(trim(s)),
        Value::Object(_) => value.field("Name").and_then(Value::as_text).or(value.as_text()),
        _ => None,
    }
}

/// `CN=Default Frontend EX01,CN=SMTP Receive Connectors,CN=Protocols,CN=EX01,...` gives
/// `EX01\Default Frontend EX01`, with whether every escape in it decoded cleanly.
pub fn receive_connector_from_dn(dn: &str) -> Option<(String, bool)> {
    let (rdns, decoded) = split_dn(dn);
    let (name, rest) = rdns.split_first()?;
    let is = |rdn: Option<&String>, want: &str| rdn.is_some_and(|r| r.eq_ignore_ascii_case(want));
    if !is(rest.first(), "SMTP Receive Connectors") || !is(rest.get(1), "Protocols") {
        return None;
    }
    let server = rest.get(2)?;
    Some((format!("{server}\\{name}"), decoded))
}

/// Splits a distinguished name into the values of its relative names, decoding the escapes of
/// RFC 4514: `\` before a special character stands for that character, and `\` before two hex
/// digits for one byte of the value's UTF-8 (so `\0A` is a line feed, which then keeps the name
/// out of commands). The flag is false when an escape or the decoded bytes were not valid.
fn split_dn(dn: &str) -> (Vec<String>, bool) {
    let mut parts = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    let mut valid = true;
    let bytes = dn.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
                match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                    (Some(high), Some(low)) => {
                        current.push((high * 16 + low) as u8);
                        i += 3;
                    }
                    _ => match bytes.get(i + 1) {
                        Some(_) => {
                            // The escaped character, whole (it may be more than one byte).
                            let rest = &dn[i + 1..];
                            let c = rest.chars().next().unwrap_or_default();
                            current.extend_from_slice(&rest.as_bytes()[..c.len_utf8()]);
                            i += 1 + c.len_utf8();
                        }
                        None => {
                            valid = false;
                            i += 1;
                        }
                    },
                }
            }
            b',' => {
                parts.push(std::mem::take(&mut current));
                i += 1;
            }
            b => {
                current.push(b);
                i += 1;
            }
        }
    }
    parts.push(current);
    let values = parts
        .into_iter()
        .map(|bytes| {
            let text = String::from_utf8(bytes).unwrap_or_else(|err| {
                valid = false;
                String::from_utf8_lossy(err.as_bytes()).into_owned()
            });
            let text = text.trim();
            text.split_once('=').map_or(text, |(_, v)| v).trim().to_owned()
        })
        .collect();
    (values, valid)
}
