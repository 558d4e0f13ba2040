//! The catalogue (`/`, `/catalogue/…`) end to end: real headless Chromium loads the pages of
//! the sample registry (files origin) and of a GitHub-origin registry (the fake GitHub: module
//! repositories, provider releases, an APT branch), with
//! credentials, and the tests read the DOM it built; hostile READMEs and package descriptions
//! stay inert; without credentials nothing is shown; every page is also JSON.

use std::path::{Path, PathBuf};
use std::time::Instant;

use end_to_end::apt::{build_deb, DebContents};
use end_to_end::browser::{url_with_credentials, Browser};
use end_to_end::fake_github::{
    FakeAsset, FakeGitHub, FakeRelease, FakeRepository, GitHubFailure, REVALIDATE_AFTER,
};
use end_to_end::files_origin::manifest_serving;
use end_to_end::github_fixtures::{keygen, release_with, sha, wharf_cli, AptPublisher};
use end_to_end::providers::{goreleaser_release, sha256_hex, Author};
use end_to_end::wharf_host::wharf_manifest;
use end_to_end::{HttpResponse, WharfHost};
use scraper::{Html, Selector};

const USER: &str = "fleet";
const PASSWORD: &str = "catalogue-password-0123";
const TOKEN: &str = "catalogue-token-0123456789";
const SIGNING_KEY: &str = "catalogue-url-signing-key-0123456789";
const GITHUB_TOKEN: &str = "ghp_cataloguecataloguecataloguecatalog1";

/// Where screenshots go: this test binary's output directory.
fn screenshot_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("catalogue")
        .join(name)
}

fn basic_header() -> Vec<u8> {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{USER}:{PASSWORD}"))
    )
    .into_bytes()
}

fn get(wharf: &WharfHost, path: &str, accept: &str) -> HttpResponse {
    let authorization = basic_header();
    wharf.get_with(
        path,
        &[
            ("Authorization", &authorization),
            ("Accept", accept.as_bytes()),
        ],
    )
}

fn texts(document: &Html, selector: &str) -> Vec<String> {
    let selector = Selector::parse(selector).expect("selector");
    document
        .select(&selector)
        .map(|element| element.text().collect::<String>().trim().to_owned())
        .collect()
}

/// `gpg`'s fingerprint of a public key file: the independent answer the page must show.
fn gpg_fingerprint(key: &Path) -> String {
    let output = std::process::Command::new("gpg")
        .args(["--show-keys", "--with-colons"])
        .arg(key)
        .output()
        .expect("run gpg");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.strip_prefix("fpr:::::::::"))
        .and_then(|rest| rest.split(':').next())
        .expect("gpg prints a fingerprint")
        .to_owned()
}

fn files_wharf(manifest: &Path, state: &Path) -> WharfHost {
    WharfHost::start(
        manifest,
        state,
        &[
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("api_tokens", TOKEN),
            ("url_signing_key", SIGNING_KEY),
        ],
    )
}

