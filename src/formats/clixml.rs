//! Export-Clixml: the XML that PowerShell's serializer writes (`Export-Clixml`, `#< CLIXML` streams).
//!
//! A document is one `<Objs>` element holding the serialized objects in order:
//!
//! ```text
//! <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
//!   <Obj RefId="0">
//!     <TN RefId="0"><T>Most.Derived.Type</T><T>System.Object</T></TN>
//!     <ToString>EX01\Default Frontend EX01</ToString>
//!     <Props>
//!       <S N="Name">Default Frontend EX01</S>
//!       <Obj N="TlsDomainCapabilities" RefId="1"><TN RefId="1">...</TN><LST>...</LST></Obj>
//!       <Ref N="Id" RefId="7" />
//!     </Props>
//!     <MS><S N="PSComputerName">ex01.contoso.com</S></MS>
//!   </Obj>
//! </Objs>
//! ```
//!
//! An `<Obj>` names its types in `<TN>` (or reuses an earlier list with `<TNRef RefId>`), may
//! carry its `ToString()` text, named members in `<Props>` and `<MS>`, the items of a collection
//! in `<LST>`, `<IE>`, `<STK>` or `<QUE>`, the entries of a dictionary in `<DCT>`, and, for an
//! enum, the number as a bare primitive next to its `<ToString>` name. Primitives are elements
//! such as `<S>`, `<B>`, `<I32>` or `<DT>`; `<Nil>` is `$null`; `<Ref RefId>` repeats an earlier
//! `<Obj>` with that RefId. Text escapes characters XML cannot carry as `_xHHHH_`.
//!
//! Every top-level `<Obj>` becomes one [`Record`]. The reader keeps its own stack of open
//! elements instead of recursing, so hostile nesting cannot overflow the call stack, and it
//! stops with a `malformed-xml` diagnostic at the first thing it cannot read, keeping the
//! objects it had completed.

