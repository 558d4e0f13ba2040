use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use github::{Credentials, GitHubConfig, GitHubRequests};
use release_signing::SigningKey;

use crate::apt_index::{publish, GitHubClient, PackageSource, PublishOptions};

#[derive(Subcommand)]
pub enum AptCommand {
    /// Build and sign the APT repository (dists/, public.key) from GitHub Releases and/or local
    /// .deb files. Reads GITHUB_TOKEN for private repositories and the signing key from
    /// WHARF_SIGNING_KEY (armored) or --signing-key.
    Index(IndexArgs),
}

#[derive(Args)]
pub struct IndexArgs {
    /// Repository root to write: the apt-metadata branch checkout, or registry/apt.
    #[arg(long)]
    output: PathBuf,
    /// Package source: OWNER/REPO[@COMPONENT] (every .deb asset of every release). Repeatable.
    #[arg(long = "from-github")]
    from_github: Vec<String>,
    /// Package source: DIR[@COMPONENT] (every .deb in the directory). Repeatable.
    #[arg(long = "from-dir")]
    from_dir: Vec<String>,
    #[arg(long, default_value = "stable")]
    suite: String,
    /// Defaults to the suite.
    #[arg(long)]
    codename: Option<String>,
    /// Comma-separated. Default: every architecture the packages name; when every package
    /// is `Architecture: all`, Debian's and Ubuntu's release architectures (amd64 arm64 armel
    /// armhf i386 mips64el mipsel ppc64el riscv64 s390x).
    #[arg(long, value_delimiter = ',')]
    architectures: Vec<String>,
    /// Release fields; apt asks the user to confirm if they ever change, so choose them once.
    #[arg(long, default_value = "wharf")]
    origin: String,
    #[arg(long, default_value = "wharf")]
    label: String,
    #[arg(long, default_value = "")]
    description: String,
    /// File with the armored signing key (`wharf keygen`); otherwise WHARF_SIGNING_KEY.
    #[arg(long)]
    signing_key: Option<PathBuf>,
    #[arg(long, default_value = "https://api.github.com")]
    github_api_url: String,
    /// Leave corrupt .deb files out (each is named on stderr) instead of failing the run.
    #[arg(long)]
    skip_corrupt: bool,
}

pub fn run(command: AptCommand) -> anyhow::Result<()> {
    let AptCommand::Index(args) = command;
    let mut sources = Vec::new();
    for spec in &args.from_github {
        sources.push(PackageSource::github(spec)?);
    }
    for spec in &args.from_dir {
        sources.push(PackageSource::directory(spec)?);
    }
    if sources.is_empty() {
        bail!("nothing to index: give --from-github OWNER/REPO and/or --from-dir DIR");
    }
    let armored = match &args.signing_key {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the signing key {}", path.display()))?,
        None => std::env::var("WHARF_SIGNING_KEY").context(
            "no signing key: pass --signing-key FILE or set WHARF_SIGNING_KEY (see `wharf keygen`)",
        )?,
    };
    let signing_key =
        SigningKey::from_armored_secret(&armored).context("the signing key is unusable")?;
    let github = if args.from_github.is_empty() {
        None
    } else {
        let config = GitHubConfig::new(&args.github_api_url, "wharf-cli")?;
        let token = std::env::var("GITHUB_TOKEN").unwrap_or_default();
        Some(GitHubClient::new(GitHubRequests::new(
            config,
            Credentials::from_token(&token),
        )))
    };
    publish(PublishOptions {
        output: args.output,
        origin: args.origin,
        label: args.label,
        codename: args.codename.unwrap_or_else(|| args.suite.clone()),
        suite: args.suite,
        description: args.description,
        architectures: args.architectures,
        sources,
        github,
        signing_key,
        skip_corrupt: args.skip_corrupt,
    })
}
