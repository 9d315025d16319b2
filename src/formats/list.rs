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

use super::{ends_with_cut_mark, list_collapsed, Block, Format, Prop, Record, Value, Wanted};
use crate::source::{is_blank, trim_end, trim_padding, LineNo, Source};
use std::borrow::Cow;
use std::rc::Rc;

/// What the objects of one run of output share: Format-List prints the same labels, padded to
/// the same column, in the same order for every object of a cmdlet. So a line that starts with
/// exactly the text (label, padding and ` : `) that the line at the same position of an earlier
/// object started with is read without looking at its label again; whether a label is wanted is
/// asked once per position, and each kept name is made once and shared by every object. So are
/// values: the last few distinct values seen at each position are kept, and an object showing
/// one of them again (every default connector has the same bindings, every connector of a server
/// the same `Server`) gets the same copy.
///
/// It also keeps the reader's working room from object to object, so that it is allocated once
/// per input rather than once per object.
#[derive(Default)]
pub struct Labels {
    slots: Vec<Slot>,
    /// The properties of the object being read.
    pending: Vec<PendingProp>,
    /// The line of every piece of their values, in order; each property owns a range of it.
    pieces: Vec<LineNo>,
}

struct Slot {
    /// The line's text up to its value: label, padding and ` : `; empty when the line ended at
    /// ` :` (see [`Labels::learn`]).
    head: String,
    label: String,
    wanted: bool,
    name: Option<Rc<str>>,
    values: RecentValues,
}

/// The last few distinct values seen at one position, shared by every object that shows one of
/// them again. Measured (issue 17, CPU time on a busy machine, indicative): without it the
/// 100 MB Format-List took 2.5 % longer and peaked 11 MB (6 %) higher, the Exchange 2019 one 3 %
/// and 10 MB, and the 1 MB one peaked 0.16 MB higher, which the memory goal (2 × the input
/// above the process's floor) cannot spare; so it stays, for the memory.
#[derive(Default)]
struct RecentValues {
    /// At most [`RECENT_VALUES`]; the oldest is replaced first.
    values: Vec<Rc<str>>,
    /// Where the next new value goes once `values` is full.
    oldest: usize,
}

/// How many distinct values of one position are remembered: enough for the five default
/// receive connectors of a server, each with its own bindings and permissions.
const RECENT_VALUES: usize = 8;

impl RecentValues {
    /// The remembered copy of `text`, or a new one, remembered in place of the oldest.
    fn get(&mut self, text: &str) -> Rc<str> {
        let same = |value: &&Rc<str>| value.len() == text.len() && starts_with(value.as_bytes(), text.as_bytes());
        if let Some(value) = self.values.iter().find(same) {
            return value.clone();
        }
        let value: Rc<str> = text.into();
        if self.values.len() < RECENT_VALUES {
            self.values.push(value.clone());
        } else {
            self.values[self.oldest] = value.clone();
            self.oldest = (self.oldest + 1) % RECENT_VALUES;
        }
        value
    }
}

impl Labels {
    /// Whether the label is wanted, when `line` starts as the line at position `at` of an earlier
    /// object did; the value then starts at `head_len`.
    fn known(&self, at: usize, line: &str, head_len: usize) -> Option<bool> {
        let slot = self.slots.get(at)?;
        (slot.head.len() == head_len && starts_with(line.as_bytes(), slot.head.as_bytes())).then_some(slot.wanted)
    }

    /// Remembers the line at position `at`, read in full, and says whether its label is wanted.
    pub(super) fn learn(&mut self, at: usize, line: &str, head_len: usize, label: &str, wanted: Wanted) -> bool {
        // A line cut right after ` :` (its trailing space lost) is not remembered: another
        // line that starts with it need not have its value where this one would.
        let head = line.get(..head_len).unwrap_or("");
        if let Some(slot) = self.slots.get_mut(at).filter(|slot| slot.label == label) {
            slot.head.clear();
            slot.head.push_str(head);
            return slot.wanted;
        }
        let slot = Slot {
            head: head.to_owned(),
            label: label.to_owned(),
            wanted: wanted(label),
            name: None,
            values: RecentValues::default(),
        };
        let wanted = slot.wanted;
        match self.slots.get_mut(at) {
            Some(old) => *old = slot,
            None => self.slots.push(slot),
        }
        wanted
    }

