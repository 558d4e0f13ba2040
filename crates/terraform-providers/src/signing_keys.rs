//! The OpenPGP public keys that may sign provider releases, and the check of a release's
//! `SHA256SUMS.sig` against them.
//!
//! Terraform checks the signature itself with the keys the registry returns, but by then it
//! has already asked for the release: wharf checks first and offers only what verifies, and
//! returns the one key that verified (Terraform 1.0 to 1.5 give up on the first key they cannot
//! read, Ed25519 among them, so a key set mixing types must not reach them).
//!
//! Only binary signatures are accepted: Terraform reads nothing else ("tag byte does not have
//! MSB set"), and `gpg --detach-sign` without `--armor` is what GoReleaser runs.

use pgp::composed::{ArmorOptions, Deserializable, DetachedSignature, SignedPublicKey};
use pgp::crypto::hash::HashAlgorithm;
use pgp::crypto::public_key::PublicKeyAlgorithm;
use pgp::packet::SignatureType;
use pgp::types::KeyDetails;
use sha2::{Digest, Sha256};

/// The largest signature file read (an RSA-4096 signature is ~550 bytes).
pub const MAX_SIGNATURE_BYTES: usize = 64 * 1024;

const BEGIN_PUBLIC_KEY: &str = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END_PUBLIC_KEY: &str = "-----END PGP PUBLIC KEY BLOCK-----";

/// One key allowed to sign.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    key: SignedPublicKey,
    armored: String,
    key_id: String,
    fingerprint: String,
    user_ids: Vec<String>,
}

impl TrustedKey {
    fn new(key: SignedPublicKey) -> Result<Self, KeyError> {
        let fingerprint = format!("{:X}", key.primary_key.fingerprint());
        let user_ids: Vec<String> = key
            .details
            .users
            .iter()
            .map(|user| String::from_utf8_lossy(user.id.id()).into_owned())
            .collect();
        let refuse = |reason: String| KeyError {
            fingerprint: Some(fingerprint.clone()),
            reason,
        };
        if !key.details.revocation_signatures.is_empty() {
            return Err(refuse("it is revoked".to_owned()));
        }
        key.verify_bindings()
            .map_err(|error| refuse(format!("its self-signatures do not verify ({error})")))?;
        let armored = key
            .to_armored_string(ArmorOptions::default())
            .map_err(|error| refuse(format!("it cannot be armored again ({error})")))?;
        Ok(Self {
            key_id: key_id_hex(&key.primary_key.legacy_key_id()),
            fingerprint,
            user_ids,
            armored,
            key,
        })
    }

    /// The 16-hex-digit key ID Terraform prints ("self-signed, key ID …").
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The 40-hex-digit fingerprint.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The public key, armored, as the registry protocol's `ascii_armor`.
    pub fn armored(&self) -> &str {
        &self.armored
    }

    /// The user IDs (`Name <email>`), for logs.
    pub fn user_ids(&self) -> &[String] {
        &self.user_ids
    }

    /// Terraform before 1.6 (golang.org/x/crypto/openpgp) reads RSA, DSA and ECDSA keys
    /// only; this says why when the key is of another type.
    pub fn old_terraform_problem(&self) -> Option<String> {
        match self.key.primary_key.algorithm() {
            PublicKeyAlgorithm::RSA
            | PublicKeyAlgorithm::RSASign
            | PublicKeyAlgorithm::DSA
            | PublicKeyAlgorithm::ECDSA => None,
            other => Some(format!(
                "key {} is {other:?}: Terraform before 1.6 cannot read it and refuses every provider it signs; sign with an RSA key",
                self.key_id
            )),
        }
    }
}

impl TrustedKey {
    /// [`Self::old_terraform_problem`], when the client is such a Terraform: `terraform_version`
    /// is what Terraform sends in `X-Terraform-Version` (`1.0.3`).
    pub fn problem_for_client(&self, terraform_version: &str) -> Option<String> {
        let mut parts = terraform_version.split('.');
        let major: u32 = parts.next()?.parse().ok()?;
        let minor: u32 = parts.next()?.parse().ok()?;
        if (major, minor) < (1, 6) {
            self.old_terraform_problem()
        } else {
            None
        }
    }
}

/// A key that cannot be trusted; the message is for the operator's log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("signing key {}: {reason}", fingerprint.as_deref().unwrap_or("(unreadable)"))]
pub struct KeyError {
    /// The key's fingerprint, when it could be read.
    pub fingerprint: Option<String>,
    /// What is wrong.
    pub reason: String,
}

/// The keys that may sign, from one or more armored public key blocks.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: Vec<TrustedKey>,
}

