//! Issue 12's acceptance suite: hostile values in every field that can reach a command, in
//! every layout the checker reads, and every command read back with a PowerShell tokenizer
//! written from the language specification (`support::powershell`).
//!
//! For each case (a field in a layout: the receive connector's `Identity` in Format-List, a
//! certificate's `Thumbprint` in Export-Csv, ...) the suite first checks the paste with a
//! benign value and asserts that it yields commands (and, where the field reaches commands,
//! that the value is in one), so that the suite cannot pass by producing nothing. Then it puts
//! each hostile value in the same place and reads every command of the report (fix, verify,
//! rollback, and the commands of diagnostics once the report carries them):
//!
//! - a value whose characters display differently from what runs (by Unicode general
//!   category, see `support::unicode`) must reach no command, and an `unsafe-identity`
//!   diagnostic must say so;
//! - any other value must give commands of the same token shape as the benign value's, each
//!   verbatim string equal to the benign one with the benign value replaced by the hostile
//!   one; or, when the checker decided to name less (it filtered on the server, or refused),
//!   commands made only of code the checker prints for benign pastes and of such strings.
//!
//! Further tests run the identity and list scenarios of issue 12.5 to 12.11. Failures are
//! grouped by the defect classes of issue 12. The CLI's part of the suite (`--format ps1` read
//! as Windows PowerShell 5.1 and PowerShell 7 read a script file; text and Markdown for control
//! characters) is `cli/tests/hostile.rs`, which needs the binary. The hostile values, the layouts,
//! reading the report and the failure classes are shared with it in `support/`.

mod support;

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use support::failures::*;
use support::layouts::*;
use support::payloads::*;
use support::powershell::{literals, shape, Kind, Token};
use support::reports::*;
use support::unicode::{refused_chars, treatment_of, Treatment};

// ---------------------------------------------------------------------------------------------
// Scenarios: pastes that yield commands, with the place where a hostile value goes
// ---------------------------------------------------------------------------------------------

/// The distinguished name of a receive connector, its name escaped as RFC 4514 and Active
/// Directory write it: `,+"\<>;=` and a leading `#` with a backslash, control characters as hex.
fn connector_dn(name: &str, server: &str) -> String {
    let mut escaped = String::new();
    for (i, c) in name.chars().enumerate() {
        match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '#' if i == 0 => escaped.push_str("\\#"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => escaped.push_str(&format!("\\{:02X}", c as u32)),
            c => escaped.push(c),
        }
    }
    format!("CN={escaped},CN=SMTP Receive Connectors,CN=Protocols,CN={server},CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com")
}

/// A certificate's dates in JSON as PowerShell 7 writes them.
fn with_dates_for(mut object: Object, layout: Layout) -> Object {
    if layout == Layout::Json {
        for (name, value) in object.iter_mut() {
            if *name == "NotAfter" {
                *value = PropValue::Text("2027-10-20T23:59:59".into());
            }
        }
    }
    object
}

/// Where the hostile value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    /// The receive connector's `Identity`, after `EX01\`.
    ReceiveIdentity,
    /// `Name`, with `Server` beside it (no `Identity`).
    ReceiveName,
    /// The connector's name inside `DistinguishedName` (no `Identity`, `Name` or `Server`).
    ReceiveDn,
    /// The server part of the identity, `<value>\Default Frontend`.
    ReceiveServer,
    /// An entry of `TlsDomainCapabilities` that the fix keeps (beside the stale one).
    CapabilityEntry,
    /// The issuer inside `TlsCertificateName` (restored by the rollback).
    TlsCertificateName,
    CertificateThumbprint,
    CertificateSubject,
    CertificateIssuer,
    /// The server a certificate belongs to (its `Identity` prefix) and the connector's server.
    CertificateServer,
    SendIdentity,
    SendFqdn,
    SendTlsDomain,
    /// `SendingTransportServers` and `ReceivingTransportServers` of the hybrid configuration.
    HybridServers,
    /// The connector name in the Exchange 2010 warning.
    WarningName,
    /// The server part of the identity in the Exchange 2010 warning.
    WarningServer,
    /// The server in the hint of a `certificates-not-pasted` diagnostic.
    HintServer,
}

