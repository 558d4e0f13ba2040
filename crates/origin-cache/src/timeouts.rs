//! Every call to the origin is bounded, so a hung GitHub costs a client seconds, not the
//! 600 s wasi:http hosts wait by default.

use std::time::Duration;

/// The wasi:http request options of one kind of call, and the deadline wharf itself keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UpstreamTimeouts {
    /// Connecting (TCP and TLS).
    pub connect: Duration,
    /// From sending the request to the response head.
    pub first_byte: Duration,
    /// Between two chunks of the body.
    pub between_bytes: Duration,
    /// The whole exchange, head and body, enforced by the component itself. Buffered
    /// answers have one (a server dripping a byte every few seconds passes the per-chunk
    /// bound forever); streamed downloads do not, since a large package legitimately takes
    /// minutes.
    pub whole_exchange: Option<Duration>,
}

impl UpstreamTimeouts {
    /// REST API calls answered with JSON or a metadata file. GitHub answers them in well
    /// under a second; five seconds of silence means it is not going to.
    pub const API: Self = Self {
        connect: Duration::from_secs(3),
        first_byte: Duration::from_secs(5),
        between_bytes: Duration::from_secs(5),
        whole_exchange: Some(Duration::from_secs(20)),
    };

    /// Archive and release-asset downloads: codeload may take a few seconds to start a
    /// tarball of a large repository; after that, bytes flow.
    pub const DOWNLOAD: Self = Self {
        connect: Duration::from_secs(3),
        first_byte: Duration::from_secs(10),
        between_bytes: Duration::from_secs(10),
        whole_exchange: None,
    };

    /// How long wharf waits for the response head before giving up on the host honouring
    /// the request options: connect, first byte, and a second of slack.
    pub fn head_deadline(&self) -> Duration {
        self.connect + self.first_byte + Duration::from_secs(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hung_origin_costs_seconds() {
        for timeouts in [UpstreamTimeouts::API, UpstreamTimeouts::DOWNLOAD] {
            assert!(timeouts.head_deadline() <= Duration::from_secs(15));
            assert!(timeouts.between_bytes <= Duration::from_secs(10));
        }
        assert!(
            UpstreamTimeouts::API
                .whole_exchange
                .expect("API calls have a deadline")
                >= UpstreamTimeouts::API.head_deadline()
        );
    }
}
