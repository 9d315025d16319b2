//! The certificate a connector or the hybrid configuration names in `TlsCertificateName`:
//! that it exists on each server that uses it (`tls-certificate-not-found`), and that it is
//! usable there (`tls-certificate-expired`, `-expiring`, `-not-smtp`, `-no-private-key`,
//! `-invalid-status`). A server is judged only when its certificates were pasted.

mod usable;

use super::{capitalize, describe, Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::capabilities::fold;
use crate::model::date::Date;
use crate::model::redaction;
use crate::model::topology::{read_tls_name, same_server, server_key, Certificate, TlsName, TlsNameRead};
use crate::model::{Field, View};
use crate::remediation::powershell::{quote, Quoted, Refused};
use crate::remediation::{collect, point_at_certificate, Before, Target};
use crate::report::{Command, Reference, Remediation, Severity};
use std::collections::BTreeMap;

pub const KB2989382: Reference = Reference {
    name: "KB2989382",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/cannot-receive-mail-with-new-certificate",
};
pub const KB4495258: Reference = Reference {
    name: "KB4495258",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/mailflow/tls-negotiation-failed-with-error-nocredentials-error",
};
pub const CERTIFICATE_PROCEDURES: Reference = Reference {
    name: "Certificate procedures in Exchange Server",
    url: "https://learn.microsoft.com/en-us/exchange/architecture/client-access/certificate-procedures",
};

pub static NOT_FOUND: RuleDoc = RuleDoc {
    id: "tls-certificate-not-found",
    severity: Severity::Error,
    title: "The certificate named in TlsCertificateName is not on the server",
    what_it_checks: "For every receive connector, send connector and the hybrid configuration that names a certificate in `TlsCertificateName` (`<I>issuer<S>subject`), looks for a certificate with that issuer and subject among the pasted `Get-ExchangeCertificate` output of each server that uses the setting: the receive connector's server, the send connector's source transport servers, the hybrid configuration's sending and receiving transport servers. A server whose certificates were not pasted is not judged; a diagnostic says what to paste. Names, server names and certificate issuers or subjects that look redacted are not judged either (the info diagnostic `redacted-value`).",
    why_it_matters: "When the named certificate is gone (typically after a renewal) the server cannot offer or present it: the send connector queues mail with `454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found`, and the receive side logs event 12014 and stops offering STARTTLS to Exchange Online.",
    example: "TlsCertificateName : <I>CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US<S>CN=mail.contoso.com\n(no certificate of EX01 has that issuer and subject)",
    fix: "Point `TlsCertificateName` at the certificate the server has now: `$cert = Get-ExchangeCertificate -Server 'EX01' -Thumbprint '<thumbprint>'`, `$tlsName = \"<I>$($cert.Issuer)<S>$($cert.Subject)\"`, then `Set-SendConnector` / `Set-ReceiveConnector -TlsCertificateName $tlsName`. Commands are generated when the paste shows a usable certificate for the same name on that server; otherwise renew or import the certificate and rerun the Hybrid Configuration Wizard.",
    fix_safety: "Review: the command points the setting at a certificate hybridcheck chose from the paste (same subject name, enabled for SMTP, valid). Check it is the one you mean; the rollback restores the old name.",
    references: &[KB2989382, CERTIFICATE_PROCEDURES],
    needs: super::NAMERS_AND_CERTIFICATES,
};

pub static EXPIRED: RuleDoc = RuleDoc {
    id: "tls-certificate-expired",
    severity: Severity::Error,
    title: "The certificate named in TlsCertificateName has expired",
    what_it_checks: "Compares the `NotAfter` date of each certificate named by a connector or the hybrid configuration with today's date (the CLI's `--now`, the system date, or the browser's date in the page).",
    why_it_matters: "Exchange Online refuses TLS with an expired certificate, so hybrid mail in one or both directions stops or arrives as anonymous mail.",
    example: "NotAfter : 3/15/2017 4:59:59 PM",
    fix: "Renew the certificate (or import a new one with its private key), enable it for SMTP, then update `TlsCertificateName` on the connectors and the hybrid configuration, or rerun the Hybrid Configuration Wizard. No command is generated: the new certificate is not in the paste.",
    fix_safety: "No command is generated.",
    references: &[CERTIFICATE_PROCEDURES, KB2989382],
    needs: super::NAMERS_AND_CERTIFICATES,
};

pub static EXPIRING: RuleDoc = RuleDoc {
    id: "tls-certificate-expiring",
    severity: Severity::Warning,
    title: "The certificate named in TlsCertificateName expires soon",
    what_it_checks: "Warns when a certificate named by a connector or the hybrid configuration expires within 30 days, and notes (severity info) when it expires within 60 days, judged against today's date.",
    why_it_matters: "Renewing a hybrid certificate means changing `TlsCertificateName` on several objects (or rerunning the wizard); done at the last minute, mail flow stops while it is sorted out.",
    example: "NotAfter : 12/20/2026 11:59:59 PM",
    fix: "Renew the certificate now, enable the new one for SMTP, then update `TlsCertificateName` or rerun the Hybrid Configuration Wizard. No command is generated.",
    fix_safety: "No command is generated.",
    references: &[CERTIFICATE_PROCEDURES],
    needs: super::NAMERS_AND_CERTIFICATES,
};

pub static NOT_SMTP: RuleDoc = RuleDoc {
    id: "tls-certificate-not-smtp",
    severity: Severity::Error,
    title: "The certificate named in TlsCertificateName is not enabled for SMTP",
    what_it_checks: "Looks at the `Services` of each certificate named by a connector or the hybrid configuration (`IMAP, POP, IIS, SMTP` in a list, the fifth letter `S` in the table's `IP.WS..`).",
    why_it_matters: "Exchange uses a certificate for TLS in SMTP only when it is enabled for the SMTP service; otherwise the connector cannot use the certificate it names.",
    example: "Services : IMAP, POP, IIS",
    fix: "`Enable-ExchangeCertificate -Server 'EX01' -Thumbprint '<thumbprint>' -Services SMTP`. When the shell asks whether to overwrite the default SMTP certificate, answer No unless you mean to replace it.",
    fix_safety: "Review: the command adds SMTP to the certificate's services and keeps the others; answer No to the prompt about the default SMTP certificate. There is no rollback command: removing a service means enabling the certificate again without it.",
    references: &[KB2989382, CERTIFICATE_PROCEDURES],
    needs: super::NAMERS_AND_CERTIFICATES,
};

pub static NO_PRIVATE_KEY: RuleDoc = RuleDoc {
    id: "tls-certificate-no-private-key",
    severity: Severity::Error,
    title: "The certificate named in TlsCertificateName has no private key",
    what_it_checks: "Looks at `HasPrivateKey` of each certificate named by a connector or the hybrid configuration.",
    why_it_matters: "Without its private key the certificate cannot be used for TLS: connections fail with `TLS negotiation failed with error NoCredentials` and queues show `421 4.4.1 Connection timed out` (KB 4495258).",
    example: "HasPrivateKey : False",
    fix: "Import the certificate again with its private key (a .pfx file), or renew it on this server; then enable it for SMTP. No command is generated.",
    fix_safety: "No command is generated.",
    references: &[KB4495258],
    needs: super::NAMERS_AND_CERTIFICATES,
};

pub static INVALID_STATUS: RuleDoc = RuleDoc {
    id: "tls-certificate-invalid-status",
    severity: Severity::Error,
    title: "The certificate named in TlsCertificateName is not valid",
    what_it_checks: "Looks at `Status` of each certificate named by a connector or the hybrid configuration; anything other than `Valid` (for example `RevocationCheckFailure`, `Untrusted`, `Invalid`) is a finding.",
    why_it_matters: "A certificate Exchange does not consider valid is not used for TLS, so hybrid mail queues or arrives as anonymous mail. `RevocationCheckFailure` often means the server cannot reach the issuer's revocation list.",
    example: "Status : RevocationCheckFailure",
    fix: "Find out why the status is not Valid: allow the server to reach the issuer's CRL and OCSP addresses, install the issuer's intermediate and root certificates, or replace the certificate. No command is generated.",
    fix_safety: "No command is generated.",
    references: &[CERTIFICATE_PROCEDURES],
    needs: super::NAMERS_AND_CERTIFICATES,
};

/// One object that names a certificate, and the servers that use the setting.
struct Naming<'a> {
    object: usize,
    /// Its `TlsCertificateName`, and the name read from it.
    field: Field<'a>,
    name: TlsName,
    line: u32,
    servers: Vec<String>,
    /// False when the paste does not show which servers use the setting (a hybrid configuration
    /// pasted without its transport servers): `servers` are then only the servers whose
    /// certificates were pasted, and a certificate missing there proves nothing.
    servers_known: bool,
}

