//! Text to generic records: one module per output format.
//!
//! A format parser looks at the line where a block may start and either declines (`None`)
//! or returns a [`Block`]: the records it read, the lines it understood and its diagnostics.
//! Parsers know nothing about rules; they only turn text into names and values, keeping
//! the line of every value so that findings can point at it.

pub mod clixml;
pub mod csv;
pub mod hcw_log;
pub mod json;
pub mod list;
pub mod list_collapsed;
pub mod reg_query;
pub mod shell;
pub mod symptom;
pub mod table;

use crate::diagnostic::Diagnostic;
use crate::source::{is_blank, LineNo, Source};
use serde::Serialize;
use std::rc::Rc;

/// The layout a block of output was written in, as reported in `inputs[].sections[].format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    FormatList,
    FormatTable,
    ConvertToJson,
    ExportCsv,
    ExportClixml,
    /// The warning that Exchange 2010 management tools print for a connector they cannot read.
    Exchange2010Warning,
    /// `WARNING:` lines and error records of the shell.
    ShellMessages,
    /// A shell prompt with the command typed after it.
    Prompt,
    /// The header and footer lines `Start-Transcript` writes.
    Transcript,
    /// A line of other text (an NDR, a queue, an event) that shows a known error.
    SymptomText,
    /// The log of the Hybrid Configuration Wizard: the cmdlet calls it records.
    HcwLog,
    /// Lines a copy added around the output: Markdown code fences, image lines, bare quote marks.
    Markdown,
    /// The output of cmd.exe's `reg query`: registry keys and their values.
    RegQuery,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::FormatList => "format-list",
            Format::FormatTable => "format-table",
            Format::ConvertToJson => "convertto-json",
            Format::ExportCsv => "export-csv",
            Format::ExportClixml => "export-clixml",
            Format::Exchange2010Warning => "exchange-2010-warning",
            Format::ShellMessages => "shell-messages",
            Format::Prompt => "prompt",
            Format::Transcript => "transcript",
            Format::SymptomText => "symptom-text",
            Format::HcwLog => "hcw-log",
            Format::Markdown => "markdown",
            Format::RegQuery => "reg-query",
        }
    }
}

impl Serialize for Format {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::diagnostic::fixed_name(&self.as_str(), serializer)
    }
}

/// One object as a format parser read it: property names with values, nothing typed yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Record {
    /// The .NET type name the format carried (Clixml `<TN>`, CSV `#TYPE`), without `Deserialized.`.
    pub type_name: Option<String>,
    pub first_line: LineNo,
    pub last_line: LineNo,
    pub props: Vec<Prop>,
}

impl Record {
    /// The property called `name`, compared case-insensitively as PowerShell does.
    pub fn get(&self, name: &str) -> Option<&Prop> {
        find(&self.props, name)
    }
}

/// The property called `name`, compared case-insensitively as PowerShell does.
fn find<'p>(props: &'p [Prop], name: &str) -> Option<&'p Prop> {
    // The length first: most names differ in it, and the comparison is then not called.
    props.iter().find(|p| p.name.len() == name.len() && p.name.eq_ignore_ascii_case(name))
}

/// One property of a record.
#[derive(Clone, Debug, PartialEq)]
pub struct Prop {
    /// Shared: the objects of one paste have the same property names, and a parser can give
    /// them all one copy of each (see `list::Labels`).
    pub name: Rc<str>,
    pub value: Value,
    /// The line where the property's value starts.
    pub line: LineNo,
    /// The value was cut: `{a, b...}` by `$FormatEnumerationLimit`, or `...` in a table cell.
    pub truncated: bool,
    /// White space at line-wrap points had to be guessed because trailing spaces were lost.
    pub inexact: bool,
    /// The input does not show the object's whole current value: it quotes one entry of a list
    /// (the Exchange 2010 warning names the one entry it could not convert), or shows the value as
    /// it was at an earlier time (a wizard's log). Such a value is judged, but a command never
    /// names it: a fix reads the current value from the server instead.
    pub not_current: bool,
}

