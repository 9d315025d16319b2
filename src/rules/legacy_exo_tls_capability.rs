//! `legacy-exo-tls-capability`: a receive connector still keyed to the certificate Exchange
//! Online used before 2016-04-15 (KB 3156771). The same pass reports the entries keyed to any
//! other certificate of Exchange Online as `exo-tls-capability-pinned`, one finding per connector.

use super::exo_tls_capability_pinned::{self as pinned, is_pinned, PINNED_PATTERN};
use super::{Context, Draft, Judgement, RuleDoc};
use crate::formats::{Format, Value};
use crate::model::builds::{Version, EXCHANGE_2013_CU9_BUILD};
use crate::model::capabilities::{self, fold, Capability, CapabilityList, Key};
use crate::model::{redaction, Field, Kind, ReceiveConnector, Views};
use crate::remediation::{self, collect, CapabilityReplacement};
use crate::report::{Diagnostic, Evidence, Reference, Remediation, Severity};
use crate::source::LineNo;
use std::collections::{BTreeMap, BTreeSet};

pub const ID: &str = "legacy-exo-tls-capability";

/// The issuer of the old Exchange Online certificate, folded (see [`fold`]).
const LEGACY_ISSUER: &str = "cn=msitmachineauthca2";

/// The same issuer as it starts a certificate key, folded.
const LEGACY_ISSUER_KEY: &str = "<i>cn=msitmachineauthca2";

/// A subject of Exchange Online's certificate as it follows the issuer in a key, folded.
const PINNED_SUBJECT_KEY: &str = "<s>cn=mail.protection.outlook.com";

/// The `-like` pattern that matches the retired certificate's entries on the server.
const LEGACY_PATTERN: &str = "*MSIT Machine Auth CA 2*";

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
    what_it_checks: "Looks at the `TlsDomainCapabilities` of every receive connector for an entry whose certificate issuer is `MSIT Machine Auth CA 2`, compared without regard to case, line wrapping or lost spaces. Only that property counts: the same words in `Comment` or any other property are not a finding. A list cut with `...` still yields the finding when the visible part shows the issuer. A list with an entry that looks redacted (`{<redacted>}`, `<I>CN=xxx<S>...`) is not judged unless a stale entry is visible beside it (the info diagnostic `redacted-value` says so). An entry whose `<I>` and `<S>` marks a copy dropped (`CN=MSIT Machine Auth CA 2, ..., DC=comCN=mail.protection.outlook.com, ...:AcceptCloudServicesMail`) is read as the certificate it names, but not as read exactly.",
    why_it_matters: "The Hybrid Configuration Wizard of Exchange 2013 CU8 and earlier keyed the connector's trust for Exchange Online mail to the certificate Exchange Online presented at the time. On 2016-04-15 Exchange Online moved to a certificate from another issuer, so the entry no longer matches anything. Mail from Exchange Online is then treated as anonymous: Skype for Business presence disappears, senders show as `First Last <address>`, and depending on the setup messages are deferred with `451 4.7.0 ... PRX5`, queue with `454 4.7.5`, or bounce with `550 5.7.1 Unable to relay`.",
    example: "TlsDomainCapabilities : {<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail}",
    fix: "Preferred: install the latest cumulative update on at least one server that handles hybrid mail flow, then run the current Hybrid Configuration Wizard, which writes the entry anew (KB 3156771, Method 1). Otherwise replace the stale entry with `mail.protection.outlook.com:AcceptCloudServicesMail` (Method 2): `Set-ReceiveConnector -Identity 'EX01\\Default Frontend EX01' -TlsDomainCapabilities 'mail.protection.outlook.com:AcceptCloudServicesMail'`. The generated command replaces only the stale entries and keeps every other entry of the list.",
    fix_safety: "Safe when the whole list was seen: the command names the complete new list and the rollback restores the list exactly as pasted. When the list was cut (`...`), its spacing had to be guessed, or an entry looks redacted, the commands read the list from the server, remove only the stale entries and keep the rest; review them, and run the rollback in the same session. No command is printed for an identity that was not shown whole or that holds control or invisible characters.",
    references: &[KB3156771, HYBRID_WIZARD],
    needs: &[&[Kind::ReceiveConnector]],
};

