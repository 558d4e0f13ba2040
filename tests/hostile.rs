//! wharf as an attacker meets it: every path to a module archive holds the same boundaries
//! (`allowed_owners`, pinned commits), request bodies are refused before they are read, and
//! request paths are decoded once and never followed out of where they point.

use std::net::SocketAddr;

use base64::Engine;
use end_to_end::fake_github::{FakeGitHub, FakeRepository};
use end_to_end::github_fixtures::github_tarball;
use end_to_end::large_upload::{upload, Framing, Sender};
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::{HttpResponse, WharfHost};

const USER: &str = "fleet";
const PASSWORD: &str = "hostile-test-password-0123";
const TOKEN: &str = "hostile-test-token-0123456789";
const SIGNING_KEY: &str = "hostile-test-url-signing-key-0123";
const GITHUB_TOKEN: &str = "ghp_hostilefakefakefakefakefakefake0001";

fn sha(seed: u32) -> String {
    format!("{seed:08x}").repeat(5)
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
}

fn bearer() -> String {
    format!("Bearer {TOKEN}")
}

/// A private repository with these (tag, commit) pairs and a tarball for each commit.
fn repository(owner_repo: &str, tags: &[(&str, String)]) -> FakeRepository {
    let mut repository = FakeRepository {
        private: true,
        ..Default::default()
    };
    for (tag, commit) in tags {
        let top = format!("{}-{}", owner_repo.replace('/', "-"), &commit[..7]);
        let main_tf = format!("output \"from\" {{\n  value = \"{owner_repo} {tag}\"\n}}\n");
        repository
            .tarballs
            .insert(commit.clone(), github_tarball(&top, &main_tf));
        repository.tags.push(((*tag).to_owned(), commit.clone()));
    }
    repository
}

/// `acme/vm` (the operator's) and `rival/secrets` (another owner the same GitHub token can
/// read), both private.
fn github_with_two_owners() -> FakeGitHub {
    let github = FakeGitHub::start();
    github.add_repository(
        "acme/vm",
        repository("acme/vm", &[("v1.0.0", sha(1)), ("v1.1.0", sha(2))]),
    );
    github.add_repository(
        "rival/secrets",
        repository("rival/secrets", &[("v1.0.0", sha(9))]),
    );
    github.add_token(GITHUB_TOKEN);
    github
}

