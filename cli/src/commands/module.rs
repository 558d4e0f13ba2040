use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Subcommand;

use crate::atomic_file::write_atomically;

#[derive(Subcommand)]
pub enum ModuleCommand {
    /// Pack a module directory into the files origin's layout:
    /// REGISTRY/terraform/NAMESPACE/NAME/PROVIDER/VERSION.tar.gz
    Pack {
        /// The module's directory (its .tf files at the top).
        directory: PathBuf,
        /// Module address, as in `source = "HOST/NAMESPACE/NAME/PROVIDER"`.
        #[arg(long)]
        namespace: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        provider: String,
        /// Semantic version without a leading v, e.g. 1.2.0.
        #[arg(long)]
        version: String,
        /// The registry directory that wharf mounts (spin.toml: files).
        #[arg(long, default_value = "registry")]
        registry: PathBuf,
    },
}

pub fn run(command: ModuleCommand) -> anyhow::Result<()> {
    let ModuleCommand::Pack {
        directory,
        namespace,
        name,
        provider,
        version,
        registry,
    } = command;
    for (what, value) in [("namespace", &namespace), ("name", &name)] {
        if value.is_empty()
            || !value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            bail!("--{what} '{value}' may hold only letters, digits, '-' and '_'");
        }
    }
    if provider.is_empty()
        || !provider
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        bail!("--provider '{provider}' may hold only lower-case letters and digits");
    }
    let parsed = semver::Version::parse(&version)
        .with_context(|| format!("--version '{version}' is not a semantic version like 1.2.0"))?;
    let target = registry
        .join("terraform")
        .join(&namespace)
        .join(&name)
        .join(&provider)
        .join(format!("{parsed}.tar.gz"));
    let mut files = 0;
    write_atomically(&target, |output| {
        files = module_archive::pack_directory(&directory, output)?;
        Ok(())
    })?;
    if files == 0 {
        std::fs::remove_file(&target).ok();
        bail!("{} holds no files to pack", directory.display());
    }
    println!("packed {files} files into {}", target.display());
    Ok(())
}
