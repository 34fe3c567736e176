//! Wiring: builds the components a subcommand needs from the configuration. No domain logic.

use crate::config::{Config, TransportKind};
use anyhow::Context;
use async_trait::async_trait;
use chrono::NaiveDate;
use knooppunt_ingest::api::router;
use knooppunt_ingest::http::{IntakeState, Limits, Probe};
use knooppunt_rules::engine::Engine;
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_store::Store;
use knooppunt_transport::kafka::{KafkaPublisher, KafkaSource, ProducerContext};
use knooppunt_transport::spool::{Spool, SpoolSettings, SpoolSource};
use knooppunt_transport::{Publisher, Source};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use tokio::task::JoinHandle;

/// Loads the configured rules file, or the built-in rule set.
pub fn load_rules(config: &Config) -> anyhow::Result<Arc<RuleSet>> {
    let file = config.rules.file.trim();
    load_rules_file((!file.is_empty()).then(|| Path::new(file))).map(Arc::new)
}

/// Loads a rules file, or the built-in rule set without one, listing every error.
/// A rules file that names a model (`[model] file`) gets it loaded from beside it, and checked.
pub fn load_rules_file(path: Option<&Path>) -> anyhow::Result<RuleSet> {
    let rules = match path {
        Some(path) => RuleSet::from_toml(
            &std::fs::read_to_string(path)
                .with_context(|| format!("regelbestand {} lezen", path.display()))?,
        ),
        None => RuleSet::default_rules(),
    };
    let rules = rules.map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        anyhow::anyhow!("het regelbestand bevat fouten:\n{}", list.join("\n"))
    })?;
    match path {
        Some(path) => {
            let base = path.parent().unwrap_or(Path::new("."));
            rules
                .with_model_file(base)
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
        None => Ok(rules),
    }
}

/// Loads a rules file (or the built-in rules) with another model file instead of its own.
pub fn load_rules_with_model(rules: Option<&Path>, model: &Path) -> anyhow::Result<RuleSet> {
    let source = match rules {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("regelbestand {} lezen", path.display()))?,
        None => knooppunt_rules::ruleset::DEFAULT_RULES.to_string(),
    };
    let rules = RuleSet::from_toml(&source).map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        anyhow::anyhow!("het regelbestand bevat fouten:\n{}", list.join("\n"))
    })?;
    let bytes = std::fs::read(model).with_context(|| format!("model {} lezen", model.display()))?;
    let model = knooppunt_rules::model::Model::from_bytes(&bytes)
        .map_err(|e| anyhow::anyhow!("model {}: {e}", model.display()))?;
    rules.with_model(model).map_err(|e| anyhow::anyhow!("{e}"))
}

/// What `knooppunt brief` writes besides Markdown, HTML, CSV and JSON.
#[derive(Debug, Clone, Default)]
pub struct BriefOptions {
    pub programme: Option<String>,
    /// Also print the HTML to PDF with headless Chromium.
    pub pdf: bool,
    /// Freeze the figures as the quarter's published snapshot.
    pub publish: bool,
    /// Publish a rectificatie of the quarter's published brief, with this reason: a new
    /// version beside the original.
    pub rectification: Option<String>,
}

/// Writes `<stem>.sha256`: the SHA-256 of every published file, in the format of
/// `sha256sum -c`, so the archive can show that the files are the ones that were published.
pub fn write_manifest(
    dir: &Path,
    stem: &str,
    files: &[std::path::PathBuf],
) -> anyhow::Result<std::path::PathBuf> {
    use sha2::Digest as _;
    let mut manifest = String::new();
    for file in files {
        let bytes = std::fs::read(file).with_context(|| format!("{} lezen", file.display()))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        manifest.push_str(&format!(
            "{}  {name}\n",
            hex::encode(sha2::Sha256::digest(&bytes))
        ));
    }
    let path = dir.join(format!("{stem}.sha256"));
    std::fs::write(&path, manifest).with_context(|| format!("{} schrijven", path.display()))?;
    Ok(path)
}

