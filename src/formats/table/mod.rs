//! Format-Table, and the default table views of cmdlets: a header line of column labels, an
//! underline of dashes, then one line per object.
//!
//! ```text
//! Identity                                 Bindings                                 Enabled
//! --------                                 --------                                 -------
//! EX01\Default Frontend EX01               {[::]:25, 0.0.0.0:25}                    True
//! ```
//!
//! PowerShell gives every column a fixed width and puts one space between columns. The
//! underline of a column has as many dashes as its label has, and sits where the label sits:
//! at the column's start for left-aligned columns, at its end for right-aligned ones (numbers).
//! A value longer than its column is cut and marked with `...` (Windows PowerShell 5.1) or `…`
//! (PowerShell 7), at the end for left-aligned columns and at the start for right-aligned ones.
//! With `-Wrap` a long value continues on the next lines instead, in the same column, with the
//! other columns left blank.
//!
//! Positions are screen cells. In a console with an East Asian code page a wide character
//! takes two cells, elsewhere one; each line is measured both ways when it holds such
//! characters, and the way that lines up with the columns wins.
//!
//! A row costs the length of its line and the number of columns kept, never the width of the
//! table: the cells past the end of a short line are not cut one by one, a row stores only the
//! wanted columns, and every row shares the header's names.
//!
//! # Where the code is
//!
//! This file reads the header and its underline into columns; `rows.rs` cuts each line below
//! into cells, and `screen.rs` turns a line into screen cells.

mod rows;
mod screen;

use super::{Block, Format, Wanted};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{is_blank, LineNo, Source};
use rows::{read_line, Row};
use screen::{cells_text, is_text, screen, ScreenCell};
use std::rc::Rc;

/// The most columns of a table that are read. Exchange's default table views have a handful,
/// and `Get-ReceiveConnector | Format-Table *`, the widest table an admin is likely to paste,
/// about a hundred; a table wider than this is not one a console could show, and only its first
/// columns are read.
pub const MAX_COLUMNS: usize = 256;

/// Reads a table whose header line is `start` and whose underline is the line after it,
/// keeping the `wanted` columns.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    if start >= end {
        return None;
    }
    let header = src.line(start);
    if is_blank(header) {
        return None;
    }
    if header.starts_with(char::is_whitespace) || is_blank(src.line(start + 1)) {
        return parse_grouped(src, start, end, wanted);
    }
    let runs = underline_runs(src.line(start + 1))?;
    let columns = [false, true].into_iter().find_map(|wide| read_columns(&screen(header, wide), &runs))?;
    let table = Table::new(columns, wanted);

    let mut rows: Vec<Row> = Vec::new();
    let mut last = start + 1;
    let mut n = start + 2;
    // The shell prints warnings between the rows of the objects it is listing (Exchange 2010
    // tools warn about each connector they cannot read); they are read as such, and the table
    // goes on after them.
    let mut messages: Vec<Block> = Vec::new();
    // The first row that does not line up with the header, if any.
    let mut misaligned: Option<LineNo> = None;
    while n <= end && !is_blank(src.line(n)) {
        if src.line(n).starts_with("WARNING:") {
            if let Some(block) = super::shell::parse(src, n, end) {
                last = block.last_line;
                n = block.last_line + 1;
                messages.push(block);
                continue;
            }
        }
        let line = read_line(src.line(n), &table);
        if line.misaligned && misaligned.is_none() {
            misaligned = Some(n);
        }
        match rows.last_mut() {
            // With -Wrap, a value too long for its column goes on in the same column on the
            // next line, and the first column of that line stays blank.
            Some(previous) if line.continues => previous.extend(line.cells, n),
            _ => rows.push(Row { first_line: n, last_line: n, cells: line.cells }),
        }
        last = n;
        n += 1;
    }

    if let Some(first) = misaligned {
        return Some(misaligned_table(start, last, first, messages));
    }
    let mut block = Block::new(Format::FormatTable, start, last);
    block.understood.push((start, last));
    if table.skipped > 0 {
        block.diagnostics.push(Diagnostic::at_line(
            "too-many-columns",
            Severity::Warning,
            start,
            format!(
                "The table on line {start} has {} columns; only the first {MAX_COLUMNS} were read.",
                table.columns.len() + table.skipped
            ),
            "Paste the output of the same command with `| Format-List` instead of `| Format-Table`: a list shows every property, however many.".into(),
        ));
    }
    block.records = rows.into_iter().map(|row| row.into_record(&table)).collect();
    for message in messages {
        block.records.extend(message.records);
        block.diagnostics.extend(message.diagnostics);
    }
    Some(block)
}

