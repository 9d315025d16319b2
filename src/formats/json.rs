//! ConvertTo-Json: the JSON text that `... | ConvertTo-Json` prints.
//!
//! A pipeline of several objects gives a top-level array with one object per element; a
//! single object gives a top-level object. Each object becomes one [`Record`]; nested arrays
//! and objects become [`Value::List`] and [`Value::Object`], so that nothing is flattened.
//!
//! The two PowerShell editions write the same data differently:
//!
//! - Windows PowerShell 5.1 puts two spaces after the colon (`"Name":  "EX01"`), indents
//!   arrays oddly deep (to the column after the property name), and escapes `<`, `>`, `'` and
//!   `&` as `\u003c`, `\u003e`, `\u0027` and `\u0026`. A certificate name `<I>...<S>...` thus
//!   reads `\u003cI\u003e...\u003cS\u003e...` until it is decoded. Some 5.1 pipelines wrap an
//!   array as `{"value": [ ... ], "Count": N}`; the wrapper is removed here.
//! - PowerShell 7 writes `"Name": "EX01"` with one space, indents by two spaces per level and
//!   leaves `<` and `>` as they are.
//!
//! Both write enums as numbers (`"TransportRole": 16384`) and `true`/`false`, which become the
//! texts `True` and `False` as PowerShell prints them. Numbers keep the literal as written.
//!
//! The core compiles to wasm without serde_json, so the small parser below is our own. It
//! works on bytes, gives every property the line of its key, limits nesting to
//! [`MAX_DEPTH`] levels (so deep input cannot overflow the stack) and never fails as a whole:
//! on a syntax error it keeps the complete top-level elements read before it and reports
//! `malformed-json`.

use super::{Block, Format, Prop, Record, Value, Wanted};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{LineCursor, LineNo, Source};
use std::rc::Rc;

/// The deepest nesting of arrays and objects that is read; the top-level value is level 1.
const MAX_DEPTH: usize = 128;

/// What to paste instead of a broken document.
const HINT: &str = "Paste the complete output of ConvertTo-Json: it starts with [ or { and ends with ] or }.";

/// Reads one ConvertTo-Json document whose first non-space character on line `start` is `[` or `{`.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    if start == 0 || start > src.line_count() || end < start {
        return None;
    }
    let first = src.line(start).bytes().find(|&b| !is_space(b));
    if !matches!(first, Some(b'[' | b'{')) {
        return None;
    }
    let from = src.offset_of_line(start);
    let mut parser = Parser {
        src,
        bytes: src.text().as_bytes(),
        from,
        pos: from,
        // The offset of the line after `end` is where reading must stop (the text length after the last line).
        limit: src.offset_of_line(end.min(src.line_count()) + 1),
        lines: src.line_cursor(),
        names: Vec::new(),
        strings_read: 0,
        wanted,
    };
    let mut elements = Vec::new();
    match parser.document(&mut elements) {
        Ok(top) => Some(parser.finish(start, top, elements)),
        Err(error) => {
            // A line such as `[PS] C:\>` or `{[::]:25, 0.0.0.0:25}` starts with a bracket but is no
            // JSON. When the very first line breaks before any text in quotes was read, decline it
            // so that the other parsers can try.
            let not_json = matches!(error.problem, Problem::Unexpected(_))
                && parser.strings_read == 0
                && src.line_of_offset(error.at) == start;
            if not_json {
                return None;
            }
            Some(parser.fail(start, error, elements))
        }
    }
}

/// JSON white space. Line ends are `\n` only after decoding; `\r` is accepted anyway.
#[inline(always)]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// One element of an array, with the lines where it starts and ends.
struct Element {
    value: Value,
    first_line: LineNo,
    last_line: LineNo,
}

/// The shape of a document that was read completely.
enum Top {
    /// A top-level array, or a 5.1 `{"value": [...], "Count": N}` wrapper: the records are the elements.
    Elements,
    /// A single top-level object.
    Object(Vec<Prop>),
}

/// Why reading stopped, and at which byte offset.
struct Error {
    at: usize,
    problem: Problem,
}

