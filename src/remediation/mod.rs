//! Commands that fix, verify and roll back findings, and the commands that collect what to paste.
//!
//! Rules describe what to change (a plan: which object, which values); this module turns the plan
//! into commands with the typed builder of [`command`], the only way to make command text. An
//! identity may be named only when it was read whole and exactly from an identity property and
//! names one object; a value may be written only when the input showed it whole and exactly.
//! Anything else yields no command and a note that says why, or a command that reads the value
//! from the server instead of naming it.
//!
//! Whether a fix is safe to run as printed is computed from its commands ([`Remediation::new`]),
//! never declared by a rule.

mod capabilities;
pub mod collect;
pub mod command;
pub mod powershell;

use crate::model::{Identity, Kind};
pub use capabilities::{add_capability, replace_capabilities, CapabilityAddition, CapabilityReplacement};
use command::{Cmdlet, Command, Line, Var};
use powershell::{quote, Quoted, Refused};
use serde::Serialize;

/// How far the generated commands can be trusted, after ruff's "fix safety".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    /// Every fix command shows every value it writes, reads nothing kept from another command and
    /// asks no question: it changes only what the finding names, as printed.
    Safe,
    /// Correct, but read the notes first: a command writes a value read from the server or chosen
    /// by hybridcheck, must run in one session with another, or asks a question.
    Review,
    /// No command could be generated; the notes say why and what to do instead.
    Unavailable,
}

impl Safety {
    /// The safety level in words, for people.
    pub fn words(self) -> &'static str {
        match self {
            Safety::Safe => "safe to run as printed",
            Safety::Review => "review the notes before running",
            Safety::Unavailable => "no command to run: the notes say what to do instead",
        }
    }
}

/// The commands of one finding, with how far they can be trusted.
///
/// The command lists and the safety are private: they are made together by [`Remediation::new`],
/// so the safety always describes the commands.
#[derive(Clone, Debug, Serialize)]
pub struct Remediation {
    /// The preferred route in words, when it is not a command (for example: rerun the wizard).
    pub preferred: Option<String>,
    commands: Vec<Command>,
    verify: Vec<Command>,
    rollback: Vec<Command>,
    safety: Safety,
    /// The safety in words, for people (the page's one-line fix status).
    status: &'static str,
    pub notes: Vec<String>,
}

impl Remediation {
    /// Fix, verify and rollback commands. The safety is computed: no fix command makes it
    /// unavailable; a fix or rollback command that does not run as printed makes it "review".
    pub fn new(commands: Vec<Command>, verify: Vec<Command>, rollback: Vec<Command>) -> Remediation {
        let safety = if commands.is_empty() {
            Safety::Unavailable
        } else if commands.iter().chain(&rollback).all(Command::runs_as_printed) {
            Safety::Safe
        } else {
            Safety::Review
        };
        Remediation { preferred: None, commands, verify, rollback, safety, status: safety.words(), notes: Vec::new() }
    }

    /// No command, with a note that says why and what to do instead.
    pub fn unavailable(note: String) -> Remediation {
        let mut remediation = Remediation::new(Vec::new(), Vec::new(), Vec::new());
        remediation.notes.push(note);
        remediation
    }

    /// No fix command, but commands that show the current state (for example a certificate's details).
    pub fn check_only(verify: Vec<Command>, note: String) -> Remediation {
        let mut remediation = Remediation::new(Vec::new(), verify, Vec::new());
        remediation.notes.push(note);
        remediation
    }

    /// The remediation with a note added.
    pub fn note(mut self, note: impl Into<String>) -> Remediation {
        self.notes.push(note.into());
        self
    }

    /// The remediation with the preferred route set.
    pub fn preferring(mut self, preferred: impl Into<String>) -> Remediation {
        self.preferred = Some(preferred.into());
        self
    }

    pub fn commands(&self) -> &[Command] {
        &self.commands
    }

    pub fn verify(&self) -> &[Command] {
        &self.verify
    }

    pub fn rollback(&self) -> &[Command] {
        &self.rollback
    }

    pub fn safety(&self) -> Safety {
        self.safety
    }
}

