//! A line as screen cells ([`ScreenCell`]): one per character, two for a character that East
//! Asian consoles draw wide, and what the cells of a span hold.

/// One screen cell: a character (as its code point), or [`WIDE_TAIL`].
pub(super) type ScreenCell = u32;

/// Marks the second cell of a wide character in a screen line. It lies beyond every code point,
/// so no character of the text (not even NUL) can be taken for it and dropped.
const WIDE_TAIL: ScreenCell = 0x11_0000;

/// A line as screen cells: one per character, a wide character followed by [`WIDE_TAIL`].
pub(super) fn screen(line: &str, wide: bool) -> Vec<ScreenCell> {
    let mut cells = Vec::with_capacity(line.len());
    for c in line.chars() {
        cells.push(ScreenCell::from(c));
        if wide && is_wide(c) {
            cells.push(WIDE_TAIL);
        }
    }
    cells
}

/// True for characters that East Asian consoles draw two cells wide: CJK ideographs, kana,
/// Hangul and the full-width forms.
pub(super) fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x2FFFD
        | 0x30000..=0x3FFFD)
}

/// True when cell `i` holds something other than a space (or lies beyond the line).
pub(super) fn is_text(cells: &[ScreenCell], i: usize) -> bool {
    cells.get(i).is_some_and(|&c| c != ScreenCell::from(' ') && c != ScreenCell::from('\t'))
}

/// True when cells `from..to` (clamped to the line) hold something other than white space.
pub(super) fn has_text(cells: &[ScreenCell], from: usize, to: usize) -> bool {
    cells
        .get(from..to.min(cells.len()))
        .is_some_and(|span| span.iter().filter_map(|&c| char::from_u32(c)).any(|c| !c.is_whitespace()))
}

/// The trimmed text of cells `from..to` (clamped to the line).
pub(super) fn cells_text(cells: &[ScreenCell], from: usize, to: usize) -> String {
    let to = to.min(cells.len());
    if from >= to {
        return String::new();
    }
    // `WIDE_TAIL` is no character, and so is left out.
    let text: String = cells[from..to].iter().filter_map(|&c| char::from_u32(c)).collect();
    text.trim().to_owned()
}
