//! `exo-send-connector`: the settings of the send connector to Exchange Online.
//!
//! A send connector goes to Exchange Online when a smart host is `<tenant>.mail.protection.outlook.com`
//! (or the 21Vianet and GCC High counterparts), or, without smart hosts, when an address space
//! is `<tenant>.mail.onmicrosoft.com` (or its counterparts). HealthChecker's known false alarms
//! are avoided on purpose: `TlsDomain` is judged only under `DomainValidation` (Exchange refuses it
//! under `CertificateValidation`), a missing `TlsCertificateName` is fine when `Fqdn` lets
//! Exchange pick the certificate, and the sovereign clouds have their own domains.

use super::{evidence, Context, Hint, Judgement, RuleDoc};
use crate::model::{Kind, Object};
use crate::remediation::{collect, set_parameters, Argument, Change};
use crate::report::{Reference, Remediation, Severity};

pub const EXO_CONNECTOR_CHECK: Reference =
    Reference { name: "HealthChecker: Exchange Online connector check", url: "https://aka.ms/HC-ExoConnectorIssue" };
pub const KB3212872: Reference = Reference {
    name: "KB3212872",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/email-sent-from-edge-transport-server-appears-as-mail-from-external-contacts",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "exo-send-connector",
    severity: Severity::Error,
    title: "The send connector to Exchange Online is misconfigured",
    what_it_checks: "Finds the send connectors to Exchange Online (smart host `*.mail.protection.outlook.com`, `*.mail.protection.partner.outlook.cn` or `*.mail.protection.office365.us`; or, without smart hosts, address space `*.mail.onmicrosoft.com`, `*.mail.partner.onmschina.cn` or `*.mail.onmicrosoft.us`) and checks each setting on its own: `CloudServicesMailEnabled` on (error), `RequireTLS` on (error), `TlsAuthLevel` `DomainValidation` or `CertificateValidation` (warning), `TlsDomain` the cloud's `mail.protection` domain when `TlsAuthLevel` is `DomainValidation` (warning), and `TlsCertificateName` or `Fqdn` set (warning). It does not judge `TlsDomain` under `CertificateValidation`, a missing `TlsCertificateName` when `Fqdn` is set, or anything about Edge servers' certificates.",
    why_it_matters: "Exchange Online recognises mail from your organisation by the certificate your servers present and by the headers this connector keeps. With `CloudServicesMailEnabled` off the cross-premises headers are stripped and on-premises senders look external; without `RequireTLS` or certificate validation mail can go out unauthenticated; a wrong `TlsDomain` makes the connection fail validation.",
    example: "Identity                 : Outbound to Office 365\nSmartHosts               : {}\nAddressSpaces            : {smtp:contoso.mail.onmicrosoft.com;1}\nCloudServicesMailEnabled : False",
    fix: "Each setting gets its own command, for example `Set-SendConnector -Identity 'Outbound to Office 365' -CloudServicesMailEnabled $true` or `Set-SendConnector -Identity 'Outbound to Office 365' -TlsDomain 'mail.protection.outlook.com'`; rerunning the Hybrid Configuration Wizard sets them all.",
    fix_safety: "Safe: each command sets only the parameters of its finding, and the rollback sets them back to the values in the paste. Setting `TlsAuthLevel` needs `RequireTLS` on first; the script orders errors before warnings.",
    references: &[EXO_CONNECTOR_CHECK, KB3212872],
};

/// Which Exchange Online a connector sends to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cloud {
    Worldwide,
    China,
    Government,
}

impl Cloud {
    /// The domain Exchange Online's certificate is validated against.
    fn tls_domain(self) -> &'static str {
        match self {
            Cloud::Worldwide => "mail.protection.outlook.com",
            Cloud::China => "mail.protection.partner.outlook.cn",
            Cloud::Government => "mail.protection.office365.us",
        }
    }
}

