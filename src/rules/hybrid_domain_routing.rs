//! `hybrid-domain-routing`: the domains hybrid mail is routed by. Exchange Online must route each
//! hybrid domain to the on-premises servers through its `OnPremises` outbound connector (by smart
//! host, not by MX), and the on-premises servers must route the tenant's routing domain
//! `<tenant>.mail.onmicrosoft.com` to Exchange Online through the send connector the Hybrid
//! Configuration Wizard creates. The tenant's routing domain is read from wherever the paste shows
//! one: accepted domains of either side, remote domains, send connector address spaces.

use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::domain::routing_domain;
use crate::model::{
    Field, InboundConnector, Kind, OnPremisesOrganization, OutboundConnector, RemoteDomain, SendConnector,
};
use crate::remediation::{add_to_list, set_parameters, Argument};
use crate::report::{Reference, Remediation, Severity};

pub const HOP_COUNT_EXCEEDED: Reference = Reference {
    name: "Fix error code 5.4.6 or 5.4.14 (hop count exceeded) in Exchange Online",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-5-4-6-through-5-4-20-in-exchange-online",
};
pub const HYBRID_CONFIGURATION_WIZARD: Reference = Reference {
    name: "Hybrid Configuration Wizard (what it configures)",
    url: "https://learn.microsoft.com/en-us/exchange/hybrid-configuration-wizard",
};
pub const SET_ONPREMISES_ORGANIZATION: Reference = Reference {
    name: "Set-OnPremisesOrganization: HybridDomains must match the hybrid configuration",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-onpremisesorganization",
};
pub const SET_REMOTE_DOMAIN: Reference = Reference {
    name: "Set-RemoteDomain",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-remotedomain",
};
pub const MULTIVALUED_PROPERTIES: Reference = Reference {
    name: "Modifying multivalued properties",
    url: "https://learn.microsoft.com/en-us/exchange/modifying-multivalued-properties-exchange-2013-help",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "hybrid-domain-routing",
    severity: Severity::Error,
    title: "A hybrid domain or the tenant's routing domain is not routed between the two sides",
    what_it_checks: "Reads both sides. Errors: the hybrid configuration's `Domains` and Exchange Online's `HybridDomains` (`Get-OnPremisesOrganization`) differ; a domain of the hybrid configuration's `Domains` that the enabled Exchange Online outbound connector of type `OnPremises` does not route (`RecipientDomains`, where `*.contoso.com` covers subdomains, unless `AllAcceptedDomains` is on); that connector routing by MX (`UseMXRecord True`) instead of smart hosts; `RouteAllMessagesViaOnPremises` on while no enabled `OnPremises` inbound connector takes mail for every accepted domain (the paste shows the inbound connectors, and none has an empty `AssociatedAcceptedDomains`). Warnings: no send connector to Exchange Online whose `AddressSpaces` cover the tenant's routing domain `<tenant>.mail.onmicrosoft.com` (when the paste shows that domain and every send connector: a command that lists only some, by name or `Where-Object`, is not judged); the routing domain is not an on-premises accepted domain (when the paste shows them). The wizard's coexistence domain is documented by Microsoft; the address space of the wizard's send connector is known from transcribed wizard logs (a secondary source), hence a warning. Info (secondary source only): no remote domain for the routing domain, or one with `TargetDeliveryDomain False`, or, with Exchange 2010 servers, `IsInternal False`.",
    why_it_matters: "Mail for a hybrid domain that Exchange Online does not send to the on-premises servers goes out by MX, which points back at Exchange Online or a filter in front of it: the message loops until `554 5.4.14 Hop count exceeded - possible mail loop ATTR34`. Mail to cloud mailboxes is addressed to `<tenant>.mail.onmicrosoft.com`; without the wizard's send connector for that domain it leaves by the internet connector, without the certificate and headers that make it internal in Exchange Online. The wizard also adds the routing domain as an accepted domain (so email address policies stamp it) and a remote domain for it with `TargetDeliveryDomain` on; that the remote domain matters for 5.4.14 rests on secondary sources only.",
    example: "Domains          : {contoso.com, fabrikam.com}   (hybrid configuration)\nRecipientDomains : {contoso.com}                 (Exchange Online 'Outbound to <guid>')",
    fix: "Preferred: rerun the Hybrid Configuration Wizard and select every hybrid domain. Otherwise, in Exchange Online PowerShell: `Set-OutboundConnector -Identity 'Outbound to <guid>' -RecipientDomains @{Add='fabrikam.com'}` (keeps the other domains), or `Set-OutboundConnector -Identity 'Outbound to <guid>' -UseMXRecord $false -SmartHosts 'mail.contoso.com'` (the hybrid configuration's `OnPremisesSmartHost`). On premises: `Set-RemoteDomain -Identity '<name>' -TargetDeliveryDomain $true`. A missing send connector, accepted domain or inbound connector has no command: the wizard creates them.",
    fix_safety: "Safe: each command changes only the values of its finding and shows them; the rollback removes the added domain or sets the values back as pasted. Changes in Exchange Online may take some time to take effect; with a prefix (`Connect-ExchangeOnline -Prefix EXO`), add it to the cmdlet names.",
    references: &[
        HOP_COUNT_EXCEEDED,
        HYBRID_CONFIGURATION_WIZARD,
        SET_ONPREMISES_ORGANIZATION,
        SET_REMOTE_DOMAIN,
        MULTIVALUED_PROPERTIES,
    ],
    // The hybrid domains and Exchange Online's routing of them; the send connectors, accepted,
    // remote domains and Exchange Online's record of the organisation refine it.
    needs: &[&[Kind::HybridConfiguration], &[Kind::OutboundConnector, Kind::OnPremisesOrganization]],
};

