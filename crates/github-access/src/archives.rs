//! Module archives by commit. An archive named by its commit never changes, so one that fits
//! the cache bound is kept (as served: repacked) and a warm `terraform init` costs GitHub
//! nothing for it; larger ones stream from GitHub every time.

use std::io::{self, Write};

use github::GitRef;
use origin_cache::{CacheEntry, CachePolicy, MAX_CACHED_BODY_BYTES};
use spin_sdk::http::IncomingResponse;

use crate::repository::short_sha;
use crate::{AccessError, RepositoryAccess};

/// Where an archive comes from.
pub enum Archive {
    /// Kept earlier: the whole archive, as served.
    Kept(Vec<u8>),
    /// GitHub's tarball, to repack while streaming (and keep with [`ArchiveCopy`]).
    Upstream(IncomingResponse),
}

impl RepositoryAccess<'_> {
    /// The archive of `commit`: kept, or GitHub's tarball.
    pub fn archive(&self, commit: &GitRef) -> Result<Archive, AccessError> {
        let now = component_http::unix_now();
        if let Some(entry) = self.access.cache.entry(&self.archive_key(commit), now) {
            return Ok(Archive::Kept(entry.body));
        }
        let what = format!(
            "the archive of {} at {}",
            self.repository,
            short_sha(commit.as_str())
        );
        self.access.cache.guard(&what, || {
            self.access
                .open_download(|requests| requests.tarball(self.repository, commit))
                .map(Archive::Upstream)
        })
    }

    /// Keeps a complete archive of `commit` that [`ArchiveCopy`] captured.
    pub fn keep_archive(&self, commit: &GitRef, copy: ArchiveCopy<impl Write>) {
        if let Some(bytes) = copy.kept {
            let entry: CacheEntry =
                CachePolicy::immutable().entry(component_http::unix_now(), None, bytes);
            self.access
                .cache
                .put(&self.archive_key(commit), &entry.encode(), entry.expires_at);
        }
    }

    fn archive_key(&self, commit: &GitRef) -> String {
        self.cache_key("module-archive", &commit.as_str().to_ascii_lowercase())
    }
}

/// Passes an archive through to the client and keeps a copy while it fits the cache bound,
/// so memory stays bounded whatever the archive's size.
pub struct ArchiveCopy<W> {
    inner: W,
    kept: Option<Vec<u8>>,
}

impl<W: Write> ArchiveCopy<W> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            kept: Some(Vec::new()),
        }
    }
}

impl<W: Write> Write for ArchiveCopy<W> {
    fn write(&mut self, buffer: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buffer)?;
        if let Some(kept) = &mut self.kept {
            if kept.len() + written <= MAX_CACHED_BODY_BYTES {
                kept.extend_from_slice(&buffer[..written]);
            } else {
                self.kept = None;
            }
        }
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_copy_only_while_it_fits() {
        let mut small = ArchiveCopy::new(Vec::new());
        small.write_all(b"archive bytes").expect("writes");
        assert_eq!(small.kept.as_deref(), Some(&b"archive bytes"[..]));
        assert_eq!(small.inner, b"archive bytes");

        let mut large = ArchiveCopy::new(Vec::new());
        let chunk = vec![7u8; 300_000];
        for _ in 0..4 {
            large.write_all(&chunk).expect("writes");
        }
        assert_eq!(large.kept, None, "1.2 MB is not kept");
        assert_eq!(large.inner.len(), 1_200_000, "but all of it passed through");
    }
}
