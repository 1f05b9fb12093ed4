//! Turning values into display text for one page language: numbers, metric values, texts
//! that may fall back to another language, and Markdown.

use std::collections::HashMap;

/// A map for look-ups made for every value on every page: SipHash, the standard one, is
/// made for keys an attacker chooses and costs several times as much.
use crate::render::FastMap;
use std::sync::{Arc, Mutex, OnceLock};

use fixed_decimal::Decimal;
use icu_calendar::Gregorian;
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_datetime::fieldsets::{E, Y, YM, YMD};
use icu_decimal::DecimalFormatter;
use serde::Serialize;

use crate::markdown;
use crate::metrics::{MetricDef, Unit};
use crate::model::{Model, Scale};
use crate::text::{Text, is_rtl};

/// A text as a page shows it: `lang` is set when the text fell back to a language other
/// than the page's, so the template can mark it, and `dir` when that language is written
/// the other way. Templates get `text`; `lang` and `dir` only when they are set (a text is
/// then a smaller template value, which is quicker to make); and `html`, the markup the
/// built-in `txt` component prints (see [`Txt::html`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Txt {
    pub text: String,
    pub lang: Option<String>,
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

    /// The text escaped, in a `span` with its `lang` (and `dir`) when it has one: what the
    /// `txt` component of `components.html` writes from `text`, `lang` and `dir`. Made here,
    /// in one pass, it is one template value to print where the component would look up and
    /// test three (a text is printed hundreds of thousands of times in a build).
    pub(crate) fn html(&self) -> String {
        let mut out = Vec::with_capacity(self.text.len() + 32);
        let escape = |s: &str, out: &mut Vec<u8>| {
            crate::markdown::escape_html(s, out).expect("writing to memory")
        };
        match &self.lang {
            Some(lang) => {
                out.extend_from_slice(b"<span lang=\"");
                escape(lang, &mut out);
                out.push(b'"');
                if let Some(dir) = self.dir {
                    out.extend_from_slice(b" dir=\"");
                    escape(dir, &mut out);
                    out.push(b'"');
                }
                out.push(b'>');
                escape(&self.text, &mut out);
                out.extend_from_slice(b"</span>");
            }
            None => escape(&self.text, &mut out),
        }
        String::from_utf8(out).expect("escaped UTF-8 stays UTF-8")
    }
}

impl Serialize for Txt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WithHtml(self, &self.html()).serialize(serializer)
    }
}

/// A text with its [`Txt::html`] made already, for a value that prints that markup inside
/// its own (a status badge) and so need not make it twice.
pub(crate) struct WithHtml<'a>(pub &'a Txt, pub &'a str);

impl Serialize for WithHtml<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let WithHtml(txt, html) = self;
        let fields = 2 + usize::from(txt.lang.is_some()) + usize::from(txt.dir.is_some());
        let mut t = serializer.serialize_struct("Txt", fields)?;
        t.serialize_field("text", &txt.text)?;
        if let Some(lang) = &txt.lang {
            t.serialize_field("lang", lang)?;
        }
        if let Some(dir) = txt.dir {
            t.serialize_field("dir", dir)?;
        }
        // Already escaped: a template prints it as it is.
        t.serialize_field("html", &tera::Value::safe_string(html))?;
        t.end()
    }
}

/// Rendered, sanitised Markdown, with its language (and direction) when it differs from the
/// page's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Md {
    /// A template gets it marked safe, as the sanitiser left it: printed as it is, without
    /// the `safe` filter's call on every note.
    #[serde(serialize_with = "safe_html")]
    pub html: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<&'static str>,
}

/// Sanitised markup as a template value marked safe; elsewhere (JSON) the plain string.
fn safe_html<S: serde::Serializer>(html: &str, serializer: S) -> Result<S::Ok, S::Error> {
    tera::Value::safe_string(html).serialize(serializer)
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
    /// The language's number and date formatters (`Formats::of(lang)`).
    pub formats: Arc<Formats>,
}

/// Markdown sources rendered once per build.
#[derive(Default)]
pub struct MarkdownCache {
    cache: std::sync::Mutex<FastMap<String, std::sync::Arc<str>>>,
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

