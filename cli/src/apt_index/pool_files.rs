//! Copying `--from-dir` packages into the repository's `pool/`.
//!
//! A pool file, once published, never changes: clients holding an older index (or its by-hash
//! copy) would otherwise fetch new bytes against old hashes. So a package whose pool path
//! already holds different bytes fails the run before anything is written.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use debian::FileDigests;

use super::found_package::{FoundPackage, PackageOrigin};
use crate::atomic_file::write_atomically;

pub struct PoolCopy {
    source: PathBuf,
    target: PathBuf,
    sha256: String,
}

/// The copies the packages need, after checking that none would replace different bytes.
pub fn plan_copies<'a>(
    output: &Path,
    packages: impl IntoIterator<Item = &'a FoundPackage>,
) -> anyhow::Result<Vec<PoolCopy>> {
    let mut by_target: BTreeMap<PathBuf, PoolCopy> = BTreeMap::new();
    for package in packages {
        let PackageOrigin::LocalFile(source) = &package.origin else {
            continue;
        };
        let target = output.join(package.entry.filename());
        if by_target.contains_key(&target) {
            continue; // the same bytes (the selection checked), found twice
        }
        if let Some(existing) = existing_digests(&target)? {
            if existing.sha256 == package.sha256() {
                continue;
            }
            bail!(
                "{} is already published with other contents (sha256 {}) than {} (sha256 {}); a published package must not change under clients that hold its hashes. Give the new build a new version, or delete the pool file to replace it on purpose",
                target.display(),
                existing.sha256,
                source.display(),
                package.sha256()
            );
        }
        by_target.insert(
            target.clone(),
            PoolCopy {
                source: source.clone(),
                target,
                sha256: package.sha256().to_owned(),
            },
        );
    }
    Ok(by_target.into_values().collect())
}

fn existing_digests(path: &Path) -> anyhow::Result<Option<FileDigests>> {
    match std::fs::File::open(path) {
        Ok(file) => Ok(Some(
            FileDigests::read(std::io::BufReader::new(file))
                .with_context(|| format!("cannot read {}", path.display()))?,
        )),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot open {}", path.display())),
    }
}

impl PoolCopy {
    /// Copies through a temporary file that is renamed into place only when its bytes are
    /// the ones indexed (a file still being written by a build is refused, not published).
    pub fn run(&self) -> anyhow::Result<()> {
        let source = std::fs::File::open(&self.source)
            .with_context(|| format!("cannot open {}", self.source.display()))?;
        write_atomically(&self.target, |output| {
            let digests = FileDigests::read(CopyingReader {
                source: std::io::BufReader::new(source),
                copy: output,
            })
            .with_context(|| format!("cannot copy {}", self.source.display()))?;
            if digests.sha256 != self.sha256 {
                bail!(
                    "{} changed while it was being published; run again once it is complete",
                    self.source.display()
                );
            }
            Ok(())
        })
    }
}

/// Writes everything read from `source` to `copy` as well.
struct CopyingReader<'a, R> {
    source: R,
    copy: &'a mut dyn Write,
}

impl<R: Read> Read for CopyingReader<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.source.read(buffer)?;
        self.copy.write_all(&buffer[..count])?;
        Ok(count)
    }
}
