//! `auditbook serve` (docs/security.md, promise 4): it listens on 127.0.0.1 unless told
//! otherwise, serves nothing from outside the site whatever the request path, refuses
//! requests for other host names, survives a burst of 1,000 concurrent requests and a rapid
//! stream of file changes, and never serves a half-written page.
//!
//! Each test starts the real binary on a temporary workspace with `--port 0` (the system
//! picks a free port, which the server prints) and talks to it over raw TCP on the loopback
//! interface only. A guard kills the server when the test ends, however it ends.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// How long one request may take before the test fails.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);

/// A running `auditbook serve`, killed on drop.
struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
    _tmp: tempfile::TempDir,
    ws: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Writes a small workspace to a temporary folder and serves it.
    fn start() -> Server {
        Server::start_with(&Setup::default())
    }

    /// [`Server::start`], with the workspace and command line `setup` asks for.
    fn start_with(setup: &Setup) -> Server {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let ws = tmp.path().join("ws");
        write(&ws, "auditbook.yaml", &config("v0"));
        write(&ws, "checklists/service.yaml", CHECKLIST);
        write(
            &ws,
            "audits/2026-q2/eu.yaml",
            setup.audit.as_deref().unwrap_or(AUDIT),
        );
        write(&ws, "metrics/2026-06.yaml", SNAPSHOT);
        // Files a path-traversal request would try to reach.
        write(&ws, "secret.txt", "CANARY-SECRET-IN-WORKSPACE\n");
        write(tmp.path(), "secret.txt", "CANARY-SECRET-OUTSIDE\n");
        let _ = std::os::unix::fs::symlink("/etc/passwd", ws.join("passwd.html"));
        let bin = crate::support::BIN;
        let mut args = vec![
            "serve".to_string(),
            ws.to_str().expect("a UTF-8 path").to_string(),
            "--port".to_string(),
            "0".to_string(),
        ];
        args.extend(setup.args.iter().map(|a| a.to_string()));
        let mut command = match setup.nofile {
            // The shell lowers its own limit, then becomes the server.
            Some(n) => {
                let mut c = Command::new("/bin/sh");
                c.arg("-c")
                    .arg(format!("ulimit -n {n} && exec \"$0\" \"$@\""))
                    .arg(bin)
                    .args(&args);
                c
            }
            None => {
                let mut c = crate::support::command();
                c.args(&args);
                c
            }
        };
        if setup.no_programs {
            let empty = tmp.path().join("no-programs");
            std::fs::create_dir_all(&empty).expect("an empty folder");
            command.env("PATH", empty);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start auditbook serve");
        let stderr = child.stderr.take().expect("piped stderr");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    // Logged first, so that the log holds the address once it is known.
                    if let Ok(mut l) = log.lock() {
                        l.push_str(&line);
                        l.push('\n');
                    }
                    if let Some(rest) = line.strip_prefix("serving on http://") {
                        let addr = rest.split('/').next().unwrap_or_default().to_string();
                        let _ = tx.send(addr);
                    }
                }
            });
        }
        let mut server = Server {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            log,
            _tmp: tmp,
            ws,
        };
        let addr = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(a) => a,
            Err(_) => panic!("the server did not start:\n{}", server.log()),
        };
        server.addr = addr.parse().expect("a socket address");
        server
    }

    fn log(&self) -> String {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits (at most 30 s) until the page at `target` contains `text`.
    #[track_caller]
    fn wait_for(&self, target: &str, text: &str) {
        let started = Instant::now();
        loop {
            let r = get(self.addr, target).expect("the page");
            if r.body.contains(text) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "{text:?} never showed on {target}; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[track_caller]
    fn assert_alive(&mut self) {
        assert!(
            self.child.try_wait().expect("poll the server").is_none(),
            "the server exited:\n{}",
            self.log()
        );
        let r = get(self.addr, "/").expect("the server answers");
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

/// How [`Server::start_with`] differs from the usual server.
#[derive(Default)]
struct Setup {
    /// The audit's text instead of [`AUDIT`].
    audit: Option<String>,
    /// More arguments for `serve`.
    args: Vec<&'static str>,
    /// A lower limit on open files (`ulimit -n`).
    nofile: Option<u32>,
    /// Run with an empty `PATH`, so that no other program can be started.
    no_programs: bool,
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create a folder");
    // Written whole under another name and renamed, unless a test wants otherwise.
    std::fs::write(path, text).expect("write a file");
}

fn config(version: &str) -> String {
    format!("title: Served audits {version}\nlanguages: [en, hr]\n")
}

const CHECKLIST: &str = "id: service
version: 1
title: Service audit
sections:
  - id: evaluate
    title: Evaluate
    items:
      - {id: assess-quality, title: Assess quality, why: Because.}
      - {id: compare-goals, title: Compare goals}
";
const AUDIT: &str = "checklist: service
version: 1
subject: eu
subject_title: EU support
date: 2026-06-30
answers:
  assess-quality: 3
  compare-goals: {score: 1, note: Not yet., action: {text: Set goals, owner: Ana}}
";
const SNAPSHOT: &str = "taken: 2026-06-30\nvalues: {csat: 86.4, first-response-time: 2h}\n";

/// One HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: String,
    body: String,
}

/// Sends `request` (a whole HTTP request, as bytes) and reads the reply to the end.
fn raw(addr: SocketAddr, request: &[u8]) -> std::io::Result<Reply> {
    raw_within(addr, request, REQUEST_TIMEOUT)
}

/// [`raw`] with another time limit for each step.
fn raw_within(addr: SocketAddr, request: &[u8], limit: Duration) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&addr, limit)?;
    stream.set_read_timeout(Some(limit))?;
    stream.set_write_timeout(Some(limit))?;
    stream.write_all(request)?;
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        headers: head.to_string(),
        body: body.to_string(),
    })
}

