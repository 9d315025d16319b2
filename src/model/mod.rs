//! Typed views over generic records: which Exchange object a record is, and its identity.
//!
//! Records come from many formats with different shapes (an `Identity` string in Format-List,
//! an `Identity` object in raw ConvertTo-Json, only a distinguished name in some exports).
//! This layer hides those differences from the rules.

pub mod auth;
pub mod builds;
pub mod capabilities;
pub mod date;
pub mod domain;
pub mod exchange_certificate;
pub mod exchange_server;
pub mod field;
pub mod hybrid_configuration;
pub mod identity;
pub mod ip_range;
pub mod lost_marks;
mod names;
pub mod online;
pub mod receive_connector;
pub mod redaction;
pub mod registry;
pub mod root_certificate;
pub mod send_connector;
pub mod symptom;
pub mod topology;
pub mod view;

pub use auth::{AuthConfig, AuthServer, SettingOverride};
pub use domain::{AcceptedDomain, EdgeSubscription, RemoteDomain};
pub use exchange_certificate::ExchangeCertificate;
pub use exchange_server::{ExchangeServer, FileVersionInfo};
pub use field::Field;
pub use hybrid_configuration::HybridConfiguration;
pub use identity::Identity;
pub use online::{InboundConnector, OnPremisesOrganization, OutboundConnector};
pub use receive_connector::ReceiveConnector;
pub use registry::RegistryValues;
pub use root_certificate::RootCertificate;
pub use send_connector::SendConnector;
pub use symptom::{SymptomLine, SymptomText};
pub use view::{View, Views};

use crate::formats::{Format, Prop, Record};
use crate::source::LineNo;
use names::NameSet;

/// Every property name the model reads, at any depth: each view's own list, the identity's, and
/// the fields of the structured values they read.
static READ: NameSet = NameSet::new(&[
    identity::PROPERTIES,
    ReceiveConnector::PROPERTIES,
    receive_connector::ADDRESS_FIELDS,
    capabilities::FIELDS,
    SendConnector::PROPERTIES,
    HybridConfiguration::PROPERTIES,
    topology::TLS_NAME_FIELDS,
    ExchangeCertificate::PROPERTIES,
    ExchangeServer::PROPERTIES,
    FileVersionInfo::PROPERTIES,
    InboundConnector::PROPERTIES,
    OutboundConnector::PROPERTIES,
    AuthConfig::PROPERTIES,
    AuthServer::PROPERTIES,
    SettingOverride::PROPERTIES,
    RegistryValues::PROPERTIES,
    RootCertificate::PROPERTIES,
    AcceptedDomain::PROPERTIES,
    RemoteDomain::PROPERTIES,
    EdgeSubscription::PROPERTIES,
    OnPremisesOrganization::PROPERTIES,
]);

/// The properties that [`Kind::from_properties`] tells a kind by, but for the name (`Name`,
/// `Identity`): a record that shows none of them is told by its name alone. A debug build asserts
/// at every question that the name asked about is here.
static TELLING: NameSet = NameSet::new(&[&[
    "TlsDomainCapabilities",
    "Bindings",
    "PermissionGroups",
    "AuthMechanism",
    "RemoteIPRanges",
    "ReceivingTransportServers",
    "SendingTransportServers",
    "OnPremisesSmartHost",
    "AddressSpaces",
    "SmartHosts",
    "CloudServicesMailEnabled",
    "Thumbprint",
    "PSParentPath",
    "PSPath",
    "RegistryKey",
    "Services",
    "Subject",
    "NotAfter",
    "Issuer",
    "AdminDisplayVersion",
    "ServerRole",
    "Edition",
    "ProductVersion",
    "FileVersion",
    "CurrentCertificateThumbprint",
    "NextCertificateThumbprint",
    "ComponentName",
    "SectionName",
    "IssuerIdentifier",
    "TokenIssuingEndpoint",
    "Type",
    "ApplicationIdentifier",
    "Realm",
    "HybridDomains",
    "IsInternal",
    "TargetDeliveryDomain",
    "TrustedMailOutboundEnabled",
    "DomainName",
    "DomainType",
    "Site",
    "Domain",
    // What `connector_side` asks about besides.
    "SourceTransportServers",
    "DNSRoutingEnabled",
    "TlsAuthLevel",
    "TlsCertificateName",
    "Fqdn",
    "TlsSenderCertificateName",
    "RestrictDomainsToCertificate",
    "RestrictDomainsToIPAddresses",
    "SenderIPAddresses",
    "SenderDomains",
    "TreatMessagesAsInternal",
    "AssociatedAcceptedDomains",
    "TlsSettings",
    "RecipientDomains",
    "RouteAllMessagesViaOnPremises",
    "UseMXRecord",
    "AllAcceptedDomains",
    "ConnectorType",
    "TlsDomain",
]]);

