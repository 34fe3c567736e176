//! The review loop (issue 11) on the website: the overleg labels recognition on a cluster
//! page ("hoort er niet bij", "ook bij") and triages the queue of unclassified signals.

use crate::support::*;

/// The triage form for signal `id` of verbinders-moerwijk: into `barrier` ("geen": none).
fn triage<'a>(id: &'a str, barrier: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("bron", "verbinders-moerwijk"),
        ("signaal", id),
        ("barriere", barrier),
    ]
}

/// The label form saying signal s1 of schilderswijk-moeders also belongs to `barrier`.
fn also(barrier: &str) -> [(&str, &str); 4] {
    [
        ("bron", "schilderswijk-moeders"),
        ("signaal", "s1"),
        ("oordeel", "ook"),
        ("barriere", barrier),
    ]
}

/// Only the overleg labels, a restricted member only in their wijken, every form needs the
/// CSRF token, and a label moves the counts at once.
#[tokio::test]
async fn the_overleg_labels_recognition_on_cluster_pages_and_in_the_queue() {
    let (site, cluster) = seeded_site().await;
    let cookies = "Gezellige middag in de buurtkamer, iedereen bakte koekjes.";
    let party = "Mooie opkomst bij het buurtfeest, de zon scheen.";
    let signals = [
        ("u1", "verbinders-moerwijk", "Moerwijk", cookies),
        ("u2", "verbinders-moerwijk", "Laak", party),
    ];
    site.post_today(&signals, 7).await;
    let stored = site.store.signal("verbinders-moerwijk", "u1").await;
    assert!(stored.unwrap().unwrap().barriers.is_empty());
    add_overleg_laak(&site.store).await;
    let label_path = format!("/clusters/{cluster}/label");
    let not_here = [
        ("bron", "verbinders-moerwijk"),
        ("signaal", "s0"),
        ("oordeel", "hoort-er-niet-bij"),
    ];

    // Other roles: no page, no form (with their own session's token).
    for name in ["indiener1", "gemeente", "beheer"] {
        let client = Client::login(&site.base, name).await;
        assert_eq!(client.get("/niet-ingedeeld").await.0, 403, "{name}");
        assert_eq!(client.submit(&label_path, &not_here).await.0, 403, "{name}");
        let (status, _) = client
            .submit("/niet-ingedeeld", &triage("u1", "geen"))
            .await;
        assert_eq!(status, 403, "{name}");
    }
    let anonymous = Client::new(&site.base);
    assert_eq!(anonymous.get("/niet-ingedeeld").await.0, 303);
    assert_eq!(anonymous.post(&label_path, &not_here).await.0, 303);

    // The overleg without (or with a wrong) CSRF token: refused.
    let overleg = site.login("overleg").await;
    assert_eq!(overleg.post(&label_path, &not_here).await.0, 403);
    let mut wrong = vec![("csrf", "niet-het-token")];
    wrong.extend(not_here);
    assert_eq!(overleg.post(&label_path, &wrong).await.0, 403);
    let (status, _) = overleg.post("/niet-ingedeeld", &triage("u1", "geen")).await;
    assert_eq!(status, 403);

    // A member for Laak: not in Moerwijk, whatever the form says.
    let laak = site.login("overleg-laak").await;
    assert_eq!(laak.submit(&label_path, &not_here).await.0, 404);
    let (status, _) = laak.submit("/niet-ingedeeld", &triage("u1", "geen")).await;
    assert_eq!(status, 404);
    let queue = laak.page("/niet-ingedeeld", 200).await;
    assert!(
        queue.contains("buurtfeest") && !queue.contains("koekjes"),
        "{queue}"
    );
    assert!(
        site.store.labels().await.unwrap().is_empty(),
        "nothing refused was recorded"
    );

    // The overleg on the cluster page: "hoort niet bij deze barrière" and "ook".
    let page = overleg.page(&format!("/clusters/{cluster}"), 200).await;
    assert!(
        page.contains("Hoort niet bij deze barrière") && page.contains("Ook bij deze barrière"),
        "{page}"
    );
    // Said on the page it comes back to (a one-click label used to change it silently).
    let csrf = overleg.csrf().await;
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&not_here);
    let page = crate::teams_loop::post_then_get(&overleg, &label_path, &form).await;
    assert!(
        page.contains("Vastgelegd: signaal s0 hoort niet bij de barrière"),
        "{page}"
    );
    let labelled = site.store.cluster(&cluster).await.unwrap().unwrap();
    assert_eq!(labelled.signal_count, 4, "the count follows at once");
    let taken_off = site.store.signal("verbinders-moerwijk", "s0").await;
    assert!(taken_off.unwrap().unwrap().barriers.is_empty());
    // The signal has left the cluster: labelling it there again is refused.
    assert_eq!(overleg.submit(&label_path, &not_here).await.0, 422);
    let ook = also("angst-uitkeringskorting");
    assert_eq!(overleg.submit(&label_path, &ook).await.0, 303);
    let angst = cluster_in(&site.store, "angst-uitkeringskorting", "Moerwijk").await;
    assert_eq!(angst.expect("a new cluster").signal_count, 1);
    // "Ook" the barrier the signal is already in is no label: refused at the form.
    let (status, page) = overleg.submit(&label_path, &also("kostendelersnorm")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("ook bij een barrière (signaal s1): het signaal hoort al bij"),
        "{page}"
    );
    let bad = also("verzonnen");
    let (status, page) = overleg.submit(&label_path, &bad).await;
    assert_eq!(status, 422);
    // The cluster page itself, with the refusal: not a page of its own.
    assert!(
        page.contains("ook bij een barrière (signaal s1): kies een barrière uit de lijst")
            && page.contains("Hoort niet bij deze barrière"),
        "{page}"
    );

    // Niet ingedeeld: the overleg sees both, triages one into a barrier, one as none. A page
    // past the last one shows the last one.
    let past = overleg.page("/niet-ingedeeld?pagina=99", 200).await;
    assert!(
        past.contains("koekjes") && past.contains("name=\"pagina\" value=\"1\""),
        "{past}"
    );
    let queue = overleg.page("/niet-ingedeeld", 200).await;
    assert!(
        queue.contains("koekjes")
            && queue.contains("buurtfeest")
            && queue.contains("2 signalen wachten"),
        "{queue}"
    );
    let to_loket = triage("u2", "loket-drempel");
    assert_eq!(laak.submit("/niet-ingedeeld", &to_loket).await.0, 303);
    let loket = site
        .store
        .clusters()
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.barrier == "loket-drempel")
        .expect("a loket cluster");
    assert_eq!((loket.area.as_str(), loket.signal_count), ("Laak", 1));
    // A queue opened before that triage: its "geen barrière" would take u2 out again.
    let (status, queue) = overleg
        .submit("/niet-ingedeeld", &triage("u2", "geen"))
        .await;
    assert_eq!(status, 409, "{queue}");
    assert!(
        queue.contains("signaal u2: is intussen ingedeeld"),
        "{queue}"
    );
    let bad = triage("u1", "verzonnen");
    let (status, queue) = overleg.submit("/niet-ingedeeld", &bad).await;
    assert_eq!(status, 422);
    assert!(
        queue.contains("barrière: kies een barrière of") && queue.contains("koekjes"),
        "the queue itself, with the refusal: {queue}"
    );
    let mut none = vec![("csrf", csrf.as_str())];
    none.extend_from_slice(&triage("u1", "geen"));
    let queue = crate::teams_loop::post_then_get(&overleg, "/niet-ingedeeld", &none).await;
    assert!(
        queue.contains("Vastgelegd: signaal u1 hoort bij geen barrière."),
        "{queue}"
    );
    assert!(queue.contains("Er wachten geen signalen"), "{queue}");
    // Said once: no count of nothing above it.
    assert!(!queue.contains("0 signalen wachten"), "{queue}");
    // Taken back from the queue's own message: u1 waits in the queue again.
    let seq = queue
        .split("action=\"/correcties/ongedaan\"")
        .nth(1)
        .and_then(|form| form.split("name=\"label\" value=\"").nth(1))
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the undo beside the message: {queue}"))
        .to_string();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&undo(&seq));
    let queue = crate::teams_loop::post_then_get(&overleg, "/correcties/ongedaan", &form).await;
    let back = [
        "De correctie op signaal u1 is ongedaan gemaakt",
        "koekjes",
        "1 signaal wacht",
    ];
    assert_shows(&queue, &back);
    let again = triage("u1", "geen");
    assert_eq!(overleg.submit("/niet-ingedeeld", &again).await.0, 303);

    // Append-only, with who.
    let labels = site.store.labels().await.unwrap();
    let who: Vec<(&str, &str)> = labels
        .iter()
        .map(|l| (l.actor.as_str(), l.verdict.as_str()))
        .collect();
    assert_eq!(
        who,
        [
            ("overleg", "hoort-er-niet-bij"),
            ("overleg", "hoort-erbij"),
            ("overleg-laak", "hoort-erbij"),
            ("overleg", "geen-barriere"),
            ("overleg", "geen-barriere")
        ]
    );
    // The first "geen barrière" stays, taken back; the second holds.
    let withdrawn: Vec<bool> = labels.iter().map(|l| l.withdrawn.is_some()).collect();
    assert_eq!(withdrawn, [false, false, false, true, false]);
    site.app.stop().await;
}

