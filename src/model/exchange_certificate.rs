//! An Exchange certificate (`Get-ExchangeCertificate`) as the input shows it. The certificates of
//! one server, merged over the copies a paste shows, are in `topology`.

use super::field::{Field, Reader};
use super::Object;

/// One certificate as one object of the input shows it; a table shows less than a list.
#[derive(Clone, Copy, Debug)]
pub struct ExchangeCertificate<'a> {
    /// The index of the object in the report's objects.
    pub index: usize,
    pub object: &'a Object,
    /// `EX01\<thumbprint>` when the certificate was listed with its server.
    pub identity: Option<Field<'a>>,
    /// The server a remote session read the certificate from.
    pub ps_computer_name: Option<Field<'a>>,
    pub thumbprint: Option<Field<'a>>,
    pub issuer: Option<Field<'a>>,
    pub subject: Option<Field<'a>>,
    pub not_after: Option<Field<'a>>,
    pub services: Option<Field<'a>>,
    pub status: Option<Field<'a>>,
    pub has_private_key: Option<Field<'a>>,
    /// The names in the certificate's subject alternative names (`{mail.contoso.com, autodiscover.contoso.com}`).
    pub certificate_domains: Option<Field<'a>>,
}

impl<'a> ExchangeCertificate<'a> {
    /// The properties the view reads; its kind is recognised by some of them (`Kind::from_properties`).
    pub const PROPERTIES: &'static [&'static str] = &[
        "Identity",
        "PSComputerName",
        "Thumbprint",
        "Issuer",
        "Subject",
        "NotAfter",
        "Services",
        "Status",
        "HasPrivateKey",
        "CertificateDomains",
    ];

    pub fn read(index: usize, object: &'a Object) -> ExchangeCertificate<'a> {
        let read = Reader::new(object, Self::PROPERTIES);
        ExchangeCertificate {
            index,
            object,
            identity: read.get("Identity"),
            ps_computer_name: read.get("PSComputerName"),
            thumbprint: read.get("Thumbprint"),
            issuer: read.get("Issuer"),
            subject: read.get("Subject"),
            not_after: read.get("NotAfter"),
            services: read.get("Services"),
            status: read.get("Status"),
            has_private_key: read.get("HasPrivateKey"),
            certificate_domains: read.get("CertificateDomains"),
        }
    }
}
