//! The worst case over hostile inputs: shapes built to make a careless reader slow or greedy
//! (tables as wide as they are long, a warning wrapped over thousands of lines, many small
//! Export-Clixml documents that multiply by `<Ref>`, a queue full of one error, deep nesting,
//! random bytes, and a seeded mix of them all), each at sizes up to 1 MB, checked by the CLI.
//! The goal: none takes more than 50 ms or 50 MB. `tests/resources.rs` checks the same shapes
//! for linear growth; this measures what they cost in the binary a user runs.

use super::measure::timed_check;
use super::org::Rng;
use super::{GOAL_HOSTILE_MB, GOAL_HOSTILE_MS, MB, SEED};
use crate::util::{target_dir, write_atomically, Context, Result};
use std::fmt::Write as _;
use std::path::Path;

/// The sizes each shape is checked at, in bytes (about).
pub(super) const SIZES: [usize; 3] = [64_000, 256_000, 1_000_000];
/// Timed runs per input; the best counts. A run that takes more than a second is not repeated.
pub(super) const HOSTILE_RUNS: usize = 3;

/// One hostile shape: its name, and a generator of about `n` bytes of it.
pub(super) struct Shape {
    pub(super) name: &'static str,
    make: fn(usize) -> String,
}

pub(super) const SHAPES: [Shape; 15] = [
    Shape { name: "wide-table", make: wide_table },
    Shape { name: "wide-csv", make: wide_csv },
    Shape { name: "wrapped-warning", make: wrapped_warning },
    Shape { name: "clixml-multiplying-refs", make: clixml_multiplying_refs },
    Shape { name: "clixml-documents-in-a-row", make: clixml_documents_in_a_row },
    Shape { name: "queue-of-one-error", make: queue_of_one_error },
    Shape { name: "error-lines", make: error_lines },
    Shape { name: "tiny-objects", make: tiny_objects },
    Shape { name: "deep-json", make: deep_json },
    Shape { name: "deep-clixml", make: deep_clixml },
    Shape { name: "broken-ref-tags", make: broken_ref_tags },
    Shape { name: "one-long-value", make: one_long_value },
    Shape { name: "prompts", make: prompts },
    Shape { name: "random-text", make: random_text },
    Shape { name: "mixed", make: mixed },
];

/// One check of one hostile input.
pub(super) struct HostileRun {
    pub(super) shape: &'static str,
    /// The size asked for, and the size made.
    pub(super) size: usize,
    pub(super) bytes: u64,
    /// Best of the runs.
    pub(super) ms: f64,
    /// The highest peak memory of the runs.
    pub(super) rss_mb: Option<f64>,
}

/// Checks every shape at every size with the CLI.
pub(super) fn measure_hostile(cli: &Path, dir: &Path, sizes: &[usize]) -> Result<Vec<HostileRun>> {
    let dir = dir.join("hostile");
    std::fs::create_dir_all(&dir).context(format!("cannot create {}", dir.display()))?;
    let mut runs = Vec::new();
    for shape in &SHAPES {
        for &size in sizes {
            let text = (shape.make)(size);
            let path = dir.join(format!("{}-{}k.txt", shape.name, size / 1000));
            write_atomically(&path, text.as_bytes())?;
            let args: [&std::ffi::OsStr; 3] = ["--format".as_ref(), "json".as_ref(), path.as_os_str()];
            let mut best = f64::INFINITY;
            let mut rss: Option<u64> = None;
            for _ in 0..HOSTILE_RUNS {
                let t = timed_check(cli, &args)?;
                best = best.min(t.ms);
                rss = rss.max(t.rss_kb);
                if t.ms > 1000.0 {
                    break;
                }
            }
            let rss_mb = rss.map(|kb| kb as f64 * 1024.0 / MB);
            println!(
                "    {:<28} {:>8.1} KB  {:>8.1} ms  {:>6.1} MB",
                shape.name,
                text.len() as f64 / 1000.0,
                best,
                rss_mb.unwrap_or(f64::NAN)
            );
            runs.push(HostileRun { shape: shape.name, size, bytes: text.len() as u64, ms: best, rss_mb });
        }
    }
    Ok(runs)
}

