//! JSON Schemas (draft 2020-12) of every workspace file kind, for editors that check YAML
//! while it is typed (yaml-language-server). They say what `check` says where a schema can:
//! fields, types, required fields, id and date shapes; the rules across files (references,
//! duplicates, scale levels) stay with `check`. The wording follows docs/format.md.

use serde_json::{Map, Value, json};

/// The file kinds `auditbook schema KIND` knows, in the order the help lists them.
pub const KINDS: [&str; 8] = [
    "config",
    "checklist",
    "audit",
    "round",
    "snapshot",
    "source",
    "exemption",
    "strings",
];

/// Where each kind lives in a workspace, as globs relative to its root: what editor
/// settings map the schemas to.
pub fn globs(kind: &str) -> &'static [&'static str] {
    match kind {
        "config" => &["auditbook.yaml"],
        "checklist" => &["checklists/**/*.yaml"],
        "audit" => &["audits/*/*.yaml", "!audits/*/round.yaml"],
        "round" => &["audits/*/round.yaml"],
        "snapshot" => &["metrics/**/*.yaml"],
        "source" => &["sources/*.yaml"],
        "exemption" => &["exemptions/**/*.yaml"],
        "strings" => &["i18n/*.yaml"],
        _ => &[],
    }
}

/// The schema of one file kind, or `None` for a kind that does not exist.
pub fn schema(kind: &str) -> Option<Value> {
    let (title, description, body) = match kind {
        "config" => (
            "auditbook.yaml",
            "Site settings: title, languages, output folder, metric definitions, gates.",
            config(),
        ),
        "checklist" => (
            "auditbook checklist",
            "A checklist: the questions an audit answers, grouped in sections. One per file under checklists/.",
            checklist(),
        ),
        "audit" => (
            "auditbook audit",
            "An audit: how one subject did on one checklist at one time. audits/<round>/<audit>.yaml; the file name is the audit's id.",
            audit(),
        ),
        "round" => (
            "auditbook round.yaml",
            "Optional settings of an audit round: audits/<round>/round.yaml.",
            round(),
        ),
        "snapshot" => (
            "auditbook metric snapshot",
            "A metric snapshot: the values of some metrics on one day, for one subject or the whole organisation. One per file under metrics/.",
            snapshot(),
        ),
        "source" => (
            "auditbook ticket source",
            "A ticket source: help desk CSV exports turned into metric snapshots. sources/<id>.yaml; the file name is the source's id.",
            source(),
        ),
        "exemption" => (
            "auditbook exemption",
            "An accepted gap, with who owns it and until when. One per file under exemptions/.",
            exemption(),
        ),
        "strings" => (
            "auditbook interface strings",
            "Your own wording of the interface for one language in the older YAML form: i18n/<lang>.yaml, named after the language. The preferred form is i18n/<lang>.ftl (Fluent messages, with plural forms; not YAML, so without a schema): see docs/site.md.",
            strings(),
        ),
        _ => return None,
    };
    let mut out = Map::new();
    out.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    out.insert("title".into(), json!(title));
    out.insert("description".into(), json!(description));
    let Value::Object(body) = body else {
        return None;
    };
    out.extend(body);
    out.insert("$defs".into(), defs());
    Some(Value::Object(out))
}

/// The schema printed as JSON, ending with a newline.
pub fn schema_text(kind: &str) -> Option<String> {
    let value = schema(kind)?;
    serde_json::to_string_pretty(&value).ok().map(|s| s + "\n")
}

/// `auditbook schema KIND`: the schema on stdout.
pub fn run(kind: &str) -> std::process::ExitCode {
    match schema_text(kind) {
        Some(text) => crate::manual::print_text(&text),
        None => {
            eprintln!(
                "error: unknown file kind '{kind}'; the kinds are: {}",
                KINDS.join(", ")
            );
            std::process::ExitCode::from(crate::cli::EXIT_USAGE)
        }
    }
}

fn r(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// `r` with a description, shown on hover.
fn rd(name: &str, description: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}"), "description": description })
}

