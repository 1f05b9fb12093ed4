//! Server-side SVG charts drawn at build time: sparklines, bars, trend lines, stacked columns
//! and score gauges, as self-contained `<svg>` strings with no colours of their own.
//!
//! Every chart is coloured by the page stylesheet through CSS classes and `currentColor`, so it
//! follows light and dark mode; status is also shown by a glyph or a pattern, never by colour
//! alone. Output is deterministic: numbers are rounded to at most two decimals. Numbers a
//! reader sees (values, ticks, tooltips) are written in the page language's notation by the
//! `Formats` passed in, the same as the page's tables; coordinates stay plain.

use std::borrow::Cow;
use std::f64::consts::TAU;

use chrono::{Datelike, NaiveDate};

use crate::render::{DatePart, Formats};

/// Text shown in place of a chart that has nothing to draw.
pub(crate) const NO_DATA: &str = "no data";

/// Marks target values in labels and tooltips: a symbol rather than a word, so charts read
/// the same in every site language.
const TARGET_MARK: &str = "◎";

/// Where a value stands against its target (docs/format.md §10).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    Met,
    AtRisk,
    Below,
    Untracked,
}

impl Status {
    pub(crate) fn class(self) -> &'static str {
        match self {
            Status::Met => "status-met",
            Status::AtRisk => "status-at-risk",
            Status::Below => "status-below",
            Status::Untracked => "status-untracked",
        }
    }

    /// Shown beside a value so that status never rests on colour alone.
    fn glyph(self) -> &'static str {
        match self {
            Status::Met => "✓",
            Status::AtRisk => "!",
            Status::Below => "✗",
            Status::Untracked => "",
        }
    }
}

pub(crate) struct Bar<'a> {
    pub label: &'a str,
    /// The label's language, when it differs from the page's.
    pub lang: Option<&'a str>,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub status: Status,
    /// The formatted value shown at the end of the bar.
    pub display: &'a str,
}

pub(crate) struct LineSeries<'a> {
    pub name: &'a str,
    /// The name's language, when it differs from the page's.
    pub lang: Option<&'a str>,
    pub points: &'a [Option<f64>],
}

pub(crate) struct LineChart<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// The title's language, when it differs from the page's.
    pub title_lang: Option<&'a str>,
    pub desc: Option<&'a str>,
    /// How each point's x is named in its tooltip, one per point index; also the axis labels
    /// when there are no `dates`.
    pub x_labels: &'a [String],
    /// The date of each point index. When there is one for every point, points sit on a time
    /// axis, x proportional to the days between them, with month or year ticks; otherwise
    /// they are spaced evenly under `x_labels`.
    pub dates: &'a [NaiveDate],
    pub series: &'a [LineSeries<'a>],
    pub target: Option<f64>,
    pub warn: Option<f64>,
    pub higher_is_better: bool,
    pub y_format: &'a dyn Fn(f64) -> String,
    /// The page language's notation, for the time axis's date labels.
    pub formats: &'a Formats,
    /// What follows a label in the page language (`:`, or ` :` in French), as in tooltips
    /// ("2026-q3: 81.2").
    pub colon: &'a str,
}

pub(crate) struct Stack<'a> {
    pub name: &'a str,
    /// CSS class of this stack's segments, e.g. `status-met` or `nps-promoters`.
    pub class: &'a str,
    pub values: &'a [f64],
}

/// Formats `v` with at most `decimals` decimals, trailing zeros trimmed and never `-0`;
/// `—` for NaN and infinities. Plain digits, for coordinates in the markup.
pub(crate) fn format_number(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return "—".to_string();
    }
    // Precision beyond f64's ~17 significant digits only adds noise (and huge ones panic).
    let decimals = decimals.min(12);
    let mut s = crate::text::fixed(v, decimals);
    if s.contains('.') {
        let kept = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(kept);
    }
    if s == "-0" { "0".to_string() } else { s }
}

/// A small trend line of about 120×32; `None` leaves a gap, the last point is emphasised.
/// Values are placed on `min..max`, or on their own range when that is empty.
pub(crate) fn sparkline(
    id: &str,
    title: &str,
    title_lang: Option<&str>,
    values: &[Option<f64>],
    min: f64,
    max: f64,
) -> String {
    const PAD: f64 = 4.0;
    let id = &clean_id(id);
    let Some((lo, hi)) = range(values.iter().filter_map(|v| finite(*v))) else {
        return no_data(id, "sparkline", (title, title_lang), None);
    };
    let given = min.is_finite() && max.is_finite() && min < max;
    let (lo, hi) = if given { (min, max) } else { (lo, hi) };
    let step = (120.0 - 2.0 * PAD) / values.len().saturating_sub(1).max(1) as f64;
    // A single value sits in the middle.
    let x0 = if values.len() > 1 { PAD } else { 60.0 };
    let y = |v: f64| PAD + (1.0 - unit(v, lo, hi)) * (32.0 - 2.0 * PAD);
    let point = |(i, v): (usize, &Option<f64>)| finite(*v).map(|v| (x0 + i as f64 * step, y(v)));
    let points: Vec<_> = values.iter().enumerate().map(point).collect();
    let last = points.iter().rposition(Option::is_some);

    let mut s = open(id, "sparkline", (120.0, 32.0), (title, title_lang), None);
    let d = gap_path(&points);
    s += &format!("<path class=\"spark-line\" d=\"{d}\" {LINE} stroke-width=\"1.5\"/>");
    for (i, point) in points.iter().enumerate() {
        let Some((x, y)) = point.map(|(x, y)| (num(x), num(y))) else {
            continue;
        };
        let (class, r) = match Some(i) == last {
            true => ("spark-dot spark-last", 3),
            false => ("spark-dot", 2),
        };
        s += &format!("<circle class=\"{class}\" cx=\"{x}\" cy=\"{y}\" r=\"{r}\"/>");
    }
    s + "</svg>"
}

