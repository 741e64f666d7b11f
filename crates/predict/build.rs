//! Sets `NAAP_CODE_ID`, the code identity that select-features checkpoints carry.

#[path = "../../build/code_id.rs"]
mod code_id;

fn main() {
    code_id::emit();
}
