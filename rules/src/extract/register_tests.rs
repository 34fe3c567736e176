use super::*;
use crate::cases::{self, case_file};
use std::collections::HashMap;
use std::sync::LazyLock;

struct Register {
    aliases: Regex,
    names: HashMap<String, String>,
    roles: HashMap<String, OrganisationRole>,
    /// `responsible` of the `[[barrier]]` tables, by barrier id.
    shows: HashMap<String, Shows>,
    /// The ids of the `[[barrier]]` tables.
    barriers: Vec<String>,
}

/// The `[[organisation]]` tables (and each barrier's `responsible`) of the shipped rules file,
/// read as plain TOML (the rule set keeps its own copy private).
static REGISTER: LazyLock<Register> = LazyLock::new(|| {
    let file: toml::Table = include_str!("../../default_rules.toml")
        .parse()
        .expect("rules");
    let strings = |table: &toml::Table, key: &str| -> Vec<String> {
        table
            .get(key)
            .and_then(toml::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let flag = |table: &toml::Table, key: &str| {
        table
            .get(key)
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    };
    let mut names = HashMap::new();
    let mut roles = HashMap::new();
    let mut aliases = Vec::new();
    let tables = file["organisation"].as_array().expect("organisations");
    for table in tables.iter().filter_map(toml::Value::as_table) {
        let name = table["name"].as_str().expect("name").to_string();
        for alias in strings(table, "aliases") {
            let alias = knooppunt_domain::text::normalise(&alias);
            assert!(
                names.insert(alias.clone(), name.clone()).is_none(),
                "{alias} twice"
            );
            aliases.push(regex::escape(&alias));
        }
        let role = OrganisationRole {
            barriers: strings(table, "barriers"),
            bystander: flag(table, "bystander"),
            secondary: flag(table, "secondary"),
            part_of: table
                .get("part_of")
                .and_then(toml::Value::as_str)
                .map(String::from),
            generic: flag(table, "generic"),
        };
        roles.insert(name, role);
    }
    let barrier_tables = file["barrier"].as_array().expect("barriers");
    let barriers = barrier_tables
        .iter()
        .filter_map(|barrier| Some(barrier.get("id")?.as_str()?.to_string()))
        .collect();
    let shows = barrier_tables
        .iter()
        .filter_map(|barrier| {
            let id = barrier.get("id")?.as_str()?.to_string();
            let shows = barrier
                .get("responsible")?
                .clone()
                .try_into()
                .expect("responsible");
            Some((id, shows))
        })
        .collect();
    aliases.sort_by_key(|a| std::cmp::Reverse(a.len()));
    let aliases =
        Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", aliases.join("|"))).expect("aliases");
    Register {
        aliases,
        names,
        roles,
        shows,
        barriers,
    }
});

/// The responsible body the register and [`responsible`] find in `text`.
fn org(text: &str, barriers: &[&str]) -> Option<&'static str> {
    let register: &'static Register = &REGISTER;
    let normalised = knooppunt_domain::text::normalise(text);
    let found: Vec<(usize, usize, &'static str)> = register
        .aliases
        .find_iter(&normalised)
        .filter_map(|m| {
            let name = register.names.get(m.as_str())?;
            Some((m.start(), m.end(), name.as_str()))
        })
        .collect();
    responsible(
        &normalised,
        &found,
        |name| register.roles.get(name),
        barriers,
        |id| register.shows.get(id).copied(),
        &stated_waits(&normalised),
        super::tests::CAROUSEL,
    )
}

/// `rules/tests/cases/responsible.txt`: each note, the barriers it was filed under, and the body
/// expected.
#[test]
fn bodies_in_notes() {
    case_file!("responsible.txt").run(|case| {
        let [body, barriers, note] = cases::fields(case)?;
        let barriers =
            cases::barrier_ids(barriers, |id| REGISTER.barriers.iter().any(|b| b == id))?;
        cases::expect(cases::optional(body), org(&cases::note(note)?, &barriers))
    });
}

/// The anonymiser keeps every body of the register, also right after a title and a colon
/// ("Meneer: Kredietbank alleen telefonisch") or a title and "van (de)" ("de mevrouw van de
/// Kredietbank"), where it takes an unknown capitalised word for a surname: a body it removed
/// could not be recognised as responsible. A body added to the register needs its name on the
/// anonymiser's list (`domain/data/geen-namen.txt`) or a service's ending ("-loket", "-team").
#[test]
fn the_anonymiser_keeps_every_body_of_the_register() {
    let mut removed = Vec::new();
    for name in REGISTER.roles.keys() {
        // Written with a capital, as many writers write nouns ("de Zorgverzekeraar").
        let mut letters = name.chars();
        let capital: String = letters
            .next()
            .map(|c| c.to_uppercase().chain(letters).collect())
            .unwrap_or_default();
        for text in [
            format!("Meneer: {name} reageert al weken niet."),
            format!("De cliënt belde {name} gisteren."),
            format!("De mevrouw van {capital} belde gisteren."),
            format!("De meneer van de {capital} belde gisteren."),
        ] {
            let scrubbed = knooppunt_domain::scrub::scrub(&text).text;
            if scrubbed.contains("[NAAM]")
                || !scrubbed.to_lowercase().contains(&name.to_lowercase())
            {
                removed.push(scrubbed);
            }
        }
    }
    assert!(removed.is_empty(), "{removed:#?}");
}
