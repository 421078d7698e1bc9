//! Flags an RPC that v(N-1) served and v(N) does not: the method or its
//! whole service was deleted (or the service moved to another name).
//!
//! **Breaks**: backward. A request is data the client writes and the server
//! reads: during the rollout v(N-1) clients keep calling the method, and
//! v(N) servers answer `UNIMPLEMENTED` (gRPC routes on
//! `/package.Service/Method`).
//!
//! Example:
//!
//! ```text
//! old:  service Orders { rpc Get(GetRequest) returns (Order); rpc Legacy(L) returns (L); }
//! new:  service Orders { rpc Get(GetRequest) returns (Order); }
//! ```
//!
//! **Safe change**: deprecate the RPC (`option deprecated = true;`), move
//! every client off it, and delete it only when no caller remains.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB601",
        name: "rpc-removed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BACKWARD,
        severity: Severity::Error,
        summary: "RPC removed: v(N-1) clients calling it get UNIMPLEMENTED from v(N) servers",
        advice: "deprecate the RPC, move every client off it, and delete it when no caller remains",
        peers: &[],
        source: include_str!("rpc_removed.rs"),
    },
    check: Check::Service(check),
};

fn check(ctx: &Ctx, pair: &ServicePair, out: &mut Vec<Finding>) {
    let Some(os) = pair.old else { return };
    for m in &os.methods {
        if pair.new.is_some_and(|ns| ns.method(&m.name).is_some()) {
            continue;
        }
        let gone = if pair.new.is_some() {
            "the method was deleted"
        } else {
            "the service is gone"
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "rpc `{}` is no longer served ({gone}): v(N-1) clients calling it get \
                     UNIMPLEMENTED from v(N) servers",
                    m.full_name
                ))
                .old(ctx.old_loc(os.file, m.span, &m.full_name))
                .new_loc(
                    pair.new
                        .and_then(|ns| ctx.new_loc(ns.file, ns.span, &ns.full_name)),
                )
                .arg("rpc", &*m.full_name)
                .build(),
        );
    }
}
