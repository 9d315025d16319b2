//! `hybrid-app-not-active`: the dedicated Exchange hybrid application is not in effect, because
//! the Entra ID authorization server does not name it or the setting override that switches it on
//! is missing, switched off, duplicated or limited to some servers.

use super::exchange_build::{DEDICATED_HYBRID_APP, HYBRID_SECURITY_CHANGES};
use super::{Context, Draft, Hint, Judgement, RuleDoc};
use crate::model::auth::{OverrideSwitch, SettingOverride, HYBRID_APP_SECTION, SHARED_EXCHANGE_ONLINE_APP_ID};
use crate::model::field::line_or;
use crate::model::{AuthServer, Field, Kind};
use crate::remediation::collect;
use crate::report::{Reference, Remediation, Severity};

pub const CONFIGURE_SCRIPT: Reference = Reference {
    name: "ConfigureExchangeHybridApplication.ps1 (CSS-Exchange)",
    url: "https://aka.ms/ConfigureExchangeHybridApplication-Docs",
};
pub const HEALTH_CHECKER_HYBRID_APP: Reference = Reference {
    name: "Health Checker: Dedicated Exchange Hybrid Application check",
    url: "https://microsoft.github.io/CSS-Exchange/Diagnostics/HealthChecker/ExchangeHybridApplicationCheck/",
};

pub static DOC: RuleDoc = RuleDoc {
    id: "hybrid-app-not-active",
    severity: Severity::Error,
    title: "The dedicated Exchange hybrid application is not in effect",
    what_it_checks: "When the paste shows an enabled Microsoft Entra ID authorization server (`Get-AuthServer`, `Type : AzureAD`, named `EvoSts - <tenant id>` by the Hybrid Configuration Wizard), checks the two things that put the dedicated Exchange hybrid application in effect: the authorization server's `ApplicationIdentifier` holds the application's id (a GUID other than the shared `00000002-0000-0ff1-ce00-000000000000`), and exactly one setting override (`Get-SettingOverride`) in component `Global`, section `ExchangeOnpremAsThirdPartyAppId`, with `Parameters` `{Enabled=true}` and no `Server` limit. The override is judged missing only when the paste shows other setting overrides (an organisation without any prints nothing, so nothing proves the command was run); otherwise a diagnostic asks for it. Organisations without an Entra ID authorization server (mail flow only, or OAuth not configured) are not judged.",
    why_it_matters: "Since 2025-10-31 Exchange Online refuses Exchange Web Services requests made with the shared application, so free/busy, MailTips and profile pictures between on-premises and Exchange Online work only through the dedicated application (April 2025 hotfix update or later). Both halves are needed: the wizard or Microsoft's script registers the application and writes its id on the authorization server, and the setting override makes the servers use it; the Health Checker reports an override without such an authorization server as an error.",
    example: "Name                  : EvoSts - 6b1f0c2e-5d7a-4c1e-9a0b-2f3e4d5c6b7a\nType                  : AzureAD\nEnabled               : True\nApplicationIdentifier :",
    fix: "Run Microsoft's `ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication` on a Mailbox server (it needs an Entra ID sign-in, creates the application, uploads the Auth certificate, writes the authorization server and creates the override), or the current Hybrid Configuration Wizard. When only the override is missing or wrong, create it (`New-SettingOverride -Name EnableExchangeHybrid3PAppFeature -Component Global -Section ExchangeOnpremAsThirdPartyAppId -Parameters 'Enabled=true' -Reason ...`) or remove the extra ones, then refresh with `Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh`; settings take up to an hour to apply.",
    fix_safety: "No command is generated: registering the application needs an Entra ID sign-in and admin consent that the paste cannot show, and an override that switches the feature on without the application breaks what works today. The finding gives the commands that show the current state.",
    references: &[DEDICATED_HYBRID_APP, HYBRID_SECURITY_CHANGES, CONFIGURE_SCRIPT, HEALTH_CHECKER_HYBRID_APP],
    needs: &[&[Kind::AuthServer], &[Kind::SettingOverride]],
};

