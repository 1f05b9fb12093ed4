//! Writing a [`Diff`]: Markdown for a job summary or a merge-request comment, JSON for tools
//! (the [`Diff`] itself), and GitHub Actions `::notice` annotations on the changed lines.
//! Markdown and annotations round numbers to one decimal; JSON keeps full precision.

use std::fmt::Write as _;
use std::path::Path;

use super::{AnswerChange, AnswerSide, AuditChange, AuditSide, Change, Diff, MetricSide};
use crate::diag::{display_path, escape_data, escape_property};
use crate::score::ItemStatus;
use crate::text::fixed;
use crate::yaml::format_number;

/// `86.4`; `–` for no number.
fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_string(), |v| fixed(v, 1))
}

/// A change with its sign, `+12.5`, `-3.0`, or `±0.0` where it rounds to nothing.
fn signed(v: f64) -> String {
    let s = fixed(v, 1);
    if s == "0.0" || s == "-0.0" {
        "±0.0".to_string()
    } else if v > 0.0 {
        format!("+{s}")
    } else {
        s
    }
}

/// `old → new`, or one value when they are equal.
fn from_to(old: &str, new: &str) -> String {
    if old == new {
        old.to_string()
    } else {
        format!("{old} → {new}")
    }
}

fn status(s: Option<&AuditSide>) -> &'static str {
    s.and_then(|s| s.status).unwrap_or("–")
}

/// A table cell: pipes would end the cell, and angle brackets would be read as HTML.
fn cell(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

fn answer(a: Option<&AnswerSide>) -> String {
    match a {
        None => "(no such item)".to_string(),
        Some(a) => match a.status {
            ItemStatus::Scored => {
                let value = a.value.map_or_else(String::new, format_number);
                match &a.level {
                    Some(level) if *level != value => format!("{level} ({value})"),
                    _ => value,
                }
            }
            ItemStatus::Na => "n/a".to_string(),
            ItemStatus::Unanswered => "unanswered".to_string(),
            ItemStatus::Exempt => "exempt".to_string(),
        },
    }
}

fn metric_value(m: Option<&MetricSide>) -> String {
    match m {
        None => "–".to_string(),
        Some(m) => match m.target {
            Some(t) => format!("{} (target {})", fixed(m.value, 1), fixed(t, 1)),
            None => fixed(m.value, 1),
        },
    }
}

/// What else changed in an answer besides its level: `note`, `evidence`, `action`.
fn also_changed(a: &AnswerChange) -> Vec<&'static str> {
    let mut out = Vec::new();
    if a.note_changed {
        out.push("note");
    }
    if a.evidence_changed {
        out.push("evidence");
    }
    if a.action_changed {
        out.push("action");
    }
    out
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The audit's name in tables: `round/audit`.
fn name(a: &AuditChange) -> String {
    format!("{}/{}", a.round, a.audit)
}

/// A review comment: one table row per changed audit, details per audit below it.
pub fn markdown(diff: &Diff) -> String {
    let mut out = String::new();
    let short: String = diff.base.commit.chars().take(12).collect();
    let _ = writeln!(
        out,
        "## Audit changes since `{}` ({short})\n",
        diff.base.rev.replace('`', "")
    );
    if diff.audits.is_empty() && diff.metrics.is_empty() && diff.translations.is_empty() {
        out.push_str("No audit results, metric values or translations changed.\n");
        return out;
    }
    if !diff.audits.is_empty() {
        out.push_str("| audit | score | status | target |\n| --- | --- | --- | --- |\n");
        for a in &diff.audits {
            let (old, new) = (a.old.as_ref(), a.new.as_ref());
            let score = match a.change {
                Change::Added => format!("{} (added)", num(new.and_then(|s| s.score))),
                Change::Removed => format!("{} (removed)", num(old.and_then(|s| s.score))),
                Change::Changed => {
                    let mut s = from_to(
                        &num(old.and_then(|s| s.score)),
                        &num(new.and_then(|s| s.score)),
                    );
                    if let Some(d) = a.score_change {
                        let _ = write!(s, " ({})", signed(d));
                    }
                    s
                }
            };
            let target = match a.change {
                Change::Added => num(new.and_then(|s| s.target)),
                Change::Removed => num(old.and_then(|s| s.target)),
                Change::Changed => from_to(
                    &num(old.and_then(|s| s.target)),
                    &num(new.and_then(|s| s.target)),
                ),
            };
            let status = match a.change {
                Change::Added => status(new).to_string(),
                Change::Removed => status(old).to_string(),
                Change::Changed => from_to(status(old), status(new)),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&name(a)),
                cell(&score),
                status,
                cell(&target)
            );
        }
        out.push('\n');
        for a in &diff.audits {
            details(&mut out, a);
        }
    }
    if !diff.metrics.is_empty() {
        out.push_str(
            "### Metric values\n\n| metric | subject | taken | period | value |\n| --- | --- | --- | --- | --- |\n",
        );
        for m in &diff.metrics {
            let value = match m.change {
                Change::Added => format!("{} (added)", metric_value(m.new.as_ref())),
                Change::Removed => format!("{} (removed)", metric_value(m.old.as_ref())),
                Change::Changed => {
                    let mut s =
                        from_to(&metric_value(m.old.as_ref()), &metric_value(m.new.as_ref()));
                    if let (Some(o), Some(n)) = (&m.old, &m.new) {
                        if o.value != n.value {
                            let _ = write!(s, " ({})", signed(n.value - o.value));
                        }
                        if n.by_changed {
                            s.push_str("; breakdowns changed");
                        }
                    }
                    s
                }
            };
            let period = m
                .period
                .as_ref()
                .map_or_else(|| "–".to_string(), |p| format!("{} – {}", p.from, p.to));
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&m.metric),
                cell(m.subject.as_deref().unwrap_or("organisation")),
                m.taken,
                period,
                cell(&value)
            );
        }
        out.push('\n');
    }
    if !diff.translations.is_empty() {
        out.push_str(
            "### Translations added\n\n| file | text | languages |\n| --- | --- | --- |\n",
        );
        for t in &diff.translations {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                cell(&display_path(&t.file)),
                cell(&t.text),
                cell(&t.languages.join(", "))
            );
        }
        out.push('\n');
    }
    out
}

