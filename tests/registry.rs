//! `wirecompat registry check|publish|audit` against an in-process Confluent
//! Schema Registry (tests/common/registry.rs): levels, references, faults,
//! credentials, and that nothing is registered unless the check passes.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::registry::{Auth, Fault, Registry, Schema, Times, base64};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Schemas

/// Avro `com.acme.Order` v1: id, amount (no default).
const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"long"}
]}"#;

/// v1 plus `currency` with a default: compatible both ways.
const ORDER_ADD_DEFAULT: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"long"},
  {"name":"currency","type":"string","default":"EUR"}
]}"#;

/// v1 with `id` string -> int: AV101 both ways.
const ORDER_ID_INT: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"int"},
  {"name":"amount","type":"long"}
]}"#;

/// v1 without `amount` (which had no default): backward yes, forward no (AV202).
const ORDER_NO_AMOUNT: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"}
]}"#;

/// The transitive gap: v1 has `note` string, v2 drops it, v3 adds `amount`
/// with a default; the candidate brings `note` back as an int (with a
/// default): fine against v3 and v2, AV101 against v1.
const GAP_V1: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"note","type":"string"}
]}"#;
const GAP_V2: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"}
]}"#;
const GAP_V3: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"long","default":0}
]}"#;
const GAP_CANDIDATE: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"long","default":0},
  {"name":"note","type":"int","default":0}
]}"#;
/// A history whose consecutive pairs pass BACKWARD but whose v3 cannot read
/// v1 (`note` string then int).
const GAP_HISTORY_V3: &str = r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"string"},
  {"name":"note","type":"int","default":0}
]}"#;

const MONEY_PROTO: &str = r#"syntax = "proto3";
package money;

message Money {
  string currency = 1;
  int64 units = 2;
}
"#;

const COMMON_PROTO: &str = r#"syntax = "proto3";
package common;

import "money/money.proto";

message Audit {
  string created_by = 1;
  money.Money limit = 2;
}
"#;

const ORDERS_PROTO_V1: &str = r#"syntax = "proto3";
package orders.v1;

import "common.proto";

message Order {
  string id = 1;
  common.Audit audit = 2;
}
"#;

/// v1 plus a field: compatible.
const ORDERS_PROTO_ADD: &str = r#"syntax = "proto3";
package orders.v1;

import "common.proto";

message Order {
  string id = 1;
  common.Audit audit = 2;
  string note = 3;
}
"#;

/// v1 with `id` string -> int64: another wire type (PB101).
const ORDERS_PROTO_WIRE: &str = r#"syntax = "proto3";
package orders.v1;

import "common.proto";

message Order {
  int64 id = 1;
  common.Audit audit = 2;
}
"#;

const CUSTOMER_JSON_V1: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "id": {"type": "string"},
    "age": {"type": "integer"}
  },
  "required": ["id"]
}"#;

/// `id` string -> integer: JS101 both ways.
const CUSTOMER_JSON_ID_INT: &str = r#"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "properties": {
    "id": {"type": "integer"},
    "age": {"type": "integer"}
  },
  "required": ["id"]
}"#;

const SUBJECT: &str = "orders-value";

// ---------------------------------------------------------------------------
// Helpers

/// What a run of the CLI gave.
#[derive(Debug)]
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing everything when it differs.
    fn expect(&self, code: i32, reg: &Registry) -> &Run {
        assert_eq!(
            self.code,
            code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}\n--- registry log\n{}",
            self.stdout,
            self.stderr,
            reg.dump()
        );
        assert!(
            !self.all().contains("panicked"),
            "the CLI panicked:\n{}",
            self.stderr
        );
        self
    }
}

/// A scratch directory (outside any repository, so no wirecompat.toml).
fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs `wirecompat ARGS` in `dir` with only `env` as registry settings
/// (no proxy, no colour); kills it after a minute.
fn wirecompat(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wirecompat"));
    cmd.current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "WIRECOMPAT_REGISTRY_URL",
        "WIRECOMPAT_REGISTRY_USERNAME",
        "WIRECOMPAT_REGISTRY_PASSWORD",
        "WIRECOMPAT_REGISTRY_TOKEN",
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_ACTIONS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("wirecompat runs");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("wirecompat {args:?} still running after 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code: status.code().unwrap_or(-1),
        stdout: t_out.join().unwrap(),
        stderr: t_err.join().unwrap(),
        elapsed: start.elapsed(),
    }
}

/// `wirecompat registry check --url URL --subject S FILE EXTRA...`.
fn check(reg: &Registry, dir: &Path, subject: &str, file: &Path, extra: &[&str]) -> Run {
    registry_cmd("check", reg, dir, subject, file, extra, &[])
}

fn publish(reg: &Registry, dir: &Path, subject: &str, file: &Path, extra: &[&str]) -> Run {
    registry_cmd("publish", reg, dir, subject, file, extra, &[])
}

fn registry_cmd(
    sub: &str,
    reg: &Registry,
    dir: &Path,
    subject: &str,
    file: &Path,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let url = reg.url();
    let file = file.to_str().unwrap();
    let mut args = vec!["registry", sub, "--url", &url, "--subject", subject, file];
    args.extend_from_slice(extra);
    wirecompat(dir, &args, env)
}

fn audit(reg: &Registry, dir: &Path, extra: &[&str]) -> Run {
    let url = reg.url();
    let mut args = vec!["registry", "audit", "--url", &url];
    args.extend_from_slice(extra);
    wirecompat(dir, &args, &[])
}

