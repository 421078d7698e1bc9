//! An in-process Confluent Schema Registry: the REST API's answers and error
//! bodies as Confluent gives them, fault injection, optional authentication
//! and a log of every request, for tests of `wirecompat registry`.
//!
//! ```ignore
//! let reg = Registry::start();
//! reg.global_level("BACKWARD")
//!     .add("orders-value", Schema::avro(V1))
//!     .level("orders-value", "BACKWARD_TRANSITIVE")
//!     .fault("GET", "/subjects/orders-value/versions", Fault::Status500);
//! // ... run the CLI with `--url reg.url()` ...
//! assert_eq!(reg.count("POST", "/subjects/"), 0);
//! ```
//!
//! Every answer has `Content-Type: application/vnd.schemaregistry.v1+json`
//! and a `Content-Length`; connections are kept alive (HTTP/1.1) unless the
//! client sends `Connection: close`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The media type Confluent answers with.
pub const CONTENT_TYPE: &str = "application/vnd.schemaregistry.v1+json";

/// A schema reference as the registry stores it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// Protobuf: the import path; JSON Schema: the `$ref` URI; Avro: the
    /// referenced type's full name.
    pub name: String,
    pub subject: String,
    pub version: u32,
}

/// A schema to store: its text, its type and its references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    pub schema: String,
    /// `PROTOBUF` or `JSON`; `None` for Avro (Confluent omits it).
    pub schema_type: Option<String>,
    pub references: Vec<Reference>,
}

impl Schema {
    pub fn avro(text: &str) -> Schema {
        Schema {
            schema: text.to_string(),
            schema_type: None,
            references: Vec::new(),
        }
    }

    pub fn protobuf(text: &str) -> Schema {
        Schema {
            schema: text.to_string(),
            schema_type: Some("PROTOBUF".into()),
            references: Vec::new(),
        }
    }

    pub fn json(text: &str) -> Schema {
        Schema {
            schema: text.to_string(),
            schema_type: Some("JSON".into()),
            references: Vec::new(),
        }
    }

    /// Adds a reference (builder style).
    pub fn reference(mut self, name: &str, subject: &str, version: u32) -> Schema {
        self.references.push(Reference {
            name: name.into(),
            subject: subject.into(),
            version,
        });
        self
    }

    /// Registry identity: Confluent gives the same id to the same schema
    /// (type and references included) whatever the subject.
    fn same(&self, other: &Schema) -> bool {
        let ty = |t: &Option<String>| t.clone().unwrap_or_else(|| "AVRO".into());
        self.schema == other.schema
            && ty(&self.schema_type) == ty(&other.schema_type)
            && self.references == other.references
    }
}

/// One stored version of a subject.
#[derive(Clone, Debug)]
pub struct Version {
    pub version: u32,
    pub id: u32,
    pub schema: Schema,
}

/// What to do to a matching request instead of (or before) answering it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 500 `{"error_code":50001,"message":"Error in the backend data store"}`.
    Status500,
    /// 429 `{"error_code":429,"message":"Too Many Requests"}`, with a
    /// `Retry-After` header (seconds) when given.
    TooMany429 { retry_after: Option<u32> },
    /// Sleep this long, then answer normally.
    Slow(Duration),
    /// The normal status and body, cut in half, with a Content-Length of
    /// the half: well framed, but not valid JSON.
    TruncatedJson,
    /// 401 `{"error_code":40101,"message":"Unauthorized"}`.
    Unauthorized401,
    /// 409 with Confluent's "incompatible with an earlier schema" message
    /// (meant for `POST /subjects/{s}/versions`).
    Conflict409,
}

/// How many times a fault applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Times {
    Once,
    N(usize),
    Always,
}

#[derive(Clone, Debug)]
struct FaultRule {
    method: String,
    prefix: String,
    fault: Fault,
    /// `None`: forever.
    remaining: Option<usize>,
}

/// Authentication the registry requires.
#[derive(Clone, Debug)]
pub enum Auth {
    Basic { user: String, password: String },
    Bearer(String),
}

impl Auth {
    /// The `Authorization` header value this authentication expects.
    pub fn header(&self) -> String {
        match self {
            Auth::Basic { user, password } => {
                format!("Basic {}", base64(format!("{user}:{password}").as_bytes()))
            }
            Auth::Bearer(token) => format!("Bearer {token}"),
        }
    }
}

