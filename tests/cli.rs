//! CLI examples as tests: the `console` blocks of the README, `docs/json-output.md` and
//! `tests/cmd/*.md`, run against the real binary, so the documentation cannot go stale.

#[test]
fn cli_examples() {
    trycmd::TestCases::new()
        .register_bin("plx", trycmd::cargo::cargo_bin!("plx"))
        .env("NO_COLOR", "1")
        .case("README.md")
        .case("docs/json-output.md")
        .case("tests/cmd/*.md");
}

/// `build.rs` links the binary position-dependent on Linux, so the loader has almost nothing
/// to relocate at start (docs/performance.md): an ELF `e_type` of `ET_EXEC` (2), not the
/// position-independent `ET_DYN` (3) the toolchain would make.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_is_linked_position_dependent() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_plx")).expect("the built binary");
    assert_eq!(&binary[..4], b"\x7fELF");
    let e_type = u16::from_le_bytes([binary[16], binary[17]]);
    assert_eq!(e_type, 2, "ET_EXEC expected, found e_type {e_type}");
}
