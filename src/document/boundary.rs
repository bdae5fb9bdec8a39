//! Where a path that comes from untrusted input may lead.
//!
//! A checked file, or a `plx.toml` found in the tree, may name other files: `pathRef`,
//! `hubRef`, `profile`. In CI those files come from a pull request, so every such path is
//! resolved here, once: after `..` steps and symbolic links it must stay inside the
//! repository of the file that names it (the nearest folder above it holding `.git`, else
//! the folder plx was started in), or inside `--hub-dir` for hub references, and it must be a
//! regular file. A refusal names the path as written and the boundary, never what the file
//! holds (it is not read).

use std::path::{Component, Path, PathBuf};

/// A folder that untrusted paths must stay inside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Boundary {
    root: PathBuf,
    what: &'static str,
}

/// Why a named path was not followed.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Nothing there (or a link to nothing).
    Missing,
    /// A folder, FIFO, device, ...
    NotAFile,
    /// It leads outside the boundary: which one (`the repository`, `` `--hub-dir` ``).
    Outside(&'static str),
}

impl Boundary {
    /// The repository of `file` (a file or a folder): the nearest folder at or above it that
    /// holds `.git`, else the folder plx was started in.
    pub fn repository_of(file: &Path) -> Boundary {
        let absolute = std::fs::canonicalize(file)
            .or_else(|_| std::path::absolute(file))
            .unwrap_or_else(|_| file.to_path_buf());
        let start = if absolute.is_dir() {
            Some(absolute.as_path())
        } else {
            absolute.parent()
        };
        let root = start
            .into_iter()
            .flat_map(Path::ancestors)
            .find(|dir| dir.join(".git").exists())
            .map(Path::to_path_buf)
            .or_else(|| std::env::current_dir().ok())
            .and_then(|dir| std::fs::canonicalize(dir).ok())
            .unwrap_or_else(|| PathBuf::from("/"));
        Boundary {
            root,
            what: "the repository",
        }
    }

    /// The folder of vendored hub components (`--hub-dir`, named on the command line).
    pub fn hub_dir(dir: &Path) -> Boundary {
        Boundary {
            root: std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()),
            what: "`--hub-dir`",
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `named`, written in a file whose folder is `base`, as a canonical path to a regular
    /// file inside the boundary. `..` steps are judged before the file system is asked, so a
    /// path that leads out is refused without learning whether its target exists.
    pub fn resolve(&self, base: &Path, named: &str) -> Result<PathBuf, Refusal> {
        let base = std::fs::canonicalize(base).unwrap_or_else(|_| normalize(base));
        let outside = || Refusal::Outside(self.what);
        let joined = normalize(&base.join(named));
        if !joined.starts_with(&self.root) {
            return Err(outside());
        }
        let canonical = std::fs::canonicalize(&joined).map_err(|_| Refusal::Missing)?;
        if !canonical.starts_with(&self.root) {
            return Err(outside());
        }
        if !canonical.is_file() {
            return Err(Refusal::NotAFile);
        }
        Ok(canonical)
    }
}

/// `..` and `.` steps resolved by their text, as an absolute path.
fn normalize(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for part in absolute.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("plx-boundary-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("repo/.git")).unwrap();
        std::fs::create_dir_all(dir.join("repo/ops")).unwrap();
        std::fs::write(dir.join("repo/ops/op.yaml"), "x").unwrap();
        std::fs::write(dir.join("repo/comp.yaml"), "x").unwrap();
        std::fs::write(dir.join("outside.yaml"), "x").unwrap();
        std::fs::canonicalize(dir).unwrap()
    }

    #[test]
    fn paths_stay_inside_the_repository() {
        let dir = scratch("inside");
        let repository = Boundary::repository_of(&dir.join("repo/ops/op.yaml"));
        assert_eq!(repository.root(), dir.join("repo"));
        let base = dir.join("repo/ops");
        assert_eq!(
            repository.resolve(&base, "../comp.yaml"),
            Ok(dir.join("repo/comp.yaml"))
        );
        for escape in ["../../outside.yaml", "/etc/passwd", "/proc/self/environ"] {
            assert!(
                matches!(repository.resolve(&base, escape), Err(Refusal::Outside(_))),
                "{escape}"
            );
        }
        assert_eq!(
            repository.resolve(&base, "missing.yaml"),
            Err(Refusal::Missing)
        );
        assert_eq!(repository.resolve(&base, "."), Err(Refusal::NotAFile));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_does_not_lead_out() {
        let dir = scratch("link");
        std::os::unix::fs::symlink(dir.join("outside.yaml"), dir.join("repo/link.yaml")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", dir.join("repo/passwd.yaml")).unwrap();
        let repository = Boundary::repository_of(&dir.join("repo/comp.yaml"));
        for link in ["link.yaml", "passwd.yaml"] {
            assert!(
                matches!(
                    repository.resolve(&dir.join("repo"), link),
                    Err(Refusal::Outside(_))
                ),
                "{link}"
            );
        }
        let _ = std::fs::remove_dir_all(dir);
    }
}
