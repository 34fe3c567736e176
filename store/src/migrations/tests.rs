//! The rendered migrations keep the checksums databases already store, and malformed blocks
//! are refused with the file and line.

use super::render::render;
use super::*;

/// Hex SHA-384 of each migration's SQL as `sqlx::migrate!` computed it from the former folders
/// `store/migrations/sqlite` and `store/migrations/postgres`. A database stores these in
/// `_sqlx_migrations`; a rendered migration that changes by one byte stops it from starting.
/// Never edit a row: add one for a new migration.
const SQLITE_CHECKSUMS: &[(i64, &str)] = &[
    (1, "21a657b3cf9a89d001f858c6b62539dee0884758ac523495f037b94270dda1a5f9a99c1d2f779efe255bddb568641e43"),
    (2, "30b741d6a8b4558abcfb6a2f0c2580af7ef77c3c7c8dca03bc654693dea4ce4756dbc08a83f9455a81dbff6e6dd22d2d"),
    (3, "4d21594254d8c7f06d9ecc97154c7d287ee34aa0b4b8d4b9b5300e315856230c7bdf2288b084d9c3c8a22b9335075f57"),
    (4, "2213321d217c9eab835393cfb97a692f9f9c2cb9b41e056e88e2485e0b1e4ff89ccad5b2bc7534652075cf452dde1c16"),
    (5, "8ebda91ad2e767dad20c2ff8b0cb57e71ccd07110b53505b57f0bc5d4360168cbed2f11d3b0a319f7e70b394c5468832"),
    (6, "5b203d50028408c5f12c5a07655a05b0d4108cfbe2972d13d751cf4baa4c080e9386e11eff29d9eef126368926046650"),
    (7, "3228fd7a37a419686b2b309a986ce12a3031c6bfb413ebda2a6d9313823b7636cfb2e20479db2aedfc503c0f882763b0"),
    (10, "d23e461d57b073ae8c83f2cba8e2a7040897da3bc6e8140107f01ae18ded4c49c53c1f242426dc4fe0276251d69a013f"),
    (15, "cf8dec4686cedcd8f7e6c419442a9149be1c101d90c93df78ff0eca92a2e01b90236395831d4dba7c13334d4f2b24307"),
    (16, "1ee5a566b0ef55deff6863886c5ca7be12d3008a71080cfc99172a9786e0c16620a7349f60a24c9cc7c44814c566c101"),
    (20, "c2fe6bbc951078b39b5663d9af7ec38b4656baef71cbc28c5419fd0dcfa6ea7ba2a3c9149822d4afce0ca781d08d7bf6"),
    (21, "e37a9a1be3a56fbcf6daa49b6556fcc0ae9441e0828f9a4db9e12e86733eadedf553a7fd26a7115484d915f3dc16af45"),
    (22, "77305303652a2ac4b97d58e6a4f2840bcf5bfff2adca4ccd26b6a16812cf69dfb64861508178d2851f189030f593b4ef"),
    (23, "1bbdf9ec36f745a245e0102c8d9570684dad007bd3a0a6992d6aa58efdda1f2f5ac29ad0e05740723e5b955d704c30fe"),
    (24, "02adf582f11b537aaa309416761e50e335f62453c9d80b7e51452777b626952d202175d8d683167473a7a883789a7cef"),
    (25, "8c3101a764bcc9ec74c3537918e6eb91b74f1cd972f846c55c6311f5481db5a7cc508bb030578578996b5860bcee0e3c"),
    (26, "03b394b6fbd25d62a94e92124b224fb4caae298b3df6e7781d88d30c6ea83500e8dec301e20b0e6843083d8aec7922d8"),
    (27, "fd61cf63974a395eeecc45bab3a2df433102e06cb55378ea5b7659e85412b4bbb705988abe4155ef97b23c47d469ea86"),
    (28, "7e2b491ea8a9b0e3cec18d62ab2bb5dec496a986788119cccdc430911eed67214b04069c0ce45bff666b89d67e467125"),
];

