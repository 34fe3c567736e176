//! The brief's structure tree, put in the standard's terms.
//!
//! Chromium writes HTML's own structure types (`Strong`, `Em`) and list items whose content
//! hangs directly below `LI`. PDF/A-2a asks that every type be mapped to a standard one, and
//! PDF/UA that a list item hold a label and a body (`Lbl`, `LBody`); this maps the one and puts
//! a body between each list item and its content, moving the content's entries in the parent
//! tree (which tells a reader which element marked content belongs to) along with it.

use super::ArchiveError;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

/// The structure types of PDF 1.7 (ISO 32000-1, 14.8.4); any other needs a role map entry.
const STANDARD_TYPES: &[&[u8]] = &[
    b"Document",
    b"Part",
    b"Art",
    b"Sect",
    b"Div",
    b"BlockQuote",
    b"Caption",
    b"TOC",
    b"TOCI",
    b"Index",
    b"NonStruct",
    b"Private",
    b"P",
    b"H",
    b"H1",
    b"H2",
    b"H3",
    b"H4",
    b"H5",
    b"H6",
    b"L",
    b"LI",
    b"Lbl",
    b"LBody",
    b"Table",
    b"TR",
    b"TH",
    b"TD",
    b"THead",
    b"TBody",
    b"TFoot",
    b"Span",
    b"Quote",
    b"Note",
    b"Reference",
    b"BibEntry",
    b"Code",
    b"Link",
    b"Annot",
    b"Ruby",
    b"RB",
    b"RT",
    b"RP",
    b"Warichu",
    b"WT",
    b"WP",
    b"Figure",
    b"Formula",
    b"Form",
];

/// Structure elements by id, with their type (`S`).
type Kinds = HashMap<ObjectId, Vec<u8>>;

/// Puts the structure tree in the standard's terms: Chromium's own types role-mapped, list items
/// given a body. Fails on a print without a structure tree.
pub fn standardise(doc: &mut Document) -> Result<(), ArchiveError> {
    let root = root(doc)?;
    let kinds = elements(doc);
    map_custom_types(doc, root, &kinds)?;
    add_list_bodies(doc, root, &kinds)?;
    Ok(())
}

/// The structure elements' ids with their type (`S`).
fn elements(doc: &Document) -> Kinds {
    doc.objects
        .iter()
        .filter_map(|(id, object)| {
            let dict = object.as_dict().ok()?;
            let element = dict.has_type(b"StructElem") || dict.has(b"P") && !dict.has(b"Type");
            let kind = dict.get(b"S").and_then(Object::as_name).ok()?;
            element.then(|| (*id, kind.to_vec()))
        })
        .collect()
}

/// The structure tree root's id; an untagged print has none.
fn root(doc: &Document) -> Result<ObjectId, ArchiveError> {
    doc.catalog()
        .and_then(|catalog| catalog.get(b"StructTreeRoot"))
        .and_then(Object::as_reference)
        .map_err(|_| {
            ArchiveError::Incomplete(
                "een structuurboom (tags); Chromium maakt die sinds versie 127",
            )
        })
}

/// Maps every structure type outside the standard set to `Span`, the standard inline element.
fn map_custom_types(doc: &mut Document, root: ObjectId, kinds: &Kinds) -> Result<(), ArchiveError> {
    let mut custom: Vec<&Vec<u8>> = kinds
        .values()
        .filter(|kind| !STANDARD_TYPES.contains(&kind.as_slice()))
        .collect();
    custom.sort();
    custom.dedup();
    let tree = doc.get_dictionary_mut(root).map_err(ArchiveError::Parse)?;
    let mut role_map = tree
        .get(b"RoleMap")
        .and_then(Object::as_dict)
        .cloned()
        .unwrap_or_default();
    for name in custom {
        if !role_map.has(name) {
            role_map.set(name.clone(), Object::Name(b"Span".to_vec()));
        }
    }
    tree.set("RoleMap", role_map);
    Ok(())
}

/// Puts an `LBody` between each list item and its content other than its label (`Lbl`, kept
/// in place). Returns how many bodies were added.
fn add_list_bodies(
    doc: &mut Document,
    root: ObjectId,
    kinds: &Kinds,
) -> Result<usize, ArchiveError> {
    let items: Vec<ObjectId> = kinds
        .iter()
        .filter(|(_, kind)| kind.as_slice() == b"LI")
        .map(|(id, _)| *id)
        .collect();
    let mut moved: HashMap<ObjectId, ObjectId> = HashMap::new();
    for item in items {
        let dict = doc.get_dictionary(item).map_err(ArchiveError::Parse)?;
        let kids = match dict.get(b"K") {
            Ok(Object::Array(kids)) => kids.clone(),
            Ok(kid) => vec![kid.clone()],
            Err(_) => continue,
        };
        let is_part = |kid: &Object| {
            kid.as_reference()
                .ok()
                .and_then(|id| kinds.get(&id))
                .is_some_and(|kind| kind.as_slice() == b"Lbl" || kind.as_slice() == b"LBody")
        };
        // Labels stay where they are; everything else goes into the body.
        let (parts, content): (Vec<Object>, Vec<Object>) =
            kids.iter().cloned().partition(|kid| is_part(kid));
        if content.is_empty() {
            continue;
        }
        let mut body = Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(b"LBody".to_vec())),
            ("P", Object::Reference(item)),
            ("K", Object::Array(content.clone())),
        ]);
        if let Ok(page) = dict.get(b"Pg") {
            body.set("Pg", page.clone());
        }
        let body_id = doc.add_object(body);
        let mut item_kids = parts;
        item_kids.push(Object::Reference(body_id));
        doc.get_dictionary_mut(item)
            .map_err(ArchiveError::Parse)?
            .set("K", Object::Array(item_kids));
        for kid in &content {
            if let Ok(id) = kid.as_reference() {
                if kinds.contains_key(&id) {
                    if let Ok(child) = doc.get_dictionary_mut(id) {
                        child.set("P", Object::Reference(body_id));
                    }
                }
            }
        }
        moved.insert(item, body_id);
    }
    if !moved.is_empty() {
        let parent_tree = doc
            .get_dictionary(root)
            .and_then(|tree| tree.get(b"ParentTree"))
            .and_then(Object::as_reference)
            .ok();
        if let Some(parent_tree) = parent_tree {
            repoint(doc, parent_tree, &moved);
        }
    }
    Ok(moved.len())
}

