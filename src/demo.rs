//! `knooppunt demo`: the whole pipeline on embedded defaults, with a bundled synthetic sample.
//!
//! Starts the intake API and the rules engine in this process (SQLite store, SQLite spool),
//! posts the sample over HTTP, imports a Dutch Excel CSV, waits until the engine has stored
//! everything, prints the clusters, publishes the brief, and keeps the API up for a try-out.

use crate::app;
use crate::config::Config;
use crate::import::import_file;
use anyhow::Context;
use knooppunt_reports::Quarter;
use knooppunt_transport::spool::Spool;
use serde_json::Value;
use std::future::Future;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod digest;

/// 320 synthetic signals (JSON lines), a few with personal data for the scrubber to remove.
pub const SAMPLE_JSONL: &str = include_str!("demo/signals.jsonl");

/// Below this many signals per second per core a rule set is reported as slow by
/// `knooppunt rules validate` (the shipped rules do well over 100,000 on a slow machine).
pub const SLOW_RULES: f64 = 20_000.0;

/// Classification speed of `rules` on the sample texts, in signals per second on one core,
/// measured for about a quarter of a second.
pub fn classification_speed(rules: &knooppunt_rules::ruleset::RuleSet) -> f64 {
    let texts: Vec<String> = SAMPLE_JSONL
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    if texts.is_empty() {
        return f64::INFINITY;
    }
    // One pass first: the matcher fills its caches on first use.
    for text in &texts {
        std::hint::black_box(rules.analyse(text));
    }
    let started = Instant::now();
    let mut done = 0usize;
    while started.elapsed() < Duration::from_millis(250) {
        for text in &texts {
            std::hint::black_box(rules.analyse(text));
        }
        done += texts.len();
    }
    done as f64 / started.elapsed().as_secs_f64()
}
/// 24 rows as Dutch Excel saves them (BOM, `;`, CRLF, dd-mm-jjjj), one with a wrong date.
pub const SAMPLE_CSV: &[u8] = include_bytes!("demo/signalen.csv");

pub async fn run(
    dir: &Path,
    listen: &str,
    serve: bool,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<ExitCode> {
    let config = prepare(dir, listen)?;
    let store = app::open_store(&config).await?;
    let rules = app::load_rules(&config)?;
    let spool = Arc::new(app::open_spool(&config).await?);
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|stop| *stop).await;
    };
    let intake = app::start_intake(
        &config,
        spool.clone(),
        store.clone(),
        rules.clone(),
        stopped(stop_rx.clone()),
    )
    .await?;
    let engine = tokio::spawn({
        let (config, store, rules) = (config.clone(), store.clone(), rules.clone());
        let stop = stopped(stop_rx);
        async move { app::run_engine(&config, store, rules, stop).await }
    });

    println!(
        "Knooppunt-demo in {} (SQLite, ingebouwde wachtrij, geen Kafka)",
        dir.display()
    );
    println!("Intake-API: http://{}", intake.addr);
    let demo = Demo {
        dir,
        config: &config,
        store: &store,
        rules: &rules,
        addr: intake.addr,
    };
    let lines = demo.post_sample().await?;
    demo.import_csv(&spool).await?;
    demo.wait_for_engine(&spool, &lines).await?;
    let latest = lines
        .iter()
        .filter_map(|l| l["observed_on"].as_str())
        .filter_map(knooppunt_domain::signal::parse_date)
        .max()
        .context("voorbeeldset zonder datums")?;
    demo.agenda(latest.succ_opt().unwrap_or(latest)).await?;
    demo.brief(Quarter::containing(latest)).await?;
    demo.digest(latest.succ_opt().unwrap_or(latest)).await?;
    demo.accounts().await?;

    if serve {
        println!(
            "\nDe API blijft draaien; stop met Ctrl-C. Probeer bijvoorbeeld:\n  \
             curl -s http://{addr}/readyz\n  \
             curl -s -X POST http://{addr}/api/v1/signals -H 'content-type: application/json' \\\n    \
             -d '{{\"observed_on\":\"2026-09-01\",\"source\":\"demo\",\"area\":\"Moerwijk\",\"text\":\"Al 12 weken wachten op een intake bij de GGZ\"}}'",
            addr = intake.addr
        );
        shutdown.await;
    }
    let _ = stop_tx.send(true);
    engine.await.context("regelmotor")??;
    intake.handle.await.context("intake-API")??;
    println!("Demo gestopt.");
    Ok(ExitCode::SUCCESS)
}

