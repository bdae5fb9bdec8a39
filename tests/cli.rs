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
