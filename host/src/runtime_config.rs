//! `--runtime-config-file`: the part of Spin's runtime configuration file that wharf-host honours,
//! in Spin's own shape, so one file serves `spin up` and `wharf-host up` alike:
//!
//! ```toml
//! [key_value_store.default]
//! type = "redis"
//! url = "redis://redis.internal:6379"
//!
//! [key_value_store.cache]
//! type = "spin"              # Spin's SQLite store
//! path = "cache.db"          # relative to this file's directory; without it, in memory
//!
//! state_dir = ".spin"        # as --state-dir (the flag wins)
//! max_instance_memory = 134217728   # bytes, as --max-instance-memory (the flag wins)
//! ```
//!
//! Anything else Spin accepts there (other store types, `sqlite_database`, `log_dir`, variables
//! providers, …) is refused with a message rather than ignored: a file that half works would
//! keep state where the operator does not expect it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
#[error("runtime config file {path}: {reason}")]
pub struct RuntimeConfigError {
    path: PathBuf,
    reason: String,
}

/// One `[key_value_store.LABEL]` table. No `Debug`: a Redis URL may carry a password.
#[derive(Clone)]
pub enum KeyValueStoreConfig {
    /// Spin's `type = "spin"`: SQLite at `path`, or in memory without one.
    Sqlite { path: Option<PathBuf> },
    /// Spin's `type = "redis"`.
    Redis { url: String },
}

#[derive(Default)]
pub struct RuntimeConfig {
    pub key_value_stores: BTreeMap<String, KeyValueStoreConfig>,
    pub state_dir: Option<PathBuf>,
    pub max_instance_memory: Option<u64>,
}

const SUPPORTED_KEYS: &str = "key_value_store, state_dir and max_instance_memory";

