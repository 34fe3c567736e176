//! The rule set as the readers' catalog (`knooppunt_domain::taxonomy`), built once when the
//! rules are compiled; the rule set's version, cluster key and criteria are the catalog's.

use super::{Barrier as Rule, RuleSet};
use knooppunt_domain::cluster::ClusterKey;
use knooppunt_domain::taxonomy::{Barrier, Catalog};

impl RuleSet {
    /// The taxonomy this rule set classifies into: titles, frames, owners and criteria, and
    /// the version of the model loaded beside the rules.
    pub fn catalog(&self) -> Catalog {
        self.catalog
            .clone()
            .with_model_version(self.model().map(|m| m.version().to_string()))
    }

    /// The catalog of compiled barriers.
    pub(super) fn catalog_of(version: String, cluster_key: ClusterKey, rules: &[Rule]) -> Catalog {
        let barriers = rules
            .iter()
            .map(|b| Barrier {
                id: b.id.clone(),
                title: b.title.clone(),
                kader: b.kader.clone(),
                owner: b.owner.clone(),
                promotion: b.promotion.clone(),
            })
            .collect();
        Catalog::new(version, cluster_key, barriers)
    }
}
