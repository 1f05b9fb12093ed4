//! The data files, written once for all languages: audit results (JSON and CSV), the CSV of
//! each round, and versions.json.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::render::{Ctx, Plan, RenderError, Sink};
use crate::score::AuditResult;
use crate::site::{OutputError, paths};

use super::audit_label;

/// Data files, written once for all languages.
pub fn render_data(ctx: &Ctx, plan: &Plan, site: &dyn Sink) -> Result<(), RenderError> {
    // A round's CSV is made again when the plan names the round or any of its audits.
    let touched: HashSet<&str> = ctx
        .model
        .rounds
        .iter()
        .filter(|round| {
            plan.includes_round(&round.id)
                || round
                    .audits
                    .iter()
                    .any(|a| plan.includes_audit(&round.id, &a.id))
        })
        .map(|round| round.id.as_str())
        .collect();
    // One pass on both cores: each result's JSON file and CSV, and its row in its round's
    // CSV, all from one conversion of the result to JSON.
    let round_rows: Vec<Option<Vec<String>>> = ctx
        .results
        .par_iter()
        .map(|r| {
            let wanted = plan.includes_audit(&r.round, &r.audit);
            let in_round_csv = touched.contains(r.round.as_str());
            if !wanted && !in_round_csv {
                return Ok(None);
            }
            if wanted {
                let json = json_of(r);
                let mut pretty = serde_json::to_vec_pretty(r).unwrap_or_default();
                pretty.push(b'\n');
                site.put_owned(format!("data/rounds/{}/{}.json", r.round, r.audit), pretty)?;
                let path = paths::audit_csv(&r.round, &r.audit);
                let csv = audit_csv(ctx, r, &json).map_err(|e| csv_error(&path, e))?;
                site.put_owned(path, csv)?;
            }
            Ok(in_round_csv.then(|| round_row(ctx, r)))
        })
        .collect::<Result<_, OutputError>>()?;
    for round in &ctx.model.rounds {
        if touched.contains(round.id.as_str()) {
            let path = paths::round_csv(&round.id);
            let rows = ctx
                .results
                .iter()
                .zip(&round_rows)
                .filter(|(r, _)| r.round == round.id)
                .filter_map(|(_, row)| row.clone());
            let csv = csv_file(&ROUND_COLUMNS, rows).map_err(|e| csv_error(&path, e))?;
            site.put_owned(path, csv)?;
        }
    }
    #[derive(Serialize)]
    struct Versions<'a> {
        latest: Option<&'a str>,
        rounds: Vec<RoundEntry<'a>>,
    }
    #[derive(Serialize)]
    struct RoundEntry<'a> {
        id: &'a str,
        title: String,
        date: String,
        path: String,
    }
    let default = ctx.model.default_language();
    let versions = Versions {
        latest: ctx.model.rounds.last().map(|r| r.id.as_str()),
        rounds: ctx
            .model
            .rounds
            .iter()
            .map(|r| RoundEntry {
                id: &r.id,
                title: r.title.as_ref().map_or_else(
                    || r.id.clone(),
                    |t| t.get(default, default).text.to_string(),
                ),
                date: r.date.to_string(),
                path: paths::round(&r.id),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&versions).unwrap_or_default();
    json.push(b'\n');
    Ok(site.put_owned("versions.json".into(), json)?)
}

// ----- CSV ----------------------------------------------------------------------------------

/// The columns of `data/rounds/<round>.csv`, one row per audit (docs/site.md).
const ROUND_COLUMNS: [&str; 11] = [
    "round",
    "audit",
    "checklist",
    "version",
    "subject",
    "date",
    "score",
    "target",
    "status",
    "completion",
    "title",
];

/// The columns of `data/rounds/<round>/<audit>.csv`, one row per item (docs/site.md).
const ITEM_COLUMNS: [&str; 9] = [
    "section", "item", "status", "value", "ratio", "weight", "target", "gap", "title",
];

/// A result's row in its round's CSV. Numbers, status and nulls are written as in the audit's
/// JSON result ([`AuditResult::headline`]), so both files hold the same digits.
fn round_row(ctx: &Ctx, r: &AuditResult) -> Vec<String> {
    let json = serde_json::to_value(r.headline()).unwrap_or_default();
    let loc = ctx.locale(ctx.model.default_language());
    let round = ctx.model.rounds.iter().find(|round| round.id == r.round);
    let title = round
        .and_then(|round| round.audits.iter().find(|a| a.id == r.audit))
        .map_or_else(|| r.audit.clone(), |a| audit_label(ctx, &loc, a).text);
    let mut row: Vec<String> = ROUND_COLUMNS[..10]
        .iter()
        .map(|c| cell(json.get(*c)))
        .collect();
    row.push(title);
    row
}

/// An audit's CSV, one row per item, from its result as JSON (`json`).
fn audit_csv(ctx: &Ctx, r: &AuditResult, json: &Value) -> Result<Vec<u8>, csv::Error> {
    let loc = ctx.locale(ctx.model.default_language());
    let checklist = ctx.model.checklist(&r.checklist, r.version);
    // The first item of each id, as a search from the start finds it.
    let mut titles: HashMap<&str, &crate::text::Text> = HashMap::new();
    for item in checklist
        .iter()
        .flat_map(|c| c.sections.iter().flat_map(|s| &s.items))
    {
        titles.entry(item.id.as_str()).or_insert(&item.title);
    }
    let items = json.get("items").and_then(Value::as_array);
    let rows = items.into_iter().flatten().map(|item| {
        let mut row: Vec<String> = ITEM_COLUMNS[..8]
            .iter()
            .map(|c| match *c {
                "item" => cell(item.get("id")),
                c => cell(item.get(c)),
            })
            .collect();
        let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
        let title = titles
            .get(id)
            .map_or_else(|| id.to_string(), |t| loc.txt(t).text);
        row.push(title);
        row
    });
    csv_file(&ITEM_COLUMNS, rows)
}

fn json_of(r: &AuditResult) -> Value {
    serde_json::to_value(r).unwrap_or_default()
}

/// A JSON value as a CSV cell: strings as they are, numbers as JSON writes them, an empty
/// cell for null.
fn cell(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// A CSV file that spreadsheets open right: UTF-8 with a byte-order mark (without it, Excel
/// reads UTF-8 as the system's legacy code page), a header row, RFC 4180 quoting and CRLF
/// line ends.
fn csv_file(
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record(header)?;
        for row in rows {
            w.write_record(&row)?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn csv_error(path: &str, e: csv::Error) -> OutputError {
    OutputError::Io {
        path: path.into(),
        error: std::io::Error::other(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(bytes: &[u8]) -> Vec<Vec<String>> {
        let text = std::str::from_utf8(bytes).expect("UTF-8");
        let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("a record").iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn a_cell_with_a_comma_a_quote_and_a_line_break_is_quoted_and_reads_back() {
        let title = "Support, \"EU\"\nteam".to_string();
        let bytes =
            csv_file(&["a", "b"], [vec!["x".into(), title.clone()]].into_iter()).expect("written");
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        assert!(text.starts_with("\u{feff}a,b\r\n"), "{text:?}");
        assert!(text.contains("\"Support, \"\"EU\"\"\nteam\""), "{text:?}");
        assert_eq!(
            parse(&bytes),
            vec![vec!["a", "b"], vec!["x", title.as_str()]]
        );
    }

    #[test]
    fn a_headline_is_written_as_the_same_fields_of_the_whole_result() {
        let demo = crate::build::prepare(std::path::Path::new(env!("CARGO_MANIFEST_DIR")))
            .unwrap_or_else(|_| panic!("the demo builds"));
        assert!(demo.results.len() > 10);
        for r in &demo.results {
            let whole = json_of(r);
            let headline = serde_json::to_value(r.headline()).expect("JSON");
            let fields = headline.as_object().expect("an object");
            assert_eq!(fields.len(), ROUND_COLUMNS.len() - 1);
            for column in &ROUND_COLUMNS[..10] {
                assert_eq!(fields.get(*column), whole.get(*column), "{column} of {r:?}");
            }
        }
    }

    #[test]
    fn cells_keep_the_digits_of_the_json_and_leave_null_empty() {
        let v = serde_json::json!({"a": 0.1 + 0.2, "b": 3, "c": null, "d": "met", "e": 85.0});
        assert_eq!(cell(v.get("a")), "0.30000000000000004");
        assert_eq!(cell(v.get("b")), "3");
        assert_eq!(cell(v.get("c")), "");
        assert_eq!(cell(v.get("d")), "met");
        assert_eq!(cell(v.get("e")), "85.0");
        assert_eq!(cell(v.get("missing")), "");
    }
}
