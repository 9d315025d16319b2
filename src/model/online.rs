//! Exchange Online's side of hybrid mail flow: the inbound connector that accepts mail from the
//! on-premises servers (`Get-InboundConnector`) and the outbound connector that sends mail to
//! them (`Get-OutboundConnector`).
//!
//! The rules that cross both sides (`exo-connector-certificate-mismatch`, `hybrid-domain-routing`)
//! read them here, from any layout (Format-List and Format-Table text, ConvertTo-Json,
//! Export-Clixml). Values are kept as the
//! paste shows them: `TlsSettings` is `DomainValidation` in text but may be a number in JSON, and
//! the numbers of Exchange Online's enums are not guessed here.

use super::field::{Field, Reader};
use super::{Kind, Object};
use crate::formats::Value;

/// An Exchange Online inbound connector.
#[derive(Clone, Copy, Debug)]
pub struct InboundConnector<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub name: Option<Field<'a>>,
    pub enabled: Option<Field<'a>>,
    /// `OnPremises` for the connector the Hybrid Configuration Wizard creates, or `Partner`.
    pub connector_type: Option<Field<'a>>,
    /// The name the certificate of the on-premises servers must carry (`mail.contoso.com`,
    /// `*.contoso.com`).
    pub tls_sender_certificate_name: Option<Field<'a>>,
    /// The accepted domains the connector is limited to; empty for the connector the Hybrid
    /// Configuration Wizard creates.
    pub associated_accepted_domains: Option<Field<'a>>,
}

/// An Exchange Online outbound connector.
#[derive(Clone, Copy, Debug)]
pub struct OutboundConnector<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub name: Option<Field<'a>>,
    pub enabled: Option<Field<'a>>,
    pub connector_type: Option<Field<'a>>,
    /// The on-premises hosts Exchange Online delivers to.
    pub smart_hosts: Option<Field<'a>>,
    /// The name the on-premises servers' certificate must carry when `TlsSettings` is
    /// `DomainValidation`: text, or the object raw ConvertTo-Json writes (see [`Self::tls_domain`]).
    pub tls_domain: Option<Field<'a>>,
    pub tls_settings: Option<Field<'a>>,
    pub recipient_domains: Option<Field<'a>>,
    pub route_all_messages_via_on_premises: Option<Field<'a>>,
    /// True when Exchange Online looks up the recipients' MX records instead of using `SmartHosts`.
    pub use_mx_record: Option<Field<'a>>,
    /// True when the connector takes mail for every accepted domain, whatever `RecipientDomains` says.
    pub all_accepted_domains: Option<Field<'a>>,
}

/// Exchange Online's record of the on-premises organisation (`Get-OnPremisesOrganization`), which
/// the Hybrid Configuration Wizard writes: its `HybridDomains` must match the hybrid
/// configuration's `Domains`.
#[derive(Clone, Copy, Debug)]
pub struct OnPremisesOrganization<'a> {
    pub index: usize,
    pub hybrid_domains: Option<Field<'a>>,
}

impl<'a> OnPremisesOrganization<'a> {
    /// The properties the view reads; `HybridDomains` tells the kind (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &["HybridDomains", "OrganizationGuid"];

    pub fn read(index: usize, object: &'a Object) -> OnPremisesOrganization<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        OnPremisesOrganization { index, hybrid_domains: read.get("HybridDomains") }
    }

    /// The hybrid domains in lower case.
    pub fn hybrid_domains(&self) -> Vec<String> {
        items(self.hybrid_domains).iter().map(|d| d.trim().trim_start_matches('*').to_ascii_lowercase()).collect()
    }
}

/// The items of a multi-valued field; none when the input did not show it.
fn items(field: Option<Field>) -> Vec<String> {
    field.map(Field::items).unwrap_or_default()
}

