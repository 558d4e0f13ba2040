//! GitHub Actions OIDC end to end: a test issuer mints tokens, real apt (Basic login
//! `github-action`) and real terraform (Bearer from a credentials block) use them, tokens for
//! repositories outside the rules fail, and an exchanged wharf token outlives the OIDC token.

use base64::Engine;
use end_to_end::apt::{describe, AptClient};
use end_to_end::oidc_issuer::{now, TestIssuer, KEY_ID};
use end_to_end::terraform::{terraform_binaries, TerraformProject};
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::WharfHost;

const AUDIENCE: &str = "https://wharf.example";
const SIGNING_KEY: &str = "oidc-test-url-signing-key-0123";

fn oidc_wharf(issuer: &TestIssuer, state: &std::path::Path) -> WharfHost {
    let issuer_url = issuer.url();
    WharfHost::start(
        &wharf_manifest(),
        state,
        &[
            ("oidc_issuer", &issuer_url),
            ("oidc_audience", AUDIENCE),
            ("oidc_allowed_repositories", "acme/infra, tools-org/*"),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

fn github_action(token: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("github-action:{token}"))
    )
}

#[test]
fn apt_authenticates_with_an_oidc_token_as_github_action() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let public_key = wharf.get("/public.key").body;

    let allowed = AptClient::new(
        wharf.address,
        &public_key,
        "github-action",
        &issuer.token_for("acme/infra", AUDIENCE),
    );
    let update = allowed.update();
    assert!(update.status.success(), "{}", describe(&update));
    let download = allowed.download("hello-wharf");
    assert!(download.status.success(), "{}", describe(&download));

    let outsider = AptClient::new(
        wharf.address,
        &public_key,
        "github-action",
        &issuer.token_for("mallory/infra", AUDIENCE),
    );
    let refused = outsider.update();
    assert!(describe(&refused).contains("401"), "{}", describe(&refused));
    assert_eq!(outsider.candidate("hello-wharf"), None);
}

#[test]
fn terraform_authenticates_with_an_oidc_token_as_bearer() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let binary = &terraform_binaries()[0];

    let project = TerraformProject::new(
        wharf.address,
        &issuer.token_for("tools-org/anything", AUDIENCE),
        "wharf/hello/null",
        "~> 1.0",
    );
    let output = project.init(binary);
    assert!(
        output.status.success(),
        "{}",
        end_to_end::terraform::describe(&output)
    );
    assert_eq!(project.installed_version().as_deref(), Some("1.0.0"));

    let project = TerraformProject::new(
        wharf.address,
        &issuer.token_for("mallory/infra", AUDIENCE),
        "wharf/hello/null",
        "~> 1.0",
    );
    let output = project.init(binary);
    assert!(
        !output.status.success(),
        "{}",
        end_to_end::terraform::describe(&output)
    );
}

#[test]
fn the_wrong_audience_and_a_forged_key_are_refused() {
    let issuer = TestIssuer::start();
    let forger = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/InRelease";
    let default_audience = issuer.token_for("acme/infra", "https://github.com/acme");
    let response = wharf.get_with(
        path,
        &[("Authorization", bearer(&default_audience).as_bytes())],
    );
    assert_eq!(response.status, 401, "{}", response.text());
    // Signed by another key under our key id, with our issuer's name.
    let forged = forger.mint(
        &issuer.claims("acme/infra", AUDIENCE, now(), now() + 300),
        KEY_ID,
    );
    let response = wharf.get_with(path, &[("Authorization", bearer(&forged).as_bytes())]);
    assert_eq!(response.status, 401, "{}", response.text());
    let good = issuer.token_for("acme/infra", AUDIENCE);
    assert_eq!(
        wharf
            .get_with(path, &[("Authorization", bearer(&good).as_bytes())])
            .status,
        200
    );
}

#[test]
fn an_exchanged_token_keeps_working_after_the_oidc_token_expired() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/InRelease";
    // Expired 55 s ago: still inside the 60 s leeway for five more seconds.
    let now = now();
    let short_lived = issuer.mint(
        &issuer.claims("acme/infra", AUDIENCE, now - 400, now - 55),
        KEY_ID,
    );
    let exchanged = wharf.send(
        "POST",
        "/auth/token",
        &[("Authorization", bearer(&short_lived).as_bytes())],
        b"",
    );
    assert_eq!(exchanged.status, 200, "{}", exchanged.text());
    let answer: serde_json::Value = serde_json::from_slice(&exchanged.body).expect("json");
    let token = answer["token"].as_str().expect("token").to_owned();
    end_to_end::secrets::remember(&token);
    let expires_at = answer["expires_at"].as_u64().expect("expires_at");
    assert!(
        expires_at > now + 3000 && expires_at <= now + 3601,
        "{expires_at}"
    );

    std::thread::sleep(std::time::Duration::from_secs(7));
    let expired = wharf.get_with(path, &[("Authorization", bearer(&short_lived).as_bytes())]);
    assert_eq!(
        expired.status,
        401,
        "the OIDC token itself has expired: {}",
        expired.text()
    );
    for authorization in [bearer(&token), github_action(&token)] {
        let response = wharf.get_with(path, &[("Authorization", authorization.as_bytes())]);
        assert_eq!(response.status, 200, "{}", response.text());
    }
    let not_oidc = wharf.send(
        "POST",
        "/auth/token",
        &[("Authorization", bearer(&token).as_bytes())],
        b"",
    );
    assert_eq!(
        not_oidc.status, 401,
        "a wharf token cannot be exchanged again"
    );
    let unknown = "wharf_".to_owned() + &"A".repeat(43);
    assert_eq!(
        wharf
            .get_with(path, &[("Authorization", bearer(&unknown).as_bytes())])
            .status,
        401
    );
}

