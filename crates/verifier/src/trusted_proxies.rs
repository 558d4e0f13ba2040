//! Behind a reverse proxy (Caddy, an ingress controller), every client reaches wharf from the
//! proxy's address, and failures counted per address would lump all clients together: one
//! runner with a stale password would get everyone a 429. The operator names the proxies in
//! `trusted_proxies`; a request from one of them is counted under the client address the proxy
//! reports in `X-Forwarded-For`. Nobody else's `X-Forwarded-For` is believed: a client that
//! could choose its own address could escape its throttling with every request.

use std::net::{IpAddr, SocketAddr};

/// The networks whose `X-Forwarded-For` wharf believes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<Network>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Network {
    address: IpAddr,
    prefix_length: u8,
}

/// Why `trusted_proxies` cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trusted_proxies entry '{entry}' is not an IP address or network (e.g. 10.0.0.0/8, ::1): {reason}")]
pub struct TrustedProxiesError {
    entry: String,
    reason: &'static str,
}

impl TrustedProxies {
    /// Comma-separated addresses and networks: `127.0.0.1, ::1, 10.42.0.0/16`. Empty: none.
    pub fn parse(setting: &str) -> Result<Self, TrustedProxiesError> {
        let networks = setting
            .split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(Network::parse)
            .collect::<Result<_, _>>()?;
        Ok(Self { networks })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let address = canonical(address);
        self.networks
            .iter()
            .any(|network| network.contains(address))
    }

    /// The address a request's failures are counted under. `peer` is the address the
    /// connection came from (Spin's `spin-client-addr`, `ip:port`); `forwarded_for` every
    /// `X-Forwarded-For` value, joined with commas. From a trusted proxy, the right-most
    /// forwarded address that is not itself a trusted proxy is the client (proxies append the
    /// address they saw; everything left of it is whatever the client claimed). Anything else,
    /// or a forwarded entry that is not an address, counts under the peer.
    pub fn client_address(
        &self,
        peer: Option<&str>,
        forwarded_for: Option<&str>,
    ) -> Option<String> {
        let peer_address = peer.and_then(parse_address);
        let (Some(peer_address), Some(forwarded_for)) = (peer_address, forwarded_for) else {
            return peer.map(str::to_owned);
        };
        if !self.contains(peer_address) {
            return peer.map(str::to_owned);
        }
        for entry in forwarded_for.rsplit(',') {
            match parse_address(entry.trim()) {
                Some(address) if self.contains(address) => continue,
                Some(address) => return Some(canonical(address).to_string()),
                None => break,
            }
        }
        peer.map(str::to_owned)
    }
}

