//! What a copy adds around shell output, and the output without it.
//!
//! Admins rarely paste the console's text as it was. A copy from a web page, a Q&A thread, an
//! e-mail or a ticket puts a blank line after every line; a mail quotes the text with `> ` marks
//! or indents it; a Markdown message (GitHub, Teams) puts it in a code fence or indents it by four
//! spaces, and its author bolds a property name, adds list bullets or an image line. The format
//! parsers read the console's own text, so [`strip`] gives it back: the lines without the
//! decoration, each with the number of the input line it came from, and the input lines that were
//! nothing but decoration (fences, image lines, bare quote marks), which the report counts as read.
//!
//! Each step decides from the text around a line, and each looks at every line once:
//! 1. Marks ([`read_marks`]): quote marks are taken off every line (but the `>>` PowerShell shows
//!    to continue a command typed after a prompt), code fences and image lines become furniture,
//!    and outside fences list bullets and `**` bold marks are taken off.
//! 2. Double spacing ([`undouble`]): lines that are each followed by one blank line form a chain;
//!    a chain in which two neighbours belong together (a property line and its continuation, two
//!    properties of one object, a table header and its underline, a wrapped warning, an error
//!    record's tail) was double-spaced by the copy, and its blank lines are dropped. The
//!    object separators of such a copy are two blank lines or more, which stay; where the copy
//!    collapsed them to one, a Format-List object's first label coming back starts a new object.
//! 3. Indentation ([`unindent`]): a run of indented lines between blank lines (or the start or
//!    end, a fence, a change of quote depth) loses the indentation its lines share. Format-List
//!    continuation lines are indented too, but always follow their property line directly, which
//!    step 2 has made true of double-spaced text as well.
//!
//! A quick look ([`may_be_decorated`]) first tells, from what the line index knows of each line,
//! whether there is anything to take off; a paste of plain output is then read as it is, at next
//! to no cost. That look reads no line in full, so a mark after indentation or in the middle of a
//! line (a bold value) is taken off only in a paste that shows another mark or whose indented
//! lines stand between blank lines.

use crate::formats::list::property_line;
use crate::source::{is_blank, LineNo, Source};
use crate::transcript::prompt_command;
use markdown::{bullet_len, closes, is_image, is_star_rule, opens, starts_like_mark, without_bold, Fence};
use spaces::{has_nbsp, layout_nbsp_as_spaces};
use std::borrow::Cow;

mod markdown;
mod spaces;

/// The input's text without decoration, line by line.
pub struct Plain {
    /// The lines, each ended by `\n`.
    pub text: String,
    /// The input line that each line of `text` came from: `origin[i]` for line `i + 1`.
    pub origin: Vec<LineNo>,
    /// Runs of input lines (inclusive) that held only decoration, in order.
    pub furniture: Vec<(LineNo, LineNo)>,
}

impl Plain {
    /// The input line of line `n` of [`Plain::text`].
    pub fn input_line(&self, n: LineNo) -> LineNo {
        self.origin.get(n as usize - 1).copied().unwrap_or(n)
    }
}

/// The input without what a copy added around it, or `None` when it shows no decoration.
pub fn strip(src: &Source) -> Option<Plain> {
    let nbsp = has_nbsp(src.text());
    if !nbsp && !may_be_decorated(src) {
        return None;
    }
    let (mut entries, marked) = read_marks(src, nbsp);
    let undoubled = undouble(&mut entries);
    let unindented = unindent(&mut entries);
    if !(marked || undoubled || unindented) {
        return None;
    }
    let mut plain = Plain { text: String::with_capacity(src.text().len()), origin: Vec::new(), furniture: Vec::new() };
    for entry in &entries {
        if entry.furniture || (entry.kind == Kind::Blank && !src.is_blank_line(entry.line)) {
            match plain.furniture.last_mut() {
                Some((_, last)) if *last + 1 == entry.line => *last = entry.line,
                _ => plain.furniture.push((entry.line, entry.line)),
            }
        }
        if entry.furniture || entry.dropped {
            continue;
        }
        plain.text.push_str(&entry.text[entry.indent..]);
        plain.text.push('\n');
        plain.origin.push(entry.line);
    }
    Some(plain)
}

