//! `exo-tls-capability-pinned`: a receive connector that trusts Exchange Online only while it
//! presents one certificate, named by issuer and subject, instead of by its domain.
//!
//! The check itself runs in `legacy_exo_tls_capability`, in one pass over the lists: an entry of
//! the certificate retired in 2016 (issuer `MSIT Machine Auth CA 2`) is that rule's finding, any
//! other certificate of `mail.protection.outlook.com` is this one's, and a connector is reported
//! once.

use super::legacy_exo_tls_capability::{HYBRID_WIZARD, KB3156771};
use super::RuleDoc;
use crate::model::capabilities::{fold, Capability, Key};
use crate::model::Kind;
use crate::report::{Reference, Severity};

pub const ID: &str = "exo-tls-capability-pinned";

/// The domain of Exchange Online's worldwide certificate, folded (see [`fold`]).
const CLOUD_DOMAIN: &str = "mail.protection.outlook.com";

/// A `-like` pattern that matches a pinned entry of that domain as `ToString()` prints it.
pub const PINNED_PATTERN: &str = "<I>*<S>*CN=mail.protection.outlook.com*";

pub const EXO_TLS_DOC: Reference = Reference {
    name: "Exchange Online uses TLS to secure email connections (certificate changes)",
    url: "https://learn.microsoft.com/en-us/purview/exchange-online-uses-tls-to-secure-email-connections",
};
pub const SET_RECEIVE_CONNECTOR: Reference = Reference {
    name: "Set-ReceiveConnector (-TlsDomainCapabilities)",
    url: "https://learn.microsoft.com/en-us/powershell/module/exchangepowershell/set-receiveconnector",
};

pub static DOC: RuleDoc = RuleDoc {
    id: ID,
    severity: Severity::Error,
    title: "Receive connector trusts Exchange Online only by one certificate's issuer and subject",
    what_it_checks: "Looks at the `TlsDomainCapabilities` of every receive connector for an entry keyed to a certificate (`<I>issuer<S>subject:AcceptCloudServicesMail`) whose subject is `CN=mail.protection.outlook.com`, in the console form, in the Active Directory form `mail.protection.outlook.com:512:<I>...<S>...` that Exchange 2010 tools quote, and in raw JSON or Clixml. The issuer `MSIT Machine Auth CA 2` is `legacy-exo-tls-capability`'s finding, not this one's; a connector is reported once. Error when the pinned entry is the connector's only entry for Exchange Online; warning when the domain entry `mail.protection.outlook.com:AcceptCloudServicesMail` is there too, or may be in the part of a list the paste cut. The same words in `Comment` or any other property are not a finding; a cut or redacted list is treated as for `legacy-exo-tls-capability`.",
    why_it_matters: "An entry keyed to a certificate matches only while Exchange Online presents a certificate with exactly that issuer and subject. Exchange Online has changed its certificate's issuer or chain several times: in April 2016 (KB 3156771), in 2018, in 2020 and again in 2026 (DigiCert Global Root G2). At each change a pinned entry stops matching and mail from Exchange Online is treated as anonymous, with the symptoms of KB 3156771: senders shown as `First Last <address>`, `451 4.7.0 ... PRX5`, or `550 5.7.1 Unable to relay` with centralized mail transport. Whether a pinned entry matches the certificate Exchange Online presents today cannot be told from a paste; the domain entry keeps matching across these changes, which is why the current Hybrid Configuration Wizard writes it.",
    example: "TlsDomainCapabilities : {<I>CN=GlobalSign Organization Validation CA - SHA256 - G3, O=GlobalSign nv-sa, C=BE<S>CN=mail.protection.outlook.com, O=Microsoft Corporation, L=Redmond, S=Washington, C=US:AcceptCloudServicesMail}",
    fix: "Preferred: run the current Hybrid Configuration Wizard, which writes the domain entry. Otherwise replace the pinned entry with `mail.protection.outlook.com:AcceptCloudServicesMail`, as KB 3156771's Method 2 does for the 2016 certificate: `Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'`. The generated command replaces only the pinned entries and keeps every other entry of the list.",
    fix_safety: "As for `legacy-exo-tls-capability`: safe when the whole list was seen, the rollback restoring the list exactly as pasted; when the list was cut, wrapped without its spaces or partly redacted, the commands read the list from the server, remove only the pinned entries and keep the rest (review them, and run the rollback in the same session).",
    references: &[KB3156771, EXO_TLS_DOC, SET_RECEIVE_CONNECTOR, HYBRID_WIZARD],
    needs: &[&[Kind::ReceiveConnector]],
};

/// True for an entry keyed to a certificate (issuer and subject) whose subject's common name is
/// `mail.protection.outlook.com`, in any order of the subject's parts.
pub fn is_pinned(entry: &Capability) -> bool {
    match &entry.key {
        Key::Certificate { issuer, subject } => !issuer.trim().is_empty() && common_name_is(subject, CLOUD_DOMAIN),
        Key::Domain(_) => false,
    }
}

/// True when the list holds the domain entry of Exchange Online with `AcceptCloudServicesMail`,
/// which keeps matching whatever certificate Exchange Online presents.
pub fn has_domain_entry(entries: &[Capability]) -> bool {
    entries.iter().any(|e| {
        matches!(&e.key, Key::Domain(d) if fold(d) == CLOUD_DOMAIN)
            && e.capabilities.split(',').any(|c| c.trim().eq_ignore_ascii_case("AcceptCloudServicesMail"))
    })
}

/// True when a distinguished name's `CN` is `name` (folded).
fn common_name_is(subject: &str, name: &str) -> bool {
    subject.split(',').any(|part| {
        let part = fold(part);
        part.strip_prefix("cn=").is_some_and(|cn| cn == name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::capabilities::parse_display;

    #[test]
    fn a_pin_is_a_certificate_of_the_cloud_domain_with_its_issuer() {
        let list = parse_display("{<I>CN=GlobalSign Organization Validation CA - SHA256 - G3, O=GlobalSign nv-sa, C=BE<S>C=US, O=Microsoft Corporation, CN=mail.protection.outlook.com:AcceptCloudServicesMail, <S>CN=mail.protection.outlook.com:AcceptCloudServicesMail, <I>CN=Fabrikam CA<S>CN=smtp.fabrikam.com:AcceptCrossForestMail, <I>CN=Evil CA<S>CN=mail.protection.outlook.com.evil.example:AcceptCloudServicesMail, mail.protection.outlook.com:AcceptCloudServicesMail}");
        let pinned: Vec<bool> = list.entries.iter().map(is_pinned).collect();
        assert_eq!(pinned, [true, false, false, false, false]);
        assert!(has_domain_entry(&list.entries));
    }
}
