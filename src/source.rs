//! One decoded input: its text, where each line starts, and which lines something understood.

use std::borrow::Cow;
use std::cell::Cell;

/// A 1-based line number within one input, as every report field uses.
pub type LineNo = u32;

/// The decoded text of one input with a line index. The text is borrowed when the input's bytes
/// could be read as they are (a mapped file, a pasted string).
///
/// Lines are numbered from 1. Lines end in `\n` or `\r\n`; text with old Mac line ends (a CR
/// alone) is rewritten with LF when the source is made. [`Source::line`] never includes the line end.
pub struct Source<'a> {
    text: Cow<'a, str>,
    starts: Vec<usize>,
    /// What the scan saw of every line as it passed it (see [`Head`]).
    heads: Vec<Head>,
    understood: Vec<bool>,
    trailing_space_kept: bool,
    /// Where the last line's text ends: before a final line end, if there is one.
    last_line_end: usize,
}

/// What the line index knows of a line's text: taken while the scan in [`Source::new`] passes
/// the line, so that a pass over every line that judges most of them by these alone reads them
/// here, in order, instead of the text, where each line of a large paste costs a cache miss.
#[derive(Clone, Copy)]
struct Head {
    /// The first two bytes (`\n` past the end of the text).
    bytes: [u8; 2],
    /// The line holds nothing but white space.
    blank: bool,
}

impl<'a> Source<'a> {
    pub fn new(text: impl Into<Cow<'a, str>>) -> Source<'a> {
        let text = text.into();
        let bytes = text.as_bytes();
        let mut starts = Vec::with_capacity(bytes.len() / 48 + 1);
        let mut heads = Vec::with_capacity(bytes.len() / 48 + 1);
        starts.push(0);
        let head = |start: usize, end: usize| Head {
            bytes: [bytes.get(start).copied().unwrap_or(b'\n'), bytes.get(start + 1).copied().unwrap_or(b'\n')],
            blank: is_blank_between(&text, start, end),
        };
        // Counted on the way: when every CR is the first half of a CRLF there are no old Mac
        // line ends, and the text is read as it is.
        let mut crlf = 0;
        // Format-List leaves a space at the end of every wrapped line and of every empty value.
        // When no line of the paste ends in one, the copy dropped them and wrap points must be guessed.
        let mut trailing_space_kept = text.ends_with(' ');
        let crs = line_ends(bytes, |i| {
            let mut end = i;
            if end > 0 && bytes[end - 1] == b'\r' {
                crlf += 1;
                end -= 1;
            }
            trailing_space_kept |= end > 0 && bytes[end - 1] == b' ';
            // The line that ends here; its bytes are still in the cache.
            heads.push(head(*starts.last().unwrap(), end));
            starts.push(i + 1);
        });
        if crs != crlf {
            return Source::new(Cow::Owned(lone_crs_to_lf(text.into_owned())));
        }
        if starts.len() > 1 && *starts.last().unwrap() == text.len() {
            // A final line end does not open another line.
            starts.pop();
        } else {
            // The last line, which no line end closed.
            heads.push(head(*starts.last().unwrap(), text.len()));
        }
        let lines = starts.len();
        let last_line_end = text.len() - usize::from(text.ends_with('\n'));
        Source { text, starts, heads, understood: vec![false; lines], trailing_space_kept, last_line_end }
    }

    /// True when the text still has the trailing spaces Format-List writes (see [`Source::new`]).
    pub fn trailing_space_kept(&self) -> bool {
        self.trailing_space_kept
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// The number of lines; an empty text has one empty line.
    pub fn line_count(&self) -> LineNo {
        self.starts.len() as LineNo
    }

    /// The text of line `n` without its line end. Out-of-range numbers give "".
    ///
    /// Called for every line by several passes, so it is plain byte arithmetic that stays
    /// cheap in the size-optimised wasm build too.
    #[inline]
    pub fn line(&self, n: LineNo) -> &str {
        self.line_text(n as usize).unwrap_or("")
    }

    /// The lines from `first` on, as `line` gives them, for a loop that reads line after line:
    /// the size-optimised wasm build makes a call of every `line`, which in such a loop cost
    /// more than the line's own work.
    pub fn lines_from(&self, first: LineNo) -> Lines<'_> {
        Lines { src: self, next: first as usize }
    }

    /// The numbers of the lines whose first two bytes `accept` takes, in order; lines shorter
    /// than two bytes are passed over. For a pass that looks for a few kinds of line among
    /// many: each line is judged from the line index and two bytes of its text, where making
    /// the text of every line cost most of the pass in the wasm build. The end of the line is
    /// not read: its length before the line end tells, but for a CR right after the two bytes.
    pub fn lines_starting<'s>(&'s self, accept: impl Fn([u8; 2]) -> bool + 's) -> impl Iterator<Item = LineNo> + 's {
        (0..self.starts.len())
            .filter(move |&i| {
                let (start, end) = self.raw_range(i);
                let head = self.heads[i].bytes;
                // Up to `end` the line may still hold the CR of a CRLF: two bytes of it are two
                // bytes of text unless the second is that CR.
                end >= start + 2 && (end > start + 2 || head[1] != b'\r') && accept(head)
            })
            .map(|i| i as LineNo + 1)
    }

    /// For every line in order, its first two bytes (`\n` past its end) and whether it is blank
    /// (as [`is_blank`] says of [`Source::line`]). For a pass that must see every line but can
    /// judge most of them by these: they are read from the line index, not from the text.
    pub fn heads(&self) -> impl Iterator<Item = ([u8; 2], bool)> + '_ {
        self.heads.iter().map(|head| (head.bytes, head.blank))
    }

