//! The files every server serves: the sample registry, plus a 50 KB metadata file and a large
//! package and module archive (generated, incompressible). The same bytes, shaped as GitHub
//! holds them, go to the fake GitHub.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use end_to_end::fake_github::{FakeAsset, FakeGitHub, FakeRelease, FakeRepository};
use end_to_end::github_fixtures::sha;
use flate2::write::GzEncoder;

/// The metadata file the load runs fetch, ~50 KB: a `Contents` index, the kind of file
/// apt-file fetches from `dists/`.
pub const METADATA_PATH: &str = "/dists/stable/main/Contents-amd64";
const METADATA_BYTES: usize = 50 * 1024;

/// The large package under the files origin (pool layout).
pub const LOCAL_PACKAGE_PATH: &str = "/pool/main/b/bench-large/bench-large_1.0_amd64.deb";
/// The large module (files origin: `terraform/bench/large/null/1.0.0.tar.gz`).
pub const LOCAL_MODULE: &str = "bench/large/null";
/// The sample module whose versions the load runs list.
pub const SAMPLE_MODULE: &str = "wharf/hello/null";

/// The GitHub owner everything below lives under (`allowed_owners`).
pub const GITHUB_OWNER: &str = "bench";
/// The repository holding the large module as a tag (`bench/large/null` → `bench/large`).
pub const GITHUB_MODULE: &str = "bench/large/null";
const GITHUB_MODULE_REPOSITORY: &str = "bench/large";
/// The repository whose release carries the large package as an asset.
pub const GITHUB_PACKAGES_REPOSITORY: &str = "bench/packages";
const GITHUB_RELEASE_TAG: &str = "v1.0";
const PACKAGE_NAME: &str = "bench-large_1.0_amd64.deb";

pub fn github_package_path() -> String {
    format!("/pool/github/{GITHUB_PACKAGES_REPOSITORY}/{GITHUB_RELEASE_TAG}/{PACKAGE_NAME}")
}

pub struct Fixture {
    /// Holds `registry/` and the `spin.toml` that serves it.
    pub directory: PathBuf,
    pub registry: PathBuf,
    pub manifest: PathBuf,
}

impl Fixture {
    /// Writes the registry under `directory` (emptied first) with a `large_bytes` package and
    /// module payload.
    pub fn create(directory: &Path, large_bytes: u64) -> anyhow::Result<Self> {
        if directory.exists() {
            std::fs::remove_dir_all(directory)
                .with_context(|| format!("cannot empty {}", directory.display()))?;
        }
        let registry = directory.join("registry");
        let sample = end_to_end::paths::repository_root().join("registry");
        copy_directory(&sample, &registry)?;

        let contents = registry
            .join("apt")
            .join(METADATA_PATH.trim_start_matches('/'));
        std::fs::write(&contents, contents_index(METADATA_BYTES))?;

        let package = registry
            .join("apt")
            .join(LOCAL_PACKAGE_PATH.trim_start_matches('/'));
        std::fs::create_dir_all(package.parent().expect("a pool path has a parent"))?;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&package)?);
        std::io::copy(&mut Payload::new(1, large_bytes), &mut file)?;
        file.flush()?;

        let module = registry
            .join("terraform")
            .join(LOCAL_MODULE)
            .join("1.0.0.tar.gz");
        std::fs::create_dir_all(module.parent().expect("a module path has a parent"))?;
        let file = std::io::BufWriter::new(std::fs::File::create(&module)?);
        module_archive(file, None, large_bytes)?.flush()?;

        let manifest = end_to_end::files_origin::manifest_serving(&registry);
        Ok(Self {
            directory: directory.to_owned(),
            registry,
            manifest,
        })
    }

    pub fn local_package(&self) -> PathBuf {
        self.registry
            .join("apt")
            .join(LOCAL_PACKAGE_PATH.trim_start_matches('/'))
    }
}

