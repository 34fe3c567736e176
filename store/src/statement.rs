//! Running one statement on the pool: its SQL and its parameters in, typed rows out. The
//! aggregates say what they ask (`self.rows(sql, params![a, Text(day)])`) instead of
//! repeating sqlx's query/bind/fetch chain.

use crate::Store;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::FromRow;

/// A statement's parameters, bound in order: `params![source, limit, Text(day)]`. Used in a
/// function returning a `Result` whose error converts from `sqlx::Error`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut args = sqlx::any::AnyArguments::default();
        $(sqlx::Arguments::add(&mut args, $value).map_err(sqlx::Error::Encode)?;)*
        args
    }};
}
pub(crate) use params;

/// A row type sqlx can read from a row of either backend.
pub(crate) trait Row: for<'r> FromRow<'r, AnyRow> + Send + Unpin {}
impl<T: for<'r> FromRow<'r, AnyRow> + Send + Unpin> Row for T {}

/// A value type sqlx can read from a row's only column.
pub(crate) trait Scalar:
    sqlx::Type<sqlx::Any> + for<'r> sqlx::Decode<'r, sqlx::Any> + Send + Unpin
{
}
impl<T: sqlx::Type<sqlx::Any> + for<'r> sqlx::Decode<'r, sqlx::Any> + Send + Unpin> Scalar for T {}

/// Runs `sql` on a connection (or inside a transaction); the rows it changed.
pub(crate) async fn run_on<'q>(
    conn: &mut sqlx::AnyConnection,
    sql: &'q str,
    params: AnyArguments<'q>,
) -> sqlx::Result<u64> {
    let done = sqlx::query_with(sql, params).execute(conn).await?;
    Ok(done.rows_affected())
}

impl Store {
    /// Every row `sql` selects.
    pub(crate) async fn rows<'q, T: Row>(
        &self,
        sql: &'q str,
        params: AnyArguments<'q>,
    ) -> sqlx::Result<Vec<T>> {
        sqlx::query_as_with(sql, params).fetch_all(&self.pool).await
    }

    /// The row `sql` selects, if any.
    pub(crate) async fn row<'q, T: Row>(
        &self,
        sql: &'q str,
        params: AnyArguments<'q>,
    ) -> sqlx::Result<Option<T>> {
        sqlx::query_as_with(sql, params)
            .fetch_optional(&self.pool)
            .await
    }

    /// The value `sql` selects, if it selects a row (a count or an aggregate always does).
    pub(crate) async fn value<'q, T: Scalar>(
        &self,
        sql: &'q str,
        params: AnyArguments<'q>,
    ) -> sqlx::Result<Option<T>> {
        let row: Option<(T,)> = self.row(sql, params).await?;
        Ok(row.map(|(value,)| value))
    }

    /// Runs `sql`; the rows it changed.
    pub(crate) async fn run<'q>(
        &self,
        sql: &'q str,
        params: AnyArguments<'q>,
    ) -> sqlx::Result<u64> {
        let done = sqlx::query_with(sql, params).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
