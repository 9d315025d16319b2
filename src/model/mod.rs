//! Typed views over generic records: which Exchange object a record is, and its identity.
//!
//! Records come from many formats with different shapes (an `Identity` string in Format-List,
//! an `Identity` object in raw ConvertTo-Json, only a distinguished name in some exports).
//! This layer hides those differences from the rules.

pub mod builds;
pub mod capabilities;
pub mod date;
pub mod online;
pub mod redaction;
pub mod topology;

use crate::formats::{Format, Prop, Record, Value};
use crate::source::{trim, LineNo};

/// True for the properties the model and the rules read; parsers keep only these in records
/// (see `formats::Wanted`). A paste of `Format-List *` has some 70 properties per connector,
/// and building values nobody reads would cost more than everything else. The test in
/// `tests/properties_read.rs` checks that every property the model and the rules ask for is here.
pub fn is_read(name: &str) -> bool {
    // Called for every property line of a paste: the name is lowercased into a buffer on the
    // stack and matched whole, which the compiler turns into a switch on length and bytes.
    const LONGEST: usize = 29;
    let bytes = name.as_bytes();
    if bytes.len() > LONGEST {
        return false;
    }
    let mut lower = [0u8; LONGEST];
    for (l, b) in lower.iter_mut().zip(bytes) {
        *l = b.to_ascii_lowercase();
    }
    matches!(
        &lower[..bytes.len()],
        b"addressspaces"
            | b"admindisplayversion"
            | b"allaccepteddomains"
            | b"associatedaccepteddomains"
            | b"authmechanism"
            | b"bindings"
            | b"capabilities"
            | b"certificateissuer"
            | b"certificatesubject"
            | b"cloudservicesmailenabled"
            | b"connectortype"
            | b"distinguishedname"
            | b"dnsroutingenabled"
            | b"domain"
            | b"edgetransportservers"
            | b"edition"
            | b"enabled"
            | b"filename"
            | b"fileversion"
            | b"fqdn"
            | b"hasprivatekey"
            | b"id"
            | b"identity"
            | b"issuer"
            | b"name"
            | b"notafter"
            | b"onpremisessmarthost"
            | b"permissiongroups"
            | b"productversion"
            | b"pscomputername"
            | b"receivingtransportservers"
            | b"recipientdomains"
            | b"remoteipranges"
            | b"requiretls"
            | b"restrictdomainstocertificate"
            | b"restrictdomainstoipaddresses"
            | b"routeallmessagesviaonpremises"
            | b"senderdomains"
            | b"senderipaddresses"
            | b"sendingtransportservers"
            | b"server"
            | b"serverrole"
            | b"services"
            | b"smarthosts"
            | b"smtpx509identifier"
            | b"sourcetransportservers"
            | b"status"
            | b"subject"
            | b"symptom"
            | b"symptomlines"
            | b"text"
            | b"thumbprint"
            | b"tlsauthlevel"
            | b"tlscertificatename"
            | b"tlsdomain"
            | b"tlsdomaincapabilities"
            | b"tlssendercertificatename"
            | b"tlssettings"
            | b"treatmessagesasinternal"
            | b"usemxrecord"
    )
}

