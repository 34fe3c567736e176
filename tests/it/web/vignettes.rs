//! Vignettes that could point to one household: the cluster page names what in the text can
//! make someone recognisable, and the overleg approves such a text only after ticking that it
//! checked it.

use crate::support::*;

const IDENTIFYING: &str = "Mevrouw (82), Surinaamse weduwe aan de Twickelstraat: kleinzoon \
                           weer ingetrokken, AOW gekort door de kostendelersnorm.";

/// A seeded text with an age only, approved with the tick.
const AGED: &str =
    "Weer een moeder (45) die haar zoon niet in huis durft te nemen vanwege de kostendelersnorm.";

#[tokio::test]
async fn a_vignette_naming_age_origin_and_street_is_approved_only_when_checked() {
    let site = site().await;
    // The seeded signals, the first of them told with an age, an origin and a street.
    let mut texts = SEEDED;
    texts[0].1 = IDENTIFYING;
    texts[3].1 = AGED;
    seed(&site, &texts).await;
    let cluster = site.cluster_id("kostendelersnorm", "Moerwijk").await;
    let overleg = site.login("overleg").await;
    let page = format!("/clusters/{cluster}");
    let vignette = format!("/clusters/{cluster}/vignet");

    // The page warns at those texts (the one with an age only too), and only there.
    let html = overleg.page(&page, 200).await;
    let warning = "Let op: deze tekst noemt leeftijd („(82)”), herkomst, taal of verblijfsstatus („Surinaamse”), \
                   straat („Twickelstraat”).";
    assert!(html.contains(warning), "{html}");
    assert_eq!(
        html.matches("Let op: deze tekst noemt").count(),
        2,
        "{html}"
    );
    assert_eq!(html.matches("name=\"gecontroleerd\"").count(), 2);

    // Without the tick: refused, naming what was found, and nothing approved.
    let (status, body) = overleg
        .submit(
            &vignette,
            &[("bron", "verbinders-moerwijk"), ("signaal", "s0")],
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("vignet: deze tekst noemt leeftijd („(82)”)")
            && body.contains("Vink aan dat u gecontroleerd hebt"),
        "{body}"
    );
    assert!(site
        .store
        .approved_vignettes(&cluster)
        .await
        .unwrap()
        .is_empty());

    // A text without such details needs no tick; sent back unchanged (with the line ends a
    // browser sends), it is the signal's own text, not a rewrite.
    let unchanged = SEEDED[2].1.replace('\n', "\r\n");
    let (status, _) = overleg
        .submit(
            &vignette,
            &[
                ("bron", "ggz-haaglanden"),
                ("signaal", "s2"),
                ("tekst", &unchanged),
            ],
        )
        .await;
    assert_eq!(status, 303);

    // In the overleg's own words: personal data typed in is refused, naming its kind only;
    // a rewrite that keeps the street still asks for the tick.
    for (rewrite, refusal) in [
        (
            "Bel mevrouw op 06-12345678: AOW gekort.",
            "vignet: de tekst van het vignet bevat persoonsgegevens ([TELEFOON]); haal die weg",
        ),
        (
            "Weduwe aan de Twickelstraat: AOW gekort.",
            "vignet: deze tekst noemt straat („Twickelstraat”)",
        ),
    ] {
        let form = [
            ("bron", "verbinders-moerwijk"),
            ("signaal", "s0"),
            ("tekst", rewrite),
        ];
        let (status, body) = overleg.submit(&vignette, &form).await;
        assert_eq!(status, 422, "{body}");
        assert!(body.contains(refusal), "{body}");
        // What was typed is back in the signal's form, open, not lost.
        assert!(
            body.contains(&format!(">{rewrite}</textarea>"))
                && body.contains("<details class=\"vignet-tekst\" open>"),
            "{body}"
        );
    }

    // Rewritten without them: approved without the tick, and the brief quotes the rewrite.
    let own = "Een weduwe: kleinzoon weer ingetrokken, AOW gekort door de kostendelersnorm.";
    let (status, _) = overleg
        .submit(
            &vignette,
            &[
                ("bron", "verbinders-moerwijk"),
                ("signaal", "s0"),
                ("tekst", own),
            ],
        )
        .await;
    assert_eq!(status, 303);
    // With the tick, a text that names an age is approved as it stands (after the rewrite: the brief quotes the first two).
    let form = [
        ("bron", "verbinders-moerwijk"),
        ("signaal", "s3"),
        ("gecontroleerd", "ja"),
    ];
    assert_eq!(overleg.submit(&vignette, &form).await.0, 303);
    let mut approved = site.store.approved_vignettes(&cluster).await.unwrap();
    approved.sort();
    assert_eq!(
        approved,
        [
            ("ggz-haaglanden".to_string(), "s2".to_string(), None),
            (
                "verbinders-moerwijk".to_string(),
                "s0".to_string(),
                Some(own.to_string())
            ),
            ("verbinders-moerwijk".to_string(), "s3".to_string(), None)
        ]
    );
    let html = overleg.page(&page, 200).await;
    assert!(
        !html.contains("Let op: deze tekst noemt"),
        "approved: no form, no warning"
    );
    assert!(
        html.contains(&format!("in deze woorden: „{own}”")),
        "{html}"
    );
    let decide = format!("/clusters/{cluster}/besluit");
    assert_eq!(
        overleg.submit(&decide, &[("actie", "bevestigen")]).await.0,
        303
    );
    let brief = overleg
        .page(
            &format!("/brief?kwartaal={}&formaat=md", this_quarter()),
            200,
        )
        .await;
    let quoted = brief.contains("Een weduwe: kleinzoon weer ingetrokken");
    assert!(
        quoted && !brief.contains("Surinaamse") && !brief.contains("(82)"),
        "{brief}"
    );
}