/// The note of every fix made in Exchange Online.
const ONLINE_NOTE: &str = "Run the commands in Exchange Online PowerShell (Connect-ExchangeOnline); with a prefix, add it to the cmdlet names. Changes may take some time to take effect.";
const PREFERRED: &str = "Rerun the Hybrid Configuration Wizard and select every hybrid domain: it writes the connectors, accepted domain and remote domain this rule checks.";

pub fn check(cx: &mut Context) {
    let outbound: Vec<OutboundConnector> =
        cx.views.outbound_connectors().filter(|c| c.is_enabled() && c.is_on_premises()).copied().collect();
    for connector in &outbound {
        hybrid_domains_routed(cx, connector);
        routes_by_mx(cx, connector);
    }
    route_all_via_on_premises(cx);
    organization_domains(cx);
    if let Some(routing) = tenant_routing_domain(cx) {
        routing_domain_sent(cx, &routing);
        routing_domain_accepted(cx, &routing);
        routing_remote_domain(cx, &routing);
    }
}

/// The tenant's routing domain, `<tenant>.mail.onmicrosoft.com`, from the first place the paste
/// shows one.
fn tenant_routing_domain(cx: &Context) -> Option<String> {
    let accepted = [Kind::OnlineAcceptedDomain, Kind::AcceptedDomain]
        .into_iter()
        .flat_map(|kind| cx.views.accepted_domains(kind))
        .filter_map(|d| d.domain());
    let remote = cx.views.remote_domains().filter_map(|d| d.domain());
    let spaces = cx.views.send_connectors().flat_map(|c| c.address_spaces.map(Field::items).unwrap_or_default());
    accepted.chain(remote).chain(spaces).find_map(|d| routing_domain(&d))
}

/// True when a connector's `RecipientDomains` entry covers `domain`: the same domain, or `*.x`
/// for a subdomain of `x`.
fn recipient_covers(entry: &str, domain: &str) -> bool {
    let entry = entry.trim().to_ascii_lowercase();
    match entry.strip_prefix("*.") {
        Some(base) => domain.strip_suffix(base).is_some_and(|d| d.ends_with('.') && d.len() > 1),
        None => entry == domain || entry == "*",
    }
}

