//! Page numbers in a printed table of contents. Chromium cannot number a link's target
//! (`target-counter()` is not supported), so the document is printed once, the page each
//! linked heading landed on is read from the PDF's named destinations, and it is printed again
//! with those numbers filled in. An HTML document asks for this with an empty placeholder
//! after a link: `<a href="#bijlage-a">…</a><span class="pagina" data-pagina="bijlage-a"></span>`.

use lopdf::{Document, Object, ObjectId};
use std::collections::BTreeMap;

/// The placeholder's opening, followed by the anchor's name and `">`.
const PLACEHOLDER: &str = "<span class=\"pagina\" data-pagina=\"";

/// Whether `html` has a page number to fill in.
pub fn has_placeholders(html: &str) -> bool {
    html.contains(PLACEHOLDER)
}

/// `html` with every empty placeholder whose anchor is in `pages` given its page number; a
/// placeholder of an anchor not in `pages` stays empty.
pub fn fill(html: &str, pages: &BTreeMap<String, u32>) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(at) = rest.find(PLACEHOLDER) {
        let start = at + PLACEHOLDER.len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find("\">") else {
            break;
        };
        let anchor = &rest[..end];
        out.push_str(&rest[..end + 2]);
        rest = &rest[end + 2..];
        if let (Some(page), true) = (pages.get(anchor), rest.starts_with("</span>")) {
            out.push_str(&page.to_string());
        }
    }
    out.push_str(rest);
    out
}

/// The page (counted from 1) of every named destination in a PDF printed by Chromium: the
/// catalog's `/Dests` dictionary, or a `/Names` tree of destinations.
pub fn destination_pages(pdf: &[u8]) -> Result<BTreeMap<String, u32>, lopdf::Error> {
    pages_of(&Document::load_mem(pdf)?)
}

/// Gives every link annotation without one the alternate description PDF/UA asks for
/// (ISO 14289-1, 7.18.5): "Ga naar pagina 4" for a link within the document, "Link naar
/// https://…" for one out of it.
pub fn describe_links(doc: &mut Document) -> Result<(), lopdf::Error> {
    let pages = pages_of(doc)?;
    let mut described = Vec::new();
    for (id, object) in &doc.objects {
        let Ok(annotation) = object.as_dict() else {
            continue;
        };
        let is_link = annotation
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|s| s == b"Link");
        if !is_link || annotation.has(b"Contents") {
            continue;
        }
        let to_page = annotation
            .get(b"Dest")
            .and_then(Object::as_name)
            .ok()
            .and_then(|name| pages.get(String::from_utf8_lossy(name).as_ref()));
        let uri = annotation
            .get(b"A")
            .and_then(|a| resolve(doc, a)?.as_dict())
            .and_then(|a| a.get(b"URI"))
            .and_then(Object::as_str)
            .ok();
        let text = match (to_page, uri) {
            (Some(page), _) => format!("Ga naar pagina {page}"),
            (None, Some(uri)) => format!("Link naar {}", String::from_utf8_lossy(uri)),
            (None, None) => "Link".to_string(),
        };
        described.push((*id, text));
    }
    for (id, text) in described {
        if let Ok(annotation) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
            annotation.set("Contents", super::text(&text));
        }
    }
    Ok(())
}

fn pages_of(doc: &Document) -> Result<BTreeMap<String, u32>, lopdf::Error> {
    let page_of: BTreeMap<ObjectId, u32> = doc
        .get_pages()
        .into_iter()
        .map(|(number, id)| (id, number))
        .collect();
    let catalog = doc.catalog()?;
    let mut named: Vec<(Vec<u8>, &Object)> = Vec::new();
    if let Ok(dests) = catalog
        .get(b"Dests")
        .and_then(|d| resolve(doc, d)?.as_dict())
    {
        named.extend(dests.iter().map(|(name, dest)| (name.clone(), dest)));
    }
    if let Ok(tree) = catalog
        .get(b"Names")
        .and_then(|n| resolve(doc, n)?.as_dict())
        .and_then(|names| names.get(b"Dests"))
    {
        name_tree(doc, tree, &mut named, 0);
    }
    let mut pages = BTreeMap::new();
    for (name, dest) in named {
        let Some(page) = destination_page(doc, dest).and_then(|id| page_of.get(&id)) else {
            continue;
        };
        pages.insert(String::from_utf8_lossy(&name).into_owned(), *page);
    }
    Ok(pages)
}