/// The `rule` of every finding in a JSON report.
fn rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array in {report:#}"))
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// The `rule` of every blocking finding in a JSON report.
fn blocking_rules(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == Value::Bool(true))
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn window_len(report: &Value) -> usize {
    report["window"]
        .as_array()
        .unwrap_or_else(|| panic!("no window in {report:#}"))
        .len()
}

/// The words (alphanumeric runs) of a text.
fn words(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Nothing was registered: no POST reached the registry.
fn assert_no_post(reg: &Registry, what: &str) {
    let posts = reg.posts();
    assert!(
        posts.is_empty(),
        "{what}: the registry received a registration:\n{}",
        reg.dump()
    );
}

/// A registry holding `orders-value` v1 (Avro).
fn orders_registry() -> Registry {
    let reg = Registry::start();
    reg.add(SUBJECT, Schema::avro(ORDER_V1));
    reg
}

/// A raw HTTP/1.1 exchange with `Connection: close`: (status, headers, body).
fn http(
    reg: &Registry,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let mut s = TcpStream::connect(reg.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut req = format!(
        "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n",
        reg.addr(),
        body.len()
    );
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse_response(&String::from_utf8(raw).unwrap())
}

fn parse_response(raw: &str) -> (u16, Vec<(String, String)>, String) {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a header block");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .expect("Content-Length");
    assert_eq!(body.len(), len, "Content-Length matches the body sent");
    (status, headers, body.to_string())
}

fn get_json(reg: &Registry, target: &str) -> (u16, Value) {
    let (status, headers, body) = http(reg, "GET", target, &[], "");
    assert!(
        headers
            .iter()
            .any(|(n, v)| n == "content-type" && v == "application/vnd.schemaregistry.v1+json"),
        "{headers:?}"
    );
    (status, serde_json::from_str(&body).unwrap())
}

// ---------------------------------------------------------------------------
// The mock itself

#[test]
fn mock_answers_as_confluent_does() {
    let reg = Registry::start();
    reg.add("common", Schema::protobuf(COMMON_PROTO))
        .add(SUBJECT, Schema::avro(ORDER_V1))
        .add(SUBJECT, Schema::avro(ORDER_ADD_DEFAULT))
        .add(
            "orders.v1:proto-value",
            Schema::protobuf(ORDERS_PROTO_V1).reference("common.proto", "common", 1),
        )
        .level(SUBJECT, "FULL")
        .global_level("FORWARD");

    assert_eq!(
        get_json(&reg, "/subjects"),
        (
            200,
            serde_json::json!(["common", "orders-value", "orders.v1:proto-value"])
        )
    );
    assert_eq!(
        get_json(&reg, "/subjects/orders-value/versions"),
        (200, serde_json::json!([1, 2]))
    );
    // Avro: no schemaType, no references.
    let (status, v) = get_json(&reg, "/subjects/orders-value/versions/latest");
    assert_eq!(status, 200);
    assert_eq!(
        v,
        serde_json::json!({"subject": "orders-value", "version": 2, "id": 3, "schema": ORDER_ADD_DEFAULT})
    );
    // Percent-encoded subject, Protobuf with a reference.
    let (status, v) = get_json(&reg, "/subjects/orders.v1%3Aproto-value/versions/1");
    assert_eq!(status, 200);
    assert_eq!(
        v,
        serde_json::json!({
            "subject": "orders.v1:proto-value", "version": 1, "id": 4,
            "schema": ORDERS_PROTO_V1, "schemaType": "PROTOBUF",
            "references": [{"name": "common.proto", "subject": "common", "version": 1}]
        })
    );
    assert_eq!(
        get_json(&reg, "/subjects/nope/versions"),
        (
            404,
            serde_json::json!({"error_code": 40401, "message": "Subject 'nope' not found."})
        )
    );
    assert_eq!(
        get_json(&reg, "/subjects/nope/versions/1"),
        (
            404,
            serde_json::json!({"error_code": 40401, "message": "Subject 'nope' not found."})
        )
    );
    assert_eq!(
        get_json(&reg, "/subjects/orders-value/versions/5"),
        (
            404,
            serde_json::json!({"error_code": 40402, "message": "Version 5 not found."})
        )
    );
    assert_eq!(
        get_json(&reg, "/schemas/ids/3"),
        (200, serde_json::json!({"schema": ORDER_ADD_DEFAULT}))
    );
    // Levels.
    let level = |l: &str| serde_json::json!({ "compatibilityLevel": l });
    assert_eq!(get_json(&reg, "/config"), (200, level("FORWARD")));
    assert_eq!(
        get_json(&reg, "/config/orders-value?defaultToGlobal=true"),
        (200, level("FULL"))
    );
    assert_eq!(get_json(&reg, "/config/orders-value"), (200, level("FULL")));
    assert_eq!(
        get_json(&reg, "/config/common?defaultToGlobal=true"),
        (200, level("FORWARD"))
    );
    assert_eq!(
        get_json(&reg, "/config/common"),
        (
            404,
            serde_json::json!({"error_code": 40408, "message": "Subject 'common' does not have subject-level compatibility configured"})
        )
    );

    // Registration: a new id and version; the same schema again, the same.
    let body = serde_json::json!({"schema": GAP_V1}).to_string();
    let (status, _, answer) = http(&reg, "POST", "/subjects/orders-value/versions", &[], &body);
    assert_eq!((status, answer.as_str()), (200, r#"{"id":5}"#));
    let (status, _, answer) = http(&reg, "POST", "/subjects/orders-value/versions", &[], &body);
    assert_eq!((status, answer.as_str()), (200, r#"{"id":5}"#));
    assert_eq!(
        reg.versions(SUBJECT)
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    // Another subject, the same schema: the same id.
    let (_, _, answer) = http(&reg, "POST", "/subjects/other-value/versions", &[], &body);
    assert_eq!(answer, r#"{"id":5}"#);
    let (status, _, answer) = http(&reg, "POST", "/subjects/x/versions", &[], "{not json");
    assert_eq!(status, 422);
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["error_code"], 42201);
    assert!(v["message"].as_str().unwrap().starts_with("Invalid schema"));
    // A Protobuf import without its reference is refused, as Confluent does.
    let body = serde_json::json!({"schema": ORDERS_PROTO_V1, "schemaType": "PROTOBUF"}).to_string();
    let (status, _, _) = http(&reg, "POST", "/subjects/y/versions", &[], &body);
    assert_eq!(status, 422);

    let log = reg.log();
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].target, "/subjects");
    assert!(
        log.iter()
            .any(|r| r.path == "/subjects/orders.v1:proto-value/versions/1"
                && r.target == "/subjects/orders.v1%3Aproto-value/versions/1")
    );
    assert_eq!(reg.posts().len(), 5);
}

#[test]
fn mock_keeps_connections_alive_and_injects_faults() {
    let reg = orders_registry();
    reg.fault("GET", "/subjects", Fault::Status500)
        .fault(
            "GET",
            "/subjects",
            Fault::TooMany429 {
                retry_after: Some(2),
            },
        )
        .fault("GET", "/subjects", Fault::TruncatedJson)
        .fault("GET", "/subjects", Fault::Unauthorized401)
        .fault_times("POST", "/subjects/", Fault::Conflict409, Times::N(1))
        .fault("GET", "/config", Fault::Slow(Duration::from_millis(300)));

    // Five requests on one connection, each answered in turn.
    let mut s = TcpStream::connect(reg.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answers = Vec::new();
    for _ in 0..5 {
        s.write_all(b"GET /subjects/orders-value/versions HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        answers.push(read_one(&mut s));
    }
    let statuses: Vec<u16> = answers.iter().map(|a| a.0).collect();
    assert_eq!(statuses, [500, 429, 200, 401, 200]);
    assert_eq!(
        answers[0].2,
        r#"{"error_code":50001,"message":"Error in the backend data store"}"#
    );
    assert_eq!(
        answers[1].2,
        r#"{"error_code":429,"message":"Too Many Requests"}"#
    );
    assert!(
        answers[1]
            .1
            .iter()
            .any(|(n, v)| n == "retry-after" && v == "2")
    );
    assert_eq!(answers[2].2, "[");
    assert!(serde_json::from_str::<Value>(&answers[2].2).is_err());
    assert_eq!(
        answers[3].2,
        r#"{"error_code":40101,"message":"Unauthorized"}"#
    );
    assert_eq!(answers[4].2, "[1]");

    let t = Instant::now();
    let (status, _) = get_json(&reg, "/config");
    assert_eq!(status, 200);
    assert!(t.elapsed() >= Duration::from_millis(300));

    let body = serde_json::json!({"schema": ORDER_ADD_DEFAULT}).to_string();
    let (status, _, answer) = http(&reg, "POST", "/subjects/orders-value/versions", &[], &body);
    assert_eq!(status, 409);
    let v: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(v["error_code"], 409);
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("Schema being registered is incompatible with an earlier schema for subject \"orders-value\"")
    );
    assert_eq!(reg.versions(SUBJECT).len(), 1, "a 409 stores nothing");
    let (status, _, _) = http(&reg, "POST", "/subjects/orders-value/versions", &[], &body);
    assert_eq!(status, 200, "the 409 applied once");
    assert_eq!(reg.count("GET", "/subjects/orders-value/versions"), 5);
}

/// Reads one response off a kept-alive connection (by Content-Length).
fn read_one(s: &mut TcpStream) -> (u16, Vec<(String, String)>, String) {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).unwrap();
        head.push(b[0]);
    }
    let head = String::from_utf8(head).unwrap();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap())
        })
        .unwrap();
    let mut body = vec![0; len];
    s.read_exact(&mut body).unwrap();
    parse_response(&format!("{head}{}", String::from_utf8(body).unwrap()))
}

#[test]
fn mock_requires_the_credentials_it_is_given() {
    let reg = orders_registry();
    reg.require_basic("alice", "s3cret");
    let (status, _, body) = http(&reg, "GET", "/subjects", &[], "");
    assert_eq!(
        (status, body.as_str()),
        (401, r#"{"error_code":40101,"message":"Unauthorized"}"#)
    );
    let wrong = format!("Basic {}", base64(b"alice:nope"));
    let (status, _, _) = http(&reg, "GET", "/subjects", &[("Authorization", &wrong)], "");
    assert_eq!(status, 401);
    let right = Auth::Basic {
        user: "alice".into(),
        password: "s3cret".into(),
    }
    .header();
    assert_eq!(right, "Basic YWxpY2U6czNjcmV0");
    let (status, _, body) = http(&reg, "GET", "/subjects", &[("Authorization", &right)], "");
    assert_eq!((status, body.as_str()), (200, r#"["orders-value"]"#));

    reg.require_bearer("tok-123");
    let (status, _, _) = http(&reg, "GET", "/subjects", &[("Authorization", &right)], "");
    assert_eq!(status, 401);
    let (status, _, _) = http(
        &reg,
        "GET",
        "/subjects",
        &[("Authorization", "Bearer tok-123")],
        "",
    );
    assert_eq!(status, 200);
    assert_eq!(
        reg.log()[2].header("authorization"),
        Some("Basic YWxpY2U6czNjcmV0")
    );
}

// ---------------------------------------------------------------------------
// 1, 2: Avro check and publish

#[test]
fn avro_compatible_change_passes_and_publish_registers_it() {
    let dir = scratch();
    let reg = Registry::start();
    reg.ids_from(41).add(SUBJECT, Schema::avro(ORDER_V1));
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);

    let r = check(&reg, dir.path(), SUBJECT, &file, &["--format", "json"]);
    r.expect(0, &reg);
    let report = r.json();
    assert_eq!(report["compatible"], true);
    assert_eq!(report["level"], "BACKWARD");
    assert!(blocking_rules(&report).is_empty(), "{report:#}");
    assert_no_post(&reg, "check");
    assert!(reg.count("GET", "/subjects/orders-value/versions") >= 1);

    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(0, &reg);
    let posts = reg.posts();
    assert_eq!(posts.len(), 1, "{}", reg.dump());
    assert_eq!(posts[0].path, "/subjects/orders-value/versions");
    let body = posts[0].json();
    let sent: Value = serde_json::from_str(body["schema"].as_str().expect("a schema string"))
        .expect("the schema sent is JSON");
    let file_json: Value = serde_json::from_str(ORDER_ADD_DEFAULT).unwrap();
    assert_eq!(sent, file_json, "the schema registered is FILE's");
    assert!(
        body.get("schemaType").is_none() || body["schemaType"] == "AVRO",
        "{body:#}"
    );
    let versions = reg.versions(SUBJECT);
    assert_eq!(versions.len(), 2);
    let id = versions[1].id;
    assert_eq!(id, 42);
    assert!(
        words(&r.stdout).contains(&"42"),
        "the registered id is printed:\n{}",
        r.stdout
    );
}

#[test]
fn avro_incompatible_change_blocks_and_publish_registers_nothing() {
    let dir = scratch();
    let reg = orders_registry();
    let file = write(dir.path(), "order.avsc", ORDER_ID_INT);

    let r = check(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(1, &reg);
    assert!(r.stdout.contains("AV101"), "{}", r.stdout);

    let r = check(&reg, dir.path(), SUBJECT, &file, &["--format", "json"]);
    r.expect(1, &reg);
    let report = r.json();
    assert_eq!(report["compatible"], false);
    assert_eq!(blocking_rules(&report), ["AV101"]);

    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(1, &reg);
    assert!(r.all().contains("AV101"), "{}", r.all());
    assert_no_post(&reg, "publish of an incompatible schema");
    assert_eq!(reg.versions(SUBJECT).len(), 1);
}

#[test]
fn publish_dry_run_never_registers() {
    let dir = scratch();
    let reg = orders_registry();
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = publish(&reg, dir.path(), SUBJECT, &file, &["--dry-run"]);
    r.expect(0, &reg);
    assert_no_post(&reg, "--dry-run");
    assert_eq!(reg.versions(SUBJECT).len(), 1);
    assert!(reg.count("GET", "/subjects/orders-value/versions") >= 1);
}

#[test]
fn subject_names_with_dots_and_colons_are_encoded() {
    let dir = scratch();
    let subject = "com.acme:orders-value";
    let reg = Registry::start();
    reg.add(subject, Schema::avro(ORDER_V1));
    let file = write(dir.path(), "order.avsc", ORDER_ID_INT);
    let r = check(&reg, dir.path(), subject, &file, &[]);
    r.expect(1, &reg);
    assert!(
        reg.count("GET", "/subjects/com.acme:orders-value/versions") >= 1,
        "{}",
        reg.dump()
    );
}

// ---------------------------------------------------------------------------
// 3, 4: levels

fn gap_registry() -> Registry {
    let reg = Registry::start();
    reg.add(SUBJECT, Schema::avro(GAP_V1))
        .add(SUBJECT, Schema::avro(GAP_V2))
        .add(SUBJECT, Schema::avro(GAP_V3))
        .level(SUBJECT, "BACKWARD_TRANSITIVE");
    reg
}

#[test]
fn transitive_level_checks_every_version() {
    let dir = scratch();
    let reg = gap_registry();
    let file = write(dir.path(), "order.avsc", GAP_CANDIDATE);

    let r = check(&reg, dir.path(), SUBJECT, &file, &["--format", "json"]);
    r.expect(1, &reg);
    let report = r.json();
    assert_eq!(report["level"], "BACKWARD_TRANSITIVE");
    assert_eq!(report["compatible"], false);
    assert_eq!(report["mode"], "window");
    assert_eq!(window_len(&report), 3, "{report:#}");
    assert_eq!(blocking_rules(&report), ["AV101"]);
    // Nearest first: v3, v2, v1; only v1 breaks.
    let v1 = &report["window"][2];
    for f in report["findings"].as_array().unwrap() {
        if f["blocking"] == true {
            assert_eq!(
                &f["against"], v1,
                "a blocking finding not against v1: {f:#}"
            );
        }
    }
    if let Some(pairs) = report["pairs"].as_array() {
        let ok: Vec<bool> = pairs.iter().map(|p| p["compatible"] == true).collect();
        assert_eq!(ok, [true, true, false], "{report:#}");
    }
    for v in 1..=3 {
        assert!(
            reg.count("GET", &format!("/subjects/orders-value/versions/{v}")) >= 1,
            "version {v} fetched:\n{}",
            reg.dump()
        );
    }

    let r = check(
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &["--format", "json", "--level", "BACKWARD"],
    );
    r.expect(0, &reg);
    let report = r.json();
    assert_eq!(report["level"], "BACKWARD");
    assert_eq!(report["compatible"], true);
    assert_eq!(window_len(&report), 1, "{report:#}");
    assert!(blocking_rules(&report).is_empty());

    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(1, &reg);
    assert_no_post(&reg, "transitive failure");
}

#[test]
fn level_comes_from_the_subject_then_the_global_config_and_flag_overrides() {
    let dir = scratch();
    // Removing `amount` (no default) breaks forward only.
    let file = write(dir.path(), "order.avsc", ORDER_NO_AMOUNT);
    /// (subject level, global level, extra flags, exit, level reported)
    type LevelCase = (
        Option<&'static str>,
        &'static str,
        &'static [&'static str],
        i32,
        &'static str,
    );
    let cases: &[LevelCase] = &[
        (Some("FORWARD"), "BACKWARD", &[], 1, "FORWARD"),
        (Some("BACKWARD"), "FORWARD", &[], 0, "BACKWARD"),
        (None, "FORWARD", &[], 1, "FORWARD"),
        (None, "BACKWARD", &[], 0, "BACKWARD"),
        (None, "NONE", &[], 0, "NONE"),
        (
            Some("FORWARD"),
            "FORWARD",
            &["--level", "BACKWARD"],
            0,
            "BACKWARD",
        ),
        (
            Some("BACKWARD"),
            "BACKWARD",
            &["--level", "FULL"],
            1,
            "FULL",
        ),
    ];
    for &(subject_level, global, flags, code, level) in cases {
        let reg = orders_registry();
        reg.global_level(global);
        if let Some(l) = subject_level {
            reg.level(SUBJECT, l);
        }
        let mut extra = vec!["--format", "json"];
        extra.extend_from_slice(flags);
        let r = check(&reg, dir.path(), SUBJECT, &file, &extra);
        let what = format!("subject {subject_level:?}, global {global}, flags {flags:?}");
        assert_eq!(r.code, code, "{what}\n{}\n{}", r.all(), reg.dump());
        let report = r.json();
        assert_eq!(report["level"], level, "{what}");
        assert_eq!(report["compatible"], code == 0, "{what}");
        assert!(
            rules(&report).contains(&"AV202".to_string()),
            "{what}: {report:#}"
        );
        if flags.is_empty() {
            assert!(
                reg.count("GET", "/config/orders-value") >= 1,
                "{what}: the subject's level asked for:\n{}",
                reg.dump()
            );
        }
    }
}

// ---------------------------------------------------------------------------
// 5, 6: Protobuf with references, JSON Schema

fn proto_registry() -> Registry {
    let reg = Registry::start();
    reg.add("money", Schema::protobuf(MONEY_PROTO))
        .add(
            "common",
            Schema::protobuf(COMMON_PROTO).reference("money/money.proto", "money", 1),
        )
        .add(
            SUBJECT,
            Schema::protobuf(ORDERS_PROTO_V1).reference("common.proto", "common", 1),
        );
    reg
}

fn proto_dir(candidate: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = scratch();
    write(dir.path(), "money/money.proto", MONEY_PROTO);
    write(dir.path(), "common.proto", COMMON_PROTO);
    let file = write(dir.path(), "orders.proto", candidate);
    (dir, file)
}

#[test]
fn protobuf_references_are_fetched_recursively() {
    let reg = proto_registry();
    let (dir, file) = proto_dir(ORDERS_PROTO_ADD);
    let r = check(&reg, dir.path(), SUBJECT, &file, &["--format", "json"]);
    r.expect(0, &reg);
    let report = r.json();
    assert_eq!(report["compatible"], true);
    assert!(blocking_rules(&report).is_empty(), "{report:#}");
    assert!(
        reg.count("GET", "/subjects/common/versions/1") >= 1,
        "the reference fetched:\n{}",
        reg.dump()
    );
    assert!(
        reg.count("GET", "/subjects/money/versions/1") >= 1,
        "the reference's reference fetched:\n{}",
        reg.dump()
    );

    // Published with its schema type and its import as a reference.
    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(0, &reg);
    let posts = reg.posts();
    assert_eq!(posts.len(), 1, "{}", reg.dump());
    let body = posts[0].json();
    assert_eq!(body["schemaType"], "PROTOBUF", "{body:#}");
    assert_eq!(
        body["references"],
        serde_json::json!([{"name": "common.proto", "subject": "common", "version": 1}]),
        "{body:#}"
    );
    assert_eq!(reg.versions(SUBJECT).len(), 2);
}

#[test]
fn protobuf_wire_type_change_blocks() {
    let reg = proto_registry();
    let (dir, file) = proto_dir(ORDERS_PROTO_WIRE);
    let r = check(&reg, dir.path(), SUBJECT, &file, &["--format", "json"]);
    r.expect(1, &reg);
    assert!(
        blocking_rules(&r.json()).contains(&"PB101".to_string()),
        "{}",
        r.stdout
    );
    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(1, &reg);
    assert_no_post(&reg, "protobuf break");
}

#[test]
fn json_schema_incompatible_change_blocks() {
    let dir = scratch();
    let reg = Registry::start();
    reg.add("customer-value", Schema::json(CUSTOMER_JSON_V1));
    let file = write(dir.path(), "customer.json", CUSTOMER_JSON_ID_INT);
    let r = check(
        &reg,
        dir.path(),
        "customer-value",
        &file,
        &["--format", "json"],
    );
    r.expect(1, &reg);
    let report = r.json();
    assert_eq!(report["compatible"], false);
    assert_eq!(blocking_rules(&report), ["JS101"]);
    let r = publish(&reg, dir.path(), "customer-value", &file, &[]);
    r.expect(1, &reg);
    assert_no_post(&reg, "JSON Schema break");

    // The unchanged schema passes.
    let same = write(dir.path(), "same.json", CUSTOMER_JSON_V1);
    check(&reg, dir.path(), "customer-value", &same, &[]).expect(0, &reg);
}

// ---------------------------------------------------------------------------
// 7: faults

#[test]
fn a_500_once_is_retried() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault("GET", "/config/orders-value", Fault::Status500);
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = check(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(0, &reg);
    assert_eq!(
        reg.count("GET", "/config/orders-value"),
        2,
        "one failure, one retry:\n{}",
        reg.dump()
    );
}

#[test]
fn a_429_is_retried_after_retry_after() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault(
        "GET",
        "/subjects/orders-value/versions",
        Fault::TooMany429 {
            retry_after: Some(1),
        },
    );
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = check(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(0, &reg);
    let log = reg.requests("GET", "/subjects/orders-value/versions");
    let first = &log[0];
    let again = log[1..]
        .iter()
        .find(|q| q.target == first.target)
        .unwrap_or_else(|| panic!("the 429 was not retried:\n{}", reg.dump()));
    let waited = again.at.duration_since(first.at);
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}, before the Retry-After of 1 s"
    );
}

#[test]
fn a_persistent_500_fails_after_the_retries() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault_always("GET", "/subjects/orders-value/versions", Fault::Status500);
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = publish(&reg, dir.path(), SUBJECT, &file, &["--retries", "2"]);
    r.expect(2, &reg);
    let all = r.all();
    assert!(all.contains("50001"), "{all}");
    assert!(all.contains("Error in the backend data store"), "{all}");
    let faulted = reg.requests("GET", "/subjects/orders-value/versions");
    let target = &faulted[0].target;
    assert_eq!(
        faulted.iter().filter(|q| &q.target == target).count(),
        3,
        "1 attempt + 2 retries of {target}:\n{}",
        reg.dump()
    );
    assert_no_post(&reg, "persistent 500");
}

#[test]
fn a_slow_answer_past_the_timeout_fails() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault_always(
        "GET",
        "/subjects/orders-value",
        Fault::Slow(Duration::from_secs(3)),
    );
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = publish(
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &["--timeout", "1", "--retries", "1"],
    );
    r.expect(2, &reg);
    let all = r.all().to_lowercase();
    assert!(
        all.contains("timeout") || all.contains("timed out"),
        "the timeout is named:\n{all}"
    );
    assert!(
        r.elapsed < Duration::from_secs(15),
        "gave up after {:?}",
        r.elapsed
    );
    assert_no_post(&reg, "timeout");
}

