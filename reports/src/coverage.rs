//! Who submitted: active sources per wijk this quarter, and sources that fell silent (signals
//! last quarter, none this quarter), so that "fewer signals" is not read as "solved". Counts are
//! ranges ([`crate::release::breadth`]); a source is a team or partner organisation, never a
//! person.

use knooppunt_domain::quarter::Quarter;
use knooppunt_store::Store;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Per wijk: the number of sources that sent signals this quarter, as a range.
    pub per_wijk: Vec<(String, String)>,
    /// Sources with signals last quarter and none this quarter.
    pub silent: Vec<String>,
}

async fn sources(store: &Store, quarter: Quarter) -> anyhow::Result<Vec<(String, String)>> {
    store.sources_by_area(quarter.start(), quarter.end()).await
}

/// The coverage of `quarter` against the quarter before it.
pub async fn gather(store: &Store, quarter: Quarter, min: i64) -> anyhow::Result<Coverage> {
    let now = sources(store, quarter).await?;
    let before = sources(store, quarter.previous()).await?;
    Ok(summarise(&now, &before, min))
}

/// [`gather`] without the store.
pub fn summarise(now: &[(String, String)], before: &[(String, String)], min: i64) -> Coverage {
    let mut per_wijk: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (source, area) in now {
        per_wijk
            .entry(area.trim().to_string())
            .or_default()
            .insert(source);
    }
    let active: BTreeSet<&str> = now.iter().map(|(s, _)| s.as_str()).collect();
    let silent: BTreeSet<String> = before
        .iter()
        .map(|(s, _)| s.as_str())
        .filter(|s| !active.contains(s))
        .map(str::to_string)
        .collect();
    Coverage {
        per_wijk: per_wijk
            .into_iter()
            .map(|(wijk, sources)| (wijk, crate::release::breadth(sources.len() as i64, min)))
            .collect(),
        silent: silent.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn sources_per_wijk_as_ranges_and_the_silent_ones() {
        let now = pairs(&[
            ("wijkteam-laak", "Laak"),
            ("ggz", "Laak"),
            ("ggz", "Moerwijk"),
        ]);
        let before = pairs(&[("wijkteam-laak", "Laak"), ("corporatie", "Moerwijk")]);
        let coverage = summarise(&now, &before, 5);
        assert_eq!(
            coverage.per_wijk,
            pairs(&[("Laak", "1–4"), ("Moerwijk", "1–4")])
        );
        assert_eq!(coverage.silent, vec!["corporatie".to_string()]);
    }
}
