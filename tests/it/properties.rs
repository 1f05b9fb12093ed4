//! Scoring invariants (docs/format.md §9) over random checklists and answers, on `score::score_audit`.
//!
//! What holds, exactly, in f64:
//! - scores and targets (audit and sections) lie in 0..=100, completions too; ratios in
//!   0..=1; every gap in 0..=w;
//! - a score or target is null exactly when no item of the set is scored with `w > 0`;
//! - completion is `100 × (scored + na) / all items`, weight-0 items included;
//! - gaps are exactly the scored items with `w > 0` and `v < t`, largest first, ties in
//!   checklist order; so they are empty exactly when every scored weighted item meets its
//!   target; two items with the same `w` and the same `t − v` have the same gap (a tie);
//! - raising an answer that is already scored never lowers its section's score nor the
//!   audit's, and leaves targets, completions and every other section unchanged;
//! - switching an item between na and unanswered changes completion only;
//! - all scored weighted items at the scale's max score exactly 100, at its min exactly 0;
//!   all at their targets score exactly the target; all at or below them, at most the target;
//! - doubling every weight changes no score or target, and doubles every gap.
//!
//! What does not hold: "raising an answer to its target never lowers the score". An item
//! that was unanswered or na joins the denominator when it is answered, so answering it at a
//! target below the current average lowers the score (see
//! `answering_an_unanswered_item_at_its_target_can_lower_the_score`).

use auditbook::model::{Answer, Audit, Checklist, Item, Level, Round, Scale, Score, Section};
use auditbook::score::{AuditResult, ItemStatus, score_audit};
use auditbook::text::Text;
use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::sample::Index;

/// Weights people write, including ones that are not exact in binary (0.1, 0.7).
const WEIGHTS: [f64; 10] = [0.0, 0.1, 0.25, 0.5, 0.7, 1.0, 1.0, 1.5, 2.0, 3.0];

