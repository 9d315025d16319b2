//! The output of `reg query` (cmd.exe's registry tool, which admins often paste instead of
//! PowerShell's): a key's full path on a line of its own, then one indented line per value,
//! name, type and data separated by runs of spaces, and a blank line before the next key.
//!
//! ```text
//! HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client
//!     DisabledByDefault    REG_DWORD    0x0
//!     Enabled    REG_DWORD    0x1
//! ```
//!
//! A remote query (`reg query \\EX01\HKLM\...`) prints the key as `\\EX01\HKEY_LOCAL_MACHINE\...`,
//! which names the computer. Each key becomes a record with its path in `RegistryKey` (and the
//! computer in `ComputerName`); a key shown without values is a key that holds none. The type
//! names (`REG_DWORD`) and the data (`0x1`) do not change with the culture; the error line of a
//! missing key does, and is left to the shell-message reader.

use super::{Block, Format, Prop, Record, Value, Wanted};
use crate::source::{is_blank, LineNo, Source};

/// The hives `reg query` prints in full.
const HIVES: &[&str] = &["HKEY_LOCAL_MACHINE\\", "HKEY_CURRENT_USER\\", "HKEY_USERS\\", "HKEY_CLASSES_ROOT\\"];

/// Reads the keys of a `reg query` output that starts at `start`.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    key_line(src.line(start))?;
    let mut block = Block::new(Format::RegQuery, start, start);
    let mut n = start;
    while n <= end {
        let line = src.line(n);
        if is_blank(line) {
            // A blank line ends a key; the output goes on when the next non-blank line is a key.
            let mut next = n + 1;
            while next <= end && is_blank(src.line(next)) {
                next += 1;
            }
            if next > end || key_line(src.line(next)).is_none() {
                break;
            }
            n = next;
            continue;
        }
        if let Some((computer, path)) = key_line(line) {
            let mut record = Record { type_name: None, first_line: n, last_line: n, props: Vec::new() };
            record.props.push(Prop::new("RegistryKey", Value::Text(path.into()), n));
            if let Some(computer) = computer {
                record.props.push(Prop::new("ComputerName", Value::Text(computer.into()), n));
            }
            block.records.push(record);
        } else if let (Some((name, data)), Some(record)) = (value_line(line), block.records.last_mut()) {
            if wanted(name) {
                record.props.push(Prop::new(name, Value::Text(data.into()), n));
            }
            record.last_line = n;
        } else {
            break;
        }
        block.last_line = n;
        n += 1;
    }
    block.understood.push((start, block.last_line));
    Some(block)
}

/// The computer (for a remote query) and the key's path, when the line is a key's line.
fn key_line(line: &str) -> Option<(Option<&str>, &str)> {
    let line = line.trim();
    let (computer, path) = match line.strip_prefix("\\\\") {
        Some(rest) => {
            let (computer, path) = rest.split_once('\\')?;
            (Some(computer).filter(|c| !c.is_empty() && !c.contains(char::is_whitespace)), path)
        }
        None => (None, line),
    };
    let in_hive = HIVES.iter().any(|hive| path.get(..hive.len()).is_some_and(|p| p.eq_ignore_ascii_case(hive)));
    (in_hive && !path.contains("    ")).then_some((computer, path))
}

/// The name and data of a value's line (`    Enabled    REG_DWORD    0x1`): indented, then the
/// name, a run of at least four spaces, a `REG_` type, and the data (empty for an empty string).
fn value_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix("    ")?;
    let at = rest.find("    REG_")?;
    let name = rest[..at].trim();
    let typed = rest[at..].trim_start();
    let data = typed.split_once("    ").map_or("", |(_, data)| data.trim());
    (!name.is_empty()).then_some((name, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_values_and_the_remote_computer() {
        let text = "\\\\EXHYB01\\HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\n    DisabledByDefault    REG_DWORD    0x1\n    Enabled    REG_DWORD    0x1\n\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\n    (Default)    REG_SZ\n    SchUseStrongCrypto    REG_DWORD    0x1\n\nThe operation completed successfully.\n";
        let src = Source::new(text);
        let block = parse(&src, 1, src.line_count(), super::super::every_property).expect("a reg query output");
        assert_eq!(block.last_line, 7);
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!(first.get("ComputerName").and_then(|p| p.value.as_text()), Some("EXHYB01"));
        assert_eq!(first.get("DisabledByDefault").and_then(|p| p.value.as_text()), Some("0x1"));
        let second = &block.records[1];
        assert!(second.get("ComputerName").is_none());
        assert_eq!(second.get("(Default)").and_then(|p| p.value.as_text()), Some(""));
        assert_eq!(second.get("SchUseStrongCrypto").and_then(|p| p.value.as_text()), Some("0x1"));
        assert!(parse(&src, 9, src.line_count(), super::super::every_property).is_none());
    }
}
