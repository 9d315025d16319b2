//! The organisations: which connector is affected, seeded, and the values every format shows.

use super::SEED;

/// SplitMix64: small, seeded and the same everywhere.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub(super) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub(super) fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }

    pub(super) fn guid(&mut self) -> String {
        let a = self.next();
        let b = self.next();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:x}{:03x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            8 + (b >> 62),
            (b >> 48) & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// How an affected Default Frontend connector lists its entries.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Legacy {
    /// Only the legacy entry, as HCW of CU8 or earlier left it.
    Alone,
    /// The current entry first: at width 120 the words wrap between `Machine` and `Auth`.
    AfterCurrent,
    /// The legacy entry, then the current one.
    BeforeCurrent,
}

/// The state of a server's Default Frontend connector.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Frontend {
    Affected(Legacy),
    /// Fixed by a later HCW; `comment` when the admin wrote the old entry into `Comment`.
    Fixed {
        comment: bool,
    },
    /// Not part of hybrid mail flow: no certificate, no capabilities.
    NotHybrid,
}

#[derive(Clone, Copy)]
pub(super) struct Stamp {
    pub(super) days: i64,
    pub(super) secs: i64,
}

pub(super) struct Server {
    pub(super) name: String,
    pub(super) frontend: Frontend,
    pub(super) change_ticket: u64,
    pub(super) guid: String,
    pub(super) guids: [String; 5],
    pub(super) runspaces: [String; 5],
    pub(super) created: Stamp,
    pub(super) changed: [Stamp; 5],
}

pub(super) const LEGACY_ENTRY: &str = "<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail";
pub(super) const LEGACY_ISSUER: &str = "CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com";
pub(super) const EXO_SUBJECT: &str =
    "CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US";
pub(super) const CURRENT_ENTRY: &str = "mail.protection.outlook.com:AcceptCloudServicesMail";
pub(super) const CERT_ISSUER: &str = "CN=GeoTrust SSL CA - G3, O=GeoTrust Inc., C=US";
pub(super) const CERT_SUBJECT: &str = "CN=mail.contoso.com, OU=IT, O=Contoso Ltd, L=Seattle, S=Washington, C=US";
pub(super) const ORG_DN: &str = "CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=Contoso,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com";
pub(super) const PARTITION_GUID: &str = "59ce2f71-eaa2-4ddf-a4fa-f25069d0b324";
pub(super) const SERIALIZATION_DATA: &str = "AAEAAAD/////AQAAAAAAAAAMAgAAAFtNaWNyb3NvZnQuRXhjaGFuZ2UuRGF0YQ==";

/// The organisations the inputs show.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Org {
    /// Exchange 2013 servers, installed 2014-15, nearly all in hybrid mail flow: about 1 in 7
    /// Default Frontend connectors still has the legacy entry.
    Exchange2013,
    /// A large organisation of Exchange 2019 servers, installed 2019-23: about 1 in 25 servers
    /// receives mail from Exchange Online, and a few of those still have the legacy entry (their
    /// settings copied from an old server).
    Exchange2019,
}

impl Org {
    /// The server names: `EX0001` in 2013, `MBX0001` in 2019.
    fn server_name(self, i: usize) -> String {
        match self {
            Org::Exchange2013 => format!("EX{:04}", i + 1),
            Org::Exchange2019 => format!("MBX{:04}", i + 1),
        }
    }
}

/// How an affected connector lists its entries, drawn for one that is affected.
fn legacy(rng: &mut Rng) -> Legacy {
    if rng.one_in(4) {
        Legacy::AfterCurrent
    } else if rng.one_in(3) {
        Legacy::BeforeCurrent
    } else {
        Legacy::Alone
    }
}

impl Server {
    /// Server `i` of the Exchange 2013 organisation made with `SEED`: the 500-server
    /// organisation starts with the 50 servers of the 50-server one.
    pub(super) fn plan(i: usize) -> Server {
        Server::plan_in(Org::Exchange2013, i)
    }

