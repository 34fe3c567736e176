//! The `knooppunt` command line: what each subcommand takes (this file) and, one file per
//! subcommand, what it does with the library crates. `main.rs` parses and dispatches only.

pub mod agenda;
pub mod brief;
pub mod classify;
pub mod clusters;
pub mod digest;
mod dutch;
pub mod import;
pub mod migrate;
pub mod model;
pub mod processing_log;
pub mod quarantine;
pub mod retention;
pub mod rules;
pub mod serve;
pub mod user;

use clap::{Parser, Subcommand};
use knooppunt::app;
use knooppunt::config::{Config, ConfigErrors};
use knooppunt_reports::Quarter;
use knooppunt_store::Store;
use std::path::PathBuf;

/// Where the configuration comes from (`--config`), loaded when a subcommand needs it.
pub struct Settings {
    file: Option<PathBuf>,
}

impl Settings {
    pub fn new(file: Option<PathBuf>) -> Self {
        Self { file }
    }

    /// The configuration: defaults, the file, the environment.
    pub fn load(&self) -> Result<Config, ConfigErrors> {
        Config::load(self.file.as_deref())
    }

    /// The configuration and the store it names (an SQLite file is created when missing).
    pub async fn open(&self) -> anyhow::Result<(Config, Store)> {
        let config = self.load()?;
        let store = app::open_store(&config).await?;
        Ok((config, store))
    }

    /// [`Settings::open`] for a command that reads what is stored (agenda, brief, clusters,
    /// digest, processing log, quarantine, retention): an SQLite file that does not exist is
    /// refused instead of created, so a mistyped or missing `store.url` does not give an
    /// empty agenda or brief as if there were no signals.
    pub async fn open_existing(&self) -> anyhow::Result<(Config, Store)> {
        let config = self.load()?;
        if let Some(path) =
            knooppunt_store::sqlite_file(&config.store.url).filter(|path| !path.exists())
        {
            anyhow::bail!(
                "er is geen database {}: start Knooppunt eerst (`knooppunt serve` of \
                 `knooppunt demo`), of geef met store.url (KNOOPPUNT__STORE__URL) de database \
                 op die de signalen heeft",
                path.display()
            );
        }
        let store = app::open_store(&config).await?;
        Ok((config, store))
    }
}

impl Cli {
    /// The command line, with clap's own words (help, version, headings, refusals) in Dutch; a
    /// refusal ends the process with exit code 2, help and version with 0.
    pub fn parse_dutch() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let parsed = dutch::command(Cli::command())
            .try_get_matches()
            .and_then(|matches| Cli::from_arg_matches(&matches));
        match parsed {
            Ok(cli) => cli,
            Err(error) => match dutch::refusal(&error) {
                Some(text) => {
                    eprintln!("{text}");
                    std::process::exit(2)
                }
                None if error.kind() == clap::error::ErrorKind::DisplayVersion => error.exit(),
                // Help: asked for (exit 0), or shown for a missing subcommand (exit 2).
                None => {
                    let text = dutch::help_text(&error.render().to_string());
                    if error.use_stderr() {
                        eprint!("{text}");
                    } else {
                        print!("{text}");
                    }
                    std::process::exit(error.exit_code())
                }
            },
        }
    }
}

/// Resolves on Ctrl-C or (on Unix) SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

