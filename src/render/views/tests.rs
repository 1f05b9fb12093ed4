//! Pages rendered from small workspaces written for each test.

use crate::site::Site;

/// Writes `files` (path, text) into a temporary workspace and renders its site in memory.
fn site_of(files: &[(&str, &str)]) -> Site {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("a folder");
        std::fs::write(path, text).expect("a workspace file");
    }
    let p = match crate::build::prepare(dir.path()) {
        Ok(p) => p,
        Err(crate::build::Failure::Invalid { diags, .. }) => {
            let messages: Vec<String> = diags.iter().map(|d| d.message.clone()).collect();
            panic!("the workspace is invalid: {messages:?}")
        }
        Err(_) => panic!("the workspace cannot be read"),
    };
    crate::render::render(&p.model, &p.results, &p.templates).expect("it renders")
}

fn page(site: &Site, path: &str) -> String {
    let bytes = site.files.get(path).unwrap_or_else(|| panic!("no {path}"));
    String::from_utf8(bytes.clone()).expect("UTF-8")
}

/// The text of the element that starts at the first `start` after `from`, up to `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let Some(at) = html.find(start) else {
        panic!("no {start} in the page");
    };
    let rest = &html[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

const CONFIG: &str = "title: Audits\nlanguages: [en]\n";

const SAME_TITLES: &str = "\
id: twins
version: 1
title: Twins
sections:
  - id: s
    title: S
    items:
      - id: first
        title: Same title
      - id: second
        title: Same title
";

#[test]
fn gap_actions_are_matched_to_items_by_id() {
    let site = site_of(&[
        ("auditbook.yaml", CONFIG),
        ("checklists/twins.yaml", SAME_TITLES),
        (
            "audits/2026-q3/eu.yaml",
            "checklist: twins\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  \
             first: {score: 1, action: Fix the first one}\n  \
             second: {score: 1, action: Fix the second one}\n",
        ),
    ]);
    let gaps = page(&site, "rounds/2026-q3/eu/gaps/index.html");
    // Each action shows as often as the other: in its gap's row and in the list of actions.
    let (first, second) = (
        gaps.matches("Fix the first one").count(),
        gaps.matches("Fix the second one").count(),
    );
    assert!(first > 0 && first == second, "{first} vs {second}: {gaps}");
}

#[test]
fn the_search_index_decodes_entities_once() {
    let site = site_of(&[
        ("auditbook.yaml", CONFIG),
        ("checklists/twins.yaml", SAME_TITLES),
        (
            "audits/2026-q3/eu.yaml",
            "checklist: twins\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  \
             first: {score: 3, note: 'Write `&lt;` and &amp;amp; for <'}\n",
        ),
    ]);
    let index: serde_json::Value =
        serde_json::from_slice(&site.files["data/search/en.json"]).expect("JSON");
    let texts: Vec<&str> = (index.as_array().expect("an array").iter())
        .filter_map(|e| e["text"].as_str())
        .collect();
    assert!(texts.contains(&"Write &lt; and &amp; for <"), "{texts:?}");
}

#[test]
fn control_characters_are_dropped_and_bidi_overrides_isolated() {
    // NUL, ESC, DEL and RIGHT-TO-LEFT OVERRIDE, as YAML escapes.
    let hostile = r#""A\0B\e[31mC\x7fD\u202Ereversed""#;
    let checklist = format!(
        "id: twins\nversion: 1\ntitle: {t}\nsections:\n  - id: s\n    title: S\n    items:\n      \
         - id: first\n        title: {t}\n        why: {t}\n",
        t = hostile,
    );
    let site = site_of(&[
        ("auditbook.yaml", CONFIG),
        ("checklists/twins.yaml", &checklist),
        (
            "audits/2026-q3/eu.yaml",
            &format!(
                "checklist: twins\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  \
                 first: {{score: 1, note: {t}}}\nauditors: [{t}]\n",
                t = hostile
            ),
        ),
    ]);
    // Pages, badges, feeds and the search index; the other data files keep the data as
    // written (JSON escapes control characters).
    let shown = |p: &str| !p.starts_with("data/") || p.starts_with("data/search/");
    for (path, bytes) in site.files.iter().filter(|(p, _)| shown(p)) {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(['\u{0}', '\u{1b}', '\u{7f}']),
            "{path} keeps a control character"
        );
    }
    // The override is closed where its text ends, wherever the text is printed.
    let audit = page(&site, "rounds/2026-q3/eu/index.html");
    assert!(!audit.contains("\u{202e}reversed<"), "{audit}");
    assert!(audit.contains("\u{202e}reversed\u{202c}"), "{audit}");
    // Titles that may run the other way are isolated in an element with `dir`.
    let checklist = page(&site, "checklists/twins/index.html");
    let h1 = between(&checklist, "<h1", "</h1>");
    assert!(h1.contains("dir=\"auto\""), "{h1}");
    let index: serde_json::Value =
        serde_json::from_slice(&site.files["data/search/en.json"]).expect("JSON");
    for e in index.as_array().expect("an array") {
        let all = format!("{}{}", e["title"], e["text"]);
        assert!(
            !all.contains("\\u0000") && !all.contains("\\u001b"),
            "{all}"
        );
    }
}

