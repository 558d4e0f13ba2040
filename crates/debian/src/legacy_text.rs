//! Control files from before UTF-8 was the rule. dpkg-deb builds them and apt-ftparchive passes
//! their bytes through; wharf reads every byte that is not part of valid UTF-8 as Windows-1252
//! (Latin-1, with printable characters where Latin-1 has C1 controls), so a legacy package is
//! indexed instead of failing the run, the index stays UTF-8, and `apt-cache show` prints the
//! characters the packager meant.

/// Windows-1252's characters for 0x80..=0x9F; the five bytes it leaves undefined keep their
/// Latin-1 meaning (C1 controls), so every byte still maps to exactly one character.
const WINDOWS_1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// The text of `bytes`, and whether any byte had to be read as Windows-1252. Valid UTF-8 runs
/// are kept as they are, so a mostly-UTF-8 file with one stray Latin-1 byte keeps its UTF-8.
pub(crate) fn decode_legacy_text(bytes: &[u8]) -> (String, bool) {
    let mut text = String::with_capacity(bytes.len());
    let mut transcoded = false;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        for &byte in chunk.invalid() {
            transcoded = true;
            text.push(windows_1252(byte));
        }
    }
    (text, transcoded)
}

fn windows_1252(byte: u8) -> char {
    match byte {
        0x80..=0x9F => WINDOWS_1252_HIGH[usize::from(byte - 0x80)],
        // Latin-1 and Unicode agree on every other code point.
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_stays_as_it_is() {
        assert_eq!(
            decode_legacy_text("José Müller – ok".as_bytes()),
            ("José Müller – ok".to_owned(), false)
        );
    }

    #[test]
    fn latin1_bytes_become_their_characters() {
        // "José Müller" in Latin-1, and Windows-1252's curly quotes and euro sign.
        let (text, transcoded) = decode_legacy_text(b"Jos\xe9 M\xfcller \x93\x80 5\x94 \xa0\xff");
        assert!(transcoded);
        assert_eq!(text, "José Müller \u{201C}€ 5\u{201D} \u{a0}ÿ");
    }

    #[test]
    fn a_stray_byte_in_utf8_does_not_spoil_the_rest() {
        let mut bytes = "Grüße ".as_bytes().to_vec();
        bytes.push(0xe9);
        bytes.extend_from_slice(" fin".as_bytes());
        assert_eq!(decode_legacy_text(&bytes), ("Grüße é fin".to_owned(), true));
    }

    #[test]
    fn undefined_windows_1252_bytes_keep_their_latin1_meaning() {
        let (text, _) = decode_legacy_text(b"\x81\x8d\x8f\x90\x9d");
        assert_eq!(text, "\u{81}\u{8d}\u{8f}\u{90}\u{9d}");
    }
}
