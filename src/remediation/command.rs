//! The typed command builder: the only way to make the text of a command.
//!
//! A [`Line`] is assembled from literal code of ours (`&'static str`, so never text from the
//! input), [`Quoted`] values (the only form input text takes in a command), the [`Cmdlet`]s we
//! run and the session variables ([`Var`]) we keep values in. Lines that depend on each other
//! become one [`Command`]: one block that the admin copies and runs as a whole.
//!
//! The builder also knows what a block does, so that whether a fix is "safe to run as printed"
//! is computed, never written by a rule: a block is safe when every value it writes is shown in
//! it and it asks no question. A block that reads a session variable it did not set itself gets
//! a guard line that stops it when that variable is not set, so a line copied into a new shell
//! can never write an empty list.

use super::powershell::Quoted;
use serde::{Serialize, Serializer};

/// The cmdlets hybridcheck writes into commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmdlet {
    GetReceiveConnector,
    SetReceiveConnector,
    GetSendConnector,
    SetSendConnector,
    GetHybridConfiguration,
    SetHybridConfiguration,
    GetExchangeCertificate,
    EnableExchangeCertificate,
    GetExchangeServer,
    GetInboundConnector,
    SetInboundConnector,
    GetOutboundConnector,
    SetOutboundConnector,
    GetRemoteDomain,
    SetRemoteDomain,
}

impl Cmdlet {
    pub fn name(self) -> &'static str {
        match self {
            Cmdlet::GetReceiveConnector => "Get-ReceiveConnector",
            Cmdlet::SetReceiveConnector => "Set-ReceiveConnector",
            Cmdlet::GetSendConnector => "Get-SendConnector",
            Cmdlet::SetSendConnector => "Set-SendConnector",
            Cmdlet::GetHybridConfiguration => "Get-HybridConfiguration",
            Cmdlet::SetHybridConfiguration => "Set-HybridConfiguration",
            Cmdlet::GetExchangeCertificate => "Get-ExchangeCertificate",
            Cmdlet::EnableExchangeCertificate => "Enable-ExchangeCertificate",
            Cmdlet::GetExchangeServer => "Get-ExchangeServer",
            Cmdlet::GetInboundConnector => "Get-InboundConnector",
            Cmdlet::SetInboundConnector => "Set-InboundConnector",
            Cmdlet::GetOutboundConnector => "Get-OutboundConnector",
            Cmdlet::SetOutboundConnector => "Set-OutboundConnector",
            Cmdlet::GetRemoteDomain => "Get-RemoteDomain",
            Cmdlet::SetRemoteDomain => "Set-RemoteDomain",
        }
    }

    /// True for the cmdlets that change configuration.
    fn changes(self) -> bool {
        matches!(
            self,
            Cmdlet::SetReceiveConnector
                | Cmdlet::SetSendConnector
                | Cmdlet::SetHybridConfiguration
                | Cmdlet::EnableExchangeCertificate
                | Cmdlet::SetInboundConnector
                | Cmdlet::SetOutboundConnector
                | Cmdlet::SetRemoteDomain
        )
    }

    /// True for the cmdlets that may stop and ask a question: `Enable-ExchangeCertificate -Services SMTP`
    /// asks whether to overwrite the default SMTP certificate, and the answer matters.
    fn asks(self) -> bool {
        matches!(self, Cmdlet::EnableExchangeCertificate)
    }
}

/// A value a block keeps in the PowerShell session. Each is numbered by its finding, so the
/// blocks of one script never share a variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Var {
    /// A value as it was before the fix, for the rollback.
    Before(usize),
    /// The certificate a fix points a setting at.
    Certificate(usize),
    /// The `<I>issuer<S>subject` name of that certificate.
    TlsName(usize),
}

impl Var {
    fn name(self) -> String {
        match self {
            Var::Before(n) => format!("$hcBefore{n}"),
            Var::Certificate(n) => format!("$hcCert{n}"),
            Var::TlsName(n) => format!("$hcTlsName{n}"),
        }
    }
}

/// One line of PowerShell under construction.
#[derive(Clone, Debug, Default)]
pub struct Line {
    text: String,
    /// Variables the line reads, in order.
    reads: Vec<Var>,
    /// The variable the line sets, if it starts with an assignment.
    sets: Option<Var>,
    /// The cmdlets the line runs.
    runs: Vec<Cmdlet>,
    /// The value the line writes was chosen by hybridcheck among possibilities the finding cannot
    /// settle (which certificate, which of two objects is right).
    chosen: bool,
}

impl Line {
    /// A line that runs `cmdlet`.
    pub fn run(cmdlet: Cmdlet) -> Line {
        Line::default().cmdlet(cmdlet)
    }

    /// A line that stores what follows in `var`.
    pub fn store(var: Var) -> Line {
        let mut line = Line { sets: Some(var), ..Line::default() };
        line.text.push_str(&var.name());
        line.text.push_str(" = ");
        line
    }

    /// Appends literal code of ours. The `'static` lifetime keeps input text out: input enters a
    /// command only through [`Line::quoted`].
    pub fn code(mut self, code: &'static str) -> Line {
        self.text.push_str(code);
        self
    }

