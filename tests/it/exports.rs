//! The exports of a built site (docs/site.md): the CSV files of rounds and audits against
//! `score --json`, the Atom feed of each language, `og:url`, the SVG badge of each series,
//! and the links to them from the pages.
//!
//! Each test copies `tests/fixtures/exports` to a temporary folder, adds `base_url` to its
//! `auditbook.yaml` where the test needs it, and runs the real binary. Its texts hold commas,
//! quotes, line breaks and markup; its scale and weights give numbers with many digits.

use crate::support::{Workspace, json, run};

use std::path::PathBuf;

use scraper::{Html, Selector};
use serde_json::Value;

const BASE_URL: &str = "https://audits.example.com/team/";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SVG: &str = "http://www.w3.org/2000/svg";
/// The rounds of the fixture, oldest first, with their audits.
const ROUNDS: &[(&str, &[&str])] = &[("2026-q1", &["eu"]), ("2026-q2", &["eu", "org"])];

/// A built copy of the fixture: the workspace and the output folder.
struct Built {
    fixture: Workspace,
    out: tempfile::TempDir,
}

impl Built {
    fn new(base_url: bool) -> Built {
        let fixture = Workspace::fixture("exports");
        if base_url {
            let config = fixture.path().join("auditbook.yaml");
            let mut text = std::fs::read_to_string(&config).expect("read auditbook.yaml");
            text.push_str(&format!("base_url: {BASE_URL}\n"));
            std::fs::write(&config, text).expect("write auditbook.yaml");
        }
        let out = tempfile::tempdir().expect("a temporary folder");
        run::build_ok(fixture.path(), &out.path().join("site"));
        Built { fixture, out }
    }

    fn site(&self) -> PathBuf {
        self.out.path().join("site")
    }

    fn bytes(&self, path: &str) -> Vec<u8> {
        let p = self.site().join(path);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn text(&self, path: &str) -> String {
        String::from_utf8(self.bytes(path)).expect("UTF-8")
    }

    fn exists(&self, path: &str) -> bool {
        self.site().join(path).is_file()
    }

    fn page(&self, path: &str) -> Html {
        Html::parse_document(&self.text(path))
    }
}

/// The records of a CSV file, header first, after checking it opens with a byte-order mark.
#[track_caller]
fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the CSV starts with a UTF-8 byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|r| {
            r.expect("an RFC 4180 record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// A value of `score --json` (read with `json::parse_exact`) as the CSV must show it: a
/// number with exactly the digits the JSON has, a string as it is, null as an empty cell.
fn expected_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.strip_prefix('#').unwrap_or(s).to_string(),
        v => panic!("unexpected JSON value {v}"),
    }
}

/// The column of `name` in a header row.
#[track_caller]
fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column '{name}' in {header:?}"))
}

/// Where a relative link on the page at `page` (relative to the site root) leads.
fn resolve(page: &str, href: &str) -> String {
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            "." => {}
            s => parts.push(s),
        }
    }
    parts.join("/")
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = Selector::parse(css).expect("a valid selector");
    doc.select(&sel).collect()
}

#[test]
fn round_csv_holds_the_numbers_of_score_json_with_the_same_digits() {
    let b = Built::new(false);
    let results = b.fixture.score(&[]);
    for (round, audits) in ROUNDS {
        let rows = read_csv(&b.bytes(&format!("data/rounds/{round}.csv")));
        let header = &rows[0];
        assert_eq!(
            header[..10],
            [
                "round",
                "audit",
                "checklist",
                "version",
                "subject",
                "date",
                "score",
                "target",
                "status",
                "completion"
            ]
        );
        assert_eq!(rows.len(), 1 + audits.len(), "one row per audit: {rows:?}");
        for (row, audit) in rows[1..].iter().zip(*audits) {
            let json = json::audit(&results, round, audit);
            for field in &header[..10] {
                assert_eq!(
                    row[column(header, field)],
                    expected_cell(&json[field.as_str()]),
                    "{round}/{audit}: {field}"
                );
            }
        }
    }
}

#[test]
fn audit_csv_holds_every_item_of_score_json_with_the_same_digits() {
    let b = Built::new(false);
    let results = b.fixture.score(&[]);
    let mut cells = 0;
    for (round, audits) in ROUNDS {
        for audit in *audits {
            let rows = read_csv(&b.bytes(&format!("data/rounds/{round}/{audit}.csv")));
            let header = &rows[0];
            let json = json::audit(&results, round, audit);
            let items = json["items"].as_array().expect("items");
            assert_eq!(rows.len(), 1 + items.len(), "one row per item");
            for (row, item) in rows[1..].iter().zip(items) {
                assert_eq!(row[column(header, "item")], expected_cell(&item["id"]));
                for field in [
                    "section", "status", "value", "ratio", "weight", "target", "gap",
                ] {
                    assert_eq!(
                        row[column(header, field)],
                        expected_cell(&item[field]),
                        "{round}/{audit}/{}: {field}",
                        row[1]
                    );
                    cells += 1;
                }
            }
        }
    }
    assert!(cells > 50, "the fixture has items to compare");
}

