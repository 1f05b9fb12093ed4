//! Public builds (docs/public.md): `build --public` leaves notes, evidence, owners, auditors,
//! agent breakdowns and ticket links out of every file of the site, and `public: {hide: …}`
//! in auditbook.yaml replaces what it leaves out.
//!
//! The hostile workspace below fills every hidden field with a marker that starts with
//! `LEAK-`, in two languages, in Markdown, in links and in a ticket export; nothing else in
//! it says "leak". The internal site must show every marker (or the test would prove
//! nothing), and no file of the public site may hold `leak-` in any case, written plainly,
//! HTML-escaped, URL-encoded or JSON-escaped, in its text or its path.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::Path;

use crate::support::{self, Workspace, run};

const CONFIG: &str = "title: Public audits
languages: [en, hr]
base_url: https://audits.example.com/
";

const CHECKLIST: &str = "id: service
version: 1
title: {en: Service audit, hr: Revizija usluge}
sections:
  - id: evaluate
    title: {en: Evaluate, hr: Procjena}
    items:
      - {id: assess-quality, title: {en: Assess quality, hr: Procjena kvalitete}, metrics: [csat]}
      - {id: compare-goals, title: {en: Compare goals, hr: Usporedba ciljeva}}
      - {id: language-variations, title: {en: Language variations, hr: Jezične varijante}}
";

/// An audit of the first round: hidden values in answers, Markdown, links and two languages.
const AUDIT_Q1: &str = "checklist: service
version: 1
subject: eu
subject_title: {en: EU support, hr: EU podrška}
date: 2026-03-31
auditors: [LEAK-auditor-q1]
answers:
  assess-quality:
    score: 1
    note: {en: 'LEAK-note-q1 *was* weak', hr: 'LEAK-note-q1-hr bilo je slabo'}
    evidence: ['https://evidence.example.com/LEAK-evidence-q1']
  compare-goals: {score: 2, action: {text: Write goals, owner: LEAK-owner-q1, due: 2026-05-01}}
";

