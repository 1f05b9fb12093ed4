//! Multilingual text: a plain string in the file's language, or a map from language tag to
//! string, with the fallback rule of the format.

use std::collections::BTreeMap;

/// A text in one or more languages.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Text {
    values: BTreeMap<String, String>,
    /// The language of the file the text was written in: the last fallback.
    file_language: String,
}

/// A text resolved for one language: the string, and the language it is really in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Localized<'a> {
    pub text: &'a str,
    pub lang: &'a str,
}

impl Text {
    pub fn plain(s: impl Into<String>, file_language: &str) -> Self {
        let mut values = BTreeMap::new();
        values.insert(file_language.to_string(), s.into());
        Text {
            values,
            file_language: file_language.to_string(),
        }
    }

    pub fn from_map(values: BTreeMap<String, String>, file_language: &str) -> Self {
        Text {
            values,
            file_language: file_language.to_string(),
        }
    }

    /// The text in `lang`, else in the site's default language, else in the file's
    /// language, else in any language it has.
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> Localized<'a> {
        for want in [lang, default_lang, self.file_language.as_str()] {
            if let Some((l, t)) = self.values.get_key_value(want) {
                return Localized { text: t, lang: l };
            }
        }
        match self.values.iter().next() {
            Some((l, t)) => Localized { text: t, lang: l },
            None => Localized {
                text: "",
                lang: &self.file_language,
            },
        }
    }

    pub fn has(&self, lang: &str) -> bool {
        self.values.contains_key(lang)
    }

    pub fn languages(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    pub fn values(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(l, t)| (l.as_str(), t.as_str()))
    }
}

/// Whether `tag` looks like a BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`, `sr-Latn-RS`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(primary) = parts.next() else {
        return false;
    };
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a language is written right to left.
pub fn is_rtl(tag: &str) -> bool {
    let primary = tag.split('-').next().unwrap_or(tag);
    matches!(
        primary,
        "ar" | "he" | "fa" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" | "syr"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_default_then_file_language() {
        let mut m = BTreeMap::new();
        m.insert("hr".to_string(), "Revizija".to_string());
        m.insert("en".to_string(), "Audit".to_string());
        let t = Text::from_map(m, "hr");
        assert_eq!(t.get("hu", "en").text, "Audit");
        assert_eq!(t.get("hu", "en").lang, "en");
        assert_eq!(t.get("hu", "sl").lang, "hr");
        assert_eq!(t.get("hr", "en").text, "Revizija");
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "pt-BR", "zh-Hant", "sr-Latn-RS", "ckb"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "EN", "english", "en_US", "e", "en-"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        assert!(is_rtl("ar") && is_rtl("he-IL") && !is_rtl("en"));
    }
}