#[test]
fn the_sample_registry_catalogue_in_a_real_browser() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&wharf_manifest(), state.path());
    let browser = Browser::find();
    let url = |path: &str| url_with_credentials(wharf.address, USER, PASSWORD, path);

    let overview = Html::parse_document(&browser.dom(&url("/")));
    assert_eq!(texts(&overview, "a.module-name"), ["wharf/hello/null"]);
    assert_eq!(texts(&overview, "a.package-name"), ["hello-wharf"]);
    assert_eq!(
        texts(&overview, "td.package-summary"),
        ["sample package served by wharf"]
    );
    assert!(
        texts(&overview, "#modules td")
            .iter()
            .any(|cell| cell.starts_with("A greeting from a module served by wharf")),
        "the README's first paragraph describes the module: {:?}",
        texts(&overview, "#modules td")
    );

    let module = Html::parse_document(&browser.dom(&url("/catalogue/modules/wharf/hello/null")));
    assert_eq!(texts(&module, "#module-title"), ["wharf/hello/null"]);
    assert_eq!(texts(&module, "code.input-name"), ["name"]);
    assert_eq!(texts(&module, "td.input-description"), ["Who to greet."]);
    assert_eq!(
        texts(&module, "#readme h1"),
        ["hello"],
        "the README is rendered"
    );
    let usage = texts(&module, "#usage").join("");
    let host = wharf.address.to_string();
    assert!(
        usage.contains("source  = \"registry.test/wharf/hello/null\"")
            && usage.contains("version = \"~> 1.0\""),
        "{usage}"
    );
    let configuration = texts(&module, "#terraform-configuration").join("");
    assert!(
        configuration.contains(&format!("\"modules.v1\"   = \"http://{host}/v1/modules/\""))
            && configuration.contains(&format!(
                "\"providers.v1\" = \"http://{host}/v1/providers/\""
            )),
        "a plain-http registry needs a host block naming this registry: {configuration}"
    );

    assert_eq!(texts(&overview, "a.provider-name"), ["wharf/hello"]);
    let provider = Html::parse_document(&browser.dom(&url("/catalogue/providers/wharf/hello")));
    assert_eq!(texts(&provider, "#provider-title"), ["wharf/hello"]);
    assert_eq!(texts(&provider, "#provider-version"), ["1.0.0"]);
    let sample_providers = end_to_end::paths::repository_root().join("registry/providers/wharf");
    let mut platforms: Vec<String> = std::fs::read_dir(sample_providers.join("hello/1.0.0"))
        .expect("sample provider")
        .filter_map(|entry| {
            let name = entry.expect("entry").file_name().into_string().ok()?;
            let platform = name
                .strip_prefix("terraform-provider-hello_1.0.0_")?
                .strip_suffix(".zip")?;
            Some(platform.to_owned())
        })
        .collect();
    platforms.sort();
    let shown: Vec<String> = texts(&provider, "td.platform-os")
        .iter()
        .zip(texts(&provider, "td.platform-arch"))
        .map(|(os, arch)| format!("{os}_{arch}"))
        .collect();
    assert_eq!(shown, platforms, "every platform the release has");
    assert_eq!(
        texts(&provider, "#provider-signed-by"),
        [gpg_fingerprint(&sample_providers.join("signing-keys.asc"))]
    );
    let provider_usage = texts(&provider, "#usage").join("");
    assert!(
        provider_usage.contains("required_providers")
            && provider_usage.contains("source  = \"registry.test/wharf/hello\"")
            && provider_usage.contains("version = \"~> 1.0\""),
        "{provider_usage}"
    );

    let packages = Html::parse_document(&browser.dom(&url("/catalogue/packages")));
    assert_eq!(texts(&packages, "a.package-name"), ["hello-wharf"]);
    let sample_key = end_to_end::paths::repository_root().join("registry/apt/public.key");
    assert_eq!(
        texts(&packages, "#fingerprint"),
        [gpg_fingerprint(&sample_key)]
    );
    let sources = texts(&packages, "#sources").join("");
    assert!(
        sources.contains(&format!("URIs: http://{host}/")),
        "{sources}"
    );
    assert!(
        sources.contains("Signed-By: /etc/apt/keyrings/wharf.asc"),
        "{sources}"
    );
    let auth_conf = texts(&packages, "#auth-conf").join("");
    assert_eq!(
        auth_conf,
        format!("machine http://{host} login {USER} password YOUR-PASSWORD")
    );
    assert!(
        !browser.dom(&url("/catalogue/packages")).contains(PASSWORD),
        "the page never shows the password"
    );

    let package = Html::parse_document(&browser.dom(&url("/catalogue/packages/hello-wharf")));
    assert_eq!(texts(&package, "#package-title"), ["hello-wharf"]);
    assert!(texts(&package, "#install")
        .join("")
        .contains("apt-get install hello-wharf"));

    for (name, path, width, height) in [
        ("overview.png", "/", 1280, 1100),
        (
            "module.png",
            "/catalogue/modules/wharf/hello/null",
            1280,
            1600,
        ),
        (
            "provider.png",
            "/catalogue/providers/wharf/hello",
            1280,
            1400,
        ),
        ("packages-phone.png", "/catalogue/packages", 390, 1200),
    ] {
        let target = screenshot_path(name);
        browser.screenshot(&url(path), &target, width, height);
        eprintln!("screenshot: {}", target.display());
    }
}

