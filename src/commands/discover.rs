//! Which files a command checks: named files as given, folders walked as git would, and what
//! each file is, by its content.

use std::path::{Path, PathBuf};

use super::display;
use crate::diagnostic::Diagnostic;
use crate::rules;

/// A file to check: named on the command line (always checked), or found in a folder
/// (checked only when its content is something plx reads).
pub struct Target {
    pub path: PathBuf,
    pub found: bool,
    /// The index of the command-line path it comes from.
    pub named: usize,
}

/// A problem with a path named on the command line: the path as shown, and the problem.
pub type Problem = (String, Diagnostic);

/// The files to check, and the problems with the paths named: folders walked for YAML and
/// JSON files, skipping what `.gitignore`, `.ignore` and hidden folders leave out, as git
/// and ripgrep do.
pub fn targets(paths: &[PathBuf], by_content: bool) -> (Vec<Target>, Vec<Problem>) {
    let mut targets = Vec::new();
    let mut problems = Vec::new();
    for (named, path) in paths.iter().enumerate() {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = Vec::new();
            for entry in ignore::WalkBuilder::new(path).require_git(false).build() {
                match entry {
                    Ok(entry) if entry.file_type().is_some_and(|t| t.is_file()) => {
                        found.push(entry.into_path());
                    }
                    Ok(_) => {}
                    Err(error) => problems.push((
                        display(path),
                        Diagnostic::new(
                            &rules::IO_UNREADABLE_FILE,
                            format!("cannot walk {}: {error}", path.display()),
                        ),
                    )),
                }
            }
            found.retain(|path| {
                matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            });
            found.sort();
            targets.extend(found.into_iter().map(|path| Target {
                path,
                found: true,
                named,
            }));
        } else if path.as_os_str() == "-" || path.symlink_metadata().is_ok() {
            targets.push(Target {
                path: path.clone(),
                found: by_content && path.as_os_str() != "-",
                named,
            });
        } else {
            problems.push((
                display(path),
                Diagnostic::new(
                    &rules::IO_UNREADABLE_FILE,
                    format!("cannot read {}: no such file or directory", display(path)),
                )
                .help("name a file or folder that exists (`-` reads standard input)"),
            ));
        }
    }
    (targets, problems)
}

/// The warning for a folder named on the command line under which nothing was checked.
pub fn nothing_to_check(path: &Path) -> Problem {
    let diagnostic = Diagnostic::new(
        &rules::IO_NOTHING_TO_CHECK,
        format!(
            "{} holds no Polyaxonfile, agent values or RBAC manifest",
            path.display()
        ),
    )
    .help("check the path; plx recognises files by their content, in `.yaml`, `.yml` and `.json` files that `.gitignore` does not leave out");
    (display(path), diagnostic)
}

/// Keys only the agent chart's values have: a file with one of them and no `kind` is the
/// platform team's values file, not a Polyaxonfile.
const AGENT_VALUES_KEYS: &[&str] = &[
    "deploymentChart",
    "agent",
    "artifactsStore",
    "defaultArtifactsStore",
    "connections",
    "gateway",
    "externalServices",
];

/// Whether a loaded file is the agent's Helm values rather than a Polyaxonfile.
pub fn is_agent_values(tree: &crate::yaml::Node) -> bool {
    tree.get("kind").is_none() && AGENT_VALUES_KEYS.iter().any(|key| tree.get(key).is_some())
}

/// What a file is, by its content: plx reads Polyaxonfiles, the agent's Helm values and RBAC
/// manifests; any other YAML in a repository is left alone.
#[derive(Debug, PartialEq)]
pub enum Content {
    /// A Polyaxonfile or the agent's values (`check_with` tells them apart).
    Polyaxon,
    Rbac,
    Other,
}

pub fn content(bytes: &[u8]) -> Content {
    // The declarations sit at the top of a file: its head is enough.
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]);
    let top_level = |key: &str| {
        head.lines().find_map(|line| {
            let line = line.trim_start_matches('{');
            let rest = match line.strip_prefix('"') {
                Some(quoted) => quoted.strip_prefix(key)?.strip_prefix('"')?,
                None => line.strip_prefix(key)?,
            };
            let value = rest.strip_prefix(':')?;
            Some(value.trim().trim_matches(['"', '\'', ',']).to_owned())
        })
    };
    let kind = top_level("kind");
    if top_level("apiVersion").is_some() {
        let rbac = matches!(
            kind.as_deref(),
            Some(
                "Role"
                    | "ClusterRole"
                    | "RoleBinding"
                    | "ClusterRoleBinding"
                    | "ServiceAccount"
                    | "List"
            )
        );
        return if rbac { Content::Rbac } else { Content::Other };
    }
    let polyaxonfile = matches!(kind.as_deref(), Some("component" | "operation"))
        || (top_level("version").is_some() && kind.is_some());
    let values = kind.is_none() && AGENT_VALUES_KEYS.iter().any(|key| top_level(key).is_some());
    if polyaxonfile || values {
        Content::Polyaxon
    } else {
        Content::Other
    }
}
