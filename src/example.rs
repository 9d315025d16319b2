//! The built-in example: a console transcript with two affected receive connectors, one fixed
//! and one without hybrid entries, as `hybridcheck --example` and the page's first view show.

/// The example transcript.
pub const TRANSCRIPT: &str = include_str!("example/transcript.txt");
