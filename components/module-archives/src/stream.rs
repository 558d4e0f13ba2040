use std::io::Write;

use component_http::{plain_text, send_response, start_streaming, ResponseBodyReader, FILES_ROOT};
use github_access::{error_response, GitHubAccess};
use spin_sdk::http::ResponseOutparam;

use crate::archive_request::ArchiveRequest;

const CONTENT_TYPE: &str = "application/gzip";

pub async fn archive(archive: ArchiveRequest, head_only: bool, out: ResponseOutparam) {
    match archive {
        ArchiveRequest::Files { address, version } => {
            let path = format!(
                "{FILES_ROOT}/terraform/{}/{}/{}/{version}.tar.gz",
                address.namespace(),
                address.name(),
                address.provider()
            );
            let Ok(mut file) = std::fs::File::open(&path) else {
                return send_response(out, plain_text(404, "no such archive")).await;
            };
            let length = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
            let headers = [
                ("content-type", CONTENT_TYPE.to_owned()),
                ("content-length", length.to_string()),
            ];
            match start_streaming(out, 200, &headers) {
                Ok(mut body) => {
                    if head_only {
                        // HEAD: the head says it all; an empty, finished body.
                        let _ = body.finish();
                        return;
                    }
                    match std::io::copy(&mut file, &mut body) {
                        Ok(_) => {
                            if let Err(error) = body.finish() {
                                eprintln!("archive {path}: {error}");
                            }
                        }
                        Err(error) => eprintln!("archive {path} aborted: {error}"),
                    }
                }
                Err(error) => eprintln!("archive {path}: {error}"),
            }
        }
        ArchiveRequest::GitHub { repository, commit } => {
            let access = match GitHubAccess::from_variables() {
                Ok(access) => access,
                Err(error) => return send_response(out, error_response(&error)).await,
            };
            if head_only {
                // Terraform's HEAD only checks the URL answers; fetching the tarball for it
                // would download the module twice.
                let headers = [("content-type", CONTENT_TYPE.to_owned())];
                if let Ok(body) = start_streaming(out, 200, &headers) {
                    let _ = body.finish();
                }
                return;
            }
            let upstream =
                match access.open_download(|requests| requests.tarball(&repository, &commit)) {
                    Ok(upstream) => upstream,
                    Err(error) => return send_response(out, error_response(&error)).await,
                };
            let reader = match ResponseBodyReader::new(upstream) {
                Ok(reader) => reader,
                Err(error) => {
                    return send_response(out, plain_text(502, &format!("GitHub: {error}"))).await
                }
            };
            let headers = [("content-type", CONTENT_TYPE.to_owned())];
            let Ok(mut body) = start_streaming(out, 200, &headers) else {
                return;
            };
            // A failure after the head is sent leaves the body unfinished: the client sees a
            // broken transfer, never a short archive that looks complete.
            // Batches tar's 512-byte writes into fewer host calls; memory stays bounded.
            let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, &mut body);
            let repacked =
                module_archive::strip_top_directory(reader, &mut buffered).and_then(|summary| {
                    buffered
                        .flush()
                        .map(|()| summary)
                        .map_err(module_archive::ArchiveError::Write)
                });
            drop(buffered);
            match repacked {
                Ok(_) => {
                    if let Err(error) = body.finish() {
                        eprintln!(
                            "archive {}/{}: {error}",
                            repository.owner(),
                            repository.name()
                        );
                    }
                }
                Err(error) => eprintln!(
                    "archive {}/{} at {} aborted: {error}",
                    repository.owner(),
                    repository.name(),
                    commit.as_str()
                ),
            }
        }
    }
}
