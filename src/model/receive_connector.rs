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

    /// The `TlsDomainCapabilities` entries, when the input shows the property.
    pub fn capabilities(&self) -> Option<CapabilityList> {
        self.tls_domain_capabilities.map(|field| capabilities::from_value(field.value(), field.truncated()))
    }
}
