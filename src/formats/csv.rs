//! Export-Csv and ConvertTo-Csv: one header row of property names, then one row per object.
//!
//! Windows PowerShell 5.1 starts the file with a `#TYPE <type name>` line unless
//! `-NoTypeInformation` was given; PowerShell 7 leaves it out unless asked for it with
//! `-IncludeTypeInformation`. Both quote every field by default and double a quote inside a
//! field (`""`), as RFC 4180 does; a quoted field may hold line breaks and so span lines. The
//! delimiter is `,` unless `-UseCulture` or `-Delimiter` chose another one (`;` in many
//! European cultures, or a tab). Every value is written with `ToString()`, so a multi-valued
//! property such as `TlsDomainCapabilities` arrives as its type name
//! (``Microsoft.Exchange.Data.MultiValuedProperty`1[...]``, `System.Collections.ArrayList`):
//! such cells become [`Value::Lost`] so that the rules can say the values are gone.
//!
//! As in a Format-Table, a row costs its own length and the number of columns kept, never the
//! width of the header: fields past [`MAX_COLUMNS`] are counted but not kept, a row stores only
//! the wanted columns, and every row shares the header's names.

use super::{lost_list_type_name, Block, Format, Prop, Record, Value, Wanted};
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{is_blank, LineNo, Source};
use std::rc::Rc;

/// The most fields of a row that are read; the same limit as a table's (see [`super::table::MAX_COLUMNS`]).
pub const MAX_COLUMNS: usize = super::table::MAX_COLUMNS;

/// Reads a CSV table that starts at `start` with a `#TYPE` line or a quoted header row,
/// keeping the `wanted` columns.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    let first = src.line(start).trim_start_matches('\u{FEFF}');
    let (type_name, header_line) = match type_line(first) {
        Some(type_name) => (type_name, start + 1),
        None => (None, start),
    };
    if header_line > end {
        return None;
    }
    let header = Header::read(src.line(header_line), header_line > start, wanted)?;
    // A row of bare names alone is no CSV: it may be the end of a command that a mail client
    // wrapped (`... | fl` and then `Identity,TransportRole,...` on a line of its own).
    if header.bare && (header_line >= end || is_blank(src.line(header_line + 1))) {
        return None;
    }

    let mut block = Block::new(Format::ExportCsv, start, header_line);
    if header.count > MAX_COLUMNS {
        block.diagnostics.push(Diagnostic::at_line(
            "too-many-columns",
            Severity::Warning,
            header_line,
            format!(
                "The CSV header on line {header_line} has {} fields; only the first {MAX_COLUMNS} columns were read.",
                header.count
            ),
            "Paste the output of the same command with `| Format-List` instead of the CSV: a list shows every property, and lists in full, which Export-Csv cannot.".into(),
        ));
    }
    let mut last_complete = header_line;
    let mut uneven_rows: Vec<LineNo> = Vec::new();
    let mut n = header_line + 1;
    while n <= end && !is_blank(src.line(n)) {
        let row = read_row(src, n, end, header.delimiter);
        let starts_quoted = src.line(n).starts_with('"');
        if !row.complete {
            if starts_quoted {
                // The row opened a quoted field that never closed: the paste was cut, or a quote
                // was lost. The lines it swallowed are not understood.
                block.last_line = row.last_line;
                block.diagnostics.push(Diagnostic::at_line(
                    "malformed-csv",
                    Severity::Warning,
                    n,
                    format!("A quoted CSV field that starts on line {n} is never closed, so the rest of the CSV could not be read."),
                    "Paste the whole file as it was written, or run the export again and paste its complete output.".into(),
                ));
            }
            break;
        }
        // A line that does not start with a quote belongs to the table only when it has the
        // header's number of fields; anything else is text that follows the table.
        if row.count != header.count {
            if !starts_quoted {
                break;
            }
            uneven_rows.push(n);
        }
        block.records.push(header.record(row.fields, type_name.as_deref(), n, row.last_line));
        last_complete = row.last_line;
        block.last_line = row.last_line;
        n = row.last_line + 1;
    }
    block.understood.push((start, last_complete));

    if let Some(&first_uneven) = uneven_rows.first() {
        block.diagnostics.push(Diagnostic::at_line(
            "malformed-csv",
            Severity::Warning,
            first_uneven,
            format!(
                "{} CSV row(s), the first on line {first_uneven}, have a different number of fields than the header's {}; missing fields were read as empty.",
                uneven_rows.len(),
                header.count
            ),
            "Paste the file exactly as Export-Csv wrote it, without editing the rows.".into(),
        ));
    }
    Some(block)
}

