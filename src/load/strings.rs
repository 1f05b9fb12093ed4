//! Interface strings: i18n/<lang>.yaml, the texts of the site's own words in a language.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::{Loader, file_ctx};
use crate::decode;
use crate::source::Loc;
use crate::yaml::Node;

/// The interface strings read, by language: the file and its strings (key -> text).
pub(super) type Strings = HashMap<String, (PathBuf, HashMap<String, String>)>;

impl Loader<'_> {
    /// Reads the i18n/<lang>.yaml files: a language tag as the file name, and a mapping of
    /// interface string to text. Unknown keys are warned about and left out.
    pub(super) fn strings(&mut self, files: Vec<(PathBuf, Arc<Node>)>) -> Strings {
        let mut out = HashMap::new();
        for (path, node) in &files {
            let mut ctx = file_ctx(self.diags, &mut self.texts, path);
            let lang = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            let lang = &crate::text::canonical_tag(lang);
            if !crate::text::is_language_tag(lang) {
                ctx.error_hint(
                    Loc::default(),
                    format!("'{lang}' is not a language tag"),
                    "name the file after its language, such as i18n/hr.yaml or i18n/pt-BR.yaml",
                );
                continue;
            }
            let Some(entries) = node.as_map() else {
                ctx.error(
                    node.loc,
                    format!(
                        "expected a mapping of interface string -> text, found {}",
                        node.describe()
                    ),
                );
                continue;
            };
            let mut strings = HashMap::new();
            for (k, v) in entries {
                let Some(key) = decode::string(&mut ctx, k, "key") else {
                    continue;
                };
                let Some(value) = decode::string(&mut ctx, v, &key) else {
                    continue;
                };
                if !crate::i18n::is_known_key(&key) {
                    let hint = ctx.hint(&key, crate::i18n::known_keys(), || {
                        "see docs/format.md for the interface strings".to_string()
                    });
                    ctx.warning_hint(k.loc, format!("unknown interface string '{key}'"), hint);
                    continue;
                }
                strings.insert(key, value);
            }
            out.insert(lang.to_string(), (path.clone(), strings));
        }
        out
    }
}
