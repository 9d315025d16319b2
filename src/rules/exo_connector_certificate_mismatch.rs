//! `exo-connector-certificate-mismatch`: Exchange Online's hybrid connectors expect a certificate
//! name that the on-premises certificate no longer carries, or one that is not an accepted domain
//! of the tenant. The first rule that reads both sides of a hybrid organisation.
//!
//! Mail to Exchange Online: the on-premises send connector to Exchange Online presents the
//! certificate its `TlsCertificateName` names (else the hybrid configuration's), and Exchange
//! Online's `OnPremises` inbound connector attributes the mail to the tenant when that
//! certificate's subject matches `TlsSenderCertificateName`. Mail from Exchange Online: the
//! `OnPremises` outbound connector with `TlsSettings DomainValidation` checks that the receiving
//! servers' certificate carries `TlsDomain`.
//!
//! Names match without regard to case. A wildcard in a certificate (`*.contoso.com`) stands for
//! exactly one label (RFC 6125, section 6.4.3); a wildcard in a connector's setting stands for any
//! subdomain, as the Set-InboundConnector page describes it.

use super::{Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::topology::{read_tls_name, server_key, server_names, TlsName, TlsNameRead};
use crate::model::{Field, InboundConnector, Kind, OutboundConnector};
use crate::remediation::{collect, set_parameters, Argument};
use crate::report::{Reference, Remediation, Severity};
use std::collections::BTreeSet;

pub const RELAY_ACCESS_DENIED: Reference = Reference {
    name: "550 5.7.64 TenantAttribution; Relay Access Denied",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/relay-access-denied-smtp",
};
pub const KB4019940: Reference = Reference {
    name: "KB4019940: 550 5.7.64 Relay Access Denied ATTR36",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/hybrid-configuration-wizard-errors/relay-access-denied-attr36-ndr",
};
pub const MAIL_FLOW_INTELLIGENCE: Reference = Reference {
    name: "Mail flow intelligence: 450 4.7.320 Certificate validation failed",
    url: "https://learn.microsoft.com/en-us/defender-office-365/connectors-mail-flow-intelligence",
};
pub const SET_INBOUND_CONNECTOR: Reference = Reference {
    name: "Set-InboundConnector",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-inboundconnector",
};
pub const SET_OUTBOUND_CONNECTOR: Reference = Reference {
    name: "Set-OutboundConnector",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-outboundconnector",
};
pub const SMTP_RELAY_REQUIREMENTS: Reference = Reference {
    name: "Updated requirements for SMTP relay through Exchange Online (2023-11-01)",
    url: "https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/updated-requirements-smtp-relay",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "exo-connector-certificate-mismatch",
    severity: Severity::Error,
    title: "An Exchange Online hybrid connector expects a certificate name the on-premises certificate does not carry",
    what_it_checks: "Reads both sides. For each enabled Exchange Online inbound connector of type `OnPremises` with a `TlsSenderCertificateName`: the certificate the on-premises send connector to Exchange Online presents (the one its `TlsCertificateName` names, else the hybrid configuration's) must carry that name in its subject (error); a name found only among the certificate's `CertificateDomains` (subject alternative names) is info, because Microsoft documents matching by subject only. The name, or its parent domain, must be an accepted domain of the tenant when the paste shows Exchange Online's accepted domains (warning). For each enabled Exchange Online outbound connector of type `OnPremises` with `TlsSettings DomainValidation`: the certificate of the receiving servers (the one their receive connector for Exchange Online mail names, else the hybrid configuration's) must carry `TlsDomain` in its subject or `CertificateDomains` (error). A wildcard in a certificate stands for one label (RFC 6125); a wildcard in a connector's setting for any subdomain. Partner connectors, certificate names that look redacted, and `TlsSettings` other than `DomainValidation` are not judged.",
    why_it_matters: "After a certificate renewal under another name, or when the hybrid configuration moves to another certificate, Exchange Online no longer recognises the on-premises servers: mail from on premises is rejected with `550 5.7.64 TenantAttribution; Relay Access Denied` (or `ATTR36` when the certificate's domain is not an accepted domain), and mail to on premises is deferred with `450 4.7.320 Certificate validation failed` (`SubjectMismatch`) and returned after 24 hours.",
    example: "TlsSenderCertificateName : mail.contoso.com          (Exchange Online inbound connector)\nTlsCertificateName       : <I>CN=R11, O=Let's Encrypt, C=US<S>CN=smtp.contoso.com   (send connector to Exchange Online)",
    fix: "Preferred: rerun the Hybrid Configuration Wizard and choose the certificate the servers use now. Otherwise, in Exchange Online PowerShell: `Set-InboundConnector -Identity 'Inbound from <guid>' -TlsSenderCertificateName 'smtp.contoso.com'` (the subject name of the certificate the send connector presents), or `Set-OutboundConnector -Identity 'Outbound to <guid>' -TlsDomain 'mail.contoso.com'` (a name the receiving servers' certificate carries). A name that is not an accepted domain has no command: add and verify the domain in the Microsoft 365 admin center, or use a certificate whose name is under an accepted domain.",
    fix_safety: "Safe for the inbound connector: the command sets one value, read from the certificate's subject in the paste, and the rollback restores the value as pasted. Review for the outbound connector: hybridcheck chooses the name among those the certificate carries (the on-premises smart host when the certificate covers it). Changes in Exchange Online may take some time to take effect. When you connected with a prefix (`Connect-ExchangeOnline -Prefix EXO`), add it to the cmdlet names.",
    references: &[
        RELAY_ACCESS_DENIED,
        KB4019940,
        MAIL_FLOW_INTELLIGENCE,
        SET_INBOUND_CONNECTOR,
        SET_OUTBOUND_CONNECTOR,
        SMTP_RELAY_REQUIREMENTS,
    ],
    // Exchange Online's connectors, and what names the certificate the on-premises side presents.
    // The certificates (for their other names) and Exchange Online's accepted domains refine it.
    needs: &[
        &[Kind::InboundConnector, Kind::OutboundConnector],
        &[Kind::SendConnector, Kind::HybridConfiguration, Kind::ReceiveConnector],
    ],
};

/// A certificate the on-premises servers present to Exchange Online, as a connector or the hybrid
/// configuration names it, with the names it carries.
struct Presented {
    /// The object whose `TlsCertificateName` names it.
    named_by: usize,
    name: TlsName,
    /// The subject's common name, in lower case.
    common_name: Option<String>,
    /// The subject alternative names of the matching certificates the paste shows (`None` when no
    /// certificate with that issuer and subject was pasted with its `CertificateDomains`).
    alternative_names: Option<Vec<String>>,
}

impl Presented {
    /// How the certificate carries `wanted`: by its subject, only by a subject alternative name,
    /// or not at all.
    fn carries(&self, wanted: &str) -> Carries {
        if self.common_name.as_deref().is_some_and(|cn| covers(wanted, cn)) {
            Carries::Subject
        } else if self.alternative_names.iter().flatten().any(|name| covers(wanted, name)) {
            Carries::AlternativeName
        } else {
            Carries::No
        }
    }

    /// The subject's common name as the paste shows it, for messages and commands.
    fn shown_common_name(&self) -> String {
        common_name(&self.name.subject).unwrap_or_else(|| self.name.subject.clone())
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Carries {
    Subject,
    AlternativeName,
    No,
}

pub fn check(cx: &mut Context) {
    // The certificates on premises are gathered only for a side whose connectors the paste
    // shows: a paste of thousands of receive connectors without Exchange Online's paid a tenth
    // of its check for them.
    let inbound: Vec<InboundConnector> = cx.views.inbound_connectors().copied().collect();
    if !inbound.is_empty() {
        let sending = sending_certificates(cx);
        for connector in &inbound {
            check_inbound(cx, connector, &sending);
        }
    }
    let outbound: Vec<OutboundConnector> = cx.views.outbound_connectors().copied().collect();
    if !outbound.is_empty() {
        let receiving = receiving_certificates(cx);
        for connector in &outbound {
            check_outbound(cx, connector, &receiving);
        }
    }
}

/// The certificates presented to Exchange Online by the send connectors to it: each one's
/// `TlsCertificateName` on its source servers, else the hybrid configuration's on its sending
/// transport servers (or Edge servers).
fn sending_certificates(cx: &Context) -> Vec<Presented> {
    let mut presented = Vec::new();
    for connector in cx.views.send_connectors().filter(|c| c.cloud().is_some()) {
        if let Some(name) = usable_name(connector.tls_certificate_name) {
            add(cx, &mut presented, connector.index, name, &connector.source_servers());
        }
    }
    if presented.is_empty() {
        if let Some(hybrid) = cx.topology.hybrid {
            let mut servers = server_names(hybrid.sending_transport_servers);
            servers.extend(hybrid.edge_servers());
            if let Some(name) = usable_name(hybrid.tls_certificate_name) {
                add(cx, &mut presented, hybrid.index, name, &servers);
            }
        }
    }
    presented
}

/// The certificates the receiving servers present to Exchange Online: the names of their receive
/// connectors for Exchange Online mail (`AcceptCloudServicesMail`), else the hybrid
/// configuration's on its receiving transport servers (or Edge servers).
fn receiving_certificates(cx: &Context) -> Vec<Presented> {
    let receiving: Vec<String> = cx
        .topology
        .hybrid
        .map(|h| {
            let edge = h.edge_servers();
            if edge.is_empty() {
                server_names(h.receiving_transport_servers)
            } else {
                edge
            }
        })
        .unwrap_or_default();
    // Looked up by key, so that thousands of servers and connectors are matched in n log n.
    // Filled by `insert`, not `collect`, which would add a sort of its own to the page (see `sort`).
    let mut receiving_keys = BTreeSet::new();
    for server in &receiving {
        receiving_keys.insert(server_key(server));
    }
    let mut presented = Vec::new();
    for connector in cx.views.receive_connectors() {
        let for_exchange_online = connector
            .tls_domain_capabilities
            .and_then(Field::text)
            .is_some_and(|t| t.to_ascii_lowercase().contains("acceptcloudservicesmail"));
        let server = connector.server_name();
        let on_receiving_server =
            receiving.is_empty() || server.as_deref().is_some_and(|s| receiving_keys.contains(&server_key(s)));
        if let (true, true, Some(name), Some(server)) =
            (for_exchange_online, on_receiving_server, usable_name(connector.tls_certificate_name), server)
        {
            add(cx, &mut presented, connector.index, name, &[server]);
        }
    }
    if presented.is_empty() {
        if let (Some(hybrid), false) = (cx.topology.hybrid, receiving.is_empty()) {
            if let Some(name) = usable_name(hybrid.tls_certificate_name) {
                add(cx, &mut presented, hybrid.index, name, &receiving);
            }
        }
    }
    presented
}

/// A `TlsCertificateName` that names a certificate and does not look redacted.
fn usable_name(field: Option<Field>) -> Option<TlsName> {
    let field = field?;
    if field.hidden().is_some() {
        return None;
    }
    match read_tls_name(Some(field.value())) {
        TlsNameRead::Valid(name) => Some(name),
        _ => None,
    }
}

/// Adds a presented certificate once per issuer and subject, with the subject alternative names
/// of the certificates with that issuer and subject on `servers`.
fn add(cx: &Context, presented: &mut Vec<Presented>, named_by: usize, name: TlsName, servers: &[String]) {
    if presented.iter().any(|p| p.name.names(&name.issuer, &name.subject)) {
        return;
    }
    let mut alternative_names: Option<Vec<String>> = None;
    for server in servers {
        for certificate in cx.topology.certificates_of(server) {
            let (Some(issuer), Some(subject)) = (&certificate.issuer, &certificate.subject) else { continue };
            if let (true, Some(domains)) = (name.names(issuer, subject), &certificate.domains) {
                alternative_names.get_or_insert_with(Vec::new).extend(domains.iter().cloned());
            }
        }
    }
    let common_name = common_name(&name.subject).map(|cn| cn.to_ascii_lowercase());
    presented.push(Presented { named_by, name, common_name, alternative_names });
}

/// The common name of a distinguished name (`CN=mail.contoso.com, O=Contoso Ltd, C=US`).
pub fn common_name(subject: &str) -> Option<String> {
    subject.split(',').map(str::trim).find_map(|part| {
        let (key, value) = part.split_once('=')?;
        (key.trim().eq_ignore_ascii_case("CN") && !value.trim().is_empty()).then(|| value.trim().to_owned())
    })
}

/// True when a certificate name `carried` (subject or alternative name) satisfies the connector's
/// setting `wanted`, without regard to case. A certificate's `*.x` covers one label under `x`;
/// a setting's `*.x` accepts any name under `x`.
pub fn covers(wanted: &str, carried: &str) -> bool {
    let (wanted, carried) = (wanted.trim().to_ascii_lowercase(), carried.trim().to_ascii_lowercase());
    if wanted.is_empty() || carried.is_empty() {
        return false;
    }
    if wanted == carried {
        return true;
    }
    if let Some(base) = carried.strip_prefix("*.") {
        if let Some(label) = wanted.strip_suffix(base).and_then(|w| w.strip_suffix('.')) {
            return !label.is_empty() && !label.contains('.') && !label.contains('*');
        }
    }
    if let Some(base) = wanted.strip_prefix("*.") {
        return carried.strip_suffix(base).is_some_and(|c| c.ends_with('.') && c.len() > 1);
    }
    false
}

/// Judges one Exchange Online inbound connector against the certificates the send side presents.
fn check_inbound(cx: &mut Context, connector: &InboundConnector, sending: &[Presented]) {
    let Some(field) = connector.tls_sender_certificate_name else { return };
    let Some(wanted) = field.text() else { return };
    if !connector.is_enabled() || !connector.is_on_premises() || field.hidden().is_some() {
        return;
    }
    accepted_domain(cx, connector, field, wanted);
    // Without the other side's certificate there is nothing to compare: the connector is not
    // judged, and the report's list of rules that could not run says what to paste.
    if sending.is_empty() {
        return;
    }
    cx.judge(connector.index, Judgement::Judged);
    let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
    for presented in sending {
        let carries = presented.carries(wanted);
        if carries == Carries::Subject {
            continue;
        }
        let shown = presented.shown_common_name();
        let by = super::describe(&cx.objects[presented.named_by]);
        let (severity, message) = if carries == Carries::AlternativeName {
            (Severity::Info, format!("Exchange Online inbound connector '{name}' expects a certificate named '{wanted}'. The certificate that {by} names is '{shown}' by its subject and carries '{wanted}' only among its other names (CertificateDomains): Microsoft documents matching TlsSenderCertificateName by the subject, so whether Exchange Online attributes this mail to your tenant is not documented."))
        } else {
            let unknown = if presented.alternative_names.is_none() {
                " (the certificate's other names, CertificateDomains, were not pasted)"
            } else {
                ""
            };
            (Severity::Error, format!("Exchange Online inbound connector '{name}' expects a certificate named '{wanted}', but the certificate that {by} names, which your servers present to Exchange Online, is '{shown}'{unknown}. Mail from your servers is not attributed to your tenant and is rejected with 550 5.7.64 TenantAttribution; Relay Access Denied."))
        };
        let remediation = inbound_fix(cx, connector, field, &shown);
        let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation)
            .severity(severity)
            .references(&[RELAY_ACCESS_DENIED, SET_INBOUND_CONNECTOR]);
        let by_field = cx.views.get(presented.named_by).tls_certificate_name().map(|(_, f)| f);
        cx.add(draft.evidence(Some(field)).evidence(by_field));
    }
}

/// The commands that set `TlsSenderCertificateName` to the presented certificate's subject name.
fn inbound_fix(cx: &mut Context, connector: &InboundConnector, field: Field, common_name: &str) -> Remediation {
    let preferred = "Rerun the Hybrid Configuration Wizard and choose the certificate your servers use now; it sets the inbound connector in Exchange Online.";
    let note = "Run the commands in Exchange Online PowerShell (Connect-ExchangeOnline); with a prefix, add it to the cmdlet names. Changes may take some time to take effect.";
    if !is_domain_name(common_name) {
        return Remediation::unavailable(format!("No command was generated: the certificate's subject name '{common_name}' is not a domain name, and TlsSenderCertificateName takes one. Rerun the Hybrid Configuration Wizard.")).preferring(preferred);
    }
    let Some(old) = field.exact_text() else {
        return Remediation::unavailable("No command was generated: the paste does not show TlsSenderCertificateName exactly, so a rollback could not restore it.".into()).preferring(preferred);
    };
    let target = match cx.target(connector.index) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(Kind::InboundConnector)).preferring(preferred),
    };
    let change = vec![(
        "TlsSenderCertificateName",
        Argument::Text(common_name.to_ascii_lowercase()),
        Argument::Text(old.to_owned()),
    )];
    let plan = set_parameters(&target, &change);
    cx.settle(connector.index, plan).preferring(preferred).note(note)
}

