//! `edge-hybrid-topology`: a hybrid configuration whose mail flows through Edge Transport servers.
//! With Edge servers in `EdgeTransportServers`, the sending and receiving Mailbox servers must be
//! empty, every Edge server needs an Edge subscription, and every Edge server must present a
//! certificate from the same issuer with the same subject.

use super::exo_connector_certificate_mismatch::{common_name, covers};
use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::capabilities::fold;
use crate::model::topology::{read_tls_name, server_key, server_names, Certificate, TlsNameRead};
use crate::model::{Field, HybridConfiguration, Kind};
use crate::remediation::{collect, set_parameters, Argument};
use crate::report::{Reference, Remediation, Severity};
use std::collections::BTreeSet;

pub const SET_HYBRID_CONFIGURATION: Reference = Reference {
    name: "Set-HybridConfiguration",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-hybridconfiguration",
};
pub const EDGE_SUBSCRIPTIONS: Reference = Reference {
    name: "Edge Subscriptions",
    url: "https://learn.microsoft.com/en-us/exchange/architecture/edge-transport-servers/edge-subscriptions",
};
pub const CERTIFICATE_REQUIREMENTS: Reference = Reference {
    name: "Certificate requirements for hybrid deployments",
    url: "https://learn.microsoft.com/en-us/exchange/certificate-requirements",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "edge-hybrid-topology",
    severity: Severity::Error,
    title: "Edge Transport servers in the hybrid configuration are not set up for hybrid mail",
    what_it_checks: "Reads the hybrid configuration's `EdgeTransportServers`. Warning: Mailbox servers are listed in `ReceivingTransportServers` or `SendingTransportServers` as well. Error: an Edge server has no Edge subscription, judged only when the paste shows `Get-EdgeSubscription` output (one object or more). Error: two Edge servers whose certificates were pasted have no certificate in common by issuer and subject among their SMTP certificates that carry the hybrid configuration's `OnPremisesSmartHost`; judged only when the hybrid configuration names no certificate of its own (when it names one, `tls-certificate-not-found` reports each Edge server that lacks it). Mailbox servers outside the hybrid configuration's lists are not judged: with Edge-based hybrid mail flow the hybrid certificate may sit on a Mailbox server only for the wizard's sake.",
    why_it_matters: "With Edge servers, Exchange Online sends to and receives from the Edge servers only, and the sending and receiving Mailbox servers must be empty. Without an Edge subscription, the Edge server has no direct trust with the Mailbox servers: the organisation headers of hybrid mail are dropped and mail from Exchange Online arrives as anonymous, external mail. Every transport server of hybrid mail flow must use a certificate from the same issuing authority with the same subject; an Edge server with another certificate fails Exchange Online's certificate check for the mail it carries (`450 4.7.320`, `550 5.7.64`).",
    example: "EdgeTransportServers      : {EDGE01, EDGE02}\nReceivingTransportServers : {EX01}\nSendingTransportServers   : {EX01}",
    fix: "Preferred: rerun the Hybrid Configuration Wizard and choose the Edge servers for mail flow. Mailbox servers listed with Edge servers: `Set-HybridConfiguration -ReceivingTransportServers $null -SendingTransportServers $null`. An Edge server without a subscription: on the Edge server `New-EdgeSubscription -FileName C:\\EdgeSubscription.xml`, import the file on a Mailbox server of the site (`New-EdgeSubscription -FileData ([System.IO.File]::ReadAllBytes('C:\\EdgeSubscription.xml')) -Site '<site>'`), then `Start-EdgeSynchronization` and `Test-EdgeSynchronization`; subscribing deletes the Edge server's own send connectors. Different certificates: export the hybrid certificate with its private key and import it on every Edge server, enable it for SMTP there, then rerun the wizard.",
    fix_safety: "Safe for the server lists: the command empties them and the rollback sets them back as pasted. No command for subscriptions and certificates: they are made on the Edge servers themselves.",
    references: &[SET_HYBRID_CONFIGURATION, EDGE_SUBSCRIPTIONS, CERTIFICATE_REQUIREMENTS],
    // Only the hybrid configuration says whether Edge servers carry hybrid mail; the Edge
    // subscriptions and the Edge servers' certificates are judged when pasted.
    needs: &[&[Kind::HybridConfiguration]],
};

