//! The objects of Exchange's server-to-server authentication (OAuth) with Exchange Online, as
//! the rules read them: the Auth configuration (`Get-AuthConfig`) with the Auth certificate's
//! thumbprints, the authorization servers (`Get-AuthServer`) whose `ApplicationIdentifier` names
//! the dedicated Exchange hybrid application, and the setting overrides (`Get-SettingOverride`)
//! that switch the application on.

use super::field::{Field, Reader};
use super::Object;

/// The organisation's Auth configuration: which certificate signs OAuth tokens now, and which
/// one takes over when.
#[derive(Clone, Copy, Debug)]
pub struct AuthConfig<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub current_certificate_thumbprint: Option<Field<'a>>,
    pub next_certificate_thumbprint: Option<Field<'a>>,
}

impl<'a> AuthConfig<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &["CurrentCertificateThumbprint", "NextCertificateThumbprint"];

    pub fn read(index: usize, object: &'a Object) -> AuthConfig<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        AuthConfig {
            index,
            object,
            current_certificate_thumbprint: read.get("CurrentCertificateThumbprint"),
            next_certificate_thumbprint: read.get("NextCertificateThumbprint"),
        }
    }
}

/// An authorization server: the Microsoft Entra ID one (`Type : AzureAD`, named `EvoSts - <tenant
/// id>` by the Hybrid Configuration Wizard) carries the dedicated hybrid application's id in
/// `ApplicationIdentifier`.
#[derive(Clone, Copy, Debug)]
pub struct AuthServer<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub server_type: Option<Field<'a>>,
    pub enabled: Option<Field<'a>>,
    pub application_identifier: Option<Field<'a>>,
}

/// The application id of the shared first-party application "Office 365 Exchange Online", which
/// the dedicated hybrid application replaces.
pub const SHARED_EXCHANGE_ONLINE_APP_ID: &str = "00000002-0000-0ff1-ce00-000000000000";

impl<'a> AuthServer<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`:
    /// `Realm`, `IssuerIdentifier`, `TokenIssuingEndpoint`). Its name is the identity's.
    pub const PROPERTIES: &'static [&'static str] =
        &["Type", "Enabled", "Realm", "ApplicationIdentifier", "IssuerIdentifier", "TokenIssuingEndpoint"];

    pub fn read(index: usize, object: &'a Object) -> AuthServer<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        AuthServer {
            index,
            object,
            server_type: read.get("Type"),
            enabled: read.get("Enabled"),
            application_identifier: read.get("ApplicationIdentifier"),
        }
    }

    /// True for an enabled Microsoft Entra ID authorization server (`Type : AzureAD`); a paste
    /// that does not show `Enabled` counts as enabled.
    pub fn is_enabled_entra(&self) -> bool {
        let entra = self.server_type.and_then(Field::text).is_some_and(|t| t.eq_ignore_ascii_case("AzureAD"));
        entra && self.enabled.and_then(Field::flag).unwrap_or(true)
    }

    /// The application id, when it is a GUID other than the shared Exchange Online application's.
    pub fn dedicated_app_id(&self) -> Option<&'a str> {
        let id = self.application_identifier.and_then(Field::text)?;
        (super::is_guid(id) && !id.eq_ignore_ascii_case(SHARED_EXCHANGE_ONLINE_APP_ID)).then_some(id)
    }
}

/// A setting override: the one that switches the dedicated hybrid application on is in component
/// `Global`, section `ExchangeOnpremAsThirdPartyAppId`, with the parameter `Enabled=true`.
#[derive(Clone, Copy, Debug)]
pub struct SettingOverride<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub component_name: Option<Field<'a>>,
    pub section_name: Option<Field<'a>>,
    pub parameters: Option<Field<'a>>,
    /// The servers the override is limited to; empty for the whole organisation.
    pub server: Option<Field<'a>>,
}

/// The section of the setting override that switches the dedicated hybrid application on.
pub const HYBRID_APP_SECTION: &str = "ExchangeOnpremAsThirdPartyAppId";

/// What a setting override's parameters say about the feature it controls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OverrideSwitch {
    On,
    Off,
    /// Neither `Enabled=true` nor `Enabled=false`, or not shown.
    Unclear,
}

