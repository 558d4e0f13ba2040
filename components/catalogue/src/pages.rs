//! One function per page: gather, build the page model, answer in HTML or JSON.

use catalogue_pages::html;
use catalogue_pages::pages::{
    AptSetup, ModuleList, Overview, PackageList, PackagePage, PackageSummary, ProviderList,
};
use component_http::plain_text;
use spin_sdk::http::Response;
use terraform_registry::ModuleAddress;

use crate::module_catalogue::{ModuleCatalogue, Noted};
use crate::package_catalogue;
use crate::provider_catalogue;
use crate::view::View;

/// The one-line reason a refusal carries, for a page that shows the rest anyway.
fn reason(response: &Response) -> String {
    String::from_utf8_lossy(response.body()).trim().to_owned()
}

fn modules(view: &View) -> Result<ModuleList, Response> {
    let Noted { value, notes } = ModuleCatalogue::from_variables()?.list(&view.endpoint)?;
    Ok(ModuleList {
        registry: view.endpoint.clone(),
        modules: value,
        notes,
    })
}

fn providers(view: &View) -> Result<ProviderList, Response> {
    let Noted { value, notes } = provider_catalogue::list(&view.endpoint)?;
    Ok(ProviderList {
        registry: view.endpoint.clone(),
        providers: value,
        notes,
    })
}

fn packages(view: &View) -> Result<PackageList, Response> {
    let apt = package_catalogue::load()?;
    Ok(PackageList {
        registry: view.endpoint.clone(),
        apt: AptSetup::new(&view.endpoint, &apt.releases, apt.fingerprint, &view.login),
        packages: apt.packages.iter().filter_map(PackageSummary::of).collect(),
        notes: apt.notes,
    })
}

/// `/`: modules, providers and packages; what one cannot show is noted, the others still
/// shown.
pub fn overview(view: &View) -> Result<Response, Response> {
    let modules = modules(view).unwrap_or_else(|refused| ModuleList {
        registry: view.endpoint.clone(),
        modules: Vec::new(),
        notes: vec![format!("modules cannot be listed: {}", reason(&refused))],
    });
    let providers = providers(view).unwrap_or_else(|refused| ProviderList {
        registry: view.endpoint.clone(),
        providers: Vec::new(),
        notes: vec![format!("providers cannot be listed: {}", reason(&refused))],
    });
    let packages = packages(view).unwrap_or_else(|refused| PackageList {
        registry: view.endpoint.clone(),
        apt: AptSetup::new(&view.endpoint, &[], None, &view.login),
        packages: Vec::new(),
        notes: vec![format!("packages cannot be listed: {}", reason(&refused))],
    });
    Ok(view.respond(
        200,
        &Overview::new(modules, providers, packages),
        html::overview,
    ))
}

pub fn module_list(view: &View) -> Result<Response, Response> {
    Ok(view.respond(200, &modules(view)?, html::module_list))
}

pub fn module_page(
    view: &View,
    namespace: &str,
    name: &str,
    provider: &str,
    version: Option<&str>,
) -> Result<Response, Response> {
    let address = ModuleAddress::new(namespace, name, provider)
        .map_err(|error| plain_text(404, &error.to_string()))?;
    let page = ModuleCatalogue::from_variables()?.page(&view.endpoint, &address, version)?;
    Ok(view.respond(200, &page, html::module_page))
}

pub fn provider_list(view: &View) -> Result<Response, Response> {
    Ok(view.respond(200, &providers(view)?, html::provider_list))
}

pub fn provider_page(
    view: &View,
    namespace: &str,
    provider_type: &str,
    version: Option<&str>,
) -> Result<Response, Response> {
    let page = provider_catalogue::page(&view.endpoint, namespace, provider_type, version)?;
    Ok(view.respond(200, &page, html::provider_page))
}

pub fn package_list(view: &View) -> Result<Response, Response> {
    Ok(view.respond(200, &packages(view)?, html::package_list))
}

pub fn package_page(view: &View, name: &str) -> Result<Response, Response> {
    let apt = package_catalogue::load()?;
    let setup = AptSetup::new(&view.endpoint, &apt.releases, apt.fingerprint, &view.login);
    let package = apt
        .packages
        .into_iter()
        .find(|package| package.name == name)
        .ok_or_else(|| plain_text(404, &format!("no package {name} in this registry")))?;
    let page = PackagePage::new(&view.endpoint, setup, package, apt.notes);
    Ok(view.respond(200, &page, html::package_page))
}