fn obj(properties: Value, required: &[&str]) -> Value {
    let mut o = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

const NUMBER: &str = "[0-9]+(\\.[0-9]+)?";

fn duration_pattern() -> String {
    let n = NUMBER;
    let units = format!("\\s*(?=[0-9])({n}d)?\\s*({n}h)?\\s*({n}(min|m))?\\s*({n}s)?\\s*");
    let iso = format!("\\s*P(?=[0-9T])({n}W)?({n}D)?(T(?=[0-9])({n}H)?({n}M)?({n}S)?)?\\s*");
    format!("^(({units})|({iso}))$")
}

fn defs() -> Value {
    json!({
        "id": {
            "description": "An id: 1 to 64 lowercase letters a-z, digits and '-', starting with a letter or a digit. Ids become parts of web addresses.",
            "anyOf": [
                {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
                {"type": "integer", "minimum": 0}
            ]
        },
        "language": {
            "description": "A BCP 47 language tag: en, hr, hu, pt-BR, zh-Hant.",
            "type": "string",
            "pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
        },
        "text": {
            "description": "A text: a plain string in the file's language, or a mapping from language tag to string, such as {en: Customer service audit, hr: Revizija usluge korisnicima}.",
            "anyOf": [
                {"type": ["string", "number"]},
                {
                    "type": "object",
                    "minProperties": 1,
                    "propertyNames": {"pattern": "^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$"},
                    "additionalProperties": {"type": ["string", "number"]}
                }
            ]
        },
        "date": {
            "description": "A date, written YYYY-MM-DD, for example 2026-09-30.",
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
        },
        "duration": {
            "description": "A duration with units: 90s, 45m, 2h 30m, 1.5h, 1d 4h, or ISO 8601 PT2H30M. Units are d, h, m (or min) and s, largest first.",
            "type": "string",
            "pattern": duration_pattern()
        },
        "count": {"type": "integer", "minimum": 0},
        "level": {
            "description": "A target or warn level in the metric's unit: a number, or a duration (24h) for duration metrics.",
            "anyOf": [{"type": "number"}, {"$ref": "#/$defs/duration"}]
        },
        "ratio": {
            "description": "Good of total: percent = 100 × good / total. Whole numbers, 0 ≤ good ≤ total, total > 0. Percent metrics only.",
            "type": "object",
            "properties": {
                "good": {"$ref": "#/$defs/count"},
                "total": {"type": "integer", "minimum": 1}
            },
            "required": ["good", "total"],
            "additionalProperties": false
        },
        "bands": {
            "description": "NPS bands: NPS = 100 × (promoters − detractors) / (promoters + passives + detractors). Score metrics only.",
            "type": "object",
            "properties": {
                "promoters": {"$ref": "#/$defs/count"},
                "passives": {"$ref": "#/$defs/count"},
                "detractors": {"$ref": "#/$defs/count"}
            },
            "required": ["promoters", "passives", "detractors"],
            "additionalProperties": false
        },
        "scores": {
            "description": "Counts of 0–10 answers to \"would you recommend us?\": 9–10 are promoters, 7–8 passives, 0–6 detractors. Score metrics only.",
            "type": "object",
            "properties": {
                "scores": {
                    "type": "object",
                    "propertyNames": {"pattern": "^([0-9]|10)$"},
                    "additionalProperties": {"$ref": "#/$defs/count"}
                }
            },
            "required": ["scores"],
            "additionalProperties": false
        },
        "ratings": {
            "description": "Counts of 1–5 ratings: percent = 100 × (ratings 4 and 5) / all ratings. Percent metrics only.",
            "type": "object",
            "properties": {
                "ratings": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[1-5]$"},
                    "additionalProperties": {"$ref": "#/$defs/count"}
                }
            },
            "required": ["ratings"],
            "additionalProperties": false
        },
        "measure": {
            "description": "A value: a number in the metric's unit, a duration, {good, total}, {promoters, passives, detractors}, {scores: …} or {ratings: …}.",
            "anyOf": [
                {"type": "number"},
                {"$ref": "#/$defs/duration"},
                {"$ref": "#/$defs/ratio"},
                {"$ref": "#/$defs/bands"},
                {"$ref": "#/$defs/scores"},
                {"$ref": "#/$defs/ratings"}
            ]
        },
        "percent": {
            "anyOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"$ref": "#/$defs/ratio"},
                {"$ref": "#/$defs/ratings"}
            ]
        },
        "nps": {
            "anyOf": [
                {"type": "number", "minimum": -100, "maximum": 100},
                {"$ref": "#/$defs/bands"},
                {"$ref": "#/$defs/scores"}
            ]
        },
        "evidence": {
            "description": "Where the proof is: a string (http and https addresses become links), {link, date} or {text, date}.",
            "anyOf": [
                {"type": ["string", "number"]},
                obj(json!({"link": {"type": "string"}, "date": r("date")}), &["link"]),
                obj(json!({"text": r("text"), "date": r("date")}), &["text"])
            ]
        },
        "max-age": {
            "description": "How old evidence may be on the audit's date before it is stale, such as 180d.",
            "$ref": "#/$defs/duration"
        }
    })
}