/// Why a release's signature does not make it trustworthy. Messages say what to do and are
/// meant for the operator's log and for Terraform's warnings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    /// Nothing is configured to verify against.
    #[error("no signing keys are configured for this provider: set provider_signing_keys or add registry/providers/NAMESPACE/signing-keys.asc")]
    NoKeys,
    /// ASCII armor instead of binary packets.
    #[error("SHA256SUMS.sig is ASCII-armored, which Terraform cannot read; sign with `gpg --detach-sign` without --armor")]
    Armored,
    /// Not an OpenPGP signature.
    #[error("SHA256SUMS.sig is not an OpenPGP signature ({0})")]
    Unreadable(String),
    /// Made with a hash that is no longer safe.
    #[error("SHA256SUMS.sig uses {0}, which is not safe; sign with SHA-256 or stronger")]
    WeakHash(String),
    /// Not a signature over a document.
    #[error("SHA256SUMS.sig is a {0:?} signature, not a signature of the file")]
    WrongType(String),
    /// No trusted key made it.
    #[error("SHA256SUMS.sig was made by key {issuer}, which is not among the configured signing keys ({trusted})")]
    UnknownIssuer {
        /// The issuer key IDs the signature names.
        issuer: String,
        /// The key IDs configured.
        trusted: String,
    },
    /// A trusted key made it, but not over this `SHA256SUMS`.
    #[error("SHA256SUMS.sig does not verify against key {key_id}: the file or the signature was altered ({reason})")]
    Invalid {
        /// The trusted key that was tried.
        key_id: String,
        /// rPGP's reason.
        reason: String,
    },
}

impl TrustedKeys {
    /// Reads every public key in `text` (any number of armored blocks, each with one or more
    /// keys). Keys that cannot be trusted are left out and reported, so one bad key in a
    /// configuration does not take the others down with it.
    pub fn parse_armored(text: &str) -> (Self, Vec<KeyError>) {
        let mut keys = Vec::new();
        let mut problems = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(BEGIN_PUBLIC_KEY) {
            let block_and_rest = &rest[start..];
            let Some(end) = block_and_rest.find(END_PUBLIC_KEY) else {
                problems.push(KeyError {
                    fingerprint: None,
                    reason: format!("an armored block has no '{END_PUBLIC_KEY}' line"),
                });
                break;
            };
            let block = &block_and_rest[..end + END_PUBLIC_KEY.len()];
            rest = &block_and_rest[end + END_PUBLIC_KEY.len()..];
            match SignedPublicKey::from_armor_many(block.as_bytes()) {
                Ok((parsed, _headers)) => {
                    for key in parsed {
                        match key
                            .map_err(|error| KeyError {
                                fingerprint: None,
                                reason: format!("it is not a readable OpenPGP key ({error})"),
                            })
                            .and_then(TrustedKey::new)
                        {
                            Ok(key) => keys.push(key),
                            Err(problem) => problems.push(problem),
                        }
                    }
                }
                Err(error) => problems.push(KeyError {
                    fingerprint: None,
                    reason: format!("an armored block is unreadable ({error})"),
                }),
            }
        }
        if keys.is_empty() && problems.is_empty() && !text.trim().is_empty() {
            problems.push(KeyError {
                fingerprint: None,
                reason: format!("the text holds no '{BEGIN_PUBLIC_KEY}' block"),
            });
        }
        (Self { keys }, problems)
    }

    /// Adds `other`'s keys (a key already present is not added twice).
    pub fn extend(&mut self, other: TrustedKeys) {
        for key in other.keys {
            if !self
                .keys
                .iter()
                .any(|known| known.fingerprint == key.fingerprint)
            {
                self.keys.push(key);
            }
        }
    }

    /// Whether no key is trusted.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys.
    pub fn iter(&self) -> impl Iterator<Item = &TrustedKey> {
        self.keys.iter()
    }

    /// The key with this fingerprint.
    pub fn by_fingerprint(&self, fingerprint: &str) -> Option<&TrustedKey> {
        self.keys.iter().find(|key| key.fingerprint == fingerprint)
    }

    /// A short digest of which keys these are, for cache keys: a verdict reached with one key
    /// set means nothing for another.
    pub fn digest(&self) -> String {
        let mut fingerprints: Vec<&str> = self.keys.iter().map(|key| key.fingerprint()).collect();
        fingerprints.sort_unstable();
        let digest = Sha256::digest(fingerprints.join(",").as_bytes());
        hex::encode(&digest[..8])
    }