/// What the search for the named certificates found on the servers.
#[derive(Default)]
struct Search {
    /// Each certificate found (by object), with its server and every object that names it: each
    /// is judged once, naming them all.
    found: BTreeMap<usize, (Certificate, String, Vec<usize>)>,
    /// Servers whose certificates were not pasted, with the objects that name one there.
    not_pasted: BTreeMap<String, NotPasted>,
}

pub fn check(cx: &mut Context) {
    let namings = namings(cx);
    let mut search = Search::default();
    for naming in &namings {
        for server in &naming.servers {
            look_on(cx, naming, server, &mut search);
        }
    }
    report_not_pasted(cx, search.not_pasted);
    for (certificate, server, owners) in search.found.into_values() {
        usable::judge_certificate(cx, &certificate, &server, &owners);
    }
}

/// Looks for the certificate `naming` names among the certificates pasted for `server`.
fn look_on(cx: &mut Context, naming: &Naming, server: &str, search: &mut Search) {
    let certificates = cx.topology.certificates_of(server).to_vec();
    // A server name the paste hid gets no hint with a command that names it.
    if certificates.is_empty() && redaction::looks_hidden(server) {
        hidden_server(cx, naming.object, server);
        return;
    }
    if certificates.is_empty() {
        let entry = search
            .not_pasted
            .entry(server_key(server))
            .or_insert_with(|| (server.to_owned(), naming.object, naming.line, Vec::new()));
        entry.3.push(naming.object);
        return;
    }
    let exact = certificates
        .iter()
        .filter(|c| matches!((&c.issuer, &c.subject), (Some(i), Some(s)) if naming.name.names(i, s)));
    if let Some(certificate) = exact.max_by_key(|c| c.not_after.map(|d| d.date)) {
        // The certificate's server as its own output names it (`EX01`), rather than as the
        // naming object does (`ex01.contoso.local`): the same server either way.
        let entry = search.found.entry(certificate.object).or_insert_with(|| {
            (certificate.clone(), certificate.server.clone().unwrap_or_else(|| server.to_owned()), Vec::new())
        });
        if !entry.2.contains(&naming.object) {
            entry.2.push(naming.object);
        }
        cx.judge(naming.object, Judgement::Judged);
        return;
    }
    if cannot_tell(cx, naming, server, &certificates) || !naming.servers_known {
        return;
    }
    cx.judge(naming.object, Judgement::Judged);
    report_not_found(cx, naming, server, &certificates);
}

