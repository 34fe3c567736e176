//! Training: one L2-regularised logistic regression per barrier (one-vs-rest), solved by
//! LIBLINEAR on the hashed sparse features; k-fold cross-validation gives every note a decision
//! value from a model that did not see it, from which the calibration (Platt scaling, also fitted
//! by LIBLINEAR), the floor below which the model vetoes a rule match and each barrier's
//! threshold for the combination with the rules are chosen.
//! The final model is trained on all notes.

use super::measure::Counts;
use super::notes::Note;
use crate::model::{areas, features, held_out, norms, Header, Model, Trained};
use crate::ruleset::{normalise, RuleSet};
use liblinear::{Builder, LibLinearModel, SolverType};

/// LIBLINEAR's cost C when none is given: the one with the best macro-F1 of rules and model
/// together, cross-validated by writer (18,477 notes: C = 8 0.950, 16 0.951, 32 0.953, 64 0.954,
/// 128 0.954; the smaller of a tie). 32 until the notes numbered a fifth of that.
pub const DEFAULT_COST: f64 = 64.0;

/// [`Options::prune`] by default. Measured on model `a59eab95` (29,091 notes, 199,030
/// features): 2 % leaves out half its features (0.8 MB less to read at every start and 1.8 MB
/// of weights less to page in) and scores the same: macro-F1 on the corpus 0.9370 against
/// 0.9365, and 0.9646 on 480 notes of writers it never saw, both ways; at 5 % (a quarter of
/// the features kept) the unseen notes fell to 0.9629.
pub const DEFAULT_PRUNE: f32 = 0.02;

/// Training settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// LIBLINEAR's cost C (inverse regularisation).
    pub cost: f64,
    pub folds: usize,
    /// log2 of the hash space.
    pub buckets_log2: u32,
    /// The model's version; by default the date and a hash of the weights.
    pub version: Option<String>,
    /// Features whose every weight is smaller than this fraction of the largest weight of
    /// its barrier are left out of the model ([`prune`]); 0 keeps every feature.
    pub prune: f32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            cost: DEFAULT_COST,
            folds: 5,
            buckets_log2: 18,
            version: None,
            prune: DEFAULT_PRUNE,
        }
    }
}

/// A trained model and what cross-validation said.
#[derive(Debug)]
pub struct Outcome {
    pub model: Model,
    /// Per note, per barrier: the calibrated probability from the fold that did not see it.
    pub held_out: Vec<Vec<f32>>,
    /// The combination's macro-F1 with floor and thresholds chosen on the other folds and
    /// applied to each fold in turn: how well the choice carries over to unseen writers.
    pub nested_macro_f1: f64,
}

/// The fold of a note: a hash of its text, so the split is the same on every run.
pub fn fold_of(text: &str, folds: usize) -> usize {
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    (hash % folds as u64) as usize
}

/// The writer of a note from `rules/training` (`writer-<w>-<voice>.jsonl` → `writer-<w>`), or
/// `None` for the other notes (fixtures, held-out notes, the overleg's labels).
fn writer_of(note: &Note) -> Option<&str> {
    let path = note
        .origin
        .rsplit_once(':')
        .map_or(note.origin.as_str(), |(p, _)| p);
    let file = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let rest = file.strip_prefix("writer-")?;
    let (writer, _) = rest.split_once('-')?;
    let end = "writer-".len() + writer.len();
    (!writer.is_empty()).then(|| &file[..end])
}