/// The kinds of Exchange object the checker knows, as reported in `objects[].kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    ReceiveConnector,
    SendConnector,
    /// An Exchange Online inbound connector (`Get-InboundConnector`): how Exchange Online
    /// accepts mail from the on-premises servers. Never an on-premises connector.
    InboundConnector,
    /// An Exchange Online outbound connector (`Get-OutboundConnector`): how Exchange Online
    /// sends mail to the on-premises servers. Never an on-premises send connector.
    OutboundConnector,
    HybridConfiguration,
    ExchangeCertificate,
    ExchangeServer,
    FileVersionInfo,
    /// An error text recognised anywhere in the paste (see `formats::symptom`).
    Symptom,
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ReceiveConnector => "ReceiveConnector",
            Kind::SendConnector => "SendConnector",
            Kind::InboundConnector => "InboundConnector",
            Kind::OutboundConnector => "OutboundConnector",
            Kind::HybridConfiguration => "HybridConfiguration",
            Kind::ExchangeCertificate => "ExchangeCertificate",
            Kind::ExchangeServer => "ExchangeServer",
            Kind::FileVersionInfo => "FileVersionInfo",
            Kind::Symptom => "Symptom",
            Kind::Unknown => "Unknown",
        }
    }

    /// The cmdlet that lists objects of this kind.
    pub fn cmdlet(self) -> Option<&'static str> {
        match self {
            Kind::ReceiveConnector => Some("Get-ReceiveConnector"),
            Kind::SendConnector => Some("Get-SendConnector"),
            Kind::InboundConnector => Some("Get-InboundConnector"),
            Kind::OutboundConnector => Some("Get-OutboundConnector"),
            Kind::HybridConfiguration => Some("Get-HybridConfiguration"),
            Kind::ExchangeCertificate => Some("Get-ExchangeCertificate"),
            Kind::ExchangeServer => Some("Get-ExchangeServer"),
            Kind::FileVersionInfo | Kind::Symptom | Kind::Unknown => None,
        }
    }

    /// The kind a cmdlet lists, compared case-insensitively as PowerShell does.
    ///
    /// Admins who manage both sides from one shell import the Exchange Online cmdlets with a
    /// prefix (`Connect-ExchangeOnline -Prefix EXO` gives `Get-EXOInboundConnector`), so the
    /// Exchange Online connectors are also known by a `Get-` cmdlet whose noun ends with
    /// `InboundConnector` or `OutboundConnector`: no on-premises cmdlet has such a noun.
    pub fn from_cmdlet(cmdlet: &str) -> Option<Kind> {
        let exact = [
            Kind::ReceiveConnector,
            Kind::SendConnector,
            Kind::InboundConnector,
            Kind::OutboundConnector,
            Kind::HybridConfiguration,
            Kind::ExchangeCertificate,
            Kind::ExchangeServer,
        ]
        .into_iter()
        .find(|k| k.cmdlet().is_some_and(|c| c.eq_ignore_ascii_case(cmdlet)));
        if exact.is_some() {
            return exact;
        }
        let (verb, noun) = cmdlet.split_once('-')?;
        let noun = noun.to_ascii_lowercase();
        if !verb.eq_ignore_ascii_case("Get") {
            None
        } else if noun.ends_with("inboundconnector") {
            Some(Kind::InboundConnector)
        } else if noun.ends_with("outboundconnector") {
            Some(Kind::OutboundConnector)
        } else {
            None
        }
    }

    /// The kind named by a .NET type name such as `Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector`.
    pub fn from_type_name(type_name: &str) -> Option<Kind> {
        let last = type_name.rsplit('.').next().unwrap_or(type_name);
        match last {
            "ReceiveConnector" | "SmtpReceiveConnector" => Some(Kind::ReceiveConnector),
            "SendConnector" | "SmtpSendConnectorConfig" => Some(Kind::SendConnector),
            "TenantInboundConnector" | "InboundConnector" => Some(Kind::InboundConnector),
            "TenantOutboundConnector" | "OutboundConnector" => Some(Kind::OutboundConnector),
            "HybridConfiguration" => Some(Kind::HybridConfiguration),
            "ExchangeCertificate" => Some(Kind::ExchangeCertificate),
            "ExchangeServer" => Some(Kind::ExchangeServer),
            "FileVersionInfo" => Some(Kind::FileVersionInfo),
            _ => None,
        }
    }

    /// The kind a property set belongs to, for output pasted without its command.
    ///
    /// The Exchange Online connectors share `SmartHosts`, `TlsDomain`, `RequireTls`,
    /// `CloudServicesMailEnabled` and `ConnectorType` with the on-premises connectors, so they are
    /// told apart by the properties only one side has (see [`connector_side`]).
    pub fn from_properties(record: &Record) -> Kind {
        let has = |name: &str| record.get(name).is_some();
        let side = connector_side(record);
        if has("TlsDomainCapabilities")
            || (has("Bindings")
                && (has("PermissionGroups") || has("AuthMechanism") || has("RemoteIPRanges") || has("Identity")))
        {
            Kind::ReceiveConnector
        } else if has("ReceivingTransportServers") || has("SendingTransportServers") || has("OnPremisesSmartHost") {
            Kind::HybridConfiguration
        } else if side == Some(Side::OnlineInbound) {
            Kind::InboundConnector
        } else if side == Some(Side::OnlineOutbound) {
            Kind::OutboundConnector
        } else if has("AddressSpaces") || has("SmartHosts") || has("CloudServicesMailEnabled") {
            Kind::SendConnector
        } else if has("Thumbprint") && (has("Services") || has("Subject") || has("NotAfter") || has("Issuer")) {
            Kind::ExchangeCertificate
        } else if has("AdminDisplayVersion") || (has("ServerRole") && has("Edition")) {
            Kind::ExchangeServer
        } else if has("ProductVersion") && has("FileVersion") {
            Kind::FileVersionInfo
        } else {
            Kind::Unknown
        }
    }
}

