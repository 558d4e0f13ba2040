//! A verifier environment the tests control: an in-memory store shared like Spin's, variables,
//! a clock, a fake OIDC issuer that can fail, and a log. It is `Sync`, so threads can act as
//! concurrent requests (and replicas) against the same store.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use expiring_entries::{KeyValueStore, MemoryStore, StoreOperations};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Sign, PrivateKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use verifier::{Denial, Environment, Fetched, Identity};

pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const AUDIENCE: &str = "https://wharf.example";
pub const ALLOWED: &str = "acme/infra, tools-org/*";
pub const KID: &str = "key-1";
pub const USER: &str = "fleet";
pub const PASSWORD: &str = "correct horse battery staple";
pub const TOKEN: &str = "tf-token-0123456789abcdef";
pub const START: u64 = 1_760_000_000;

/// Two RSA-2048 keys from seeded generators, made once per test binary.
pub fn issuer_key(index: usize) -> &'static PrivateKey {
    static KEYS: OnceLock<Vec<PrivateKey>> = OnceLock::new();
    &KEYS.get_or_init(|| {
        (1..=2)
            .map(|seed| {
                PrivateKey::new(&mut ChaCha20Rng::seed_from_u64(seed), 2048).expect("test key")
            })
            .collect()
    })[index]
}

/// What the fake issuer does when asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuerMode {
    Serving,
    /// Answers 500 to everything.
    Failing,
    /// The connection fails (what a DNS error or a refused connection looks like).
    Unreachable,
}

pub struct FakeIssuer {
    mode: Mutex<IssuerMode>,
    /// The keys published: (key index, kid).
    published: Mutex<Vec<(usize, String)>>,
    requests: AtomicUsize,
}

impl FakeIssuer {
    fn new() -> Self {
        Self {
            mode: Mutex::new(IssuerMode::Serving),
            published: Mutex::new(vec![(0, KID.to_owned())]),
            requests: AtomicUsize::new(0),
        }
    }

    fn jwks(&self) -> Vec<u8> {
        let keys: Vec<Value> = self
            .published
            .lock()
            .unwrap()
            .iter()
            .map(|(index, kid)| {
                let public = issuer_key(*index).to_public_key();
                json!({
                    "kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid,
                    "n": URL_SAFE_NO_PAD.encode(public.n().to_be_bytes_trimmed_vartime()),
                    "e": URL_SAFE_NO_PAD.encode(public.e().to_be_bytes_trimmed_vartime()),
                })
            })
            .collect();
        serde_json::to_vec(&json!({ "keys": keys })).unwrap()
    }

    fn answer(&self, url: &str) -> Result<Fetched, String> {
        self.requests.fetch_add(1, Ordering::SeqCst);
        match *self.mode.lock().unwrap() {
            IssuerMode::Unreachable => {
                return Err(format!(
                    "cannot reach {url}: DnsError {{ rcode: \"NXDOMAIN\" }}"
                ))
            }
            IssuerMode::Failing => {
                return Ok(Fetched {
                    status: 500,
                    body: b"oops".to_vec(),
                })
            }
            IssuerMode::Serving => {}
        }
        let body = if url == format!("{ISSUER}/.well-known/openid-configuration") {
            serde_json::to_vec(
                &json!({ "issuer": ISSUER, "jwks_uri": format!("{ISSUER}/.well-known/jwks") }),
            )
            .unwrap()
        } else if url == format!("{ISSUER}/.well-known/jwks") {
            self.jwks()
        } else {
            return Ok(Fetched {
                status: 404,
                body: Vec::new(),
            });
        };
        Ok(Fetched { status: 200, body })
    }
}

/// The shared store; each operation can be made to pause first, for a varying time up to a
/// bound, so that threads standing for concurrent requests really interleave between their
/// reads and writes (on two cores they would otherwise mostly run one after another).
#[derive(Default)]
pub struct SharedStore {
    inner: MemoryStore,
    pause_micros: AtomicU64,
    pauses: AtomicU64,
}

impl SharedStore {
    pub fn pause_each_operation(&self, up_to: std::time::Duration) {
        self.pause_micros
            .store(up_to.as_micros() as u64, Ordering::SeqCst);
    }

    fn pause(&self) {
        let bound = self.pause_micros.load(Ordering::SeqCst);
        if bound > 0 {
            let spread = self
                .pauses
                .fetch_add(1, Ordering::SeqCst)
                .wrapping_mul(7919);
            std::thread::sleep(std::time::Duration::from_micros(spread % bound));
        }
    }

    pub fn len(&self) -> usize {
        self.inner.len()
    }

    pub fn operations(&self) -> StoreOperations {
        self.inner.operations()
    }
}

impl KeyValueStore for SharedStore {
    type Error = std::convert::Infallible;

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error> {
        self.pause();
        self.inner.get(key)
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error> {
        self.pause();
        self.inner.set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), Self::Error> {
        self.pause();
        self.inner.delete(key)
    }

    fn keys(&self) -> Result<Vec<String>, Self::Error> {
        self.pause();
        self.inner.keys()
    }
}

pub struct TestEnvironment {
    pub store: SharedStore,
    pub issuer: FakeIssuer,
    variables: Mutex<HashMap<String, String>>,
    clock: AtomicU64,
    random: AtomicU64,
    variable_reads: AtomicUsize,
    log: Mutex<Vec<String>>,
}

impl TestEnvironment {
    /// Basic, Bearer and OIDC all configured.
    pub fn new() -> Self {
        Self::with_variables(&[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("api_tokens", TOKEN),
            ("oidc_issuer", ISSUER),
            ("oidc_audience", AUDIENCE),
            ("oidc_allowed_repositories", ALLOWED),
        ])
    }

