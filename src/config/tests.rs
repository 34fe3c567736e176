use super::*;
use std::io::Write;

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The errors of loading `file` (if any) with the environment `pairs`.
fn load_errors(file: Option<&Path>, pairs: &[(&str, &str)]) -> Vec<String> {
    Config::load_with_env(file, env(pairs)).unwrap_err().0
}

fn file(content: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(content.as_bytes()).unwrap();
    f
}

#[test]
fn defaults_are_embedded() {
    let config = Config::load_with_env(None, env(&[])).unwrap();
    assert_eq!(config.transport.kind, TransportKind::Embedded);
    assert!(config.store.url.starts_with("sqlite://"));
    assert_eq!(config.brief.min_group_size, 5);
}

#[test]
fn file_overrides_defaults_and_environment_overrides_file() {
    let f = file("[store]\nurl = \"postgres://postgres@127.0.0.1/k\"\n[engine]\nbatch_size = 50\n");
    let config = Config::load_with_env(
        Some(f.path()),
        env(&[("KNOOPPUNT__ENGINE__BATCH_SIZE", "7"), ("OTHER__X", "1")]),
    )
    .unwrap();
    assert_eq!(config.store.url, "postgres://postgres@127.0.0.1/k");
    assert_eq!(config.engine.batch_size, 7);
}

#[test]
fn every_error_is_listed_at_once() {
    let f = file("[store]\nurl = \"mysql://x\"\nmax_connections = \"veel\"\n[onzin]\na = 1\n[intake]\nlisten = \"hier\"\nkleur = \"rood\"\n");
    let errors = load_errors(Some(f.path()), &[("KNOOPPUNT__ENGINE__TURBO", "1")]);
    let joined = errors.join("\n");
    for expect in ["onzin", "intake.kleur", "engine.turbo", "max_connections"] {
        assert!(joined.contains(expect), "{expect} missing in:\n{joined}");
    }
    assert!(errors.len() >= 4, "{joined}");
}

#[test]
fn semantic_errors_are_listed_together() {
    let errors = load_errors(
        None,
        &[
            ("KNOOPPUNT__STORE__URL", "mysql://x"),
            ("KNOOPPUNT__INTAKE__LISTEN", "hier"),
            ("KNOOPPUNT__TRANSPORT__KIND", "kafka"),
            (
                "KNOOPPUNT__KAFKA__DEAD_LETTER_TOPIC",
                "knooppunt.signals.v1",
            ),
        ],
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn min_insync_replicas_above_the_replication_factor_is_refused() {
    let errors = load_errors(
        None,
        &[
            ("KNOOPPUNT__TRANSPORT__KIND", "kafka"),
            ("KNOOPPUNT__KAFKA__REPLICATION_FACTOR", "1"),
            ("KNOOPPUNT__KAFKA__MIN_INSYNC_REPLICAS", "2"),
            ("KNOOPPUNT__KAFKA__RETENTION_MS", "0"),
        ],
    );
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("kafka.min_insync_replicas"),
        "{errors:?}"
    );
    assert!(errors[1].contains("kafka.retention_ms"), "{errors:?}");
}

#[test]
fn a_missing_config_file_is_an_error() {
    let errors = load_errors(Some(Path::new("/bestaat/niet.toml")), &[]);
    assert!(errors[0].contains("kan niet worden gelezen"));
}

#[test]
fn passwords_are_masked() {
    assert_eq!(
        mask_password("postgres://k:geheim@db:5432/k"),
        "postgres://k:***@db:5432/k"
    );
    let mut config = Config::load_with_env(None, env(&[])).unwrap();
    config.store.url = "postgres://k:geheim@db/k".into();
    assert!(!format!("{config:?}").contains("geheim"));
    assert!(!config.to_display_toml().contains("geheim"));
}

#[test]
fn require_token_takes_true_false_or_auto() {
    for (value, expected) in [
        ("true", RequireToken::Always),
        ("false", RequireToken::Never),
        ("auto", RequireToken::Auto),
    ] {
        let config =
            Config::load_with_env(None, env(&[("KNOOPPUNT__INTAKE__REQUIRE_TOKEN", value)]))
                .unwrap();
        assert_eq!(config.intake.require_token, expected, "{value}");
    }
    let errors = load_errors(None, &[("KNOOPPUNT__INTAKE__REQUIRE_TOKEN", "soms")]).join("\n");
    assert!(
        errors.contains("require_token") && errors.contains("verwacht true, false of"),
        "{errors}"
    );
    let errors = load_errors(
        None,
        &[
            ("KNOOPPUNT__WEB__OPS_LISTEN", "ergens"),
            ("KNOOPPUNT__INTAKE__HEADER_TIMEOUT_SECS", "0"),
            ("KNOOPPUNT__WEB__CLIENT_IP_HEADER", "geen kop"),
        ],
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn example_configs_in_deploy_parse() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            Config::load_with_env(Some(&path), env(&[]))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            seen += 1;
        }
    }
    assert!(
        seen >= 2,
        "expected the embedded and the Kafka + PostgreSQL examples"
    );
}