/// Why no command can name an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unnameable {
    /// The input did not show the identity, or showed it cut or with white space guessed at a wrap.
    NotWhole,
    /// The identity is a receive connector's bare name, which several servers may share.
    Ambiguous,
    /// The identity holds a wildcard character, which `-Identity` may take as a pattern.
    Wildcard(char),
    /// The identity holds characters that cannot be printed safely.
    Unsafe(String),
}

impl Unnameable {
    /// Why no command can name the object, as the end of a sentence.
    pub fn why(&self) -> String {
        match self {
            Unnameable::NotWhole => "the paste does not show its whole Identity (it was cut, or a line wrap hid where its spaces are), and a command must never guess it".into(),
            Unnameable::Ambiguous => "the paste names this receive connector only by its name, which receive connectors on other servers may share, so a command could change the wrong one".into(),
            Unnameable::Wildcard(c) => format!("its identity holds '{c}', which -Identity may read as a wildcard and so match other objects"),
            Unnameable::Unsafe(reason) => format!("its identity cannot be written safely in a command: {reason}"),
        }
    }

    /// A note for the finding: why there is no command, and what to do instead.
    pub fn note(&self, kind: Kind) -> String {
        let cmdlet = kind.cmdlet().unwrap_or("Get-ReceiveConnector");
        let instead = match self {
            Unnameable::NotWhole => {
                format!("Paste the output of `{cmdlet} | Format-List Identity` (or Export-Clixml) to get one.")
            }
            Unnameable::Ambiguous => {
                format!("Paste the output of `{cmdlet} | Format-List Identity,Server` to get one.")
            }
            Unnameable::Wildcard(_) | Unnameable::Unsafe(_) => {
                "Make the change in the Exchange admin center, or select the object by its Guid.".into()
            }
        };
        format!("No command was generated: {}. {instead}", self.why())
    }
}

/// The quoted identity for commands about an object of `kind`, or the reason there is none.
///
/// The identity must have been read whole and exactly, must name one object (a receive
/// connector's identity is `Server\Name`: its name alone may exist on every server), must hold no
/// wildcard, and must be printable.
pub fn command_identity(kind: Kind, identity: Option<&Identity>) -> Result<Quoted, Unnameable> {
    let identity = identity.ok_or(Unnameable::NotWhole)?;
    let text = identity.text.as_str();
    // A hidden character is reported whatever else is wrong with the identity.
    let quoted = quote(text).map_err(|refused| Unnameable::Unsafe(refused.reason))?;
    if !identity.complete {
        return Err(Unnameable::NotWhole);
    }
    if kind == Kind::ReceiveConnector
        && !text.split_once('\\').is_some_and(|(s, n)| !s.trim().is_empty() && !n.trim().is_empty())
    {
        return Err(Unnameable::Ambiguous);
    }
    if let Some(c) = text.chars().find(|c| matches!(c, '*' | '?' | '[' | ']')) {
        return Err(Unnameable::Wildcard(c));
    }
    Ok(quoted)
}

/// The cmdlets that read and change an object of `kind`, and whether they take an identity.
fn cmdlets(kind: Kind) -> Option<(Cmdlet, Cmdlet, bool)> {
    match kind {
        Kind::ReceiveConnector => Some((Cmdlet::GetReceiveConnector, Cmdlet::SetReceiveConnector, true)),
        Kind::SendConnector => Some((Cmdlet::GetSendConnector, Cmdlet::SetSendConnector, true)),
        // The hybrid configuration is one per organisation: its cmdlets take no identity.
        Kind::HybridConfiguration => Some((Cmdlet::GetHybridConfiguration, Cmdlet::SetHybridConfiguration, false)),
        // Exchange Online's connectors, changed in Exchange Online PowerShell.
        Kind::InboundConnector => Some((Cmdlet::GetInboundConnector, Cmdlet::SetInboundConnector, true)),
        Kind::OutboundConnector => Some((Cmdlet::GetOutboundConnector, Cmdlet::SetOutboundConnector, true)),
        Kind::RemoteDomain => Some((Cmdlet::GetRemoteDomain, Cmdlet::SetRemoteDomain, true)),
        _ => None,
    }
}

/// The object a plan changes: its kind and, unless it is the organisation's one hybrid
/// configuration, its quoted identity.
#[derive(Clone, Debug)]
pub struct Target {
    get: Cmdlet,
    set: Cmdlet,
    identity: Option<Quoted>,
}

