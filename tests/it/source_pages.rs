//! A ticket source's page, `metrics/sources/<id>/` (docs/site.md, docs/exports.md): a small
//! export worked out by hand, its figures as the computation counts them, and the page in
//! English and in Arabic (right to left).
//!
//! The export: nine tickets in January and February 2026, in Europe/Tallinn (UTC+2 then), a
//! clock that runs 24/7 and an SLA of 1h on the first response. As of the latest timestamp
//! (B3's first response, 2026-02-04 11:00):
//!
//! | ticket | created (Tallinn) | first response | SLA | agent | topic | rating |
//! | --- | --- | --- | --- | --- | --- | --- |
//! | A1 | Mon 01-05 09:10 | 30m | on time | ann | billing | 5 |
//! | A2 | Mon 01-05 09:50 | 2h | late | bob | login | 2 (bad) |
//! | A3 | Tue 01-06 14:00 | 30m | on time | cid | billing | 4 |
//! | A4 | Wed 01-07 09:05 | 30m | on time | bob | billing | — |
//! | A5 | Thu 01-08 16:00 | 2h | late | dan | billing | 3 (bad) |
//! | B1 | Mon 02-02 09:15 | 3h | late | ann | login | 1 (bad) |
//! | B#2 | Tue 02-03 10:00 | none | overdue (25h waiting) | cid | login | — |
//! | B3 | Wed 02-04 10:30 | 30m | on time | cid | billing | 5 |
//! | B4 | Wed 02-04 10:45 | none | not yet (15m waiting) | ann | billing | — |
//!
//! So January has 3 on time, 2 late, none waiting; February 1 on time, 1 late, 1 waiting.
//! SLA compliance per agent: cid 2 of 3 (66.7%), ann 1 of 2 and bob 1 of 2 (50%, sharing
//! rank 2), dan 0 of 1 (rank 4). The busiest hour is Monday 09:00–10:00 (A1, A2, B1).

use std::path::{Path, PathBuf};

use auditbook::diag::Diagnostics;
use auditbook::sources::{Dimension, compute, config};

use crate::support::Workspace;

const SOURCE: &str = "\
files: [exports/*.csv]
timezone: Europe/Tallinn
columns:
  id: Ticket
  created: Created
  first-response: First reply
  channel: Channel
  group: Group
  agent: Agent
  topic: Topic
  rating: Rating
sla:
  first-response: 1h
ticket-url: \"https://desk.example.com/t/{id}\"
";

/// A1 is written in UTC (07:10Z is 09:10 in Tallinn): the load map counts it at 09:00.
/// The last column is read by nobody.
const EXPORT: &str = "\
Ticket,Created,First reply,Channel,Group,Agent,Topic,Rating,Customer e-mail
A1,2026-01-05T07:10:00Z,2026-01-05 09:40,email,L1,ann,billing,5,private-a1@example.com
A2,2026-01-05 09:50,2026-01-05 11:50,chat,L1,bob,login,2,private-a2@example.com
A3,2026-01-06 14:00,2026-01-06 14:30,email,L2,cid,billing,4,
A4,2026-01-07 09:05,2026-01-07 09:35,chat,L1,bob,billing,,
A5,2026-01-08 16:00,2026-01-08 18:00,email,L2,dan,billing,3,
B1,2026-02-02 09:15,2026-02-02 12:15,email,L2,ann,login,1,
B#2,2026-02-03 10:00,,chat,L1,cid,login,,
B3,2026-02-04 10:30,2026-02-04 11:00,email,L1,cid,billing,5,
B4,2026-02-04 10:45,,chat,L2,ann,billing,,
";

fn workspace(languages: &str, source: &str) -> Workspace {
    Workspace::new()
        .file(
            "auditbook.yaml",
            format!("title: Help desk\nlanguages: {languages}\n"),
        )
        .file("sources/desk.yaml", source)
        .file("exports/2026.csv", EXPORT)
}

