//! Export-Clixml: the XML that PowerShell's serializer writes (`Export-Clixml`, `#< CLIXML` streams).
//!
//! A document is one `<Objs>` element holding the serialized objects in order:
//!
//! ```text
//! <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
//!   <Obj RefId="0">
//!     <TN RefId="0"><T>Most.Derived.Type</T><T>System.Object</T></TN>
//!     <ToString>EX01\Default Frontend EX01</ToString>
//!     <Props>
//!       <S N="Name">Default Frontend EX01</S>
//!       <Obj N="TlsDomainCapabilities" RefId="1"><TN RefId="1">...</TN><LST>...</LST></Obj>
//!       <Ref N="Id" RefId="7" />
//!     </Props>
//!     <MS><S N="PSComputerName">ex01.contoso.com</S></MS>
//!   </Obj>
//! </Objs>
//! ```
//!
//! An `<Obj>` names its types in `<TN>` (or reuses an earlier list with `<TNRef RefId>`), may
//! carry its `ToString()` text, named members in `<Props>` and `<MS>`, the items of a collection
//! in `<LST>`, `<IE>`, `<STK>` or `<QUE>`, the entries of a dictionary in `<DCT>`, and, for an
//! enum, the number as a bare primitive next to its `<ToString>` name. Primitives are elements
//! such as `<S>`, `<B>`, `<I32>` or `<DT>`; `<Nil>` is `$null`; `<Ref RefId>` repeats an earlier
//! `<Obj>` with that RefId. Text escapes characters XML cannot carry as `_xHHHH_`.
//!
//! Every top-level `<Obj>` becomes one [`Record`](super::Record). The reader keeps its own stack of open
//! elements instead of recursing, so hostile nesting cannot overflow the call stack, and it
//! stops with a `malformed-xml` diagnostic at the first thing it cannot read, keeping the
//! objects it had completed.
//!
//! # Where the code is
//!
//! `reader.rs` reads a document event by event, `refs.rs` keeps and copies the objects `<Ref>`
//! elements name (within the check's [`RefBudget`]), `escapes.rs` decodes PowerShell's and XML's
//! escapes, and `certificate.rs` reads an Exchange certificate's values from its `<ToString>` and
//! `SerializationData`.

mod certificate;
mod escapes;
mod reader;
mod refs;

pub use refs::RefBudget;

use super::Block;
use crate::source::{is_blank, LineNo, Source};
use reader::Parser;
use refs::referenced_ids;
use std::collections::BTreeSet;

/// How far past `<?xml` the reader looks for the `<Objs` element before declining.
const DECLARATION_LOOKAHEAD: usize = 4096;

/// Reads one Export-Clixml document whose first line is `start`, not reading past line `end`;
/// the copies its `<Ref>` elements make are paid from the check's `budget`.
pub fn parse(src: &Source, start: LineNo, end: LineNo, budget: &mut RefBudget) -> Option<Block> {
    let from = document_start(src, start, end)?;
    let to = src.offset_of_line(end.saturating_add(1));
    let text = src.text().get(from..to)?;
    // A `<Ref>` can only copy an object the reader kept, and keeping every object would cost
    // memory for nothing. So the reader keeps exactly the objects that some `<Ref>` names.
    // Which those are is guessed first by a byte search for `<Ref` tags, much cheaper than a
    // reading; the reading reports the RefIds it really met, and only when the guess was wrong
    // is the document read again with those. The reading that counts is thus always the one
    // told exactly the referenced RefIds (none: `None`), as if a first reading had learnt them.
    // The guess looks only as far as the document's own end tag: the text after it is the rest
    // of the paste, perhaps other documents, each of which is read on its own.
    let own = memchr::memmem::find(text.as_bytes(), b"</Objs>").map_or(text, |at| &text[..at]);
    let guess = referenced_ids(own);
    let parser = |wanted: &BTreeSet<String>| {
        Parser::new(src, from, start, (!wanted.is_empty()).then(|| wanted.clone()), budget.remaining)
    };
    let reading = parser(&guess).run(text);
    // Only the reading that counts pays from the budget.
    let reading = if reading.referenced == guess { reading } else { parser(&reading.referenced).run(text) };
    budget.remaining = reading.budget_left;
    Some(reading.block)
}