/// True, after saying why, when the pasted certificates cannot show that the named one is
/// missing: a name the paste hid names no certificate, a certificate whose issuer or subject it
/// hid cannot be told apart, and neither can certificates pasted without their issuer.
fn cannot_tell(cx: &mut Context, naming: &Naming, server: &str, certificates: &[Certificate]) -> bool {
    if let Some(part) = naming.field.hidden() {
        cx.judge(naming.object, Judgement::Unjudged);
        let shows = super::tls_certificate_name::HIDDEN_NAME_SHOWS;
        cx.hidden_value(naming.object, "TlsCertificateName", Some(naming.field), &part, shows);
        return true;
    }
    let hidden = certificates.iter().find_map(|c| {
        let issuer = c.issuer.as_deref().and_then(redaction::hidden_part).map(|h| ("Issuer", h));
        issuer
            .or_else(|| c.subject.as_deref().and_then(redaction::hidden_part).map(|h| ("Subject", h)))
            .map(|(p, h)| (c.object, p, h))
    });
    if let Some((certificate, property, part)) = hidden {
        let owner = describe(&cx.objects[naming.object]);
        cx.judge(naming.object, Judgement::Unjudged);
        cx.judge(certificate, Judgement::Unjudged);
        let view = cx.views.certificate(certificate);
        let field = view.and_then(|v| if property == "Issuer" { v.issuer } else { v.subject });
        let shows = format!("the certificate's issuer and subject, so that hybridcheck can tell whether it is the certificate that {owner} names");
        cx.hidden_value(certificate, property, field, &part, &shows);
        return true;
    }
    let partial = certificates
        .iter()
        .any(|c| c.issuer.is_none() && c.subject.as_deref().is_none_or(|s| fold(s) == fold(&naming.name.subject)));
    if partial {
        let owner = describe(&cx.objects[naming.object]);
        let hint = certificates_hint(cx, naming.object, server);
        cx.diagnose(
            "certificate-details-missing",
            Severity::Info,
            naming.object,
            naming.line,
            format!("The certificates of server '{server}' were pasted without their issuer, so the certificate that {owner} names cannot be told apart."),
            hint,
        );
    }
    partial
}

