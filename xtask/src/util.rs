//! Small helpers shared by the subcommands: errors, paths, running programs, timing, dates.

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Every fallible function of xtask returns a message for people on failure.
pub type Result<T, E = String> = std::result::Result<T, E>;

/// Adds what was being done to an error, so that every message says where it came from.
pub trait Context<T> {
    fn context(self, what: impl Display) -> Result<T>;
}

impl<T, E: Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: impl Display) -> Result<T> {
        self.map_err(|err| format!("{what}: {err}"))
    }
}

/// The repository root: the parent of this crate's directory.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives inside the repository").to_path_buf()
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR` like cargo itself does.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    }
}

/// Reads a text file, saying which one on failure.
pub fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).context(format!("cannot read {}", path.display()))
}

/// Writes a file through a temporary sibling and a rename, so that nobody (for example
/// `cargo xtask serve`) ever sees it half-written.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).context(format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, contents).context(format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).context(format!("cannot rename {} to {}", tmp.display(), path.display()))
}

/// Shows a command the way a person would type it.
pub fn show(cmd: &Command) -> String {
    let mut words = vec![cmd.get_program().to_string_lossy().into_owned()];
    words.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    words.join(" ")
}

/// Runs a command in the repository root with inherited output, and fails unless it exits with 0.
/// The command is printed first, so that every step can be repeated by hand.
pub fn run(cmd: &mut Command) -> Result<()> {
    run_within(cmd, None)
}

/// Like [`run`], but stops the command and fails when it runs longer than `limit`, so that a
/// hung browser cannot hold up CI for ever.
pub fn run_within(cmd: &mut Command, limit: Option<Duration>) -> Result<()> {
    let shown = show(cmd);
    println!("$ {shown}");
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let mut child = cmd.spawn().map_err(|err| format!("cannot start `{shown}`: {err}"))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context(format!("cannot wait for `{shown}`"))? {
            break status;
        }
        if limit.is_some_and(|limit| start.elapsed() > limit) {
            // Best effort: the command is failed whether or not the kill succeeds.
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("`{shown}` did not finish within {} and was stopped", secs(limit.unwrap())));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{shown}` failed ({status})"))
    }
}

/// Runs a command and returns its standard output, or None when it cannot start or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    if cmd.get_current_dir().is_none() {
        cmd.current_dir(root());
    }
    let out = cmd.stderr(std::process::Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `work` and returns its result with the wall time it took.
pub fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = work();
    (result, start.elapsed())
}

/// Formats a duration as seconds with one decimal, e.g. `12.3 s`.
pub fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The build date as `YYYY-MM-DD` in UTC. `SOURCE_DATE_EPOCH` (seconds), when set, replaces the
/// current time, so that a rebuild of the same sources can give the same bytes.
pub fn build_date() -> Result<String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => value.trim().parse::<u64>().context("SOURCE_DATE_EPOCH is not a number of seconds")?,
        Err(_) => SystemTime::now().duration_since(UNIX_EPOCH).context("the clock is before 1970")?.as_secs(),
    };
    let (y, m, d) = civil_from_days((seconds / 86_400) as i64);
    Ok(format!("{y:04}-{m:02}-{d:02}"))
}

/// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `civil_from_days`).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::civil_from_days;

    #[test]
    fn dates_from_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_785), (2026, 11, 28));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
    }
}
