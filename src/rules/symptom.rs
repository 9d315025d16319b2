//! `symptom`: error texts in the paste, with the rules that explain them.

use super::auth_certificate_invalid::MAINTAIN_AUTH_CERTIFICATE;
use super::exchange_build::{DEDICATED_HYBRID_APP, ENFORCEMENT_PAUSE};
use super::exo_connector_certificate_mismatch::RELAY_ACCESS_DENIED;
use super::hybrid_domain_routing::HOP_COUNT_EXCEEDED;
use super::legacy_exo_tls_capability::KB3156771;
use super::tls_certificate::KB2989382;
use super::{Context, Draft, RuleDoc};
use crate::formats::symptom::{Symptom, SYMPTOMS};
use crate::model::{SymptomText, View};
use crate::report::{Evidence, Reference, Remediation, Severity};
use std::collections::BTreeMap;

pub const KB2888788: Reference = Reference {
    name: "KB2888788 (event 2004, UntrustedRoot)",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/mail-flow-stops-event-2004",
};
pub const KB4495258: Reference = Reference {
    name: "KB4495258 (NoCredentials)",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/mailflow/tls-negotiation-failed-with-error-nocredentials-error",
};
pub const NDR_450_4_4_317: Reference = Reference {
    name: "NDR 450 4.4.317 UntrustedRoot",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/ndr/fix-error-code-450-4-4-317-untrusted-root",
};
pub const MAIL_FLOW_INTELLIGENCE: Reference = Reference {
    name: "Mail flow intelligence (450 4.4.317, 450 4.7.320)",
    url: "https://learn.microsoft.com/en-us/defender-office-365/connectors-mail-flow-intelligence",
};
pub const SOCKET_ERROR: Reference = Reference {
    name: "SocketError with TLS 1.0 or 1.1",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/send-receive-emails-socketerror",
};
pub const KB3090197: Reference =
    Reference { name: "KB3090197 (Test-OAuthConnectivity 401)", url: "https://support.microsoft.com/kb/3090197" };
pub const KB3089172: Reference = Reference {
    name: "KB3089172 (HCW8064, configure OAuth by hand)",
    url: "https://support.microsoft.com/help/3089172",
};
pub const TLS_GUIDANCE: Reference =
    Reference { name: "Exchange Server TLS configuration best practices", url: "https://aka.ms/HC-TLSGuide" };

