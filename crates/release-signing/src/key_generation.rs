//! Making a new key: an Ed25519 or RSA primary key (certify + sign) with one user ID,
//! self-signed at a given time. Built from rPGP's parts rather than its key builder, because the
//! builder stamps self-signatures with the current clock and uses SHA-256.

use pgp::composed::{KeyType, SignedKeyDetails, SignedSecretKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{self, Features, KeyFlags, PubKeyInner, SignatureType, SubpacketData, UserId};
use pgp::types::{KeyVersion, Password, SignedUser, Tag};
use rand_core::{CryptoRng, RngCore};

use crate::signature_config::{sha512_config, timestamp};
use crate::signing_error::SigningError;

pub(crate) fn generate_secret_key<R: RngCore + CryptoRng>(
    user_id: &str,
    created_at: u64,
    key_type: KeyType,
    rng: R,
) -> Result<SignedSecretKey, SigningError> {
    if user_id.trim().is_empty() || user_id.contains(['\n', '\r']) {
        return Err(SigningError::InvalidUserId(user_id.to_owned()));
    }
    let created = timestamp(created_at)?;
    let action = "generating the key";

    let (public_params, secret_params) =
        key_type.generate(rng).map_err(SigningError::pgp(action))?;
    let public_inner = PubKeyInner::new(
        KeyVersion::V4,
        key_type.to_alg(),
        created,
        None,
        public_params,
    )
    .map_err(SigningError::pgp(action))?;
    let public_key =
        packet::PublicKey::from_inner(public_inner).map_err(SigningError::pgp(action))?;
    let secret_key = packet::SecretKey::new(public_key.clone(), secret_params)
        .map_err(SigningError::pgp(action))?;

    let mut flags = KeyFlags::default();
    flags.set_certify(true);
    flags.set_sign(true);
    let mut features = Features::default();
    features.set_seipd_v1(true);
    let self_signature_extras = vec![
        SubpacketData::KeyFlags(flags),
        SubpacketData::Features(features),
        SubpacketData::PreferredHashAlgorithms(
            vec![HashAlgorithm::Sha512, HashAlgorithm::Sha256].into(),
        ),
        SubpacketData::IsPrimary(true),
    ];

    let user = UserId::from_str(Default::default(), user_id).map_err(SigningError::pgp(action))?;
    let certification = sha512_config(
        &secret_key,
        SignatureType::CertPositive,
        created,
        self_signature_extras,
    )?
    .sign_certification(
        &secret_key,
        &public_key,
        &Password::empty(),
        Tag::UserId,
        &user,
    )
    .map_err(SigningError::pgp("self-signing the user ID"))?;

    Ok(SignedSecretKey::new(
        secret_key,
        SignedKeyDetails::new(
            vec![],
            vec![],
            vec![SignedUser::new(user, vec![certification])],
            vec![],
        ),
        vec![],
        vec![],
    ))
}
