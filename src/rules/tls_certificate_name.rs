//! The text of `TlsCertificateName` itself: its syntax (`tls-certificate-name-syntax`), whether
//! the hybrid connectors name the hybrid configuration's certificate
//! (`tls-certificate-name-mismatch`), and its length where Edge servers replicate it
//! (`tls-certificate-name-too-long`).

use super::{capitalize, describe, evidence, Context, Judgement, RuleDoc};
use crate::model::capabilities::{self, fold};
use crate::model::redaction;
use crate::model::topology::{read_tls_name, TlsName, TlsNameRead};
use crate::model::Kind;
use crate::remediation::{set_parameters, Argument};
use crate::report::{Reference, Remediation, Severity};

pub const SET_SEND_CONNECTOR: Reference = Reference {
    name: "Set-SendConnector",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-sendconnector",
};
pub const KB4052493: Reference = Reference {
    name: "KB4052493",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/mailflow/email-sent-to-online-appears-external",
};
const HYBRID_CONNECTOR_CHECK: Reference =
    Reference { name: "HealthChecker: hybrid connector check", url: "https://aka.ms/HC-HybridConnector" };

pub static SYNTAX: RuleDoc = RuleDoc {
    id: "tls-certificate-name-syntax",
    severity: Severity::Error,
    title: "TlsCertificateName is not of the form <I>issuer<S>subject",
    what_it_checks: "Reads `TlsCertificateName` of receive connectors, send connectors and the hybrid configuration and checks that it has the form `<I>X.500 issuer<S>X.500 subject`, with `CN=` in the subject. An empty value is fine: Exchange then picks a certificate by the connector's FQDN. A value that looks redacted (`cert name`, `xxx`, `<redacted>`, `<I>CN=issuer<S>CN=subject`) is not a configuration error: the info diagnostic `redacted-value` says so and what the full value would show, the object counts as not checked, and no rule compares or quotes it.",
    why_it_matters: "A value of another form (a thumbprint, a bare host name, a subject without its issuer) names no certificate, so the connector uses none and TLS with Exchange Online fails.",
    example: "TlsCertificateName : mail.contoso.com",
    fix: "Set the value from the certificate itself: `$cert = Get-ExchangeCertificate -Thumbprint '<thumbprint>'`, `$tlsName = \"<I>$($cert.Issuer)<S>$($cert.Subject)\"`, then `Set-SendConnector` / `Set-ReceiveConnector -TlsCertificateName $tlsName`, or rerun the Hybrid Configuration Wizard. No command is generated: which certificate is meant cannot be read from the value.",
    fix_safety: "No command is generated.",
    references: &[SET_SEND_CONNECTOR, HYBRID_CONNECTOR_CHECK],
};

pub static MISMATCH: RuleDoc = RuleDoc {
    id: "tls-certificate-name-mismatch",
    severity: Severity::Warning,
    title: "A hybrid connector names another certificate than the hybrid configuration",
    what_it_checks: "Compares the `TlsCertificateName` of each hybrid connector (a receive connector with Exchange Online entries in `TlsDomainCapabilities`, a send connector to Exchange Online or with `CloudServicesMailEnabled`) with the one in `Get-HybridConfiguration`. Issuer and subject are compared without regard to case or the spaces after commas; connectors with an empty value are not judged.",
    why_it_matters: "The Hybrid Configuration Wizard writes one certificate name to the hybrid configuration and to the connectors. When they differ, someone changed one side after a renewal: Exchange Online's connector expects the certificate the hybrid configuration names, and the next wizard run changes the connectors back.",
    example: "Hybrid configuration: <I>CN=DigiCert ...<S>CN=mail.contoso.com\nSend connector:       <I>CN=GeoTrust ...<S>CN=mail.contoso.com",
    fix: "Preferred: rerun the Hybrid Configuration Wizard with the certificate you mean. The generated command sets the connector's `TlsCertificateName` to the hybrid configuration's value.",
    fix_safety: "Review: hybridcheck cannot know which side is right; the command assumes the hybrid configuration is. The rollback restores the connector's value.",
    references: &[HYBRID_CONNECTOR_CHECK],
};