/// Empties the demo's databases in `dir` and returns the embedded defaults pointed at them.
fn prepare(dir: &Path, listen: &str) -> anyhow::Result<Config> {
    for name in [
        "spool.db",
        "spool.db-wal",
        "spool.db-shm",
        "knooppunt.db",
        "knooppunt.db-wal",
        "knooppunt.db-shm",
    ] {
        let path = dir.join(name);
        if path.exists() {
            std::fs::remove_file(&path).with_context(|| format!("{} opruimen", path.display()))?;
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("map {} aanmaken", dir.display()))?;
    let mut config = Config::load_with_env(None, Vec::new())?;
    config.transport.spool = dir.join("spool.db");
    config.store.url = format!("sqlite://{}", dir.join("knooppunt.db").display());
    config.intake.listen = listen.to_string();
    if config.tokens_required() {
        // The demo posts its own sample of many sources without a partner token.
        eprintln!(
            "Let op: de demo luistert op {listen}, ook buiten deze computer, en neemt signalen \
             zonder API-token aan. Gebruik 127.0.0.1 als dat niet de bedoeling is."
        );
    }
    config.intake.require_token = crate::config::RequireToken::Never;
    config.validate()?;
    Ok(config)
}

/// The running demo: its folder, configuration, store, rules and API address.
struct Demo<'a> {
    dir: &'a Path,
    config: &'a Config,
    store: &'a knooppunt_store::Store,
    rules: &'a knooppunt_rules::ruleset::RuleSet,
    addr: std::net::SocketAddr,
}

