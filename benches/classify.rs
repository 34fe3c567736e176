//! `knooppunt classify` (scrub + classify + extract) per core, on the peers' notes
//! (`../shared/peers/bench_corpus.jsonl`: 5,000 synthetic Dutch notes of 313 characters on
//! average; the bundled demo sample when that folder is absent), and side by side with the
//! Dutch scrubbers people would otherwise use (Presidio, Deduce) when they are set up there.
//!
//! ```sh
//! ../shared/peers/presidio/run_presidio.sh --setup-only   # optional: the peers
//! ../shared/peers/deduce/run_deduce.sh --setup-only
//! taskset -c 1 cargo bench --bench classify -- --runs 5
//! ```
//!
//! Per round, in turn: the command on no input (start-up), on the 5,000 notes (the first
//! notes of a process) and on them ten times (50,000); then each peer on the same 5,000 notes.
//! Reports medians over rounds: start-up, the first-pass rate (5,000 notes after start-up), the
//! warm rate (the last 45,000 notes), the command's peak RSS, each peer's steady rate (its own
//! `--timing`) and Knooppunt/peer measured in the same round; then the pipeline in this
//! process (warm, one thread) and, when more than one core is free, `--jobs` on all of them.
//! `KNOOPPUNT_PEERS` points at another peers folder.

use knooppunt_domain::scrub::scrub;
use knooppunt_rules::ruleset::RuleSet;
mod common;

use common::{arg, median};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The notes of the peers' corpus as signals (`observed_on`, `source` and `area` added, `pii`
/// dropped), or the demo sample's.
fn notes(peers: &Path) -> Vec<serde_json::Value> {
    let corpus = std::fs::read_to_string(peers.join("bench_corpus.jsonl"))
        .unwrap_or_else(|_| include_str!("../src/demo/signals.jsonl").to_string());
    corpus
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            Some(serde_json::json!({
                "id": v.get("id")?,
                "observed_on": "2026-11-01",
                "source": "bench",
                "area": "Laak",
                "text": v["text"].as_str()?,
            }))
        })
        .collect()
}

/// One finished run of a command: wall and CPU seconds, peak RSS in MiB.
struct Run {
    wall: f64,
    cpu: f64,
    peak_mib: f64,
    stderr: String,
}

/// Runs a command to its end, its output thrown away, with the kernel's accounting of it.
#[allow(clippy::zombie_processes)] // reaped below with wait4, which also returns its rusage
fn run(program: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} starten: {e}", program.display()));
    let pid = child.id() as libc::pid_t;
    // Read stderr to its end first (a peer prints its timing there), then reap the child
    // ourselves to get its own resource usage.
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut stderr);
    }
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, filled in by wait4 for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped (std's handle was dropped without waiting).
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64();
    assert_eq!(reaped, pid, "{} afwachten mislukt", program.display());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{} {args:?} faalde: {stderr}",
        program.display()
    );
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Run {
        wall,
        cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
        peak_mib: usage.ru_maxrss as f64 / 1024.0,
        stderr,
    }
}

/// A peer's steady rate (notes per second in its scrub loop), from its `--timing` line.
fn peer_rate(script: &Path, input: &Path) -> Option<f64> {
    let input = input.to_str()?;
    let out = run(
        script,
        &[
            "--fields",
            "id,text",
            "--timing",
            "--input",
            input,
            "--output",
            "/dev/null",
        ],
    );
    out.stderr.lines().rev().find_map(|line| {
        serde_json::from_str::<serde_json::Value>(line)
            .ok()?
            .get("steady_rate_per_s")?
            .as_f64()
    })
}

/// A peer whose virtual environment is set up (the bench never installs one).
fn peer(peers: &Path, name: &str) -> Option<PathBuf> {
    let script = peers.join(name).join(format!("run_{name}.sh"));
    let venv = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))?
        .join("knooppunt-peers")
        .join(name);
    (script.exists() && venv.join(".peer-lock.sha256").exists()).then_some(script)
}