    /// The shared name of the label at position `at` (read by [`Labels::known`] or
    /// [`Labels::learn`] just before).
    pub(super) fn name(&mut self, at: usize) -> Rc<str> {
        let slot = &mut self.slots[at];
        slot.name.get_or_insert_with(|| slot.label.as_str().into()).clone()
    }

    /// The shared copy of a value of the label at position `at`; see [`Labels`].
    pub(super) fn value(&mut self, at: usize, text: &str) -> Rc<str> {
        self.slots[at].values.get(text)
    }
}

/// `bytes.starts_with(prefix)`, eight bytes at a time: called for every property line with a
/// prefix of some 40 bytes, where a call to `memcmp` (slow in wasm) costs more than the comparison.
fn starts_with(bytes: &[u8], prefix: &[u8]) -> bool {
    let Some(bytes) = bytes.get(..prefix.len()) else { return false };
    let (words, rest) = (bytes.chunks_exact(8), prefix.chunks_exact(8));
    let (tail, prefix_tail) = (words.remainder(), rest.remainder());
    words.zip(rest).all(|(a, b)| u64::from_ne_bytes(a.try_into().unwrap()) == u64::from_ne_bytes(b.try_into().unwrap()))
        && tail.iter().zip(prefix_tail).all(|(a, b)| a == b)
}

/// Reads one Format-List object starting at `start`; builds values only for `wanted` properties.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted, labels: &mut Labels) -> Option<Block> {
    let (label, _, width) = property_line(src.line(start), None)?;
    if label.len() == width && list_collapsed::is_collapsed(src, start, end, width) {
        return Some(list_collapsed::parse(src, start, end, wanted, labels));
    }
    let value_column = width + 3;
    let mut record = Record { first_line: start, last_line: start, ..Record::default() };
    let (mut pending, mut pieces) = (std::mem::take(&mut labels.pending), std::mem::take(&mut labels.pieces));
    pending.clear();
    pieces.clear();
    let mut kept = 0;
    // Unwanted properties are noted only when the wrap mode must be guessed from every wrapped
    // line of the object (see `joining`); otherwise only their lines are counted.
    let note_all = !src.trailing_space_kept();
    // The position of the next property, and whether the last one was noted.
    let (mut at, mut noting) = (0, false);
    // Whether the last line was a piece a mail client's wrap broke off (see `is_rewrapped`).
    let mut rewrapping = false;
    let mut n = start;
    let mut lines = src.lines_from(start);
    while n <= end {
        let line = lines.next().unwrap_or("");
        if is_blank(line) {
            break;
        }
        let property = match labels.known(at, line, value_column) {
            Some(wanted) => Some(wanted),
            None => property_line(line, Some(width))
                .map(|(label, _, _)| labels.learn(at, line, value_column, label, wanted)),
        };
        // A value's pieces all start in the value column (see `piece`).
        if let Some(wanted) = property {
            rewrapping = false;
            kept += usize::from(wanted);
            noting = wanted || note_all;
            if noting {
                pending.push(PendingProp { at, line: n, pieces: pieces.len()..pieces.len() + 1, wanted });
                pieces.push(n);
            }
            at += 1;
        } else if at > 0 && (is_continuation(line, value_column) || is_rewrapped(src, n, end, width, rewrapping)) {
            rewrapping = !line.starts_with(' ');
            if let (true, Some(prop)) = (noting, pending.last_mut()) {
                prop.pieces.end += 1;
                pieces.push(n);
            }
        } else {
            break;
        }
        record.last_line = n;
        n += 1;
    }
    let joining = joining(src, &pending, &pieces);
    // Sized once: growing the vector property by property cost more than building the values.
    record.props = Vec::with_capacity(kept);
    for prop in pending.iter().filter(|prop| prop.wanted) {
        record.props.push(prop.finish(labels, src, &pieces, value_column, joining));
    }
    (labels.pending, labels.pieces) = (pending, pieces);
    let mut block = Block::new(Format::FormatList, start, record.last_line);
    // Sized exactly: a push would make room for four, and a paste can hold a hundred thousand
    // tiny objects (the hostile `tiny-objects` input: 15 of its 44 MB of heap).
    block.understood = vec![(start, record.last_line)];
    block.records = vec![record];
    Some(block)
}

