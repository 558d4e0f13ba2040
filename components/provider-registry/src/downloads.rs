//! `/provider-downloads/…`: a release's package, `SHA256SUMS` or signature, streamed.

use component_http::{owner_is_allowed, plain_text, send_response};
use provider_origins::{authorize_download, files_origin, stream, DownloadLocation};
use spin_sdk::http::{Method, Request, ResponseOutparam};
use terraform_providers::ReleaseFileNames;

pub async fn serve(request: Request, out: ResponseOutparam) {
    let head_only = match request.method() {
        Method::Get => false,
        Method::Head => true,
        _ => return send_response(out, plain_text(405, "use GET or HEAD")).await,
    };
    let path = request.path().to_owned();
    if let Err(response) = authorize_download(&request, &path) {
        return send_response(out, response).await;
    }
    let not_found = || plain_text(404, "no such provider file");
    match DownloadLocation::parse(&path) {
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
        }) => match owner_is_allowed(repository.owner()) {
            Ok(true) => {
                stream::release_asset(&repository, asset_id, &file_name, head_only, out).await
            }
            Ok(false) => send_response(out, not_found()).await,
            Err(response) => send_response(out, response).await,
        },
        None => send_response(out, not_found()).await,
    }
}
