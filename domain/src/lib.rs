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
mod named;
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
pub mod vignette;

#[cfg(test)]
mod stored_names {
    //! Identifiers are English; what is stored, posted and shown keeps its Dutch name. The
    //! names are pinned here as written in databases and forms: renaming one breaks stored data.

    use crate::labels::Verdict;
    use crate::recognition::How;
    use crate::review::{Role, State};
    use crate::scrub::PiiKind;
    use crate::signal::Theme;

    /// Each value serialises to its name, and the name reads back as the value.
    fn pinned<T>(table: &[(T, &str)])
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        for (value, name) in table {
            let json = serde_json::to_string(value).unwrap_or_default();
            assert_eq!(json, format!("\"{name}\""));
            let back: T = serde_json::from_str(&json).expect("reads back");
            assert_eq!(&back, value);
        }
    }

    #[test]
    #[rustfmt::skip]
    fn renamed_variants_keep_their_dutch_names() {
        use Role::*;
        pinned(&[(Submitter, "indiener"), (Reviewer, "overleg"), (Municipality, "gemeente"), (Admin, "beheer")]);
        pinned(&[
            (State::Open, "open"), (State::Confirmed, "bevestigd"), (State::Dismissed, "afgewezen"),
            (State::Parked, "geparkeerd"), (State::Solved, "opgelost"), (State::Merged, "samengevoegd"),
        ]);
        pinned(&[(How::Rule, "regel"), (How::Model, "model"), (How::Review, "overleg")]);
        use Verdict::*;
        pinned(&[(Belongs, "hoort-erbij"), (DoesNotBelong, "hoort-er-niet-bij"), (NoBarrier, "geen-barriere")]);
        use Theme::*;
        pinned(&[
            (MentalHealth, "mentale-gezondheid"), (Loneliness, "eenzaamheid"), (Finances, "financien"),
            (SubstanceUse, "middelengebruik"), (Violence, "geweld"), (Housing, "huisvesting"),
            (ChildrenAndFamily, "kinderen-gezin"),
        ]);
        use PiiKind::*;
        pinned(&[
            (Name, "naam"), (Bsn, "bsn"), (Iban, "iban"), (Phone, "telefoon"), (Email, "email"),
            (Address, "adres"), (Postcode, "postcode"), (DateOfBirth, "geboortedatum"),
            (CaseNumber, "dossiernummer"),
        ]);
    }

    #[test]
    fn an_unknown_name_is_refused_as_an_unknown_variant() {
        let error = serde_json::from_str::<Role>("\"voorzitter\"")
            .expect_err("no such role")
            .to_string();
        assert!(
            error.contains("unknown variant `voorzitter`, expected one of `indiener`"),
            "{error}"
        );
        assert_eq!(Role::parse(" overleg "), Some(Role::Reviewer));
        assert_eq!(How::parse("iets anders"), How::Rule);
        assert_eq!(
            Theme::parse("Kinderen/gezin"),
            Some(Theme::ChildrenAndFamily)
        );
    }
}