impl Field {
    fn name(self) -> &'static str {
        match self {
            Field::ReceiveIdentity => "receive connector Identity",
            Field::ReceiveName => "receive connector Name + Server",
            Field::ReceiveDn => "receive connector DistinguishedName",
            Field::ReceiveServer => "server part of a receive connector Identity",
            Field::CapabilityEntry => "kept TlsDomainCapabilities entry",
            Field::TlsCertificateName => "TlsCertificateName",
            Field::CertificateThumbprint => "certificate Thumbprint",
            Field::CertificateSubject => "certificate Subject",
            Field::CertificateIssuer => "certificate Issuer",
            Field::CertificateServer => "certificate server",
            Field::SendIdentity => "send connector Identity",
            Field::SendFqdn => "send connector Fqdn",
            Field::SendTlsDomain => "send connector TlsDomain",
            Field::HybridServers => "hybrid configuration transport servers",
            Field::WarningName => "connector name in the 2010 warning",
            Field::WarningServer => "server name in the 2010 warning",
            Field::HintServer => "server name in a diagnostic's hint",
        }
    }

    /// The benign value: it must reach the same commands a real name would.
    fn benign(self) -> &'static str {
        match self {
            Field::ReceiveIdentity | Field::ReceiveName | Field::ReceiveDn | Field::WarningName => "Qz7 Relay",
            Field::ReceiveServer
            | Field::CertificateServer
            | Field::HybridServers
            | Field::WarningServer
            | Field::HintServer => "EXQZ7",
            Field::CapabilityEntry => "Qz7 Partner CA",
            Field::TlsCertificateName => "Qz7 Old CA",
            Field::CertificateThumbprint => THUMBPRINT,
            Field::CertificateSubject => "Qz7 Contoso Ltd",
            Field::CertificateIssuer => "Qz7 Issuing CA",
            Field::SendIdentity => "Qz7 Outbound to Office 365",
            Field::SendFqdn | Field::SendTlsDomain => "qz7.contoso.com",
        }
    }

    /// Whether the field's value is part of some command (else the commands must not change).
    fn reaches_commands(self) -> bool {
        !matches!(self, Field::CertificateSubject | Field::CertificateIssuer | Field::SendFqdn)
    }

    /// Whether the field names the object a command acts on (`-Identity`), where wildcards matter.
    fn is_identity(self) -> bool {
        matches!(
            self,
            Field::ReceiveIdentity
                | Field::ReceiveName
                | Field::ReceiveDn
                | Field::ReceiveServer
                | Field::SendIdentity
                | Field::WarningName
                | Field::WarningServer
        )
    }

    /// The value as the field holds it: a thumbprint has 40 characters (shorter values are
    /// padded, so that they reach the command that takes only whole thumbprints).
    fn value(self, payload: &str) -> String {
        if self == Field::CertificateThumbprint && payload.len() < 40 {
            format!("{payload}{}", "A".repeat(40 - payload.len()))
        } else {
            payload.to_owned()
        }
    }

    /// The value as it must appear inside a command's string: thumbprints in upper case, `:`
    /// doubled inside a certificate key of `TlsDomainCapabilities` (as Exchange prints it).
    fn intended(self, value: &str) -> String {
        match self {
            Field::CertificateThumbprint => value.to_ascii_uppercase(),
            Field::CapabilityEntry => value.replace(':', "::"),
            _ => value.to_owned(),
        }
    }

    /// Values that the field's own grammar cannot hold unambiguously in `layout`, so that no
    /// reader could recover them (a list item with `, ` in `{a, b}`, a server name with `\`).
    fn holds(self, layout: Layout, value: &str) -> bool {
        let lower = value.to_ascii_lowercase();
        let list_display = matches!(layout, Layout::FormatList | Layout::FormatTable);
        match self {
            Field::ReceiveServer | Field::CertificateServer | Field::WarningServer | Field::HintServer => {
                !value.contains('\\')
            }
            Field::HybridServers => {
                !value.contains('\\') && !(list_display && (value.contains(", ") || value.contains(['{', '}'])))
            }
            Field::CapabilityEntry => {
                !lower.contains("<i>")
                    && !lower.contains("<s>")
                    && !(list_display && (value.contains(", ") || value.contains(['{', '}'])))
                    && !lower.contains("msit")
            }
            Field::TlsCertificateName | Field::CertificateSubject | Field::CertificateIssuer => {
                !lower.contains("<i>") && !lower.contains("<s>")
            }
            Field::WarningName => !value.contains(" has been corrupted"),
            _ => true,
        }
    }
}

/// One field in one layout.
struct Case {
    field: Field,
    layout: Layout,
}

impl Case {
    fn name(&self) -> String {
        format!("{} in {}", self.field.name(), self.layout.name())
    }

    /// The paste with `value` in the field, or `None` when the layout cannot carry it.
    fn build(&self, value: &str) -> Option<Inputs> {
        if !self.layout.carries(value) || !self.field.holds(self.layout, value) {
            return None;
        }
        Some(build(self.field, self.layout, value))
    }
}

