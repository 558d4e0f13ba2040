//! `GET /v1/providers/{namespace}/{type}/versions` and
//! `GET /v1/providers/{namespace}/{type}/{version}/download/{os}/{arch}`.

use component_http::{plain_text, require_identity, ReceivedRequest};
use github_access::mark_stale;
use provider_origins::{
    json, no_such_version, signed, trusted_keys, unknown_provider, ProviderOrigin,
};
use spin_sdk::http::{Method, Request, Response};
use terraform_providers::{
    download_document, versions_document, DownloadUrls, PathError, Platform, ProviderAddress,
    ProviderVersion, RegistryRequest, ReleaseFileNames,
};

/// `path` is the request's decoded path.
pub fn respond(received: &ReceivedRequest, path: &str) -> Response {
    let request = received.request();
    // Everything under /v1/providers/ is protected, even paths that lead nowhere: a client
    // without credentials learns nothing about which providers exist.
    if let Err(denied) = require_identity(request) {
        return denied;
    }
    if let Err(refused) = received.require_method(&[Method::Get]) {
        return refused;
    }
    let answer = match RegistryRequest::parse(path) {
        Ok(RegistryRequest::Versions(address)) => versions(&address, terraform_version(request)),
        Ok(RegistryRequest::Download {
            address,
            version,
            platform,
        }) => download(&address, &version, &platform),
        Err(PathError::NotFound) => Err(plain_text(404, "no such provider registry endpoint")),
        Err(PathError::Invalid(reason)) => Err(plain_text(400, &reason)),
    };
    answer.unwrap_or_else(|response| response)
}

/// What Terraform says it is (`X-Terraform-Version`), to warn old versions about keys they
/// cannot read.
fn terraform_version(request: &Request) -> Option<&str> {
    request
        .header("x-terraform-version")
        .and_then(|value| value.as_str())
}

fn versions(address: &ProviderAddress, client: Option<&str>) -> Result<Response, Response> {
    let keys = trusted_keys(address.namespace())?;
    let judged = ProviderOrigin::for_provider(address)?.releases(address, &keys)?;
    let releases = &judged.releases;
    if releases.offered.is_empty() && releases.refused.is_empty() {
        return Err(unknown_provider(address));
    }
    let mut warnings = releases.warnings(address);
    for warning in &warnings {
        eprintln!("{warning}");
    }
    for release in &releases.offered {
        for note in &release.notes {
            eprintln!("{address} {}: {note}", release.version);
        }
        let problem = client.and_then(|client| {
            keys.by_fingerprint(&release.signed_by)?
                .problem_for_client(client)
        });
        if let Some(problem) = problem {
            warnings.push(format!("{address} {}: {problem}", release.version));
        }
    }
    let mut response = json(versions_document(&releases.offered, &warnings));
    mark_stale(judged.stale.as_ref(), &mut response);
    Ok(response)
}

fn download(
    address: &ProviderAddress,
    version: &ProviderVersion,
    platform: &Platform,
) -> Result<Response, Response> {
    let keys = trusted_keys(address.namespace())?;
    let judged = ProviderOrigin::for_provider(address)?.release(address, version, &keys)?;
    let Some(release) = judged.releases.find(version) else {
        let refusal = judged
            .releases
            .refused
            .iter()
            .find(|(refused, _)| refused == version);
        return Err(match refusal {
            Some((_, refusal)) => {
                eprintln!("{address} {version} is not offered: {refusal}");
                plain_text(
                    404,
                    &format!("provider {address} {version} is not offered: {refusal}"),
                )
            }
            None => no_such_version(address, version),
        });
    };
    let archive = release.archive_for(platform).ok_or_else(|| {
        plain_text(
            404,
            &format!("provider {address} {version} has no package for {platform}"),
        )
    })?;
    let signer = keys.by_fingerprint(&release.signed_by).ok_or_else(|| {
        eprintln!("{address} {version}: the key that signed it is gone from the key set");
        plain_text(500, "wharf lost track of the provider's signing key; retry")
    })?;
    let names = ReleaseFileNames::new(address.provider_type(), version);
    let url = |file_name: &str| {
        let location = judged
            .location(address, version, file_name)
            .ok_or_else(|| {
                eprintln!("{address} {version}: {file_name} has no download location");
                plain_text(404, &format!("{file_name} is not available"))
            })?;
        signed(&location.path())
    };
    let urls = DownloadUrls {
        archive: url(&archive.file_name)?,
        checksums: url(&names.checksums())?,
        signature: url(&names.checksums_signature())?,
    };
    let mut response = json(download_document(release, archive, &urls, signer));
    mark_stale(judged.stale.as_ref(), &mut response);
    Ok(response)
}
