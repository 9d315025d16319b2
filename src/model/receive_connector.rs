//! A receive connector (`Get-ReceiveConnector`) as the rules read it.

use super::capabilities::{self, CapabilityList};
use super::field::{Field, Reader};
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

    /// The `TlsDomainCapabilities` entries, when the input shows the property.
    pub fn capabilities(&self) -> Option<CapabilityList> {
        self.tls_domain_capabilities.map(|field| capabilities::from_value(field.value(), field.truncated()))
    }
}
