//! PowerShell quoting: the only place where text from the input becomes part of a command.
//!
//! Every argument taken from the input is written as a single-quoted string. Inside single
//! quotes PowerShell expands nothing (`$`, backticks and `;` are plain characters); the only
//! special characters are the single quotes themselves, and PowerShell treats five code
//! points as single quotes: `'` U+0027, `‘` U+2018, `’` U+2019, `‚` U+201A and `‛` U+201B.
//! Each is written twice. Text with characters that a terminal may hide, reorder or turn
//! into a line break is refused rather than quoted: a command that looks different from
//! what it does must never be printed.

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

impl std::fmt::Display for Quoted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writes `text` as a PowerShell single-quoted string literal, or refuses.
pub fn quote(text: &str) -> Result<Quoted, Refused> {
    if text.is_empty() {
        return Err(Refused { reason: "it is empty".into() });
    }
    if let Some(c) = text.chars().find(|&c| is_unsafe(c)) {
        return Err(Refused {
            reason: format!(
                "it contains the invisible or control character U+{:04X}, which a terminal would not show as it is",
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

/// Control characters, line and paragraph separators, zero-width characters and bidirectional
/// overrides: all can make a printed command read differently from what it runs.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}
