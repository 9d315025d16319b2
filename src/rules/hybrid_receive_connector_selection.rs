//! `hybrid-receive-connector-selection`: Exchange Online's mail lands on another receive
//! connector than the one configured for it, because that connector's `RemoteIPRanges` match
//! Exchange Online's addresses more specifically, and it lacks what hybrid mail needs.

use super::exo_tls_capability_pinned::SET_RECEIVE_CONNECTOR;
use super::legacy_exo_tls_capability::{HYBRID_WIZARD, KB3156771};
use super::receiving::{receiving_servers, ByServer};
use super::symptom::MAIL_FLOW_INTELLIGENCE;
use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::capabilities::{fold, Key};
use crate::model::ip_range::IpRange;
use crate::model::receive_connector::is_cloud_entry;
use crate::model::{Field, Kind, ReceiveConnector};
use crate::remediation::{self, remove_remote_ranges};
use crate::report::{Evidence, Reference, Remediation, Severity};
use std::collections::BTreeMap;

pub const ID: &str = "hybrid-receive-connector-selection";

/// The version of the Microsoft 365 endpoint list the ranges below come from.
pub const EXO_RANGES_VERSION: &str = "2022072800";

/// The addresses Exchange Online connects from on port 25: Microsoft 365 endpoints, Exchange
/// Online, ID 10 (`*.mail.protection.outlook.com`, TCP 25), worldwide, version 2022072800.
/// Microsoft updates the list monthly; a match is evidence of where Exchange Online's sessions
/// land, not proof that every session comes from these ranges.
pub const EXO_RANGES: &[&str] =
    &["40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "104.47.0.0/17", "2a01:111:f400::/48", "2a01:111:f403::/48"];

pub const RECEIVE_CONNECTORS: Reference = Reference {
    name: "Receive connectors (remote addresses: the most specific match wins)",
    url: "https://learn.microsoft.com/en-us/exchange/mail-flow/connectors/receive-connectors",
};
pub const M365_ENDPOINTS: Reference = Reference {
    name: "Microsoft 365 URLs and IP address ranges (Exchange Online, ID 10)",
    url: "https://learn.microsoft.com/en-us/microsoft-365/enterprise/urls-and-ip-address-ranges",
};
pub const LOCKING_DOWN: Reference = Reference {
    name: "Exchange Team blog: Advanced Office 365 Routing, locking down Exchange on-premises (2019)",
    url: "https://techcommunity.microsoft.com/t5/exchange-team-blog/advanced-office-365-routing-locking-down-exchange-on-premises/ba-p/609238",
};

pub static DOC: RuleDoc = RuleDoc {
    id: ID,
    severity: Severity::Warning,
    title: "Exchange Online's mail lands on a receive connector not set up for hybrid mail",
    what_it_checks: "On each server that receives Exchange Online's mail (the hybrid configuration's `ReceivingTransportServers`, or, without it, each server with a connector that accepts Exchange Online's mail), takes the enabled Front End Transport receive connectors that listen on port 25 and finds, for Exchange Online's sending addresses (Microsoft 365 endpoints, Exchange Online ID 10, worldwide list version 2022072800: `40.92.0.0/15`, `40.107.0.0/16`, `52.100.0.0/14`, `104.47.0.0/17`, `2a01:111:f400::/48`, `2a01:111:f403::/48`), the connector Exchange picks: among connectors that share a local address and port (`Bindings`), the one whose `RemoteIPRanges` match the address most specifically. Reports a connector that takes some of those addresses from the connector configured for Exchange Online (with `AcceptCloudServicesMail` for Exchange Online in `TlsDomainCapabilities`) and lacks that entry or `Tls` in `AuthMechanism`. Error when it lacks `Tls` and takes a whole range; warning otherwise. Needs `Bindings`, `RemoteIPRanges`, `AuthMechanism`, `TransportRole`, `Enabled` and `TlsDomainCapabilities` of every connector on the server; a server whose connectors do not all show them, or show a list cut with `...`, is not judged. Other clouds (21Vianet, US Government) have other addresses and are not judged.",
    why_it_matters: "The Hybrid Configuration Wizard configures only the Default Frontend connector of each receiving server. A connector added later for a scanner, an application relay or a \"lock down to Office 365\" project, whose remote ranges include Exchange Online's, wins Exchange Online's sessions because it matches more specifically. Without `Tls` it offers no STARTTLS, and Exchange Online's connector, which requires TLS, defers the mail with `450 4.4.317` and returns it after a day. Without the Exchange Online entry the mail arrives anonymous: senders shown with their address, organisation headers dropped, and with centralized mail transport, mail to external recipients bounces (`550 5.7.1 Unable to relay`, or `550 5.7.54 ... Unable to relay recipient in non-accepted domain`).",
    example: "EX01\\Default Frontend EX01  RemoteIPRanges {0.0.0.0-255.255.255.255}  TlsDomainCapabilities {mail.protection.outlook.com:AcceptCloudServicesMail}\nEX01\\Cloud Gateway EX01     RemoteIPRanges {40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17}  AuthMechanism ExternalAuthoritative  TlsDomainCapabilities {}",
    fix: "Decide what the other connector is for. If it is not meant for Exchange Online's mail, remove Exchange Online's ranges from it (`Set-ReceiveConnector -Identity 'EX01\\Cloud Gateway EX01' -RemoteIPRanges @{Remove='40.92.0.0/15','40.107.0.0/16'}`), so that the mail lands on the Default Frontend connector again. If it is meant for it, give it what the wizard gives the Default Frontend connector: `Tls` in `AuthMechanism`, the hybrid certificate in `TlsCertificateName` and `mail.protection.outlook.com:AcceptCloudServicesMail` in `TlsDomainCapabilities`. Then rerun the Hybrid Configuration Wizard. Check afterwards that Exchange Online's messages carry `X-MS-Exchange-Organization-AuthAs: Internal`.",
    fix_safety: "Review: removing the ranges is one of two fixes, and only the admin knows what the connector is for. The command is printed only when every range it removes lies within Exchange Online's list, was shown whole and exactly, and the connector keeps other ranges; it removes only those items (`@{Remove=...}`) and the rollback adds them back. Otherwise no command is printed and the notes say which connector and which ranges.",
    references: &[RECEIVE_CONNECTORS, M365_ENDPOINTS, MAIL_FLOW_INTELLIGENCE, KB3156771, LOCKING_DOWN, SET_RECEIVE_CONNECTOR, HYBRID_WIZARD],
    needs: &[&[Kind::ReceiveConnector]],
};

/// A connector on port 25 with what the rule reads of it.
struct Candidate<'a> {
    connector: &'a ReceiveConnector<'a>,
    ranges: Vec<(IpRange, String, bool)>,
    bindings: Vec<crate::model::ip_range::Binding>,
    /// It accepts Exchange Online's mail and does not lack `Tls` as far as the paste shows.
    good: bool,
    lacks_tls: bool,
    lacks_entry: bool,
}