const AUDIT_Q2: &str = "checklist: service
version: 1
subject: eu
subject_title: {en: EU support, hr: EU podrška}
date: 2026-06-30
auditors: [LEAK-auditor-1, \"LEAK-auditor-2 <O'Brien & Søn>\"]
summary: {en: The round went well., hr: Krug je prošao dobro.}
answers:
  assess-quality:
    score: 2
    note:
      en: |
        **LEAK-note-en** with [a link](https://example.com/LEAK-note-link?a=1&b=2)
        and `LEAK-note-code`.
      hr: 'LEAK-note-hr čćžš đ'
    evidence:
      - 'https://evidence.example.com/LEAK-evidence-url?q=a&r=\"b\"'
      - 'LEAK-evidence-text Ünïcødé & <b>bold</b>'
    action:
      text: {en: Measure quality weekly, hr: Mjeriti kvalitetu tjedno}
      owner: \"LEAK-owner-1 & Co <ops@example.com>\"
      due: 2026-08-15
  compare-goals:
    score: 3
    note: LEAK-note-plain
    action: {text: Compare goals, owner: LEAK-owner-2, due: 2026-01-15}
  language-variations: {score: na, note: 'LEAK-note-na Только один рынок'}
";

/// A written snapshot: a note on a value and a breakdown by agent beside one by channel.
const SNAPSHOT: &str = "taken: 2026-06-30
subject: eu
values:
  csat:
    value: 86.4
    note: {en: 'LEAK-metric-note', hr: 'LEAK-metric-note-hr'}
    by:
      agent: {LEAK-agent-written: 80, other-agent: 90}
      channel: {email: 85, chat: 88}
  first-response-time: 2h
";

/// An accepted gap, owned by a marker.
const EXEMPTION: &str = "checklist: service
item: compare-goals
subject: eu
reason: {en: Goals wait for the new plan, hr: Ciljevi čekaju novi plan}
owner: LEAK-owner-exemption
approved: 2026-06-01
until: 2026-12-31
";

/// A ticket export whose agents and ticket ids are markers, with links to single tickets.
const SOURCE: &str = "files: [exports/*.csv]
timezone: Europe/Zagreb
columns:
  id: Ticket
  created: Created
  first-response: First reply
  resolved: Solved
  channel: Channel
  agent: Assignee
  rating: Rating
subjects:
  column: channel
  map: {email: eu}
sla:
  first-response: 1h
period: month
ticket-url: 'https://LEAK-desk.example.com/tickets/{id}'
";

const EXPORT: &str = "Ticket,Created,First reply,Solved,Channel,Assignee,Rating
LEAK-ticket-1,2026-05-04 09:00,2026-05-05 09:00,2026-05-06 09:00,email,LEAK-agent-ticket,1
LEAK-ticket-2,2026-05-04 10:00,2026-05-04 10:10,2026-05-04 11:00,email,LEAK-agent-other,2
LEAK-ticket-3,2026-05-05 10:00,,,email,LEAK-agent-ticket,
";

/// Markers that only pages about ticket sources can show: ticket ids, and the address links
/// to tickets are made from.
const TICKET_MARKERS: [&str; 4] = [
    "leak-ticket-1",
    "leak-ticket-2",
    "leak-ticket-3",
    "leak-desk.example.com",
];

/// Every marker of the workspace, lowercase, by what hides it.
const MARKERS: [(&str, &[&str]); 5] = [
    (
        "notes",
        &[
            "leak-note-q1",
            "leak-note-q1-hr",
            "leak-note-en",
            "leak-note-link",
            "leak-note-code",
            "leak-note-hr",
            "leak-note-plain",
            "leak-note-na",
            "leak-metric-note",
            "leak-metric-note-hr",
        ],
    ),
    (
        "evidence",
        &[
            "leak-evidence-q1",
            "leak-evidence-url",
            "leak-evidence-text",
        ],
    ),
    (
        "owners",
        &[
            "leak-owner-q1",
            "leak-owner-1",
            "leak-owner-2",
            "leak-owner-exemption",
        ],
    ),
    (
        "auditors",
        &["leak-auditor-q1", "leak-auditor-1", "leak-auditor-2"],
    ),
    (
        "agents",
        &[
            "leak-agent-written",
            "leak-agent-ticket",
            "leak-agent-other",
        ],
    ),
];

/// Hidden values with characters that escaping changes, as written.
const ESCAPED_VALUES: [&str; 4] = [
    "LEAK-auditor-2 <O'Brien & Søn>",
    "LEAK-owner-1 & Co <ops@example.com>",
    "LEAK-evidence-text Ünïcødé & <b>bold</b>",
    "LEAK-note-hr čćžš đ",
];

fn hostile(config: &str) -> Workspace {
    Workspace::new()
        .file("auditbook.yaml", config)
        .file("checklists/service.yaml", CHECKLIST)
        .file("audits/2026-q1/eu.yaml", AUDIT_Q1)
        .file("audits/2026-q2/eu.yaml", AUDIT_Q2)
        .file("metrics/2026-06-eu.yaml", SNAPSHOT)
        .file("exemptions/goals.yaml", EXEMPTION)
        .file("sources/desk.yaml", SOURCE)
        .file("exports/2026-05.csv", EXPORT)
}

/// `auditbook build <ws> --out <out> [extra]`, which must succeed.
fn build(ws: &Workspace, out: &Path, extra: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut args = vec![
        OsStr::new("build"),
        ws.path().as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
    ];
    args.extend(extra.iter().map(OsStr::new));
    ws.run(args).success();
    run::snapshot(out)
}

/// A built site's files, as the searches below read them.
struct Texts {
    /// Every file's path and text, lowercase, with the ways a file may write `-` (the one
    /// character of the markers that any output escapes) turned back into `-`.
    files: Vec<(String, String)>,
    /// All of them, paths and texts, one after another: one search finds whether any has
    /// a value.
    all: String,
}

impl Texts {
    fn new(site: &BTreeMap<String, Vec<u8>>) -> Texts {
        let files: Vec<(String, String)> = site
            .iter()
            .map(|(path, bytes)| {
                let mut text = String::from_utf8_lossy(bytes).to_lowercase();
                for dash in ["%2d", "&#45;", "&#x2d;", "\\u002d", "&hyphen;", "&dash;"] {
                    text = text.replace(dash, "-");
                }
                (path.to_lowercase(), text)
            })
            .collect();
        let mut all = String::new();
        for (path, text) in &files {
            for part in [path, text] {
                all.push_str(part);
                all.push('\0');
            }
        }
        Texts { files, all }
    }

    fn has(&self, needle: &str) -> bool {
        self.all.contains(needle)
    }

    /// Which of `needles` the site holds, in paths or texts: one pass over all of it.
    fn found(&self, needles: &[String]) -> Vec<bool> {
        let automaton = aho_corasick::AhoCorasick::new(needles).expect("an automaton");
        let mut seen = vec![false; needles.len()];
        for m in automaton.find_overlapping_iter(&self.all) {
            seen[m.pattern().as_usize()] = true;
        }
        seen
    }

    /// The files whose path or text holds `needle`.
    fn holders(&self, needle: &str) -> Vec<&str> {
        (self.files.iter())
            .filter(|(path, text)| path.contains(needle) || text.contains(needle))
            .map(|(path, _)| path.as_str())
            .collect()
    }

    /// Fails the test if any file holds `needle`, naming them.
    #[track_caller]
    fn lacks(&self, needle: &str, what: &str) {
        if self.has(needle) {
            panic!("{what} {needle:?} is in {:?}", self.holders(needle));
        }
    }

    fn page(&self, rel: &str) -> &str {
        (self.files.iter().find(|(p, _)| p == rel))
            .map(|(_, t)| t.as_str())
            .unwrap_or_else(|| panic!("no {rel}"))
    }
}

/// `value` as a page, a URL or a JSON string may write it.
fn encodings(value: &str) -> Vec<String> {
    let html = value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let (html_dec, html_hex) = (html.replace('\'', "&#39;"), html.replace('\'', "&#x27;"));
    let mut url = String::new();
    let mut url_plus = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            url.push(char::from(b));
            url_plus.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
            if b == b' ' {
                url_plus.push('+');
            } else {
                url_plus.push_str(&format!("%{b:02X}"));
            }
        }
    }
    let json_ascii: String = value
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                let mut units = [0u16; 2];
                (c.encode_utf16(&mut units).iter())
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect();
    let json = serde_json::to_string(value).expect("a JSON string");
    let json = json.trim_matches('"').to_string();
    [
        value.to_string(),
        html_dec,
        html_hex,
        url,
        url_plus,
        json,
        json_ascii,
    ]
    .into_iter()
    .map(|s| s.to_lowercase())
    .collect()
}

