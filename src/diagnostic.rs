//! What the stages say about the input: a [`Diagnostic`] with its [`Severity`], and how the
//! report writes a name from a fixed set ([`fixed_name`]).
//!
//! This module sits at the bottom: the parsers (`formats`), the rules and the report all use
//! it, and it uses none of them. The report re-exports its types, which are part of the
//! report's schema.

use crate::remediation::command::Command;
use crate::source::LineNo;
use serde::Serialize;

/// How much a finding or a note about the input matters, in the report's order: errors first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A note about the input (as opposed to a finding about the servers), with a hint of what to
/// paste or run instead.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub input: usize,
    pub line: Option<LineNo>,
    /// What happened, in one sentence.
    pub message: String,
    /// What to paste or run instead, in words.
    pub hint: String,
    /// The commands the hint asks to run, in order, each ready to copy. They are data beside the
    /// hint's words, so nothing ever has to recover a command from prose.
    pub commands: Vec<Command>,
}

impl Diagnostic {
    /// A diagnostic whose hint needs no command.
    pub fn new(
        code: &'static str,
        severity: Severity,
        input: usize,
        line: Option<LineNo>,
        message: String,
        hint: String,
    ) -> Diagnostic {
        Diagnostic { code, severity, input, line, message, hint, commands: Vec::new() }
    }

    /// A diagnostic located at `line` of the input being parsed, as a format parser makes it:
    /// parsers do not know which input they read, and the check sets `input` afterwards.
    pub fn at_line(code: &'static str, severity: Severity, line: LineNo, message: String, hint: String) -> Diagnostic {
        Diagnostic::new(code, severity, 0, Some(line), message, hint)
    }

    /// The diagnostic with the commands its hint asks to run.
    pub fn with_commands(mut self, commands: Vec<Command>) -> Diagnostic {
        self.commands = commands;
        self
    }
}

/// Writes a name from a fixed set (an object kind, a rule id, a format) as a unit variant.
/// JSON writes a unit variant as its name, so the report is the same; serde-wasm-bindgen makes
/// the JS string of a unit variant once and reuses it, where a `str` is decoded into a new
/// JS string for each of the thousands of objects a large paste reports.
pub fn fixed_name<S: serde::Serializer>(name: &&'static str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_unit_variant("Name", 0, name)
}