/// True for an entry that either rule replaces: the retired certificate's, or another pinned
/// certificate of Exchange Online.
fn is_stale(entry: &Capability) -> bool {
    is_legacy(entry) || is_pinned(entry)
}

/// True for an entry keyed to a certificate from the retired issuer, judged on the issuer only.
pub fn is_legacy(entry: &Capability) -> bool {
    match &entry.key {
        Key::Certificate { issuer, .. } => fold(issuer).contains(LEGACY_ISSUER),
        Key::Domain(_) => false,
    }
}

pub fn check(cx: &mut Context) {
    let route = route(cx);
    let mut missing = Missing::default();
    // How often the paste shows each receive connector; made on first need.
    let mut counts: Option<BTreeMap<String, usize>> = None;
    for connector in cx.views.receive_connectors() {
        match connector.tls_domain_capabilities {
            None => missing.not_shown(cx, connector),
            Some(field) if field.is_lost() => missing.lost(cx, connector),
            Some(field) => check_list(cx, connector, field, &route, &mut counts),
        }
    }
    missing.report(cx);
}

/// What one connector's list shows: its entries, the stale ones, and what keeps a fix from
/// naming the whole list.
struct Seen<'a> {
    field: Field<'a>,
    list: CapabilityList,
    /// The indexes of the stale entries in `list`.
    stale: Vec<usize>,
    /// The entries could not be split (a word cut mid-way and a space put back where none was),
    /// but the folded text still shows the issuer; the fix then works on the server.
    unsplit: bool,
    /// An entry the paste hid (`<I>CN=xxx<S>...`, `{redacted}`): without a visible stale entry it
    /// may be the stale one; beside one, the fix must not write it back.
    hidden: Option<String>,
}

impl<'a> Seen<'a> {
    fn read(field: Field<'a>) -> Seen<'a> {
        let list = capabilities::from_value(field.value(), field.truncated());
        let stale: Vec<usize> = (0..list.entries.len()).filter(|&i| is_stale(&list.entries[i])).collect();
        // The key starts with `<`, which folding keeps: text without one cannot hold it.
        let unsplit = stale.is_empty() && mentions(field.value(), b'<') && {
            let folded = fold(&raw_text(field.value()));
            folded.contains(LEGACY_ISSUER_KEY) || (folded.contains("<i>") && folded.contains(PINNED_SUBJECT_KEY))
        };
        // The entries of a list with a stale one are few: only the others are asked.
        let hidden = if stale.is_empty() && !unsplit {
            field.hidden()
        } else if unsplit {
            None
        } else {
            let others = list.entries.iter().enumerate().filter(|(i, _)| !stale.contains(i));
            others.map(|(_, e)| e).find_map(|e| redaction::hidden_part(&e.to_exchange_string()))
        };
        Seen { field, list, stale, unsplit, hidden }
    }

    fn stale(&self) -> impl Iterator<Item = &Capability> {
        self.stale.iter().map(|&i| &self.list.entries[i])
    }

    /// True when the retired certificate is among the stale entries: the finding is then
    /// `legacy-exo-tls-capability`'s, else `exo-tls-capability-pinned`'s.
    fn legacy(&self) -> bool {
        self.stale().any(is_legacy) || (self.unsplit && fold(&raw_text(self.field.value())).contains(LEGACY_ISSUER_KEY))
    }

    /// The patterns that match the stale entries on the server.
    fn patterns(&self) -> &'static [&'static str] {
        let legacy = self.legacy();
        let other = self.stale().any(|e| !is_legacy(e)) || (self.unsplit && !legacy);
        match (legacy, other) {
            (true, false) => &[LEGACY_PATTERN],
            (false, _) => &[PINNED_PATTERN],
            (true, true) => &[LEGACY_PATTERN, PINNED_PATTERN],
        }
    }

