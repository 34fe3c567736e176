//! Every PDF that leaves the overleg, for the archive and for every reader: PDF/A-2a and
//! PDF/UA-1. That is the quarterly brief, the decisions list of a meeting and the digests for
//! people who never sign in (a programme's decisions list, the monthly overview); [`print`]
//! makes each of them from its HTML.
//!
//! Chromium prints the HTML ([`crate::pdf`]) as a tagged PDF: its structure tree (headings,
//! paragraphs, lists, tables, the charts' descriptions) is what a screen reader reads. This
//! module keeps that tree and adds what PDF/A-2 (ISO 19005-2, level A: accessible) asks of an
//! archived file: XMP metadata with the identification, an sRGB output intent for the colours
//! ([`icc`]), a file identifier, title, author, subject and language `nl` in both the XMP
//! packet ([`xmp`]) and the information dictionary; and what PDF/UA (ISO 14289-1) asks of an
//! accessible one: Chromium's own structure types mapped to standard ones, list items with a
//! label and a body ([`structure`]), and every untagged mark (running header and footer,
//! backgrounds, borders) marked as an artifact ([`artifacts`]). [`pdfa_identification`] and
//! [`page_sizes`] read the result back; the brief's test checks both standards with veraPDF.

mod artifacts;
pub mod contents;
mod icc;
mod structure;
mod xmp;

use anyhow::Context;
use chrono::{DateTime, Utc};
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The document's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
}

