//! The checklist pages: the current version with translation coverage, each version with
//! what changed, and each item across rounds.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::model::Checklist;
use crate::render::format::{Locale, Md, Txt};
use crate::render::{Ctx, RenderError, Sink};
use crate::site::paths;

use super::*;

#[derive(Serialize)]
struct ChecklistSummary {
    title: Txt,
    id: String,
    version: u32,
    href: String,
    items: usize,
    sections: usize,
    versions: usize,
}

#[derive(Serialize)]
struct ChecklistItemView {
    id: String,
    title: Txt,
    why: Option<Md>,
    how: Option<Md>,
    tools: Vec<Txt>,
    weight: String,
    target: Txt,
    metrics: Vec<Txt>,
    tags: Vec<String>,
    /// The item's page across rounds.
    history: String,
}

#[derive(Serialize)]
struct ChecklistSectionView {
    id: String,
    title: Txt,
    description: Option<Md>,
    weight: String,
    items: Vec<ChecklistItemView>,
}

#[derive(Serialize)]
struct Coverage {
    lang: String,
    dir: &'static str,
    name: String,
    present: usize,
    total: usize,
    percent: String,
    complete: bool,
    /// The field paths of the texts without this language, in the checklist's order.
    missing: Vec<String>,
}

#[derive(Serialize)]
struct VersionLink {
    version: u32,
    href: String,
    current: bool,
    items: usize,
}

#[derive(Serialize)]
struct Retitled {
    id: String,
    from: Txt,
    to: Txt,
}

#[derive(Serialize)]
struct VersionChanges {
    previous: u32,
    previous_href: String,
    added: Vec<Txt>,
    removed: Vec<Txt>,
    retitled: Vec<Retitled>,
}

#[derive(Serialize)]
struct ChecklistView {
    id: String,
    title: Txt,
    description: Option<Md>,
    version: u32,
    is_current: bool,
    current_href: String,
    scale: Vec<ScaleLevel>,
    target: Txt,
    sections: Vec<ChecklistSectionView>,
    coverage: Vec<Coverage>,
    versions: Vec<VersionLink>,
    changes: Option<VersionChanges>,
    item_count: usize,
}

#[derive(Serialize)]
struct ScaleLevel {
    value: String,
    key: String,
    label: Txt,
}

fn checklist_view(
    ctx: &Ctx,
    loc: &Locale,
    c: &Checklist,
    versions: &[&Checklist],
    from_path: &str,
) -> ChecklistView {
    let root = crate::site::up(from_path);
    // The loader records, per site language, the texts that lack it: counting them here
    // would look at every text once per language on every language's page.
    let total = c.texts().len();
    let coverage = ctx
        .model
        .config
        .languages
        .iter()
        .map(|l| {
            let missing = c.missing_texts.get(l).cloned().unwrap_or_default();
            let present = total.saturating_sub(missing.len());
            Coverage {
                dir: if crate::text::is_rtl(l) { "rtl" } else { "ltr" },
                lang: l.clone(),
                name: crate::render::format::autonym(l),
                present,
                total,
                percent: loc.num(100.0 * present as f64 / total.max(1) as f64, 0),
                complete: present == total,
                missing,
            }
        })
        .collect();
    let current = versions.last().map_or(c.version, |v| v.version);
    let previous = versions.iter().rev().find(|v| v.version < c.version);
    let changes = previous.map(|p| {
        let old: HashMap<&str, &crate::model::Item> =
            p.items().map(|(_, i)| (i.id.as_str(), i)).collect();
        let new_ids: HashSet<&str> = c.items().map(|(_, i)| i.id.as_str()).collect();
        VersionChanges {
            previous: p.version,
            previous_href: format!("{root}{}", paths::checklist_version(&p.id, p.version)),
            added: c
                .items()
                .filter(|(_, i)| !old.contains_key(i.id.as_str()))
                .map(|(_, i)| loc.txt(&i.title))
                .collect(),
            removed: p
                .items()
                .filter(|(_, i)| !new_ids.contains(i.id.as_str()))
                .map(|(_, i)| loc.txt(&i.title))
                .collect(),
            retitled: c
                .items()
                .filter_map(|(_, i)| {
                    let o = old.get(i.id.as_str())?;
                    // Compared as this page shows them: a change to another language's
                    // translation is no retitling in this one.
                    let (from, to) = (loc.txt(&o.title), loc.txt(&i.title));
                    (from != to).then(|| Retitled {
                        id: i.id.clone(),
                        from,
                        to,
                    })
                })
                .collect(),
        }
    });
    let metric_title = |id: &String| {
        ctx.model
            .metric(id)
            .map_or_else(|| Txt::plain(id.clone()), |m| loc.txt(&m.title))
    };
    ChecklistView {
        id: c.id.clone(),
        title: loc.txt(&c.title),
        description: loc.md_opt(c.description.as_ref()),
        version: c.version,
        is_current: c.version == current,
        current_href: format!("{root}{}", paths::checklist(&c.id)),
        scale: c
            .scale
            .levels
            .iter()
            .map(|l| ScaleLevel {
                value: loc.num(l.value, if l.value.fract() == 0.0 { 0 } else { 2 }),
                key: l.key.clone(),
                label: loc.level_label(&c.scale, l.value),
            })
            .collect(),
        target: c.target.map_or_else(
            || loc.level_label(&c.scale, c.scale.max()),
            |t| loc.level_label(&c.scale, t),
        ),
        sections: c
            .sections
            .iter()
            .map(|s| ChecklistSectionView {
                id: s.id.clone(),
                title: loc.txt(&s.title),
                description: loc.md_opt(s.description.as_ref()),
                weight: loc.num(s.weight, if s.weight.fract() == 0.0 { 0 } else { 2 }),
                items: s
                    .items
                    .iter()
                    .map(|i| ChecklistItemView {
                        id: i.id.clone(),
                        title: loc.txt(&i.title),
                        why: loc.md_opt(i.why.as_ref()),
                        how: loc.md_opt(i.how.as_ref()),
                        tools: i.tools.iter().map(|t| loc.txt(t)).collect(),
                        weight: loc.num(i.weight, if i.weight.fract() == 0.0 { 0 } else { 2 }),
                        target: loc.level_label(&c.scale, c.item_target(s, i)),
                        metrics: i.metrics.iter().map(metric_title).collect(),
                        tags: i.tags.clone(),
                        history: format!("{root}{}", paths::item(&c.id, &i.id)),
                    })
                    .collect(),
            })
            .collect(),
        coverage,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionLink {
                version: v.version,
                href: format!("{root}{}", paths::checklist_version(&v.id, v.version)),
                current: v.version == c.version,
                items: v.item_count(),
            })
            .collect(),
        changes,
        item_count: c.item_count(),
    }
}