/// The Exchange Online a send connector goes to, or `None` for any other connector.
pub fn cloud(object: &Object) -> Option<Cloud> {
    let smart_hosts = object.items("SmartHosts");
    if !smart_hosts.is_empty() {
        return smart_hosts.iter().find_map(|host| {
            let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
            let (tenant, rest) = host.split_once('.')?;
            let cloud = match rest {
                "mail.protection.outlook.com" => Cloud::Worldwide,
                "mail.protection.partner.outlook.cn" => Cloud::China,
                "mail.protection.office365.us" => Cloud::Government,
                _ => return None,
            };
            (!tenant.is_empty()).then_some(cloud)
        });
    }
    object.items("AddressSpaces").iter().find_map(|space| {
        let space = space.to_ascii_lowercase();
        let space = space.strip_prefix("smtp:").unwrap_or(&space);
        let domain = space.split(';').next()?.trim();
        let (tenant, rest) = domain.split_once('.')?;
        let cloud = match rest {
            "mail.onmicrosoft.com" => Cloud::Worldwide,
            "mail.partner.onmschina.cn" => Cloud::China,
            "mail.onmicrosoft.us" => Cloud::Government,
            _ => return None,
        };
        (!tenant.is_empty() && tenant != "*").then_some(cloud)
    })
}

