//! Decoding never panics, and always yields text with `\n` line ends only.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = hybridcheck::decode::decode(data);
    assert!(!text.contains('\r'));
});
