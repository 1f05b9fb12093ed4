//! `auditbook serve`: builds the site in memory, serves it on 127.0.0.1, rebuilds when a
//! workspace file changes and reloads open pages. An invalid workspace keeps the last good
//! site and shows the diagnostics on every page.
//!
//! Only the in-memory site is served: no request reaches the file system, so no path can
//! lead outside the site. Rebuilds are incremental (see `rebuild`): only the pages that
//! depend on a change are rendered again, and the files whose bytes changed are swapped in
//! all at once, so a page is always served from one complete build. On a loopback address, requests naming another host are
//! refused (a web page elsewhere cannot read the site through DNS rebinding).

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher as _};
use tiny_http::{Header, Method, Request, Response, Server};

use crate::build::Failure;
use crate::diag;
use crate::rebuild::Rebuilder;
use crate::render::Site;

/// What the server shows: the last good site, and the problems of the newest build.
struct State {
    site: Arc<Site>,
    /// Bumped on every rebuild, so open pages know to reload.
    version: u64,
    /// Diagnostics of a failed rebuild, as plain text; `None` when the newest build worked.
    problems: Option<String>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
    /// Live-reload requests waiting for a change, each on a thread of its own.
    waiters: AtomicUsize,
    /// Whether requests must name this machine in `Host` (the server is on loopback).
    local_only: bool,
}

/// The most live-reload requests held open at once; more are told to come back later.
const MAX_WAITERS: usize = 64;

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

/// Runs the server until the process is stopped.
pub fn serve(root: &Path, bind: IpAddr, port: u16) -> Result<(), String> {
    let started = Instant::now();
    let mut rebuilder = Rebuilder::new(root);
    let mut site = Site::default();
    let problems = match rebuilder.rebuild(&site) {
        Ok(built) => {
            built.apply(&mut site);
            None
        }
        Err(Failure::Io(e)) => return Err(format!("cannot read workspace {e}")),
        Err(other) => Some(failure_text(other)),
    };
    if let Some(p) = &problems {
        eprint!("{p}");
    }
    eprintln!(
        "built {} pages in {} ms",
        site.page_count(),
        started.elapsed().as_millis()
    );
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            site: Arc::new(site),
            version: 1,
            problems,
        }),
        changed: Condvar::new(),
        waiters: AtomicUsize::new(0),
        local_only: bind.is_loopback(),
    });
    let addr = SocketAddr::new(bind, port);
    let server = Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    // With `--port 0` the system picks the port: say which.
    let addr = server.server_addr().to_ip().unwrap_or(addr);
    let server = Arc::new(server);
    eprintln!("serving on http://{addr}/ — press Ctrl+C to stop");
    if !bind.is_loopback() {
        eprintln!(
            "warning: listening on {bind}, not only on this machine: anyone who can reach it can read the site"
        );
    }

    let _watcher = watch(root, rebuilder, shared.clone())?;
    let workers = std::thread::available_parallelism()
        .map_or(4, |n| n.get() * 4)
        .clamp(4, 32);
    let handles: Vec<_> = (0..workers)
        .map(|_| {
            let server = server.clone();
            let shared = shared.clone();
            std::thread::spawn(move || {
                while let Ok(request) = server.recv() {
                    handle(&shared, request);
                }
            })
        })
        .collect();
    for h in handles {
        let _ = h.join();
    }
    Ok(())
}

