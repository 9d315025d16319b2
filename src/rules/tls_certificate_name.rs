//! The text of `TlsCertificateName` itself: its syntax (`tls-certificate-name-syntax`), whether
//! the hybrid connectors name the hybrid configuration's certificate
//! (`tls-certificate-name-mismatch`), and its length where Edge servers replicate it
//! (`tls-certificate-name-too-long`).

use super::{capitalize, describe, Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::capabilities::{self, fold};
use crate::model::topology::{read_tls_name, TlsName, TlsNameRead};
use crate::model::{Field, HybridConfiguration, Kind, View};
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
    what_it_checks: "Reads `TlsCertificateName` of receive connectors, send connectors and the hybrid configuration and checks that it has the form `<I>X.500 issuer<S>X.500 subject`, with `CN=` in the subject. An empty value is fine: Exchange then picks a certificate by the connector's FQDN. A value that looks redacted (`cert name`, `xxx`, `<redacted>`, `<I>CN=issuer<S>CN=subject`) is not a configuration error: the info diagnostic `redacted-value` says so and what the full value would show, the object counts as not checked, and no rule compares or quotes it. Nor is an issuer glued to a subject (`CN=R11, O=Let's Encrypt, C=USCN=mail.contoso.com`), which is what a web page, chat or mail leaves when it takes `<I>` and `<S>` for HTML tags: the warning diagnostic `marks-lost` says so, and the object counts as not checked.",
    why_it_matters: "A value of another form (a thumbprint, a bare host name, a subject without its issuer) names no certificate, so the connector uses none and TLS with Exchange Online fails.",
    example: "TlsCertificateName : mail.contoso.com",
    fix: "Set the value from the certificate itself: `$cert = Get-ExchangeCertificate -Thumbprint '<thumbprint>'`, `$tlsName = \"<I>$($cert.Issuer)<S>$($cert.Subject)\"`, then `Set-SendConnector` / `Set-ReceiveConnector -TlsCertificateName $tlsName`, or rerun the Hybrid Configuration Wizard. No command is generated: which certificate is meant cannot be read from the value.",
    fix_safety: "No command is generated.",
    references: &[SET_SEND_CONNECTOR, HYBRID_CONNECTOR_CHECK],
    needs: super::NAMERS,
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
    needs: &[&[Kind::HybridConfiguration], &[Kind::ReceiveConnector, Kind::SendConnector]],
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
    needs: &[&[Kind::SendConnector], &[Kind::ExchangeServer, Kind::HybridConfiguration]],
};

/// What a `TlsCertificateName` pasted whole lets the rules tell.
pub const HIDDEN_NAME_SHOWS: &str = "which certificate the connector uses (`<I>issuer<S>subject`), so that hybridcheck can check its form, that the server has that certificate, that it is valid and enabled for SMTP, and that it is the hybrid configuration's";

pub fn check(cx: &mut Context) {
    let hybrid = cx.topology.hybrid.and_then(|h| match read_tls_name(h.tls_certificate_name.map(Field::value)) {
        TlsNameRead::Valid(name) => Some((h, name)),
        _ => None,
    });
    let edge = cx.topology.edge_in_play();
    let mut hybrid_said = false;
    let views = cx.views;
    for view in views.all() {
        let Some((index, field)) = view.tls_certificate_name() else { continue };
        match read_tls_name(Some(field.value())) {
            TlsNameRead::Empty => {}
            TlsNameRead::Invalid(text) => check_syntax(cx, index, field, &text),
            TlsNameRead::Valid(name) => {
                cx.judge(index, Judgement::Judged);
                // EdgeSync copies send connectors to the Edge servers; nothing else of these.
                let send = matches!(view, View::SendConnector(_));
                if edge && send && !check_length(cx, index, field, &name) {
                    continue;
                }
                let Some((h, hybrid_name)) = hybrid.as_ref().filter(|(_, h)| {
                    !matches!(view, View::HybridConfiguration(_))
                        && is_hybrid_connector(view)
                        && !h.names(&name.issuer, &name.subject)
                }) else {
                    continue;
                };
                let compared = Compared { index, field, name: &name, hybrid: h, hybrid_name };
                check_mismatch(cx, &compared, &mut hybrid_said);
            }
        }
    }
}

/// Says that a value looks redacted (`model::redaction`), and leaves its object unjudged; `false`
/// when it does not. A value is asked only where it would otherwise be reported: a paste of
/// thousands of connectors names one certificate thousands of times, and a placeholder that fits
/// the form is judged like a real name.
fn said_hidden(cx: &mut Context, index: usize, field: Field) -> bool {
    let Some(part) = field.hidden() else { return false };
    cx.judge(index, Judgement::Unjudged);
    cx.hidden_value(index, "TlsCertificateName", Some(field), &part, HIDDEN_NAME_SHOWS);
    true
}

/// Whether the value is a certificate name whose `<I>` and `<S>` marks the copy dropped (see
/// `model::lost_marks`), which is then said in a diagnostic instead of judged: the server's value
/// is most likely well formed.
fn said_marks_lost(cx: &mut Context, index: usize, field: Field, text: &str) -> bool {
    if crate::model::lost_marks::split(text).is_none() {
        return false;
    }
    cx.judge(index, Judgement::Unjudged);
    let message = format!(
        "TlsCertificateName of {} reads '{text}': an issuer glued to a subject, as when a web page, chat or mail took the <I> and <S> marks for HTML tags and dropped them. It is not judged, and no command uses it.",
        describe(&cx.objects[index])
    );
    let hint = "Paste the output again as plain text (in a code block where the site offers one, or as a file): it shows <I>issuer<S>subject.";
    cx.diagnose("marks-lost", Severity::Warning, index, field.line(), message, Hint::new(hint, Vec::new()));
    true
}