/// Errors for the hybrid domains the outbound connector does not route to the on-premises servers.
fn hybrid_domains_routed(cx: &mut Context, connector: &OutboundConnector) {
    let Some(hybrid) = cx.topology.hybrid else { return };
    let domains = hybrid.hybrid_domains();
    let Some(field) = connector.recipient_domains else { return };
    if domains.is_empty() || field.truncated() || field.hidden().is_some() {
        return;
    }
    if connector.all_accepted_domains.and_then(Field::flag) == Some(true) {
        return;
    }
    let recipients = connector.recipient_domains();
    let missing: Vec<String> =
        domains.into_iter().filter(|d| !recipients.iter().any(|entry| recipient_covers(entry, d))).collect();
    cx.judge(connector.index, Judgement::Judged);
    cx.judge(hybrid.index, Judgement::Judged);
    if missing.is_empty() {
        return;
    }
    let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
    let list = missing.join(", ");
    let message = format!("The hybrid configuration's domains {list} are not among the RecipientDomains of Exchange Online outbound connector '{name}', so Exchange Online does not send their mail to your servers: it follows MX, which loops back (554 5.4.14 Hop count exceeded - possible mail loop ATTR34) or reaches the servers without the connector's TLS.");
    let remediation = match cx.target(connector.index) {
        Ok(target) => {
            let plan = add_to_list(&target, "RecipientDomains", &missing);
            cx.settle(connector.index, plan).note(ONLINE_NOTE)
        }
        Err(reason) => Remediation::unavailable(reason.note(Kind::OutboundConnector)),
    };
    let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation.preferring(PREFERRED))
        .references(&[HOP_COUNT_EXCEEDED, SET_ONPREMISES_ORGANIZATION, MULTIVALUED_PROPERTIES]);
    cx.add(draft.evidence(Some(field)).evidence(hybrid.domains));
}

/// An error for the hybrid outbound connector routing by MX instead of smart hosts.
fn routes_by_mx(cx: &mut Context, connector: &OutboundConnector) {
    let Some(field) = connector.use_mx_record else { return };
    if field.flag() != Some(true) {
        return;
    }
    let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
    let message = format!("Exchange Online outbound connector '{name}' routes by MX (UseMXRecord True). With MX pointing to Exchange Online, mail for your on-premises mailboxes comes back to Exchange Online and loops until 554 5.4.14 Hop count exceeded - possible mail loop ATTR34; the hybrid connector must deliver to the on-premises smart host.");
    let smart_host = cx.topology.hybrid.and_then(|h| h.on_premises_smart_host).and_then(Field::exact_text);
    let old_hosts = connector.smart_hosts.filter(|f| !f.truncated() && !f.inexact()).map(|_| connector.smart_hosts());
    let remediation = match (smart_host, old_hosts, cx.target(connector.index)) {
        (Some(host), Some(old), Ok(target)) => {
            let change = vec![
                ("UseMXRecord", Argument::Bool(false), Argument::Bool(true)),
                ("SmartHosts", Argument::Text(host.to_owned()), Argument::Texts(old)),
            ];
            let plan = set_parameters(&target, &change);
            cx.settle(connector.index, plan).note(ONLINE_NOTE).note("The smart host is the hybrid configuration's OnPremisesSmartHost.")
        }
        (_, _, Err(reason)) => Remediation::unavailable(reason.note(Kind::OutboundConnector)),
        _ => Remediation::unavailable("No command was generated: the paste does not show the hybrid configuration's OnPremisesSmartHost and the connector's SmartHosts exactly. Paste both, or rerun the Hybrid Configuration Wizard.".into()),
    };
    let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation.preferring(PREFERRED))
        .references(&[HOP_COUNT_EXCEEDED]);
    cx.add(draft.evidence(Some(field)).evidence(connector.smart_hosts));
}

