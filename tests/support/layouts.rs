//! The layouts the hostile-input suites paste (`tests/hostile.rs`, and the CLI's
//! `cli/tests/hostile.rs`): each renders objects the way the Exchange Management Shell writes
//! them (Format-List, Format-Table, ConvertTo-Json, Export-Clixml, Export-Csv), and the objects
//! several scenarios share.

use serde_json::{json, Value};

/// A property's value, written by each layout in its own way.
#[derive(Clone)]
pub enum PropValue {
    Text(String),
    List(Vec<String>),
    Bool(bool),
}

/// An object's properties in the order the shell prints them.
pub type Object = Vec<(&'static str, PropValue)>;

/// The files one case pastes: (name, bytes).
pub type Inputs = Vec<(String, Vec<u8>)>;

pub const PROMPT: &str = "[PS] C:\\Windows\\system32>";

pub fn display(value: &PropValue) -> String {
    match value {
        PropValue::Text(s) => s.clone(),
        PropValue::List(items) => format!("{{{}}}", items.join(", ")),
        PropValue::Bool(b) => if *b { "True" } else { "False" }.into(),
    }
}

/// Format-List, wide enough that no value wraps (`| Out-String -Width 32767`).
pub fn format_list(command: &str, objects: &[Object]) -> String {
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
pub fn format_table(command: &str, columns: &[&'static str], objects: &[Object]) -> String {
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
pub fn convert_to_json(objects: &[Object]) -> String {
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
pub fn clixml_text(text: &str) -> String {
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
pub fn export_clixml(type_name: &str, to_string: &str, objects: &[Object]) -> String {
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
pub fn export_csv(type_name: &str, objects: &[Object]) -> String {
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
pub enum Layout {
    FormatList,
    FormatTable,
    Json,
    Clixml,
    Csv,
    Warning2010,
}

impl Layout {
    pub fn name(self) -> &'static str {
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
    pub fn carries(self, value: &str) -> bool {
        match self {
            Layout::FormatList | Layout::FormatTable | Layout::Warning2010 => {
                !value.contains(['\r', '\n']) && value.trim() == value
            }
            Layout::Json | Layout::Clixml | Layout::Csv => true,
        }
    }
}

/// How one kind of object is written in each layout.
pub struct ObjectKind {
    pub cmdlet: &'static str,
    pub type_name: &'static str,
}

pub const RECEIVE: ObjectKind = ObjectKind {
    cmdlet: "Get-ReceiveConnector",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector",
};
pub const SEND: ObjectKind = ObjectKind {
    cmdlet: "Get-SendConnector",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.SmtpSendConnectorConfig",
};
pub const HYBRID: ObjectKind = ObjectKind {
    cmdlet: "Get-HybridConfiguration",
    type_name: "Microsoft.Exchange.Data.Directory.SystemConfiguration.HybridConfiguration",
};
pub const CERTIFICATE: ObjectKind = ObjectKind {
    cmdlet: "Get-ExchangeCertificate",
    type_name: "Microsoft.Exchange.Management.SystemConfigurationTasks.ExchangeCertificate",
};

/// Writes objects of one kind in `layout`; `last` is the column Format-Table puts last.
pub fn render(kind: &ObjectKind, layout: Layout, objects: &[Object], last: &str) -> String {
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

pub fn file_name(kind: &ObjectKind, layout: Layout) -> String {
    let stem = kind.cmdlet.trim_start_matches("Get-").to_ascii_lowercase();
    let extension = match layout {
        Layout::Json => "json",
        Layout::Clixml => "xml",
        Layout::Csv => "csv",
        _ => "txt",
    };
    format!("{stem}.{extension}")
}

/// The entry the Hybrid Configuration Wizard of Exchange 2013 CU8 wrote (KB 3156771).
pub const LEGACY_ENTRY: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";
/// The certificates of one server, as `Get-ExchangeCertificate` lists them.
pub fn certificate(server: &str, thumbprint: &str, subject: &str, issuer: &str, smtp: bool) -> Object {
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

pub const THUMBPRINT: &str = "6532034B0B6D548EC083621569119191AFC8009C";
