//! The Hybrid Configuration Wizard's log, dropped as a file or pasted whole or in part.
//!
//! Two generations of the wizard write two layouts. Both are read line by line: every line is
//! a log entry (it starts with a timestamp) or a continuation of the entry above it.
//!
//! # The current wizard
//!
//! `%AppData%\Microsoft\Exchange Hybrid Configuration\<yyyyMMdd_HHmmss>.log`. Verified from
//! entries quoted in Microsoft support articles (KB 4051381, the "can't register a Hybrid Agent"
//! article), Microsoft Q&A threads and a Microsoft blog, each entry is one line:
//!
//! ```text
//! 2017.10.23 11:39:51.552         10276 [Client=UX, Activity=Domain Ownership, Session=OnPremises, Cmdlet=Set-FederatedOrganizationIdentifier, Thread=9] START Set-FederatedOrganizationIdentifier -AccountNamespace 'contoso.com' -Enabled: $true -DefaultDomain $null
//! 2017.10.23 11:39:57.693 *ERROR* 10277 [Client=UX, Activity=Domain Ownership, Session=OnPremises, Cmdlet=Set-FederatedOrganizationIdentifier, Thread=9] FINISH Time=6140.9ms Results=PowerShell failed to invoke 'Set-FederatedOrganizationIdentifier': Object reference not set to an instance of an object.
//! ```
//!
//! - A timestamp `yyyy.MM.dd HH:mm:ss.fff`; a level field, blank for information and
//!   `*ERROR*` or `WARNING` otherwise (copies from web pages lose the asterisks, which Markdown
//!   reads as emphasis, and often collapse the padding); a five-digit event number.
//! - Tags in brackets, `Key=Value` separated by `, `: always `Client=UX` and `Thread=`, and,
//!   depending on the entry, `Activity=` (the wizard's step), `Page=`, `fn=`, `Workflow=`,
//!   `Task=`, `Phase=`, `HTTP GET=`, and for a cmdlet call `Session=OnPremises` or
//!   `Session=Tenant` and `Cmdlet=`.
//! - A cmdlet call is a `START <command>` entry, with the parameters written the way
//!   PowerShell reads them (`'text'` with `''` for a quote, `-Switch: $true`, `$null`, bare
//!   words, lists `'a','b'`), and a `FINISH Time=<ms>ms Results=<outcome>` entry with the same
//!   tags; a failed call's results are `PowerShell failed to invoke '<cmdlet>': <error>`. HTTP
//!   requests and workflow steps use START and FINISH too, without a `Cmdlet=` tag.
//! - Error codes `HCW8001`, `HCW8092` (and so on) start the message of an error entry.
//! - An exception follows its entry on continuation lines: `Type: message`, then stack frames
//!   `   at Namespace.Type.Method(...)` and `--- End of inner exception stack trace ---`,
//!   indented in the file; forum copies lose the indent. An entry with an empty message can be
//!   followed by its exception's first line.
//!
//! Inferred, not seen in any public sample: which exact calls the wizard makes (the
//! reconstruction of its mail-flow commands in `exchange-domain.md` agrees with the calls read
//! here); that `HCW8064` and the other codes are written as the message of an error or warning
//! entry as `HCW8001` is; and how the objects a `Get-` call returned are recorded. A Microsoft
//! blog says the log holds the on-premises configuration the wizard read, laid out as tables,
//! but no public copy shows it. This reader takes them as the call's continuation lines after
//! its FINISH entry, one `Name : Value` line per property (any indent, any padding), an
//! object per run of lines, objects apart by a blank line or when a name comes again.
//!
//! # The wizard built into Exchange 2010 and 2013 (before CU9's download)
//!
//! `%ExchangeInstallPath%Logging\Update-HybridConfiguration\HybridConfiguration_<date>.log`.
//! Verified from a Microsoft support article for Exchange 2010 and a blog quoting the log:
//!
//! ```text
//! [2/4/2014 13:36:8] INFO:Running command: Get-FederationInformation -DomainName 'contoso.mail.onmicrosoft.com' -BypassAdditionalDomainValidation 'True'
//! [2/4/2014 13:36:8] INFO:Cmdlet: Get-FederationInformation --Start Time: 2/4/2014 3:36:08 PM.
//! [2/4/2014 13:36:16] INFO:Cmdlet: Get-FederationInformation --End Time: 2/4/2014 3:36:16 PM.
//! [2/4/2014 13:36:16] INFO:Cmdlet: Get-FederationInformation --Processing Time: 7690.8.
//! [2/4/2014 13:36:17] ERROR:Updating hybrid configuration failed with error 'Subtask Configure execution failed: ...
//! ```
//!
//! The timestamp is `[M/d/yyyy H:m:s]` without padding; every value is quoted, booleans too;
//! the error's text runs over unindented lines (`Execution of the <cmdlet> cmdlet had thrown an
//! exception.`, the exception, its stack frames) up to the line that closes the quote with
//! `'.`. This log is not known to record what a `Get-` call returned.
//!
//! # What becomes of it
//!
//! - Every call is a block whose `command` is the call's command line, so the report names each
//!   call as a section of "what was read".
//! - The calls that write hybrid mail-flow settings on premises (`Set-ReceiveConnector`,
//!   `New-SendConnector`, `Set-SendConnector`, `New-HybridConfiguration`,
//!   `Set-HybridConfiguration`) and in Exchange Online (`New-`/`Set-InboundConnector`,
//!   `New-`/`Set-OutboundConnector`) become records of the object they write, holding the
//!   values the wizard wrote; a call the log shows failing writes nothing and makes none. The
//!   object's identity comes only from its identity parameter (`-Identity`, or `-Name` of a new
//!   connector), read whole and quoted; nothing else on the line is taken for one.
//! - The recorded output of a `Get-` call of an object the model knows becomes records.
//! - [`join`] keeps one object per connector, certificate, server and hybrid configuration:
//!   what a later call wrote or read replaces what an earlier one showed, so the rules judge
//!   the state the log ends with.
//! - Error entries, `HCW` codes, failed calls and exceptions become diagnostics, repeats counted
//!   once; every other line of the log is understood as its furniture.

