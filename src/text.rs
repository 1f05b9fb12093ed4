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
        let file_language = canonical_tag(file_language);
        let mut values = BTreeMap::new();
        values.insert(file_language.clone(), s.into());
        Text {
            values,
            file_language,
        }
    }

    /// A text from a map of language tag to string; tags are put in canonical form, so
    /// `pt-br` and `pt-BR` are one language (the later entry wins).
    pub fn from_map(values: BTreeMap<String, String>, file_language: &str) -> Self {
        let canonical = values.keys().all(|k| canonical_tag(k) == *k);
        let values = match canonical {
            true => values,
            false => values
                .into_iter()
                .map(|(k, v)| (canonical_tag(&k), v))
                .collect(),
        };
        Text {
            values,
            file_language: canonical_tag(file_language),
        }
    }

    /// The text in the first language of `fallback_chain(lang, default_lang, file
    /// language)` it has, else in any language it has.
    pub fn get<'a>(&'a self, lang: &str, default_lang: &str) -> Localized<'a> {
        // The chain of `fallback_chain` without leaving out repeats: a language looked up
        // again is not found again, so the first found is the same, and no list of the
        // languages seen is made for each of the hundreds of thousands of texts per build.
        let chain = std::iter::once(lang)
            .chain(parents(lang))
            .chain(std::iter::once(default_lang))
            .chain(parents(default_lang))
            .chain(std::iter::once(self.file_language.as_str()));
        for want in chain {
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

/// `tag` parsed as a BCP 47 language tag (`en`, `pt-BR`, `zh-Hant`, `sr-Latn-RS`, in any
/// letter case); `None` when it is not one.
pub fn parse_tag(tag: &str) -> Option<icu_locale_core::Locale> {
    // ICU also reads `_` as a separator; a tag spells it `-`.
    if tag.contains('_') {
        return None;
    }
    icu_locale_core::Locale::try_from_str(tag).ok()
}

/// `tag` in canonical form: `pt-br` is `pt-BR`, `ZH-hant` is `zh-Hant` (see
/// [`canonical_language_tag`]). A string that is no language tag is returned as it is, for the
/// loaders to report.
pub fn canonical_tag(tag: &str) -> String {
    canonical_language_tag(tag).unwrap_or_else(|| tag.to_string())
}

/// The parents of a canonical tag, nearest first: `sr-Latn-RS` → `sr-Latn`, `sr`.
pub fn parents(tag: &str) -> impl Iterator<Item = &str> {
    tag.rmatch_indices('-').map(move |(i, _)| &tag[..i])
}

/// The languages a text is looked up in, in order: the wanted language, its parents
/// (`de-CH` → `de`), the site's default language and its parents, then the language the
/// text was written in. Repeats are left out. All tags must be canonical.
pub fn fallback_chain<'a>(
    lang: &'a str,
    default_lang: &'a str,
    file_lang: &'a str,
) -> impl Iterator<Item = &'a str> {
    let chain = |t: &'a str| std::iter::once(t).chain(parents(t));
    let all = chain(lang).chain(chain(default_lang)).chain([file_lang]);
    let mut seen: Vec<&'a str> = Vec::with_capacity(4);
    all.filter(move |t| {
        let new = !seen.contains(t);
        if new {
            seen.push(t);
        }
        new
    })
}

/// Whether `tag` is a well-formed BCP 47 language tag as the format accepts it (`en`,
/// `pt-BR`, `zh-Hant`, `sr-Latn-RS`, `de-CH-1996`, `en-x-legal`): see [`canonical_language_tag`].
pub fn is_language_tag(tag: &str) -> bool {
    canonical_language_tag(tag).is_some()
}

