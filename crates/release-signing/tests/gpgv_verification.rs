//! Signatures checked by the tools apt relies on: `gpgv` (GnuPG 2.2) and `gpg --list-packets`.

mod support;

use support::{stderr, test_key, GpgHome, SIGNED_AT};

const RELEASE: &str = "\
Origin: wharf
Label: wharf
Suite: stable
Codename: stable
Date: Tue, 14 Nov 2023 22:13:20 UTC
Architectures: amd64 arm64
Components: main
Acquire-By-Hash: yes
SHA256:
 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 main/binary-amd64/Packages
";

/// Flips one character of the first line of the signed text.
fn tamper(text: &str) -> String {
    text.replacen("Origin: wharf", "Origin: wharg", 1)
}

#[test]
fn gpgv_accepts_inrelease_and_rejects_a_one_byte_change() {
    let key = test_key(1);
    let home = GpgHome::new();
    let keyring = home.write("keyring.gpg", key.public_key_binary().unwrap());

    let in_release = key.clearsign(RELEASE, SIGNED_AT).unwrap();
    assert!(
        in_release.starts_with("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n"),
        "{in_release}"
    );
    let signed = home.write("InRelease", &in_release);
    let recovered = home.path("recovered");
    let output = home.gpgv(
        &keyring,
        &[
            "--output",
            recovered.to_str().unwrap(),
            signed.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "gpgv rejected InRelease: {}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(&key.fingerprint()),
        "{}",
        stderr(&output)
    );
    // The text gpgv vouches for is exactly the Release file.
    assert_eq!(std::fs::read_to_string(&recovered).unwrap(), RELEASE);

    let tampered = tamper(&in_release);
    assert_ne!(tampered, in_release);
    let forged = home.write("InRelease.tampered", tampered);
    let output = home.gpgv(&keyring, &[forged.to_str().unwrap()]);
    assert!(
        !output.status.success(),
        "gpgv accepted a modified InRelease"
    );
    assert!(
        stderr(&output).contains("BAD signature"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn gpgv_accepts_release_gpg_and_rejects_a_one_byte_change() {
    let key = test_key(2);
    let home = GpgHome::new();
    let keyring = home.write("keyring.gpg", key.public_key_binary().unwrap());

    let signature = key
        .detached_signature(RELEASE.as_bytes(), SIGNED_AT)
        .unwrap();
    assert!(signature.starts_with("-----BEGIN PGP SIGNATURE-----"));
    let sig = home.write("Release.gpg", &signature);
    let release = home.write("Release", RELEASE);
    let output = home.gpgv(
        &keyring,
        &[sig.to_str().unwrap(), release.to_str().unwrap()],
    );
    assert!(
        output.status.success(),
        "gpgv rejected Release.gpg: {}",
        stderr(&output)
    );

    let modified = home.write("Release.modified", tamper(RELEASE));
    let output = home.gpgv(
        &keyring,
        &[sig.to_str().unwrap(), modified.to_str().unwrap()],
    );
    assert!(!output.status.success(), "gpgv accepted a modified Release");

    // A detached signature is binary: even a line-ending change must break it.
    let crlf = home.write("Release.crlf", RELEASE.replace('\n', "\r\n"));
    let output = home.gpgv(&keyring, &[sig.to_str().unwrap(), crlf.to_str().unwrap()]);
    assert!(
        !output.status.success(),
        "gpgv accepted Release with CRLF line endings"
    );
}

#[test]
fn another_key_does_not_verify() {
    let (signer, other) = (test_key(3), test_key(4));
    assert_ne!(signer.fingerprint(), other.fingerprint());
    let home = GpgHome::new();
    let keyring = home.write("other.gpg", other.public_key_binary().unwrap());
    let signed = home.write("InRelease", signer.clearsign(RELEASE, SIGNED_AT).unwrap());
    let output = home.gpgv(&keyring, &[signed.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("No public key"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn armored_public_key_dearmors_to_a_working_keyring() {
    let key = test_key(5);
    let home = GpgHome::new();
    let armored = key.public_key_armored().unwrap();
    assert!(armored.starts_with("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
    assert!(!armored.contains("PRIVATE"));
    let asc = home.write("public.asc", &armored);
    let keyring = home.path("dearmored.gpg");
    let output = home.run(
        "gpg",
        &[
            "--batch",
            "--yes",
            "--output",
            keyring.to_str().unwrap(),
            "--dearmor",
            asc.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        std::fs::read(&keyring).unwrap(),
        key.public_key_binary().unwrap()
    );
    let signed = home.write("InRelease", key.clearsign(RELEASE, SIGNED_AT).unwrap());
    assert!(home
        .gpgv(&keyring, &[signed.to_str().unwrap()])
        .status
        .success());
}

#[test]
fn packets_are_eddsa_v4_with_sha512_and_the_given_times() {
    let key = test_key(6);
    let home = GpgHome::new();

    let public = home.list_packets(&home.write("key.gpg", key.public_key_binary().unwrap()));
    assert!(public.contains(":public key packet:"), "{public}");
    assert!(
        public.contains("version 4, algo 22, created 1700000000"),
        "{public}"
    );
    assert!(!public.contains(":secret key packet:"), "{public}");
    assert!(
        public.contains(":user ID packet: \"Wharf Test <apt@example.org>\""),
        "{public}"
    );
    // The self-signature too: EdDSA, SHA-512, no SHA-1 anywhere.
    assert!(public.contains("algo 22, keyid"), "{public}");
    assert!(public.contains("digest algo 10"), "{public}");
    assert!(!public.contains("digest algo 2,"), "{public}");

    // gpg --list-packets stops at the cleartext of a clearsigned file (it does so for its own
    // too), so the InRelease check looks at its signature block alone.
    let in_release = key.clearsign(RELEASE, SIGNED_AT).unwrap();
    let block_start = in_release.find("-----BEGIN PGP SIGNATURE-----").unwrap();
    assert_eq!(
        &in_release[..block_start],
        format!("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\n{RELEASE}")
    );
    for (name, content) in [
        ("InRelease", in_release[block_start..].to_owned()),
        (
            "Release.gpg",
            key.detached_signature(RELEASE.as_bytes(), SIGNED_AT)
                .unwrap(),
        ),
    ] {
        let packets = home.list_packets(&home.write(name, content));
        assert!(
            packets.contains(":signature packet: algo 22"),
            "{name}: {packets}"
        );
        assert!(packets.contains("digest algo 10"), "{name}: {packets}");
        assert!(
            packets.contains("version 4, created 1700086400"),
            "{name}: {packets}"
        );
        let class = if name == "InRelease" {
            "sigclass 0x01"
        } else {
            "sigclass 0x00"
        };
        assert!(packets.contains(class), "{name}: {packets}");
    }
}

#[test]
fn lines_starting_with_a_dash_survive_clearsigning() {
    let key = test_key(7);
    let home = GpgHome::new();
    let keyring = home.write("keyring.gpg", key.public_key_binary().unwrap());
    let text = "Description: x\n-----BEGIN not really\n- dash\nEnd: y\n";
    let signed = home.write("InRelease", key.clearsign(text, SIGNED_AT).unwrap());
    let recovered = home.path("recovered");
    let output = home.gpgv(
        &keyring,
        &[
            "--output",
            recovered.to_str().unwrap(),
            signed.to_str().unwrap(),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(std::fs::read_to_string(recovered).unwrap(), text);
}
