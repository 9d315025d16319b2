//! Error texts of broken hybrid mail flow, wherever they appear: a pasted NDR, a queue's
//! `LastError`, a message-tracking entry, an event.
//!
//! Each symptom has an anchor (a status code or a distinctive word, matched as written),
//! further words that must appear near it in the same paragraph, and words that must not
//! (both matched without regard to case or white space, so that Format-List wrapping cannot
//! hide them). A line counts once for each symptom it shows. The scan is linear in the size of
//! the text, however many times one error repeats (see [`scan`]).

use crate::source::{is_blank, LineNo, Source};

/// One known symptom.
#[derive(Debug, PartialEq, Eq)]
pub struct Symptom {
    pub id: &'static str,
    /// Text that must appear on the line, as written.
    pub anchor: &'static str,
    /// Further text that must appear in the same paragraph (the run of non-blank lines around
    /// the anchor), compared without regard to case or white space, so that wrapping does not hide it.
    pub also: &'static [&'static str],
    /// Text that must not appear near the anchor in the same paragraph, compared as `also` is:
    /// it names another cause that another symptom reports.
    pub unless: &'static [&'static str],
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
        unless: &[],
        meaning: "the on-premises Default Frontend connector defers mail from Exchange Online (451 4.7.0 ... PRX5), typical of the stale TlsDomainCapabilities entry of KB 3156771 when domain validation is on",
        explained_by: &["legacy-exo-tls-capability"],
        paste: RECEIVE_CONNECTORS,
    },
    Symptom {
        id: "454-4.7.5",
        anchor: "454 4.7.5",
        also: &[],
        unless: &[],
        meaning: "the send connector's TlsCertificateName names a certificate the server cannot find or use (454 4.7.5)",
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp", "tls-certificate-expired", "tls-certificate-invalid-status", "tls-certificate-name-syntax"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "550-5.7.1-unable-to-relay",
        anchor: "550 5.7.1",
        also: &["unable to relay"],
        unless: &[],
        meaning: "on-premises Exchange refuses to relay mail that Exchange Online sends through it (550 5.7.1 Unable to relay), as happens with centralized mail transport when Exchange Online's mail is no longer recognised",
        explained_by: &["legacy-exo-tls-capability"],
        paste: RECEIVE_CONNECTORS,
    },
    Symptom {
        id: "nocredentials",
        anchor: "NoCredentials",
        also: &[],
        unless: &[],
        meaning: "TLS failed because the certificate has no usable private key (NoCredentials, KB 4495258)",
        explained_by: &["tls-certificate-no-private-key"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "450-4.4.317-untrusted-root",
        anchor: "450 4.4.317",
        also: &[],
        unless: &[],
        meaning: "Exchange Online does not trust the certificate chain the on-premises server presented (450 4.4.317); the server must send the full chain, intermediates included",
        explained_by: &["tls-certificate-invalid-status"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "untrustedroot",
        anchor: "UntrustedRoot",
        also: &[],
        unless: &[],
        meaning: "a certificate in the TLS handshake chains to a root that is not trusted (UntrustedRoot), for example a second SMTP certificate from an internal CA (KB 2888788)",
        explained_by: &["tls-certificate-invalid-status"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "event-12014",
        anchor: "could not find a certificate",
        also: &["that contains the domain name"],
        unless: &[],
        meaning: "the receive side cannot find the certificate named in TlsCertificateName (event 12014, KB 2989382), so it stops offering STARTTLS",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "event-12014",
        anchor: "12014",
        also: &["could not find a certificate that contains the domain name"],
        unless: &[],
        meaning: "the receive side cannot find the certificate named in TlsCertificateName (event 12014, KB 2989382), so it stops offering STARTTLS",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "starttls-required",
        anchor: "451 5.7.3",
        also: &["starttls"],
        unless: &[],
        meaning: "Exchange Online requires STARTTLS but the on-premises server did not offer it (451 5.7.3), typical of a receive connector whose certificate is gone (KB 2989382)",
        explained_by: &["tls-certificate-not-found"],
        paste: SEND_AND_CERTIFICATES,
    },
    Symptom {
        id: "authas-anonymous",
        anchor: "X-MS-Exchange-Organization-AuthAs: Anonymous",
        also: &[],
        unless: &[],
        meaning: "a message between Exchange Online and on-premises arrived as anonymous mail, which is why senders show as `First Last <address>` and Skype presence is missing",
        explained_by: &["legacy-exo-tls-capability", "exo-send-connector"],
        paste: RECEIVE_CONNECTORS,
    },
];

/// At most this many lines of each symptom become objects of the report: a queue dump of
/// thousands of copies of one error says no more with all of them, and the rest are counted.
pub const KEPT_PER_SYMPTOM: usize = 10;

/// How far (in lines) from the anchor the further words may be: about one NDR, event or queue
/// entry. A paragraph of thousands of lines (a log without blank lines) must not make words
/// at its far end count for an anchor at its start.
const WINDOW: LineNo = 40;

/// What the scan found.
#[derive(Debug, Default)]
pub struct Scan {
    /// The lines kept as the evidence of each symptom, at most [`KEPT_PER_SYMPTOM`] per symptom
    /// id, in line order.
    pub kept: Vec<(LineNo, &'static Symptom)>,
    /// How many lines show each symptom id, kept or not, in the order of [`SYMPTOMS`].
    pub counts: Vec<(&'static str, usize)>,
    /// Every line that shows a symptom, in order, once.
    pub lines: Vec<LineNo>,
}

/// Every line within `ranges` (inclusive line ranges, in order) that shows a symptom, except
/// the lines `skip` takes (commands typed at a prompt).
///
/// The time is linear in the size of the ranges: each anchor's finder is built once and runs
/// over the text once; the hits are put in line order once; the lines around the hits that
/// need further words are folded about once (see [`Region`]), each word found there with one
/// pass; every hit then looks its words up by binary search.
pub fn scan(src: &Source, ranges: &[(LineNo, LineNo)], skip: impl Fn(&str) -> bool) -> Scan {
    let text = src.text().as_bytes();
    // 1. Every (line, entry) where an anchor appears, once per line and entry.
    let mut hits: Vec<(LineNo, u16)> = Vec::new();
    for (entry, symptom) in SYMPTOMS.iter().enumerate() {
        let finder = memchr::memmem::Finder::new(symptom.anchor.as_bytes());
        for &(first_line, last_line) in ranges {
            let start = src.offset_of_line(first_line);
            let end = src.offset_of_line(last_line + 1);
            let lines = src.line_cursor();
            let mut last_hit = 0;
            for at in finder.find_iter(&text[start..end]) {
                let line = lines.line_of_offset(start + at) as LineNo;
                if line != last_hit {
                    last_hit = line;
                    hits.push((line, entry as u16));
                }
            }
        }
    }
    crate::sort::sort_by_key(&mut hits, |&(line, entry)| (line, entry));

    // 2. Each hit judged by the words around it, paragraph by paragraph, in line order.
    let mut scan = Scan::default();
    for symptom in SYMPTOMS {
        if !scan.counts.iter().any(|&(id, _)| id == symptom.id) {
            scan.counts.push((symptom.id, 0));
        }
    }
    let mut region: Option<Region> = None;
    // The line looked at last, whether a prompt's command is on it, and the ids counted on it.
    let mut current: (LineNo, bool) = (0, false);
    let mut ids_on_line: Vec<&'static str> = Vec::new();
    for (line, entry) in hits {
        if current.0 != line {
            current = (line, skip(src.line(line)));
            ids_on_line.clear();
        }
        let symptom = &SYMPTOMS[usize::from(entry)];
        if current.1 || ids_on_line.contains(&symptom.id) {
            continue;
        }
        if !symptom.also.is_empty() || !symptom.unless.is_empty() {
            if !region.as_ref().is_some_and(|r| r.serves(line)) {
                region = Some(Region::around(src, line));
            }
            let Some(r) = region.as_mut() else { continue };
            if !symptom.also.iter().all(|word| r.has_near(src, word, line))
                || symptom.unless.iter().any(|word| r.has_near(src, word, line))
            {
                continue;
            }
        }
        ids_on_line.push(symptom.id);
        let Some((_, count)) = scan.counts.iter_mut().find(|(id, _)| *id == symptom.id) else { continue };
        *count += 1;
        if *count <= KEPT_PER_SYMPTOM {
            scan.kept.push((line, symptom));
        }
        if scan.lines.last() != Some(&line) {
            scan.lines.push(line);
        }
    }
    scan
}

/// Lines around a hit, within one paragraph (a run of non-blank lines), folded for the words
/// of the hits near it. A region reaches [`WINDOW`] lines before its first hit and
/// [`AHEAD`] lines after it, so that it serves the hits of the next lines too: each line is
/// folded about once however dense the hits, and a paragraph of a million lines is never
/// folded whole.
struct Region {
    first: LineNo,
    last: LineNo,
    /// True when `last` ends the paragraph (a blank line or the end of the text follows).
    ends_paragraph: bool,
    /// The region's text folded (see [`fold_into`]), made on first need, with the offset in
    /// it where each line starts.
    folded: Option<(String, Vec<usize>)>,
    /// Each word looked for, with the lines where it starts, in order.
    words: Vec<(&'static str, Vec<LineNo>)>,
}

/// How many lines after its first hit a region reaches.
const AHEAD: LineNo = 200;

/// Lines after a hit's window that its words may still wrap into.
const WRAP: LineNo = 4;

impl Region {
    fn around(src: &Source, line: LineNo) -> Region {
        let mut first = line;
        while first > 1 && line - first < WINDOW && !is_blank(src.line(first - 1)) {
            first -= 1;
        }
        let mut last = line;
        let mut ends_paragraph = true;
        while last < src.line_count() && !is_blank(src.line(last + 1)) {
            if last - line == AHEAD + WINDOW + WRAP {
                ends_paragraph = false;
                break;
            }
            last += 1;
        }
        Region { first, last, ends_paragraph, folded: None, words: Vec::new() }
    }

    /// True when the region holds the whole window of a hit on `line`.
    fn serves(&self, line: LineNo) -> bool {
        (self.first..=self.last).contains(&line) && (self.ends_paragraph || line + WINDOW + WRAP <= self.last)
    }

    /// True when `word` starts within [`WINDOW`] lines of `line`.
    fn has_near(&mut self, src: &Source, word: &'static str, line: LineNo) -> bool {
        let lines = match self.words.iter().position(|(w, _)| *w == word) {
            Some(i) => &self.words[i].1,
            None => {
                let (first, last) = (self.first, self.last);
                let (folded, starts) = self.folded.get_or_insert_with(|| {
                    let mut folded = String::new();
                    let mut starts = Vec::with_capacity((last - first + 1) as usize);
                    for text in src.lines_from(first).take((last - first + 1) as usize) {
                        starts.push(folded.len());
                        fold_into(text, &mut folded);
                    }
                    (folded, starts)
                });
                let mut needle = String::new();
                fold_into(word, &mut needle);
                let found = memchr::memmem::find_iter(folded.as_bytes(), needle.as_bytes())
                    .map(|at| first + starts.partition_point(|&start| start <= at) as LineNo - 1)
                    .collect();
                self.words.push((word, found));
                &self.words[self.words.len() - 1].1
            }
        };
        let from = lines.partition_point(|&l| l + WINDOW < line);
        lines.get(from).is_some_and(|&l| l <= line + WINDOW)
    }
}

/// Appends `text` folded as [`crate::source::fold`] folds it: white space removed, ASCII
/// letters lowercased.
fn fold_into(text: &str, out: &mut String) {
    out.extend(text.chars().filter(|c| !c.is_whitespace()).map(|c| c.to_ascii_lowercase()));
}
