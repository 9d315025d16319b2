//! An Exchange server (`Get-ExchangeServer`) and the file version of its setup program
//! (`Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo }`), as the rules read them.

use super::field::{Field, Reader};
use super::Object;

/// An Exchange server: its name, role and version.
#[derive(Clone, Copy, Debug)]
pub struct ExchangeServer<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    pub name: Option<Field<'a>>,
    pub server_role: Option<Field<'a>>,
    /// The cumulative update, as `Version 15.2 (Build 1544.4)`.
    pub admin_display_version: Option<Field<'a>>,
    pub product_version: Option<Field<'a>>,
}

impl<'a> ExchangeServer<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] =
        &["Name", "ServerRole", "AdminDisplayVersion", "ProductVersion", "Edition"];

    pub fn read(index: usize, object: &'a Object) -> ExchangeServer<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        ExchangeServer {
            index,
            object,
            name: read.get("Name"),
            server_role: read.get("ServerRole"),
            admin_display_version: read.get("AdminDisplayVersion"),
            product_version: read.get("ProductVersion"),
        }
    }
}

/// The version of a file, as PowerShell's `FileVersionInfo` shows it.
#[derive(Clone, Copy, Debug)]
pub struct FileVersionInfo<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    /// The version with the security update in its last part, as `15.2.1544.14`.
    pub file_version: Option<Field<'a>>,
    pub product_version: Option<Field<'a>>,
    /// The server the file is on: `ComputerName` as the collector prints it (`$env:COMPUTERNAME`),
    /// or `PSComputerName` from a remote session. A paste of the bare command does not say.
    pub computer_name: Option<Field<'a>>,
}

impl<'a> FileVersionInfo<'a> {
    /// The properties the view reads, and those its kind is recognised by (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] =
        &["FileVersion", "ProductVersion", "FileName", "ComputerName", "PSComputerName"];

    pub fn read(index: usize, object: &'a Object) -> FileVersionInfo<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        FileVersionInfo {
            index,
            object,
            file_version: read.get("FileVersion"),
            product_version: read.get("ProductVersion"),
            computer_name: read.get("ComputerName").or_else(|| read.get("PSComputerName")),
        }
    }

    /// The name of the server the file is on, when the paste says.
    pub fn server(&self) -> Option<String> {
        let name = super::topology::server_name(self.computer_name.and_then(Field::text)?);
        (!name.is_empty()).then_some(name)
    }
}
