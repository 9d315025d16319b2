//! The settings xtask reads: `wasm-pack.toml` (the web build, and which package is the page's
//! wasm), the checker's version from the core's `Cargo.toml`, and the pinned wasm-bindgen version
//! from `Cargo.lock`.

use crate::util::{read_text, root, Context, Result};
use serde::Deserialize;
use std::path::PathBuf;

/// The file that configures the web build. Despite its name, only `cargo xtask dist` reads it.
pub const CONFIG_FILE: &str = "wasm-pack.toml";

/// The placeholders of `csp.directives` that become the hash sources of the inline script and style.
pub const SCRIPT_HASH: &str = "{script}";
pub const STYLE_HASH: &str = "{style}";

/// `wasm-pack.toml`. Unknown keys are errors, so that the file holds nothing that is not used.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    pub cargo: CargoSection,
    pub wasm_bindgen: WasmBindgenSection,
    pub wasm_opt: WasmOptSection,
    pub page: PageSection,
    pub csp: CspSection,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CargoSection {
    /// The package whose library is the page's wasm (`-p`): the wasm boundary, `wasm/`.
    pub package: String,
    /// The cargo profile of the wasm build (`--profile`).
    pub profile: String,
}

impl CargoSection {
    /// The wasm cargo builds for `package` under `target/wasm32-unknown-unknown/<profile>/`
    /// (`-` in the package's name becomes `_`).
    pub fn wasm_file(&self) -> String {
        format!("{}.wasm", self.package.replace('-', "_"))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WasmBindgenSection {
    /// `--target`; the single-file page needs `no-modules` (a classic script).
    pub target: String,
    /// `--out-name`: the stem of the glue (`<out-name>.js`) and of the wasm it expects
    /// (`<out-name>_bg.wasm`), which the glue also names in the wasm's import object.
    pub out_name: String,
    /// Further flags for the wasm-bindgen CLI.
    pub flags: Vec<String>,
    /// Where the glue JS and the unoptimised wasm go (relative to the repository root).
    pub out_dir: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct WasmOptSection {
    /// The arguments of `node_modules/.bin/wasm-opt`, before the input and `-o <output>`.
    pub args: Vec<String>,
    /// The optimised wasm that the page inlines.
    pub output: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PageSection {
    /// The HTML template with the `<!--HYBRIDCHECK:...-->` markers.
    pub template: PathBuf,
    /// Inlined into the one `<style>`.
    pub style: PathBuf,
    /// Follows the glue and the wasm in the one `<script>`: turns the inlined wasm back into bytes
    /// and starts it. `cargo xtask dist` runs it in Node before it writes the page.
    pub loader: PathBuf,
    /// Appended to the one `<script>`, after the loader.
    pub script: PathBuf,
    /// The single-file page; its SHA-256 goes next to it with the extension `.sha256`.
    pub output: PathBuf,
    /// The size report (raw, gzip and wasm bytes).
    pub sizes: PathBuf,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CspSection {
    /// The Content-Security-Policy directives, joined with `; `.
    pub directives: Vec<String>,
}

impl Config {
    /// Reads and checks `wasm-pack.toml` at the repository root.
    pub fn load() -> Result<Config> {
        let path = root().join(CONFIG_FILE);
        Config::parse(&read_text(&path)?).context(path.display())
    }

    /// Parses and checks the text of `wasm-pack.toml`.
    pub fn parse(text: &str) -> Result<Config> {
        let config: Config = toml::from_str(text).map_err(|err| err.to_string().trim_end().to_owned())?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<()> {
        if self.wasm_bindgen.target != "no-modules" {
            return Err(format!(
                "wasm-bindgen.target is \"{}\", but the single-file page inlines a classic script and needs \"no-modules\"",
                self.wasm_bindgen.target
            ));
        }
        let policy = self.csp.directives.join("; ");
        for placeholder in [SCRIPT_HASH, STYLE_HASH] {
            if policy.matches(placeholder).count() != 1 {
                return Err(format!("csp.directives must contain {placeholder} exactly once"));
            }
        }
        for unsafe_source in ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"] {
            if policy.contains(unsafe_source) {
                return Err(format!("csp.directives must not allow {unsafe_source}; the page's inline code is hashed"));
            }
        }
        if policy.contains('"') {
            return Err("csp.directives must not contain a double quote (it goes into an HTML attribute)".into());
        }
        Ok(())
    }
}

/// The core's `[package]` in the root `Cargo.toml`: its version is the checker's, which the page
/// and the report show.
#[derive(Deserialize)]
pub struct Package {
    pub version: String,
}

impl Package {
    /// Reads `[package]` of the root `Cargo.toml`.
    pub fn load() -> Result<Package> {
        #[derive(Deserialize)]
        struct Manifest {
            package: Package,
        }
        let path = root().join("Cargo.toml");
        let manifest: Manifest = toml::from_str(&read_text(&path)?).context(path.display())?;
        Ok(manifest.package)
    }
}

/// The version of the `wasm-bindgen` crate in `Cargo.lock`; the CLI must be exactly this version.
pub fn locked_wasm_bindgen_version() -> Result<String> {
    #[derive(Deserialize)]
    struct Lock {
        package: Vec<Locked>,
    }
    #[derive(Deserialize)]
    struct Locked {
        name: String,
        version: String,
    }
    let path = root().join("Cargo.lock");
    let lock: Lock = toml::from_str(&read_text(&path)?).context(path.display())?;
    let versions: Vec<String> =
        lock.package.into_iter().filter(|p| p.name == "wasm-bindgen").map(|p| p.version).collect();
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => Err("Cargo.lock has no wasm-bindgen package; build the wasm target once to lock it".into()),
        _ => Err(format!("Cargo.lock has several wasm-bindgen versions ({}); keep exactly one", versions.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::Config;

    const GOOD: &str = include_str!("../../wasm-pack.toml");

    #[test]
    fn the_real_file_parses() {
        let config = Config::parse(GOOD).unwrap();
        assert_eq!(config.wasm_bindgen.target, "no-modules");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let text = GOOD.replace("[cargo]\n", "[cargo]\nfeatures = [\"x\"]\n");
        let err = Config::parse(&text).unwrap_err();
        assert!(err.contains("unknown field `features`"), "{err}");
        let err = Config::parse(&format!("{GOOD}\n[extra]\nkey = 1\n")).unwrap_err();
        assert!(err.contains("unknown field `extra`"), "{err}");
    }

    #[test]
    fn unsafe_inline_is_refused() {
        let text = GOOD.replace("{style}", "{style} 'unsafe-inline'");
        assert!(Config::parse(&text).unwrap_err().contains("'unsafe-inline'"));
    }
}