/// The value of a metric in a snapshot: a short form, or `{value, target, by, note}`.
fn metric_value(short: &str) -> Value {
    json!({
        "anyOf": [
            r(short),
            {
                "type": "object",
                "properties": {
                    "value": rd(short, "Required: the value, in any short form."),
                    "target": rd("level", "A target for this snapshot only, in the metric's unit; it replaces the metric's target."),
                    "by": {
                        "description": "Breakdowns: for each dimension (channel, group, agent, …), a mapping from name to value.",
                        "type": "object",
                        "additionalProperties": {
                            "type": "object",
                            "additionalProperties": r(short)
                        }
                    },
                    "note": rd("text", "Text (md): context for the number.")
                },
                "required": ["value"],
                "additionalProperties": false
            }
        ]
    })
}

fn config() -> Value {
    let metric = obj(
        json!({
            "id": rd("id", "Required. An id of a built-in metric changes that metric; any other id defines a new one."),
            "unit": {"description": "percent (0–100), score, duration or count. Required for a new metric; a built-in metric's unit cannot change.", "enum": ["percent", "score", "duration", "count"]},
            "better": {"description": "higher (the default for new metrics) or lower.", "enum": ["higher", "lower"]},
            "target": rd("level", "The value to reach, in the metric's unit. Durations are written with units (24h)."),
            "warn": rd("level", "Where \"at risk\" ends and \"below\" begins; it lies on the far side of the target."),
            "title": rd("text", "Text; for a new metric the default is its id."),
            "description": rd("text", "Text.")
        }),
        &["id"],
    );
    obj(
        json!({
            "title": rd("text", "The site's name. Plain strings here are in the default language. Default \"Audits\"."),
            "languages": {
                "description": "The languages the site is published in. The first is the default language: its pages are at the root, every other language gets the same pages under <lang>/. Default [en].",
                "type": "array",
                "items": r("language"),
                "minItems": 1,
                "uniqueItems": true
            },
            "base_url": {
                "description": "The address the site will be published at, starting with http:// or https://. Only used where a link must be absolute (feeds, link previews).",
                "type": "string",
                "pattern": "^https?://"
            },
            "output": {
                "description": "The folder the site is written to, relative to the workspace. Default site.",
                "type": "string",
                "pattern": "\\S"
            },
            "metrics": {
                "description": "Metric definitions: adjust built-in metrics, or add your own.",
                "type": "array",
                "items": metric
            },
            "gates": obj(json!({
                "min-score": {"description": "Every series' latest audit scores at least this.", "type": "number", "minimum": 0, "maximum": 100},
                "no-regression": {"description": "A latest audit may be at most this many points below the previous one.", "type": "number", "minimum": 0},
                "metrics": {"description": "Fail on latest-audit metrics with this status or worse.", "enum": ["below", "at-risk"]}
            }), &[]),
            "public": obj(json!({
                "hide": {
                    "description": "What a public build (build --public) leaves out.",
                    "type": "array",
                    "items": {"enum": ["notes", "evidence", "owners", "auditors", "agents", "tickets"]},
                    "uniqueItems": true
                }
            }), &[])
        }),
        &[],
    )
}

