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

use component_http::send_response;
use provider_origins::DOWNLOADS_PREFIX;
use spin_sdk::http::{Request, ResponseOutparam};
use spin_sdk::http_component;

#[http_component]
async fn handle(request: Request, out: ResponseOutparam) {
    if request.path().starts_with(DOWNLOADS_PREFIX) {
        return downloads::serve(request, out).await;
    }
    send_response(out, protocol::respond(&request)).await
}
