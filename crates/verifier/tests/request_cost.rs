//! What a successful request costs in key-value operations and variable reads: at most one
//! key-value read and no write, whatever else has happened to the store.

mod support;

use expiring_entries::StoreOperations;
use support::*;
use verifier::{Denial, Identity, Method};

/// The store operations and variable reads of one call.
fn cost<T>(environment: &TestEnvironment, call: impl FnOnce() -> T) -> (T, StoreOperations, usize) {
    let operations = environment.operations();
    let variables = environment.variable_reads();
    let result = call();
    (
        result,
        environment.operations().since(operations),
        environment.variable_reads() - variables,
    )
}

const ONE_READ: StoreOperations = StoreOperations {
    reads: 1,
    writes: 0,
    deletes: 0,
    listings: 0,
};

#[test]
fn a_successful_basic_request_reads_key_value_once_and_two_variables() {
    let environment = TestEnvironment::new();
    // Failures elsewhere must not make success dearer.
    for index in 0..5 {
        let _ = environment.verify(
            &basic(USER, "wrong-password"),
            &format!("192.0.2.{index}:1"),
        );
    }
    let (result, operations, variables) = cost(&environment, || {
        environment.verify(&basic(USER, PASSWORD), "198.51.100.7:4000")
    });
    assert_eq!(
        result,
        Ok(Identity {
            method: Method::Basic,
            subject: USER.to_owned()
        })
    );
    assert_eq!(operations, ONE_READ);
    assert_eq!(variables, 2, "basic_user and basic_password");
}

#[test]
fn a_successful_bearer_request_reads_key_value_once_and_one_variable() {
    let environment = TestEnvironment::new();
    let (result, operations, variables) = cost(&environment, || {
        environment.verify(&bearer(TOKEN), "198.51.100.7:4000")
    });
    assert_eq!(result.map(|identity| identity.method), Ok(Method::ApiToken));
    assert_eq!(operations, ONE_READ);
    assert_eq!(variables, 1, "api_tokens");
}

#[test]
fn a_successful_oidc_request_with_cached_keys_reads_key_value_once() {
    let environment = TestEnvironment::new();
    let token = environment.oidc_token("acme/infra", 0, KID);
    // The first request fetches the key set (cold): that one writes.
    assert!(environment
        .verify(&bearer(&token), "198.51.100.7:1")
        .is_ok());
    let (result, operations, variables) = cost(&environment, || {
        environment.verify(&bearer(&token), "198.51.100.8:1")
    });
    assert_eq!(
        result,
        Ok(Identity {
            method: Method::GithubOidc,
            subject: "acme/infra".to_owned()
        })
    );
    assert_eq!(operations, ONE_READ, "the cached key set");
    assert_eq!(
        variables, 3,
        "oidc_issuer, oidc_audience, oidc_allowed_repositories"
    );
    assert_eq!(environment.issuer_requests(), 2, "discovery and JWKS, once");
}

#[test]
fn a_successful_exchanged_token_request_reads_key_value_once() {
    let environment = TestEnvironment::new();
    let token = environment.oidc_token("acme/infra", 0, KID);
    let issued = verifier::exchange(
        &environment,
        Some(bearer(&token).as_bytes()),
        Some("198.51.100.7:1"),
    )
    .expect("exchange");
    for authorization in [bearer(&issued.token), basic("github-action", &issued.token)] {
        let (result, operations, _) = cost(&environment, || {
            environment.verify(&authorization, "198.51.100.9:1")
        });
        assert_eq!(
            result.map(|identity| identity.subject),
            Ok("acme/infra".to_owned())
        );
        assert_eq!(operations, ONE_READ, "the token's record");
    }
}

#[test]
fn a_malformed_header_costs_no_key_value_at_all() {
    let environment = TestEnvironment::new();
    for header in ["Basic !!!", "Bearer two words", "Basic Zm9vYmFy"] {
        let (result, operations, _) = cost(&environment, || {
            environment.verify(header, "198.51.100.7:1")
        });
        assert!(
            matches!(result, Err(Denial::Malformed(_))),
            "{header}: {result:?}"
        );
        assert_eq!(operations, StoreOperations::default(), "{header}");
    }
}