/// Splits a property line into label and value. With `width`, the separator must sit in that column.
///
/// Returns the label, the raw value (trailing spaces kept) and the label width.
#[inline]
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
    let label = label_before(line, at)?;
    let value = line.get(at + 3..).unwrap_or("");
    Some((label, value, at))
}

/// The label in front of the separator at `at`, without its padding; `None` when it is empty,
/// holds a colon (a label is a property name) or holds a run of spaces inside (a calculated
/// property's label may have single spaces).
///
/// Called for every property line: the padding is skipped eight spaces at a time from the
/// separator back, and the label, a few bytes, is scanned once.
#[inline]
fn label_before(line: &str, at: usize) -> Option<&str> {
    const EIGHT_SPACES: [u8; 8] = [b' '; 8];
    let bytes = &line.as_bytes()[..at];
    let mut end = at;
    while end >= 8 && bytes[end - 8..end] == EIGHT_SPACES {
        end -= 8;
    }
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if end == 0 {
        return None;
    }
    let mut previous = 0;
    for &b in &bytes[..end] {
        if b == b':' || (b == b' ' && previous == b' ') {
            return None;
        }
        previous = b;
    }
    // The label ends before ASCII white space, so `end` is on a character boundary.
    Some(&line[..end])
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

/// True for a continuation line: it starts with exactly the value column's worth of spaces.
fn is_continuation(line: &str, value_column: usize) -> bool {
    line.get(..value_column).is_some_and(|indent| indent.bytes().all(|b| b == b' ')) && !is_blank(&line[value_column..])
}

/// The widths at which mail clients wrap plain text: RFC 3676 suggests 72 to 78 characters, and
/// Outlook wraps at 76 by default.
const MAIL_WRAP: (usize, usize) = (72, 80);

/// How many lines in a row a mail client's wrap may have broken off one value.
const REWRAPPED_LINES: LineNo = 6;

/// True for line `n`, unindented and no property line, when a mail client's wrap broke it off the
/// line before (see [`broken_off`]; `after_rewrap` when that line was itself such a piece), and
/// the object goes on after it (and at most a few more such lines) with a property or
/// continuation line in the object's columns. Its text is the rest of the value above; [`join`]
/// puts back the space lost at the break and marks the value inexact.
fn is_rewrapped(src: &Source, n: LineNo, end: LineNo, width: usize, after_rewrap: bool) -> bool {
    let mut k = n;
    while k < end && k < n + REWRAPPED_LINES {
        let line = src.line(k);
        // Past the first, a line may start where the console itself had wrapped the value (its
        // indentation lost at the mail client's break); it is no longer than a mail line.
        let fits = if k == n && !after_rewrap {
            broken_off(src.line(k - 1), line)
        } else {
            line.chars().count() <= MAIL_WRAP.1
        };
        if line.starts_with([' ', '\t']) || is_blank(line) || !fits {
            return false;
        }
        let next = src.line(k + 1);
        if property_line(next, Some(width)).is_some() || is_continuation(next, width + 3) {
            return true;
        }
        k += 1;
    }
    false
}

/// Whether a mail client's wrap put `line` after `before`: `before` is no longer than the widest
/// wrap, and the first word of `line` would have taken it past the narrowest.
fn broken_off(before: &str, line: &str) -> bool {
    let before = trim_padding(before).chars().count();
    let word = line.split(' ').next().map_or(0, |word| word.chars().count());
    before <= MAIL_WRAP.1 && before + 1 + word > MAIL_WRAP.0
}

/// The piece of a value that `line` holds: the text from the value column, which is where a
/// property line's value and a continuation line's text both start. A property line cut right
/// after ` :` (its trailing space lost) holds none.
fn piece(line: &str, value_column: usize) -> &str {
    line.get(value_column..).unwrap_or("")
}

struct PendingProp {
    /// The property's position in the object.
    at: usize,
    line: LineNo,
    /// The range of the object's piece lines that hold this value.
    pieces: std::ops::Range<usize>,
    /// Whether the caller wants this property's value built.
    wanted: bool,
}

/// How the pieces of wrapped values join.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Joining {
    /// Trailing spaces survived: join as they are.
    AsTheyAre,
    /// Lines cut at the exact width (the number), trailing spaces lost: a line one short of the
    /// width lost the space it was cut at, which is put back; full lines join as they are.
    HardWrap(usize),
    /// Word wrap whose trailing spaces were lost: put one space back at each join.
    RestoreSpace,
}

