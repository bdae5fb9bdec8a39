//! `plx rbac check` on arbitrary bytes: the promises of `tests/common/promises.rs`.

#![no_main]

mod input;
#[path = "../../tests/common/promises.rs"]
mod promises;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = input::file(data);
    if let Err(problem) = promises::judge_with(&promises::of("rbac"), &path, data.len()) {
        panic!("{problem}");
    }
});
