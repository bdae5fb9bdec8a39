//! Polyaxon converts snake_case keys to camelCase only at the first level of each Kubernetes
//! object it embeds (two levels under `environment`: its own keys and the objects in it, and a
//! container's `ports` items); deeper keys reach Kubernetes as written, and are dropped. SCH012
//! reports each such key: here, on a file with snake_case keys at every level of every kind of
//! object, exactly the keys Polyaxon 2.18 left unconverted in the pod spec it wrote
//! (`tests/corpus/snake_case.pod.json`, measured with `tools/polyaxon_oracle.py --k8s`).

mod common;

use common::{plx, root};
use serde_json::Value;

/// The snake_case keys of Polyaxon's pod spec that no snake_case key encloses (what is under
/// an unconverted key is dropped with it).
fn unconverted(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key.contains('_') {
                    out.push(key.clone());
                } else {
                    unconverted(inner, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| unconverted(item, out)),
        _ => {}
    }
}

#[test]
fn sch012_reports_exactly_the_keys_polyaxon_leaves_unconverted() {
    let text = std::fs::read_to_string(root().join("tests/corpus/snake_case.pod.json")).unwrap();
    let pod: Value = serde_json::from_str(&text).unwrap();
    let mut expected = Vec::new();
    unconverted(&pod, &mut expected);
    expected.sort();
    assert!(expected.len() > 10, "{expected:?}");

    let output = plx()
        .args(["check", "--format", "json", "tests/corpus/snake_case.yaml"])
        .current_dir(root())
        .output()
        .unwrap();
    let document = common::report(&output.stdout);
    let mut reported: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SCH012")
        .map(|d| {
            let message = d["message"].as_str().unwrap();
            message.split('`').nth(1).unwrap().to_owned()
        })
        .collect();
    reported.sort();
    assert_eq!(reported, expected);
}
