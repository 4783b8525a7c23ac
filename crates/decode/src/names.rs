//! Lenient decoding of the `name` custom section.
//!
//! Like other runtimes we treat the name section as debugging help only: if it
//! is malformed it is ignored as a whole rather than failing the module.

use crate::types::Names;
use wasmparser::{IndirectNameMap, Name, NameMap, NameSectionReader};

/// Names of the items of one index space, sorted by index.
type NameList = Vec<(u32, String)>;

/// Decodes the name section, or returns `None` if any part of it is malformed.
pub(crate) fn decode_names(reader: NameSectionReader<'_>) -> Option<Names> {
    let mut names = Names::default();
    for subsection in reader {
        match subsection.ok()? {
            Name::Module { name, .. } => names.module = Some(name.to_string()),
            Name::Function(map) => names.functions = name_map(map)?,
            Name::Local(map) => names.locals = indirect_name_map(map)?,
            // Other subsections (labels, types, globals, …) are not used yet.
            _ => {}
        }
    }
    Some(names)
}

/// Reads a name map, sorted by index; the first name given for an index wins.
fn name_map(map: NameMap<'_>) -> Option<NameList> {
    let mut entries = Vec::new();
    for naming in map {
        let naming = naming.ok()?;
        entries.push((naming.index, naming.name.to_string()));
    }
    entries.sort_by_key(|(index, _)| *index);
    entries.dedup_by_key(|(index, _)| *index);
    Some(entries)
}

fn indirect_name_map(map: IndirectNameMap<'_>) -> Option<Vec<(u32, NameList)>> {
    let mut entries = Vec::new();
    for naming in map {
        let naming = naming.ok()?;
        entries.push((naming.index, name_map(naming.names)?));
    }
    entries.sort_by_key(|(index, _)| *index);
    entries.dedup_by_key(|(index, _)| *index);
    Some(entries)
}

/// A name from the name section written as a wasm text identifier:
/// `$name`, quoted (`$"a b"`) when it is not a plain identifier. Every IR
/// dump names functions this way.
#[derive(Clone, Copy, Debug)]
pub struct Identifier<'a>(pub &'a str);

impl std::fmt::Display for Identifier<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plain = !self.0.is_empty()
            && self.0.chars().all(|c| {
                c.is_ascii_graphic()
                    && !matches!(c, '"' | '(' | ')' | ',' | ';' | '[' | ']' | '{' | '}')
            });
        if plain {
            write!(f, "${}", self.0)
        } else {
            write!(f, "${:?}", self.0)
        }
    }
}
