//! Reading the layers (defaults, file, environment) and turning figment's errors into Dutch.

use super::{DEFAULTS, ENV_PREFIX};
use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Value};
use figment::Figment;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Defaults, then `file`, then the `KNOOPPUNT__…` pairs of `env`; problems with the file and
/// unknown keys go to `errors`.
pub(super) fn layers(
    file: Option<&Path>,
    env: impl IntoIterator<Item = (String, String)>,
    errors: &mut Vec<String>,
) -> Figment {
    let mut figment = Figment::from(Toml::string(DEFAULTS));
    if let Some(path) = file {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                if let Err(e) = text.parse::<toml::Table>() {
                    errors.push(format!(
                        "{}: geen geldige TOML: {}",
                        path.display(),
                        e.message()
                    ));
                } else {
                    figment = figment.merge(Toml::file(path));
                }
            }
            Err(e) => errors.push(format!("{} kan niet worden gelezen: {e}", path.display())),
        }
    }
    // Same rules as figment's `Env::prefixed(ENV_PREFIX).split("__")`, over the given pairs:
    // KNOOPPUNT__STORE__URL → store.url, values parsed as TOML-like literals.
    for (name, value) in env {
        let Some(rest) = name.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let key = rest.to_lowercase().replace("__", ".");
        let value: Value = value.parse().unwrap_or_else(|never| match never {});
        figment = figment.merge(Serialized::default(&key, value));
    }

    let defaults = Figment::from(Toml::string(DEFAULTS));
    match (defaults.extract::<Dict>(), figment.extract::<Dict>()) {
        (Ok(known), Ok(actual)) => unknown_keys(&known, &actual, "", errors),
        (_, Err(e)) => errors.extend(e.into_iter().map(|e| e.to_string())),
        (Err(e), _) => errors.push(format!("ingebouwde standaardwaarden onleesbaar: {e}")),
    }
    figment
}

/// One section of the configuration; its errors, with key and origin, go to `errors`.
pub(super) fn section<T: DeserializeOwned>(
    figment: &Figment,
    name: &str,
    errors: &mut Vec<String>,
) -> Option<T> {
    match figment.extract_inner::<T>(name) {
        Ok(value) => Some(value),
        Err(e) => {
            for error in e {
                let key = if error.path.is_empty() {
                    name.to_string()
                } else {
                    error.path.join(".")
                };
                let origin = error
                    .metadata
                    .as_ref()
                    .map(|m| format!(" (uit {})", m.name))
                    .unwrap_or_default();
                errors.push(format!("{key}: {}{origin}", dutch_kind(&error.kind)));
            }
            None
        }
    }
}

fn dutch_kind(kind: &figment::error::Kind) -> String {
    use figment::error::Kind;
    match kind {
        Kind::InvalidType(actual, expected) => {
            format!("verkeerd type: {actual}, verwacht {expected}")
        }
        Kind::InvalidValue(actual, expected) => {
            format!("ongeldige waarde {actual}, verwacht {expected}")
        }
        Kind::UnknownVariant(value, allowed) => {
            format!(
                "onbekende waarde '{value}', toegestaan: {}",
                allowed.join(", ")
            )
        }
        Kind::MissingField(field) => format!("ontbreekt: {field}"),
        Kind::UnknownField(field, _) => format!("onbekende sleutel '{field}'"),
        other => other.to_string(),
    }
}

/// Reports keys in `actual` that the defaults do not have (free-form tables excepted).
fn unknown_keys(known: &Dict, actual: &Dict, prefix: &str, errors: &mut Vec<String>) {
    for (key, value) in actual {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => errors.push(format!(
                "{path}: onbekende sleutel (als omgevingsvariabele: {ENV_PREFIX}{})",
                path.to_uppercase().replace('.', "__")
            )),
            Some(Value::Dict(_, known_child))
                if path != "kafka.options" && path != "processing_log.activities" =>
            {
                if let Value::Dict(_, actual_child) = value {
                    unknown_keys(known_child, actual_child, &path, errors);
                }
            }
            Some(_) => {}
        }
    }
}
