//! The wasm boundary: every `#[wasm_bindgen]` item of the checker, and nothing else.
//!
//! Each export converts its arguments, calls the core (the `hybridcheck` crate) and converts the
//! result. Reports cross as plain objects (maps as objects, missing values as `null`) so that
//! `JSON.stringify` gives the same JSON as the CLI's `--format json`. The crate is empty on
//! other targets than wasm32.
#![cfg(target_arch = "wasm32")]

use hybridcheck::report::{markdown, ps1, Report};
use hybridcheck::{Input, InputData};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The one serializer configuration of the boundary.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true);

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    value.serialize(&SERIALIZER).map_err(into_error)
}

/// The one error conversion of the boundary.
fn into_error<E: std::fmt::Display>(err: E) -> JsError {
    JsError::new(&err.to_string())
}

#[wasm_bindgen(start)]
fn start() {
    // A panic becomes a trap; the hook writes its message to the console first.
    console_error_panic_hook::set_once();
}

/// What the page shows for one input: the report, the fix script and Markdown rendered from it,
/// and the line that says when, by what and from which inputs it was made (the printed header).
#[derive(Serialize)]
struct Checked<'a> {
    report: &'a Report,
    script: String,
    markdown: String,
    header: String,
}

fn checked(report: &Report) -> Result<JsValue, JsError> {
    to_js(&Checked {
        report,
        script: ps1::render(report),
        markdown: markdown::render(report),
        header: hybridcheck::report::checked_line(report),
    })
}

/// The options for a check: `today` is the browser's date as `YYYY-MM-DD`; without it,
/// certificate lifetimes are not judged.
fn options(today: Option<String>, example: bool) -> Result<hybridcheck::Options, JsError> {
    let today = match today.as_deref() {
        None | Some("") => None,
        Some(text) => Some(
            hybridcheck::Date::parse_iso(text)
                .ok_or_else(|| into_error(format!("today must be YYYY-MM-DD, not {text}")))?,
        ),
    };
    Ok(hybridcheck::Options { today, example })
}

/// Checks pasted text.
#[wasm_bindgen]
pub fn check(text: &str, today: Option<String>) -> Result<JsValue, JsError> {
    checked(&hybridcheck::check_with(
        vec![Input { name: "paste", data: InputData::Text(text) }],
        &options(today, false)?,
    ))
}

/// Checks the built-in example: the report says it is the example (`example: true`), and so do
/// its verdict, its Markdown and its script, which refuses to run.
#[wasm_bindgen(js_name = checkExample)]
pub fn check_example(today: Option<String>) -> Result<JsValue, JsError> {
    let input = Input { name: "built-in example", data: InputData::Text(hybridcheck::EXAMPLE) };
    checked(&hybridcheck::check_with(vec![input], &options(today, true)?))
}

/// Checks a file's bytes (UTF-16 and the other encodings are decoded by the core).
#[wasm_bindgen(js_name = checkBytes)]
pub fn check_bytes(bytes: &[u8], name: &str, today: Option<String>) -> Result<JsValue, JsError> {
    checked(&hybridcheck::check_with(
        vec![Input { name, data: InputData::Bytes(bytes.into()) }],
        &options(today, false)?,
    ))
}

/// Text as the page may show it: hidden characters (controls, bidirectional overrides, ...)
/// written as `\u{…}`, by the same rule as the CLI's output (see `hidden`).
#[wasm_bindgen(js_name = shownText)]
pub fn shown_text(text: &str) -> String {
    hybridcheck::escape(text).into_owned()
}

/// The built-in example transcript.
#[wasm_bindgen]
pub fn example() -> String {
    hybridcheck::EXAMPLE.to_owned()
}

#[derive(Serialize)]
struct Version {
    version: &'static str,
    schema: &'static str,
    data_as_of: &'static str,
}

/// The checker's version, report schema and the date of its built-in data.
#[wasm_bindgen]
pub fn version() -> Result<JsValue, JsError> {
    to_js(&Version {
        version: hybridcheck::VERSION,
        schema: hybridcheck::report::SCHEMA,
        data_as_of: hybridcheck::DATA_AS_OF,
    })
}

/// The commands to run, one part per side (`on-premises`, `each-server`, `exchange-online`): the
/// same commands as the CLI's `--help`.
#[wasm_bindgen]
pub fn collector() -> Result<JsValue, JsError> {
    to_js(&hybridcheck::collector())
}

/// The rule catalog, for the page's explanations.
#[wasm_bindgen]
pub fn rules() -> Result<JsValue, JsError> {
    to_js(&hybridcheck::catalog().collect::<Vec<_>>())
}
