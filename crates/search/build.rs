//! Sets `NAAP_CODE_ID` (build/code_id.rs), the code identity a search's
//! journal carries: a hash of this crate's sources and of every naap-* crate
//! it depends on (the trainer, the strategies, the predictor), so that a
//! resumed search refuses decisions made by another build.

#[path = "../../build/code_id.rs"]
mod code_id;

fn main() {
    code_id::emit();
}