/// Whether `row` can be the line after `header` in a CSV file: `header` is a `#TYPE` line or a
/// header row (quoted names, or bare names as [`unquoted_header_delimiter`] takes them) and `row`
/// holds its delimiter. The decoration step asks it to tell a CSV that a web page or mail copied
/// with a blank line after every line from lines that stand apart.
pub fn follows_header(header: &str, row: &str) -> bool {
    let header = header.trim_start_matches('\u{FEFF}');
    if type_line(header).is_some() {
        return !is_blank(row);
    }
    let delimiter = if header.starts_with('"') {
        delimiter_after_first_quoted_field(header)
    } else {
        unquoted_header_delimiter(header, crate::model::is_read)
    };
    delimiter.is_some_and(|d| row.contains(d))
}

/// Recognizes a `#TYPE` line. The outer `Option` says whether the line is one; the inner
/// one holds the type name without the `Selected.` and `Deserialized.` prefixes.
fn type_line(line: &str) -> Option<Option<String>> {
    let rest = line.strip_prefix("#TYPE")?;
    if !rest.is_empty() && !rest.starts_with(char::is_whitespace) {
        return None;
    }
    // Excel, saving the file again, pads the line with a delimiter for every further column
    // (`#TYPE Selected.…ReceiveConnector;;;`).
    let mut name = rest.trim().trim_end_matches([';', ',', '\t']);
    // Select-Object prefixes `Selected.`, and objects from a remote session carry `Deserialized.`;
    // both may appear, in either order.
    while let Some(shorter) = name.strip_prefix("Selected.").or_else(|| name.strip_prefix("Deserialized.")) {
        name = shorter;
    }
    Some((!name.is_empty()).then(|| name.to_owned()))
}

/// The header row: property names and the delimiter between them.
struct Header {
    /// The columns that become properties, by position: the wanted ones among the first
    /// [`MAX_COLUMNS`], each name only once (the first column of a name is the one a lookup by
    /// name finds). Shared by the property of that column in every row.
    kept: Vec<(usize, Rc<str>)>,
    /// How many fields the header has, read or not.
    count: usize,
    delimiter: char,
    /// Unquoted names without a `#TYPE` line above them (see [`unquoted_header_delimiter`]).
    bare: bool,
}

impl Header {
    /// Reads a header row. Without a `#TYPE` line before it, a row of at least two quoted names
    /// counts, which is what Export-Csv writes, and a row of unquoted names as Excel saves such
    /// a file again (see [`unquoted_header_delimiter`]); after one, any unquoted names do.
    fn read(line: &str, after_type_line: bool, wanted: Wanted) -> Option<Header> {
        let mut bare = false;
        let delimiter = if line.starts_with('"') {
            delimiter_after_first_quoted_field(line)?
        } else if after_type_line && !is_blank(line) {
            most_frequent_delimiter(line)
        } else {
            bare = true;
            unquoted_header_delimiter(line, wanted)?
        };
        let (fields, all_quoted, complete) = split_line(line, delimiter);
        if !complete || fields.count == 0 {
            return None;
        }
        if !after_type_line && !bare && (fields.count < 2 || !all_quoted) {
            return None;
        }
        let mut kept: Vec<(usize, Rc<str>)> = Vec::new();
        for (j, name) in fields.kept.iter().enumerate() {
            let name = name.trim();
            if wanted(name) && !kept.iter().any(|(_, k)| k.eq_ignore_ascii_case(name)) {
                kept.push((j, name.into()));
            }
        }
        Some(Header { kept, count: fields.count, delimiter, bare })
    }

