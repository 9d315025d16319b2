//! The failures of the hostile-input suites (`tests/hostile.rs`, and the CLI's
//! `cli/tests/hostile.rs`), grouped by the defect classes of issue 12.

use super::unicode::is_unprintable;
use std::collections::BTreeMap;

pub const CLASS_BOM: &str = "12.1 the ps1 script is read differently by Windows PowerShell 5.1 (no byte-order mark)";
pub const CLASS_HINT: &str = "12.2 a command exists only inside hint prose (no structured `commands`)";
pub const CLASS_CONTROL_OUTPUT: &str =
    "12.3 raw control, bidirectional or format characters in text or Markdown output";
pub const CLASS_INVISIBLE: &str =
    "12.4 invisible or format characters reach a command or a script comment, or are not refused";
pub const CLASS_NO_DIAGNOSTIC: &str =
    "12.4 a value with invisible or format characters is refused, but without an `unsafe-identity` diagnostic";
pub const CLASS_WARNING_LIST: &str = "12.5 the Exchange 2010 warning's one value names the whole list";
pub const CLASS_AMBIGUOUS: &str = "12.6 a command names an identity that is not one object";
pub const CLASS_WRAP: &str = "12.7 a space guessed at a wrap reaches a command";
pub const CLASS_NOT_WHOLE: &str = "12.8 an identity that is not whole (cut cell, DN escapes) reaches a command";
pub const CLASS_DROPPED: &str = "12.9 list entries or capability bits dropped from a fix";
pub const CLASS_WILDCARD: &str = "12.10 a wildcard identity gets a command without a word about it";
pub const CLASS_ERROR_ACTION: &str = "12.11 a value is read with Get- without -ErrorAction Stop before a Set-";
pub const CLASS_CHANGED: &str =
    "12.0 a command's code or string differs from the intended one (injection or altered value)";
pub const CLASS_BASE: &str = "base case yields no command with the benign value (the suite would pass vacuously)";

pub struct Failure {
    pub class: &'static str,
    pub case: String,
    pub payload: String,
    pub detail: String,
}

#[derive(Default)]
pub struct Failures(pub Vec<Failure>);

impl Failures {
    pub fn add(&mut self, class: &'static str, case: &str, payload: &str, detail: String) {
        self.0.push(Failure { class, case: case.to_owned(), payload: payload.to_owned(), detail });
    }

    /// Panics with the failures grouped by class: a count, the cases affected, a few examples.
    pub fn assert_none(self, what: &str, checked: usize) {
        if self.0.is_empty() {
            return;
        }
        let mut by_class: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
        for failure in &self.0 {
            by_class.entry(failure.class).or_default().push(failure);
        }
        let mut message = format!("{} of {checked} {what} failed:\n", self.0.len());
        for (class, failures) in by_class {
            let mut cases: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &failures {
                *cases.entry(f.case.as_str()).or_default() += 1;
            }
            message.push_str(&format!("\n{class}: {} failing\n", failures.len()));
            let listed: Vec<String> = cases.iter().map(|(case, n)| format!("{case} ({n})")).collect();
            message.push_str(&format!("  where: {}\n", short(&listed.join("; "), 600)));
            for f in failures.iter().take(4) {
                message.push_str(&format!("  - {} × {}: {}\n", f.case, f.payload, short(&f.detail, 300)));
            }
        }
        if let Some(wanted) = std::env::var_os("HOSTILE_VERBOSE") {
            // `HOSTILE_VERBOSE=12.4` lists every failure of the classes that start so.
            let wanted = wanted.to_string_lossy().into_owned();
            for f in self.0.iter().filter(|f| f.class.starts_with(&wanted)) {
                eprintln!("{} | {} × {}: {}", f.class, f.case, f.payload, short(&f.detail, 400));
            }
        }
        panic!("{message}");
    }
}

/// Text for a failure message: invisible characters escaped, long text cut.
pub fn short(text: &str, limit: usize) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            if is_unprintable(c) || (c as u32) > 0x7E && !c.is_alphanumeric() && !c.is_ascii() {
                format!("\\u{{{:x}}}", c as u32).chars().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if escaped.chars().count() > limit {
        format!("{}…", escaped.chars().take(limit).collect::<String>())
    } else {
        escaped
    }
}
