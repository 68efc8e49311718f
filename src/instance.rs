//! One window per store: a second `khabar` start (or `khabar subscribe
//! URL` from a browser) hands its request to the window already running and
//! exits, so there is never a second writer on the store.
//!
//! - The first window takes an advisory lock on `window.lock` in the data
//!   folder and binds a Unix socket, `window.sock` beside it (or, when that
//!   path is too long for a socket address, a name made from the folder's
//!   hash in `$XDG_RUNTIME_DIR` or the temporary folder). The lock, not the
//!   socket file, says whether a window runs: the kernel lets go of it when
//!   the process exits in any way, so a socket file left by a crashed window
//!   is recognised as stale (the lock is free) and replaced.
//! - A later start finds the lock held, connects, writes one line
//!   (`raise`, or `subscribe URL`), waits for `ok` and exits. While the
//!   first window is still starting (lock held, socket not yet bound) it
//!   retries for a few seconds; if the lock comes free meanwhile it becomes
//!   the window itself.
//! - The window serves requests on a thread ([`Primary::serve`]) and hands
//!   each to a callback; the window routes them into its event channel and
//!   wakes itself.
//!
//! Written by hand over `std::os::unix::net` (a lock, a socket and one line
//! each way): the crates for this (single-instance and the like) either
//! leave stale sockets to the caller or bring a D-Bus stack.
//!
//! Nothing here knows about egui.

use std::fs::{File, TryLockError};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The lock file's name in the data folder.
pub const LOCK_FILE: &str = "window.lock";
/// The socket's name in the data folder.
pub const SOCKET_FILE: &str = "window.sock";

/// Longest request line accepted (a URL and its verb).
const MAX_LINE: u64 = 8 * 1024;
/// How long a later start keeps trying to reach a window that is starting.
const CONNECT_PATIENCE: Duration = Duration::from_secs(10);
/// How long a later start waits for the window's answer.
const ANSWER_PATIENCE: Duration = Duration::from_secs(10);

/// What a later start asks of the running window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Come to the front.
    Raise,
    /// Come to the front with the add-feed dialog filled with this URL.
    Subscribe(String),
}

impl Request {
    /// The request as one line on the socket.
    pub fn encode(&self) -> String {
        match self {
            Request::Raise => "raise\n".into(),
            // A URL has no spaces or newlines once parsed; strip any anyway.
            Request::Subscribe(url) => format!("subscribe {}\n", url.replace(['\n', '\r'], "")),
        }
    }

    /// A line read from the socket, if it is a request.
    pub fn decode(line: &str) -> Option<Request> {
        let line = line.trim_end_matches(['\n', '\r']);
        if line == "raise" {
            return Some(Request::Raise);
        }
        let url = line.strip_prefix("subscribe ")?.trim();
        (!url.is_empty()).then(|| Request::Subscribe(url.to_string()))
    }
}

/// Errors of the hand-over.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    /// The lock or the socket could not be made.
    #[error("cannot set up the single-window check in {dir}: {source}")]
    Setup {
        /// The data folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A window holds the store but did not take the request.
    #[error(
        "a Khabar window is running on {dir} but did not answer ({reason}); close it or wait for it"
    )]
    NoAnswer {
        /// The data folder.
        dir: PathBuf,
        /// What went wrong.
        reason: String,
    },
}

/// The outcome of [`claim`].
#[derive(Debug)]
pub enum Claim {
    /// No window runs on this store: this process is the window.
    First(Primary),
    /// A window runs and took the request: this process should exit.
    HandedOver,
}

/// The running window's end: holds the lock and the bound socket.
#[derive(Debug)]
pub struct Primary {
    lock: File,
    listener: UnixListener,
    socket: PathBuf,
}

