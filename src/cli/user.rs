//! `knooppunt user add`: a website account; the password from `KNOOPPUNT_PASSWORD` or stdin.

use super::Settings;
use anyhow::Context;
use clap::Subcommand;
use knooppunt_domain::processing_log::{actions, Activity, Record};
use knooppunt_domain::traceparent::TraceContext;
use knooppunt_rules::verwerkingslog;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Maak een account aan. Het wachtwoord komt uit KNOOPPUNT_PASSWORD of van stdin.
    Add {
        /// Gebruikersnaam.
        #[arg(long)]
        name: String,
        /// Rol: indiener, overleg, gemeente of beheer.
        #[arg(long)]
        role: String,
        /// Naam zoals de website die toont (standaard de gebruikersnaam).
        #[arg(long)]
        display_name: Option<String>,
        /// Voor een indiener: de bron (team of partner) waarnamens die meldt.
        #[arg(long, default_value = "")]
        source: String,
        /// Voor het overleg: de wijken (komma's); leeg is alle wijken.
        #[arg(long, default_value = "")]
        areas: String,
    },
}

pub async fn run(command: UserCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    let UserCommand::Add {
        name,
        role,
        display_name,
        source,
        areas,
    } = command;
    let Some(role) = knooppunt_reports::review::Role::parse(&role) else {
        anyhow::bail!("--role: kies indiener, overleg, gemeente of beheer");
    };
    let password = password()?;
    let (_, store) = settings.open().await?;
    knooppunt_web::accounts::create_user(
        &store,
        &knooppunt_web::accounts::NewUser {
            name: &name,
            display_name: display_name.as_deref().unwrap_or(&name),
            role,
            source: &source,
            areas: &areas,
            password: &password,
        },
    )
    .await?;
    verwerkingslog::append(
        &store,
        &[Record::instant(
            TraceContext::new_root(),
            actions::ADMINISTRATION,
            "cli",
            Activity::Review,
            serde_json::json!({"change": "gebruiker-aanmaken", "role": role.as_str()}),
        )],
    )
    .await?;
    println!("Gebruiker {name} ({}) aangemaakt.", role.as_str());
    Ok(ExitCode::SUCCESS)
}

/// `KNOOPPUNT_PASSWORD`, or one line from stdin after a prompt on stderr.
fn password() -> anyhow::Result<String> {
    if let Ok(password) = std::env::var("KNOOPPUNT_PASSWORD") {
        return Ok(password);
    }
    eprintln!(
        "Wachtwoord (minstens {} tekens):",
        knooppunt_web::accounts::MIN_PASSWORD
    );
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("wachtwoord lezen")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}
