//! The same Format-List output gives the same report however it was shared.
//!
//! Admins rarely paste the console's text as it was: a copy from a web page, a Q&A thread or a
//! ticket puts a blank line after every line, a Markdown message or a mail indents it by four
//! spaces, and GitHub or Teams put it in a code fence. For every fixture case whose report reads
//! Format-List output (the samples included), each of those variants of its inputs must give the
//! same report as the plain inputs.
//!
//! The cases are the fixtures of plain console text. The fixtures of decorated pastes (a quoted
//! mail, a double-spaced forum copy) are what these variants make, not what they start from: a
//! double-spaced copy of a double-spaced copy, or a bulleted list put in a code fence where its
//! bullets are text, is not something admins paste. A case counts as plain when the decoration
//! step finds nothing to take off any of its inputs; the number of cases is checked, so that the
//! step cannot quietly take cases away.
//!
//! The whole report is compared, not a projection: every finding with its evidence and commands,
//! every diagnostic, object, section and unrecognized line. Line numbers are mapped back to the
//! plain input's lines rather than left out of the comparison, because pointing at the line that
//! proves a finding is one of the report's promises: a variant whose evidence pointed at a blank
//! line the copy added, or at the wrong property, must fail. A line the variant added (a blank
//! line, a fence) may appear only in a section of the fence's own format, `markdown`, which the
//! plain report cannot have and which is left out.

use hybridcheck::internals::Source;
use hybridcheck::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use proptest::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// One way of sharing a paste: how it changes the text, and where a plain line ends up.
struct Variant {
    name: &'static str,
    /// The variant of a text given as its lines (without line ends).
    make: fn(&[&str]) -> String,
    /// The plain line that variant line `n` shows, or `None` for a line the variant added.
    plain_line: fn(u64, u64) -> Option<u64>,
    /// The text of a plain line as the variant shows it, for unrecognized lines.
    shown: fn(&str) -> String,
}

const VARIANTS: [Variant; 3] = [
    Variant {
        name: "every line followed by a blank line",
        make: |lines| lines.iter().map(|l| format!("{l}\n\n")).collect(),
        plain_line: |n, _| (n % 2 == 1).then_some(n.div_ceil(2)),
        shown: |l| l.to_owned(),
    },
    Variant {
        name: "every line indented by four spaces",
        make: |lines| {
            lines.iter().map(|l| if l.trim().is_empty() { "\n".to_owned() } else { format!("    {l}\n") }).collect()
        },
        plain_line: |n, _| Some(n),
        shown: |l| format!("    {l}"),
    },
    Variant {
        name: "inside a Markdown code fence",
        make: |lines| format!("```powershell\n{}```\n", lines.iter().map(|l| format!("{l}\n")).collect::<String>()),
        plain_line: |n, count| (n > 1 && n < count).then(|| n - 1),
        shown: |l| l.to_owned(),
    },
];

#[test]
fn format_list_reads_the_same_however_it_was_shared() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut failures = Vec::new();
    let mut cases = 0;
    for inputs in cases_under(&root) {
        // Each input as the report numbers its lines: decoded, with every line end a `\n`.
        let mut decorated = false;
        let texts: Vec<(String, Vec<String>)> = inputs
            .iter()
            .map(|path| {
                let bytes = fs::read(path).unwrap();
                let (text, _) = hybridcheck::internals::decode(&bytes);
                let src = Source::new(text);
                decorated |= hybridcheck::internals::strip(&src).is_some();
                let lines = (1..=src.line_count()).map(|n| src.line(n).to_owned()).collect();
                (path.file_name().unwrap().to_string_lossy().into_owned(), lines)
            })
            .collect();
        if decorated {
            continue;
        }
        let plain: Vec<(String, String)> = texts
            .iter()
            .map(|(name, lines)| (name.clone(), lines.iter().map(|l| format!("{l}\n")).collect()))
            .collect();
        let expected = report(&plain);
        let reads_format_list = expected["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["sections"].as_array().unwrap())
            .any(|s| s["format"] == "format-list");
        if !reads_format_list {
            continue;
        }
        cases += 1;
        for variant in &VARIANTS {
            let shared: Vec<(String, String)> = texts
                .iter()
                .map(|(name, lines)| {
                    (name.clone(), (variant.make)(&lines.iter().map(String::as_str).collect::<Vec<_>>()))
                })
                .collect();
            let mut actual = report(&shared);
            let line_counts: Vec<u64> =
                actual["inputs"].as_array().unwrap().iter().map(|i| i["lines"].as_u64().unwrap()).collect();
            let mut added_lines_read = Vec::new();
            to_plain(&mut actual, variant, &line_counts, &texts, &mut added_lines_read);
            let case = inputs[0].parent().unwrap().file_name().unwrap().to_string_lossy().into_owned()
                + "/"
                + &inputs[0].file_name().unwrap().to_string_lossy();
            if !added_lines_read.is_empty() {
                failures
                    .push(format!("{case}, {}: the report points at added lines {added_lines_read:?}", variant.name));
            } else if let Some(difference) = first_difference(&expected, &actual, "report") {
                failures.push(format!("{case}, {}: {difference}", variant.name));
            }
        }
    }
    assert!(cases >= 90, "only {cases} fixture cases of plain text read Format-List output");
    assert!(failures.is_empty(), "{} of {} variants differ:\n{}", failures.len(), cases * 3, failures.join("\n"));
}

