//! Whether a certificate that objects name is usable: its lifetime (`tls-certificate-expired`,
//! `-expiring`), its services (`-not-smtp`), its private key (`-no-private-key`) and its status
//! (`-invalid-status`), each its own finding.

use super::{certificates_hint, EXPIRED, EXPIRING, INVALID_STATUS, NOT_SMTP, NO_PRIVATE_KEY};
use crate::model::field::line_or;
use crate::model::topology::Certificate;
use crate::model::{ExchangeCertificate, Field};
use crate::remediation::powershell::Quoted;
use crate::remediation::{certificate_details, enable_smtp};
use crate::report::{Remediation, Severity};
use crate::rules::{describe, Context, Draft, Judgement, RuleDoc};

/// Judges a certificate that objects name: its lifetime, its services, its private key and its
/// status, each its own finding.
pub(super) fn judge_certificate(cx: &mut Context, certificate: &Certificate, server: &str, owners: &[usize]) {
    let Some(&view) = cx.views.certificate(certificate.object) else { return };
    let owner_names: Vec<String> = owners.iter().map(|&o| describe(&cx.objects[o])).collect();
    let thumbprint = certificate.thumbprint.clone().unwrap_or_else(|| "(thumbprint not shown)".into());
    let judged = Judged {
        view,
        what: format!("Certificate {thumbprint} on '{server}' (named by {})", owner_names.join(", ")),
        quoted: match (cx.quote_server(view.index, server), cx.quote(view.index, "thumbprint", &thumbprint)) {
            (Some(server), Some(thumbprint)) => Some((server, thumbprint)),
            _ => None,
        },
    };
    cx.judge(view.index, Judgement::Judged);
    judge_lifetime(cx, certificate, &judged, server, &thumbprint);
    if certificate.smtp == Some(false) {
        let message = format!("{} is not enabled for SMTP, so the connectors cannot use it for TLS.", judged.what);
        let whole = view.thumbprint.and_then(Field::exact_text).is_some_and(|t| t.len() == 40);
        let remediation = match &judged.quoted {
            Some((s, t)) if whole => enable_smtp(s, t)
                .note("The command adds SMTP to the certificate's services and keeps the others. When asked whether to overwrite the default SMTP certificate, answer No unless you mean to replace it.")
                .note("There is no rollback command: to remove SMTP again, enable the certificate for the services it had before."),
            _ => judged.no_command("No command was generated: the paste does not show the certificate's full thumbprint."),
        };
        cx.add(judged.draft(&NOT_SMTP, view.services, message, remediation));
    }
    if certificate.has_private_key == Some(false) {
        let message = format!("{} has no private key, so TLS with it fails with NoCredentials.", judged.what);
        let r = judged.no_command("No command is generated: import the certificate again with its private key (.pfx), or renew it on this server, then enable it for SMTP.");
        cx.add(judged.draft(&NO_PRIVATE_KEY, view.has_private_key, message, r));
    }
    if let Some(status) = certificate.status.as_deref().filter(|s| !s.eq_ignore_ascii_case("valid")) {
        let message = format!("{} has status {status}, so Exchange does not use it for TLS.", judged.what);
        let r = judged.no_command("No command is generated: find out why the status is not Valid (revocation list reachable? intermediate and root certificates installed?) or replace the certificate.");
        cx.add(judged.draft(&INVALID_STATUS, view.status, message, r));
    }
}

/// A certificate being judged: its view (the object of the copy its details were merged into),
/// how the findings name it, and its server and thumbprint quoted for commands.
struct Judged<'a> {
    view: ExchangeCertificate<'a>,
    what: String,
    quoted: Option<(Quoted, Quoted)>,
}

impl Judged<'_> {
    /// A finding about the certificate, at `field`'s line with `field` as evidence.
    fn draft(&self, doc: &'static RuleDoc, field: Option<Field>, message: String, remediation: Remediation) -> Draft {
        let line = line_or(field, self.view.object.record.first_line);
        Draft::new(doc, self.view.index, line, message, remediation).evidence(field)
    }

    /// No fix command, but the command that shows the certificate's details when it can be written.
    fn no_command(&self, note: &str) -> Remediation {
        let verify = self.quoted.iter().map(|(s, t)| certificate_details(s, t)).collect();
        Remediation::check_only(verify, note.to_owned())
    }
}

/// The certificate's lifetime: expired, or expiring within 60 days; or a diagnostic when the
/// paste does not show it.
fn judge_lifetime(cx: &mut Context, certificate: &Certificate, judged: &Judged, server: &str, thumbprint: &str) {
    let what = &judged.what;
    if let (Some(not_after), Some(today)) = (certificate.not_after, cx.options.today) {
        let left = not_after.date.days() - today.days();
        let doubt = if not_after.ambiguous {
            " (read as month/day; if the server writes day/month, check the date)"
        } else {
            ""
        };
        if left < 0 {
            let message = format!(
                "{what} expired on {}{doubt}, {} days ago; Exchange Online refuses TLS with it.",
                not_after.date, -left
            );
            let r = judged.no_command("No command is generated: renew the certificate (or import a new one), enable it for SMTP, then update TlsCertificateName or rerun the Hybrid Configuration Wizard.");
            cx.add(judged.draft(&EXPIRED, judged.view.not_after, message, r));
        } else if left < 60 {
            let severity = if left < 30 { Severity::Warning } else { Severity::Info };
            let message = format!("{what} expires on {}{doubt}, in {left} days.", not_after.date);
            let r = judged.no_command("No command is generated: renew the certificate before it expires, enable the new one for SMTP, then update TlsCertificateName or rerun the Hybrid Configuration Wizard.");
            cx.add(judged.draft(&EXPIRING, judged.view.not_after, message, r).severity(severity));
        }
    } else if certificate.not_after.is_none() {
        let hint = certificates_hint(cx, judged.view.index, server);
        cx.diagnose(
            "certificate-details-missing",
            Severity::Info,
            judged.view.index,
            judged.view.object.record.first_line,
            format!("The paste does not show when certificate {thumbprint} on '{server}' expires."),
            hint,
        );
    }
}