impl Target {
    /// The target for an object, or the reason no command can name it.
    pub fn of(kind: Kind, identity: Option<&Identity>) -> Result<Target, Unnameable> {
        let (get, set, takes_identity) = cmdlets(kind).ok_or(Unnameable::NotWhole)?;
        let identity = if takes_identity { Some(command_identity(kind, identity)?) } else { None };
        Ok(Target { get, set, identity })
    }

    fn line(&self, cmdlet: Cmdlet) -> Line {
        let line = Line::run(cmdlet);
        match &self.identity {
            Some(id) => line.param("Identity", id),
            None => line,
        }
    }

    fn get(&self) -> Line {
        self.line(self.get)
    }

    fn set(&self) -> Line {
        self.line(self.set)
    }
}

/// Fix, verify and rollback commands that remove some `RemoteIPRanges` items of one receive
/// connector and keep the others (`@{Remove=...}`, the documented way to change a multi-valued
/// property without naming the whole list). Each item is written as the input showed it, and
/// the rollback adds the same items back. The fix is one of two ways to settle a finding, so it
/// is marked as chosen and needs review.
pub fn remove_remote_ranges(target: &Target, items: &[String]) -> Result<Remediation, Refused> {
    let items = items.iter().map(|i| quote(i)).collect::<Result<Vec<_>, _>>()?;
    let change = |word: &'static str| {
        let mut line = target.set().code(" -RemoteIPRanges @{").code(word).code("=");
        for (n, item) in items.iter().enumerate() {
            line = line.code(if n == 0 { "" } else { "," }).quoted(item);
        }
        line.code("}")
    };
    Ok(Remediation::new(
        vec![Command::line(change("Remove").chosen())],
        vec![Command::line(target.get().format_list(&["Identity", "Bindings", "RemoteIPRanges"]))],
        vec![Command::line(change("Add"))],
    ))
}

