//! Metric definitions: one reader for the built-in ones (src/builtin/metrics.yaml) and for
//! those under `metrics:` in auditbook.yaml, which change a built-in metric or add one.

use std::path::Path;

use crate::decode::{self, Ctx};
use crate::diag::Diagnostics;
use crate::metrics::{self, Better, MetricDef, Unit};
use crate::text::Text;
use crate::yaml::{self, Node};

/// Reads one metric definition: a change to the metric `known` gives for its id (only the
/// fields written change, and not the unit), or a new metric, which needs a unit. `ids` are
/// the metrics known, to suggest one for a new metric without a unit. Texts are in
/// `default` unless written as a map. `None` when the definition names no metric, or a new
/// one without a unit.
pub(super) fn read_metric<'m>(
    ctx: &mut Ctx,
    node: &Node,
    default: &str,
    known: impl Fn(&str) -> Option<&'m MetricDef>,
    ids: impl IntoIterator<Item = &'m str>,
) -> Option<MetricDef> {
    let f = decode::fields(
        ctx,
        node,
        &[
            "id",
            "title",
            "unit",
            "better",
            "target",
            "warn",
            "description",
        ],
        "a metric",
    )?;
    let id = f
        .require(ctx, "id")
        .and_then(|n| decode::id(ctx, n, "id", "metric id"))?;
    let existing = known(&id);
    let unit = f.get("unit").and_then(|n| {
        let s = decode::string(ctx, n, "unit")?;
        let unit = Unit::parse(&s);
        if unit.is_none() {
            const UNITS: [&str; 4] = ["percent", "score", "duration", "count"];
            let hint = ctx.hint(&s, UNITS, || {
                "units are percent, score, duration and count".to_string()
            });
            ctx.error_hint(n.loc, format!("unknown unit '{s}'"), hint);
        }
        unit
    });
    let mut def = match existing {
        Some(def) => {
            let def = def.clone();
            if let (Some(u), Some(n)) = (unit, f.get("unit"))
                && u != def.unit
            {
                ctx.error_hint(
                    n.loc,
                    format!("the unit of built-in metric '{id}' cannot change"),
                    "define a new metric with its own id instead",
                );
            }
            def
        }
        None => {
            let Some(unit) = unit else {
                if f.get("unit").is_none() {
                    let hint = match ctx.suggest(&id, ids) {
                        Some(s) => {
                            format!("{} A new metric needs `unit:`", s.hint_as("the built-in"))
                        }
                        None => {
                            "a new metric needs `unit:` (percent, score, duration or count)".into()
                        }
                    };
                    ctx.error_hint(f.loc(), format!("new metric '{id}' has no unit"), hint);
                }
                return None;
            };
            MetricDef {
                id: id.clone(),
                title: Text::plain(id.clone(), default),
                unit,
                better: Better::Higher,
                target: None,
                warn: None,
                description: None,
            }
        }
    };
    if let Some(t) = f
        .get("title")
        .and_then(|n| decode::text(ctx, n, "title", default))
    {
        def.title = t;
    }
    if let Some(d) = f
        .get("description")
        .and_then(|n| decode::text(ctx, n, "description", default))
    {
        def.description = Some(d);
    }
    if let Some(n) = f.get("better") {
        match decode::string(ctx, n, "better").as_deref() {
            Some("higher") => def.better = Better::Higher,
            Some("lower") => def.better = Better::Lower,
            Some(other) => ctx.error_hint(
                n.loc,
                format!("invalid 'better' value '{other}'"),
                "write `better: higher` or `better: lower`",
            ),
            None => {}
        }
    }
    if let Some(n) = f.get("target") {
        def.target = metrics::read_level(ctx, n, "target", &def.id, def.unit);
    }
    if let Some(n) = f.get("warn") {
        def.warn = metrics::read_level(ctx, n, "warn", &def.id, def.unit);
        if let (Some(w), Some(t)) = (def.warn, def.target) {
            let wrong_side = match def.better {
                Better::Higher => w > t,
                Better::Lower => w < t,
            };
            if wrong_side {
                let side = if def.better == Better::Higher {
                    "below"
                } else {
                    "above"
                };
                ctx.error_hint(
                    n.loc,
                    format!("'warn' of '{id}' is beyond its target"),
                    format!("'warn' marks the at-risk zone, so it lies {side} the target"),
                );
            }
        }
    }
    Some(def)
}

/// The built-in metrics, embedded in the binary, read like the definitions under `metrics:`.
pub fn builtin_metrics() -> Vec<MetricDef> {
    // Decoded once per process: `serve` loads the workspace again on every save.
    static DECODED: std::sync::OnceLock<Vec<MetricDef>> = std::sync::OnceLock::new();
    DECODED.get_or_init(decode_builtin_metrics).clone()
}

fn decode_builtin_metrics() -> Vec<MetricDef> {
    static SOURCE: &str = include_str!("../builtin/metrics.yaml");
    let node = yaml::parse(SOURCE).expect("built-in metrics are valid YAML");
    let mut diags = Diagnostics::default();
    let mut ctx = Ctx::new(Path::new("builtin/metrics.yaml"), &mut diags);
    let mut out: Vec<MetricDef> = Vec::new();
    for n in decode::list(&mut ctx, &node, "metrics").unwrap_or_default() {
        let def = read_metric(&mut ctx, n, "en", |_| None, []);
        out.extend(def);
    }
    debug_assert!(diags.is_empty(), "built-in metrics: {diags:?}");
    out
}
