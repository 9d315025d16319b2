//! Splits a paste into segments at shell prompts, and recognizes transcript furniture.
//!
//! A paste may be a whole console session: `[PS] C:\Windows\system32>Get-ReceiveConnector | fl`
//! prompts with the command typed after them, the output of several cmdlets, and the header
//! and footer that `Start-Transcript` writes. Each prompt opens a segment whose output lines
//! run to the next prompt; the command tells which cmdlet produced them.

use crate::source::{LineNo, Source};

/// The output lines that follow one prompt (or the start of the paste).
#[derive(Debug, PartialEq)]
pub struct Segment {
    /// The command typed at the prompt, when there was one.
    pub command: Option<String>,
    pub first_line: LineNo,
    pub last_line: LineNo,
}

/// Lines that belong to the shell rather than to any output.
#[derive(Debug, PartialEq)]
pub struct Furniture {
    /// True for a prompt, false for transcript header and footer lines.
    pub prompt: bool,
    /// The command typed at a prompt, if any.
    pub command: Option<String>,
    pub first_line: LineNo,
    pub last_line: LineNo,
}

/// Splits `src` into segments, and returns the prompt and transcript lines between them.
pub fn split(src: &Source) -> (Vec<Segment>, Vec<Furniture>) {
    let mut segments = Vec::new();
    let mut furniture = Vec::new();
    let mut current = Segment { command: None, first_line: 1, last_line: 0 };
    let count = src.line_count();
    // Only lines that start like furniture are read; the rest are output.
    let mut candidates = src.lines_starting(may_be_furniture);
    while let Some(n) = candidates.next() {
        let line = src.line(n);
        if is_star_rule(line) {
            // `Start-Transcript` frames its header with lines of asterisks: every line from this
            // one to the next such line (or to the end) belongs to the header.
            let last = candidates.by_ref().find(|&m| is_star_rule(src.line(m))).unwrap_or(count);
            push_transcript_lines(&mut furniture, n, last);
        } else if is_transcript_line(line) {
            push_transcript_lines(&mut furniture, n, n);
        } else if let Some(command) = prompt_command(line) {
            let mut command = command.to_owned();
            let mut last = n;
            // `>> ` lines continue a command typed over several lines. They do not start like
            // furniture, so no candidate is passed over.
            while last < count && src.line(last + 1).starts_with(">>") {
                last += 1;
                command.push(' ');
                command.push_str(src.line(last)[2..].trim());
            }
            let command = (!command.trim().is_empty()).then(|| command.trim().to_owned());
            furniture.push(Furniture { prompt: true, command: command.clone(), first_line: n, last_line: last });
            close(&mut segments, current, n - 1);
            current = Segment { command, first_line: last + 1, last_line: 0 };
        }
    }
    close(&mut segments, current, count);
    (segments, furniture)
}

/// Adds transcript lines `first..=last`, joining them to the previous ones when adjacent.
fn push_transcript_lines(furniture: &mut Vec<Furniture>, first: LineNo, last: LineNo) {
    match furniture.last_mut() {
        Some(previous) if !previous.prompt && previous.last_line + 1 == first => previous.last_line = last,
        _ => furniture.push(Furniture { prompt: false, command: None, first_line: first, last_line: last }),
    }
}

fn close(segments: &mut Vec<Segment>, mut segment: Segment, last_line: LineNo) {
    segment.last_line = last_line;
    if segment.last_line >= segment.first_line || segment.command.is_some() {
        segments.push(segment);
    }
}

/// A quick look at the first two bytes: only lines that start like a prompt (see
/// [`may_be_prompt`]) or like transcript furniture (`**`, `Tr`, `Wi`, `Po`, `Co`) can be either.
fn may_be_furniture(first_two: [u8; 2]) -> bool {
    may_be_prompt(first_two)
        || matches!(first_two, [b'*', b'*'] | [b'T', b'r'] | [b'W', b'i'] | [b'P', b'o'] | [b'C', b'o'])
}

