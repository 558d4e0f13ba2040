//! Every secret a test hands to wharf is remembered here, and every wharf-host the tests start
//! checks, when it stops, that none of them appeared in its log: the whole suite's log lines
//! are searched, not only those a test looks at.

use std::sync::Mutex;

static SECRETS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Variables whose values must never be logged (spin.toml marks them `secret`).
pub const SECRET_VARIABLES: &[&str] = &[
    "basic_password",
    "api_tokens",
    "github_token",
    "github_app_private_key",
    "url_signing_key",
];

pub fn remember(secret: &str) {
    // Short fragments (a PEM line break, an empty password) would match by accident.
    if secret.len() >= 8 {
        SECRETS
            .lock()
            .expect("secrets lock")
            .push(secret.to_owned());
    }
}

/// Remembers a variable's value if it is a secret, split into its parts where it has several.
pub fn remember_variable(name: &str, value: &str) {
    if !SECRET_VARIABLES.contains(&name) {
        return;
    }
    match name {
        "api_tokens" => value.split(',').for_each(|token| remember(token.trim())),
        "github_app_private_key" => value
            .lines()
            .filter(|line| !line.starts_with("-----"))
            .for_each(remember),
        _ => remember(value),
    }
}

/// The remembered secrets that occur in `log`.
pub fn leaked_in(log: &[String]) -> Vec<String> {
    let secrets = SECRETS.lock().expect("secrets lock").clone();
    secrets
        .into_iter()
        .filter(|secret| log.iter().any(|line| line.contains(secret.as_str())))
        .collect()
}
