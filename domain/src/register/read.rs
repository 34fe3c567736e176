//! Reading a register from its CSV files (CBS' "Wijk- en buurtcodes" columns for areas,
//! `code`/`naam`/`aliassen` for sources): every problem listed, in Dutch, with its line.

use super::{key, Area, AreaKind, Register, SourceEntry, UnknownSources};

fn column(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '_')
        .to_string()
}

/// The trimmed cell at column `i` of `record`; empty when the column or the cell is missing.
fn cell_of(record: &csv::StringRecord, i: Option<usize>) -> String {
    i.and_then(|i| record.get(i))
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}

/// The file's column names ([`column`]); `None`, with an error naming the file, when its
/// header cannot be read.
fn headers(
    reader: &mut csv::Reader<&[u8]>,
    file: &str,
    errors: &mut Vec<String>,
) -> Option<Vec<String>> {
    match reader.headers() {
        Ok(h) => Some(h.iter().map(column).collect()),
        Err(_) => {
            errors.push(format!("{file}: de kopregel is onleesbaar"));
            None
        }
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.trim_start_matches('\u{feff}');
    let header = text
        .lines()
        .find(|l| !l.trim_start().starts_with('#'))
        .unwrap_or_default();
    let delimiter = if header.contains(';') { b';' } else { b',' };
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .comment(Some(b'#'))
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn code(raw: &str, prefix: &str) -> Option<String> {
    let raw = raw.trim().to_uppercase();
    if raw.is_empty() {
        None
    } else if raw.chars().all(|c| c.is_ascii_digit()) {
        Some(format!("{prefix}{raw}"))
    } else {
        Some(raw)
    }
}

impl Register {
    /// Reads a register. `areas`: one row per buurt (or per wijk with the buurt columns
    /// empty), with the columns of CBS' "Wijk- en buurtcodes" — `gemeentecode`,
    /// `gemeentenaam`, `wijkcode`, `wijknaam`, `buurtcode`, `buurtnaam` (a year after the name,
    /// `wijkcode2024`, is ignored) — plus optional `stadsdeel` and `aliassen` (`|`-separated;
    /// they name the buurt on a buurt row, the wijk on a wijk row). `sources`: `code`, `naam`,
    /// `aliassen`. `;` or `,` separated, UTF-8, lines starting with `#` are comments. Lists
    /// every problem, in Dutch.
    pub fn from_csv(
        areas: &str,
        sources: &str,
        unknown_sources: UnknownSources,
    ) -> Result<Self, Vec<String>> {
        let mut register = Register {
            unknown_sources,
            ..Register::default()
        };
        let mut errors = Vec::new();
        register.read_areas(areas, &mut errors);
        register.read_sources(sources, &mut errors);
        if register.areas.is_empty() && errors.is_empty() {
            errors.push("gebieden: het register bevat geen enkele wijk of buurt".into());
        }
        if errors.is_empty() {
            Ok(register)
        } else {
            Err(errors)
        }
    }

    fn read_areas(&mut self, text: &str, errors: &mut Vec<String>) {
        let mut reader = reader(text);
        let Some(headers) = headers(&mut reader, "gebieden", errors) else {
            return;
        };
        let at = |name: &str| headers.iter().position(|h| h == name);
        let (wijknaam, buurtnaam) = (at("wijknaam"), at("buurtnaam"));
        if wijknaam.is_none() {
            errors.push("gebieden: kolom 'wijknaam' ontbreekt".into());
            return;
        }
        let columns = [
            at("gemeentenaam"),
            at("wijkcode"),
            wijknaam,
            at("buurtcode"),
            buurtnaam,
            at("stadsdeel"),
            at("aliassen"),
        ];
        let mut stadsdelen: Vec<(String, String)> = Vec::new();
        for record in reader.records() {
            let Ok(record) = record else {
                errors.push("gebieden: een regel is onleesbaar".into());
                continue;
            };
            let line = record.position().map_or(0, |p| p.line());
            let cells = columns.map(|i| cell_of(&record, i));
            if let Some(stadsdeel) = self.add_area_row(cells, line, errors) {
                stadsdelen.push(stadsdeel);
            }
        }
        self.add_stadsdelen(stadsdelen);
    }

    /// Adds one line of the areas file: its wijk, its buurt when it names one, and their
    /// aliases. Returns the line's stadsdeel with its gemeente, when it names one.
    fn add_area_row(
        &mut self,
        [gemeente, wijkcode, wijk, buurtcode, buurt, stadsdeel, aliases]: [String; 7],
        line: u64,
        errors: &mut Vec<String>,
    ) -> Option<(String, String)> {
        if wijk.is_empty() {
            errors.push(format!("gebieden, regel {line}: wijknaam is leeg"));
            return None;
        }
        let stadsdeel = (!stadsdeel.is_empty()).then_some(stadsdeel);
        let wijk_area = Area {
            name: wijk.clone(),
            kind: AreaKind::Wijk,
            code: code(&wijkcode, "WK"),
            wijk: None,
            stadsdeel: stadsdeel.clone(),
            gemeente: gemeente.clone(),
        };
        let wijk_index = self.add_area(wijk_area, line, errors);
        let target = if buurt.is_empty() {
            wijk_index
        } else {
            let buurt_area = Area {
                name: buurt,
                kind: AreaKind::Buurt,
                code: code(&buurtcode, "BU"),
                wijk: Some(wijk),
                stadsdeel: stadsdeel.clone(),
                gemeente: gemeente.clone(),
            };
            self.add_area(buurt_area, line, errors)
        };
        for alias in aliases.split('|').map(str::trim).filter(|a| !a.is_empty()) {
            self.add_key(alias, target, line, errors);
            self.area_aliases.push(alias.to_string());
        }
        stadsdeel.map(|s| (s, gemeente))
    }

    /// A stadsdeel is an area too ("Laak", "Escamp"), unless a wijk already has its name.
    fn add_stadsdelen(&mut self, stadsdelen: Vec<(String, String)>) {
        for (name, gemeente) in stadsdelen {
            if self.area_keys.contains_key(&key(&name)) {
                continue;
            }
            self.areas.push(Area {
                name: name.clone(),
                kind: AreaKind::Stadsdeel,
                code: None,
                wijk: None,
                stadsdeel: Some(name.clone()),
                gemeente,
            });
            self.area_keys.insert(key(&name), self.areas.len() - 1);
        }
    }

    /// Adds an area (or merges it into the one of the same name), returning its index.
    fn add_area(&mut self, area: Area, line: u64, errors: &mut Vec<String>) -> usize {
        let k = key(&area.name);
        if let Some(&index) = self.area_keys.get(&k) {
            let existing = &mut self.areas[index];
            if existing.name != area.name {
                errors.push(format!(
                    "gebieden, regel {line}: '{}' hoort al bij {}",
                    area.name, existing.name
                ));
                return index;
            }
            if existing.kind != area.kind {
                errors.push(format!(
                    "gebieden, regel {line}: '{}' is zowel wijk als buurt",
                    area.name
                ));
            }
            existing.code = existing.code.take().or(area.code);
            existing.stadsdeel = existing.stadsdeel.take().or(area.stadsdeel);
            return index;
        }
        let code = area.code.clone();
        self.areas.push(area);
        let index = self.areas.len() - 1;
        self.area_keys.insert(k, index);
        if let Some(code) = code {
            self.add_key(&code, index, line, errors);
        }
        index
    }

    fn add_key(&mut self, name: &str, index: usize, line: u64, errors: &mut Vec<String>) {
        let k = key(name);
        if k.is_empty() {
            return;
        }
        match self.area_keys.get(&k) {
            Some(&other) if other != index => errors.push(format!(
                "gebieden, regel {line}: '{name}' hoort al bij {}",
                self.areas[other].name
            )),
            Some(_) => {}
            None => {
                self.area_keys.insert(k, index);
            }
        }
    }

    fn read_sources(&mut self, text: &str, errors: &mut Vec<String>) {
        let mut reader = reader(text);
        let Some(headers) = headers(&mut reader, "bronnen", errors) else {
            return;
        };
        let at = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
        let Some(code_at) = at(&["code", "bron"]) else {
            errors.push("bronnen: kolom 'code' ontbreekt".into());
            return;
        };
        let (name_at, aliases_at) = (at(&["naam", "name"]), at(&["aliassen", "aliases"]));
        for record in reader.records() {
            let Ok(record) = record else {
                errors.push("bronnen: een regel is onleesbaar".into());
                continue;
            };
            let line = record.position().map_or(0, |p| p.line());
            let cell = |i: Option<usize>| cell_of(&record, i);
            let code = cell(Some(code_at));
            if code.is_empty() {
                errors.push(format!("bronnen, regel {line}: code is leeg"));
                continue;
            }
            let name = Some(cell(name_at))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| code.clone());
            self.sources.push(SourceEntry {
                code: code.clone(),
                name: name.clone(),
            });
            let index = self.sources.len() - 1;
            let aliases = cell(aliases_at);
            let names = [code.as_str(), name.as_str()]
                .into_iter()
                .chain(aliases.split('|').map(str::trim));
            for alias in names.filter(|a| !a.is_empty()) {
                let k = key(alias);
                match self.source_keys.get(&k) {
                    Some(&other) if other != index => errors.push(format!(
                        "bronnen, regel {line}: '{alias}' hoort al bij {}",
                        self.sources[other].code
                    )),
                    Some(_) => {}
                    None if k.is_empty() => {}
                    None => {
                        self.source_keys.insert(k, index);
                    }
                }
            }
        }
    }
}