enum Problem {
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
enum Missing {
    Value,
    Bracket,
    Brace,
    Quote,
}

struct Parser<'a> {
    src: &'a Source<'a>,
    bytes: &'a [u8],
    /// The offset where the document's first line starts.
    from: usize,
    /// The offset of the next byte to read.
    pos: usize,
    /// The offset where reading must stop: the end of the last line the caller allows.
    limit: usize,
    /// Finds the line of an offset; the parser asks for offsets in the order it reads them.
    lines: LineCursor<'a>,
    /// Property names read so far, by nesting depth and position in the object. The objects of
    /// an export repeat their names in the same order, so a name is mostly found here, and all
    /// records share one copy of it.
    names: Vec<Vec<Rc<str>>>,
    /// Strings (keys and values) read so far; a broken first line without any is not JSON.
    strings_read: usize,
    /// The properties records keep; the others are dropped as soon as each record is read, so
    /// that a large export is never held whole with every property.
    pub(super) wanted: Wanted,
}

impl Parser<'_> {
    /// Reads the top-level value.
    ///
    /// Complete elements of a top-level array, or of the array inside a 5.1 wrapper, are pushed to
    /// `elements` as soon as each one is read, so that they survive an error further on.
    fn document(&mut self, elements: &mut Vec<Element>) -> Result<Top, Error> {
        self.skip_space();
        if self.peek() == Some(b'[') {
            self.elements(1, elements, true)?;
            return Ok(Top::Elements);
        }
        // The caller checked that the first character is `[` or `{`.
        let mut props = self.object(1, Some(elements))?;
        let wrapper = props.len() == 2
            && props[0].name.eq_ignore_ascii_case("value")
            && matches!(props[0].value, Value::List(_))
            && props[1].name.eq_ignore_ascii_case("Count");
        if wrapper {
            return Ok(Top::Elements);
        }
        // An object whose first property happens to be an array named `value` is no wrapper:
        // its elements go back into the property.
        if let Some(first) = props.first_mut() {
            if !elements.is_empty() {
                first.value = Value::List(elements.drain(..).map(|e| e.value).collect());
            }
        }
        Ok(Top::Object(props))
    }

    /// Builds the block of a document that was read completely; the closing bracket is just before `pos`.
    fn finish(&self, start: LineNo, top: Top, elements: Vec<Element>) -> Block {
        let close_line = self.lines.line_of_offset(self.pos - 1);
        let mut block = Block::new(Format::ConvertToJson, start, close_line);
        block.records = match top {
            Top::Elements => records(elements),
            Top::Object(mut props) => {
                super::keep_wanted(&mut props, self.wanted);
                vec![Record { type_name: None, first_line: start, last_line: close_line, props }]
            }
        };
        // The closing line is understood only when nothing but white space follows the bracket.
        let rest = &self.bytes[self.pos..self.limit];
        let rest = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
        if rest.iter().all(|&b| is_space(b)) {
            block.understood.push((start, close_line));
        } else if close_line > start {
            block.understood.push((start, close_line - 1));
        }
        block
    }

    /// Builds the block of a document that broke off: the complete elements and one diagnostic.
    fn fail(&self, start: LineNo, error: Error, elements: Vec<Element>) -> Block {
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

    fn peek(&self) -> Option<u8> {
        if self.pos < self.limit {
            Some(self.bytes[self.pos])
        } else {
            None
        }
    }

    /// Steps over white space. ConvertTo-Json indents every line by its depth, so this runs over
    /// a good part of the text: a plain loop over the bytes, which the size-optimised wasm build
    /// keeps inline (a loop over `peek` cost a call per byte there).
    fn skip_space(&mut self) {
        const EIGHT_SPACES: u64 = u64::from_ne_bytes([b' '; 8]);
        let bytes = &self.bytes[..self.limit];
        let mut pos = self.pos;
        // Windows PowerShell indents by whole runs of spaces: eight at a time, then byte by byte.
        while let Some(eight) = bytes.get(pos..pos + 8) {
            if u64::from_ne_bytes([eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7]])
                != EIGHT_SPACES
            {
                break;
            }
            pos += 8;
        }
        while pos < bytes.len() && is_space(bytes[pos]) {
            pos += 1;
        }
        self.pos = pos;
    }

    fn line_here(&self) -> LineNo {
        self.lines.line_of_offset(self.pos)
    }

    fn unexpected(&self, expected: &'static str) -> Error {
        Error { at: self.pos, problem: Problem::Unexpected(expected) }
    }

    fn end(&self, missing: Missing, opened: usize) -> Error {
        Error { at: self.pos, problem: Problem::End { missing, opened } }
    }

    /// Steps over the `[` or `{` at `pos` of a container at nesting level `depth`, giving its offset.
    fn enter(&mut self, depth: usize) -> Result<usize, Error> {
        if depth > MAX_DEPTH {
            return Err(Error { at: self.pos, problem: Problem::TooDeep });
        }
        self.pos += 1;
        Ok(self.pos - 1)
    }

    /// Reads any value that sits inside a container at nesting level `depth`.
    fn value(&mut self, depth: usize) -> Result<Value, Error> {
        self.skip_space();
        match self.peek() {
            Some(b'[') => self.array(depth + 1),
            Some(b'{') => Ok(Value::object(None, self.object(depth + 1, None)?)),
            Some(b'"') => Ok(Value::Text(self.text()?)),
            Some(b't') => self.literal("true", Value::Text("True".into())),
            Some(b'f') => self.literal("false", Value::Text("False".into())),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.unexpected("a value")),
            None => Err(self.end(Missing::Value, self.pos)),
        }
    }

    /// Reads an array at nesting level `depth`; the `[` is at `pos`.
    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.elements(depth, &mut items, false)?;
        Ok(Value::List(items.into_iter().map(|e| e.value).collect()))
    }

    /// Reads an array at nesting level `depth`, pushing each element to `out` once it is complete.
    fn elements(&mut self, depth: usize, out: &mut Vec<Element>, records: bool) -> Result<(), Error> {
        let open = self.enter(depth)?;
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            self.skip_space();
            let first_line = self.line_here();
            let mut value = self.value(depth)?;
            if let (true, Value::Object(object)) = (records, &mut value) {
                // Now, record by record, rather than when the whole document has been read.
                super::keep_wanted(&mut object.props, self.wanted);
            }
            out.push(Element { value, first_line, last_line: self.lines.line_of_offset(self.pos - 1) });
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(_) => return Err(self.unexpected("a comma or the closing ]")),
                None => return Err(self.end(Missing::Bracket, open)),
            }
        }
    }

    /// Reads an object at nesting level `depth`; the `{` is at `pos`.
    ///
    /// With `wrapped`, a first property named `value` that holds an array is read element by
    /// element into `wrapped`, and the property itself is left as an empty list: this is how the
    /// 5.1 wrapper `{"value": [...], "Count": N}` keeps its complete elements when the text breaks
    /// off inside it (see [`Parser::document`]).
    fn object(&mut self, depth: usize, mut wrapped: Option<&mut Vec<Element>>) -> Result<Vec<Prop>, Error> {
        let open = self.enter(depth)?;
        // Sized for as many properties as the names known at this depth (the most an object there
        // had so far): objects of an export come in runs of one type, and the room left over is
        // given back at the `}`.
        let mut props = Vec::with_capacity(self.names.get(depth).map_or(0, Vec::len));
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(props);
        }
        loop {
            self.skip_space();
            let line = self.line_here();
            let name = match self.peek() {
                Some(b'"') => self.name(depth, props.len())?,
                Some(_) => return Err(self.unexpected("a property name in double quotes")),
                None => return Err(self.end(Missing::Brace, open)),
            };
            self.skip_space();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(_) => return Err(self.unexpected("a colon after the property name")),
                None => return Err(self.end(Missing::Brace, open)),
            }
            self.skip_space();
            let value = match wrapped.take() {
                Some(out) if props.is_empty() && name.eq_ignore_ascii_case("value") && self.peek() == Some(b'[') => {
                    self.elements(depth + 1, out, true)?;
                    Value::List(Vec::new())
                }
                _ => self.value(depth)?,
            };
            // Duplicate names are kept: the record's `get` finds the first, as PowerShell would.
            props.push(Prop::new(name, value, line));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    // Objects of several types share a depth, so the guessed room can be too much.
                    props.shrink_to_fit();
                    return Ok(props);
                }
                Some(_) => return Err(self.unexpected("a comma or the closing }")),
                None => return Err(self.end(Missing::Brace, open)),
            }
        }
    }

    /// Reads `true`, `false` or `null`, spelled `word`.
    fn literal(&mut self, word: &str, value: Value) -> Result<Value, Error> {
        if self.bytes[self.pos..self.limit].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// Reads a number and keeps its literal text: `16384`, `-1`, `1.5E+20`.
    fn number(&mut self) -> Result<Value, Error> {
        let begin = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.unexpected("a digit")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.required_digits()?;
        }
        // The literal is ASCII, so the slice cannot split a character.
        let literal = String::from_utf8_lossy(&self.bytes[begin..self.pos]);
        Ok(Value::Text(literal.into()))
    }

    fn digits(&mut self) {
        let bytes = &self.bytes[..self.limit];
        let mut pos = self.pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        self.pos = pos;
    }

    fn required_digits(&mut self) -> Result<(), Error> {
        if !self.peek().is_some_and(|b| b.is_ascii_digit()) {
            return Err(self.unexpected("a digit"));
        }
        self.digits();
        Ok(())
    }

    /// Reads a string; the `"` is at `pos`. A string without escapes (nearly every one) is made
    /// once from the source, not built up and copied.
    fn text(&mut self) -> Result<Rc<str>, Error> {
        let rest = &self.bytes[self.pos + 1..self.limit];
        if let Some(found) = memchr::memchr3(b'"', b'\\', b'\n', rest).filter(|&found| rest[found] == b'"') {
            if let Some(run) = self.src.text().get(self.pos + 1..self.pos + 1 + found) {
                self.pos += found + 2;
                self.strings_read += 1;
                return Ok(run.into());
            }
        }
        self.string().map(Rc::from)
    }

    /// Reads text in double quotes and decodes its escapes; the `"` is at `pos`.
    ///
    /// Runs of plain bytes are copied whole, so the time is linear in the length. Every run starts
    /// and ends next to an ASCII byte (`"`, `\` or the end of an escape), so it is always whole
    /// UTF-8. Broken escapes and lone surrogates become U+FFFD rather than an error.
    fn string(&mut self) -> Result<String, Error> {
        let opened = self.pos;
        self.pos += 1;
        let mut text = String::new();
        loop {
            let rest = &self.bytes[self.pos..self.limit];
            let Some(found) = memchr::memchr3(b'"', b'\\', b'\n', rest) else {
                self.pos = self.limit;
                return Err(self.end(Missing::Quote, opened));
            };
            // The source is text already, so the run is borrowed from it, not validated again.
            match self.src.text().get(self.pos..self.pos + found) {
                Some(run) => text.push_str(run),
                None => text.push_str(&String::from_utf8_lossy(&rest[..found])),
            }
            self.pos += found;
            match self.bytes[self.pos] {
                b'"' => {
                    self.pos += 1;
                    self.strings_read += 1;
                    return Ok(text);
                }
                b'\n' => return Err(Error { at: self.pos, problem: Problem::LineEndInString { opened } }),
                _ => self.escape(&mut text),
            }
        }
    }

    /// Reads the name of the property at position `at` of an object at nesting level `depth`;
    /// the `"` is at `pos`. A name as the one last read at that place is shared, not made again.
    fn name(&mut self, depth: usize, at: usize) -> Result<Rc<str>, Error> {
        if self.names.len() <= depth {
            self.names.resize_with(depth + 1, Vec::new);
        }
        if let Some(known) = self.names[depth].get(at) {
            // Only names without `"`, `\` or a line end are kept, so text equal to one is
            // the whole name, without escapes, when a `"` follows it.
            let len = known.len();
            let rest = &self.bytes[self.pos + 1..self.limit];
            if rest.get(len) == Some(&b'"') && &rest[..len] == known.as_bytes() {
                let name = known.clone();
                self.pos += len + 2;
                self.strings_read += 1;
                return Ok(name);
            }
        }
        let name = self.text()?;
        if !name.bytes().any(|b| matches!(b, b'"' | b'\\' | b'\n')) {
            let names = &mut self.names[depth];
            if at < names.len() {
                names[at] = name.clone();
            } else if at == names.len() {
                names.push(name.clone());
            }
        }
        Ok(name)
    }

    /// Decodes the escape whose `\` is at `pos` into `text`.
    fn escape(&mut self, text: &mut String) {
        let Some(&kind) = self.bytes[..self.limit].get(self.pos + 1) else {
            // A `\` at the very end: the caller reports the missing quote.
            text.push('\u{FFFD}');
            self.pos += 1;
            return;
        };
        let simple = match kind {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{C}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(c) = simple {
            text.push(c);
            self.pos += 2;
        } else if kind == b'u' {
            text.push(self.unicode_escape());
        } else if kind.is_ascii() && kind != b'\n' {
            // An unknown escape such as `\x`: both characters are replaced.
            text.push('\u{FFFD}');
            self.pos += 2;
        } else {
            // A `\` before a line end or a non-ASCII character: only the `\` is replaced, so that
            // the next run starts on a character boundary and a line end is still noticed.
            text.push('\u{FFFD}');
            self.pos += 1;
        }
    }

    /// Decodes `\uXXXX` at `pos`, joining a surrogate pair `\uD83D\uDE00` into one character.
    fn unicode_escape(&mut self) -> char {
        let Some(unit) = self.hex4(self.pos + 2) else {
            // Too few hex digits: replace the `\u` and read on after it.
            self.pos += 2;
            return '\u{FFFD}';
        };
        self.pos += 6;
        match unit {
            0xD800..=0xDBFF => {
                let low = match (self.bytes[..self.limit].get(self.pos..self.pos + 2), self.hex4(self.pos + 2)) {
                    (Some(b"\\u"), Some(low @ 0xDC00..=0xDFFF)) => low,
                    // A high surrogate without its low half.
                    _ => return '\u{FFFD}',
                };
                self.pos += 6;
                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).unwrap_or('\u{FFFD}')
            }
            // A low surrogate alone, or any other code unit.
            _ => char::from_u32(unit).unwrap_or('\u{FFFD}'),
        }
    }

    /// The value of four hex digits at `at`, if there are four.
    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes[..self.limit].get(at..at + 4)?;
        digits.iter().try_fold(0u32, |acc, &b| Some(acc * 16 + (b as char).to_digit(16)?))
    }
}

