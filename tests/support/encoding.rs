//! How the two PowerShells read a script file's bytes.
//!
//! Windows PowerShell 5.1 (the Exchange Management Shell) reads a script with a byte-order
//! mark in the mark's encoding and a script without one in the system's ANSI code page,
//! Windows-1252 on Western systems. PowerShell 7 reads a script without a mark as UTF-8.
//! Issue 12.1: a BOM-less UTF-8 script read as Windows-1252 turns `Ñ` (C3 91) into `Ã‘`, and
//! U+2018 is a PowerShell single quote.

/// One way of reading a script file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    /// Windows PowerShell 5.1: the BOM's encoding, else Windows-1252.
    WindowsPowerShell,
    /// PowerShell 7: the BOM's encoding, else UTF-8.
    PowerShell7,
}

impl Reading {
    pub const ALL: [Reading; 2] = [Reading::WindowsPowerShell, Reading::PowerShell7];

    pub fn name(self) -> &'static str {
        match self {
            Reading::WindowsPowerShell => "Windows PowerShell 5.1",
            Reading::PowerShell7 => "PowerShell 7",
        }
    }

    /// The text the shell reads from `bytes`.
    pub fn read(self, bytes: &[u8]) -> String {
        if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
            return String::from_utf8_lossy(rest).into_owned();
        }
        if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
            return utf16(rest, u16::from_le_bytes);
        }
        if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
            return utf16(rest, u16::from_be_bytes);
        }
        match self {
            Reading::WindowsPowerShell => windows_1252(bytes),
            Reading::PowerShell7 => String::from_utf8_lossy(bytes).into_owned(),
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Windows-1252 as Windows decodes it (`MultiByteToWideChar` with code page 1252): 0x80–0x9F
/// are the typographic characters of the code page, except the five bytes the code page leaves
/// undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D), which Windows maps to the C1 controls of the same
/// number; every other byte is the Latin-1 character of the same number.
pub fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}', // 80-87
        '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}', // 88-8F
        '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}', // 90-97
        '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}', // 98-9F
    ];
    bytes.iter().map(|&b| if (0x80..0xA0).contains(&b) { HIGH[usize::from(b - 0x80)] } else { char::from(b) }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_maps_the_typographic_range_and_the_undefined_bytes() {
        assert_eq!(windows_1252(b"a\x91b\x92\x93\x94\x96\x97"), "a\u{2018}b\u{2019}\u{201C}\u{201D}\u{2013}\u{2014}");
        assert_eq!(windows_1252(b"\x81\x8D\x8F\x90\x9D"), "\u{81}\u{8D}\u{8F}\u{90}\u{9D}");
        assert_eq!(windows_1252(b"\x80\x85\xA0\xFF"), "\u{20AC}\u{2026}\u{A0}\u{FF}");
        // The example: Ñ in UTF-8 read as Windows-1252 holds a single quote.
        assert_eq!(windows_1252("Ñ".as_bytes()), "\u{C3}\u{2018}");
    }

    #[test]
    fn the_byte_order_mark_decides_for_both_shells() {
        let text = "'Ñ'";
        let with_bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        for reading in Reading::ALL {
            assert_eq!(reading.read(&with_bom), text, "{}", reading.name());
        }
        assert_eq!(Reading::PowerShell7.read(text.as_bytes()), text);
        assert_eq!(Reading::WindowsPowerShell.read(text.as_bytes()), "'\u{C3}\u{2018}'");
        assert_eq!(Reading::WindowsPowerShell.read(b"\xFF\xFEa\x00"), "a");
    }
}
