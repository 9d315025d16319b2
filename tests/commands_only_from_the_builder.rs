//! Command text is made only by the typed builder in `src/remediation/`.
//!
//! The builder's types hold the invariant for the code that uses them (a `Quoted` cannot be
//! formatted, literal code is `&'static str`); this test holds it for code that does not: no
//! `format!`, `write!` or `writeln!` outside `src/remediation/` may have a cmdlet name or a
//! PowerShell assignment in its format string, because such a string would be command text built
//! from whatever is interpolated into it.

#[path = "support/sources.rs"]
mod sources;

use sources::rust_files;
use std::fs;
use std::path::Path;

const MACROS: [&str; 3] = ["format!(", "write!(", "writeln!("];

const VERBS: [&str; 12] = [
    "Get-", "Set-", "Enable-", "Disable-", "New-", "Remove-", "Add-", "Test-", "Import-", "Export-", "Start-", "Stop-",
];

/// The format string of each formatting macro in `source`: the first string literal after the
/// macro's opening parenthesis (after the writer argument for `write!`), with its line number.
fn format_strings(source: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for name in MACROS {
        let mut from = 0;
        while let Some(at) = source[from..].find(name) {
            let start = from + at + name.len();
            from = start;
            // Skip to the first quote that opens a string literal (raw or plain).
            let Some(quote) = source[start..].find('"') else { continue };
            let literal_start = start + quote;
            let before = &source[start..literal_start];
            // A `format!("` directly, or `write!(out, "`: nothing but an argument and a comma before it.
            if before.contains(';') || before.contains('{') || before.lines().count() > 2 {
                continue;
            }
            let raw = before.trim_end().ends_with('r') || before.ends_with("r#");
            let text = literal(&source[literal_start + 1..], raw);
            let line = source[..literal_start].lines().count();
            found.push((line, text));
        }
    }
    found
}

/// The text of a string literal whose body starts `rest`, up to its closing quote.
fn literal(rest: &str, raw: bool) -> String {
    let mut text = String::new();
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !raw => {
                if let Some(next) = chars.next() {
                    text.push(next);
                }
            }
            '"' => break,
            c => text.push(c),
        }
    }
    text
}

/// True when a format string looks like command text: a cmdlet name followed by what only a
/// command has next (a parameter, a pipe, an argument), or an assignment to a variable. A cmdlet
/// named in prose ("files written by Export-Clixml") is not command text.
fn is_command_text(text: &str) -> bool {
    let cmdlet = VERBS.iter().any(|verb| {
        text.match_indices(verb).any(|(at, _)| {
            let before_ok = at == 0 || !text[..at].ends_with(|c: char| c.is_ascii_alphanumeric());
            let after = &text[at + verb.len()..];
            let noun = after.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(after.len());
            let next = &after[noun..];
            before_ok
                && after.starts_with(|c: char| c.is_ascii_uppercase())
                && [" -", " |", " {", " '", " $", " @"].iter().any(|s| next.starts_with(s))
        })
    });
    let assignment = text.contains("$") && text.contains(" = ");
    cmdlet || assignment
}

#[test]
fn no_command_text_is_formatted_outside_the_builder() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let builder = src.join("remediation");
    let mut offences = Vec::new();
    let mut strings = 0;
    for file in rust_files(&src) {
        if file.starts_with(&builder) {
            continue;
        }
        let source = fs::read_to_string(&file).unwrap();
        for (line, text) in format_strings(&source) {
            strings += 1;
            if is_command_text(&text) {
                offences.push(format!("{}:{line}: {text}", file.strip_prefix(&src).unwrap().display()));
            }
        }
    }
    assert!(strings > 50, "only {strings} format strings were found; the scan is broken");
    assert!(offences.is_empty(), "command text formatted outside src/remediation/:\n{}", offences.join("\n"));
}

#[test]
#[allow(clippy::disallowed_methods, reason = "tests are not in the page: the standard sort is fine")]
fn the_scan_finds_command_text() {
    let source = "let a = format!(\"Set-ReceiveConnector -Identity {id}\");\nlet _ = writeln!(out, \"$x = {y}\");\nlet c = format!(\"Preferred: rerun the wizard\");\nlet d = format!(\"a file written by Export-Clixml ({e})\");";
    let strings = format_strings(source);
    assert_eq!(strings.len(), 4, "{strings:?}");
    let mut flagged: Vec<&str> = strings.iter().filter(|(_, t)| is_command_text(t)).map(|(_, t)| t.as_str()).collect();
    flagged.sort();
    assert_eq!(flagged, ["$x = {y}", "Set-ReceiveConnector -Identity {id}"]);
}