pub fn check(cx: &mut Context) {
    let Some(hybrid) = cx.topology.hybrid.copied() else { return };
    let edge = hybrid.edge_servers();
    if edge.is_empty() {
        return;
    }
    cx.judge(hybrid.index, Judgement::Judged);
    mailbox_servers_listed(cx, &hybrid);
    subscriptions(cx, &hybrid, &edge);
    certificates(cx, &hybrid, &edge);
}

/// A warning for Mailbox servers listed beside the Edge servers, with the command that empties
/// their lists.
fn mailbox_servers_listed(cx: &mut Context, hybrid: &HybridConfiguration) {
    let lists = [
        ("ReceivingTransportServers", hybrid.receiving_transport_servers),
        ("SendingTransportServers", hybrid.sending_transport_servers),
    ];
    let listed: Vec<(&'static str, Field, Vec<String>)> = lists
        .into_iter()
        .filter_map(|(name, field)| field.map(|f| (name, f, server_names(Some(f)))))
        .filter(|(_, _, servers)| !servers.is_empty())
        .collect();
    let Some((_, first, _)) = listed.first() else { return };
    let names: Vec<String> = listed.iter().flat_map(|(_, _, s)| s.clone()).collect();
    let mut seen = BTreeSet::new();
    let shown: Vec<String> = names.into_iter().filter(|name| seen.insert(server_key(name))).collect();
    let message = format!(
        "The hybrid configuration lists Edge Transport servers and also the Mailbox servers {} as sending or receiving servers. With Edge servers, Exchange Online sends to and receives from the Edge servers only, and these lists must be empty.",
        shown.join(", ")
    );
    let exact = listed.iter().all(|(_, field, servers)| {
        field.exact_text().is_some() && servers.iter().all(|s| crate::model::topology::is_host_name(s))
    });
    let remediation = match (exact, cx.target(hybrid.index)) {
        (true, Ok(target)) => {
            let change: Vec<(&'static str, Argument, Argument)> = listed
                .iter()
                .map(|(name, _, servers)| (*name, Argument::Null, Argument::Texts(servers.clone())))
                .collect();
            let plan = set_parameters(&target, &change);
            cx.settle(hybrid.index, plan).note("The command keeps the Edge servers. If hybrid mail should no longer go through them, rerun the Hybrid Configuration Wizard and choose the Mailbox servers instead.")
        }
        (_, Err(reason)) => Remediation::unavailable(reason.note(Kind::HybridConfiguration)),
        (false, _) => Remediation::unavailable("No command was generated: the paste does not show the server lists whole and exactly, so a rollback could not restore them. Rerun the Hybrid Configuration Wizard and choose the Edge servers.".into()),
    };
    let preferred = "Rerun the Hybrid Configuration Wizard and choose the Edge servers for hybrid mail flow.";
    let draft = Draft::new(&DOC, hybrid.index, first.line(), message, remediation.preferring(preferred))
        .references(&[SET_HYBRID_CONFIGURATION]);
    let evidence = listed.iter().map(|(_, f, _)| *f).collect::<Vec<_>>();
    let mut draft = draft.severity(Severity::Warning).evidence(hybrid.edge_transport_servers);
    for field in evidence {
        draft = draft.evidence(Some(field));
    }
    cx.add(draft);
}

/// Errors for Edge servers without an Edge subscription, when the paste shows the subscriptions.
fn subscriptions(cx: &mut Context, hybrid: &HybridConfiguration, edge: &[String]) {
    let subscriptions: Vec<(usize, Option<String>)> =
        cx.views.edge_subscriptions().map(|s| (s.index, s.server())).collect();
    for &(index, _) in &subscriptions {
        cx.judge(index, Judgement::Judged);
    }
    let subscribed: Vec<String> = subscriptions.into_iter().filter_map(|(_, server)| server).collect();
    if subscribed.is_empty() {
        return;
    }
    // Filled by `insert`, not `collect`, which would add a sort of its own to the page (see `sort`).
    let mut subscribed_keys = BTreeSet::new();
    for server in &subscribed {
        subscribed_keys.insert(server_key(server));
    }
    let line = hybrid.edge_transport_servers.map_or(hybrid.object.record.first_line, Field::line);
    for server in edge.iter().filter(|e| !subscribed_keys.contains(&server_key(e))) {
        let message = format!("Edge Transport server {server} carries hybrid mail but has no Edge subscription (the paste shows subscriptions for {} only). Without one it has no direct trust with the Mailbox servers: the organisation headers of hybrid mail are dropped and mail from Exchange Online arrives as anonymous, external mail.", subscribed.join(", "));
        let remediation = Remediation::check_only(
            vec![collect::edge_subscriptions()],
            format!("No command is generated: subscribe {server} on the Edge server itself, import the subscription file on a Mailbox server of its site, then start and test Edge synchronization, and rerun the Hybrid Configuration Wizard."),
        )
        .note("On the Edge server: New-EdgeSubscription -FileName C:\\EdgeSubscription.xml. On a Mailbox server of its site: New-EdgeSubscription -FileData ([System.IO.File]::ReadAllBytes('C:\\EdgeSubscription.xml')) -Site '<site>', then Start-EdgeSynchronization and Test-EdgeSynchronization. Subscribing deletes the send connectors the Edge server has of its own.");
        let draft = Draft::new(&DOC, hybrid.index, line, message, remediation).references(&[EDGE_SUBSCRIPTIONS]);
        cx.add(draft.evidence(hybrid.edge_transport_servers));
    }
}

/// An error when Edge servers present certificates from different issuers or with different
/// subjects for the on-premises smart host, judged only when the hybrid configuration names no
/// certificate itself.
fn certificates(cx: &mut Context, hybrid: &HybridConfiguration, edge: &[String]) {
    if matches!(read_tls_name(hybrid.tls_certificate_name.map(Field::value)), TlsNameRead::Valid(_)) {
        return;
    }
    let Some(smart_host) = hybrid
        .on_premises_smart_host
        .and_then(Field::text)
        .filter(|_| hybrid.on_premises_smart_host.is_some_and(|f| f.hidden().is_none()))
    else {
        return;
    };
    let candidates: Vec<(String, Vec<&Certificate>)> = edge
        .iter()
        .map(|server| {
            let found = cx.topology.certificates_of(server).iter().filter(|c| carries(c, smart_host)).collect();
            (server.clone(), found)
        })
        .filter(|(_, found): &(String, Vec<&Certificate>)| !found.is_empty())
        .collect();
    let key = |c: &Certificate| (c.issuer.as_deref().map(fold), c.subject.as_deref().map(fold));
    let Some((first_server, first)) = candidates.first() else { return };
    let Some((other_server, other)) =
        candidates.iter().skip(1).find(|(_, found)| !found.iter().any(|c| first.iter().any(|f| key(f) == key(c))))
    else {
        return;
    };
    let describe = |found: &[&Certificate]| {
        found
            .iter()
            .map(|c| {
                format!(
                    "issuer '{}', subject '{}'",
                    c.issuer.as_deref().unwrap_or("(not shown)"),
                    c.subject.as_deref().unwrap_or("(not shown)")
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let message = format!("The Edge Transport servers present different certificates for {smart_host}: {first_server} has {}, {other_server} has {}. Every transport server of hybrid mail flow must use a certificate from the same issuer with the same subject, or Exchange Online rejects the mail one of them carries.", describe(first), describe(other));
    let remediation = Remediation::unavailable(format!("No command is generated: export the certificate {first_server} uses with its private key, import it on {other_server} (and every other Edge server), enable it for SMTP there, then rerun the Hybrid Configuration Wizard."));
    let line = hybrid.edge_transport_servers.map_or(hybrid.object.record.first_line, Field::line);
    let draft = Draft::new(&DOC, hybrid.index, line, message, remediation).references(&[CERTIFICATE_REQUIREMENTS]);
    cx.add(draft.evidence(hybrid.edge_transport_servers).evidence(hybrid.on_premises_smart_host));
}

/// True for a certificate enabled for SMTP (or not shown otherwise) whose subject or other names
/// carry `host`.
fn carries(certificate: &Certificate, host: &str) -> bool {
    let by_subject = certificate.subject.as_deref().and_then(common_name).is_some_and(|cn| covers(host, &cn));
    let by_names = certificate.domains.iter().flatten().any(|name| covers(host, name));
    certificate.smtp != Some(false) && (by_subject || by_names)
}
