//! W3C Trace Context across intake: the `traceparent` of the request that carries a signal
//! travels in its envelope (and, on Kafka, in a message header), so the processing log can
//! follow one signal from the HTTP request into the rules engine.

tokio::task_local! {
    static TRACEPARENT: String;
}

/// Runs `work` with `traceparent` as the current request's trace context: envelopes
/// prepared inside it carry it.
pub async fn scope<F: std::future::Future>(traceparent: String, work: F) -> F::Output {
    TRACEPARENT.scope(traceparent, work).await
}

/// The current request's `traceparent`, if one is set.
pub fn current() -> Option<String> {
    TRACEPARENT.try_with(|t| t.clone()).ok()
}

pub use knooppunt_domain::traceparent::is_valid;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_traceparents_only() {
        assert!(is_valid(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        ));
        assert!(!is_valid(
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01"
        ));
        assert!(!is_valid(
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"
        ));
        assert!(!is_valid("Jan Jansen"));
    }

    #[tokio::test]
    async fn the_scope_sets_the_current_context() {
        assert_eq!(current(), None);
        let seen = scope("00-x".into(), async { current() }).await;
        assert_eq!(seen.as_deref(), Some("00-x"));
    }
}
