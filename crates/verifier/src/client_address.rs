//! The client address failures are counted under.

use std::net::{IpAddr, SocketAddr};

use sha2::{Digest, Sha256};

/// Hex digits of the address digest kept in keys: 128 bits, plenty to tell addresses apart.
const DIGEST_HEX_DIGITS: usize = 32;

/// A digest of the client's address block (see [`address_block`]), so keys hold no addresses.
pub(crate) fn address_key(client_address: Option<&str>) -> String {
    let block = client_address.map_or_else(|| "unknown".to_owned(), address_block);
    hex_digest(block.as_bytes())
}

/// SHA-256 as lowercase hex, shortened to [`DIGEST_HEX_DIGITS`].
pub(crate) fn hex_digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(DIGEST_HEX_DIGITS / 2)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A port is dropped, IPv4-mapped IPv6 counts as IPv4, and IPv6 counts per /64 — the block
/// one client typically holds — so hopping through a subnet's addresses does not reset the
/// count.
fn address_block(address: &str) -> String {
    let trimmed = address.trim();
    let ip = trimmed
        .parse::<IpAddr>()
        .ok()
        .or_else(|| trimmed.parse::<SocketAddr>().ok().map(|s| s.ip()));
    match ip {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        None => trimmed.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_blocks() {
        assert_eq!(address_block("192.0.2.1"), "192.0.2.1");
        assert_eq!(address_block("192.0.2.1:5000"), "192.0.2.1");
        assert_eq!(address_block("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(address_block("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(address_block("[2001:db8:1:2::9]:443"), "2001:db8:1:2::/64");
        assert_eq!(address_block(" not-an-ip "), "not-an-ip");
    }

    #[test]
    fn keys_are_digests_of_the_block() {
        let key = address_key(Some("192.0.2.1:5000"));
        assert_eq!(key.len(), DIGEST_HEX_DIGITS);
        assert!(key.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(key, address_key(Some("192.0.2.1:6000")));
        assert_ne!(key, address_key(Some("192.0.2.2:5000")));
        assert!(!key.contains("192"));
        assert_eq!(address_key(None), hex_digest(b"unknown"));
    }
}