    /// Server `i` of an organisation made with `SEED`.
    pub(super) fn plan_in(org: Org, i: usize) -> Server {
        let salt = match org {
            Org::Exchange2013 => 0,
            Org::Exchange2019 => 0x2019_2019_2019_2019,
        };
        let mut rng = Rng::new(SEED ^ salt ^ (i as u64).wrapping_mul(0xd1b5_4a32_d192_ed03));
        let frontend = match org {
            Org::Exchange2013 => {
                if rng.one_in(7) {
                    Frontend::Affected(legacy(&mut rng))
                } else if rng.one_in(6) {
                    Frontend::NotHybrid
                } else {
                    Frontend::Fixed { comment: rng.one_in(7) }
                }
            }
            Org::Exchange2019 => {
                if !rng.one_in(25) {
                    Frontend::NotHybrid
                } else if rng.one_in(6) {
                    Frontend::Affected(legacy(&mut rng))
                } else {
                    Frontend::Fixed { comment: rng.one_in(7) }
                }
            }
        };
        // Installed within a year (from 2014-06, or 2019-06), changed up to 300 days later
        // (2019: 1,200); 08:00 to 23:59 UTC.
        let (installed, changes) = match org {
            Org::Exchange2013 => (16_222, 300),
            Org::Exchange2019 => (18_048, 1_200),
        };
        let created = Stamp { days: installed + rng.below(365) as i64, secs: 8 * 3600 + rng.below(16 * 3600) as i64 };
        let mut stamp =
            || Stamp { days: created.days + rng.below(changes) as i64, secs: 8 * 3600 + rng.below(16 * 3600) as i64 };
        let changed = [stamp(), stamp(), stamp(), stamp(), stamp()];
        let guids = [rng.guid(), rng.guid(), rng.guid(), rng.guid(), rng.guid()];
        let runspaces = [rng.guid(), rng.guid(), rng.guid(), rng.guid(), rng.guid()];
        let guid = rng.guid();
        Server {
            guid,
            name: org.server_name(i),
            frontend,
            change_ticket: 40_000 + rng.below(60_000),
            guids,
            runspaces,
            created,
            changed,
        }
    }
}

/// What the generator put into an organisation.
#[derive(Clone, Copy, Default, Debug)]
pub(super) struct Truth {
    pub(super) connectors: usize,
    /// Default Frontend connectors with the legacy entry: what hybridcheck must find.
    pub(super) affected: usize,
    /// Of those, the ones whose words `MSIT Machine Auth CA 2` wrap across two Format-List lines.
    pub(super) split: usize,
    /// Fixed connectors whose `Comment` quotes the legacy entry.
    pub(super) comment: usize,
}

pub(super) fn truth(org: Org, servers: usize) -> Truth {
    let mut t = Truth { connectors: servers * 5, ..Truth::default() };
    for i in 0..servers {
        match Server::plan_in(org, i).frontend {
            Frontend::Affected(legacy) => {
                t.affected += 1;
                t.split += usize::from(legacy == Legacy::AfterCurrent);
            }
            Frontend::Fixed { comment } => t.comment += usize::from(comment),
            Frontend::NotHybrid => {}
        }
    }
    t
}

/// The five default receive connectors of an Exchange 2013 or later server (Mailbox and Client Access).
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Kind {
    Default,
    ClientProxy,
    DefaultFrontend,
    OutboundProxyFrontend,
    ClientFrontend,
}

pub(super) const KINDS: [Kind; 5] =
    [Kind::Default, Kind::ClientProxy, Kind::DefaultFrontend, Kind::OutboundProxyFrontend, Kind::ClientFrontend];

/// One connector's values, in the shape every format needs.
pub(super) struct Connector<'a> {
    pub(super) server: &'a Server,
    pub(super) kind: Kind,
    pub(super) n: usize,
}

