//! The demo's digest for people who never sign in: the monthly overview of the meeting's
//! month and the decisions list of each programme the meeting decided on, beside the agenda.

use super::Demo;
use knooppunt_reports::digest::monthly::{Month, MonthlyOverview};
use knooppunt_reports::digest::programme::ProgrammeDigest;
use knooppunt_reports::digest::Digest;

/// The municipality programme the demo's overleg assigns its confirmed knelpunten to.
pub(super) const PROGRAMME: &str = "Maatwerk & Regie";

impl Demo<'_> {
    /// Publishes the monthly overview of the meeting's month and writes it as
    /// `maandoverzicht-<maand>`, and `besluitenlijst-<datum>-<programma>` (Markdown, HTML and,
    /// when Chromium is there, PDF) to `agenda/`.
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
        // Published, as the brief before it: the municipality's account on the website offers
        // the overview of this month (a concept it would refuse as not yet published).
        if !overview.published {
            overview.publish(self.store, "demo").await?;
        }
        let mut documents = vec![overview.document()?];
        for programme in ProgrammeDigest::programmes_on(self.store, meeting).await? {
            let mut digest =
                ProgrammeDigest::gather(self.store, &catalog, meeting, &programme).await?;
            digest.templates_dir = self.config.brief.templates();
            documents.push(digest.document()?);
        }
        for document in documents {
            // Markdown and HTML always; the PDF apart, so that a missing Chromium costs only it.
            for path in knooppunt_reports::digest::write_files(&dir, &document, false)? {
                println!("   {}", path.display());
            }
            let pdf = document.path(&dir, "pdf");
            match knooppunt_reports::archive::print(
                &document.path(&dir, "html"),
                &pdf,
                &document.metadata,
            ) {
                Ok(()) => println!("   {}", pdf.display()),
                Err(error) => println!("   (geen PDF: {error:#})"),
            }
        }
        Ok(())
    }
}
