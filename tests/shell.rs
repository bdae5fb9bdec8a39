//! Completions and the man page come from the same clap definition as `--help`; each is
//! read by the real tool that consumes it where it is installed (bash, zsh, fish, man).

mod common;

use common::plx;

fn output(args: &[&str]) -> String {
    let output = plx().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

fn installed(tool: &str) -> bool {
    std::process::Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `tool -n script` (parse without running) accepts the script.
fn parses(tool: &str, script: &str) {
    let scratch = common::Scratch::new(&format!("shell-{tool}"));
    let path = scratch.file("plx.completion", script);
    let status = std::process::Command::new(tool)
        .arg("-n")
        .arg(&path)
        .status()
        .unwrap();
    assert!(status.success(), "{tool} -n rejects the completion script");
}

#[test]
fn completions_are_valid_scripts_of_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let script = output(&["completions", shell]);
        // Every subcommand and the flags users reach for are completed.
        for word in [
            "check",
            "render",
            "explain",
            "rbac",
            "params-file",
            "values",
        ] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
        if installed(shell) {
            parses(shell, &script);
        }
    }
    assert!(installed("bash"), "bash is on every machine this runs on");
}

#[test]
fn the_man_page_renders() {
    let page = output(&["man"]);
    assert!(
        page.starts_with(".ie") || page.contains(".TH plx 1"),
        "{page}"
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    if installed("groff") {
        let mut child = std::process::Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(page.as_bytes())
            .unwrap();
        let rendered = child.wait_with_output().unwrap();
        assert!(rendered.status.success());
        let text = String::from_utf8_lossy(&rendered.stdout);
        assert!(text.contains("plx"), "{text}");
        // groff warns (-ww) about macros it cannot read.
        assert!(
            rendered.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&rendered.stderr)
        );
    }
}
