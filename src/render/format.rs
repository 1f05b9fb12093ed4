//! Turning values into display text for one page language: numbers, metric values, texts
//! that may fall back to another language, and Markdown.

use std::collections::HashMap;

use serde::Serialize;

use crate::markdown;
use crate::metrics::{MetricDef, Unit};
use crate::model::{Model, Scale};
use crate::text::{Text, is_rtl};

/// A text as a page shows it: `lang` is set when the text fell back to a language other
/// than the page's, so the template can mark it, and `dir` when that language is written
/// the other way. Templates get `lang` and `dir` only when they are set (a text is then a
/// smaller template value, which is quicker to make).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Txt {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
}

impl Txt {
    /// Text in the page's own language (or in no language, such as a number or a name).
    pub fn plain(text: impl Into<String>) -> Txt {
        Txt {
            text: text.into(),
            lang: None,
            dir: None,
        }
    }
}

/// Rendered, sanitised Markdown, with its language (and direction) when it differs from the
/// page's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Md {
    pub html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
}

/// An argument of an interface message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg<'a> {
    /// Text, such as a name or a number already written in the page's notation.
    Text(&'a str),
    /// A count: chooses the plural form and is written as a whole number.
    Count(usize),
    /// A number that only chooses the plural form, with this many decimals shown (1.0 takes
    /// a different form from 1 in many languages); the text shown is passed separately.
    Plural(f64, usize),
}

impl Arg<'_> {
    fn to_fluent(&self) -> fluent_bundle::FluentValue<'static> {
        use fluent_bundle::types::{FluentNumber, FluentNumberOptions};
        match self {
            Arg::Text(s) => fluent_bundle::FluentValue::from(s.to_string()),
            Arg::Count(n) => fluent_bundle::FluentValue::from(*n),
            Arg::Plural(v, decimals) => FluentNumber::new(
                *v,
                FluentNumberOptions {
                    minimum_fraction_digits: Some(*decimals),
                    ..Default::default()
                },
            )
            .into(),
        }
    }
}

/// Everything a page needs to show text in its language.
pub struct Locale<'m> {
    pub lang: &'m str,
    pub default_lang: &'m str,
    pub strings: &'m crate::i18n::Strings,
    /// Markdown rendered once per distinct source, shared by every page and language.
    pub md_cache: &'m MarkdownCache,
}

/// Markdown sources rendered once per build.
#[derive(Default)]
pub struct MarkdownCache {
    cache: std::sync::Mutex<HashMap<String, std::sync::Arc<str>>>,
}

impl MarkdownCache {
    pub fn render(&self, source: &str) -> std::sync::Arc<str> {
        if let Ok(cache) = self.cache.lock()
            && let Some(html) = cache.get(source)
        {
            return html.clone();
        }
        let html: std::sync::Arc<str> = markdown::render(source).into();
        if let Ok(mut cache) = self.cache.lock() {
            cache.insert(source.to_string(), html.clone());
        }
        html
    }
}

