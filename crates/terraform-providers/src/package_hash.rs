//! Terraform's hashes of a provider package (`internal/getproviders/hash.go`), the ones
//! `.terraform.lock.hcl` records and a network mirror lists:
//!
//! - `zh:` — the lowercase hex SHA-256 of the zip file itself (what `SHA256SUMS` lists);
//! - `h1:` — Go's `dirhash` "Hash1": for every file, sorted by name, a line
//!   `<hex sha256 of its contents>  <name>\n`; then `h1:` and the standard base64 of the
//!   SHA-256 of those lines. Names are the raw bytes stored in the zip, as Go takes them.
//!
//! Terraform computes `h1:` two ways that differ for a zip with directory entries (`docs/`):
//! of the unpacked directory (`terraform init` and `terraform providers lock` record this one;
//! a directory is not a file there) and of the zip (`terraform providers mirror` writes this
//! one; `dirhash.HashZip` hashes every entry). [`PackageHashes`] has both; a mirror lists the
//! first, the second when it differs, and `zh:`.
//!
//! All are computed streaming: memory holds the zip's directory and one buffer, whatever the
//! package's size.

use std::io::{self, Read, Seek, SeekFrom};

use base64::Engine;
use sha2::{Digest, Sha256};

/// Unpacked bytes hashed at most per package: far above any real provider (the largest are a
/// few hundred MB), low enough that a zip bomb ends in an error rather than hours of hashing.
pub const MAX_UNPACKED_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// A package's hashes, in the form Terraform writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageHashes {
    /// `h1:…` of the unpacked files: what lock files record.
    pub h1_contents: String,
    /// `h1:…` of every zip entry (Go's `dirhash.HashZip`): what `terraform providers mirror`
    /// records; equal to `h1_contents` unless the zip has directory entries.
    pub h1_archive: String,
    /// `zh:…` (hex SHA-256 of the zip).
    pub zh: String,
}

/// Why a package cannot be hashed (and Terraform could not install it either).
#[derive(Debug, thiserror::Error)]
pub enum PackageHashError {
    /// Reading failed.
    #[error("cannot read the package: {0}")]
    Read(#[from] io::Error),
    /// Not a zip Terraform can open.
    #[error("the package is not a readable zip archive: {0}")]
    NotZip(String),
    /// Two entries of one name: Terraform would hash one of them twice.
    #[error("the package holds two entries of the same name")]
    DuplicateNames,
    /// A name with a line break, which Go's dirhash refuses.
    #[error("the package holds a file name with a line break")]
    LineBreakInName,
    /// Unpacks to more than [`MAX_UNPACKED_BYTES`].
    #[error("the package unpacks to more than {MAX_UNPACKED_BYTES} bytes")]
    TooLarge,
}

impl PackageHashes {
    /// Hashes the zip in `file` (read twice: once whole, once entry by entry).
    pub fn of_zip<R: Read + Seek>(mut file: R) -> Result<Self, PackageHashError> {
        file.seek(SeekFrom::Start(0))?;
        let mut whole = Sha256::new();
        io::copy(&mut file, &mut whole)?;
        let zh = format!("zh:{}", hex::encode(whole.finalize()));
        file.seek(SeekFrom::Start(0))?;
        let (h1_contents, h1_archive) = h1_of_zip(file)?;
        Ok(Self {
            h1_contents,
            h1_archive,
            zh,
        })
    }

    /// The hashes a network mirror lists for this package, in Terraform's notation.
    pub fn listed(&self) -> Vec<String> {
        let mut hashes = vec![self.h1_contents.clone()];
        if self.h1_archive != self.h1_contents {
            hashes.push(self.h1_archive.clone());
        }
        hashes.push(self.zh.clone());
        hashes
    }