pub static DOC: RuleDoc = RuleDoc {
    id: "symptom",
    severity: Severity::Info,
    title: "An error text of broken hybrid mail flow",
    what_it_checks: "Recognises the error texts of this family of failures anywhere in the paste (an NDR, a queue's `LastError`, message tracking, an event, a protocol log) and says on which side of the mail flow the cause is: the receive side is where Exchange Online delivers to on-premises, the send side where on-premises sends to Exchange Online. One finding per kind of text, saying on how many lines it appears (the first 3 as evidence), which objects to look at, the rules that find its causes, and the commands whose output to paste:\n\n\
- `451 4.7.0 ... PRX5` and `550 5.7.1 Unable to relay`: the receive side, the `TlsDomainCapabilities` of the receive connectors that take mail from Exchange Online (KB 3156771). Paste `$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName`.\n\
- `454 4.7.5` and `NoCredentials`: the send side, the `TlsCertificateName` of the send connector to Exchange Online and that certificate on each of its source transport servers (found, enabled for SMTP, valid, with its private key). Paste `Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers,Enabled` and, on each source server, `Get-ExchangeCertificate | Format-List Thumbprint,Subject,Issuer,NotAfter,Services,Status,HasPrivateKey,RootCAType`.\n\
- `UntrustedRoot` without `450 4.4.317` or `450 4.7.320` (event 2004 on the sending server): the send side, the certificates enabled for SMTP on the source transport servers, one of which is typically from an internal certification authority (KB 2888788). Paste the send connectors and the certificates as for `454 4.7.5`.\n\
- Event 12014 (`could not find a certificate that contains the domain name`), `451 5.7.3 STARTTLS is required`, and `450 4.4.317 Cannot connect to remote server` with `UntrustedRoot` or another message: the receive side, the receive connector that takes mail from Exchange Online (usually `Default Frontend <server>`) on each receiving server, its `TlsCertificateName` (or its `Fqdn` when that is empty) and the certificate it presents; the send connectors play no part. With `UntrustedRoot`, the server must present the full chain, intermediates included. Paste `$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,Fqdn,TlsCertificateName,TlsDomainCapabilities` and, on each receiving server, `Get-ExchangeCertificate | Format-List Thumbprint,Subject,Issuer,NotAfter,Services,Status,HasPrivateKey,RootCAType`.\n\
- `SubjectMismatch` (with `450 4.4.317` or `450 4.7.320`): the receive side, a certificate whose name is wrong, not an untrusted chain. Every receiving server's receive connector must name the hybrid configuration's certificate, and its subject must be the name Exchange Online's outbound connector expects (`TlsDomain` in `Get-OutboundConnector`). Paste the receive connectors as above, `Get-HybridConfiguration | Format-List ReceivingTransportServers,SendingTransportServers,EdgeTransportServers,OnPremisesSmartHost,TlsCertificateName` and the certificates.\n\
- `SocketError` (`421 4.4.2 Connection dropped due to SocketError`, `TLS negotiation failed with error SocketError`, also beside `451 5.7.3`) and `451 5.7.3 Must issue a STARTTLS command first`: no TLS version both sides accept, not a certificate. Look at the TLS 1.2 settings (SCHANNEL client and server, .NET `SystemDefaultTlsVersions` and `SchUseStrongCrypto`) of the servers that exchange mail with Exchange Online, typically after TLS 1.0 and 1.1 were disabled (`tls12-not-enabled` judges them). Paste, on each server, `'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client','SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server','SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319','SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319','SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727','SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v2.0.50727','SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot' | ForEach-Object { $v = Get-ItemProperty -Path \"HKLM:\\$_\" -ErrorAction SilentlyContinue; [pscustomobject]@{ ComputerName = $env:COMPUTERNAME; OperatingSystem = (Get-CimInstance Win32_OperatingSystem).Caption; RegistryKey = \"HKLM\\$_\"; KeyExists = Test-Path -Path \"HKLM:\\$_\"; Enabled = $v.Enabled; DisabledByDefault = $v.DisabledByDefault; SystemDefaultTlsVersions = $v.SystemDefaultTlsVersions; SchUseStrongCrypto = $v.SchUseStrongCrypto; DisableRootAutoUpdate = $v.DisableRootAutoUpdate } } | Format-List`, and `Get-ExchangeServer | Format-List Name,Edition,AdminDisplayVersion` so that `exchange-build` names each build.\n\
- `5.7.64` with `Relay Access Denied` (`550 5.7.64 TenantAttribution`, `ATTR36`): both sides, the certificate the send connector to Exchange Online presents and the Exchange Online inbound connector's `TlsSenderCertificateName` and accepted domains. Paste the send connectors and the certificates as for `454 4.7.5` and, in Exchange Online PowerShell, `Get-InboundConnector | Format-List Name,Enabled,ConnectorType,TlsSenderCertificateName,SenderIPAddresses,AssociatedAcceptedDomains; Get-AcceptedDomain | Format-List DomainName,DomainType,InitialDomain`.\n\
- `5.4.14` with `Hop count exceeded` (`ATTR34`): both sides, the domains Exchange Online routes to the on-premises servers. Paste `$FormatEnumerationLimit = -1; Get-HybridConfiguration | Format-List Domains,OnPremisesSmartHost; Get-AcceptedDomain | Format-List DomainName,DomainType; Get-RemoteDomain | Format-List Identity,DomainName,IsInternal,TargetDeliveryDomain,TrustedMailOutboundEnabled` and, in Exchange Online PowerShell, `Get-OutboundConnector | Format-List Name,Enabled,ConnectorType,UseMXRecord,SmartHosts,TlsSettings,TlsDomain,RecipientDomains,AllAcceptedDomains,RouteAllMessagesViaOnPremises`.\n\
- `X-MS-Exchange-Organization-AuthAs: Anonymous` (the header behind senders shown with their address): both sides. Paste the receive connectors and the send connectors.\n\
- `4.7.230` and `5.7.230` with `out-of-date` (usually `450 4.7.230` and `550 5.7.230`): Exchange Online throttles or blocks mail from an on-premises server it considers out of date; the rule `exo-enforcement-throttling` names the lowest builds. Paste `Get-ExchangeServer | Format-List Name,Edition,AdminDisplayVersion` and, on each server, `Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo } | Format-List @{ Name = 'ComputerName'; Expression = { $env:COMPUTERNAME } },FileVersion,ProductVersion,FileName`.\n\
- `(401) Unauthorized`, `(403) Forbidden` (from `Test-OAuthConnectivity` or free/busy) and `HCW8064` (the wizard could not configure OAuth): OAuth between on-premises and Exchange Online, the dedicated hybrid application and the Auth certificate; a 401 from `Test-OAuthConnectivity` also comes from a tested mailbox that is not synchronized (KB 3090197). The meaning of `(403)` after an Auth certificate change comes from secondary sources. Paste `Get-AuthConfig | Format-List CurrentCertificateThumbprint,PreviousCertificateThumbprint,NextCertificateThumbprint,NextCertificateEffectiveDate`, `Get-AuthServer | Format-List Name,Type,Enabled,Realm,ApplicationIdentifier,DomainName; Get-SettingOverride | Format-List Name,ComponentName,SectionName,Parameters,Server,Status` and the certificates.",
    why_it_matters: "Admins usually start from a bounce or a growing queue, not from the connector. A paste of only an NDR already says on which side to look, narrows the cause down to a few settings, and says what to paste next; looking at the send connector for a receive-side error (or at certificates for a TLS version problem) costs hours.",
    example: "Reported error: 550 5.7.1 Unable to relay",
    fix: "Paste the output the finding names; the rules it lists then say what is wrong and print the commands. For a TLS version problem, enable TLS 1.2 on the on-premises servers as Microsoft's TLS guidance describes.",
    fix_safety: "No command is generated: a symptom is not a cause.",
    references: &[
        KB3156771,
        KB2989382,
        KB2888788,
        KB4495258,
        NDR_450_4_4_317,
        MAIL_FLOW_INTELLIGENCE,
        SOCKET_ERROR,
        TLS_GUIDANCE,
        ENFORCEMENT_PAUSE,
        KB3090197,
        KB3089172,
        DEDICATED_HYBRID_APP,
        MAINTAIN_AUTH_CERTIFICATE,
        RELAY_ACCESS_DENIED,
        HOP_COUNT_EXCEEDED,
    ],
    needs: &[],
};

