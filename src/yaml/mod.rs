//! The YAML layer: one parser (granit, through serde-saphyr) for spans, typed decoding and
//! lint, with a fast path (`block`) for the subset nearly every file is written in that gives
//! the tree the same events. Kept behind this module so that a swap of YAML crates stays
//! local.

pub mod block;
pub mod de;
pub mod emit;
pub mod scalar;
pub mod tree;

pub use de::{Decoded, Notice, decode};
pub use tree::{Entry, Limits, LoadError, Node, NodeKind, Span, Style, load, load_documents};
