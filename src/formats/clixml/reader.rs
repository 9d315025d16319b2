//! The reading of one document, event by event ([`Parser`]): a stack of open elements instead
//! of recursion, what each element is by its tag, and what a closed element hands to the one
//! around it; every top-level `<Obj>` becomes a record.

use super::certificate;
use super::escapes::{resolve_reference, unescaped};
use super::refs::{Stored, NODE_COST};
use crate::diagnostic::{Diagnostic, Severity};
use crate::formats::{Block, Format, Prop, Record, Value};
use crate::source::{LineCursor, LineNo, Source};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet};

/// How many elements may be open at once before the document is rejected as hostile.
pub(super) const MAX_DEPTH: usize = 256;

const HINT: &str = "Paste the whole file written by Export-Clixml: it starts with <Objs and ends with </Objs>.";

/// What one reading of a document gave.
pub(super) struct Reading {
    pub(super) block: Block,
    /// The RefIds that `<Ref>` elements named.
    pub(super) referenced: BTreeSet<String>,
    /// What is left of the check's budget after this reading's copies.
    pub(super) budget_left: usize,
}

/// The two attributes Clixml uses: `N` (the member name) and `RefId`.
#[derive(Default)]
struct Attributes {
    name: Option<String>,
    ref_id: Option<String>,
}

fn read_attributes(e: &BytesStart, reader: &Reader<&[u8]>) -> Result<Attributes, quick_xml::Error> {
    let mut found = Attributes::default();
    // The duplicate check of quick-xml compares every pair of attributes; skip it to stay linear.
    for attribute in e.attributes().with_checks(false) {
        let attribute = attribute?;
        let value = || attribute.decode_and_unescape_value(reader.decoder());
        match attribute.key.local_name().as_ref() {
            b"N" if found.name.is_none() => found.name = Some(unescaped(value()?.into_owned())),
            b"RefId" if found.ref_id.is_none() => found.ref_id = Some(value()?.into_owned()),
            _ => {}
        }
    }
    Ok(found)
}

/// One open element on the reader's stack.
pub(super) struct Frame {
    kind: Kind,
    /// The `N` attribute: the member name inside `<Props>`, `<MS>` or `<En>`.
    name: Option<String>,
    /// The line where the element starts.
    line: LineNo,
    /// The estimated memory cost of the values collected inside, for the `<Ref>` budget.
    cost: usize,
    /// The nesting depth of the deepest value collected inside.
    depth: usize,
}

enum Kind {
    /// `<Objs>`, the document element.
    Root,
    Obj(Box<ObjFrame>),
    /// `<TN>` or `<TNRef>`: only the first, most derived type name is kept.
    TypeNames {
        ref_id: Option<String>,
        first: Option<String>,
    },
    /// An element whose content is text: `<T>`, `<ToString>`, a primitive, `<Nil>` or `<Ref>`.
    Text {
        role: TextRole,
        text: String,
    },
    /// `<Props>` or `<MS>`: named members.
    Members(Vec<Prop>),
    /// `<LST>`, `<IE>`, `<STK>` or `<QUE>`: unnamed items.
    Items(Vec<Value>),
    /// `<DCT>`: entries with a key and a value.
    Dict(Vec<Prop>),
    /// `<En>`: one dictionary entry.
    Entry {
        key: Option<Value>,
        value: Option<Value>,
    },
    /// An element the reader does not need, such as `<BA N="SerializationData">`, with all its content.
    Skip,
}

enum TextRole {
    TypeName,
    ToString,
    Plain,
    Bool,
    Nil,
    Ref(Option<String>),
}

#[derive(Clone, Default)]
struct ObjFrame {
    ref_id: Option<String>,
    type_name: Option<String>,
    to_string: Option<String>,
    /// The line of `<ToString>`, where a certificate's values are (see `certificate.rs`).
    to_string_line: LineNo,
    members: Vec<Prop>,
    entries: Vec<Prop>,
    has_dict: bool,
    items: Option<Vec<Value>>,
    /// The first bare primitive, such as the number of an enum.
    direct: Option<Value>,
}