#[test]
fn truncated_json_is_an_error() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault_always(
        "GET",
        "/subjects/orders-value/versions",
        Fault::TruncatedJson,
    );
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = publish(&reg, dir.path(), SUBJECT, &file, &["--retries", "1"]);
    r.expect(2, &reg);
    assert_no_post(&reg, "truncated JSON");
}

#[test]
fn unauthorized_is_an_error_that_leaks_no_credentials() {
    let dir = scratch();
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);

    let reg = orders_registry();
    reg.require_bearer("the-right-token-3f9a");
    let r = registry_cmd(
        "publish",
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &[],
        &[("WIRECOMPAT_REGISTRY_TOKEN", "wrong-token-77c1e")],
    );
    r.expect(2, &reg);
    let all = r.all();
    assert!(all.contains("40101"), "{all}");
    assert!(
        !all.contains("wrong-token-77c1e"),
        "the token leaked:\n{all}"
    );
    assert_no_post(&reg, "401 bearer");

    let reg = orders_registry();
    reg.require_basic("alice", "right-pass-5521");
    let r = registry_cmd(
        "publish",
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &[],
        &[
            ("WIRECOMPAT_REGISTRY_USERNAME", "alice"),
            ("WIRECOMPAT_REGISTRY_PASSWORD", "wrong-pass-9b2d"),
        ],
    );
    r.expect(2, &reg);
    let all = r.all();
    assert!(all.contains("40101"), "{all}");
    assert!(
        !all.contains("wrong-pass-9b2d"),
        "the password leaked:\n{all}"
    );
    let encoded = base64(b"alice:wrong-pass-9b2d");
    assert!(
        !all.contains(&encoded),
        "the encoded password leaked:\n{all}"
    );
    assert_no_post(&reg, "401 basic");
}

