//! Huisstijl: the site's look comes from NL Design System design tokens. The neutral default
//! theme is served before the component styles, a municipality's own published token set
//! (`web.theme_css`) after them; the latter is Den Haag's
//! `@gemeente-denhaag/design-tokens-components`, fetched by `tests/run.sh` with `npm ci`
//! against `tests/thema/package-lock.json` (`KNOOPPUNT_THEMA_DIR`). Screenshots in
//! `target/tmp/browser/huisstijl-<width>/`.

use crate::support::*;

/// Den Haag's published component tokens, on `:root`.
fn den_haag_tokens() -> std::path::PathBuf {
    let dir = std::env::var("KNOOPPUNT_THEMA_DIR").unwrap_or_else(|_| {
        format!(
            "{}/.cache/knooppunt/thema",
            std::env::var("HOME").unwrap_or_default()
        )
    });
    let file = std::path::Path::new(&dir)
        .join("node_modules/@gemeente-denhaag/design-tokens-components/dist/index.css");
    assert!(
        file.is_file(),
        "{}: missing; tests/run.sh fetches it (npm ci in tests/thema/)",
        file.display()
    );
    file
}

/// Den Haag's primary-action green (`--denhaag-color-green-3`, hsl(138 58% 33%)) as Chromium
/// computes it.
const DEN_HAAG_GREEN: &str = "rgb(35, 133, 65)";
/// The default theme's primary-action and page-header blue (#2b6cb0).
const DEFAULT_BLUE: &str = "rgb(43, 108, 176)";

async fn style(browser: &Browser, css: &str, property: &str) -> String {
    let script = format!(
        "const e = document.querySelector({css:?}); return e ? getComputedStyle(e)[{property:?}] : 'ontbreekt: ' + {css:?};"
    );
    browser
        .js(&script)
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The body of a GET of `url`.
async fn text_of(url: &str) -> String {
    let response = no_redirects().get(url).send().await.unwrap();
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_default_theme_comes_first_and_the_municipal_tokens_last() {
    let site = site().await;
    let http = no_redirects();
    let page = text_of(&format!("{}/inloggen", site.base)).await;
    let at = |path: &str| page.find(&format!("href=\"{path}\"")).unwrap_or(usize::MAX);
    let (default, components, municipal) = (
        at("/static/standaardthema.css"),
        at("/static/knooppunt.css"),
        at("/static/huisstijl.css"),
    );
    assert!(
        default < components && components < municipal && municipal < usize::MAX,
        "{page}"
    );
    for (path, needle) in [
        (
            "/static/standaardthema.css",
            "--utrecht-button-primary-action-background-color: #2b6cb0;",
        ),
        (
            "/static/knooppunt.css",
            "var(--utrecht-button-primary-action-background-color)",
        ),
        ("/static/huisstijl.css", "Geen huisstijl ingesteld"),
    ] {
        let response = http
            .get(format!("{}{path}", site.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/css; charset=utf-8",
            "{path}"
        );
        let css = response.text().await.unwrap();
        assert!(css.contains(needle), "{path}: {css}");
    }
    site.app.stop().await;
}

#[test]
fn a_theme_file_that_is_not_there_stops_the_start_with_a_dutch_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("huisstijl.css");
    let output = knooppunt_command()
        .current_dir(dir.path())
        .arg("serve")
        .env("KNOOPPUNT__WEB__THEME_CSS", &missing)
        .env("KNOOPPUNT__INTAKE__LISTEN", "127.0.0.1:0")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "web.theme_css: het huisstijlbestand {} bestaat niet",
        missing.display()
    );
    assert!(text.contains(&expected), "{text}");
    assert!(
        !dir.path().join("knooppunt-data").exists(),
        "nothing started"
    );
}

/// The meeting page, a cluster page with its decision panels, the intake form and Mijn
/// signalen in Den Haag's tokens at `width`×`height`: the tokens the set defines win (the
/// primary action's green, the typeface), the others keep the default (the page header), and
/// every page stays free of WCAG 2.1 A/AA violations and within the screen.
async fn municipal_look_at((width, height): (u32, u32)) {
    let tokens = den_haag_tokens();
    let (site, cluster) =
        seeded_site_with(|config| config.web.theme_css = tokens.display().to_string()).await;
    let served = text_of(&format!("{}/static/huisstijl.css", site.base)).await;
    assert_eq!(served, std::fs::read_to_string(&tokens).unwrap());

    let driver = driver().await;
    let test = format!("huisstijl-{width}");
    let mut browser =
        Browser::signed_in(&driver, &test, Some((width, height)), &site.base, "overleg").await;
    browser.wait_for("Vergadering signaleringsoverleg").await;
    assert_eq!(
        style(&browser, "body", "fontFamily").await,
        "TheSans, sans-serif",
        "the document's typeface from --utrecht-document-font-family"
    );
    assert_eq!(
        style(&browser, ".agendapunt", "borderTopColor").await,
        DEN_HAAG_GREEN,
        "the accent follows the primary action's colour"
    );
    assert_eq!(
        style(&browser, "header", "backgroundColor").await,
        DEFAULT_BLUE,
        "a token the set leaves out keeps the default"
    );
    check_page(
        &mut browser,
        "vergadering",
        "the meeting page in Den Haag's tokens",
    )
    .await;

    browser
        .open(&format!("/clusters/{cluster}"), "Besluit nemen")
        .await;
    browser.click("#paneel-bevestigen summary").await;
    browser.scroll_to("#paneel-bevestigen").await;
    let button = "#paneel-bevestigen .utrecht-button--primary-action";
    assert_eq!(
        style(&browser, button, "backgroundColor").await,
        DEN_HAAG_GREEN
    );
    assert_eq!(style(&browser, button, "color").await, "rgb(255, 255, 255)");
    check_page(
        &mut browser,
        "besluitpaneel",
        "a cluster page in Den Haag's tokens",
    )
    .await;
    browser.click("header button").await;
    browser.wait_for("Inloggen").await;
    browser.goto("/inloggen").await;
    browser.wait_for("Gebruikersnaam").await;
    assert_eq!(
        style(&browser, "main button[type=submit]", "backgroundColor").await,
        DEN_HAAG_GREEN,
        "signing in is the page's primary action"
    );

    browser.sign_in(&site.base, "indiener1").await;
    browser.open("/signalen/nieuw", "Signaal melden").await;
    assert_eq!(
        style(&browser, "textarea", "fontFamily").await,
        "TheSans, sans-serif"
    );
    check_page(
        &mut browser,
        "formulier",
        "the intake form in Den Haag's tokens",
    )
    .await;
    browser.open("/signalen", "Mijn signalen").await;
    check_page(
        &mut browser,
        "mijn-signalen",
        "Mijn signalen in Den Haag's tokens",
    )
    .await;
    browser.close().await;
    site.app.stop().await;
}

on_screens!(municipal_look_at: a_municipality_applies_its_own_tokens_on_a_desktop = PROJECTOR, a_municipality_applies_its_own_tokens_on_a_phone = PHONE);
