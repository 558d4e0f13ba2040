//! `/provider-downloads/…`: a release's package, `SHA256SUMS` or signature, streamed.

use component_http::{plain_text, send_response, ReceivedRequest};
use provider_origins::{authorize_download, files_origin, stream, DownloadLocation};
use spin_sdk::http::{Method, ResponseOutparam};
use terraform_providers::ReleaseFileNames;

/// `path` is the request's decoded path; the method is GET or HEAD.
pub async fn serve(request: &ReceivedRequest, path: &str, out: ResponseOutparam) {
    let head_only = *request.method() == Method::Head;
    // Proof first: without it, a client learns nothing about which files exist.
    if let Err(response) = authorize_download(request) {
        return send_response(out, response).await;
    }
    let not_found = || plain_text(404, "no such provider file");
    match DownloadLocation::parse(path) {
        Some(DownloadLocation::Files {
            address,
            version,
            file_name,
        }) => {
            // Only the release's own files: never the namespace's key file or anything else.
            if ReleaseFileNames::new(address.provider_type(), &version)
                .classify(&file_name)
                .is_none()
            {
                return send_response(out, not_found()).await;
            }
            let file = files_origin()
                .version_directory(&address, &version)
                .join(&file_name);
            stream::local_file(&file, &file_name, head_only, out).await
        }
        Some(DownloadLocation::GitHub {
            repository,
            asset_id,
            file_name,
        }) => stream::release_asset(&repository, asset_id, &file_name, head_only, out).await,
        None => send_response(out, not_found()).await,
    }
}
