//! Bytes to text: byte-order marks, UTF-16 with and without BOM, UTF-8, and a Windows-1252 fallback.
//!
//! Windows PowerShell 5.1 writes `>`, `Out-File` and `Export-Clixml` as UTF-16LE with a BOM,
//! `Export-Csv` as ASCII and `Set-Content` in the ANSI code page, so all of these arrive here.
//! Decoding never fails: every byte sequence yields some text.

use serde::Serialize;
use std::borrow::Cow;

/// How the input bytes were decoded, as reported in `inputs[].encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16LeBom,
    Utf16BeBom,
    Utf16Le,
    Utf16Be,
    Windows1252,
    /// Text handed over as a string (the page's paste box): nothing was decoded.
    Text,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Utf16LeBom => "utf-16le-bom",
            Encoding::Utf16BeBom => "utf-16be-bom",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Text => "text",
        }
    }
}

impl Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Decodes `bytes` to a string. Line ends stay as they are: [`crate::source::Source`] reads LF,
/// CRLF and old Mac CR line ends.
///
/// UTF-8 (with or without a BOM) is borrowed, and owned UTF-8 bytes become the string without
/// a copy, so a large file is held in memory once.
pub fn decode<'a>(bytes: impl Into<Cow<'a, [u8]>>) -> (Cow<'a, str>, Encoding) {
    let bytes = bytes.into();
    let (text, encoding) = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let without_bom = match bytes {
            Cow::Borrowed(bytes) => Cow::Borrowed(&bytes[3..]),
            Cow::Owned(mut bytes) => {
                bytes.drain(..3);
                Cow::Owned(bytes)
            }
        };
        (utf8_or_1252(without_bom).0, Encoding::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (Cow::Owned(utf16(rest, true)), Encoding::Utf16LeBom)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (Cow::Owned(utf16(rest, false)), Encoding::Utf16BeBom)
    } else if let Some(little_endian) = looks_like_utf16(&bytes) {
        if little_endian {
            (Cow::Owned(utf16(&bytes, true)), Encoding::Utf16Le)
        } else {
            (Cow::Owned(utf16(&bytes, false)), Encoding::Utf16Be)
        }
    } else {
        utf8_or_1252(bytes)
    };
    (text, encoding)
}

/// Pasted text without a leading BOM character.
pub fn normalize_text(text: &str) -> Cow<'_, str> {
    Cow::Borrowed(text.strip_prefix('\u{FEFF}').unwrap_or(text))
}

fn utf8_or_1252(bytes: Cow<'_, [u8]>) -> (Cow<'_, str>, Encoding) {
    match bytes {
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (Cow::Owned(text), Encoding::Utf8),
            Err(err) => (Cow::Owned(err.as_bytes().iter().map(|&b| windows_1252(b)).collect()), Encoding::Windows1252),
        },
        Cow::Borrowed(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) => (Cow::Borrowed(text), Encoding::Utf8),
            Err(_) => (Cow::Owned(bytes.iter().map(|&b| windows_1252(b)).collect()), Encoding::Windows1252),
        },
    }
}

/// Guesses BOM-less UTF-16 from where the zero bytes fall in the first few kilobytes.
/// ASCII-range text in UTF-16LE has a zero in nearly every odd byte and almost none in the even ones.
fn looks_like_utf16(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    if odd_zero * 10 >= pairs * 7 && even_zero * 10 <= pairs {
        Some(true)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 10 <= pairs {
        Some(false)
    } else {
        None
    }
}

/// Decodes UTF-16 as `String::from_utf16_lossy` does: an unpaired surrogate, and an odd last
/// byte, become U+FFFD.
///
/// Exchange output is nearly all ASCII, one byte per unit once decoded: the text is sized for
/// that, and runs of ASCII units are found four units at a time and copied as bytes. Decoding
/// each unit as a `char` and growing the string step by step took most of the time of reading
/// an Export-Clixml file.
fn utf16(bytes: &[u8], little_endian: bool) -> String {
    // In each unit's two bytes, the bits that must be clear for ASCII: all of the high byte,
    // the top bit of the low one. Read as a little-endian word of four units.
    const LE_MASK: u64 = 0xFF80_FF80_FF80_FF80;
    const BE_MASK: u64 = 0x80FF_80FF_80FF_80FF;
    let (mask, low) = if little_endian { (LE_MASK, 0) } else { (BE_MASK, 1) };
    let unit = |i: usize| {
        let pair = [bytes[i], bytes[i + 1]];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    };
    let end = bytes.len() & !1;
    let mut out: Vec<u8> = Vec::with_capacity(end / 2 + 3 * (bytes.len() % 2));
    let mut i = 0;
    while i < end {
        // The run of ASCII units from `i`, four units to a step, then one by one.
        let mut run_end = i;
        while let Some(four) = bytes.get(run_end..run_end + 8) {
            let word = u64::from_le_bytes([four[0], four[1], four[2], four[3], four[4], four[5], four[6], four[7]]);
            if word & mask != 0 {
                break;
            }
            run_end += 8;
        }
        while run_end < end && unit(run_end) < 0x80 {
            run_end += 2;
        }
        if run_end > i {
            // Copied in one loop over a run: a call per byte or per word cost more than the rest
            // of the decoding in the size-optimised wasm build.
            let written = out.len();
            out.resize(written + (run_end - i) / 2, 0);
            for (byte, pair) in out[written..].iter_mut().zip(bytes[i..run_end].chunks_exact(2)) {
                *byte = pair[low];
            }
            i = run_end;
            if i == end {
                break;
            }
        }
        // A unit outside ASCII.
        let u = unit(i);
        i += 2;
        let c = match u {
            0xD800..=0xDBFF => match (i < end).then(|| unit(i)) {
                Some(trail @ 0xDC00..=0xDFFF) => {
                    i += 2;
                    char::from_u32(0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(trail) - 0xDC00))
                }
                _ => None,
            },
            _ => char::from_u32(u32::from(u)),
        };
        let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
        out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
    if bytes.len() % 2 == 1 {
        out.extend_from_slice("\u{FFFD}".as_bytes());
    }
    // Every byte pushed is ASCII or a whole encoded `char`, so this never takes the lossy branch.
    String::from_utf8(out).unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// Maps one Windows-1252 byte to its character; the five unassigned bytes map to the C1 control
/// of the same value, as the WHATWG encoding standard does.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}', '\u{90}', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}