/// Publishes the large module (a tag) and the large package (a release asset) on the fake
/// GitHub, as GitHub would hold them.
pub fn publish_on_github(
    github: &FakeGitHub,
    fixture: &Fixture,
    large_bytes: u64,
) -> anyhow::Result<()> {
    let commit = sha(0xbe4c);
    let top = format!("bench-large-{}", &commit[..7]);
    let tarball = module_archive(Vec::new(), Some(&top), large_bytes)?;
    github.add_repository(GITHUB_MODULE_REPOSITORY, FakeRepository::default());
    github.add_tag(GITHUB_MODULE_REPOSITORY, "v1.0.0", &commit, tarball);

    github.add_repository(GITHUB_PACKAGES_REPOSITORY, FakeRepository::default());
    github.add_release(
        GITHUB_PACKAGES_REPOSITORY,
        FakeRelease {
            id: 1,
            tag: GITHUB_RELEASE_TAG.to_owned(),
            assets: vec![FakeAsset {
                id: 10,
                name: PACKAGE_NAME.to_owned(),
                bytes: std::fs::read(fixture.local_package())?,
            }],
        },
    );
    Ok(())
}

/// A module `.tar.gz` with `main.tf` and a `payload.bin` of `payload_bytes`: files at the root
/// (as wharf serves modules), or under `top/` (as GitHub's tarballs hold them). Stored
/// without compression: the payload is incompressible, and gzip stores such data as is.
fn module_archive<W: Write>(output: W, top: Option<&str>, payload_bytes: u64) -> anyhow::Result<W> {
    let mut builder = tar::Builder::new(GzEncoder::new(output, flate2::Compression::none()));
    let prefix = top.map(|top| format!("{top}/")).unwrap_or_default();
    if let Some(top) = top {
        let mut global = tar::Header::new_ustar();
        global.set_entry_type(tar::EntryType::XGlobalHeader);
        let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
        global.set_size(comment.len() as u64);
        global.set_path("pax_global_header")?;
        global.set_cksum();
        builder.append(&global, &comment[..])?;
        let mut directory = tar::Header::new_gnu();
        directory.set_entry_type(tar::EntryType::Directory);
        directory.set_mode(0o755);
        directory.set_size(0);
        builder.append_data(&mut directory, format!("{top}/"), std::io::empty())?;
    }
    let main_tf = b"resource \"null_resource\" \"large\" {}\n";
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o644);
    header.set_size(main_tf.len() as u64);
    builder.append_data(&mut header, format!("{prefix}main.tf"), &main_tf[..])?;
    let mut header = tar::Header::new_gnu();
    header.set_mode(0o644);
    header.set_size(payload_bytes);
    builder.append_data(
        &mut header,
        format!("{prefix}payload.bin"),
        Payload::new(2, payload_bytes),
    )?;
    Ok(builder.into_inner()?.finish()?)
}

/// Text shaped like a Debian `Contents` index, `bytes` long or a little longer.
fn contents_index(bytes: usize) -> String {
    let mut text = String::with_capacity(bytes + 128);
    let mut line = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "usr/share/doc/bench-tool-{}/examples/config-{line:05}.conf    admin/bench-tool-{}\n",
            line % 97,
            line % 97
        ));
        line += 1;
    }
    text
}

/// `length` pseudo-random bytes (xorshift64*): incompressible, generated as they are read.
struct Payload {
    state: u64,
    remaining: u64,
}

impl Payload {
    fn new(seed: u64, length: u64) -> Self {
        Self {
            state: seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1,
            remaining: length,
        }
    }
}

impl Read for Payload {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let length = buffer
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        for chunk in buffer[..length].chunks_mut(8) {
            self.state ^= self.state >> 12;
            self.state ^= self.state << 25;
            self.state ^= self.state >> 27;
            let word = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
        self.remaining -= length as u64;
        Ok(length)
    }
}

fn copy_directory(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_directory(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
