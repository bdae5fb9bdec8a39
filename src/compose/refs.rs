//! Following an operation's reference to its component: `pathRef` relative to the file that
//! holds it, `hubRef` from a folder of vendored components (`--hub-dir`), never the network.
//! A chain of references that comes back to a file it passed is a cycle. Each path is
//! resolved through the trust boundary (`document::boundary`): inside the repository of the
//! file that names it, or inside `--hub-dir`.

use std::path::{Path, PathBuf};

use crate::document::boundary::{Boundary, Refusal};
use crate::rules::{self, Rule};
use crate::yaml::{Node, Span};

/// Where to look for vendored hub components: `<dir>/<name>/<tag or latest>.yaml`.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub hub_dir: Option<PathBuf>,
}

/// A reference an operation makes, as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Reference {
    Path(String),
    Hub(String),
    Url(String),
    Dag(String),
}

impl Reference {
    /// The reference of a file's top level, when it runs a component by reference.
    pub fn of(tree: &Node) -> Option<(Reference, Span)> {
        if tree.get("component").is_some() || tree.get("run").is_some() {
            return None;
        }
        [
            ("pathRef", Reference::Path as fn(String) -> Reference),
            ("hubRef", Reference::Hub),
            ("urlRef", Reference::Url),
            ("dagRef", Reference::Dag),
        ]
        .into_iter()
        .find_map(|(key, make)| {
            let entry = tree.get(key)?;
            Some((make(entry.value.as_str()?.to_owned()), entry.value.span))
        })
    }

    fn describe(&self) -> String {
        match self {
            Reference::Path(path) => format!("pathRef `{path}`"),
            Reference::Hub(name) => format!("hubRef `{name}`"),
            Reference::Url(url) => format!("urlRef `{url}`"),
            Reference::Dag(name) => format!("dagRef `{name}`"),
        }
    }
}

/// Why a reference cannot be followed; the message names the chain so far. The rule is
/// REF001, or IO002 for a path that leads outside the trust boundary.
#[derive(Debug, PartialEq)]
pub struct Unresolved {
    pub rule: &'static Rule,
    pub message: String,
    pub help: String,
}

impl Unresolved {
    fn new(message: String, help: impl Into<String>) -> Self {
        Self {
            rule: &rules::REF_UNRESOLVED,
            message,
            help: help.into(),
        }
    }
}

/// The file a reference points at. `from` is the file holding it; `seen` the files of the
/// chain so far, canonical (a cycle is a file seen twice).
pub fn resolve(
    reference: &Reference,
    from: &Path,
    sources: &Sources,
    seen: &[PathBuf],
) -> Result<PathBuf, Unresolved> {
    let (boundary, base, named) = where_to_look(reference, from, sources)?;
    let canonical = boundary
        .resolve(&base, &named)
        .map_err(|refusal| refused(reference, &base.join(&named), refusal))?;
    if seen.contains(&canonical) {
        let chain: Vec<String> = seen
            .iter()
            .chain(std::iter::once(&canonical))
            .map(|p| format!("`{}`", shown(p)))
            .collect();
        return Err(Unresolved::new(
            format!("reference cycle: {}", chain.join(" -> ")),
            "a component cannot run itself; point the last reference at the component",
        ));
    }
    Ok(canonical)
}

/// Where a reference's file is: the boundary it must stay in, the folder it is named from,
/// and its name there.
fn where_to_look(
    reference: &Reference,
    from: &Path,
    sources: &Sources,
) -> Result<(Boundary, PathBuf, String), Unresolved> {
    match reference {
        Reference::Path(path) => {
            let base = from.parent().unwrap_or(Path::new("."));
            Ok((
                Boundary::repository_of(from),
                base.to_path_buf(),
                path.clone(),
            ))
        }
        Reference::Hub(hub) => {
            let Some(dir) = &sources.hub_dir else {
                return Err(Unresolved::new(
                    format!(
                        "{} needs Polyaxon's hub, which plx never reaches over the network",
                        reference.describe()
                    ),
                    "vendor the component (`<dir>/<name>/<tag>.yaml`) and pass `--hub-dir <dir>`, or copy it next to this file and use `pathRef`",
                ));
            };
            let (name, tag) = hub.split_once(':').unwrap_or((hub, "latest"));
            let name = name.rsplit('/').next().unwrap_or(name);
            Ok((
                Boundary::hub_dir(dir),
                dir.join(name),
                format!("{tag}.yaml"),
            ))
        }
        Reference::Url(_) => Err(Unresolved::new(
            format!(
                "{} needs the network, which plx never reaches",
                reference.describe()
            ),
            "download the component once, keep it in the repository and use `pathRef`",
        )),
        Reference::Dag(_) => Err(Unresolved::new(
            format!(
                "{} names a component of the dag that runs this operation",
                reference.describe()
            ),
            "render the dag's component itself, or put it inline under `component:`",
        )),
    }
}

/// Why the boundary refused a reference's path.
fn refused(reference: &Reference, path: &Path, refusal: Refusal) -> Unresolved {
    match refusal {
        Refusal::Missing => Unresolved::new(
            format!("{}: `{}` does not exist", reference.describe(), shown(path)),
            "paths are relative to the folder of the file that holds the reference",
        ),
        Refusal::NotAFile => Unresolved::new(
            format!("{}: `{}` is not a file", reference.describe(), shown(path)),
            "name a Polyaxonfile",
        ),
        Refusal::Outside(boundary) => Unresolved {
            rule: &rules::IO_OUTSIDE_REPOSITORY,
            message: format!(
                "{} leads outside {boundary}: plx does not read it",
                reference.describe()
            ),
            help: "keep the component inside the repository (or the vendored hub folder) and name it with a relative path".to_owned(),
        },
    }
}

/// A path as the user would write it: relative to the working directory when under it, with
/// `..` steps resolved.
pub fn shown(path: &Path) -> String {
    let mut parts: Vec<std::path::Component<'_>> = Vec::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir
                if matches!(parts.last(), Some(std::path::Component::Normal(_))) =>
            {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            other => parts.push(other),
        }
    }
    let normal: PathBuf = parts.iter().collect();
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| normal.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(normal);
    relative.display().to_string()
}
