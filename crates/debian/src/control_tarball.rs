//! The control member of a `.deb`: which compression it uses, and pulling the `control` file
//! out of it while streaming.

use std::cell::Cell;
use std::io::{self, BufReader, Read};
use std::rc::Rc;

use crate::deb_error::DebError;
use crate::zstd_reader::CheckedZstdReader;

/// The largest control file accepted. Real ones are a few KiB; the cap keeps a hostile
/// `.deb` from making the reader buffer gigabytes.
pub(crate) const CONTROL_FILE_LIMIT: u64 = 4 * 1024 * 1024;

/// The largest decompressed control tarball accepted. Its biggest part is `md5sums` (about
/// 100 bytes per file in the package), so this allows packages of several hundred thousand
/// files.
pub(crate) const CONTROL_TARBALL_LIMIT: u64 = 64 * 1024 * 1024;

/// Decoder memory caps: generous for what dpkg-deb produces (xz -9 needs 65 MiB, zstd's
/// default window is at most 8 MiB), low enough to refuse hostile headers.
const XZ_MEMORY_LIMIT_KIB: u32 = 80 * 1024;
const ZSTD_MAX_WINDOW: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ControlCompression {
    None,
    Gzip,
    Xz,
    Zstd,
}

impl ControlCompression {
    /// `Ok(None)` for members that are not the control tarball; an error for a control
    /// tarball in a compression dpkg does not write (bzip2, lzma).
    pub(crate) fn from_member_name(name: &str) -> Result<Option<Self>, DebError> {
        let compression = match name {
            "control.tar" => Self::None,
            "control.tar.gz" => Self::Gzip,
            "control.tar.xz" => Self::Xz,
            "control.tar.zst" => Self::Zstd,
            other if other.starts_with("control.tar") => {
                return Err(DebError::UnsupportedControlCompression {
                    member: other.to_owned(),
                })
            }
            _ => return Ok(None),
        };
        Ok(Some(compression))
    }
}

/// Why the control file could not be taken out of the control member.
#[derive(Debug)]
pub(crate) enum ExtractError {
    /// Reading, decompressing or untarring failed (the caller tells corruption from
    /// truncation by asking the ar reader).
    Read(io::Error),
    /// The `control` entry is larger than [`CONTROL_FILE_LIMIT`].
    ControlFileTooLarge,
    /// The decompressed tarball is larger than [`CONTROL_TARBALL_LIMIT`].
    TarballTooLarge,
}

/// Decompresses `compressed` and returns the bytes of its `control` (or `./control`) entry,
/// `Ok(None)` when the tarball has none. The whole member is decompressed, so the
/// compression's own checksum (gzip CRC, xz check, zstd checksum) is verified before the
/// control file is trusted.
pub(crate) fn read_control_file(
    compressed: impl Read,
    compression: ControlCompression,
) -> Result<Option<Vec<u8>>, ExtractError> {
    match compression {
        ControlCompression::None => find_control(compressed),
        ControlCompression::Gzip => find_control(flate2::read::GzDecoder::new(compressed)),
        ControlCompression::Xz => find_control(lzma_rust2::XzReader::new_mem_limit(
            BufReader::new(compressed),
            false,
            XZ_MEMORY_LIMIT_KIB,
        )),
        ControlCompression::Zstd => find_control(
            CheckedZstdReader::new(compressed, ZSTD_MAX_WINDOW).map_err(ExtractError::Read)?,
        ),
    }
}

fn find_control(tarball: impl Read) -> Result<Option<Vec<u8>>, ExtractError> {
    let exceeded = Rc::new(Cell::new(false));
    let capped = CappedReader {
        inner: tarball,
        left: CONTROL_TARBALL_LIMIT,
        exceeded: Rc::clone(&exceeded),
    };
    let read_error = |err| {
        if exceeded.get() {
            ExtractError::TarballTooLarge
        } else {
            ExtractError::Read(err)
        }
    };

    let mut archive = tar::Archive::new(capped);
    let mut control = None;
    for entry in archive.entries().map_err(read_error)? {
        let entry = entry.map_err(read_error)?;
        if control.is_some() || !is_control_entry(&entry) {
            continue; // the tar reader skips the entry's data on the next step
        }
        let mut content = Vec::new();
        entry
            .take(CONTROL_FILE_LIMIT + 1)
            .read_to_end(&mut content)
            .map_err(read_error)?;
        if content.len() as u64 > CONTROL_FILE_LIMIT {
            return Err(ExtractError::ControlFileTooLarge);
        }
        control = Some(content);
    }
    // Read past the end-of-archive blocks to the end of the stream: decoders check their
    // checksum only there.
    io::copy(&mut archive.into_inner(), &mut io::sink()).map_err(read_error)?;
    Ok(control)
}