#[derive(Debug, Clone)]
enum Target {
    Level(Index),
    /// A value between levels, as a fraction of the span (the loader accepts any value in
    /// the scale's range).
    Between(f64),
    /// A given value, for the fixed cases.
    Exact(f64),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Ans {
    Unanswered,
    Na,
    Level(usize),
}

#[derive(Debug, Clone)]
struct ItemSpec {
    weight: f64,
    target: Option<Target>,
    answer: Ans,
}

#[derive(Debug, Clone)]
struct SectionSpec {
    weight: f64,
    target: Option<Target>,
    items: Vec<ItemSpec>,
}

#[derive(Debug, Clone)]
struct Case {
    levels: Vec<f64>,
    target: Option<Target>,
    sections: Vec<SectionSpec>,
}

fn scale_values() -> impl Strategy<Value = Vec<f64>> {
    prop_oneof![
        Just(vec![0.0, 1.0]),
        Just(vec![0.0, 1.0, 2.0, 3.0, 4.0]),
        Just(vec![1.0, 2.0, 3.0, 4.0, 5.0]),
        (
            prop::collection::btree_set(-20i32..=20, 2..=6),
            prop::sample::select(vec![1.0, 2.0, 3.0, 4.0, 10.0]),
        )
            .prop_map(|(ks, d)| ks.into_iter().map(|k| f64::from(k) / d).collect()),
    ]
}

fn target() -> impl Strategy<Value = Option<Target>> {
    prop::option::of(prop_oneof![
        any::<Index>().prop_map(Target::Level),
        (0.0..=1.0f64).prop_map(Target::Between),
    ])
}

fn answer() -> impl Strategy<Value = (u8, Index)> {
    (0u8..6, any::<Index>())
}

fn item() -> impl Strategy<Value = (f64, Option<Target>, (u8, Index))> {
    (prop::sample::select(WEIGHTS.to_vec()), target(), answer())
}

fn case() -> impl Strategy<Value = Case> {
    let section = (
        prop::sample::select(WEIGHTS.to_vec()),
        target(),
        prop::collection::vec(item(), 1..6),
    );
    (
        scale_values(),
        target(),
        prop::collection::vec(section, 1..4),
    )
        .prop_map(|(levels, target, sections)| {
            let n = levels.len();
            let sections = sections
                .into_iter()
                .map(|(weight, target, items)| SectionSpec {
                    weight,
                    target,
                    items: items
                        .into_iter()
                        .map(|(weight, target, (kind, level))| ItemSpec {
                            weight,
                            target,
                            // Mostly scored, sometimes na or unanswered.
                            answer: match kind {
                                0 => Ans::Unanswered,
                                1 => Ans::Na,
                                _ => Ans::Level(level.index(n)),
                            },
                        })
                        .collect(),
                })
                .collect();
            Case {
                levels,
                target,
                sections,
            }
        })
}

fn resolve(t: &Option<Target>, levels: &[f64]) -> Option<f64> {
    let (min, max) = (levels[0], levels[levels.len() - 1]);
    t.as_ref().map(|t| match t {
        Target::Level(i) => levels[i.index(levels.len())],
        Target::Between(f) => (min + f * (max - min)).clamp(min, max),
        Target::Exact(v) => *v,
    })
}

fn text(s: &str) -> Text {
    Text::plain(s, "en")
}

fn build(case: &Case) -> (Round, Audit, Checklist) {
    let levels = &case.levels;
    // Answers in the checklist's item order, as the model keeps them.
    let mut answers = Vec::new();
    let sections = case
        .sections
        .iter()
        .enumerate()
        .map(|(si, s)| Section {
            id: format!("s{si}"),
            title: text("Section"),
            description: None,
            weight: s.weight,
            target: resolve(&s.target, levels),
            evidence_max_age: None,
            items: s
                .items
                .iter()
                .enumerate()
                .map(|(ii, i)| {
                    let id = format!("s{si}-i{ii}");
                    let score = match i.answer {
                        Ans::Unanswered => None,
                        Ans::Na => Some(Score::NotApplicable),
                        Ans::Level(k) => Some(Score::Value(levels[k])),
                    };
                    answers.push(score.map(|score| Answer {
                        score,
                        note: None,
                        evidence: Vec::new(),
                        action: None,
                    }));
                    Item {
                        id,
                        title: text("Item"),
                        why: None,
                        how: None,
                        tools: Vec::new(),
                        weight: i.weight,
                        target: resolve(&i.target, levels),
                        metrics: Vec::new(),
                        tags: Vec::new(),
                        evidence_max_age: None,
                    }
                })
                .collect(),
        })
        .collect();
    let checklist = Checklist {
        id: "random".into(),
        version: 1,
        file: "checklists/random.yaml".into(),
        language: "en".into(),
        title: text("Random"),
        description: None,
        scale: Scale {
            name: None,
            levels: levels
                .iter()
                .enumerate()
                .map(|(i, &value)| Level {
                    value,
                    key: format!("l{i}"),
                    label: None,
                })
                .collect(),
        },
        target: resolve(&case.target, levels),
        evidence_max_age: None,
        sections,
        missing_texts: Default::default(),
    };
    let date = NaiveDate::from_ymd_opt(2026, 3, 31).unwrap();
    let audit = Audit {
        id: "audit".into(),
        round: "r1".into(),
        file: "audits/r1/audit.yaml".into(),
        checklist: "random".into(),
        version: 1,
        subject: None,
        subject_title: None,
        date,
        auditors: Vec::new(),
        language: "en".into(),
        summary: None,
        answers,
    };
    let round = Round {
        id: "r1".into(),
        title: None,
        date,
        summary: None,
        audits: Vec::new(),
    };
    (round, audit, checklist)
}

fn run(case: &Case) -> AuditResult {
    let (round, audit, checklist) = build(case);
    score_audit(&round, &audit, &checklist)
}

/// Items of the case in checklist order, with their section index.
fn flat(case: &Case) -> Vec<(usize, &SectionSpec, &ItemSpec)> {
    case.sections
        .iter()
        .enumerate()
        .flat_map(|(si, s)| s.items.iter().map(move |i| (si, s, i)))
        .collect()
}

fn in_percent(x: f64) -> bool {
    (0.0..=100.0).contains(&x)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn bounds(case in case()) {
        let r = run(&case);
        for (score, target, completion) in std::iter::once((r.score, r.target, r.completion))
            .chain(r.sections.iter().map(|s| (s.score, s.target, s.completion)))
        {
            prop_assert!(score.is_none_or(in_percent), "score {score:?}");
            prop_assert!(target.is_none_or(in_percent), "target {target:?}");
            prop_assert!(in_percent(completion), "completion {completion}");
        }
        for i in &r.items {
            prop_assert!(i.ratio.is_none_or(|x| (0.0..=1.0).contains(&x)), "ratio {:?}", i.ratio);
            prop_assert!((0.0..=1.0).contains(&i.target_ratio));
            prop_assert!(i.gap >= 0.0 && i.gap <= i.weight, "gap {} weight {}", i.gap, i.weight);
        }
    }

    #[test]
    fn null_exactly_when_nothing_weighted_is_scored(case in case()) {
        let r = run(&case);
        let counts = |i: &&auditbook::score::ItemResult| {
            i.status == ItemStatus::Scored && i.weight > 0.0
        };
        let any = r.items.iter().any(|i| counts(&i));
        prop_assert_eq!(r.score.is_some(), any);
        prop_assert_eq!(r.target.is_some(), any);
        for s in &r.sections {
            let any = r.items.iter().filter(|i| i.section == s.id).any(|i| counts(&i));
            prop_assert_eq!(s.score.is_some(), any);
            prop_assert_eq!(s.target.is_some(), any);
        }
    }

    #[test]
    fn completion_counts_scored_and_na_of_all_items(case in case()) {
        let r = run(&case);
        let items = flat(&case);
        let done = items.iter().filter(|(_, _, i)| i.answer != Ans::Unanswered).count();
        prop_assert_eq!(r.completion, 100.0 * done as f64 / items.len() as f64);
        for (si, s) in r.sections.iter().enumerate() {
            let all = case.sections[si].items.len();
            let done = case.sections[si].items.iter().filter(|i| i.answer != Ans::Unanswered).count();
            prop_assert_eq!(s.completion, 100.0 * done as f64 / all as f64);
        }
    }

    #[test]
    fn effective_weight_is_section_times_item(case in case()) {
        let r = run(&case);
        for ((_, s, i), got) in flat(&case).into_iter().zip(&r.items) {
            prop_assert_eq!(got.weight, s.weight * i.weight);
        }
    }

    #[test]
    fn gaps_are_the_weighted_items_below_target_largest_first(case in case()) {
        let r = run(&case);
        let below: Vec<usize> = r.items.iter().enumerate()
            .filter(|(_, i)| i.status == ItemStatus::Scored && i.weight > 0.0
                && i.value.is_some_and(|v| v < i.target))
            .map(|(k, _)| k)
            .collect();
        for (k, i) in r.items.iter().enumerate() {
            prop_assert_eq!(i.gap > 0.0, below.contains(&k), "item {}", i.id);
        }
        let position = |id: &str| r.items.iter().position(|i| i.id == id).unwrap();
        let mut listed: Vec<usize> = r.gaps.iter().map(|id| position(id)).collect();
        for pair in listed.windows(2) {
            let (a, b) = (&r.items[pair[0]], &r.items[pair[1]]);
            prop_assert!(a.gap > b.gap || (a.gap == b.gap && pair[0] < pair[1]),
                "{} ({}) before {} ({})", a.id, a.gap, b.id, b.gap);
        }
        // The same weight and the same shortfall `t − v` give the same gap, whatever the
        // levels: a tie, kept in checklist order, not an order decided by rounding.
        for a in &r.items {
            for b in &r.items {
                if let (Some(va), Some(vb)) = (a.value, b.value)
                    && a.weight == b.weight
                    && a.target - va == b.target - vb
                {
                    prop_assert_eq!(a.gap, b.gap, "{} and {}", a.id, b.id);
                }
            }
        }
        listed.sort_unstable();
        prop_assert_eq!(&listed, &below);
        prop_assert_eq!(r.gaps.is_empty(), below.is_empty());
    }

    #[test]
    fn raising_a_scored_answer_never_lowers_a_score(case in case(), pick in any::<Index>(), up in any::<Index>()) {
        let items = flat(&case);
        let scored: Vec<usize> = items.iter().enumerate()
            .filter(|(_, (_, _, i))| matches!(i.answer, Ans::Level(_)))
            .map(|(k, _)| k)
            .collect();
        prop_assume!(!scored.is_empty());
        let k = scored[pick.index(scored.len())];
        let Ans::Level(from) = items[k].2.answer else { unreachable!() };
        prop_assume!(from + 1 < case.levels.len());
        let to = from + 1 + up.index(case.levels.len() - from - 1);

        let mut raised = case.clone();
        let (si, ii) = locate(&case, k);
        raised.sections[si].items[ii].answer = Ans::Level(to);

        let (before, after) = (run(&case), run(&raised));
        prop_assert!(after.score >= before.score, "{:?} -> {:?}", before.score, after.score);
        prop_assert_eq!(after.target, before.target);
        prop_assert_eq!(after.completion, before.completion);
        for (b, a) in before.sections.iter().zip(&after.sections) {
            if b.id == format!("s{si}") {
                prop_assert!(a.score >= b.score, "section {:?} -> {:?}", b.score, a.score);
                prop_assert_eq!(a.target, b.target);
                prop_assert_eq!(a.completion, b.completion);
            } else {
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn na_and_unanswered_differ_in_completion_only(case in case(), pick in any::<Index>()) {
        let items = flat(&case);
        let k = pick.index(items.len());
        let (si, ii) = locate(&case, k);
        let mut na = case.clone();
        na.sections[si].items[ii].answer = Ans::Na;
        let mut unanswered = case.clone();
        unanswered.sections[si].items[ii].answer = Ans::Unanswered;
        let (a, b) = (run(&na), run(&unanswered));
        prop_assert_eq!(a.score, b.score);
        prop_assert_eq!(a.target, b.target);
        prop_assert_eq!(&a.gaps, &b.gaps);
        prop_assert!(a.completion > b.completion);
    }

    #[test]
    fn extremes_and_targets_are_exact(case in case()) {
        let last = case.levels.len() - 1;
        let with = |f: &dyn Fn(&ItemSpec, f64) -> Ans| {
            let mut c = case.clone();
            let checklist_target = resolve(&case.target, &case.levels);
            for s in &mut c.sections {
                let section_target = resolve(&s.target, &case.levels).or(checklist_target);
                for i in &mut s.items {
                    if matches!(i.answer, Ans::Level(_)) {
                        let t = resolve(&i.target, &case.levels)
                            .or(section_target)
                            .unwrap_or(case.levels[last]);
                        i.answer = f(i, t);
                    }
                }
            }
            run(&c)
        };
        let top = with(&|_, _| Ans::Level(last));
        prop_assert!(top.score.is_none_or(|s| s == 100.0), "all at max: {:?}", top.score);
        prop_assert!(top.gaps.is_empty());
        let bottom = with(&|_, _| Ans::Level(0));
        prop_assert!(bottom.score.is_none_or(|s| s == 0.0), "all at min: {:?}", bottom.score);
        // Each answer at the highest level at or below its target.
        let levels = &case.levels;
        let at_or_below = |t: f64| levels.iter().rposition(|&v| v <= t).unwrap_or(0);
        let under = with(&|_, t| Ans::Level(at_or_below(t)));
        prop_assert!(under.score <= under.target, "{:?} > {:?}", under.score, under.target);
        // Every target the middle level, every scored answer that level: score = target.
        let mid = levels.len() / 2;
        let mut on = case.clone();
        on.target = None;
        for s in &mut on.sections {
            s.target = None;
            for i in &mut s.items {
                i.target = Some(Target::Exact(levels[mid]));
                if matches!(i.answer, Ans::Level(_)) {
                    i.answer = Ans::Level(mid);
                }
            }
        }
        let on = run(&on);
        prop_assert_eq!(on.score, on.target);
        prop_assert!(on.gaps.is_empty());
    }

    #[test]
    fn doubling_every_weight_changes_no_score(case in case()) {
        let mut doubled = case.clone();
        for s in &mut doubled.sections {
            for i in &mut s.items {
                i.weight *= 2.0;
            }
        }
        let (a, b) = (run(&case), run(&doubled));
        prop_assert_eq!(a.score, b.score);
        prop_assert_eq!(a.target, b.target);
        for (x, y) in a.sections.iter().zip(&b.sections) {
            prop_assert_eq!(x, y);
        }
        for (x, y) in a.items.iter().zip(&b.items) {
            prop_assert_eq!(y.gap, 2.0 * x.gap);
        }
        prop_assert_eq!(a.gaps, b.gaps);
    }
}

proptest! {
    /// On an evenly spaced scale of any span, two items with the same weight that are the same
    /// number of levels short of their targets tie, and keep checklist order.
    #[test]
    fn equal_shortfalls_tie_on_any_span(
        n in 2usize..12,
        min in -5i32..5,
        step in prop::sample::select(vec![1.0, 2.0, 5.0, 0.5]),
        weight in prop::sample::select(WEIGHTS[1..].to_vec()),
        short in any::<Index>(),
        a in any::<Index>(),
        b in any::<Index>(),
    ) {
        let levels: Vec<f64> = (0..n).map(|k| f64::from(min) + k as f64 * step).collect();
        let short = 1 + short.index(n - 1);
        let (a, b) = (a.index(n - short), b.index(n - short));
        let item = |from: usize| ItemSpec {
            weight,
            target: Some(Target::Exact(levels[from + short])),
            answer: Ans::Level(from),
        };
        let case = Case {
            levels: levels.clone(),
            target: None,
            sections: vec![SectionSpec { weight: 1.0, target: None, items: vec![item(a), item(b)] }],
        };
        let r = run(&case);
        prop_assert_eq!(r.items[0].gap, r.items[1].gap);
        prop_assert_eq!(r.gaps, vec!["s0-i0".to_string(), "s0-i1".to_string()]);
    }
}

/// (section, item) indices of the k-th item in checklist order.
fn locate(case: &Case, k: usize) -> (usize, usize) {
    let mut n = k;
    for (si, s) in case.sections.iter().enumerate() {
        if n < s.items.len() {
            return (si, n);
        }
        n -= s.items.len();
    }
    unreachable!("item {k} out of range")
}

/// The counterexample to "raising an answer to its target never lowers the score": an
/// unanswered item is outside `Σ w`; answering it, even at its target, brings it in.
#[test]
fn answering_an_unanswered_item_at_its_target_can_lower_the_score() {
    let maturity = vec![0.0, 1.0, 2.0, 3.0, 4.0];
    let spec = |second: Ans| Case {
        levels: maturity.clone(),
        target: None,
        sections: vec![SectionSpec {
            weight: 1.0,
            target: None,
            items: vec![
                ItemSpec {
                    weight: 1.0,
                    target: None,
                    answer: Ans::Level(4),
                },
                ItemSpec {
                    weight: 1.0,
                    // Target `partial` = 2 → rt = 1/2.
                    target: Some(Target::Exact(2.0)),
                    answer: second,
                },
            ],
        }],
    };
    // Before: only the first item is scored, r = 1 → 100 × 1/1 = 100.
    // After: the second answered at its target 2, r = 1/2 → 100 × (1 + 1/2)/2 = 75.
    for before in [Ans::Unanswered, Ans::Na] {
        assert_eq!(run(&spec(before)).score, Some(100.0));
        let after = run(&spec(Ans::Level(2)));
        assert_eq!(after.score, Some(75.0));
        assert!(after.gaps.is_empty(), "at its target: no gap");
    }
}
