//! The register of areas (stadsdelen, wijken, buurten with their CBS codes) and of sources
//! (team and partner codes). Intake maps what people type — "Moerwijk Zuid", "moerwijk-zuid",
//! `WK051836`, "Schilderswijk Moeders" — to one canonical name, so one wijk or one team never
//! becomes two clusters or two "distinct sources"; an unknown name is refused with the nearest
//! known one as a suggestion (Jaro-Winkler, never echoing what was typed).
//!
//! The built-in register (`domain/data/register/`) holds Den Haag and Leiden; a municipality
//! configures its own files ([`Register::from_csv`]). The active register is loaded once per
//! process ([`install`]) and read by every intake channel and by the rules engine's decoder.

use crate::signal::{FieldError, Signal};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, LazyLock, RwLock};
use unicode_normalization::UnicodeNormalization;

/// The built-in areas file (Den Haag and Leiden).
pub const BUILTIN_AREAS: &str = include_str!("../data/register/gebieden.csv");
/// The built-in sources file (the demo's teams and partners).
pub const BUILTIN_SOURCES: &str = include_str!("../data/register/bronnen.csv");

/// Lowest Jaro-Winkler similarity at which a known name is suggested.
const SUGGEST_FROM: f64 = 0.82;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AreaKind {
    Stadsdeel,
    Wijk,
    Buurt,
}

/// One area of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    /// The canonical name, as signals store it.
    pub name: String,
    pub kind: AreaKind,
    /// `WKxxxxxx` or `BUxxxxxxxx`, when known.
    pub code: Option<String>,
    /// For a buurt: its wijk.
    pub wijk: Option<String>,
    pub stadsdeel: Option<String>,
    pub gemeente: String,
}

/// A wijk or buurt as a form suggests it: its name and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaOption {
    pub name: String,
    /// "wijk", "buurt in Moerwijk" (with the gemeente when the register has several).
    pub description: String,
}

/// One source: a team or partner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceEntry {
    /// What signals store and clusters count.
    pub code: String,
    /// How pages may show it.
    pub name: String,
}

/// What intake does with a source the register does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnknownSources {
    /// Refuse it, suggesting the nearest known source (the default).
    #[default]
    Refuse,
    /// Keep it as given: for a municipality that has not listed its sources yet. Known
    /// sources and their aliases are still mapped to their code.
    Accept,
}

#[derive(Debug, Clone, Default)]
pub struct Register {
    areas: Vec<Area>,
    area_keys: HashMap<String, usize>,
    /// The areas' aliases as the file writes them (`area_keys` holds their keys).
    area_aliases: Vec<String>,
    sources: Vec<SourceEntry>,
    source_keys: HashMap<String, usize>,
    unknown_sources: UnknownSources,
}

/// The lookup key of a name: NFC-decomposed, accents dropped, lower case, letters and digits
/// only — "Moerwijk Zuid", "moerwijk-zuid" and "MOERWIJK_ZUID" are one key.
pub fn key(text: &str) -> String {
    // Combining marks (accents) are dropped by their combining class, so what is left holds
    // starters only and a second pass finds nothing to reorder (found by the fuzz target).
    let lowered: String = text.chars().flat_map(char::to_lowercase).collect();
    lowered
        .nfd()
        .filter(|&c| {
            c.is_alphanumeric() && unicode_normalization::char::canonical_combining_class(c) == 0
        })
        .collect()
}