/// Knooppunt: signalen van wijkteams en partners over systeembarrières omzetten in bewijs.
///
/// Signalen komen binnen via de API, een CSV-import of Kafka, worden ontdaan van
/// persoonsgegevens, ingedeeld bij barrières en gegroepeerd in clusters; de gemeente krijgt
/// een kwartaalbrief "terug het systeem in".
#[derive(Debug, Parser)]
#[command(name = "knooppunt", version, propagate_version = true)]
pub struct Cli {
    /// Configuratiebestand (TOML). Volgorde: ingebouwde standaard → dit bestand →
    /// omgevingsvariabelen KNOOPPUNT__SECTIE__SLEUTEL.
    #[arg(long, short, global = true, env = "KNOOPPUNT_CONFIG")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start de intake-API en de regelmotor samen in één proces.
    Serve,
    /// Start alleen de intake-API (bij Kafka: intake en regelmotor apart schalen).
    Intake,
    /// Start alleen de regelmotor: leest signalen van het transport en slaat ze op.
    Engine,
    /// Importeer signalen uit een .csv- (Excel, ';') of .jsonl-bestand.
    ///
    /// Geweigerde regels worden met regelnummer en reden gemeld; de rest gaat door.
    /// Afsluitcode 0 als alles is geaccepteerd, 1 als er regels zijn geweigerd of niet verstuurd.
    Import {
        /// Het bestand: .csv (kopregel datum;bron;wijk;thema's;omschrijving) of .jsonl.
        file: PathBuf,
    },
    /// Voer de databasemigraties uit en maak (bij Kafka) de topics aan.
    Migrate,
    /// Maak de kwartaalbrief: HTML (om te printen), PDF, Markdown, en de cijfers als CSV en JSON.
    Brief {
        /// Het kwartaal, bijvoorbeeld 2026Q3.
        #[arg(long)]
        quarter: Quarter,
        /// Map waarin de brief wordt geschreven.
        #[arg(long, default_value = "brief")]
        out: PathBuf,
        /// Alleen de knelpunten van dit gemeentelijke programma.
        #[arg(long)]
        programme: Option<String>,
        /// Geen PDF maken (die vraagt headless Chromium).
        #[arg(long)]
        no_pdf: bool,
        /// Leg de cijfers vast als de gepubliceerde brief van dit kwartaal (eenmalig).
        #[arg(long)]
        publish: bool,
        /// Corrigeer de gepubliceerde brief van dit kwartaal met een rectificatie: een nieuwe
        /// versie naast het origineel (dat blijft), met deze reden en een lijst van wat er
        /// veranderde.
        #[arg(
            long,
            value_name = "REDEN",
            conflicts_with = "publish",
            num_args = 0..=1,
            default_missing_value = ""
        )]
        rectificatie: Option<String>,
    },
    /// Toon de geldende configuratie (wachtwoorden gemaskeerd) na controle.
    Config,
    /// Bewaartermijnen toepassen: signaalteksten ouder dan retention.text_months vervangen,
    /// oude quarantaineregels, verlopen sessies en ingetrokken tokens verwijderen.
    ///
    /// Aantallen, barrières, wachttijden, clusters en gepubliceerde brieven blijven.
    Bewaartermijn {
        /// Alleen tonen wat er zou gebeuren.
        #[arg(long, conflicts_with = "apply", required_unless_present = "apply")]
        dry_run: bool,
        /// Uitvoeren (en vastleggen in het verwerkingslog).
        #[arg(long)]
        apply: bool,
    },
    /// Exporteer het verwerkingslog als JSON-regels (Logboek Dataverwerkingen).
    Verwerkingslog {
        /// Alleen deze actor (gebruiker, token:BRON of system:…).
        #[arg(long)]
        actor: Option<String>,
        /// Alleen deze actie, bijvoorbeeld besluit of signaal-ontvangen.
        #[arg(long)]
        actie: Option<String>,
        /// Alleen deze trace (32 hexadecimale tekens).
        #[arg(long)]
        trace: Option<String>,
        /// Vanaf deze dag (jjjj-mm-dd).
        #[arg(long)]
        van: Option<chrono::NaiveDate>,
        /// Tot en met deze dag (jjjj-mm-dd).
        #[arg(long)]
        tot: Option<chrono::NaiveDate>,
    },
    /// Classificeer signalen offline (JSON-regels), zonder database of broker.
    ///
    /// Schrijft per invoerregel één JSON-object naar stdout, in volgorde:
    /// {"id", "barriers", "wait_days", "organisation", "text" (opgeschoond), "pii"};
    /// een ongeldige regel geeft {"id", "error"} en de rest gaat door.
    Classify {
        /// Invoerbestand met één signaal per regel; zonder bestand: stdin.
        file: Option<PathBuf>,
        /// Ander regelbestand (TOML) dan de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Ander modelbestand dan het model dat het regelbestand noemt.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Aantal threads (standaard: alle kernen); de uitvoer blijft in invoervolgorde.
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Toon de signalen die de regelmotor weigerde wegens persoonsgegevens (aantallen, geen tekst).
    Quarantaine,
    /// Accounts voor de website.
    User {
        #[command(subcommand)]
        command: user::UserCommand,
    },
    /// Exporteer de agenda van het signaleringsoverleg (HTML en Markdown): vóór de vergadering
    /// de clusters die sinds de vorige vergadering de drempels haalden, erna ook de besluiten.
    Agenda {
        /// Vergaderdatum (jjjj-mm-dd).
        #[arg(long)]
        meeting: chrono::NaiveDate,
        /// Map waarin agenda-DATUM.html en .md worden geschreven.
        #[arg(long, default_value = "agenda")]
        out: PathBuf,
        /// Een aanwezige als "naam=rol" (herhaalbaar). Met minstens één wordt de vergadering
        /// vastgelegd met wie er waren; zonder wordt alleen geëxporteerd.
        #[arg(long = "attendee")]
        attendees: Vec<String>,
    },
    /// Maak de samenvatting voor wie niet inlogt: de besluitenlijst per programma na een
    /// vergadering, of het maandoverzicht van nieuwe en groeiende knelpunten.
    Digest(digest::DigestArgs),
    /// Toon de clusters (barrière × wijk): aantallen, bronnen, wijken, periode en wachttijden.
    Clusters {
        /// Alleen clusters met minstens zoveel signalen.
        #[arg(long, default_value_t = 1)]
        min: i64,
        /// Alleen de clusters die voor het signaleringsoverleg op de agenda komen, met waarom.
        #[arg(long)]
        agenda: bool,
        /// Peildatum voor --agenda (jjjj-mm-dd); standaard vandaag.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
    /// Werken met regelbestanden: controleren en testen tegen voorbeeldsignalen.
    Rules {
        #[command(subcommand)]
        command: rules::RulesCommand,
    },
    /// Het geleerde model naast de regels.
    Model {
        #[command(subcommand)]
        command: model::ModelCommand,
    },

    /// Demonstratie op de ingebouwde standaard: laadt een synthetische set signalen via de
    /// API en een CSV-import, draait de regelmotor, schrijft een brief en laat de API draaien.
    Demo {
        /// Werkmap van de demo; wordt bij de start leeggemaakt.
        #[arg(long, default_value = "knooppunt-demo")]
        dir: PathBuf,
        /// Adres van de API tijdens de demo.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Stop na de brief in plaats van de API te laten draaien.
        #[arg(long)]
        no_serve: bool,
    },
}

impl Command {
    /// Whether the command's work is to print for a reader (`classify`, `clusters`, `rules
    /// test`, …), so that a reader that stops early (`| head`) ends it as it ends any Unix
    /// filter. Servers, imports and commands that write files or the database keep ignoring
    /// SIGPIPE, so a closed connection is an error they handle.
    pub fn prints_for_a_reader(&self) -> bool {
        matches!(
            self,
            Command::Config
                | Command::Classify { .. }
                | Command::Quarantaine
                | Command::Agenda { .. }
                | Command::Clusters { .. }
                | Command::Rules { .. }
        )
    }
}

/// `--rules FILE` (or the built-in rules) with `--model FILE` instead of the model it names.
pub fn rules_with_model(
    rules: Option<&std::path::Path>,
    model: Option<&std::path::Path>,
) -> anyhow::Result<knooppunt_rules::ruleset::RuleSet> {
    match model {
        Some(model) => app::load_rules_with_model(rules, model),
        None => app::load_rules_file(rules),
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    /// Clap's own checks of every subcommand (unique names, valid defaults), which otherwise
    /// only run when that subcommand is parsed in a debug build.
    #[test]
    fn the_command_line_is_consistent() {
        super::Cli::command().debug_assert();
        super::dutch::command(super::Cli::command()).debug_assert();
        let help = super::Cli::try_parse_from(["knooppunt", "model", "train", "--help"]);
        assert!(help.is_err_and(|e| e.kind() == clap::error::ErrorKind::DisplayHelp));
    }
}