impl Prop {
    pub fn new(name: impl Into<Rc<str>>, value: Value, line: LineNo) -> Prop {
        Prop { name: name.into(), value, line, truncated: false, inexact: false, not_current: false }
    }
}

/// A property value as the format showed it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `$null`, an empty cell, `<Nil />`.
    Null,
    /// Text as displayed. Format-List shows multi-valued properties as one text `{a, b}`;
    /// the model splits such text by each property's own grammar. Shared: the objects of one
    /// paste repeat most values (every default connector binds the same ports), and a parser can
    /// give them all one copy (see `list::Labels`).
    Text(Rc<str>),
    /// A structured list (JSON array, Clixml `<LST>`).
    List(Vec<Value>),
    /// A structured object (JSON object, Clixml `<Obj>` with properties). Boxed: most values
    /// are text, and every property of every record holds a value, so the other kinds stay small.
    Object(Box<ObjectValue>),
    /// The format replaced the values by a type name (Export-Csv of a multi-valued property).
    Lost(Box<str>),
}

/// The properties of a structured object value.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectValue {
    /// Its `ToString()` form, when the format carried one.
    pub display: Option<String>,
    pub props: Vec<Prop>,
}

impl Value {
    pub fn object(display: Option<String>, props: Vec<Prop>) -> Value {
        Value::Object(Box::new(ObjectValue { display, props }))
    }

    /// The text of a scalar value, or the display form of an object.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Object(object) => object.display.as_deref(),
            _ => None,
        }
    }

    /// A property of an object value, compared case-insensitively.
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(object) => find(&object.props, name).map(|p| &p.value),
            _ => None,
        }
    }
}

/// What one parser made of a run of lines.
#[derive(Debug)]
pub struct Block {
    pub format: Format,
    pub first_line: LineNo,
    pub last_line: LineNo,
    pub records: Vec<Record>,
    /// Line ranges (inclusive) the parser understood; lines of the block not listed here end in `unrecognized`.
    pub understood: Vec<(LineNo, LineNo)>,
    pub diagnostics: Vec<Diagnostic>,
    /// The command whose call the block records, when the input names it itself rather than
    /// at a prompt (a call in a Hybrid Configuration Wizard log): the section's cmdlet, and the
    /// command of the block's objects (a certificate's `-Server`).
    pub command: Option<Rc<str>>,
}

impl Block {
    pub fn new(format: Format, first_line: LineNo, last_line: LineNo) -> Block {
        Block {
            format,
            first_line,
            last_line,
            records: Vec::new(),
            understood: Vec::new(),
            diagnostics: Vec::new(),
            command: None,
        }
    }
}

/// Which properties to keep in records, and in the objects nested in their values. Parsers still
/// read and understand every line; they only skip building (or keeping) values that nobody will read.
pub type Wanted = fn(&str) -> bool;

/// Keeps the `wanted` properties of a record, and of every object nested in their values: the
/// model reads a nested object (an `ADObjectId`, an `SmtpX509Identifier`) only by wanted names,
/// and ConvertTo-Json and Export-Clixml nest a dozen fields in every identity.
pub fn keep_wanted(props: &mut Vec<Prop>, wanted: Wanted) {
    let before = props.len();
    props.retain(|p| wanted(&p.name));
    if props.len() < before {
        // Records are kept to the end of the check: give back the room of the dropped ones.
        props.shrink_to_fit();
    }
    for prop in props.iter_mut() {
        keep_wanted_in(&mut prop.value, wanted);
    }
}

fn keep_wanted_in(value: &mut Value, wanted: Wanted) {
    match value {
        Value::Object(object) => keep_wanted(&mut object.props, wanted),
        Value::List(items) => items.iter_mut().for_each(|item| keep_wanted_in(item, wanted)),
        _ => {}
    }
}

/// Keeps every property.
pub fn every_property(_: &str) -> bool {
    true
}

