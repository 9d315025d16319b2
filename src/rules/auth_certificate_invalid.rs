//! `auth-certificate-invalid`: the Auth certificate that `Get-AuthConfig` names is missing from a
//! Mailbox server, expired, without its private key, or about to expire with no successor.

use super::{Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::date::Date;
use crate::model::field::line_or;
use crate::model::topology::{same_server, Certificate};
use crate::model::{AuthConfig, Field, Kind};
use crate::remediation::collect;
use crate::report::{Reference, Remediation, Severity};

pub const MAINTAIN_AUTH_CERTIFICATE: Reference = Reference {
    name: "Maintain (rotate) the Exchange Server Auth certificate",
    url: "https://learn.microsoft.com/en-us/exchange/plan-and-deploy/integration-with-sharepoint-and-skype/maintain-oauth-certificate",
};
pub const AUTH_CERTIFICATE_EXPIRED: Reference = Reference {
    name: "Cannot access OWA or ECP if the OAuth certificate has expired (replace the Auth certificate)",
    url: "https://learn.microsoft.com/en-us/exchange/troubleshoot/administration/cannot-access-owa-or-ecp-if-oauth-expired",
};
pub const MONITOR_AUTH_CERTIFICATE: Reference = Reference {
    name: "MonitorExchangeAuthCertificate.ps1 (CSS-Exchange)",
    url: "https://aka.ms/MonitorExchangeAuthCertificate",
};
pub const HEALTH_CHECKER_AUTH_CERTIFICATE: Reference = Reference {
    name: "Health Checker: Auth Certificate check",
    url: "https://microsoft.github.io/CSS-Exchange/Diagnostics/HealthChecker/AuthCertificateCheck/",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "auth-certificate-invalid",
    severity: Severity::Error,
    title: "The Auth certificate is missing, expired or unusable",
    what_it_checks: "Reads `CurrentCertificateThumbprint`, `NextCertificateThumbprint` and `NextCertificateEffectiveDate` from `Get-AuthConfig` and looks the thumbprints up among the certificates pasted for each server (`Get-ExchangeCertificate`, with the server told by `-Server`, the identity or `PSComputerName`). An error when no current Auth certificate is configured, when it is missing from a server whose certificates were pasted (Edge Transport servers excepted: they do not use it), when it has expired, or when it has no private key; a warning when it expires within 60 days and no next certificate is configured, or when the next certificate is missing from a server. Servers whose certificates were not pasted are not judged.",
    why_it_matters: "Exchange signs the OAuth tokens of server-to-server authentication with the Auth certificate, on every server but Edge: free/busy, MailTips and profile pictures with Exchange Online (`Test-OAuthConnectivity` fails with `(401)` or `(403)`, the Hybrid Configuration Wizard reports `HCW8064`), and Outlook on the web and the Exchange admin center on-premises, stop working when it is missing or expired. After a new Auth certificate is published, the hybrid configuration must be refreshed: run the Hybrid Configuration Wizard again, and upload the certificate to the dedicated hybrid application.",
    example: "CurrentCertificateThumbprint : 4C2A9E71D03B5F88A61C7E2290B4D1F36E05A9C8\n(EX01's certificate 4C2A9E71… has NotAfter : 3/1/2026 …)",
    fix: "Renew the Auth certificate as Microsoft documents it: `MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true` (with `-IgnoreHybridConfig $true` in a hybrid organisation), or by hand with `New-ExchangeCertificate`, `Set-AuthConfig -NewCertificateThumbprint … -NewCertificateEffectiveDate …`, `Set-AuthConfig -PublishCertificate` and `Set-AuthConfig -ClearPreviousCertificate`; then run the Hybrid Configuration Wizard again and `ConfigureExchangeHybridApplication.ps1 -UpdateCertificate`. A certificate missing from one server is exported from a server that has it and imported there.",
    fix_safety: "No command is generated: replacing the Auth certificate changes OAuth for the whole organisation, takes effect after a waiting period or a restart of services, and must be followed by the wizard; the finding gives the commands that show the current state.",
    references: &[MAINTAIN_AUTH_CERTIFICATE, AUTH_CERTIFICATE_EXPIRED, MONITOR_AUTH_CERTIFICATE, HEALTH_CHECKER_AUTH_CERTIFICATE],
    needs: &[&[Kind::AuthConfig], &[Kind::ExchangeCertificate]],
};

/// Microsoft's script renews the Auth certificate when it expires within this many days.
const RENEW_WITHIN_DAYS: i64 = 60;

/// One problem with the Auth certificate, as a sentence.
struct Problem {
    severity: Severity,
    text: String,
}

pub fn check(cx: &mut Context) {
    let configs: Vec<AuthConfig> = cx.views.auth_configs().copied().collect();
    for config in configs {
        check_config(cx, &config);
    }
}

fn check_config(cx: &mut Context, config: &AuthConfig) {
    let Some(current_field) = config.current_certificate_thumbprint else {
        cx.judge(config.index, Judgement::Unjudged);
        return;
    };
    cx.judge(config.index, Judgement::Judged);
    let today = cx.options.today;
    let mut problems = Vec::new();
    let next = config.next_certificate_thumbprint.and_then(Field::text).map(thumbprint);
    match current_field.text().map(thumbprint) {
        None => problems.push(Problem {
            severity: Severity::Error,
            text: "No current Auth certificate is configured (CurrentCertificateThumbprint is empty), so Exchange cannot sign OAuth tokens.".into(),
        }),
        Some(current) => {
            let servers = mailbox_servers_with_certificates(cx);
            if servers.is_empty() {
                ask_for_certificates(cx, config, &current);
            }
            for server in &servers {
                let certificates = cx.topology.certificates_of(server);
                judge_current(&mut problems, server, &current, certificates, today, next.is_some());
                if let Some(next) = next.as_deref() {
                    if !certificates.iter().any(|c| c.thumbprint.as_deref() == Some(next)) {
                        problems.push(Problem {
                            severity: Severity::Warning,
                            text: format!("The next Auth certificate {next} is not among the certificates pasted for server '{server}': when it takes over, OAuth from that server fails."),
                        });
                    }
                }
            }
        }
    }
    report(cx, config, current_field, problems);
}

/// The thumbprint as Exchange compares it: upper case, without spaces.
fn thumbprint(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
}

/// The servers whose certificates the paste shows, but for Edge Transport servers, which do not
/// use the Auth certificate.
fn mailbox_servers_with_certificates(cx: &Context) -> Vec<String> {
    let edge = |name: &str| {
        cx.topology.server(name).is_some_and(|s| s.edge)
            || cx.topology.hybrid.is_some_and(|h| h.edge_servers().iter().any(|e| same_server(e, name)))
    };
    cx.topology.servers_with_certificates().into_iter().filter(|name| !edge(name)).collect()
}

/// The current Auth certificate on one server: there, valid, with its private key, not about
/// to expire without a successor.
fn judge_current(
    problems: &mut Vec<Problem>,
    server: &str,
    current: &str,
    certificates: &[Certificate],
    today: Option<Date>,
    has_next: bool,
) {
    let Some(certificate) = certificates.iter().find(|c| c.thumbprint.as_deref() == Some(current)) else {
        problems.push(Problem {
            severity: Severity::Error,
            text: format!("The current Auth certificate {current} is not among the certificates pasted for server '{server}', so OAuth from that server fails."),
        });
        return;
    };
    if certificate.has_private_key == Some(false) {
        problems.push(Problem {
            severity: Severity::Error,
            text: format!("The current Auth certificate {current} on server '{server}' has no private key, so the server cannot sign OAuth tokens with it."),
        });
    }
    let (Some(not_after), Some(today)) = (certificate.not_after, today) else { return };
    let left = not_after.date.days() - today.days();
    // A date such as 3/1/2026 may be day first; say so only when the other reading would change
    // the verdict.
    let swapped = Date::new(not_after.date.year, not_after.date.day, not_after.date.month);
    let verdict = |days: i64| (days < 0, days < RENEW_WITHIN_DAYS);
    let doubt = match swapped.filter(|_| not_after.ambiguous) {
        Some(other) if verdict(other.days() - today.days()) != verdict(left) => {
            " (or with day and month the other way round)"
        }
        _ => "",
    };
    if left < 0 {
        problems.push(Problem {
            severity: Severity::Error,
            text: format!(
                "The current Auth certificate {current} on server '{server}' expired on {}{doubt}, {} days ago.",
                not_after.date, -left
            ),
        });
    } else if left < RENEW_WITHIN_DAYS && !has_next {
        problems.push(Problem {
            severity: Severity::Warning,
            text: format!("The current Auth certificate {current} on server '{server}' expires on {}{doubt}, in {left} days, and no next Auth certificate is configured (Microsoft's script renews it from {RENEW_WITHIN_DAYS} days before).", not_after.date),
        });
    }
}

/// No certificates of a Mailbox server were pasted: the thumbprint cannot be looked up.
fn ask_for_certificates(cx: &mut Context, config: &AuthConfig, current: &str) {
    let hint = Hint::new(
        "Paste the certificates of each Mailbox server (run the command below on each, or with -Server).",
        vec![collect::certificates(None)],
    );
    let message = format!(
        "The Auth configuration names the certificate {current}, but the paste shows no Mailbox server's certificates, so whether it is there and valid cannot be told."
    );
    cx.diagnose(
        "certificates-not-pasted",
        Severity::Info,
        config.index,
        config.object.record.first_line,
        message,
        hint,
    );
}

fn report(cx: &mut Context, config: &AuthConfig, current_field: Field, problems: Vec<Problem>) {
    // Severity orders errors first, so the most serious problem is the least.
    let Some(severity) = problems.iter().map(|p| p.severity).min() else { return };
    let mut message = problems.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join(" ");
    message.push_str(" Free/busy, MailTips and profile pictures with Exchange Online (Test-OAuthConnectivity, HCW8064) and Outlook on the web on-premises depend on it.");
    let remediation = Remediation::check_only(
        vec![collect::auth_config(), collect::certificates(None)],
        "No command is generated: replacing the Auth certificate changes OAuth for the whole organisation. Renew it as Microsoft documents (MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true, with -IgnoreHybridConfig $true in a hybrid organisation, or New-ExchangeCertificate and Set-AuthConfig by hand), then run the Hybrid Configuration Wizard again and ConfigureExchangeHybridApplication.ps1 -UpdateCertificate. A certificate missing from one server is exported from a server that has it and imported there. The commands below show the current state; run the second on each Mailbox server.".into(),
    );
    let line = line_or(Some(current_field), config.object.record.first_line);
    let draft = Draft::new(&DOC, config.index, line, message, remediation).severity(severity);
    let next = config.next_certificate_thumbprint.filter(|f| f.text().is_some());
    cx.add(draft.evidence(Some(current_field)).evidence(next));
}
