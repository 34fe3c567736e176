//! A published brief is corrected only by a *rectificatie*: a new version beside the original
//! (which stays as it was published), with the reason and a list of the figures that changed.
//!
//! The list is made from the two versions' *published* figures, so it shows nothing that the
//! disclosure step hid: a hidden figure reads `x` on both sides ("x → x" when the counts
//! behind it changed). Whether a hidden figure changed is itself something a reader learns;
//! the joint audit models exactly that ([`crate::snapshot::context`]: a count that stayed the
//! same is one unknown in both versions, a changed one two), so neither the list nor the
//! versions together give a hidden count away. Nor a small correction: "was 16, wordt 14" says
//! that two signals went, so a figure that changed by less than the minimum group size is
//! hidden in the new version ([`crate::ledger::Ledger::disclosures`]).

use crate::disclosure::{Position, PublishedTable};
use crate::free_text::Refusal;
use crate::release::PublishedLevel;
use crate::snapshot::{Counts, Figures, Version};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The longest reason, in characters.
pub const MAX_REASON: usize = 1_000;

/// What a rectified brief says about itself.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rectification {
    /// This version's number (2, 3, …).
    pub version: i64,
    /// The version it replaces.
    pub replaces: i64,
    /// The day that version was published, "30-11-2026".
    pub replaces_date: String,
    pub reason: String,
    pub changes: Vec<Change>,
}

/// One published figure that changed: knelpunt, wijk (or stadsdeel, or "totaal"), old → new.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    pub knelpunt: String,
    pub area: String,
    pub old: String,
    pub new: String,
}

/// The reason of a rectificatie as it is stored and published, or why it is refused (Dutch,
/// naming the field, never echoing the text).
pub fn checked_reason(text: &str) -> Result<String, String> {
    let text = crate::free_text::checked(text, MAX_REASON).map_err(|refusal| match refusal {
        Refusal::TooLong(limit) => format!("rectificatie: de reden is {limit}"),
        Refusal::Personal(kinds) => format!(
            "rectificatie: de reden bevat persoonsgegevens ({kinds}); beschrijf wat er \
             gecorrigeerd is zonder personen, nummers of adressen"
        ),
    })?;
    if text.is_empty() {
        return Err(
            "rectificatie: geef de reden op, bijvoorbeeld --rectificatie \"twee signalen uit \
             Laak bleken dubbel\""
                .into(),
        );
    }
    Ok(text)
}

/// The tables of a version's figures (the single table of a snapshot from before levels).
fn tables(figures: &Figures) -> Vec<(&PublishedTable, Option<&PublishedLevel>)> {
    if figures.levels.is_empty() {
        vec![(&figures.table, None)]
    } else {
        figures.levels.iter().map(|l| (&l.table, Some(l))).collect()
    }
}

/// Per (knelpunt, area or "totaal"): the figure as published and the wijken it sums.
type Shown = BTreeMap<(String, String), (String, BTreeSet<String>)>;

fn shown(tables: &[(&PublishedTable, Option<&PublishedLevel>)]) -> (Shown, Vec<(String, String)>) {
    let mut out = Shown::new();
    let mut order = Vec::new();
    for (table, level) in tables {
        let members = |column: &str| -> BTreeSet<String> {
            match level {
                Some(level) => level.members(column).into_iter().collect(),
                None => [column.to_string()].into_iter().collect(),
            }
        };
        for (row, barrier) in table.rows.iter().enumerate() {
            let mut all = BTreeSet::new();
            for (column, name) in table.columns.iter().enumerate() {
                let wijken = members(name);
                all.extend(wijken.iter().cloned());
                let value = table
                    .render(Position::Cell { row, column })
                    .unwrap_or_default();
                let key = (barrier.clone(), name.clone());
                order.push(key.clone());
                out.insert(key, (value, wijken));
            }
            let key = (barrier.clone(), "totaal".to_string());
            order.push(key.clone());
            out.insert(
                key,
                (
                    table.render(Position::RowTotal { row }).unwrap_or_default(),
                    all,
                ),
            );
        }
    }
    (out, order)
}

/// The published figures that differ between two versions, per knelpunt and area, in the
/// new version's order (then what only the old one had). A figure hidden in both is listed
/// ("x → x") when a count behind it changed, or when the old counts are unknown.
pub fn changes(
    old: &Figures,
    old_counts: Option<&Counts>,
    new: &[PublishedLevel],
    new_counts: &Counts,
    titles: &BTreeMap<String, String>,
) -> Vec<Change> {
    let (before, before_order) = shown(&tables(old));
    let new_tables: Vec<(&PublishedTable, Option<&PublishedLevel>)> =
        new.iter().map(|l| (&l.table, Some(l))).collect();
    let (after, after_order) = shown(&new_tables);
    let count = |counts: &Counts, barrier: &str, wijk: &str| {
        counts
            .get(barrier)
            .and_then(|a| a.get(wijk))
            .copied()
            .unwrap_or(0)
    };
    let mut seen = BTreeSet::new();
    let mut list = Vec::new();
    for key in after_order.into_iter().chain(before_order) {
        if !seen.insert(key.clone()) {
            continue;
        }
        let absent = || ("–".to_string(), BTreeSet::new());
        let (old_value, old_wijken) = before.get(&key).cloned().unwrap_or_else(absent);
        let (new_value, new_wijken) = after.get(&key).cloned().unwrap_or_else(absent);
        let changed = if old_value != new_value {
            true
        } else if old_value == crate::disclosure::SUPPRESSED {
            match old_counts {
                Some(old_counts) => old_wijken
                    .union(&new_wijken)
                    .any(|w| count(old_counts, &key.0, w) != count(new_counts, &key.0, w)),
                None => true,
            }
        } else {
            false
        };
        if changed {
            list.push(Change {
                knelpunt: titles.get(&key.0).cloned().unwrap_or_else(|| key.0.clone()),
                area: key.1.clone(),
                old: old_value,
                new: new_value,
            });
        }
    }
    list
}

/// What version `new` of a published brief says about itself, against the version before.
pub fn of_version(
    previous: &Version,
    new: &Version,
    titles: &BTreeMap<String, String>,
) -> Rectification {
    let empty = Counts::new();
    Rectification {
        version: new.number,
        replaces: previous.number,
        replaces_date: crate::dutch::date(previous.published_on()),
        reason: new.reason.clone(),
        changes: changes(
            &previous.figures,
            previous.counts.as_ref(),
            &new.figures.levels,
            new.counts.as_ref().unwrap_or(&empty),
            titles,
        ),
    }
}

#[cfg(test)]
#[path = "rectification_tests.rs"]
mod tests;
