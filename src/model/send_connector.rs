//! A send connector (`Get-SendConnector`) as the rules read it, and which Exchange Online it
//! sends to.

use super::field::{Field, Reader};
use super::topology::server_names;
use super::Object;

/// An on-premises send connector.
#[derive(Clone, Copy, Debug)]
pub struct SendConnector<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    /// The connector's `Identity`, where a message about a hidden server name points when its
    /// servers do not show the hidden part.
    pub identity: Option<Field<'a>>,
    pub smart_hosts: Option<Field<'a>>,
    pub address_spaces: Option<Field<'a>>,
    pub cloud_services_mail_enabled: Option<Field<'a>>,
    pub require_tls: Option<Field<'a>>,
    pub tls_auth_level: Option<Field<'a>>,
    pub tls_domain: Option<Field<'a>>,
    pub tls_certificate_name: Option<Field<'a>>,
    pub fqdn: Option<Field<'a>>,
    pub source_transport_servers: Option<Field<'a>>,
}

impl<'a> SendConnector<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`:
    /// the properties only an on-premises connector has).
    pub const PROPERTIES: &'static [&'static str] = &[
        "SmartHosts",
        "AddressSpaces",
        "CloudServicesMailEnabled",
        "RequireTLS",
        "TlsAuthLevel",
        "TlsDomain",
        "TlsCertificateName",
        "Fqdn",
        "SourceTransportServers",
        "Identity",
        "DNSRoutingEnabled",
    ];

    pub fn read(index: usize, object: &'a Object) -> SendConnector<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        SendConnector {
            index,
            object,
            identity: read.get("Identity"),
            smart_hosts: read.get("SmartHosts"),
            address_spaces: read.get("AddressSpaces"),
            cloud_services_mail_enabled: read.get("CloudServicesMailEnabled"),
            require_tls: read.get("RequireTLS"),
            tls_auth_level: read.get("TlsAuthLevel"),
            tls_domain: read.get("TlsDomain"),
            tls_certificate_name: read.get("TlsCertificateName"),
            fqdn: read.get("Fqdn"),
            source_transport_servers: read.get("SourceTransportServers"),
        }
    }

    /// The servers that send through the connector, each once, without marks.
    pub fn source_servers(&self) -> Vec<String> {
        server_names(self.source_transport_servers)
    }

    /// The Exchange Online the connector goes to: a smart host `<tenant>.mail.protection.outlook.com`
    /// (or the 21Vianet and GCC High counterparts), or, without smart hosts, an address space
    /// `<tenant>.mail.onmicrosoft.com` (or its counterparts). `None` for any other connector.
    pub fn cloud(&self) -> Option<Cloud> {
        let smart_hosts = self.smart_hosts.map(Field::items).unwrap_or_default();
        if !smart_hosts.is_empty() {
            return smart_hosts.iter().find_map(|host| {
                let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
                let (tenant, rest) = host.split_once('.')?;
                let cloud = match rest {
                    "mail.protection.outlook.com" => Cloud::Worldwide,
                    "mail.protection.partner.outlook.cn" => Cloud::China,
                    "mail.protection.office365.us" => Cloud::Government,
                    _ => return None,
                };
                (!tenant.is_empty()).then_some(cloud)
            });
        }
        self.address_spaces.map(Field::items).unwrap_or_default().iter().find_map(|space| {
            let space = space.to_ascii_lowercase();
            let space = space.strip_prefix("smtp:").unwrap_or(&space);
            let domain = space.split(';').next()?.trim();
            let (tenant, rest) = domain.split_once('.')?;
            let cloud = match rest {
                "mail.onmicrosoft.com" => Cloud::Worldwide,
                "mail.partner.onmschina.cn" => Cloud::China,
                "mail.onmicrosoft.us" => Cloud::Government,
                _ => return None,
            };
            (!tenant.is_empty() && tenant != "*").then_some(cloud)
        })
    }
}

/// Which Exchange Online a connector sends to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Worldwide,
    China,
    Government,
}

impl Cloud {
    /// The domain Exchange Online's certificate is validated against.
    pub fn tls_domain(self) -> &'static str {
        match self {
            Cloud::Worldwide => "mail.protection.outlook.com",
            Cloud::China => "mail.protection.partner.outlook.cn",
            Cloud::Government => "mail.protection.office365.us",
        }
    }
}
