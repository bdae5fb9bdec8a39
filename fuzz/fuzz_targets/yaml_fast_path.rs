//! The YAML fast path against the full parser on arbitrary text: where the fast path makes a
//! tree, it is the full parser's, spans included (`tests/yaml_fast_path.rs` on real files).

#![no_main]

use libfuzzer_sys::fuzz_target;
use plx::yaml::{Limits, block, tree};

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let Some(fast) = block::load(source, Limits::default()) else {
        return;
    };
    match tree::parse_events(source, Limits::default(), true) {
        Ok(documents) => assert_eq!(
            format!("{:?}", documents),
            format!("{:?}", [fast]),
            "the fast path's tree differs"
        ),
        Err(error) => panic!("the fast path took a text the parser refuses: {error:?}"),
    }
});