pub static TOO_LONG: RuleDoc = RuleDoc {
    id: "tls-certificate-name-too-long",
    severity: Severity::Warning,
    title: "TlsCertificateName is longer than Edge synchronization allows",
    what_it_checks: "Where Edge Transport servers take part in hybrid mail flow (an Edge server in `Get-ExchangeServer`, or `EdgeTransportServers` in the hybrid configuration), checks that the send connectors' `<I>issuer<S>subject` is at most 256 characters. Only send connectors count: EdgeSync copies them to the Edge servers, not the hybrid configuration or the receive connectors.",
    why_it_matters: "EdgeSync copies the value into the Edge server's AD LDS, whose attribute holds 256 characters: synchronization fails with \"A value in the request is invalid\", and mail from Exchange Online is treated as external (KB 4052493).",
    example: "TlsCertificateName : <I>CN=Contoso Issuing CA 07, OU=PKI, O=Contoso Corporation, L=Redmond, S=Washington, C=US, ...<S>CN=mail.contoso.com, OU=Messaging, ... (300 characters)",
    fix: "Follow KB 4052493: raise the length of the attribute on the Edge servers' AD LDS, or clear `TlsCertificateName` and rely on the connector's `Fqdn`, or use a certificate with a shorter issuer and subject. No command is generated.",
    fix_safety: "No command is generated.",
    references: &[KB4052493],
};

/// What a `TlsCertificateName` pasted whole lets the rules tell.
pub const HIDDEN_NAME_SHOWS: &str = "which certificate the connector uses (`<I>issuer<S>subject`), so that hybridcheck can check its form, that the server has that certificate, that it is valid and enabled for SMTP, and that it is the hybrid configuration's";

pub fn check(cx: &mut Context) {
    let hybrid = cx.topology.hybrid.and_then(|h| {
        match read_tls_name(cx.objects[h].record.get("TlsCertificateName").map(|p| &p.value)) {
            TlsNameRead::Valid(name) => Some((h, name)),
            _ => None,
        }
    });
    let edge = cx.topology.edge_in_play(cx.objects);
    // A value is asked whether it looks redacted (`model::redaction`) only where it would
    // otherwise be reported: a paste of thousands of connectors names one certificate
    // thousands of times, and a placeholder that fits the form is judged like a real name.
    let hidden = |cx: &Context, index: usize| {
        cx.objects[index].record.get("TlsCertificateName").and_then(|p| redaction::hidden_in(&p.value))
    };
    let mut hybrid_said = false;
    for index in 0..cx.objects.len() {
        let object = &cx.objects[index];
        if !matches!(object.kind, Kind::ReceiveConnector | Kind::SendConnector | Kind::HybridConfiguration) {
            continue;
        }
        let Some(prop) = object.record.get("TlsCertificateName") else { continue };
        let line = prop.line;
        match read_tls_name(Some(&prop.value)) {
            TlsNameRead::Empty => {}
            TlsNameRead::Invalid(text) => {
                if let Some(part) = hidden(cx, index) {
                    cx.judge(index, Judgement::Unjudged);
                    cx.hidden_value(index, "TlsCertificateName", &part, HIDDEN_NAME_SHOWS);
                    continue;
                }
                cx.judge(index, Judgement::Judged);
                let message = format!(
                    "TlsCertificateName of {} is '{text}', which is not of the form <I>issuer<S>subject, so it names no certificate.",
                    describe(&cx.objects[index])
                );
                let remediation = Remediation::unavailable("No command is generated: the value does not say which certificate is meant. Set it from the certificate with `$cert = Get-ExchangeCertificate -Thumbprint <thumbprint>` and `\"<I>$($cert.Issuer)<S>$($cert.Subject)\"`, or rerun the Hybrid Configuration Wizard.".into());
                let ev = evidence(object, "TlsCertificateName").into_iter().collect();
                cx.report(&SYNTAX, Severity::Error, index, line, message, ev, remediation);
            }
            TlsNameRead::Valid(name) => {
                cx.judge(index, Judgement::Judged);
                // EdgeSync copies send connectors to the Edge servers; nothing else of these.
                if edge && object.kind == Kind::SendConnector && name.text().chars().count() > 256 {
                    if let Some(part) = hidden(cx, index) {
                        cx.judge(index, Judgement::Unjudged);
                        cx.hidden_value(index, "TlsCertificateName", &part, HIDDEN_NAME_SHOWS);
                        continue;
                    }
                    let message = format!(
                        "TlsCertificateName of {} is {} characters long; with Edge servers in hybrid mail flow, EdgeSync cannot copy more than 256.",
                        describe(&cx.objects[index]),
                        name.text().chars().count()
                    );
                    let remediation = Remediation::unavailable("No command is generated: follow KB 4052493 (raise the attribute's length on the Edge servers, or clear TlsCertificateName and rely on Fqdn, or use a certificate with a shorter name).".into());
                    let ev = evidence(object, "TlsCertificateName").into_iter().collect();
                    cx.report(&TOO_LONG, Severity::Warning, index, line, message, ev, remediation);
                }
                let Some((h, hybrid_name)) = hybrid.as_ref().filter(|(_, h)| {
                    object.kind != Kind::HybridConfiguration
                        && is_hybrid_connector(cx, index)
                        && !h.names(&name.issuer, &name.subject)
                }) else {
                    continue;
                };
                // Names that differ because one of them was hidden are not a mismatch.
                let hidden_here = hidden(cx, index).map(|part| (index, part));
                let hidden_there = || hidden(cx, *h).map(|part| (*h, part));
                match hidden_here.or_else(hidden_there) {
                    Some((at, part)) => {
                        cx.judge(index, Judgement::Unjudged);
                        if at == index || !std::mem::replace(&mut hybrid_said, true) {
                            cx.judge(at, Judgement::Unjudged);
                            cx.hidden_value(at, "TlsCertificateName", &part, HIDDEN_NAME_SHOWS);
                        }
                    }
                    None => report_mismatch(cx, index, line, &name, hybrid_name),
                }
            }
        }
    }
}