/// How many of a symptom's lines the finding shows as evidence.
const EVIDENCE_LINES: usize = 3;

pub fn check(cx: &mut Context) {
    // The error texts of each symptom, by id: several entries of the table may share one (one
    // text, several ways to spot it), and the symptom is reported once.
    let mut by_symptom: BTreeMap<&str, Vec<(usize, &SymptomText)>> = BTreeMap::new();
    for view in cx.views.all() {
        if let View::Symptom(index, text) = view {
            by_symptom.entry(text.symptom.id).or_default().push((*index, text));
        }
    }
    for symptom in SYMPTOMS {
        if let Some(texts) = by_symptom.remove(symptom.id) {
            report(cx, symptom, &texts);
        }
    }
}

/// The finding of one symptom, at the first line that shows it.
fn report(cx: &mut Context, symptom: &Symptom, texts: &[(usize, &SymptomText)]) {
    let (first, first_text) = texts[0];
    // The scan keeps a few lines of each symptom and counts the rest on the first of each input.
    let lines = texts.iter().filter_map(|(_, text)| text.lines).sum::<usize>().max(texts.len());
    let message = message(cx, symptom, lines);
    let evidence = texts.iter().take(EVIDENCE_LINES).map(|(_, text)| Evidence {
        property: "Text".into(),
        value: text.text.to_owned(),
        line: text.line,
        truncated: false,
    });
    let paste = paste_text(symptom.paste);
    let remediation = Remediation::unavailable(format!(
        "No command: a symptom is not a cause. Paste the output of {paste} to find the cause."
    ));
    let draft = Draft::new(&DOC, first, first_text.line, message, remediation);
    cx.add(draft.evidence_items(evidence).references(references(symptom.id)));
}