#[test]
fn a_burst_of_unknown_key_ids_fetches_the_key_set_at_most_once_a_minute() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/Release";
    let good = issuer.token_for("acme/infra", AUDIENCE);
    assert_eq!(
        wharf
            .get_with(path, &[("Authorization", bearer(&good).as_bytes())])
            .status,
        200
    );
    assert_eq!(issuer.jwks_fetches(), 1, "one cold fetch");
    for _ in 0..20 {
        let warm = wharf.get_with(path, &[("Authorization", bearer(&good).as_bytes())]);
        assert_eq!(warm.status, 200);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Reported, not asserted: timings belong in measurements, not in pass/fail.
    let durations: Vec<String> = wharf
        .request_log()
        .unwrap_or_default()
        .iter()
        .filter(|line| line.starts_with(&format!("GET {path} 200 ")))
        .filter_map(|line| line.split_whitespace().nth(3).map(str::to_owned))
        .collect();
    println!("request durations with OIDC, first (key set fetched) then cached: {durations:?}");
    let mut statuses = std::collections::BTreeMap::new();
    for index in 0..1000 {
        let claims = issuer.claims("acme/infra", AUDIENCE, now(), now() + 300);
        let token = issuer.mint(&claims, &format!("random-kid-{index}"));
        let status = wharf
            .get_with(path, &[("Authorization", bearer(&token).as_bytes())])
            .status;
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert!(
        issuer.jwks_fetches() <= 2,
        "{} JWKS fetches",
        issuer.jwks_fetches()
    );
    assert_eq!(statuses.get(&200), None, "{statuses:?}");
    assert!(
        statuses.get(&429).copied().unwrap_or(0) > 900,
        "repeated failures are throttled: {statuses:?}"
    );
    println!(
        "1000 unknown-kid tokens: {statuses:?}, {} JWKS fetch(es)",
        issuer.jwks_fetches()
    );
}

#[test]
fn repeated_failures_are_throttled_with_retry_after() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/Release";
    let mut last = None;
    for _ in 0..12 {
        last = Some(wharf.get_with(
            path,
            &[(
                "Authorization",
                bearer(&issuer.token_for("mallory/x", AUDIENCE)).as_bytes(),
            )],
        ));
    }
    let last = last.expect("responses");
    assert_eq!(last.status, 429, "{}", last.text());
    let retry_after: u64 = last
        .header("retry-after")
        .and_then(|value| value.parse().ok())
        .expect("Retry-After");
    assert!((1..=300).contains(&retry_after), "{retry_after}");
}

#[test]
fn github_action_login_with_something_that_is_not_a_token_is_refused() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    for password in ["hunter2-not-a-jwt", "a.b.c", ""] {
        let response = wharf.get_with(
            "/dists/stable/Release",
            &[("Authorization", github_action(password).as_bytes())],
        );
        assert_eq!(response.status, 401, "{password:?}: {}", response.text());
        assert!(response.header("www-authenticate").is_some());
    }
}

#[test]
fn an_exchanged_token_dies_when_the_audience_changes() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let path = "/dists/stable/Release";
    let token = {
        let wharf = oidc_wharf(&issuer, state.path());
        let exchanged = wharf.send(
            "POST",
            "/auth/token",
            &[(
                "Authorization",
                bearer(&issuer.token_for("acme/infra", AUDIENCE)).as_bytes(),
            )],
            b"",
        );
        assert_eq!(exchanged.status, 200, "{}", exchanged.text());
        let answer: serde_json::Value = serde_json::from_slice(&exchanged.body).expect("json");
        let token = answer["token"].as_str().expect("token").to_owned();
        end_to_end::secrets::remember(&token);
        token
    };
    // The operator moves wharf to another audience: the same state directory, a new setting.
    let moved = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("oidc_issuer", &issuer.url()),
            ("oidc_audience", "https://registry.other.example"),
            ("oidc_allowed_repositories", "acme/infra, tools-org/*"),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let refused = moved.get_with(path, &[("Authorization", github_action(&token).as_bytes())]);
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert_eq!(
        refused.text().trim(),
        "wharf token refused: it was issued under another OIDC issuer or audience"
    );
    drop(moved);
    // Back on the audience it was issued under, it works again: the audience decided.
    let wharf = oidc_wharf(&issuer, state.path());
    let response = wharf.get_with(path, &[("Authorization", bearer(&token).as_bytes())]);
    assert_eq!(response.status, 200, "{}", response.text());
}

