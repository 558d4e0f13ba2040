//! A test OIDC issuer standing in for `token.actions.githubusercontent.com`: its own RSA key,
//! discovery document and JWKS served on loopback, tokens minted like GitHub Actions mints them.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use sha2::Sha256;

pub const KEY_ID: &str = "wharf-test-key";

pub struct TestIssuer {
    key: RsaPrivateKey,
    pub address: SocketAddr,
    jwks_fetches: Arc<AtomicUsize>,
    requests: Arc<AtomicUsize>,
    failing: Arc<AtomicBool>,
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

impl TestIssuer {
    pub fn start() -> Self {
        let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048).expect("issuer key");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind issuer");
        let address = listener.local_addr().expect("address");
        let issuer = format!("http://{address}");
        let jwks = format!(
            r#"{{"keys":[{{"kty":"RSA","use":"sig","alg":"RS256","kid":"{KEY_ID}","n":"{}","e":"{}"}},{{"kty":"EC","kid":"other","crv":"P-256","x":"x","y":"y"}}]}}"#,
            URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
            URL_SAFE_NO_PAD.encode(key.e().to_bytes_be())
        );
        let configuration =
            format!(r#"{{"issuer":"{issuer}","jwks_uri":"{issuer}/.well-known/jwks"}}"#);
        let jwks_fetches = Arc::new(AtomicUsize::new(0));
        let requests = Arc::new(AtomicUsize::new(0));
        let failing = Arc::new(AtomicBool::new(false));
        let counter = jwks_fetches.clone();
        let (all_requests, fail) = (requests.clone(), failing.clone());
        std::thread::spawn(move || {
            for mut stream in listener.incoming().map_while(Result::ok) {
                let mut request_line = String::new();
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).map_or(true, |read| read == 0) || line == "\r\n"
                    {
                        break;
                    }
                }
                all_requests.fetch_add(1, Ordering::SeqCst);
                let path = request_line.split_whitespace().nth(1).unwrap_or_default();
                let (status, body) = match path {
                    _ if fail.load(Ordering::SeqCst) => {
                        ("500 Internal Server Error", "{}".to_owned())
                    }
                    "/.well-known/openid-configuration" => ("200 OK", configuration.clone()),
                    "/.well-known/jwks" => {
                        counter.fetch_add(1, Ordering::SeqCst);
                        ("200 OK", jwks.clone())
                    }
                    _ => ("404 Not Found", "{}".to_owned()),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        TestIssuer {
            key,
            address,
            jwks_fetches,
            requests,
            failing,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn jwks_fetches(&self) -> usize {
        self.jwks_fetches.load(Ordering::SeqCst)
    }

    /// Every request it was sent, on any path.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// From now on, answer every request with 500 (or serve again).
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, Ordering::SeqCst);
    }

    /// Claims as GitHub Actions sends them for a push to `repository` (`owner/name`).
    pub fn claims(
        &self,
        repository: &str,
        audience: &str,
        issued_at: u64,
        expires_at: u64,
    ) -> serde_json::Value {
        let owner = repository.split('/').next().unwrap_or_default();
        serde_json::json!({
            "iss": self.url(),
            "aud": audience,
            "sub": format!("repo:{repository}:ref:refs/heads/main"),
            "repository": repository,
            "repository_owner": owner,
            "repository_id": "4242",
            "repository_owner_id": "42",
            "ref": "refs/heads/main",
            "event_name": "push",
            "job_workflow_ref": format!("{repository}/.github/workflows/ci.yml@refs/heads/main"),
            "iat": issued_at,
            "nbf": issued_at,
            "exp": expires_at,
        })
    }

    /// A signed token; remembered as a secret so no wharf log may contain it.
    pub fn mint(&self, claims: &serde_json::Value, key_id: &str) -> String {
        let header = serde_json::json!({"typ": "JWT", "alg": "RS256", "kid": key_id});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = SigningKey::<Sha256>::new(self.key.clone()).sign(signing_input.as_bytes());
        let token = format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        );
        crate::secrets::remember(&token);
        token
    }

    /// A token for `repository` valid for the next five minutes.
    pub fn token_for(&self, repository: &str, audience: &str) -> String {
        let now = now();
        self.mint(&self.claims(repository, audience, now, now + 300), KEY_ID)
    }
}