/// Horizontal bars on a `0..max` scale (`max` from the data when not positive), with each
/// bar's target as a dashed tick, labels on the left and value text plus status glyph right.
pub(crate) fn bar_chart(
    id: &str,
    title: &str,
    desc: Option<&str>,
    bars: &[Bar],
    max: f64,
    nums: &Formats,
    colon: &str,
) -> String {
    const X0: f64 = 170.0;
    const PAD: f64 = 8.0;
    const ROW: f64 = 24.0;
    let id = &clean_id(id);
    if bars.is_empty() {
        return no_data(id, "bar", (title, None), desc);
    }
    let data = bars.iter().flat_map(|b| [b.value, b.target]);
    let max = match max.is_finite() && max > 0.0 {
        true => max,
        false => positive_max(data.filter_map(finite)),
    };
    let scale = |v: f64| X0 + unit(v, 0.0, max) * 340.0;
    let height = 2.0 * PAD + bars.len() as f64 * ROW;

    let mut s = open(id, "bar", (600.0, height), (title, None), desc);
    s += &line("axis", (X0, PAD), (X0, height - PAD), AXIS);
    for (i, bar) in bars.iter().enumerate() {
        let top = PAD + i as f64 * ROW;
        let mid = top + ROW / 2.0;
        let (value, target) = (finite(bar.value), finite(bar.target));
        let mut tip = format!("{}{colon} {}", bar.label, bar.display);
        if let Some(t) = target {
            tip += &format!(" ({TARGET_MARK} {})", nums.number(t, 2));
        }
        push_glyph(&mut tip, bar.status);
        let lang = lang_attr(bar.lang);
        s += &format!("<g class=\"bar-row\"><title{lang}>{}</title>", esc(&tip));
        let label = esc(&truncate(bar.label, 26));
        s += &lang_text("bar-label", (X0 - 8.0, mid), "end", &label, bar.lang);
        let end = value.map_or(X0, scale);
        if value.is_some() {
            let class = format!("bar {}", bar.status.class());
            s += &rect(&class, (X0, top + 5.0), (end - X0, 14.0), "");
        }
        let tick = target.map(scale);
        if let Some(x) = tick {
            let (from, to) = ((x, top + 1.0), (x, top + ROW - 1.0));
            s += &line("target-tick", from, to, TICK);
        }
        let body = esc(bar.display) + &glyph_tspan(bar.status);
        let x = end.max(tick.unwrap_or(X0)) + 6.0;
        s += &text("value-label", x, mid, "start", &body);
        s += "</g>";
    }
    s + "</svg>"
}

/// The most series a line chart draws a line each for. Beyond it the legend takes more rows
/// than the chart has height, and the lines can no longer be told apart; a view then draws
/// the [`spread`] of its series, and leaves every series to the table beside the chart.
pub(crate) const MAX_LINES: usize = 8;

/// The lowest, the median and the highest of the finite values at each point index of
/// `series`, `None` where no series has one. The median of an even count is the mean of the
/// middle two.
pub(crate) fn spread(series: &[&[Option<f64>]]) -> [Vec<Option<f64>>; 3] {
    let n = series.iter().map(|s| s.len()).max().unwrap_or(0);
    let mut out: [Vec<Option<f64>>; 3] = Default::default();
    let mut values = Vec::with_capacity(series.len());
    for i in 0..n {
        values.clear();
        values.extend(
            series
                .iter()
                .filter_map(|s| finite(s.get(i).copied().flatten())),
        );
        values.sort_by(f64::total_cmp);
        let at = |k: usize| values.get(k).copied();
        let median = match values.len() {
            0 => None,
            len if len % 2 == 1 => at(len / 2),
            len => Some((values[len / 2 - 1] + values[len / 2]) / 2.0),
        };
        out[0].push(at(0));
        out[1].push(median);
        out[2].push(values.last().copied());
    }
    out
}