/// The canonical case of a well-formed BCP 47 tag (RFC 5646 §2.1.1: language and
/// extensions lowercase, script in title case, region uppercase), by which two tags are
/// the same language whatever their case: `pt-br` and `pt-BR` are one, and so are `EN` and
/// `en`. `None` for a tag that is not well formed; the primary language has 2 or 3 letters.
pub fn canonical_language_tag(tag: &str) -> Option<String> {
    let mut parts = tag.split('-').peekable();
    let primary = parts.next()?;
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let primary = primary.to_ascii_lowercase();
    let alpha = |p: &str| p.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    let alnum = |p: &str| p.bytes().all(|b| b.is_ascii_alphanumeric());
    let mut out = vec![primary];
    // Up to three extended language subtags (`zh-yue`).
    let mut extlangs = 0;
    while let Some(p) = parts.peek() {
        if extlangs < 3 && p.len() == 3 && alpha(p) {
            out.push(p.to_ascii_lowercase());
            parts.next();
            extlangs += 1;
        } else {
            break;
        }
    }
    if let Some(p) = parts.peek()
        && p.len() == 4
        && alpha(p)
    {
        let mut script = p.to_ascii_lowercase();
        script[..1].make_ascii_uppercase();
        out.push(script);
        parts.next();
    }
    if let Some(p) = parts.peek()
        && ((p.len() == 2 && alpha(p)) || (p.len() == 3 && digits(p)))
    {
        out.push(p.to_ascii_uppercase());
        parts.next();
    }
    let mut variants: Vec<String> = Vec::new();
    while let Some(p) = parts.peek() {
        let variant = (5..=8).contains(&p.len()) && alnum(p)
            || p.len() == 4 && p.as_bytes()[0].is_ascii_digit() && alnum(p);
        if !variant {
            break;
        }
        let v = p.to_ascii_lowercase();
        if variants.contains(&v) {
            return None;
        }
        variants.push(v.clone());
        out.push(v);
        parts.next();
    }
    // Extensions (`-u-ca-buddhist`), then private use (`-x-…`): a singleton and at least
    // one subtag of 2 to 8 characters (1 to 8 after `x`); each singleton once.
    let mut singletons: Vec<String> = Vec::new();
    while let Some(singleton) = parts.next() {
        if singleton.len() != 1 || !alnum(singleton) {
            return None;
        }
        let singleton = singleton.to_ascii_lowercase();
        let private = singleton == "x";
        if singletons.contains(&singleton) {
            return None;
        }
        singletons.push(singleton.clone());
        out.push(singleton);
        let min = if private { 1 } else { 2 };
        let mut any = false;
        while let Some(p) = parts.peek() {
            if !private && p.len() == 1 {
                break;
            }
            if !(min..=8).contains(&p.len()) || !alnum(p) {
                return None;
            }
            out.push(p.to_ascii_lowercase());
            parts.next();
            any = true;
        }
        if !any {
            return None;
        }
    }
    Some(out.join("-"))
}

/// Whether a language is written right to left.
pub fn is_rtl(tag: &str) -> bool {
    let primary = tag.split('-').next().unwrap_or(tag);
    matches!(
        primary,
        "ar" | "he" | "fa" | "ur" | "ps" | "sd" | "ug" | "yi" | "dv" | "ckb" | "syr"
    )
}