/// One record per element that is an object; other elements carry nothing to check.
fn records(elements: Vec<Element>) -> Vec<Record> {
    elements
        .into_iter()
        .filter_map(|e| match e.value {
            Value::Object(object) => {
                Some(Record { type_name: None, first_line: e.first_line, last_line: e.last_line, props: object.props })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<Block> {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), crate::formats::every_property)
    }

    #[test]
    fn names_repeated_at_one_place_are_read_as_written() {
        // The second object of each pair spells its names otherwise than the first, at the same
        // places: escaped, longer, shorter, or with a quote inside.
        let text = r#"[{"ab":1,"Name":2,"a\"b":3},{"a\u0062":4,"NameX":5,"a\"b":6},{"ab":7,"Nam":8,"x":{"ab":9}}]"#;
        let block = read(text).unwrap();
        let names: Vec<Vec<&str>> = block.records.iter().map(|r| r.props.iter().map(|p| &*p.name).collect()).collect();
        assert_eq!(names, [vec!["ab", "Name", "a\"b"], vec!["ab", "NameX", "a\"b"], vec!["ab", "Nam", "x"]]);
        let nested = block.records[2].get("x").unwrap().value.field("ab").and_then(Value::as_text);
        assert_eq!(nested, Some("9"));
    }

    fn text<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
        record.get(name).and_then(|p| p.value.as_text())
    }

    const PS51: &str = r#"[
    {
        "Identity":  "EX01\\Default Frontend EX01",
        "Name":  "Default Frontend EX01",
        "Enabled":  true,
        "TlsCertificateName":  "\u003cI\u003eCN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US\u003cS\u003eCN=mail.contoso.com",
        "TlsDomainCapabilities":  [
                                      "\u003cI\u003eCN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com\u003cS\u003eCN=mail.protection.outlook.com:AcceptCloudServicesMail"
                                  ]
    },
    {
        "Identity":  "EX01\\Client Frontend EX01",
        "Name":  "Client Frontend EX01",
        "Enabled":  false,
        "TlsCertificateName":  null,
        "TlsDomainCapabilities":  [
                                  ]
    }
]
"#;

    #[test]
    fn reads_ps51_selected_output() {
        let block = read(PS51).expect("a block");
        assert_eq!(block.format, Format::ConvertToJson);
        assert_eq!((block.first_line, block.last_line), (1, 19));
        assert_eq!(block.understood, vec![(1, 19)]);
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!((first.first_line, first.last_line), (2, 10));
        assert_eq!(first.type_name, None);
        assert_eq!(text(first, "identity"), Some(r"EX01\Default Frontend EX01"));
        assert_eq!(text(first, "Enabled"), Some("True"));
        assert_eq!(first.get("Name").map(|p| p.line), Some(4));
        assert_eq!(
            text(first, "TlsCertificateName"),
            Some("<I>CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US<S>CN=mail.contoso.com")
        );
        let Some(Value::List(caps)) = first.get("TlsDomainCapabilities").map(|p| &p.value) else {
            panic!("TlsDomainCapabilities is not a list");
        };
        assert_eq!(caps.len(), 1);
        assert!(caps[0].as_text().is_some_and(|c| c.starts_with("<I>CN=MSIT Machine Auth CA 2, DC=redmond")));
        let second = &block.records[1];
        assert_eq!((second.first_line, second.last_line), (11, 18));
        assert_eq!(text(second, "Enabled"), Some("False"));
        assert_eq!(second.get("TlsCertificateName").map(|p| &p.value), Some(&Value::Null));
        assert_eq!(second.get("TlsDomainCapabilities").map(|p| &p.value), Some(&Value::List(Vec::new())));
    }

    const PS7_RAW: &str = r#"[
  {
    "Identity": {
      "Name": "Default Frontend EX01",
      "DistinguishedName": "CN=Default Frontend EX01,CN=SMTP Receive Connectors,CN=Protocols,CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com",
      "Depth": 13
    },
    "Name": "Default Frontend EX01",
    "Server": {
      "Name": "EX01",
      "DistinguishedName": "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"
    },
    "TransportRole": 16384,
    "MaxMessageSize": -1.5E+3,
    "TlsDomainCapabilities": [
      {
        "Domain": "mail.protection.outlook.com",
        "Capabilities": 512,
        "SmtpX509Identifier": "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US"
      }
    ]
  }
]"#;

    #[test]
    fn reads_ps7_raw_output_with_nested_objects() {
        let block = read(PS7_RAW).expect("a block");
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.last_line, 23);
        assert_eq!(block.records.len(), 1);
        let record = &block.records[0];
        let server = &record.get("Server").expect("Server").value;
        assert_eq!(server.field("name").and_then(Value::as_text), Some("EX01"));
        assert_eq!(record.get("Identity").and_then(|p| p.value.field("Depth")), Some(&Value::Text("13".into())));
        assert_eq!(text(record, "TransportRole"), Some("16384"));
        assert_eq!(text(record, "MaxMessageSize"), Some("-1.5E+3"));
        let Some(Value::List(caps)) = record.get("TlsDomainCapabilities").map(|p| &p.value) else {
            panic!("TlsDomainCapabilities is not a list");
        };
        assert_eq!(caps[0].field("Capabilities").and_then(Value::as_text), Some("512"));
        assert!(caps[0]
            .field("SmtpX509Identifier")
            .and_then(Value::as_text)
            .is_some_and(|s| s.starts_with("<I>CN=MSIT Machine Auth CA 2") && s.ends_with("C=US")));
        let Value::Object(object) = &caps[0] else { panic!("not an object") };
        assert_eq!(object.display, None);
        assert_eq!(object.props[0].line, 17);
    }

    #[test]
    fn unwraps_the_ps51_value_wrapper() {
        let text = "{\n    \"value\":  [\n                  {\n                      \"Name\":  \"A\"\n                  },\n                  {\n                      \"Name\":  \"B\"\n                  }\n              ],\n    \"Count\":  2\n}\n";
        let block = read(text).expect("a block");
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.last_line, 11);
        let names: Vec<_> = block.records.iter().map(|r| r.get("Name").and_then(|p| p.value.as_text())).collect();
        assert_eq!(names, vec![Some("A"), Some("B")]);
        assert_eq!((block.records[1].first_line, block.records[1].last_line), (6, 8));
    }

    #[test]
    fn reads_a_single_object_and_keeps_a_value_property_that_is_no_wrapper() {
        let block = read("{\"value\": [1, 2], \"Name\": \"A\", \"Name\": \"B\"}  \nWARNING: next\n").expect("a block");
        assert_eq!(block.records.len(), 1);
        let record = &block.records[0];
        assert_eq!(record.props.len(), 3);
        assert_eq!(record.props[0].value, Value::List(vec![Value::Text("1".into()), Value::Text("2".into())]));
        assert_eq!(block.understood, vec![(1, 1)]);
        assert_eq!(block.last_line, 1);
    }

    #[test]
    fn keeps_complete_records_of_a_truncated_document() {
        let cut = PS51.trim_end().strip_suffix(']').expect("a closing bracket");
        let block = read(cut).expect("a block");
        assert_eq!(block.records.len(), 2);
        assert_eq!(block.last_line, 18);
        assert_eq!(block.understood, vec![(1, 18)]);
        assert_eq!(block.diagnostics.len(), 1);
        let diagnostic = &block.diagnostics[0];
        assert_eq!(diagnostic.code, "malformed-json");
        assert_eq!(diagnostic.line, Some(18));
        assert!(diagnostic.message.contains("closing ]"), "{}", diagnostic.message);

        // Cut inside the second object: only the first survives.
        let cut: String = PS51.lines().take(13).map(|l| format!("{l}\n")).collect();
        let block = read(&cut).expect("a block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 10)]);
        assert_eq!(block.last_line, 13);
    }

    #[test]
    fn stops_before_other_output_that_follows_a_cut_document() {
        let text = "[\n  {\n    \"Name\": \"A\"\n  },\n  {\n    \"Name\": \"B\",\n[PS] C:\\>Get-SendConnector\n";
        let block = read(text).expect("a block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.last_line, 6);
        assert_eq!(block.diagnostics[0].line, Some(6));
    }

    #[test]
    fn declines_lines_that_only_start_with_a_bracket() {
        assert!(read("[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl").is_none());
        assert!(read("{[::]:25, 0.0.0.0:25}").is_none());
        assert!(read("RunspaceId : 1").is_none());
        assert!(read("").is_none());
    }

    #[test]
    fn decodes_escapes_and_survives_broken_ones() {
        let block =
            read(r#"{"a": "\u003c\u003e\u0027\u0026 \"q\" \\ \/ \t\n \ud83d\ude00 \ud83d x \ude00 \q \u12 é"}"#)
                .expect("a block");
        let value = text(&block.records[0], "a");
        assert_eq!(value, Some("<>'& \"q\" \\ / \t\n \u{1F600} \u{FFFD} x \u{FFFD} \u{FFFD} \u{FFFD}12 é"));
    }

    #[test]
    fn reports_a_line_end_inside_a_string() {
        let block = read("[\n  {\"Name\": \"Default Fr\n  }\n]").expect("a block");
        assert!(block.records.is_empty());
        assert_eq!(block.diagnostics[0].line, Some(2));
        assert_eq!(block.last_line, 2);
    }

    #[test]
    fn stops_at_the_given_end_line() {
        let src = Source::new("[\n  1,\n  2\n]\n".to_string());
        let block = parse(&src, 1, 3, crate::formats::every_property).expect("a block");
        assert_eq!(block.last_line, 3);
        assert_eq!(block.diagnostics[0].code, "malformed-json");
    }

    #[test]
    fn deep_nesting_is_reported_without_overflow() {
        let block = read(&"[".repeat(10_000)).expect("a block");
        assert!(block.records.is_empty());
        assert_eq!(block.diagnostics.len(), 1);
        assert!(block.diagnostics[0].message.contains("deeper than 128 levels"));

        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(read(&fine).expect("a block").diagnostics.is_empty());
        let deep_objects = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
        assert_eq!(read(&deep_objects).expect("a block").diagnostics.len(), 1);
    }
}
