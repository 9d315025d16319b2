//! Issue 12's acceptance suite through the command line: the `ps1` script as Windows PowerShell
//! 5.1 and PowerShell 7 read a script file, and the text and Markdown for people, on pastes that
//! hold every hostile value at once. The rest of the suite (every value in every field and
//! layout, read with the same tokenizer) is the core's `tests/hostile.rs`; both share the
//! harness in the core's `tests/support/`.

#[path = "../../tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use support::encoding::Reading;
use support::failures::*;
use support::layouts::*;
use support::payloads::*;
use support::powershell::{literals, shape, tokenize, Kind};
use support::reports::*;
use support::unicode::is_unprintable;

const BIN: &str = env!("CARGO_BIN_EXE_hybridcheck");

/// Runs the CLI on `inputs` with its standard output redirected to a file (as `> fix.ps1`
/// does) and returns the file's bytes.
fn run_cli(format: &str, inputs: &[std::path::PathBuf]) -> Vec<u8> {
    let output = inputs[0].with_extension(format!("out.{format}"));
    let file = std::fs::File::create(&output).unwrap();
    let status = std::process::Command::new(BIN)
        .args(["--now", "2026-11-28", "--format", format])
        .args(inputs)
        .stdout(std::process::Stdio::from(file))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the hybridcheck binary starts");
    assert!(status.code().is_some_and(|c| c <= 2), "{format}: {status}");
    std::fs::read(&output).unwrap()
}