#[test]
fn without_credentials_the_catalogue_answers_401_and_shows_nothing() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&wharf_manifest(), state.path());
    let paths = [
        "/",
        "/catalogue",
        "/catalogue/modules",
        "/catalogue/modules/wharf/hello/null",
        "/catalogue/modules/wharf/hello/null/1.0.0",
        "/catalogue/providers",
        "/catalogue/providers/wharf/hello",
        "/catalogue/providers/wharf/hello/1.0.0",
        "/catalogue/packages",
        "/catalogue/packages/hello-wharf",
        "/catalogue/no-such-page",
    ];
    // Wrong credentials alternate between the real user and another, so neither reaches the
    // verifier's limit of 10 failures per login (which answers 429 instead).
    let wrong = |index: usize| {
        use base64::Engine;
        let user = if index.is_multiple_of(2) {
            USER
        } else {
            "visitor"
        };
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:not-the-password"))
        )
    };
    for (index, path) in paths.into_iter().enumerate() {
        let wrong = wrong(index);
        for headers in [
            vec![],
            vec![("Accept", &b"application/json"[..])],
            vec![("Authorization", wrong.as_bytes())],
        ] {
            let answer = wharf.get_with(path, &headers);
            assert_eq!(answer.status, 401, "{path} {headers:?}: {}", answer.text());
            let challenge = answer.header("www-authenticate").unwrap_or_default();
            assert!(
                challenge.starts_with("Basic realm=\"wharf\""),
                "a browser asks for credentials: {challenge}"
            );
            let body = answer.text();
            for secret in ["hello", "wharf/", "greet", "null", "stable", "Signed-By"] {
                assert!(!body.contains(secret), "{path} leaks {secret:?}: {body}");
            }
        }
    }
    // A Terraform token is a credential too: script users read the catalogue with it.
    let bearer = format!("Bearer {TOKEN}");
    let with_token = wharf.get_with(
        "/catalogue/modules",
        &[
            ("Authorization", bearer.as_bytes()),
            ("Accept", b"application/json"),
        ],
    );
    assert_eq!(with_token.status, 200, "{}", with_token.text());
}

#[test]
fn every_page_is_also_json() {
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&wharf_manifest(), state.path());
    let json = |path: &str| -> serde_json::Value {
        let answer = get(&wharf, path, "application/json");
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
        assert_eq!(
            answer.header("content-type"),
            Some("application/json"),
            "{path}"
        );
        serde_json::from_slice(&answer.body)
            .unwrap_or_else(|error| panic!("{path}: {error}: {}", answer.text()))
    };
    for path in ["/", "/catalogue"] {
        let overview = json(path);
        assert_eq!(
            overview["modules"][0]["source"], "registry.test/wharf/hello/null",
            "{overview}"
        );
        assert_eq!(overview["modules"][0]["latest_version"], "1.0.0");
        assert_eq!(overview["packages"][0]["name"], "hello-wharf");
        assert_eq!(overview["apt"]["suites"][0]["suite"], "stable");
        assert_eq!(
            overview["providers"][0]["source"], "registry.test/wharf/hello",
            "{overview}"
        );
    }
    let providers = json("/catalogue/providers");
    assert_eq!(
        providers["providers"].as_array().map(Vec::len),
        Some(1),
        "{providers}"
    );
    assert_eq!(providers["providers"][0]["type"], "hello");
    assert_eq!(providers["providers"][0]["latest_version"], "1.0.0");
    let sample_release =
        end_to_end::paths::repository_root().join("registry/providers/wharf/hello/1.0.0");
    for path in [
        "/catalogue/providers/wharf/hello",
        "/catalogue/providers/wharf/hello/1.0.0",
    ] {
        let provider = json(path);
        assert_eq!(provider["version"], "1.0.0", "{provider}");
        assert_eq!(provider["versions"], serde_json::json!(["1.0.0"]));
        assert_eq!(provider["protocols"], serde_json::json!(["5.0"]));
        let packages = provider["packages"].as_array().expect("packages");
        assert_eq!(packages.len(), 5, "{provider}");
        for package in packages {
            let file = package["file_name"].as_str().expect("file name");
            let bytes = std::fs::read(sample_release.join(file)).expect("the zip");
            assert_eq!(package["sha256"], sha256_hex(&bytes).as_str(), "{file}");
        }
        assert!(provider["usage"]
            .as_str()
            .is_some_and(|usage| usage.contains("version = \"~> 1.0\"")));
    }
    let modules = json("/catalogue/modules");
    assert_eq!(
        modules["modules"].as_array().map(Vec::len),
        Some(1),
        "{modules}"
    );
    for path in [
        "/catalogue/modules/wharf/hello/null",
        "/catalogue/modules/wharf/hello/null/1.0.0",
    ] {
        let module = json(path);
        assert_eq!(module["version"], "1.0.0");
        assert_eq!(module["versions"], serde_json::json!(["1.0.0"]));
        let input = &module["documentation"]["inputs"][0];
        assert_eq!(input["name"], "name");
        assert_eq!(input["description"], "Who to greet.");
        assert_eq!(input["type_expression"], "string");
        assert_eq!(input["default"], "\"operator\"");
        assert_eq!(input["required"], false);
        assert_eq!(
            module["documentation"]["outputs"][0]["description"],
            "The greeting, addressed to var.name."
        );
    }
    let packages = json("/catalogue/packages");
    assert_eq!(packages["packages"][0]["latest_version"], "1.0.0");
    assert_eq!(
        packages["apt"]["fingerprint"].as_str().map(str::len),
        Some(40)
    );
    let package = json("/catalogue/packages/hello-wharf");
    let versions = package["versions"].as_array().expect("versions");
    assert_eq!(
        versions.len(),
        1,
        "Architecture: all is listed once, not once per binary-* index"
    );
    assert_eq!(versions[0]["architecture"], "all");
    assert_eq!(versions[0]["size"], 808);
    assert_eq!(
        package["install_pinned"],
        "sudo apt-get update && sudo apt-get install hello-wharf=1.0.0\n"
    );

    // HTML unless JSON is asked for, and the same strict policy on both.
    let page = get(
        &wharf,
        "/catalogue/modules",
        "text/html,application/xhtml+xml,*/*;q=0.8",
    );
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    for answer in [
        &page,
        &get(&wharf, "/catalogue/modules", "application/json"),
    ] {
        let policy = answer.header("content-security-policy").unwrap_or_default();
        assert!(policy.starts_with("default-src 'none';"), "{policy}");
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"));
    }
    for (path, status) in [
        ("/catalogue/modules/wharf/hello/null/9.9.9", 404),
        ("/catalogue/modules/wharf/nothing/null", 404),
        ("/catalogue/modules/wharf/hello/NOT-A-PROVIDER", 404),
        ("/catalogue/packages/not-a-package", 404),
        ("/catalogue/providers/wharf/hello/9.9.9", 404),
        ("/catalogue/providers/wharf/nothing", 404),
        ("/catalogue/providers/wharf/NOT_A_TYPE!", 404),
        ("/catalogue/elsewhere", 404),
        ("/catalogue/modules/%ff", 400),
    ] {
        let answer = get(&wharf, path, "application/json");
        assert_eq!(answer.status, status, "{path}: {}", answer.text());
        assert!(!answer.text().trim().is_empty(), "{path} says why");
    }
    let upload = wharf.send(
        "POST",
        "/catalogue/modules",
        &[("Authorization", &basic_header())],
        b"x",
    );
    assert_eq!(upload.status, 413, "{}", upload.text());
    let post = wharf.send(
        "POST",
        "/catalogue/modules",
        &[("Authorization", &basic_header())],
        b"",
    );
    assert_eq!(post.status, 405, "{}", post.text());
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let head = wharf.send(
        "HEAD",
        "/catalogue/modules",
        &[("Authorization", &basic_header())],
        b"",
    );
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