    /// True when line `n` holds nothing but white space, as [`is_blank`] says of
    /// [`Source::line`]; read from the line index.
    pub fn is_blank_line(&self, n: LineNo) -> bool {
        self.heads.get((n as usize).wrapping_sub(1)).is_none_or(|head| head.blank)
    }

    /// The text of line `n`, or `None` out of range; shared by `line` and `Lines`.
    #[inline(always)]
    fn line_text(&self, n: usize) -> Option<&str> {
        if n == 0 || n > self.starts.len() {
            return None;
        }
        let (start, end) = self.line_range(n - 1);
        Some(&self.text[start..end])
    }

    /// The byte range of the line at index `i` (line `i + 1`), without its line end.
    #[inline(always)]
    fn line_range(&self, i: usize) -> (usize, usize) {
        let (start, end) = self.raw_range(i);
        // Windows line ends stay in the text (see `Source::new`); a line never shows its CR.
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
        (start, end)
    }

    /// The byte range of the line at index `i` up to its `\n`: with the CR of a CRLF.
    #[inline(always)]
    fn raw_range(&self, i: usize) -> (usize, usize) {
        // The last line ends at the end of the text, before a final line end if there is one.
        let end = self.starts.get(i + 1).map_or(self.last_line_end, |&next| next - 1);
        (self.starts[i], end)
    }

    /// The byte offset where line `n` starts.
    pub fn offset_of_line(&self, n: LineNo) -> usize {
        self.starts.get(n as usize - 1).copied().unwrap_or(self.text.len())
    }

    /// The line that holds byte `offset`.
    pub fn line_of_offset(&self, offset: usize) -> LineNo {
        // The number of lines that start at or before `offset`; the first starts at 0.
        self.starts.partition_point(|&start| start <= offset) as LineNo
    }

    /// A finder for the lines of offsets that mostly grow, as a parser reading forward asks.
    pub fn line_cursor(&self) -> LineCursor<'_> {
        LineCursor { starts: &self.starts, line: Cell::new(1) }
    }

    /// Records that lines `first..=last` were understood by some parser.
    pub fn mark(&mut self, first: LineNo, last: LineNo) {
        for n in first..=last.min(self.line_count()) {
            self.understood[n as usize - 1] = true;
        }
    }

    /// The lines no parser understood, in order.
    pub fn lines_not_understood(&self) -> impl Iterator<Item = LineNo> + '_ {
        (1..).zip(&self.understood).filter(|&(_, &understood)| !understood).map(|(n, _)| n)
    }

    pub fn is_understood(&self, n: LineNo) -> bool {
        self.understood.get(n as usize - 1).copied().unwrap_or(true)
    }
}

/// The lines of a source from some line on; see [`Source::lines_from`].
pub struct Lines<'s> {
    src: &'s Source<'s>,
    /// The number of the next line.
    next: usize,
}

impl<'s> Iterator for Lines<'s> {
    type Item = &'s str;

    #[inline(always)]
    fn next(&mut self) -> Option<&'s str> {
        let line = self.src.line_text(self.next)?;
        self.next += 1;
        Some(line)
    }
}

/// Finds the line of a byte offset starting from the line it found last: a parser reading a
/// document asks for offsets in order, and the answer is then a step or two away, where a
/// binary search over every line start of a 100 MB paste costs twenty cache misses. An offset
/// before the last one is found by binary search, so every answer equals `line_of_offset`.
pub struct LineCursor<'a> {
    starts: &'a [usize],
    /// The line found last (1-based). A `Cell`, so that parsers can ask through `&self`.
    line: Cell<usize>,
}

