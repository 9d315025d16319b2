//! The fixes of `TlsDomainCapabilities`: replacing stale entries and adding a missing one, each
//! keeping every other entry of the list.

use super::command::{Command, Line, Var};
use super::powershell::{quote, Quoted, Refused};
use super::{Remediation, Target};
use crate::model::capabilities::{fold, Capability, CapabilityList};

/// What to put in place of stale `TlsDomainCapabilities` entries of one receive connector.
pub struct CapabilityReplacement<'a> {
    pub target: &'a Target,
    pub list: &'a CapabilityList,
    /// True when the list's text was read exactly (no white space guessed at wrap points).
    pub exact: bool,
    /// False when the input did not show the connector's whole current list: the entries could
    /// not be split, the list came from a message that quotes one value (the Exchange 2010
    /// warning), or the paste shows the connector more than once.
    pub whole: bool,
    /// Which entries are stale.
    pub is_stale: fn(&Capability) -> bool,
    /// The `-like` patterns that match the stale entries on the server (an entry is stale when
    /// it matches any of them).
    pub stale_patterns: &'static [&'static str],
    /// The entry that replaces the stale ones, e.g. `mail.protection.outlook.com:AcceptCloudServicesMail`.
    pub replacement: &'a str,
    /// A stale entry's canonical text, used when a seen entry matches it but its spacing was guessed.
    pub canonical_stale: &'static str,
    /// A number that makes this finding's PowerShell variable unique within one script.
    pub number: usize,
}

/// Builds the fix, verify and rollback commands that replace only the stale entries.
///
/// When every entry was seen whole and exactly, the commands name the new list in full, keeping
/// every other entry. Otherwise the commands read the list from the server and filter it there,
/// so entries the paste did not show are kept.
pub fn replace_capabilities(plan: &CapabilityReplacement) -> Result<Remediation, Refused> {
    let patterns = plan.stale_patterns.iter().map(|p| quote(p)).collect::<Result<Vec<_>, _>>()?;
    let replacement = quote(plan.replacement)?;
    let mut any_stale = plan.target.get().code(" | Where-Object { ");
    for (n, pattern) in patterns.iter().enumerate() {
        any_stale =
            any_stale.code(if n == 0 { "" } else { " -or " }).code("$_.TlsDomainCapabilities -like ").quoted(pattern);
    }
    let verify = vec![
        Command::line(plan.target.get().format_list(&["Identity", "TlsDomainCapabilities"])),
        Command::line(any_stale.code(" }")),
    ];
    let seen_whole =
        plan.whole && plan.list.unread == 0 && !plan.list.truncated && plan.list.entries.iter().all(|e| e.complete);
    let texts: Option<Vec<String>> = plan.list.entries.iter().map(|e| exact_text(e, plan)).collect();
    let mut notes = vec!["The second verify command prints nothing once the connector is fixed.".to_owned()];
    if let (true, Some(before)) = (seen_whole, texts) {
        let mut after: Vec<&String> =
            plan.list.entries.iter().zip(&before).filter(|(e, _)| !(plan.is_stale)(e)).map(|(_, t)| t).collect();
        let replacement_text = plan.replacement.to_owned();
        if !after.iter().any(|t| t.eq_ignore_ascii_case(plan.replacement)) {
            after.push(&replacement_text);
        }
        let kept = after.len() - 1;
        // An entry that cannot be written safely (a hidden character) is kept by filtering on the
        // server instead, below, where no entry is named.
        let quoted = |texts: Vec<&String>| texts.into_iter().map(|t| quote(t)).collect::<Result<Vec<_>, _>>();
        if let (Ok(after), Ok(before)) = (quoted(after), quoted(before.iter().collect())) {
            if kept == 1 {
                notes.push("The fix keeps the connector's other entry as it was.".to_owned());
            } else if kept > 1 {
                notes.push(format!("The fix keeps the connector's {kept} other entries as they were."));
            }
            let mut remediation = Remediation::new(
                vec![Command::line(plan.target.set().param_list("TlsDomainCapabilities", &after))],
                verify,
                vec![Command::line(plan.target.set().param_list("TlsDomainCapabilities", &before))],
            );
            remediation.notes = notes;
            return Ok(remediation);
        }
    }
    let before = Var::Before(plan.number);
    notes.push(format!(
        "The paste does not show the connector's whole list exactly ({}), so the fix reads the current list from the server and removes only the stale entries; entries the paste did not show are kept.",
        why_not_whole(plan)
    ));
    notes.push("Run the rollback in the same PowerShell session as the fix: the fix keeps the list as it was before the change, and the rollback stops if it is not there.".to_owned());
    let store = Line::store(before)
        .code("@((")
        .append(plan.target.get())
        .code(" -ErrorAction Stop).TlsDomainCapabilities | ForEach-Object { $_.ToString() })");
    let mut keep = plan.target.set().code(" -TlsDomainCapabilities @(@(").var(before).code(" | Where-Object { ");
    for (n, pattern) in patterns.iter().enumerate() {
        keep = keep.code(if n == 0 { "" } else { " -and " }).code("$_ -notlike ").quoted(pattern);
    }
    let keep = keep.code(" }) + ").quoted(&replacement).code(" | Select-Object -Unique)");
    let fix = Command::block(vec![store, keep]);
    let rollback = Command::line(plan.target.set().param_var("TlsDomainCapabilities", before));
    let mut remediation = Remediation::new(vec![fix], verify, vec![rollback]);
    remediation.notes = notes;
    Ok(remediation)
}