#[test]
fn a_retitle_shows_only_in_the_languages_whose_title_changed() {
    let version = |v: u32, hr: &str| {
        format!(
            "id: cl\nversion: {v}\ntitle: {{en: List, hr: Popis}}\nsections:\n  - id: s\n    \
             title: {{en: S, hr: S}}\n    items:\n      - id: a\n        \
             title: {{en: Answer calls, hr: {hr}}}\n"
        )
    };
    let site = site_of(&[
        ("auditbook.yaml", "title: Audits\nlanguages: [en, hr]\n"),
        ("checklists/archive/cl.v1.yaml", &version(1, "Javljati se")),
        ("checklists/cl.yaml", &version(2, "Odgovarati na pozive")),
    ]);
    let retitled = |path: &str| {
        let html = page(&site, path);
        html.contains("<del>")
    };
    assert!(
        !retitled("checklists/cl/index.html"),
        "en: no title changed"
    );
    assert!(
        retitled("hr/checklists/cl/index.html"),
        "hr: the title changed"
    );
}

#[test]
fn the_checklist_page_lists_the_texts_missing_per_language() {
    let site = site_of(&[
        ("auditbook.yaml", "title: Audits\nlanguages: [en, hr]\n"),
        (
            "checklists/cl.yaml",
            "id: cl\nversion: 1\ntitle: {en: List, hr: Popis}\nsections:\n  - id: s\n    \
             title: {en: S, hr: S}\n    items:\n      - id: a\n        title: Answer calls\n        \
             why: {en: Because, hr: Zato}\n",
        ),
    ]);
    let html = page(&site, "checklists/cl/index.html");
    let details = between(&html, "<details class=\"missing-texts\"", "</details>");
    assert!(details.contains("<code>s.a.title</code>"), "{details}");
    assert!(!details.contains("s.a.why"), "{details}");
    assert_eq!(html.matches("<details class=\"missing-texts\"").count(), 1);
}

const METRICS: &str = "title: Audits\nlanguages: [en]\n";

fn snapshot(taken: &str, subject: Option<&str>, good: u32, email: &str) -> String {
    let subject = subject.map_or(String::new(), |s| format!("subject: {s}\n"));
    format!(
        "taken: {taken}\n{subject}values:\n  sla-compliance:\n    value: {{good: {good}, total: 100}}\n    \
         by:\n      channel: {{email: {email}, chat: 90}}\n"
    )
}

#[test]
fn breakdowns_of_every_snapshot_show_newest_first_and_organisation_counts_stay() {
    let site = site_of(&[
        ("auditbook.yaml", METRICS),
        (
            "metrics/2026-01-org.yaml",
            &snapshot("2026-01-31", None, 80, "41.5"),
        ),
        (
            "metrics/2026-02-org.yaml",
            &snapshot("2026-02-28", None, 85, "42.5"),
        ),
        (
            "metrics/2026-02-eu.yaml",
            &snapshot("2026-02-28", Some("eu"), 60, "43.5"),
        ),
    ]);
    let html = page(&site, "metrics/index.html");
    let breakdowns = between(&html, "class=\"breakdowns\"", "</section>");
    let at = |s: &str| {
        breakdowns
            .find(s)
            .unwrap_or_else(|| panic!("no {s}: {breakdowns}"))
    };
    // Every snapshot's breakdown, newest first, the organisation before teams on a date.
    assert!(
        at("42.5") < at("43.5") && at("43.5") < at("41.5"),
        "{breakdowns}"
    );
    assert!(breakdowns.contains("2026-01-31"), "{breakdowns}");
    // The organisation's counts beside the teams'.
    let counts = between(&html, "id=\"counts-sla-compliance", "</section>");
    assert!(counts.contains("(Whole organisation)"), "{counts}");
    assert!(counts.contains("(All teams)"), "{counts}");
}

#[test]
fn chart_tooltips_badges_and_feeds_follow_the_language_s_colon() {
    let site = site_of(&[
        (
            "auditbook.yaml",
            "title: Audits\nlanguages: [fr]\nbase_url: https://audits.example.org/\n",
        ),
        ("checklists/twins.yaml", SAME_TITLES),
        (
            "audits/2026-q3/eu.yaml",
            "checklist: twins\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  first: 2\n",
        ),
    ]);
    // French puts a no-break space before a colon.
    let audit = page(&site, "rounds/2026-q3/eu/index.html");
    let tip = between(&audit, "<g class=\"bar-row\"><title>", "</title>");
    assert!(tip.contains("S\u{a0}: "), "{tip}");
    let item = page(&site, "checklists/twins/items/first/index.html");
    assert!(item.contains("<title>2026-q3\u{a0}: "), "{item}");
    let badge = page(&site, "badges/twins/eu.svg");
    assert!(badge.contains("<title>Twins\u{a0}: "), "{badge}");
    let feed = page(&site, "feed.xml");
    assert!(feed.contains("eu\u{a0}: "), "{feed}");
}