impl ObjFrame {
    /// The value of a nested `<Obj>`: an object when it has members, else a list, else its text.
    /// A dictionary is an object whose properties are its entries, even when it has none.
    fn into_value(self) -> Value {
        if !self.members.is_empty() || !self.entries.is_empty() || (self.has_dict && self.items.is_none()) {
            let mut props = self.members;
            props.extend(self.entries);
            Value::object(self.to_string, props)
        } else if let Some(items) = self.items {
            Value::List(items)
        } else if let Some(text) = self.to_string {
            Value::Text(text.into())
        } else {
            self.direct.unwrap_or(Value::Null)
        }
    }
}

/// What a closed element hands to the element around it.
enum Outcome {
    Value(Value),
    TypeName(Option<String>),
    TypeText(String),
    ToString(String),
    Members(Vec<Prop>),
    Items(Vec<Value>),
    Dict(Vec<Prop>),
    Entry(Prop),
    Nothing,
}

/// Why reading stopped before `</Objs>`.
struct Failure {
    /// The line the diagnostic points at.
    line: LineNo,
    /// The last line that belongs to the block.
    last_line: LineNo,
    message: String,
}

pub(super) struct Parser<'s> {
    /// The byte offset of the parsed text within the source.
    base: usize,
    /// Finds the line of an offset; the reader's offsets grow as it reads.
    pub(super) lines: LineCursor<'s>,
    start: LineNo,
    pub(super) stack: Vec<Frame>,
    records: Vec<Record>,
    /// The last line of the last complete top-level element.
    complete_through: Option<LineNo>,
    /// The first type name of every `<TN>` by its RefId.
    type_names: BTreeMap<String, String>,
    /// Objects that some `<Ref>` names, by RefId.
    pub(super) stored: BTreeMap<String, Stored>,
    /// The RefIds to keep objects for; `None` when no `<Ref>` is expected, and nothing is kept.
    pub(super) wanted: Option<BTreeSet<String>>,
    /// The RefIds that `<Ref>` elements named so far.
    pub(super) referenced: BTreeSet<String>,
    /// What is left of the check's copy budget (see [`RefBudget`]).
    pub(super) budget: usize,
    /// The end of the last markup read, to place the end of a document that stops early.
    markup_end: u64,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) reference_limit_reported: bool,
}