/// The fold of every note. A writer's notes share a fold, so each is scored by a model that saw
/// nothing by its writer — as the notes of other people will be — and the choice of floor and
/// thresholds ([`TOLERANCE`]) is measured on writers the model has not seen. Writers go, largest
/// first, to the fold with the fewest notes; every other note by a hash of its text.
pub fn folds_of(notes: &[Note], folds: usize) -> Vec<usize> {
    let folds = folds.max(1);
    let mut fold: Vec<Option<usize>> = notes
        .iter()
        .map(|n| writer_of(n).is_none().then(|| fold_of(&n.text, folds)))
        .collect();
    let mut size = vec![0usize; folds];
    for f in fold.iter().flatten() {
        size[*f] += 1;
    }
    let mut writers: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (i, note) in notes.iter().enumerate() {
        if let Some(writer) = writer_of(note) {
            writers.entry(writer).or_default().push(i);
        }
    }
    let mut writers: Vec<(&str, Vec<usize>)> = writers.into_iter().collect();
    writers.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (_, members) in writers {
        let smallest = (0..folds).min_by_key(|&f| (size[f], f)).unwrap_or(0);
        size[smallest] += members.len();
        for i in members {
            fold[i] = Some(smallest);
        }
    }
    fold.into_iter().map(|f| f.unwrap_or(0)).collect()
}

/// One barrier's examples: indices of the notes labelled for it.
fn examples(notes: &[Note], barrier: &str, take: impl Fn(usize) -> bool) -> Vec<usize> {
    (0..notes.len())
        .filter(|&i| take(i) && notes[i].labelled(barrier))
        .collect()
}

/// One barrier's fit: the weights of the used buckets and the bias.
type Fitted = Result<(Vec<f32>, f32), String>;

/// Fits one binary logistic regression; returns the weights of `used` buckets and the bias.
fn fit_binary(vectors: &[Vec<(u32, f64)>], labels: &[bool], cost: f64, used: &[u32]) -> Fitted {
    if !labels.iter().any(|&l| l) || labels.iter().all(|&l| l) {
        // One class only: nothing to learn; the bias says "never" (or "always").
        let bias = if labels.first().copied().unwrap_or(false) {
            4.0
        } else {
            -4.0
        };
        return Ok((vec![0.0; used.len()], bias));
    }
    let (model, positive) = logistic(
        vectors.to_vec(),
        labels,
        // The dual solver: far fewer notes than features, so coordinate descent over the
        // notes is the fast way (LIBLINEAR's advice for text).
        (SolverType::L2R_LR_DUAL, 0.1, cost),
        "trainingsinvoer",
    )?;
    let weights = used
        .iter()
        .map(|&bucket| model.feature_coefficient(bucket as i32 + 1, positive) as f32)
        .collect();
    Ok((weights, model.label_bias(positive) as f32))
}

/// Serialises LIBLINEAR's fits (see [`logistic`]).
static LIBLINEAR: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Fits a binary logistic regression (with a bias feature) to `features` and `labels` with
/// LIBLINEAR's `(solver, stopping criterion, cost)`; returns the model and the index of its
/// positive class. `what` names the input in an error.
fn logistic(
    features: Vec<Vec<(u32, f64)>>,
    labels: &[bool],
    (solver, stopping, cost): (SolverType, f64, f64),
    what: &str,
) -> Result<(impl LibLinearModel, i32), String> {
    let input = liblinear::util::TrainingInput::from_sparse_features(
        labels.iter().map(|&l| if l { 1.0 } else { -1.0 }).collect(),
        features,
    )
    .map_err(|e| format!("{what}: {e}"))?;
    let mut builder = Builder::new();
    builder.problem().input_data(input).bias(1.0);
    builder
        .parameters()
        .solver_type(solver)
        .stopping_criterion(stopping)
        .constraints_violation_cost(cost);
    let model = {
        // LIBLINEAR's dual solvers shuffle with the C library's `rand()`, one generator for
        // the whole process: fits running side by side would draw from it in whatever order
        // the threads happen to run, and the model would differ between two trainings on the
        // same notes. One fit at a time, each from the same seed, trains the same model
        // every time.
        let _one_at_a_time = LIBLINEAR
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // SAFETY: `srand` only sets the C library's generator state; the lock above keeps
        // every LIBLINEAR call (the generator's only user here) out while it is reseeded
        // and while the fit draws from it.
        unsafe { libc::srand(1) };
        builder
            .build_model()
            .map_err(|e| format!("LIBLINEAR: {e}"))?
    };
    let positive = model
        .labels()
        .iter()
        .position(|&l| l == 1)
        .ok_or("LIBLINEAR gaf geen positieve klasse terug")? as i32;
    Ok((model, positive))
}

