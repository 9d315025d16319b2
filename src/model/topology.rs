//! The organisation as the paste shows it: servers with their versions and certificates, the
//! hybrid configuration, and the certificate each connector names.
//!
//! Certificates belong to a server. The paste says which through `-Server` in the command, an
//! `Identity` of the form `EX01\<thumbprint>`, `PSComputerName`, or a certificate with the same
//! thumbprint that carries one of those. A certificate whose server cannot be told is never
//! used to judge a server.
//!
//! Objects name one server in many ways: `EX01` in a send connector's `SourceTransportServers`,
//! `ex01.contoso.local` in the hybrid configuration or in `PSComputerName`, `**EX01**` in a paste
//! decorated with Markdown. Servers are therefore matched by [`server_key`], never by the text
//! as shown.

use super::builds::{parse_version, Version};
use super::capabilities::fold;
use super::date::{parse as parse_date, ReadDate};
use super::{ExchangeCertificate, ExchangeServer, Field, HybridConfiguration, View, Views};
use crate::formats::Value;
use std::collections::BTreeMap;

/// The fields of a `TlsCertificateName` that raw ConvertTo-Json writes as an object (and of a
/// `TlsDomainCapabilities` entry's `SmtpX509Identifier`).
pub const TLS_NAME_FIELDS: &[&str] = &["CertificateIssuer", "CertificateSubject"];

/// A `TlsCertificateName`: `<I>issuer<S>subject`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsName {
    pub issuer: String,
    pub subject: String,
}

impl TlsName {
    /// The form Exchange stores and accepts back.
    pub fn text(&self) -> String {
        format!("<I>{}<S>{}", self.issuer, self.subject)
    }

    /// True when a certificate's issuer and subject are this name's, compared as Exchange
    /// compares distinguished names (case and the spaces after commas do not matter).
    pub fn names(&self, issuer: &str, subject: &str) -> bool {
        fold(&self.issuer) == fold(issuer) && fold(&self.subject) == fold(subject)
    }
}

/// What a `TlsCertificateName` property holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsNameRead {
    /// Absent or empty: Exchange picks a certificate by the connector's FQDN.
    Empty,
    Valid(TlsName),
    /// Set, but not of the form `<I>issuer<S>subject` with `CN=` in the subject.
    Invalid(String),
}

/// Reads a `TlsCertificateName` value: text, or the object raw ConvertTo-Json writes.
pub fn read_tls_name(value: Option<&Value>) -> TlsNameRead {
    let Some(value) = value else { return TlsNameRead::Empty };
    if let (Some(issuer), Some(subject)) = (
        value.field("CertificateIssuer").and_then(Value::as_text),
        value.field("CertificateSubject").and_then(Value::as_text),
    ) {
        return TlsNameRead::Valid(TlsName { issuer: issuer.trim().to_owned(), subject: subject.trim().to_owned() });
    }
    let Some(text) = value.as_text().map(crate::source::trim).filter(|t| !t.is_empty()) else {
        return TlsNameRead::Empty;
    };
    parse_tls_name(text)
}

/// Parses `<I>issuer<S>subject`; the markers are matched without regard to case.
pub fn parse_tls_name(text: &str) -> TlsNameRead {
    let lower = text.to_ascii_lowercase();
    let invalid = || TlsNameRead::Invalid(text.to_owned());
    let (Some(0), Some(s)) = (lower.find("<i>"), lower.find("<s>")) else { return invalid() };
    let issuer = text[3..s].trim();
    let subject = text[s + 3..].trim();
    if issuer.is_empty() || !subject.to_ascii_uppercase().contains("CN=") {
        return invalid();
    }
    TlsNameRead::Valid(TlsName { issuer: issuer.to_owned(), subject: subject.to_owned() })
}

/// One Exchange certificate as the paste shows it; a table shows less than a list.
#[derive(Clone, Debug)]
pub struct Certificate {
    /// The index of the object in the report's objects.
    pub object: usize,
    pub server: Option<String>,
    pub thumbprint: Option<String>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub not_after: Option<ReadDate>,
    /// Whether the certificate is enabled for SMTP, when the paste shows its services.
    pub smtp: Option<bool>,
    pub status: Option<String>,
    pub has_private_key: Option<bool>,
    /// The names of `CertificateDomains` (the subject alternative names), in lower case; `None`
    /// when the paste does not show them, or shows them cut.
    pub domains: Option<Vec<String>>,
}

