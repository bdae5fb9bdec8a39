//! `init` steps as Polyaxon 2.18's converter builds them (`polyaxon/_k8s/converter/base/init.py`,
//! compared with the oracle): its `polyaxon-init` image running `polyaxon initializer ...`
//! (`polyaxon docker generate` for Dockerfiles) into an emptyDir, `artifacts-context` at
//! `/plx-context/artifacts` or one per `path`, which the main container mounts as well.
//! Intended differences, listed in `docs/render.md`: names carry no random suffix (every render
//! of a file is the same), the initializers run with `POLYAXON_NO_API=true` (without it they
//! look for the Polyaxon run they belong to and fail), and nothing is tracked in Polyaxon's API.

use k8s_openapi::api::core::v1::{
    Container, EmptyDirVolumeSource, EnvVar, ResourceRequirements, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::V1Init;
use crate::model::agent::{AgentValues, Connection};

/// Where Polyaxon's initializers write when a step names no `path`.
pub const CONTEXT_VOLUME: &str = "artifacts-context";
pub const CONTEXT_PATH: &str = "/plx-context/artifacts";
/// The init image when no agent values name one: the Polyaxon version plx checks against.
const DEFAULT_IMAGE: &str = "polyaxon/polyaxon-init:2.18.0";

/// Why a step cannot become an init container; `key` is the step's key to point at.
#[derive(Debug, PartialEq)]
pub struct Unrendered {
    pub key: &'static str,
    pub message: String,
    pub help: String,
}

/// One init container a step becomes, before the image and the context mount are added.
#[derive(Debug, PartialEq)]
struct Plan {
    name: String,
    kind: PlanKind,
    /// The agent connection whose volume, Secret, ConfigMap and variables the container gets.
    connection: Option<String>,
    /// A repository the file itself names (an inline `git` step): Polyaxon lists it in the
    /// container's catalog as a git connection, though the agent has none.
    repository: Option<serde_json::Value>,
}

#[derive(Debug, PartialEq)]
enum PlanKind {
    /// Polyaxon's init image running this command.
    Polyaxon {
        command: Vec<String>,
        args: Vec<String>,
    },
    /// The step's own container, given a connection's access (a `custom` connection).
    Own,
}

/// Connection kinds whose data an `artifacts`/`paths` step copies in (`is_artifact`).
const MOUNT_STORES: &[&str] = &["host_path", "volume_claim"];
const BUCKET_STORES: &[&str] = &["s3", "gcs", "wasb"];

fn find_connection<'a>(values: Option<&'a AgentValues>, name: &str) -> Option<&'a Connection> {
    values?.connection(name)
}

fn schema_text(connection: &Connection, key: &str) -> Option<String> {
    super::connections::schema_text(connection.schema.as_ref(), key)
}

/// Where a store's data is read from: its mount path, or its bucket.
fn store_path(store: &Connection) -> Option<String> {
    let kind = store.kind.as_deref()?;
    if MOUNT_STORES.contains(&kind) {
        schema_text(store, "mountPath")
    } else if BUCKET_STORES.contains(&kind) {
        schema_text(store, "bucket")
    } else {
        None
    }
}

fn needs_values(key: &'static str, what: &str) -> Unrendered {
    Unrendered {
        key,
        message: format!(
            "this `init` step reads {what}, which is defined in the agent's Helm values"
        ),
        help: "render with `--values agent.yaml`".to_owned(),
    }
}

