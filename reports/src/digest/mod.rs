//! The digest for people who never sign in (issue 13, point 6): after each recorded meeting a
//! one-page decisions list per municipality programme ([`programme`]), and a monthly overview
//! of new and growing knelpunten ([`monthly`]). Both leave the core, so both go through the
//! same disclosure step as the brief:
//!
//! - the programme digest shows no count of its own: the only figures in it are those the
//!   latest published brief already showed (as the website does), a wijk is named only when
//!   that brief showed a non-zero figure for it, and no signal text, actor or personal name
//!   appears — attendees by role or organisation, an action point's owner by role;
//! - the monthly overview's month figures are a table of their own, released level by level
//!   ([`crate::release::release`]) and audited together with everything published before
//!   (briefs of every quarter and programme, earlier overviews) and the figures the quarter's
//!   brief will publish, watched before they exist. A published overview is frozen as a
//!   snapshot, so later briefs are audited together with it ([`crate::ledger`] counts a
//!   quarter as the sum of its months as soon as a monthly output is in the audit).

pub mod monthly;
pub mod programme;
#[cfg(test)]
mod tests;

use anyhow::Context;
use std::path::{Path, PathBuf};

/// A digest ready to be written: its file name without extension, its Markdown and HTML, and
/// the metadata its PDF carries.
#[derive(Debug, Clone)]
pub struct Document {
    pub stem: String,
    pub markdown: String,
    pub html: String,
    pub metadata: crate::archive::Metadata,
}

impl Document {
    pub fn new(
        stem: String,
        (markdown, html): (String, String),
        metadata: crate::archive::Metadata,
    ) -> Self {
        Self {
            stem,
            markdown,
            html,
            metadata,
        }
    }

    /// Where [`write_files`] puts this document's file with `extension` in `dir`.
    pub fn path(&self, dir: &Path, extension: &str) -> PathBuf {
        dir.join(format!("{}.{extension}", self.stem))
    }
}

/// What every digest gives: a file name, its Markdown and HTML, and its PDF's metadata.
pub trait Digest {
    /// The file name without extension.
    fn file_stem(&self) -> String;
    /// Markdown and HTML; every value escaped.
    fn render(&self) -> anyhow::Result<(String, String)>;
    /// The PDF's title, author and subject, as its page heads it.
    fn archive_metadata(&self) -> crate::archive::Metadata;
    /// All three, ready for [`write_files`].
    fn document(&self) -> anyhow::Result<Document> {
        Ok(Document::new(
            self.file_stem(),
            self.render()?,
            self.archive_metadata(),
        ))
    }
}

/// Writes a digest's Markdown and HTML to `dir` as `<stem>.md` and `<stem>.html`, and with
/// `pdf` prints the HTML to `<stem>.pdf` as PDF/A-2a and PDF/UA-1 with headless Chromium
/// (blocking; [`crate::archive::print`]). Returns the paths.
pub fn write_files(dir: &Path, document: &Document, pdf: bool) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("map {} aanmaken", dir.display()))?;
    let mut written = Vec::new();
    for (extension, content) in [("md", &document.markdown), ("html", &document.html)] {
        let path = document.path(dir, extension);
        std::fs::write(&path, content).with_context(|| format!("{} schrijven", path.display()))?;
        written.push(path);
    }
    if pdf {
        let output = document.path(dir, "pdf");
        crate::archive::print(&document.path(dir, "html"), &output, &document.metadata)?;
        written.push(output);
    }
    Ok(written)
}

/// A programme's name as part of a file name: lower case ASCII letters and digits, the rest
/// `-` (a download's file name travels in a header).
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_matches('-').to_string();
    if trimmed.is_empty() {
        "programma".into()
    } else {
        trimmed
    }
}