use super::{Block, Format, Prop, Record, Value};
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Kind;
use crate::source::{is_blank, trim, trim_end, trim_start, LineNo, Source};
use crate::transcript::first_cmdlet;
use std::rc::Rc;

/// Reads the log entries from `start` up to the next cmdlet call (which starts a block of its
/// own) or the first line that is neither an entry nor a continuation; declines when `start`
/// is not a log entry.
pub fn parse(src: &Source, start: LineNo, end: LineNo) -> Option<Block> {
    let first = Entry::read(src.line(start))?;
    let mut reader = Reader::new(src, start, Call::opened_by(src, start, &first));
    let mut n = start;
    while n <= end {
        let line = src.line(n);
        if is_blank(line) {
            reader.blank();
        } else if let Some(entry) = Entry::read(line) {
            if n != start && reader.starts_another_block(&entry) {
                break;
            }
            reader.entry(n, &entry);
            reader.last = n;
        } else if reader.continues(line) {
            reader.continuation(n, line);
            reader.last = n;
        } else {
            break;
        }
        n += 1;
    }
    Some(reader.finish())
}

/// The level of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    Information,
    Warning,
    Error,
}

/// The header of one log line.
#[derive(Debug)]
struct Entry<'a> {
    /// The timestamp as written.
    time: &'a str,
    level: Level,
    /// The tags between the brackets (current wizard); empty in the old wizard's log.
    tags: &'a str,
    message: &'a str,
    /// The line ends inside its tags: the copy was cut.
    cut: bool,
    /// Written by the wizard built into Exchange 2010 and 2013.
    old: bool,
}

impl<'a> Entry<'a> {
    fn read(line: &'a str) -> Option<Entry<'a>> {
        Entry::read_current(line).or_else(|| Entry::read_old(line))
    }

    /// `2017.10.23 11:39:57.693 *ERROR* 10277 [Client=UX, ..., Thread=9] message`.
    fn read_current(line: &'a str) -> Option<Entry<'a>> {
        let b = line.as_bytes();
        let shape = b"dddd.dd.dd dd:dd:dd.ddd";
        if b.len() < shape.len() {
            return None;
        }
        let fits = shape.iter().zip(b).all(|(s, c)| if *s == b'd' { c.is_ascii_digit() } else { s == c });
        if !fits {
            return None;
        }
        let time = &line[..shape.len()];
        let mut rest = trim_start(&line[shape.len()..]);
        let mut level = Level::Information;
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        if !word.is_empty() && !word.bytes().all(|c| c.is_ascii_digit()) && !word.starts_with('[') {
            let bare = word.trim_matches('*');
            if bare.is_empty() || !bare.bytes().all(|c| c.is_ascii_uppercase()) {
                return None;
            }
            level = if bare.contains("ERR") {
                Level::Error
            } else if bare.starts_with("WARN") {
                Level::Warning
            } else {
                Level::Information
            };
            rest = trim_start(&rest[word_end..]);
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        rest = trim_start(&rest[digits..]);
        // The tags start with a name and `=`: `[Client=UX, ...`.
        let tags = rest.strip_prefix('[')?;
        let name_end = tags.find('=')?;
        if name_end == 0 || !tags[..name_end].bytes().all(|c| c.is_ascii_alphanumeric() || c == b' ') {
            return None;
        }
        let (tags, message, cut) = match tags.find(']') {
            Some(close) => (&tags[..close], trim(&tags[close + 1..]), false),
            None => (tags, "", true),
        };
        Some(Entry { time, level, tags, message, cut, old: false })
    }

    /// `[2/4/2014 13:36:8] INFO:Running command: ...`.
    fn read_old(line: &'a str) -> Option<Entry<'a>> {
        let inner = line.strip_prefix('[')?;
        // `12/31/2015 23:59:59` is 19 characters; the bracket closes soon after the start.
        let close = inner.bytes().take(24).position(|b| b == b']')?;
        let time = &inner[..close];
        let (date, clock) = time.split_once(' ')?;
        let numbers = |text: &str, separator: char, count: usize| {
            let parts: Vec<&str> = text.split(separator).collect();
            parts.len() == count
                && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()))
        };
        if !numbers(date, '/', 3) || !numbers(clock, ':', 3) {
            return None;
        }
        let rest = trim_start(&inner[close + 1..]);
        let (word, message) = rest.split_once(':')?;
        if word.is_empty() || !word.bytes().all(|c| c.is_ascii_uppercase()) {
            return None;
        }
        let level = match word {
            "ERROR" => Level::Error,
            "WARNING" | "WARN" => Level::Warning,
            _ => Level::Information,
        };
        Some(Entry { time, level, tags: "", message: trim(message), cut: false, old: true })
    }

    /// The tags that say which step of the wizard wrote the entry, e.g. `Task=MailFlow, Phase=Configure`.
    fn step(&self) -> String {
        let tags = ["Activity", "Workflow", "Task", "Phase"];
        tags.iter().filter_map(|k| self.tag(k).map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(", ")
    }

    /// The date part of the timestamp.
    fn date(&self) -> &'a str {
        self.time.split(' ').next().unwrap_or(self.time)
    }

    /// The value of a tag, e.g. `Cmdlet`.
    fn tag(&self, name: &str) -> Option<&'a str> {
        self.tags.split(", ").find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The command of a call this entry starts: `START <command>` with a `Cmdlet=` tag, or the
    /// old wizard's `Running command: <command>`.
    fn call_start(&self) -> Option<&'a str> {
        if self.old {
            return self.message.strip_prefix("Running command:").map(trim).filter(|c| !c.is_empty());
        }
        let cmdlet = self.tag("Cmdlet")?;
        let command = self.message.strip_prefix("START").filter(|rest| rest.is_empty() || rest.starts_with(' '))?;
        let command = trim(command);
        Some(if command.is_empty() { cmdlet } else { command })
    }

    /// The results of the call this entry finishes: `FINISH Time=...ms Results=...` with a `Cmdlet=` tag.
    fn call_finish(&self) -> Option<&'a str> {
        self.tag("Cmdlet")?;
        let rest = self.message.strip_prefix("FINISH")?;
        Some(rest.split_once("Results=").map_or("", |(_, results)| trim(results)))
    }

