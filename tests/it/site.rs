//! The built site against docs/site.md and docs/format.md: every page docs/site.md lists in every language, the data files,
//! the rules for every page (relative links that resolve, `lang`/`dir`, fallbacks marked with
//! their language, escaped input, nothing from other hosts), the self-contained report, and
//! the guarantees of `build` itself (byte-identical rebuilds, atomic swap, refused output
//! folders, template overrides).
//!
//! Each test copies `tests/fixtures/site/multilingual` to a fresh temporary folder, runs the
//! real binary on it and parses every page with an HTML5 parser. That workspace renders
//! Croatian at the root (a non-English default), Arabic (right to left) and Japanese under
//! `ar/` and `ja/`, and carries hostile text in one audit (`2026-q2/zagreb`).

use crate::support::{self, run};

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Output;

use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use run::{assert_same_files, auditbook, debris, snapshot, stderr};

/// The site languages of the fixture; the first is the default, rendered at the root.
const LANGS: &[&str] = &["hr", "en", "ar", "ja"];
/// The rounds of the fixture, oldest first, with their audits.
const ROUNDS: &[(&str, &[&str])] = &[
    ("2025-q4", &["cairo", "zagreb"]),
    ("2026-q1", &["cairo", "tokyo", "zagreb"]),
    ("2026-q2", &["tokyo", "zagreb"]),
];
const CHECKLIST: &str = "quality-review";
const CHECKLIST_VERSIONS: &[u32] = &[1, 2];

// ----- harness ----------------------------------------------------------------------------

/// A copy of the fixture at `<tmp>/ws` ([`support::Workspace`]), so that `<tmp>` is a parent
/// of the workspace that belongs to the test, and outputs can go beside it.
struct Workspace {
    inner: support::Workspace,
}

impl Workspace {
    fn new() -> Workspace {
        Workspace {
            inner: support::Workspace::fixture("site/multilingual"),
        }
    }

    fn tmp(&self) -> &Path {
        self.inner.dir()
    }

    fn ws(&self) -> PathBuf {
        self.inner.path().to_path_buf()
    }

    /// `auditbook build <ws> --out <out>`, then `extra`.
    fn build_with(&self, out: &Path, extra: &[&str]) -> Output {
        let ws = self.ws();
        let mut args = vec![OsStr::new("build"), ws.as_os_str(), OsStr::new("--out")];
        args.push(out.as_os_str());
        args.extend(extra.iter().map(OsStr::new));
        auditbook(args)
    }

    /// `auditbook build <ws> --out <out>`.
    fn build_into(&self, out: &Path) -> Output {
        self.build_with(out, &[])
    }

    /// `auditbook build <ws> --out <out> --timings`.
    fn build_timed(&self, out: &Path) -> Output {
        self.build_with(out, &["--timings"])
    }

    /// Builds into `<tmp>/<name>` and checks it succeeded.
    fn build_ok(&self, name: &str) -> PathBuf {
        let out = self.tmp().join(name);
        let o = self.build_into(&out);
        assert_eq!(o.status.code(), Some(0), "build failed:\n{}", stderr(&o));
        out
    }

    fn write(&self, rel: &str, text: &str) {
        self.inner.write(rel, text);
    }
}

/// The language of a page from its path: the first folder for a non-default language.
fn page_lang(rel: &str) -> &'static str {
    LANGS[1..]
        .iter()
        .find(|l| rel.starts_with(&format!("{l}/")))
        .copied()
        .unwrap_or(LANGS[0])
}

