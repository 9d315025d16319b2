//! The objects a log shows: the recorded output of a `Get-` call ([`Output`]), and how [`join`]
//! keeps one object per connector, certificate, server and hybrid configuration.
//!
//! [`join`]: super::join

use super::calls::server_parameter;
use crate::formats::{Block, Prop, Record, Value};
use crate::model::Kind;
use crate::source::{trim, trim_end, trim_start, LineNo};
use crate::transcript::first_cmdlet;

/// Reads the objects a `Get-` call returned, one `Name : Value` line per property.
#[derive(Default)]
pub(super) struct Output {
    pub(super) records: Vec<Record>,
    current: Option<Record>,
    /// A blank line came before the first property: the copy has a blank line after every
    /// line (a web page, a mail), so blank lines do not part objects; a name that comes again does.
    double_spaced: Option<bool>,
    blank_seen: bool,
}

impl Output {
    pub(super) fn blank(&mut self) {
        self.blank_seen = true;
        if self.double_spaced != Some(true) {
            self.end_object();
        }
    }

    /// Adds a property; `maybe_cut` when the paste ends on this line, which may have cut the value.
    pub(super) fn property(&mut self, n: LineNo, name: &str, value: &str, maybe_cut: bool) {
        self.double_spaced.get_or_insert(self.blank_seen);
        let repeated = self.current.as_ref().is_some_and(|r| r.get(name).is_some());
        if repeated {
            self.end_object();
        }
        let record = self.current.get_or_insert_with(|| Record { first_line: n, last_line: n, ..Record::default() });
        record.last_line = n;
        let mut prop = Prop::new(name, Value::Text(value.into()), n);
        prop.truncated = maybe_cut;
        // The log shows the value as it was when the wizard ran.
        prop.not_current = true;
        record.props.push(prop);
    }

    pub(super) fn end_object(&mut self) {
        self.records.extend(self.current.take());
    }
}

/// `Name : Value` (any indent, any padding), as the recorded output of a `Get-` call shows a property.
pub(super) fn output_property(line: &str) -> Option<(&str, &str)> {
    let text = trim_end(trim_start(line));
    let (name, value) = match text.find(" : ") {
        Some(at) => (&text[..at], &text[at + 3..]),
        None => (text.strip_suffix(" :")?, ""),
    };
    let name = trim_end(name);
    let is_name = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    is_name.then_some((name, value))
}

/// What a later call wrote or read replaces, property by property, what an earlier one showed
/// of the same object; the object stays where the log first showed it.
pub(super) fn merge_objects(blocks: &mut [Block], logs: &[usize]) {
    // Every record of the log with its block, in the log's order.
    let mut records: Vec<(usize, Option<Record>)> = Vec::new();
    for &b in logs {
        records.extend(std::mem::take(&mut blocks[b].records).into_iter().map(|r| (b, Some(r))));
    }
    let keys: Vec<Option<String>> =
        records.iter().map(|(b, r)| r.as_ref().and_then(|r| object_key(blocks[*b].command.as_deref(), r))).collect();
    // Records of one object come together, in the log's order (the crate's one sort, see `sort`).
    let order = crate::sort::stable_order(records.len(), &|x, y| keys[x].cmp(&keys[y]));
    let mut first: Option<usize> = None;
    for &at in &order {
        match first {
            Some(earlier) if keys[at].is_some() && keys[at] == keys[earlier] => {
                let Some(record) = records[at].1.take() else { continue };
                let Some(into) = records[earlier].1.as_mut() else { continue };
                for prop in record.props {
                    match into.props.iter_mut().find(|p| p.name.eq_ignore_ascii_case(&prop.name)) {
                        Some(old) => *old = prop,
                        None => into.props.push(prop),
                    }
                }
            }
            _ => first = Some(at),
        }
    }
    for (b, record) in records {
        blocks[b].records.extend(record);
    }
}

/// What tells one object from another: its kind and identity (a certificate's server and
/// thumbprint); `None` when the record does not say.
fn object_key(command: Option<&str>, record: &Record) -> Option<String> {
    let kind = record
        .type_name
        .as_deref()
        .and_then(Kind::from_type_name)
        .or_else(|| command.and_then(first_cmdlet).and_then(Kind::from_cmdlet))?;
    let text = |name: &str| record.get(name).and_then(|p| p.value.as_text()).map(trim).filter(|t| !t.is_empty());
    let identity = match kind {
        Kind::HybridConfiguration => String::new(),
        Kind::ExchangeCertificate => {
            let server = command.and_then(server_parameter).unwrap_or_default();
            format!("{server}\\{}", text("Thumbprint")?)
        }
        _ => text("Identity").or_else(|| text("Name"))?.to_owned(),
    };
    Some(format!("{}/{}", kind.as_str(), identity.to_ascii_lowercase()))
}
