//! The data files, written once for all languages: audit results and versions.json.

use rayon::prelude::*;
use serde::Serialize;

use crate::render::{Ctx, Plan, RenderError, Sink};
use crate::site::paths;

/// Data files, written once for all languages.
pub fn render_data(ctx: &Ctx, plan: &Plan, site: &dyn Sink) -> Result<(), RenderError> {
    ctx.results
        .par_iter()
        .filter(|r| plan.includes_audit(&r.round, &r.audit))
        .try_for_each(|r| {
            let mut json = serde_json::to_vec_pretty(r).unwrap_or_default();
            json.push(b'\n');
            site.put(format!("data/rounds/{}/{}.json", r.round, r.audit), &json)
        })?;
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
    Ok(site.put("versions.json".into(), &json)?)
}