    /// Appends the name of a cmdlet.
    pub fn cmdlet(mut self, cmdlet: Cmdlet) -> Line {
        self.text.push_str(cmdlet.name());
        self.runs.push(cmdlet);
        self
    }

    /// Appends a quoted value.
    pub fn quoted(mut self, value: &Quoted) -> Line {
        self.text.push_str(value.code());
        self
    }

    /// Appends a reference to a session variable.
    pub fn var(mut self, var: Var) -> Line {
        self.text.push_str(&var.name());
        self.reads.push(var);
        self
    }

    /// Appends ` -Name 'value'`.
    pub fn param(self, name: &'static str, value: &Quoted) -> Line {
        self.code(" -").code(name).code(" ").quoted(value)
    }

    /// Appends ` -Name 'a','b'`: a list of values, each quoted.
    pub fn param_list(self, name: &'static str, values: &[Quoted]) -> Line {
        let mut line = self.code(" -").code(name).code(" ");
        for (n, value) in values.iter().enumerate() {
            if n > 0 {
                line = line.code(",");
            }
            line = line.quoted(value);
        }
        line
    }

    /// Appends ` -Name code`, for values of ours such as `$true` or an enum value's name.
    pub fn param_code(self, name: &'static str, code: &'static str) -> Line {
        self.code(" -").code(name).code(" ").code(code)
    }

    /// Appends ` -Name $variable`.
    pub fn param_var(self, name: &'static str, var: Var) -> Line {
        self.code(" -").code(name).code(" ").var(var)
    }

    /// Appends ` | Format-List` with the given property names.
    pub fn format_list(self, properties: &[&'static str]) -> Line {
        let mut line = self.code(" | Format-List ");
        for (n, property) in properties.iter().enumerate() {
            if n > 0 {
                line = line.code(",");
            }
            line = line.code(property);
        }
        line
    }

    /// Marks the value this line writes as chosen by hybridcheck among possibilities the finding
    /// cannot settle, so the admin must confirm it: the block does not run as printed.
    pub fn chosen(mut self) -> Line {
        self.chosen = true;
        self
    }

    /// Appends another line's code, for a command inside an expression: `@((Get-X ...).Property)`.
    pub fn append(mut self, other: Line) -> Line {
        self.text.push_str(&other.text);
        self.reads.extend(other.reads);
        self.runs.extend(other.runs);
        self.chosen |= other.chosen;
        self
    }

    /// True when the line changes configuration with a value it does not show.
    fn writes_unseen_value(&self) -> bool {
        self.runs.iter().any(|c| c.changes()) && !self.reads.is_empty()
    }
}

/// Shows lists whole in this shell instead of cutting them after 16 items with `...`.
pub const WHOLE_LISTS: &str = "$FormatEnumerationLimit = -1";

/// What follows a command of ours so that no line of its output is wrapped or cut at the
/// console's width.
const UNWRAPPED: &str = " | Out-String -Width 4096";

/// One block of PowerShell that is copied and run as a whole: a single line, or lines that depend
/// on each other. Serialized as its text (lines joined by `\n`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Command {
    text: String,
    /// Every value the block writes is shown in it, and it asks no question.
    runs_as_printed: bool,
}

impl Command {
    /// A block of one line.
    pub fn line(line: Line) -> Command {
        Command::block(vec![line])
    }

    /// A block of lines that run together. A line that reads a session variable set by no
    /// earlier line of the block is preceded by a guard that stops the block when the variable
    /// is not set in this session.
    pub fn block(lines: Vec<Line>) -> Command {
        let mut text = String::new();
        let mut set: Vec<Var> = Vec::new();
        let mut runs_as_printed = true;
        for line in &lines {
            for var in &line.reads {
                if !set.contains(var) {
                    let name = var.name();
                    text.push_str(&format!(
                        "if ($null -eq {name}) {{ throw 'hybridcheck: {name} is not set in this PowerShell session. Run the whole fix block first, in this same session.' }}\n"
                    ));
                    set.push(*var);
                    runs_as_printed = false;
                }
            }
            text.push_str(&line.text);
            text.push('\n');
            set.extend(line.sets);
            runs_as_printed &= !line.writes_unseen_value() && !line.chosen && !line.runs.iter().any(|c| c.asks());
        }
        text.pop();
        Command { text, runs_as_printed }
    }

    /// A command that is literal code of ours, such as a command that collects what to paste.
    pub fn literal(code: &'static str) -> Command {
        Command { text: code.to_owned(), runs_as_printed: true }
    }

    /// A command of ours whose output lines are not wrapped or cut at the console's width.
    pub fn unwrapped(code: &'static str) -> Command {
        Command { text: format!("{code}{UNWRAPPED}"), runs_as_printed: true }
    }

    /// A command of ours that prints `code`'s output whole: lists not cut ([`WHOLE_LISTS`]), lines
    /// not wrapped.
    pub fn printing_whole(code: &'static str) -> Command {
        Command { text: format!("{WHOLE_LISTS}; {code}{UNWRAPPED}"), runs_as_printed: true }
    }

    /// The block's PowerShell text; lines are separated by `\n`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the block can be run as printed: every value it writes is shown in it, it reads
    /// no value kept from another block, and it asks no question.
    pub fn runs_as_printed(&self) -> bool {
        self.runs_as_printed
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl Serialize for Command {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}