/// The undo form for label `seq`.
fn undo(seq: &str) -> [(&str, &str); 1] {
    [("label", seq)]
}

/// A correction says what it did (signal, barrier, cluster), is listed in the cluster's
/// history and can be taken back there the same day; the "ook" list leaves out the cluster's
/// own barrier, and a refusal names the signal, at its form too.
#[tokio::test]
async fn a_correction_is_named_listed_and_taken_back() {
    let (site, cluster) = seeded_site().await;
    let rules = knooppunt_rules::ruleset::RuleSet::default_rules().unwrap();
    let (title, angst) = (
        rules.title("kostendelersnorm"),
        rules.title("angst-uitkeringskorting"),
    );
    let overleg = site.login("overleg").await;
    let (path, label_path) = (
        format!("/clusters/{cluster}"),
        format!("/clusters/{cluster}/label"),
    );
    let undo_path = format!("/clusters/{cluster}/correctie-ongedaan");
    let page = overleg.page(&path, 200).await;
    assert!(
        !page.contains("<option value=\"kostendelersnorm\">")
            && page.contains("<option value=\"angst-uitkeringskorting\">"),
        "{page}"
    );
    assert!(
        page.contains("Nog geen correcties op de herkenning"),
        "{page}"
    );

    // The cluster's own barrier sent anyway: refused, naming the signal, at its form too.
    let (status, page) = overleg.submit(&label_path, &also("kostendelersnorm")).await;
    assert_eq!(status, 422);
    let refusal = format!(
        "ook bij een barrière (signaal s1): het signaal hoort al bij ‘{title}’, de barrière van \
         dit cluster; kies een andere uit de lijst."
    );
    assert_eq!(page.matches(&refusal).count(), 2, "{page}");

    // "Hoort niet bij": said by signal, barrier and cluster, with the undo beside it.
    let csrf = overleg.csrf().await;
    let not_here = [
        ("csrf", csrf.as_str()),
        ("bron", "verbinders-moerwijk"),
        ("signaal", "s0"),
        ("oordeel", "hoort-er-niet-bij"),
    ];
    let page = crate::teams_loop::post_then_get(&overleg, &label_path, &not_here).await;
    let said = format!(
        "Vastgelegd: signaal s0 hoort niet bij de barrière ‘{title}’ en telt niet meer mee in \
         het cluster in Moerwijk (nu 4 signalen)."
    );
    assert!(page.contains(&said), "{page}");
    assert_eq!(
        page.matches("Correctie op signaal s0 ongedaan maken")
            .count(),
        2,
        "in the message and in the history: {page}"
    );
    assert!(
        page.contains("<span class=\"kenmerk\" title=\"s0\">s0</span>")
            && page.contains("Hoort niet bij deze barrière; telt hier niet meer mee"),
        "{page}"
    );
    let count = async || {
        site.store
            .cluster(&cluster)
            .await
            .unwrap()
            .unwrap()
            .signal_count
    };
    assert_eq!(count().await, 4);

    // Taken back: the signal counts again, the history says who took it back and when.
    let seq = site.store.labels().await.unwrap()[0].seq.to_string();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&undo(&seq));
    let page = crate::teams_loop::post_then_get(&overleg, &undo_path, &form).await;
    let said = format!(
        "De correctie op signaal s0 is ongedaan gemaakt: het telt weer mee bij de barrière \
         ‘{title}’."
    );
    assert!(page.contains(&said), "{page}");
    let today = knooppunt_ingest::today_nl().format("%d-%m-%Y").to_string();
    let reversal = format!("<span class=\"label\">teruggedraaid</span> door overleg op {today} ");
    assert!(page.contains(&reversal), "{page}");
    assert!(
        !page.contains("Correctie op signaal s0 ongedaan maken"),
        "{page}"
    );
    assert_eq!(count().await, 5);
    let (status, page) = overleg.submit(&undo_path, &undo(&seq)).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("ongedaan maken (signaal s0): deze correctie is al ongedaan gemaakt."),
        "{page}"
    );
    // The day's decisions list names it too, marked as taken back, and its download.
    let list = overleg.page("/agenda/besluitenlijst", 200).await;
    assert!(
        list.contains("Correcties op de herkenning")
            && list.contains(&format!("hoort niet bij ‘{title}’<br><span class=\"label\">teruggedraaid</span> door overleg om ")),
        "{list}"
    );
    let export = overleg
        .page("/agenda/besluitenlijst/export?formaat=md", 200)
        .await;
    assert!(
        export.contains("## Correcties op de herkenning")
            && export.contains("— signaal s0 (Moerwijk): hoort niet bij"),
        "{export}"
    );
    let (status, page) = overleg.submit(&undo_path, &undo("999")).await;
    assert_eq!(status, 422);
    assert!(
        page.contains("deze correctie hoort niet bij dit cluster"),
        "{page}"
    );

    // "Ook": the barrier and the cluster the signal now counts in, by name.
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&also("angst-uitkeringskorting"));
    let page = crate::teams_loop::post_then_get(&overleg, &label_path, &form).await;
    let said = format!(
        "Vastgelegd: signaal s1 telt nu ook mee bij de barrière ‘{angst}’, in het cluster in \
         Moerwijk (nu 1 signaal)."
    );
    assert!(page.contains(&said), "{page}");
    assert!(
        page.contains(&format!("Ook bij de barrière ‘{angst}’")),
        "{page}"
    );

    // Its only signal taken off again: the cluster is gone, so the message on the agenda says
    // so and offers the undo; taken back, the signal and its cluster are there again.
    let angst_id = site.cluster_id("angst-uitkeringskorting", "Moerwijk").await;
    let angst_label = format!("/clusters/{angst_id}/label");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&not_this("schilderswijk-moeders", "s1"));
    let page = crate::teams_loop::post_then_get(&overleg, &angst_label, &form).await;
    assert!(
        page.contains("Het cluster had verder geen signalen en staat niet meer op de agenda.")
            && page.contains("action=\"/correcties/ongedaan\""),
        "{page}"
    );
    assert!(site.store.cluster(&angst_id).await.unwrap().is_none());
    let seq = site
        .store
        .labels()
        .await
        .unwrap()
        .last()
        .unwrap()
        .seq
        .to_string();
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(&undo(&seq));
    let page = crate::teams_loop::post_then_get(&overleg, "/correcties/ongedaan", &form).await;
    assert!(
        page.contains("De correctie op signaal s1 is ongedaan gemaakt"),
        "{page}"
    );
    let back = site.store.cluster(&angst_id).await.unwrap();
    assert_eq!(back.map(|c| c.signal_count), Some(1));
    site.app.stop().await;
}

/// The "hoort niet bij deze barrière" form for signal `id` of `source`.
fn not_this<'a>(source: &'a str, id: &'a str) -> [(&'a str, &'a str); 3] {
    [
        ("bron", source),
        ("signaal", id),
        ("oordeel", "hoort-er-niet-bij"),
    ]
}