/// True for a domain name a connector setting may take: letters, digits, hyphens and dots, with
/// an optional leading `*.`.
fn is_domain_name(name: &str) -> bool {
    let name = name.strip_prefix("*.").unwrap_or(name);
    name.contains('.') && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

/// Warns when the inbound connector's certificate name is not under an accepted domain of the
/// tenant: the name itself or its parent must be one (KB 4019940). Judged only when the paste
/// shows Exchange Online's accepted domains.
fn accepted_domain(cx: &mut Context, connector: &InboundConnector, field: Field, wanted: &str) {
    let accepted: Vec<String> =
        cx.views.accepted_domains(Kind::OnlineAcceptedDomain).filter_map(|d| d.domain()).collect();
    if accepted.is_empty() {
        return;
    }
    let host = wanted.trim().trim_start_matches("*.").to_ascii_lowercase();
    let parent = if wanted.trim().starts_with("*.") {
        host.clone()
    } else {
        host.split_once('.').map(|(_, p)| p.to_owned()).unwrap_or_default()
    };
    if accepted.iter().any(|d| *d == host || *d == parent) {
        return;
    }
    let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
    let message = format!("The certificate name '{wanted}' that Exchange Online inbound connector '{name}' expects is not under an accepted domain of the tenant: '{parent}' (or '{host}' itself) must be one. Exchange Online rejects relayed mail with 550 5.7.64 Relay Access Denied ATTR36, and no longer attributes mail by certificate to a domain it does not know.");
    let remediation = Remediation::unavailable(format!("No command is generated: add '{parent}' as a domain of your tenant in the Microsoft 365 admin center and verify it in DNS, or use a certificate whose name is under an accepted domain (then set TlsSenderCertificateName to it, or rerun the Hybrid Configuration Wizard)."));
    let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation)
        .severity(Severity::Warning)
        .references(&[KB4019940, SMTP_RELAY_REQUIREMENTS]);
    cx.add(draft.evidence(Some(field)));
}

