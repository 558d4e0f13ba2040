//! Answering through a `ResponseOutparam`, for components that stream.

use std::io;

use spin_sdk::http::{Headers, OutgoingResponse, Response, ResponseOutparam};

use crate::body_io::ResponseBodyWriter;

/// Sends a complete, buffered response.
pub async fn send_response(out: ResponseOutparam, mut response: Response) {
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(outgoing) => {
            if let Err(error) = out.set_with_body(outgoing, body).await {
                eprintln!("cannot send the response: {error}");
            }
        }
        Err(error) => eprintln!("cannot build the response: {error}"),
    }
}

/// Sends the status and headers now and returns the writer for the body. The body counts as
/// complete only once the writer's `finish` is called.
pub fn start_streaming(
    out: ResponseOutparam,
    status: u16,
    headers: &[(&str, String)],
) -> io::Result<ResponseBodyWriter> {
    let fields: Vec<(String, Vec<u8>)> = headers
        .iter()
        .map(|(name, value)| ((*name).to_owned(), value.clone().into_bytes()))
        .collect();
    let head = Headers::from_list(&fields)
        .map_err(|error| io::Error::other(format!("invalid response header: {error:?}")))?;
    let response = OutgoingResponse::new(head);
    response
        .set_status_code(status)
        .map_err(|()| io::Error::other(format!("invalid status {status}")))?;
    let writer = ResponseBodyWriter::new(&response)?;
    out.set(response);
    Ok(writer)
}