/// Trains a model (identity calibration, thresholds ½) on the notes `take` selects.
fn fit(
    notes: &[Note],
    vectors: &[Vec<(u32, f64)>],
    barriers: &[String],
    options: &Options,
    take: impl Fn(usize) -> bool + Copy + Sync,
) -> Result<Model, String> {
    liblinear::toggle_liblinear_stdout_output(false);
    let buckets = 1u32 << options.buckets_log2;
    let mut used: Vec<u32> = (0..notes.len())
        .filter(|&i| take(i))
        .flat_map(|i| vectors[i].iter().map(|(index, _)| index - 1))
        .collect();
    used.sort_unstable();
    used.dedup();
    let n = barriers.len();
    let mut rows = vec![0f32; used.len() * n];
    let mut bias = Vec::with_capacity(n);
    // One binary problem per barrier, spread over the cores.
    let one = |barrier: &String| {
        let chosen = examples(notes, barrier, take);
        let x: Vec<Vec<(u32, f64)>> = chosen.iter().map(|&i| vectors[i].clone()).collect();
        let y: Vec<bool> = chosen.iter().map(|&i| notes[i].is(barrier)).collect();
        fit_binary(&x, &y, options.cost, &used)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(n.max(1));
    let fitted: Vec<Fitted> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let one = &one;
                scope.spawn(move || {
                    barriers
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| b % threads == t)
                        .map(|(b, barrier)| (b, one(barrier)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<(usize, Fitted)> = workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect();
        all.sort_by_key(|(b, _)| *b);
        all.into_iter().map(|(_, r)| r).collect()
    });
    for (b, result) in fitted.into_iter().enumerate() {
        let (weights, intercept) = result?;
        for (row, w) in weights.into_iter().enumerate() {
            rows[row * n + b] = w;
        }
        bias.push(intercept);
    }
    let (used, rows) = prune(used, rows, n, options.prune);
    let header = Header {
        version: String::new(),
        barriers: barriers.to_vec(),
        buckets,
        bias,
        platt: vec![[1.0, 0.0]; n],
        thresholds: vec![0.5; n],
        floors: Vec::new(),
        trained: Trained {
            notes: (0..notes.len()).filter(|&i| take(i)).count(),
            folds: options.folds,
            cost: options.cost,
            rules_version: String::new(),
            prune: options.prune,
        },
        masks_areas: true,
        max_repetition: None,
    };
    Model::new(header, used, rows).map_err(|e| e.0)
}

/// The buckets and rows (`n` weights each) left when every row whose weights are all smaller
/// than `fraction` of the largest weight of their barrier (in size) is left out.
pub(crate) fn prune(
    used: Vec<u32>,
    rows: Vec<f32>,
    n: usize,
    fraction: f32,
) -> (Vec<u32>, Vec<f32>) {
    if fraction <= 0.0 || n == 0 {
        return (used, rows);
    }
    // Per barrier, the size a weight must reach to count: `fraction` of its largest.
    let mut bar = vec![0f32; n];
    for row in rows.chunks_exact(n) {
        for (b, w) in bar.iter_mut().zip(row) {
            *b = b.max(w.abs());
        }
    }
    bar.iter_mut().for_each(|b| *b *= fraction);
    let mut kept_used = Vec::with_capacity(used.len());
    let mut kept_rows = Vec::with_capacity(rows.len());
    for (bucket, row) in used.into_iter().zip(rows.chunks_exact(n)) {
        if row.iter().zip(&bar).any(|(w, b)| w.abs() >= *b) {
            kept_used.push(bucket);
            kept_rows.extend_from_slice(row);
        }
    }
    (kept_used, kept_rows)
}

/// Fits `p = 1 / (1 + exp(-(a·s + b)))` to decision values and labels (Platt scaling), as a
/// one-feature logistic regression.
fn platt(decisions: &[f32], labels: &[bool]) -> Result<[f32; 2], String> {
    if !labels.iter().any(|&l| l) || labels.iter().all(|&l| l) {
        return Ok([1.0, 0.0]);
    }
    let (model, positive) = logistic(
        decisions
            .iter()
            .map(|&s| vec![(1u32, f64::from(s))])
            .collect(),
        labels,
        (SolverType::L2R_LR, 0.001, 100.0),
        "kalibratie",
    )?;
    Ok([
        model.feature_coefficient(1, positive) as f32,
        model.label_bias(positive) as f32,
    ])
}

/// Per barrier, whether the rules alone (exclusions applied) find it in each note.
pub fn rule_hits(rules: &RuleSet, notes: &[Note]) -> Vec<Vec<bool>> {
    let rules = rules.without_model();
    notes
        .iter()
        .map(|note| {
            let found = rules.classify(&note.text);
            rules
                .barriers()
                .iter()
                .map(|b| found.contains(&b.id.as_str()))
                .collect()
        })
        .collect()
}

/// Per barrier, whether a rule exclusion (or a missing `needs`) bars the model from each note.
fn vetoes(rules: &RuleSet, notes: &[Note]) -> Vec<Vec<bool>> {
    notes
        .iter()
        .map(|note| rules.model_barred_normalised(&normalise(&note.text)))
        .collect()
}

/// F1 from counts.
fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
    if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2 * tp + fp + fn_) as f64
    }
}