/// What a step becomes: one container per initializer it asks for, as Polyaxon dispatches them.
fn plans(step: &V1Init, values: Option<&AgentValues>) -> Result<Vec<Plan>, Unrendered> {
    for (key, set) in [
        ("lineageRef", step.lineage_ref.is_some()),
        ("modelRef", step.model_ref.is_some()),
        ("artifactRef", step.artifact_ref.is_some()),
    ] {
        if set {
            return Err(Unrendered {
                key,
                message: format!(
                    "`init` step `{key}` is resolved by Polyaxon's API when the run starts; plain manifests cannot express it"
                ),
                help: "copy what it fetches with an `artifacts` or `paths` step on a connection, or an init `container`".to_owned(),
            });
        }
    }
    if let Some(name) = step.connection.as_deref() {
        return connection_plan(step, name, values).map(|plan| vec![plan]);
    }
    let mut plans = Vec::new();
    if step.artifacts.is_some() || step.paths.is_some() {
        let key = if step.artifacts.is_some() {
            "artifacts"
        } else {
            "paths"
        };
        let store = values
            .and_then(|v| v.artifacts_store.as_ref())
            .ok_or_else(|| needs_values(key, "the agent's artifacts store"))?;
        plans.push(store_plan(step, store, true, key)?);
    }
    if let Some(git) = &step.git {
        plans.push(inline_git_plan(step, git)?);
    }
    plans.extend(generated_plans(step));
    if let Some(tensorboard) = &step.tensorboard {
        let store = values
            .and_then(|v| v.artifacts_store.as_ref())
            .ok_or_else(|| needs_values("tensorboard", "the agent's artifacts store"))?;
        plans.push(tensorboard_plan(step, tensorboard, store)?);
    }
    Ok(plans)
}

/// A `git` step with its own `url` (no connection).
fn inline_git_plan(step: &V1Init, git: &crate::model::V1GitType) -> Result<Plan, Unrendered> {
    let Some(url) = git.url.clone() else {
        return Err(Unrendered {
            key: "git",
            message: "this `git` step names no `url` and no git `connection`".to_owned(),
            help: "add `url`, or `connection:` a git connection of the agent".to_owned(),
        });
    };
    let name = inline_repository(&url);
    Ok(git_plan(
        GitSource {
            name: &name,
            url: &url,
            revision: git.revision.as_deref(),
            flags: git.flags.as_deref(),
            connection: None,
        },
        &context_dir(step),
    ))
}

/// The steps whose content the file itself gives: a `dockerfile` and a `file`.
fn generated_plans(step: &V1Init) -> Vec<Plan> {
    let mut plans = Vec::new();
    if let Some(dockerfile) = &step.dockerfile {
        plans.push(Plan {
            name: "polyaxon-init-dockerfile".to_owned(),
            kind: PlanKind::Polyaxon {
                command: words(&["polyaxon", "docker", "generate"]),
                args: vec![
                    format!("--build-context={dockerfile}"),
                    format!("--destination={}", context_dir(step)),
                ],
            },
            connection: None,
            repository: None,
        });
    }
    if let Some(file) = &step.file {
        plans.push(Plan {
            name: "polyaxon-init-file".to_owned(),
            kind: PlanKind::Polyaxon {
                command: words(&["polyaxon", "initializer", "file"]),
                args: vec![
                    format!("--file-context={}", file_context(file)),
                    format!("--filepath={}", context_dir(step)),
                ],
            },
            connection: None,
            repository: None,
        });
    }
    plans
}

