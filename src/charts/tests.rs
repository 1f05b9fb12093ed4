//! Tests of the charts: valid SVG, escaping, layout, and the fast paths against the general ones.

use super::*;

#[test]
fn coordinates_are_written_as_the_general_formatter_writes_them() {
    let mut values = vec![
        0.0,
        -0.0,
        0.004,
        -0.004,
        0.005,
        -0.005,
        0.015,
        0.125,
        1.005,
        2.675,
        99.995,
        0.5,
        -0.5,
        10.1,
        -10.1,
        123.456,
        1e7,
        9.99e6,
        1e10,
        -1e10,
        f64::NAN,
        f64::INFINITY,
    ];
    let mut state = 11_u64;
    for _ in 0..100_000 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let unit = (state >> 11) as f64 / (1_u64 << 53) as f64;
        let scale = [1.0, 10.0, 1000.0, 1e6][(state % 4) as usize];
        values.push((unit - 0.3) * scale);
        // Exact hundredths and halves of them, the ties of rounding.
        values.push(((state >> 20) % 100_000) as f64 / 200.0 - 100.0);
    }
    for v in values {
        let general = format_number(if v.is_finite() { v } else { 0.0 }, 2);
        assert_eq!(num(v), general, "{v:?}");
    }
}

#[test]
fn remembered_values_are_formatted_once_and_as_the_format_writes_them() {
    let calls = std::cell::Cell::new(0);
    let format = |v: f64| {
        calls.set(calls.get() + 1);
        format!("<{v}>")
    };
    // As many distinct values as are kept, zero and minus zero among them, each asked
    // for three times: each is formatted once.
    let kept: Vec<f64> = (0..Remembered::KEPT - 1)
        .map(|k| k as f64 / 4.0 - 3.0)
        .chain([-0.0])
        .collect();
    let mut values = Remembered::new(&format);
    for _ in 0..3 {
        for &v in &kept {
            assert_eq!(values.get(v), format!("<{v}>"));
        }
    }
    assert_eq!(calls.get(), Remembered::KEPT);
    // More than are kept: every answer is still the format's.
    calls.set(0);
    let mut values = Remembered::new(&format);
    for _ in 0..3 {
        for k in 0..(2 * Remembered::KEPT) {
            let v = k as f64 * 1.5;
            assert_eq!(values.get(v), format!("<{v}>"));
        }
    }
    assert!(calls.get() > 2 * Remembered::KEPT, "{}", calls.get());
}

#[test]
fn escaping_with_a_quick_look_equals_escaping_each_step() {
    let pieces = [
        "a", "Zagreb", "é", "&", "<", ">", "\"", "'", "\u{1}", "\t", "\n", "\u{7f}", "\u{202e}",
        "\u{2067}", "\u{202c}", "—", "−", "\u{200f}", "عربى", " ", "·",
    ];
    let mut state = 7_u64;
    for _ in 0..5000 {
        let mut label = String::new();
        for _ in 0..(state % 6) {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            label.push_str(pieces[(state >> 33) as usize % pieces.len()]);
        }
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
        assert_eq!(esc(&label), esc_each(&label), "{label:?}");
    }
}

/// Stacked columns titled "t", in English.
fn columns(id: &str, labels: &[String], stacks: &[Stack], percent: bool) -> String {
    stacked_columns(id, ("t", None), labels, stacks, percent, &en(), ":")
}

fn en() -> std::sync::Arc<Formats> {
    Formats::of("en")
}

/// English formats that live as long as the test.
fn english() -> &'static Formats {
    static EN: std::sync::OnceLock<std::sync::Arc<Formats>> = std::sync::OnceLock::new();
    EN.get_or_init(en)
}

