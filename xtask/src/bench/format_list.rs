//! The Format-List inputs, as the Exchange Management Shell prints them in its 120-column console:
//! `Get-ReceiveConnector -Server X | fl` for each server of the Exchange 2013 organisation, and one
//! `Get-ReceiveConnector | Format-List *` for the whole Exchange 2019 organisation.

use super::org::{us_time, Connector, Org, Server, CERT_ISSUER, CERT_SUBJECT, KINDS};
use std::fmt::Write as _;

pub(super) const PROMPT: &str = "[PS] C:\\Windows\\system32>";
pub(super) const WIDTH: usize = 120;

impl Org {
    /// The longest property name, which sets the label column: Exchange 2013's
    /// MaxInboundConnectionPercentagePerSource, Exchange 2019's RejectReservedSecondLevelRecipientDomains.
    fn label_width(self) -> usize {
        match self {
            Org::Exchange2013 => 39,
            Org::Exchange2019 => 41,
        }
    }
}

/// One property: the label padded to the label column (`label_width` wide), then the value
/// word-wrapped into `WIDTH - 1` columns with each line's trailing space kept, as the console host does.
pub(super) fn fl_prop(out: &mut String, label_width: usize, label: &str, value: &str) {
    let room = WIDTH - 1 - (label_width + 3);
    let _ = write!(out, "{label:<label_width$} : ");
    let mut rest = value;
    loop {
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let cut = match rest[..room].rfind(' ') {
            Some(i) if i > 0 => i + 1,
            _ => room,
        };
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        out.push_str(&" ".repeat(label_width + 3));
        rest = &rest[cut..];
    }
}

