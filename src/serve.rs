//! `auditbook serve`: builds the site in memory, serves it on 127.0.0.1, rebuilds when a
//! workspace file changes and reloads open pages. An invalid workspace keeps the last good
//! site and shows the diagnostics on every page.
//!
//! Only the in-memory site is served: no request reaches the file system, so no path can
//! lead outside the site. Rebuilds are incremental (see `rebuild`): only the pages that
//! depend on a change are rendered again, and the files whose bytes changed are swapped in
//! all at once, so a page is always served from one complete build. On a loopback address,
//! requests naming another host, in `Host` or in the request target, are refused (a web page
//! elsewhere cannot read the site through DNS rebinding).
//!
//! Connections are served by HTTP/1.1 on an async runtime, so that no client can hold what
//! others need (docs/security.md): a request head is at most [`MAX_HEAD`] bytes and must
//! arrive within [`HEADER_TIMEOUT`]; a client that stops reading is cut off after
//! [`WRITE_TIMEOUT`]; at most [`connection_cap`] connections are served at once, and more
//! are told 503; running out of descriptors pauses accepting instead of ending it.

use std::convert::Infallible;
use std::future::Future as _;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use notify::{RecursiveMode, Watcher as _};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Semaphore, watch};

use crate::build::{Edition, Failure, failure_text};
use crate::diag::terminal_safe;
use crate::rebuild::Rebuilder;
use crate::render::Site;

/// What the server shows: the last good site, and the problems of the newest build.
struct State {
    site: Arc<Site>,
    /// Diagnostics of a failed rebuild, as plain text; `None` when the newest build worked.
    problems: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    /// Bumped on every rebuild, so open pages know to reload.
    version: watch::Sender<u64>,
    /// Live-reload requests waiting for a change.
    waiters: AtomicUsize,
    /// Whether requests must name this machine in `Host` (the server is on loopback).
    local_only: bool,
    /// Refused requests logged so far; after [`MAX_REFUSALS_LOGGED`], no more are.
    refusals: AtomicUsize,
}

/// The most live-reload requests held open at once; more are told to come back later.
const MAX_WAITERS: usize = 64;
/// The longest request target (path and query) served; longer ones get 414.
const MAX_TARGET: usize = 8 * 1024;
/// The most bytes of one request head (request line and headers) read before answering 431.
const MAX_HEAD: usize = 40 * 1024;
/// How long a client has to send a whole request head, on a new connection or a kept-alive
/// one waiting for its next request.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a response may wait for a client that does not read before the connection is
/// closed.
const WRITE_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a connection may do nothing at all (no byte read or written) before it is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the accept loop pauses after an error such as running out of descriptors.
const ACCEPT_PAUSE: Duration = Duration::from_millis(100);
/// How many refused requests are logged; a page that keeps trying cannot flood the terminal.
const MAX_REFUSALS_LOGGED: usize = 20;

/// The answer to a connection over the cap, written without waiting and then closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 28\r\nRetry-After: 1\r\nConnection: close\r\n\r\ntoo many connections, retry\n";

