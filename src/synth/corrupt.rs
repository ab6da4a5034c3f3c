//! Content errors: keyboard, OCR and phonetic typos, digit slips, wrong birth dates.

use rand::Rng;
use rand::rngs::SmallRng;

use super::names_given::PHONETIC_GIVEN;
use super::person::{Date, REF_YEAR};
use super::tables::{pick, tables};

/// QWERTY neighbours of each lower-case letter.
const KEYBOARD: [&str; 26] = [
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
    "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
    "qase", "zsdc", "tghu", "asx",
];

/// Look-alike substitutions made by optical character recognition and hasty reading.
const OCR: &[(&str, &str)] = &[
    ("m", "rn"),
    ("rn", "m"),
    ("l", "1"),
    ("I", "l"),
    ("l", "I"),
    ("O", "0"),
    ("o", "0"),
    ("cl", "d"),
    ("d", "cl"),
    ("w", "vv"),
    ("S", "5"),
    ("B", "8"),
    ("e", "c"),
    ("c", "e"),
    ("h", "b"),
    ("u", "v"),
    ("n", "h"),
    ("a", "o"),
    ("i", "l"),
    ("g", "q"),
];

/// Spelling rewrites that keep the pronunciation of a family name.
const PHONETIC_RULES: &[(&str, &str)] = &[
    ("ph", "f"),
    ("f", "ph"),
    ("ck", "k"),
    ("k", "ck"),
    ("c", "k"),
    ("k", "c"),
    ("ie", "y"),
    ("y", "ie"),
    ("ei", "ie"),
    ("ie", "ei"),
    ("son", "sen"),
    ("sen", "son"),
    ("man", "mann"),
    ("mann", "man"),
    ("ll", "l"),
    ("l", "ll"),
    ("nn", "n"),
    ("tt", "t"),
    ("ss", "s"),
    ("rr", "r"),
    ("z", "s"),
    ("s", "z"),
    ("ez", "es"),
    ("es", "ez"),
    ("ey", "y"),
    ("y", "ey"),
    ("ou", "ow"),
    ("th", "t"),
    ("w", "v"),
    ("v", "b"),
    ("b", "v"),
    ("j", "h"),
    ("qu", "k"),
    ("x", "ks"),
    ("ae", "e"),
    ("oe", "o"),
    ("gh", "g"),
    ("dt", "t"),
    ("sch", "sh"),
    ("sh", "sch"),
    ("i", "y"),
];

fn keyboard_neighbour(rng: &mut SmallRng, c: char) -> char {
    let lower = c.to_ascii_lowercase();
    if !lower.is_ascii_lowercase() {
        return c;
    }
    let n = KEYBOARD[(lower as u8 - b'a') as usize].as_bytes();
    let r = n[rng.gen_range(0..n.len())] as char;
    if c.is_uppercase() {
        r.to_ascii_uppercase()
    } else {
        r
    }
}

/// Copy the case of `like` onto the letter `c`.
fn same_case(c: char, like: char) -> char {
    if like.is_uppercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    }
}

/// One keyboard-style error: substitute, delete, insert or transpose a letter.
pub(crate) fn char_typo(rng: &mut SmallRng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 2 {
        return s.to_string();
    }
    // errors are rarer on the first letter
    let i = letters[if rng.gen_bool(0.85) {
        rng.gen_range(1..letters.len())
    } else {
        0
    }];
    match rng.gen_range(0..100) {
        0..=29 => chars[i] = keyboard_neighbour(rng, chars[i]),
        30..=34 => chars[i] = same_case((b'a' + rng.gen_range(0..26)) as char, chars[i]),
        35..=57 => {
            chars.remove(i);
        }
        58..=74 => {
            let c = if rng.gen_bool(0.5) {
                chars[i]
            } else {
                keyboard_neighbour(rng, chars[i])
            };
            let like = chars[(i + 1).min(chars.len() - 1)];
            chars.insert(i + 1, same_case(c, like));
        }
        _ => {
            let j = if i + 1 < chars.len() && chars[i + 1].is_alphabetic() {
                i + 1
            } else if i > 0 && chars[i - 1].is_alphabetic() {
                i - 1
            } else {
                i
            };
            if j == i || chars[i].to_lowercase().eq(chars[j].to_lowercase()) {
                chars.remove(i);
            } else {
                let (a, b) = (chars[i], chars[j]);
                chars[i] = same_case(b, a);
                chars[j] = same_case(a, b);
            }
        }
    }
    let out: String = chars.into_iter().collect();
    if out.trim().is_empty() {
        s.to_string()
    } else {
        out
    }
}

/// One OCR-style look-alike substitution, or a keyboard typo when none applies.
pub(crate) fn ocr_typo(rng: &mut SmallRng, s: &str) -> String {
    let head_len = s.chars().next().map_or(0, char::len_utf8);
    let (head, tail) = s.split_at(head_len);
    let options: Vec<&(&str, &str)> = OCR.iter().filter(|(a, _)| tail.contains(a)).collect();
    if options.is_empty() {
        return char_typo(rng, s);
    }
    let (from, to) = *pick(rng, &options);
    let positions: Vec<usize> = tail.match_indices(from).map(|(i, _)| i).collect();
    let at = pick(rng, &positions);
    format!("{head}{}{to}{}", &tail[..at], &tail[at + from.len()..])
}

