use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use debian::{ComponentPackages, IndexEntry, IndexFileSet, SuiteMeta};
use release_signing::SigningKey;

use super::architectures;
use super::asset_cache::AssetCache;
use super::collect::Collector;
use super::github_client::GitHubClient;
use super::package_selection::select;
use super::pool_files::plan_copies;
use super::sources::PackageSource;
use super::suite_date::date_publication;
use crate::atomic_file::write_atomically;

pub struct PublishOptions {
    /// The repository root (what the apt-metadata branch holds, or `registry/apt`).
    pub output: PathBuf,
    pub origin: String,
    pub label: String,
    pub suite: String,
    pub codename: String,
    pub description: String,
    /// Empty: every architecture the packages name (see `architectures::choose`).
    pub architectures: Vec<String>,
    pub sources: Vec<PackageSource>,
    pub github: Option<GitHubClient>,
    pub signing_key: SigningKey,
    /// Skip a corrupt `.deb` (with a warning naming it) instead of failing the run.
    pub skip_corrupt: bool,
}

/// Everything is checked (packages read, conflicts, the pool) before anything is written;
/// then pool files, then indexes and their by-hash copies, and the Release files last.
pub fn publish(options: PublishOptions) -> anyhow::Result<()> {
    let mut cache = AssetCache::load(&options.output)?;
    let mut collector = Collector {
        cache: &mut cache,
        skip_corrupt: options.skip_corrupt,
        collected: Default::default(),
    };
    for source in &options.sources {
        match source {
            PackageSource::GitHub {
                repository,
                component,
            } => {
                let client = options
                    .github
                    .as_ref()
                    .context("--from-github needs GitHub access")?;
                collector.github(client, repository, component)?;
            }
            PackageSource::Directory { path, component } => {
                collector.directory(path, component)?;
            }
        }
    }
    let collected = collector.collected;

    let selection = select(collected.packages)?;
    for warning in &selection.warnings {
        eprintln!("warning: {warning}");
    }
    let choice = architectures::choose(
        &options.architectures,
        selection
            .by_component
            .values()
            .flatten()
            .map(|package| package.entry.package().architecture()),
    );
    if let Some(warning) = &choice.warning {
        eprintln!("warning: {warning}");
    }
    let mut by_component: BTreeMap<String, Vec<IndexEntry>> = BTreeMap::new();
    for source in &options.sources {
        // A source that yielded nothing still gets its (empty) component.
        by_component
            .entry(source.component().to_owned())
            .or_default();
    }
    let mut indexed = Vec::new();
    for (component, packages) in selection.by_component {
        for package in packages {
            let architecture = package.entry.package().architecture();
            if architecture == "all" || choice.architectures.iter().any(|a| a == architecture) {
                by_component
                    .entry(component.clone())
                    .or_default()
                    .push(package.entry.clone());
                indexed.push(package);
            } else {
                eprintln!(
                    "skipping {}: architecture {architecture} is not in --architectures",
                    package.origin
                );
            }
        }
    }
    let copies = plan_copies(&options.output, &indexed)?;

    let dists = options.output.join("dists").join(&options.suite);
    let date = date_publication(&dists)?;
    let meta = SuiteMeta {
        origin: options.origin.clone(),
        label: options.label.clone(),
        suite: options.suite.clone(),
        codename: options.codename.clone(),
        description: options.description.clone(),
        architectures: choice.architectures,
        components: by_component.keys().cloned().collect(),
        date,
    };
    let packages: Vec<ComponentPackages> = by_component
        .into_iter()
        .map(|(component, entries)| ComponentPackages { component, entries })
        .collect();
    let files = IndexFileSet::build(&meta, &packages)?;
    let release = files.release_text().to_owned();
    let in_release = options.signing_key.clearsign(&release, date)?;
    let release_gpg = options
        .signing_key
        .detached_signature(release.as_bytes(), date)?;

    for copy in &copies {
        copy.run()?;
    }
    // Indexes (and their by-hash copies) first, the Release files last: a client reading the
    // new InRelease finds every file it names. Older by-hash files stay, for clients mid-update.
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
        "indexed {} packages into {} ({} downloaded, {} known from earlier runs, {} local, {} skipped, {} duplicates merged, {} left out as other builds of a listed version)",
        indexed.len(),
        dists.display(),
        collected.downloaded,
        collected.cached,
        collected.local,
        collected.skipped,
        selection.merged_duplicates,
        selection.warnings.len(),
    );
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomically(path, |output| Ok(output.write_all(bytes)?))
}