/// Counts of rules-or-model for barrier `b` on the held-out probabilities: a rule match counts
/// when the model gives it at least `floor`, the model alone from `threshold` (unless a rule
/// exclusion vetoes it).
struct Held<'a> {
    notes: &'a [Note],
    held_out: &'a [Vec<f32>],
    rules: &'a [Vec<bool>],
    vetoed: &'a [Vec<bool>],
    /// Each note's fold, and which notes count: `None` all, `Some((f, true))` only fold `f`,
    /// `Some((f, false))` all but fold `f`.
    folds: &'a [usize],
    scope: Option<(usize, bool)>,
}

impl Held<'_> {
    fn counts(&self, barrier: &str, b: usize, floor: f32, threshold: f32) -> (usize, usize, usize) {
        let mut counts = Counts::default();
        for (i, note) in self.notes.iter().enumerate() {
            let counted = match self.scope {
                None => true,
                Some((f, only)) => (self.folds[i] == f) == only,
            };
            if !counted || !note.labelled(barrier) {
                continue;
            }
            let p = self.held_out[i][b];
            let found = (self.rules[i][b] && p >= floor) || (p >= threshold && !self.vetoed[i][b]);
            counts.add(note.is(barrier), found);
        }
        (counts.tp, counts.fp, counts.fn_)
    }

    fn f1(&self, barrier: &str, b: usize, floor: f32, threshold: f32) -> f64 {
        let (tp, fp, fn_) = self.counts(barrier, b, floor, threshold);
        f1(tp, fp, fn_)
    }

    /// The probability from which the model counts for barrier `b`, given the floor: the
    /// lowest threshold from ½ to 0.95 whose F1 of rules-or-model is within [`TOLERANCE`] of
    /// the best one. Returns it with its F1.
    ///
    /// Why the lowest: by nested cross-validation over the writers (thresholds chosen on four
    /// folds' writers, counted on the fifth's; 3,663 notes, C = 32) the lowest within 0.01 gave
    /// macro-F1 0.925, the best F1 itself 0.924, the highest within 0.005 (the rule before)
    /// 0.920 and within 0.02 0.910 — a cautious threshold chosen on the team's notes costs
    /// recall on notes by others.
    fn threshold(&self, barrier: &str, b: usize, floor: f32) -> (f32, f64) {
        let scored: Vec<(f32, f64)> = (10..=19)
            .map(|step| {
                let t = step as f32 * 0.05;
                (t, self.f1(barrier, b, floor, t))
            })
            .collect();
        let best = scored.iter().map(|s| s.1).fold(f64::MIN, f64::max);
        scored
            .into_iter()
            .find(|s| s.1 >= best - TOLERANCE)
            .unwrap_or((0.5, best))
    }
}