/// `cargo xtask bench --hostile`: builds the CLI as the README does, checks every shape at every
/// size, and prints the slowest and the greediest check against the goals. Writes no figures: a
/// part of the bench does not replace a whole run in BENCHMARKS.md.
pub(super) fn measure_alone(sizes: &[usize]) -> Result<()> {
    let cli = super::native::build_cli()?;
    let dir = target_dir().join("bench");
    println!("\n==> hostile shapes with the CLI, best of {HOSTILE_RUNS} each (time) and the highest peak memory");
    let runs = measure_hostile(&cli, &dir, sizes)?;
    let worst = |key: fn(&HostileRun) -> f64| runs.iter().max_by(|a, b| key(a).total_cmp(&key(b)));
    let verdict = |pass: bool| if pass { "PASS" } else { "MISS" };
    if let Some(run) = worst(|r| r.ms) {
        let pass = run.ms <= GOAL_HOSTILE_MS;
        println!(
            "The slowest: {} at {} KB, {:.1} ms (goal ≤ {GOAL_HOSTILE_MS} ms): {}",
            run.shape,
            run.bytes / 1000,
            run.ms,
            verdict(pass)
        );
    }
    if let Some(run) = worst(|r| r.rss_mb.unwrap_or(0.0)).filter(|r| r.rss_mb.is_some()) {
        let mb = run.rss_mb.unwrap_or(0.0);
        let pass = mb <= GOAL_HOSTILE_MB;
        println!(
            "The greediest: {} at {} KB, {mb:.1} MB (goal ≤ {GOAL_HOSTILE_MB} MB): {}",
            run.shape,
            run.bytes / 1000,
            verdict(pass)
        );
    }
    println!("Indicative only when other programs share the machine; `cargo xtask bench --write` records figures.");
    Ok(())
}

/// Receive connector properties, as a real table's or CSV's labels would be.
const LABELS: [&str; 12] = [
    "Identity",
    "Bindings",
    "Enabled",
    "Fqdn",
    "AuthMechanism",
    "PermissionGroups",
    "RemoteIPRanges",
    "TlsCertificateName",
    "TlsDomainCapabilities",
    "TransportRole",
    "MaxMessageSize",
    "Comment",
];

fn label(i: usize) -> String {
    LABELS.get(i).map_or_else(|| format!("Extra{i}"), |l| (*l).to_owned())
}

/// A Format-Table as wide as it is long: as many columns as rows, each row filling only the first.
fn wide_table(n: usize) -> String {
    // A column costs its label and its dashes (about 22 bytes at these counts), a row about 25.
    let count = n / 48;
    let labels: Vec<String> = (0..count).map(label).collect();
    // The first column is as wide as the rows' identities, its label padded as Format-Table pads
    // it: a row that ran over into the next column is one no console prints, and is not read.
    const FIRST: usize = 23;
    let mut text = format!("{:<FIRST$} ", labels[0]) + &labels[1..].join(" ") + "\r\n";
    text += &format!("{:<FIRST$} ", "-".repeat(labels[0].len()));
    text += &labels[1..].iter().map(|l| "-".repeat(l.len())).collect::<Vec<_>>().join(" ");
    text += "\r\n";
    for row in 0..count {
        let _ = write!(text, "EX{row:05}\\Default EX{row:05}\r\n");
    }
    text
}

/// An Export-Csv as wide as it is long: as many quoted names as rows of one quoted field.
fn wide_csv(n: usize) -> String {
    // A column costs its quoted name (about 13 bytes at these counts), a row about 27.
    let count = n / 41;
    let mut text = "#TYPE Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector\r\n".to_owned();
    text += &(0..count).map(|i| format!("\"{}\"", label(i))).collect::<Vec<_>>().join(",");
    text += "\r\n";
    for row in 0..count {
        let _ = write!(text, "\"EX{row:05}\\Default EX{row:05}\"\r\n");
    }
    text
}

/// One warning that the console wrapped over lines of 100 characters.
fn wrapped_warning(n: usize) -> String {
    let mut text = format!("WARNING: {}\r\n", "The operation could not be performed because ".repeat(3));
    let mut i = 0;
    while text.len() < n {
        let _ = write!(text, "{:0<100}\r\n", format!("continued{i}"));
        i += 1;
    }
    text
}

const OBJS: &str = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\r\n";

/// Small Export-Clixml documents in one paste, each repeating one object by `<Ref>` until its
/// copies would fill a megabyte.
fn clixml_multiplying_refs(n: usize) -> String {
    let mut text = String::new();
    while text.len() < n {
        text.push_str(OBJS);
        let _ = write!(text, "<Obj RefId=\"0\"><Props><S N=\"Identity\">{}</S></Props></Obj>\r\n", "x".repeat(1000));
        for level in 1..=10 {
            let _ = write!(
                text,
                "<Obj RefId=\"{level}\"><Props><Ref N=\"Identity\" RefId=\"{0}\" /><Ref N=\"Id\" RefId=\"{0}\" /></Props></Obj>\r\n",
                level - 1
            );
        }
        text.push_str("</Objs>\r\n");
    }
    text
}

/// Export-Clixml documents of one connector each, whose `Id` repeats its `Identity` by `<Ref>`.
fn clixml_documents_in_a_row(n: usize) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < n {
        text.push_str(OBJS);
        let _ = write!(
            text,
            "<Obj RefId=\"0\"><TN RefId=\"0\"><T>Microsoft.Exchange.Data.Directory.SystemConfiguration.ReceiveConnector</T></TN><Props>\r\n\
             <Obj N=\"Identity\" RefId=\"1\"><ToString>EX{i:04}\\Default Frontend EX{i:04}</ToString></Obj>\r\n\
             <Ref N=\"Id\" RefId=\"1\" />\r\n</Props></Obj>\r\n</Objs>\r\n"
        );
        i += 1;
    }
    text
}

