//! One cached answer as it is kept in key-value: a one-line header (format version, when the
//! origin last confirmed it, when it expires, its ETag) and the bytes.

/// The largest body kept in key-value. Spin's default store (SQLite) is documented with values
/// of at most 1 MB; the header line fits in what is left of 1 MiB.
pub const MAX_CACHED_BODY_BYTES: usize = 1_000_000;

/// Changes whenever the layout changes; an entry in another layout reads as absent.
const FORMAT: &str = "wharf-cache/1";
/// An ETag travels back as `If-None-Match`; anything longer or odder is not kept.
const MAX_ETAG_BYTES: usize = 200;

/// A cached answer from the origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheEntry {
    /// When the origin last said this is current (a 200 or a 304), Unix seconds.
    pub checked_at: u64,
    /// After this the entry is dead: read as absent, and free to be removed.
    pub expires_at: u64,
    /// The origin's validator, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// What the origin said, in whatever form its reader keeps it.
    pub body: Vec<u8>,
}

impl CacheEntry {
    /// The bytes to store. An ETag that could not be sent back as a header value (or that
    /// would break the header line) is dropped: the next revalidation is then unconditional.
    pub fn encode(&self) -> Vec<u8> {
        let etag = self
            .etag
            .as_deref()
            .filter(|etag| usable_etag(etag))
            .unwrap_or("-");
        let mut bytes =
            format!("{FORMAT} {} {} {etag}\n", self.checked_at, self.expires_at).into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// Reads stored bytes back; `None` for anything not written by [`CacheEntry::encode`] or
    /// already expired at `now`, which the caller treats as "nothing cached".
    pub fn decode(bytes: &[u8], now: u64) -> Option<Self> {
        let newline = bytes.iter().position(|&byte| byte == b'\n')?;
        let header = std::str::from_utf8(&bytes[..newline]).ok()?;
        let mut fields = header.split(' ');
        if fields.next()? != FORMAT {
            return None;
        }
        let checked_at = fields.next()?.parse().ok()?;
        let expires_at: u64 = fields.next()?.parse().ok()?;
        let etag = match fields.next()? {
            "-" => None,
            etag if usable_etag(etag) => Some(etag.to_owned()),
            _ => return None,
        };
        if fields.next().is_some() || now >= expires_at {
            return None;
        }
        Some(Self {
            checked_at,
            expires_at,
            etag,
            body: bytes[newline + 1..].to_vec(),
        })
    }
}

/// Visible ASCII without spaces: what GitHub sends (`W/"…"`, `"…"`), and safe in the header
/// line and in `If-None-Match`.
fn usable_etag(etag: &str) -> bool {
    !etag.is_empty()
        && etag != "-"
        && etag.len() <= MAX_ETAG_BYTES
        && etag.bytes().all(|byte| byte.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(etag: Option<&str>, body: &[u8]) -> CacheEntry {
        CacheEntry {
            checked_at: 1_700_000_000,
            expires_at: 1_700_086_400,
            etag: etag.map(str::to_owned),
            body: body.to_vec(),
        }
    }

    #[test]
    fn round_trips_with_and_without_an_etag() {
        for original in [
            entry(Some(r#"W/"5f1a""#), b"[1,2,3]"),
            entry(None, b""),
            entry(Some("\"x\""), b"binary\n\0\xff bytes\nwith newlines"),
        ] {
            assert_eq!(
                CacheEntry::decode(&original.encode(), 1_700_000_100),
                Some(original)
            );
        }
    }

    #[test]
    fn an_expired_entry_reads_as_absent() {
        let stored = entry(None, b"x").encode();
        assert!(CacheEntry::decode(&stored, 1_700_086_399).is_some());
        assert_eq!(CacheEntry::decode(&stored, 1_700_086_400), None);
    }

    #[test]
    fn an_unusable_etag_is_dropped_not_stored() {
        for etag in ["", "-", "has space", "line\nbreak", &"e".repeat(201), "é"] {
            let stored = entry(Some(etag), b"body").encode();
            let read = CacheEntry::decode(&stored, 1_700_000_000).expect("still readable");
            assert_eq!(read.etag, None, "{etag:?}");
            assert_eq!(read.body, b"body");
        }
    }

    #[test]
    fn foreign_or_damaged_bytes_read_as_absent() {
        for bytes in [
            &b""[..],
            b"raw value from an older layout",
            b"wharf-cache/0 1 2 -\nbody",
            b"wharf-cache/1 1 2\nbody",
            b"wharf-cache/1 one 2 -\nbody",
            b"wharf-cache/1 1 2 - extra\nbody",
            b"wharf-cache/1 1 99999999999 has\tcontrol\nbody",
            b"\xff\xfe 1 2 -\nbody",
        ] {
            assert_eq!(CacheEntry::decode(bytes, 0), None, "{bytes:?}");
        }
    }
}