fn connection_plan(
    step: &V1Init,
    name: &str,
    values: Option<&AgentValues>,
) -> Result<Plan, Unrendered> {
    let connection = find_connection(values, name).ok_or_else(|| {
        if values.is_some() {
            Unrendered {
                key: "connection",
                message: format!("the agent's values define no connection `{name}`"),
                help: "name one of the values' `connections`, or the artifacts store".to_owned(),
            }
        } else {
            needs_values("connection", &format!("the connection `{name}`"))
        }
    })?;
    let kind = connection.kind.as_deref().unwrap_or_default();
    let git = step.git.as_ref();
    if kind == "git" || (kind == "ssh" && git.is_some()) {
        // The step's own `git` fields override the connection's, as Polyaxon patches them.
        let url = git
            .and_then(|g| g.url.clone())
            .or_else(|| schema_text(connection, "url"))
            .ok_or_else(|| Unrendered {
                key: "connection",
                message: format!("the git connection `{name}` has no `url`"),
                help: "set `schema.url` on the connection, or `git.url` on the step".to_owned(),
            })?;
        let revision = git
            .and_then(|g| g.revision.clone())
            .or_else(|| schema_text(connection, "revision"));
        let flags = git.and_then(|g| g.flags.clone()).or_else(|| {
            let schema = connection.schema.as_ref()?.get("flags")?.as_array()?;
            schema
                .iter()
                .map(|f| f.as_str().map(str::to_owned))
                .collect()
        });
        return Ok(git_plan(
            GitSource {
                name,
                url: &url,
                revision: revision.as_deref(),
                flags: flags.as_deref(),
                connection: Some(name),
            },
            &context_dir(step),
        ));
    }
    if MOUNT_STORES.contains(&kind) || BUCKET_STORES.contains(&kind) {
        let is_artifacts_store = values
            .and_then(|v| v.artifacts_store.as_ref())
            .is_some_and(|store| store.name.as_deref() == Some(name));
        return store_plan(step, connection, is_artifacts_store, "connection");
    }
    let own = step.container.as_ref().ok_or_else(|| Unrendered {
        key: "connection",
        message: format!(
            "the connection `{name}` is of kind `{kind}`, which Polyaxon initializes with the step's own `container`, and this step has none"
        ),
        help: "add a `container` that uses the connection, or initialize from a git, volume or bucket connection".to_owned(),
    })?;
    Ok(Plan {
        name: if own.name.is_empty() {
            format!("polyaxon-init-custom-{name}")
        } else {
            own.name.clone()
        },
        kind: PlanKind::Own,
        connection: Some(name.to_owned()),
        repository: None,
    })
}

/// A repository to clone: `name` is the directory under the step's path.
struct GitSource<'a> {
    name: &'a str,
    url: &'a str,
    revision: Option<&'a str>,
    flags: Option<&'a [String]>,
    connection: Option<&'a str>,
}

fn git_plan(source: GitSource<'_>, dir: &str) -> Plan {
    let GitSource {
        name,
        url,
        revision,
        flags,
        connection,
    } = source;
    let mut args = vec![
        format!("--repo-path={}", join(dir, name)),
        format!("--url={url}"),
    ];
    if let Some(revision) = revision {
        args.push(format!("--revision={revision}"));
    }
    if let Some(flags) = flags.filter(|f| !f.is_empty()) {
        args.push(format!(
            "--flags={}",
            serde_json::to_string(flags).expect("strings serialize")
        ));
    }
    Plan {
        name: format!("polyaxon-init-git-{name}"),
        kind: PlanKind::Polyaxon {
            command: words(&["polyaxon", "initializer", "git"]),
            args,
        },
        connection: connection.map(str::to_owned),
        repository: connection.is_none().then(|| {
            serde_json::json!({
                "name": name,
                "kind": "git",
                "schema": repository_schema(url, revision, flags),
            })
        }),
    }
}

/// An inline repository as Polyaxon describes it to the git initializer.
fn repository_schema(
    url: &str,
    revision: Option<&str>,
    flags: Option<&[String]>,
) -> serde_json::Value {
    let mut schema = serde_json::Map::new();
    schema.insert("url".into(), url.into());
    if let Some(revision) = revision {
        schema.insert("revision".into(), revision.into());
    }
    if let Some(flags) = flags {
        schema.insert("flags".into(), flags.into());
    }
    serde_json::Value::Object(schema)
}

/// The name Polyaxon gives an inline repository: the URL's last part, up to its first dot.
fn inline_repository(url: &str) -> String {
    let last = url.rsplit('/').next().unwrap_or(url);
    last.split('.').next().unwrap_or(last).to_owned()
}

/// The `--file-context` JSON, with the fields in Polyaxon's order and its default filename.
fn file_context(file: &crate::model::V1FileType) -> String {
    let mut context = serde_json::Map::new();
    if let Some(kind) = &file.kind {
        context.insert("kind".into(), kind.clone().into());
    }
    context.insert(
        "content".into(),
        file.content.clone().unwrap_or_default().into(),
    );
    context.insert(
        "filename".into(),
        file.filename
            .clone()
            .unwrap_or_else(|| "file".to_owned())
            .into(),
    );
    if let Some(chmod) = &file.chmod {
        context.insert("chmod".into(), chmod.clone().into());
    }
    serde_json::Value::Object(context).to_string()
}

