//! Issue 12's acceptance suite: hostile values in every field that can reach a command, in
//! every layout the checker reads, and every command read back with a PowerShell tokenizer
//! written from the language specification (`support::powershell`).
//!
//! For each case (a field in a layout: the receive connector's `Identity` in Format-List, a
//! certificate's `Thumbprint` in Export-Csv, ...) the suite first checks the paste with a
//! benign value and asserts that it yields commands (and, where the field reaches commands,
//! that the value is in one), so that the suite cannot pass by producing nothing. Then it puts
//! each hostile value in the same place and reads every command of the report (fix, verify,
//! rollback, and the commands of diagnostics once the report carries them):
//!
//! - a value whose characters display differently from what runs (by Unicode general
//!   category, see `support::unicode`) must reach no command, and an `unsafe-identity`
//!   diagnostic must say so;
//! - any other value must give commands of the same token shape as the benign value's, each
//!   verbatim string equal to the benign one with the benign value replaced by the hostile
//!   one; or, when the checker decided to name less (it filtered on the server, or refused),
//!   commands made only of code the checker prints for benign pastes and of such strings.
//!
//! Further tests run the CLI (`--format ps1` read as Windows PowerShell 5.1 and PowerShell 7
//! read a script file; text and Markdown for control characters) and the identity and list
//! scenarios of issue 12.5 to 12.11. Failures are grouped by the defect classes of issue 12.

mod support;

use hybridcheck::model::date::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::encoding::Reading;
use support::powershell::{literals, shape, tokenize, Kind, Token};
use support::unicode::{is_unprintable, refused_chars, treatment_of, Treatment};

// ---------------------------------------------------------------------------------------------
// Payloads
// ---------------------------------------------------------------------------------------------

/// One hostile value with a short name for failure messages.
struct Payload {
    name: String,
    text: String,
}

/// The quote characters PowerShell knows, and characters that only look like quotes.
const QUOTES: [(char, &str); 16] = [
    ('\'', "apostrophe"),
    ('\u{2018}', "U+2018 left single quote"),
    ('\u{2019}', "U+2019 right single quote"),
    ('\u{201A}', "U+201A low single quote"),
    ('\u{201B}', "U+201B reversed single quote"),
    ('"', "double quote"),
    ('\u{201C}', "U+201C left double quote"),
    ('\u{201D}', "U+201D right double quote"),
    ('\u{201E}', "U+201E low double quote"),
    ('`', "backtick"),
    ('\u{FF07}', "U+FF07 fullwidth apostrophe"),
    ('\u{02BC}', "U+02BC modifier apostrophe"),
    ('\u{2032}', "U+2032 prime"),
    ('\u{FF02}', "U+FF02 fullwidth quote"),
    ('\u{275B}', "U+275B quote ornament"),
    ('\u{275C}', "U+275C quote ornament"),
];

/// PowerShell syntax that must stay inert inside a string.
const SYNTAX: [&str; 57] = [
    "$()",
    "$(Start-Process calc)",
    "@(1)",
    "@{a=1}",
    "${env:Path}",
    "$env:Path",
    "$_",
    "$true",
    "@splat",
    ";",
    "; Stop-Service MSExchangeTransport;",
    "|",
    "| Remove-ReceiveConnector",
    "||",
    "&",
    "& calc",
    "&&",
    ">",
    ">>",
    "2>&1",
    "<",
    "<#",
    "#>",
    "#",
    "# comment",
    ",",
    "{",
    "}",
    "(",
    ")",
    "--%",
    "--",
    "-Identity",
    "\u{2013}Identity",
    "\u{2014}",
    "\u{2015}",
    "``",
    "`n",
    "`0",
    "%",
    "::",
    "..",
    ".\\x",
    "[string]",
    "0x41",
    "1kb",
    "=",
    "+=",
    "!",
    "\\",
    "/",
    "~",
    "^",
    "*",
    "?",
    "[",
    "]",
];

/// Control characters and line breaks, by name.
const CONTROLS: [(&str, &str); 15] = [
    ("\r", "CR"),
    ("\n", "LF"),
    ("\r\n", "CRLF"),
    ("\u{2028}", "U+2028 line separator"),
    ("\u{2029}", "U+2029 paragraph separator"),
    ("\u{85}", "U+0085 next line"),
    ("\0", "NUL"),
    ("\u{7}", "BEL"),
    ("\u{1b}[2K\u{1b}[1A", "ESC erase line"),
    ("\u{7f}", "DEL"),
    ("\u{9b}", "U+009B CSI"),
    ("\u{b}", "vertical tab"),
    ("\u{c}", "form feed"),
    ("\t", "tab"),
    ("\u{1c}", "file separator"),
];

/// Format, bidirectional and invisible characters.
const INVISIBLE: [(char, &str); 34] = [
    ('\u{202A}', "LRE"),
    ('\u{202B}', "RLE"),
    ('\u{202C}', "PDF"),
    ('\u{202D}', "LRO"),
    ('\u{202E}', "RLO"),
    ('\u{2066}', "LRI"),
    ('\u{2067}', "RLI"),
    ('\u{2068}', "FSI"),
    ('\u{2069}', "PDI"),
    ('\u{200B}', "zero-width space"),
    ('\u{200C}', "ZWNJ"),
    ('\u{200D}', "ZWJ"),
    ('\u{200E}', "LRM"),
    ('\u{200F}', "RLM"),
    ('\u{061C}', "Arabic letter mark"),
    ('\u{2060}', "word joiner"),
    ('\u{2061}', "function application"),
    ('\u{2062}', "invisible times"),
    ('\u{2063}', "invisible separator"),
    ('\u{2064}', "invisible plus"),
    ('\u{FEFF}', "BOM"),
    ('\u{00AD}', "soft hyphen"),
    ('\u{180E}', "Mongolian vowel separator"),
    ('\u{115F}', "Hangul choseong filler"),
    ('\u{1160}', "Hangul jungseong filler"),
    ('\u{3164}', "Hangul filler"),
    ('\u{FFA0}', "halfwidth Hangul filler"),
    ('\u{E0001}', "tag LANGUAGE"),
    ('\u{E0020}', "tag space"),
    ('\u{E0041}', "tag A"),
    ('\u{E007F}', "cancel tag"),
    ('\u{1D173}', "musical begin beam"),
    ('\u{FFF9}', "interlinear annotation"),
    ('\u{FE0F}', "variation selector 16"),
];

/// Unassigned, private-use and noncharacter code points.
const UNASSIGNED: [(char, &str); 8] = [
    ('\u{0378}', "unassigned U+0378"),
    ('\u{E000}', "private use U+E000"),
    ('\u{F8FF}', "private use U+F8FF"),
    ('\u{F0000}', "private use plane 15"),
    ('\u{10FFFD}', "private use plane 16"),
    ('\u{FFFE}', "noncharacter U+FFFE"),
    ('\u{FFFF}', "noncharacter U+FFFF"),
    ('\u{1FFFF}', "noncharacter U+1FFFF"),
];

/// Letters and signs that look like others.
const HOMOGLYPHS: [(&str, &str); 15] = [
    ("D\u{0435}fault Frontend", "Cyrillic e"),
    ("\u{0415}\u{0425}01 Relay", "Cyrillic EX"),
    ("\u{03A1}elay", "Greek Rho"),
    ("\u{FF32}\u{FF25}\u{FF2C}\u{FF21}\u{FF39}", "fullwidth RELAY"),
    ("\u{1D411}\u{1D41E}\u{1D425}\u{1D41A}\u{1D432}", "mathematical bold Relay"),
    ("Relay\u{01C0}calc", "U+01C0 dental click as a bar"),
    ("Relay\u{FF1B}calc", "fullwidth semicolon"),
    ("Relay\u{FF04}\u{FF08}calc\u{FF09}", "fullwidth $()"),
    ("Relay\u{2215}x", "division slash"),
    ("Relay\u{29F5}x", "reverse solidus operator"),
    ("Relay\u{FE68}x", "small reverse solidus"),
    ("Relay\u{FF3C}x", "fullwidth backslash"),
    ("Relay\u{2010}x", "hyphen"),
    ("Relay\u{2212}x", "minus sign"),
    ("Relay\u{FE63}x", "small hyphen-minus"),
];

/// Characters whose UTF-8 bytes read as Windows-1252 hold a quote or a dash (issue 12.1).
const ANSI_TRAPS: [(&str, &str); 12] = [
    ("x\u{D1}$(Start-Process calc.exe)\u{D1}", "the issue's N tilde"),
    ("Relay \u{D1}", "N tilde (C3 91)"),
    ("Relay \u{D2}", "O grave (C3 92)"),
    ("Relay \u{D3}", "O acute (C3 93)"),
    ("Relay \u{D4}", "O circumflex (C3 94)"),
    ("Relay \u{C2}", "A circumflex (C3 82)"),
    ("Relay \u{411}", "Cyrillic Be (D0 91)"),
    ("Relay \u{451}", "Cyrillic io (D1 91)"),
    ("Relay \u{4E11}", "CJK (E4 B8 91)"),
    ("Relay \u{11E}", "G breve (C4 9E)"),
    ("Relay \u{2211}", "n-ary sum (E2 88 91)"),
    ("Relay \u{20AC}", "euro sign (E2 82 AC)"),
];

