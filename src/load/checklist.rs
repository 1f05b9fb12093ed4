//! Checklists: checklists/**/*.yaml, each read on its own; the checks across checklists
//! (duplicates, translations) are in [`super::cross`].

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Doubts, Loader, read_record};
use crate::decode::{self, Ctx, Fields};
use crate::model::{Checklist, Item, Level, Scale, Section};
use crate::source::Loc;
use crate::yaml::{self, Kind, Node};

/// A checklist as read from its file: where its id is, and whether the file had errors.
pub(super) struct ReadChecklist {
    pub(super) checklist: Checklist,
    pub(super) id_loc: Loc,
    pub(super) clean: bool,
}

impl Loader<'_> {
    /// Reads every checklist file. Those with errors are noted in the doubts, so that audits
    /// of them are not told their items or versions are unknown.
    pub(super) fn checklists(&mut self, files: Vec<(PathBuf, Arc<Node>)>) -> Vec<ReadChecklist> {
        let mut out = Vec::new();
        for (path, node) in &files {
            let default = self.default_language();
            let texts = self.texts.entry(path.clone()).or_default();
            let (metric_ids, doubts) = (&self.metric_index, &self.doubts);
            let read = read_record(self.diags, texts, path, |ctx| {
                read_checklist(ctx, path, node, &default, metric_ids, doubts)
            });
            if !read.clean {
                let field = |name: &str| {
                    node.as_map()
                        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(name)))
                        .map(|(_, v)| v)
                };
                if let Some(id) = field("id").and_then(Node::scalar_text) {
                    let version = match field("version").map(|v| &v.kind) {
                        None => Some(1),
                        Some(Kind::Int(v)) => u32::try_from(*v).ok(),
                        Some(_) => None,
                    };
                    self.doubts.checklists.insert((id, version));
                }
            }
            if let Some((checklist, id_loc)) = read.value {
                out.push(ReadChecklist {
                    checklist,
                    id_loc,
                    clean: read.clean,
                });
            }
        }
        out
    }
}

/// Reads one checklist file, and where its id is. Texts are in `default` unless the
/// checklist names its `language:`; items may use the metrics in `metric_ids`, and those
/// the doubts say may be defined by a file with errors.
fn read_checklist(
    ctx: &mut Ctx,
    path: &Path,
    node: &Node,
    default: &str,
    metric_ids: &HashMap<String, usize>,
    doubts: &Doubts,
) -> Option<(Checklist, Loc)> {
    let f = decode::fields(
        ctx,
        node,
        &[
            "id",
            "version",
            "language",
            "title",
            "description",
            "scale",
            "target",
            "sections",
            MAX_AGE,
        ],
        "a checklist",
    )?;
    let id_node = f.require(ctx, "id");
    let id = id_node.and_then(|n| decode::id(ctx, n, "id", "checklist id"));
    let version = match f.get("version") {
        Some(n) => decode::positive_int(ctx, n, "version"),
        None => Some(1),
    };
    let language = match f.get("language") {
        Some(n) => decode::language(ctx, n, "language").unwrap_or_else(|| default.to_string()),
        None => default.to_string(),
    };
    let title = f
        .require(ctx, "title")
        .and_then(|n| decode::text(ctx, n, "title", &language));
    let description = f
        .get("description")
        .and_then(|n| decode::text(ctx, n, "description", &language));
    let scale = match f.get("scale") {
        Some(n) => read_scale(ctx, n, &language),
        None => Scale::builtin("maturity"),
    };
    let target = match (&scale, f.get("target")) {
        (Some(scale), Some(n)) => read_target(ctx, n, scale),
        _ => None,
    };
    let evidence_max_age = max_age(ctx, &f);
    let mut sections = Vec::new();
    let mut section_ids: HashMap<String, Loc> = HashMap::new();
    let mut item_ids: HashMap<String, Loc> = HashMap::new();
    if let Some(list) = f
        .require(ctx, "sections")
        .and_then(|n| decode::list(ctx, n, "sections"))
    {
        if list.is_empty() {
            ctx.error_hint(
                f.key_loc("sections"),
                "a checklist needs at least one section",
                "add a section with `id`, `title` and `items`",
            );
        }
        for n in list {
            let reader = SectionReader {
                language: &language,
                scale: scale.as_ref(),
                metric_ids,
                doubts,
            };
            if let Some(s) = reader.section(ctx, n, &mut section_ids, &mut item_ids) {
                sections.push(s);
            }
        }
    }
    let checklist = Checklist {
        id: id?,
        version: version?,
        file: path.to_path_buf(),
        language,
        title: title?,
        description,
        scale: scale?,
        target,
        evidence_max_age,
        sections,
        missing_texts: Default::default(),
    };
    let id_loc = id_node.map_or(f.loc(), |n| n.loc);
    Some((checklist, id_loc))
}

