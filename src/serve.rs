//! A small HTTP/1.1 server on 127.0.0.1, for the demo newsroom, the tests
//! and the benchmarks. Never bound to anything but loopback.
//!
//! It runs on its own thread with its own runtime, so callers may be
//! synchronous. A [`Handler`] maps each request to a [`Reply`]; helpers serve
//! bytes with validators (ETag, Last-Modified, 304) the way a well-behaved
//! feed server does.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};

/// What the handler sees of a request.
#[derive(Debug, Clone)]
pub struct Request {
    /// Path and query.
    pub path: String,
    /// Headers (names lowercase), values as bytes.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The method (`GET`, `POST`...).
    pub method: String,
    /// The request body (at most [`MAX_REQUEST_BODY`] bytes; cut there).
    pub body: Vec<u8>,
}

/// Most bytes of a request body kept for the handler.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;

impl Request {
    /// The first value of header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// A response to send.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, Vec<u8>)>,
    /// Body bytes, sent as they are.
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
}

impl Reply {
    /// A 200 with a content type.
    pub fn ok(content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            headers: vec![("content-type".into(), content_type.as_bytes().to_vec())],
            body: body.into(),
            delay: None,
        }
    }

    /// An empty response with this status.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            ..Default::default()
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Reply {
        self.headers
            .push((name.to_ascii_lowercase(), value.as_ref().to_vec()));
        self
    }

    /// A redirect.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("location", location)
    }

    /// Serves `body` with an ETag (its hash) and a fixed Last-Modified,
    /// answering 304 when the request's validators match.
    pub fn with_validators(req: &Request, content_type: &str, body: &[u8]) -> Reply {
        let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body))[..16]);
        let last_modified = "Sat, 01 Aug 2026 10:00:00 GMT";
        let inm = req.header("if-none-match");
        let ims = req.header("if-modified-since");
        let fresh = match (inm, ims) {
            (Some(v), _) => v == etag.as_bytes(),
            (None, Some(v)) => v == last_modified.as_bytes(),
            _ => false,
        };
        let r = if fresh {
            Reply::status(304)
        } else {
            Reply::ok(content_type, body.to_vec())
        };
        r.header("etag", etag)
            .header("last-modified", last_modified)
    }
}

/// Maps a request to a reply.
pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// A running loopback server; stops when dropped.
pub struct LocalServer {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LocalServer {
    /// Starts serving on 127.0.0.1 (port chosen by the system).
    pub fn start(handler: Handler) -> std::io::Result<LocalServer> {
        LocalServer::start_on(handler, 0)
    }

    /// Starts serving on 127.0.0.1:`port` (0 = any).
    pub fn start_on(handler: Handler, port: u16) -> std::io::Result<LocalServer> {
        LocalServer::start_at(handler, std::net::Ipv4Addr::LOCALHOST, port)
    }

    /// Starts serving on another loopback address (127.0.0.0/8), so that
    /// benchmarks can stand for many hosts. Refuses any other address.
    pub fn start_at(
        handler: Handler,
        ip: std::net::Ipv4Addr,
        port: u16,
    ) -> std::io::Result<LocalServer> {
        if !ip.is_loopback() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{ip} is not a loopback address"),
            ));
        }
        let std_listener = std::net::TcpListener::bind((ip, port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::Builder::new()
            .name("khabar-serve".into())
            .spawn(move || {
                rt.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(std_listener) else {
                        return;
                    };
                    loop {
                        tokio::select! {
                            _ = &mut stop_rx => break,
                            accepted = listener.accept() => {
                                let Ok((stream, _)) = accepted else { continue };
                                let h = handler.clone();
                                tokio::spawn(async move {
                                    let svc = service_fn(move |req: hyper::Request<Incoming>| {
                                        let h = h.clone();
                                        async move { Ok::<_, Infallible>(respond(&h, req).await) }
                                    });
                                    let _ = hyper::server::conn::http1::Builder::new()
                                        .serve_connection(TokioIo::new(stream), svc)
                                        .await;
                                });
                            }
                        }
                    }
                });
            })?;
        Ok(LocalServer {
            addr,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

async fn respond(h: &Handler, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let request = Request {
        path: req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into()),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.as_bytes().to_vec()))
            .collect(),
        method: req.method().as_str().to_string(),
        body: Vec::new(),
    };
    let mut request = request;
    let mut incoming = req.into_body();
    while let Some(Ok(frame)) = http_body_util::BodyExt::frame(&mut incoming).await {
        if let Ok(data) = frame.into_data() {
            let room = MAX_REQUEST_BODY.saturating_sub(request.body.len());
            request
                .body
                .extend_from_slice(&data[..data.len().min(room)]);
        }
    }
    let reply = h(&request);
    if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    let mut resp = hyper::Response::new(Full::new(Bytes::from(reply.body)));
    *resp.status_mut() = hyper::StatusCode::from_u16(reply.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in reply.headers {
        if let (Ok(name), Ok(value)) = (
            hyper::header::HeaderName::from_bytes(k.as_bytes()),
            hyper::header::HeaderValue::from_bytes(&v),
        ) {
            resp.headers_mut().append(name, value);
        }
    }
    resp
}
