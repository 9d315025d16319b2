//! The cmdlet calls the log records: a call's START and FINISH entries ([`Call`]), its command
//! line read into parameters the way PowerShell reads them, and which calls write hybrid mail flow.

use super::entries::{Entry, Session};
use crate::source::{LineNo, Source};
use crate::transcript::first_cmdlet;
use std::rc::Rc;

/// The cmdlet call a block records.
pub(super) struct Call {
    /// The command line as the log shows it.
    pub(super) command: Rc<str>,
    pub(super) cmdlet: String,
    thread: Option<String>,
    pub(super) session: Session,
    /// The line of the START entry, when it is in the block.
    pub(super) start_line: Option<LineNo>,
    /// The log shows the call failing.
    pub(super) failed: bool,
}

/// How far back a block that starts with a call's FINISH looks for the call's START (calls on
/// several threads interleave their entries, but not by much).
const START_LOOKBACK: LineNo = 64;

impl Call {
    /// The call `entry` (at line `n`) starts or finishes, if any.
    pub(super) fn opened_by(src: &Source, n: LineNo, entry: &Entry) -> Option<Call> {
        if let Some(command) = entry.call_start() {
            return Some(Call::new(command, entry, Some(n)));
        }
        entry.call_finish()?;
        let cmdlet = entry.tag("Cmdlet")?;
        let thread = entry.tag("Thread");
        let started = (n.saturating_sub(START_LOOKBACK).max(1)..n).rev().find_map(|m| {
            let start = Entry::read(src.line(m))?;
            let same =
                start.tag("Cmdlet").is_some_and(|c| c.eq_ignore_ascii_case(cmdlet)) && start.tag("Thread") == thread;
            same.then(|| start.call_start()).flatten()
        });
        Some(Call::new(started.unwrap_or(cmdlet), entry, None))
    }

    fn new(command: &str, entry: &Entry, start_line: Option<LineNo>) -> Call {
        let cmdlet = first_cmdlet(command).or(entry.tag("Cmdlet")).unwrap_or(command).to_owned();
        Call {
            command: command.into(),
            cmdlet,
            thread: entry.tag("Thread").map(str::to_owned),
            session: entry.session(),
            start_line,
            failed: false,
        }
    }

    /// True when `entry` finishes this call.
    pub(super) fn finished_by(&self, entry: &Entry) -> bool {
        entry.call_finish().is_some()
            && entry.tag("Cmdlet").is_some_and(|c| c.eq_ignore_ascii_case(&self.cmdlet))
            && entry.tag("Thread") == self.thread.as_deref()
    }
}

/// The type a write call changes, its identity parameter, and the side it runs on.
pub(super) fn written_type(cmdlet: &str) -> Option<(&'static str, &'static str, Session)> {
    const RECEIVE: &str = "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector";
    const SEND: &str = "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig";
    const HYBRID: &str = "Microsoft.Exchange.Data.Directory.SystemConfiguration.HybridConfiguration";
    const INBOUND: &str = "TenantInboundConnector";
    const OUTBOUND: &str = "TenantOutboundConnector";
    let (on, online) = (Session::OnPremises, Session::Online);
    match cmdlet.to_ascii_lowercase().as_str() {
        "set-receiveconnector" => Some((RECEIVE, "Identity", on)),
        "set-sendconnector" => Some((SEND, "Identity", on)),
        "new-sendconnector" => Some((SEND, "Name", on)),
        // The hybrid configuration is a singleton: its cmdlets take no identity.
        "set-hybridconfiguration" | "new-hybridconfiguration" => Some((HYBRID, "Identity", on)),
        "set-inboundconnector" => Some((INBOUND, "Identity", online)),
        "new-inboundconnector" => Some((INBOUND, "Name", online)),
        "set-outboundconnector" => Some((OUTBOUND, "Identity", online)),
        "new-outboundconnector" => Some((OUTBOUND, "Name", online)),
        _ => None,
    }
}

/// One parameter of a recorded command.
pub(super) struct Parameter<'a> {
    pub(super) name: &'a str,
    pub(super) value: Argument,
    /// Every item of the value was written in quotes.
    pub(super) quoted: bool,
}

/// How the last value of a command line ends.
#[derive(Debug, PartialEq)]
pub(super) enum Ending {
    Whole,
    /// Inside quotes or parentheses: the line was cut.
    Cut,
    /// A bare word runs to the end of the line: whole, unless the line was cut there.
    Open,
}

/// A parameter's value as the log writes it.
#[derive(Debug, PartialEq)]
pub(super) enum Argument {
    /// One value, or the items of a list (`'a','b'` or `a,b`).
    Values(Vec<String>),
    Null,
    /// A switch without a value, `$true` or `$false`.
    Flag(bool),
    /// A variable or an expression, whose value the log does not show.
    Hidden,
    /// The line ends inside the value.
    Cut(String),
}

