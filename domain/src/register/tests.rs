use super::*;

fn builtin() -> Register {
    Register::from_csv(BUILTIN_AREAS, BUILTIN_SOURCES, UnknownSources::Refuse)
        .expect("the built-in register reads without errors")
}

/// The area each input resolves to (panics on an unknown one, naming it).
fn area_names(register: &Register, inputs: &[&str]) -> Vec<String> {
    inputs
        .iter()
        .map(|input| match register.resolve_area(input) {
            Ok(area) => area.name.clone(),
            Err(e) => panic!("{input}: {e}"),
        })
        .collect()
}

#[test]
fn the_builtin_register_holds_every_area_the_demo_and_tests_use() {
    let areas = [
        "Moerwijk",
        "Moerwijk-Oost",
        "Moerwijk-West",
        "Moerwijk-Noord",
        "Moerwijk-Zuid",
        "Schilderswijk",
        "Transvaal",
        "Laakkwartier en Spoorwijk",
        "Laak",
        "Zuiderpark",
        "Bouwlust",
        "Morgenstond",
        "Stationsbuurt",
        "Escamp",
        "Centrum",
        "Segbroek",
        "Leiden-Noord",
        "Meerburg",
        "Leiden-Zuidwest",
    ];
    assert_eq!(area_names(&builtin(), &areas), areas);
}

#[test]
fn the_demo_sample_uses_only_registered_areas_and_sources() {
    let register = builtin();
    let sample = include_str!("../../../src/demo/signals.jsonl");
    for line in sample.lines().filter(|l| !l.trim().is_empty()) {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let area = value["area"].as_str().unwrap();
        let source = value["source"].as_str().unwrap();
        assert_eq!(register.resolve_area(area).unwrap().name, area);
        assert_eq!(register.resolve_source(source).unwrap(), source);
    }
}

#[test]
fn spelling_variants_aliases_and_cbs_codes_map_to_one_area() {
    let register = builtin();
    let variants = [
        "Moerwijk Zuid",
        "moerwijk-zuid",
        "MOERWIJK_ZUID",
        " Moerwijk  zuid ",
    ];
    assert_eq!(area_names(&register, &variants), ["Moerwijk-Zuid"; 4]);
    assert_eq!(register.resolve_area("WK051836").unwrap().name, "Moerwijk");
    assert_eq!(register.resolve_area("wk051836").unwrap().name, "Moerwijk");
    assert_eq!(
        register.resolve_area("Transvaalkwartier").unwrap().name,
        "Transvaal"
    );
    assert_eq!(
        register.resolve_area("Schildersbuurt").unwrap().name,
        "Schilderswijk"
    );
    let zuid = register.resolve_area("Moerwijk-Zuid").unwrap();
    assert_eq!(
        (zuid.kind, zuid.wijk.as_deref(), zuid.stadsdeel.as_deref()),
        (AreaKind::Buurt, Some("Moerwijk"), Some("Escamp"))
    );
    assert_eq!(
        register.resolve_area("Escamp").unwrap().kind,
        AreaKind::Stadsdeel
    );
    assert_eq!(
        register.resolve_area("Centrum").unwrap().kind,
        AreaKind::Wijk
    );
    assert_eq!(
        register.resolve_area("Loosduinen").unwrap().kind,
        AreaKind::Stadsdeel
    );
}

#[test]
fn a_buurt_is_clustered_under_its_wijk() {
    let register = builtin();
    for (area, clustered) in [
        ("Moerwijk-Zuid", "Moerwijk"),
        ("moerwijk zuid", "Moerwijk"),
        ("Schildersbuurt-Noord", "Schilderswijk"),
        ("Moerwijk", "Moerwijk"),
        ("Centrum", "Centrum"),
        ("Escamp", "Escamp"),
        ("Nergenshuizen", "Nergenshuizen"),
    ] {
        assert_eq!(register.cluster_area(area), clustered, "{area}");
    }
}

#[test]
fn unknown_areas_are_refused_with_the_nearest_and_without_the_input() {
    let register = builtin();
    let message = register.resolve_area("Moerwyk-Zuid").unwrap_err();
    assert!(message.contains("bedoelt u 'Moerwijk-Zuid'"), "{message}");
    assert!(!message.contains("Moerwyk"), "{message}");
    let message = register.resolve_area("Jan Jansen 12").unwrap_err();
    assert!(message.starts_with("onbekende wijk of buurt"), "{message}");
    assert!(!message.contains("Jansen"), "{message}");
    assert!(register.resolve_area("").is_err());
}

