//! The fuzzer's bytes as a file plx is named, in a repository of its own (one per process).

use std::path::PathBuf;
use std::sync::OnceLock;

pub fn file(data: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("plx-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(".git")).expect("a scratch folder");
        dir
    });
    let path = dir.join("input.yaml");
    std::fs::write(&path, data).expect("the input is written");
    path
}
