//! Links `plx` as a position-dependent executable.
//!
//! A position-independent one (PIE, the default) makes the loader apply some 14,500
//! relocations and copy-on-write 300 KB of pointer tables at every start: about a third of the
//! time `plx check` of one file takes (docs/performance.md). The cost is that the
//! executable's own code sits at a fixed address (its libraries, heap and stack are still
//! randomised); see docs/security.md.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Only on Linux with GNU or musl toolchains, whose C compiler driver takes `-no-pie`;
    // only for the binary (tests and build scripts keep the default).
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
