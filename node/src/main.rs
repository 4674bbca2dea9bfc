//! `cinder-node`: the Cinder chain client that validators run.
//!
//! It produces blocks with BABE, finalizes them with GRANDPA, serves JSON-RPC (polkadot.js Apps,
//! subxt, the compute worker) and stores the chain in ParityDB. `cinder-node --dev` starts a
//! single validator (Alice) on a throw-away development chain.

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
