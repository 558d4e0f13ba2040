//! Modules of the files origin: `terraform/{namespace}/{name}/{provider}/{version}.tar.gz`
//! under the mounted registry, read where they lie (local disk, no cache needed).

use std::fs::File;
use std::io::BufReader;

use catalogue_pages::pages::{ModulePage, ModuleSummary};
use catalogue_pages::ClientEndpoint;
use component_http::FILES_ROOT;
use module_docs::{read_module_archive, ArchiveLimits, ModuleDocs};
use spin_sdk::http::Response;
use terraform_registry::{ModuleAddress, ModuleVersions};

use super::{choose, unknown_module, unreadable_docs, Noted};

/// Every module with its newest version; the README's first paragraph describes it.
pub fn list(endpoint: &ClientEndpoint) -> Noted<Vec<ModuleSummary>> {
    Noted {
        value: modules()
            .into_iter()
            .map(|(address, versions)| {
                let latest = versions.iter().next();
                let summary = latest.and_then(|latest| docs(&address, &latest.tag).summary);
                ModuleSummary::new(
                    endpoint,
                    &address,
                    latest.map(|latest| latest.version.clone()),
                    summary,
                    false,
                )
            })
            .collect(),
        notes: Vec::new(),
    }
}

/// One version of a module.
pub fn page(
    endpoint: &ClientEndpoint,
    address: &ModuleAddress,
    version: Option<&str>,
) -> Result<ModulePage, Response> {
    let versions = versions(address).ok_or_else(|| unknown_module(address))?;
    let shown = choose(&versions, address, version)?;
    let docs = docs(address, &shown.tag);
    Ok(ModulePage::new(
        endpoint, address, &versions, shown, None, docs,
    ))
}

fn directory(address: &ModuleAddress) -> String {
    format!(
        "{FILES_ROOT}/terraform/{}/{}/{}",
        address.namespace(),
        address.name(),
        address.provider()
    )
}

fn directory_names(path: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// The archives under `terraform/{namespace}/{name}/{provider}/`, as versions.
fn versions(address: &ModuleAddress) -> Option<ModuleVersions> {
    let versions = ModuleVersions::from_archive_names(directory_names(&directory(address)));
    (!versions.is_empty()).then_some(versions)
}

/// Every module directory that holds at least one version, sorted by address.
fn modules() -> Vec<(ModuleAddress, ModuleVersions)> {
    let root = format!("{FILES_ROOT}/terraform");
    let mut modules = Vec::new();
    for namespace in directory_names(&root) {
        for name in directory_names(&format!("{root}/{namespace}")) {
            for provider in directory_names(&format!("{root}/{namespace}/{name}")) {
                let Ok(address) = ModuleAddress::new(&namespace, &name, &provider) else {
                    continue;
                };
                if let Some(versions) = versions(&address) {
                    modules.push((address, versions));
                }
            }
        }
    }
    modules
}

/// The documentation in a files-origin archive, read each time (it is on local disk).
fn docs(address: &ModuleAddress, tag: &str) -> ModuleDocs {
    let path = format!("{}/{tag}.tar.gz", directory(address));
    File::open(&path)
        .map_err(|error| format!("cannot open the archive: {error}"))
        .and_then(|file| {
            read_module_archive(BufReader::new(file), ArchiveLimits::default())
                .map_err(|error| error.to_string())
        })
        .unwrap_or_else(|reason| unreadable_docs(&reason))
}
