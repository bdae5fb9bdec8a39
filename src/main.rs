use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    plx::app::run(plx::cli::Cli::parse())
}
