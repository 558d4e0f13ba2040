//! The verifier's environment under Spin: the variables and key-value store of the component
//! this verifier is composed into (`dependencies_inherit_configuration = true`), bounded
//! wasi:http, the wall clock, wasi:random and stderr.

use std::cell::OnceCell;
use std::time::{SystemTime, UNIX_EPOCH};

use spin_sdk::key_value::Store;
use verifier::{Environment, Fetched};

use crate::bounded_get::bounded_get;

#[derive(Default)]
pub struct SpinEnvironment {
    store: OnceCell<Result<Store, String>>,
}

impl Environment for SpinEnvironment {
    type Store = Store;

    fn store(&self) -> Result<&Store, String> {
        self.store
            .get_or_init(|| {
                Store::open_default()
                    .map_err(|error| format!("cannot open the default key-value store: {error}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn variable(&self, name: &str) -> Result<String, String> {
        spin_sdk::variables::get(name).map_err(|error| error.to_string())
    }

    fn fetch(&self, url: &str, max_bytes: usize) -> Result<Fetched, String> {
        bounded_get(url, max_bytes)
    }

    fn now(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .unwrap_or(0)
    }

    fn random_bytes(&self) -> Result<[u8; 32], String> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| format!("wasi:random failed: {error}"))?;
        Ok(bytes)
    }

    fn log(&self, line: &str) {
        eprintln!("{line}");
    }
}