/// Gathers the brief for `quarter` and writes it into `dir`, returning the files.
pub async fn write_brief(
    config: &Config,
    store: &Store,
    rules: &RuleSet,
    quarter: knooppunt_reports::Quarter,
    dir: &Path,
    options: &BriefOptions,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let edition = match &options.rectification {
        Some(reason) => {
            // Refused before anything is counted: the reason is required.
            knooppunt_reports::rectification::checked_reason(reason).map_err(anyhow::Error::msg)?;
            knooppunt_reports::compose::Edition::Rectification
        }
        None => knooppunt_reports::compose::Edition::Current,
    };
    let today = knooppunt_ingest::today_nl();
    if options.publish && today < quarter.end() {
        anyhow::bail!(
            "--publish: het {} is nog niet voorbij; vaststellen kan vanaf {} (een concept \
             schrijven kan nu, zonder --publish)",
            quarter.dutch_label(),
            knooppunt_reports::dutch::date(quarter.end())
        );
    }
    if let Some(programme) = &options.programme {
        known_programme(store, programme, today).await?;
    }
    let mut brief = knooppunt_reports::Brief::gather_edition(
        store,
        &rules.catalog(),
        (quarter, options.programme.as_deref()),
        config.brief.min_group_size,
        &wider_areas(config),
        today,
        edition,
    )
    .await?;
    // A published version shows recognition as it was frozen with it.
    if !brief.recognition_frozen {
        let note_dirs = config.brief.note_dirs();
        brief.apply_recognition(
            &crate::recognition::for_brief(store, rules, quarter, &note_dirs).await?,
        );
    }
    brief.templates_dir = config.brief.templates();
    brief.cover = config.brief.cover();
    if options.publish {
        brief.publish(store, "cli").await?;
        brief.published = true;
        brief.version = Some(1);
    }
    if let Some(reason) = &options.rectification {
        brief.rectify(store, "cli", reason).await?;
    }
    let mut written = brief.write(dir)?;
    if options.pdf {
        written.push(brief.write_pdf(dir)?);
    }
    if options.publish || options.rectification.is_some() {
        written.push(write_manifest(dir, &brief.file_stem(), &written)?);
    }
    Ok(written)
}

/// Refuses a programme no knelpunt was assigned to (a typo would write an empty brief under
/// a file name a real one may have), naming the programmes there are.
async fn known_programme(store: &Store, programme: &str, today: NaiveDate) -> anyhow::Result<()> {
    use knooppunt_reports::review_store::{assigned_programmes, reviewed_clusters};
    let known = assigned_programmes(&reviewed_clusters(store, today).await?);
    if known.contains(programme) {
        return Ok(());
    }
    match known.is_empty() {
        true => anyhow::bail!(
            "--programme: geen knelpunt is aan een programma toegewezen; laat --programme weg \
             voor de hele brief"
        ),
        false => anyhow::bail!(
            "--programme: onbekend programma; bekend zijn: {} (schrijf de naam precies zo)",
            known.into_iter().collect::<Vec<_>>().join(", ")
        ),
    }
}

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    // What keys a cluster (a buurt under its wijk) and what an account's wijken cover come
    // from the register: every command that reads or writes the store uses the configured one.
    install_register(config)?;
    // The register of processing activities every processing log record refers to.
    knooppunt_domain::processing_log::set_register(
        knooppunt_domain::processing_log::Register::from_config(&config.processing_log.activities)
            .unwrap_or_default(),
    );
    Store::connect(&config.store.url, config.store.max_connections).await
}

pub async fn open_spool(config: &Config) -> anyhow::Result<Spool> {
    Spool::open(&SpoolSettings::new(&config.transport.spool)).await
}

/// Reads the configured register of areas and sources and makes it the process's register.
/// Called by [`publisher`] and [`source`], so every intake channel and the engine use it.
pub fn install_register(config: &Config) -> anyhow::Result<()> {
    let register = config.intake.register.load().map_err(|errors| {
        anyhow::anyhow!("het register bevat fouten:\n  - {}", errors.join("\n  - "))
    })?;
    knooppunt_domain::register::install(register);
    Ok(())
}

