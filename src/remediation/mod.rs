//! Commands that fix, verify and roll back findings.
//!
//! Commands are assembled from literal code and [`powershell::Quoted`] values only. An
//! identity may be named only when it was read whole from an identity property of the
//! input; anything else yields no command and a note that says why.

pub mod powershell;

use crate::model::capabilities::{fold, Capability, CapabilityList};
use crate::model::Identity;
use crate::report::{Remediation, Safety};
use powershell::{quote, Quoted};

/// Why no command can name an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unnameable {
    /// The input did not show the identity, or showed it cut.
    Missing,
    /// The identity holds characters that cannot be printed safely.
    Unsafe(String),
}

impl Unnameable {
    pub fn note(&self, cmdlet: &str) -> String {
        match self {
            Unnameable::Missing => format!(
                "No command was generated: the paste does not show this object's full Identity, and a command must never guess it. Paste `{cmdlet} | Format-List Identity,TlsDomainCapabilities` to get one."
            ),
            Unnameable::Unsafe(reason) => format!(
                "No command was generated: the identity cannot be written safely in a command because {reason}. Select the object in the Exchange admin center, or by its Guid, and make the change there."
            ),
        }
    }
}

/// The quoted identity for commands, or the reason there is none.
pub fn command_identity(identity: Option<&Identity>) -> Result<Quoted, Unnameable> {
    match identity {
        Some(identity) if identity.complete => {
            quote(&identity.text).map_err(|refused| Unnameable::Unsafe(refused.reason))
        }
        _ => Err(Unnameable::Missing),
    }
}

/// What to put in place of stale `TlsDomainCapabilities` entries of one receive connector.
pub struct CapabilityReplacement<'a> {
    pub identity: &'a Quoted,
    pub list: &'a CapabilityList,
    /// True when the list's text was read exactly (no white space guessed at wrap points).
    pub exact: bool,
    /// False when the list could not be split into its entries, so it must be filtered on the server.
    pub entries_known: bool,
    /// Which entries are stale.
    pub is_stale: fn(&Capability) -> bool,
    /// A `-like` pattern that matches the stale entries on the server.
    pub stale_pattern: &'static str,
    /// The entry that replaces the stale ones, e.g. `mail.protection.outlook.com:AcceptCloudServicesMail`.
    pub replacement: String,
    /// A stale entry's canonical text, used when a seen entry matches it but its spacing was guessed.
    pub canonical_stale: &'static str,
    /// A number that makes this finding's PowerShell variable unique within one script.
    pub number: usize,
}