#[test]
fn csv_quotes_a_title_with_a_comma_a_quote_and_a_line_break() {
    let b = Built::new(false);
    let round = b.text("data/rounds/2026-q1.csv");
    assert!(
        round.contains("\"Support, \"\"EU\"\"\nteam\"\r\n"),
        "quoted as RFC 4180 asks: {round:?}"
    );
    assert!(
        round.starts_with("\u{feff}round,audit,"),
        "header row after the byte-order mark"
    );
    let rows = read_csv(round.as_bytes());
    assert_eq!(rows[1][column(&rows[0], "title")], "Support, \"EU\"\nteam");
    let items = read_csv(&b.bytes("data/rounds/2026-q1/eu.csv"));
    assert_eq!(
        items[1][column(&items[0], "title")],
        "Channels, \"all\" of them"
    );
}

#[test]
fn the_feed_of_each_language_is_atom_with_rounds_newest_first() {
    let b = Built::new(true);
    for (path, lang, titles) in [
        ("feed.xml", "en", ["Q2 2026", "Q1, \"first\" <round>"]),
        ("hr/feed.xml", "hr", ["Drugi kvartal", "Prvi kvartal"]),
    ] {
        let text = b.text(path);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let feed = doc.root_element();
        assert_eq!(feed.tag_name().name(), "feed");
        assert_eq!(feed.tag_name().namespace(), Some(ATOM));
        let child = |node: roxmltree::Node<'_, '_>, name: &str| -> Option<String> {
            node.children()
                .find(|n| n.has_tag_name((ATOM, name)))
                .map(|n| n.text().unwrap_or_default().to_string())
        };
        let prefix = if lang == "en" { "" } else { "hr/" };
        assert_eq!(
            child(feed, "id").as_deref(),
            Some(format!("{BASE_URL}{prefix}feed.xml").as_str())
        );
        assert!(child(feed, "title").is_some_and(|t| !t.is_empty()));
        assert_eq!(
            child(feed, "updated").as_deref(),
            Some("2026-06-30T00:00:00Z"),
            "the newest round's date, not the build time"
        );
        assert!(
            feed.children().any(|n| n.has_tag_name((ATOM, "author"))),
            "Atom asks for an author"
        );
        let entries: Vec<_> = feed
            .children()
            .filter(|n| n.has_tag_name((ATOM, "entry")))
            .collect();
        assert_eq!(entries.len(), 2);
        for (entry, (title, (round, updated))) in entries.iter().zip(
            titles
                .iter()
                .zip([("2026-q2", "2026-06-30"), ("2026-q1", "2026-03-31")]),
        ) {
            let url = format!("{BASE_URL}{prefix}rounds/{round}/index.html");
            assert_eq!(child(*entry, "id").as_deref(), Some(url.as_str()));
            assert_eq!(child(*entry, "title").as_deref(), Some(*title));
            assert_eq!(
                child(*entry, "updated"),
                Some(format!("{updated}T00:00:00Z"))
            );
            let link = entry
                .children()
                .find(|n| n.has_tag_name((ATOM, "link")))
                .and_then(|n| n.attribute("href"))
                .expect("an entry links its round");
            assert_eq!(link, url);
            let local = link.strip_prefix(BASE_URL).expect("under base_url");
            assert!(b.exists(local), "{link} is a page of the site");
            let summary = child(*entry, "summary").expect("a summary");
            assert!(summary.contains("Support, \"EU\""), "{summary}");
        }
        let newest = child(entries[0], "summary").expect("a summary");
        let score = if lang == "en" { "42.9" } else { "42,9" };
        assert!(newest.contains(score), "audits with their scores: {newest}");
    }
}

#[test]
fn without_base_url_there_is_no_feed_and_no_og_url() {
    let b = Built::new(false);
    assert!(!b.exists("feed.xml") && !b.exists("hr/feed.xml"));
    for page in [
        "index.html",
        "rounds/2026-q2/index.html",
        "rounds/2026-q2/eu/index.html",
        "rounds/2026-q2/eu/report.html",
        "hr/rounds/2026-q2/eu/index.html",
    ] {
        let doc = b.page(page);
        assert!(
            select(&doc, "meta[property=\"og:url\"]").is_empty(),
            "{page}"
        );
        assert!(
            select(&doc, "link[type=\"application/atom+xml\"]").is_empty(),
            "{page}"
        );
    }
    let audit = b.page("rounds/2026-q2/eu/index.html");
    assert!(
        select(&audit, ".series-badge input").is_empty(),
        "no Markdown snippet without an absolute address"
    );
}

