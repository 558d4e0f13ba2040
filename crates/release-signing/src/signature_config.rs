//! The one signature shape this crate makes: v4, EdDSA, SHA-512, with creation time, issuer
//! fingerprint (hashed) and issuer key ID (unhashed, for GnuPG 2.2).

use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{SignatureConfig, SignatureType, Subpacket, SubpacketData};
use pgp::types::{KeyDetails, Timestamp};

use crate::signing_error::SigningError;

/// Converts unix seconds to an OpenPGP timestamp (32 bits).
pub(crate) fn timestamp(unix_seconds: u64) -> Result<Timestamp, SigningError> {
    u32::try_from(unix_seconds)
        .map(Timestamp::from_secs)
        .map_err(|_| SigningError::TimeOutOfRange(unix_seconds))
}

/// A v4 SHA-512 signature configuration of `typ` by `key`, made at `created`, with the
/// extra hashed subpackets given (key flags and preferences for self-signatures).
pub(crate) fn sha512_config(
    key: &impl KeyDetails,
    typ: SignatureType,
    created: Timestamp,
    extra_hashed: Vec<SubpacketData>,
) -> Result<SignatureConfig, SigningError> {
    let subpacket = |data| {
        Subpacket::regular(data).map_err(SigningError::pgp("building a signature subpacket"))
    };
    let mut config = SignatureConfig::v4(typ, key.algorithm(), HashAlgorithm::Sha512);
    config.hashed_subpackets = vec![
        subpacket(SubpacketData::SignatureCreationTime(created))?,
        subpacket(SubpacketData::IssuerFingerprint(key.fingerprint()))?,
    ];
    for data in extra_hashed {
        config.hashed_subpackets.push(subpacket(data)?);
    }
    config.unhashed_subpackets = vec![subpacket(SubpacketData::IssuerKeyId(key.legacy_key_id()))?];
    Ok(config)
}
