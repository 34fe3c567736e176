//! Forms sent from another site (request forgery from a page on another port of the same
//! host, which shares the cookies), and a database file that holds no usable form token.

use crate::support::*;

#[tokio::test]
async fn a_form_sent_from_another_site_is_refused_whatever_its_token() {
    let site = site().await;
    let beheer = site.login("beheer").await;
    let csrf = beheer.csrf().await;
    let deactivate = "/beheer/gebruikers/indiener2/deactiveren";
    let active =
        |users: &[knooppunt_store::accounts::UserRow]| users.iter().any(|u| u.name == "indiener2");

    // A page on another port of this host: the browser names it in Origin.
    for origin in [
        "http://127.0.0.1:19194",
        "http://localhost",
        "https://evil.example",
        "null",
    ] {
        let response = beheer
            .request(reqwest::Method::POST, deactivate)
            .header("origin", origin)
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{origin}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("Formulier niet van deze site"),
            "{origin}: {body}"
        );
    }
    assert!(
        active(&site.store.users().await.unwrap()),
        "nothing changed"
    );

    // The same form from the site itself is taken.
    let response = beheer
        .request(reqwest::Method::POST, deactivate)
        .header("origin", site.base.as_str())
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert!(!active(&site.store.users().await.unwrap()));

    // Signing in from another site is refused too (a page there can set the sign-in form's
    // cookie, so its double-submitted token alone proves nothing).
    let http = no_redirects();
    let response = sign_in(
        &http,
        &site.base,
        "overleg",
        PASSWORD,
        &[("origin", "http://127.0.0.1:19194")],
    )
    .await;
    assert_eq!(response.status(), 403);
    assert!(set_cookie(&response, "kp_sessie").is_none());
    site.app.stop().await;
}

#[tokio::test]
async fn the_database_file_holds_no_form_token_a_reader_could_use() {
    let site = site().await;
    let overleg = site.login("overleg").await;
    let csrf = overleg.csrf().await;
    assert_eq!(csrf.len(), 64, "{csrf}");
    let dir = std::path::Path::new(site.config.store.url.trim_start_matches("sqlite://"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("knooppunt.db") {
            let bytes = std::fs::read(&path).unwrap();
            read += bytes.len();
            assert!(
                !bytes.windows(csrf.len()).any(|w| w == csrf.as_bytes()),
                "{name} holds the session's form token"
            );
        }
    }
    assert!(read > 0, "the database files were read");
    // The token still works where it belongs.
    let (status, body) = overleg
        .submit(
            "/niet-ingedeeld",
            &[("signaal", "geen-zo"), ("barriere", "geen")],
        )
        .await;
    assert_ne!(status, 403, "{body}");
    site.app.stop().await;
}