/// Checks what every chart promises: one well-formed `<svg>` with its accessible name, no
/// script or outside reference, no fixed pixel size, no non-number and no bare `&`.
fn assert_valid(svg: &str, id: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
    assert!(svg.ends_with("</svg>") && svg.contains("role=\"img\""));
    assert!(svg.contains(&format!("aria-labelledby=\"{id}-title")));
    assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
    let body = svg.replace("http://www.w3.org", "");
    for banned in "NaN inf px script foreignObject http \"-0\"".split(' ') {
        assert!(!body.contains(banned), "{banned} in {svg}");
    }
    // SVG elements take no `dir` attribute (the HTML checker rejects it).
    assert!(!svg.contains(" dir="), "dir on an SVG element in {svg}");
    let mut open = Vec::new();
    for tag in svg.split('<').skip(1) {
        let tag = &tag[..tag.find('>').expect("unclosed tag")];
        let name = tag.trim_start_matches('/').split(' ').next().unwrap_or(tag);
        match () {
            _ if tag.starts_with('/') => assert_eq!(open.pop(), Some(name), "{svg}"),
            _ if tag.ends_with('/') => {}
            _ => open.push(name),
        }
    }
    assert!(open.is_empty(), "unclosed {open:?}");
    for rest in svg.split('&').skip(1) {
        let entities = ["amp;", "lt;", "gt;", "quot;", "#39;"];
        assert!(
            entities.iter().any(|e| rest.starts_with(e)),
            "bare & in {svg}"
        );
    }
}

fn bar<'a>(label: &'a str, value: Option<f64>, target: Option<f64>) -> Bar<'a> {
    let (status, display) = (Status::Met, "50 %");
    Bar {
        lang: None,
        label,
        value,
        target,
        status,
        display,
    }
}

fn series<'a>(name: &'a str, points: &'a [Option<f64>]) -> LineSeries<'a> {
    LineSeries {
        name,
        lang: None,
        points,
    }
}

fn stack<'a>(name: &'a str, class: &'a str, values: &'a [f64]) -> Stack<'a> {
    Stack {
        name,
        class,
        values,
    }
}

fn chart<'a>(id: &'a str, series: &'a [LineSeries<'a>], labels: &'a [String]) -> LineChart<'a> {
    LineChart {
        title_lang: None,
        id,
        title: "NPS",
        desc: Some("by quarter"),
        x_labels: labels,
        dates: &[],
        series,
        target: Some(40.0),
        warn: Some(30.0),
        higher_is_better: true,
        y_format: &|v| format_number(v, 0),
        colon: ":",
        formats: english(),
    }
}

fn y_labels(svg: &str) -> Vec<&str> {
    let parts = svg.split("class=\"y-label\"").skip(1);
    parts
        .filter_map(|s| Some(&s[s.find('>')? + 1..s.find("</text>")?]))
        .collect()
}

#[test]
fn numbers_are_trimmed_rounded_and_never_negative_zero() {
    assert_eq!(format_number(1.0, 2), "1");
    assert_eq!(format_number(2.50, 2), "2.5");
    assert_eq!(format_number(1.236, 2), "1.24");
    assert_eq!(format_number(-3.1, 0), "-3");
    assert_eq!(format_number(1200.0, 0), "1200");
    assert_eq!(format_number(-0.001, 2), "0");
    assert_eq!(format_number(-0.0, 1), "0");
    assert_eq!(format_number(f64::NAN, 2), "—");
    assert_eq!(format_number(f64::NEG_INFINITY, 2), "—");
    assert_eq!(format_number(0.1, usize::MAX), "0.1");
}

#[test]
fn labels_titles_and_classes_are_escaped() {
    let nasty = "R&D <b>\"quoted\" it's";
    let escaped = "R&amp;D &lt;b&gt;&quot;quoted&quot; it&#39;s";
    let svg = bar_chart(
        "b",
        nasty,
        Some(nasty),
        &[bar(nasty, Some(1.0), None)],
        2.0,
        &en(),
        ":",
    );
    assert_valid(&svg, "b");
    assert!(svg.contains(&format!("<title id=\"b-title\">{escaped}</title>")));
    assert!(svg.contains(&format!("<desc id=\"b-desc\">{escaped}</desc>")));
    assert!(svg.contains(&format!("<title>{escaped}: 50 % ✓</title>")));
    assert!(!svg.contains("<b>") && !svg.contains("it's"));
    let stacks = [stack(nasty, "a\"b", &[1.0])];
    let svg = columns("c", &["x".to_string()], &stacks, false);
    assert_valid(&svg, "c");
    assert!(svg.contains("class=\"segment a&quot;b\"") && svg.contains(escaped));
    assert_eq!(esc("a\u{0}b\u{1b}c\td"), "abc\td");
}

