//! What a GitHub-origin test publishes to the fake GitHub: module tarballs shaped like
//! GitHub's, and APT metadata built by the real `wharf apt index` and committed to the
//! `apt-metadata` branch.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flate2::write::GzEncoder;

use crate::fake_github::{FakeAsset, FakeCommit, FakeGitHub, FakeRelease};
use crate::paths::workspace_binary;

/// A 40-hex commit sha from a seed.
pub fn sha(seed: u32) -> String {
    format!("{seed:08x}").repeat(5)
}

/// A tarball shaped like GitHub's: pax global header, then everything under `owner-repo-sha7/`.
pub fn github_tarball(top: &str, main_tf: &str) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), flate2::Compression::default()));
    let mut global = tar::Header::new_ustar();
    global.set_entry_type(tar::EntryType::XGlobalHeader);
    let comment = b"52 comment=0123456789abcdef0123456789abcdef01234567\n";
    global.set_size(comment.len() as u64);
    global.set_path("pax_global_header").expect("path");
    global.set_cksum();
    builder
        .append(&global, &comment[..])
        .expect("global header");
    for (path, contents) in [
        ("main.tf", main_tf),
        (
            "modules/disk/main.tf",
            "variable \"size\" {\n  default = 8\n}\n",
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(contents.len() as u64);
        builder
            .append_data(&mut header, format!("{top}/{path}"), contents.as_bytes())
            .expect("entry");
    }
    let mut encoder = builder.into_inner().expect("tar");
    encoder.flush().expect("flush");
    encoder.finish().expect("gzip")
}

/// The tarball of module version `tag` at `commit` of `owner/repo`, whose `main.tf` outputs
/// the tag (so a test sees which version terraform installed).
pub fn module_tarball(owner_repo: &str, commit: &str, tag: &str) -> Vec<u8> {
    github_tarball(
        &format!("{}-{}", owner_repo.replace('/', "-"), &commit[..7]),
        &format!("output \"tag\" {{\n  value = \"{tag}\"\n}}\n"),
    )
}

/// Runs the `wharf` command line.
pub fn wharf_cli(args: &[&str], environment: &[(&str, &str)]) -> Output {
    let mut command = Command::new(workspace_binary("wharf"));
    command.args(args);
    for (name, value) in environment {
        command.env(name, value);
    }
    command.output().expect("run wharf")
}

/// Writes a signing key (`signing-key.asc`, and `public.key`) into `directory` with
/// `wharf keygen` and returns the secret key's path.
pub fn keygen(directory: &Path) -> PathBuf {
    let secret = directory.join("signing-key.asc");
    let output = wharf_cli(
        &[
            "keygen",
            "--secret-key",
            secret.to_str().expect("utf-8"),
            "--public-key",
            directory.join("public.key").to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(output.status.success(), "{output:?}");
    secret
}

/// A release with one asset (id `id * 10`), the `.deb` at `deb`.
pub fn release_with(id: u64, tag: &str, deb: &Path) -> FakeRelease {
    FakeRelease {
        id,
        tag: tag.to_owned(),
        assets: vec![FakeAsset {
            id: id * 10,
            name: deb
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            bytes: std::fs::read(deb).expect("deb bytes"),
        }],
    }
}

/// What the publishing workflow does: `wharf apt index --from-github` over a repository's
/// releases, then a commit of the result to its `apt-metadata` branch.
pub struct AptPublisher {
    pub work: tempfile::TempDir,
    repository: String,
    key: PathBuf,
    index: PathBuf,
    github_token: String,
}

impl AptPublisher {
    /// A signing key made with `wharf keygen`, for `repository` (`owner/name`).
    pub fn new(repository: &str, github_token: &str) -> Self {
        let work = tempfile::tempdir().expect("work");
        let key = keygen(work.path());
        Self {
            index: work.path().join("apt-metadata"),
            work,
            repository: repository.to_owned(),
            key,
            github_token: github_token.to_owned(),
        }
    }

    /// Where the index is written (what `commit` commits).
    pub fn index_directory(&self) -> &Path {
        &self.index
    }

    /// Indexes every release of the repository on `github`.
    pub fn index(&self, github: &FakeGitHub) -> Output {
        let api_url = github.api_url();
        wharf_cli(
            &[
                "apt",
                "index",
                "--output",
                self.index.to_str().expect("utf-8"),
                "--from-github",
                &self.repository,
                "--github-api-url",
                &api_url,
                "--signing-key",
                self.key.to_str().expect("utf-8"),
                "--architectures",
                "amd64,arm64",
            ],
            &[("GITHUB_TOKEN", &self.github_token)],
        )
    }

    /// Commits the index as it is to the `apt-metadata` branch, as commit `sha`.
    pub fn commit(&self, github: &FakeGitHub, sha: &str) {
        let mut files = HashMap::new();
        collect_files(&self.index, &self.index, &mut files);
        github.push(
            &self.repository,
            "apt-metadata",
            FakeCommit {
                sha: sha.to_owned(),
                files,
            },
        );
    }

    /// Index and commit; panics with the index builder's output if it fails.
    pub fn publish(&self, github: &FakeGitHub, sha: &str) {
        let indexed = self.index(github);
        assert!(indexed.status.success(), "{indexed:?}");
        self.commit(github, sha);
    }
}

fn collect_files(root: &Path, directory: &Path, files: &mut HashMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(directory)
        .expect("read index dir")
        .map_while(Result::ok)
    {
        let path = entry.path();
        if path.is_dir() {
            collect_files(root, &path, files);
        } else {
            let relative = path
                .strip_prefix(root)
                .expect("below root")
                .display()
                .to_string();
            files.insert(relative, std::fs::read(&path).expect("read file"));
        }
    }
}
