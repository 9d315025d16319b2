//! The commands that collect what to paste (the "what to run instead" of diagnostics), and the
//! fixed lines of a fix script.
//!
//! They are structured data beside the hint's words (the report's `diagnostics[].commands`), so
//! a page or a script copies exactly these and never recovers a command from prose.

use super::command::{Cmdlet, Command, Line, WHOLE_LISTS};
use super::powershell::Quoted;
use crate::model::Kind;
use serde::Serialize;

/// Where the command of a paste runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Once, in the Exchange Management Shell on any Exchange server of the organisation.
    OnPremises,
    /// On every Exchange server, Edge Transport servers too: what only the server itself shows
    /// (its registry, its root certificates, its files). The command prints the server's name.
    EachServer,
    /// In PowerShell connected to Exchange Online (`Connect-ExchangeOnline`).
    ExchangeOnline,
}

impl Side {
    /// Every side, in the order the collector shows them.
    pub const ALL: [Side; 3] = [Side::OnPremises, Side::EachServer, Side::ExchangeOnline];

    /// The comment that heads the side's part of the collector.
    pub fn heading(self) -> &'static str {
        match self {
            Side::OnPremises => {
                "# Part 1, on premises: run once in the Exchange Management Shell on an Exchange server."
            }
            Side::EachServer => {
                "# Part 2, on each Exchange server (Edge Transport servers too): run in its Exchange Management Shell."
            }
            Side::ExchangeOnline => "# Part 3, Exchange Online: run in PowerShell after Connect-ExchangeOnline.",
        }
    }
}

/// What to paste for one kind of object the rules read.
#[derive(Debug)]
pub struct Paste {
    pub kind: Kind,
    pub side: Side,
    /// The objects in a few words an admin understands (`the Exchange Online inbound connectors`).
    pub what: &'static str,
    /// One pipeline of literal PowerShell that prints what the parsers read (the collector adds
    /// `| Out-String -Width 4096`, so that no line is cut or wrapped). Every property a view reads
    /// is in it, and an `EachServer` command prints the server's name with what it prints.
    pub command: &'static str,
}

impl Paste {
    /// The command as the collector shows it: lists shown whole, lines not wrapped.
    pub fn command(&self) -> Command {
        Command::printing_whole(self.command)
    }
}

