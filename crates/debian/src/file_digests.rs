//! Size and checksums of a whole file, as `Packages` stanzas list them.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::hashing_reader::HashingReader;
use crate::hex::{is_lower_hex, to_hex};

/// Size and lowercase-hex digests of a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileDigests {
    /// Size in bytes.
    pub size: u64,
    /// MD5 (listed as `MD5sum`; apt still reads it, nothing trusts it).
    pub md5: String,
    /// SHA-1 (listed as `SHA1`, for old tools).
    pub sha1: String,
    /// SHA-256.
    pub sha256: String,
    /// SHA-512.
    pub sha512: String,
}

impl FileDigests {
    /// Digests of bytes already in memory (index files, test data).
    pub fn of(bytes: &[u8]) -> Self {
        Self {
            size: bytes.len() as u64,
            md5: to_hex(&Md5::digest(bytes)),
            sha1: to_hex(&Sha1::digest(bytes)),
            sha256: to_hex(&Sha256::digest(bytes)),
            sha512: to_hex(&Sha512::digest(bytes)),
        }
    }

    /// Digests of everything `reader` yields, read in one streaming pass (a pool file that
    /// may already be there).
    pub fn read(reader: impl std::io::Read) -> std::io::Result<Self> {
        let mut hashing = HashingReader::new(reader);
        std::io::copy(&mut hashing, &mut std::io::sink())?;
        Ok(hashing.finish())
    }

    /// Why these digests cannot be written into an index, if they cannot: each must be
    /// lowercase hex of its algorithm's length.
    pub(crate) fn check(&self) -> Result<(), String> {
        for (name, value, len) in [
            ("MD5sum", &self.md5, 32),
            ("SHA1", &self.sha1, 40),
            ("SHA256", &self.sha256, 64),
            ("SHA512", &self.sha512, 128),
        ] {
            if !is_lower_hex(value, len) {
                return Err(format!(
                    "{name} must be {len} lowercase hex digits, got {value:?}"
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Published test vectors for "abc" (RFC 1321, FIPS 180-2).
    #[test]
    fn digests_of_abc_match_the_standard_vectors() {
        let d = FileDigests::of(b"abc");
        assert_eq!(d.size, 3);
        assert_eq!(d.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(d.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            d.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(d.sha512.starts_with("ddaf35a193617aba"));
        assert!(d.check().is_ok());
    }

    #[test]
    fn reading_gives_the_same_digests_as_bytes_in_memory() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(
            FileDigests::read(&bytes[..]).unwrap(),
            FileDigests::of(&bytes)
        );
    }

    #[test]
    fn check_refuses_wrong_lengths_and_case() {
        let mut d = FileDigests::of(b"abc");
        d.sha256 = d.sha256.to_uppercase();
        assert!(d.check().unwrap_err().contains("SHA256"));
        let mut d = FileDigests::of(b"abc");
        d.md5.pop();
        assert!(d.check().unwrap_err().contains("MD5sum"));
    }
}
