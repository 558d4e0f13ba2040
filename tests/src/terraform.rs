//! The real terraform CLI, run as a user would against a wharf-host: a private HOME, a CLI
//! config with a `host` block (no TLS needed) and a `credentials` block.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The registry hostname modules are addressed by (`registry.test/ns/name/provider`).
pub const REGISTRY_HOST: &str = "registry.test";

/// Every terraform binary the tests must exercise, from `WHARF_TERRAFORM_BINARIES`
/// (colon-separated; `make test` sets it). A missing binary fails the test: these are the
/// clients the registry promises to work with.
pub fn terraform_binaries() -> Vec<PathBuf> {
    let listed = std::env::var("WHARF_TERRAFORM_BINARIES").unwrap_or_else(|_| {
        panic!("WHARF_TERRAFORM_BINARIES is not set: run the tests with `make test`, which finds terraform 1.11 and fetches 1.0.3")
    });
    let binaries: Vec<PathBuf> = listed
        .split(':')
        .filter(|entry| !entry.is_empty())
        .map(PathBuf::from)
        .collect();
    assert!(
        binaries.len() >= 2,
        "expected terraform 1.11 and 1.0.3, got {listed:?}"
    );
    for binary in &binaries {
        assert!(
            binary.is_file(),
            "terraform binary {} is missing",
            binary.display()
        );
    }
    binaries
}

pub fn terraform_version(binary: &Path) -> String {
    let output = Command::new(binary)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("run terraform version");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A working directory with one module call, ready for `terraform init`.
pub struct TerraformProject {
    pub directory: tempfile::TempDir,
    /// The CA terraform trusts (`SSL_CERT_FILE`), for registries served over HTTPS.
    trusted_authority: Option<PathBuf>,
}

impl TerraformProject {
    /// Plain HTTP: the CLI configuration's `host` block points `registry.test` at wharf.
    pub fn new(registry: SocketAddr, token: &str, module: &str, constraint: &str) -> Self {
        let host_block = format!(
            "host \"{REGISTRY_HOST}\" {{\n  services = {{\n    \"modules.v1\" = \"http://{registry}/v1/modules/\"\n  }}\n}}\n"
        );
        Self::create(REGISTRY_HOST, &host_block, token, module, constraint, None)
    }

    /// HTTPS, as users run it: the module source names wharf's own address, terraform finds
    /// the registry through `/.well-known/terraform.json` and trusts `authority`; no `host` block.
    pub fn over_https(
        registry: SocketAddr,
        authority: &Path,
        token: &str,
        module: &str,
        constraint: &str,
    ) -> Self {
        let host = registry.to_string();
        Self::create(
            &host,
            "",
            token,
            module,
            constraint,
            Some(authority.to_owned()),
        )
    }

    fn create(
        host: &str,
        host_block: &str,
        token: &str,
        module: &str,
        constraint: &str,
        trusted_authority: Option<PathBuf>,
    ) -> Self {
        let directory = tempfile::tempdir().expect("project dir");
        let root = directory.path();
        std::fs::write(
            root.join("main.tf"),
            format!(
                "module \"under_test\" {{\n  source  = \"{host}/{module}\"\n  version = \"{constraint}\"\n}}\n"
            ),
        )
        .expect("write main.tf");
        std::fs::write(
            root.join("cli.tfrc"),
            format!("{host_block}credentials \"{host}\" {{\n  token = \"{token}\"\n}}\n"),
        )
        .expect("write cli config");
        std::fs::create_dir(root.join("home")).expect("home");
        TerraformProject {
            directory,
            trusted_authority,
        }
    }

    pub fn init(&self, binary: &Path) -> Output {
        terraform_command(
            binary,
            self.directory.path(),
            self.trusted_authority.as_deref(),
        )
        .args(["init", "-input=false", "-no-color"])
        .output()
        .expect("run terraform init")
    }

    /// A file of the installed module, as terraform unpacked it.
    pub fn installed_file(&self, relative: &str) -> Option<String> {
        String::from_utf8(self.installed_bytes(relative)?).ok()
    }

    /// The bytes of a file of the installed module.
    pub fn installed_bytes(&self, relative: &str) -> Option<Vec<u8>> {
        std::fs::read(
            self.directory
                .path()
                .join(".terraform/modules/under_test")
                .join(relative),
        )
        .ok()
    }

    pub fn installed_version(&self) -> Option<String> {
        let manifest = std::fs::read_to_string(
            self.directory
                .path()
                .join(".terraform/modules/modules.json"),
        )
        .ok()?;
        let parsed: serde_json::Value = serde_json::from_str(&manifest).ok()?;
        parsed["Modules"]
            .as_array()?
            .iter()
            .find(|module| module["Key"] == "under_test")
            .and_then(|module| module["Version"].as_str())
            .map(str::to_owned)
    }
}

pub fn describe(output: &Output) -> String {
    format!(
        "status {}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// terraform as a user runs it in a project directory `root` that holds `cli.tfrc` and a private
/// `home/`: nothing from the test's own environment but `PATH`, and `authority` as the only
/// trusted CA when given (Terraform reads `SSL_CERT_FILE`).
pub fn terraform_command(binary: &Path, root: &Path, authority: Option<&Path>) -> Command {
    let mut command = Command::new(binary);
    command
        .current_dir(root)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", root.join("home"))
        .env("TF_CLI_CONFIG_FILE", root.join("cli.tfrc"))
        .env("TF_IN_AUTOMATION", "1")
        .env("CHECKPOINT_DISABLE", "1");
    if let Some(authority) = authority {
        command.env("SSL_CERT_FILE", authority);
    }
    command
}
