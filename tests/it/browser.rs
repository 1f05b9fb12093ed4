//! The built pages in a real browser: headless Chromium opens them from `file://` (docs/site.md:
//! the site works from `file://`), and the test checks that the DOM it ends up with is the
//! rendered page, that no script failed and no Content-Security-Policy rule was broken, and
//! takes screenshots at desktop and phone widths for a person to look at.
//!
//! Skipped, with a note, when `chromium` is not on PATH; CI installs it (`.ci/run`).
//! Screenshots go to a temporary folder and are copied to `/tmp/auditbook-shots/`.

use crate::support::run;

use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use run::{build_ok as build, chromium_on_path};
use scraper::{Html, Selector};

/// The longest one Chromium run may take before it is killed.
const RUN_LIMIT: Duration = Duration::from_secs(20);
/// The longest the whole browser test may take (a guard against a hung browser; a loaded
/// machine may need most of it).
const TOTAL_LIMIT: Duration = Duration::from_secs(180);
/// Where screenshots are copied for people to look at.
const SHOTS: &str = "/tmp/auditbook-shots";
/// Console lines that mean a script failed, a CSP rule was broken, or a file was missing.
/// Chromium words a CSP violation "Refused to …" in older releases and "… violates the
/// following Content Security Policy directive … The action has been blocked." since.
const BAD_LINES: &[&str] = &[
    "Uncaught",
    "Refused to",
    "violates the following Content Security Policy",
    "ERR_FILE_NOT_FOUND",
];
/// The CSP part of [`BAD_LINES`].
const CSP_LINES: &[&str] = &[
    "Refused to",
    "violates the following Content Security Policy",
];

/// Headless Chromium, one run at a time, each with a fresh profile.
struct Browser {
    exe: PathBuf,
    tmp: tempfile::TempDir,
    started: Instant,
    runs: usize,
    /// Further flags for every run, e.g. `--force-dark-mode`.
    flags: Vec<String>,
}

/// What one run printed.
struct Run {
    stdout: String,
    stderr: String,
}

impl Browser {
    fn new(exe: PathBuf) -> Browser {
        Browser {
            exe,
            tmp: tempfile::tempdir().expect("a temporary folder"),
            started: Instant::now(),
            runs: 0,
            flags: Vec::new(),
        }
    }

    fn run(&mut self, what: &str, args: &[String]) -> Run {
        assert!(
            self.started.elapsed() < TOTAL_LIMIT,
            "the browser test ran past {TOTAL_LIMIT:?} after {} runs",
            self.runs
        );
        self.runs += 1;
        let dir = self.tmp.path().join(format!("run-{}", self.runs));
        let profile = dir.join("profile");
        std::fs::create_dir_all(&profile).expect("a profile folder");
        let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
        let mut child = Command::new(&self.exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--hide-scrollbars",
                "--enable-logging=stderr",
                "--v=0",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(&self.flags)
            .args(args)
            .stdin(Stdio::null())
            .stdout(File::create(&out_path).expect("stdout file"))
            .stderr(File::create(&err_path).expect("stderr file"))
            // Its own process group, so that a hung browser goes with all its helpers.
            .process_group(0)
            .spawn()
            .expect("start chromium");
        let deadline = Instant::now() + RUN_LIMIT;
        let status = loop {
            match child.try_wait().expect("wait for chromium") {
                Some(status) => break Some(status),
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                None => break None,
            }
        };
        // Helpers (crashpad, zygote) may outlive the browser; they are in its group.
        kill_group(child.id());
        if status.is_none() {
            let _ = child.wait();
        }
        let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        match status {
            None => panic!("{what}: chromium did not finish in {RUN_LIMIT:?}; stderr:\n{stderr}"),
            Some(s) if !s.success() => panic!("{what}: chromium failed ({s}); stderr:\n{stderr}"),
            Some(_) => {}
        }
        Run { stdout, stderr }
    }

    /// Opens a page at `width`: one run that prints the DOM (`--dump-dom`) and takes a
    /// screenshot. Checks the browser's log, the DOM and the PNG; copies the PNG to [`SHOTS`].
    fn open(&mut self, name: &str, page: &Path, width: u32) -> Html {
        let png = self.tmp.path().join(format!("{name}-{width}.png"));
        let run = self.run(
            name,
            &[
                "--dump-dom".into(),
                format!("--screenshot={}", png.display()),
                format!("--window-size={width},2000"),
                file_url(page),
            ],
        );
        assert_no_bad_lines(name, &run.stderr);
        assert!(
            run.stdout.contains("<html"),
            "{name}: --dump-dom printed no document: {:?}",
            run.stdout.chars().take(300).collect::<String>()
        );
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{name}: no screenshot: {e}"));
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{name}: not a PNG");
        let w = u32::from_be_bytes(bytes[16..20].try_into().expect("IHDR width"));
        assert_eq!(w, width, "{name}: screenshot width");
        // A blank page compresses to almost nothing.
        assert!(
            bytes.len() > 20_000,
            "{name}: the screenshot looks blank ({} bytes)",
            bytes.len()
        );
        if std::fs::create_dir_all(SHOTS).is_ok() {
            let _ = std::fs::copy(
                &png,
                Path::new(SHOTS).join(png.file_name().expect("a name")),
            );
        }
        Html::parse_document(&run.stdout)
    }

    /// [`Browser::open`], then [`assert_rendered`].
    fn check(&mut self, name: &str, page: &Path, width: u32, lang: &str, subject: &str) -> Html {
        let dom = self.open(name, page, width);
        assert_rendered(name, &dom, page, lang, subject);
        dom
    }
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pid}")])
        .stderr(Stdio::null())
        .status();
}

