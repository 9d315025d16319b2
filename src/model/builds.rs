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

/// The security updates (SU) and hotfix updates (HU) of the cumulative updates hybrid servers
/// still run, as Microsoft names them, with the last part of ExSetup.exe's file version each
/// installs (`15.2.1748.24` is Exchange 2019 CU15 with Apr25HU). `AdminDisplayVersion` never
/// shows them. Source: the build table Microsoft keeps in CSS-Exchange
/// (`Shared/Get-ExchangeBuildVersionInformation.ps1`), whose newest entry is Sep26SUv2;
/// the updates after Oct25SU for Exchange 2016 and 2019 went to Extended Security Update customers.
struct CuUpdates {
    minor: u32,
    build: u32,
    updates: &'static [(&'static str, u32)],
}

const UPDATES: &[CuUpdates] = &[
    // Exchange 2013 CU23 (support ended 2023-04-11; Mar23SU was the last update).
    CuUpdates {
        minor: 0,
        build: 1497,
        updates: &[
            ("Jul19SU", 3),
            ("Nov19SU", 4),
            ("Feb20SU", 6),
            ("Oct20SU", 7),
            ("Nov20SU", 8),
            ("Dec20SU", 10),
            ("Mar21SU", 12),
            ("Apr21SU", 15),
            ("May21SU", 18),
            ("Jul21SU", 23),
            ("Oct21SU", 24),
            ("Nov21SU", 26),
            ("Jan22SU", 28),
            ("Mar22SU", 33),
            ("May22SU", 36),
            ("Aug22SU", 40),
            ("Oct22SU", 42),
            ("Nov22SU", 44),
            ("Jan23SU", 45),
            ("Feb23SU", 47),
            ("Mar23SU", 48),
        ],
    },
    // Exchange 2016 CU22.
    CuUpdates {
        minor: 1,
        build: 2375,
        updates: &[
            ("Oct21SU", 12),
            ("Nov21SU", 17),
            ("Jan22SU", 18),
            ("Mar22SU", 24),
            ("May22SU", 28),
            ("Aug22SU", 31),
            ("Oct22SU", 32),
            ("Nov22SU", 37),
        ],
    },
    // Exchange 2016 CU23.
    CuUpdates {
        minor: 1,
        build: 2507,
        updates: &[
            ("May22SU", 9),
            ("Aug22SU", 12),
            ("Oct22SU", 13),
            ("Nov22SU", 16),
            ("Jan23SU", 17),
            ("Feb23SU", 21),
            ("Mar23SU", 23),
            ("Jun23SU", 27),
            ("Aug23SU", 31),
            ("Aug23SUv2", 32),
            ("Oct23SU", 34),
            ("Nov23SU", 35),
            ("Mar24SU", 37),
            ("Apr24HU", 39),
            ("Nov24SU", 43),
            ("Nov24SUv2", 44),
            ("Apr25HU", 55),
            ("May25HU", 57),
            ("Aug25SU", 58),
            ("Sep25HU", 59),
            ("Oct25SU", 61),
            ("Dec25SU", 63),
            ("Feb26SU", 66),
            ("Jun26SU", 69),
            ("Jul26SU", 71),
            ("Aug26SU", 72),
            ("Sep26SU", 73),
            ("Sep26SUv2", 75),
        ],
    },
    // Exchange 2019 CU11.
    CuUpdates {
        minor: 2,
        build: 986,
        updates: &[
            ("Oct21SU", 9),
            ("Nov21SU", 14),
            ("Jan22SU", 15),
            ("Mar22SU", 22),
            ("May22SU", 26),
            ("Aug22SU", 29),
            ("Oct22SU", 30),
            ("Nov22SU", 36),
            ("Jan23SU", 37),
            ("Feb23SU", 41),
            ("Mar23SU", 42),
        ],
    },
    // Exchange 2019 CU12.
    CuUpdates {
        minor: 2,
        build: 1118,
        updates: &[
            ("May22SU", 9),
            ("Aug22SU", 12),
            ("Oct22SU", 15),
            ("Nov22SU", 20),
            ("Jan23SU", 21),
            ("Feb23SU", 25),
            ("Mar23SU", 26),
            ("Jun23SU", 30),
            ("Aug23SU", 36),
            ("Aug23SUv2", 37),
            ("Oct23SU", 39),
            ("Nov23SU", 40),
        ],
    },
    // Exchange 2019 CU13.
    CuUpdates {
        minor: 2,
        build: 1258,
        updates: &[
            ("Jun23SU", 16),
            ("Aug23SU", 23),
            ("Aug23SUv2", 25),
            ("Oct23SU", 27),
            ("Nov23SU", 28),
            ("Mar24SU", 32),
            ("Apr24HU", 34),
            ("Nov24SU", 38),
            ("Nov24SUv2", 39),
        ],
    },
    // Exchange 2019 CU14.
    CuUpdates {
        minor: 2,
        build: 1544,
        updates: &[
            ("Mar24SU", 9),
            ("Apr24HU", 11),
            ("Nov24SU", 13),
            ("Nov24SUv2", 14),
            ("Apr25HU", 25),
            ("May25HU", 27),
            ("Aug25SU", 33),
            ("Sep25HU", 34),
            ("Oct25SU", 36),
            ("Dec25SU", 37),
            ("Feb26SU", 39),
            ("Jun26SU", 41),
            ("Jul26SU", 43),
            ("Aug26SU", 44),
            ("Sep26SU", 46),
            ("Sep26SUv2", 48),
        ],
    },
    // Exchange 2019 CU15.
    CuUpdates {
        minor: 2,
        build: 1748,
        updates: &[
            ("Apr25HU", 24),
            ("May25HU", 26),
            ("Aug25SU", 36),
            ("Sep25HU", 37),
            ("Oct25SU", 39),
            ("Dec25SU", 42),
            ("Feb26SU", 43),
            ("Jun26SU", 46),
            ("Jul26SU", 48),
            ("Aug26SU", 49),
            ("Sep26SU", 51),
            ("Sep26SUv2", 53),
        ],
    },
    // Exchange Server Subscription Edition RTM.
    CuUpdates {
        minor: 2,
        build: 2562,
        updates: &[
            ("Aug25SU", 20),
            ("Sep25HU", 27),
            ("Oct25SU", 29),
            ("Dec25SU", 35),
            ("Feb26SU", 37),
            ("May26HU", 41),
            ("Jun26SU", 43),
            ("Jul26SU", 45),
            ("Aug26SU", 46),
            ("Sep26SU", 49),
            ("Sep26SUv2", 53),
        ],
    },
];