    /// The zip hash for a SHA-256 already known (from `SHA256SUMS`).
    pub fn zh_from_sha256_hex(sha256_hex: &str) -> String {
        format!("zh:{}", sha256_hex.to_ascii_lowercase())
    }
}

/// `(h1 of the files, h1 of every entry)`.
fn h1_of_zip<R: Read + Seek>(file: R) -> Result<(String, String), PackageHashError> {
    let not_zip = |error: zip::result::ZipError| PackageHashError::NotZip(error.to_string());
    let mut archive = zip::ZipArchive::new(file).map_err(not_zip)?;
    if archive.has_duplicate_names() {
        return Err(PackageHashError::DuplicateNames);
    }
    let mut entries: Vec<(Vec<u8>, usize)> = archive
        .file_names_raw()
        .enumerate()
        .map(|(index, name)| (name.to_vec(), index))
        .collect();
    if entries.iter().any(|(name, _)| name.contains(&b'\n')) {
        return Err(PackageHashError::LineBreakInName);
    }
    entries.sort();
    let mut contents_summary = Sha256::new();
    let mut archive_summary = Sha256::new();
    let mut unpacked: u64 = 0;
    for (name, index) in entries {
        let mut entry = archive.by_index(index).map_err(not_zip)?;
        let mut contents = Sha256::new();
        // The limit leaves one byte of room to notice a package that goes past it.
        let remaining = MAX_UNPACKED_BYTES - unpacked;
        let copied = io::copy(&mut (&mut entry).take(remaining + 1), &mut contents)?;
        unpacked += copied;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(PackageHashError::TooLarge);
        }
        let line = [
            hex::encode(contents.finalize()).as_bytes(),
            b"  ",
            &name,
            b"\n",
        ]
        .concat();
        archive_summary.update(&line);
        // Unpacked, a directory entry is a directory, and dirhash.HashDir lists files only.
        if !entry.is_dir() {
            contents_summary.update(&line);
        }
    }
    let encode = |summary: Sha256| {
        format!(
            "h1:{}",
            base64::engine::general_purpose::STANDARD.encode(summary.finalize())
        )
    };
    Ok((encode(contents_summary), encode(archive_summary)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored (uncompressed) zip, byte by byte, so the test does not depend on a zip writer.
    fn stored_zip(entries: &[(&[u8], &[u8])]) -> Vec<u8> {
        let mut zip = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let offset = zip.len() as u32;
            let crc = crc32(data);
            let mut local = Vec::new();
            local.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
            local.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
            local.extend_from_slice(&crc.to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(data.len() as u32).to_le_bytes());
            local.extend_from_slice(&(name.len() as u16).to_le_bytes());
            local.extend_from_slice(&0u16.to_le_bytes());
            local.extend_from_slice(name);
            local.extend_from_slice(data);
            zip.extend_from_slice(&local);
            central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
            central.extend_from_slice(&[20, 3, 20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0]);
            central.extend_from_slice(&crc.to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&0o100_755u32.wrapping_shl(16).to_le_bytes());
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name);
        }
        let central_offset = zip.len() as u32;
        zip.extend_from_slice(&central);
        zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        zip.extend_from_slice(&[0, 0, 0, 0]);
        zip.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        zip.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        zip.extend_from_slice(&(central.len() as u32).to_le_bytes());
        zip.extend_from_slice(&central_offset.to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes());
        zip
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for byte in data {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn h1_is_dirhash_hash1_over_sorted_entries() {
        let zip = stored_zip(&[(b"b.txt", b"bee\n"), (b"a.txt", b"ay\n")]);
        let hashes = PackageHashes::of_zip(io::Cursor::new(&zip)).expect("hashes");
        // Computed independently, as Go's dirhash.Hash1 defines it.
        let line =
            |data: &[u8], name: &str| format!("{}  {name}\n", hex::encode(Sha256::digest(data)));
        let summary = format!("{}{}", line(b"ay\n", "a.txt"), line(b"bee\n", "b.txt"));
        let expected =
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(summary.as_bytes()));
        assert_eq!(hashes.h1_archive, format!("h1:{expected}"));
        assert_eq!(
            hashes.h1_contents, hashes.h1_archive,
            "no directory entries"
        );
        assert_eq!(
            hashes.listed(),
            [hashes.h1_contents.clone(), hashes.zh.clone()]
        );
        assert_eq!(
            hashes.zh,
            format!("zh:{}", hex::encode(Sha256::digest(&zip)))
        );
        assert_eq!(
            PackageHashes::zh_from_sha256_hex(&hex::encode_upper(Sha256::digest(&zip))),
            hashes.zh
        );
    }

    #[test]
    fn unusable_packages_are_refused() {
        assert!(matches!(
            PackageHashes::of_zip(io::Cursor::new(b"not a zip".to_vec())),
            Err(PackageHashError::NotZip(_))
        ));
        let twice = stored_zip(&[(b"a", b"1"), (b"a", b"2")]);
        assert!(matches!(
            PackageHashes::of_zip(io::Cursor::new(twice)),
            Err(PackageHashError::DuplicateNames)
        ));
        let newline = stored_zip(&[(b"a\nb", b"1")]);
        assert!(matches!(
            PackageHashes::of_zip(io::Cursor::new(newline)),
            Err(PackageHashError::LineBreakInName)
        ));
        let mut corrupt = stored_zip(&[(b"a", b"12345678")]);
        let data_at = 30 + 1;
        corrupt[data_at] ^= 0xff;
        let error = PackageHashes::of_zip(io::Cursor::new(corrupt)).expect_err("bad crc");
        assert!(
            matches!(
                error,
                PackageHashError::Read(_) | PackageHashError::NotZip(_)
            ),
            "{error}"
        );
    }
}
