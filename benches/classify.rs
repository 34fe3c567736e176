//! Throughput of anonymise + classify in one thread (one core), on realistic 200–500 character
//! Dutch signals: the bundled demo sample plus the fixture texts below, with personal data
//! mixed in. Reports the median of several runs in signals per second per core.
//!
//! ```sh
//! cargo bench --bench classify -- --runs 7 --seconds 2
//! ```

use knooppunt_ingest::scrub::scrub;
use knooppunt_rules::ruleset::RuleSet;
mod common;

use common::{arg, median};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn corpus() -> Vec<String> {
    let sample = include_str!("../src/demo/signals.jsonl");
    let mut texts: Vec<String> = sample
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let extra = [
        "Mevrouw El Amrani (geb. 12-03-1987) woont met haar zoon van 24 aan de Heeswijkplein 12. Hij wil weer thuis wonen, maar dan gaat haar bijstand omlaag door de kostendelersnorm. Ze durft het niet te melden bij de gemeente, bang voor terugvordering. Bel haar op 06-12345678.",
        "Melding over schimmel en lekkage bij Haag Wonen gedaan op 3 juni, al 14 weken geen reactie. De kinderen hebben astma, de huisarts heeft een brief geschreven. Meneer Jansen van de bewonerscommissie zegt dat het in de hele portiek speelt.",
        "Aangemeld bij Parnassia voor een intake, wachtlijst van vier maanden. Mevrouw is somber, slaapt slecht en heeft schulden. De POH-GGZ kan niet meer doen dan overbruggen; Treeknorm ruim overschreden. BSN 111222333 stond in de verwijsbrief.",
        "Huurachterstand van drie maanden, de deurwaarder is al geweest en er ligt een vonnis. Schuldhulpverlening heeft een wachtlijst van zes weken, intussen loopt de incasso door. Rekening NL91ABNA0417164300 is geblokkeerd door beslag.",
        "Moeder durft het CJG niet te bellen: bang dat haar kinderen worden afgenomen, zoals bij haar zus gebeurde. Ze zoekt hulp bij buren en de moskee. Via mail contact.wijk@example.nl loopt het contact met de school.",
        "Meneer is van het kastje naar de muur gestuurd: UWV verwijst naar de gemeente, de gemeente naar het UWV. Aanvraag kan alleen online met DigiD en hij heeft geen computer. Hij spreekt weinig Nederlands en de brieven begrijpt hij niet.",
    ];
    texts.extend(extra.iter().map(|s| s.to_string()));
    texts
}

fn main() {
    let runs = arg("--runs", 5).max(1);
    let seconds = arg("--seconds", 2).max(1);
    let rules = RuleSet::default_rules().expect("default rules");
    let texts = corpus();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "corpus: {} signals, mean {} characters; rule set {}, model {}",
        texts.len(),
        chars / texts.len(),
        rules.version(),
        rules.model().map_or("-", |m| m.version())
    );
    let measure = |name: &str, step: &dyn Fn(&str)| {
        let mut rates = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let mut done = 0u64;
            while started.elapsed() < Duration::from_secs(seconds) {
                for text in &texts {
                    step(black_box(text));
                    done += 1;
                }
            }
            rates.push(done as f64 / started.elapsed().as_secs_f64());
        }
        let median = median(rates.clone());
        println!(
            "{name:<44} median {median:>9.0} signals/s per core ({:.1} µs/signal; runs: {})",
            1e6 / median,
            rates
                .iter()
                .map(|r| format!("{r:.0}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        median
    };
    measure("anonymise + classify + extract (pipeline)", &|text| {
        let scrubbed = scrub(text);
        black_box(rules.analyse(&scrubbed.text));
    });
    measure("  anonymise only", &|text| {
        black_box(scrub(text));
    });
    measure("  classify + extract only (rules + model)", &|text| {
        black_box(rules.analyse(text));
    });
    let rules_alone = rules.without_model();
    measure("  classify + extract, rules alone", &|text| {
        black_box(rules_alone.analyse(text));
    });
}