#[test]
fn the_figures_are_counted_as_worked_out_by_hand() {
    let mut diags = Diagnostics::default();
    let source = config::parse(Path::new("sources/desk.yaml"), SOURCE, &mut diags).unwrap();
    let exports = vec![(PathBuf::from("exports/2026.csv"), EXPORT.as_bytes())];
    let computed = compute(&source, exports, &mut diags);
    assert!(diags.is_empty(), "{diags:?}");
    let r = &computed.report;
    assert!(r.sla);

    let periods: Vec<(String, u64, u64, u64, u64)> = (r.periods.iter())
        .map(|p| (p.from.to_string(), p.tickets, p.on_time, p.late, p.waiting))
        .collect();
    assert_eq!(
        periods,
        [
            ("2026-01-01".to_string(), 5, 3, 2, 0),
            ("2026-02-01".to_string(), 4, 1, 1, 1),
        ]
    );
    let by = |period: usize, d: Dimension| -> Vec<(&str, u64)> {
        let keys = &r.periods[period].overdue_by.iter().find(|(e, _)| *e == d);
        keys.map(|(_, k)| k.iter().map(|(k, n)| (k.as_str(), *n)).collect())
            .unwrap_or_default()
    };
    assert_eq!(by(0, Dimension::Channel), [("chat", 1), ("email", 1)]);
    assert_eq!(by(0, Dimension::Group), [("L1", 1), ("L2", 1)]);
    assert_eq!(by(0, Dimension::Topic), [("billing", 1), ("login", 1)]);
    assert_eq!(by(1, Dimension::Channel), [("chat", 1), ("email", 1)]);
    assert_eq!(by(1, Dimension::Topic), [("login", 2)]);
    // Agents are no breakdown of the overdue tickets: that is the ranking's business.
    assert!(by(0, Dimension::Agent).is_empty());

    // Newest first; B4 waits, but not yet past the SLA.
    assert_eq!(r.periods[0].overdue.ids, ["A5", "A2"]);
    assert_eq!(r.periods[1].overdue.ids, ["B#2", "B1"]);
    assert_eq!(r.periods[0].bad.ids, ["A5", "A2"]);
    assert_eq!(r.periods[1].bad.ids, ["B1"]);

    let sla: Vec<(usize, &str, f64, u64)> = (r.ranking("sla-compliance").iter())
        .map(|x| {
            let v = (x.measure.measure.value * 10.0).round() / 10.0;
            (x.rank, x.key, v, x.measure.tickets)
        })
        .collect();
    assert_eq!(
        sla,
        [
            (1, "cid", 66.7, 3),
            (2, "ann", 50.0, 2),
            (2, "bob", 50.0, 2),
            (4, "dan", 0.0, 1),
        ]
    );
    // First responses: cid 30m, bob (2h + 30m) / 2, ann (30m + 3h) / 2, dan 2h.
    let frt: Vec<(usize, &str, f64)> = (r.ranking("first-response-time").iter())
        .map(|x| (x.rank, x.key, x.measure.measure.value))
        .collect();
    assert_eq!(
        frt,
        [
            (1, "cid", 1800.0),
            (2, "bob", 4500.0),
            (3, "ann", 6300.0),
            (4, "dan", 7200.0)
        ]
    );
    let ratings: Vec<(&str, u64, u64, u64)> = (r.agents.iter())
        .map(|a| (a.key.as_str(), a.tickets, a.good, a.bad))
        .collect();
    assert_eq!(
        ratings,
        [
            ("ann", 3, 1, 1),
            ("cid", 3, 2, 0),
            ("bob", 2, 0, 1),
            ("dan", 1, 0, 1)
        ]
    );
    let topics: Vec<(&str, u64)> = (r.topics.iter())
        .map(|t| (t.key.as_str(), t.tickets))
        .collect();
    assert_eq!(topics, [("billing", 6), ("login", 3)]);

    // Every day from 5 January to 4 February, with the days without tickets.
    assert_eq!(r.days.len(), 31);
    let busy: Vec<(String, u64)> = (r.days.iter())
        .filter(|(_, n)| *n > 0)
        .map(|(d, n)| (d.to_string(), *n))
        .collect();
    assert_eq!(
        busy,
        [
            ("2026-01-05".to_string(), 2),
            ("2026-01-06".to_string(), 1),
            ("2026-01-07".to_string(), 1),
            ("2026-01-08".to_string(), 1),
            ("2026-02-02".to_string(), 1),
            ("2026-02-03".to_string(), 1),
            ("2026-02-04".to_string(), 2),
        ]
    );
    // Monday first; hours on the Tallinn clock.
    let cells: Vec<(usize, usize, u64)> = (r.week.iter().enumerate())
        .flat_map(|(d, hours)| {
            (hours.iter().enumerate())
                .filter(|(_, n)| **n > 0)
                .map(move |(h, n)| (d, h, *n))
        })
        .collect();
    assert_eq!(
        cells,
        [
            (0, 9, 3),
            (1, 10, 1),
            (1, 14, 1),
            (2, 9, 1),
            (2, 10, 2),
            (3, 16, 1)
        ]
    );
}

