//! One `(source, id)`, one content. Resubmitting a signal with the same id and the same content
//! is idempotent; the same id with *other* content is refused on `id`, so nothing is "accepted"
//! and then silently dropped by the store's idempotent write.
//!
//! Content is compared by [`content_hash`]: the scrubbed, normalised observed_on, area, text,
//! themes and wait_days. `organisation` is left out: the rules engine may fill it in from the
//! text, so the stored value is not what intake saw.
//!
//! What each path guarantees (see the README): intake refuses a conflict within one request or
//! import file, and with what the store already holds wherever intake can read the store (the
//! API and `knooppunt import`, embedded and Kafka alike); the rules engine refuses — and records
//! in `id_conflicts` — whatever still reaches it (two submissions racing, a signal still in the
//! spool or on the topic, a partner producing onto Kafka directly).

use async_trait::async_trait;
use knooppunt_domain::envelope::Envelope;
use knooppunt_domain::signal::FieldError;
use std::collections::HashMap;

pub use knooppunt_domain::identity::{content_hash, key_of, SignalKey, ID_CONFLICT};

/// What the store holds: the content hash per stored `(source, id)`.
#[async_trait]
pub trait StoredContent: Send + Sync {
    /// The stored content hash of each key that is stored (with a hash); absent keys are new.
    async fn content_hashes(
        &self,
        keys: &[SignalKey],
    ) -> anyhow::Result<HashMap<SignalKey, String>>;
}

/// Remembers the content of every key seen in one request or file (and what the store holds).
#[derive(Debug, Default)]
pub struct IdCheck {
    seen: HashMap<SignalKey, String>,
}

impl IdCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the store about `envelopes`' keys not seen yet. When the store cannot answer, the
    /// check goes on without it (the rules engine still refuses a conflict) and says so in the
    /// log, with a count only.
    pub async fn learn_stored(&mut self, stored: &dyn StoredContent, envelopes: &[&Envelope]) {
        let keys: Vec<SignalKey> = envelopes
            .iter()
            .map(|e| key_of(e))
            .filter(|k| !self.seen.contains_key(k))
            .collect();
        if keys.is_empty() {
            return;
        }
        match stored.content_hashes(&keys).await {
            Ok(hashes) => self.seen.extend(hashes),
            Err(error) => tracing::warn!(
                keys = keys.len(),
                error = %format!("{error:#}"),
                "Could not compare ids with the store; the engine will refuse conflicts"
            ),
        }
    }

    /// Accepts an envelope whose key is new or carries the same content; refuses one whose key
    /// was seen with other content.
    pub fn check(&mut self, envelope: &Envelope) -> Result<(), FieldError> {
        let hash = content_hash(&envelope.signal);
        match self.seen.get(&key_of(envelope)) {
            Some(known) if *known != hash => Err(FieldError::new("id", ID_CONFLICT)),
            Some(_) => Ok(()),
            None => {
                self.seen.insert(key_of(envelope), hash);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use knooppunt_domain::envelope::Channel;
    use knooppunt_domain::signal::parse_signal;

    fn envelope(id: &str, text: &str) -> Envelope {
        let value = serde_json::json!({"id": id, "observed_on": "2026-09-14", "source": "t",
            "area": "Moerwijk", "text": text});
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        Envelope::prepare(
            parse_signal(&value, today).unwrap(),
            Channel::Http,
            chrono::Utc::now(),
        )
    }

    struct Stored(HashMap<SignalKey, String>);

    #[async_trait]
    impl StoredContent for Stored {
        async fn content_hashes(
            &self,
            keys: &[SignalKey],
        ) -> anyhow::Result<HashMap<SignalKey, String>> {
            Ok(keys
                .iter()
                .filter_map(|k| self.0.get(k).map(|h| (k.clone(), h.clone())))
                .collect())
        }
    }

    #[test]
    fn same_id_same_content_passes_other_content_is_refused() {
        let mut check = IdCheck::new();
        assert!(check.check(&envelope("a", "Portiek onveilig")).is_ok());
        assert!(
            check.check(&envelope("a", "Portiek onveilig")).is_ok(),
            "idempotent"
        );
        let refused = check.check(&envelope("a", "Iets anders")).unwrap_err();
        assert_eq!(refused.field, "id");
        assert!(check.check(&envelope("b", "Iets anders")).is_ok());
    }

    #[test]
    fn normalised_content_hashes_alike() {
        let nfd = envelope("a", "Financie\u{0308}n\r\nschuld");
        let nfc = envelope("a", "Financiën\nschuld");
        assert_eq!(content_hash(&nfd.signal), content_hash(&nfc.signal));
    }

    #[tokio::test]
    async fn what_the_store_holds_counts_too() {
        let stored_one = envelope("a", "Eerste versie");
        let stored = Stored(HashMap::from([(
            key_of(&stored_one),
            content_hash(&stored_one.signal),
        )]));
        let mut check = IdCheck::new();
        let resend = envelope("a", "Eerste versie");
        let changed = envelope("a", "Tweede versie");
        check.learn_stored(&stored, &[&resend, &changed]).await;
        assert!(check.check(&resend).is_ok());
        assert!(check.check(&changed).is_err());
    }
}