pub fn check(cx: &mut Context) {
    // Raw ConvertTo-Json writes the type as a number, which says nothing hybridcheck can rely on.
    let unreadable: Vec<usize> = cx
        .views
        .auth_servers()
        .filter(|s| s.server_type.is_some_and(|t| t.text().is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))))
        .map(|s| s.index)
        .collect();
    for index in unreadable {
        cx.judge(index, Judgement::Unjudged);
    }
    let entra: Vec<AuthServer> = cx.views.auth_servers().filter(|s| s.is_enabled_entra()).copied().collect();
    if entra.is_empty() {
        return;
    }
    let mut dedicated = Vec::new();
    for server in &entra {
        match server.application_identifier {
            None => cx.judge(server.index, Judgement::Unjudged),
            Some(_) if server.dedicated_app_id().is_some() => {
                cx.judge(server.index, Judgement::Judged);
                dedicated.push(*server);
            }
            Some(field) => {
                cx.judge(server.index, Judgement::Judged);
                report_no_app_id(cx, server, field);
            }
        }
    }
    // The override matters once an authorization server names the application; without one the
    // finding above already says what to run, and the script creates both.
    let Some(app_server) = dedicated.first().copied() else { return };
    let overrides: Vec<SettingOverride> = cx.views.setting_overrides().copied().collect();
    let hybrid: Vec<&SettingOverride> = overrides.iter().filter(|o| o.is_hybrid_app()).collect();
    for setting in &overrides {
        cx.judge(setting.index, Judgement::Judged);
    }
    match hybrid.as_slice() {
        [] if overrides.is_empty() => ask_for_overrides(cx, &app_server),
        [] => report_missing_override(cx, &app_server),
        [one] => check_override(cx, one),
        [_, extra @ ..] => report_several_overrides(cx, hybrid.len(), extra[0]),
    }
}

/// The commands that show the application's state: the authorization servers and the overrides.
fn state_commands() -> Vec<crate::report::Command> {
    vec![collect::auth_servers(), collect::setting_overrides()]
}

fn report_no_app_id(cx: &mut Context, server: &AuthServer, field: Field) {
    let name = server.object.display_identity().unwrap_or_else(|| "(name not shown)".into());
    let what = match field.text() {
        Some(id) if id.eq_ignore_ascii_case(SHARED_EXCHANGE_ONLINE_APP_ID) => {
            "names the shared Exchange Online application, not a dedicated one"
        }
        Some(_) => "is not an application id (a GUID)",
        None => "is empty",
    };
    let message = format!(
        "The Entra ID authorization server '{name}' is enabled, but its ApplicationIdentifier {what}: the dedicated Exchange hybrid application is not configured, so since 2025-10-31 free/busy, MailTips and profile pictures with Exchange Online fail."
    );
    let remediation = Remediation::check_only(
        state_commands(),
        "No command is generated: run Microsoft's ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication on a Mailbox server with April 2025 hotfix update or later (it signs in to Entra ID, registers the application, uploads the Auth certificate, writes its id on this authorization server and creates the setting override), or the current Hybrid Configuration Wizard; then paste the output of the commands below again.".into(),
    );
    let line = line_or(Some(field), server.object.record.first_line);
    cx.add(Draft::new(&DOC, server.index, line, message, remediation).evidence(Some(field)));
}

/// No setting override of any kind was pasted: the paste cannot say whether the override exists.
fn ask_for_overrides(cx: &mut Context, server: &AuthServer) {
    let message = format!(
        "The Entra ID authorization server names a dedicated hybrid application, but the paste shows no setting overrides, so whether the override in Global/{HYBRID_APP_SECTION} switches it on cannot be told (Get-SettingOverride prints nothing when there are none)."
    );
    let hint = Hint::new(
        "Paste the output of the command below; if it prints nothing, the override is missing and the dedicated application is not in effect.",
        vec![collect::setting_overrides()],
    );
    cx.diagnose(
        "hybrid-app-override-not-shown",
        Severity::Info,
        server.index,
        server.object.record.first_line,
        message,
        hint,
    );
}

