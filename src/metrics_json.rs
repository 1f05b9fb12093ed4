//! `auditbook metrics --json`: every snapshot, written and computed from sources, as one
//! JSON array (docs/exports.md).

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{Map, Value, json};

use crate::commands::{EXIT_USAGE, fail};
use crate::diag;
use crate::metrics::{Measure, Snapshot};
use crate::model::Model;

/// Prints the workspace's snapshots at `dir` as JSON; `json` must be set.
pub fn command(dir: &Path, json: bool) -> ExitCode {
    if !json {
        return fail("`metrics` prints JSON only: add --json", EXIT_USAGE);
    }
    let model = match crate::commands::valid_model(dir) {
        Ok(model) => model,
        Err(code) => return code,
    };
    match serde_json::to_string_pretty(&snapshots_json(&model)) {
        Ok(s) => {
            let text = diag::json_terminal_safe(&s).into_owned() + "\n";
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot write snapshots: {e}"), EXIT_USAGE),
    }
}

/// Every snapshot of `model`, ordered by date taken, then subject (the organisation first,
/// then by id), then the file it comes from.
pub fn snapshots_json(model: &Model) -> Value {
    let mut all: Vec<&Snapshot> = model.snapshots.iter().collect();
    all.sort_by(|a, b| (a.taken, &a.subject, origin(a)).cmp(&(b.taken, &b.subject, origin(b))));
    Value::Array(all.into_iter().map(snapshot_json).collect())
}

/// The file a snapshot comes from, relative to the workspace, with `/` between folders.
fn origin(s: &Snapshot) -> String {
    let parts: Vec<String> = s
        .file
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

fn snapshot_json(s: &Snapshot) -> Value {
    let mut values = Map::new();
    for v in &s.values {
        let mut by = Map::new();
        for b in &v.by {
            let entries: Map<String, Value> = (b.entries.iter())
                .map(|(k, m)| (k.clone(), number(m)))
                .collect();
            by.insert(b.dimension.clone(), Value::Object(entries));
        }
        values.insert(
            v.metric.clone(),
            json!({"value": number(&v.value), "target": v.target, "by": by}),
        );
    }
    json!({
        "taken": s.taken.to_string(),
        "period": s.period.map(|(from, to)| json!({"from": from.to_string(), "to": to.to_string()})),
        "subject": s.subject,
        "origin": origin(s),
        "values": values,
    })
}

/// A value as a JSON number; one that is not finite (no answers to count) is `null`.
fn number(m: &Measure) -> Value {
    serde_json::Number::from_f64(m.value).map_or(Value::Null, Value::Number)
}
