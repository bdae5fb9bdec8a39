//! What the command line names besides the checked files: the agent's values, params,
//! presets and RBAC profiles, each read once through the one bounded reader, each problem a
//! [`Stop`] with its rule.

use std::path::Path;

use super::{Stop, display, invalid_argument};
use crate::cli::RunFlags;
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{SourceFile, read};
use crate::model::agent::AgentValues;
use crate::params;
use crate::rbac::profile::{self, Profile};
use crate::rules;
use crate::yaml::Node;

/// Why a file named on the command line could not be read (IO001), naming it.
pub fn unreadable(path: &Path, error: &read::ReadError) -> Diagnostic {
    Diagnostic::new(
        &rules::IO_UNREADABLE_FILE,
        format!("cannot read {}: {error}", display(path)),
    )
    .help("name a regular file that exists (`-` reads standard input)")
}

/// A file named on the command line, in full: a special file or one over the size limit is
/// refused (IO001; the size limit is YAML008's, as for checked files).
pub fn read_named(path: &Path) -> Result<Vec<u8>, Stop> {
    read::read(path).map_err(|error| {
        let (source, diagnostic) = unread(path, &error);
        Stop::file(source, vec![diagnostic])
    })
}

/// A file the reader refused, as reported: YAML008 (with the file's size) for one over the
/// limit, else IO001 naming it.
pub fn unread(path: &Path, error: &read::ReadError) -> (SourceFile, Diagnostic) {
    crate::document::load::too_large(&display(path), error)
        .unwrap_or_else(|| (SourceFile::unread(display(path)), unreadable(path, error)))
}

/// `--values`: the agent's Helm values, without errors (their findings stop the command and
/// are reported as `plx check` reports them).
pub fn agent_values(path: &Path) -> Result<AgentValues, Stop> {
    let bytes = read_named(path)?;
    let inspected = super::inspect::inspect(&display(path), bytes, &Default::default());
    if inspected.diagnostics().iter().any(Diagnostic::is_error) {
        let (source, diagnostics) = inspected.into_parts();
        return Err(Stop::file(source, diagnostics));
    }
    let values = match inspected {
        super::inspect::Inspected::AgentValues(checked) => checked.values,
        super::inspect::Inspected::Polyaxonfile(_) => None,
    };
    values.ok_or_else(|| {
        invalid_argument(
            format!("{} is not the agent's Helm values", display(path)),
            "pass the values file of the Polyaxon agent's Helm release: YAML without `kind` whose top-level keys are keys of the chart's values",
        )
    })
}

/// What `--values`, `-P` and `--params-file` give a run: the agent's values, and the params.
pub fn run_flags(flags: &RunFlags) -> Result<(Option<AgentValues>, Vec<params::Given>), Stop> {
    let values = flags.values.as_deref().map(agent_values).transpose()?;
    let params = params(&flags.params, flags.params_file.as_deref())?;
    Ok((values, params))
}

/// `-P name=value` flags and a `--params-file`, the flags winning over the file.
fn params(flags: &[(String, String)], file: Option<&Path>) -> Result<Vec<params::Given>, Stop> {
    let mut given = match file {
        Some(path) => {
            let bytes = read_named(path)?;
            let text = String::from_utf8_lossy(&bytes);
            params::read_file(&text).map_err(|error| {
                invalid_argument(
                    format!("--params-file {}: {error}", display(path)),
                    "a params file is a YAML or JSON mapping of input names to values",
                )
            })?
        }
        None => Vec::new(),
    };
    for (name, value) in flags {
        if flags.iter().filter(|(other, _)| other == name).count() > 1 {
            return Err(invalid_argument(
                format!("-P {name} is given more than once"),
                "give each param once",
            ));
        }
        given.retain(|g| g.name != *name);
        given.push(params::Given {
            name: name.clone(),
            raw: params::Raw::Text(value.clone()),
            origin: params::Origin::Flag,
        });
    }
    Ok(given)
}

