//! The review's entries in the processing log (see `knooppunt_rules::verwerkingslog`):
//! every decision, with who took it, on which cluster, and what — never the reason text.

use crate::review::Decision;
use knooppunt_rules::verwerkingslog::{self, actions, Activity, Record, TraceContext};
use serde_json::json;

/// Logs a decision inside its transaction.
pub async fn log_decision(
    conn: &mut sqlx::AnyConnection,
    decision: &Decision,
    action: &str,
) -> anyhow::Result<()> {
    let record = Record::instant(
        TraceContext::new_root(),
        actions::DECISION,
        &decision.actor,
        Activity::Review,
        json!({
            "cluster_id": decision.cluster_id,
            "action": action,
            "state_after": decision.state_after.as_str(),
            "decision_seq": decision.seq,
            "signal_count": decision.signal_count,
        }),
    );
    verwerkingslog::append_on(conn, &[record]).await
}
