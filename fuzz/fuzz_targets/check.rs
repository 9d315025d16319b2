//! The whole check: any bytes give a report whose every non-blank line is read by a section or
//! listed as not understood, and whose commands quote every identity.
#![no_main]
use hybridcheck::internals::{is_blank, Source};
use hybridcheck::{check, Input, InputData};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let report = check(vec![Input { name: "fuzz", data: InputData::Bytes(data.into()) }]);
    let (text, _) = hybridcheck::internals::decode(data);
    let src = Source::new(text);
    for n in 1..=src.line_count() {
        if !is_blank(src.line(n)) {
            let read = report.inputs[0].sections.iter().any(|s| s.first_line <= n && n <= s.last_line);
            assert!(read || report.unrecognized.iter().any(|u| u.line == n), "line {n} lost");
        }
    }
    for finding in &report.findings {
        for command in finding.remediation.commands().iter().chain(finding.remediation.rollback()) {
            // A block's lines are joined by `\n` (the builder's); a carriage return never gets in.
            assert!(!command.text().contains('\r'));
        }
    }
    let _ = hybridcheck::report::ps1::render(&report);
    let _ = hybridcheck::report::markdown::render(&report);
});
