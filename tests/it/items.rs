//! Item pages (docs/site.md): `checklists/<id>/items/<item>/index.html` in every language,
//! with the item's level per team and round, notes and evidence over time and the metrics
//! it links, linked from the audit, gap analysis and checklist pages but not from the
//! self-contained report.
//!
//! The workspace, worked by hand. Checklist `c` on the maturity scale (absent 0, initial 1,
//! partial 2, established 3, optimised 4), target 3. Version 1 has items `x` and `old`;
//! version 2 has `x` and `new`. Item `x` links the metric `csat`.
//!
//! | round (date)      | team `a` (x)          | team `b` (x)             |
//! | ---               | ---                   | ---                      |
//! | r1 (2026-03-31)   | v1: 1 initial         | v1: na                   |
//! | r2 (2026-06-30)   | v2: 3 established     | v2: 2 partial, note      |
//! | r3 (2026-09-30)   | v2: unanswered        | v2: 4 optimised, evidence |
//!
//! Item `old` is answered in r1 (a: 2 partial, b: 3 established), item `new` by team a in
//! r2 (1 initial) and r3 (2 partial); team b leaves `new` unanswered.
//!
//! So the page of `x` has rows a: Initial ✗, Established ✓, Unanswered, and
//! b: Not applicable, Partial ✗, Optimised ✓; the page of `old` has one column, r1.

use std::path::Path;

use scraper::{Html, Selector};

use crate::support::Workspace;

const V1: &str = "\
id: c
version: 1
title: C
target: 3
sections:
  - id: s
    title: S
    items:
      - {id: x, title: Item x, metrics: [csat]}
      - {id: old, title: Old item}
";

const V2: &str = "\
id: c
version: 2
title: C
target: 3
sections:
  - id: s
    title: S
    items:
      - {id: x, title: Item x, metrics: [csat]}
      - {id: new, title: New item}
";

fn workspace() -> Workspace {
    let audit = |version: u32, subject: &str, date: &str, answers: &str| {
        format!(
            "checklist: c\nversion: {version}\nsubject: {subject}\ndate: {date}\nanswers:\n{answers}"
        )
    };
    Workspace::new()
        .file("auditbook.yaml", "languages: [en, de]\n")
        .file("checklists/archive/c.v1.yaml", V1)
        .file("checklists/c.yaml", V2)
        .file(
            "audits/r1/a.yaml",
            audit(1, "a", "2026-03-31", "  x: 1\n  old: 2\n"),
        )
        .file(
            "audits/r1/b.yaml",
            audit(1, "b", "2026-03-31", "  x: na\n  old: 3\n"),
        )
        .file(
            "audits/r2/a.yaml",
            audit(2, "a", "2026-06-30", "  x: 3\n  new: 1\n"),
        )
        .file(
            "audits/r2/b.yaml",
            audit(
                2,
                "b",
                "2026-06-30",
                "  x: {score: 2, note: Better than before}\n",
            ),
        )
        .file(
            "audits/r3/a.yaml",
            audit(2, "a", "2026-09-30", "  new: 2\n"),
        )
        .file(
            "audits/r3/b.yaml",
            audit(
                2,
                "b",
                "2026-09-30",
                "  x: {score: 4, evidence: [{text: Call log, date: 2026-09-01}]}\n",
            ),
        )
}

/// The cells of the levels table: the round headers, then each row's header and cells, as
/// text with white space collapsed.
fn levels(html: &str) -> (Vec<String>, Vec<(String, Vec<String>)>) {
    let doc = Html::parse_document(html);
    let sel = |s: &str| Selector::parse(s).expect("a selector");
    let text = |e: scraper::ElementRef| e.text().collect::<Vec<_>>().join(" ");
    let squash = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let heads = doc
        .select(&sel("table.levels thead th a"))
        .map(|e| squash(text(e)))
        .collect();
    let rows = doc
        .select(&sel("table.levels tbody tr"))
        .map(|tr| {
            let th = tr.select(&sel("th")).next().map(text).unwrap_or_default();
            let cells = tr.select(&sel("td")).map(|td| squash(text(td))).collect();
            (squash(th), cells)
        })
        .collect();
    (heads, rows)
}

