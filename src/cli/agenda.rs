//! `knooppunt agenda --meeting DATE`: the overleg's agenda and that day's decisions as HTML and
//! Markdown. With `--attendee "naam=rol"` (at least one) it also records the meeting with who
//! attended, so the next agenda starts after it; without, it only exports — a decisions list
//! needs its attendees, and an agenda is often exported before the meeting.

use super::Settings;
use anyhow::Context;
use knooppunt::app;
use knooppunt_reports::minutes::check_label;
use knooppunt_store::Attendee;
use std::path::Path;
use std::process::ExitCode;

/// `naam=rol` → an attendee, or a Dutch error naming the option.
pub fn parse_attendee(text: &str) -> Result<Attendee, String> {
    let (name, role) = text.split_once('=').unwrap_or((text, ""));
    let (name, role) = (name.trim(), role.trim());
    if name.is_empty() {
        return Err("--attendee: vul een naam in, als naam=rol".into());
    }
    if role.is_empty() {
        return Err(format!(
            "--attendee, rol: {}",
            knooppunt_reports::minutes::ROLE_NEEDED
        ));
    }
    for (what, value) in [("naam", name), ("rol", role)] {
        check_label(value, &format!("--attendee, {what}"))?;
    }
    Ok(Attendee {
        name: name.to_string(),
        role: role.to_string(),
    })
}

pub async fn run(
    settings: &Settings,
    meeting: chrono::NaiveDate,
    out: &Path,
    attendees: Vec<String>,
) -> anyhow::Result<ExitCode> {
    // Checked here rather than by the argument parser, which would echo what was typed.
    let attendees = attendees
        .iter()
        .map(|text| parse_attendee(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    if !attendees.is_empty() && meeting > knooppunt_ingest::today_nl() {
        anyhow::bail!(
            "--attendee: een vergadering wordt vastgelegd op de dag zelf of daarna, niet \
             vooraf; zonder --attendee schrijft dit alleen de agenda"
        );
    }
    let (config, store) = settings.open_existing().await?;
    let catalog = app::load_rules(&config)?.catalog();
    let record = (!attendees.is_empty()).then_some("cli");
    let mut agenda =
        knooppunt_reports::agenda::Agenda::gather(&store, &catalog, meeting, record).await?;
    if record.is_some() {
        // The attendees replace those recorded before; the action points stay.
        let mut minutes = store.meeting_record(meeting).await?;
        minutes.attendees = attendees;
        store.record_meeting(meeting, "cli", &minutes).await?;
    }
    agenda.templates_dir = config.brief.templates();
    let (markdown, html) = agenda.render()?;
    std::fs::create_dir_all(out).with_context(|| format!("map {} aanmaken", out.display()))?;
    for (extension, content) in [("md", markdown), ("html", html)] {
        let path = out.join(format!("agenda-{meeting}.{extension}"));
        std::fs::write(&path, content).with_context(|| format!("{} schrijven", path.display()))?;
        println!("Geschreven: {}", path.display());
    }
    println!(
        "{} clusters op de agenda, {} besluiten op {meeting}.",
        agenda.items.len(),
        agenda.decisions.len()
    );
    if record.is_none() {
        println!(
            "De vergadering is niet vastgelegd: geef de aanwezigen met --attendee \"naam=rol\"."
        );
    }
    Ok(ExitCode::SUCCESS)
}