/// `-f`: presets, each a YAML mapping.
pub fn presets(paths: &[std::path::PathBuf]) -> Result<Vec<Node>, Stop> {
    let mut presets = Vec::new();
    for path in paths {
        let bytes = read_named(path)?;
        let (_, tree, _) =
            crate::document::load::load(&display(path), bytes, crate::yaml::Limits::default());
        match tree {
            Some(tree) if tree.entries().is_some() => presets.push(tree),
            _ => {
                return Err(invalid_argument(
                    format!("-f {}: a preset is a YAML mapping", display(path)),
                    format!("`plx check {}` shows what is wrong with it", display(path)),
                ));
            }
        }
    }
    Ok(presets)
}

/// Where an RBAC profile is named: a flag (a path from the command line), or `plx.toml`
/// (a path resolved inside the repository of that `plx.toml`).
pub enum ProfileName<'a> {
    Flag(&'a str),
    Config(&'a Config, &'a str),
    Default,
}

impl<'a> ProfileName<'a> {
    /// The flag, else `profile` in plx.toml, else Polyaxon's own.
    pub fn chosen(flag: Option<&'a str>, config: Option<&'a Config>) -> Self {
        match (
            flag,
            config.and_then(|c| c.profile.as_deref().map(|p| (c, p))),
        ) {
            (Some(flag), _) => ProfileName::Flag(flag),
            (None, Some((config, name))) => ProfileName::Config(config, name),
            (None, None) => ProfileName::Default,
        }
    }
}

/// A profile by built-in name or path, with `--with` naming optional parts of it.
pub fn profile(name: ProfileName<'_>, with: &[String]) -> Result<Profile, Stop> {
    let (written, path) = match name {
        ProfileName::Default => return built_in("polyaxon", with),
        ProfileName::Flag(name) | ProfileName::Config(_, name)
            if profile::built_in(name).is_some() =>
        {
            return built_in(name, with);
        }
        ProfileName::Flag(path) => (path, Path::new(path).to_path_buf()),
        ProfileName::Config(config, path) => (path, config.path(path).map_err(Stop::from)?),
    };
    if !path.exists() {
        let names: Vec<&str> = profile::BUILT_IN.iter().map(|(n, _)| *n).collect();
        return Err(invalid_argument(
            format!("no profile `{written}`"),
            format!(
                "give a built-in one ({}) or a profile file",
                names.join(", ")
            ),
        ));
    }
    let bytes = read_named(&path)?;
    let profile = profile::parse(&display(&path), bytes)
        .map_err(|error| Stop::argument(error.source, error.diagnostics))?;
    let misplaced = profile.misplaced_rules();
    if !misplaced.is_empty() {
        let source = SourceFile::unread(display(&path));
        let diagnostics = misplaced
            .into_iter()
            .map(|problem| Diagnostic::new(&rules::CLI_INVALID_ARGUMENT, problem))
            .collect();
        return Err(Stop::argument(source, diagnostics));
    }
    check_parts(&profile, with)?;
    Ok(profile)
}

fn built_in(name: &str, with: &[String]) -> Result<Profile, Stop> {
    let profile = profile::built_in(name).expect("a built-in profile");
    check_parts(&profile, with)?;
    Ok(profile)
}

/// `--with` must name optional parts of the profile.
fn check_parts(profile: &Profile, with: &[String]) -> Result<(), Stop> {
    let Some(name) = with
        .iter()
        .find(|name| !profile.parts.iter().any(|p| p.optional && &p.name == *name))
    else {
        return Ok(());
    };
    let optional: Vec<&str> = profile
        .parts
        .iter()
        .filter(|p| p.optional)
        .map(|p| p.name.as_str())
        .collect();
    Err(invalid_argument(
        format!("profile `{}` has no optional part `{name}`", profile.name),
        format!(
            "its optional parts: {}",
            if optional.is_empty() {
                "none".to_owned()
            } else {
                optional.join(", ")
            }
        ),
    ))
}

/// A namespace from the command line: a DNS-1123 label, as the API server requires.
pub fn namespace(flag: &str, namespace: &str) -> Result<(), Stop> {
    let errors = crate::k8s::validation::dns1123_label(namespace);
    if errors.is_empty() {
        return Ok(());
    }
    Err(invalid_argument(
        format!("invalid {flag} `{namespace}`: {}", errors.join("; ")),
        "a namespace is a DNS-1123 label: lowercase letters, digits and `-`, at most 63 characters, starting and ending with a letter or digit",
    ))
}
