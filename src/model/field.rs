//! One property of an object as a view reads it: its value, the line that shows it, and what
//! decides whether the value may be judged or written into a command.

use super::Object;
use crate::formats::{ends_with_cut_mark, strip_cut_mark, Prop, Record, Value};
use crate::source::{trim, LineNo};

/// A property the input showed, with its line and its flags: cut (`truncated`), white space
/// guessed at a wrap (`inexact`), not the current value (`not_current`), and, asked only where a
/// value would otherwise be reported, whether it looks redacted (`hidden`).
#[derive(Clone, Copy, Debug)]
pub struct Field<'a>(pub(super) &'a Prop);

impl<'a> Field<'a> {
    /// The property's name as the input showed it (`RequireTLS` or `RequireTls`).
    pub fn name(self) -> &'a str {
        &self.0.name
    }

    pub fn value(self) -> &'a Value {
        &self.0.value
    }

    /// The line where the value starts.
    pub fn line(self) -> LineNo {
        self.0.line
    }

    /// The value was cut: `{a, b...}` or `...` in a table cell.
    pub fn truncated(self) -> bool {
        self.0.truncated
    }

    /// White space at line-wrap points had to be guessed.
    pub fn inexact(self) -> bool {
        self.0.inexact
    }

    /// The input quotes the value in part or as it was (see `formats::Prop::not_current`).
    pub fn not_current(self) -> bool {
        self.0.not_current
    }

    /// Export-Csv wrote a type name instead of the values.
    pub fn is_lost(self) -> bool {
        matches!(self.0.value, Value::Lost(_))
    }

    /// The text, trimmed; `None` when empty or not text.
    pub fn text(self) -> Option<&'a str> {
        self.0.value.as_text().map(trim).filter(|s| !s.is_empty())
    }

    /// The text when the input showed it whole, exactly and as it is now: not cut, with no white
    /// space guessed at a line wrap, not a quote or an old copy (`not_current`). Only such text
    /// may be written into a command.
    pub fn exact_text(self) -> Option<&'a str> {
        if self.0.truncated || self.0.inexact || self.0.not_current {
            return None;
        }
        self.0.value.as_text().map(trim).filter(|s| !s.is_empty() && !ends_with_cut_mark(s))
    }

    /// A True/False value (`True`, `$true`, `1`), or `None` when unreadable.
    pub fn flag(self) -> Option<bool> {
        match self.text()?.trim_start_matches('$').to_ascii_lowercase().as_str() {
            "true" | "1" => Some(true),
            "false" | "0" => Some(false),
            _ => None,
        }
    }

    /// The items of a multi-valued property: a structured list, or the `{a, b}` display split at
    /// `, `. Only for properties whose items never contain `, ` themselves (server names, address
    /// spaces).
    pub fn items(self) -> Vec<String> {
        match &self.0.value {
            Value::List(items) => items
                .iter()
                .filter_map(|v| v.as_text().or_else(|| v.field("Name").and_then(Value::as_text)))
                .map(|s| s.trim().to_owned())
                .collect(),
            Value::Text(text) => {
                let text = text.trim();
                let text = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(text);
                strip_cut_mark(text).split(", ").map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
            }
            value @ Value::Object(_) => value
                .as_text()
                .or_else(|| value.field("Name").and_then(Value::as_text))
                .map(|s| vec![s.trim().to_owned()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The part of the value that looks hidden by the person who pasted it (see
    /// `model::redaction`): such a value is never judged or written into a command. Asked only
    /// where the value would otherwise be reported: a large paste names one value thousands of times.
    pub fn hidden(self) -> Option<String> {
        super::redaction::hidden_in(&self.0.value)
    }

    /// The value as the input showed it, for evidence: a list's items joined by `, `, a lost
    /// list's type name.
    pub fn shown(self) -> String {
        match &self.0.value {
            Value::Null => String::new(),
            Value::List(items) => items.iter().filter_map(Value::as_text).collect::<Vec<_>>().join(", "),
            Value::Lost(type_name) => type_name.to_string(),
            other => other.as_text().unwrap_or_default().to_owned(),
        }
    }
}

/// The line of a field, or `otherwise` when the input did not show it.
pub fn line_or(field: Option<Field>, otherwise: LineNo) -> LineNo {
    field.map_or(otherwise, Field::line)
}

/// Reads the fields of one object for a view, by the names the view lists in its `PROPERTIES`:
/// the parsers keep only listed properties, so a debug build asserts that every name read is one.
pub(super) struct Reader<'a> {
    record: &'a Record,
    listed: &'static [&'static str],
}

impl<'a> Reader<'a> {
    pub(super) fn new(object: &'a Object, listed: &'static [&'static str]) -> Reader<'a> {
        Reader { record: &object.record, listed }
    }

    /// The property `name`, when the input showed it.
    pub(super) fn get(&self, name: &str) -> Option<Field<'a>> {
        debug_assert!(
            self.listed.iter().any(|listed| listed.eq_ignore_ascii_case(name)),
            "a view reads {name}, which its PROPERTIES do not list"
        );
        self.record.get(name).map(Field)
    }
}
