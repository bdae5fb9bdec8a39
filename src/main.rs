use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let color =
        plx::commands::colored(plx::cli::ColorChoice::Auto, std::io::stderr().is_terminal());
    let mut streams = plx::commands::Streams {
        stdout: &mut stdout,
        stderr: &mut stderr,
        color,
        stdout_terminal: std::io::stdout().is_terminal(),
    };
    // Errors are values until here, and printed once.
    let outcome = plx::commands::parse(&args).and_then(|cli| plx::commands::run(cli, &mut streams));
    ExitCode::from(match outcome {
        Ok(code) => code,
        Err(failure) => plx::commands::report(failure, &mut streams),
    })
}
