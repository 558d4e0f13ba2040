//! What to paste: a `module` block, an APT `.sources` block, an `auth.conf.d` entry, and the
//! commands around them. Every value here is already checked or shown as a placeholder; the
//! renderers still escape it.

use semver::Version;

use crate::ClientEndpoint;

/// The version constraint to suggest for `version`: `~> MAJOR.MINOR` from 1.0 on (any later
/// minor or patch release of the same major), `~> 0.MINOR.PATCH` before 1.0 (where a minor
/// release may break), and an exact pin for a prerelease (Terraform picks prereleases only
/// when pinned exactly).
pub fn version_constraint(version: &str) -> String {
    match Version::parse(version) {
        Ok(parsed) if !parsed.pre.is_empty() => format!("= {version}"),
        Ok(parsed) if parsed.major == 0 => {
            format!("~> 0.{}.{}", parsed.minor, parsed.patch)
        }
        Ok(parsed) => format!("~> {}.{}", parsed.major, parsed.minor),
        Err(_) => format!("= {version}"),
    }
}

/// `HOST/namespace/name/provider`, with the host Terraform is to use (see
/// [`ClientEndpoint::terraform_host`]).
pub fn module_source(
    endpoint: &ClientEndpoint,
    namespace: &str,
    name: &str,
    provider: &str,
) -> String {
    format!(
        "{}/{namespace}/{name}/{provider}",
        endpoint.terraform_host()
    )
}

/// A `module` block, named after the module (Terraform identifiers allow what module names
/// allow).
pub fn module_block(
    endpoint: &ClientEndpoint,
    namespace: &str,
    name: &str,
    provider: &str,
    version: &str,
) -> String {
    format!(
        "module \"{label}\" {{\n  source  = \"{source}\"\n  version = \"{constraint}\"\n}}\n",
        label = name.replace('-', "_"),
        source = module_source(endpoint, namespace, name, provider),
        constraint = version_constraint(version),
    )
}

/// `HOST/namespace/type`, a provider's `source` (host as in [`module_source`]).
pub fn provider_source(endpoint: &ClientEndpoint, namespace: &str, provider_type: &str) -> String {
    format!("{}/{namespace}/{provider_type}", endpoint.terraform_host())
}

/// A `terraform { required_providers { … } }` block for one provider, under its type as the
/// local name (provider types are lowercase letters, digits and `-`, which names allow).
pub fn required_providers_block(
    endpoint: &ClientEndpoint,
    namespace: &str,
    provider_type: &str,
    version: &str,
) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    {provider_type} = {{\n      source  = \"{source}\"\n      version = \"{constraint}\"\n    }}\n  }}\n}}\n",
        source = provider_source(endpoint, namespace, provider_type),
        constraint = version_constraint(version),
    )
}

/// The CLI configuration a Terraform user needs: a `credentials` block, and for a plain-http
/// or dot-less host a `host` block mapping a made-up name to wharf's URL.
pub fn terraform_configuration(endpoint: &ClientEndpoint) -> String {
    if endpoint.terraform_ready() {
        format!(
            "# ~/.terraformrc\ncredentials \"{}\" {{\n  token = \"YOUR-API-TOKEN\"\n}}\n",
            endpoint.host
        )
    } else {
        format!(
            "# ~/.terraformrc: Terraform speaks only https to a registry host with a dot in its\n# name, so map a made-up name to this registry (use it in module and provider sources instead).\nhost \"{alias}\" {{\n  services = {{\n    \"modules.v1\"   = \"{base}/v1/modules/\"\n    \"providers.v1\" = \"{base}/v1/providers/\"\n  }}\n}}\ncredentials \"{alias}\" {{\n  token = \"YOUR-API-TOKEN\"\n}}\n",
            alias = TERRAFORM_ALIAS,
            base = endpoint.base_url()
        )
    }
}

/// The made-up registry name the `host` block maps for a plain-http registry.
pub const TERRAFORM_ALIAS: &str = "registry.test";

/// Where the keyring goes on the client.
pub const KEYRING_PATH: &str = "/etc/apt/keyrings/wharf.asc";

/// Fetching the signing key (public: no credentials needed).
pub fn key_command(endpoint: &ClientEndpoint) -> String {
    format!(
        "sudo install -d -m 0755 /etc/apt/keyrings\ncurl -fsSL {}/public.key | sudo tee {KEYRING_PATH} >/dev/null\n",
        endpoint.base_url()
    )
}

/// `/etc/apt/sources.list.d/wharf.sources`.
pub fn sources_block(
    endpoint: &ClientEndpoint,
    suites: &[String],
    components: &[String],
) -> String {
    format!(
        "Types: deb\nURIs: {}/\nSuites: {}\nComponents: {}\nSigned-By: {KEYRING_PATH}\n",
        endpoint.base_url(),
        if suites.is_empty() {
            "stable".to_owned()
        } else {
            suites.join(" ")
        },
        if components.is_empty() {
            "main".to_owned()
        } else {
            components.join(" ")
        },
    )
}

