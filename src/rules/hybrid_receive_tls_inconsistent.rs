//! `hybrid-receive-tls-inconsistent`: the servers that receive Exchange Online's mail disagree on
//! their receive connector's `TlsDomainCapabilities` or `TlsCertificateName`, so the mail fails
//! or arrives anonymous on some of them only.

use super::exo_tls_capability_pinned::SET_RECEIVE_CONNECTOR;
use super::legacy_exo_tls_capability::{identity_counts, HYBRID_WIZARD, KB3156771};
use super::receiving::{exo_facing, receiving_servers, ByServer};
use super::symptom::MAIL_FLOW_INTELLIGENCE;
use super::tls_certificate::KB2989382;
use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::capabilities::{fold, Key};
use crate::model::receive_connector::is_cloud_entry;
use crate::model::topology::{read_tls_name, TlsName, TlsNameRead};
use crate::model::{Field, Kind, ReceiveConnector};
use crate::remediation::{self, collect, set_parameters, Argument, CapabilityAddition};
use crate::report::{Diagnostic, Reference, Remediation, Severity};
use std::collections::BTreeMap;

pub const ID: &str = "hybrid-receive-tls-inconsistent";

pub const SET_HYBRID_CONFIGURATION: Reference = Reference {
    name: "Set-HybridConfiguration (ReceivingTransportServers)",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-hybridconfiguration",
};

pub const CERTIFICATE_REQUIREMENTS: Reference = Reference {
    name: "Certificate requirements for hybrid deployments (same issuing CA and subject on each transport server)",
    url: "https://learn.microsoft.com/en-us/exchange/certificate-requirements",
};

/// The entry the Hybrid Configuration Wizard writes for Exchange Online's worldwide cloud.
const CLOUD_ENTRY: &str = "mail.protection.outlook.com:AcceptCloudServicesMail";

pub static DOC: RuleDoc = RuleDoc {
    id: ID,
    severity: Severity::Error,
    title: "The servers that receive Exchange Online's mail disagree on their receive connector's TLS settings",
    what_it_checks: "Takes the hybrid configuration's `ReceivingTransportServers` (its `EdgeTransportServers` when Edge servers carry hybrid mail) and, on each, the receive connector that takes Exchange Online's mail: enabled, in the Front End Transport service, on port 25, the one with an Exchange Online entry in `TlsDomainCapabilities`, else `Default Frontend <server>`. Then compares them. Error when some of them accept Exchange Online's mail (`mail.protection.outlook.com:AcceptCloudServicesMail`, or any entry for a `mail.protection` domain) and others do not. Error when they name different certificates in `TlsCertificateName` (issuer and subject compared without regard to case or the spaces after commas; Microsoft's certificate requirements for hybrid deployments ask every transport server to use a certificate with the same issuing CA and the same subject); warning when one names none, so that Exchange picks a certificate by the connector's `Fqdn`, unless the certificates pasted for that server show that the pick is the same certificate. The finding names the servers that differ and the value the others have. Only servers whose connectors were pasted are compared; the info diagnostic `receiving-server-not-pasted` names the others. A connector that `tls-certificate-name-mismatch` already reports for its certificate name is not reported again for it.",
    why_it_matters: "Exchange Online's outbound connector for the organisation delivers to the smart host, behind which every receiving server takes a share of the mail. A server whose connector names another certificate fails Exchange Online's certificate check (`450 4.7.320 Certificate validation failed [Message=SubjectMismatch]`, or `450 4.4.317 Cannot connect to remote server` with `451 5.7.3 STARTTLS is required to send mail` when the certificate is missing, event 12014), so part of the mail is deferred and later returned. A server without the Exchange Online entry accepts the mail as anonymous: senders are shown with their address and, with centralized mail transport, mail to external recipients bounces with `550 5.7.1 Unable to relay` (KB 3156771). Certificates of one subject from different issuers pass Exchange Online's check only while both are valid and chain to a trusted root, and the next wizard run writes one certificate to every server anyway. Because only some servers are wrong, the symptom comes and goes.",
    example: "EX01\\Default Frontend EX01: TlsDomainCapabilities {mail.protection.outlook.com:AcceptCloudServicesMail}, TlsCertificateName <I>CN=GeoTrust TLS RSA CA G1, ...<S>CN=mail.contoso.com\nEX02\\Default Frontend EX02: TlsDomainCapabilities {}, TlsCertificateName (empty)",
    fix: "Preferred: rerun the Hybrid Configuration Wizard and select every receiving server; it writes the same settings to each server's Default Frontend connector. Otherwise, on the server that differs, add the entry (`Set-ReceiveConnector -Identity 'EX02\\Default Frontend EX02' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'`, keeping the connector's other entries) and name the certificate the others name (`-TlsCertificateName '<I>issuer<S>subject'`), after making sure that server has that certificate, enabled for SMTP.",
    fix_safety: "Adding the Exchange Online entry is safe when the connector's whole list was seen: the command names the whole new list and the rollback the old one; otherwise the fix reads the list from the server and appends the entry (review, and run the rollback in the same session). The certificate name is safe to write when the value is unambiguous (the hybrid configuration names it and every other receiving server names it too) and the paste does not show that the server lacks that certificate. When only a majority of the servers names it, the command needs review: the majority may be the servers not yet renewed. When the servers split evenly and the hybrid configuration does not settle it, there is no command. The rollback restores the connector's value as pasted (`$null` when it was empty).",
    references: &[MAIL_FLOW_INTELLIGENCE, CERTIFICATE_REQUIREMENTS, KB2989382, KB3156771, SET_HYBRID_CONFIGURATION, SET_RECEIVE_CONNECTOR, HYBRID_WIZARD],
    needs: &[&[Kind::ReceiveConnector], &[Kind::HybridConfiguration]],
};