#[test]
fn a_public_site_holds_no_hidden_value_in_any_file() {
    let ws = hostile(CONFIG);
    let internal = Texts::new(&build(&ws, &ws.dir().join("internal"), &[]));
    let public = Texts::new(&build(&ws, &ws.dir().join("public"), &["--public"]));

    // The internal site shows every marker, so their absence below means something.
    for (kind, markers) in MARKERS {
        for m in markers {
            assert!(
                internal.has(m),
                "the internal site never shows {m} ({kind})"
            );
        }
    }
    // Ticket ids and links appear only on the pages of ticket sources.
    if (internal.files.iter()).any(|(p, _)| p.starts_with("metrics/sources/")) {
        for m in TICKET_MARKERS {
            assert!(
                internal.has(m),
                "the internal site never shows {m} (tickets)"
            );
        }
    }
    for value in ESCAPED_VALUES {
        let forms = encodings(value);
        assert!(
            forms.iter().any(|f| internal.has(f)),
            "the internal site never shows {value:?} in any form"
        );
        for form in &forms {
            public.lacks(form, "the hidden value");
        }
    }

    // No file of the public site holds any marker, in any form.
    public.lacks("leak-", "a marker");
    for (_, markers) in MARKERS {
        for m in markers {
            public.lacks(m, "the marker");
        }
    }
    // Everything else is still there: the site has the same pages and data files.
    let paths = |t: &Texts| -> Vec<String> { t.files.iter().map(|(p, _)| p.clone()).collect() };
    assert_eq!(
        paths(&internal),
        paths(&public),
        "the public site has the internal site's files"
    );
    let audit = public.page("rounds/2026-q2/eu/index.html");
    for kept in [
        "the round went well.",
        "measure quality weekly",
        "2026-08-15",
    ] {
        assert!(audit.contains(kept), "the public audit page lacks {kept:?}");
    }
    let metrics = public.page("metrics/index.html");
    assert!(
        metrics.contains("email") && metrics.contains("chat"),
        "breakdowns other than by agent stay"
    );
}