fn github_wharf(github: &FakeGitHub, state: &std::path::Path, allowed_owners: &str) -> WharfHost {
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    WharfHost::start(
        &wharf_manifest(),
        state,
        &[
            ("origin", "github"),
            ("github_api_url", &api_url),
            ("github_archive_host", &downloads),
            ("github_token", GITHUB_TOKEN),
            ("allowed_owners", allowed_owners),
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("api_tokens", TOKEN),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

/// The signed archive URL the download endpoint hands Terraform.
fn signed_archive_url(address: SocketAddr, module: &str, version: &str) -> String {
    let authorization = bearer();
    let download = end_to_end::request(
        address,
        "GET",
        &format!("/v1/modules/{module}/{version}/download"),
        &[("Authorization", authorization.as_bytes())],
        b"",
    );
    assert_eq!(download.status, 204, "{module}: {}", download.text());
    download
        .header("x-terraform-get")
        .expect("X-Terraform-Get")
        .to_owned()
}

/// Status and body for a failure message, without dumping an archive's bytes.
fn described(response: &HttpResponse) -> String {
    if response.body.starts_with(&[0x1f, 0x8b]) {
        format!(
            "{} <{} bytes of gzip>",
            response.status,
            response.body.len()
        )
    } else {
        format!("{} {}", response.status, response.text())
    }
}

fn is_gzip(response: &HttpResponse) -> bool {
    response.status == 200 && response.body.starts_with(&[0x1f, 0x8b])
}

fn tarball_requests(github: &FakeGitHub, repository: &str) -> usize {
    github
        .calls()
        .iter()
        .filter(|call| {
            call.path
                .starts_with(&format!("/repos/{repository}/tarball/"))
        })
        .count()
}

#[test]
fn every_path_to_a_github_archive_checks_allowed_owners_and_pinned_commits() {
    let github = github_with_two_owners();
    let state = tempfile::tempdir().expect("state");

    // While `rival` was allowed, Terraform got signed URLs for both owners' modules, and the
    // download endpoint pinned acme/vm 1.0.0 and rival/secrets 1.0.0.
    let before = github_wharf(&github, state.path(), "acme,rival");
    let acme_signed = signed_archive_url(before.address, "acme/vm/proxmox", "1.0.0");
    let rival_signed = signed_archive_url(before.address, "rival/secrets/proxmox", "1.0.0");
    assert!(is_gzip(&before.get(&rival_signed)), "served while allowed");
    drop(before);

    // The operator drops `rival`; the key-value store (and the pins) stay.
    let wharf = github_wharf(&github, state.path(), "acme");
    github.clear_calls();
    let bearer = bearer();
    let basic = basic();
    let with_token = [("Authorization", bearer.as_bytes())];
    let with_password = [("Authorization", basic.as_bytes())];
    let archive =
        |repository: &str, commit: &str| format!("/archive/github/{repository}/{commit}.tar.gz");
    let acme_pinned = archive("acme/vm", &sha(1));
    let acme_unpinned = archive("acme/vm", &sha(2)); // v1.1.0: a real tag, never downloaded
    let rival_pinned = archive("rival/secrets", &sha(9));
    let rival_other = archive("rival/secrets", &sha(10));

    // Allowed owner, pinned commit: the signature, a token or a password all work.
    let signed = wharf.get(&acme_signed);
    assert!(is_gzip(&signed), "{}", described(&signed));
    for credentials in [&with_token, &with_password] {
        let fetched = wharf.get_with(&acme_pinned, credentials);
        assert!(is_gzip(&fetched), "{}", described(&fetched));
    }

    // Outside allowed_owners: no such archive, on every path, GET and HEAD alike.
    for (what, path, headers) in [
        ("signed", rival_signed.as_str(), &[][..]),
        ("signed + token", rival_signed.as_str(), &with_token[..]),
        (
            "token, pinned commit",
            rival_pinned.as_str(),
            &with_token[..],
        ),
        (
            "password, pinned commit",
            rival_pinned.as_str(),
            &with_password[..],
        ),
        ("token, other commit", rival_other.as_str(), &with_token[..]),
    ] {
        for method in ["GET", "HEAD"] {
            let refused = wharf.send(method, path, headers, b"");
            assert_eq!(
                refused.status,
                404,
                "{what} {method}: {}",
                described(&refused)
            );
            if method == "GET" {
                assert_eq!(refused.text(), "no such archive\n", "{what}");
            }
        }
    }

    // Allowed owner, a commit wharf never pinned: credentials are not enough.
    for (what, headers) in [("token", &with_token), ("password", &with_password)] {
        for method in ["GET", "HEAD"] {
            let refused = wharf.send(method, &acme_unpinned, headers, b"");
            assert_eq!(
                refused.status,
                403,
                "{what} {method}: {}",
                described(&refused)
            );
            if method == "GET" {
                assert!(
                    refused
                        .text()
                        .contains("is not a module version wharf has served"),
                    "{what}: {}",
                    refused.text()
                );
            }
        }
    }

    // Neither proof, a wrong proof, or a signature for another path.
    let unsigned = wharf.get(&acme_pinned);
    assert_eq!(unsigned.status, 403, "{}", unsigned.text());
    assert!(unsigned.text().contains("'expires'"), "{}", unsigned.text());
    let wrong = wharf.get_with(
        &acme_pinned,
        &[("Authorization", b"Bearer not-the-token-000000")],
    );
    assert_eq!(wrong.status, 401, "{}", wrong.text());
    let query = acme_signed.split_once('?').expect("query").1;
    for path in [&acme_unpinned, &rival_pinned] {
        // A valid signature of another path, with credentials added, still does not open it.
        let borrowed = wharf.get_with(&format!("{path}?{query}"), &with_token);
        assert_eq!(borrowed.status, 403, "{path}: {}", described(&borrowed));
        assert!(
            borrowed.text().contains("signature does not match"),
            "{path}: {}",
            borrowed.text()
        );
    }

    // None of the refusals reached GitHub.
    assert_eq!(tarball_requests(&github, "rival/secrets"), 0);
    assert!(github
        .calls()
        .iter()
        .all(|call| !call.path.contains(&sha(2))));
    // The admitted ones were served (checked above): the first from GitHub, the others from
    // the archive wharf keeps by commit.
    assert!(
        tarball_requests(&github, "acme/vm") >= 1,
        "the first admitted fetch reached GitHub"
    );
}

#[test]
fn files_origin_archives_need_a_signature_or_credentials_and_github_ones_are_not_there() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(&wharf_manifest(), state.path(), &server_variables());
    check_files_origin_archives(wharf.address);
}

fn check_files_origin_archives(address: SocketAddr) {
    let get = |path: &str, headers: &[(&str, &[u8])]| {
        end_to_end::request(address, "GET", path, headers, b"")
    };
    let bearer = bearer();
    let with_token = [("Authorization", bearer.as_bytes())];
    let path = "/archive/files/wharf/hello/null/1.0.0.tar.gz";
    assert!(is_gzip(&get(path, &with_token)));
    assert_eq!(get(path, &[]).status, 403);
    // The signature covers the decoded path: an encoding of the same path still verifies, a
    // different path does not.
    let signed = signed_archive_url(address, "wharf/hello/null", "1.0.0");
    let query = signed.split_once('?').expect("query").1;
    let encoded = format!("/archive/files/wharf/%68ello/null/1%2E0.0.tar.gz?{query}");
    let fetched = get(&encoded, &[]);
    assert!(is_gzip(&fetched), "{}", described(&fetched));
    let other = get(
        &format!("/archive/files/wharf/hello/null/1.0.1.tar.gz?{query}"),
        &[],
    );
    assert_eq!(other.status, 403, "{}", described(&other));
    // With `allowed_owners` empty (the default), no GitHub archive exists, credentials or not.
    let github = format!("/archive/github/wharf/hello/{}.tar.gz", sha(1));
    let refused = get(&github, &with_token);
    assert_eq!(refused.status, 404, "{}", described(&refused));
}

/// Request paths that must never reach a file or a lookup as they are: the decoder refuses
/// them (400) before any component matches a route.
const REFUSED_PATHS: &[&str] = &[
    "/pool/..%2f..%2f..%2fetc%2fpasswd",
    "/pool/main/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/pool/main/%2E%2E/%2E%2E/apt/dists/stable/Release",
    "/pool/main/h/hello-wharf/..%5c..%5cRelease",
    "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb%00.txt",
    "/pool/main/h/%c0%ae%c0%ae/%c0%ae%c0%ae/x",
    "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb%",
    "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb%zz",
    "/pool/main//h/hello-wharf/hello-wharf_1.0.0_all.deb",
    "/pool/github/acme/tools/v1%2f..%2f..%2fx/y.deb",
    "/pool/github/acme/tools/v1/..%2f..%2freleases",
    "/dists/stable/%2e%2e/%2e%2e/public.key",
    "/dists/stable%2fInRelease",
    "/dists/stable/In%0d%0aRelease",
    "/dists/stable/InRelease%ff",
    "/archive/files/wharf/hello/null/..%2f..%2f..%2fapt%2fpublic.key",
    "/archive/github/acme/vm%2f..%2f..%2frival/x.tar.gz",
    "/v1/modules/wharf/hello/null%2f..%2f/versions",
    "/v1/modules/%2e%2e/hello/null/versions",
    "/health/%00",
    "/auth/token/%2e%2e",
];

#[test]
fn hostile_paths_are_refused_before_any_lookup_and_encoded_names_are_found() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(&wharf_manifest(), state.path(), &server_variables());
    check_path_decoding(wharf.address);
}

fn check_path_decoding(address: SocketAddr) {
    let send = |method: &str, path: &str, headers: &[(&str, &[u8])]| {
        end_to_end::request(address, method, path, headers, b"")
    };
    let basic = basic();
    let authorized = [("Authorization", basic.as_bytes())];
    for path in REFUSED_PATHS {
        for headers in [&authorized[..], &[][..]] {
            let method = if path.starts_with("/auth/") {
                "POST"
            } else {
                "GET"
            };
            let refused = send(method, path, headers);
            assert!(
                matches!(refused.status, 400 | 404),
                "{path}: {} {}",
                refused.status,
                refused.text()
            );
            assert!(!refused.text().contains("root:"), "{path}");
            assert!(!refused.text().contains("BEGIN PGP"), "{path}");
            if !path.starts_with("/health") && !path.starts_with("/auth") {
                // Below a route, the component's decoder is what answers.
                assert_eq!(refused.status, 400, "{path}: {}", refused.text());
                assert!(refused.text().starts_with("the request path "), "{path}");
            }
        }
    }

    // The same files under any spelling of their names: one decoding, before the lookup.
    let package = "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb";
    let plain = send("GET", package, &authorized);
    assert_eq!(plain.status, 200);
    for spelling in [
        "/pool/main/h/hello%2dwharf/hello%2Dwharf%5f1%2e0%2e0_all.deb",
        "/pool/%6d%61%69%6e/h/hello-wharf/hello-wharf_1.0.0_all.deb",
    ] {
        let encoded = send("GET", spelling, &authorized);
        assert_eq!(encoded.status, 200, "{spelling}: {}", encoded.text());
        assert_eq!(encoded.body, plain.body, "{spelling}");
    }
    let release = send("GET", "/dists/stable/In%52elease", &authorized);
    assert_eq!(release.status, 200, "{}", release.text());
    assert!(release
        .text()
        .starts_with("-----BEGIN PGP SIGNED MESSAGE-----"));
    // A double-encoded dot segment is a literal name, not a way up.
    let literal = send(
        "GET",
        "/pool/main/%252e%252e/%252e%252e/apt/public.key",
        &authorized,
    );
    assert_eq!(literal.status, 404, "{}", literal.text());
}

/// One path per route of spin.toml.
const ROUTES: &[&str] = &[
    "/health",
    "/.well-known/terraform.json",
    "/v1/modules/wharf/hello/null/versions",
    "/archive/files/wharf/hello/null/1.0.0.tar.gz",
    "/dists/stable/InRelease",
    "/public.key",
    "/pool/main/h/hello-wharf/hello-wharf_1.0.0_all.deb",
    "/auth/token",
];

const UPLOAD_BYTES: u64 = 500 * 1024 * 1024;
const CONCURRENT_UPLOADS: usize = 20;
const MAX_GROWTH_KIB: u64 = 100 * 1024;

fn server_variables() -> [(&'static str, &'static str); 4] {
    [
        ("basic_user", USER),
        ("basic_password", PASSWORD),
        ("api_tokens", TOKEN),
        ("url_signing_key", SIGNING_KEY),
    ]
}

#[test]
fn large_bodies_are_refused_unread_on_every_route_and_memory_stays_flat() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(&wharf_manifest(), state.path(), &server_variables());
    refuse_large_uploads(&wharf);
}

