//! Inputs built to exhaust a careless parser: deep nesting, very long lines, very many tiny
//! objects, random bytes. Each must give a report that says what happened; none may overflow
//! the stack or abort. (Time and memory are measured by `cargo xtask bench`, not here.)

use hybridcheck::{check, check_text, Input, InputData};

/// A small deterministic generator, so that failures reproduce.
fn random_bytes(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

fn codes(report: &hybridcheck::report::Report) -> Vec<&str> {
    report.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn one_megabyte_of_random_bytes_is_reported_as_not_recognised() {
    let bytes = random_bytes(1 << 20, 0x9E37_79B9_7F4A_7C15);
    let report = check(vec![Input { name: "random.bin", data: InputData::Bytes(bytes.into()) }]);
    assert!(report.findings.is_empty());
    let diagnostic =
        report.diagnostics.iter().find(|d| d.code == "no-recognized-input").expect("a no-recognized-input diagnostic");
    assert!(diagnostic.message.contains("binary"), "{}", diagnostic.message);
    assert!(
        diagnostic.commands.iter().any(|c| c.text().contains("Get-ReceiveConnector")),
        "the hint gives the command to paste instead: {:?}",
        diagnostic.commands
    );
    assert_eq!(report.exit_code(), 2);
    assert!(report.unrecognized.len() > 1000);
}

#[test]
fn deeply_nested_json_is_refused_with_a_diagnostic() {
    let text = "[".repeat(200_000) + &"]".repeat(200_000);
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-json"), "{:?}", codes(&report));
}

#[test]
fn deeply_nested_clixml_is_refused_with_a_diagnostic() {
    let mut text =
        String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n");
    text.push_str(&"<Obj RefId=\"0\"><Props>".repeat(100_000));
    text.push_str(&"</Props></Obj>".repeat(100_000));
    text.push_str("\n</Objs>\n");
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-xml"), "{:?}", codes(&report));
}

#[test]
fn a_clixml_document_of_broken_ref_tags_is_refused_with_a_diagnostic() {
    // Tags that never close: each `<Ref ` is looked at up to the next `<`, not to the end.
    let mut text =
        String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n");
    text.push_str(&"<Ref N=\"Id\" RefId=\"1\" ".repeat(200_000));
    let report = check_text(&text);
    assert!(codes(&report).contains(&"malformed-xml"), "{:?}", codes(&report));
}

#[test]
fn a_twenty_megabyte_line_is_read() {
    let value = "x".repeat(20 << 20);
    let text = format!("Identity              : EX01\\Default Frontend EX01\nTlsDomainCapabilities : {{{value}}}\n");
    let report = check_text(&text);
    assert_eq!(report.objects.len(), 1);
    assert!(report.unrecognized.is_empty());
}

#[test]
fn half_a_million_tiny_objects_are_read() {
    let text = "Name : x\n\n".repeat(500_000);
    let report = check_text(&text);
    assert_eq!(report.objects.len(), 500_000);
    assert!(report.unrecognized.is_empty());
    assert!(codes(&report).contains(&"no-recognized-input"));
}

#[test]
fn a_hundred_thousand_prompts_are_read() {
    let text = "[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl\n".repeat(100_000);
    let report = check_text(&text);
    assert!(report.unrecognized.is_empty());
    assert_eq!(report.inputs[0].sections.len(), 100_000);
}

#[test]
fn thousands_of_servers_without_their_certificates_make_one_diagnostic() {
    let text: String = (1..=2000)
        .map(|i| {
            format!(
                "Identity              : EX{i:04}\\Default Frontend EX{i:04}\n\
                 TlsDomainCapabilities : {{mail.protection.outlook.com:AcceptCloudServicesMail}}\n\
                 TlsCertificateName    : <I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com\n\n"
            )
        })
        .collect();
    let report = check_text(&text);
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 1, "one diagnostic, not one per server");
    let d = not_pasted[0];
    assert!(d.message.contains("2000 servers ('EX0001', 'EX0002', 'EX0003' and 1997 more)"), "{}", d.message);
    assert!(d.message.contains("the certificates that 2000 objects name"), "{}", d.message);
    assert!(
        d.commands[0].text().starts_with("Get-ExchangeCertificate -Server 'EX0001' | Format-List Thumbprint,"),
        "{:?}",
        d.commands
    );
    assert_eq!(d.commands.len(), 10, "the commands for the first ten servers, not two thousand");
    assert_eq!(d.line, Some(3));
}

/// The hybrid configuration names its certificate for every transport server it lists.
fn hybrid_configuration(sending: &str, edge: &str) -> String {
    format!(
        "[PS] C:\\Windows\\system32>Get-HybridConfiguration\n\n\
         EdgeTransportServers      : {{{edge}}}\n\
         ReceivingTransportServers : {{{sending}}}\n\
         SendingTransportServers   : {{{sending}}}\n\
         OnPremisesSmartHost       : mail.contoso.com\n\
         TlsCertificateName        : <I>CN=R3, O=Let's Encrypt, C=US<S>CN=mail.contoso.com\n\
         Name                      : Hybrid Configuration\n\
         Identity                  : Hybrid Configuration\n"
    )
}

#[test]
fn one_object_that_names_many_servers_is_counted_once() {
    let report = check_text(&hybrid_configuration("EX01, EX02, EX03, EX04, EX05, EX06", ""));
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 1, "{not_pasted:?}");
    assert!(
        not_pasted[0].message.contains("6 servers ('EX01', 'EX02', 'EX03' and 3 more)"),
        "{}",
        not_pasted[0].message
    );
    assert!(not_pasted[0].message.contains("the certificate that one object names"), "{}", not_pasted[0].message);
}

#[test]
fn edge_transport_servers_keep_their_own_hint_among_many() {
    let report = check_text(&hybrid_configuration(
        "EDGE01, EDGE02, EDGE03, EDGE04, EDGE05, EDGE06",
        "EDGE01, EDGE02, EDGE03, EDGE04, EDGE05, EDGE06",
    ));
    let not_pasted: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "certificates-not-pasted").collect();
    assert_eq!(not_pasted.len(), 6, "one per Edge server: {not_pasted:?}");
    for d in not_pasted {
        assert!(d.hint.contains("is an Edge Transport server") && !d.hint.contains("-Server"), "{}", d.hint);
    }
}
