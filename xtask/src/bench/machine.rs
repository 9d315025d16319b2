//! The machine a run was made on: figures from different machines do not compare.

use crate::util::output;
use std::process::Command;

pub(super) struct Machine {
    pub(super) date: String,
    pub(super) load: String,
    pub(super) locale: String,
    pub(super) commit: String,
    pub(super) nproc: String,
    pub(super) cpu: String,
    pub(super) ram: String,
    pub(super) os: String,
    pub(super) rustc: String,
    pub(super) node: String,
    pub(super) chromium: String,
}

impl Machine {
    pub(super) fn probe() -> Machine {
        let cmd = |program: &str, args: &[&str]| {
            output(Command::new(program).args(args)).map(|s| s.trim().to_owned()).unwrap_or_else(|| "unknown".into())
        };
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or("unknown".into(), |(_, v)| v.trim().to_owned());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let ram = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or("unknown".into(), |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0));
        let os_release = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
        let os = os_release
            .lines()
            .find_map(|l| l.strip_prefix("PRETTY_NAME="))
            .map_or("unknown".into(), |v| v.trim_matches('"').to_owned());
        let mut commit = cmd("git", &["rev-parse", "--short", "HEAD"]);
        if output(Command::new("git").args(["status", "--porcelain", "--untracked-files=no"]))
            .is_some_and(|s| !s.trim().is_empty())
        {
            commit.push_str(" + uncommitted changes");
        }
        let chromium = cmd("/usr/bin/chromium", &["--version"]);
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        let load: Vec<&str> = load.split_whitespace().take(3).collect();
        Machine {
            date: cmd("date", &["-u", "+%Y-%m-%d %H:%M UTC"]),
            load: format!("{} (1, 5, 15 min, when the bench started)", load.join(" ")),
            locale: ["LC_ALL", "LC_CTYPE", "LANG"]
                .iter()
                .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()).map(|v| format!("{k}={v}")))
                .unwrap_or_else(|| "POSIX (no LC_ALL, LC_CTYPE or LANG)".into()),
            commit,
            nproc: cmd("nproc", &[]),
            cpu,
            ram,
            os: format!("{os}, Linux {}", cmd("uname", &["-r"])),
            rustc: cmd("rustc", &["--version"]),
            node: cmd("node", &["--version"]),
            chromium: chromium.lines().last().unwrap_or("unknown").to_owned(),
        }
    }

    pub(super) fn lines(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("date", &self.date),
            ("commit", &self.commit),
            ("CPU", &self.cpu),
            ("nproc", &self.nproc),
            ("load average", &self.load),
            ("locale (grep -i depends on it)", &self.locale),
            ("RAM", &self.ram),
            ("OS", &self.os),
            ("rustc", &self.rustc),
            ("node", &self.node),
            ("chromium", &self.chromium),
        ]
    }
}