impl Locale<'_> {
    /// The `lang` and `dir` that text in `lang` needs on this page: none when it is the
    /// page's language.
    fn marks(&self, lang: &str) -> (Option<String>, Option<&'static str>) {
        if lang == self.lang {
            return (None, None);
        }
        let dir =
            (is_rtl(lang) != is_rtl(self.lang)).then_some(if is_rtl(lang) { "rtl" } else { "ltr" });
        (Some(lang.to_string()), dir)
    }

    pub fn txt(&self, t: &Text) -> Txt {
        let l = t.get(self.lang, self.default_lang);
        let (lang, dir) = self.marks(l.lang);
        Txt {
            text: l.text.to_string(),
            lang,
            dir,
        }
    }

    /// An interface string as page text, marked as English where it fell back to English.
    pub fn ui(&self, key: &str) -> Txt {
        let text = self.s(key);
        if self.strings.fallback.contains(key) {
            let (lang, dir) = self.marks("en");
            Txt { text, lang, dir }
        } else {
            Txt::plain(text)
        }
    }

    /// The language of interface strings on this page: the page's, or English where the
    /// interface has no strings of the page's language.
    pub fn ui_lang(&self) -> Option<&'static str> {
        (!self.strings.fallback.is_empty()).then_some("en")
    }

    pub fn txt_opt(&self, t: Option<&Text>) -> Option<Txt> {
        t.map(|t| self.txt(t))
    }

    pub fn md(&self, t: &Text) -> Md {
        let l = t.get(self.lang, self.default_lang);
        let (lang, dir) = self.marks(l.lang);
        Md {
            html: self.md_cache.render(l.text).to_string(),
            lang,
            dir,
        }
    }

    pub fn md_opt(&self, t: Option<&Text>) -> Option<Md> {
        t.map(|t| self.md(t))
    }

    /// An interface string; the key itself if it is unknown (a bug, caught by tests).
    pub fn s(&self, key: &str) -> String {
        self.strings
            .map
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// Interface message `key` with its arguments (such as `count`, which chooses the
    /// plural form by the page language's rules); the key itself if there is no such
    /// message (a bug, caught by tests).
    pub fn msg(&self, key: &str, args: &[(&str, Arg)]) -> String {
        let mut fluent = fluent_bundle::FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent.set(*name, value.to_fluent());
        }
        self.strings
            .msg(key, Some(&fluent))
            .unwrap_or_else(|| key.to_string())
    }

    /// The points a gap costs the overall score, as a message: "−1.5 points".
    pub fn points_lost(&self, points: f64) -> String {
        let rounded = (points * 10.0).round() / 10.0;
        self.msg(
            "points_count",
            &[
                ("n", Arg::Plural(rounded, 1)),
                ("points", Arg::Text(&self.num(points, 1))),
            ],
        )
    }

    fn decimal_comma(&self) -> bool {
        !matches!(
            self.lang.split('-').next().unwrap_or(""),
            "en" | "ja" | "zh" | "ko" | "he" | "th" | "ga" | "mt"
        )
    }

    /// A number with a fixed count of decimals, in the page language's notation.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        // Zero (most gaps) is common enough to skip the float formatter for.
        if v == 0.0 {
            let mut s = String::with_capacity(decimals + 2);
            s.push('0');
            if decimals > 0 {
                s.push(if self.decimal_comma() { ',' } else { '.' });
                s.extend(std::iter::repeat_n('0', decimals));
            }
            return s;
        }
        let mut s = crate::text::fixed(v, decimals);
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s.remove(0);
        }
        if self.decimal_comma() {
            s = s.replace('.', ",");
        }
        s
    }

    /// A score out of 100, one decimal; a dash when there is none.
    pub fn score(&self, v: Option<f64>) -> String {
        match v {
            Some(v) => self.num(v, 1),
            None => "—".to_string(),
        }
    }

    /// A signed change, such as "+4.2" or "−1.0".
    pub fn delta(&self, v: f64) -> String {
        let rounded = (v * 10.0).round() / 10.0;
        if rounded > 0.0 {
            format!("+{}", self.num(rounded, 1))
        } else if rounded < 0.0 {
            format!("−{}", self.num(-rounded, 1))
        } else {
            format!("±{}", self.num(0.0, 1))
        }
    }

    /// A value in a metric's unit: "86.4 %", "+38", "2 h 30 min", "1,240".
    pub fn metric_value(&self, def: &MetricDef, v: f64) -> String {
        match def.unit {
            Unit::Percent => format!("{} %", self.num(v, 1)),
            Unit::Score => {
                let s = self.num(v.abs(), if v.fract() == 0.0 { 0 } else { 1 });
                if v > 0.0 {
                    format!("+{s}")
                } else if v < 0.0 {
                    format!("−{s}")
                } else {
                    s
                }
            }
            Unit::Count => self.num(v, if v.fract() == 0.0 { 0 } else { 1 }),
            Unit::Duration => self.duration(v),
        }
    }

    pub fn duration(&self, seconds: f64) -> String {
        let total = seconds.round().max(0.0) as u64;
        let (d, h, m, s) = (
            total / 86_400,
            total % 86_400 / 3_600,
            total % 3_600 / 60,
            total % 60,
        );
        let units = [
            (d, self.s("unit_day")),
            (h, self.s("unit_hour")),
            (m, self.s("unit_minute")),
            (s, self.s("unit_second")),
        ];
        let parts: Vec<String> = units
            .iter()
            .filter(|(n, _)| *n > 0)
            .take(2)
            .map(|(n, u)| format!("{n} {u}"))
            .collect();
        if parts.is_empty() {
            format!("0 {}", self.s("unit_second"))
        } else {
            parts.join(" ")
        }
    }

    /// The label of a scale level: a custom scale's own label, or the interface string of
    /// a built-in scale's level.
    pub fn level_label(&self, scale: &Scale, value: f64) -> Txt {
        let Some(level) = scale.by_value(value) else {
            return Txt::plain(self.num(value, 1));
        };
        if let Some(label) = &level.label {
            return self.txt(label);
        }
        match &scale.name {
            Some(name) => {
                // "scale_yes_no_yes": built without `format!`, as it is for every item.
                let mut key = String::with_capacity(8 + name.len() + level.key.len());
                key.push_str("scale_");
                key.extend(name.chars().map(|c| if c == '-' { '_' } else { c }));
                key.push('_');
                key.push_str(&level.key);
                self.ui(&key)
            }
            None => Txt::plain(level.key.clone()),
        }
    }

    pub fn date(&self, d: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        // The same text as `%Y-%m-%d` without parsing the format string for every date.
        if (0..=9999).contains(&d.year()) {
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }
}

