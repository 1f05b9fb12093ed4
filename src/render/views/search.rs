//! The search index of each language, from the entries of its audits.

use serde::Serialize;

use crate::render::{RenderError, Sink};

#[derive(Serialize)]
pub(super) struct SearchEntry {
    pub(super) kind: String,
    pub(super) title: String,
    pub(super) text: String,
    pub(super) url: String,
}

impl SearchEntry {
    /// The entry as the index holds it: its texts cleaned like every text of a page
    /// ([`crate::markdown::clean`]).
    pub(super) fn cleaned(self) -> SearchEntry {
        let clean = |s: String| match crate::markdown::clean(&s) {
            std::borrow::Cow::Borrowed(_) => s,
            std::borrow::Cow::Owned(o) => o,
        };
        SearchEntry {
            kind: clean(self.kind),
            title: clean(self.title),
            text: clean(self.text),
            url: self.url,
        }
    }
}

/// The search index of one language, from its audits' entries in site order: a JSON array.
pub fn render_search<'a>(
    lang: &str,
    entries: impl Iterator<Item = &'a [u8]>,
    site: &dyn Sink,
) -> Result<(), RenderError> {
    let chunks: Vec<&[u8]> = entries.filter(|c| !c.is_empty()).collect();
    // Sized once: the index of a large workspace is megabytes, and grown step by step it
    // would be copied again at each step.
    let mut json = Vec::with_capacity(2 + chunks.iter().map(|c| c.len() + 1).sum::<usize>());
    json.push(b'[');
    for chunk in chunks {
        if json.len() > 1 {
            json.push(b',');
        }
        json.extend_from_slice(chunk);
    }
    json.push(b']');
    Ok(site.put_owned(format!("data/search/{lang}.json"), json)?)
}