/// One receiving server and the connector that takes Exchange Online's mail on it.
struct Receiver<'a> {
    server: String,
    connector: &'a ReceiveConnector<'a>,
}

pub fn check(cx: &mut Context) {
    let Some(receiving) = receiving_servers(cx) else { return };
    if receiving.servers.len() < 2 {
        return;
    }
    let by_server = ByServer::read(cx.views);
    let mut receivers = Vec::new();
    let mut missing = Vec::new();
    for server in &receiving.servers {
        let on = by_server.on(server);
        match exo_facing(on, receiving.edge) {
            Some(connector) => receivers.push(Receiver { server: server.clone(), connector }),
            None if on.is_empty() => missing.push(server.as_str()),
            None => {}
        }
    }
    if receivers.is_empty() {
        return;
    }
    if !missing.is_empty() {
        not_pasted(cx, &receivers, &missing);
    }
    if receivers.len() < 2 {
        return;
    }
    compare_capabilities(cx, &receivers);
    compare_names(cx, &receivers);
}

/// Names the receiving servers whose connectors the paste does not show.
fn not_pasted(cx: &mut Context, receivers: &[Receiver], missing: &[&str]) {
    let Some(hybrid) = cx.topology.hybrid else { return };
    let line = hybrid.receiving_transport_servers.or(hybrid.edge_transport_servers).map(Field::line);
    let compared: Vec<&str> = receivers.iter().map(|r| r.server.as_str()).collect();
    cx.add_diagnostic(
        Diagnostic::new(
            "receiving-server-not-pasted",
            Severity::Info,
            hybrid.object.input,
            line.or(Some(hybrid.object.record.first_line)),
            format!(
                "The hybrid configuration names {} among the servers that receive Exchange Online's mail, but the paste shows no receive connector of {}, so hybridcheck could not compare {} with {}.",
                some_of(missing, ", "),
                if missing.len() == 1 { "it" } else { "them" },
                if missing.len() == 1 { "it" } else { "them" },
                some_of(&compared, ", ")
            ),
            "Run the command below (it lists the receive connectors of every server) and paste its output.".into(),
        )
        .with_commands(vec![collect::receive_connectors()]),
    );
}

/// Servers whose connector lacks the Exchange Online entry that other receiving servers have.
fn compare_capabilities(cx: &mut Context, receivers: &[Receiver]) {
    let with: Vec<&Receiver> = receivers.iter().filter(|r| r.connector.accepts_cloud_mail() == Some(true)).collect();
    let without: Vec<&Receiver> =
        receivers.iter().filter(|r| r.connector.accepts_cloud_mail() == Some(false)).collect();
    if with.is_empty() || without.is_empty() {
        return;
    }
    // The entry the others have in the domain form, which is what the wizard writes.
    let entry = with
        .iter()
        .filter_map(|r| r.connector.capabilities())
        .flat_map(|list| list.entries)
        .find(|e| matches!(e.key, Key::Domain(_)) && is_cloud_entry(e))
        .map_or(CLOUD_ENTRY.to_owned(), |e| e.to_exchange_string());
    let others: Vec<&str> = with.iter().map(|r| r.server.as_str()).collect();
    let counts = identity_counts(cx.views);
    for receiver in without {
        let connector = receiver.connector;
        let Some(field) = connector.tls_domain_capabilities else { continue };
        cx.judge(connector.index, Judgement::Judged);
        let message = format!(
            "Receive connector '{}' on {} has no entry that accepts Exchange Online's mail as hybrid mail, but on {} the connector that takes it has '{entry}'. Exchange Online delivers to every receiving server, so the mail that reaches {} arrives as anonymous mail (senders shown with their address; with centralized mail transport, 550 5.7.1 Unable to relay).",
            name(connector),
            receiver.server,
            some_of(&others, ", "),
            receiver.server,
        );
        let remediation = add_entry(cx, connector, field, &entry, &counts);
        cx.add(Draft::new(&DOC, connector.index, field.line(), message, remediation).evidence(Some(field)));
    }
}

