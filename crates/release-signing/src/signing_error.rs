//! Errors of key handling and signing. None of them carries secret key material.

/// Why a key could not be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum SigningError {
    /// The user ID is empty or spans several lines.
    #[error(
        "invalid user ID {0:?}: it must be one non-empty line, like `Wharf APT <apt@example.org>`"
    )]
    InvalidUserId(String),
    /// A time does not fit OpenPGP's 32-bit unix timestamps.
    #[error("time {0} is out of OpenPGP's range (unix seconds up to 4294967295)")]
    TimeOutOfRange(u64),
    /// A signature would be older than the key, which gpgv rejects.
    #[error("cannot sign at {created_at}: the key was created later, at {key_created_at}, and gpgv rejects such signatures")]
    SignedBeforeKeyCreation {
        /// The requested signature time.
        created_at: u64,
        /// The key's creation time.
        key_created_at: u64,
    },
    /// A line of text to clearsign ends in whitespace, which verifiers strip.
    #[error("line {line} of the text to clearsign ends with a space or tab, which would break the signature; trim it")]
    TrailingWhitespace {
        /// 1-based line number.
        line: usize,
    },
    /// The armored text is not an OpenPGP secret key.
    #[error("cannot read the armored secret key: {0}")]
    UnreadableSecretKey(String),
    /// The secret key is passphrase-protected.
    #[error(
        "the secret key is protected by a passphrase; export it unprotected for use as a CI secret"
    )]
    PassphraseProtected,
    /// The key is not a v4 Ed25519 signing key.
    #[error("unsupported signing key: {0}; generate one with SigningKey::generate (v4 Ed25519)")]
    UnsupportedKey(String),
    /// The key's self-signatures do not verify.
    #[error("the secret key's self-signatures do not verify: {0}")]
    InvalidSelfSignature(String),
    /// rPGP failed while creating a key or signature, or serialising one.
    #[error("OpenPGP operation failed while {action}: {reason}")]
    Pgp {
        /// What was being done.
        action: &'static str,
        /// rPGP's message.
        reason: String,
    },
}

impl SigningError {
    pub(crate) fn pgp(action: &'static str) -> impl FnOnce(pgp::errors::Error) -> Self {
        move |err| Self::Pgp {
            action,
            reason: err.to_string(),
        }
    }
}
