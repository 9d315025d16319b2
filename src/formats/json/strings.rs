//! Text in double quotes: values and property names, made once from the source when they hold
//! no escape and decoded when they do; a name is shared by the objects that repeat it.

use super::errors::{Error, Missing, Problem};
use super::parser::Parser;
use std::rc::Rc;

impl Parser<'_> {
    /// Reads a string; the `"` is at `pos`. A string without escapes (nearly every one) is made
    /// once from the source, not built up and copied.
    pub(super) fn text(&mut self) -> Result<Rc<str>, Error> {
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
    pub(super) fn name(&mut self, depth: usize, at: usize) -> Result<Rc<str>, Error> {
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