use super::{clixml_certificate, Block, Format, Prop, Record, Value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{is_blank, LineCursor, LineNo, Source};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;
use std::collections::{BTreeMap, BTreeSet};

/// How many elements may be open at once before the document is rejected as hostile.
const MAX_DEPTH: usize = 256;

/// How much copying `<Ref>` elements may cause in one check, in the rough units of
/// [`NODE_COST`] and bytes: one budget for every document of every input, so that a paste of
/// many small documents costs no more than one large one.
#[derive(Clone, Debug)]
pub struct RefBudget {
    remaining: usize,
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
const NODE_COST: usize = 32;

/// How far past `<?xml` the reader looks for the `<Objs` element before declining.
const DECLARATION_LOOKAHEAD: usize = 4096;

const HINT: &str = "Paste the whole file written by Export-Clixml: it starts with <Objs and ends with </Objs>.";

/// Reads one Export-Clixml document whose first line is `start`, not reading past line `end`;
/// the copies its `<Ref>` elements make are paid from the check's `budget`.
pub fn parse(src: &Source, start: LineNo, end: LineNo, budget: &mut RefBudget) -> Option<Block> {
    let from = document_start(src, start, end)?;
    let to = src.offset_of_line(end.saturating_add(1));
    let text = src.text().get(from..to)?;
    // A `<Ref>` can only copy an object the reader kept, and keeping every object would cost
    // memory for nothing. So the reader keeps exactly the objects that some `<Ref>` names.
    // Which those are is guessed first by a byte search for `<Ref` tags, much cheaper than a
    // reading; the reading reports the RefIds it really met, and only when the guess was wrong
    // is the document read again with those. The reading that counts is thus always the one
    // told exactly the referenced RefIds (none: `None`), as if a first reading had learnt them.
    // The guess looks only as far as the document's own end tag: the text after it is the rest
    // of the paste, perhaps other documents, each of which is read on its own.
    let own = memchr::memmem::find(text.as_bytes(), b"</Objs>").map_or(text, |at| &text[..at]);
    let guess = referenced_ids(own);
    let parser = |wanted: &BTreeSet<String>| {
        Parser::new(src, from, start, (!wanted.is_empty()).then(|| wanted.clone()), budget.remaining)
    };
    let reading = parser(&guess).run(text);
    // Only the reading that counts pays from the budget.
    let reading = if reading.referenced == guess { reading } else { parser(&reading.referenced).run(text) };
    budget.remaining = reading.budget_left;
    Some(reading.block)
}

/// What one reading of a document gave.
struct Reading {
    block: Block,
    /// The RefIds that `<Ref>` elements named.
    referenced: BTreeSet<String>,
    /// What is left of the check's budget after this reading's copies.
    budget_left: usize,
}

/// The RefIds that the `<Ref>` tags in `text` name, by a byte search: PowerShell writes them
/// as `<Ref N="Id" RefId="7" />`. A tag written otherwise (space around `=`, an entity in the
/// value) is missed or misread, and `parse` then reads the document a second time.
fn referenced_ids(text: &str) -> BTreeSet<String> {
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

/// The byte offset where XML reading begins, or `None` when line `start` opens no Clixml document.
fn document_start(src: &Source, start: LineNo, end: LineNo) -> Option<usize> {
    let line = src.line(start).trim_start();
    if opens_objs(line.as_bytes()) {
        return Some(src.offset_of_line(start));
    }
    if line.starts_with("<?xml") {
        // The declaration must be followed by `<Objs`, perhaps after white space and line ends.
        let from = src.offset_of_line(start);
        let limit = src.offset_of_line(end.saturating_add(1)).min(from + DECLARATION_LOOKAHEAD);
        let window = src.text().as_bytes().get(from..limit)?;
        let close = memchr::memmem::find(window, b"?>")?;
        let rest = window.get(close + 2..)?.trim_ascii_start();
        return opens_objs(rest).then_some(from);
    }
    if line.trim_end() == "#< CLIXML" {
        // PowerShell marks serialized error streams this way; the document starts on a later line.
        let mut n = start + 1;
        while n <= end && is_blank(src.line(n)) {
            n += 1;
        }
        if n <= end && opens_objs(src.line(n).trim_start().as_bytes()) {
            return Some(src.offset_of_line(n));
        }
    }
    None
}

/// True when `text` starts with the tag name `<Objs` (and not, say, `<Objsx`).
fn opens_objs(text: &[u8]) -> bool {
    text.starts_with(b"<Objs") && matches!(text.get(5), None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
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

/// Replaces PowerShell's `_xHHHH_` escapes by the characters they stand for; `None` when the
/// text has none, so that the caller keeps (or shares) the text it has.
///
/// A UTF-16 surrogate pair arrives as two escapes and becomes one character; a lone
/// surrogate becomes U+FFFD.
fn decode_escapes(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while let Some(found) = memchr::memmem::find(&bytes[i..], b"_x") {
        i += found;
        let Some(unit) = escape_at(bytes, i) else {
            i += 1;
            continue;
        };
        out.reserve(text.len());
        // An escape is ASCII only, so `i` and `copied` always sit on character boundaries.
        out.push_str(&text[copied..i]);
        i += 7;
        let character = if (0xD800..0xDC00).contains(&unit) {
            match escape_at(bytes, i) {
                Some(low) if (0xDC00..0xE000).contains(&low) => {
                    i += 7;
                    char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                }
                _ => None,
            }
        } else {
            char::from_u32(unit)
        };
        out.push(character.unwrap_or('\u{FFFD}'));
        copied = i;
    }
    if copied == 0 {
        return None;
    }
    out.push_str(&text[copied..]);
    Some(out)
}

/// `text` with its escapes decoded (see [`decode_escapes`]).
fn unescaped(text: String) -> String {
    decode_escapes(&text).unwrap_or(text)
}

/// The UTF-16 code unit of an `_xHHHH_` escape that starts at byte `i`.
fn escape_at(bytes: &[u8], i: usize) -> Option<u32> {
    let escape = bytes.get(i..i + 7)?;
    if escape[0] != b'_' || escape[1] != b'x' || escape[6] != b'_' {
        return None;
    }
    escape[2..6].iter().try_fold(0u32, |unit, &digit| Some(unit * 16 + (digit as char).to_digit(16)?))
}

/// The text an entity or character reference (`&lt;`, `&#x41;`) stands for.
fn resolve_reference(reference: &BytesRef) -> String {
    match reference.resolve_char_ref() {
        Ok(Some(character)) => return character.to_string(),
        Ok(None) => {}
        Err(_) => return '\u{FFFD}'.to_string(),
    }
    match reference.as_ref() {
        b"lt" => "<".into(),
        b"gt" => ">".into(),
        b"amp" => "&".into(),
        b"quot" => "\"".into(),
        b"apos" => "'".into(),
        // Clixml declares no other entities; keep an unknown one as it was written.
        other => format!("&{};", String::from_utf8_lossy(other)),
    }
}

/// One open element on the reader's stack.
struct Frame {
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
    /// The line of `<ToString>`, where a certificate's values are (see `clixml_certificate`).
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

/// A stored `<Obj>` that later `<Ref>` elements may copy.
struct Stored {
    value: Value,
    cost: usize,
    depth: usize,
}

/// Why reading stopped before `</Objs>`.
struct Failure {
    /// The line the diagnostic points at.
    line: LineNo,
    /// The last line that belongs to the block.
    last_line: LineNo,
    message: String,
}

struct Parser<'s> {
    /// The byte offset of the parsed text within the source.
    base: usize,
    /// Finds the line of an offset; the reader's offsets grow as it reads.
    lines: LineCursor<'s>,
    start: LineNo,
    stack: Vec<Frame>,
    records: Vec<Record>,
    /// The last line of the last complete top-level element.
    complete_through: Option<LineNo>,
    /// The first type name of every `<TN>` by its RefId.
    type_names: BTreeMap<String, String>,
    /// Objects that some `<Ref>` names, by RefId.
    stored: BTreeMap<String, Stored>,
    /// The RefIds to keep objects for; `None` when no `<Ref>` is expected, and nothing is kept.
    wanted: Option<BTreeSet<String>>,
    /// The RefIds that `<Ref>` elements named so far.
    referenced: BTreeSet<String>,
    /// What is left of the check's copy budget (see [`RefBudget`]).
    budget: usize,
    /// The end of the last markup read, to place the end of a document that stops early.
    markup_end: u64,
    diagnostics: Vec<Diagnostic>,
    reference_limit_reported: bool,
}

impl<'s> Parser<'s> {
    fn new(
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
    fn run(mut self, text: &str) -> Reading {
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
            // certificate's own values (see `clixml_certificate`).
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
                obj.type_name.as_deref().is_some_and(clixml_certificate::is_certificate_type)
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
        clixml_certificate::complete(&mut props, obj.to_string.as_deref(), obj.to_string_line);
        self.records.push(Record { type_name, first_line, last_line, props });
        self.complete_through = Some(last_line);
    }

    /// Keeps a copy of an object that a later `<Ref>` names, within the copy budget.
    /// `copy` makes the value only once the object is known to be wanted and affordable.
    fn store(&mut self, id: String, copy: impl FnOnce() -> Value, cost: usize, depth: usize, line: LineNo) {
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
    fn resolve(&mut self, id: Option<String>, line: LineNo) -> (Value, usize, usize) {
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

    fn parse_all(text: &str) -> Block {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), &mut RefBudget::for_input(text.len())).expect("a Clixml block")
    }

    fn text(value: &Value) -> &str {
        value.as_text().expect("a text value")
    }

    /// A receive connector with the affected capability entry, written one element per line as Export-Clixml does.
    fn connector() -> String {
        [
            HEAD,
            r#"  <Obj RefId="0">"#,
            r#"    <TN RefId="0">"#,
            r#"      <T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T>"#,
            r#"      <T>System.Object</T>"#,
            r#"    </TN>"#,
            r#"    <ToString>EX01\Default Frontend EX01</ToString>"#,
            r#"    <Props>"#,
            r#"      <Obj N="TlsDomainCapabilities" RefId="9">"#,
            r#"        <TN RefId="4"><T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities, Microsoft.Exchange.Data]]</T><T>System.Object</T></TN>"#,
            r#"        <LST>"#,
            r#"          <Obj RefId="10">"#,
            r#"            <TN RefId="5"><T>Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities</T><T>System.Object</T></TN>"#,
            r#"            <ToString>&lt;I&gt;CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com&lt;S&gt;CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail</ToString>"#,
            r#"            <Props>"#,
            r#"              <S N="Domain">mail.protection.outlook.com</S>"#,
            r#"              <S N="Capabilities">AcceptCloudServicesMail</S>"#,
            r#"              <S N="SmtpX509Identifier">&lt;I&gt;CN=MSIT Machine Auth CA 2&lt;S&gt;CN=mail.protection.outlook.com</S>"#,
            r#"            </Props>"#,
            r#"          </Obj>"#,
            r#"        </LST>"#,
            r#"      </Obj>"#,
            r#"      <Obj N="TransportRole" RefId="11">"#,
            r#"        <TN RefId="6"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole</T><T>System.Enum</T></TN>"#,
            r#"        <ToString>FrontendTransport</ToString>"#,
            r#"        <I32>16384</I32>"#,
            r#"      </Obj>"#,
            r#"      <B N="Enabled">true</B>"#,
            r#"      <Nil N="TlsCertificateName" />"#,
            r#"      <Obj N="Identity" RefId="12">"#,
            r#"        <TN RefId="7"><T>Microsoft.Exchange.Data.Directory.ADObjectId</T></TN>"#,
            r#"        <ToString>EX01\Default Frontend EX01</ToString>"#,
            r#"        <Props><S N="Name">Default Frontend EX01</S></Props>"#,
            r#"      </Obj>"#,
            r#"      <Ref N="Id" RefId="12" />"#,
            r#"      <Ref N="Missing" RefId="99" />"#,
            r#"    </Props>"#,
            r#"    <MS>"#,
            r#"      <S N="PSComputerName">ex01.contoso.com</S>"#,
            r#"      <BA N="SerializationData">AAEAAAD/////AQAAAAAAAAA=</BA>"#,
            r#"    </MS>"#,
            r#"  </Obj>"#,
            r#"  <Obj RefId="13">"#,
            r#"    <TNRef RefId="0" />"#,
            r#"    <ToString>EX01\Client Frontend EX01</ToString>"#,
            r#"    <Props>"#,
            r#"      <S N="Name">Client Frontend EX01</S>"#,
            r#"      <Obj N="TlsDomainCapabilities" RefId="14"><TNRef RefId="4" /><LST /></Obj>"#,
            r#"      <S N="Banner">_x000D__x000A_Line_x0009_end _xD83D__xDE00_ _x005F_x0041_</S>"#,
            r#"    </Props>"#,
            r#"  </Obj>"#,
            r#"</Objs>"#,
        ]
        .join("\n")
    }

    #[test]
    fn reads_records_with_their_lines() {
        let block = parse_all(&connector());
        assert_eq!(block.format, Format::ExportClixml);
        assert_eq!((block.first_line, block.last_line), (1, 52));
        assert_eq!(block.understood, vec![(1, 52)]);
        assert!(block.diagnostics.is_empty(), "{:?}", block.diagnostics);
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!(
            first.type_name.as_deref(),
            Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector")
        );
        assert_eq!((first.first_line, first.last_line), (2, 42));
        assert_eq!(first.get("TlsDomainCapabilities").map(|p| p.line), Some(9));
        assert_eq!(first.get("PSComputerName").map(|p| p.line), Some(39));
        assert!(first.get("SerializationData").is_none());
    }

    #[test]
    fn reads_a_multi_valued_capability() {
        let block = parse_all(&connector());
        let Value::List(items) = &block.records[0].get("TlsDomainCapabilities").unwrap().value else {
            panic!("a list");
        };
        assert_eq!(items.len(), 1);
        let display = text(&items[0]);
        assert!(display.starts_with("<I>CN=MSIT Machine Auth CA 2, DC=redmond"), "{display}");
        assert!(display.ends_with("C=US:AcceptCloudServicesMail"), "{display}");
        assert_eq!(items[0].field("Domain").map(text), Some("mail.protection.outlook.com"));
        assert_eq!(
            items[0].field("SmtpX509Identifier").map(text),
            Some("<I>CN=MSIT Machine Auth CA 2<S>CN=mail.protection.outlook.com")
        );
        let empty = &block.records[1].get("TlsDomainCapabilities").unwrap().value;
        assert_eq!(empty, &Value::List(Vec::new()));
    }

    #[test]
    fn reads_enums_booleans_nil_and_type_name_references() {
        let block = parse_all(&connector());
        let first = &block.records[0];
        assert_eq!(first.get("TransportRole").unwrap().value, Value::Text("FrontendTransport".into()));
        assert_eq!(first.get("Enabled").unwrap().value, Value::Text("True".into()));
        assert_eq!(first.get("TlsCertificateName").unwrap().value, Value::Null);
        let second = &block.records[1];
        assert_eq!(second.type_name, first.type_name);
        assert_eq!((second.first_line, second.last_line), (43, 51));
    }

    #[test]
    fn copies_referenced_objects() {
        let block = parse_all(&connector());
        let first = &block.records[0];
        let identity = &first.get("Identity").unwrap().value;
        assert_eq!(identity.as_text(), Some("EX01\\Default Frontend EX01"));
        assert_eq!(&first.get("Id").unwrap().value, identity);
        assert_eq!(first.get("Missing").unwrap().value, Value::Null);
    }

    #[test]
    fn copies_referenced_objects_the_byte_search_misses() {
        // Space around `=` and a character reference in the RefId: legal XML that PowerShell does
        // not write. The byte search misses the first and misreads the second; the reading
        // notices, and reads again.
        for spelled in [r#"<Ref N="Id" RefId = "1" />"#, r#"<Ref N="Id" RefId="&#49;" />"#] {
            let doc = format!(
                "{HEAD}\n<Obj RefId=\"0\"><Props><Obj N=\"Identity\" RefId=\"1\"><ToString>EX01\\A</ToString></Obj>\n{spelled}</Props></Obj>\n</Objs>"
            );
            let block = parse_all(&doc);
            let record = &block.records[0];
            assert_eq!(record.get("Id").unwrap().value.as_text(), Some("EX01\\A"), "{spelled}");
            assert!(!referenced_ids(&doc).contains("1"), "{spelled}");
        }
        let doc =
            format!("{HEAD}<Obj RefId=\"0\"><Props><Ref N=\"A\" RefId=\"4\" /><Ref\tRefId='5'/></Props></Obj></Objs>");
        assert_eq!(referenced_ids(&doc).into_iter().collect::<Vec<_>>(), ["4", "5"]);
    }

    #[test]
    fn decodes_powershell_escapes() {
        let block = parse_all(&connector());
        let banner = text(&block.records[1].get("Banner").unwrap().value).to_string();
        assert_eq!(banner, "\r\nLine\tend \u{1F600} _x0041_");
        assert_eq!(unescaped("a_x00e9_b_xD800_c_x12_".into()), "a\u{e9}b\u{FFFD}c_x12_");
        assert_eq!(unescaped("é_x000A_ü".into()), "é\nü");
        assert_eq!(decode_escapes("plain_x12_"), None);
    }

    #[test]
    fn reads_dictionaries_and_character_references() {
        let doc = format!(
            "{HEAD}\n<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.Hashtable</T></TN>\n<DCT>\n<En><S N=\"Key\">Name</S><S N=\"Value\">A&#x26;B &amp; &#67;</S></En>\n</DCT></Obj>\n</Objs>"
        );
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.records[0].get("Name").map(|p| (text(&p.value), p.line)), Some(("A&B & C", 4)));
    }

    #[test]
    fn accepts_the_declaration_and_the_stream_marker() {
        let doc = format!(
            "<?xml version=\"1.0\"?>\n{HEAD}<Obj RefId=\"0\"><Props><S N=\"A\">1</S></Props></Obj></Objs>\nafter"
        );
        let block = parse_all(&doc);
        assert_eq!((block.first_line, block.last_line, block.records.len()), (1, 2, 1));
        let doc = format!("#< CLIXML\n{HEAD}<S S=\"Error\">boom_x000D__x000A_</S></Objs>");
        let block = parse_all(&doc);
        assert_eq!((block.first_line, block.last_line, block.records.len()), (1, 2, 0));
        assert!(block.diagnostics.is_empty());
        for declined in ["<Objsx>", "Name : <Objs", "<?xml version=\"1.0\"?>\n<Root/>", "#< CLIXML\nhello"] {
            let src = Source::new(declined.to_string());
            assert!(parse(&src, 1, src.line_count(), &mut RefBudget::for_input(0)).is_none(), "{declined}");
        }
    }

    #[test]
    fn stops_at_the_end_line() {
        let src = Source::new(connector());
        let block = parse(&src, 1, 45, &mut RefBudget::for_input(0)).unwrap();
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 42)]);
        assert_eq!(block.diagnostics[0].code, "malformed-xml");
    }

    #[test]
    fn keeps_complete_records_of_a_truncated_document() {
        let full = connector();
        let cut: String = full.lines().take(47).collect::<Vec<_>>().join("\n");
        let block = parse_all(&(cut + "\n[PS] C:\\>Get-SendConnector | fl\n\nName : x"));
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 42)]);
        assert_eq!(block.last_line, 47);
        let diagnostic = &block.diagnostics[0];
        assert_eq!(
            (diagnostic.code, diagnostic.severity, diagnostic.line),
            ("malformed-xml", Severity::Warning, Some(48))
        );
    }

    #[test]
    fn reports_mismatched_tags() {
        let doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">1</S></Props></Obj>\n<Obj RefId=\"1\"><Props>\n<S N=\"A\">1</Props></Obj>\n</Objs>");
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 2)]);
        assert_eq!(block.last_line, 4);
        assert_eq!(block.diagnostics[0].line, Some(4));
        // Cut in the middle of a tag, and broken before any record.
        let block = parse_all(&format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A"));
        assert!(block.records.is_empty() && block.understood.is_empty());
        assert_eq!(block.diagnostics[0].code, "malformed-xml");
    }

    #[test]
    fn an_unclosed_comment_takes_the_rest_of_the_text() {
        let doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props /></Obj>\n<!-- no end\nName : x\nMore : y");
        let block = parse_all(&doc);
        assert_eq!((block.records.len(), block.last_line), (1, 5));
        assert_eq!(block.understood, vec![(1, 2)]);
        assert_eq!(block.diagnostics[0].line, Some(3));
    }

    #[test]
    fn survives_deep_nesting() {
        let doc = format!("{HEAD}\n{}", "<Obj RefId=\"1\"><Props>".repeat(100_000));
        let block = parse_all(&doc);
        assert!(block.records.is_empty());
        assert!(block.diagnostics[0].message.contains("deeper than 256 levels"), "{}", block.diagnostics[0].message);
    }

    /// A document whose last object repeats a 1,000-character text 2^`levels` times by `<Ref>`.
    fn doubling(levels: usize) -> String {
        let mut doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">{}</S></Props></Obj>\n", "x".repeat(1000));
        for n in 1..=levels {
            doc += &format!(
                "<Obj RefId=\"{n}\"><Props><Ref N=\"A\" RefId=\"{}\" /><Ref N=\"B\" RefId=\"{}\" /></Props></Obj>\n",
                n - 1,
                n - 1
            );
        }
        doc + "</Objs>\n"
    }

    #[test]
    fn documents_of_one_check_share_its_copy_budget() {
        let limited = |block: &Block| block.diagnostics.iter().any(|d| d.code == "clixml-reference-limit");
        let doc = doubling(8);
        let src = Source::new(format!("{doc}{doc}"));
        let mut budget = RefBudget::for_input(0);
        let first = parse(&src, 1, src.line_count(), &mut budget).expect("the first document");
        assert!(!limited(&first), "one document fits the budget: {:?}", first.diagnostics);
        let second = parse(&src, first.last_line + 1, src.line_count(), &mut budget).expect("the second document");
        assert!(limited(&second), "the second finds the budget spent: {:?}", second.diagnostics);
        assert_eq!(second.records.len(), 9, "its objects are still read");
    }

    #[test]
    fn limits_copies_of_references() {
        // Each object holds two references to the previous one, doubling its size every time.
        let mut doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">{}</S></Props></Obj>\n", "x".repeat(1000));
        for n in 1..40 {
            doc += &format!(
                "<Obj RefId=\"{n}\"><Props><Ref N=\"A\" RefId=\"{}\" /><Ref N=\"B\" RefId=\"{}\" /></Props></Obj>\n",
                n - 1,
                n - 1
            );
        }
        doc += "</Objs>";
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 40);
        assert!(block.diagnostics.iter().any(|d| d.code == "clixml-reference-limit"));
    }
}
