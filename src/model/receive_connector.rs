//! A receive connector (`Get-ReceiveConnector`) as the rules read it.

use super::capabilities::{self, fold, Capability, CapabilityList, Key};
use super::field::{Field, Reader};
use super::ip_range::{Binding, IpRange};
use super::topology::server_name;
use super::Object;
use crate::formats::Value;

/// A receive connector: the certificate it names, the Exchange Online entries it trusts, and
/// what names it and its server.
#[derive(Clone, Copy, Debug)]
pub struct ReceiveConnector<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    /// `Identity`, `Id` and `Name`, which name the connector; `Server`, which names its server.
    pub identity: Option<Field<'a>>,
    pub id: Option<Field<'a>>,
    pub name: Option<Field<'a>>,
    pub server: Option<Field<'a>>,
    pub tls_domain_capabilities: Option<Field<'a>>,
    pub tls_certificate_name: Option<Field<'a>>,
    /// What decides which connector takes a session: the role of the transport service it runs
    /// in (`FrontendTransport`, `HubTransport`), whether it is on, the local addresses and ports
    /// it listens on (`Bindings`) and the remote addresses it accepts (`RemoteIPRanges`).
    pub transport_role: Option<Field<'a>>,
    pub enabled: Option<Field<'a>>,
    pub bindings: Option<Field<'a>>,
    pub remote_ip_ranges: Option<Field<'a>>,
    /// What a session may do on it: `AuthMechanism` (`Tls` offers STARTTLS) and `PermissionGroups`.
    pub auth_mechanism: Option<Field<'a>>,
    pub permission_groups: Option<Field<'a>>,
    /// The name the connector gives itself, by which Exchange picks a certificate when
    /// `TlsCertificateName` is empty.
    pub fqdn: Option<Field<'a>>,
}

impl<'a> ReceiveConnector<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &[
        "Identity",
        "Id",
        "Name",
        "Server",
        "TlsDomainCapabilities",
        "TlsCertificateName",
        "Bindings",
        "PermissionGroups",
        "AuthMechanism",
        "RemoteIPRanges",
        "TransportRole",
        "Enabled",
        "Fqdn",
    ];

    pub fn read(index: usize, object: &'a Object) -> ReceiveConnector<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        ReceiveConnector {
            index,
            object,
            identity: read.get("Identity"),
            id: read.get("Id"),
            name: read.get("Name"),
            server: read.get("Server"),
            tls_domain_capabilities: read.get("TlsDomainCapabilities"),
            tls_certificate_name: read.get("TlsCertificateName"),
            transport_role: read.get("TransportRole"),
            enabled: read.get("Enabled"),
            bindings: read.get("Bindings"),
            remote_ip_ranges: read.get("RemoteIPRanges"),
            auth_mechanism: read.get("AuthMechanism"),
            permission_groups: read.get("PermissionGroups"),
            fqdn: read.get("Fqdn"),
        }
    }

    /// The server the connector runs on: its `Server` property (text, or an object with a
    /// `Name`), else the prefix of its identity; without the marks around it.
    pub fn server_name(&self) -> Option<String> {
        self.server
            .and_then(Field::text)
            .or_else(|| self.server.and_then(|s| s.value().field("Name")).and_then(Value::as_text))
            .or_else(|| self.object.identity.as_ref().and_then(|i| i.text.split_once('\\')).map(|(s, _)| s))
            .map(server_name)
            .filter(|name| !name.is_empty())
    }

    /// The property that names the connector, as a message about a hidden name calls it: the
    /// first of `Identity`, `Id` and `Name` that the input shows, else `Identity`.
    pub fn naming_property(&self) -> (&'static str, Option<Field<'a>>) {
        [("Identity", self.identity), ("Id", self.id), ("Name", self.name)]
            .into_iter()
            .find(|(_, field)| field.is_some())
            .unwrap_or(("Identity", None))
    }

    /// False when the input shows the connector disabled; a connector whose `Enabled` the input
    /// does not show counts as on.
    pub fn is_enabled(&self) -> bool {
        self.enabled.and_then(Field::flag) != Some(false)
    }

    /// The transport role the input shows (`FrontendTransport`, `HubTransport`), if any.
    pub fn role(&self) -> Option<&'a str> {
        self.transport_role.and_then(Field::text)
    }

    /// True when the input shows `AuthMechanism` and it holds `Tls` (the connector offers
    /// STARTTLS); `None` when the input does not show it.
    pub fn offers_tls(&self) -> Option<bool> {
        let field = self.auth_mechanism?;
        // Raw exports write the flags as a number, in which `Tls` is 1.
        if let Some(flags) = field.text().and_then(|t| t.parse::<u32>().ok()) {
            return Some(flags & 1 != 0);
        }
        Some(field.items().iter().flat_map(|item| item.split([',', ' '])).any(|word| word.eq_ignore_ascii_case("Tls")))
    }

    /// True when the role the input shows is the Front End Transport service's, or the input
    /// does not show the role; Edge servers have no such role and are asked by their caller.
    /// Raw exports write the role as its `ServerRole` flag, 16384 for the Front End Transport
    /// service (32, `HubTransport`, for the Transport service).
    pub fn may_be_frontend(&self) -> bool {
        self.role().is_none_or(|role| role.eq_ignore_ascii_case("FrontendTransport") || role == "16384")
    }

    /// The local addresses and ports, when the input shows every one of them readably.
    pub fn binding_list(&self) -> Option<Vec<Binding>> {
        let field = self.bindings.filter(|f| !f.truncated() && !f.is_lost())?;
        address_items(field).iter().map(|(text, _)| text.as_deref().and_then(Binding::parse)).collect()
    }

    /// True when the input shows a binding on `port`; `None` when it does not show the bindings.
    pub fn listens_on(&self, port: u16) -> Option<bool> {
        let field = self.bindings.filter(|f| !f.is_lost())?;
        let bindings: Vec<Binding> =
            address_items(field).iter().filter_map(|(text, _)| text.as_deref().and_then(Binding::parse)).collect();
        (!bindings.is_empty() || !field.truncated()).then(|| bindings.iter().any(|b| b.port == port))
    }

    /// The remote address ranges, when the input shows every one of them readably: each with its
    /// text, and whether the input showed the item as that text (raw JSON shows only its bounds,
    /// which are written `lower-upper`).
    pub fn remote_ranges(&self) -> Option<Vec<(IpRange, String, bool)>> {
        let field = self.remote_ip_ranges.filter(|f| !f.truncated() && !f.is_lost())?;
        address_items(field)
            .into_iter()
            .map(|(text, as_shown)| {
                let text = text?;
                IpRange::parse(&text).map(|range| (range, text, as_shown))
            })
            .collect()
    }

    /// Whether the list holds an entry that accepts Exchange Online's mail as hybrid mail
    /// (`AcceptCloudServicesMail` for a `mail.protection` domain of one of its clouds, by domain
    /// or by certificate). `None` when the input does not tell: the list is not shown, lost, or
    /// cut or redacted without such an entry in sight.
    pub fn accepts_cloud_mail(&self) -> Option<bool> {
        let field = self.tls_domain_capabilities.filter(|f| !f.is_lost())?;
        let list = capabilities::from_value(field.value(), field.truncated());
        if list.entries.iter().any(is_cloud_entry) {
            return Some(true);
        }
        (!list.truncated && list.unread == 0 && field.hidden().is_none()).then_some(false)
    }

    /// The `TlsDomainCapabilities` entries, when the input shows the property.
    pub fn capabilities(&self) -> Option<CapabilityList> {
        self.tls_domain_capabilities.map(|field| capabilities::from_value(field.value(), field.truncated()))
    }
}