/// How much F1 a threshold may cost and still be chosen: the F1 of a barrier over thresholds
/// from ½ to 0.95 is flat on the training notes, and differences this small are noise (adding
/// 28 notes moved the best threshold of one barrier from 0.70 to 0.50), below the
/// cross-validation's own spread (about ±0.015 for ~300 positives).
pub const TOLERANCE: f64 = 0.01;

/// The floors tried: below the floor the model vetoes a rule's match.
pub const FLOORS: [f32; 10] = [0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3];

/// One floor for all barriers — the one that gives the best macro-F1 of the combination on the
/// held-out probabilities, each barrier with its best threshold under it (ties go to the lower
/// floor, the one that overrules the rules less) — and the thresholds under it.
fn floor_and_thresholds(held: &Held<'_>, barriers: &[String]) -> (f32, Vec<f32>) {
    let mut best = (f64::MIN, 0.0f32, Vec::new());
    for floor in FLOORS {
        let chosen: Vec<(f32, f64)> = barriers
            .iter()
            .enumerate()
            .map(|(b, barrier)| held.threshold(barrier, b, floor))
            .collect();
        let macro_f1 = chosen.iter().map(|c| c.1).sum::<f64>() / barriers.len().max(1) as f64;
        if macro_f1 > best.0 + 1e-9 {
            best = (macro_f1, floor, chosen.into_iter().map(|c| c.0).collect());
        }
    }
    (best.1, best.2)
}

/// The macro-F1 of the combination when floor and thresholds are chosen on the other
/// folds' held-out probabilities and applied to each fold in turn: how well the choice itself
/// carries over to notes it was not made on (counts summed over the folds).
fn nested_macro_f1(held: &Held<'_>, barriers: &[String], folds: usize) -> f64 {
    let mut sums = vec![(0usize, 0usize, 0usize); barriers.len()];
    for f in 0..folds {
        let others = Held {
            scope: Some((f, false)),
            ..*held
        };
        let (floor, thresholds) = floor_and_thresholds(&others, barriers);
        let this = Held {
            scope: Some((f, true)),
            ..*held
        };
        for (b, barrier) in barriers.iter().enumerate() {
            let (tp, fp, fn_) = this.counts(barrier, b, floor, thresholds[b]);
            sums[b].0 += tp;
            sums[b].1 += fp;
            sums[b].2 += fn_;
        }
    }
    sums.iter()
        .map(|&(tp, fp, fn_)| f1(tp, fp, fn_))
        .sum::<f64>()
        / barriers.len().max(1) as f64
}

/// Per block, the largest [`norms::ratios`] among the notes (their normalised texts, with
/// area names masked as their features are): how repetitive a note the model has seen.
fn max_repetition(normalised: &[String], buckets: u32) -> [f32; 2] {
    normalised.iter().fold([0f32; 2], |most, text| {
        let masked = areas::mask(text);
        let words = features::words(&masked);
        let [word, char] = norms::ratios(
            features::counts(&words),
            norms::squared_norms(&masked, &words, buckets),
        );
        [most[0].max(word), most[1].max(char)]
    })
}

/// The notes' normalised texts and their hashed feature vectors.
fn note_vectors(notes: &[Note], options: &Options) -> (Vec<String>, Vec<Vec<(u32, f64)>>) {
    let normalised: Vec<String> = notes.iter().map(|n| normalise(&n.text)).collect();
    let buckets = 1u32 << options.buckets_log2;
    let vectors = normalised
        .iter()
        .map(|t| features::vector(&areas::mask(t), buckets))
        .collect();
    (normalised, vectors)
}

/// Decision values per note of the fold models: every note scored by the model that did not
/// see it.
pub fn cross_validate(
    notes: &[Note],
    barriers: &[String],
    options: &Options,
) -> Result<Vec<Vec<f32>>, String> {
    let (normalised, vectors) = note_vectors(notes, options);
    let folds = folds_of(notes, options.folds);
    held_out_decisions(notes, &normalised, &vectors, &folds, barriers, options)
}

