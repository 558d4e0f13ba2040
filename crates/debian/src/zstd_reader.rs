//! A zstd decoding reader that also checks the frame's content checksum, which ruzstd
//! computes but leaves to the caller to compare (dpkg-deb's frames carry one).

use std::io::{self, Read};

use ruzstd::decoding::{FrameDecoder, StreamingDecoder};

pub(crate) struct CheckedZstdReader<R: Read> {
    decoder: Option<StreamingDecoder<R, FrameDecoder>>,
}

impl<R: Read> CheckedZstdReader<R> {
    /// Reads the frame header; refuses windows larger than `max_window` bytes.
    pub(crate) fn new(source: R, max_window: u64) -> io::Result<Self> {
        let decoder = StreamingDecoder::new_with_max_window_size(source, max_window)
            .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
        Ok(Self {
            decoder: Some(decoder),
        })
    }
}

impl<R: Read> Read for CheckedZstdReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some(decoder) = self.decoder.as_mut() else {
            return Ok(0);
        };
        let n = decoder.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        // End of the frame: compare the stored checksum with the computed one, once.
        let frame = self
            .decoder
            .take()
            .map(StreamingDecoder::into_frame_decoder);
        if let Some(frame) = frame {
            if let (Some(stored), Some(computed)) = (
                frame.get_checksum_from_data(),
                frame.get_calculated_checksum(),
            ) {
                if stored != computed {
                    return Err(io::Error::new(
                        io::ErrorKind::InvalidData,
                        "zstd content checksum mismatch",
                    ));
                }
            }
        }
        Ok(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// zstd-compresses with the zstd tool (with its default content checksum).
    fn zstd_cli(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut child = Command::new("zstd")
            .args(["-q", "-c", "--check"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("zstd is installed");
        child.stdin.take().unwrap().write_all(data).unwrap();
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success());
        output.stdout
    }

    fn decode(packed: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        CheckedZstdReader::new(packed, 8 << 20)?.read_to_end(&mut out)?;
        Ok(out)
    }

    #[test]
    fn decodes_and_checks_the_content_checksum() {
        let data = b"Package: hello\nVersion: 1.0\n".repeat(50);
        let packed = zstd_cli(&data);
        assert_eq!(decode(&packed).unwrap(), data);

        // The checksum is the frame's last four bytes.
        let mut bad = packed.clone();
        let last = bad.len() - 1;
        bad[last] ^= 0x01;
        let err = decode(&bad).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }
}