impl Certificate {
    /// The certificate as one object shows it. Its server is the command's `-Server`, else the
    /// prefix of its identity, else the computer a remote session read it from.
    fn read<'a>(view: &ExchangeCertificate<'a>) -> Certificate {
        let text = |field: Option<Field<'a>>| field.and_then(Field::text);
        let identity_server = text(view.identity).and_then(|id| id.split_once('\\')).map(|(server, _)| server);
        let server = view
            .object
            .command_parameter("-Server")
            .map(|server| server_name(&server))
            .or(identity_server.map(server_name))
            .or_else(|| text(view.ps_computer_name).map(server_name))
            .filter(|name| !name.is_empty());
        let subject = text(view.subject).filter(|s| !crate::formats::ends_with_cut_mark(s)).map(str::to_owned);
        Certificate {
            object: view.index,
            server,
            thumbprint: text(view.thumbprint).map(|t| t.to_ascii_uppercase()),
            issuer: text(view.issuer).map(str::to_owned),
            subject,
            not_after: text(view.not_after).and_then(parse_date),
            smtp: text(view.services).map(services_include_smtp),
            status: text(view.status).map(str::to_owned),
            has_private_key: view.has_private_key.and_then(Field::flag),
            domains: view
                .certificate_domains
                .filter(|f| !f.truncated() && !f.text().is_some_and(crate::formats::ends_with_cut_mark))
                .map(|f| f.items().iter().map(|d| d.to_ascii_lowercase()).collect()),
        }
    }
}

/// `IMAP, POP, IIS, SMTP` (a list), `IP.WS..` (the table's letters, S in the fifth place), or
/// the flags number (SMTP is 16).
fn services_include_smtp(text: &str) -> bool {
    if let Ok(flags) = text.parse::<u32>() {
        return flags & 16 != 0;
    }
    if text.chars().all(|c| c.is_ascii_uppercase() || c == '.') && (6..=8).contains(&text.len()) {
        return text.as_bytes().get(4) == Some(&b'S');
    }
    text.split([',', ' ']).any(|s| s.eq_ignore_ascii_case("SMTP"))
}

/// The name of a server as an object shows it, without the marks around it: Markdown emphasis
/// and code (`**EX01**`, `` `EX01` ``), quotes, and the `CN=` of a distinguished name
/// (`CN=EX01,CN=Servers,...`). This is the form messages show; compare with [`server_key`].
///
/// Only marks that close what they open are taken off (`**EX01**`, `'EX01'`, `‘EX01’`): a lone
/// quote or asterisk is part of what the paste shows, and a name is never guessed.
pub fn server_name(shown: &str) -> String {
    let mut name = shown.trim();
    loop {
        let mut chars = name.chars();
        let (Some(first), Some(last)) = (chars.next(), chars.next_back()) else { break };
        let pair = matches!(
            (first, last),
            ('*', '*') | ('_', '_') | ('`', '`') | ('\'', '\'') | ('"', '"') | ('\u{2018}', '\u{2019}')
        );
        if !pair {
            break;
        }
        name = name[first.len_utf8()..name.len() - last.len_utf8()].trim();
    }
    if let Some(rest) = name.get(..3).filter(|p| p.eq_ignore_ascii_case("CN=")).map(|_| &name[3..]) {
        name = rest.split(',').next().unwrap_or(rest).trim();
    }
    name.to_owned()
}

/// True when `name` has the form of a server's host name (letters, digits, hyphens, dots), the
/// only form a command may name a server by.
pub fn is_host_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// The key that tells servers apart: the first DNS label of the name, in ASCII lower case, so
/// that `EX01`, `ex01.contoso.local` and `**EX01**` are one server. Exchange server names are
/// the computers' NetBIOS names and unique in an organisation, so the domain part adds nothing.
/// An IP address is kept whole.
pub fn server_key(shown: &str) -> String {
    let name = server_name(shown);
    let is_address = name.contains(':') || (!name.is_empty() && name.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
    let host = if is_address { name.as_str() } else { name.split('.').next().unwrap_or(&name) };
    host.to_ascii_lowercase()
}

/// True when two names name the same server (see [`server_key`]).
pub fn same_server(a: &str, b: &str) -> bool {
    server_key(a) == server_key(b)
}

/// The servers a multi-valued property names (`SourceTransportServers`, the hybrid
/// configuration's transport servers), each once, in the order shown, without marks.
pub fn server_names(field: Option<Field>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    // The keys seen so far: a hybrid configuration may list thousands of servers, and comparing
    // each with every one before it took time that grows with the square of the list.
    let mut seen = std::collections::BTreeSet::new();
    let items = field.map(Field::items).unwrap_or_default();
    for name in items.iter().map(|n| server_name(n)).filter(|n| !n.is_empty()) {
        if seen.insert(server_key(&name)) {
            names.push(name);
        }
    }
    names
}

/// An Exchange server: its name, version and role.
#[derive(Clone, Debug)]
pub struct Server {
    // No rule reads it yet; the build rules of issue 16 may point at the server's object.
    #[allow(dead_code)]
    pub object: usize,
    pub name: String,
    pub version: Option<Version>,
    pub edge: bool,
}

/// Everything the certificate and connector rules look up.
#[derive(Debug, Default)]
pub struct Topology<'a> {
    pub servers: Vec<Server>,
    /// The certificates of each server (key: [`server_key`]), merged by
    /// thumbprint: a table row and a list of the same certificate become one, the list's details
    /// winning. Certificates whose server cannot be told are not here.
    certificates: BTreeMap<String, Vec<Certificate>>,
    /// The hybrid configuration (the last one, when the input shows several).
    pub hybrid: Option<&'a HybridConfiguration<'a>>,
}

