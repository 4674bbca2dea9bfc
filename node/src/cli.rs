//! Command-line interface: the node's own flags come from `sc_cli::RunCmd`; subcommands manage
//! keys, chain specs and the database.

/// The node's command line.
#[derive(Debug, clap::Parser)]
#[command(
	propagate_version = true,
	args_conflicts_with_subcommands = true,
	subcommand_negates_reqs = true
)]
pub struct Cli {
	/// What to do instead of running the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Flags of the running node.
	#[clap(flatten)]
	pub run: sc_cli::RunCmd,
}

/// Subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys (session keys, node keys).
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Write a chain spec (JSON) for `--chain` to stdout or a file.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build a chain spec (deprecated upstream in favour of `export-chain-spec`; kept because
	/// tools such as zombienet still call it).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
