//! Reading a module file given on the command line.

use std::path::Path;

use anyhow::Context;

/// The module's binary: `.wasm` bytes as they are, text (`.wat` or anything
/// that is not a wasm binary) assembled first.
pub(crate) fn read_module_binary(path: &Path) -> anyhow::Result<Vec<u8>> {
    let bytes = read_file(path)?;
    let binary = wat::parse_bytes(&bytes)
        .map_err(|err| {
            let mut err = err;
            err.set_path(path);
            anyhow::anyhow!("{err}")
        })
        .with_context(|| format!("failed to parse text format of `{}`", path.display()))?;
    Ok(binary.into_owned())
}

pub(crate) fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))
}