/// A connector that carries hybrid mail: a receive connector with Exchange Online entries, or
/// a send connector to Exchange Online or with `CloudServicesMailEnabled`.
fn is_hybrid_connector(cx: &Context, index: usize) -> bool {
    let object = &cx.objects[index];
    match object.kind {
        Kind::ReceiveConnector => object.record.get("TlsDomainCapabilities").is_some_and(|p| {
            capabilities::from_value(&p.value, p.truncated).entries.iter().any(|e| {
                let key = match &e.key {
                    capabilities::Key::Domain(d) => fold(d),
                    capabilities::Key::Certificate { subject, .. } => fold(subject),
                };
                key.contains("mail.protection.") || key.contains("outlook.com") || key.contains("outlook.cn")
            })
        }),
        Kind::SendConnector => {
            object.flag("CloudServicesMailEnabled") == Some(true) || super::exo_send_connector::cloud(object).is_some()
        }
        _ => false,
    }
}

fn report_mismatch(cx: &mut Context, index: usize, line: u32, name: &TlsName, hybrid: &TlsName) {
    let message = format!(
        "{} names the certificate {} in TlsCertificateName, but the hybrid configuration names {}.",
        capitalize(&describe(&cx.objects[index])),
        name.text(),
        hybrid.text()
    );
    // Both values go into the commands, so both must have been shown exactly.
    let hybrid_text = cx.topology.hybrid.and_then(|h| cx.objects[h].exact_text("TlsCertificateName"));
    let target = cx.target(index);
    let object = &cx.objects[index];
    let remediation = match (target, hybrid_text, object.exact_text("TlsCertificateName")) {
        (Ok(target), Some(new), Some(old)) => {
            let change = vec![("TlsCertificateName", Argument::Chosen(new.to_owned()), Argument::Text(old.to_owned()))];
            let plan = set_parameters(&target, &change).map(|r| {
                r.preferring("Preferred: rerun the Hybrid Configuration Wizard with the certificate you mean; it sets both sides.")
                    .note("The command assumes the hybrid configuration names the right certificate; if the connector is right instead, run Set-HybridConfiguration -TlsCertificateName with the connector's value.")
            });
            cx.settle(index, plan)
        }
        (Ok(_), _, _) => Remediation::unavailable("No command was generated: the paste does not show both certificate names exactly (a line wrap hid where their spaces are). Paste the output again with `| Format-List Identity,TlsCertificateName | Out-String -Width 4096`, or use Export-Clixml.".into()),
        (Err(reason), _, _) => Remediation::unavailable(reason.note(object.kind)),
    };
    let object = &cx.objects[index];
    let ev = evidence(object, "TlsCertificateName").into_iter().collect();
    cx.report(&MISMATCH, Severity::Warning, index, line, message, ev, remediation);
}