/// A trend over time: nice y ticks, x labels, the target as a dashed labelled line, the warn
/// band shaded, a marker with a tooltip per point, and a legend for more than one series.
pub(crate) fn line_chart(c: &LineChart) -> String {
    let id = &clean_id(c.id);
    let points = || c.series.iter().flat_map(|s| s.points.iter().copied());
    let Some((lo, hi)) = range(points().filter_map(finite)) else {
        return no_data(id, "line", (c.title, c.title_lang), c.desc);
    };
    let (target, warn) = (finite(c.target), finite(c.warn));
    let limits = [Some(lo), Some(hi), target, warn];
    let ticks = nice_ticks(range(limits.into_iter().flatten()).unwrap_or((lo, hi)));
    let names: Vec<&str> = c.series.iter().map(|s| s.name).collect();
    let (legend, legend_h) = match names.len() {
        0 | 1 => (Vec::new(), 0.0),
        _ => legend_layout(&names),
    };
    let lengths = c.series.iter().map(|s| s.points.len());
    let n = lengths.fold(c.x_labels.len(), usize::max);
    let f = Frame::new(56.0, legend_h, &ticks, n);
    let axis = TimeAxis::new(&c.dates[..c.dates.len().min(n)], n, &f);
    let x_of = |i: usize| axis.as_ref().map_or_else(|| f.x(i), |a| a.x(i));

    let mut s = open(id, "line", (W, H), (c.title, c.title_lang), c.desc);
    s += &f.grid(&ticks, |t| esc(&(c.y_format)(t)));
    if let (Some(t), Some(w)) = (target, warn) {
        let (a, b) = (f.y(t), f.y(w));
        let size = (RIGHT - f.left, (a - b).abs());
        s += &rect("warn-band", (f.left, a.min(b)), size, BAND);
    }
    if let Some(t) = target {
        let y = f.y(t);
        s += &line("target-line", (f.left, y), (RIGHT, y), DASHED);
        // The label sits on the good side of the line.
        let label_y = if c.higher_is_better { y - 9.0 } else { y + 9.0 };
        let body = format!("{TARGET_MARK} {}", esc(&(c.y_format)(t)));
        s += &text("target-label", RIGHT - 4.0, label_y, "end", &body);
    }
    // Points repeat values (an item's levels, a metric's round numbers): each is written
    // once per chart.
    let mut values = Remembered::new(c.y_format);
    let mut tip = String::new();
    for (k, series) in c.series.iter().enumerate() {
        let at = |i: usize, v: f64| (x_of(i), f.y(v));
        let place = |(i, p): (usize, &Option<f64>)| finite(*p).map(|v| at(i, v));
        let mut placed: Vec<_> = series.points.iter().enumerate().map(place).collect();
        if axis.is_some() {
            // On a time axis a missing value is a date this series was not measured on (others
            // were): its line runs on from its previous point to its next.
            placed.retain(Option::is_some);
        }
        let (class, d) = (series_class(k), gap_path(&placed));
        s += &format!("<g class=\"series {class}\"><path d=\"{d}\" {LINE} stroke-width=\"2\"/>");
        // Each point's tooltip: "series · x label: value glyph", in one reused buffer.
        let (prefix, lang) = match c.series.len() > 1 {
            true => (format!("{} · ", series.name), lang_attr(series.lang)),
            false => (String::new(), String::new()),
        };
        for (i, v) in series.points.iter().enumerate() {
            let Some(v) = finite(*v) else { continue };
            let x_label = c.x_labels.get(i).map_or("", String::as_str);
            tip.clear();
            tip.push_str(&prefix);
            tip.push_str(x_label);
            tip.push_str(c.colon);
            tip.push(' ');
            tip.push_str(values.get(v));
            push_glyph(&mut tip, point_status(v, target, warn, c.higher_is_better));
            s.push_str("<g><title");
            s.push_str(&lang);
            s.push('>');
            push_esc(&mut s, &tip);
            s.push_str("</title>");
            push_marker(&mut s, k, at(i, v));
            s.push_str("</g>");
        }
        s += "</g>";
    }
    match &axis {
        Some(axis) => s += &axis.ticks(&f, c.formats),
        None => s += &f.x_labels(c.x_labels),
    }
    for (k, &(x, y)) in legend.iter().enumerate() {
        let sample = line("legend-line", (x, y), (x + 16.0, y), "");
        let mark = marker(k, (x + 8.0, y));
        s += &format!("<g class=\"{}\">{sample}{mark}</g>", series_class(k));
        let name = esc(&truncate(names[k], 24));
        let lang = c.series[k].lang;
        s += &lang_text("legend", (x + 20.0, y), "start", &name, lang);
    }
    s + "</svg>"
}

/// Stacked columns per x label; `percent` scales each column to 100 %. Stacks after the
/// first carry a hatch pattern so they differ by more than colour.
pub(crate) fn stacked_columns(
    id: &str,
    (title, desc): (&str, Option<&str>),
    x_labels: &[String],
    stacks: &[Stack],
    percent: bool,
    nums: &Formats,
    colon: &str,
) -> String {
    let id = &clean_id(id);
    let lengths = stacks.iter().map(|s| s.values.len());
    let n = lengths.fold(x_labels.len(), usize::max);
    if n == 0 || stacks.is_empty() {
        return no_data(id, "columns", (title, None), desc);
    }
    // Only positive finite values stack; anything else counts as nothing.
    let value = |s: &Stack, i: usize| {
        let v = s.values.get(i).copied();
        v.filter(|v| v.is_finite() && *v > 0.0)
    };
    let total = |i: usize| stacks.iter().filter_map(|s| value(s, i)).sum::<f64>();
    let totals: Vec<f64> = (0..n).map(total).collect();
    let ticks = match percent {
        true => vec![0.0, 25.0, 50.0, 75.0, 100.0],
        false => nice_ticks((0.0, positive_max(totals.iter().copied()))),
    };
    let names: Vec<&str> = stacks.iter().map(|s| s.name).collect();
    let (legend, legend_h) = legend_layout(&names);
    let f = Frame::new(48.0, legend_h, &ticks, n);
    let col_w = ((RIGHT - f.left) / n as f64 * 0.6).min(56.0);
    let tick = |t: f64| {
        if percent {
            nums.percent_number(t, 2)
        } else {
            nums.number(t, 2)
        }
    };

    // Totals above the columns, where each fits above its own column: labels that run into
    // each other, or over a neighbour's column, read as nothing. The table beside the chart
    // has the counts either way.
    let total_labels: Vec<String> = match percent {
        true => Vec::new(),
        false => totals.iter().map(|&t| nums.number(t, 2)).collect(),
    };
    let widest = total_labels.iter().map(|l| l.chars().count()).max();
    let slot = (RIGHT - f.left) / n as f64;
    let totals_fit = widest.is_some_and(|w| w as f64 * 7.0 + 4.0 <= slot);

    let mut s = open(id, "columns", (W, H), (title, None), desc);
    s += &hatch_defs(id, stacks.len());
    s += &f.grid(&ticks, tick);
    for (i, &total) in totals.iter().enumerate() {
        let x_label = x_labels.get(i).map_or("", String::as_str);
        let x = f.x(i) - col_w / 2.0;
        let mut acc = 0.0;
        for (k, stack) in stacks.iter().enumerate() {
            let Some(v) = value(stack, i) else { continue };
            let share = if percent { v / total * 100.0 } else { v };
            let (y_top, y_bottom) = (f.y(acc + share), f.y(acc));
            acc += share;
            let mut shown = nums.number(v, 2);
            if percent {
                shown = format!("{} ({shown})", nums.percent_number(share, 1));
            }
            let tip = esc(&format!("{} · {x_label}{colon} {shown}", stack.name));
            s += &format!("<g><title>{tip}</title>");
            s += &segment(id, k, stack.class, (x, y_top), (col_w, y_bottom - y_top));
            s += "</g>";
        }
        if totals_fit && total > 0.0 {
            let y = f.y(total) - 9.0;
            s += &text("value-label", f.x(i), y, "middle", &total_labels[i]);
        }
    }
    s += &f.x_labels(x_labels);
    for (k, &(x, y)) in legend.iter().enumerate() {
        s += &segment(id, k, stacks[k].class, (x, y - 6.0), (12.0, 12.0));
        let name = esc(&truncate(names[k], 24));
        s += &text("legend", x + 18.0, y, "start", &name);
    }
    s + "</svg>"
}

