//! Flags an RPC whose client streaming changed (whether the client sends a stream of requests).
//!
//! **Breaks**: both directions. gRPC and gRPC-Web frame unary and streaming
//! calls alike, so a streaming reader still accepts one message, but the
//! unary side fails on zero or several; the Connect protocol uses different
//! content types for unary and streaming calls (`application/proto` against
//! `application/connect+proto`), so its clients and servers of the two
//! versions cannot talk at all. Generated stubs change shape too.
//!
//! Example:
//!
//! ```text
//! old:  rpc Upload(UploadChunk) returns (UploadResult);
//! new:  rpc Upload(stream UploadChunk) returns (UploadResult);
//! ```
//!
//! **Safe change**: add a new RPC with the new streaming shape, move
//! callers to it, then retire the old one.

use super::prelude::*;

pub static RULE: PbRule = PbRule {
    meta: RuleMeta {
        code: "PB605",
        name: "rpc-client-streaming-changed",
        format: Format::Protobuf,
        encodings: BOTH_ENCODINGS,
        breaks: BOTH,
        severity: Severity::Error,
        summary: "RPC client streaming changed: unary and streaming peers cannot talk",
        advice: "add a new RPC with the new streaming shape, move callers, then retire the old one",
        peers: &["buf:RPC_SAME_CLIENT_STREAMING"],
        source: include_str!("rpc_client_streaming_changed.rs"),
    },
    check: Check::Service(check),
};

fn check(ctx: &Ctx, pair: &ServicePair, out: &mut Vec<Finding>) {
    for (os, om, ns, nm) in super::method_pairs(pair) {
        if om.client_streaming == nm.client_streaming {
            continue;
        }
        let word = |s: bool| if s { "streaming" } else { "unary" };
        out.push(
            FindingBuilder::new(&RULE.meta)
                .message(format!(
                    "rpc `{}` client side changed from {} to {}: the two versions disagree on the \
                     call's shape (a unary reader fails on zero or several messages; Connect \
                     refuses the other's content type)",
                    nm.full_name,
                    word(om.client_streaming),
                    word(nm.client_streaming)
                ))
                .old(ctx.old_loc(os.file, om.span, &om.full_name))
                .new_loc(ctx.new_loc(ns.file, nm.span, &nm.full_name))
                .arg("rpc", &*nm.full_name)
                .arg("streaming", nm.client_streaming.to_string())
                .build(),
        );
    }
}
