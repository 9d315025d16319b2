//! What the shell itself prints between outputs: `WARNING:` lines and error records.
//!
//! One warning matters to the rules: Exchange 2010 management tools cannot read a receive
//! connector that carries the pre-2016 Exchange Online certificate entry, and say so in a
//! warning that quotes the connector's identity and the raw Active Directory value
//! (`mail.protection.outlook.com:512:<I>CN=MSIT Machine Auth CA 2, ...`). That warning
//! becomes a record; every other message becomes a diagnostic.

use super::{ends_with_cut_mark, Block, Format, Prop, Record, Value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{is_blank, trim_start, LineNo, Source};

const CORRUPTED: &str = " has been corrupted, and it's in an inconsistent state";
const CONVERT_CAPABILITIES: &str = "Could not convert property TlsDomainCapabilities";
const CONVERTING_STRING: &str = "Error while converting string '";
const MORE_RESULTS: &str = "There are more results available than are currently displayed";

pub fn parse(src: &Source, start: LineNo, end: LineNo) -> Option<Block> {
    let line = src.line(start);
    if is_warning_start(line) {
        Some(parse_messages(src, start, end))
    } else {
        parse_error_record(src, start, end)
    }
}

fn is_warning_start(line: &str) -> bool {
    line.starts_with("WARNING:")
        || line.starts_with(CONVERT_CAPABILITIES)
        || (line.starts_with("The object ") && line.contains(CORRUPTED))
}

/// One warning message, joined from the lines the console wrapped it onto.
struct Message {
    /// The message's first line.
    line: LineNo,
    text: String,
    /// The byte offsets in `text` where a line break was joined without knowing for sure whether
    /// a space stood there (the trailing space was lost).
    guessed: Vec<usize>,
}

/// Reads consecutive warning messages; a message may be wrapped onto lines of its own.
fn parse_messages(src: &Source, start: LineNo, end: LineNo) -> Block {
    let (messages, last) = join_messages(src, start, end);
    let mut block = Block::new(Format::ShellMessages, start, last);
    block.understood.push((start, last));
    // The identity the last "has been corrupted" message named, with whether a wrap inside it
    // left a space to guess.
    let mut object_identity: Option<(LineNo, String, bool)> = None;
    for message in &messages {
        let (line, text) = (message.line, message.text.as_str());
        if let Some(identity) = corrupted_object(text) {
            let start = identity.as_ptr() as usize - text.as_ptr() as usize;
            let inexact = message.guessed.iter().any(|&at| at > start && at <= start + identity.len());
            object_identity = Some((line, identity.to_owned(), inexact));
        }
        if let Some(raw) = converted_string(text) {
            block.format = Format::Exchange2010Warning;
            block.records.push(warning_record(line, raw, object_identity.as_ref()));
        } else if text.contains(MORE_RESULTS) {
            block.diagnostics.push(Diagnostic::at_line(
                "result-size-limit",
                Severity::Warning,
                line,
                "The shell stopped listing results early, so some objects are missing from the paste.".into(),
                "Run the command again with `-ResultSize Unlimited` and paste the whole output.".into(),
            ));
        } else if corrupted_object(text).is_none() {
            block.diagnostics.push(Diagnostic::at_line(
                "shell-warning",
                Severity::Info,
                line,
                format!("The shell printed a warning: {text}"),
                "Nothing to paste instead; read the warning in case it explains missing output.".into(),
            ));
        }
    }
    block
}

/// The messages from line `start` on, and the last line they take.
fn join_messages(src: &Source, start: LineNo, end: LineNo) -> (Vec<Message>, LineNo) {
    let mut messages: Vec<Message> = Vec::new();
    let mut n = start;
    let mut last = start;
    // The longest line read so far (without trailing spaces): the console's width, at least.
    let mut width = 0;
    while n <= end {
        let line = src.line(n);
        let length = line.trim_end().chars().count();
        if is_warning_start(line) {
            let text = line.strip_prefix("WARNING:").unwrap_or(line).trim();
            messages.push(Message { line: n, text: text.to_owned(), guessed: Vec::new() });
        } else if let Some(message) = messages.last_mut().filter(|_| continues_message(src, n)) {
            // The console cut the message at its width; a line one short of the longest lost
            // the space it was cut at when trailing spaces were trimmed.
            let previous = src.line(n - 1);
            if !previous.ends_with(' ') {
                message.guessed.push(message.text.len());
            }
            if previous.ends_with(' ') || previous.trim_end().chars().count() < width {
                message.text.push(' ');
            }
            message.text.push_str(line.trim_end());
        } else {
            break;
        }
        width = width.max(length);
        last = n;
        n += 1;
    }
    (messages, last)
}

/// The receive connector that an Exchange 2010 warning at `line` names: the raw value `raw` it
/// could not convert, under the identity of the "has been corrupted" message before it, if any.
fn warning_record(line: LineNo, raw: &str, identity: Option<&(LineNo, String, bool)>) -> Record {
    let mut record = Record { first_line: identity.map_or(line, |(l, ..)| *l), last_line: line, ..Record::default() };
    record.type_name = Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector".into());
    if let Some((identity_line, identity, inexact)) = identity {
        let mut prop = Prop::new("Identity", Value::Text(identity.as_str().into()), *identity_line);
        prop.inexact = *inexact;
        record.props.push(prop);
    }
    let mut prop = Prop::new("TlsDomainCapabilities", Value::Text(raw.into()), line);
    prop.truncated = ends_with_cut_mark(raw.trim_end());
    prop.not_current = true;
    record.props.push(prop);
    record
}

/// A line continues the previous message when that message's last line filled the console
/// (so the console wrapped it) and this line starts nothing else; the caller knows that a
/// message came before.
fn continues_message(src: &Source, n: LineNo) -> bool {
    let line = src.line(n);
    src.line(n - 1).chars().count() >= 79
        && !is_blank(line)
        // A cut just before a space leaves it at the start of the next line: one space, then
        // text. More indentation is another layout (a list's continuation, a table).
        && !line.trim_start_matches(' ').starts_with(char::is_whitespace)
        && (!line.starts_with(' ') || !line[1..].starts_with(' '))
        && super::list::property_line(line, None).is_none()
}

/// The identity in "The object EX01\Default Frontend EX01 has been corrupted, ...".
fn corrupted_object(text: &str) -> Option<&str> {
    let at = text.find(CORRUPTED)?;
    let identity =
        text[..at].strip_prefix("The object ").or_else(|| text[..at].rsplit_once("The object ").map(|(_, id)| id))?;
    let identity = identity.trim();
    (!identity.is_empty()).then_some(identity)
}

/// The quoted raw value in "... Error while converting string 'value'.".
fn converted_string(text: &str) -> Option<&str> {
    if !text.contains(CONVERT_CAPABILITIES) {
        return None;
    }
    let from = text.find(CONVERTING_STRING)? + CONVERTING_STRING.len();
    let rest = &text[from..];
    let to = rest.rfind('\'').unwrap_or(rest.len());
    Some(&rest[..to])
}

/// An error record: a message, then `At line:` and `+ ...` lines, or the indented
/// `+ CategoryInfo` lines that remote Exchange sessions print.
fn parse_error_record(src: &Source, start: LineNo, end: LineNo) -> Option<Block> {
    let first = src.line(start);
    if first.starts_with(char::is_whitespace) || first.starts_with('+') {
        return None;
    }
    let is_tail = |line: &str| {
        let t = trim_start(line);
        t.starts_with("At line:") || (t.starts_with("At ") && t.contains(" char:")) || t.starts_with("+ ")
    };
    // The message may wrap over a few lines before its tail starts. Tried at the first line of
    // every object of a Format-List paste, so each line is fetched once.
    let (tail_start, _) = (start + 1..=end.min(start + 6))
        .map(|n| (n, src.line(n)))
        .take_while(|&(_, line)| !is_blank(line))
        .find(|&(_, line)| is_tail(line))?;
    let mut last = tail_start;
    while last < end && is_tail(src.line(last + 1)) {
        last += 1;
    }
    let message: Vec<&str> = (start..tail_start).map(|n| src.line(n).trim()).collect();
    let message = message.join(" ");
    let hint = if message.contains("is not recognized as the name of a cmdlet") {
        "Run the commands in the Exchange Management Shell (or a session connected to it), then paste the output."
    } else if message.contains("couldn't be found") || message.contains("could not be found") {
        "Check the identity in the command (run it without one to list every object), then paste the output."
    } else {
        "Fix what the error says, run the command again and paste its output."
    };
    let mut block = Block::new(Format::ShellMessages, start, last);
    block.understood.push((start, last));
    if let Some(record) = missing_registry_key(src, start, tail_start, last, &message) {
        block.records.push(record);
        return Some(block);
    }
    block.diagnostics.push(Diagnostic::at_line(
        "shell-error",
        Severity::Warning,
        start,
        format!("The shell reported an error: {message}"),
        hint.into(),
    ));
    Some(block)
}

/// The error id `Get-ItemProperty` gives a path that does not exist, in every culture (the
/// message itself is translated: `Cannot find path '...' because it does not exist.`).
const ITEM_PROPERTY_PATH_NOT_FOUND: &str = "PathNotFound,Microsoft.PowerShell.Commands.GetItemPropertyCommand";

/// A record saying that a registry key does not exist (`RegistryKey`, `KeyExists` False), when
/// the error record is `Get-ItemProperty`'s "path not found" for a key under `HKLM:`. That is no
/// error to fix: a key that is not there leaves Windows' default in force, which the rules judge.
/// The path is the first quoted text of the message that starts with the hive, in any of the
/// quotes a culture uses.
fn missing_registry_key(
    src: &Source,
    start: LineNo,
    tail_start: LineNo,
    last: LineNo,
    message: &str,
) -> Option<Record> {
    (tail_start..=last).find(|&n| src.line(n).contains(ITEM_PROPERTY_PATH_NOT_FOUND))?;
    let at = ["HKLM:\\", "HKEY_LOCAL_MACHINE\\"].iter().filter_map(|hive| message.find(hive)).min()?;
    let path = &message[at..];
    let path = path[..path.find(['\'', '"', '\u{bb}', '\u{201d}', '\u{2019}']).unwrap_or(path.len())].trim();
    let mut key = Prop::new("RegistryKey", Value::Text(path.into()), start);
    // A message wrapped over lines was joined with a space at each wrap, which may not be there.
    key.inexact = tail_start > start + 1;
    let exists = Prop::new("KeyExists", Value::Text("False".into()), start);
    Some(Record { type_name: None, first_line: start, last_line: last, props: vec![key, exists] })
}
