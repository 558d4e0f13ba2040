//! What the verifier needs from where it runs.

use expiring_entries::KeyValueStore;

/// The verifier's surroundings: Spin's variables and key-value store, the network, the clock
/// and randomness in the component; fakes with a controlled clock in tests.
pub trait Environment {
    /// The key-value store shared by every instance and replica.
    type Store: KeyValueStore;

    /// The store, opened on first use. `Err`: why it cannot be opened (for the log).
    fn store(&self) -> Result<&Self::Store, String>;
    /// A Spin variable. `Err`: why it cannot be read (for the log).
    fn variable(&self, name: &str) -> Result<String, String>;
    /// `GET url`, bounded in time (a few seconds) and to `max_bytes` of body. `Err`: the
    /// request did not complete (unreachable, timed out, too large), for the log.
    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Fetched, String>;
    /// Unix seconds.
    fn now(&self) -> u64;
    /// 32 bytes from a cryptographically secure source.
    fn random_bytes(&self) -> Result<[u8; 32], String>;
    /// Writes one line to the operator's log. Never called with a secret.
    fn log(&self, line: &str);
}

/// A completed HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    /// The status code.
    pub status: u16,
    /// The body, at most the `max_bytes` asked for.
    pub body: Vec<u8>,
}
