//! Flags an RPC whose request message type changed to another message.
//!
//! **Breaks**: gRPC does not send type names, so what matters is whether
//! the two messages are compatible field by field (the server reads what the client wrote). wirecompat
//! compares them with every other rule and reports the directions that
//! comparison breaks; when they are compatible both ways the finding is a
//! information (generated code changes, the bytes do not).
//!
//! Example:
//!
//! ```text
//! old:  rpc Get(GetOrderRequest) returns (Order);
//! new:  rpc Get(FetchOrderRequest) returns (Order);
//! ```
//!
//! **Safe change**: evolve the existing request message in place; for a new
//! shape, add a new RPC and move callers to it.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB603",
        name: "rpc-request-type-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "RPC request type changed; breaks what the two messages' differences break",
        advice: "evolve the existing request message in place; for a new shape add a new RPC",
        peers: &["buf:RPC_SAME_REQUEST_TYPE"],
        source: include_str!("rpc_request_type_changed.rs"),
    },
    check: Check::Service(check),
};

fn check(ctx: &Ctx, pair: &ServicePair, out: &mut Vec<Finding>) {
    for (os, om, ns, nm) in super::method_pairs(pair) {
        if ctx.same_type(&om.input, &nm.input) {
            continue;
        }
        let (breaks, severity, why) = super::compare_messages(ctx, &om.input, &nm.input);
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(&breaks)
                .severity(severity)
                .message(format!(
                    "rpc `{}` request type changed from {} to {}: {why}",
                    nm.full_name, om.input, nm.input
                ))
                .old(ctx.old_loc(os.file, om.input_span.or(om.span), &om.full_name))
                .new_loc(ctx.new_loc(ns.file, nm.input_span.or(nm.span), &nm.full_name))
                .arg("rpc", &*nm.full_name)
                .arg("old_type", &*om.input)
                .arg("new_type", &*nm.input)
                .build(),
        );
    }
}