impl LineCursor<'_> {
    pub fn line_of_offset(&self, offset: usize) -> LineNo {
        /// How many lines to step over one by one before searching the rest.
        const STEPS: usize = 8;
        let starts = self.starts;
        let mut line = self.line.get();
        if starts[line - 1] > offset {
            line = starts.partition_point(|&start| start <= offset);
        } else {
            let mut steps = 0;
            while line < starts.len() && starts[line] <= offset {
                line += 1;
                steps += 1;
                if steps == STEPS {
                    line += starts[line..].partition_point(|&start| start <= offset);
                    break;
                }
            }
        }
        self.line.set(line);
        line as LineNo
    }
}

/// Turns lone CRs (old Mac line ends) into LF in place, and CRLF too, as there are lone CRs.
/// `\r` and `\n` are ASCII, so moving bytes around them never splits a character.
fn lone_crs_to_lf(text: String) -> String {
    let Some(first) = memchr::memchr(b'\r', text.as_bytes()) else { return text };
    let mut bytes = text.into_bytes();
    let mut write = first;
    let mut read = first;
    while read < bytes.len() {
        // `bytes[read]` is a CR: it becomes one LF, and swallows the LF after it.
        bytes[write] = b'\n';
        write += 1;
        read += 1;
        if bytes.get(read) == Some(&b'\n') {
            read += 1;
        }
        let next = memchr::memchr(b'\r', &bytes[read..]).map_or(bytes.len(), |i| read + i);
        bytes.copy_within(read..next, write);
        write += next - read;
        read = next;
    }
    bytes.truncate(write);
    String::from_utf8(bytes).expect("replacing ASCII line ends keeps UTF-8 valid")
}

/// [`is_blank`] of the bytes `start..end` of `text`, which the caller has just scanned: a line of
/// text is told by its first or last byte, so only lines with white space at both ends are read.
#[inline]
fn is_blank_between(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let text_at = |at: usize| bytes[at].is_ascii() && !is_ascii_white(bytes[at]);
    end <= start || (!text_at(start) && !text_at(end - 1) && is_blank(&text[start..end]))
}

/// True for lines that hold nothing but white space.
#[inline]
pub fn is_blank(line: &str) -> bool {
    // Most lines are ASCII; only a line with other bytes needs the Unicode-aware check.
    let bytes = line.as_bytes();
    match bytes.iter().position(|&b| !is_ascii_white(b)) {
        None => true,
        Some(i) if bytes[i].is_ascii() => false,
        Some(_) => line.trim().is_empty(),
    }
}

/// The line without trailing spaces and tabs (the padding Format-List and tables leave).
#[inline]
pub fn trim_padding(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    // Spaces and tabs are ASCII, so `end` is on a character boundary.
    &line[..end]
}

/// `str::trim`, with the ASCII white space (nearly all of it) removed byte by byte first: the
/// char-by-char search of `str::trim` costs calls in the size-optimised wasm build.
#[inline]
pub fn trim(text: &str) -> &str {
    trim_end(trim_start(text))
}

/// `str::trim_start`; see [`trim`].
#[inline]
pub fn trim_start(text: &str) -> &str {
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|&b| !is_ascii_white(b)).unwrap_or(bytes.len());
    // ASCII bytes end characters, so `start` is a boundary; other white space is `str`'s job.
    let rest = &text[start..];
    if rest.as_bytes().first().is_some_and(|b| !b.is_ascii()) {
        rest.trim_start()
    } else {
        rest
    }
}

/// `str::trim_end`; see [`trim`].
#[inline]
pub fn trim_end(text: &str) -> &str {
    let bytes = text.as_bytes();
    let end = bytes.iter().rposition(|&b| !is_ascii_white(b)).map_or(0, |i| i + 1);
    let rest = &text[..end];
    if rest.as_bytes().last().is_some_and(|b| !b.is_ascii()) {
        rest.trim_end()
    } else {
        rest
    }
}

/// The ASCII characters `char::is_whitespace` accepts.
#[inline]
fn is_ascii_white(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0B' | b'\x0C')
}

/// Calls `line_end` with the offset of every `\n` of `bytes`, in order, and returns how many
/// `\r` bytes there are (see [`Source::new`]). memchr searches with SIMD on every target (SSE2 or
/// AVX2 natively, simd128 in the wasm build). A scan of our own that compared 64 bytes at a time
/// with SSE2 and counted the `\r`s in the same pass saved under 1 % of the CPU time of the 100 MB
/// Format-List and about 3 % of the Exchange 2019 one, and was dropped (issue 17).
fn line_ends(bytes: &[u8], mut line_end: impl FnMut(usize)) -> usize {
    memchr::memchr_iter(b'\n', bytes).for_each(&mut line_end);
    memchr::memchr_iter(b'\r', bytes).count()
}

/// Folds text for comparisons that must survive line wrapping and lost spaces:
/// white space removed, ASCII letters lowercased.
pub fn fold(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()).collect()
}