/// A CSV header cell as a column name: lower case, without a trailing year ("wijkcode2024").
impl Register {
    /// The register that ships with Knooppunt: Den Haag and Leiden, the demo's sources.
    pub fn builtin() -> Self {
        // The built-in files are checked by a unit test; an empty register would refuse
        // every signal, which that test would catch first.
        Self::from_csv(BUILTIN_AREAS, BUILTIN_SOURCES, UnknownSources::Refuse).unwrap_or_default()
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    /// Every name an area is known by, as the file writes it: the areas' names and their
    /// aliases.
    pub fn area_names(&self) -> impl Iterator<Item = &str> {
        self.areas
            .iter()
            .map(|area| area.name.as_str())
            .chain(self.area_aliases.iter().map(String::as_str))
    }

    /// The names a wijk or buurt is known by here, sorted (stadsdelen are too wide to report
    /// on): what a form suggests as the area is typed.
    pub fn local_area_names(&self) -> Vec<String> {
        let names: std::collections::BTreeSet<&str> = self
            .areas
            .iter()
            .filter(|a| a.kind != AreaKind::Stadsdeel)
            .map(|a| a.name.as_str())
            .collect();
        names.into_iter().map(str::to_string).collect()
    }

    /// [`Register::local_area_names`] with what each name is, for a form's suggestions: "wijk",
    /// "buurt in Moerwijk", with the gemeente when the register holds more than one ("wijk,
    /// Leiden"); a name that is more than one area lists each.
    pub fn local_area_options(&self) -> Vec<AreaOption> {
        let gemeenten: std::collections::BTreeSet<&str> =
            self.areas.iter().map(|a| a.gemeente.as_str()).collect();
        let mut options: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
        for area in self.areas.iter().filter(|a| a.kind != AreaKind::Stadsdeel) {
            let mut what = match (&area.kind, &area.wijk) {
                (AreaKind::Buurt, Some(wijk)) => format!("buurt in {wijk}"),
                (AreaKind::Buurt, None) => "buurt".to_string(),
                _ => "wijk".to_string(),
            };
            if gemeenten.len() > 1 {
                what = format!("{what}, {}", area.gemeente);
            }
            let described = options.entry(area.name.as_str()).or_default();
            if !described.contains(&what) {
                described.push(what);
            }
        }
        options
            .into_iter()
            .map(|(name, described)| AreaOption {
                name: name.to_string(),
                description: described.join("; "),
            })
            .collect()
    }

    pub fn sources(&self) -> &[SourceEntry] {
        &self.sources
    }

    /// How pages show a source: its name in the register ("Schilderswijk Moeders"), else its
    /// code as stored.
    pub fn source_name(&self, code: &str) -> String {
        self.sources
            .iter()
            .find(|source| source.code == code)
            .map_or_else(|| code.to_string(), |source| source.name.clone())
    }

    /// The name of the known area nearest to what was typed, if one is near enough: what a
    /// refusal suggests ("bedoelt u 'Moerwijk'?").
    pub fn suggest_area(&self, input: &str) -> Option<&str> {
        nearest(&key(input), &self.area_keys).map(|i| self.areas[i].name.as_str())
    }

    /// The area a name, alias or CBS code means; else a Dutch refusal that suggests the
    /// nearest known area and never repeats the input.
    pub fn resolve_area(&self, input: &str) -> Result<&Area, String> {
        let k = key(input);
        if let Some(&index) = self.area_keys.get(&k) {
            return Ok(&self.areas[index]);
        }
        Err(
            match self.suggest_area(input) {
                Some(name) => format!(
                    "onbekende wijk of buurt; bedoelt u '{name}'? Gebruik een naam of CBS-code uit het register van gebieden"
                ),
                None => "onbekende wijk of buurt; gebruik een naam of CBS-code (zoals WK051836) uit het register van gebieden".into(),
            },
        )
    }

    /// The area a signal of `area` is clustered under: a buurt's wijk, so that one wijk is one
    /// cluster whether a team chose the wijk or one of its buurten (and an overleg member of
    /// the wijk sees both); any other area as it is given.
    pub fn cluster_area<'a>(&'a self, area: &'a str) -> &'a str {
        match self.area_keys.get(&key(area)).map(|&i| &self.areas[i]) {
            Some(Area {
                kind: AreaKind::Buurt,
                wijk: Some(wijk),
                ..
            }) => wijk,
            _ => area,
        }
    }

    /// The code a source name or alias means. An unknown source is refused with the nearest
    /// known code as a suggestion, or kept as given when the register accepts unknown sources.
    pub fn resolve_source(&self, input: &str) -> Result<String, String> {
        let k = key(input);
        if let Some(&index) = self.source_keys.get(&k) {
            return Ok(self.sources[index].code.clone());
        }
        if self.unknown_sources == UnknownSources::Accept {
            return Ok(input.to_string());
        }
        Err(
            match nearest(&k, &self.source_keys).map(|i| &self.sources[i].code) {
                Some(code) => format!(
                    "onbekende bron; bedoelt u '{code}'? Gebruik de code van uw team uit het register van bronnen"
                ),
                None => "onbekende bron; gebruik de code van uw team uit het register van bronnen".into(),
            },
        )
    }

    /// Maps a signal's area and source to their canonical names, or says why not (both at
    /// once, each on its field).
    pub fn apply(&self, signal: &mut Signal) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        match self.resolve_source(&signal.source) {
            Ok(code) => signal.source = code,
            Err(message) => errors.push(FieldError::new("source", message)),
        }
        match self.resolve_area(&signal.area) {
            Ok(area) => signal.area = area.name.clone(),
            Err(message) => errors.push(FieldError::new("area", message)),
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// A refused signal's errors (`errors`, from [`crate::signal::parse_signal`] of `value`)
    /// with the source and area this register does not know added, each on its field and in
    /// the contract's order: one correction then fixes everything, instead of an unknown wijk
    /// coming to light only once the date and the text are right. A field the contract
    /// already refused, or that is missing or empty, is not looked up.
    pub fn with_unknown_labels(
        &self,
        value: &serde_json::Value,
        mut errors: Vec<FieldError>,
    ) -> Vec<FieldError> {
        for field in ["source", "area"] {
            if errors.iter().any(|e| e.field == field) {
                continue;
            }
            let Some(given) = value.get(field).and_then(serde_json::Value::as_str) else {
                continue;
            };
            let given = crate::normalise::normalise_label(given);
            if given.is_empty() {
                continue;
            }
            let refused = match field {
                "source" => self.resolve_source(&given).err(),
                _ => self.resolve_area(&given).err(),
            };
            if let Some(message) = refused {
                errors.push(FieldError::new(field, message));
            }
        }
        // Stable: errors on names outside the contract (sent twice, unknown) stay first.
        let rank = |e: &FieldError| {
            crate::signal::CONTRACT_FIELDS
                .iter()
                .position(|f| *f == e.field)
                .map_or(0, |i| i + 1)
        };
        errors.sort_by_key(rank);
        errors
    }

    /// Wijk or buurt → its stadsdeel, for the brief's roll-up of small wijken.
    pub fn wider_areas(&self) -> BTreeMap<String, String> {
        self.areas
            .iter()
            .filter(|a| a.kind != AreaKind::Stadsdeel)
            .filter_map(|a| {
                a.stadsdeel
                    .as_ref()
                    .filter(|s| **s != a.name)
                    .map(|s| (a.name.clone(), s.clone()))
            })
            .collect()
    }
}

/// The entry whose key is most like `k`, when it is like enough.
fn nearest(k: &str, keys: &HashMap<String, usize>) -> Option<usize> {
    if k.is_empty() {
        return None;
    }
    keys.iter()
        .map(|(candidate, &index)| (strsim::jaro_winkler(k, candidate), candidate, index))
        .filter(|(score, _, _)| *score >= SUGGEST_FROM)
        // Highest score; ties broken by key so the suggestion does not depend on hash order.
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, _, index)| index)
}

