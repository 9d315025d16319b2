//! One line of the log as an entry: its timestamp, level, tags and message ([`Entry`]) in
//! both wizards' layouts, and what the text of an entry or of its continuation lines says (an
//! exception, the old wizard's quoted error, a JSON body).

use crate::source::{trim, trim_end, trim_start};

/// The level of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Level {
    Information,
    Warning,
    Error,
}

/// The header of one log line.
#[derive(Debug)]
pub(super) struct Entry<'a> {
    /// The timestamp as written.
    time: &'a str,
    pub(super) level: Level,
    /// The tags between the brackets (current wizard); empty in the old wizard's log.
    tags: &'a str,
    pub(super) message: &'a str,
    /// The line ends inside its tags: the copy was cut.
    pub(super) cut: bool,
    /// Written by the wizard built into Exchange 2010 and 2013.
    pub(super) old: bool,
}

impl<'a> Entry<'a> {
    pub(super) fn read(line: &'a str) -> Option<Entry<'a>> {
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
    pub(super) fn step(&self) -> String {
        let tags = ["Activity", "Workflow", "Task", "Phase"];
        tags.iter().filter_map(|k| self.tag(k).map(|v| format!("{k}={v}"))).collect::<Vec<_>>().join(", ")
    }

    /// The date part of the timestamp.
    pub(super) fn date(&self) -> &'a str {
        self.time.split(' ').next().unwrap_or(self.time)
    }

    /// The value of a tag, e.g. `Cmdlet`.
    pub(super) fn tag(&self, name: &str) -> Option<&'a str> {
        self.tags.split(", ").find_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The command of a call this entry starts: `START <command>` with a `Cmdlet=` tag, or the
    /// old wizard's `Running command: <command>`.
    pub(super) fn call_start(&self) -> Option<&'a str> {
        if self.old {
            return self.message.strip_prefix("Running command:").map(trim).filter(|c| !c.is_empty());
        }
        let cmdlet = self.tag("Cmdlet")?;
        let command = self.message.strip_prefix("START").filter(|rest| rest.is_empty() || rest.starts_with(' '))?;
        let command = trim(command);
        Some(if command.is_empty() { cmdlet } else { command })
    }

    /// The results of the call this entry finishes: `FINISH Time=...ms Results=...` with a `Cmdlet=` tag.
    pub(super) fn call_finish(&self) -> Option<&'a str> {
        self.tag("Cmdlet")?;
        let rest = self.message.strip_prefix("FINISH")?;
        Some(rest.split_once("Results=").map_or("", |(_, results)| trim(results)))
    }

    /// Where the call ran: the current wizard tags it `Session=OnPremises` or `Session=Tenant`;
    /// the old wizard's log does not say.
    pub(super) fn session(&self) -> Session {
        match self.tag("Session") {
            Some(s) if s.eq_ignore_ascii_case("OnPremises") => Session::OnPremises,
            Some(s) if s.eq_ignore_ascii_case("Tenant") => Session::Online,
            _ => Session::Either,
        }
    }
}

/// Where a call ran, or which side a cmdlet changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Session {
    OnPremises,
    Online,
    /// The log does not say (the old wizard's log).
    Either,
}

/// The type of an exception that starts `text` (`System.NullReferenceException: ...`).
pub(super) fn exception_head(text: &str) -> Option<&str> {
    let (head, _) = text.split_once(':')?;
    let word_like =
        !head.is_empty() && head.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'`'));
    (word_like && head.ends_with("Exception")).then_some(head)
}

/// The cmdlet in the old wizard's "Execution of the New-SendConnector cmdlet had thrown an exception".
pub(super) fn threw(text: &str) -> Option<&str> {
    let rest = &text[text.find("Execution of the ")? + "Execution of the ".len()..];
    let (cmdlet, after) = rest.split_once(' ')?;
    (after.starts_with("cmdlet had thrown") || after.starts_with("cmdlet has thrown")).then_some(cmdlet)
}

/// True when the old wizard's quoted error text ends on this line (`... '.`).
pub(super) fn closes_quote(text: &str) -> bool {
    let text = trim_end(text);
    text.ends_with("'.") || text.ends_with("' .") || text == "'"
}

/// How many more braces open than close in `text`, outside strings.
pub(super) fn json_depth(text: &str) -> i64 {
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