/// A ring showing a 0..100 score, a mark at the target, and the score (one decimal) with its
/// status glyph in the middle (`—` without a score).
pub(crate) fn score_gauge(
    id: &str,
    title: &str,
    score: Option<f64>,
    target: Option<f64>,
    status: Status,
    nums: &Formats,
) -> String {
    const R: f64 = 40.0;
    const RING: &str = "cx=\"50\" cy=\"50\" r=\"40\" fill=\"none\" stroke=\"currentColor\"";
    const TRACK: &str = "stroke-width=\"10\" stroke-opacity=\"0.15\"";
    let id = &clean_id(id);
    let score = finite(score).map(|v| v.clamp(0.0, 100.0));
    let class = status.class();
    let mut s = open(id, "gauge", (100.0, 100.0), (title, None), None);
    s += &format!("<circle class=\"gauge-track\" {RING} {TRACK}/>");
    // The status class sits on a group: a stylesheet that sets `fill` for it must not fill
    // the ring, whose own `fill="none"` wins over an inherited fill.
    match score {
        // An arc from a point back to itself draws nothing, so a full ring is a circle.
        Some(v) if v >= 99.995 => {
            let ring = format!("<circle {RING} stroke-width=\"10\"/>");
            s += &format!("<g class=\"gauge-value {class}\">{ring}</g>");
        }
        Some(v) if v > 0.0 => {
            let (x, y) = ring_point(v, R);
            let (large, x, y) = (u8::from(v > 50.0), num(x), num(y));
            let arc = format!("<path d=\"M50 10A{R} {R} 0 {large} 1 {x} {y}\" {LINE}");
            s += &format!("<g class=\"gauge-value {class}\">{arc} stroke-width=\"10\"/></g>");
        }
        _ => {}
    }
    if let Some(t) = finite(target).map(|t| t.clamp(0.0, 100.0)) {
        let (from, to) = (ring_point(t, R - 9.0), ring_point(t, R + 9.0));
        let mark = line("target-mark", from, to, " stroke-width=\"2.5\"");
        let tip = format!("{TARGET_MARK} {}", nums.fixed(t, 1));
        s += &format!("<g><title>{tip}</title>{mark}</g>");
    }
    // One decimal, as pages print scores: the gauge and the table beside it agree.
    let score_text = score.map_or("—".to_string(), |v| nums.fixed(v, 1));
    let place = "x=\"50\" y=\"50\" dy=\"0.35em\" text-anchor=\"middle\" font-size=\"20\"";
    s += &format!("<text class=\"gauge-score\" {place}>{score_text}</text>");
    if score.is_some() && status != Status::Untracked {
        let glyph_class = format!("status-glyph {class}");
        s += &text(&glyph_class, 50.0, 70.0, "middle", status.glyph());
    }
    s + "</svg>"
}

/// The view box of the line and column charts, and where their plot area ends.
const W: f64 = 600.0;
const H: f64 = 240.0;
const RIGHT: f64 = W - 16.0;
const BOTTOM: f64 = H - 28.0;
/// Extra attributes of lines and markers.
const LINE: &str = "fill=\"none\" stroke=\"currentColor\" stroke-linejoin=\"round\"";
const BAND: &str = " fill-opacity=\"0.1\"";
const AXIS: &str = " stroke-opacity=\"0.5\"";
const GRID: &str = " stroke-opacity=\"0.15\"";
const DASHED: &str = " stroke-width=\"1.5\" stroke-dasharray=\"6 4\"";
const TICK: &str = " stroke-width=\"2\" stroke-dasharray=\"3 2\"";

/// The plot area of a line or column chart: `n` evenly spaced x slots, y spanning the ticks.
struct Frame {
    left: f64,
    top: f64,
    y0: f64,
    y1: f64,
    n: usize,
}

impl Frame {
    fn new(left: f64, legend_h: f64, ticks: &[f64], n: usize) -> Frame {
        let y0 = ticks.first().copied().unwrap_or(0.0);
        let y1 = ticks.last().copied().unwrap_or(1.0);
        let (top, n) = (12.0 + legend_h, n.max(1));
        Frame {
            left,
            top,
            y0,
            y1,
            n,
        }
    }

    fn x(&self, i: usize) -> f64 {
        self.left + (i as f64 + 0.5) * (RIGHT - self.left) / self.n as f64
    }

    fn y(&self, v: f64) -> f64 {
        BOTTOM - unit(v, self.y0, self.y1) * (BOTTOM - self.top)
    }