impl<'a> Topology<'a> {
    pub fn read(views: Views<'a>) -> Topology<'a> {
        let mut topology = Topology::default();
        let mut certificates = Vec::new();
        for view in views.all() {
            match view {
                View::ExchangeServer(server) => topology.servers.extend(Server::read(server)),
                View::ExchangeCertificate(certificate) => certificates.push(Certificate::read(certificate)),
                View::HybridConfiguration(hybrid) => topology.hybrid = Some(hybrid),
                _ => {}
            }
        }
        topology.certificates = by_server(certificates);
        topology
    }

    /// The certificates pasted for `server` (see `certificates`).
    pub fn certificates_of(&self, server: &str) -> &[Certificate] {
        self.certificates.get(&server_key(server)).map_or(&[], Vec::as_slice)
    }

    /// The server `name` names, as `Get-ExchangeServer` showed it (see [`server_key`]).
    pub fn server(&self, name: &str) -> Option<&Server> {
        let key = server_key(name);
        self.servers.iter().find(|s| server_key(&s.name) == key)
    }

    /// True when an Edge Transport server takes part in hybrid mail flow.
    pub fn edge_in_play(&self) -> bool {
        self.servers.iter().any(|s| s.edge) || self.hybrid.is_some_and(|h| !h.edge_servers().is_empty())
    }

    /// The servers that handle hybrid mail: the hybrid configuration's transport servers when
    /// the paste shows them, else every server the paste shows.
    pub fn hybrid_servers(&self) -> Vec<String> {
        self.hybrid_transport_servers().unwrap_or_else(|| self.servers.iter().map(|s| s.name.clone()).collect())
    }

    /// The hybrid configuration's sending, receiving and Edge transport servers, each once, or
    /// `None` when the paste shows no hybrid configuration or none of those servers.
    pub fn hybrid_transport_servers(&self) -> Option<Vec<String>> {
        self.hybrid?.transport_servers()
    }

    /// The servers whose certificates the paste shows, as the certificates name them.
    pub fn servers_with_certificates(&self) -> Vec<String> {
        self.certificates.values().filter_map(|c| c.first()?.server.clone()).collect()
    }
}

impl Server {
    /// The server an Exchange server object shows, when it shows a name.
    fn read(view: &ExchangeServer) -> Option<Server> {
        let name = view.name.and_then(Field::text).or(view.object.identity.as_ref().map(|i| i.text.as_str()))?;
        let role = view.server_role.and_then(Field::text).unwrap_or_default();
        Some(Server {
            object: view.index,
            name: server_name(name),
            version: view.admin_display_version.and_then(Field::text).and_then(parse_version),
            edge: role.to_ascii_lowercase().contains("edge"),
        })
    }
}

/// The certificates of each server, merged by thumbprint. A certificate pasted without its
/// server takes the server of another copy of it.
fn by_server(certificates: Vec<Certificate>) -> BTreeMap<String, Vec<Certificate>> {
    // Filled by `insert`, not `collect`, which would add a sort of its own to the page (see `sort`).
    let mut by_thumbprint: BTreeMap<String, String> = BTreeMap::new();
    for certificate in &certificates {
        if let (Some(thumbprint), Some(server)) = (&certificate.thumbprint, &certificate.server) {
            by_thumbprint.insert(thumbprint.clone(), server.clone());
        }
    }
    let mut by_server: BTreeMap<String, Vec<Certificate>> = BTreeMap::new();
    for mut certificate in certificates {
        if certificate.server.is_none() {
            certificate.server = certificate.thumbprint.as_ref().and_then(|t| by_thumbprint.get(t)).cloned();
        }
        let Some(server) = certificate.server.as_deref().map(server_key) else { continue };
        let merged = by_server.entry(server).or_default();
        match merged.iter_mut().find(|m| m.thumbprint.is_some() && m.thumbprint == certificate.thumbprint) {
            Some(m) => {
                m.object = certificate.object;
                m.issuer = certificate.issuer.or(m.issuer.take());
                m.subject = certificate.subject.or(m.subject.take());
                m.not_after = certificate.not_after.or(m.not_after);
                m.smtp = certificate.smtp.or(m.smtp);
                m.status = certificate.status.or(m.status.take());
                m.has_private_key = certificate.has_private_key.or(m.has_private_key);
                m.domains = certificate.domains.or(m.domains.take());
            }
            None => merged.push(certificate),
        }
    }
    by_server
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_server_under_many_names() {
        for shown in [
            "EX01",
            "ex01",
            "ex01.contoso.local",
            "**EX01**",
            "`EX01`",
            "'EX01'",
            " _EX01_ ",
            "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups",
        ] {
            assert_eq!(server_key(shown), "ex01", "{shown}");
            assert!(same_server(shown, "EX01.CONTOSO.COM"), "{shown}");
        }
        assert_eq!(server_name("**ex01.contoso.local**"), "ex01.contoso.local");
        assert!(!same_server("EX01", "EX010"));
        assert!(!same_server("EX01", "EX02.contoso.local"));
        // Addresses are compared whole.
        assert_eq!(server_key("10.0.0.5"), "10.0.0.5");
        assert!(!same_server("10.0.0.5", "10.0.0.6"));
        assert_eq!(server_key("**"), "");
    }
}
