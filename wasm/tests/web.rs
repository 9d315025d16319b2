#![cfg(target_arch = "wasm32")]
//! The wasm boundary in headless Chromium (through chromedriver and `webdriver.json`): the tests
//! of `tests/node.rs` once more, in the engine the page runs in, and what only a browser has.
//!
//! Run with `cargo xtask test`, or alone with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_WEBDRIVER_JSON=$PWD/wasm/webdriver.json cargo test -p hybridcheck-wasm --target wasm32-unknown-unknown --test web`.

use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// The Node tests, compiled into this browser test binary as well.
#[path = "node.rs"]
mod node;

#[wasm_bindgen_test]
fn runs_in_a_browser_window() {
    let window = web_sys::window().expect("no window: not running in a browser");
    let agent = window.navigator().user_agent().expect("no user agent");
    assert!(agent.contains("Chrome"), "{agent}");
}