static BUILTIN: LazyLock<Arc<Register>> = LazyLock::new(|| Arc::new(Register::builtin()));
static ACTIVE: RwLock<Option<Arc<Register>>> = RwLock::new(None);

/// The register intake and the engine use: the installed one, else the built-in one.
pub fn active() -> Arc<Register> {
    match ACTIVE.read() {
        Ok(guard) => guard.clone().unwrap_or_else(|| BUILTIN.clone()),
        Err(poisoned) => poisoned
            .into_inner()
            .clone()
            .unwrap_or_else(|| BUILTIN.clone()),
    }
}

/// [`crate::signal::parse_signal`]; a refusal also names the source and wijk the process's
/// register does not know ([`Register::with_unknown_labels`]). What every channel reads a
/// signal with: the API and the form, the CSV and JSON-lines imports, a partner's envelope.
pub fn parse_signal(
    value: &serde_json::Value,
    today: chrono::NaiveDate,
) -> Result<Signal, Vec<FieldError>> {
    crate::signal::parse_signal(value, today)
        .map_err(|errors| active().with_unknown_labels(value, errors))
}

/// Makes `register` the process's register (done once at start from the configuration).
pub fn install(register: Register) {
    let register = Some(Arc::new(register));
    match ACTIVE.write() {
        Ok(mut guard) => *guard = register,
        Err(poisoned) => *poisoned.into_inner() = register,
    }
}

/// The built-in register (what the anonymiser knows as places, whatever a deployment installs).
pub fn builtin() -> &'static Register {
    &BUILTIN
}

/// The built-in register with another policy for unknown sources.
pub fn builtin_with(unknown_sources: UnknownSources) -> Register {
    let mut register = (**BUILTIN).clone();
    register.unknown_sources = unknown_sources;
    register
}

mod read;

#[cfg(test)]
mod tests;
