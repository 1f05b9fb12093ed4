//! JSON read back with every number kept exactly as printed, and the lists of `score --json`.

#![allow(dead_code)] // Each test module uses its own subset of these helpers.

use serde_json::Value;

/// Parses JSON with every number turned into a string holding its exact text, so tests can
/// compare floats bit for bit (`serde_json`'s default float parsing is fast but not always
/// correctly rounded) and tell `3` from `3.0`. Read numbers back with [`num`] and [`token`].
pub fn parse_exact(json: &str) -> Value {
    let mut out = String::with_capacity(json.len() + 64);
    let mut chars = json.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                '\\' => out.extend(chars.next()),
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == '-' || c.is_ascii_digit() {
            out.push_str("\"#");
            out.push(c);
            while let Some(&d) = chars.peek() {
                if d.is_ascii_digit() || matches!(d, '.' | 'e' | 'E' | '+' | '-') {
                    out.push(d);
                    chars.next();
                } else {
                    break;
                }
            }
            out.push('"');
        } else {
            out.push(c);
        }
    }
    serde_json::from_str(&out).expect("score prints valid JSON")
}

/// The exact text of a number read by [`parse_exact`].
pub fn token(v: &Value) -> &str {
    v.as_str()
        .and_then(|s| s.strip_prefix('#'))
        .unwrap_or_else(|| panic!("expected a number, found {v}"))
}

/// A number read by [`parse_exact`], parsed with the standard library (correctly rounded).
pub fn num(v: &Value) -> f64 {
    token(v).parse().expect("a JSON number")
}

/// `None` for JSON null, else the number.
pub fn opt(v: &Value) -> Option<f64> {
    if v.is_null() { None } else { Some(num(v)) }
}

/// Asserts a number equals `expected` exactly (same f64 bits).
#[track_caller]
pub fn assert_num(v: &Value, expected: f64) {
    let got = num(v);
    assert!(
        got.to_bits() == expected.to_bits(),
        "expected {expected:?}, found {got:?}"
    );
}

/// Asserts a value is null.
#[track_caller]
pub fn assert_null(v: &Value) {
    assert!(v.is_null(), "expected null, found {v}");
}

/// The audit result `round`/`audit` of a `score --json` array.
#[track_caller]
pub fn audit<'a>(results: &'a Value, round: &str, audit: &str) -> &'a Value {
    results
        .as_array()
        .expect("an array of results")
        .iter()
        .find(|r| r["round"] == round && r["audit"] == audit)
        .unwrap_or_else(|| panic!("no result for {round}/{audit}"))
}

/// The element of `list` whose `id` is `id`.
#[track_caller]
pub fn by_id<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("no entry '{id}'"))
}

/// The ids of a list, in order.
pub fn ids(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|x| x["id"].as_str().expect("an id"))
        .collect()
}

/// A list of strings.
pub fn strings(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_str().expect("a string"))
        .collect()
}