    /// [`Locale::marks`] for a text in `lang`, with `dir="auto"` (and so its language, which
    /// puts it in an element of its own) where the text may run the other way from the
    /// page: an element with `dir` is isolated from the text around it (docs/security.md).
    fn text_marks(&self, lang: &str, text: &str) -> (Option<String>, Option<&'static str>) {
        let (mark, dir) = self.marks(lang);
        if dir.is_some() || !may_run_the_other_way(text, is_rtl(self.lang)) {
            return (mark, dir);
        }
        (Some(lang.to_string()), Some("auto"))
    }

    pub fn txt(&self, t: &Text) -> Txt {
        let l = t.get(self.lang, self.default_lang);
        let (lang, dir) = self.text_marks(l.lang, l.text);
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
        let (lang, dir) = self.text_marks(l.lang, l.text);
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
        // The message and its arguments, written out (texts after their length, so that no
        // text can pass for another argument), name the result.
        let mut id = String::with_capacity(key.len() + 16 * args.len());
        id.push_str(key);
        for (name, value) in args {
            id.push('\u{0}');
            id.push_str(name);
            id.push('=');
            match value {
                Arg::Text(t) => id.push_str(&format!("{}:{t}", t.len())),
                Arg::Count(n) => id.push_str(&n.to_string()),
                Arg::Plural(v, decimals) => id.push_str(&format!("{}/{decimals}", v.to_bits())),
            }
        }
        self.strings.remembered(&id, || {
            let mut fluent = fluent_bundle::FluentArgs::with_capacity(args.len());
            for (name, value) in args {
                fluent.set(*name, value.to_fluent());
            }
            self.strings
                .msg(key, Some(&fluent))
                .unwrap_or_else(|| key.to_string())
        })
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

    /// A number with exactly `decimals` decimals, in the page language's notation.
    pub fn num(&self, v: f64, decimals: usize) -> String {
        self.formats.fixed(v, decimals)
    }

    /// A number with at most `max_fraction` decimals, trailing zeros dropped.
    pub fn number(&self, v: f64, max_fraction: usize) -> String {
        self.formats.number(v, max_fraction)
    }

    /// A percentage with exactly `decimals` decimals, as the language writes it: "86.4%",
    /// "86,4 %", "%86,4".
    pub fn percent(&self, v: f64, decimals: usize) -> String {
        self.formats.percent(v, decimals)
    }

    /// A score out of 100, one decimal; a dash when there is none.
    pub fn score(&self, v: Option<f64>) -> String {
        match v {
            Some(v) => self.num(v, 1),
            None => "—".to_string(),
        }
    }

    /// A signed change with one decimal, such as "+4.2", "−1.0" or "±0.0".
    pub fn delta(&self, v: f64) -> String {
        // Halves round away from zero, as the score difference is read: 4.25 is +4.3.
        self.formats.signed((v * 10.0).round() / 10.0, 1, true)
    }

    /// A signed number with exactly `decimals` decimals: "+4.2", "−4.2", and "0.0" for
    /// nothing.
    pub fn signed(&self, v: f64, decimals: usize) -> String {
        self.formats.signed(v, decimals, false)
    }

    /// A value in a metric's unit: "86.4%", "+38", "2 h 30 min", "1,240".
    pub fn metric_value(&self, def: &MetricDef, v: f64) -> String {
        match def.unit {
            Unit::Percent => self.percent(v, 1),
            Unit::Score => self.signed(v, if v.fract() == 0.0 { 0 } else { 1 }),
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
        // The names of the (at most two) units shown are looked up, not all four.
        let units = [
            (d, "unit_day"),
            (h, "unit_hour"),
            (m, "unit_minute"),
            (s, "unit_second"),
        ];
        let parts: Vec<String> = units
            .iter()
            .filter(|(n, _)| *n > 0)
            .take(2)
            .map(|(n, key)| format!("{n} {}", self.s(key)))
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

    /// A date as pages show it, in the page language ("30. rujna 2026."); data files and
    /// `datetime` attributes keep ISO dates (`Day::iso`).
    pub fn date(&self, d: chrono::NaiveDate) -> Day {
        Day {
            text: self.formats.date(d),
            iso: iso_date(d),
        }
    }
}

/// Whether `text` may be written, in part, the other way from a page (right to left on a
/// left-to-right page, or the reverse), or holds explicit bidirectional controls: such text
/// is shown isolated from what surrounds it.
pub fn may_run_the_other_way(text: &str, page_rtl: bool) -> bool {
    if text.is_ascii() {
        return page_rtl && text.bytes().any(|b| b.is_ascii_alphabetic());
    }
    // On a left-to-right page, only the right-to-left scripts (U+0590 and above) and the
    // bidirectional controls (U+061C, U+200E and above) count: in UTF-8 they all start with
    // a byte of 0xD6 or more, which Latin, Greek and Cyrillic text never holds.
    if !page_rtl && !text.bytes().any(|b| b >= 0xd6) {
        return false;
    }
    text.chars().any(|c| {
        crate::markdown::is_bidi_control(c)
            || if page_rtl {
                c.is_alphabetic() && !is_rtl_char(c)
            } else {
                is_rtl_char(c)
            }
    })
}

/// Characters of the scripts written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko,
/// Samaritan, Mandaic and their presentation forms, and the right-to-left blocks beyond the
/// basic plane).
fn is_rtl_char(c: char) -> bool {
    matches!(c, '\u{0590}'..='\u{08ff}' | '\u{fb1d}'..='\u{fdff}' | '\u{fe70}'..='\u{feff}' | '\u{10800}'..='\u{10fff}' | '\u{1e800}'..='\u{1efff}')
}

impl Locale<'_> {
    /// A date given as ISO text (`2026-09-30`) as pages show it; text that is no such date
    /// is shown as it is.
    pub fn iso_day(&self, iso: &str) -> Day {
        match iso_date_of(iso) {
            Some(d) => self.date(d),
            None => Day {
                text: iso.to_string(),
                iso: iso.to_string(),
            },
        }
    }
}

/// `iso` read as `%Y-%m-%d`. The usual form, four digits, two and two, is read directly;
/// anything else goes to chrono's parser, which also takes other widths and signs.
fn iso_date_of(iso: &str) -> Option<chrono::NaiveDate> {
    let b = iso.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b[range].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return chrono::NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    }
    chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()
}

/// A date on a page: the text shown, and the ISO date for `<time datetime>`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Day {
    pub text: String,
    pub iso: String,
}