/// One row for each kind of object the rules read, in the order the collector lists them.
pub const PASTES: &[Paste] = &[
    Paste {
        kind: Kind::ExchangeServer,
        side: Side::OnPremises,
        what: "the Exchange servers and their versions",
        command: "Get-ExchangeServer | Format-List Name,ServerRole,Edition,AdminDisplayVersion",
    },
    Paste {
        kind: Kind::ReceiveConnector,
        side: Side::OnPremises,
        what: "the receive connectors",
        command: "Get-ReceiveConnector | Format-List Identity,Server,TransportRole,Enabled,Bindings,RemoteIPRanges,AuthMechanism,PermissionGroups,Fqdn,TlsCertificateName,TlsDomainCapabilities",
    },
    Paste {
        kind: Kind::SendConnector,
        side: Side::OnPremises,
        what: "the send connectors",
        command: "Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers,Enabled",
    },
    Paste {
        kind: Kind::HybridConfiguration,
        side: Side::OnPremises,
        what: "the hybrid configuration",
        command: "Get-HybridConfiguration | Format-List",
    },
    Paste {
        kind: Kind::ExchangeCertificate,
        side: Side::OnPremises,
        what: "the Exchange certificates",
        command: "Get-ExchangeCertificate | Format-List Thumbprint,Subject,Issuer,CertificateDomains,NotAfter,Services,Status,HasPrivateKey,RootCAType",
    },
    Paste {
        kind: Kind::AcceptedDomain,
        side: Side::OnPremises,
        what: "the on-premises accepted domains",
        command: "Get-AcceptedDomain | Format-List Name,DomainName,DomainType,Default",
    },
    Paste {
        kind: Kind::RemoteDomain,
        side: Side::OnPremises,
        what: "the remote domains",
        command: "Get-RemoteDomain | Format-List Identity,DomainName,IsInternal,TargetDeliveryDomain,TrustedMailOutboundEnabled,TrustedMailInboundEnabled",
    },
    Paste {
        kind: Kind::EdgeSubscription,
        side: Side::OnPremises,
        what: "the Edge subscriptions (nothing without Edge Transport servers)",
        command: "Get-EdgeSubscription | Format-List Name,Site,Domain",
    },
    Paste {
        kind: Kind::FileVersionInfo,
        side: Side::EachServer,
        what: "the version of ExSetup.exe, with its security and hotfix update",
        command: "Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo } | Format-List @{ Name = 'ComputerName'; Expression = { $env:COMPUTERNAME } },FileVersion,ProductVersion,FileName",
    },
    Paste {
        kind: Kind::AuthConfig,
        side: Side::OnPremises,
        what: "the Auth certificate configuration",
        command: "Get-AuthConfig | Format-List CurrentCertificateThumbprint,PreviousCertificateThumbprint,NextCertificateThumbprint,NextCertificateEffectiveDate",
    },
    Paste {
        kind: Kind::AuthServer,
        side: Side::OnPremises,
        what: "the authorization servers, with the dedicated hybrid application's id",
        command: "Get-AuthServer | Format-List Name,Type,Enabled,Realm,ApplicationIdentifier,DomainName",
    },
    Paste {
        kind: Kind::SettingOverride,
        side: Side::OnPremises,
        what: "the setting overrides, among them the dedicated hybrid application's switch",
        command: "Get-SettingOverride | Format-List Name,ComponentName,SectionName,Parameters,Server,Status",
    },
    Paste {
        kind: Kind::RegistryKey,
        side: Side::EachServer,
        what: "the TLS 1.2, .NET Framework and root-update registry values of each server",
        command: crate::formats::symptom::TLS_REGISTRY,
    },
    Paste {
        kind: Kind::RootCertificate,
        side: Side::EachServer,
        what: "the trusted root certificates of each server",
        command: crate::formats::symptom::ROOT_STORE,
    },
    Paste {
        kind: Kind::InboundConnector,
        side: Side::ExchangeOnline,
        what: "the Exchange Online inbound connectors",
        command: "Get-InboundConnector | Format-List Name,Enabled,ConnectorType,TlsSenderCertificateName,RequireTls,RestrictDomainsToCertificate,CloudServicesMailEnabled,SenderDomains,SenderIPAddresses,TreatMessagesAsInternal,AssociatedAcceptedDomains",
    },
    Paste {
        kind: Kind::OutboundConnector,
        side: Side::ExchangeOnline,
        what: "the Exchange Online outbound connectors",
        command: "Get-OutboundConnector | Format-List Name,Enabled,ConnectorType,SmartHosts,TlsDomain,TlsSettings,CloudServicesMailEnabled,RecipientDomains,RouteAllMessagesViaOnPremises,UseMXRecord,AllAcceptedDomains",
    },
    // `InitialDomain` shows the tenant's initial domain, which tells this list from the on-premises one.
    Paste {
        kind: Kind::OnlineAcceptedDomain,
        side: Side::ExchangeOnline,
        what: "the Exchange Online accepted domains",
        command: "Get-AcceptedDomain | Format-List Name,DomainName,DomainType,Default,InitialDomain",
    },
    Paste {
        kind: Kind::OnPremisesOrganization,
        side: Side::ExchangeOnline,
        what: "Exchange Online's record of the on-premises organization and its hybrid domains",
        command: "Get-OnPremisesOrganization | Format-List Name,HybridDomains,OrganizationGuid",
    },
];

/// The paste that shows objects of `kind`, when the rules read that kind.
pub fn paste(kind: Kind) -> Option<&'static Paste> {
    PASTES.iter().find(|p| p.kind == kind)
}

