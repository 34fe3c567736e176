//! Content a screen reader should skip, marked as such.
//!
//! Chromium tags the brief's text, but leaves what it paints around it untagged: the running
//! header and footer (page numbers), backgrounds, borders and rules. PDF/UA asks that every
//! mark on a page be either tagged content or an artifact, so a reader neither skips text nor
//! reads decoration. This wraps each piece of untagged content (a text object, a path, an
//! image or form) in an `/Artifact` marked-content sequence and leaves tagged content as it is.

use lopdf::content::{Content, Operation};
use lopdf::{Document, Object};

/// Operators that build a path; the path ends at its painting operator.
const PATH_CONSTRUCTION: &[&str] = &["m", "l", "c", "v", "y", "h", "re"];
/// Operators that end a path: paint it, or end it unpainted (after a clip).
const PATH_END: &[&str] = &["S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "n"];
/// Operators inside a text object that show text.
const TEXT_SHOWING: &[&str] = &["Tj", "TJ", "'", "\""];

/// Marks every page's untagged content as artifacts; fails on content it cannot read.
pub fn mark(doc: &mut Document) -> lopdf::Result<()> {
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    for page in pages {
        let content = Content::decode(&doc.get_page_content(page)?)?;
        let marked = Content {
            operations: wrap(content.operations),
        }
        .encode()?;
        doc.change_page_content(page, marked)?;
    }
    Ok(())
}

/// The operations with each untagged unit wrapped in `/Artifact BMC … EMC`.
fn wrap(operations: Vec<Operation>) -> Vec<Operation> {
    let mut out = Vec::with_capacity(operations.len() + operations.len() / 4);
    // Open marked-content sequences, and whether we are inside a text object.
    let mut depth = 0usize;
    let mut in_text = false;
    let mut at = 0;
    while at < operations.len() {
        let operator = operations[at].operator.as_str();
        let untagged = depth == 0;
        let unit_end = match operator {
            "BDC" | "BMC" => {
                depth += 1;
                None
            }
            "EMC" => {
                depth = depth.saturating_sub(1);
                None
            }
            "BT" => {
                let end = find(&operations, at, &["ET"]);
                let tagged_inside = end.is_some_and(|end| {
                    operations[at..=end]
                        .iter()
                        .any(|op| op.operator == "BDC" || op.operator == "BMC")
                });
                if untagged && !tagged_inside {
                    end
                } else {
                    in_text = true;
                    None
                }
            }
            "ET" => {
                in_text = false;
                None
            }
            op if untagged && !in_text && PATH_CONSTRUCTION.contains(&op) => {
                find(&operations, at, PATH_END)
            }
            "Do" | "sh" if untagged => Some(at),
            op if untagged && in_text && TEXT_SHOWING.contains(&op) => Some(at),
            _ => None,
        };
        match unit_end {
            Some(end) => {
                out.push(Operation::new(
                    "BMC",
                    vec![Object::Name(b"Artifact".to_vec())],
                ));
                out.extend_from_slice(&operations[at..=end]);
                out.push(Operation::new("EMC", vec![]));
                at = end + 1;
            }
            None => {
                out.push(operations[at].clone());
                at += 1;
            }
        }
    }
    out
}

/// The first operation at or after `from` whose operator is one of `operators`.
fn find(operations: &[Operation], from: usize, operators: &[&str]) -> Option<usize> {
    operations[from..]
        .iter()
        .position(|op| operators.contains(&op.operator.as_str()))
        .map(|offset| from + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(text: &str) -> Vec<Operation> {
        Content::decode(text.as_bytes()).unwrap().operations
    }

    fn operators(operations: &[Operation]) -> String {
        operations
            .iter()
            .map(|op| op.operator.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn untagged_text_paths_and_forms_become_artifacts_and_tagged_content_stays() {
        let wrapped = wrap(ops("q 0 0 10 10 re f BT (kop) Tj ET \
             /P <</MCID 0>> BDC BT (tekst) Tj ET 0 0 1 1 re f EMC \
             /Im1 Do Q"));
        assert_eq!(
            operators(&wrapped),
            "q BMC re f EMC BMC BT Tj ET EMC \
             BDC BT Tj ET re f EMC \
             BMC Do EMC Q"
        );
    }

    #[test]
    fn inside_a_text_object_with_tags_only_the_untagged_showing_is_wrapped() {
        let wrapped = wrap(ops("BT (a) Tj /Span <</MCID 1>> BDC (b) Tj EMC ET"));
        assert_eq!(operators(&wrapped), "BT BMC Tj EMC BDC Tj EMC ET");
    }

    #[test]
    fn a_clip_stays_one_unit_with_its_path() {
        let wrapped = wrap(ops("0 0 5 5 re W n 1 0 0 RG 0 0 m 5 5 l S"));
        assert_eq!(operators(&wrapped), "BMC re W n EMC RG BMC m l S EMC");
    }
}
