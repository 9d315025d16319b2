#![cfg(target_arch = "wasm32")]
//! The wasm boundary (`wasm/src/lib.rs`) as JavaScript sees it, run in Node by wasm-bindgen-test-runner.
//!
//! `tests/web.rs` runs these same tests again in headless Chromium. Run both with
//! `cargo xtask test`, or alone with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p hybridcheck-wasm --target wasm32-unknown-unknown --test node`.

use hybridcheck_wasm as wasm;
use js_sys::{Array, Map, Object, Reflect};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const RULE: &str = "legacy-exo-tls-capability";

/// One affected Receive connector, as `Format-List` prints it.
const AFFECTED: &str = "\
Identity              : EX01\\Default Frontend EX01
TransportRole         : FrontendTransport
TlsDomainCapabilities : {<I>CN=MSIT Machine Auth CA 2, DC=redmond, DC=corp, DC=microsoft, DC=com<S>CN=mail.protection.outlook.com, OU=Forefront Online Protection for Exchange, O=Microsoft, L=Redmond, S=WA, C=US:AcceptCloudServicesMail}
TlsCertificateName    : <I>CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US<S>CN=mail.contoso.com, O=Contoso Ltd, L=Seattle, S=Washington, C=US
";

/// A property of a JS object.
fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("cannot read .{key}"))
}

/// What `JSON.stringify` makes of a value, parsed back: exactly what a page would see.
fn json(value: &JsValue) -> Value {
    let text: String = js_sys::JSON::stringify(value).expect("JSON.stringify failed").into();
    serde_json::from_str(&text).expect("JSON.stringify gave invalid JSON")
}

fn check_example() -> JsValue {
    wasm::check(&wasm::example(), None).expect("check(example()) threw")
}

#[wasm_bindgen_test]
fn check_of_the_example_reports_both_affected_connectors() {
    let report = json(&get(&check_example(), "report"));
    assert_eq!(report["schema"], "hybridcheck/1");
    let findings = report["findings"].as_array().expect("findings is an array");
    assert_eq!(findings.iter().filter(|f| f["rule"] == RULE).count(), 2, "{findings:#?}");
}

#[wasm_bindgen_test]
fn maps_cross_as_plain_objects() {
    let summary_findings = get(&get(&get(&check_example(), "report"), "summary"), "findings");
    // A JS Map would pass `is_object` too, but `JSON.stringify` turns a Map into `{}`.
    assert!(!summary_findings.is_instance_of::<Map>(), "summary.findings is a Map");
    assert!(summary_findings.is_object());
    let keys: Vec<String> =
        Object::keys(summary_findings.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect();
    assert_eq!(keys, ["error", "info", "warning"]);
    let counts = json(&summary_findings);
    assert!(keys.iter().all(|k| counts[k].is_u64()), "{counts}");
}

#[wasm_bindgen_test]
fn the_report_is_the_same_json_as_the_cli_writes() {
    let from_js = json(&get(&check_example(), "report"));
    let from_rust = serde_json::to_value(hybridcheck::check_text(&wasm::example())).unwrap();
    assert_eq!(from_js, from_rust);
}

#[wasm_bindgen_test]
fn check_returns_the_fix_script_and_markdown() {
    let checked = check_example();
    let script = get(&checked, "script").as_string().expect("script is a string");
    assert!(script.contains("Set-ReceiveConnector"), "{script}");
    let markdown = get(&checked, "markdown").as_string().expect("markdown is a string");
    assert!(markdown.contains(RULE), "{markdown}");
}

#[wasm_bindgen_test]
fn check_bytes_decodes_utf16le_with_a_bom() {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(AFFECTED.replace('\n', "\r\n").encode_utf16().flat_map(u16::to_le_bytes));
    let report = json(&get(&wasm::check_bytes(&bytes, "redirected.txt", None).expect("checkBytes threw"), "report"));
    assert_eq!(report["inputs"][0]["name"], "redirected.txt");
    assert_eq!(report["inputs"][0]["encoding"], "utf-16le-bom");
    let findings: Vec<&Value> = report["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == RULE).collect();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    assert_eq!(findings[0]["identity"], "EX01\\Default Frontend EX01");
}

#[wasm_bindgen_test]
fn check_bytes_of_random_bytes_says_nothing_was_recognised() {
    // A fixed xorshift sequence: random-looking, and the same on every run.
    let mut state: u32 = 0x2545_F491;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let report = json(&get(&wasm::check_bytes(&bytes, "noise.bin", None).expect("checkBytes threw"), "report"));
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    let codes: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().filter_map(|d| d["code"].as_str()).collect();
    assert!(codes.contains(&"no-recognized-input"), "{codes:?}");
}

#[wasm_bindgen_test]
fn today_is_checked_and_an_invalid_one_throws() {
    let report = json(&get(&wasm::check(&wasm::example(), Some("2026-11-28".into())).expect("check threw"), "report"));
    assert_eq!(report["schema"], "hybridcheck/1");
    assert!(wasm::check(&wasm::example(), Some("28.11.2026".into())).is_err());
    // An empty string is what a page without a date would pass; it means "no date".
    assert!(wasm::check(&wasm::example(), Some(String::new())).is_ok());
}

#[wasm_bindgen_test]
fn version_names_the_schema() {
    let version = json(&wasm::version().expect("version() threw"));
    assert_eq!(version["schema"], "hybridcheck/1");
    assert_eq!(version["version"], hybridcheck::VERSION);
    assert!(version["data_as_of"].is_string());
}

#[wasm_bindgen_test]
fn rules_is_a_non_empty_array() {
    let rules = wasm::rules().expect("rules() threw");
    assert!(Array::is_array(&rules), "rules() is not an array");
    let rules = json(&rules);
    let rules = rules.as_array().unwrap();
    assert!(!rules.is_empty());
    assert!(rules.iter().any(|r| r["id"] == RULE), "{rules:#?}");
}