impl Candidate<'_> {
    /// True when a session to one local address and port could reach either connector.
    fn competes(&self, other: &Candidate, v6: bool) -> bool {
        self.bindings
            .iter()
            .filter(|b| b.port == 25 && b.address.v6 == v6)
            .any(|b| other.bindings.iter().any(|o| b.meets(o)))
    }
}

pub fn check(cx: &mut Context) {
    let blocks: Vec<(IpRange, &str)> =
        EXO_RANGES.iter().filter_map(|text| IpRange::parse(text).map(|range| (range, *text))).collect();
    let by_server = ByServer::read(cx.views);
    let (groups, edge): (Vec<&[&ReceiveConnector]>, bool) = match receiving_servers(cx) {
        Some(receiving) => (receiving.servers.iter().map(|server| by_server.on(server)).collect(), receiving.edge),
        // Without the hybrid configuration, every server that accepts Exchange Online's mail.
        None => (by_server.groups().collect(), false),
    };
    for on in groups {
        let Some(candidates) = candidates(on, edge) else { continue };
        for bad in candidates.iter().filter(|c| !c.good && (c.lacks_tls || c.lacks_entry)) {
            let taken = taken_blocks(bad, &candidates, &blocks);
            if !taken.is_empty() {
                report(cx, bad, &candidates, &taken);
            }
        }
    }
}

/// The most port-25 connectors of one server the rule compares. A server has a handful; a paste
/// that shows more on one server is made up, and comparing each with each would take time that
/// grows with the square of the paste.
const MOST_CANDIDATES: usize = 64;