fn file_url(page: &Path) -> String {
    format!("file://{}", page.display())
}

#[track_caller]
fn assert_no_bad_lines(what: &str, stderr: &str) {
    let bad: Vec<&str> = stderr
        .lines()
        .filter(|l| BAD_LINES.iter().any(|b| l.contains(b)))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: the browser reported:\n{}",
        bad.join("\n")
    );
}

fn text_of(html: &Html, selector: &str) -> Vec<String> {
    let s = Selector::parse(selector).expect("a selector");
    html.select(&s)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Checks that the DOM Chromium ended up with is the page: its language and direction, and
/// one heading, the one of the file, which names `subject` (interface words around it are
/// left to the translations).
#[track_caller]
fn assert_rendered(what: &str, dom: &Html, page: &Path, lang: &str, subject: &str) {
    let root = dom.root_element();
    assert_eq!(root.attr("lang"), Some(lang), "{what}: <html lang>");
    let dir = if lang == "ar" { "rtl" } else { "ltr" };
    assert_eq!(root.attr("dir"), Some(dir), "{what}: <html dir>");
    let file = Html::parse_document(&std::fs::read_to_string(page).expect("the page"));
    let heading = text_of(dom, "h1");
    assert_eq!(
        heading,
        text_of(&file, "h1"),
        "{what}: the heading differs from the file's"
    );
    assert!(
        heading.len() == 1 && heading[0].contains(subject),
        "{what}: the heading {heading:?} does not name {subject:?}"
    );
    assert!(
        !text_of(dom, "main").concat().trim().is_empty(),
        "{what}: an empty <main>"
    );
}

/// The browser's log reaches the test: a page with a broken script and a CSP violation is
/// reported. Without this, a test that finds no errors would prove nothing.
fn canary(browser: &mut Browser) {
    let page = browser.tmp.path().join("canary.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html lang=en><head>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'\">\
         </head><body><h1>Canary</h1>\
         <img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\"\">\
         <script>throw new Error('canary')</script></body></html>",
    )
    .expect("write the canary");
    let run = browser.run("canary", &["--dump-dom".into(), file_url(&page)]);
    assert!(run.stdout.contains("Canary"), "canary: no DOM");
    assert!(
        run.stderr.contains("Uncaught"),
        "canary: the browser log lacks the uncaught error; console messages do not reach stderr:\n{}",
        run.stderr
    );
    assert!(
        CSP_LINES.iter().any(|l| run.stderr.contains(l)),
        "canary: the browser log lacks the CSP violation, or words it in a way this test does not know:\n{}",
        run.stderr
    );
}

#[test]
fn pages_render_in_headless_chromium() {
    let Some(exe) = chromium_on_path() else {
        eprintln!("note: chromium is not on PATH; skipping the browser tests");
        return;
    };
    let mut browser = Browser::new(exe);
    canary(&mut browser);

    // The bundled demo workspace: English at the root, Croatian under hr/.
    let demo = browser.tmp.path().join("demo");
    build(Path::new(env!("CARGO_MANIFEST_DIR")), &demo);
    let audit = "rounds/2026-q3/zagreb-support";
    let demo_pages = [
        (
            "dashboard",
            "index.html",
            "Customer service audits",
            "Revizije usluge korisnicima",
        ),
        (
            "audit",
            &format!("{audit}/index.html"),
            "Zagreb support team",
            "Tim podrške Zagreb",
        ),
        (
            "gaps",
            &format!("{audit}/gaps/index.html"),
            "Zagreb support team",
            "Tim podrške Zagreb",
        ),
        (
            "report",
            &format!("{audit}/report.html"),
            "Zagreb support team",
            "Tim podrške Zagreb",
        ),
    ];
    for (name, path, en, hr) in demo_pages {
        for (lang, prefix, subject) in [("en", "", en), ("hr", "hr/", hr)] {
            let page = demo.join(format!("{prefix}{path}"));
            browser.check(&format!("demo-{lang}-{name}"), &page, 1280, lang, subject);
        }
    }
    // Trend charts on their time axis, in the light and the dark scheme.
    let page = demo.join("metrics/index.html");
    browser.open("demo-en-metrics", &page, 1280);
    browser.flags = vec!["--force-dark-mode".into()];
    browser.open("demo-en-metrics-dark", &page, 1280);
    browser.open(
        "demo-en-audit-dark",
        &demo.join(format!("{audit}/index.html")),
        1280,
    );
    browser.flags.clear();
    // Phone width.
    let page = demo.join("index.html");
    browser.check(
        "demo-en-dashboard",
        &page,
        360,
        "en",
        "Customer service audits",
    );
    let page = demo.join(format!("{audit}/index.html"));
    browser.check("demo-en-audit", &page, 360, "en", "Zagreb support team");
    let page = demo.join(format!("hr/{audit}/report.html"));
    browser.check("demo-hr-report", &page, 360, "hr", "Tim podrške Zagreb");

    // Right to left and CJK, and hostile text, from the multilingual fixture.
    let ml = browser.tmp.path().join("multilingual");
    build(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/site/multilingual"),
        &ml,
    );
    let page = ml.join("ar/index.html");
    browser.check("ml-ar-dashboard", &page, 1280, "ar", "تدقيقات جودة الخدمة");
    let page = ml.join("ar/rounds/2026-q1/cairo/index.html");
    browser.check("ml-ar-audit", &page, 1280, "ar", "دعم القاهرة");
    browser.check("ml-ar-audit", &page, 360, "ar", "دعم القاهرة");
    let page = ml.join("ar/rounds/2026-q1/cairo/report.html");
    browser.check("ml-ar-report", &page, 1280, "ar", "دعم القاهرة");
    // Line charts with legends and axis labels, right to left.
    let page = ml.join("ar/metrics/index.html");
    browser.open("ml-ar-metrics", &page, 1280);
    let page = ml.join("ja/rounds/2026-q1/tokyo/index.html");
    browser.check("ml-ja-audit", &page, 1280, "ja", "東京サポート");
    let page = ml.join("en/rounds/2026-q2/zagreb/index.html");
    let subject = r#"Zagreb <b>"bold"</b> & 'quotes'"#;
    let dom = browser.check("ml-en-hostile", &page, 1280, "en", subject);
    for bad in [
        "b",
        "img[onerror]",
        "script:not([src])",
        r#"a[href^="javascript"]"#,
    ] {
        let s = Selector::parse(bad).expect("a selector");
        assert_eq!(
            dom.select(&s).count(),
            0,
            "ml-en-hostile: the live DOM has {bad}"
        );
    }
    eprintln!(
        "browser test: {} chromium runs in {:.1?}; screenshots in {SHOTS}",
        browser.runs,
        browser.started.elapsed()
    );
}
