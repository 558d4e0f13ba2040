//! What answering `Range` / `If-Range` costs per request (apt resumes downloads with them):
//! `cargo bench -p http-ranges`; not part of `make test`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use http_ranges::RangeAnswer;

const TOTAL: u64 = 500_000_000;
const ETAG: &str = "\"06b05ab6733a618578af5f94892f3950\"";
const LAST_MODIFIED: &str = "Thu, 01 Jan 2026 00:00:00 GMT";

fn range_parsing(c: &mut Criterion) {
    let mut group = c.benchmark_group("Range");
    for (name, range) in [
        ("none", None),
        ("resume from", Some("bytes=123456789-")),
        ("first and last", Some("bytes=0-1048575")),
        ("suffix", Some("bytes=-4096")),
        ("several (served whole)", Some("bytes=0-1,5-9")),
        ("malformed", Some("bytes=abc-def")),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| RangeAnswer::for_request(black_box(range), TOTAL))
        });
    }
    group.bench_function("resume from, If-Range matching the ETag", |b| {
        b.iter(|| {
            RangeAnswer::for_request(black_box(Some("bytes=123456789-")), TOTAL)
                .with_if_range(black_box(Some(ETAG)), Some(ETAG), Some(LAST_MODIFIED))
                .content_range(TOTAL)
        })
    });
    group.finish();
}

criterion_group!(benches, range_parsing);
criterion_main!(benches);