fn tensorboard_plan(
    step: &V1Init,
    tensorboard: &serde_json::Value,
    store: &Connection,
) -> Result<Plan, Unrendered> {
    let invalid = |message: &str| Unrendered {
        key: "tensorboard",
        message: message.to_owned(),
        help: "list the runs by `uuids`, e.g. `tensorboard: {uuids: [<run uuid>]}`".to_owned(),
    };
    if !tensorboard.is_object() {
        return Err(invalid("`tensorboard` must be a mapping"));
    }
    let setting = |key: &str| super::connections::schema_value(Some(tensorboard), key);
    if setting("useNames").and_then(|v| v.as_bool()) == Some(true) {
        return Err(invalid(
            "`useNames` makes the initializer look runs up in Polyaxon's API, which plain manifests do not have",
        ));
    }
    let (Some(from), Some(kind)) = (store_path(store), store.kind.clone()) else {
        return Err(needs_values("tensorboard", "the artifacts store's path"));
    };
    let mut args = vec![
        format!("--context-from={from}"),
        format!("--context-to={}", context_dir(step)),
        format!("--connection-kind={kind}"),
    ];
    if let Some(port) = setting("port").filter(|p| !p.is_null()) {
        args.push(format!("--port={}", scalar(port)));
    }
    for (key, flag) in [("uuids", "uuids"), ("plugins", "plugins")] {
        if let Some(list) = setting(key).and_then(tags) {
            args.push(format!("--{flag}={list}"));
        }
    }
    if let Some(prefix) = setting("pathPrefix").and_then(|p| p.as_str()) {
        args.push(format!("--path-prefix={prefix}"));
    }
    Ok(Plan {
        name: "polyaxon-init-tb".to_owned(),
        kind: PlanKind::Polyaxon {
            command: words(&["polyaxon", "initializer", "tensorboard"]),
            args,
        },
        connection: store.name.clone(),
        repository: None,
    })
}

/// A list written as a YAML list or a comma-separated string, as one comma-separated string.
fn tags(value: &serde_json::Value) -> Option<String> {
    let items: Vec<String> = match value {
        serde_json::Value::Array(items) => items.iter().map(scalar).collect(),
        serde_json::Value::String(text) => text.split(',').map(|t| t.trim().to_owned()).collect(),
        _ => return None,
    };
    let items: Vec<String> = items.into_iter().filter(|i| !i.is_empty()).collect();
    (!items.is_empty()).then(|| items.join(","))
}

fn scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One path to copy: relative to the store, and where it goes under the target directory.
struct Copy {
    from: String,
    to: String,
}

fn copies(value: Option<&serde_json::Value>, key: &'static str) -> Result<Vec<Copy>, Unrendered> {
    let invalid = || Unrendered {
        key,
        message: format!("`{key}` must list paths, or `[from, to]` pairs of paths"),
        help: "e.g. `[data/train.csv, [models/v1, model]]`".to_owned(),
    };
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let items = match value {
        serde_json::Value::Array(items) => items.clone(),
        serde_json::Value::String(_) => vec![value.clone()],
        _ => return Err(invalid()),
    };
    items
        .iter()
        .map(|item| match item {
            serde_json::Value::String(path) => Ok(Copy {
                from: path.clone(),
                to: path.clone(),
            }),
            serde_json::Value::Array(pair) => match pair.as_slice() {
                [
                    serde_json::Value::String(from),
                    serde_json::Value::String(to),
                ] => Ok(Copy {
                    from: from.clone(),
                    to: to.clone(),
                }),
                _ => Err(invalid()),
            },
            _ => Err(invalid()),
        })
        .collect()
}

