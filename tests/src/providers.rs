//! What the provider tests need: a copy of the application with its own registry directory,
//! provider packages and GoReleaser-shaped releases signed with real GnuPG, and terraform
//! projects that install providers from wharf's registry or its network mirror.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use crate::paths::repository_root;
use crate::terraform::describe;

/// The application (spin.toml and the built components) with a registry directory of the
/// test's own, so tests can publish into it without touching the repository's sample.
pub struct Application {
    directory: tempfile::TempDir,
}

impl Application {
    pub fn new() -> Self {
        let directory = tempfile::tempdir().expect("application directory");
        let root = repository_root();
        std::fs::copy(root.join("spin.toml"), directory.path().join("spin.toml"))
            .expect("copy spin.toml");
        std::os::unix::fs::symlink(root.join("target"), directory.path().join("target"))
            .expect("link the built components");
        std::fs::create_dir(directory.path().join("registry")).expect("registry");
        Self { directory }
    }

    pub fn manifest(&self) -> PathBuf {
        self.directory.path().join("spin.toml")
    }

    /// The directory wharf mounts at `/registry`.
    pub fn registry(&self) -> PathBuf {
        self.directory.path().join("registry")
    }

    /// Publishes `acme/hello` `version` for `platforms` into the registry as a user does: a
    /// GoReleaser `dist/` signed by `author`, packed by `wharf provider pack`. Returns what the
    /// command printed.
    pub fn pack_release(&self, version: &str, platforms: &[&str], author: &Author) -> String {
        let work = tempfile::tempdir().expect("work");
        let dist = work.path().join("dist");
        write_files(
            &dist,
            &goreleaser_release("hello", version, platforms, &["5.0"], author),
        );
        let public_key = work.path().join("author.asc");
        std::fs::write(&public_key, author.public_key()).expect("write key");
        let registry = self.registry();
        let output = wharf_cli(&[
            "provider",
            "pack",
            "--namespace",
            "acme",
            "--dist",
            dist.to_str().expect("utf-8"),
            "--public-key",
            public_key.to_str().expect("utf-8"),
            "--registry",
            registry.to_str().expect("utf-8"),
        ]);
        assert!(output.status.success(), "{}", describe(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

impl Default for Application {
    fn default() -> Self {
        Self::new()
    }
}

/// The platform the terraform binaries run on (they are linux/amd64 builds).
pub const HOST_PLATFORM: &str = "linux_amd64";

/// A provider package as GoReleaser zips it: the executable (a script: `terraform init` does
/// not run it), plus a `docs/` directory entry, which makes Terraform's two `h1:` hashes of
/// the package differ (lock files hash files, `terraform providers mirror` hashes entries).
pub fn provider_zip(provider_type: &str, version: &str, platform: &str) -> Vec<u8> {
    use zip::write::SimpleFileOptions;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let executable = SimpleFileOptions::default().unix_permissions(0o755);
    writer
        .start_file(
            format!("terraform-provider-{provider_type}_v{version}"),
            executable,
        )
        .expect("zip entry");
    writer
        .write_all(
            format!(
                "#!/bin/sh\n# {provider_type} {version} for {platform}, served by wharf\nexit 1\n"
            )
            .as_bytes(),
        )
        .expect("write");
    writer
        .add_directory("docs/", SimpleFileOptions::default())
        .expect("directory entry");
    writer
        .start_file("docs/README.md", SimpleFileOptions::default())
        .expect("zip entry");
    writer
        .write_all(
            format!("The {provider_type} provider.\n")
                .repeat(50)
                .as_bytes(),
        )
        .expect("write");
    writer.finish().expect("zip").into_inner()
}

/// A provider author's GnuPG, in a throwaway home.
pub struct Author {
    home: tempfile::TempDir,
    pub fingerprint: String,
}

impl Author {
    /// A new key (`rsa3072`, `ed25519`), usable for signing, as `gpg --quick-gen-key` makes it.
    pub fn new(email: &str, algorithm: &str) -> Self {
        let home = tempfile::tempdir().expect("gpg home");
        std::fs::set_permissions(
            home.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .expect("chmod");
        let mut author = Self {
            home,
            fingerprint: String::new(),
        };
        author.gpg(&[
            "--quick-gen-key",
            &format!("Provider Author <{email}>"),
            algorithm,
            "sign",
            "never",
        ]);
        let listing = author.gpg(&["--with-colons", "--list-keys", email]);
        author.fingerprint = String::from_utf8_lossy(&listing.stdout)
            .lines()
            .find(|line| line.starts_with("fpr:"))
            .and_then(|line| line.split(':').nth(9))
            .expect("fingerprint")
            .to_owned();
        author
    }

    fn gpg(&self, args: &[&str]) -> Output {
        let output = Command::new("gpg")
            .args(["--batch", "--pinentry-mode", "loopback", "--passphrase", ""])
            .args(args)
            .env("GNUPGHOME", self.home.path())
            .stdin(Stdio::null())
            .output()
            .expect("run gpg");
        assert!(
            output.status.success(),
            "gpg {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// The key's ID as Terraform prints it.
    pub fn key_id(&self) -> &str {
        &self.fingerprint[24..]
    }

    pub fn public_key(&self) -> String {
        String::from_utf8(self.gpg(&["--armor", "--export", &self.fingerprint]).stdout)
            .expect("armor")
    }

    pub fn secret_key(&self) -> String {
        String::from_utf8(
            self.gpg(&["--armor", "--export-secret-keys", &self.fingerprint])
                .stdout,
        )
        .expect("armor")
    }

    /// What GoReleaser runs: `gpg --detach-sign` (binary).
    pub fn sign(&self, document: &[u8]) -> Vec<u8> {
        let input = self.home.path().join("document");
        let output = self.home.path().join("document.sig");
        std::fs::write(&input, document).expect("write");
        let _ = std::fs::remove_file(&output);
        self.gpg(&[
            "--local-user",
            &self.fingerprint,
            "--output",
            output.to_str().expect("utf-8"),
            "--detach-sign",
            input.to_str().expect("utf-8"),
        ]);
        std::fs::read(output).expect("signature")
    }
}

impl Drop for Author {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home.path())
            .output();
    }
}

/// The files GoReleaser's Terraform provider configuration publishes for one version: a zip
/// per platform, the manifest, `SHA256SUMS` over both (as its `extra_files` setting does) and
/// its binary signature. (name, bytes), in GoReleaser's order.
pub fn goreleaser_release(
    provider_type: &str,
    version: &str,
    platforms: &[&str],
    protocols: &[&str],
    author: &Author,
) -> Vec<(String, Vec<u8>)> {
    let prefix = format!("terraform-provider-{provider_type}_{version}");
    let mut files: Vec<(String, Vec<u8>)> = platforms
        .iter()
        .map(|platform| {
            (
                format!("{prefix}_{platform}.zip"),
                provider_zip(provider_type, version, platform),
            )
        })
        .collect();
    let quoted: Vec<String> = protocols.iter().map(|p| format!("\"{p}\"")).collect();
    files.push((
        format!("{prefix}_manifest.json"),
        format!(
            "{{\n  \"version\": 1,\n  \"metadata\": {{\n    \"protocol_versions\": [{}]\n  }}\n}}\n",
            quoted.join(", ")
        )
        .into_bytes(),
    ));
    let mut listed: Vec<(String, String)> = files
        .iter()
        .map(|(name, bytes)| (name.clone(), sha256_hex(bytes)))
        .collect();
    listed.sort();
    let checksums: String = listed
        .iter()
        .map(|(name, hash)| format!("{hash}  {name}\n"))
        .collect();
    let signature = author.sign(checksums.as_bytes());
    files.push((format!("{prefix}_SHA256SUMS"), checksums.into_bytes()));
    files.push((format!("{prefix}_SHA256SUMS.sig"), signature));
    files
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Writes `files` into `directory` (a GoReleaser `dist/`).
pub fn write_files(directory: &Path, files: &[(String, Vec<u8>)]) {
    std::fs::create_dir_all(directory).expect("mkdir");
    for (name, bytes) in files {
        std::fs::write(directory.join(name), bytes).expect("write");
    }
}

/// Copies a directory tree (a mirror made on a "connected machine" into wharf's registry).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// What terraform printed, with its line wrapping undone (it wraps long messages).
pub fn terraform_says(output: &std::process::Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the `wharf` CLI.
pub fn wharf_cli(args: &[&str]) -> Output {
    Command::new(crate::paths::workspace_binary("wharf"))
        .args(args)
        .env_remove("WHARF_PROVIDER_SIGNING_KEY")
        .output()
        .expect("run wharf")
}

/// A terraform working directory that requires one provider.
pub struct ProviderProject {
    pub directory: tempfile::TempDir,
    trusted_authority: Option<PathBuf>,
}

impl ProviderProject {
    /// `source = "registry.test/…"`, with the CLI configuration's `host` block pointing
    /// `providers.v1` at wharf over plain HTTP.
    pub fn from_registry(
        registry: SocketAddr,
        token: &str,
        source: &str,
        constraint: &str,
    ) -> Self {
        let host = crate::terraform::REGISTRY_HOST;
        let configuration = format!(
            "host \"{host}\" {{\n  services = {{\n    \"providers.v1\" = \"http://{registry}/v1/providers/\"\n  }}\n}}\ncredentials \"{host}\" {{\n  token = \"{token}\"\n}}\n"
        );
        Self::create(&configuration, source, constraint, None)
    }

    /// Installs through wharf's network mirror over HTTPS (Terraform takes no other), with the
    /// mirror host's credentials when `token` is given.
    pub fn from_mirror(
        mirror: SocketAddr,
        authority: &Path,
        token: Option<&str>,
        source: &str,
        constraint: &str,
    ) -> Self {
        let mut configuration = format!(
            "provider_installation {{\n  network_mirror {{\n    url = \"https://{mirror}/mirror/v1/\"\n  }}\n}}\n"
        );
        if let Some(token) = token {
            configuration.push_str(&format!(
                "credentials \"{mirror}\" {{\n  token = \"{token}\"\n}}\n"
            ));
        }
        Self::create(
            &configuration,
            source,
            constraint,
            Some(authority.to_owned()),
        )
    }

    fn create(
        configuration: &str,
        source: &str,
        constraint: &str,
        trusted_authority: Option<PathBuf>,
    ) -> Self {
        let directory = tempfile::tempdir().expect("project dir");
        let root = directory.path();
        std::fs::write(
            root.join("main.tf"),
            format!(
                "terraform {{\n  required_providers {{\n    under-test = {{\n      source  = \"{source}\"\n      version = \"{constraint}\"\n    }}\n  }}\n}}\n"
            ),
        )
        .expect("write main.tf");
        std::fs::write(root.join("cli.tfrc"), configuration).expect("write cli config");
        std::fs::create_dir(root.join("home")).expect("home");
        Self {
            directory,
            trusted_authority,
        }
    }

    /// `terraform ARGS` as a user runs it in this directory.
    pub fn terraform(&self, binary: &Path, args: &[&str]) -> Output {
        crate::terraform::terraform_command(
            binary,
            self.directory.path(),
            self.trusted_authority.as_deref(),
        )
        .args(args)
        .args(["-no-color"])
        .output()
        .expect("run terraform")
    }

    pub fn init(&self, binary: &Path) -> Output {
        self.terraform(binary, &["init", "-input=false"])
    }

    /// Forgets the installed providers (the lock file stays), as a fresh checkout would.
    pub fn clean(&self) {
        let _ = std::fs::remove_dir_all(self.directory.path().join(".terraform"));
    }

    pub fn lock_file(&self) -> Option<String> {
        std::fs::read_to_string(self.directory.path().join(".terraform.lock.hcl")).ok()
    }

    pub fn write_lock_file(&self, text: &str) {
        std::fs::write(self.directory.path().join(".terraform.lock.hcl"), text)
            .expect("write lock");
    }

    /// The `h1:`/`zh:` hashes the lock file records.
    pub fn locked_hashes(&self) -> Vec<String> {
        self.lock_file()
            .unwrap_or_default()
            .lines()
            .map(|line| {
                line.trim()
                    .trim_end_matches(',')
                    .trim_matches('"')
                    .to_owned()
            })
            .filter(|line| line.starts_with("h1:") || line.starts_with("zh:"))
            .collect()
    }

    /// The installed provider executable, as terraform unpacked it.
    pub fn installed_executable(
        &self,
        source: &str,
        version: &str,
        provider_type: &str,
    ) -> Option<String> {
        std::fs::read_to_string(
            self.directory
                .path()
                .join(".terraform/providers")
                .join(source)
                .join(version)
                .join(HOST_PLATFORM)
                .join(format!("terraform-provider-{provider_type}_v{version}")),
        )
        .ok()
    }
}
