//! `knooppunt serve`, `intake` and `engine`: the long-running processes, until Ctrl-C or SIGTERM.

use super::{shutdown_signal, Settings};
use anyhow::Context;
use knooppunt::app;
use std::process::ExitCode;

/// Intake API and rules engine in one process; both stop together.
pub async fn serve(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open().await?;
    let rules = app::load_rules(&config)?;
    let publisher = app::publisher(&config).await?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut intake_stop = stop_rx.clone();
    let intake = app::start_intake(
        &config,
        publisher,
        store.clone(),
        rules.clone(),
        async move {
            let _ = intake_stop.wait_for(|stop| *stop).await;
        },
    )
    .await?;
    let mut engine_stop = stop_rx;
    let engine = app::run_engine(&config, store, rules, async move {
        let _ = engine_stop.wait_for(|stop| *stop).await;
    });
    tokio::pin!(engine);
    tokio::select! {
        _ = shutdown_signal() => {},
        result = &mut engine => result?,
    }
    let _ = stop_tx.send(true);
    engine.await?;
    intake.handle.await.context("intake-API")??;
    Ok(ExitCode::SUCCESS)
}

/// The intake API alone.
pub async fn intake(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open().await?;
    let publisher = app::publisher(&config).await?;
    let rules = app::load_rules(&config)?;
    let intake = app::start_intake(&config, publisher, store, rules, shutdown_signal()).await?;
    intake.handle.await.context("intake-API")??;
    Ok(ExitCode::SUCCESS)
}

/// The rules engine alone, with `/metrics` and `/healthz` on `engine.metrics_listen` when set.
pub async fn engine(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open().await?;
    let rules = app::load_rules(&config)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let metrics = match config.engine.metrics_listen.trim() {
        "" => None,
        listen => {
            let mut stop = stop_rx.clone();
            Some(
                app::start_engine_metrics(listen, async move {
                    let _ = stop.wait_for(|stop| *stop).await;
                })
                .await?,
            )
        }
    };
    app::run_engine(&config, store, rules, shutdown_signal()).await?;
    let _ = stop_tx.send(true);
    if let Some(metrics) = metrics {
        metrics.handle.await.context("metrics")??;
    }
    Ok(ExitCode::SUCCESS)
}
