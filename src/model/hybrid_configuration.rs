//! The hybrid configuration (`Get-HybridConfiguration`) as the rules read it: the certificate it
//! names and the servers that handle hybrid mail.

use super::field::{Field, Reader};
use super::topology::{same_server, server_key, server_names};
use super::Object;

/// The organisation's hybrid configuration.
#[derive(Clone, Copy, Debug)]
pub struct HybridConfiguration<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    // No rule reads the object itself yet; the views of issue 16's rules may.
    #[allow(dead_code)]
    pub object: &'a Object,
    /// The configuration's `Identity`, where a message about a hidden server name points when
    /// its servers do not show the hidden part.
    pub identity: Option<Field<'a>>,
    pub tls_certificate_name: Option<Field<'a>>,
    pub sending_transport_servers: Option<Field<'a>>,
    pub receiving_transport_servers: Option<Field<'a>>,
    pub edge_transport_servers: Option<Field<'a>>,
    /// The hybrid domains (`{contoso.com, fabrikam.com}`).
    pub domains: Option<Field<'a>>,
    /// The host Exchange Online's outbound connector delivers to.
    pub on_premises_smart_host: Option<Field<'a>>,
}

impl<'a> HybridConfiguration<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &[
        "TlsCertificateName",
        "SendingTransportServers",
        "ReceivingTransportServers",
        "EdgeTransportServers",
        "OnPremisesSmartHost",
        "Identity",
        "Domains",
    ];

    pub fn read(index: usize, object: &'a Object) -> HybridConfiguration<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        HybridConfiguration {
            index,
            object,
            identity: read.get("Identity"),
            tls_certificate_name: read.get("TlsCertificateName"),
            sending_transport_servers: read.get("SendingTransportServers"),
            receiving_transport_servers: read.get("ReceivingTransportServers"),
            edge_transport_servers: read.get("EdgeTransportServers"),
            domains: read.get("Domains"),
            on_premises_smart_host: read.get("OnPremisesSmartHost"),
        }
    }

    /// The Edge Transport servers, each once, without marks.
    pub fn edge_servers(&self) -> Vec<String> {
        server_names(self.edge_transport_servers)
    }

    /// The hybrid domains in lower case, each once. The domain Autodiscover uses is shown with a
    /// leading `*` (`*contoso.com`), and raw ConvertTo-Json writes each as an object with a `Domain`.
    pub fn hybrid_domains(&self) -> Vec<String> {
        let mut domains: Vec<String> = Vec::new();
        let items: Vec<String> = match self.domains.map(Field::value) {
            Some(crate::formats::Value::List(values)) => values
                .iter()
                .filter_map(|v| v.field("Domain").and_then(crate::formats::Value::as_text).or_else(|| v.as_text()))
                .map(str::to_owned)
                .collect(),
            _ => self.domains.map(Field::items).unwrap_or_default(),
        };
        for item in items {
            let domain = item.trim().trim_start_matches('*').trim_start_matches('.').to_ascii_lowercase();
            if !domain.is_empty() && !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        domains
    }

    /// The sending, receiving and Edge transport servers, each once, or `None` when the input
    /// shows none of them.
    pub fn transport_servers(&self) -> Option<Vec<String>> {
        let mut names = server_names(self.sending_transport_servers);
        names.extend(server_names(self.receiving_transport_servers));
        names.extend(self.edge_servers());
        crate::sort::sort_by_key(&mut names, |n| server_key(n));
        names.dedup_by(|a, b| same_server(a, b));
        (!names.is_empty()).then_some(names)
    }
}