/// Says which servers' certificates were not pasted. Edge Transport servers are named one by
/// one (their certificates are listed in their own shell); the others of each input in one
/// diagnostic when there are many.
fn report_not_pasted(cx: &mut Context, not_pasted: BTreeMap<String, NotPasted>) {
    // (Plain vectors: another map type here would add its own copy of the map's code to the page.)
    let entries: Vec<(bool, usize, NotPasted)> =
        not_pasted.into_values().map(|entry| (is_edge(cx, &entry.0), cx.objects[entry.1].input, entry)).collect();
    // Servers other than Edge ones per input; the inputs are few (the files of one check).
    let mut others: Vec<(usize, usize)> = Vec::new();
    for (_, input, _) in entries.iter().filter(|(edge, ..)| !edge) {
        match others.iter_mut().find(|(i, _)| i == input) {
            Some((_, count)) => *count += 1,
            None => others.push((*input, 1)),
        }
    }
    let many_in = |input: usize| others.iter().any(|&(i, count)| i == input && count > MANY_SERVERS);
    let mut grouped: Vec<(usize, Vec<NotPasted>)> = Vec::new();
    let mut one_by_one = Vec::new();
    for (edge, input, entry) in entries {
        if edge || !many_in(input) {
            one_by_one.push(entry);
        } else if let Some((_, group)) = grouped.iter_mut().find(|(i, _)| *i == input) {
            group.push(entry);
        } else {
            grouped.push((input, vec![entry]));
        }
    }
    for (_, servers) in grouped {
        report_many_not_pasted(cx, servers);
    }
    for entry in one_by_one {
        report_one_not_pasted(cx, entry);
    }
}

/// One diagnostic for one server whose certificates were not pasted.
fn report_one_not_pasted(cx: &mut Context, (server, object, line, owners): NotPasted) {
    // Name a few of the objects: a dump of thousands of connectors must not make a message of thousands.
    let mut names: Vec<String> = owners.iter().take(3).map(|&o| describe(&cx.objects[o])).collect();
    if owners.len() > 3 {
        names.push(format!("{} more", owners.len() - 3));
    }
    let named = if owners.len() == 1 {
        format!("the certificate that {} names", names[0])
    } else {
        format!("the certificates that {} objects name ({})", owners.len(), names.join(", "))
    };
    let hint = certificates_hint(cx, object, &server);
    cx.diagnose(
        "certificates-not-pasted",
        Severity::Info,
        object,
        line,
        format!("The paste shows no certificates of server '{server}', so {named} could not be checked there."),
        hint,
    );
}
/// A server whose certificates were not pasted: its name, the first object that names a
/// certificate there and that object's line, and every such object.
type NotPasted = (String, usize, u32, Vec<usize>);

/// Above this many servers without certificates, one diagnostic names them all: a paste of a
/// whole organisation must not bury its findings under a line per server.
const MANY_SERVERS: usize = 5;

/// One diagnostic for the servers of one input (server, first object, its line, objects) whose
/// certificates were not pasted; none of them is an Edge Transport server.
fn report_many_not_pasted(cx: &mut Context, servers: Vec<NotPasted>) {
    // An object that names several servers (a send connector, the hybrid configuration) counts once.
    let mut counted = vec![false; cx.objects.len()];
    let mut objects = 0;
    for &owner in servers.iter().flat_map(|(_, _, _, owners)| owners) {
        objects += usize::from(!std::mem::replace(&mut counted[owner], true));
    }
    let first: Vec<String> = servers.iter().take(3).map(|(server, ..)| format!("'{server}'")).collect();
    let named = if objects == 1 {
        "the certificate that one object names".to_owned()
    } else {
        format!("the certificates that {objects} objects name")
    };
    let (_, object, line, _) = &servers[0];
    // The command for each server, for the first few (a page of thousands of commands helps nobody).
    let commands: Vec<Command> = servers
        .iter()
        .take(10)
        .filter_map(|(server, owner, ..)| cx.quote_server(*owner, server))
        .map(|s| collect::certificates(Some(&s)))
        .collect();
    cx.diagnose(
        "certificates-not-pasted",
        Severity::Info,
        *object,
        *line,
        format!(
            "The paste shows no certificates of {} servers ({} and {} more), so {named} could not be checked there.",
            servers.len(),
            first.join(", "),
            servers.len() - first.len()
        ),
        Hint::new(
            format!(
                "For each server whose certificates matter, run Get-ExchangeCertificate with -Server and that server's name, as below{}, and paste the output.",
                if servers.len() > commands.len() { " for the first ones" } else { "" }
            ),
            commands,
        ),
    );
}