/// A scale: a built-in name or a list of at least two levels with distinct values and keys.
fn read_scale(ctx: &mut Ctx, node: &Node, language: &str) -> Option<Scale> {
    if let Some(name) = node.as_str() {
        let scale = Scale::builtin(name);
        if scale.is_none() {
            let hint = ctx.hint(name, Scale::BUILTIN_NAMES, || {
                format!(
                    "the built-in scales are {}; or write a list of levels",
                    Scale::BUILTIN_NAMES.join(", ")
                )
            });
            ctx.error_hint(node.loc, format!("unknown scale '{name}'"), hint);
        }
        return scale;
    }
    let list = decode::list(ctx, node, "scale")?;
    let mut levels: Vec<Level> = Vec::new();
    let mut ok = true;
    for n in list {
        let Some(f) = decode::fields(ctx, n, &["value", "key", "label"], "a scale level") else {
            ok = false;
            continue;
        };
        let value = f
            .require(ctx, "value")
            .and_then(|v| decode::number(ctx, v, "value"));
        let key = f
            .require(ctx, "key")
            .and_then(|k| decode::string(ctx, k, "key"));
        let label = f
            .get("label")
            .and_then(|l| decode::text(ctx, l, "label", language));
        let (Some(value), Some(key)) = (value, key) else {
            ok = false;
            continue;
        };
        if key == "na" {
            ctx.error_hint(
                f.key_loc("key"),
                "'na' cannot be a level key",
                "'na' marks an answer as not applicable; choose another key",
            );
            ok = false;
        } else if levels.iter().any(|l| l.value == value) {
            ctx.error_hint(
                f.get("value").map_or(f.loc(), |n| n.loc),
                format!("duplicate scale value {}", yaml::format_number(value)),
                "each level needs its own value",
            );
            ok = false;
        } else if levels.iter().any(|l| l.key == key) {
            ctx.error_hint(
                f.get("key").map_or(f.loc(), |n| n.loc),
                format!("duplicate scale key '{key}'"),
                "each level needs its own key",
            );
            ok = false;
        } else {
            levels.push(Level { value, key, label });
        }
    }
    if ok && levels.len() < 2 {
        ctx.error_hint(
            node.loc,
            format!("a scale needs at least two levels, found {}", levels.len()),
            "add levels, or use a built-in scale: yes-no, maturity, five-point",
        );
        return None;
    }
    levels.sort_by(|a, b| a.value.total_cmp(&b.value));
    ok.then_some(Scale { name: None, levels })
}

/// A target: a scale value or key, inside the scale.
fn read_target(ctx: &mut Ctx, node: &Node, scale: &Scale) -> Option<f64> {
    let value = match &node.kind {
        Kind::Int(_) | Kind::Float(_) => decode::number(ctx, node, "target")?,
        Kind::Str(s) => match scale.by_key(s) {
            Some(level) => level.value,
            None => match s.parse::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    let keys: Vec<&str> = scale.levels.iter().map(|l| l.key.as_str()).collect();
                    ctx.error_hint(
                        node.loc,
                        format!("'{s}' is not a level of the scale"),
                        format!(
                            "use a value from {} to {}, or a key: {}",
                            fmt_num(scale.min()),
                            fmt_num(scale.max()),
                            keys.join(", ")
                        ),
                    );
                    return None;
                }
            },
        },
        _ => {
            ctx.error(
                node.loc,
                format!(
                    "expected a scale value for 'target', found {}",
                    node.describe()
                ),
            );
            return None;
        }
    };
    if value < scale.min() || value > scale.max() {
        ctx.error_hint(
            node.loc,
            format!("target {} is outside the scale", fmt_num(value)),
            format!(
                "targets lie between {} and {}",
                fmt_num(scale.min()),
                fmt_num(scale.max())
            ),
        );
        return None;
    }
    Some(value)
}

/// The field that limits how old evidence may be (docs/format.md, "Evidence age").
const MAX_AGE: &str = "evidence-max-age";

/// `evidence-max-age` of a checklist, section or item, in seconds.
fn max_age(ctx: &mut Ctx, f: &Fields) -> Option<f64> {
    f.get(MAX_AGE)
        .and_then(|n| crate::metrics::read_duration(ctx, n, MAX_AGE))
}

fn fmt_num(v: f64) -> String {
    yaml::format_number(v)
}

struct SectionReader<'a> {
    language: &'a str,
    scale: Option<&'a Scale>,
    metric_ids: &'a HashMap<String, usize>,
    doubts: &'a Doubts,
}