    /// Grid lines with their (escaped) tick labels, and the axes.
    fn grid(&self, ticks: &[f64], label: impl Fn(f64) -> String) -> String {
        let mut s = String::new();
        for &t in ticks {
            let y = self.y(t);
            s += &line("grid", (self.left, y), (RIGHT, y), GRID);
            s += &text("y-label", self.left - 6.0, y, "end", &label(t));
        }
        let [l, t, b, r] = [self.left, self.top, BOTTOM, RIGHT].map(num);
        let d = format!("M{l} {t}V{b}H{r}");
        s + &format!("<path class=\"axis\" d=\"{d}\" fill=\"none\" stroke=\"currentColor\"{AXIS}/>")
    }

    /// The x labels under their slots, thinned to at most 12 and to as many as fit side by
    /// side (a day in some languages, `30. stu 2026.`, is twice as long as a month).
    fn x_labels(&self, labels: &[String]) -> String {
        const MAX_CHARS: usize = 16;
        let longest = labels
            .iter()
            .map(|l| l.chars().count().min(MAX_CHARS))
            .max()
            .unwrap_or(1);
        let fit = ((RIGHT - self.left) / (longest as f64 * 6.2 + 8.0)).floor() as usize;
        let every = self.n.div_ceil(fit.clamp(1, 12)).max(1);
        let mut s = String::new();
        for (i, label) in labels.iter().enumerate().step_by(every) {
            let (x, label) = (self.x(i), esc(&truncate(label, MAX_CHARS)));
            s += &text("x-label", x, BOTTOM + 14.0, "middle", &label);
        }
        s
    }
}

/// Status of a trend point, as docs/format.md §10 defines it against target and warn.
fn point_status(v: f64, target: Option<f64>, warn: Option<f64>, higher_is_better: bool) -> Status {
    let sign = if higher_is_better { 1.0 } else { -1.0 };
    let beyond = |limit: f64| sign * (v - limit) >= 0.0;
    match target {
        None => Status::Untracked,
        Some(t) if beyond(t) => Status::Met,
        Some(_) if warn.is_some_and(beyond) => Status::AtRisk,
        Some(_) => Status::Below,
    }
}

/// ` lang="…"` for text in another language than the page's, or nothing. SVG elements take
/// no `dir` attribute: [`lang_text`] marks a right-to-left label's direction the SVG way.
fn lang_attr(lang: Option<&str>) -> String {
    lang.map_or(String::new(), |l| format!(" lang=\"{}\"", esc(l)))
}

/// [`text`] in language `lang` (the page's when `None`). A right-to-left label gets the
/// `direction` and `unicode-bidi` presentation attributes, so its words are ordered right to
/// left, and its `text-anchor` mirrored, so it still ends (or starts) at `x` as the layout
/// expects: the chart's geometry stays left to right.
fn lang_text(
    class: &str,
    (x, y): (f64, f64),
    anchor: &str,
    body: &str,
    lang: Option<&str>,
) -> String {
    let Some(l) = lang else {
        return text(class, x, y, anchor, body);
    };
    let rtl = crate::text::is_rtl(l);
    let anchor = match (rtl, anchor) {
        (true, "start") => "end",
        (true, "end") => "start",
        _ => anchor,
    };
    let mut s = text(class, x, y, anchor, body);
    let mut attrs = lang_attr(lang);
    if rtl {
        attrs += " direction=\"rtl\" unicode-bidi=\"embed\"";
    }
    s.insert_str("<text".len(), &attrs);
    s
}

/// Opens the `<svg>` element with its accessible name (and its language, when it differs
/// from the page's) and description. Charts keep left-to-right geometry on right-to-left
/// pages, so the `direction` presentation attribute is fixed (SVG elements take no `dir`).
fn open(
    id: &str,
    kind: &str,
    (w, h): (f64, f64),
    (title, title_lang): (&str, Option<&str>),
    desc: Option<&str>,
) -> String {
    let desc = desc.filter(|d| !d.is_empty());
    let desc_id = desc.map_or(String::new(), |_| format!(" {id}-desc"));
    let (w, h, title) = (num(w), num(h), esc(title));
    let lang = lang_attr(title_lang);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title{desc_id}\" class=\"chart chart-{kind}\" fill=\"currentColor\" font-size=\"12\" direction=\"ltr\"><title id=\"{id}-title\"{lang}>{title}</title>"
    );
    if let Some(d) = desc {
        s += &format!("<desc id=\"{id}-desc\">{}</desc>", esc(d));
    }
    s
}

/// A small chart holding only the "no data" text.
fn no_data(id: &str, kind: &str, title: (&str, Option<&str>), desc: Option<&str>) -> String {
    let (w, h) = match kind {
        "sparkline" => (120.0, 32.0),
        _ => (W, 40.0),
    };
    let body = text("no-data", w / 2.0, h / 2.0, "middle", NO_DATA);
    open(id, kind, (w, h), title, desc) + &body + "</svg>"
}

/// `<text>` centred vertically on `y`; `body` must already be escaped.
fn text(class: &str, x: f64, y: f64, anchor: &str, body: &str) -> String {
    let (x, y) = (num(x), num(y));
    let place = format!("x=\"{x}\" y=\"{y}\" dy=\"0.35em\" text-anchor=\"{anchor}\"");
    format!(
        "<text class=\"{class}\" {place}>{}</text>",
        isolate_rtl_marks(body)
    )
}

/// A label written for a right-to-left page carries right-to-left marks (CLDR's Arabic
/// month `01‏/2026`); in the chart's left-to-right text they would pull the digits apart
/// (`012026/`). Isolated first-strong (U+2068 … U+2069), the label takes the direction its
/// mark gives and reads as it does in the page's tables.
fn isolate_rtl_marks(body: &str) -> std::borrow::Cow<'_, str> {
    if body.contains(['\u{200F}', '\u{061C}']) {
        format!("\u{2068}{body}\u{2069}").into()
    } else {
        body.into()
    }
}

