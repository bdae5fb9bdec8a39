//! Params, templates, operations and presets, end to end through the real binary: the
//! acceptance of "render what Polyaxon would run".

mod common;

use common::plx;

const TRAIN: &str = "fixtures/valid/job-train-params.yaml";

fn run(args: &[&str]) -> (i32, String, String) {
    let output = plx().args(args).output().unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn params_are_substituted_into_the_job() {
    let (code, stdout, stderr) = run(&["render", TRAIN, "-P", "lr=0.01", "-P", "epochs=5"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("kind: Job"));
    for arg in ["- --lr=0.01", "- --epochs=5", "- --optimizer=adam"] {
        assert!(stdout.contains(arg), "{arg} missing:\n{stdout}");
    }
    // The unset optional input and the false flag leave no empty argument.
    assert!(
        !stdout.contains("- \"\"") && !stdout.contains("None"),
        "{stdout}"
    );
    assert!(!stdout.contains("{{"), "{stdout}");
}

#[test]
fn a_missing_required_input_is_named_at_its_declaration() {
    let (code, stdout, stderr) = run(&["render", TRAIN, "-P", "lr=0.01"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty(), "nothing may reach kubectl: {stdout}");
    assert!(stderr.contains("input `epochs` is required"), "{stderr}");
    assert!(stderr.contains("job-train-params.yaml:13:11"), "{stderr}");
    // `check` judges the file without its params, like `polyaxon check --lint`: a warning.
    let (code, report, _) = run(&["check", TRAIN, "-P", "lr=0.01"]);
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("PRM002"), "{report}");
}

#[test]
fn misspelt_names_get_a_suggestion() {
    let (code, report, _) = run(&["check", TRAIN, "-P", "lrr=0.01", "-P", "epochs=5"]);
    assert_eq!(code, 1);
    assert!(
        report.contains("`-P lrr=...` is not an input or output"),
        "{report}"
    );
    assert!(report.contains("did you mean `lr`?"), "{report}");

    let output = plx()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/invalid/TPL002-misspelt-param.yaml",
        ])
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    let finding = &document["diagnostics"][0];
    assert_eq!(finding["code"], "TPL002");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(15), Some(21))
    );
    assert_eq!(finding["help"], "did you mean `lr`?");
}

#[test]
fn values_must_fit_their_type_and_validation() {
    for (epochs, optimizer, expected) in [
        (
            "epochs=five",
            "optimizer=adam",
            "`five` is not of type `int`",
        ),
        (
            "epochs=0",
            "optimizer=adam",
            "must be greater than or equal to",
        ),
        ("epochs=5", "optimizer=rmsprop", "must be one of the values"),
    ] {
        let param = format!("{epochs} {optimizer}");
        let (code, stdout, stderr) = run(&[
            "render", TRAIN, "-P", "lr=0.01", "-P", epochs, "-P", optimizer,
        ]);
        assert_eq!(code, 1, "{param}");
        assert!(stdout.is_empty());
        assert!(
            stderr.contains("PRM003") && stderr.contains(expected),
            "{param}: {stderr}"
        );
    }
}

#[test]
fn a_param_given_twice_is_a_usage_error() {
    let (code, stdout, stderr) = run(&["render", TRAIN, "-P", "lr=0.1", "-P", "lr=0.2"]);
    assert_eq!(code, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("more than once"), "{stderr}");
}

#[test]
fn a_params_file_is_read_and_flags_win_over_it() {
    let scratch = common::Scratch::new("params");
    let file = scratch.file("params.yaml", "lr: 0.2\nepochs: {value: 3}\n");
    let file = file.to_str().unwrap();
    let (code, stdout, stderr) = run(&["render", TRAIN, "--params-file", file, "-P", "epochs=4"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("--lr=0.2") && stdout.contains("--epochs=4"),
        "{stdout}"
    );
}

#[test]
fn globals_come_from_flags() {
    let (code, stdout, stderr) = run(&[
        "render", TRAIN, "-P", "lr=0.01", "-P", "epochs=5", "--uuid", "abc123",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("--output=/plx-context/artifacts/abc123/outputs"),
        "{stdout}"
    );
}

#[test]
fn an_operation_runs_the_component_of_another_folder() {
    let (code, stdout, stderr) = run(&["render", "fixtures/valid/operation-path-ref.yaml"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("name: train-nightly"), "{stdout}");
    for arg in ["- --lr=0.05", "- --epochs=20", "- --seed=7"] {
        assert!(stdout.contains(arg), "{arg}:\n{stdout}");
    }
    // The command-line params win over the operation's.
    let (code, stdout, _) = run(&[
        "render",
        "fixtures/valid/operation-path-ref.yaml",
        "-P",
        "epochs=2",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("- --epochs=2"), "{stdout}");
}

#[test]
fn a_reference_cycle_is_a_clear_error() {
    let (code, stdout, stderr) = run(&["render", "fixtures/invalid/REF001-path-ref-cycle.yaml"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("REF001") && stderr.contains("reference cycle"),
        "{stderr}"
    );
}

#[test]
fn hub_references_need_a_vendored_copy() {
    let scratch = common::Scratch::new("hub");
    scratch.file(
        "hub/train/1.4.yaml",
        std::fs::read(common::root().join("fixtures/components/train.yaml")).unwrap(),
    );
    let operation = scratch.file(
        "op.yaml",
        "version: 1.1\nkind: operation\nhubRef: acme/train:1.4\nparams: {lr: 0.1, epochs: 1}\n",
    );
    let operation = operation.to_str().unwrap();
    let (code, _, stderr) = run(&["render", operation]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--hub-dir"), "{stderr}");
    let hub_dir = scratch.0.join("hub");
    let (code, stdout, stderr) =
        run(&["render", operation, "--hub-dir", hub_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("- --epochs=1"), "{stdout}");
}

#[test]
fn presets_are_laid_over_in_order() {
    let (code, stdout, stderr) = run(&[
        "render",
        "fixtures/valid/operation-path-ref.yaml",
        "-f",
        "fixtures/presets/gpu-pool.yaml",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // Measured with Polyaxon 2.18: args [--lr, --epochs, --seed=7, --amp], the node selector
    // and the toleration.
    assert!(stdout.contains("- --seed=7\n        - --amp"), "{stdout}");
    assert!(
        stdout.contains("pool: gpu") && stdout.contains("operator: Exists"),
        "{stdout}"
    );
}
