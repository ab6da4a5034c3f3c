//! Phonetic codes (Double Metaphone via rphonetic) packed into integers for cheap comparison.

use std::sync::LazyLock;

use rphonetic::DoubleMetaphone;

static ENCODER: LazyLock<DoubleMetaphone> = LazyLock::new(DoubleMetaphone::default);

/// Primary and alternate Double Metaphone codes of a folded word, each packed into a `u32`
/// (four ASCII bytes); 0 means no code.
pub fn double_metaphone(word: &str) -> [u32; 2] {
    if word.is_empty() {
        return [0, 0];
    }
    let result = ENCODER.double_metaphone(word);
    [pack(&result.primary()), pack(&result.alternate())]
}

fn pack(code: &str) -> u32 {
    code.bytes()
        .take(4)
        .fold(0u32, |acc, b| (acc << 8) | b as u32)
}

/// True when two code pairs share any non-empty code.
pub fn codes_agree(a: [u32; 2], b: [u32; 2]) -> bool {
    a.iter().any(|&x| x != 0 && b.contains(&x))
}

/// The code as text, for explanations.
pub fn unpack(code: u32) -> String {
    code.to_be_bytes()
        .iter()
        .filter(|&&b| b != 0)
        .map(|&b| b as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sound_alikes_share_a_code() {
        assert!(codes_agree(
            double_metaphone("SMITH"),
            double_metaphone("SMYTH")
        ));
        assert!(codes_agree(
            double_metaphone("CATHERINE"),
            double_metaphone("KATHRYN")
        ));
        assert!(!codes_agree(
            double_metaphone("SMITH"),
            double_metaphone("JONES")
        ));
        assert!(!codes_agree(double_metaphone(""), double_metaphone("")));
        assert_eq!(unpack(double_metaphone("SMITH")[0]), "SM0");
    }
}
