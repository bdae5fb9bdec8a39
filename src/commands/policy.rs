//! What counts for each file: the rules reported, the suppressions honoured and the severity
//! that fails the run, from `plx.toml` (the nearest above the file, or `--config`) and the
//! command line, which wins.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Stop, invalid_argument};
use crate::cli::RuleFlags;
use crate::config::{self, Config, FailOn, Selection};
use crate::diagnostic::Diagnostic;

#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub selection: Selection,
    pub inline: bool,
    pub fail_on_warnings: bool,
    /// The `plx.toml` it came from (empty without one), for what else it sets.
    pub config: Config,
}

/// Finds each file's policy, reading each `plx.toml` once.
pub struct Policies<'a> {
    flags: &'a RuleFlags,
    strict: bool,
    cache: Mutex<HashMap<PathBuf, Result<Policy, Box<Diagnostic>>>>,
}

impl<'a> Policies<'a> {
    /// The flags' selectors must each name a rule.
    pub fn new(flags: &'a RuleFlags, strict: bool) -> Result<Self, Stop> {
        for selector in flags.select.iter().chain(&flags.ignore) {
            config::check_selector(selector)
                .map_err(|message| invalid_argument(message, "`plx rules` lists the rules"))?;
        }
        Ok(Self {
            flags,
            strict,
            cache: Mutex::default(),
        })
    }

    /// The `plx.toml` for a file (`-` and `.`: the current folder's), or `--config`'s.
    pub fn config_for(&self, path: &Path) -> Result<Option<Config>, Box<Diagnostic>> {
        match &self.flags.config {
            Some(file) => Config::read(file).map(Some),
            None if path == Path::new("-") => Config::find(Path::new(".")),
            None => Config::find(path),
        }
    }

    pub fn for_file(&self, path: &Path) -> Result<Policy, Box<Diagnostic>> {
        let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let cached = || self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(known) = cached().get(&folder) {
            return known.clone();
        }
        let policy = self.config_for(path).map(|config| {
            let config = config.unwrap_or_default();
            let pick = |flag: &Vec<String>, file: &Option<Vec<String>>| {
                if flag.is_empty() {
                    file.clone().unwrap_or_default()
                } else {
                    flag.clone()
                }
            };
            Policy {
                selection: Selection {
                    select: pick(&self.flags.select, &config.select),
                    ignore: pick(&self.flags.ignore, &config.ignore),
                },
                inline: !self.flags.no_inline_ignores,
                fail_on_warnings: self.strict
                    || self.flags.fail_on.or(config.fail_on) == Some(FailOn::Warning),
                config,
            }
        });
        cached().insert(folder, policy.clone());
        policy
    }
}
