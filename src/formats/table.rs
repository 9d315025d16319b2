//! Placeholder until the parser lands.

use super::Block;
use crate::source::{LineNo, Source};

pub fn parse(_src: &Source, _start: LineNo, _end: LineNo) -> Option<Block> {
    None
}
