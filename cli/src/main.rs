//! The `hybridcheck` command: reads files or standard input, prints the report.

use hybridcheck::report::{markdown, ps1, text};
use hybridcheck::Date;
use hybridcheck::{check_with, Input, InputData, Options};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

/// See cli/Cargo.toml: the check allocates many small values, which mimalloc serves much faster.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The help up to the commands to run (printed from the core's collector, see [`print_help`]).
const HELP_USAGE: &str = "\
hybridcheck: finds broken Exchange hybrid TLS connectors in Exchange Management Shell output.

Usage: hybridcheck [--format text|json|markdown|ps1] [--now YYYY-MM-DD] [--example] [FILE|-]...

What to give it: the output of the commands below, copied from the console, saved with `>`,
or written by Export-Clixml or ConvertTo-Json. Whole console transcripts with several commands
are fine; so is part of the output: the report says which rules could not run for lack of
which output. With no FILE, or with `-`, it reads standard input.
";

/// The help after the commands to run.
const HELP_OPTIONS: &str = "\
Options:
  --format text      For people (default); coloured on a terminal.
  --format json      The report, schema hybridcheck/1.
  --format markdown  For a ticket or an e-mail.
  --format ps1       One PowerShell script with every fix, verify and rollback command.
  --now YYYY-MM-DD   Judge certificate lifetimes as of this date (default: today).
  --example          Check the built-in example instead of input.
  -h, --help         This text.
  -V, --version      The version and the date of the built-in data.

Exit status: 0 nothing needs fixing; 1 a finding of severity error or warning;
2 nothing could be checked, or a usage error.
";

/// Prints the help: the usage, the collector's parts (the same commands as the page's), the options.
fn print_help() {
    println!("{HELP_USAGE}");
    for part in hybridcheck::collector() {
        for line in part.script.lines() {
            println!("    {line}");
        }
        println!();
    }
    print!("{HELP_OPTIONS}");
}

/// What the CLI says on standard error when it waits for input typed or pasted at a terminal.
const STDIN_HINT: &str = "hybridcheck: reading the shell's output from standard input; end it with Ctrl+D (on Windows: Ctrl+Z, then Enter). --help for more.";

enum Output {
    Text,
    Json,
    Markdown,
    Ps1,
}

/// What the command line asks for.
struct Args {
    output: Output,
    example: bool,
    today: Option<Date>,
    paths: Vec<String>,
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(code) => return code,
    };
    let mut paths = args.paths;
    let mut contents: Vec<(String, Vec<u8>)> = Vec::new();
    if args.example {
        contents.push(("built-in example".into(), hybridcheck::EXAMPLE.as_bytes().to_vec()));
    } else if paths.is_empty() {
        paths.push("-".into());
    }
    if paths.iter().any(|p| p == "-") && std::io::stdin().is_terminal() {
        // Someone who typed just `hybridcheck` would otherwise look at a silent cursor.
        eprintln!("{STDIN_HINT}");
    }
    for path in &paths {
        match read(path) {
            Ok(bytes) => contents.push((if path == "-" { "standard input".into() } else { path.clone() }, bytes)),
            Err(err) => {
                eprintln!("hybridcheck: cannot read {path}: {err}");
                return ExitCode::from(2);
            }
        }
    }
    // The bytes move into the check, so a large file is held in memory once.
    let inputs: Vec<Input> = contents
        .iter_mut()
        .map(|(name, bytes)| Input { name: name.as_str(), data: InputData::Bytes(std::mem::take(bytes).into()) })
        .collect();
    let today = args.today.unwrap_or_else(system_date);
    let report = check_with(inputs, &Options { today: Some(today), example: args.example });
    if write_report(&report, &args.output).is_err() {
        return ExitCode::from(2);
    }
    // The process ends here, without freeing the report and the input object by object: the
    // system takes the memory back at once.
    exit_now(report.exit_code())
}

/// Ends the process with `code` at once. Everything is written and flushed by now, so on Unix
/// no exit handler runs either: the only one left was mimalloc's, which on a statically linked
/// allocator walks and frees all of its memory, about 3 % of the CPU time of a 100 MB check.
fn exit_now(code: i32) -> ! {
    #[cfg(unix)]
    // SAFETY: `_exit` takes any status and does not return; no exit handler of ours is needed:
    // standard output was flushed by `write_report`, standard error is unbuffered.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

/// The command line read into [`Args`], or the exit code when it asks for help or the version
/// (printed here) or is wrong (said here).
fn parse_args() -> Result<Args, ExitCode> {
    let mut parsed = Args { output: Output::Text, example: false, today: None, paths: Vec::new() };
    // `--format=json` is split into two arguments so that one match handles both spellings.
    let mut args = std::env::args()
        .skip(1)
        .flat_map(|a| match a.split_once('=').filter(|(k, _)| *k == "--format" || *k == "--now") {
            Some((key, value)) => vec![key.to_owned(), value.to_owned()],
            None => vec![a],
        })
        .collect::<Vec<_>>()
        .into_iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => {
                print_help();
                return Err(ExitCode::SUCCESS);
            }
            "-V" | "--version" => {
                println!("hybridcheck {} (data as of {})", hybridcheck::VERSION, hybridcheck::DATA_AS_OF);
                return Err(ExitCode::SUCCESS);
            }
            "--example" => parsed.example = true,
            "--now" => match args.next().as_deref().and_then(Date::parse_iso) {
                Some(date) => parsed.today = Some(date),
                None => return Err(usage("--now takes a date as YYYY-MM-DD")),
            },
            "--format" => match args.next().as_deref() {
                Some("text") => parsed.output = Output::Text,
                Some("json") => parsed.output = Output::Json,
                Some("markdown") => parsed.output = Output::Markdown,
                Some("ps1") => parsed.output = Output::Ps1,
                Some(other) => return Err(usage(&format!("--format takes text, json, markdown or ps1, not {other}"))),
                None => return Err(usage("--format needs a value: text, json, markdown or ps1")),
            },
            s if s.starts_with('-') && s != "-" => return Err(usage(&format!("unknown option {s}"))),
            _ => parsed.paths.push(arg),
        }
    }
    Ok(parsed)
}

