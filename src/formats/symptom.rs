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
    /// Further text that must appear near the anchor in the same paragraph (the run of
    /// non-blank lines around it), compared without regard to case or white space, so that
    /// wrapping does not hide it.
    pub also: &'static [&'static str],
    /// Text that must not appear near the anchor in the same paragraph, compared as `also` is:
    /// it names another cause that another symptom reports.
    pub unless: &'static [&'static str],
    /// What the text means, in one sentence that follows "The paste shows that".
    pub meaning: &'static str,
    /// Which objects to look at, and on which side of the mail flow, in one sentence that
    /// follows "Look at".
    pub look_at: &'static str,
    /// The rules that find the causes.
    pub explained_by: &'static [&'static str],
    /// The commands whose output confirms the cause, each exactly as it is to be run.
    pub paste: &'static [&'static str],
}

/// Every receive connector with its Exchange Online entries and certificate name.
pub const RECEIVE_CONNECTORS: &str = "$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,TlsDomainCapabilities,TlsCertificateName";
/// Every receive connector with what decides the certificate it presents: `TlsCertificateName`,
/// or the connector's `Fqdn` when that is empty.
pub const RECEIVE_CONNECTOR_CERTIFICATES: &str = "$FormatEnumerationLimit = -1; Get-ReceiveConnector | Format-List Identity,TransportRole,Fqdn,TlsCertificateName,TlsDomainCapabilities";
/// Every send connector with the properties the rules read.
pub const SEND_CONNECTORS: &str = "Get-SendConnector | Format-List Identity,AddressSpaces,SmartHosts,Fqdn,RequireTLS,TlsAuthLevel,TlsDomain,TlsCertificateName,CloudServicesMailEnabled,SourceTransportServers,Enabled";
/// The certificates of the server the shell runs on.
pub const CERTIFICATES: &str =
    "Get-ExchangeCertificate | Format-List Thumbprint,Subject,Issuer,NotAfter,Services,Status,HasPrivateKey,RootCAType";
/// The hybrid configuration's servers and certificate name.
pub const HYBRID_CONFIGURATION: &str = "Get-HybridConfiguration | Format-List ReceivingTransportServers,SendingTransportServers,EdgeTransportServers,OnPremisesSmartHost,TlsCertificateName";
/// On each server, the TLS 1.2 and .NET Framework registry values and the root-update policy,
/// with the computer's name (the collector's row for `RegistryKey`). A key that is not there
/// prints `KeyExists : False`, and a value that is not there prints empty.
/// On each server, its trusted roots (`Root`, and `AuthRoot`, where Windows puts the roots it
/// fetches itself) with the computer's name and the store (the collector's row for `RootCertificate`).
pub const ROOT_STORE: &str = "Get-ChildItem Cert:\\LocalMachine\\Root, Cert:\\LocalMachine\\AuthRoot | Select-Object @{Name='ComputerName';Expression={$env:COMPUTERNAME}},PSParentPath,Thumbprint,Subject,NotAfter | Format-List";
pub const TLS_REGISTRY: &str = "'SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Client','SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server','SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319','SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319','SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727','SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v2.0.50727','SOFTWARE\\Policies\\Microsoft\\SystemCertificates\\AuthRoot' | ForEach-Object { $v = Get-ItemProperty -Path \"HKLM:\\$_\" -ErrorAction SilentlyContinue; [pscustomobject]@{ ComputerName = $env:COMPUTERNAME; OperatingSystem = (Get-CimInstance Win32_OperatingSystem).Caption; RegistryKey = \"HKLM\\$_\"; KeyExists = Test-Path -Path \"HKLM:\\$_\"; Enabled = $v.Enabled; DisabledByDefault = $v.DisabledByDefault; SystemDefaultTlsVersions = $v.SystemDefaultTlsVersions; SchUseStrongCrypto = $v.SchUseStrongCrypto; DisableRootAutoUpdate = $v.DisableRootAutoUpdate } } | Format-List";
/// Exchange Online's inbound connectors and accepted domains (in Exchange Online PowerShell).
pub const ONLINE_INBOUND: &str = "Get-InboundConnector | Format-List Name,Enabled,ConnectorType,TlsSenderCertificateName,SenderIPAddresses,AssociatedAcceptedDomains; Get-AcceptedDomain | Format-List DomainName,DomainType,InitialDomain";
/// Exchange Online's outbound connectors (in Exchange Online PowerShell).
pub const ONLINE_OUTBOUND: &str = "Get-OutboundConnector | Format-List Name,Enabled,ConnectorType,UseMXRecord,SmartHosts,TlsSettings,TlsDomain,RecipientDomains,AllAcceptedDomains,RouteAllMessagesViaOnPremises";
/// The hybrid domains and the on-premises domains.
pub const DOMAINS: &str = "$FormatEnumerationLimit = -1; Get-HybridConfiguration | Format-List Domains,OnPremisesSmartHost; Get-AcceptedDomain | Format-List DomainName,DomainType; Get-RemoteDomain | Format-List Identity,DomainName,IsInternal,TargetDeliveryDomain,TrustedMailOutboundEnabled";
/// Every Exchange server with its version.
pub const EXCHANGE_SERVERS: &str = "Get-ExchangeServer | Format-List Name,Edition,AdminDisplayVersion";