/// Every prompt `prompt_command` reads starts `[P`, `PS`, with a drive (`C:`), or with a
/// remote session's computer name in brackets (`[ex01`).
fn may_be_prompt(first_two: [u8; 2]) -> bool {
    matches!(first_two, [b'P', b'S'] | [_, b':']) || (first_two[0] == b'[' && first_two[1].is_ascii_alphanumeric())
}

fn is_star_rule(line: &str) -> bool {
    if !line.starts_with('*') {
        return false;
    }
    let line = line.trim_end();
    line.len() >= 10 && line.bytes().all(|b| b == b'*')
}

/// Lines that `Start-Transcript` and `Stop-Transcript` print outside the header.
fn is_transcript_line(line: &str) -> bool {
    const STARTS: [&str; 6] = [
        "Transcript started, output file is ",
        "Transcript stopped, output file is ",
        "Windows PowerShell transcript start",
        "Windows PowerShell transcript end",
        "PowerShell transcript start",
        "Command start time: ",
    ];
    // Most candidates are property lines such as `ConnectionTimeout` or `TransportRole`: four
    // bytes tell them from every start but one, before the rest of the text is compared.
    let Some(head) = line.as_bytes().get(..4) else { return false };
    STARTS.iter().any(|s| &s.as_bytes()[..4] == head && line.starts_with(s))
}

/// The command after a prompt such as `[PS] C:\Windows\system32>`, `PS C:\> `, `PS>` or `C:\>`,
/// also in a remote session, whose prompt starts with the computer's name in brackets:
/// `[ex01.contoso.com]: PS C:\Users\admin\Documents>` (`Enter-PSSession`).
pub fn prompt_command(line: &str) -> Option<&str> {
    if !matches!(line.as_bytes(), [a, b, ..] if may_be_prompt([*a, *b])) {
        return None;
    }
    let line = without_remote_computer(line);
    let rest =
        line.strip_prefix("[PS] ").or_else(|| line.strip_prefix("PS ")).map(|r| (r, true)).unwrap_or((line, false));
    let (rest, had_ps) = rest;
    if had_ps && rest.starts_with('>') {
        // `PS>` with nothing between: the prompt `Start-Transcript` records.
        return Some(&rest[1..]);
    }
    if let Some(command) = line.strip_prefix("PS>") {
        return Some(command);
    }
    let path_ok = {
        let b = rest.as_bytes();
        (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\')
            || (had_ps
                && (rest.starts_with('/')
                    || rest.starts_with("Microsoft.PowerShell.Core\\")
                    || rest.starts_with("\\\\")
                    || rest.starts_with('~')))
    };
    if !path_ok {
        return None;
    }
    let close = rest.find('>')?;
    let path = &rest[..close];
    if path.contains(['<', '|', '"']) || path.contains(" : ") {
        return None;
    }
    Some(&rest[close + 1..])
}

/// The prompt after a remote session's `[COMPUTER]: `, or `line` as it is when it does not start
/// so. The name must look like a computer's (letters, digits, `.`, `-`, `_`), so that a line of
/// output that starts with a bracket is not taken for a prompt.
fn without_remote_computer(line: &str) -> &str {
    let Some((computer, prompt)) = line.strip_prefix('[').and_then(|rest| rest.split_once("]: ")) else {
        return line;
    };
    let is_name = (1..=253).contains(&computer.len())
        && computer.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if is_name && prompt.starts_with("PS") {
        prompt
    } else {
        line
    }
}

/// The cmdlet a command line runs first, e.g. `Get-ReceiveConnector` for
/// `$rc = Get-ReceiveConnector "EX01\Default Frontend EX01" | fl`.
pub fn first_cmdlet(command: &str) -> Option<&str> {
    let mut text = command.trim();
    if text.starts_with('$') {
        // An assignment: the output went into a variable, but name the cmdlet anyway.
        text = text.split_once('=').map(|(_, rhs)| rhs.trim_start())?;
    }
    let word = text.split(|c: char| c.is_whitespace() || c == '|' || c == ';' || c == '(').next()?;
    let (verb, noun) = word.split_once('-')?;
    let is_name = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    (is_name(verb) && is_name(noun)).then_some(word)
}