/// `v` with exactly `decimals` decimals, the same string as `format!("{v:.decimals$}")`,
/// made without the exact float formatter when the rounding is unambiguous: charts and
/// tables print thousands of numbers per page.
pub fn fixed(v: f64, decimals: usize) -> String {
    const POW10: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
    const POW10_INT: [u64; 7] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];
    if decimals < POW10.len() && v.is_finite() {
        // One multiplication by an exact power of ten: off from the exact product by less
        // than 1e-7 below 1e9, so rounding to an integer is exact unless the product lies
        // next to a half, which is left to the exact formatter.
        let y = v.abs() * POW10[decimals];
        let whole = y.floor();
        let frac = y - whole;
        if y < 1e9 && (frac - 0.5).abs() > 1e-6 {
            let n = whole as u64 + u64::from(frac > 0.5);
            let (int, dec) = (n / POW10_INT[decimals], n % POW10_INT[decimals]);
            let mut s = String::with_capacity(decimals + 12);
            if v.is_sign_negative() {
                s.push('-');
            }
            s.push_str(&int.to_string());
            if decimals > 0 {
                let digits = dec.to_string();
                s.push('.');
                s.extend(std::iter::repeat_n('0', decimals - digits.len()));
                s.push_str(&digits);
            }
            return s;
        }
    }
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn fixed_is_the_exact_formatter() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            -2.5,
            0.125,
            0.375,
            0.005,
            0.015,
            1.005,
            2.675,
            99.95,
            99.949_999_999,
            100.0,
            -0.001,
            -0.004_9,
            1e-9,
            123_456_789.987,
            999_999_999.5,
            1e9,
            1e12,
            4.35,
            72.727_272,
            66.666_666_666,
            33.333_333_333,
            0.1,
            0.2,
            0.3,
        ];
        // A deterministic spread of values of every size and sign.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..50_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            let scale = 10f64.powi(i % 12 - 3);
            let v = (unit - 0.3) * scale;
            values.push(v);
            // Values on a grid of halves, quarters and eighths: exact ties.
            values.push(((x % 100_000) as f64) / 8.0 - 5_000.0);
        }
        for v in values {
            for d in 0..8 {
                assert_eq!(
                    super::fixed(v, d),
                    format!("{v:.d$}"),
                    "{v} with {d} decimals"
                );
            }
        }
    }

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
    fn tags_are_canonical() {
        assert_eq!(canonical_tag("pt-br"), "pt-BR");
        assert_eq!(canonical_tag("ZH-hant"), "zh-Hant");
        assert_eq!(canonical_tag("sr-latn-rs"), "sr-Latn-RS");
        assert_eq!(canonical_tag("EN"), "en");
        assert_eq!(canonical_tag("hr"), "hr");
        // Not tags: left as they are.
        assert_eq!(canonical_tag("en_US"), "en_US");
        assert_eq!(canonical_tag("english!"), "english!");
        assert!(parse_tag("x").is_none() && parse_tag("").is_none());
        // A map written with `pt-br` answers for `pt-BR`.
        let mut m = BTreeMap::new();
        m.insert("pt-br".to_string(), "Auditoria".to_string());
        let t = Text::from_map(m, "en");
        assert_eq!(t.get("pt-BR", "en").text, "Auditoria");
        assert_eq!(t.get("pt-BR", "en").lang, "pt-BR");
        assert!(t.has("pt-BR"));
    }

    #[test]
    fn falls_back_to_parents_before_the_default() {
        let mut m = BTreeMap::new();
        m.insert("de".to_string(), "Prüfung".to_string());
        m.insert("en".to_string(), "Audit".to_string());
        m.insert("sr-Latn".to_string(), "Revizija".to_string());
        let t = Text::from_map(m, "en");
        assert_eq!(t.get("de-CH", "en").text, "Prüfung");
        assert_eq!(t.get("de-CH", "en").lang, "de");
        assert_eq!(t.get("sr-Latn-RS", "en").lang, "sr-Latn");
        assert_eq!(t.get("fr-CA", "de-AT").lang, "de");
        let chain: Vec<&str> = fallback_chain("de-CH", "en-GB", "de").collect();
        assert_eq!(chain, ["de-CH", "de", "en-GB", "en"]);
    }

    #[test]
    fn get_finds_the_first_language_of_the_fallback_chain() {
        let tags = ["en", "en-GB", "de", "de-CH", "de-CH-1996", "hr", "sr-Latn"];
        // Texts in each pair of languages, looked up in every language against every default
        // and file language: the same text as the first of the chain it has.
        for a in tags {
            for b in tags {
                let mut m = BTreeMap::new();
                m.insert(a.to_string(), format!("in {a}"));
                m.insert(b.to_string(), format!("in {b}"));
                for file in tags {
                    let t = Text::from_map(m.clone(), file);
                    for lang in tags {
                        for default in tags {
                            let expected = fallback_chain(lang, default, file)
                                .find(|l| m.contains_key(*l))
                                .unwrap_or_else(|| m.keys().next().map_or("", String::as_str));
                            assert_eq!(t.get(lang, default).lang, expected, "{lang} {default}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn language_tags() {
        for ok in ["en", "pt-BR", "zh-Hant", "sr-Latn-RS", "ckb"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "english", "en_US", "e", "en-"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        // Subtags out of order, a lone singleton, a repeated variant: not BCP 47.
        for bad in [
            "en-a",
            "en-x",
            "en-US-Latn",
            "de-1996-1996",
            "en-abcdefghi",
            "en-u-a",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
        for ok in [
            "de-CH-1996",
            "en-x-legal",
            "zh-yue-HK",
            "es-419",
            "en-u-ca-buddhist",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        assert_eq!(canonical_language_tag("pt-br").as_deref(), Some("pt-BR"));
        assert_eq!(canonical_language_tag("EN").as_deref(), Some("en"));
        assert_eq!(canonical_tag("ZH-hant"), "zh-Hant");
        // The names the site writes at its top level, beside the languages' folders, can
        // never be language tags.
        for name in [
            "assets",
            "data",
            "rounds",
            "checklists",
            "metrics",
            "search",
            "index.html",
            "versions.json",
        ] {
            assert!(!is_language_tag(name), "{name}");
        }
        assert_eq!(
            canonical_language_tag("sr-latn-rs").as_deref(),
            Some("sr-Latn-RS")
        );
        assert_eq!(
            canonical_language_tag("zh-HANT").as_deref(),
            Some("zh-Hant")
        );
        assert!(is_rtl("ar") && is_rtl("he-IL") && !is_rtl("en"));
    }
}
