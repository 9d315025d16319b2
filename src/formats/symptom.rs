//! Error texts of broken hybrid mail flow, wherever they appear: a pasted NDR, a queue's
//! `LastError`, a message-tracking entry, an event.
//!
//! Each symptom has an anchor (a status code or a distinctive word, matched as written) and
//! further words that must appear in the same paragraph (matched without regard to case or
//! white space, so that Format-List wrapping cannot hide them). The scan runs over the whole
//! text once per anchor, so it stays linear however large the paste. One paragraph counts once
//! per symptom.

use crate::source::{fold, is_blank, LineNo, Source};

/// One known symptom.
#[derive(Debug, PartialEq, Eq)]
pub struct Symptom {
    pub id: &'static str,
    /// Text that must appear on the line, as written.
    pub anchor: &'static str,
    /// Further text that must appear in the same paragraph (the run of non-blank lines around
    /// the anchor), compared without regard to case or white space, so that wrapping does not hide it.
    pub also: &'static [&'static str],
    /// What the text means, in one sentence.
    pub meaning: &'static str,
    /// The rules that find the causes.
    pub explained_by: &'static [&'static str],
    /// What to paste to confirm the cause.
    pub paste: &'static str,
}

const RECEIVE_CONNECTORS: &str = "`$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName`";
const SEND_AND_CERTIFICATES: &str = "`Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers` and `Get-ExchangeCertificate -Server <each source server> | Format-List Thumbprint,Subject,Issuer,NotAfter,Services,Status,HasPrivateKey,RootCAType`";

pub const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "451-4.7.0-prx5",
        anchor: "451 4.7.0",
        also: &["prx5"],
        meaning: "the on-premises Default Frontend connector defers mail from Exchange Online (451 4.7.0 ... PRX5), typical of the stale TlsDomainCapabilities entry of KB 3156771 when domain validation is on",
        explained_by: &["legacy-exo-tls-capability"],
        paste: RECEIVE_CONNECTORS,
    },
    Symptom {
        id: "454-4.7.5",
        anchor: "454 4.7.5",
        also: &[],
        meaning: "the send connector's TlsCertificateName names a certificate the server cannot find or use (454 4.7.5)",
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp", "tls-certificate-expired", "tls-certificate-invalid-status", "tls-certificate-name-syntax"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "550-5.7.1-unable-to-relay",
        anchor: "550 5.7.1",
        also: &["unable to relay"],
        meaning: "on-premises Exchange refuses to relay mail that Exchange Online sends through it (550 5.7.1 Unable to relay), as happens with centralized mail transport when Exchange Online's mail is no longer recognised",
        explained_by: &["legacy-exo-tls-capability"],
        paste: RECEIVE_CONNECTORS,
    },
    Symptom {
        id: "nocredentials",
        anchor: "NoCredentials",
        also: &[],
        meaning: "TLS failed because the certificate has no usable private key (NoCredentials, KB 4495258)",
        explained_by: &["tls-certificate-no-private-key"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "450-4.4.317-untrusted-root",
        anchor: "450 4.4.317",
        also: &[],
        meaning: "Exchange Online does not trust the certificate chain the on-premises server presented (450 4.4.317); the server must send the full chain, intermediates included",
        explained_by: &["tls-certificate-invalid-status"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "untrustedroot",
        anchor: "UntrustedRoot",
        also: &[],
        meaning: "a certificate in the TLS handshake chains to a root that is not trusted (UntrustedRoot), for example a second SMTP certificate from an internal CA (KB 2888788)",
        explained_by: &["tls-certificate-invalid-status"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "event-12014",
        anchor: "could not find a certificate",
        also: &["that contains the domain name"],
        meaning: "the receive side cannot find the certificate named in TlsCertificateName (event 12014, KB 2989382), so it stops offering STARTTLS",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "event-12014",
        anchor: "12014",
        also: &["could not find a certificate that contains the domain name"],
        meaning: "the receive side cannot find the certificate named in TlsCertificateName (event 12014, KB 2989382), so it stops offering STARTTLS",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "starttls-required",
        anchor: "451 5.7.3",
        also: &["starttls"],
        meaning: "Exchange Online requires STARTTLS but the on-premises server did not offer it (451 5.7.3), typical of a receive connector whose certificate is gone (KB 2989382)",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "authas-anonymous",
        anchor: "X-MS-Exchange-Organization-AuthAs: Anonymous",
        also: &[],
        meaning: "a message between Exchange Online and on-premises arrived as anonymous mail, which is why senders show as `First Last <address>` and Skype presence is missing",
        explained_by: &["legacy-exo-tls-capability", "exo-send-connector"],
        paste: RECEIVE_CONNECTORS,
    },
];

/// Every line within `lines` (inclusive line ranges, in order) that shows a symptom, in line order.
pub fn scan(src: &Source, lines: &[(LineNo, LineNo)]) -> Vec<(LineNo, &'static Symptom)> {
    let text = src.text();
    let mut hits: Vec<(LineNo, &'static Symptom)> = Vec::new();
    let mut seen: Vec<(&str, LineNo)> = Vec::new();
    for symptom in SYMPTOMS {
        let finder = memchr::memmem::Finder::new(symptom.anchor.as_bytes());
        for &(first_line, last_line) in lines {
            let start = src.offset_of_line(first_line);
            let end = src.offset_of_line(last_line + 1);
            let mut last_hit = 0;
            for at in finder.find_iter(&text.as_bytes()[start..end]) {
                let line = src.line_of_offset(start + at);
                if line == last_hit {
                    continue;
                }
                last_hit = line;
                let (first, last) = paragraph(src, line);
                if seen.contains(&(symptom.id, first)) {
                    continue;
                }
                let folded = if symptom.also.is_empty() {
                    String::new()
                } else {
                    fold(&(first..=last).map(|n| src.line(n)).collect::<Vec<_>>().join("\n"))
                };
                if symptom.also.iter().all(|word| folded.contains(&fold(word))) {
                    seen.push((symptom.id, first));
                    hits.push((line, symptom));
                }
            }
        }
    }
    crate::sort::sort_by_key(&mut hits, |(line, s)| (*line, s.id));
    hits
}

/// The run of non-blank lines around `line`, at most 40 lines either way.
fn paragraph(src: &Source, line: LineNo) -> (LineNo, LineNo) {
    let mut first = line;
    while first > 1 && line - first < 40 && !is_blank(src.line(first - 1)) {
        first -= 1;
    }
    let mut last = line;
    while last < src.line_count() && last - line < 40 && !is_blank(src.line(last + 1)) {
        last += 1;
    }
    (first, last)
}
