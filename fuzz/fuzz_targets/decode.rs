//! Decoding never panics, and the source made of its text never holds a lone CR (every `\r`
//! is followed by `\n`).
#![no_main]
use libfuzzer_sys::fuzz_target;

fn no_lone_cr(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().all(|(i, &b)| b != b'\r' || bytes.get(i + 1) == Some(&b'\n'))
}

fuzz_target!(|data: &[u8]| {
    let (text, _) = hybridcheck::internals::decode(data);
    let src = hybridcheck::internals::Source::new(text);
    let bytes = src.text().as_bytes();
    assert!(no_lone_cr(bytes));
});