/// `2026-09-30`.
pub fn iso_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    // The same text as `%Y-%m-%d` without parsing the format string for every date.
    if let Ok(year @ 0..=9999) = u32::try_from(d.year()) {
        // Written digit by digit: `format!` with widths took about 1,300 instructions a date.
        let digit = |n: u32| char::from(b'0' + (n % 10) as u8);
        let mut s = String::with_capacity(10);
        s.extend([1000, 100, 10, 1].map(|p| digit(year / p)));
        for part in [d.month(), d.day()] {
            s.push('-');
            s.extend([digit(part / 10), digit(part)]);
        }
        s
    } else {
        d.format("%Y-%m-%d").to_string()
    }
}

/// The number and date formatters of one language, from the CLDR data compiled into the
/// binary. Made once per language (`Formats::of`) and shared by every page in it.
pub struct Formats {
    decimal: Option<DecimalFormatter>,
    date: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    /// Shorter forms for charts, where a date names a point or an axis tick.
    short_date: Option<FixedCalendarDateTimeFormatter<Gregorian, YMD>>,
    month: Option<FixedCalendarDateTimeFormatter<Gregorian, YM>>,
    year: Option<FixedCalendarDateTimeFormatter<Gregorian, Y>>,
    weekday: Option<FixedCalendarDateTimeFormatter<Gregorian, E>>,
    percent: Percent,
    /// Plain digits already written in the language's notation ([`Formats::localize`]), and
    /// dates in its long form ([`Formats::date`]): pages show the same scores, weights,
    /// percentages and dates again and again, and CLDR formatting costs far more than a
    /// look-up. At most [`MEMO_LIMIT`] of each are kept.
    numbers: Mutex<FastMap<String, String>>,
    dates: Mutex<FastMap<chrono::NaiveDate, String>>,
    /// [`Formats::fixed`] and [`Formats::number`] by value (its bits), decimals and whether
    /// trailing zeros are dropped: the same numbers without even writing their digits.
    values: Mutex<FastMap<(u64, usize, bool), String>>,
}

/// How many numbers, and how many dates, a language's [`Formats`] keeps written.
const MEMO_LIMIT: usize = 100_000;

