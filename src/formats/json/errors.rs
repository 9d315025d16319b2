//! Why reading stopped ([`Error`]), and the block and diagnostic of a document that broke off.

use super::parser::Parser;
use super::{is_space, records, Element, MAX_DEPTH};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::{Block, Format};
use crate::source::LineNo;

/// What to paste instead of a broken document.
const HINT: &str = "Paste the complete output of ConvertTo-Json: it starts with [ or { and ends with ] or }.";

/// Why reading stopped, and at which byte offset.
pub(super) struct Error {
    pub(super) at: usize,
    pub(super) problem: Problem,
}

pub(super) enum Problem {
    /// A character that cannot stand here; the text says what was expected instead.
    Unexpected(&'static str),
    /// The text ended before the document was complete; `opened` is where the unfinished part starts.
    End { missing: Missing, opened: usize },
    /// A line ended inside text in double quotes; `opened` is the offset of the opening quote.
    LineEndInString { opened: usize },
    /// Arrays and objects are nested deeper than [`MAX_DEPTH`] levels.
    TooDeep,
}

/// What the text lacked when it ended too early.
pub(super) enum Missing {
    Value,
    Bracket,
    Brace,
    Quote,
}

impl Parser<'_> {
    /// Builds the block of a document that broke off: the complete elements and one diagnostic.
    pub(super) fn fail(&self, start: LineNo, error: Error, elements: Vec<Element>) -> Block {
        let (line, message) = self.describe(&error);
        let mut block = Block::new(Format::ConvertToJson, start, line);
        let understood_end = elements.last().map_or(start, |e| e.last_line);
        block.understood.push((start, understood_end));
        block.records = records(elements);
        let hint = match error.problem {
            Problem::TooDeep => "Paste the ConvertTo-Json output of the connectors themselves, for example Get-ReceiveConnector | ConvertTo-Json -Depth 4, which is nested far less deeply.",
            _ => HINT,
        };
        block.diagnostics.push(Diagnostic::at_line(
            "malformed-json",
            Severity::Warning,
            line,
            message,
            hint.to_owned(),
        ));
        block
    }

    /// The line to report an error on, and a sentence that says what was wrong and where.
    fn describe(&self, error: &Error) -> (LineNo, String) {
        let line_of = |offset: usize| self.lines.line_of_offset(offset);
        match error.problem {
            Problem::Unexpected(expected) => {
                let found = self.char_at(error.at);
                let error_line = line_of(error.at);
                if self.starts_line(error.at) && error_line > line_of(self.from) {
                    // The line begins with something else: the JSON most likely stops at the line
                    // before and other output follows, so the block ends there.
                    let line = self.last_line_before(error.at);
                    let message = format!(
                        "The ConvertTo-Json output breaks off after line {line}: line {error_line} starts with `{found}` where {expected} was expected."
                    );
                    (line, message)
                } else {
                    let message = format!(
                        "Line {error_line} of the ConvertTo-Json output has `{found}` where {expected} was expected."
                    );
                    (error_line, message)
                }
            }
            Problem::End { ref missing, opened } => {
                let line = self.last_line_before(error.at);
                let opened_line = line_of(opened);
                let missing = match missing {
                    Missing::Value => "a value".to_owned(),
                    Missing::Bracket => format!("the closing ] of the list that starts on line {opened_line}"),
                    Missing::Brace => format!("the closing }} of the object that starts on line {opened_line}"),
                    Missing::Quote => format!("the closing double quote of the text that starts on line {opened_line}"),
                };
                (
                    line,
                    format!(
                        "The ConvertTo-Json output ends on line {line} before it is complete: {missing} is missing."
                    ),
                )
            }
            Problem::LineEndInString { opened } => {
                let line = line_of(opened);
                (line, format!("Line {line} of the ConvertTo-Json output ends inside text in double quotes: the closing quote is missing."))
            }
            Problem::TooDeep => {
                let line = line_of(error.at);
                (line, format!("The ConvertTo-Json output on line {line} is nested deeper than {MAX_DEPTH} levels, so it was not read further."))
            }
        }
    }

    /// The character at `offset`, shown so that control characters stay visible.
    fn char_at(&self, offset: usize) -> String {
        let c = self.src.text().get(offset..).and_then(|rest| rest.chars().next()).unwrap_or('\u{FFFD}');
        c.escape_debug().to_string()
    }

    /// True when only white space stands between the start of the line and `offset`.
    fn starts_line(&self, offset: usize) -> bool {
        self.bytes[self.from..offset].iter().rev().take_while(|&&b| b != b'\n').all(|&b| is_space(b))
    }

    /// The line of the last non-space byte before `offset` (at least the document's first line).
    fn last_line_before(&self, offset: usize) -> LineNo {
        let mut i = offset.min(self.limit);
        while i > self.from && is_space(self.bytes[i - 1]) {
            i -= 1;
        }
        self.lines.line_of_offset(i.saturating_sub(1).max(self.from))
    }
}