fn report_missing_override(cx: &mut Context, server: &AuthServer) {
    let message = format!(
        "The Entra ID authorization server names a dedicated hybrid application, but none of the pasted setting overrides is the one that switches it on (component Global, section {HYBRID_APP_SECTION}): the servers still use the shared application, which Exchange Online refuses for free/busy, MailTips and profile pictures since 2025-10-31."
    );
    let remediation = Remediation::check_only(
        state_commands(),
        "No command is generated: admin consent for the application cannot be seen in the paste. When ConfigureExchangeHybridApplication.ps1 or the wizard has completed, create the override as Microsoft's deployment article describes (New-SettingOverride -Name EnableExchangeHybrid3PAppFeature -Component Global -Section ExchangeOnpremAsThirdPartyAppId -Parameters 'Enabled=true' -Reason <reason>), then run Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh; the setting takes up to an hour to apply everywhere. Remove-SettingOverride undoes it.".into(),
    );
    let line = line_or(server.application_identifier, server.object.record.first_line);
    cx.add(Draft::new(&DOC, server.index, line, message, remediation).evidence(server.application_identifier));
}

fn check_override(cx: &mut Context, setting: &SettingOverride) {
    let name = setting.object.display_identity().unwrap_or_else(|| "(name not shown)".into());
    let line = line_or(setting.parameters, setting.object.record.first_line);
    let (severity, what) = match setting.switch() {
        OverrideSwitch::Off => (Severity::Error, "switches the dedicated hybrid application off (Enabled=false)"),
        OverrideSwitch::Unclear if setting.parameters.is_some() => {
            (Severity::Warning, "has parameters other than Enabled=true or Enabled=false, so whether it switches the application on cannot be told")
        }
        OverrideSwitch::Unclear => {
            cx.judge(setting.index, Judgement::Unjudged);
            return;
        }
        OverrideSwitch::On => {
            let servers = setting.servers();
            if servers.is_empty() {
                return;
            }
            let message = format!(
                "The setting override '{name}' switches the dedicated hybrid application on only for {}: the other Mailbox servers still use the shared application, which Exchange Online refuses for free/busy, MailTips and profile pictures since 2025-10-31.",
                servers.iter().map(|s| format!("'{s}'")).collect::<Vec<_>>().join(", ")
            );
            let remediation = Remediation::check_only(
                state_commands(),
                "No command is generated: remove this override and create one without -Server (for the whole organisation) once every Mailbox server runs April 2025 hotfix update or later, then refresh with Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh.".into(),
            );
            let line = line_or(setting.server, setting.object.record.first_line);
            let draft = Draft::new(&DOC, setting.index, line, message, remediation).severity(Severity::Warning);
            cx.add(draft.evidence(setting.server));
            return;
        }
    };
    let message = format!("The setting override '{name}' in Global/{HYBRID_APP_SECTION} {what}.");
    let remediation = Remediation::check_only(
        state_commands(),
        "No command is generated: remove this override and create it with -Parameters 'Enabled=true' as Microsoft's deployment article describes, then refresh with Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh.".into(),
    );
    cx.add(Draft::new(&DOC, setting.index, line, message, remediation).severity(severity).evidence(setting.parameters));
}

fn report_several_overrides(cx: &mut Context, count: usize, extra: &SettingOverride) {
    let message = format!(
        "The paste shows {count} setting overrides in Global/{HYBRID_APP_SECTION}: with more than one, whether the dedicated hybrid application is in effect cannot be told (the Health Checker reports this as an error)."
    );
    let remediation = Remediation::check_only(
        state_commands(),
        "No command is generated: keep one override with Enabled=true and no -Server limit, remove the others with Remove-SettingOverride, then refresh with Get-ExchangeDiagnosticInfo -Process Microsoft.Exchange.Directory.TopologyService -Component VariantConfiguration -Argument Refresh.".into(),
    );
    let line = line_or(extra.section_name, extra.object.record.first_line);
    cx.add(Draft::new(&DOC, extra.index, line, message, remediation).evidence(extra.section_name));
}