/// Every field in every layout that shows it.
fn cases() -> Vec<Case> {
    use Field::*;
    use Layout::*;
    let table: [(Field, &[Layout]); 17] = [
        (ReceiveIdentity, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (ReceiveName, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (ReceiveDn, &[FormatList, Json, Clixml, Csv]),
        (ReceiveServer, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CapabilityEntry, &[FormatList, FormatTable, Json, Clixml]),
        (TlsCertificateName, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateThumbprint, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateSubject, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateIssuer, &[FormatList, FormatTable, Json, Clixml, Csv]),
        (CertificateServer, &[FormatList, Json, Clixml, Csv]),
        (SendIdentity, &[FormatList, FormatTable, Json, Clixml]),
        (SendFqdn, &[FormatList, FormatTable, Json, Clixml]),
        (SendTlsDomain, &[FormatList, FormatTable, Json, Clixml]),
        (HybridServers, &[FormatList, Json, Clixml]),
        (WarningName, &[Warning2010]),
        (WarningServer, &[Warning2010]),
        (HintServer, &[FormatList, Json, Clixml]),
    ];
    table.iter().flat_map(|(field, layouts)| layouts.iter().map(|&layout| Case { field: *field, layout })).collect()
}

/// The paste of one case with `value` in its field.
fn build(field: Field, layout: Layout, value: &str) -> Inputs {
    use Field::*;
    match field {
        ReceiveIdentity | ReceiveName | ReceiveDn | ReceiveServer | CapabilityEntry => {
            // A connector with the stale entry of KB 3156771 beside a partner's entry: the fix
            // replaces the stale entry, keeps the partner's and names the connector.
            let (identity, name, server) = match field {
                ReceiveServer => {
                    (format!("{value}\\Default Frontend"), "Default Frontend".to_owned(), value.to_owned())
                }
                CapabilityEntry => {
                    ("EX01\\Default Frontend EX01".into(), "Default Frontend EX01".into(), "EX01".into())
                }
                _ => (format!("EX01\\{value}"), value.to_owned(), "EX01".to_owned()),
            };
            let partner = if field == CapabilityEntry { field.intended(value) } else { "Qz7 Partner CA".into() };
            let entries = vec![
                LEGACY_ENTRY.to_owned(),
                format!("<I>CN={partner}, O=Fabrikam<S>CN=mail.fabrikam.example:AcceptOorgProtocol"),
            ];
            let mut object: Object = match field {
                ReceiveName => vec![("Server", PropValue::Text(server.clone())), ("Name", PropValue::Text(name))],
                ReceiveDn => vec![("DistinguishedName", PropValue::Text(connector_dn(&name, &server)))],
                _ => vec![("Identity", PropValue::Text(identity))],
            };
            if layout == Layout::Csv {
                // Export-Csv loses the list; the connector still reaches commands through the
                // certificate its TlsCertificateName names (see `renewal`).
                return renewal(layout, object, &server, "CN=Contoso Old CA, O=Contoso");
            }
            object.push(("TlsDomainCapabilities", PropValue::List(entries)));
            let last = match field {
                ReceiveName => "Name",
                CapabilityEntry => "TlsDomainCapabilities",
                _ => "Identity",
            };
            vec![(file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[object], last).into_bytes())]
        }
        TlsCertificateName => {
            let object = vec![("Identity", PropValue::Text("EX01\\Default Frontend EX01".into()))];
            renewal(layout, object, "EX01", &format!("CN={value}, O=Contoso"))
        }
        CertificateThumbprint | CertificateSubject | CertificateIssuer | CertificateServer => {
            // A connector names a certificate that is not enabled for SMTP: the fix enables it.
            let server = if field == CertificateServer { value } else { "EX01" };
            let thumbprint = if field == CertificateThumbprint { value } else { THUMBPRINT };
            let subject = if field == CertificateSubject {
                format!("CN=mail.contoso.com, O={value}")
            } else {
                "CN=mail.contoso.com, O=Contoso Ltd".into()
            };
            let issuer = if field == CertificateIssuer {
                format!("CN={value}, O=DigiCert Inc")
            } else {
                "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc".into()
            };
            let connector: Object = vec![
                ("Identity", PropValue::Text(format!("{server}\\Default Frontend"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text(format!("<I>{issuer}<S>{subject}"))),
            ];
            let last = match field {
                CertificateThumbprint => "Thumbprint",
                CertificateSubject => "Subject",
                CertificateIssuer => "Issuer",
                _ => "Identity",
            };
            let certificates = [with_dates_for(certificate(server, thumbprint, &subject, &issuer, false), layout)];
            let connector_layout = if layout == Layout::FormatTable { Layout::FormatList } else { layout };
            vec![
                (
                    file_name(&RECEIVE, connector_layout),
                    render(&RECEIVE, connector_layout, &[connector], "").into_bytes(),
                ),
                (file_name(&CERTIFICATE, layout), render(&CERTIFICATE, layout, &certificates, last).into_bytes()),
            ]
        }
        SendIdentity | SendFqdn | SendTlsDomain => {
            // The send connector to Exchange Online with three settings wrong.
            let pick = |own: Field, default: &str| if field == own { value.to_owned() } else { default.to_owned() };
            let object: Object = vec![
                ("Identity", PropValue::Text(pick(SendIdentity, "Outbound to Office 365"))),
                ("AddressSpaces", PropValue::List(vec!["smtp:contoso.mail.onmicrosoft.com;1".into()])),
                ("SmartHosts", PropValue::List(Vec::new())),
                ("Fqdn", PropValue::Text(pick(SendFqdn, "mail.contoso.com"))),
                ("RequireTLS", PropValue::Bool(false)),
                ("TlsAuthLevel", PropValue::Text("DomainValidation".into())),
                ("TlsDomain", PropValue::Text(pick(SendTlsDomain, "contoso.com"))),
                (
                    "TlsCertificateName",
                    PropValue::Text(
                        "<I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc<S>CN=mail.contoso.com".into(),
                    ),
                ),
                ("CloudServicesMailEnabled", PropValue::Bool(false)),
            ];
            let last = match field {
                SendFqdn => "Fqdn",
                SendTlsDomain => "TlsDomain",
                _ => "Identity",
            };
            vec![(file_name(&SEND, layout), render(&SEND, layout, &[object], last).into_bytes())]
        }
        HybridServers => {
            // The hybrid configuration names a certificate its server no longer has; the server
            // has a renewed one: the fix points the setting at it.
            let hybrid: Object = vec![
                ("Identity", PropValue::Text("Hybrid Configuration".into())),
                ("ReceivingTransportServers", PropValue::List(vec![value.into()])),
                ("SendingTransportServers", PropValue::List(vec![value.into()])),
                ("TlsCertificateName", PropValue::Text("<I>CN=Contoso Old CA, O=Contoso<S>CN=mail.contoso.com".into())),
            ];
            let certificates = [with_dates_for(
                certificate(value, THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true),
                layout,
            )];
            vec![
                (file_name(&HYBRID, layout), render(&HYBRID, layout, &[hybrid], "").into_bytes()),
                (file_name(&CERTIFICATE, layout), render(&CERTIFICATE, layout, &certificates, "").into_bytes()),
            ]
        }
        WarningName | WarningServer => {
            let identity =
                if field == WarningName { format!("EX2013\\{value}") } else { format!("{value}\\Default Frontend") };
            let text = format!(
                "{PROMPT}Get-ReceiveConnector\r\n\r\nIdentity                                 Bindings                                 Enabled\r\n--------                                 --------                                 -------\r\nEX2010\\Default EX2010                    {{0.0.0.0:25}}                             True\r\nWARNING: The object {identity} has been corrupted, and it's in an inconsistent state. The following validation errors happened:\r\nWARNING: Could not convert property TlsDomainCapabilities to type SmtpReceiveDomainCapabilities. Error while converting string 'mail.protection.outlook.com:512:<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US'.\r\nEX2010\\Client EX2010                     {{0.0.0.0:587}}                            True\r\n\r\n\r\n{PROMPT}\r\n"
            );
            vec![("receiveconnector.txt".into(), text.into_bytes())]
        }
        HintServer => {
            // A connector names a certificate, and the paste has no certificates of its server:
            // the diagnostic says which command to run for them.
            let object: Object = vec![
                ("Identity", PropValue::Text(format!("{value}\\Default Frontend"))),
                (
                    "TlsDomainCapabilities",
                    PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
                ),
                ("TlsCertificateName", PropValue::Text("<I>CN=Contoso CA, O=Contoso<S>CN=mail.contoso.com".into())),
            ];
            vec![(file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[object], "Identity").into_bytes())]
        }
    }
}

/// A connector that names a certificate its server no longer has (`issuer`), and the server's
/// renewed certificate: the fix points `TlsCertificateName` at it, the rollback restores the old
/// name. The certificates are pasted as Format-List beside the connector.
fn renewal(layout: Layout, mut connector: Object, server: &str, issuer: &str) -> Inputs {
    connector.push(("TlsCertificateName", PropValue::Text(format!("<I>{issuer}<S>CN=mail.contoso.com"))));
    if layout != Layout::Csv {
        connector.push((
            "TlsDomainCapabilities",
            PropValue::List(vec!["mail.protection.outlook.com:AcceptCloudServicesMail".into()]),
        ));
    }
    let certificates = [certificate(server, THUMBPRINT, "CN=mail.contoso.com", "CN=Contoso New CA, O=Contoso", true)];
    vec![
        (file_name(&RECEIVE, layout), render(&RECEIVE, layout, &[connector], "TlsCertificateName").into_bytes()),
        (
            file_name(&CERTIFICATE, Layout::FormatList),
            render(&CERTIFICATE, Layout::FormatList, &certificates, "").into_bytes(),
        ),
    ]
}

// ---------------------------------------------------------------------------------------------
// Judging one hostile report against the benign one
// ---------------------------------------------------------------------------------------------

/// The benign report of a case, read once.
struct Baseline {
    report: Value,
    commands: Vec<Command>,
    /// Benign strings that do not hold the benign value (constants such as the stale pattern).
    constants: BTreeSet<String>,
}

/// Checks that every token is code the checker prints for benign pastes, or a verbatim string
/// from `allowed`: what a report may hold when it names less than the benign one did.
fn only_known_code(commands: &[Command], vocabulary: &Vocabulary, allowed: &BTreeSet<String>) -> Result<(), String> {
    for command in commands {
        for token in &command.tokens {
            if token.kind == Kind::Comment || token.kind == Kind::NewLine {
                continue;
            }
            if token.is_verbatim() {
                let value = token.value.as_deref().unwrap_or_default();
                if !allowed.contains(value) {
                    return Err(format!(
                        "{}: string {:?} is not an intended value in `{}`",
                        command.place, value, command.text
                    ));
                }
            } else if !vocabulary.contains(&(token.kind, token.text.clone())) && !is_plain_variable(token) {
                return Err(format!(
                    "{}: code `{}` ({:?}) is not the checker's in `{}`",
                    command.place, token.text, token.kind, command.text
                ));
            }
        }
    }
    Ok(())
}

/// The class a changed string falls in, by where the value was.
fn class_of_change(field: Field) -> &'static str {
    match field {
        Field::CapabilityEntry => CLASS_DROPPED,
        _ => CLASS_CHANGED,
    }
}

/// Checks the paste of `case` with `payload` in its field and records what is wrong.
fn judge(case: &Case, payload: &Payload, baseline: &Baseline, vocabulary: &Vocabulary, failures: &mut Failures) {
    let value = case.field.value(&payload.text);
    let Some(inputs) = case.build(&value) else { return };
    let report = report_of(&inputs);
    if let Some((class, detail)) = verdict(case.field, &value, baseline, &report, vocabulary) {
        failures.add(class, &case.name(), &payload.name, detail);
    }
}

/// What is wrong with the commands of `report`, made with `value` in `field`, or `None`.
fn verdict(
    field: Field,
    value: &str,
    baseline: &Baseline,
    report: &Value,
    vocabulary: &Vocabulary,
) -> Option<(&'static str, String)> {
    let hostile = commands(report);
    // A distinguished name escapes some characters (RFC 4514); a value that holds them tests
    // whether the escapes are decoded (issue 12.8).
    let escaped_in_dn = field == Field::ReceiveDn
        && (value.starts_with('#')
            || value.chars().any(|c| (c as u32) < 0x20 || c == '\u{7f}' || ",+\"\\<>;=".contains(c)));
    let fail = |class: &'static str, detail: String| {
        Some((if escaped_in_dn && class == CLASS_CHANGED { CLASS_NOT_WHOLE } else { class }, detail))
    };
    let benign_value = field.intended(field.benign());
    let intended = field.intended(value);
    for command in &hostile {
        if let Some(error) = command.tokens.iter().find(|t| t.kind == Kind::Error) {
            return fail(
                CLASS_CHANGED,
                format!("{}: unreadable at `{}` in `{}`", command.place, error.text, command.text),
            );
        }
    }
    let treatment = treatment_of(&intended);
    let named = hostile.iter().any(|c| literals(&c.tokens).iter().any(|l| l.contains(&intended)));
    if treatment == Treatment::Refuse {
        let refused = refused_chars(&intended);
        for command in &hostile {
            let reached = command
                .tokens
                .iter()
                .filter(|t| t.kind != Kind::NewLine)
                .find(|t| t.value.as_deref().unwrap_or(&t.text).contains(refused.as_slice()));
            if let Some(token) = reached {
                return fail(
                    CLASS_INVISIBLE,
                    format!("{}: `{}` holds {:?}", command.place, short(&token.text, 120), refused),
                );
            }
        }
        // What remains must not name the value in another form (a character dropped, say).
        if let Err(detail) = only_known_code(&hostile, vocabulary, &baseline.constants) {
            return fail(CLASS_CHANGED, detail);
        }
        // The diagnostic is due when the object was read (its findings are there); a paste the
        // checker could not read at all names nothing, which is safe.
        let read = rules(&baseline.report).iter().all(|rule| rules(report).contains(rule));
        if field.reaches_commands() && read && !has_diagnostic(report, "unsafe-identity") {
            return fail(CLASS_NO_DIAGNOSTIC, format!("no unsafe-identity diagnostic for a value with {refused:?}"));
        }
        return None;
    }
    if treatment == Treatment::Either && !named && has_diagnostic(report, "unsafe-identity") {
        return only_known_code(&hostile, vocabulary, &baseline.constants).err().and_then(|d| fail(CLASS_CHANGED, d));
    }
    let same_shape = hostile.len() == baseline.commands.len()
        && hostile.iter().zip(&baseline.commands).all(|(h, b)| shape(&h.tokens) == shape(&b.tokens));
    if same_shape {
        for (h, b) in hostile.iter().zip(&baseline.commands) {
            for (got, benign) in literals(&h.tokens).iter().zip(literals(&b.tokens)) {
                let want = benign.replace(&benign_value, &intended);
                if *got != want {
                    return fail(
                        class_of_change(field),
                        format!("{}: string {:?}, intended {:?}", h.place, short(got, 150), short(&want, 150)),
                    );
                }
            }
        }
    } else {
        // The checker named less than for the benign value (it filtered on the server, or
        // refused): what remains must be its own code and intended strings.
        let mut allowed: BTreeSet<String> = baseline
            .commands
            .iter()
            .flat_map(|c| literals(&c.tokens))
            .map(|literal| literal.replace(&benign_value, &intended))
            .collect();
        allowed.extend(baseline.constants.iter().cloned());
        if let Err(detail) = only_known_code(&hostile, vocabulary, &allowed) {
            return fail(class_of_change(field), detail);
        }
    }
    if field.is_identity()
        && named
        && intended.contains(['*', '?', '['])
        && !prose(report).to_ascii_lowercase().contains("wildcard")
    {
        let place =
            hostile.iter().find(|c| literals(&c.tokens).iter().any(|l| l.contains(&intended))).map(|c| c.text.clone());
        return fail(
            CLASS_WILDCARD,
            format!("`{}` and no word about wildcards", short(&place.unwrap_or_default(), 150)),
        );
    }
    None
}

