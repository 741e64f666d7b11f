//! The outputs of a search: `ranking.csv` and `summary.md`.

use crate::run::SearchReport;
use std::fmt::Write as _;

/// Seconds one scheme-epoch took on the paper's GPU: the mean over the 440
/// published logs of the `logged` cost model (first epoch line to last
/// line, over the epochs), 19.54 s, checked by a test. The anchor of the
/// one-GPU projection until `bench/gpu.sh` has measured this trainer.
pub const PAPER_SECS_PER_EPOCH: f64 = 19.54;

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// `ranking.csv`: every candidate, the winner first, with the epochs it was
/// trained, its last and best observed accuracy, the predicted accuracy
/// (empty where the strategy had no single prediction) and the decision.
pub fn ranking_csv(report: &SearchReport) -> String {
    let mut out = String::from(
        "Rank,ModelId,EpochsTrained,LastAccuracy,BestAccuracy,PredictedAccuracy,Decision\n",
    );
    for (i, c) in report.ranking.iter().enumerate() {
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            i + 1,
            c.model_id,
            c.epochs_trained,
            opt(c.last_accuracy),
            opt(c.best_accuracy),
            opt(c.predicted_accuracy),
            c.decision.name()
        );
    }
    out
}

/// `summary.md`: the winner, what was spent against the budget and against
/// exhaustive training, and the projection to one GPU.
pub fn summary_markdown(report: &SearchReport, title: &str, budget: &str) -> String {
    let o = &report.outcome;
    let winner = report
        .ranking
        .iter()
        .find(|c| c.model_id == o.found)
        .expect("the winner is a candidate");
    let exhaustive = report.exhaustive_epochs();
    let mut s = String::new();
    let _ = writeln!(s, "# {title}\n");
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(s, "| strategy | {} |", report.strategy);
    let _ = writeln!(s, "| candidates | {} |", report.ranking.len());
    let _ = writeln!(
        s,
        "| winner | ModelId {} (best accuracy {}, {} epochs trained) |",
        o.found,
        opt(winner.best_accuracy),
        winner.epochs_trained
    );
    let _ = writeln!(
        s,
        "| spent | {} scheme-epochs of {budget}{} |",
        o.epochs_spent,
        if o.budget_hit {
            " (the budget stopped the search; the winner is its incumbent)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "| exhaustive training | {exhaustive} scheme-epochs ({} candidates x {} epochs): {:.1}x what the search spent |",
        report.ranking.len(),
        report.max_epochs,
        exhaustive as f64 / o.epochs_spent.max(1) as f64
    );
    let _ = writeln!(
        s,
        "| training wall time | {:.1} s ({:.1} s per scheme-epoch) |",
        report.secs_spent,
        report.secs_spent / o.epochs_spent.max(1) as f64
    );
    let hours = |epochs: u64| epochs as f64 * PAPER_SECS_PER_EPOCH / 3600.0;
    let _ = writeln!(
        s,
        "| one GPU, projected | {:.2} h (exhaustive {:.2} h), at the paper's logged {PAPER_SECS_PER_EPOCH} s per scheme-epoch (mean of its 440 logs; bench/gpu.sh has not measured this trainer yet) |",
        hours(o.epochs_spent),
        hours(exhaustive)
    );
    let trained = report
        .ranking
        .iter()
        .filter(|c| c.epochs_trained > 0)
        .count();
    let full = report
        .ranking
        .iter()
        .filter(|c| c.epochs_trained >= report.max_epochs)
        .count();
    let _ = writeln!(
        s,
        "| candidates trained | {trained} at all, {full} to {} epochs |",
        report.max_epochs
    );
    let diverged: Vec<String> = report
        .ranking
        .iter()
        .filter_map(|c| {
            c.diverged.as_ref().map(|why| {
                format!(
                    "ModelId {} after {} epochs ({why})",
                    c.model_id, c.epochs_trained
                )
            })
        })
        .collect();
    if !diverged.is_empty() {
        let _ = writeln!(
            s,
            "| diverged | {}: out of the search, their epochs charged |",
            diverged.join("; ")
        );
    }
    if report.replayed_batches > 0 {
        let _ = writeln!(
            s,
            "| resumed | {} batches replayed from the journal |",
            report.replayed_batches
        );
    }
    s
}
