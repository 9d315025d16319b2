//! Property tests of the Hybrid Configuration Wizard log reader on pieces of the fixture logs,
//! as admins paste them: cut anywhere at both ends, with lines left out.

use hybridcheck::internals::is_blank;
use hybridcheck::report::Report;
use hybridcheck::{check, Input, InputData};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::path::Path;

/// The text of the fixture logs (UTF-8 ones; the UTF-16 one is the same grammar).
fn logs() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut logs = Vec::new();
    for case in [
        "hcw-log-expired-certificate-ex2016-cu21",
        "hcw-log-ex2013-cu8-legacy-msit-capability",
        "hcw-log-clean-run-exchange-se",
    ] {
        for entry in std::fs::read_dir(root.join(case)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "log") {
                logs.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    assert_eq!(logs.len(), 3, "the fixture logs moved");
    logs
}

fn report(text: &str) -> Report {
    check(vec![Input { name: "log", data: InputData::Text(text) }])
}

/// The identities every command of a report names, as quoted in the command.
fn named_identities(report: &Report) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for finding in &report.findings {
        let r = &finding.remediation;
        for command in r.commands().iter().chain(r.verify()).chain(r.rollback()) {
            let text = command.to_string();
            if let Some(at) = text.find("-Identity '") {
                let rest = &text[at + "-Identity '".len()..];
                named.insert(rest[..rest.find('\'').unwrap_or(rest.len())].to_owned());
            }
        }
    }
    named
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// A piece of a log never names in a command an identity that is not an object's identity
    /// in the whole log (a cut `-Identity` value is never taken for a whole one), and every line
    /// of the piece is read or listed as not understood.
    #[test]
    fn a_piece_of_a_log_names_no_identity_the_whole_log_does_not_show(
        which in 0usize..3,
        start in 0.0f64..1.0,
        length in 0.0f64..1.0,
        dropped in prop::collection::vec(0usize..80, 0..4),
    ) {
        let logs = logs();
        let text = &logs[which];
        let whole: BTreeSet<String> = report(text).objects.iter().filter_map(|o| o.identity.clone()).collect();
        let chars: Vec<char> = text.chars().collect();
        let from = (start * chars.len() as f64) as usize;
        let to = (from + (length * (chars.len() - from) as f64) as usize).min(chars.len());
        let piece: String = chars[from..to].iter().collect();
        let piece: String = piece
            .split('\n')
            .enumerate()
            .filter(|(n, _)| !dropped.contains(n))
            .map(|(_, line)| line)
            .collect::<Vec<_>>()
            .join("\n");
        let cut = report(&piece);
        for identity in named_identities(&cut) {
            prop_assert!(whole.contains(&identity), "'{identity}' is named only in the piece:\n{piece}");
        }
        let lines = piece.lines().filter(|l| !is_blank(l)).count();
        let read: usize = cut.inputs[0].sections.iter().map(|s| (s.last_line - s.first_line + 1) as usize).sum();
        prop_assert!(read + cut.unrecognized.len() >= lines);
    }
}

/// A log cut at any character of the call that writes the stale entry names the connector in a
/// command only when its `-Identity` value was read whole, in either log layout.
#[test]
fn a_log_cut_inside_the_identity_names_no_connector() {
    const MSIT: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";
    const IDENTITY: &str = "EX01\\Default Frontend EX01";
    let old = format!("[3/2/2015 14:22:7] INFO:Running command: Set-ReceiveConnector -TLSDomainCapabilities '{MSIT}' -Identity '{IDENTITY}'");
    let current = format!("2026.11.19 11:09:30.640         10276 [Client=UX, Activity=Mail Flow, Session=OnPremises, Cmdlet=Set-ReceiveConnector, Thread=10] START Set-ReceiveConnector -TLSDomainCapabilities '{MSIT}' -Identity '{IDENTITY}'");
    for line in [old, current] {
        let whole = named_identities(&report(&line));
        assert_eq!(whole, BTreeSet::from([IDENTITY.to_owned()]), "the whole line names the connector:\n{line}");
        for (cut, _) in line.char_indices() {
            let named = named_identities(&report(&line[..cut]));
            assert!(named.is_subset(&whole), "cut after {cut} characters names {named:?}");
            if !line[..cut].ends_with(&format!("'{IDENTITY}'")) {
                assert!(named.is_empty(), "cut after {cut} characters names {named:?}");
            }
        }
    }
}