impl<'s> Parser<'s> {
    pub(super) fn new(
        src: &'s Source<'s>,
        base: usize,
        start: LineNo,
        wanted: Option<BTreeSet<String>>,
        budget: usize,
    ) -> Parser<'s> {
        Parser {
            base,
            lines: src.line_cursor(),
            start,
            stack: Vec::new(),
            records: Vec::new(),
            complete_through: None,
            type_names: BTreeMap::new(),
            stored: BTreeMap::new(),
            wanted,
            referenced: BTreeSet::new(),
            budget,
            markup_end: 0,
            diagnostics: Vec::new(),
            reference_limit_reported: false,
        }
    }

    /// Reads the document.
    pub(super) fn run(mut self, text: &str) -> Reading {
        let mut reader = Reader::from_str(text);
        let outcome = loop {
            match self.step(&mut reader) {
                Ok(Some(end_line)) => break Ok(end_line),
                Ok(None) => {}
                Err(failure) => break Err(failure),
            }
        };
        let block = match outcome {
            Ok(end_line) => {
                let mut block = Block::new(Format::ExportClixml, self.start, end_line);
                block.understood.push((self.start, end_line));
                block.records = self.records;
                block.diagnostics = self.diagnostics;
                block
            }
            Err(failure) => {
                let mut block = Block::new(Format::ExportClixml, self.start, failure.last_line.max(self.start));
                if let Some(through) = self.complete_through {
                    block.understood.push((self.start, through));
                }
                block.records = self.records;
                block.diagnostics = self.diagnostics;
                block.diagnostics.push(Diagnostic::at_line(
                    "malformed-xml",
                    Severity::Warning,
                    failure.line,
                    failure.message,
                    HINT.into(),
                ));
                block
            }
        };
        Reading { block, referenced: self.referenced, budget_left: self.budget }
    }

    fn line_at(&self, position: u64) -> LineNo {
        let offset = usize::try_from(position).unwrap_or(usize::MAX);
        self.lines.line_of_offset(self.base.saturating_add(offset))
    }

    /// The failure for a document that simply stops: the block ends with the last markup read.
    fn cut_short(&self, line: LineNo, message: &str) -> Failure {
        Failure { line, last_line: self.line_at(self.markup_end.saturating_sub(1)), message: message.into() }
    }

    /// Reads one event. Returns the line of `</Objs>` once the document is complete.
    fn step(&mut self, reader: &mut Reader<&[u8]>) -> Result<Option<LineNo>, Failure> {
        let before = reader.buffer_position();
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let line = self.line_at(reader.error_position());
                // An unclosed comment or tag makes the reader look through the rest of the text.
                // That text joins the block, so that no later reading looks through it again.
                let last_line = line.max(self.line_at(reader.buffer_position().saturating_sub(1)));
                let message = format!("The Export-Clixml XML is broken here ({error}), so reading stopped.");
                return Err(Failure { line, last_line, message });
            }
        };
        let line = self.line_at(before);
        // Whether the event belongs to the document, as opposed to white space between elements.
        let mut content = true;
        match event {
            Event::Start(e) => self.open(&e, reader, line)?,
            Event::Empty(e) => {
                self.open(&e, reader, line)?;
                if self.close(line) {
                    return Ok(Some(line));
                }
            }
            Event::End(_) => {
                if self.close(line) {
                    return Ok(Some(line));
                }
            }
            Event::Text(e) => {
                let text = e.decode().map_err(|error| Failure {
                    line,
                    last_line: line,
                    message: format!(
                        "The Export-Clixml XML has text that cannot be read ({error}), so reading stopped."
                    ),
                })?;
                let first = text.find(|c: char| !c.is_ascii_whitespace());
                content = self.add_text(&text, first.map(|at| self.line_at(before + at as u64)))?;
            }
            Event::CData(e) => {
                content = self.add_text(&String::from_utf8_lossy(&e), Some(line))?;
            }
            Event::GeneralRef(e) => {
                content = self.add_text(&resolve_reference(&e), Some(line))?;
            }
            Event::Eof => {
                let message =
                    "The Export-Clixml XML stops before its closing </Objs> tag; any object cut off there was skipped.";
                // Point at the last line of the document rather than at trailing blank lines.
                return Err(self.cut_short(self.line_at(self.markup_end.saturating_sub(1)), message));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
        if content {
            self.markup_end = reader.buffer_position();
        }
        Ok(None)
    }

    /// Pushes the frame for a start tag.
    fn open(&mut self, e: &BytesStart, reader: &Reader<&[u8]>, line: LineNo) -> Result<(), Failure> {
        if self.stack.len() >= MAX_DEPTH {
            let message =
                format!("The Export-Clixml XML is nested deeper than {MAX_DEPTH} levels here, so reading stopped.");
            return Err(Failure { line, last_line: line, message });
        }
        let attributes = read_attributes(e, reader).map_err(|error| Failure {
            line,
            last_line: line,
            message: format!(
                "The Export-Clixml XML has an attribute that cannot be read ({error}), so reading stopped."
            ),
        })?;
        let local = e.local_name();
        let kind = match self.stack.last().map(|frame| &frame.kind) {
            None if local.as_ref() == b"Objs" => Kind::Root,
            None => {
                let message = "The XML here is not an Export-Clixml document, so reading stopped.".to_string();
                return Err(Failure { line, last_line: line, message });
            }
            Some(Kind::Skip) => Kind::Skip,
            Some(Kind::Text { .. }) => {
                let message = "An XML element starts inside a text value here, so reading stopped.".to_string();
                return Err(Failure { line, last_line: line, message });
            }
            Some(_) => self.kind_for(local.as_ref(), &attributes),
        };
        self.stack.push(Frame { kind, name: attributes.name, line, cost: 0, depth: 0 });
        Ok(())
    }

    /// What an element inside the document is, by its tag name.
    fn kind_for(&self, tag: &[u8], attributes: &Attributes) -> Kind {
        let text = |role| Kind::Text { role, text: String::new() };
        match tag {
            b"Obj" => Kind::Obj(Box::new(ObjFrame { ref_id: attributes.ref_id.clone(), ..ObjFrame::default() })),
            b"TN" => Kind::TypeNames { ref_id: attributes.ref_id.clone(), first: None },
            b"TNRef" => {
                let first = attributes.ref_id.as_ref().and_then(|id| self.type_names.get(id)).cloned();
                Kind::TypeNames { ref_id: None, first }
            }
            b"T" => text(TextRole::TypeName),
            b"ToString" => text(TextRole::ToString),
            b"Props" | b"MS" => Kind::Members(Vec::new()),
            b"LST" | b"IE" | b"STK" | b"QUE" => Kind::Items(Vec::new()),
            b"DCT" => Kind::Dict(Vec::new()),
            b"En" => Kind::Entry { key: None, value: None },
            b"Nil" => text(TextRole::Nil),
            b"Ref" => text(TextRole::Ref(attributes.ref_id.clone())),
            b"B" => text(TextRole::Bool),
            // Exchange objects carry their binary form too; nothing in it is needed, but for a
            // certificate's own values (see `certificate.rs`).
            b"BA" if attributes.name.as_deref() == Some("SerializationData") => {
                if self.in_certificate_members() {
                    text(TextRole::Plain)
                } else {
                    Kind::Skip
                }
            }
            b"S" | b"I32" | b"I64" | b"U32" | b"U64" | b"I16" | b"U16" | b"By" | b"SB" | b"Db" | b"Sg" | b"D"
            | b"DT" | b"TS" | b"G" | b"C" | b"URI" | b"Version" | b"XD" | b"SBK" | b"SS" | b"BA" => {
                text(TextRole::Plain)
            }
            _ => Kind::Skip,
        }
    }

    /// True when the element being opened is a member of a top-level Exchange certificate.
    fn in_certificate_members(&self) -> bool {
        match self.stack.as_slice() {
            [_, Frame { kind: Kind::Obj(obj), .. }, Frame { kind: Kind::Members(_), .. }] => {
                obj.type_name.as_deref().is_some_and(certificate::is_certificate_type)
            }
            _ => false,
        }
    }

    /// Adds character data to the open element. Returns whether it was part of the document.
    fn add_text(&mut self, text: &str, first_content_line: Option<LineNo>) -> Result<bool, Failure> {
        match self.stack.last_mut().map(|frame| &mut frame.kind) {
            Some(Kind::Text { text: buffer, .. }) => {
                buffer.push_str(text);
                Ok(true)
            }
            Some(Kind::Skip) => Ok(true),
            _ => match first_content_line {
                // Clixml puts no text between elements, so this is most likely other output after a cut-off document.
                Some(line) => Err(self.cut_short(
                    line,
                    "Text that is not part of the Export-Clixml XML appears here, so reading stopped.",
                )),
                None => Ok(false),
            },
        }
    }

    /// Pops the frame of an end tag and hands its result to the enclosing element.
    /// Returns true when the closed element was `<Objs>`.
    fn close(&mut self, end_line: LineNo) -> bool {
        let Some(Frame { kind, name, line, cost, depth }) = self.stack.pop() else {
            return false;
        };
        let parent_is_root = matches!(self.stack.last(), Some(Frame { kind: Kind::Root, .. }));
        let (outcome, cost, depth) = match kind {
            Kind::Root => return true,
            Kind::Obj(obj) if parent_is_root => {
                self.finish_record(*obj, line, end_line, cost, depth);
                return false;
            }
            Kind::Obj(obj) => {
                let ref_id = obj.ref_id.clone();
                let (value, cost, depth) = (obj.into_value(), NODE_COST + cost, depth + 1);
                if let Some(id) = ref_id {
                    self.store(id, || value.clone(), cost, depth, line);
                }
                (Outcome::Value(value), cost, depth)
            }
            Kind::TypeNames { ref_id, first } => {
                if let (Some(id), Some(type_name)) = (ref_id, &first) {
                    self.type_names.insert(id, type_name.clone());
                }
                (Outcome::TypeName(first), 0, 0)
            }
            Kind::Text { role, text } => {
                let cost = NODE_COST + text.len();
                match role {
                    TextRole::TypeName => (Outcome::TypeText(unescaped(text)), 0, 0),
                    TextRole::ToString => (Outcome::ToString(unescaped(text)), cost, 0),
                    TextRole::Plain => (Outcome::Value(Value::Text(unescaped(text).into())), cost, 1),
                    TextRole::Bool => {
                        let shown = match text.trim() {
                            "true" | "1" => "True".into(),
                            "false" | "0" => "False".into(),
                            _ => unescaped(text).into(),
                        };
                        (Outcome::Value(Value::Text(shown)), cost, 1)
                    }
                    TextRole::Nil => (Outcome::Value(Value::Null), NODE_COST, 1),
                    TextRole::Ref(id) => {
                        let (value, cost, depth) = self.resolve(id, line);
                        (Outcome::Value(value), cost, depth)
                    }
                }
            }
            Kind::Members(props) => (Outcome::Members(props), cost, depth),
            Kind::Items(items) => (Outcome::Items(items), cost, depth),
            Kind::Dict(entries) => (Outcome::Dict(entries), cost, depth),
            Kind::Entry { key, value } => {
                let key = match key {
                    Some(Value::Text(text)) => text,
                    Some(Value::Object(object)) => object.display.map_or_else(|| "".into(), Into::into),
                    _ => "".into(),
                };
                let prop = Prop::new(key, value.unwrap_or(Value::Null), line);
                (Outcome::Entry(prop), NODE_COST + cost, depth)
            }
            Kind::Skip => (Outcome::Nothing, 0, 0),
        };
        self.deliver(outcome, name, line, cost, depth, end_line);
        false
    }

    /// Hands the result of a closed element to the element around it.
    fn deliver(
        &mut self,
        outcome: Outcome,
        name: Option<String>,
        line: LineNo,
        cost: usize,
        depth: usize,
        end_line: LineNo,
    ) {
        let Some(parent) = self.stack.last_mut() else {
            return;
        };
        parent.cost += cost;
        parent.depth = parent.depth.max(depth);
        match (&mut parent.kind, outcome) {
            // A top-level primitive makes no record but is complete.
            (Kind::Root, _) => self.complete_through = Some(end_line),
            (Kind::Obj(obj), Outcome::TypeName(type_name)) if obj.type_name.is_none() => obj.type_name = type_name,
            (Kind::Obj(obj), Outcome::ToString(text)) => {
                obj.to_string = Some(text);
                obj.to_string_line = line;
            }
            (Kind::Obj(obj), Outcome::Members(props)) => obj.members.extend(props),
            (Kind::Obj(obj), Outcome::Items(items)) => obj.items.get_or_insert_with(Vec::new).extend(items),
            (Kind::Obj(obj), Outcome::Dict(entries)) => {
                obj.has_dict = true;
                obj.entries.extend(entries);
            }
            (Kind::Obj(obj), Outcome::Value(value)) if obj.direct.is_none() => obj.direct = Some(value),
            (Kind::TypeNames { first, .. }, Outcome::TypeText(type_name)) if first.is_none() => {
                *first = Some(type_name)
            }
            (Kind::Members(props), Outcome::Value(value)) => {
                props.push(Prop::new(name.unwrap_or_default(), value, line));
                parent.cost += NODE_COST;
            }
            (Kind::Items(items), Outcome::Value(value)) => items.push(value),
            (Kind::Dict(entries), Outcome::Entry(prop)) => entries.push(prop),
            (Kind::Entry { key, value: entry_value }, Outcome::Value(value)) => match name.as_deref() {
                Some("Key") => *key = Some(value),
                Some("Value") => *entry_value = Some(value),
                _ => {}
            },
            _ => {}
        }
    }

    /// Turns a complete top-level `<Obj>` into a record.
    fn finish_record(&mut self, obj: ObjFrame, first_line: LineNo, last_line: LineNo, cost: usize, depth: usize) {
        if let Some(id) = obj.ref_id.clone() {
            self.store(id, || obj.clone().into_value(), NODE_COST + cost, depth + 1, first_line);
        }
        let type_name = obj.type_name.map(|name| match name.strip_prefix("Deserialized.") {
            Some(rest) => rest.to_string(),
            None => name,
        });
        let mut props = obj.members;
        props.extend(obj.entries);
        certificate::complete(&mut props, obj.to_string.as_deref(), obj.to_string_line);
        self.records.push(Record { type_name, first_line, last_line, props });
        self.complete_through = Some(last_line);
    }
}