/// A quick look for what [`strip`] takes off, without building anything: a line that starts
/// with a mark, an indented block between blank lines, or two lines one blank line apart that
/// belong together and that no other text touches. Every line is judged by what the line index
/// knows of it (its first two bytes, whether it is blank); the text of a line is read only when
/// those bytes start a mark, or for the two lines of such a pair. A large paste of plain output
/// so costs next to nothing here.
///
/// Marks are looked for at the start of lines only: a mark after indentation (a fence in a list
/// item) or in the middle of a line (a bold value) is taken off when the paste shows another
/// (a list item's number, a bold property name) or stands between blank lines.
fn may_be_decorated(src: &Source) -> bool {
    // The blank lines right before the current line (the start counts as one), and the last
    // line of text with whether a blank line came right before it.
    let mut blanks = 1;
    let mut previous: Option<(LineNo, bool)> = None;
    // Two lines one blank line apart, waiting for the line after the second: they stand alone
    // (see `undouble`) when it is blank, or the end.
    let mut pair: Option<(LineNo, LineNo)> = None;
    let belong = |(a, b): (LineNo, LineNo)| belongs_with(src.line(a), src.line(b));
    // An indented run that started after a blank line (see `unindent`): whether its last line so
    // far is blank, which it must be when a line of text ends the run.
    let mut run: Option<bool> = None;
    for (n, (head, blank)) in (1..).zip(src.heads()) {
        if blank {
            blanks += 1;
            if pair.take().is_some_and(belong) {
                return true;
            }
            if let Some(ends_blank) = run.as_mut() {
                *ends_blank = true;
            }
            continue;
        }
        let may_be_mark = match head {
            // `>>` after a prompt continues the command typed there.
            [b'>', b'>'] => previous.is_none_or(|(p, _)| {
                let line = src.line(p);
                prompt_command(line).is_none() && !line.starts_with(">>")
            }),
            [b'>', _] => true,
            [b'`', b'`']
            | [b'~', b'~']
            | [b'!', b'[']
            | [b'*', b'*']
            | [b'-' | b'*', b' ']
            | [b'0'..=b'9', b'.' | b')'] => starts_like_mark(src.line(n)),
            _ => false,
        };
        if may_be_mark {
            return true;
        }
        let indented = matches!(head[0], b' ' | b'\t');
        match run {
            Some(true) if !indented => return true,
            Some(_) if !indented => run = None,
            Some(_) => run = Some(false),
            None if indented && blanks > 0 => run = Some(false),
            None => {}
        }
        pair = match previous {
            Some((p, true)) if blanks == 1 => Some((p, n)),
            _ => None,
        };
        previous = Some((n, blanks > 0));
        blanks = 0;
    }
    run.is_some() || pair.is_some_and(belong)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// A line with text.
    Text,
    /// A blank line, or one that held only decoration that leaves it blank (a bare `>`).
    Blank,
}

/// One input line after step 1.
struct Entry<'a> {
    line: LineNo,
    kind: Kind,
    /// The line without its marks.
    text: Cow<'a, str>,
    /// Fence and image lines: decoration only, and a boundary for steps 2 and 3.
    furniture: bool,
    /// Quote depth and fence: lines of different contexts belong to different runs.
    context: u32,
    /// Dropped by step 2: a blank line the copy added.
    dropped: bool,
    /// Bytes of indentation taken off by step 3.
    indent: usize,
}

