//! The ConvertTo-Json input of Windows PowerShell 5.1: `Get-ReceiveConnector | ConvertTo-Json |
//! Out-File -Encoding utf8` (BOM, CRLF, two spaces after the colon, nested values indented under
//! their key).

use super::org::{
    json_date, Connector, Server, CERT_ISSUER, CERT_SUBJECT, EXO_SUBJECT, KINDS, LEGACY_ENTRY, LEGACY_ISSUER,
    PARTITION_GUID,
};
use std::fmt::Write as _;

pub(super) enum J {
    Null,
    Bool(bool),
    /// A number, already formatted.
    Num(String),
    /// A string, escaped as PS 5.1 escapes (`<` as `\u003c` and so on) when written.
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(&'static str, J)>),
}

pub(super) fn n(v: impl ToString) -> J {
    J::Num(v.to_string())
}
pub(super) fn s(v: impl Into<String>) -> J {
    J::Str(v.into())
}

pub(super) fn json_escape(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\'' => out.push_str("\\u0027"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
}

/// Writes `v` starting at column `col`, in PS 5.1's layout.
pub(super) fn json_write(out: &mut String, v: &J, col: usize) {
    match v {
        J::Null => out.push_str("null"),
        J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        J::Num(x) => out.push_str(x),
        J::Str(x) if x.starts_with("\\/Date(") => {
            out.push('"');
            out.push_str(x);
            out.push('"');
        }
        J::Str(x) => {
            out.push('"');
            json_escape(out, x);
            out.push('"');
        }
        J::Arr(items) => {
            out.push_str("[\r\n");
            for (i, item) in items.iter().enumerate() {
                push_spaces(out, col + 4);
                json_write(out, item, col + 4);
                out.push_str(if i + 1 < items.len() { ",\r\n" } else { "\r\n" });
            }
            push_spaces(out, col);
            out.push(']');
        }
        J::Obj(props) => {
            out.push_str("{\r\n");
            for (i, (key, value)) in props.iter().enumerate() {
                push_spaces(out, col + 4);
                let _ = write!(out, "\"{key}\":  ");
                json_write(out, value, col + 4 + key.len() + 5);
                out.push_str(if i + 1 < props.len() { ",\r\n" } else { "\r\n" });
            }
            push_spaces(out, col);
            out.push('}');
        }
    }
}

pub(super) fn push_spaces(out: &mut String, count: usize) {
    out.extend(std::iter::repeat_n(' ', count));
}

pub(super) fn json_timespan(h: i64, m: i64, sec: i64) -> J {
    let total = (h * 3600 + m * 60 + sec) as f64;
    J::Obj(vec![
        ("Ticks", n((total as i64) * 10_000_000)),
        ("Days", n(0)),
        ("Hours", n(h)),
        ("Milliseconds", n(0)),
        ("Minutes", n(m)),
        ("Seconds", n(sec)),
        ("TotalDays", n(total / 86_400.0)),
        ("TotalHours", n(total / 3600.0)),
        ("TotalMilliseconds", n(total * 1000.0)),
        ("TotalMinutes", n(total / 60.0)),
        ("TotalSeconds", n(total)),
    ])
}

pub(super) fn json_unlimited(value: Option<J>) -> J {
    match value {
        None => J::Obj(vec![("IsUnlimited", J::Bool(true))]),
        Some(v) => J::Obj(vec![("IsUnlimited", J::Bool(false)), ("Value", v)]),
    }
}

pub(super) fn json_adobjectid(rdn: String, parent: String, depth: i64, dn: String, guid: &str, name: String) -> J {
    J::Obj(vec![
        ("Rdn", s(rdn)),
        ("Parent", s(parent)),
        ("Depth", n(depth)),
        ("DistinguishedName", s(dn)),
        ("IsDeleted", J::Bool(false)),
        ("IsRelativeDn", J::Bool(false)),
        ("DomainId", s("contoso.com")),
        ("PartitionGuid", s(PARTITION_GUID)),
        ("PartitionFQDN", s("contoso.com")),
        ("ObjectGuid", s(guid)),
        ("Name", s(name)),
    ])
}

/// The parent of every server's directory object.
const SERVERS_PARENT: &str = "contoso.com/Configuration/Services/Microsoft Exchange/Contoso/Administrative Groups/Exchange Administrative Group (FYDIBOHF23SPDLT)/Servers";

/// Every property of a connector, in the order Exchange lists them, and the two PowerShell adds.
pub(super) fn json_connector(c: &Connector) -> J {
    let mut props = json_protocol_props(c);
    props.extend(json_limit_props(c));
    props.extend(json_security_props(c));
    props.extend(json_directory_props(c));
    J::Obj(props)
}

/// The SMTP protocol's settings, from `RunspaceId` to `AdvertiseClientSettings`.
fn json_protocol_props(c: &Connector) -> Vec<(&'static str, J)> {
    let binding = |(v6, port): (bool, u32)| {
        J::Obj(vec![
            ("Address", s(if v6 { "::" } else { "0.0.0.0" })),
            ("AddressFamily", n(if v6 { 23 } else { 2 })),
            ("Port", n(port)),
        ])
    };
    vec![
        ("RunspaceId", s(c.runspace())),
        ("AuthMechanism", n(c.auth().1)),
        ("Banner", J::Null),
        ("BinaryMimeEnabled", J::Bool(true)),
        ("Bindings", J::Arr(c.bindings().into_iter().map(binding).collect())),
        ("ChunkingEnabled", J::Bool(true)),
        ("DefaultDomain", J::Null),
        ("DeliveryStatusNotificationEnabled", J::Bool(true)),
        ("EightBitMimeEnabled", J::Bool(true)),
        ("BareLinefeedRejectionEnabled", J::Bool(false)),
        ("DomainSecureEnabled", J::Bool(c.hybrid())),
        ("EnhancedStatusCodesEnabled", J::Bool(true)),
        ("LongAddressesEnabled", J::Bool(false)),
        ("OrarEnabled", J::Bool(false)),
        ("SuppressXAnonymousTls", J::Bool(false)),
        ("ProxyEnabled", J::Bool(false)),
        ("AdvertiseClientSettings", J::Bool(false)),
    ]
}

/// The name the connector answers with, its certificate, and its limits, from `Fqdn` to
/// `MaxRecipientsPerMessage`.
fn json_limit_props(c: &Connector) -> Vec<(&'static str, J)> {
    let cert = if c.certificate() {
        J::Obj(vec![
            ("CertificateIssuer", s(CERT_ISSUER)),
            ("CertificateSubject", s(CERT_SUBJECT)),
            ("SubjectCommonName", s("mail.contoso.com")),
        ])
    } else {
        J::Null
    };
    vec![
        ("Fqdn", J::Obj(vec![("Domain", s(c.fqdn())), ("IsIPAddress", J::Bool(false))])),
        ("ServiceDiscoveryFqdn", J::Null),
        ("TlsCertificateName", cert),
        ("Comment", c.comment().map_or(J::Null, s)),
        ("Enabled", J::Bool(true)),
        ("ConnectionTimeout", json_timespan(0, 10, 0)),
        ("ConnectionInactivityTimeout", json_timespan(0, 5, 0)),
        ("MessageRateLimit", json_unlimited(None)),
        ("MessageRateSource", n(1)),
        ("MaxInboundConnection", json_unlimited(Some(n(5000)))),
        ("MaxInboundConnectionPerSource", json_unlimited(c.per_source().map(n))),
        ("MaxInboundConnectionPercentagePerSource", n(c.percentage())),
        ("MaxHeaderSize", json_unlimited(Some(s("256 KB (262,144 bytes)")))),
        ("MaxHopCount", n(60)),
        ("MaxLocalHopCount", n(c.local_hops())),
        ("MaxLogonFailures", n(3)),
        ("MaxMessageSize", json_unlimited(Some(s("36 MB (37,748,736 bytes)")))),
        ("MaxProtocolErrors", json_unlimited(Some(n(5)))),
        ("MaxRecipientsPerMessage", n(c.recipients())),
    ]
}

/// Who may send and how, with the TLS domain capabilities, from `PermissionGroups` to
/// `MaxAcknowledgementDelay`.
fn json_security_props(c: &Connector) -> Vec<(&'static str, J)> {
    let range = |lo: &str, hi: &str| J::Obj(vec![("LowerBound", s(lo)), ("UpperBound", s(hi)), ("RangeFormat", n(1))]);
    let caps = c
        .capabilities()
        .into_iter()
        .map(|entry| {
            let x509 = if entry == LEGACY_ENTRY { s(format!("<I>{LEGACY_ISSUER}<S>{EXO_SUBJECT}")) } else { J::Null };
            J::Obj(vec![
                ("Domain", s("mail.protection.outlook.com")),
                ("Capabilities", n(512)),
                ("SmtpX509Identifier", x509),
            ])
        })
        .collect();
    vec![
        ("PermissionGroups", n(c.permissions().1)),
        ("PipeliningEnabled", J::Bool(true)),
        ("ProtocolLoggingLevel", n(i32::from(c.verbose()))),
        (
            "RemoteIPRanges",
            J::Arr(vec![range("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), range("0.0.0.0", "255.255.255.255")]),
        ),
        ("RequireEHLODomain", J::Bool(false)),
        ("RequireTLS", J::Bool(false)),
        ("EnableAuthGSSAPI", J::Bool(false)),
        ("ExtendedProtectionPolicy", n(0)),
        ("LiveCredentialEnabled", J::Bool(false)),
        ("TlsDomainCapabilities", J::Arr(caps)),
        (
            "Server",
            json_adobjectid(
                format!("CN={}", c.server.name),
                SERVERS_PARENT.into(),
                10,
                c.server_dn(),
                &c.server.guid,
                c.server.name.clone(),
            ),
        ),
        ("TransportRole", n(c.role().1)),
        ("SizeEnabled", n(0)),
        ("TarpitInterval", json_timespan(0, 0, 5)),
        ("MaxAcknowledgementDelay", json_timespan(0, 0, 30)),
    ]
}

/// The connector as a directory object, from `AdminDisplayName` to `ObjectState`, and the
/// computer PowerShell ran on.
fn json_directory_props(c: &Connector) -> Vec<(&'static str, J)> {
    let name = c.name();
    vec![
        ("AdminDisplayName", s("")),
        ("ExchangeVersion", J::Obj(vec![("ExchangeBuild", s("8.0.535.0")), ("IsOld", J::Bool(false))])),
        ("Name", s(name.clone())),
        ("DistinguishedName", s(c.dn())),
        (
            "Identity",
            json_adobjectid(
                format!("CN={name}"),
                format!("{SERVERS_PARENT}/{}/Protocols/SMTP Receive Connectors", c.server.name),
                13,
                c.dn(),
                c.guid(),
                name.clone(),
            ),
        ),
        ("Guid", s(c.guid())),
        ("ObjectCategory", s("contoso.com/Configuration/Schema/ms-Exch-Smtp-Receive-Connector")),
        ("ObjectClass", J::Arr(vec![s("top"), s("msExchSmtpReceiveConnector")])),
        ("WhenChanged", s(json_date(c.changed()))),
        ("WhenCreated", s(json_date(c.server.created))),
        ("WhenChangedUTC", s(json_date(c.changed()))),
        ("WhenCreatedUTC", s(json_date(c.server.created))),
        ("OrganizationId", s("")),
        ("Id", J::Obj(vec![("Rdn", s(format!("CN={name}"))), ("Name", s(name)), ("DistinguishedName", s(c.dn()))])),
        ("OriginatingServer", s("DC01.contoso.com")),
        ("IsValid", J::Bool(true)),
        ("ObjectState", n(0)),
        ("PSComputerName", s(format!("{}.contoso.com", c.server.name.to_ascii_lowercase()))),
        ("PSShowComputerName", J::Bool(false)),
    ]
}

pub(super) fn convertto_json(servers: usize) -> Vec<u8> {
    let mut out = String::with_capacity(servers * 50_000);
    out.push('\u{feff}');
    out.push_str("[\r\n");
    for i in 0..servers {
        let server = Server::plan(i);
        for (k, kind) in KINDS.into_iter().enumerate() {
            push_spaces(&mut out, 4);
            json_write(&mut out, &json_connector(&Connector { server: &server, kind, n: k }), 4);
            out.push_str(if i + 1 < servers || k + 1 < KINDS.len() { ",\r\n" } else { "\r\n" });
        }
    }
    out.push_str("]\r\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_laid_out_like_windows_powershell() {
        let mut out = String::new();
        json_write(&mut out, &J::Obj(vec![("Fqdn", J::Obj(vec![("Domain", s("a<b"))])), ("L", J::Arr(vec![]))]), 0);
        let expected = [
            "{",
            "    \"Fqdn\":  {",
            "                 \"Domain\":  \"a\\u003cb\"",
            "             },",
            "    \"L\":  [",
            "          ]",
            "}",
        ];
        assert_eq!(out, expected.join("\r\n"));
    }
}
