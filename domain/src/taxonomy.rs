//! The barrier catalog: what the reports and pages need to know about the taxonomy — each
//! barrier's id, title, legal frame (*kader*), owner and promotion criteria (with its waiting
//! norm), the rules version and how clusters are keyed. The rules engine produces it from its
//! rule set; readers take it instead of the compiled rules.

use crate::cluster::ClusterKey;
use crate::promotion::{Criteria, CriteriaSource};

/// One barrier of the taxonomy, as readers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Barrier {
    /// The slug (`wachtlijst-ggz`).
    pub id: String,
    pub title: String,
    pub kader: String,
    pub owner: String,
    /// When a cluster of this barrier goes on the agenda, and the waiting norm.
    pub promotion: Criteria,
}

/// The taxonomy of one rules version.
#[derive(Debug, Clone, PartialEq)]
pub struct Catalog {
    version: String,
    /// The learned model's version beside the rules, when one is loaded.
    model_version: Option<String>,
    cluster_key: ClusterKey,
    barriers: Vec<Barrier>,
}

impl Catalog {
    pub fn new(version: String, cluster_key: ClusterKey, barriers: Vec<Barrier>) -> Self {
        Self {
            version,
            model_version: None,
            cluster_key,
            barriers,
        }
    }

    /// The same catalog, recognising with the model of `version` beside its rules.
    pub fn with_model_version(mut self, version: Option<String>) -> Self {
        self.model_version = version;
        self
    }

    /// The rules version the catalog comes from.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// The version of the learned model recognising beside the rules, if any.
    pub fn model_version(&self) -> Option<&str> {
        self.model_version.as_deref()
    }

    /// The barriers, in rule-file order.
    pub fn barriers(&self) -> &[Barrier] {
        &self.barriers
    }

    /// How clusters are keyed (`[clusters] key`).
    pub fn cluster_key(&self) -> ClusterKey {
        self.cluster_key
    }

    /// The barrier with this id.
    pub fn barrier(&self, id: &str) -> Option<&Barrier> {
        self.barriers.iter().find(|b| b.id == id)
    }

    /// The barrier's title, or the id itself for a barrier the catalog does not know.
    pub fn title(&self, id: &str) -> String {
        self.barrier(id)
            .map_or_else(|| id.to_string(), |b| b.title.clone())
    }
}

impl CriteriaSource for Catalog {
    fn promotion_criteria(&self) -> Vec<(&str, &Criteria)> {
        self.barriers
            .iter()
            .map(|b| (b.id.as_str(), &b.promotion))
            .collect()
    }

    fn criteria_version(&self) -> &str {
        &self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_fall_back_to_the_id() {
        let catalog = Catalog::new(
            "v1".into(),
            ClusterKey::default(),
            vec![Barrier {
                id: "wachtlijst-ggz".into(),
                title: "Wachtlijst GGZ".into(),
                kader: String::new(),
                owner: String::new(),
                promotion: Criteria::default(),
            }],
        );
        assert_eq!(catalog.title("wachtlijst-ggz"), "Wachtlijst GGZ");
        assert_eq!(catalog.title("onbekend"), "onbekend");
        assert_eq!(catalog.promotion_criteria().len(), 1);
        assert_eq!(catalog.criteria_version(), "v1");
    }
}
