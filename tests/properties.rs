//! Property tests of the promises the report makes, on generated input.

use hybridcheck::internals::fold;
use hybridcheck::internals::{every_property, parse_segment, Value};
use hybridcheck::internals::{is_blank, Source};
use hybridcheck::{check, check_text, Input, InputData};
use proptest::prelude::*;

/// Renders properties as PowerShell's Format-List does: labels padded to the longest, ` : `,
/// values wrapped by word (the space stays at the line end) or hard at the exact width,
/// continuation lines indented to the value column.
fn format_list(props: &[(String, String)], width: usize, word_wrap: bool, keep_trailing_spaces: bool) -> String {
    let label = props.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let room = value_room(props, width);
    let mut out = String::new();
    for (name, value) in props {
        let pieces = if word_wrap { word_pieces(value, room) } else { hard_pieces(value, room) };
        for (i, piece) in pieces.iter().enumerate() {
            let lead = if i == 0 { format!("{name:<label$} : ") } else { " ".repeat(label + 3) };
            let line = format!("{lead}{piece}");
            out.push_str(if keep_trailing_spaces { &line } else { line.trim_end() });
            out.push('\n');
        }
    }
    out
}

/// The characters a value line can hold at a console `width`.
fn value_room(props: &[(String, String)], width: usize) -> usize {
    let label = props.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    width.saturating_sub(label + 3).max(8)
}

fn word_pieces(value: &str, room: usize) -> Vec<String> {
    let mut pieces = vec![String::new()];
    for word in value.split_inclusive(' ') {
        let current = pieces.last().unwrap();
        if !current.is_empty() && current.chars().count() + word.trim_end().chars().count() > room {
            pieces.push(String::new());
        }
        pieces.last_mut().unwrap().push_str(word);
    }
    pieces
}

fn hard_pieces(value: &str, room: usize) -> Vec<String> {
    let chars: Vec<char> = value.chars().collect();
    chars.chunks(room).map(|c| c.iter().collect()).collect()
}

fn label() -> impl Strategy<Value = String> {
    "[A-Z][A-Za-z]{1,40}"
}

/// Values as Exchange prints them: words of visible characters separated by single spaces.
fn value() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9=,.<>:{}\\\\-]{1,30}", 1..30).prop_map(|words| words.join(" "))
}

fn read_back(text: &str) -> Vec<(String, String)> {
    let src = Source::new(text.to_owned());
    let blocks = parse_segment(&src, 1, src.line_count(), every_property);
    blocks
        .iter()
        .flat_map(|b| b.records.iter())
        .flat_map(|r| r.props.iter())
        .map(|p| {
            let text = match &p.value {
                Value::Text(t) => t.to_string(),
                Value::Null => String::new(),
                other => panic!("unexpected value {other:?}"),
            };
            (p.name.to_string(), text)
        })
        .collect()
}

const LEGACY: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";

fn identity() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[A-Za-z0-9 '\u{2018}\u{2019}\u{201A}\u{201B}$`;#|&(){}\\[\\]\"\u{201C}\u{201D}\\\\-]{1,40}",
        "EX0[1-9]\\\\[A-Za-z '\u{2019}$`;\n\r\t\u{0}\u{202E}\u{2028}]{1,30}",
    ]
}

/// The report for one receive connector named `identity` that carries the stale entry.
fn affected(identity: &str) -> hybridcheck::report::Report {
    check_text(&serde_json::json!([{ "Identity": identity, "TlsDomainCapabilities": [LEGACY] }]).to_string())
}

const QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Reads a command as PowerShell's tokenizer reads single-quoted strings: a literal opens at any
/// of the five single-quote characters, two of them in a row stand for one, and a lone one
/// closes it. Returns the literals and the code with each literal replaced by `''`.
fn split_single_quoted(command: &str) -> (Vec<String>, String) {
    let chars: Vec<char> = command.chars().collect();
    let mut literals = Vec::new();
    let mut code = String::new();
    let mut i = 0;
    while i < chars.len() {
        if !QUOTES.contains(&chars[i]) {
            code.push(chars[i]);
            i += 1;
            continue;
        }
        let mut literal = String::new();
        i += 1;
        while i < chars.len() {
            if QUOTES.contains(&chars[i]) {
                if i + 1 < chars.len() && QUOTES.contains(&chars[i + 1]) {
                    literal.push(chars[i + 1]);
                    i += 2;
                    continue;
                }
                break;
            }
            literal.push(chars[i]);
            i += 1;
        }
        i += 1;
        literals.push(literal);
        code.push_str("''");
    }
    (literals, code)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The byte-wise trims of `source` give exactly what `str`'s do, Unicode white space included.
    #[test]
    fn fast_trims_equal_str_trims(text in "[ \t\r\n\u{0B}\u{0C}\u{85}\u{A0}\u{2003}\u{3000}\u{200B}ax\u{e9}:{}]{0,24}") {
        prop_assert_eq!(hybridcheck::internals::trim(&text), text.trim());
        prop_assert_eq!(hybridcheck::internals::trim_start(&text), text.trim_start());
        prop_assert_eq!(hybridcheck::internals::trim_end(&text), text.trim_end());
    }

    /// UTF-16 with a BOM decodes as the standard library's lossy decoder does, in both byte
    /// orders: surrogate pairs joined, unpaired surrogates and an odd last byte as U+FFFD.
    #[test]
    fn utf16_decodes_as_std_does(
        units in prop::collection::vec(prop_oneof![6 => 0u16..0x80, 1 => any::<u16>(), 1 => 0xD800u16..0xE000], 0..64),
        odd_byte in prop::option::of(any::<u8>()),
    ) {
        let mut expected = String::from_utf16_lossy(&units);
        if odd_byte.is_some() {
            expected.push('\u{FFFD}');
        }
        for little_endian in [true, false] {
            let mut bytes = if little_endian { vec![0xFF, 0xFE] } else { vec![0xFE, 0xFF] };
            for u in &units {
                bytes.extend(if little_endian { u.to_le_bytes() } else { u.to_be_bytes() });
            }
            bytes.extend(odd_byte);
            let (text, _) = hybridcheck::internals::decode(&bytes);
            prop_assert_eq!(&text, &expected);
        }
    }

    /// The line cursor gives the line `line_of_offset` gives, for offsets in any order: mostly
    /// growing (as parsers ask), with jumps far ahead and back.
    #[test]
    fn line_cursor_equals_line_of_offset(
        text in "[a\n\r]{0,200}",
        moves in prop::collection::vec((any::<bool>(), 0usize..64), 0..60),
    ) {
        let src = Source::new(text.as_str());
        let cursor = src.line_cursor();
        let end = src.text().len() + 2;
        let mut offset = 0usize;
        for (back, step) in moves {
            offset = if back { offset.saturating_sub(step) } else { (offset + step) % end };
            prop_assert_eq!(cursor.line_of_offset(offset), src.line_of_offset(offset), "offset {}", offset);
        }
    }

    /// The lines `lines_starting` offers are those of two bytes or more whose first two bytes
    /// the test accepts, whatever the line ends (LF, CRLF, lone CR, none at the end).
    #[test]
    fn lines_starting_reads_the_first_bytes_of_each_line(text in "[ab\n\r]{0,120}") {
        let src = Source::new(text.as_str());
        let accept = |head: [u8; 2]| head[0] == b'a';
        let expected: Vec<u32> = (1..=src.line_count())
            .map(|n| (n, src.line(n).as_bytes()))
            .filter(|(_, line)| line.len() >= 2 && accept([line[0], line[1]]))
            .map(|(n, _)| n)
            .collect();
        prop_assert_eq!(src.lines_starting(accept).collect::<Vec<_>>(), expected);
        let all: Vec<u32> = (1..=src.line_count()).filter(|&n| src.line(n).len() >= 2).collect();
        prop_assert_eq!(src.lines_starting(|_| true).collect::<Vec<_>>(), all);
    }

    /// Format-List output at any width, label width and wrap mode reads back to the same values.
    /// Exactly, when the paste shows that trailing spaces survived (some line ends in one), or
    /// when the value was wrapped by word; otherwise (a hard wrap in a paste without any trailing
    /// space looks like a word wrap that lost its spaces) equal but for white space.
    #[test]
    fn format_list_reads_back(
        props in prop::collection::vec((label(), value()), 1..12),
        width in 60usize..260,
        word_wrap in any::<bool>(),
        keep_trailing_spaces in any::<bool>(),
    ) {
        let text = format_list(&props, width, word_wrap, keep_trailing_spaces);
        let back = read_back(&text);
        prop_assert_eq!(back.len(), props.len(), "{}", text);
        let room = value_room(&props, width);
        for ((name, value), (read_name, read_value)) in props.iter().zip(&back) {
            prop_assert_eq!(name, read_name);
            let longest_word = value.split(' ').map(|w| w.chars().count()).max().unwrap_or(0);
            let spaces_seen = keep_trailing_spaces && text.contains(" \n");
            if spaces_seen || (word_wrap && longest_word <= room) {
                prop_assert_eq!(value, read_value, "{}", text);
            } else {
                prop_assert_eq!(fold(value), fold(read_value), "{}", text);
            }
        }
    }

    /// Any bytes give a report, and every non-blank line is read by some section or listed in `unrecognized`.
    #[test]
    fn every_line_is_read_or_reported(bytes in prop::collection::vec(any::<u8>(), 0..3000)) {
        let report = check(vec![Input { name: "fuzz", data: InputData::Bytes((&bytes[..]).into()) }]);
        let (text, _) = hybridcheck::internals::decode(&bytes);
        let src = Source::new(text);
        for n in 1..=src.line_count() {
            if is_blank(src.line(n)) {
                continue;
            }
            let in_section = report.inputs[0].sections.iter().any(|s| s.first_line <= n && n <= s.last_line);
            let listed = report.unrecognized.iter().any(|u| u.line == n);
            prop_assert!(in_section || listed, "line {} is neither read nor reported", n);
        }
    }

    /// Every generated command names the connector by a literal that PowerShell reads back as
    /// exactly the reported identity, or no command is generated and a diagnostic says why.
    #[test]
    fn identities_are_quoted_or_refused(identity in identity()) {
        let report = affected(&identity);
        prop_assert_eq!(report.findings.len(), 1);
        let finding = &report.findings[0];
        let remediation = &finding.remediation;
        if remediation.commands().is_empty() {
            // A hidden character is refused with a diagnostic; a bare name (no `Server\`) or a
            // wildcard with a note that says why.
            let hidden = hybridcheck::internals::first_hidden(identity.trim()).is_some();
            let refused = report.diagnostics.iter().any(|d| d.code == "unsafe-identity");
            let explained = remediation.notes.iter().any(|n| n.starts_with("No command was generated"));
            prop_assert!(explained, "no command and no reason for {:?}", identity);
            prop_assert!(
                !hidden || refused || identity.trim().is_empty(),
                "a hidden character without unsafe-identity: {:?}",
                identity
            );
            return Ok(());
        }
        let expected = finding.identity.clone().unwrap();
        prop_assert_eq!(expected.as_str(), identity.trim());
        let model = affected("EX01\\X");
        let model = &model.findings[0].remediation;
        let commands = remediation.commands().iter().chain(remediation.verify()).chain(remediation.rollback());
        let models = model.commands().iter().chain(model.verify()).chain(model.rollback());
        for (command, model) in commands.zip(models) {
            let (command, model) = (command.text(), model.text());
            let (literals, code) = split_single_quoted(command);
            prop_assert_eq!(&literals[0], &expected, "in {}", command);
            // With the literals taken out the command is the same code as for a plain name:
            // nothing of the identity stands outside its quotes.
            prop_assert_eq!(code, split_single_quoted(model).1);
        }
    }
}

/// Names with every kind of quote and shell character read back exactly, as the acceptance list asks.
#[test]
fn named_examples_read_back() {
    let names = [
        "EX01\\O'Brien's relay",
        "EX01\\Relay \u{2019}quoted\u{2018}",
        "EX01\\$(Remove-Item C:\\) `n; #",
        "EX01\\a\u{201A}b\u{201B}c",
        "EX01\\''''",
    ];
    for name in names {
        let report = affected(name);
        for command in report.findings[0].remediation.commands() {
            assert_eq!(split_single_quoted(command.text()).0[0], name, "{command}");
        }
    }
}

/// An identity with a line break is refused, with a diagnostic that says so.
#[test]
fn control_characters_are_refused() {
    let report = affected("EX01\\Relay\nRemove-Item C:\\");
    assert!(report.findings[0].remediation.commands().is_empty());
    assert!(report.diagnostics.iter().any(|d| d.code == "unsafe-identity" && d.message.contains("U+000A")));
}
