//! A fake GitHub for end-to-end tests, behaving like GitHub where wharf depends on it:
//! private repositories answer 404 without a valid token, lists paginate with `Link`, every API
//! answer carries rate-limit headers, every successful API answer an `ETag`, and a request whose
//! `If-None-Match` matches gets 304 (not counted against the rate limit, as on GitHub).
//! Archives and release assets redirect (302) to a second host that refuses requests carrying
//! `Authorization`, and App installation tokens are issued only for a JWT signed with the App's
//! key.
//!
//! It can also fail the ways GitHub fails ([`GitHubFailure`]): refuse connections, answer 500,
//! hang, or rate-limit.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::Sha256;

#[derive(Default, Clone)]
pub struct FakeRepository {
    pub private: bool,
    /// (tag name, commit sha), in the order GitHub lists them.
    pub tags: Vec<(String, String)>,
    /// Archive bytes by commit sha (what codeload serves for tarball/{sha}).
    pub tarballs: HashMap<String, Vec<u8>>,
    /// When set, the tags endpoint answers 200 with this body instead of JSON.
    pub garbage_tags: Option<String>,
    /// Releases, newest first (GitHub's order).
    pub releases: Vec<FakeRelease>,
    /// Branches: each a list of commits (sha, files by path), the last one the head.
    pub branches: HashMap<String, Vec<FakeCommit>>,
}

#[derive(Default, Clone)]
pub struct FakeRelease {
    pub id: u64,
    pub tag: String,
    pub assets: Vec<FakeAsset>,
}

#[derive(Default, Clone)]
pub struct FakeAsset {
    pub id: u64,
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Default, Clone)]
pub struct FakeCommit {
    pub sha: String,
    pub files: HashMap<String, Vec<u8>>,
}

#[derive(Clone)]
pub struct FakeApp {
    pub app_id: String,
    pub installation_id: String,
    pub public_key: RsaPublicKey,
}

/// One request the fake received, and the status it answered (0: none, the connection hung or
/// was dropped).
#[derive(Debug, Clone)]
pub struct Call {
    pub host: &'static str,
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub if_none_match: Option<String>,
    pub status: u16,
}

impl Call {
    /// A call that cost GitHub a full answer: a 2xx with a body (JSON, a file, bytes).
    pub fn returned_body(&self) -> bool {
        (200..300).contains(&self.status) && self.status != 204
    }
}

/// Calls counted by what they cost GitHub.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallCounts {
    /// API answers with a body (these count against the rate limit).
    pub api_with_body: usize,
    /// 304 answers to `If-None-Match` (free on GitHub).
    pub api_not_modified: usize,
    /// 302s to the download host.
    pub api_redirects: usize,
    /// Archive and asset bytes from the download host.
    pub downloads: usize,
    /// Anything else (errors, refused, hung).
    pub other: usize,
}

impl CallCounts {
    /// Every call that returned a body, API or download.
    pub fn with_body(&self) -> usize {
        self.api_with_body + self.downloads
    }
}

impl std::fmt::Display for CallCounts {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "{} API answers with a body, {} 304 Not Modified, {} redirects, {} downloads, {} other",
            self.api_with_body,
            self.api_not_modified,
            self.api_redirects,
            self.downloads,
            self.other
        )
    }
}

/// How GitHub (both its API and its download host) fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitHubFailure {
    /// Nothing listens: connections are refused.
    ConnectionRefused,
    /// Every request gets 500.
    ServerError,
    /// Connections are accepted and requests read, but nothing is ever answered.
    Hang,
    /// The answer's head and the first half of its body are sent, then nothing more.
    Stall,
    /// The API answers 403 with `x-ratelimit-remaining: 0`, resetting `reset_in` from when
    /// it started.
    RateLimited { reset_in: Duration },
}

#[derive(Default)]
struct State {
    repositories: HashMap<String, FakeRepository>,
    tokens: Vec<String>,
    app: Option<FakeApp>,
    installation_tokens: Vec<(String, u64)>,
    failure: Option<GitHubFailure>,
    rate_limit_reset: u64,
    /// API answers counted against the rate limit (not 304s).
    rate_limit_used: u64,
    calls: Vec<Call>,
}