/// The rule of each finding, in order.
fn rules(report: &Value) -> Vec<String> {
    report["findings"].as_array().into_iter().flatten().map(|f| f["rule"].as_str().unwrap_or("").to_owned()).collect()
}

/// Checks on a benign report that do not depend on the value: the 2010 warning's one value
/// must not become a whole list (12.5), a value read for a later `Set-` must be read with
/// `-ErrorAction Stop` (12.11), and a command in a hint must be structured data (12.2).
fn judge_benign(case: &Case, report: &Value, baseline: &Baseline, failures: &mut Failures) {
    let name = case.name();
    let benign = case.field.intended(case.field.benign());
    for command in &baseline.commands {
        let tokens: Vec<&Token> = without_comments(&command.tokens);
        if case.layout == Layout::Warning2010 {
            for pair in tokens.windows(2) {
                if pair[0].kind == Kind::Parameter
                    && pair[0].text.eq_ignore_ascii_case("-TlsDomainCapabilities")
                    && pair[1].is_verbatim()
                {
                    failures.add(
                        CLASS_WARNING_LIST,
                        &name,
                        "benign",
                        format!("{}: `{}`", command.place, short(&command.text, 200)),
                    );
                }
            }
        }
        for statement in tokens.split(|t| t.kind == Kind::NewLine || (t.kind == Kind::Punctuator && t.text == ";")) {
            let assigns = statement.len() > 2 && statement[0].kind == Kind::Variable && statement[1].text == "=";
            let gets = statement
                .iter()
                .any(|t| t.kind == Kind::CommandName && t.text.to_ascii_lowercase().starts_with("get-"));
            let stops = statement.windows(2).any(|w| {
                w[0].kind == Kind::Parameter
                    && w[0].text.eq_ignore_ascii_case("-ErrorAction")
                    && w[1].text.eq_ignore_ascii_case("Stop")
            });
            if assigns && gets && !stops {
                let text: Vec<&str> = statement.iter().map(|t| t.text.as_str()).collect();
                failures.add(
                    CLASS_ERROR_ACTION,
                    &name,
                    "benign",
                    format!("{}: `{}`", command.place, short(&text.join(" "), 200)),
                );
            }
        }
    }
    for (n, diagnostic) in report["diagnostics"].as_array().into_iter().flatten().enumerate() {
        let hint = diagnostic["hint"].as_str().unwrap_or("");
        let in_code = hint.split('`').skip(1).step_by(2).any(|code| code.contains(&benign));
        let structured = diagnostic
            .get("commands")
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().filter_map(command_text).any(|c| c.contains(&benign)));
        if in_code && !structured {
            failures.add(
                CLASS_HINT,
                &name,
                "benign",
                format!("diagnostic {n} ({}): {}", diagnostic["code"], short(hint, 200)),
            );
        }
    }
}

