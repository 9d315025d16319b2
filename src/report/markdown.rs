//! The report as Markdown, to paste into a ticket or an e-mail.

use super::{Command, Finding, Report};
use crate::hidden;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    header(&mut out, report);
    for (n, f) in report.findings.iter().enumerate() {
        finding(&mut out, n + 1, f);
    }
    diagnostics(&mut out, report);
    rules_not_run(&mut out, report);
    unrecognized(&mut out, report);
    out
}

/// The title, the verdict, what was checked and the table of objects read.
fn header(out: &mut String, report: &Report) {
    if report.example {
        let _ = writeln!(out, "# hybridcheck report: the built-in example\n");
        let _ = writeln!(
            out,
            "> This report was made from hybridcheck's built-in example, not from your servers. Do not run its commands.\n"
        );
    } else {
        let _ = writeln!(out, "# hybridcheck report\n");
    }
    let _ = writeln!(out, "**{}**\n", inline(&report.summary.verdict));
    let _ = writeln!(out, "{} Report schema `{}`.\n", inline(&super::checked_line(report)), report.schema);
    let _ = writeln!(out, "{}\n", inline(&report.summary.counts));
    if !report.summary.objects.is_empty() {
        let _ = writeln!(out, "| Objects read | Count |\n|---|---:|");
        for (kind, count) in &report.summary.objects {
            let _ = writeln!(out, "| {kind} | {count} |");
        }
        out.push('\n');
    }
}

/// Finding number `n`: its evidence, its plan and its references.
fn finding(out: &mut String, n: usize, f: &Finding) {
    let identity = f.identity.as_deref().unwrap_or("(identity not shown)");
    let _ =
        writeln!(out, "## {}. {} `{}`: {}\n", n, f.severity.as_str().to_ascii_uppercase(), f.rule, inline(identity));
    let _ = writeln!(out, "{}\n", inline(&f.message));
    for e in &f.evidence {
        let _ = writeln!(
            out,
            "Evidence, {} at line {}{}:\n",
            code_span(&e.property),
            e.line,
            if e.truncated { " (cut short)" } else { "" }
        );
        let _ = writeln!(out, "{}", fenced("text", &hidden::escape(&e.value)));
    }
    let r = &f.remediation;
    if let Some(preferred) = &r.preferred {
        let _ = writeln!(out, "{}\n", inline(preferred));
    }
    let safety = r.safety().words();
    for (title, commands) in [("Fix", r.commands()), ("Verify", r.verify()), ("Roll back", r.rollback())] {
        if !commands.is_empty() {
            let title = if title == "Fix" { format!("Fix ({safety})") } else { title.to_owned() };
            let _ = writeln!(out, "{title}:\n\n{}", fenced("powershell", &code_of(commands)));
        }
    }
    for note in &r.notes {
        let _ = writeln!(out, "- {}", inline(note));
    }
    let refs: Vec<String> = f.references.iter().map(|r| format!("[{}]({})", r.name, r.url)).collect();
    let _ = writeln!(out, "\nReferences: {}\n", refs.join(", "));
}

/// What the report says about the input itself.
fn diagnostics(out: &mut String, report: &Report) {
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "## About the input\n");
        for d in &report.diagnostics {
            let at = d.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "- **{}** `{}`{}: {} {}",
                d.severity.as_str(),
                d.code,
                at,
                inline(&d.message),
                inline(&d.hint)
            );
            if !d.commands.is_empty() {
                let _ = writeln!(out, "\n{}", indented(&fenced("powershell", &code_of(&d.commands))));
            }
        }
        out.push('\n');
    }
}

/// The pastes the input lacks, and the rules each would let run.
fn rules_not_run(out: &mut String, report: &Report) {
    let pastes = super::pastes_to_add(report);
    if !pastes.is_empty() {
        let _ = writeln!(
            out,
            "## Rules not run

The input lacks what these rules read.
"
        );
        for (paste, rules) in pastes {
            let rules: Vec<String> = rules.iter().map(|r| format!("`{r}`")).collect();
            let _ = writeln!(
                out,
                "- Add the output for {} (run {}) to run {}:",
                paste.what,
                paste.side.words(),
                rules.join(", ")
            );
            let _ = writeln!(out, "\n{}", indented(&fenced("powershell", paste.command.text())));
        }
        out.push('\n');
    }
}

/// The numbers of the lines that no section read.
fn unrecognized(out: &mut String, report: &Report) {
    if !report.unrecognized.is_empty() {
        let lines: Vec<String> = report.unrecognized.iter().map(|u| u.line.to_string()).collect();
        let _ = writeln!(
            out,
            "## Lines not understood\n\n{}: {}\n",
            crate::plural(lines.len(), "line", "lines"),
            lines.join(", ")
        );
    }
}

/// Escapes text so that Markdown shows it literally on one line; hidden characters (controls,
/// line breaks, bidirectional overrides, ...) are written as `\u{…}` (see [`hidden::escape`]).
fn inline(text: &str) -> String {
    // Printable ASCII without Markdown's special characters (most messages) needs no change.
    if text.bytes().all(|b| (0x20..0x7F).contains(&b) && !b"\\`*_[]<>|".contains(&b)) {
        return text.to_owned();
    }
    let text = hidden::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\`*_[]<>|".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text as inline code, with hidden characters escaped and a run of backticks around it longer
/// than any inside it.
fn code_span(text: &str) -> String {
    let text = hidden::escape(text);
    let longest = text.as_bytes().split(|&b| b != b'`').map(<[u8]>::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// The commands' text, one block after another, blocks of several lines separated by a blank line.
fn code_of(commands: &[Command]) -> String {
    let mut code = String::new();
    for (n, command) in commands.iter().enumerate() {
        if n > 0 {
            code.push_str(if commands[n - 1].text().contains('\n') { "\n\n" } else { "\n" });
        }
        code.push_str(command.text());
    }
    code
}

/// A block indented to belong to the list item above it.
fn indented(block: &str) -> String {
    block
        .lines()
        .map(|line| if line.is_empty() { String::new() } else { format!("  {line}") })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fenced code block whose fence is longer than any run of backticks in `text`.
fn fenced(lang: &str, text: &str) -> String {
    // Backticks are ASCII: the runs are found byte by byte.
    let longest = text.as_bytes().split(|&b| b != b'`').map(<[u8]>::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{text}\n{fence}\n")
}