#[derive(Clone)]
pub struct FakeGitHub {
    state: Arc<Mutex<State>>,
    /// Wakes listeners and hung connections when the failure mode changes.
    changed: Arc<Condvar>,
    pub api: SocketAddr,
    pub downloads: SocketAddr,
}

/// wharf uses what GitHub said about something that can change (tags, a branch head, a
/// release) for 10 s before asking again; waiting this long makes the next request ask.
pub const REVALIDATE_AFTER: Duration = Duration::from_secs(11);

/// Hung connections give up after this, so no test thread lingers forever.
const HANG_AT_MOST: Duration = Duration::from_secs(120);

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs()
}

impl FakeGitHub {
    pub fn start() -> Self {
        let api_listener = TcpListener::bind("127.0.0.1:0").expect("bind fake api");
        let downloads_listener = TcpListener::bind("127.0.0.1:0").expect("bind fake downloads");
        let fake = FakeGitHub {
            state: Arc::default(),
            changed: Arc::default(),
            api: api_listener.local_addr().expect("address"),
            downloads: downloads_listener.local_addr().expect("address"),
        };
        for (listener, host) in [(api_listener, "api"), (downloads_listener, "downloads")] {
            let fake = fake.clone();
            std::thread::spawn(move || fake.listen(listener, host));
        }
        fake
    }