impl Network {
    fn parse(entry: &str) -> Result<Self, TrustedProxiesError> {
        let invalid = |reason| TrustedProxiesError {
            entry: entry.to_owned(),
            reason,
        };
        let (address, prefix_length) = match entry.split_once('/') {
            Some((address, length)) => (
                address,
                Some(
                    length
                        .parse::<u8>()
                        .map_err(|_| invalid("the prefix length must be a number"))?,
                ),
            ),
            None => (entry, None),
        };
        let address = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| invalid("not an address"))?,
        );
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix_length = prefix_length.unwrap_or(bits);
        if prefix_length > bits {
            return Err(invalid("the prefix is longer than the address"));
        }
        Ok(Self {
            address,
            prefix_length,
        })
    }

    fn contains(&self, address: IpAddr) -> bool {
        let keep = |bits: u32, width: u32| -> u128 {
            if bits == 0 {
                0
            } else {
                (!0u128) << (width - bits)
            }
        };
        match (self.address, address) {
            (IpAddr::V4(network), IpAddr::V4(address)) => {
                let mask = keep(u32::from(self.prefix_length), 32) as u32;
                u32::from(network) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(address)) => {
                let mask = keep(u32::from(self.prefix_length), 128);
                u128::from(network) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// `192.0.2.1`, `192.0.2.1:443`, `::1`, `[::1]:443`.
fn parse_address(text: &str) -> Option<IpAddr> {
    text.parse::<IpAddr>()
        .ok()
        .or_else(|| text.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
}

/// IPv4-mapped IPv6 (`::ffff:192.0.2.1`, what a dual-stack listener reports) as IPv4.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        IpAddr::V4(_) => address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(setting: &str) -> TrustedProxies {
        TrustedProxies::parse(setting).expect("valid")
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(Some("127.0.0.1:5000"), Some("198.51.100.7")),
            Some("127.0.0.1:5000".to_owned())
        );
        assert_eq!(none.client_address(None, Some("198.51.100.7")), None);
    }

    #[test]
    fn a_trusted_proxy_names_the_client() {
        let caddy = proxies("127.0.0.1, ::1");
        assert_eq!(
            caddy.client_address(Some("127.0.0.1:5000"), Some("198.51.100.7")),
            Some("198.51.100.7".to_owned())
        );
        assert_eq!(
            caddy.client_address(Some("[::1]:5000"), Some("2001:db8::1")),
            Some("2001:db8::1".to_owned())
        );
        // No header: the proxy itself.
        assert_eq!(
            caddy.client_address(Some("127.0.0.1:5000"), None),
            Some("127.0.0.1:5000".to_owned())
        );
    }

    #[test]
    fn what_the_client_claimed_left_of_the_proxys_entry_is_ignored() {
        let ingress = proxies("10.42.0.0/16");
        // The client sent "203.0.113.9"; the ingress appended the address it saw.
        assert_eq!(
            ingress.client_address(Some("10.42.3.4:80"), Some("203.0.113.9, 198.51.100.7")),
            Some("198.51.100.7".to_owned())
        );
        // Two trusted hops: the right-most untrusted entry.
        assert_eq!(
            ingress.client_address(
                Some("10.42.3.4:80"),
                Some("203.0.113.9, 198.51.100.7, 10.42.0.9")
            ),
            Some("198.51.100.7".to_owned())
        );
    }

    #[test]
    fn a_spoofing_peer_outside_the_trusted_networks_is_not_believed() {
        let ingress = proxies("10.42.0.0/16");
        assert_eq!(
            ingress.client_address(Some("10.43.0.1:80"), Some("198.51.100.7")),
            Some("10.43.0.1:80".to_owned())
        );
    }

    #[test]
    fn garbage_or_only_trusted_entries_count_under_the_peer() {
        let caddy = proxies("127.0.0.1");
        for forwarded in ["not-an-address", "198.51.100.7, unknown", "127.0.0.1", ""] {
            assert_eq!(
                caddy.client_address(Some("127.0.0.1:5000"), Some(forwarded)),
                Some("127.0.0.1:5000".to_owned()),
                "{forwarded}"
            );
        }
    }

    #[test]
    fn mapped_ipv4_and_ports_in_forwarded_entries() {
        let caddy = proxies("127.0.0.1");
        assert_eq!(
            caddy.client_address(Some("[::ffff:127.0.0.1]:5000"), Some("198.51.100.7:61000")),
            Some("198.51.100.7".to_owned())
        );
        assert_eq!(
            caddy.client_address(Some("127.0.0.1:5000"), Some("::ffff:198.51.100.7")),
            Some("198.51.100.7".to_owned())
        );
    }

    #[test]
    fn networks_match_by_prefix() {
        let networks = proxies("10.0.0.0/8, 2001:db8::/32, 192.0.2.5, 0.0.0.0/0");
        assert!(networks.contains("10.255.0.1".parse().unwrap()));
        assert!(networks.contains("2001:db8:ffff::1".parse().unwrap()));
        assert!(
            networks.contains("8.8.8.8".parse().unwrap()),
            "0.0.0.0/0 holds every IPv4 address"
        );
        assert!(!networks.contains("2001:db9::1".parse().unwrap()));
        let exact = proxies("192.0.2.5");
        assert!(exact.contains("192.0.2.5".parse().unwrap()));
        assert!(!exact.contains("192.0.2.6".parse().unwrap()));
    }

    #[test]
    fn invalid_entries_are_named() {
        for (setting, reason) in [
            ("10.0.0.0/33", "longer than the address"),
            ("10.0.0.0/x", "prefix length"),
            ("proxy.internal", "not an address"),
            ("127.0.0.1:80", "not an address"),
        ] {
            let error = TrustedProxies::parse(setting).expect_err(setting);
            let message = error.to_string();
            assert!(
                message.contains(setting) && message.contains(reason),
                "{message}"
            );
        }
        assert_eq!(
            TrustedProxies::parse(" , ").expect("empty"),
            TrustedProxies::default()
        );
    }
}
