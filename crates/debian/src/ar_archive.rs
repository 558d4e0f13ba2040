//! A streaming reader for the `ar` archives that `.deb` files are.
//!
//! Format: the signature `!<arch>\n`, then per member a 60-byte header (name 16, mtime 12,
//! uid 6, gid 6, mode 8, decimal size 10, magic "`\n") and the body, padded with `\n` to an
//! even length. Members are visited in order and their bodies are read through
//! [`ArReader`]'s own [`Read`] impl; whatever a caller does not read is skipped (still
//! passing through the underlying reader, so a hashing reader below sees every byte).

use std::io::{self, Read};

use crate::deb_error::DebError;

const SIGNATURE: &[u8; 8] = b"!<arch>\n";
const HEADER_LEN: usize = 60;

/// One member's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArMember {
    pub(crate) name: String,
    pub(crate) size: u64,
}

/// What went wrong underneath while a member body was being read, so that errors surfacing
/// through decompressors can be told apart from corrupt content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InnerFailure {
    EndedEarly,
    Io,
}

pub(crate) struct ArReader<R> {
    inner: R,
    offset: u64,
    current: Option<String>,
    remaining: u64,
    padding: bool,
    failure: Option<InnerFailure>,
}

impl<R: Read> ArReader<R> {
    /// Reads and checks the signature.
    pub(crate) fn new(mut inner: R) -> Result<Self, DebError> {
        let mut signature = [0u8; SIGNATURE.len()];
        let got = read_full(&mut inner, &mut signature).map_err(DebError::Io)?;
        if got < signature.len() {
            return if signature[..got] == SIGNATURE[..got] {
                Err(DebError::Truncated {
                    within: "the ar signature".into(),
                })
            } else {
                Err(DebError::NotArArchive)
            };
        }
        if &signature != SIGNATURE {
            return Err(DebError::NotArArchive);
        }
        Ok(Self {
            inner,
            offset: SIGNATURE.len() as u64,
            current: None,
            remaining: 0,
            padding: false,
            failure: None,
        })
    }

    /// Skips the rest of the current member and reads the next header; `None` at the end.
    pub(crate) fn next_member(&mut self) -> Result<Option<ArMember>, DebError> {
        self.skip_rest_of_member()?;
        let header_offset = self.offset;
        let mut header = [0u8; HEADER_LEN];
        let got = read_full(&mut self.inner, &mut header).map_err(DebError::Io)?;
        self.offset += got as u64;
        if got == 0 {
            return Ok(None);
        }
        if got < HEADER_LEN {
            return Err(DebError::Truncated {
                within: format!("the ar member header at byte {header_offset}"),
            });
        }
        let member = parse_header(&header).map_err(|reason| DebError::MalformedArHeader {
            offset: header_offset,
            reason: reason.to_owned(),
        })?;
        self.current = Some(member.name.clone());
        self.remaining = member.size;
        self.padding = member.size % 2 == 1;
        Ok(Some(member))
    }

    /// What failed underneath during the last body read, if anything did.
    pub(crate) fn inner_failure(&self) -> Option<InnerFailure> {
        self.failure
    }

    fn skip_rest_of_member(&mut self) -> Result<(), DebError> {
        if self.remaining > 0 {
            io::copy(self, &mut io::sink()).map_err(|err| self.classify(err))?;
        }
        if std::mem::take(&mut self.padding) {
            // ar pads odd bodies to an even length, the last one too (dpkg-deb and GNU ar
            // both write it), so a missing pad byte means a cut-off file.
            let mut pad = [0u8; 1];
            if read_full(&mut self.inner, &mut pad).map_err(DebError::Io)? == 0 {
                return Err(DebError::Truncated {
                    within: format!(
                        "the padding after member {}",
                        self.current.as_deref().unwrap_or("?")
                    ),
                });
            }
            self.offset += 1;
        }
        Ok(())
    }

    /// Turns an error from reading the current body into the [`DebError`] it stands for.
    pub(crate) fn classify(&self, err: io::Error) -> DebError {
        match self.failure {
            Some(InnerFailure::EndedEarly) => DebError::Truncated {
                within: format!("member {}", self.current.as_deref().unwrap_or("?")),
            },
            _ => DebError::Io(err),
        }
    }
}

impl<R: Read> Read for ArReader<R> {
    /// Reads from the current member's body only; 0 at its end.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 || buf.is_empty() {
            return Ok(0);
        }
        let max = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        match self.inner.read(&mut buf[..max]) {
            Ok(0) => {
                self.failure = Some(InnerFailure::EndedEarly);
                Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the .deb ends inside an ar member",
                ))
            }
            Ok(n) => {
                self.remaining -= n as u64;
                self.offset += n as u64;
                Ok(n)
            }
            Err(err) => {
                if err.kind() != io::ErrorKind::Interrupted {
                    self.failure = Some(InnerFailure::Io);
                }
                Err(err)
            }
        }
    }
}

