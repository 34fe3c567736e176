//! The forms writers give the names of bodies besides the aliases the rules file lists:
//! initialisms spelled letter by letter, a name split in two by speech recognition, and names
//! of several words run together or hyphenated.

use super::tests::rules;

/// Each note's responsible body is the one beside it.
fn bodies(cases: &[(&str, Option<&str>)]) {
    let rules = rules();
    for (text, body) in cases {
        assert_eq!(rules.analyse(text).organisation, *body, "{text}");
    }
}

#[test]
fn an_initialism_spelled_letter_by_letter_or_a_name_split_in_two_names_its_body() {
    #[rustfmt::skip]
    bodies(&[
        // As speech recognition writes them.
        ("lamp in het trappenhuis al 6 weken kapot is twee keer gemeld bij woon bron", Some("Woonbron")),
        ("de huisarts heeft hem aangemeld bij parnas sia maar de wachtlijst is 16 weken", Some("Parnassia")),
        ("ze durft het niet op te geven bij het u w v want dan korten ze haar uitkering", Some("UWV")),
        ("Mevrouw durft niet te melden aan de S V B dat haar kleinzoon inwoont, bang dat haar AOW omlaag gaat.", Some("SVB")),
        ("Mevrouw durft niet te melden aan de S.V.B. dat haar kleinzoon inwoont, bang dat haar AOW omlaag gaat.", Some("SVB")),
        ("Brieven van het C A K over de eigen bijdrage snapt ze niet, bellen lukt niet, alleen online.", Some("CAK")),
        // Letters that spell no alias, or an alias written with capitals (IND): none.
        ("Brieven van het I N D snapt ze niet, bellen lukt niet, alleen online.", None),
    ]);
}

#[test]
fn a_name_of_several_words_run_together_or_hyphenated_names_its_body() {
    #[rustfmt::skip]
    bodies(&[
        ("Schimmel in de slaapkamer gemeld bij RijswijkWonen, na 9 weken nog geen reactie.", Some("Rijswijk Wonen")),
        ("Schimmel in de slaapkamer gemeld bij Rijswijk-Wonen, na 9 weken nog geen reactie.", Some("Rijswijk Wonen")),
        ("Lekkage drie keer doorgegeven aan DeGoedeWoning, er komt niemand.", Some("De Goede Woning")),
        // A name that needs its capitals needs them run together too.
        ("Overlast in de portiek al twee maanden bij Ons-Doel gemeld, niets gebeurd.", Some("Ons Doel")),
        // Joined forms are matched exactly, never as misspellings: "gemeenteleden" is one
        // letter from `gemeente leiden` run together, "woonconsulent" two from `wmo consulent`.
        ("Steeds meer gemeenteleden komen bij de diaconie omdat ze nergens terechtkunnen voor psychische hulp.", None),
        ("Na een gesprek met de woonconsulent durft ze geen klachten meer in te dienen over de overlast.", None),
    ]);
}

/// "de sociale" for the sociale dienst, without its noun: the gemeente where no noun follows,
/// an adjective where one does; "de sociale dienst" stays the gemeente.
#[test]
fn an_alias_without_its_noun_names_its_body_only_where_no_noun_follows() {
    #[rustfmt::skip]
    bodies(&[
        ("Zoon wil terug naar huis, maar als de sociale dat ziet gaat haar bijstand omlaag.", Some("gemeente")),
        ("Ze durft het klusje niet aan te nemen, 'dan zit ik weer in de problemen met de sociale'.", Some("gemeente")),
        ("Haar broer slaapt er stiekem, want de sociale dienst kort anders haar uitkering.", Some("gemeente")),
        ("Ze staat al jaren ingeschreven voor de sociale huur en hoort niets van Staedion.", Some("Staedion")),
        ("Mevrouw vindt via de sociale kaart geen hulp bij haar schulden.", None),
    ]);
}

/// "de Belasting" with its capital is the Belastingdienst, as people call it; in lower case it
/// is a tax.
#[test]
fn de_belasting_with_a_capital_is_the_belastingdienst() {
    #[rustfmt::skip]
    bodies(&[
        ("Eén envelop van de Belasting, drie van incassobureaus; ze durft de post niet open te maken.", Some("Belastingdienst")),
        ("mnr nt2 laag, brief vd Belasting: aangifte moet digitaal, heeft geen digid.", Some("Belastingdienst")),
        ("De belasting op zijn auto is hoog; de lekkage bij Staedion wordt al 8 weken niet gemaakt.", Some("Staedion")),
        ("De belasting op zijn auto kan hij niet betalen.", None),
    ]);
}

/// The Belastingtelefoon answers for the Belastingdienst and for Toeslagen alike: alone it is
/// the Belastingdienst's line, beside Toeslagen it is only how the person tried to reach them.
#[test]
fn the_belastingtelefoon_is_the_belastingdienst_only_when_toeslagen_is_not_named() {
    #[rustfmt::skip]
    bodies(&[
        ("Brief van Toeslagen over de kinderopvangtoeslag; de Belastingtelefoon hing na 35 minuten op en online lukt het niet zonder DigiD.", Some("Toeslagen")),
        ("In Mijn toeslagen krijgt ze steeds een foutmelding en bij de belastingtelefoon zat ze 50 min in de wacht.", Some("Toeslagen")),
        ("Meneer belt al weken de belastingtelefoon over zijn aanslag en hangt na drie kwartier wachten op.", Some("Belastingdienst")),
    ]);
}