#[test]
fn hidden_things_leave_no_empty_headings_or_columns() {
    let ws = hostile(CONFIG);
    let public = build(&ws, &ws.dir().join("public"), &["--public"]);
    let internal = build(&ws, &ws.dir().join("internal"), &[]);
    let text = |site: &BTreeMap<String, Vec<u8>>, rel: &str| {
        String::from_utf8(site.get(rel).unwrap_or_else(|| panic!("no {rel}")).clone())
            .expect("UTF-8")
    };
    let heading = |t: &str| format!("<th scope=\"col\">{t}</th>");
    for (site, has) in [(&internal, true), (&public, false)] {
        let gaps = text(site, "rounds/2026-q2/eu/gaps/index.html");
        let report = text(site, "rounds/2026-q2/eu/report.html");
        let audit = text(site, "rounds/2026-q2/eu/index.html");
        let metrics = text(site, "metrics/index.html");
        let item = text(site, "checklists/service/items/assess-quality/index.html");
        let source = text(site, "metrics/sources/desk/index.html");
        assert_eq!(item.contains("id=\"notes\""), has, "notes, item page");
        let exemptions = text(site, "exemptions/index.html");
        assert_eq!(
            exemptions.contains("Owner: "),
            has,
            "owner, exemptions page"
        );
        let exempt_item = text(site, "checklists/service/items/compare-goals/index.html");
        assert_eq!(
            exempt_item.contains("Owner: "),
            has,
            "exemption owner, item page"
        );
        assert_eq!(source.contains("id=\"agents\""), has, "agents, source page");
        assert_eq!(
            source.contains("id=\"tickets\""),
            has,
            "tickets, source page"
        );
        assert_eq!(gaps.contains(&heading("Owner")), has, "owner column, gaps");
        assert_eq!(
            report.contains(&heading("Owner")),
            has,
            "owner column, report"
        );
        assert_eq!(
            report.contains(&heading("Note")),
            has,
            "note column, report"
        );
        assert_eq!(audit.contains("Auditors"), has, "auditors, audit page");
        assert_eq!(audit.contains("Evidence"), has, "evidence, audit page");
        assert_eq!(report.contains("Auditors"), has, "auditors, report");
        assert_eq!(
            metrics.contains("<summary>Note ("),
            has,
            "notes, metrics page"
        );
        // The due date of an action stays without its owner.
        assert!(gaps.contains("datetime=\"2026-08-15\""), "due date, gaps");
        // Pages and the report say which edition they are.
        assert_eq!(audit.contains("Public edition · Built with"), !has);
        assert_eq!(report.contains("Public edition · Built with"), !has);
        let hr = text(site, "hr/rounds/2026-q2/eu/index.html");
        assert_eq!(hr.contains("Javno izdanje"), !has);
    }
}