    /// Where the call ran: the current wizard tags it `Session=OnPremises` or `Session=Tenant`;
    /// the old wizard's log does not say.
    fn session(&self) -> Session {
        match self.tag("Session") {
            Some(s) if s.eq_ignore_ascii_case("OnPremises") => Session::OnPremises,
            Some(s) if s.eq_ignore_ascii_case("Tenant") => Session::Online,
            _ => Session::Either,
        }
    }
}

/// Where a call ran, or which side a cmdlet changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Session {
    OnPremises,
    Online,
    /// The log does not say (the old wizard's log).
    Either,
}

/// The cmdlet call a block records.
struct Call {
    /// The command line as the log shows it.
    command: Rc<str>,
    cmdlet: String,
    thread: Option<String>,
    session: Session,
    /// The line of the START entry, when it is in the block.
    start_line: Option<LineNo>,
    /// The log shows the call failing.
    failed: bool,
}

/// How far back a block that starts with a call's FINISH looks for the call's START (calls on
/// several threads interleave their entries, but not by much).
const START_LOOKBACK: LineNo = 64;

impl Call {
    /// The call `entry` (at line `n`) starts or finishes, if any.
    fn opened_by(src: &Source, n: LineNo, entry: &Entry) -> Option<Call> {
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
    fn finished_by(&self, entry: &Entry) -> bool {
        entry.call_finish().is_some()
            && entry.tag("Cmdlet").is_some_and(|c| c.eq_ignore_ascii_case(&self.cmdlet))
            && entry.tag("Thread") == self.thread.as_deref()
    }
}

/// The entry being read, with what its continuation lines add.
struct Open {
    line: LineNo,
    old: bool,
    /// The entry is an error to report when it ends (unless it was reported otherwise).
    error: bool,
    /// Which step of the wizard wrote the entry (see [`Entry::step`]).
    step: String,
    message: String,
    /// The first line of an exception among the continuation lines.
    exception: Option<String>,
    /// The old wizard's error names the cmdlet that threw.
    threw: Option<String>,
    /// The old wizard's error text on the lines after the entry, without stack frames.
    detail: String,
    /// The old wizard's error text is quoted and not yet closed.
    quote_open: bool,
    /// Braces of a JSON body not yet closed.
    json_depth: i64,
    /// The objects a `Get-` call returned, being read.
    output: Option<Output>,
}

impl Open {
    /// True when the next line may hold the detail of this entry (an exception).
    fn expects_detail(&self) -> bool {
        self.error || self.message.is_empty() || self.message.ends_with(':')
    }
}

/// Reads the objects a `Get-` call returned, one `Name : Value` line per property.
#[derive(Default)]
struct Output {
    records: Vec<Record>,
    current: Option<Record>,
    /// A blank line came before the first property: the copy has a blank line after every
    /// line (a web page, a mail), so blank lines do not part objects; a name that comes again does.
    double_spaced: Option<bool>,
    blank_seen: bool,
}

impl Output {
    fn blank(&mut self) {
        self.blank_seen = true;
        if self.double_spaced != Some(true) {
            self.end_object();
        }
    }

    /// Adds a property; `maybe_cut` when the paste ends on this line, which may have cut the value.
    fn property(&mut self, n: LineNo, name: &str, value: &str, maybe_cut: bool) {
        self.double_spaced.get_or_insert(self.blank_seen);
        let repeated = self.current.as_ref().is_some_and(|r| r.get(name).is_some());
        if repeated {
            self.end_object();
        }
        let record = self.current.get_or_insert_with(|| Record { first_line: n, last_line: n, ..Record::default() });
        record.last_line = n;
        let mut prop = Prop::new(name, Value::Text(value.into()), n);
        prop.truncated = maybe_cut;
        // The log shows the value as it was when the wizard ran.
        prop.not_current = true;
        record.props.push(prop);
    }

    fn end_object(&mut self) {
        self.records.extend(self.current.take());
    }
}

/// The state of one block's reading.
struct Reader<'s> {
    src: &'s Source<'s>,
    block: Block,
    call: Option<Call>,
    open: Option<Open>,
    /// The record of what the call wrote, kept until the log shows whether it failed.
    written: Option<Record>,
    last: LineNo,
}