/// What the error text means, on how many lines the paste shows it, where to look, and which
/// findings of this report explain it (or what to paste for the rules that would).
fn message(cx: &Context, symptom: &Symptom, lines: usize) -> String {
    let found: Vec<&str> =
        symptom.explained_by.iter().copied().filter(|rule| cx.findings.iter().any(|f| f.rule == *rule)).collect();
    let mut message = format!("The paste shows that {}", symptom.meaning);
    if lines > 1 {
        // The line of the first one is the finding's own line; the message does not repeat it.
        message.push_str(&format!(" (on {lines} lines"));
        if lines > EVIDENCE_LINES {
            message.push_str(&format!(
                "; the evidence shows {EVIDENCE_LINES}, {} more are not shown",
                lines - EVIDENCE_LINES
            ));
        }
        message.push(')');
    }
    message.push_str(&format!(". Look at {}.", symptom.look_at));
    if found.is_empty() {
        message.push_str(&format!(
            " The rules that find its causes ({}) found nothing in this paste: paste the output of {} to check them.",
            symptom.explained_by.join(", "),
            paste_text(symptom.paste),
        ));
    } else {
        message.push_str(&format!(" This report's findings of {} explain it.", found.join(", ")));
    }
    message
}

/// The sources of one symptom's meaning; the catalog lists them all.
fn references(id: &str) -> &'static [Reference] {
    match id {
        "451-4.7.0-prx5" | "550-5.7.1-unable-to-relay" | "authas-anonymous" => &[KB3156771],
        "454-4.7.5" => &[KB3156771, KB2989382],
        "nocredentials" => &[KB4495258],
        "untrustedroot" => &[KB2888788],
        "450-4.4.317-untrusted-root" => &[NDR_450_4_4_317, MAIL_FLOW_INTELLIGENCE],
        "subject-mismatch" | "450-4.4.317-cannot-connect" => &[MAIL_FLOW_INTELLIGENCE, KB2989382],
        "event-12014" | "starttls-required" => &[KB2989382],
        "tls-version" => &[SOCKET_ERROR, TLS_GUIDANCE],
        "exo-enforcement-throttled" | "exo-enforcement-blocked" => &[ENFORCEMENT_PAUSE],
        "oauth-401" => &[KB3090197, MAINTAIN_AUTH_CERTIFICATE],
        "oauth-403" => &[DEDICATED_HYBRID_APP, MAINTAIN_AUTH_CERTIFICATE],
        "hcw8064" => &[KB3089172, DEDICATED_HYBRID_APP],
        "550-5.7.64-relay-access-denied" => &[RELAY_ACCESS_DENIED],
        "554-5.4.14-hop-count" => &[HOP_COUNT_EXCEEDED],
        _ => DOC.references,
    }
}

/// The commands to paste, in words: each in backticks, joined by "and".
fn paste_text(commands: &[&str]) -> String {
    commands.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalog's text is written by hand; this keeps it in step with the symptom table.
    #[test]
    fn the_catalog_names_every_text_and_every_command_to_paste() {
        for symptom in SYMPTOMS {
            assert!(DOC.what_it_checks.contains(symptom.anchor), "the catalog does not name `{}`", symptom.anchor);
            for command in symptom.paste {
                assert!(
                    DOC.what_it_checks.contains(&format!("`{command}`")),
                    "the catalog does not name `{command}` for {}",
                    symptom.id
                );
            }
        }
    }

    /// Every symptom has sources of its own, all of them in the catalog.
    #[test]
    fn every_symptom_has_its_own_sources_from_the_catalog() {
        for symptom in SYMPTOMS {
            let own = references(symptom.id);
            assert!(own.len() < DOC.references.len(), "{} has no sources of its own", symptom.id);
            for reference in own {
                assert!(
                    DOC.references.contains(reference),
                    "{} cites {} outside the catalog",
                    symptom.id,
                    reference.name
                );
            }
        }
    }

    /// Every rule a symptom names exists, so that the finding never sends the admin to nothing.
    #[test]
    fn every_rule_a_symptom_names_exists() {
        for symptom in SYMPTOMS {
            for rule in symptom.explained_by {
                assert!(super::super::catalog().any(|doc| doc.id == *rule), "{} names {rule}", symptom.id);
            }
        }
    }
}
