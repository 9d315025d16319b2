//! `exchange-build`: each server's version named as product, cumulative update and security or
//! hotfix update, with its support and the dedicated hybrid application's minimum build; and
//! `exo-enforcement-throttling`: Exchange Online throttles or blocks mail from servers it
//! considers out of date, tied to the lowest builds of the paste.

use super::{Context, Draft, RuleDoc};
use crate::model::builds::{
    hybrid_app_build, latest_update, parse_version, release, update_level, HybridAppBuild, Release, UpdateLevel,
    Version, HYBRID_APP_UPDATE,
};
use crate::model::date::Date;
use crate::model::field::line_or;
use crate::model::topology::same_server;
use crate::model::{Field, Kind, Object, View};
use crate::remediation::collect;
use crate::report::{Reference, Remediation, Severity};

pub const BUILD_NUMBERS: Reference = Reference {
    name: "Exchange Server build numbers and release dates",
    url: "https://learn.microsoft.com/en-us/exchange/new-features/build-numbers-and-release-dates",
};
pub const HYBRID_PREREQUISITES: Reference = Reference {
    name: "Hybrid deployment prerequisites",
    url: "https://learn.microsoft.com/en-us/exchange/hybrid-deployment-prerequisites",
};
/// Microsoft's build table in CSS-Exchange: every security and hotfix update by file version.
pub const CSS_BUILD_TABLE: Reference = Reference {
    name: "CSS-Exchange build table (Get-ExchangeBuildVersionInformation.ps1)",
    url: "https://github.com/microsoft/CSS-Exchange/blob/main/Shared/Get-ExchangeBuildVersionInformation.ps1",
};
pub const LIFECYCLE_2019: Reference = Reference {
    name: "Exchange Server 2019 lifecycle (end of support 2025-10-14)",
    url: "https://learn.microsoft.com/en-us/lifecycle/products/exchange-server-2019",
};
pub const ESU_PROGRAM: Reference = Reference {
    name: "Announcing the Exchange 2016/2019 Extended Security Update program",
    url: "https://techcommunity.microsoft.com/blog/exchange/announcing-exchange-2016--2019-extended-security-update-program/4433495",
};
pub const DEDICATED_HYBRID_APP: Reference = Reference {
    name: "Deploy dedicated Exchange hybrid app",
    url: "https://learn.microsoft.com/en-us/exchange/hybrid-deployment/deploy-dedicated-hybrid-app",
};
pub const HYBRID_SECURITY_CHANGES: Reference = Reference {
    name: "Exchange Server security changes for hybrid deployments (April 2025)",
    url: "https://techcommunity.microsoft.com/blog/exchange/exchange-server-security-changes-for-hybrid-deployments/4396833",
};
pub const ENFORCEMENT: Reference = Reference {
    name: "Throttling and blocking email from persistently vulnerable Exchange servers to Exchange Online",
    url: "https://techcommunity.microsoft.com/t5/exchange-team-blog/throttling-and-blocking-email-from-persistently-vulnerable/bc-p/4125100",
};
pub const ENFORCEMENT_PAUSE: Reference = Reference {
    name: "How to pause throttling and blocking of out-of-date on-premises Exchange servers",
    url: "https://techcommunity.microsoft.com/t5/exchange-team-blog/how-to-pause-throttling-and-blocking-of-out-of-date-on-premises/ba-p/4007169",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "exchange-build",
    severity: Severity::Warning,
    title: "Exchange server version, named as product, cumulative update and update",
    what_it_checks: "Reads `AdminDisplayVersion` from `Get-ExchangeServer` and the file version of ExSetup.exe (`Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }`, with `ComputerName` as the collector prints it), and names the product, the cumulative update and, from the file version only, the security or hotfix update from a built-in table (Exchange 2013 RTM to Subscription Edition; updates from Microsoft's CSS-Exchange build table, newest Sep26SUv2). A revision between two known updates reads as \"at least\" the lower one, and one above every known update as newer than the table; neither is an unknown build. Exchange 2016 and 2019 are out of support since 2025-10-14; Subscription Edition is Exchange 15.2 with a build of 2562 or more. A Mailbox server (not Edge, which does not use it) below the dedicated Exchange hybrid application's minimum (the April 2025 hotfix update: 2016 CU23 `15.1.2507.55`, 2019 CU14 `15.2.1544.25`, CU15 `15.2.1748.24`, any Subscription Edition build) is an error when the paste shows an enabled Entra ID authorization server (OAuth with Exchange Online), and part of the warning otherwise; `AdminDisplayVersion` alone never proves an update missing, except for a cumulative update that has no such update at all. The finding is a warning when the product is out of support or a newer cumulative update exists, and information otherwise.",
    why_it_matters: "Exchange Online throttles and then blocks mail from on-premises servers it considers persistently vulnerable (`450 4.7.230`, `550 5.7.230`); since 2025-10-31 free/busy, MailTips and profile pictures across premises work only through the dedicated hybrid application, which needs the April 2025 hotfix update; and only supported, current builds receive fixes for the certificate changes that keep coming. `AdminDisplayVersion` shows the cumulative update only: security and hotfix updates change the file version of ExSetup.exe, not this value. Microsoft's Extended Security Update program for 2016 and 2019 ran to 2026-04-14; a second paid period from May to October 2026 (2016 CU23 and 2019 CU14/CU15 only) and an enforcement baseline of Oct25SU from September 2026 are reported only by secondary sources, so the findings state them as such and never raise the severity for them.",
    example: "ComputerName   : EXHYB01\nFileVersion    : 15.01.2507.044\n(Exchange 2016 CU23 with Nov24SUv2, below the dedicated hybrid application's minimum 15.1.2507.55)",
    fix: "Install the latest cumulative update and its newest security or hotfix update of a supported product, or move to Exchange Server Subscription Edition; the finding names the build to reach. No command is generated: an update is a planned change.",
    fix_safety: "No command is generated; the finding gives the command that shows each server's file version.",
    references: &[
        BUILD_NUMBERS,
        CSS_BUILD_TABLE,
        LIFECYCLE_2019,
        ESU_PROGRAM,
        DEDICATED_HYBRID_APP,
        HYBRID_SECURITY_CHANGES,
        HYBRID_PREREQUISITES,
    ],
    needs: &[&[Kind::ExchangeServer, Kind::FileVersionInfo]],
};

