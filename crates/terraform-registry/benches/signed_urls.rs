//! What the archive route's signed-URL check costs per download, and signing one per
//! `/download` answer: `cargo bench -p terraform-registry`; not part of `make test`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use terraform_registry::{sign_archive_path, verify_archive_request, SignatureError};

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
const PATH: &str = "/archive/github/acme/network/0123456789abcdef0123456789abcdef01234567.tar.gz";
const NOW: u64 = 1_767_225_600;

fn signed_urls(c: &mut Criterion) {
    let query = sign_archive_path(KEY, PATH, NOW + 300).expect("signs");
    assert_eq!(verify_archive_request(KEY, PATH, &query, NOW), Ok(()));
    let mut altered = query.clone();
    altered.pop();
    altered.push(if query.ends_with('0') { '1' } else { '0' });
    assert_eq!(
        verify_archive_request(KEY, PATH, &altered, NOW),
        Err(SignatureError::BadSignature)
    );

    let mut group = c.benchmark_group("signed archive URL");
    group.bench_function("sign", |b| {
        b.iter(|| sign_archive_path(KEY, black_box(PATH), NOW + 300))
    });
    group.bench_function("verify, valid", |b| {
        b.iter(|| verify_archive_request(KEY, black_box(PATH), black_box(&query), NOW))
    });
    group.bench_function("verify, altered signature", |b| {
        b.iter(|| verify_archive_request(KEY, black_box(PATH), black_box(&altered), NOW))
    });
    group.finish();
}

criterion_group!(benches, signed_urls);
criterion_main!(benches);