/// `text` from `memo`, else made by `make` and kept while there is room.
fn memoised<K, Q>(
    memo: &Mutex<FastMap<K, String>>,
    key: &Q,
    owned: impl FnOnce() -> K,
    make: impl FnOnce() -> String,
) -> String
where
    K: std::hash::Hash + Eq + std::borrow::Borrow<Q>,
    Q: std::hash::Hash + Eq + ?Sized,
{
    if let Ok(map) = memo.lock()
        && let Some(text) = map.get(key)
    {
        return text.clone();
    }
    let text = make();
    if let Ok(mut map) = memo.lock()
        && map.len() < MEMO_LIMIT
    {
        map.insert(owned(), text.clone());
    }
    text
}

/// How a language writes a percentage (CLDR's percent pattern): the text before and after
/// the number, and whether a minus sign follows the text before rather than leading.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Percent {
    prefix: &'static str,
    suffix: &'static str,
    minus_inside: bool,
}

impl Percent {
    /// The form of `tag`, or of its nearest ancestor that CLDR gives one (the tag cut at its
    /// last `-`, then again), or the root's.
    fn of(tag: &str) -> Percent {
        use super::percent_table::{PERCENT, ROOT};
        let mut tag = tag.to_ascii_lowercase();
        loop {
            if let Ok(i) = PERCENT.binary_search_by(|row| row.0.cmp(tag.as_str())) {
                let (_, prefix, suffix, minus_inside) = PERCENT[i];
                return Percent {
                    prefix,
                    suffix,
                    minus_inside,
                };
            }
            match tag.rfind('-') {
                Some(cut) => tag.truncate(cut),
                None => break,
            }
        }
        Percent {
            prefix: ROOT.0,
            suffix: ROOT.1,
            minus_inside: false,
        }
    }
}

/// How much of a date a chart label names: its year, its month ("Sep 2026"), or its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatePart {
    Year,
    Month,
    Day,
}