pub static THROTTLED: RuleDoc = RuleDoc {
    id: "exo-enforcement-throttling",
    severity: Severity::Error,
    title: "Exchange Online throttles or blocks mail from an out-of-date on-premises server",
    what_it_checks: "Finds the texts of Exchange Online's transport-based enforcement in the paste (`4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled` and `5.7.230 … blocked`, usually quoted as `450 4.7.230` and `550 5.7.230` in a queue's `LastError`) and names the servers with the lowest builds the paste shows (ExSetup.exe's file version where pasted, else `AdminDisplayVersion`), which are the first to update.",
    why_it_matters: "Exchange Online applies the enforcement to mail from on-premises servers over an inbound connector of type `OnPremises`: it reports, then throttles, then blocks mail from servers that are out of support or behind on updates. Throttled mail waits in the on-premises queues; blocked mail is not accepted at all.",
    example: "LastError : 450 4.7.230 Connecting Exchange server version is out-of-date; connection to Exchange Online throttled for 10 mins/hr.",
    fix: "Install the latest update on the servers the finding names (or move them to Subscription Edition); Exchange Online's report `Get-OnPremServerReportInfo` lists the servers it throttles and the builds it recommends. As a temporary measure while the update is planned, an Exchange Online administrator can pause the enforcement for up to 90 days per calendar year with `New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer -NumberOfDays <days>` (shown by `Get-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer`), which Microsoft's Exchange Team blog documents.",
    fix_safety: "No command is generated: the update is a planned change, and a pause uses up days of the yearly allowance and cannot be taken back.",
    references: &[ENFORCEMENT, ENFORCEMENT_PAUSE, BUILD_NUMBERS, CSS_BUILD_TABLE],
    needs: &[&[Kind::ExchangeServer, Kind::FileVersionInfo]],
};

/// The end of the first period of Microsoft's Extended Security Update program for Exchange 2016
/// and 2019 (the program's announcement).
const ESU_FIRST_PERIOD_ENDS: Date = Date { year: 2026, month: 4, day: 14 };

/// From when secondary sources report Exchange Online's enforcement baseline of Oct25SU for
/// Exchange 2016 and 2019 (the second week of September 2026).
const OCT25SU_BASELINE_FROM: Date = Date { year: 2026, month: 9, day: 8 };