/// Every hostile value: generated from the lists above, plus values picked by hand.
fn payloads() -> Vec<Payload> {
    let mut out = Vec::new();
    let mut add = |name: String, text: String| out.push(Payload { name, text });
    for (q, name) in QUOTES {
        add(format!("{name} inside"), format!("O{q}Neil Relay"));
        add(format!("{name} at the start"), format!("{q}Relay"));
        add(format!("{name} at the end"), format!("Relay{q}"));
        add(format!("{name} doubled"), format!("Relay{q}{q}X"));
        add(format!("{name} closing the string"), format!("Relay{q}; Start-Process calc; {q}"));
    }
    for (q, name) in QUOTES.iter().take(10) {
        add(
            format!("{name} then an open relay"),
            format!(
                "x{q} | Set-ReceiveConnector -PermissionGroups AnonymousUsers -AuthMechanism ExternalAuthoritative #"
            ),
        );
        add(format!("{name} around a subexpression"), format!("x{q}+$(Start-Process calc)+{q}"));
    }
    for syntax in SYNTAX {
        add(format!("{syntax:?} inside"), format!("Relay {syntax} X"));
        add(format!("{syntax:?} at the end"), format!("Relay{syntax}"));
    }
    for (control, name) in CONTROLS {
        add(format!("{name} inside"), format!("Relay{control}X"));
    }
    add("LF then a command".into(), "Relay\nStart-Process calc".into());
    add("CRLF then a comment".into(), "Relay\r\n# comment".into());
    add("NEL then a command".into(), "Relay\u{85}; Start-Process calc".into());
    for (c, name) in INVISIBLE {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    add("RLO spoofing an extension".into(), "Relay\u{202E}lmth.exe".into());
    add("isolates around a quote".into(), "Relay\u{2066}'; calc; '\u{2069}".into());
    add("ZWJ in an emoji".into(), "Relay \u{1F468}\u{200D}\u{1F4BB}".into());
    for (c, name) in UNASSIGNED {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    for (text, name) in HOMOGLYPHS {
        add(format!("homoglyph: {name}"), text.into());
    }
    for (text, name) in ANSI_TRAPS {
        add(format!("Windows-1252 trap: {name}"), text.into());
    }
    for (c, name) in [
        ('\u{A0}', "no-break space"),
        ('\u{3000}', "ideographic space"),
        ('\u{2003}', "em space"),
        ('\u{200A}', "hair space"),
        ('\u{1680}', "ogham space"),
    ] {
        add(format!("{name} inside"), format!("Relay{c}X"));
    }
    add("two spaces".into(), "Relay  X".into());
    for (text, name) in [
        ("Partner, Fabrikam", "comma"),
        ("a+b", "plus"),
        ("a=b", "equals"),
        ("#2 Relay", "leading hash"),
        ("<Relay>", "angle brackets"),
        ("Relay\\Backslash", "backslash"),
    ] {
        add(format!("distinguished-name special: {name}"), text.into());
    }
    for (text, name) in [
        ("\u{DC}n\u{EF}c\u{F6}d\u{E9} Relay", "Latin accents"),
        ("\u{5E9}\u{5DC}\u{5D5}\u{5DD} Relay", "Hebrew"),
        ("\u{645}\u{631}\u{62D}\u{628}\u{627} Relay", "Arabic"),
        ("Relay \u{2709}\u{FE0F}", "emoji with variation selector"),
        ("Re\u{301}lay", "combining acute"),
        ("Relay \u{1F642}", "emoji"),
        ("$null", "$null"),
        ("''", "two apostrophes"),
        ("' '", "apostrophe space apostrophe"),
        ("O'Neil's \u{2018}Relay\u{2019} \u{201C}EX01\u{201D}", "mixed quotes"),
    ] {
        add(format!("other: {name}"), text.into());
    }
    add("10 KB of a".into(), "a".repeat(10 * 1024));
    add("10 KB of apostrophes".into(), format!("R{}", "'".repeat(10 * 1024)));
    add("10 KB of mixed syntax".into(), "\u{2019}$(calc)`;|".repeat(700));
    add("10 KB of Cyrillic".into(), "\u{414}".repeat(5 * 1024));
    add("10 KB of words".into(), format!("Relay{}", " x".repeat(5 * 1024)));
    add("10 KB with RLO".into(), format!("R{}", "\u{202E}a".repeat(3 * 1024)));
    out
}

// ---------------------------------------------------------------------------------------------
// Layouts: each renders objects the way the Exchange Management Shell writes them
// ---------------------------------------------------------------------------------------------

/// A property's value, written by each layout in its own way.
#[derive(Clone)]
enum PropValue {
    Text(String),
    List(Vec<String>),
    Bool(bool),
}

/// An object's properties in the order the shell prints them.
type Object = Vec<(&'static str, PropValue)>;

/// The files one case pastes: (name, bytes).
type Inputs = Vec<(String, Vec<u8>)>;

const PROMPT: &str = "[PS] C:\\Windows\\system32>";

fn display(value: &PropValue) -> String {
    match value {
        PropValue::Text(s) => s.clone(),
        PropValue::List(items) => format!("{{{}}}", items.join(", ")),
        PropValue::Bool(b) => if *b { "True" } else { "False" }.into(),
    }
}

/// Format-List, wide enough that no value wraps (`| Out-String -Width 32767`).
fn format_list(command: &str, objects: &[Object]) -> String {
    let width = objects.iter().flatten().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut out = format!("{PROMPT}{command}\r\n\r\n");
    for object in objects {
        for (name, value) in object {
            out.push_str(&format!("{name:width$} : {}\r\n", display(value)));
        }
        out.push_str("\r\n");
    }
    out.push_str(&format!("\r\n{PROMPT}\r\n"));
    out
}

/// Format-Table with `-AutoSize`: each column as wide as its widest cell; the last column
/// (where the cases put the hostile value) is not padded.
fn format_table(command: &str, columns: &[&'static str], objects: &[Object]) -> String {
    let cell = |object: &Object, column: &str| {
        object.iter().find(|(name, _)| *name == column).map(|(_, v)| display(v)).unwrap_or_default()
    };
    let widths: Vec<usize> = columns
        .iter()
        .map(|c| objects.iter().map(|o| cell(o, c).chars().count()).max().unwrap_or(0).max(c.len()))
        .collect();
    let line = |cells: Vec<String>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 < cells.len() {
                text.push_str(&format!("{cell}{} ", " ".repeat(widths[i] - cell.chars().count())));
            } else {
                text.push_str(cell);
            }
        }
        text.trim_end_matches(' ').to_owned() + "\r\n"
    };
    let mut out = format!("{PROMPT}{command}\r\n\r\n");
    out.push_str(&line(columns.iter().map(|c| c.to_string()).collect()));
    out.push_str(&line(columns.iter().map(|c| "-".repeat(c.len())).collect()));
    for object in objects {
        out.push_str(&line(columns.iter().map(|c| cell(object, c)).collect()));
    }
    out.push_str(&format!("\r\n\r\n{PROMPT}\r\n"));
    out
}

/// ConvertTo-Json of the selected properties.
fn convert_to_json(objects: &[Object]) -> String {
    let array: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut map = serde_json::Map::new();
            for (name, value) in object {
                map.insert(
                    name.to_string(),
                    match value {
                        PropValue::Text(s) => json!(s),
                        PropValue::List(items) => json!(items),
                        PropValue::Bool(b) => json!(b),
                    },
                );
            }
            Value::Object(map)
        })
        .collect();
    serde_json::to_string_pretty(&array).unwrap()
}

