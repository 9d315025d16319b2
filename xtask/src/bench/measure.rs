//! Running and timing programs: wall time measured here, peak memory from GNU time, and the
//! `result` lines the Node and browser scripts print.

use super::RUNS;
use crate::util::{root, target_dir, Context, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub(super) const GNU_TIME: &str = "/usr/bin/time";

/// Where a timed program's standard output goes.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Out {
    /// Discarded. For hybridcheck, which does the same work wherever its report goes.
    Null,
    /// Read by the bench through a pipe: the report, and the scripts' `result` lines.
    Pipe,
    /// Written to `target/bench/stdout.out` and read back afterwards. For grep, which notices an
    /// output of /dev/null and stops at its first match, timing nothing.
    File,
}

pub(super) struct Timed {
    pub(super) ms: f64,
    /// Peak resident set size of the child, from GNU time.
    pub(super) rss_kb: Option<u64>,
    pub(super) stdout: String,
}

/// Runs `program args` under GNU time: wall time measured here, peak memory from `%M`. An exit
/// status other than 0 and 1 is an error: hybridcheck exits 1 when it finds something, and grep
/// when it finds nothing.
pub(super) fn timed_run(program: &Path, args: &[&std::ffi::OsStr], out: Out) -> Result<Timed> {
    timed_run_accepting(program, args, out, &[0, 1])
}

/// [`timed_run`] of a check whose input may hold nothing to check: hybridcheck then exits 2.
pub(super) fn timed_check(program: &Path, args: &[&std::ffi::OsStr]) -> Result<Timed> {
    timed_run_accepting(program, args, Out::Null, &[0, 1, 2])
}

fn timed_run_accepting(program: &Path, args: &[&std::ffi::OsStr], out: Out, accepted: &[i32]) -> Result<Timed> {
    let dir = target_dir().join("bench");
    let time_file = dir.join("time.out");
    let out_file = dir.join("stdout.out");
    let _ = std::fs::remove_file(&time_file);
    let gnu_time = Path::new(GNU_TIME).exists();
    let mut cmd = if gnu_time {
        let mut cmd = Command::new(GNU_TIME);
        cmd.arg("-f").arg("%M").arg("-o").arg(&time_file).arg(program);
        cmd
    } else {
        Command::new(program)
    };
    cmd.args(args).current_dir(root()).stdin(Stdio::null()).stderr(Stdio::inherit());
    cmd.stdout(match out {
        Out::Null => Stdio::null(),
        Out::Pipe => Stdio::piped(),
        Out::File => std::fs::File::create(&out_file).context(format!("cannot create {}", out_file.display()))?.into(),
    });
    let started = Instant::now();
    let mut child = cmd.spawn().context(format!("cannot start {}", program.display()))?;
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).context(format!("cannot read the output of {}", program.display()))?;
    }
    let status = child.wait().context(format!("cannot wait for {}", program.display()))?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if !status.code().is_some_and(|code| accepted.contains(&code)) {
        return Err(format!("{} failed ({status})", program.display()));
    }
    if out == Out::File {
        stdout = std::fs::read_to_string(&out_file).context(format!("cannot read {}", out_file.display()))?;
    }
    let rss_kb = if gnu_time {
        std::fs::read_to_string(&time_file).ok().and_then(|t| t.lines().last().and_then(|l| l.trim().parse().ok()))
    } else {
        None
    };
    Ok(Timed { ms, rss_kb, stdout })
}

/// A program to time: its arguments, and where its standard output goes.
pub(super) struct Timing<'a> {
    pub(super) program: &'a Path,
    pub(super) args: &'a [&'a std::ffi::OsStr],
    pub(super) out: Out,
    pub(super) times: Vec<f64>,
    pub(super) rss: Option<u64>,
}

impl Timing<'_> {
    pub(super) fn run(&mut self) -> Result<()> {
        let t = timed_run(self.program, self.args, self.out)?;
        self.times.push(t.ms);
        self.rss = match (self.rss, t.rss_kb) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        Ok(())
    }

    /// The best (shortest) time, the highest peak memory, and every time.
    pub(super) fn result(self) -> (f64, Option<u64>, Vec<f64>) {
        (self.times.iter().copied().fold(f64::INFINITY, f64::min), self.rss, self.times)
    }
}

/// Times two programs `RUNS` times each, taking turns, so that both meet the machine in the same
/// states: their ratio then moves less from one bench run to the next than when one program's
/// runs all came before the other's.
pub(super) fn best_of_each(a: &mut Timing, b: &mut Timing) -> Result<()> {
    for _ in 0..RUNS {
        a.run()?;
        b.run()?;
    }
    Ok(())
}

/// The first `"key": number` in pretty-printed JSON.
pub(super) fn json_number(text: &str, key: &str) -> Option<usize> {
    let at = text.find(&format!("\"{key}\": "))? + key.len() + 4;
    let digits: String = text[at..].chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// `key=value` pairs of the line of `output` that starts with `result <what>`.
pub(super) fn result_line(output: &str, what: &str) -> Option<HashMap<String, String>> {
    let prefix = format!("result {what} ");
    let line = output.lines().find(|l| l.starts_with(&prefix))?;
    Some(
        line[prefix.len()..]
            .split(' ')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    )
}

pub(super) fn field(map: &HashMap<String, String>, key: &str) -> Result<f64> {
    map.get(key).and_then(|v| v.parse().ok()).ok_or_else(|| format!("the script reported no `{key}`"))
}

/// Runs a command with its standard output captured (standard error shown), stopping it after `limit`.
pub(super) fn capture_within(cmd: &mut Command, limit: Duration) -> Result<String> {
    let shown = crate::util::show(cmd);
    println!("$ {shown}");
    let mut child =
        cmd.current_dir(root()).stdout(Stdio::piped()).spawn().context(format!("cannot start `{shown}`"))?;
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = out.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().context(format!("cannot wait for `{shown}`"))? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("`{shown}` did not finish within {} s and was stopped", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let text = reader.join().unwrap_or_default();
    if !status.success() {
        return Err(format!("`{shown}` failed ({status})"));
    }
    Ok(text)
}
