//! Warns about an RPC that v(N) serves and v(N-1) did not.
//!
//! **Breaks**: forward, for calls: a v(N) client that calls the new method on
//! a v(N-1) server (during the rollout, or after a rollback of the servers)
//! gets `UNIMPLEMENTED`. No stored data is at stake, so it is a warning.
//!
//! Example:
//!
//! ```text
//! old:  service Orders { rpc Get(GetRequest) returns (Order); }
//! new:  service Orders { rpc Get(GetRequest) returns (Order); rpc Cancel(CancelRequest) returns (Order); }
//! ```
//!
//! **Safe change**: roll servers out before clients call the new RPC, and
//! make clients tolerate `UNIMPLEMENTED` while v(N-1) servers may run.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB602",
        name: "rpc-added",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: FORWARD,
        severity: Severity::Warning,
        summary: "RPC added: v(N) clients calling it on v(N-1) servers get UNIMPLEMENTED",
        advice: "roll servers out before clients use the new RPC; tolerate UNIMPLEMENTED meanwhile",
        peers: &[],
        source: include_str!("rpc_added.rs"),
    },
    check: Check::Service(check),
};

fn check(ctx: &Ctx, pair: &ServicePair, out: &mut Vec<Finding>) {
    let Some(ns) = pair.new else { return };
    for m in &ns.methods {
        if pair.old.is_some_and(|os| os.method(&m.name).is_some()) {
            continue;
        }
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "rpc `{}` is new: v(N) clients calling it on v(N-1) servers get UNIMPLEMENTED",
                    m.full_name
                ))
                .old(
                    pair.old
                        .and_then(|os| ctx.old_loc(os.file, os.span, &os.full_name)),
                )
                .new_loc(ctx.new_loc(ns.file, m.span, &m.full_name))
                .arg("rpc", &*m.full_name)
                .build(),
        );
    }
}