/// Text in Clixml: XML's own escapes, and PowerShell's `_xHHHH_` for the characters XML 1.0
/// cannot carry (and for `_x` itself).
fn clixml_text(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '_' if chars.get(i + 1) == Some(&'x') => out.push_str("_x005F_"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.push_str(&format!("_x{:04X}_", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Export-Clixml: each object with its type names, its `ToString()` and its properties.
fn export_clixml(type_name: &str, to_string: &str, objects: &[Object]) -> String {
    let mut out =
        String::from("<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n");
    let mut ref_id = 0;
    let mut next = || {
        ref_id += 1;
        ref_id
    };
    for object in objects {
        let own = next();
        out.push_str(&format!("  <Obj RefId=\"{own}\">\r\n    <TN RefId=\"{own}\">\r\n      <T>{type_name}</T>\r\n      <T>Microsoft.Exchange.Data.Directory.ADObject</T>\r\n      <T>System.Object</T>\r\n    </TN>\r\n"));
        let shown = object.iter().find(|(n, _)| *n == to_string).map(|(_, v)| display(v)).unwrap_or_default();
        out.push_str(&format!("    <ToString>{}</ToString>\r\n    <Props>\r\n", clixml_text(&shown)));
        for (name, value) in object {
            match value {
                PropValue::Text(s) => out.push_str(&format!("      <S N=\"{name}\">{}</S>\r\n", clixml_text(s))),
                PropValue::Bool(b) => out.push_str(&format!("      <B N=\"{name}\">{b}</B>\r\n")),
                PropValue::List(items) => {
                    let id = next();
                    out.push_str(&format!("      <Obj N=\"{name}\" RefId=\"{id}\">\r\n        <TN RefId=\"{id}\">\r\n          <T>Microsoft.Exchange.Data.MultiValuedProperty`1[[System.String, mscorlib]]</T>\r\n          <T>Microsoft.Exchange.Data.MultiValuedPropertyBase</T>\r\n          <T>System.Object</T>\r\n        </TN>\r\n        <LST>\r\n"));
                    for item in items {
                        out.push_str(&format!("          <S>{}</S>\r\n", clixml_text(item)));
                    }
                    out.push_str("        </LST>\r\n      </Obj>\r\n");
                }
            }
        }
        out.push_str("    </Props>\r\n  </Obj>\r\n");
    }
    out.push_str("</Objs>");
    out
}

/// Export-Csv as Windows PowerShell 5.1 writes it: a `#TYPE` line, then every field quoted.
fn export_csv(type_name: &str, objects: &[Object]) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    let columns: Vec<&str> = objects[0].iter().map(|(n, _)| *n).collect();
    let mut out = format!("#TYPE {type_name}\r\n");
    out.push_str(&columns.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for object in objects {
        let row: Vec<String> = object
            .iter()
            .map(|(_, v)| match v {
                PropValue::List(_) => quote("System.Collections.ArrayList"),
                other => quote(&display(other)),
            })
            .collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    FormatList,
    FormatTable,
    Json,
    Clixml,
    Csv,
    Warning2010,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::FormatList => "Format-List",
            Layout::FormatTable => "Format-Table",
            Layout::Json => "ConvertTo-Json",
            Layout::Clixml => "Export-Clixml",
            Layout::Csv => "Export-Csv",
            Layout::Warning2010 => "Exchange 2010 warning",
        }
    }

    /// True when `value` can be written in this layout as it is. Text layouts cannot carry a
    /// line break, and trim a value's ends.
    fn carries(self, value: &str) -> bool {
        match self {
            Layout::FormatList | Layout::FormatTable | Layout::Warning2010 => {
                !value.contains(['\r', '\n']) && value.trim() == value
            }
            Layout::Json | Layout::Clixml | Layout::Csv => true,
        }
    }
}

/// How one kind of object is written in each layout.
struct ObjectKind {
    cmdlet: &'static str,
    type_name: &'static str,
}

const RECEIVE: ObjectKind = ObjectKind {
    cmdlet: "Get-ReceiveConnector",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",
};
const SEND: ObjectKind = ObjectKind {
    cmdlet: "Get-SendConnector",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
};
const HYBRID: ObjectKind = ObjectKind {
    cmdlet: "Get-HybridConfiguration",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.HybridConfiguration",
};
const CERTIFICATE: ObjectKind = ObjectKind {
    cmdlet: "Get-ExchangeCertificate",
    type_name: "Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate",
};

/// Writes objects of one kind in `layout`; `last` is the column Format-Table puts last.
fn render(kind: &ObjectKind, layout: Layout, objects: &[Object], last: &str) -> String {
    let mut columns: Vec<&'static str> = Vec::new();
    for (name, _) in objects.iter().flatten() {
        if !columns.contains(name) {
            columns.push(name);
        }
    }
    if let Some(at) = columns.iter().position(|c| *c == last) {
        let column = columns.remove(at);
        columns.push(column);
    }
    let selected = columns.join(",");
    match layout {
        Layout::FormatList => format_list(&format!("{} | Format-List {selected}", kind.cmdlet), objects),
        Layout::FormatTable => {
            format_table(&format!("{} | Format-Table {selected} -AutoSize", kind.cmdlet), &columns, objects)
        }
        Layout::Json => convert_to_json(objects),
        Layout::Clixml => export_clixml(
            kind.type_name,
            if kind.cmdlet == "Get-ExchangeCertificate" { "Thumbprint" } else { "Identity" },
            objects,
        ),
        Layout::Csv => export_csv(kind.type_name, objects),
        Layout::Warning2010 => unreachable!("the 2010 warning is written by its own case"),
    }
}

fn file_name(kind: &ObjectKind, layout: Layout) -> String {
    let stem = kind.cmdlet.trim_start_matches("Get-").to_ascii_lowercase();
    let extension = match layout {
        Layout::Json => "json",
        Layout::Clixml => "xml",
        Layout::Csv => "csv",
        _ => "txt",
    };
    format!("{stem}.{extension}")
}

// ---------------------------------------------------------------------------------------------
// Scenarios: pastes that yield commands, with the place where a hostile value goes
// ---------------------------------------------------------------------------------------------

/// The entry the Hybrid Configuration Wizard of Exchange 2013 CU8 wrote (KB 3156771).
const LEGACY_ENTRY: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";

/// The distinguished name of a receive connector, its name escaped as RFC 4514 and Active
/// Directory write it: `,+"\<>;=` and a leading `#` with a backslash, control characters as hex.
fn connector_dn(name: &str, server: &str) -> String {
    let mut escaped = String::new();
    for (i, c) in name.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '#' if i == 0 => escaped.push_str("\\#"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => escaped.push_str(&format!("\\{:02X}", c as u32)),
            c => escaped.push(c),
        }
    }
    format!("CN={escaped},CN=SMTP Receive Connectors,CN=Protocols,CN={server},CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com")
}

/// The certificates of one server, as `Get-ExchangeCertificate` lists them.
fn certificate(server: &str, thumbprint: &str, subject: &str, issuer: &str, smtp: bool) -> Object {
    vec![
        ("Identity", PropValue::Text(format!("{server}\\{thumbprint}"))),
        ("Thumbprint", PropValue::Text(thumbprint.into())),
        ("Subject", PropValue::Text(subject.into())),
        ("Issuer", PropValue::Text(issuer.into())),
        ("NotAfter", PropValue::Text("10/20/2027 11:59:59 PM".into())),
        ("Services", PropValue::Text(if smtp { "IMAP, POP, IIS, SMTP" } else { "IMAP, POP, IIS" }.into())),
        ("Status", PropValue::Text("Valid".into())),
        ("HasPrivateKey", PropValue::Bool(true)),
    ]
}

/// A certificate's dates in JSON as PowerShell 7 writes them.
fn with_dates_for(mut object: Object, layout: Layout) -> Object {
    if layout == Layout::Json {
        for (name, value) in object.iter_mut() {
            if *name == "NotAfter" {
                *value = PropValue::Text("2027-10-20T23:59:59".into());
            }
        }
    }
    object
}

const THUMBPRINT: &str = "6532034B0B6D548EC083621569119191AFC8009C";

/// Where the hostile value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// The receive connector's `Identity`, after `EX01\`.
    ReceiveIdentity,
    /// `Name`, with `Server` beside it (no `Identity`).
    ReceiveName,
    /// The connector's name inside `DistinguishedName` (no `Identity`, `Name` or `Server`).
    ReceiveDn,
    /// The server part of the identity, `<value>\Default Frontend`.
    ReceiveServer,
    /// An entry of `TlsDomainCapabilities` that the fix keeps (beside the stale one).
    CapabilityEntry,
    /// The issuer inside `TlsCertificateName` (restored by the rollback).
    TlsCertificateName,
    CertificateThumbprint,
    CertificateSubject,
    CertificateIssuer,
    /// The server a certificate belongs to (its `Identity` prefix) and the connector's server.
    CertificateServer,
    SendIdentity,
    SendFqdn,
    SendTlsDomain,
    /// `SendingTransportServers` and `ReceivingTransportServers` of the hybrid configuration.
    HybridServers,
    /// The connector name in the Exchange 2010 warning.
    WarningName,
    /// The server part of the identity in the Exchange 2010 warning.
    WarningServer,
    /// The server in the hint of a `certificates-not-pasted` diagnostic.
    HintServer,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::ReceiveIdentity => "receive connector Identity",
            Field::ReceiveName => "receive connector Name + Server",
            Field::ReceiveDn => "receive connector DistinguishedName",
            Field::ReceiveServer => "server part of a receive connector Identity",
            Field::CapabilityEntry => "kept TlsDomainCapabilities entry",
            Field::TlsCertificateName => "TlsCertificateName",
            Field::CertificateThumbprint => "certificate Thumbprint",
            Field::CertificateSubject => "certificate Subject",
            Field::CertificateIssuer => "certificate Issuer",
            Field::CertificateServer => "certificate server",
            Field::SendIdentity => "send connector Identity",
            Field::SendFqdn => "send connector Fqdn",
            Field::SendTlsDomain => "send connector TlsDomain",
            Field::HybridServers => "hybrid configuration transport servers",
            Field::WarningName => "connector name in the 2010 warning",
            Field::WarningServer => "server name in the 2010 warning",
            Field::HintServer => "server name in a diagnostic's hint",
        }
    }

    /// The benign value: it must reach the same commands a real name would.
    fn benign(self) -> &'static str {
        match self {
            Field::ReceiveIdentity | Field::ReceiveName | Field::ReceiveDn | Field::WarningName => "Qz7 Relay",
            Field::ReceiveServer
            | Field::CertificateServer
            | Field::HybridServers
            | Field::WarningServer
            | Field::HintServer => "EXQZ7",
            Field::CapabilityEntry => "Qz7 Partner CA",
            Field::TlsCertificateName => "Qz7 Old CA",
            Field::CertificateThumbprint => THUMBPRINT,
            Field::CertificateSubject => "Qz7 Contoso Ltd",
            Field::CertificateIssuer => "Qz7 Issuing CA",
            Field::SendIdentity => "Qz7 Outbound to Office 365",
            Field::SendFqdn | Field::SendTlsDomain => "qz7.contoso.com",
        }
    }

    /// Whether the field's value is part of some command (else the commands must not change).
    fn reaches_commands(self) -> bool {
        !matches!(self, Field::CertificateSubject | Field::CertificateIssuer | Field::SendFqdn)
    }

    /// Whether the field names the object a command acts on (`-Identity`), where wildcards matter.
    fn is_identity(self) -> bool {
        matches!(
            self,
            Field::ReceiveIdentity
                | Field::ReceiveName
                | Field::ReceiveDn
                | Field::ReceiveServer
                | Field::SendIdentity
                | Field::WarningName
                | Field::WarningServer
        )
    }

    /// The value as the field holds it: a thumbprint has 40 characters (shorter values are
    /// padded, so that they reach the command that takes only whole thumbprints).
    fn value(self, payload: &str) -> String {
        if self == Field::CertificateThumbprint && payload.len() < 40 {
            format!("{payload}{}", "A".repeat(40 - payload.len()))
        } else {
            payload.to_owned()
        }
    }

    /// The value as it must appear inside a command's string: thumbprints in upper case, `:`
    /// doubled inside a certificate key of `TlsDomainCapabilities` (as Exchange prints it).
    fn intended(self, value: &str) -> String {
        match self {
            Field::CertificateThumbprint => value.to_ascii_uppercase(),
            Field::CapabilityEntry => value.replace(':', "::"),
            _ => value.to_owned(),
        }
    }

    /// Values that the field's own grammar cannot hold unambiguously in `layout`, so that no
    /// reader could recover them (a list item with `, ` in `{a, b}`, a server name with `\`).
    fn holds(self, layout: Layout, value: &str) -> bool {
        let lower = value.to_ascii_lowercase();
        let list_display = matches!(layout, Layout::FormatList | Layout::FormatTable);
        match self {
            Field::ReceiveServer | Field::CertificateServer | Field::WarningServer | Field::HintServer => {
                !value.contains('\\')
            }
            Field::HybridServers => {
                !value.contains('\\') && !(list_display && (value.contains(", ") || value.contains(['{', '}'])))
            }
            Field::CapabilityEntry => {
                !lower.contains("<i>")
                    && !lower.contains("<s>")
                    && !(list_display && (value.contains(", ") || value.contains(['{', '}'])))
                    && !lower.contains("msit")
            }
            Field::TlsCertificateName | Field::CertificateSubject | Field::CertificateIssuer => {
                !lower.contains("<i>") && !lower.contains("<s>")
            }
            Field::WarningName => !value.contains(" has been corrupted"),
            _ => true,
        }
    }
}

/// One field in one layout.
struct Case {
    field: Field,
    layout: Layout,
}

impl Case {
    fn name(&self) -> String {
        format!("{} in {}", self.field.name(), self.layout.name())
    }

    /// The paste with `value` in the field, or `None` when the layout cannot carry it.
    fn build(&self, value: &str) -> Option<Inputs> {
        if !self.layout.carries(value) || !self.field.holds(self.layout, value) {
            return None;
        }
        Some(build(self.field, self.layout, value))
    }
}

