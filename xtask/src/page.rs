//! Assembles the single-file page from the template, the style, the glue, the wasm, the loader
//! and the app script, and stamps the page with its own SHA-256.
//!
//! The wasm goes in gzip-compressed and written as text ([`wasm_text`]): the page's loader
//! gunzips it (see `www/wasm-loader.js`).
//!
//! Every substitution is a literal splice at a position found once: the glue and the wasm's text
//! are never passed through a pattern language, so no `$&` or backslash in them can change the output.

use crate::config::{SCRIPT_HASH, STYLE_HASH};
use crate::util::Result;
use base64::Engine as _;
use sha2::{Digest, Sha256};

pub const CSP_MARKER: &str = "<!--HYBRIDCHECK:CSP-->";
pub const STYLE_MARKER: &str = "<!--HYBRIDCHECK:STYLE-->";
pub const SCRIPT_MARKER: &str = "<!--HYBRIDCHECK:SCRIPT-->";

/// The placeholder for the page's own SHA-256: 64 zeros, the length of a hex SHA-256.
pub const HASH_PLACEHOLDER: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What goes into the page besides the template.
pub struct Parts<'a> {
    pub template: &'a str,
    pub style: &'a str,
    /// The wasm-bindgen `no-modules` glue.
    pub glue: &'a str,
    /// The optimised wasm, gzip-compressed (one gzip member, nothing after it).
    pub wasm_gzip: &'a [u8],
    /// The build date, `YYYY-MM-DD` (UTC).
    pub date: &'a str,
    /// The crate version.
    pub version: &'a str,
    /// Turns `HYBRIDCHECK_WASM` back into the wasm and starts it (`www/wasm-loader.js`).
    pub loader: &'a str,
    pub app: &'a str,
    /// The CSP directives with the `{script}` and `{style}` placeholders.
    pub csp_directives: &'a [String],
}

/// The assembled page, and what it is made of.
pub struct Page {
    pub html: String,
    /// The page's own SHA-256 (hex), as written into it; see [`stamp`].
    pub self_hash: String,
    /// The text of the `<script>` up to the app script: the glue, the two variables and the
    /// loader. `cargo xtask dist` runs it in Node before it writes the page.
    pub core_script: String,
    /// The length of the wasm's text in the page.
    pub wasm_text_len: usize,
}

/// Builds the page with its own SHA-256 in place of the 64 zeros.
pub fn assemble(parts: &Parts) -> Result<Page> {
    let style = trim_css(&normalize(parts.style));
    let wasm = wasm_text(parts.wasm_gzip);
    let core_script = format!(
        "{glue}\nvar HYBRIDCHECK_WASM = {{\"gzip_bytes\": {len}, \"text\": \"{wasm}\"}};\nvar HYBRIDCHECK_BUILD = {{\"date\": \"{date}\", \"version\": \"{version}\"}};\n{loader}\n",
        glue = normalize(parts.glue).trim_end(),
        len = parts.wasm_gzip.len(),
        date = parts.date,
        version = parts.version,
        loader = normalize(parts.loader).trim_end(),
    );
    // The scripts come shortened by terser (`cargo xtask dist`), which leaves nothing to trim.
    let script = format!("{core_script}{}", normalize(parts.app).trim_end());
    refuse_in("the style", &style, &["</style"])?;
    refuse_in("the script", &script, &["</script", "<!--"])?;

    let policy = parts
        .csp_directives
        .join("; ")
        .replace(SCRIPT_HASH, &hash_source(&script))
        .replace(STYLE_HASH, &hash_source(&style));
    let csp = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\">");

    let template = normalize(parts.template);
    let mut splices = vec![
        (find_once(&template, CSP_MARKER)?, CSP_MARKER, csp),
        (find_once(&template, STYLE_MARKER)?, STYLE_MARKER, format!("<style>{style}</style>")),
        (find_once(&template, SCRIPT_MARKER)?, SCRIPT_MARKER, format!("<script>{script}</script>")),
    ];
    find_once(&template, HASH_PLACEHOLDER)?;
    splices.sort_by_key(|(at, _, _)| *at);
    if splices[0].1 != CSP_MARKER {
        // A meta CSP only applies to what follows it.
        return Err(format!("{CSP_MARKER} must come before the style and the script in the template"));
    }
    let mut html = String::with_capacity(template.len() + splices.iter().map(|s| s.2.len()).sum::<usize>());
    let mut copied = 0;
    for (at, marker, replacement) in &splices {
        html.push_str(&template[copied..*at]);
        html.push_str(replacement);
        copied = at + marker.len();
    }
    html.push_str(&template[copied..]);

    if let Some(at) = html.find(|c: char| !c.is_ascii()) {
        let line = html[..at].matches('\n').count() + 1;
        return Err(format!(
            "the page is not pure ASCII (line {line} of the output has {:?}); the page sources must be ASCII-only",
            html[at..].chars().next().unwrap()
        ));
    }
    // The zeros were found once in the template; the inlined texts must not add another copy.
    find_once(&html, HASH_PLACEHOLDER)?;
    let (html, self_hash) = stamp(&html);
    Ok(Page { html, self_hash, core_script, wasm_text_len: wasm.len() })
}