/// A `currentColor` line; `extra` holds further attributes, each after a space.
fn line(class: &str, (x1, y1): (f64, f64), (x2, y2): (f64, f64), extra: &str) -> String {
    let mut s = String::with_capacity(96);
    s.push_str("<line class=\"");
    s.push_str(class);
    attributes(&mut s, &[("x1", x1), ("y1", y1), ("x2", x2), ("y2", y2)]);
    s.push_str(" stroke=\"currentColor\"");
    s.push_str(extra);
    s.push_str("/>");
    s
}

/// Writes ` name="value"` for each pair, the first after a closing quote.
fn attributes(out: &mut String, pairs: &[(&str, f64)]) {
    out.push('"');
    for (name, v) in pairs {
        out.push(' ');
        out.push_str(name);
        out.push_str("=\"");
        push_num(out, *v);
        out.push('"');
    }
}

/// A rectangle; `extra` holds further attributes, each after a space.
fn rect(class: &str, (x, y): (f64, f64), (w, h): (f64, f64), extra: &str) -> String {
    let mut s = String::with_capacity(96);
    s.push_str("<rect class=\"");
    s.push_str(class);
    attributes(&mut s, &[("x", x), ("y", y), ("width", w), ("height", h)]);
    s.push_str(extra);
    s.push_str("/>");
    s
}

/// Keeps ids usable in `id` and in the space-separated `aria-labelledby`.
fn clean_id(id: &str) -> String {
    let ok = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let s: String = id.chars().map(|c| if ok(c) { c } else { '-' }).collect();
    if s.is_empty() { "chart".to_string() } else { s }
}

fn esc(s: &str) -> String {
    let mut out = String::new();
    push_esc(&mut out, s);
    out
}

/// [`esc`] of `s`, written at the end of `out`.
fn push_esc(out: &mut String, s: &str) {
    // Most labels need nothing done: one look at them, and one copy.
    let plain = |c: char| !c.is_control() && !matches!(c, '&' | '<' | '>' | '"' | '\'');
    if s.chars().all(plain) && matches!(crate::markdown::clean(s), Cow::Borrowed(_)) {
        out.push_str(s);
    } else {
        out.push_str(&esc_each(s));
    }
}

/// A chart's formatting of values, each distinct value formatted once.
struct Remembered<'a> {
    format: &'a dyn Fn(f64) -> String,
    /// Values by their bits, with their text; a chart has few distinct values, and a
    /// short list is searched faster than a map is hashed.
    known: Vec<(u64, String)>,
}

impl<'a> Remembered<'a> {
    /// How many distinct values are kept; the formatting of others is not remembered.
    const KEPT: usize = 64;

    fn new(format: &'a dyn Fn(f64) -> String) -> Self {
        Remembered {
            format,
            known: Vec::new(),
        }
    }

    fn get(&mut self, v: f64) -> &str {
        let bits = v.to_bits();
        match self.known.iter().position(|(b, _)| *b == bits) {
            Some(at) => &self.known[at].1,
            None => {
                if self.known.len() == Self::KEPT {
                    self.known.pop();
                }
                self.known.push((bits, (self.format)(v)));
                &self.known[self.known.len() - 1].1
            }
        }
    }
}

/// [`esc`] without its quick look: every step on every label.
fn esc_each(s: &str) -> String {
    // XML forbids most control characters even when escaped.
    let allowed = |c: &char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    let s: String = s.chars().filter(allowed).collect();
    // Embeddings a label leaves open are closed at its end (docs/security.md).
    let s = crate::markdown::clean(&s);
    let s = s
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    s.replace('"', "&quot;").replace('\'', "&#39;")
}

fn truncate(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let kept = s.chars().take(max_chars.saturating_sub(1));
    kept.chain(['…']).collect()
}

/// A coordinate: two decimals at most, and never a non-number in an attribute.
fn num(v: f64) -> String {
    let mut s = String::new();
    push_num(&mut s, v);
    s
}

/// [`num`], written at the end of `out`.
fn push_num(out: &mut String, v: f64) {
    let v = if v.is_finite() { v } else { 0.0 };
    // Charts write thousands of coordinates: the common case without the general formatter,
    // by the same rounding as `text::fixed` (a product next to a half goes the long way).
    let y = v.abs() * 100.0;
    let (whole, frac) = (y.floor(), y - y.floor());
    if y >= 1e9 || (frac - 0.5).abs() <= 1e-6 {
        out.push_str(&format_number(v, 2));
        return;
    }
    let n = whole as u64 + u64::from(frac > 0.5);
    let mut digits = [0_u8; 24];
    let mut at = digits.len();
    let mut push = |b: u8| {
        at -= 1;
        digits[at] = b;
    };
    let (int, dec) = (n / 100, n % 100);
    if dec != 0 {
        if dec % 10 != 0 {
            push(b'0' + (dec % 10) as u8);
        }
        push(b'0' + (dec / 10) as u8);
        push(b'.');
    }
    let mut rest = int;
    loop {
        push(b'0' + (rest % 10) as u8);
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    // "-0" is written "0".
    if v.is_sign_negative() && n != 0 {
        push(b'-');
    }
    // Only ASCII digits, '.' and '-' were written.
    out.extend(digits[at..].iter().map(|&b| b as char));
}

fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

fn range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Where `v` lies on `lo..hi`, clamped to 0..1; the middle when the range is empty.
fn unit(v: f64, lo: f64, hi: f64) -> f64 {
    let u = (v - lo) / (hi - lo);
    if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) }
}

