//! A component for wharf-host's own tests: each route exercises one thing the host provides,
//! so a test can observe it over HTTP. Never part of wharf's spin.toml.

use spin_sdk::http::conversions::TryFromIncomingRequest;
use spin_sdk::http::{
    IncomingRequest, Method, OutgoingResponse, Params, Request, Response, ResponseOutparam, Router,
};
use spin_sdk::{http_component, key_value, variables};

/// Takes the request unread, so one route can answer without touching the body (spin-sdk's
/// `Request` reads it all first).
#[http_component]
async fn handle(request: IncomingRequest, response_out: ResponseOutparam) {
    let path = request.path_with_query().unwrap_or_default();
    let response = if path.starts_with("/probe/ignore-body") {
        text(200, "answered without reading the body")
    } else {
        match Request::try_from_incoming_request(request).await {
            Ok(request) => route(request).await,
            Err(error) => text(400, format!("cannot read the request: {error}")),
        }
    };
    let mut response = response;
    let body = std::mem::take(response.body_mut());
    match OutgoingResponse::try_from(response) {
        Ok(outgoing) => {
            if let Err(error) = response_out.set_with_body(outgoing, body).await {
                eprintln!("cannot send the response body: {error}");
            }
        }
        Err(error) => eprintln!("cannot form the response: {error}"),
    }
}

async fn route(request: Request) -> Response {
    let mut router = Router::new();
    router.get("/probe/kv/:key", read_key);
    router.put("/probe/kv/:key", write_key);
    router.get("/probe/kv-store/:label", open_store);
    router.get("/probe/variable/:name", read_variable);
    router.get_async("/probe/outbound", outbound);
    router.get("/probe/headers", spin_headers);
    router.get("/probe/file/*", read_file);
    router.get("/probe/environment/:name", read_environment);
    router.get("/probe/instance-requests", instance_requests);
    router.post("/probe/body-length", body_length);
    router.get("/probe/allocate/:mebibytes", allocate);
    router.handle_async(request).await
}

fn text(status: u16, body: impl Into<String>) -> Response {
    Response::new(status, body.into())
}

fn read_key(_request: Request, params: Params) -> Response {
    let key = params.get("key").unwrap_or_default();
    match key_value::Store::open_default().and_then(|store| store.get(key)) {
        Ok(Some(value)) => text(200, String::from_utf8_lossy(&value)),
        Ok(None) => text(404, "no such key"),
        Err(error) => text(500, format!("{error:?}")),
    }
}

fn write_key(request: Request, params: Params) -> Response {
    let key = params.get("key").unwrap_or_default();
    match key_value::Store::open_default().and_then(|store| store.set(key, request.body())) {
        Ok(()) => text(204, ""),
        Err(error) => text(500, format!("{error:?}")),
    }
}

fn open_store(_request: Request, params: Params) -> Response {
    match key_value::Store::open(params.get("label").unwrap_or_default()) {
        Ok(_) => text(200, "opened"),
        Err(error) => text(403, format!("{error:?}")),
    }
}

fn read_variable(_request: Request, params: Params) -> Response {
    match variables::get(params.get("name").unwrap_or_default()) {
        Ok(value) => text(200, value),
        Err(error) => text(404, format!("{error:?}")),
    }
}

/// `?url=…`: makes the outbound request and reports the upstream status or the error.
async fn outbound(request: Request, _params: Params) -> Response {
    let Some(url) = request
        .query()
        .split('&')
        .find_map(|pair| pair.strip_prefix("url="))
    else {
        return text(400, "missing url");
    };
    let outgoing = Request::builder().method(Method::Get).uri(url).build();
    match spin_sdk::http::send::<_, Response>(outgoing).await {
        Ok(response) => text(200, format!("upstream status {}", response.status())),
        Err(error) => text(502, format!("{error:?}")),
    }
}

fn spin_headers(request: Request, _params: Params) -> Response {
    let mut lines: Vec<String> = request
        .headers()
        .filter(|(name, _)| name.starts_with("spin-"))
        .map(|(name, value)| format!("{name}: {}", value.as_str().unwrap_or("<binary>")))
        .collect();
    lines.sort();
    text(200, lines.join("\n"))
}

fn read_file(request: Request, _params: Params) -> Response {
    let relative = request
        .header("spin-path-info")
        .and_then(|value| value.as_str())
        .unwrap_or_default()
        .trim_start_matches("/file/")
        .to_owned();
    match std::fs::read_to_string(format!("/mounted/{relative}")) {
        Ok(contents) => text(200, contents),
        Err(error) => text(404, error.to_string()),
    }
}

/// How many requests this instance has served: 1 every time if each request gets a fresh one.
fn instance_requests(_request: Request, _params: Params) -> Response {
    static SERVED: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let served = SERVED.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
    text(200, served.to_string())
}

fn read_environment(_request: Request, params: Params) -> Response {
    match std::env::var(params.get("name").unwrap_or_default()) {
        Ok(value) => text(200, value),
        Err(_) => text(404, "unset"),
    }
}

/// How many body bytes the component received.
fn body_length(request: Request, _params: Params) -> Response {
    text(200, request.body().len().to_string())
}

/// Allocates and touches this many MiB, as a request that needs much memory would.
fn allocate(_request: Request, params: Params) -> Response {
    let Ok(mebibytes) = params.get("mebibytes").unwrap_or_default().parse::<usize>() else {
        return text(400, "not a number");
    };
    let block = vec![1u8; mebibytes << 20];
    let total: usize = block
        .iter()
        .step_by(4096)
        .map(|byte| usize::from(*byte))
        .sum();
    text(200, format!("touched {total} pages"))
}
