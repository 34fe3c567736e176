//! The rule set as the readers' catalog (`knooppunt_domain::taxonomy`).

use super::RuleSet;
use knooppunt_domain::taxonomy::{Barrier, Catalog};

impl RuleSet {
    /// The taxonomy this rule set classifies into: titles, frames, owners and criteria.
    pub fn catalog(&self) -> Catalog {
        let barriers = self
            .barriers()
            .iter()
            .map(|b| Barrier {
                id: b.id.clone(),
                title: b.title.clone(),
                kader: b.kader.clone(),
                owner: b.owner.clone(),
                promotion: b.promotion.clone(),
            })
            .collect();
        Catalog::new(self.version().to_string(), self.cluster_key(), barriers)
    }
}