/// As [`SQLITE_CHECKSUMS`], for PostgreSQL.
const POSTGRES_CHECKSUMS: &[(i64, &str)] = &[
    (1, "1a972c29c0923e888486916db437bd50499dd55dbd1bf526a56d040a2780cd9f9a3344d55515e6c07eef5a5d0eee21cb"),
    (2, "30b741d6a8b4558abcfb6a2f0c2580af7ef77c3c7c8dca03bc654693dea4ce4756dbc08a83f9455a81dbff6e6dd22d2d"),
    (3, "6d87a9f22ecd3b54cf65e56518988d133d3b90ce9505d8b80b4ceee9696c8e58bebc92e1cd5f666916edd44eebe0bff2"),
    (4, "0634b4ebdd13a7c7f0665bbbb70778131da8486090c0f89303303dc1dbbe9715080bdde8d053297267ef8b37074ce047"),
    (5, "8ebda91ad2e767dad20c2ff8b0cb57e71ccd07110b53505b57f0bc5d4360168cbed2f11d3b0a319f7e70b394c5468832"),
    (6, "b81b6ba273d83e7319614c66d82b7242a3a274bcf89b6510094ce8d9f2deec1b9e6cd571b971395ccbfb63ed1c2276c8"),
    (7, "3228fd7a37a419686b2b309a986ce12a3031c6bfb413ebda2a6d9313823b7636cfb2e20479db2aedfc503c0f882763b0"),
    (10, "d23e461d57b073ae8c83f2cba8e2a7040897da3bc6e8140107f01ae18ded4c49c53c1f242426dc4fe0276251d69a013f"),
    (15, "4214999c112a06a1410c3bdf1de79af15a46768e1c308d655041adfdcb55cbbd1dced43566ab3244e0f08a2a9645deec"),
    (16, "1ee5a566b0ef55deff6863886c5ca7be12d3008a71080cfc99172a9786e0c16620a7349f60a24c9cc7c44814c566c101"),
    (20, "132a5300eb01ee6418637c096a485fff6b5e8b645d1e250f52f2e8eb3825f0be614e169e6586e9892af47e7e191a81de"),
    (21, "e37a9a1be3a56fbcf6daa49b6556fcc0ae9441e0828f9a4db9e12e86733eadedf553a7fd26a7115484d915f3dc16af45"),
    (22, "2ef14134951d93a3870c943adc42cfd8d91af432ebbef5b8642b4cd7bb6598430c8be30b8685afd2ae785cd21cbbb4f6"),
    (23, "ce3d3e4b5be9f8ed4539f214c6c4b1126b8dcd32138af7a067b4ae2d94cbd6af97c0477b236e20c5e91cb5d86a6eb9ed"),
    (24, "02adf582f11b537aaa309416761e50e335f62453c9d80b7e51452777b626952d202175d8d683167473a7a883789a7cef"),
    (25, "8c3101a764bcc9ec74c3537918e6eb91b74f1cd972f846c55c6311f5481db5a7cc508bb030578578996b5860bcee0e3c"),
    (26, "03b394b6fbd25d62a94e92124b224fb4caae298b3df6e7781d88d30c6ea83500e8dec301e20b0e6843083d8aec7922d8"),
    (27, "fd61cf63974a395eeecc45bab3a2df433102e06cb55378ea5b7659e85412b4bbb705988abe4155ef97b23c47d469ea86"),
    (28, "b9780f3a395d1e5b5f622554563d278afaa7985c0eac18de6303d3bdef9883e1addaa3817e11b3f28a71fc22600001da"),
];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[test]
fn every_migration_keeps_its_pinned_checksum() {
    for (backend, pinned) in [
        (Backend::Sqlite, SQLITE_CHECKSUMS),
        (Backend::Postgres, POSTGRES_CHECKSUMS),
    ] {
        let rendered: Vec<(i64, String)> = migrator(backend)
            .iter()
            .map(|migration| (migration.version, hex(&migration.checksum)))
            .collect();
        let pinned: Vec<(i64, String)> = pinned
            .iter()
            .map(|(version, checksum)| (*version, checksum.to_string()))
            .collect();
        assert_eq!(
            rendered, pinned,
            "{backend:?}: a migration's SQL changed, or a row is missing"
        );
    }
}