/// A [`Primary`] serving requests; dropping it stops the thread, removes
/// the socket and lets go of the lock.
pub struct Serving {
    _lock: File,
    socket: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Where the socket of the store in `data_dir` lives.
pub fn socket_path(data_dir: &Path) -> PathBuf {
    let near = data_dir.join(SOCKET_FILE);
    // sun_path holds 108 bytes with its NUL; keep a margin.
    if near.as_os_str().len() < 100 {
        return near;
    }
    use sha2::Digest as _;
    let abs = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let hash = hex::encode(&sha2::Sha256::digest(abs.as_os_str().as_encoded_bytes())[..8]);
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    base.join(format!("khabar-{hash}.sock"))
}

/// Becomes the store's window, or hands `request` to the window already
/// running on it.
pub fn claim(data_dir: &Path, request: &Request) -> Result<Claim, InstanceError> {
    let setup = |source| InstanceError::Setup {
        dir: data_dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(setup)?;
    let socket = socket_path(data_dir);
    let started = Instant::now();
    let mut last_error;
    loop {
        if let Some(lock) = try_lock(&data_dir.join(LOCK_FILE)).map_err(setup)? {
            return bind(lock, socket).map(Claim::First).map_err(setup);
        }
        // A window holds the store: hand the request over.
        match hand_over(&socket, request) {
            Ok(()) => return Ok(Claim::HandedOver),
            Err(Failure::Answer(reason)) => {
                return Err(InstanceError::NoAnswer {
                    dir: data_dir.to_path_buf(),
                    reason,
                });
            }
            // Not bound yet (the window is starting) or already gone (it is
            // closing): look again shortly.
            Err(Failure::Connect(e)) => last_error = e,
        }
        if started.elapsed() > CONNECT_PATIENCE {
            return Err(InstanceError::NoAnswer {
                dir: data_dir.to_path_buf(),
                reason: format!("cannot connect to {}: {last_error}", socket.display()),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether a window runs on the store in `data_dir` (holds its lock). A
/// background poll leaves the polling to it.
pub fn window_running(data_dir: &Path) -> bool {
    let path = data_dir.join(LOCK_FILE);
    path.exists() && matches!(try_lock(&path), Ok(None))
}

fn try_lock(path: &Path) -> std::io::Result<Option<File>> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

fn bind(lock: File, socket: PathBuf) -> std::io::Result<Primary> {
    // With the lock held, a socket file here is a crashed window's.
    match std::fs::remove_file(&socket) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let listener = UnixListener::bind(&socket)?;
    // Only this user may ask the window for anything.
    std::fs::set_permissions(&socket, std::fs::Permissions::from_mode(0o600))?;
    Ok(Primary {
        lock,
        listener,
        socket,
    })
}

enum Failure {
    /// No one listens (yet, or any more).
    Connect(std::io::Error),
    /// Connected, but the request was not taken.
    Answer(String),
}

fn hand_over(socket: &Path, request: &Request) -> Result<(), Failure> {
    let mut stream = UnixStream::connect(socket).map_err(Failure::Connect)?;
    let answer = (|| {
        stream.set_read_timeout(Some(ANSWER_PATIENCE))?;
        stream.set_write_timeout(Some(ANSWER_PATIENCE))?;
        stream.write_all(request.encode().as_bytes())?;
        let mut line = String::new();
        BufReader::new(&stream)
            .take(MAX_LINE)
            .read_line(&mut line)?;
        Ok::<_, std::io::Error>(line)
    })()
    .map_err(|e| Failure::Answer(e.to_string()))?;
    match answer.trim_end() {
        "ok" => Ok(()),
        "" => Err(Failure::Answer("it closed the connection".into())),
        other => Err(Failure::Answer(format!("it said {other:?}"))),
    }
}

impl Primary {
    /// Where the socket is.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// Serves requests on a thread, handing each to `handler`. Requests
    /// made since [`claim`] wait in the socket's backlog until now.
    pub fn serve(self, handler: impl Fn(Request) + Send + 'static) -> std::io::Result<Serving> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let listener = self.listener;
        let thread = std::thread::Builder::new()
            .name("khabar-instance".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if flag.load(Ordering::Acquire) {
                        return;
                    }
                    let Ok(conn) = conn else { continue };
                    answer(conn, &handler);
                }
            })?;
        Ok(Serving {
            _lock: self.lock,
            socket: self.socket,
            stop,
            thread: Some(thread),
        })
    }
}

/// Reads one request from a connection, hands it on and answers.
fn answer(mut conn: UnixStream, handler: &impl Fn(Request)) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(2)));
    let mut line = String::new();
    let read = BufReader::new(&conn).take(MAX_LINE).read_line(&mut line);
    let reply = match read.ok().and_then(|_| Request::decode(&line)) {
        Some(req) => {
            handler(req);
            "ok\n"
        }
        None => "error: not a request\n",
    };
    let _ = conn.write_all(reply.as_bytes());
}

impl Serving {
    /// Where the socket is.
    pub fn socket(&self) -> &Path {
        &self.socket
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop so it sees the flag.
        let _ = UnixStream::connect(&self.socket);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        // The socket goes before the lock (dropped after this), so a window
        // started next never has its fresh socket removed by this one.
        let _ = std::fs::remove_file(&self.socket);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_survive_the_line() {
        for r in [
            Request::Raise,
            Request::Subscribe("https://example.com/feed?a=1&b=2".into()),
        ] {
            assert_eq!(Request::decode(&r.encode()), Some(r));
        }
        assert_eq!(Request::decode("subscribe \n"), None);
        assert_eq!(Request::decode("quit\n"), None);
        assert_eq!(
            Request::Subscribe("http://x/\nraise".into()).encode(),
            "subscribe http://x/raise\n"
        );
    }

    #[test]
    fn a_long_data_folder_puts_the_socket_elsewhere() {
        let short = Path::new("/tmp/k");
        assert_eq!(socket_path(short), short.join(SOCKET_FILE));
        let long = PathBuf::from(format!("/tmp/{}", "d".repeat(120)));
        let p = socket_path(&long);
        assert!(p.as_os_str().len() < 100, "{}", p.display());
        assert_eq!(p, socket_path(&long), "both ends agree");
        assert_ne!(p, socket_path(&long.join("other")));
    }
}
