//! The promises plx keeps on any input, run in-process: shared by the mutation test
//! (`tests/mutation.rs`) and the fuzz targets (`fuzz/`), which include this file.
//!
//! For every command that reads a file: it does not panic; its exit code is 0, 1 or 2;
//! `render` writes nothing to stdout unless it exits 0; `--format json` and `--format sarif`
//! print exactly one JSON document; and everything it prints stays under
//! [`OUTPUT_BASE`] + [`OUTPUT_FACTOR`] × the input's size.

#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

/// Bytes any run may print whatever its input: SARIF's catalog of every rule (about 220 KB),
/// the summary, a handful of findings.
pub const OUTPUT_BASE: usize = 512 * 1024;
/// Bytes per input byte beyond that: a finding's snippet is bounded (`report::bound`,
/// `report::excerpt`) and a rendered manifest repeats the input a few times.
pub const OUTPUT_FACTOR: usize = 64;

/// The commands judged, each given the file's path last.
pub const COMMANDS: &[&[&str]] = &[
    &["check"],
    &["check", "--format", "json"],
    &["check", "--format", "sarif"],
    &["check", "--format", "github"],
    &["check", "--format", "concise"],
    &["check", "--format", "json", "--statistics"],
    &["render"],
    &["render", "-o", "json"],
    &[
        "rbac",
        "check",
        "--format",
        "json",
        "--service-account",
        "default:trainer",
    ],
];

/// What one run printed, and how it ended.
pub struct Outcome {
    pub code: Option<u8>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The panic's message, when it panicked.
    pub panic: Option<String>,
}

/// Runs `plx ARGS PATH` in this process, catching a panic.
pub fn run(args: &[&str], path: &Path) -> Outcome {
    let mut words: Vec<std::ffi::OsString> = vec!["plx".into()];
    words.extend(args.iter().map(Into::into));
    words.push(path.into());
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut streams = plx::commands::Streams {
            stdout: &mut stdout,
            stderr: &mut stderr,
            color: false,
            stdout_terminal: false,
        };
        let outcome =
            plx::commands::parse(&words).and_then(|cli| plx::commands::run(cli, &mut streams));
        match outcome {
            Ok(code) => code,
            Err(failure) => plx::commands::report(failure, &mut streams),
        }
    }));
    match result {
        Ok(code) => Outcome {
            code: Some(code),
            stdout,
            stderr,
            panic: None,
        },
        Err(panic) => Outcome {
            code: None,
            stdout,
            stderr,
            panic: Some(
                panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
            ),
        },
    }
}

/// The commands of one `plx` subcommand (`check`, `render`, `rbac`).
pub fn of(subcommand: &str) -> Vec<&'static [&'static str]> {
    COMMANDS
        .iter()
        .copied()
        .filter(|args| args[0] == subcommand)
        .collect()
}

/// Runs every command on the file; the first promise broken, if any.
pub fn judge(path: &Path, input_len: usize) -> Result<(), String> {
    judge_with(COMMANDS, path, input_len)
}

/// Runs these commands on the file; the first promise broken, if any.
pub fn judge_with(commands: &[&[&str]], path: &Path, input_len: usize) -> Result<(), String> {
    for args in commands {
        let outcome = run(args, path);
        let what = args.join(" ");
        if let Some(panic) = outcome.panic {
            return Err(format!("plx {what}: panicked: {panic}"));
        }
        let code = outcome.code.expect("no panic, so a code");
        if code > 2 {
            return Err(format!("plx {what}: exit {code}"));
        }
        if args[0] == "render" && code != 0 && !outcome.stdout.is_empty() {
            return Err(format!("plx {what}: exit {code} with manifests on stdout"));
        }
        let formatted = args
            .windows(2)
            .any(|w| w == ["--format", "json"] || w == ["--format", "sarif"]);
        if formatted && serde_json::from_slice::<serde_json::Value>(&outcome.stdout).is_err() {
            return Err(format!(
                "plx {what}: stdout is not one JSON document: {}",
                String::from_utf8_lossy(&outcome.stdout)
            ));
        }
        let printed = outcome.stdout.len() + outcome.stderr.len();
        if printed > OUTPUT_BASE + OUTPUT_FACTOR * input_len {
            return Err(format!(
                "plx {what}: printed {printed} bytes for {input_len} bytes of input"
            ));
        }
    }
    Ok(())
}
