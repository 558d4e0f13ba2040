//! `wharf apt index`: builds a signed APT repository (the `apt-metadata` branch's contents) from
//! `.deb` files published as GitHub Release assets and/or lying in local directories.
//!
//! Every run rebuilds the index from the complete list of packages, so two publishes that raced
//! converge on the next run; only assets not seen before are downloaded (`AssetCache`).

mod architectures;
mod asset_cache;
mod collect;
mod found_package;
mod github_client;
mod package_selection;
mod pool_files;
mod progress;
mod publish;
mod sources;
mod suite_date;

pub use github_client::GitHubClient;
pub use publish::{publish, PublishOptions};
pub use sources::PackageSource;
