//! The Terraform provider registry protocol (`providers.v1`): a provider's versions and the
//! download location of one package, and the downloads themselves.
//!
//! - `/v1/providers/…`: JSON, behind the verifier (Terraform sends its token here);
//! - `/provider-downloads/…`: the package, `SHA256SUMS` and `SHA256SUMS.sig`, behind
//!   short-lived signed URLs (Terraform sends no token there).
//!
//! Streaming needs the response outparam, which spin-sdk's Router does not hand to handlers, so
//! this component dispatches on the path itself.

mod downloads;
mod protocol;

use component_http::{send_response, ReceivedRequest, GET_OR_HEAD};
use provider_origins::DOWNLOADS_PREFIX;
use spin_sdk::http::{IncomingRequest, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(incoming: IncomingRequest, out: ResponseOutparam) {
    let request = match ReceivedRequest::without_body(incoming) {
        Ok(request) => request,
        Err(refused) => return send_response(out, refused).await,
    };
    let path = request.path().to_string();
    if path.starts_with(&format!("{DOWNLOADS_PREFIX}/")) {
        if let Err(refused) = request.require_method(GET_OR_HEAD) {
            return send_response(out, refused).await;
        }
        return downloads::serve(&request, &path, out).await;
    }
    send_response(out, protocol::respond(&request, &path)).await
}
