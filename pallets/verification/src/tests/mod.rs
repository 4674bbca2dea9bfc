//! Tests by topic around a minimal runtime: parameters, sampling, committees, and the
//! economics of the default parameters.

mod committee;
mod economics;
mod params;
mod sampling;

use frame_support::{derive_impl, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

use crate as pallet_verification;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Verification: pallet_verification,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// Largest committee of the test runtime.
pub const MAX_COMMITTEE: u32 = 9;

impl pallet_verification::Config for Test {
	type AdminOrigin = EnsureRoot<u64>;
	type MaxCommitteeSize = ConstU32<MAX_COMMITTEE>;
	type WeightInfo = ();
}

/// The events of the verification pallet since the last call, cleared.
pub fn events() -> Vec<pallet_verification::Event<Test>> {
	let events = System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Verification(event) => Some(event),
			_ => None,
		})
		.collect();
	System::reset_events();
	events
}

/// A fixed sequence of 32-byte seeds: blake2-256 of the index.
pub fn seed(index: u64) -> [u8; 32] {
	sp_io::hashing::blake2_256(&index.to_le_bytes())
}

#[derive(Default)]
pub struct ExtBuilder {
	params: Option<crate::VerificationParams<u64>>,
}

impl ExtBuilder {
	pub fn build(self) -> sp_io::TestExternalities {
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			verification: pallet_verification::GenesisConfig { params: self.params },
		}
		.build_storage()
		.expect("genesis builds");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Runs `test`, then checks the invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Verification::do_try_state().expect("invariants hold");
		});
	}
}
