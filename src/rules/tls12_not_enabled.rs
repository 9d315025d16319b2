//! `tls12-not-enabled`: TLS 1.2 turned off in SCHANNEL (client or server) on a server that
//! exchanges mail with Exchange Online, or .NET Framework not set to use it, from the registry
//! values pasted for each server.

use super::symptom::{SOCKET_ERROR, TLS_GUIDANCE};
use super::{Context, Draft, Judgement, RuleDoc};
use crate::formats::Format;
use crate::model::field::line_or;
use crate::model::registry::{dword, windows_server_release, DotNetVersion, KnownKey, RegistryValues, TlsSide};
use crate::model::topology::server_key;
use crate::model::{Field, Kind, View};
use crate::remediation::collect;
use crate::report::{Reference, Remediation, Severity};
use std::collections::{BTreeMap, BTreeSet};

pub const SCHANNEL_PROTOCOLS: Reference = Reference {
    name: "Protocols in TLS/SSL (Schannel SSP): the versions each Windows release enables by default",
    url: "https://learn.microsoft.com/en-us/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-",
};
pub const TLS_REGISTRY_SETTINGS: Reference = Reference {
    name: "Transport Layer Security (TLS) registry settings: Enabled and DisabledByDefault",
    url: "https://learn.microsoft.com/en-us/windows-server/security/tls/tls-registry-settings",
};
pub const EXCHANGE_TLS_CONFIGURATION: Reference = Reference {
    name: "Exchange Server TLS configuration best practices",
    url: "https://learn.microsoft.com/en-us/exchange/plan-and-deploy/post-installation-tasks/security-best-practices/exchange-tls-configuration",
};
pub const HEALTH_CHECKER_TLS: Reference = Reference {
    name: "Exchange Health Checker: TLS configuration check",
    url: "https://microsoft.github.io/CSS-Exchange/Diagnostics/HealthChecker/TLSConfigurationCheck/",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "tls12-not-enabled",
    severity: Severity::Error,
    needs: &[&[Kind::RegistryKey]],
    title: "TLS 1.2 is not enabled on a server that exchanges mail with Exchange Online",
    what_it_checks: "Reads, for each server (by `ComputerName`, or `PSComputerName` of a remote session), the registry values of `HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client` and `\\Server` (`Enabled`, `DisabledByDefault`) and of the .NET Framework keys `SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319` and `v2.0.50727`, also under `SOFTWARE\\WOW6432Node` (`SystemDefaultTlsVersions`, `SchUseStrongCrypto`), as the collector prints them, as `Get-ItemProperty` prints them (with `PSPath`), or as `reg query` prints them (a value `reg query /v` did not ask for is not judged). An error when TLS 1.2 is disabled (`Enabled` 0) or disabled by default (`DisabledByDefault` not 0) for the client (sending) or server (receiving) side; a warning instead when the hybrid configuration is pasted and does not name the server as a sending, receiving or Edge transport server. A key or value that is not there is not \"disabled\": Windows then uses its default, which enables TLS 1.2 for client and server from Windows Server 2012 on (so on every release Exchange 2016, 2019 and Subscription Edition run on) and disables it on Windows Server 2008 R2; the rule says so, in information, and says which keys the paste does not show. A warning when a .NET Framework v4 key does not set both `SystemDefaultTlsVersions` and `SchUseStrongCrypto` to 1; information for the v2 keys.",
    why_it_matters: "Exchange Online accepts only TLS 1.2 for mail and never sends with an older version. A server that cannot offer TLS 1.2 fails every TLS connection with Exchange Online: `421 4.4.2 Connection dropped due to SocketError`, `TLS negotiation failed with error SocketError`, or `451 5.7.3 Must issue a STARTTLS command first`; the queue grows while the certificates and connectors look right. The .NET values decide what Exchange's HTTPS clients (free/busy, OAuth, the Hybrid Configuration Wizard) use, not SMTP.",
    example: "RegistryKey : HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client\nEnabled : 0\nDisabledByDefault : 1",
    fix: "Enable TLS 1.2 for client and server as Microsoft's Exchange Server TLS configuration best practices describe: `Enabled` = 1 and `DisabledByDefault` = 0 (DWORD) under both TLS 1.2 keys, and `SystemDefaultTlsVersions` = 1 and `SchUseStrongCrypto` = 1 under both .NET Framework v4.0.30319 keys; export the keys first so that they can be put back, then restart the server. No command is generated: the change applies to the whole server and every program on it, takes effect only after a restart, and is often owned by a Group Policy or a hardening baseline that would set it back.",
    fix_safety: "No command is generated; the finding gives the collector command to verify the values after the restart.",
    references: &[
        SOCKET_ERROR,
        EXCHANGE_TLS_CONFIGURATION,
        TLS_GUIDANCE,
        SCHANNEL_PROTOCOLS,
        TLS_REGISTRY_SETTINGS,
        HEALTH_CHECKER_TLS,
    ],
};