/// An entry to add to one receive connector's `TlsDomainCapabilities`, keeping every other entry.
pub struct CapabilityAddition<'a> {
    pub target: &'a Target,
    pub list: &'a CapabilityList,
    /// True when the input showed the connector's whole current list exactly: not cut, not
    /// wrapped without its spaces, every entry read, and the connector shown once.
    pub whole: bool,
    /// The entry to add, e.g. `mail.protection.outlook.com:AcceptCloudServicesMail`.
    pub entry: &'a str,
    /// A number that makes this finding's PowerShell variable unique within one script.
    pub number: usize,
}

/// Builds the fix, verify and rollback commands that add one entry to a connector's list.
///
/// When the whole list was seen exactly, the commands name the new list in full and the rollback
/// the old one (`$null` for an empty list). Otherwise the fix reads the list from the server,
/// keeps it for the rollback, and appends the entry.
pub fn add_capability(plan: &CapabilityAddition) -> Result<Remediation, Refused> {
    let entry = quote(plan.entry)?;
    let verify = vec![Command::line(plan.target.get().format_list(&["Identity", "TlsDomainCapabilities"]))];
    let seen_whole =
        plan.whole && plan.list.unread == 0 && !plan.list.truncated && plan.list.entries.iter().all(|e| e.complete);
    if seen_whole {
        let before: Result<Vec<Quoted>, Refused> =
            plan.list.entries.iter().map(|e| quote(&e.to_exchange_string())).collect();
        if let Ok(before) = before {
            let mut after = before.clone();
            after.push(entry.clone());
            let rollback = if before.is_empty() {
                plan.target.set().param_code("TlsDomainCapabilities", "$null")
            } else {
                plan.target.set().param_list("TlsDomainCapabilities", &before)
            };
            let mut remediation = Remediation::new(
                vec![Command::line(plan.target.set().param_list("TlsDomainCapabilities", &after))],
                verify,
                vec![Command::line(rollback)],
            );
            if !before.is_empty() {
                remediation.notes.push("The fix keeps the connector's other entries as they were.".to_owned());
            }
            return Ok(remediation);
        }
    }
    let before = Var::Before(plan.number);
    let store = Line::store(before)
        .code("@((")
        .append(plan.target.get())
        .code(" -ErrorAction Stop).TlsDomainCapabilities | ForEach-Object { $_.ToString() })");
    let add = plan
        .target
        .set()
        .code(" -TlsDomainCapabilities @(@(")
        .var(before)
        .code(") + ")
        .quoted(&entry)
        .code(" | Select-Object -Unique)");
    let rollback = plan
        .target
        .set()
        .code(" -TlsDomainCapabilities $(if (")
        .var(before)
        .code(".Count) { ")
        .var(before)
        .code(" } else { $null })");
    let mut remediation =
        Remediation::new(vec![Command::block(vec![store, add])], verify, vec![Command::line(rollback)]);
    remediation.notes = vec![
        "The paste does not show the connector's whole list exactly, so the fix reads the current list from the server and adds the entry; every entry already there is kept.".to_owned(),
        "Run the rollback in the same PowerShell session as the fix: the fix keeps the list as it was before the change, and the rollback stops if it is not there.".to_owned(),
    ];
    Ok(remediation)
}

/// Why a list cannot be named in full, in words for a note.
fn why_not_whole(plan: &CapabilityReplacement) -> &'static str {
    if plan.list.truncated {
        "it was cut short"
    } else if !plan.whole {
        "the paste quotes only part of it, shows it as it was at an earlier time (a log), or shows the connector more than once"
    } else if plan.list.unread > 0 {
        "some of its entries could not be read"
    } else if plan.exact {
        "an entry holds a character that cannot be written safely in a command"
    } else {
        "it was wrapped without its trailing spaces, so where its spaces are is not certain"
    }
}

/// The entry's text for a command, when it is known exactly.
fn exact_text(entry: &Capability, plan: &CapabilityReplacement) -> Option<String> {
    let text = entry.to_exchange_string();
    if plan.exact {
        Some(text)
    } else if fold(&text) == fold(plan.canonical_stale) {
        Some(plan.canonical_stale.to_owned())
    } else {
        None
    }
}
