//! A schema registry speaking the Confluent REST API (Confluent Schema
//! Registry, Karapace, Redpanda, Apicurio's compatible API): subjects, their
//! versions with references, levels, and registration.
//!
//! Credentials come from the environment or the configuration, never from
//! the command line, and never appear in an error: every message this module
//! returns has them replaced by `***`.

use std::io::Read as _;
use std::path::PathBuf;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use crate::error::Error;
use crate::level::Level;

/// How to reach the registry.
#[derive(Clone, Default)]
pub struct Connection {
    /// Base URL, without credentials.
    pub url: String,
    pub auth: Auth,
    /// Extra headers (Confluent Cloud style); their values are secrets too.
    pub headers: Vec<(String, String)>,
    /// Per request.
    pub timeout: Duration,
    /// Retries after a 429, a 5xx, a timeout or a broken connection.
    pub retries: u32,
    /// PEM file of the CA certificates to trust instead of the system's.
    pub ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.url)
            .field("auth", &self.auth)
            .field(
                "headers",
                &self.headers.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

#[derive(Clone, Default)]
pub enum Auth {
    #[default]
    None,
    Basic {
        user: String,
        password: String,
    },
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Auth::None => "None",
            Auth::Basic { .. } => "Basic(***)",
            Auth::Bearer(_) => "Bearer(***)",
        })
    }
}

/// The kind of a registered schema (`schemaType`; absent means Avro).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaType {
    Avro,
    Protobuf,
    Json,
}

impl SchemaType {
    pub fn as_str(self) -> &'static str {
        match self {
            SchemaType::Avro => "AVRO",
            SchemaType::Protobuf => "PROTOBUF",
            SchemaType::Json => "JSON",
        }
    }

    fn parse(v: &Value) -> Result<SchemaType, String> {
        match v.as_str() {
            None => Ok(SchemaType::Avro),
            Some("AVRO") => Ok(SchemaType::Avro),
            Some("PROTOBUF") => Ok(SchemaType::Protobuf),
            Some("JSON") => Ok(SchemaType::Json),
            Some(other) => Err(format!("unknown schemaType {other:?}")),
        }
    }

    /// The file extension wirecompat reads the type from.
    pub fn extension(self) -> &'static str {
        match self {
            SchemaType::Avro => "avsc",
            SchemaType::Protobuf => "proto",
            SchemaType::Json => "json",
        }
    }
}

/// A reference from one schema to another subject's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// Protobuf: the import path; JSON Schema: the `$ref` URI; Avro: the
    /// referenced type's full name.
    pub name: String,
    pub subject: String,
    pub version: u32,
}

/// One version of a subject.
#[derive(Debug, Clone)]
pub struct SchemaVersion {
    pub subject: String,
    pub version: u32,
    pub id: u64,
    pub schema: String,
    pub schema_type: SchemaType,
    pub references: Vec<Reference>,
}

/// Path segments are encoded whole: `/`, `:`, `%` and the rest.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn segment(s: &str) -> String {
    utf8_percent_encode(s, SEGMENT).to_string()
}

/// What went wrong with one request, before it is worded.
enum Failure {
    /// An HTTP status with the registry's error body, if it sent one.
    Status {
        status: u16,
        code: Option<i64>,
        message: String,
        retry_after: Option<u64>,
    },
    /// No answer: a timeout, a refused or broken connection, TLS.
    Transport { message: String, timeout: bool },
}

/// A definitive answer that is not a success: HTTP status, the registry's
/// `error_code` and `message`.
type Refusal = (u16, Option<i64>, String);

pub struct Client {
    agent: ureq::Agent,
    conn: Connection,
    secrets: Vec<String>,
}

/// Longest wait a `Retry-After` may ask for.
const MAX_RETRY_AFTER: u64 = 30;

