//! Signature checks against keys and signatures made by GnuPG, as provider authors make them.

mod support;

use support::Gpg;
use terraform_providers::{SignatureProblem, TrustedKeys};

const SUMS: &[u8] = b"4b2e92083d829b42915086133d3034047de813c83eee1ea29214b9be22e902d3  terraform-provider-hello_1.0.0_linux_amd64.zip\n";

fn trusted(armored: &str) -> TrustedKeys {
    let (keys, problems) = TrustedKeys::parse_armored(armored);
    assert!(problems.is_empty(), "{problems:?}");
    keys
}

#[test]
fn an_rsa_signature_by_a_trusted_key_verifies_and_names_the_key() {
    let gpg = Gpg::new();
    let fingerprint = gpg.generate("rsa@example.org", "rsa3072", "sign");
    let keys = trusted(&gpg.public_key(&fingerprint));
    let signature = gpg.sign(&fingerprint, SUMS, false);
    let key = keys.verify(SUMS, &signature).expect("verifies");
    assert_eq!(key.fingerprint(), fingerprint);
    assert_eq!(key.key_id(), &fingerprint[24..]);
    assert!(key.old_terraform_problem().is_none());
    assert!(key.problem_for_client("1.0.3").is_none());
    assert!(key.user_ids()[0].contains("rsa@example.org"));
    assert!(key
        .armored()
        .starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    // What is served back re-reads as the same key.
    assert_eq!(
        trusted(key.armored())
            .iter()
            .next()
            .map(|k| k.fingerprint().to_owned()),
        Some(fingerprint)
    );
}

#[test]
fn a_changed_document_or_signature_does_not_verify() {
    let gpg = Gpg::new();
    let fingerprint = gpg.generate("rsa@example.org", "rsa3072", "sign");
    let keys = trusted(&gpg.public_key(&fingerprint));
    let signature = gpg.sign(&fingerprint, SUMS, false);
    let mut altered = SUMS.to_vec();
    altered[0] = b'5';
    let error = keys.verify(&altered, &signature).expect_err("altered");
    assert!(
        matches!(error, SignatureProblem::Invalid { ref key_id, .. } if key_id == &fingerprint[24..]),
        "{error}"
    );
    let mut broken = signature.clone();
    let last = broken.len() - 1;
    broken[last] ^= 0x55;
    assert!(keys.verify(SUMS, &broken).is_err());
    assert!(matches!(
        keys.verify(SUMS, b"\x00\x01garbage"),
        Err(SignatureProblem::Unreadable(_))
    ));
}

#[test]
fn a_signature_by_another_key_names_both() {
    let author = Gpg::new();
    let author_key = author.generate("author@example.org", "rsa3072", "sign");
    let stranger = Gpg::new();
    let stranger_key = stranger.generate("stranger@example.org", "rsa3072", "sign");
    let keys = trusted(&author.public_key(&author_key));
    let error = keys
        .verify(SUMS, &stranger.sign(&stranger_key, SUMS, false))
        .expect_err("unknown issuer");
    let message = error.to_string();
    assert!(
        matches!(error, SignatureProblem::UnknownIssuer { .. }),
        "{message}"
    );
    assert!(
        message.contains(&stranger_key[24..]) && message.contains(&author_key[24..]),
        "{message}"
    );
}

#[test]
fn armored_signatures_are_refused_because_terraform_cannot_read_them() {
    let gpg = Gpg::new();
    let fingerprint = gpg.generate("rsa@example.org", "rsa3072", "sign");
    let keys = trusted(&gpg.public_key(&fingerprint));
    let armored = gpg.sign(&fingerprint, SUMS, true);
    let error = keys.verify(SUMS, &armored).expect_err("armored");
    assert_eq!(error, SignatureProblem::Armored);
    assert!(error.to_string().contains("without --armor"));
}

#[test]
fn a_signing_subkey_verifies_for_its_primary_key() {
    let gpg = Gpg::new();
    let primary = gpg.generate("author@example.org", "rsa3072", "cert");
    let subkey = gpg.add_subkey(&primary, "rsa3072", "sign");
    let keys = trusted(&gpg.public_key(&primary));
    let signature = gpg.sign(&format!("{subkey}!"), SUMS, false);
    assert_eq!(
        keys.verify(SUMS, &signature)
            .expect("verifies")
            .fingerprint(),
        primary
    );
}

#[test]
fn ed25519_keys_verify_but_are_flagged_for_old_terraform() {
    let gpg = Gpg::new();
    let fingerprint = gpg.generate("ed@example.org", "ed25519", "sign");
    let keys = trusted(&gpg.public_key(&fingerprint));
    let key = keys
        .verify(SUMS, &gpg.sign(&fingerprint, SUMS, false))
        .expect("verifies");
    let problem = key.old_terraform_problem().expect("flagged");
    assert!(problem.contains("Terraform before 1.6"), "{problem}");
    assert_eq!(key.problem_for_client("1.0.3"), Some(problem.clone()));
    assert_eq!(key.problem_for_client("0.15.5"), Some(problem));
    assert_eq!(key.problem_for_client("1.6.0"), None);
    assert_eq!(key.problem_for_client("1.11.4"), None);
    assert_eq!(key.problem_for_client("garbage"), None);
}

#[test]
fn keys_made_by_wharf_verify_signatures_made_by_wharf() {
    use rand_chacha::rand_core::SeedableRng;
    let key = release_signing::SigningKey::generate_rsa(
        "wharf providers <p@example.org>",
        1_700_000_000,
        2048,
        rand_chacha::ChaCha20Rng::seed_from_u64(7),
    )
    .expect("key");
    let keys = trusted(&key.public_key_armored().expect("armor"));
    let signature = key
        .detached_signature_bytes(SUMS, 1_700_000_100)
        .expect("signs");
    assert_eq!(
        keys.verify(SUMS, &signature)
            .expect("verifies")
            .fingerprint(),
        key.fingerprint()
    );
}

#[test]
fn several_blocks_revoked_keys_and_garbage_in_one_configuration() {
    let first = Gpg::new();
    let first_key = first.generate("one@example.org", "rsa3072", "sign");
    let second = Gpg::new();
    let second_key = second.generate("two@example.org", "rsa3072", "sign");
    let revoked = Gpg::new();
    let revoked_key = revoked.generate("gone@example.org", "rsa3072", "sign");
    let revoked_signature = revoked.sign(&revoked_key, SUMS, false);
    revoked.revoke(&revoked_key);
    let configuration = format!(
        "# keys of the platform team\n{}\n{}\n{}\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot base64 at all\n-----END PGP PUBLIC KEY BLOCK-----\n",
        first.public_key(&first_key),
        second.public_key(&second_key),
        revoked.public_key(&revoked_key),
    );
    let (keys, problems) = TrustedKeys::parse_armored(&configuration);
    let trusted_fingerprints: Vec<&str> = keys.iter().map(|key| key.fingerprint()).collect();
    assert_eq!(
        trusted_fingerprints,
        [first_key.as_str(), second_key.as_str()]
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("revoked") && p.to_string().contains(&revoked_key)),
        "{problems:?}"
    );
    assert!(matches!(
        keys.verify(SUMS, &revoked_signature),
        Err(SignatureProblem::UnknownIssuer { .. })
    ));
    assert!(keys
        .verify(SUMS, &second.sign(&second_key, SUMS, false))
        .is_ok());

    // The digest names the set, not its order.
    let (reordered, _) = TrustedKeys::parse_armored(&format!(
        "{}{}",
        second.public_key(&second_key),
        first.public_key(&first_key)
    ));
    assert_eq!(reordered.digest(), keys.digest());
    let (only_first, _) = TrustedKeys::parse_armored(&first.public_key(&first_key));
    assert_ne!(only_first.digest(), keys.digest());

    let (none, problems) = TrustedKeys::parse_armored("just some text");
    assert!(none.is_empty() && problems.len() == 1);
    assert!(matches!(
        TrustedKeys::default().verify(SUMS, b"x"),
        Err(SignatureProblem::NoKeys)
    ));
}

#[test]
fn sha1_signatures_are_refused() {
    let gpg = Gpg::new();
    let fingerprint = gpg.generate("rsa@example.org", "rsa3072", "sign");
    let keys = trusted(&gpg.public_key(&fingerprint));
    let input = gpg.path("sums");
    std::fs::write(&input, SUMS).expect("write");
    let output = gpg.path("sums.sig");
    let status = std::process::Command::new("gpg")
        .args([
            "--batch",
            "--digest-algo",
            "SHA1",
            "--local-user",
            &fingerprint,
            "--output",
        ])
        .arg(&output)
        .arg("--detach-sign")
        .arg(&input)
        .env("GNUPGHOME", gpg.path(""))
        .output()
        .expect("gpg");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let error = keys
        .verify(SUMS, &std::fs::read(output).expect("sig"))
        .expect_err("sha1");
    assert!(
        matches!(error, SignatureProblem::WeakHash(ref hash) if hash == "SHA1"),
        "{error}"
    );
}
