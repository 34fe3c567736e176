//! What went wrong in the store, in the terms a caller decides by: whether a retry helps.
//! Every sqlx error is classified here, in one place.

/// Whether a retry helps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The database cannot be reached or is busy: the same write later will succeed.
    Unavailable,
    /// The database refuses this data (a constraint, a value it cannot hold): a retry
    /// fails the same way; set the message aside and move on.
    Rejected,
    /// Stored data cannot be read, or the schema is not what this build expects: stop.
    Corrupt,
}

/// A store error with its class.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database niet bereikbaar: {0}")]
    Unavailable(#[source] sqlx::Error),
    #[error("database weigert de gegevens: {0}")]
    Rejected(#[source] sqlx::Error),
    #[error("opgeslagen gegevens onleesbaar: {0}")]
    Corrupt(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    pub fn class(&self) -> ErrorClass {
        match self {
            StoreError::Unavailable(_) => ErrorClass::Unavailable,
            StoreError::Rejected(_) => ErrorClass::Rejected,
            StoreError::Corrupt(_) => ErrorClass::Corrupt,
        }
    }

    /// A stored value that does not parse.
    pub fn corrupt(what: impl std::fmt::Display) -> Self {
        StoreError::Corrupt(what.to_string())
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match classify(&error) {
            ErrorClass::Unavailable => StoreError::Unavailable(error),
            ErrorClass::Rejected => StoreError::Rejected(error),
            ErrorClass::Corrupt => StoreError::Corrupt(error.to_string()),
        }
    }
}

/// The class of a sqlx error.
pub fn classify(error: &sqlx::Error) -> ErrorClass {
    use sqlx::Error as E;
    match error {
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => {
            ErrorClass::Unavailable
        }
        E::Protocol(_) => ErrorClass::Unavailable,
        E::Database(db) => classify_database(db.as_ref()),
        _ => ErrorClass::Corrupt,
    }
}

fn classify_database(db: &dyn sqlx::error::DatabaseError) -> ErrorClass {
    use sqlx::error::ErrorKind;
    match db.kind() {
        ErrorKind::UniqueViolation
        | ErrorKind::ForeignKeyViolation
        | ErrorKind::NotNullViolation
        | ErrorKind::CheckViolation => return ErrorClass::Rejected,
        _ => {}
    }
    let code = db.code().map(|c| c.into_owned()).unwrap_or_default();
    classify_code(&code)
}

/// By error code: PostgreSQL's SQLSTATE (always five characters, often all digits) or
/// SQLite's result code (a number of at most four digits, possibly extended: the primary
/// code is its low byte).
pub fn classify_code(code: &str) -> ErrorClass {
    let sqlite = code.len() < 5;
    if let Some(number) = code.parse::<i64>().ok().filter(|_| sqlite) {
        return match number & 0xff {
            // BUSY, LOCKED, NOMEM, IOERR, FULL, CANTOPEN, PROTOCOL
            5 | 6 | 7 | 10 | 13 | 14 | 15 => ErrorClass::Unavailable,
            // TOOBIG, CONSTRAINT, MISMATCH, RANGE
            18 | 19 | 20 | 25 => ErrorClass::Rejected,
            // CORRUPT, NOTADB, SCHEMA, anything else (a query this build cannot run)
            _ => ErrorClass::Corrupt,
        };
    }
    match code.get(..2).unwrap_or_default() {
        // connection, insufficient resources, operator intervention, serialization/deadlock
        "08" | "53" | "57" | "40" => ErrorClass::Unavailable,
        _ if code == "55P03" => ErrorClass::Unavailable,
        // data exception, integrity constraint
        "22" | "23" => ErrorClass::Rejected,
        _ => ErrorClass::Corrupt,
    }
}

/// The class of an error chain that may hold a store error (directly or under context);
/// `None` when no store or database error is in it.
pub fn class_of(error: &anyhow::Error) -> Option<ErrorClass> {
    error.chain().find_map(|cause| {
        if let Some(store) = cause.downcast_ref::<StoreError>() {
            Some(store.class())
        } else {
            cause.downcast_ref::<sqlx::Error>().map(classify)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_both_backends_are_classified() {
        assert_eq!(classify_code("5"), ErrorClass::Unavailable); // SQLITE_BUSY
        assert_eq!(classify_code("2067"), ErrorClass::Rejected); // SQLITE_CONSTRAINT_UNIQUE
        assert_eq!(classify_code("11"), ErrorClass::Corrupt); // SQLITE_CORRUPT
        assert_eq!(classify_code("08006"), ErrorClass::Unavailable);
        assert_eq!(classify_code("57P01"), ErrorClass::Unavailable);
        assert_eq!(classify_code("22001"), ErrorClass::Rejected);
        assert_eq!(classify_code("23505"), ErrorClass::Rejected);
        assert_eq!(classify_code("42P01"), ErrorClass::Corrupt);
        assert_eq!(
            classify(&sqlx::Error::PoolTimedOut),
            ErrorClass::Unavailable
        );
        assert_eq!(classify(&sqlx::Error::RowNotFound), ErrorClass::Corrupt);
    }

    #[test]
    fn the_class_survives_context() {
        use anyhow::Context;
        let error = Err::<(), _>(sqlx::Error::PoolTimedOut)
            .context("signalen opslaan")
            .unwrap_err();
        assert_eq!(class_of(&error), Some(ErrorClass::Unavailable));
        let error = anyhow::Error::new(StoreError::corrupt("datum x")).context("lezen");
        assert_eq!(class_of(&error), Some(ErrorClass::Corrupt));
        assert_eq!(class_of(&anyhow::anyhow!("iets anders")), None);
    }
}