impl<'a> InboundConnector<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`:
    /// the properties only Exchange Online's inbound connector has).
    pub const PROPERTIES: &'static [&'static str] = &[
        "Name",
        "Enabled",
        "ConnectorType",
        "TlsSenderCertificateName",
        "RequireTls",
        "RestrictDomainsToCertificate",
        "CloudServicesMailEnabled",
        "SenderDomains",
        "SenderIPAddresses",
        "RestrictDomainsToIPAddresses",
        "TreatMessagesAsInternal",
        "AssociatedAcceptedDomains",
    ];

    /// Reads the object at `index`; `None` when it is not an inbound connector.
    pub fn read(index: usize, object: &'a Object) -> Option<InboundConnector<'a>> {
        let read = Reader::new(object, Self::PROPERTIES);
        (object.kind == Kind::InboundConnector).then(|| InboundConnector {
            index,
            object,
            name: read.get("Name"),
            enabled: read.get("Enabled"),
            connector_type: read.get("ConnectorType"),
            tls_sender_certificate_name: read.get("TlsSenderCertificateName"),
            associated_accepted_domains: read.get("AssociatedAcceptedDomains"),
        })
    }

    /// The connector's name, else its identity.
    pub fn display_name(&self) -> Option<String> {
        self.name.and_then(Field::text).map(str::to_owned).or_else(|| self.object.display_identity())
    }

    /// True unless the paste shows the connector disabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled.and_then(Field::flag) != Some(false)
    }

    /// True for the connector type `OnPremises`, the one hybrid mail flow uses.
    pub fn is_on_premises(&self) -> bool {
        self.connector_type.and_then(Field::text).is_some_and(|t| t.eq_ignore_ascii_case("OnPremises"))
    }

    /// The certificate name the connector expects, when it expects one.
    #[cfg(test)]
    pub fn certificate_name(&self) -> Option<&'a str> {
        self.tls_sender_certificate_name.and_then(Field::text)
    }

    pub fn associated_accepted_domains(&self) -> Vec<String> {
        items(self.associated_accepted_domains)
    }
}

