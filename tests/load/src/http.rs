//! A small HTTP/1.1 client over hyper: a [`Browser`] is one member's phone, with its own
//! source address on the loopback range (so the server sees one client address per member,
//! as behind a real network), its cookies, and up to [`MAX_CONNECTIONS`] keep-alive
//! connections (a page's requests go out at once, as a browser sends them).

use std::net::{Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpSocket;

/// Connections a browser opens to one host at most (browsers use 6; the member pages ask
/// for at most five things at once).
pub const MAX_CONNECTIONS: usize = 5;
/// No request waits longer than this; it then counts as an error (`timeout`).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// One request's outcome as the member saw it.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Method and route, e.g. `PUT /api/v1/attempts/{id}/answers/{position}`.
    pub endpoint: &'static str,
    pub elapsed: Duration,
    /// 0 when no HTTP answer came (connect or transport error, timeout).
    pub status: u16,
    /// The error body's `code`, or what went wrong without an answer; `None` on success.
    pub error: Option<String>,
}

/// A reply with its body read.
pub struct Reply {
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A request to send: route name for the report, method, path and query, JSON body, and
/// the status that means success.
pub struct Call {
    pub endpoint: &'static str,
    pub method: Method,
    pub path: String,
    pub body: Option<Value>,
    pub expect: u16,
}

impl Call {
    pub fn get(endpoint: &'static str, path: impl Into<String>) -> Call {
        Call {
            endpoint,
            method: Method::GET,
            path: path.into(),
            body: None,
            expect: 200,
        }
    }

    /// A request that changes something; `body: None` sends none (as the app's start and
    /// submit do).
    pub fn send(
        endpoint: &'static str,
        method: Method,
        path: impl Into<String>,
        body: Option<Value>,
        expect: u16,
    ) -> Call {
        Call {
            endpoint,
            method,
            path: path.into(),
            body,
            expect,
        }
    }
}

pub struct Browser {
    server: SocketAddr,
    source: Ipv4Addr,
    host: HeaderValue,
    origin: HeaderValue,
    conns: Vec<SendRequest<Full<Bytes>>>,
    cookies: Vec<(String, String)>,
    pub samples: Vec<Sample>,
}

/// The loopback address member `i` connects from: 127.20.0.1, 127.20.0.2, … (never .0 or
/// .255, never 127.0.0.1, which the server listens on).
pub fn source_address(i: usize) -> Ipv4Addr {
    let a = i / 250;
    Ipv4Addr::new(
        127,
        20 + (a / 250) as u8,
        (a % 250) as u8,
        (i % 250) as u8 + 1,
    )
}

impl Browser {
    pub fn new(server: SocketAddr, source: Ipv4Addr) -> Browser {
        let host = server.to_string();
        Browser {
            server,
            source,
            host: HeaderValue::from_str(&host).expect("host"),
            origin: HeaderValue::from_str(&format!("http://{host}")).expect("origin"),
            conns: vec![],
            cookies: vec![],
            samples: vec![],
        }
    }

    /// A second browser of the same member (another tab): same address and session
    /// cookie, its own connections and samples.
    pub fn same_session(&self) -> Browser {
        Browser {
            server: self.server,
            source: self.source,
            host: self.host.clone(),
            origin: self.origin.clone(),
            conns: vec![],
            cookies: self.cookies.clone(),
            samples: vec![],
        }
    }

    /// Opens connections until there are `n` (at most [`MAX_CONNECTIONS`]).
    pub async fn connect(&mut self, n: usize) -> Result<(), String> {
        while self.conns.len() < n.min(MAX_CONNECTIONS) {
            let c = connect(self.source, self.server).await?;
            self.conns.push(c);
        }
        Ok(())
    }

    fn request(&self, call: &Call) -> Request<Full<Bytes>> {
        let mut b = Request::builder()
            .method(call.method.clone())
            .uri(&call.path)
            .header(header::HOST, self.host.clone())
            .header(header::ACCEPT, "application/json");
        if call.method != Method::GET {
            // What a browser sends with a same-origin fetch that changes something.
            b = b.header(header::ORIGIN, self.origin.clone());
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            b = b.header(header::COOKIE, jar.join("; "));
        }
        let body = match &call.body {
            Some(v) => {
                b = b.header(header::CONTENT_TYPE, "application/json");
                Bytes::from(v.to_string())
            }
            None => Bytes::new(),
        };
        b.body(Full::new(body)).expect("request")
    }