/// Decides how to join for a whole object. The wrap mode belongs to the console (its culture
/// and width), not to one value, so every wrapped line of the object is evidence: a hard wrap
/// fills every wrapped line to the same width, a word wrap leaves lines of different lengths.
fn joining(src: &Source, props: &[PendingProp], pieces: &[LineNo]) -> Joining {
    if src.trailing_space_kept() {
        return Joining::AsTheyAre;
    }
    let wrapped: Vec<usize> = props
        .iter()
        .flat_map(|p| pieces[p.pieces.start..p.pieces.end - 1].iter().map(|&n| trim_padding(src.line(n)).len()))
        .collect();
    let Some(&width) = wrapped.iter().max() else { return Joining::AsTheyAre };
    let full = wrapped.iter().filter(|&&len| len == width).count();
    // Two word-wrapped lines can have the same length by chance; three full lines cannot, in practice.
    if full >= 3 && wrapped.iter().all(|&len| len + 1 >= width) {
        Joining::HardWrap(width)
    } else {
        Joining::RestoreSpace
    }
}

impl PendingProp {
    fn finish(
        &self,
        labels: &mut Labels,
        src: &Source,
        pieces: &[LineNo],
        value_column: usize,
        joining: Joining,
    ) -> Prop {
        let (text, inexact) = join(src, &pieces[self.pieces.clone()], value_column, joining);
        let truncated = text.starts_with('{') && text.ends_with('}') && ends_with_cut_mark(&text[..text.len() - 1]);
        let value = if text.is_empty() { Value::Null } else { Value::Text(labels.value(self.at, &text)) };
        Prop { name: labels.name(self.at), value, line: self.line, truncated, inexact, not_current: false }
    }
}

/// Joins the pieces of a wrapped value; see the module documentation for the rules.
fn join<'s>(src: &'s Source, lines: &[LineNo], value_column: usize, joining: Joining) -> (Cow<'s, str>, bool) {
    if let [line] = lines {
        return (Cow::Borrowed(trim_end(piece(src.line(*line), value_column))), false);
    }
    let mut text = String::new();
    let mut rewrapped = false;
    for (i, &n) in lines.iter().enumerate() {
        let line = src.line(n);
        // A piece that a mail client's wrap put at the start of a line (see `is_rewrapped`).
        let at_start = i > 0 && !line.starts_with(' ');
        rewrapped |= at_start;
        let piece = if at_start { line } else { piece(line, value_column) };
        let space_lost = at_start
            || match joining {
                Joining::AsTheyAre => false,
                Joining::RestoreSpace => true,
                Joining::HardWrap(width) => i > 0 && trim_padding(src.line(lines[i - 1])).len() < width,
            };
        if i > 0 && space_lost && !text.is_empty() && !text.ends_with(char::is_whitespace) {
            text.push(' ');
        }
        text.push_str(if joining == Joining::AsTheyAre { piece } else { trim_end(piece) });
    }
    text.truncate(trim_end(&text).len());
    (Cow::Owned(text), joining != Joining::AsTheyAre || rewrapped)
}