/// A version as one object shows it, with the server it belongs to when the paste says.
struct Shown<'a> {
    index: usize,
    object: &'a Object,
    field: Option<Field<'a>>,
    version: Version,
    /// ExSetup.exe's file version (shows updates), not `AdminDisplayVersion`.
    from_file: bool,
    server: Option<String>,
    edge: bool,
    /// The paste lists the Exchange servers, and this file version's computer is not one of them
    /// (a workstation with the management tools).
    not_a_server: bool,
}

pub fn check(cx: &mut Context) {
    let shown = versions(cx);
    // The dedicated application matters where OAuth with Exchange Online is configured, which an
    // enabled Entra ID authorization server shows; a hybrid configuration alone may be mail flow only.
    let hybrid_shown = cx.views.auth_servers().any(|s| s.is_enabled_entra());
    for (at, version) in shown.iter().enumerate() {
        // A server's AdminDisplayVersion says less than its file version: when both are pasted,
        // the file version's finding speaks for the server.
        let file_too = !version.from_file
            && shown.iter().enumerate().any(|(other, o)| {
                other != at
                    && o.from_file
                    && o.server.as_deref().zip(version.server.as_deref()).is_some_and(|(a, b)| same_server(a, b))
            });
        if !file_too {
            report_version(cx, version, hybrid_shown);
        }
    }
    throttling(cx, &shown);
}

/// Every version the paste shows, judged or left unjudged when it shows none.
fn versions<'a>(cx: &mut Context<'a>) -> Vec<Shown<'a>> {
    let mut shown = Vec::new();
    for view in cx.views.all() {
        let (index, object, field, product_version, from_file, server, role_edge) = match view {
            View::ExchangeServer(server) => {
                let role = server.server_role.and_then(Field::text).unwrap_or_default();
                let name = cx.topology.servers.iter().find(|s| s.object == server.index).map(|s| s.name.clone());
                let edge = role.to_ascii_lowercase().contains("edge");
                (server.index, server.object, server.admin_display_version, server.product_version, false, name, edge)
            }
            View::FileVersionInfo(file) => {
                (file.index, file.object, file.file_version, file.product_version, true, file.server(), false)
            }
            _ => continue,
        };
        let field = field.filter(|f| f.text().is_some()).or(product_version);
        let Some(text) = field.and_then(Field::text) else {
            cx.judge(index, super::Judgement::Unjudged);
            continue;
        };
        let Some(version) = parse_version(text) else { continue };
        cx.judge(index, super::Judgement::Judged);
        let edge = role_edge || server.as_deref().is_some_and(|name| is_edge(cx, name));
        let not_a_server = from_file
            && !cx.topology.servers.is_empty()
            && server.as_deref().is_some_and(|name| cx.topology.server(name).is_none());
        shown.push(Shown { index, object, field, version, from_file, server, edge, not_a_server });
    }
    shown
}

/// True when the paste shows `name` as an Edge Transport server (its role, or the hybrid
/// configuration's `EdgeTransportServers`).
fn is_edge(cx: &Context, name: &str) -> bool {
    cx.topology.server(name).is_some_and(|s| s.edge)
        || cx.topology.hybrid.is_some_and(|h| h.edge_servers().iter().any(|e| same_server(e, name)))
}

/// The finding about one version.
fn report_version(cx: &mut Context, shown: &Shown, hybrid_shown: bool) {
    let today = cx.options.today.or_else(|| Date::parse_iso(crate::DATA_AS_OF));
    let who = match (&shown.server, shown.from_file) {
        (Some(computer), true) if shown.not_a_server => format!("ExSetup.exe on computer '{computer}'"),
        (Some(server), true) => format!("ExSetup.exe on server '{server}'"),
        (Some(server), false) => format!("Server '{server}'"),
        (None, true) => "ExSetup.exe on the computer where the command ran".to_owned(),
        (None, false) => {
            format!("Server '{}'", shown.object.display_identity().unwrap_or_else(|| "(name not shown)".into()))
        }
    };
    let line = line_or(shown.field, shown.object.record.first_line);
    let Some(release) = release(shown.version) else {
        let message = format!(
            "{who} runs version {}, which is older than Exchange 2013 and out of support; hybrid with Exchange Online needs Exchange 2013 or later, and Exchange Online throttles and blocks mail from such servers (build table as of {}).",
            shown.version,
            crate::DATA_AS_OF
        );
        let draft = Draft::new(&DOC, shown.index, line, message, next_step(shown, true));
        cx.add(draft.evidence(shown.field));
        return;
    };
    let mut message = format!("{who} runs {} {}", release.product.name, release.update);
    let mut severity = Severity::Info;
    describe_update(&mut message, shown, release);
    let out_of_support = describe_support(&mut message, shown, release, today);
    if out_of_support || !is_current(release) {
        severity = Severity::Warning;
    }
    if describe_hybrid_app(&mut message, shown, hybrid_shown) {
        severity = Severity::Error;
    }
    describe_oct25su_baseline(&mut message, shown, release, today);
    let draft = Draft::new(&DOC, shown.index, line, message, next_step(shown, out_of_support));
    cx.add(draft.severity(severity).evidence(shown.field));
}

