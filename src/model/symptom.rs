//! An error text found in the input: not configuration, but what the admin saw (an NDR, a
//! queue's `LastError`, an event), which the `symptom` rule explains.

use super::{Kind, Object};
use crate::formats::symptom::Symptom;
use crate::source::LineNo;

/// What the symptom scan found on one line: its own type, carried by the line's object (of kind
/// `Symptom`), never a record of made-up properties.
#[derive(Clone, Debug)]
pub struct SymptomLine {
    /// Which known error text the line shows.
    pub symptom: &'static Symptom,
    /// The line, trimmed.
    pub text: Box<str>,
    /// How many lines of the input show this symptom, on the first line kept of it (the scan
    /// keeps only a few lines of each symptom, and counts the rest); `None` on the others.
    pub lines: Option<usize>,
}

/// One line that shows a known error text, as the rules read it (see `formats::symptom`).
#[derive(Clone, Copy, Debug)]
pub struct SymptomText<'a> {
    /// Which known error text the line shows.
    pub symptom: &'static Symptom,
    pub line: LineNo,
    /// The line, trimmed.
    pub text: &'a str,
    /// How many lines of the input show this symptom (see [`SymptomLine::lines`]).
    pub lines: Option<usize>,
}

impl<'a> SymptomText<'a> {
    /// The error text an object of kind `Symptom` shows; `None` for other objects.
    pub fn read(object: &'a Object) -> Option<SymptomText<'a>> {
        let found = object.symptom.as_deref().filter(|_| object.kind == Kind::Symptom)?;
        Some(SymptomText {
            symptom: found.symptom,
            line: object.record.first_line,
            text: &found.text,
            lines: found.lines,
        })
    }
}
