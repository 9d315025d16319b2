//! An error text found in the input: not configuration, but what the admin saw (an NDR, a
//! queue's `LastError`, an event), which the `symptom` rule explains.

use super::field::Reader;
use super::{Kind, Object};
use crate::formats::symptom::{Symptom, SYMPTOMS};
use crate::source::LineNo;

/// One line that shows a known error text (see `formats::symptom`).
#[derive(Clone, Copy, Debug)]
pub struct SymptomText<'a> {
    /// Which known error text the line shows.
    pub symptom: &'static Symptom,
    pub line: LineNo,
    /// The line, trimmed.
    pub text: &'a str,
    /// How many lines of the input show this symptom, on the first line kept of it (the scan
    /// keeps only a few lines of each symptom, and counts the rest); `None` on the others.
    pub lines: Option<usize>,
}

impl<'a> SymptomText<'a> {
    /// The properties the scan gives a symptom's object (its `Name` is the identity's).
    pub const PROPERTIES: &'static [&'static str] = &["Symptom", "SymptomLines", "Text"];

    /// The error text an object of kind `Symptom` shows; `None` for other objects, and for an
    /// id no known symptom has.
    pub fn read(object: &'a Object) -> Option<SymptomText<'a>> {
        if object.kind != Kind::Symptom {
            return None;
        }
        let read = Reader::new(object, Self::PROPERTIES);
        let id = read.get("Symptom")?.text()?;
        let symptom = SYMPTOMS.iter().find(|s| s.id == id)?;
        Some(SymptomText {
            symptom,
            line: object.record.first_line,
            text: read.get("Text").and_then(|f| f.text()).unwrap_or_default(),
            lines: read.get("SymptomLines").and_then(|f| f.text()?.parse().ok()),
        })
    }
}