/// The update the version shows, or that `AdminDisplayVersion` cannot show it, and the newest
/// cumulative update and update the table knows.
fn describe_update(message: &mut String, shown: &Shown, release: Release) {
    let version = shown.version;
    let data = crate::DATA_AS_OF;
    if shown.from_file {
        match update_level(version) {
            UpdateLevel::Exact(name) => message.push_str(&format!(" with {name} (build {version})")),
            UpdateLevel::AtLeast(name) => message.push_str(&format!(
                " with at least {name} (build {version}; revision {} is not in the built-in table, which names updates only by their exact revision)",
                version.revision
            )),
            UpdateLevel::NewerThanTable(name) => message.push_str(&format!(
                " with an update newer than the built-in table (build {version}; the newest update it knows is {name}, table as of {data})"
            )),
            UpdateLevel::None => message.push_str(&format!(" without a security or hotfix update (build {version})")),
            UpdateLevel::Unknown => message.push_str(&format!(
                " (build {version}; the built-in table names no update of this cumulative update)"
            )),
        }
        message.push('.');
    } else {
        message.push_str(&format!(
            " (build {version}). AdminDisplayVersion shows the cumulative update only, never a security or hotfix update: ExSetup.exe's file version on the server shows which one is installed."
        ));
    }
    if release.newer_than_table {
        message.push_str(&format!(
            " That cumulative update is newer than the built-in build table, which is as of {data}."
        ));
    } else if release.update != release.latest {
        message.push_str(&format!(
            " The latest cumulative update of that product is {} (build table as of {data}).",
            release.latest
        ));
    } else if let Some(latest) = latest_update(version).filter(|_| shown.from_file) {
        let at_latest = match update_level(version) {
            UpdateLevel::Exact(name) => name == latest,
            UpdateLevel::NewerThanTable(_) => true,
            _ => false,
        };
        if !at_latest {
            message.push_str(&format!(" The newest update of {} the table knows is {latest}.", release.update));
        }
    }
}

/// True when the version is on its product's latest cumulative update, or newer than the table.
fn is_current(release: Release) -> bool {
    release.update == release.latest || release.newer_than_table
}

/// Says when the product's support ended and what the Extended Security Updates mean for it; true
/// when the product is out of support.
fn describe_support(message: &mut String, shown: &Shown, release: Release, today: Option<Date>) -> bool {
    let Some(end) = release.product.support_ends else {
        message
            .push_str(" Subscription Edition is supported under the Modern Lifecycle Policy while it is kept current.");
        return false;
    };
    if today.is_none_or(|today| today <= end) {
        return false;
    }
    message.push_str(&format!(
        " {} has been out of support since {end}: Exchange Online treats out-of-support servers as persistently vulnerable and throttles, then blocks their mail.",
        release.product.name
    ));
    if shown.version.minor >= 1 {
        if today.is_some_and(|today| today > ESU_FIRST_PERIOD_ENDS) {
            message.push_str(&format!(
                " Microsoft's Extended Security Update program for 2016 and 2019 ran to {ESU_FIRST_PERIOD_ENDS} for the customers who bought it; secondary sources only (no Microsoft page hybridcheck could check) report a second paid period to October 2026 for 2016 CU23 and 2019 CU14/CU15, so no further update can be counted on."
            ));
        } else {
            message.push_str(&format!(
                " Only customers of Microsoft's Extended Security Update program receive updates, until {ESU_FIRST_PERIOD_ENDS}."
            ));
        }
        message.push_str(" The supported path is an upgrade to Exchange Server Subscription Edition.");
    }
    true
}