    /// Exactly these variables; the rest are empty (as spin.toml's defaults are).
    pub fn with_variables(variables: &[(&str, &str)]) -> Self {
        let mut all: HashMap<String, String> = [
            "basic_user",
            "basic_password",
            "api_tokens",
            "oidc_audience",
            "oidc_allowed_repositories",
            "trusted_proxies",
        ]
        .iter()
        .map(|name| (name.to_string(), String::new()))
        .collect();
        all.insert("oidc_issuer".into(), ISSUER.into());
        for (name, value) in variables {
            all.insert(name.to_string(), value.to_string());
        }
        Self {
            store: SharedStore::default(),
            issuer: FakeIssuer::new(),
            variables: Mutex::new(all),
            clock: AtomicU64::new(START),
            random: AtomicU64::new(1),
            variable_reads: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
        }
    }

    pub fn set_variable(&self, name: &str, value: &str) {
        self.variables
            .lock()
            .unwrap()
            .insert(name.to_owned(), value.to_owned());
    }

    pub fn advance(&self, seconds: u64) {
        self.clock.fetch_add(seconds, Ordering::SeqCst);
    }

    pub fn time(&self) -> u64 {
        self.clock.load(Ordering::SeqCst)
    }

    pub fn set_issuer(&self, mode: IssuerMode) {
        *self.issuer.mode.lock().unwrap() = mode;
    }

    /// The issuer publishes these keys from now on: (key index, kid).
    pub fn publish(&self, keys: &[(usize, &str)]) {
        *self.issuer.published.lock().unwrap() = keys
            .iter()
            .map(|(index, kid)| (*index, kid.to_string()))
            .collect();
    }

    pub fn issuer_requests(&self) -> usize {
        self.issuer.requests.load(Ordering::SeqCst)
    }

    pub fn variable_reads(&self) -> usize {
        self.variable_reads.load(Ordering::SeqCst)
    }

    pub fn operations(&self) -> StoreOperations {
        self.store.operations()
    }

    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    pub fn verify(&self, authorization: &str, address: &str) -> Result<Identity, Denial> {
        verifier::verify(self, Some(authorization.as_bytes()), Some(address))
    }

    /// A GitHub Actions token for `repository` signed by key `key_index` under `kid`, issued
    /// now and valid five minutes.
    pub fn oidc_token(&self, repository: &str, key_index: usize, kid: &str) -> String {
        self.oidc_token_valid_for(repository, key_index, kid, 300)
    }

    /// Like `oidc_token`, valid for `lifetime` seconds (at most an hour is accepted).
    pub fn oidc_token_valid_for(
        &self,
        repository: &str,
        key_index: usize,
        kid: &str,
        lifetime: u64,
    ) -> String {
        let now = self.time();
        let owner = repository.split('/').next().unwrap_or_default();
        let claims = json!({
            "iss": ISSUER, "aud": AUDIENCE,
            "sub": format!("repo:{repository}:ref:refs/heads/main"),
            "repository": repository, "repository_owner": owner,
            "repository_id": "4242", "repository_owner_id": "42",
            "ref": "refs/heads/main", "event_name": "push",
            "job_workflow_ref": format!("{repository}/.github/workflows/ci.yml@refs/heads/main"),
            "iat": now, "nbf": now, "exp": now + lifetime,
        });
        sign(&claims, key_index, kid)
    }
}

pub fn sign(claims: &Value, key_index: usize, kid: &str) -> String {
    let header = json!({ "typ": "JWT", "alg": "RS256", "kid": kid });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = issuer_key(key_index)
        .sign(
            Pkcs1v15Sign::new::<Sha256>(),
            &Sha256::digest(input.as_bytes()),
        )
        .expect("sign");
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

pub fn basic(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

impl Environment for TestEnvironment {
    type Store = SharedStore;

    fn store(&self) -> Result<&SharedStore, String> {
        Ok(&self.store)
    }

    fn variable(&self, name: &str) -> Result<String, String> {
        self.variable_reads.fetch_add(1, Ordering::SeqCst);
        self.variables
            .lock()
            .unwrap()
            .get(name)
            .cloned()
            .ok_or_else(|| format!("no variable {name}"))
    }

    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Fetched, String> {
        let fetched = self.issuer.answer(url)?;
        if fetched.body.len() > max_bytes {
            return Err(format!("{url}: body larger than {max_bytes} bytes"));
        }
        Ok(fetched)
    }

    fn now(&self) -> u64 {
        self.time()
    }

    fn random_bytes(&self) -> Result<[u8; 32], String> {
        // Unique per call and never all zero; enough for tests (the component uses wasi:random).
        let counter = self.random.fetch_add(1, Ordering::SeqCst);
        let digest = Sha256::digest(counter.to_le_bytes());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&digest);
        Ok(bytes)
    }

    fn log(&self, line: &str) {
        self.log.lock().unwrap().push(line.to_owned());
    }
}
