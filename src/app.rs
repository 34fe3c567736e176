//! Wiring: builds the components a subcommand needs from the configuration. No domain logic.

use crate::config::{Config, TransportKind};
use anyhow::Context;
use async_trait::async_trait;
use knooppunt_ingest::http::{router, IntakeState, Limits, Probe};
use knooppunt_ingest::kafka::KafkaPublisher;
use knooppunt_ingest::spool::Spool;
use knooppunt_ingest::transport::Publisher;
use knooppunt_rules::engine::{Engine, Source};
use knooppunt_rules::ruleset::RuleSet;
use knooppunt_rules::sources::{KafkaSource, SpoolSource};
use knooppunt_rules::store::Store;
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
pub fn load_rules_file(path: Option<&Path>) -> anyhow::Result<RuleSet> {
    let rules = match path {
        Some(path) => RuleSet::from_toml(
            &std::fs::read_to_string(path)
                .with_context(|| format!("regelbestand {} lezen", path.display()))?,
        ),
        None => RuleSet::default_rules(),
    };
    rules.map_err(|errors| {
        let list: Vec<String> = errors.iter().map(|e| format!("  - {e}")).collect();
        anyhow::anyhow!("het regelbestand bevat fouten:\n{}", list.join("\n"))
    })
}

/// Gathers the brief for `quarter` and writes it into `dir`, returning the files.
/// What `knooppunt brief` writes besides Markdown, HTML, CSV and JSON.
#[derive(Debug, Clone, Default)]
pub struct BriefOptions {
    pub programme: Option<String>,
    /// Also print the HTML to PDF with headless Chromium.
    pub pdf: bool,
    /// Freeze the figures as the quarter's published snapshot.
    pub publish: bool,
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

pub async fn write_brief(
    config: &Config,
    store: &Store,
    rules: &RuleSet,
    quarter: knooppunt_reports::Quarter,
    dir: &Path,
    options: &BriefOptions,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let brief = knooppunt_reports::Brief::gather_full(
        store,
        rules,
        quarter,
        options.programme.as_deref(),
        config.brief.min_group_size,
        &config.brief.wider_areas,
        knooppunt_ingest::today_nl(),
    )
    .await?;
    let mut brief = brief;
    brief.templates_dir = config.brief.templates();
    brief.cover = config.brief.cover();
    if options.publish {
        brief.publish(store, "cli").await?;
        brief.published = true;
    }
    let mut written = brief.write(dir)?;
    if options.pdf {
        written.push(brief.write_pdf(dir)?);
    }
    if options.publish {
        written.push(write_manifest(dir, &brief.file_stem(), &written)?);
    }
    Ok(written)
}

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    Store::connect(&config.store.url, config.store.max_connections).await
}

pub async fn open_spool(config: &Config) -> anyhow::Result<Spool> {
    Spool::open(&config.transport.spool).await
}

/// Where intake hands signals over.
pub async fn publisher(config: &Config) -> anyhow::Result<Arc<dyn Publisher>> {
    Ok(match config.transport.kind {
        TransportKind::Embedded => Arc::new(open_spool(config).await?),
        TransportKind::Kafka => Arc::new(KafkaPublisher::new(&config.kafka)?),
    })
}

/// The rules engine's end of the transport.
pub async fn source(config: &Config) -> anyhow::Result<Box<dyn Source>> {
    Ok(match config.transport.kind {
        TransportKind::Embedded => Box::new(SpoolSource::new(open_spool(config).await?)),
        TransportKind::Kafka => Box::new(KafkaSource::new(&config.kafka)?),
    })
}

struct DatabaseProbe(Store);

#[async_trait]
impl Probe for DatabaseProbe {
    fn name(&self) -> &'static str {
        "database"
    }
    async fn check(&self) -> Result<(), String> {
        self.0.ping().await.map_err(|e| format!("{e:#}"))
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
    pub handle: JoinHandle<anyhow::Result<()>>,
}

/// Partner API tokens as the admin stored them.
struct StoredTokens(Store);

#[async_trait::async_trait]
impl knooppunt_ingest::http::TokenCheck for StoredTokens {
    async fn source_for(&self, token: &str) -> anyhow::Result<Option<String>> {
        crate::web::accounts::api_token_source(&self.0, token).await
    }
}

/// Port 0 picks a free port; serves until `shutdown` resolves.
/// Binds the intake API and the review website on one listener.
pub async fn start_intake(
    config: &Config,
    publisher: Arc<dyn Publisher>,
    store: Store,
    rules: Arc<RuleSet>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<RunningIntake> {
    let mut web_state = crate::web::WebState::new(
        store.clone(),
        rules,
        publisher.clone(),
        config.web.secure_cookies,
        config.brief.min_group_size,
        config.brief.wider_areas.clone(),
    )?;
    web_state.templates_dir = config.brief.templates();
    web_state.cover = config.brief.cover();
    let web = crate::web::router(web_state);
    let mut state = IntakeState::new(
        publisher,
        vec![Arc::new(DatabaseProbe(store.clone()))],
        Limits {
            max_body_bytes: config.intake.max_body_bytes,
            max_batch: config.intake.max_batch,
        },
    );
    if config.intake.require_token {
        state = state.with_tokens(Arc::new(StoredTokens(store)));
    }
    let metrics = metrics_handle();
    let app = router(state)
        .merge(web)
        .route(
            "/metrics",
            axum::routing::get(move || {
                let metrics = metrics.clone();
                async move { metrics.map(|m| m.render()).unwrap_or_default() }
            }),
        )
        .layer(tower_http::trace::TraceLayer::new_for_http());
    let listener = tokio::net::TcpListener::bind(&config.intake.listen)
        .await
        .with_context(|| format!("luisteren op {}", config.intake.listen))?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .context("intake-API")
    });
    tracing::info!(%addr, "Intake API listening");
    Ok(RunningIntake { addr, handle })
}

/// Serves /metrics and /healthz for an engine-only process, until `shutdown` resolves.
pub async fn start_engine_metrics(
    listen: &str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<RunningIntake> {
    let metrics = metrics_handle();
    let app = axum::Router::new()
        .route(
            "/metrics",
            axum::routing::get(move || {
                let metrics = metrics.clone();
                async move { metrics.map(|m| m.render()).unwrap_or_default() }
            }),
        )
        .route("/healthz", axum::routing::get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("luisteren op {listen}"))?;
    let addr = listener.local_addr()?;
    let handle = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
            .context("metrics")
    });
    tracing::info!(%addr, "Engine metrics listening");
    Ok(RunningIntake { addr, handle })
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
    Engine::new(source, store, rules, config.engine.batch_size)
        .with_promotions(std::time::Duration::from_secs(
            config.engine.promotion_interval_secs,
        ))
        .run(shutdown)
        .await;
    Ok(())
}