#[test]
fn a_409_on_publish_is_an_error_with_the_registry_message() {
    let dir = scratch();
    let reg = orders_registry();
    reg.fault(
        "POST",
        "/subjects/orders-value/versions",
        Fault::Conflict409,
    );
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = publish(&reg, dir.path(), SUBJECT, &file, &[]);
    r.expect(2, &reg);
    let all = r.all();
    assert!(all.contains("409"), "{all}");
    assert!(
        all.contains(
            "Schema being registered is incompatible with an earlier schema for subject \"orders-value\""
        ),
        "{all}"
    );
    assert_eq!(
        reg.posts().len(),
        1,
        "one POST, not retried:\n{}",
        reg.dump()
    );
    assert_eq!(reg.versions(SUBJECT).len(), 1);
}

#[test]
fn a_new_subject_has_nothing_to_compare() {
    let dir = scratch();
    let reg = orders_registry();
    let file = write(dir.path(), "order.avsc", ORDER_ID_INT);
    let r = check(&reg, dir.path(), "brand-new-value", &file, &[]);
    r.expect(0, &reg);
    let all = r.all().to_lowercase();
    assert!(
        [
            "nothing to compare",
            "no version",
            "not found",
            "does not exist",
            "new subject",
            "first version",
            "no earlier version",
        ]
        .iter()
        .any(|p| all.contains(p)),
        "the output says there is nothing to compare with:\n{all}"
    );
    assert!(reg.count("GET", "/subjects/brand-new-value") >= 1);
    assert_no_post(&reg, "check");

    let r = publish(&reg, dir.path(), "brand-new-value", &file, &[]);
    r.expect(0, &reg);
    assert_eq!(reg.posts().len(), 1, "{}", reg.dump());
    assert_eq!(reg.versions("brand-new-value").len(), 1);
}

