//! Every string from a module, README or control file reaches the HTML escaped; only a README
//! that module-docs sanitized is inserted as markup.

use catalogue_pages::apt_listing::{group_packages, read_packages, read_release};
use catalogue_pages::html;
use catalogue_pages::pages::{AptSetup, ModuleList, ModulePage, ModuleSummary, PackagePage};
use catalogue_pages::ClientEndpoint;
use module_docs::{render_readme, ModuleDocs, ModuleInput, ModuleOutput};
use terraform_registry::{ModuleAddress, ModuleVersions};

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'&";

fn endpoint() -> ClientEndpoint {
    ClientEndpoint::from_request(Some("registry.home.arpa"), Some("https"), None)
}

/// The page holds no markup from the hostile string: its `<`, `>` and `"` are escaped (the
/// sanitized README may keep a bare `<img>`, without its handler).
fn assert_escaped(page: &str) {
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img src"), "{page}");
    assert!(
        page.contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;'&amp;"
        ),
        "{page}"
    );
}

#[test]
fn module_strings_are_escaped_and_the_readme_is_sanitized() {
    let address = ModuleAddress::new("acme", "vpc", "aws").expect("valid");
    let versions = ModuleVersions::from_tags([("v1.2.0", "a".repeat(40))]);
    let shown = versions.iter().next().expect("a version").clone();
    let docs = ModuleDocs {
        readme_html: Some(render_readme(&format!(
            "# Title\n\n{HOSTILE}\n\n[x](javascript:alert(3))"
        ))),
        summary: Some(HOSTILE.to_owned()),
        inputs: vec![ModuleInput {
            name: "region".to_owned(),
            type_expression: Some(HOSTILE.to_owned()),
            default: Some(HOSTILE.to_owned()),
            description: Some(HOSTILE.to_owned()),
            required: true,
            sensitive: false,
        }],
        outputs: vec![ModuleOutput {
            name: "id".to_owned(),
            description: Some(HOSTILE.to_owned()),
            sensitive: true,
        }],
        notes: vec![HOSTILE.to_owned()],
    };
    let page = ModulePage::new(
        &endpoint(),
        &address,
        &versions,
        &shown,
        Some("acme/vpc".to_owned()),
        docs,
    );
    let rendered = html::module_page(&page);
    assert_escaped(&rendered);
    assert!(
        !rendered.to_ascii_lowercase().contains("javascript:"),
        "{rendered}"
    );
    assert!(
        rendered.contains("<h1>Title</h1>"),
        "the sanitized README is markup: {rendered}"
    );
    assert!(
        rendered.contains("source  = &quot;registry.home.arpa/acme/vpc/aws&quot;"),
        "{rendered}"
    );

    let list = ModuleList {
        registry: endpoint(),
        modules: vec![ModuleSummary::new(
            &endpoint(),
            &address,
            Some("1.2.0".to_owned()),
            Some(HOSTILE.to_owned()),
            false,
        )],
        notes: vec![],
    };
    assert_escaped(&html::module_list(&list));
}

#[test]
fn control_file_strings_are_escaped() {
    let release = read_release(
        "stable",
        "Suite: stable\nComponents: main\nArchitectures: amd64\nSHA256:\n aaaa 1 main/binary-amd64/Packages\n",
    )
    .expect("release");
    let packages = format!(
        "Package: tool\nVersion: 1.0\nArchitecture: amd64\nDepends: {HOSTILE}\nDescription: {HOSTILE}\n {HOSTILE}\n"
    );
    let mut grouped = group_packages(read_packages(&packages, "stable", "main").expect("packages"));
    let setup = AptSetup::new(&endpoint(), &[release], Some("ABCD".to_owned()), "fleet");
    let page = PackagePage::new(&endpoint(), setup, grouped.remove(0), vec![]);
    assert_escaped(&html::package_page(&page));
}

#[test]
fn provider_strings_are_escaped() {
    use catalogue_pages::pages::{ProviderList, ProviderPage, ProviderSummary};
    use terraform_providers::{
        OfferedArchive, OfferedRelease, Platform, ProviderAddress, ProviderVersion, ReleaseRefusal,
    };

    let address = ProviderAddress::new("acme", "hello").expect("valid");
    let release = OfferedRelease {
        version: ProviderVersion::parse("1.2.0").expect("version"),
        protocols: vec![HOSTILE.to_owned()],
        archives: vec![OfferedArchive {
            platform: Platform::new("linux", "amd64").expect("platform"),
            file_name: HOSTILE.to_owned(),
            sha256: HOSTILE.to_owned(),
        }],
        signed_by: HOSTILE.to_owned(),
        notes: vec![],
    };
    let refused = vec![(
        ProviderVersion::parse("1.3.0").expect("version"),
        ReleaseRefusal::Remembered(HOSTILE.to_owned()),
    )];
    let offered = [release];
    let page = ProviderPage::new(
        &endpoint(),
        &address,
        &offered,
        &offered[0],
        &refused,
        Some("acme/terraform-provider-hello".to_owned()),
    );
    let rendered = html::provider_page(&page);
    assert_escaped(&rendered);
    assert!(
        rendered.contains("source  = &quot;registry.home.arpa/acme/hello&quot;"),
        "{rendered}"
    );
    let list = ProviderList {
        registry: endpoint(),
        providers: vec![ProviderSummary::new(&endpoint(), &address, &offered, None)],
        notes: vec![HOSTILE.to_owned()],
    };
    assert_escaped(&html::provider_list(&list));
}