const LIVE_JS: &str = r#"(function () {
  "use strict";
  var seen = null;
  function poll() {
    fetch("/__auditbook/wait?since=" + (seen === null ? "" : seen), { cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error("busy"); } return r.text(); })
      .then(function (t) {
        var v = parseInt(t, 10);
        if (seen !== null && v !== seen) { window.location.reload(); return; }
        seen = v;
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
"#;

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Options {
    pub bind: IpAddr,
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Which site to serve: the public one leaves out what `build --public` does.
    pub edition: Edition,
}

/// Runs the server until the process is stopped.
pub fn serve(root: &Path, options: &Options) -> Result<(), String> {
    let started = Instant::now();
    let mut rebuilder = Rebuilder::for_edition(root, options.edition);
    let mut site = Site::default();
    let problems = match rebuilder.rebuild(&site) {
        Ok(built) => {
            built.apply(&mut site);
            None
        }
        Err(Failure::Io(e)) => return Err(format!("cannot read workspace {e}")),
        Err(other) => Some(failure_text(&other)),
    };
    if let Some(p) = &problems {
        eprint!("{p}");
    }
    if let Some(w) = rebuilder.warnings() {
        eprint!("{w}");
    }
    let public = (rebuilder.left_out())
        .map(|hide| format!("; public: left out {}", hide.describe()))
        .unwrap_or_default();
    eprintln!(
        "built {} pages in {} ms{public}",
        site.page_count(),
        started.elapsed().as_millis()
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            site: Arc::new(site),
            problems,
        }),
        version: watch::Sender::new(1),
        waiters: AtomicUsize::new(0),
        local_only: options.bind.is_loopback(),
        refusals: AtomicUsize::new(0),
    });
    let addr = SocketAddr::new(options.bind, options.port);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    listener
        .set_nonblocking(true)
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // With `--port 0` the system picks the port: say which.
    let addr = listener.local_addr().unwrap_or(addr);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .clamp(2, 8),
        )
        .thread_name("serve")
        .enable_io()
        .enable_time()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let listener = {
        let _entered = runtime.enter();
        tokio::net::TcpListener::from_std(listener)
            .map_err(|e| format!("cannot listen on {addr}: {e}"))?
    };
    eprintln!("serving on http://{addr}/ — press Ctrl+C to stop");
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}, not only on this machine: anyone who can reach it can read the site",
            options.bind
        );
    }
    let _watcher = watch(root, rebuilder, shared.clone())?;
    if options.open {
        open_browser(&browser_url(addr));
    }
    runtime.block_on(accept_loop(listener, shared, connection_cap()));
    Ok(())
}

/// The address to open in a browser: the one served, with a wildcard made this machine.
fn browser_url(addr: SocketAddr) -> String {
    let mut addr = addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(IpAddr::from([127, 0, 0, 1]));
    }
    format!("http://{addr}/")
}

/// Asks the system to open `url` in the default browser. Never fatal: without a browser or
/// an opener, the server runs on and says where to go.
fn open_browser(url: &str) {
    let (program, args): (&str, Vec<&str>) = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", "", url])
    } else {
        ("xdg-open", vec![url])
    };
    let spawned = std::process::Command::new(program)
        .args(&args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    match spawned {
        Ok(mut child) => {
            let url = url.to_string();
            // Waited for on a thread of its own, so that it leaves no zombie behind.
            std::thread::spawn(move || {
                if child.wait().is_ok_and(|status| !status.success()) {
                    eprintln!("warning: {program} could not open a browser; open {url} yourself");
                }
            });
        }
        Err(e) => eprintln!("warning: cannot open a browser ({program}: {e}); open {url} yourself"),
    }
}

/// How many connections are served at once: half the descriptors the process may open (the
/// rest are for reading the workspace), at most 1,024.
fn connection_cap() -> usize {
    descriptor_limit().map_or(256, |n| (n / 2).clamp(8, 1024))
}

#[cfg(unix)]
fn descriptor_limit() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `getrlimit` only writes the `rlimit` it is given, which lives through the call.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0;
    ok.then(|| usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

#[cfg(not(unix))]
fn descriptor_limit() -> Option<usize> {
    None
}

/// Accepts connections forever. Over the cap a connection is told 503 and closed at once;
/// an accept error (out of descriptors, say) is logged and tried again after a pause, so the
/// server sheds load instead of stopping.
async fn accept_loop(listener: tokio::net::TcpListener, shared: Arc<Shared>, cap: usize) {
    let permits = Arc::new(Semaphore::new(cap));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_HEAD)
        .keep_alive(true);
    let mut last_error: Option<(io::ErrorKind, Instant)> = None;
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => {
                if last_error.take().is_some() {
                    eprintln!("accepting connections again");
                }
                stream
            }
            Err(e) => {
                if is_connection_error(&e) {
                    continue;
                }
                let quiet = last_error.is_some_and(|(kind, at)| {
                    kind == e.kind() && at.elapsed() < Duration::from_secs(10)
                });
                if !quiet {
                    eprintln!("cannot accept a connection ({e}); trying again");
                    last_error = Some((e.kind(), Instant::now()));
                }
                tokio::time::sleep(ACCEPT_PAUSE).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            let _ = stream.try_write(BUSY);
            continue;
        };
        // Small responses go out at once instead of waiting for the client's delayed ACK.
        let _ = stream.set_nodelay(true);
        let shared = shared.clone();
        let connection = http.serve_connection(
            TokioIo::new(Guarded::new(stream)),
            hyper::service::service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, Infallible>(handle(shared, request).await) }
            }),
        );
        tokio::spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
    }
}

