//! Helpers shared by the hostile-input tests (`mod support;` in a test file, and
//! `#[path = "../../tests/support/mod.rs"] mod support;` in the CLI's `cli/tests/hostile.rs`): a
//! PowerShell tokenizer written from the language specification, the readings Windows
//! PowerShell 5.1 and PowerShell 7 give a script file's bytes, the Unicode general categories
//! that decide which characters a printed command may hold, and the harness of issue 12's
//! acceptance suite (the hostile values, the layouts that paste them, reading the report,
//! failures grouped by defect class).
//!
//! Each test file uses only part of this module, so unused items are allowed here.
#![allow(dead_code)]

pub mod encoding;
pub mod failures;
pub mod layouts;
pub mod payloads;
pub mod powershell;
pub mod reports;
pub mod unicode;
