//! `plx.toml`: a project's choices, found like ruff and yamllint find theirs, by walking up
//! from the checked file's folder to the first `plx.toml`.
//!
//! ```toml
//! select = ["SCH", "K8S", "SEC"]      # rule codes or prefixes to report (default: all)
//! ignore = ["SEC009"]                 # ... and to leave out
//! fail-on = "warning"                 # exit 1 on warnings too (default: "error")
//! profile = "polyaxon"                # the RBAC profile for `--rbac` and `render`
//!
//! [service-accounts]                  # the account a run gets when its file names none
//! job = "polyaxon-jobs"
//! service = "polyaxon-notebooks"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::document::boundary::{Boundary, Refusal};
use crate::rules::{self, RULES};

pub const FILE_NAME: &str = "plx.toml";

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Config {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub fail_on: Option<FailOn>,
    pub profile: Option<String>,
    /// Run kind (`job`, `service`) -> the service account its runs get by default.
    #[serde(default)]
    pub service_accounts: BTreeMap<String, String>,
    /// The file it was read from: paths it names are relative to its folder.
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    #[default]
    Error,
    Warning,
}

/// The run kinds `[service-accounts]` may name: those `plx render` writes.
const RUN_KINDS: &[&str] = &["job", "service"];

impl Config {
    /// Reads and validates a `plx.toml`.
    pub fn read(path: &Path) -> Result<Config, Box<Diagnostic>> {
        let invalid = |message: String| {
            Box::new(
                Diagnostic::new(
                    &rules::CLI_INVALID_ARGUMENT,
                    format!("{}: {message}", path.display()),
                )
                .help("`docs/config.md` lists what plx.toml may hold"),
            )
        };
        let bytes = crate::document::read::read(path).map_err(|error| {
            Box::new(Diagnostic::new(
                &rules::IO_UNREADABLE_FILE,
                format!("cannot read `{}`: {error}", path.display()),
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|_| invalid("not UTF-8 text".to_owned()))?;
        let mut config: Config =
            toml::from_str(&text).map_err(|e| invalid(e.message().to_owned()))?;
        for selector in config.select.iter().chain(&config.ignore).flatten() {
            check_selector(selector).map_err(invalid)?;
        }
        for kind in config.service_accounts.keys() {
            if !RUN_KINDS.contains(&kind.as_str()) {
                return Err(invalid(format!(
                    "[service-accounts] names `{kind}`; plx renders runs of kind {}",
                    RUN_KINDS.join(" and ")
                )));
            }
        }
        config.file = Some(path.to_path_buf());
        Ok(config)
    }

    /// The nearest `plx.toml` at or above `start` (a file or a folder), read. One found in
    /// the tree is untrusted: when it is a symbolic link, it must lead inside the repository
    /// it was found in.
    pub fn find(start: &Path) -> Result<Option<Config>, Box<Diagnostic>> {
        let absolute = std::path::absolute(start).map_err(|e| {
            Diagnostic::new(
                &rules::IO_UNREADABLE_FILE,
                format!("{}: {e}", start.display()),
            )
        })?;
        let mut folder = if absolute.is_dir() {
            Some(absolute.as_path())
        } else {
            absolute.parent()
        };
        while let Some(dir) = folder {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                let linked = std::fs::symlink_metadata(&candidate).is_ok_and(|m| m.is_symlink());
                if linked {
                    Boundary::repository_of(dir)
                        .resolve(dir, FILE_NAME)
                        .map_err(|refusal| {
                            let shown = format!("`{}`, a symbolic link,", candidate.display());
                            refused(&shown, &candidate, refusal)
                        })?;
                }
                return Config::read(&candidate).map(Some);
            }
            folder = dir.parent();
        }
        Ok(None)
    }

    /// A path `plx.toml` names (its `profile`), inside the repository of the `plx.toml`.
    pub fn path(&self, named: &str) -> Result<PathBuf, Box<Diagnostic>> {
        let file = self.file.as_deref().unwrap_or(Path::new(FILE_NAME));
        let folder = file.parent().unwrap_or(Path::new("."));
        Boundary::repository_of(file)
            .resolve(folder, named)
            .map_err(|refusal| {
                let shown = format!("the profile `{named}` that `{}` names", file.display());
                refused(&shown, &folder.join(named), refusal)
            })
    }
}

/// A path `plx.toml` names or is, refused: the path and why, never its content.
fn refused(shown: &str, path: &Path, refusal: Refusal) -> Box<Diagnostic> {
    Box::new(match refusal {
        Refusal::Outside(boundary) => Diagnostic::new(
            &rules::IO_OUTSIDE_REPOSITORY,
            format!("{shown} leads outside {boundary}: plx does not read it"),
        )
        .help("plx.toml may only name files inside its repository; name a built-in profile or a file next to plx.toml"),
        Refusal::Missing => Diagnostic::new(
            &rules::IO_UNREADABLE_FILE,
            format!("cannot read `{}`: no such file", path.display()),
        ),
        Refusal::NotAFile => Diagnostic::new(
            &rules::IO_UNREADABLE_FILE,
            format!("cannot read `{}`: it is not a regular file", path.display()),
        ),
    })
}

/// A selector names a rule (`SEC007`, `run-as-root`) or a prefix of codes (`SEC`, `K8S00`).
pub fn check_selector(selector: &str) -> Result<(), String> {
    if RULES
        .iter()
        .any(|rule| matches(rule.code, rule.name, selector))
    {
        Ok(())
    } else {
        Err(format!(
            "`{selector}` selects no rule; `plx rules` lists them"
        ))
    }
}

fn matches(code: &str, name: &str, selector: &str) -> bool {
    code.starts_with(&selector.to_ascii_uppercase()) || name.eq_ignore_ascii_case(selector)
}

/// Which rules are reported: `select` (all when empty), minus `ignore`.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    /// Usage and I/O problems (CLI, IO) are always reported: a selection cannot hide that a
    /// file was not read.
    pub fn reports(&self, code: &str) -> bool {
        let Some(rule) = RULES.iter().find(|r| r.code == code) else {
            return true;
        };
        if rule.is_usage() {
            return true;
        }
        let selected =
            self.select.is_empty() || self.select.iter().any(|s| matches(rule.code, rule.name, s));
        selected && !self.ignore.iter().any(|s| matches(rule.code, rule.name, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_are_codes_prefixes_or_names() {
        let selection = Selection {
            select: vec!["SEC".into(), "K8S001".into()],
            ignore: vec!["run-as-root".into()],
        };
        assert!(selection.reports("SEC001"));
        assert!(!selection.reports("SEC007"));
        assert!(selection.reports("K8S001"));
        assert!(!selection.reports("K8S002"));
        assert!(check_selector("sec").is_ok());
        assert!(check_selector("NOPE").is_err());
    }

    #[test]
    fn a_config_with_unknown_keys_or_kinds_is_refused() {
        assert!(toml::from_str::<Config>("selekt = []").is_err());
        let config: Config = toml::from_str(
            "select = [\"SCH\"]\nfail-on = \"warning\"\n[service-accounts]\njob = \"jobs-sa\"\n",
        )
        .unwrap();
        assert_eq!(config.fail_on, Some(FailOn::Warning));
        assert_eq!(config.service_accounts["job"], "jobs-sa");
    }
}
