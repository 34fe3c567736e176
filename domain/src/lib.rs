//! The leaf of the house: Knooppunt's plain domain types and the pure logic on them.
//! It may not touch I/O — no tokio, sqlx, rdkafka or axum; every other crate builds on it.
//!
//! - [`signal`]: the validated input contract;
//! - [`scrub`]: removes personal data from free text;
//! - [`csv_import`], [`jsonl`], [`text_file`]: reads Dutch Excel CSV and JSON Lines files;
//! - [`envelope`]: the versioned message on the transport;
//! - [`identity`]: a signal's key and content hash;
//! - [`normalise`], [`json`]: text normalisation and strict JSON at the boundary;
//! - [`register`]: the register of areas and sources every signal is mapped to;
//! - [`traceparent`]: the W3C trace context a signal carries and a log record belongs to;
//! - [`processing_log`]: the processing log's records, activities and register;
//! - [`text`]: Unicode cleaning and the folding every pattern is matched on;
//! - [`cluster`]: classified signals, barrier matches, clusters and their keys;
//! - [`cluster_event`]: what happens to a cluster, as partners receive it;
//! - [`recognition`]: how a barrier was found (rule, model or overleg);
//! - [`labels`]: the overleg's labels on recognition;
//! - [`promotion`]: when a cluster goes on the overleg's agenda, and why;
//! - [`stats`]: quantiles of waiting times, F1 and ratios;
//! - [`taxonomy`]: the barrier catalog readers take (titles, frames, owners, norms);
//! - [`review`]: the overleg's review states, actions and transitions;
//! - [`dutch_time`]: UTC instants as Dutch days and times;
//! - [`quarter`]: calendar quarters, the period of a brief;
//! - [`published`]: a published figure, shown or suppressed;
//! - [`silence`]: sources that fall silent and drops after an owner (signals that stop).

pub mod cluster;
pub mod cluster_event;
pub mod csv_import;
pub mod dutch_number;
pub mod dutch_time;
pub mod envelope;
pub mod identity;
pub mod json;
pub mod jsonl;
pub mod labels;
pub mod normalise;
pub mod processing_log;
pub mod promotion;
pub mod published;
pub mod quarter;
pub mod recognition;
pub mod register;
pub mod review;
pub mod scrub;
pub mod signal;
pub mod silence;
pub mod stats;
pub mod taxonomy;
pub mod text;
pub mod text_file;
pub mod traceparent;

#[cfg(test)]
mod stored_names {
    //! Identifiers are English; what is stored, posted and shown keeps its Dutch name.

    fn name<T: serde::Serialize>(value: T) -> String {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    #[test]
    fn renamed_variants_keep_their_dutch_names() {
        use crate::labels::Verdict;
        use crate::recognition::How;
        use crate::review::Role;
        use crate::scrub::PiiKind;
        use crate::signal::Theme;
        for role in Role::ALL {
            assert_eq!(name(role), role.as_str());
        }
        for how in [How::Rule, How::Model, How::Review] {
            assert_eq!(name(how), how.as_str());
        }
        for verdict in [Verdict::Belongs, Verdict::DoesNotBelong, Verdict::NoBarrier] {
            assert_eq!(name(verdict), verdict.as_str());
        }
        for theme in Theme::ALL {
            assert_eq!(name(theme), theme.as_str());
        }
        for kind in [
            PiiKind::Name,
            PiiKind::Bsn,
            PiiKind::Iban,
            PiiKind::Phone,
            PiiKind::Email,
            PiiKind::Address,
            PiiKind::Postcode,
            PiiKind::DateOfBirth,
        ] {
            assert_eq!(name(kind), kind.as_str());
        }
        assert_eq!(name(Role::Reviewer), "overleg");
        assert_eq!(name(Theme::ChildrenAndFamily), "kinderen-gezin");
    }
}
