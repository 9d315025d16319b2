//! Format-List: `Label<padding> : value` lines, one object per run of non-blank lines.
//!
//! PowerShell pads every label to the longest label of the object, so the ` : ` separator
//! sits in the same column on every property line of one object; that column differs from
//! object to object and is never assumed. A value longer than the console wraps onto
//! continuation lines indented to the value column (label width + 3). In en, fr, de, it, pt
//! and es cultures the wrap is by word and the breaking space stays at the end of the line;
//! in other cultures the line is cut at the exact width. Either way the pieces join without
//! adding anything, provided the trailing spaces survived the copy. When they did not, the
//! join has to guess, and the value is marked `inexact`.

use super::{ends_with_cut_mark, Block, Format, Prop, Record, Value};
use crate::source::{is_blank, LineNo, Source};

/// Reads one Format-List object starting at `start`.
pub fn parse(src: &Source, start: LineNo, end: LineNo) -> Option<Block> {
    let (_, _, width) = property_line(src.line(start), None)?;
    let value_column = width + 3;
    let mut record = Record { first_line: start, last_line: start, ..Record::default() };
    let mut pending: Option<PendingProp> = None;
    let mut n = start;
    while n <= end {
        let line = src.line(n);
        if is_blank(line) {
            break;
        }
        if let Some((label, value, _)) = property_line(line, Some(width)) {
            if let Some(done) = pending.take() {
                record.props.push(done.finish(src.trailing_space_kept()));
            }
            pending =
                Some(PendingProp { name: label.to_owned(), line: n, chunks: vec![(value, line.trim_end().len())] });
        } else if let (Some(prop), Some(rest)) = (pending.as_mut(), continuation(line, value_column)) {
            prop.chunks.push((rest, line.trim_end().len()));
        } else {
            break;
        }
        record.last_line = n;
        n += 1;
    }
    if let Some(done) = pending.take() {
        record.props.push(done.finish(src.trailing_space_kept()));
    }
    let mut block = Block::new(Format::FormatList, start, record.last_line);
    block.understood.push((start, record.last_line));
    block.records.push(record);
    Some(block)
}

/// Splits a property line into label and value. With `width`, the separator must sit in that column.
///
/// Returns the label, the raw value (trailing spaces kept) and the label width.
pub fn property_line(line: &str, width: Option<usize>) -> Option<(&str, &str, usize)> {
    let bytes = line.as_bytes();
    if bytes.first().is_none_or(|b| b.is_ascii_whitespace()) {
        return None;
    }
    let at = match width {
        Some(w) => w,
        None => separator(bytes)?,
    };
    let is_separator = bytes.get(at) == Some(&b' ')
        && bytes.get(at + 1) == Some(&b':')
        && matches!(bytes.get(at + 2), None | Some(&b' '));
    if !is_separator {
        return None;
    }
    let label = line[..at].trim_end();
    if label.is_empty() || label.contains("  ") || label.contains(':') {
        return None;
    }
    let value = line.get(at + 3..).unwrap_or("");
    Some((label, value, at))
}

/// The column of the first ` : ` (or a final ` :` whose trailing space was lost).
fn separator(bytes: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b':', &bytes[from..]).map(|i| i + from) {
        if i > 0 && bytes[i - 1] == b' ' && matches!(bytes.get(i + 1), None | Some(&b' ')) {
            return Some(i - 1);
        }
        from = i + 1;
    }
    None
}

/// The text of a continuation line: it starts with exactly the value column's worth of spaces.
fn continuation(line: &str, value_column: usize) -> Option<&str> {
    let indent = line.get(..value_column)?;
    if indent.bytes().all(|b| b == b' ') && !is_blank(&line[value_column..]) {
        Some(&line[value_column..])
    } else {
        None
    }
}

struct PendingProp<'a> {
    name: String,
    line: LineNo,
    /// Each piece of the value with the trimmed length of the whole line it came from.
    chunks: Vec<(&'a str, usize)>,
}

impl PendingProp<'_> {
    fn finish(self, trailing_space_kept: bool) -> Prop {
        let (text, inexact) = join(&self.chunks, trailing_space_kept);
        let truncated = text.starts_with('{') && text.ends_with('}') && ends_with_cut_mark(&text[..text.len() - 1]);
        let value = if text.is_empty() { Value::Null } else { Value::Text(text) };
        Prop { name: self.name, value, line: self.line, truncated, inexact }
    }
}

/// Joins the pieces of a wrapped value; see the module documentation for the rules.
fn join(chunks: &[(&str, usize)], trailing_space_kept: bool) -> (String, bool) {
    if chunks.len() == 1 || trailing_space_kept {
        let text: String = chunks.iter().map(|(piece, _)| *piece).collect();
        return (text.trim_end().to_owned(), false);
    }
    // The trailing spaces were lost. A hard wrap fills every line but the last to the same
    // width; a word wrap leaves lines of different lengths, each of which lost one space.
    let wrapped = &chunks[..chunks.len() - 1];
    let hard_wrap = wrapped.len() >= 2 && wrapped.iter().all(|(_, len)| *len == wrapped[0].1);
    let mut text = String::new();
    for (i, (piece, _)) in chunks.iter().enumerate() {
        let piece = piece.trim_end();
        if i > 0 && !hard_wrap && !text.ends_with(char::is_whitespace) {
            text.push(' ');
        }
        text.push_str(piece);
    }
    (text, true)
}