// ---------------------------------------------------------------------------
// 8: credentials

#[test]
fn basic_credentials_come_from_the_environment() {
    let dir = scratch();
    let reg = orders_registry();
    reg.require_basic("svc-wirecompat", "pa55-Q7-basic");
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = registry_cmd(
        "publish",
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &[],
        &[
            ("WIRECOMPAT_REGISTRY_USERNAME", "svc-wirecompat"),
            ("WIRECOMPAT_REGISTRY_PASSWORD", "pa55-Q7-basic"),
        ],
    );
    r.expect(0, &reg);
    let expected = format!("Basic {}", base64(b"svc-wirecompat:pa55-Q7-basic"));
    let log = reg.log();
    assert!(!log.is_empty());
    for q in &log {
        assert_eq!(
            q.header("authorization"),
            Some(expected.as_str()),
            "{} {}",
            q.method,
            q.target
        );
    }
    assert_eq!(reg.posts().len(), 1);
    let all = r.all();
    assert!(!all.contains("pa55-Q7-basic"), "{all}");
    assert!(
        !all.contains(&base64(b"svc-wirecompat:pa55-Q7-basic")),
        "{all}"
    );
}

#[test]
fn a_bearer_token_comes_from_the_environment() {
    let dir = scratch();
    let reg = orders_registry();
    reg.require_bearer("tok-8d71-bearer");
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let r = registry_cmd(
        "check",
        &reg,
        dir.path(),
        SUBJECT,
        &file,
        &[],
        &[("WIRECOMPAT_REGISTRY_TOKEN", "tok-8d71-bearer")],
    );
    r.expect(0, &reg);
    let log = reg.log();
    assert!(!log.is_empty());
    for q in &log {
        assert_eq!(
            q.header("authorization"),
            Some("Bearer tok-8d71-bearer"),
            "{} {}",
            q.method,
            q.target
        );
    }
    assert!(!r.all().contains("tok-8d71-bearer"), "{}", r.all());
}

