use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use debian::{ComponentPackages, DebPackage, IndexEntry, IndexFileSet, SuiteMeta};
use github::parse_releases;
use release_signing::SigningKey;

use super::asset_cache::AssetCache;
use super::github_client::GitHubClient;
use super::progress::{download_bar, tracked};
use super::sources::PackageSource;
use crate::atomic_file::write_atomically;

pub struct PublishOptions {
    /// The repository root (what the apt-metadata branch holds, or `registry/apt`).
    pub output: PathBuf,
    pub origin: String,
    pub label: String,
    pub suite: String,
    pub codename: String,
    pub description: String,
    /// Empty: every architecture the packages name.
    pub architectures: Vec<String>,
    pub sources: Vec<PackageSource>,
    pub github: Option<GitHubClient>,
    pub signing_key: SigningKey,
    /// Skip a corrupt `.deb` (with a warning naming it) instead of failing the run.
    pub skip_corrupt: bool,
    pub now: u64,
}

#[derive(Default)]
struct Counts {
    downloaded: usize,
    cached: usize,
    local: usize,
    skipped: usize,
}

pub fn publish(options: PublishOptions) -> anyhow::Result<()> {
    let mut cache = AssetCache::load(&options.output)?;
    let mut counts = Counts::default();
    let mut by_component: BTreeMap<String, Vec<IndexEntry>> = BTreeMap::new();

    for source in &options.sources {
        let entries = by_component
            .entry(source.component().to_owned())
            .or_default();
        match source {
            PackageSource::GitHub { repository, .. } => {
                let client = options
                    .github
                    .as_ref()
                    .context("--from-github needs GitHub access")?;
                collect_github(
                    client,
                    repository,
                    &mut cache,
                    options.skip_corrupt,
                    entries,
                    &mut counts,
                )?;
            }
            PackageSource::Directory { path, component } => {
                collect_directory(
                    path,
                    component,
                    &options.output,
                    options.skip_corrupt,
                    entries,
                    &mut counts,
                )?;
            }
        }
    }

    let architectures = if options.architectures.is_empty() {
        let mut seen: Vec<String> = by_component
            .values()
            .flatten()
            .map(|entry| entry.package().architecture().to_owned())
            .filter(|architecture| architecture != "all")
            .collect();
        seen.sort();
        seen.dedup();
        if seen.is_empty() {
            vec!["amd64".to_owned()]
        } else {
            seen
        }
    } else {
        options.architectures.clone()
    };
    for entries in by_component.values_mut() {
        entries.retain(|entry| {
            let architecture = entry.package().architecture();
            let kept =
                architecture == "all" || architectures.iter().any(|wanted| wanted == architecture);
            if !kept {
                eprintln!(
                    "skipping {}: architecture {architecture} is not in --architectures",
                    entry.filename()
                );
            }
            kept
        });
    }

    let meta = SuiteMeta {
        origin: options.origin.clone(),
        label: options.label.clone(),
        suite: options.suite.clone(),
        codename: options.codename.clone(),
        description: options.description.clone(),
        architectures,
        components: by_component.keys().cloned().collect(),
        date: options.now,
    };
    let packages: Vec<ComponentPackages> = by_component
        .into_iter()
        .map(|(component, entries)| ComponentPackages { component, entries })
        .collect();
    let package_count: usize = packages
        .iter()
        .map(|component| component.entries.len())
        .sum();
    let files = IndexFileSet::build(&meta, &packages)?;
    let release = files.release_text().to_owned();
    let in_release = options.signing_key.clearsign(&release, options.now)?;
    let release_gpg = options
        .signing_key
        .detached_signature(release.as_bytes(), options.now)?;

    // Indexes (and their by-hash copies) first, the Release files last: a client reading the
    // new InRelease finds every file it names. Older by-hash files stay, for clients mid-update.
    let dists = options.output.join("dists").join(&options.suite);
    for file in files.files() {
        if file.path == "Release" {
            continue;
        }
        write_file(&dists.join(&file.path), &file.bytes)?;
    }
    write_file(&dists.join("Release"), release.as_bytes())?;
    write_file(&dists.join("Release.gpg"), release_gpg.as_bytes())?;
    write_file(&dists.join("InRelease"), in_release.as_bytes())?;
    write_file(
        &options.output.join("public.key"),
        options.signing_key.public_key_armored()?.as_bytes(),
    )?;
    cache.save()?;

    println!(
        "indexed {package_count} packages into {} ({} downloaded, {} known from earlier runs, {} local, {} skipped)",
        dists.display(),
        counts.downloaded,
        counts.cached,
        counts.local,
        counts.skipped
    );
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically(path, |output| Ok(output.write_all(bytes)?))
}