/// A workspace of `teams` audits of one item, levels 1 to 4 in turn, and a snapshot of the
/// whole organisation and of each team.
fn teams(count: usize) -> Vec<(String, String)> {
    let mut files = vec![
        ("auditbook.yaml".to_string(), CONFIG.to_string()),
        ("checklists/twins.yaml".to_string(), SAME_TITLES.to_string()),
        (
            "metrics/org.yaml".to_string(),
            snapshot("2026-09-30", None, 80, "40"),
        ),
    ];
    for k in 1..=count {
        let level = k % 4 + 1;
        files.push((
            format!("audits/2026-q3/t{k}.yaml"),
            format!(
                "checklist: twins\nversion: 1\nsubject: t{k}\ndate: 2026-09-30\n\
                 answers:\n  first: {level}\n"
            ),
        ));
        let good = 45 + 5 * k as u32;
        let team = format!("t{k}");
        files.push((
            format!("metrics/t{k}.yaml"),
            snapshot("2026-09-30", Some(&team), good, "40"),
        ));
    }
    files
}

fn site_of_owned(files: &[(String, String)]) -> Site {
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (&p[..], &t[..])).collect();
    site_of(&files)
}

#[test]
fn trend_charts_of_many_teams_draw_their_spread_and_tables_every_team() {
    // The item's page and its chart, and the metric's chart, of a workspace of `count` teams.
    let pages = |count: usize| {
        let site = site_of_owned(&teams(count));
        let item = page(&site, "checklists/twins/items/first/index.html");
        let metrics = page(&site, "metrics/index.html");
        let chart = |html: &str| between(html, "<svg", "</svg>").to_string();
        (chart(&item), item, chart(&metrics))
    };

    let (chart, item, metric) = pages(9);
    // Levels 2 3 4 1 2 3 4 1 2: the lowest, the fifth of nine and the highest.
    for tip in [
        "Lowest · 2026-q3: 1",
        "Median · 2026-q3: 2",
        "Highest · 2026-q3: 4",
    ] {
        assert!(chart.contains(&format!("<title>{tip}")), "{tip}: {chart}");
    }
    assert!(chart.contains("the table has every team"), "{chart}");
    let table = between(&item, "<table", "</table>");
    for k in 1..=9 {
        assert!(table.contains(&format!(">t{k}</th>")), "t{k}: {table}");
    }
    // The metric keeps the whole organisation's line beside the teams' spread: 50 to 90 %.
    for tip in [
        "Whole organisation · ",
        "Lowest · ",
        "Median · ",
        "Highest · ",
    ] {
        assert!(metric.contains(&format!("<title>{tip}")), "{tip}: {metric}");
    }
    for value in [": 50.0%", ": 70.0%", ": 90.0%", ": 80.0%"] {
        assert!(metric.contains(value), "{value}: {metric}");
    }
    for svg in [&chart, &metric] {
        assert!(!svg.contains("t1 ·"), "{svg}");
    }

    // Eight series fit: the item's seven teams, and the metric's seven beside the whole
    // organisation, one line each.
    let (chart, _, metric) = pages(7);
    assert!(chart.contains("<title>t7 · 2026-q3: 4"), "{chart}");
    assert!(metric.contains("<title>t7 · "), "{metric}");
    for svg in [&chart, &metric] {
        assert!(!svg.contains("Median"), "{svg}");
    }
}

#[test]
fn a_status_s_html_is_what_the_template_made_of_its_fields() {
    use crate::render::format::{assert_html_is_the_component, sample_texts};
    // The `status` component as it was written before `html`, with the `txt` component in it.
    let txt = "{% if v.label.lang %}<span lang=\"{{ v.label.lang }}\"{% if v.label.dir %} \
                 dir=\"{{ v.label.dir }}\"{% endif %}>{{ v.label.text }}</span>{% else %}\
                 {{ v.label.text }}{% endif %}";
    let component = format!(
        "<span class=\"status status-{{{{ v.class }}}}\"><span class=\"glyph\" \
         aria-hidden=\"true\">{{{{ v.glyph }}}}</span> {txt}</span>"
    );
    for (label, (class, glyph)) in sample_texts().into_iter().zip(
        [("met", "✓"), ("at-risk", "!"), ("below", "✗")]
            .iter()
            .cycle(),
    ) {
        let v = super::StatusView {
            class,
            glyph,
            label,
        };
        assert_html_is_the_component(&component, "v.html", &v);
        // The label keeps its own markup, for a workspace's `txt` component.
        assert_html_is_the_component(txt, "v.label.html", &v);
    }
}