impl<'a> OutboundConnector<'a> {
    /// The properties the view reads (and the fields of `TlsDomain` in raw ConvertTo-Json), and
    /// those its kind is recognised by (`Kind::from_properties`: the properties only Exchange
    /// Online's outbound connector has).
    pub const PROPERTIES: &'static [&'static str] = &[
        "Name",
        "Enabled",
        "ConnectorType",
        "SmartHosts",
        "TlsDomain",
        "Domain",
        "TlsSettings",
        "CloudServicesMailEnabled",
        "RecipientDomains",
        "RouteAllMessagesViaOnPremises",
        "UseMXRecord",
        "AllAcceptedDomains",
    ];

    /// Reads the object at `index`; `None` when it is not an outbound connector.
    pub fn read(index: usize, object: &'a Object) -> Option<OutboundConnector<'a>> {
        let read = Reader::new(object, Self::PROPERTIES);
        (object.kind == Kind::OutboundConnector).then(|| OutboundConnector {
            index,
            object,
            name: read.get("Name"),
            enabled: read.get("Enabled"),
            connector_type: read.get("ConnectorType"),
            smart_hosts: read.get("SmartHosts"),
            tls_domain: read.get("TlsDomain"),
            tls_settings: read.get("TlsSettings"),
            recipient_domains: read.get("RecipientDomains"),
            route_all_messages_via_on_premises: read.get("RouteAllMessagesViaOnPremises"),
            use_mx_record: read.get("UseMXRecord"),
            all_accepted_domains: read.get("AllAcceptedDomains"),
        })
    }

    /// The connector's name, else its identity.
    pub fn display_name(&self) -> Option<String> {
        self.name.and_then(Field::text).map(str::to_owned).or_else(|| self.object.display_identity())
    }

    /// True unless the paste shows the connector disabled.
    pub fn is_enabled(&self) -> bool {
        self.enabled.and_then(Field::flag) != Some(false)
    }

    /// True for the connector type `OnPremises`, the one hybrid mail flow uses.
    pub fn is_on_premises(&self) -> bool {
        self.connector_type.and_then(Field::text).is_some_and(|t| t.eq_ignore_ascii_case("OnPremises"))
    }

    pub fn smart_hosts(&self) -> Vec<String> {
        items(self.smart_hosts)
    }

    /// `TlsDomain` as a domain: the text, or the `Domain` of the object raw ConvertTo-Json
    /// writes for an `SmtpDomainWithSubdomains`.
    pub fn tls_domain(&self) -> Option<String> {
        let field = self.tls_domain?;
        field.text().map(str::to_owned).or_else(|| {
            let domain = field.value().field("Domain").and_then(Value::as_text)?.trim();
            (!domain.is_empty()).then(|| domain.to_owned())
        })
    }

    /// `TlsSettings` as the paste shows it: `DomainValidation` in text, a number in some JSON
    /// (the numbers of Exchange Online's enums are not guessed here).
    pub fn tls_settings(&self) -> Option<&'a str> {
        self.tls_settings.and_then(Field::text)
    }

    pub fn recipient_domains(&self) -> Vec<String> {
        items(self.recipient_domains)
    }

    pub fn route_all_messages_via_on_premises(&self) -> Option<bool> {
        self.route_all_messages_via_on_premises.and_then(Field::flag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::objects_of as objects;

    fn kinds(text: &str) -> Vec<Kind> {
        objects(text).iter().map(|o| o.kind).collect()
    }

    #[test]
    fn reads_an_inbound_connector() {
        let found = objects(
            "Name                         : Inbound from 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47\n\
             ConnectorType                : OnPremises\n\
             TlsSenderCertificateName     : *.contoso.com\n\
             RequireTls                   : True\n\
             RestrictDomainsToCertificate : True\n\
             CloudServicesMailEnabled     : True\n\
             SenderIPAddresses            : {203.0.113.25, 198.51.100.0/28}\n",
        );
        let inbound = InboundConnector::read(0, &found[0]).expect("an inbound connector");
        assert_eq!(inbound.display_name().as_deref(), Some("Inbound from 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47"));
        assert!(inbound.is_on_premises());
        assert_eq!(inbound.certificate_name(), Some("*.contoso.com"));
        assert!(OutboundConnector::read(0, &found[0]).is_none());
    }

    #[test]
    fn reads_an_outbound_connector() {
        let found = objects(
            "Name                          : Outbound to 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47\n\
             ConnectorType                 : OnPremises\n\
             SmartHosts                    : {mail.contoso.com}\n\
             TlsSettings                   : DomainValidation\n\
             TlsDomain                     : mail.contoso.com\n\
             RecipientDomains              : {contoso.com, sales.contoso.com}\n\
             RouteAllMessagesViaOnPremises : False\n\
             CloudServicesMailEnabled      : True\n",
        );
        let outbound = OutboundConnector::read(0, &found[0]).expect("an outbound connector");
        assert_eq!(outbound.smart_hosts(), ["mail.contoso.com"]);
        assert_eq!(outbound.tls_domain().as_deref(), Some("mail.contoso.com"));
        assert_eq!(outbound.tls_settings(), Some("DomainValidation"));
        assert_eq!(outbound.recipient_domains(), ["contoso.com", "sales.contoso.com"]);
        assert_eq!(outbound.route_all_messages_via_on_premises(), Some(false));
        assert!(InboundConnector::read(0, &found[0]).is_none());
    }

    #[test]
    fn reads_the_tls_domain_object_of_raw_json() {
        let found = objects(
            r#"{"Name": "Outbound to Fabrikam", "TlsSettings": 4, "TlsDomain": {"Domain": "smtp.fabrikam.com", "IncludeSubDomains": false}, "SmartHosts": ["smtp.fabrikam.com"]}"#,
        );
        let outbound = OutboundConnector::read(0, &found[0]).expect("an outbound connector");
        assert_eq!(outbound.tls_domain().as_deref(), Some("smtp.fabrikam.com"));
        assert_eq!(outbound.tls_settings(), Some("4"));
    }

    #[test]
    fn reads_deserialized_clixml_values() {
        let found = objects(
            r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0"><T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantOutboundConnector</T><T>Deserialized.System.Object</T></TN>
    <ToString>Outbound to Contoso</ToString>
    <Props>
      <B N="Enabled">true</B>
      <Obj N="SmartHosts" RefId="1"><TN RefId="1"><T>Deserialized.Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SmartHost]]</T></TN>
        <LST><Obj RefId="2"><ToString>mail.contoso.com</ToString><Props><B N="IsIPAddress">false</B></Props></Obj></LST>
      </Obj>
      <Obj N="TlsDomain" RefId="3"><ToString>mail.contoso.com</ToString><Props><S N="Domain">mail.contoso.com</S></Props></Obj>
      <Obj N="TlsSettings" RefId="4"><ToString>DomainValidation</ToString><I32>4</I32></Obj>
      <B N="RouteAllMessagesViaOnPremises">false</B>
      <S N="Name">Outbound to Contoso</S>
    </Props>
  </Obj>
</Objs>"#,
        );
        let outbound = OutboundConnector::read(0, &found[0]).expect("an outbound connector");
        assert_eq!(outbound.display_name().as_deref(), Some("Outbound to Contoso"));
        assert!(outbound.is_enabled());
        assert_eq!(outbound.smart_hosts(), ["mail.contoso.com"]);
        assert_eq!(outbound.tls_domain().as_deref(), Some("mail.contoso.com"));
        assert_eq!(outbound.tls_settings(), Some("DomainValidation"));
        assert_eq!(outbound.route_all_messages_via_on_premises(), Some(false));
    }

    /// One Format-List object with its labels padded as PowerShell pads them.
    fn list(props: &[(&str, &str)]) -> String {
        let width = props.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
        props.iter().map(|(name, value)| format!("{name:width$} : {value}\n")).collect()
    }

    #[test]
    fn tells_online_connectors_from_on_premises_send_connectors() {
        let hcw_outbound = "Outbound to 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47";
        let hcw_inbound = "Inbound from 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47";
        let on_premises = "Outbound to Office 365 - 2c3e9f6a-1b7d-4e0a-8c5f-3d9b2a6e1f47";
        let cases: [(&[(&str, &str)], Kind); 12] = [
            // The properties only one side has.
            (
                &[
                    ("Identity", "Outbound to Office 365"),
                    ("SmartHosts", "{contoso-com.mail.protection.outlook.com}"),
                    ("TlsAuthLevel", "DomainValidation"),
                ],
                Kind::SendConnector,
            ),
            (
                &[
                    ("Identity", "Outbound to Office 365"),
                    ("AddressSpaces", "{smtp:contoso.mail.onmicrosoft.com;1}"),
                    ("CloudServicesMailEnabled", "True"),
                ],
                Kind::SendConnector,
            ),
            (
                &[
                    ("Name", "Outbound to Office 365"),
                    ("SmartHosts", "{}"),
                    ("TlsDomain", "mail.protection.outlook.com"),
                    ("Fqdn", "mail.contoso.com"),
                ],
                Kind::SendConnector,
            ),
            (
                &[
                    ("Name", "To partner"),
                    ("SmartHosts", "{smtp.fabrikam.com}"),
                    ("TlsDomain", "smtp.fabrikam.com"),
                    ("TlsSettings", "DomainValidation"),
                ],
                Kind::OutboundConnector,
            ),
            (
                &[
                    ("Name", "To partner"),
                    ("RecipientDomains", "{fabrikam.com}"),
                    ("CloudServicesMailEnabled", "False"),
                ],
                Kind::OutboundConnector,
            ),
            (
                &[
                    ("Name", "From partner"),
                    ("SenderDomains", "{smtp:fabrikam.com;1}"),
                    ("RequireTls", "True"),
                    ("CloudServicesMailEnabled", "False"),
                ],
                Kind::InboundConnector,
            ),
            // The connector type's value.
            (
                &[("Name", "To partner"), ("ConnectorType", "Partner"), ("SmartHosts", "{smtp.fabrikam.com}")],
                Kind::OutboundConnector,
            ),
            (
                &[("Name", "To partner"), ("ConnectorType", "Default"), ("SmartHosts", "{smtp.fabrikam.com}")],
                Kind::SendConnector,
            ),
            // The names the Hybrid Configuration Wizard gives.
            (
                &[("Name", hcw_outbound), ("SmartHosts", "{mail.contoso.com}"), ("TlsDomain", "mail.contoso.com")],
                Kind::OutboundConnector,
            ),
            (
                &[
                    ("Name", on_premises),
                    ("SmartHosts", "{contoso-com.mail.protection.outlook.com}"),
                    ("TlsDomain", "mail.protection.outlook.com"),
                ],
                Kind::SendConnector,
            ),
            (
                &[("Name", hcw_inbound), ("CloudServicesMailEnabled", "True"), ("RequireTls", "True")],
                Kind::InboundConnector,
            ),
            // Nothing tells: the send connector, as before.
            (
                &[("Name", "Smart host"), ("SmartHosts", "{relay.contoso.com}"), ("TlsDomain", "relay.contoso.com")],
                Kind::SendConnector,
            ),
        ];
        for (props, kind) in cases {
            let text = list(props);
            assert_eq!(kinds(&text), [kind], "{text}");
        }
    }

    #[test]
    fn knows_the_cmdlets_and_type_names() {
        for (cmdlet, kind) in [
            ("Get-InboundConnector", Some(Kind::InboundConnector)),
            ("get-outboundconnector", Some(Kind::OutboundConnector)),
            ("Get-EXOInboundConnector", Some(Kind::InboundConnector)),
            ("Get-CloudOutboundConnector", Some(Kind::OutboundConnector)),
            ("Get-OutboundConnectorReport", None),
            ("Set-InboundConnector", None),
            ("Get-SendConnector", Some(Kind::SendConnector)),
        ] {
            assert_eq!(Kind::from_cmdlet(cmdlet), kind, "{cmdlet}");
        }
        for (type_name, kind) in [
            ("Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantInboundConnector", Kind::InboundConnector),
            ("Microsoft.Exchange.Data.Directory.SystemConfiguration.TenantOutboundConnector", Kind::OutboundConnector),
            ("Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig", Kind::SendConnector),
        ] {
            assert_eq!(Kind::from_type_name(type_name), Some(kind), "{type_name}");
        }
    }
}
