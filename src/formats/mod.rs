//! Per-format loading, pairing and rules. Format libraries are used only
//! below this module; the core sees findings.

pub mod avro;
pub mod jsonschema;
pub mod protobuf;

use std::path::Path;

use crate::error::Error;
use crate::rule::Format;

/// Which format an input holds: by extension for a file, by the files it
/// contains for a directory.
pub fn detect(input: &Path) -> Result<Format, Error> {
    let meta = std::fs::metadata(input).map_err(|e| Error::io(input, &e))?;
    if !meta.is_dir() {
        if avro::accepts(input) {
            return Ok(Format::Avro);
        }
        if protobuf::load::accepts(input) {
            return Ok(Format::Protobuf);
        }
        if jsonschema::load::accepts(input) {
            return Ok(Format::JsonSchema);
        }
        return Err(Error::usage(format!(
            "{}: not a contract wirecompat reads: expected .proto, a descriptor set \
             (.binpb, .pb), .avsc, .avpr, .avdl, a .json JSON Schema, or a directory of them",
            input.display()
        )));
    }
    let (mut proto, mut avro, mut json) = (false, false, false);
    let mut stack = vec![input.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = std::fs::read_dir(&d).map_err(|e| Error::io(&d, &e))?;
        for entry in rd.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(entry.path());
            } else if name.ends_with(".proto") {
                proto = true;
            } else if avro::load::EXTENSIONS
                .iter()
                .any(|e| name.ends_with(&format!(".{e}")))
            {
                avro = true;
            } else if name.ends_with(".json") {
                json = true;
            }
        }
        if proto && avro {
            break;
        }
    }
    match (proto, avro, json) {
        (true, false, _) => Ok(Format::Protobuf),
        (false, true, _) => Ok(Format::Avro),
        (false, false, true) => Ok(Format::JsonSchema),
        (true, true, _) => Err(Error::usage(format!(
            "{} holds both Protobuf and Avro contracts: point at one format's directory",
            input.display()
        ))),
        (false, false, false) => Err(Error::input(
            input.display().to_string(),
            0,
            0,
            "no .proto, .avsc, .avpr, .avdl or .json files in this directory",
        )),
    }
}