/// An error for `RouteAllMessagesViaOnPremises` without an inbound connector that takes the
/// mail coming back: the paste must show the inbound connectors.
fn route_all_via_on_premises(cx: &mut Context) {
    let inbound: Vec<InboundConnector> = cx.views.inbound_connectors().copied().collect();
    if inbound.is_empty() {
        return;
    }
    let takes_all = inbound.iter().any(|c| {
        c.is_enabled()
            && c.is_on_premises()
            && c.associated_accepted_domains.is_some_and(|f| !f.truncated())
            && c.associated_accepted_domains().is_empty()
    });
    let shown = inbound.iter().all(|c| c.associated_accepted_domains.is_some() || !c.is_on_premises());
    if takes_all || !shown {
        return;
    }
    let outbound: Vec<OutboundConnector> = cx.views.outbound_connectors().copied().collect();
    for connector in outbound.iter().filter(|c| c.is_enabled() && c.route_all_messages_via_on_premises() == Some(true))
    {
        let Some(field) = connector.route_all_messages_via_on_premises else { continue };
        let name = connector.display_name().unwrap_or_else(|| "(identity not shown)".into());
        let message = format!("Exchange Online outbound connector '{name}' sends all mail through your servers (RouteAllMessagesViaOnPremises True), but no enabled inbound connector of type OnPremises takes mail for every accepted domain (AssociatedAcceptedDomains empty). Mail coming back from your servers is then not recognised and loops until 554 5.4.14 Hop count exceeded - possible mail loop ATTR34.");
        let remediation = Remediation::unavailable("No command is generated: rerun the Hybrid Configuration Wizard, which creates the inbound connector of type OnPremises, or clear AssociatedAcceptedDomains on the existing one in the Exchange admin center (Mail flow > Connectors).".into());
        let draft = Draft::new(&DOC, connector.index, field.line(), message, remediation.preferring(PREFERRED))
            .references(&[HOP_COUNT_EXCEEDED]);
        cx.add(draft.evidence(Some(field)));
    }
}

/// An error when the hybrid configuration's domains and Exchange Online's record of them differ.
fn organization_domains(cx: &mut Context) {
    let Some(hybrid) = cx.topology.hybrid else { return };
    if hybrid.domains.is_none_or(|f| f.truncated() || f.hidden().is_some()) {
        return;
    }
    let on_premises = hybrid.hybrid_domains();
    let organizations: Vec<OnPremisesOrganization> = cx.views.on_premises_organizations().copied().collect();
    for organization in organizations {
        let Some(field) = organization.hybrid_domains.filter(|f| !f.truncated() && f.hidden().is_none()) else {
            continue;
        };
        cx.judge(organization.index, Judgement::Judged);
        let online = organization.hybrid_domains();
        let only_online: Vec<&str> = online.iter().filter(|d| !on_premises.contains(d)).map(String::as_str).collect();
        let only_on_premises: Vec<&str> =
            on_premises.iter().filter(|d| !online.contains(d)).map(String::as_str).collect();
        if only_online.is_empty() && only_on_premises.is_empty() {
            continue;
        }
        let mut differences = Vec::new();
        if !only_on_premises.is_empty() {
            differences.push(format!("{} only in the hybrid configuration", only_on_premises.join(", ")));
        }
        if !only_online.is_empty() {
            differences.push(format!("{} only in Exchange Online", only_online.join(", ")));
        }
        let message = format!("The hybrid domains differ between the two sides ({}): Exchange Online's HybridDomains must match the hybrid configuration's Domains, and a domain missing on one side is not routed or trusted as hybrid.", differences.join("; "));
        let remediation = Remediation::unavailable("No command is generated: rerun the Hybrid Configuration Wizard and select every hybrid domain; it writes both lists and the connectors that depend on them.".into());
        let draft = Draft::new(&DOC, organization.index, field.line(), message, remediation.preferring(PREFERRED))
            .references(&[SET_ONPREMISES_ORGANIZATION, HOP_COUNT_EXCEEDED]);
        cx.add(draft.evidence(Some(field)).evidence(hybrid.domains));
    }
}

/// True when a send connector's address spaces cover the routing domain.
fn routes(connector: &SendConnector, routing: &str) -> bool {
    connector.address_spaces.map(Field::items).unwrap_or_default().iter().any(|space| {
        let space = space.trim().to_ascii_lowercase();
        let space = space.strip_prefix("smtp:").unwrap_or(&space);
        let domain = space.split(';').next().unwrap_or_default().trim();
        recipient_covers(domain, routing)
    })
}

