//! The report for people at a terminal.
//!
//! Every text that came from the input (identities, values, messages that quote them, file names)
//! passes through [`shown`], which writes control, format and other hidden characters as `\u{…}`:
//! an escape sequence in a server name must never move the cursor or recolour the screen.
//!
//! Prose is wrapped to the terminal's width when one is given; commands never are, so that a
//! command copied from the terminal is the command, not two lines of it.

use super::{Command, Finding, Report, Severity};
use crate::formats::Format;
use crate::hidden;
use crate::plural;
use std::borrow::Cow;

/// Text from the report as a terminal may show it.
fn shown(text: &str) -> Cow<'_, str> {
    hidden::escape(text)
}

/// Renders the report as plain text; `color` adds ANSI colours for a terminal. Prose is not wrapped.
pub fn render(report: &Report, color: bool) -> String {
    render_to_width(report, color, None)
}

/// Renders the report as plain text, with prose wrapped to `width` columns when it is given.
pub fn render_to_width(report: &Report, color: bool, width: Option<usize>) -> String {
    let paint = |code: &str, text: &str| if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() };
    let out = &mut Writer { text: String::new(), width };
    let name = paint("1", "hybridcheck");
    out.prose("", "  ", &format!("{name} {}: {}", report.tool.version, shown(&report.summary.verdict)));
    out.prose("", "  ", &shown(&super::checked_line(report)));
    for (n, finding) in report.findings.iter().enumerate() {
        out.blank();
        write_finding(out, n + 1, finding, &paint);
    }
    if !report.diagnostics.is_empty() {
        out.blank();
        out.line(&paint("1", "About the input"));
        for d in &report.diagnostics {
            let at = d.line.map(|l| format!(" (line {l})")).unwrap_or_default();
            out.prose(
                "  ",
                "    ",
                &format!("{} {}{}: {}", severity(d.severity, &paint), d.code, at, shown(&d.message)),
            );
            if !d.hint.is_empty() {
                out.prose("    ", "      ", &format!("What to do: {}", shown(&d.hint)));
            }
            write_commands(out, "      ", &d.commands);
        }
    }
    write_rules_not_run(out, report, &paint);
    if !report.unrecognized.is_empty() {
        out.blank();
        out.line(&format!(
            "{} ({}):",
            paint("1", "Lines not understood"),
            plural(report.unrecognized.len(), "line", "lines")
        ));
        for u in report.unrecognized.iter().take(20) {
            out.line(&format!("  {:>6} | {}", u.line, shown(&u.text)));
        }
        if report.unrecognized.len() > 20 {
            out.line(&format!("  ... and {} more (see --format json)", report.unrecognized.len() - 20));
        }
    }
    out.blank();
    out.line(&paint("1", "What was read"));
    for input in &report.inputs {
        out.line(&format!(
            "  {} ({}, {})",
            shown(&input.name),
            input.encoding.as_str(),
            plural(input.lines as usize, "line", "lines")
        ));
        for s in input
            .sections
            .iter()
            .filter(|s| !matches!(s.format, Format::Prompt | Format::Transcript | Format::Markdown))
        {
            out.line(&format!(
                "    lines {}-{}: {} as {} ({})",
                s.first_line,
                s.last_line,
                shown(s.cmdlet.as_deref().unwrap_or("unknown cmdlet")),
                s.format.as_str(),
                plural(s.objects, "object", "objects")
            ));
        }
    }
    // The verdict again at the end, where a long report leaves the reader.
    out.blank();
    out.prose("", "  ", &format!("{name}: {}", shown(&report.summary.verdict)));
    out.prose("", "  ", &shown(&report.summary.counts));
    std::mem::take(&mut out.text)
}