/// Which update a file version's last part shows on top of its cumulative update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateLevel {
    /// The cumulative update's own revision: no update on top of it.
    None,
    /// Exactly a known update.
    Exact(&'static str),
    /// A revision the table does not list, between two known updates: at least this one.
    AtLeast(&'static str),
    /// A revision above every update the table lists for this cumulative update (the newest it
    /// knows is given): an update released after the table was made, or a private build.
    NewerThanTable(&'static str),
    /// The table lists no update for this cumulative update (an old one, or a cumulative update
    /// newer than the table).
    Unknown,
}

/// The updates the table lists for the cumulative update of `version`, oldest first.
fn updates_of(version: Version) -> &'static [(&'static str, u32)] {
    if version.major != 15 {
        return &[];
    }
    UPDATES.iter().find(|u| u.minor == version.minor && u.build == version.build).map_or(&[], |u| u.updates)
}

/// The update a file version shows (see [`UpdateLevel`]). The revision is read as a number, so
/// `15.02.1748.024` and `15.2.1748.24` are the same.
pub fn update_level(version: Version) -> UpdateLevel {
    let updates = updates_of(version);
    let Some(release) = release(version) else { return UpdateLevel::Unknown };
    let base_revision = cu_revision(release, version).unwrap_or(0);
    if updates.is_empty() {
        return if version.revision <= base_revision { UpdateLevel::None } else { UpdateLevel::Unknown };
    }
    match updates.iter().rposition(|(_, revision)| version.revision >= *revision) {
        None => UpdateLevel::None,
        Some(at) if updates[at].1 == version.revision => UpdateLevel::Exact(updates[at].0),
        Some(at) if at + 1 == updates.len() => UpdateLevel::NewerThanTable(updates[at].0),
        Some(at) => UpdateLevel::AtLeast(updates[at].0),
    }
}

/// The newest update the table lists for the cumulative update of `version`.
pub fn latest_update(version: Version) -> Option<&'static str> {
    updates_of(version).last().map(|(name, _)| *name)
}

/// The revision of the cumulative update itself (`10` for 2019 CU15's `15.2.1748.10`), when
/// `version` is exactly one of the table's cumulative updates.
fn cu_revision(release: Release, version: Version) -> Option<u32> {
    release.product.releases.iter().find(|(_, build, _)| *build == version.build).map(|(_, _, revision)| *revision)
}

/// The build of a named update of the cumulative update of `version`.
pub fn update_build(version: Version, name: &str) -> Option<Version> {
    let (_, revision) = updates_of(version).iter().find(|(n, _)| *n == name)?;
    Some(Version { revision: *revision, ..version })
}

