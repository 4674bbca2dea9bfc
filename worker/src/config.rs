//! The config file: TOML whose keys are the binary's long flags, so that an operator writes
//! once what every `run` needs.
//!
//! ```toml
//! url = "ws://127.0.0.1:9944"   # top-level keys: flags of every command
//! backend = "gpu"
//!
//! [run]                          # a table per command: `[run]`, `[register]`, `[job.submit]`, …
//! suri = "//Ferdie"
//! listen = "0.0.0.0:8080"
//! data-dir = "/var/lib/cinder-worker"
//!
//! [register]
//! suri = "//Ferdie"
//! price = "0.5"
//! models = [0, 1]
//! ```
//!
//! A string or number is the flag's value, `true` gives a switch and `false` leaves it off,
//! an array is its values joined by commas. A flag on the command line or its `CINDER_*`
//! variable wins over the file; a key that is no flag of its command is an error that names
//! it.

use std::{
	ffi::OsString,
	path::{Path, PathBuf},
};

use clap::{parser::ValueSource, ArgMatches, Command};

/// The file read when `--config` is not given, if it exists:
/// `$XDG_CONFIG_HOME/cinder-worker/config.toml`, else `~/.config/cinder-worker/config.toml`.
pub fn default_path() -> Option<PathBuf> {
	let base = match (std::env::var_os("XDG_CONFIG_HOME"), std::env::var_os("HOME")) {
		(Some(config), _) => PathBuf::from(config),
		(None, Some(home)) => PathBuf::from(home).join(".config"),
		(None, None) => return None,
	};
	Some(base.join("cinder-worker").join("config.toml")).filter(|path| path.exists())
}

/// `raw` (the program's arguments, the binary first) with the flags from the config file
/// added: the file given by the `config` argument of `command`, else `fallback`. Arguments
/// that do not parse are returned as they are, for clap to report.
pub fn with_config_file(
	command: Command,
	raw: Vec<OsString>,
	fallback: Option<PathBuf>,
) -> anyhow::Result<Vec<OsString>> {
	let Ok(matches) = command.clone().ignore_errors(true).try_get_matches_from(&raw) else {
		return Ok(raw);
	};
	let given = matches.get_one::<PathBuf>("config").cloned();
	let Some(path) = given.or(fallback) else { return Ok(raw) };
	let text = std::fs::read_to_string(&path).map_err(|error| {
		anyhow::anyhow!("cannot read the config file {}: {error}", path.display())
	})?;
	let table: toml::Table = text.parse().map_err(|error| {
		anyhow::anyhow!("the config file {} is not TOML: {error}", path.display())
	})?;
	// Built, so that every subcommand lists the global flags too.
	let mut command = command;
	command.build();
	let mut args = raw;
	args.extend(flags(&command, &matches, &table, &path)?);
	Ok(args)
}