/// Judges one Exchange Online outbound connector against the certificates the receiving servers present.
fn check_outbound(cx: &mut Context, connector: &OutboundConnector, receiving: &[Presented]) {
    let Some(field) = connector.tls_domain else { return };
    let Some(wanted) = connector.tls_domain() else { return };
    let validates_domain = connector.tls_settings().is_some_and(|s| s.eq_ignore_ascii_case("DomainValidation"));
    if !connector.is_enabled() || !connector.is_on_premises() || !validates_domain || field.hidden().is_some() {
        return;
    }
    if receiving.is_empty() {
        return;
    }
    cx.judge(connector.index, Judgement::Judged);
    let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
    for presented in receiving {
        if presented.carries(&wanted) != Carries::No {
            continue;
        }
        if presented.alternative_names.is_none() {
            not_shown(cx, connector, presented);
            continue;
        }
        let shown = presented.shown_common_name();
        let by = super::describe(&cx.objects[presented.named_by]);
        let message = format!("Exchange Online outbound connector '{name}' validates the on-premises certificate against TlsDomain '{wanted}', but the certificate that {by} names for the receiving servers ('{shown}') carries no such name in its subject or CertificateDomains. Mail from Exchange Online is deferred with 450 4.7.320 Certificate validation failed (SubjectMismatch) and returned after 24 hours.");
        let remediation = outbound_fix(cx, connector, field, presented);
        let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation)
            .references(&[MAIL_FLOW_INTELLIGENCE, SET_OUTBOUND_CONNECTOR]);
        let by_field = cx.views.get(presented.named_by).tls_certificate_name().map(|(_, f)| f);
        cx.add(draft.evidence(Some(field)).evidence(by_field));
    }
}

