//! The report says which rules could not run for lack of which paste, and the collector asks for
//! everything the rules read.

use hybridcheck::catalog;
use hybridcheck::report::Report;

fn not_run(report: &Report) -> Vec<(&str, Vec<&str>)> {
    report.rules_not_run.iter().map(|r| (r.rule, r.missing.iter().map(|m| m.kind).collect())).collect()
}

const RECEIVE_CONNECTOR: &str = "\
Identity              : EX01\\Default Frontend EX01
TransportRole         : FrontendTransport
TlsDomainCapabilities : {mail.protection.outlook.com:AcceptCloudServicesMail}
TlsCertificateName    : <I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.contoso.com
";

const CERTIFICATE: &str = "\
Thumbprint : 0123456789ABCDEF0123456789ABCDEF01234567
Subject    : CN=mail.contoso.com
Issuer     : CN=R11, O=Let's Encrypt, C=US
NotAfter   : 2027-01-31 12:00:00
Services   : IIS, SMTP
";

/// With only receive connectors, the rules that read certificates, servers, send connectors and
/// the hybrid configuration are listed, each with the paste it lacks; the rule that reads receive
/// connectors is not.
#[test]
fn a_paste_of_receive_connectors_lists_the_rules_that_need_more() {
    let report = hybridcheck::check_text(RECEIVE_CONNECTOR);
    let listed = not_run(&report);
    assert!(!listed.iter().any(|(rule, _)| *rule == "legacy-exo-tls-capability"), "{listed:?}");
    assert!(listed.contains(&("tls-certificate-expired", vec!["ExchangeCertificate"])), "{listed:?}");
    assert!(listed.contains(&("exchange-build", vec!["ExchangeServer"])), "{listed:?}");
    assert!(listed.contains(&("exo-send-connector", vec!["SendConnector"])), "{listed:?}");
    let missing = &report.rules_not_run.iter().find(|r| r.rule == "tls-certificate-expired").unwrap().missing[0];
    assert!(missing.command.text().contains("Get-ExchangeCertificate"), "{missing:?}");
}

/// A certificate pasted with the connector meets the certificate rules' needs.
#[test]
fn the_certificate_rules_run_once_certificates_are_pasted() {
    let report = hybridcheck::check_text(&format!("{RECEIVE_CONNECTOR}\n{CERTIFICATE}"));
    let listed = not_run(&report);
    assert!(
        !listed.iter().any(|(rule, _)| rule.starts_with("tls-certificate-")
            && *rule != "tls-certificate-name-mismatch"
            && *rule != "tls-certificate-name-too-long"),
        "{listed:?}"
    );
}

/// Every kind a rule needs has a paste in the collector, and every paste is in a part of it.
#[test]
fn the_collector_asks_for_every_kind_a_rule_needs() {
    let parts = hybridcheck::collector();
    for rule in catalog() {
        for need in rule.needs {
            assert!(!need.is_empty(), "{}: an empty need can never be met", rule.id);
            for kind in *need {
                let paste = hybridcheck::paste(*kind)
                    .unwrap_or_else(|| panic!("{}: no paste in the collector shows {kind:?}", rule.id));
                assert!(parts.iter().any(|p| p.side == paste.side && p.script.contains(paste.command)), "{kind:?}");
            }
        }
    }
}
