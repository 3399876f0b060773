//! Booking codes: what identifies a sitting or booking on schedules, door lists
//! and in e-mail, instead of a personal identity number.
//!
//! Six characters from an alphabet without look-alikes (no 0/O, 1/I/L, no U
//! so that no rude words appear by accident), grouped 3-3 for reading aloud:
//! `K7M-4QX`. 30^6 ≈ 729 million codes; uniqueness per centre is enforced by
//! the database and a clash is retried.

use rand::Rng;

pub const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";

pub fn generate() -> String {
    generate_with(&mut rand::thread_rng())
}

pub fn generate_with(rng: &mut impl Rng) -> String {
    let mut code = String::with_capacity(7);
    for i in 0..6 {
        if i == 3 {
            code.push('-');
        }
        let c = ALPHABET[rng.gen_range(0..ALPHABET.len())];
        code.push(c as char);
    }
    code
}

/// Accepts what a person types: any case, with or without the hyphen or
/// spaces. Characters outside the alphabet are refused rather than guessed at.
pub fn normalise(input: &str) -> Option<String> {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if chars.len() != 6 || !chars.iter().all(|c| ALPHABET.contains(&(*c as u8))) {
        return None;
    }
    let s: String = chars.into_iter().collect();
    Some(format!("{}-{}", &s[..3], &s[3..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_have_the_documented_shape() {
        for _ in 0..1000 {
            let code = generate();
            assert_eq!(code.len(), 7);
            assert_eq!(&code[3..4], "-");
            assert_eq!(normalise(&code).as_deref(), Some(code.as_str()));
        }
    }

    #[test]
    fn normalise_accepts_typing_variants_and_refuses_lookalikes() {
        assert_eq!(normalise("k7m4qx").as_deref(), Some("K7M-4QX"));
        assert_eq!(normalise(" K7M - 4QX ").as_deref(), Some("K7M-4QX"));
        assert_eq!(normalise("K0M-4QX"), None);
        assert_eq!(normalise("K7M-4Q"), None);
    }
}
