//! `init` steps that clone a git repository, as Polyaxon 2.18's converter builds them
//! (checked with the oracle): its `polyaxon-init` image running `polyaxon initializer git`
//! into an emptyDir at `/plx-context/artifacts`, mounted into the main container as well.
//! One difference is intended: the container is named after the repository only, where
//! Polyaxon appends a random suffix, so that every render of a file is the same.

use k8s_openapi::api::core::v1::{Container, EmptyDirVolumeSource, Volume, VolumeMount};

use crate::agent::values::AgentValues;
use crate::model::V1Init;

/// Where Polyaxon's initializers write, in every container of the run.
pub const CONTEXT_VOLUME: &str = "artifacts-context";
pub const CONTEXT_PATH: &str = "/plx-context/artifacts";
/// The init image when no agent values name one: the Polyaxon version plx checks against.
const DEFAULT_IMAGE: &str = "polyaxon/polyaxon-init:2.18.0";

/// A git step's repository and revision: from the step, or from the git connection it names.
pub fn git_source(step: &V1Init, values: Option<&AgentValues>) -> Option<(String, Option<String>)> {
    if let Some(git) = &step.git {
        return Some((git.url.clone()?, git.revision.clone()));
    }
    let name = step.connection.as_deref()?;
    let connection = values?
        .connections
        .iter()
        .flatten()
        .find(|c| c.name.as_deref() == Some(name) && c.kind.as_deref() == Some("git"))?;
    let schema = connection.schema.as_ref()?;
    let url = schema.get("url")?.as_str()?.to_owned();
    let revision = schema
        .get("revision")
        .and_then(|r| r.as_str())
        .map(str::to_owned);
    Some((url, revision))
}

/// The repository's name: the last part of its URL, without `.git`.
fn repository(url: &str) -> String {
    let last = url
        .trim_end_matches('/')
        .rsplit(['/', ':'])
        .next()
        .unwrap_or(url);
    last.trim_end_matches(".git").to_owned()
}

/// Replaces each git step by its init container; returns whether any was, so the caller
/// adds the context volume and mounts it into the main container.
pub fn apply(init: &mut Option<Vec<V1Init>>, values: Option<&AgentValues>) -> bool {
    let Some(steps) = init else {
        return false;
    };
    let image = values
        .and_then(|v| v.init.as_ref())
        .and_then(|i| {
            Some(format!(
                "{}:{}",
                i.image.as_deref()?,
                i.image_tag.as_deref()?
            ))
        })
        .unwrap_or_else(|| DEFAULT_IMAGE.to_owned());
    let mut any = false;
    for step in steps.iter_mut() {
        let Some((url, revision)) = git_source(step, values) else {
            continue;
        };
        let repo = repository(&url);
        let path = step
            .path
            .clone()
            .unwrap_or_else(|| format!("{CONTEXT_PATH}/{repo}"));
        let mut args = vec![format!("--repo-path={path}"), format!("--url={url}")];
        if let Some(revision) = revision {
            args.push(format!("--revision={revision}"));
        }
        let name = crate::render::dns1035_label(&format!("polyaxon-init-git-{repo}"))
            .unwrap_or_else(|| "polyaxon-init-git".to_owned());
        *step = V1Init {
            container: Some(Container {
                name,
                image: Some(image.clone()),
                image_pull_policy: Some("IfNotPresent".into()),
                command: Some(vec!["polyaxon".into(), "initializer".into(), "git".into()]),
                args: Some(args),
                volume_mounts: Some(vec![context_mount()]),
                ..Container::default()
            }),
            ..V1Init::default()
        };
        any = true;
    }
    any
}

pub fn context_volume() -> Volume {
    Volume {
        name: CONTEXT_VOLUME.into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    }
}

pub fn context_mount() -> VolumeMount {
    VolumeMount {
        name: CONTEXT_VOLUME.into(),
        mount_path: CONTEXT_PATH.into(),
        ..VolumeMount::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_are_named_from_their_urls() {
        assert_eq!(repository("https://github.com/acme/train"), "train");
        assert_eq!(repository("https://github.com/acme/train.git/"), "train");
        assert_eq!(repository("git@github.com:acme/train.git"), "train");
    }
}
