//! `exo-root-not-trusted`: a server that exchanges mail with Exchange Online does not have the
//! root Exchange Online's certificates chain to (DigiCert Global Root G2) and cannot fetch it,
//! because the automatic update of trusted roots is turned off.

use super::tls12_not_enabled::HybridPath;
use super::{Context, Draft, Judgement, RuleDoc};
use crate::model::field::line_or;
use crate::model::registry::{dword, KnownKey, RegistryValues};
use crate::model::topology::server_key;
use crate::model::{Kind, View};
use crate::remediation::collect;
use crate::report::{Reference, Remediation, Severity};
use std::collections::BTreeMap;

/// The SHA-1 thumbprint of DigiCert Global Root G2, as Microsoft's post of 2026-01-28 gives it.
pub const DIGICERT_GLOBAL_ROOT_G2: &str = "DF3C24F9BFD666761B268073FE06D1CC8D4F82A4";

pub const TRUST_G2: Reference = Reference {
    name: "Trust DigiCert Global Root G2 certificate authority to avoid Exchange Online email disruptions (MC1224565)",
    url: "https://techcommunity.microsoft.com/blog/exchange/trust-digicert-global-root-g2-certificate-authority-to-avoid-exchange-online-ema/4488311",
};
pub const HEALTH_CHECKER_ROOTS: Reference = Reference {
    name: "Exchange Health Checker: trusted root certificates check (DisableRootAutoUpdate)",
    url: "https://microsoft.github.io/CSS-Exchange/Diagnostics/HealthChecker/TrustedRootCertificatesCheck/",
};
pub const AZURE_CA_DETAILS: Reference = Reference {
    name: "Azure Certificate Authority details (roots and intermediates)",
    url: "https://learn.microsoft.com/en-us/azure/security/fundamentals/azure-ca-details",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "exo-root-not-trusted",
    severity: Severity::Error,
    needs: &[&[Kind::RegistryKey], &[Kind::RootCertificate]],
    title: "A server cannot trust the root Exchange Online's certificates chain to",
    what_it_checks: "Reads, for each server (by `ComputerName`, or `PSComputerName` of a remote session), its trusted roots (`Get-ChildItem Cert:\\LocalMachine\\Root` and `AuthRoot`, as a list or the default table; a listing is told from Exchange certificates by the command above it or by the certificate provider's `PSParentPath`) and the policy value `DisableRootAutoUpdate` under `HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot` (from the collector, `Get-ItemProperty` or `reg query`). An error when automatic root update is turned off (the value is not 0) and the root store pasted for the server lacks DigiCert Global Root G2 (thumbprint `DF3C24F9BFD666761B268073FE06D1CC8D4F82A4`); a warning instead when the hybrid configuration is pasted and does not name the server as a sending, receiving or Edge transport server. A warning when root update is turned off and the server's root store is not pasted; information when the root is missing but Windows may fetch it (root update not turned off, or the policy not pasted), and when root update is off but the root is there (the intermediates must be kept current too).",
    why_it_matters: "Exchange Online's certificates now chain to DigiCert Global Root G2. Windows adds trusted roots itself when it first meets them, unless that update is turned off by policy; a server that then lacks G2 cannot validate Exchange Online's certificate, and TLS to Exchange Online fails (UntrustedRoot). Microsoft's post says that servers which never turned the update off need no action.",
    example: "ComputerName : EXHYB01\nRegistryKey : HKLM\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot\nDisableRootAutoUpdate : 1",
    fix: "Preferred: let Windows update trusted roots again, by setting the Group Policy \"Turn off Automatic Root Certificates Update\" to Not configured or Disabled where it is set (a local change would be overwritten by the policy). Otherwise import DigiCert Global Root G2 into `Cert:\\LocalMachine\\Root` and its intermediates into `Cert:\\LocalMachine\\CA`, from the files Microsoft's post links to. No command is generated: the policy's owner and the files are not in the paste.",
    fix_safety: "No command is generated; the finding gives the collector command to verify the root store afterwards.",
    references: &[TRUST_G2, HEALTH_CHECKER_ROOTS, AZURE_CA_DETAILS],
};

/// What the paste shows of one server.
struct ServerRoots<'a> {
    name: Option<&'a str>,
    /// The policy key, when pasted.
    policy: Option<&'a RegistryValues<'a>>,
    /// The first certificate of its root store, when pasted.
    first_root: Option<usize>,
    has_g2: bool,
}

