//! Invariants over every testdata case: a version compared with itself gives
//! no finding; under FULL, what check(old, new) reports as breaking equals
//! what check(new, old) reports with the directions (and sides) swapped.
//!
//! Findings that break no direction (guards such as an unreserved deleted
//! number, or information) describe one version's history and have no mirror
//! image, so the symmetry is over breaking findings.

mod common;

#[test]
fn a_version_compared_with_itself_is_clean() {
    for case in ["protobuf", "avro", "jsonschema"]
        .iter()
        .flat_map(|f| common::cases(f))
    {
        for side in [&case.old, &case.new] {
            let r = common::check_with(side, side, &case.opts);
            assert!(
                r.findings.is_empty(),
                "{}: {} against itself gives:\n{}",
                case.name,
                side.display(),
                common::render(&r)
            );
        }
    }
}

#[test]
fn full_is_symmetric() {
    for case in ["protobuf", "avro", "jsonschema"]
        .iter()
        .flat_map(|f| common::cases(f))
    {
        let forward = common::check_with(&case.old, &case.new, &case.opts);
        let reverse = common::check_with(&case.new, &case.old, &case.opts);
        assert_eq!(
            common::breaking_keys(&forward.findings, false),
            common::breaking_keys(&reverse.findings, true),
            "{}: check(old,new) and check(new,old) disagree once swapped\nforward:\n{}\nreverse:\n{}",
            case.name,
            common::render(&forward),
            common::render(&reverse)
        );
        assert_eq!(
            forward.compatible(),
            reverse.compatible(),
            "{}: FULL verdict not symmetric",
            case.name
        );
    }
}
