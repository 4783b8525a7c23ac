//! Matching the error text a script expects against what zwasm reported.
//!
//! The spec interpreter's messages are the reference, and zwasm's trap codes
//! use the same wording, but the scripts are sometimes more specific than a
//! trap code can be (`uninitialized element 2`). So an expected message
//! matches when
//! 1. zwasm's error text contains it, or
//! 2. it starts with the trap code's text (wasmtime's harness does the same), or
//! 3. it is a known alias of something zwasm's text contains ([`ALIASES`]).

/// Pairs of messages that different spec versions use for the same failure.
/// Matching is symmetric. Keep this small: every entry hides a wording
/// difference, so each needs a reason.
const ALIASES: &[(&str, &str)] = &[
    // Wasm 1.0 said "undefined element" for a call_indirect on an index past
    // the table or on a null entry; Wasm 2.0 splits it into out of bounds
    // ("undefined element") and null ("uninitialized element").
    ("undefined element", "uninitialized element"),
];

/// What zwasm reported, as text.
#[derive(Debug)]
pub(crate) struct ActualError<'a> {
    /// The full error text (`Display`).
    pub full: &'a str,
    /// The trap code's text, when the error is a trap.
    pub trap_code: Option<&'a str>,
}

pub(crate) fn message_matches(expected: &str, actual: &ActualError<'_>) -> bool {
    let expected = expected.trim();
    if expected.is_empty() || actual.full.contains(expected) {
        return true;
    }
    if let Some(code) = actual.trap_code
        && !code.is_empty()
        && expected.starts_with(code)
    {
        return true;
    }
    ALIASES.iter().any(|&(a, b)| {
        let alias = if expected.starts_with(a) {
            b
        } else if expected.starts_with(b) {
            a
        } else {
            return false;
        };
        actual.full.contains(alias) || actual.trap_code.is_some_and(|code| code.starts_with(alias))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trap(code: &str) -> ActualError<'_> {
        ActualError {
            full: code,
            trap_code: Some(code),
        }
    }

    #[test]
    fn contained_message_matches() {
        let actual = ActualError {
            full: "wasm trap: integer divide by zero\nwasm backtrace: ...",
            trap_code: Some("integer divide by zero"),
        };
        assert!(message_matches("integer divide by zero", &actual));
        assert!(!message_matches("integer overflow", &actual));
    }

    #[test]
    fn more_specific_expectation_matches_trap_code_prefix() {
        assert!(message_matches(
            "uninitialized element 2",
            &trap("uninitialized element")
        ));
        assert!(message_matches(
            "unreachable executed",
            &trap("unreachable")
        ));
    }

    #[test]
    fn aliases_match_both_ways() {
        assert!(message_matches(
            "undefined element",
            &trap("uninitialized element")
        ));
        assert!(message_matches(
            "uninitialized element",
            &trap("undefined element")
        ));
        assert!(!message_matches(
            "undefined element",
            &trap("out of bounds memory access")
        ));
    }
}