/// The server's port-25 connectors, or `None` when the paste does not show enough of them to
/// tell which one takes Exchange Online's mail (every enabled connector of the role must show its
/// bindings, and those on port 25 their remote ranges; at least one must accept Exchange Online's
/// worldwide mail), or when none of them lacks what hybrid mail needs, so that there is nothing
/// to report.
fn candidates<'a>(on: &[&'a ReceiveConnector<'a>], edge: bool) -> Option<Vec<Candidate<'a>>> {
    if on.len() > MOST_CANDIDATES {
        return None;
    }
    let mut candidates = Vec::new();
    for &connector in on.iter().filter(|c| c.is_enabled() && (edge || c.may_be_frontend())) {
        let bindings = connector.binding_list()?;
        if !bindings.iter().any(|b| b.port == 25) {
            continue;
        }
        let accepts = connector.accepts_cloud_mail();
        let tls = connector.offers_tls();
        candidates.push(Candidate {
            connector,
            ranges: Vec::new(),
            bindings,
            good: accepts == Some(true) && tls != Some(false),
            lacks_tls: tls == Some(false),
            lacks_entry: accepts == Some(false),
        });
    }
    let bad = candidates.iter().any(|c| !c.good && (c.lacks_tls || c.lacks_entry));
    if !bad || !candidates.iter().filter(|c| c.good).any(|c| accepts_worldwide(c.connector)) {
        return None;
    }
    // The ranges are read last, and only here: most servers have one connector on port 25, the
    // Default Frontend one, and nothing to compare (fl-500: 20.3 to 14.3 million instructions
    // for this rule, callgrind).
    for candidate in &mut candidates {
        candidate.ranges = candidate.connector.remote_ranges()?;
    }
    Some(candidates)
}

/// True when the connector accepts mail from Exchange Online's worldwide cloud, whose addresses
/// the rule knows.
fn accepts_worldwide(connector: &ReceiveConnector) -> bool {
    connector.capabilities().is_some_and(|list| {
        list.entries.iter().filter(|e| is_cloud_entry(e)).any(|e| match &e.key {
            Key::Domain(domain) => fold(domain) == "mail.protection.outlook.com",
            Key::Certificate { subject, .. } => fold(subject).contains("cn=mail.protection.outlook.com"),
        })
    })
}

/// A range of Exchange Online's that `bad` takes, wholly or in part, from a connector configured
/// for Exchange Online.
struct Taken<'t> {
    block: &'t str,
    whole: bool,
    /// The connector it takes the addresses from.
    from: usize,
}

/// The ranges of Exchange Online's that `bad` takes from a connector configured for Exchange
/// Online that listens on the same local address and port.
fn taken_blocks<'t>(bad: &Candidate, all: &[Candidate], blocks: &[(IpRange, &'t str)]) -> Vec<Taken<'t>> {
    let mut taken = Vec::new();
    for (block, text) in blocks {
        let rivals: Vec<(usize, &Candidate)> =
            all.iter().enumerate().filter(|(_, c)| !std::ptr::eq(*c, bad) && bad.competes(c, block.v6())).collect();
        let Some(&(from, _)) = rivals.iter().find(|(_, c)| c.good) else { continue };
        let owners = std::iter::once(bad).chain(rivals.iter().map(|(_, c)| *c));
        let (won, looked) = sweep(block, owners);
        if won > 0 {
            taken.push(Taken { block: text, whole: won == looked, from });
        }
    }
    taken
}

/// Walks through `block` from its start, where the connector that wins changes: at the start of
/// the block and wherever a range of one of `owners` starts or ends inside it. At each such
/// address the winner is the owner with the most specific range that holds it; the first owner
/// wins only when no other has a range as specific. Returns at how many of these addresses the
/// first owner wins, and at how many the walk looked.
fn sweep<'c>(block: &IpRange, owners: impl Iterator<Item = &'c Candidate<'c>>) -> (usize, usize) {
    // (address, +1 or -1, span, owner): where a range starts or stops holding addresses.
    let mut edges: Vec<(u128, i8, u128, usize)> = vec![(block.start.value, 0, 0, 0)];
    for (owner, candidate) in owners.enumerate() {
        for (range, ..) in candidate.ranges.iter().filter(|(r, ..)| r.overlaps(block)) {
            let span = range.span();
            edges.push((range.start.value.max(block.start.value), 1, span, owner));
            if range.end.value < block.end.value {
                edges.push((range.end.value + 1, -1, span, owner));
            }
        }
    }
    crate::sort::sort_by_key(&mut edges, |&(at, step, ..)| (at, step));
    // The ranges that hold the current address, by (span, owner), with how many of each.
    let mut holding: BTreeMap<(u128, usize), usize> = BTreeMap::new();
    let (mut won, mut looked) = (0, 0);
    let mut at = 0;
    while at < edges.len() {
        let address = edges[at].0;
        while at < edges.len() && edges[at].0 == address {
            let (_, step, span, owner) = edges[at];
            let count = holding.entry((span, owner)).or_insert(0);
            match step {
                1 => *count += 1,
                -1 => *count = count.saturating_sub(1),
                _ => {}
            }
            if *count == 0 {
                holding.remove(&(span, owner));
            }
            at += 1;
        }
        if address < block.start.value {
            continue;
        }
        looked += 1;
        let mut most_specific = holding.keys();
        if let Some(&(span, 0)) = most_specific.next() {
            won += usize::from(most_specific.next().is_none_or(|&(next, _)| next > span));
        }
    }
    (won, looked)
}

