//! Spin's Redis key-value store (runtime config `type = "redis"`). Keys go to Redis unchanged,
//! as Spin writes them, so Spin and wharf-host replicas can share one Redis.
//!
//! Every operation is bounded: when Redis is down or stops answering, the component gets an
//! error within `OPERATION_TIMEOUT` (and gives its own answer, e.g. a 503) instead of hanging.
//! After a failure, calls fail at once for `RETRY_INTERVAL` rather than each waiting out the
//! timeout again (a hung Redis would otherwise hold every request for seconds); then one call
//! tries again, and the connection is re-established once Redis is back.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{AsyncCommands, RedisError, RedisResult};

use super::KeyValueError;

/// Connecting to Redis on a LAN or loopback takes milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest one key-value call of a component waits, connecting included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(2);
/// After a failure, how long calls fail without trying.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

pub struct RedisStore {
    label: String,
    client: redis::Client,
    /// `host:port` or a socket path: never the URL, which may carry a password.
    address: String,
    /// Made on first use (Redis may start after wharf-host), then reused: it reconnects by
    /// itself after Redis went away.
    connection: tokio::sync::Mutex<Option<ConnectionManager>>,
    /// When the last failure happened, while Redis has not answered since: an outage is
    /// logged once when it starts and once when it ends, and calls fail fast in between.
    failed_at: Mutex<Option<Instant>>,
}

impl RedisStore {
    /// Checks the URL only; no connection is made yet.
    pub fn new(label: &str, url: &str) -> Result<Self, String> {
        let client = client_for(url)?;
        let address = client.get_connection_info().addr.to_string();
        Ok(Self {
            label: label.to_owned(),
            client,
            address,
            connection: tokio::sync::Mutex::new(None),
            failed_at: Mutex::new(None),
        })
    }

    pub fn describe(&self) -> String {
        format!("Redis at {}", self.address)
    }

    async fn connection(&self) -> RedisResult<ConnectionManager> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = slot.as_ref() {
            return Ok(connection.clone());
        }
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(CONNECT_TIMEOUT)
            .set_response_timeout(OPERATION_TIMEOUT)
            // One reconnection attempt per failure: a call made during an outage fails at once,
            // and the next call (see `run`) starts another attempt.
            .set_number_of_retries(0);
        let connection = self
            .client
            .get_connection_manager_with_config(config)
            .await?;
        *slot = Some(connection.clone());
        Ok(connection)
    }

    fn failed_at(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // A single `Option` assignment cannot be left half done by a panic.
        self.failed_at
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `operation` within `OPERATION_TIMEOUT`. A connection that Redis dropped (it
    /// restarted, or went away) fails the first call made on it; that call is tried once more,
    /// on the new connection, so the first request after Redis returns does not fail.
    async fn run<T, Operation, Outcome>(&self, operation: Operation) -> Result<T, KeyValueError>
    where
        Operation: Fn() -> Outcome,
        Outcome: Future<Output = RedisResult<T>>,
    {
        if self
            .failed_at()
            .is_some_and(|failed_at| failed_at.elapsed() < RETRY_INTERVAL)
        {
            return Err(KeyValueError::Unavailable);
        }
        let attempts = async {
            match operation().await {
                Err(error) if is_connection_lost(&error) => operation().await,
                outcome => outcome,
            }
        };
        let outcome = match tokio::time::timeout(OPERATION_TIMEOUT, attempts).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(describe_error(&error)),
            Err(_) => Err(format!(
                "no answer within {} s",
                OPERATION_TIMEOUT.as_secs()
            )),
        };
        let mut failed_at = self.failed_at();
        match outcome {
            Ok(value) => {
                if failed_at.take().is_some() {
                    eprintln!(
                        "key-value store '{}' ({}) answers again",
                        self.label,
                        self.describe()
                    );
                }
                Ok(value)
            }
            Err(reason) => {
                if failed_at.replace(Instant::now()).is_none() {
                    eprintln!(
                        "key-value store '{}' ({}) is unavailable: {reason}; its operations fail until it answers again",
                        self.label,
                        self.describe()
                    );
                }
                Err(KeyValueError::Unavailable)
            }
        }
    }

    /// Tries to connect once, so a wrong address shows at start rather than at the first
    /// request; an unreachable Redis is not fatal (it may start later).
    pub async fn check(&self) -> Result<(), KeyValueError> {
        self.run(|| async {
            let mut connection = self.connection().await?;
            redis::cmd("PING").query_async::<()>(&mut connection).await
        })
        .await
    }

    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, KeyValueError> {
        self.run(|| async { self.connection().await?.get(key).await })
            .await
    }

    pub async fn set(&self, key: &str, value: &[u8]) -> Result<(), KeyValueError> {
        self.run(|| async { self.connection().await?.set(key, value).await })
            .await
    }

    pub async fn delete(&self, key: &str) -> Result<(), KeyValueError> {
        self.run(|| async { self.connection().await?.del(key).await })
            .await
    }

    pub async fn exists(&self, key: &str) -> Result<bool, KeyValueError> {
        self.run(|| async { self.connection().await?.exists(key).await })
            .await
    }

    /// All keys, as Spin lists them (`KEYS *`).
    pub async fn keys(&self) -> Result<Vec<String>, KeyValueError> {
        self.run(|| async { self.connection().await?.keys("*").await })
            .await
    }
}

/// Errors after which the connection manager reconnects, so trying again makes sense.
fn is_connection_lost(error: &RedisError) -> bool {
    error.is_connection_dropped() || error.is_io_error() || error.is_connection_refusal()
}

/// A client for `url`, or why it is not a Redis URL. The error never repeats the URL (it may
/// hold a password).
pub fn client_for(url: &str) -> Result<redis::Client, String> {
    redis::Client::open(url).map_err(|error| {
        format!(
            "url is not a usable Redis URL (redis://[USER:PASSWORD@]HOST[:PORT][/DB], rediss://… for TLS, or unix://PATH): {}",
            error.detail().unwrap_or_else(|| error.category())
        )
    })
}

/// The error's kind and Redis's own words; redis-rs never puts the URL or password in them.
fn describe_error(error: &RedisError) -> String {
    match error.detail() {
        Some(detail) => format!("{} ({detail})", error.category()),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::RedisStore;

    #[test]
    fn a_bad_url_is_refused_without_repeating_it() {
        let error = RedisStore::new("default", "http://user:hunter2secret@example.com")
            .err()
            .expect("not a Redis URL");
        assert!(error.contains("redis://"), "{error}");
        assert!(!error.contains("hunter2secret"), "{error}");
    }

    #[test]
    fn the_description_names_the_address_not_the_password() {
        let store = RedisStore::new("default", "redis://:hunter2secret@127.0.0.1:6390/0")
            .expect("valid URL");
        assert_eq!(store.describe(), "Redis at 127.0.0.1:6390");
    }
}