/// The largest value if it is positive, else 1: the top of a scale starting at 0.
fn positive_max(values: impl IntoIterator<Item = f64>) -> f64 {
    range(values).map_or(1.0, |(_, hi)| if hi > 0.0 { hi } else { 1.0 })
}

/// Three to five evenly spaced round values (steps of 1, 2, 2.5 or 5 × 10ⁿ) covering lo..=hi.
fn nice_ticks((lo, hi): (f64, f64)) -> Vec<f64> {
    let pad = match (hi > lo, lo == 0.0) {
        (true, _) => 0.0,
        (false, true) => 1.0,
        (false, false) => lo.abs() * 0.1,
    };
    let (lo, hi) = (lo - pad, hi + pad);
    let span = hi - lo;
    if !span.is_finite() || span <= 0.0 {
        return vec![lo, hi];
    }
    // Starting a decade below the span means the first step that fits leaves 3+ ticks.
    let mut base = 10f64.powf(span.log10().floor() - 1.0);
    for _ in 0..4 {
        for m in [1.0, 2.0, 2.5, 5.0] {
            let step = m * base;
            let (first, last) = ((lo / step).floor(), (hi / step).ceil());
            if last - first <= 4.0 {
                // Adding 0.0 turns -0.0 into 0.0.
                let tick = |k: usize| (first + k as f64) * step + 0.0;
                return (0..=(last - first) as usize).map(tick).collect();
            }
        }
        base *= 10.0;
    }
    vec![lo, hi]
}

/// A path through the points, lifting the pen at each gap.
fn gap_path(points: &[Option<(f64, f64)>]) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for point in points {
        if let Some((x, y)) = point {
            d.push(if pen_down { 'L' } else { 'M' });
            push_num(&mut d, *x);
            d.push(' ');
            push_num(&mut d, *y);
        }
        pen_down = point.is_some();
    }
    d
}

/// The colour class of series `k`: one of six, each set by the stylesheet.
fn series_class(k: usize) -> String {
    format!("series-{}", k % SERIES_STYLES + 1)
}

/// How many colours (and marker shapes) series take turns with.
const SERIES_STYLES: usize = 6;

/// A point marker for series `k`. The shape (circle, square, diamond, triangle up, triangle
/// down, plus) and the colour of [`series_class`] each take turns with six, the shape one step
/// further for every six series, so no two of 36 series share both: series differ by more
/// than colour, and by more than shape.
fn marker(series: usize, at: (f64, f64)) -> String {
    let mut s = String::new();
    push_marker(&mut s, series, at);
    s
}

/// [`marker`], written at the end of `out`.
fn push_marker(out: &mut String, series: usize, (x, y): (f64, f64)) {
    let shape = (series + series / SERIES_STYLES) % SERIES_STYLES;
    let polygon = |out: &mut String, points: &[(f64, f64)]| {
        out.push_str("<path class=\"marker\" d=\"");
        for (i, (dx, dy)) in points.iter().enumerate() {
            out.push(if i == 0 { 'M' } else { 'L' });
            push_num(out, x + dx);
            out.push(' ');
            push_num(out, y + dy);
        }
        out.push_str("Z\"/>");
    };
    match shape {
        0 => {
            let (cx, cy) = (num(x), num(y));
            out.push_str(&format!(
                "<circle class=\"marker\" cx=\"{cx}\" cy=\"{cy}\" r=\"3.5\"/>"
            ));
        }
        1 => out.push_str(&rect("marker", (x - 3.5, y - 3.5), (7.0, 7.0), "")),
        2 => polygon(out, &[(0.0, -4.5), (4.5, 0.0), (0.0, 4.5), (-4.5, 0.0)]),
        3 => polygon(out, &[(0.0, -4.5), (4.5, 3.5), (-4.5, 3.5)]),
        4 => polygon(out, &[(0.0, 4.5), (4.5, -3.5), (-4.5, -3.5)]),
        _ => polygon(
            out,
            &[
                (-1.5, -4.5),
                (1.5, -4.5),
                (1.5, -1.5),
                (4.5, -1.5),
                (4.5, 1.5),
                (1.5, 1.5),
                (1.5, 4.5),
                (-1.5, 4.5),
                (-1.5, 1.5),
                (-4.5, 1.5),
                (-4.5, -1.5),
                (-1.5, -1.5),
            ],
        ),
    }
}

/// The x axis of a line chart whose points have dates: x proportional to the days since the
/// first date, so a five-month gap looks five times as long as a one-month one.
struct TimeAxis {
    /// Days since the first date, per point index.
    days: Vec<i64>,
    first: NaiveDate,
    last: NaiveDate,
    left: f64,
    right: f64,
}

impl TimeAxis {
    /// Space kept between the plot's edges and the first and last dates.
    const INSET: f64 = 28.0;

    /// An axis for `n` points when `dates` names one for each, else `None`.
    fn new(dates: &[NaiveDate], n: usize, f: &Frame) -> Option<TimeAxis> {
        if n == 0 || dates.len() < n {
            return None;
        }
        let (first, last) = (*dates.iter().min()?, *dates.iter().max()?);
        Some(TimeAxis {
            days: dates.iter().map(|d| (*d - first).num_days()).collect(),
            first,
            last,
            left: f.left + Self::INSET,
            right: RIGHT - Self::INSET,
        })
    }

    /// Where a date `day` days after the first lies; a single date sits in the middle.
    fn x_day(&self, day: i64) -> f64 {
        let span = (self.last - self.first).num_days();
        match span {
            0 => (self.left + self.right) / 2.0,
            _ => self.left + day as f64 / span as f64 * (self.right - self.left),
        }
    }

    fn x(&self, i: usize) -> f64 {
        self.x_day(self.days.get(i).copied().unwrap_or(0))
    }