pub fn check(cx: &mut Context) {
    let mut servers: Vec<ServerRoots> = Vec::new();
    // Each server's place in `servers`, by its key: a paste of thousands of servers is read in n log n.
    let mut index: BTreeMap<Option<String>, usize> = BTreeMap::new();
    let mut at = |servers: &mut Vec<ServerRoots<'_>>, name: Option<&str>| {
        *index.entry(name.map(server_key)).or_insert_with(|| {
            servers.push(ServerRoots { name: None, policy: None, first_root: None, has_g2: false });
            servers.len() - 1
        })
    };
    for view in cx.views.all() {
        match view {
            View::RegistryKey(values) if values.known_key() == KnownKey::AuthRootPolicy => {
                let i = at(&mut servers, values.server());
                servers[i].name = servers[i].name.or(values.server());
                servers[i].policy = Some(values);
                cx.judge(values.index, Judgement::Judged);
            }
            View::RootCertificate(certificate) => {
                let i = at(&mut servers, certificate.server());
                servers[i].name = servers[i].name.or(certificate.server());
                servers[i].first_root = servers[i].first_root.or(Some(certificate.index));
                servers[i].has_g2 |= certificate.thumbprint().as_deref() == Some(DIGICERT_GLOBAL_ROOT_G2);
                cx.judge(certificate.index, Judgement::Judged);
            }
            _ => {}
        }
    }
    let hybrid_path = HybridPath::read(cx);
    for server in &servers {
        judge_server(cx, server, &hybrid_path);
    }
}

/// The finding of one server, if any.
fn judge_server(cx: &mut Context, server: &ServerRoots, hybrid_path: &HybridPath) {
    let disabled = server.policy.filter(|p| !p.key_missing()).and_then(|p| dword(p.disable_root_auto_update));
    let disabled = disabled.is_some_and(|value| value != 0);
    let who = match server.name {
        Some(name) => format!("server '{name}'"),
        None => "the server where the command ran (the paste names no computer)".to_owned(),
    };
    let listed = server.first_root.is_some();
    let (severity, mut message) = match (disabled, listed, server.has_g2) {
        (true, true, false) => (Severity::Error, format!("On {who}, automatic update of trusted roots is turned off (DisableRootAutoUpdate), and the root store pasted for it lacks DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}), the root Exchange Online's certificates chain to: the server cannot validate Exchange Online's certificate (UntrustedRoot) and Windows will not fetch the root.")),
        (true, false, _) => (Severity::Warning, format!("On {who}, automatic update of trusted roots is turned off (DisableRootAutoUpdate), so Windows will not fetch DigiCert Global Root G2, the root Exchange Online's certificates chain to; the paste does not show this server's root store, so whether G2 is there cannot be told.")),
        (true, true, true) => (Severity::Info, format!("On {who}, automatic update of trusted roots is turned off (DisableRootAutoUpdate), and DigiCert Global Root G2 is in the root store pasted for it. Keep its intermediates current by hand too: Windows will not update them.")),
        (false, true, false) => {
            let policy = if server.policy.is_some_and(|p| p.key_missing()) {
                "is not turned off (the policy key does not exist)"
            } else if server.policy.is_some() {
                "is not turned off"
            } else { "is not in the paste (the DisableRootAutoUpdate policy value)" };
            (Severity::Info, format!("On {who}, the root store pasted lacks DigiCert Global Root G2 ({DIGICERT_GLOBAL_ROOT_G2}). Automatic update of trusted roots {policy}; while it works, Windows fetches the root when it first meets it, and Microsoft says no action is needed."))
        }
        _ => return,
    };
    if severity != Severity::Info && hybrid_path.names(server.name) == Some(false) {
        message.push_str(" The hybrid configuration does not name this server as a sending, receiving or Edge transport server, so this matters only if mail to or from Exchange Online passes through it.");
        return add(cx, server, Severity::Warning, message);
    }
    add(cx, server, severity, message);
}

fn add(cx: &mut Context, server: &ServerRoots, severity: Severity, message: String) {
    let (object, line, evidence) = match (server.policy, server.first_root) {
        (Some(policy), _) => (
            policy.index,
            line_or(policy.disable_root_auto_update, policy.object.record.first_line),
            policy.disable_root_auto_update,
        ),
        (None, Some(root)) => (root, cx.objects[root].record.first_line, None),
        (None, None) => return,
    };
    let note = format!("No command is generated: the Group Policy that turns root update off, and the certificate files, are not in the paste. Preferred: set \"Turn off Automatic Root Certificates Update\" to Not configured or Disabled where the policy is set for {who}, then let Windows fetch the root. Otherwise import DigiCert Global Root G2 and its intermediates from the files Microsoft's post links to. Then run the commands below on the server and paste their output to verify.", who = server.name.unwrap_or("the server"));
    let remediation = Remediation::check_only(vec![collect::root_store(), collect::tls_registry()], note);
    cx.add(Draft::new(&DOC, object, line, message, remediation).severity(severity).evidence(evidence));
}
