use std::io::Write;

use component_http::{plain_text, send_response, start_streaming, ResponseBodyReader, FILES_ROOT};
use github_access::github::{GitRef, Repository};
use github_access::{error_response, Archive, ArchiveCopy, GitHubAccess};
use module_archive::ModuleFilesOrigin;
use spin_sdk::http::ResponseOutparam;

use crate::archive_request::ArchiveRequest;

const CONTENT_TYPE: &str = "application/gzip";

pub async fn archive(archive: ArchiveRequest, head_only: bool, out: ResponseOutparam) {
    match archive {
        ArchiveRequest::Files { address, version } => {
            let path = ModuleFilesOrigin::in_registry(FILES_ROOT).archive_path(&address, &version);
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
                    match body.copy_from(&mut file) {
                        Ok(_) => {
                            if let Err(error) = body.finish() {
                                eprintln!("archive {}: {error}", path.display());
                            }
                        }
                        Err(error) => eprintln!("archive {} aborted: {error}", path.display()),
                    }
                }
                Err(error) => eprintln!("archive {}: {error}", path.display()),
            }
        }
        ArchiveRequest::GitHub { repository, commit } => {
            github_archive(&repository, &commit, head_only, out).await
        }
    }
}

/// GitHub's tarball of `commit`, repacked so the module's files sit at the archive's root; kept
/// in key-value when small, so the next `terraform init` of this version needs no GitHub call.
async fn github_archive(
    repository: &Repository,
    commit: &GitRef,
    head_only: bool,
    out: ResponseOutparam,
) {
    let access = match GitHubAccess::from_variables() {
        Ok(access) => access,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    let repository_access = match access.repository(repository) {
        Ok(repository_access) => repository_access,
        Err(error) => return send_response(out, error_response(&error)).await,
    };
    if head_only {
        // Terraform's HEAD only checks the URL answers; fetching the tarball for it would
        // download the module twice.
        let headers = [("content-type", CONTENT_TYPE.to_owned())];
        if let Ok(body) = start_streaming(out, 200, &headers) {
            let _ = body.finish();
        }
        return;
    }
    let upstream = match repository_access.archive(commit) {
        Ok(Archive::Kept(bytes)) => return send_kept(bytes, out),
        Ok(Archive::Upstream(upstream)) => upstream,
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
    // A failure after the head is sent leaves the body unfinished: the client sees a broken
    // transfer, never a short archive that looks complete (and nothing is kept).
    // Batches tar's 512-byte writes into fewer host calls; memory stays bounded.
    let mut buffered = std::io::BufWriter::with_capacity(64 * 1024, ArchiveCopy::new(&mut body));
    let repacked = module_archive::strip_top_directory(reader, &mut buffered).and_then(|_| {
        buffered
            .flush()
            .map_err(module_archive::ArchiveError::Write)
    });
    let copy = buffered.into_inner().ok();
    match (repacked, copy) {
        (Ok(()), Some(copy)) => {
            repository_access.keep_archive(commit, copy);
            if let Err(error) = body.finish() {
                eprintln!("archive {repository}: {error}");
            }
        }
        (Ok(()), None) => eprintln!("archive {repository} at {commit} aborted: flushing failed"),
        (Err(error), _) => eprintln!("archive {repository} at {commit} aborted: {error}"),
    }
}

fn send_kept(bytes: Vec<u8>, out: ResponseOutparam) {
    let headers = [
        ("content-type", CONTENT_TYPE.to_owned()),
        ("content-length", bytes.len().to_string()),
    ];
    let Ok(mut body) = start_streaming(out, 200, &headers) else {
        return;
    };
    match body.write_all(&bytes) {
        Ok(()) => {
            if let Err(error) = body.finish() {
                eprintln!("kept archive: {error}");
            }
        }
        Err(error) => eprintln!("kept archive aborted: {error}"),
    }
}