impl<'s> Reader<'s> {
    fn new(src: &'s Source<'s>, start: LineNo, call: Option<Call>) -> Reader<'s> {
        Reader { src, block: Block::new(Format::HcwLog, start, start), call, open: None, written: None, last: start }
    }

    /// True when nothing but blank lines follows line `n`: a paste may end inside it. Stops at
    /// the first line that is not blank, so it costs a line or two.
    fn ends_input(&self, n: LineNo) -> bool {
        (n + 1..=self.src.line_count()).all(|m| is_blank(self.src.line(m)))
    }

    /// True when `entry` belongs in a block of its own: a call's START, or the FINISH of a call
    /// other than this block's.
    fn starts_another_block(&self, entry: &Entry) -> bool {
        entry.call_start().is_some()
            || (entry.call_finish().is_some() && !self.call.as_ref().is_some_and(|c| c.finished_by(entry)))
    }

    fn entry(&mut self, n: LineNo, entry: &Entry) {
        self.close_entry();
        let mut open = Open {
            line: n,
            old: entry.old,
            error: entry.level == Level::Error,
            step: entry.step(),
            message: entry.message.to_owned(),
            exception: None,
            threw: entry.old.then(|| threw(entry.message)).flatten().map(str::to_owned),
            detail: String::new(),
            quote_open: entry.old && entry.message.contains(" with error '") && !closes_quote(entry.message),
            json_depth: json_depth(entry.message),
            output: None,
        };
        if entry.cut {
            self.cut(n);
        }
        if self.codes(n, entry.message) {
            open.error = false;
        }
        let starts_call = self.call.as_ref().is_some_and(|c| c.start_line == Some(n));
        if starts_call {
            let command = self.call.as_ref().map(|c| c.command.clone()).unwrap_or_default();
            self.written = self.written_record(n, &command);
        } else if let Some(results) =
            entry.call_finish().filter(|_| self.call.as_ref().is_some_and(|c| c.finished_by(entry)))
        {
            open.error = false;
            let failed = entry.level == Level::Error
                || results.starts_with("PowerShell failed")
                || results.to_ascii_uppercase().starts_with("FAILED");
            if failed {
                self.call_failed(n, results);
            } else if self.returns_known_objects() {
                open.output = Some(Output::default());
            }
        }
        self.open = Some(open);
    }

    /// True when a line that is not an entry continues the open entry.
    fn continues(&self, line: &str) -> bool {
        let Some(open) = &self.open else { return false };
        let text = trim_start(line);
        line.starts_with([' ', '\t'])
            || text.starts_with("at ")
            || text.starts_with("---")
            || open.quote_open
            || open.json_depth > 0
            || (open.expects_detail() && exception_head(text).is_some())
            || (open.output.is_some() && output_property(line).is_some())
            || (open.old && open.error && text.starts_with("Additional troubleshooting information"))
    }

    fn continuation(&mut self, n: LineNo, line: &str) {
        let text = trim(line);
        let reading_output = self.open.as_ref().is_some_and(|o| o.output.is_some());
        if let Some((name, value)) = output_property(line).filter(|_| reading_output) {
            let maybe_cut = self.ends_input(n);
            if let Some(output) = self.open.as_mut().and_then(|o| o.output.as_mut()) {
                output.property(n, name, value, maybe_cut);
            }
            return;
        }
        let coded = self.codes(n, text);
        let Some(open) = self.open.as_mut() else { return };
        if coded {
            open.error = false;
        } else if let Some(head) = exception_head(text) {
            // An exception under an entry that is not an error is an error all the same.
            open.error |= open.exception.is_none() && !open.message.contains(head);
            open.exception.get_or_insert_with(|| shorten(text));
        }
        if open.old {
            if let Some(cmdlet) = threw(text) {
                open.threw.get_or_insert_with(|| cmdlet.to_owned());
            }
            let frame = text.starts_with("at ") || text.starts_with("---");
            if open.error && open.quote_open && !frame && open.detail.len() < 600 {
                open.detail.push(' ');
                open.detail.push_str(trim_end(text.strip_suffix("'.").unwrap_or(text)));
            }
            if open.quote_open && closes_quote(text) {
                open.quote_open = false;
            }
        }
        open.json_depth += json_depth(text);
    }

    /// A blank line ends an object of recorded output.
    fn blank(&mut self) {
        if let Some(output) = self.open.as_mut().and_then(|o| o.output.as_mut()) {
            output.blank();
        }
    }

    /// Reports the open entry's error, and keeps the objects it recorded.
    fn close_entry(&mut self) {
        let Some(mut open) = self.open.take() else { return };
        if let Some(mut output) = open.output.take() {
            output.end_object();
            self.block.records.extend(output.records);
        }
        if !open.error {
            return;
        }
        if let Some(cmdlet) = open.threw.take() {
            let text = format!("{}{}", open.message, open.detail);
            if self.call.as_ref().is_some_and(|c| c.cmdlet.eq_ignore_ascii_case(&cmdlet)) {
                self.call_failed(open.line, &text);
            } else {
                self.block.diagnostics.push(failed_call(open.line, &cmdlet, true, &text));
            }
            return;
        }
        let text =
            if open.message.is_empty() { open.exception.unwrap_or_default() } else { open.message + &open.detail };
        // The exception that repeats a failure reported with its call adds nothing.
        let repeats = self.call.as_ref().is_some_and(|c| c.failed && text.contains(&format!("'{}'", c.cmdlet)));
        if !repeats {
            self.block.diagnostics.push(Diagnostic::at_line(
                "hcw-log-error",
                Severity::Warning,
                open.line,
                format!(
                    "The log has an error entry{}: {}",
                    if open.step.is_empty() { String::new() } else { format!(" ({})", open.step) },
                    shorten(if text.is_empty() { "(no message)" } else { &text })
                ),
                "Read the log around this line: the entries before it say which step of the wizard failed.".into(),
            ));
        }
    }

    /// Reports the `HCW` codes in `text`; true when there was one.
    fn codes(&mut self, n: LineNo, text: &str) -> bool {
        let mut found = false;
        let mut from = 0;
        while let Some(at) = text[from..].find("HCW").map(|i| from + i) {
            from = at + 3;
            let code = text.get(at..at + 7).filter(|c| c[3..].bytes().all(|b| b.is_ascii_digit()));
            let alone_before = at == 0 || !text.as_bytes()[at - 1].is_ascii_alphanumeric();
            let alone_after = text.as_bytes().get(at + 7).is_none_or(|b| !b.is_ascii_alphanumeric());
            let Some(code) = code.filter(|_| alone_before && alone_after) else { continue };
            found = true;
            let said = trim(text[at + 7..].trim_start_matches([' ', '-', ':']));
            let said = if said.is_empty() { shorten(text) } else { shorten(said) };
            self.block.diagnostics.push(Diagnostic::at_line(
                "hcw-error",
                Severity::Warning,
                n,
                format!("The Hybrid Configuration Wizard reported {code}: {said}"),
                hcw_hint(code).into(),
            ));
        }
        found
    }

    fn cut(&mut self, n: LineNo) {
        self.block.diagnostics.push(Diagnostic::at_line(
            "hcw-log-line-cut",
            Severity::Info,
            n,
            "This line of the Hybrid Configuration Wizard log is cut short, so what it records was read only in part."
                .into(),
            "Drop the whole log file (or paste it whole) to have every call read.".into(),
        ));
    }

    fn call_failed(&mut self, n: LineNo, results: &str) {
        let Some(call) = self.call.as_mut() else { return };
        call.failed = true;
        let diagnostic = failed_call(n, &call.cmdlet, call.session != Session::Online, results);
        self.block.diagnostics.push(diagnostic);
    }

    /// True when the block's call is a `Get-` of objects the model knows.
    fn returns_known_objects(&self) -> bool {
        self.call.as_ref().is_some_and(|c| {
            c.cmdlet.get(..4).is_some_and(|v| v.eq_ignore_ascii_case("Get-")) && Kind::from_cmdlet(&c.cmdlet).is_some()
        })
    }

    /// The record of the settings a write call sets, for the calls that write hybrid mail flow.
    fn written_record(&mut self, n: LineNo, command: &str) -> Option<Record> {
        let call = self.call.as_ref()?;
        let (type_name, identity_parameter, side) = written_type(&call.cmdlet)?;
        if call.session != side && call.session != Session::Either {
            return None;
        }
        let (mut parameters, ending) = parameters(command);
        if ending == Ending::Cut {
            self.cut(n);
        }
        if ending == Ending::Open && self.ends_input(n) {
            // The paste ends inside or right after a bare word: it may be a piece of a value.
            if let Some(last) = parameters.last_mut() {
                last.value = Argument::Cut(String::new());
            }
        }
        let mut record = Record { type_name: Some(type_name.into()), first_line: n, last_line: n, props: Vec::new() };
        for parameter in parameters {
            // PowerShell takes any start of a parameter's name for it (`-Id`), and so does the
            // model, which reads an `Id` property as the identity.
            let is_identity = parameter.name.len() >= 2
                && identity_parameter
                    .get(..parameter.name.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(parameter.name));
            // The wizard quotes the identities it writes; anything else is not taken for one.
            // Nor is a new name given to an object (`Set-SendConnector -Name`), which the model
            // would read as an identity when none is shown.
            if is_identity && !parameter.quoted || !is_identity && parameter.name.eq_ignore_ascii_case("Name") {
                continue;
            }
            let (value, truncated) = match parameter.value {
                Argument::Values(mut values) if values.len() == 1 => (Value::Text(values.remove(0).into()), false),
                Argument::Values(values) => {
                    (Value::List(values.into_iter().map(|v| Value::Text(v.into())).collect()), false)
                }
                Argument::Null => (Value::Null, false),
                Argument::Flag(on) => (Value::Text(if on { "True" } else { "False" }.into()), false),
                // A cut value is kept only to show whose identity it was: it is marked cut, so
                // no command names it. Any other cut value is left out rather than read wrong.
                Argument::Cut(text) if is_identity => (Value::Text(text.into()), true),
                Argument::Cut(_) | Argument::Hidden => continue,
            };
            // A new send connector's name is its identity.
            let name = if is_identity { "Identity" } else { parameter.name };
            let mut prop = Prop::new(name, value, n);
            prop.truncated = truncated;
            prop.not_current = true;
            record.props.push(prop);
        }
        Some(record)
    }

    fn finish(mut self) -> Block {
        self.close_entry();
        if let Some(record) = self.written.take().filter(|_| !self.call.as_ref().is_some_and(|c| c.failed)) {
            self.block.records.insert(0, record);
        }
        self.block.command = self.call.map(|c| c.command);
        self.block.last_line = self.last;
        self.block.understood.push((self.block.first_line, self.last));
        self.block
    }
}

