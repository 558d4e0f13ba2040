//! wharf's `h1:`/`zh:` hashes against the ones real Terraform computed for the same packages
//! (see `tests/data/README.md`).

use std::fs::File;
use std::path::PathBuf;

use terraform_providers::PackageHashes;

fn data(name: &str) -> File {
    File::open(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(name),
    )
    .expect("test data")
}

#[test]
fn a_single_file_package_hashes_as_terraform_recorded_it() {
    let hashes = PackageHashes::of_zip(data("terraform-provider-hello_1.0.0_linux_amd64.zip"))
        .expect("hashes");
    assert_eq!(
        hashes.h1_contents,
        "h1:/n3vKM8a8YlCKvtHQS6/1jQZEn69+RYUZ4Ry+nVTSQU="
    );
    assert_eq!(hashes.h1_archive, hashes.h1_contents);
    assert_eq!(
        hashes.zh,
        "zh:4b2e92083d829b42915086133d3034047de813c83eee1ea29214b9be22e902d3"
    );
    assert_eq!(
        hashes.listed(),
        [hashes.h1_contents.clone(), hashes.zh.clone()]
    );
}

#[test]
fn a_package_with_a_directory_entry_has_both_of_terraforms_h1_hashes() {
    let hashes = PackageHashes::of_zip(data("with-directory-entry.zip")).expect("hashes");
    // What `terraform init` / `terraform providers lock` record.
    assert_eq!(
        hashes.h1_contents,
        "h1:vagmYyXCJDFaZ9dcIugXkSqBU9riOrLqhanRV1f8hkE="
    );
    // What `terraform providers mirror` records.
    assert_eq!(
        hashes.h1_archive,
        "h1:BPyKQcrZRXe9xfLTtKqu1+OdbtShZ0hoYNqExZhA9uk="
    );
    assert_eq!(
        hashes.zh,
        "zh:a7a80723c37db7ea01ca1103d52ce3f335170cc8f16a6c765ecd3ad1d21b395b"
    );
    assert_eq!(
        hashes.listed(),
        [
            hashes.h1_contents.clone(),
            hashes.h1_archive.clone(),
            hashes.zh.clone()
        ]
    );
}

#[test]
fn a_truncated_package_is_refused() {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut data("with-directory-entry.zip"), &mut bytes).expect("read");
    bytes.truncate(bytes.len() / 2);
    assert!(PackageHashes::of_zip(std::io::Cursor::new(bytes)).is_err());
}