/// Step 1: every line without its quote marks, and outside code fences without bullets and bold;
/// fence and image lines become furniture. With `nbsp`, the no-break spaces of the layout are
/// first turned into spaces ([`spaces`]). Returns the lines and whether anything was changed.
fn read_marks<'a>(src: &'a Source, nbsp: bool) -> (Vec<Entry<'a>>, bool) {
    let mut entries = Vec::with_capacity(src.line_count() as usize);
    let mut marked = false;
    let mut fence: Option<Fence> = None;
    let (mut context, mut depth) = (0u32, 0usize);
    // Whether the line before was a prompt or a `>>` line: a `>>` after one continues the command.
    let mut in_command = false;
    // Whether the quote marks of the current run of quoted lines are followed by a space.
    let mut spaced = true;
    for n in 1..=src.line_count() {
        let line = if nbsp { layout_nbsp_as_spaces(src.line(n)) } else { Cow::Borrowed(src.line(n)) };
        marked |= matches!(line, Cow::Owned(_));
        let (line_depth, mut after) = quote_marks(&line, if in_command { Some(depth) } else { None });
        if line_depth > 0 && depth == 0 {
            spaced = quote_run_is_spaced(src, n);
        }
        if line_depth > 0 && spaced && line.as_bytes().get(after) == Some(&b' ') {
            after += 1;
        }
        let mut text: Cow<str> = cut_front(line, after);
        marked |= line_depth > 0;
        if line_depth != depth {
            context += 1;
            depth = line_depth;
        }
        if fence.as_ref().is_some_and(|f| depth < f.depth) {
            fence = None;
            context += 1;
        }
        let mut furniture = false;
        if let Some(open) = &fence {
            if closes(&text, open) {
                fence = None;
                context += 1;
                furniture = true;
            } else {
                let spaces = text.len() - text.trim_start_matches(' ').len();
                text = cut_front(text, spaces.min(open.indent));
            }
        } else if let Some(open) = opens(&text, depth) {
            fence = Some(open);
            context += 1;
            furniture = true;
        } else if is_image(&text) {
            furniture = true;
        } else {
            let bullet = bullet_len(text.trim_start_matches(' '));
            if bullet > 0 && text.len() - text.trim_start_matches(' ').len() <= 3 {
                let spaces = text.len() - text.trim_start_matches(' ').len();
                text = cut_front(text, spaces + bullet);
                marked = true;
            }
            if let Some(plain) = without_bold(&text) {
                text = Cow::Owned(plain);
                marked = true;
            }
        }
        marked |= furniture;
        let kind = if is_blank(&text) { Kind::Blank } else { Kind::Text };
        // A blank line leaves it as it was: a double-spaced copy puts one between a prompt and
        // its `>>` lines.
        if kind == Kind::Text {
            in_command = prompt_command(&text).is_some() || (in_command && text.starts_with(">>"));
        }
        entries.push(Entry { line: n, kind, text, furniture, context, dropped: false, indent: 0 });
    }
    (entries, marked)
}

/// Drops the first `len` bytes (ASCII marks or spaces) of a line's text.
fn cut_front(text: Cow<str>, len: usize) -> Cow<str> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[len..]),
        Cow::Owned(s) => Cow::Owned(s[len..].to_owned()),
    }
}

/// The quote marks at the start of a line (`>`, `> >`, `>>`, after up to three spaces): how many,
/// and where the text after the last one starts. With `keep`, at most that many are marks (see
/// `read_marks`: a `>>` beyond them continues a command).
fn quote_marks(line: &str, keep: Option<usize>) -> (usize, usize) {
    let bytes = line.as_bytes();
    let mut at = bytes.iter().take(3).take_while(|&&b| b == b' ').count();
    let (mut depth, mut after) = (0, 0);
    while bytes.get(at) == Some(&b'>') && keep.is_none_or(|k| depth < k) {
        depth += 1;
        at += 1;
        after = at;
        // Nested marks may be written `> >`.
        if bytes.get(at) == Some(&b' ') && bytes.get(at + 1) == Some(&b'>') {
            at += 1;
        }
    }
    (depth, after)
}

/// Whether the run of quoted lines that starts at line `first` puts a space after its marks:
/// then one space after the last mark of each line is part of the mark, else the text (an
/// indented continuation line) starts right after it.
fn quote_run_is_spaced(src: &Source, first: LineNo) -> bool {
    src.lines_from(first)
        .map(|line| (line, quote_marks(line, None)))
        .take_while(|(_, (depth, _))| *depth > 0)
        .all(|(line, (_, after))| matches!(line.as_bytes().get(after), None | Some(b' ' | b'\t')))
}