/// The author of a PDF the overleg itself sends out.
pub const OVERLEG: &str = "Signaleringsoverleg";

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("de afgedrukte PDF {path} kon niet gelezen worden: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("de afgedrukte PDF is geen leesbare PDF: {0}")]
    Parse(lopdf::Error),
    #[error("de afgedrukte PDF mist {0}")]
    Incomplete(&'static str),
    #[error("de PDF/A {path} kon niet geschreven worden: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Prints `html` with headless Chromium and stores it as PDF/A-2a and PDF/UA-1 with `metadata`
/// in `output`. A table of contents with page-number placeholders ([`contents`]) is printed
/// again with the numbers filled in. Chromium's own print goes to a folder of its own beside
/// `output` (`.afdruk-…`), the numbered HTML to a file of its own beside `html` (so what the
/// page links to relatively is still found); both are removed again, also when the
/// conversion fails, and two runs writing to the same folder at once never share them. The
/// PDF/A is written there too and then renamed to `output`, so `output` is either the old
/// file or the whole new one. Blocking: run it off the async workers.
pub fn print(html: &Path, output: &Path, metadata: &Metadata) -> anyhow::Result<()> {
    let work = tempfile::Builder::new()
        .prefix(".afdruk-")
        .tempdir_in(folder_of(output))
        .with_context(|| format!("werkmap naast {} maken", output.display()))?;
    let numbered = tempfile::Builder::new()
        .prefix(".afdruk-")
        .suffix(".html")
        .tempfile_in(folder_of(html))
        .with_context(|| format!("werkbestand naast {} maken", html.display()))?;
    let printed = work.path().join("afdruk.pdf");
    let archived = work.path().join("pdfa.pdf");
    print_numbered(html, &printed, numbered.path())?;
    to_pdfa(&printed, &archived, metadata)?;
    std::fs::rename(&archived, output).with_context(|| format!("{} schrijven", output.display()))
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// How often a document with a table of contents is printed at the most: once to find the
/// pages, then until the filled-in numbers are where the headings landed (a number never
/// changes the layout, so the second print settles it; the third is a margin).
const PRINTS_FOR_PAGE_NUMBERS: usize = 3;

/// Prints `html` to `printed`; when it has page-number placeholders, prints it again from
/// `numbered`, a copy with the numbers the previous print gave, until they hold.
fn print_numbered(html: &Path, printed: &Path, numbered: &Path) -> anyhow::Result<()> {
    crate::pdf::html_to_pdf(html, printed, crate::pdf::DEFAULT_TIMEOUT)?;
    let source =
        std::fs::read_to_string(html).with_context(|| format!("{} lezen", html.display()))?;
    if !contents::has_placeholders(&source) {
        return Ok(());
    }
    let landed = |pdf: &Path| -> anyhow::Result<_> {
        let bytes = std::fs::read(pdf).with_context(|| format!("{} lezen", pdf.display()))?;
        contents::destination_pages(&bytes)
            .map_err(|e| anyhow::anyhow!("de afgedrukte PDF is geen leesbare PDF: {e}"))
    };
    let mut pages = landed(printed)?;
    for _ in 1..PRINTS_FOR_PAGE_NUMBERS {
        std::fs::write(numbered, contents::fill(&source, &pages))
            .with_context(|| format!("{} schrijven", numbered.display()))?;
        crate::pdf::html_to_pdf(numbered, printed, crate::pdf::DEFAULT_TIMEOUT)?;
        let now = landed(printed)?;
        if now == pages {
            return Ok(());
        }
        pages = now;
    }
    anyhow::bail!(
        "de paginanummers van de inhoudsopgave bleven na {PRINTS_FOR_PAGE_NUMBERS} keer afdrukken verschuiven"
    )
}

/// Rewrites the Chromium-printed `input` as PDF/A-2a in `output` with the given metadata.
pub fn to_pdfa(input: &Path, output: &Path, metadata: &Metadata) -> Result<(), ArchiveError> {
    let printed = std::fs::read(input).map_err(|source| ArchiveError::Read {
        path: input.display().to_string(),
        source,
    })?;
    let archived = pdfa_bytes(&printed, metadata, Utc::now())?;
    std::fs::write(output, archived).map_err(|source| ArchiveError::Write {
        path: output.display().to_string(),
        source,
    })
}

/// The PDF/A-2a and PDF/UA-1 form of a tagged PDF printed by Chromium, stamped with `at` (shown
/// in Dutch time). Fails on a PDF without a structure tree: an untagged brief cannot be level A.
pub fn pdfa_bytes(
    printed: &[u8],
    metadata: &Metadata,
    at: DateTime<Utc>,
) -> Result<Vec<u8>, ArchiveError> {
    let mut doc = Document::load_mem(printed).map_err(ArchiveError::Parse)?;
    structure::standardise(&mut doc)?;
    contents::describe_links(&mut doc).map_err(ArchiveError::Parse)?;
    artifacts::mark(&mut doc).map_err(|_| {
        ArchiveError::Incomplete(
            "leesbare pagina-inhoud (de versiering kon niet als artefact worden gemarkeerd)",
        )
    })?;
    let intent = output_intent(&mut doc)?;
    let metadata_id = describe(&mut doc, metadata, at);
    let catalog = doc.catalog_mut().map_err(ArchiveError::Parse)?;
    catalog.set("Metadata", Object::Reference(metadata_id));
    catalog.set("OutputIntents", Object::Array(vec![intent]));
    catalog.set("Lang", text("nl"));
    catalog.set(
        "ViewerPreferences",
        Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))]),
    );
    catalog.set(
        "MarkInfo",
        Dictionary::from_iter([("Marked", Object::Boolean(true))]),
    );
    let id = Object::String(
        Sha256::digest(printed)[..16].to_vec(),
        StringFormat::Hexadecimal,
    );
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let mut out = Vec::with_capacity(printed.len() + 8192);
    doc.save_to(&mut out)
        .map_err(|source| ArchiveError::Write {
            path: "(geheugen)".into(),
            source,
        })?;
    Ok(out)
}

/// The sRGB output intent, its profile added to the document.
fn output_intent(doc: &mut Document) -> Result<Object, ArchiveError> {
    let mut profile = Stream::new(
        Dictionary::from_iter([("N", Object::Integer(3))]),
        icc::srgb(),
    );
    profile.compress().map_err(ArchiveError::Parse)?;
    let profile_id = doc.add_object(profile);
    Ok(Object::Dictionary(Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFA1".to_vec())),
        ("OutputConditionIdentifier", text(icc::DESCRIPTION)),
        ("Info", text(icc::DESCRIPTION)),
        ("DestOutputProfile", Object::Reference(profile_id)),
    ])))
}

