//! The fingerprint of the key that signs the APT repository, read from `public.key`, so a
//! page can show what `gpg --show-keys` would print.
//!
//! Computed here (RFC 4880 §12.2 for v4 keys, RFC 9580 §5.5.4 for v6) rather than with rPGP,
//! which `release-signing` uses to sign: pulling rPGP into the catalogue component would
//! nearly double its size, and every wharf start compiles every component. Only the first
//! packet, the primary key, is read; nothing here checks signatures.

use base64::Engine;
use sha1::{Digest, Sha1};

/// Why no fingerprint could be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("public.key is not an OpenPGP public key: {0}")]
pub struct KeyError(&'static str);

/// The primary key's fingerprint, uppercase hex, of a public key armored (`public.key`,
/// `.asc`) or binary (a `.gpg` keyring).
pub fn public_key_fingerprint(bytes: &[u8]) -> Result<String, KeyError> {
    let binary = if looks_armored(bytes) {
        dearmor(bytes)?
    } else {
        bytes.to_vec()
    };
    let (tag, body) = first_packet(&binary)?;
    if tag != 6 {
        return Err(KeyError("its first packet is not a public key"));
    }
    let digest: Vec<u8> = match body.first() {
        Some(4) => {
            let length =
                u16::try_from(body.len()).map_err(|_| KeyError("the key packet is too long"))?;
            let mut hasher = Sha1::new();
            hasher.update([0x99]);
            hasher.update(length.to_be_bytes());
            hasher.update(body);
            hasher.finalize().to_vec()
        }
        Some(6) => {
            let length =
                u32::try_from(body.len()).map_err(|_| KeyError("the key packet is too long"))?;
            let mut hasher = sha2::Sha256::new();
            hasher.update([0x9B]);
            hasher.update(length.to_be_bytes());
            hasher.update(body);
            hasher.finalize().to_vec()
        }
        _ => return Err(KeyError("only version 4 and 6 keys are read")),
    };
    Ok(digest.iter().map(|byte| format!("{byte:02X}")).collect())
}

fn looks_armored(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|start| bytes[start..].starts_with(b"-----BEGIN PGP PUBLIC KEY BLOCK-----"))
}

/// The bytes inside ASCII armor: after the header lines and the blank line, up to the
/// checksum (`=XXXX`) or the END line.
fn dearmor(bytes: &[u8]) -> Result<Vec<u8>, KeyError> {
    let text = std::str::from_utf8(bytes).map_err(|_| KeyError("the armor is not text"))?;
    let mut lines = text
        .lines()
        .map(str::trim)
        .skip_while(|line| !line.starts_with("-----BEGIN"));
    lines.next();
    // Armor headers ("Comment: …") end at the first blank line.
    let mut body = String::new();
    let mut in_headers = true;
    for line in lines {
        if line.starts_with("-----END") || line.starts_with('=') {
            break;
        }
        if in_headers {
            if line.is_empty() {
                in_headers = false;
            } else if !line.contains(": ") {
                in_headers = false;
                body.push_str(line);
            }
            continue;
        }
        body.push_str(line);
    }
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .map_err(|_| KeyError("the armor is not base64"))
}

/// The first packet's tag and body (RFC 4880 §4.2, old and new formats; partial lengths
/// are not used for keys).
fn first_packet(bytes: &[u8]) -> Result<(u8, &[u8]), KeyError> {
    let truncated = KeyError("the key packet is cut short");
    let header = *bytes.first().ok_or(truncated.clone())?;
    if header & 0x80 == 0 {
        return Err(KeyError("it does not start with a packet"));
    }
    let (tag, length, start) = if header & 0x40 != 0 {
        let tag = header & 0x3F;
        let first = *bytes.get(1).ok_or(truncated.clone())? as usize;
        match first {
            0..=191 => (tag, first, 2),
            192..=223 => {
                let second = *bytes.get(2).ok_or(truncated.clone())? as usize;
                (tag, ((first - 192) << 8) + second + 192, 3)
            }
            255 => (tag, be_length(bytes.get(2..6).ok_or(truncated.clone())?), 6),
            _ => return Err(KeyError("the key packet has a partial length")),
        }
    } else {
        let tag = (header >> 2) & 0x0F;
        match header & 0x03 {
            0 => (tag, *bytes.get(1).ok_or(truncated.clone())? as usize, 2),
            1 => (tag, be_length(bytes.get(1..3).ok_or(truncated.clone())?), 3),
            2 => (tag, be_length(bytes.get(1..5).ok_or(truncated.clone())?), 5),
            _ => return Err(KeyError("the key packet has an indeterminate length")),
        }
    };
    let body = bytes.get(start..start + length).ok_or(truncated)?;
    Ok((tag, body))
}

fn be_length(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .fold(0usize, |length, byte| (length << 8) | usize::from(*byte))
}

#[cfg(test)]
mod tests {
    use rand_chacha::rand_core::SeedableRng;
    use release_signing::SigningKey;

    use super::*;

    fn key(seed: u64) -> SigningKey {
        SigningKey::generate(
            "Wharf Test <apt@example.org>",
            1_700_000_000,
            rand_chacha::ChaCha20Rng::seed_from_u64(seed),
        )
        .expect("a key")
    }

    #[test]
    fn matches_rpgp_for_armored_and_binary_keys() {
        for seed in [1, 2, 3] {
            let key = key(seed);
            let armored = key.public_key_armored().expect("armored");
            assert_eq!(
                public_key_fingerprint(armored.as_bytes()),
                Ok(key.fingerprint())
            );
            let binary = key.public_key_binary().expect("binary");
            assert_eq!(public_key_fingerprint(&binary), Ok(key.fingerprint()));
        }
    }

    #[test]
    fn the_sample_registry_key_reads() {
        let sample = include_bytes!("../../../registry/apt/public.key");
        let fingerprint = public_key_fingerprint(sample).expect("the sample key");
        assert_eq!(fingerprint.len(), 40);
        assert!(fingerprint.bytes().all(|byte| byte.is_ascii_hexdigit()));
    }

    #[test]
    fn anything_else_is_refused() {
        for bytes in [
            &b""[..],
            b"not a key",
            b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!!\n-----END PGP PUBLIC KEY BLOCK-----\n",
            &[0x99, 0x00],
            &[0xC6, 0x05, 4, 1],
            &[0xC2, 0x01, 4],
        ] {
            assert!(public_key_fingerprint(bytes).is_err(), "{bytes:?}");
        }
    }
}
