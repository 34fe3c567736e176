//! Splitting a cluster (a review decision): moves signals into clusters of their own and
//! records the moves as overrides, so a replay keeps them. The store owns `clusters` and
//! `signal_barriers`, so this is the store changing its own tables, inside the decision's
//! transaction.

use crate::decide_error::DecideError;
use crate::statement::{params, run_on};
use crate::Text;
use anyhow::Context;
use chrono::NaiveDate;
use knooppunt_domain::review::Split;
use std::collections::{BTreeMap, HashSet};

#[derive(sqlx::FromRow)]
struct SplitCluster {
    barrier: String,
    area_key: String,
    area: String,
    organisation: String,
}

/// A signal of the cluster being split.
#[derive(sqlx::FromRow)]
struct Member {
    source: String,
    signal_id: String,
    observed_on: Text<NaiveDate>,
    organisation: String,
}

/// The groups of members that move, each with the organisation its new cluster is keyed by.
fn moving_groups(
    members: &[Member],
    how: &Split,
    organisation: &str,
) -> Result<Vec<(String, Vec<usize>)>, DecideError> {
    match how {
        Split::ByOrganisation => {
            let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, member) in members.iter().enumerate() {
                groups
                    .entry(member.organisation.trim())
                    .or_default()
                    .push(i);
            }
            if groups.len() < 2 {
                return Err(DecideError::BadSplit(
                    "alle signalen noemen dezelfde organisatie (of geen)".into(),
                ));
            }
            let largest = groups
                .iter()
                .max_by_key(|(org, group)| (group.len(), std::cmp::Reverse(*org)))
                .map(|(org, _)| org.to_string())
                .unwrap_or_default();
            Ok(groups
                .into_iter()
                .filter(|(org, _)| *org != largest)
                .map(|(org, group)| (org.to_string(), group))
                .collect())
        }
        Split::Signals { signals: signalen } => {
            let chosen: Vec<usize> = members
                .iter()
                .enumerate()
                .filter(|(_, m)| {
                    signalen
                        .iter()
                        .any(|(s, id)| *s == m.source && *id == m.signal_id)
                })
                .map(|(i, _)| i)
                .collect();
            if chosen.is_empty() {
                return Err(DecideError::BadSplit(
                    "geen van de gekozen signalen hoort bij dit cluster".into(),
                ));
            }
            if chosen.len() == members.len() {
                return Err(DecideError::BadSplit(
                    "kies niet alle signalen: er moet er een overblijven".into(),
                ));
            }
            Ok(vec![(organisation.to_string(), chosen)])
        }
        Split::From { .. } => Err(DecideError::BadSplit(
            "kies hoe het cluster wordt gesplitst".into(),
        )),
    }
}

/// The id of a split-off cluster: derived from the cluster and the signals that move.
fn split_id(cluster_id: &str, members: &[Member], group: &[usize]) -> String {
    let mut keys: Vec<String> = group
        .iter()
        .map(|&i| format!("{}\u{1f}{}", members[i].source, members[i].signal_id))
        .collect();
    keys.sort();
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6b6e_6f6f_7070_756e_7400_0000_0000_0003);
    uuid::Uuid::new_v5(
        &NAMESPACE,
        format!("{cluster_id}\u{1f}{}", keys.join("\u{1e}")).as_bytes(),
    )
    .to_string()
}

/// Moves signals of a cluster into clusters of their own; returns (new id, signals) per new
/// cluster.
pub(crate) async fn split(
    conn: &mut sqlx::AnyConnection,
    cluster_id: &str,
    how: &Split,
) -> Result<Vec<(String, i64)>, DecideError> {
    let cluster: SplitCluster =
        sqlx::query_as("SELECT barrier, area_key, area, organisation FROM clusters WHERE id = $1")
            .bind(cluster_id)
            .fetch_one(&mut *conn)
            .await
            .context("cluster lezen")?;
    let members: Vec<Member> = sqlx::query_as(
        "SELECT b.source, b.signal_id, b.observed_on, COALESCE(s.organisation, '') AS organisation \
         FROM signal_barriers b JOIN signals s ON s.source = b.source AND s.id = b.signal_id \
         WHERE b.cluster_id = $1 AND b.barrier = $2",
    )
    .bind(cluster_id)
    .bind(&cluster.barrier)
    .fetch_all(&mut *conn)
    .await
    .context("signalen van het cluster lezen")?;
    let moving = moving_groups(&members, how, &cluster.organisation)?;
    let mut created = Vec::new();
    let mut moved = HashSet::new();
    for (org, group) in &moving {
        let new_id = split_id(cluster_id, &members, group);
        let (first_seen, last_seen) = span(group.iter().map(|&i| &members[i]));
        sqlx::query(
            "INSERT INTO clusters (id, barrier, area_key, area, organisation, first_seen, \
             last_seen, signal_count) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&new_id)
        .bind(&cluster.barrier)
        .bind(&cluster.area_key)
        .bind(&cluster.area)
        .bind(org)
        .bind(first_seen)
        .bind(last_seen)
        .bind(group.len() as i64)
        .execute(&mut *conn)
        .await
        .context("nieuw cluster opslaan")?;
        for &i in group {
            move_signal(conn, &members[i], &cluster.barrier, &new_id).await?;
            moved.insert(i);
        }
        created.push((new_id, group.len() as i64));
    }
    let remaining = members.len() - moved.len();
    let (first_seen, last_seen) = span(
        members
            .iter()
            .enumerate()
            .filter(|(i, _)| !moved.contains(i))
            .map(|(_, m)| m),
    );
    let sql =
        "UPDATE clusters SET signal_count = $1, first_seen = $2, last_seen = $3 WHERE id = $4";
    let count = remaining as i64;
    run_on(conn, sql, params![count, first_seen, last_seen, cluster_id])
        .await
        .context("cluster bijwerken")?;
    Ok(created)
}

/// The first and the last day `members` were observed on (a group is never empty).
fn span<'a>(members: impl Iterator<Item = &'a Member>) -> (Text<NaiveDate>, Text<NaiveDate>) {
    let days: Vec<NaiveDate> = members.map(|m| m.observed_on.0).collect();
    let first = days.iter().min().copied().unwrap_or_default();
    let last = days.iter().max().copied().unwrap_or_default();
    (Text(first), Text(last))
}

/// Moves one signal's barrier to `new_id` and records the move as an override.
async fn move_signal(
    conn: &mut sqlx::AnyConnection,
    member: &Member,
    barrier: &str,
    new_id: &str,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE signal_barriers SET cluster_id = $1 \
         WHERE source = $2 AND signal_id = $3 AND barrier = $4",
    )
    .bind(new_id)
    .bind(&member.source)
    .bind(&member.signal_id)
    .bind(barrier)
    .execute(&mut *conn)
    .await
    .context("signaal verplaatsen")?;
    sqlx::query(
        "INSERT INTO cluster_overrides (source, signal_id, barrier, cluster_id) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (source, signal_id, barrier) \
         DO UPDATE SET cluster_id = excluded.cluster_id",
    )
    .bind(&member.source)
    .bind(&member.signal_id)
    .bind(barrier)
    .bind(new_id)
    .execute(&mut *conn)
    .await
    .context("splitsing vastleggen")?;
    Ok(())
}
