//! Symptom guidance points to the side of the mail flow where the cause is: what each finding
//! says of the fixtures' error texts, beyond the projection `fixtures.rs` pins down.

use hybridcheck::check_text;
use std::path::Path;

fn symptom_message(case: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(case).join("input.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    let report = check_text(&text);
    let symptoms: Vec<_> = report.findings.iter().filter(|f| f.rule == "symptom").collect();
    assert_eq!(symptoms.len(), 1, "{case}: one symptom finding, not {}", symptoms.len());
    symptoms[0].message.clone()
}

/// The receive-side texts lead to the receive connector and its certificate, never to the send connectors.
#[test]
fn receive_side_texts_lead_to_the_receive_connector() {
    for case in [
        "symptom-receive-starttls-required-exo-message-trace",
        "symptom-receive-subject-mismatch-4.4.317",
        "symptom-receive-event-12014-receive-connector-fqdn",
        "rule-symptom-triggers-450-4.4.317",
    ] {
        let message = symptom_message(case);
        assert!(message.contains("Look at the receive side"), "{case}: {message}");
        assert!(message.contains("Get-ReceiveConnector | Format-List"), "{case}: {message}");
        assert!(message.contains("Fqdn,TlsCertificateName"), "{case}: {message}");
        assert!(!message.contains("Get-SendConnector"), "{case}: {message}");
    }
}

#[test]
fn send_side_texts_lead_to_the_send_connector() {
    for case in [
        "symptom-tracking-dump-thousands-of-454-capped",
        "symptom-send-untrustedroot-event-2004",
        "rule-symptom-triggers-nocredentials",
    ] {
        let message = symptom_message(case);
        assert!(message.contains("Look at the send side"), "{case}: {message}");
        assert!(message.contains("Get-SendConnector | Format-List"), "{case}: {message}");
    }
}

/// `SubjectMismatch` is a wrong name, never an untrusted chain.
#[test]
fn subject_mismatch_is_a_name_not_a_chain() {
    let message = symptom_message("symptom-receive-subject-mismatch-4.4.317");
    assert!(message.contains("does not carry the name"), "{message}");
    assert!(message.contains("not an untrusted chain") && !message.contains("intermediate"), "{message}");
    let explained = symptom_message("symptom-receive-subject-mismatch-4.7.320-with-connectors");
    assert!(explained.contains("findings of tls-certificate-name-mismatch explain it"), "{explained}");
}

/// `451 5.7.3` beside `SocketError`, and `Must issue a STARTTLS command first`, are TLS versions,
/// not a certificate.
#[test]
fn starttls_errors_with_socketerror_are_a_tls_version_problem() {
    for case in [
        "symptom-tls-version-451-5.7.3-beside-socketerror",
        "symptom-near-miss-451-5.7.3-must-issue-starttls-is-tls-version",
    ] {
        let message = symptom_message(case);
        assert!(message.contains("could not agree on a TLS version"), "{case}: {message}");
        assert!(message.contains("not a missing certificate"), "{case}: {message}");
        assert!(!message.contains("Get-ExchangeCertificate"), "{case}: {message}");
        assert!(
            message.contains("Get-ExchangeServer | Format-List Name,Edition,AdminDisplayVersion"),
            "{case}: {message}"
        );
    }
}

#[test]
fn a_dump_of_one_error_names_how_many_lines_it_did_not_show() {
    let message = symptom_message("symptom-tracking-dump-thousands-of-454-capped");
    assert!(message.contains("on 2000 lines; the evidence shows 3, 1997 more are not shown"), "{message}");
}

#[test]
fn an_event_12014_explained_by_the_pasted_connector_says_so() {
    let message = symptom_message("symptom-receive-event-12014-with-connector-and-certificates");
    assert!(message.contains("findings of tls-certificate-not-found explain it"), "{message}");
}
