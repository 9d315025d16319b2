//! A certificate of a server's trusted root store (`Get-ChildItem Cert:\LocalMachine\Root`), not
//! an Exchange certificate: the store says which certification authorities the server trusts,
//! for example the root that Exchange Online's certificates chain to.

use super::field::{Field, Reader};
use super::{property, Object};
use crate::formats::Record;

/// One certificate of a root store, as one object of the input shows it.
#[derive(Clone, Copy, Debug)]
pub struct RootCertificate<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    /// The collector's `ComputerName`, or `PSComputerName` of a remote session.
    pub computer_name: Option<Field<'a>>,
    pub thumbprint: Option<Field<'a>>,
}

impl<'a> RootCertificate<'a> {
    /// The properties the view reads, and those its kind is recognised by: the store in
    /// `PSParentPath` or `PSPath` (else the command above the output, `Kind::from_command`).
    pub const PROPERTIES: &'static [&'static str] =
        &["ComputerName", "PSComputerName", "PSParentPath", "PSPath", "Thumbprint"];

    pub fn read(index: usize, object: &'a Object) -> RootCertificate<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        let named = |field: Option<Field<'a>>| field.filter(|f| f.text().is_some());
        RootCertificate {
            index,
            computer_name: named(read.get("ComputerName")).or_else(|| named(read.get("PSComputerName"))),
            thumbprint: read.get("Thumbprint"),
        }
    }

    /// The server whose store the certificate is in, as the paste names it.
    pub fn server(&self) -> Option<&'a str> {
        self.computer_name.and_then(Field::text)
    }

    /// The thumbprint in upper case without spaces, as Microsoft publishes thumbprints.
    pub fn thumbprint(&self) -> Option<String> {
        let text = self.thumbprint.and_then(Field::text)?;
        Some(text.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_uppercase())
    }
}

/// The certificate store a record's `PSParentPath` or `PSPath` names (`Root` in
/// `Microsoft.PowerShell.Security\Certificate::LocalMachine\Root`), when it is in the certificate provider.
pub fn store_of(record: &Record) -> Option<&str> {
    ["PSParentPath", "PSPath"].into_iter().find_map(|name| {
        let text = property(record, name)?.value.as_text()?;
        let at = text.find("Certificate::")?;
        text[at + "Certificate::".len()..].split('\\').nth(1).map(str::trim)
    })
}

/// True for the stores of trusted roots: `Root` (Trusted Root Certification Authorities) and
/// `AuthRoot` (Third-Party Root Certification Authorities).
pub fn is_root_store(store: &str) -> bool {
    store.eq_ignore_ascii_case("Root") || store.eq_ignore_ascii_case("AuthRoot")
}
