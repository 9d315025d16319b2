//! The domains of hybrid mail flow: accepted domains on either side (`Get-AcceptedDomain`), the
//! on-premises remote domains (`Get-RemoteDomain`), and the Edge subscriptions
//! (`Get-EdgeSubscription`) that let Edge Transport servers carry hybrid mail.
//!
//! Both sides list their accepted domains with the same cmdlet and the same properties, so which
//! side a list comes from is told from the list as a whole ([`assign_sides`]): a prefixed cmdlet
//! (`Get-EXOAcceptedDomain`), or the tenant's initial domain (`contoso.onmicrosoft.com`, which
//! every tenant has and no on-premises organisation needs) among the domains of one section.

use super::field::{Field, Reader};
use super::{Kind, Object};

/// An accepted domain, on premises (`Kind::AcceptedDomain`) or in Exchange Online
/// (`Kind::OnlineAcceptedDomain`).
#[derive(Clone, Copy, Debug)]
pub struct AcceptedDomain<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub domain_name: Option<Field<'a>>,
    pub initial_domain: Option<Field<'a>>,
}

impl<'a> AcceptedDomain<'a> {
    /// The properties the view reads; `DomainName` with `DomainType` tells the kind
    /// (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &["DomainName", "DomainType", "Default", "InitialDomain"];

    pub fn read(index: usize, object: &'a Object) -> AcceptedDomain<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        AcceptedDomain { index, object, domain_name: read.get("DomainName"), initial_domain: read.get("InitialDomain") }
    }

    /// The domain in lower case, without a leading `*.` (a domain that matches its subdomains
    /// shows as `*.contoso.com` in some outputs), else the object's name.
    pub fn domain(&self) -> Option<String> {
        let text =
            self.domain_name.and_then(Field::text).map(str::to_owned).or_else(|| self.object.display_identity())?;
        let text = text.trim().trim_start_matches("*.").to_ascii_lowercase();
        (!text.is_empty()).then_some(text)
    }

    /// True for an accepted domain only a tenant has: its initial domain.
    fn shows_a_tenant(&self) -> bool {
        self.initial_domain.and_then(Field::flag) == Some(true) || self.domain().is_some_and(|d| is_initial_domain(&d))
    }
}

/// True for a tenant's initial domain: `<tenant>.onmicrosoft.com` (or the 21Vianet and GCC High
/// counterparts), not the routing domain `<tenant>.mail.onmicrosoft.com`.
pub fn is_initial_domain(domain: &str) -> bool {
    ["onmicrosoft.com", "partner.onmschina.cn", "onmicrosoft.us"].iter().any(|suffix| {
        domain
            .strip_suffix(suffix)
            .and_then(|d| d.strip_suffix('.'))
            .is_some_and(|tenant| !tenant.is_empty() && !tenant.contains('.'))
    })
}

/// The tenant's routing domain when `domain` is one: `<tenant>.mail.onmicrosoft.com` (or the
/// 21Vianet and GCC High counterparts), in lower case.
pub fn routing_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().to_ascii_lowercase();
    let domain = domain.strip_prefix("smtp:").unwrap_or(&domain);
    let domain = domain.split(';').next().unwrap_or_default().trim().trim_start_matches("*.").to_owned();
    let tenant = ["mail.onmicrosoft.com", "mail.partner.onmschina.cn", "mail.onmicrosoft.us"]
        .iter()
        .find_map(|suffix| domain.strip_suffix(suffix).and_then(|d| d.strip_suffix('.')))?;
    (!tenant.is_empty() && !tenant.contains('.') && tenant != "*").then_some(domain)
}

/// Marks the accepted domains that come from Exchange Online: every accepted domain of a section
/// (one command's output) becomes `Kind::OnlineAcceptedDomain` when the section shows the
/// tenant's initial domain. A prefixed cmdlet already gave that kind (`Kind::from_cmdlet`).
pub fn assign_sides(objects: &mut [Object]) {
    let online_sections: Vec<(usize, crate::source::LineNo)> = objects
        .iter()
        .filter(|o| o.kind == Kind::AcceptedDomain)
        .filter(|o| AcceptedDomain::read(0, o).shows_a_tenant())
        .map(|o| (o.input, o.section_line))
        .collect();
    for object in objects.iter_mut().filter(|o| o.kind == Kind::AcceptedDomain) {
        if online_sections.contains(&(object.input, object.section_line)) {
            object.kind = Kind::OnlineAcceptedDomain;
        }
    }
}

/// An on-premises remote domain: how mail to one outside domain is formatted and trusted.
#[derive(Clone, Copy, Debug)]
pub struct RemoteDomain<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub domain_name: Option<Field<'a>>,
    pub is_internal: Option<Field<'a>>,
    pub target_delivery_domain: Option<Field<'a>>,
}

impl<'a> RemoteDomain<'a> {
    /// The properties the view reads; `IsInternal`, `TargetDeliveryDomain` and the trusted-mail
    /// flags tell the kind (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &[
        "DomainName",
        "IsInternal",
        "TargetDeliveryDomain",
        "TrustedMailOutboundEnabled",
        "TrustedMailInboundEnabled",
    ];

    pub fn read(index: usize, object: &'a Object) -> RemoteDomain<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        RemoteDomain {
            index,
            object,
            domain_name: read.get("DomainName"),
            is_internal: read.get("IsInternal"),
            target_delivery_domain: read.get("TargetDeliveryDomain"),
        }
    }

    /// The domain in lower case (`*` for the default remote domain).
    pub fn domain(&self) -> Option<String> {
        let text = self.domain_name.and_then(Field::text)?.trim().to_ascii_lowercase();
        (!text.is_empty()).then_some(text)
    }
}