/// True when the command above the object lists only some objects of its cmdlet (an identity,
/// as in `Get-SendConnector 'Internet'`, or a `Where-Object` filter), so the paste may not show
/// every one. Parameters such as `-ResultSize` list them all.
fn filtered(command: Option<&str>, cmdlet: &str) -> bool {
    let Some(command) = command else { return false };
    let lower = command.to_ascii_lowercase();
    let cmdlet = cmdlet.to_ascii_lowercase();
    let Some(statement) = lower.split(';').find(|s| s.contains(&cmdlet)) else { return false };
    let mut stages = statement.split('|');
    let first = stages.next().unwrap_or_default();
    let words: Vec<&str> = first.split_whitespace().skip_while(|w| !w.ends_with(&cmdlet)).skip(1).collect();
    let mut at = 0;
    while let Some(word) = words.get(at) {
        if *word == "-identity" || !word.starts_with('-') {
            return true;
        }
        // A named parameter and its value (a switch has none; this reads past one word more).
        at += 2;
    }
    stages.any(|s| {
        let s = s.trim();
        s.starts_with("where") || s.starts_with("? ") || s.starts_with("?{")
    })
}

/// An error when no send connector to Exchange Online routes the tenant's routing domain.
fn routing_domain_sent(cx: &mut Context, routing: &str) {
    let connectors: Vec<SendConnector> = cx.views.send_connectors().copied().collect();
    if connectors.is_empty()
        || connectors.iter().any(|c| {
            filtered(c.object.command.as_deref(), "Get-SendConnector") || c.address_spaces.is_none_or(|f| f.truncated())
        })
    {
        return;
    }
    if connectors.iter().any(|c| c.cloud().is_some() && routes(c, routing)) {
        return;
    }
    let first = &connectors[0];
    let message = format!("No send connector to Exchange Online has the address space {routing}, the tenant's routing domain, so mail to cloud mailboxes leaves by another connector: without the certificate and headers that make it internal in Exchange Online, or not at all.");
    let remediation = Remediation::unavailable(format!("No command is generated: rerun the Hybrid Configuration Wizard, which creates the send connector 'Outbound to Office 365 - <guid>' with the address space smtp:{routing};1, TLS and CloudServicesMailEnabled on."));
    let draft =
        Draft::new(&DOC, first.index, first.object.record.first_line, message, remediation.preferring(PREFERRED))
            .severity(Severity::Warning)
            .references(&[HYBRID_CONFIGURATION_WIZARD]);
    cx.add(draft.evidence(first.address_spaces));
}

/// A warning when the on-premises accepted domains do not include the routing domain.
fn routing_domain_accepted(cx: &mut Context, routing: &str) {
    let accepted: Vec<(usize, Option<String>)> =
        cx.views.accepted_domains(Kind::AcceptedDomain).map(|d| (d.index, d.domain())).collect();
    let Some(&(first, _)) = accepted.first() else { return };
    for &(index, _) in &accepted {
        cx.judge(index, Judgement::Judged);
    }
    if accepted.iter().any(|(_, d)| d.as_deref() == Some(routing)) {
        return;
    }
    if accepted.iter().any(|&(index, _)| filtered(cx.objects[index].command.as_deref(), "Get-AcceptedDomain")) {
        return;
    }
    let message = format!("{routing}, the tenant's routing domain, is not an on-premises accepted domain. The Hybrid Configuration Wizard adds it so that email address policies give every mailbox an address there, which mailbox moves and mail to moved mailboxes rely on.");
    let remediation = Remediation::unavailable("No command is generated: rerun the Hybrid Configuration Wizard, which adds the accepted domain and the email address policy entry.".into());
    let line = cx.objects[first].record.first_line;
    let draft = Draft::new(&DOC, first, line, message, remediation.preferring(PREFERRED))
        .severity(Severity::Warning)
        .references(&[HYBRID_CONFIGURATION_WIZARD]);
    cx.add(draft);
}

