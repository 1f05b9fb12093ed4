//! The counters a source's tickets are folded into: what one ticket adds (`Facts`), the sums
//! of a set of tickets (`Stats`) and the metrics they give, and the counters of one (period,
//! subject) with those of each breakdown key (`Group`, `ByKey`).

use crate::metrics::{Counts, Measure};

use super::fx::FxMap;

/// Counters of one set of tickets.
#[derive(Debug, Clone, Default)]
pub(super) struct Stats {
    pub(super) first_response_sum: i64,
    pub(super) first_response_n: u64,
    pub(super) resolution_sum: i64,
    pub(super) resolution_n: u64,
    pub(super) sla_good: u64,
    pub(super) sla_total: u64,
    pub(super) fcr_good: u64,
    pub(super) fcr_total: u64,
    /// 1–5 ratings: all of them, and the 4s and 5s. Only these reach a measure, and
    /// narrow counters keep each key's counters in two cache lines.
    pub(super) stars: u64,
    pub(super) stars_good: u64,
    pub(super) csi_good: u64,
    pub(super) csi_bad: u64,
    /// Answers 9–10, 7–8 and 0–6.
    pub(super) promoters: u64,
    pub(super) passives: u64,
    pub(super) detractors: u64,
}

/// What one ticket adds to the counters.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Facts {
    pub(super) first_response: Option<i64>,
    pub(super) resolution: Option<i64>,
    /// For a ticket with a first response: within the SLA.
    pub(super) sla_within: Option<bool>,
    pub(super) fcr: Option<bool>,
    pub(super) rating: Option<Rating>,
    pub(super) nps: Option<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rating {
    Stars(u8),
    Good,
    Bad,
}

impl Rating {
    /// Good as csat and csi count it: `good`, or 4 and 5 of 1–5.
    pub(super) fn is_good(self) -> bool {
        match self {
            Rating::Stars(n) => n >= 4,
            Rating::Good => true,
            Rating::Bad => false,
        }
    }
}

impl Stats {
    /// How many tickets `metric` counts in these counters.
    pub(super) fn basis(&self, metric: &str) -> u64 {
        match metric {
            "first-response-time" => self.first_response_n,
            "average-resolution-time" => self.resolution_n,
            "sla-compliance" => self.sla_total,
            "first-contact-resolution" => self.fcr_total,
            "csat" => self.stars,
            "csi" => self.csi_good + self.csi_bad,
            "nps" => self.promoters + self.passives + self.detractors,
            _ => 0,
        }
    }

    pub(super) fn merge(&mut self, o: &Stats) {
        self.first_response_sum += o.first_response_sum;
        self.first_response_n += o.first_response_n;
        self.resolution_sum += o.resolution_sum;
        self.resolution_n += o.resolution_n;
        self.sla_good += o.sla_good;
        self.sla_total += o.sla_total;
        self.fcr_good += o.fcr_good;
        self.fcr_total += o.fcr_total;
        self.stars += o.stars;
        self.stars_good += o.stars_good;
        self.csi_good += o.csi_good;
        self.csi_bad += o.csi_bad;
        self.promoters += o.promoters;
        self.passives += o.passives;
        self.detractors += o.detractors;
    }

    pub(super) fn add(&mut self, f: &Facts) {
        if let Some(t) = f.first_response {
            self.first_response_sum += t;
            self.first_response_n += 1;
        }
        if let Some(t) = f.resolution {
            self.resolution_sum += t;
            self.resolution_n += 1;
        }
        if let Some(within) = f.sla_within {
            self.sla_total += 1;
            self.sla_good += u64::from(within);
        }
        if let Some(one) = f.fcr {
            self.fcr_total += 1;
            self.fcr_good += u64::from(one);
        }
        match f.rating {
            Some(Rating::Stars(n)) => {
                self.stars += 1;
                self.stars_good += u64::from(n >= 4);
            }
            Some(Rating::Good) => self.csi_good += 1,
            Some(Rating::Bad) => self.csi_bad += 1,
            None => {}
        }
        match f.nps {
            Some(9..) => self.promoters += 1,
            Some(7 | 8) => self.passives += 1,
            Some(_) => self.detractors += 1,
            None => {}
        }
    }

