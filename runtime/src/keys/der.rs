//! Just enough DER to read an RSA key's modulus size before any backend sees it, so that a
//! small key is refused as too small, whatever the backend would have said.

/// The RSA key sizes accepted: AlipayHK requires 2048 bits; larger keys work the same way.
pub(crate) const MIN_RSA_BITS: usize = 2048;

/// One TLV: its tag and contents, and what follows it.
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let len = rest[..count]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[count..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;

/// The elements of a SEQUENCE, as (tag, contents).
fn sequence(input: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let (tag, mut contents, _) = element(input)?;
    if tag != SEQUENCE {
        return None;
    }
    let mut items = Vec::new();
    while !contents.is_empty() {
        let (tag, value, rest) = element(contents)?;
        items.push((tag, value));
        contents = rest;
    }
    Some(items)
}

fn bits_of(integer: &[u8]) -> usize {
    let digits = match integer.iter().position(|&b| b != 0) {
        Some(at) => &integer[at..],
        None => return 0,
    };
    (digits.len() - 1) * 8 + (8 - digits[0].leading_zeros() as usize)
}

/// The modulus size in bits of an RSA key in PKCS#8, PKCS#1 (private or public) or
/// SubjectPublicKeyInfo DER; `None` when the bytes are none of these.
pub(crate) fn rsa_modulus_bits(der: &[u8]) -> Option<usize> {
    let items = sequence(der)?;
    match items.as_slice() {
        // PKCS#1 private: version, n, e, d, …
        [(INTEGER, _), (INTEGER, n), (INTEGER, _), ..] => Some(bits_of(n)),
        // PKCS#1 public: n, e
        [(INTEGER, n), (INTEGER, _)] => Some(bits_of(n)),
        // PKCS#8: version, algorithm, the PKCS#1 key in an OCTET STRING
        [(INTEGER, _), (SEQUENCE, _), (OCTET_STRING, key), ..] => rsa_modulus_bits(key),
        // SubjectPublicKeyInfo: algorithm, the PKCS#1 key in a BIT STRING (first byte: unused bits)
        [(SEQUENCE, _), (BIT_STRING, key)] => rsa_modulus_bits(key.get(1..)?),
        _ => None,
    }
}