/// A spelling that sounds the same (Kathryn for Catherine, Smyth for Smith), if one is known.
pub(crate) fn phonetic(rng: &mut SmallRng, s: &str, given: bool) -> Option<String> {
    if given && let Some(&g) = tables().phonetic.get(s) {
        let group = PHONETIC_GIVEN[g];
        let others: Vec<&str> = group.iter().copied().filter(|n| *n != s).collect();
        return Some(pick(rng, &others).to_string());
    }
    if !s.is_ascii() || s.len() < 3 {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    let options: Vec<(usize, &str, &str)> = PHONETIC_RULES
        .iter()
        .flat_map(|&(from, to)| lower.match_indices(from).map(move |(i, _)| (i, from, to)))
        .filter(|&(i, from, _)| i > 0 || from.len() > 1)
        .collect();
    if options.is_empty() {
        return None;
    }
    let (i, from, to) = pick(rng, &options);
    let mut to = to.to_string();
    if s.as_bytes()[i].is_ascii_uppercase() {
        to = super::tables::capitalize(&to);
    }
    let out = format!("{}{}{}", &s[..i], to, &s[i + from.len()..]);
    (out != s).then_some(out)
}

/// A typo in a name: keyboard slip (mostly), OCR look-alike or phonetic respelling.
pub(crate) fn name_typo(rng: &mut SmallRng, s: &str, given: bool) -> String {
    let r = rng.gen_range(0..100);
    if r < 22
        && let Some(p) = phonetic(rng, s, given)
    {
        return p;
    }
    if r >= 90 {
        return ocr_typo(rng, s);
    }
    char_typo(rng, s)
}

/// A typo in an address line: in the house number or in a word of the street.
pub(crate) fn address_typo(rng: &mut SmallRng, line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let number_idx = words
        .iter()
        .position(|w| w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty());
    let alpha: Vec<usize> = (0..words.len())
        .filter(|&i| words[i].chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .collect();
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    match (number_idx, alpha.is_empty()) {
        (Some(n), _) if rng.gen_bool(0.25) || alpha.is_empty() => out[n] = digit_typo(rng, &out[n]),
        (_, false) => {
            let i = pick(rng, &alpha);
            out[i] = if rng.gen_bool(0.1) {
                ocr_typo(rng, &out[i])
            } else {
                char_typo(rng, &out[i])
            };
        }
        _ => return char_typo(rng, line),
    }
    out.join(" ")
}

/// One digit slip: swap two adjacent digits, or replace one.
pub(crate) fn digit_typo(rng: &mut SmallRng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let digits: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_ascii_digit())
        .collect();
    if digits.is_empty() {
        return s.to_string();
    }
    if digits.len() >= 2 && rng.gen_bool(0.5) {
        let k = rng.gen_range(0..digits.len() - 1);
        let (a, b) = (digits[k], digits[k + 1]);
        if chars[a] != chars[b] {
            chars.swap(a, b);
            return chars.into_iter().collect();
        }
    }
    let i = pick(rng, &digits);
    let old = chars[i];
    while chars[i] == old {
        chars[i] = (b'0' + rng.gen_range(0..10)) as char;
    }
    chars.into_iter().collect()
}

/// A wrong but valid birth date: day and month swapped, a digit wrong, or the year off by one.
pub(crate) fn date_error(rng: &mut SmallRng, d: Date) -> Date {
    for _ in 0..30 {
        let cand = match rng.gen_range(0..100) {
            0..=39 => Date::new(d.y, d.d, d.m),
            40..=59 => {
                let day = digit_typo(rng, &format!("{:02}", d.d))
                    .parse()
                    .unwrap_or(d.d);
                Date::new(d.y, d.m, day)
            }
            60..=69 => {
                let m = digit_typo(rng, &format!("{:02}", d.m))
                    .parse()
                    .unwrap_or(d.m);
                Date::new(d.y, m, d.d)
            }
            70..=84 => Date::new(if rng.gen_bool(0.5) { d.y + 1 } else { d.y - 1 }, d.m, d.d),
            85..=92 => {
                // the last two digits of the year transposed (1985 → 1958)
                let (t, o) = ((d.y / 10) % 10, d.y % 10);
                Date::new(d.y - t * 10 - o + o * 10 + t, d.m, d.d)
            }
            _ => {
                let y = digit_typo(rng, &format!("{:04}", d.y))
                    .parse()
                    .unwrap_or(d.y);
                Date::new(y, d.m, d.d)
            }
        };
        if let Some(c) = cand
            && c != d
            && c.y > 1901
            && c.y <= REF_YEAR
            && !(c.y == REF_YEAR && c.m > 6)
        {
            return c;
        }
    }
    // fall back to a neighbouring day
    Date::new(d.y, d.m, if d.d > 1 { d.d - 1 } else { 2 }).unwrap_or(d)
}
