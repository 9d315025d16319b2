//! The Export-Clixml input: `Get-ReceiveConnector | Export-Clixml rc.xml` (UTF-16LE with BOM,
//! CRLF), with Exchange's type names, each type named once and referenced after, and reference ids.

use super::json::push_spaces;
use super::org::{
    iso_local, Connector, Server, CERT_ISSUER, CERT_SUBJECT, EXO_SUBJECT, KINDS, LEGACY_ENTRY, LEGACY_ISSUER,
    PARTITION_GUID, SERIALIZATION_DATA,
};
use std::collections::HashMap;

pub(super) struct Clixml {
    pub(super) out: String,
    pub(super) next_obj: u32,
    pub(super) next_tn: u32,
    pub(super) types: HashMap<&'static str, u32>,
}

pub(super) fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

impl Clixml {
    pub(super) fn line(&mut self, depth: usize, text: &str) {
        push_spaces(&mut self.out, depth * 2);
        self.out.push_str(text);
        self.out.push_str("\r\n");
    }

    /// `<TN>` the first time a type is written, `<TNRef>` after.
    pub(super) fn tn(&mut self, depth: usize, names: &[&'static str]) {
        if let Some(id) = self.types.get(names[0]) {
            let line = format!("<TNRef RefId=\"{id}\" />");
            self.line(depth, &line);
            return;
        }
        let id = self.next_tn;
        self.next_tn += 1;
        self.types.insert(names[0], id);
        self.line(depth, &format!("<TN RefId=\"{id}\">"));
        for name in names {
            self.line(depth + 1, &format!("<T>{name}</T>"));
        }
        self.line(depth, "</TN>");
    }

    pub(super) fn open(&mut self, depth: usize, name: Option<&str>) -> u32 {
        let id = self.next_obj;
        self.next_obj += 1;
        let line = match name {
            Some(name) => format!("<Obj N=\"{name}\" RefId=\"{id}\">"),
            None => format!("<Obj RefId=\"{id}\">"),
        };
        self.line(depth, &line);
        id
    }

    pub(super) fn serialization_data(&mut self, depth: usize) {
        self.line(depth, "<MS>");
        self.line(depth + 1, &format!("<BA N=\"SerializationData\">{SERIALIZATION_DATA}</BA>"));
        self.line(depth, "</MS>");
    }

    pub(super) fn enumeration(&mut self, depth: usize, name: &str, type_name: &'static str, text: &str, value: i64) {
        self.open(depth, Some(name));
        self.tn(depth + 1, &[type_name, "System.Enum", "System.ValueType", "System.Object"]);
        self.line(depth + 1, &format!("<ToString>{text}</ToString>"));
        self.line(depth + 1, &format!("<I32>{value}</I32>"));
        self.line(depth, "</Obj>");
    }

    pub(super) fn timespan(&mut self, depth: usize, name: &str, h: i64, m: i64, sec: i64) {
        self.open(depth, Some(name));
        self.tn(depth + 1, &["Microsoft.Exchange.Data.EnhancedTimeSpan", "System.ValueType", "System.Object"]);
        self.line(depth + 1, &format!("<ToString>{h:02}:{m:02}:{sec:02}</ToString>"));
        self.line(depth + 1, "<Props>");
        for (k, v) in [("Days", 0), ("Hours", h), ("Milliseconds", 0), ("Minutes", m), ("Seconds", sec)] {
            self.line(depth + 2, &format!("<I32 N=\"{k}\">{v}</I32>"));
        }
        self.line(depth + 2, &format!("<I64 N=\"Ticks\">{}</I64>", (h * 3600 + m * 60 + sec) * 10_000_000));
        self.line(depth + 2, "<I32 N=\"Sign\">1</I32>");
        self.line(depth + 1, "</Props>");
        self.serialization_data(depth + 1);
        self.line(depth, "</Obj>");
    }

    pub(super) fn unlimited(&mut self, depth: usize, name: &str, value: Option<i64>) {
        self.open(depth, Some(name));
        self.tn(
            depth + 1,
            &[
                "Microsoft.Exchange.Data.Unlimited`1[[System.Int32, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
                "System.ValueType",
                "System.Object",
            ],
        );
        match value {
            None => {
                self.line(depth + 1, "<ToString>Unlimited</ToString>");
                self.line(depth + 1, "<Props>");
                self.line(depth + 2, "<B N=\"IsUnlimited\">true</B>");
            }
            Some(v) => {
                self.line(depth + 1, &format!("<ToString>{v}</ToString>"));
                self.line(depth + 1, "<Props>");
                self.line(depth + 2, "<B N=\"IsUnlimited\">false</B>");
                self.line(depth + 2, &format!("<I32 N=\"Value\">{v}</I32>"));
            }
        }
        self.line(depth + 1, "</Props>");
        self.serialization_data(depth + 1);
        self.line(depth, "</Obj>");
    }

    pub(super) fn byte_size(&mut self, depth: usize, name: &str, text: &str) {
        self.open(depth, Some(name));
        self.tn(depth + 1, &["Microsoft.Exchange.Data.ByteQuantifiedSize", "System.ValueType", "System.Object"]);
        self.line(depth + 1, &format!("<ToString>{text}</ToString>"));
        self.serialization_data(depth + 1);
        self.line(depth, "</Obj>");
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn adobjectid(
        &mut self,
        depth: usize,
        name: &str,
        text: &str,
        rdn: &str,
        parent: &str,
        level: i64,
        dn: &str,
        guid: &str,
        leaf: &str,
    ) -> u32 {
        let id = self.open(depth, Some(name));
        self.tn(
            depth + 1,
            &["Microsoft.Exchange.Data.Directory.ADObjectId", "Microsoft.Exchange.Data.ObjectId", "System.Object"],
        );
        self.line(depth + 1, &format!("<ToString>{}</ToString>", xml_escape(text)));
        self.line(depth + 1, "<Props>");
        let d = depth + 2;
        self.line(d, "<Nil N=\"OrgHierarchyToIgnore\" />");
        self.line(d, "<B N=\"IsDeleted\">false</B>");
        self.line(d, &format!("<S N=\"Rdn\">{rdn}</S>"));
        self.line(d, &format!("<S N=\"Parent\">{parent}</S>"));
        self.line(d, &format!("<I32 N=\"Depth\">{level}</I32>"));
        self.line(d, &format!("<S N=\"DistinguishedName\">{dn}</S>"));
        self.line(d, "<B N=\"IsRelativeDn\">false</B>");
        self.line(d, "<S N=\"DomainId\">contoso.com</S>");
        self.line(d, &format!("<G N=\"PartitionGuid\">{PARTITION_GUID}</G>"));
        self.line(d, "<S N=\"PartitionFQDN\">contoso.com</S>");
        self.line(d, &format!("<G N=\"ObjectGuid\">{guid}</G>"));
        self.line(d, &format!("<S N=\"Name\">{leaf}</S>"));
        self.line(depth + 1, "</Props>");
        self.serialization_data(depth + 1);
        self.line(depth, "</Obj>");
        id
    }

    /// One receive connector, as Export-Clixml writes it: its type, its properties in the
    /// order Exchange lists them, and what PowerShell adds.
    pub(super) fn connector(&mut self, c: &Connector) {
        let d = 2;
        self.open(1, None);
        self.tn(
            d,
            &[
                "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",
                "Microsoft.Exchange.Data.Directory.SystemConfiguration.ADConfigurationObject",
                "Microsoft.Exchange.Data.Directory.ADObject",
                "Microsoft.Exchange.Data.Directory.ADRawEntry",
                "Microsoft.Exchange.Data.ConfigurableObject",
                "System.Object",
            ],
        );
        self.line(d, &format!("<ToString>{}</ToString>", c.identity()));
        self.line(d, "<Props>");
        let p = d + 1;
        self.protocol_props(p, c);
        self.limit_props(p, c);
        self.security_props(p, c);
        self.directory_props(p, c);
        self.line(d, "</Props>");
        self.line(d, "<MS>");
        self.line(d + 1, &format!("<S N=\"PSComputerName\">{}.contoso.com</S>", c.server.name.to_ascii_lowercase()));
        self.line(d + 1, &format!("<G N=\"RunspaceId\">{}</G>", c.runspace()));
        self.line(d + 1, "<B N=\"PSShowComputerName\">false</B>");
        self.line(d + 1, &format!("<BA N=\"SerializationData\">{SERIALIZATION_DATA}</BA>"));
        self.line(d, "</MS>");
        self.line(1, "</Obj>");
    }

    /// The SMTP protocol's settings, from `AuthMechanism` to `AdvertiseClientSettings`.
    fn protocol_props(&mut self, p: usize, c: &Connector) {
        let (auth, auth_value) = c.auth();
        self.enumeration(
            p,
            "AuthMechanism",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.AuthMechanisms",
            auth,
            auth_value,
        );
        self.line(p, "<Nil N=\"Banner\" />");
        self.line(p, "<B N=\"BinaryMimeEnabled\">true</B>");
        self.bindings(p, c);
        self.line(p, "<B N=\"ChunkingEnabled\">true</B>");
        self.line(p, "<Nil N=\"DefaultDomain\" />");
        for (name, value) in [
            ("DeliveryStatusNotificationEnabled", true),
            ("EightBitMimeEnabled", true),
            ("BareLinefeedRejectionEnabled", false),
            ("DomainSecureEnabled", c.hybrid()),
            ("EnhancedStatusCodesEnabled", true),
            ("LongAddressesEnabled", false),
            ("OrarEnabled", false),
            ("SuppressXAnonymousTls", false),
            ("ProxyEnabled", false),
            ("AdvertiseClientSettings", false),
        ] {
            self.line(p, &format!("<B N=\"{name}\">{value}</B>"));
        }
    }

    /// The connector's `Bindings`: the addresses and ports it listens on.
    fn bindings(&mut self, p: usize, c: &Connector) {
        self.open(p, Some("Bindings"));
        self.tn(
            p + 1,
            &[
                "Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.IPBinding, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
                "Microsoft.Exchange.Data.MultiValuedPropertyBase",
                "System.Object",
            ],
        );
        self.line(p + 1, "<LST>");
        for (v6, port) in c.bindings() {
            let (address, family) = if v6 { ("::", "InterNetworkV6") } else { ("0.0.0.0", "InterNetwork") };
            let q = p + 2;
            self.open(q, None);
            self.tn(
                q + 1,
                &["Microsoft.Exchange.Data.IPBinding", "System.Net.IPEndPoint", "System.Net.EndPoint", "System.Object"],
            );
            let shown = if v6 { format!("[::]:{port}") } else { format!("0.0.0.0:{port}") };
            self.line(q + 1, &format!("<ToString>{shown}</ToString>"));
            self.line(q + 1, "<Props>");
            self.line(q + 2, &format!("<I32 N=\"Port\">{port}</I32>"));
            self.line(q + 2, &format!("<S N=\"AddressFamily\">{family}</S>"));
            self.open(q + 2, Some("Address"));
            self.tn(q + 3, &["System.Net.IPAddress", "System.Object"]);
            self.line(q + 3, &format!("<ToString>{address}</ToString>"));
            self.line(q + 3, "<Props>");
            self.line(q + 4, &format!("<S N=\"AddressFamily\">{family}</S>"));
            self.line(q + 3, "</Props>");
            self.line(q + 2, "</Obj>");
            self.line(q + 1, "</Props>");
            self.serialization_data(q + 1);
            self.line(q, "</Obj>");
        }
        self.line(p + 1, "</LST>");
        self.line(p, "</Obj>");
    }

    /// The name the connector answers with, its certificate, and its limits, from `Fqdn` to
    /// `MaxRecipientsPerMessage`.
    fn limit_props(&mut self, p: usize, c: &Connector) {
        self.fqdn(p, c);
        self.line(p, "<Nil N=\"ServiceDiscoveryFqdn\" />");
        self.tls_certificate_name(p, c);
        let comment = xml_escape(&c.comment().unwrap_or_default());
        self.line(p, &format!("<S N=\"Comment\">{comment}</S>"));
        self.line(p, "<B N=\"Enabled\">true</B>");
        self.timespan(p, "ConnectionTimeout", 0, 10, 0);
        self.timespan(p, "ConnectionInactivityTimeout", 0, 5, 0);
        self.unlimited(p, "MessageRateLimit", None);
        self.enumeration(
            p,
            "MessageRateSource",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.MessageRateSourceFlags",
            "IPAddress",
            1,
        );
        self.unlimited(p, "MaxInboundConnection", Some(5000));
        self.unlimited(p, "MaxInboundConnectionPerSource", c.per_source());
        self.line(p, &format!("<I32 N=\"MaxInboundConnectionPercentagePerSource\">{}</I32>", c.percentage()));
        self.byte_size(p, "MaxHeaderSize", "256 KB (262,144 bytes)");
        self.line(p, "<I32 N=\"MaxHopCount\">60</I32>");
        self.line(p, &format!("<I32 N=\"MaxLocalHopCount\">{}</I32>", c.local_hops()));
        self.line(p, "<I32 N=\"MaxLogonFailures\">3</I32>");
        self.byte_size(p, "MaxMessageSize", "36 MB (37,748,736 bytes)");
        self.unlimited(p, "MaxProtocolErrors", Some(5));
        self.line(p, &format!("<I32 N=\"MaxRecipientsPerMessage\">{}</I32>", c.recipients()));
    }

    /// The connector's `Fqdn`, the name it answers with.
    fn fqdn(&mut self, p: usize, c: &Connector) {
        let fqdn = c.fqdn();
        self.fixed_object(
            p,
            "Fqdn",
            &["Microsoft.Exchange.Data.Fqdn", "Microsoft.Exchange.Data.SmtpDomain", "System.Object"],
            &fqdn,
            &[&format!("<S N=\"Domain\">{fqdn}</S>")],
        );
    }

    /// The certificate the connector presents, when it names one.
    fn tls_certificate_name(&mut self, p: usize, c: &Connector) {
        if c.certificate() {
            self.open(p, Some("TlsCertificateName"));
            self.tn(p + 1, &["Microsoft.Exchange.Data.SmtpX509Identifier", "System.Object"]);
            self.line(
                p + 1,
                &format!("<ToString>{}</ToString>", xml_escape(&format!("<I>{CERT_ISSUER}<S>{CERT_SUBJECT}"))),
            );
            self.line(p + 1, "<Props>");
            self.line(p + 2, &format!("<S N=\"CertificateSubject\">{CERT_SUBJECT}</S>"));
            self.line(p + 2, &format!("<S N=\"CertificateIssuer\">{CERT_ISSUER}</S>"));
            self.line(p + 2, "<S N=\"SubjectCommonName\">mail.contoso.com</S>");
            self.line(p + 1, "</Props>");
            self.serialization_data(p + 1);
            self.line(p, "</Obj>");
        } else {
            self.line(p, "<Nil N=\"TlsCertificateName\" />");
        }
    }

    /// Who may send and how, with the TLS domain capabilities, from `PermissionGroups` to
    /// `MaxAcknowledgementDelay`.
    fn security_props(&mut self, p: usize, c: &Connector) {
        let (groups, groups_value) = c.permissions();
        self.enumeration(p, "PermissionGroups", "Microsoft.Exchange.Data.PermissionGroups", groups, groups_value);
        self.line(p, "<B N=\"PipeliningEnabled\">true</B>");
        let (level, level_value) = if c.verbose() { ("Verbose", 1) } else { ("None", 0) };
        self.enumeration(p, "ProtocolLoggingLevel", "Microsoft.Exchange.Data.ProtocolLoggingLevel", level, level_value);
        self.remote_ip_ranges(p);
        self.line(p, "<B N=\"RequireEHLODomain\">false</B>");
        self.line(p, "<B N=\"RequireTLS\">false</B>");
        self.line(p, "<B N=\"EnableAuthGSSAPI\">false</B>");
        self.enumeration(
            p,
            "ExtendedProtectionPolicy",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.ExtendedProtectionPolicySetting",
            "None",
            0,
        );
        self.line(p, "<B N=\"LiveCredentialEnabled\">false</B>");
        self.tls_domain_capabilities(p, c);
        let server = c.server.name.clone();
        self.adobjectid(
            p,
            "Server",
            &server,
            &format!("CN={server}"),
            "Servers",
            9,
            &c.server_dn(),
            &c.server.guid,
            &server,
        );
        let (role, role_value) = c.role();
        self.enumeration(
            p,
            "TransportRole",
            "Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole",
            role,
            role_value,
        );
        self.enumeration(p, "SizeEnabled", "Microsoft.Exchange.Data.SizeMode", "Enabled", 0);
        self.timespan(p, "TarpitInterval", 0, 0, 5);
        self.timespan(p, "MaxAcknowledgementDelay", 0, 0, 30);
    }

    /// Every IPv6 and IPv4 address.
    fn remote_ip_ranges(&mut self, p: usize) {
        self.open(p, Some("RemoteIPRanges"));
        self.tn(
            p + 1,
            &[
                "Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.IPRange, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
                "Microsoft.Exchange.Data.MultiValuedPropertyBase",
                "System.Object",
            ],
        );
        self.line(p + 1, "<LST>");
        for (lo, hi) in [("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), ("0.0.0.0", "255.255.255.255")] {
            let q = p + 2;
            self.open(q, None);
            self.tn(q + 1, &["Microsoft.Exchange.Data.IPRange", "System.Object"]);
            self.line(q + 1, &format!("<ToString>{lo}-{hi}</ToString>"));
            self.line(q + 1, "<Props>");
            self.line(q + 2, &format!("<S N=\"LowerBound\">{lo}</S>"));
            self.line(q + 2, &format!("<S N=\"UpperBound\">{hi}</S>"));
            self.line(q + 2, "<S N=\"RangeFormat\">LoHi</S>");
            self.line(q + 2, &format!("<S N=\"Expression\">{lo}-{hi}</S>"));
            self.line(q + 1, "</Props>");
            self.serialization_data(q + 1);
            self.line(q, "</Obj>");
        }
        self.line(p + 1, "</LST>");
        self.line(p, "</Obj>");
    }

    /// The connector's `TlsDomainCapabilities`, each entry an object.
    fn tls_domain_capabilities(&mut self, p: usize, c: &Connector) {
        self.open(p, Some("TlsDomainCapabilities"));
        self.tn(
            p + 1,
            &[
                "Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities, Microsoft.Exchange.Data, Version=15.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35]]",
                "Microsoft.Exchange.Data.MultiValuedPropertyBase",
                "System.Object",
            ],
        );
        let caps = c.capabilities();
        if caps.is_empty() {
            self.line(p + 1, "<LST />");
        } else {
            self.line(p + 1, "<LST>");
            for entry in caps {
                let q = p + 2;
                self.open(q, None);
                self.tn(q + 1, &["Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities", "System.Object"]);
                self.line(q + 1, &format!("<ToString>{}</ToString>", xml_escape(entry)));
                self.line(q + 1, "<Props>");
                self.line(q + 2, "<S N=\"Domain\">mail.protection.outlook.com</S>");
                self.line(q + 2, "<S N=\"Capabilities\">AcceptCloudServicesMail</S>");
                if entry == LEGACY_ENTRY {
                    let x509 = xml_escape(&format!("<I>{LEGACY_ISSUER}<S>{EXO_SUBJECT}"));
                    self.line(q + 2, &format!("<S N=\"SmtpX509Identifier\">{x509}</S>"));
                } else {
                    self.line(q + 2, "<Nil N=\"SmtpX509Identifier\" />");
                }
                self.line(q + 1, "</Props>");
                self.serialization_data(q + 1);
                self.line(q, "</Obj>");
            }
            self.line(p + 1, "</LST>");
        }
        self.line(p, "</Obj>");
    }

    /// The connector as a directory object, from `AdminDisplayName` to `ObjectState`.
    fn directory_props(&mut self, p: usize, c: &Connector) {
        self.line(p, "<S N=\"AdminDisplayName\"></S>");
        self.exchange_version(p);
        let name = c.name();
        let dn = c.dn();
        self.line(p, &format!("<S N=\"Name\">{name}</S>"));
        self.line(p, &format!("<S N=\"DistinguishedName\">{dn}</S>"));
        let identity = self.adobjectid(
            p,
            "Identity",
            &c.identity(),
            &format!("CN={name}"),
            "SMTP Receive Connectors",
            12,
            &dn,
            c.guid(),
            &name,
        );
        self.line(p, &format!("<G N=\"Guid\">{}</G>", c.guid()));
        self.adobjectid(
            p,
            "ObjectCategory",
            "contoso.com/Configuration/Schema/ms-Exch-Smtp-Receive-Connector",
            "CN=ms-Exch-Smtp-Receive-Connector",
            "contoso.com/Configuration/Schema",
            4,
            "CN=ms-Exch-Smtp-Receive-Connector,CN=Schema,CN=Configuration,DC=contoso,DC=com",
            "c0f2b7a0-008e-49ea-84bf-93c90522f208",
            "ms-Exch-Smtp-Receive-Connector",
        );
        self.object_class(p);
        self.line(p, &format!("<DT N=\"WhenChanged\">{}</DT>", iso_local(c.changed())));
        self.line(p, &format!("<DT N=\"WhenCreated\">{}</DT>", iso_local(c.server.created)));
        self.organization_id(p);
        self.line(p, &format!("<Ref N=\"Id\" RefId=\"{identity}\" />"));
        self.line(p, "<S N=\"OriginatingServer\">DC01.contoso.com</S>");
        self.line(p, "<B N=\"IsValid\">true</B>");
        self.enumeration(p, "ObjectState", "Microsoft.Exchange.Data.ObjectState", "Unchanged", 1);
    }

    /// The version of the directory object's schema.
    fn exchange_version(&mut self, p: usize) {
        self.fixed_object(
            p,
            "ExchangeVersion",
            &["Microsoft.Exchange.Data.ExchangeObjectVersion", "System.Object"],
            "0.1 (8.0.535.0)",
            &[
                "<S N=\"NextMajorVersion\">1.0 (0.0.0.0)</S>",
                "<S N=\"NextMinorVersion\">0.2 (0.0.0.0)</S>",
                "<By N=\"Major\">0</By>",
                "<By N=\"Minor\">1</By>",
                "<S N=\"ExchangeBuild\">8.0.535.0</S>",
            ],
        );
    }

    /// The directory object's classes.
    fn object_class(&mut self, p: usize) {
        self.open(p, Some("ObjectClass"));
        self.tn(
            p + 1,
            &[
                "Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String, mscorlib, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089]]",
                "Microsoft.Exchange.Data.MultiValuedPropertyBase",
                "System.Object",
            ],
        );
        self.line(p + 1, "<LST>");
        self.line(p + 2, "<S>top</S>");
        self.line(p + 2, "<S>msExchSmtpReceiveConnector</S>");
        self.line(p + 1, "</LST>");
        self.line(p, "</Obj>");
    }

    /// The organisation of an on-premises object: empty.
    fn organization_id(&mut self, p: usize) {
        self.fixed_object(
            p,
            "OrganizationId",
            &["Microsoft.Exchange.Data.Directory.OrganizationId", "System.Object"],
            "",
            &["<Nil N=\"OrganizationalUnit\" />", "<Nil N=\"ConfigurationUnit\" />", "<S N=\"IdForEventLog\"></S>"],
        );
    }

    /// A property whose value is an object of Exchange's: its type names, its text, its
    /// properties (one line each), and its serialization data.
    fn fixed_object(&mut self, p: usize, name: &str, type_names: &[&'static str], text: &str, props: &[&str]) {
        self.open(p, Some(name));
        self.tn(p + 1, type_names);
        self.line(p + 1, &format!("<ToString>{text}</ToString>"));
        self.line(p + 1, "<Props>");
        for prop in props {
            self.line(p + 2, prop);
        }
        self.line(p + 1, "</Props>");
        self.serialization_data(p + 1);
        self.line(p, "</Obj>");
    }
}

pub(super) fn export_clixml(servers: usize) -> Vec<u8> {
    let mut x = Clixml { out: String::with_capacity(servers * 90_000), next_obj: 0, next_tn: 0, types: HashMap::new() };
    x.out.push_str("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n");
    for i in 0..servers {
        let server = Server::plan(i);
        for (k, kind) in KINDS.into_iter().enumerate() {
            x.connector(&Connector { server: &server, kind, n: k });
        }
    }
    x.out.push_str("</Objs>");
    let mut bytes = Vec::with_capacity(x.out.len() * 2 + 2);
    bytes.extend_from_slice(&[0xff, 0xfe]);
    for unit in x.out.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}
