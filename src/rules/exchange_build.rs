//! `exchange-build`: each server's version named as product and cumulative update.

use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::builds::{parse_version, release, Version};
use crate::model::field::line_or;
use crate::model::{Field, Kind, Object, View};
use crate::report::{Reference, Remediation, Severity};

pub const BUILD_NUMBERS: Reference = Reference {
    name: "Exchange Server build numbers and release dates",
    url: "https://learn.microsoft.com/en-us/exchange/new-features/build-numbers-and-release-dates",
};
pub const HYBRID_PREREQUISITES: Reference = Reference {
    name: "Hybrid deployment prerequisites",
    url: "https://learn.microsoft.com/en-us/exchange/hybrid-deployment-prerequisites",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "exchange-build",
    severity: Severity::Warning,
    title: "Exchange server version, named as product and cumulative update",
    what_it_checks: "Reads `AdminDisplayVersion` from `Get-ExchangeServer` (and the file version from `Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }`) and names the product and cumulative update from a built-in table of builds, Exchange 2013 RTM to CU23, 2016, 2019 and Subscription Edition. The finding is a warning when the product is out of support or a newer cumulative update exists, and information otherwise.",
    why_it_matters: "The Hybrid Configuration Wizard of Exchange 2013 CU8 and earlier wrote the connector settings that broke on 2016-04-15, and only supported, current builds receive fixes for the certificate changes that keep coming. `AdminDisplayVersion` shows the cumulative update only: security updates change the file version of ExSetup.exe, not this value.",
    example: "AdminDisplayVersion : Version 15.0 (Build 1076.9)",
    fix: "Install the latest cumulative update and security update of a supported product, or move to Exchange Server Subscription Edition. No command is generated: an upgrade is a planned change.",
    fix_safety: "No command is generated.",
    references: &[BUILD_NUMBERS, HYBRID_PREREQUISITES],
    needs: &[&[Kind::ExchangeServer, Kind::FileVersionInfo]],
};

pub fn check(cx: &mut Context) {
    for view in cx.views.all() {
        let shown = match view {
            View::ExchangeServer(server) => Shown {
                index: server.index,
                object: server.object,
                version: server.admin_display_version,
                product_version: server.product_version,
                from_file: false,
            },
            View::FileVersionInfo(file) => Shown {
                index: file.index,
                object: file.object,
                version: file.file_version,
                product_version: file.product_version,
                from_file: true,
            },
            _ => continue,
        };
        check_version(cx, &shown);
    }
}

/// A version as one object shows it: a server's `AdminDisplayVersion`, or ExSetup.exe's
/// `FileVersion` (`from_file`), each with its `ProductVersion` for when it is missing.
struct Shown<'a> {
    index: usize,
    object: &'a Object,
    version: Option<Field<'a>>,
    product_version: Option<Field<'a>>,
    from_file: bool,
}

/// Names the version as product and cumulative update; the finding points at `version`'s line.
fn check_version(cx: &mut Context, shown: &Shown) {
    let Some(text) = shown.version.and_then(Field::text).or_else(|| shown.product_version.and_then(Field::text)) else {
        cx.judge(shown.index, Judgement::Unjudged);
        return;
    };
    let Some(version) = parse_version(text) else { return };
    cx.judge(shown.index, Judgement::Judged);
    let who = if shown.from_file {
        "ExSetup.exe on the server where the command ran".to_owned()
    } else {
        format!("Server '{}'", shown.object.display_identity().unwrap_or_else(|| "(name not shown)".into()))
    };
    let (severity, message) = describe(&who, version, shown.from_file, cx.options.today);
    let line = line_or(shown.version, shown.object.record.first_line);
    let remediation = Remediation::unavailable(
        "No command is generated: install the latest cumulative update (and its security update) of a supported product, or move to Exchange Server Subscription Edition.".into(),
    );
    cx.add(Draft::new(&DOC, shown.index, line, message, remediation).severity(severity).evidence(shown.version));
}

fn describe(
    who: &str,
    version: Version,
    from_file: bool,
    today: Option<crate::model::date::Date>,
) -> (Severity, String) {
    let data = crate::DATA_AS_OF;
    let Some(release) = release(version) else {
        return (
            Severity::Warning,
            format!("{who} runs version {version}, which is older than Exchange 2013 and out of support; hybrid with Exchange Online needs Exchange 2013 or later (build table as of {data})."),
        );
    };
    let mut message = format!("{who} runs {} {} (build {version}).", release.product.name, release.update);
    if release.newer_than_table {
        message.push_str(&format!(" That is newer than the built-in build table, which is as of {data}."));
    } else if release.update != release.latest {
        message.push_str(&format!(
            " The latest cumulative update of that product is {} (build table as of {data}).",
            release.latest
        ));
    }
    let out_of_support = match (release.product.support_ends, today) {
        (Some(end), Some(today)) => today > end,
        (Some(end), None) => crate::model::date::Date::parse_iso(data).is_some_and(|d| d > end),
        (None, _) => false,
    };
    if let Some(end) = release.product.support_ends.filter(|_| out_of_support) {
        message.push_str(&format!(
            " {} has been out of support since {end}: it gets no more fixes, including for certificate changes.",
            release.product.name
        ));
    }
    if from_file {
        message.push_str(&format!(
            " The file version's last part ({}) counts security updates on top of the cumulative update.",
            version.revision
        ));
    } else {
        message.push_str(" AdminDisplayVersion shows the cumulative update only, not security updates: `Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }` on the server shows those.");
    }
    let current = release.update == release.latest || release.newer_than_table;
    (if out_of_support || !current { Severity::Warning } else { Severity::Info }, message)
}