#[test]
fn a_known_bar_lands_where_expected() {
    let bars = [
        bar("CSAT", Some(50.0), Some(80.0)),
        bar("NPS", Some(150.0), None),
    ];
    let svg = bar_chart("b", "t", None, &bars, 100.0, &en(), ":");
    assert_valid(&svg, "b");
    // 50 of 100 fills half of the 340 units after the 170-unit label column.
    assert!(svg.contains("<rect class=\"bar status-met\" x=\"170\" y=\"13\" width=\"170\""));
    assert!(svg.contains("class=\"target-tick\" x1=\"442\""));
    // Past the maximum the bar stops at the scale's end.
    assert!(svg.contains("x=\"170\" y=\"37\" width=\"340\""));
    assert!(svg.contains("50 % <tspan class=\"status-glyph status-met\">✓</tspan>"));
}

#[test]
fn empty_and_missing_values_give_no_data_or_gaps() {
    let no_points = [series("a", &[None, Some(f64::NAN)])];
    let charts = [
        bar_chart("e", "t", None, &[], 1.0, &en(), ":"),
        sparkline("e", "t", None, &[], 0.0, 1.0),
        sparkline("e", "t", None, &[None, Some(f64::INFINITY)], 0.0, 1.0),
        line_chart(&chart("e", &[], &[])),
        line_chart(&chart("e", &no_points, &[])),
        columns("e", &[], &[], true),
    ];
    for svg in &charts {
        assert_valid(svg, "e");
        assert!(svg.contains(">no data</text>"), "{svg}");
    }
    let values = [Some(1.0), None, Some(f64::NAN), Some(2.0)];
    let svg = sparkline("s", "t", None, &values, 0.0, 2.0);
    assert_valid(&svg, "s");
    assert!(svg.contains("d=\"M4 16M116 4\""), "{svg}");
    assert!(svg.contains("class=\"spark-dot spark-last\" cx=\"116\" cy=\"4\""));
    let svg = bar_chart(
        "b",
        "t",
        None,
        &[bar("x", None, Some(f64::NAN))],
        0.0,
        &en(),
        ":",
    );
    assert_valid(&svg, "b");
    assert!(!svg.contains("class=\"bar ") && !svg.contains("target-tick"));
    let svg = score_gauge("g", "Score", None, None, Status::Untracked, &en());
    assert_valid(&svg, "g");
    assert!(svg.contains(">—</text>") && !svg.contains("gauge-value"));
}

#[test]
fn extreme_values_never_panic_or_leak_non_numbers() {
    let inf = f64::INFINITY;
    let odd = [None, Some(f64::NAN), Some(inf), Some(-1e308), Some(1e308)];
    let raw = odd.map(|v| v.unwrap_or(f64::NAN));
    let bars = odd.map(|v| bar("x", v, v));
    let labels = ["a".to_string()];
    let stacks = [stack("a", "c", &raw), stack("b", "d", &[-0.0, 1e308])];
    let charts = [
        sparkline("x", "t", None, &odd, f64::NAN, 1e308),
        bar_chart("x", "t", None, &bars, inf, &en(), ":"),
        line_chart(&chart("x", &[series("a", &odd)], &labels)),
        columns("x", &labels, &stacks, true),
        score_gauge("x", "t", Some(f64::NAN), Some(1e308), Status::Met, &en()),
    ];
    charts.iter().for_each(|svg| assert_valid(svg, "x"));
}

#[test]
fn all_equal_values_stay_finite_and_centred() {
    let svg = sparkline("s", "t", None, &[Some(5.0); 3], 5.0, 5.0);
    assert_valid(&svg, "s");
    assert_eq!(svg.matches("cy=\"16\"").count(), 3);
    let flat = [series("a", &[Some(50.0), Some(50.0)])];
    let svg = line_chart(&LineChart {
        target: None,
        ..chart("trend", &flat, &[])
    });
    assert_valid(&svg, "trend");
    assert!((3..=5).contains(&y_labels(&svg).len()), "{svg}");
    let svg = score_gauge("g", "t", Some(100.0), Some(100.0), Status::Met, &en());
    assert_valid(&svg, "g");
    assert!(svg.contains("<g class=\"gauge-value status-met\"><circle"));
}