impl Formats {
    /// The formatters of `tag`, made on first use and kept for the rest of the process.
    /// A language CLDR does not know gets its nearest parent's notation, or the root's.
    pub fn of(tag: &str) -> Arc<Formats> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Formats>>>> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        if let Ok(map) = cache.lock()
            && let Some(f) = map.get(tag)
        {
            return f.clone();
        }
        let made = Arc::new(Formats::new(tag));
        if let Ok(mut map) = cache.lock() {
            return map.entry(tag.to_string()).or_insert(made).clone();
        }
        made
    }

    fn new(tag: &str) -> Formats {
        let locale = crate::text::parse_tag(tag).unwrap_or(icu_locale_core::Locale::UNKNOWN);
        let decimal = DecimalFormatter::try_new((&locale).into(), Default::default()).ok();
        let prefs = (&locale).into();
        Formats {
            decimal,
            date: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::long()).ok(),
            short_date: FixedCalendarDateTimeFormatter::try_new(prefs, YMD::medium()).ok(),
            month: FixedCalendarDateTimeFormatter::try_new(prefs, YM::medium()).ok(),
            year: FixedCalendarDateTimeFormatter::try_new(prefs, Y::medium()).ok(),
            weekday: FixedCalendarDateTimeFormatter::try_new(prefs, E::long()).ok(),
            percent: Percent::of(tag),
            numbers: Mutex::default(),
            dates: Mutex::default(),
            values: Mutex::default(),
        }
    }

    /// `digits`, a plain decimal such as `-1234.50`, in the language's notation.
    fn localize(&self, digits: &str) -> String {
        if digits.contains('e') {
            return digits.to_string();
        }
        memoised(
            &self.numbers,
            digits,
            || digits.to_string(),
            || match (&self.decimal, Decimal::try_from_str(digits)) {
                (Some(f), Ok(d)) => f.format(&d).to_string(),
                _ => digits.to_string(),
            },
        )
    }

    /// `v` with exactly `decimals` decimals; never "-0.0"; "—" for NaN and infinities.
    pub fn fixed(&self, v: f64, decimals: usize) -> String {
        let key = (v.to_bits(), decimals, false);
        memoised(
            &self.values,
            &key,
            || key,
            || self.localize(&plain(v, decimals, false)),
        )
    }

    /// `v` with at most `max_fraction` decimals, trailing zeros dropped.
    pub fn number(&self, v: f64, max_fraction: usize) -> String {
        let key = (v.to_bits(), max_fraction, true);
        memoised(
            &self.values,
            &key,
            || key,
            || self.localize(&plain(v, max_fraction, true)),
        )
    }

    /// `v` with exactly `decimals` decimals and its sign: "+4.2", "−4.2" (a real minus
    /// sign); zero is "±0.0" when `plus_minus`, else "0.0".
    pub fn signed(&self, v: f64, decimals: usize, plus_minus: bool) -> String {
        let digits = plain(v, decimals, false);
        let zero = !digits.bytes().any(|b| matches!(b, b'1'..=b'9'));
        let sign = match (zero, digits.starts_with('-')) {
            (true, _) if plus_minus => "±",
            (true, _) => "",
            (false, true) => "−",
            (false, false) => "+",
        };
        let magnitude = digits.strip_prefix('-').unwrap_or(&digits);
        format!("{sign}{}", self.localize(magnitude))
    }

    /// `v` per cent with exactly `decimals` decimals, as the language writes percentages:
    /// "86.4%" in English, "86,4 %" in German and Croatian, "%86,4" in Turkish.
    pub fn percent(&self, v: f64, decimals: usize) -> String {
        self.with_percent(v, |v| self.fixed(v, decimals))
    }

    /// `v` per cent with at most `max_fraction` decimals, trailing zeros dropped, as charts
    /// print shares and ticks.
    pub fn percent_number(&self, v: f64, max_fraction: usize) -> String {
        self.with_percent(v, |v| self.number(v, max_fraction))
    }

    /// Wraps the number `write` makes of `v` in the language's percent form. The number's
    /// sign, when it has one, leads the form, or follows its prefix where CLDR says so.
    fn with_percent(&self, v: f64, write: impl Fn(f64) -> String) -> String {
        let Percent {
            prefix,
            suffix,
            minus_inside,
        } = self.percent;
        let shown = write(v);
        if !v.is_finite() {
            return shown;
        }
        let magnitude = write(v.abs());
        match shown.strip_suffix(magnitude.as_str()) {
            Some(sign) if minus_inside => format!("{prefix}{sign}{magnitude}{suffix}"),
            Some(sign) => format!("{sign}{prefix}{magnitude}{suffix}"),
            None => format!("{prefix}{shown}{suffix}"),
        }
    }

    /// A date in the language's long form, such as "September 30, 2026" or
    /// "30. rujna 2026."; ISO where CLDR cannot write it.
    pub fn date(&self, d: chrono::NaiveDate) -> String {
        memoised(
            &self.dates,
            &d,
            || d,
            || match (&self.date, gregorian(d)) {
                (Some(f), Some(date)) => f.format(&date).to_string(),
                _ => iso_date(d),
            },
        )
    }

    /// The weekday of a date in the language ("Monday", "ponedjeljak"); English where CLDR
    /// cannot write it.
    pub fn weekday(&self, d: chrono::NaiveDate) -> String {
        match (&self.weekday, gregorian(d)) {
            (Some(f), Some(date)) => f.format(&date).to_string(),
            _ => d.format("%A").to_string(),
        }
    }

    /// `part` of a date as a chart labels it, in the language's medium form: "2026",
    /// "Sep 2026", "Sep 30, 2026" ("2026.", "ruj 2026.", "30. ruj 2026." in Croatian);
    /// ISO digits (`2026`, `2026-09`, `2026-09-30`) where CLDR cannot write it.
    pub fn date_part(&self, d: chrono::NaiveDate, part: DatePart) -> String {
        let date = gregorian(d);
        let shown = match (part, &date) {
            (DatePart::Year, Some(date)) => self.year.as_ref().map(|f| f.format(date).to_string()),
            (DatePart::Month, Some(date)) => {
                self.month.as_ref().map(|f| f.format(date).to_string())
            }
            (DatePart::Day, Some(date)) => {
                self.short_date.as_ref().map(|f| f.format(date).to_string())
            }
            (_, None) => None,
        };
        shown.unwrap_or_else(|| match part {
            DatePart::Year => d.format("%Y").to_string(),
            DatePart::Month => d.format("%Y-%m").to_string(),
            DatePart::Day => iso_date(d),
        })
    }
}

/// `d` as an ICU4X date; `None` for the few chrono dates ICU4X cannot hold.
fn gregorian(d: chrono::NaiveDate) -> Option<icu_calendar::Date<Gregorian>> {
    use chrono::Datelike;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    icu_calendar::Date::try_new_gregorian(d.year(), month, day).ok()
}

