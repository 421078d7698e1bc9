//! One `testdata/<format>/<rule_name>/` case per rule, each with a snapshot
//! (`findings.snap`) of every finding that all rules produce on it.

mod common;

use std::collections::BTreeSet;

#[test]
fn every_case_matches_its_snapshot() {
    let mut failed = Vec::new();
    for case in common::cases("protobuf") {
        let report = common::check(&case.old, &case.new);
        let text = common::render(&report);
        let dir = case.dir.clone();
        let result = std::panic::catch_unwind(|| {
            insta::with_settings!({
                snapshot_path => dir,
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("testdata/protobuf/{}", case.name),
            }, {
                insta::assert_snapshot!("findings", text);
            });
        });
        if result.is_err() {
            failed.push(case.name.clone());
        }
    }
    assert!(failed.is_empty(), "snapshots differ for: {failed:?}");
}

#[test]
fn every_rule_has_a_case_that_fires_it() {
    let mut fired = BTreeSet::new();
    let cases = common::cases("protobuf");
    let names: BTreeSet<String> = cases.iter().map(|c| c.name.clone()).collect();
    for case in &cases {
        let r = common::check(&case.old, &case.new);
        for f in &r.findings {
            fired.insert(f.rule.name);
        }
        // Each case is named after the rule it is for, and fires it.
        if let Some(rule) = wirecompat::rule::find(&case.name) {
            assert!(
                r.findings.iter().any(|f| f.rule.code == rule.code),
                "case {} does not fire its rule {}",
                case.name,
                rule.code
            );
        }
    }
    for rule in wirecompat::rule::catalogue() {
        assert!(
            names.contains(rule.name),
            "rule {} {} has no testdata/protobuf/{}/ case",
            rule.code,
            rule.name,
            rule.name
        );
        assert!(fired.contains(rule.name), "no case fires {}", rule.name);
    }
}