/// Wijk → stadsdeel for the brief's roll-up: the register's stadsdelen, overridden by
/// `[brief.wider_areas]`.
pub fn wider_areas(config: &Config) -> std::collections::BTreeMap<String, String> {
    let mut wider = config
        .intake
        .register
        .load()
        .map(|register| register.wider_areas())
        .unwrap_or_default();
    wider.extend(
        config
            .brief
            .wider_areas
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    wider
}

/// Where intake hands signals over.
pub async fn publisher(config: &Config) -> anyhow::Result<Arc<dyn Publisher>> {
    install_register(config)?;
    Ok(match config.transport.kind {
        TransportKind::Embedded => Arc::new(open_spool(config).await?),
        TransportKind::Kafka => Arc::new(KafkaPublisher::new(&config.kafka)?),
    })
}

/// The rules engine's end of the transport.
pub async fn source(config: &Config) -> anyhow::Result<Box<dyn Source>> {
    install_register(config)?;
    Ok(match config.transport.kind {
        TransportKind::Embedded => Box::new(SpoolSource::reading_ahead(open_spool(config).await?)),
        TransportKind::Kafka => Box::new(KafkaSource::new(&config.kafka)?),
    })
}

/// The store, as intake asks it which ids it already holds (and with what content).
pub struct StoredSignals(pub Store);

#[async_trait]
impl knooppunt_ingest::conflicts::StoredContent for StoredSignals {
    async fn content_hashes(
        &self,
        keys: &[knooppunt_ingest::conflicts::SignalKey],
    ) -> anyhow::Result<std::collections::HashMap<knooppunt_ingest::conflicts::SignalKey, String>>
    {
        self.0.content_hashes(keys).await
    }
}

struct DatabaseProbe(Store);

#[async_trait]
impl Probe for DatabaseProbe {
    fn name(&self) -> &'static str {
        "database"
    }
    async fn check(&self) -> Result<(), String> {
        // The pool would wait its full acquire timeout for a database that is down; a probe
        // answers within 2 s.
        match tokio::time::timeout(std::time::Duration::from_millis(1500), self.0.ping()).await {
            Ok(result) => result.map_err(|e| format!("{e:#}")),
            Err(_) => Err("database antwoordt niet (geen antwoord binnen 1,5 s)".into()),
        }
    }
}

/// The process's Prometheus recorder, installed on first use. Counters hold counts only:
/// never a signal's text or id.
fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .clone()
}

/// A running intake API.
pub struct RunningIntake {
    pub addr: SocketAddr,
    /// The operations listener (`/metrics`, `/readyz`, `/healthz`), when configured.
    pub ops_addr: Option<SocketAddr>,
    pub handle: JoinHandle<anyhow::Result<()>>,
}

/// Partner API tokens as the admin stored them.
struct StoredTokens(Store);

#[async_trait::async_trait]
impl knooppunt_ingest::http::TokenCheck for StoredTokens {
    async fn source_for(&self, token: &str) -> anyhow::Result<Option<String>> {
        knooppunt_web::accounts::api_token_source(&self.0, token).await
    }
}

/// `/metrics` in the Prometheus text format.
fn metrics_route() -> axum::routing::MethodRouter {
    let metrics = metrics_handle();
    axum::routing::get(move || {
        let metrics = metrics.clone();
        async move { metrics.map(|m| m.render()).unwrap_or_default() }
    })
}

/// Binds `listen` and serves `app` there with the configured limits until `stop` says so.
async fn bind_and_serve(
    listen: &str,
    app: axum::Router,
    limits: crate::server::ServerLimits,
    mut stop: tokio::sync::watch::Receiver<bool>,
    what: &'static str,
) -> anyhow::Result<(SocketAddr, JoinHandle<anyhow::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("luisteren op {listen}"))?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        let stopped = async move {
            let _ = stop.wait_for(|stop| *stop).await;
        };
        crate::server::serve(listener, app, limits, stopped)
            .await
            .context(what)
    });
    Ok((addr, handle))
}