/// `v` as plain digits with `decimals` decimals (fewer when `trim` drops trailing zeros),
/// without "-0"; "—" for NaN and infinities.
fn plain(v: f64, decimals: usize, trim: bool) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    // A number too large to write out digit by digit (1e308 has 309) keeps its exponent form,
    // as in diagnostics (docs/security.md).
    if v.abs() >= 1e15 {
        return crate::yaml::format_number(v);
    }
    // Precision beyond f64's ~17 significant digits only adds noise.
    let mut s = crate::text::fixed(v, decimals.min(12));
    if trim && s.contains('.') {
        let kept = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(kept);
    }
    if s.starts_with('-') && s[1..].bytes().all(|b| b == b'0' || b == b'.') {
        s.remove(0);
    }
    s
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

/// Texts in the page's language and in others, with markup, quotes, control characters and
/// a bidi override, for tests of the markup made from them.
#[cfg(test)]
pub(crate) fn sample_texts() -> Vec<Txt> {
    let other = |text: &str, lang: &str, dir| Txt {
        text: text.to_string(),
        lang: Some(lang.to_string()),
        dir,
    };
    vec![
        Txt::plain("Plain"),
        Txt::plain("<b> & \"quotes\" 'too'"),
        Txt::plain("A\u{202e}B\u{7}C\tD"),
        other("Szöveg", "hu", None),
        other("نص <عربي>", "ar", Some("rtl")),
        other("x", "a\"b", Some("auto")),
    ]
}