/// True for the properties the model and the rules read; parsers keep only these in records
/// (see `formats::Wanted`). A paste of `Format-List *` has some 70 properties per connector,
/// and building values nobody reads would cost more than everything else.
///
/// The names come from the views: each lists the properties it reads (its `PROPERTIES`), and
/// reads no other (a debug build asserts it at every read).
pub fn is_read(name: &str) -> bool {
    READ.contains(name)
}

/// The property `name` of a record, for the model's own reading (the kind, the identity). In a
/// debug build, asserts that the parsers keep the property: a name missing from every list would
/// silently read nothing.
fn property<'r>(record: &'r Record, name: &str) -> Option<&'r Prop> {
    debug_assert!(is_read(name), "the model reads {name}, which no list of read properties names");
    record.get(name)
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
    /// The Auth configuration (`Get-AuthConfig`): the Auth certificate's thumbprints.
    AuthConfig,
    /// An authorization server (`Get-AuthServer`).
    AuthServer,
    /// A setting override (`Get-SettingOverride`).
    SettingOverride,
    /// An on-premises accepted domain (`Get-AcceptedDomain` in the Exchange Management Shell).
    AcceptedDomain,
    /// An Exchange Online accepted domain: `Get-AcceptedDomain` in Exchange Online, told from the
    /// on-premises list by a prefixed cmdlet or the tenant's initial domain (see `domain::assign_sides`).
    OnlineAcceptedDomain,
    /// An on-premises remote domain (`Get-RemoteDomain`).
    RemoteDomain,
    /// An Edge subscription (`Get-EdgeSubscription`).
    EdgeSubscription,
    /// Exchange Online's record of the on-premises organisation (`Get-OnPremisesOrganization`).
    OnPremisesOrganization,
    /// An error text recognised anywhere in the paste (see `formats::symptom`).
    Symptom,
    /// The values of one registry key on one server (`Get-ItemProperty`, or the collector's
    /// list of the TLS and root-update keys).
    RegistryKey,
    /// A certificate of a server's trusted root store (`Get-ChildItem Cert:\LocalMachine\Root`),
    /// never an Exchange certificate.
    RootCertificate,
    Unknown,
}

