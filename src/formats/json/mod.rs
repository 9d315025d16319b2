//! ConvertTo-Json: the JSON text that `... | ConvertTo-Json` prints.
//!
//! A pipeline of several objects gives a top-level array with one object per element; a
//! single object gives a top-level object. Each object becomes one [`Record`]; nested arrays
//! and objects become [`Value::List`] and [`Value::Object`], so that nothing is flattened.
//!
//! The two PowerShell editions write the same data differently:
//!
//! - Windows PowerShell 5.1 puts two spaces after the colon (`"Name":  "EX01"`), indents
//!   arrays oddly deep (to the column after the property name), and escapes `<`, `>`, `'` and
//!   `&` as `\u003c`, `\u003e`, `\u0027` and `\u0026`. A certificate name `<I>...<S>...` thus
//!   reads `\u003cI\u003e...\u003cS\u003e...` until it is decoded. Some 5.1 pipelines wrap an
//!   array as `{"value": [ ... ], "Count": N}`; the wrapper is removed here.
//! - PowerShell 7 writes `"Name": "EX01"` with one space, indents by two spaces per level and
//!   leaves `<` and `>` as they are.
//!
//! Both write enums as numbers (`"TransportRole": 16384`) and `true`/`false`, which become the
//! texts `True` and `False` as PowerShell prints them. Numbers keep the literal as written.
//!
//! The core compiles to wasm without serde_json, so the small parser below is our own. It
//! works on bytes, gives every property the line of its key, limits nesting to
//! [`MAX_DEPTH`] levels (so deep input cannot overflow the stack) and never fails as a whole:
//! on a syntax error it keeps the complete top-level elements read before it and reports
//! `malformed-json`.
//!
//! # Where the code is
//!
//! `parser.rs` holds the parser's state and reads values (arrays, objects, literals, numbers),
//! `strings.rs` reads text in double quotes and property names, and `errors.rs` says why reading
//! stopped.

mod errors;
mod parser;
mod strings;

use super::{Block, Prop, Record, Value, Wanted};
use crate::source::{LineNo, Source};
use errors::Problem;
use parser::Parser;

/// The deepest nesting of arrays and objects that is read; the top-level value is level 1.
const MAX_DEPTH: usize = 128;

/// Reads one ConvertTo-Json document whose first non-space character on line `start` is `[` or `{`.
pub fn parse(src: &Source, start: LineNo, end: LineNo, wanted: Wanted) -> Option<Block> {
    if start == 0 || start > src.line_count() || end < start {
        return None;
    }
    let first = src.line(start).bytes().find(|&b| !is_space(b));
    if !matches!(first, Some(b'[' | b'{')) {
        return None;
    }
    let from = src.offset_of_line(start);
    let mut parser = Parser {
        src,
        bytes: src.text().as_bytes(),
        from,
        pos: from,
        // The offset of the line after `end` is where reading must stop (the text length after the last line).
        limit: src.offset_of_line(end.min(src.line_count()) + 1),
        lines: src.line_cursor(),
        names: Vec::new(),
        strings_read: 0,
        wanted,
    };
    let mut elements = Vec::new();
    match parser.document(&mut elements) {
        Ok(top) => Some(parser.finish(start, top, elements)),
        Err(error) => {
            // A line such as `[PS] C:\>` or `{[::]:25, 0.0.0.0:25}` starts with a bracket but is no
            // JSON. When the very first line breaks before any text in quotes was read, decline it
            // so that the other parsers can try.
            let not_json = matches!(error.problem, Problem::Unexpected(_))
                && parser.strings_read == 0
                && src.line_of_offset(error.at) == start;
            if not_json {
                return None;
            }
            Some(parser.fail(start, error, elements))
        }
    }
}

/// JSON white space. Line ends are `\n` only after decoding; `\r` is accepted anyway.
#[inline(always)]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// One element of an array, with the lines where it starts and ends.
struct Element {
    value: Value,
    first_line: LineNo,
    last_line: LineNo,
}

/// The shape of a document that was read completely.
enum Top {
    /// A top-level array, or a 5.1 `{"value": [...], "Count": N}` wrapper: the records are the elements.
    Elements,
    /// A single top-level object.
    Object(Vec<Prop>),
}