#[test]
fn credentials_in_the_url_are_refused() {
    let dir = scratch();
    let reg = orders_registry();
    let file = write(dir.path(), "order.avsc", ORDER_ADD_DEFAULT);
    let url = format!("http://alice:url-pass-4e1c@{}", reg.addr());
    let f = file.to_str().unwrap();
    for sub in ["check", "publish"] {
        let r = wirecompat(
            dir.path(),
            &["registry", sub, "--url", &url, "--subject", SUBJECT, f],
            &[],
        );
        r.expect(2, &reg);
        assert!(!r.all().contains("url-pass-4e1c"), "{}", r.all());
    }
    let r = wirecompat(dir.path(), &["registry", "audit", "--url", &url], &[]);
    r.expect(2, &reg);
    assert!(!r.all().contains("url-pass-4e1c"), "{}", r.all());
    assert!(
        reg.log().is_empty(),
        "the registry was contacted:\n{}",
        reg.dump()
    );
}

// ---------------------------------------------------------------------------
// 9: nothing registered unless the check passes

#[test]
fn nothing_is_registered_when_the_check_fails_or_errors() {
    type Setup = fn(&Registry);
    type Env = &'static [(&'static str, &'static str)];
    /// (what, FILE's text, registry setup, extra flags, environment, exit)
    type FailCase = (
        &'static str,
        &'static str,
        Setup,
        &'static [&'static str],
        Env,
        i32,
    );
    let cases: &[FailCase] = &[
        ("incompatible", ORDER_ID_INT, |_| {}, &[], &[], 1),
        (
            "forward break at FULL",
            ORDER_NO_AMOUNT,
            |r| {
                r.level(SUBJECT, "FULL");
            },
            &[],
            &[],
            1,
        ),
        (
            "500 on the versions",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always("GET", "/subjects/orders-value/versions", Fault::Status500);
            },
            &["--retries", "0"],
            &[],
            2,
        ),
        (
            "500 on the config",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always("GET", "/config", Fault::Status500);
            },
            &["--retries", "0"],
            &[],
            2,
        ),
        (
            "429 without end",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always(
                    "GET",
                    "/subjects/orders-value/versions",
                    Fault::TooMany429 { retry_after: None },
                );
            },
            &["--retries", "0"],
            &[],
            2,
        ),
        (
            "truncated",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always("GET", "/subjects/orders-value", Fault::TruncatedJson);
            },
            &["--retries", "0"],
            &[],
            2,
        ),
        (
            "slow",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always(
                    "GET",
                    "/subjects/orders-value",
                    Fault::Slow(Duration::from_secs(3)),
                );
            },
            &["--retries", "0", "--timeout", "1"],
            &[],
            2,
        ),
        (
            "401",
            ORDER_ADD_DEFAULT,
            |r| {
                r.fault_always("GET", "/", Fault::Unauthorized401);
            },
            &[],
            &[],
            2,
        ),
        (
            "missing credentials",
            ORDER_ADD_DEFAULT,
            |r| {
                r.require_bearer("needed-token");
            },
            &[],
            &[],
            2,
        ),
        (
            "unreadable file",
            "{\"type\": \"record\", \"name\": ",
            |_| {},
            &[],
            &[],
            2,
        ),
        (
            "unknown level",
            ORDER_ADD_DEFAULT,
            |_| {},
            &["--level", "SIDEWAYS"],
            &[],
            2,
        ),
    ];
    let dir = scratch();
    for &(what, text, setup, flags, env, code) in cases {
        let reg = orders_registry();
        setup(&reg);
        let file = write(dir.path(), "order.avsc", text);
        let r = registry_cmd("publish", &reg, dir.path(), SUBJECT, &file, flags, env);
        assert_eq!(
            r.code,
            code,
            "{what}\n--- stdout\n{}\n--- stderr\n{}\n--- log\n{}",
            r.stdout,
            r.stderr,
            reg.dump()
        );
        assert!(!r.all().contains("panicked"), "{what}: {}", r.stderr);
        assert_no_post(&reg, what);
        assert_eq!(reg.versions(SUBJECT).len(), 1, "{what}");
    }
}