/// The file version of ExSetup.exe on each server, which shows its security or hotfix update.
pub const EXSETUP_VERSION: &str = "Get-Command ExSetup.exe | ForEach-Object { $_.FileVersionInfo } | Format-List @{ Name = 'ComputerName'; Expression = { $env:COMPUTERNAME } },FileVersion,ProductVersion,FileName";
/// The Auth configuration's certificates.
pub const AUTH_CONFIG: &str = "Get-AuthConfig | Format-List CurrentCertificateThumbprint,PreviousCertificateThumbprint,NextCertificateThumbprint,NextCertificateEffectiveDate";
/// The authorization servers and the setting overrides that show the dedicated hybrid application.
pub const HYBRID_APP_STATE: &str = "Get-AuthServer | Format-List Name,Type,Enabled,Realm,ApplicationIdentifier,DomainName; Get-SettingOverride | Format-List Name,ComponentName,SectionName,Parameters,Server,Status";

/// What the OAuth errors between on-premises and Exchange Online point at.
const OAUTH_LOOK_AT: &str = "OAuth between on-premises and Exchange Online: the dedicated Exchange hybrid application (the setting override in `Global`/`ExchangeOnpremAsThirdPartyAppId` and the `ApplicationIdentifier` of the Entra ID authorization server), and the Auth certificate of `Get-AuthConfig` on every Mailbox server; with `Test-OAuthConnectivity`, test with a mailbox that is synchronized to Microsoft Entra ID (KB 3090197)";

/// Where Exchange Online delivers to: the receive side, and what decides its certificate.
const RECEIVE_SIDE: &str = "the receive side: the receive connector that takes mail from Exchange Online (usually `Default Frontend <server>`) on each server in the hybrid configuration's `ReceivingTransportServers`, its `TlsCertificateName` (or, when that is empty, its `Fqdn`), and the certificate it presents from that server's `Get-ExchangeCertificate`; the send connectors play no part";

/// `450 4.4.317` or `450 4.7.320` with `UntrustedRoot`: Exchange Online delivering to on-premises.
const UNTRUSTED_ROOT_RECEIVED: &str = "Exchange Online could not build a trusted chain for the certificate the on-premises server presented when Exchange Online delivered to it (450 4.4.317 or 450 4.7.320 with UntrustedRoot): Exchange Online does not fetch intermediate certificates, so the server must present the full chain";

/// Event 12014, found by its text or by its number beside the text.
const EVENT_12014: &str = "a receive connector cannot find the certificate its TlsCertificateName (or, when that is empty, its FQDN) names, so it stops offering STARTTLS (event 12014, KB 2989382)";

/// Where event 12014 points.
const EVENT_12014_LOOK_AT: &str = "the receive side: the receive connector the event names (usually `Default Frontend <server>`) on the server that logged it, its `TlsCertificateName` and `Fqdn`, and that server's certificates (is one with that issuer and subject there, and enabled for SMTP?)";

/// `SocketError` and `Must issue a STARTTLS command first`: no TLS version both sides accept.
const TLS_VERSION: &str = "the on-premises server and Exchange Online could not agree on a TLS version (`SocketError`, `Must issue a STARTTLS command first`), a protocol problem and not a missing certificate: Microsoft documents these texts for on-premises servers that use TLS 1.0 or 1.1, which Exchange Online no longer accepts, and the same happens when TLS 1.0 and 1.1 were disabled on a server where TLS 1.2 is not enabled";

