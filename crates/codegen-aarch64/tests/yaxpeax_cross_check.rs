//! Cross-check with an independent pure-Rust disassembler, yaxpeax-arm:
//! it decodes our bytes, and its text must agree with our printer once
//! the two syntaxes are normalised (numbers to decimal, `$+0x8` targets to
//! `.+8`, `hs`/`lo` to `cs`/`cc`). Where yaxpeax picks another alias or
//! prints an operand its own way (listed in `STYLE_DIFFERENCES`), the
//! mnemonics must still belong to the same family.

mod common;

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::InstDecoder;

fn yaxpeax_text(word: u32) -> Option<String> {
    let bytes = word.to_le_bytes();
    let mut reader = U8Reader::new(&bytes[..]);
    InstDecoder::default()
        .decode(&mut reader)
        .ok()
        .map(|inst| inst.to_string())
}

/// Rewrites every `#0x..`/`#..` integer and `$±0x..` target in decimal,
/// floating-point immediates in Rust's shortest form, and spells the carry
/// conditions one way.
fn normalize(text: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '#' || c == '$' || c == '.') && i + 1 < chars.len() {
            let prefix = if c == '#' { "#" } else { "." };
            let mut j = i + 1;
            let mut sign = "";
            if chars[j] == '-' || (c != '#' && chars[j] == '+') {
                sign = if chars[j] == '-' { "-" } else { "+" };
                j += 1;
            }
            let rest: String = chars[j..].iter().collect();
            let (digits, radix, skip) = if let Some(hex) = rest.strip_prefix("0x") {
                (
                    hex.chars()
                        .take_while(char::is_ascii_hexdigit)
                        .collect::<String>(),
                    16,
                    2,
                )
            } else {
                (
                    rest.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>(),
                    10,
                    0,
                )
            };
            let is_float = chars.get(j + skip + digits.len()) == Some(&'.');
            if is_float && c == '#' {
                let literal: String = chars[i + 1..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || "+-.e".contains(**c))
                    .collect();
                if let Ok(value) = literal.parse::<f64>() {
                    out.push_str(&format!("#{value:?}"));
                    i += 1 + literal.len();
                    continue;
                }
            }
            if !digits.is_empty() && !is_float && (c == '#' || !sign.is_empty()) {
                let value = u128::from_str_radix(&digits, radix).unwrap();
                out.push_str(&format!("{prefix}{sign}{value}"));
                i = j + skip + digits.len();
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out.split(' ')
        .map(|word| match word.trim_end_matches(',') {
            "hs" | "b.hs" | "lo" | "b.lo" => word.replace("hs", "cs").replace("lo", "cc"),
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows whose yaxpeax text differs from objdump's in style, with why.
const STYLE_DIFFERENCES: &[(&str, &str)] = &[
    (
        "add x0, x1, x2, lsr #0",
        "yaxpeax drops a zero shift amount",
    ),
    (
        "and x0, x1, x2, lsr #0",
        "yaxpeax drops a zero shift amount",
    ),
    (
        "orr x5, xzr, x6, lsr #0",
        "yaxpeax drops a zero shift amount",
    ),
    ("add x0, x1, w2, uxtw", "yaxpeax omits or renames extends"),
    (
        "add x0, x1, w2, uxtw #2",
        "yaxpeax omits or renames extends",
    ),
    (
        "add x21, x22, x23, uxtx",
        "yaxpeax omits or renames extends",
    ),
    ("add sp, x1, w2, uxtw", "yaxpeax omits or renames extends"),
    ("adds x0, x1, w2, uxtw", "yaxpeax omits or renames extends"),
    ("cmp x10, w11, uxtw", "yaxpeax omits or renames extends"),
    ("adds xzr, x1, x2, uxtx", "yaxpeax omits or renames extends"),
    ("cmp x17, x16, uxtx", "yaxpeax omits or renames extends"),
    (
        "ldr x15, [x16, x17, sxtx]",
        "yaxpeax shows an unscaled index as #0",
    ),
    (
        "ldrsb x24, [x25, w26, sxtw]",
        "yaxpeax shows an unscaled index as #0",
    ),
    (
        "str d23, [x24, w25, sxtw]",
        "yaxpeax shows an unscaled index as #0",
    ),
    (
        "ldrb w0, [x1, x2, lsl #0]",
        "yaxpeax hides a byte access's #0 scale",
    ),
    (
        "ldrb w0, [x1, w2, uxtw #0]",
        "yaxpeax hides a byte access's #0 scale",
    ),
    (
        "orr x0, xzr, #0xff",
        "yaxpeax prefers mov even where movz could encode it",
    ),
    (
        "orr x4, xzr, #0xffffffffffff0000",
        "yaxpeax prefers mov even where movn could encode it",
    ),
    (
        "orr x5, xzr, #0xfffffffffff0ffff",
        "yaxpeax prefers mov even where movn could encode it",
    ),
    (
        "orr w6, wzr, #0xffff",
        "yaxpeax prefers mov even where movz could encode it",
    ),
    (
        "orr w7, wzr, #0xfffffffe",
        "yaxpeax prefers mov even where movn could encode it",
    ),
    ("movz x4, #0, lsl #32", "yaxpeax shows every movz as mov"),
    ("movn w8, #0xffff", "yaxpeax shows every movn as mov"),
    ("movn x10, #0, lsl #16", "yaxpeax shows every movn as mov"),
];

/// Mnemonics that name the same instruction in the two styles.
fn same_family(ours: &str, theirs: &str) -> bool {
    fn family(text: &str) -> &str {
        match text.split(' ').next().unwrap_or("") {
            "orr" | "mov" | "movz" | "movn" => "mov",
            "adds" | "cmn" => "adds",
            other => other,
        }
    }
    family(ours) == family(theirs)
}

#[test]
fn yaxpeax_decodes_our_bytes_to_the_same_instruction() {
    let mut failures = Vec::new();
    let mut exact = 0;
    for (source, inst) in common::rows::rows() {
        let ours = normalize(&inst.to_string());
        let Some(theirs) = yaxpeax_text(inst.encode()).map(|text| normalize(&text)) else {
            failures.push(format!(
                "{source:?}: yaxpeax cannot decode {:08x}",
                inst.encode()
            ));
            continue;
        };
        let style_difference = STYLE_DIFFERENCES.iter().any(|(row, _)| *row == source);
        if ours == theirs {
            exact += 1;
            if style_difference {
                failures.push(format!(
                    "{source:?}: listed as a style difference but now agrees"
                ));
            }
        } else if !style_difference {
            failures.push(format!("{source:?}: ours {ours:?}, yaxpeax {theirs:?}"));
        } else if !same_family(&ours, &theirs) {
            failures.push(format!(
                "{source:?}: different instruction: ours {ours:?}, yaxpeax {theirs:?}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(exact + STYLE_DIFFERENCES.len() >= 250);
}

#[test]
fn normalisation() {
    assert_eq!(normalize("ldr x0, [x1, #0x8]!"), "ldr x0, [x1, #8]!");
    assert_eq!(normalize("b.hs $-0x10"), "b.cs .-16");
    assert_eq!(normalize("b.cs .-16"), "b.cs .-16");
    assert_eq!(
        normalize("fmov d0, #-1.250000000000000000e-01"),
        "fmov d0, #-0.125"
    );
    assert_eq!(normalize("fmov d0, #-0.125"), "fmov d0, #-0.125");
    assert_eq!(normalize("cset w0, lo"), "cset w0, cc");
}