/// `GET <target>` with `Host: 127.0.0.1`, the connection closed after the reply.
fn get(addr: SocketAddr, target: &str) -> std::io::Result<Reply> {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

/// The listening TCP sockets on `port`, as `/proc/net/tcp{,6}` lists them (local address in
/// hex). Reading the kernel's table needs no connection to any other address.
fn listeners(port: u16) -> Vec<String> {
    let mut found = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let (Some(local), Some(state)) = (fields.get(1), fields.get(3)) else {
                continue;
            };
            let listening = *state == "0A";
            let on_port = local
                .rsplit_once(':')
                .and_then(|(_, p)| u16::from_str_radix(p, 16).ok())
                == Some(port);
            if listening && on_port {
                found.push(format!("{table} {local}"));
            }
        }
    }
    found
}

#[test]
fn it_listens_on_loopback_only() {
    let mut s = Server::start();
    assert_eq!(
        s.addr.ip(),
        std::net::IpAddr::from([127, 0, 0, 1]),
        "{}",
        s.log()
    );
    let sockets = listeners(s.addr.port());
    if std::path::Path::new("/proc/net/tcp").exists() {
        // 0100007F is 127.0.0.1 in the kernel's byte order.
        assert_eq!(
            sockets,
            vec![format!("/proc/net/tcp 0100007F:{:04X}", s.addr.port())],
            "the server listens on more than 127.0.0.1"
        );
    }
    s.assert_alive();
}

