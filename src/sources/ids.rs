//! The ticket ids of a source, to find the repeated ones (docs/exports.md).

use std::hash::Hasher;

use super::fx::{Fx, FxMap};

/// The ticket ids of a source. Ids written as plain whole numbers near the first such id
/// (the usual export) have their place in a list indexed by number: no hashing, and the
/// places of consecutive tickets sit together in memory. Every other id is in one arena: no
/// allocation per id, and a few tens of bytes each, so a million tickets need tens of
/// megabytes.
#[derive(Default)]
pub struct Ids {
    /// The number at index 0 of `numbered`, once a numbered id has been seen.
    base: Option<u64>,
    /// Per number from `base`: its place packed by [`pack`], or 0 when not seen.
    numbered: Vec<u64>,
    text: Vec<u8>,
    entries: Vec<IdEntry>,
    /// The hash of an id -> the last entry with that hash.
    heads: FxMap<u64, u32>,
}

/// How many numbers the list of numbered ids covers: 32 MB at most, from a million below
/// the first numbered id. An id outside is kept in the arena; which of the two holds an id
/// depends on its text alone, so a repeated id is always found.
const NUMBERED_SPAN: u64 = 1 << 22;
const NUMBERED_BELOW: u64 = 1 << 20;

fn pack(file: u32, line: u32) -> u64 {
    (u64::from(file) + 1) << 32 | u64::from(line)
}

fn unpack(place: u64) -> (u32, u32) {
    ((place >> 32) as u32 - 1, place as u32)
}

/// The number an id spells in the usual way: digits only, no leading zero, at most 18.
fn id_number(id: &[u8]) -> Option<u64> {
    if id.is_empty() || id.len() > 18 || (id[0] == b'0' && id.len() > 1) {
        return None;
    }
    id.iter().try_fold(0u64, |n, &b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

impl Ids {
    /// Records `id` at its place; if it was seen before, returns the first place instead.
    pub fn insert(&mut self, id: &[u8], file: u32, line: u32) -> Option<(u32, u32)> {
        if let Some(n) = id_number(id) {
            let base = *self.base.get_or_insert(n.saturating_sub(NUMBERED_BELOW));
            if let Some(i) = n.checked_sub(base).filter(|i| *i < NUMBERED_SPAN) {
                let i = i as usize;
                if i >= self.numbered.len() {
                    self.numbered.resize(i + 1, 0);
                }
                return match self.numbered[i] {
                    0 => {
                        self.numbered[i] = pack(file, line);
                        None
                    }
                    place => Some(unpack(place)),
                };
            }
        }
        self.insert_text(id, file, line)
    }

    fn insert_text(&mut self, id: &[u8], file: u32, line: u32) -> Option<(u32, u32)> {
        let mut h = Fx::default();
        h.write(id);
        let hash = h.finish();
        let head = self.heads.get(&hash).copied().unwrap_or(u32::MAX);
        let mut i = head;
        while let Some(e) = self.entries.get(i as usize) {
            if &self.text[e.start..e.start + e.len as usize] == id {
                return Some((e.file, e.line));
            }
            i = e.next;
        }
        let start = self.text.len();
        self.text.extend_from_slice(id);
        self.heads.insert(hash, self.entries.len() as u32);
        self.entries.push(IdEntry {
            start,
            len: id.len() as u32,
            file,
            line,
            next: head,
        });
        None
    }
}

struct IdEntry {
    start: usize,
    len: u32,
    file: u32,
    line: u32,
    /// The entry before with the same hash, or `u32::MAX`.
    next: u32,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    proptest::proptest! {
        /// The list of numbered ids and the arena together find exactly the repeats that
        /// a plain map of texts finds, with the first place, whichever of the two holds an
        /// id: numbers near the first, far from it, with leading zeros, and other text.
        #[test]
        fn ids_find_the_repeats_a_map_finds(
            ids in proptest::collection::vec((0u8..6, 0u64..40), 1..200),
        ) {
            let mut fast = Ids::default();
            let mut map: HashMap<Vec<u8>, (u32, u32)> = HashMap::new();
            for (line, (kind, n)) in ids.into_iter().enumerate() {
                let text = match kind {
                    0 | 1 => format!("{}", 5_000_000 + n),
                    2 => format!("{}", 5_000_000 + NUMBERED_SPAN + n),
                    3 => format!("{}", n),
                    4 => format!("0{n}"),
                    _ => format!("T-{n}"),
                };
                let line = line as u32;
                let file = line % 3;
                let expected = match map.get(text.as_bytes()) {
                    Some(first) => Some(*first),
                    None => {
                        map.insert(text.clone().into_bytes(), (file, line));
                        None
                    }
                };
                proptest::prop_assert_eq!(fast.insert(text.as_bytes(), file, line), expected);
            }
        }
    }

    #[test]
    fn id_numbers_are_plain_whole_numbers() {
        assert_eq!(id_number(b"0"), Some(0));
        assert_eq!(id_number(b"1000042"), Some(1_000_042));
        assert_eq!(
            id_number(b"999999999999999999"),
            Some(999_999_999_999_999_999)
        );
        for text in [
            &b""[..],
            b"01",
            b"12a",
            b"-5",
            b"1 2",
            b"1000000000000000000",
        ] {
            assert_eq!(id_number(text), None, "{text:?}");
        }
    }
}