impl Connector<'_> {
    pub(super) fn name(&self) -> String {
        let prefix = match self.kind {
            Kind::Default => "Default",
            Kind::ClientProxy => "Client Proxy",
            Kind::DefaultFrontend => "Default Frontend",
            Kind::OutboundProxyFrontend => "Outbound Proxy Frontend",
            Kind::ClientFrontend => "Client Frontend",
        };
        format!("{prefix} {}", self.server.name)
    }
    pub(super) fn identity(&self) -> String {
        format!("{}\\{}", self.server.name, self.name())
    }
    pub(super) fn dn(&self) -> String {
        format!(
            "CN={},CN=SMTP Receive Connectors,CN=Protocols,CN={},CN=Servers,{ORG_DN}",
            self.name(),
            self.server.name
        )
    }
    pub(super) fn server_dn(&self) -> String {
        format!("CN={},CN=Servers,{ORG_DN}", self.server.name)
    }
    pub(super) fn frontend(&self) -> bool {
        !matches!(self.kind, Kind::Default | Kind::ClientProxy)
    }
    pub(super) fn hybrid(&self) -> bool {
        self.kind == Kind::DefaultFrontend && self.server.frontend != Frontend::NotHybrid
    }
    pub(super) fn auth(&self) -> (&'static str, i64) {
        if self.kind == Kind::ClientFrontend {
            ("Tls, Integrated, BasicAuth, BasicAuthRequireTLS", 15)
        } else {
            ("Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", 31)
        }
    }
    pub(super) fn port(&self) -> u32 {
        match self.kind {
            Kind::Default => 2525,
            Kind::ClientProxy => 465,
            Kind::DefaultFrontend => 25,
            Kind::OutboundProxyFrontend => 717,
            Kind::ClientFrontend => 587,
        }
    }
    pub(super) fn fqdn(&self) -> String {
        if self.hybrid() {
            "mail.contoso.com".into()
        } else {
            format!("{}.contoso.com", self.server.name)
        }
    }
    pub(super) fn per_source(&self) -> Option<i64> {
        if self.kind == Kind::Default {
            None
        } else {
            Some(20)
        }
    }
    pub(super) fn percentage(&self) -> i64 {
        if self.kind == Kind::Default {
            100
        } else {
            2
        }
    }
    pub(super) fn local_hops(&self) -> i64 {
        if self.frontend() {
            5
        } else {
            8
        }
    }
    pub(super) fn recipients(&self) -> i64 {
        if self.kind == Kind::Default {
            5000
        } else {
            200
        }
    }
    pub(super) fn permissions(&self) -> (&'static str, i64) {
        match self.kind {
            Kind::Default => ("ExchangeUsers, ExchangeServers, ExchangeLegacyServers", 14),
            Kind::ClientProxy => ("ExchangeUsers, ExchangeServers", 6),
            Kind::DefaultFrontend => ("AnonymousUsers, ExchangeServers, ExchangeLegacyServers", 13),
            Kind::OutboundProxyFrontend => ("ExchangeServers", 4),
            Kind::ClientFrontend => ("ExchangeUsers", 2),
        }
    }
    pub(super) fn verbose(&self) -> bool {
        self.kind == Kind::DefaultFrontend
    }
    pub(super) fn role(&self) -> (&'static str, i64) {
        if self.frontend() {
            ("FrontendTransport", 16384)
        } else {
            ("HubTransport", 32)
        }
    }
    pub(super) fn certificate(&self) -> bool {
        self.hybrid()
    }
    /// The entries of TlsDomainCapabilities, as Format-List shows them.
    pub(super) fn capabilities(&self) -> Vec<&'static str> {
        if self.kind != Kind::DefaultFrontend {
            return vec![];
        }
        match self.server.frontend {
            Frontend::Affected(Legacy::Alone) => vec![LEGACY_ENTRY],
            Frontend::Affected(Legacy::AfterCurrent) => vec![CURRENT_ENTRY, LEGACY_ENTRY],
            Frontend::Affected(Legacy::BeforeCurrent) => vec![LEGACY_ENTRY, CURRENT_ENTRY],
            Frontend::Fixed { .. } => vec![CURRENT_ENTRY],
            Frontend::NotHybrid => vec![],
        }
    }
    pub(super) fn comment(&self) -> Option<String> {
        match (self.kind, self.server.frontend) {
            (Kind::DefaultFrontend, Frontend::Fixed { comment: true }) => Some(format!(
                "Fixed per KB 3156771 on 2016-04-20: removed <I>{LEGACY_ISSUER} (CHG00{})",
                self.server.change_ticket
            )),
            _ => None,
        }
    }
    pub(super) fn guid(&self) -> &str {
        &self.server.guids[self.n]
    }
    pub(super) fn runspace(&self) -> &str {
        &self.server.runspaces[self.n]
    }
    pub(super) fn changed(&self) -> Stamp {
        self.server.changed[self.n]
    }
    pub(super) fn bindings(&self) -> [(bool, u32); 2] {
        // (IPv6?, port), in the order Exchange lists them.
        if self.kind == Kind::Default {
            [(false, self.port()), (true, self.port())]
        } else {
            [(true, self.port()), (false, self.port())]
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dates in the three formats.
// ---------------------------------------------------------------------------------------------

/// Days since 1970-01-01 to (year, month, day), by the one conversion xtask has.
pub(super) fn civil(days: i64) -> (i64, i64, i64) {
    let (y, m, d) = crate::util::civil_from_days(days);
    (y, i64::from(m), i64::from(d))
}

/// The Pacific offset the organisation's shell used, in hours (no daylight saving, for simplicity).
pub(super) const LOCAL_OFFSET_H: i64 = 8;

/// en-US console form, `3/2/2015 4:12:37 PM`; `local` shifts to the organisation's time zone.
pub(super) fn us_time(s: Stamp, local: bool) -> String {
    let secs = s.secs - if local { LOCAL_OFFSET_H * 3600 } else { 0 };
    let (y, m, d) = civil(s.days);
    let (h, mi, se) = (secs / 3600, secs / 60 % 60, secs % 60);
    let (h12, ampm) = match h {
        0 => (12, "AM"),
        1..=11 => (h, "AM"),
        12 => (12, "PM"),
        _ => (h - 12, "PM"),
    };
    format!("{m}/{d}/{y} {h12}:{mi:02}:{se:02} {ampm}")
}

/// Export-Clixml form, `2016-04-12T10:22:41-08:00`.
pub(super) fn iso_local(s: Stamp) -> String {
    let secs = s.secs - LOCAL_OFFSET_H * 3600;
    let (y, m, d) = civil(s.days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}-{LOCAL_OFFSET_H:02}:00", secs / 3600, secs / 60 % 60, secs % 60)
}

/// ConvertTo-Json (PS 5.1) form, `\/Date(1425341557000)\/` (written already escaped).
pub(super) fn json_date(s: Stamp) -> String {
    format!("\\/Date({})\\/", (s.days * 86_400 + s.secs) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations_are_seeded_and_nested() {
        let small = truth(Org::Exchange2013, 50);
        assert_eq!(small.connectors, 250);
        assert!(small.affected > 0 && small.split > 0 && small.comment > 0, "{small:?}");
        assert_eq!(Server::plan(7).guids, Server::plan(7).guids);
        assert!(truth(Org::Exchange2013, 500).affected >= small.affected);
        let large = truth(Org::Exchange2019, 4000);
        assert!(large.affected > 10 && large.affected < 80, "a few affected: {large:?}");
    }

    #[test]
    fn dates() {
        assert_eq!(civil(16_496), (2015, 3, 2));
        assert_eq!(us_time(Stamp { days: 16_496, secs: 24 * 3600 - 1 }, true), "3/2/2015 3:59:59 PM");
        assert_eq!(iso_local(Stamp { days: 16_496, secs: 9 * 3600 }), "2015-03-02T01:00:00-08:00");
    }
}