impl SectionReader<'_> {
    pub(super) fn section(
        &self,
        ctx: &mut Ctx,
        node: &Node,
        section_ids: &mut HashMap<String, Loc>,
        item_ids: &mut HashMap<String, Loc>,
    ) -> Option<Section> {
        let f = decode::fields(
            ctx,
            node,
            &[
                "id",
                "title",
                "description",
                "weight",
                "target",
                "items",
                MAX_AGE,
            ],
            "a section",
        )?;
        let id = f.require(ctx, "id").and_then(|n| {
            let id = decode::id(ctx, n, "id", "section id")?;
            if let Some(first) = section_ids.get(&id) {
                ctx.error_hint(
                    n.loc,
                    format!("duplicate section id '{id}'"),
                    format!("the first is on line {}", first.line),
                );
                return None;
            }
            section_ids.insert(id.clone(), n.loc);
            Some(id)
        });
        let title = f
            .require(ctx, "title")
            .and_then(|n| decode::text(ctx, n, "title", self.language));
        let description = f
            .get("description")
            .and_then(|n| decode::text(ctx, n, "description", self.language));
        let weight = f
            .get("weight")
            .map_or(Some(1.0), |n| decode::weight(ctx, n));
        let target = self.target(ctx, &f);
        let evidence_max_age = max_age(ctx, &f);
        let mut items = Vec::new();
        if let Some(list) = f
            .require(ctx, "items")
            .and_then(|n| decode::list(ctx, n, "items"))
        {
            if list.is_empty() {
                ctx.error_hint(
                    f.key_loc("items"),
                    "a section needs at least one item",
                    "add an item with `id` and `title`, or remove the section",
                );
            }
            for n in list {
                if let Some(item) = self.item(ctx, n, item_ids) {
                    items.push(item);
                }
            }
        }
        Some(Section {
            id: id?,
            title: title?,
            description,
            weight: weight?,
            target,
            evidence_max_age,
            items,
        })
    }

    pub(super) fn target(&self, ctx: &mut Ctx, f: &Fields) -> Option<f64> {
        match (self.scale, f.get("target")) {
            (Some(scale), Some(n)) => read_target(ctx, n, scale),
            _ => None,
        }
    }

    pub(super) fn item(
        &self,
        ctx: &mut Ctx,
        node: &Node,
        item_ids: &mut HashMap<String, Loc>,
    ) -> Option<Item> {
        let f = decode::fields(
            ctx,
            node,
            &[
                "id", "title", "why", "how", "tools", "weight", "target", "metrics", "tags",
                MAX_AGE,
            ],
            "an item",
        )?;
        let id = f.require(ctx, "id").and_then(|n| {
            let id = decode::id(ctx, n, "id", "item id")?;
            if let Some(first) = item_ids.get(&id) {
                ctx.error_hint(
                    n.loc,
                    format!("duplicate item id '{id}'"),
                    format!(
                        "item ids are unique within a checklist; the first is on line {}",
                        first.line
                    ),
                );
                return None;
            }
            item_ids.insert(id.clone(), n.loc);
            Some(id)
        });
        let lang = self.language;
        let title = f
            .require(ctx, "title")
            .and_then(|n| decode::text(ctx, n, "title", lang));
        let why = f.get("why").and_then(|n| decode::text(ctx, n, "why", lang));
        let how = f.get("how").and_then(|n| decode::text(ctx, n, "how", lang));
        let tools = match f.get("tools") {
            Some(n) => decode::list(ctx, n, "tools")
                .map(|l| {
                    l.iter()
                        .filter_map(|t| decode::text(ctx, t, "tools", lang))
                        .collect()
                })
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let weight = f
            .get("weight")
            .map_or(Some(1.0), |n| decode::weight(ctx, n));
        let target = self.target(ctx, &f);
        let evidence_max_age = max_age(ctx, &f);
        let mut metrics = Vec::new();
        if let Some(list) = f
            .get("metrics")
            .and_then(|n| decode::list(ctx, n, "metrics"))
        {
            for n in list {
                let Some(m) = decode::string(ctx, n, "metrics") else {
                    continue;
                };
                if self.metric_ids.contains_key(&m) {
                    metrics.push(m);
                } else if !self.doubts.metric(&m) {
                    let hint = ctx.hint(&m, self.metric_ids.keys().map(String::as_str), || {
                        "define it under `metrics:` in auditbook.yaml, with a unit".to_string()
                    });
                    ctx.error_hint(n.loc, format!("unknown metric '{m}'"), hint);
                }
            }
        }
        let tags = match f.get("tags").and_then(|n| decode::list(ctx, n, "tags")) {
            Some(list) => list
                .iter()
                .filter_map(|n| decode::id(ctx, n, "tags", "tag"))
                .collect(),
            None => Vec::new(),
        };
        Some(Item {
            id: id?,
            title: title?,
            why,
            how,
            tools,
            weight: weight?,
            target,
            metrics,
            tags,
            evidence_max_age,
        })
    }
}