fn without_comments(tokens: &[Token]) -> Vec<&Token> {
    tokens.iter().filter(|t| t.kind != Kind::Comment).collect()
}

/// Pastes whose commands show code the checker prints only on other routes, read for the
/// vocabulary only: a list cut with `...` (fixed by filtering on the server), and in every case
/// the benign value made into one that is refused, one with a wildcard, one with a no-break
/// space and one cut with `...`. None of these values holds a quote or any other character
/// that could end a string, so the code of their commands is the checker's own.
fn vocabulary_inputs(cases: &[Case]) -> Vec<Inputs> {
    let cut = format!(
        "{PROMPT}Get-ReceiveConnector | Format-List Identity,TlsDomainCapabilities\r\n\r\nIdentity              : EX01\\Default Frontend EX01\r\nTlsDomainCapabilities : {{{LEGACY_ENTRY}, mail.fabrikam.example:AcceptOorgProtocol...}}\r\n\r\n"
    );
    // A hybrid configuration without its transport servers: its hint's command is the checker's own.
    let hybrid = format!(
        "{PROMPT}Get-HybridConfiguration | Format-List TlsCertificateName\r\n\r\nTlsCertificateName : <I>CN=Contoso CA<S>CN=mail.contoso.com\r\n\r\n"
    );
    let mut inputs = vec![vec![("cut.txt".into(), cut.into_bytes())], vec![("hybrid.txt".into(), hybrid.into_bytes())]];
    for case in cases {
        let benign = case.field.benign();
        for probe in
            [format!("{benign}\u{200B}x"), format!("{benign}*"), format!("{benign}\u{A0}x"), format!("{benign}...")]
        {
            inputs.extend(case.build(&case.field.value(&probe)));
        }
    }
    inputs
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

#[test]
fn the_payload_list_is_large_and_well_formed() {
    let payloads = payloads();
    assert!(payloads.len() >= 200, "only {} payloads", payloads.len());
    for payload in &payloads {
        // A value that starts or ends with white space would be trimmed by every layout, and
        // the suite could not say what the intended value is.
        assert_eq!(payload.text.trim(), payload.text, "{} starts or ends with white space", payload.name);
    }
    let names: BTreeSet<&str> = payloads.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), payloads.len(), "payload names must be unique");
}