/// Builds the fix, verify and rollback commands that replace only the stale entries.
///
/// When every entry was seen exactly, the commands name the new list in full, keeping every
/// other entry. When the list was cut or its spacing guessed, the commands read the list from
/// the server and filter it there, so entries we could not see are kept.
pub fn replace_capabilities(plan: &CapabilityReplacement) -> Result<Remediation, powershell::Refused> {
    let id = plan.identity;
    let pattern = quote(plan.stale_pattern)?;
    let replacement = quote(&plan.replacement)?;
    let verify = vec![
        format!("Get-ReceiveConnector -Identity {id} | Format-List Identity,TlsDomainCapabilities"),
        format!("Get-ReceiveConnector -Identity {id} | Where-Object {{ $_.TlsDomainCapabilities -like {pattern} }}"),
    ];
    let mut notes = vec!["The second verify command prints nothing once the connector is fixed.".to_owned()];
    let seen_whole = plan.entries_known && !plan.list.truncated && plan.list.entries.iter().all(|e| e.complete);
    let texts: Option<Vec<String>> = plan.list.entries.iter().map(|e| exact_text(e, plan)).collect();
    let remediation = match (seen_whole, texts) {
        (true, Some(before)) => {
            let mut after: Vec<String> = plan
                .list
                .entries
                .iter()
                .zip(&before)
                .filter(|(e, _)| !(plan.is_stale)(e))
                .map(|(_, t)| t.clone())
                .collect();
            if !after.iter().any(|t| t.eq_ignore_ascii_case(&plan.replacement)) {
                after.push(plan.replacement.clone());
            }
            let kept = after.len() - 1;
            if kept > 0 {
                notes.push(if kept == 1 {
                    "The fix keeps the connector's other entry as it was.".to_owned()
                } else {
                    format!("The fix keeps the connector's {kept} other entries as they were.")
                });
            }
            Remediation {
                preferred: None,
                commands: vec![format!(
                    "Set-ReceiveConnector -Identity {id} -TlsDomainCapabilities {}",
                    quoted_list(&after)?
                )],
                verify,
                rollback: vec![format!(
                    "Set-ReceiveConnector -Identity {id} -TlsDomainCapabilities {}",
                    quoted_list(&before)?
                )],
                safety: Safety::Safe,
                notes,
            }
        }
        _ => {
            let before = format!("$hcBefore{}", plan.number);
            notes.push(format!(
                "The list in the paste was {}, so the fix reads the current list from the server and removes only the stale entries; entries the paste did not show are kept.",
                if plan.list.truncated { "cut short" } else { "wrapped without its trailing spaces, so its entries could not all be read exactly" }
            ));
            notes.push(format!("Run the rollback in the same PowerShell session as the fix: {before} holds the list as it was before the change."));
            Remediation {
                preferred: None,
                commands: vec![
                    format!("{before} = @((Get-ReceiveConnector -Identity {id} -ErrorAction Stop).TlsDomainCapabilities | ForEach-Object {{ $_.ToString() }})"),
                    format!(
                        "Set-ReceiveConnector -Identity {id} -TlsDomainCapabilities @(@({before} | Where-Object {{ $_ -notlike {pattern} }}) + {replacement} | Select-Object -Unique)"
                    ),
                ],
                verify,
                rollback: vec![format!("Set-ReceiveConnector -Identity {id} -TlsDomainCapabilities {before}")],
                safety: Safety::Review,
                notes,
            }
        }
    };
    Ok(remediation)
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

fn quoted_list(items: &[String]) -> Result<String, powershell::Refused> {
    Ok(items.iter().map(|t| quote(t).map(|q| q.to_string())).collect::<Result<Vec<_>, _>>()?.join(","))
}

/// The cmdlets that read and change an object of `kind`, with its identity parameter.
pub fn cmdlets(kind: crate::model::Kind, id: &Quoted) -> Option<(String, String)> {
    use crate::model::Kind;
    match kind {
        Kind::ReceiveConnector => {
            Some((format!("Get-ReceiveConnector -Identity {id}"), format!("Set-ReceiveConnector -Identity {id}")))
        }
        Kind::SendConnector => {
            Some((format!("Get-SendConnector -Identity {id}"), format!("Set-SendConnector -Identity {id}")))
        }
        Kind::HybridConfiguration => Some(("Get-HybridConfiguration".to_owned(), "Set-HybridConfiguration".to_owned())),
        _ => None,
    }
}

/// A value for a parameter: written as PowerShell code, never as unquoted input.
#[derive(Clone, Debug)]
pub enum Argument {
    Bool(bool),
    Null,
    /// Literal code of ours (an enum value name), never input.
    Word(&'static str),
    /// Text from the input, quoted.
    Text(String),
}

impl Argument {
    fn code(&self) -> Result<String, powershell::Refused> {
        Ok(match self {
            Argument::Bool(true) => "$true".to_owned(),
            Argument::Bool(false) => "$false".to_owned(),
            Argument::Null => "$null".to_owned(),
            Argument::Word(word) => (*word).to_owned(),
            Argument::Text(text) => quote(text)?.to_string(),
        })
    }
}

/// A change of one or more parameters: `(parameter, new value, value before)`.
pub type Change = Vec<(&'static str, Argument, Argument)>;

/// Fix, verify and rollback commands that set only the named parameters of one object.
pub fn set_parameters(
    kind: crate::model::Kind,
    id: &Quoted,
    change: &Change,
) -> Result<Remediation, powershell::Refused> {
    let (get, set) = cmdlets(kind, id)
        .ok_or_else(|| powershell::Refused { reason: "this kind of object cannot be changed by a command".into() })?;
    let mut fix = set.clone();
    let mut back = set;
    let mut shown = Vec::new();
    for (parameter, new, old) in change {
        fix.push_str(&format!(" -{parameter} {}", new.code()?));
        back.push_str(&format!(" -{parameter} {}", old.code()?));
        shown.push(*parameter);
    }
    Ok(Remediation {
        preferred: None,
        commands: vec![fix],
        verify: vec![format!("{get} | Format-List Identity,{}", shown.join(","))],
        rollback: vec![back],
        safety: Safety::Safe,
        notes: Vec::new(),
    })
}
