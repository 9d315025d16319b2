//! The shell parser, tried at every line as the dispatcher would: it never panics, and
//! every block it returns lies within the lines it was given.
#![no_main]
use hybridcheck::internals::shell;
use hybridcheck::internals::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = Source::new(String::from_utf8_lossy(data).replace('\r', "\n"));
    let last = src.line_count();
    for start in 1..=last.min(64) {
        if let Some(block) = shell::parse(&src, start, last) {
            assert!(block.first_line >= start && block.last_line <= last);
            for (first, end) in &block.understood {
                assert!(*first >= start && first <= end && *end <= last);
            }
        }
    }
});
