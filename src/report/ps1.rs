//! One PowerShell script with every fix, for review and for running in the Exchange Management Shell.
//!
//! Text from the input appears only in `#` comments, with hidden characters written as `\u{…}`
//! (see [`hidden::escape`]), so nothing in it can end a comment line or reorder what a reader sees.
//! Windows PowerShell 5.1 reads a script without a byte-order mark in the ANSI code page, where
//! bytes of UTF-8 text can turn into quote characters: whoever writes the script to a file must
//! start it with [`BYTE_ORDER_MARK`] when [`needs_byte_order_mark`] says so (the CLI and the page
//! both do).

use super::{Command, Report};
use crate::hidden;
use std::fmt::Write;

/// The UTF-8 byte-order mark, as text.
pub const BYTE_ORDER_MARK: &str = "\u{FEFF}";

/// True when a script file must start with the byte-order mark: it holds text beyond ASCII.
pub fn needs_byte_order_mark(script: &str) -> bool {
    !script.is_ascii()
}

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    if report.example {
        let _ = writeln!(out, "{}", crate::remediation::collect::example_guard());
    }
    let _ =
        writeln!(out, "# Fix script written by hybridcheck {} (report schema {}).", report.tool.version, report.schema);
    let _ = writeln!(out, "# {}", comment(&super::checked_line(report)));
    let _ = writeln!(out, "# {}", comment(&report.summary.verdict));
    let _ = writeln!(out, "# Read it before you run it, in the Exchange Management Shell. Each fix is followed by the");
    let _ = writeln!(out, "# commands that verify it; the rollback commands are commented out.");
    let _ = writeln!(out, "{}", crate::remediation::collect::stop_on_errors());
    let with_commands = report.findings.iter().filter(|f| !f.remediation.commands().is_empty()).count();
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
        if r.commands().is_empty() {
            continue;
        }
        let _ = writeln!(out, "# Fix:");
        write_commands(&mut out, "", r.commands());
        let _ = writeln!(out, "# Verify:");
        write_commands(&mut out, "", r.verify());
        let _ = writeln!(out, "# Roll back (only if needed: remove the leading '# ' from each line and run):");
        write_commands(&mut out, "# ", r.rollback());
    }
    out
}

fn write_commands(out: &mut String, prefix: &str, commands: &[Command]) {
    for command in commands {
        for line in command.text().lines() {
            let _ = writeln!(out, "{prefix}{line}");
        }
    }
}

/// Makes text safe inside a `#` comment: nothing in it can end the comment line or hide.
fn comment(text: &str) -> String {
    hidden::escape(text).into_owned()
}
