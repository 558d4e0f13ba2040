use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use release_signing::SigningKey;

use crate::atomic_file::write_atomically;
use crate::provider_pack::{pack, PackOptions, PackSource};

#[derive(Subcommand)]
pub enum ProviderCommand {
    /// Publish a provider version into the files origin's layout:
    /// REGISTRY/providers/NAMESPACE/TYPE/VERSION/ (zips, SHA256SUMS, SHA256SUMS.sig, manifest).
    ///
    /// Either from GoReleaser's output (--dist DIR: its zips, SHA256SUMS and binary
    /// SHA256SUMS.sig, checked against the namespace's keys or --public-key), or from zips
    /// named terraform-provider-TYPE_VERSION_OS_ARCH.zip and a signing key (wharf writes and
    /// signs SHA256SUMS). The signing key's public half is added to
    /// REGISTRY/providers/NAMESPACE/signing-keys.asc.
    Pack(PackArgs),
    /// Create an RSA OpenPGP key for signing providers (Terraform 1.0 to 1.5 verify RSA,
    /// not Ed25519).
    Keygen(KeygenArgs),
}

#[derive(Args)]
pub struct PackArgs {
    /// The provider's namespace, as in `source = "HOST/NAMESPACE/TYPE"`.
    #[arg(long)]
    namespace: String,
    /// The provider type; read from the SHA256SUMS file name with --dist.
    #[arg(long = "type")]
    provider_type: Option<String>,
    /// The version without a v (1.2.0); read from the SHA256SUMS file name with --dist.
    #[arg(long)]
    version: Option<String>,
    /// GoReleaser's dist/ directory (or any directory holding one release's files).
    #[arg(long, conflicts_with_all = ["zips", "signing_key"])]
    dist: Option<PathBuf>,
    /// Armored public key that signed the --dist release, added to the namespace's keys.
    #[arg(long, requires = "dist")]
    public_key: Option<PathBuf>,
    /// Provider zips, terraform-provider-TYPE_VERSION_OS_ARCH.zip.
    zips: Vec<PathBuf>,
    /// File with the armored secret key that signs SHA256SUMS (`wharf provider keygen`);
    /// otherwise WHARF_PROVIDER_SIGNING_KEY.
    #[arg(long)]
    signing_key: Option<PathBuf>,
    /// Plugin protocol versions the zips speak, comma-separated (written as the manifest;
    /// without it Terraform assumes 5.0).
    #[arg(long, value_delimiter = ',')]
    protocols: Vec<String>,
    /// The registry directory that wharf mounts (spin.toml: files).
    #[arg(long, default_value = "registry")]
    registry: PathBuf,
}

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (armored; keep it as a CI secret,
    /// e.g. WHARF_PROVIDER_SIGNING_KEY).
    #[arg(long, default_value = "provider-signing-key.asc")]
    secret_key: PathBuf,
    /// Where to write the public key (what `provider_signing_keys` or signing-keys.asc holds).
    #[arg(long, default_value = "provider-signing-key.pub.asc")]
    public_key: PathBuf,
    /// The key's user id.
    #[arg(long, default_value = "wharf provider signing")]
    name: String,
    /// RSA key size: 2048, 3072 or 4096 (HashiCorp's guide uses 4096; it takes a while).
    #[arg(long, default_value_t = 4096)]
    bits: u32,
}

pub fn run(command: ProviderCommand) -> anyhow::Result<()> {
    match command {
        ProviderCommand::Pack(args) => run_pack(args),
        ProviderCommand::Keygen(args) => run_keygen(args),
    }
}

fn run_pack(args: PackArgs) -> anyhow::Result<()> {
    let now = unix_now()?;
    let source = match (args.dist, args.zips.is_empty()) {
        (Some(directory), true) => PackSource::Dist {
            directory,
            public_key: args
                .public_key
                .map(|path| {
                    std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read the public key {}", path.display()))
                })
                .transpose()?,
        },
        (None, false) => {
            let armored = match &args.signing_key {
                Some(path) => std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the signing key {}", path.display()))?,
                None => std::env::var("WHARF_PROVIDER_SIGNING_KEY").context(
                    "no signing key: pass --signing-key FILE or set WHARF_PROVIDER_SIGNING_KEY (see `wharf provider keygen`)",
                )?,
            };
            let key = SigningKey::from_armored_secret(&armored)
                .context("the signing key is unusable")?;
            PackSource::Zips {
                zips: args.zips,
                key: Box::new(key),
                protocols: args.protocols,
            }
        }
        (Some(_), false) => bail!("give either --dist DIR or zips, not both"),
        (None, true) => bail!("nothing to pack: give --dist DIR (GoReleaser's output) or provider zips with --signing-key"),
    };
    let published = pack(PackOptions {
        registry: args.registry,
        namespace: args.namespace,
        provider_type: args.provider_type,
        version: args.version,
        source,
        now,
    })?;
    print!("{published}");
    Ok(())
}

fn run_keygen(args: KeygenArgs) -> anyhow::Result<()> {
    if args.secret_key.exists() {
        bail!(
            "{} exists; refusing to overwrite a signing key",
            args.secret_key.display()
        );
    }
    let key = SigningKey::generate_rsa(
        &args.name,
        unix_now()?,
        args.bits,
        release_signing::rand_core::OsRng,
    )?;
    let secret = key.to_armored_secret()?;
    write_atomically(&args.secret_key, |output| {
        Ok(output.write_all(secret.as_bytes())?)
    })?;
    crate::commands::keygen::restrict_to_owner(&args.secret_key)?;
    let public = key.public_key_armored()?;
    write_atomically(&args.public_key, |output| {
        Ok(output.write_all(public.as_bytes())?)
    })?;
    println!(
        "created RSA-{} provider signing key {} ({}); public key in {}",
        args.bits,
        key.fingerprint(),
        args.secret_key.display(),
        args.public_key.display()
    );
    Ok(())
}

fn unix_now() -> anyhow::Result<u64> {
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs())
}