#[test]
fn no_path_leaves_the_site() {
    let mut s = Server::start();
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let passwd_line = passwd.lines().next().unwrap_or("root:x:0:0").to_string();
    let targets = [
        "/../Cargo.toml",
        "/../../../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2F..%2Fetc%2Fpasswd",
        "/a/..%5c..%5csecret.txt",
        "/a/..\\..\\secret.txt",
        "/%252e%252e/secret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/.%2e/secret.txt",
        "//etc/passwd",
        "///etc/passwd",
        "/secret.txt",
        "/auditbook.yaml",
        "/checklists/service.yaml",
        "/passwd.html",
        "/rounds/../../secret.txt",
        "/rounds/%00/../../secret.txt",
        "http://x/../../etc/passwd",
        "http://x/../secret.txt",
        "http://127.0.0.1/%2e%2e/secret.txt",
        "file:///etc/passwd",
        "*",
        "../secret.txt",
    ];
    for target in targets {
        let r = get(s.addr, target).unwrap_or_else(|e| panic!("{target}: {e}"));
        for leaked in [
            "CANARY-SECRET",
            passwd_line.as_str(),
            "[package]",
            "sections:",
        ] {
            assert!(
                !r.body.contains(leaked),
                "{target}: the reply holds {leaked:?}:\n{}",
                r.body
            );
        }
        assert_ne!(r.status, 200, "{target}: {}", r.body);
        assert!(r.status >= 400, "{target}: status {}", r.status);
    }
    // The site itself is served, including through the absolute form.
    for target in [
        "/",
        "/index.html",
        "/rounds/2026-q2/eu/",
        "/rounds/2026-q2/eu/index.html",
        "/hr/rounds/2026-q2/eu/gaps/",
        "/assets/style.css",
        "http://127.0.0.1/rounds/2026-q2/eu/",
    ] {
        let r = get(s.addr, target).unwrap_or_else(|e| panic!("{target}: {e}"));
        assert_eq!(r.status, 200, "{target}: {}", r.body);
    }
    s.assert_alive();
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let mut s = Server::start();
    let port = s.addr.port();
    for (host, ok) in [
        (format!("127.0.0.1:{port}"), true),
        (format!("localhost:{port}"), true),
        ("localhost".to_string(), true),
        (format!("[::1]:{port}"), true),
        (format!("evil.example:{port}"), false),
        ("evil.example".to_string(), false),
        (format!("localhost.evil.example:{port}"), false),
    ] {
        let r = raw(
            s.addr,
            format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .expect("a reply");
        if ok {
            assert_eq!(r.status, 200, "Host: {host}");
        } else {
            assert_eq!(r.status, 403, "Host: {host}");
            assert!(!r.body.contains("<html"), "Host: {host}: {}", r.body);
        }
    }
    s.assert_alive();
}

#[test]
fn malformed_requests_do_not_stop_it() {
    let mut s = Server::start();
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\n\r\n", "a".repeat(200_000));
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n{}Connection: close\r\n\r\n",
        "X-A: b\r\n".repeat(5_000)
    );
    let requests: Vec<Vec<u8>> = vec![
        b"\x00\x01\x02garbage\r\n\r\n".to_vec(),
        b"GET\r\n\r\n".to_vec(),
        b"GET / HTTP/9.9\r\n\r\n".to_vec(),
        b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
            .to_vec(),
        b"GET /%ff%fe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        b"GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
        long.into_bytes(),
        many_headers.into_bytes(),
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n".to_vec(),
    ];
    // Sent at once, each on its own connection; an incomplete request is left hanging.
    let addr = s.addr;
    let senders: Vec<_> = requests
        .into_iter()
        .map(|req| {
            // Any reply, or none; only the server's survival matters here.
            std::thread::spawn(move || raw_within(addr, &req, Duration::from_secs(2)).is_ok())
        })
        .collect();
    for h in senders {
        let _ = h.join();
    }
    s.assert_alive();
}

/// Pages of the served site to request in the load tests.
const PAGES: &[&str] = &[
    "/",
    "/rounds/",
    "/rounds/2026-q2/",
    "/rounds/2026-q2/eu/",
    "/rounds/2026-q2/eu/gaps/",
    "/rounds/2026-q2/eu/report.html",
    "/checklists/service/",
    "/metrics/",
    "/hr/",
    "/hr/rounds/2026-q2/eu/",
    "/assets/style.css",
    "/assets/search.js",
    "/versions.json",
];

/// Checks one reply to `target`: a 200 whose HTML is a whole page.
fn check_reply(target: &str, r: &Reply) -> Result<(), String> {
    if r.status != 200 {
        return Err(format!("{target}: status {}: {}", r.status, r.body));
    }
    let length = r
        .headers
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .ok_or_else(|| format!("{target}: no Content-Length"))?;
    if length != r.body.len() {
        return Err(format!(
            "{target}: {} bytes of {length} arrived",
            r.body.len()
        ));
    }
    let html = r.headers.to_ascii_lowercase().contains("text/html");
    if html && !r.body.trim_end().ends_with("</html>") {
        let tail: String = r
            .body
            .chars()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Err(format!("{target}: a page cut short, ending {tail:?}"));
    }
    if html && !r.body.starts_with("<!DOCTYPE html>") {
        return Err(format!("{target}: a page without its start"));
    }
    Ok(())
}