#[test]
fn negative_nps_gets_ticks_below_zero_and_a_labelled_dashed_target() {
    let points = [Some(-20.0), Some(5.0), None, Some(44.0)];
    let labels = ["q1", "q2", "q3", "q4"].map(String::from);
    let svg = line_chart(&chart("trend", &[series("EU", &points)], &labels));
    assert_valid(&svg, "trend");
    assert_eq!(y_labels(&svg), ["-20", "0", "20", "40", "60"]);
    assert!(svg.contains("class=\"target-line\"") && svg.contains("stroke-dasharray"));
    assert!(svg.contains(">◎ 40</text>") && svg.contains("class=\"warn-band\""));
    assert!(svg.contains("<title>q1: -20 ✗</title>") && svg.contains("q4: 44 ✓"));
    assert_eq!(svg.matches("<circle").count(), 3);
    assert!(!svg.contains("legend"), "one series needs no legend");
    let two = [series("EU", &points), series("US", &points)];
    let svg = line_chart(&chart("trend", &two, &labels));
    assert!(svg.contains("class=\"legend\"") && svg.contains("<title>US · q2: 5 ✗</title>"));
}

#[test]
fn stacks_normalise_to_percent_and_carry_patterns() {
    let stacks = [
        stack("promoters", "nps-promoters", &[30.0, 0.0]),
        stack("passives", "nps-passives", &[10.0, f64::NAN]),
        stack("detractors", "nps-detractors", &[-5.0, 0.0]),
    ];
    let svg = columns("mix", &["Q1".to_string()], &stacks, true);
    assert_valid(&svg, "mix");
    assert!(svg.contains("<title>promoters · Q1: 75% (30)</title>"));
    assert!(svg.contains("<title>passives · Q1: 25% (10)</title>"));
    assert!(
        !svg.contains("<title>detractors"),
        "a negative value stacks nothing"
    );
    assert!(svg.contains("<pattern id=\"mix-hatch-1\"") && svg.contains("url(#mix-hatch-2)"));
    assert_eq!(y_labels(&svg), ["0%", "25%", "50%", "75%", "100%"]);
}

#[test]
fn ids_are_prefixed_and_cleaned() {
    let svg = score_gauge(
        "audit 1\"x",
        "t",
        Some(72.5),
        Some(85.0),
        Status::Below,
        &en(),
    );
    assert_valid(&svg, "audit-1-x");
    assert!(svg.contains(">72.5</text>") && svg.contains("<title>◎ 85.0</title>"));
    assert!(svg.contains("class=\"status-glyph status-below\""));
    let svg = bar_chart(
        "",
        "t",
        Some("d"),
        &[bar("a", Some(1.0), None)],
        1.0,
        &en(),
        ":",
    );
    assert!(svg.contains("aria-labelledby=\"chart-title chart-desc\""));
}

#[test]
fn nice_ticks_are_round_even_and_cover_the_range() {
    let ranges = [
        (0.0, 1.0),
        (-20.0, 44.0),
        (3.0, 3.0),
        (0.0, 0.0),
        (85.0, 91.2),
        (1e-3, 7e5),
    ];
    for (lo, hi) in ranges {
        let ticks = nice_ticks((lo, hi));
        let (first, last, step) = (ticks[0], ticks[ticks.len() - 1], ticks[1] - ticks[0]);
        assert!((3..=5).contains(&ticks.len()), "{lo}..{hi}: {ticks:?}");
        assert!(first <= lo && hi <= last, "{lo}..{hi}: {ticks:?}");
        let even = |w: &[f64]| ((w[1] - w[0]) - step).abs() < step * 1e-9;
        assert!(ticks.windows(2).all(even), "{ticks:?}");
    }
}