/// The type a write call changes, its identity parameter, and the side it runs on.
fn written_type(cmdlet: &str) -> Option<(&'static str, &'static str, Session)> {
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

/// A diagnostic for a call the log shows failing.
fn failed_call(n: LineNo, cmdlet: &str, on_premises: bool, results: &str) -> Diagnostic {
    let shell = if on_premises { "the Exchange Management Shell" } else { "Exchange Online PowerShell" };
    Diagnostic::at_line(
        "hcw-cmdlet-failed",
        Severity::Warning,
        n,
        format!("The wizard's call to {cmdlet} failed, so it changed nothing: {}", shorten(results)),
        format!("Run the command the log records for this call in {shell} to see the error there, fix its cause, then run the wizard again."),
    )
}

/// What to do about an `HCW` code; the codes below are documented by Microsoft.
fn hcw_hint(code: &str) -> &'static str {
    match code {
        "HCW8064" => "Mail flow was configured, but OAuth was not (free/busy and other features that use it may not work): configure OAuth by hand as KB 3089172 describes (https://support.microsoft.com/help/3089172), or run the wizard again once the cause in the entries above is fixed.",
        "HCW8010" => "No receive connector listens on port 25 for both IPv4 and IPv6 (KB 3087159): bind the Default Frontend connector to `[::]:25` and `0.0.0.0:25`, then run the wizard again.",
        _ => "Look the code up in Microsoft's Hybrid Configuration Wizard troubleshooting articles, fix the cause the entries before it show, and run the wizard again.",
    }
}