/// Every field in every layout that shows it.
fn cases() -> Vec<Case> {
    use Field::*;
    use Layout::*;
    let table: [(Field, &[Layout]); 17] = [
        (ReceiveIdentity, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (ReceiveName, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (ReceiveDn, &[FormatList, Json, Clixml, Csv]),
        (ReceiveServer, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CapabilityEntry, &[FormatList, FormatTable, Json, Clixml]),
        (TlsCertificateName, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateThumbprint, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateSubject, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateIssuer, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateServer, &[FormatList, Json, Clixml, Csv]),
        (SendIdentity, &[FormatList, FormatTable, Json, Clixml]),
        (SendFqdn, &[FormatList, FormatTable, Json, Clixml]),
        (SendTlsDomain, &[FormatList, FormatTable, Json, Clixml]),
        (HybridServers, &[FormatList, Json, Clixml]),
        (WarningName, &[Warning2010]),
        (WarningServer, &[Warning2010]),
        (HintServer, &[FormatList, Json, Clixml]),
    ];
    table.iter().flat_map(|(field, layouts)| layouts.iter().map(|&layout| Case { field: *field, layout })).collect()
}

/// The paste of one case with `value` in its field.
fn build(field: Field, layout: Layout, value: &str) -> Inputs {
    use Field::*;
    match field {
        ReceiveIdentity | ReceiveName | ReceiveDn | ReceiveServer | CapabilityEntry => {
            // A connector with the stale entry of KB 3156771 beside a partner's entry: the fix
            // replaces the stale entry, keeps the partner's and names the connector.
            let (identity, name, server) = match field {
                ReceiveServer => {
                    (format!("{value}\\Default Frontend"), "Default Frontend".to_owned(), value.to_owned())
                }
                CapabilityEntry => {
                    ("EX01\\Default Frontend EX01".into(), "Default Frontend EX01".into(), "EX01".into())
                }
                _ => (format!("EX01\\{value}"), value.to_owned(), "EX01".to_owned()),
            };
            let partner = if field == CapabilityEntry { field.intended(value) } else { "Qz7 Partner CA".into() };
            let entries = vec![
                LEGACY_ENTRY.to_owned(),
                format!("<I>CN={partner}, O=Fabrikam<S>CN=mail.fabrikam.example:AcceptOorgProtocol"),
            ];
            let mut object: Object = match field {
                ReceiveName => vec![("Server", PropValue::Text(server.clone())), ("Name", PropValue::Text(name))],
                ReceiveDn => vec![("DistinguishedName", PropValue::Text(connector_dn(&name, &server)))],
                _ => vec![("Identity", PropValue::Text(identity))],
            };
            if layout == Layout::Csv {
                // Export-Csv loses the list; the connector still reaches commands through the
                // certificate its TlsCertificateName names (see `renewal`).
                return renewal(layout, object, &server, "CN=Contoso Old CA, O=Contoso");
            }
            object.push(("TlsDomainCapabilities", PropValue::List(entries)));
            let last = match field {
                ReceiveName => "Name",
                CapabilityEntry => "TlsDomainCapabilities",
                _ => "Identity",
            };
            vec![(file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[object], last).into_bytes())]
        }
        TlsCertificateName => {
            let object = vec![("Identity", PropValue::Text("EX01\\Default Frontend EX01".into()))];
            renewal(layout, object, "EX01", &format!("CN={value}, O=Contoso"))
        }
        CertificateThumbprint | CertificateSubject | CertificateIssuer | CertificateServer => {
            // A connector names a certificate that is not enabled for SMTP: the fix enables it.
            let server = if field == CertificateServer { value } else { "EX01" };
            let thumbprint = if field == CertificateThumbprint { value } else { THUMBPRINT };
            let subject = if field == CertificateSubject {
                format!("CN=mail.contoso.com, O={value}")
            } else {
                "CN=mail.contoso.com, O=Contoso Ltd".into()
            };
            let issuer = if field == CertificateIssuer {
                format!("CN={value}, O=DigiCert Inc")
            } else {
                "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc".into()
            };
            let connector: Object = vec![
                ("Identity", PropValue::Text(format!("{server}\\Default Frontend"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text(format!("<I>{issuer}<S>{subject}"))),
            ];
            let last = match field {
                CertificateThumbprint => "Thumbprint",
                CertificateSubject => "Subject",
                CertificateIssuer => "Issuer",
                _ => "Identity",
            };
            let certificates = [with_dates_for(certificate(server, thumbprint, &subject, &issuer, false), layout)];
            let connector_layout = if layout == Layout::FormatTable { Layout::FormatList } else { layout };
            vec![
                (
                    file_name(&RECEIVE, connector_layout),
                    render(&RECEIVE, connector_layout, &[connector], "").into_bytes(),
                ),
                (file_name(&CERTIFICATE, layout), render(&CERTIFICATE, layout, &certificates, last).into_bytes()),
            ]
        }
        SendIdentity | SendFqdn | SendTlsDomain => {
            // The send connector to Exchange Online with three settings wrong.
            let pick = |own: Field, default: &str| if field == own { value.to_owned() } else { default.to_owned() };
            let object: Object = vec![
                ("Identity", PropValue::Text(pick(SendIdentity, "Outbound to Office 365"))),
                ("AddressSpaces", PropValue::List(vec!["smtp:contoso.mail.onmicrosoft.com;1".into()])),
                ("SmartHosts", PropValue::List(Vec::new())),
                ("Fqdn", PropValue::Text(pick(SendFqdn, "mail.contoso.com"))),
                ("RequireTLS", PropValue::Bool(false)),
                ("TlsAuthLevel", PropValue::Text("DomainValidation".into())),
                ("TlsDomain", PropValue::Text(pick(SendTlsDomain, "contoso.com"))),
                (
                    "TlsCertificateName",
                    PropValue::Text(
                        "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc<S>CN=mail.contoso.com".into(),
                    ),
                ),
                ("CloudServicesMailEnabled", PropValue::Bool(false)),
            ];
            let last = match field {
                SendFqdn => "Fqdn",
                SendTlsDomain => "TlsDomain",
                _ => "Identity",
            };
            vec![(file_name(&SEND, layout), render(&SEND, layout, &[object], last).into_bytes())]
        }
        HybridServers => {
            // The hybrid configuration names a certificate its server no longer has; the server
            // has a renewed one: the fix points the setting at it.
            let hybrid: Object = vec![
                ("Identity", PropValue::Text("Hybrid Configuration".into())),
                ("ReceivingTransportServers", PropValue::List(vec![value.into()])),
                ("SendingTransportServers", PropValue::List(vec![value.into()])),
                ("TlsCertificateName", PropValue::Text("<I>CN=Contoso Old CA, O=Contoso<S>CN=mail.contoso.com".into())),
            ];
            let certificates = [with_dates_for(
                certificate(value, THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true),
                layout,
            )];
            vec![
                (file_name(&HYBRID, layout), render(&HYBRID, layout, &[hybrid], "").into_bytes()),
                (file_name(&CERTIFICATE, layout), render(&CERTIFICATE, layout, &certificates, "").into_bytes()),
            ]
        }
        WarningName | WarningServer => {
            let identity =
                if field == WarningName { format!("EX2013\\{value}") } else { format!("{value}\\Default Frontend") };
            let text = format!(
                "{PROMPT}Get-ReceiveConnector\r\n\r\nIdentity                                 Bindings                                 Enabled\r\n--------                                 --------                                 -------\r\nEX2010\\Default EX2010                    {{0.0.0.0:25}}                             True\r\nWARNING: The object {identity} has been corrupted, and it's in an inconsistent state. The following validation errors happened:\r\nWARNING: Could not convert property TlsDomainCapabilities to type SmtpReceiveDomainCapabilities. Error while converting string 'mail.protection.outlook.com:512:<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US'.\r\nEX2010\\Client EX2010                     {{0.0.0.0:587}}                            True\r\n\r\n\r\n{PROMPT}\r\n"
            );
            vec![("receiveconnector.txt".into(), text.into_bytes())]
        }
        HintServer => {
            // A connector names a certificate, and the paste has no certificates of its server:
            // the diagnostic says which command to run for them.
            let object: Object = vec![
                ("Identity", PropValue::Text(format!("{value}\\Default Frontend"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text("<I>CN=Contoso CA, O=Contoso<S>CN=mail.contoso.com".into())),
            ];
            vec![(file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[object], "Identity").into_bytes())]
        }
    }
}

/// A connector that names a certificate its server no longer has (`issuer`), and the server's
/// renewed certificate: the fix points `TlsCertificateName` at it, the rollback restores the old
/// name. The certificates are pasted as Format-List beside the connector.
fn renewal(layout: Layout, mut connector: Object, server: &str, issuer: &str) -> Inputs {
    connector.push(("TlsCertificateName", PropValue::Text(format!("<I>{issuer}<S>CN=mail.contoso.com"))));
    if layout != Layout::Csv {
        connector.push((
            "TlsDomainCapabilities",
            PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
        ));
    }
    let certificates = [certificate(server, THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true)];
    vec![
        (file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[connector], "TlsCertificateName").into_bytes()),
        (
            file_name(&CERTIFICATE, Layout::FormatList),
            render(&CERTIFICATE, Layout::FormatList, &certificates, "").into_bytes(),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Reading the report
// ---------------------------------------------------------------------------------------------

/// The date the fixtures use, so that certificate lifetimes do not change from day to day.
fn options() -> Options {
    Options { today: Date::new(2026, 11, 28), ..Options::default() }
}

/// The JSON form of the report, the contract this suite reads (not the Rust types).
fn report_of(inputs: &Inputs) -> Value {
    let report = check_with(
        inputs.iter().map(|(name, bytes)| Input { name, data: InputData::Bytes(bytes.as_slice().into()) }).collect(),
        &options(),
    );
    serde_json::to_value(&report).unwrap()
}

/// One command of the report, tokenized.
struct Command {
    /// Where the report holds it, e.g. `finding 0 (legacy-exo-tls-capability) fix`.
    place: String,
    text: String,
    tokens: Vec<Token>,
}

/// The text of one command: a string, or (once commands are typed) an object holding it.
fn command_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Object(map) => ["text", "code", "command", "script"]
            .iter()
            .find_map(|key| map.get(*key).and_then(Value::as_str))
            .map(str::to_owned),
        _ => None,
    }
}

/// Every command of the report: each finding's fix, verify and rollback commands, and the
/// commands of diagnostics when the report has them. A command may be a block of several lines.
fn commands(report: &Value) -> Vec<Command> {
    let mut out = Vec::new();
    let mut add = |place: String, list: Option<&Value>| {
        for item in list.and_then(Value::as_array).into_iter().flatten() {
            let text = command_text(item).unwrap_or_else(|| format!("<unreadable command {item}>"));
            let tokens = tokenize(&text);
            out.push(Command { place: place.clone(), text, tokens });
        }
    };
    for (n, finding) in report["findings"].as_array().into_iter().flatten().enumerate() {
        let rule = finding["rule"].as_str().unwrap_or("?");
        for part in ["commands", "verify", "rollback"] {
            add(format!("finding {n} ({rule}) {part}"), finding["remediation"].get(part));
        }
    }
    for (n, diagnostic) in report["diagnostics"].as_array().into_iter().flatten().enumerate() {
        let code = diagnostic["code"].as_str().unwrap_or("?");
        add(format!("diagnostic {n} ({code})"), diagnostic.get("commands"));
    }
    out
}

fn has_diagnostic(report: &Value, code: &str) -> bool {
    report["diagnostics"].as_array().into_iter().flatten().any(|d| d["code"] == code)
}

/// Everything the report says to people: messages, notes, hints (to look for a warning).
fn prose(report: &Value) -> String {
    let mut text = String::new();
    for finding in report["findings"].as_array().into_iter().flatten() {
        text.push_str(finding["message"].as_str().unwrap_or(""));
        for note in finding["remediation"]["notes"].as_array().into_iter().flatten() {
            text.push_str(note.as_str().unwrap_or(""));
        }
        text.push_str(finding["remediation"]["preferred"].as_str().unwrap_or(""));
    }
    for diagnostic in report["diagnostics"].as_array().into_iter().flatten() {
        text.push_str(diagnostic["message"].as_str().unwrap_or(""));
        text.push_str(diagnostic["hint"].as_str().unwrap_or(""));
    }
    text
}

/// The code tokens (not verbatim strings, not comments) the checker prints for benign pastes.
type Vocabulary = BTreeSet<(Kind, String)>;

fn code_tokens(tokens: &[Token]) -> impl Iterator<Item = &Token> {
    tokens.iter().filter(|t| !t.is_verbatim() && t.kind != Kind::Comment)
}

/// A variable the checker names itself (`$hcBefore1`, `$cert`, `$true`): letters and digits only.
fn is_plain_variable(token: &Token) -> bool {
    token.kind == Kind::Variable
        && token.text.len() > 1
        && token.text[1..].chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// ---------------------------------------------------------------------------------------------
// Failures, grouped by the defect classes of issue 12
// ---------------------------------------------------------------------------------------------

const CLASS_BOM: &str = "12.1 the ps1 script is read differently by Windows PowerShell 5.1 (no byte-order mark)";
const CLASS_HINT: &str = "12.2 a command exists only inside hint prose (no structured `commands`)";
const CLASS_CONTROL_OUTPUT: &str = "12.3 raw control, bidirectional or format characters in text or Markdown output";
const CLASS_INVISIBLE: &str =
    "12.4 invisible or format characters reach a command or a script comment, or are not refused";
const CLASS_NO_DIAGNOSTIC: &str =
    "12.4 a value with invisible or format characters is refused, but without an `unsafe-identity` diagnostic";
const CLASS_WARNING_LIST: &str = "12.5 the Exchange 2010 warning's one value names the whole list";
const CLASS_AMBIGUOUS: &str = "12.6 a command names an identity that is not one object";
const CLASS_WRAP: &str = "12.7 a space guessed at a wrap reaches a command";
const CLASS_NOT_WHOLE: &str = "12.8 an identity that is not whole (cut cell, DN escapes) reaches a command";
const CLASS_DROPPED: &str = "12.9 list entries or capability bits dropped from a fix";
const CLASS_WILDCARD: &str = "12.10 a wildcard identity gets a command without a word about it";
const CLASS_ERROR_ACTION: &str = "12.11 a value is read with Get- without -ErrorAction Stop before a Set-";
const CLASS_CHANGED: &str =
    "12.0 a command's code or string differs from the intended one (injection or altered value)";
const CLASS_BASE: &str = "base case yields no command with the benign value (the suite would pass vacuously)";

struct Failure {
    class: &'static str,
    case: String,
    payload: String,
    detail: String,
}

#[derive(Default)]
struct Failures(Vec<Failure>);

impl Failures {
    fn add(&mut self, class: &'static str, case: &str, payload: &str, detail: String) {
        self.0.push(Failure { class, case: case.to_owned(), payload: payload.to_owned(), detail });
    }

    /// Panics with the failures grouped by class: a count, the cases affected, a few examples.
    fn assert_none(self, what: &str, checked: usize) {
        if self.0.is_empty() {
            return;
        }
        let mut by_class: BTreeMap<&str, Vec<&Failure>> = BTreeMap::new();
        for failure in &self.0 {
            by_class.entry(failure.class).or_default().push(failure);
        }
        let mut message = format!("{} of {checked} {what} failed:\n", self.0.len());
        for (class, failures) in by_class {
            let mut cases: BTreeMap<&str, usize> = BTreeMap::new();
            for f in &failures {
                *cases.entry(f.case.as_str()).or_default() += 1;
            }
            message.push_str(&format!("\n{class}: {} failing\n", failures.len()));
            let listed: Vec<String> = cases.iter().map(|(case, n)| format!("{case} ({n})")).collect();
            message.push_str(&format!("  where: {}\n", short(&listed.join("; "), 600)));
            for f in failures.iter().take(4) {
                message.push_str(&format!("  - {} × {}: {}\n", f.case, f.payload, short(&f.detail, 300)));
            }
        }
        if let Some(wanted) = std::env::var_os("HOSTILE_VERBOSE") {
            // `HOSTILE_VERBOSE=12.4` lists every failure of the classes that start so.
            let wanted = wanted.to_string_lossy().into_owned();
            for f in self.0.iter().filter(|f| f.class.starts_with(&wanted)) {
                eprintln!("{} | {} × {}: {}", f.class, f.case, f.payload, short(&f.detail, 400));
            }
        }
        panic!("{message}");
    }
}

/// Text for a failure message: invisible characters escaped, long text cut.
fn short(text: &str, limit: usize) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| {
            if is_unprintable(c) || (c as u32) > 0x7E && !c.is_alphanumeric() && !c.is_ascii() {
                format!("\\u{{{:x}}}", c as u32).chars().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if escaped.chars().count() > limit {
        format!("{}…", escaped.chars().take(limit).collect::<String>())
    } else {
        escaped
    }
}

// ---------------------------------------------------------------------------------------------
// Judging one hostile report against the benign one
// ---------------------------------------------------------------------------------------------

/// The benign report of a case, read once.
struct Baseline {
    report: Value,
    commands: Vec<Command>,
    /// Benign strings that do not hold the benign value (constants such as the stale pattern).
    constants: BTreeSet<String>,
}

/// Checks that every token is code the checker prints for benign pastes, or a verbatim string
/// from `allowed`: what a report may hold when it names less than the benign one did.
fn only_known_code(commands: &[Command], vocabulary: &Vocabulary, allowed: &BTreeSet<String>) -> Result<(), String> {
    for command in commands {
        for token in &command.tokens {
            if token.kind == Kind::Comment || token.kind == Kind::NewLine {
                continue;
            }
            if token.is_verbatim() {
                let value = token.value.as_deref().unwrap_or_default();
                if !allowed.contains(value) {
                    return Err(format!(
                        "{}: string {:?} is not an intended value in `{}`",
                        command.place, value, command.text
                    ));
                }
            } else if !vocabulary.contains(&(token.kind, token.text.clone())) && !is_plain_variable(token) {
                return Err(format!(
                    "{}: code `{}` ({:?}) is not the checker's in `{}`",
                    command.place, token.text, token.kind, command.text
                ));
            }
        }
    }
    Ok(())
}

/// The class a changed string falls in, by where the value was.
fn class_of_change(field: Field) -> &'static str {
    match field {
        Field::CapabilityEntry => CLASS_DROPPED,
        _ => CLASS_CHANGED,
    }
}

/// Checks the paste of `case` with `payload` in its field and records what is wrong.
fn judge(case: &Case, payload: &Payload, baseline: &Baseline, vocabulary: &Vocabulary, failures: &mut Failures) {
    let value = case.field.value(&payload.text);
    let Some(inputs) = case.build(&value) else { return };
    let report = report_of(&inputs);
    if let Some((class, detail)) = verdict(case.field, &value, baseline, &report, vocabulary) {
        failures.add(class, &case.name(), &payload.name, detail);
    }
}

/// What is wrong with the commands of `report`, made with `value` in `field`, or `None`.
fn verdict(
    field: Field,
    value: &str,
    baseline: &Baseline,
    report: &Value,
    vocabulary: &Vocabulary,
) -> Option<(&'static str, String)> {
    let hostile = commands(report);
    // A distinguished name escapes some characters (RFC 4514); a value that holds them tests
    // whether the escapes are decoded (issue 12.8).
    let escaped_in_dn = field == Field::ReceiveDn
        && (value.starts_with('#')
            || value.chars().any(|c| (c as u32) < 0x20 || c == '\u{7f}' || ",+\"\\<>;=".contains(c)));
    let fail = |class: &'static str, detail: String| {
        Some((if escaped_in_dn && class == CLASS_CHANGED { CLASS_NOT_WHOLE } else { class }, detail))
    };
    let benign_value = field.intended(field.benign());
    let intended = field.intended(value);
    for command in &hostile {
        if let Some(error) = command.tokens.iter().find(|t| t.kind == Kind::Error) {
            return fail(
                CLASS_CHANGED,
                format!("{}: unreadable at `{}` in `{}`", command.place, error.text, command.text),
            );
        }
    }
    let treatment = treatment_of(&intended);
    let named = hostile.iter().any(|c| literals(&c.tokens).iter().any(|l| l.contains(&intended)));
    if treatment == Treatment::Refuse {
        let refused = refused_chars(&intended);
        for command in &hostile {
            let reached = command
                .tokens
                .iter()
                .filter(|t| t.kind != Kind::NewLine)
                .find(|t| t.value.as_deref().unwrap_or(&t.text).contains(refused.as_slice()));
            if let Some(token) = reached {
                return fail(
                    CLASS_INVISIBLE,
                    format!("{}: `{}` holds {:?}", command.place, short(&token.text, 120), refused),
                );
            }
        }
        // What remains must not name the value in another form (a character dropped, say).
        if let Err(detail) = only_known_code(&hostile, vocabulary, &baseline.constants) {
            return fail(CLASS_CHANGED, detail);
        }
        // The diagnostic is due when the object was read (its findings are there); a paste the
        // checker could not read at all names nothing, which is safe.
        let read = rules(&baseline.report).iter().all(|rule| rules(report).contains(rule));
        if field.reaches_commands() && read && !has_diagnostic(report, "unsafe-identity") {
            return fail(CLASS_NO_DIAGNOSTIC, format!("no unsafe-identity diagnostic for a value with {refused:?}"));
        }
        return None;
    }
    if treatment == Treatment::Either && !named && has_diagnostic(report, "unsafe-identity") {
        return only_known_code(&hostile, vocabulary, &baseline.constants).err().and_then(|d| fail(CLASS_CHANGED, d));
    }
    let same_shape = hostile.len() == baseline.commands.len()
        && hostile.iter().zip(&baseline.commands).all(|(h, b)| shape(&h.tokens) == shape(&b.tokens));
    if same_shape {
        for (h, b) in hostile.iter().zip(&baseline.commands) {
            for (got, benign) in literals(&h.tokens).iter().zip(literals(&b.tokens)) {
                let want = benign.replace(&benign_value, &intended);
                if *got != want {
                    return fail(
                        class_of_change(field),
                        format!("{}: string {:?}, intended {:?}", h.place, short(got, 150), short(&want, 150)),
                    );
                }
            }
        }
    } else {
        // The checker named less than for the benign value (it filtered on the server, or
        // refused): what remains must be its own code and intended strings.
        let mut allowed: BTreeSet<String> = baseline
            .commands
            .iter()
            .flat_map(|c| literals(&c.tokens))
            .map(|literal| literal.replace(&benign_value, &intended))
            .collect();
        allowed.extend(baseline.constants.iter().cloned());
        if let Err(detail) = only_known_code(&hostile, vocabulary, &allowed) {
            return fail(class_of_change(field), detail);
        }
    }
    if field.is_identity()
        && named
        && intended.contains(['*', '?', '['])
        && !prose(report).to_ascii_lowercase().contains("wildcard")
    {
        let place =
            hostile.iter().find(|c| literals(&c.tokens).iter().any(|l| l.contains(&intended))).map(|c| c.text.clone());
        return fail(
            CLASS_WILDCARD,
            format!("`{}` and no word about wildcards", short(&place.unwrap_or_default(), 150)),
        );
    }
    None
}

/// The rule of each finding, in order.
fn rules(report: &Value) -> Vec<String> {
    report["findings"].as_array().into_iter().flatten().map(|f| f["rule"].as_str().unwrap_or("").to_owned()).collect()
}

/// Checks on a benign report that do not depend on the value: the 2010 warning's one value
/// must not become a whole list (12.5), a value read for a later `Set-` must be read with
/// `-ErrorAction Stop` (12.11), and a command in a hint must be structured data (12.2).
fn judge_benign(case: &Case, report: &Value, baseline: &Baseline, failures: &mut Failures) {
    let name = case.name();
    let benign = case.field.intended(case.field.benign());
    for command in &baseline.commands {
        let tokens: Vec<&Token> = without_comments(&command.tokens);
        if case.layout == Layout::Warning2010 {
            for pair in tokens.windows(2) {
                if pair[0].kind == Kind::Parameter
                    && pair[0].text.eq_ignore_ascii_case("-TlsDomainCapabilities")
                    && pair[1].is_verbatim()
                {
                    failures.add(
                        CLASS_WARNING_LIST,
                        &name,
                        "benign",
                        format!("{}: `{}`", command.place, short(&command.text, 200)),
                    );
                }
            }
        }
        for statement in tokens.split(|t| t.kind == Kind::NewLine || (t.kind == Kind::Punctuator && t.text == ";")) {
            let assigns = statement.len() > 2 && statement[0].kind == Kind::Variable && statement[1].text == "=";
            let gets = statement
                .iter()
                .any(|t| t.kind == Kind::CommandName && t.text.to_ascii_lowercase().starts_with("get-"));
            let stops = statement.windows(2).any(|w| {
                w[0].kind == Kind::Parameter
                    && w[0].text.eq_ignore_ascii_case("-ErrorAction")
                    && w[1].text.eq_ignore_ascii_case("Stop")
            });
            if assigns && gets && !stops {
                let text: Vec<&str> = statement.iter().map(|t| t.text.as_str()).collect();
                failures.add(
                    CLASS_ERROR_ACTION,
                    &name,
                    "benign",
                    format!("{}: `{}`", command.place, short(&text.join(" "), 200)),
                );
            }
        }
    }
    for (n, diagnostic) in report["diagnostics"].as_array().into_iter().flatten().enumerate() {
        let hint = diagnostic["hint"].as_str().unwrap_or("");
        let in_code = hint.split('`').skip(1).step_by(2).any(|code| code.contains(&benign));
        let structured = diagnostic
            .get("commands")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().filter_map(command_text).any(|c| c.contains(&benign)));
        if in_code && !structured {
            failures.add(
                CLASS_HINT,
                &name,
                "benign",
                format!("diagnostic {n} ({}): {}", diagnostic["code"], short(hint, 200)),
            );
        }
    }
}

fn without_comments(tokens: &[Token]) -> Vec<&Token> {
    tokens.iter().filter(|t| t.kind != Kind::Comment).collect()
}

/// Pastes whose commands show code the checker prints only on other routes, read for the
/// vocabulary only: a list cut with `...` (fixed by filtering on the server), and in every case
/// the benign value made into one that is refused, one with a wildcard, one with a no-break
/// space and one cut with `...`. None of these values holds a quote or any other character
/// that could end a string, so the code of their commands is the checker's own.
fn vocabulary_inputs(cases: &[Case]) -> Vec<Inputs> {
    let cut = format!(
        "{PROMPT}Get-ReceiveConnector | Format-List Identity,TlsDomainCapabilities\r\n\r\nIdentity              : EX01\\Default Frontend EX01\r\nTlsDomainCapabilities : {{{LEGACY_ENTRY}, mail.fabrikam.example:AcceptOorgProtocol...}}\r\n\r\n"
    );
    // A hybrid configuration without its transport servers: its hint's command is the checker's own.
    let hybrid = format!(
        "{PROMPT}Get-HybridConfiguration | Format-List TlsCertificateName\r\n\r\nTlsCertificateName : <I>CN=Contoso CA<S>CN=mail.contoso.com\r\n\r\n"
    );
    let mut inputs = vec![vec![("cut.txt".into(), cut.into_bytes())], vec![("hybrid.txt".into(), hybrid.into_bytes())]];
    for case in cases {
        let benign = case.field.benign();
        for probe in
            [format!("{benign}\u{200B}x"), format!("{benign}*"), format!("{benign}\u{A0}x"), format!("{benign}...")]
        {
            inputs.extend(case.build(&case.field.value(&probe)));
        }
    }
    inputs
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn the_payload_list_is_large_and_well_formed() {
    let payloads = payloads();
    assert!(payloads.len() >= 200, "only {} payloads", payloads.len());
    for payload in &payloads {
        // A value that starts or ends with white space would be trimmed by every layout, and
        // the suite could not say what the intended value is.
        assert_eq!(payload.text.trim(), payload.text, "{} starts or ends with white space", payload.name);
    }
    let names: BTreeSet<&str> = payloads.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), payloads.len(), "payload names must be unique");
}

/// A report with one finding whose fix is `fixes`, and diagnostics with these codes and notes.
fn made_up_report(fixes: &[&str], diagnostics: &[&str], note: &str) -> Value {
    json!({
        "findings": [{
            "rule": "legacy-exo-tls-capability",
            "message": "",
            "remediation": { "commands": fixes, "verify": [], "rollback": [], "notes": [note] },
        }],
        "diagnostics": diagnostics.iter().map(|code| json!({ "code": code, "message": "", "hint": "" })).collect::<Vec<_>>(),
    })
}

/// The verdict itself must fail on what it exists to catch; reports made up by hand.
#[test]
fn the_verdict_catches_injection_altered_values_and_unrefused_characters() {
    let benign =
        made_up_report(&["Set-ReceiveConnector -Identity 'EX01\\Qz7 Relay' -TlsDomainCapabilities 'a','b'"], &[], "");
    let commands_b = commands(&benign);
    let vocabulary: Vocabulary =
        commands_b.iter().flat_map(|c| code_tokens(&c.tokens).map(|t| (t.kind, t.text.clone()))).collect();
    let baseline =
        Baseline { report: benign.clone(), commands: commands_b, constants: ["a".into(), "b".into()].into() };
    let fix = |identity: &str| format!("Set-ReceiveConnector -Identity {identity} -TlsDomainCapabilities 'a','b'");
    let verdict_of = |value: &str, report: Value| {
        verdict(Field::ReceiveIdentity, value, &baseline, &report, &vocabulary).map(|v| v.0)
    };
    // Quoted right: no verdict.
    assert_eq!(verdict_of("O'Neil", made_up_report(&[&fix("'EX01\\O''Neil'")], &[], "")), None);
    assert_eq!(verdict_of("a\u{2019}b", made_up_report(&[&fix("'EX01\\a\u{2019}\u{2019}b'")], &[], "")), None);
    // A quote not doubled ends the string early: the code changes.
    assert_eq!(verdict_of("x'; calc; '", made_up_report(&[&fix("'EX01\\x'; calc; ''")], &[], "")), Some(CLASS_CHANGED));
    assert_eq!(verdict_of("a\u{2019}b", made_up_report(&[&fix("'EX01\\a\u{2019}b'")], &[], "")), Some(CLASS_CHANGED));
    // A value changed inside its string (a space lost) names another object.
    assert_eq!(verdict_of("Relay  X", made_up_report(&[&fix("'EX01\\Relay X'")], &[], "")), Some(CLASS_CHANGED));
    // A refused character: never in a command, always with the diagnostic.
    assert_eq!(
        verdict_of("a\u{202E}b", made_up_report(&[&fix("'EX01\\a\u{202E}b'")], &["unsafe-identity"], "")),
        Some(CLASS_INVISIBLE)
    );
    assert_eq!(verdict_of("a\u{202E}b", made_up_report(&[], &[], "")), Some(CLASS_NO_DIAGNOSTIC));
    // A refused character dropped instead: the command names another object.
    assert_eq!(
        verdict_of("Relay\0X", made_up_report(&[&fix("'EX01\\RelayX'")], &["unsafe-identity"], "")),
        Some(CLASS_CHANGED)
    );
    assert_eq!(verdict_of("a\u{202E}b", made_up_report(&[], &["unsafe-identity"], "")), None);
    // A wildcard: named only with a word about it.
    assert_eq!(verdict_of("Relay*", made_up_report(&[&fix("'EX01\\Relay*'")], &[], "")), Some(CLASS_WILDCARD));
    assert_eq!(
        verdict_of("Relay*", made_up_report(&[&fix("'EX01\\Relay*'")], &[], "The identity holds a wildcard.")),
        None
    );
    // Naming less than the benign report is fine as long as nothing but known code remains.
    assert_eq!(verdict_of("Relay", made_up_report(&[], &[], "")), None);
    assert_eq!(
        verdict_of("Relay", made_up_report(&["Remove-ReceiveConnector -Identity 'EX01\\Relay'"], &[], "")),
        Some(CLASS_CHANGED)
    );
}

#[test]
fn hostile_values_in_every_field_and_layout() {
    let cases = cases();
    let payloads = payloads();
    let mut failures = Failures::default();
    let mut vocabulary = Vocabulary::new();
    let mut baselines = Vec::new();
    for case in &cases {
        let inputs = case.build(case.field.benign()).expect("the benign value fits every layout");
        let report = report_of(&inputs);
        let commands = commands(&report);
        let benign = case.field.intended(case.field.benign());
        let all_literals: Vec<String> = commands.iter().flat_map(|c| literals(&c.tokens)).collect();
        if commands.is_empty() {
            // A hint's commands are checked by `judge_benign`.
            if case.field != Field::HintServer {
                failures.add(CLASS_BASE, &case.name(), "benign", "no command at all".into());
            }
        } else if case.field.reaches_commands() && !all_literals.iter().any(|l| l.contains(&benign)) {
            failures.add(
                CLASS_BASE,
                &case.name(),
                "benign",
                format!("no command holds {benign:?}: {:?}", commands.iter().map(|c| &c.text).collect::<Vec<_>>()),
            );
        }
        for command in &commands {
            if let Some(error) = command.tokens.iter().find(|t| t.kind == Kind::Error) {
                failures.add(
                    CLASS_BASE,
                    &case.name(),
                    "benign",
                    format!("unreadable at `{}` in `{}`", error.text, command.text),
                );
            }
            vocabulary.extend(code_tokens(&command.tokens).map(|t| (t.kind, t.text.clone())));
        }
        let constants = all_literals.into_iter().filter(|l| !l.contains(&benign)).collect();
        let baseline = Baseline { report: report.clone(), commands, constants };
        judge_benign(case, &report, &baseline, &mut failures);
        baselines.push(baseline);
    }
    // The checker's own strings on those routes (a guard's message, a filter's pattern): literals
    // that the paste does not hold, so they cannot carry a value from it.
    let mut own_strings: BTreeSet<String> = BTreeSet::new();
    for inputs in vocabulary_inputs(&cases) {
        let pasted: Vec<String> = inputs.iter().map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned()).collect();
        for command in commands(&report_of(&inputs)) {
            vocabulary.extend(code_tokens(&command.tokens).map(|t| (t.kind, t.text.clone())));
            own_strings.extend(
                literals(&command.tokens).into_iter().filter(|l| !pasted.iter().any(|p| p.contains(l.as_str()))),
            );
        }
    }
    for baseline in &mut baselines {
        baseline.constants.extend(own_strings.iter().cloned());
    }
    // The cases are judged on two threads: the machine has two cores.
    let work: Vec<(&Case, &Baseline)> = cases.iter().zip(&baselines).filter(|(_, b)| !b.commands.is_empty()).collect();
    let checked = work.len() * payloads.len();
    let (vocabulary, payloads) = (&vocabulary, &payloads);
    let halves: Vec<Failures> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|half| {
                let work = &work;
                scope.spawn(move || {
                    let mut failures = Failures::default();
                    for (case, baseline) in work.iter().skip(half).step_by(2) {
                        for payload in payloads {
                            judge(case, payload, baseline, vocabulary, &mut failures);
                        }
                    }
                    failures
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for half in halves {
        failures.0.extend(half.0);
    }
    failures.assert_none("payload × field × layout combinations", checked);
}

// ---------------------------------------------------------------------------------------------
// The command-line tool: the script as both shells read it, and the text for people
// ---------------------------------------------------------------------------------------------

const BIN: &str = env!("CARGO_BIN_EXE_hybridcheck");

/// Runs the CLI on `inputs` with its standard output redirected to a file (as `> fix.ps1`
/// does) and returns the file's bytes.
fn run_cli(format: &str, inputs: &[std::path::PathBuf]) -> Vec<u8> {
    let output = inputs[0].with_extension(format!("out.{format}"));
    let file = std::fs::File::create(&output).unwrap();
    let status = std::process::Command::new(BIN)
        .args(["--now", "2026-11-28", "--format", format])
        .args(inputs)
        .stdout(std::process::Stdio::from(file))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("the hybridcheck binary starts");
    assert!(status.code().is_some_and(|c| c <= 2), "{format}: {status}");
    std::fs::read(&output).unwrap()
}

/// Pastes that hold every hostile value at once, each a few files for one CLI run: receive
/// connectors with the stale entry named by the value (Format-List, for the values it can
/// carry, and ConvertTo-Json); send connectors to Exchange Online named by the value with the
/// value as a wrong `TlsDomain`; receive connectors naming, by the value, a certificate their
/// server renewed (so that the value is in a commented rollback line of the script).
fn corpora() -> Vec<(&'static str, Inputs)> {
    // The 10 KB values are judged in every field by the matrix; here they would only make the
    // scripts megabytes long.
    let payloads: Vec<Payload> = payloads().into_iter().filter(|p| p.text.len() <= 1024).collect();
    let receive = |layout: Layout| -> Vec<Object> {
        payloads
            .iter()
            .filter(|p| layout.carries(&p.text))
            .map(|p| {
                vec![
                    ("Identity", PropValue::Text(format!("EX01\\{}", p.text))),
                    ("TlsDomainCapabilities", PropValue::List(vec![LEGACY_ENTRY.to_owned()])),
                ]
            })
            .collect()
    };
    let send: Vec<Object> = payloads
        .iter()
        .map(|p| {
            vec![
                ("Identity", PropValue::Text(p.text.clone())),
                ("AddressSpaces", PropValue::List(vec!["smtp:contoso.mail.onmicrosoft.com;1".into()])),
                ("SmartHosts", PropValue::List(Vec::new())),
                ("Fqdn", PropValue::Text("mail.contoso.com".into())),
                ("RequireTLS", PropValue::Bool(true)),
                ("TlsAuthLevel", PropValue::Text("DomainValidation".into())),
                ("TlsDomain", PropValue::Text(p.text.clone())),
                ("TlsCertificateName", PropValue::Text(String::new())),
                ("CloudServicesMailEnabled", PropValue::Bool(false)),
            ]
        })
        .collect();
    let renewed: Vec<Object> = payloads
        .iter()
        .enumerate()
        .map(|(n, p)| {
            vec![
                ("Identity", PropValue::Text(format!("EX01\\Connector {n}"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text(format!("<I>CN={}, O=Contoso<S>CN=mail.contoso.com", p.text))),
            ]
        })
        .collect();
    let certificates = [certificate("EX01", THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true)];
    let file = |kind: &ObjectKind, layout: Layout, objects: &[Object]| {
        (file_name(kind, layout), render(kind, layout, objects, "Identity").into_bytes())
    };
    vec![
        ("receive connectors in Format-List", vec![file(&RECEIVE, Layout::FormatList, &receive(Layout::FormatList))]),
        ("receive connectors in ConvertTo-Json", vec![file(&RECEIVE, Layout::Json, &receive(Layout::Json))]),
        ("send connectors in ConvertTo-Json", vec![file(&SEND, Layout::Json, &send)]),
        (
            "renewed certificates in ConvertTo-Json",
            vec![file(&RECEIVE, Layout::Json, &renewed), file(&CERTIFICATE, Layout::FormatList, &certificates)],
        ),
    ]
}

/// Issue 12.1, 12.3 and 12.4 through the CLI: the `ps1` script must tokenize the same under
/// Windows PowerShell 5.1's reading (a BOM, else Windows-1252) as under PowerShell 7's (UTF-8),
/// carry the report's commands, and keep bidirectional and format characters out of its
/// comments; the text and Markdown output must show no raw control or format character.
#[test]
fn the_cli_script_and_text_read_the_same_everywhere() {
    let dir = std::env::temp_dir().join(format!("hybridcheck-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut failures = Failures::default();
    let mut checked = 0;
    let example =
        std::process::Command::new(BIN).args(["--now", "2026-11-28", "--format", "ps1", "--example"]).output().unwrap();
    let example_lines: Vec<String> = Reading::PowerShell7
        .read(&example.stdout)
        .split('\n')
        .map(|line| line.trim_end_matches('\r').to_owned())
        .filter(|line| !tokenize(line).iter().all(|t| t.kind == Kind::Comment))
        .collect();
    assert!(!example_lines.is_empty(), "the example's script has no command");
    for (n, (name, inputs)) in corpora().into_iter().enumerate() {
        let paths: Vec<std::path::PathBuf> = inputs
            .iter()
            .map(|(file, bytes)| {
                let path = dir.join(format!("{n}-{file}"));
                std::fs::write(&path, bytes).unwrap();
                path
            })
            .collect();
        let report = report_of(&inputs);
        let case = format!("CLI on {name}");

        let script = run_cli("ps1", &paths);
        let truth = Reading::PowerShell7.read(&script);
        let truth_tokens = tokenize(&truth);
        checked += 1;
        if let Some(error) = truth_tokens.iter().find(|t| t.kind == Kind::Error) {
            failures.add(
                CLASS_CHANGED,
                &case,
                "whole script",
                format!("PowerShell 7 cannot read the script at `{}`", short(&error.text, 120)),
            );
        }
        for comment in truth_tokens.iter().filter(|t| t.kind == Kind::Comment) {
            checked += 1;
            if let Some(c) = comment.text.chars().find(|&c| is_unprintable(c)) {
                failures.add(
                    CLASS_INVISIBLE,
                    &case,
                    &format!("U+{:04X} in a comment", c as u32),
                    format!("script comment `{}`", short(&comment.text, 160)),
                );
            }
        }
        // The script runs the report's fix and verify commands, and nothing else but the lines
        // it writes for any paste (those of the built-in example's script): a rollback line, or
        // any line of a block, that escaped its comment would run. Compared line by line, so
        // that each failure names its value.
        let truth_lines: Vec<&str> = truth.split('\n').map(|line| line.trim_end_matches('\r')).collect();
        let script_lines: BTreeSet<&str> = truth_lines.iter().copied().collect();
        let mut allowed: BTreeSet<&str> = example_lines.iter().map(String::as_str).collect();
        for command in commands(&report) {
            if command.place.ends_with("rollback") || command.place.starts_with("diagnostic") {
                continue;
            }
            checked += 1;
            let lines: Vec<&str> = command.text.split('\n').map(|line| line.trim_end_matches('\r')).collect();
            if !lines.iter().all(|line| script_lines.contains(line)) {
                failures.add(
                    CLASS_CHANGED,
                    &case,
                    "script",
                    format!("the script lacks {}: `{}`", command.place, short(&command.text, 160)),
                );
            }
            allowed.extend(lines.into_iter().filter_map(|line| script_lines.get(line).copied()));
        }
        // Windows PowerShell 5.1 must read every line as PowerShell 7 does; lines whose code
        // changes (an injection) are listed before lines whose strings only change (a wrong target).
        let read = Reading::WindowsPowerShell.read(&script);
        let mut strings_only = Vec::new();
        for (line_51, line_7) in read.split('\n').zip(truth_lines) {
            let tokens_7 = tokenize(line_7);
            if tokens_7.iter().all(|t| t.kind == Kind::Comment) {
                continue;
            }
            checked += 1;
            if !allowed.contains(line_7) {
                failures.add(
                    CLASS_CHANGED,
                    &case,
                    "script",
                    format!("the script runs a line that is no fix or verify command: `{}`", short(line_7, 160)),
                );
            }
            let tokens_51 = tokenize(line_51.trim_end_matches('\r'));
            let code_changes = shape(&tokens_51) != shape(&tokens_7);
            if code_changes || literals(&tokens_51) != literals(&tokens_7) {
                let first = literals(&tokens_7).into_iter().find(|l| !l.is_ascii()).unwrap_or_default();
                let detail = format!(
                    "{} reads {} `{}` as `{}`",
                    Reading::WindowsPowerShell.name(),
                    if code_changes { "code" } else { "a string" },
                    short(line_7, 100),
                    short(line_51, 140)
                );
                if code_changes {
                    failures.add(CLASS_BOM, &case, &short(&first, 60), detail);
                } else {
                    strings_only.push((short(&first, 60), detail));
                }
            }
        }
        for (payload, detail) in strings_only {
            failures.add(CLASS_BOM, &case, &payload, detail);
        }

        for format in ["text", "markdown"] {
            let output = String::from_utf8_lossy(&run_cli(format, &paths)).into_owned();
            for line in output.lines() {
                checked += 1;
                if let Some(c) = line.chars().find(|&c| is_unprintable(c)) {
                    failures.add(
                        CLASS_CONTROL_OUTPUT,
                        &format!("{case}, --format {format}"),
                        &format!("U+{:04X}", c as u32),
                        short(line, 160),
                    );
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    failures.assert_none("CLI outputs and lines", checked);
}

// ---------------------------------------------------------------------------------------------
// Identities and lists the paste does not show whole (issue 12.6 to 12.9)
// ---------------------------------------------------------------------------------------------

/// Format-List lines for a value wrapped at `room` characters with the trailing spaces trimmed,
/// as a console of width 80 shows it.
fn wrapped(label: &str, width: usize, pieces: &[&str]) -> String {
    let mut out = format!("{label:width$} : {}\r\n", pieces[0]);
    for piece in &pieces[1..] {
        out.push_str(&format!("{:indent$}{piece}\r\n", "", indent = width + 3));
    }
    out
}

/// `Parameter` tokens followed by a verbatim string: `(parameter, value)`.
fn arguments(command: &Command) -> Vec<(String, String)> {
    let tokens: Vec<&Token> = without_comments(&command.tokens);
    tokens
        .windows(2)
        .filter(|w| w[0].kind == Kind::Parameter && w[1].is_verbatim())
        .map(|w| (w[0].text.to_ascii_lowercase(), w[1].value.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn identities_and_lists_that_the_paste_does_not_show_whole() {
    let mut failures = Failures::default();
    let mut checked = 0;
    let fl = |command: &str, body: &str| -> Inputs {
        vec![("paste.txt".into(), format!("{PROMPT}{command}\r\n\r\n{body}\r\n\r\n{PROMPT}\r\n").into_bytes())]
    };
    let legacy_wrapped = wrapped(
        "TlsDomainCapabilities",
        21,
        &[
            "{<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp,",
            "DC=microsoft, DC=com<S>CN=mail.protection.outlook.com,",
            "OU=Forefront Online Protection for Exchange,",
            "O=Microsoft, L=Redmond, S=WA,",
            "C=US:AcceptCloudServicesMail}",
        ],
    );

    // 12.6: a connector known only by its name, and two connectors of the same name (on two
    // servers the paste does not name) with different lists.
    let name_only = fl(
        "Get-ReceiveConnector | Format-List Name,TlsDomainCapabilities",
        &format!("Name                  : Default Frontend\r\n{legacy_wrapped}\r\nName                  : Default Frontend\r\nTlsDomainCapabilities : {{partner.fabrikam.example:AcceptOorgProtocol, {LEGACY_ENTRY}}}\r\n"),
    );
    let report = report_of(&name_only);
    checked += 1;
    if rules(&report).iter().filter(|rule| *rule == "legacy-exo-tls-capability").count() != 2 {
        failures.add(
            CLASS_BASE,
            "two connectors known only by Name",
            "Default Frontend",
            format!("findings {:?}", rules(&report)),
        );
    }
    let mut fixes: BTreeMap<String, usize> = BTreeMap::new();
    for command in commands(&report) {
        for (parameter, value) in arguments(&command) {
            checked += 1;
            let receive =
                command.tokens.iter().any(|t| t.kind == Kind::CommandName && t.text.contains("ReceiveConnector"));
            if receive && parameter == "-identity" && !value.contains('\\') {
                failures.add(
                    CLASS_AMBIGUOUS,
                    "two connectors known only by Name",
                    "Default Frontend",
                    format!("{}: `{}`", command.place, short(&command.text, 200)),
                );
            }
            if receive && parameter == "-identity" && command.place.ends_with("commands") {
                *fixes.entry(value).or_default() += 1;
            }
        }
    }
    for (identity, count) in fixes.into_iter().filter(|(_, n)| *n > 1) {
        failures.add(
            CLASS_AMBIGUOUS,
            "two connectors known only by Name",
            &identity,
            format!("{count} fixes name the same -Identity"),
        );
    }

    // 12.7: the identity's first word fills the line exactly: the next line either goes on with
    // the same word (cut hard) or starts a new one (a space trimmed at the wrap). The two
    // identities print the same, so no command may name either.
    let first = "EX01\\Inbound-from-Contoso-Partner-Primary-Site-Relay-Co";
    assert_eq!(first.chars().count(), 55, "the first line must fill the 55 columns of a width-80 console");
    let identity_wrapped = fl(
        "Get-ReceiveConnector | Format-List Identity,TlsDomainCapabilities",
        &format!("{}{legacy_wrapped}", wrapped("Identity", 21, &[first, "nnector-01"])),
    );
    // The same with TlsCertificateName of a send connector that another certificate name
    // (the hybrid configuration's) would replace: the rollback would name the guessed value.
    let name_first = "<I>CN=Issuing-CA-01,O=Contoso,C=US<S>CN=mail.Example";
    assert_eq!(name_first.chars().count(), 52, "the first line must fill the 52 columns after a 24-character label");
    let send = format!(
        "Identity                 : Outbound to Office 365\r\nAddressSpaces            : {{smtp:contoso.mail.onmicrosoft.com;1}}\r\nSmartHosts               : {{}}\r\nFqdn                     : mail.contoso.com\r\nRequireTLS               : True\r\nTlsAuthLevel             : DomainValidation\r\nTlsDomain                : mail.protection.outlook.com\r\n{}CloudServicesMailEnabled : True\r\nSourceTransportServers   : {{EX01}}\r\n",
        wrapped("TlsCertificateName", 24, &[name_first, ".Internal, O=Contoso"])
    );
    let hybrid = "Identity                  : Hybrid Configuration\r\nReceivingTransportServers : {EX01}\r\nSendingTransportServers   : {EX01}\r\nTlsCertificateName        : <I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc<S>CN=mail.contoso.com\r\n";
    let name_wrapped = vec![
        (
            "send.txt".into(),
            format!("{PROMPT}Get-SendConnector | Format-List\r\n\r\n{send}\r\n\r\n{PROMPT}\r\n").into_bytes(),
        ),
        (
            "hybrid.txt".into(),
            format!("{PROMPT}Get-HybridConfiguration\r\n\r\n{hybrid}\r\n\r\n{PROMPT}\r\n").into_bytes(),
        ),
    ];
    for (case, inputs, tail, expect_finding) in [
        (
            "Identity wrapped where a space may have been trimmed",
            identity_wrapped,
            "nnector-01",
            "legacy-exo-tls-capability",
        ),
        (
            "TlsCertificateName wrapped where a space may have been trimmed",
            name_wrapped,
            ".Internal",
            "tls-certificate-name-mismatch",
        ),
    ] {
        let report = report_of(&inputs);
        checked += 1;
        if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == expect_finding) {
            failures.add(
                CLASS_BASE,
                case,
                "wrap",
                format!("no {expect_finding} finding: the scenario does not test anything"),
            );
        }
        for command in commands(&report) {
            checked += 1;
            if let Some(literal) = literals(&command.tokens).into_iter().find(|l| l.contains(tail)) {
                failures.add(CLASS_WRAP, case, tail, format!("{}: string {:?}", command.place, short(&literal, 160)));
            }
        }
    }

    // 12.8: a Format-Table cell cut with `...` is not a whole name, with or without `Server`.
    let rows: Vec<Object> = vec![
        vec![
            ("Name", PropValue::Text("Inbound from Contoso Partne...".into())),
            ("Server", PropValue::Text("EX01".into())),
            ("TlsDomainCapabilities", PropValue::Text(format!("{{{LEGACY_ENTRY}}}"))),
        ],
        vec![
            ("Name", PropValue::Text("Default Frontend EX01".into())),
            ("Server", PropValue::Text("EX01".into())),
            ("TlsDomainCapabilities", PropValue::Text("{mail.protection.outlook.com:AcceptCloudServicesMail}".into())),
        ],
    ];
    let table = vec![(
        "paste.txt".to_owned(),
        format_table(
            "Get-ReceiveConnector | Format-Table Name,Server,TlsDomainCapabilities",
            &["Name", "Server", "TlsDomainCapabilities"],
            &rows,
        )
        .into_bytes(),
    )];
    let report = report_of(&table);
    checked += 1;
    if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "legacy-exo-tls-capability") {
        failures.add(
            CLASS_BASE,
            "Format-Table Name cut with ...",
            "cut",
            "no legacy-exo-tls-capability finding".into(),
        );
    }
    for command in commands(&report) {
        checked += 1;
        if let Some(literal) = literals(&command.tokens).into_iter().find(|l| l.contains("Partne...")) {
            failures.add(
                CLASS_NOT_WHOLE,
                "Format-Table Name cut with ...",
                "Inbound from Contoso Partne...",
                format!("{}: string {:?}", command.place, literal),
            );
        }
    }

    // 12.9: list items that do not parse, and capability bits the checker does not know
    // (8192), must be kept verbatim or the list must not be named.
    for (case, items, lost) in [
        (
            "JSON capability with an unknown bit (8194 = AcceptOorgProtocol + 8192)",
            json!([LEGACY_ENTRY, {"Domain": "partner.fabrikam.example", "Capabilities": 8194}]),
            "partner.fabrikam.example:AcceptOorgProtocol",
        ),
        (
            "JSON list items that do not parse (a number, an object without Domain)",
            json!([LEGACY_ENTRY, 42, {"Unknown": "x"}, "partner.fabrikam.example:AcceptOorgProtocol"]),
            "",
        ),
    ] {
        let paste = json!([{ "Identity": "EX01\\Default Frontend EX01", "TlsDomainCapabilities": items.clone() }]);
        let report = report_of(&vec![("receive.json".into(), serde_json::to_vec_pretty(&paste).unwrap())]);
        checked += 1;
        if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "legacy-exo-tls-capability") {
            failures.add(CLASS_BASE, case, "list", "no legacy-exo-tls-capability finding".into());
        }
        let kept = items.as_array().unwrap().len() - 1;
        for command in commands(&report) {
            let named: Vec<String> = {
                let tokens = without_comments(&command.tokens);
                let at = tokens
                    .iter()
                    .position(|t| t.kind == Kind::Parameter && t.text.eq_ignore_ascii_case("-TlsDomainCapabilities"));
                at.map(|at| {
                    tokens[at + 1..]
                        .iter()
                        .take_while(|t| t.is_verbatim() || t.text == ",")
                        .filter_map(|t| t.value.clone())
                        .collect()
                })
                .unwrap_or_default()
            };
            if named.is_empty() || !command.place.ends_with("commands") {
                continue;
            }
            checked += 1;
            if (!lost.is_empty() && named.iter().any(|n| n == lost)) || named.len() < kept + 1 {
                failures.add(
                    CLASS_DROPPED,
                    case,
                    "list",
                    format!("{}: names {} entries for {} kept + 1: {:?}", command.place, named.len(), kept, named),
                );
            }
        }
    }
    failures.assert_none("scenario checks", checked);
}