/// Writes the metadata twice, as PDF/A asks: a new information dictionary in the trailer and
/// the XMP packet saying the same; returns the packet's id.
fn describe(doc: &mut Document, metadata: &Metadata, at: DateTime<Utc>) -> lopdf::ObjectId {
    let at = at.with_timezone(&chrono_tz::Europe::Amsterdam);
    let producer = format!("Knooppunt {}", env!("CARGO_PKG_VERSION"));
    let creator_tool = "Chromium (headless)";
    let date = text(&xmp::pdf_date(&at));
    let info = doc.add_object(Dictionary::from_iter([
        ("Title", text(&metadata.title)),
        ("Author", text(&metadata.author)),
        ("Subject", text(&metadata.subject)),
        ("Producer", text(&producer)),
        ("Creator", text(creator_tool)),
        ("CreationDate", date.clone()),
        ("ModDate", date),
    ]));
    doc.trailer.set("Info", Object::Reference(info));
    let stamp = xmp::Stamp {
        producer: &producer,
        creator_tool,
        date: &xmp::xmp_date(&at),
    };
    // The packet stays uncompressed, so that archive tools can read it without a PDF parser.
    let mut packet = Stream::new(
        Dictionary::from_iter([
            ("Type", Object::Name(b"Metadata".to_vec())),
            ("Subtype", Object::Name(b"XML".to_vec())),
        ]),
        xmp::packet(metadata, &stamp).into_bytes(),
    );
    packet.allows_compression = false;
    doc.add_object(packet)
}

