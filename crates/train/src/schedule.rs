//! The NAAP-440 learning-rate schedule: multiplied by `lr_decay` after every
//! epoch and reset to `lr` every `lr_cycle_epochs` epochs (0.1, 0.01, 0.001, 0.1, ...).

use crate::TrainValidConfig;

/// The learning rate of a 1-based epoch.
pub fn lr_for_epoch(config: &TrainValidConfig, epoch: usize) -> f64 {
    let c = &config.get().recipe;
    let step = (epoch.max(1) - 1) % c.lr_cycle_epochs;
    // Dividing by the inverse factor gives the paper's exact rates (0.1 / 10 = 0.01),
    // where 0.1 * 0.1 would give 0.010000000000000002.
    c.lr / (1.0 / c.lr_decay).powi(step as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TrainConfig;
    use approx::assert_relative_eq;

    #[test]
    fn published_schedule_cycles_every_three_epochs() {
        let c = TrainConfig::default().validate().unwrap();
        let lrs: Vec<f64> = (1..=7).map(|e| lr_for_epoch(&c, e)).collect();
        // Exact, because the log prints these values in Python's shortest form.
        assert_eq!(lrs, [0.1, 0.01, 0.001, 0.1, 0.01, 0.001, 0.1]);
        assert_eq!(lr_for_epoch(&c, 90), 0.001);
        let half = TrainConfig {
            recipe: crate::Recipe {
                lr_decay: 0.5,
                ..Default::default()
            },
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_relative_eq!(lr_for_epoch(&half, 3), 0.025, max_relative = 1e-12);
    }

    #[test]
    fn a_cycle_of_one_keeps_the_rate() {
        let c = TrainConfig {
            recipe: crate::Recipe {
                lr_cycle_epochs: 1,
                lr: 0.05,
                ..Default::default()
            },
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert!((1..10).all(|e| lr_for_epoch(&c, e) == 0.05));
    }
}
