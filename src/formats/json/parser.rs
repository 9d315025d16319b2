//! The parser's state ([`Parser`]) and the reading of values: the top-level document, arrays,
//! objects, `true`, `false`, `null` and numbers.

use super::errors::{Error, Missing, Problem};
use super::{is_space, records, Element, Top, MAX_DEPTH};
use crate::formats::{Block, Format, Prop, Record, Value, Wanted};
use crate::source::{LineCursor, LineNo, Source};
use std::rc::Rc;

/// The reading of one document: where it is in the text, and the names it has read so far.
pub(super) struct Parser<'a> {
    pub(super) src: &'a Source<'a>,
    pub(super) bytes: &'a [u8],
    /// The offset where the document's first line starts.
    pub(super) from: usize,
    /// The offset of the next byte to read.
    pub(super) pos: usize,
    /// The offset where reading must stop: the end of the last line the caller allows.
    pub(super) limit: usize,
    /// Finds the line of an offset; the parser asks for offsets in the order it reads them.
    pub(super) lines: LineCursor<'a>,
    /// Property names read so far, by nesting depth and position in the object. The objects of
    /// an export repeat their names in the same order, so a name is mostly found here, and all
    /// records share one copy of it.
    pub(super) names: Vec<Vec<Rc<str>>>,
    /// Strings (keys and values) read so far; a broken first line without any is not JSON.
    pub(super) strings_read: usize,
    /// The properties records keep; the others are dropped as soon as each record is read, so
    /// that a large export is never held whole with every property.
    pub(super) wanted: Wanted,
}

impl Parser<'_> {
    /// Reads the top-level value.
    ///
    /// Complete elements of a top-level array, or of the array inside a 5.1 wrapper, are pushed to
    /// `elements` as soon as each one is read, so that they survive an error further on.
    pub(super) fn document(&mut self, elements: &mut Vec<Element>) -> Result<Top, Error> {
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
    pub(super) fn finish(&self, start: LineNo, top: Top, elements: Vec<Element>) -> Block {
        let close_line = self.lines.line_of_offset(self.pos - 1);
        let mut block = Block::new(Format::ConvertToJson, start, close_line);
        block.records = match top {
            Top::Elements => records(elements),
            Top::Object(mut props) => {
                crate::formats::keep_wanted(&mut props, self.wanted);
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

    pub(super) fn end(&self, missing: Missing, opened: usize) -> Error {
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
                crate::formats::keep_wanted(&mut object.props, self.wanted);
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
}
