//! What `run` and `verify` count, in the Prometheus text format on the data server's
//! `/metrics` (every name starts `cinder_worker_`), and the loop's health for `/health`.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::fetch::FetchError;

use prometheus_client::{
	encoding::text::encode,
	metrics::{
		counter::Counter,
		family::Family,
		gauge::Gauge,
		histogram::{exponential_buckets, Histogram},
	},
	registry::Registry,
};

/// One label: `[(name, value)]`.
pub type Label = [(&'static str, &'static str); 1];

/// The worker's metrics. Cloned handles count into the same series.
pub struct Metrics {
	registry: Registry,
	/// Whether the last round reached the node.
	connected: AtomicBool,
	/// When the last round succeeded (or the metrics were made, before any).
	last_round_ok: std::sync::Mutex<std::time::Instant>,
	/// Rounds run, by `result` (`ok`, `failed`).
	pub rounds: Family<Label, Counter>,
	/// The best block the last round read.
	pub best_block: Gauge,
	/// Stages computed (worker) or recomputed (verifier), by `kernel`.
	pub stages_computed: Family<Label, Counter>,
	/// Work units computed.
	pub work_units: Counter,
	/// Seconds each stage's kernel took.
	pub compute_seconds: Histogram,
	/// Receipts submitted, by `outcome` (`accepted`, `congested`, `rejected`).
	pub receipts: Family<Label, Counter>,
	/// Receipts submitted again from the store, not recomputed.
	pub receipts_from_store: Counter,
	/// Benchmark challenges answered.
	pub challenges_answered: Counter,
	/// Verdicts revealed, by `agrees` (`true`, `false`): whether this verifier's root was the
	/// one shown with the check (the worker's, except in a trap round, which shows a wrong one).
	pub verdicts: Family<Label, Counter>,
	/// How the verifier decided each claim, by `method`: `freivalds` (the worker's GEMM output
	/// fetched and checked), `spot_checked` (a benchmark answer: a few of its parts fetched
	/// and recomputed), `recomputed` (everything else, and an output that failed the check or
	/// could not be fetched).
	pub checks: Family<Label, Counter>,
	/// Checks the verifier refused, by `reason`: `too_slow` (its estimate of the work runs
	/// past the round's commit phase, so it stays silent rather than block its other checks).
	pub checks_refused: Family<Label, Counter>,
	/// Heartbeats, by `result` (`sent`, `failed`, `withheld`: the main loop has not completed
	/// a round for too long, so the node should not look alive): sent from their own task, so
	/// no computation holds one back.
	pub heartbeats: Family<Label, Counter>,
	/// Inputs fetched from other workers or URIs, by `result` (`ok`, `unreachable`,
	/// `wrong_content`, …).
	pub fetches: Family<Label, Counter>,
	/// Requests the data server answered, by `route` (`blob`, `tile`, `health`, `metrics`,
	/// `not_found`, `bad_request`).
	pub requests: Family<Label, Counter>,
	/// Blob and tile bytes served.
	pub served_bytes: Counter,
}

impl Default for Metrics {
	fn default() -> Self {
		Self::new()
	}
}

impl Metrics {
	/// Fresh metrics, all zero.
	pub fn new() -> Self {
		let mut registry = Registry::with_prefix("cinder_worker");
		let metrics = Metrics {
			connected: AtomicBool::new(false),
			last_round_ok: std::sync::Mutex::new(std::time::Instant::now()),
			rounds: Family::default(),
			best_block: Gauge::default(),
			stages_computed: Family::default(),
			work_units: Counter::default(),
			// 1 ms to about 65 s.
			compute_seconds: Histogram::new(exponential_buckets(0.001, 2.0, 17)),
			receipts: Family::default(),
			receipts_from_store: Counter::default(),
			challenges_answered: Counter::default(),
			verdicts: Family::default(),
			checks: Family::default(),
			checks_refused: Family::default(),
			heartbeats: Family::default(),
			fetches: Family::default(),
			requests: Family::default(),
			served_bytes: Counter::default(),
			registry: Registry::default(),
		};
		// Each series is named after its field.
		macro_rules! register {
			($($field:ident: $help:literal),* $(,)?) => {
				$(registry.register(stringify!($field), $help, metrics.$field.clone());)*
			};
		}
		register! {
			rounds: "Rounds run, by result",
			best_block: "Best block the last round read",
			stages_computed: "Stages computed or recomputed, by kernel",
			work_units: "Work units computed",
			compute_seconds: "Seconds a stage's kernel took",
			receipts: "Receipts submitted, by outcome",
			receipts_from_store: "Receipts submitted again from the store, not recomputed",
			challenges_answered: "Benchmark challenges answered",
			verdicts: "Verdicts revealed, by whether the root was the claim shown (a trap shows a wrong one)",
			checks: "Claims decided, by method (freivalds, tile_sampled, spot_checked, recomputed)",
			checks_refused: "Checks refused, by reason (too_slow: would not finish before the commit phase ends)",
			heartbeats: "Heartbeats, by result (sent, failed, withheld while the main loop stalls)",
			fetches: "Inputs fetched, by result",
			requests: "Data server requests, by route",
			served_bytes: "Blob and tile bytes served",
		}
		Metrics { registry, ..metrics }
	}

