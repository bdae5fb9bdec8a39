use k8s_openapi::api::core::v1::Container;
use serde::Deserialize;

use super::values::Templated;

/// Polyaxon's `V1Init`: one init step, either a built-in initializer (artifacts, git, ...)
/// fed by a connection, or a plain init container.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Init {
    pub artifacts: Option<V1ArtifactsType>,
    /// Subpaths, or `[from, to]` pairs, kept as written: render reads them.
    pub paths: Option<serde_json::Value>,
    pub git: Option<V1GitType>,
    /// Passed to Polyaxon's Dockerfile generator as written.
    pub dockerfile: Option<serde_json::Value>,
    pub file: Option<V1FileType>,
    pub tensorboard: Option<serde_json::Value>,
    pub lineage_ref: Option<String>,
    pub model_ref: Option<String>,
    pub artifact_ref: Option<String>,
    pub connection: Option<String>,
    pub path: Option<String>,
    pub container: Option<Container>,
}

impl V1Init {
    /// The built-in initializer this step asks for, if any (by its YAML key).
    pub fn initializer(&self) -> Option<&'static str> {
        [
            ("artifacts", self.artifacts.is_some()),
            ("paths", self.paths.is_some()),
            ("git", self.git.is_some()),
            ("dockerfile", self.dockerfile.is_some()),
            ("file", self.file.is_some()),
            ("tensorboard", self.tensorboard.is_some()),
            ("lineageRef", self.lineage_ref.is_some()),
            ("modelRef", self.model_ref.is_some()),
            ("artifactRef", self.artifact_ref.is_some()),
            ("connection", self.connection.is_some()),
        ]
        .into_iter()
        .find_map(|(key, set)| set.then_some(key))
    }
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1ArtifactsType {
    /// Paths, or `[from, to]` pairs, kept as written: render reads them.
    pub files: Option<serde_json::Value>,
    pub dirs: Option<serde_json::Value>,
    pub workers: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1GitType {
    pub url: Option<String>,
    pub revision: Option<String>,
    pub flags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1FileType {
    pub kind: Option<String>,
    pub content: Option<String>,
    pub filename: Option<String>,
    pub chmod: Option<String>,
}