    /// Each metric of the table that has something to count, in the table's order.
    pub(super) fn measures(&self) -> Vec<(&'static str, Measure)> {
        let mut out = Vec::new();
        let mean = |sum: i64, n: u64| Measure {
            value: sum as f64 / n as f64,
            counts: Counts::None,
        };
        let ratio = |good: u64, total: u64| Measure {
            value: 100.0 * good as f64 / total as f64,
            counts: Counts::Ratio {
                good: good as f64,
                total: total as f64,
            },
        };
        if self.first_response_n > 0 {
            out.push((
                "first-response-time",
                mean(self.first_response_sum, self.first_response_n),
            ));
        }
        if self.resolution_n > 0 {
            out.push((
                "average-resolution-time",
                mean(self.resolution_sum, self.resolution_n),
            ));
        }
        if self.sla_total > 0 {
            out.push(("sla-compliance", ratio(self.sla_good, self.sla_total)));
        }
        if self.fcr_total > 0 {
            out.push((
                "first-contact-resolution",
                ratio(self.fcr_good, self.fcr_total),
            ));
        }
        if self.stars > 0 {
            out.push(("csat", ratio(self.stars_good, self.stars)));
        }
        if self.csi_good + self.csi_bad > 0 {
            out.push(("csi", ratio(self.csi_good, self.csi_good + self.csi_bad)));
        }
        let answered = self.promoters + self.passives + self.detractors;
        if answered > 0 {
            let promoters = self.promoters as f64;
            let passives = self.passives as f64;
            let detractors = self.detractors as f64;
            out.push((
                "nps",
                Measure {
                    value: 100.0 * (promoters - detractors) / answered as f64,
                    counts: Counts::Nps {
                        promoters,
                        passives,
                        detractors,
                    },
                },
            ));
        }
        out
    }
}

/// Keys below this have their counters in a list indexed by key, the rest in a map: most
/// dimensions have tens of values, and a map lookup per dimension per ticket showed in the
/// profile, while a list per (period, subject) as long as a dimension with a million values
/// would not fit in memory.
const DENSE_KEYS: u32 = 256;

/// Counters per interned key of one dimension.
#[derive(Debug, Clone, Default)]
pub(super) struct ByKey {
    pub(super) dense: Vec<Option<Stats>>,
    pub(super) sparse: FxMap<u32, Stats>,
}

impl ByKey {
    pub(super) fn entry(&mut self, k: u32) -> &mut Stats {
        if k < DENSE_KEYS {
            let i = k as usize;
            if i >= self.dense.len() {
                self.dense.resize(i + 1, None);
            }
            self.dense[i].get_or_insert_default()
        } else {
            self.sparse.entry(k).or_default()
        }
    }

    /// Every key counted into, with its counters (dense keys first, the rest unordered).
    pub(super) fn iter(&self) -> impl Iterator<Item = (u32, &Stats)> {
        let dense =
            (self.dense.iter().enumerate()).filter_map(|(k, s)| Some((k as u32, s.as_ref()?)));
        dense.chain(self.sparse.iter().map(|(k, s)| (*k, s)))
    }
}

/// The counters of one (period, subject).
#[derive(Debug, Clone, Default)]
pub(super) struct Group {
    pub(super) all: Stats,
    /// Per dimension: interned key -> counters.
    pub(super) by: [ByKey; 4],
}

impl Group {
    pub(super) fn merge(&mut self, o: &Group) {
        self.all.merge(&o.all);
        for (mine, theirs) in self.by.iter_mut().zip(&o.by) {
            for (k, stats) in theirs.iter() {
                mine.entry(k).merge(stats);
            }
        }
    }

    pub(super) fn add(&mut self, keys: &[Option<u32>; 4], facts: &Facts) {
        self.all.add(facts);
        for (map, key) in self.by.iter_mut().zip(keys) {
            if let Some(key) = key {
                map.entry(*key).add(facts);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    proptest::proptest! {
        /// Counters by key, in the list or the map, are those of a plain map.
        #[test]
        fn counters_by_key_match_a_map(
            keys in proptest::collection::vec(0u32..(DENSE_KEYS * 2), 0..100),
        ) {
            let mut by = ByKey::default();
            let mut map: BTreeMap<u32, u64> = BTreeMap::new();
            for k in keys {
                by.entry(k).add(&Facts { nps: Some(3), ..Facts::default() });
                *map.entry(k).or_default() += 1;
            }
            let mut got: Vec<(u32, u64)> = by.iter().map(|(k, s)| (k, s.detractors)).collect();
            got.sort_unstable();
            proptest::prop_assert_eq!(got, map.into_iter().collect::<Vec<_>>());
        }
    }

    #[test]
    fn a_ticket_without_counted_facts_still_has_its_key() {
        let mut by = ByKey::default();
        by.entry(3);
        by.entry(DENSE_KEYS + 3);
        let keys: Vec<u32> = by.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [3, DENSE_KEYS + 3]);
    }
}