/// `Get-Queue | Format-List` of a server whose queues to Exchange Online all fail the same way.
fn queue_of_one_error(n: usize) -> String {
    let mut text = "[PS] C:\\Windows\\system32>Get-Queue | Format-List Identity,DeliveryType,Status,MessageCount,NextHopDomain,LastError\r\n\r\n".to_owned();
    let mut i = 0;
    while text.len() < n {
        let _ = write!(
            text,
            "Identity      : EX01\\{id}\r\nDeliveryType  : SmartHostConnectorDelivery\r\nStatus        : Retry\r\n\
             MessageCount  : {count}\r\nNextHopDomain : contoso.mail.onmicrosoft.com\r\n\
             LastError     : 454 4.7.5 The certificate specified in TlsCertificateName of the SendConnector could not be found.\r\n\r\n",
            id = 1000 + i,
            count = 1 + i % 97
        );
        i += 1;
    }
    text
}

/// The same SMTP error, line after line, as a protocol log shows it.
fn error_lines(n: usize) -> String {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < n {
        let _ = write!(
            text,
            "2026-11-28T09:{:02}:{:02}.000Z,Outbound to Office 365,08DD{i:012X},2,10.0.0.5:25,104.47.1.{}:25,<,454 4.7.5 Certificate validation failure,\r\n",
            i / 60 % 60,
            i % 60,
            i % 250
        );
        i += 1;
    }
    text
}

/// A Format-List of objects of one short property each.
fn tiny_objects(n: usize) -> String {
    "Name : x\r\n\r\n".repeat(n / 12)
}

/// One JSON array nested as deep as the input is long.
fn deep_json(n: usize) -> String {
    "[".repeat(n / 2) + &"]".repeat(n / 2)
}

/// One Export-Clixml object nested as deep as the input is long.
fn deep_clixml(n: usize) -> String {
    let open = "<Obj RefId=\"0\"><Props>";
    let close = "</Props></Obj>";
    let depth = n / (open.len() + close.len());
    format!("{OBJS}{}{}\r\n</Objs>\r\n", open.repeat(depth), close.repeat(depth))
}

/// An Export-Clixml document of `<Ref>` tags that never close.
fn broken_ref_tags(n: usize) -> String {
    let tag = "<Ref N=\"Id\" RefId=\"1\" ";
    format!("{OBJS}{}", tag.repeat(n / tag.len()))
}

/// A connector whose capability list is one value as long as the input.
fn one_long_value(n: usize) -> String {
    format!(
        "Identity              : EX01\\Default Frontend EX01\r\nTlsDomainCapabilities : {{{}}}\r\n",
        "mail.protection.outlook.com:AcceptCloudServicesMail, ".repeat(n / 53)
    )
}

/// A transcript of prompts and nothing else.
fn prompts(n: usize) -> String {
    let line = "[PS] C:\\Windows\\system32>Get-ReceiveConnector | fl\r\n";
    line.repeat(n / line.len())
}

/// Printable ASCII and line ends in random order, seeded.
fn random_text(n: usize) -> String {
    let mut rng = Rng::new(SEED ^ 0x7e57);
    (0..n)
        .map(|_| match rng.below(40) {
            0 => '\n',
            1 => ':',
            2 => '{',
            3 => '}',
            _ => char::from(b' ' + rng.below(95) as u8),
        })
        .collect()
}

/// Pieces of every other shape, cut at line ends and interleaved in a seeded random order, as a
/// fuzzer would splice them.
fn mixed(n: usize) -> String {
    let mut rng = Rng::new(SEED ^ 0x5eed);
    let pieces: Vec<String> = SHAPES.iter().filter(|s| s.name != "mixed").map(|s| (s.make)(8_000)).collect();
    let mut text = String::new();
    while text.len() < n {
        let piece = &pieces[rng.below(pieces.len() as u64) as usize];
        let lines: Vec<&str> = piece.split_inclusive('\n').collect();
        let from = rng.below(lines.len() as u64) as usize;
        let count = 1 + rng.below(200) as usize;
        for line in lines.iter().skip(from).take(count) {
            text.push_str(line);
        }
    }
    // Every piece is ASCII, so any byte is a place to cut.
    text.truncate(n);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_is_about_the_size_asked_for() {
        for shape in &SHAPES {
            for size in [10_000, 100_000, 1_000_000] {
                let len = (shape.make)(size).len();
                assert!(len * 10 >= size * 8 && len <= size + size / 20, "{}: {len} bytes for {size}", shape.name);
            }
        }
    }
}