/// One request as the registry received it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    /// The request target as sent: path and query, still percent-encoded.
    pub target: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request was read.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The query parameter's value (`None` when absent).
    pub fn query(&self, key: &str) -> Option<String> {
        let (_, q) = self.target.split_once('?')?;
        q.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (percent_decode(k) == key).then(|| percent_decode(v))
        })
    }

    /// The body as JSON (`Value::Null` when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Debug)]
struct State {
    subjects: BTreeMap<String, Vec<Version>>,
    subject_levels: BTreeMap<String, String>,
    global_level: String,
    next_id: u32,
    faults: Vec<FaultRule>,
    auth: Option<Auth>,
    log: Vec<Request>,
}

/// The mock registry; it stops accepting connections when dropped.
pub struct Registry {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
    }
}

impl Registry {
    /// Listens on 127.0.0.1 (a free port) and serves in background threads.
    /// The global level starts at BACKWARD (Confluent's default); ids at 1.
    pub fn start() -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            subjects: BTreeMap::new(),
            subject_levels: BTreeMap::new(),
            global_level: "BACKWARD".into(),
            next_id: 1,
            faults: Vec::new(),
            auth: None,
            log: Vec::new(),
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let st = st.clone();
                thread::spawn(move || serve(conn, &st));
            }
        });
        Registry { addr, state, stop }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The id the next new schema gets (ids are global, shared by subjects).
    pub fn ids_from(&self, id: u32) -> &Self {
        self.lock().next_id = id;
        self
    }

    /// Stores a new version of `subject` (creating it); see [`Self::register`]
    /// for the version and id.
    pub fn add(&self, subject: &str, schema: Schema) -> &Self {
        self.register(subject, schema);
        self
    }

    /// Stores a new version of `subject` as a POST would: the same schema
    /// already under the subject gives its existing version back.
    /// Returns (version, id).
    pub fn register(&self, subject: &str, schema: Schema) -> (u32, u32) {
        store(&mut self.lock(), subject, schema)
    }

    /// The subject's compatibility level (`GET /config/{subject}`).
    pub fn level(&self, subject: &str, level: &str) -> &Self {
        self.lock()
            .subject_levels
            .insert(subject.into(), level.into());
        self
    }

    /// The global compatibility level (`GET /config`).
    pub fn global_level(&self, level: &str) -> &Self {
        self.lock().global_level = level.into();
        self
    }

    /// Injects `fault` once into the next request whose method is `method`
    /// and whose path starts with `prefix` (decoded, or as sent).
    pub fn fault(&self, method: &str, prefix: &str, fault: Fault) -> &Self {
        self.fault_times(method, prefix, fault, Times::Once)
    }

    /// Injects `fault` into every matching request.
    pub fn fault_always(&self, method: &str, prefix: &str, fault: Fault) -> &Self {
        self.fault_times(method, prefix, fault, Times::Always)
    }

    /// Faults queue up: of the rules matching a request, the first one
    /// added that is not used up applies.
    pub fn fault_times(&self, method: &str, prefix: &str, fault: Fault, times: Times) -> &Self {
        let remaining = match times {
            Times::Once => Some(1),
            Times::N(n) => Some(n),
            Times::Always => None,
        };
        self.lock().faults.push(FaultRule {
            method: method.to_ascii_uppercase(),
            prefix: prefix.into(),
            fault,
            remaining,
        });
        self
    }

    /// Requires `Authorization: Basic base64(user:password)`.
    pub fn require_basic(&self, user: &str, password: &str) -> &Self {
        self.lock().auth = Some(Auth::Basic {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// Requires `Authorization: Bearer TOKEN`.
    pub fn require_bearer(&self, token: &str) -> &Self {
        self.lock().auth = Some(Auth::Bearer(token.into()));
        self
    }

    /// Every request received so far, in order.
    pub fn log(&self) -> Vec<Request> {
        self.lock().log.clone()
    }

    /// Requests with this method whose decoded path starts with `prefix`.
    pub fn requests(&self, method: &str, prefix: &str) -> Vec<Request> {
        self.lock()
            .log
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path.starts_with(prefix))
            .cloned()
            .collect()
    }

    pub fn count(&self, method: &str, prefix: &str) -> usize {
        self.requests(method, prefix).len()
    }

    /// Every POST (registration attempt) received.
    pub fn posts(&self) -> Vec<Request> {
        self.lock()
            .log
            .iter()
            .filter(|r| r.method == "POST")
            .cloned()
            .collect()
    }

    /// The versions `subject` holds (empty when it does not exist).
    pub fn versions(&self, subject: &str) -> Vec<Version> {
        self.lock()
            .subjects
            .get(subject)
            .cloned()
            .unwrap_or_default()
    }

    /// The log, one line per request, for assertion messages.
    pub fn dump(&self) -> String {
        self.lock()
            .log
            .iter()
            .map(|r| format!("{} {}\n", r.method, r.target))
            .collect()
    }
}

fn store(st: &mut State, subject: &str, schema: Schema) -> (u32, u32) {
    let existing = st
        .subjects
        .get(subject)
        .and_then(|vs| vs.iter().find(|v| v.schema.same(&schema)));
    if let Some(v) = existing {
        return (v.version, v.id);
    }
    let id = st
        .subjects
        .values()
        .flatten()
        .find(|v| v.schema.same(&schema))
        .map(|v| v.id)
        .unwrap_or_else(|| {
            let id = st.next_id;
            st.next_id += 1;
            id
        });
    let versions = st.subjects.entry(subject.into()).or_default();
    let version = versions.last().map_or(1, |v| v.version + 1);
    versions.push(Version {
        version,
        id,
        schema,
    });
    (version, id)
}

/// An answer: status, JSON body, extra headers.
struct Answer {
    status: u16,
    body: String,
    headers: Vec<(String, String)>,
}

fn answer(status: u16, body: Value) -> Answer {
    Answer {
        status,
        body: body.to_string(),
        headers: Vec::new(),
    }
}

fn error(status: u16, code: u32, message: &str) -> Answer {
    answer(status, json!({"error_code": code, "message": message}))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "Unknown",
    }
}