/// The command that shows some properties of one object, to look at before deciding on a fix.
pub fn show(target: &Target, properties: &[&'static str]) -> Command {
    Command::line(target.get().format_list(properties))
}

/// A value for a parameter: written as PowerShell code, never as unquoted input.
#[derive(Clone, Debug)]
pub enum Argument {
    Bool(bool),
    Null,
    /// Literal code of ours (an enum value's name), never input.
    Word(&'static str),
    /// Text read whole and exactly from the input, or a constant of ours; quoted.
    Text(String),
    /// Text read whole and exactly from the input that hybridcheck chose among possibilities the
    /// finding cannot settle (which of two objects is right); quoted, and the fix needs review.
    Chosen(String),
    /// Several values read whole and exactly from the input (a multi-valued property as it was,
    /// for a rollback); each quoted.
    Texts(Vec<String>),
}

/// A change of one or more parameters: `(parameter, new value, value before)`.
pub type Change = Vec<(&'static str, Argument, Argument)>;

/// Fix, verify and rollback commands that set only the named parameters of one object.
pub fn set_parameters(target: &Target, change: &Change) -> Result<Remediation, Refused> {
    let mut fix = target.set();
    let mut back = target.set();
    for (parameter, new, old) in change {
        fix = with_argument(fix, parameter, new)?;
        back = with_argument(back, parameter, old)?;
    }
    let shown: Vec<&'static str> = std::iter::once("Identity").chain(change.iter().map(|(p, ..)| *p)).collect();
    Ok(Remediation::new(
        vec![Command::line(fix)],
        vec![Command::line(target.get().format_list(&shown))],
        vec![Command::line(back)],
    ))
}

/// Fix, verify and rollback commands that add values to a multi-valued property of one object and
/// keep its other values (`-Parameter @{Add='a','b'}`); the rollback removes exactly those values.
pub fn add_to_list(target: &Target, parameter: &'static str, values: &[String]) -> Result<Remediation, Refused> {
    let quoted = values.iter().map(|v| quote(v)).collect::<Result<Vec<_>, _>>()?;
    let with = |line: Line, verb: &'static str| {
        let mut line = line.code(" -").code(parameter).code(" @{").code(verb).code("=");
        for (n, value) in quoted.iter().enumerate() {
            if n > 0 {
                line = line.code(",");
            }
            line = line.quoted(value);
        }
        line.code("}")
    };
    Ok(Remediation::new(
        vec![Command::line(with(target.set(), "Add"))],
        vec![Command::line(target.get().format_list(&["Identity", parameter]))],
        vec![Command::line(with(target.set(), "Remove"))],
    ))
}

fn with_argument(line: Line, parameter: &'static str, argument: &Argument) -> Result<Line, Refused> {
    Ok(match argument {
        Argument::Bool(true) => line.param_code(parameter, "$true"),
        Argument::Bool(false) => line.param_code(parameter, "$false"),
        Argument::Null => line.param_code(parameter, "$null"),
        Argument::Word(word) => line.param_code(parameter, word),
        Argument::Text(text) => line.param(parameter, &quote(text)?),
        Argument::Chosen(text) => line.param(parameter, &quote(text)?).chosen(),
        Argument::Texts(texts) if texts.is_empty() => line.param_code(parameter, "$null"),
        Argument::Texts(texts) => {
            line.param_list(parameter, &texts.iter().map(|t| quote(t)).collect::<Result<Vec<_>, _>>()?)
        }
    })
}

/// A value as it was before a fix, for the rollback.
#[derive(Clone, Copy, Debug)]
pub enum Before<'a> {
    /// The input showed it whole and exactly: the rollback names it.
    Shown(&'a str),
    /// The input did not show it exactly (a wrap hid where its spaces are): the fix keeps it from
    /// the server first, and the rollback restores that.
    FromServer,
}

/// Commands that point `TlsCertificateName` of `target` at the certificate with `thumbprint` on
/// `server`. The name written is read from the certificate itself on the server, so it is exactly
/// the issuer and subject Exchange will look for.
pub fn point_at_certificate(
    target: &Target,
    server: &Quoted,
    thumbprint: &Quoted,
    before: Before,
    number: usize,
) -> Result<Remediation, Refused> {
    let certificate = Var::Certificate(number);
    let name = Var::TlsName(number);
    let read_certificate =
        || Line::run(Cmdlet::GetExchangeCertificate).param("Server", server).param("Thumbprint", thumbprint);
    let mut fix = Vec::new();
    let rollback = match before {
        Before::Shown(text) => Command::line(target.set().param("TlsCertificateName", &quote(text)?)),
        Before::FromServer => {
            let kept = Var::Before(number);
            fix.push(
                Line::store(kept).code("[string](").append(target.get()).code(" -ErrorAction Stop).TlsCertificateName"),
            );
            Command::line(target.set().param_var("TlsCertificateName", kept))
        }
    };
    fix.push(Line::store(certificate).append(read_certificate()).code(" -ErrorAction Stop"));
    fix.push(
        Line::store(name).code("\"<I>$(").var(certificate).code(".Issuer)<S>$(").var(certificate).code(".Subject)\""),
    );
    fix.push(target.set().param_var("TlsCertificateName", name).chosen());
    Ok(Remediation::new(
        vec![Command::block(fix)],
        vec![
            Command::line(target.get().format_list(&["Identity", "TlsCertificateName"])),
            Command::line(read_certificate().format_list(&[
                "Thumbprint",
                "Subject",
                "Issuer",
                "NotAfter",
                "Services",
                "Status",
            ])),
        ],
        vec![rollback],
    ))
}

/// The command that shows one certificate's details, to check a finding about it.
pub fn certificate_details(server: &Quoted, thumbprint: &Quoted) -> Command {
    Command::line(
        Line::run(Cmdlet::GetExchangeCertificate)
            .param("Server", server)
            .param("Thumbprint", thumbprint)
            .format_list(&["Thumbprint", "Subject", "NotAfter", "Services", "Status", "HasPrivateKey"]),
    )
}

/// The command that adds SMTP to a certificate's services (`Enable-ExchangeCertificate` adds to the
/// services it has; it asks whether to replace the default SMTP certificate).
pub fn enable_smtp(server: &Quoted, thumbprint: &Quoted) -> Remediation {
    Remediation::new(
        vec![Command::line(
            Line::run(Cmdlet::EnableExchangeCertificate)
                .param("Server", server)
                .param("Thumbprint", thumbprint)
                .param_code("Services", "SMTP"),
        )],
        vec![certificate_details(server, thumbprint)],
        Vec::new(),
    )
}
