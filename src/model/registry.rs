//! Registry values of one key on one server, as `Get-ItemProperty` prints them (its own list
//! view, with `PSPath`, `PSChildName` and the values) or as the collector prints them (one list
//! per key with `ComputerName`, `OperatingSystem`, `RegistryKey`, `KeyExists` and the values,
//! an empty value being one the key does not hold). The rules read the TLS 1.2 keys of SCHANNEL,
//! the .NET Framework keys that say which TLS versions .NET uses, and the policy key that turns
//! off the automatic update of trusted roots.

use super::field::{Field, Reader};
use super::Object;

/// A registry key the rules know, from its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KnownKey {
    /// `SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client` or `\Server`.
    Tls12(TlsSide),
    /// Another SCHANNEL protocol (`TLS 1.0`, `TLS 1.1`, `TLS 1.3`, `SSL 3.0`): read, not judged.
    OtherProtocol,
    /// `SOFTWARE\Microsoft\.NETFramework\v4.0.30319` (or `v2.0.50727`), and the same under
    /// `SOFTWARE\WOW6432Node` for 32-bit programs.
    DotNet {
        version: DotNetVersion,
        wow64: bool,
    },
    /// `SOFTWARE\Policies\Microsoft\SystemCertificates\AuthRoot`, which holds `DisableRootAutoUpdate`.
    AuthRootPolicy,
    Other,
}

/// The two roles SCHANNEL keeps settings for: a server as TLS client (sending) and as TLS server (receiving).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsSide {
    Client,
    Server,
}

impl TlsSide {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsSide::Client => "Client",
            TlsSide::Server => "Server",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DotNetVersion {
    V4,
    V2,
}

impl KnownKey {
    /// The key a path names, in any of the forms a paste shows: `HKLM:\SOFTWARE\...`,
    /// `HKEY_LOCAL_MACHINE\SOFTWARE\...`, `Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\...`.
    pub fn of(path: &str) -> KnownKey {
        // Without white space: a path wrapped in a list may have had a space guessed at the wrap
        // (`SystemCertificat es`), and the one real space (`TLS 1.2`) tells nothing.
        let path: String =
            relative_path(path).chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        let parts: Vec<&str> = path.split('\\').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["system", "currentcontrolset", "control", "securityproviders", "schannel", "protocols", protocol, side] => {
                let side = match *side {
                    "client" => TlsSide::Client,
                    "server" => TlsSide::Server,
                    _ => return KnownKey::Other,
                };
                if *protocol == "tls1.2" {
                    KnownKey::Tls12(side)
                } else {
                    KnownKey::OtherProtocol
                }
            }
            ["software", rest @ ..] => {
                let (wow64, rest) = match rest {
                    ["wow6432node", rest @ ..] => (true, rest),
                    _ => (false, rest),
                };
                match rest {
                    ["microsoft", ".netframework", "v4.0.30319"] => {
                        KnownKey::DotNet { version: DotNetVersion::V4, wow64 }
                    }
                    ["microsoft", ".netframework", "v2.0.50727"] => {
                        KnownKey::DotNet { version: DotNetVersion::V2, wow64 }
                    }
                    ["policies", "microsoft", "systemcertificates", "authroot"] if !wow64 => KnownKey::AuthRootPolicy,
                    _ => KnownKey::Other,
                }
            }
            _ => KnownKey::Other,
        }
    }
}

/// The path below `HKEY_LOCAL_MACHINE`, without the provider, the hive and the slashes around
/// it: `SOFTWARE\Microsoft\.NETFramework\v4.0.30319`. A path in another hive is kept whole, so
/// that it names no key the rules know.
pub fn relative_path(path: &str) -> &str {
    let path = path.trim();
    let path = match path.find("::") {
        Some(at) => &path[at + 2..],
        None => path,
    };
    for hive in ["HKEY_LOCAL_MACHINE", "HKLM:", "HKLM"] {
        if let Some(rest) = path.get(..hive.len()).filter(|h| h.eq_ignore_ascii_case(hive)).map(|_| &path[hive.len()..])
        {
            if rest.is_empty() || rest.starts_with('\\') {
                return rest.trim_matches('\\');
            }
        }
    }
    path
}

/// The key as people write it: `HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319`.
pub fn display_path(path: &str) -> String {
    let relative = relative_path(path);
    if relative.len() == path.trim().len() {
        relative.to_owned()
    } else {
        format!("HKLM\\{relative}")
    }
}

/// One registry key of one server, as one object of the input shows it.
#[derive(Clone, Copy, Debug)]
pub struct RegistryValues<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    /// The collector's `ComputerName`, or `PSComputerName` of a remote session.
    pub computer_name: Option<Field<'a>>,
    /// The collector's `OperatingSystem` (the caption of `Win32_OperatingSystem`).
    pub operating_system: Option<Field<'a>>,
    /// The collector's `RegistryKey`, or `PSPath` of `Get-ItemProperty`.
    pub key: Option<Field<'a>>,
    /// The collector's `KeyExists`: `False` when the key is not there at all.
    pub key_exists: Option<Field<'a>>,
    pub enabled: Option<Field<'a>>,
    pub disabled_by_default: Option<Field<'a>>,
    pub system_default_tls_versions: Option<Field<'a>>,
    pub sch_use_strong_crypto: Option<Field<'a>>,
    pub disable_root_auto_update: Option<Field<'a>>,
}