/// The intake API's state: the transport, the database as readiness probe and as memory of
/// stored ids, and the partner tokens (checked when presented, required as configured).
fn intake_state(config: &Config, publisher: Arc<dyn Publisher>, store: Store) -> IntakeState {
    let mut state = IntakeState::new(
        publisher,
        vec![Arc::new(DatabaseProbe(store.clone()))],
        Limits {
            max_body_bytes: config.intake.max_body_bytes,
            max_batch: config.intake.max_batch,
        },
    );
    state = state.with_stored_content(Arc::new(StoredSignals(store.clone())));
    // A token that is presented is always checked; whether one is required depends on the
    // configuration (and on a proxy in front, see `Config::tokens_required`).
    state.with_token_check(Arc::new(StoredTokens(store)), config.tokens_required())
}

/// The operations endpoints (`/metrics`, `/readyz`, `/healthz`) for `web.ops_listen`, when set.
/// Building them installs the metrics recorder, so they are built before the API answers its
/// first request: a count recorded before the recorder exists is lost (the likely cause of the
/// privacy test once reading an empty /metrics).
fn ops_app(config: &Config, state: IntakeState) -> Option<axum::Router> {
    if config.web.ops_listen.trim().is_empty() {
        return None;
    }
    let limits = config.server_limits();
    let app = knooppunt_ingest::api::ops_router(state).route("/metrics", metrics_route());
    Some(knooppunt_web::security::with_security_headers(
        crate::server::with_timeouts(app, limits),
    ))
}

/// Serves the operations endpoints built by [`ops_app`] on `web.ops_listen`.
async fn start_ops(
    config: &Config,
    app: Option<axum::Router>,
    stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<Option<(SocketAddr, JoinHandle<anyhow::Result<()>>)>> {
    let Some(app) = app else {
        return Ok(None);
    };
    let ops_listen = config.web.ops_listen.trim();
    let limits = config.server_limits();
    let (ops_addr, handle) = bind_and_serve(ops_listen, app, limits, stopped, "operations").await?;
    tracing::info!(addr = %ops_addr, "Operations endpoints listening");
    Ok(Some((ops_addr, handle)))
}

/// The review website's state from the configuration: templates, sessions, the client-IP
/// header, cover, recognition (for the review loop) and the house style.
fn web_state(
    config: &Config,
    publisher: Arc<dyn Publisher>,
    store: &Store,
    rules: Arc<RuleSet>,
) -> anyhow::Result<knooppunt_web::WebState> {
    let mut web_state = knooppunt_web::WebState::new(
        store.clone(),
        rules.clone(),
        publisher,
        config.web.secure_cookies,
        config.brief.min_group_size,
        wider_areas(config),
    )?;
    web_state.templates_dir = config.brief.templates();
    web_state.session_hours = config.web.session_hours;
    web_state.idle_minutes = config.web.idle_minutes;
    let header = config.web.client_ip_header.trim();
    web_state.client_ip_header = (!header.is_empty())
        .then(|| axum::http::HeaderName::try_from(header))
        .transpose()
        .context("web.client_ip_header")?;
    web_state.cover = config.brief.cover();
    web_state.recognition = Some(Arc::new(crate::recognition::WebRecognition {
        store: store.clone(),
        rules,
        note_dirs: config.brief.note_dirs(),
    }));
    web_state.stored = Some(Arc::new(StoredSignals(store.clone())));
    web_state.theme_css = config
        .web
        .theme()
        .map_err(anyhow::Error::msg)?
        .map(Into::into);
    Ok(web_state)
}

/// Port 0 picks a free port; serves until `shutdown` resolves.
/// Binds the intake API and the review website on one listener, and the operations endpoints
/// on `web.ops_listen` when set.
pub async fn start_intake(
    config: &Config,
    publisher: Arc<dyn Publisher>,
    store: Store,
    rules: Arc<RuleSet>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<RunningIntake> {
    let web_state = web_state(config, publisher.clone(), &store, rules)?;
    let log_page = knooppunt_web::verwerkingslog::routes(web_state.clone());
    let web = knooppunt_web::router(web_state.clone()).merge(log_page);
    let store_for_log = (
        store.clone(),
        chrono::Duration::minutes(config.web.idle_minutes),
    );
    let state = intake_state(config, publisher, store);
    let limits = config.server_limits();
    let app = router(state.clone())
        .merge(web)
        // The processing log: what each request did, in the request's W3C trace.
        .layer(axum::middleware::from_fn_with_state(
            store_for_log,
            knooppunt_web::verwerkingslog::audit,
        ))
        .layer(axum::middleware::from_fn(
            knooppunt_web::verwerkingslog::trace_context,
        ));
    let app = crate::server::with_timeouts(app, limits).layer(
        axum::middleware::from_fn_with_state(web_state, knooppunt_web::security::dutch_rejections),
    );
    let app = knooppunt_web::security::with_security_headers(app)
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let ops_app = ops_app(config, state);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (addr, public) = bind_and_serve(
        &config.intake.listen,
        app,
        limits,
        stopped.clone(),
        "intake-API",
    )
    .await?;
    tracing::info!(%addr, "Intake API listening");
    let ops = start_ops(config, ops_app, stopped).await?;
    let ops_addr = ops.as_ref().map(|(addr, _)| *addr);
    let handle = tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
        public.await.context("intake-API")??;
        if let Some((_, handle)) = ops {
            handle.await.context("operations")??;
        }
        Ok(())
    });
    Ok(RunningIntake {
        addr,
        ops_addr,
        handle,
    })
}