/// The 91 characters of the wasm's text: printable ASCII from `!` to `~` except `"`, `<` and
/// `\`, so that the text can neither end its string literal nor its `<script>`.
/// `www/wasm-loader.js` builds the same list.
pub fn wasm_text_alphabet() -> Vec<u8> {
    (b'!'..=b'~').filter(|c| !matches!(c, b'"' | b'<' | b'\\')).collect()
}

/// Bytes as ASCII text, 13 bits to a pair of characters (91 x 91 = 8281 >= 2^13): 1.23 characters
/// a byte, where base64 needs 1.33. The bits are read most significant first; the last pair is
/// padded with zero bits, so the reader needs the byte count.
pub fn wasm_text(bytes: &[u8]) -> String {
    let alphabet = wasm_text_alphabet();
    let mut text = String::with_capacity(bytes.len() * 16 / 13 + 2);
    let mut pair = |value: u32| {
        text.push(alphabet[(value / 91) as usize] as char);
        text.push(alphabet[(value % 91) as usize] as char);
    };
    let (mut acc, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        acc = (acc << 8) | u32::from(byte);
        bits += 8;
        if bits >= 13 {
            bits -= 13;
            pair((acc >> bits) & 0x1fff);
            acc &= (1 << bits) - 1;
        }
    }
    if bits > 0 {
        pair((acc << (13 - bits)) & 0x1fff);
    }
    text
}

/// Writes the page's own SHA-256 into it.
///
/// A file cannot contain its own hash, so the hash shown in the page is defined as the SHA-256
/// of the page with that hash replaced by 64 zeros. To verify a copy of the page: replace the
/// 64-hex hash it shows with 64 zeros, and the SHA-256 of the result must equal the hash shown.
/// (The `.sha256` file next to the page holds the SHA-256 of the final file, as `sha256sum` prints.)
pub fn stamp(html_with_zeros: &str) -> (String, String) {
    let hash = sha256_hex(html_with_zeros.as_bytes());
    (html_with_zeros.replacen(HASH_PLACEHOLDER, &hash, 1), hash)
}

/// The hex SHA-256 of some bytes, as `sha256sum` prints it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The CSP source that allows exactly this inline text: `'sha256-<base64>'`.
fn hash_source(text: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

/// The style without its comments, indentation and blank lines: one rule or declaration to a
/// line, as written. Comments are found outside quoted strings only.
fn trim_css(css: &str) -> String {
    let mut bare = String::with_capacity(css.len());
    let mut rest = css;
    let mut quote: Option<char> = None;
    while let Some(c) = rest.chars().next() {
        if quote.is_none() && rest.starts_with("/*") {
            // An unclosed comment runs to the end, as in a browser.
            rest = rest[2..].find("*/").map_or("", |end| &rest[2 + end + 2..]);
            continue;
        }
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            _ => {}
        }
        bare.push(c);
        rest = &rest[c.len_utf8()..];
    }
    keep_lines(&bare, |line| !line.is_empty())
}

/// The lines `keep` says yes to, each trimmed, joined with LF.
fn keep_lines(text: &str, mut keep: impl FnMut(&str) -> bool) -> String {
    text.lines().map(str::trim).filter(|line| keep(line)).collect::<Vec<_>>().join("\n")
}

/// Turns CRLF and lone CR into LF. The HTML parser does the same before the browser hashes an
/// inline script or style, so the CSP hashes must be taken over LF-only text.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// The byte position of `needle`, which must occur exactly once.
fn find_once(haystack: &str, needle: &str) -> Result<usize> {
    match haystack.match_indices(needle).map(|(at, _)| at).collect::<Vec<_>>().as_slice() {
        [at] => Ok(*at),
        [] => Err(format!("the template has no {needle}")),
        many => Err(format!("{needle} occurs {} times in the page; it must occur exactly once", many.len())),
    }
}