/// A table with a row that does not line up with its header (see `rows::crosses_a_separator`):
/// cut by the header's columns, its rows would give values that are parts of other values (an
/// identity `EXCHANGE-`, a thumbprint of eleven digits), so none is read. Its lines are left not
/// understood, but for the warnings between its rows, and a diagnostic at the first row that does
/// not line up says why (its message names no line: the decoration step may have moved it).
fn misaligned_table(start: LineNo, last: LineNo, first: LineNo, messages: Vec<Block>) -> Block {
    let mut block = Block::new(Format::FormatTable, start, last);
    block.diagnostics.push(Diagnostic::at_line(
        "table-misaligned",
        Severity::Warning,
        first,
        "The rows of this table do not line up with its header: the copy collapsed its runs of spaces or realigned it, so its columns cannot be told apart and no row was read.".into(),
        "Paste the output of the same command with `| Format-List`, copied from the console or saved to a file, or put it in a code block where the site offers one.".into(),
    ));
    for message in messages {
        block.understood.extend(message.understood);
        block.records.extend(message.records);
        block.diagnostics.extend(message.diagnostics);
    }
    block
}

/// A table under the line PowerShell prints above each group of a grouped table view, such as
/// the certificate provider's `   PSParentPath: Microsoft.PowerShell.Security\Certificate::LocalMachine\Root`
/// (indented, the property's name, `: `, its value, then a blank line; a copy may have lost the
/// indentation, or the decoration step taken it off). The group's value is
/// a property of every row, at the group line: it says what the rows are (a root store's
/// certificates, not Exchange certificates).
fn parse_grouped(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    // A property's name, letters and digits, then `: ` and the value. The name is read byte by
    // byte: every object of a Format-List paste ends at a blank line, so its first line (`Name : x`)
    // is asked here, and a search for `: ` cost 2.9 % of the hostile `tiny-objects`.
    let line = src.line(start).trim();
    let (name, rest) = line.split_at(line.bytes().take_while(u8::is_ascii_alphanumeric).count());
    let value = rest.strip_prefix(": ")?;
    // Never a stream's name (`WARNING: ...` above a table is the shell's).
    if !name.bytes().any(|b| b.is_ascii_lowercase()) || value.trim().is_empty() {
        return None;
    }
    let mut header = start + 1;
    while header < end && is_blank(src.line(header)) {
        header += 1;
    }
    if header == start + 1 || src.line(header).starts_with(char::is_whitespace) {
        return None;
    }
    let mut block = parse(src, header, end, wanted)?;
    block.first_line = start;
    block.understood.insert(0, (start, start));
    if wanted(name) {
        let value = super::Value::Text(value.trim().into());
        for record in &mut block.records {
            record.props.push(super::Prop::new(name, value.clone(), start));
        }
    }
    Some(block)
}

/// One column: the cells its dashes cover and the label above them.
struct Column {
    start: usize,
    /// The last cell of the dashes (inclusive).
    end: usize,
    /// Shared by the property of this column in every row.
    name: Rc<str>,
}

/// The columns of a table, as far as they are read.
struct Table {
    /// At most [`MAX_COLUMNS`], in order.
    columns: Vec<Column>,
    /// How many columns beyond [`MAX_COLUMNS`] the header has; they are not read.
    skipped: usize,
    /// Where the text of the last read column ends: the start of the first skipped column, or
    /// `usize::MAX` when every column is read.
    read_to: usize,
    /// The columns that become properties: the wanted ones, each name only once (the first
    /// column of a name is the one a lookup by name finds).
    kept: Vec<usize>,
}

impl Table {
    fn new(mut columns: Vec<Column>, wanted: Wanted) -> Table {
        let mut skipped = 0;
        let mut read_to = usize::MAX;
        if columns.len() > MAX_COLUMNS {
            skipped = columns.len() - MAX_COLUMNS;
            read_to = columns[MAX_COLUMNS].start;
            columns.truncate(MAX_COLUMNS);
        }
        let mut kept: Vec<usize> = Vec::new();
        for (j, column) in columns.iter().enumerate() {
            let name = &*column.name;
            let seen = kept.iter().any(|&k| columns[k].name.eq_ignore_ascii_case(name));
            if !seen && wanted(name) {
                kept.push(j);
            }
        }
        Table { columns, skipped, read_to, kept }
    }

    /// The cells `from..to` that column `j` of a line takes, given the line's cut points.
    fn span(&self, cuts: &[usize], j: usize) -> (usize, usize) {
        // Cut points end with the line: the columns after it start where their dashes do.
        let from = cuts.get(j).copied().unwrap_or(self.columns[j].start);
        let to = cuts.get(j + 1).copied().or_else(|| self.columns.get(j + 1).map(|c| c.start)).unwrap_or(self.read_to);
        (from, to)
    }
}