/// Python's `os.path.join` of two parts, which Polyaxon's copy scripts are written with.
fn join(base: &str, path: &str) -> String {
    if path.starts_with('/') {
        path.to_owned()
    } else if base.is_empty() || base.ends_with('/') {
        format!("{base}{path}")
    } else {
        format!("{base}/{path}")
    }
}

/// A bucket path: a full URL as written, anything else under the bucket. (Polyaxon joins the
/// bucket to a full URL too, into `s3://b/s3://b/x`.)
fn bucket_join(bucket: &str, path: &str) -> String {
    if path.contains("://") {
        path.to_owned()
    } else {
        format!(
            "{}/{}",
            bucket.trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(at) => &path[..at],
        None => "",
    }
}

/// An `artifacts`/`paths` step: one `/bin/sh -c` script that creates each target directory and
/// copies files and directories in (`cp` from a mounted store, Polyaxon's path initializer from
/// a bucket or for `paths`).
fn store_plan(
    step: &V1Init,
    store: &Connection,
    is_artifacts_store: bool,
    key: &'static str,
) -> Result<Plan, Unrendered> {
    let name = store.name.clone().unwrap_or_default();
    let kind = store.kind.clone().unwrap_or_default();
    let base = store_path(store).ok_or_else(|| Unrendered {
        key,
        message: format!("the connection `{name}` has no `mountPath` or `bucket` to copy from"),
        help: "set the connection's `schema`".to_owned(),
    })?;
    let target = step.path.clone().unwrap_or_else(|| {
        if is_artifacts_store {
            CONTEXT_PATH.to_owned()
        } else {
            format!("{CONTEXT_PATH}/{name}")
        }
    });
    let artifacts = step.artifacts.as_ref();
    let files = copies(artifacts.and_then(|a| a.files.as_ref()), "artifacts")?;
    let mut dirs = copies(artifacts.and_then(|a| a.dirs.as_ref()), "artifacts")?;
    let paths = copies(step.paths.as_ref(), "paths")?;
    // Without a list, Polyaxon copies the whole store.
    if files.is_empty() && dirs.is_empty() && paths.is_empty() {
        dirs.push(Copy {
            from: String::new(),
            to: String::new(),
        });
    }
    let bucket = BUCKET_STORES.contains(&kind.as_str());
    let mut script: Vec<String> = Vec::new();
    let groups = [
        (files, true, false),
        (dirs, false, false),
        (paths, false, true),
    ];
    for (group, is_file, check_path) in groups {
        for copy in group {
            let mode = CopyMode {
                bucket,
                is_file,
                check_path,
            };
            script.extend(copy_script(&copy, &base, &target, &name, &kind, mode));
        }
    }
    Ok(Plan {
        name: format!("polyaxon-init-artifacts-{name}"),
        kind: PlanKind::Polyaxon {
            command: words(&["/bin/sh", "-c"]),
            args: vec![script.join(" ")],
        },
        connection: Some(name),
        repository: None,
    })
}

/// How one copy is made: from a bucket or a mounted path, a file or a folder, and whether
/// Polyaxon checks the path first (`paths` steps).
#[derive(Clone, Copy)]
struct CopyMode {
    bucket: bool,
    is_file: bool,
    check_path: bool,
}

/// The shell lines of one copy: its folder made, then the copy, as Polyaxon's converter writes
/// them.
fn copy_script(
    copy: &Copy,
    base: &str,
    target: &str,
    name: &str,
    kind: &str,
    mode: CopyMode,
) -> Vec<String> {
    let from = if mode.bucket {
        bucket_join(base, &copy.from)
    } else {
        join(base, &copy.from)
    };
    let to = join(target, &copy.to);
    let directory = if mode.is_file || mode.check_path {
        parent(&copy.to)
    } else {
        &copy.to
    };
    let directory = join(target, directory);
    let mut script = vec![format!(
        "if [ ! -d \"{directory}\" ]; then mkdir -m 0777 -p {directory}; fi;"
    )];
    if mode.bucket || mode.check_path {
        let mut flags = Vec::new();
        if mode.is_file {
            flags.push(" --is-file");
        }
        if mode.check_path {
            flags.push(" --check-path");
        }
        script.push(format!(
            "polyaxon initializer path --connection-name={name} --connection-kind={kind} --path-from={from} --path-to={to}{};",
            flags.concat()
        ));
    } else if mode.is_file {
        script.push(format!("if [ -f {from} ]; then cp {from} {to}; fi;"));
    } else {
        script.push(format!(
            "if [ -d {from} ] && [ \"$(ls -A {from})\" ]; then cp -R {from}/* {to}; fi;"
        ));
    }
    script
}

fn words(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| (*w).to_owned()).collect()
}