impl RuntimeConfig {
    pub fn load(path: &Path) -> Result<Self, RuntimeConfigError> {
        let fail = |reason: String| RuntimeConfigError {
            path: path.to_owned(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|error| fail(format!("{error}")))?;
        // Only the message and the line: toml's own report quotes the line, which may hold a
        // Redis password.
        let table: toml::Table = toml::from_str(&text).map_err(|error| {
            let line = error
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
            match line {
                Some(line) => fail(format!("not valid TOML (line {line}): {}", error.message())),
                None => fail(format!("not valid TOML: {}", error.message())),
            }
        })?;
        let base = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        Self::from_table(table, base).map_err(fail)
    }

    /// `base` is the directory relative `path`s of SQLite stores are resolved against (the
    /// file's own directory, as in Spin).
    fn from_table(table: toml::Table, base: &Path) -> Result<Self, String> {
        let mut config = RuntimeConfig::default();
        for (key, value) in table {
            match key.as_str() {
                "key_value_store" => {
                    let toml::Value::Table(stores) = value else {
                        return Err("key_value_store must be a table of stores ([key_value_store.LABEL])".to_owned());
                    };
                    for (label, store) in stores {
                        let toml::Value::Table(store) = store else {
                            return Err(format!(
                                "key_value_store.{label} must be a table with a type"
                            ));
                        };
                        let parsed = key_value_store(&label, store, base)?;
                        config.key_value_stores.insert(label, parsed);
                    }
                }
                "state_dir" => match value {
                    toml::Value::String(directory) if !directory.is_empty() => {
                        config.state_dir = Some(PathBuf::from(directory));
                    }
                    _ => {
                        return Err(
                            "state_dir must be a non-empty path (wharf-host keeps its key-value store and compile cache there)"
                                .to_owned(),
                        )
                    }
                },
                "max_instance_memory" => match value {
                    toml::Value::Integer(bytes) if bytes > 0 => {
                        config.max_instance_memory = Some(bytes.unsigned_abs());
                    }
                    _ => {
                        return Err(
                            "max_instance_memory must be a positive number of bytes".to_owned()
                        )
                    }
                },
                other => {
                    return Err(format!(
                        "`{other}` is not supported by wharf-host (it reads {SUPPORTED_KEYS}); use `spin up` for it, or remove it"
                    ))
                }
            }
        }
        Ok(config)
    }
}

fn key_value_store(
    label: &str,
    mut store: toml::Table,
    base: &Path,
) -> Result<KeyValueStoreConfig, String> {
    let kind = match store.remove("type") {
        Some(toml::Value::String(kind)) => kind,
        _ => {
            return Err(format!(
                "key_value_store.{label} needs type = \"redis\" or type = \"spin\""
            ))
        }
    };
    let mut text_field = |name: &str| -> Result<Option<String>, String> {
        match store.remove(name) {
            None => Ok(None),
            Some(toml::Value::String(value)) => Ok(Some(value)),
            Some(_) => Err(format!("key_value_store.{label}: {name} must be a string")),
        }
    };
    let parsed = match kind.as_str() {
        "redis" => {
            let url = text_field("url")?.ok_or_else(|| {
                format!("key_value_store.{label}: type \"redis\" needs url = \"redis://HOST:PORT\"")
            })?;
            crate::key_value::redis::client_for(&url)
                .map_err(|reason| format!("key_value_store.{label}: {reason}"))?;
            KeyValueStoreConfig::Redis { url }
        }
        "spin" => KeyValueStoreConfig::Sqlite {
            path: text_field("path")?.map(|path| {
                let path = PathBuf::from(path);
                if path.is_absolute() {
                    path
                } else {
                    base.join(path)
                }
            }),
        },
        "azure_cosmos" | "aws_dynamo" => {
            return Err(format!(
                "key_value_store.{label}: type \"{kind}\" is a Spin store wharf-host does not provide; use \"redis\" or \"spin\""
            ))
        }
        other => {
            return Err(format!(
                "key_value_store.{label}: unknown type \"{other}\" (wharf-host provides \"redis\" and \"spin\")"
            ))
        }
    };
    if let Some(extra) = store.keys().next() {
        let takes = match parsed {
            KeyValueStoreConfig::Redis { .. } => "url",
            KeyValueStoreConfig::Sqlite { .. } => "path",
        };
        return Err(format!(
            "key_value_store.{label}: unknown field `{extra}` for type \"{kind}\" (it takes {takes})"
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RuntimeConfig, String> {
        RuntimeConfig::from_table(toml::from_str(text).expect("toml"), Path::new("/etc/wharf"))
    }

    #[test]
    fn spins_redis_shape_is_read() {
        let config = parse(
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://127.0.0.1:6379\"\n",
        )
        .expect("valid");
        match &config.key_value_stores["default"] {
            KeyValueStoreConfig::Redis { url } => assert_eq!(url, "redis://127.0.0.1:6379"),
            KeyValueStoreConfig::Sqlite { .. } => panic!("expected redis"),
        }
    }

    #[test]
    fn spin_sqlite_paths_are_relative_to_the_file_and_optional() {
        let config = parse(
            "[key_value_store.a]\ntype = \"spin\"\npath = \"data/a.db\"\n[key_value_store.b]\ntype = \"spin\"\n[key_value_store.c]\ntype = \"spin\"\npath = \"/var/lib/c.db\"\n",
        )
        .expect("valid");
        let path = |label: &str| match &config.key_value_stores[label] {
            KeyValueStoreConfig::Sqlite { path } => path.clone(),
            KeyValueStoreConfig::Redis { .. } => panic!("expected spin"),
        };
        assert_eq!(path("a"), Some(PathBuf::from("/etc/wharf/data/a.db")));
        assert_eq!(path("b"), None);
        assert_eq!(path("c"), Some(PathBuf::from("/var/lib/c.db")));
    }

    #[test]
    fn state_dir_and_max_instance_memory_are_read() {
        let config =
            parse("state_dir = \"/srv/wharf\"\nmax_instance_memory = 1048576\n").expect("valid");
        assert_eq!(config.state_dir, Some(PathBuf::from("/srv/wharf")));
        assert_eq!(config.max_instance_memory, Some(1_048_576));
        assert!(parse("max_instance_memory = -1\n").is_err());
    }

    #[test]
    fn what_wharf_host_does_not_provide_is_refused_by_name() {
        for (text, expected) in [
            (
                "[key_value_store.default]\ntype = \"azure_cosmos\"\n",
                "azure_cosmos",
            ),
            (
                "[key_value_store.default]\ntype = \"memcached\"\n",
                "unknown type \"memcached\"",
            ),
            (
                "[key_value_store.default]\nurl = \"redis://x\"\n",
                "needs type",
            ),
            ("[key_value_store.default]\ntype = \"redis\"\n", "needs url"),
            (
                "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://x\"\npath = \"a\"\n",
                "unknown field `path`",
            ),
            (
                "[sqlite_database.default]\ntype = \"spin\"\n",
                "`sqlite_database` is not supported",
            ),
            ("log_dir = \"logs\"\n", "`log_dir` is not supported"),
            ("state_dir = \"\"\n", "state_dir must be"),
        ] {
            let error = parse(text)
                .err()
                .unwrap_or_else(|| panic!("accepted {text:?}"));
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_toml_error_does_not_quote_the_line_with_the_password() {
        let directory = tempfile::tempdir().expect("dir");
        let path = directory.path().join("rc.toml");
        std::fs::write(
            &path,
            "[key_value_store.default]\ntype = \"redis\"\nurl = \"redis://:hunter2secret@x:6379\" oops\n",
        )
        .expect("write");
        let error = RuntimeConfig::load(&path)
            .err()
            .expect("invalid TOML")
            .to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(!error.contains("hunter2secret"), "{error}");
    }
}