#[test]
fn with_base_url_pages_name_their_address_and_the_feed_of_their_language() {
    let b = Built::new(true);
    for page in [
        "index.html",
        "rounds/2026-q2/index.html",
        "rounds/2026-q2/eu/index.html",
        "rounds/2026-q2/eu/gaps/index.html",
        "rounds/2026-q2/eu/report.html",
        "hr/index.html",
        "hr/rounds/2026-q1/eu/index.html",
    ] {
        let doc = b.page(page);
        let og: Vec<_> = select(&doc, "head meta[property=\"og:url\"]")
            .iter()
            .filter_map(|m| m.value().attr("content"))
            .collect();
        assert_eq!(og, [format!("{BASE_URL}{page}")], "{page}");
        if page.ends_with("report.html") {
            continue;
        }
        let feeds: Vec<_> = select(
            &doc,
            "head link[rel=alternate][type=\"application/atom+xml\"]",
        )
        .iter()
        .filter_map(|l| l.value().attr("href"))
        .map(|href| resolve(page, href))
        .collect();
        let lang_feed = if page.starts_with("hr/") {
            "hr/feed.xml"
        } else {
            "feed.xml"
        };
        assert_eq!(feeds, [lang_feed], "{page}");
        assert!(b.exists(lang_feed));
    }
}

#[test]
fn each_series_has_a_badge_with_its_newest_score() {
    let b = Built::new(false);
    for (path, score, status) in [
        // 2026-q2's score, not 2026-q1's 43.9.
        ("badges/service/eu.svg", "42.9", "Below target"),
        ("badges/service.svg", "100.0", "Met"),
    ] {
        let text = b.text(path);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
        let svg = doc.root_element();
        assert!(svg.has_tag_name((SVG, "svg")), "{path}");
        let texts: Vec<&str> = svg
            .descendants()
            .filter(|n| n.has_tag_name((SVG, "text")))
            .filter_map(|n| n.text())
            .collect();
        assert_eq!(texts.len(), 2, "{path}: a label and a value");
        assert_eq!(
            texts[0], "Service, \"care\" & <quality>",
            "escaped and read back"
        );
        assert!(
            texts[1].contains(score) && texts[1].contains(status),
            "{path}: {texts:?}"
        );
        assert!(
            svg.descendants().any(|n| n.has_tag_name((SVG, "title"))),
            "{path}: a title for screen readers"
        );
        assert!(
            !text.contains("href") && !text.contains("@font-face") && !text.contains("url(http"),
            "{path}: loads nothing"
        );
    }
}

#[test]
fn round_and_audit_pages_link_their_csv_and_badge() {
    let b = Built::new(true);
    for prefix in ["", "hr/"] {
        let page = format!("{prefix}rounds/2026-q2/index.html");
        let doc = b.page(&page);
        let links: Vec<String> = select(&doc, "main a[href$=\".csv\"]")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .map(|h| resolve(&page, h))
            .collect();
        assert_eq!(links, ["data/rounds/2026-q2.csv"], "{page}");

        let page = format!("{prefix}rounds/2026-q2/eu/index.html");
        let doc = b.page(&page);
        let links: Vec<String> = select(&doc, "main a[href$=\".csv\"]")
            .iter()
            .filter_map(|a| a.value().attr("href"))
            .map(|h| resolve(&page, h))
            .collect();
        assert_eq!(links, ["data/rounds/2026-q2/eu.csv"], "{page}");
        assert!(b.exists(&links[0]));
        let badges: Vec<String> = select(&doc, "main img[src$=\".svg\"]")
            .iter()
            .filter_map(|i| i.value().attr("src"))
            .map(|s| resolve(&page, s))
            .filter(|s| s.starts_with("badges/"))
            .collect();
        assert_eq!(badges, ["badges/service/eu.svg"], "{page}");
        let snippet: Vec<&str> = select(&doc, ".series-badge input")
            .iter()
            .filter_map(|i| i.value().attr("value"))
            .collect();
        assert_eq!(snippet.len(), 1, "{page}");
        assert!(
            snippet[0].ends_with(&format!("]({BASE_URL}badges/service/eu.svg)")),
            "{snippet:?}"
        );
        // An attribute value with a line feed is invalid HTML, and Markdown wants one line;
        // the subject's title has a line break.
        assert!(
            snippet[0].starts_with("![") && !snippet[0].contains('\n'),
            "{snippet:?}"
        );
    }
    let en = b.page("rounds/2026-q2/index.html");
    let label: String = select(&en, "main a[href$=\".csv\"]")[0].text().collect();
    assert_eq!(label.trim(), "Download CSV");
}
