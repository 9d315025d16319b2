//! PowerShell quoting: the only place where text from the input becomes part of a command.
//!
//! Every argument taken from the input is written as a single-quoted string. Inside single
//! quotes PowerShell expands nothing (`$`, backticks and `;` are plain characters); the only
//! special characters are the single quotes themselves, and PowerShell treats five code
//! points as single quotes: `'` U+0027, `‘` U+2018, `’` U+2019, `‚` U+201A and `‛` U+201B.
//! Each is written twice. Text with a character that does not display as what it is (a
//! control, format, separator or unassigned code point: see [`crate::hidden`]) is refused
//! rather than quoted: a command that looks different from what it does must never be printed.

use crate::hidden;

/// The code points PowerShell's tokenizer accepts as single quotes.
pub const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Why a text cannot be put into a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub reason: String,
}

/// A single-quoted PowerShell string literal. [`quote`] is the only way to make one, so a
/// command assembled from `Quoted` values and literal code holds no unquoted input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted(String);

impl Quoted {
    /// The literal as PowerShell code, quotes included.
    pub fn code(&self) -> &str {
        &self.0
    }
}

/// Writes `text` as a PowerShell single-quoted string literal, or refuses.
pub fn quote(text: &str) -> Result<Quoted, Refused> {
    if text.is_empty() {
        return Err(Refused { reason: "it is empty".into() });
    }
    if let Some(c) = hidden::first_hidden(text) {
        return Err(Refused {
            reason: format!(
                "it contains the character U+{:04X}, which does not display as what it is (a control, format, separator or unassigned character), so a command holding it could look different from what it does",
                u32::from(c)
            ),
        });
    }
    let mut out = String::with_capacity(text.len() + 2);
    out.push('\'');
    for c in text.chars() {
        if SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    Ok(Quoted(out))
}