/// A kind is written as its name, as in `objects[].kind`.
impl serde::Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
            Kind::AuthConfig => "AuthConfig",
            Kind::AuthServer => "AuthServer",
            Kind::SettingOverride => "SettingOverride",
            Kind::AcceptedDomain => "AcceptedDomain",
            Kind::OnlineAcceptedDomain => "OnlineAcceptedDomain",
            Kind::RemoteDomain => "RemoteDomain",
            Kind::EdgeSubscription => "EdgeSubscription",
            Kind::OnPremisesOrganization => "OnPremisesOrganization",
            Kind::Symptom => "Symptom",
            Kind::RegistryKey => "RegistryKey",
            Kind::RootCertificate => "RootCertificate",
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
            Kind::AuthConfig => Some("Get-AuthConfig"),
            Kind::AuthServer => Some("Get-AuthServer"),
            Kind::SettingOverride => Some("Get-SettingOverride"),
            Kind::RegistryKey => Some("Get-ItemProperty"),
            Kind::RootCertificate => Some("Get-ChildItem"),
            Kind::AcceptedDomain | Kind::OnlineAcceptedDomain => Some("Get-AcceptedDomain"),
            Kind::RemoteDomain => Some("Get-RemoteDomain"),
            Kind::EdgeSubscription => Some("Get-EdgeSubscription"),
            Kind::OnPremisesOrganization => Some("Get-OnPremisesOrganization"),
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
            Kind::AuthConfig,
            Kind::AuthServer,
            Kind::SettingOverride,
            Kind::AcceptedDomain,
            Kind::RemoteDomain,
            Kind::EdgeSubscription,
            Kind::OnPremisesOrganization,
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
        } else if noun.ends_with("accepteddomain") {
            // `Get-AcceptedDomain` itself was matched above: a prefix means Exchange Online.
            Some(Kind::OnlineAcceptedDomain)
        } else if noun.ends_with("onpremisesorganization") {
            Some(Kind::OnPremisesOrganization)
        } else {
            None
        }
    }

    /// The kind the command above the output names by what it reads rather than by its cmdlet:
    /// `Get-ChildItem Cert:\LocalMachine\Root` lists the trusted roots, whose certificates a
    /// property set alone would take for Exchange certificates.
    pub fn from_command(command: &str) -> Option<Kind> {
        let command = command.to_ascii_lowercase().replace('/', "\\");
        let root = ["cert:\\localmachine\\root", "cert:\\localmachine\\authroot"];
        root.iter().any(|store| command.contains(store)).then_some(Kind::RootCertificate)
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
            "AuthConfig" => Some(Kind::AuthConfig),
            "AuthServer" => Some(Kind::AuthServer),
            "SettingOverride" => Some(Kind::SettingOverride),
            "AcceptedDomain" => Some(Kind::AcceptedDomain),
            "RemoteDomain" | "DomainContentConfig" => Some(Kind::RemoteDomain),
            "EdgeSubscription" => Some(Kind::EdgeSubscription),
            "OnPremisesOrganization" => Some(Kind::OnPremisesOrganization),
            _ => None,
        }
    }

    /// The kind a property set belongs to, for output pasted without its command.
    ///
    /// The Exchange Online connectors share `SmartHosts`, `TlsDomain`, `RequireTls`,
    /// `CloudServicesMailEnabled` and `ConnectorType` with the on-premises connectors, so they are
    /// told apart by the properties only one side has (see [`connector_side`]).
    pub fn from_properties(record: &Record) -> Kind {
        // A record that shows none of the properties asked about below (objects of a cmdlet the
        // checker does not know) can still be told by its name alone. Asking for each of them
        // in turn was a fifth of the reading of the hostile `tiny-objects` (83,333 objects of
        // one property each).
        if !record.props.iter().any(|p| TELLING.contains(&p.name)) {
            return match side_by_name(record) {
                Some(Side::OnlineInbound) => Kind::InboundConnector,
                Some(Side::OnlineOutbound) => Kind::OutboundConnector,
                _ => Kind::Unknown,
            };
        }
        let has = |name: &str| shows(record, name);
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
        } else if has("Thumbprint") && root_certificate::store_of(record).is_some_and(root_certificate::is_root_store) {
            Kind::RootCertificate
        } else if has("RegistryKey") || in_registry(record) {
            Kind::RegistryKey
        } else if has("Thumbprint") && (has("Services") || has("Subject") || has("NotAfter") || has("Issuer")) {
            Kind::ExchangeCertificate
        } else if has("AdminDisplayVersion") || (has("ServerRole") && has("Edition")) {
            Kind::ExchangeServer
        } else if has("ProductVersion") && has("FileVersion") {
            Kind::FileVersionInfo
        } else if has("CurrentCertificateThumbprint") || has("NextCertificateThumbprint") {
            Kind::AuthConfig
        } else if has("ComponentName") && has("SectionName") {
            Kind::SettingOverride
        } else if has("IssuerIdentifier")
            || has("TokenIssuingEndpoint")
            || (has("Type") && (has("ApplicationIdentifier") || has("Realm")))
        {
            Kind::AuthServer
        } else if has("HybridDomains") {
            Kind::OnPremisesOrganization
        } else if has("IsInternal") || has("TargetDeliveryDomain") || has("TrustedMailOutboundEnabled") {
            Kind::RemoteDomain
        } else if has("DomainName") && has("DomainType") {
            Kind::AcceptedDomain
        } else if has("Site") && has("Domain") && !has("ServerRole") {
            Kind::EdgeSubscription
        } else {
            Kind::Unknown
        }
    }
}

