//! ATen ops per training step, counted through the C++ shim's RecordFunction callbacks:
//! the per-tensor SGD step issues six ops per parameter and zeroes each gradient with two
//! more; the multi-tensor steps issue six (`_foreach_*`) or one (`_fused_sgd_`) for the
//! whole model and zero nothing; forward and backward are the same for all three.

mod common;

use naap_train::{train_step_ops, SchemeJob, SgdKernel};
use tch::Device;

#[test]
fn the_multi_tensor_steps_issue_a_fixed_number_of_ops() {
    let schemes = common::shared_schemes();
    for id in [1, 432] {
        let job = SchemeJob {
            id: naap_space::ModelId::from_index(id - 1).unwrap(),
            scheme: schemes[id - 1].clone(),
            macs: 0,
        };
        let (per_tensor, params) =
            train_step_ops(&job, Device::Cpu, 8, SgdKernel::PerTensor).unwrap();
        let (foreach, params_foreach) =
            train_step_ops(&job, Device::Cpu, 8, SgdKernel::Foreach).unwrap();
        let (fused, _) = train_step_ops(&job, Device::Cpu, 8, SgdKernel::Fused).unwrap();
        assert_eq!(params, params_foreach);
        assert!(params >= 8, "scheme {id}: {params} parameter tensors");
        let p = params as u64;
        assert_eq!(per_tensor.update.top_level, 6 * p, "scheme {id}");
        assert_eq!(per_tensor.zero_grad.top_level, 2 * p, "scheme {id}");
        assert_eq!(foreach.update.top_level, 6, "scheme {id}");
        assert_eq!(fused.update.top_level, 1, "scheme {id}");
        assert_eq!((foreach.zero_grad.all, fused.zero_grad.all), (0, 0));
        assert_eq!(per_tensor.forward, foreach.forward, "scheme {id}");
        assert_eq!(foreach.forward, fused.forward, "scheme {id}");
        assert_eq!(foreach.backward, fused.backward, "scheme {id}");
        // A convolution, batch norm and ReLU per layer at the least.
        assert!(per_tensor.forward.top_level >= 3 * job.scheme.layers.len() as u64);
        assert!(fused.total().top_level < per_tensor.total().top_level / 2);
    }
}
