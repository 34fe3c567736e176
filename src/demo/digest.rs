//! The demo's digest for people who never sign in: the monthly overview of the meeting's
//! month and the decisions list of each programme the meeting decided on, beside the agenda.

use super::Demo;
use knooppunt_reports::digest::monthly::{Month, MonthlyOverview};
use knooppunt_reports::digest::programme::ProgrammeDigest;

/// The municipality programme the demo's overleg assigns its confirmed knelpunten to.
pub(super) const PROGRAMME: &str = "Maatwerk & Regie";

impl Demo<'_> {
    /// Writes `maandoverzicht-<maand>` and `besluitenlijst-<datum>-<programma>` (Markdown,
    /// HTML and, when Chromium is there, PDF) to `agenda/`.
    pub(super) async fn digest(&self, meeting: chrono::NaiveDate) -> anyhow::Result<()> {
        let catalog = self.rules.catalog();
        let dir = self.dir.join("agenda");
        println!("   Voor wie niet inlogt (kleine aantallen verborgen, zoals in de brief):");
        let mut overview = MonthlyOverview::gather(
            self.store,
            &catalog,
            Month::containing(meeting),
            self.config.brief.min_group_size,
            &crate::app::wider_areas(self.config),
            knooppunt_ingest::today_nl(),
        )
        .await?;
        overview.templates_dir = self.config.brief.templates();
        let mut files = vec![(overview.file_stem(), overview.render()?)];
        for programme in ProgrammeDigest::programmes_on(self.store, meeting).await? {
            let mut digest =
                ProgrammeDigest::gather(self.store, &catalog, meeting, &programme).await?;
            digest.templates_dir = self.config.brief.templates();
            files.push((digest.file_stem(), digest.render()?));
        }
        for (stem, rendered) in files {
            for path in knooppunt_reports::digest::write_files(&dir, &stem, rendered, false)? {
                println!("   {}", path.display());
            }
            let (html, pdf) = (
                dir.join(format!("{stem}.html")),
                dir.join(format!("{stem}.pdf")),
            );
            match knooppunt_reports::pdf::html_to_pdf(
                &html,
                &pdf,
                knooppunt_reports::pdf::DEFAULT_TIMEOUT,
            ) {
                Ok(()) => println!("   {}", pdf.display()),
                Err(error) => println!("   (geen PDF: {error:#})"),
            }
        }
        Ok(())
    }
}