fn collect_github(
    client: &GitHubClient,
    repository: &github::Repository,
    cache: &mut AssetCache,
    skip_corrupt: bool,
    entries: &mut Vec<IndexEntry>,
    counts: &mut Counts,
) -> anyhow::Result<()> {
    let pages = client
        .fetch_all_pages(client.requests.list_releases(repository, None)?)
        .with_context(|| {
            format!(
                "cannot list the releases of {}/{}",
                repository.owner(),
                repository.name()
            )
        })?;
    for page in pages {
        for release in parse_releases(page.body())? {
            if release.draft {
                continue;
            }
            for asset in release
                .assets
                .iter()
                .filter(|asset| asset.name.ends_with(".deb"))
            {
                let key = format!("{}/{}/{}", repository.owner(), repository.name(), asset.id);
                let filename = format!(
                    "pool/github/{}/{}/{}/{}",
                    repository.owner(),
                    repository.name(),
                    release.tag_name,
                    asset.name
                );
                let package = match cache.get(&key, asset.size) {
                    Some(package) => {
                        counts.cached += 1;
                        package
                    }
                    None => {
                        let (reader, length) = client
                            .download(client.requests.release_asset(repository, asset.id)?)?;
                        let bar = download_bar(&asset.name, length.or(Some(asset.size)));
                        let parsed = DebPackage::read(tracked(reader, &bar));
                        bar.finish_and_clear();
                        match parsed {
                            Ok(package) => {
                                counts.downloaded += 1;
                                cache.remember(&key, &package);
                                package
                            }
                            Err(error) if skip_corrupt => {
                                eprintln!("skipping {filename}: {error}");
                                counts.skipped += 1;
                                continue;
                            }
                            Err(error) => bail!("{filename} is not a valid .deb: {error} (use --skip-corrupt to leave it out)"),
                        }
                    }
                };
                entries.push(IndexEntry::new(package, filename)?);
            }
        }
    }
    Ok(())
}

fn collect_directory(
    directory: &Path,
    component: &str,
    output: &Path,
    skip_corrupt: bool,
    entries: &mut Vec<IndexEntry>,
    counts: &mut Counts,
) -> anyhow::Result<()> {
    let mut debs: Vec<PathBuf> = std::fs::read_dir(directory)
        .with_context(|| format!("cannot read {}", directory.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| {
            path.extension().is_some_and(|extension| extension == "deb") && path.is_file()
        })
        .collect();
    debs.sort();
    for path in debs {
        let file = std::fs::File::open(&path)
            .with_context(|| format!("cannot open {}", path.display()))?;
        let package = match DebPackage::read(std::io::BufReader::new(file)) {
            Ok(package) => package,
            Err(error) if skip_corrupt => {
                eprintln!("skipping {}: {error}", path.display());
                counts.skipped += 1;
                continue;
            }
            Err(error) => bail!(
                "{} is not a valid .deb: {error} (use --skip-corrupt to leave it out)",
                path.display()
            ),
        };
        let name = package.name().to_owned();
        let prefix = if name.starts_with("lib") && name.len() > 3 {
            &name[..4]
        } else {
            &name[..1]
        };
        let file_name = path
            .file_name()
            .and_then(|name| name.to_str())
            .context("package file names must be UTF-8")?;
        let filename = format!("pool/{component}/{prefix}/{name}/{file_name}");
        let target = output.join(&filename);
        let already_there = std::fs::metadata(&target)
            .is_ok_and(|metadata| metadata.len() == package.size())
            && std::fs::File::open(&target)
                .ok()
                .and_then(|file| DebPackage::read(std::io::BufReader::new(file)).ok())
                .is_some_and(|existing| existing.sha256() == package.sha256());
        if !already_there {
            let mut source = std::fs::File::open(&path)?;
            write_atomically(&target, |output| {
                std::io::copy(&mut source, output)?;
                Ok(())
            })?;
        }
        counts.local += 1;
        entries.push(IndexEntry::new(package, filename)?);
    }
    Ok(())
}
