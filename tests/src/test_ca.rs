//! Certificates for HTTPS tests, made by the script the README gives users for a first try
//! (`deploy/make-local-certificate.sh`): a throwaway CA and a certificate for `127.0.0.1`.
//! Clients trust the CA (`SSL_CERT_FILE` for Terraform, `--cacert` for curl); nothing is told
//! to skip verification.

use std::path::PathBuf;
use std::process::Command;

use crate::paths::repository_root;

pub struct TestCertificates {
    _directory: tempfile::TempDir,
    /// The CA certificate (PEM): what clients trust.
    pub authority: PathBuf,
    /// The server certificate for `127.0.0.1` and `localhost` (PEM), signed by the CA.
    pub certificate: PathBuf,
    /// The server certificate's private key (PEM, PKCS#8).
    pub key: PathBuf,
}

impl TestCertificates {
    pub fn for_loopback() -> Self {
        let directory = tempfile::tempdir().expect("certificate directory");
        let tls = directory.path().join("tls");
        let output = Command::new(repository_root().join("deploy/make-local-certificate.sh"))
            .arg(&tls)
            .output()
            .expect("run deploy/make-local-certificate.sh");
        assert!(
            output.status.success(),
            "make-local-certificate.sh failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        Self {
            authority: tls.join("ca.pem"),
            certificate: tls.join("cert.pem"),
            key: tls.join("key.pem"),
            _directory: directory,
        }
    }
}