fn report(cx: &mut Context, bad: &Candidate, all: &[Candidate], taken: &[Taken]) {
    let connector = bad.connector;
    let from = name(all[taken[0].from].connector);
    let blocks: Vec<&str> = taken.iter().map(|t| t.block).collect();
    let mut lacks = Vec::new();
    if bad.lacks_tls {
        lacks.push("Tls in AuthMechanism, so it offers no STARTTLS and Exchange Online, which requires TLS, defers the mail (450 4.4.317) and returns it after a day");
    }
    if bad.lacks_entry {
        lacks.push("an entry for Exchange Online in TlsDomainCapabilities, so the mail arrives anonymous (senders shown with their address; with centralized mail transport, 550 5.7.1 or 550 5.7.54 Unable to relay)");
    }
    let message = format!(
        "Receive connector '{}' matches Exchange Online's sending addresses {} more specifically than '{from}', which is configured for Exchange Online, so Exchange Online's mail from {} lands on it. It lacks {}. (Exchange Online's addresses: Microsoft 365 endpoints, Exchange Online ID 10, list version {EXO_RANGES_VERSION}.)",
        name(connector),
        blocks.join(", "),
        if taken.iter().all(|t| t.whole) { "those addresses" } else { "some of those addresses" },
        lacks.join("; and ")
    );
    let severity = if bad.lacks_tls && taken.iter().any(|t| t.whole) { Severity::Error } else { Severity::Warning };
    cx.judge(connector.index, Judgement::Judged);
    let line = connector.remote_ip_ranges.map_or(connector.object.record.first_line, Field::line);
    let remediation = fix(cx, bad, &from);
    // Raw JSON shows the ranges only by their bounds: the evidence shows them as `lower-upper`.
    let ranges = connector.remote_ip_ranges.map(|field| Evidence {
        property: field.name().to_owned(),
        value: if bad.ranges.iter().all(|(_, _, shown)| *shown) {
            field.shown()
        } else {
            bad.ranges.iter().map(|(_, text, _)| text.as_str()).collect::<Vec<_>>().join(", ")
        },
        line: field.line(),
        truncated: false,
    });
    let draft = Draft::new(&DOC, connector.index, line, message, remediation)
        .severity(severity)
        .evidence_items(ranges)
        .evidence(connector.auth_mechanism)
        .evidence(connector.permission_groups)
        .evidence(connector.tls_domain_capabilities);
    cx.add(draft);
}

/// The next step in words, with the command that removes Exchange Online's ranges from the
/// connector when that can be written exactly.
fn fix(cx: &mut Context, bad: &Candidate, from: &str) -> Remediation {
    let connector = bad.connector;
    let name = name(connector);
    let step = format!(
        "Decide what '{name}' is for. If it is not meant for Exchange Online's mail, remove Exchange Online's ranges from its RemoteIPRanges so that the mail lands on '{from}' again. If it is, give it what the wizard gives '{from}': Tls in AuthMechanism, the hybrid certificate in TlsCertificateName and mail.protection.outlook.com:AcceptCloudServicesMail in TlsDomainCapabilities. Then rerun the Hybrid Configuration Wizard, and check that Exchange Online's messages carry X-MS-Exchange-Organization-AuthAs: Internal."
    );
    let target = match cx.target(connector.index) {
        Ok(target) => target,
        Err(reason) => return Remediation::unavailable(reason.note(connector.object.kind)).note(step),
    };
    let show = || {
        remediation::show(
            &target,
            &[
                "Identity",
                "Bindings",
                "RemoteIPRanges",
                "AuthMechanism",
                "PermissionGroups",
                "TlsCertificateName",
                "TlsDomainCapabilities",
            ],
        )
    };
    let exact = connector.remote_ip_ranges.is_some_and(|f| !f.inexact() && !f.not_current() && f.hidden().is_none());
    let overlapping: Vec<&(IpRange, String, bool)> = bad
        .ranges
        .iter()
        .filter(|(r, ..)| EXO_RANGES.iter().filter_map(|t| IpRange::parse(t)).any(|b| b.overlaps(r)))
        .collect();
    let removable =
        overlapping.iter().all(|(r, ..)| EXO_RANGES.iter().filter_map(|t| IpRange::parse(t)).any(|b| b.covers(r)));
    let keeps_some = overlapping.len() < bad.ranges.len();
    if !(exact && removable && keeps_some && !overlapping.is_empty()) {
        let why = if !keeps_some {
            "its RemoteIPRanges hold nothing but Exchange Online's addresses, so removing them would leave it none"
        } else if !removable {
            "a range of its RemoteIPRanges holds Exchange Online's addresses and others, so removing it would change more than Exchange Online's mail"
        } else {
            "the paste does not show its RemoteIPRanges exactly"
        };
        return Remediation::check_only(vec![show()], format!("No command was generated: {why}. {step}"));
    }
    let Some(items) =
        overlapping.iter().map(|(_, text, shown)| shown.then(|| text.clone())).collect::<Option<Vec<String>>>()
    else {
        let why = "the paste shows its RemoteIPRanges only by their bounds (raw JSON), not as the server prints them";
        return Remediation::check_only(vec![show()], format!("No command was generated: {why}. {step}"));
    };
    let plan = remove_remote_ranges(&target, &items).map(|r| r.note(step).preferring("Preferred: decide what the connector is for (see the note), then rerun the Hybrid Configuration Wizard (https://aka.ms/HybridWizard)."));
    cx.settle(connector.index, plan)
}

