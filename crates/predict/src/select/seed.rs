//! Seeds derived from names and numbers, stable across runs, machines and
//! thread counts.
//!
//! Every random choice of the search (which neighbours to keep, the noise
//! added to predictions) gets its own seed mixed from the run seed and the
//! identity of what is being decided, so no result depends on the order in
//! which parallel work happens to run.

/// A stable 64-bit hash of a name (FNV-1a); std's hasher may change between
/// Rust releases, which would silently change results.
pub fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Mixes several values into one seed (SplitMix64 finaliser after each part).
pub fn mix(parts: &[u64]) -> u64 {
    parts.iter().fold(0x9e37_79b9_7f4a_7c15, |acc, &p| {
        let mut z = (acc ^ p).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixing_depends_on_every_part_and_its_order() {
        assert_eq!(mix(&[1, 2]), mix(&[1, 2]));
        assert_ne!(mix(&[1, 2]), mix(&[2, 1]));
        assert_ne!(mix(&[1, 2]), mix(&[1, 3]));
        assert_ne!(mix(&[0]), mix(&[0, 0]));
    }

    #[test]
    fn name_hash_is_fnv1a() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(name_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(name_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
