//! The repository's signing key and the three things it produces: InRelease, Release.gpg and
//! the public key.

use std::fmt;

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, SignedPublicKey,
    SignedSecretKey,
};
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::SignatureType;
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, KeyVersion, Password, SecretParams};
use rand_core::{CryptoRng, RngCore};

use crate::key_generation::generate_secret_key;
use crate::signature_config::{sha512_config, timestamp};
use crate::signing_error::SigningError;

/// A v4 Ed25519 OpenPGP key that signs APT Release files with SHA-512.
///
/// `Debug` shows the fingerprint only, never key material.
#[derive(Clone)]
pub struct SigningKey {
    secret: SignedSecretKey,
}

impl SigningKey {
    /// Generates a new key for `user_id` (e.g. `Wharf APT <apt@example.org>`), created at
    /// `created_at` (unix seconds; signatures must not be older than this).
    ///
    /// `rng` must be a cryptographic RNG, e.g. `rand_core::OsRng` with rand_core's
    /// `getrandom` feature (this crate re-exports [`rand_core`] 0.6, the version rPGP uses).
    pub fn generate<R: RngCore + CryptoRng>(
        user_id: &str,
        created_at: u64,
        rng: R,
    ) -> Result<Self, SigningError> {
        Ok(Self {
            secret: generate_secret_key(user_id, created_at, rng)?,
        })
    }

    /// Reads an unprotected armored secret key (`-----BEGIN PGP PRIVATE KEY BLOCK-----`), as
    /// kept in a CI secret. Refuses passphrase-protected keys, keys other than v4 Ed25519,
    /// keys not marked for signing and keys whose self-signatures do not verify.
    pub fn from_armored_secret(armored: &str) -> Result<Self, SigningError> {
        let (secret, _headers) = SignedSecretKey::from_string(armored)
            .map_err(|err| SigningError::UnreadableSecretKey(err.to_string()))?;
        let key = &secret.primary_key;
        if key.version() != KeyVersion::V4 || key.algorithm() != PublicKeyAlgorithm::EdDSALegacy {
            return Err(SigningError::UnsupportedKey(format!(
                "a {:?} key of algorithm {:?}",
                key.version(),
                key.algorithm()
            )));
        }
        if !matches!(key.secret_params(), SecretParams::Plain(_)) {
            return Err(SigningError::PassphraseProtected);
        }
        secret
            .verify_bindings()
            .map_err(|err| SigningError::InvalidSelfSignature(err.to_string()))?;
        let may_sign = secret
            .details
            .users
            .iter()
            .flat_map(|user| &user.signatures)
            .any(|signature| signature.key_flags().sign());
        if !may_sign {
            return Err(SigningError::UnsupportedKey(
                "its primary key is not marked for signing".into(),
            ));
        }
        Ok(Self { secret })
    }

    /// The secret key, armored and unprotected, for storing as a CI secret. Treat the result
    /// as the secret it is.
    pub fn to_armored_secret(&self) -> Result<String, SigningError> {
        self.secret
            .to_armored_string(ArmorOptions::default())
            .map_err(SigningError::pgp("armoring the secret key"))
    }

    /// The public key, armored: what `/public.key` serves and users save as `.asc`.
    pub fn public_key_armored(&self) -> Result<String, SigningError> {
        self.public_key()
            .to_armored_string(ArmorOptions::default())
            .map_err(SigningError::pgp("armoring the public key"))
    }

    /// The public key as binary OpenPGP packets: a keyring file for `Signed-By:` and
    /// `gpgv --keyring`.
    pub fn public_key_binary(&self) -> Result<Vec<u8>, SigningError> {
        self.public_key()
            .to_bytes()
            .map_err(SigningError::pgp("serialising the public key"))
    }

    /// The fingerprint, uppercase hex as `gpg` prints it.
    pub fn fingerprint(&self) -> String {
        format!("{:X}", self.secret.primary_key.fingerprint())
    }

    /// When the key was created (unix seconds).
    pub fn created_at(&self) -> u64 {
        u64::from(self.secret.primary_key.created_at().as_secs())
    }

    /// `InRelease`: `text` (the Release file) clearsigned, signature made at `created_at`.
    ///
    /// As with `gpg --clearsign`, the line break that ends the text is the one before the
    /// signature block and not part of the signed text; `gpgv --output` gives back `text`.
    /// Lines must not end in spaces or tabs: the cleartext framework drops those before
    /// verifying, so the signature would not match.
    pub fn clearsign(&self, text: &str, created_at: u64) -> Result<String, SigningError> {
        let signing_time = self.signing_time(created_at)?;
        if let Some(index) = text.lines().position(|line| line.ends_with([' ', '\t'])) {
            return Err(SigningError::TrailingWhitespace { line: index + 1 });
        }
        let body = text.strip_suffix('\n').unwrap_or(text);
        let config = sha512_config(
            &self.secret.primary_key,
            SignatureType::Text,
            signing_time,
            vec![],
        )?;
        CleartextSignedMessage::new(body, config, &self.secret.primary_key, &Password::empty())
            .map_err(SigningError::pgp("clearsigning"))?
            .to_armored_string(ArmorOptions::default())
            .map_err(SigningError::pgp("armoring the clearsigned text"))
    }

    /// `Release.gpg`: an armored detached binary signature over `data`, made at `created_at`.
    pub fn detached_signature(&self, data: &[u8], created_at: u64) -> Result<String, SigningError> {
        let config = sha512_config(
            &self.secret.primary_key,
            SignatureType::Binary,
            self.signing_time(created_at)?,
            vec![],
        )?;
        let signature = config
            .sign(&self.secret.primary_key, &Password::empty(), data)
            .map_err(SigningError::pgp("signing"))?;
        DetachedSignature::new(signature)
            .to_armored_string(ArmorOptions::default())
            .map_err(SigningError::pgp("armoring the signature"))
    }

    fn public_key(&self) -> SignedPublicKey {
        self.secret.to_public_key()
    }

    fn signing_time(&self, created_at: u64) -> Result<pgp::types::Timestamp, SigningError> {
        let key_created_at = self.created_at();
        if created_at < key_created_at {
            return Err(SigningError::SignedBeforeKeyCreation {
                created_at,
                key_created_at,
            });
        }
        timestamp(created_at)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}