/// Which side of a hybrid organisation a connector's property set belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    OnPremises,
    OnlineInbound,
    OnlineOutbound,
}

/// The side a connector belongs to by the properties only one side has, else by its
/// `ConnectorType` (`OnPremises` and `Partner` in Exchange Online, `Default` and `XPremises` on
/// premises), else by the names the Hybrid Configuration Wizard gives the Exchange Online
/// connectors (`Inbound from <guid>`, `Outbound to <guid>`; the on-premises one is
/// `Outbound to Office 365 - <guid>`). `None` when nothing tells.
fn connector_side(record: &Record) -> Option<Side> {
    let has = |name: &str| record.get(name).is_some();
    // On premises only: a send connector's address spaces, source servers, DNS routing, TLS
    // level (Exchange Online calls it `TlsSettings`), certificate name and HELO name (Exchange
    // Online's inbound connector names the certificate it expects in `TlsSenderCertificateName`).
    if has("AddressSpaces")
        || has("SourceTransportServers")
        || has("DNSRoutingEnabled")
        || has("TlsAuthLevel")
        || has("TlsCertificateName")
        || has("Fqdn")
    {
        return Some(Side::OnPremises);
    }
    if has("TlsSenderCertificateName")
        || has("RestrictDomainsToCertificate")
        || has("RestrictDomainsToIPAddresses")
        || has("SenderIPAddresses")
        || has("SenderDomains")
        || has("TreatMessagesAsInternal")
        || has("AssociatedAcceptedDomains")
    {
        return Some(Side::OnlineInbound);
    }
    if has("TlsSettings")
        || has("RecipientDomains")
        || has("RouteAllMessagesViaOnPremises")
        || has("UseMXRecord")
        || has("AllAcceptedDomains")
    {
        return Some(Side::OnlineOutbound);
    }
    let text = |name: &str| record.get(name).and_then(|p| p.value.as_text()).map(|t| t.trim().to_ascii_lowercase());
    let online = match text("ConnectorType").as_deref() {
        Some("onpremises" | "partner") => true,
        Some("default" | "xpremises") => return Some(Side::OnPremises),
        _ => false,
    };
    let name = text("Name").or_else(|| text("Identity")).unwrap_or_default();
    let guid_after = |prefix: &str| name.strip_prefix(prefix).is_some_and(is_guid);
    if guid_after("inbound from ") {
        Some(Side::OnlineInbound)
    } else if guid_after("outbound to ") || (online && (has("SmartHosts") || has("TlsDomain"))) {
        Some(Side::OnlineOutbound)
    } else {
        None
    }
}

/// True for a GUID written as `8-4-4-4-12` hexadecimal digits.
fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One Exchange object read from the input.
#[derive(Clone, Debug)]
pub struct Object {
    pub kind: Kind,
    pub input: usize,
    pub record: Record,
    pub identity: Option<Identity>,
    /// The layout the object was read from.
    pub format: Format,
    /// The first line of the report section that holds the object.
    pub section_line: LineNo,
    /// The command typed at the prompt above the object, when the paste shows one.
    pub command: Option<std::rc::Rc<str>>,
}

/// An object's identity as the input showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    /// The identity as shown (cut identities keep their `...`).
    pub text: String,
    /// The identity was read whole from an identity property, so commands may name it.
    pub complete: bool,
}

impl Object {
    pub fn new(kind: Kind, input: usize, record: Record, format: Format, section_line: LineNo) -> Object {
        // A name the paste hid (`xxx\Default Frontend xxx`) is not the whole identity either.
        let identity = identity(kind, &record).map(|mut i| {
            i.complete &= !redaction::looks_hidden(&i.text);
            i
        });
        Object { kind, input, record, identity, format, section_line, command: None }
    }