/// Where a step's initializer writes: its `path`, or Polyaxon's artifacts context.
fn context_dir(step: &V1Init) -> String {
    step.path.clone().unwrap_or_else(|| CONTEXT_PATH.to_owned())
}

/// The emptyDir volume behind a step's directory. Polyaxon names a `path`'s volume after the
/// path's UUIDv5 (DNS namespace), which is stable, so plx keeps the name.
fn context_volume_name(step: &V1Init) -> String {
    match &step.path {
        Some(path) => format!(
            "connections-context-{}",
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_DNS, path.as_bytes()).simple()
        ),
        None => CONTEXT_VOLUME.to_owned(),
    }
}

/// Whether a step is rendered here (a built-in initializer) rather than written as it is.
fn is_initializer(step: &V1Init) -> bool {
    step.initializer().is_some()
}

/// The reason `plx render` cannot write this step, if any; `refuse.rs` reports it.
pub fn unrendered(step: &V1Init, values: Option<&AgentValues>) -> Option<Unrendered> {
    if !is_initializer(step) {
        return None;
    }
    plans(step, values).err()
}

/// What the init steps add to the pod besides their containers.
#[derive(Default)]
pub struct Added {
    pub volumes: Vec<Volume>,
    /// The context directories, which the main container mounts too.
    pub main_mounts: Vec<VolumeMount>,
}

/// Replaces each initializer step by its init containers (refused steps were reported by
/// `unrendered` and never reach here).
pub fn apply(init: &mut Option<Vec<V1Init>>, values: Option<&AgentValues>) -> Added {
    let mut added = Added::default();
    let Some(steps) = init.take() else {
        return added;
    };
    let mut taken: Vec<String> = steps
        .iter()
        .filter(|s| !is_initializer(s))
        .filter_map(|s| s.container.as_ref().map(|c| c.name.clone()))
        .collect();
    let mut out = Vec::with_capacity(steps.len());
    for step in steps {
        if !is_initializer(&step) {
            out.push(step);
            continue;
        }
        let Ok(plans) = plans(&step, values) else {
            continue;
        };
        let volume = context_volume_name(&step);
        let mount = VolumeMount {
            name: volume.clone(),
            mount_path: context_dir(&step),
            ..VolumeMount::default()
        };
        if !added.volumes.iter().any(|v| v.name == volume) {
            added.volumes.push(Volume {
                name: volume,
                empty_dir: Some(EmptyDirVolumeSource::default()),
                ..Volume::default()
            });
            added.main_mounts.push(mount.clone());
        }
        for plan in plans {
            let name = unique_name(&plan.name, &mut taken);
            let container = build(&step, plan, name, &mount, values, &mut added);
            out.push(V1Init {
                container: Some(container),
                ..V1Init::default()
            });
        }
    }
    *init = Some(out);
    added
}

/// A valid container name, unique in the pod: Polyaxon's random suffix becomes `-2`, `-3`, ...
fn unique_name(base: &str, taken: &mut Vec<String>) -> String {
    let base =
        crate::k8s::names::to_dns1035_label(base).unwrap_or_else(|| "polyaxon-init".to_owned());
    let mut name = base.clone();
    let mut n = 1;
    while taken.contains(&name) {
        n += 1;
        let suffix = format!("-{n}");
        let keep = base.len().min(63 - suffix.len());
        name = format!("{}{suffix}", base[..keep].trim_end_matches('-'));
    }
    taken.push(name.clone());
    name
}

