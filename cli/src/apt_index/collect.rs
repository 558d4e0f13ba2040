//! Finding the packages of each source: every `.deb` in a directory, every `.deb` asset of a
//! GitHub repository's releases.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use debian::{pool_path, DebError, DebPackage, IndexEntry};
use github::{parse_releases, Release};

use super::asset_cache::AssetCache;
use super::found_package::{FoundPackage, PackageOrigin};
use super::github_client::GitHubClient;
use super::progress::{download_bar, tracked};

/// What the sources held, and how it was learned.
#[derive(Default)]
pub struct Collected {
    pub packages: Vec<FoundPackage>,
    pub downloaded: usize,
    pub cached: usize,
    pub local: usize,
    /// Corrupt or unindexable files left out, each named on stderr.
    pub skipped: usize,
}

pub struct Collector<'a> {
    pub cache: &'a mut AssetCache,
    pub skip_corrupt: bool,
    pub collected: Collected,
}

impl Collector<'_> {
    /// Every `.deb` directly in `directory`, by file name; each goes to
    /// `pool/<component>/…` under dpkg's name for it, whatever the file is called.
    pub fn directory(&mut self, directory: &Path, component: &str) -> anyhow::Result<()> {
        let mut debs: Vec<PathBuf> = std::fs::read_dir(directory)
            .with_context(|| format!("cannot read {}", directory.display()))?
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| {
                path.extension().is_some_and(|extension| extension == "deb") && path.is_file()
            })
            .collect();
        debs.sort();
        for path in debs {
            let origin = PackageOrigin::LocalFile(path.clone());
            let file = std::fs::File::open(&path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            let Some(package) =
                self.checked(&origin, DebPackage::read(std::io::BufReader::new(file)))?
            else {
                continue;
            };
            let filename = pool_path(component, &package);
            self.add(component, package, filename, origin);
            self.collected.local += 1;
        }
        Ok(())
    }

    /// Every `.deb` asset of every published release of `repository`, oldest release first
    /// (so when two releases carry the same version, the first published is the one kept).
    /// Assets seen by an earlier run (same id and size) are not downloaded again.
    pub fn github(
        &mut self,
        client: &GitHubClient,
        repository: &github::Repository,
        component: &str,
    ) -> anyhow::Result<()> {
        let slug = format!("{}/{}", repository.owner(), repository.name());
        let pages = client
            .fetch_all_pages(client.requests.list_releases(repository, None)?)
            .with_context(|| format!("cannot list the releases of {slug}"))?;
        let mut releases: Vec<Release> = Vec::new();
        for page in pages {
            releases.extend(parse_releases(page.body())?);
        }
        // Release ids grow with creation; GitHub lists the newest first.
        releases.sort_by_key(|release| release.id);
        for release in releases.iter().filter(|release| !release.draft) {
            for asset in release
                .assets
                .iter()
                .filter(|asset| asset.name.ends_with(".deb"))
            {
                let origin = PackageOrigin::ReleaseAsset {
                    repository: slug.clone(),
                    tag: release.tag_name.clone(),
                    asset: asset.name.clone(),
                };
                // The pool path names the asset, so serving needs no lookup table; one that
                // apt could not fetch reliably is left out before anything is downloaded.
                let filename = format!("pool/github/{slug}/{}/{}", release.tag_name, asset.name);
                if let Err(reason) = github_pool_path_problem(&release.tag_name, &filename) {
                    eprintln!("warning: leaving out {origin}: {reason}");
                    self.collected.skipped += 1;
                    continue;
                }
                let key = format!("{slug}/{}", asset.id);
                let package = match self.cache.get(&key, asset.size) {
                    Some(package) => {
                        self.collected.cached += 1;
                        package
                    }
                    None => {
                        let (reader, length) = client
                            .download(client.requests.release_asset(repository, asset.id)?)?;
                        let bar = download_bar(&asset.name, length.or(Some(asset.size)));
                        let parsed = DebPackage::read(tracked(reader, &bar));
                        bar.finish_and_clear();
                        let Some(package) = self.checked(&origin, parsed)? else {
                            continue;
                        };
                        self.collected.downloaded += 1;
                        self.cache.remember(&key, &package);
                        package
                    }
                };
                self.add(component, package, filename, origin);
            }
        }
        Ok(())
    }

    /// The package, or `None` (with a line on stderr) for a corrupt one that is to be skipped.
    fn checked(
        &mut self,
        origin: &PackageOrigin,
        parsed: Result<DebPackage, DebError>,
    ) -> anyhow::Result<Option<DebPackage>> {
        match parsed {
            Ok(package) => {
                if package.control_was_transcoded() {
                    eprintln!(
                        "warning: {origin}: the control file is not UTF-8; its other bytes were read as Latin-1 (Windows-1252) and indexed as UTF-8 — ask its packager for UTF-8"
                    );
                }
                Ok(Some(package))
            }
            Err(error) if self.skip_corrupt => {
                eprintln!("skipping {origin}: {error}");
                self.collected.skipped += 1;
                Ok(None)
            }
            Err(error) => {
                bail!("{origin} is not a valid .deb: {error} (use --skip-corrupt to leave it out)")
            }
        }
    }

    /// A package whose pool path apt could not fetch reliably (a tag with `/`, a `:` or `%` in
    /// an asset name) is left out with a warning rather than failing the publication.
    fn add(
        &mut self,
        component: &str,
        package: DebPackage,
        filename: String,
        origin: PackageOrigin,
    ) {
        match IndexEntry::new(package, filename) {
            Ok(entry) => {
                self.collected.packages.push(FoundPackage {
                    component: component.to_owned(),
                    entry,
                    origin,
                });
            }
            Err(error) => {
                eprintln!("warning: leaving out {origin}: {error}");
                self.collected.skipped += 1;
            }
        }
    }
}

/// Why a release asset cannot be served from `pool/github/<owner>/<repo>/<tag>/<asset>`.
fn github_pool_path_problem(tag: &str, filename: &str) -> Result<(), String> {
    if tag.contains('/') {
        return Err(format!(
            "its tag {tag:?} holds `/`, which would split the pool path (tag releases without `/` to publish them)"
        ));
    }
    IndexEntry::check_filename(filename).map_err(|reason| format!("{filename}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_asset_paths_apt_cannot_fetch_are_named() {
        assert!(
            github_pool_path_problem("v1.0", "pool/github/a/r/v1.0/t_1.0~rc1+b1_all.deb").is_ok()
        );
        let slash = github_pool_path_problem("release/1.0", "pool/github/a/r/release/1.0/t.deb");
        assert!(slash.unwrap_err().contains("release/1.0"));
        let colon = github_pool_path_problem("v1", "pool/github/a/r/v1/t_1:2.0_all.deb");
        assert!(colon.unwrap_err().contains("`:`"));
    }
}