/// The commands that add the entry to one connector's list, keeping its other entries.
fn add_entry(
    cx: &mut Context,
    connector: &ReceiveConnector,
    field: Field,
    entry: &str,
    counts: &BTreeMap<String, usize>,
) -> Remediation {
    let target = match cx.target(connector.index) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(connector.object.kind)),
    };
    let list = crate::model::capabilities::from_value(field.value(), field.truncated());
    let shown_once = shown_once(counts, connector);
    let plan = CapabilityAddition {
        target: &target,
        list: &list,
        whole: !field.inexact() && !field.not_current() && field.hidden().is_none() && shown_once,
        entry,
        number: cx.findings.len() + 1,
    };
    let remediation = cx.settle(connector.index, remediation::add_capability(&plan));
    remediation.preferring("Preferred: rerun the Hybrid Configuration Wizard (https://aka.ms/HybridWizard) and select every receiving server; it writes the same settings on each.")
}

/// A name read from one connector: empty, or a certificate's issuer and subject.
struct NameRead<'r, 'a> {
    receiver: &'r Receiver<'a>,
    field: Field<'a>,
    name: Option<TlsName>,
}

/// Servers whose connector names another certificate than the others.
fn compare_names(cx: &mut Context, receivers: &[Receiver]) {
    let mut read: Vec<NameRead> = Vec::new();
    for receiver in receivers {
        let Some(field) = receiver.connector.tls_certificate_name else { continue };
        if field.hidden().is_some() {
            continue;
        }
        match read_tls_name(Some(field.value())) {
            TlsNameRead::Empty => read.push(NameRead { receiver, field, name: None }),
            TlsNameRead::Valid(name) => read.push(NameRead { receiver, field, name: Some(name) }),
            // A name of another form is `tls-certificate-name-syntax`'s.
            TlsNameRead::Invalid(_) => {}
        }
    }
    let groups = group_by_name(&read);
    if groups.len() < 2 {
        return;
    }
    let hybrid = hybrid_name(cx);
    let by_hybrid = hybrid.as_ref().and_then(|h| groups.iter().position(|g| same(read[g[0]].name.as_ref(), Some(h))));
    let largest = groups.iter().map(Vec::len).max().unwrap_or(0);
    let by_count = (groups.iter().filter(|g| g.len() == largest).count() == 1)
        .then(|| groups.iter().position(|g| g.len() == largest))
        .flatten()
        .filter(|&g| read[groups[g][0]].name.is_some());
    let Some(target) = by_hybrid.or(by_count) else {
        even_split(cx, &read, &groups);
        return;
    };
    // The value is settled when the hybrid configuration names it and every other server
    // agrees; a majority alone may be the servers not yet renewed.
    let settled = by_hybrid.is_some() && groups.len() == 2;
    let target_read = &read[groups[target][0]];
    let agreeing: Vec<&str> = groups[target].iter().map(|&i| read[i].receiver.server.as_str()).collect();
    for (_, members) in groups.iter().enumerate().filter(|(g, _)| *g != target) {
        for &i in members {
            report_name(cx, &read[i], target_read, &agreeing, settled);
        }
    }
}

/// The indexes of `read` grouped by the certificate they name, in the order first shown.
fn group_by_name(read: &[NameRead]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    // The group of each name, by the name folded as [`TlsName::names`] compares it.
    let mut group_of: BTreeMap<Option<(String, String)>, usize> = BTreeMap::new();
    for (i, r) in read.iter().enumerate() {
        let key = r.name.as_ref().map(|n| (fold(&n.issuer), fold(&n.subject)));
        let group = *group_of.entry(key).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(i);
    }
    groups
}

fn same(a: Option<&TlsName>, b: Option<&TlsName>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => a.names(&b.issuer, &b.subject),
        _ => false,
    }
}

