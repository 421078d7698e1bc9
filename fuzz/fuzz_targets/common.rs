//! What the targets share: a private scratch directory (inputs go through
//! the same file loaders the CLI uses) and one rule: any result is fine,
//! a panic is a bug.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A directory of this process's own, under /dev/shm when there is one.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let d = base.join(format!("wirecompat-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("scratch directory");
        d
    })
}

/// Writes `data` to `name` in the scratch directory (a subdirectory per
/// side for pairs) and returns its path.
pub fn put(sub: &str, name: &str, data: &[u8]) -> PathBuf {
    let d = scratch().join(sub);
    std::fs::create_dir_all(&d).expect("scratch subdirectory");
    let p = d.join(name);
    std::fs::write(&p, data).expect("scratch file");
    p
}