#[test]
fn a_burst_of_1000_concurrent_requests_all_succeed() {
    let mut s = Server::start();
    let addr = s.addr;
    // Open pages waiting for live-reload changes hold no worker: with 40 of them open, the
    // burst must still be served.
    let version = get(addr, "/__auditbook/wait?since=")
        .expect("the version")
        .body;
    let waiting: Vec<_> = (0..40)
        .map(|_| {
            let target = format!("/__auditbook/wait?since={}", version.trim());
            std::thread::spawn(move || get(addr, &target).map(|r| r.status))
        })
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let threads = 50;
    let per_thread = 20;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                for i in 0..per_thread {
                    let target = PAGES[(t * per_thread + i) % PAGES.len()];
                    match get(addr, target) {
                        Ok(r) => {
                            if let Err(e) = check_reply(target, &r) {
                                problems.push(e);
                            }
                        }
                        Err(e) => problems.push(format!("{target}: {e}")),
                    }
                }
                problems
            })
        })
        .collect();
    let problems: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("a request thread"))
        .collect();
    let took = started.elapsed();
    assert!(
        problems.is_empty(),
        "{} of {} requests failed, e.g.:\n{}",
        problems.len(),
        threads * per_thread,
        problems
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    eprintln!(
        "{} requests from {threads} threads in {took:?}",
        threads * per_thread
    );
    s.assert_alive();
    // The waiting requests end when the site changes.
    write(&s.ws, "auditbook.yaml", &config("v1"));
    for w in waiting {
        let status = w.join().expect("a waiting request");
        assert!(
            matches!(status, Ok(200) | Ok(503)),
            "a live-reload request: {status:?}"
        );
    }
}