/// The outputs the input lacks, each with the rules it would let run and its command.
fn write_rules_not_run(out: &mut Writer, report: &Report, paint: &dyn Fn(&str, &str) -> String) {
    let pastes = super::pastes_to_add(report);
    if pastes.is_empty() {
        return;
    }
    out.blank();
    out.line(&paint("1", "Rules not run (the input lacks what they read)"));
    for (paste, rules) in pastes {
        let words =
            format!("Add the output for {} (run {}) to run {}:", paste.what, paste.side.words(), rules.join(", "));
        out.prose("  ", "    ", &words);
        write_commands(out, "      ", std::slice::from_ref(&paste.command));
    }
}

/// The text being written, and the width to wrap prose to.
struct Writer {
    text: String,
    width: Option<usize>,
}

impl Writer {
    fn blank(&mut self) {
        self.text.push('\n');
    }

    /// A line as it is, never wrapped.
    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// A paragraph: `first` indents its first line, `rest` the lines a wrap makes. Lines break
    /// only at spaces, which a break replaces; other runs of spaces are kept as they are (they may
    /// be part of a value from the input). A word longer than the width is not split.
    fn prose(&mut self, first: &str, rest: &str, text: &str) {
        self.text.push_str(first);
        let Some(width) = self.width else {
            self.text.push_str(text);
            self.text.push('\n');
            return;
        };
        let mut words = text.split(' ');
        let head = words.next().unwrap_or("");
        self.text.push_str(head);
        let (mut column, mut line_empty) = (first.chars().count() + visible_len(head), head.is_empty());
        let mut gap = 0;
        for word in words {
            gap += 1;
            if word.is_empty() {
                continue;
            }
            let len = visible_len(word);
            if !line_empty && column + gap + len > width {
                self.text.push('\n');
                self.text.push_str(rest);
                column = rest.chars().count();
            } else {
                self.text.extend(std::iter::repeat_n(' ', gap));
                column += gap;
            }
            self.text.push_str(word);
            column += len;
            line_empty = false;
            gap = 0;
        }
        self.text.push('\n');
    }
}

/// The columns a word takes: its characters, without the ANSI colour codes painted around it.
fn visible_len(word: &str) -> usize {
    let mut len = 0;
    let mut in_escape = false;
    for c in word.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (true, _) => {}
            (false, _) => len += 1,
        }
    }
    len
}

fn write_finding(out: &mut Writer, n: usize, f: &Finding, paint: &dyn Fn(&str, &str) -> String) {
    let identity = shown(f.identity.as_deref().unwrap_or("(identity not shown)"));
    out.prose(
        "",
        "   ",
        &format!("{n}. {} {}  {}  (line {})", severity(f.severity, paint), f.rule, paint("1", &identity), f.line),
    );
    out.prose("   ", "   ", &shown(&f.message));
    for e in &f.evidence {
        out.prose(
            "   ",
            "     ",
            &format!(
                "Evidence, {} (line {}{}): {}",
                shown(&e.property),
                e.line,
                if e.truncated { ", cut short" } else { "" },
                shown(&e.value)
            ),
        );
    }
    let r = &f.remediation;
    if let Some(preferred) = &r.preferred {
        out.prose("   ", "   ", &shown(preferred));
    }
    let safety = r.safety().words();
    for (title, commands) in [("Fix", r.commands()), ("Verify", r.verify()), ("Roll back", r.rollback())] {
        if commands.is_empty() {
            continue;
        }
        let title = if title == "Fix" { format!("Fix ({safety})") } else { title.to_owned() };
        out.line(&format!("   {title}:"));
        write_commands(out, "     ", commands);
    }
    for note in &r.notes {
        out.prose("   ", "         ", &format!("Note: {}", shown(note)));
    }
    for reference in &f.references {
        out.line(&format!("   See {}: {}", reference.name, reference.url));
    }
}

/// Writes commands one under the other, never wrapped; the lines of a block stay together, and a
/// blank line separates one block from the next.
fn write_commands(out: &mut Writer, indent: &str, commands: &[Command]) {
    for (n, command) in commands.iter().enumerate() {
        if n > 0 && commands[n - 1].text().contains('\n') {
            out.blank();
        }
        for line in command.text().lines() {
            out.line(&format!("{indent}{}", shown(line)));
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