	/// Counts a round and whether it reached the node.
	pub fn round(&self, ok: bool) {
		self.connected.store(ok, Ordering::Relaxed);
		if ok {
			if let Ok(mut last) = self.last_round_ok.lock() {
				*last = std::time::Instant::now();
			}
		}
		self.rounds.get_or_create(&[("result", if ok { "ok" } else { "failed" })]).inc();
	}

	/// Time since a round last succeeded (since the metrics were made, before any).
	pub fn since_last_round(&self) -> std::time::Duration {
		self.last_round_ok.lock().map_or(std::time::Duration::ZERO, |last| last.elapsed())
	}

	/// Whether the last round reached the node.
	pub fn connected(&self) -> bool {
		self.connected.load(Ordering::Relaxed)
	}

	/// Counts one event of a labelled counter.
	pub fn count(family: &Family<Label, Counter>, name: &'static str, value: &'static str) {
		family.get_or_create(&[(name, value)]).inc();
	}

	/// Counts a fetch by its result: `ok`, or the error's kind.
	pub fn fetched<T>(&self, result: &Result<T, FetchError>) {
		let kind = result.as_ref().map_or_else(FetchError::kind, |_| "ok");
		Self::count(&self.fetches, "result", kind);
	}

	/// Counts a stage input's fetch (`Fetcher::remote_input`), unless there was none to make
	/// (`Ok(None)`: the input is inline or seeded).
	pub fn input_fetched<T>(&self, result: &Result<Option<T>, FetchError>) {
		if !matches!(result, Ok(None)) {
			self.fetched(result);
		}
	}

	/// Everything, in the Prometheus text format.
	pub fn encode(&self) -> String {
		let mut text = String::new();
		// Writing to a String cannot fail.
		let _ = encode(&mut text, &self.registry);
		text
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn counts_show_in_the_text_format() {
		let metrics = Metrics::new();
		metrics.round(true);
		metrics.round(false);
		Metrics::count(&metrics.receipts, "outcome", "accepted");
		Metrics::count(&metrics.receipts, "outcome", "accepted");
		metrics.compute_seconds.observe(0.5);
		metrics.best_block.set(42);
		metrics.fetched(&Ok::<(), FetchError>(()));
		metrics.fetched(&Err::<(), _>(FetchError::Status { uri: "u".into(), status: 404 }));
		metrics.input_fetched(&Ok::<Option<()>, FetchError>(None));
		let text = metrics.encode();
		assert!(text.contains("cinder_worker_rounds_total{result=\"ok\"} 1"), "{text}");
		assert!(text.contains("cinder_worker_rounds_total{result=\"failed\"} 1"), "{text}");
		assert!(text.contains("cinder_worker_receipts_total{outcome=\"accepted\"} 2"), "{text}");
		assert!(text.contains("cinder_worker_compute_seconds_count 1"), "{text}");
		assert!(text.contains("cinder_worker_best_block 42"), "{text}");
		assert!(text.contains("cinder_worker_fetches_total{result=\"ok\"} 1"), "{text}");
		assert!(text.contains("cinder_worker_fetches_total{result=\"status\"} 1"), "{text}");
		assert!(text.contains("# HELP cinder_worker_work_units Work units computed"), "{text}");
		assert!(!metrics.connected(), "the last round failed");
	}
}