/// Reads requests off one connection and answers them until it closes.
fn serve(conn: TcpStream, state: &Mutex<State>) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut out) = conn.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(conn);
    loop {
        let Some(req) = read_request(&mut reader) else {
            return;
        };
        let close = req
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let (fault, auth) = {
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.log.push(req.clone());
            let fault = st
                .faults
                .iter_mut()
                .find(|f| {
                    f.remaining != Some(0)
                        && f.method == req.method
                        && (req.path.starts_with(&f.prefix) || req.target.starts_with(&f.prefix))
                })
                .map(|f| {
                    if let Some(n) = f.remaining.as_mut() {
                        *n -= 1;
                    }
                    f.fault.clone()
                });
            (fault, st.auth.clone())
        };
        let authorized = auth.is_none_or(|a| req.header("authorization") == Some(&a.header()));
        let mut truncate = false;
        let ans = match fault {
            Some(Fault::Status500) => error(500, 50001, "Error in the backend data store"),
            Some(Fault::TooMany429 { retry_after }) => {
                let mut a = error(429, 429, "Too Many Requests");
                if let Some(s) = retry_after {
                    a.headers.push(("Retry-After".into(), s.to_string()));
                }
                a
            }
            Some(Fault::Unauthorized401) => error(401, 40101, "Unauthorized"),
            Some(Fault::Conflict409) => {
                let subject = subject_of(&req.path).unwrap_or_else(|| "orders-value".into());
                error(
                    409,
                    409,
                    &format!(
                        "Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'note' at path '/fields/2' in the new schema has no default value and is missing in the old schema', additionalInfo:'note'}}, {{oldSchemaVersion: 1}}, {{oldSchema: '...'}}, {{compatibility: 'BACKWARD'}}]"
                    ),
                )
            }
            other => {
                if let Some(Fault::Slow(d)) = other {
                    thread::sleep(d);
                }
                truncate = other == Some(Fault::TruncatedJson);
                if authorized {
                    let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                    route(&mut st, &req)
                } else {
                    error(401, 40101, "Unauthorized")
                }
            }
        };
        let mut body = ans.body.into_bytes();
        if truncate {
            body.truncate(body.len() / 2);
        }
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {CONTENT_TYPE}\r\nContent-Length: {}\r\n",
            ans.status,
            reason(ans.status),
            body.len()
        );
        for (n, v) in &ans.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        if close {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut msg = head.into_bytes();
        msg.extend_from_slice(&body);
        if out.write_all(&msg).and_then(|()| out.flush()).is_err() || close {
            let _ = out.shutdown(Shutdown::Both);
            return;
        }
    }
}