/// True for an Edge Transport server: its certificates can be listed only in its own shell.
fn is_edge(cx: &Context, server: &str) -> bool {
    cx.topology.server(server).is_some_and(|s| s.edge)
        || cx.topology.hybrid.is_some_and(|h| h.edge_servers().iter().any(|e| same_server(e, server)))
}

/// Every valid `TlsCertificateName` in the paste with the servers that use it.
fn namings<'a>(cx: &mut Context<'a>) -> Vec<Naming<'a>> {
    let mut namings = Vec::new();
    for view in cx.views.all() {
        let Some((index, field)) = view.tls_certificate_name() else { continue };
        let TlsNameRead::Valid(name) = read_tls_name(Some(field.value())) else { continue };
        let (servers, servers_known) = match view {
            View::ReceiveConnector(connector) => (connector.server_name().into_iter().collect(), true),
            View::SendConnector(connector) => (connector.source_servers(), true),
            _ => match cx.topology.hybrid_transport_servers() {
                Some(servers) => (servers, true),
                None => (cx.topology.servers_with_certificates(), false),
            },
        };
        let line = field.line();
        if !servers_known {
            cx.diagnose(
                "hybrid-servers-not-shown",
                Severity::Info,
                index,
                line,
                "The paste does not show the hybrid configuration's transport servers, so its certificate was looked for only among the certificates pasted, and no server was judged for lacking it.".into(),
                Hint::new(
                    "Run the command below and paste its output, with the certificates of the servers it lists.",
                    vec![collect::hybrid_configuration()],
                ),
            );
        }
        namings.push(Naming { object: index, field, name, line, servers, servers_known });
    }
    namings
}

/// Says that the server names of a naming object look redacted, naming the property that
/// holds the hidden one: `xxx\Default Frontend xxx`, `SourceTransportServers : {server names}`.
fn hidden_server(cx: &mut Context, object: usize, server: &str) {
    let Some(part) = redaction::hidden_part(server) else { return };
    // The properties that name the object's servers, in the order they are asked, then its identity.
    let (properties, identity) = match cx.views.get(object) {
        View::SendConnector(c) => (vec![("SourceTransportServers", c.source_transport_servers)], c.identity),
        View::HybridConfiguration(h) => (
            vec![
                ("SendingTransportServers", h.sending_transport_servers),
                ("ReceivingTransportServers", h.receiving_transport_servers),
                ("EdgeTransportServers", h.edge_transport_servers),
            ],
            h.identity,
        ),
        View::ReceiveConnector(c) => (vec![("Server", c.server)], c.identity),
        _ => (Vec::new(), None),
    };
    let (property, field) = properties
        .into_iter()
        .chain([("Identity", identity)])
        .find(|(_, field)| field.is_some_and(|f| f.hidden().is_some()))
        .unwrap_or(("Identity", identity));
    cx.judge(object, Judgement::Unjudged);
    cx.hidden_value(
        object,
        property,
        field,
        &part,
        "which servers use this setting, so that hybridcheck can look for the certificate on each of them",
    );
}

/// What to run to paste a server's certificates, in words and as a command; the server name is
/// quoted, or left out when it cannot be. An Edge server's certificates can be listed only in its
/// own shell.
fn certificates_hint(cx: &mut Context, object: usize, server: &str) -> Hint {
    if is_edge(cx, server) {
        return Hint::new(
            format!("'{server}' is an Edge Transport server: run the command below in the Exchange Management Shell on that server and paste the output."),
            vec![collect::certificates(None)],
        );
    }
    match cx.quote_server(object, server) {
        Some(quoted) => {
            Hint::new("Run the command below and paste the output.", vec![collect::certificates(Some(&quoted))])
        }
        None => {
            Hint::new("Run the command below on that server and paste the output.", vec![collect::certificates(None)])
        }
    }
}

