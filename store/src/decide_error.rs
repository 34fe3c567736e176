//! Why a review decision was not recorded: shared by the decision and the split it may make.

use knooppunt_domain::review::DecisionError;

/// A decision that could not be taken: the user's mistake (shown in Dutch), or a failure.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error(transparent)]
    Refused(#[from] DecisionError),
    #[error("cluster {0} bestaat niet")]
    UnknownCluster(String),
    #[error("samenvoegen: cluster {0} bestaat niet of is zelf al samengevoegd")]
    BadMergeTarget(String),
    #[error("splitsen: {0}")]
    BadSplit(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<sqlx::Error> for DecideError {
    fn from(error: sqlx::Error) -> Self {
        DecideError::Failed(crate::StoreError::from(error).into())
    }
}
