//! What this crate needs from a key-value store: Spin's four operations, nothing atomic.

/// A key-value store with Spin's semantics: last write wins, no expiry, no transactions.
pub trait KeyValueStore {
    /// Why an operation failed (shown in logs).
    type Error: std::fmt::Display;

    /// The value under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error>;
    /// Writes `value` under `key`, replacing what was there.
    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error>;
    /// Removes `key`; removing a key that does not exist is not an error.
    fn delete(&self, key: &str) -> Result<(), Self::Error>;
    /// Every key in the store.
    fn keys(&self) -> Result<Vec<String>, Self::Error>;
}

impl<S: KeyValueStore + ?Sized> KeyValueStore for &S {
    type Error = S::Error;

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error> {
        (**self).get(key)
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error> {
        (**self).set(key, value)
    }

    fn delete(&self, key: &str) -> Result<(), Self::Error> {
        (**self).delete(key)
    }

    fn keys(&self) -> Result<Vec<String>, Self::Error> {
        (**self).keys()
    }
}

#[cfg(feature = "spin")]
impl KeyValueStore for spin_sdk::key_value::Store {
    type Error = spin_sdk::key_value::Error;

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>, Self::Error> {
        spin_sdk::key_value::Store::get(self, key)
    }

    fn set(&self, key: &str, value: &[u8]) -> Result<(), Self::Error> {
        spin_sdk::key_value::Store::set(self, key, value)
    }

    fn delete(&self, key: &str) -> Result<(), Self::Error> {
        spin_sdk::key_value::Store::delete(self, key)
    }

    fn keys(&self) -> Result<Vec<String>, Self::Error> {
        spin_sdk::key_value::Store::get_keys(self)
    }
}