fn report_not_found(cx: &mut Context, naming: &Naming, server: &str, certificates: &[Certificate]) {
    let owner = describe(&cx.objects[naming.object]);
    let subject_cn = common_name(&naming.name.subject);
    let remediation = match candidate(certificates, &subject_cn, cx.options.today) {
        Some(certificate) => point_at(cx, naming, server, certificate),
        None => Remediation::unavailable(format!(
            "No command was generated: the paste shows no usable certificate for {subject_cn} on '{server}'. Renew or import the certificate on that server, enable it for SMTP, then rerun the Hybrid Configuration Wizard (it sets TlsCertificateName anew)."
        )),
    };
    let message = format!(
        "{} names the certificate {} in TlsCertificateName, but no certificate of server '{server}' has that issuer and subject; mail that uses this setting fails TLS (454 4.7.5 on the send side, event 12014 on the receive side).",
        capitalize(&owner),
        naming.name.text()
    );
    cx.add(Draft::new(&NOT_FOUND, naming.object, naming.line, message, remediation).evidence(Some(naming.field)));
}

/// A certificate for the same name (`subject_cn`) that the server could use instead: enabled for
/// SMTP, valid, with its private key, not expired, with a whole thumbprint; the latest to expire.
fn candidate<'c>(certificates: &'c [Certificate], subject_cn: &str, today: Option<Date>) -> Option<&'c Certificate> {
    certificates
        .iter()
        .filter(|c| {
            c.smtp != Some(false)
                && c.status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("valid"))
                && c.has_private_key != Some(false)
        })
        .filter(|c| c.subject.as_deref().is_some_and(|s| common_name(s) == subject_cn) && c.issuer.is_some())
        .filter(|c| !is_expired(c, today))
        .filter(|c| {
            c.thumbprint.as_deref().is_some_and(|t| t.len() == 40 && t.chars().all(|ch| ch.is_ascii_hexdigit()))
        })
        .max_by_key(|c| c.not_after.map(|d| d.date))
}

/// The commands that point the naming object at `certificate` on `server`, or why there are none.
fn point_at(cx: &mut Context, naming: &Naming, server: &str, certificate: &Certificate) -> Remediation {
    let number = cx.findings.len() + 1;
    let kind = cx.objects[naming.object].kind;
    let target = match cx.target(naming.object) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(kind)),
    };
    match cx.quote_server(naming.object, server) {
        Some(quoted) => {
            let plan = replace_name(&target, naming.field, &quoted, certificate, number);
            cx.settle(naming.object, plan)
        }
        None => Remediation::unavailable(format!(
            "No command was generated: the server name '{server}' cannot be written in a command. Set TlsCertificateName from the certificate on that server, or rerun the Hybrid Configuration Wizard."
        )),
    }
}

/// Commands that point `TlsCertificateName` (its value now: `name`) at `certificate`, read by
/// thumbprint on the server.
fn replace_name(
    target: &Target,
    name: Field,
    server: &Quoted,
    certificate: &Certificate,
    number: usize,
) -> Result<Remediation, Refused> {
    let thumbprint = certificate.thumbprint.as_deref().unwrap_or_default();
    // The rollback names the old value only when the paste showed it exactly.
    let before = match name.exact_text() {
        Some(text) => Before::Shown(text),
        None => Before::FromServer,
    };
    let remediation = point_at_certificate(target, server, &quote(thumbprint)?, before, number)?;
    Ok(remediation
        .preferring("Preferred: rerun the Hybrid Configuration Wizard (https://aka.ms/HybridWizard) after a certificate renewal; it updates every object that names the certificate. The commands change this one object.")
        .note(format!(
            "The commands use the certificate with thumbprint {thumbprint} from the paste: same subject name, enabled for SMTP, valid. Make sure it is the one you mean, and that every other server that uses this setting has it too."
        )))
}

fn is_expired(certificate: &Certificate, today: Option<Date>) -> bool {
    matches!((certificate.not_after, today), (Some(n), Some(t)) if n.date < t)
}

/// The `CN=` value of a distinguished name, folded for comparison.
fn common_name(dn: &str) -> String {
    let folded = fold(dn);
    folded.split(',').find_map(|rdn| rdn.strip_prefix("cn=")).unwrap_or(&folded).to_owned()
}
