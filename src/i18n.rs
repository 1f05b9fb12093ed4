//! Interface strings: the built-in ones for each interface language, embedded in the binary,
//! and the lookup that applies a workspace's `i18n/<lang>.yaml` overrides.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::yaml::{self, Kind};

/// The built-in interface languages and their string files.
const BUILTIN: &[(&str, &str)] = &[
    ("en", include_str!("i18n/en.yaml")),
    ("hr", include_str!("i18n/hr.yaml")),
    ("hu", include_str!("i18n/hu.yaml")),
    ("sl", include_str!("i18n/sl.yaml")),
    ("et", include_str!("i18n/et.yaml")),
    ("ru", include_str!("i18n/ru.yaml")),
    ("de", include_str!("i18n/de.yaml")),
    ("fr", include_str!("i18n/fr.yaml")),
    ("es", include_str!("i18n/es.yaml")),
    ("it", include_str!("i18n/it.yaml")),
    ("pt", include_str!("i18n/pt.yaml")),
    ("nl", include_str!("i18n/nl.yaml")),
    ("pl", include_str!("i18n/pl.yaml")),
];

type Table = HashMap<String, String>;

fn tables() -> &'static HashMap<&'static str, Table> {
    static TABLES: OnceLock<HashMap<&'static str, Table>> = OnceLock::new();
    TABLES.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(lang, src)| (*lang, parse_table(src)))
            .collect()
    })
}

fn parse_table(src: &str) -> Table {
    let Ok(node) = yaml::parse(src) else {
        return Table::new();
    };
    let Kind::Map(entries) = node.kind else {
        return Table::new();
    };
    entries
        .into_iter()
        .filter_map(|(k, v)| Some((k.scalar_text()?, v.scalar_text()?)))
        .collect()
}

/// The languages with built-in interface strings, in a fixed order.
pub fn builtin_languages() -> Vec<&'static str> {
    BUILTIN.iter().map(|(lang, _)| *lang).collect()
}

/// Whether the interface has built-in strings in `lang` or in one of its parents.
pub fn is_builtin_language(lang: &str) -> bool {
    own_table(lang).is_some()
}

pub fn is_known_key(key: &str) -> bool {
    tables()["en"].contains_key(key)
}

pub fn known_keys() -> impl Iterator<Item = &'static str> {
    tables()["en"].keys().map(String::as_str)
}

/// The built-in table of `lang` or of its nearest parent (`hr-HR` → `hr`).
fn own_table(lang: &str) -> Option<&'static Table> {
    let t = tables();
    std::iter::once(lang)
        .chain(crate::text::parents(lang))
        .find_map(|l| t.get(l))
}

/// The interface strings of one page language.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub map: HashMap<String, String>,
    /// Keys whose text is the English built-in because the language has none of its own;
    /// pages mark such text as English.
    pub fallback: std::collections::HashSet<String>,
}

/// The interface strings of a page language: the built-in ones of the language or of its
/// nearest parent (English where the interface has none), then the workspace's overrides.
pub fn strings_for(lang: &str, overrides: Option<&HashMap<String, String>>) -> Strings {
    let t = tables();
    let (mut map, english) = match own_table(lang) {
        Some(own) => (own.clone(), false),
        None => (t["en"].clone(), lang.split('-').next() != Some("en")),
    };
    let mut fallback: std::collections::HashSet<String> = if english {
        map.keys().cloned().collect()
    } else {
        Default::default()
    };
    if let Some(o) = overrides {
        for (k, v) in o {
            map.insert(k.clone(), v.clone());
            fallback.remove(k);
        }
    }
    Strings { map, fallback }
}

/// A built-in string: in `lang` (or its nearest parent) if the interface has it, else in
/// English.
pub fn builtin(lang: &str, key: &str) -> Option<&'static str> {
    let t = tables();
    own_table(lang)
        .and_then(|table| table.get(key))
        .or_else(|| t["en"].get(key))
        .map(String::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_languages_use_their_parents_strings() {
        let hr = strings_for("hr-HR", None);
        assert_eq!(hr.map.get("round"), tables()["hr"].get("round"));
        assert!(hr.fallback.is_empty());
        assert_eq!(builtin("hr-HR", "round"), builtin("hr", "round"));
        assert!(!strings_for("ja-JP", None).fallback.is_empty());
        assert!(is_builtin_language("hr-HR") && !is_builtin_language("ja-JP"));
        // A regional German page takes the built-in German strings.
        assert!(is_builtin_language("de-CH") && strings_for("de-CH", None).fallback.is_empty());
    }

    #[test]
    fn every_language_has_every_key() {
        let en = &tables()["en"];
        assert!(en.len() > 10);
        for (lang, table) in tables() {
            for key in en.keys() {
                assert!(table.contains_key(key), "{lang} lacks {key}");
            }
            for key in table.keys() {
                assert!(en.contains_key(key), "{lang} has unknown {key}");
            }
        }
    }
}
