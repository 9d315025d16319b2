//! The generated inputs on disk, kept between runs while their generators are unchanged.

use super::clixml::export_clixml;
use super::format_list::{format_list, format_list_star_2019};
use super::json::convertto_json;
use super::org::{truth, Org, Truth};
use super::Plan;
use crate::util::{write_atomically, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Format {
    /// The Exchange 2013 transcripts, one `| fl` per server: the series of sizes.
    Fl,
    /// The Exchange 2019 organisation's one `Format-List *`.
    FlStar2019,
    Json,
    Clixml,
}

impl Format {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Format::Fl => "Format-List transcript",
            Format::FlStar2019 => "Format-List * (Exchange 2019)",
            Format::Json => "ConvertTo-Json (PS 5.1)",
            Format::Clixml => "Export-Clixml (UTF-16LE)",
        }
    }
}

pub(super) struct Input {
    pub(super) key: String,
    pub(super) format: Format,
    pub(super) servers: usize,
    pub(super) path: PathBuf,
    pub(super) bytes: u64,
    pub(super) truth: Truth,
}

pub(super) fn generate_inputs(dir: &Path, run: &Plan) -> Result<Vec<Input>> {
    let mut plan: Vec<(String, Format, usize, &str)> = Vec::new();
    for &servers in run.orgs {
        plan.push((format!("fl-{servers}"), Format::Fl, servers, "txt"));
    }
    plan.push((format!("fl19-{}", run.org_2019), Format::FlStar2019, run.org_2019, "txt"));
    for &servers in run.structured {
        plan.push((format!("json-{servers}"), Format::Json, servers, "json"));
    }
    for &servers in run.structured {
        plan.push((format!("clixml-{servers}"), Format::Clixml, servers, "xml"));
    }
    // The inputs are kept while their generators are unchanged.
    let stamp_path = dir.join("inputs.stamp");
    let generators =
        [include_str!("org.rs"), include_str!("format_list.rs"), include_str!("json.rs"), include_str!("clixml.rs")];
    let generator = crate::page::sha256_hex(generators.concat().as_bytes());
    let old_stamp = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    let mut stamp = format!("generator {generator}\n");
    let same_generator = old_stamp.starts_with(&stamp);
    let mut inputs = Vec::new();
    for (key, format, servers, ext) in plan {
        let path = dir.join(format!("{key}-servers.{ext}"));
        let org = if format == Format::FlStar2019 { Org::Exchange2019 } else { Org::Exchange2013 };
        let truth = truth(org, servers);
        let size_now = std::fs::metadata(&path).map(|m| m.len()).ok();
        let kept = size_now.filter(|size| same_generator && old_stamp.lines().any(|l| l == format!("{key} {size}")));
        let bytes = match kept {
            Some(size) => {
                println!("    {key}: kept from an earlier run (same generator)");
                size
            }
            None => {
                let started = Instant::now();
                let data = match format {
                    Format::Fl => format_list(servers),
                    Format::FlStar2019 => format_list_star_2019(servers),
                    Format::Json => convertto_json(servers),
                    Format::Clixml => export_clixml(servers),
                };
                write_atomically(&path, &data)?;
                println!("    {key}: generated in {:.1} s", started.elapsed().as_secs_f64());
                data.len() as u64
            }
        };
        let _ = writeln!(stamp, "{key} {bytes}");
        inputs.push(Input { key, format, servers, path, bytes, truth });
    }
    // The inputs of other plans (a `--quick` run keeps the full run's) stay valid.
    if same_generator {
        for line in old_stamp.lines().skip(1) {
            let key = line.split(' ').next().unwrap_or("");
            if !inputs.iter().any(|input| input.key == key) {
                let _ = writeln!(stamp, "{line}");
            }
        }
    }
    write_atomically(&stamp_path, stamp.as_bytes())?;
    Ok(inputs)
}
