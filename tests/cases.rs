//! One `testdata/<format>/<rule_name>/` case per rule, each with a snapshot
//! (`findings.snap`) of every finding that all rules produce on it.

mod common;

use std::collections::BTreeSet;

const FORMATS: &[&str] = &["protobuf", "avro", "jsonschema"];

#[test]
fn every_case_matches_its_snapshot() {
    let mut failed = Vec::new();
    for case in FORMATS.iter().flat_map(|f| common::cases(f)) {
        let report = common::check_with(&case.old, &case.new, &case.opts);
        let text = common::render(&report);
        let dir = case.dir.clone();
        let result = std::panic::catch_unwind(|| {
            insta::with_settings!({
                snapshot_path => dir,
                prepend_module_to_snapshot => false,
                omit_expression => true,
                description => format!("testdata/{}", case.label),
            }, {
                insta::assert_snapshot!("findings", text);
            });
        });
        if result.is_err() {
            failed.push(case.label.clone());
        }
    }
    assert!(failed.is_empty(), "snapshots differ for: {failed:?}");
}

#[test]
fn every_rule_has_a_case_that_fires_it() {
    let mut fired = BTreeSet::new();
    let cases: Vec<common::Case> = FORMATS.iter().flat_map(|f| common::cases(f)).collect();
    let names: BTreeSet<String> = cases.iter().map(|c| c.label.clone()).collect();
    for case in &cases {
        let r = common::check_with(&case.old, &case.new, &case.opts);
        for f in &r.findings {
            fired.insert(format!("{}/{}", f.rule.format, f.rule.name));
        }
        // Each case is named after the rule it is for, and fires it.
        let own = wirecompat::rule::catalogue()
            .into_iter()
            .find(|r| format!("{}/{}", r.format, r.name) == case.label);
        if let Some(rule) = own {
            assert!(
                r.findings.iter().any(|f| f.rule.code == rule.code),
                "case {} does not fire its rule {}",
                case.label,
                rule.code
            );
        }
    }
    for rule in wirecompat::rule::catalogue() {
        let label = format!("{}/{}", rule.format, rule.name);
        assert!(
            names.contains(&label),
            "rule {} has no testdata/{label}/ case",
            rule.code
        );
        assert!(fired.contains(&label), "no case fires {label}");
    }
}
