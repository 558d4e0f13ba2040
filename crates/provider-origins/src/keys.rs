use component_http::{plain_text, variable};
use spin_sdk::http::Response;
use terraform_providers::TrustedKeys;

use crate::files_origin;

/// The keys trusted to sign `namespace`'s providers: `provider_signing_keys` (every namespace)
/// and `registry/providers/NAMESPACE/signing-keys.asc`. Keys that cannot be used are left out
/// and logged; no keys at all is not an error here (every release is then refused, saying so).
pub fn trusted_keys(namespace: &str) -> Result<TrustedKeys, Response> {
    let configured = variable("provider_signing_keys")?;
    let (mut keys, problems) = TrustedKeys::parse_armored(&configured);
    for problem in problems {
        eprintln!("provider_signing_keys: {problem}; it is not used");
    }
    let origin = files_origin();
    match origin.namespace_keys(namespace) {
        Ok(Some(text)) => {
            let (namespace_keys, problems) = TrustedKeys::parse_armored(&text);
            for problem in problems {
                eprintln!(
                    "{}: {problem}; it is not used",
                    origin.namespace_keys_path(namespace).display()
                );
            }
            keys.extend(namespace_keys);
        }
        Ok(None) => {}
        Err(error) => {
            eprintln!(
                "cannot read {}: {error}",
                origin.namespace_keys_path(namespace).display()
            );
            return Err(plain_text(
                500,
                "wharf cannot read its provider signing keys; the server log says why",
            ));
        }
    }
    Ok(keys)
}
