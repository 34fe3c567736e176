//! What every page needs: the store, the rule set, the publisher, the compiled templates and
//! the site's settings.

use crate::{accounts, labels, throttle};
use axum::http::HeaderName;
use handlebars::Handlebars;
use knooppunt_domain::taxonomy::Catalog;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;
use knooppunt_transport::publisher::Publisher;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Each named template from `templates/<name>.hbs`.
macro_rules! templates {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("templates/", $name, ".hbs")))),*]
    };
}

/// The page templates, compiled once when the site starts.
const TEMPLATES: &[(&str, &str)] = &templates![
    "layout",
    "inloggen",
    "uitloggen",
    "wachtwoord",
    "melding",
    "signaal",
    "signalen",
    "importeren",
    "agenda",
    "besluitenlijst",
    "cluster",
    "bewijs",
    "knelpunten",
    "beheer",
    "beheer_geheim",
    "beheer_gebruiker",
    "beheer_intrekken",
    "verwerkingslog",
];

/// What the pages need.
#[derive(Clone)]
pub struct WebState {
    pub store: Store,
    pub rules: Arc<RuleSet>,
    /// The rule set's taxonomy, as the reports read it.
    pub catalog: Arc<Catalog>,
    pub publisher: Arc<dyn Publisher>,
    pub templates: Arc<Handlebars<'static>>,
    pub secure_cookies: bool,
    pub session_hours: i64,
    pub min_group_size: i64,
    pub wider_areas: BTreeMap<String, String>,
    /// The municipality's own brief and agenda templates, if any.
    pub templates_dir: Option<PathBuf>,
    /// Minutes a session may sit unused before it ends.
    pub idle_minutes: i64,
    /// Failed sign-ins, counted in the database.
    pub throttle: throttle::Throttle,
    /// The header a TLS proxy in front sets to the client's address (`web.client_ip_header`);
    /// `None`: the connection's peer address is the client.
    pub client_ip_header: Option<HeaderName>,
    /// Addressee and sender on the brief's cover.
    pub cover: knooppunt_reports::Cover,
    /// The municipality's design tokens (`web.theme_css`), served as `/static/huisstijl.css`.
    pub theme_css: Option<Arc<str>>,
    /// Measures recognition for a brief the overleg publishes here; without it publishing a
    /// brief is refused as an internal error.
    pub recognition: Option<Arc<dyn crate::publish::MeasureRecognition>>,
    /// What the store holds under a signal's id, so an uploaded file's line that reuses a
    /// stored id for other content is refused at once; `None`: the engine refuses it later.
    pub stored: Option<Arc<dyn knooppunt_ingest::conflicts::StoredContent>>,
    /// Held while the overleg publishes: a second click waits for the first and is then told
    /// that the document is published, instead of measuring and publishing a second time.
    pub(crate) publishing: Arc<tokio::sync::Mutex<()>>,
}

impl WebState {
    /// How long a session may sit unused.
    pub(crate) fn idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(self.idle_minutes)
    }

    pub(crate) fn session_limits(&self) -> accounts::SessionLimits {
        accounts::SessionLimits {
            lifetime: chrono::Duration::hours(self.session_hours),
            idle: self.idle(),
        }
    }

    pub fn new(
        store: Store,
        rules: Arc<RuleSet>,
        publisher: Arc<dyn Publisher>,
        secure_cookies: bool,
        min_group_size: i64,
        wider_areas: BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        let templates = compile()?;
        Ok(Self {
            throttle: throttle::Throttle::new(store.clone()),
            store,
            catalog: Arc::new(rules.catalog()),
            rules,
            publisher,
            templates: Arc::new(templates),
            secure_cookies,
            session_hours: 12,
            min_group_size,
            wider_areas,
            templates_dir: None,
            idle_minutes: 30,
            client_ip_header: None,
            cover: Default::default(),
            publishing: Default::default(),
            theme_css: None,
            recognition: None,
            stored: None,
        })
    }
}

/// The page templates, strict: a field a template names but the page does not provide is an
/// error (a 500 with a Dutch apology, logged), never an empty string on the page.
fn compile() -> anyhow::Result<Handlebars<'static>> {
    let mut templates = Handlebars::new();
    templates.set_strict_mode(true);
    for (name, source) in TEMPLATES {
        templates
            .register_template_string(name, source)
            .map_err(|e| anyhow::anyhow!("sjabloon {name}: {e}"))?;
    }
    labels::register(&mut templates)?;
    Ok(templates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_strict() {
        let templates = compile().unwrap();
        let page = serde_json::json!({"title": "Let op", "text": "Tekst"});
        assert!(templates
            .render("melding", &page)
            .unwrap()
            .contains("Tekst"));
        let missing = serde_json::json!({"title": "Let op"});
        assert!(templates.render("melding", &missing).is_err());
    }
}
