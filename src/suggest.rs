//! "Did you mean …?" — the nearest known name to a misspelt one, and the one way its hint
//! is written.

/// A known name that a misspelt one was most likely meant to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Suggestion<'a> {
    pub near: &'a str,
}

impl Suggestion<'_> {
    /// The hint: `did you mean 'near'?`.
    pub fn hint(&self) -> String {
        format!("did you mean '{}'?", self.near)
    }

    /// The hint naming what the suggested name is: `did you mean the built-in 'near'?`.
    pub fn hint_as(&self, what: &str) -> String {
        format!("did you mean {what} '{}'?", self.near)
    }
}

/// The hint for a misspelt `word`: "did you mean …?" with its nearest candidate when one is
/// close enough, else `otherwise`.
pub fn hint<'a, I>(word: &str, candidates: I, otherwise: impl FnOnce() -> String) -> String
where
    I: IntoIterator<Item = &'a str>,
{
    suggestion(word, candidates).map_or_else(otherwise, |s| s.hint())
}

/// The candidate closest to `word`, as a [`Suggestion`].
pub fn suggestion<'a, I>(word: &str, candidates: I) -> Option<Suggestion<'a>>
where
    I: IntoIterator<Item = &'a str>,
{
    nearest(word, candidates).map(|near| Suggestion { near })
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo.
pub fn nearest<'a, I>(word: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let len = word.chars().count();
    let limit = (len / 3).clamp(1, 4);
    candidates
        .into_iter()
        // The distance is at least the difference in length: skipping those too far apart
        // keeps a huge misspelt key from costing a huge table.
        .filter(|c| len.abs_diff(c.chars().count()) <= limit)
        .map(|c| (distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each cost one.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let items = ["assess-quality", "compare-goals", "identify-gaps"];
        assert_eq!(nearest("asses-quality", items), Some("assess-quality"));
        assert_eq!(nearest("compare-gaols", items), Some("compare-goals"));
        assert_eq!(nearest("something-else", items), None);
        assert_eq!(distance("titel", "title"), 1);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            hint("compare-gaols", items, String::new),
            "did you mean 'compare-goals'?"
        );
        assert_eq!(hint("zzz", items, || "no such item".into()), "no such item");
    }
}