fn failure_text(failure: Failure) -> String {
    match failure {
        Failure::Io(e) => format!("error: cannot read workspace {e}\n"),
        Failure::Invalid { diags, sources } => {
            format!(
                "{}error: the workspace is invalid ({}); showing the last good site\n",
                diag::render_human(&diags, &sources),
                diag::summary(&diags)
            )
        }
        Failure::Render(e) => format!("error: {e}\n"),
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
    let ignored = ignored_dirs(&root, rebuilder.output());
    std::thread::spawn(move || {
        while let Ok((first, save)) = rx.recv() {
            let mut relevant = is_relevant(&ignored, &first);
            // Editors save in several steps; the burst is gathered before rebuilding. A file
            // closed after writing, or renamed into place, is complete: then only a moment
            // is left for the rest of the burst. Otherwise (a write still open) up to 15 ms.
            let started = Instant::now();
            let mut deadline = started + save.wait();
            while let Ok((p, save)) =
                rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                let counts = is_relevant(&ignored, &p);
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

/// Folders whose changes are not the workspace's: git's, cargo's and built sites, the one
/// `output` names included (known when the first build worked).
fn ignored_dirs(root: &Path, output: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = vec![root.join(".git"), root.join("target"), root.join("site")];
    dirs.extend(output.map(|o| root.join(o)));
    dirs
}

fn is_relevant(ignored: &[PathBuf], path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    !ignored.iter().any(|d| path.starts_with(d)) && !name.starts_with('.') && !name.ends_with('~')
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
            let text = failure_text(failure);
            eprint!("{text}");
            state.problems = Some(text);
        }
    }
    state.version += 1;
    shared.changed.notify_all();
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
}

fn handle(shared: &Arc<Shared>, request: Request) {
    // A live-reload request waits up to 25 s for a change. It waits on a thread of its own,
    // so open pages never hold the workers that serve everything else.
    let is_wait = origin_form(request.url()).is_some_and(|u| u.starts_with("/__auditbook/wait"));
    if is_wait && host_allowed(shared, &request) {
        if shared.waiters.fetch_add(1, Ordering::SeqCst) >= MAX_WAITERS {
            shared.waiters.fetch_sub(1, Ordering::SeqCst);
            let _ = request.respond(busy());
            return;
        }
        let waiter = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("live-reload".into())
            .spawn(move || {
                let response = respond(&waiter, &request);
                let _ = request.respond(response);
                waiter.waiters.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.waiters.fetch_sub(1, Ordering::SeqCst);
        }
        return;
    }
    let response = respond(shared, &request);
    let _ = request.respond(response);
}

fn text_response(code: u16, body: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    Response::from_data(body.as_bytes().to_vec())
        .with_status_code(code)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
}

fn busy() -> Response<std::io::Cursor<Vec<u8>>> {
    text_response(503, "too many open pages are waiting for changes\n")
        .with_header(header("Retry-After", "1"))
}

/// Whether the request's `Host` names this machine, when the server listens on loopback
/// only. A page on another site that points its own host name at 127.0.0.1 (DNS rebinding)
/// sends its own name, and is refused.
fn host_allowed(shared: &Shared, request: &Request) -> bool {
    if !shared.local_only {
        return true;
    }
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().trim().to_ascii_lowercase())
    else {
        // HTTP/1.0 clients may send none; they name no other host either.
        return true;
    };
    is_local_host(&host)
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

fn respond(shared: &Shared, request: &Request) -> Response<std::io::Cursor<Vec<u8>>> {
    let text = text_response;
    if !matches!(request.method(), Method::Get | Method::Head) {
        return text(405, "method not allowed\n");
    }
    if !host_allowed(shared, request) {
        return text(
            403,
            "this server answers only requests for localhost or 127.0.0.1\n",
        );
    }
    let Some(url) = origin_form(request.url()) else {
        return text(400, "bad request target\n");
    };
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let path = path.split_once('#').map_or(path, |(p, _)| p);
    match path {
        "/__auditbook/live.js" => {
            return Response::from_data(LIVE_JS.as_bytes().to_vec())
                .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
                .with_header(header("Cache-Control", "no-store"))
                .with_header(header("X-Content-Type-Options", "nosniff"));
        }
        "/__auditbook/wait" => {
            let since: Option<u64> = query.strip_prefix("since=").and_then(|v| v.parse().ok());
            let version = wait_for_change(shared, since);
            return text(200, &version.to_string())
                .with_header(header("Cache-Control", "no-store"));
        }
        _ => {}
    }
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
        let body = problems.unwrap_or_else(|| format!("not found: /{rel}\n"));
        return text(404, &body);
    };
    let mime = mime_type(&name);
    let body = if mime.starts_with("text/html") {
        inject(bytes, problems.as_deref())
    } else {
        bytes.clone()
    };
    Response::from_data(body)
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
}

/// The path and query of a request target: as sent for the usual origin form (`/a/b`), and
/// with the scheme and host dropped for the absolute form (`http://host/a/b`). `None` for
/// the authority and asterisk forms, which name no page.
pub fn origin_form(target: &str) -> Option<&str> {
    if target.starts_with('/') {
        return Some(target);
    }
    let scheme_end = target.find("://")?;
    if !matches!(
        target[..scheme_end].to_ascii_lowercase().as_str(),
        "http" | "https"
    ) {
        return None;
    }
    let rest = &target[scheme_end + 3..];
    Some(rest.find('/').map_or("/", |i| &rest[i..]))
}

/// Blocks until the site's version differs from `since` (up to 25 s), then returns it.
fn wait_for_change(shared: &Shared, since: Option<u64>) -> u64 {
    let Ok(mut state) = shared.state.lock() else {
        return 0;
    };
    let Some(since) = since else {
        return state.version;
    };
    let deadline = Instant::now() + Duration::from_secs(25);
    while state.version == since {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match shared.changed.wait_timeout(state, left) {
            Ok((s, _)) => state = s,
            Err(_) => return 0,
        }
    }
    state.version
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
    fn absolute_targets_lose_their_host_and_other_forms_are_refused() {
        assert_eq!(origin_form("/a?b"), Some("/a?b"));
        assert_eq!(
            origin_form("http://x/../../etc/passwd"),
            Some("/../../etc/passwd")
        );
        assert_eq!(origin_form("HTTPS://x"), Some("/"));
        assert_eq!(origin_form("*"), None);
        assert_eq!(origin_form("x:80"), None);
        assert_eq!(origin_form("file:///etc/passwd"), None);
        assert_eq!(
            site_path(origin_form("http://x/../../etc/passwd").unwrap()),
            None
        );
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