#[test]
fn a_failing_issuer_is_asked_at_most_once_a_minute_and_named_only_in_the_log() {
    let issuer = TestIssuer::start();
    issuer.set_failing(true);
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/Release";
    let start_together = std::sync::Barrier::new(25);
    let responses: Vec<end_to_end::HttpResponse> = std::thread::scope(|scope| {
        let requests: Vec<_> = (0..25)
            .map(|index| {
                let (wharf, issuer, start_together) = (&wharf, &issuer, &start_together);
                scope.spawn(move || {
                    let claims = issuer.claims("acme/infra", AUDIENCE, now(), now() + 300);
                    let token = issuer.mint(&claims, &format!("kid-{index}"));
                    let source = std::net::IpAddr::from([127, 0, 5, index as u8 + 1]);
                    start_together.wait();
                    wharf.get_from(
                        source,
                        path,
                        &[("Authorization", bearer(&token).as_bytes())],
                    )
                })
            })
            .collect();
        requests
            .into_iter()
            .map(|request| request.join().expect("request"))
            .collect()
    });
    // Then more, one after another, for a few seconds.
    let mut responses = responses;
    for index in 0..25u8 {
        let token = issuer.token_for("acme/infra", AUDIENCE);
        let source = std::net::IpAddr::from([127, 0, 6, index + 1]);
        responses.push(wharf.get_from(
            source,
            path,
            &[("Authorization", bearer(&token).as_bytes())],
        ));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        issuer.requests() <= 1,
        "{} requests to a failing issuer within a minute",
        issuer.requests()
    );
    for response in &responses {
        assert_eq!(response.status, 503, "{}", response.text());
        assert_eq!(
            response.text().trim(),
            "the OIDC issuer's keys are unavailable"
        );
        assert!(response.header("retry-after").is_some());
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    if issuer.requests() == 1 {
        assert!(
            log.contains(&issuer.url()) && log.contains("HTTP 500"),
            "the log says where and how: {log}"
        );
    }
    println!(
        "50 requests while the issuer fails: {} request(s) to it",
        issuer.requests()
    );
}

#[test]
fn an_unreachable_issuer_is_not_described_to_clients() {
    // Nothing listens on this port: the connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let unreachable = format!("http://{}", closed.local_addr().expect("address"));
    drop(closed);
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("oidc_issuer", &unreachable),
            ("oidc_audience", AUDIENCE),
            ("oidc_allowed_repositories", "acme/infra"),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let token = issuer.token_for("acme/infra", AUDIENCE);
    let response = wharf.get_with(
        "/dists/stable/Release",
        &[("Authorization", github_action(&token).as_bytes())],
    );
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(
        response.text().trim(),
        "the OIDC issuer's keys are unavailable"
    );
    std::thread::sleep(std::time::Duration::from_millis(200));
    let log = wharf.log().join("\n");
    assert!(log.contains(&unreachable), "{log}");
}

#[test]
fn nobody_elses_bad_tokens_lock_out_the_shared_github_action_login() {
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = oidc_wharf(&issuer, state.path());
    let path = "/dists/stable/Release";
    let outsider = issuer.token_for("mallory/infra", AUDIENCE);
    for host in 1..=5u8 {
        let source = std::net::IpAddr::from([127, 0, 7, host]);
        let mut last = None;
        for _ in 0..12 {
            last = Some(wharf.get_from(
                source,
                path,
                &[("Authorization", github_action(&outsider).as_bytes())],
            ));
        }
        let last = last.expect("responses");
        assert_eq!(last.status, 429, "{}", last.text());
    }
    let fresh = std::net::IpAddr::from([127, 0, 8, 1]);
    let response = wharf.get_from(
        fresh,
        path,
        &[(
            "Authorization",
            github_action(&issuer.token_for("acme/infra", AUDIENCE)).as_bytes(),
        )],
    );
    assert_eq!(response.status, 200, "{}", response.text());
}

#[test]
fn a_hung_issuer_costs_a_client_seconds_not_minutes() {
    // Accepts connections and never answers.
    let hung = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let hung_url = format!("http://{}", hung.local_addr().expect("address"));
    let held = std::thread::spawn(move || {
        let connections: Vec<_> = hung.incoming().take(1).collect();
        std::thread::sleep(std::time::Duration::from_secs(30));
        drop(connections);
    });
    let issuer = TestIssuer::start();
    let state = tempfile::tempdir().expect("state");
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("oidc_issuer", &hung_url),
            ("oidc_audience", AUDIENCE),
            ("oidc_allowed_repositories", "acme/infra"),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let token = issuer.token_for("acme/infra", AUDIENCE);
    let started = std::time::Instant::now();
    let response = wharf.get_with(
        "/dists/stable/Release",
        &[("Authorization", bearer(&token).as_bytes())],
    );
    let waited = started.elapsed();
    assert_eq!(response.status, 503, "{}", response.text());
    assert_eq!(
        response.text().trim(),
        "the OIDC issuer's keys are unavailable"
    );
    println!("a hung issuer cost the client {waited:?}");
    assert!(waited < std::time::Duration::from_secs(20), "{waited:?}");
    drop(held);
}