    /// The stale entries as evidence, as pasted; spaces guessed at wrap points are not shown
    /// when the entry is the wizard's own. A list that could not be split is shown whole.
    fn evidence(&self) -> Vec<Evidence> {
        let field = self.field;
        let evidence = |value: String, truncated: bool| Evidence {
            property: field.name().to_owned(),
            value,
            line: field.line(),
            truncated,
        };
        let mut shown: Vec<Evidence> = self
            .stale()
            .map(|entry| {
                let value = if field.inexact() && fold(&entry.to_exchange_string()) == fold(HCW_LEGACY_ENTRY) {
                    HCW_LEGACY_ENTRY.to_owned()
                } else {
                    entry.pasted.clone()
                };
                evidence(value, self.list.truncated || !entry.complete)
            })
            .collect();
        if self.unsplit {
            shown.push(evidence(raw_text(field.value()), self.list.truncated));
        }
        shown
    }
}

/// Judges one connector's list, and reports it when it holds a stale entry.
fn check_list(
    cx: &mut Context,
    connector: &ReceiveConnector,
    field: Field,
    route: &str,
    counts: &mut Option<BTreeMap<String, usize>>,
) {
    let seen = Seen::read(field);
    if seen.list.truncated {
        truncated_list(cx, connector, field, seen.stale.is_empty());
    }
    if seen.stale.is_empty() && !seen.unsplit {
        if let Some(part) = &seen.hidden {
            cx.judge(connector.index, Judgement::Unjudged);
            let shows = "whether an entry still trusts the Exchange Online certificate retired in April 2016 (KB 3156771) or another certificate of Exchange Online by its issuer and subject";
            cx.hidden_value(connector.index, "TlsDomainCapabilities", Some(field), part, shows);
        } else {
            // A cut list without a visible stale entry may still hide one.
            cx.judge(connector.index, if seen.list.truncated { Judgement::Unjudged } else { Judgement::Judged });
        }
        return;
    }
    cx.judge(connector.index, Judgement::Judged);
    let name = connector.object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
    let evidence = seen.evidence();
    hidden_name(cx, connector);
    let remediation = fix(cx, connector, &seen, counts);
    let remediation = notes(remediation, connector, &seen, route);
    let draft = if seen.legacy() {
        let mut message = format!(
            "Receive connector '{name}' still trusts the Exchange Online certificate issued by MSIT Machine Auth CA 2, which Exchange Online stopped using on 2016-04-15, so mail from Exchange Online is no longer recognised as hybrid mail."
        );
        if seen.stale().any(|e| !is_legacy(e)) {
            message.push_str(
                " It also trusts another Exchange Online certificate by its issuer and subject; the fix replaces both.",
            );
        }
        Draft::new(&DOC, connector.index, field.line(), message, remediation)
    } else {
        pinned_draft(connector.index, field.line(), &name, &seen, remediation)
    };
    cx.add(draft.evidence_items(evidence));
}