/// 20 concurrent 500 MB POSTs and PUTs to each route (with and without credentials, with and
/// without a declared length, some senders ignoring the answer): every one gets 413 before
/// its body is read, ordinary requests are served meanwhile, and the server's resident memory
/// (under Spin, its whole process group's) grows by less than 100 MB.
fn refuse_large_uploads(wharf: &WharfHost) {
    let address = wharf.address;
    let server = wharf.runner().name();
    let basic = basic();
    // Warm every route once, so the baseline includes what serving at all costs.
    for path in ROUTES {
        end_to_end::request(
            address,
            "GET",
            path,
            &[("Authorization", basic.as_bytes())],
            b"",
        );
    }
    std::thread::sleep(std::time::Duration::from_millis(500));
    let baseline = wharf.resident_memory();
    let sampler = wharf.watch_resident_memory();

    // Ordinary clients keep being served meanwhile.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ordinary = {
        let stop = stop.clone();
        let basic = basic.clone();
        std::thread::spawn(move || {
            let mut statuses = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                statuses.push(end_to_end::request(address, "GET", "/health", &[], b"").status);
                statuses.push(
                    end_to_end::request(
                        address,
                        "GET",
                        "/dists/stable/InRelease",
                        &[("Authorization", basic.as_bytes())],
                        b"",
                    )
                    .status,
                );
            }
            statuses
        })
    };

    let started = std::time::Instant::now();
    let mut most_sent = 0;
    let mut refusals = Vec::new();
    for path in ROUTES {
        let uploads: Vec<_> = (0..CONCURRENT_UPLOADS)
            .map(|index| {
                let method = if index % 2 == 0 { "POST" } else { "PUT" };
                let credentials = if index % 4 < 2 {
                    vec![("Authorization", basic.clone())]
                } else {
                    Vec::new()
                };
                let framing = if index % 5 == 0 {
                    Framing::Chunked
                } else {
                    Framing::Length
                };
                // One in four keeps sending after the answer, until the server hangs up.
                let sender = if index % 4 == 3 {
                    Sender::Hostile
                } else {
                    Sender::Polite
                };
                std::thread::spawn(move || {
                    let headers: Vec<(&str, &str)> = credentials
                        .iter()
                        .map(|(name, value)| (*name, value.as_str()))
                        .collect();
                    let outcome = upload(
                        address,
                        method,
                        path,
                        &headers,
                        UPLOAD_BYTES,
                        framing,
                        sender,
                    );
                    let case = format!(
                        "{method} {path} {framing:?} {sender:?} credentials={}",
                        !credentials.is_empty()
                    );
                    (case, outcome)
                })
            })
            .collect();
        refusals.extend(
            uploads
                .into_iter()
                .map(|upload| upload.join().expect("upload thread")),
        );
    }
    let elapsed = started.elapsed();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let statuses = ordinary.join().expect("ordinary clients");
    let (baseline, peak) = (baseline / 1024, sampler.stop() / 1024);
    let growth = peak.saturating_sub(baseline);
    for (case, outcome) in &refusals {
        assert_eq!(outcome.status, Some(413), "{server}: {case}: {outcome:?}");
        assert!(
            outcome.reason.contains("request body"),
            "{server}: {case}: {}",
            outcome.reason
        );
        // A hostile sender may get all of it out: wharf-host reads and discards for a few
        // seconds after answering, so a polite client reads the 413 rather than a reset.
        if case.contains("Polite") {
            assert!(
                outcome.sent < UPLOAD_BYTES,
                "{server}: {case}: the whole body was sent"
            );
        }
        most_sent = most_sent.max(outcome.sent);
    }
    println!(
        "{server}: {} routes x {CONCURRENT_UPLOADS} concurrent 500 MB uploads, all 413, in \
         {:.1} s; resident {baseline} KiB before, peak {peak} KiB (+{growth} KiB); at most \
         {most_sent} body bytes sent per upload; {} ordinary requests served meanwhile",
        ROUTES.len(),
        elapsed.as_secs_f64(),
        statuses.len()
    );
    assert!(
        statuses.len() >= 2 && statuses.iter().all(|status| *status == 200),
        "{server}: {statuses:?}"
    );
    assert!(
        growth < MAX_GROWTH_KIB,
        "{server}: resident memory grew by {growth} KiB (from {baseline} KiB)"
    );
}