#[test]
fn an_item_page_shows_each_teams_level_in_each_round() {
    let ws = workspace();
    ws.build();
    let page = ws.page("checklists/c/items/x/index.html");
    let (heads, rows) = levels(&page);
    assert_eq!(heads, ["r1", "r2", "r3"]);
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        rows,
        vec![
            (
                "a".to_string(),
                row(&["✗ Initial", "✓ Established", "Unanswered"])
            ),
            (
                "b".to_string(),
                row(&["Not applicable", "✗ Partial", "✓ Optimised"])
            ),
        ]
    );
    // Each cell links to the audit, at the item.
    assert!(page.contains(r#"href="../../../../rounds/r2/b/index.html#item-x""#));
    // A chart with a line per team, points where a level was given: a 1, 3; b 2, 4.
    assert_eq!(page.matches("<g class=\"series ").count(), 2);
    assert!(page.contains("a · r1: 1"), "{page}");
    assert!(page.contains("b · r3: 4"), "{page}");
    assert!(!page.contains("b · r1:"), "na is no point: {page}");
    // Notes and evidence over time, newest first.
    let notes = page.find("Call log").expect("the evidence of r3");
    let note = page.find("Better than before").expect("the note of r2");
    assert!(notes < note);
    assert!(page.contains(r#"<time datetime="2026-09-01">September 1, 2026</time>"#));
    // The metric it links, and no section for exemptions while there are none.
    assert!(page.contains(r##"href="../../../../metrics/index.html#metric-csat""##));
    assert!(!page.contains(r#"id="exemptions""#));
}

#[test]
fn items_of_every_version_have_pages_in_every_language() {
    let ws = workspace();
    ws.build();
    for lang in ["", "de/"] {
        for item in ["x", "old", "new"] {
            let path = format!("{lang}checklists/c/items/{item}/index.html");
            assert!(ws.site().join(&path).is_file(), "{path}");
        }
    }
    // An item version 2 removed keeps its history.
    let (heads, rows) = levels(&ws.page("checklists/c/items/old/index.html"));
    assert_eq!(heads, ["r1"]);
    let levels_of = |rows: &[(String, Vec<String>)]| -> Vec<String> {
        rows.iter().flat_map(|(_, c)| c.clone()).collect()
    };
    assert_eq!(levels_of(&rows), ["✗ Partial", "✓ Established"]);
    let (heads, rows) = levels(&ws.page("checklists/c/items/new/index.html"));
    assert_eq!(heads, ["r2", "r3"]);
    // Team b answered version 2 without it.
    let unanswered = || "Unanswered".to_string();
    assert_eq!(
        rows,
        vec![
            (
                "a".to_string(),
                vec!["✗ Initial".to_string(), "✗ Partial".to_string()]
            ),
            ("b".to_string(), vec![unanswered(), unanswered()])
        ]
    );
    let de = ws.page("de/checklists/c/items/x/index.html");
    assert!(de.contains("Stufe je Team und Runde"));
    assert!(de.contains("Nicht zutreffend"), "{de}");
}

/// The targets of `href`s in `html` that lead to item pages, resolved against `page` (a path
/// in the site), each checked to exist.
fn item_links(site: &Path, page: &str) -> Vec<String> {
    let html = std::fs::read_to_string(site.join(page)).expect("read the page");
    let doc = Html::parse_document(&html);
    let a = Selector::parse("a[href]").expect("a selector");
    let base = Path::new(page).parent().expect("a folder");
    let mut out = Vec::new();
    for e in doc.select(&a) {
        let href = e.value().attr("href").unwrap_or_default();
        if !href.contains("/items/") {
            continue;
        }
        let mut parts: Vec<&str> = base.iter().filter_map(|p| p.to_str()).collect();
        for seg in href.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                s => parts.push(s),
            }
        }
        let target = parts.join("/");
        assert!(site.join(&target).is_file(), "{page} links to {href}");
        out.push(target);
    }
    out
}

#[test]
fn every_page_that_shows_an_item_links_to_its_page_except_the_report() {
    let ws = workspace();
    ws.build();
    let site = ws.site();
    let x = "checklists/c/items/x/index.html".to_string();
    let links = |page: &str| item_links(&site, page);
    assert!(links("rounds/r2/b/index.html").contains(&x));
    assert!(links("rounds/r2/b/gaps/index.html").contains(&x));
    assert!(links("checklists/c/index.html").contains(&x));
    assert!(
        links("checklists/c/v1/index.html").contains(&"checklists/c/items/old/index.html".into())
    );
    assert!(links("de/rounds/r2/b/index.html").contains(&format!("de/{x}")));
    // The report is one file to send around: it stays standalone.
    assert!(links("rounds/r2/b/report.html").is_empty());
}
