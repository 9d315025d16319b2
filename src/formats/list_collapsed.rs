//! Format-List output whose runs of spaces a web page collapsed: `Identity : EX01\Default
//! Frontend EX01`, each label followed by one space whatever its length, and the continuation
//! lines of a wrapped value without their indentation (HTML drops white space at the start of a
//! line). Forums and Q&A sites that show a paste as ordinary text do this.
//!
//! The ` : ` separators then stand in a different column on every line, which the console never
//! prints: it pads every label of an object to the longest one. So two property lines in a row
//! whose labels are both unpadded and end in different columns say that the copy collapsed the
//! padding (see [`is_collapsed`]), and the object is read line by line, each property line with
//! its own separator.
//!
//! A continuation line has lost its indentation, so it looks like any other text. It is read as
//! one only when it is shaped like the rest of a wrapped value: inside a list that is still open
//! (`{` not yet closed by `}`), after a piece that ends at a comma, or when its first word holds
//! `=` or ends at a comma, as the pieces of distinguished names and certificate names do. Any
//! other line (the author's prose right after the output) ends the object. The trailing spaces
//! at the wrap points are lost as well, so a wrapped value is joined with one space at each wrap.
//!
//! The copy collapsed every run of spaces, inside values too (a connector named `Relay  App`
//! arrives as `Relay App`), so no value of such an object is exact: each is marked `inexact`,
//! compared without white space and never quoted in a command.

use super::list::{property_line, Labels};
use super::{ends_with_cut_mark, Block, Format, Prop, Record, Value, Wanted};
use crate::source::{is_blank, trim, LineNo, Source};

/// How many lines after an object's first line are looked at for its second property line.
const LOOK_AHEAD: LineNo = 8;

/// Whether the Format-List object that starts at `start`, whose first label is unpadded and
/// ends at `width`, was collapsed: its next property line has an unpadded label too, ending in
/// another column. Continuation lines before it are skipped.
pub fn is_collapsed(src: &Source, start: LineNo, end: LineNo, width: usize) -> bool {
    let last = end.min(start.saturating_add(LOOK_AHEAD));
    for line in src.lines_from(start + 1).take(last.saturating_sub(start) as usize) {
        if is_blank(line) {
            return false;
        }
        if let Some((label, _, other)) = property_line(line, None) {
            return label.len() == other && other != width;
        }
    }
    false
}

/// Reads one collapsed Format-List object starting at `start`; see the module documentation.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted, labels: &mut Labels) -> Block {
    let mut record = Record { first_line: start, last_line: start, ..Record::default() };
    let first_label = property_line(src.line(start), None).map_or("", |(label, _, _)| label);
    // The property being read (its position, line and whether it is wanted) and its text so far.
    let mut current: Option<(usize, LineNo, bool)> = None;
    let mut text = String::new();
    let mut at = 0;
    for (n, line) in (start..=end).zip(src.lines_from(start)) {
        if is_blank(line) {
            break;
        }
        if let Some((label, value, width)) = property_line(line, None) {
            if n > start && label == first_label {
                break;
            }
            finish(&mut record, labels, current.take(), &text);
            let keep = labels.learn(at, line, width + 3, label, wanted);
            current = Some((at, n, keep));
            text.clear();
            text.push_str(trim(value));
            at += 1;
        } else if current.is_some() && continues(&text, trim(line)) {
            if !text.is_empty() && !text.ends_with(' ') {
                text.push(' ');
            }
            text.push_str(trim(line));
        } else {
            break;
        }
        record.last_line = n;
    }
    finish(&mut record, labels, current, &text);
    let mut block = Block::new(Format::FormatList, start, record.last_line);
    block.understood = vec![(start, record.last_line)];
    block.records = vec![record];
    block
}

/// Whether `line`, a line of text that is no property line, is the next piece of the value read
/// so far; see the module documentation.
fn continues(value: &str, line: &str) -> bool {
    let open_list = value.starts_with('{') && !value.ends_with('}');
    let first_word = line.split(' ').next().unwrap_or("");
    open_list || value.ends_with(',') || first_word.contains('=') || first_word.ends_with(',')
}

/// Adds the property read so far to the record, when it is wanted.
fn finish(record: &mut Record, labels: &mut Labels, current: Option<(usize, LineNo, bool)>, text: &str) {
    let Some((at, line, true)) = current else { return };
    let truncated = text.starts_with('{') && text.ends_with('}') && ends_with_cut_mark(&text[..text.len() - 1]);
    let value = if text.is_empty() { Value::Null } else { Value::Text(labels.value(at, text)) };
    let name = labels.name(at);
    record.props.push(Prop { name, value, line, truncated, inexact: true, not_current: false });
}
