//! # cinder-worker
//!
//! The operator's compute side of Cinder: the `cinder-worker` binary and, in this library, the
//! kernels and what surrounds them:
//! - [`inputs`]: a job's inputs generated from its seed, identically by worker and verifier;
//! - [`gemm`]: the int8 GEMM (i8 × i8 → i32) as a CPU twin, blocked and threaded, with the
//!   naive kernel it must match bit for bit;
//! - [`gpu`]: every kernel in WGSL on any WebGPU adapter through wgpu (lavapipe on a
//!   machine without a GPU), equal to the CPU twin bit for bit; [`tiled`] generates the tiled
//!   GEMM and MLP kernels;
//! - [`mlp`]: int8 MLP inference (the GEMM, a bias, requantization by integer multiply and
//!   shift, integer ReLU) and the models seeded on-chain;
//! - [`render`]: the render tile, an escape-time fractal in Q16.16 fixed point;
//! - [`freivalds`]: checking a claimed GEMM output in O(n²) instead of recomputing it, and
//!   [`tile_sampling`] any other output by recomputing a few of its rows;
//! - [`output`]: an output's bytes, cut into tiles under the chain's Merkle root;
//! - [`work`]: a job's work as the worker runs it, on a [`backend`] (the GPU or the CPU twin);
//! - [`bench`]: each kernel's throughput and the IB it amounts to;
//! - [`chain`]: the subxt client, typed from the runtime's metadata;
//! - [`stage`]: a job's stage (spec, input, layers) as work, the same for worker and verifier;
//! - [`store`]: outputs and receipts on disk, so a restart loses no finished work;
//! - [`server`]: the data server (outputs by Merkle root, tiles with proofs, `/health`,
//!   `/metrics` from [`metrics`]), and [`fetch`] its client, which checks every byte it gets
//!   against the chain's commitment;
//! - [`status`]: where a node stands (stake against S(n), eligibility, jobs, rewards,
//!   slashes);
//! - [`config`]: the config file, TOML of the binary's flags;
//! - [`job`]: the user's side: submitting a job, following it, downloading its output;
//! - [`runner`]: the `run` loop (heartbeats, challenges, stages, batched receipts) and
//!   [`verifier`] the `verify` loop, both driven by [`rounds`] (reconnecting with backoff).
//!
//! Every kernel is integer only: integer sums do not depend on their order, so any GPU,
//! lavapipe and the CPU give the same bits, and a verifier can recompute a worker's output
//! exactly.

pub mod backend;
pub mod bench;
pub mod chain;
pub mod challenge;
pub mod config;
pub mod fetch;
pub mod freivalds;
pub mod gemm;
#[cfg(target_arch = "x86_64")]
mod gemm_avx2;
pub mod gpu;
pub mod hardware;
pub mod inputs;
pub mod job;
pub mod metrics;
pub mod mlp;
pub mod output;
pub mod proofs;
pub mod render;
pub mod rounds;
pub mod runner;
pub mod server;
pub mod stage;
pub mod status;
pub mod store;
pub mod tile_sampling;
pub mod tiled;
pub mod verifier;
pub mod work;