#[test]
fn sources_map_aliases_and_unknown_ones_follow_the_policy() {
    let register = builtin();
    let variants = [
        "Schilderswijk Moeders",
        "schilderswijk-moeders",
        "SCHILDERSWIJK_MOEDERS",
        "Moeders Schilderswijk",
    ];
    let codes: Vec<String> = variants
        .iter()
        .map(|v| register.resolve_source(v).unwrap())
        .collect();
    assert_eq!(codes, ["schilderswijk-moeders"; 4]);
    let message = register.resolve_source("schilderswijk-moedrs").unwrap_err();
    assert!(
        message.contains("bedoelt u 'schilderswijk-moeders'"),
        "{message}"
    );
    assert!(register.resolve_source("ggd").is_err());
    let open = builtin_with(UnknownSources::Accept);
    assert_eq!(open.resolve_source("ggd").unwrap(), "ggd");
    assert_eq!(
        open.resolve_source("Schilderswijk Moeders").unwrap(),
        "schilderswijk-moeders"
    );
}

#[test]
fn a_municipality_register_in_cbs_columns_is_read() {
    let areas = "\u{feff}gemeentecode2024,gemeentenaam2024,wijkcode2024,wijknaam2024,buurtcode2024,buurtnaam2024,stadsdeel\n\
        0599,Rotterdam,599011,Feijenoord,59901101,Afrikaanderwijk,Feijenoord,\n\
        0599,Rotterdam,599011,Feijenoord,59901102,Bloemhof,Feijenoord,\n";
    let sources = "code,naam\nwijkteam-bloemhof,Wijkteam Bloemhof\n";
    let register = Register::from_csv(areas, sources, UnknownSources::Refuse).unwrap();
    let area = register.resolve_area("BU59901102").unwrap();
    assert_eq!(
        (area.name.as_str(), area.kind),
        ("Bloemhof", AreaKind::Buurt)
    );
    assert_eq!(
        register.resolve_area("WK599011").unwrap().name,
        "Feijenoord"
    );
    assert_eq!(register.wider_areas()["Bloemhof"], "Feijenoord");
    assert!(
        register.resolve_area("Moerwijk").is_err(),
        "only its own areas"
    );
}

#[test]
fn register_errors_are_listed_all_at_once() {
    let areas = "wijknaam;buurtnaam;aliassen\nNoord;;Centrum\nCentrum;;Noord\n;;\n";
    let errors = Register::from_csv(areas, "naam\nx\n", UnknownSources::Refuse).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("'Centrum' hoort al bij Noord")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("wijknaam is leeg")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("kolom 'code' ontbreekt")),
        "{errors:?}"
    );
}

#[test]
fn an_unknown_area_is_named_beside_the_signals_other_errors() {
    let register = builtin();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let value = serde_json::json!({
        "observed_on": "31-02-2026",
        "source": "demo",
        "area": "Nergenshuizen",
        "text": "",
        "geboortedatum": "x",
    });
    let errors = crate::signal::parse_signal(&value, today).unwrap_err();
    let fields =
        |errors: &[FieldError]| -> Vec<String> { errors.iter().map(|e| e.field.clone()).collect() };
    assert_eq!(fields(&errors), ["geboortedatum", "observed_on", "text"]);
    let errors = register.with_unknown_labels(&value, errors);
    // In the contract's order, the unknown key first; the known source is no error.
    assert_eq!(
        fields(&errors),
        ["geboortedatum", "observed_on", "area", "text"]
    );
    assert!(
        errors[2].message.starts_with("onbekende wijk of buurt"),
        "{errors:?}"
    );
    assert!(!errors[2].message.contains("Nergenshuizen"), "{errors:?}");
    // A field the contract refused already is not looked up again.
    let value = serde_json::json!({"source": 7, "area": "", "text": "t"});
    let errors = crate::signal::parse_signal(&value, today).unwrap_err();
    let before = fields(&errors);
    assert_eq!(
        fields(&register.with_unknown_labels(&value, errors)),
        before
    );
}