/// The `mail.protection` domains of Exchange Online's clouds, folded: worldwide, operated by
/// 21Vianet, and US Government.
const CLOUD_DOMAINS: &[&str] = &[
    "mail.protection.outlook.com",
    "*.mail.protection.partner.outlook.cn",
    "mail.protection.partner.outlook.cn",
    "mail.protection.office365.us",
];

/// True for an entry that grants `AcceptCloudServicesMail` to Exchange Online, by its domain or
/// by a certificate whose subject's common name is that domain.
pub fn is_cloud_entry(entry: &Capability) -> bool {
    let cloud = match &entry.key {
        Key::Domain(domain) => CLOUD_DOMAINS.contains(&fold(domain).as_str()),
        Key::Certificate { subject, .. } => {
            subject.split(',').any(|part| fold(part).strip_prefix("cn=").is_some_and(|cn| CLOUD_DOMAINS.contains(&cn)))
        }
    };
    cloud && entry.capabilities.split(',').any(|c| c.trim().eq_ignore_ascii_case("AcceptCloudServicesMail"))
}

/// The fields of a `Bindings` item (`Address`, `Port`) and of a `RemoteIPRanges` item
/// (`LowerBound`, `UpperBound`) that raw ConvertTo-Json writes as objects.
pub const ADDRESS_FIELDS: &[&str] = &["Address", "Port", "LowerBound", "UpperBound"];

/// The items of `Bindings` or `RemoteIPRanges` as text, each with whether the input showed it as
/// that text: a raw JSON object is turned into the text form from its fields (`0.0.0.0:25`,
/// `40.92.0.0-40.93.255.255`), which is not how the server prints it. An item with neither form
/// is `None`.
fn address_items(field: Field) -> Vec<(Option<String>, bool)> {
    let Value::List(items) = field.value() else {
        return field.items().into_iter().map(|item| (Some(item), true)).collect();
    };
    items
        .iter()
        .map(|item| {
            if let Some(text) = item.as_text() {
                return (Some(text.trim().to_owned()), true);
            }
            let text = |name: &str| item.field(name).and_then(Value::as_text).map(str::trim);
            let built = match (text("Address"), text("Port"), text("LowerBound"), text("UpperBound")) {
                (Some(address), Some(port), _, _) if address.contains(':') => Some(format!("[{address}]:{port}")),
                (Some(address), Some(port), _, _) => Some(format!("{address}:{port}")),
                (_, _, Some(lower), Some(upper)) => Some(format!("{lower}-{upper}")),
                _ => None,
            };
            (built, false)
        })
        .collect()
}