/// The hybrid configuration's certificate name, when it shows a valid one that is not hidden.
fn hybrid_name(cx: &Context) -> Option<TlsName> {
    let field = cx.topology.hybrid?.tls_certificate_name.filter(|f| f.hidden().is_none())?;
    match read_tls_name(Some(field.value())) {
        TlsNameRead::Valid(name) => Some(name),
        _ => None,
    }
}

/// One connector whose certificate name differs from the value the others settle on.
fn report_name(cx: &mut Context, read: &NameRead, target: &NameRead, agreeing: &[&str], settled: bool) {
    let connector = read.receiver.connector;
    let server = read.receiver.server.as_str();
    let Some(wanted) = target.name.as_ref() else { return };
    if already_reported(cx, connector, read.field) {
        return;
    }
    let (severity, what) = match &read.name {
        Some(name) => (Severity::Error, format!("names the certificate {}", name.text())),
        None if picks_same(cx, server, connector, wanted) => return,
        None => (Severity::Warning, "names no certificate, so Exchange picks one by the connector's Fqdn".to_owned()),
    };
    cx.judge(connector.index, Judgement::Judged);
    let message = format!(
        "Receive connector '{}' on {server} {what}, but on {} the connector that takes Exchange Online's mail names {}. {}",
        name(connector),
        some_of(agreeing, ", "),
        wanted.text(),
        consequence(read.name.as_ref(), wanted)
    );
    let remediation = name_fix(cx, read, target, settled);
    cx.add(
        Draft::new(&DOC, connector.index, read.field.line(), message, remediation)
            .severity(severity)
            .evidence(Some(read.field)),
    );
}

/// The servers split evenly between certificates and the hybrid configuration does not settle
/// which is meant: each is reported, with no command.
fn even_split(cx: &mut Context, read: &[NameRead], groups: &[Vec<usize>]) {
    let shown = |r: &NameRead| {
        format!("{} names {}", r.receiver.server, r.name.as_ref().map_or("no certificate".to_owned(), TlsName::text))
    };
    let all: Vec<String> = groups.iter().map(|g| shown(&read[g[0]])).collect();
    for r in read {
        let connector = r.receiver.connector;
        if already_reported(cx, connector, r.field) {
            continue;
        }
        cx.judge(connector.index, Judgement::Judged);
        let other = read.iter().find(|o| !same(o.name.as_ref(), r.name.as_ref())).and_then(|o| o.name.as_ref());
        let consequence = match (r.name.as_ref(), other) {
            (Some(mine), Some(theirs)) => consequence(Some(mine), theirs),
            (None, Some(theirs)) => consequence(None, theirs),
            (mine, None) => consequence(None, mine.expect("an even split has a named certificate")),
        };
        let message = format!(
            "The servers that receive Exchange Online's mail name different certificates on the connector that takes it ({}). {consequence}",
            some_of(&all, "; ")
        );
        let remediation = Remediation::unavailable("No command was generated: neither the hybrid configuration nor a majority of the servers says which certificate is meant. Decide which certificate Exchange Online expects (the TlsDomain of its outbound connector, `Get-OutboundConnector | Format-List Name,TlsSettings,TlsDomain,SmartHosts`), make sure every receiving server has it enabled for SMTP, then rerun the Hybrid Configuration Wizard with it.".into());
        cx.add(Draft::new(&DOC, connector.index, r.field.line(), message, remediation).evidence(Some(r.field)));
    }
}

/// What a connector naming `mine` (or none) among servers naming `wanted` does to Exchange
/// Online's mail.
fn consequence(mine: Option<&TlsName>, wanted: &TlsName) -> &'static str {
    match mine {
        Some(mine) if fold(&mine.subject) == fold(&wanted.subject) => "The subjects are the same but the issuers differ: Microsoft's certificate requirements for hybrid deployments ask every transport server to use a certificate with the same issuing CA and the same subject. Exchange Online's check passes only while each certificate is valid, so look at both certificates' expiry and chain.",
        _ => "Exchange Online delivers to every receiving server, and its certificate check fails on the servers that present a certificate without the name it expects (450 4.7.320 Certificate validation failed, SubjectMismatch; 450 4.4.317).",
    }
}

/// True when `tls-certificate-name-mismatch` already reports this connector's name.
fn already_reported(cx: &Context, connector: &ReceiveConnector, field: Field) -> bool {
    cx.findings.iter().any(|f| {
        f.rule == super::tls_certificate_name::MISMATCH.id
            && f.input == connector.object.input
            && f.line == field.line()
    })
}