/// A text string: PDFDocEncoding's ASCII where it suffices, else UTF-16BE with its mark.
fn text(value: &str) -> Object {
    if value.chars().all(|c| c.is_ascii() && !c.is_ascii_control()) {
        return Object::String(value.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xfe, 0xff];
    for unit in value.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// The PDF/A identification in a PDF's XMP metadata: (part, conformance), e.g. `(2, "B")`.
pub fn pdfa_identification(pdf: &[u8]) -> Option<(u32, String)> {
    let text = String::from_utf8_lossy(pdf);
    let value = |key: &str| -> Option<String> {
        let at = text.find(key)? + key.len();
        let rest = &text[at..];
        let rest = rest.trim_start();
        let rest = rest
            .strip_prefix('=')
            .map(|r| r.trim_start().trim_start_matches(['\'', '"']))
            .or_else(|| rest.strip_prefix('>'))?;
        Some(
            rest.chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect(),
        )
    };
    let part = value("pdfaid:part")?.parse().ok()?;
    let conformance = value("pdfaid:conformance")?;
    Some((part, conformance))
}

/// Every page's MediaBox width and height in points (uncompressed page objects, as Chromium and
/// [`pdfa_bytes`] write them).
pub fn page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(at, _)| {
            let rest = &text[at + "/MediaBox".len()..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let numbers: Vec<f64> = rest[open + 1..close]
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers[..] {
                [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
                _ => None,
            }
        })
        .collect()
}

/// Whether a page size is A4 (595 × 842 pt, within a point).
pub fn is_a4((width, height): (f64, f64)) -> bool {
    (width - 595.28).abs() < 1.0 && (height - 841.89).abs() < 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pdfa_identification_in_both_xmp_forms() {
        let attr = b"<rdf:Description pdfaid:part='2' pdfaid:conformance='B'/>";
        assert_eq!(pdfa_identification(attr), Some((2, "B".into())));
        let element = b"<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>";
        assert_eq!(pdfa_identification(element), Some((2, "B".into())));
        assert_eq!(pdfa_identification(b"%PDF-1.7 nothing"), None);
    }

    #[test]
    fn reads_page_sizes() {
        let pdf = b"/MediaBox [0 0 594.96 841.92] /MediaBox[0 0 612 792]";
        let sizes = page_sizes(pdf);
        assert_eq!(sizes.len(), 2);
        assert!(is_a4(sizes[0]));
        assert!(!is_a4(sizes[1]), "US Letter");
    }

    /// A tagged one-page PDF as Chromium writes it, in small: a structure tree with a `P`
    /// holding a `Strong`, and Chromium's own information dictionary.
    fn printed() -> Vec<u8> {
        let mut doc = Document::with_version("1.4");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(Dictionary::new(), b"0 0 1 rg".to_vec()));
        let page = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages_id)),
            ("Contents", Object::Reference(content)),
            (
                "MediaBox",
                Object::Array(vec![0.into(), 0.into(), 595.28.into(), 841.89.into()]),
            ),
        ]));
        doc.objects.insert(
            pages_id,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"Pages".to_vec())),
                ("Kids", Object::Array(vec![Object::Reference(page)])),
                ("Count", Object::Integer(1)),
            ])),
        );
        let root = doc.new_object_id();
        let paragraph = doc.new_object_id();
        let strong = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"Strong".to_vec())),
            ("P", Object::Reference(paragraph)),
        ]));
        doc.objects.insert(
            paragraph,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"StructElem".to_vec())),
                ("S", Object::Name(b"P".to_vec())),
                ("P", Object::Reference(root)),
                ("K", Object::Array(vec![Object::Reference(strong)])),
            ])),
        );
        doc.objects.insert(
            root,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"StructTreeRoot".to_vec())),
                ("K", Object::Reference(paragraph)),
            ])),
        );
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            ("Pages", Object::Reference(pages_id)),
            ("StructTreeRoot", Object::Reference(root)),
        ]));
        doc.trailer.set("Root", Object::Reference(catalog));
        let info = doc.add_object(Dictionary::from_iter([("Creator", text("Chromium"))]));
        doc.trailer.set("Info", Object::Reference(info));
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn metadata() -> Metadata {
        Metadata {
            title: "Terug het systeem in - 3e kwartaal 2026".into(),
            author: "Signaleringsoverleg Den Haag".into(),
            subject: "Kwartaalbrief: systeembarrières".into(),
        }
    }

    #[test]
    fn a_tagged_print_becomes_pdfa_2a_with_its_metadata_intent_and_role_map() {
        let at = "2026-12-07T00:30:00Z".parse().unwrap();
        let archived = pdfa_bytes(&printed(), &metadata(), at).unwrap();
        assert_eq!(pdfa_identification(&archived), Some((2, "A".into())));
        assert!(archived
            .windows(25)
            .any(|w| w == b"2026-12-07T01:30:00+01:00"));
        let doc = Document::load_mem(&archived).unwrap();
        let catalog = doc.catalog().unwrap();
        let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
        let intent = intents[0].as_dict().unwrap();
        assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
        let profile = intent
            .get(b"DestOutputProfile")
            .unwrap()
            .as_reference()
            .unwrap();
        let profile = doc.get_object(profile).unwrap().as_stream().unwrap();
        assert_eq!(profile.decompressed_content().unwrap(), icc::srgb());
        let root = catalog
            .get(b"StructTreeRoot")
            .unwrap()
            .as_reference()
            .unwrap();
        let role_map = doc.get_dictionary(root).unwrap().get(b"RoleMap").unwrap();
        let role_map = role_map.as_dict().unwrap();
        assert_eq!(role_map.get(b"Strong").unwrap().as_name().unwrap(), b"Span");
        assert!(!role_map.has(b"P"), "standard types are not mapped");
        let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
        let info = doc.get_dictionary(info).unwrap();
        let subject = info.get(b"Subject").unwrap().as_str().unwrap();
        assert_eq!(&subject[..2], &[0xfe, 0xff], "UTF-16 for the accented word");
        assert_eq!(
            info.get(b"CreationDate").unwrap().as_str().unwrap(),
            b"D:20261207013000+01'00'"
        );
        assert!(
            !info.has(b"Creator") || info.get(b"Creator").unwrap().as_str().unwrap() != b"Chromium"
        );
        let ids = doc.trailer.get(b"ID").unwrap().as_array().unwrap();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].as_str().unwrap().len(), 16);
    }

    #[test]
    fn an_untagged_print_is_refused_with_a_dutch_reason() {
        let mut doc = Document::load_mem(&printed()).unwrap();
        doc.catalog_mut().unwrap().remove(b"StructTreeRoot");
        let mut untagged = Vec::new();
        doc.save_to(&mut untagged).unwrap();
        let error = pdfa_bytes(&untagged, &metadata(), Utc::now()).unwrap_err();
        assert!(error.to_string().contains("structuurboom"), "{error}");
        let error = pdfa_bytes(b"%PDF-1.4 kapot", &metadata(), Utc::now()).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("de afgedrukte PDF is geen leesbare PDF"),
            "{error}"
        );
    }
}