#[test]
fn migrations_are_named_as_sqlx_names_them() {
    let migrations = migrations(Backend::Postgres);
    let first = &migrations[0];
    assert_eq!((first.version, first.description.as_ref()), (1, "init"));
    let last = migrations.last().unwrap();
    assert_eq!(last.description, "label withdrawals");
    assert!(migrations.iter().all(|migration| {
        migration.migration_type == MigrationType::Simple && !migration.no_tx
    }));
}

const FILE: &str = "0099_test.sql";

#[test]
fn shared_lines_stay_and_each_backend_gets_its_own_part() {
    let source = "CREATE TABLE t (\n-- @sqlite\n    seq INTEGER PRIMARY KEY AUTOINCREMENT,\n-- @postgres\n    seq BIGSERIAL PRIMARY KEY,\n-- @end\n    name TEXT\n);";
    assert_eq!(
        render(FILE, source, "sqlite").unwrap(),
        "CREATE TABLE t (\n    seq INTEGER PRIMARY KEY AUTOINCREMENT,\n    name TEXT\n);"
    );
    assert_eq!(
        render(FILE, source, "postgres").unwrap(),
        "CREATE TABLE t (\n    seq BIGSERIAL PRIMARY KEY,\n    name TEXT\n);"
    );
    // A block may name one backend only; the other gets nothing of it.
    let source = "-- @postgres\nALTER TABLE t DROP CONSTRAINT c;\n-- @end\nSELECT 1;\n";
    assert_eq!(render(FILE, source, "sqlite").unwrap(), "SELECT 1;\n");
    assert_eq!(
        render(FILE, source, "postgres").unwrap(),
        "ALTER TABLE t DROP CONSTRAINT c;\nSELECT 1;\n"
    );
}

fn error(source: &str) -> String {
    let sqlite = render(FILE, source, "sqlite").unwrap_err();
    assert_eq!(render(FILE, source, "postgres").unwrap_err(), sqlite);
    sqlite
}

#[test]
fn a_block_that_is_not_closed_is_refused() {
    assert_eq!(
        error("SELECT 1;\n-- @sqlite\nSELECT 2;\n-- @postgres\nSELECT 3;\n"),
        "migratie 0099_test.sql, regel 2: blok `-- @sqlite` wordt niet afgesloten met `-- @end`"
    );
}

#[test]
fn an_end_without_a_block_is_refused() {
    assert_eq!(
        error("-- @postgres\nSELECT 1;\n-- @end\n-- @end\n"),
        "migratie 0099_test.sql, regel 4: `-- @end` zonder open blok"
    );
}

#[test]
fn a_block_inside_a_block_is_refused() {
    assert_eq!(
        error("SELECT 1;\n-- @sqlite\nSELECT 2;\n-- @sqlite\nSELECT 3;\n-- @end\n-- @end\n"),
        "migratie 0099_test.sql, regel 4: blok `-- @sqlite` staat binnen het blok van regel 2; sluit dat eerst af met `-- @end`"
    );
    assert_eq!(
        error("-- @postgres\nSELECT 2;\n-- @sqlite\nSELECT 3;\n  -- @postgres\n-- @end\n"),
        "migratie 0099_test.sql, regel 5: blok `-- @postgres` staat binnen het blok van regel 1; sluit dat eerst af met `-- @end`"
    );
}

#[test]
fn an_unknown_tag_is_refused() {
    assert_eq!(
        error("SELECT 1;\n-- @mysql\nSELECT 2;\n-- @end\n"),
        "migratie 0099_test.sql, regel 2: onbekende markering `-- @mysql` (bekend zijn `-- @sqlite`, `-- @postgres` en `-- @end`)"
    );
}

#[test]
fn a_file_name_is_split_as_sqlx_splits_it() {
    use super::render::split_name;
    assert_eq!(split_name("0001_init.sql"), Some(Ok((1, "init.sql"))));
    assert_eq!(
        split_name("0026_brief_covering_indexes.sql"),
        Some(Ok((26, "brief_covering_indexes.sql")))
    );
    assert_eq!(split_name("README.md"), None);
    assert_eq!(split_name("0001_init.txt"), None);
    assert_eq!(
        split_name("v1_init.sql"),
        Some(Err("migratie v1_init.sql: de naam begint niet met een versienummer (zoals `0001_init.sql`)".into()))
    );
}