/// Info findings about the remote domain of the routing domain (secondary sources only).
fn routing_remote_domain(cx: &mut Context, routing: &str) {
    let remote: Vec<RemoteDomain> = cx.views.remote_domains().copied().collect();
    let Some(first) = remote.first() else { return };
    for domain in &remote {
        cx.judge(domain.index, Judgement::Judged);
    }
    let Some(domain) = remote.iter().find(|d| d.domain().as_deref() == Some(routing)) else {
        if remote.iter().any(|d| filtered(d.object.command.as_deref(), "Get-RemoteDomain")) {
            return;
        }
        let message = format!("No remote domain is set for {routing}, the tenant's routing domain. The Hybrid Configuration Wizard creates 'Hybrid Domain - {routing}' with TargetDeliveryDomain on; this rests on secondary sources (transcribed wizard logs), so it is information only.");
        let remediation = Remediation::unavailable(
            "No command is generated: rerun the Hybrid Configuration Wizard, which creates the remote domain.".into(),
        );
        let draft =
            Draft::new(&DOC, first.index, first.object.record.first_line, message, remediation.preferring(PREFERRED));
        cx.add(draft.severity(Severity::Info).references(&[SET_REMOTE_DOMAIN]));
        return;
    };
    let exchange_2010 = cx.topology.servers.iter().any(|s| s.version.is_some_and(|v| v.major == 14));
    let checks = [
        ("TargetDeliveryDomain", domain.target_delivery_domain, true),
        ("IsInternal", domain.is_internal, exchange_2010),
    ];
    for (property, field, judged) in checks {
        let Some(field) = field.filter(|f| judged && f.flag() == Some(false)) else { continue };
        let name = domain.object.display_identity().unwrap_or_else(|| routing.to_owned());
        let why = if property == "IsInternal" {
            "The Exchange 2010 Hybrid Configuration Wizard set IsInternal on this remote domain so that mail to cloud mailboxes counts as internal"
        } else {
            "The Hybrid Configuration Wizard sets TargetDeliveryDomain on this remote domain, which marks the routing domain as the one cloud mailboxes are reached at"
        };
        let message = format!("Remote domain '{name}' for the tenant's routing domain has {property} False. {why}; this rests on secondary sources (transcribed wizard logs), so it is information only, and no primary Microsoft source ties it to 554 5.4.14.");
        let remediation = match cx.target(domain.index) {
            Ok(target) => {
                let plan = set_parameters(&target, &vec![(property, Argument::Bool(true), Argument::Bool(false))]);
                cx.settle(domain.index, plan)
            }
            Err(reason) => Remediation::unavailable(reason.note(Kind::RemoteDomain)),
        };
        let draft = Draft::new(&DOC, domain.index, field.line(), message, remediation.preferring(PREFERRED));
        cx.add(draft.severity(Severity::Info).references(&[SET_REMOTE_DOMAIN]).evidence(Some(field)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_domains_cover_subdomains_by_wildcard() {
        assert!(recipient_covers("contoso.com", "contoso.com"));
        assert!(recipient_covers("*.contoso.com", "sales.contoso.com"));
        assert!(recipient_covers("*.contoso.com", "a.b.contoso.com"));
        assert!(!recipient_covers("*.contoso.com", "contoso.com"));
        assert!(!recipient_covers("contoso.com", "fabrikam.com"));
        assert!(recipient_covers("*", "contoso.mail.onmicrosoft.com"));
    }

    #[test]
    fn tells_filtered_commands() {
        let send = "Get-SendConnector";
        assert!(!filtered(Some("Get-SendConnector | fl"), send));
        assert!(!filtered(Some("$FormatEnumerationLimit = -1; Get-SendConnector | Format-List Identity"), send));
        assert!(filtered(Some("Get-SendConnector 'Internet' | fl"), send));
        assert!(filtered(Some("Get-SendConnector -Identity Internet | fl"), send));
        assert!(filtered(Some("Get-SendConnector | where {$_.Enabled} | fl"), send));
        assert!(filtered(Some("Get-SendConnector | ? Enabled | fl"), send));
        assert!(!filtered(Some("Get-AcceptedDomain -ResultSize Unlimited | fl"), "Get-AcceptedDomain"));
        assert!(!filtered(None, send));
    }
}
