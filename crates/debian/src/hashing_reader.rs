//! A reader that digests every byte that passes through it, so a `.deb` is hashed in the same
//! single pass that parses it.

use std::io::{self, Read};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::file_digests::FileDigests;
use crate::hex::to_hex;

pub(crate) struct HashingReader<R> {
    inner: R,
    size: u64,
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
    sha512: Sha512,
}

impl<R: Read> HashingReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        Self {
            inner,
            size: 0,
            md5: Md5::new(),
            sha1: Sha1::new(),
            sha256: Sha256::new(),
            sha512: Sha512::new(),
        }
    }

    /// The digests of everything read so far.
    pub(crate) fn finish(self) -> FileDigests {
        FileDigests {
            size: self.size,
            md5: to_hex(&self.md5.finalize()),
            sha1: to_hex(&self.sha1.finalize()),
            sha256: to_hex(&self.sha256.finalize()),
            sha512: to_hex(&self.sha512.finalize()),
        }
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let chunk = &buf[..n];
        self.md5.update(chunk);
        self.sha1.update(chunk);
        self.sha256.update(chunk);
        self.sha512.update(chunk);
        self.size += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_equal_those_of_the_whole_input_however_it_is_read() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let mut reader = HashingReader::new(&data[..]);
        let mut small = [0u8; 7];
        let mut seen = 0;
        while seen < 1000 {
            seen += reader.read(&mut small).unwrap();
        }
        io::copy(&mut reader, &mut io::sink()).unwrap();
        assert_eq!(reader.finish(), FileDigests::of(&data));
    }
}
