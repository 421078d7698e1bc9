//! Flags an RPC that v(N) serves and v(N-1) did not: a new method, or a
//! method of a new service.
//!
//! **Breaks**: forward, the mirror image of `rpc-removed`. A request is data
//! the client writes and the server reads: a v(N) client that calls the new
//! method on a v(N-1) server (while v(N-1) servers still run, or after they
//! are rolled back) gets `UNIMPLEMENTED` (gRPC routes on
//! `/package.Service/Method`). It is an error for the same reason as a
//! removed RPC: calls between the two versions fail.
//!
//! Example:
//!
//! ```text
//! old:  service Orders { rpc Get(GetRequest) returns (Order); }
//! new:  service Orders { rpc Get(GetRequest) returns (Order); rpc Cancel(CancelRequest) returns (Order); }
//! ```
//!
//! **Safe change**: expand, then contract: serve the new RPC in one release
//! and let clients call it only in the next, once no server that lacks it
//! can be rolled back to; until then clients must tolerate `UNIMPLEMENTED`.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB602",
        name: "rpc-added",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: FORWARD,
        severity: Severity::Error,
        summary: "RPC added: v(N) clients calling it on v(N-1) servers get UNIMPLEMENTED",
        advice: "serve the new RPC in one release and call it only in the next, once no server \
                 lacking it remains in the rollback window; tolerate UNIMPLEMENTED meanwhile",
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