/// One audit's `<details>` block: file, completion, checklist version and changed answers.
fn details(out: &mut String, a: &AuditChange) {
    let what = match a.change {
        Change::Added => "added".to_string(),
        Change::Removed => "removed".to_string(),
        Change::Changed => plural(a.answers.len(), "answer changed", "answers changed"),
    };
    let _ = writeln!(
        out,
        "<details><summary>{} — {what}</summary>\n",
        cell(&name(a))
    );
    let _ = writeln!(out, "File: `{}`\n", display_path(&a.file).replace('`', ""));
    let (old, new) = (a.old.as_ref(), a.new.as_ref());
    let checklist = |s: Option<&AuditSide>| {
        s.map_or_else(String::new, |s| format!("{} v{}", s.checklist, s.version))
    };
    let completion =
        |s: Option<&AuditSide>| s.map_or_else(String::new, |s| num(Some(s.completion)));
    let (c_old, c_new) = (checklist(old), checklist(new));
    let (p_old, p_new) = (completion(old), completion(new));
    let join = |o: &str, n: &str| match (o.is_empty(), n.is_empty()) {
        (true, _) => n.to_string(),
        (_, true) => o.to_string(),
        _ => from_to(o, n),
    };
    let _ = writeln!(out, "- Checklist: {}", cell(&join(&c_old, &c_new)));
    let _ = writeln!(out, "- Completion: {} %", join(&p_old, &p_new));
    if !a.answers.is_empty() {
        out.push_str("\n| item | section | answer | also changed |\n| --- | --- | --- | --- |\n");
        for ans in &a.answers {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&ans.item),
                cell(&ans.section),
                cell(&from_to(
                    &answer(ans.old.as_ref()),
                    &answer(ans.new.as_ref())
                )),
                also_changed(ans).join(", ")
            );
        }
    }
    out.push_str("\n</details>\n\n");
}