/// Refuses inlined text that would end its element early (or start an HTML comment in a script).
fn refuse_in(what: &str, text: &str, forbidden: &[&str]) -> Result<()> {
    let lower = text.to_ascii_lowercase();
    for needle in forbidden {
        if let Some(at) = lower.find(needle) {
            let line = text[..at].matches('\n').count() + 1;
            return Err(format!("{what} contains `{needle}` (line {line} of the inlined text); it cannot be inlined"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<!doctype html><html><head><!--HYBRIDCHECK:CSP--><!--HYBRIDCHECK:STYLE--></head>\n<body><code>0000000000000000000000000000000000000000000000000000000000000000</code><!--HYBRIDCHECK:SCRIPT--></body></html>\n";

    fn directives() -> Vec<String> {
        vec!["script-src {script}".into(), "style-src {style}".into()]
    }

    fn parts<'a>(template: &'a str, glue: &'a str, app: &'a str, directives: &'a [String]) -> Parts<'a> {
        Parts {
            template,
            style: "body{color:red}",
            glue,
            wasm_gzip: b"\0asm",
            date: "2026-11-28",
            version: "0.1.0",
            loader: "load();",
            app,
            csp_directives: directives,
        }
    }

    #[test]
    fn assembles_and_stamps() {
        let d = directives();
        let page = assemble(&parts(TEMPLATE, "let wasm_bindgen = 1; // $& $1 \\", "go();", &d)).unwrap();
        assert!(page.html.contains("<style>body{color:red}</style>"));
        let script = format!(
            "let wasm_bindgen = 1; // $& $1 \\\nvar HYBRIDCHECK_WASM = {{\"gzip_bytes\": 4, \"text\": \"{}\"}};\nvar HYBRIDCHECK_BUILD = {{\"date\": \"2026-11-28\", \"version\": \"0.1.0\"}};\nload();\ngo();",
            wasm_text(b"\0asm")
        );
        let script = script.as_str();
        assert!(page.html.contains(&format!("<script>{script}</script>")));
        assert!(page.html.contains(&hash_source(script)));
        assert!(page.html.contains(&hash_source("body{color:red}")));
        // The stamped hash is the SHA-256 of the page with the hash turned back into zeros.
        assert!(!page.html.contains(HASH_PLACEHOLDER));
        let unstamped = page.html.replace(&page.self_hash, HASH_PLACEHOLDER);
        assert_eq!(sha256_hex(unstamped.as_bytes()), page.self_hash);
    }

    #[test]
    fn refuses_bad_inputs() {
        let d = directives();
        let err = |template: &str, glue: &str, app: &str| assemble(&parts(template, glue, app, &d)).err().unwrap();
        assert!(err(TEMPLATE, "x", "'</SCRIPT>'").contains("</script"));
        assert!(err(&TEMPLATE.replace(STYLE_MARKER, ""), "x", "").contains("no <!--HYBRIDCHECK:STYLE-->"));
        assert!(err(&TEMPLATE.replace("</body>", "<!--HYBRIDCHECK:SCRIPT--></body>"), "x", "").contains("2 times"));
        assert!(err(TEMPLATE, "x", "var s = '\u{e9}';").contains("ASCII"));
        assert!(err(TEMPLATE, "x", &format!("var z = '{HASH_PLACEHOLDER}';")).contains("2 times"));
        let late_csp = TEMPLATE.replace(CSP_MARKER, "").replace("</body>", "<!--HYBRIDCHECK:CSP--></body>");
        assert!(err(&late_csp, "x", "").contains("must come before"));
    }

    /// The reader of `www/wasm-loader.js`, in Rust.
    fn read_wasm_text(text: &str, len: usize) -> Vec<u8> {
        let alphabet = wasm_text_alphabet();
        let value = |c: u8| alphabet.iter().position(|&a| a == c).unwrap() as u32;
        let (mut acc, mut bits, mut out) = (0u32, 0u32, Vec::new());
        for pair in text.as_bytes().chunks(2) {
            acc = (acc << 13) | (value(pair[0]) * 91 + value(pair[1]));
            bits += 13;
            while bits >= 8 && out.len() < len {
                bits -= 8;
                out.push((acc >> bits) as u8);
            }
            acc &= (1 << bits) - 1;
        }
        out
    }

    #[test]
    fn wasm_text_reads_back_and_is_safe_in_a_script() {
        let alphabet = wasm_text_alphabet();
        assert_eq!(alphabet.len(), 91);
        assert!(!alphabet.iter().any(|c| b"\"<\\ ".contains(c)));
        let mut bytes: Vec<u8> = (0..=255).collect();
        bytes.extend((0..5000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        for len in 0..40 {
            let text = wasm_text(&bytes[..len]);
            assert_eq!(text.len(), (len * 8).div_ceil(13) * 2);
            assert_eq!(read_wasm_text(&text, len), &bytes[..len], "length {len}");
        }
        let text = wasm_text(&bytes);
        assert_eq!(read_wasm_text(&text, bytes.len()), bytes);
        assert!(text.bytes().all(|c| alphabet.contains(&c)));
        // 16 one bits: 8191 = 90 * 91 + 1, then 0b111 padded to 7168 = 78 * 91 + 70.
        assert_eq!(wasm_text(&[0xff, 0xff]), "~#rj");
    }

    #[test]
    fn trims_css_but_not_strings() {
        let css =
            "/* head */\n:root {\n  --mono: \"a/*b*/\", x;  /* tail */\n}\n\n@media (x) {\n  a { b: c }\n}\n/* open";
        assert_eq!(trim_css(css), ":root {\n--mono: \"a/*b*/\", x;\n}\n@media (x) {\na { b: c }\n}");
    }

    #[test]
    fn line_ends_are_normalized_before_hashing() {
        let d = directives();
        let page = assemble(&parts(TEMPLATE, "a\r\nb\rc", "", &d)).unwrap();
        assert!(page.html.contains("<script>a\nb\nc\n"));
        assert!(!page.html.contains('\r'));
    }
}