/// True when the certificates pasted for `server` show that a connector without a name picks the
/// wanted certificate: one enabled for SMTP whose subject's common name is the connector's Fqdn.
fn picks_same(cx: &Context, server: &str, connector: &ReceiveConnector, wanted: &TlsName) -> bool {
    let Some(fqdn) = connector.fqdn.and_then(Field::text).map(fold) else { return false };
    cx.topology.certificates_of(server).iter().any(|c| {
        let (Some(issuer), Some(subject)) = (&c.issuer, &c.subject) else { return false };
        c.smtp != Some(false)
            && wanted.names(issuer, subject)
            && subject.split(',').any(|part| fold(part).strip_prefix("cn=").is_some_and(|cn| cn == fqdn))
    })
}

/// The command that names the settled certificate on one connector, when it can be written.
fn name_fix(cx: &mut Context, read: &NameRead, target: &NameRead, settled: bool) -> Remediation {
    let connector = read.receiver.connector;
    let server = read.receiver.server.as_str();
    let target_connector = match cx.target(connector.index) {
        Ok(t) => t,
        Err(reason) => return Remediation::unavailable(reason.note(connector.object.kind)),
    };
    let wanted = target.name.as_ref().expect("the target names a certificate");
    let certificates = cx.topology.certificates_of(server);
    let has = certificates.iter().any(|c| match (&c.issuer, &c.subject) {
        (Some(issuer), Some(subject)) => wanted.names(issuer, subject),
        _ => false,
    });
    if !certificates.is_empty() && !has {
        return Remediation::unavailable(format!("No command was generated: the certificates pasted for {server} do not include {}. Import that certificate on {server} (with its private key), enable it for SMTP, then rerun the Hybrid Configuration Wizard or set TlsCertificateName.", wanted.text()));
    }
    let new = hybrid_text(cx, wanted).or_else(|| target.field.exact_text());
    let old = match &read.name {
        None => Some(Argument::Null),
        Some(_) => read.field.exact_text().map(|t| Argument::Text(t.to_owned())),
    };
    let (Some(new), Some(old)) = (new, old) else {
        return Remediation::unavailable("No command was generated: the paste does not show both certificate names exactly (a line wrap hid where their spaces are). Paste the output again with `| Format-List Identity,TlsCertificateName | Out-String -Width 4096`, or use Export-Clixml.".into());
    };
    let new = if settled { Argument::Text(new.to_owned()) } else { Argument::Chosen(new.to_owned()) };
    let plan = set_parameters(&target_connector, &vec![("TlsCertificateName", new, old)]).map(|r| {
        r.preferring("Preferred: rerun the Hybrid Configuration Wizard (https://aka.ms/HybridWizard) and select every receiving server; it writes the same certificate on each.")
            .note(format!("Before running the command, make sure {server} has this certificate with its private key, enabled for SMTP (its certificates, pasted, let tls-certificate-not-found and tls-certificate-not-smtp check it)."))
    });
    let mut remediation = cx.settle(connector.index, plan);
    if !settled {
        remediation.notes.push("The value is the one most receiving servers name, which the paste does not settle: the hybrid configuration does not show it, or the servers name more than two certificates. If this server is the one that was renewed and the others are not yet, name its certificate on the others instead. Check which certificate Exchange Online expects (the TlsDomain of its outbound connector) first.".into());
    }
    remediation
}

/// The hybrid configuration's name as shown exactly, when it is the wanted one.
fn hybrid_text<'a>(cx: &Context<'a>, wanted: &TlsName) -> Option<&'a str> {
    let field = cx.topology.hybrid?.tls_certificate_name?;
    match read_tls_name(Some(field.value())) {
        TlsNameRead::Valid(name) if same(Some(&name), Some(wanted)) => field.exact_text(),
        _ => None,
    }
}

/// True when the paste shows this connector once: a connector shown twice may hold either value now.
fn shown_once(counts: &BTreeMap<String, usize>, connector: &ReceiveConnector) -> bool {
    let Some(identity) = connector.object.identity.as_ref() else { return false };
    counts.get(&identity.text.to_ascii_lowercase()) == Some(&1)
}

/// How many servers a message names before it says how many more there are.
const NAMED: usize = 5;

/// The first [`NAMED`] of `items` joined by `separator`, and how many more there are: a paste may
/// show thousands of receiving servers, and each finding naming them all would make the report
/// grow with the square of the paste.
fn some_of<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let shown: Vec<&str> = items.iter().take(NAMED).map(AsRef::as_ref).collect();
    match items.len().saturating_sub(NAMED) {
        0 => shown.join(separator),
        more => format!("{} and {more} more", shown.join(separator)),
    }
}

fn name(connector: &ReceiveConnector) -> String {
    connector.object.display_identity().unwrap_or_else(|| "(identity not shown)".into())
}