fn prefix(lang: &str) -> String {
    if lang == LANGS[0] {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// The pages of a built site, parsed.
struct Site {
    dir: PathBuf,
    pages: BTreeMap<String, Html>,
}

impl Site {
    fn load(dir: &Path) -> Site {
        let pages = snapshot(dir)
            .into_iter()
            .filter(|(p, _)| p.ends_with(".html"))
            .map(|(p, bytes)| {
                let text = String::from_utf8(bytes).unwrap_or_else(|_| panic!("{p} is not UTF-8"));
                (p, Html::parse_document(&text))
            })
            .collect();
        Site {
            dir: dir.to_path_buf(),
            pages,
        }
    }

    #[track_caller]
    fn page(&self, rel: &str) -> &Html {
        self.pages
            .get(rel)
            .unwrap_or_else(|| panic!("no page {rel}"))
    }

    fn text(&self, rel: &str) -> String {
        std::fs::read_to_string(self.dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

/// The multilingual fixture, built once into `<tmp>/site`.
fn built() -> (Workspace, Site) {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let site = Site::load(&out);
    (w, site)
}

/// The text of a whole element, whitespace collapsed.
fn text_of(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The body text of a page, whitespace collapsed.
fn body_text(html: &Html) -> String {
    html.select(&sel("body"))
        .map(text_of)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `lang` in force in an element: its own or its nearest ancestor's.
fn lang_at<'a>(e: ElementRef<'a>) -> Option<&'a str> {
    std::iter::once(*e)
        .chain(e.ancestors())
        .find_map(|n| n.value().as_element().and_then(|x| x.attr("lang")))
}

// ----- §4.1 paths ---------------------------------------------------------------------------

/// Every page docs/site.md lists, relative to the root of one language.
fn expected_pages() -> Vec<String> {
    let mut pages = vec![
        "index.html".to_string(),
        "rounds/latest/index.html".into(),
        "metrics/index.html".into(),
        format!("checklists/{CHECKLIST}/index.html"),
    ];
    for v in CHECKLIST_VERSIONS {
        pages.push(format!("checklists/{CHECKLIST}/v{v}/index.html"));
    }
    for (round, audits) in ROUNDS {
        pages.push(format!("rounds/{round}/index.html"));
        for a in *audits {
            pages.push(format!("rounds/{round}/{a}/index.html"));
            pages.push(format!("rounds/{round}/{a}/gaps/index.html"));
            pages.push(format!("rounds/{round}/{a}/report.html"));
        }
    }
    pages
}

#[test]
fn every_page_exists_in_every_language() {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let files = snapshot(&out);
    let mut missing = Vec::new();
    for lang in LANGS {
        for page in expected_pages() {
            let path = format!("{}{page}", prefix(lang));
            if !files.contains_key(&path) {
                missing.push(path);
            }
        }
    }
    assert!(missing.is_empty(), "missing pages: {missing:#?}");
    // The default language is at the root, not in a folder of its own.
    assert!(
        !out.join(LANGS[0]).exists(),
        "the default language has a folder"
    );
    // Data files are written once, not per language.
    for (round, audits) in ROUNDS {
        for a in *audits {
            assert!(files.contains_key(&format!("data/rounds/{round}/{a}.json")));
            for lang in &LANGS[1..] {
                assert!(!files.contains_key(&format!("{lang}/data/rounds/{round}/{a}.json")));
            }
        }
    }
    assert!(files.contains_key("versions.json"));
    assert!(
        files.contains_key(".auditbook-site"),
        "the output has no marker"
    );
    for lang in &LANGS[1..] {
        assert!(!files.contains_key(&format!("{lang}/versions.json")));
    }
}

#[test]
fn versions_json_lists_rounds_oldest_first() {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let text = std::fs::read_to_string(out.join("versions.json")).expect("versions.json");
    let v: Value = serde_json::from_str(&text).expect("versions.json is JSON");
    let obj = v.as_object().expect("an object");
    assert_eq!(
        obj.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        BTreeSet::from(["latest", "rounds"]),
        "{text}"
    );
    assert_eq!(v["latest"], "2026-q2");
    let rounds = v["rounds"].as_array().expect("rounds is a list");
    let ids: Vec<&str> = rounds
        .iter()
        .map(|r| r["id"].as_str().expect("an id"))
        .collect();
    assert_eq!(ids, ["2025-q4", "2026-q1", "2026-q2"], "oldest first");
    let expected = [
        ("2025-q4", "Četvrti kvartal 2025.", "2025-12-15"),
        ("2026-q1", "Prvi kvartal 2026.", "2026-03-31"),
        ("2026-q2", "Drugi kvartal 2026.", "2026-06-30"),
    ];
    for (r, (id, title, date)) in rounds.iter().zip(expected) {
        let keys: BTreeSet<&str> = r
            .as_object()
            .expect("a round is an object")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, BTreeSet::from(["id", "title", "date", "path"]), "{r}");
        assert_eq!(r["title"], title, "titles are in the default language");
        assert_eq!(r["date"], date);
        let path = r["path"].as_str().expect("a path");
        assert!(!path.starts_with('/') && !path.contains("://"), "{path}");
        assert!(
            out.join(path).is_file(),
            "versions.json path {path} is not a file"
        );
        assert_eq!(path, format!("rounds/{id}/index.html"));
    }
}

#[test]
fn data_files_are_the_audit_results() {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let o = auditbook([
        OsStr::new("score"),
        w.ws().as_os_str(),
        OsStr::new("--json"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let results: Value = serde_json::from_slice(&o.stdout).expect("score prints JSON");
    let results = results.as_array().expect("a list");
    let mut count = 0;
    for (round, audits) in ROUNDS {
        for a in *audits {
            let path = out.join(format!("data/rounds/{round}/{a}.json"));
            let data: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("a data file"))
                    .expect("a data file is JSON");
            assert_eq!(data["round"], *round);
            assert_eq!(data["audit"], *a);
            let from_score = results
                .iter()
                .find(|r| r["round"] == *round && r["audit"] == *a)
                .unwrap_or_else(|| panic!("score --json has no {round}/{a}"));
            assert_eq!(
                &data, from_score,
                "{round}/{a}.json differs from score --json"
            );
            count += 1;
        }
    }
    assert_eq!(count, results.len());
    let zagreb = &results
        .iter()
        .find(|r| r["round"] == "2026-q2" && r["audit"] == "zagreb")
        .expect("2026-q2/zagreb");
    assert_eq!(zagreb["previous"]["round"], "2026-q1");
}

#[test]
fn latest_redirects_to_the_newest_round() {
    let (_w, site) = built();
    for lang in LANGS {
        let rel = format!("{}rounds/latest/index.html", prefix(lang));
        let html = site.page(&rel);
        let refresh = html
            .select(&sel(r#"meta[http-equiv="refresh"]"#))
            .next()
            .unwrap_or_else(|| panic!("{rel} has no meta refresh"));
        let content = refresh.attr("content").expect("content");
        let (delay, url) = content.split_once(';').expect("delay; url=");
        assert_eq!(delay.trim(), "0", "{rel}: {content}");
        let url = url
            .trim()
            .strip_prefix("url=")
            .or_else(|| url.trim().strip_prefix("URL="))
            .expect("url=");
        let target = resolve(&rel, url).expect("resolves inside the site");
        assert_eq!(
            target.path,
            format!("{}rounds/2026-q2/index.html", prefix(lang))
        );
        // A plain link for browsers that ignore the refresh.
        let a = html
            .select(&sel("body a[href]"))
            .next()
            .unwrap_or_else(|| panic!("{rel} has no link to the round"));
        assert_eq!(a.attr("href"), Some(url));
    }
}

// ----- rules for every page ------------------------------------------------------------------

#[test]
fn html_lang_and_dir_name_the_page_language() {
    let (_w, site) = built();
    assert!(site.pages.len() > 100, "only {} pages", site.pages.len());
    let mut wrong = Vec::new();
    for (rel, html) in &site.pages {
        let lang = page_lang(rel);
        let root = html.root_element();
        let want_dir = if lang == "ar" { "rtl" } else { "ltr" };
        if root.attr("lang") != Some(lang) || root.attr("dir") != Some(want_dir) {
            wrong.push(format!(
                "{rel}: lang={:?} dir={:?}, expected {lang} {want_dir}",
                root.attr("lang"),
                root.attr("dir")
            ));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn fallback_text_carries_its_language() {
    let (_w, site) = built();
    // (page under each language root, text that only exists in one language, its language)
    let cases = [
        // A round summary written only in Croatian (the default language).
        (
            "rounds/2026-q1/index.html",
            "Sažetak kruga samo na hrvatskom.",
            "hr",
        ),
        // An audit summary in the plain strings of a Croatian file.
        (
            "rounds/2026-q1/zagreb/index.html",
            "Napredak u dostupnosti",
            "hr",
        ),
        // A checklist description only in Croatian.
        (
            &format!("checklists/{CHECKLIST}/index.html"),
            "Tromjesečni pregled",
            "hr",
        ),
        // A subject title in ar and en only: the ja and hr pages fall back to the file's ar.
        ("rounds/2026-q1/cairo/index.html", "دعم القاهرة", "ar"),
        // A summary in ar and en: hr and ja fall back to the file's language.
        (
            "rounds/2026-q1/cairo/index.html",
            "تحسن ملحوظ في الحلول",
            "ar",
        ),
        // A Japanese plain-string summary seen from every other language.
        ("rounds/2026-q1/tokyo/index.html", "初回の監査", "ja"),
    ];
    let mut wrong = Vec::new();
    for (page, needle, text_lang) in cases {
        for lang in LANGS {
            let rel = format!("{}{page}", prefix(lang));
            let html = site.page(&rel);
            let hits: Vec<_> = html
                .tree
                .nodes()
                .filter(|n| matches!(n.value(), Node::Text(t) if t.contains(needle)))
                .filter(|n| {
                    n.ancestors()
                        .all(|a| a.value().as_element().is_none_or(|e| e.name() != "title"))
                })
                .collect();
            if hits.is_empty() {
                // The ar/en pages of an ar/en text do not fall back; others must show it.
                let translated = matches!(
                    (needle, lang),
                    ("دعم القاهرة" | "تحسن ملحوظ في الحلول", &"en")
                );
                if !translated {
                    wrong.push(format!("{rel}: '{needle}' is not shown"));
                }
                continue;
            }
            for n in hits {
                let got = n.parent().and_then(ElementRef::wrap).and_then(lang_at);
                if got != Some(text_lang) {
                    wrong.push(format!(
                        "{rel}: '{needle}' is in lang {got:?}, expected {text_lang}"
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Which language a run of text is evidently in, by its script or letters: Arabic script,
/// Japanese kana/kanji, or Croatian letters with diacritics.
fn evident_language(text: &str) -> Option<&'static str> {
    for c in text.chars() {
        let lang = match c {
            '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}' => "ar",
            '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' => "ja",
            'č' | 'ć' | 'đ' | 'š' | 'ž' | 'Č' | 'Ć' | 'Đ' | 'Š' | 'Ž' => "hr",
            _ => continue,
        };
        return Some(lang);
    }
    None
}

/// Texts of the pages' bodies that are evidently in one language but marked (by their own or
/// an ancestor's `lang`) as another; inside inline SVG charts or outside them.
fn mismarked_texts(site: &Site, in_charts: bool) -> BTreeSet<String> {
    // Names of people are not in a language; they are left unmarked.
    let names = ["ليلى حسن", "佐藤 花子", "佐藤", "Ivan Kovač"];
    let mut wrong = BTreeSet::new();
    for (rel, html) in &site.pages {
        let Some(body) = html.select(&sel("body")).next() else {
            wrong.insert(format!("{rel}: no body"));
            continue;
        };
        for node in body.descendants() {
            let Node::Text(t) = node.value() else {
                continue;
            };
            let in_svg = node
                .ancestors()
                .any(|a| a.value().as_element().is_some_and(|e| e.name() == "svg"));
            if in_svg != in_charts {
                continue;
            }
            let mut text = t.to_string();
            for n in names {
                text = text.replace(n, "");
            }
            let Some(evident) = evident_language(&text) else {
                continue;
            };
            let marked = node
                .parent()
                .and_then(ElementRef::wrap)
                .and_then(lang_at)
                .unwrap_or("");
            if marked != evident {
                let parent = node
                    .parent()
                    .and_then(|p| p.value().as_element().map(|e| e.name().to_string()))
                    .unwrap_or_default();
                wrong.insert(format!(
                    "{rel}: <{parent}> {:?} looks {evident} but its lang is {marked:?}",
                    text.trim()
                ));
            }
        }
    }
    wrong
}

/// docs/site.md: "text that fell back to another language carries that language's `lang`" —
/// everywhere on the page, including breadcrumbs and menus, not only in the main content.
#[test]
fn text_in_another_language_is_marked_with_it_on_every_page() {
    let (_w, site) = built();
    let wrong = mismarked_texts(&site, false);
    assert!(
        wrong.is_empty(),
        "{} texts:\n{}",
        wrong.len(),
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// The same rule for the labels and tooltips of inline SVG charts (`<text>` and `<title>`
/// take a `lang` attribute in SVG 2).
#[test]
fn chart_labels_in_another_language_are_marked_with_it() {
    let (_w, site) = built();
    let wrong = mismarked_texts(&site, true);
    assert!(
        wrong.is_empty(),
        "{} texts:\n{}",
        wrong.len(),
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Text in a language written the other way from the page's must say so, or the browser lays
/// it out in the page's direction: an Arabic fallback on a Croatian page needs `dir="rtl"`, a
/// Croatian fallback on an Arabic page `dir="ltr"` (otherwise its full stop lands at the
/// wrong end, as the ar screenshots of tests/browser.rs show). SVG elements take no `dir`:
/// in a chart, the `direction` presentation attribute says it, and only `<text>` and
/// `<tspan>` are laid out (a `<title>` is a tooltip and an accessible name).
#[test]
fn text_in_a_language_of_the_other_direction_carries_dir() {
    let (_w, site) = built();
    let mut wrong = BTreeSet::new();
    for (rel, html) in &site.pages {
        for e in html.select(&sel("body [lang]")) {
            let in_svg = e
                .ancestors()
                .any(|n| n.value().as_element().is_some_and(|x| x.name() == "svg"));
            if in_svg && !matches!(e.value().name(), "text" | "tspan") {
                continue;
            }
            let lang = e.attr("lang").unwrap_or("");
            let want = if lang.split('-').next() == Some("ar") {
                "rtl"
            } else {
                "ltr"
            };
            let dir = std::iter::once(*e)
                .chain(e.ancestors())
                .find_map(|n| {
                    let x = n.value().as_element()?;
                    x.attr("dir").or_else(|| x.attr("direction"))
                })
                .unwrap_or("ltr");
            if dir != want {
                wrong.insert(format!(
                    "{rel}: <{} lang=\"{lang}\"> {:?} is laid out {dir}",
                    e.value().name(),
                    text_of(e).chars().take(40).collect::<String>()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} elements:\n{}",
        wrong.len(),
        wrong.into_iter().take(60).collect::<Vec<_>>().join("\n")
    );
}

/// Interface strings fall back to English where the interface has no built-in strings for a
/// site language (ar and ja here). The same rule applies to them: an English label on an
/// Arabic page carries `lang="en"`. Checked on the page chrome (main navigation, skip link,
/// footer) by comparing each label with the English page's: an identical label is English.
#[test]
fn interface_strings_in_another_language_are_marked_with_it() {
    let (_w, site) = built();
    let mut wrong = BTreeSet::new();
    for lang in ["ar", "ja"] {
        for page in expected_pages() {
            let rel = format!("{lang}/{page}");
            let en = site.page(&format!("en/{page}"));
            let html = site.page(&rel);
            for chrome in ["nav.mainnav a", "a.skip", "footer"] {
                let s = sel(chrome);
                for (mine, english) in html.select(&s).zip(en.select(&s)) {
                    // Each run of text is checked where it stands, so a label wrapped in
                    // its own <span lang="en"> counts as marked. Product and file names
                    // are in no language.
                    let runs = |e: ElementRef<'_>| -> Vec<(String, String)> {
                        e.descendants()
                            .filter_map(|n| {
                                let Node::Text(t) = n.value() else {
                                    return None;
                                };
                                let text = t.trim().trim_matches('·').trim().to_string();
                                let named =
                                    ["auditbook", "versions.json", ""].contains(&text.as_str());
                                let parent = n.parent().and_then(ElementRef::wrap)?;
                                (!named).then(|| (text, lang_at(parent).unwrap_or("").to_string()))
                            })
                            .collect()
                    };
                    for ((label, marked), (en_label, _)) in
                        runs(mine).into_iter().zip(runs(english))
                    {
                        if label == en_label && marked != "en" {
                            wrong.insert(format!(
                                "{lang}/…: <{chrome}> {label:?} is English but its lang is {marked:?}"
                            ));
                        }
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Whether a stylesheet gives SVG charts `direction: ltr`.
fn css_sets_chart_direction_ltr(css: &str) -> bool {
    css.split('}').any(|rule| {
        let Some((selector, body)) = rule.rsplit_once('{') else {
            return false;
        };
        let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        (selector.contains("svg") || selector.contains(".chart")) && body.contains("direction:ltr")
    })
}

/// On right-to-left pages the inline SVG charts must keep their left-to-right geometry. SVG
/// `text-anchor` is relative to the inherited `direction`, so in an `rtl` page `end` means the
/// left edge: in Chromium the section labels of the bar chart slide under the bars and the
/// value labels are drawn over them (see the ar audit screenshots of tests/browser.rs). The
/// charts need `direction: ltr` (an attribute, a `style`, a `dir="ltr"` ancestor, or a rule
/// of the site's stylesheet).
#[test]
fn charts_on_rtl_pages_keep_left_to_right_geometry() {
    let (_w, site) = built();
    let site_css = site.text("assets/style.css");
    let mut wrong = BTreeSet::new();
    let mut charts = 0;
    for (rel, html) in site.pages.iter().filter(|(p, _)| page_lang(p) == "ar") {
        let inline: String = html.select(&sel("style")).flat_map(|s| s.text()).collect();
        let css = if rel.ends_with("report.html") {
            inline
        } else {
            format!("{site_css}\n{inline}")
        };
        let fixed_by_css = css_sets_chart_direction_ltr(&css);
        for svg in html.select(&sel("svg")) {
            let anchored = svg
                .select(&sel(
                    r#"text[text-anchor="end"], text[text-anchor="start"]"#,
                ))
                .next()
                .is_some();
            if !anchored {
                continue;
            }
            charts += 1;
            if fixed_by_css {
                continue;
            }
            let ltr = std::iter::once(*svg).chain(svg.ancestors()).find_map(|n| {
                let e = n.value().as_element()?;
                if e.attr("direction") == Some("ltr") {
                    return Some(true);
                }
                if let Some(style) = e.attr("style") {
                    let style: String = style.chars().filter(|c| !c.is_whitespace()).collect();
                    if style.contains("direction:ltr") {
                        return Some(true);
                    }
                }
                e.attr("dir").map(|d| d == "ltr")
            });
            if ltr != Some(true) {
                let class = svg.attr("class").unwrap_or("");
                wrong.insert(format!(
                    "{rel}: <svg class=\"{class}\"> is laid out right to left"
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} charts:\n{}",
        wrong.len(),
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(
        charts > 10,
        "only {charts} charts with anchored text on ar pages"
    );
}

/// A relative link resolved against the page that holds it.
#[derive(Debug)]
struct Target {
    /// Path from the output root, without fragment or query.
    path: String,
    fragment: Option<String>,
}

/// Resolves `link` (relative) against `page` (a path from the output root); `None` when it
/// climbs above the output root.
fn resolve(page: &str, link: &str) -> Option<Target> {
    let (rest, fragment) = match link.split_once('#') {
        Some((r, f)) => (r, Some(f.to_string())),
        None => (link, None),
    };
    let rest = rest.split('?').next().unwrap_or("");
    if rest.is_empty() {
        return Some(Target {
            path: page.to_string(),
            fragment,
        });
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if rest.ends_with('/') {
        path.push_str("/index.html");
    }
    Some(Target { path, fragment })
}

/// The scheme of a URL, lowercased, if it has one.
fn scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let colon = cleaned.find(':')?;
    let s = &cleaned[..colon];
    let ok = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    ok.then(|| s.to_ascii_lowercase())
}

/// Attributes that hold a URL, for the elements that load or link.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "cite",
    "data-index",
];

/// Every URL a page holds: (element name, attribute, value), including a meta refresh.
fn urls(html: &Html) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for node in html.tree.nodes() {
        let Some(e) = node.value().as_element() else {
            continue;
        };
        for (name, value) in e.attrs() {
            if URL_ATTRS.contains(&name) {
                out.push((e.name().to_string(), name.to_string(), value.to_string()));
            }
        }
        if e.name() == "meta"
            && e.attr("http-equiv")
                .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            && let Some(content) = e.attr("content")
            && let Some(i) = content.to_ascii_lowercase().find("url=")
        {
            out.push((
                "meta".into(),
                "content".into(),
                content[i + 4..].trim().to_string(),
            ));
        }
    }
    out
}

#[test]
fn every_link_is_relative_and_resolves() {
    let (_w, site) = built();
    let ids: BTreeMap<&str, BTreeSet<String>> = site
        .pages
        .iter()
        .map(|(rel, html)| {
            let ids = html
                .tree
                .nodes()
                .filter_map(|n| {
                    n.value()
                        .as_element()
                        .and_then(|e| e.id())
                        .map(str::to_string)
                })
                .collect();
            (rel.as_str(), ids)
        })
        .collect();
    let mut wrong = BTreeSet::new();
    let mut checked = 0;
    for (rel, html) in &site.pages {
        for (elem, attr, url) in urls(html) {
            checked += 1;
            let at = format!("{rel}: <{elem} {attr}=\"{url}\">");
            if url.trim().is_empty() {
                wrong.insert(format!("{at} is empty"));
                continue;
            }
            if url.starts_with("//") {
                wrong.insert(format!("{at} is scheme-relative"));
                continue;
            }
            if url.starts_with('/') {
                wrong.insert(format!("{at} is absolute"));
                continue;
            }
            if let Some(s) = scheme(&url) {
                // Only ordinary links may point elsewhere: evidence and Markdown links.
                let external_link = elem == "a"
                    && attr == "href"
                    && matches!(s.as_str(), "http" | "https" | "mailto");
                if !external_link {
                    wrong.insert(format!("{at} points to another host or scheme"));
                }
                continue;
            }
            let Some(target) = resolve(rel, &url) else {
                wrong.insert(format!("{at} climbs above the site"));
                continue;
            };
            let file = site.dir.join(&target.path);
            if !file.is_file() {
                wrong.insert(format!("{at} -> {} does not exist", target.path));
                continue;
            }
            if let Some(f) = target.fragment.filter(|f| !f.is_empty()) {
                match ids.get(target.path.as_str()) {
                    Some(set) if set.contains(&f) => {}
                    Some(_) => {
                        wrong.insert(format!("{at} -> no id '{f}' on {}", target.path));
                    }
                    None => {
                        wrong.insert(format!("{at} -> a fragment on a file that is not a page"));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} bad links:\n{}",
        wrong.len(),
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(checked > 2000, "only {checked} links checked");
}

#[test]
fn ids_are_unique_and_id_references_resolve() {
    let (_w, site) = built();
    let mut wrong = BTreeSet::new();
    for (rel, html) in &site.pages {
        let mut seen = BTreeSet::new();
        for node in html.tree.nodes() {
            if let Some(id) = node.value().as_element().and_then(|e| e.id())
                && !seen.insert(id.to_string())
            {
                wrong.insert(format!("{rel}: id '{id}' appears twice"));
            }
        }
        for node in html.tree.nodes() {
            let Some(e) = node.value().as_element() else {
                continue;
            };
            for attr in [
                "for",
                "aria-labelledby",
                "aria-describedby",
                "aria-controls",
                "headers",
                "list",
            ] {
                let Some(v) = e.attr(attr) else { continue };
                for id in v.split_whitespace() {
                    if !seen.contains(id) {
                        wrong.insert(format!(
                            "{rel}: <{} {attr}=\"{v}\"> names no element",
                            e.name()
                        ));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn pages_parse_without_html_errors() {
    // The parser does report errors (a duplicate attribute, a stray end tag).
    assert!(
        !Html::parse_document("<!DOCTYPE html><p id=a id=b></i>")
            .errors
            .is_empty()
    );
    let (_w, site) = built();
    let mut wrong = BTreeSet::new();
    for (rel, html) in &site.pages {
        for e in &html.errors {
            wrong.insert(format!("{rel}: {e}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{}",
        wrong.into_iter().take(40).collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn nothing_is_loaded_from_other_hosts() {
    let (_w, site) = built();
    // Links are covered by every_link_is_relative_and_resolves; CSS can load too.
    let mut css = vec![(
        "assets/style.css".to_string(),
        site.text("assets/style.css"),
    )];
    for (rel, html) in &site.pages {
        for s in html.select(&sel("style")) {
            css.push((format!("{rel} <style>"), s.text().collect()));
        }
        for e in html.select(&sel("[style]")) {
            css.push((
                format!("{rel} style=\"\""),
                e.attr("style").unwrap_or("").to_string(),
            ));
        }
    }
    for (at, text) in css {
        assert!(!text.contains("@import"), "{at}: @import");
        let mut rest = text.as_str();
        while let Some(i) = rest.find("url(") {
            rest = &rest[i + 4..];
            let arg = rest
                .split(')')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            let local = arg.starts_with('#')
                || arg.starts_with("data:")
                || scheme(arg).is_none() && !arg.starts_with("//");
            assert!(local, "{at}: url({arg}) loads from elsewhere");
        }
    }
}

// ----- report.html ---------------------------------------------------------------------------

#[test]
fn report_is_one_self_contained_file() {
    let (_w, site) = built();
    let mut reports = 0;
    for (rel, html) in site
        .pages
        .iter()
        .filter(|(p, _)| p.ends_with("/report.html"))
    {
        reports += 1;
        assert_eq!(html.select(&sel("script")).count(), 0, "{rel}: a script");
        assert_eq!(
            html.select(&sel("link")).count(),
            0,
            "{rel}: a <link> (stylesheet, icon, …)"
        );
        let loaders: Vec<String> = html
            .select(&sel(
                "[src], [srcset], [data-index], iframe, object, embed, img, video, audio",
            ))
            .map(|e| e.value().name().to_string())
            .collect();
        assert!(
            loaders.is_empty(),
            "{rel}: elements that load files: {loaders:?}"
        );
        // Only ordinary <a href> links point elsewhere.
        for e in html.select(&sel("[href]")) {
            assert_eq!(
                e.value().name(),
                "a",
                "{rel}: <{} href> outside an <a>",
                e.value().name()
            );
        }
        let style: String = html
            .select(&sel("head style"))
            .flat_map(|s| s.text())
            .collect();
        assert!(
            style.len() > 1000,
            "{rel}: no inline stylesheet ({} bytes)",
            style.len()
        );
        assert!(
            html.select(&sel("main svg")).count() >= 1,
            "{rel}: no inline SVG chart"
        );
        for prop in ["og:title", "og:description"] {
            let content = html
                .select(&sel(&format!(r#"meta[property="{prop}"]"#)))
                .next()
                .and_then(|m| m.attr("content"))
                .unwrap_or_else(|| panic!("{rel}: no {prop}"));
            assert!(!content.trim().is_empty(), "{rel}: empty {prop}");
        }
        assert!(
            html.select(&sel("h1")).next().is_some(),
            "{rel}: no heading"
        );
    }
    assert_eq!(reports, 7 * LANGS.len());
}

// ----- hostile input -------------------------------------------------------------------------

#[test]
fn hostile_text_stays_text() {
    let (_w, site) = built();
    let mut wrong = BTreeSet::new();
    for (rel, html) in &site.pages {
        for e in html.select(&sel("script")) {
            let builtin = e
                .attr("src")
                .is_some_and(|s| s.ends_with("assets/search.js"))
                && e.text().all(|t| t.trim().is_empty())
                && e.ancestors()
                    .any(|a| a.value().as_element().is_some_and(|x| x.name() == "head"));
            if !builtin {
                wrong.insert(format!(
                    "{rel}: a <script> that is not the site's own: {:?}",
                    e.value()
                ));
            }
        }
        for node in html.tree.nodes() {
            let Some(e) = node.value().as_element() else {
                continue;
            };
            for (name, value) in e.attrs() {
                if name.to_ascii_lowercase().starts_with("on") {
                    wrong.insert(format!("{rel}: <{} {name}=\"{value}\">", e.name()));
                }
                if URL_ATTRS.contains(&name) && scheme(value).is_some_and(|s| s == "javascript") {
                    wrong.insert(format!("{rel}: <{} {name}=\"{value}\">", e.name()));
                }
            }
            // The markup inside the hostile texts, had it become elements.
            let inner = ElementRef::wrap(node).map(text_of).unwrap_or_default();
            let from_input = ["\"bold\"", "\"podebljano\"", "\"Horvat\"", "2026-06", "Ana"];
            if e.name() == "b" && from_input.contains(&inner.as_str()) {
                wrong.insert(format!("{rel}: a <b> element from input: {inner:?}"));
            }
            if e.name() == "img" && e.attr("src") == Some("x") {
                wrong.insert(format!("{rel}: an <img> from input: {e:?}"));
            }
        }
        let raw = site.text(rel);
        for payload in [
            "<script>alert",
            "<img src=x",
            "<b>\"",
            "javascript:alert(1)\"",
        ] {
            if raw.contains(payload) {
                wrong.insert(format!("{rel}: unescaped {payload:?}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{}",
        wrong.into_iter().collect::<Vec<_>>().join("\n")
    );

    // The payloads are shown as the text they are.
    for lang in LANGS {
        let p = prefix(lang);
        // The title is in hr and en; ar and ja fall back to the default language, hr.
        let subject = if *lang == "en" {
            r#"Zagreb <b>"bold"</b> & 'quotes'"#
        } else {
            r#"Zagreb <b>"podebljano"</b> & 'navodnici'"#
        };
        for page in ["index.html", "gaps/index.html", "report.html"] {
            let rel = format!("{p}rounds/2026-q2/zagreb/{page}");
            let html = site.page(&rel);
            let h1 = html
                .select(&sel("h1"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            assert!(
                h1.contains(subject),
                "{rel}: heading {h1:?} lacks the subject title as text"
            );
            let title = html
                .select(&sel("title"))
                .next()
                .map(text_of)
                .unwrap_or_default();
            assert!(title.contains(subject), "{rel}: <title> {title:?}");
        }
        for page in ["index.html", "report.html"] {
            let rel = format!("{p}rounds/2026-q2/zagreb/{page}");
            let html = site.page(&rel);
            let text = body_text(html);
            for shown in [
                "<script>alert(1)</script>",
                "<img src=x onerror=alert(1)>",
                "javascript:alert(1)",
                r#"Ana <b>"Horvat"</b> O'Neil"#,
                "izvoz tiketa <b>2026-06</b>",
            ] {
                assert!(
                    text.contains(shown),
                    "{rel}: {shown:?} is not shown as text"
                );
            }
            for href in [
                "https://example.com/evidence?a=1&b=2",
                "https://example.com/safe",
            ] {
                assert!(
                    html.select(&sel(&format!(r#"a[href="{href}"]"#)))
                        .next()
                        .is_some(),
                    "{rel}: no link to {href}"
                );
            }
            let og = html
                .select(&sel(
                    r#"meta[property="og:title"], meta[name="description"]"#,
                ))
                .filter_map(|m| m.attr("content"))
                .collect::<Vec<_>>();
            assert!(!og.is_empty(), "{rel}: no description");
        }
        let rel = format!("{p}rounds/2026-q2/zagreb/gaps/index.html");
        let text = body_text(site.page(&rel));
        for shown in [
            "Popraviti <script>alert(2)</script>",
            r#"<b>Ana</b> "O'Neil""#,
        ] {
            assert!(
                text.contains(shown),
                "{rel}: {shown:?} is not shown as text"
            );
        }
    }
}

// ----- build guarantees ----------------------------------------------------------------------

#[test]
fn rebuilds_are_byte_identical() {
    // Two copies in two places: nothing of where the workspace lives reaches the output.
    let a = Workspace::new();
    let b = Workspace::new();
    let one = snapshot(&a.build_ok("site"));
    let two = snapshot(&b.build_ok("out"));
    assert!(one.len() > 100);
    assert_same_files(&one, &two, "two builds of the same workspace");
    // And again into the earlier output.
    let again = snapshot(&a.build_ok("site"));
    assert_same_files(&one, &again, "a rebuild into the earlier output");
}

/// A build into an earlier output links the files whose bytes did not change instead of
/// writing them again: the site is the one a build into a new folder makes.
#[test]
fn a_rebuild_takes_unchanged_files_from_the_previous_site() {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let audit = w.ws().join("audits/2026-q2/zagreb.yaml");
    let text = std::fs::read_to_string(&audit).expect("read the audit");
    let edited = text.replacen("summary:", "summary: Revised.", 1);
    assert_ne!(text, edited, "the audit has a summary to change");
    std::fs::write(&audit, edited).expect("edit the audit");
    let o = w.build_timed(&out);
    assert_eq!(
        o.status.code(),
        Some(0),
        "build failed:
{}",
        stderr(&o)
    );
    let log = stderr(&o);
    let (reused, files) = log
        .split_once(" files unchanged")
        .and_then(|(before, _)| before.rsplit_once('(')?.1.split_once(" of "))
        .map(|(r, f)| {
            (
                r.parse::<usize>().expect("a count"),
                f.parse::<usize>().expect("a count"),
            )
        })
        .unwrap_or_else(|| panic!("no count of unchanged files:\n{log}"));
    assert!(reused > files / 2, "{reused} of {files} taken unchanged");
    assert!(reused < files, "the edited audit's pages are written again");
    let fresh = w.build_ok("fresh");
    assert_same_files(
        &snapshot(&out),
        &snapshot(&fresh),
        "a rebuild and a fresh build",
    );
    assert!(debris(w.tmp()).is_empty(), "{:?}", debris(w.tmp()));
}

#[test]
fn pages_written_as_they_render_are_the_site_serve_keeps_in_memory() {
    let w = Workspace::new();
    let out = w.tmp().join("site");
    let o = w.build_timed(&out);
    assert_eq!(o.status.code(), Some(0), "build failed:\n{}", stderr(&o));
    let log = stderr(&o);
    assert!(
        log.contains("timings: load and check ")
            && log.contains(" files unchanged, linked from the previous site), swap in "),
        "{log}"
    );
    let mut on_disk = snapshot(&out);
    assert!(on_disk.remove(".auditbook-site").is_some(), "the marker");
    let Ok(built) = auditbook::build::build_site(&w.ws()) else {
        panic!("the in-memory build failed");
    };
    assert_same_files(
        &built.site.files,
        &on_disk,
        "the in-memory site and the written one",
    );
    assert!(debris(w.tmp()).is_empty(), "{:?}", debris(w.tmp()));
}

#[test]
fn failed_build_leaves_the_previous_site_untouched() {
    let w = Workspace::new();
    let out = w.build_ok("site");
    let before = snapshot(&out);
    // An answer to an item that does not exist: invalid input.
    w.write(
        "audits/2026-q2/tokyo.yaml",
        "checklist: quality-review\nversion: 2\nsubject: tokyo\ndate: 2026-06-25\nanswers:\n  chanels: always\n",
    );
    let o = w.build_into(&out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("chanels"), "{}", stderr(&o));
    assert_same_files(&before, &snapshot(&out), "the site after a failed build");
    assert_eq!(debris(w.tmp()), Vec::<String>::new());
}

#[test]
fn out_refuses_folders_it_did_not_write() {
    let w = Workspace::new();
    let site = w.build_ok("site");
    let foreign = w.tmp().join("mine");
    std::fs::create_dir_all(&foreign).expect("mkdir");
    std::fs::write(foreign.join("keep.txt"), "not auditbook's").expect("write");
    let ws = w.ws();
    let before = snapshot(w.tmp());
    let cases: Vec<(&str, PathBuf)> = vec![
        ("the workspace root", ws.clone()),
        ("the workspace root, spelled with ..", ws.join("audits/..")),
        ("an input folder", ws.join("checklists")),
        ("inside an input folder", ws.join("audits/2026-q2/site")),
        ("the templates input folder", ws.join("templates")),
        ("a parent of the workspace", w.tmp().to_path_buf()),
        ("a non-empty folder without the marker", foreign),
        ("a file", ws.join("auditbook.yaml")),
    ];
    for (what, out) in cases {
        let o = w.build_into(&out);
        let err = stderr(&o);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{what} ({}): {err}",
            out.display()
        );
        assert!(err.contains("refusing"), "{what}: no message: {err}");
        assert!(
            err.contains(&out.display().to_string()),
            "{what}: the message does not name the folder: {err}"
        );
        assert_same_files(&before, &snapshot(w.tmp()), what);
    }
    assert!(site.join("index.html").is_file());
}

#[test]
fn out_accepts_an_empty_folder_and_an_earlier_output() {
    let w = Workspace::new();
    let empty = w.tmp().join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let o = w.build_into(&empty);
    assert_eq!(o.status.code(), Some(0), "an empty folder: {}", stderr(&o));
    assert!(empty.join("index.html").is_file());
    assert!(empty.join(".auditbook-site").is_file());
    let first = snapshot(&empty);
    // An earlier output, with a stray file that the new build replaces.
    std::fs::write(empty.join("stale.html"), "old").expect("write");
    let o = w.build_into(&empty);
    assert_eq!(
        o.status.code(),
        Some(0),
        "an earlier output: {}",
        stderr(&o)
    );
    assert_same_files(&first, &snapshot(&empty), "the rebuilt output");
    // A folder inside the workspace that is not an input, e.g. the default `site`.
    let o = auditbook([OsStr::new("build"), w.ws().as_os_str()]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the default output: {}",
        stderr(&o)
    );
    assert!(w.ws().join("site/index.html").is_file());
}

// ----- templates -----------------------------------------------------------------------------

const CUSTOM_DASHBOARD: &str = r#"{% extends "base.html" %}
{% block content %}<h1 id="custom-dashboard">Custom dashboard for {{ page.lang }}</h1>{% endblock content %}
"#;

#[test]
fn a_template_override_replaces_the_builtin() {
    let w = Workspace::new();
    w.write("templates/dashboard.html", CUSTOM_DASHBOARD);
    let out = w.build_ok("site");
    let site = Site::load(&out);
    for lang in LANGS {
        let rel = format!("{}index.html", prefix(lang));
        let html = site.page(&rel);
        let h1: Vec<String> = html.select(&sel("h1")).map(text_of).collect();
        assert_eq!(h1, [format!("Custom dashboard for {lang}")], "{rel}");
        assert!(
            html.select(&sel(".hero")).next().is_none(),
            "{rel}: the built-in dashboard is still there"
        );
        // The other pages keep the built-in templates.
        let round = site.page(&format!("{}rounds/2026-q2/index.html", prefix(lang)));
        assert!(round.select(&sel("table.heatmap")).next().is_some());
    }
}

#[test]
fn a_broken_template_override_fails_and_names_it() {
    for (why, text) in [
        (
            "does not compile",
            "{% extends \"base.html\" %}{% block content %}{% if %}{% endblock content %}",
        ),
        (
            "fails to render",
            "{% extends \"base.html\" %}{% block content %}{{ data.no_such_field.deeper }}{% endblock content %}",
        ),
    ] {
        let w = Workspace::new();
        let out = w.build_ok("site");
        let before = snapshot(&out);
        w.write("templates/dashboard.html", text);
        let o = w.build_into(&out);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "a template that {why}: {err}");
        assert!(
            err.contains("dashboard.html"),
            "a template that {why}: the message does not name it: {err}"
        );
        assert_same_files(&before, &snapshot(&out), why);
    }
}

// ----- numbers, dates and language tags -------------------------------------------------------

#[test]
fn numbers_dates_and_tags_follow_the_page_language() {
    let w = Workspace::new();
    // Tags in any letter case are one language: `pt-br` pages are `pt-BR/`, and the
    // `PT-BR` title is theirs; a `de-CH` page shows the `de` title before the default's.
    let config = std::fs::read_to_string(w.ws().join("auditbook.yaml")).expect("the config");
    let config = config
        .replace(
            "languages: [hr, en, ar, ja]",
            "languages: [hr, en, ar, ja, pt-br, de-CH]",
        )
        .replacen(
            "  ja: サービス品質監査\n",
            "  ja: サービス品質監査\n  PT-BR: Auditorias de qualidade\n  de: Qualitätsprüfungen\n",
            1,
        );
    w.write("auditbook.yaml", &config);
    let site = Site::load(&w.build_ok("site"));

    let pt = site.page("pt-BR/index.html");
    let html = pt.select(&sel("html")).next().expect("<html>");
    assert_eq!(html.value().attr("lang"), Some("pt-BR"));
    assert!(body_text(pt).contains("Auditorias de qualidade"));
    let de = site.page("de-CH/index.html");
    let brand = de
        .select(&sel(".brand span"))
        .next()
        .expect("the site title");
    assert_eq!(text_of(brand), "Qualitätsprüfungen");
    assert_eq!(brand.value().attr("lang"), Some("de"));

    // The gauge prints the score and target as the page's table does, with a decimal comma.
    let audit = site.page("rounds/2026-q2/zagreb/index.html");
    let score = audit.select(&sel("dd strong")).next().map(text_of);
    let gauge = audit.select(&sel(".gauge-score")).next().map(text_of);
    assert!(
        score.as_deref().is_some_and(|s| s.contains(',')),
        "{score:?}"
    );
    assert_eq!(gauge, score);
    let tips: Vec<String> = audit.select(&sel("svg g > title")).map(text_of).collect();
    assert!(
        tips.iter().any(|t| t.starts_with("◎ ") && t.contains(',')),
        "{tips:?}"
    );

    // Dates read in Croatian; `datetime` and the data files keep ISO.
    let round = site.page("rounds/2026-q2/index.html");
    let time = round.select(&sel("time")).next().expect("the round's date");
    assert_eq!(time.value().attr("datetime"), Some("2026-06-30"));
    assert_eq!(text_of(time), "30. lipnja 2026.");
    let versions = std::fs::read_to_string(site.dir.join("versions.json")).expect("versions");
    assert!(versions.contains("\"2026-06-30\""), "{versions}");

    // Percentages as each language writes them: `100 %` in Croatian, `100%` in Japanese.
    // (Raw text: `text_of` would fold the no-break space into a plain one.)
    let percent = |rel: &str| {
        site.page(rel)
            .select(&sel("dd"))
            .map(|dd| dd.text().collect::<String>())
            .find(|t| t.trim_end().ends_with('%'))
            .unwrap_or_else(|| panic!("no percentage in {rel}"))
    };
    let hr = percent("rounds/2026-q2/zagreb/index.html");
    assert!(hr.ends_with("\u{a0}%") && !hr.contains(" %"), "{hr:?}");
    let ja = percent("ja/rounds/2026-q2/zagreb/index.html");
    let digit_then_sign = ja
        .strip_suffix('%')
        .is_some_and(|n| n.ends_with(|c: char| c.is_ascii_digit()));
    assert!(digit_then_sign, "{ja:?}");

    // Chart axes and tooltips name snapshot dates in Croatian too, not as ISO digits.
    let metrics = site.page("metrics/index.html");
    let axis: Vec<String> = metrics.select(&sel("svg .x-label")).map(text_of).collect();
    assert!(!axis.is_empty(), "no x-axis labels");
    assert!(
        axis.iter()
            .all(|t| t.ends_with("2026.") || t.ends_with("2025.")),
        "{axis:?}"
    );
    let tips: Vec<String> = metrics.select(&sel("svg g > title")).map(text_of).collect();
    assert!(tips.iter().any(|t| t.contains(" lip 2026.: ")), "{tips:?}");
    assert!(
        !tips
            .iter()
            .any(|t| t.contains("2026-") || t.contains("2025-")),
        "{tips:?}"
    );
}

// ----- overdue actions ----------------------------------------------------------------------

/// An action is overdue when it is due before the newest round's date and its audit is the
/// latest of its series; a later audit of the series supersedes it. The pages mark and
/// `check` warns about the same actions.
#[test]
fn pages_and_check_agree_on_overdue_actions() {
    let w = Workspace::new();
    // The latest tokyo audit (the newest round is dated 2026-06-30) gets an action past due.
    // 2025-q4/zagreb's action, due 2026-03-01, is past due too, but later zagreb audits
    // supersede it.
    let tokyo = std::fs::read_to_string(w.ws().join("audits/2026-q2/tokyo.yaml"))
        .expect("read the tokyo audit")
        .replace(
            "  training: never",
            "  training: {score: never, action: {text: Plan training, owner: Sato, due: 2026-05-01}}",
        );
    w.write("audits/2026-q2/tokyo.yaml", &tokyo);
    let site = Site::load(&w.build_ok("site"));
    let overdue = sel(".badge-overdue");
    let marked = |rel: &str| site.page(rel).select(&overdue).count();
    for page in ["index.html", "gaps/index.html", "report.html"] {
        assert_eq!(
            marked(&format!("rounds/2025-q4/zagreb/{page}")),
            0,
            "superseded zagreb {page}"
        );
        assert_eq!(
            marked(&format!("rounds/2026-q1/tokyo/{page}")),
            0,
            "superseded tokyo {page}"
        );
        assert!(
            marked(&format!("rounds/2026-q2/tokyo/{page}")) > 0,
            "latest tokyo {page}"
        );
    }

    let o = auditbook([
        OsStr::new("check"),
        w.ws().as_os_str(),
        OsStr::new("--format"),
        OsStr::new("json"),
    ]);
    let diags: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("check --format json: {e}\n{}", stderr(&o)));
    let warned: Vec<&str> = diags
        .as_array()
        .expect("an array of diagnostics")
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("overdue action"))
        })
        .map(|d| d["file"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].ends_with("audits/2026-q2/tokyo.yaml"),
        "{warned:?}"
    );
}