    /// The text of a property, trimmed; `None` when absent, empty or not text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.record.get(name).and_then(|p| p.value.as_text()).map(trim).filter(|s| !s.is_empty())
    }

    /// The text of a property when the input showed it whole, exactly and as it is now: not cut,
    /// with no white space guessed at a line wrap, not a quote or an old copy (`not_current`).
    /// Only such text may be written into a command.
    pub fn exact_text(&self, name: &str) -> Option<&str> {
        let prop = self.record.get(name).filter(|p| !p.truncated && !p.inexact && !p.not_current)?;
        prop.value.as_text().map(trim).filter(|s| !s.is_empty() && !crate::formats::ends_with_cut_mark(s))
    }

    /// A True/False property (`True`, `$true`, `1`), or `None` when absent or unreadable.
    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.text(name)?.trim_start_matches('$').to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }

    /// The items of a multi-valued property: a structured list, or the `{a, b}` display split at `, `.
    /// Only for properties whose items never contain `, ` themselves (server names, address spaces).
    pub fn items(&self, name: &str) -> Vec<String> {
        match self.record.get(name).map(|p| &p.value) {
            Some(Value::List(items)) => items
                .iter()
                .filter_map(|v| v.as_text().or_else(|| v.field("Name").and_then(Value::as_text)))
                .map(|s| s.trim().to_owned())
                .collect(),
            Some(Value::Text(text)) => {
                let text = text.trim();
                let text = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(text);
                crate::formats::strip_cut_mark(text)
                    .split(", ")
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            }
            Some(value @ Value::Object(_)) => value
                .as_text()
                .or_else(|| value.field("Name").and_then(Value::as_text))
                .map(|s| vec![s.trim().to_owned()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The value of a parameter in the command above the object, e.g. `EX01` for `-Server EX01`.
    pub fn command_parameter(&self, parameter: &str) -> Option<String> {
        let command = self.command.as_deref()?;
        let mut words = command.split_whitespace();
        while let Some(word) = words.next() {
            if word.eq_ignore_ascii_case(parameter) {
                let value = words.next()?.trim_matches(|c| c == '\'' || c == '"' || c == '\u{2019}' || c == '\u{2018}');
                return (!value.is_empty() && !value.starts_with('$') && !value.starts_with('('))
                    .then(|| value.to_owned());
            }
        }
        None
    }

    /// The identity to show people: the identity, or a placeholder.
    pub fn display_identity(&self) -> Option<String> {
        self.identity.as_ref().map(|i| i.text.clone())
    }
}

/// Finds the identity of a record: the `Identity` (or `Id`) property, else `Server\Name`,
/// else the distinguished name, as Exchange builds receive connector identities.
///
/// The identity is complete (commands may name it) only when every property it was read from was
/// shown whole (not cut with `...`) and exactly (no white space guessed at a line wrap), and a
/// distinguished name decoded cleanly.
fn identity(kind: Kind, record: &Record) -> Option<Identity> {
    let whole = |prop: &Prop, text: &str| !prop.truncated && !prop.inexact && !crate::formats::ends_with_cut_mark(text);
    for name in ["Identity", "Id"] {
        if let Some(prop) = record.get(name) {
            if let Some((text, decoded)) = identity_value(&prop.value) {
                let complete = decoded && whole(prop, &text);
                return Some(Identity { text, complete });
            }
        }
    }
    if kind == Kind::ReceiveConnector {
        let name = record.get("Name").filter(|p| p.value.as_text().is_some_and(|s| !s.trim().is_empty()));
        let server = record.get("Server").and_then(|p| object_name(&p.value).map(|s| (p, s)));
        if let (Some(name), Some((server_prop, server))) = (name, server) {
            let name_text = trim(name.value.as_text().unwrap_or_default());
            let complete = whole(name, name_text) && whole(server_prop, server);
            return Some(Identity { text: format!("{server}\\{name_text}"), complete });
        }
        if let Some(prop) = record.get("DistinguishedName") {
            if let Some((text, decoded)) = prop.value.as_text().and_then(receive_connector_from_dn) {
                let complete = decoded && whole(prop, &text);
                return Some(Identity { text, complete });
            }
        }
    }
    let name = match kind {
        Kind::ExchangeCertificate => "Thumbprint",
        Kind::FileVersionInfo => "FileName",
        _ => "Name",
    };
    let prop = record.get(name)?;
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
