//! The study's tables: `results.csv` (one line per search) and
//! `summary.md` (one line per strategy).

use crate::study::{RunRecord, StudyResults};
use crate::{Error, Result};

/// The header of `results.csv`.
pub const RESULTS_COLUMNS: [&str; 17] = [
    "Strategy",
    "Repeat",
    "Fold",
    "PoolSize",
    "EpochsSpent",
    "CostSpent",
    "ExhaustiveCost",
    "SpeedUp",
    "FoundModelId",
    "FoundMaxAccuracy",
    "PoolBestMaxAccuracy",
    "Regret",
    "FoundRank",
    "Top1",
    "Top1Pct",
    "Top5Pct",
    "BudgetHit",
];

/// `results.csv`: one line per search, in the study's order.
pub fn results_csv(results: &StudyResults) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::InvalidInput(format!("writing results.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(RESULTS_COLUMNS).map_err(err)?;
    for r in &results.records {
        w.write_record([
            r.strategy.clone(),
            r.repeat.to_string(),
            r.fold.map_or(String::new(), |f| f.to_string()),
            r.pool_size.to_string(),
            r.epochs_spent.to_string(),
            r.cost_spent.to_string(),
            r.exhaustive_cost.to_string(),
            (r.exhaustive_cost / r.cost_spent).to_string(),
            r.found_model_id.to_string(),
            r.found_max_accuracy.to_string(),
            r.pool_best_max_accuracy.to_string(),
            r.regret.to_string(),
            r.found_rank.to_string(),
            u8::from(r.top1).to_string(),
            u8::from(r.top1_pct).to_string(),
            u8::from(r.top5_pct).to_string(),
            u8::from(r.budget_hit).to_string(),
        ])
        .map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| Error::InvalidInput(format!("writing results.csv: {e}")))
}

/// The header of `trajectory.csv`.
pub const TRAJECTORY_COLUMNS: [&str; 5] = ["Strategy", "Repeat", "Fold", "Cost", "Regret"];

/// `trajectory.csv`: the cost so far and the regret of the incumbent after
/// every paid step of every search (the last line of a search: its answer),
/// in the study's order.
pub fn trajectory_csv(results: &StudyResults) -> Result<Vec<u8>> {
    let err = |e: csv::Error| Error::InvalidInput(format!("writing trajectory.csv: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(TRAJECTORY_COLUMNS).map_err(err)?;
    for r in &results.records {
        let (repeat, fold) = (
            r.repeat.to_string(),
            r.fold.map_or(String::new(), |f| f.to_string()),
        );
        for (cost, regret) in &r.trajectory {
            w.write_record([
                r.strategy.as_str(),
                &repeat,
                &fold,
                &cost.to_string(),
                &regret.to_string(),
            ])
            .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Error::InvalidInput(format!("writing trajectory.csv: {e}")))
}

/// The fractions of the exhaustive cost at which [`AnytimeRow`] reads regret.
pub const ANYTIME_FRACTIONS: [f64; 3] = [0.01, 0.05, 0.10];

/// One strategy's anytime line: its regret at fixed shares of the
/// exhaustive cost and what it paid to reach the best schemes. A search
/// that has not paid its first step by then, or never reached them, counts
/// as +∞, so a median of +∞ means half the searches or more had not.
#[derive(Debug, Clone, PartialEq)]
pub struct AnytimeRow {
    /// The strategy's label.
    pub strategy: String,
    /// Median regret of the incumbent once each of [`ANYTIME_FRACTIONS`] of
    /// the pool's exhaustive cost was spent.
    pub regret_at: [f64; 3],
    /// Median cost at which the incumbent first was the pool's best.
    pub cost_to_best: f64,
    /// Median cost at which the incumbent first was a top-1% scheme.
    pub cost_to_top1_pct: f64,
    /// The same two costs as a share of the pool's exhaustive cost (medians).
    pub share_to_best: f64,
    /// See `share_to_best`.
    pub share_to_top1_pct: f64,
}

/// The median of values that may be +∞ (an unreached goal).
fn median_or_inf(mut v: Vec<f64>) -> Result<f64> {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return Err(Error::InvalidInput("median of no values".into()));
    }
    let (lo, hi) = (v[(n - 1) / 2], v[n / 2]);
    Ok(if hi.is_infinite() {
        hi
    } else {
        (lo + hi) / 2.0
    })
}

/// The incumbent's regret once `cost` was spent (+∞ before the first step).
fn regret_at(run: &RunRecord, cost: f64) -> f64 {
    run.trajectory
        .iter()
        .take_while(|(c, _)| *c <= cost * (1.0 + 1e-12))
        .last()
        .map_or(f64::INFINITY, |&(_, r)| r)
}

/// The first cost at which the incumbent's regret was at most `regret`.
fn cost_to(run: &RunRecord, regret: f64) -> f64 {
    run.trajectory
        .iter()
        .find(|(_, r)| *r <= regret)
        .map_or(f64::INFINITY, |&(c, _)| c)
}

/// One anytime row per strategy, in the study's order.
pub fn anytime(results: &StudyResults) -> Result<Vec<AnytimeRow>> {
    results
        .strategies
        .iter()
        .map(|name| {
            let runs: Vec<&RunRecord> = results
                .records
                .iter()
                .filter(|r| &r.strategy == name)
                .collect();
            let med =
                |f: &dyn Fn(&RunRecord) -> f64| median_or_inf(runs.iter().map(|r| f(r)).collect());
            let mut regret_at_share = [0.0; 3];
            for (out, share) in regret_at_share.iter_mut().zip(ANYTIME_FRACTIONS) {
                *out = med(&|r| regret_at(r, share * r.exhaustive_cost))?;
            }
            Ok(AnytimeRow {
                strategy: name.clone(),
                regret_at: regret_at_share,
                cost_to_best: med(&|r| cost_to(r, 0.0))?,
                cost_to_top1_pct: med(&|r| cost_to(r, r.top1_pct_regret))?,
                share_to_best: med(&|r| cost_to(r, 0.0) / r.exhaustive_cost)?,
                share_to_top1_pct: med(&|r| cost_to(r, r.top1_pct_regret) / r.exhaustive_cost)?,
            })
        })
        .collect()
}

fn anytime_markdown(results: &StudyResults) -> Result<String> {
    let mut s = String::from(
        "\n## Anytime\n\n| Strategy | Regret at 1% | Regret at 5% | Regret at 10% \
         | Median cost to the pool's best | Median cost to a top-1% |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let regret = |v: f64| match v.is_finite() {
        true => format!("{v:.4}"),
        false => "—".into(),
    };
    let cost = |c: f64, share: f64| match c.is_finite() {
        true => format!("{} ({:.1}%)", sig(c), 100.0 * share),
        false => "not reached".into(),
    };
    for r in anytime(results)? {
        s.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            r.strategy,
            regret(r.regret_at[0]),
            regret(r.regret_at[1]),
            regret(r.regret_at[2]),
            cost(r.cost_to_best, r.share_to_best),
            cost(r.cost_to_top1_pct, r.share_to_top1_pct),
        ));
    }
    s.push_str(
        "\nRegret at x% = median regret of the incumbent (the best scheme by the accuracy the \
         search has seen, scored by its true MaxAccuracy) once x% of the pool's exhaustive cost \
         was spent; — when half the searches or more had not paid their first step by then. \
         A search's cost to a goal is the cost of its first step whose incumbent reached it; \
         \"not reached\" when half the searches or more never did (the share, in parentheses, \
         is the median of cost / exhaustive cost).\n",
    );
    Ok(s)
}

/// One strategy's line of the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// The strategy's label.
    pub strategy: String,
    /// Searches summarised (repeats, times two for fold strategies).
    pub runs: usize,
    /// Median regret.
    pub regret_median: f64,
    /// 25th percentile of regret.
    pub regret_q25: f64,
    /// 75th percentile of regret.
    pub regret_q75: f64,
    /// Median scheme-epochs paid.
    pub epochs_median: f64,
    /// Median cost paid.
    pub cost_median: f64,
    /// Median over searches of exhaustive cost / cost paid.
    pub speed_up_median: f64,
    /// Share of searches that found the pool's best.
    pub top1_share: f64,
    /// Share that found a top-1% scheme.
    pub top1_pct_share: f64,
    /// Share that found a top-5% scheme.
    pub top5_pct_share: f64,
    /// Exhaustive cost over the expected cost of finding a top-1% scheme by
    /// rerunning the strategy until it does (mean cost / share); `None` if
    /// it never did.
    pub top1_pct_speed_up: Option<f64>,
}

