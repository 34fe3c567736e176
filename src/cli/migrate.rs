//! `knooppunt migrate`: the database's migrations and, on Kafka, the topics.

use super::Settings;
use knooppunt::config::TransportKind;
use std::process::ExitCode;

pub async fn run(settings: &Settings) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open().await?;
    store.migrate().await?;
    println!("Database bijgewerkt ({:?}).", store.backend());
    if config.transport.kind == TransportKind::Kafka {
        config.kafka.ensure_topics().await?;
        knooppunt_rules::events::ensure_topic(&config.kafka, &config.events.topic).await?;
        println!(
            "Kafka-topics aanwezig: {}, {}, {}.",
            config.kafka.signals_topic, config.kafka.dead_letter_topic, config.events.topic
        );
    }
    Ok(ExitCode::SUCCESS)
}