/// `/etc/apt/auth.conf.d/wharf.conf`: an entry without a scheme matches https only, so the
/// scheme is always written. The password is a placeholder: the page never shows a secret.
pub fn auth_conf(endpoint: &ClientEndpoint, login: &str) -> String {
    format!(
        "machine {} login {} password YOUR-PASSWORD\n",
        endpoint.base_url(),
        if login.is_empty() {
            "YOUR-LOGIN"
        } else {
            login
        }
    )
}

/// `apt-get install`, pinned to a version when one is given.
pub fn install_command(package: &str, version: Option<&str>) -> String {
    match version {
        Some(version) => {
            format!("sudo apt-get update && sudo apt-get install {package}={version}\n")
        }
        None => format!("sudo apt-get update && sudo apt-get install {package}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(scheme: &str, host: &str) -> ClientEndpoint {
        ClientEndpoint {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
        }
    }

    #[test]
    fn constraints_follow_semver_stability() {
        assert_eq!(version_constraint("1.2.3"), "~> 1.2");
        assert_eq!(version_constraint("10.0.0"), "~> 10.0");
        assert_eq!(version_constraint("0.3.1"), "~> 0.3.1");
        assert_eq!(version_constraint("2.0.0-rc.1"), "= 2.0.0-rc.1");
        assert_eq!(version_constraint("1.0.0+build.5"), "~> 1.0");
        assert_eq!(version_constraint("garbage"), "= garbage");
    }

    #[test]
    fn module_block_names_this_registry() {
        let block = module_block(
            &endpoint("https", "registry.home.arpa"),
            "acme",
            "vpc-peering",
            "aws",
            "1.4.0",
        );
        assert_eq!(
            block,
            "module \"vpc_peering\" {\n  source  = \"registry.home.arpa/acme/vpc-peering/aws\"\n  version = \"~> 1.4\"\n}\n"
        );
    }

    #[test]
    fn terraform_configuration_maps_a_plain_http_registry() {
        let ready = terraform_configuration(&endpoint("https", "registry.home.arpa"));
        assert!(
            ready.contains("credentials \"registry.home.arpa\""),
            "{ready}"
        );
        assert!(!ready.contains("host \""), "{ready}");
        let plain = terraform_configuration(&endpoint("http", "127.0.0.1:3000"));
        assert!(
            plain.contains("\"modules.v1\"   = \"http://127.0.0.1:3000/v1/modules/\""),
            "{plain}"
        );
        assert!(
            plain.contains("\"providers.v1\" = \"http://127.0.0.1:3000/v1/providers/\""),
            "{plain}"
        );
        assert!(plain.contains("credentials \"registry.test\""), "{plain}");
        let block = module_block(
            &endpoint("http", "127.0.0.1:3000"),
            "wharf",
            "hello",
            "null",
            "1.0.0",
        );
        assert!(
            block.contains("source  = \"registry.test/wharf/hello/null\""),
            "{block}"
        );
    }

    #[test]
    fn required_providers_block_names_this_registry() {
        assert_eq!(
            required_providers_block(&endpoint("https", "registry.home.arpa"), "acme", "hello-world", "0.4.2"),
            "terraform {\n  required_providers {\n    hello-world = {\n      source  = \"registry.home.arpa/acme/hello-world\"\n      version = \"~> 0.4.2\"\n    }\n  }\n}\n"
        );
        assert!(required_providers_block(
            &endpoint("http", "127.0.0.1:3000"),
            "wharf",
            "hello",
            "1.0.0"
        )
        .contains("source  = \"registry.test/wharf/hello\""));
    }

    #[test]
    fn apt_snippets() {
        let endpoint = endpoint("http", "127.0.0.1:3000");
        assert_eq!(
            sources_block(&endpoint, &["stable".to_owned()], &["main".to_owned(), "extra".to_owned()]),
            "Types: deb\nURIs: http://127.0.0.1:3000/\nSuites: stable\nComponents: main extra\nSigned-By: /etc/apt/keyrings/wharf.asc\n"
        );
        assert_eq!(
            auth_conf(&endpoint, "fleet"),
            "machine http://127.0.0.1:3000 login fleet password YOUR-PASSWORD\n"
        );
        assert!(auth_conf(&endpoint, "").contains("login YOUR-LOGIN"));
        assert!(key_command(&endpoint).contains("curl -fsSL http://127.0.0.1:3000/public.key"));
        assert_eq!(
            install_command("hello-wharf", Some("1.0.0")),
            "sudo apt-get update && sudo apt-get install hello-wharf=1.0.0\n"
        );
    }
}