/// Whether a version can use the dedicated Exchange hybrid application, which needs the April
/// 2025 hotfix update (Apr25HU) or later: Exchange 2016 CU23 `15.1.2507.55`, Exchange 2019 CU14
/// `15.2.1544.25` or CU15 `15.2.1748.24`, or any Subscription Edition build (released after it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HybridAppBuild {
    /// Apr25HU or later is installed.
    Met,
    /// The cumulative update has Apr25HU, but this revision is below it: install the update (or later).
    BelowUpdate { minimum: Version },
    /// No Apr25HU exists for this product or cumulative update: a newer cumulative update (or
    /// product) is needed first.
    CumulativeUpdateTooOld,
    /// Only the cumulative update is known (`AdminDisplayVersion`), and it has Apr25HU: the file
    /// version tells whether it is installed.
    NeedsFileVersion,
}

/// The update the dedicated hybrid application needs.
pub const HYBRID_APP_UPDATE: &str = "Apr25HU";

/// Whether `version` meets the dedicated hybrid application's minimum; `from_file` says whether
/// the version is ExSetup.exe's file version (which shows updates) or `AdminDisplayVersion` (which
/// does not).
pub fn hybrid_app_build(version: Version, from_file: bool) -> HybridAppBuild {
    let Some(release) = release(version) else { return HybridAppBuild::CumulativeUpdateTooOld };
    if release.product == EXCHANGE_SE {
        return HybridAppBuild::Met;
    }
    if release.newer_than_table {
        return HybridAppBuild::Met;
    }
    let Some(minimum) = update_build(version, HYBRID_APP_UPDATE) else {
        return HybridAppBuild::CumulativeUpdateTooOld;
    };
    if !from_file {
        HybridAppBuild::NeedsFileVersion
    } else if version >= minimum {
        HybridAppBuild::Met
    } else {
        HybridAppBuild::BelowUpdate { minimum }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        parse_version(text).unwrap()
    }

    #[test]
    fn updates_are_named_from_the_file_version() {
        assert_eq!(update_level(v("15.02.1748.024")), UpdateLevel::Exact("Apr25HU"));
        assert_eq!(update_level(v("15.2.1748.10")), UpdateLevel::None);
        // Between Feb26SU (.43) and Jun26SU (.46): at least Feb26SU, not unknown.
        assert_eq!(update_level(v("15.02.1748.045")), UpdateLevel::AtLeast("Feb26SU"));
        assert_eq!(update_level(v("15.2.1748.60")), UpdateLevel::NewerThanTable("Sep26SUv2"));
        assert_eq!(update_level(v("15.1.2507.44")), UpdateLevel::Exact("Nov24SUv2"));
        assert_eq!(update_level(v("15.2.2562.17")), UpdateLevel::None);
        assert_eq!(update_level(v("15.0.1497.48")), UpdateLevel::Exact("Mar23SU"));
        // A cumulative update without updates in the table.
        assert_eq!(update_level(v("15.1.2308.8")), UpdateLevel::None);
        assert_eq!(update_level(v("15.1.2308.27")), UpdateLevel::Unknown);
        assert_eq!(latest_update(v("15.2.2562.17")), Some("Sep26SUv2"));
    }

    #[test]
    fn the_dedicated_hybrid_app_needs_apr25hu() {
        assert_eq!(hybrid_app_build(v("15.02.1748.024"), true), HybridAppBuild::Met);
        assert_eq!(
            hybrid_app_build(v("15.01.2507.044"), true),
            HybridAppBuild::BelowUpdate { minimum: v("15.1.2507.55") }
        );
        assert_eq!(hybrid_app_build(v("15.2.1544.25"), true), HybridAppBuild::Met);
        assert_eq!(hybrid_app_build(v("Version 15.2 (Build 1748.10)"), false), HybridAppBuild::NeedsFileVersion);
        assert_eq!(hybrid_app_build(v("Version 15.2 (Build 1258.12)"), false), HybridAppBuild::CumulativeUpdateTooOld);
        assert_eq!(hybrid_app_build(v("15.0.1497.48"), true), HybridAppBuild::CumulativeUpdateTooOld);
        assert_eq!(hybrid_app_build(v("15.2.2562.17"), false), HybridAppBuild::Met);
        // Every table entry of Apr25HU is the minimum the research notes and Microsoft name.
        for (text, revision) in [("15.1.2507.6", 55), ("15.2.1544.4", 25), ("15.2.1748.10", 24)] {
            assert_eq!(update_build(v(text), HYBRID_APP_UPDATE).map(|m| m.revision), Some(revision));
        }
    }

    #[test]
    fn every_cumulative_update_with_updates_is_in_the_cumulative_update_table() {
        for cu in UPDATES {
            let version = Version { major: 15, minor: cu.minor, build: cu.build, revision: 0 };
            let release = release(version).unwrap();
            assert!(cu_revision(release, version).is_some(), "15.{}.{}", cu.minor, cu.build);
            assert!(cu.updates.windows(2).all(|w| w[0].1 < w[1].1), "15.{}.{} is not in order", cu.minor, cu.build);
        }
    }
}