impl<'a> RegistryValues<'a> {
    /// The properties the view reads; its kind is recognised by `RegistryKey` or a `PSPath` in
    /// the registry provider (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &[
        "ComputerName",
        "PSComputerName",
        "OperatingSystem",
        "RegistryKey",
        "PSPath",
        "KeyExists",
        "Enabled",
        "DisabledByDefault",
        "SystemDefaultTlsVersions",
        "SchUseStrongCrypto",
        "DisableRootAutoUpdate",
    ];

    pub fn read(index: usize, object: &'a Object) -> RegistryValues<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        let named = |field: Option<Field<'a>>| field.filter(|f| f.text().is_some());
        RegistryValues {
            index,
            object,
            computer_name: named(read.get("ComputerName")).or_else(|| named(read.get("PSComputerName"))),
            operating_system: read.get("OperatingSystem"),
            key: named(read.get("RegistryKey")).or_else(|| named(read.get("PSPath"))),
            key_exists: read.get("KeyExists"),
            enabled: read.get("Enabled"),
            disabled_by_default: read.get("DisabledByDefault"),
            system_default_tls_versions: read.get("SystemDefaultTlsVersions"),
            sch_use_strong_crypto: read.get("SchUseStrongCrypto"),
            disable_root_auto_update: read.get("DisableRootAutoUpdate"),
        }
    }

    /// The key the object shows, when its path names one the rules know.
    pub fn known_key(&self) -> KnownKey {
        self.key.and_then(Field::text).map_or(KnownKey::Other, KnownKey::of)
    }

    /// The server the values were read on, as the paste names it.
    pub fn server(&self) -> Option<&'a str> {
        self.computer_name.and_then(Field::text)
    }

    /// False when the collector says the key is not there.
    pub fn key_missing(&self) -> bool {
        self.key_exists.and_then(Field::flag) == Some(false)
    }
}

/// A registry DWORD as `Get-ItemProperty` (decimal), the collector (decimal) or `reg query`
/// (`0x1`) prints it; `None` when the value is not there (empty) or not a number.
pub fn dword(field: Option<Field>) -> Option<u64> {
    let text = field?.text()?;
    match text.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("0x") => u64::from_str_radix(&text[2..], 16).ok(),
        _ => text.parse().ok(),
    }
}

/// The Windows Server release an `OperatingSystem` caption names (`Microsoft Windows Server 2019
/// Standard`), as the year and whether it is an R2, or `None` when it names none.
pub fn windows_server_release(caption: &str) -> Option<(u16, bool)> {
    let words: Vec<&str> = caption.split_whitespace().collect();
    let at = words.iter().position(|w| w.eq_ignore_ascii_case("Server"))?;
    let year: u16 = words.get(at + 1)?.parse().ok()?;
    let r2 = words.get(at + 2).is_some_and(|w| w.eq_ignore_ascii_case("R2"));
    (2000..2100).contains(&year).then_some((year, r2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_every_form_a_paste_shows() {
        let client = KnownKey::Tls12(TlsSide::Client);
        for path in [
            "Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client",
            "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client",
            "HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\client\\",
            "HKEY_LOCAL_MACHINE\\system\\currentcontrolset\\control\\securityproviders\\schannel\\protocols\\tls 1.2\\CLIENT",
        ] {
            assert_eq!(KnownKey::of(path), client, "{path}");
        }
        assert_eq!(
            KnownKey::of("HKLM:\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319"),
            KnownKey::DotNet { version: DotNetVersion::V4, wow64: true }
        );
        assert_eq!(
            KnownKey::of("HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot"),
            KnownKey::AuthRootPolicy
        );
        assert_eq!(
            KnownKey::of(
                "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.1\\Server"
            ),
            KnownKey::OtherProtocol
        );
        // Another hive is not the machine's setting.
        assert_eq!(KnownKey::of("HKEY_CURRENT_USER\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"), KnownKey::Other);
        assert_eq!(
            KnownKey::of("Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\SystemCertificat es\\AuthRoot"),
            KnownKey::AuthRootPolicy,
            "a space guessed at a wrap"
        );
        assert_eq!(
            display_path("Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"),
            "HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
        );
    }

    #[test]
    fn releases_from_captions() {
        assert_eq!(windows_server_release("Microsoft Windows Server 2019 Standard"), Some((2019, false)));
        assert_eq!(windows_server_release("Microsoft Windows Server 2012 R2 Datacenter"), Some((2012, true)));
        assert_eq!(windows_server_release("Microsoft Windows Server 2008 R2 Enterprise "), Some((2008, true)));
        assert_eq!(windows_server_release("Microsoft Windows 10 Pro"), None);
    }
}