/// The text of `html` from `start` to the end of the element it opens.
fn section<'a>(html: &'a str, start: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page"));
    let rest = &html[from..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The cells of the table rows of `html`, tags taken out, white space collapsed.
fn rows(html: &str) -> Vec<String> {
    html.split("<tr>")
        .skip(1)
        .map(|row| {
            let row = &row[..row.find("</tr>").unwrap_or(row.len())];
            let mut text = String::new();
            let mut in_tag = false;
            for c in row.chars() {
                match c {
                    '<' => {
                        in_tag = true;
                        text.push(' ');
                    }
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect()
}

#[test]
fn the_page_shows_the_reports_in_english_and_in_arabic() {
    let w = workspace("[en, ar]", SOURCE);
    w.build();
    let page = w.page("metrics/sources/desk/index.html");
    assert!(page.contains("<html lang=\"en\" dir=\"ltr\">"), "{page}");
    assert!(page.contains("Rows read: 9 · tickets counted: 9 · row problems: 0"));

    let responses = rows(section(&page, "id=\"responses\""));
    assert!(
        responses.contains(&"Jan 2026 3 2 0".to_string()),
        "{responses:?}"
    );
    assert!(responses.contains(&"Feb 2026 1 1 1".to_string()));
    assert!(
        responses.contains(&"login 1 2".to_string()),
        "{responses:?}"
    );

    let agents = rows(section(&page, "id=\"agents\""));
    let sla_from = agents.iter().position(|r| r == "# Agent Value Tickets");
    assert!(sla_from.is_some(), "{agents:?}");
    for row in [
        "1 cid 66.7% 3",
        "2 ann 50.0% 2",
        "2 bob 50.0% 2",
        "4 dan 0.0% 1",
        "1 cid 30 min 2",
        "3 ann 1 h 45 min 2",
        "ann 1 1",
    ] {
        assert!(agents.contains(&row.to_string()), "{row}: {agents:?}");
    }

    let load = section(&page, "id=\"load\"");
    let monday = rows(load)
        .into_iter()
        .find(|r| r.starts_with("Monday"))
        .unwrap();
    assert_eq!(
        monday,
        "Monday 0 0 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0 0 0 0 0 0 0 0"
    );
    // The busiest cell is the darkest; two of three tickets are the third level.
    assert!(load.contains("<td class=\"num load-4\">3</td>"), "{load}");
    assert!(load.contains("<td class=\"num load-3\">2</td>"));
    assert!(load.contains("<td class=\"num load-0\">0</td>"));

    let topics = rows(section(&page, "id=\"topics\""));
    assert!(topics[1].starts_with("billing 6 "), "{topics:?}");

    // Ticket ids only as links, the id in the address percent-encoded; tickets neither
    // overdue nor badly rated, and the unread column, nowhere.
    assert!(page.contains("<a href=\"https://desk.example.com/t/B%232\" rel=\"noopener noreferrer\"><bdi>B#2</bdi></a>"));
    for id in ["A1", "A3", "A4", "B3", "B4"] {
        assert!(!page.contains(&format!(">{id}<")), "{id} is on the page");
    }
    assert!(!page.contains("private-a"));

    // The metrics page links to it.
    let metrics = w.page("metrics/index.html");
    assert!(metrics.contains("<a href=\"sources/desk/index.html\"><bdi>desk</bdi></a>"));

    // Right to left: the same page under ar/, the values from the export isolated.
    let ar = w.page("ar/metrics/sources/desk/index.html");
    assert!(ar.contains("<html lang=\"ar\" dir=\"rtl\">"), "{ar}");
    assert!(ar.contains("<bdi>cid</bdi>"));
    assert!(ar.contains("href=\"https://desk.example.com/t/B%232\""));
    assert!(
        w.page("ar/metrics/index.html")
            .contains("href=\"sources/desk/index.html\"")
    );
}

#[test]
fn without_a_ticket_url_no_ticket_id_is_published() {
    let w = workspace("[en]", &SOURCE.replace("ticket-url", "# ticket-url"));
    w.build();
    let page = w.page("metrics/sources/desk/index.html");
    assert!(!page.contains("id=\"tickets\""));
    for id in ["A1", "A2", "A5", "B1", "B#2", "B&#x23;2"] {
        assert!(!page.contains(id), "{id} is on the page");
    }
    // The rest of the page is there.
    assert!(page.contains("id=\"agents\""));
}
