//! Metric snapshots: metrics/**/*.yaml, each read on its own (on every core) against the
//! metric definitions.

use std::path::Path;

use super::Loader;
use crate::decode::{self, Ctx, TextLanguages};
use crate::diag::Diagnostics;
use crate::metrics::{self, Snapshot};
use crate::yaml::Node;

impl Loader<'_> {
    pub(super) fn snapshot(
        &self,
        diags: &mut Diagnostics,
        texts: &mut TextLanguages,
        path: &Path,
        node: &Node,
    ) -> Option<Snapshot> {
        let default = self.default_language();
        let mut ctx = Ctx::with_texts(path, diags, texts);
        let f = decode::fields(
            &mut ctx,
            node,
            &["taken", "period", "subject", "language", "values"],
            "a metric snapshot",
        )?;
        let taken = f
            .require(&mut ctx, "taken")
            .and_then(|n| decode::date(&mut ctx, n, "taken"));
        let period = f.get("period").and_then(|n| {
            let p = decode::fields(&mut ctx, n, &["from", "to"], "a period")?;
            let from = p
                .require(&mut ctx, "from")
                .and_then(|n| decode::date(&mut ctx, n, "from"));
            let to = p
                .require(&mut ctx, "to")
                .and_then(|n| decode::date(&mut ctx, n, "to"));
            let (from, to) = (from?, to?);
            if from > to {
                ctx.error_hint(
                    n.loc,
                    format!("period ends ({to}) before it starts ({from})"),
                    "swap `from` and `to`",
                );
                return None;
            }
            Some((from, to))
        });
        let subject = f
            .get("subject")
            .and_then(|n| decode::id(&mut ctx, n, "subject", "subject id"));
        let language = f
            .get("language")
            .and_then(|n| decode::language(&mut ctx, n, "language"))
            .unwrap_or(default);
        let mut values = Vec::new();
        let mut ok = true;
        if let Some(n) = f.require(&mut ctx, "values") {
            match n.as_map() {
                Some(entries) => {
                    for (k, v) in entries {
                        let Some(id) = decode::string(&mut ctx, k, "values") else {
                            ok = false;
                            continue;
                        };
                        let Some(def) = self.metric_index.get(&id).map(|&i| &self.metrics[i])
                        else {
                            ok = false;
                            if self.doubts.metric(&id) {
                                continue;
                            }
                            let hint =
                                ctx.hint(&id, self.metrics.iter().map(|m| m.id.as_str()), || {
                                    "define it under `metrics:` in auditbook.yaml, with a unit"
                                        .to_string()
                                });
                            ctx.error_hint(k.loc, format!("unknown metric '{id}'"), hint);
                            continue;
                        };
                        match metrics::read_value(&mut ctx, v, def, &language) {
                            Some(value) => values.push(value),
                            None => ok = false,
                        }
                    }
                }
                None => {
                    ctx.error(
                        n.loc,
                        format!(
                            "expected a mapping of metric id -> value for 'values', found {}",
                            n.describe()
                        ),
                    );
                    ok = false;
                }
            }
        }
        let snapshot = Snapshot {
            file: path.to_path_buf(),
            taken: taken?,
            period,
            subject,
            values,
        };
        ok.then_some(snapshot)
    }
}
