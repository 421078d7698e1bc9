//! Per-format loading, pairing and rules. Format libraries are used only
//! below this module; the core sees findings.

pub mod protobuf;
