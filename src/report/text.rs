//! The report for people at a terminal.
//!
//! Every text that came from the input (identities, values, messages that quote them, file names)
//! passes through [`shown`], which writes control, format and other hidden characters as `\u{…}`:
//! an escape sequence in a server name must never move the cursor or recolour the screen.

use super::{Command, Finding, Report, Severity};
use crate::formats::Format;
use crate::hidden;
use std::borrow::Cow;
use std::fmt::Write;

/// Text from the report as a terminal may show it.
fn shown(text: &str) -> Cow<'_, str> {
    hidden::escape(text)
}

/// Renders the report as plain text; `color` adds ANSI colours for a terminal.
pub fn render(report: &Report, color: bool) -> String {
    let paint = |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
    let mut out = String::new();
    let _ = writeln!(out, "{} {}: {}", paint("1", "hybridcheck"), report.tool.version, shown(&report.summary.verdict));
    for (n, finding) in report.findings.iter().enumerate() {
        out.push('\n');
        write_finding(&mut out, n + 1, finding, &paint);
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", paint("1", "About the input"));
        for d in &report.diagnostics {
            let at = d.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            let _ = writeln!(out, "  {} {}{}: {}", severity(d.severity, &paint), d.code, at, shown(&d.message));
            let _ = writeln!(out, "    What to do: {}", shown(&d.hint));
            write_commands(&mut out, "      ", &d.commands);
        }
    }
    if !report.unrecognized.is_empty() {
        let _ = writeln!(
            out,
            "\n{} ({} line{}):",
            paint("1", "Lines not understood"),
            report.unrecognized.len(),
            if report.unrecognized.len() == 1 { "" } else { "s" }
        );
        for u in report.unrecognized.iter().take(20) {
            let _ = writeln!(out, "  {:>6} | {}", u.line, shown(&u.text));
        }
        if report.unrecognized.len() > 20 {
            let _ = writeln!(out, "  ... and {} more (see --format json)", report.unrecognized.len() - 20);
        }
    }
    let _ = writeln!(out, "\n{}", paint("1", "What was read"));
    for input in &report.inputs {
        let _ = writeln!(out, "  {} ({}, {} lines)", shown(&input.name), input.encoding.as_str(), input.lines);
        for s in input
            .sections
            .iter()
            .filter(|s| !matches!(s.format, Format::Prompt | Format::Transcript | Format::Markdown))
        {
            let _ = writeln!(
                out,
                "    lines {}-{}: {} as {} ({} object{})",
                s.first_line,
                s.last_line,
                shown(s.cmdlet.as_deref().unwrap_or("unknown cmdlet")),
                s.format.as_str(),
                s.objects,
                if s.objects == 1 { "" } else { "s" }
            );
        }
    }
    out
}

fn write_finding(out: &mut String, n: usize, f: &Finding, paint: &dyn Fn(&str, &str) -> String) {
    let identity = shown(f.identity.as_deref().unwrap_or("(identity not shown)"));
    let _ =
        writeln!(out, "{n}. {} {}  {}  (line {})", severity(f.severity, paint), f.rule, paint("1", &identity), f.line);
    let _ = writeln!(out, "   {}", shown(&f.message));
    for e in &f.evidence {
        let _ = writeln!(
            out,
            "   Evidence, {} (line {}{}): {}",
            shown(&e.property),
            e.line,
            if e.truncated { ", cut short" } else { "" },
            shown(&e.value)
        );
    }
    let r = &f.remediation;
    if let Some(preferred) = &r.preferred {
        let _ = writeln!(out, "   {}", shown(preferred));
    }
    let safety = r.safety().words();
    for (title, commands) in [("Fix", r.commands()), ("Verify", r.verify()), ("Roll back", r.rollback())] {
        if commands.is_empty() {
            continue;
        }
        let title = if title == "Fix" { format!("Fix ({safety})") } else { title.to_owned() };
        let _ = writeln!(out, "   {title}:");
        write_commands(out, "     ", commands);
    }
    for note in &r.notes {
        let _ = writeln!(out, "   Note: {}", shown(note));
    }
    for reference in &f.references {
        let _ = writeln!(out, "   See {}: {}", reference.name, reference.url);
    }
}

/// Writes commands one under the other; the lines of a block stay together, and a blank line
/// separates one block from the next.
fn write_commands(out: &mut String, indent: &str, commands: &[Command]) {
    for (n, command) in commands.iter().enumerate() {
        if n > 0 && commands[n - 1].text().contains('\n') {
            out.push('\n');
        }
        for line in command.text().lines() {
            let _ = writeln!(out, "{indent}{}", shown(line));
        }
    }
}

fn severity(s: Severity, paint: &dyn Fn(&str, &str) -> String) -> String {
    match s {
        Severity::Error => paint("1;31", "ERROR"),
        Severity::Warning => paint("1;33", "WARNING"),
        Severity::Info => paint("1;36", "INFO"),
    }
}