pub(super) fn checklist_pages(
    ctx: &Ctx,
    loc: &Locale,
    prefix: &str,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let mut by_id: BTreeMap<&str, Vec<&Checklist>> = BTreeMap::new();
    for c in &ctx.model.checklists {
        by_id.entry(&c.id).or_default().push(c);
    }
    #[derive(Serialize)]
    struct Index {
        checklists: Vec<ChecklistSummary>,
    }
    let index = Index {
        checklists: by_id
            .values()
            .filter_map(|versions| {
                let c = versions.last()?;
                Some(ChecklistSummary {
                    title: loc.txt(&c.title),
                    id: c.id.clone(),
                    version: c.version,
                    href: format!("{}/index.html", c.id),
                    items: c.item_count(),
                    sections: c.sections.len(),
                    versions: versions.len(),
                })
            })
            .collect(),
    };
    let path = "checklists/index.html";
    let crumbs = vec![crumb(loc.ui("nav_dashboard"), "../index.html".into())];
    let page = ctx.page_info(
        loc,
        path,
        "checklists",
        loc.s("nav_checklists"),
        crumbs,
        Ctx::no_switcher(),
    );
    render_page(
        ctx,
        site,
        "checklists.html",
        format!("{prefix}{path}"),
        &page,
        &index,
    )?;
    for (id, versions) in &by_id {
        let Some(current) = versions.last() else {
            continue;
        };
        let path = paths::checklist(id);
        let root = crate::site::up(&path);
        let crumbs = checklists_crumbs(loc, &root);
        let view = checklist_view(ctx, loc, current, versions, &path);
        let page = ctx.page_info(
            loc,
            &path,
            "checklists",
            view.title.text.clone(),
            crumbs.clone(),
            Ctx::no_switcher(),
        );
        render_page(
            ctx,
            site,
            "checklist.html",
            format!("{prefix}{path}"),
            &page,
            &view,
        )?;
        for c in versions {
            let path = paths::checklist_version(id, c.version);
            let root = crate::site::up(&path);
            let mut crumbs = one_folder_deeper(&crumbs);
            crumbs.push(crumb(
                loc.txt(&current.title),
                format!("{root}{}", paths::checklist(id)),
            ));
            let view = checklist_view(ctx, loc, c, versions, &path);
            let title = format!("{} · v{}", view.title.text, c.version);
            let page = ctx.page_info(loc, &path, "checklists", title, crumbs, Ctx::no_switcher());
            render_page(
                ctx,
                site,
                "checklist.html",
                format!("{prefix}{path}"),
                &page,
                &view,
            )?;
        }
    }
    Ok(())
}

/// The breadcrumbs of a page under the checklists, from `root`: dashboard, checklists.
pub(super) fn checklists_crumbs(loc: &Locale, root: &str) -> Vec<Link> {
    vec![
        crumb(loc.ui("nav_dashboard"), format!("{root}index.html")),
        crumb(
            loc.ui("nav_checklists"),
            format!("{root}checklists/index.html"),
        ),
    ]
}
