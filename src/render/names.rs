//! The name a run's objects get.

use crate::k8s::names::to_dns1035_label;

/// The name objects get when `--name` is not given: the component's, else the file's stem.
pub fn default_name(component: Option<&str>, path: &str) -> String {
    let stem = std::path::Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    component
        .and_then(to_dns1035_label)
        .or_else(|| to_dns1035_label(stem))
        .unwrap_or_else(|| "plx-run".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_the_file_stem() {
        assert_eq!(
            default_name(None, "dir/service-tensorboard.yaml"),
            "service-tensorboard"
        );
        assert_eq!(default_name(Some("tb_1"), "x.yaml"), "tb-1");
    }
}
