//! The command-line tool end to end: a file given by name, the same bytes on standard input, a
//! UTF-16 file, an empty file and a missing one. The report must not depend on how the bytes arrived.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_hybridcheck");

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/samples").join(name)
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

/// Runs the CLI at a terminal: a pseudo-terminal made by util-linux `script`, which is given
/// `keys` as typed. `COLUMNS` sets the width the CLI wraps to. Returns what the terminal showed,
/// standard error and output together, with the terminal's CR LF line ends made LF.
#[cfg(target_os = "linux")]
fn at_terminal(args: &str, columns: usize, keys: &[u8]) -> String {
    let command = format!("COLUMNS={columns} '{BIN}' --now 2026-11-28 {args}");
    let mut child = Command::new("timeout")
        .args(["20", "script", "-qec", &command, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("util-linux `script` runs (apt-get install util-linux)");
    child.stdin.take().unwrap().write_all(keys).unwrap();
    let output = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n")
}

/// With nothing named and standard input at a terminal, the CLI says on standard error what it
/// waits for, before it waits; Ctrl+D (typed here as the EOF character) ends the input.
#[cfg(target_os = "linux")]
#[test]
fn at_a_terminal_without_a_file_it_says_it_reads_standard_input() {
    let shown = at_terminal("", 100, b"\x04");
    let first = shown.lines().next().unwrap_or("");
    assert!(first.starts_with("hybridcheck: reading the shell's output from standard input"), "{shown}");
    assert!(first.contains("Ctrl+D") && first.contains("Ctrl+Z") && first.contains("--help"), "{first}");
    // From a pipe or a file, it says nothing of the kind.
    let piped = Command::new(BIN).args(["--now", "2026-11-28", "-"]).stdin(Stdio::null()).output().unwrap();
    assert!(!String::from_utf8_lossy(&piped.stderr).contains("reading"), "{:?}", piped);
}

/// At a terminal, prose is wrapped to its width, commands are never wrapped (a wrapped command
/// copied from the terminal would be two commands), and the verdict is repeated at the end.
#[cfg(target_os = "linux")]
#[test]
fn at_a_terminal_prose_is_wrapped_to_its_width_and_commands_are_not() {
    let columns = 72;
    let shown = at_terminal("--example", columns, b"");
    let report: serde_json::Value = serde_json::from_slice(
        &Command::new(BIN).args(["--now", "2026-11-28", "--format", "json", "--example"]).output().unwrap().stdout,
    )
    .unwrap();
    let plain = strip_colours(&shown);
    let mut commands: Vec<&str> = Vec::new();
    for finding in report["findings"].as_array().unwrap() {
        for list in ["commands", "verify", "rollback"] {
            for command in finding["remediation"][list].as_array().unwrap() {
                commands.extend(command.as_str().unwrap().lines());
            }
        }
    }
    for not_run in report["rules_not_run"].as_array().unwrap() {
        for missing in not_run["missing"].as_array().unwrap() {
            commands.extend(missing["command"].as_str().unwrap().lines());
        }
    }
    assert!(commands.iter().any(|c| c.len() > columns), "the example has commands wider than the terminal");
    for command in &commands {
        assert!(
            plain.lines().any(|l| l.trim_start() == *command),
            "command not shown whole on one line: {command}\n{plain}"
        );
    }
    for line in plain.lines() {
        let is_command = commands.iter().any(|c| line.trim_start() == *c);
        let is_url = line.trim_start().starts_with("See ");
        let long_word = line.trim().split(' ').any(|w| w.chars().count() > columns / 2);
        if !is_command && !is_url && !long_word {
            assert!(line.chars().count() < columns, "line wider than {columns} columns: {line:?}");
        }
    }
    let verdict = report["summary"]["verdict"].as_str().unwrap();
    let closing = plain.trim_end().rsplit("\n\n").next().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    let counts = report["summary"]["counts"].as_str().unwrap();
    assert_eq!(closing, format!("hybridcheck: {verdict} {counts}"), "{plain}");
}

#[cfg(target_os = "linux")]
fn strip_colours(text: &str) -> String {
    let mut out = String::new();
    let mut in_escape = false;
    for c in text.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, c) => out.push(c),
        }
    }
    out
}

/// `--help` shows every part of the collector, the same commands as the page's (both come from
/// `hybridcheck::collector`), and each part's commands are the lines of one block.
#[test]
fn help_shows_every_part_of_the_collector() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let parts = hybridcheck::collector();
    assert!(parts.len() >= 3, "on premises, each server and Exchange Online: {parts:?}");
    for part in parts {
        let block: Vec<String> = part.script.lines().map(|l| format!("    {l}")).collect();
        assert!(help.contains(&block.join("\n")), "--help lacks the part {:?}:\n{help}", part.side);
    }
}

/// The terminal's words: counts agree with their nouns, and nothing speaks of pasting or
/// dropping files, which a terminal does not do.
#[test]
fn terminal_wording_has_right_plurals_and_no_words_of_the_page() {
    let help = Command::new(BIN).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for text in [
        help.as_str(),
        &String::from_utf8(rendered("text", b"\n")).unwrap(),
        &String::from_utf8(rendered("text", b"just one line of something else\n")).unwrap(),
    ] {
        let lower = text.to_lowercase();
        assert!(!lower.contains("paste") && !lower.contains("drop a file"), "{text}");
        assert!(!text.contains("1 lines") && !text.contains("1 objects") && !text.contains("(s)"), "{text}");
    }
    let one_line = String::from_utf8(rendered("text", b"just one line of something else\n")).unwrap();
    assert!(one_line.contains("(utf-8, 1 line)") && one_line.contains("Lines not understood (1 line)"), "{one_line}");
    let usage = Command::new(BIN).arg("--format").output().unwrap();
    let usage = String::from_utf8_lossy(&usage.stderr);
    assert!(usage.contains("--format needs a value") && !usage.contains("not nothing"), "{usage}");
}

/// The example is labelled as the example in every output, and its script refuses to run: it
/// names servers and connectors that exist in many organisations.
#[test]
fn the_example_says_it_is_the_example_everywhere() {
    let output = |format: &str| {
        let out = Command::new(BIN).args(["--now", "2026-11-28", "--example", "--format", format]).output().unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let report: serde_json::Value = serde_json::from_str(&output("json")).unwrap();
    assert_eq!(report["example"], true);
    assert_eq!(report["checked_on"], "2026-11-28");
    assert!(report["summary"]["verdict"].as_str().unwrap().starts_with("Built-in example, not your servers:"));
    let script = output("ps1");
    assert!(script.starts_with("throw '"), "{script}");
    assert!(output("markdown").starts_with("# hybridcheck report: the built-in example\n"));
    assert!(output("text").starts_with(&format!("hybridcheck {}: Built-in example", hybridcheck::VERSION)));
    // A paste is not the example, even of the same text.
    let pasted = Command::new(BIN)
        .args(["--now", "2026-11-28", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    pasted.stdin.as_ref().unwrap().write_all(hybridcheck::EXAMPLE.as_bytes()).unwrap();
    let pasted: serde_json::Value = serde_json::from_slice(&pasted.wait_with_output().unwrap().stdout).unwrap();
    assert_eq!(pasted["example"], false);
    assert!(!rendered("ps1", hybridcheck::EXAMPLE.as_bytes()).starts_with(b"throw"));
}