#[test]
fn hide_replaces_the_default_and_hides_only_what_it_lists() {
    // Each kind alone: `hide: [notes]`, `hide: [evidence]`, …
    for (hidden, _) in MARKERS {
        let ws = hostile(&format!("{CONFIG}public: {{hide: [{hidden}]}}\n"));
        let public = Texts::new(&build(&ws, &ws.dir().join("public"), &["--public"]));
        for (kind, markers) in MARKERS {
            for m in markers {
                if kind == hidden {
                    public.lacks(m, &format!("with hide: [{hidden}], the marker"));
                } else {
                    assert!(public.has(m), "hide: [{hidden}] hides {m} ({kind})");
                }
            }
        }
    }

    // `hide: []` hides nothing: the public site is the internal one.
    let ws = hostile(&format!("{CONFIG}public: {{hide: []}}\n"));
    let public = build(&ws, &ws.dir().join("public"), &["--public"]);
    let internal = build(&ws, &ws.dir().join("internal"), &[]);
    run::assert_same_files(&internal, &public, "hide: [] and the internal site");
}

#[test]
fn a_build_says_what_it_left_out() {
    let ws = hostile(&format!("{CONFIG}public: {{hide: [owners, agents]}}\n"));
    let out = ws.dir().join("public");
    let run = ws.run([
        OsStr::new("build"),
        ws.path().as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--public"),
    ]);
    run.success();
    assert!(
        run.stderr.contains("; public: left out owners, agents\n"),
        "{}",
        run.stderr
    );
}