/// Renders `component`, a component's body as written before its value had `html`, reading
/// `v`, through Tera with the site's escaping, and asserts that `html` (such as `v.html`)
/// prints the same markup.
#[cfg(test)]
pub(crate) fn assert_html_is_the_component(component: &str, html: &str, v: &impl Serialize) {
    let mut tera = tera::Tera::default();
    tera.set_escape_fn(crate::markdown::escape_html);
    tera.add_raw_template("c.html", &format!("{component}|{{{{ {html} }}}}"))
        .expect("the template compiles");
    let mut ctx = tera::Context::new();
    ctx.insert("v", v);
    let out = tera.render("c.html", &ctx).expect("it renders");
    let (fields, html) = out.rsplit_once('|').expect("two halves");
    assert_eq!(fields, html);
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
            formats: Formats::of(lang),
        }
    }

    #[test]
    fn remembered_messages_are_the_ones_formatted_for_their_own_arguments() {
        let strings = crate::i18n::strings_for("en", None);
        let cache = MarkdownCache::default();
        let loc = locale("en", &strings, &cache);
        for _ in 0..2 {
            assert_eq!(loc.points_lost(1.0), "−1.0 points");
            assert_eq!(loc.points_lost(0.04), "−0.0 points");
            assert_eq!(loc.points_lost(2.5), "−2.5 points");
            let one = loc.msg("items_below_count", &[("count", Arg::Count(1))]);
            assert_eq!(one, "1 item below target");
            let two = loc.msg("items_below_count", &[("count", Arg::Count(2))]);
            assert_eq!(two, "2 items below target");
        }
        // A text that looks like a further argument is still one text.
        let a = loc.msg(
            "points_count",
            &[
                ("n", Arg::Plural(2.0, 0)),
                ("points", Arg::Text("2\u{0}x=1")),
            ],
        );
        let b = loc.msg(
            "points_count",
            &[("n", Arg::Plural(2.0, 0)), ("points", Arg::Text("2"))],
        );
        assert_ne!(a, b);
        assert_eq!(b, "−2 points");
    }

    #[test]
    fn weekdays_are_named_in_the_language() {
        let monday = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert_eq!(Formats::of("en").weekday(monday), "Monday");
        assert_eq!(Formats::of("hr").weekday(monday), "ponedjeljak");
        assert_eq!(Formats::of("de").weekday(monday), "Montag");
    }

    #[test]
    fn huge_numbers_keep_their_exponent_on_pages() {
        let f = Formats::of("hr");
        assert_eq!(f.fixed(1e308, 1), "1e308");
        assert_eq!(f.number(-2.5e20, 2), "-2.5e20");
        assert_eq!(f.fixed(1234.5, 1), "1.234,5");
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
    fn grouping_and_digits_come_from_cldr() {
        let f = |lang: &str, v: f64, d: usize| Formats::of(lang).fixed(v, d);
        assert_eq!(f("en", 1234.5, 1), "1,234.5");
        assert_eq!(f("hr", 1234.5, 1), "1.234,5");
        assert_eq!(f("de-CH", 1234.5, 1), "1'234.5");
        assert_eq!(f("de", 1234.5, 1), "1.234,5");
        assert_eq!(f("hi", 1_234_567.5, 1), "12,34,567.5");
        assert_eq!(f("ar-EG", 1234.5, 1), "١٬٢٣٤٫٥");
        assert_eq!(f("en", -1234.5, 0), "-1,234");
        assert_eq!(f("en", f64::NAN, 1), "—");
        // Unknown languages and tags get CLDR's neutral form rather than an error.
        assert_eq!(f("tlh", 1234.5, 1), "1,234.5");
        assert_eq!(f("not a tag", 1234.5, 1), "1,234.5");
        // Trailing zeros dropped, as charts print values.
        assert_eq!(Formats::of("hr").number(81.20, 2), "81,2");
        assert_eq!(Formats::of("hr").number(-0.001, 2), "0");
        // Changes carry a real minus sign and the language's decimal mark.
        assert_eq!(Formats::of("hr").signed(-4.25, 2, false), "−4,25");
        assert_eq!(Formats::of("hr").signed(1234.0, 0, false), "+1.234");
        assert_eq!(Formats::of("hr").signed(0.0, 1, true), "±0,0");
        assert_eq!(Formats::of("hr").signed(-0.01, 1, false), "0,0");
    }

    #[test]
    fn dates_follow_the_language_and_keep_iso() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default();
        assert_eq!(Formats::of("hr").date(d), "30. rujna 2026.");
        assert_eq!(Formats::of("en").date(d), "September 30, 2026");
        assert_eq!(Formats::of("de-CH").date(d), "30. September 2026");
        let strings = crate::i18n::Strings::default();
        let cache = MarkdownCache::default();
        let day = locale("hr", &strings, &cache).date(d);
        assert_eq!(day.iso, "2026-09-30");
        assert_eq!(locale("hr", &strings, &cache).iso_day("2026-09-30"), day);
        assert_eq!(locale("hr", &strings, &cache).iso_day("soon").text, "soon");
    }

    #[test]
    fn chart_dates_name_a_year_month_or_day_in_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default();
        let part = |lang: &str, part| Formats::of(lang).date_part(d, part);
        assert_eq!(part("en", DatePart::Month), "Sep 2026");
        assert_eq!(part("hr", DatePart::Month), "ruj 2026.");
        assert_eq!(part("de", DatePart::Month), "09/2026");
        assert_eq!(part("en", DatePart::Year), "2026");
        assert_eq!(part("hr", DatePart::Year), "2026.");
        assert_eq!(part("en", DatePart::Day), "Sep 30, 2026");
        assert_eq!(part("hr", DatePart::Day), "30. ruj 2026.");
    }

    #[test]
    fn percentages_follow_cldr() {
        let p = |lang: &str, v: f64| Formats::of(lang).percent(v, 0);
        assert_eq!(p("hu", 100.0), "100%");
        assert_eq!(p("de", 100.0), "100\u{a0}%");
        assert_eq!(p("hr", 100.0), "100\u{a0}%");
        assert_eq!(p("en", 100.0), "100%");
        assert_eq!(p("tr", 100.0), "%100");
        assert_eq!(p("fr", 1234.0), "1\u{202f}234\u{a0}%");
        // Regions and scripts differ from their language where CLDR says so.
        assert_eq!(p("de-CH", 100.0), "100%");
        assert_eq!(p("DE-at", 100.0), "100\u{a0}%");
        assert_eq!(p("hr-BA-x-private", 100.0), "100\u{a0}%");
        // The minus sign leads the form, or follows its prefix where CLDR says so.
        assert_eq!(p("tr", -5.0), "-%5");
        assert_eq!(p("de", -5.0), "-5\u{a0}%");
        assert_eq!(p("blo", -5.0), "%\u{a0}-5");
        assert_eq!(p("en", -0.2), "0%");
        assert_eq!(p("en", f64::NAN), "—");
        assert_eq!(p("tlh", 100.0), "100%");
        assert_eq!(Formats::of("hr").percent_number(12.50, 2), "12,5\u{a0}%");
        assert_eq!(Formats::of("hr").percent(86.44, 1), "86,4\u{a0}%");
        let strings = crate::i18n::Strings::default();
        let cache = MarkdownCache::default();
        assert_eq!(locale("hu", &strings, &cache).percent(86.44, 1), "86,4%");
        assert_eq!(locale("en", &strings, &cache).percent(86.44, 1), "86.4%");
    }

    #[test]
    fn the_percent_table_is_sorted_and_lower_case() {
        use super::super::percent_table::PERCENT;
        assert!(PERCENT.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            PERCENT
                .iter()
                .all(|row| row.0 == row.0.to_ascii_lowercase())
        );
    }

    #[test]
    fn a_text_s_html_is_what_the_template_made_of_its_fields() {
        // The `txt` component as it was written before `html`.
        for t in sample_texts() {
            assert_html_is_the_component(
                "{% if v.lang %}<span lang=\"{{ v.lang }}\"{% if v.dir %} dir=\"{{ v.dir }}\"\
                 {% endif %}>{{ v.text }}</span>{% else %}{{ v.text }}{% endif %}",
                "v.html",
                &t,
            );
        }
    }

    #[test]
    fn iso_dates_are_written_as_chrono_writes_them() {
        let mut day = chrono::NaiveDate::from_ymd_opt(0, 1, 1).expect("a date");
        let last = chrono::NaiveDate::from_ymd_opt(10_001, 1, 1).expect("a date");
        while day < last {
            assert_eq!(iso_date(day), day.format("%Y-%m-%d").to_string());
            day += chrono::Duration::days(97);
        }
        let before = chrono::NaiveDate::from_ymd_opt(-1, 12, 31).expect("a date");
        assert_eq!(iso_date(before), before.format("%Y-%m-%d").to_string());
    }

    #[test]
    fn iso_dates_read_directly_as_chrono_reads_them() {
        for iso in [
            "2026-09-30",
            "2024-02-29",
            "2023-02-29",
            "2026-13-01",
            "2026-00-10",
            "0000-01-01",
            "2026-9-30",
            "2026-09-3x",
            "+2026-09-30",
            "12026-09-30",
            "2026/09/30",
            "２０２６-09-30",
            "",
        ] {
            assert_eq!(
                iso_date_of(iso),
                chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok(),
                "{iso}"
            );
        }
    }

    #[test]
    fn numbers_and_dates_written_again_come_from_the_memo_unchanged() {
        let f = Formats::new("fr");
        let d = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default();
        for _ in 0..2 {
            assert_eq!(f.fixed(1234.5, 1), "1\u{202f}234,5");
            assert_eq!(f.date(d), "30 septembre 2026");
        }
        assert_eq!(f.numbers.lock().map(|m| m.len()).unwrap_or(0), 1);
        assert_eq!(f.values.lock().map(|m| m.len()).unwrap_or(0), 1);
        // The same value with other decimals, or with trailing zeros dropped, is another.
        assert_eq!(f.fixed(1234.5, 2), "1\u{202f}234,50");
        assert_eq!(f.number(1234.5, 2), "1\u{202f}234,5");
        assert_eq!(f.fixed(-0.0, 1), "0,0");
        assert_eq!(f.fixed(0.0, 1), "0,0");
        assert_eq!(f.dates.lock().map(|m| m.len()).unwrap_or(0), 1);
    }

    #[test]
    fn formatters_are_made_once_per_language() {
        assert!(Arc::ptr_eq(&Formats::of("hu"), &Formats::of("hu")));
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
    fn the_quick_look_at_bytes_agrees_with_the_characters() {
        // Characters on each side of the 0xD6 lead byte, the bidirectional controls and
        // letters of either direction, alone and between Latin and Cyrillic text.
        let chars = [
            'a',
            'č',
            'ж',
            'Ֆ',
            '\u{58f}',
            '\u{590}',
            'א',
            'ع',
            '\u{61c}',
            '\u{8ff}',
            '\u{900}',
            'ह',
            '\u{200e}',
            '\u{200f}',
            '\u{202b}',
            '\u{2067}',
            '—',
            '\u{fb1d}',
            '\u{fe70}',
            '\u{10800}',
            '\u{1e800}',
            '\u{1f600}',
            '中',
        ];
        for c in chars {
            for text in [c.to_string(), format!("Revizija {c} ревизия")] {
                for page_rtl in [false, true] {
                    let slow = text.chars().any(|c| {
                        crate::markdown::is_bidi_control(c)
                            || if page_rtl {
                                c.is_alphabetic() && !is_rtl_char(c)
                            } else {
                                is_rtl_char(c)
                            }
                    });
                    assert_eq!(may_run_the_other_way(&text, page_rtl), slow, "{text:?}");
                }
            }
        }
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