/// The `exo-tls-capability-pinned` finding: an error when the pinned entries are the connector's
/// only entries for Exchange Online, a warning when the domain entry is there too or may be in
/// the part of a cut list the paste does not show.
fn pinned_draft(index: usize, line: LineNo, name: &str, seen: &Seen, remediation: Remediation) -> Draft {
    let issuers: Vec<&str> = seen
        .stale()
        .filter_map(|e| match &e.key {
            Key::Certificate { issuer, .. } => Some(issuer.as_str()),
            Key::Domain(_) => None,
        })
        .collect();
    let issuer = if issuers.is_empty() { "(not readable)".to_owned() } else { issuers.join("; ") };
    if pinned::has_domain_entry(&seen.list.entries) {
        let message = format!(
            "Receive connector '{name}' trusts Exchange Online both by its domain and by one certificate (issuer {issuer}). The domain entry keeps mail from Exchange Online recognised; the pinned entry matches only while Exchange Online presents that certificate and can be removed."
        );
        Draft::new(&pinned::DOC, index, line, message, remediation).severity(Severity::Warning)
    } else if seen.list.truncated {
        let message = format!(
            "Receive connector '{name}' trusts Exchange Online by one certificate's issuer and subject (issuer {issuer}), which matches only while Exchange Online presents that certificate. The paste cut the list, so whether the connector also trusts Exchange Online by its domain is not shown."
        );
        Draft::new(&pinned::DOC, index, line, message, remediation).severity(Severity::Warning)
    } else {
        let message = format!(
            "Receive connector '{name}' trusts Exchange Online only by one certificate's issuer and subject (issuer {issuer}). Exchange Online has changed its certificate several times since 2016 (last in 2026): unless this is the certificate it presents today, mail from Exchange Online is no longer recognised as hybrid mail, and it will stop being recognised at the next change."
        );
        Draft::new(&pinned::DOC, index, line, message, remediation)
    }
}

/// Says that the list was cut short, and what to paste for the whole list.
fn truncated_list(cx: &mut Context, connector: &ReceiveConnector, field: Field, no_stale_entry: bool) {
    let object = connector.object;
    let name = object.display_identity().unwrap_or_else(|| "(identity not shown)".into());
    let table = object.format == Format::FormatTable;
    cx.add_diagnostic(
        Diagnostic::new(
            "truncated-value",
            if no_stale_entry { Severity::Warning } else { Severity::Info },
            object.input,
            Some(field.line()),
            format!("The TlsDomainCapabilities list of '{name}' was cut short with '...', so the paste does not show all of its entries."),
            if table {
                "A table cuts long values to its column's width: run the command below (a list shows whole values) and paste its output."
            } else {
                "Run the command below in the same shell, then your command again, and paste the new output."
            }
            .into(),
        )
        .with_commands(vec![if table { collect::receive_connectors() } else { collect::whole_lists() }]),
    );
}

/// Says that the connector's name looks hidden: a name the paste hid is never put in a command
/// (`model::redaction`).
fn hidden_name(cx: &mut Context, connector: &ReceiveConnector) {
    let Some(part) = connector.object.identity.as_ref().and_then(|i| redaction::hidden_part(&i.text)) else {
        return;
    };
    let (property, field) = connector.naming_property();
    let shows = "the connector's name, so that the commands can name it";
    cx.hidden_value(connector.index, property, field, &part, shows);
}

/// The commands that replace the stale entries and keep every other entry.
fn fix(
    cx: &mut Context,
    connector: &ReceiveConnector,
    seen: &Seen,
    counts: &mut Option<BTreeMap<String, usize>>,
) -> Remediation {
    let target = match cx.target(connector.index) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(Kind::ReceiveConnector)),
    };
    for entry in seen.list.entries.iter().filter(|e| !is_stale(e)) {
        cx.kept_unnamed(connector.index, "TlsDomainCapabilities entry", &entry.to_exchange_string());
    }
    let identity = connector.object.identity.as_ref().map(|i| i.text.to_ascii_lowercase());
    let counts = counts.get_or_insert_with(|| identity_counts(cx.views));
    let caps =
        seen.stale().find(|e| e.complete).map_or("AcceptCloudServicesMail".to_owned(), |e| e.capabilities.clone());
    let plan = CapabilityReplacement {
        target: &target,
        list: &seen.list,
        exact: !seen.field.inexact(),
        // A hidden entry must not be written back: the list is then filtered on the server.
        whole: !seen.unsplit
            && !seen.field.not_current()
            && seen.hidden.is_none()
            && identity.is_some_and(|i| counts.get(&i) == Some(&1)),
        is_stale,
        stale_patterns: seen.patterns(),
        replacement: &format!("{REPLACEMENT_DOMAIN}:{caps}"),
        canonical_stale: HCW_LEGACY_ENTRY,
        number: cx.findings.len() + 1,
    };
    let plan = remediation::replace_capabilities(&plan);
    cx.settle(connector.index, plan)
}