/// [`cross_validate`] on the notes' normalised texts and vectors and their folds, made once.
fn held_out_decisions(
    notes: &[Note],
    normalised: &[String],
    vectors: &[Vec<(u32, f64)>],
    folds: &[usize],
    barriers: &[String],
    options: &Options,
) -> Result<Vec<Vec<f32>>, String> {
    let mut decisions = vec![Vec::new(); notes.len()];
    for fold in 0..options.folds {
        let model = fit(notes, vectors, barriers, options, |i| folds[i] != fold)?;
        for i in (0..notes.len()).filter(|&i| folds[i] == fold) {
            decisions[i] = model.decision_values(&normalised[i]);
        }
    }
    Ok(decisions)
}

/// Trains on all notes: cross-validated calibration and thresholds, then the final model.
pub fn train(notes: &[Note], rules: &RuleSet, options: &Options) -> Result<Outcome, String> {
    if options.folds < 2 {
        return Err("minstens 2 folds nodig".into());
    }
    if !(0.0..1.0).contains(&options.prune) {
        return Err(format!(
            "prune {} ligt niet tussen 0 en 1 (een fractie van het grootste gewicht)",
            options.prune
        ));
    }
    liblinear::toggle_liblinear_stdout_output(false);
    let barriers: Vec<String> = rules.barriers().iter().map(|b| b.id.clone()).collect();
    for barrier in &barriers {
        let positives = notes.iter().filter(|n| n.is(barrier)).count();
        if positives < options.folds {
            return Err(format!(
                "te weinig voorbeelden voor barrière '{barrier}': {positives} (minstens {})",
                options.folds
            ));
        }
    }
    let (normalised, vectors) = note_vectors(notes, options);
    let folds = folds_of(notes, options.folds);
    let decisions = held_out_decisions(notes, &normalised, &vectors, &folds, &barriers, options)?;
    let mut platts = Vec::with_capacity(barriers.len());
    for (b, barrier) in barriers.iter().enumerate() {
        let chosen = examples(notes, barrier, |_| true);
        let s: Vec<f32> = chosen.iter().map(|&i| decisions[i][b]).collect();
        let y: Vec<bool> = chosen.iter().map(|&i| notes[i].is(barrier)).collect();
        platts.push(platt(&s, &y)?);
    }
    let probability = |b: usize, s: f32| {
        let [a, c] = platts[b];
        1.0 / (1.0 + (-(a * s + c)).exp())
    };
    let held_out: Vec<Vec<f32>> = decisions
        .iter()
        .map(|d| {
            d.iter()
                .enumerate()
                .map(|(b, &s)| probability(b, s))
                .collect()
        })
        .collect();
    let rule_found = rule_hits(rules, notes);
    let vetoed = vetoes(rules, notes);
    let held = Held {
        notes,
        held_out: &held_out,
        rules: &rule_found,
        vetoed: &vetoed,
        folds: &folds,
        scope: None,
    };
    let nested_macro_f1 = nested_macro_f1(&held, &barriers, options.folds);
    let (floor, thresholds) = floor_and_thresholds(&held, &barriers);
    let mut model = fit(notes, &vectors, &barriers, options, |_| true)?;
    model.header.max_repetition = Some(max_repetition(&normalised, model.header.buckets));
    model.header.platt = platts;
    model.header.thresholds = thresholds;
    model.header.floors = vec![floor; barriers.len()];
    model.header.trained.rules_version = rules.version().to_string();
    // Round-trip through the file form, so the model in hand is the one that ships.
    let digest = model.to_bytes().iter().fold(0x811c_9dc5u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    model.header.version = options.version.clone().unwrap_or_else(|| {
        format!(
            "{}-{digest:08x}",
            knooppunt_ingest::today_nl().format("%Y.%m.%d")
        )
    });
    // What each fold model said of the notes it did not see, for figures over these notes
    // without retraining ([`crate::model::held_out`]).
    let keys: Vec<u64> = normalised.iter().map(|t| held_out::key(t)).collect();
    model.set_held_out(held_out::HeldOut::new(&keys, &decisions, barriers.len())?);
    let model = Model::from_bytes(&model.to_bytes()).map_err(|e| e.0)?;
    Ok(Outcome {
        model,
        held_out,
        nested_macro_f1,
    })
}
