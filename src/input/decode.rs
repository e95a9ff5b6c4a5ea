//! Byte decoding shared by the file readers: BOM handling, UTF-16, lossy UTF-8 with a warning, and
//! binary-file detection.

/// How many leading bytes are inspected to decide whether a file is binary.
pub(crate) const SNIFF_LEN: usize = 8 * 1024;

/// The outcome of decoding a file's bytes.
#[derive(Debug, PartialEq)]
pub(crate) enum Decoded {
    /// Text (BOM removed) and any non-fatal warnings.
    Text { text: String, warnings: Vec<String> },
    /// The file is empty or whitespace only.
    Empty,
    /// The file does not look like text.
    Binary,
}

/// Decode a whole file: UTF-8 (BOM stripped), UTF-16 with a BOM, or lossy UTF-8 with a warning.
pub(crate) fn decode_bytes(bytes: &[u8]) -> Decoded {
    let decoded = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        decode_utf16(rest, false)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        decode_utf16(rest, true)
    } else {
        let (body, offset) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
            Some(rest) => (rest, 3),
            None => (bytes, 0),
        };
        if looks_binary(&body[..body.len().min(SNIFF_LEN)]) {
            return Decoded::Binary;
        }
        let (text, warning) = decode_utf8_lossy(body, offset);
        (text, warning.into_iter().collect())
    };
    let (text, warnings) = decoded;
    if text.trim().is_empty() {
        Decoded::Empty
    } else {
        Decoded::Text { text, warnings }
    }
}

/// Decode UTF-8, replacing invalid sequences. The warning names the first invalid byte, counted from
/// `offset` (the position of `bytes` in the file).
pub(crate) fn decode_utf8_lossy(bytes: &[u8], offset: usize) -> (String, Option<String>) {
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), None),
        Err(e) => {
            let at = offset + e.valid_up_to();
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(format!(
                    "invalid UTF-8 at byte {at} decoded with replacement characters"
                )),
            )
        }
    }
}

fn decode_utf16(bytes: &[u8], big_endian: bool) -> (String, Vec<String>) {
    let units = bytes.chunks_exact(2).map(|pair| {
        let arr = [pair[0], pair.get(1).copied().unwrap_or(0)];
        if big_endian {
            u16::from_be_bytes(arr)
        } else {
            u16::from_le_bytes(arr)
        }
    });
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut bad = 0usize;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => text.push(c),
            Err(_) => {
                bad += 1;
                text.push(char::REPLACEMENT_CHARACTER);
            }
        }
    }
    let name = if big_endian { "UTF-16BE" } else { "UTF-16LE" };
    let mut warnings = vec![format!(
        "converted from {name} (byte order mark) to UTF-8; offsets index the converted text"
    )];
    if bad > 0 || bytes.len() % 2 == 1 {
        warnings.push(format!(
            "invalid {name}: {} unpaired surrogate(s) or trailing byte decoded with replacement characters",
            bad + bytes.len() % 2
        ));
        if bytes.len() % 2 == 1 {
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    (text, warnings)
}

/// A sample is binary when it contains a NUL byte, or when more than 30% of it is control characters
/// (other than tab, newline, carriage return, form feed, vertical tab and escape) or invalid UTF-8.
pub(crate) fn looks_binary(sample: &[u8]) -> bool {
    if sample.is_empty() {
        return false;
    }
    if sample.contains(&0) {
        return true;
    }
    let controls = sample
        .iter()
        .filter(|&&b| {
            (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B)) || b == 0x7F
        })
        .count();
    let mut invalid = 0usize;
    let mut rest = sample;
    while let Err(e) = std::str::from_utf8(rest) {
        match e.error_len() {
            Some(n) => {
                invalid += n;
                rest = &rest[e.valid_up_to() + n..];
            }
            // An incomplete sequence at the end of the sample (cut mid-character): not evidence.
            None => break,
        }
    }
    (controls + invalid) * 10 > sample.len() * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode_bytes(b"\xEF\xBB\xBFHello\nworld");
        assert_eq!(
            d,
            Decoded::Text {
                text: "Hello\nworld".into(),
                warnings: vec![]
            }
        );
    }

    #[test]
    fn invalid_utf8_is_lossy_with_warning() {
        let d = decode_bytes(b"Caf\xE9 society\n");
        let Decoded::Text { text, warnings } = d else {
            panic!("expected text")
        };
        assert_eq!(text, "Caf\u{FFFD} society\n");
        assert_eq!(
            warnings,
            vec!["invalid UTF-8 at byte 3 decoded with replacement characters".to_string()]
        );
    }

    #[test]
    fn invalid_utf8_offset_counts_the_bom() {
        let Decoded::Text { warnings, .. } = decode_bytes(b"\xEF\xBB\xBFab\xFFcd") else {
            panic!()
        };
        assert_eq!(
            warnings,
            vec!["invalid UTF-8 at byte 5 decoded with replacement characters".to_string()]
        );
    }

    #[test]
    fn utf16_le_and_be() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "Héllo “x” 𝄞".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let Decoded::Text { text, warnings } = decode_bytes(&bytes) else {
                panic!()
            };
            assert_eq!(text, "Héllo “x” 𝄞");
            assert_eq!(warnings.len(), 1);
            assert!(warnings[0].contains(name), "{warnings:?}");
        }
    }

    #[test]
    fn utf16_odd_length_and_lone_surrogate() {
        let bytes = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0, b'c'];
        let Decoded::Text { text, warnings } = decode_bytes(&bytes) else {
            panic!()
        };
        assert_eq!(text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn empty_and_whitespace() {
        assert_eq!(decode_bytes(b""), Decoded::Empty);
        assert_eq!(decode_bytes(b" \n\t\r\n "), Decoded::Empty);
        assert_eq!(decode_bytes(b"\xEF\xBB\xBF"), Decoded::Empty);
        assert_eq!(decode_bytes(b"\xFF\xFE"), Decoded::Empty);
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = decode_bytes(&bytes);
        }
    }

    #[test]
    fn binary_detection() {
        assert_eq!(decode_bytes(b"abc\0def"), Decoded::Binary);
        let noise: Vec<u8> = (0..4000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 0x80)
            .collect();
        assert_eq!(decode_bytes(&noise), Decoded::Binary);
        let controls: Vec<u8> = b"\x01\x02\x03ab".repeat(100);
        assert_eq!(decode_bytes(&controls), Decoded::Binary);
        // Mostly text with a few Latin-1 bytes is text, not binary.
        assert!(matches!(
            decode_bytes(b"R\xE9sum\xE9 of the caf\xE9 meeting in the old town hall"),
            Decoded::Text { .. }
        ));
        // A multibyte character cut at the sniff boundary is not evidence of binary.
        let mut s = "a".repeat(SNIFF_LEN - 1).into_bytes();
        s.extend_from_slice("é".as_bytes());
        assert!(!looks_binary(&s[..SNIFF_LEN]));
    }
}