/// Says whether the version meets the dedicated hybrid application's minimum; true when it is
/// proved below it on a server that uses the application while the paste shows hybrid.
fn describe_hybrid_app(message: &mut String, shown: &Shown, hybrid_shown: bool) -> bool {
    if shown.edge {
        message.push_str(" Edge Transport servers do not use the dedicated Exchange hybrid application, so its minimum build does not apply here.");
        return false;
    }
    if shown.not_a_server {
        let name = shown.server.as_deref().unwrap_or_default();
        message.push_str(&format!(" '{name}' is not among the Exchange servers the paste lists (a workstation with the management tools has its own ExSetup.exe), so it is not judged against the dedicated hybrid application's minimum."));
        return false;
    }
    if shown.from_file && shown.server.is_none() {
        message.push_str(" The paste does not say which computer this file version is from (a workstation with the management tools has its own), so it is not judged against the dedicated hybrid application's minimum; paste it with the server's name as the command below prints it.");
        return false;
    }
    match hybrid_app_build(shown.version, shown.from_file) {
        HybridAppBuild::Met => false,
        HybridAppBuild::NeedsFileVersion => {
            message.push_str(&format!(
                " Whether it has the update the dedicated Exchange hybrid application needs ({HYBRID_APP_UPDATE} or later) shows only in ExSetup.exe's file version."
            ));
            false
        }
        HybridAppBuild::BelowUpdate { minimum } => {
            message.push_str(&format!(
                " That is below the minimum build of the dedicated Exchange hybrid application, {minimum} ({HYBRID_APP_UPDATE}): since 2025-10-31 Exchange Online refuses free/busy, MailTips and profile picture requests made with the shared application, so install {HYBRID_APP_UPDATE} or a later update of this cumulative update."
            ));
            hybrid_shown
        }
        HybridAppBuild::CumulativeUpdateTooOld => {
            message.push_str(&format!(
                " No build of this cumulative update can use the dedicated Exchange hybrid application, which needs Exchange 2016 CU23, 2019 CU14 or CU15 with {HYBRID_APP_UPDATE} or later, or Subscription Edition: since 2025-10-31 free/busy, MailTips and profile pictures across premises fail from this server."
            ));
            hybrid_shown
        }
    }
}

/// Says, as a secondary-source report, that Exchange Online's enforcement baseline for 2016 and
/// 2019 has been Oct25SU since September 2026, when the file version is below it.
fn describe_oct25su_baseline(message: &mut String, shown: &Shown, release: Release, today: Option<Date>) {
    let baseline = crate::model::builds::update_build(shown.version, "Oct25SU");
    let below = match baseline {
        Some(baseline) => shown.from_file && shown.version < baseline,
        // 2016 CU22 and 2019 CU13 or older have no Oct25SU at all.
        None => release.product.support_ends.is_some() && shown.version.minor >= 1 && !release.newer_than_table,
    };
    let subscription_edition = release.product.support_ends.is_none();
    if below
        && shown.version.minor >= 1
        && !subscription_edition
        && today.is_some_and(|today| today >= OCT25SU_BASELINE_FROM)
    {
        message.push_str(" Secondary sources (no Microsoft page hybridcheck could check) report that since September 2026 Exchange Online throttles, then blocks mail from 2016 and 2019 servers below Oct25SU (2016 CU23 15.1.2507.61, 2019 CU14 15.2.1544.36, CU15 15.2.1748.39).");
    }
}

/// What to do: words, and the command that shows each server's file version.
fn next_step(shown: &Shown, out_of_support: bool) -> Remediation {
    let newest = latest_update(shown.version);
    let minimum = match hybrid_app_build(shown.version, shown.from_file) {
        HybridAppBuild::BelowUpdate { minimum } if !shown.edge && shown.server.is_some() && !shown.not_a_server => {
            format!(" For the dedicated hybrid application, at least {HYBRID_APP_UPDATE} ({minimum}) is needed.")
        }
        _ => String::new(),
    };
    let words = match (release(shown.version), newest) {
        (Some(release), _) if release.update != release.latest && release.product.support_ends.is_some() && out_of_support => format!(
            "move to Exchange Server Subscription Edition, the supported path; until then install the product's latest cumulative update ({}) and its newest update",
            release.latest
        ),
        (Some(release), _) if release.update != release.latest => {
            format!("install the latest cumulative update ({}) and its newest update", release.latest)
        }
        (Some(_), Some(newest)) if out_of_support => format!(
            "move to Exchange Server Subscription Edition, the supported path; until then install the newest update of this cumulative update you can get (the table's newest is {newest}; updates released after the end of support go to Extended Security Update customers only)"
        ),
        (Some(_), Some(newest)) => format!("install the newest update of this cumulative update ({newest} in the table)"),
        _ => "move to Exchange Server Subscription Edition, or to a supported cumulative update and its newest update".to_owned(),
    };
    Remediation::check_only(
        vec![collect::exsetup_version()],
        format!(
            "No command is generated: {words}.{minimum} The command below, run on each Exchange server, shows the installed update with the server's name."
        ),
    )
}

