//! Exchange build numbers: which product and cumulative update a version is, and whether the
//! product is still supported. The table's date is [`crate::DATA_AS_OF`].

use super::date::Date;

/// A version as `AdminDisplayVersion` (`Version 15.0 (Build 1076.9)`) or ExSetup.exe's file
/// version (`15.00.1076.009`) shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub build: u32,
    pub revision: u32,
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}.{}", self.major, self.minor, self.build, self.revision)
    }
}

/// Reads `Version 15.0 (Build 1076.9)`, `15.00.1076.009` or `15.0.1076.9`.
pub fn parse_version(text: &str) -> Option<Version> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("Version ") {
        let (major_minor, build) = rest.split_once("(Build ")?;
        let (major, minor) = major_minor.trim().split_once('.')?;
        let (build, revision) = build.trim_end_matches(')').trim().split_once('.')?;
        return Some(Version {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
            build: build.parse().ok()?,
            revision: revision.parse().ok()?,
        });
    }
    let mut parts = text.split('.').map(|p| p.trim().parse::<u32>());
    let version = Version {
        major: parts.next()?.ok()?,
        minor: parts.next()?.ok()?,
        build: parts.next()?.ok()?,
        revision: parts.next().unwrap_or(Ok(0)).ok()?,
    };
    (parts.next().is_none() && version.major >= 8).then_some(version)
}

/// A product line: Exchange 2013, 2016, 2019 or Subscription Edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Product {
    pub name: &'static str,
    /// The end of extended support; `None` for the Subscription Edition's modern lifecycle.
    pub support_ends: Option<Date>,
    /// Cumulative updates: name and the build they install.
    pub releases: &'static [(&'static str, u32, u32)],
}

const EXCHANGE_2013: Product = Product {
    name: "Exchange Server 2013",
    support_ends: Some(Date { year: 2023, month: 4, day: 11 }),
    releases: &[
        ("RTM", 516, 32),
        ("CU1", 620, 29),
        ("CU2", 712, 24),
        ("CU3", 775, 38),
        ("SP1", 847, 32),
        ("CU5", 913, 22),
        ("CU6", 995, 29),
        ("CU7", 1044, 25),
        ("CU8", 1076, 9),
        ("CU9", 1104, 5),
        ("CU10", 1130, 7),
        ("CU11", 1156, 6),
        ("CU12", 1178, 4),
        ("CU13", 1210, 3),
        ("CU14", 1236, 3),
        ("CU15", 1263, 5),
        ("CU16", 1293, 2),
        ("CU17", 1320, 4),
        ("CU18", 1347, 2),
        ("CU19", 1365, 1),
        ("CU20", 1367, 3),
        ("CU21", 1395, 4),
        ("CU22", 1473, 3),
        ("CU23", 1497, 2),
    ],
};

const EXCHANGE_2016: Product = Product {
    name: "Exchange Server 2016",
    support_ends: Some(Date { year: 2025, month: 10, day: 14 }),
    releases: &[
        ("RTM", 225, 42),
        ("CU1", 396, 30),
        ("CU2", 466, 34),
        ("CU3", 544, 27),
        ("CU4", 669, 32),
        ("CU5", 845, 34),
        ("CU6", 1034, 26),
        ("CU7", 1261, 35),
        ("CU8", 1415, 2),
        ("CU9", 1466, 3),
        ("CU10", 1531, 3),
        ("CU11", 1591, 10),
        ("CU12", 1713, 5),
        ("CU13", 1779, 2),
        ("CU14", 1847, 3),
        ("CU15", 1913, 5),
        ("CU16", 1979, 3),
        ("CU17", 2044, 4),
        ("CU18", 2106, 2),
        ("CU19", 2176, 2),
        ("CU20", 2242, 4),
        ("CU21", 2308, 8),
        ("CU22", 2375, 7),
        ("CU23", 2507, 6),
    ],
};

const EXCHANGE_2019: Product = Product {
    name: "Exchange Server 2019",
    support_ends: Some(Date { year: 2025, month: 10, day: 14 }),
    releases: &[
        ("RTM", 221, 12),
        ("CU1", 330, 5),
        ("CU2", 397, 3),
        ("CU3", 464, 5),
        ("CU4", 529, 5),
        ("CU5", 595, 3),
        ("CU6", 659, 4),
        ("CU7", 721, 2),
        ("CU8", 792, 3),
        ("CU9", 858, 5),
        ("CU10", 922, 7),
        ("CU11", 986, 5),
        ("CU12", 1118, 7),
        ("CU13", 1258, 12),
        ("CU14", 1544, 4),
        ("CU15", 1748, 10),
    ],
};

const EXCHANGE_SE: Product =
    Product { name: "Exchange Server Subscription Edition", support_ends: None, releases: &[("RTM", 2562, 17)] };

/// The first build of Exchange 2013 CU9, whose Hybrid Configuration Wizard writes the current entry.
pub const EXCHANGE_2013_CU9_BUILD: u32 = 1104;

/// What the table says about a version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    pub product: Product,
    /// The cumulative update installed, e.g. `CU8`.
    pub update: &'static str,
    /// The newest cumulative update of the product in the table.
    pub latest: &'static str,
    /// The version is newer than any build of its product in the table.
    pub newer_than_table: bool,
}

/// Names the product and cumulative update of a version, or `None` for a version the table
/// does not cover (Exchange 2010 and older).
pub fn release(version: Version) -> Option<Release> {
    let product = match (version.major, version.minor) {
        (15, 0) => EXCHANGE_2013,
        (15, 1) => EXCHANGE_2016,
        (15, 2) if version.build >= 2562 => EXCHANGE_SE,
        (15, 2) => EXCHANGE_2019,
        _ => return None,
    };
    let at = product.releases.iter().rposition(|(_, build, _)| version.build >= *build)?;
    let (update, _, _) = product.releases[at];
    let latest = product.releases.last().map_or(update, |(name, _, _)| name);
    Some(Release {
        product,
        update,
        latest,
        newer_than_table: at + 1 == product.releases.len() && version.build > product.releases[at].1,
    })
}
