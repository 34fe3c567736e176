//! The publishing half of the contract: where intake hands signals over (Kafka, or the
//! embedded spool).

use async_trait::async_trait;
use knooppunt_domain::envelope::Envelope;

/// Why a signal could not be handed over. The submitter may retry: nothing was acknowledged.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PublishError {
    #[error("het signaal kon niet worden opgeslagen (transport niet bereikbaar); probeer het later opnieuw")]
    Unavailable(String),
}

impl PublishError {
    /// The technical cause, for logs. Never contains signal content.
    pub fn cause(&self) -> &str {
        match self {
            PublishError::Unavailable(cause) => cause,
        }
    }
}

/// A durable hand-over. `publish` returns one result per envelope, in order; an `Ok` means the
/// signal survives a crash of this process from that moment on.
#[async_trait]
pub trait Publisher: Send + Sync {
    async fn publish(&self, batch: &[Envelope]) -> Vec<Result<(), PublishError>>;
    /// Whether the transport answers, for readiness checks.
    async fn check(&self) -> Result<(), String>;
    /// A short name for logs and health output ("kafka", "spool").
    fn name(&self) -> &'static str;
}