/// Pastes that hold every hostile value at once, each a few files for one CLI run: receive
/// connectors with the stale entry named by the value (Format-List, for the values it can
/// carry, and ConvertTo-Json); send connectors to Exchange Online named by the value with the
/// value as a wrong `TlsDomain`; receive connectors naming, by the value, a certificate their
/// server renewed (so that the value is in a commented rollback line of the script).
fn corpora() -> Vec<(&'static str, Inputs)> {
    // The 10 KB values are judged in every field by the matrix; here they would only make the
    // scripts megabytes long.
    let payloads: Vec<Payload> = payloads().into_iter().filter(|p| p.text.len() <= 1024).collect();
    let receive = |layout: Layout| -> Vec<Object> {
        payloads
            .iter()
            .filter(|p| layout.carries(&p.text))
            .map(|p| {
                vec![
                    ("Identity", PropValue::Text(format!("EX01\\{}", p.text))),
                    ("TlsDomainCapabilities", PropValue::List(vec![LEGACY_ENTRY.to_owned()])),
                ]
            })
            .collect()
    };
    let send: Vec<Object> = payloads
        .iter()
        .map(|p| {
            vec![
                ("Identity", PropValue::Text(p.text.clone())),
                ("AddressSpaces", PropValue::List(vec!["smtp:contoso.mail.onmicrosoft.com;1".into()])),
                ("SmartHosts", PropValue::List(Vec::new())),
                ("Fqdn", PropValue::Text("mail.contoso.com".into())),
                ("RequireTLS", PropValue::Bool(true)),
                ("TlsAuthLevel", PropValue::Text("DomainValidation".into())),
                ("TlsDomain", PropValue::Text(p.text.clone())),
                ("TlsCertificateName", PropValue::Text(String::new())),
                ("CloudServicesMailEnabled", PropValue::Bool(false)),
            ]
        })
        .collect();
    let renewed: Vec<Object> = payloads
        .iter()
        .enumerate()
        .map(|(n, p)| {
            vec![
                ("Identity", PropValue::Text(format!("EX01\\Connector {n}"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text(format!("<I>CN={}, O=Contoso<S>CN=mail.contoso.com", p.text))),
            ]
        })
        .collect();
    let certificates = [certificate("EX01", THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true)];
    let file = |kind: &ObjectKind, layout: Layout, objects: &[Object]| {
        (file_name(kind, layout), render(kind, layout, objects, "Identity").into_bytes())
    };
    vec![
        ("receive connectors in Format-List", vec![file(&RECEIVE, Layout::FormatList, &receive(Layout::FormatList))]),
        ("receive connectors in ConvertTo-Json", vec![file(&RECEIVE, Layout::Json, &receive(Layout::Json))]),
        ("send connectors in ConvertTo-Json", vec![file(&SEND, Layout::Json, &send)]),
        (
            "renewed certificates in ConvertTo-Json",
            vec![file(&RECEIVE, Layout::Json, &renewed), file(&CERTIFICATE, Layout::FormatList, &certificates)],
        ),
    ]
}

/// Issue 12.1, 12.3 and 12.4 through the CLI: the `ps1` script must tokenize the same under
/// Windows PowerShell 5.1's reading (a BOM, else Windows-1252) as under PowerShell 7's (UTF-8),
/// carry the report's commands, and keep bidirectional and format characters out of its
/// comments; the text and Markdown output must show no raw control or format character.
#[test]
fn the_cli_script_and_text_read_the_same_everywhere() {
    let dir = std::env::temp_dir().join(format!("hybridcheck-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Failures::default();
    let mut checked = 0;
    let example =
        std::process::Command::new(BIN).args(["--now", "2026-11-28", "--format", "ps1", "--example"]).output().unwrap();
    let example_lines: Vec<String> = Reading::PowerShell7
        .read(&example.stdout)
        .split('\n')
        .map(|line| line.trim_end_matches('\r').to_owned())
        .filter(|line| !tokenize(line).iter().all(|t| t.kind == Kind::Comment))
        .collect();
    assert!(!example_lines.is_empty(), "the example's script has no command");
    for (n, (name, inputs)) in corpora().into_iter().enumerate() {
        let paths: Vec<std::path::PathBuf> = inputs
            .iter()
            .map(|(file, bytes)| {
                let path = dir.join(format!("{n}-{file}"));
                std::fs::write(&path, bytes).unwrap();
                path
            })
            .collect();
        let report = report_of(&inputs);
        let case = format!("CLI on {name}");

        let script = run_cli("ps1", &paths);
        let truth = Reading::PowerShell7.read(&script);
        let truth_tokens = tokenize(&truth);
        checked += 1;
        if let Some(error) = truth_tokens.iter().find(|t| t.kind == Kind::Error) {
            failures.add(
                CLASS_CHANGED,
                &case,
                "whole script",
                format!("PowerShell 7 cannot read the script at `{}`", short(&error.text, 120)),
            );
        }
        for comment in truth_tokens.iter().filter(|t| t.kind == Kind::Comment) {
            checked += 1;
            if let Some(c) = comment.text.chars().find(|&c| is_unprintable(c)) {
                failures.add(
                    CLASS_INVISIBLE,
                    &case,
                    &format!("U+{:04X} in a comment", c as u32),
                    format!("script comment `{}`", short(&comment.text, 160)),
                );
            }
        }
        // The script runs the report's fix and verify commands, and nothing else but the lines
        // it writes for any paste (those of the built-in example's script): a rollback line, or
        // any line of a block, that escaped its comment would run. Compared line by line, so
        // that each failure names its value.
        let truth_lines: Vec<&str> = truth.split('\n').map(|line| line.trim_end_matches('\r')).collect();
        let script_lines: BTreeSet<&str> = truth_lines.iter().copied().collect();
        let mut allowed: BTreeSet<&str> = example_lines.iter().map(String::as_str).collect();
        for command in commands(&report) {
            if command.place.ends_with("rollback") || command.place.starts_with("diagnostic") {
                continue;
            }
            checked += 1;
            let lines: Vec<&str> = command.text.split('\n').map(|line| line.trim_end_matches('\r')).collect();
            if !lines.iter().all(|line| script_lines.contains(line)) {
                failures.add(
                    CLASS_CHANGED,
                    &case,
                    "script",
                    format!("the script lacks {}: `{}`", command.place, short(&command.text, 160)),
                );
            }
            allowed.extend(lines.into_iter().filter_map(|line| script_lines.get(line).copied()));
        }
        // Windows PowerShell 5.1 must read every line as PowerShell 7 does; lines whose code
        // changes (an injection) are listed before lines whose strings only change (a wrong target).
        let read = Reading::WindowsPowerShell.read(&script);
        let mut strings_only = Vec::new();
        for (line_51, line_7) in read.split('\n').zip(truth_lines) {
            let tokens_7 = tokenize(line_7);
            if tokens_7.iter().all(|t| t.kind == Kind::Comment) {
                continue;
            }
            checked += 1;
            if !allowed.contains(line_7) {
                failures.add(
                    CLASS_CHANGED,
                    &case,
                    "script",
                    format!("the script runs a line that is no fix or verify command: `{}`", short(line_7, 160)),
                );
            }
            let tokens_51 = tokenize(line_51.trim_end_matches('\r'));
            let code_changes = shape(&tokens_51) != shape(&tokens_7);
            if code_changes || literals(&tokens_51) != literals(&tokens_7) {
                let first = literals(&tokens_7).into_iter().find(|l| !l.is_ascii()).unwrap_or_default();
                let detail = format!(
                    "{} reads {} `{}` as `{}`",
                    Reading::WindowsPowerShell.name(),
                    if code_changes { "code" } else { "a string" },
                    short(line_7, 100),
                    short(line_51, 140)
                );
                if code_changes {
                    failures.add(CLASS_BOM, &case, &short(&first, 60), detail);
                } else {
                    strings_only.push((short(&first, 60), detail));
                }
            }
        }
        for (payload, detail) in strings_only {
            failures.add(CLASS_BOM, &case, &payload, detail);
        }

        for format in ["text", "markdown"] {
            let output = String::from_utf8_lossy(&run_cli(format, &paths)).into_owned();
            for line in output.lines() {
                checked += 1;
                if let Some(c) = line.chars().find(|&c| is_unprintable(c)) {
                    failures.add(
                        CLASS_CONTROL_OUTPUT,
                        &format!("{case}, --format {format}"),
                        &format!("U+{:04X}", c as u32),
                        short(line, 160),
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures.assert_none("CLI outputs and lines", checked);
}
