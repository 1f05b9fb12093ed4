//! The commands on fixture workspaces: template overrides (components, and the guarantee
//! that `check` fails wherever `build` would), GitHub annotations named from the current
//! folder, and output that carries nothing a terminal would act on.

use crate::support::run;

use std::path::{Path, PathBuf};
use std::process::Output;

use run::stderr;

/// The built-in components, which an override starts from.
const COMPONENTS: &str = include_str!("../../templates/components.html");

/// A copy of `tests/fixtures/minimal` inside `<tmp>/<sub>`, so that commands can be run from
/// the folder above it.
struct Ws {
    tmp: tempfile::TempDir,
    sub: &'static str,
}

impl Ws {
    fn new(sub: &'static str) -> Ws {
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal");
        for entry in walkdir::WalkDir::new(&from).sort_by_file_name() {
            let entry = entry.expect("walk the fixture");
            let to = tmp
                .path()
                .join(sub)
                .join(entry.path().strip_prefix(&from).expect("inside"));
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&to).expect("mkdir");
            } else {
                std::fs::copy(entry.path(), &to).expect("copy");
            }
        }
        Ws { tmp, sub }
    }

    fn root(&self) -> PathBuf {
        self.tmp.path().join(self.sub)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Runs `auditbook <args> <sub> <rest>` from the folder above the workspace.
    fn run(&self, command: &str, rest: &[&str]) -> Output {
        crate::support::output(
            crate::support::command()
                .current_dir(self.tmp.path())
                .arg(command)
                .arg(self.sub)
                .args(rest),
        )
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The built-in components with a `txt` of its own, which marks every text.
fn with_own_txt() -> String {
    let builtin = "{% component txt(v) -%}";
    let start = COMPONENTS.find(builtin).expect("the txt component");
    let end = COMPONENTS[start..]
        .find("{%- endcomponent txt %}")
        .map(|n| start + n)
        .expect("its end");
    format!(
        "{}{builtin}<mark class=\"override\">{{{{ v.text }}}}</mark>{}",
        &COMPONENTS[..start],
        &COMPONENTS[end..]
    )
}

#[test]
fn an_override_of_a_component_changes_every_page_that_uses_it() {
    let w = Ws::new("ws");
    let custom = with_own_txt();
    w.write("templates/components.html", &custom);
    let site = w.tmp.path().join("site");
    let o = w.run("build", &["--out", site.to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for page in ["rounds/2026-q3/eu/index.html", "index.html"] {
        let html = std::fs::read_to_string(site.join(page)).expect("the page");
        assert!(
            html.contains("<mark class=\"override\">Customer service</mark>"),
            "{page} does not use the overridden component:\n{html}"
        );
    }
}

/// `components.html` without the definition of component `name`.
fn without_component(text: &str, name: &str) -> String {
    let start = text
        .find(&format!("{{% component {name}("))
        .unwrap_or_else(|| panic!("the {name} component"));
    let end_tag = format!("{{%- endcomponent {name} %}}");
    let end = text[start..].find(&end_tag).expect("its end") + start + end_tag.len();
    format!("{}{}", &text[..start], &text[end..])
}

#[test]
fn a_components_file_from_before_a_component_was_added_still_builds_with_the_built_in_one() {
    let w = Ws::new("ws");
    // A copy made before `evidence` and `exemption` existed, with its own `txt`.
    let custom = with_own_txt();
    let old = without_component(&without_component(&custom, "evidence"), "exemption");
    w.write("templates/components.html", &old);
    w.write(
        "audits/2026-q3/eu.yaml",
        "checklist: customer-service\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  \
         assess-quality: {score: 3, evidence: [\"Call log 2026-09\"]}\n  compare-goals: {score: partial}\n",
    );
    let o = w.run("check", &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "warning: no component `evidence`, `exemption` here: the built-in one is used"
        ) && err.contains("templates/components.html"),
        "{err}"
    );
    let site = w.tmp.path().join("site");
    let o = w.run("build", &["--out", site.to_str().expect("UTF-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = std::fs::read_to_string(site.join("rounds/2026-q3/eu/index.html")).expect("page");
    assert!(
        html.contains("<mark class=\"override\">Customer service</mark>"),
        "{html}"
    );
    assert!(html.contains("Call log 2026-09"), "{html}");
}

#[test]
fn check_fails_on_a_template_override_that_build_would_fail_on() {
    for (why, text, at) in [
        (
            "does not compile",
            "{% extends \"base.html\" %}\n{% block content %}\n{% if %}{% endblock content %}",
            "templates/dashboard.html:3:",
        ),
        (
            "calls an unknown filter",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ page.lang | no_such_filter }}{% endblock content %}",
            "templates/dashboard.html:3:",
        ),
        (
            "reads a missing field",
            "{% extends \"base.html\" %}\n{% block content %}\n{{ data.no_such_field.deeper }}{% endblock content %}",
            "templates/dashboard.html:3:",
        ),
    ] {
        let w = Ws::new("ws");
        w.write("templates/dashboard.html", text);
        let o = w.run("check", &[]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "a template that {why}: {err}");
        assert!(
            err.contains(&format!("--> {at}")),
            "a template that {why}: not located: {err}"
        );
        let built = w.run("build", &["--out", "site"]);
        assert_eq!(built.status.code(), Some(1), "{why}: {}", stderr(&built));
    }
}

#[test]
fn github_annotations_name_files_from_the_current_folder() {
    let w = Ws::new("docs/audits");
    w.write(
        "audits/2026-q3/eu.yaml",
        "checklist: customer-service\nversion: 1\nsubject: eu\ndate: 2026-09-30\nanswers:\n  asses-quality: 3\n",
    );
    let o = w.run("check", &["--format", "github"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("file=docs/audits/audits/2026-q3/eu.yaml,line=6,"),
        "{out}"
    );
}

#[test]
fn nothing_a_terminal_acts_on_is_printed_raw() {
    let w = Ws::new("ws");
    let hostile = "audits/2026-q3/x\u{1b}]0;pwned\u{7}.yaml";
    w.write(
        hostile,
        "checklist: customer-service\nversion: 1\nsubject: \"\\e[2Ahi\\u202e\"\ndate: 2026-09-30\nanswers:\n  asses-quality: 3\n  \"\\e]52;c;aGk=\\a\": 1\n",
    );
    for format in ["human", "github", "json"] {
        let o = w.run("check", &["--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        let all = [o.stdout, o.stderr].concat();
        let text = String::from_utf8_lossy(&all);
        assert!(
            text.contains("pwned"),
            "{format}: the file is not named: {text}"
        );
        assert!(
            !all.iter().any(|b| matches!(b, 0x1b | 0x07)),
            "{format}: a raw ESC or BEL: {text:?}"
        );
        assert!(!text.contains('\u{202e}'), "{format}: a raw bidi override");
    }
}
