//! `legacy-exo-tls-capability`: a receive connector still keyed to the certificate Exchange
//! Online used before 2016-04-15 (KB 3156771).

use super::{Context, Judgement, RuleDoc};
use crate::formats::{Format, Value};
use crate::model::builds::{Version, EXCHANGE_2013_CU9_BUILD};
use crate::model::capabilities::{self, fold, Capability, Key};
use crate::model::redaction;
use crate::model::Kind;
use crate::remediation::{self, collect, CapabilityReplacement};
use crate::report::{Diagnostic, Evidence, Finding, Reference, Remediation, Severity};
use std::collections::{BTreeMap, BTreeSet};

pub const ID: &str = "legacy-exo-tls-capability";

/// The issuer of the old Exchange Online certificate, folded (see [`fold`]).
const LEGACY_ISSUER: &str = "cn=msitmachineauthca2";

/// The same issuer as it starts a certificate key, folded.
const LEGACY_ISSUER_KEY: &str = "<i>cn=msitmachineauthca2";

/// The entry the Hybrid Configuration Wizard of Exchange 2013 CU8 and earlier wrote.
pub const HCW_LEGACY_ENTRY: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";

const REPLACEMENT_DOMAIN: &str = "mail.protection.outlook.com";

pub const KB3156771: Reference = Reference {
    name: "KB3156771",
    url:
        "https://learn.microsoft.com/en-us/exchange/troubleshoot/email-delivery/mails-issues-occur-after-april-15-2016",
};
pub const HYBRID_WIZARD: Reference =
    Reference { name: "Hybrid Configuration Wizard", url: "https://aka.ms/HybridWizard" };

pub static DOC: RuleDoc = RuleDoc {
    id: ID,
    severity: Severity::Error,
    title: "Receive connector trusts the Exchange Online certificate retired in April 2016",
    what_it_checks: "Looks at the `TlsDomainCapabilities` of every receive connector for an entry whose certificate issuer is `MSIT Machine Auth CA 2`, compared without regard to case, line wrapping or lost spaces. Only that property counts: the same words in `Comment` or any other property are not a finding. A list cut with `...` still yields the finding when the visible part shows the issuer. A list with an entry that looks redacted (`{<redacted>}`, `<I>CN=xxx<S>...`) is not judged unless a stale entry is visible beside it (the info diagnostic `redacted-value` says so).",
    why_it_matters: "The Hybrid Configuration Wizard of Exchange 2013 CU8 and earlier keyed the connector's trust for Exchange Online mail to the certificate Exchange Online presented at the time. On 2016-04-15 Exchange Online moved to a certificate from another issuer, so the entry no longer matches anything. Mail from Exchange Online is then treated as anonymous: Skype for Business presence disappears, senders show as `First Last <address>`, and depending on the setup messages are deferred with `451 4.7.0 ... PRX5`, queue with `454 4.7.5`, or bounce with `550 5.7.1 Unable to relay`.",
    example: "TlsDomainCapabilities : {<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail}",
    fix: "Preferred: install the latest cumulative update on at least one server that handles hybrid mail flow, then run the current Hybrid Configuration Wizard, which writes the entry anew (KB 3156771, Method 1). Otherwise replace the stale entry with `mail.protection.outlook.com:AcceptCloudServicesMail` (Method 2): `Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'`. The generated command replaces only the stale entries and keeps every other entry of the list.",
    fix_safety: "Safe when the whole list was seen: the command names the complete new list and the rollback restores the list exactly as pasted. When the list was cut (`...`), its spacing had to be guessed, or an entry looks redacted, the commands read the list from the server, remove only the stale entries and keep the rest; review them, and run the rollback in the same session. No command is printed for an identity that was not shown whole or that holds control or invisible characters.",
    references: &[KB3156771, HYBRID_WIZARD],
};

/// True for an entry keyed to a certificate from the retired issuer, judged on the issuer only.
pub fn is_legacy(entry: &Capability) -> bool {
    match &entry.key {
        Key::Certificate { issuer, .. } => fold(issuer).contains(LEGACY_ISSUER),
        Key::Domain(_) => false,
    }
}