/// The keys pasted for one server (the last copy of each wins).
struct ServerKeys<'a> {
    /// The server's name as the paste shows it, `None` when the paste names no computer.
    name: Option<&'a str>,
    client: Option<&'a RegistryValues<'a>>,
    server: Option<&'a RegistryValues<'a>>,
    dotnet: Vec<(DotNetVersion, bool, &'a RegistryValues<'a>)>,
    /// The `OperatingSystem` caption, when the collector printed one.
    os: Option<&'a str>,
}

pub fn check(cx: &mut Context) {
    let mut servers: Vec<ServerKeys> = Vec::new();
    // Each server's place in `servers`, by its key: a paste of thousands of servers is read in n log n.
    let mut index: BTreeMap<Option<String>, usize> = BTreeMap::new();
    for view in cx.views.all() {
        let View::RegistryKey(values) = view else { continue };
        let key = values.known_key();
        if !matches!(key, KnownKey::Tls12(_) | KnownKey::DotNet { .. }) {
            continue;
        }
        let name = values.server();
        let at = *index.entry(name.map(server_key)).or_insert_with(|| {
            servers.push(ServerKeys { name, client: None, server: None, dotnet: Vec::new(), os: None });
            servers.len() - 1
        });
        let keys = &mut servers[at];
        keys.os = values.operating_system.and_then(Field::text).or(keys.os);
        match key {
            KnownKey::Tls12(TlsSide::Client) => keys.client = Some(values),
            KnownKey::Tls12(TlsSide::Server) => keys.server = Some(values),
            KnownKey::DotNet { version, wow64 } => {
                keys.dotnet.retain(|(v, w, _)| (*v, *w) != (version, wow64));
                keys.dotnet.push((version, wow64, values));
            }
            _ => {}
        }
        cx.judge(values.index, Judgement::Judged);
    }
    let hybrid_path = HybridPath::read(cx);
    for keys in &servers {
        check_schannel(cx, keys, &hybrid_path);
        check_dotnet(cx, keys);
    }
}

/// What one side of TLS 1.2 is on a server.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Set explicitly: `Enabled` not 0 and `DisabledByDefault` 0.
    Enabled,
    /// Not set (no key, or no values): Windows' default, enabled or not.
    Default(bool),
    Disabled,
    DisabledByDefault,
    /// The paste does not show the key.
    NotShown,
}

impl State {
    fn broken(self) -> bool {
        matches!(self, State::Disabled | State::DisabledByDefault | State::Default(false))
    }
}

/// The state of one side from its key's values; `default_enabled` is Windows' default.
fn side_state(values: Option<&RegistryValues>, default_enabled: bool) -> State {
    let Some(values) = values else { return State::NotShown };
    if values.key_missing() {
        return State::Default(default_enabled);
    }
    match (dword(values.enabled), dword(values.disabled_by_default)) {
        (Some(0), _) => State::Disabled,
        (_, Some(by_default)) if by_default != 0 => State::DisabledByDefault,
        (None, None) => State::Default(default_enabled),
        (Some(_), _) => State::Enabled,
        // `DisabledByDefault` 0 alone: enabled unless the default disables it.
        (None, Some(_)) => State::Enabled,
    }
}

/// How a server is named in messages.
fn who(keys: &ServerKeys) -> String {
    match keys.name {
        Some(name) => format!("server '{name}'"),
        None => "the server where the command ran (the paste names no computer)".to_owned(),
    }
}

/// Windows' default for TLS 1.2, and the release it is for in words.
fn windows_default(os: Option<&str>) -> (bool, String) {
    match os.and_then(windows_server_release) {
        Some((year, r2)) if year < 2012 => {
            (false, format!("Windows Server {year}{}, where TLS 1.2 is disabled by default", if r2 { " R2" } else { "" }))
        }
        Some((year, r2)) => {
            (true, format!("Windows Server {year}{}, where TLS 1.2 is enabled by default", if r2 { " R2" } else { "" }))
        }
        None => (true, "Windows Server 2012 and later (the paste does not say which release; the collector prints it), where TLS 1.2 is enabled by default".to_owned()),
    }
}