/// Splits a command line into its parameters, and says how its last value ends.
pub(super) fn parameters(command: &str) -> (Vec<Parameter<'_>>, Ending) {
    let mut out = Vec::new();
    let bytes = command.as_bytes();
    let mut i = command.find(char::is_whitespace).unwrap_or(command.len());
    loop {
        i = skip_white(bytes, i);
        if i >= bytes.len() {
            return (out, Ending::Whole);
        }
        if bytes[i] != b'-' {
            // A positional value: not read, and never an identity.
            let (_, next) = value(command, i);
            i = next;
            continue;
        }
        let name_start = i + 1;
        i = name_start;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        let name = &command[name_start..i];
        let colon = bytes.get(i) == Some(&b':');
        if colon {
            i += 1;
        }
        i = skip_white(bytes, i);
        let next_is_parameter = bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if i >= bytes.len() || (next_is_parameter && !colon) {
            if !name.is_empty() {
                out.push(Parameter { name, value: Argument::Flag(true), quoted: false });
            }
            continue;
        }
        let (read, next) = parameter_value(command, i);
        i = next;
        if let Argument::Cut(_) = read.value {
            out.push(Parameter { name, value: read.value, quoted: read.quoted });
            return (out, Ending::Cut);
        }
        if !name.is_empty() {
            out.push(Parameter { name, value: read.value, quoted: read.quoted });
        }
        if read.bare_last && i >= bytes.len() {
            return (out, Ending::Open);
        }
    }
}

/// The value of a parameter as [`parameter_value`] reads it.
struct ParameterValue {
    value: Argument,
    /// Every item was written in quotes.
    quoted: bool,
    /// The last item is a bare word, which a cut line may have shortened.
    bare_last: bool,
}

/// Reads the value of a parameter, one value or the items of a list (`'a','b'` or `a,b`),
/// starting at byte `i`; returns it and where the text after it starts.
fn parameter_value(command: &str, mut i: usize) -> (ParameterValue, usize) {
    let bytes = command.as_bytes();
    let mut items = Vec::new();
    let mut argument = None;
    let mut quoted = true;
    let mut bare_last;
    loop {
        bare_last = !matches!(bytes[i], b'\'' | b'"');
        quoted &= !bare_last;
        let (item, next) = value(command, i);
        i = next;
        match item {
            Argument::Values(mut v) => items.append(&mut v),
            other => {
                argument = Some(other);
                break;
            }
        }
        let after = skip_white(bytes, i);
        if bytes.get(after) == Some(&b',') {
            i = skip_white(bytes, after + 1);
            if i < bytes.len() {
                continue;
            }
        }
        break;
    }
    let value = match argument {
        Some(cut @ Argument::Cut(_)) => cut,
        Some(other) if items.is_empty() => other,
        // A list mixing literals with variables or $null: not read.
        Some(_) => Argument::Hidden,
        None => Argument::Values(items),
    };
    (ParameterValue { value, quoted, bare_last }, i)
}

/// The first byte at or after `i` that is not white space (or the end).
fn skip_white(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// Reads one value starting at byte `i`; returns it and where the text after it starts.
fn value(command: &str, i: usize) -> (Argument, usize) {
    let bytes = command.as_bytes();
    match bytes[i] {
        quote @ (b'\'' | b'"') => {
            let mut text = String::new();
            let mut j = i + 1;
            loop {
                let Some(close) = command[j..].find(quote as char).map(|k| j + k) else {
                    text.push_str(&command[j..]);
                    return (Argument::Cut(text), command.len());
                };
                text.push_str(&command[j..close]);
                if bytes.get(close + 1) == Some(&quote) {
                    // A doubled quote stands for one.
                    text.push(quote as char);
                    j = close + 2;
                } else {
                    return (Argument::Values(vec![text]), close + 1);
                }
            }
        }
        b'(' | b'@' | b'{' => {
            let mut depth = 0usize;
            let mut j = i;
            let mut quote = None;
            while j < bytes.len() {
                match (quote, bytes[j]) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, c @ (b'\'' | b'"')) => quote = Some(c),
                    (None, b'(' | b'{') => depth += 1,
                    (None, b')' | b'}') => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return (Argument::Hidden, j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            (Argument::Cut(String::new()), bytes.len())
        }
        _ => {
            let end = command[i..].find(|c: char| c.is_whitespace() || c == ',').map_or(command.len(), |k| i + k);
            // A stray comma is a value of its own, so that reading always moves on.
            let end = if end == i { i + command[i..].chars().next().map_or(1, char::len_utf8) } else { end };
            let word = &command[i..end];
            let argument = match word.to_ascii_lowercase().as_str() {
                "$true" => Argument::Flag(true),
                "$false" => Argument::Flag(false),
                "$null" => Argument::Null,
                _ if word.starts_with('$') => Argument::Hidden,
                // Typographic quotes and backticks mean a copy changed the text: not read.
                _ if word.contains([
                    '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '\u{201C}', '\u{201D}', '\u{201E}', '`',
                ]) =>
                {
                    Argument::Hidden
                }
                _ => Argument::Values(vec![word.to_owned()]),
            };
            (argument, end)
        }
    }
}

/// The value of `-Server` in a command line.
pub(super) fn server_parameter(command: &str) -> Option<String> {
    let (parameters, _) = parameters(command);
    parameters.into_iter().find(|p| p.name.eq_ignore_ascii_case("Server")).and_then(|p| match p.value {
        Argument::Values(values) => values.into_iter().next(),
        _ => None,
    })
}
