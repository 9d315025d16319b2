//! `<Ref>` elements, which repeat an earlier `<Obj>`: the check's copy budget ([`RefBudget`]),
//! the byte search that guesses which objects to keep, and the keeping and copying of the
//! objects they name.

use super::reader::{Parser, MAX_DEPTH};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::Value;
use crate::source::LineNo;
use std::collections::BTreeSet;

/// How much copying `<Ref>` elements may cause in one check, in the rough units of
/// [`NODE_COST`] and bytes: one budget for every document of every input, so that a paste of
/// many small documents costs no more than one large one.
#[derive(Clone, Debug)]
pub struct RefBudget {
    pub(super) remaining: usize,
}

impl RefBudget {
    /// The budget of a check of `input_bytes` bytes in all: twice the input, and a megabyte
    /// more. A real export repeats by `<Ref>` a few small objects per object (its `Id` is its
    /// `Identity`), a small part of its own size, so only a document built to multiply itself
    /// runs out; the check's memory then stays within a small multiple of its input.
    pub fn for_input(input_bytes: usize) -> RefBudget {
        RefBudget { remaining: (1 << 20) + input_bytes.saturating_mul(2) }
    }
}

/// The estimated memory cost of one value or property, beyond the bytes of its text.
pub(super) const NODE_COST: usize = 32;

/// The RefIds that the `<Ref>` tags in `text` name, by a byte search: PowerShell writes them
/// as `<Ref N="Id" RefId="7" />`. A tag written otherwise (space around `=`, an entity in the
/// value) is missed or misread, and `parse` then reads the document a second time.
pub(super) fn referenced_ids(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut ids = BTreeSet::new();
    for at in memchr::memchr_iter(b'<', bytes) {
        let Some(rest) = bytes[at + 1..].strip_prefix(b"Ref") else { continue };
        if !rest.first().is_some_and(u8::is_ascii_whitespace) {
            continue;
        }
        // The tag ends at its `>`; at the next `<` when that is lost, so that no byte of a text of
        // many broken tags is looked at more than once.
        let tag = &rest[..rest.iter().position(|&b| b == b'>' || b == b'<').unwrap_or(rest.len())];
        let Some(name) = tag.windows(7).position(|w| w[0].is_ascii_whitespace() && &w[1..] == b"RefId=") else {
            continue;
        };
        let value = &tag[name + 7..];
        let Some(&quote) = value.first().filter(|&&q| q == b'"' || q == b'\'') else { continue };
        if let Some(end) = memchr::memchr(quote, &value[1..]) {
            ids.insert(String::from_utf8_lossy(&value[1..1 + end]).into_owned());
        }
    }
    ids
}

/// A stored `<Obj>` that later `<Ref>` elements may copy.
pub(super) struct Stored {
    value: Value,
    cost: usize,
    depth: usize,
}

impl Parser<'_> {
    /// Keeps a copy of an object that a later `<Ref>` names, within the copy budget.
    /// `copy` makes the value only once the object is known to be wanted and affordable.
    pub(super) fn store(&mut self, id: String, copy: impl FnOnce() -> Value, cost: usize, depth: usize, line: LineNo) {
        if !self.wanted.as_ref().is_some_and(|wanted| wanted.contains(&id)) {
            return;
        }
        if cost > self.budget {
            self.report_reference_limit(line);
            return;
        }
        self.budget -= cost;
        self.stored.insert(id, Stored { value: copy(), cost, depth });
    }

    /// The value a `<Ref>` stands for: a copy of the earlier object, or null when it is
    /// unknown or copying it would exceed the budget or the depth limit.
    pub(super) fn resolve(&mut self, id: Option<String>, line: LineNo) -> (Value, usize, usize) {
        let Some(id) = id else {
            return (Value::Null, NODE_COST, 1);
        };
        let found = self.stored.get(&id);
        self.referenced.insert(id);
        let Some(stored) = found else {
            return (Value::Null, NODE_COST, 1);
        };
        if stored.cost > self.budget || self.stack.len() + stored.depth > MAX_DEPTH {
            self.report_reference_limit(line);
            return (Value::Null, NODE_COST, 1);
        }
        self.budget -= stored.cost;
        (stored.value.clone(), stored.cost, stored.depth)
    }

    fn report_reference_limit(&mut self, line: LineNo) {
        if self.reference_limit_reported {
            return;
        }
        self.reference_limit_reported = true;
        self.diagnostics.push(Diagnostic::at_line(
            "clixml-reference-limit",
            Severity::Warning,
            line,
            "Some values repeated with <Ref> were left empty, because copying them would take too much memory or nest too deeply.".into(),
            "Export fewer objects at a time, or paste the Format-List output (| Format-List) instead.".into(),
        ));
    }
}