/// Step 2: drops the blank lines of double-spaced chains (see the module documentation).
/// Returns whether it dropped any.
fn undouble(entries: &mut [Entry]) -> bool {
    let mut dropped_any = false;
    let mut i = 0;
    while i < entries.len() {
        // A chain: text lines at i, i + 2, i + 4, ... with one blank line between each two.
        let linked = |i: usize| {
            entries.get(i + 2).is_some_and(|next| {
                let (this, blank) = (&entries[i], &entries[i + 1]);
                this.kind == Kind::Text
                    && !this.furniture
                    && blank.kind == Kind::Blank
                    && !blank.furniture
                    && next.kind == Kind::Text
                    && !next.furniture
                    && next.context == this.context
            })
        };
        if !linked(i) {
            i += 1;
            continue;
        }
        let mut last = i;
        while linked(last) {
            last += 2;
        }
        // In a double-spaced copy every line stands between blank lines. In a single-spaced
        // paste two lines one blank line apart can belong together too (the last property of an
        // object and the first of the next, both in the same column), but then a line of text
        // touches one of them.
        let touches = |at: usize, other: Option<&Entry>| {
            other.is_some_and(|e| e.kind == Kind::Text && !e.furniture && e.context == entries[at].context)
        };
        let glued = (i..last).step_by(2).any(|a| {
            let b = a + 2;
            !touches(a, a.checked_sub(1).and_then(|p| entries.get(p)))
                && !touches(b, entries.get(b + 1))
                && belongs_with(&entries[a].text, &entries[b].text)
        });
        if glued {
            undouble_chain(entries, i, last);
            dropped_any = true;
        }
        i = last + 1;
    }
    dropped_any
}

/// Drops the blank lines of the chain `first..=last`, but before a Format-List object whose
/// first label is the first label of the object before: there the copy collapsed the blank line
/// that separated them.
fn undouble_chain(entries: &mut [Entry], first: usize, last: usize) {
    let mut first_property: Option<(usize, String, usize)> = None;
    for m in (first..=last).step_by(2) {
        let (indent, text) = split_indent(&entries[m].text);
        let property = property_line(text, None).map(|(label, _, width)| (indent, label.to_owned(), width));
        let separates = match (&property, &first_property) {
            (Some(p), Some(f)) => p == f,
            _ => false,
        };
        match property {
            // The first property of the chain, or of an object whose labels have another
            // width (Format-List reads that as a new object by itself).
            Some(p) if first_property.as_ref().is_none_or(|f| (f.0, f.2) != (p.0, p.2)) => first_property = Some(p),
            None if indent == 0 => first_property = None,
            _ => {}
        }
        if m > first && !separates {
            entries[m - 1].dropped = true;
        }
    }
}

/// The indentation of a line (spaces and tabs) and the text after it.
fn split_indent(line: &str) -> (usize, &str) {
    let indent = line.bytes().take_while(|&b| b == b' ' || b == b'\t').count();
    (indent, &line[indent..])
}

/// Whether line `b`, one blank line after line `a`, belongs with it, which the console never
/// separates by a blank line: a Format-List property and its continuation or the next property
/// of the object, a table header and its underline, a CSV header (or `#TYPE` line) and the row
/// after it, a prompt and the `>>` continuing its command,
/// a line of asterisks that frames a transcript's header and the header's first or last line,
/// an error message and its `At line:` or `+ CategoryInfo` tail, or a warning the console wrapped
/// at its width and its next line (not a prompt or a property: a single-spaced paste can show a
/// long warning, a blank line and output; the caller makes sure no text touches either line).
fn belongs_with(a: &str, b: &str) -> bool {
    let (indent_a, a) = split_indent(a);
    let (indent_b, b) = split_indent(b);
    if let Some((label, _, width)) = property_line(a, None) {
        // The next property has its separator in the same column: looked for there, not searched.
        // A web page that collapsed the padding leaves both labels unpadded, each ending where it ends.
        let next_property = || match property_line(b, Some(width)) {
            Some((other, _, _)) => other != label,
            None => {
                label.len() == width
                    && property_line(b, None).is_some_and(|(other, _, w)| other != label && other.len() == w)
            }
        };
        return indent_b == indent_a + width + 3 || (indent_b == indent_a && next_property());
    }
    let tail = b.starts_with("At line:") || b.starts_with("+ CategoryInfo") || b.starts_with("+ FullyQualifiedErrorId");
    (indent_a == indent_b && (is_underline_of(a, b) || crate::formats::csv::follows_header(a, b)))
        || tail
        || (indent_a == 0 && is_star_rule(a))
        || (prompt_command(a).is_some() && b.starts_with(">>"))
        || (indent_a == 0
            && indent_b == 0
            && a.starts_with("WARNING:")
            && a.chars().count() >= 79
            && !b.starts_with("WARNING:")
            && prompt_command(b).is_none()
            && property_line(b, None).is_none())
}