pub fn check(cx: &mut Context) {
    let route = route(cx);
    // Sections whose receive connectors lack the property, for one diagnostic per section.
    let mut not_shown: BTreeMap<(usize, u32), (Format, usize)> = BTreeMap::new();
    let mut lost: BTreeMap<(usize, u32), usize> = BTreeMap::new();
    // Connectors whose list another object of the paste shows (an Exchange 2010 warning beside
    // the table row of the same connector) are not "not shown".
    // Made on first need: most pastes show the list of every connector.
    let mut shown: Option<BTreeSet<String>> = None;
    // Made on first need too: how often each receive connector appears.
    let mut counts: Option<BTreeMap<String, usize>> = None;
    let shown_identities = |objects: &[crate::model::Object]| -> BTreeSet<String> {
        // Filled by `insert`, not `collect`, which would add a sort of its own to the page (see `sort`).
        let mut shown = BTreeSet::new();
        for object in objects.iter().filter(|o| o.kind == Kind::ReceiveConnector) {
            if object.record.get("TlsDomainCapabilities").is_some_and(|p| !matches!(p.value, Value::Lost(_))) {
                shown.extend(object.identity.as_ref().map(|i| i.text.to_ascii_lowercase()));
            }
        }
        shown
    };
    for (index, object) in cx.objects.iter().enumerate() {
        if object.kind != Kind::ReceiveConnector {
            continue;
        }
        let at = (object.input, object.section_line);
        let Some(prop) = object.record.get("TlsDomainCapabilities") else {
            let shown = shown.get_or_insert_with(|| shown_identities(cx.objects));
            if object.identity.as_ref().is_some_and(|i| shown.contains(&i.text.to_ascii_lowercase())) {
                continue;
            }
            not_shown.entry(at).or_insert((object.format, 0)).1 += 1;
            cx.judge(index, Judgement::Unjudged);
            continue;
        };
        if let Value::Lost(_) = prop.value {
            *lost.entry(at).or_insert(0) += 1;
            cx.judge(index, Judgement::Unjudged);
            continue;
        }
        let list = capabilities::from_value(&prop.value, prop.truncated);
        let stale: Vec<&Capability> = list.entries.iter().filter(|e| is_legacy(e)).collect();
        // When the entries could not be split (a word cut mid-way and a space put back where
        // none was), the folded text still shows the issuer; the fix then works on the server.
        // The key starts with `<`, which folding keeps: text without one cannot hold it.
        let unsplit =
            stale.is_empty() && mentions(&prop.value, b'<') && fold(&raw_text(&prop.value)).contains(LEGACY_ISSUER_KEY);
        let name = || object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
        if list.truncated {
            let name = name();
            cx.add_diagnostic(
                Diagnostic::new(
                    "truncated-value",
                    if stale.is_empty() { Severity::Warning } else { Severity::Info },
                    object.input,
                    Some(prop.line),
                    format!("The TlsDomainCapabilities list of '{name}' was cut short with '...', so the paste does not show all of its entries."),
                    if object.format == Format::FormatTable {
                        "A table cuts long values to its column's width: run the command below (a list shows whole values) and paste its output."
                    } else {
                        "Run the command below in the same shell, then your command again, and paste the new output."
                    }
                    .into(),
                )
                .with_commands(vec![if object.format == Format::FormatTable {
                    collect::receive_connectors()
                } else {
                    collect::whole_lists()
                }]),
            );
        }
        // An entry the paste hid (`<I>CN=xxx<S>...`, `{redacted}`) may be the stale one; beside a
        // visible stale entry, it must not be written back by the fix. (The entries of a list
        // with a stale one are few: only the others are asked.)
        let hidden = if stale.is_empty() && !unsplit {
            redaction::hidden_in(&prop.value)
        } else if unsplit {
            None
        } else {
            list.entries
                .iter()
                .filter(|e| !stale.iter().any(|s| std::ptr::eq(*s, *e)))
                .find_map(|e| redaction::hidden_part(&e.to_exchange_string()))
        };
        if let (Some(part), true) = (&hidden, stale.is_empty() && !unsplit) {
            cx.judge(index, Judgement::Unjudged);
            cx.hidden_value(
                index,
                "TlsDomainCapabilities",
                part,
                "whether an entry still trusts the Exchange Online certificate retired in April 2016 (KB 3156771)",
            );
            continue;
        }
        if stale.is_empty() && !unsplit {
            // A cut list without a visible stale entry may still hide one.
            cx.judge(index, if list.truncated { Judgement::Unjudged } else { Judgement::Judged });
            continue;
        }
        cx.judge(index, Judgement::Judged);
        let name = name();
        let mut evidence: Vec<Evidence> = stale
            .iter()
            .map(|entry| {
                // The entry as pasted; spaces guessed at wrap points are not shown when the entry
                // is the wizard's own.
                let value = if prop.inexact && fold(&entry.to_exchange_string()) == fold(HCW_LEGACY_ENTRY) {
                    HCW_LEGACY_ENTRY.to_owned()
                } else {
                    entry.pasted.clone()
                };
                Evidence {
                    property: prop.name.to_string(),
                    value,
                    line: prop.line,
                    truncated: list.truncated || !entry.complete,
                }
            })
            .collect();
        if unsplit {
            evidence.push(Evidence {
                property: prop.name.to_string(),
                value: raw_text(&prop.value),
                line: prop.line,
                truncated: list.truncated,
            });
        }
        let caps =
            stale.iter().find(|e| e.complete).map_or("AcceptCloudServicesMail".to_owned(), |e| e.capabilities.clone());
        // A connector name the paste hid is never put in a command (`model::redaction`).
        if let Some(part) = object.identity.as_ref().and_then(|i| redaction::hidden_part(&i.text)) {
            let field =
                ["Identity", "Id", "Name"].into_iter().find(|p| object.record.get(p).is_some()).unwrap_or("Identity");
            cx.hidden_value(index, field, &part, "the connector's name, so that the commands can name it");
        }
        let remediation = match cx.target(index) {
            Err(reason) => Remediation::unavailable(reason.note(Kind::ReceiveConnector)),
            Ok(target) => {
                for entry in list.entries.iter().filter(|e| !is_legacy(e)) {
                    cx.kept_unnamed(index, "TlsDomainCapabilities entry", &entry.to_exchange_string());
                }
                let identity = object.identity.as_ref().map(|i| i.text.to_ascii_lowercase());
                let counts = counts.get_or_insert_with(|| identity_counts(cx.objects));
                let plan = CapabilityReplacement {
                    target: &target,
                    list: &list,
                    exact: !prop.inexact,
                    // A hidden entry must not be written back: the list is then filtered on the server.
                    whole: !unsplit
                        && !prop.not_current
                        && hidden.is_none()
                        && identity.is_some_and(|i| counts.get(&i) == Some(&1)),
                    is_stale: is_legacy,
                    stale_pattern: "*MSIT Machine Auth CA 2*",
                    replacement: &format!("{REPLACEMENT_DOMAIN}:{caps}"),
                    canonical_stale: HCW_LEGACY_ENTRY,
                    number: cx.findings.len() + 1,
                };
                let plan = remediation::replace_capabilities(&plan);
                cx.settle(index, plan)
            }
        };
        let mut remediation = remediation;
        if object.format == Format::Exchange2010Warning && remediation.safety() != crate::report::Safety::Unavailable {
            remediation.notes.push("Run these commands in the Exchange Management Shell of an Exchange 2013 or later server: the Exchange 2010 tools cannot read this connector.".into());
        }
        if let Some(part) = &hidden {
            remediation
                .notes
                .retain(|note| !note.starts_with("The paste does not show the connector's whole list exactly"));
            remediation.notes.insert(0, format!("The list shows an entry that looks redacted ('{part}'), so the fix reads the current list from the server and removes only the stale entries; the hidden entry is kept as the server holds it."));
        }
        remediation.preferred = Some(route.clone());
        cx.findings.push(Finding {
            rule: ID,
            severity: DOC.severity,
            kind: object.kind.as_str(),
            identity: object.display_identity(),
            server: crate::model::topology::receive_connector_server(object),
            input: object.input,
            line: prop.line,
            message: format!(
                "Receive connector '{name}' still trusts the Exchange Online certificate issued by MSIT Machine Auth CA 2, which Exchange Online stopped using on 2016-04-15, so mail from Exchange Online is no longer recognised as hybrid mail."
            ),
            evidence,
            references: DOC.references.to_vec(),
            remediation,
        });
    }
    for ((input, line), (format, count)) in not_shown {
        let shown = if format == Format::FormatTable {
            "The table view of Get-ReceiveConnector does not show"
        } else {
            "The pasted receive connectors do not include"
        };
        cx.add_diagnostic(
            Diagnostic::new(
                "property-not-shown",
                Severity::Warning,
                input,
                Some(line),
                format!(
                    "{shown} TlsDomainCapabilities, so {count} receive connector{} could not be checked.",
                    plural(count)
                ),
                "Run the command below and paste its output.".into(),
            )
            .with_commands(vec![collect::receive_connectors()]),
        );
    }
    for ((input, line), count) in lost {
        cx.add_diagnostic(
            Diagnostic::new(
                "values-lost-in-csv",
                Severity::Warning,
                input,
                Some(line),
                format!(
                    "Export-Csv wrote a type name instead of the TlsDomainCapabilities values, so {count} receive connector{} could not be checked; this does not mean they are healthy.",
                    plural(count)
                ),
                "Run the command below (or use Export-Clixml) and paste that output instead of the CSV.".into(),
            )
            .with_commands(vec![collect::receive_connectors()]),
        );
    }
}

