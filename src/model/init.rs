use k8s_openapi::api::core::v1::Container;
use serde::Deserialize;

use super::values::Templated;

/// Polyaxon's `V1Init`: one init step, either a built-in initializer (artifacts, git, ...)
/// fed by a connection, or a plain init container.
#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1Init {
    /// Artifacts (files and dirs) to initialize from the artifacts store or a connection.
    pub artifacts: Option<V1ArtifactsType>,
    /// Subpaths, or `[from, to]` pairs, kept as written: render reads them.
    #[schemars(description = "Paths (or `[from, to]` pairs) to initialize from the connection.")]
    pub paths: Option<serde_json::Value>,
    /// A git repository to clone: url, revision, flags.
    pub git: Option<V1GitType>,
    /// Passed to Polyaxon's Dockerfile generator as written.
    #[schemars(description = "A Dockerfile to generate: image, env, run steps, ...")]
    pub dockerfile: Option<serde_json::Value>,
    /// A file to write: content, filename, chmod.
    pub file: Option<V1FileType>,
    /// Logs of runs to prepare for a tensorboard.
    pub tensorboard: Option<serde_json::Value>,
    /// A lineage to initialize, by reference.
    pub lineage_ref: Option<String>,
    /// A model version to initialize.
    pub model_ref: Option<String>,
    /// An artifact version to initialize.
    pub artifact_ref: Option<String>,
    /// The connection to initialize from (a git repository, a bucket, ...).
    pub connection: Option<String>,
    /// Where to initialize it in the containers.
    pub path: Option<String>,
    /// A plain init container, or the settings of the initializer's container.
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
    #[schemars(description = "Files (or `[from, to]` pairs) to initialize.")]
    pub files: Option<serde_json::Value>,
    pub dirs: Option<serde_json::Value>,
    pub workers: Option<Templated<i64>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1GitType {
    /// The repository's URL.
    pub url: Option<String>,
    /// The commit, branch or tag to check out.
    pub revision: Option<String>,
    /// Extra `git` flags.
    pub flags: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct V1FileType {
    /// The file's kind.
    pub kind: Option<String>,
    /// The file's content.
    pub content: Option<String>,
    /// The file's name.
    pub filename: Option<String>,
    /// The file's mode, e.g. `+x`.
    pub chmod: Option<String>,
}