/// One record per element that is an object; other elements carry nothing to check.
fn records(elements: Vec<Element>) -> Vec<Record> {
    elements
        .into_iter()
        .filter_map(|e| match e.value {
            Value::Object(object) => {
                Some(Record { type_name: None, first_line: e.first_line, last_line: e.last_line, props: object.props })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::Format;

    fn read(text: &str) -> Option<Block> {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), crate::formats::every_property)
    }

    #[test]
    fn names_repeated_at_one_place_are_read_as_written() {
        // The second object of each pair spells its names otherwise than the first, at the same
        // places: escaped, longer, shorter, or with a quote inside.
        let text = r#"[{"ab":1,"Name":2,"a\"b":3},{"a\u0062":4,"NameX":5,"a\"b":6},{"ab":7,"Nam":8,"x":{"ab":9}}]"#;
        let block = read(text).unwrap();
        let names: Vec<Vec<&str>> = block.records.iter().map(|r| r.props.iter().map(|p| &*p.name).collect()).collect();
        assert_eq!(names, [vec!["ab", "Name", "a\"b"], vec!["ab", "NameX", "a\"b"], vec!["ab", "Nam", "x"]]);
        let nested = block.records[2].get("x").unwrap().value.field("ab").and_then(Value::as_text);
        assert_eq!(nested, Some("9"));
    }

    fn text<'a>(record: &'a Record, name: &str) -> Option<&'a str> {
        record.get(name).and_then(|p| p.value.as_text())
    }

    const PS51: &str = r#"[
    {
        "Identity":  "EX01\\Default Frontend EX01",
        "Name":  "Default Frontend EX01",
        "Enabled":  true,
        "TlsCertificateName":  "\u003cI\u003eCN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US\u003cS\u003eCN=mail.contoso.com",
        "TlsDomainCapabilities":  [
                                      "\u003cI\u003eCN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com\u003cS\u003eCN=mail.protection.outlook.com:AcceptCloudServicesMail"
                                  ]
    },
    {
        "Identity":  "EX01\\Client Frontend EX01",
        "Name":  "Client Frontend EX01",
        "Enabled":  false,
        "TlsCertificateName":  null,
        "TlsDomainCapabilities":  [
                                  ]
    }
]
"#;

    #[test]
    fn reads_ps51_selected_output() {
        let block = read(PS51).expect("a block");
        assert_eq!(block.format, Format::ConvertToJson);
        assert_eq!((block.first_line, block.last_line), (1, 19));
        assert_eq!(block.understood, vec![(1, 19)]);
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!((first.first_line, first.last_line), (2, 10));
        assert_eq!(first.type_name, None);
        assert_eq!(text(first, "identity"), Some(r"EX01\Default Frontend EX01"));
        assert_eq!(text(first, "Enabled"), Some("True"));
        assert_eq!(first.get("Name").map(|p| p.line), Some(4));
        assert_eq!(
            text(first, "TlsCertificateName"),
            Some("<I>CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US<S>CN=mail.contoso.com")
        );
        let Some(Value::List(caps)) = first.get("TlsDomainCapabilities").map(|p| &p.value) else {
            panic!("TlsDomainCapabilities is not a list");
        };
        assert_eq!(caps.len(), 1);
        assert!(caps[0].as_text().is_some_and(|c| c.starts_with("<I>CN=MSIT Machine Auth CA 2, DC=redmond")));
        let second = &block.records[1];
        assert_eq!((second.first_line, second.last_line), (11, 18));
        assert_eq!(text(second, "Enabled"), Some("False"));
        assert_eq!(second.get("TlsCertificateName").map(|p| &p.value), Some(&Value::Null));
        assert_eq!(second.get("TlsDomainCapabilities").map(|p| &p.value), Some(&Value::List(Vec::new())));
    }

    const PS7_RAW: &str = r#"[
  {
    "Identity": {
      "Name": "Default Frontend EX01",
      "DistinguishedName": "CN=Default Frontend EX01,CN=SMTP Receive Connectors,CN=Protocols,CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com",
      "Depth": 13
    },
    "Name": "Default Frontend EX01",
    "Server": {
      "Name": "EX01",
      "DistinguishedName": "CN=EX01,CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"
    },
    "TransportRole": 16384,
    "MaxMessageSize": -1.5E+3,
    "TlsDomainCapabilities": [
      {
        "Domain": "mail.protection.outlook.com",
        "Capabilities": 512,
        "SmtpX509Identifier": "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US"
      }
    ]
  }
]"#;

    #[test]
    fn reads_ps7_raw_output_with_nested_objects() {
        let block = read(PS7_RAW).expect("a block");
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.last_line, 23);
        assert_eq!(block.records.len(), 1);
        let record = &block.records[0];
        let server = &record.get("Server").expect("Server").value;
        assert_eq!(server.field("name").and_then(Value::as_text), Some("EX01"));
        assert_eq!(record.get("Identity").and_then(|p| p.value.field("Depth")), Some(&Value::Text("13".into())));
        assert_eq!(text(record, "TransportRole"), Some("16384"));
        assert_eq!(text(record, "MaxMessageSize"), Some("-1.5E+3"));
        let Some(Value::List(caps)) = record.get("TlsDomainCapabilities").map(|p| &p.value) else {
            panic!("TlsDomainCapabilities is not a list");
        };
        assert_eq!(caps[0].field("Capabilities").and_then(Value::as_text), Some("512"));
        assert!(caps[0]
            .field("SmtpX509Identifier")
            .and_then(Value::as_text)
            .is_some_and(|s| s.starts_with("<I>CN=MSIT Machine Auth CA 2") && s.ends_with("C=US")));
        let Value::Object(object) = &caps[0] else { panic!("not an object") };
        assert_eq!(object.display, None);
        assert_eq!(object.props[0].line, 17);
    }

    #[test]
    fn unwraps_the_ps51_value_wrapper() {
        let text = "{\n    \"value\":  [\n                  {\n                      \"Name\":  \"A\"\n                  },\n                  {\n                      \"Name\":  \"B\"\n                  }\n              ],\n    \"Count\":  2\n}\n";
        let block = read(text).expect("a block");
        assert!(block.diagnostics.is_empty());
        assert_eq!(block.last_line, 11);
        let names: Vec<_> = block.records.iter().map(|r| r.get("Name").and_then(|p| p.value.as_text())).collect();
        assert_eq!(names, vec![Some("A"), Some("B")]);
        assert_eq!((block.records[1].first_line, block.records[1].last_line), (6, 8));
    }

    #[test]
    fn reads_a_single_object_and_keeps_a_value_property_that_is_no_wrapper() {
        let block = read("{\"value\": [1, 2], \"Name\": \"A\", \"Name\": \"B\"}  \nWARNING: next\n").expect("a block");
        assert_eq!(block.records.len(), 1);
        let record = &block.records[0];
        assert_eq!(record.props.len(), 3);
        assert_eq!(record.props[0].value, Value::List(vec![Value::Text("1".into()), Value::Text("2".into())]));
        assert_eq!(block.understood, vec![(1, 1)]);
        assert_eq!(block.last_line, 1);
    }

    #[test]
    fn keeps_complete_records_of_a_truncated_document() {
        let cut = PS51.trim_end().strip_suffix(']').expect("a closing bracket");
        let block = read(cut).expect("a block");
        assert_eq!(block.records.len(), 2);
        assert_eq!(block.last_line, 18);
        assert_eq!(block.understood, vec![(1, 18)]);
        assert_eq!(block.diagnostics.len(), 1);
        let diagnostic = &block.diagnostics[0];
        assert_eq!(diagnostic.code, "malformed-json");
        assert_eq!(diagnostic.line, Some(18));
        assert!(diagnostic.message.contains("closing ]"), "{}", diagnostic.message);

        // Cut inside the second object: only the first survives.
        let cut: String = PS51.lines().take(13).map(|l| format!("{l}\n")).collect();
        let block = read(&cut).expect("a block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 10)]);
        assert_eq!(block.last_line, 13);
    }

    #[test]
    fn stops_before_other_output_that_follows_a_cut_document() {
        let text = "[\n  {\n    \"Name\": \"A\"\n  },\n  {\n    \"Name\": \"B\",\n[PS] C:\\>Get-SendConnector\n";
        let block = read(text).expect("a block");
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.last_line, 6);
        assert_eq!(block.diagnostics[0].line, Some(6));
    }

    #[test]
    fn declines_lines_that_only_start_with_a_bracket() {
        assert!(read("[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl").is_none());
        assert!(read("{[::]:25, 0.0.0.0:25}").is_none());
        assert!(read("RunspaceId : 1").is_none());
        assert!(read("").is_none());
    }

    #[test]
    fn decodes_escapes_and_survives_broken_ones() {
        let block =
            read(r#"{"a": "\u003c\u003e\u0027\u0026 \"q\" \\ \/ \t\n \ud83d\ude00 \ud83d x \ude00 \q \u12 é"}"#)
                .expect("a block");
        let value = text(&block.records[0], "a");
        assert_eq!(value, Some("<>'& \"q\" \\ / \t\n \u{1F600} \u{FFFD} x \u{FFFD} \u{FFFD} \u{FFFD}12 é"));
    }

    #[test]
    fn reports_a_line_end_inside_a_string() {
        let block = read("[\n  {\"Name\": \"Default Fr\n  }\n]").expect("a block");
        assert!(block.records.is_empty());
        assert_eq!(block.diagnostics[0].line, Some(2));
        assert_eq!(block.last_line, 2);
    }

    #[test]
    fn stops_at_the_given_end_line() {
        let src = Source::new("[\n  1,\n  2\n]\n".to_string());
        let block = parse(&src, 1, 3, crate::formats::every_property).expect("a block");
        assert_eq!(block.last_line, 3);
        assert_eq!(block.diagnostics[0].code, "malformed-json");
    }

    #[test]
    fn deep_nesting_is_reported_without_overflow() {
        let block = read(&"[".repeat(10_000)).expect("a block");
        assert!(block.records.is_empty());
        assert_eq!(block.diagnostics.len(), 1);
        assert!(block.diagnostics[0].message.contains("deeper than 128 levels"));

        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(read(&fine).expect("a block").diagnostics.is_empty());
        let deep_objects = format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000));
        assert_eq!(read(&deep_objects).expect("a block").diagnostics.len(), 1);
    }
}