fn checklist() -> Value {
    let target = json!({
        "description": "The level to reach: a level's value (3) or key (established), within the scale. An item's target is the first set of: item, section, checklist, the scale's max.",
        "type": ["number", "string"]
    });
    let weight = json!({
        "description": "How much it counts in the score: any number 0 or more, default 1. An item's effective weight is its section's weight × its own; weight 0 shows an item without scoring it.",
        "type": "number",
        "minimum": 0
    });
    let item = obj(
        json!({
            "id": rd("id", "The item's id, unique within the checklist: answers name items by id."),
            "title": rd("text", "Text."),
            "why": rd("text", "Text (md): why it matters."),
            "how": rd("text", "Text (md): how to check it."),
            "tools": {"description": "Tools or sources to use: a list of Texts.", "type": "array", "items": r("text")},
            "weight": weight,
            "target": target,
            "metrics": {"description": "Ids of metrics that give evidence for this item (built in or defined in auditbook.yaml).", "type": "array", "items": {"type": "string"}},
            "tags": {"description": "A list of ids of your choosing (kpi, quick-win, …).", "type": "array", "items": r("id")},
            "evidence-max-age": r("max-age")
        }),
        &["id", "title"],
    );
    let section = obj(
        json!({
            "id": rd("id", "The section's id, unique within the checklist."),
            "title": rd("text", "Text."),
            "description": rd("text", "Text (md)."),
            "weight": weight,
            "target": target,
            "items": {"description": "At least one item.", "type": "array", "items": item, "minItems": 1},
            "evidence-max-age": r("max-age")
        }),
        &["id", "title", "items"],
    );
    let level = obj(
        json!({
            "value": {"description": "The level's number; values differ from each other.", "type": "number"},
            "key": {"description": "A word you can write instead of the number; keys differ from each other and 'na' is not one.", "type": ["string", "number"], "not": {"const": "na"}},
            "label": rd("text", "Text.")
        }),
        &["value", "key"],
    );
    obj(
        json!({
            "id": rd("id", "The checklist's id."),
            "version": {"description": "A whole number from 1 up, default 1. Give the checklist a new version when the meaning of items changes; the highest version is the current one.", "type": "integer", "minimum": 1},
            "language": rd("language", "The language of plain strings in this file; default the site's default language."),
            "title": rd("text", "Text."),
            "description": rd("text", "Text (md)."),
            "scale": {
                "description": "Which answers an item can get: a built-in scale (yes-no, maturity, five-point) or your own list of at least two levels. Default maturity.",
                "anyOf": [
                    {"enum": ["yes-no", "maturity", "five-point"]},
                    {"type": "array", "items": level, "minItems": 2}
                ]
            },
            "target": target,
            "sections": {"description": "At least one section.", "type": "array", "items": section, "minItems": 1},
            "evidence-max-age": r("max-age")
        }),
        &["id", "title", "sections"],
    )
}

fn audit() -> Value {
    let score = json!({
        "description": "A level's value (3), a level's key (established), or na for not applicable.",
        "type": ["number", "string"]
    });
    let action = json!({
        "description": "The follow-up for this item: its text, or {text, owner, due}.",
        "anyOf": [
            {"type": "string"},
            obj(json!({
                "text": rd("text", "Required: what is to be done."),
                "owner": {"description": "Who does it.", "type": ["string", "number"]},
                "due": rd("date", "When it is due.")
            }), &["text"])
        ]
    });
    let answer = json!({
        "anyOf": [
            score,
            obj(json!({
                "score": score,
                "note": rd("text", "Text (md): what the auditor saw."),
                "evidence": {
                    "description": "A list (or a single entry): where the proof is. Plain http:// and https:// addresses become links.",
                    "anyOf": [r("evidence"), {"type": "array", "items": r("evidence")}]
                },
                "action": action
            }), &["score"])
        ]
    });
    obj(
        json!({
            "checklist": rd("id", "The id of the checklist answered."),
            "version": {"description": "The checklist version answered. Without it the audit answers the current version, with a warning: always write it.", "type": "integer", "minimum": 1},
            "subject": rd("id", "An id for the team or unit audited."),
            "subject_title": rd("text", "Text: the subject's display name."),
            "date": rd("date", "When the audit was done."),
            "auditors": {
                "description": "A list of names (a single name may be written without the list).",
                "anyOf": [{"type": ["string", "number"]}, {"type": "array", "items": {"type": ["string", "number"]}}]
            },
            "language": rd("language", "The language of plain strings in this file; default the checklist's language."),
            "summary": rd("text", "Text (md)."),
            "answers": {
                "description": "Item id → answer: a value, a key, na, or {score, note, evidence, action}. An item left out is unanswered.",
                "type": ["object", "null"],
                "propertyNames": {"pattern": "^[a-z0-9][a-z0-9-]{0,63}$"},
                "additionalProperties": answer
            }
        }),
        &["checklist", "date"],
    )
}

fn round() -> Value {
    obj(
        json!({
            "title": rd("text", "Text. Plain strings are in the site's default language."),
            "date": rd("date", "The round's date; without it, the newest date of its audits."),
            "summary": rd("text", "Text (md).")
        }),
        &[],
    )
}

fn snapshot() -> Value {
    let mut values = Map::new();
    for (id, form) in [
        ("csat", "percent"),
        ("nps", "nps"),
        ("first-response-time", "duration"),
        ("average-resolution-time", "duration"),
        ("average-handle-time", "duration"),
        ("first-contact-resolution", "percent"),
        ("sla-compliance", "percent"),
        ("conversion-rate", "percent"),
        ("csi", "percent"),
    ] {
        values.insert(id.into(), metric_value(form));
    }
    obj(
        json!({
            "taken": rd("date", "The date the values were measured, usually the last day of the period."),
            "period": obj(json!({"from": r("date"), "to": r("date")}), &["from", "to"]),
            "subject": rd("id", "A subject id; a snapshot without one is for the whole organisation."),
            "language": rd("language", "The language of the plain-string notes in this file; default the site's default language."),
            "values": {
                "description": "Metric id → value, for any metrics you have; metrics must be built in or defined in auditbook.yaml.",
                "type": "object",
                "properties": values,
                "additionalProperties": metric_value("measure")
            }
        }),
        &["taken", "values"],
    )
}