/// Writes the report to standard output in the format asked for.
fn write_report(report: &hybridcheck::report::Report, output: &Output) -> std::io::Result<()> {
    let stdout = std::io::stdout();
    let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match output {
        // Written as it is serialized: a report of thousands of connectors is megabytes of JSON.
        Output::Json => {
            serde_json::to_writer_pretty(&mut out, report).map_err(std::io::Error::from)?;
            out.write_all(b"\n")?;
        }
        Output::Text => {
            let width = if stdout.is_terminal() { terminal_width() } else { None };
            out.write_all(text::render_to_width(report, colour, width).as_bytes())?;
        }
        Output::Markdown => out.write_all(markdown::render(report).as_bytes())?,
        Output::Ps1 => {
            // Windows PowerShell 5.1 reads a script without a byte-order mark as ANSI, where UTF-8
            // bytes can become quote characters; the mark goes first whether or not stdout is a file.
            let script = ps1::render(report);
            let mark = if ps1::needs_byte_order_mark(&script) { ps1::BYTE_ORDER_MARK } else { "" };
            out.write_all(mark.as_bytes())?;
            out.write_all(script.as_bytes())?;
        }
    }
    out.flush()
}

/// The bytes of a file, or of standard input for `-`.
///
/// A file is read into memory, into one buffer sized from its metadata (as `std::fs::read` does),
/// never mapped. A map read in place as text saved about a fifth of a 100 MB check, but another
/// program that truncates or rewrites the file meanwhile then ends the check with SIGBUS or
/// changes text already checked as UTF-8 (undefined behaviour); a map copied before it is read
/// took as long as reading and held the file twice.
fn read(path: &str) -> std::io::Result<Vec<u8>> {
    if path == "-" {
        let mut buffer = Vec::new();
        std::io::stdin().read_to_end(&mut buffer)?;
        return Ok(buffer);
    }
    let mut file = std::fs::File::open(path)?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    // One byte more than the file, so that `read_to_end` sees the end without growing the buffer.
    let mut buffer = Vec::with_capacity(size.saturating_add(1));
    ask_for_huge_pages(&buffer);
    file.read_to_end(&mut buffer)?;
    Ok(buffer)
}

/// Asks Linux to back a large input's buffer with 2 MiB pages where it can.
///
/// Reading 100 MB into fresh memory cost about 25,000 page faults, each a trap into the kernel:
/// with this, the 100 MB Format-List took 274 instead of 310 ms (best of 7 alternating runs, a
/// busy machine) and the 100 MB Exchange 2019 `Format-List *` 189 instead of 241 ms, at the same
/// peak memory: the whole buffer is written by the read anyway. Small inputs are left alone, so a
/// 1 MB check does not grow by a huge page. Without transparent huge pages the advice does nothing.
#[cfg(target_os = "linux")]
fn ask_for_huge_pages(buffer: &Vec<u8>) {
    const HUGE_PAGE: usize = 2 << 20;
    const FROM: usize = 16 * HUGE_PAGE;
    if buffer.capacity() < FROM {
        return;
    }
    // Only the whole huge pages inside the buffer: madvise takes page-aligned ranges.
    let start = buffer.as_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let end = (start + buffer.capacity()) / HUGE_PAGE * HUGE_PAGE;
    // SAFETY: the range lies inside the buffer's allocation, which lives until after the call;
    // MADV_HUGEPAGE changes only how the pages are backed, never their contents, and a refusal
    // (an old kernel, huge pages turned off) is harmless, so its result is not read.
    unsafe {
        libc::madvise(first as *mut libc::c_void, end - first, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn ask_for_huge_pages(_buffer: &Vec<u8>) {}

/// The width to wrap prose to at a terminal: `COLUMNS` when set, else the terminal's own width
/// (on Unix), else none, and the text is not wrapped.
fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<usize>().ok());
    columns.or_else(terminal_columns).filter(|&w| w >= 40).map(|w| w - 1)
}

#[cfg(unix)]
fn terminal_columns() -> Option<usize> {
    let mut size = libc::winsize { ws_row: 0, ws_col: 0, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: TIOCGWINSZ writes one winsize into the struct it is given, which lives on this stack.
    let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
    (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
}

#[cfg(not(unix))]
fn terminal_columns() -> Option<usize> {
    None
}

/// Today's date in UTC from the system clock.
fn system_date() -> Date {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_days((seconds / 86_400) as i64)
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("hybridcheck: {problem}\nRun `hybridcheck --help` for what it takes.");
    ExitCode::from(2)
}