/// The x of every marker in `svg`, in order: circle centres and the first point of the
/// other shapes' paths (shapes are symmetric about x).
fn circle_xs(svg: &str) -> Vec<f64> {
    svg.split("<circle class=\"marker\" cx=\"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("cx")].parse().expect("a number"))
        .collect()
}

#[test]
fn series_differ_by_marker_and_colour_and_every_colour_is_styled() {
    let css = include_str!("../../templates/assets/style.css");
    let at = (100.0, 100.0);
    let shapes: std::collections::HashSet<String> =
        (0..SERIES_STYLES).map(|k| marker(k, at)).collect();
    assert_eq!(
        shapes.len(),
        SERIES_STYLES,
        "the first six series share a shape"
    );
    let pairs: std::collections::HashSet<(String, String)> =
        (0..36).map(|k| (series_class(k), marker(k, at))).collect();
    assert_eq!(pairs.len(), 36, "two of 36 series share marker and colour");
    for k in 0..36 {
        let class = series_class(k);
        let rule = format!(".chart .{class} {{ color: var(--{class}); }}");
        assert!(
            css.contains(&rule),
            "the stylesheet has no colour for {class}"
        );
    }
    // Each series' colour differs from every other's in both schemes.
    for scheme in css.split("prefers-color-scheme: dark").take(2) {
        let colours: std::collections::HashSet<&str> = (1..=SERIES_STYLES)
            .map(|n| {
                let key = format!("--series-{n}: ");
                let from = scheme.find(&key).expect("a series colour") + key.len();
                &scheme[from..from + 7]
            })
            .collect();
        assert_eq!(colours.len(), SERIES_STYLES, "{colours:?}");
    }
    // The chart uses them: seven series, seven different marker and colour pairs.
    let points = [Some(1.0), Some(2.0)];
    let many: Vec<LineSeries> = ["a", "b", "c", "d", "e", "f", "g"]
        .iter()
        .map(|n| series(n, &points))
        .collect();
    let svg = line_chart(&chart("m", &many, &[]));
    assert_valid(&svg, "m");
    let groups: std::collections::HashSet<&str> = svg
        .split("<g class=\"series ")
        .skip(1)
        .map(|g| &g[..g.find("<title>").expect("a point")])
        .map(|g| g.split_once("\"><path").expect("the line").0)
        .collect();
    assert_eq!(groups.len(), 6, "six colours for seven series: {groups:?}");
    assert!(svg.contains("series series-1") && !svg.contains("series-7"));
}

#[test]
fn points_sit_at_their_dates_on_a_time_axis() {
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(2026, m, d).expect("a date");
    // One month, then five months.
    let dates = [day(1, 1), day(2, 1), day(7, 1)];
    let points = [Some(10.0), Some(20.0), Some(30.0)];
    let labels = dates.map(|d| d.to_string());
    let one = [series("EU", &points)];
    let svg = line_chart(&LineChart {
        dates: &dates,
        ..chart("t", &one, &labels)
    });
    assert_valid(&svg, "t");
    let xs = circle_xs(&svg);
    assert_eq!(xs.len(), 3, "{svg}");
    let (gap1, gap2) = (xs[1] - xs[0], xs[2] - xs[1]);
    let days = (
        (dates[1] - dates[0]).num_days(),
        (dates[2] - dates[1]).num_days(),
    );
    let want = days.1 as f64 / days.0 as f64;
    assert!(
        (gap2 / gap1 - want).abs() < 0.01,
        "{xs:?}: not {want}× apart"
    );
    // Month ticks between, labelled in the page language, and the tooltips name the dates.
    for month in ["Jan 2026", "Mar 2026", "May 2026", "Jul 2026"] {
        assert!(svg.contains(&format!(">{month}</text>")), "{month}: {svg}");
    }
    assert!(svg.contains("<title>2026-07-01: 30"));
    let hr = Formats::of("hr");
    let svg = line_chart(&LineChart {
        dates: &dates,
        formats: &hr,
        ..chart("t", &one, &labels)
    });
    for month in ["sij 2026.", "ožu 2026.", "svi 2026.", "srp 2026."] {
        assert!(svg.contains(&format!(">{month}</text>")), "{month}: {svg}");
    }
    assert!(!svg.contains("\"middle\">2026-"), "{svg}");
    // A date the series was not measured on leaves no gap in its line.
    let holey = [series("EU", &[Some(10.0), None, Some(30.0)])];
    let svg = line_chart(&LineChart {
        dates: &dates,
        ..chart("t", &holey, &labels)
    });
    assert!(svg.contains("d=\"M84 212L556 78.67\""), "{svg}");
    // Without a date for every point, points are spaced evenly under the labels.
    let svg = line_chart(&LineChart {
        dates: &dates[..2],
        ..chart("t", &one, &labels)
    });
    let xs = circle_xs(&svg);
    assert!(((xs[1] - xs[0]) - (xs[2] - xs[1])).abs() < 0.01, "{xs:?}");
    assert!(svg.contains(">2026-01-01</text>"));
    // A single date sits in the middle of the plot.
    let svg = line_chart(&LineChart {
        dates: &dates[..1],
        ..chart("t", &[series("EU", &points[..1])], &labels[..1])
    });
    assert_valid(&svg, "t");
    let plot_middle = (56.0 + RIGHT) / 2.0;
    assert!((circle_xs(&svg)[0] - plot_middle).abs() < 0.01, "{svg}");
}

#[test]
fn date_ticks_are_round_and_few() {
    let day = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d).expect("a date");
    let cases = [
        (
            (day(2026, 1, 15), day(2026, 7, 1)),
            DatePart::Month,
            day(2026, 2, 1),
        ),
        (
            (day(2025, 1, 1), day(2026, 12, 31)),
            DatePart::Month,
            day(2025, 1, 1),
        ),
        (
            (day(2016, 3, 1), day(2026, 3, 1)),
            DatePart::Year,
            day(2018, 1, 1),
        ),
        (
            (day(2026, 3, 3), day(2026, 3, 20)),
            DatePart::Day,
            day(2026, 3, 3),
        ),
        (
            (day(2026, 3, 3), day(2026, 3, 3)),
            DatePart::Day,
            day(2026, 3, 3),
        ),
    ];
    for ((first, last), want_format, want_first) in cases {
        let (ticks, format) = date_ticks(first, last);
        assert_eq!(format, want_format, "{first}..{last}: {ticks:?}");
        assert_eq!(
            ticks.first(),
            Some(&want_first),
            "{first}..{last}: {ticks:?}"
        );
        assert!((1..=6).contains(&ticks.len()), "{first}..{last}: {ticks:?}");
        assert!(ticks.iter().all(|d| first <= *d && *d <= last), "{ticks:?}");
        assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
    }
    // The widest span chrono knows stays within six ticks.
    let (ticks, _) = date_ticks(NaiveDate::MIN, NaiveDate::MAX);
    assert!((2..=6).contains(&ticks.len()), "{ticks:?}");
}

