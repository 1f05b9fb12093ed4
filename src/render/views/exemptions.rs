//! Exemptions as pages show them: the details beside an exempt item (audit, gap analysis
//! and report pages) and the exemptions page, which lists them all by expiry.

use serde::Serialize;

use crate::analysis::{self, ExemptionState};
use crate::model::Exemption;
use crate::render::format::{Arg, Day, Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::site::paths;

use super::*;

/// One exemption: what it covers, why, who owns it and the days it applies.
#[derive(Serialize, Clone)]
pub(super) struct ExemptionView {
    checklist: Txt,
    item: Txt,
    subject: Txt,
    reason: Md,
    /// `None` where a public build left it out.
    owner: Option<String>,
    approved: Day,
    until: Day,
    /// `active`, `expiring` or `expired` on the newest round's date.
    state: &'static str,
    /// The mark of an exemption that is expiring or expired.
    state_label: Option<Txt>,
    /// The item's page, for lists that name the item.
    item_href: Option<String>,
}

/// The view of `e`, titles taken from the current version of its checklist; with `root` (the
/// way up from the page to the site's root), a link to the item's page when the item exists.
pub(super) fn exemption_view(
    ctx: &Ctx,
    loc: &Locale,
    e: &Exemption,
    root: Option<&str>,
) -> ExemptionView {
    let state = ExemptionState::of(e, ctx.model.rounds.last().map(|r| r.date));
    let checklist = ctx.model.current_checklist(&e.checklist);
    let item = checklist
        .and_then(|c| c.items().find(|(_, i)| i.id == e.item))
        .map(|(_, i)| loc.txt(&i.title));
    let item_href = root
        .filter(|_| item.is_some())
        .map(|root| format!("{root}{}", paths::item(&e.checklist, &e.item)));
    let item = item.unwrap_or_else(|| Txt::plain(e.item.clone()));
    ExemptionView {
        checklist: checklist.map_or_else(|| Txt::plain(e.checklist.clone()), |c| loc.txt(&c.title)),
        item,
        subject: match &e.subject {
            Some(s) => subject_label(ctx, loc, Some(s)),
            None => loc.ui("every_subject"),
        },
        reason: loc.md(&e.reason),
        owner: (!e.owner.is_empty()).then(|| e.owner.clone()),
        approved: loc.date(e.approved),
        until: loc.date(e.until),
        state: state.as_str(),
        state_label: match state {
            ExemptionState::Expiring => Some(loc.ui("exemption_expiring")),
            ExemptionState::Expired => Some(loc.ui("exemption_expired")),
            ExemptionState::Active => None,
        },
        item_href,
    }
}

#[derive(Serialize)]
struct ExemptionsPage {
    explained: String,
    exemptions: Vec<ExemptionView>,
}

/// `exemptions/index.html`, made only where the workspace has exemptions.
pub(super) fn exemptions_page(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    if ctx.model.exemptions.is_empty() {
        return Ok(());
    }
    let path = paths::EXEMPTIONS;
    let root = crate::site::up(path);
    let exemptions = analysis::exemptions_by_expiry(ctx.model)
        .into_iter()
        .map(|(e, _)| exemption_view(ctx, loc, e, Some(&root)))
        .collect();
    let explained = loc.msg(
        "exemptions_explained",
        &[("days", Arg::Count(analysis::EXPIRING_DAYS as usize))],
    );
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), format!("{root}index.html"))];
    let page = ctx.page_info(
        loc,
        path,
        "exemptions",
        loc.s("nav_exemptions"),
        crumbs,
        Ctx::no_switcher(),
    );
    render_page(
        ctx,
        site,
        "exemptions.html",
        format!("{prefix}{path}"),
        &page,
        &ExemptionsPage {
            explained,
            exemptions,
        },
    )
}
