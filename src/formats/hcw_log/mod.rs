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
//!
//! # Where the code is
//!
//! `entries.rs` reads a line as a log entry, `calls.rs` the cmdlet calls and their command
//! lines, `reader.rs` one block entry by entry, and `objects.rs` the objects a call shows and how
//! [`join`] keeps one of each.

mod calls;
mod entries;
mod objects;
mod reader;

use super::{Block, Format};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{is_blank, LineNo, Source};
use calls::Call;
use entries::Entry;
use objects::merge_objects;
use reader::Reader;

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
    use super::calls::{parameters, Argument, Ending};
    use super::entries::{Entry, Level};

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
