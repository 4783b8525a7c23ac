//! Recognising when zwasm rejected something because it is out of scope,
//! rather than because it is wrong.

/// The short reason to record when `err` says a feature is out of scope.
///
/// zwasm reports out-of-scope features as `ValidateError::Unsupported`. The
/// text fallbacks catch the same rejection when it arrives wrapped differently
/// (e.g. a parser's "support is not enabled"); erring towards "unsupported"
/// is the safe direction, since an unsupported directive is never a pass.
pub(crate) fn unsupported_reason(err: &zwasm::Error) -> Option<String> {
    if let zwasm::Error::Validate(validate) = err
        && let zwasm_validate::ValidateError::Unsupported { feature, .. } = validate
    {
        return Some(format!("feature not supported yet: {feature}"));
    }
    let text = err.to_string();
    let line = text.lines().find_map(|line| {
        if let Some(at) = line.find("feature not supported yet") {
            Some(&line[at..])
        } else {
            // "SIMD support is not enabled": keep the feature's name, drop
            // the location prefix ("func 3 at offset 0x1d: ").
            let at = line.find("support is not enabled")?;
            let start = line[..at].rfind(": ").map_or(0, |colon| colon + 2);
            Some(&line[start..])
        }
    })?;
    Some(without_location(line).trim().to_owned())
}

/// Drops a trailing location, so that the same reason from different places
/// groups together in reports.
fn without_location(line: &str) -> &str {
    line.find(" (").map_or(line, |at| &line[..at])
}