/// Splits the lines `first..=last` of one transcript segment into blocks.
///
/// Every non-blank line either belongs to a block that understood it, or is left unmarked
/// so that the caller reports it in `unrecognized`.
pub fn parse_segment(src: &Source, first: LineNo, last: LineNo, wanted: Wanted) -> Vec<Block> {
    let mut budget = clixml::RefBudget::for_input(src.text().len());
    let mut blocks = Vec::new();
    parse_segment_with(src, first, last, wanted, &mut list::Labels::default(), &mut budget, |block| blocks.push(block));
    blocks
}

/// [`parse_segment`] for one of several segments of an input, handing each block to `take` as
/// soon as it is read: `labels` carries what the Format-List objects of the earlier segments
/// showed (a transcript often runs one command per server, each printing objects with the same
/// labels), and `budget` what the Export-Clixml `<Ref>` copies of the whole check may still cost.
///
/// Format-List makes a block of every object, so a paste of many small objects held as blocks
/// until the segment's end cost more than the objects themselves (1 MB of one-property objects:
/// 83,333 blocks, 13.6 MB). The blocks of a Hybrid Configuration Wizard log are the exception:
/// [`hcw_log::join`] finishes them together, so from the first one on, every block of the segment
/// is held, and handed on in order at its end.
pub fn parse_segment_with(
    src: &Source,
    first: LineNo,
    last: LineNo,
    wanted: Wanted,
    labels: &mut list::Labels,
    budget: &mut clixml::RefBudget,
    mut take: impl FnMut(Block),
) {
    let mut held: Vec<Block> = Vec::new();
    let mut n = first;
    while n <= last {
        if is_blank(src.line(n)) {
            n += 1;
            continue;
        }
        let block = hcw_log::parse(src, n, last)
            .or_else(|| clixml::parse(src, n, last, budget))
            .or_else(|| json::parse(src, n, last, wanted))
            .or_else(|| csv::parse(src, n, last, wanted))
            .or_else(|| reg_query::parse(src, n, last, wanted))
            .or_else(|| table::parse(src, n, last, wanted))
            .or_else(|| shell::parse(src, n, last))
            .or_else(|| list::parse(src, n, last, wanted, labels));
        match block {
            Some(mut block) if block.last_line >= n => {
                // The parsers given `wanted` keep only those properties themselves, so only the
                // others' records are pruned here (a table of 20,000 rows spent a tenth of its
                // check asking again of every cell).
                let pruned = matches!(
                    block.format,
                    Format::FormatList
                        | Format::ConvertToJson
                        | Format::ExportCsv
                        | Format::FormatTable
                        | Format::RegQuery
                );
                if !pruned {
                    for record in &mut block.records {
                        keep_wanted(&mut record.props, wanted);
                    }
                }
                n = block.last_line + 1;
                if held.is_empty() && block.format != Format::HcwLog {
                    take(block);
                } else {
                    held.push(block);
                }
            }
            _ => n += 1,
        }
    }
    hcw_log::join(src, &mut held);
    held.into_iter().for_each(take);
}

/// True when a displayed value ends with the mark PowerShell leaves when it cuts text:
/// `...` in Windows PowerShell 5.1, `…` in PowerShell 7.
pub fn ends_with_cut_mark(text: &str) -> bool {
    text.ends_with("...") || text.ends_with('…')
}

/// Removes a trailing cut mark.
pub fn strip_cut_mark(text: &str) -> &str {
    text.strip_suffix("...").or_else(|| text.strip_suffix('…')).unwrap_or(text)
}

/// Recognizes the type-name text that Export-Csv writes instead of the values of a list.
pub fn lost_list_type_name(cell: &str) -> bool {
    let cell = cell.trim();
    cell.contains("MultiValuedProperty`1[")
        || cell.starts_with("Microsoft.Exchange.Data.MultiValuedProperty")
        || cell == "System.Collections.ArrayList"
        || cell == "System.Object[]"
        || cell == "System.String[]"
        || cell.starts_with("System.Collections.Generic.")
        || cell.starts_with("Deserialized.System.")
}
