//! The NAAP-440 learning-rate schedule: multiplied by `lr_decay` after every
//! epoch and reset to `lr` every `lr_cycle_epochs` epochs (0.1, 0.01, 0.001, 0.1, ...).

use crate::TrainValidConfig;

/// The learning rate of a 1-based epoch.
pub fn lr_for_epoch(config: &TrainValidConfig, epoch: usize) -> f64 {
    let c = config.get();
    let step = (epoch.max(1) - 1) % c.lr_cycle_epochs;
    // Repeated multiplication, not powi, to match how a PyTorch scheduler builds the value.
    (0..step).fold(c.lr, |lr, _| lr * c.lr_decay)
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
        for (got, want) in lrs.iter().zip([0.1, 0.01, 0.001, 0.1, 0.01, 0.001, 0.1]) {
            assert_relative_eq!(*got, want, max_relative = 1e-12);
        }
        assert_relative_eq!(lr_for_epoch(&c, 90), 0.001, max_relative = 1e-12);
    }

    #[test]
    fn a_cycle_of_one_keeps_the_rate() {
        let c = TrainConfig {
            lr_cycle_epochs: 1,
            lr: 0.05,
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert!((1..10).all(|e| lr_for_epoch(&c, e) == 0.05));
    }
}