fn source() -> Value {
    let column = |d: &str| json!({"description": d, "type": ["string", "number"]});
    let hours = json!({
        "description": "Working hours of the day, such as \"09:00-18:00\" or \"09:00-12:00, 13:00-17:00\" (in order, not overlapping).",
        "type": "string",
        "pattern": "^\\s*[0-2][0-9]:[0-5][0-9]\\s*-\\s*[0-2][0-9]:[0-5][0-9]\\s*(,\\s*[0-2][0-9]:[0-5][0-9]\\s*-\\s*[0-2][0-9]:[0-5][0-9]\\s*)*$"
    });
    obj(
        json!({
            "files": {
                "description": "Globs relative to the workspace root; UTF-8, optional BOM; several files are one table.",
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1
            },
            "delimiter": {"description": "\",\" (default), \";\" or a tab; RFC 4180 quoting.", "enum": [",", ";", "\t"]},
            "timezone": {"description": "Required IANA zone (Europe/Tallinn): local timestamps, periods and hours use it.", "type": "string"},
            "columns": obj(json!({
                "id": column("Required: the ticket id column; unique across the source's files."),
                "created": column("Required: when the ticket was created."),
                "first-response": column("The first reply; an empty cell is no response yet."),
                "resolved": column("When it was solved; an empty cell is unresolved."),
                "replies": column("Agent replies, a whole number 0 or more."),
                "channel": column("Breakdown dimension channel; an empty cell is the key \"-\"."),
                "group": column("Breakdown dimension group."),
                "agent": column("Breakdown dimension agent."),
                "topic": column("Breakdown dimension topic."),
                "rating": column("good/bad (gives csi) or 1-5 (gives csat); empty is unrated."),
                "nps": column("0-10 answers to \"would you recommend us?\"; empty is not answered.")
            }), &["id", "created"]),
            "subjects": obj(json!({
                "column": {"description": "The dimension that says which subject a ticket belongs to.", "enum": ["channel", "group", "agent", "topic"]},
                "map": {"description": "Column value → subject id.", "type": "object", "additionalProperties": r("id")}
            }), &["column", "map"]),
            "hours": obj(json!({
                "mon": hours, "tue": hours, "wed": hours, "thu": hours,
                "fri": hours, "sat": hours, "sun": hours,
                "holidays": {"description": "Days closed all day.", "type": "array", "items": r("date")}
            }), &[]),
            "sla": obj(json!({
                "first-response": rd("duration", "The first-response target, in working time; enables sla-compliance.")
            }), &[]),
            "period": {"description": "month (default), quarter, or week (ISO weeks, Monday first).", "enum": ["month", "quarter", "week"]},
            "ticket-url": {"description": "Links to single tickets: {id} is replaced by the ticket id.", "type": "string"},
            "organisation": {"description": "false: the export covers only its mapped subjects (one team), so it gives no snapshots of the whole organisation. Default true.", "type": "boolean"}
        }),
        &["files", "timezone", "columns"],
    )
}

fn exemption() -> Value {
    obj(
        json!({
            "checklist": rd("id", "The checklist of the exempt item."),
            "item": rd("id", "The exempt item."),
            "subject": rd("id", "The subject; without it, every subject."),
            "reason": rd("text", "Text (md): why the gap is accepted."),
            "owner": {"description": "Who owns the gap.", "type": ["string", "number"]},
            "approved": rd("date", "From when it applies."),
            "until": rd("date", "The last day it applies.")
        }),
        &["checklist", "item", "reason", "owner", "approved", "until"],
    )
}

fn strings() -> Value {
    let mut properties = Map::new();
    let mut keys: Vec<&str> = crate::i18n::known_keys().collect();
    keys.sort_unstable();
    for key in keys {
        let english = crate::i18n::builtin("en", key).unwrap_or_default();
        properties.insert(
            key.into(),
            json!({"description": format!("In English: {english}"), "type": ["string", "number"]}),
        );
    }
    json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": {"type": ["string", "number"]}
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_schema_and_globs() {
        for kind in KINDS {
            let s = schema(kind).expect("a schema");
            assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
            assert!(!globs(kind).is_empty(), "{kind}");
        }
        assert!(schema("nothing").is_none());
    }
}