#[test]
fn a_theme_file_that_cannot_be_read_is_a_dutch_error_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("huisstijl.css");
    let theme = |css: &Path| {
        load_errors(
            None,
            &[("KNOOPPUNT__WEB__THEME_CSS", css.to_str().unwrap())],
        )
    };
    let errors = theme(&missing);
    assert_eq!(
        errors,
        vec![format!(
            "web.theme_css: het huisstijlbestand {} bestaat niet",
            missing.display()
        )]
    );
    let errors = theme(dir.path());
    assert!(errors[0].ends_with("is geen bestand"), "{errors:?}");
    let latin1 = file("");
    std::fs::write(latin1.path(), b":root { --x: \"caf\xe9\"; }").unwrap();
    let errors = theme(latin1.path());
    assert!(errors[0].contains("is geen UTF-8-tekst"), "{errors:?}");
}

#[test]
fn a_theme_file_is_read_and_no_theme_is_the_default() {
    let tokens = file(":root { --utrecht-document-font-family: \"TheSans\", sans-serif; }\n");
    let config = Config::load_with_env(
        None,
        env(&[("KNOOPPUNT__WEB__THEME_CSS", tokens.path().to_str().unwrap())]),
    )
    .unwrap();
    let css = config.web.theme().unwrap().unwrap();
    assert!(css.contains("--utrecht-document-font-family"), "{css}");
    let plain = Config::load_with_env(None, env(&[])).unwrap();
    assert_eq!(plain.web.theme(), Ok(None));
}

#[test]
fn notes_for_the_brief_default_to_the_checkout_and_named_folders_must_exist() {
    let plain = Config::load_with_env(None, env(&[])).unwrap();
    assert!(plain.brief.named_note_dirs().is_empty());
    assert_eq!(
        plain.brief.note_dirs(),
        crate::recognition::DEFAULT_NOTE_DIRS.map(std::path::PathBuf::from)
    );
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("notities");
    let config = |dirs: &[&Path]| {
        let list: Vec<String> = dirs
            .iter()
            .map(|d| format!("{:?}", d.display().to_string()))
            .collect();
        file(&format!(
            "[brief]\nmin_group_size = 5\nnotes_dirs = [{}]\n",
            list.join(", ")
        ))
    };
    let named = config(&[dir.path()]);
    let loaded = Config::load_with_env(Some(named.path()), env(&[])).unwrap();
    assert_eq!(
        loaded.brief.named_note_dirs(),
        vec![dir.path().to_path_buf()]
    );
    assert_eq!(loaded.brief.note_dirs(), vec![dir.path().to_path_buf()]);
    let wrong = config(&[dir.path(), &missing]);
    assert_eq!(
        load_errors(Some(wrong.path()), &[]),
        vec![format!(
            "brief.notes_dirs: map {} bestaat niet (de eigen notities waarop de herkenning voor \
             de brief wordt gemeten)",
            missing.display()
        )]
    );
}

#[test]
fn the_limit_per_client_holds_on_a_direct_listener_and_not_behind_a_proxy() {
    let direct = Config::load_with_env(None, env(&[])).unwrap();
    assert_eq!(direct.server_limits().max_per_client, Some(64));
    let proxied = Config::load_with_env(
        None,
        env(&[("KNOOPPUNT__WEB__CLIENT_IP_HEADER", "X-Forwarded-For")]),
    )
    .unwrap();
    assert_eq!(proxied.server_limits().max_per_client, None);
    let off = Config::load_with_env(
        None,
        env(&[("KNOOPPUNT__INTAKE__MAX_CONNECTIONS_PER_CLIENT", "0")]),
    )
    .unwrap();
    assert_eq!(off.server_limits().max_per_client, None);
}
