//! The `knooppunt` command: wiring only; every piece of logic lives in the library crates.

use anyhow::Context;
use clap::{Parser, Subcommand};
use knooppunt::app;
use knooppunt::config::{Config, TransportKind};
use knooppunt_reports::Quarter;
use std::path::PathBuf;
use std::process::ExitCode;

/// Knooppunt: signalen van wijkteams en partners over systeembarrières omzetten in bewijs.
///
/// Signalen komen binnen via de API, een CSV-import of Kafka, worden ontdaan van
/// persoonsgegevens, ingedeeld bij barrières en gegroepeerd in clusters; de gemeente krijgt
/// een kwartaalbrief "terug het systeem in".
#[derive(Debug, Parser)]
#[command(name = "knooppunt", version, propagate_version = true)]
struct Cli {
    /// Configuratiebestand (TOML). Volgorde: ingebouwde standaard → dit bestand →
    /// omgevingsvariabelen KNOOPPUNT__SECTIE__SLEUTEL.
    #[arg(long, short, global = true, env = "KNOOPPUNT_CONFIG")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
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
        command: UserCommand,
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
    },
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
        command: RulesCommand,
    },
    /// Het geleerde model naast de regels.
    Model {
        #[command(subcommand)]
        command: ModelCommand,
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

#[derive(Debug, Subcommand)]
enum UserCommand {
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

#[derive(Debug, Subcommand)]
enum ModelCommand {
    /// Train het model op gelabelde notities (JSON-regels en voorbeeldbestanden) en schrijf
    /// het modelbestand; kiest per barrière de drempel met kruisvalidatie.
    Train {
        /// Mappen met notities: *.jsonl ({"text", "barriers", …}) en <barrière>.toml.
        #[arg(long = "notes", default_values_t = knooppunt::recognition::DEFAULT_NOTE_DIRS.map(String::from))]
        notes: Vec<String>,
        /// Het regelbestand waarvoor het model is (barrières en drempels); standaard de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Waar het model wordt geschreven.
        #[arg(long, default_value = "rules/default_model.kpm")]
        out: PathBuf,
        /// Kostenparameter C van de logistische regressie.
        #[arg(long, default_value_t = 32.0)]
        cost: f64,
        /// Aantal folds voor de kruisvalidatie.
        #[arg(long, default_value_t = 5)]
        folds: usize,
        /// Versie van het model (standaard: datum en controlegetal).
        #[arg(long)]
        version: Option<String>,
    },
    /// Schrijf de labels van het overleg als trainingsnotities (JSON-regels) voor de volgende
    /// `model train` (zet het bestand in een van de --notes-mappen).
    Labels {
        /// Het bestand; zonder: naar stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum RulesCommand {
    /// Controleer een regelbestand; toont alle fouten tegelijk, met regelnummer.
    Validate {
        /// Het regelbestand (TOML).
        file: PathBuf,
    },
    /// Pas een (nieuwe) regelset toe op alle opgeslagen signalen: toont eerst wat verandert
    /// (signalen die van barrière wisselen, clusters die ontstaan, groeien, krimpen of
    /// verdwijnen) en voert het alleen uit met --apply.
    Replay {
        /// Het regelbestand; zonder: de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Een ander (nieuw) modelbestand dan het model dat het regelbestand noemt.
        #[arg(long)]
        model: Option<PathBuf>,
        /// Voer de nieuwe indeling echt door (in één transactie).
        #[arg(long)]
        apply: bool,
    },
    /// Test regels tegen de voorbeeldsignalen per barrière; toont precisie en recall per regel.
    Test {
        /// Ander regelbestand dan de ingebouwde regels.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Map met voorbeeldbestanden <barrière>.toml (positive = [...], negative = [...]).
        #[arg(long, default_value = "rules/fixtures")]
        fixtures: PathBuf,
        /// Toon ook de gemiste en onterecht gevonden voorbeelden.
        #[arg(long)]
        verbose: bool,
        /// Mappen met gelabelde notities voor regels, model en samen (kruisgevalideerd).
        #[arg(long = "notes", default_values_t = knooppunt::recognition::DEFAULT_NOTE_DIRS.map(String::from))]
        notes: Vec<String>,
        /// Een evaluatieset (JSON-regels met "expected", "wait_days", "organisation"), bv.
        /// ../shared/corpus/signals.jsonl: alleen cijfers, nooit notities.
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Meet regels, model en samen tegen de labels van het overleg (uit de database),
        /// per kwartaal, in plaats van tegen de voorbeelden.
        #[arg(long)]
        labels: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KNOOPPUNT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Knooppunt kon niet starten: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => match error.downcast_ref::<knooppunt::config::ConfigErrors>() {
            Some(errors) => {
                eprint!("{errors}");
                ExitCode::from(2)
            }
            None => {
                eprintln!("Fout: {error:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// `knooppunt rules …`; only replay needs the configuration (for the database).
async fn rules_command(
    command: RulesCommand,
    load: impl Fn() -> Result<Config, knooppunt::config::ConfigErrors>,
) -> anyhow::Result<ExitCode> {
    use knooppunt_rules::fixtures::{evaluate, macro_f1, FixtureFile};
    match command {
        RulesCommand::Replay {
            rules,
            model,
            apply,
        } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let rules = match model {
                Some(model) => app::load_rules_with_model(rules.as_deref(), &model)?,
                None => app::load_rules_file(rules.as_deref())?,
            };
            let total = store.signal_count().await?;
            let progress = indicatif::ProgressBar::new(u64::try_from(total).unwrap_or(0))
                .with_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} signalen")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
            let diff = knooppunt_rules::replay::replay(&store, &rules, apply, |done| {
                progress.set_position(done)
            })
            .await?;
            progress.finish_and_clear();
            print!("{}", diff.report(rules.version()));
            if apply {
                println!(
                    "Doorgevoerd: alle signalen zijn ingedeeld met regelset {}.",
                    rules.version()
                );
            } else {
                println!("Niets gewijzigd. Voer het door met --apply.");
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Validate { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("regelbestand {} lezen", file.display()))?;
            match knooppunt_rules::ruleset::RuleSet::from_toml(&text) {
                Ok(rules) => {
                    println!(
                        "{} is in orde: {} barrières, versie {}.",
                        file.display(),
                        rules.barriers().len(),
                        rules.version()
                    );
                    // A rule can be valid and still slow the engine down a hundredfold (a long
                    // bounded gap overflows the matcher's cache): measure it on the sample.
                    let speed = knooppunt::demo::classification_speed(&rules);
                    println!(
                        "Snelheid op de voorbeeldset: {speed:.0} signalen per seconde per kern."
                    );
                    if speed < knooppunt::demo::SLOW_RULES {
                        println!(
                            "Let op: dat is traag (verwacht: ruim boven {:.0}). Vaak komt dat door een patroon met \
                             een lange tussenruimte zoals '(\\w+\\W+){{0,12}}'; schrijf het als 'allebei in \
                             dezelfde zin' of als all-groep.",
                            knooppunt::demo::SLOW_RULES
                        );
                        return Ok(ExitCode::from(1));
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err(errors) => {
                    println!("{} bevat {} fout(en):", file.display(), errors.len());
                    for error in errors {
                        println!("  - {error}");
                    }
                    Ok(ExitCode::from(2))
                }
            }
        }
        RulesCommand::Test {
            rules,
            fixtures,
            verbose,
            notes,
            corpus,
            labels,
        } => {
            let rules = app::load_rules_file(rules.as_deref())?;
            if labels {
                let store = app::open_store(&load()?).await?;
                knooppunt::labels::test_against_labels(&store, &rules).await?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(&fixtures)
                .with_context(|| format!("map {} lezen", fixtures.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "toml"))
                .collect();
            entries.sort();
            let mut files = Vec::new();
            for path in &entries {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("{} lezen", path.display()))?;
                files.push(
                    FixtureFile::parse(&text)
                        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
                );
            }
            let scores = evaluate(&rules, &files);
            println!(
                "{:<26} {:>9} {:>9} {:>7}   (regelset {})",
                "barrière",
                "precisie",
                "recall",
                "F1",
                rules.version()
            );
            for score in &scores {
                println!(
                    "{:<26} {:>9.2} {:>9.2} {:>7.2}   {} goed, {} gemist, {} onterecht",
                    score.barrier,
                    score.precision(),
                    score.recall(),
                    score.f1(),
                    score.true_positives,
                    score.false_negatives,
                    score.false_positives
                );
                if verbose {
                    for miss in &score.misses {
                        println!("      gemist:    {miss}");
                    }
                    for alarm in &score.false_alarms {
                        println!("      onterecht: {alarm}");
                    }
                }
            }
            println!("macro-F1: {:.3}", macro_f1(&scores));
            let notes: Vec<PathBuf> = notes.iter().map(PathBuf::from).collect();
            knooppunt::recognition::test_recognition(&rules, &notes, corpus.as_deref())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn shutdown_signal() {
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

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let config_path = cli.config.clone();
    let load = || Config::load(config_path.as_deref());
    match cli.command {
        Command::Demo {
            dir,
            listen,
            no_serve,
        } => return knooppunt::demo::run(&dir, &listen, !no_serve, shutdown_signal()).await,
        Command::Classify {
            file,
            rules,
            model,
            jobs,
        } => {
            let rules = match model {
                Some(model) => app::load_rules_with_model(rules.as_deref(), &model)?,
                None => app::load_rules_file(rules.as_deref())?,
            };
            let today = knooppunt_ingest::today_nl();
            let jobs = jobs.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            });
            let stdout = std::io::stdout().lock();
            let output = std::io::BufWriter::new(stdout);
            let (classified, errors) = match file {
                Some(path) => {
                    let input = std::fs::File::open(&path)
                        .with_context(|| format!("{} openen", path.display()))?;
                    let input = std::io::BufReader::new(input);
                    knooppunt::classify::run_jobs(input, output, &rules, today, jobs)?
                }
                None => {
                    let input = std::io::stdin().lock();
                    knooppunt::classify::run_jobs(input, output, &rules, today, jobs)?
                }
            };
            tracing::info!(classified, errors, "Classification finished");
        }
        Command::Rules { command } => return rules_command(command, load).await,
        Command::Model {
            command:
                ModelCommand::Train {
                    notes,
                    rules,
                    out,
                    cost,
                    folds,
                    version,
                },
        } => knooppunt::recognition::train_command(knooppunt::recognition::TrainArgs {
            rules,
            notes: notes.iter().map(PathBuf::from).collect(),
            out,
            options: knooppunt_rules::model::train::Options {
                cost,
                folds,
                version,
                ..Default::default()
            },
        })?,
        Command::Model {
            command: ModelCommand::Labels { out },
        } => {
            let store = app::open_store(&load()?).await?;
            let written = knooppunt::labels::export_labels(&store, out.as_deref()).await?;
            if out.is_some() {
                println!("{written} gelabelde signalen geschreven.");
            }
        }
        Command::Clusters {
            agenda: true, on, ..
        } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let rules = app::load_rules(&config)?;
            let today = on.unwrap_or_else(knooppunt_ingest::today_nl);
            // Evaluated and stored, so the agenda shows what the engine records as well.
            let promotions = store.evaluate_promotions(&rules, today).await?;
            println!("Agenda signaleringsoverleg, peildatum {today}:");
            for promotion in &promotions {
                let title = rules
                    .barriers()
                    .iter()
                    .find(|b| b.id == promotion.barrier)
                    .map_or(promotion.barrier.as_str(), |b| b.title.as_str());
                let key = [promotion.area.as_str(), promotion.organisation.as_str()]
                    .into_iter()
                    .filter(|k| !k.is_empty())
                    .collect::<Vec<_>>()
                    .join(" / ");
                println!("- {title} — {key}: {}", promotion.waarom);
            }
            if promotions.is_empty() {
                println!("  (geen clusters die de drempels halen)");
            }
        }
        Command::Clusters { min, .. } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            println!(
                "{:>8} {:>7} {:>6}  {:<26} {:<18} {:<23} {:>16}",
                "signalen", "bronnen", "wijken", "barrière", "wijk", "periode", "wachttijd (med.)"
            );
            for summary in store.cluster_summaries().await? {
                let c = &summary.cluster;
                if c.signal_count < min {
                    continue;
                }
                let wait = summary
                    .median_wait_days
                    .map(|d| format!("{d:.0} dagen (n={})", summary.with_wait))
                    .unwrap_or_else(|| "-".into());
                println!(
                    "{:>8} {:>7} {:>6}  {:<26} {:<18} {} t/m {} {:>16}",
                    c.signal_count,
                    summary.sources,
                    summary.areas,
                    c.barrier,
                    c.area,
                    c.first_seen,
                    c.last_seen,
                    wait
                );
            }
        }
        Command::User {
            command:
                UserCommand::Add {
                    name,
                    role,
                    display_name,
                    source,
                    areas,
                },
        } => {
            let Some(role) = knooppunt_reports::review::Role::parse(&role) else {
                anyhow::bail!("--role: kies indiener, overleg, gemeente of beheer");
            };
            let password = match std::env::var("KNOOPPUNT_PASSWORD") {
                Ok(password) => password,
                Err(_) => {
                    eprintln!(
                        "Wachtwoord (minstens {} tekens):",
                        knooppunt::web::accounts::MIN_PASSWORD
                    );
                    let mut line = String::new();
                    std::io::stdin()
                        .read_line(&mut line)
                        .context("wachtwoord lezen")?;
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let config = load()?;
            let store = app::open_store(&config).await?;
            knooppunt::web::accounts::create_user(
                &store,
                &knooppunt::web::accounts::NewUser {
                    name: &name,
                    display_name: display_name.as_deref().unwrap_or(&name),
                    role,
                    source: &source,
                    areas: &areas,
                    password: &password,
                },
            )
            .await?;
            knooppunt_rules::verwerkingslog::append(
                &store,
                &[knooppunt_rules::verwerkingslog::Record::instant(
                    knooppunt_rules::verwerkingslog::TraceContext::new_root(),
                    knooppunt_rules::verwerkingslog::actions::ADMINISTRATION,
                    "cli",
                    knooppunt_rules::verwerkingslog::Activity::Review,
                    serde_json::json!({"change": "gebruiker-aanmaken", "role": role.as_str()}),
                )],
            )
            .await?;
            println!("Gebruiker {name} ({}) aangemaakt.", role.as_str());
        }
        Command::Agenda { meeting, out } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let rules = app::load_rules(&config)?;
            let mut agenda =
                knooppunt_reports::agenda::Agenda::gather(&store, &rules, meeting, Some("cli"))
                    .await?;
            agenda.templates_dir = config.brief.templates();
            let (markdown, html) = agenda.render()?;
            std::fs::create_dir_all(&out)
                .with_context(|| format!("map {} aanmaken", out.display()))?;
            for (extension, content) in [("md", markdown), ("html", html)] {
                let path = out.join(format!("agenda-{meeting}.{extension}"));
                std::fs::write(&path, content)
                    .with_context(|| format!("{} schrijven", path.display()))?;
                println!("Geschreven: {}", path.display());
            }
            println!(
                "{} clusters op de agenda, {} besluiten op {meeting}.",
                agenda.items.len(),
                agenda.decisions.len()
            );
        }
        Command::Quarantaine => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let counts = store.quarantine_counts().await?;
            println!(
                "Geweigerd wegens persoonsgegevens: {} signalen",
                counts.iter().map(|c| c.count).sum::<i64>()
            );
            for count in counts {
                println!("  {:>6}  {} ({})", count.count, count.reason, count.kinds);
            }
        }
        Command::Serve => {
            let config = load()?;
            let store = app::open_store(&config).await?;
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
        }
        Command::Intake => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let publisher = app::publisher(&config).await?;
            let rules = app::load_rules(&config)?;
            let intake =
                app::start_intake(&config, publisher, store, rules, shutdown_signal()).await?;
            intake.handle.await.context("intake-API")??;
        }
        Command::Engine => {
            let config = load()?;
            let store = app::open_store(&config).await?;
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
        }
        Command::Import { file } => {
            let config = load()?;
            let publisher = app::publisher(&config).await?;
            // Ids already stored with other content are refused here when the store answers;
            // otherwise the rules engine refuses them.
            let store = app::open_store(&config).await;
            if let Err(error) = &store {
                tracing::warn!(error = %format!("{error:#}"), "Import without comparing ids with the store");
            }
            let stored = store.ok().map(app::StoredSignals);
            let summary = knooppunt::import::import_file_checked(
                &file,
                &*publisher,
                stored
                    .as_ref()
                    .map(|s| s as &dyn knooppunt_ingest::conflicts::StoredContent),
            )
            .await?;
            print!("{}", summary.report());
            if !summary.is_complete() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Migrate => {
            let config = load()?;
            let store = app::open_store(&config).await?;
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
        }
        Command::Brief {
            quarter,
            out,
            programme,
            no_pdf,
            publish,
        } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let rules = app::load_rules(&config)?;
            let options = app::BriefOptions {
                programme,
                pdf: !no_pdf,
                publish,
            };
            for path in app::write_brief(&config, &store, &rules, quarter, &out, &options).await? {
                println!("Geschreven: {}", path.display());
            }
        }
        Command::Config => print!("{}", load()?.to_display_toml()),
        Command::Bewaartermijn { apply, .. } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let policy = config.retention.policy();
            let today = knooppunt_ingest::today_nl();
            let outcome = if apply {
                knooppunt_rules::retention::apply(&store, &policy, today, "cli").await?
            } else {
                knooppunt_rules::retention::plan(&store, &policy, today).await?
            };
            print!("{}", outcome.report(apply));
        }
        Command::Verwerkingslog {
            actor,
            actie,
            trace,
            van,
            tot,
        } => {
            let config = load()?;
            let store = app::open_store(&config).await?;
            let filter = knooppunt_rules::verwerkingslog::Filter {
                actor,
                name: actie,
                trace_id: trace,
                from: van,
                to: tot,
                limit: 0,
            };
            let entries = knooppunt_rules::verwerkingslog::entries(&store, &filter).await?;
            print!(
                "{}",
                knooppunt_rules::verwerkingslog::to_json_lines(&entries)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