/// Reads until `buf` is full or the input ends; returns how much was read.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(filled)
}

fn parse_header(header: &[u8; HEADER_LEN]) -> Result<ArMember, &'static str> {
    if &header[58..60] != b"`\n" {
        return Err("the header does not end with \"`\\n\"");
    }
    let name = std::str::from_utf8(&header[..16])
        .map_err(|_| "the member name is not UTF-8")?
        .trim_end_matches(' ');
    // GNU ar ends names with `/`; dpkg-deb pads with spaces only.
    let name = name.strip_suffix('/').unwrap_or(name);
    if name.is_empty() {
        return Err("the member name is empty");
    }
    let size = std::str::from_utf8(&header[48..58])
        .ok()
        .map(|s| s.trim_end_matches(' '))
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or("the member size is not a decimal number")?;
    Ok(ArMember {
        name: name.to_owned(),
        size,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds an ar archive by hand, spelling out the header layout independently.
    fn ar(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = b"!<arch>\n".to_vec();
        for (name, body) in members {
            let header = format!(
                "{:<16}{:<12}{:<6}{:<6}{:<8}{:<10}`\n",
                name,
                0,
                0,
                0,
                100644,
                body.len()
            );
            assert_eq!(header.len(), 60);
            out.extend_from_slice(header.as_bytes());
            out.extend_from_slice(body);
            if body.len() % 2 == 1 {
                out.push(b'\n');
            }
        }
        out
    }

    fn names_and_bodies(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, DebError> {
        let mut reader = ArReader::new(bytes)?;
        let mut out = Vec::new();
        while let Some(member) = reader.next_member()? {
            let mut body = Vec::new();
            reader
                .read_to_end(&mut body)
                .map_err(|e| reader.classify(e))?;
            assert_eq!(body.len() as u64, member.size);
            out.push((member.name, body));
        }
        Ok(out)
    }

    #[test]
    fn reads_members_with_odd_and_even_sizes() {
        let bytes = ar(&[
            ("debian-binary", b"2.0\n"),
            ("odd", b"abc"),
            ("gnu/", b"xy"),
        ]);
        let members = names_and_bodies(&bytes).unwrap();
        assert_eq!(
            members,
            vec![
                ("debian-binary".to_string(), b"2.0\n".to_vec()),
                ("odd".to_string(), b"abc".to_vec()),
                ("gnu".to_string(), b"xy".to_vec()),
            ]
        );
    }

    #[test]
    fn skips_unread_bodies() {
        let bytes = ar(&[("a", b"12345"), ("b", b"678")]);
        let mut reader = ArReader::new(&bytes[..]).unwrap();
        assert_eq!(reader.next_member().unwrap().unwrap().name, "a");
        let second = reader.next_member().unwrap().unwrap();
        assert_eq!((second.name.as_str(), second.size), ("b", 3));
        assert!(reader.next_member().unwrap().is_none());
    }

    #[test]
    fn a_missing_final_padding_byte_is_truncation() {
        let mut bytes = ar(&[("a", b"12345"), ("b", b"678")]);
        bytes.pop();
        let err = names_and_bodies(&bytes).unwrap_err();
        assert!(
            matches!(&err, DebError::Truncated { within } if within == "the padding after member b"),
            "{err}"
        );
    }

    #[test]
    fn reports_truncation_where_it_happens() {
        let bytes = ar(&[("a", b"12345678")]);
        let err = names_and_bodies(&bytes[..bytes.len() - 3]).unwrap_err();
        assert!(
            matches!(err, DebError::Truncated { ref within } if within == "member a"),
            "{err}"
        );
        let err = names_and_bodies(&bytes[..30]).unwrap_err();
        assert!(
            matches!(err, DebError::Truncated { ref within } if within.contains("header at byte 8")),
            "{err}"
        );
        let err = names_and_bodies(&bytes[..5]).unwrap_err();
        assert!(matches!(err, DebError::Truncated { .. }), "{err}");
    }

    #[test]
    fn refuses_other_files_and_bad_headers() {
        assert!(matches!(
            ArReader::new(&b"PK\x03\x04 not an ar"[..]),
            Err(DebError::NotArArchive)
        ));
        assert!(matches!(
            ArReader::new(&b""[..]),
            Err(DebError::Truncated { .. })
        ));
        let mut bytes = ar(&[("a", b"12")]);
        bytes[8 + 48] = b'x';
        assert!(matches!(
            names_and_bodies(&bytes),
            Err(DebError::MalformedArHeader { offset: 8, .. })
        ));
        let mut bytes = ar(&[("a", b"12")]);
        bytes[8 + 59] = b' ';
        assert!(matches!(
            names_and_bodies(&bytes),
            Err(DebError::MalformedArHeader { .. })
        ));
    }
}