/// One HTTP/1.1 request (Content-Length or chunked body); `None` at the end
/// of the connection or on garbage.
fn read_request(r: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if !line.trim().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end_matches(['\r', '\n']);
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if get("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked")) {
        loop {
            let mut size = String::new();
            r.read_line(&mut size).ok()?;
            let size = usize::from_str_radix(size.trim().split(';').next()?.trim(), 16).ok()?;
            let mut chunk = vec![0; size + 2];
            r.read_exact(&mut chunk).ok()?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(n) = get("content-length") {
        let n: usize = n.parse().ok()?;
        body.resize(n, 0);
        r.read_exact(&mut body).ok()?;
    }
    let raw_path = target.split('?').next().unwrap_or("");
    let path = raw_path
        .split('/')
        .map(percent_decode)
        .collect::<Vec<_>>()
        .join("/");
    Some(Request {
        method,
        target,
        path,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
        at: Instant::now(),
    })
}

/// The decoded path's segments, without empty ones (a trailing slash).
fn segments(req: &Request) -> Vec<String> {
    let raw = req.target.split('?').next().unwrap_or("");
    raw.split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

fn subject_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/subjects/")?;
    Some(rest.split('/').next()?.to_string())
}

fn level_body(level: &str) -> Value {
    json!({ "compatibilityLevel": level })
}

fn version_body(subject: &str, v: &Version) -> Value {
    let mut o = json!({
        "subject": subject,
        "version": v.version,
        "id": v.id,
        "schema": v.schema.schema,
    });
    schema_extras(&mut o, &v.schema);
    o
}

/// `schemaType` (omitted for Avro) and `references` (omitted when empty).
fn schema_extras(o: &mut Value, s: &Schema) {
    if let Some(t) = &s.schema_type {
        o["schemaType"] = json!(t);
    }
    if !s.references.is_empty() {
        o["references"] = Value::Array(
            s.references
                .iter()
                .map(|r| json!({"name": r.name, "subject": r.subject, "version": r.version}))
                .collect(),
        );
    }
}

fn subject_not_found(s: &str) -> Answer {
    error(404, 40401, &format!("Subject '{s}' not found."))
}

/// Finds a version: a number, `latest` or `-1`.
fn find_version<'a>(
    st: &'a State,
    subject: &str,
    v: &str,
) -> Result<(&'a Vec<Version>, &'a Version), Answer> {
    let Some(versions) = st.subjects.get(subject) else {
        return Err(subject_not_found(subject));
    };
    let found = if v == "latest" || v == "-1" {
        versions.last()
    } else {
        match v.parse::<u32>() {
            Ok(n) if n > 0 => versions.iter().find(|x| x.version == n),
            _ => {
                return Err(error(
                    422,
                    42202,
                    &format!(
                        "The specified version '{v}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\""
                    ),
                ));
            }
        }
    };
    match found {
        Some(x) => Ok((versions, x)),
        None => Err(error(404, 40402, &format!("Version {v} not found."))),
    }
}