/// One parameter of a recorded command.
struct Parameter<'a> {
    name: &'a str,
    value: Argument,
    /// Every item of the value was written in quotes.
    quoted: bool,
}

/// How the last value of a command line ends.
#[derive(Debug, PartialEq)]
enum Ending {
    Whole,
    /// Inside quotes or parentheses: the line was cut.
    Cut,
    /// A bare word runs to the end of the line: whole, unless the line was cut there.
    Open,
}

/// A parameter's value as the log writes it.
#[derive(Debug, PartialEq)]
enum Argument {
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

/// Splits a command line into its parameters; true when the line ends inside a value.
fn parameters(command: &str) -> (Vec<Parameter<'_>>, Ending) {
    let mut out = Vec::new();
    let bytes = command.as_bytes();
    let mut i = command.find(char::is_whitespace).unwrap_or(command.len());
    let skip_white = |mut i: usize| {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    loop {
        i = skip_white(i);
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
        i = skip_white(i);
        let next_is_parameter = bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if i >= bytes.len() || (next_is_parameter && !colon) {
            if !name.is_empty() {
                out.push(Parameter { name, value: Argument::Flag(true), quoted: false });
            }
            continue;
        }
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
            let after = skip_white(i);
            if bytes.get(after) == Some(&b',') {
                i = skip_white(after + 1);
                if i < bytes.len() {
                    continue;
                }
            }
            break;
        }
        let value = match argument {
            Some(Argument::Cut(rest)) => {
                out.push(Parameter { name, value: Argument::Cut(rest), quoted });
                return (out, Ending::Cut);
            }
            Some(other) if items.is_empty() => other,
            // A list mixing literals with variables or $null: not read.
            Some(_) => Argument::Hidden,
            None => Argument::Values(items),
        };
        if !name.is_empty() {
            out.push(Parameter { name, value, quoted });
        }
        if bare_last && i >= bytes.len() {
            return (out, Ending::Open);
        }
    }
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

/// `Name : Value` (any indent, any padding), as the recorded output of a `Get-` call shows a property.
fn output_property(line: &str) -> Option<(&str, &str)> {
    let text = trim_end(trim_start(line));
    let (name, value) = match text.find(" : ") {
        Some(at) => (&text[..at], &text[at + 3..]),
        None => (text.strip_suffix(" :")?, ""),
    };
    let name = trim_end(name);
    let is_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    is_name.then_some((name, value))
}

/// The type of an exception that starts `text` (`System.NullReferenceException: ...`).
fn exception_head(text: &str) -> Option<&str> {
    let (head, _) = text.split_once(':')?;
    let word_like =
        !head.is_empty() && head.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'`'));
    (word_like && head.ends_with("Exception")).then_some(head)
}

/// The cmdlet in the old wizard's "Execution of the New-SendConnector cmdlet had thrown an exception".
fn threw(text: &str) -> Option<&str> {
    let rest = &text[text.find("Execution of the ")? + "Execution of the ".len()..];
    let (cmdlet, after) = rest.split_once(' ')?;
    (after.starts_with("cmdlet had thrown") || after.starts_with("cmdlet has thrown")).then_some(cmdlet)
}

/// True when the old wizard's quoted error text ends on this line (`... '.`).
fn closes_quote(text: &str) -> bool {
    let text = trim_end(text);
    text.ends_with("'.") || text.ends_with("' .") || text == "'"
}

/// How many more braces open than close in `text`, outside strings.
fn json_depth(text: &str) -> i64 {
    if !text.contains(['{', '}']) {
        return 0;
    }
    let mut depth = 0i64;
    let mut in_string = false;
    let mut escaped = false;
    for b in text.bytes() {
        match (in_string, b) {
            (true, b'\\') if !escaped => {
                escaped = true;
                continue;
            }
            (true, b'"') if !escaped => in_string = false,
            (false, b'"') => in_string = true,
            (false, b'{') => depth += 1,
            (false, b'}') => depth -= 1,
            _ => {}
        }
        escaped = false;
    }
    depth
}

