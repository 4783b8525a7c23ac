//! The shared golden corpus in `tests/wat/` at the workspace root.

use std::path::{Path, PathBuf};

/// The `.wat` files of `tests/wat/`, sorted by name, with their binaries.
pub fn wat_modules() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wat");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.extension().is_some_and(|ext| ext == "wat"))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let bytes = wat::parse_file(&path).ok()?;
            Some((path, bytes))
        })
        .collect()
}