    /// A faint vertical grid line, a tick and a label at each of [`date_ticks`].
    /// Labels are written in the page language (`formats`).
    fn ticks(&self, f: &Frame, formats: &Formats) -> String {
        let (ticks, part) = date_ticks(self.first, self.last);
        let mut s = String::new();
        for d in ticks {
            let x = self.x_day((d - self.first).num_days());
            s += &line("grid", (x, f.top), (x, BOTTOM), GRID);
            s += &line("axis", (x, BOTTOM), (x, BOTTOM + 4.0), AXIS);
            let label = esc(&formats.date_part(d, part));
            s += &text("x-label", x, BOTTOM + 14.0, "middle", &label);
        }
        s
    }
}

/// At most six round dates within `first..=last` for a time axis, and how much of them the
/// labels name: the first of every month, or of every 2, 3 or 6 months (the month), of every
/// 1, 2, 5, 10… years (the year); for a span too short for two month starts, every 1, 2, 7,
/// 14 or 28 days from the first date (the day).
fn date_ticks(first: NaiveDate, last: NaiveDate) -> (Vec<NaiveDate>, DatePart) {
    const MAX: i64 = 6;
    let month = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    // The first month start on or after `first`.
    let start = month(first) + i64::from(first.day() > 1);
    let end = month(last);
    let mut steps = vec![1, 2, 3, 6];
    let mut years = 1;
    while years < 1_000_000 {
        steps.extend([years, years * 2, years * 5].map(|y| y * 12));
        years *= 10;
    }
    for step in steps {
        let from = start + (step - start.rem_euclid(step)) % step;
        let count = if from > end {
            0
        } else {
            (end - from) / step + 1
        };
        if count > MAX {
            continue;
        }
        if count < 2 {
            break;
        }
        let at = |k: i64| {
            let m = from + k * step;
            let (y, m0) = (m.div_euclid(12), m.rem_euclid(12));
            NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, u32::try_from(m0).ok()? + 1, 1)
        };
        let ticks = (0..count).filter_map(at).collect();
        let part = if step >= 12 {
            DatePart::Year
        } else {
            DatePart::Month
        };
        return (ticks, part);
    }
    let span = (last - first).num_days();
    let step = [1, 2, 7, 14, 28]
        .into_iter()
        .find(|step| span / step < MAX)
        .unwrap_or(28);
    let at = |k: i64| first.checked_add_days(chrono::Days::new(u64::try_from(k * step).ok()?));
    let ticks = (0..=span / step).filter_map(at).take(MAX as usize);
    (ticks.collect(), DatePart::Day)
}

/// Places legend entries left to right, wrapping at the chart's width; returns each entry's
/// left edge and row middle, and the height used.
fn legend_layout(names: &[&str]) -> (Vec<(f64, f64)>, f64) {
    let (mut x, mut y) = (8.0, 8.0);
    let mut places = Vec::with_capacity(names.len());
    for name in names {
        let width = 36.0 + truncate(name, 24).chars().count() as f64 * 6.6;
        if x + width > W && x > 8.0 {
            (x, y) = (8.0, y + 18.0);
        }
        places.push((x, y));
        x += width;
    }
    (places, if names.is_empty() { 0.0 } else { y + 10.0 })
}

fn push_glyph(text: &mut String, status: Status) {
    if status != Status::Untracked {
        text.push(' ');
        text.push_str(status.glyph());
    }
}

fn glyph_tspan(status: Status) -> String {
    let (class, glyph) = (status.class(), status.glyph());
    match status {
        Status::Untracked => String::new(),
        _ => format!(" <tspan class=\"status-glyph {class}\">{glyph}</tspan>"),
    }
}

/// The point `percent` of the way round a ring of radius `r` centred in a 100×100 box,
/// clockwise from the top.
fn ring_point(percent: f64, r: f64) -> (f64, f64) {
    let a = percent / 100.0 * TAU;
    (50.0 + r * a.sin(), 50.0 - r * a.cos())
}

/// Hatch patterns for stacks after the first (lines, dots, cross-hatch), with ids under the
/// chart's own prefix; the strokes use `currentColor`, so they follow the page's text colour.
fn hatch_defs(id: &str, stacks: usize) -> String {
    const PATTERNS: [&str; 3] = [
        " patternTransform=\"rotate(45)\"><path d=\"M0 0V6\" stroke=\"currentColor\" stroke-opacity=\"0.45\" stroke-width=\"2\"/>",
        "><circle cx=\"3\" cy=\"3\" r=\"1.2\" fill-opacity=\"0.5\"/>",
        " patternTransform=\"rotate(45)\"><path d=\"M0 0V6M0 0H6\" stroke=\"currentColor\" stroke-opacity=\"0.45\"/>",
    ];
    let used = stacks.saturating_sub(1).min(PATTERNS.len());
    if used == 0 {
        return String::new();
    }
    let mut s = String::from("<defs>");
    for (k, pattern) in PATTERNS.iter().take(used).enumerate() {
        let attrs = format!("id=\"{id}-hatch-{}\" width=\"6\" height=\"6\"", k + 1);
        s += &format!("<pattern {attrs} patternUnits=\"userSpaceOnUse\"{pattern}</pattern>");
    }
    s + "</defs>"
}

/// A stack's segment (or legend swatch), with the hatch of stack `k` laid over it.
fn segment(id: &str, k: usize, class: &str, at: (f64, f64), size: (f64, f64)) -> String {
    let mut s = rect(&format!("segment {}", esc(class)), at, size, "");
    if k > 0 {
        let fill = format!(" fill=\"url(#{id}-hatch-{})\"", (k - 1) % 3 + 1);
        s += &rect("hatch", at, size, &fill);
    }
    s
}

#[cfg(test)]
mod tests;