/// One part of the collector: the commands of one side, to copy and run as a whole.
#[derive(Clone, Debug, Serialize)]
pub struct CollectorPart {
    pub side: Side,
    /// The part's PowerShell: its heading comment, then one command per line.
    pub script: String,
}

/// The collector: every command whose output the rules read, one part per side that has any.
pub fn collector() -> Vec<CollectorPart> {
    Side::ALL
        .iter()
        .filter_map(|&side| {
            let commands: Vec<Command> =
                PASTES.iter().filter(|p| p.side == side).map(|p| Command::unwrapped(p.command)).collect();
            let lines: Vec<&str> = commands.iter().map(Command::text).collect();
            (!commands.is_empty()).then(|| CollectorPart {
                side,
                script: format!("{}\n{WHOLE_LISTS}\n{}", side.heading(), lines.join("\n")),
            })
        })
        .collect()
}

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

/// The certificates of the server the shell runs on, with the names they carry.
pub fn certificates_with_names() -> Command {
    Command::literal(
        "$FormatEnumerationLimit = -1; Get-ExchangeCertificate | Format-List Thumbprint,Subject,Issuer,CertificateDomains,NotAfter,Services,Status",
    )
}

/// The Edge subscriptions (on a Mailbox server).
pub fn edge_subscriptions() -> Command {
    Command::literal("Get-EdgeSubscription | Format-List Name,Site,Domain")
}

/// Every error stops the script: the first line of a fix script, so that no change runs after a
/// command that failed.
pub fn stop_on_errors() -> Command {
    Command::literal("$ErrorActionPreference = 'Stop'")
}

/// Lists shown whole from now on in this shell.
pub fn whole_lists() -> Command {
    Command::literal(WHOLE_LISTS)
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

/// The file version of ExSetup.exe, which shows the security or hotfix update, with the name of
/// the server it was run on: run on every Exchange server.
pub fn exsetup_version() -> Command {
    from_table(Kind::FileVersionInfo)
}

/// Every Exchange server with its role and cumulative update.
pub fn exchange_servers() -> Command {
    from_table(Kind::ExchangeServer)
}

/// The Auth configuration: the current, previous and next Auth certificates.
pub fn auth_config() -> Command {
    from_table(Kind::AuthConfig)
}

/// The authorization servers, whose Microsoft Entra ID one names the dedicated hybrid application.
pub fn auth_servers() -> Command {
    from_table(Kind::AuthServer)
}

/// The setting overrides, among them the one that switches the dedicated hybrid application on.
pub fn setting_overrides() -> Command {
    from_table(Kind::SettingOverride)
}

/// The collector's command for `kind`, which [`PASTES`] holds for every kind these commands name.
fn from_table(kind: Kind) -> Command {
    paste(kind).map_or_else(|| certificates(None), |p| Command::literal(p.command))
}

/// On each server: the TLS 1.2 keys of SCHANNEL, the .NET Framework keys that choose the TLS
/// versions .NET uses (64-bit and 32-bit, v4 and v2), and the policy that turns off the update of
/// trusted roots, one list per key with the computer's name and Windows release (the collector's
/// row for registry keys, printed whole).
pub fn tls_registry() -> Command {
    Command::printing_whole(crate::formats::symptom::TLS_REGISTRY)
}

/// On each server: the trusted roots, each with the computer's name and its store (the
/// collector's row for root certificates, printed whole).
pub fn root_store() -> Command {
    Command::printing_whole(crate::formats::symptom::ROOT_STORE)
}

#[cfg(test)]
mod table_tests {
    use super::*;

    /// The commands made from the table find their rows: none falls back to another command.
    #[test]
    fn the_commands_from_the_table_have_rows() {
        for kind in
            [Kind::FileVersionInfo, Kind::AuthConfig, Kind::AuthServer, Kind::SettingOverride, Kind::ExchangeServer]
        {
            assert!(paste(kind).is_some(), "{kind:?}");
        }
        assert!(exsetup_version().text().contains("$env:COMPUTERNAME"));
    }
}
