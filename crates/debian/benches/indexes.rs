//! What the APT index code costs per call: parsing a `Packages` index (what publishing reads
//! back) and the validators every `/dists/…` request computes for the file it serves
//! (`FileValidators::for_file`: the suite's `Release` date and a content ETag over the whole
//! file). `cargo bench -p debian`; not part of `make test`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use debian::{format_release_date, parse_paragraphs, FileValidators};

/// A `Packages` index of `count` stanzas shaped like the ones wharf writes.
fn packages_index(count: usize) -> String {
    (0..count)
        .map(|index| {
            format!(
                "Package: tool-{index}\nVersion: 1.{index}.0-1~bpo12+1\nArchitecture: amd64\n\
                 Maintainer: Platform Team <platform@example.com>\nInstalled-Size: 10{index}\n\
                 Depends: libc6 (>= 2.34), libssl3 (>= 3.0.0)\nSection: utils\nPriority: optional\n\
                 Filename: pool/main/t/tool-{index}/tool-{index}_1.{index}.0-1_amd64.deb\n\
                 Size: 123456\nMD5sum: {:032x}\nSHA1: {:040x}\nSHA256: {:064x}\n\
                 Description: internal tool number {index}\n  It does one thing.\n  .\n  Well.\n\n",
                index, index, index
            )
        })
        .collect()
}

fn parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("Packages parsing");
    for count in [10, 1_000] {
        let text = packages_index(count);
        assert_eq!(parse_paragraphs(&text).expect("parses").len(), count);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(format!("{count} stanzas"), |b| {
            b.iter(|| parse_paragraphs(black_box(&text)))
        });
    }
    group.finish();
}

fn validators(c: &mut Criterion) {
    let release = format!(
        "Origin: wharf\nSuite: stable\nDate: {}\nArchitectures: amd64\nComponents: main\n",
        format_release_date(1_767_225_600)
    )
    .into_bytes();
    let index = packages_index(1_000).into_bytes();
    let mut group = c.benchmark_group("validators of a served file");
    for size in [50 * 1024, 1024 * 1024] {
        let bytes = &index[..size.min(index.len())];
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_function(format!("Packages, {} KiB", bytes.len() / 1024), |b| {
            b.iter(|| {
                FileValidators::for_file(
                    "dists/stable/main/binary-amd64/Packages",
                    black_box(bytes),
                    0,
                    |_| Some(release.clone()),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, parsing, validators);
criterion_main!(benches);