/// `tls-certificate-name-syntax`: a value not of the form `<I>issuer<S>subject`.
fn check_syntax(cx: &mut Context, index: usize, field: Field, text: &str) {
    if said_hidden(cx, index, field) || said_marks_lost(cx, index, field, text) {
        return;
    }
    cx.judge(index, Judgement::Judged);
    let message = format!(
        "TlsCertificateName of {} is '{text}', which is not of the form <I>issuer<S>subject, so it names no certificate.",
        describe(&cx.objects[index])
    );
    let remediation = Remediation::unavailable("No command is generated: the value does not say which certificate is meant. Set it from the certificate with `$cert = Get-ExchangeCertificate -Thumbprint <thumbprint>` and `\"<I>$($cert.Issuer)<S>$($cert.Subject)\"`, or rerun the Hybrid Configuration Wizard.".into());
    cx.add(Draft::new(&SYNTAX, index, field.line(), message, remediation).evidence(Some(field)));
}

/// `tls-certificate-name-too-long`: a send connector's name longer than EdgeSync copies. `false`
/// when the value looks redacted, so that nothing more is said of it.
fn check_length(cx: &mut Context, index: usize, field: Field, name: &TlsName) -> bool {
    let length = name.text().chars().count();
    if length <= 256 {
        return true;
    }
    if said_hidden(cx, index, field) {
        return false;
    }
    let message = format!(
        "TlsCertificateName of {} is {length} characters long; with Edge servers in hybrid mail flow, EdgeSync cannot copy more than 256.",
        describe(&cx.objects[index]),
    );
    let remediation = Remediation::unavailable("No command is generated: follow KB 4052493 (raise the attribute's length on the Edge servers, or clear TlsCertificateName and rely on Fqdn, or use a certificate with a shorter name).".into());
    cx.add(Draft::new(&TOO_LONG, index, field.line(), message, remediation).evidence(Some(field)));
    true
}

/// A hybrid connector's certificate name that differs from the hybrid configuration's.
struct Compared<'a, 'n> {
    index: usize,
    field: Field<'a>,
    name: &'n TlsName,
    hybrid: &'a HybridConfiguration<'a>,
    hybrid_name: &'n TlsName,
}

/// `tls-certificate-name-mismatch`, unless one of the names looks redacted: names that differ
/// because one of them was hidden are not a mismatch. The hybrid configuration's hidden value is
/// said once (`hybrid_said`).
fn check_mismatch(cx: &mut Context, compared: &Compared, hybrid_said: &mut bool) {
    let index = compared.index;
    let hybrid_field = compared.hybrid.tls_certificate_name;
    let hidden_here = compared.field.hidden().map(|part| (index, compared.field, part));
    let hidden_there =
        || hybrid_field.and_then(|field| field.hidden().map(|part| (compared.hybrid.index, field, part)));
    match hidden_here.or_else(hidden_there) {
        Some((at, field, part)) => {
            cx.judge(index, Judgement::Unjudged);
            if at == index || !std::mem::replace(hybrid_said, true) {
                cx.judge(at, Judgement::Unjudged);
                cx.hidden_value(at, "TlsCertificateName", Some(field), &part, HIDDEN_NAME_SHOWS);
            }
        }
        None => report_mismatch(cx, compared),
    }
}

/// A connector that carries hybrid mail: a receive connector with Exchange Online entries, or
/// a send connector to Exchange Online or with `CloudServicesMailEnabled`.
fn is_hybrid_connector(view: &View) -> bool {
    match view {
        View::ReceiveConnector(connector) => connector.capabilities().is_some_and(|list| {
            list.entries.iter().any(|e| {
                let key = match &e.key {
                    capabilities::Key::Domain(d) => fold(d),
                    capabilities::Key::Certificate { subject, .. } => fold(subject),
                };
                key.contains("mail.protection.") || key.contains("outlook.com") || key.contains("outlook.cn")
            })
        }),
        View::SendConnector(connector) => {
            connector.cloud_services_mail_enabled.and_then(Field::flag) == Some(true) || connector.cloud().is_some()
        }
        _ => false,
    }
}

fn report_mismatch(cx: &mut Context, compared: &Compared) {
    let index = compared.index;
    let message = format!(
        "{} names the certificate {} in TlsCertificateName, but the hybrid configuration names {}.",
        capitalize(&describe(&cx.objects[index])),
        compared.name.text(),
        compared.hybrid_name.text()
    );
    // Both values go into the commands, so both must have been shown exactly.
    let hybrid_text = compared.hybrid.tls_certificate_name.and_then(Field::exact_text);
    let target = cx.target(index);
    let remediation = match (target, hybrid_text, compared.field.exact_text()) {
        (Ok(target), Some(new), Some(old)) => {
            let change = vec![("TlsCertificateName", Argument::Chosen(new.to_owned()), Argument::Text(old.to_owned()))];
            let plan = set_parameters(&target, &change).map(|r| {
                r.preferring("Preferred: rerun the Hybrid Configuration Wizard with the certificate you mean; it sets both sides.")
                    .note("The command assumes the hybrid configuration names the right certificate; if the connector is right instead, run Set-HybridConfiguration -TlsCertificateName with the connector's value.")
            });
            cx.settle(index, plan)
        }
        (Ok(_), _, _) => Remediation::unavailable("No command was generated: the paste does not show both certificate names exactly (a line wrap hid where their spaces are). Paste the output again with `| Format-List Identity,TlsCertificateName | Out-String -Width 4096`, or use Export-Clixml.".into()),
        (Err(reason), _, _) => Remediation::unavailable(reason.note(cx.objects[index].kind)),
    };
    let field = compared.field;
    cx.add(Draft::new(&MISMATCH, index, field.line(), message, remediation).evidence(Some(field)));
}
