//! The repository's signing key and what it produces: InRelease, Release.gpg, detached binary
//! signatures (a Terraform provider's `SHA256SUMS.sig`) and the public key.

use std::fmt;

use pgp::composed::{
    ArmorOptions, CleartextSignedMessage, Deserializable, DetachedSignature, KeyType,
    SignedPublicKey, SignedSecretKey,
};
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::SignatureType;
use pgp::ser::Serialize;
use pgp::types::{KeyDetails, KeyVersion, Password, PublicParams, SecretParams};
use rand_core::{CryptoRng, RngCore};
use rsa::traits::PublicKeyParts;

use crate::key_generation::generate_secret_key;
use crate::signature_config::{sha512_config, timestamp};
use crate::signing_error::SigningError;

/// A v4 OpenPGP key (Ed25519, or RSA of at least 2048 bits) that signs with SHA-512: APT
/// Release files, and the `SHA256SUMS` of Terraform providers (Terraform before 1.6 verifies
/// only RSA, DSA and ECDSA keys, so providers are signed with RSA).
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
            secret: generate_secret_key(user_id, created_at, KeyType::Ed25519Legacy, rng)?,
        })
    }

    /// Generates a new RSA key of `bits` (2048, 3072 or 4096) for `user_id`, created at
    /// `created_at`: the key type every Terraform version verifies. Takes seconds for 4096 bits.
    pub fn generate_rsa<R: RngCore + CryptoRng>(
        user_id: &str,
        created_at: u64,
        bits: u32,
        rng: R,
    ) -> Result<Self, SigningError> {
        if !matches!(bits, 2048 | 3072 | 4096) {
            return Err(SigningError::UnsupportedKey(format!(
                "an RSA key of {bits} bits; choose 2048, 3072 or 4096"
            )));
        }
        Ok(Self {
            secret: generate_secret_key(user_id, created_at, KeyType::Rsa(bits), rng)?,
        })
    }

    /// Reads an unprotected armored secret key (`-----BEGIN PGP PRIVATE KEY BLOCK-----`), as
    /// kept in a CI secret. Refuses passphrase-protected keys, keys other than v4 Ed25519 or
    /// RSA of at least 2048 bits, keys not marked for signing and keys whose self-signatures
    /// do not verify.
    pub fn from_armored_secret(armored: &str) -> Result<Self, SigningError> {
        let (secret, _headers) = SignedSecretKey::from_string(armored)
            .map_err(|err| SigningError::UnreadableSecretKey(err.to_string()))?;
        let key = &secret.primary_key;
        let supported = key.version() == KeyVersion::V4
            && match key.public_params() {
                PublicParams::EdDSALegacy(_) => true,
                PublicParams::RSA(rsa) => rsa.key.n().bits() >= 2048,
                _ => false,
            };
        if !supported {
            return Err(SigningError::UnsupportedKey(format!(
                "a {:?} key of algorithm {:?}{}",
                key.version(),
                key.algorithm(),
                match key.public_params() {
                    PublicParams::RSA(rsa) =>
                        format!(" with {} bits (at least 2048 needed)", rsa.key.n().bits()),
                    _ => String::new(),
                }
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

    /// Whether this is an RSA key (which Terraform 1.0 to 1.5 can verify) rather than Ed25519.
    pub fn is_rsa(&self) -> bool {
        self.secret.primary_key.algorithm() == PublicKeyAlgorithm::RSA
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
        self.sign_detached(data, created_at)?
            .to_armored_string(ArmorOptions::default())
            .map_err(SigningError::pgp("armoring the signature"))
    }

    /// A detached binary signature over `data` as raw OpenPGP packets (what `gpg
    /// --detach-sign` writes without `--armor`): a provider's `SHA256SUMS.sig`, which Terraform
    /// reads only in this form.
    pub fn detached_signature_bytes(
        &self,
        data: &[u8],
        created_at: u64,
    ) -> Result<Vec<u8>, SigningError> {
        self.sign_detached(data, created_at)?
            .to_bytes()
            .map_err(SigningError::pgp("serialising the signature"))
    }

    fn sign_detached(
        &self,
        data: &[u8],
        created_at: u64,
    ) -> Result<DetachedSignature, SigningError> {
        let config = sha512_config(
            &self.secret.primary_key,
            SignatureType::Binary,
            self.signing_time(created_at)?,
            vec![],
        )?;
        let signature = config
            .sign(&self.secret.primary_key, &Password::empty(), data)
            .map_err(SigningError::pgp("signing"))?;
        Ok(DetachedSignature::new(signature))
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