fn is_control_entry<R: Read>(entry: &tar::Entry<'_, R>) -> bool {
    let path = entry.path_bytes();
    let mut name: &[u8] = &path;
    while let Some(rest) = name.strip_prefix(b"./") {
        name = rest;
    }
    name == b"control" && entry.header().entry_type().is_file()
}

/// Fails once more than `left` bytes have been read, so a decompression bomb costs bounded
/// time; the shared flag tells that failure apart once it surfaces through the tar reader.
struct CappedReader<R> {
    inner: R,
    left: u64,
    exceeded: Rc<Cell<bool>>,
}

impl<R: Read> Read for CappedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n as u64) {
            Some(left) => {
                self.left = left;
                Ok(n)
            }
            None => {
                self.exceeded.set(true);
                Err(io::Error::other(
                    "the decompressed control tarball is too large",
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_member_names() {
        assert_eq!(
            ControlCompression::from_member_name("control.tar.xz").unwrap(),
            Some(ControlCompression::Xz)
        );
        assert_eq!(
            ControlCompression::from_member_name("control.tar").unwrap(),
            Some(ControlCompression::None)
        );
        assert_eq!(
            ControlCompression::from_member_name("data.tar.xz").unwrap(),
            None
        );
        assert!(matches!(
            ControlCompression::from_member_name("control.tar.bz2"),
            Err(DebError::UnsupportedControlCompression { .. })
        ));
    }

    fn tar_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, data) in entries {
            let mut header = tar::Header::new_gnu();
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, *data).unwrap();
        }
        builder.into_inner().unwrap()
    }

    #[test]
    fn finds_control_with_or_without_dot_slash() {
        let plain = tar_with(&[("md5sums", b"x"), ("control", b"Package: a\n")]);
        assert_eq!(
            read_control_file(&plain[..], ControlCompression::None).unwrap(),
            Some(b"Package: a\n".to_vec())
        );
        let dotted = tar_with(&[("./control", b"Package: b\n")]);
        assert_eq!(
            read_control_file(&dotted[..], ControlCompression::None).unwrap(),
            Some(b"Package: b\n".to_vec())
        );
        let without = tar_with(&[("./postinst", b"#!/bin/sh\n"), ("./controls", b"no")]);
        assert_eq!(
            read_control_file(&without[..], ControlCompression::None).unwrap(),
            None
        );
    }

    #[test]
    fn refuses_oversized_control_files_and_tarballs() {
        let big = vec![b'a'; (CONTROL_FILE_LIMIT + 1) as usize];
        let tarball = tar_with(&[("control", &big)]);
        assert!(matches!(
            read_control_file(&tarball[..], ControlCompression::None),
            Err(ExtractError::ControlFileTooLarge)
        ));
        // A small compressed member that inflates past the tarball cap.
        let zeros = vec![0u8; (CONTROL_TARBALL_LIMIT + 4096) as usize];
        let bomb = crate::compression::gzip(&zeros);
        assert!(bomb.len() < 1024 * 1024);
        assert!(matches!(
            read_control_file(&bomb[..], ControlCompression::Gzip),
            Err(ExtractError::TarballTooLarge)
        ));
    }

    #[test]
    fn corruption_after_the_control_entry_is_still_caught() {
        let tarball = tar_with(&[("control", b"Package: a\n"), ("md5sums", &[b'x'; 5000])]);
        let mut packed = crate::compression::gzip(&tarball);
        // The CRC32 in the gzip trailer covers everything, control included.
        let crc = packed.len() - 8;
        packed[crc] ^= 0xff;
        assert!(matches!(
            read_control_file(&packed[..], ControlCompression::Gzip),
            Err(ExtractError::Read(_))
        ));
    }

    #[test]
    fn corrupt_compressed_data_is_an_error() {
        for compression in [
            ControlCompression::Gzip,
            ControlCompression::Xz,
            ControlCompression::Zstd,
        ] {
            let garbage = b"this is not compressed data at all, not even close".repeat(20);
            assert!(
                matches!(
                    read_control_file(&garbage[..], compression),
                    Err(ExtractError::Read(_))
                ),
                "{compression:?}"
            );
        }
    }
}
