use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use release_signing::SigningKey;

use crate::atomic_file::write_atomically;

/// Create an Ed25519 OpenPGP signing key for the APT repository.
#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the secret key (armored; keep it as a CI secret, e.g. WHARF_SIGNING_KEY).
    #[arg(long, default_value = "wharf-signing-key.asc")]
    secret_key: PathBuf,
    /// Where to write the public key (what /public.key serves and Signed-By names).
    #[arg(long, default_value = "public.key")]
    public_key: PathBuf,
    /// The key's user id.
    #[arg(long, default_value = "wharf APT repository")]
    name: String,
}

pub fn run(args: KeygenArgs) -> anyhow::Result<()> {
    if args.secret_key.exists() {
        bail!(
            "{} exists; refusing to overwrite a signing key",
            args.secret_key.display()
        );
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs();
    let key = SigningKey::generate(&args.name, now, release_signing::rand_core::OsRng)?;
    let secret = key.to_armored_secret()?;
    write_atomically(&args.secret_key, |output| {
        Ok(output.write_all(secret.as_bytes())?)
    })?;
    restrict_to_owner(&args.secret_key)?;
    let public = key.public_key_armored()?;
    write_atomically(&args.public_key, |output| {
        Ok(output.write_all(public.as_bytes())?)
    })?;
    println!(
        "created signing key {} ({}); public key in {}",
        key.fingerprint(),
        args.secret_key.display(),
        args.public_key.display()
    );
    Ok(())
}

#[cfg(unix)]
pub fn restrict_to_owner(path: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .with_context(|| format!("cannot restrict {}", path.display()))
}

#[cfg(not(unix))]
pub fn restrict_to_owner(_path: &std::path::Path) -> anyhow::Result<()> {
    Ok(())
}