fn env(name: &str, value: String) -> EnvVar {
    EnvVar {
        name: name.to_owned(),
        value: Some(value),
        value_from: None,
    }
}

fn build(
    step: &V1Init,
    plan: Plan,
    name: String,
    mount: &VolumeMount,
    values: Option<&AgentValues>,
    added: &mut Added,
) -> Container {
    let mut container = step.container.clone().unwrap_or_default();
    container.name = name;
    let mut env_vars = container.env.take().unwrap_or_default();
    let mut mounts = container.volume_mounts.take().unwrap_or_default();
    mounts.push(mount.clone());
    if let PlanKind::Polyaxon { command, args } = &plan.kind {
        let (command, args) = (command.clone(), args.clone());
        let init = values.and_then(|v| v.init.as_ref());
        // Like Polyaxon, a step's own container keeps its image, command and resources.
        if container.image.is_none() {
            container.image = Some(
                init.and_then(|i| {
                    Some(format!(
                        "{}:{}",
                        i.image.as_deref()?,
                        i.image_tag.as_deref()?
                    ))
                })
                .unwrap_or_else(|| DEFAULT_IMAGE.to_owned()),
            );
        }
        if container.image_pull_policy.is_none() {
            container.image_pull_policy = Some(
                init.and_then(|i| i.image_pull_policy.clone())
                    .unwrap_or_else(|| "IfNotPresent".to_owned()),
            );
        }
        if container.command.is_none() && container.args.is_none() {
            container.command = Some(command);
            container.args = Some(args);
        }
        if container.resources.is_none() {
            container.resources = Some(
                init.and_then(|i| i.resources.clone())
                    .unwrap_or_else(default_resources),
            );
        }
        env_vars.push(env("POLYAXON_NO_API", "true".to_owned()));
    }
    if let Some(repository) = &plan.repository {
        env_vars.push(super::connections::catalog([repository.clone()]));
    }
    if let (Some(name), Some(values)) = (plan.connection.as_deref(), values) {
        let access = super::connections::mount(&[name.to_owned()], values);
        mounts.extend(access.mounts);
        env_vars.extend(access.env);
        if !access.env_from.is_empty() {
            container
                .env_from
                .get_or_insert_with(Vec::new)
                .extend(access.env_from);
        }
        for volume in access.volumes {
            if !added.volumes.iter().any(|v| v.name == volume.name) {
                added.volumes.push(volume);
            }
        }
    }
    container.env = Some(env_vars);
    container.volume_mounts = Some(mounts);
    container
}