/// The properties of a connector as Format-List shows them: label and text.
type Props = Vec<(&'static str, String)>;

fn props(list: &[(&'static str, &str)]) -> Props {
    list.iter().map(|&(label, value)| (label, value.to_owned())).collect()
}

fn yes(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

/// Every property of a connector, in the order Exchange lists them: 68 for Exchange 2013, and
/// six more for Exchange 2019 (see the domain reference, §1.4).
pub(super) fn fl_connector(out: &mut String, c: &Connector, org: Org) {
    let mut props = protocol_props(c);
    props.extend(limit_props(c));
    props.extend(security_props(c));
    props.extend(directory_props(c));
    if org == Org::Exchange2019 {
        add_exchange_2019_props(&mut props);
    }
    for (label, value) in &props {
        fl_prop(out, org.label_width(), label, value);
    }
    out.push_str("\r\n");
}

/// The SMTP protocol's settings, from `RunspaceId` to `AdvertiseClientSettings`.
fn protocol_props(c: &Connector) -> Props {
    let [(v6a, pa), (_, pb)] = c.bindings();
    let bindings = if v6a { format!("{{[::]:{pa}, 0.0.0.0:{pb}}}") } else { format!("{{0.0.0.0:{pa}, [::]:{pb}}}") };
    props(&[
        ("RunspaceId", c.runspace()),
        ("AuthMechanism", c.auth().0),
        ("Banner", ""),
        ("BinaryMimeEnabled", "True"),
        ("Bindings", &bindings),
        ("ChunkingEnabled", "True"),
        ("DefaultDomain", ""),
        ("DeliveryStatusNotificationEnabled", "True"),
        ("EightBitMimeEnabled", "True"),
        ("BareLinefeedRejectionEnabled", "False"),
        ("DomainSecureEnabled", yes(c.hybrid())),
        ("EnhancedStatusCodesEnabled", "True"),
        ("LongAddressesEnabled", "False"),
        ("OrarEnabled", "False"),
        ("SuppressXAnonymousTls", "False"),
        ("ProxyEnabled", "False"),
        ("AdvertiseClientSettings", "False"),
    ])
}

/// The name the connector answers with, its certificate, and its limits, from `Fqdn` to
/// `MaxRecipientsPerMessage`.
fn limit_props(c: &Connector) -> Props {
    let cert = if c.certificate() { format!("<I>{CERT_ISSUER}<S>{CERT_SUBJECT}") } else { String::new() };
    let comment = c.comment().unwrap_or_default();
    let per_source = c.per_source().map_or("Unlimited".to_string(), |n| n.to_string());
    props(&[
        ("Fqdn", &c.fqdn()),
        ("ServiceDiscoveryFqdn", ""),
        ("TlsCertificateName", &cert),
        ("Comment", &comment),
        ("Enabled", "True"),
        ("ConnectionTimeout", "00:10:00"),
        ("ConnectionInactivityTimeout", "00:05:00"),
        ("MessageRateLimit", "Unlimited"),
        ("MessageRateSource", "IPAddress"),
        ("MaxInboundConnection", "5000"),
        ("MaxInboundConnectionPerSource", &per_source),
        ("MaxInboundConnectionPercentagePerSource", &c.percentage().to_string()),
        ("MaxHeaderSize", "256 KB (262,144 bytes)"),
        ("MaxHopCount", "60"),
        ("MaxLocalHopCount", &c.local_hops().to_string()),
        ("MaxLogonFailures", "3"),
        ("MaxMessageSize", "36 MB (37,748,736 bytes)"),
        ("MaxProtocolErrors", "5"),
        ("MaxRecipientsPerMessage", &c.recipients().to_string()),
    ])
}

/// Who may send and how, with the TLS domain capabilities, from `PermissionGroups` to
/// `MaxAcknowledgementDelay`.
fn security_props(c: &Connector) -> Props {
    let caps = format!("{{{}}}", c.capabilities().join(", "));
    props(&[
        ("PermissionGroups", c.permissions().0),
        ("PipeliningEnabled", "True"),
        ("ProtocolLoggingLevel", if c.verbose() { "Verbose" } else { "None" }),
        ("RemoteIPRanges", "{::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, 0.0.0.0-255.255.255.255}"),
        ("RequireEHLODomain", "False"),
        ("RequireTLS", "False"),
        ("EnableAuthGSSAPI", "False"),
        ("ExtendedProtectionPolicy", "None"),
        ("LiveCredentialEnabled", "False"),
        ("TlsDomainCapabilities", &caps),
        ("Server", &c.server.name),
        ("TransportRole", c.role().0),
        ("SizeEnabled", "Enabled"),
        ("TarpitInterval", "00:00:05"),
        ("MaxAcknowledgementDelay", "00:00:30"),
    ])
}

/// The connector as a directory object, from `AdminDisplayName` to `ObjectState`.
fn directory_props(c: &Connector) -> Props {
    props(&[
        ("AdminDisplayName", ""),
        ("ExchangeVersion", "0.1 (8.0.535.0)"),
        ("Name", &c.name()),
        ("DistinguishedName", &c.dn()),
        ("Identity", &c.identity()),
        ("Guid", c.guid()),
        ("ObjectCategory", "contoso.com/Configuration/Schema/ms-Exch-Smtp-Receive-Connector"),
        ("ObjectClass", "{top, msExchSmtpReceiveConnector}"),
        ("WhenChanged", &us_time(c.changed(), true)),
        ("WhenCreated", &us_time(c.server.created, true)),
        ("WhenChangedUTC", &us_time(c.changed(), false)),
        ("WhenCreatedUTC", &us_time(c.server.created, false)),
        ("OrganizationId", ""),
        ("Id", &c.identity()),
        ("OriginatingServer", "DC01.contoso.com"),
        ("IsValid", "True"),
        ("ObjectState", "Unchanged"),
    ])
}

/// The six properties Exchange 2019 adds, each after the one it follows in its list.
fn add_exchange_2019_props(props: &mut Props) {
    let mut insert_after = |before: &str, added: &[(&'static str, &str)]| {
        let at = props.iter().position(|(label, _)| *label == before).expect("a 2013 property") + 1;
        props.splice(at..at, self::props(added));
    };
    insert_after("EightBitMimeEnabled", &[("SmtpUtf8Enabled", "False")]);
    insert_after(
        "TransportRole",
        &[
            ("RejectReservedTopLevelRecipientDomains", "False"),
            ("RejectReservedSecondLevelRecipientDomains", "False"),
            ("RejectSingleLabelRecipientDomains", "False"),
            ("AcceptConsumerMail", "False"),
        ],
    );
    insert_after("TarpitInterval", &[("AuthTarpitInterval", "00:00:05")]);
}

/// The Exchange 2013 organisation of `servers` servers, one command per server.
pub(super) fn format_list(servers: usize) -> Vec<u8> {
    let mut out = String::with_capacity(servers * 22_000);
    for i in 0..servers {
        let server = Server::plan(i);
        let _ = write!(out, "{PROMPT}Get-ReceiveConnector -Server {} | fl\r\n\r\n", server.name);
        for (n, kind) in KINDS.into_iter().enumerate() {
            fl_connector(&mut out, &Connector { server: &server, kind, n }, Org::Exchange2013);
        }
        out.push_str("\r\n");
    }
    out.push_str(PROMPT);
    out.push_str("\r\n");
    out.into_bytes()
}

/// The Exchange 2019 organisation of `servers` servers, all in one `Format-List *`.
pub(super) fn format_list_star_2019(servers: usize) -> Vec<u8> {
    let mut out = String::with_capacity(servers * 24_000);
    let _ = write!(out, "{PROMPT}Get-ReceiveConnector | Format-List *\r\n\r\n");
    for i in 0..servers {
        let server = Server::plan_in(Org::Exchange2019, i);
        for (n, kind) in KINDS.into_iter().enumerate() {
            fl_connector(&mut out, &Connector { server: &server, kind, n }, Org::Exchange2019);
        }
    }
    out.push_str("\r\n");
    out.push_str(PROMPT);
    out.push_str("\r\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::super::org::{CURRENT_ENTRY, LEGACY_ENTRY};
    use super::super::WORDS;
    use super::*;

    #[test]
    fn wraps_like_the_console() {
        let mut out = String::new();
        fl_prop(&mut out, 39, "TlsDomainCapabilities", &format!("{{{LEGACY_ENTRY}}}"));
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert_eq!(lines[0], "TlsDomainCapabilities                   : {<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, ");
        assert_eq!(
            lines[1],
            format!("{}DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for ", " ".repeat(42))
        );
        assert_eq!(
            lines[2],
            format!("{}Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail}}", " ".repeat(42))
        );
        // With the current entry first, the words wrap between `Machine` and `Auth`.
        for label_width in [39, 41] {
            let mut out = String::new();
            let entries = format!("{{{CURRENT_ENTRY}, {LEGACY_ENTRY}}}");
            fl_prop(&mut out, label_width, "TlsDomainCapabilities", &entries);
            assert!(!out.contains(WORDS), "{out}");
            assert!(out.lines().all(|l| l.len() < WIDTH));
        }
    }

    #[test]
    fn exchange_2019_shows_every_property_of_its_connectors() {
        let server = Server::plan_in(Org::Exchange2019, 0);
        let mut out = String::new();
        fl_connector(&mut out, &Connector { server: &server, kind: KINDS[2], n: 2 }, Org::Exchange2019);
        let labels: Vec<&str> =
            out.lines().filter(|l| !l.starts_with(' ') && !l.is_empty()).map(|l| l[..41].trim_end()).collect();
        assert_eq!(labels.len(), 74);
        assert_eq!(labels[0], "RunspaceId");
        assert_eq!(&labels[8..11], ["EightBitMimeEnabled", "SmtpUtf8Enabled", "BareLinefeedRejectionEnabled"]);
        let role = labels.iter().position(|l| *l == "TransportRole").unwrap();
        assert_eq!(labels[role + 2], "RejectReservedSecondLevelRecipientDomains");
        assert_eq!(labels[role + 6], "TarpitInterval");
        assert_eq!(labels[role + 7], "AuthTarpitInterval");
        assert!(out.lines().all(|l| l.len() < WIDTH));
    }
}
