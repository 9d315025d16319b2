//! `exo-send-connector`: the settings of the send connector to Exchange Online.
//!
//! A send connector goes to Exchange Online when a smart host is `<tenant>.mail.protection.outlook.com`
//! (or the 21Vianet and GCC High counterparts), or, without smart hosts, when an address space
//! is `<tenant>.mail.onmicrosoft.com` (or its counterparts). HealthChecker's known false alarms
//! are avoided on purpose: `TlsDomain` is judged only under `DomainValidation` (Exchange refuses it
//! under `CertificateValidation`), a missing `TlsCertificateName` is fine when `Fqdn` lets
//! Exchange pick the certificate, and the sovereign clouds have their own domains.

use super::{Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::field::line_or;
use crate::model::send_connector::Cloud;
use crate::model::{Field, Kind, SendConnector};
use crate::remediation::{collect, set_parameters, Argument, Change, Target, Unnameable};
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
    needs: &[&[Kind::SendConnector]],
};

pub fn check(cx: &mut Context) {
    for connector in cx.views.send_connectors() {
        let Some(cloud) = connector.cloud() else { continue };
        missing_properties(cx, connector);
        let target = cx.target(connector.index);
        let require_tls_off = connector.require_tls.and_then(Field::flag) == Some(false);
        for problem in problems(connector, cloud) {
            let remediation = fix(cx, connector, &target, &problem);
            let remediation = if problem.property == "TlsAuthLevel" && require_tls_off {
                remediation.note("Turn RequireTLS on first (its own finding): Exchange refuses TlsAuthLevel while RequireTLS is off.")
            } else {
                remediation
            };
            let object = connector.object;
            let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
            let message = format!("Send connector '{name}' to Exchange Online: {}", problem.message);
            let line = line_or(problem.field, object.record.first_line);
            let draft = Draft::new(&DOC, connector.index, line, message, remediation).severity(problem.severity);
            cx.add(draft.evidence(problem.field));
        }
    }
}

/// Says which of the settings the rule checks the paste does not show, and judges the connector:
/// checked only when it shows them all.
fn missing_properties(cx: &mut Context, connector: &SendConnector) {
    let checked = [
        ("CloudServicesMailEnabled", connector.cloud_services_mail_enabled),
        ("RequireTLS", connector.require_tls),
        ("TlsAuthLevel", connector.tls_auth_level),
        ("TlsDomain", connector.tls_domain),
        ("TlsCertificateName", connector.tls_certificate_name),
        ("Fqdn", connector.fqdn),
    ];
    let missing: Vec<&str> = checked.iter().filter(|(_, field)| field.is_none()).map(|(name, _)| *name).collect();
    if !missing.is_empty() {
        let object = connector.object;
        let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
        cx.diagnose(
            "property-not-shown",
            Severity::Info,
            connector.index,
            object.record.first_line,
            format!(
                "The paste does not show {} of send connector '{name}', so those settings were not checked.",
                missing.join(", ")
            ),
            Hint::new("Run the command below and paste its output.", vec![collect::send_connectors()]),
        );
    }
    cx.judge(connector.index, if missing.is_empty() { Judgement::Judged } else { Judgement::Unjudged });
}

/// One setting of the connector that is wrong: the property the finding points at, what it
/// means, and the change that fixes it (`None` when no command can be written).
struct Problem<'a> {
    severity: Severity,
    property: &'static str,
    field: Option<Field<'a>>,
    message: String,
    change: Option<Change>,
}

/// The connector's wrong settings, each its own finding, in the order the script runs them.
fn problems<'a>(connector: &SendConnector<'a>, cloud: Cloud) -> Vec<Problem<'a>> {
    let flag = |field: Option<Field>| field.and_then(Field::flag);
    let mut problems = Vec::new();
    if flag(connector.cloud_services_mail_enabled) == Some(false) {
        problems.push(Problem {
            severity: Severity::Error,
            property: "CloudServicesMailEnabled",
            field: connector.cloud_services_mail_enabled,
            message: "CloudServicesMailEnabled is False, so mail to Exchange Online loses its cross-premises headers and on-premises senders look external or anonymous there.".into(),
            change: Some(vec![("CloudServicesMailEnabled", Argument::Bool(true), Argument::Bool(false))]),
        });
    }
    if flag(connector.require_tls) == Some(false) {
        problems.push(Problem {
            severity: Severity::Error,
            property: "RequireTLS",
            field: connector.require_tls,
            message: "RequireTLS is False, so mail to Exchange Online may go out without TLS and without the certificate that identifies your organisation.".into(),
            change: Some(vec![("RequireTLS", Argument::Bool(true), Argument::Bool(false))]),
        });
    }
    problems.extend(auth_level_problem(connector, cloud));
    problems.extend(tls_domain_problem(connector, cloud));
    let unset = |field: Option<Field>| field.is_some_and(|f| f.text().is_none());
    if unset(connector.tls_certificate_name) && unset(connector.fqdn) {
        problems.push(Problem {
            severity: Severity::Warning,
            property: "Fqdn",
            field: connector.fqdn,
            message: "Neither TlsCertificateName nor Fqdn is set, so Exchange cannot pick the certificate that identifies your organisation to Exchange Online.".into(),
            change: None,
        });
    }
    problems
}