/// Where a TLS version problem is.
const TLS_VERSION_LOOK_AT: &str = "the TLS protocol settings of the servers that send to and receive from Exchange Online: TLS 1.2 enabled for client and server in SCHANNEL, .NET Framework's `SystemDefaultTlsVersions` and `SchUseStrongCrypto`, and an Exchange build that supports TLS 1.2; hybridcheck reads the registry values that the collector prints on each server, and names each server's build";

pub const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "451-4.7.0-prx5",
        anchor: "451 4.7.0",
        also: &["prx5"],
        unless: &[],
        meaning: "the on-premises Default Frontend connector defers mail from Exchange Online (451 4.7.0 ... PRX5), typical of the stale TlsDomainCapabilities entry of KB 3156771 when domain validation is on",
        look_at: "the receive side: the `TlsDomainCapabilities` of the receive connectors that take mail from Exchange Online (usually `Default Frontend <server>`)",
        explained_by: &["legacy-exo-tls-capability", "exo-tls-capability-pinned", "hybrid-receive-tls-inconsistent", "hybrid-receive-connector-selection"],
        paste: &[RECEIVE_CONNECTORS],
    },
    Symptom {
        id: "454-4.7.5",
        anchor: "454 4.7.5",
        also: &[],
        unless: &[],
        meaning: "the on-premises send connector to Exchange Online names a certificate in TlsCertificateName that its server cannot find or use (454 4.7.5); KB 3156771 lists it among the symptoms of Exchange Online's certificate change of April 2016 too",
        look_at: "the send side: the `TlsCertificateName` of the send connector to Exchange Online, and the certificates of each of its `SourceTransportServers` (run `Get-ExchangeCertificate` on each)",
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp", "tls-certificate-expired", "tls-certificate-invalid-status", "tls-certificate-name-syntax", "legacy-exo-tls-capability"],
        paste: &[SEND_CONNECTORS, CERTIFICATES],
    },
    Symptom {
        id: "550-5.7.1-unable-to-relay",
        anchor: "550 5.7.1",
        also: &["unable to relay"],
        unless: &[],
        meaning: "on-premises Exchange refuses to relay mail that Exchange Online sends through it (550 5.7.1 Unable to relay), as happens with centralized mail transport when Exchange Online's mail is no longer recognised",
        look_at: "the receive side: the `TlsDomainCapabilities` of the receive connectors that take mail from Exchange Online (usually `Default Frontend <server>`)",
        explained_by: &["legacy-exo-tls-capability", "exo-tls-capability-pinned", "hybrid-receive-tls-inconsistent", "hybrid-receive-connector-selection"],
        paste: &[RECEIVE_CONNECTORS],
    },
    Symptom {
        id: "nocredentials",
        anchor: "NoCredentials",
        also: &[],
        unless: &[],
        meaning: "TLS failed because the certificate the server uses for it has no usable private key (NoCredentials, KB 4495258)",
        look_at: "the send side: the certificate that the send connector's `TlsCertificateName` names, on each of its `SourceTransportServers`, and its `HasPrivateKey`",
        explained_by: &["tls-certificate-no-private-key"],
        paste: &[SEND_CONNECTORS, CERTIFICATES],
    },
    Symptom {
        id: "450-4.4.317-untrusted-root",
        anchor: "450 4.4.317",
        also: &["untrustedroot"],
        unless: &[],
        meaning: UNTRUSTED_ROOT_RECEIVED,
        look_at: RECEIVE_SIDE,
        explained_by: &["tls-certificate-not-found", "tls-certificate-invalid-status"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "450-4.4.317-untrusted-root",
        anchor: "450 4.7.320",
        also: &["untrustedroot"],
        unless: &[],
        meaning: UNTRUSTED_ROOT_RECEIVED,
        look_at: RECEIVE_SIDE,
        explained_by: &["tls-certificate-not-found", "tls-certificate-invalid-status"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "subject-mismatch",
        anchor: "SubjectMismatch",
        also: &[],
        unless: &[],
        meaning: "the certificate the on-premises server presented to Exchange Online does not carry the name Exchange Online's connector expects (SubjectMismatch, with 450 4.4.317 or 450 4.7.320): a wrong name, not an untrusted chain, typically because one receiving server presents another certificate than the hybrid one",
        look_at: "the receive side: the `TlsCertificateName` of the receive connector that takes mail from Exchange Online on each server in the hybrid configuration's `ReceivingTransportServers` (they must all name the hybrid configuration's certificate), the subject of that certificate on each server, and in Exchange Online the `TlsDomain` of the outbound connector to on-premises (`Get-OutboundConnector`)",
        explained_by: &[
            "tls-certificate-name-mismatch",
            "tls-certificate-not-found",
            "hybrid-receive-tls-inconsistent",
            "exo-connector-certificate-mismatch",
        ],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, HYBRID_CONFIGURATION, CERTIFICATES],
    },
    Symptom {
        id: "450-4.4.317-cannot-connect",
        anchor: "450 4.4.317",
        also: &[],
        unless: &["untrustedroot", "subjectmismatch", "starttls is required", "socketerror"],
        meaning: "Exchange Online reached the on-premises server but the connection failed or did not meet its connector's requirements (450 4.4.317 Cannot connect to remote server), for example TLS that the server did not offer",
        look_at: RECEIVE_SIDE,
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp", "tls-certificate-expired", "tls-certificate-invalid-status", "hybrid-receive-tls-inconsistent", "hybrid-receive-connector-selection"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "untrustedroot",
        anchor: "UntrustedRoot",
        also: &[],
        unless: &["4.4.317", "4.7.320"],
        meaning: "Exchange Online refused the certificate the on-premises server presented when it sent to Exchange Online (UntrustedRoot, event 2004): typically a second SMTP certificate for the same name from an internal certification authority (KB 2888788)",
        look_at: "the send side: the certificates enabled for SMTP on each of the send connector's `SourceTransportServers` (their `RootCAType` and issuer), and the send connector's `TlsCertificateName`",
        explained_by: &["tls-certificate-invalid-status"],
        paste: &[SEND_CONNECTORS, CERTIFICATES],
    },
    Symptom {
        id: "event-12014",
        anchor: "could not find a certificate",
        also: &["that contains the domain name"],
        unless: &[],
        meaning: EVENT_12014,
        look_at: EVENT_12014_LOOK_AT,
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "event-12014",
        anchor: "12014",
        also: &["could not find a certificate that contains the domain name"],
        unless: &[],
        meaning: EVENT_12014,
        look_at: EVENT_12014_LOOK_AT,
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "starttls-required",
        anchor: "451 5.7.3",
        also: &["starttls is required"],
        unless: &["socketerror"],
        meaning: "Exchange Online requires TLS but the on-premises server did not offer STARTTLS (451 5.7.3 STARTTLS is required), typical of a receive connector whose certificate is gone or not enabled for SMTP (KB 2989382)",
        look_at: RECEIVE_SIDE,
        explained_by: &["tls-certificate-not-found", "tls-certificate-not-smtp", "tls-certificate-expired", "hybrid-receive-tls-inconsistent"],
        paste: &[RECEIVE_CONNECTOR_CERTIFICATES, CERTIFICATES],
    },
    Symptom {
        id: "tls-version",
        anchor: "SocketError",
        also: &[],
        unless: &[],
        meaning: TLS_VERSION,
        look_at: TLS_VERSION_LOOK_AT,
        explained_by: &["tls12-not-enabled", "exchange-build"],
        paste: &[TLS_REGISTRY, EXCHANGE_SERVERS],
    },
    Symptom {
        id: "tls-version",
        anchor: "Must issue a STARTTLS command first",
        also: &[],
        unless: &[],
        meaning: TLS_VERSION,
        look_at: TLS_VERSION_LOOK_AT,
        explained_by: &["tls12-not-enabled", "exchange-build"],
        paste: &[TLS_REGISTRY, EXCHANGE_SERVERS],
    },
    Symptom {
        id: "550-5.7.64-relay-access-denied",
        anchor: "5.7.64",
        also: &["relay access denied"],
        unless: &[],
        meaning: "Exchange Online did not attribute mail from the on-premises servers to your tenant (550 5.7.64 TenantAttribution or ATTR36, Relay Access Denied): the certificate the send connector presents no longer carries the name the Exchange Online inbound connector expects, or that name is not an accepted domain of the tenant",
        look_at: "both sides: the `TlsCertificateName` of the send connector to Exchange Online and that certificate's subject, and in Exchange Online the `TlsSenderCertificateName` of the inbound connector of type OnPremises and the accepted domains",
        explained_by: &["exo-connector-certificate-mismatch"],
        paste: &[SEND_CONNECTORS, CERTIFICATES, ONLINE_INBOUND],
    },
    Symptom {
        id: "554-5.4.14-hop-count",
        anchor: "5.4.14",
        also: &["hop count exceeded"],
        unless: &[],
        meaning: "a message looped between Exchange Online and another mail system until its hop count ran out (554 5.4.14 Hop count exceeded, ATTR34 in Exchange Online), typically because Exchange Online does not route the recipient's domain to the on-premises servers by smart host",
        look_at: "both sides: the hybrid configuration's `Domains`, the Exchange Online outbound connector of type OnPremises (`RecipientDomains`, `UseMXRecord`, `RouteAllMessagesViaOnPremises`), and the on-premises accepted domains",
        explained_by: &["hybrid-domain-routing"],
        paste: &[DOMAINS, ONLINE_OUTBOUND],
    },
    Symptom {
        id: "authas-anonymous",
        anchor: "X-MS-Exchange-Organization-AuthAs: Anonymous",
        also: &[],
        unless: &[],
        meaning: "a message between Exchange Online and on-premises arrived as anonymous mail, which is why senders show as `First Last <address>` and Skype presence is missing",
        look_at: "both sides: the `TlsDomainCapabilities` of the receive connectors that take mail from Exchange Online, and the send connector to Exchange Online (`CloudServicesMailEnabled`, `TlsCertificateName`)",
        explained_by: &["legacy-exo-tls-capability", "exo-send-connector", "exo-tls-capability-pinned", "hybrid-receive-tls-inconsistent", "hybrid-receive-connector-selection"],
        paste: &[RECEIVE_CONNECTORS, SEND_CONNECTORS],
    },
    Symptom {
        id: "exo-enforcement-throttled",
        anchor: "4.7.230",
        also: &["out-of-date"],
        unless: &[],
        meaning: "Exchange Online throttles mail from an on-premises server it considers out of date (4.7.230, its transport-based enforcement for servers that are out of support or behind on updates)",
        look_at: "the send side: the build of each server that sends to Exchange Online, from ExSetup.exe's file version (AdminDisplayVersion shows the cumulative update only)",
        explained_by: &["exo-enforcement-throttling", "exchange-build"],
        paste: &[EXCHANGE_SERVERS, EXSETUP_VERSION],
    },
    Symptom {
        id: "exo-enforcement-blocked",
        anchor: "5.7.230",
        also: &["out-of-date"],
        unless: &[],
        meaning: "Exchange Online blocks mail from an on-premises server it considers out of date (5.7.230, its transport-based enforcement for servers that are out of support or behind on updates)",
        look_at: "the send side: the build of each server that sends to Exchange Online, from ExSetup.exe's file version (AdminDisplayVersion shows the cumulative update only)",
        explained_by: &["exo-enforcement-throttling", "exchange-build"],
        paste: &[EXCHANGE_SERVERS, EXSETUP_VERSION],
    },
    Symptom {
        id: "oauth-401",
        anchor: "(401) Unauthorized",
        also: &[],
        unless: &[],
        meaning: "a request was refused as unauthorized (401); from `Test-OAuthConnectivity` or free/busy between on-premises and Exchange Online it means the token was not accepted: a mailbox not synchronized to Microsoft Entra ID or a missing service principal name (KB 3090197), or an Auth certificate or hybrid application that Exchange Online does not know",
        look_at: OAUTH_LOOK_AT,
        explained_by: &["hybrid-app-not-active", "auth-certificate-invalid"],
        paste: &[AUTH_CONFIG, HYBRID_APP_STATE, CERTIFICATES],
    },
    Symptom {
        id: "oauth-403",
        anchor: "(403) Forbidden",
        also: &[],
        unless: &[],
        meaning: "a request was refused as forbidden (403); from `Test-OAuthConnectivity` or free/busy between on-premises and Exchange Online it typically follows an Auth certificate change or a hybrid application that is not in effect (reported by secondary sources)",
        look_at: OAUTH_LOOK_AT,
        explained_by: &["hybrid-app-not-active", "auth-certificate-invalid"],
        paste: &[AUTH_CONFIG, HYBRID_APP_STATE, CERTIFICATES],
    },
    Symptom {
        id: "hcw8064",
        anchor: "HCW8064",
        also: &[],
        unless: &[],
        meaning: "the Hybrid Configuration Wizard finished but could not configure OAuth (HCW8064), so free/busy and the other features that use OAuth may not work",
        look_at: OAUTH_LOOK_AT,
        explained_by: &["hybrid-app-not-active", "auth-certificate-invalid"],
        paste: &[AUTH_CONFIG, HYBRID_APP_STATE, CERTIFICATES],
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
