//! Flags an RPC whose `idempotency_level` changed.
//!
//! **Breaks**: `NO_SIDE_EFFECTS` lets Connect clients send unary calls as
//! HTTP GET; a server whose method is not `NO_SIDE_EFFECTS` answers GET with
//! 405. Removing it breaks backward (v(N-1) clients using GET against v(N)
//! servers); adding it breaks forward (v(N) clients using GET against v(N-1)
//! servers). Both only for clients that opted into GET, so these are
//! warnings. Connect uses GET for unary calls only, so on a streaming
//! method, and between `IDEMPOTENT` and unknown, nothing on the wire
//! changes (retry policies may): information.
//!
//! Example:
//!
//! ```text
//! old:  rpc Get(GetRequest) returns (Order) { option idempotency_level = NO_SIDE_EFFECTS; }
//! new:  rpc Get(GetRequest) returns (Order);
//! ```
//!
//! **Safe change**: keep `NO_SIDE_EFFECTS` once clients may use GET; add it
//! to servers before clients rely on it.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB607",
        name: "rpc-idempotency-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Warning,
        summary: "RPC idempotency level changed: Connect GET calls may get 405",
        advice: "keep NO_SIDE_EFFECTS once clients may use GET; give it to servers before clients rely on it",
        peers: &["buf:RPC_SAME_IDEMPOTENCY_LEVEL"],
        source: include_str!("rpc_idempotency_changed.rs"),
    },
    check: Check::Service(check),
};

fn check(ctx: &Ctx, pair: &ServicePair, out: &mut Vec<Finding>) {
    for (os, om, ns, nm) in super::method_pairs(pair) {
        if om.idempotency == nm.idempotency {
            continue;
        }
        let ose = om.idempotency == Idempotency::NoSideEffects;
        let nse = nm.idempotency == Idempotency::NoSideEffects;
        let streams = |m: &Method| m.client_streaming || m.server_streaming;
        let (breaks, severity, why) = if ose != nse && (streams(om) || streams(nm)) {
            (
                NONE,
                Severity::Info,
                "Connect sends GET only for unary calls, and this method streams",
            )
        } else if ose && !nse {
            (
                BACKWARD,
                Severity::Warning,
                "v(N) servers refuse GET calls from v(N-1) Connect clients",
            )
        } else if nse && !ose {
            (
                FORWARD,
                Severity::Warning,
                "v(N-1) servers refuse GET calls from v(N) Connect clients",
            )
        } else {
            (
                NONE,
                Severity::Info,
                "nothing on the wire changes; retry policies may",
            )
        };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .breaks(breaks)
                .severity(severity)
                .message(format!(
                    "rpc `{}` idempotency changed from {} to {}: {why}",
                    nm.full_name,
                    om.idempotency.name(),
                    nm.idempotency.name()
                ))
                .old(ctx.old_loc(os.file, where_(om), &om.full_name))
                .new_loc(ctx.new_loc(ns.file, where_(nm), &nm.full_name))
                .arg("rpc", &*nm.full_name)
                .arg("old_level", om.idempotency.name())
                .arg("new_level", nm.idempotency.name())
                .build(),
        );
    }
}

/// The `idempotency_level` option when the method sets one, else the whole
/// method (an options span then belongs to another option, such as
/// `deprecated`).
fn where_(m: &Method) -> Span {
    if m.idempotency == Idempotency::Unknown {
        m.span
    } else {
        m.idempotency_span.or(m.span)
    }
}