/// Serves /metrics and /healthz for an engine-only process, until `shutdown` resolves.
pub async fn start_engine_metrics(
    listen: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<RunningIntake> {
    let app = axum::Router::new()
        .route("/metrics", metrics_route())
        .route("/healthz", axum::routing::get(engine_healthz));
    let limits = crate::server::ServerLimits::default();
    let app =
        knooppunt_web::security::with_security_headers(crate::server::with_timeouts(app, limits));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (addr, served) = bind_and_serve(listen, app, limits, stopped, "metrics").await?;
    let handle = tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
        served.await.context("metrics")?
    });
    tracing::info!(%addr, "Engine metrics listening");
    Ok(RunningIntake {
        addr,
        ops_addr: None,
        handle,
    })
}

/// The engine process's health: 503 with the reason when it makes no progress while its lag
/// stays above zero.
async fn engine_healthz() -> axum::response::Response {
    use axum::response::IntoResponse;
    match knooppunt_rules::engine::EngineHealth::global().check() {
        Ok(()) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(reason) => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(serde_json::json!({"status": "niet gezond", "reden": reason})),
        )
            .into_response(),
    }
}

/// Runs the rules engine until `shutdown` resolves.
pub async fn run_engine(
    config: &Config,
    store: Store,
    rules: Arc<RuleSet>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let source = source(config).await?;
    tracing::info!(
        transport = ?config.transport.kind,
        rules_version = rules.version(),
        "Rules engine started"
    );
    store.check_cluster_key(rules.cluster_key()).await?;
    // Beside the engine: the daily retention step and, on Kafka, the cluster events relay.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let mut helpers = Vec::new();
    if config.retention.daily {
        helpers.push(tokio::spawn(knooppunt_rules::retention::run_daily(
            store.clone(),
            config.retention.policy(),
            stopped(stop_rx.clone()),
        )));
    }
    if config.transport.kind == TransportKind::Kafka {
        // `knooppunt migrate` creates it; an engine started before that tries once more here.
        if let Err(error) =
            knooppunt_rules::events::ensure_topic(&config.kafka, &config.events.topic).await
        {
            tracing::warn!(error = %format!("{error:#}"), "Events topic not created");
        }
        let producer = config.kafka.producer(ProducerContext::new("events"))?;
        helpers.push(tokio::spawn(knooppunt_rules::events::run_relay(
            store.clone(),
            producer,
            config.events.topic.clone(),
            stopped(stop_rx.clone()),
        )));
    }
    Engine::new(source, store, rules, config.engine.batch_size)
        .with_promotions(std::time::Duration::from_secs(
            config.engine.promotion_interval_secs,
        ))
        .run(
            shutdown,
            std::time::Duration::from_secs(config.engine.stall_after_secs.max(1)),
        )
        .await;
    let _ = stop_tx.send(true);
    for helper in helpers {
        let _ = helper.await;
    }
    Ok(())
}