// ---------------------------------------------------------------------------
// 10: audit

/// `orders-value`: v1, v2 (a field with a default: fine), v3 (`id` string
/// -> int: AV101 against v2). `clean-value`: v1, v2 fine.
fn audit_registry() -> Registry {
    let reg = Registry::start();
    reg.add(SUBJECT, Schema::avro(ORDER_V1))
        .add(SUBJECT, Schema::avro(ORDER_ADD_DEFAULT))
        .add(
            SUBJECT,
            Schema::avro(
                r#"{"type":"record","name":"Order","namespace":"com.acme","fields":[
  {"name":"id","type":"int"},
  {"name":"amount","type":"long"},
  {"name":"currency","type":"string","default":"EUR"}
]}"#,
            ),
        )
        .add("clean-value", Schema::avro(ORDER_V1))
        .add("clean-value", Schema::avro(ORDER_ADD_DEFAULT));
    reg
}

/// `out` names `subject` and, on the same line or in the subject's section
/// (the indented lines under it), both versions on one line.
fn names_pair(out: &str, subject: &str, a: &str, b: &str) -> bool {
    let lines: Vec<&str> = out.lines().collect();
    // A version reads `3`, `v3` or `S@3`.
    let pair = |l: &str| {
        let w = words(l);
        let has = |n: &str| w.iter().any(|t| *t == n || t.strip_prefix('v') == Some(n));
        has(a) && has(b)
    };
    lines.iter().enumerate().any(|(i, l)| {
        l.contains(subject)
            && (pair(l)
                || lines[i + 1..]
                    .iter()
                    .take_while(|n| n.is_empty() || n.starts_with(char::is_whitespace))
                    .any(|n| pair(n)))
    })
}