/// The SCHANNEL finding of one server: an error when a side is not enabled, information when
/// TLS 1.2 rests on Windows' default or a side was not pasted.
fn check_schannel(cx: &mut Context, keys: &ServerKeys, hybrid_path: &HybridPath) {
    let (default_enabled, release) = windows_default(keys.os);
    let sides = [(TlsSide::Client, keys.client), (TlsSide::Server, keys.server)];
    let states: Vec<(TlsSide, Option<&RegistryValues>, State)> =
        sides.iter().map(|&(side, values)| (side, values, side_state(values, default_enabled))).collect();
    let Some(&(_, Some(first), _)) = states.iter().find(|(_, values, _)| values.is_some()) else { return };
    let broken: Vec<_> = states.iter().filter(|(_, _, state)| state.broken()).collect();
    let not_shown: Vec<&str> =
        states.iter().filter(|(_, _, s)| *s == State::NotShown).map(|(side, _, _)| side.as_str()).collect();
    let defaults = states.iter().any(|(_, _, s)| *s == State::Default(true));
    let who = who(keys);
    let mut message;
    let severity;
    let (object, line);
    if let Some(&&(_, Some(values), _)) = broken.first() {
        let described: Vec<String> =
            broken.iter().map(|(side, _, state)| describe_side(*side, *state, &release)).collect();
        message = format!(
            "On {who}, TLS 1.2 is not enabled: {}. Exchange Online accepts only TLS 1.2 for mail, so TLS connections between this server and Exchange Online fail (421 4.4.2 ... SocketError, 451 5.7.3 Must issue a STARTTLS command first).",
            described.join("; ")
        );
        severity = match hybrid_path.names(keys.name) {
            Some(false) => {
                message.push_str(" The hybrid configuration does not name this server as a sending, receiving or Edge transport server, so this matters only if mail to or from Exchange Online passes through it.");
                Severity::Warning
            }
            _ => Severity::Error,
        };
        (object, line) =
            (values.index, line_or(values.enabled.or(values.disabled_by_default), values.object.record.first_line));
    } else if defaults || !not_shown.is_empty() {
        message = format!("On {who}, TLS 1.2 has no problem the paste shows.");
        if defaults {
            message.push_str(&format!(" Some TLS 1.2 values are not set, which is not \"disabled\": the server runs {release}. Microsoft's Exchange TLS guidance recommends setting them explicitly."));
        }
        severity = Severity::Info;
        (object, line) = (first.index, first.object.record.first_line);
    } else {
        return;
    }
    let by_default: Vec<&str> =
        states.iter().filter(|(_, _, s)| *s == State::Default(true)).map(|(side, _, _)| side.as_str()).collect();
    if !broken.is_empty() && !by_default.is_empty() {
        message.push_str(&format!(
            " The TLS 1.2 {} key is not set (no key, or no values), which is not \"disabled\": the server runs {release}.",
            by_default.join(" and ")
        ));
    }
    if !not_shown.is_empty() {
        message
            .push_str(&format!(" The paste does not show the TLS 1.2 {} key of this server.", not_shown.join(" and ")));
    }
    let remediation = Remediation::check_only(vec![collect::tls_registry()], fix_note(&who));
    // The values that prove each side; for a side left to Windows' default, the missing key (or
    // the empty values) and the release whose default it is.
    let evidence =
        broken.iter().filter_map(|(_, values, state)| Some((values.as_ref()?, *state))).flat_map(|(v, state)| {
            match state {
                State::Default(_) if v.key_missing() => [v.key_exists, v.operating_system],
                State::Default(_) => [v.enabled.or(v.disabled_by_default), v.operating_system],
                _ => [v.enabled, v.disabled_by_default],
            }
        });
    let mut draft = Draft::new(&DOC, object, line, message, remediation).severity(severity);
    for field in evidence {
        draft = draft.evidence(field);
    }
    cx.add(draft);
}

/// One side that is not enabled, in words.
fn describe_side(side: TlsSide, state: State, release: &str) -> String {
    let role = match side {
        TlsSide::Client => "the Client side (sending)",
        TlsSide::Server => "the Server side (receiving)",
    };
    match state {
        State::Disabled => format!("{role} is disabled (Enabled is 0)"),
        State::DisabledByDefault => format!("{role} is disabled by default (DisabledByDefault is not 0), so SCHANNEL does not offer TLS 1.2 unless a program asks for it by name"),
        _ => format!("{role} has no values, and the server runs {release}"),
    }
}