/// The diagnostics of a bad `public:` are in tests/fixtures/invalid/public-hide; a public
/// build of it stops too, rather than hide less than asked.
#[test]
fn a_public_build_with_a_bad_hide_list_stops() {
    let ws = Workspace::fixture("invalid/public-hide");
    let out = ws.dir().join("public");
    let run = ws.run([
        OsStr::new("build"),
        ws.path().as_os_str(),
        OsStr::new("--out"),
        out.as_os_str(),
        OsStr::new("--public"),
    ]);
    run.failure(1);
    assert!(
        run.stderr.contains("did you mean 'owners'?"),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
}

/// The bundled demo: every auditor, owner, evidence entry, agent and note of its model is
/// on the internal site and on no file of the public one.
#[test]
fn the_demo_s_public_site_leaves_out_every_hidden_value() {
    let root = support::root();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let (internal, public) = (dir.path().join("internal"), dir.path().join("public"));
    run::build_ok(root, &internal);
    let o = support::output(
        support::command()
            .arg("build")
            .arg(root)
            .arg("--out")
            .arg(&public)
            .arg("--public"),
    );
    assert!(o.status.success(), "{}", run::stderr(&o));
    let internal = Texts::new(&run::snapshot(&internal));
    let public = Texts::new(&run::snapshot(&public));

    let loaded = auditbook::load(root).expect("the demo loads");
    let model = loaded.model.expect("the demo is valid");
    let mut hidden: Vec<(&str, String)> = Vec::new();
    for audit in model.rounds.iter().flat_map(|r| &r.audits) {
        hidden.extend(audit.auditors.iter().map(|a| ("auditor", a.clone())));
        for answer in audit.answers.iter().flatten() {
            let owner = answer.action.as_ref().and_then(|a| a.owner.clone());
            hidden.extend(owner.map(|o| ("owner", o)));
            for e in &answer.evidence {
                hidden.extend(quoted(&format!("{e:?}")).map(|q| ("evidence", q)));
            }
            let notes = answer.note.iter().flat_map(|n| n.values().map(|(_, t)| t));
            hidden.extend(notes.filter_map(probe).map(|p| ("note", p)));
        }
    }
    for value in model.snapshots.iter().flat_map(|s| &s.values) {
        let notes = value.note.iter().flat_map(|n| n.values().map(|(_, t)| t));
        hidden.extend(notes.filter_map(probe).map(|p| ("metric note", p)));
        for b in value.by.iter().filter(|b| b.dimension == "agent") {
            hidden.extend(b.entries.iter().map(|(agent, _)| ("agent", agent.clone())));
        }
    }
    hidden.extend(model.exemptions.iter().map(|e| ("owner", e.owner.clone())));
    for source in &model.sources {
        let agents = source.report.agents.iter().map(|a| a.key.clone());
        hidden.extend(agents.map(|a| ("agent", a)));
        let lists = (source.report.periods.iter()).flat_map(|p| [&p.overdue, &p.bad]);
        hidden.extend(lists.flat_map(|l| l.ids.clone()).map(|id| ("ticket", id)));
        let url = source
            .ticket_url
            .as_deref()
            .and_then(|u| u.split("{id}").next());
        hidden.extend(url.map(|u| ("ticket", u.to_string())));
    }
    // A note may quote a checklist's words or an action's, and a short evidence text may be a
    // word of the interface: the public site shows those.
    let mut shown: Vec<&str> = Vec::new();
    let interface: Vec<String> = (auditbook::i18n::builtin_languages().into_iter())
        .flat_map(|lang| {
            auditbook::i18n::known_keys().filter_map(move |key| auditbook::i18n::builtin(lang, key))
        })
        .map(|s| s.to_string())
        .collect();
    shown.extend(interface.iter().map(String::as_str));
    for c in &model.checklists {
        shown.extend(
            c.texts()
                .into_iter()
                .flat_map(|t| t.values().map(|(_, v)| v)),
        );
    }
    for audit in model.rounds.iter().flat_map(|r| &r.audits) {
        let actions = (audit.answers.iter().flatten()).filter_map(|a| a.action.as_ref());
        let texts = actions.map(|a| &a.text).chain(&audit.summary);
        shown.extend(texts.flat_map(|t| t.values().map(|(_, v)| v)));
    }
    let shown: Vec<String> = shown.iter().map(|s| s.to_lowercase()).collect();
    hidden.retain(|(_, value)| !shown.iter().any(|s| s.contains(&value.to_lowercase())));
    for kind in [
        "ticket",
        "auditor",
        "owner",
        "evidence",
        "note",
        "agent",
        "metric note",
    ] {
        assert!(
            hidden.iter().any(|(k, _)| *k == kind),
            "the demo has no {kind}"
        );
    }
    hidden.sort();
    hidden.dedup();
    // Every form of every value, each with the value it comes from.
    let forms: Vec<(usize, String)> = (hidden.iter().enumerate())
        .flat_map(|(i, (_, value))| encodings(value).into_iter().map(move |f| (i, f)))
        .collect();
    let needles: Vec<String> = forms.iter().map(|(_, f)| f.clone()).collect();
    let (in_internal, in_public) = (internal.found(&needles), public.found(&needles));
    let mut shown = vec![false; hidden.len()];
    for ((i, _), hit) in forms.iter().zip(&in_internal) {
        shown[*i] |= *hit;
    }
    for ((kind, value), shown) in hidden.iter().zip(&shown) {
        assert!(
            shown,
            "the demo's internal site never shows {kind} {value:?}"
        );
    }
    for ((i, form), hit) in forms.iter().zip(&in_public) {
        if *hit {
            public.lacks(form, hidden[*i].0);
        }
    }
}

/// The strings a `{:?}` of a value quotes, 8 characters or longer: the texts of an evidence
/// entry, whatever type holds them, without language tags.
fn quoted(debug: &str) -> impl Iterator<Item = String> {
    let mut found = Vec::new();
    let mut chars = debug.chars();
    while chars.by_ref().any(|c| c == '"') {
        let mut s = String::new();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => s.extend(chars.next()),
                c => s.push(c),
            }
        }
        if s.chars().count() >= 8 {
            found.push(s);
        }
    }
    found.into_iter()
}

/// A piece of a note that any page showing the note shows as it is: its longest run of
/// letters, digits and single spaces (no Markdown, nothing to escape), if 16 characters or
/// more.
fn probe(text: &str) -> Option<String> {
    let mut best = "";
    for run in text.split(|c: char| !(c.is_alphanumeric() || c == ' ')) {
        for part in run.split("  ") {
            let part = part.trim();
            if part.chars().count() > best.chars().count() {
                best = part;
            }
        }
    }
    (best.chars().count() >= 16).then(|| best.to_string())
}