/// The notes that depend on where the list came from, and the preferred route.
fn notes(mut remediation: Remediation, connector: &ReceiveConnector, seen: &Seen, route: &str) -> Remediation {
    if connector.object.format == Format::Exchange2010Warning
        && remediation.safety() != crate::report::Safety::Unavailable
    {
        remediation.notes.push("Run these commands in the Exchange Management Shell of an Exchange 2013 or later server: the Exchange 2010 tools cannot read this connector.".into());
    }
    if let Some(part) = &seen.hidden {
        remediation
            .notes
            .retain(|note| !note.starts_with("The paste does not show the connector's whole list exactly"));
        remediation.notes.insert(0, format!("The list shows an entry that looks redacted ('{part}'), so the fix reads the current list from the server and removes only the stale entries; the hidden entry is kept as the server holds it."));
    }
    remediation.preferring(route)
}

/// Receive connectors whose list the input does not show, counted per section (input and first
/// line) for one diagnostic each.
#[derive(Default)]
struct Missing {
    not_shown: BTreeMap<(usize, u32), (Format, usize)>,
    lost: BTreeMap<(usize, u32), usize>,
    /// Connectors whose list another object of the paste shows (an Exchange 2010 warning beside
    /// the table row of the same connector) are not "not shown". Made on first need: most pastes
    /// show the list of every connector.
    shown: Option<BTreeSet<String>>,
}

impl Missing {
    fn not_shown(&mut self, cx: &mut Context, connector: &ReceiveConnector) {
        let object = connector.object;
        let shown = self.shown.get_or_insert_with(|| shown_identities(cx.views));
        if object.identity.as_ref().is_some_and(|i| shown.contains(&i.text.to_ascii_lowercase())) {
            return;
        }
        self.not_shown.entry((object.input, object.section_line)).or_insert((object.format, 0)).1 += 1;
        cx.judge(connector.index, Judgement::Unjudged);
    }

    fn lost(&mut self, cx: &mut Context, connector: &ReceiveConnector) {
        *self.lost.entry((connector.object.input, connector.object.section_line)).or_insert(0) += 1;
        cx.judge(connector.index, Judgement::Unjudged);
    }

    /// One diagnostic per section that lacks the property, and per section whose values
    /// Export-Csv lost.
    fn report(self, cx: &mut Context) {
        for ((input, line), (format, count)) in self.not_shown {
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
        for ((input, line), count) in self.lost {
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
}

/// The receive connectors (by lowercased identity) whose list the paste shows.
fn shown_identities(views: Views) -> BTreeSet<String> {
    // Filled by `insert`, not `collect`, which would add a sort of its own to the page (see `sort`).
    let mut shown = BTreeSet::new();
    for connector in views.receive_connectors() {
        if connector.tls_domain_capabilities.is_some_and(|field| !field.is_lost()) {
            shown.extend(connector.object.identity.as_ref().map(|i| i.text.to_ascii_lowercase()));
        }
    }
    shown
}

/// The KB's Method 1 for this organisation. The wizard writes the current entry only when it
/// runs on Exchange 2013 CU9 or later, so when every server that handles hybrid mail is older,
/// a cumulative update comes first.
fn route(cx: &Context) -> String {
    const TAIL: &str = "The commands below are Method 2, for when that cannot be done now.";
    let servers = cx.topology.hybrid_servers();
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
pub(super) fn identity_counts(views: Views) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for connector in views.receive_connectors() {
        if let Some(identity) = &connector.object.identity {
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