/// A registry directory whose module README and `.tf` descriptions and whose package
/// description try to run script in the viewer's browser.
fn hostile_registry(root: &Path) {
    let module = root.join("module-source");
    std::fs::create_dir_all(&module).expect("module dir");
    std::fs::write(
        module.join("README.md"),
        concat!(
            "# Hostile <script>document.title='pwned-title'</script>\n\n",
            "Mark <b>bold</b> <script>document.body.setAttribute('data-pwned','readme-script')</script>\n\n",
            "[click me](javascript:document.body.setAttribute('data-pwned','markdown-link'))\n",
            "<a href=\"JaVaScRiPt:document.body.setAttribute('data-pwned','raw-link')\">raw link</a>\n\n",
            "<img src=\"x\" onerror=\"document.body.setAttribute('data-pwned','img')\">\n",
            "<div onclick=\"alert(1)\" style=\"position:fixed\">div</div>\n",
            "<iframe src=\"https://evil.example/\"></iframe>\n",
            "<svg onload=\"document.body.setAttribute('data-pwned','svg')\"></svg>\n",
        ),
    )
    .expect("README");
    std::fs::write(
        module.join("main.tf"),
        concat!(
            "variable \"payload\" {\n",
            "  description = \"<script>document.body.setAttribute('data-pwned','tf')</script>\"\n",
            "  default     = \"</td><img src=x onerror=\\\"document.body.setAttribute('data-pwned','default')\\\">\"\n",
            "}\n",
        ),
    )
    .expect("main.tf");
    let packed = wharf_cli(
        &[
            "module",
            "pack",
            module.to_str().expect("utf-8"),
            "--namespace",
            "acme",
            "--name",
            "hostile",
            "--provider",
            "null",
            "--version",
            "1.0.0",
            "--registry",
            root.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(packed.status.success(), "{packed:?}");

    let debs = root.join("debs");
    std::fs::create_dir_all(&debs).expect("debs");
    let control = concat!(
        "Package: hostile\nVersion: 1.0\nArchitecture: all\nMaintainer: <script>x</script> <m@example.invalid>\n",
        "Description: <script>document.body.setAttribute('data-pwned','deb')</script>\n",
        " <img src=x onerror=\"document.body.setAttribute('data-pwned','deb-img')\">\n",
        " [link](javascript:alert(1)) <a href=\"javascript:alert(2)\">a</a>\n"
    );
    DebContents {
        control: control.as_bytes(),
        ..DebContents::default()
    }
    .build(&debs.join("hostile_1.0_all.deb"));
    let key = keygen(root);
    let indexed = wharf_cli(
        &[
            "apt",
            "index",
            "--output",
            root.join("apt").to_str().expect("utf-8"),
            "--from-dir",
            debs.to_str().expect("utf-8"),
            "--signing-key",
            key.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(indexed.status.success(), "{indexed:?}");
    std::fs::copy(root.join("public.key"), root.join("apt/public.key")).expect("public key");
}

/// Asserts that nothing in `dom` can run or navigate to script, and that no script ran.
fn assert_inert(dom: &str, what: &str) {
    let document = Html::parse_document(dom);
    let all = Selector::parse("*").expect("selector");
    for element in document.select(&all) {
        let name = element.value().name();
        assert!(
            !matches!(
                name,
                "script" | "iframe" | "object" | "embed" | "svg" | "base" | "form"
            ),
            "{what}: a <{name}> element survived"
        );
        for (attribute, value) in element.value().attrs() {
            assert!(
                !attribute.starts_with("on"),
                "{what}: <{name} {attribute}={value:?}> survived"
            );
            assert!(
                attribute != "data-pwned",
                "{what}: a script ran and set data-pwned={value}"
            );
            let value = value.trim().to_ascii_lowercase();
            assert!(
                !(value.starts_with("javascript:") || value.starts_with("data:text")),
                "{what}: <{name} {attribute}={value:?}> survived"
            );
        }
    }
    let title = texts(&document, "title").join("");
    assert!(
        !title.contains("pwned"),
        "{what}: a script set the title: {title}"
    );
}

#[test]
fn hostile_readmes_and_package_descriptions_render_inert() {
    let work = tempfile::tempdir().expect("work");
    let registry = work.path().join("registry");
    hostile_registry(&registry);
    let manifest = manifest_serving(&registry);
    let state = tempfile::tempdir().expect("state");
    let wharf = files_wharf(&manifest, state.path());
    let browser = Browser::find();
    let url = |path: &str| url_with_credentials(wharf.address, USER, PASSWORD, path);

    let module_dom = browser.dom(&url("/catalogue/modules/acme/hostile/null"));
    assert_inert(&module_dom, "module page");
    let module = Html::parse_document(&module_dom);
    assert_eq!(
        texts(&module, "#readme b"),
        ["bold"],
        "harmless markup stays"
    );
    assert_eq!(
        texts(&module, "#readme a"),
        ["click me", "raw link"],
        "links lose their javascript: targets, not their text"
    );
    assert_eq!(
        texts(&module, "td.input-description"),
        ["<script>document.body.setAttribute('data-pwned','tf')</script>"],
        "a .tf description is shown as text"
    );

    let package_dom = browser.dom(&url("/catalogue/packages/hostile"));
    assert_inert(&package_dom, "package page");
    let package = Html::parse_document(&package_dom);
    assert_eq!(
        texts(&package, "#package-summary"),
        ["<script>document.body.setAttribute('data-pwned','deb')</script>"],
        "a package description is shown as text"
    );
    assert!(texts(&package, "#package-description")
        .join("")
        .contains("onerror="));

    for path in ["/", "/catalogue/modules", "/catalogue/packages"] {
        assert_inert(&browser.dom(&url(path)), path);
    }
    let target = screenshot_path("hostile-module.png");
    browser.screenshot(
        &url("/catalogue/modules/acme/hostile/null"),
        &target,
        1280,
        1400,
    );
    eprintln!("screenshot: {}", target.display());
}

/// A provider release on the fake GitHub; asset ids are `id * 100 + n`.
fn provider_release(id: u64, version: &str, platforms: &[&str], author: &Author) -> FakeRelease {
    FakeRelease {
        id,
        tag: format!("v{version}"),
        assets: goreleaser_release("hello", version, platforms, &["6.0"], author)
            .into_iter()
            .enumerate()
            .map(|(index, (name, bytes))| FakeAsset {
                id: id * 100 + index as u64,
                name,
                bytes,
            })
            .collect(),
    }
}

/// A GitHub-origin registry: module repositories found by topic and named by the
/// HashiCorp convention, a provider repository whose releases `author` signed (one release
/// signed by a key nobody trusts), and an APT repository published by `wharf apt index`.
fn github_registry(github: &FakeGitHub, work: &Path, author: &Author) -> AptPublisher {
    github.add_token(GITHUB_TOKEN);
    let readme = "# Proxmox VM\n\nCreates a virtual machine on a Proxmox cluster.\n";
    let main_tf = |version: &str| {
        format!(
            "variable \"node\" {{\n  description = \"The Proxmox node that hosts the VM.\"\n  type = string\n}}\n\nvariable \"cores\" {{\n  type    = number\n  default = 2\n}}\n\noutput \"version\" {{\n  description = \"The module version.\"\n  value = \"{version}\"\n}}\n"
        )
    };
    github.add_repository(
        "acme/terraform-proxmox-vm",
        FakeRepository {
            private: true,
            description: Some("Proxmox virtual machines".to_owned()),
            topics: vec!["terraform-module".to_owned(), "homelab".to_owned()],
            ..Default::default()
        },
    );
    for (index, tag) in ["v1.0.0", "v1.1.0", "not-a-version"].iter().enumerate() {
        let commit = sha(100 + index as u32);
        let tarball = module_archive(
            &format!("acme-terraform-proxmox-vm-{}", &commit[..7]),
            &[("README.md", readme), ("main.tf", &main_tf(tag))],
        );
        github.add_tag("acme/terraform-proxmox-vm", tag, &commit, tarball);
    }
    github.add_repository(
        "acme/terraform-aws-dns",
        FakeRepository {
            description: Some("DNS records".to_owned()),
            topics: vec!["terraform-module".to_owned()],
            ..Default::default()
        },
    );
    let commit = sha(200);
    github.add_tag(
        "acme/terraform-aws-dns",
        "v0.3.0",
        &commit,
        module_archive(
            &format!("acme-terraform-aws-dns-{}", &commit[..7]),
            &[("main.tf", "variable \"zone\" {}\n")],
        ),
    );
    // Not modules: no topic, or a name the template cannot read.
    github.add_repository("acme/terraform-aws-untagged", FakeRepository::default());
    github.add_repository(
        "acme/ansible-roles",
        FakeRepository {
            topics: vec!["terraform-module".to_owned()],
            ..Default::default()
        },
    );
    // Another owner's module, which allowed_owners keeps out.
    github.add_repository(
        "stranger/terraform-aws-evil",
        FakeRepository {
            topics: vec!["terraform-module".to_owned()],
            ..Default::default()
        },
    );

    github.add_repository(
        "acme/terraform-provider-hello",
        FakeRepository {
            private: true,
            topics: vec!["terraform-provider".to_owned()],
            ..Default::default()
        },
    );
    let stranger = Author::new("stranger@example.org", "ed25519");
    for release in [
        provider_release(50, "1.0.0", &["linux_amd64", "darwin_arm64"], author),
        provider_release(51, "1.1.0", &["linux_amd64"], author),
        provider_release(52, "1.2.0", &["linux_amd64"], &stranger),
    ] {
        github.add_release("acme/terraform-provider-hello", release);
    }

    github.add_repository(
        "acme/tools",
        FakeRepository {
            private: true,
            ..Default::default()
        },
    );
    let publisher = AptPublisher::new("acme/tools", GITHUB_TOKEN);
    let deb = build_deb(work, "acme-agent", "2.1.0", "amd64", 5_000);
    github.add_release("acme/tools", release_with(1, "v2.1.0", &deb));
    publisher.publish(github, &sha(300));
    publisher
}

/// A tarball shaped like GitHub's, with these files under `top/`.
fn module_archive(top: &str, files: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        Vec::new(),
        flate2::Compression::fast(),
    ));
    for (path, contents) in files {
        let mut header = tar::Header::new_gnu();
        header.set_mode(0o644);
        header.set_size(contents.len() as u64);
        builder
            .append_data(&mut header, format!("{top}/{path}"), contents.as_bytes())
            .expect("entry");
    }
    let mut encoder = builder.into_inner().expect("tar");
    encoder.flush().expect("flush");
    encoder.finish().expect("gzip")
}

#[test]
fn a_github_origin_catalogue_in_a_real_browser_costs_few_github_calls() {
    let github = FakeGitHub::start();
    let work = tempfile::tempdir().expect("work");
    let author = Author::new("author@example.org", "ed25519");
    let publisher = github_registry(&github, work.path(), &author);
    let state = tempfile::tempdir().expect("state");
    let api_url = github.api_url();
    let downloads = github.downloads_url();
    let trusted_key = author.public_key();
    let wharf = WharfHost::start(
        &wharf_manifest(),
        state.path(),
        &[
            ("origin", "github"),
            ("github_api_url", &api_url),
            ("github_archive_host", &downloads),
            ("github_asset_host", &downloads),
            ("github_token", GITHUB_TOKEN),
            ("allowed_owners", "acme"),
            ("provider_signing_keys", &trusted_key),
            (
                "module_repository_template",
                "{namespace}/terraform-{provider}-{name}",
            ),
            ("apt_repo", "acme/tools"),
            ("basic_user", USER),
            ("basic_password", PASSWORD),
            ("url_signing_key", SIGNING_KEY),
        ],
    );
    let browser = Browser::find();
    let url = |path: &str| url_with_credentials(wharf.address, USER, PASSWORD, path);

    let overview_dom = browser.dom(&url("/"));
    let overview = Html::parse_document(&overview_dom);
    assert_eq!(
        texts(&overview, "a.module-name"),
        ["acme/dns/aws", "acme/vm/proxmox"]
    );
    let rows = texts(&overview, "#modules tbody tr");
    assert!(
        rows[1].contains("1.1.0") && rows[1].contains("Proxmox virtual machines"),
        "{rows:?}"
    );
    assert!(rows[0].contains("0.3.0"), "{rows:?}");
    assert!(
        texts(&overview, ".notes li")
            .iter()
            .any(|note| note.starts_with("acme/ansible-roles has the topic terraform-module")),
        "a topic-marked repository the template cannot read is named: {:?}",
        texts(&overview, ".notes li")
    );
    assert!(!overview_dom.contains("stranger") && !overview_dom.contains("untagged"));
    assert_eq!(texts(&overview, "a.package-name"), ["acme-agent"]);
    assert_eq!(texts(&overview, "a.provider-name"), ["acme/hello"]);
    assert!(
        texts(&overview, "#providers tbody tr")[0].contains("1.1.0"),
        "the newest release a trusted key signed: {:?}",
        texts(&overview, "#providers tbody tr")
    );

    let provider = Html::parse_document(&browser.dom(&url("/catalogue/providers/acme/hello")));
    assert_eq!(texts(&provider, "#provider-version"), ["1.1.0"]);
    assert_eq!(texts(&provider, "#versions li"), ["1.1.0", "1.0.0"]);
    assert_eq!(texts(&provider, "#provider-protocols"), ["6.0"]);
    assert_eq!(
        texts(&provider, "#provider-signed-by"),
        [author.fingerprint.as_str()]
    );
    let refused = texts(&provider, "#refused li");
    assert!(
        refused.len() == 1 && refused[0].starts_with("1.2.0:"),
        "the release a stranger signed is not offered, and the page says why: {refused:?}"
    );
    let old_provider =
        Html::parse_document(&browser.dom(&url("/catalogue/providers/acme/hello/1.0.0")));
    assert_eq!(
        texts(&old_provider, "td.platform-os"),
        ["darwin", "linux"],
        "{:?}",
        texts(&old_provider, "#platforms tr")
    );

    let module = Html::parse_document(&browser.dom(&url("/catalogue/modules/acme/vm/proxmox")));
    assert_eq!(texts(&module, "#module-version"), ["1.1.0"]);
    assert_eq!(texts(&module, "#required-inputs code.input-name"), ["node"]);
    assert_eq!(
        texts(&module, "#required-inputs td.input-description"),
        ["The Proxmox node that hosts the VM."]
    );
    assert_eq!(
        texts(&module, "#optional-inputs code.input-name"),
        ["cores"]
    );
    assert_eq!(texts(&module, "#readme h1"), ["Proxmox VM"]);
    assert_eq!(texts(&module, "#versions li"), ["1.1.0", "1.0.0"]);
    let old = Html::parse_document(&browser.dom(&url("/catalogue/modules/acme/vm/proxmox/1.0.0")));
    assert_eq!(texts(&old, "#module-version"), ["1.0.0"]);
    assert!(texts(&old, "#outputs td")
        .join(" ")
        .contains("The module version."));

    let packages = Html::parse_document(&browser.dom(&url("/catalogue/packages")));
    assert_eq!(texts(&packages, "a.package-name"), ["acme-agent"]);
    assert_eq!(
        texts(&packages, "#fingerprint"),
        [gpg_fingerprint(&publisher.work.path().join("public.key"))]
    );
    let target = screenshot_path("github-overview.png");
    browser.screenshot(&url("/"), &target, 1280, 1100);
    eprintln!("screenshot: {}", target.display());

    // Warm: within the fresh window after a view, every page comes from what wharf keeps,
    // without asking GitHub. The browser runs above can outlast the window (10 s), so one
    // quick round of views first makes everything fresh again (revalidating what aged).
    let warm_paths = [
        "/",
        "/catalogue/modules",
        "/catalogue/modules/acme/vm/proxmox",
        "/catalogue/providers",
        "/catalogue/providers/acme/hello",
        "/catalogue/packages",
        "/catalogue/packages/acme-agent",
    ];
    for path in warm_paths {
        assert_eq!(get(&wharf, path, "text/html").status, 200, "{path}");
    }
    github.clear_calls();
    let mut timings = Vec::new();
    for path in warm_paths {
        let started = Instant::now();
        let answer = get(&wharf, path, "text/html");
        timings.push((path, started.elapsed()));
        assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    }
    assert_eq!(
        github.calls().len(),
        0,
        "warm pages ask GitHub nothing: {:?}",
        github.calls()
    );
    eprintln!("warm page times (request to last byte, over loopback): {timings:?}");

    // After the fresh window: revalidation only, a bounded number of conditional requests.
    std::thread::sleep(REVALIDATE_AFTER);
    github.clear_calls();
    let overview = get(&wharf, "/", "text/html");
    assert_eq!(overview.status, 200);
    let counts = github.call_counts();
    assert_eq!(
        counts.api_with_body, 0,
        "nothing changed, so nothing is sent again: {counts}"
    );
    assert!(
        counts.api_not_modified >= 3 && counts.api_not_modified <= 6,
        "the repository list, at most 3 tag lists, the provider's release list and the APT branch head: {counts}"
    );

    // A new version shows after the fresh window, without a restart.
    let commit = sha(400);
    github.add_tag(
        "acme/terraform-proxmox-vm",
        "v1.2.0",
        &commit,
        module_archive(
            &format!("acme-terraform-proxmox-vm-{}", &commit[..7]),
            &[("main.tf", "variable \"node\" {}\n")],
        ),
    );
    std::thread::sleep(REVALIDATE_AFTER);
    let module = get(
        &wharf,
        "/catalogue/modules/acme/vm/proxmox",
        "application/json",
    );
    let module: serde_json::Value = serde_json::from_slice(&module.body).expect("JSON");
    assert_eq!(module["version"], "1.2.0", "{module}");
    assert_eq!(module["repository"], "acme/terraform-proxmox-vm");
    assert_eq!(module["commit"], commit.as_str());

    // GitHub down: the pages still answer from what wharf knew, and say so.
    github.fail(Some(GitHubFailure::ServerError));
    std::thread::sleep(REVALIDATE_AFTER);
    let overview = get(&wharf, "/", "application/json");
    assert_eq!(overview.status, 200, "{}", overview.text());
    let overview: serde_json::Value = serde_json::from_slice(&overview.body).expect("JSON");
    assert_eq!(
        overview["modules"].as_array().map(Vec::len),
        Some(2),
        "{overview}"
    );
    assert_eq!(overview["packages"][0]["name"], "acme-agent");
    assert_eq!(
        overview["providers"][0]["latest_version"], "1.1.0",
        "{overview}"
    );
    let notes = overview["notes"].to_string();
    assert!(
        notes.contains("GitHub cannot be asked right now"),
        "{notes}"
    );
    let module = get(&wharf, "/catalogue/modules/acme/vm/proxmox", "text/html");
    assert_eq!(module.status, 200);
    let page = Html::parse_document(&module.text());
    assert_eq!(texts(&page, "#module-version"), ["1.2.0"]);
    assert_eq!(
        texts(&page, "code.input-name"),
        ["node"],
        "the kept documentation is shown"
    );
    github.fail(None);
}