/// The flags `table` gives that the command line and the environment do not.
fn flags(
	root: &Command,
	matches: &ArgMatches,
	table: &toml::Table,
	path: &Path,
) -> anyhow::Result<Vec<OsString>> {
	// The chosen command, down to its leaf (`job submit`), with its matches and its table.
	let mut command = root;
	let mut leaf = matches;
	let mut section = Some(table);
	let mut name = String::new();
	while let Some((sub, sub_matches)) = leaf.subcommand() {
		command =
			command.find_subcommand(sub).ok_or_else(|| anyhow::anyhow!("no command `{sub}`"))?;
		leaf = sub_matches;
		section = section.and_then(|t| t.get(sub)).and_then(|v| v.as_table());
		name = if name.is_empty() { sub.to_string() } else { format!("{name}.{sub}") };
	}
	let mut out = Vec::new();
	let tops = table.iter().filter(|(_, value)| !value.is_table());
	let entries = tops.map(|entry| ("", entry)).chain(
		section
			.filter(|_| !name.is_empty())
			.into_iter()
			.flat_map(|t| t.iter().map(|entry| (name.as_str(), entry))),
	);
	for (place, (key, value)) in entries {
		let Some(arg) = command.get_arguments().find(|arg| arg.get_long() == Some(key)) else {
			let table = if place.is_empty() { String::new() } else { format!("[{place}] ") };
			anyhow::bail!(
				"{}: `{table}{key}` is no flag of `cinder-worker {}` (see its --help)",
				path.display(),
				name.replace('.', " ")
			);
		};
		let id = arg.get_id().as_str();
		let set_here = matches!(
			leaf.value_source(id),
			Some(ValueSource::CommandLine | ValueSource::EnvVariable)
		);
		if set_here {
			continue;
		}
		let flag = format!("--{key}");
		let bad =
			|| anyhow::anyhow!("{}: `{key}` has a value that is no flag value", path.display());
		match value {
			toml::Value::Boolean(true) => out.push(flag.into()),
			toml::Value::Boolean(false) => {}
			toml::Value::String(text) => out.extend([flag.into(), text.into()]),
			toml::Value::Integer(n) => out.extend([flag.into(), n.to_string().into()]),
			toml::Value::Float(x) => out.extend([flag.into(), x.to_string().into()]),
			toml::Value::Array(items) => {
				let items: Option<Vec<String>> = items
					.iter()
					.map(|item| match item {
						toml::Value::String(text) => Some(text.clone()),
						toml::Value::Integer(n) => Some(n.to_string()),
						_ => None,
					})
					.collect();
				out.extend([flag.into(), items.ok_or_else(bad)?.join(",").into()]);
			}
			_ => return Err(bad()),
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use clap::{Arg, ArgAction};

	use super::*;

	fn command() -> Command {
		Command::new("cinder-worker")
			.arg(
				Arg::new("config")
					.long("config")
					.global(true)
					.value_parser(clap::value_parser!(PathBuf)),
			)
			.arg(Arg::new("url").long("url").global(true).default_value("ws://default"))
			.subcommand(
				Command::new("run")
					.arg(Arg::new("suri").long("suri").required(true))
					.arg(Arg::new("poll_ms").long("poll-ms").default_value("1000"))
					.arg(Arg::new("lie").long("lie").action(ArgAction::SetTrue)),
			)
			.subcommand(
				Command::new("job").subcommand(
					Command::new("submit")
						.arg(Arg::new("spec").long("spec").required(true))
						.arg(Arg::new("models").long("models").value_delimiter(',')),
				),
			)
	}

	fn file(name: &str, text: &str) -> PathBuf {
		let path =
			std::env::temp_dir().join(format!("cinder-config-{name}-{}.toml", std::process::id()));
		std::fs::write(&path, text).unwrap();
		path
	}

	fn merged(args: &[&str], path: &Path) -> anyhow::Result<ArgMatches> {
		let raw = args.iter().map(OsString::from).collect();
		let args = with_config_file(command(), raw, Some(path.to_path_buf()))?;
		Ok(command().try_get_matches_from(args)?)
	}

	#[test]
	fn the_file_fills_what_the_command_line_leaves_out() {
		let path = file(
			"fills",
			"url = \"ws://from-file\"\n[run]\nsuri = \"//Ferdie\"\npoll-ms = 250\nlie = false\n\
			 [job.submit]\nspec = \"gemm:8x8x8\"\nmodels = [0, 1]\n",
		);
		let matches = merged(&["cinder-worker", "run"], &path).unwrap();
		let run = matches.subcommand_matches("run").unwrap();
		assert_eq!(run.get_one::<String>("suri").unwrap(), "//Ferdie");
		assert_eq!(run.get_one::<String>("poll_ms").unwrap(), "250");
		assert_eq!(run.get_one::<String>("url").unwrap(), "ws://from-file");
		assert!(!run.get_flag("lie"));

		// The command line wins.
		let matches = merged(&["cinder-worker", "run", "--suri", "//Dave"], &path).unwrap();
		let run = matches.subcommand_matches("run").unwrap();
		assert_eq!(run.get_one::<String>("suri").unwrap(), "//Dave");

		// A nested command takes its own table; arrays become comma-separated values.
		let matches = merged(&["cinder-worker", "job", "submit"], &path).unwrap();
		let submit =
			matches.subcommand_matches("job").unwrap().subcommand_matches("submit").unwrap();
		assert_eq!(submit.get_one::<String>("spec").unwrap(), "gemm:8x8x8");
		let models: Vec<&String> = submit.get_many("models").unwrap().collect();
		assert_eq!(models, ["0", "1"]);
		std::fs::remove_file(path).unwrap();
	}

	#[test]
	fn a_key_that_is_no_flag_is_an_error_naming_it() {
		let path = file("unknown", "[run]\nsuri = \"//Ferdie\"\nthreads = 4\n");
		let error = merged(&["cinder-worker", "run"], &path).unwrap_err().to_string();
		assert!(error.contains("`[run] threads` is no flag of `cinder-worker run`"), "{error}");
		let path2 = file("not-toml", "run = [");
		let error = merged(&["cinder-worker", "run"], &path2).unwrap_err().to_string();
		assert!(error.contains("is not TOML"), "{error}");
		std::fs::remove_file(path).unwrap();
		std::fs::remove_file(path2).unwrap();
	}
}
