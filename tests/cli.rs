//! The command-line tool end to end: a file given by name, the same bytes on standard input, a
//! UTF-16 file, an empty file and a missing one. The report must not depend on how the bytes arrived.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hybridcheck");

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/samples").join(name)
}

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(["--now", "2026-11-28", "--format", "json"])
        .args(args)
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hybridcheck binary starts");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn report(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("not a JSON report ({err}): {}", String::from_utf8_lossy(&output.stdout)))
}

/// The report without the input's name, which says where the bytes came from.
fn without_names(mut report: serde_json::Value) -> serde_json::Value {
    for input in report["inputs"].as_array_mut().unwrap() {
        input["name"] = serde_json::Value::Null;
    }
    report
}

fn rules(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_owned(), f["identity"].as_str().unwrap_or("").to_owned()))
        .collect()
}

#[test]
fn a_named_file_and_the_same_bytes_on_standard_input_give_the_same_report() {
    let path = sample("01-fl-affected-default-frontend-ex2013-cu8.txt");
    let by_name = run(&[path.to_str().unwrap()], None);
    let by_stdin = run(&["-"], Some(&std::fs::read(&path).unwrap()));
    assert_eq!(by_name.status.code(), Some(1), "{}", String::from_utf8_lossy(&by_name.stderr));
    assert_eq!(by_stdin.status.code(), Some(1));
    let (by_name, by_stdin) = (report(&by_name), report(&by_stdin));
    assert_eq!(by_name["inputs"][0]["name"], path.to_str().unwrap());
    assert_eq!(by_stdin["inputs"][0]["name"], "standard input");
    assert_eq!(rules(&by_name), [("legacy-exo-tls-capability".to_owned(), "EX01\\Default Frontend EX01".to_owned())]);
    assert_eq!(without_names(by_name), without_names(by_stdin));
}

#[test]
fn a_utf16_file_is_decoded() {
    let output = run(&[sample("01b-fl-affected-redirected-utf16le-bom.txt").to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(1));
    let report = report(&output);
    assert_eq!(report["inputs"][0]["encoding"], "utf-16le-bom");
    assert_eq!(rules(&report), [("legacy-exo-tls-capability".to_owned(), "EX01\\Default Frontend EX01".to_owned())]);
}

#[test]
fn an_empty_file_is_reported_and_a_missing_one_refused() {
    let dir = std::env::temp_dir().join(format!("hybridcheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.txt");
    std::fs::write(&empty, b"").unwrap();
    let output = run(&[empty.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    let codes: Vec<_> = report(&output)["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].clone()).collect();
    assert!(codes.contains(&"empty-input".into()), "{codes:?}");

    let missing = dir.join("missing.txt");
    let output = run(&[missing.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot read"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs the CLI with `--format` and returns its standard output as bytes.
fn rendered(format: &str, stdin: &[u8]) -> Vec<u8> {
    let mut child = Command::new(BIN)
        .args(["--now", "2026-11-28", "--format", format, "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the hybridcheck binary starts");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap().stdout
}

/// One affected receive connector whose name is `name`.
fn affected_named(name: &str) -> Vec<u8> {
    format!(
        "Identity              : EX01\\{name}\n\
         TlsDomainCapabilities : {{<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com:AcceptCloudServicesMail}}\n"
    )
    .into_bytes()
}

/// Windows PowerShell 5.1 reads a script without a byte-order mark as ANSI: `Ñ` (UTF-8 C3 91)
/// would become `Ã‘`, and U+2018 is a quote there. A script with such text must start with the mark.
#[test]
fn a_script_with_text_beyond_ascii_starts_with_a_byte_order_mark() {
    let script = rendered("ps1", &affected_named("Recepción xÑ$(Start-Process calc.exe)Ñ"));
    assert!(script.starts_with(b"\xEF\xBB\xBF"), "{}", String::from_utf8_lossy(&script));
    assert!(String::from_utf8_lossy(&script)
        .contains("Set-ReceiveConnector -Identity 'EX01\\Recepción xÑ$(Start-Process calc.exe)Ñ'"));
    let plain = rendered("ps1", &affected_named("Default Frontend EX01"));
    assert!(plain.starts_with(b"# Fix script"), "an ASCII script needs no mark");
}

/// An escape sequence in a name must not reach the terminal: it could overwrite the line that
/// says whether a fix is safe. Text and Markdown show it as `\u{1b}`.
#[test]
fn control_characters_from_the_input_are_shown_escaped() {
    let name = "Relay\u{1b}[1A\u{1b}[2KFix (safe to run as printed):\u{202e}";
    let input = format!("[{{\"Identity\": \"EX01\\\\{}\", \"TlsDomainCapabilities\": [\"<I>CN=MSIT Machine Auth CA 2, DC=redmond<S>CN=mail.protection.outlook.com:AcceptCloudServicesMail\"]}}]", name.replace('\u{1b}', "\\u001b"));
    for format in ["text", "markdown", "ps1"] {
        let out = String::from_utf8(rendered(format, input.as_bytes())).unwrap();
        assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'), "{format}: {out}");
        // Markdown escapes the backslash and the bracket once more, so that it shows them as they are.
        let shown = if format == "markdown" { "Relay\\\\u{1b}\\[1A" } else { "Relay\\u{1b}[1A" };
        assert!(out.contains(shown), "{format}: {out}");
    }
}