/// Errors of one connection that went away before it was accepted: no reason to pause.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A connection with a write timeout and an idle timeout: a write that makes no progress
/// for [`WRITE_TIMEOUT`] (a client that does not read) or a connection with no progress
/// either way for [`IDLE_TIMEOUT`] fails, and the connection is closed.
struct Guarded {
    stream: TcpStream,
    idle: Pin<Box<tokio::time::Sleep>>,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl Guarded {
    fn new(stream: TcpStream) -> Guarded {
        Guarded {
            stream,
            idle: Box::pin(tokio::time::sleep(IDLE_TIMEOUT)),
            stalled: None,
        }
    }

    fn progressed(&mut self) {
        self.stalled = None;
        self.idle
            .as_mut()
            .reset(tokio::time::Instant::now() + IDLE_TIMEOUT);
    }

    /// The outcome of a write attempt: progress resets the clocks; waiting starts the write
    /// timeout, and fails once it has run out.
    fn wrote(
        &mut self,
        cx: &mut Context<'_>,
        poll: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match poll {
            Poll::Ready(r) => {
                self.progressed();
                Poll::Ready(r)
            }
            Poll::Pending => {
                let stalled = self
                    .stalled
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_TIMEOUT)));
                if stalled.as_mut().poll(cx).is_ready() {
                    Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client does not read",
                    )))
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

impl AsyncRead for Guarded {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(r) => {
                this.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if this.idle.as_mut().poll(cx).is_ready() => Poll::Ready(Err(
                io::Error::new(io::ErrorKind::TimedOut, "the connection is idle"),
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.wrote(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.wrote(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// Starts watching the workspace; each burst of changes triggers one rebuild.
fn watch(
    root: &Path,
    mut rebuilder: Rebuilder,
    shared: Arc<Shared>,
) -> Result<notify::RecommendedWatcher, String> {
    let (tx, rx) = mpsc::channel::<(PathBuf, Save)>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res
            && let Some(save) = save_of(&event.kind)
        {
            for p in event.paths {
                let _ = tx.send((p, save));
            }
        }
    })
    .map_err(|e| format!("cannot watch the workspace: {e}"))?;
    watcher
        .watch(root, RecursiveMode::Recursive)
        .map_err(|e| format!("cannot watch {}: {e}", root.display()))?;
    let root = root.to_path_buf();
    let ignored = Ignored::new(&root, rebuilder.output());
    std::thread::spawn(move || {
        while let Ok((first, save)) = rx.recv() {
            let mut relevant = ignored.is_relevant(&first);
            // Editors save in several steps; the burst is gathered before rebuilding. A file
            // closed after writing, or renamed into place, is complete: then only a moment
            // is left for the rest of the burst. Otherwise (a write still open) up to 15 ms.
            let started = Instant::now();
            let mut deadline = started + save.wait();
            while let Ok((p, save)) =
                rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                let counts = ignored.is_relevant(&p);
                relevant |= counts;
                if counts {
                    deadline = deadline.min(Instant::now() + save.wait());
                }
            }
            if !relevant {
                continue;
            }
            rebuild(&mut rebuilder, &shared);
        }
    });
    Ok(watcher)
}
/// How far along a save a file event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Save {
    /// The file is complete: closed after writing, renamed into place, or removed.
    Done,
    /// The file may still be being written.
    Writing,
}

impl Save {
    /// How long to wait for more of the same burst before rebuilding.
    fn wait(self) -> Duration {
        match self {
            Save::Done => Duration::from_millis(2),
            Save::Writing => Duration::from_millis(15),
        }
    }
}

/// What a file event says of a save; `None` for reads, which change nothing (without
/// this, every rebuild's own reads would start the next rebuild).
fn save_of(kind: &notify::EventKind) -> Option<Save> {
    use notify::EventKind;
    use notify::event::{AccessKind, AccessMode, ModifyKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => Some(Save::Done),
        EventKind::Access(_) => None,
        EventKind::Modify(ModifyKind::Name(_)) | EventKind::Remove(_) => Some(Save::Done),
        _ => Some(Save::Writing),
    }
}

/// What the watcher leaves alone: changes to git's and cargo's folders, to built sites (the
/// folder `output` names included, known when the first build worked), and to what a running
/// `build` writes beside its output folder (`.site.new-…`, `.site.old-…`, `.site.lock`).
struct Ignored {
    dirs: Vec<PathBuf>,
    /// Each output folder's parent and name: its siblings named `.<name>.…` are ignored.
    outputs: Vec<(PathBuf, String)>,
}

impl Ignored {
    fn new(root: &Path, output: Option<&Path>) -> Ignored {
        let mut outputs = vec![root.join("site")];
        outputs.extend(output.map(|o| root.join(o)));
        let mut dirs = vec![root.join(".git"), root.join("target")];
        dirs.extend(outputs.iter().cloned());
        let outputs = outputs
            .iter()
            .filter_map(|o| {
                let name = o.file_name()?.to_string_lossy().into_owned();
                Some((o.parent()?.to_path_buf(), format!(".{name}.")))
            })
            .collect();
        Ignored { dirs, outputs }
    }