    /// Checks that `signature` (a binary detached OpenPGP signature) over `document` was made
    /// by one of these keys (its primary key, or a subkey bound to it for signing), and
    /// returns that key.
    pub fn verify(
        &self,
        document: &[u8],
        signature: &[u8],
    ) -> Result<&TrustedKey, SignatureProblem> {
        if self.keys.is_empty() {
            return Err(SignatureProblem::NoKeys);
        }
        if signature.len() > MAX_SIGNATURE_BYTES {
            return Err(SignatureProblem::Unreadable(format!(
                "it is larger than {MAX_SIGNATURE_BYTES} bytes"
            )));
        }
        if signature.trim_ascii_start().starts_with(b"-----BEGIN") {
            return Err(SignatureProblem::Armored);
        }
        let detached = DetachedSignature::from_bytes(signature)
            .map_err(|error| SignatureProblem::Unreadable(error.to_string()))?;
        let packet = &detached.signature;
        match packet.hash_alg() {
            Some(HashAlgorithm::Md5 | HashAlgorithm::Sha1 | HashAlgorithm::Ripemd160) => {
                return Err(SignatureProblem::WeakHash(format!(
                    "{}",
                    packet.hash_alg().unwrap_or(HashAlgorithm::None)
                )))
            }
            Some(_) => {}
            None => {
                return Err(SignatureProblem::Unreadable(
                    "unknown hash algorithm".to_owned(),
                ))
            }
        }
        match packet.typ() {
            Some(SignatureType::Binary | SignatureType::Text) => {}
            other => return Err(SignatureProblem::WrongType(format!("{other:?}"))),
        }
        let issuers: Vec<String> = packet
            .issuer_key_id()
            .iter()
            .map(|id| key_id_hex(id))
            .chain(
                packet
                    .issuer_fingerprint()
                    .iter()
                    .map(|fp| format!("{fp:X}")),
            )
            .collect();
        // For the message: key IDs, as Terraform and GnuPG print them (a v4 fingerprint ends
        // with its key ID).
        let mut issuer_ids: Vec<&str> = issuers
            .iter()
            .map(|issuer| &issuer[issuer.len().saturating_sub(16)..])
            .collect();
        issuer_ids.dedup();
        let names_key = |candidate_id: String, candidate_fingerprint: String| {
            issuers.is_empty()
                || issuers
                    .iter()
                    .any(|issuer| *issuer == candidate_id || *issuer == candidate_fingerprint)
        };
        let mut attempted = None;
        for trusted in &self.keys {
            let primary = &trusted.key.primary_key;
            if names_key(
                key_id_hex(&primary.legacy_key_id()),
                format!("{:X}", primary.fingerprint()),
            ) && primary_may_sign(&trusted.key)
            {
                match detached.verify(&trusted.key, document) {
                    Ok(()) => return Ok(trusted),
                    Err(error) => attempted = Some((trusted.key_id.clone(), error.to_string())),
                }
            }
            for subkey in &trusted.key.public_subkeys {
                let bound_for_signing = subkey
                    .signatures
                    .iter()
                    .any(|binding| binding.key_flags().sign())
                    && subkey.verify_bindings(&trusted.key.primary_key).is_ok();
                if bound_for_signing
                    && names_key(
                        key_id_hex(&subkey.key.legacy_key_id()),
                        format!("{:X}", subkey.key.fingerprint()),
                    )
                {
                    match detached.verify(subkey, document) {
                        Ok(()) => return Ok(trusted),
                        Err(error) => attempted = Some((trusted.key_id.clone(), error.to_string())),
                    }
                }
            }
        }
        Err(match attempted {
            Some((key_id, reason)) => SignatureProblem::Invalid { key_id, reason },
            None => SignatureProblem::UnknownIssuer {
                issuer: issuer_ids.join(", "),
                trusted: self
                    .keys
                    .iter()
                    .map(|key| key.key_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            },
        })
    }
}

/// A primary key signs unless its self-signatures carry key flags without "sign" (the rule
/// Terraform's OpenPGP library applies too).
fn primary_may_sign(key: &SignedPublicKey) -> bool {
    let flagged: Vec<bool> = key
        .details
        .users
        .iter()
        .flat_map(|user| &user.signatures)
        .chain(&key.details.direct_signatures)
        .filter(|signature| signature.key_flags() != Default::default())
        .map(|signature| signature.key_flags().sign())
        .collect();
    flagged.is_empty() || flagged.contains(&true)
}

/// A key ID as GnuPG and Terraform print it: 16 uppercase hex digits.
fn key_id_hex(id: &pgp::types::KeyId) -> String {
    hex::encode_upper(id.as_ref())
}
