//! Helpers shared by the hostile-input tests (`mod support;` in a test file): a PowerShell
//! tokenizer written from the language specification, the readings Windows PowerShell 5.1 and
//! PowerShell 7 give a script file's bytes, and the Unicode general categories that decide
//! which characters a printed command may hold.
//!
//! Each test file uses only part of this module, so unused items are allowed here.
#![allow(dead_code)]

pub mod encoding;
pub mod powershell;
pub mod unicode;