#[test]
fn right_to_left_labels_are_marked_the_svg_way() {
    let mut ar = bar("دعم", Some(1.0), None);
    ar.lang = Some("ar");
    let svg = bar_chart("b", "t", None, &[ar], 2.0, &en(), ":");
    assert_valid(&svg, "b");
    // The label still ends at the label column: its anchor is mirrored.
    assert!(
        svg.contains("<text lang=\"ar\" direction=\"rtl\" unicode-bidi=\"embed\" class=\"bar-label\" x=\"162\" y=\"20\" dy=\"0.35em\" text-anchor=\"start\">دعم</text>"),
        "{svg}"
    );
    let mut eu = series("أوروبا", &[Some(1.0)]);
    eu.lang = Some("ar");
    let two = [eu, series("US", &[Some(2.0)])];
    let svg = line_chart(&chart("l", &two, &[]));
    assert_valid(&svg, "l");
    assert!(svg.contains("direction=\"rtl\" unicode-bidi=\"embed\" class=\"legend\""));
    assert!(svg.contains("text-anchor=\"end\">أوروبا</text>"), "{svg}");
    assert!(svg.contains("direction=\"ltr\"") && !svg.contains(" dir="));
}

#[test]
fn labels_with_right_to_left_marks_are_isolated() {
    let label = text("x-label", 1.0, 2.0, "middle", "01\u{200F}/2026");
    assert!(
        label.contains(">\u{2068}01\u{200F}/2026\u{2069}</text>"),
        "{label}"
    );
    let plain = text("x-label", 1.0, 2.0, "middle", "01/2026");
    assert!(plain.contains(">01/2026</text>"), "{plain}");
}

