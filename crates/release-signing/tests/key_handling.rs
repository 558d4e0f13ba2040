//! Generating, exporting and importing keys, including keys made by GnuPG itself.

mod support;

use rand_chacha::rand_core::SeedableRng;
use release_signing::{SigningError, SigningKey};
use support::{stderr, test_key, GpgHome, KEY_CREATED, SIGNED_AT};

const TEXT: &str = "Origin: wharf\nSuite: stable\n";

/// Makes a key with `gpg --quick-gen-key` in `home` and returns it armored.
fn gpg_secret_key(home: &GpgHome, algo: &str, passphrase: &str) -> String {
    let base = [
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        passphrase,
    ];
    let mut generate = base.to_vec();
    generate.extend([
        "--quick-gen-key",
        "GnuPG Made <gpg@example.org>",
        algo,
        "sign",
        "never",
    ]);
    let output = home.run("gpg", &generate);
    assert!(output.status.success(), "{}", stderr(&output));
    let mut export = base.to_vec();
    export.extend(["--armor", "--export-secret-keys"]);
    let output = home.run("gpg", &export);
    assert!(output.status.success(), "{}", stderr(&output));
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn armored_secret_round_trips() {
    let key = test_key(10);
    let armored = key.to_armored_secret().unwrap();
    assert!(armored.starts_with("-----BEGIN PGP PRIVATE KEY BLOCK-----"));
    let restored = SigningKey::from_armored_secret(&armored).unwrap();
    assert_eq!(restored.fingerprint(), key.fingerprint());
    assert_eq!(restored.created_at(), KEY_CREATED);
    assert_eq!(
        restored.public_key_binary().unwrap(),
        key.public_key_binary().unwrap()
    );

    // The restored secret signs, and the original public key verifies it.
    let home = GpgHome::new();
    let keyring = home.write("keyring.gpg", key.public_key_binary().unwrap());
    let signed = home.write("InRelease", restored.clearsign(TEXT, SIGNED_AT).unwrap());
    assert!(home
        .gpgv(&keyring, &[signed.to_str().unwrap()])
        .status
        .success());
}

#[test]
fn fingerprint_is_the_one_gpg_computes_and_debug_shows_only_it() {
    let key = test_key(11);
    let home = GpgHome::new();
    let packets = home.list_packets(&home.write("key.gpg", key.public_key_binary().unwrap()));
    assert!(
        packets.contains(&format!("issuer fpr v4 {}", key.fingerprint())),
        "{packets}"
    );
    assert_eq!(key.fingerprint().len(), 40);

    let debug = format!("{key:?}");
    assert_eq!(
        debug,
        format!("SigningKey {{ fingerprint: {:?}, .. }}", key.fingerprint())
    );
    let armored = key.to_armored_secret().unwrap();
    for line in armored.lines().filter(|l| l.len() > 20) {
        assert!(!debug.contains(line));
    }
}

#[test]
fn the_same_seed_gives_the_same_key_and_different_seeds_do_not() {
    assert_eq!(test_key(12).fingerprint(), test_key(12).fingerprint());
    assert_ne!(test_key(12).fingerprint(), test_key(13).fingerprint());
}

#[test]
fn times_and_user_ids_are_checked() {
    let key = test_key(14);
    assert!(matches!(
        key.clearsign(TEXT, KEY_CREATED - 1),
        Err(SigningError::SignedBeforeKeyCreation { .. })
    ));
    assert!(matches!(
        key.detached_signature(TEXT.as_bytes(), KEY_CREATED - 1),
        Err(SigningError::SignedBeforeKeyCreation { .. })
    ));
    assert!(matches!(
        key.detached_signature(TEXT.as_bytes(), u64::from(u32::MAX) + 1),
        Err(SigningError::TimeOutOfRange(_))
    ));
    assert!(key.clearsign(TEXT, KEY_CREATED).is_ok());
    assert!(matches!(
        key.clearsign("A: b\nC: d \n", SIGNED_AT),
        Err(SigningError::TrailingWhitespace { line: 2 })
    ));

    let rng = || rand_chacha::ChaCha20Rng::from_seed([7; 32]);
    for bad in ["", "  ", "two\nlines"] {
        assert!(
            matches!(
                SigningKey::generate(bad, KEY_CREATED, rng()),
                Err(SigningError::InvalidUserId(_))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        SigningKey::generate("ok", u64::from(u32::MAX) + 1, rng()),
        Err(SigningError::TimeOutOfRange(_))
    ));
}

#[test]
fn unreadable_input_is_refused_without_echoing_it() {
    assert!(matches!(
        SigningKey::from_armored_secret("not a key"),
        Err(SigningError::UnreadableSecretKey(_))
    ));
    let key = test_key(15);
    assert!(matches!(
        SigningKey::from_armored_secret(&key.public_key_armored().unwrap()),
        Err(SigningError::UnreadableSecretKey(_))
    ));

    let armored = key.to_armored_secret().unwrap();
    let body_line = armored.lines().nth(3).unwrap().to_owned();
    let corrupted = armored.replacen(&body_line, &body_line.chars().rev().collect::<String>(), 1);
    let message = SigningKey::from_armored_secret(&corrupted)
        .unwrap_err()
        .to_string();
    for line in armored.lines().filter(|l| l.len() > 20) {
        assert!(!message.contains(line), "{message}");
    }
}

#[test]
fn keys_made_by_gnupg_are_accepted_or_refused_precisely() {
    let home = GpgHome::new();
    let unprotected = gpg_secret_key(&home, "ed25519", "");
    let key = SigningKey::from_armored_secret(&unprotected).unwrap();
    // GnuPG's own export of the public key verifies what this crate signs with its secret.
    let output = home.run("gpg", &["--batch", "--export", &key.fingerprint()]);
    assert!(
        output.status.success() && !output.stdout.is_empty(),
        "{}",
        stderr(&output)
    );
    let keyring = home.write("gnupg-export.gpg", output.stdout);
    // The test reads the clock (the library never does): the key was made just now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signed = home.write("InRelease", key.clearsign(TEXT, now).unwrap());
    let verified = home.gpgv(&keyring, &[signed.to_str().unwrap()]);
    assert!(verified.status.success(), "{}", stderr(&verified));

    let protected_home = GpgHome::new();
    let protected = gpg_secret_key(&protected_home, "ed25519", "hunter2");
    assert!(matches!(
        SigningKey::from_armored_secret(&protected),
        Err(SigningError::PassphraseProtected)
    ));

    let ecdsa_home = GpgHome::new();
    let ecdsa = gpg_secret_key(&ecdsa_home, "nistp256", "");
    let err = SigningKey::from_armored_secret(&ecdsa).unwrap_err();
    assert!(matches!(err, SigningError::UnsupportedKey(_)), "{err}");
}

#[test]
fn rsa_keys_sign_binary_detached_signatures_gpgv_accepts() {
    let key = SigningKey::generate_rsa(
        "Wharf Providers <providers@example.org>",
        KEY_CREATED,
        2048,
        rand_chacha::ChaCha20Rng::seed_from_u64(20),
    )
    .unwrap();
    assert!(key.is_rsa());
    let restored = SigningKey::from_armored_secret(&key.to_armored_secret().unwrap()).unwrap();
    assert_eq!(restored.fingerprint(), key.fingerprint());

    let home = GpgHome::new();
    let keyring = home.write("keyring.gpg", key.public_key_binary().unwrap());
    let sums = b"0123  terraform-provider-x_1.0.0_linux_amd64.zip\n";
    let document = home.write("SHA256SUMS", sums);
    let signature = restored.detached_signature_bytes(sums, SIGNED_AT).unwrap();
    assert_ne!(signature[0] & 0x80, 0, "binary OpenPGP packets, not armor");
    let signature_file = home.write("SHA256SUMS.sig", &signature);
    let args = [signature_file.to_str().unwrap(), document.to_str().unwrap()];
    let verified = home.gpgv(&keyring, &args);
    assert!(verified.status.success(), "{}", stderr(&verified));
    let packets = home.list_packets(&signature_file);
    assert!(
        packets.contains("algo 1,") && packets.contains("digest algo 10"),
        "{packets}"
    );

    home.write(
        "SHA256SUMS",
        b"0124  terraform-provider-x_1.0.0_linux_amd64.zip\n",
    );
    assert!(!home.gpgv(&keyring, &args).status.success());
}

#[test]
fn rsa_key_sizes_are_checked() {
    let error = SigningKey::generate_rsa(
        "Small <s@example.org>",
        KEY_CREATED,
        1024,
        rand_chacha::ChaCha20Rng::seed_from_u64(21),
    )
    .unwrap_err();
    assert!(error.to_string().contains("1024 bits"), "{error}");

    let home = GpgHome::new();
    let small = gpg_secret_key(&home, "rsa1024", "");
    let error = SigningKey::from_armored_secret(&small).unwrap_err();
    assert!(
        matches!(error, SigningError::UnsupportedKey(ref reason) if reason.contains("1024 bits")),
        "{error}"
    );
    let large_home = GpgHome::new();
    let accepted = gpg_secret_key(&large_home, "rsa3072", "");
    assert!(SigningKey::from_armored_secret(&accepted).unwrap().is_rsa());
}
