//! Exemptions: `exemptions/**/*.yaml`, one accepted gap per file — the item, the subject it
//! is accepted for (or every subject), why, who owns it, and the days it applies
//! (docs/format.md, "Exemptions"). What it says of other files is checked in `cross`.

use std::path::PathBuf;
use std::sync::Arc;

use super::{Loader, read_record};
use crate::decode::{self, Ctx};
use crate::model::Exemption;
use crate::source::Loc;
use crate::yaml::Node;

const FIELDS: &[&str] = &[
    "checklist",
    "item",
    "subject",
    "reason",
    "owner",
    "approved",
    "until",
];

/// Where an exemption's fields are written, for the checks across files.
#[derive(Debug, Clone, Copy)]
pub(super) struct ExemptionSite {
    pub checklist: Loc,
    pub item: Loc,
    pub subject: Option<Loc>,
    pub until: Loc,
}

impl Loader<'_> {
    /// Reads every exemption file; those read without errors come back with where their
    /// fields are, in file order.
    pub(super) fn exemptions(
        &mut self,
        files: Vec<(PathBuf, Arc<Node>)>,
    ) -> Vec<(Exemption, ExemptionSite)> {
        let default = self.default_language();
        let mut out = Vec::new();
        for (path, node) in &files {
            let texts = self.texts.entry(path.clone()).or_default();
            let read = read_record(self.diags, texts, path, |ctx| {
                read_exemption(ctx, node, &default)
            });
            if let (Some((mut exemption, site)), true) = (read.value, read.clean) {
                exemption.file = path.clone();
                out.push((exemption, site));
            }
        }
        out
    }
}

/// Reads one exemption file. Its texts are in `default`, the site's default language,
/// unless written as a map.
fn read_exemption(ctx: &mut Ctx, node: &Node, default: &str) -> Option<(Exemption, ExemptionSite)> {
    let f = decode::fields(ctx, node, FIELDS, "an exemption")?;
    let checklist = f.require(ctx, "checklist");
    let checklist =
        checklist.and_then(|n| Some((decode::id(ctx, n, "checklist", "checklist id")?, n.loc)));
    let item = f.require(ctx, "item");
    let item = item.and_then(|n| Some((decode::id(ctx, n, "item", "item id")?, n.loc)));
    // `Some(None)`: a subject is written but is not an id (already reported).
    let subject =
        (f.get("subject")).map(|n| decode::id(ctx, n, "subject", "subject id").map(|s| (s, n.loc)));
    let reason = f.require(ctx, "reason");
    let reason = reason.and_then(|n| decode::text(ctx, n, "reason", default));
    let owner = f.require(ctx, "owner");
    let owner = owner.and_then(|n| {
        let s = decode::string(ctx, n, "owner")?;
        if s.trim().is_empty() {
            ctx.error_hint(
                n.loc,
                "empty 'owner' in an exemption",
                "name the person who owns the accepted gap",
            );
            return None;
        }
        Some(s)
    });
    let approved = f.require(ctx, "approved");
    let approved = approved.and_then(|n| decode::date(ctx, n, "approved"));
    let until_node = f.require(ctx, "until");
    let until = until_node.and_then(|n| decode::date(ctx, n, "until"));
    let (Some((checklist, checklist_loc)), Some((item, item_loc)), Some(reason), Some(owner)) =
        (checklist, item, reason, owner)
    else {
        return None;
    };
    let (Some(approved), Some(until), Some(until_node)) = (approved, until, until_node) else {
        return None;
    };
    let subject = match subject {
        Some(None) => return None,
        Some(Some(s)) => Some(s),
        None => None,
    };
    if until < approved {
        ctx.error_hint(
            until_node.loc,
            format!("exemption ends ({until}) before it is approved ({approved})"),
            "`until:` is the last day the exemption applies, on or after `approved:`",
        );
        return None;
    }
    let site = ExemptionSite {
        checklist: checklist_loc,
        item: item_loc,
        subject: subject.as_ref().map(|(_, loc)| *loc),
        until: until_node.loc,
    };
    Some((
        Exemption {
            file: PathBuf::new(),
            checklist,
            item,
            subject: subject.map(|(s, _)| s),
            reason,
            owner,
            approved,
            until,
        },
        site,
    ))
}