/// The stable JSON shape of docs/diff.md, with full precision.
pub fn json(diff: &Diff) -> String {
    let mut s = serde_json::to_string_pretty(diff).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions annotations: one `::notice` per changed audit (at its first line), per
/// changed answer (at its line in the new file) and per changed snapshot value; files are
/// named as seen from `cwd`, with the workspace at `dir`. Removed files have no line to
/// point at, so their notices name no file.
pub fn github(diff: &Diff, dir: &Path, cwd: &Path) -> String {
    let mut out = String::new();
    let file_of = |f: &Path| escape_property(&display_path(&relative_to(&dir.join(f), cwd)));
    let mut notice = |file: Option<(&Path, u32)>, title: &str, message: &str| {
        out.push_str("::notice ");
        if let Some((f, line)) = file {
            let _ = write!(out, "file={},line={line},", file_of(f));
        }
        let _ = writeln!(
            out,
            "title={}::{}",
            escape_property(title),
            escape_data(message)
        );
    };
    for a in &diff.audits {
        let (old, new) = (a.old.as_ref(), a.new.as_ref());
        let title = format!("audit {}", name(a));
        match a.change {
            Change::Added => notice(
                Some((&a.file, 1)),
                &title,
                &format!(
                    "new audit: score {}, target {}, status {}, completion {} %",
                    num(new.and_then(|s| s.score)),
                    num(new.and_then(|s| s.target)),
                    status(new),
                    num(new.map(|s| s.completion))
                ),
            ),
            Change::Removed => notice(
                None,
                &title,
                &format!(
                    "audit removed ({}): it scored {}",
                    display_path(&a.file),
                    num(old.and_then(|s| s.score))
                ),
            ),
            Change::Changed => {
                let mut message = format!(
                    "score {}",
                    from_to(
                        &num(old.and_then(|s| s.score)),
                        &num(new.and_then(|s| s.score))
                    )
                );
                if let Some(d) = a.score_change {
                    let _ = write!(message, " ({})", signed(d));
                }
                let _ = write!(
                    message,
                    ", status {}, target {}",
                    from_to(status(old), status(new)),
                    from_to(
                        &num(old.and_then(|s| s.target)),
                        &num(new.and_then(|s| s.target))
                    )
                );
                notice(Some((&a.file, 1)), &title, &message);
                for ans in &a.answers {
                    let mut message = format!(
                        "{}: {}",
                        ans.item,
                        from_to(&answer(ans.old.as_ref()), &answer(ans.new.as_ref()))
                    );
                    let also = also_changed(ans);
                    if !also.is_empty() {
                        let _ = write!(message, "; {} changed", also.join(", "));
                    }
                    notice(
                        ans.line.map(|l| (a.file.as_path(), l)),
                        &format!("answer {}", ans.item),
                        &message,
                    );
                }
            }
        }
    }
    for m in &diff.metrics {
        let subject = m.subject.as_deref().unwrap_or("organisation");
        let title = format!("metric {} ({subject}, {})", m.metric, m.taken);
        let message = match m.change {
            Change::Added => format!("new value {}", metric_value(m.new.as_ref())),
            Change::Removed => format!(
                "value removed ({}): it was {}",
                display_path(&m.file),
                metric_value(m.old.as_ref())
            ),
            Change::Changed => {
                let mut s = from_to(&metric_value(m.old.as_ref()), &metric_value(m.new.as_ref()));
                if m.new.as_ref().is_some_and(|n| n.by_changed) {
                    s.push_str("; breakdowns changed");
                }
                s
            }
        };
        let at = match m.change {
            Change::Removed => None,
            _ => Some((m.file.as_path(), m.line.unwrap_or(1))),
        };
        notice(at, &title, &message);
    }
    for t in &diff.translations {
        notice(
            Some((&t.file, 1)),
            "translation added",
            &format!("{}: {}", t.text, t.languages.join(", ")),
        );
    }
    out
}

/// `path` relative to `cwd` when it lies inside it; else as it is. A leading `./` is left
/// out, as GitHub names files from the repository root.
fn relative_to(path: &Path, cwd: &Path) -> std::path::PathBuf {
    let inside = if path.is_absolute() {
        path.strip_prefix(cwd).ok()
    } else {
        Some(path)
    };
    match inside {
        Some(p) => p
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect(),
        None => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_carry_their_sign_and_nothing_is_never_negative() {
        assert_eq!(signed(12.5), "+12.5");
        assert_eq!(signed(-3.0), "-3.0");
        assert_eq!(signed(0.04), "±0.0");
        assert_eq!(signed(-0.04), "±0.0");
        assert_eq!(signed(0.05000001), "+0.1");
    }

    #[test]
    fn answers_show_the_level_and_its_value_once() {
        let scored = |level: Option<&str>, v: f64| AnswerSide {
            status: ItemStatus::Scored,
            value: Some(v),
            level: level.map(str::to_string),
        };
        assert_eq!(
            answer(Some(&scored(Some("established"), 3.0))),
            "established (3)"
        );
        assert_eq!(answer(Some(&scored(Some("4"), 4.0))), "4");
        assert_eq!(answer(Some(&scored(None, 2.5))), "2.5");
        assert_eq!(answer(None), "(no such item)");
    }

    #[test]
    fn cells_cannot_end_a_table_cell_or_open_html() {
        assert_eq!(cell("a|b<i>&"), "a\\|b&lt;i&gt;&amp;");
    }

    #[test]
    fn files_are_named_from_the_current_folder_when_inside_it() {
        let cwd = Path::new("/repo");
        assert_eq!(
            relative_to(Path::new("/repo/ws/audits/q3/eu.yaml"), cwd),
            Path::new("ws/audits/q3/eu.yaml")
        );
        assert_eq!(
            relative_to(Path::new("./audits/q3/eu.yaml"), cwd),
            Path::new("audits/q3/eu.yaml")
        );
        assert_eq!(
            relative_to(Path::new("/elsewhere/eu.yaml"), cwd),
            Path::new("/elsewhere/eu.yaml")
        );
    }
}