/// The enforcement finding: at the first line that shows Exchange Online throttling or blocking,
/// naming the servers with the lowest builds.
fn throttling(cx: &mut Context, shown: &[Shown]) {
    let texts: Vec<(usize, crate::source::LineNo, &str, bool)> = cx
        .views
        .all()
        .filter_map(|view| match view {
            View::Symptom(index, text)
                if text.symptom.id == THROTTLED_SYMPTOM || text.symptom.id == BLOCKED_SYMPTOM =>
            {
                Some((*index, text.line, text.text, text.symptom.id == BLOCKED_SYMPTOM))
            }
            _ => None,
        })
        .collect();
    let Some(&(first, line, _, _)) = texts.first() else { return };
    let blocked = texts.iter().any(|t| t.3);
    let mut message = format!(
        "Exchange Online {} mail from an on-premises server it considers out of date (its transport-based enforcement, for mail over an inbound connector of type OnPremises).",
        if blocked { "blocks" } else { "throttles" }
    );
    message.push_str(&lowest_builds(shown));
    message.push_str(
        " Exchange Online's `Get-OnPremServerReportInfo` names the servers it throttles and the builds it recommends.",
    );
    let evidence = texts.iter().take(3).map(|&(_, line, text, _)| crate::report::Evidence {
        property: "Text".into(),
        value: text.to_owned(),
        line,
        truncated: false,
    });
    let remediation = Remediation::check_only(
        vec![collect::exsetup_version(), collect::exchange_servers()],
        "No command is generated: install the latest update on the servers named (or move them to Exchange Server Subscription Edition). While the update is planned, an Exchange Online administrator can pause the enforcement for up to 90 days per calendar year with New-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer -NumberOfDays <days> in Exchange Online PowerShell (Get-TenantExemptionInfo -BlockingScenario UnpatchedOnPremServer shows the pause); the days count against the yearly allowance and a pause cannot be taken back, so choose the fewest days the update needs. The commands below show each server's build.".into(),
    );
    cx.add(Draft::new(&THROTTLED, first, line, message, remediation).evidence_items(evidence));
}

/// The servers with the lowest builds the paste shows, in words.
fn lowest_builds(shown: &[Shown]) -> String {
    // Per server, its file version when pasted, else its AdminDisplayVersion.
    let mut servers: Vec<(&str, Version, bool)> = Vec::new();
    for s in shown.iter().filter(|s| s.server.is_some() && !s.not_a_server) {
        let name = s.server.as_deref().unwrap_or_default();
        match servers.iter_mut().find(|(n, _, _)| same_server(n, name)) {
            Some(known) if s.from_file && !known.2 => *known = (name, s.version, true),
            Some(_) => {}
            None => servers.push((name, s.version, s.from_file)),
        }
    }
    let Some(lowest) = servers.iter().map(|(_, v, _)| *v).min() else {
        return " The paste shows no server's build: paste each server's ExSetup.exe file version (the command below) to see which servers to update first.".into();
    };
    // Servers on the same cumulative update count together when only AdminDisplayVersion is known.
    let same = |v: Version| (v.major, v.minor, v.build) == (lowest.major, lowest.minor, lowest.build);
    let named: Vec<String> = servers
        .iter()
        .filter(|(_, v, from_file)| if *from_file { *v == lowest } else { same(*v) })
        .map(|(name, v, from_file)| {
            let what = release(*v).map(|r| format!("{} {}", r.product.name, r.update)).unwrap_or_default();
            let level = match (from_file, update_level(*v)) {
                (true, UpdateLevel::Exact(n) | UpdateLevel::AtLeast(n)) => format!(" {n}"),
                _ => String::new(),
            };
            let shown = if *from_file { "" } else { ", update not shown" };
            format!("'{name}' ({what}{level}, {v}{shown})")
        })
        .collect();
    format!(" The lowest builds in this paste, the first to update: {}.", named.join(", "))
}

/// The symptom ids of the enforcement's texts (see `formats::symptom`).
pub const THROTTLED_SYMPTOM: &str = "exo-enforcement-throttled";
pub const BLOCKED_SYMPTOM: &str = "exo-enforcement-blocked";
