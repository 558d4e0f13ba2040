//! Modules of the files origin (`terraform/{namespace}/{name}/{provider}/{version}.tar.gz`
//! under the mounted registry, listed by `module_archive::ModuleFilesOrigin`), read where
//! they lie: local disk, no cache needed.

use std::fs::File;
use std::io::BufReader;

use catalogue_pages::pages::{ModulePage, ModuleSummary};
use catalogue_pages::ClientEndpoint;
use component_http::FILES_ROOT;
use module_archive::ModuleFilesOrigin;
use module_docs::{read_module_archive, ArchiveLimits, ModuleDocs};
use spin_sdk::http::Response;
use terraform_registry::ModuleAddress;

use super::{choose, unknown_module, unreadable_docs, Noted};

fn origin() -> ModuleFilesOrigin {
    ModuleFilesOrigin::in_registry(FILES_ROOT)
}

/// Every module with its newest version; the README's first paragraph describes it.
pub fn list(endpoint: &ClientEndpoint) -> Noted<Vec<ModuleSummary>> {
    let origin = origin();
    Noted {
        value: origin
            .modules()
            .into_iter()
            .map(|(address, versions)| {
                let latest = versions.iter().next();
                let summary =
                    latest.and_then(|latest| docs(&origin, &address, &latest.tag).summary);
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
    let origin = origin();
    let versions = origin
        .versions(address)
        .ok_or_else(|| unknown_module(address))?;
    let shown = choose(&versions, address, version)?;
    let docs = docs(&origin, address, &shown.tag);
    Ok(ModulePage::new(
        endpoint, address, &versions, shown, None, docs,
    ))
}

/// The documentation in a files-origin archive, read each time (it is on local disk).
fn docs(origin: &ModuleFilesOrigin, address: &ModuleAddress, tag: &str) -> ModuleDocs {
    File::open(origin.archive_path(address, tag))
        .map_err(|error| format!("cannot open the archive: {error}"))
        .and_then(|file| {
            read_module_archive(BufReader::new(file), ArchiveLimits::default())
                .map_err(|error| error.to_string())
        })
        .unwrap_or_else(|reason| unreadable_docs(&reason))
}