/// Whether `underline` is a Format-Table underline of `header`: dashes and spaces, the first run
/// of dashes as long as the header's first label.
fn is_underline_of(header: &str, underline: &str) -> bool {
    let underline = underline.trim_end();
    if !underline.starts_with('-') || !underline.bytes().all(|b| b == b'-' || b == b' ') {
        return false;
    }
    let dashes = underline.bytes().take_while(|&b| b == b'-').count();
    let bytes = header.as_bytes();
    dashes >= 3
        && dashes <= bytes.len()
        && !bytes[dashes - 1].is_ascii_whitespace()
        && bytes.get(dashes).is_none_or(|&b| b == b' ')
}

/// Step 3: takes the shared indentation off every run of indented lines that starts and ends at a
/// boundary (see the module documentation). Returns whether it took any off.
fn unindent(entries: &mut [Entry]) -> bool {
    let mut changed = false;
    // Whether the entry before (not counting dropped blank lines) ends a run of lines.
    let mut boundary = true;
    let mut context = u32::MAX;
    let mut i = 0;
    while i < entries.len() {
        let entry = &entries[i];
        if entry.dropped {
            i += 1;
            continue;
        }
        let starts_run = entry.kind == Kind::Text
            && !entry.furniture
            && (boundary || entry.context != context)
            && entry.text.starts_with([' ', '\t']);
        if !starts_run {
            boundary = entry.kind == Kind::Blank || entry.furniture;
            context = entry.context;
            i += 1;
            continue;
        }
        // The run: this line and every following blank or indented line of the same context.
        let in_run = |e: &Entry| {
            !e.furniture && e.context == entry.context && (e.kind == Kind::Blank || e.text.starts_with([' ', '\t']))
        };
        let end = i + entries[i..].iter().take_while(|e| e.dropped || in_run(e)).count();
        // An indented block ends as it starts, at a blank line, a fence or the end. A run that
        // a line of text follows directly is part of something else: the lines after an empty
        // array that ConvertTo-Json printed as a blank line, say.
        let closed = entries.get(end).is_none_or(|next| next.furniture || next.context != entries[i].context)
            || entries[i..end].iter().rev().find(|e| !e.dropped).is_some_and(|e| e.kind == Kind::Blank);
        if !closed {
            boundary = false;
            context = entries[end - 1].context;
            i = end;
            continue;
        }
        let mut shared: &str = leading_white(&entries[i].text);
        for e in entries[i..end].iter().filter(|e| e.kind == Kind::Text && !e.dropped) {
            let white = leading_white(&e.text);
            let common = shared.bytes().zip(white.bytes()).take_while(|(x, y)| x == y).count();
            shared = &shared[..common];
        }
        let cut = shared.len();
        for e in entries[i..end].iter_mut().filter(|e| e.kind == Kind::Text) {
            e.indent = cut;
        }
        changed |= cut > 0;
        boundary = false;
        context = entries[end - 1].context;
        i = end;
    }
    changed
}

/// The spaces and tabs a line starts with.
fn leading_white(text: &str) -> &str {
    &text[..text.len() - text.trim_start_matches([' ', '\t']).len()]
}