#[test]
fn small_bodies_are_bounded_not_banned_where_a_route_takes_one() {
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[("api_tokens", TOKEN), ("url_signing_key", SIGNING_KEY)],
    );
    // /auth/token takes a small body (and ignores it): the answer is about the credentials.
    let small = wharf.send("POST", "/auth/token", &[], b"{}");
    assert_eq!(small.status, 401, "{}", small.text());
    let large = wharf.send("POST", "/auth/token", &[], &[b'x'; 4097]);
    assert_eq!(large.status, 413, "{}", large.text());
    assert!(
        large.text().contains("at most 4096 bytes"),
        "{}",
        large.text()
    );
    let chunked = upload(
        wharf.address,
        "POST",
        "/auth/token",
        &[],
        8 * 1024,
        Framing::Chunked,
        Sender::Polite,
    );
    assert_eq!(chunked.status, Some(413), "{chunked:?}");
    let fits = upload(
        wharf.address,
        "POST",
        "/auth/token",
        &[],
        100,
        Framing::Chunked,
        Sender::Polite,
    );
    assert_eq!(fits.status, Some(401), "{fits:?}");
    // Routes that take none: an empty body is no body; one byte is one too many.
    let empty = wharf.send("GET", "/health", &[("Content-Length", b"0")], b"");
    assert_eq!(empty.status, 200, "{}", empty.text());
    let one_byte = wharf.send("GET", "/health", &[], b"x");
    assert_eq!(one_byte.status, 413, "{}", one_byte.text());
    assert_eq!(one_byte.text(), "this endpoint takes no request body\n");
    let wrong_method = wharf.send("DELETE", "/public.key", &[], b"");
    assert_eq!(wrong_method.status, 405, "{}", wrong_method.text());
    assert_eq!(wrong_method.header("allow"), Some("GET, HEAD"));
}
