//! `knooppunt digest`: what goes to people who never sign in, through the same disclosure
//! step as the brief — after a meeting the decisions list per programme
//! (`--meeting DATE [--programme NAME]`), or the monthly overview of new and growing knelpunten
//! (`--month 2026-09 [--publish]`), as Markdown, HTML and PDF.

use super::Settings;
use knooppunt::app;
use knooppunt_reports::digest::monthly::{Month, MonthlyOverview};
use knooppunt_reports::digest::programme::ProgrammeDigest;
use knooppunt_reports::digest::{Digest, Document};
use std::path::PathBuf;
use std::process::ExitCode;

/// Maak de samenvatting voor wie niet inlogt, door dezelfde onthullingscontrole als de brief:
/// na een vergadering de besluitenlijst per programma (--meeting), of het maandoverzicht van
/// nieuwe en groeiende knelpunten (--month). HTML, Markdown en PDF.
#[derive(Debug, clap::Args)]
pub struct DigestArgs {
    /// Vergaderdatum (jjjj-mm-dd): de besluitenlijst per programma van die vergadering.
    #[arg(long, conflicts_with = "month", required_unless_present = "month")]
    meeting: Option<chrono::NaiveDate>,
    /// Alleen dit gemeentelijke programma (bij --meeting); zonder: elk programma met een
    /// besluit in de vergadering.
    #[arg(long, requires = "meeting")]
    programme: Option<String>,
    /// De maand (jjjj-mm): het maandoverzicht van nieuwe en groeiende knelpunten.
    #[arg(long)]
    month: Option<Month>,
    /// Map waarin de bestanden worden geschreven.
    #[arg(long, default_value = "digest")]
    out: PathBuf,
    /// Geen PDF maken (die vraagt headless Chromium).
    #[arg(long)]
    no_pdf: bool,
    /// Leg het maandoverzicht vast als gepubliceerd (eenmalig): latere brieven en
    /// maandoverzichten worden er samen mee gecontroleerd.
    #[arg(long, requires = "month")]
    publish: bool,
}

/// Writes a digest as `dir/stem.{md,html}` (and with `pdf` `.pdf`) off the async workers; the
/// paths written.
async fn write(
    dir: &std::path::Path,
    document: Document,
    pdf: bool,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || {
        knooppunt_reports::digest::write_files(&dir, &document, pdf)
    })
    .await?
}

pub async fn run(settings: &Settings, args: DigestArgs) -> anyhow::Result<ExitCode> {
    let (config, store) = settings.open_existing().await?;
    let catalog = app::load_rules(&config)?.catalog();
    let today = knooppunt_ingest::today_nl();
    let pdf = !args.no_pdf;
    let mut written = Vec::new();
    if let Some(month) = args.month {
        let mut overview = MonthlyOverview::gather(
            &store,
            &catalog,
            month,
            config.brief.min_group_size,
            &app::wider_areas(&config),
            today,
        )
        .await?;
        // Before publishing: the published text is rendered with the municipality's templates.
        overview.templates_dir = config.brief.templates();
        if args.publish {
            overview.publish(&store, "cli").await?;
        }
        written.extend(write(&args.out, overview.document()?, pdf).await?);
        let listed: usize = overview.sections.iter().map(|s| s.items.len()).sum();
        println!(
            "Maandoverzicht {}: {listed} nieuwe of groeiende knelpunten{}.",
            overview.month_label,
            if overview.published {
                ", gepubliceerd"
            } else {
                " (concept)"
            }
        );
    } else if let Some(meeting) = args.meeting {
        let programmes = match args.programme {
            Some(programme) => vec![programme.trim().to_string()],
            None => ProgrammeDigest::programmes_on(&store, meeting).await?,
        };
        if programmes.is_empty() {
            println!(
                "Geen besluiten over knelpunten van een programma in de vergadering van {}.",
                knooppunt_reports::dutch::date(meeting)
            );
        }
        for programme in programmes {
            let mut digest = ProgrammeDigest::gather(&store, &catalog, meeting, &programme).await?;
            digest.templates_dir = config.brief.templates();
            written.extend(write(&args.out, digest.document()?, pdf).await?);
            println!(
                "Programma {programme}: {} besluiten.",
                digest.decisions.len()
            );
        }
    }
    for path in written {
        println!("Geschreven: {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
