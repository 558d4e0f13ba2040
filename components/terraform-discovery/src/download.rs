//! `GET /v1/modules/{namespace}/{name}/{provider}/{version}/download`: 204 with
//! `X-Terraform-Get` pointing at module-archives through a short-lived signed URL (Terraform
//! never sends its registry token there). The URL names the commit the version resolved to, and
//! a tag that moved since wharf first served that version is refused.

use component_http::{plain_text, require_identity, unix_now, variable};
use spin_sdk::http::{Request, Response};
use spin_sdk::key_value::Store;
use terraform_registry::{
    sign_archive_path, PinDecision, PinnedCommit, DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS,
};

use crate::module_source::{address, ModuleSource};

pub fn handle(
    request: &Request,
    namespace: &str,
    name: &str,
    provider: &str,
    requested: &str,
) -> Response {
    if let Err(denied) = require_identity(request) {
        return denied;
    }
    respond(namespace, name, provider, requested).unwrap_or_else(|response| response)
}

fn respond(
    namespace: &str,
    name: &str,
    provider: &str,
    requested: &str,
) -> Result<Response, Response> {
    let address = address(namespace, name, provider)?;
    let source = ModuleSource::for_module(&address)?;
    let versions = source.versions(&address)?;
    let found = versions.value.resolve(requested).ok_or_else(|| {
        plain_text(
            404,
            &format!(
                "module {}/{}/{} has no version {requested}",
                address.namespace(),
                address.name(),
                address.provider()
            ),
        )
    })?;
    let archive_path = match &source {
        ModuleSource::Files => format!(
            "/archive/files/{}/{}/{}/{}.tar.gz",
            address.namespace(),
            address.name(),
            address.provider(),
            found.tag
        ),
        ModuleSource::GitHub { repository, .. } => {
            let pin = PinnedCommit::new(repository.owner(), repository.name(), found);
            check_pin(&pin)?;
            format!(
                "/archive/github/{}/{}/{}.tar.gz",
                repository.owner(),
                repository.name(),
                found.commit_sha
            )
        }
    };
    let key = variable("url_signing_key")?;
    let now = unix_now();
    let query = sign_archive_path(
        key.as_bytes(),
        &archive_path,
        now + DEFAULT_ARCHIVE_URL_LIFETIME_SECONDS,
    )
    .map_err(|error| {
        eprintln!("url_signing_key: {error}");
        plain_text(500, "wharf is misconfigured; the server log says how")
    })?;
    let mut response = Response::builder()
        .status(204)
        .header("x-terraform-get", format!("{archive_path}?{query}"))
        .build();
    versions.mark(&mut response);
    Ok(response)
}

/// Remembers the commit a version first resolved to, and refuses the version if its tag has
/// moved since: modules are not in Terraform's lock file, so this is the only guard against a
/// rewritten tag. The commit is also indexed (`PinnedCommit::commit_key`), before the pin, so
/// the archive route can serve a credentialed request only for commits pinned here.
fn check_pin(pin: &PinnedCommit) -> Result<(), Response> {
    let store = Store::open_default().map_err(|error| {
        eprintln!("key-value store unavailable: {error}");
        plain_text(
            503,
            "wharf cannot check the module's pinned commit right now; retry",
        )
    })?;
    let previous = store
        .get(&pin.key())
        .map_err(|error| {
            eprintln!("key-value read failed: {error}");
            plain_text(
                503,
                "wharf cannot check the module's pinned commit right now; retry",
            )
        })?
        .and_then(|bytes| String::from_utf8(bytes).ok());
    match pin.check_pin(previous.as_deref()) {
        Ok(PinDecision::Unchanged) => Ok(()),
        Ok(PinDecision::Remember) => [(pin.commit_key(), pin.version()), (pin.key(), pin.value())]
            .iter()
            .try_for_each(|(key, value)| {
                store.set(key, value.as_bytes()).map_err(|error| {
                    eprintln!("key-value write failed: {error}");
                    plain_text(503, "wharf cannot pin the module's commit right now; retry")
                })
            }),
        Err(moved) => {
            eprintln!("{moved}");
            Err(plain_text(409, &moved.to_string()))
        }
    }
}
