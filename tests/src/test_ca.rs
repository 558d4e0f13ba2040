//! A throwaway certificate authority and a certificate for `127.0.0.1`, so tests reach wharf
//! over HTTPS the way users do: the client trusts the CA (`SSL_CERT_FILE` for Terraform,
//! `--cacert` for curl), nothing is told to skip verification.

use std::path::PathBuf;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

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

        let mut authority = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        authority
            .distinguished_name
            .push(DnType::CommonName, "wharf test CA");
        authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        authority.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let authority_key = KeyPair::generate().expect("CA key");
        let authority_certificate = authority
            .self_signed(&authority_key)
            .expect("CA certificate");
        let issuer = Issuer::new(authority, authority_key);

        let mut server =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("server params");
        server
            .distinguished_name
            .push(DnType::CommonName, "wharf test server");
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let server_key = KeyPair::generate().expect("server key");
        let server_certificate = server
            .signed_by(&server_key, &issuer)
            .expect("server certificate");

        let write = |name: &str, pem: String| {
            let path = directory.path().join(name);
            std::fs::write(&path, pem).expect("write PEM");
            path
        };
        Self {
            authority: write("ca.pem", authority_certificate.pem()),
            certificate: write("server.pem", server_certificate.pem()),
            key: write("server.key", server_key.serialize_pem()),
            _directory: directory,
        }
    }
}