    /// Accepts connections until GitHub is to refuse them; then closes the socket (so
    /// connecting is refused) and binds the same address again when GitHub is back.
    fn listen(&self, mut listener: TcpListener, host: &'static str) {
        let address = listener.local_addr().expect("address");
        loop {
            for stream in listener.incoming().map_while(Result::ok) {
                if self.lock().failure == Some(GitHubFailure::ConnectionRefused) {
                    // The wake-up connection from `fail`, or a client just before it.
                    let _ = stream.shutdown(Shutdown::Both);
                    break;
                }
                let fake = self.clone();
                std::thread::spawn(move || fake.serve(stream, host));
            }
            drop(listener);
            let mut state = self.lock();
            while state.failure == Some(GitHubFailure::ConnectionRefused) {
                state = self.changed.wait(state).expect("fake GitHub state");
            }
            drop(state);
            listener = loop {
                match TcpListener::bind(address) {
                    Ok(listener) => break listener,
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            };
        }
    }

    /// GitHub fails this way from now on; `None`: GitHub is back.
    pub fn fail(&self, failure: Option<GitHubFailure>) {
        {
            let mut state = self.lock();
            if let Some(GitHubFailure::RateLimited { reset_in }) = failure {
                state.rate_limit_reset = now() + reset_in.as_secs();
            }
            state.failure = failure;
        }
        self.changed.notify_all();
        if failure == Some(GitHubFailure::ConnectionRefused) {
            // Wake the listeners blocked in accept, so they close their sockets now.
            for address in [self.api, self.downloads] {
                let _ = TcpStream::connect(address);
            }
            // Until both sockets are closed, a client could still get through.
            let deadline = Instant::now() + Duration::from_secs(5);
            while Instant::now() < deadline
                && [self.api, self.downloads]
                    .iter()
                    .any(|address| TcpStream::connect(address).is_ok())
            {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }

    pub fn api_url(&self) -> String {
        format!("http://{}", self.api)
    }

    pub fn downloads_url(&self) -> String {
        format!("http://{}", self.downloads)
    }

    pub fn add_repository(&self, full_name: &str, repository: FakeRepository) {
        self.lock()
            .repositories
            .insert(full_name.to_owned(), repository);
    }

    pub fn add_token(&self, token: &str) {
        self.lock().tokens.push(token.to_owned());
    }

    pub fn set_app(&self, app: FakeApp) {
        self.lock().app = Some(app);
    }

    /// Tags a commit (newest first, as GitHub lists them), with its tarball.
    pub fn add_tag(&self, full_name: &str, tag: &str, sha: &str, tarball: Vec<u8>) {
        let mut state = self.lock();
        let repository = state
            .repositories
            .get_mut(full_name)
            .expect("known repository");
        repository.tags.insert(0, (tag.to_owned(), sha.to_owned()));
        repository.tarballs.insert(sha.to_owned(), tarball);
    }

    /// Moves a tag to another commit (a rewritten tag).
    pub fn move_tag(&self, full_name: &str, tag: &str, sha: &str) {
        let mut state = self.lock();
        let repository = state
            .repositories
            .get_mut(full_name)
            .expect("known repository");
        for (name, commit) in &mut repository.tags {
            if name == tag {
                *commit = sha.to_owned();
            }
        }
    }

    /// Publishes a release (newest first, as GitHub lists them).
    pub fn add_release(&self, full_name: &str, release: FakeRelease) {
        let mut state = self.lock();
        let repository = state
            .repositories
            .get_mut(full_name)
            .expect("known repository");
        repository.releases.insert(0, release);
    }

    /// Pushes a commit with these files to a branch.
    pub fn push(&self, full_name: &str, branch: &str, commit: FakeCommit) {
        let mut state = self.lock();
        let repository = state
            .repositories
            .get_mut(full_name)
            .expect("known repository");
        repository
            .branches
            .entry(branch.to_owned())
            .or_default()
            .push(commit);
    }

    /// Pushes a commit holding every file under `directory` (paths relative to it), e.g. an
    /// APT index written by `wharf apt index`, to a branch.
    pub fn push_directory(&self, full_name: &str, branch: &str, sha: &str, directory: &Path) {
        fn walk(root: &Path, directory: &Path, files: &mut HashMap<String, Vec<u8>>) {
            for entry in std::fs::read_dir(directory)
                .expect("read directory")
                .map_while(Result::ok)
            {
                let path = entry.path();
                if path.is_dir() {
                    walk(root, &path, files);
                } else {
                    let relative = path.strip_prefix(root).expect("below root");
                    files.insert(
                        relative.display().to_string(),
                        std::fs::read(&path).expect("read file"),
                    );
                }
            }
        }
        let mut files = HashMap::new();
        walk(directory, directory, &mut files);
        self.push(
            full_name,
            branch,
            FakeCommit {
                sha: sha.to_owned(),
                files,
            },
        );
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The calls since the last [`FakeGitHub::clear_calls`], by what they cost GitHub.
    pub fn call_counts(&self) -> CallCounts {
        let mut counts = CallCounts::default();
        for call in self.calls() {
            let kind = match (call.host, call.status) {
                ("api", 304) => &mut counts.api_not_modified,
                ("api", 301 | 302 | 307 | 308) => &mut counts.api_redirects,
                ("api", _) if call.returned_body() => &mut counts.api_with_body,
                (_, _) if call.returned_body() => &mut counts.downloads,
                _ => &mut counts.other,
            };
            *kind += 1;
        }
        counts
    }

    pub fn clear_calls(&self) {
        self.lock().calls.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().expect("fake GitHub state")
    }

    fn serve(&self, stream: TcpStream, host: &'static str) {
        let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut headers = HashMap::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
            }
        }
        let length: usize = headers
            .get("content-length")
            .and_then(|value| value.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        let (path, query) = target.split_once('?').unwrap_or((&target, ""));
        // GitHub routes on the decoded path: `releases/tags/v2.3%2Bdfsg-1` is tag `v2.3+dfsg-1`.
        let path = percent_decoded(path);
        let path = path.as_str();
        let authorization = headers.get("authorization").cloned();
        let if_none_match = headers.get("if-none-match").cloned();
        let call = self.record(Call {
            host,
            method: method.clone(),
            path: path.to_owned(),
            authorization: authorization.clone(),
            if_none_match: if_none_match.clone(),
            status: 0,
        });
        let failure = self.lock().failure;
        let reply = match failure {
            Some(GitHubFailure::Hang) => return self.hang(stream, GitHubFailure::Hang),
            Some(GitHubFailure::ServerError) => Reply::json(500, r#"{"message":"Server Error"}"#),
            _ if host == "api" => self.api(
                &method,
                path,
                query,
                authorization.as_deref(),
                if_none_match,
            ),
            _ => self.download(
                &method,
                path,
                authorization.as_deref(),
                headers.get("range").map(String::as_str),
            ),
        };
        self.lock().calls[call].status = reply.code();
        let mut stream = stream;
        let stall = failure == Some(GitHubFailure::Stall);
        let declared_length = reply
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-length"));
        let mut head = format!("HTTP/1.1 {}\r\nConnection: close\r\n", reply.status);
        if !declared_length {
            head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
        }
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let _ = stream.write_all(head.as_bytes());
        if stall {
            let _ = stream.write_all(&reply.body[..reply.body.len() / 2]);
            let _ = stream.flush();
            return self.hang(stream, GitHubFailure::Stall);
        }
        let _ = stream.write_all(&reply.body);
    }

    fn record(&self, call: Call) -> usize {
        let mut state = self.lock();
        state.calls.push(call);
        state.calls.len() - 1
    }

    /// Holds the connection without sending more until GitHub stops failing this way.
    fn hang(&self, stream: TcpStream, failure: GitHubFailure) {
        let started = Instant::now();
        let mut state = self.lock();
        while state.failure == Some(failure) && started.elapsed() < HANG_AT_MOST {
            state = self
                .changed
                .wait_timeout(state, Duration::from_secs(1))
                .expect("fake GitHub state")
                .0;
        }
        drop(state);
        drop(stream);
    }

    /// Whether the presented token is one GitHub would accept; `Err` for a bad token.
    fn token_status(&self, authorization: Option<&str>) -> Result<bool, ()> {
        let Some(value) = authorization else {
            return Ok(false);
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("token "))
            .ok_or(())?;
        let state = self.lock();
        let valid = state.tokens.iter().any(|known| known == token)
            || state
                .installation_tokens
                .iter()
                .any(|(known, expires)| known == token && *expires > now());
        if valid {
            Ok(true)
        } else {
            Err(())
        }
    }

    fn api(
        &self,
        method: &str,
        path: &str,
        query: &str,
        authorization: Option<&str>,
        if_none_match: Option<String>,
    ) -> Reply {
        let rate_limited = matches!(self.lock().failure, Some(GitHubFailure::RateLimited { .. }));
        let mut reply = if rate_limited {
            Reply::json(
                403,
                r#"{"message":"API rate limit exceeded for installation ID 777. If you reach out to GitHub Support for help, please include the request ID","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}"#,
            )
        } else {
            self.api_route(method, path, query, authorization)
        };
        if reply.code() == 200 {
            let etag = match reply.header("etag") {
                Some(etag) => etag.to_owned(),
                None => {
                    let etag = format!("W/\"{:x}\"", simple_hash(&reply.body));
                    reply.headers.push(("ETag".into(), etag.clone()));
                    etag
                }
            };
            if if_none_match.is_some_and(|tags| etag_matches(&tags, &etag)) {
                reply = Reply {
                    status: "304 Not Modified".into(),
                    headers: vec![("ETag".into(), etag)],
                    body: Vec::new(),
                };
            }
        }
        let mut state = self.lock();
        // GitHub does not count 304s (nor requests refused for the limit itself).
        if reply.code() != 304 && !rate_limited {
            state.rate_limit_used += 1;
        }
        let (remaining, reset) = if rate_limited {
            (0, state.rate_limit_reset)
        } else {
            (5000u64.saturating_sub(state.rate_limit_used), now() + 3600)
        };
        drop(state);
        reply
            .headers
            .push(("x-ratelimit-limit".into(), "5000".into()));
        reply
            .headers
            .push(("x-ratelimit-remaining".into(), remaining.to_string()));
        reply
            .headers
            .push(("x-ratelimit-reset".into(), reset.to_string()));
        reply
    }

    fn api_route(
        &self,
        method: &str,
        path: &str,
        query: &str,
        authorization: Option<&str>,
    ) -> Reply {
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if let ["app", "installations", id, "access_tokens"] = segments.as_slice() {
            return if method == "POST" {
                self.issue_installation_token(id, authorization)
            } else {
                Reply::json(404, r#"{"message":"Not Found"}"#)
            };
        }
        let authenticated = match self.token_status(authorization) {
            Ok(authenticated) => authenticated,
            Err(()) => return Reply::json(401, r#"{"message":"Bad credentials"}"#),
        };
        let ["repos", owner, name, rest @ ..] = segments.as_slice() else {
            return Reply::json(404, r#"{"message":"Not Found"}"#);
        };
        let full_name = format!("{owner}/{name}");
        let Some(repository) = self.lock().repositories.get(&full_name).cloned() else {
            return Reply::json(404, r#"{"message":"Not Found"}"#);
        };
        if repository.private && !authenticated {
            return Reply::json(404, r#"{"message":"Not Found"}"#);
        }
        match rest {
            ["tags"] => {
                if let Some(garbage) = &repository.garbage_tags {
                    return Reply::json(200, garbage);
                }
                self.tags_page(&full_name, &repository, query)
            }
            ["releases"] => {
                let items: Vec<String> = repository
                    .releases
                    .iter()
                    .map(|release| self.release_json(&full_name, release))
                    .collect();
                Self::paginated(
                    &self.api_url(),
                    &format!("/repos/{full_name}/releases"),
                    &items,
                    query,
                )
            }
            ["releases", "tags", tag] => match repository
                .releases
                .iter()
                .find(|release| release.tag == *tag)
            {
                Some(release) => Reply::json(200, &self.release_json(&full_name, release)),
                None => Reply::json(404, r#"{"message":"Not Found"}"#),
            },
            ["releases", "assets", id] => {
                let found = repository
                    .releases
                    .iter()
                    .flat_map(|release| release.assets.iter())
                    .any(|asset| asset.id.to_string() == *id);
                if !found {
                    return Reply::json(404, r#"{"message":"Not Found"}"#);
                }
                Reply {
                    status: "302 Found".into(),
                    headers: vec![(
                        "Location".into(),
                        format!("{}/assets/{full_name}/{id}?signed=1", self.downloads_url()),
                    )],
                    body: Vec::new(),
                }
            }
            ["branches", branch] => match repository
                .branches
                .get(*branch)
                .and_then(|commits| commits.last())
            {
                Some(head) => Reply::json(
                    200,
                    &format!(r#"{{"name":"{branch}","commit":{{"sha":"{}"}}}}"#, head.sha),
                ),
                None => Reply::json(404, r#"{"message":"Branch not found"}"#),
            },
            ["contents", path @ ..] => {
                let path = path.join("/");
                let reference = query
                    .split('&')
                    .find_map(|pair| pair.strip_prefix("ref="))
                    .unwrap_or_default();
                let file = repository
                    .branches
                    .values()
                    .flat_map(|commits| commits.iter())
                    .find(|commit| commit.sha == reference)
                    .and_then(|commit| commit.files.get(&path));
                match file {
                    // The raw contents API sends a strong ETag.
                    Some(bytes) => Reply {
                        status: "200 OK".into(),
                        headers: vec![
                            ("ETag".into(), format!("\"{:x}\"", simple_hash(bytes))),
                            ("Content-Type".into(), "application/vnd.github.raw".into()),
                        ],
                        body: bytes.clone(),
                    },
                    None => Reply::json(404, r#"{"message":"Not Found"}"#),
                }
            }
            ["tarball", reference] => {
                let sha = repository
                    .tags
                    .iter()
                    .find(|(tag, sha)| tag == reference || sha == reference)
                    .map(|(_, sha)| sha.clone());
                match sha {
                    Some(sha) => Reply {
                        status: "302 Found".into(),
                        headers: vec![(
                            "Location".into(),
                            format!("{}/codeload/{full_name}/tar.gz/{sha}", self.downloads_url()),
                        )],
                        body: Vec::new(),
                    },
                    None => Reply::json(404, r#"{"message":"Not Found"}"#),
                }
            }
            _ => Reply::json(404, r#"{"message":"Not Found"}"#),
        }
    }

    fn tags_page(&self, full_name: &str, repository: &FakeRepository, query: &str) -> Reply {
        let items: Vec<String> = repository
            .tags
            .iter()
            .map(|(tag, sha)| {
                format!(
                    r#"{{"name":"{tag}","commit":{{"sha":"{sha}","url":"{}/repos/{full_name}/commits/{sha}"}},"zipball_url":"","tarball_url":"","node_id":"x"}}"#,
                    self.api_url()
                )
            })
            .collect();
        Self::paginated(
            &self.api_url(),
            &format!("/repos/{full_name}/tags"),
            &items,
            query,
        )
    }

    fn release_json(&self, full_name: &str, release: &FakeRelease) -> String {
        let assets: Vec<String> = release
            .assets
            .iter()
            .map(|asset| {
                format!(
                    r#"{{"id":{},"name":"{}","size":{},"browser_download_url":"https://github.invalid/{full_name}/releases/download/{}/{}","url":"{}/repos/{full_name}/releases/assets/{}"}}"#,
                    asset.id,
                    asset.name,
                    asset.bytes.len(),
                    release.tag,
                    asset.name,
                    self.api_url(),
                    asset.id
                )
            })
            .collect();
        format!(
            r#"{{"id":{},"tag_name":"{}","draft":false,"prerelease":false,"assets":[{}]}}"#,
            release.id,
            release.tag,
            assets.join(",")
        )
    }

    fn paginated(api_url: &str, path: &str, items: &[String], query: &str) -> Reply {
        let parameter = |name: &str| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
                .and_then(|value| value.parse::<usize>().ok())
        };
        let per_page = parameter("per_page").unwrap_or(30).clamp(1, 100);
        let page = parameter("page").unwrap_or(1).max(1);
        let body: Vec<&String> = items
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        let mut reply = Reply::json(
            200,
            &format!(
                "[{}]",
                body.iter()
                    .map(|item| item.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        );
        let pages = items.len().div_ceil(per_page).max(1);
        if page < pages {
            reply.headers.push((
                "Link".into(),
                format!("<{api_url}{path}?per_page={per_page}&page={}>; rel=\"next\", <{api_url}{path}?per_page={per_page}&page={pages}>; rel=\"last\"", page + 1),
            ));
        }
        reply
    }

    fn issue_installation_token(
        &self,
        installation_id: &str,
        authorization: Option<&str>,
    ) -> Reply {
        let Some(app) = self.lock().app.clone() else {
            return Reply::json(404, r#"{"message":"Not Found"}"#);
        };
        let jwt = authorization.and_then(|value| value.strip_prefix("Bearer "));
        let verified = jwt.is_some_and(|jwt| verify_app_jwt(jwt, &app));
        if !verified {
            return Reply::json(
                401,
                r#"{"message":"A JSON web token could not be decoded"}"#,
            );
        }
        if installation_id != app.installation_id {
            return Reply::json(404, r#"{"message":"Not Found"}"#);
        }
        let expires = now() + 3600;
        let token = format!(
            "ghs_fake{}{}",
            expires,
            self.lock().installation_tokens.len()
        );
        crate::secrets::remember(&token);
        self.lock()
            .installation_tokens
            .push((token.clone(), expires));
        Reply::json(
            201,
            &format!(
                r#"{{"token":"{token}","expires_at":"{}"}}"#,
                rfc3339(expires)
            ),
        )
    }

    fn download(
        &self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        range: Option<&str>,
    ) -> Reply {
        if authorization.is_some() {
            // What GitHub's download hosts answer to a request that carries credentials.
            return Reply::json(400, r#"{"message":"Only one auth mechanism allowed"}"#);
        }
        let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        if let ["assets", owner, name, id] = segments.as_slice() {
            let state = self.lock();
            let asset = state
                .repositories
                .get(&format!("{owner}/{name}"))
                .and_then(|repository| {
                    repository
                        .releases
                        .iter()
                        .flat_map(|release| release.assets.iter())
                        .find(|asset| asset.id.to_string() == *id)
                })
                .cloned();
            drop(state);
            return match asset {
                Some(asset) => ranged(&asset.bytes, range, method == "HEAD"),
                None => Reply::json(404, "Not Found"),
            };
        }
        if let ["codeload", owner, name, "tar.gz", sha] = segments.as_slice() {
            let state = self.lock();
            if let Some(bytes) = state
                .repositories
                .get(&format!("{owner}/{name}"))
                .and_then(|repository| repository.tarballs.get(*sha))
            {
                return Reply {
                    status: "200 OK".into(),
                    headers: vec![("Content-Type".into(), "application/x-gzip".into())],
                    body: bytes.clone(),
                };
            }
        }
        Reply::json(404, "Not Found")
    }
}

/// `%XX` escapes resolved (invalid ones kept as they are).
fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                decoded.push(byte);
                index += 3;
            }
            None => {
                decoded.push(bytes[index]);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// A non-cryptographic content hash for fake ETags.
fn simple_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Serves `bytes`, honouring a single `Range: bytes=a-b` as GitHub's asset hosts do.
fn ranged(bytes: &[u8], range: Option<&str>, head: bool) -> Reply {
    let total = bytes.len();
    let span = range
        .and_then(|value| value.strip_prefix("bytes="))
        .and_then(|value| value.split_once('-'))
        .and_then(|(start, end)| {
            let start: usize = start.parse().ok()?;
            let last = total.checked_sub(1)?;
            let end: usize = if end.is_empty() {
                last
            } else {
                end.parse::<usize>().ok()?.min(last)
            };
            (start <= end).then_some((start, end))
        });
    let (status, body, mut headers) = match span {
        Some((start, end)) => (
            "206 Partial Content",
            bytes[start..=end].to_vec(),
            vec![(
                "Content-Range".to_owned(),
                format!("bytes {start}-{end}/{total}"),
            )],
        ),
        None => ("200 OK", bytes.to_vec(), Vec::new()),
    };
    headers.push(("Content-Type".into(), "application/octet-stream".into()));
    headers.push(("Accept-Ranges".into(), "bytes".into()));
    if head {
        // HEAD announces the length of the body it does not send.
        headers.push(("Content-Length".into(), body.len().to_string()));
    }
    Reply {
        status: status.into(),
        headers,
        body: if head { Vec::new() } else { body },
    }
}

/// `If-None-Match` (one tag, a list, or `*`) against the current ETag, with the weak
/// comparison RFC 9110 prescribes for it.
fn etag_matches(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    if_none_match
        .split(',')
        .any(|candidate| candidate.trim() == "*" || opaque(candidate) == opaque(etag))
}

struct Reply {
    status: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn code(&self) -> u16 {
        self.status
            .split_whitespace()
            .next()
            .and_then(|code| code.parse().ok())
            .unwrap_or(0)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(candidate, _)| candidate.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn json(status: u16, body: &str) -> Self {
        let reason = match status {
            200 => "OK",
            201 => "Created",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            500 => "Internal Server Error",
            _ => "Not Found",
        };
        Reply {
            status: format!("{status} {reason}"),
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: body.as_bytes().to_vec(),
        }
    }
}

fn verify_app_jwt(jwt: &str, app: &FakeApp) -> bool {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else {
        return false;
    };
    let Ok(signature) = engine.decode(signature) else {
        return false;
    };
    let Ok(signature) = Signature::try_from(signature.as_slice()) else {
        return false;
    };
    let key = VerifyingKey::<Sha256>::new(app.public_key.clone());
    if key
        .verify(format!("{header}.{claims}").as_bytes(), &signature)
        .is_err()
    {
        return false;
    }
    let Ok(header) = engine.decode(header) else {
        return false;
    };
    if !String::from_utf8_lossy(&header).contains(r#""RS256""#) {
        return false;
    }
    let Ok(claims) = engine.decode(claims) else {
        return false;
    };
    let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&claims) else {
        return false;
    };
    let (Some(iat), Some(exp)) = (claims["iat"].as_u64(), claims["exp"].as_u64()) else {
        return false;
    };
    let issuer_matches = claims["iss"].as_str() == Some(app.app_id.as_str())
        || claims["iss"].as_u64().map(|id| id.to_string()) == Some(app.app_id.clone());
    issuer_matches && exp > now() && exp - iat <= 600 + 60 && iat <= now() + 60
}

/// `2026-11-25T18:00:00Z` for a unix time (civil-from-days, proleptic Gregorian).
fn rfc3339(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let seconds = unix % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(1_798_761_599), "2026-12-31T23:59:59Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }
}
