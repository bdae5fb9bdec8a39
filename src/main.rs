use std::process::ExitCode;

use clap::Parser;

// Checking a repository allocates many small trees on two threads at once; mimalloc's
// thread-local heaps make that about a quarter faster than the system allocator (measured in
// docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    plx::app::run(plx::cli::Cli::parse())
}
