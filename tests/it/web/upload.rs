//! A team uploads its Excel file of signals on the website: read as the command line reads it,
//! every line on its own, another team's lines refused, and what became of each line shown.

use crate::support::*;

/// A `multipart/form-data` body as a browser sends the upload form: the token, then the file.
fn upload_body(csrf: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----knooppunt-grens-7d3";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"bestand\"; \
         filename=\"signalen.csv\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Uploads `file` as `client` with `csrf`: status and page.
async fn upload(client: &Client, csrf: &str, file: &[u8]) -> (u16, String) {
    let (content_type, body) = upload_body(csrf, file);
    let response = client
        .request(reqwest::Method::POST, "/signalen/importeren")
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Uploads `file` as `client`, which must answer 200 with every one of `phrases`.
async fn upload_shows(client: &Client, csrf: &str, file: &[u8], phrases: &[&str]) {
    let (status, shown) = upload(client, csrf, file).await;
    assert_eq!(status, 200, "{shown}");
    assert_shows(&shown, phrases);
}

/// `text` as older Excel saves it ("CSV (gescheiden door lijstscheidingsteken)").
fn windows_1252(text: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(text).0.into_owned()
}

#[tokio::test]
async fn a_team_uploads_its_excel_file_and_sees_what_became_of_each_line() {
    let site = site().await;
    let team = site.login("indiener1").await;
    let page = team.page("/signalen/importeren", 200).await;
    assert_shows(
        &page,
        &[
            "U importeert namens <strong>Verbinders Moerwijk</strong>",
            "enctype=\"multipart/form-data\"",
            "<a href=\"/signalen/importeren\">Bestand importeren</a>",
        ],
    );
    let csrf = csrf_in(&page).unwrap();
    let today = knooppunt_ingest::today_nl().format("%d-%m-%Y").to_string();
    // No `bron` column: every line is the team's. Line 4 misspells its wijk, line 5 lies in
    // the future; the good lines go on without them.
    let file = windows_1252(&format!(
        "datum;wijk;thema's;omschrijving;kenmerk\r\n\
         {today};Moerwijk;financien;Zoon weer thuis, bijstand moeder omlaag door kostendelersnorm (financiën);imp-een\r\n\
         {today};Moerwijk;;\"Corporatie reageert al 9 weken niet; schimmel\";imp-twee\r\n\
         {today};Moerwyk;;Kostendelersnorm bij moeder en zoon;imp-drie\r\n\
         01-01-2099;Moerwijk;;Kostendelersnorm bij moeder en zoon;imp-vier\r\n"
    ));
    let expected = [
        "Gelezen als Windows-1252: 2 signalen ontvangen, 2 regels geweigerd.",
        "<li>regel 4: wijk: ",
        "bedoelt u",
        "<li>regel 5: datum: ",
        "Verbeter de geweigerde regels in het bestand en importeer het opnieuw",
    ];
    upload_shows(&team, &csrf, &file, &expected).await;
    wait_count(&site.store, 2, "the file's good lines").await;
    let stored = site
        .store
        .signal("verbinders-moerwijk", "imp-een")
        .await
        .unwrap()
        .expect("line 2 stored as the team's");
    assert!(stored.text.ends_with("(financiën)"), "{}", stored.text);
    assert!(site
        .store
        .signal("verbinders-moerwijk", "imp-twee")
        .await
        .unwrap()
        .is_some());

    // The file again with its misspelt wijk mended: the line already in is kept once (the
    // spool keeps the order, so once the mended line is stored the repeated one was seen).
    let mended = format!(
        "datum;wijk;thema's;omschrijving;kenmerk\n\
         {today};Moerwijk;financien;Zoon weer thuis, bijstand moeder omlaag door kostendelersnorm (financiën);imp-een\n\
         {today};Moerwijk;;Kostendelersnorm bij moeder en zoon;imp-drie\n\
         {today};Moerwijk;;Corporatie reageert al 9 weken niet;imp-twee\n"
    );
    // A kenmerk already stored with other content is refused under the file's column name.
    let expected = [
        "Gelezen als UTF-8: 2 signalen ontvangen, 1 regel geweigerd.",
        "<li>regel 4: kenmerk: dit id hoort al bij een signaal met een andere inhoud",
    ];
    upload_shows(&team, &csrf, mended.as_bytes(), &expected).await;
    wait_count(&site.store, 3, "the mended line").await;

    // A line of another team is refused on its column; the team's own goes on.
    let mixed = format!(
        "datum;bron;wijk;omschrijving\n\
         {today};schilderswijk-moeders;Moerwijk;Kostendelersnorm, uitkering moeder omlaag\n\
         {today};verbinders-moerwijk;Moerwijk;Kostendelersnorm, AOW oma gekort\n"
    );
    let expected = [
        "1 signaal ontvangen, 1 regel geweigerd",
        "<li>regel 2: bron: hoort bij een ander team",
    ];
    upload_shows(&team, &csrf, mixed.as_bytes(), &expected).await;
    wait_count(&site.store, 4, "the team's own line").await;
    site.app.stop().await;
}

#[tokio::test]
async fn an_unreadable_upload_is_refused_as_a_whole_in_dutch() {
    let site = site().await;
    let team = site.login("indiener1").await;
    let csrf = csrf_in(&team.page("/signalen/importeren", 200).await).unwrap();
    // A header without its wijk: nothing is read.
    let (status, shown) = upload(&team, &csrf, b"datum;omschrijving\n01-11-2026;Iets\n").await;
    assert_eq!(status, 422, "{shown}");
    assert!(
        shown.contains(
            "Het bestand is niet ingelezen: de kopregel mist verplichte kolommen: wijk. Er is \
             niets verstuurd."
        ),
        "{shown}"
    );
    // A header and nothing under it.
    let (status, shown) = upload(&team, &csrf, b"datum;wijk;omschrijving\r\n;;\r\n").await;
    assert_eq!(status, 422);
    assert!(
        shown.contains("alleen een kopregel, geen signalen"),
        "{shown}"
    );
    // No file chosen.
    let (status, shown) = upload(&team, &csrf, b"").await;
    assert_eq!(status, 422);
    assert!(shown.contains("kies eerst een bestand"), "{shown}");
    // Over the limit: refused before it is read, whether the request is too large to read
    // or the file alone is one byte over (the form around it does not count).
    let limit = 4 * 1024 * 1024;
    for size in [5 * 1024 * 1024, limit + 1] {
        let big = vec![b'x'; size];
        let (status, shown) = upload(&team, &csrf, &big).await;
        assert_eq!(status, 413, "{size}: {shown}");
        assert!(shown.contains("Het bestand is groter dan 4 MB"), "{shown}");
    }
    // A file of exactly 4 MB is read (and refused on what it holds, not on its size).
    let mut exact = b"datum;wijk;omschrijving\n".to_vec();
    exact.resize(limit, b'x');
    let (status, shown) = upload(&team, &csrf, &exact).await;
    assert_ne!(status, 413, "{shown}");
    // A wrong token: the form has expired, nothing is read.
    let file = b"datum;wijk;omschrijving\n01-11-2026;Moerwijk;Kostendelersnorm\n";
    let (status, shown) = upload(&team, "vals", file).await;
    assert_eq!(status, 403);
    assert!(shown.contains("Formulier verlopen"), "{shown}");
    site.app.stop().await;
}
