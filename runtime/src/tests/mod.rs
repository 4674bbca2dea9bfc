//! Runtime unit tests: genesis presets, configuration coherence, and basic flows (transfer,
//! validator bond) run in `TestExternalities` built from the real genesis presets.

mod bmw;
mod compute;
mod config;
mod flows;
mod genesis;
mod jobs;
mod metadata;
mod verification;

use sp_runtime::BuildStorage;

use crate::genesis_config_presets::{merge, preset_config};

/// Externalities holding the genesis state of a preset, at block 1.
pub fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	let storage = preset_config(preset).build_storage().expect("genesis builds");
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| crate::System::set_block_number(1));
	ext
}

pub use crate::dev_nodes::run_to;

/// `submitter` submits a `size`³ int8 GEMM job from a seed at up to 2 CNDR per IBM.
pub fn submit_gemm_job(submitter: &crate::AccountId, size: u32) -> sp_runtime::DispatchResult {
	use pallet_jobs::{JobClass, JobInput, JobSpec, WhenNoWorker};
	crate::Jobs::submit_job(
		crate::RuntimeOrigin::signed(submitter.clone()),
		0,
		JobSpec::Int8Gemm { m: size, n: size, k: size },
		JobInput::Seed([5; 32]),
		2 * crate::CNDR,
		JobClass::Standard,
		None,
		WhenNoWorker::Fail,
	)
}

/// `worker` delivers the `size`³ GEMM of job `job` (i32 outputs in the job's tiles), claiming
/// `output_root`.
pub fn deliver_gemm(
	worker: &crate::AccountId,
	job: pallet_jobs::JobId,
	size: u32,
	output_root: [u8; 32],
) -> frame_support::dispatch::DispatchResultWithPostInfo {
	let output_len = size as u64 * size as u64 * 4;
	let tile_bytes = pallet_jobs::Jobs::<crate::Runtime>::get(job).map_or(1, |j| j.tile_bytes);
	crate::Jobs::submit_receipts(
		crate::RuntimeOrigin::signed(worker.clone()),
		frame_support::BoundedVec::truncate_from(vec![pallet_jobs::ReceiptEntry {
			job,
			stage: 0,
			output_root,
			output_len,
			tile_count: output_len.div_ceil(tile_bytes.max(1) as u64) as u32,
			elapsed_ms: 80,
		}]),
	)
}

#[test]
fn merge_patches_objects_and_replaces_leaves() {
	let mut base = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": 4});
	merge(&mut base, serde_json::json!({"a": {"c": [3]}, "e": 5}));
	assert_eq!(base, serde_json::json!({"a": {"b": 1, "c": [3]}, "d": 4, "e": 5}));
}