fn route(st: &mut State, req: &Request) -> Answer {
    let seg = segments(req);
    let seg: Vec<&str> = seg.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, seg.as_slice()) {
        ("GET", []) => answer(200, json!({})),
        ("GET", ["subjects"]) => answer(200, json!(st.subjects.keys().collect::<Vec<_>>())),
        ("GET", ["subjects", s, "versions"]) => match st.subjects.get(*s) {
            Some(vs) => answer(200, json!(vs.iter().map(|v| v.version).collect::<Vec<_>>())),
            None => subject_not_found(s),
        },
        ("GET", ["subjects", s, "versions", v]) => match find_version(st, s, v) {
            Ok((_, x)) => answer(200, version_body(s, x)),
            Err(e) => e,
        },
        ("GET", ["subjects", s, "versions", v, "schema"]) => match find_version(st, s, v) {
            Ok((_, x)) => Answer {
                status: 200,
                body: x.schema.schema.clone(),
                headers: Vec::new(),
            },
            Err(e) => e,
        },
        ("GET", ["subjects", s, "versions", v, "referencedby"]) => match find_version(st, s, v) {
            Ok((_, x)) => {
                let ids: Vec<u32> = st
                    .subjects
                    .values()
                    .flatten()
                    .filter(|o| {
                        o.schema
                            .references
                            .iter()
                            .any(|r| r.subject == *s && r.version == x.version)
                    })
                    .map(|o| o.id)
                    .collect();
                answer(200, json!(ids))
            }
            Err(e) => e,
        },
        ("GET", ["schemas", "ids", id]) => {
            let found = id
                .parse::<u32>()
                .ok()
                .and_then(|id| st.subjects.values().flatten().find(|v| v.id == id).cloned());
            match found {
                Some(v) => {
                    let mut o = json!({ "schema": v.schema.schema });
                    schema_extras(&mut o, &v.schema);
                    answer(200, o)
                }
                None => error(404, 40403, &format!("Schema {id} not found")),
            }
        }
        ("POST", ["subjects", s, "versions"]) => {
            let body: Option<Value> = serde_json::from_str(&req.body).ok();
            let Some(schema) = body.as_ref().and_then(parse_schema) else {
                let detail = if body.is_none() {
                    "the request body is not JSON".to_string()
                } else {
                    "no \"schema\" string in the request".to_string()
                };
                return error(422, 42201, &format!("Invalid schema {detail}"));
            };
            // Confluent refuses a Protobuf schema whose imports have no
            // reference (other than the well-known types it bundles).
            if schema.schema_type.as_deref() == Some("PROTOBUF") {
                for import in proto_imports(&schema.schema) {
                    if !import.starts_with("google/protobuf/")
                        && !schema.references.iter().any(|r| r.name == import)
                    {
                        return error(
                            422,
                            42201,
                            &format!("Invalid schema: no reference for import \"{import}\""),
                        );
                    }
                }
            }
            for r in &schema.references {
                if find_version(st, &r.subject, &r.version.to_string()).is_err() {
                    return error(
                        422,
                        42201,
                        &format!(
                            "Invalid schema: reference {} to subject '{}' version {} not found",
                            r.name, r.subject, r.version
                        ),
                    );
                }
            }
            let (_, id) = store(st, s, schema);
            answer(200, json!({ "id": id }))
        }
        ("GET", ["config"]) => answer(200, level_body(&st.global_level)),
        ("PUT", ["config"]) => match req.json()["compatibility"].as_str() {
            Some(l) => {
                st.global_level = l.to_string();
                answer(200, json!({ "compatibility": l }))
            }
            None => error(422, 42203, "Invalid compatibility level"),
        },
        ("GET", ["config", s]) => match st.subject_levels.get(*s) {
            Some(l) => answer(200, level_body(l)),
            None if req.query("defaultToGlobal").as_deref() == Some("true") => {
                answer(200, level_body(&st.global_level))
            }
            None => error(
                404,
                40408,
                &format!("Subject '{s}' does not have subject-level compatibility configured"),
            ),
        },
        ("PUT", ["config", s]) => match req.json()["compatibility"].as_str() {
            Some(l) => {
                st.subject_levels.insert(s.to_string(), l.to_string());
                answer(200, json!({ "compatibility": l }))
            }
            None => error(422, 42203, "Invalid compatibility level"),
        },
        ("GET", ["subjects", _, ..]) => error(404, 404, "HTTP 404 Not Found"),
        (_, ["subjects", ..] | ["config", ..] | ["schemas", ..]) => {
            error(405, 405, "HTTP 405 Method Not Allowed")
        }
        _ => error(404, 404, "HTTP 404 Not Found"),
    }
}

/// The paths a .proto file imports (`import "x";`, `import public "x";`).
fn proto_imports(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let rest = line.trim_start().strip_prefix("import")?;
            let q = rest.find('"')?;
            let path = &rest[q + 1..];
            Some(path[..path.find('"')?].to_string())
        })
        .collect()
}

fn parse_schema(body: &Value) -> Option<Schema> {
    let schema = body.get("schema")?.as_str()?.to_string();
    let schema_type = match body.get("schemaType").and_then(Value::as_str) {
        None | Some("AVRO") => None,
        Some(t) => Some(t.to_string()),
    };
    let mut references = Vec::new();
    for r in body
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        references.push(Reference {
            name: r.get("name")?.as_str()?.to_string(),
            subject: r.get("subject")?.as_str()?.to_string(),
            version: u32::try_from(r.get("version")?.as_u64()?).ok()?,
        });
    }
    Some(Schema {
        schema,
        schema_type,
        references,
    })
}

/// `%XX` decoding (invalid escapes kept as they are); `+` stays a plus, as
/// in a path.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Standard base64 with padding.
pub fn base64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in data.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for k in 0..4 {
            if k <= c.len() {
                s.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}