/// The runs of dashes of an underline as (first, last) cell positions, or `None` when the line
/// holds anything but dashes and spaces.
fn underline_runs(line: &str) -> Option<Vec<(usize, usize)>> {
    let line = line.trim_end();
    if line.is_empty() || !line.chars().all(|c| c == '-' || c == ' ') {
        return None;
    }
    let mut runs = Vec::new();
    let mut run_start: Option<usize> = None;
    // The line is ASCII here, so byte positions are cell positions.
    for (i, b) in line.bytes().enumerate() {
        match (b, run_start) {
            (b'-', None) => run_start = Some(i),
            (b' ', Some(s)) => {
                runs.push((s, i - 1));
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = run_start {
        runs.push((s, line.len() - 1));
    }
    Some(runs)
}

/// The columns of a header line, or `None` when some run of dashes does not line up with a
/// label: a left-aligned label starts where its dashes start, a right-aligned one ends where
/// they end.
fn read_columns(header: &[ScreenCell], runs: &[(usize, usize)]) -> Option<Vec<Column>> {
    // The first label starts the line, so its dashes do too.
    if runs.first().is_none_or(|&(start, _)| start != 0) {
        return None;
    }
    runs.iter()
        .map(|&(start, end)| {
            let starts_here = is_text(header, start) && (start == 0 || !is_text(header, start - 1));
            let ends_here = is_text(header, end) && !is_text(header, end + 1);
            (starts_here || ends_here).then(|| Column { start, end, name: cells_text(header, start, end + 1).into() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{Record, Value};

    fn parse_all(text: &str) -> Option<Block> {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), super::super::every_property)
    }

    fn value<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
        record.get(name).and_then(|p| p.value.as_text())
    }

    const RECEIVE_CONNECTORS: &str = r"Identity                                 Bindings                                 Enabled
--------                                 --------                                 -------
EX01\Default EX01                        {0.0.0.0:2525, [::]:2525}                True
EX01\Client Proxy EX01                   {[::]:465, 0.0.0.0:465}                  True
EX01\Default Frontend EX01               {[::]:25, 0.0.0.0:25}                    True
EX01\Outbound Proxy Frontend EX01        {[::]:717, 0.0.0.0:717}                  True
EX01\Client Frontend EX01                {[::]:587, 0.0.0.0:587}                  True
EX02\Default EX02                        {0.0.0.0:2525, [::]:2525}                True
EX02\Client Proxy EX02                   {[::]:465, 0.0.0.0:465}                  True
EX02\Default Frontend EX02               {[::]:25, 0.0.0.0:25}                    True
EX02\Outbound Proxy Frontend EX02        {[::]:717, 0.0.0.0:717}                  True
EX02\Client Frontend EX02                {[::]:587, 0.0.0.0:587}                  True
EX02\Relay from MFP scanners and line... {0.0.0.0:25}                             True

";

    #[test]
    fn receive_connector_default_view() {
        let block = parse_all(RECEIVE_CONNECTORS).expect("a table");
        assert_eq!(block.format, Format::FormatTable);
        assert_eq!((block.first_line, block.last_line), (1, 13));
        assert_eq!(block.understood, vec![(1, 13)]);
        assert_eq!(block.records.len(), 11);
        let frontend = &block.records[2];
        assert_eq!(value(frontend, "Identity"), Some(r"EX01\Default Frontend EX01"));
        assert_eq!(value(frontend, "Bindings"), Some("{[::]:25, 0.0.0.0:25}"));
        assert_eq!(value(frontend, "Enabled"), Some("True"));
        assert_eq!((frontend.first_line, frontend.last_line), (5, 5));
        assert_eq!(frontend.get("Bindings").map(|p| p.line), Some(5));
        let cut: Vec<&Record> = block.records.iter().filter(|r| r.props.iter().any(|p| p.truncated)).collect();
        assert_eq!(cut.len(), 1);
        assert_eq!(value(cut[0], "Identity"), Some(r"EX02\Relay from MFP scanners and line..."));
        assert!(cut[0].get("Identity").is_some_and(|p| p.truncated));
    }

    #[test]
    fn certificate_table() {
        let input = "Thumbprint                                Services   Subject
----------                                --------   -------
7A1C3D5E9F0B2C4D6E8F0A1B2C3D4E5F60718293  IP.WS..    CN=mail.contoso.com, OU=IT, O=Contoso Ltd, L=Seattle, S...
0E4F5A6B7C8D9E0F1A2B3C4D5E6F708192A3B4C5  ....S..    CN=Microsoft Exchange Server Auth Certificate
";
        let block = parse_all(input).expect("a table");
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!(value(first, "Thumbprint"), Some("7A1C3D5E9F0B2C4D6E8F0A1B2C3D4E5F60718293"));
        assert_eq!(value(first, "Services"), Some("IP.WS.."));
        assert!(first.get("Subject").is_some_and(|p| p.truncated));
        let second = &block.records[1];
        assert_eq!(value(second, "Services"), Some("....S.."));
        assert!(second.props.iter().all(|p| !p.truncated));
    }

    #[test]
    fn exsetup_file_version_table() {
        let input = "ProductVersion   FileVersion      FileName
--------------   -----------      --------
15.00.1076.009   15.00.1076.009   C:\\Program Files\\Microsoft\\Exchange Server\\V15\\bin\\ExSetup.exe
";
        let block = parse_all(input).expect("a table");
        let record = &block.records[0];
        assert_eq!(value(record, "ProductVersion"), Some("15.00.1076.009"));
        assert_eq!(value(record, "FileVersion"), Some("15.00.1076.009"));
        assert_eq!(value(record, "FileName"), Some(r"C:\Program Files\Microsoft\Exchange Server\V15\bin\ExSetup.exe"));
    }

    #[test]
    fn right_aligned_numeric_column() {
        let input = "Name          Length Mode
----          ------ ----
small.txt         12 -a---
big.log    123456789 -a---
cut.bin    …56789012 -a---
";
        let block = parse_all(input).expect("a table");
        let values: Vec<(Option<&str>, Option<&str>)> =
            block.records.iter().map(|r| (value(r, "Name"), value(r, "Length"))).collect();
        assert_eq!(
            values,
            vec![
                (Some("small.txt"), Some("12")),
                (Some("big.log"), Some("123456789")),
                (Some("cut.bin"), Some("…56789012"))
            ]
        );
        assert!(block.records[2].get("Length").is_some_and(|p| p.truncated));
        assert!(!block.records[1].get("Length").is_some_and(|p| p.truncated));
    }

    #[test]
    fn wrap_continuation_rows_join_the_previous_row() {
        let input = "Identity                   TlsCertificateName
--------                   ------------------
EX01\\Default Frontend EX01 <I>CN=GeoTrust SSL CA - G3, O=GeoTrust
                           Inc., C=US<S>CN=mail.contoso.com
EX02\\Default Frontend EX02
";
        let block = parse_all(input).expect("a table");
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!(
            value(first, "TlsCertificateName"),
            Some("<I>CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US<S>CN=mail.contoso.com")
        );
        assert_eq!((first.first_line, first.last_line), (3, 4));
        assert_eq!(block.records[1].get("TlsCertificateName").map(|p| &p.value), Some(&Value::Null));
    }

    #[test]
    fn send_connector_view_and_powershell_7_ellipsis() {
        let input = "Identity                  AddressSpaces                       Enabled
--------                  -------------                       -------
Outbound to Office 365    {smtp:contoso.mail.onmicrosoft.com… True
";
        let block = parse_all(input).expect("a table");
        let record = &block.records[0];
        assert_eq!(value(record, "AddressSpaces"), Some("{smtp:contoso.mail.onmicrosoft.com…"));
        assert!(record.get("AddressSpaces").is_some_and(|p| p.truncated));
        assert_eq!(value(record, "Enabled"), Some("True"));
    }

    #[test]
    fn rows_whose_spaces_a_web_page_collapsed_are_not_cut_into_columns() {
        let collapsed = "Thumbprint Services Subject\n---------- -------- -------\n3B9F1E0C7A2D48B65C0E1F2A3D4B5C6E7F8091A2 IP.WS.. CN=mail.contoso.com\n";
        let block = parse_all(collapsed).expect("a table");
        assert!(block.records.is_empty());
        assert!(block.understood.is_empty());
        let codes: Vec<&str> = block.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["table-misaligned"]);
        // A value wider than its dashes is no sign: the space after its column is still there.
        let aligned = parse_all(RECEIVE_CONNECTORS).expect("a table");
        assert!(aligned.diagnostics.is_empty());
        assert!(aligned.records.len() >= 10);
    }

    #[test]
    fn header_without_underline_is_declined() {
        assert!(parse_all("Identity  Bindings  Enabled\nEX01\\Default EX01  {}  True\n").is_none());
        assert!(parse_all("Identity  Bindings\n").is_none());
        assert!(parse_all("  Identity  Bindings\n  --------  --------\n").is_none());
        // Dashes that do not sit under a label.
        assert!(parse_all("Identity  Bindings\n  -----\n").is_none());
    }

    #[test]
    fn header_and_underline_without_rows() {
        let block = parse_all("Name Value\n---- -----\n\nName : x\n").expect("a table");
        assert!(block.records.is_empty());
        assert_eq!((block.first_line, block.last_line), (1, 2));
    }

    #[test]
    fn non_ascii_cells() {
        let input = "Identity                     Enabled
--------                     -------
EX01\\Empfang Größe Ü         True
EX01\\Réception spéciale é…   False
";
        let block = parse_all(input).expect("a table");
        assert_eq!(value(&block.records[0], "Identity"), Some("EX01\\Empfang Größe Ü"));
        assert_eq!(value(&block.records[0], "Enabled"), Some("True"));
        assert_eq!(value(&block.records[1], "Enabled"), Some("False"));
    }

    #[test]
    fn wide_characters_in_an_east_asian_console() {
        // Each ideograph takes two cells, so the row has fewer characters than cells.
        let input = "Identity          Enabled
--------          -------
EX01\\受信コネクタ True
";
        let block = parse_all(input).expect("a table");
        assert_eq!(value(&block.records[0], "Identity"), Some("EX01\\受信コネクタ"));
        assert_eq!(value(&block.records[0], "Enabled"), Some("True"));
    }

    /// A table of `columns` columns named `Identity`, `C1`, `C2`, ..., with one row whose cells
    /// hold their column's number.
    fn wide_table(columns: usize) -> String {
        let labels: Vec<String> =
            (0..columns).map(|i| if i == 0 { "Identity".into() } else { format!("C{i}") }).collect();
        let mut text = labels.join(" ") + "\n";
        text += &labels.iter().map(|l| "-".repeat(l.len())).collect::<Vec<_>>().join(" ");
        text += "\n";
        let cells: Vec<String> =
            labels.iter().enumerate().map(|(i, l)| format!("{:<width$}", i, width = l.len())).collect();
        text + &cells.join(" ") + "\n"
    }

    #[test]
    fn columns_past_the_limit_are_reported_not_read() {
        let block = parse_all(&wide_table(MAX_COLUMNS + 44)).expect("a table");
        let record = &block.records[0];
        assert_eq!(record.props.len(), MAX_COLUMNS);
        assert_eq!(value(record, "Identity"), Some("0"));
        // The last column read ends where the first one skipped starts.
        assert_eq!(value(record, &format!("C{}", MAX_COLUMNS - 1)), Some(&*format!("{}", MAX_COLUMNS - 1)));
        assert!(record.get(&format!("C{MAX_COLUMNS}")).is_none());
        assert_eq!(block.understood, vec![(1, 3)]);
        let codes: Vec<&str> = block.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["too-many-columns"]);
        assert!(block.diagnostics[0].message.contains("has 300 columns"), "{}", block.diagnostics[0].message);
        assert!(block.diagnostics[0].hint.contains("Format-List"), "{}", block.diagnostics[0].hint);
        // At the limit, nothing is reported.
        assert!(parse_all(&wide_table(MAX_COLUMNS)).expect("a table").diagnostics.is_empty());
    }

    #[test]
    fn rows_keep_the_wanted_columns_once_with_the_header_names() {
        let input = "Identity Name Comment identity
-------- ---- ------- --------
EX01\\A   A    note    other
";
        let src = Source::new(input.to_string());
        let block = parse(&src, 1, src.line_count(), |name| name != "Comment").expect("a table");
        let record = &block.records[0];
        let names: Vec<&str> = record.props.iter().map(|p| &*p.name).collect();
        assert_eq!(names, ["Identity", "Name"], "the second identity column is the same property");
        assert_eq!(value(record, "Identity"), Some("EX01\\A"));
    }

    #[test]
    fn a_nul_in_a_cell_is_kept() {
        let input = "Identity     Enabled\n--------     -------\nEX01\\Re\0lay True\n";
        let block = parse_all(input).expect("a table");
        assert_eq!(value(&block.records[0], "Identity"), Some("EX01\\Re\0lay"));
        assert_eq!(value(&block.records[0], "Enabled"), Some("True"));
    }

    #[test]
    fn odd_input_never_panics() {
        for input in ["a\n-", "é\n-\n\u{3000}", "a b\n- -\n\t\u{FFFF}日本\n  x", "-\n-\n-", "x\n ---\n"] {
            let _ = parse_all(input);
        }
    }
}