/// The byte offset where XML reading begins, or `None` when line `start` opens no Clixml document.
fn document_start(src: &Source, start: LineNo, end: LineNo) -> Option<usize> {
    let line = src.line(start).trim_start();
    if opens_objs(line.as_bytes()) {
        return Some(src.offset_of_line(start));
    }
    if line.starts_with("<?xml") {
        // The declaration must be followed by `<Objs`, perhaps after white space and line ends.
        let from = src.offset_of_line(start);
        let limit = src.offset_of_line(end.saturating_add(1)).min(from + DECLARATION_LOOKAHEAD);
        let window = src.text().as_bytes().get(from..limit)?;
        let close = memchr::memmem::find(window, b"?>")?;
        let rest = window.get(close + 2..)?.trim_ascii_start();
        return opens_objs(rest).then_some(from);
    }
    if line.trim_end() == "#< CLIXML" {
        // PowerShell marks serialized error streams this way; the document starts on a later line.
        let mut n = start + 1;
        while n <= end && is_blank(src.line(n)) {
            n += 1;
        }
        if n <= end && opens_objs(src.line(n).trim_start().as_bytes()) {
            return Some(src.offset_of_line(n));
        }
    }
    None
}

/// True when `text` starts with the tag name `<Objs` (and not, say, `<Objsx`).
fn opens_objs(text: &[u8]) -> bool {
    text.starts_with(b"<Objs") && matches!(text.get(5), None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
}

#[cfg(test)]
mod tests {
    use super::escapes::{decode_escapes, unescaped};
    use super::*;
    use crate::diagnostic::Severity;
    use crate::formats::{Format, Value};

    const HEAD: &str = r#"<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">"#;

    fn parse_all(text: &str) -> Block {
        let src = Source::new(text.to_string());
        parse(&src, 1, src.line_count(), &mut RefBudget::for_input(text.len())).expect("a Clixml block")
    }

    fn text(value: &Value) -> &str {
        value.as_text().expect("a text value")
    }

    /// A receive connector with the affected capability entry, written one element per line as Export-Clixml does.
    fn connector() -> String {
        [
            HEAD,
            r#"  <Obj RefId="0">"#,
            r#"    <TN RefId="0">"#,
            r#"      <T>Deserialized.Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T>"#,
            r#"      <T>System.Object</T>"#,
            r#"    </TN>"#,
            r#"    <ToString>EX01\Default Frontend EX01</ToString>"#,
            r#"    <Props>"#,
            r#"      <Obj N="TlsDomainCapabilities" RefId="9">"#,
            r#"        <TN RefId="4"><T>Microsoft.Exchange.Data.MultiValuedProperty`1[[Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities, Microsoft.Exchange.Data]]</T><T>System.Object</T></TN>"#,
            r#"        <LST>"#,
            r#"          <Obj RefId="10">"#,
            r#"            <TN RefId="5"><T>Microsoft.Exchange.Data.SmtpReceiveDomainCapabilities</T><T>System.Object</T></TN>"#,
            r#"            <ToString>&lt;I&gt;CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com&lt;S&gt;CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail</ToString>"#,
            r#"            <Props>"#,
            r#"              <S N="Domain">mail.protection.outlook.com</S>"#,
            r#"              <S N="Capabilities">AcceptCloudServicesMail</S>"#,
            r#"              <S N="SmtpX509Identifier">&lt;I&gt;CN=MSIT Machine Auth CA 2&lt;S&gt;CN=mail.protection.outlook.com</S>"#,
            r#"            </Props>"#,
            r#"          </Obj>"#,
            r#"        </LST>"#,
            r#"      </Obj>"#,
            r#"      <Obj N="TransportRole" RefId="11">"#,
            r#"        <TN RefId="6"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ServerRole</T><T>System.Enum</T></TN>"#,
            r#"        <ToString>FrontendTransport</ToString>"#,
            r#"        <I32>16384</I32>"#,
            r#"      </Obj>"#,
            r#"      <B N="Enabled">true</B>"#,
            r#"      <Nil N="TlsCertificateName" />"#,
            r#"      <Obj N="Identity" RefId="12">"#,
            r#"        <TN RefId="7"><T>Microsoft.Exchange.Data.Directory.ADObjectId</T></TN>"#,
            r#"        <ToString>EX01\Default Frontend EX01</ToString>"#,
            r#"        <Props><S N="Name">Default Frontend EX01</S></Props>"#,
            r#"      </Obj>"#,
            r#"      <Ref N="Id" RefId="12" />"#,
            r#"      <Ref N="Missing" RefId="99" />"#,
            r#"    </Props>"#,
            r#"    <MS>"#,
            r#"      <S N="PSComputerName">ex01.contoso.com</S>"#,
            r#"      <BA N="SerializationData">AAEAAAD/////AQAAAAAAAAA=</BA>"#,
            r#"    </MS>"#,
            r#"  </Obj>"#,
            r#"  <Obj RefId="13">"#,
            r#"    <TNRef RefId="0" />"#,
            r#"    <ToString>EX01\Client Frontend EX01</ToString>"#,
            r#"    <Props>"#,
            r#"      <S N="Name">Client Frontend EX01</S>"#,
            r#"      <Obj N="TlsDomainCapabilities" RefId="14"><TNRef RefId="4" /><LST /></Obj>"#,
            r#"      <S N="Banner">_x000D__x000A_Line_x0009_end _xD83D__xDE00_ _x005F_x0041_</S>"#,
            r#"    </Props>"#,
            r#"  </Obj>"#,
            r#"</Objs>"#,
        ]
        .join("\n")
    }

    #[test]
    fn reads_records_with_their_lines() {
        let block = parse_all(&connector());
        assert_eq!(block.format, Format::ExportClixml);
        assert_eq!((block.first_line, block.last_line), (1, 52));
        assert_eq!(block.understood, vec![(1, 52)]);
        assert!(block.diagnostics.is_empty(), "{:?}", block.diagnostics);
        assert_eq!(block.records.len(), 2);
        let first = &block.records[0];
        assert_eq!(
            first.type_name.as_deref(),
            Some("Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector")
        );
        assert_eq!((first.first_line, first.last_line), (2, 42));
        assert_eq!(first.get("TlsDomainCapabilities").map(|p| p.line), Some(9));
        assert_eq!(first.get("PSComputerName").map(|p| p.line), Some(39));
        assert!(first.get("SerializationData").is_none());
    }

    #[test]
    fn reads_a_multi_valued_capability() {
        let block = parse_all(&connector());
        let Value::List(items) = &block.records[0].get("TlsDomainCapabilities").unwrap().value else {
            panic!("a list");
        };
        assert_eq!(items.len(), 1);
        let display = text(&items[0]);
        assert!(display.starts_with("<I>CN=MSIT Machine Auth CA 2, DC=redmond"), "{display}");
        assert!(display.ends_with("C=US:AcceptCloudServicesMail"), "{display}");
        assert_eq!(items[0].field("Domain").map(text), Some("mail.protection.outlook.com"));
        assert_eq!(
            items[0].field("SmtpX509Identifier").map(text),
            Some("<I>CN=MSIT Machine Auth CA 2<S>CN=mail.protection.outlook.com")
        );
        let empty = &block.records[1].get("TlsDomainCapabilities").unwrap().value;
        assert_eq!(empty, &Value::List(Vec::new()));
    }

    #[test]
    fn reads_enums_booleans_nil_and_type_name_references() {
        let block = parse_all(&connector());
        let first = &block.records[0];
        assert_eq!(first.get("TransportRole").unwrap().value, Value::Text("FrontendTransport".into()));
        assert_eq!(first.get("Enabled").unwrap().value, Value::Text("True".into()));
        assert_eq!(first.get("TlsCertificateName").unwrap().value, Value::Null);
        let second = &block.records[1];
        assert_eq!(second.type_name, first.type_name);
        assert_eq!((second.first_line, second.last_line), (43, 51));
    }

    #[test]
    fn copies_referenced_objects() {
        let block = parse_all(&connector());
        let first = &block.records[0];
        let identity = &first.get("Identity").unwrap().value;
        assert_eq!(identity.as_text(), Some("EX01\\Default Frontend EX01"));
        assert_eq!(&first.get("Id").unwrap().value, identity);
        assert_eq!(first.get("Missing").unwrap().value, Value::Null);
    }

    #[test]
    fn copies_referenced_objects_the_byte_search_misses() {
        // Space around `=` and a character reference in the RefId: legal XML that PowerShell does
        // not write. The byte search misses the first and misreads the second; the reading
        // notices, and reads again.
        for spelled in [r#"<Ref N="Id" RefId = "1" />"#, r#"<Ref N="Id" RefId="&#49;" />"#] {
            let doc = format!(
                "{HEAD}\n<Obj RefId=\"0\"><Props><Obj N=\"Identity\" RefId=\"1\"><ToString>EX01\\A</ToString></Obj>\n{spelled}</Props></Obj>\n</Objs>"
            );
            let block = parse_all(&doc);
            let record = &block.records[0];
            assert_eq!(record.get("Id").unwrap().value.as_text(), Some("EX01\\A"), "{spelled}");
            assert!(!referenced_ids(&doc).contains("1"), "{spelled}");
        }
        let doc =
            format!("{HEAD}<Obj RefId=\"0\"><Props><Ref N=\"A\" RefId=\"4\" /><Ref\tRefId='5'/></Props></Obj></Objs>");
        assert_eq!(referenced_ids(&doc).into_iter().collect::<Vec<_>>(), ["4", "5"]);
    }

    #[test]
    fn decodes_powershell_escapes() {
        let block = parse_all(&connector());
        let banner = text(&block.records[1].get("Banner").unwrap().value).to_string();
        assert_eq!(banner, "\r\nLine\tend \u{1F600} _x0041_");
        assert_eq!(unescaped("a_x00e9_b_xD800_c_x12_".into()), "a\u{e9}b\u{FFFD}c_x12_");
        assert_eq!(unescaped("é_x000A_ü".into()), "é\nü");
        assert_eq!(decode_escapes("plain_x12_"), None);
    }

    #[test]
    fn reads_dictionaries_and_character_references() {
        let doc = format!(
            "{HEAD}\n<Obj RefId=\"0\"><TN RefId=\"0\"><T>System.Collections.Hashtable</T></TN>\n<DCT>\n<En><S N=\"Key\">Name</S><S N=\"Value\">A&#x26;B &amp; &#67;</S></En>\n</DCT></Obj>\n</Objs>"
        );
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.records[0].get("Name").map(|p| (text(&p.value), p.line)), Some(("A&B & C", 4)));
    }

    #[test]
    fn accepts_the_declaration_and_the_stream_marker() {
        let doc = format!(
            "<?xml version=\"1.0\"?>\n{HEAD}<Obj RefId=\"0\"><Props><S N=\"A\">1</S></Props></Obj></Objs>\nafter"
        );
        let block = parse_all(&doc);
        assert_eq!((block.first_line, block.last_line, block.records.len()), (1, 2, 1));
        let doc = format!("#< CLIXML\n{HEAD}<S S=\"Error\">boom_x000D__x000A_</S></Objs>");
        let block = parse_all(&doc);
        assert_eq!((block.first_line, block.last_line, block.records.len()), (1, 2, 0));
        assert!(block.diagnostics.is_empty());
        for declined in ["<Objsx>", "Name : <Objs", "<?xml version=\"1.0\"?>\n<Root/>", "#< CLIXML\nhello"] {
            let src = Source::new(declined.to_string());
            assert!(parse(&src, 1, src.line_count(), &mut RefBudget::for_input(0)).is_none(), "{declined}");
        }
    }

    #[test]
    fn stops_at_the_end_line() {
        let src = Source::new(connector());
        let block = parse(&src, 1, 45, &mut RefBudget::for_input(0)).unwrap();
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 42)]);
        assert_eq!(block.diagnostics[0].code, "malformed-xml");
    }

    #[test]
    fn keeps_complete_records_of_a_truncated_document() {
        let full = connector();
        let cut: String = full.lines().take(47).collect::<Vec<_>>().join("\n");
        let block = parse_all(&(cut + "\n[PS] C:\\>Get-SendConnector | fl\n\nName : x"));
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 42)]);
        assert_eq!(block.last_line, 47);
        let diagnostic = &block.diagnostics[0];
        assert_eq!(
            (diagnostic.code, diagnostic.severity, diagnostic.line),
            ("malformed-xml", Severity::Warning, Some(48))
        );
    }

    #[test]
    fn reports_mismatched_tags() {
        let doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">1</S></Props></Obj>\n<Obj RefId=\"1\"><Props>\n<S N=\"A\">1</Props></Obj>\n</Objs>");
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 1);
        assert_eq!(block.understood, vec![(1, 2)]);
        assert_eq!(block.last_line, 4);
        assert_eq!(block.diagnostics[0].line, Some(4));
        // Cut in the middle of a tag, and broken before any record.
        let block = parse_all(&format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A"));
        assert!(block.records.is_empty() && block.understood.is_empty());
        assert_eq!(block.diagnostics[0].code, "malformed-xml");
    }

    #[test]
    fn an_unclosed_comment_takes_the_rest_of_the_text() {
        let doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props /></Obj>\n<!-- no end\nName : x\nMore : y");
        let block = parse_all(&doc);
        assert_eq!((block.records.len(), block.last_line), (1, 5));
        assert_eq!(block.understood, vec![(1, 2)]);
        assert_eq!(block.diagnostics[0].line, Some(3));
    }

    #[test]
    fn survives_deep_nesting() {
        let doc = format!("{HEAD}\n{}", "<Obj RefId=\"1\"><Props>".repeat(100_000));
        let block = parse_all(&doc);
        assert!(block.records.is_empty());
        assert!(block.diagnostics[0].message.contains("deeper than 256 levels"), "{}", block.diagnostics[0].message);
    }

    /// A document whose last object repeats a 1,000-character text 2^`levels` times by `<Ref>`.
    fn doubling(levels: usize) -> String {
        let mut doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">{}</S></Props></Obj>\n", "x".repeat(1000));
        for n in 1..=levels {
            doc += &format!(
                "<Obj RefId=\"{n}\"><Props><Ref N=\"A\" RefId=\"{}\" /><Ref N=\"B\" RefId=\"{}\" /></Props></Obj>\n",
                n - 1,
                n - 1
            );
        }
        doc + "</Objs>\n"
    }

    #[test]
    fn documents_of_one_check_share_its_copy_budget() {
        let limited = |block: &Block| block.diagnostics.iter().any(|d| d.code == "clixml-reference-limit");
        let doc = doubling(8);
        let src = Source::new(format!("{doc}{doc}"));
        let mut budget = RefBudget::for_input(0);
        let first = parse(&src, 1, src.line_count(), &mut budget).expect("the first document");
        assert!(!limited(&first), "one document fits the budget: {:?}", first.diagnostics);
        let second = parse(&src, first.last_line + 1, src.line_count(), &mut budget).expect("the second document");
        assert!(limited(&second), "the second finds the budget spent: {:?}", second.diagnostics);
        assert_eq!(second.records.len(), 9, "its objects are still read");
    }

    #[test]
    fn limits_copies_of_references() {
        // Each object holds two references to the previous one, doubling its size every time.
        let mut doc = format!("{HEAD}\n<Obj RefId=\"0\"><Props><S N=\"A\">{}</S></Props></Obj>\n", "x".repeat(1000));
        for n in 1..40 {
            doc += &format!(
                "<Obj RefId=\"{n}\"><Props><Ref N=\"A\" RefId=\"{}\" /><Ref N=\"B\" RefId=\"{}\" /></Props></Obj>\n",
                n - 1,
                n - 1
            );
        }
        doc += "</Objs>";
        let block = parse_all(&doc);
        assert_eq!(block.records.len(), 40);
        assert!(block.diagnostics.iter().any(|d| d.code == "clixml-reference-limit"));
    }
}