/// The q-quantile of `values` with linear interpolation (numpy's default).
/// (`naap_predict::metrics::quantile`, its error as the study's.)
pub fn quantile(values: &[f64], q: f64) -> Result<f64> {
    naap_predict::metrics::quantile(values, q).map_err(|e| Error::InvalidInput(e.to_string()))
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// One summary row per strategy, in the study's order.
pub fn summarise(results: &StudyResults) -> Result<Vec<SummaryRow>> {
    results
        .strategies
        .iter()
        .map(|name| {
            let runs: Vec<&RunRecord> = results
                .records
                .iter()
                .filter(|r| &r.strategy == name)
                .collect();
            let col = |f: fn(&RunRecord) -> f64| runs.iter().map(|r| f(r)).collect::<Vec<f64>>();
            let share = |f: fn(&RunRecord) -> bool| {
                runs.iter().filter(|r| f(r)).count() as f64 / runs.len() as f64
            };
            let regret = col(|r| r.regret);
            let cost = col(|r| r.cost_spent);
            let p = share(|r| r.top1_pct);
            Ok(SummaryRow {
                strategy: name.clone(),
                runs: runs.len(),
                regret_median: quantile(&regret, 0.5)?,
                regret_q25: quantile(&regret, 0.25)?,
                regret_q75: quantile(&regret, 0.75)?,
                epochs_median: quantile(&col(|r| r.epochs_spent as f64), 0.5)?,
                cost_median: quantile(&cost, 0.5)?,
                speed_up_median: quantile(&col(|r| r.exhaustive_cost / r.cost_spent), 0.5)?,
                top1_share: share(|r| r.top1),
                top1_pct_share: p,
                top5_pct_share: share(|r| r.top5_pct),
                top1_pct_speed_up: (p > 0.0)
                    .then(|| mean(&col(|r| r.exhaustive_cost)) * p / mean(&cost)),
            })
        })
        .collect()
}

/// `summary.md`: the table and what its columns mean.
pub fn summary_markdown(results: &StudyResults, title: &str) -> Result<String> {
    let rows = summarise(results)?;
    let mut s = format!("# {title}\n\n");
    s.push_str(&format!(
        "Cost unit: {}. Regret = best MaxAccuracy of the pool − MaxAccuracy of the scheme \
         found (accuracy as a fraction). Speed-up = the pool's exhaustive cost / cost paid.\n\n",
        results.cost.unit()
    ));
    s.push_str(
        "| Strategy | Runs | Regret median | Regret IQR | Median epochs | Median cost \
         | Speed-up | Top-1 | Top-1% | Top-5% | Speed-up to a top-1% |\n",
    );
    s.push_str("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for r in &rows {
        let top1_pct = r
            .top1_pct_speed_up
            .map_or("never".to_string(), |v| format!("{v:.1}x"));
        s.push_str(&format!(
            "| {} | {} | {:.4} | [{:.4}, {:.4}] | {:.0} | {} | {:.1}x | {:.0}% | {:.0}% | {:.0}% | {} |\n",
            r.strategy,
            r.runs,
            r.regret_median,
            r.regret_q25,
            r.regret_q75,
            r.epochs_median,
            sig(r.cost_median),
            r.speed_up_median,
            100.0 * r.top1_share,
            100.0 * r.top1_pct_share,
            100.0 * r.top5_pct_share,
            top1_pct,
        ));
    }
    s.push_str(
        "\n\"Speed-up to a top-1%\" answers the paper's question: how much cheaper than \
         exhaustive training the strategy finds a top-1% scheme, counting reruns — the mean \
         exhaustive cost divided by (mean cost / share of searches that found one). \
         Fold strategies search each half of the pool knowing the other half's full curves, \
         so their ranks and costs are relative to a half pool.\n",
    );
    s.push_str(&anytime_markdown(results)?);
    Ok(s)
}

/// A cost for display: whole units from 100 up, else 4 significant digits.
fn sig(v: f64) -> String {
    if v.abs() >= 100.0 || v == 0.0 || !v.is_finite() {
        return format!("{v:.0}");
    }
    let digits = (3 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_as_numpy() {
        let v = [4.0, 1.0, 3.0, 2.0];
        // numpy.quantile([1, 2, 3, 4], [0.25, 0.5, 0.75]) = 1.75, 2.5, 3.25
        approx::assert_relative_eq!(quantile(&v, 0.25).unwrap(), 1.75);
        approx::assert_relative_eq!(quantile(&v, 0.5).unwrap(), 2.5);
        approx::assert_relative_eq!(quantile(&v, 0.75).unwrap(), 3.25);
        assert!(quantile(&[], 0.5).is_err());
        assert!(quantile(&[f64::NAN], 0.5).is_err());
    }

    /// A run of a pool whose exhaustive cost is 100, with these steps.
    fn run(strategy: &str, repeat: u32, steps: &[(f64, f64)]) -> RunRecord {
        let (cost, regret) = *steps.last().unwrap();
        RunRecord {
            strategy: strategy.into(),
            repeat,
            fold: None,
            pool_size: 100,
            epochs_spent: 0,
            cost_spent: cost,
            exhaustive_cost: 100.0,
            found_model_id: naap_space::ModelId::new(1).unwrap(),
            found_max_accuracy: 0.9 - regret,
            pool_best_max_accuracy: 0.9,
            regret,
            found_rank: 1,
            top1: regret == 0.0,
            top1_pct: regret <= 0.01,
            top5_pct: true,
            budget_hit: false,
            trajectory: steps.to_vec(),
            top1_pct_regret: 0.01,
        }
    }

    #[test]
    fn anytime_reads_each_search_at_shares_of_the_exhaustive_cost() {
        let results = StudyResults {
            strategies: vec!["a".into(), "b".into()],
            cost: crate::CostKind::Epochs,
            records: vec![
                // a: reaches a top-1% scheme at cost 4, the best at 8.
                run("a", 0, &[(0.5, 0.05), (4.0, 0.01), (8.0, 0.0)]),
                run("a", 1, &[(2.0, 0.03), (6.0, 0.0)]),
                run("a", 2, &[(3.0, 0.02), (9.0, 0.02)]),
                // b: one step at 20, past every share read.
                run("b", 0, &[(20.0, 0.0)]),
            ],
        };
        let rows = anytime(&results).unwrap();
        // a at cost 1: 0.05, none yet (+inf), none yet: median +inf.
        assert!(rows[0].regret_at[0].is_infinite());
        // At 5: 0.01, 0.03, 0.02 → 0.02. At 10: 0, 0, 0.02 → 0.
        assert_eq!(rows[0].regret_at[1], 0.02);
        assert_eq!(rows[0].regret_at[2], 0.0);
        // To the best: 8, 6, never → 8; to a top-1%: 4, 6, never → 6.
        assert_eq!(rows[0].cost_to_best, 8.0);
        assert_eq!(rows[0].cost_to_top1_pct, 6.0);
        assert_eq!(rows[0].share_to_top1_pct, 0.06);
        assert!(rows[1].regret_at.iter().all(|r| r.is_infinite()));
        assert_eq!(rows[1].cost_to_best, 20.0);
        let md = summary_markdown(&results, "t").unwrap();
        assert!(
            md.contains("| a | — | 0.0200 | 0.0000 | 8.000 (8.0%) | 6.000 (6.0%) |"),
            "{md}"
        );
        assert!(
            md.contains("| b | — | — | — | 20.00 (20.0%) | 20.00 (20.0%) |"),
            "{md}"
        );
        let csv = String::from_utf8(trajectory_csv(&results).unwrap()).unwrap();
        assert_eq!(csv.lines().count(), 1 + 3 + 2 + 2 + 1);
        assert!(
            csv.starts_with("Strategy,Repeat,Fold,Cost,Regret\na,0,,0.5,0.05\n"),
            "{csv}"
        );
    }

    #[test]
    fn significant_digits() {
        assert_eq!(sig(39600.0), "39600");
        assert_eq!(sig(12.3456), "12.35");
        assert_eq!(sig(0.001234567), "0.001235");
    }
}
