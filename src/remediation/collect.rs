//! The commands that collect what to paste (the "what to run instead" of diagnostics), and the
//! fixed lines of a fix script.
//!
//! They are structured data beside the hint's words (the report's `diagnostics[].commands`), so
//! a page or a script copies exactly these and never recovers a command from prose.

use super::command::{Cmdlet, Command, Line};
use super::powershell::Quoted;
use crate::model::Kind;

/// The properties that show a certificate's fitness for TLS.
const CERTIFICATE_PROPERTIES: &[&str] =
    &["Thumbprint", "Subject", "Issuer", "NotAfter", "Services", "Status", "HasPrivateKey", "RootCAType"];

/// Every receive connector with the properties the rules read, lists not cut.
pub fn receive_connectors() -> Command {
    Command::literal(
        "$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName",
    )
}

/// Every send connector with the properties the rules read.
pub fn send_connectors() -> Command {
    Command::literal(
        "Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers,Enabled",
    )
}

/// The hybrid configuration with the servers that carry its mail flow and the certificate it names.
pub fn hybrid_configuration() -> Command {
    Command::literal(
        "Get-HybridConfiguration | Format-List SendingTransportServers,ReceivingTransportServers,EdgeTransportServers,TlsCertificateName",
    )
}

/// Every error stops the script: the first line of a fix script, so that no change runs after a
/// command that failed.
pub fn stop_on_errors() -> Command {
    Command::literal("$ErrorActionPreference = 'Stop'")
}

/// Lists shown whole from now on in this shell.
pub fn whole_lists() -> Command {
    Command::literal("$FormatEnumerationLimit = -1")
}

/// The certificates of one server, or of the server the shell runs on.
pub fn certificates(server: Option<&Quoted>) -> Command {
    let line = Line::run(Cmdlet::GetExchangeCertificate);
    let line = match server {
        Some(server) => line.param("Server", server),
        None => line,
    };
    Command::line(line.format_list(CERTIFICATE_PROPERTIES))
}

/// The objects of a kind with their Guids (certificates with their thumbprints), to select one
/// whose name cannot be written in a command.
pub fn by_guid(kind: Kind) -> Command {
    match kind {
        Kind::ReceiveConnector => Command::literal(
            "$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,Guid,TlsDomainCapabilities,TlsCertificateName",
        ),
        Kind::SendConnector => Command::literal("Get-SendConnector | Format-List Identity,Guid,TlsDomain,TlsCertificateName"),
        Kind::HybridConfiguration => Command::literal("Get-HybridConfiguration | Format-List"),
        _ => certificates(None),
    }
}

/// The first line of a fix script made from the built-in example: the example names servers and
/// connectors that exist in many organisations, so the script stops before it changes anything.
pub fn example_guard() -> Command {
    Command::literal(
        "throw 'hybridcheck: this script was made from the built-in example, not from your servers. Delete this line only to try the commands on a test system.'",
    )
}