#[test]
fn the_brief_rolls_wijken_up_to_their_stadsdeel() {
    let wider = builtin().wider_areas();
    assert_eq!(wider["Moerwijk"], "Escamp");
    assert_eq!(wider["Moerwijk-Zuid"], "Escamp");
    assert_eq!(wider["Schilderswijk"], "Centrum");
    assert!(
        !wider.contains_key("Laak"),
        "a stadsdeel does not roll up into itself"
    );
    assert!(!wider.contains_key("Centrum"));
}

#[test]
fn lookup_keys_are_stable_when_marks_are_separated() {
    // Found by the register_lookup fuzz target: combining marks with a dropped character
    // between them were reordered by a second pass.
    let input = "\u{616}\u{616}[\u{612}:\u{61a}%y";
    assert_eq!(key(&key(input)), key(input));
    assert_eq!(key("Moerwijk-Zuïd"), "moerwijkzuid");
}

#[test]
fn a_form_suggests_wijken_and_buurten_sorted_not_stadsdelen() {
    let register = Register::builtin();
    let names = register.local_area_names();
    assert!(names.windows(2).all(|w| w[0] < w[1]), "{names:?}");
    assert!(names.iter().any(|n| n == "Moerwijk"), "{names:?}");
    for area in register.areas() {
        let listed = names.contains(&area.name);
        let local = register
            .areas()
            .iter()
            .any(|a| a.name == area.name && a.kind != AreaKind::Stadsdeel);
        assert_eq!(listed, local, "{}", area.name);
    }
}

#[test]
fn a_form_says_which_suggestion_is_a_wijk_and_which_a_buurt() {
    let register = Register::builtin();
    let options = register.local_area_options();
    let names: Vec<String> = options.iter().map(|o| o.name.clone()).collect();
    assert_eq!(names, register.local_area_names());
    let described = |name: &str| {
        options
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.description.clone())
    };
    for (name, what) in [
        ("Moerwijk", "wijk, 's-Gravenhage"),
        ("Moerwijk-Noord", "buurt in Moerwijk, 's-Gravenhage"),
    ] {
        assert_eq!(described(name).as_deref(), Some(what));
    }
}

#[test]
#[rustfmt::skip]
fn wijken_listed_by_name_resolve_with_their_stadsdeel() {
    let register = builtin();
    let wider = register.wider_areas();
    // Per stadsdeel: what a team types, and the wijk it is.
    let cases: [(&str, &[(&str, &str)]); 7] = [
        ("Centrum", &[("Zeeheldenkwartier", "Zeeheldenkwartier"), ("Willemspark", "Archipelbuurt en Willemspark"), ("Archipelbuurt/Willemspark", "Archipelbuurt en Willemspark"), ("Kortenbos", "Kortenbos"), ("Rivierenbuurt", "Rivierenbuurt")]),
        ("Haagse Hout", &[("Bezuidenhout-West", "Bezuidenhout"), ("Haagse Bos", "Haagse Bos")]),
        ("Segbroek", &[("Bloemenbuurt", "Bomen- en Bloemenbuurt"), ("Vogelwijk", "Vogelwijk")]),
        ("Scheveningen", &[("Statenkwartier", "Geuzen- en Statenkwartier"), ("Duttendel", "Westbroekpark en Duttendel"), ("Duinoord", "Duinoord")]),
        ("Loosduinen", &[("Kijkduin", "Kijkduin en Ockenburgh"), ("Bohemen", "Bohemen en Meer en Bos"), ("Vroondaal", "Kraayenstein en Vroondaal"), ("Houtwijk", "Houtwijk")]),
        ("Escamp", &[("Leyenburg", "Leyenburg")]),
        ("Leidschenveen-Ypenburg", &[("Hoornwijk", "Hoornwijk"), ("Forepark", "Forepark")]),
    ];
    for (stadsdeel, wijken) in cases {
        for &(input, wijk) in wijken {
            let area = register.resolve_area(input).expect(input);
            assert_eq!(area.name, wijk, "{input}");
            assert_eq!(area.kind, AreaKind::Wijk, "{input}");
            assert_eq!(wider.get(wijk).map(String::as_str), Some(stadsdeel), "{input}");
        }
    }
}