/// The KB's Method 1 for this organisation. The wizard writes the current entry only when it
/// runs on Exchange 2013 CU9 or later, so when every server that handles hybrid mail is older,
/// a cumulative update comes first.
fn route(cx: &Context) -> String {
    const TAIL: &str = "The commands below are Method 2, for when that cannot be done now.";
    let servers = cx.topology.hybrid_servers(cx.objects);
    let versions: Vec<(&str, Option<Version>)> =
        servers.iter().map(|name| (name.as_str(), cx.topology.server(name).and_then(|s| s.version))).collect();
    let old = |v: &Version| v.major == 15 && v.minor == 0 && v.build < EXCHANGE_2013_CU9_BUILD;
    let all_known = !versions.is_empty() && versions.iter().all(|(_, v)| v.is_some());
    if all_known && versions.iter().all(|(_, v)| v.as_ref().is_some_and(old)) {
        format!("Method 1 (preferred, KB 3156771): every server that handles hybrid mail in this paste runs Exchange 2013 CU8 or earlier, so first install the latest cumulative update on at least one of them, then run the current Hybrid Configuration Wizard (https://aka.ms/HybridWizard) from that server; it writes this setting anew. {TAIL}")
    } else if let Some((name, _)) = versions
        .iter()
        // The wizard runs on a Mailbox server, never on an Edge Transport server.
        .filter(|(name, _)| !cx.topology.server(name).is_some_and(|s| s.edge))
        .find(|(_, v)| v.as_ref().is_some_and(|v| !old(v)))
    {
        format!("Method 1 (preferred, KB 3156771): run the current Hybrid Configuration Wizard (https://aka.ms/HybridWizard) from '{name}', which runs a cumulative update later than Exchange 2013 CU8; it writes this setting anew. {TAIL}")
    } else {
        format!("Method 1 (preferred, KB 3156771): if the servers that handle hybrid mail run Exchange 2013 CU8 or earlier, install the latest cumulative update on at least one of them; then run the current Hybrid Configuration Wizard (https://aka.ms/HybridWizard), which writes this setting anew. {TAIL}")
    }
}