/// An object, its reference followed.
fn resolve<'a>(doc: &'a Document, object: &'a Object) -> Result<&'a Object, lopdf::Error> {
    match object {
        Object::Reference(id) => doc.get_object(*id),
        other => Ok(other),
    }
}

/// The page a destination points at: `[page /XYZ …]` or `<< /D [page …] >>`.
fn destination_page(doc: &Document, dest: &Object) -> Option<ObjectId> {
    let dest = resolve(doc, dest).ok()?;
    let array = match dest {
        Object::Dictionary(d) => resolve(doc, d.get(b"D").ok()?).ok()?.as_array().ok()?,
        other => other.as_array().ok()?,
    };
    array.first()?.as_reference().ok()
}

/// Collects the leaves of a name tree (`/Names [name dest …]`, `/Kids [node …]`); a tree
/// deeper than a PDF would make is not followed.
fn name_tree<'a>(
    doc: &'a Document,
    node: &'a Object,
    out: &mut Vec<(Vec<u8>, &'a Object)>,
    depth: usize,
) {
    let Ok(node) = resolve(doc, node).and_then(Object::as_dict) else {
        return;
    };
    if depth > 32 {
        return;
    }
    if let Ok(names) = node.get(b"Names").and_then(|n| resolve(doc, n)?.as_array()) {
        for pair in names.chunks_exact(2) {
            if let Ok(name) = pair[0].as_str() {
                out.push((name.to_vec(), &pair[1]));
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(|k| resolve(doc, k)?.as_array()) {
        for kid in kids {
            name_tree(doc, kid, out, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_the_placeholders_it_has_a_page_for() {
        let html = "<li><a href=\"#a\">A</a><span class=\"pagina\" data-pagina=\"a\"></span></li>\
                    <li><a href=\"#b\">B</a><span class=\"pagina\" data-pagina=\"b\"></span></li>";
        assert!(has_placeholders(html));
        let pages = BTreeMap::from([("a".to_string(), 3)]);
        assert_eq!(
            fill(html, &pages),
            "<li><a href=\"#a\">A</a><span class=\"pagina\" data-pagina=\"a\">3</span></li>\
             <li><a href=\"#b\">B</a><span class=\"pagina\" data-pagina=\"b\"></span></li>"
        );
        assert_eq!(fill(&fill(html, &pages), &pages), fill(html, &pages));
        assert!(!has_placeholders("<p>geen inhoudsopgave</p>"));
        let broken = "<span class=\"pagina\" data-pagina=\"a";
        assert_eq!(
            fill(broken, &pages),
            broken,
            "an unclosed placeholder is left"
        );
    }

    #[test]
    fn reads_where_each_linked_heading_landed() {
        let binary = crate::pdf::find_chromium().unwrap_or_else(|e| panic!("{e}"));
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("inhoud.html");
        let output = dir.path().join("inhoud.pdf");
        std::fs::write(
            &input,
            "<!DOCTYPE html><html lang=\"nl\"><body><ol>\
             <li><a href=\"#een\">Een</a></li><li><a href=\"#twee\">Twee</a></li></ol>\
             <h2 id=\"een\" style=\"break-before: page\">Een</h2><p>Eerste.</p>\
             <p style=\"break-before: page\">Nog een pagina.</p>\
             <h2 id=\"twee\" style=\"break-before: page\">Twee</h2><p>Tweede.</p></body></html>",
        )
        .unwrap();
        crate::pdf::html_to_pdf_with(
            &binary,
            &input,
            &output,
            std::time::Duration::from_secs(120),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let pages = destination_pages(&std::fs::read(&output).unwrap()).unwrap();
        assert_eq!(
            pages,
            BTreeMap::from([("een".to_string(), 2), ("twee".to_string(), 4)])
        );
    }
}