    /// Builds the record of one row from the kept columns; fields beyond the header's are ignored.
    fn record(
        &self,
        mut fields: Vec<String>,
        type_name: Option<&str>,
        first_line: LineNo,
        last_line: LineNo,
    ) -> Record {
        let props = self
            .kept
            .iter()
            .map(|(j, name)| {
                let value = fields.get_mut(*j).map_or(Value::Null, |field| cell_value(std::mem::take(field)));
                Prop::new(name.clone(), value, first_line)
            })
            .collect();
        Record { type_name: type_name.map(str::to_owned), first_line, last_line, props }
    }
}

/// Turns the text of one cell into a value.
fn cell_value(cell: String) -> Value {
    if cell.is_empty() {
        Value::Null
    } else if lost_list_type_name(&cell) {
        Value::Lost(cell.into())
    } else {
        Value::Text(cell.into())
    }
}

/// The character that follows the first quoted field of `line`: the delimiter. A header with a
/// single name has none, and then the default `,` is assumed.
fn delimiter_after_first_quoted_field(line: &str) -> Option<char> {
    let mut chars = line.chars().skip(1);
    while let Some(c) = chars.next() {
        if c == '"' {
            // A doubled quote is an escaped quote inside the name; a single one closes it.
            match chars.next() {
                Some('"') => continue,
                None => return Some(','),
                Some(d) if d == '\t' || (d.is_ascii_punctuation() && d != '"') => return Some(d),
                Some(_) => return None,
            }
        }
    }
    None
}

/// The delimiter of a header row without quotes and without a `#TYPE` line above it: what Excel
/// writes when it saves an Export-Csv file again (PowerShell 7 and `-NoTypeInformation` write no
/// `#TYPE` line). Only a row of property names and delimiters, nothing else, with at least two
/// names the checker reads: a line of prose or of another layout has spaces, colons or quotes.
/// Asked at the first line of every block, so the bytes are checked before anything is split.
fn unquoted_header_delimiter(line: &str, wanted: Wanted) -> Option<char> {
    let line = line.trim_start_matches('\u{FEFF}').trim_end();
    let delimiter = *line.as_bytes().iter().find(|b| matches!(b, b';' | b',' | b'\t'))?;
    if !line.bytes().all(|b| b == delimiter || b.is_ascii_alphanumeric()) {
        return None;
    }
    let names = line.split(char::from(delimiter));
    let (mut count, mut read) = (0, 0);
    for name in names {
        if name.is_empty() {
            return None;
        }
        count += 1;
        read += usize::from(wanted(name));
    }
    (count >= 2 && read >= 2).then_some(char::from(delimiter))
}

/// The delimiter of an unquoted header: whichever of `,`, `;` and tab occurs most often.
fn most_frequent_delimiter(line: &str) -> char {
    let count = |d: char| line.chars().filter(|&c| c == d).count();
    let mut best = ',';
    for candidate in [';', '\t'] {
        if count(candidate) > count(best) {
            best = candidate;
        }
    }
    best
}

/// Splits a single line into fields. Returns the fields, whether every field was quoted, and
/// whether every quote was closed on this line.
fn split_line(line: &str, delimiter: char) -> (Split, bool, bool) {
    let mut fields = Fields::new(delimiter);
    fields.feed(line);
    let complete = !fields.in_quotes;
    let all_quoted = fields.all_quoted && fields.field_quoted;
    (fields.finish(), all_quoted, complete)
}

/// The fields of a line or row: the first [`MAX_COLUMNS`] kept, and how many there were.
struct Split {
    kept: Vec<String>,
    count: usize,
}

/// One data row, which may span several lines.
struct Row {
    /// The first [`MAX_COLUMNS`] fields.
    fields: Vec<String>,
    /// How many fields the row has.
    count: usize,
    last_line: LineNo,
    /// False when a quoted field was still open at line `end`.
    complete: bool,
}