/// True when the text of a value (or of any item of a list) holds `byte`.
fn mentions(value: &Value, byte: u8) -> bool {
    match value {
        Value::List(items) => {
            items.iter().filter_map(Value::as_text).any(|text| memchr::memchr(byte, text.as_bytes()).is_some())
        }
        other => other.as_text().is_some_and(|text| memchr::memchr(byte, text.as_bytes()).is_some()),
    }
}

/// The property's text as shown, for matching and evidence.
fn raw_text(value: &Value) -> String {
    match value {
        Value::List(items) => items.iter().filter_map(Value::as_text).collect::<Vec<_>>().join(", "),
        other => other.as_text().unwrap_or_default().to_owned(),
    }
}

/// How often the paste shows each receive connector (by lowercased identity). A connector shown
/// twice (two pastes, or a copy and a later state) may hold either list now.
fn identity_counts(objects: &[crate::model::Object]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for object in objects.iter().filter(|o| o.kind == Kind::ReceiveConnector) {
        if let Some(identity) = &object.identity {
            *counts.entry(identity.text.to_ascii_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    /// The wizard is never sent to an Edge Transport server, even when it is the only server
    /// with a later build.
    #[test]
    fn never_runs_the_wizard_from_an_edge_server() {
        let paste = "[PS] C:\\>Get-ExchangeServer | fl Name,ServerRole,Edition,AdminDisplayVersion\n\n\
            Name                : EDGE01\nServerRole          : Edge\nEdition             : Standard\nAdminDisplayVersion : Version 15.1 (Build 2507.6)\n\n\
            Name                : EX01\nServerRole          : Mailbox, ClientAccess\nEdition             : Standard\nAdminDisplayVersion : Version 15.0 (Build 1044.25)\n\n\
            [PS] C:\\>Get-ReceiveConnector -Server EX01 | fl Identity,TransportRole,TlsDomainCapabilities\n\n\
            Identity              : EX01\\Default Frontend EX01\nTransportRole         : FrontendTransport\n\
            TlsDomainCapabilities : {<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail}\n";
        let report = crate::check_text(paste);
        let finding = report.findings.iter().find(|f| f.rule == "legacy-exo-tls-capability").expect("the finding");
        let preferred = finding.remediation.preferred.as_deref().unwrap_or_default();
        assert!(preferred.starts_with("Method 1"), "{preferred}");
        assert!(!preferred.contains("EDGE01"), "{preferred}");
    }
}