/// The report of `inputs` (name, text) as a JSON value; the date is fixed as in the fixtures.
fn report(inputs: &[(String, String)]) -> Value {
    let options = Options { today: Date::new(2026, 11, 28), ..Options::default() };
    let report =
        check_with(inputs.iter().map(|(name, text)| Input { name, data: InputData::Text(text) }).collect(), &options);
    serde_json::to_value(&report).unwrap()
}

/// Rewrites a variant's report in the plain inputs' terms: line numbers mapped back, the line
/// counts and unrecognized texts of the plain inputs, and the fence's own sections left out.
/// Line numbers that name an added line are collected in `added`.
fn to_plain(
    report: &mut Value,
    variant: &Variant,
    counts: &[u64],
    texts: &[(String, Vec<String>)],
    added: &mut Vec<u64>,
) {
    let map = |value: &mut Value, input: usize, added: &mut Vec<u64>| {
        if let Some(n) = value.as_u64() {
            match (variant.plain_line)(n, counts[input]) {
                Some(plain) => *value = plain.into(),
                None => added.push(n),
            }
        }
    };
    for (i, input) in report["inputs"].as_array_mut().unwrap().iter_mut().enumerate() {
        input["lines"] = (texts[i].1.len() as u64).into();
        let sections = input["sections"].as_array_mut().unwrap();
        sections.retain(|s| s["format"] != "markdown");
        for section in sections {
            map(&mut section["first_line"], i, added);
            map(&mut section["last_line"], i, added);
        }
    }
    for finding in report["findings"].as_array_mut().unwrap() {
        let input = finding["input"].as_u64().unwrap() as usize;
        map(&mut finding["line"], input, added);
        for evidence in finding["evidence"].as_array_mut().unwrap() {
            map(&mut evidence["line"], input, added);
        }
    }
    for key in ["diagnostics", "objects"] {
        for item in report[key].as_array_mut().unwrap() {
            let input = item["input"].as_u64().unwrap() as usize;
            map(&mut item["line"], input, added);
        }
    }
    for item in report["unrecognized"].as_array_mut().unwrap() {
        let input = item["input"].as_u64().unwrap() as usize;
        let before = added.len();
        map(&mut item["line"], input, added);
        if let (Some(n), true) = (item["line"].as_u64(), added.len() == before) {
            let plain = &texts[input].1[n as usize - 1];
            if item["text"].as_str() == Some((variant.shown)(plain).as_str()) {
                item["text"] = plain.as_str().into();
            }
        }
    }
}

/// Where two JSON values first differ, as a path with both values; `None` when they are equal.
fn first_difference(expected: &Value, actual: &Value, path: &str) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => a
            .keys()
            .chain(b.keys())
            .find_map(|k| first_difference(&a[k.as_str()], b.get(k).unwrap_or(&Value::Null), &format!("{path}.{k}"))),
        (Value::Array(a), Value::Array(b)) => (0..a.len().max(b.len())).find_map(|i| {
            first_difference(
                a.get(i).unwrap_or(&Value::Null),
                b.get(i).unwrap_or(&Value::Null),
                &format!("{path}[{i}]"),
            )
        }),
        _ if expected == actual => None,
        _ => Some(format!("{path}: plain {expected}, shared {actual}")),
    }
}