/// Replaces, in a number tree of the parent tree (its `Nums` and its `Kids`), every reference
/// to a list item whose content moved by one to its new body.
fn repoint(doc: &mut Document, node: ObjectId, moved: &HashMap<ObjectId, ObjectId>) {
    let Ok(dict) = doc.get_dictionary(node) else {
        return;
    };
    let kids: Vec<ObjectId> = dict
        .get(b"Kids")
        .and_then(Object::as_array)
        .map(|kids| kids.iter().filter_map(|k| k.as_reference().ok()).collect())
        .unwrap_or_default();
    let nums = dict.get(b"Nums").and_then(Object::as_array).cloned().ok();
    if let Some(mut nums) = nums {
        let mut arrays = Vec::new();
        for value in nums.iter_mut().skip(1).step_by(2) {
            match value {
                Object::Reference(id) if moved.contains_key(id) => *id = moved[id],
                Object::Reference(id) => arrays.push(*id),
                Object::Array(entries) => replace_in(entries, moved),
                _ => {}
            }
        }
        if let Ok(dict) = doc.get_dictionary_mut(node) {
            dict.set("Nums", Object::Array(nums));
        }
        for array in arrays {
            if let Ok(Object::Array(entries)) = doc.get_object_mut(array) {
                replace_in(entries, moved);
            }
        }
    }
    for kid in kids {
        repoint(doc, kid, moved);
    }
}

fn replace_in(entries: &mut [Object], moved: &HashMap<ObjectId, ObjectId>) {
    for entry in entries {
        if let Object::Reference(id) = entry {
            if let Some(body) = moved.get(id) {
                *id = *body;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(kind: &str, parent: ObjectId, kids: Vec<Object>) -> Dictionary {
        Dictionary::from_iter([
            ("Type", Object::Name(b"StructElem".to_vec())),
            ("S", Object::Name(kind.as_bytes().to_vec())),
            ("P", Object::Reference(parent)),
            ("K", Object::Array(kids)),
        ])
    }

    /// A list item as Chromium writes it: a label, a paragraph of its own and one marked
    /// content (MCID 7) directly below the item, which the parent tree says is the item's.
    #[test]
    fn a_list_item_gets_a_body_and_its_content_moves_with_the_parent_tree() {
        let mut doc = Document::with_version("1.7");
        let root = doc.new_object_id();
        let item = doc.new_object_id();
        let label = doc.add_object(element("Lbl", item, vec![Object::Integer(6)]));
        let paragraph = doc.add_object(element("NonStruct", item, vec![]));
        doc.objects.insert(
            item,
            Object::Dictionary(element(
                "LI",
                root,
                vec![
                    Object::Reference(label),
                    Object::Reference(paragraph),
                    Object::Integer(7),
                ],
            )),
        );
        let entries = (0..6)
            .map(|_| Object::Null)
            .chain([Object::Reference(label), Object::Reference(item)])
            .collect();
        let parent_tree = doc.add_object(Dictionary::from_iter([(
            "Nums",
            Object::Array(vec![Object::Integer(0), Object::Array(entries)]),
        )]));
        doc.objects.insert(
            root,
            Object::Dictionary(Dictionary::from_iter([
                ("Type", Object::Name(b"StructTreeRoot".to_vec())),
                ("K", Object::Reference(item)),
                ("ParentTree", Object::Reference(parent_tree)),
            ])),
        );
        let catalog = doc.add_object(Dictionary::from_iter([(
            "StructTreeRoot",
            Object::Reference(root),
        )]));
        doc.trailer.set("Root", Object::Reference(catalog));

        let kinds = elements(&doc);
        assert_eq!(add_list_bodies(&mut doc, root, &kinds).unwrap(), 1);
        let kids = doc.get_dictionary(item).unwrap().get(b"K").unwrap();
        let kids = kids.as_array().unwrap();
        assert_eq!(
            kids[0].as_reference().unwrap(),
            label,
            "the label stays first"
        );
        let body = kids[1].as_reference().unwrap();
        let body_dict = doc.get_dictionary(body).unwrap();
        assert_eq!(body_dict.get(b"S").unwrap().as_name().unwrap(), b"LBody");
        let body_kids = body_dict.get(b"K").unwrap().as_array().unwrap();
        assert_eq!(body_kids.len(), 2, "the paragraph and MCID 7");
        let moved = doc.get_dictionary(paragraph).unwrap().get(b"P").unwrap();
        assert_eq!(moved.as_reference().unwrap(), body);
        let nums = doc
            .get_dictionary(parent_tree)
            .unwrap()
            .get(b"Nums")
            .unwrap();
        let entries = nums.as_array().unwrap()[1].as_array().unwrap();
        assert_eq!(entries[6].as_reference().unwrap(), label);
        assert_eq!(
            entries[7].as_reference().unwrap(),
            body,
            "MCID 7 is the body's now"
        );
        let kinds = elements(&doc);
        assert_eq!(
            add_list_bodies(&mut doc, root, &kinds).unwrap(),
            0,
            "done once"
        );
    }
}