#[test]
fn status_follows_the_better_direction() {
    use Status::*;
    let (target, warn) = (Some(90.0), Some(85.0));
    let higher = [(90.0, Met), (86.0, AtRisk), (80.0, Below)];
    for (v, status) in higher {
        assert_eq!(point_status(v, target, warn, true), status, "{v}");
    }
    let (target, warn) = (Some(3600.0), Some(7200.0));
    let lower = [(3600.0, Met), (5000.0, AtRisk), (9000.0, Below)];
    for (v, status) in lower {
        assert_eq!(point_status(v, target, warn, false), status, "{v}");
    }
    assert_eq!(point_status(1.0, None, warn, true), Untracked);
}

#[test]
fn numbers_readers_see_follow_the_page_language() {
    let hr = Formats::of("hr");
    let svg = score_gauge("g", "t", Some(81.2), Some(85.0), Status::Below, &hr);
    assert!(svg.contains(">81,2</text>"), "{svg}");
    assert!(svg.contains("<title>◎ 85,0</title>"), "{svg}");
    let bars = [bar("a", Some(81.2), Some(85.5))];
    let svg = bar_chart("b", "t", None, &bars, 100.0, &hr, ":");
    assert!(svg.contains("◎ 85,5)"), "{svg}");
    let stacks = [Stack {
        name: "n",
        class: "c",
        values: &[1234.5, 2.25],
    }];
    let labels = ["x".to_string(), "y".to_string()];
    let svg = stacked_columns("c", ("t", None), &labels, &stacks, false, &hr, ":");
    assert!(svg.contains("n · x: 1.234,5</title>"), "{svg}");
    assert!(svg.contains(">2,25</text>"), "{svg}");
    assert!(svg.contains(">1.500</text>"), "{svg}");
    let svg = stacked_columns("p", ("t", None), &labels, &stacks, true, &hr, ":");
    // Shares and ticks are percentages as Croatian writes them.
    assert!(svg.contains("n · y: 100\u{a0}% (2,25)</title>"), "{svg}");
    assert!(svg.contains(">50\u{a0}%</text>"), "{svg}");
    // Coordinates stay plain numbers whatever the language.
    for value in svg.split("=\"").skip(1) {
        let value = value.split('"').next().unwrap_or("");
        assert!(!value.contains(','), "{value} in {svg}");
    }
}

#[test]
fn the_spread_is_the_lowest_median_and_highest_at_each_point() {
    let a = [Some(1.0), None, Some(5.0), Some(f64::NAN)];
    let b = [Some(4.0), None, Some(2.0)];
    let c = [Some(2.0), None, Some(3.0), Some(7.0)];
    let d = [Some(3.0), None, Some(4.0)];
    let [low, median, high] = spread(&[&a, &b, &c, &d]);
    // Four values: the median is the mean of the middle two.
    assert_eq!(low, [Some(1.0), None, Some(2.0), Some(7.0)]);
    assert_eq!(median, [Some(2.5), None, Some(3.5), Some(7.0)]);
    assert_eq!(high, [Some(4.0), None, Some(5.0), Some(7.0)]);
    // Three values: the middle one.
    let [_, median, _] = spread(&[&a, &b, &c]);
    assert_eq!(median[0], Some(2.0));
    assert_eq!(spread(&[]), [Vec::new(), Vec::new(), Vec::new()]);
}

#[test]
fn column_totals_are_written_only_where_each_fits_above_its_column() {
    let columns = |id: &str, values: &[f64]| {
        let labels: Vec<String> = (0..values.len()).map(|i| format!("x{i}")).collect();
        let stacks = [stack("n", "c", values)];
        let svg = stacked_columns(id, ("t", None), &labels, &stacks, false, &en(), ":");
        assert_valid(&svg, id);
        svg
    };
    let svg = columns("c", &[1234.0, 2.0, 31.0]);
    assert_eq!(svg.matches("class=\"value-label\"").count(), 3, "{svg}");
    // Forty columns of four-digit totals leave each about 13 pixels: no totals at all, and
    // every value still in its tooltip.
    let many: Vec<f64> = (0..40).map(|i| 7000.0 + f64::from(i)).collect();
    let svg = columns("m", &many);
    assert!(!svg.contains("value-label"), "{svg}");
    assert!(svg.contains("n · x39: 7,039</title>"), "{svg}");
}