    fn keep_cookies(&mut self, headers: &hyper::HeaderMap) {
        for v in headers.get_all(header::SET_COOKIE) {
            let Some(pair) = v.to_str().ok().and_then(|s| s.split(';').next()) else {
                continue;
            };
            let Some((name, value)) = pair.split_once('=') else {
                continue;
            };
            let (name, value) = (name.trim().to_string(), value.trim().to_string());
            self.cookies.retain(|(k, _)| *k != name);
            if !value.is_empty() {
                self.cookies.push((name, value));
            }
        }
    }

    /// Sends one request and records it; `None` unless it answered the expected status.
    pub async fn call(&mut self, call: Call) -> Option<Reply> {
        self.all(vec![call]).await.pop().flatten()
    }

    /// Sends the requests at once, one per connection, and records each.
    pub async fn all(&mut self, calls: Vec<Call>) -> Vec<Option<Reply>> {
        let started = Instant::now();
        if let Err(e) = self.connect(calls.len()).await {
            for c in &calls {
                self.samples.push(Sample {
                    endpoint: c.endpoint,
                    elapsed: started.elapsed(),
                    status: 0,
                    error: Some(e.clone()),
                });
            }
            return calls.iter().map(|_| None).collect();
        }
        let requests: Vec<Request<Full<Bytes>>> = calls.iter().map(|c| self.request(c)).collect();
        let (server, source) = (self.server, self.source);
        let results = futures_util::future::join_all(
            self.conns
                .iter_mut()
                .zip(requests)
                .map(|(conn, req)| send(conn, req, server, source)),
        )
        .await;
        let mut out = vec![];
        let mut broken = vec![];
        for (i, (call, result)) in calls.iter().zip(results).enumerate() {
            match result {
                Ok((elapsed, parts, body)) => {
                    self.keep_cookies(&parts.headers);
                    let status = parts.status.as_u16();
                    let error = (status != call.expect).then(|| {
                        serde_json::from_slice::<Value>(&body)
                            .ok()
                            .and_then(|v| v["code"].as_str().map(str::to_string))
                            .unwrap_or_else(|| "(no JSON code)".into())
                    });
                    self.samples.push(Sample {
                        endpoint: call.endpoint,
                        elapsed,
                        status,
                        error: error.clone(),
                    });
                    out.push(error.is_none().then_some(Reply { body }));
                }
                Err((elapsed, e)) => {
                    self.samples.push(Sample {
                        endpoint: call.endpoint,
                        elapsed,
                        status: 0,
                        error: Some(e),
                    });
                    broken.push(i);
                    out.push(None);
                }
            }
        }
        // A connection that timed out or broke is not used again.
        for i in broken.into_iter().rev() {
            self.conns.remove(i);
        }
        out
    }
}

async fn connect(source: Ipv4Addr, server: SocketAddr) -> Result<SendRequest<Full<Bytes>>, String> {
    let sock = TcpSocket::new_v4().map_err(|e| format!("connect: {e}"))?;
    sock.bind(SocketAddr::new(source.into(), 0))
        .map_err(|e| format!("connect: bind {source}: {e}"))?;
    let stream = tokio::time::timeout(REQUEST_TIMEOUT, sock.connect(server))
        .await
        .map_err(|_| "connect: timeout".to_string())?
        .map_err(|e| format!("connect: {e}"))?;
    stream
        .set_nodelay(true)
        .map_err(|e| format!("connect: {e}"))?;
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(send)
}

type Sent = (Duration, hyper::http::response::Parts, Bytes);

/// Sends on `conn` (reconnecting first if the server closed it while idle, as a browser
/// does) and reads the whole answer, timed from the moment the request goes out.
async fn send(
    conn: &mut SendRequest<Full<Bytes>>,
    req: Request<Full<Bytes>>,
    server: SocketAddr,
    source: Ipv4Addr,
) -> Result<Sent, (Duration, String)> {
    if conn.ready().await.is_err() {
        *conn = connect(source, server)
            .await
            .map_err(|e| (Duration::ZERO, e))?;
    }
    let started = Instant::now();
    let exchange = async {
        let resp = conn
            .send_request(req)
            .await
            .map_err(|e| format!("io: {e}"))?;
        let (parts, body) = resp.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| format!("io: {e}"))?
            .to_bytes();
        Ok::<_, String>((parts, body))
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, exchange).await {
        Ok(Ok((parts, body))) => Ok((started.elapsed(), parts, body)),
        Ok(Err(e)) => Err((started.elapsed(), e)),
        Err(_) => Err((started.elapsed(), "timeout".into())),
    }
}