impl<'a> SettingOverride<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    /// Its name is the identity's.
    pub const PROPERTIES: &'static [&'static str] = &["ComponentName", "SectionName", "Parameters", "Server"];

    pub fn read(index: usize, object: &'a Object) -> SettingOverride<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        SettingOverride {
            index,
            object,
            component_name: read.get("ComponentName"),
            section_name: read.get("SectionName"),
            parameters: read.get("Parameters"),
            server: read.get("Server"),
        }
    }

    /// True for the override of the dedicated hybrid application (`Global` /
    /// `ExchangeOnpremAsThirdPartyAppId`), compared without regard to case.
    pub fn is_hybrid_app(&self) -> bool {
        let is = |field: Option<Field>, expected: &str| {
            field.and_then(Field::text).is_some_and(|t| t.eq_ignore_ascii_case(expected))
        };
        is(self.component_name, "Global") && is(self.section_name, HYBRID_APP_SECTION)
    }

    /// Whether the parameters switch the feature on (`{Enabled=true}`) or off.
    pub fn switch(&self) -> OverrideSwitch {
        let items = self.parameters.map(Field::items).unwrap_or_default();
        let mut enabled = items.iter().filter_map(|item| {
            let (name, value) = item.split_once('=')?;
            name.trim().eq_ignore_ascii_case("Enabled").then(|| value.trim().to_ascii_lowercase())
        });
        match enabled.next_back().as_deref() {
            Some("true") => OverrideSwitch::On,
            Some("false") => OverrideSwitch::Off,
            _ => OverrideSwitch::Unclear,
        }
    }

    /// The servers the override is limited to (none: the whole organisation).
    pub fn servers(&self) -> Vec<String> {
        super::topology::server_names(self.server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    use crate::model::objects_of as objects;

    #[test]
    fn kinds_are_told_by_their_properties() {
        let text = "CurrentCertificateThumbprint : 4C2A\nNextCertificateThumbprint    :\n\n\
Name          : EnableExchangeHybrid3PAppFeature\nComponentName : Global\nSectionName   : ExchangeOnpremAsThirdPartyAppId\nParameters    : {Enabled=true}\n\n\
Name                  : EvoSts - 6b1f0c2e-5d7a-4c1e-9a0b-2f3e4d5c6b7a\nType                  : AzureAD\nApplicationIdentifier : 3a5f1c9e-7b2d-4e8f-a1c6-9d0b4e2f7a13\n";
        let kinds: Vec<Kind> = objects(text).iter().map(|o| o.kind).collect();
        assert_eq!(kinds, [Kind::AuthConfig, Kind::SettingOverride, Kind::AuthServer]);
        assert_eq!(Kind::from_cmdlet("get-authserver"), Some(Kind::AuthServer));
        assert_eq!(Kind::from_cmdlet("Get-SettingOverride"), Some(Kind::SettingOverride));
        assert_eq!(Kind::from_cmdlet("Get-AuthConfig"), Some(Kind::AuthConfig));
    }

    #[test]
    fn the_hybrid_app_override_and_its_switch() {
        let text = "Name          : A\nComponentName : global\nSectionName   : exchangeonpremasthirdpartyappid\nParameters    : {Enabled=false}\n\n\
Name          : B\nComponentName : Global\nSectionName   : ExchangeOnpremAsThirdPartyAppId\nParameters    : {Enabled = True}\nServer        : {EX01, EX02}\n\n\
Name          : C\nComponentName : Data\nSectionName   : EnableSerializationDataSigning\nParameters    : {Enabled=true}\n";
        let objects = objects(text);
        let overrides: Vec<SettingOverride> =
            objects.iter().enumerate().map(|(i, o)| SettingOverride::read(i, o)).collect();
        assert!(overrides[0].is_hybrid_app() && overrides[1].is_hybrid_app() && !overrides[2].is_hybrid_app());
        assert_eq!(overrides[0].switch(), OverrideSwitch::Off);
        assert_eq!(overrides[1].switch(), OverrideSwitch::On);
        assert_eq!(overrides[1].servers(), ["EX01", "EX02"]);
        assert!(overrides[0].servers().is_empty());
    }

    #[test]
    fn only_a_guid_other_than_the_shared_application_is_dedicated() {
        let text = "Name                  : EvoSts\nType                  : AzureAD\nEnabled               : True\nApplicationIdentifier : 00000002-0000-0ff1-ce00-000000000000\n\n\
Name                  : EvoSts - x\nType                  : AzureAD\nEnabled               : False\nApplicationIdentifier : 3a5f1c9e-7b2d-4e8f-a1c6-9d0b4e2f7a13\n";
        let objects = objects(text);
        let shared = AuthServer::read(0, &objects[0]);
        let disabled = AuthServer::read(1, &objects[1]);
        assert!(shared.is_enabled_entra() && shared.dedicated_app_id().is_none());
        assert!(!disabled.is_enabled_entra());
        assert_eq!(disabled.dedicated_app_id(), Some("3a5f1c9e-7b2d-4e8f-a1c6-9d0b4e2f7a13"));
    }
}
