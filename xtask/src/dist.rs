//! `cargo xtask dist`: builds `dist/hybridcheck.html`, one self-contained offline page.
//!
//! The steps: cargo builds the wasm, the wasm-bindgen CLI writes the `no-modules` glue, npm
//! binaryen's wasm-opt shrinks the wasm, libdeflate gzips it, the page is assembled from `www/`
//! (see `page.rs`), and Node runs the page's loader to prove that the inlined wasm comes back
//! byte for byte and works, before anything is written to `dist/`. Every setting comes from
//! `wasm-pack.toml`.

use crate::config::{locked_wasm_bindgen_version, Config, Package};
use crate::page::{self, Parts};
use crate::util::{build_date, output, read_text, root, run, target_dir, write_atomically, Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The only wasm-opt xtask runs: npm `binaryen`, installed by `npm ci`.
pub const WASM_OPT: &str = "node_modules/.bin/wasm-opt";

/// Debian's wasm-opt, which breaks the externref table (see `wasm-pack.toml`).
pub const DEBIAN_WASM_OPT: &str = "/usr/bin/wasm-opt";
/// npm terser (pinned in package.json), which shortens the page's scripts.
pub const TERSER: &str = "node_modules/.bin/terser";

/// What `dist` made, for `serve` and `test`.
pub struct Dist {
    pub page: PathBuf,
}

pub fn dist() -> Result<Dist> {
    let config = Config::load()?;
    let package = Package::load()?;
    check_wasm_bindgen_cli()?;
    // The page sources are read first, so that a missing one fails before the slow build.
    let sources = Sources::read(&config)?;
    let wasm = build_wasm(&config)?;
    // 4. The wasm, gzipped: the page's loader gunzips it (`www/wasm-loader.js`).
    let wasm_gzip = gzip_wasm(&wasm.optimized)?;
    let date = build_date()?;
    let built_page = build_page(&config, &sources, &wasm, &wasm_gzip, &date, &package.version)?;
    // 6. Proof that the page's loader gives back the wasm and that it works, before anything is
    // written to dist/.
    verify_in_node(&built_page.core_script, &wasm.optimized, &config)?;
    let (page_path, hash_path, file_hash) = write_page(&config, &built_page)?;
    // 7. Sizes.
    let raw = built_page.html.len();
    let sizes = sizes_text(&config, &built_page, &wasm.optimized, &wasm_gzip)?;
    write_atomically(&root().join(&config.page.sizes), sizes.as_bytes())?;
    println!("\nBuilt {} (version {}, {date})", page_path.display(), package.version);
    print!("{sizes}");
    if raw >= PAGE_GOAL_BYTES {
        println!("NOTE: the page is over its size goal of {PAGE_GOAL_BYTES} bytes (250 KB) raw.");
    }
    println!("Sizes written to {}", config.page.sizes.display());
    println!("SHA-256 of the file: {file_hash} (in {})", hash_path.display());
    print_self_hash(&config, &built_page);
    Ok(Dist { page: page_path })
}

/// The page's sources in `www/`, as written (the scripts with their comments).
struct Sources {
    template: String,
    style: String,
    loader: String,
    app: String,
}

impl Sources {
    fn read(config: &Config) -> Result<Sources> {
        let root = root();
        Ok(Sources {
            template: read_text(&root.join(&config.page.template))?,
            style: read_text(&root.join(&config.page.style))?,
            loader: read_text(&root.join(&config.page.loader))?,
            app: read_text(&root.join(&config.page.script))?,
        })
    }
}

/// What the wasm build made: the wasm-bindgen glue's path and the optimised wasm.
struct Wasm {
    glue_path: PathBuf,
    optimized: Vec<u8>,
}

/// Steps 1 to 3: cargo builds the wasm, the wasm-bindgen CLI writes the glue and the wasm it
/// expects, and npm binaryen's wasm-opt optimises that wasm.
fn build_wasm(config: &Config) -> Result<Wasm> {
    let root = root();
    // 1. The wasm, built by cargo.
    let profile = &config.cargo.profile;
    run(Command::new("cargo")
        .args(["build", "-p", &config.cargo.package])
        .args(["--target", "wasm32-unknown-unknown", "--lib", "--locked", "--profile"])
        .arg(profile))?;
    let profile_dir = if profile == "dev" { "debug" } else { profile };
    let built = target_dir().join("wasm32-unknown-unknown").join(profile_dir).join(config.cargo.wasm_file());

    // 2. The glue and the wasm it expects, from the wasm-bindgen CLI.
    let bindgen_dir = root.join(&config.wasm_bindgen.out_dir);
    run(Command::new("wasm-bindgen")
        .args(["--target", &config.wasm_bindgen.target])
        .args(["--out-name", &config.wasm_bindgen.out_name])
        .args(&config.wasm_bindgen.flags)
        .arg("--out-dir")
        .arg(&bindgen_dir)
        .arg(&built))?;
    let stem = &config.wasm_bindgen.out_name;
    let glue_path = bindgen_dir.join(format!("{stem}.js"));
    let bindgen_wasm = bindgen_dir.join(format!("{stem}_bg.wasm"));

    // 3. The optimised wasm, from npm binaryen's wasm-opt.
    let optimized = root.join(&config.wasm_opt.output);
    if let Some(dir) = optimized.parent() {
        std::fs::create_dir_all(dir).context(format!("cannot create {}", dir.display()))?;
    }
    run(Command::new(wasm_opt()?).args(&config.wasm_opt.args).arg(&bindgen_wasm).arg("-o").arg(&optimized))?;
    let wasm = std::fs::read(&optimized).context(format!("cannot read {}", optimized.display()))?;
    Ok(Wasm { glue_path, optimized: wasm })
}

/// Step 5: the page, with its scripts shortened: the size goal is 250 KB, and the comments stay
/// in `www/`.
fn build_page(
    config: &Config,
    sources: &Sources,
    wasm: &Wasm,
    wasm_gzip: &[u8],
    date: &str,
    version: &str,
) -> Result<page::Page> {
    let glue = minify("the wasm-bindgen glue", &read_text(&wasm.glue_path)?)?;
    let loader = minify(&config.page.loader.display().to_string(), &sources.loader)?;
    let app = minify(&config.page.script.display().to_string(), &sources.app)?;
    page::assemble(&Parts {
        template: &sources.template,
        style: &sources.style,
        glue: &glue,
        wasm_gzip,
        date,
        version,
        loader: &loader,
        app: &app,
        csp_directives: &config.csp.directives,
    })
    .context(format!("cannot assemble the page from {}", config.page.template.display()))
}

/// Writes the page and its `.sha256` file; returns their paths and the page's SHA-256.
fn write_page(config: &Config, built_page: &page::Page) -> Result<(PathBuf, PathBuf, String)> {
    let page_path = root().join(&config.page.output);
    write_atomically(&page_path, built_page.html.as_bytes())?;
    let file_hash = page::sha256_hex(built_page.html.as_bytes());
    let file_name = page_path.file_name().unwrap().to_string_lossy();
    let hash_path = page_path.with_file_name(format!("{file_name}.sha256"));
    write_atomically(&hash_path, format!("{file_hash}  {file_name}\n").as_bytes())?;
    Ok((page_path, hash_path, file_hash))
}

/// The sizes of the page and of the wasm, as `sizes.txt` records them.
fn sizes_text(config: &Config, built_page: &page::Page, wasm: &[u8], wasm_gzip: &[u8]) -> Result<String> {
    let raw = built_page.html.len();
    let gzip = gzip_size(built_page.html.as_bytes())?;
    Ok(format!(
        "page {}: {raw} bytes raw, {gzip} bytes gzip -9\n\
         wasm {}: {} bytes raw, {} bytes gzip (libdeflate level {GZIP_LEVEL}), {} bytes as text in the page\n",
        config.page.output.display(),
        config.wasm_opt.output.display(),
        wasm.len(),
        wasm_gzip.len(),
        built_page.wasm_text_len,
    ))
}

/// The hash the page shows about itself, and how to check a copy against it.
fn print_self_hash(config: &Config, built_page: &page::Page) {
    println!("Hash shown in the page: {}", built_page.self_hash);
    println!(
        "  It is the SHA-256 of the page with that hash replaced by 64 zeros. To verify a copy:\n  sed 's/{}/{}/' {} | sha256sum",
        built_page.self_hash,
        page::HASH_PLACEHOLDER,
        config.page.output.display()
    );
}

/// Fails early, with the fix, when the wasm-bindgen CLI is missing or not Cargo.lock's version.
fn check_wasm_bindgen_cli() -> Result<()> {
    let wanted = locked_wasm_bindgen_version()?;
    let found = output(Command::new("wasm-bindgen").arg("--version"));
    match found.as_deref().map(str::trim) {
        Some(line) if line == format!("wasm-bindgen {wanted}") => Ok(()),
        Some(line) => Err(format!(
            "`wasm-bindgen --version` says `{line}`, but Cargo.lock wants {wanted}; run `cargo xtask setup`"
        )),
        None => Err("the wasm-bindgen CLI is not on PATH; run `cargo xtask setup`".into()),
    }
}

/// The path of npm binaryen's wasm-opt, refusing anything that leads to Debian's.
pub fn wasm_opt() -> Result<PathBuf> {
    let path = root().join(WASM_OPT);
    let real = path
        .canonicalize()
        .map_err(|_| format!("{WASM_OPT} is missing; run `cargo xtask setup` (it runs `npm ci`)"))?;
    if real == Path::new(DEBIAN_WASM_OPT) || real.starts_with("/usr/bin") {
        return Err(format!("{WASM_OPT} leads to {}; use npm binaryen, never Debian's wasm-opt", real.display()));
    }
    Ok(path)
}

/// The page's size goal: 250 KB (250,000 bytes) raw, to mail and open anywhere. Going over it is reported, not refused.
const PAGE_GOAL_BYTES: usize = 250_000;

/// The libdeflate compression level of the inlined wasm: 12, its best. On this wasm it gives
/// about 4 % less than zlib's (or flate2's) best, level 9, in a tenth of a second even in xtask's
/// debug build; zopfli gives 0.5 % less again but takes 9 s there. A raw deflate stream would be
/// 18 bytes shorter, but gzip's CRC-32 lets the page tell a damaged copy from a working one.
const GZIP_LEVEL: i32 = 12;

/// The wasm as one gzip member.
fn gzip_wasm(wasm: &[u8]) -> Result<Vec<u8>> {
    let level = libdeflater::CompressionLvl::new(GZIP_LEVEL).map_err(|err| format!("libdeflate level: {err:?}"))?;
    let mut compressor = libdeflater::Compressor::new(level);
    let mut out = vec![0; compressor.gzip_compress_bound(wasm.len())];
    let len = compressor.gzip_compress(wasm, &mut out).map_err(|err| format!("cannot gzip the wasm: {err:?}"))?;
    out.truncate(len);
    Ok(out)
}

/// Runs the page's script up to the app script in Node, the way the page starts: the loader must
/// turn the inlined text back into exactly the optimised wasm (its own gunzip, as in a browser),
/// the glue must instantiate it (which fails when
/// wasm-opt broke the externref table), and `check(example())` must report.
fn verify_in_node(core_script: &str, wasm: &[u8], config: &Config) -> Result<()> {
    const CHECK: &str = r#"
(async () => {
  const problems = [];
  const bytes = hybridcheckWasmBytes();
  const sha = require("node:crypto").createHash("sha256").update(bytes).digest("hex");
  if (bytes.length !== WANT_LENGTH || sha !== WANT_SHA256) {
    problems.push(`the loader gave ${bytes.length} bytes with SHA-256 ${sha}, not the ${WANT_LENGTH} bytes of the wasm`);
  }
  const tables = WebAssembly.Module.exports(new WebAssembly.Module(bytes)).filter((e) => e.kind === "table");
  const checker = hybridcheckStartNow();
  const started = await hybridcheckStart();
  if (started !== checker) problems.push("hybridcheckStart() did not give the checker");
  const checked = checker.check(checker.example());
  if (checked.report.schema !== checker.version().schema) problems.push("check() returned no report");
  if (!(checked.report.findings.length > 0)) problems.push("the example gave no findings");
  if (typeof checked.script !== "string" || typeof checked.markdown !== "string") problems.push("no script or markdown");
  if (problems.length) { console.error(problems.join("; ")); process.exit(1); }
  console.log(`Node: the inlined wasm comes back byte for byte and loads (${tables.length} exported table(s)); check(example()) gave ${checked.report.findings.length} findings.`);
})().catch((e) => { console.error(e); process.exit(1); });
"#;
    let want = format!("const WANT_LENGTH = {};\nconst WANT_SHA256 = \"{}\";\n", wasm.len(), page::sha256_hex(wasm));
    let script_path = root().join(&config.wasm_bindgen.out_dir).join("verify-page-core.js");
    write_atomically(&script_path, format!("{core_script}\n{want}{CHECK}").as_bytes())?;
    run(Command::new("node").arg(&script_path)).context("the inlined wasm does not work in Node")
}

/// The script as terser writes it (`--compress --mangle`, ASCII only): local names shortened, dead code and
/// comments gone. Top-level names stay (a classic script's top level is global), so the glue's
/// `wasm_bindgen` and the loader's functions keep their names.
fn minify(what: &str, script: &str) -> Result<String> {
    let terser = root().join(TERSER);
    if !terser.exists() {
        return Err(format!("{} is missing: run `npm ci` (or `cargo xtask setup`)", terser.display()));
    }
    let out = filter(
        Command::new(&terser).args(["--compress", "--mangle", "--format", "ascii_only=true"]),
        script.as_bytes(),
    )
    .map_err(|err| format!("terser could not read {what}: {err}"))?;
    String::from_utf8(out).map_err(|_| format!("terser wrote {what} as something other than UTF-8"))
}

/// The size of the page after `gzip -9`, as a web server or a mail attachment would send it.
fn gzip_size(bytes: &[u8]) -> Result<usize> {
    Ok(filter(Command::new("gzip").args(["-9", "-c"]), bytes)?.len())
}

/// What a command writes on its standard output for `input` on its standard input.
fn filter(command: &mut Command, input: &[u8]) -> Result<Vec<u8>> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child =
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().context(format!("cannot start {program}"))?;
    // Feed stdin from a thread, so that a full stdout pipe cannot deadlock the two.
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().context(format!("{program} failed"))?;
    feeder.join().expect("the feeder thread panicked").context(format!("cannot write to {program}"))?;
    if !out.status.success() {
        return Err(format!("{program} failed ({})", out.status));
    }
    Ok(out.stdout)
}
