//! HTTPS with the flags `spin up` takes (`--tls-cert`, `--tls-key`, PEM files): Terraform speaks
//! only HTTPS to a registry host and to a provider mirror.

use std::path::Path;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// Reads the certificate chain and key and builds the acceptor; each mistake an operator can
/// make with these files (wrong path, wrong PEM block, a key that does not match) is named.
pub fn acceptor(certificate_path: &Path, key_path: &Path) -> anyhow::Result<TlsAcceptor> {
    let chain = CertificateDer::pem_file_iter(certificate_path)
        .with_context(|| format!("cannot read --tls-cert {}", certificate_path.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| {
            format!(
                "--tls-cert {} is not a PEM certificate chain",
                certificate_path.display()
            )
        })?;
    if chain.is_empty() {
        return Err(anyhow!(
            "--tls-cert {} holds no CERTIFICATE block",
            certificate_path.display()
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key_path).with_context(|| {
        format!(
            "--tls-key {} holds no PEM private key (PKCS#8, PKCS#1 or SEC1)",
            key_path.display()
        )
    })?;
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS: no usable protocol versions")?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("--tls-key does not match the certificate in --tls-cert")?;
    // wharf-host serves HTTP/1.1 only; saying so lets clients skip an h2 attempt.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}