/// Display name of a subject: its title in the newest audit that gives one, else its id.
pub fn subject_titles(model: &Model) -> HashMap<String, Text> {
    let mut out = HashMap::new();
    for round in &model.rounds {
        for audit in &round.audits {
            if let (Some(s), Some(t)) = (&audit.subject, &audit.subject_title) {
                out.insert(s.clone(), t.clone());
            }
        }
    }
    out
}

/// The name of a language in that language, for the language switcher.
pub fn autonym(tag: &str) -> String {
    let primary = tag.split('-').next().unwrap_or(tag);
    let name = match primary {
        "en" => "English",
        "hr" => "Hrvatski",
        "hu" => "Magyar",
        "sl" => "Slovenščina",
        "et" => "Eesti",
        "ru" => "Русский",
        "de" => "Deutsch",
        "fr" => "Français",
        "es" => "Español",
        "it" => "Italiano",
        "pt" => "Português",
        "nl" => "Nederlands",
        "pl" => "Polski",
        "cs" => "Čeština",
        "sk" => "Slovenčina",
        "sr" => "Srpski",
        "bs" => "Bosanski",
        "ro" => "Română",
        "bg" => "Български",
        "uk" => "Українська",
        "fi" => "Suomi",
        "sv" => "Svenska",
        "da" => "Dansk",
        "nb" | "no" => "Norsk",
        "lv" => "Latviešu",
        "lt" => "Lietuvių",
        "el" => "Ελληνικά",
        "tr" => "Türkçe",
        "ar" => "العربية",
        "he" => "עברית",
        "fa" => "فارسی",
        "ur" => "اردو",
        "hi" => "हिन्दी",
        "ja" => "日本語",
        "zh" => "中文",
        "ko" => "한국어",
        "th" => "ไทย",
        "vi" => "Tiếng Việt",
        "id" => "Bahasa Indonesia",
        _ => return tag.to_string(),
    };
    if primary == tag {
        name.to_string()
    } else {
        format!("{name} ({tag})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn locale<'a>(
        lang: &'a str,
        strings: &'a crate::i18n::Strings,
        cache: &'a MarkdownCache,
    ) -> Locale<'a> {
        Locale {
            lang,
            default_lang: "en",
            strings,
            md_cache: cache,
        }
    }

    #[test]
    fn numbers_follow_the_language() {
        let strings = crate::i18n::Strings::default();
        let cache = MarkdownCache::default();
        assert_eq!(locale("en", &strings, &cache).num(72.45, 1), "72.5");
        assert_eq!(locale("hr", &strings, &cache).num(72.5, 1), "72,5");
        assert_eq!(locale("en", &strings, &cache).num(-0.01, 1), "0.0");
        assert_eq!(locale("en", &strings, &cache).delta(4.25), "+4.3");
        assert_eq!(locale("en", &strings, &cache).delta(-1.0), "−1.0");
    }

    #[test]
    fn durations_show_two_units() {
        let mut strings = crate::i18n::Strings::default();
        for (k, v) in [
            ("unit_day", "d"),
            ("unit_hour", "h"),
            ("unit_minute", "min"),
            ("unit_second", "s"),
        ] {
            strings.map.insert(k.to_string(), v.to_string());
        }
        let cache = MarkdownCache::default();
        let l = locale("en", &strings, &cache);
        assert_eq!(l.duration(9000.0), "2 h 30 min");
        assert_eq!(l.duration(100_800.0), "1 d 4 h");
        assert_eq!(l.duration(45.0), "45 s");
        assert_eq!(l.duration(0.0), "0 s");
    }

    #[test]
    fn fallback_text_says_its_language_and_direction() {
        let mut strings = crate::i18n::Strings::default();
        strings.map.insert("score".into(), "Score".into());
        strings.fallback.insert("score".into());
        let cache = MarkdownCache::default();
        let ar = locale("ar", &strings, &cache);
        assert_eq!(ar.ui("score").lang.as_deref(), Some("en"));
        assert_eq!(ar.ui("score").dir, Some("ltr"));
        let hr_text = Text::plain("Revizija", "hr");
        assert_eq!(ar.txt(&hr_text).dir, Some("ltr"));
        let hr = locale("hr", &strings, &cache);
        assert_eq!(hr.txt(&hr_text), Txt::plain("Revizija"));
        assert_eq!(hr.txt(&Text::plain("مراجعة", "ar")).dir, Some("rtl"));
    }
}
