//! One PowerShell script with every fix, for review and for running in the Exchange Management Shell.

use super::Report;
use std::fmt::Write;

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    let _ =
        writeln!(out, "# Fix script written by hybridcheck {} (report schema {}).", report.tool.version, report.schema);
    let _ = writeln!(out, "# {}", comment(&report.summary.verdict));
    let _ = writeln!(out, "# Read it before you run it, in the Exchange Management Shell. Each fix is followed by the");
    let _ = writeln!(out, "# commands that verify it; the rollback commands are commented out.");
    let _ = writeln!(out, "$ErrorActionPreference = 'Stop'");
    let with_commands = report.findings.iter().filter(|f| !f.remediation.commands.is_empty()).count();
    if with_commands == 0 {
        let _ = writeln!(out, "\n# Nothing to fix: no finding came with commands.");
    }
    for (n, f) in report.findings.iter().enumerate() {
        let r = &f.remediation;
        let identity = f.identity.as_deref().unwrap_or("(identity not shown)");
        let _ = writeln!(
            out,
            "\n# ---- {}. {} {}: {} (input line {})",
            n + 1,
            f.severity.as_str(),
            f.rule,
            comment(identity),
            f.line
        );
        let _ = writeln!(out, "# {}", comment(&f.message));
        if let Some(preferred) = &r.preferred {
            let _ = writeln!(out, "# {}", comment(preferred));
        }
        for note in &r.notes {
            let _ = writeln!(out, "# Note: {}", comment(note));
        }
        if r.commands.is_empty() {
            continue;
        }
        let _ = writeln!(out, "# Fix:");
        for c in &r.commands {
            let _ = writeln!(out, "{c}");
        }
        let _ = writeln!(out, "# Verify:");
        for c in &r.verify {
            let _ = writeln!(out, "{c}");
        }
        let _ = writeln!(out, "# Roll back (only if needed: remove the leading '# ' and run):");
        for c in &r.rollback {
            let _ = writeln!(out, "# {c}");
        }
    }
    out
}

/// Makes text safe inside a `#` comment: nothing in it can end the comment line.
fn comment(text: &str) -> String {
    // Printable ASCII (nearly every comment) needs no change.
    if text.bytes().all(|b| (0x20..0x7F).contains(&b)) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') { '\u{FFFD}' } else { c })
        .collect()
}