/// True when the record's `PSPath` is in the registry provider (`Microsoft.PowerShell.Core\Registry::...`):
/// the output of `Get-ItemProperty` on a registry key.
fn in_registry(record: &Record) -> bool {
    property(record, "PSPath").and_then(|p| p.value.as_text()).is_some_and(|path| {
        path.split_once("::").is_some_and(|(provider, _)| provider.to_ascii_lowercase().ends_with("registry"))
    })
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
    let has = |name: &str| shows(record, name);
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
    let connector_type = property(record, "ConnectorType").and_then(|p| p.value.as_text()).map(str::trim);
    let is_type = |types: [&str; 2]| connector_type.is_some_and(|t| types.iter().any(|x| t.eq_ignore_ascii_case(x)));
    if is_type(["Default", "XPremises"]) {
        return Some(Side::OnPremises);
    }
    let online = is_type(["OnPremises", "Partner"]);
    side_by_name(record).or_else(|| (online && (has("SmartHosts") || has("TlsDomain"))).then_some(Side::OnlineOutbound))
}

/// The side of an Exchange Online connector by the name the Hybrid Configuration Wizard gives
/// it (`Inbound from <guid>`, `Outbound to <guid>`), in its `Name` or else its `Identity`.
fn side_by_name(record: &Record) -> Option<Side> {
    let text = |name: &str| property(record, name).and_then(|p| p.value.as_text());
    let name = text("Name").or_else(|| text("Identity")).unwrap_or_default().trim();
    let guid_after = |prefix: &str| {
        name.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix)) && is_guid(&name[prefix.len()..])
    };
    if guid_after("inbound from ") {
        Some(Side::OnlineInbound)
    } else if guid_after("outbound to ") {
        Some(Side::OnlineOutbound)
    } else {
        None
    }
}

/// Whether the record shows the property `name`, one of those a kind is told by.
fn shows(record: &Record, name: &str) -> bool {
    debug_assert!(TELLING.contains(name) || name == "Identity", "the kind is told by {name}, which TELLING lacks");
    property(record, name).is_some()
}

/// True for a GUID written as `8-4-4-4-12` hexadecimal digits.
pub(crate) fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// One Exchange object read from the input.
#[derive(Clone, Debug)]
pub struct Object {
    pub kind: Kind,
    pub input: usize,
    /// The properties a parser read (only those the model reads: see [`is_read`]).
    pub record: Record,
    pub identity: Option<Identity>,
    /// The layout the object was read from.
    pub format: Format,
    /// The first line of the report section that holds the object.
    pub section_line: LineNo,
    /// The command typed at the prompt above the object, when the paste shows one.
    pub command: Option<std::rc::Rc<str>>,
    /// What an object of kind `Symptom` shows (its record has no properties: only its line).
    pub symptom: Option<Box<SymptomLine>>,
}

impl Object {
    pub fn new(kind: Kind, input: usize, record: Record, format: Format, section_line: LineNo) -> Object {
        // A name the paste hid (`xxx\Default Frontend xxx`) is not the whole identity either.
        let identity = identity::read(kind, &record).map(|mut i| {
            i.complete &= !redaction::looks_hidden(&i.text);
            i
        });
        Object { kind, input, record, identity, format, section_line, command: None, symptom: None }
    }

    /// The object of one line that shows a known error text, named by the symptom's id.
    pub fn symptom(input: usize, line: LineNo, symptom: SymptomLine) -> Object {
        Object {
            kind: Kind::Symptom,
            input,
            record: Record { type_name: None, first_line: line, last_line: line, props: Vec::new() },
            identity: Some(Identity { text: symptom.symptom.id.to_owned(), complete: true }),
            format: Format::SymptomText,
            section_line: line,
            command: None,
            symptom: Some(Box::new(symptom)),
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

/// The objects of a paste without prompts, as Format-List output, each of the kind its .NET type
/// name or else its property set tells: for the views' unit tests.
#[cfg(test)]
pub(crate) fn objects_of(text: &str) -> Vec<Object> {
    let src = crate::source::Source::new(text.to_owned());
    crate::formats::parse_segment(&src, 1, src.line_count(), is_read)
        .into_iter()
        .flat_map(|block| block.records)
        .map(|record| {
            let kind = record
                .type_name
                .as_deref()
                .and_then(Kind::from_type_name)
                .unwrap_or_else(|| Kind::from_properties(&record));
            Object::new(kind, 0, record, Format::FormatList, 1)
        })
        .collect()
}