impl Client {
    pub fn new(conn: Connection) -> Result<Client, Error> {
        let url = url::Url::parse(&conn.url)
            .map_err(|e| Error::usage(format!("registry URL {:?}: {e}", conn.url)))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::usage(
                "the registry URL carries credentials: pass them in the environment \
                 (WIRECOMPAT_REGISTRY_USERNAME and WIRECOMPAT_REGISTRY_PASSWORD, or \
                 WIRECOMPAT_REGISTRY_TOKEN) or name the variables in wirecompat.toml, never on \
                 the command line",
            ));
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::usage(format!(
                "registry URL {:?}: only http and https are supported",
                conn.url
            )));
        }
        let mut tls =
            ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier);
        if let Some(ca) = &conn.ca_file {
            let pem = std::fs::read(ca).map_err(|e| Error::io(ca, &e))?;
            let mut certs = Vec::new();
            for item in ureq::tls::parse_pem(&pem) {
                match item {
                    Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c.to_owned()),
                    Ok(_) => {}
                    Err(e) => {
                        return Err(Error::input(
                            ca.display().to_string(),
                            0,
                            0,
                            format!("not a PEM certificate file: {e}"),
                        ));
                    }
                }
            }
            if certs.is_empty() {
                return Err(Error::input(
                    ca.display().to_string(),
                    0,
                    0,
                    "no certificate in the CA file",
                ));
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(conn.timeout))
            .http_status_as_error(false)
            .tls_config(tls.build())
            .user_agent(concat!("wirecompat/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let mut secrets: Vec<String> = conn.headers.iter().map(|(_, v)| v.clone()).collect();
        match &conn.auth {
            Auth::None => {}
            Auth::Basic { user, password } => {
                secrets.push(password.clone());
                secrets.push(basic(user, password));
            }
            Auth::Bearer(t) => secrets.push(t.clone()),
        }
        secrets.retain(|s| s.len() >= 3);
        Ok(Client {
            agent,
            conn: Connection {
                url: conn.url.trim_end_matches('/').to_string(),
                ..conn
            },
            secrets,
        })
    }

    pub fn url(&self) -> &str {
        &self.conn.url
    }

    /// A message with every secret replaced.
    fn redact(&self, s: &str) -> String {
        let mut out = s.to_string();
        for secret in &self.secrets {
            out = out.replace(secret.as_str(), "***");
        }
        out
    }

    fn once(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, Failure> {
        let url = format!("{}{path}", self.conn.url);
        let accept = "application/vnd.schemaregistry.v1+json, application/json";
        let auth = match &self.conn.auth {
            Auth::None => None,
            Auth::Basic { user, password } => Some(format!("Basic {}", basic(user, password))),
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
        };
        let result = match body {
            None => {
                let mut req = self.agent.get(&url).header("Accept", accept);
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                for (k, v) in &self.conn.headers {
                    req = req.header(k, v);
                }
                req.call()
            }
            Some(b) => {
                let mut req = self
                    .agent
                    .post(&url)
                    .header("Accept", accept)
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json");
                if let Some(a) = &auth {
                    req = req.header("Authorization", a);
                }
                for (k, v) in &self.conn.headers {
                    req = req.header(k, v);
                }
                req.send(b.to_string())
            }
        };
        let _ = method;
        let mut resp = match result {
            Ok(r) => r,
            Err(e) => {
                let timeout = matches!(e, ureq::Error::Timeout(_));
                return Err(Failure::Transport {
                    message: e.to_string(),
                    timeout,
                });
            }
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let mut text = String::new();
        // Bounded: a registry answer is a few schemas, not gigabytes.
        let read = resp
            .body_mut()
            .as_reader()
            .take(64 << 20)
            .read_to_string(&mut text);
        if let Err(e) = read {
            let timeout = e.kind() == std::io::ErrorKind::TimedOut
                || e.to_string().to_ascii_lowercase().contains("timeout");
            return Err(Failure::Transport {
                message: format!("reading the answer: {e}"),
                timeout,
            });
        }
        let parsed: Result<Value, _> = serde_json::from_str(&text);
        if (200..300).contains(&status) {
            return parsed.map_err(|e| Failure::Status {
                status,
                code: None,
                message: format!(
                    "the answer is not valid JSON ({e}; {} bytes received)",
                    text.len()
                ),
                retry_after: None,
            });
        }
        let (code, message) = match &parsed {
            Ok(v) => (
                v["error_code"].as_i64(),
                v["message"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| text.chars().take(300).collect()),
            ),
            Err(_) => (None, text.chars().take(300).collect()),
        };
        Err(Failure::Status {
            status,
            code,
            message,
            retry_after,
        })
    }

    /// A request with retries on 429, 5xx, timeouts and broken connections.
    /// `Ok(Err(..))` is a definitive answer that is not a success (a 404 the
    /// caller may expect).
    fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Result<Value, Refusal>, Error> {
        let mut attempt = 0;
        loop {
            let failure = match self.once(method, path, body) {
                Ok(v) => return Ok(Ok(v)),
                Err(f) => f,
            };
            let (retryable, wait_hint) = match &failure {
                Failure::Status {
                    status,
                    retry_after,
                    code,
                    ..
                } => (
                    (*status == 429 || *status >= 500) || (*status == 200 && code.is_none()),
                    *retry_after,
                ),
                Failure::Transport { .. } => (true, None),
            };
            // A POST is retried only when it certainly did not land.
            let retryable = retryable
                && (body.is_none()
                    || matches!(&failure, Failure::Status { status, .. } if *status == 429 || *status == 503));
            if retryable && attempt < self.conn.retries {
                attempt += 1;
                let backoff = 250u64 << (attempt - 1).min(5);
                let wait = wait_hint
                    .map(|s| s.min(MAX_RETRY_AFTER) * 1000)
                    .unwrap_or(backoff);
                std::thread::sleep(Duration::from_millis(wait));
                continue;
            }
            let tries = if attempt > 0 {
                format!(" (after {} attempts)", attempt + 1)
            } else {
                String::new()
            };
            return match failure {
                Failure::Status {
                    status,
                    code,
                    message,
                    ..
                } => {
                    if (200..300).contains(&status) || status == 429 || status >= 500 {
                        Err(self.error(method, path, status, code, &message, &tries))
                    } else {
                        Ok(Err((status, code, message)))
                    }
                }
                Failure::Transport { message, timeout } => {
                    let what = if timeout {
                        format!(
                            "no answer within the timeout of {} s",
                            self.conn.timeout.as_secs_f64()
                        )
                    } else {
                        message
                    };
                    Err(Error::usage(self.redact(&format!(
                        "registry {}: {method} {path}: {what}{tries}",
                        self.conn.url
                    ))))
                }
            };
        }
    }

    fn error(
        &self,
        method: &str,
        path: &str,
        status: u16,
        code: Option<i64>,
        message: &str,
        tries: &str,
    ) -> Error {
        let code = code
            .map(|c| format!(" error_code {c}:"))
            .unwrap_or_default();
        Error::usage(self.redact(&format!(
            "registry {}: {method} {path}: HTTP {status}{code} {message}{tries}",
            self.conn.url
        )))
    }

    /// A request whose only good answer is a success.
    fn get(&self, path: &str) -> Result<Value, Error> {
        match self.request("GET", path, None)? {
            Ok(v) => Ok(v),
            Err((status, code, message)) => {
                Err(self.error("GET", path, status, code, &message, ""))
            }
        }
    }

    pub fn subjects(&self) -> Result<Vec<String>, Error> {
        let v = self.get("/subjects")?;
        strings(&v).ok_or_else(|| self.shape("/subjects", "a list of subject names"))
    }

    fn shape(&self, path: &str, expected: &str) -> Error {
        Error::usage(format!(
            "registry {}: GET {path}: the answer is not {expected}",
            self.conn.url
        ))
    }

    /// The subject's version numbers, oldest first; `None` when the
    /// registry does not know the subject (40401).
    pub fn versions(&self, subject: &str) -> Result<Option<Vec<u32>>, Error> {
        let path = format!("/subjects/{}/versions", segment(subject));
        match self.request("GET", &path, None)? {
            Ok(v) => {
                let mut out: Vec<u32> = v
                    .as_array()
                    .ok_or_else(|| self.shape(&path, "a list of versions"))?
                    .iter()
                    .map(|n| n.as_u64().and_then(|n| u32::try_from(n).ok()))
                    .collect::<Option<_>>()
                    .ok_or_else(|| self.shape(&path, "a list of version numbers"))?;
                out.sort_unstable();
                Ok(Some(out))
            }
            Err((404, Some(40401), _)) => Ok(None),
            Err((status, code, message)) => {
                Err(self.error("GET", &path, status, code, &message, ""))
            }
        }
    }

    /// One version (`latest` or a number).
    pub fn version(&self, subject: &str, version: &str) -> Result<SchemaVersion, Error> {
        let path = format!(
            "/subjects/{}/versions/{}",
            segment(subject),
            segment(version)
        );
        let v = self.get(&path)?;
        let bad = |what: &str| self.shape(&path, what);
        let schema_type =
            SchemaType::parse(&v["schemaType"]).map_err(|e| bad(&format!("a schema ({e})")))?;
        let mut references = Vec::new();
        if let Some(refs) = v["references"].as_array() {
            for r in refs {
                references.push(Reference {
                    name: r["name"]
                        .as_str()
                        .ok_or_else(|| bad("a schema (a reference without name)"))?
                        .to_string(),
                    subject: r["subject"]
                        .as_str()
                        .ok_or_else(|| bad("a schema (a reference without subject)"))?
                        .to_string(),
                    version: r["version"]
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| bad("a schema (a reference without version)"))?,
                });
            }
        }
        Ok(SchemaVersion {
            subject: v["subject"].as_str().unwrap_or(subject).to_string(),
            version: v["version"]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| bad("a schema (no version)"))?,
            id: v["id"].as_u64().unwrap_or(0),
            schema: v["schema"]
                .as_str()
                .ok_or_else(|| bad("a schema (no schema text)"))?
                .to_string(),
            schema_type,
            references,
        })
    }

    /// The subject's level, else the registry's global one.
    pub fn level(&self, subject: &str) -> Result<Level, Error> {
        let path = format!("/config/{}?defaultToGlobal=true", segment(subject));
        let v = match self.request("GET", &path, None)? {
            Ok(v) => v,
            // Registries without defaultToGlobal answer 404 for a subject
            // without its own level: ask for the global one.
            Err((404, _, _)) => self.get("/config")?,
            Err((status, code, message)) => {
                return Err(self.error("GET", &path, status, code, &message, ""));
            }
        };
        let name = v["compatibilityLevel"]
            .as_str()
            .or_else(|| v["compatibility"].as_str())
            .ok_or_else(|| self.shape(&path, "a compatibility level"))?;
        name.parse::<Level>()
            .map_err(|e| Error::usage(format!("registry {}: {path}: {e}", self.conn.url)))
    }

    /// Registers a schema; returns its id. A refusal (409 incompatible,
    /// 422 invalid) is an error carrying the registry's code and message.
    pub fn register(
        &self,
        subject: &str,
        schema: &str,
        schema_type: SchemaType,
        references: &[Reference],
    ) -> Result<u64, Error> {
        let path = format!("/subjects/{}/versions", segment(subject));
        let mut body = json!({ "schema": schema });
        if schema_type != SchemaType::Avro {
            body["schemaType"] = json!(schema_type.as_str());
        }
        if !references.is_empty() {
            body["references"] = references
                .iter()
                .map(|r| json!({"name": r.name, "subject": r.subject, "version": r.version}))
                .collect();
        }
        match self.request("POST", &path, Some(&body))? {
            Ok(v) => v["id"]
                .as_u64()
                .ok_or_else(|| self.shape(&path, "the registered schema's id")),
            Err((status, code, message)) => Err(self.error(
                "POST",
                &path,
                status,
                code,
                &format!("{message} (nothing was registered)"),
                "",
            )),
        }
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn basic(user: &str, password: &str) -> String {
    base64(format!("{user}:{password}").as_bytes())
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_of_basic_credentials() {
        assert_eq!(
            basic("Aladdin", "open sesame"),
            "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert_eq!(base64(b"a"), "YQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64(b"abc"), "YWJj");
    }

    #[test]
    fn subjects_are_encoded_as_one_segment() {
        assert_eq!(segment("orders-value"), "orders-value");
        assert_eq!(segment("a/b:c d%"), "a%2Fb%3Ac%20d%25");
    }

    #[test]
    fn credentials_in_the_url_are_refused() {
        let e = Client::new(Connection {
            url: "http://alice:s3cret@localhost:8081".into(),
            timeout: Duration::from_secs(1),
            ..Default::default()
        })
        .err()
        .unwrap()
        .to_string();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(e.contains("environment"), "{e}");
    }
}