/// Polyaxon's own init resources, used when the values set none.
fn default_resources() -> ResourceRequirements {
    let quantities = |cpu: &str, memory: &str| {
        std::collections::BTreeMap::from([
            ("cpu".to_owned(), Quantity(cpu.to_owned())),
            ("memory".to_owned(), Quantity(memory.to_owned())),
        ])
    };
    ResourceRequirements {
        limits: Some(quantities("1", "500Mi")),
        requests: Some(quantities("0.1", "60Mi")),
        ..ResourceRequirements::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_repositories_are_named_as_polyaxon_names_them() {
        assert_eq!(inline_repository("https://github.com/acme/train"), "train");
        assert_eq!(
            inline_repository("https://github.com/acme/train.git"),
            "train"
        );
        assert_eq!(inline_repository("git@github.com:acme/my.repo.git"), "my");
    }

    #[test]
    fn paths_join_like_python() {
        assert_eq!(join("/data", ""), "/data/");
        assert_eq!(join("/data", "a/b"), "/data/a/b");
        assert_eq!(join("/data/", "a"), "/data/a");
        assert_eq!(join("/data", "/abs"), "/abs");
        assert_eq!(bucket_join("s3://b", "x.csv"), "s3://b/x.csv");
        assert_eq!(bucket_join("s3://b/", "/x.csv"), "s3://b/x.csv");
        assert_eq!(bucket_join("s3://b", "s3://b/foo"), "s3://b/foo");
        assert_eq!(parent("a/b.txt"), "a");
        assert_eq!(parent("b.txt"), "");
        assert_eq!(parent("/b.txt"), "/");
    }

    #[test]
    fn path_volumes_are_named_by_polyaxons_uuid5() {
        let step = V1Init {
            path: Some("/plx-context/code".into()),
            ..V1Init::default()
        };
        // uuid.uuid5(uuid.NAMESPACE_DNS, "/plx-context/code").hex, in Python.
        assert_eq!(
            context_volume_name(&step),
            "connections-context-645b5acac59b561eb7cd13560b696b9f"
        );
    }

    fn values() -> AgentValues {
        serde_json::from_value(serde_json::json!({
            "artifactsStore": {"name": "store", "kind": "s3", "schema": {"bucket": "s3://b"}},
            "connections": [{"name": "api", "kind": "custom"}],
        }))
        .unwrap()
    }

    fn step(json: serde_json::Value) -> V1Init {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn steps_that_cannot_be_rendered_say_why_at_their_key() {
        let refused = |json, values| unrendered(&step(json), values).map(|u| u.key);
        let values = values();
        let values = Some(&values);
        assert_eq!(
            refused(serde_json::json!({"modelRef": "m"}), values),
            Some("modelRef")
        );
        assert_eq!(
            refused(serde_json::json!({"artifacts": {"files": ["a"]}}), None),
            Some("artifacts")
        );
        assert_eq!(
            refused(serde_json::json!({"artifacts": {"files": ["a"]}}), values),
            None
        );
        assert_eq!(
            refused(
                serde_json::json!({"tensorboard": {"useNames": true}}),
                values
            ),
            Some("tensorboard")
        );
        // A custom connection runs the step's own container, which this one lacks.
        assert_eq!(
            refused(serde_json::json!({"connection": "api"}), values),
            Some("connection")
        );
        assert_eq!(
            refused(
                serde_json::json!({"connection": "api", "container": {"name": "c", "image": "i"}}),
                values
            ),
            None
        );
        assert_eq!(
            refused(serde_json::json!({"container": {"name": "c"}}), None),
            None
        );
    }

    #[test]
    fn bucket_copies_go_through_polyaxons_path_initializer() {
        let values = values();
        let plans = plans(
            &step(serde_json::json!({"artifacts": {"files": ["a/b.txt"], "dirs": ["d"]}})),
            Some(&values),
        )
        .unwrap();
        let PlanKind::Polyaxon { args, .. } = &plans[0].kind else {
            panic!("a Polyaxon initializer");
        };
        assert_eq!(
            args[0],
            "if [ ! -d \"/plx-context/artifacts/a\" ]; then mkdir -m 0777 -p /plx-context/artifacts/a; fi; \
             polyaxon initializer path --connection-name=store --connection-kind=s3 --path-from=s3://b/a/b.txt --path-to=/plx-context/artifacts/a/b.txt --is-file; \
             if [ ! -d \"/plx-context/artifacts/d\" ]; then mkdir -m 0777 -p /plx-context/artifacts/d; fi; \
             polyaxon initializer path --connection-name=store --connection-kind=s3 --path-from=s3://b/d --path-to=/plx-context/artifacts/d;"
        );
    }

    #[test]
    fn generated_names_stay_unique_and_short() {
        let mut taken = vec!["polyaxon-init-file".to_owned()];
        assert_eq!(
            unique_name("polyaxon-init-file", &mut taken),
            "polyaxon-init-file-2"
        );
        assert_eq!(
            unique_name("polyaxon-init-file", &mut taken),
            "polyaxon-init-file-3"
        );
        let long = "x".repeat(70);
        let first = unique_name(&long, &mut taken);
        let second = unique_name(&long, &mut taken);
        assert!(first.len() <= 63 && second.len() <= 63 && first != second);
    }
}
