//! Reading a report as the hostile-input suites do (`tests/hostile.rs`, and the CLI's
//! `cli/tests/hostile.rs`): its JSON form, every command in it tokenized, and its prose.

use super::layouts::Inputs;
use super::powershell::{tokenize, Kind, Token};
use hybridcheck::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use serde_json::Value;
use std::collections::BTreeSet;

/// The date the fixtures use, so that certificate lifetimes do not change from day to day.
pub fn options() -> Options {
    Options { today: Date::new(2026, 11, 28), ..Options::default() }
}

/// The JSON form of the report, the contract this suite reads (not the Rust types).
pub fn report_of(inputs: &Inputs) -> Value {
    let report = check_with(
        inputs.iter().map(|(name, bytes)| Input { name, data: InputData::Bytes(bytes.as_slice().into()) }).collect(),
        &options(),
    );
    serde_json::to_value(&report).unwrap()
}

/// One command of the report, tokenized.
pub struct Command {
    /// Where the report holds it, e.g. `finding 0 (legacy-exo-tls-capability) fix`.
    pub place: String,
    pub text: String,
    pub tokens: Vec<Token>,
}

/// The text of one command: a string, or (once commands are typed) an object holding it.
pub fn command_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(map) => ["text", "code", "command", "script"]
            .iter()
            .find_map(|key| map.get(*key).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

/// Every command of the report: each finding's fix, verify and rollback commands, and the
/// commands of diagnostics when the report has them. A command may be a block of several lines.
pub fn commands(report: &Value) -> Vec<Command> {
    let mut out = Vec::new();
    let mut add = |place: String, list: Option<&Value>| {
        for item in list.and_then(Value::as_array).into_iter().flatten() {
            let text = command_text(item).unwrap_or_else(|| format!("<unreadable command {item}>"));
            let tokens = tokenize(&text);
            out.push(Command { place: place.clone(), text, tokens });
        }
    };
    for (n, finding) in report["findings"].as_array().into_iter().flatten().enumerate() {
        let rule = finding["rule"].as_str().unwrap_or("?");
        for part in ["commands", "verify", "rollback"] {
            add(format!("finding {n} ({rule}) {part}"), finding["remediation"].get(part));
        }
    }
    for (n, diagnostic) in report["diagnostics"].as_array().into_iter().flatten().enumerate() {
        let code = diagnostic["code"].as_str().unwrap_or("?");
        add(format!("diagnostic {n} ({code})"), diagnostic.get("commands"));
    }
    out
}

pub fn has_diagnostic(report: &Value, code: &str) -> bool {
    report["diagnostics"].as_array().into_iter().flatten().any(|d| d["code"] == code)
}

/// Everything the report says to people: messages, notes, hints (to look for a warning).
pub fn prose(report: &Value) -> String {
    let mut text = String::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        text.push_str(finding["message"].as_str().unwrap_or(""));
        for note in finding["remediation"]["notes"].as_array().into_iter().flatten() {
            text.push_str(note.as_str().unwrap_or(""));
        }
        text.push_str(finding["remediation"]["preferred"].as_str().unwrap_or(""));
    }
    for diagnostic in report["diagnostics"].as_array().into_iter().flatten() {
        text.push_str(diagnostic["message"].as_str().unwrap_or(""));
        text.push_str(diagnostic["hint"].as_str().unwrap_or(""));
    }
    text
}

/// The code tokens (not verbatim strings, not comments) the checker prints for benign pastes.
pub type Vocabulary = BTreeSet<(Kind, String)>;

pub fn code_tokens(tokens: &[Token]) -> impl Iterator<Item = &Token> {
    tokens.iter().filter(|t| !t.is_verbatim() && t.kind != Kind::Comment)
}

/// A variable the checker names itself (`$hcBefore1`, `$cert`, `$true`): letters and digits only.
pub fn is_plain_variable(token: &Token) -> bool {
    token.kind == Kind::Variable
        && token.text.len() > 1
        && token.text[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