/// Says that the receiving certificate's subject does not carry `TlsDomain` and its other names
/// were not pasted, so nothing can be said yet.
fn not_shown(cx: &mut Context, connector: &OutboundConnector, presented: &Presented) {
    let by = super::describe(&cx.objects[presented.named_by]);
    let line = connector.tls_domain.map_or(connector.object.record.first_line, Field::line);
    cx.diagnose(
        "property-not-shown",
        Severity::Info,
        connector.index,
        line,
        format!("The subject of the certificate that {by} names for the receiving servers does not carry the outbound connector's TlsDomain, and the paste does not show the certificate's other names (CertificateDomains), so whether it carries that name was not checked."),
        Hint::new("Run the command below on each receiving server and paste its output.", vec![collect::certificates_with_names()]),
    );
}

/// The command that sets `TlsDomain` to a name the receiving certificate carries: the on-premises
/// smart host when the certificate covers it, else its subject name. Chosen by hybridcheck, so
/// the fix needs review.
fn outbound_fix(cx: &mut Context, connector: &OutboundConnector, field: Field, presented: &Presented) -> Remediation {
    let preferred = "Rerun the Hybrid Configuration Wizard: it sets the outbound connector's TlsDomain to the name on the certificate you choose. Or put a certificate that carries the connector's TlsDomain on every receiving server.";
    let smart_host = connector.smart_hosts().into_iter().find(|host| presented.carries(host) != Carries::No);
    let new = smart_host.unwrap_or_else(|| presented.shown_common_name()).to_ascii_lowercase();
    let old = field.exact_text();
    if !is_domain_name(&new) || old.is_none() {
        return Remediation::unavailable("No command was generated: the paste does not show the connector's TlsDomain exactly, or the certificate's name is not a domain name.".into()).preferring(preferred);
    }
    let target = match cx.target(connector.index) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(Kind::OutboundConnector)).preferring(preferred),
    };
    let change = vec![("TlsDomain", Argument::Chosen(new), Argument::Text(old.unwrap_or_default().to_owned()))];
    let plan = set_parameters(&target, &change);
    cx.settle(connector.index, plan)
        .preferring(preferred)
        .note("hybridcheck chose the new TlsDomain among the names the certificate carries: the on-premises smart host when the certificate covers it, else its subject name. Check that Exchange Online reaches the receiving servers by that name.")
        .note("Run the commands in Exchange Online PowerShell (Connect-ExchangeOnline); with a prefix, add it to the cmdlet names.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_cover_one_label_in_certificates_and_any_in_settings() {
        assert!(covers("mail.contoso.com", "MAIL.contoso.com"));
        assert!(covers("mail.contoso.com", "*.contoso.com"));
        assert!(!covers("mail.eu.contoso.com", "*.contoso.com"));
        assert!(!covers("contoso.com", "*.contoso.com"));
        assert!(covers("*.contoso.com", "*.contoso.com"));
        assert!(covers("*.contoso.com", "mail.eu.contoso.com"));
        assert!(!covers("*.contoso.com", "contoso.com"));
        assert!(!covers("*.contoso.com", "mail.fabrikam.com"));
        assert!(!covers("mail.contoso.com", "smtp.contoso.com"));
        assert!(!covers("", ""));
    }

    #[test]
    fn reads_the_common_name() {
        assert_eq!(common_name("CN=mail.contoso.com, O=Contoso Ltd, C=US").as_deref(), Some("mail.contoso.com"));
        assert_eq!(common_name("O=Contoso, cn = *.contoso.com").as_deref(), Some("*.contoso.com"));
        assert_eq!(common_name("O=Contoso"), None);
    }

    #[test]
    fn tells_domain_names() {
        assert!(is_domain_name("*.contoso.com"));
        assert!(is_domain_name("mail.contoso.com"));
        assert!(!is_domain_name("Contoso Mail"));
        assert!(!is_domain_name("EX01"));
    }
}