/// Text for a message, at most a few hundred characters.
fn shorten(text: &str) -> String {
    const MOST: usize = 600;
    let text = trim(text);
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

/// Finishes the log blocks of one segment: keeps one object per connector, certificate, server
/// and hybrid configuration (the latest state the log shows), counts repeated diagnostics once,
/// and says what was read.
pub fn join(src: &Source, blocks: &mut [Block]) {
    let logs: Vec<usize> = (0..blocks.len()).filter(|&b| blocks[b].format == Format::HcwLog).collect();
    let (Some(&first), Some(&last)) = (logs.first(), logs.last()) else { return };
    merge_objects(blocks, &logs);
    count_repeats(blocks, &logs);
    let calls = logs.iter().filter(|&&b| blocks[b].command.is_some()).count();
    // The dates of the first and the last entry (the last block ends with its last entry or
    // that entry's continuation lines).
    let date = |n: LineNo| Entry::read(src.line(n)).map(|e| e.date().to_owned());
    let from = date(blocks[first].first_line).unwrap_or_default();
    let to = (blocks[last].first_line..=blocks[last].last_line).rev().find_map(date).unwrap_or_default();
    let when = if from == to { format!("of {from}") } else { format!("from {from} to {to}") };
    let message = format!(
        "Read a Hybrid Configuration Wizard log {when} with {calls} cmdlet call{}: the objects read from it show the settings as the wizard read and wrote them then, which may have changed since.",
        if calls == 1 { "" } else { "s" }
    );
    blocks[first].diagnostics.insert(0, Diagnostic::at_line(
        "hcw-log",
        Severity::Info,
        blocks[first].first_line,
        message,
        "Before running a fix, check the current settings with its verify commands, or paste current `Get-ReceiveConnector`, `Get-SendConnector`, `Get-HybridConfiguration` and `Get-ExchangeCertificate` output with the log.".into(),
    ));
}

/// What a later call wrote or read replaces, property by property, what an earlier one showed
/// of the same object; the object stays where the log first showed it.
fn merge_objects(blocks: &mut [Block], logs: &[usize]) {
    // Every record of the log with its block, in the log's order.
    let mut records: Vec<(usize, Option<Record>)> = Vec::new();
    for &b in logs {
        records.extend(std::mem::take(&mut blocks[b].records).into_iter().map(|r| (b, Some(r))));
    }
    let keys: Vec<Option<String>> =
        records.iter().map(|(b, r)| r.as_ref().and_then(|r| object_key(blocks[*b].command.as_deref(), r))).collect();
    // Records of one object come together, in the log's order (the crate's one sort, see `sort`).
    let order = crate::sort::stable_order(records.len(), &|x, y| keys[x].cmp(&keys[y]));
    let mut first: Option<usize> = None;
    for &at in &order {
        match first {
            Some(earlier) if keys[at].is_some() && keys[at] == keys[earlier] => {
                let Some(record) = records[at].1.take() else { continue };
                let Some(into) = records[earlier].1.as_mut() else { continue };
                for prop in record.props {
                    match into.props.iter_mut().find(|p| p.name.eq_ignore_ascii_case(&prop.name)) {
                        Some(old) => *old = prop,
                        None => into.props.push(prop),
                    }
                }
            }
            _ => first = Some(at),
        }
    }
    for (b, record) in records {
        blocks[b].records.extend(record);
    }
}

/// What tells one object from another: its kind and identity (a certificate's server and
/// thumbprint); `None` when the record does not say.
fn object_key(command: Option<&str>, record: &Record) -> Option<String> {
    let kind = record
        .type_name
        .as_deref()
        .and_then(Kind::from_type_name)
        .or_else(|| command.and_then(first_cmdlet).and_then(Kind::from_cmdlet))?;
    let text = |name: &str| record.get(name).and_then(|p| p.value.as_text()).map(trim).filter(|t| !t.is_empty());
    let identity = match kind {
        Kind::HybridConfiguration => String::new(),
        Kind::ExchangeCertificate => {
            let server = command.and_then(server_parameter).unwrap_or_default();
            format!("{server}\\{}", text("Thumbprint")?)
        }
        _ => text("Identity").or_else(|| text("Name"))?.to_owned(),
    };
    Some(format!("{}/{}", kind.as_str(), identity.to_ascii_lowercase()))
}

/// The value of `-Server` in a command line.
fn server_parameter(command: &str) -> Option<String> {
    let (parameters, _) = parameters(command);
    parameters.into_iter().find(|p| p.name.eq_ignore_ascii_case("Server")).and_then(|p| match p.value {
        Argument::Values(values) => values.into_iter().next(),
        _ => None,
    })
}

/// Counts repeats of the same diagnostic once: an `HCW` code, a failed call, and the other
/// error entries (one diagnostic names the first and counts the rest).
fn count_repeats(blocks: &mut [Block], logs: &[usize]) {
    let mut diagnostics: Vec<(usize, Option<Diagnostic>)> = Vec::new();
    for &b in logs {
        diagnostics.extend(std::mem::take(&mut blocks[b].diagnostics).into_iter().map(|d| (b, Some(d))));
    }
    let keys: Vec<Option<String>> = diagnostics
        .iter()
        .map(|(_, d)| {
            let d = d.as_ref()?;
            match d.code {
                "hcw-error" => d.message.split(':').next().map(str::to_owned),
                "hcw-cmdlet-failed" => Some(d.message.clone()),
                "hcw-log-error" => Some(String::new()),
                _ => None,
            }
        })
        .collect();
    let order = crate::sort::stable_order(diagnostics.len(), &|x, y| keys[x].cmp(&keys[y]));
    // The first of each group, how many there were and the line of the last.
    let mut groups: Vec<(usize, usize, LineNo)> = Vec::new();
    for &at in &order {
        let line = diagnostics[at].1.as_ref().and_then(|d| d.line).unwrap_or(0);
        match groups.last_mut() {
            Some((first, count, last)) if keys[at].is_some() && keys[at] == keys[*first] => {
                *count += 1;
                *last = line;
                diagnostics[at].1 = None;
            }
            _ => groups.push((at, 1, line)),
        }
    }
    for (first, count, last) in groups.into_iter().filter(|&(_, count, _)| count > 1) {
        let Some(d) = diagnostics[first].1.as_mut() else { continue };
        let more = count - 1;
        let tail = if d.code == "hcw-log-error" {
            format!(" (and {more} more error entr{}, the last at line {last})", if more == 1 { "y" } else { "ies" })
        } else {
            format!(" (the log shows it {count} times, the last at line {last})")
        };
        d.message.push_str(&tail);
    }
    for (b, d) in diagnostics {
        blocks[b].diagnostics.extend(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_current_header_with_and_without_level_and_padding() {
        let e = Entry::read("2017.10.23 11:39:57.693 *ERROR* 10277 [Client=UX, Session=OnPremises, Cmdlet=Set-X, Thread=9] FINISH Time=1.0ms Results=x").unwrap();
        assert_eq!(
            (e.level, e.tag("Cmdlet"), e.tag("Thread"), e.call_finish()),
            (Level::Error, Some("Set-X"), Some("9"), Some("x"))
        );
        let e = Entry::read(
            "2020.10.25 12:12:29.642 10390 [Client=UX, Page=HybridConnectorInstall, Thread=13] Test duration",
        )
        .unwrap();
        assert_eq!((e.level, e.message), (Level::Information, "Test duration"));
        let e = Entry::read("2024.02.27 20:51:05.132 ERROR 10251 [Client=UX, Thread=1]").unwrap();
        assert_eq!((e.level, e.message), (Level::Error, ""));
        let e = Entry::read(
            "2024.01.31 20:38:59.965 WARNING 10310 [Client=UX, Activity=Tenant Data Retrieval, Thread=11] Coexistence",
        )
        .unwrap();
        assert_eq!(e.level, Level::Warning);
        let e = Entry::read("2025.11.03 10:05:12.733         10276 [Client=UX, Activity=Mail Flow, Sess").unwrap();
        assert!(e.cut);
        assert!(Entry::read("017.10.23 11:39:51.552         10276 [Client=UX, Thread=9] START").is_none());
        assert!(Entry::read("2017.10.23 11:39:51.552 some other log").is_none());
    }

    #[test]
    fn reads_the_old_header() {
        let e = Entry::read("[2/4/2014 13:36:8] INFO:Running command: Get-FederationInformation -DomainName 'contoso.mail.onmicrosoft.com'").unwrap();
        assert!(e.old);
        assert_eq!(e.call_start(), Some("Get-FederationInformation -DomainName 'contoso.mail.onmicrosoft.com'"));
        let e =
            Entry::read("[2/4/2014 13:36:17] ERROR:Updating hybrid configuration failed with error 'Subtask").unwrap();
        assert_eq!(e.level, Level::Error);
        assert!(Entry::read("[PS] C:\\Windows\\system32>Get-ReceiveConnector").is_none());
        assert!(Entry::read("[::]:25").is_none());
    }

    #[test]
    fn reads_parameters_as_powershell_writes_them() {
        let (p, cut) = parameters("Set-X -Identity 'EX01\\Default Frontend EX01' -Enabled: $true -DefaultDomain $null -Force -Bindings '[::]:25','0.0.0.0:25' -Servers EX01,EX02 -Name 'Don''t' -Cert $TLSCertName -Credential (Get-Credential -UserName 'a') -Level DomainValidation");
        assert_eq!(cut, Ending::Open);
        let got: Vec<(&str, Argument)> = p.into_iter().map(|p| (p.name, p.value)).collect();
        let text = |v: &[&str]| Argument::Values(v.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            got,
            vec![
                ("Identity", text(&["EX01\\Default Frontend EX01"])),
                ("Enabled", Argument::Flag(true)),
                ("DefaultDomain", Argument::Null),
                ("Force", Argument::Flag(true)),
                ("Bindings", text(&["[::]:25", "0.0.0.0:25"])),
                ("Servers", text(&["EX01", "EX02"])),
                ("Name", text(&["Don't"])),
                ("Cert", Argument::Hidden),
                ("Credential", Argument::Hidden),
                ("Level", text(&["DomainValidation"])),
            ]
        );
        let (p, cut) = parameters("New-SendConnector -Name 'Outbound' -TLSDomain 'mail.prot");
        assert_eq!(cut, Ending::Cut);
        assert_eq!(p.last().map(|p| &p.value), Some(&Argument::Cut("mail.prot".into())));
    }

    #[test]
    fn never_panics_on_odd_command_lines() {
        for command in [
            "",
            "-",
            "X -",
            "X -a:",
            "X -a '",
            "X -a ''",
            "X -a (",
            "X -a ,",
            "X , y",
            "X ,,",
            "X -a 'b',",
            "X é -ü 'ö'",
            "X -a @{",
            "X -a }",
        ] {
            let (parameters, _) = parameters(command);
            assert!(parameters.iter().all(|p| !p.name.is_empty()), "{command}");
        }
        assert!(Entry::read("[1/1/2015 1:2:3] INFO:").is_some());
        assert!(Entry::read("[1/1/2015 1:2:3]").is_none());
    }
}