#[test]
fn pages_are_whole_during_a_rapid_stream_of_changes() {
    let mut s = Server::start();
    let addr = s.addr;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // Readers: request pages without pause while the workspace changes.
    let readers: Vec<_> = (0..4)
        .map(|t| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut problems = Vec::new();
                let mut count = 0;
                let mut i = t;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let target = PAGES[i % PAGES.len()];
                    i += 1;
                    count += 1;
                    match get(addr, target) {
                        Ok(r) => {
                            if let Err(e) = check_reply(target, &r) {
                                problems.push(e);
                            }
                        }
                        Err(e) => problems.push(format!("{target}: {e}")),
                    }
                }
                (count, problems)
            })
        })
        .collect();
    // 50 changes, 20 ms apart: the title, an audit rewritten in place (so a rebuild may read
    // it half-written), a snapshot added and removed, and now and then a broken file.
    let audit = s.ws.join("audits/2026-q2/eu.yaml");
    for n in 1..=50 {
        write(&s.ws, "auditbook.yaml", &config(&format!("v{n}")));
        match n % 5 {
            0 => write(
                &s.ws,
                "audits/2026-q2/eu.yaml",
                "checklist: service\nanswers: [broken",
            ),
            1 => {
                let mut f = std::fs::File::create(&audit).expect("truncate the audit");
                f.write_all(&AUDIT.as_bytes()[..AUDIT.len() / 2])
                    .expect("write half");
                std::thread::sleep(Duration::from_millis(5));
                f.write_all(&AUDIT.as_bytes()[AUDIT.len() / 2..])
                    .expect("write the rest");
            }
            2 => write(
                &s.ws,
                &format!("metrics/extra-{n}.yaml"),
                "taken: 2026-05-31\nvalues: {csat: 70}\n",
            ),
            3 => {
                let _ = std::fs::remove_file(s.ws.join(format!("metrics/extra-{}.yaml", n - 1)));
            }
            _ => write(&s.ws, "audits/2026-q2/eu.yaml", AUDIT),
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    write(&s.ws, "audits/2026-q2/eu.yaml", AUDIT);
    write(&s.ws, "auditbook.yaml", &config("final"));
    // The last change shows up once the server has caught up.
    s.wait_for("/", "Served audits final");
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut total = 0;
    let mut problems = Vec::new();
    for r in readers {
        let (count, p) = r.join().expect("a reader");
        total += count;
        problems.extend(p);
    }
    assert!(
        problems.is_empty(),
        "{} of {total} requests failed, e.g.:\n{}",
        problems.len(),
        problems
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(total > 50, "only {total} requests were made");
    let log = s.log();
    assert!(log.contains("rebuilt"), "no rebuild was logged:\n{log}");
    assert!(!log.contains("panicked"), "{log}");
    eprintln!(
        "{total} requests during 50 changes; {} rebuilds",
        log.matches("rebuilt").count()
    );
    s.assert_alive();
}

#[test]
fn an_audit_edit_renders_only_its_pages_and_shows_at_once() {
    let mut s = Server::start();
    let page = "/rounds/2026-q2/eu/index.html";
    let before = get(s.addr, page).expect("the audit page");
    assert_eq!(before.status, 200);
    assert!(!before.body.contains("Checked with the team lead"));
    write(
        &s.ws,
        "audits/2026-q2/eu.yaml",
        &AUDIT.replace(
            "assess-quality: 3",
            "assess-quality: {score: 2, note: Checked with the team lead.}",
        ),
    );
    s.wait_for(page, "Checked with the team lead");
    // The Croatian page changed too, and the rebuild rendered only part of the site.
    let hr = get(s.addr, "/hr/rounds/2026-q2/eu/index.html").expect("the Croatian page");
    assert!(
        hr.body.contains("Checked with the team lead"),
        "{}",
        hr.body
    );
    let log = s.log();
    let line = log
        .lines()
        .rfind(|l| l.starts_with("rebuilt"))
        .unwrap_or_else(|| panic!("no rebuild was logged:\n{log}"));
    assert!(!line.contains("whole site"), "{line}");
    s.assert_alive();
}

#[test]
fn serve_public_previews_the_public_site_through_every_rebuild() {
    let audit = AUDIT
        .replace("note: Not yet.", "note: Private note one.")
        .replace("owner: Ana", "owner: Olga Privatna");
    let mut s = Server::start_with(&Setup {
        audit: Some(audit.clone()),
        args: vec!["--public"],
        ..Setup::default()
    });
    assert!(
        s.log()
            .contains("; public: left out notes, evidence, owners")
    );
    let targets = [
        "/rounds/2026-q2/eu/index.html",
        "/rounds/2026-q2/eu/gaps/index.html",
        "/rounds/2026-q2/eu/report.html",
        "/hr/rounds/2026-q2/eu/index.html",
        "/data/search/en.json",
    ];
    let assert_hidden = |hidden: &[&str]| {
        for target in targets {
            let r = get(s.addr, target).expect("a page");
            assert_eq!(r.status, 200, "{target}");
            for h in hidden {
                assert!(!r.body.contains(h), "{h:?} on {target}:\n{}", r.body);
            }
        }
    };
    assert_hidden(&["Private note one", "Olga Privatna"]);
    let gaps = get(s.addr, targets[1]).expect("the gap analysis").body;
    assert!(
        gaps.contains("Set goals"),
        "the action stays, without its owner"
    );
    // An edit to the audit alone renders only its pages again: they stay public too.
    write(
        &s.ws,
        "audits/2026-q2/eu.yaml",
        &format!(
            "{}summary: Reviewed again.\nauditors: [Marta Auditorka]\n",
            audit.replace("Private note one.", "Private note two.")
        ),
    );
    s.wait_for(targets[0], "Reviewed again.");
    // The log is read on a thread of its own: the rebuild's line may come a little later.
    let started = Instant::now();
    let line = loop {
        let log = s.log();
        if let Some(line) = log.lines().rfind(|l| l.starts_with("rebuilt")) {
            break line.to_string();
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no rebuild was logged:\n{log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!line.contains("whole site"), "{line}");
    assert_hidden(&["Private note", "Olga Privatna", "Marta Auditorka"]);
    s.assert_alive();
}

#[test]
fn an_idle_server_does_not_rebuild() {
    let mut s = Server::start();
    // Reading the workspace is not a change: a rebuild must not start the next one.
    std::thread::sleep(Duration::from_millis(1500));
    let log = s.log();
    assert_eq!(log.matches("rebuilt").count(), 0, "{log}");
    s.assert_alive();
}

/// The server's process id, for reading its `/proc` entries.
fn pid(s: &Server) -> u32 {
    s.child.id()
}

/// `VmHWM` (the most memory the process has held) of `pid`, in KiB.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Reads one response of a kept-alive connection: the head, then `Content-Length` bytes.
fn read_one(reader: &mut BufReader<TcpStream>) -> std::io::Result<Reply> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let length = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(Reply {
        status,
        headers: head,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

#[test]
fn a_client_that_never_reads_does_not_stall_others() {
    // An audit page of some 400 KB: 150 of them are far more than the socket buffers hold.
    let note = "a long note ".repeat(35_000);
    let audit = AUDIT.replace("Not yet.", &note);
    let mut s = Server::start_with(&Setup {
        audit: Some(audit),
        ..Setup::default()
    });
    let addr = s.addr;
    let mut stuck = TcpStream::connect(addr).expect("connect");
    let request = format!("GET /rounds/2026-q2/eu/ HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stuck
        .set_write_timeout(Some(Duration::from_secs(5)))
        .expect("a write timeout");
    for _ in 0..150 {
        if stuck.write_all(request.as_bytes()).is_err() {
            break;
        }
    }
    // The server is now blocked writing to `stuck`, which reads nothing.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..5 {
        let started = Instant::now();
        let r = raw_within(
            addr,
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("another client was not served: {e}\n{}", s.log()));
        assert_eq!(r.status, 200, "{}", r.body);
        eprintln!(
            "served beside a client that does not read in {:?}",
            started.elapsed()
        );
    }
    drop(stuck);
    s.assert_alive();
}

#[test]
fn a_client_that_never_reads_is_cut_off() {
    let note = "a long note ".repeat(35_000);
    let audit = AUDIT.replace("Not yet.", &note);
    let mut s = Server::start_with(&Setup {
        audit: Some(audit),
        ..Setup::default()
    });
    let addr = s.addr;
    let page = get(addr, "/rounds/2026-q2/eu/")
        .expect("the page")
        .body
        .len();
    let mut stuck = TcpStream::connect(addr).expect("connect");
    let request = format!("GET /rounds/2026-q2/eu/ HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    for _ in 0..150 {
        stuck.write_all(request.as_bytes()).expect("send a request");
    }
    // Longer than the server waits for a client to read (15 s).
    std::thread::sleep(Duration::from_secs(17));
    stuck
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut received = 0;
    let mut buf = vec![0; 1 << 16];
    loop {
        match stuck.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => received += n,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => break,
            Err(e) => panic!("the connection was not closed: {e} after {received} bytes"),
        }
    }
    // What was in the socket buffers arrived; the rest of the 150 pages never will.
    assert!(
        received < 150 * page / 2,
        "{received} bytes of {} arrived: the connection was not cut off",
        150 * page
    );
    s.assert_alive();
}

#[test]
fn running_out_of_descriptors_sheds_load_and_recovers() {
    let mut s = Server::start_with(&Setup {
        nofile: Some(64),
        ..Setup::default()
    });
    let addr = s.addr;
    // More idle connections than the server may have descriptors.
    let idle: Vec<TcpStream> = (0..150)
        .filter_map(|_| TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok())
        .collect();
    assert!(idle.len() > 64, "only {} connections opened", idle.len());
    std::thread::sleep(Duration::from_millis(500));
    drop(idle);
    // Once they are closed, everyone is served again.
    let started = Instant::now();
    loop {
        match raw_within(
            addr,
            format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
            Duration::from_secs(5),
        ) {
            Ok(r) if r.status == 200 => break,
            other => assert!(
                started.elapsed() < Duration::from_secs(20),
                "not served after the idle connections closed: {other:?}\n{}",
                s.log()
            ),
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!s.log().contains("panicked"), "{}", s.log());
    s.assert_alive();
}

#[test]
fn an_oversized_request_line_is_refused_without_holding_its_bytes() {
    let mut s = Server::start_with(&Setup::default());
    let addr = s.addr;
    let line = |size: usize| {
        format!(
            "GET /{} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
            "a".repeat(size)
        )
    };
    // A 1 MB request line is answered with an error, or the connection is cut.
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a read timeout");
    let mut writer = stream.try_clone().expect("a second handle");
    let request = line(1 << 20);
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(request.as_bytes());
    });
    let mut bytes = Vec::new();
    let read = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes);
    let status: u16 = text
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(
        matches!(status, 400 | 414 | 431) || (bytes.is_empty() && read.is_err()),
        "{read:?}: {}",
        text.chars().take(300).collect::<String>()
    );
    drop(stream);
    let _ = sender.join();
    // A 20 KB target fits in a request head, but is longer than any page's path.
    let r = raw(addr, line(20 << 10).as_bytes()).expect("a reply");
    assert_eq!(
        r.status,
        414,
        "{}",
        r.body.chars().take(300).collect::<String>()
    );
    // Two 64 MB request lines at once leave the server's memory where it was.
    let senders: Vec<_> = (0..2)
        .map(|_| {
            let request = line(64 << 20);
            std::thread::spawn(move || {
                let _ = raw_within(addr, request.as_bytes(), Duration::from_secs(10));
            })
        })
        .collect();
    for h in senders {
        let _ = h.join();
    }
    let peak = peak_memory_kib(pid(&s)).expect("the server's VmHWM");
    eprintln!("peak memory after two 64 MB request lines: {peak} KiB");
    assert!(peak < 100 * 1024, "the server held {peak} KiB");
    s.assert_alive();
}

#[test]
fn a_kept_alive_connection_serves_request_after_request() {
    let mut s = Server::start_with(&Setup::default());
    let addr = s.addr;
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(REQUEST_TIMEOUT))
        .expect("a read timeout");
    let mut writer = stream.try_clone().expect("a second handle");
    let mut reader = BufReader::new(stream);
    let started = Instant::now();
    let n = 50;
    for i in 0..n {
        let target = PAGES[i % PAGES.len()];
        writer
            .write_all(format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .expect("send a request");
        let r = read_one(&mut reader).unwrap_or_else(|e| panic!("request {i}: {e}"));
        check_reply(target, &r).unwrap_or_else(|e| panic!("request {i}: {e}"));
    }
    let took = started.elapsed();
    eprintln!(
        "{n} requests on one connection in {took:?}: {:?} each",
        took / u32::try_from(n).unwrap_or(1)
    );
    s.assert_alive();
}

#[test]
fn requests_naming_two_hosts_or_another_authority_are_refused() {
    let mut s = Server::start();
    let addr = s.addr;
    let cases = [
        format!(
            "GET / HTTP/1.1\r\nHost: {addr}\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
        ),
        format!(
            "GET / HTTP/1.1\r\nHost: evil.example\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        ),
        format!("GET / HTTP/1.1\r\nHost: {addr}\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        format!("GET http://evil.example/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
        format!(
            "GET http://evil.example:{}/rounds/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n",
            addr.port()
        ),
        format!(
            "GET http://localhost@evil.example/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        ),
    ];
    for request in cases {
        let r = raw(addr, request.as_bytes()).expect("a reply");
        assert!(
            matches!(r.status, 400 | 403 | 421),
            "{request:?}: {} {}",
            r.status,
            r.body
        );
        assert!(!r.body.contains("<html"), "{request:?}: {}", r.body);
    }
    // The absolute form naming this machine is served.
    let ours = format!("GET http://{addr}/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    assert_eq!(raw(addr, ours.as_bytes()).expect("a reply").status, 200);
    s.assert_alive();
}

#[test]
fn a_folder_without_its_slash_is_redirected() {
    let mut s = Server::start();
    for (target, location) in [
        ("/rounds/latest", "/rounds/latest/"),
        ("/rounds/2026-q2/eu", "/rounds/2026-q2/eu/"),
        ("/hr?x=1", "/hr/?x=1"),
    ] {
        let r = get(s.addr, target).expect("a reply");
        assert_eq!(r.status, 308, "{target}: {}", r.body);
        assert!(
            r.headers.contains(&format!("\r\nlocation: {location}"))
                || r.headers.contains(&format!("\r\nLocation: {location}")),
            "{target}: {}",
            r.headers
        );
        assert_eq!(
            get(s.addr, location).expect("a reply").status,
            200,
            "{location}"
        );
    }
    s.assert_alive();
}

#[test]
fn not_found_does_not_repeat_the_path() {
    let mut s = Server::start();
    let r = get(s.addr, "/%3Cscript%3Ealert(1)%3C/script%3E-missing-page").expect("a reply");
    assert_eq!(r.status, 404);
    assert!(!r.body.contains("missing-page"), "{}", r.body);
    assert!(!r.body.contains("<script"), "{}", r.body);
    s.assert_alive();
}

#[test]
fn a_running_build_s_staging_folder_starts_no_rebuild() {
    let mut s = Server::start();
    // What `auditbook build` writes beside the output folder `site` while it runs.
    // The folders are made first, so that the watcher sees what is written in them.
    for dir in [
        ".site.new-4242/rounds/2026-q2",
        ".site.old-4242/rounds/2026-q2",
        "site",
    ] {
        std::fs::create_dir_all(s.ws.join(dir)).expect("a folder");
    }
    std::thread::sleep(Duration::from_millis(500));
    for dir in [".site.new-4242", ".site.old-4242"] {
        write(&s.ws, &format!("{dir}/index.html"), "<!DOCTYPE html>");
        write(&s.ws, &format!("{dir}/rounds/2026-q2/index.html"), "x");
    }
    write(&s.ws, "site/index.html", "<!DOCTYPE html>");
    std::thread::sleep(Duration::from_millis(1500));
    let log = s.log();
    assert_eq!(log.matches("rebuilt").count(), 0, "{log}");
    // A change to the workspace is still seen.
    write(&s.ws, "auditbook.yaml", &config("after"));
    s.wait_for("/", "Served audits after");
    s.assert_alive();
}

#[test]
fn start_up_warnings_are_printed_before_the_address() {
    let mut s = Server::start_with(&Setup {
        audit: Some(AUDIT.replace("version: 1\n", "")),
        ..Setup::default()
    });
    let log = s.log();
    let warning = log
        .find("unpinned checklist version")
        .unwrap_or_else(|| panic!("no warning was printed:\n{log}"));
    let address = log.find("serving on").expect("the address");
    assert!(warning < address, "{log}");
    s.assert_alive();
}

#[test]
fn open_without_a_browser_still_serves() {
    let mut s = Server::start_with(&Setup {
        args: vec!["--open"],
        no_programs: true,
        ..Setup::default()
    });
    s.assert_alive();
    let started = Instant::now();
    while !s.log().contains("open http://") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no word that the browser could not be opened:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    s.assert_alive();
}

#[test]
fn request_text_in_the_log_has_its_control_characters_escaped() {
    let mut s = Server::start();
    let r = raw(
        s.addr,
        // A right-to-left override and a C1 control (CSI), as UTF-8: the bytes HTTP allows.
        "GET / HTTP/1.1\r\nHost: evil\u{202e}.example\u{9b}2J\r\nConnection: close\r\n\r\n"
            .as_bytes(),
    )
    .expect("a reply");
    assert_eq!(r.status, 403);
    let started = Instant::now();
    while !s.log().contains("evil\\u{202e}.example\\u{9b}2J") {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the refused host was not logged, escaped:\n{:?}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!s.log().contains(['\u{202e}', '\u{9b}']), "{:?}", s.log());
    s.assert_alive();
}