#[test]
fn audit_names_the_incompatible_pair() {
    let dir = scratch();
    let reg = audit_registry();
    let r = audit(&reg, dir.path(), &[]);
    r.expect(1, &reg);
    assert!(
        names_pair(&r.stdout, SUBJECT, "2", "3"),
        "the pair v2 -> v3 is named:\n{}",
        r.stdout
    );
    assert!(r.stdout.contains("AV101"), "{}", r.stdout);
    assert_no_post(&reg, "audit");
    // Every version of both subjects read.
    assert!(reg.count("GET", "/subjects/clean-value/versions") >= 1);

    let r = audit(&reg, dir.path(), &["--format", "json"]);
    r.expect(1, &reg);
    let v = r.json();
    assert!(v.to_string().contains("AV101"), "{v:#}");
}

#[test]
fn audit_passes_a_clean_subject_and_the_glob_filters() {
    let dir = scratch();
    let reg = audit_registry();
    let r = audit(&reg, dir.path(), &["--subject-glob", "clean-*"]);
    r.expect(0, &reg);
    assert!(r.stdout.contains("clean-value"), "{}", r.stdout);
    assert_eq!(
        reg.count("GET", "/subjects/orders-value"),
        0,
        "a subject the glob excludes was read:\n{}",
        reg.dump()
    );

    let reg = audit_registry();
    let r = audit(&reg, dir.path(), &["--subject-glob", "orders-*"]);
    r.expect(1, &reg);
    assert_eq!(
        reg.count("GET", "/subjects/clean-value"),
        0,
        "{}",
        reg.dump()
    );

    // At NONE the same history passes.
    let reg = audit_registry();
    reg.level(SUBJECT, "NONE");
    audit(&reg, dir.path(), &[]).expect(0, &reg);
}

#[test]
fn audit_checks_every_pair_at_transitive_levels() {
    let dir = scratch();
    let history = || {
        let reg = Registry::start();
        reg.add("gap-value", Schema::avro(GAP_V1))
            .add("gap-value", Schema::avro(GAP_V2))
            .add("gap-value", Schema::avro(GAP_HISTORY_V3));
        reg
    };
    // Consecutive pairs pass BACKWARD.
    let reg = history();
    audit(&reg, dir.path(), &[]).expect(0, &reg);
    // v3 cannot read v1.
    let reg = history();
    reg.level("gap-value", "BACKWARD_TRANSITIVE");
    let r = audit(&reg, dir.path(), &[]);
    r.expect(1, &reg);
    assert!(
        names_pair(&r.stdout, "gap-value", "1", "3"),
        "the pair v1 -> v3 is named:\n{}",
        r.stdout
    );
    // The global level applies to a subject without its own.
    let reg = history();
    reg.global_level("BACKWARD_TRANSITIVE");
    audit(&reg, dir.path(), &[]).expect(1, &reg);
}