/// The input files of every fixture case, as `tests/fixtures.rs` finds them: a folder with an
/// `expected.json` is one case, any other folder holds one case per file.
#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
fn cases_under(root: &Path) -> Vec<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> =
        fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    let mut cases = Vec::new();
    for dir in dirs {
        let mut files: Vec<PathBuf> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                p.is_file() && !name.ends_with("expected.json") && !name.starts_with("README")
            })
            .collect();
        files.sort();
        if dir.join("expected.json").exists() {
            cases.push(files);
        } else {
            cases.extend(files.into_iter().map(|f| vec![f]));
        }
    }
    cases
}

/// Lines as decorated pastes hold them: Format-List properties and continuations, table rows,
/// prompts, warnings, prose, quote marks, fences, bullets, bold, blank and indented lines.
fn decorated_line() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Identity              : EX01\\Default Frontend EX01".to_owned()),
        Just("TlsDomainCapabilities : {<I>CN=MSIT Machine Auth CA 2, DC=redmond,".to_owned()),
        Just("                        DC=com:AcceptCloudServicesMail}".to_owned()),
        Just("TlsCertificateName    : <I>CN=R11, O=Let's Encrypt, C=US<S>CN=mail.contoso.com".to_owned()),
        Just("Identity   Bindings".to_owned()),
        Just("--------   --------".to_owned()),
        Just("[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl".to_owned()),
        Just(">> fl Identity".to_owned()),
        Just("WARNING: The object EX01\\Default Frontend EX01 has been corrupted, and it's in".to_owned()),
        Just("**********************".to_owned()),
        "[ -~]{0,30}",
    ];
    let mark = prop_oneof![
        Just(""),
        Just(""),
        Just("> "),
        Just(">"),
        Just("> > "),
        Just(">>"),
        Just("    "),
        Just("\t"),
        Just("- "),
        Just("1. "),
        Just("**"),
    ];
    prop_oneof![
        3 => (mark, piece).prop_map(|(m, p)| format!("{m}{p}")),
        1 => prop_oneof![Just(""), Just(" "), Just(">"), Just("```powershell"), Just("```"), Just("~~~"), Just("![x](y.png)")]
            .prop_map(str::to_owned),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Whatever decoration a paste mixes, the check ends, every non-blank line is read by a
    /// section or listed as not understood, and every line the report names is an input line
    /// with text on it.
    #[test]
    fn decorated_pastes_keep_their_line_numbers(
        lines in prop::collection::vec(decorated_line(), 0..60),
        blank_between in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let text: String = lines.iter().map(|l| if blank_between { format!("{l}{end}{end}") } else { format!("{l}{end}") }).collect();
        let report = hybridcheck::check_text(&text);
        let src = Source::new(text.as_str());
        let count = src.line_count();
        for n in 1..=count {
            if src.is_blank_line(n) {
                continue;
            }
            let in_section = report.inputs[0].sections.iter().any(|s| s.first_line <= n && n <= s.last_line);
            let listed = report.unrecognized.iter().any(|u| u.line == n);
            prop_assert!(in_section || listed, "line {} is neither read nor reported:\n{}", n, text);
        }
        let has_text = |n: u32| n >= 1 && n <= count && !src.is_blank_line(n);
        for section in &report.inputs[0].sections {
            // A transcript header that no line of asterisks closes runs to the end, blank or not.
            prop_assert!(has_text(section.first_line) && section.last_line <= count, "section {:?}:\n{}", section, text);
        }
        for object in &report.objects {
            prop_assert!(has_text(object.line), "object at line {}:\n{}", object.line, text);
        }
        for finding in &report.findings {
            for evidence in &finding.evidence {
                prop_assert!(has_text(evidence.line), "evidence at line {}:\n{}", evidence.line, text);
            }
        }
    }
}