pub fn check(cx: &mut Context) {
    for index in 0..cx.objects.len() {
        let object = &cx.objects[index];
        if object.kind != Kind::SendConnector {
            continue;
        }
        let Some(cloud) = cloud(object) else { continue };
        let missing: Vec<&str> =
            ["CloudServicesMailEnabled", "RequireTLS", "TlsAuthLevel", "TlsDomain", "TlsCertificateName", "Fqdn"]
                .into_iter()
                .filter(|p| object.record.get(p).is_none())
                .collect();
        if !missing.is_empty() {
            let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
            cx.diagnose(
                "property-not-shown",
                Severity::Info,
                index,
                object.record.first_line,
                format!(
                    "The paste does not show {} of send connector '{name}', so those settings were not checked.",
                    missing.join(", ")
                ),
                Hint::new("Run the command below and paste its output.", vec![collect::send_connectors()]),
            );
        }
        cx.judge(index, if missing.is_empty() { Judgement::Judged } else { Judgement::Unjudged });
        let target = cx.target(index);
        let object = &cx.objects[index];
        let mut problems: Vec<(Severity, &'static str, String, Option<Change>)> = Vec::new();
        if object.flag("CloudServicesMailEnabled") == Some(false) {
            problems.push((
                Severity::Error,
                "CloudServicesMailEnabled",
                "CloudServicesMailEnabled is False, so mail to Exchange Online loses its cross-premises headers and on-premises senders look external or anonymous there.".into(),
                Some(vec![("CloudServicesMailEnabled", Argument::Bool(true), Argument::Bool(false))]),
            ));
        }
        let require_tls = object.flag("RequireTLS");
        if require_tls == Some(false) {
            problems.push((
                Severity::Error,
                "RequireTLS",
                "RequireTLS is False, so mail to Exchange Online may go out without TLS and without the certificate that identifies your organisation.".into(),
                Some(vec![("RequireTLS", Argument::Bool(true), Argument::Bool(false))]),
            ));
        }
        let level = object.text("TlsAuthLevel").map(auth_level);
        let tls_domain = object.text("TlsDomain");
        let right_domain = tls_domain.is_some_and(|d| d.eq_ignore_ascii_case(cloud.tls_domain()));
        // A rollback names the value before only when the paste showed it exactly.
        let exact_domain = object.exact_text("TlsDomain");
        let old_domain = || match (tls_domain, exact_domain) {
            (None, _) => Some(Argument::Null),
            (Some(_), Some(d)) => Some(Argument::Text(d.to_owned())),
            (Some(_), None) => None,
        };
        match level.as_deref() {
            Some("DomainValidation") | Some("CertificateValidation") => {}
            Some(other) if object.record.get("TlsAuthLevel").is_some() => {
                let level_change = (
                    "TlsAuthLevel",
                    Argument::Word("DomainValidation"),
                    if other.is_empty() { Argument::Null } else { Argument::Text(other.to_owned()) },
                );
                let change: Option<Change> = if right_domain {
                    Some(vec![level_change])
                } else {
                    old_domain()
                        .map(|old| vec![level_change, ("TlsDomain", Argument::Text(cloud.tls_domain().into()), old)])
                };
                let shown = if other.is_empty() { "not set".to_owned() } else { other.to_owned() };
                problems.push((
                    Severity::Warning,
                    "TlsAuthLevel",
                    format!("TlsAuthLevel is {shown}, so the certificate of Exchange Online is not validated; use DomainValidation (with TlsDomain {}) or CertificateValidation.", cloud.tls_domain()),
                    change,
                ));
            }
            _ if object.record.get("TlsAuthLevel").is_some() => {
                let change: Option<Change> = old_domain().map(|old| {
                    vec![
                        ("TlsAuthLevel", Argument::Word("DomainValidation"), Argument::Null),
                        ("TlsDomain", Argument::Text(cloud.tls_domain().into()), old),
                    ]
                });
                problems.push((Severity::Warning, "TlsAuthLevel", format!("TlsAuthLevel is not set, so the certificate of Exchange Online is not validated; use DomainValidation with TlsDomain {}.", cloud.tls_domain()), change));
            }
            _ => {}
        }
        if level.as_deref() == Some("DomainValidation") && !right_domain && object.record.get("TlsDomain").is_some() {
            problems.push((
                Severity::Warning,
                "TlsDomain",
                format!(
                    "TlsAuthLevel is DomainValidation but TlsDomain is {}, so the connection to Exchange Online fails validation; it must be {}.",
                    tls_domain.map_or("not set".to_owned(), |d| format!("'{d}'")),
                    cloud.tls_domain()
                ),
                old_domain().map(|old| vec![("TlsDomain", Argument::Text(cloud.tls_domain().into()), old)]),
            ));
        }
        let no_name = object.record.get("TlsCertificateName").is_some() && object.text("TlsCertificateName").is_none();
        let no_fqdn = object.record.get("Fqdn").is_some() && object.text("Fqdn").is_none();
        if no_name && no_fqdn {
            problems.push((
                Severity::Warning,
                "Fqdn",
                "Neither TlsCertificateName nor Fqdn is set, so Exchange cannot pick the certificate that identifies your organisation to Exchange Online.".into(),
                None,
            ));
        }
        for (severity, property, message, change) in problems {
            let object = &cx.objects[index];
            let remediation = match (&target, change) {
                (Ok(target), Some(change)) => {
                    let plan = set_parameters(target, &change);
                    cx.settle(index, plan)
                }
                (Err(reason), Some(_)) => Remediation::unavailable(reason.note(Kind::SendConnector)),
                (_, None) if property == "Fqdn" => Remediation::unavailable(
                    "No command is generated: set Fqdn to the name on the certificate your servers present to Exchange Online (for example mail.contoso.com), or rerun the Hybrid Configuration Wizard.".into(),
                ),
                (_, None) => Remediation::unavailable(
                    "No command was generated: the paste does not show the connector's current TlsDomain exactly (a line wrap hid where its spaces are), so a rollback could not restore it. Paste the output of `Get-SendConnector | Format-List Identity,TlsDomain,TlsAuthLevel` or use Export-Clixml.".into(),
                ),
            };
            let mut remediation = remediation;
            if property == "TlsAuthLevel" && require_tls == Some(false) {
                remediation.notes.push("Turn RequireTLS on first (its own finding): Exchange refuses TlsAuthLevel while RequireTLS is off.".into());
            }
            let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
            let line = object.record.get(property).map_or(object.record.first_line, |p| p.line);
            let ev = evidence(object, property).into_iter().collect();
            cx.report(
                &DOC,
                severity,
                index,
                line,
                format!("Send connector '{name}' to Exchange Online: {message}"),
                ev,
                remediation,
            );
        }
    }
}

/// `TlsAuthLevel` as a name; Windows PowerShell 5.1's ConvertTo-Json gives the enum's number.
fn auth_level(text: &str) -> String {
    match text {
        "1" => "EncryptionOnly".into(),
        "2" => "CertificateValidation".into(),
        "4" => "DomainValidation".into(),
        other => other.to_owned(),
    }
}
