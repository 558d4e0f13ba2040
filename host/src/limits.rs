//! What one client, one connection and one request may take from wharf-host, and the defaults a
//! registry on a small machine wants. Each is a flag of `wharf-host up`.

use std::time::Duration;

/// nginx waits 60 s for a request head (`client_header_timeout`); apt and terraform send theirs
/// in one packet, so a much shorter bound costs real clients nothing and frees a slow client's
/// connection six times sooner.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Between two requests on one connection (nginx: 75 s, Apache: 5 s). apt and terraform send
/// their next request at once; idle connections only hold a file descriptor each.
pub const DEFAULT_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(30);
/// nginx's `client_max_body_size` default. wharf takes no uploads: the largest body it reads is
/// a token exchange of a few kilobytes.
pub const DEFAULT_MAX_REQUEST_BODY: u64 = 1 << 20;
/// wharf's components stream packages in small chunks; the largest thing one holds is an APT
/// index, a few megabytes for a large private repository.
pub const DEFAULT_MAX_INSTANCE_MEMORY: u64 = 128 << 20;
/// A client that accepts no response byte for this long is gone (nginx's `send_timeout`).
pub const SEND_STALL_TIMEOUT: Duration = Duration::from_secs(60);
/// Connections wharf-host allows by default, when the open-file limit leaves room for them.
const DEFAULT_MAX_CONNECTIONS: u64 = 10_000;
/// File descriptors kept for everything but client sockets: requests in flight open directory
/// mounts and outbound connections, plus SQLite, the listener and the compile cache.
const RESERVED_DESCRIPTORS: u64 = 1024;

#[derive(Debug, Clone)]
pub struct ServerLimits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub keep_alive_timeout: Duration,
    pub max_request_body: u64,
    pub max_instance_memory: u64,
}

/// The process's open-file limit before and after wharf-host raised it.
#[derive(Debug, Clone, Copy)]
pub struct FileLimit {
    pub before: u64,
    pub now: u64,
}

/// Raises the soft open-file limit to the hard one: every connection is a file descriptor, and
/// the usual soft default (1,024) would let a few hundred slow clients exhaust it. Raising the
/// soft limit needs no privilege; the hard limit is the operator's (systemd's `LimitNOFILE`).
pub fn raise_file_limit() -> FileLimit {
    let before = rlimit::getrlimit(rlimit::Resource::NOFILE)
        .map(|(soft, _)| soft)
        .unwrap_or(1024);
    let now = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(before);
    FileLimit { before, now }
}

/// As many connections as the file limit leaves room for, at most `DEFAULT_MAX_CONNECTIONS`.
pub fn default_max_connections(file_limit: u64) -> usize {
    let reserved = RESERVED_DESCRIPTORS.min(file_limit / 2);
    let room = file_limit.saturating_sub(reserved).max(1);
    usize::try_from(room.min(DEFAULT_MAX_CONNECTIONS)).unwrap_or(usize::MAX)
}

/// Whether `max_connections` can exceed what the file limit allows (said at start).
pub fn exceeds_file_limit(max_connections: usize, file_limit: u64) -> bool {
    (max_connections as u64).saturating_add(RESERVED_DESCRIPTORS.min(file_limit / 2)) > file_limit
}

/// Sizes as operators write them: `1048576`, `512KiB`, `1MiB`, `2M`, `1GiB` (K/M/G are binary,
/// as in Spin's and systemd's usage).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size (e.g. 1048576, 512KiB, 64MiB, 1GiB)"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit '{other}' in '{text}' (use KiB, MiB or GiB)"
            ))
        }
    };
    let size = number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("'{text}' is too large"))?;
    if size == 0 {
        return Err("a size of 0 would refuse everything".to_owned());
    }
    Ok(size)
}

/// Whole seconds, at least one.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: u64 = text
        .trim()
        .trim_end_matches('s')
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if seconds == 0 {
        return Err("a timeout of 0 seconds would close every connection at once".to_owned());
    }
    Ok(Duration::from_secs(seconds))
}

/// `1 MiB`, `512 KiB`, `1500 bytes`: for messages.
pub fn describe_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_operators_write_them() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("64 MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2M"), Ok(2 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("12 parsecs").unwrap_err().contains("parsecs"));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err());
    }

    #[test]
    fn seconds_are_whole_and_positive() {
        assert_eq!(parse_seconds("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_seconds("10s"), Ok(Duration::from_secs(10)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("soon").is_err());
    }

    #[test]
    fn sizes_are_described_in_their_largest_whole_unit() {
        assert_eq!(describe_size(1 << 20), "1 MiB");
        assert_eq!(describe_size(128 << 20), "128 MiB");
        assert_eq!(describe_size(1536), "1536 bytes");
        assert_eq!(describe_size(3 << 10), "3 KiB");
    }

    #[test]
    fn the_default_connection_limit_leaves_room_for_everything_else() {
        assert_eq!(default_max_connections(1_048_576), 10_000);
        assert_eq!(default_max_connections(20_000), 10_000);
        assert_eq!(default_max_connections(4096), 3072);
        assert_eq!(default_max_connections(1024), 512);
        assert!(!exceeds_file_limit(10_000, 20_000));
        assert!(exceeds_file_limit(1000, 1024));
    }
}