/// A report with one finding whose fix is `fixes`, and diagnostics with these codes and notes.
fn made_up_report(fixes: &[&str], diagnostics: &[&str], note: &str) -> Value {
    json!({
        "findings": [{
            "rule": "legacy-exo-tls-capability",
            "message": "",
            "remediation": { "commands": fixes, "verify": [], "rollback": [], "notes": [note] },
        }],
        "diagnostics": diagnostics.iter().map(|code| json!({ "code": code, "message": "", "hint": "" })).collect::<Vec<_>>(),
    })
}

/// The verdict itself must fail on what it exists to catch; reports made up by hand.
#[test]
fn the_verdict_catches_injection_altered_values_and_unrefused_characters() {
    let benign =
        made_up_report(&["Set-ReceiveConnector -Identity 'EX01\\Qz7 Relay' -TlsDomainCapabilities 'a','b'"], &[], "");
    let commands_b = commands(&benign);
    let vocabulary: Vocabulary =
        commands_b.iter().flat_map(|c| code_tokens(&c.tokens).map(|t| (t.kind, t.text.clone()))).collect();
    let baseline =
        Baseline { report: benign.clone(), commands: commands_b, constants: ["a".into(), "b".into()].into() };
    let fix = |identity: &str| format!("Set-ReceiveConnector -Identity {identity} -TlsDomainCapabilities 'a','b'");
    let verdict_of = |value: &str, report: Value| {
        verdict(Field::ReceiveIdentity, value, &baseline, &report, &vocabulary).map(|v| v.0)
    };
    // Quoted right: no verdict.
    assert_eq!(verdict_of("O'Neil", made_up_report(&[&fix("'EX01\\O''Neil'")], &[], "")), None);
    assert_eq!(verdict_of("a\u{2019}b", made_up_report(&[&fix("'EX01\\a\u{2019}\u{2019}b'")], &[], "")), None);
    // A quote not doubled ends the string early: the code changes.
    assert_eq!(verdict_of("x'; calc; '", made_up_report(&[&fix("'EX01\\x'; calc; ''")], &[], "")), Some(CLASS_CHANGED));
    assert_eq!(verdict_of("a\u{2019}b", made_up_report(&[&fix("'EX01\\a\u{2019}b'")], &[], "")), Some(CLASS_CHANGED));
    // A value changed inside its string (a space lost) names another object.
    assert_eq!(verdict_of("Relay  X", made_up_report(&[&fix("'EX01\\Relay X'")], &[], "")), Some(CLASS_CHANGED));
    // A refused character: never in a command, always with the diagnostic.
    assert_eq!(
        verdict_of("a\u{202E}b", made_up_report(&[&fix("'EX01\\a\u{202E}b'")], &["unsafe-identity"], "")),
        Some(CLASS_INVISIBLE)
    );
    assert_eq!(verdict_of("a\u{202E}b", made_up_report(&[], &[], "")), Some(CLASS_NO_DIAGNOSTIC));
    // A refused character dropped instead: the command names another object.
    assert_eq!(
        verdict_of("Relay\0X", made_up_report(&[&fix("'EX01\\RelayX'")], &["unsafe-identity"], "")),
        Some(CLASS_CHANGED)
    );
    assert_eq!(verdict_of("a\u{202E}b", made_up_report(&[], &["unsafe-identity"], "")), None);
    // A wildcard: named only with a word about it.
    assert_eq!(verdict_of("Relay*", made_up_report(&[&fix("'EX01\\Relay*'")], &[], "")), Some(CLASS_WILDCARD));
    assert_eq!(
        verdict_of("Relay*", made_up_report(&[&fix("'EX01\\Relay*'")], &[], "The identity holds a wildcard.")),
        None
    );
    // Naming less than the benign report is fine as long as nothing but known code remains.
    assert_eq!(verdict_of("Relay", made_up_report(&[], &[], "")), None);
    assert_eq!(
        verdict_of("Relay", made_up_report(&["Remove-ReceiveConnector -Identity 'EX01\\Relay'"], &[], "")),
        Some(CLASS_CHANGED)
    );
}

