//! Deterministic compression of index files (`Packages.gz`, `Packages.xz`).
//!
//! Deterministic matters: the by-hash file names come from the compressed bytes, so the
//! same index must always compress to the same bytes.

use std::io::{self, Write};

use flate2::{Compression, GzBuilder};
use lzma_rust2::{XzOptions, XzWriter, DICT_SIZE_MIN};

/// Why compressing failed.
#[derive(Debug, thiserror::Error)]
pub enum CompressionError {
    /// The xz encoder reported an error.
    #[error("xz compression failed: {0}")]
    Xz(io::Error),
}

/// gzip at level 9 with no file name and modification time 0, like `gzip -9n`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = GzBuilder::new()
        .mtime(0)
        .write(Vec::with_capacity(data.len() / 3 + 64), Compression::best());
    // Writing into a Vec cannot fail: the only error source is the sink.
    let written = encoder.write_all(data);
    written
        .and_then(|()| encoder.finish())
        .expect("gzip into a Vec<u8> cannot fail")
}

/// xz (preset 6, CRC64 check, as `xz -6` writes) in pure Rust.
///
/// The dictionary is shrunk to the data's size: the output stays the same quality, and
/// decoders (apt's liblzma) then allocate only that much.
pub fn xz(data: &[u8]) -> Result<Vec<u8>, CompressionError> {
    let mut options = XzOptions::with_preset(6);
    let needed = u32::try_from(data.len())
        .unwrap_or(u32::MAX)
        .checked_next_power_of_two()
        .unwrap_or(u32::MAX);
    options.lzma_options.dict_size = options
        .lzma_options
        .dict_size
        .min(needed.max(DICT_SIZE_MIN));
    let mut writer = XzWriter::new(Vec::with_capacity(data.len() / 4 + 64), options)
        .map_err(CompressionError::Xz)?;
    writer.write_all(data).map_err(CompressionError::Xz)?;
    writer.finish().map_err(CompressionError::Xz)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample() -> Vec<u8> {
        let mut text = String::new();
        for i in 0..2000 {
            text.push_str(&format!(
                "Package: pkg{i}\nVersion: 1.{i}\nArchitecture: amd64\n\n"
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn gzip_round_trips_and_is_deterministic() {
        let data = sample();
        let packed = gzip(&data);
        assert!(packed.len() < data.len() / 4);
        assert_eq!(packed, gzip(&data));
        // RFC 1952 header: magic, deflate, no flags (no name), mtime 0.
        assert_eq!(&packed[..8], &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0]);
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(&packed[..])
            .read_to_end(&mut unpacked)
            .unwrap();
        assert_eq!(unpacked, data);
    }

    #[test]
    fn xz_round_trips_and_is_deterministic() {
        for data in [sample(), Vec::new(), b"x".to_vec()] {
            let packed = xz(&data).unwrap();
            assert_eq!(packed, xz(&data).unwrap());
            // xz stream header magic.
            assert_eq!(&packed[..6], b"\xfd7zXZ\x00");
            let mut unpacked = Vec::new();
            lzma_rust2::XzReader::new(&packed[..], false)
                .read_to_end(&mut unpacked)
                .unwrap();
            assert_eq!(unpacked, data);
        }
        let data = sample();
        assert!(xz(&data).unwrap().len() < data.len() / 4);
    }
}