/// `TlsAuthLevel` neither `DomainValidation` nor `CertificateValidation`: the fix sets
/// `DomainValidation`, and the cloud's `TlsDomain` unless the connector has it already.
fn auth_level_problem<'a>(connector: &SendConnector<'a>, cloud: Cloud) -> Option<Problem<'a>> {
    let field = connector.tls_auth_level?;
    let level = field.text().map(auth_level);
    let domain = cloud.tls_domain();
    let set_domain = |old| ("TlsDomain", Argument::Text(domain.into()), old);
    let (shown, before) = match level.as_deref() {
        Some("DomainValidation") | Some("CertificateValidation") => return None,
        Some(other) => {
            let before = if other.is_empty() { Argument::Null } else { Argument::Text(other.to_owned()) };
            (if other.is_empty() { "not set".to_owned() } else { other.to_owned() }, before)
        }
        None => ("not set".to_owned(), Argument::Null),
    };
    let level_change = ("TlsAuthLevel", Argument::Word("DomainValidation"), before);
    let change = if level.is_some() && right_domain(connector, cloud) {
        Some(vec![level_change])
    } else {
        old_domain(connector).map(|old| vec![level_change, set_domain(old)])
    };
    let message = if level.is_some() {
        format!("TlsAuthLevel is {shown}, so the certificate of Exchange Online is not validated; use DomainValidation (with TlsDomain {domain}) or CertificateValidation.")
    } else {
        format!("TlsAuthLevel is not set, so the certificate of Exchange Online is not validated; use DomainValidation with TlsDomain {domain}.")
    };
    Some(Problem { severity: Severity::Warning, property: "TlsAuthLevel", field: Some(field), message, change })
}

/// `TlsDomain` other than the cloud's under `DomainValidation`: the connection fails validation.
fn tls_domain_problem<'a>(connector: &SendConnector<'a>, cloud: Cloud) -> Option<Problem<'a>> {
    let level = connector.tls_auth_level.and_then(Field::text).map(auth_level);
    let field = connector.tls_domain?;
    if level.as_deref() != Some("DomainValidation") || right_domain(connector, cloud) {
        return None;
    }
    let message = format!(
        "TlsAuthLevel is DomainValidation but TlsDomain is {}, so the connection to Exchange Online fails validation; it must be {}.",
        field.text().map_or("not set".to_owned(), |d| format!("'{d}'")),
        cloud.tls_domain()
    );
    let change = old_domain(connector).map(|old| vec![("TlsDomain", Argument::Text(cloud.tls_domain().into()), old)]);
    Some(Problem { severity: Severity::Warning, property: "TlsDomain", field: Some(field), message, change })
}

/// True when `TlsDomain` is the cloud's.
fn right_domain(connector: &SendConnector, cloud: Cloud) -> bool {
    connector.tls_domain.and_then(Field::text).is_some_and(|d| d.eq_ignore_ascii_case(cloud.tls_domain()))
}

/// `TlsDomain` as it was, for a rollback: named only when the paste showed it exactly.
fn old_domain(connector: &SendConnector) -> Option<Argument> {
    let field = connector.tls_domain;
    match (field.and_then(Field::text), field.and_then(Field::exact_text)) {
        (None, _) => Some(Argument::Null),
        (Some(_), Some(d)) => Some(Argument::Text(d.to_owned())),
        (Some(_), None) => None,
    }
}

/// The commands of one problem, or why there are none.
fn fix(
    cx: &mut Context,
    connector: &SendConnector,
    target: &Result<Target, Unnameable>,
    problem: &Problem,
) -> Remediation {
    match (target, &problem.change) {
        (Ok(target), Some(change)) => {
            let plan = set_parameters(target, change);
            cx.settle(connector.index, plan)
        }
        (Err(reason), Some(_)) => Remediation::unavailable(reason.note(Kind::SendConnector)),
        (_, None) if problem.property == "Fqdn" => Remediation::unavailable(
            "No command is generated: set Fqdn to the name on the certificate your servers present to Exchange Online (for example mail.contoso.com), or rerun the Hybrid Configuration Wizard.".into(),
        ),
        (_, None) => Remediation::unavailable(
            "No command was generated: the paste does not show the connector's current TlsDomain exactly (a line wrap hid where its spaces are), so a rollback could not restore it. Paste the output of `Get-SendConnector | Format-List Identity,TlsDomain,TlsAuthLevel` or use Export-Clixml.".into(),
        ),
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