impl Demo<'_> {
    /// 1. The sample, posted over HTTP in batches as a partner system would.
    async fn post_sample(&self) -> anyhow::Result<Vec<Value>> {
        let lines: Vec<Value> = SAMPLE_JSONL
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(serde_json::from_str)
            .collect::<Result<_, _>>()
            .context("ingebouwde voorbeeldset lezen")?;
        let client = reqwest::Client::new();
        let url = format!("http://{}/api/v1/signals", self.addr);
        let (mut accepted, mut refused) = (0, 0);
        for batch in lines.chunks(100) {
            let answer: Value = client
                .post(&url)
                .json(batch)
                .send()
                .await
                .context("signalen posten")?
                .json()
                .await
                .context("antwoord van de API lezen")?;
            accepted += answer["accepted"].as_u64().unwrap_or(0);
            refused += answer["refused"].as_u64().unwrap_or(0);
        }
        println!("\n1. API: {accepted} signalen geaccepteerd, {refused} geweigerd.");
        Ok(lines)
    }

    /// 2. A CSV file as Dutch Excel writes it.
    async fn import_csv(&self, spool: &Spool) -> anyhow::Result<()> {
        let csv_path = self.dir.join("signalen.csv");
        std::fs::write(&csv_path, SAMPLE_CSV).context("voorbeeld-CSV schrijven")?;
        let summary = import_file(&csv_path, spool).await?;
        println!("\n2. CSV-import van {}:", csv_path.display());
        print!("   {}", summary.report().replace('\n', "\n   ").trim_end());
        println!();
        Ok(())
    }

    /// 3. Waits for the rules engine to store everything, then shows the largest clusters.
    async fn wait_for_engine(&self, spool: &Spool, lines: &[Value]) -> anyhow::Result<()> {
        let started = Instant::now();
        while spool.pending().await? > 0 {
            if started.elapsed() > Duration::from_secs(120) {
                anyhow::bail!("de regelmotor verwerkt de signalen niet binnen twee minuten");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let stored = self.store.signal_count().await?;
        let unclassified = self.store.unclassified_count().await?;
        println!(
            "\n3. Regelmotor (regelset {}): {stored} signalen opgeslagen, {unclassified} niet ingedeeld.",
            self.rules.version()
        );
        println!("   Grootste clusters (barrière × wijk):");
        for cluster in self.store.clusters().await?.iter().take(8) {
            println!(
                "   {:>4}  {:<26} {}",
                cluster.signal_count, cluster.barrier, cluster.area
            );
        }
        if let Some(example) = scrubbed_example(self.store, lines).await? {
            println!("   Voorbeeld van een opgeschoond signaal: \"{example}\"");
        }
        Ok(())
    }

    /// 4. The signaleringsoverleg's agenda on the day after the sample, and its decisions:
    ///    the demo confirms the promoted clusters, so the brief has knelpunten.
    async fn agenda(&self, meeting: chrono::NaiveDate) -> anyhow::Result<()> {
        let agenda = knooppunt_reports::agenda::Agenda::gather(
            self.store,
            &self.rules.catalog(),
            meeting,
            Some("demo"),
        )
        .await?;
        println!(
            "\n4. Agenda signaleringsoverleg {}: {} clusters.",
            knooppunt_reports::dutch::date(meeting),
            agenda.items.len()
        );
        // The decisions are recorded as taken during the meeting (from 10:00, Dutch time), so
        // the meeting's agenda and minutes on the website are full.
        for (minute, item) in (0u32..).zip(agenda.items.iter().take(5)) {
            println!("   - {} — {}: {}", item.title, item.area, item.waarom);
            self.decide(item, meeting, minute).await?;
        }
        // The chair records who attended and what was agreed, so the decisions list is whole.
        self.store
            .record_meeting(meeting, "demo", &demo_meeting(meeting))
            .await?;
        let minutes =
            knooppunt_reports::minutes::Minutes::gather(self.store, &self.rules.catalog(), meeting)
                .await?;
        std::fs::create_dir_all(self.dir.join("agenda")).context("map agenda aanmaken")?;
        for (name, (markdown, html)) in [
            ("agenda", agenda.render()?),
            ("besluitenlijst", minutes.render()?),
        ] {
            for (extension, content) in [("md", markdown), ("html", html)] {
                let path = self
                    .dir
                    .join("agenda")
                    .join(format!("{name}-{meeting}.{extension}"));
                std::fs::write(&path, content)
                    .with_context(|| format!("{} schrijven", path.display()))?;
                println!("   {}", path.display());
            }
        }
        Ok(())
    }

    /// Confirms an agenda item at 10:00 + 5 × `minute` on the meeting day, with the demo's
    /// request to the municipality for the brief's "wat vragen we".
    async fn decide(
        &self,
        item: &knooppunt_reports::agenda::AgendaItem,
        meeting: chrono::NaiveDate,
        minute: u32,
    ) -> anyhow::Result<()> {
        use knooppunt_reports::review::Action;
        use knooppunt_reports::review_store::{decide, decide_at, DecideError};
        let confirmed = decide_at(
            self.store,
            &item.cluster_id,
            Action::Confirm,
            "",
            "demo-overleg",
            knooppunt_reports::dutch::at_local(meeting, 10, 5 * minute),
        )
        .await;
        if let Err(DecideError::Failed(error)) = confirmed {
            return Err(error);
        }
        // The knelpunt goes to a municipality programme, with the barrier's owner, so the
        // programme gets its decisions list.
        let owner = self
            .rules
            .catalog()
            .barrier(&item.barrier)
            .map(|b| b.owner.clone())
            .unwrap_or_default();
        let assign = Action::Assign {
            owner,
            programme: digest::PROGRAMME.into(),
        };
        let at = knooppunt_reports::dutch::at_local(meeting, 10, 5 * minute + 1);
        let assigned = decide_at(self.store, &item.cluster_id, assign, "", "demo-overleg", at);
        if let Err(DecideError::Failed(error)) = assigned.await {
            return Err(error);
        }
        if let Some(text) = demo_recommendation(&item.barrier) {
            let recommended = decide(
                self.store,
                &item.cluster_id,
                Action::Recommend,
                text,
                "demo-overleg",
            )
            .await;
            if let Err(DecideError::Failed(error)) = recommended {
                return Err(error);
            }
        }
        Ok(())
    }

    /// 5. The brief for the latest quarter in the sample, from the confirmed knelpunten,
    ///    published as the municipality receives it: the month's overview written after it is
    ///    audited together with it, so the two files give no small group away between them.
    async fn brief(&self, quarter: Quarter) -> anyhow::Result<()> {
        println!(
            "\n5. Kwartaalbrief {} (gepubliceerd voor de gemeente):",
            quarter.dutch_label()
        );
        let out = self.dir.join("brief");
        let options = app::BriefOptions {
            publish: true,
            ..app::BriefOptions::default()
        };
        let mut written =
            app::write_brief(self.config, self.store, self.rules, quarter, &out, &options).await?;
        // The manifest of what was published is written again below, with the PDF in it.
        written.retain(|path| path.extension().is_none_or(|e| e != "sha256"));
        for path in &written {
            println!("   {}", path.display());
        }
        let brief = knooppunt_reports::Brief::gather_full(
            self.store,
            &self.rules.catalog(),
            quarter,
            None,
            self.config.brief.min_group_size,
            &crate::app::wider_areas(self.config),
            knooppunt_ingest::today_nl(),
        )
        .await?;
        // Apart, so that a missing Chromium costs only the PDF.
        match brief.write_pdf(&out) {
            Ok(path) => {
                println!("   {}", path.display());
                written.push(path);
            }
            Err(error) => println!("   (geen PDF: {error:#})"),
        }
        let manifest = app::write_manifest(&out, &brief.file_stem(), &written)?;
        println!("   {}", manifest.display());
        Ok(())
    }

    /// 6. Accounts for the website, one per role, with a fresh password for this run.
    async fn accounts(&self) -> anyhow::Result<()> {
        use knooppunt_reports::review::Role;
        let password = knooppunt_web::accounts::random_token("")[..20].to_string();
        println!(
            "\n6. Website: http://{}/inloggen — wachtwoord voor alle demo-accounts: {password}",
            self.addr
        );
        for (name, role, source) in [
            ("demo-indiener", Role::Submitter, "verbinders-moerwijk"),
            ("demo-overleg", Role::Reviewer, ""),
            ("demo-gemeente", Role::Municipality, ""),
            ("demo-beheer", Role::Admin, ""),
        ] {
            if !knooppunt_web::accounts::set_password(self.store, name, &password, None).await? {
                knooppunt_web::accounts::create_user(
                    self.store,
                    &knooppunt_web::accounts::NewUser {
                        name,
                        display_name: name,
                        role,
                        source,
                        areas: "",
                        password: &password,
                    },
                )
                .await?;
            }
            println!("   {name} ({})", role.label());
        }
        Ok(())
    }
}

/// A stored sample signal whose text had personal data replaced by a placeholder.
async fn scrubbed_example(
    store: &knooppunt_store::Store,
    lines: &[Value],
) -> anyhow::Result<Option<String>> {
    for line in lines {
        let (Some(source), Some(id), Some(text)) = (
            line["source"].as_str(),
            line["id"].as_str(),
            line["text"].as_str(),
        ) else {
            continue;
        };
        if knooppunt_domain::scrub::scrub(text).found.is_empty() {
            continue;
        }
        if let Some(stored) = store.signal(source, id).await? {
            return Ok(Some(stored.text));
        }
    }
    Ok(None)
}

/// What the demo's overleg asks of the municipality per barrier (a sample; the real overleg
/// writes its own on the cluster page).
fn demo_recommendation(barrier: &str) -> Option<&'static str> {
    Some(match barrier {
        "wachtlijst-ggz" => {
            "Spreek met de zorgverzekeraar en de GGZ-aanbieders af dat wie langer dan de Treeknorm \
             wacht, een overbruggingscontact krijgt, en laat het wijkteam daarvoor kunnen verwijzen."
        }
        "corporatie-reactietijd" => {
            "Neem in de prestatieafspraken met de corporaties een reactietermijn op voor \
             meldingen van overlast en onveilige situaties, en rapporteer die per kwartaal."
        }
        "kostendelersnorm" => {
            "Gebruik de ruimte in art. 18 Participatiewet om de kostendelersnorm niet toe te \
             passen op inwonende jongeren tot 27 jaar en op tijdelijke opvang van familie."
        }
        "huisuitzetting" => {
            "Laat de corporaties geen ontruiming aanvragen zolang een schuldhulptraject loopt, \
             en leg dat vast in het convenant voorkomen huisuitzettingen."
        }
        _ => return None,
    })
}

/// The demo meeting's attendees (fictional professionals) and its action points.
fn demo_meeting(meeting: chrono::NaiveDate) -> knooppunt_store::MeetingRecord {
    let attendee = |name: &str, role: &str| knooppunt_store::Attendee {
        name: name.into(),
        role: role.into(),
    };
    let action = |what: &str, owner: &str, weeks: i64| knooppunt_store::ActionPoint {
        what: what.into(),
        owner: owner.into(),
        due_on: meeting + chrono::Duration::weeks(weeks),
    };
    knooppunt_store::MeetingRecord {
        attendees: vec![
            attendee("J. Bakker", "voorzitter, gemeente"),
            attendee("S. El Amrani", "wijkteam Moerwijk"),
            attendee("M. de Graaf", "GGZ, ambulant team"),
            attendee("R. Kok", "woningcorporatie"),
        ],
        action_points: vec![
            action(
                "Wachttijden GGZ voorleggen aan de zorgverzekeraar en om een reactie vragen",
                "M. de Graaf",
                4,
            ),
            action(
                "Reactietermijn op reparatieverzoeken bespreken in het corporatie-overleg",
                "R. Kok",
                6,
            ),
        ],
    }
}