/// An Edge subscription (`Get-EdgeSubscription` on a Mailbox server): one per subscribed Edge
/// Transport server, named after it.
#[derive(Clone, Copy, Debug)]
pub struct EdgeSubscription<'a> {
    pub index: usize,
    pub object: &'a Object,
    pub name: Option<Field<'a>>,
}

impl<'a> EdgeSubscription<'a> {
    /// The properties the view reads; `Site` with `Domain` and without a version tells the kind
    /// (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &["Name", "Site", "Domain"];

    pub fn read(index: usize, object: &'a Object) -> EdgeSubscription<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        EdgeSubscription { index, object, name: read.get("Name") }
    }

    /// The subscribed Edge server's name, else the object's identity.
    pub fn server(&self) -> Option<String> {
        self.name.and_then(Field::text).map(str::to_owned).or_else(|| self.object.display_identity())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_tenant_domains() {
        assert!(is_initial_domain("contoso.onmicrosoft.com"));
        assert!(is_initial_domain("contoso.onmicrosoft.us"));
        assert!(!is_initial_domain("contoso.mail.onmicrosoft.com"));
        assert!(!is_initial_domain("onmicrosoft.com"));
        assert!(!is_initial_domain("contoso.com"));
        assert_eq!(routing_domain("Contoso.Mail.OnMicrosoft.com").as_deref(), Some("contoso.mail.onmicrosoft.com"));
        assert_eq!(routing_domain("smtp:*.mail.onmicrosoft.com"), None);
        assert_eq!(routing_domain("contoso.onmicrosoft.com"), None);
        assert_eq!(
            routing_domain("SMTP:contoso.mail.onmicrosoft.com;1").as_deref(),
            Some("contoso.mail.onmicrosoft.com")
        );
        assert_eq!(routing_domain("a.b.mail.onmicrosoft.com"), None);
    }

    /// The kinds of the objects a paste holds, in order.
    fn kinds(text: &str) -> Vec<&'static str> {
        crate::check_text(text).objects.iter().map(|o| o.kind).collect()
    }

    #[test]
    fn tells_the_side_of_accepted_domains_from_the_list() {
        let table = "Name                         DomainName                   DomainType    Default\n\
                     ----                         ----------                   ----------    -------\n\
                     contoso.com                  contoso.com                  Authoritative True\n\
                     contoso.mail.onmicrosoft.com contoso.mail.onmicrosoft.com Authoritative False\n";
        let online = format!("{table}contoso.onmicrosoft.com      contoso.onmicrosoft.com      Authoritative False\n");
        assert_eq!(kinds(table), ["AcceptedDomain"; 2]);
        assert_eq!(kinds(&online), ["OnlineAcceptedDomain"; 3]);
        let prefixed = format!("PS C:\\> Get-EXOAcceptedDomain\n\n{table}");
        assert_eq!(kinds(&prefixed), ["OnlineAcceptedDomain"; 2]);
        // Two commands, two sides: only the section that shows the tenant is Exchange Online's.
        let both = format!("[PS] C:\\>Get-AcceptedDomain\n\n{table}\nPS C:\\> Get-AcceptedDomain\n\n{online}");
        assert_eq!(kinds(&both)[..2], ["AcceptedDomain"; 2]);
        assert_eq!(kinds(&both)[2..], ["OnlineAcceptedDomain"; 3]);
    }

    #[test]
    fn knows_remote_domains_and_edge_subscriptions_by_their_properties() {
        assert_eq!(
            kinds("DomainName           : *\nIsInternal           : False\nTargetDeliveryDomain : False\n"),
            ["RemoteDomain"]
        );
        assert_eq!(
            kinds("Name   : EDGE01\nSite   : contoso.com/Configuration/Sites/HQ\nDomain : contoso.com\n"),
            ["EdgeSubscription"]
        );
        assert_eq!(
            kinds("Name       : EX01\nSite       : contoso.com/Configuration/Sites/HQ\nDomain     : contoso.com\nServerRole : Mailbox\n"),
            ["Unknown"]
        );
        assert_eq!(
            kinds("Name          : 3b8f1d62-a4c9-4e07-95d2-6f1e0b7a8c43\nHybridDomains : {contoso.com}\n"),
            ["OnPremisesOrganization"]
        );
        assert_eq!(Kind::from_cmdlet("Get-EXOOnPremisesOrganization"), Some(Kind::OnPremisesOrganization));
        assert_eq!(Kind::from_cmdlet("get-edgesubscription"), Some(Kind::EdgeSubscription));
        assert_eq!(Kind::from_cmdlet("Get-RemoteDomain"), Some(Kind::RemoteDomain));
        assert_eq!(Kind::from_cmdlet("Get-AcceptedDomain"), Some(Kind::AcceptedDomain));
        assert_eq!(Kind::from_cmdlet("Set-EXOAcceptedDomain"), None);
    }
}