fn main() {
    let runs = arg("--runs", 5).max(1);
    let peers = std::env::var_os("KNOOPPUNT_PEERS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers"));
    let notes = notes(&peers);
    let dir = tempfile::tempdir().expect("temporary folder");
    let write = |name: &str, times: usize| {
        let path = dir.path().join(name);
        let mut text = String::new();
        for _ in 0..times {
            for note in &notes {
                text.push_str(&note.to_string());
                text.push('\n');
            }
        }
        std::fs::write(&path, text).expect("write notes");
        path
    };
    let empty = write("empty.jsonl", 0);
    let first = write("first.jsonl", 1);
    let ten = write("ten.jsonl", 10);
    let n = notes.len() as f64;
    let texts: Vec<String> = notes
        .iter()
        .filter_map(|n| n["text"].as_str().map(str::to_string))
        .collect();
    let chars: usize = texts.iter().map(|t| t.chars().count()).sum();
    println!(
        "corpus: {} notes, mean {} characters ({})",
        notes.len(),
        chars / texts.len().max(1),
        if peers.join("bench_corpus.jsonl").exists() {
            "the peers' bench_corpus.jsonl"
        } else {
            "the demo sample; no peers folder"
        }
    );

    let bin = Path::new(env!("CARGO_BIN_EXE_knooppunt"));
    let classify = |input: &Path, jobs: &str| {
        let input = input.to_str().expect("UTF-8 path");
        run(bin, &["classify", "--jobs", jobs, input])
    };
    let presidio = peer(&peers, "presidio");
    let deduce = peer(&peers, "deduce");
    let (mut startup, mut startup_cpu, mut first_rate, mut warm_rate, mut warm_cpu_rate) =
        (vec![], vec![], vec![], vec![], vec![]);
    let (mut ratio_first, mut peak) = (vec![], vec![]);
    let (mut presidio_rate, mut deduce_rate, mut vs_presidio, mut vs_deduce) =
        (vec![], vec![], vec![], vec![]);
    classify(&first, "1"); // warm-up: file cache, page cache of the binary
    for _ in 0..runs {
        let none = classify(&empty, "1");
        let once = classify(&first, "1");
        let tenfold = classify(&ten, "1");
        startup.push(none.wall * 1e3);
        startup_cpu.push(none.cpu * 1e3);
        let first_pass = n / (once.wall - none.wall);
        let warm = 9.0 * n / (tenfold.wall - once.wall);
        first_rate.push(first_pass);
        warm_rate.push(warm);
        warm_cpu_rate.push(9.0 * n / (tenfold.cpu - once.cpu));
        ratio_first.push(warm / first_pass);
        peak.push(tenfold.peak_mib.max(once.peak_mib));
        if let Some(rate) = presidio.as_ref().and_then(|p| peer_rate(p, &first)) {
            presidio_rate.push(rate);
            vs_presidio.push(warm / rate);
        }
        if let Some(rate) = deduce.as_ref().and_then(|p| peer_rate(p, &first)) {
            deduce_rate.push(rate);
            vs_deduce.push(warm / rate);
        }
    }
    let rows = [
        ("start-up (no input), wall ms", &startup),
        ("start-up (no input), CPU ms", &startup_cpu),
        ("first pass, notes/s (5,000 after start-up)", &first_rate),
        ("warm, notes/s (wall)", &warm_rate),
        ("warm, notes/s (CPU)", &warm_cpu_rate),
        ("warm / first pass", &ratio_first),
        ("peak RSS, MiB", &peak),
        ("Presidio steady, notes/s", &presidio_rate),
        ("Deduce steady, notes/s", &deduce_rate),
        ("Knooppunt warm / Presidio", &vs_presidio),
        ("Knooppunt warm / Deduce", &vs_deduce),
    ];
    print_rows(runs, &rows);

    across_cores(runs, n, &|jobs| classify(&ten, jobs).wall);

    in_process(&texts, runs);
}

/// The rows measured per round: median, lowest and highest.
fn print_rows(runs: usize, rows: &[(&str, &Vec<f64>)]) {
    println!("knooppunt classify --jobs 1, {runs} rounds (median; min–max):");
    for &(name, values) in rows {
        if values.is_empty() {
            println!("  {name:<44} not measured (peer not set up)");
            continue;
        }
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        println!(
            "  {name:<44} {:>10.2}   ({lo:.2}–{hi:.2})",
            median(values.to_vec())
        );
    }
}

/// `--jobs 1` against `--jobs` all cores on the tenfold input (`n` notes a pass): `wall`
/// classifies it with the given `--jobs` and returns its wall time.
fn across_cores(runs: usize, n: f64, wall: &dyn Fn(&str) -> f64) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores > 1 {
        let (mut one, mut all) = (vec![], vec![]);
        for _ in 0..runs {
            one.push(10.0 * n / wall("1"));
            all.push(10.0 * n / wall(&cores.to_string()));
        }
        println!(
            "  --jobs 1: {:.0} notes/s; --jobs {cores}: {:.0} notes/s (50,000 notes, wall, start-up included)",
            median(one),
            median(all)
        );
    }
}

/// The pipeline inside this process, one thread, warm: scrub, then rules and model.
fn in_process(texts: &[String], runs: usize) {
    let rules = RuleSet::default_rules().expect("default rules");
    let measure = |name: &str, step: &dyn Fn(&str)| {
        let mut rates = Vec::new();
        for _ in 0..runs {
            let started = Instant::now();
            let mut done = 0u64;
            while started.elapsed() < Duration::from_secs(1) {
                for text in texts {
                    step(black_box(text));
                    done += 1;
                }
            }
            rates.push(done as f64 / started.elapsed().as_secs_f64());
        }
        let median = median(rates);
        println!(
            "  {name:<44} {median:>10.0} notes/s ({:.1} µs/note)",
            1e6 / median
        );
    };
    println!("in this process, one thread, warm (median of {runs} one-second runs):");
    measure("anonymise + classify + extract", &|text| {
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