/// Reads the row that starts on line `n`, following quoted fields onto later lines.
fn read_row(src: &Source, n: LineNo, end: LineNo, delimiter: char) -> Row {
    let mut fields = Fields::new(delimiter);
    let mut line = n;
    loop {
        fields.feed(src.line(line));
        if !fields.in_quotes {
            let Split { kept, count } = fields.finish();
            return Row { fields: kept, count, last_line: line, complete: true };
        }
        if line >= end {
            let Split { kept, count } = fields.finish();
            return Row { fields: kept, count, last_line: line, complete: false };
        }
        // The line break is part of the quoted field's value.
        fields.current.push('\n');
        line += 1;
    }
}

/// The state of the RFC 4180 field splitter, kept across the lines of one row.
struct Fields {
    delimiter: char,
    /// The first [`MAX_COLUMNS`] finished fields.
    done: Vec<String>,
    /// How many fields were finished, kept or not.
    count: usize,
    current: String,
    in_quotes: bool,
    /// The quoted part of the current field has closed.
    after_quote: bool,
    /// The current field started with a quote.
    field_quoted: bool,
    /// Every finished field started with a quote.
    all_quoted: bool,
}

impl Fields {
    fn new(delimiter: char) -> Fields {
        Fields {
            delimiter,
            done: Vec::new(),
            count: 0,
            current: String::new(),
            in_quotes: false,
            after_quote: false,
            field_quoted: false,
            all_quoted: true,
        }
    }

    /// Splits the text of one line, continuing a quoted field left open by the previous line.
    fn feed(&mut self, line: &str) {
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            if self.in_quotes {
                if c == '"' {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        self.current.push('"');
                    } else {
                        self.in_quotes = false;
                        self.after_quote = true;
                    }
                } else {
                    self.current.push(c);
                }
            } else if c == self.delimiter {
                self.end_field();
            } else if c == '"' && self.current.is_empty() && !self.after_quote {
                self.in_quotes = true;
                self.field_quoted = true;
            } else if self.after_quote && (c == ' ' || c == '\t') {
                // Padding after a closing quote (a console copy may add some) is not part of the value.
            } else {
                // Text after a closing quote, or a quote inside an unquoted field, is kept as it is.
                self.current.push(c);
            }
        }
    }

    fn end_field(&mut self) {
        let field = std::mem::take(&mut self.current);
        if self.count < MAX_COLUMNS {
            self.done.push(field);
        }
        self.count += 1;
        self.all_quoted &= self.field_quoted;
        self.after_quote = false;
        self.field_quoted = false;
    }

    fn finish(mut self) -> Split {
        self.end_field();
        Split { kept: self.done, count: self.count }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(text: &str) -> Option<Block> {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), super::super::every_property)
    }

    fn text(record: &Record, name: &str) -> Value {
        record.get(name).map(|p| p.value.clone()).unwrap_or(Value::Text("<missing>".into()))
    }

    const PS51: &str = r#"#TYPE Selected.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector
"Identity","TransportRole","Enabled","Bindings","TlsCertificateName","TlsDomainCapabilities"
"EX01\Default EX01","HubTransport","True","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPBinding]","","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities]"
"EX01\Default Frontend EX01","FrontendTransport","True","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.IPBinding]","<I>CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US<S>CN=mail.contoso.com, OU=IT, O=Contoso Ltd, L=Seattle, S=Washington, C=US","Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities]"
"#;

    #[test]
    fn windows_powershell_export_with_type_line() {
        let block = parse_all(PS51).expect("a CSV block");
        assert_eq!(block.format, Format::ExportCsv);
        assert_eq!((block.first_line, block.last_line), (1, 4));
        assert_eq!(block.understood, vec![(1, 4)]);
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.records.len(), 2);
        let second = &block.records[1];
        assert_eq!(
            second.type_name.as_deref(),
            Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector")
        );
        assert_eq!((second.first_line, second.last_line), (4, 4));
        assert_eq!(text(second, "identity"), Value::Text(r"EX01\Default Frontend EX01".into()));
        assert!(
            matches!(text(second, "TlsDomainCapabilities"), Value::Lost(t) if t.contains("SmtpReceiveDomainCapabilities"))
        );
        assert!(matches!(text(second, "Bindings"), Value::Lost(_)));
        assert!(
            matches!(text(second, "TlsCertificateName"), Value::Text(t) if t.starts_with("<I>CN=GeoTrust") && t.ends_with("C=US"))
        );
        assert_eq!(text(&block.records[0], "TlsCertificateName"), Value::Null);
        assert_eq!(second.get("Enabled").map(|p| p.line), Some(4));
    }

    #[test]
    fn type_line_that_excel_padded_with_delimiters() {
        let resaved = "#TYPE Selected.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector;;\nIdentity;TransportRole;Enabled\nEX01\\Default Frontend EX01;FrontendTransport;True\n";
        let block = parse_all(resaved).expect("a CSV block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(
            block.records[0].type_name.as_deref(),
            Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector")
        );
    }

    #[test]
    fn powershell_7_without_type_line() {
        let block = parse_all("\"Identity\",\"TlsDomainCapabilities\"\n\"EX01\\Default Frontend EX01\",\"System.Collections.ArrayList\"\n").expect("a CSV block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.records[0].type_name, None);
        assert_eq!(
            text(&block.records[0], "TlsDomainCapabilities"),
            Value::Lost("System.Collections.ArrayList".into())
        );
    }

    #[test]
    fn multi_line_quoted_field_and_escaped_quotes() {
        let input = "\"Name\",\"Notes\",\"Enabled\"\n\"A \"\"quoted\"\" name\",\"line one\n\nline three\",\"True\"\n\"B\",\"\",\"False\"\n";
        let block = parse_all(input).expect("a CSV block");
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!((first.first_line, first.last_line), (2, 4));
        assert_eq!(text(first, "Name"), Value::Text("A \"quoted\" name".into()));
        assert_eq!(text(first, "Notes"), Value::Text("line one\n\nline three".into()));
        assert_eq!(text(first, "Enabled"), Value::Text("True".into()));
        assert_eq!(block.records[1].first_line, 5);
        assert_eq!(block.last_line, 5);
    }

    #[test]
    fn semicolon_delimiter_from_use_culture() {
        let input = "#TYPE Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\n\"Identity\";\"Fqdn\";\"TlsDomainCapabilities\"\n\"EX01\\Default Frontend EX01\";\"mail.contoso.com\";\"Microsoft.Exchange.Data.MultiValuedProperty`1[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities]\"\n";
        let block = parse_all(input).expect("a CSV block");
        let record = &block.records[0];
        assert_eq!(
            record.type_name.as_deref(),
            Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector")
        );
        assert_eq!(text(record, "Fqdn"), Value::Text("mail.contoso.com".into()));
        assert!(matches!(text(record, "TlsDomainCapabilities"), Value::Lost(_)));
    }

    #[test]
    fn tab_delimiter() {
        let block = parse_all("\"A\"\t\"B\"\n\"1\"\t\"2\"\n").expect("a CSV block");
        assert_eq!(text(&block.records[0], "B"), Value::Text("2".into()));
    }

    #[test]
    fn unterminated_quote_keeps_complete_rows() {
        let input = "\"Identity\",\"Fqdn\"\n\"EX01\\Default EX01\",\"ex01.contoso.com\"\n\"EX02\\Default EX02\",\"ex02.con\nrest of the paste\n";
        let block = parse_all(input).expect("a CSV block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 2)]);
        assert_eq!(block.last_line, 4);
        assert_eq!(block.diagnostics.len(), 1);
        assert_eq!(block.diagnostics[0].code, "malformed-csv");
        assert_eq!(block.diagnostics[0].line, Some(3));
    }

    #[test]
    fn uneven_rows_are_records_with_missing_fields_null() {
        let input = "\"A\",\"B\",\"C\"\n\"1\",\"2\"\n\"1\",\"2\",\"3\",\"4\"\n";
        let block = parse_all(input).expect("a CSV block");
        assert_eq!(block.records.len(), 2);
        assert_eq!(text(&block.records[0], "C"), Value::Null);
        assert_eq!(block.records[1].props.len(), 3);
        assert_eq!(block.diagnostics.len(), 1);
        assert_eq!(block.diagnostics[0].line, Some(2));
    }

    #[test]
    fn rows_end_at_text_that_is_not_a_row() {
        let input = "\"A\",\"B\"\n\"1\",\"2\"\nName : value\n";
        let block = parse_all(input).expect("a CSV block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.last_line, 2);
        let input = "\"A\",\"B\"\n\"1\",\"2\"\n\n\"3\",\"4\"\n";
        assert_eq!(parse_all(input).expect("a CSV block").last_line, 2);
    }

    #[test]
    fn declines_what_is_not_csv() {
        assert!(parse_all("Identity : EX01\\Default EX01\n").is_none());
        assert!(parse_all("\"just one quoted field\"\n").is_none());
        assert!(parse_all("\"a\", \"b\"\n").is_none());
        assert!(parse_all("\"open quote, never closed\n").is_none());
        assert!(parse_all("#TYPE Foo\n").is_none());
        assert!(parse_all("#TYPEFoo\n\"A\",\"B\"\n").is_none());
    }

    #[test]
    fn header_only_is_a_block_without_records() {
        let block = parse_all("#TYPE Foo\n\"A\",\"B\"\n").expect("a CSV block");
        assert!(block.records.is_empty());
        assert_eq!((block.first_line, block.last_line), (1, 2));
    }

    #[test]
    fn fields_past_the_limit_are_reported_not_read() {
        let names: Vec<String> = (0..MAX_COLUMNS + 4).map(|i| format!("\"C{i}\"")).collect();
        let values: Vec<String> = (0..MAX_COLUMNS + 4).map(|i| format!("\"{i}\"")).collect();
        let block = parse_all(&format!("{}\n{}\n", names.join(","), values.join(","))).expect("a CSV block");
        assert_eq!(block.records.len(), 1, "a row with the header's number of fields is a row");
        let record = &block.records[0];
        assert_eq!(record.props.len(), MAX_COLUMNS);
        assert_eq!(text(record, &format!("C{}", MAX_COLUMNS - 1)), Value::Text(format!("{}", MAX_COLUMNS - 1).into()));
        let codes: Vec<&str> = block.diagnostics.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["too-many-columns"]);
        assert!(block.diagnostics[0].message.contains("has 260 fields"), "{}", block.diagnostics[0].message);
    }

    #[test]
    fn a_header_of_bare_names_needs_two_read_names_and_a_row_below() {
        let read = |line: &str| unquoted_header_delimiter(line, crate::model::is_read);
        assert_eq!(read("Identity;TransportRole;Enabled"), Some(';'));
        assert_eq!(read("\u{FEFF}Identity,Fqdn"), Some(','));
        // One read name, a Format-List line, a Format-Table header, prose, an empty field.
        assert_eq!(read("Identity;Colour"), None);
        assert_eq!(read("Identity : EX01\\Default EX01"), None);
        assert_eq!(read("Identity Bindings Enabled"), None);
        assert_eq!(read("Identity, TransportRole and Fqdn"), None);
        assert_eq!(read("Identity;;Fqdn"), None);
        // The names alone, with nothing below them: the end of a wrapped command, not a file.
        assert!(parse_all("Identity,TransportRole,Fqdn\n\nIdentity : EX01\n").is_none());
        let block = parse_all("Identity;Fqdn\nEX01\\Default EX01;mail.contoso.com\n").expect("a CSV");
        assert_eq!(block.records.len(), 1);
    }

    #[test]
    fn rows_keep_the_wanted_columns_once() {
        let src = Source::new("\"Identity\",\"Comment\",\"IDENTITY\"\n\"EX01\\A\",\"note\",\"other\"\n".to_string());
        let block = parse(&src, 1, src.line_count(), |name| name != "Comment").expect("a CSV block");
        let names: Vec<&str> = block.records[0].props.iter().map(|p| &*p.name).collect();
        assert_eq!(names, ["Identity"]);
        assert_eq!(text(&block.records[0], "identity"), Value::Text("EX01\\A".into()));
    }

    #[test]
    fn odd_input_never_panics() {
        for input in ["\"", "\"\"", "\"a\"\"", "#TYPE", "\"é\",\"ü\"\n\"ß\"\"", "\"a\"x,\"b\"\n\"\"\"\n"] {
            let _ = parse_all(input);
        }
    }
}