/// The servers of the hybrid configuration's mail flow (sending, receiving, Edge), by key, read
/// once per check; `None` when the paste shows no hybrid configuration or it names no server.
pub(super) struct HybridPath(Option<BTreeSet<String>>);

impl HybridPath {
    pub(super) fn read(cx: &Context) -> HybridPath {
        HybridPath(cx.topology.hybrid_transport_servers().map(|names| names.iter().map(|n| server_key(n)).collect()))
    }

    /// Whether the hybrid configuration names the server; `None` when that cannot be told.
    pub(super) fn names(&self, name: Option<&str>) -> Option<bool> {
        Some(self.0.as_ref()?.contains(&server_key(name?)))
    }
}

/// The .NET Framework finding of one server: a warning when a v4 key does not set both values
/// to 1, information when only a v2 key does not.
fn check_dotnet(cx: &mut Context, keys: &ServerKeys) {
    let short: Vec<&(DotNetVersion, bool, &RegistryValues)> = keys
        .dotnet
        .iter()
        .filter(|(version, _, values)| {
            // The v2.0.50727 keys exist only where .NET Framework 3.5 is installed: no key there is no fault.
            if values.key_missing() {
                return *version == DotNetVersion::V4;
            }
            // `reg query /v` shows only the value asked for, so there a value not shown is not judged;
            // `Get-ItemProperty` and the collector show every value the key holds.
            let every_value_shown = values.object.format != Format::RegQuery;
            let short = |field: Option<Field>| match dword(field) {
                Some(value) => value != 1,
                None => every_value_shown,
            };
            short(values.system_default_tls_versions) || short(values.sch_use_strong_crypto)
        })
        .collect();
    let Some(&&(_, _, first)) = short.iter().find(|(v, _, _)| *v == DotNetVersion::V4).or(short.first()) else {
        return;
    };
    let v4 = short.iter().any(|(v, _, _)| *v == DotNetVersion::V4);
    let paths: Vec<String> = short.iter().map(|(_, _, values)| dotnet_values(values)).collect();
    let message = format!(
        "On {}, .NET Framework is not set to use the TLS versions Windows offers with strong cryptography: {}. Microsoft's Exchange TLS guidance sets SystemDefaultTlsVersions and SchUseStrongCrypto to 1 under the v4.0.30319 and v2.0.50727 keys, 64-bit and WOW6432Node. This affects Exchange's HTTPS clients (free/busy, OAuth, the Hybrid Configuration Wizard), not SMTP.",
        who(keys),
        paths.join("; ")
    );
    let severity = if v4 { Severity::Warning } else { Severity::Info };
    let line =
        line_or(first.system_default_tls_versions.or(first.sch_use_strong_crypto), first.object.record.first_line);
    let remediation = Remediation::check_only(vec![collect::tls_registry()], fix_note(&who(keys)));
    let draft = Draft::new(&DOC, first.index, line, message, remediation).severity(severity);
    cx.add(draft.evidence(first.system_default_tls_versions).evidence(first.sch_use_strong_crypto));
}

/// A .NET key and its two values in words.
fn dotnet_values(values: &RegistryValues) -> String {
    let key = values.object.display_identity().unwrap_or_default();
    if values.key_missing() {
        return format!("{key} does not exist");
    }
    let shown = |field: Option<Field>| field.and_then(Field::text).map_or("not set".to_owned(), str::to_owned);
    format!(
        "{key} has SystemDefaultTlsVersions {} and SchUseStrongCrypto {}",
        shown(values.system_default_tls_versions),
        shown(values.sch_use_strong_crypto)
    )
}

/// The next step, since no command is generated.
fn fix_note(who: &str) -> String {
    format!("No command is generated: the change applies to the whole of {who} and takes effect only after a restart, and a Group Policy or hardening baseline may own these values. Follow Microsoft's Exchange Server TLS configuration best practices: export the TLS 1.2 and .NET Framework keys first (so that they can be put back), set Enabled to 1 and DisabledByDefault to 0 under both TLS 1.2 keys and SystemDefaultTlsVersions and SchUseStrongCrypto to 1 under both v4.0.30319 keys, restart the server, then run the command below on it and paste its output to verify.")
}