#[test]
fn hostile_values_in_every_field_and_layout() {
    let cases = cases();
    let payloads = payloads();
    let mut failures = Failures::default();
    let mut vocabulary = Vocabulary::new();
    let mut baselines = Vec::new();
    for case in &cases {
        let inputs = case.build(case.field.benign()).expect("the benign value fits every layout");
        let report = report_of(&inputs);
        let commands = commands(&report);
        let benign = case.field.intended(case.field.benign());
        let all_literals: Vec<String> = commands.iter().flat_map(|c| literals(&c.tokens)).collect();
        if commands.is_empty() {
            // A hint's commands are checked by `judge_benign`.
            if case.field != Field::HintServer {
                failures.add(CLASS_BASE, &case.name(), "benign", "no command at all".into());
            }
        } else if case.field.reaches_commands() && !all_literals.iter().any(|l| l.contains(&benign)) {
            failures.add(
                CLASS_BASE,
                &case.name(),
                "benign",
                format!("no command holds {benign:?}: {:?}", commands.iter().map(|c| &c.text).collect::<Vec<_>>()),
            );
        }
        for command in &commands {
            if let Some(error) = command.tokens.iter().find(|t| t.kind == Kind::Error) {
                failures.add(
                    CLASS_BASE,
                    &case.name(),
                    "benign",
                    format!("unreadable at `{}` in `{}`", error.text, command.text),
                );
            }
            vocabulary.extend(code_tokens(&command.tokens).map(|t| (t.kind, t.text.clone())));
        }
        let constants = all_literals.into_iter().filter(|l| !l.contains(&benign)).collect();
        let baseline = Baseline { report: report.clone(), commands, constants };
        judge_benign(case, &report, &baseline, &mut failures);
        baselines.push(baseline);
    }
    // The checker's own strings on those routes (a guard's message, a filter's pattern): literals
    // that the paste does not hold, so they cannot carry a value from it.
    let mut own_strings: BTreeSet<String> = BTreeSet::new();
    for inputs in vocabulary_inputs(&cases) {
        let pasted: Vec<String> = inputs.iter().map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned()).collect();
        for command in commands(&report_of(&inputs)) {
            vocabulary.extend(code_tokens(&command.tokens).map(|t| (t.kind, t.text.clone())));
            own_strings.extend(
                literals(&command.tokens).into_iter().filter(|l| !pasted.iter().any(|p| p.contains(l.as_str()))),
            );
        }
    }
    for baseline in &mut baselines {
        baseline.constants.extend(own_strings.iter().cloned());
    }
    // The cases are judged on two threads: the machine has two cores.
    let work: Vec<(&Case, &Baseline)> = cases.iter().zip(&baselines).filter(|(_, b)| !b.commands.is_empty()).collect();
    let checked = work.len() * payloads.len();
    let (vocabulary, payloads) = (&vocabulary, &payloads);
    let halves: Vec<Failures> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..2)
            .map(|half| {
                let work = &work;
                scope.spawn(move || {
                    let mut failures = Failures::default();
                    for (case, baseline) in work.iter().skip(half).step_by(2) {
                        for payload in payloads {
                            judge(case, payload, baseline, vocabulary, &mut failures);
                        }
                    }
                    failures
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    for half in halves {
        failures.0.extend(half.0);
    }
    failures.assert_none("payload × field × layout combinations", checked);
}

// ---------------------------------------------------------------------------------------------
// Identities and lists the paste does not show whole (issue 12.6 to 12.9)
// ---------------------------------------------------------------------------------------------

/// Format-List lines for a value wrapped at `room` characters with the trailing spaces trimmed,
/// as a console of width 80 shows it.
fn wrapped(label: &str, width: usize, pieces: &[&str]) -> String {
    let mut out = format!("{label:width$} : {}\r\n", pieces[0]);
    for piece in &pieces[1..] {
        out.push_str(&format!("{:indent$}{piece}\r\n", "", indent = width + 3));
    }
    out
}

/// `Parameter` tokens followed by a verbatim string: `(parameter, value)`.
fn arguments(command: &Command) -> Vec<(String, String)> {
    let tokens: Vec<&Token> = without_comments(&command.tokens);
    tokens
        .windows(2)
        .filter(|w| w[0].kind == Kind::Parameter && w[1].is_verbatim())
        .map(|w| (w[0].text.to_ascii_lowercase(), w[1].value.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn identities_and_lists_that_the_paste_does_not_show_whole() {
    let mut failures = Failures::default();
    let mut checked = 0;
    let fl = |command: &str, body: &str| -> Inputs {
        vec![("paste.txt".into(), format!("{PROMPT}{command}\r\n\r\n{body}\r\n\r\n{PROMPT}\r\n").into_bytes())]
    };
    let legacy_wrapped = wrapped(
        "TlsDomainCapabilities",
        21,
        &[
            "{<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp,",
            "DC=microsoft, DC=com<S>CN=mail.protection.outlook.com,",
            "OU=Forefront Online Protection for Exchange,",
            "O=Microsoft, L=Redmond, S=WA,",
            "C=US:AcceptCloudServicesMail}",
        ],
    );

    // 12.6: a connector known only by its name, and two connectors of the same name (on two
    // servers the paste does not name) with different lists.
    let name_only = fl(
        "Get-ReceiveConnector | Format-List Name,TlsDomainCapabilities",
        &format!("Name                  : Default Frontend\r\n{legacy_wrapped}\r\nName                  : Default Frontend\r\nTlsDomainCapabilities : {{partner.fabrikam.example:AcceptOorgProtocol, {LEGACY_ENTRY}}}\r\n"),
    );
    let report = report_of(&name_only);
    checked += 1;
    if rules(&report).iter().filter(|rule| *rule == "legacy-exo-tls-capability").count() != 2 {
        failures.add(
            CLASS_BASE,
            "two connectors known only by Name",
            "Default Frontend",
            format!("findings {:?}", rules(&report)),
        );
    }
    let mut fixes: BTreeMap<String, usize> = BTreeMap::new();
    for command in commands(&report) {
        for (parameter, value) in arguments(&command) {
            checked += 1;
            let receive =
                command.tokens.iter().any(|t| t.kind == Kind::CommandName && t.text.contains("ReceiveConnector"));
            if receive && parameter == "-identity" && !value.contains('\\') {
                failures.add(
                    CLASS_AMBIGUOUS,
                    "two connectors known only by Name",
                    "Default Frontend",
                    format!("{}: `{}`", command.place, short(&command.text, 200)),
                );
            }
            if receive && parameter == "-identity" && command.place.ends_with("commands") {
                *fixes.entry(value).or_default() += 1;
            }
        }
    }
    for (identity, count) in fixes.into_iter().filter(|(_, n)| *n > 1) {
        failures.add(
            CLASS_AMBIGUOUS,
            "two connectors known only by Name",
            &identity,
            format!("{count} fixes name the same -Identity"),
        );
    }

    // 12.7: the identity's first word fills the line exactly: the next line either goes on with
    // the same word (cut hard) or starts a new one (a space trimmed at the wrap). The two
    // identities print the same, so no command may name either.
    let first = "EX01\\Inbound-from-Contoso-Partner-Primary-Site-Relay-Co";
    assert_eq!(first.chars().count(), 55, "the first line must fill the 55 columns of a width-80 console");
    let identity_wrapped = fl(
        "Get-ReceiveConnector | Format-List Identity,TlsDomainCapabilities",
        &format!("{}{legacy_wrapped}", wrapped("Identity", 21, &[first, "nnector-01"])),
    );
    // The same with TlsCertificateName of a send connector that another certificate name
    // (the hybrid configuration's) would replace: the rollback would name the guessed value.
    let name_first = "<I>CN=Issuing-CA-01,O=Contoso,C=US<S>CN=mail.Example";
    assert_eq!(name_first.chars().count(), 52, "the first line must fill the 52 columns after a 24-character label");
    let send = format!(
        "Identity                 : Outbound to Office 365\r\nAddressSpaces            : {{smtp:contoso.mail.onmicrosoft.com;1}}\r\nSmartHosts               : {{}}\r\nFqdn                     : mail.contoso.com\r\nRequireTLS               : True\r\nTlsAuthLevel             : DomainValidation\r\nTlsDomain                : mail.protection.outlook.com\r\n{}CloudServicesMailEnabled : True\r\nSourceTransportServers   : {{EX01}}\r\n",
        wrapped("TlsCertificateName", 24, &[name_first, ".Internal, O=Contoso"])
    );
    let hybrid = "Identity                  : Hybrid Configuration\r\nReceivingTransportServers : {EX01}\r\nSendingTransportServers   : {EX01}\r\nTlsCertificateName        : <I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc<S>CN=mail.contoso.com\r\n";
    let name_wrapped = vec![
        (
            "send.txt".into(),
            format!("{PROMPT}Get-SendConnector | Format-List\r\n\r\n{send}\r\n\r\n{PROMPT}\r\n").into_bytes(),
        ),
        (
            "hybrid.txt".into(),
            format!("{PROMPT}Get-HybridConfiguration\r\n\r\n{hybrid}\r\n\r\n{PROMPT}\r\n").into_bytes(),
        ),
    ];
    for (case, inputs, tail, expect_finding) in [
        (
            "Identity wrapped where a space may have been trimmed",
            identity_wrapped,
            "nnector-01",
            "legacy-exo-tls-capability",
        ),
        (
            "TlsCertificateName wrapped where a space may have been trimmed",
            name_wrapped,
            ".Internal",
            "tls-certificate-name-mismatch",
        ),
    ] {
        let report = report_of(&inputs);
        checked += 1;
        if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == expect_finding) {
            failures.add(
                CLASS_BASE,
                case,
                "wrap",
                format!("no {expect_finding} finding: the scenario does not test anything"),
            );
        }
        for command in commands(&report) {
            checked += 1;
            if let Some(literal) = literals(&command.tokens).into_iter().find(|l| l.contains(tail)) {
                failures.add(CLASS_WRAP, case, tail, format!("{}: string {:?}", command.place, short(&literal, 160)));
            }
        }
    }

    // 12.8: a Format-Table cell cut with `...` is not a whole name, with or without `Server`.
    let rows: Vec<Object> = vec![
        vec![
            ("Name", PropValue::Text("Inbound from Contoso Partne...".into())),
            ("Server", PropValue::Text("EX01".into())),
            ("TlsDomainCapabilities", PropValue::Text(format!("{{{LEGACY_ENTRY}}}"))),
        ],
        vec![
            ("Name", PropValue::Text("Default Frontend EX01".into())),
            ("Server", PropValue::Text("EX01".into())),
            ("TlsDomainCapabilities", PropValue::Text("{mail.protection.outlook.com:AcceptCloudServicesMail}".into())),
        ],
    ];
    let table = vec![(
        "paste.txt".to_owned(),
        format_table(
            "Get-ReceiveConnector | Format-Table Name,Server,TlsDomainCapabilities",
            &["Name", "Server", "TlsDomainCapabilities"],
            &rows,
        )
        .into_bytes(),
    )];
    let report = report_of(&table);
    checked += 1;
    if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "legacy-exo-tls-capability") {
        failures.add(
            CLASS_BASE,
            "Format-Table Name cut with ...",
            "cut",
            "no legacy-exo-tls-capability finding".into(),
        );
    }
    for command in commands(&report) {
        checked += 1;
        if let Some(literal) = literals(&command.tokens).into_iter().find(|l| l.contains("Partne...")) {
            failures.add(
                CLASS_NOT_WHOLE,
                "Format-Table Name cut with ...",
                "Inbound from Contoso Partne...",
                format!("{}: string {:?}", command.place, literal),
            );
        }
    }

    // 12.9: list items that do not parse, and capability bits the checker does not know
    // (8192), must be kept verbatim or the list must not be named.
    for (case, items, lost) in [
        (
            "JSON capability with an unknown bit (8194 = AcceptOorgProtocol + 8192)",
            json!([LEGACY_ENTRY, {"Domain": "partner.fabrikam.example", "Capabilities": 8194}]),
            "partner.fabrikam.example:AcceptOorgProtocol",
        ),
        (
            "JSON list items that do not parse (a number, an object without Domain)",
            json!([LEGACY_ENTRY, 42, {"Unknown": "x"}, "partner.fabrikam.example:AcceptOorgProtocol"]),
            "",
        ),
    ] {
        let paste = json!([{ "Identity": "EX01\\Default Frontend EX01", "TlsDomainCapabilities": items.clone() }]);
        let report = report_of(&vec![("receive.json".into(), serde_json::to_vec_pretty(&paste).unwrap())]);
        checked += 1;
        if !report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "legacy-exo-tls-capability") {
            failures.add(CLASS_BASE, case, "list", "no legacy-exo-tls-capability finding".into());
        }
        let kept = items.as_array().unwrap().len() - 1;
        for command in commands(&report) {
            let named: Vec<String> = {
                let tokens = without_comments(&command.tokens);
                let at = tokens
                    .iter()
                    .position(|t| t.kind == Kind::Parameter && t.text.eq_ignore_ascii_case("-TlsDomainCapabilities"));
                at.map(|at| {
                    tokens[at + 1..]
                        .iter()
                        .take_while(|t| t.is_verbatim() || t.text == ",")
                        .filter_map(|t| t.value.clone())
                        .collect()
                })
                .unwrap_or_default()
            };
            if named.is_empty() || !command.place.ends_with("commands") {
                continue;
            }
            checked += 1;
            if (!lost.is_empty() && named.iter().any(|n| n == lost)) || named.len() < kept + 1 {
                failures.add(
                    CLASS_DROPPED,
                    case,
                    "list",
                    format!("{}: names {} entries for {} kept + 1: {:?}", command.place, named.len(), kept, named),
                );
            }
        }
    }
    failures.assert_none("scenario checks", checked);
}