    fn is_relevant(&self, path: &Path) -> bool {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        let staged = self.outputs.iter().any(|(parent, prefix)| {
            let first = path
                .strip_prefix(parent)
                .ok()
                .and_then(|rest| rest.components().next());
            matches!(first, Some(Component::Normal(n)) if n.to_string_lossy().starts_with(prefix.as_str()))
        });
        !staged
            && !self.dirs.iter().any(|d| path.starts_with(d))
            && !name.starts_with('.')
            && !name.ends_with('~')
    }
}

/// Builds again, rendering only what the change touches, and swaps the changed files in
/// at once: a request sees the site before the change or after it, never between.
fn rebuild(rebuilder: &mut Rebuilder, shared: &Shared) {
    let current = match shared.state.lock() {
        Ok(state) => state.site.clone(),
        Err(_) => return,
    };
    let outcome = rebuilder.rebuild(&current);
    // Dropped before the swap, so that the site is not copied for this reference.
    drop(current);
    let Ok(mut state) = shared.state.lock() else {
        return;
    };
    match outcome {
        Ok(rebuilt) => {
            eprintln!(
                "rebuilt in {} ms: {} files rendered{}, {} changed{}",
                rebuilt.took.as_millis(),
                rebuilt.rendered,
                if rebuilt.whole { " (whole site)" } else { "" },
                rebuilt.changed.len(),
                if rebuilt.removed.is_empty() {
                    String::new()
                } else {
                    format!(", {} removed", rebuilt.removed.len())
                }
            );
            // Copies the site only if a request is reading it at this moment.
            rebuilt.apply(Arc::make_mut(&mut state.site));
            state.problems = None;
        }
        Err(failure) => {
            let text = failure_text(&failure);
            eprint!("{text}");
            state.problems = Some(text);
        }
    }
    drop(state);
    shared.version.send_modify(|v| *v += 1);
}

type Reply = Response<Full<Bytes>>;

/// Answers one request. A live-reload request waits up to 25 s for a change; waiting holds
/// no thread, only its connection.
async fn handle(shared: Arc<Shared>, request: Request<hyper::body::Incoming>) -> Reply {
    let target = match check(&shared, &request) {
        Ok(target) => target,
        Err((code, why)) => return text(code, why),
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    match path {
        "/__auditbook/live.js" => {
            let mut r = reply(200, "text/javascript; charset=utf-8", LIVE_JS.into());
            no_store(&mut r);
            r
        }
        "/__auditbook/wait" => {
            let since: Option<u64> = query.strip_prefix("since=").and_then(|v| v.parse().ok());
            let Some(_waiting) = Waiting::enter(&shared) else {
                let mut r = text(503, "too many open pages are waiting for changes\n");
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                return r;
            };
            let version = wait_for_change(&shared, since).await;
            let mut r = text(200, &version.to_string());
            no_store(&mut r);
            r
        }
        _ => page(&shared, path, query),
    }
}

/// Checks what every request must be: GET or HEAD, one `Host` naming this machine (on
/// loopback), a request target of at most [`MAX_TARGET`] bytes in origin form, or in
/// absolute form naming this machine. Returns the path and query, or the status and text
/// of the refusal.
fn check(
    shared: &Shared,
    request: &Request<hyper::body::Incoming>,
) -> Result<String, (u16, &'static str)> {
    if !matches!(*request.method(), Method::GET | Method::HEAD) {
        return Err((405, "method not allowed\n"));
    }
    let uri = request.uri();
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    if target.len() > MAX_TARGET {
        return Err((414, "request target too long\n"));
    }
    let mut hosts = request.headers().get_all(header::HOST).iter();
    let host = hosts.next();
    if hosts.next().is_some() {
        return Err((400, "more than one Host header\n"));
    }
    if let Some(host) = host {
        let host = String::from_utf8_lossy(host.as_bytes());
        if shared.local_only && !is_local_host(&host.trim().to_ascii_lowercase()) {
            shared.refused("host", &host);
            return Err((
                403,
                "this server answers only requests for localhost or 127.0.0.1\n",
            ));
        }
    }
    if let Some(scheme) = uri.scheme_str()
        && !scheme.eq_ignore_ascii_case("http")
        && !scheme.eq_ignore_ascii_case("https")
    {
        return Err((400, "bad request target\n"));
    }
    // The absolute form names the host in the target itself, which then wins over `Host`.
    if let Some(authority) = uri.authority()
        && shared.local_only
        && !is_local_host(&authority.host().to_ascii_lowercase())
    {
        shared.refused("request target", authority.as_str());
        return Err((421, "this server is not the one the request names\n"));
    }
    if !target.starts_with('/') {
        return Err((400, "bad request target\n"));
    }
    Ok(target.to_string())
}

impl Shared {
    /// Logs a refused request, control characters escaped; only the first few are logged.
    fn refused(&self, what: &str, value: &str) {
        let n = self.refusals.fetch_add(1, Ordering::Relaxed);
        if n < MAX_REFUSALS_LOGGED {
            let shown: String = value.chars().take(200).collect();
            eprintln!(
                "refused a request for another {what}: {}",
                terminal_safe(&shown)
            );
        } else if n == MAX_REFUSALS_LOGGED {
            eprintln!("further refused requests are not logged");
        }
    }
}

/// A live-reload request counted among the waiting ones while it lives, however it ends.
struct Waiting<'a>(&'a Shared);

impl<'a> Waiting<'a> {
    fn enter(shared: &'a Shared) -> Option<Waiting<'a>> {
        if shared.waiters.fetch_add(1, Ordering::SeqCst) >= MAX_WAITERS {
            shared.waiters.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        Some(Waiting(shared))
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.waiters.fetch_sub(1, Ordering::SeqCst);
    }
}

fn reply(code: u16, mime: &'static str, body: Bytes) -> Reply {
    let mut r = Response::new(Full::new(body));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

fn text(code: u16, body: &str) -> Reply {
    reply(
        code,
        "text/plain; charset=utf-8",
        Bytes::copy_from_slice(body.as_bytes()),
    )
}

fn no_store(r: &mut Reply) {
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// A file of the site. A folder's path serves its `index.html`; without its final slash it
/// is redirected to the path with one, so the page's relative links work.
fn page(shared: &Shared, path: &str, query: &str) -> Reply {
    let Some(rel) = site_path(path) else {
        return text(400, "bad path\n");
    };
    let (site, problems) = match shared.state.lock() {
        Ok(s) => (s.site.clone(), s.problems.clone()),
        Err(_) => return text(500, "server state unavailable\n"),
    };
    let found = site.files.get(&rel).map(|b| (rel.clone(), b)).or_else(|| {
        let index = format!("{}{}index.html", rel, if rel.is_empty() { "" } else { "/" });
        site.files.get(&index).map(|b| (index, b))
    });
    let Some((name, bytes)) = found else {
        // The requested path is not repeated: the reply shows nothing a request put there.
        let body = problems.unwrap_or_else(|| "not found\n".to_string());
        return text(404, &body);
    };
    if name != rel && !path.ends_with('/') {
        return redirect(&rel, query);
    }
    let mime = mime_type(&name);
    let body = if mime.starts_with("text/html") {
        Bytes::from(inject(bytes, problems.as_deref()))
    } else {
        Bytes::copy_from_slice(bytes)
    };
    let mut r = reply(200, mime, body);
    no_store(&mut r);
    r.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    r
}

/// A permanent redirect to the folder `rel` with its final slash. The location is made from
/// the decoded site path, encoded again, so it always stays on this server (never `//host`).
fn redirect(rel: &str, query: &str) -> Reply {
    let mut location = format!("/{}/", encode_path(rel));
    if !query.is_empty() {
        location.push('?');
        location.push_str(query);
    }
    let mut r = text(308, "moved\n");
    let value = HeaderValue::from_str(&location)
        .or_else(|_| HeaderValue::from_str(&format!("/{}/", encode_path(rel))));
    if let Ok(value) = value {
        r.headers_mut().insert(header::LOCATION, value);
    }
    r
}

/// Percent-encodes every byte of a site path but unreserved characters and `/`.
fn encode_path(rel: &str) -> String {
    let mut out = String::with_capacity(rel.len());
    for b in rel.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `localhost`, a name under `.localhost`, or a loopback address, with or without a port.
pub fn is_local_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((ip, port)) if port.is_empty() || port.starts_with(':') => ip,
            _ => return false,
        }
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            Some(_) => return false,
            None => host,
        }
    };
    let name = name.trim_end_matches('.');
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Waits until the site's version differs from `since` (up to 25 s), then returns it.
async fn wait_for_change(shared: &Shared, since: Option<u64>) -> u64 {
    let mut versions = shared.version.subscribe();
    if let Some(since) = since {
        let changed = versions.wait_for(|v| *v != since);
        let _ = tokio::time::timeout(Duration::from_secs(25), changed).await;
    }
    *versions.borrow()
}

/// Decodes a request path into a site file path; `None` for anything that could leave the
/// site: `..`, backslashes, NUL, or invalid percent-encoding.
pub fn site_path(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Adds the live-reload script and, after a failed rebuild, the diagnostics to a page. The
/// shareable report runs no script (its Content-Security-Policy forbids all), so it gets no
/// live reload: the script would only be blocked there.
fn inject(page: &[u8], problems: Option<&str>) -> Vec<u8> {
    let html = String::from_utf8_lossy(page);
    let mut extra = String::new();
    if allows_own_scripts(&html) {
        extra.push_str("<script src=\"/__auditbook/live.js\"></script>");
    }
    if let Some(p) = problems {
        extra.push_str("<div role=\"alert\" style=\"position:fixed;inset:auto 1rem 1rem 1rem;max-height:60vh;overflow:auto;background:#fff4f2;color:#5c1a12;border:2px solid #b42318;border-radius:10px;padding:1rem;z-index:1000;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap\"><strong>auditbook: this workspace does not build; showing the last good site.</strong>\n\n");
        extra.push_str(&escape(p));
        extra.push_str("</div>");
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{extra}{}", &html[..i], &html[i..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

/// Whether a page's Content-Security-Policy (if it has one) lets it load scripts at all.
fn allows_own_scripts(html: &str) -> bool {
    const META: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    match html.find(META) {
        Some(i) => html[i + META.len()..]
            .split('"')
            .next()
            .is_some_and(|policy| policy.contains("script-src")),
        None => true,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_no_change_and_finished_saves_are_rebuilt_at_once() {
        use notify::EventKind;
        use notify::event::{
            AccessKind, AccessMode, CreateKind, DataChange, ModifyKind, RemoveKind, RenameMode,
        };
        let cases = [
            (EventKind::Access(AccessKind::Open(AccessMode::Read)), None),
            (EventKind::Access(AccessKind::Close(AccessMode::Read)), None),
            (EventKind::Access(AccessKind::Read), None),
            (
                EventKind::Access(AccessKind::Close(AccessMode::Write)),
                Some(Save::Done),
            ),
            (
                EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                Some(Save::Done),
            ),
            (EventKind::Remove(RemoveKind::File), Some(Save::Done)),
            (
                EventKind::Modify(ModifyKind::Data(DataChange::Content)),
                Some(Save::Writing),
            ),
            (EventKind::Create(CreateKind::File), Some(Save::Writing)),
        ];
        for (kind, want) in cases {
            assert_eq!(save_of(&kind), want, "{kind:?}");
        }
        assert!(Save::Done.wait() < Save::Writing.wait());
    }

    #[test]
    fn a_build_s_staging_folders_beside_the_output_start_no_rebuild() {
        let ignored = Ignored::new(Path::new("/ws"), Some(Path::new("out/public")));
        for path in [
            "/ws/.site.new-1/index.html",
            "/ws/.site.lock",
            "/ws/out/.public.new-7/rounds/index.html",
            "/ws/out/.public.old-7/x.css",
            "/ws/out/public/index.html",
            "/ws/site/index.html",
            "/ws/.git/HEAD",
            "/ws/target/debug/x",
            "/ws/audits/q/.eu.yaml.swp",
        ] {
            assert!(!ignored.is_relevant(Path::new(path)), "{path}");
        }
        for path in [
            "/ws/audits/q/eu.yaml",
            "/ws/out/notes.yaml",
            "/ws/.sitex/a.yaml",
            "/ws/sites/a.yaml",
        ] {
            assert!(ignored.is_relevant(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/rounds/q3/").as_deref(), Some("rounds/q3"));
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a\\..\\b",
            "/%00",
            "/%zz",
            "/%c0%ae%c0%ae/",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn redirects_stay_on_this_server() {
        let location = |rel: &str, query: &str| {
            redirect(rel, query)
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        assert_eq!(
            location("rounds/latest", "").as_deref(),
            Some("/rounds/latest/")
        );
        assert_eq!(location("a b", "x=1").as_deref(), Some("/a%20b/?x=1"));
        // A path that decodes to `/evil.example` never becomes `//evil.example/`.
        let rel = site_path("//evil.example").expect("a site path");
        assert_eq!(location(&rel, "").as_deref(), Some("/evil.example/"));
    }

    #[test]
    fn only_local_host_names_are_local() {
        for ok in [
            "localhost",
            "localhost:8000",
            "127.0.0.1:8000",
            "127.1.2.3",
            "[::1]:8000",
            "[::1]",
            "app.localhost:1",
            "localhost.",
        ] {
            assert!(is_local_host(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:8000",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "10.0.0.1:8000",
            "[::2]:80",
            "localhost:80x",
            "",
        ] {
            assert!(!is_local_host(bad), "{bad}");
        }
    }

    #[test]
    fn pages_whose_policy_forbids_scripts_get_no_live_reload() {
        let report = br#"<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;"></head><body></body></html>"#;
        let page = br#"<html><head><meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;self&#39;"></head><body></body></html>"#;
        assert!(
            !String::from_utf8(inject(report, None))
                .unwrap()
                .contains("live.js")
        );
        assert!(
            String::from_utf8(inject(page, None))
                .unwrap()
                .contains("live.js")
        );
    }

    #[test]
    fn problems_are_escaped_into_the_page() {
        let page = inject(
            b"<html><body><p>x</p></body></html>",
            Some("error: <script>alert(1)</script>"),
        );
        let html = String::from_utf8(page).unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("/__auditbook/live.js"));
        assert!(html.ends_with("</body></html>"));
    }
}
