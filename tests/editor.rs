//! The editor schemas (`plx schema`): checked in under `schemas/editor/` and regenerated from
//! the Rust types (`PLX_BLESS=1` rewrites them), and read by an independent JSON Schema
//! validator (the `jsonschema` crate) on the fixtures an editor would open: the valid ones
//! pass, the unknown-key one does not.

mod common;

use common::{fixtures, plx, root};

fn generated(target: &str) -> String {
    let output = plx().args(["schema", target]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn the_checked_in_schemas_are_the_generated_ones() {
    for (target, file) in [
        ("polyaxonfile", "polyaxonfile.json"),
        ("agent-values", "agent-values.json"),
    ] {
        let path = root().join("schemas/editor").join(file);
        let text = generated(target);
        if std::env::var_os("PLX_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            text,
            "{file} is stale: run `PLX_BLESS=1 cargo test --test editor`"
        );
    }
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schemas/editor").join(file)).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::draft7::new(&schema).expect("the schema compiles")
}

/// A YAML or JSON file as the JSON value an editor's language server validates.
fn document(path: &std::path::Path) -> serde_json::Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    plx::yaml::load(&text, plx::yaml::Limits::default())
        .unwrap()
        .to_json()
}

fn errors(validator: &jsonschema::Validator, path: &std::path::Path) -> Vec<String> {
    validator
        .iter_errors(&document(path))
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn valid_polyaxonfiles_pass_and_the_unknown_key_does_not() {
    let validator = validator("polyaxonfile.json");
    for path in fixtures("valid") {
        let found = errors(&validator, &path);
        assert!(found.is_empty(), "{}: {found:#?}", path.display());
    }
    let typo = std::path::Path::new("fixtures/invalid/SCH001-typo-nodeSelectr.yaml");
    let found = errors(&validator, typo);
    assert!(
        found.iter().any(|e| e.contains("nodeSelectr")),
        "the unknown key is not reported: {found:#?}"
    );
}

#[test]
fn agent_values_pass_their_schema() {
    let validator = validator("agent-values.json");
    for path in [
        "fixtures/agent/chart-2.15.1-values.yaml",
        "fixtures/agent/connections-values.yaml",
    ] {
        let found = errors(&validator, std::path::Path::new(path));
        assert!(found.is_empty(), "{path}: {found:#?}");
    }
}

/// The schema a file names on its `# yaml-language-server: $schema=...` line, as the language
/// server resolves it: relative to the file.
fn modeline_schema(path: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let target = text
        .lines()
        .find_map(|line| line.strip_prefix("# yaml-language-server: $schema="))
        .unwrap_or_else(|| panic!("{}: no modeline", path.display()));
    root().join(path).parent().unwrap().join(target.trim())
}

#[test]
fn files_with_a_schema_modeline_are_judged_by_it() {
    for path in fixtures("editor") {
        let schema_path = modeline_schema(&path);
        let schema: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&schema_path).unwrap()).unwrap();
        let validator = jsonschema::draft7::new(&schema).unwrap();
        let found = errors(&validator, &path);
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with("valid-") {
            assert!(found.is_empty(), "{name}: {found:#?}");
        } else {
            assert!(!found.is_empty(), "{name}: the schema accepts it");
        }
    }
}