fn name(connector: &ReceiveConnector) -> String {
    connector.object.display_identity().unwrap_or_else(|| "(identity not shown)".into())
}

#[cfg(test)]
mod tests {
    /// Two connectors of one server, as Format-List shows them, with the second one's bindings
    /// and ranges given.
    fn paste(bindings: &str, ranges: &str, default_ranges: &str) -> String {
        format!(
            "Identity              : EX01\\Default Frontend EX01\nTransportRole         : FrontendTransport\nEnabled               : True\n\
             Bindings              : {{[::]:25, 0.0.0.0:25}}\nRemoteIPRanges        : {default_ranges}\n\
             AuthMechanism         : Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer\n\
             TlsDomainCapabilities : {{mail.protection.outlook.com:AcceptCloudServicesMail}}\n\n\
             Identity              : EX01\\Relay EX01\nTransportRole         : FrontendTransport\nEnabled               : True\n\
             Bindings              : {bindings}\nRemoteIPRanges        : {ranges}\nAuthMechanism         : None\n\
             TlsDomainCapabilities : {{}}\n"
        )
    }

    fn severities(paste: &str) -> Vec<crate::report::Severity> {
        let report = crate::check_text(paste);
        report.findings.iter().filter(|f| f.rule == super::ID).map(|f| f.severity).collect()
    }

    #[test]
    fn a_whole_range_taken_without_tls_is_an_error() {
        let all = "{0.0.0.0-255.255.255.255}";
        assert_eq!(severities(&paste("{0.0.0.0:25}", "{104.47.0.0/17}", all)), [crate::report::Severity::Error]);
    }

    #[test]
    fn part_of_a_range_is_a_warning() {
        // The Default Frontend connector keeps the upper half of 40.92.0.0/15 by a /16 of its own.
        let ranges = "{0.0.0.0-255.255.255.255, 40.93.0.0/16}";
        assert_eq!(severities(&paste("{0.0.0.0:25}", "{40.92.0.0/15}", ranges)), [crate::report::Severity::Warning]);
    }

    #[test]
    fn a_connector_on_one_local_address_still_competes() {
        let all = "{0.0.0.0-255.255.255.255}";
        assert_eq!(severities(&paste("{10.0.0.5:25}", "{52.100.0.0/14}", all)).len(), 1);
    }

    #[test]
    fn a_less_specific_or_other_family_connector_takes_nothing() {
        let narrow = "{40.92.0.0/15, 40.107.0.0/16, 52.100.0.0/14, 104.47.0.0/17}";
        assert!(severities(&paste("{0.0.0.0:25}", "{0.0.0.0-255.255.255.255}", narrow)).is_empty());
        assert!(severities(&paste("{[::]:25}", "{104.47.0.0/17}", "{0.0.0.0-255.255.255.255}")).is_empty());
        // Equal ranges on two connectors cannot both exist; neither wins, nothing is said.
        assert!(severities(&paste("{0.0.0.0:25}", narrow, narrow)).is_empty());
    }
}
