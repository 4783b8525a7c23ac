//! `zwasm validate`: report whether a module is valid.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;
use zwasm_validate::{Features, validate_all};

use crate::failure::CliFailure;
use crate::input::read_module_binary;

pub(crate) fn validate(
    file: &Path,
    verbose: bool,
    features: &Features,
) -> Result<ExitCode, CliFailure> {
    let bytes = read_module_binary(file)?;
    match validate_all(&bytes, features) {
        Ok(_) => {
            if verbose {
                println!("ok");
            }
            Ok(ExitCode::SUCCESS)
        }
        // The error's text names the function, the offset and the reason.
        Err(err) => Err(anyhow!("invalid module `{}`: {err}", file.display()).into()),
    }
}
