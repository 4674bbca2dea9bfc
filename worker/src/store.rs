//! The worker's local state on disk: output blobs by Merkle root (with their tile size), and
//! the receipt of every stage it computed, written before the receipt is submitted. A restart
//! finds both, so a kill at any point loses no finished work: an undelivered stage whose
//! receipt is stored is submitted again without recomputing, and its output is still served.
//!
//! Every file is written to a temporary name and renamed into place, so a reader never sees
//! a partial file, even after a crash mid-write.

use std::{
	fs, io,
	path::{Path, PathBuf},
};

/// What a receipt commits to (the chain's `ReceiptEntry` without the job).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Delivery {
	/// Merkle root over the output tiles.
	pub output_root: [u8; 32],
	/// Output bytes.
	pub output_len: u64,
	/// Output tiles.
	pub tile_count: u32,
	/// Milliseconds the stage took here.
	pub elapsed_ms: u32,
}

impl Delivery {
	fn to_line(self) -> String {
		format!(
			"{} {} {} {}\n",
			hex(&self.output_root),
			self.output_len,
			self.tile_count,
			self.elapsed_ms
		)
	}

	fn from_line(line: &str) -> Option<Self> {
		let mut fields = line.split_whitespace();
		let output_root = unhex(fields.next()?)?;
		let output_len = fields.next()?.parse().ok()?;
		let tile_count = fields.next()?.parse().ok()?;
		let elapsed_ms = fields.next()?.parse().ok()?;
		fields.next().is_none().then_some(Delivery {
			output_root,
			output_len,
			tile_count,
			elapsed_ms,
		})
	}
}

/// Lower-case hex of bytes (a hash, a tile).
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bytes from hex digits (an optional `0x` first).
pub fn unhex_bytes(text: &str) -> Option<Vec<u8>> {
	let text = text.strip_prefix("0x").unwrap_or(text);
	if !text.len().is_multiple_of(2) || !text.is_ascii() {
		return None;
	}
	text.as_bytes()
		.chunks(2)
		.map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
		.collect()
}

/// A hash from 64 hex digits (an optional `0x` first).
pub fn unhex(text: &str) -> Option<[u8; 32]> {
	unhex_bytes(text)?.try_into().ok()
}

/// The node's directory: `outputs/<root>` (and `<root>.tile_bytes`), `receipts/<job>-<stage>`
/// (a worker's) and `verdicts/<round>` (a verifier's committed roots).
#[derive(Clone, Debug)]
pub struct Store {
	dir: PathBuf,
}

impl Store {
	/// Opens (creating it if needed) the store in `dir`.
	pub fn open(dir: impl Into<PathBuf>) -> io::Result<Self> {
		let dir = dir.into();
		for sub in ["outputs", "receipts", "verdicts", "tmp"] {
			fs::create_dir_all(dir.join(sub))?;
		}
		Ok(Store { dir })
	}

	/// Its directory.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	fn write(&self, path: PathBuf, bytes: &[u8]) -> io::Result<()> {
		let name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
		let tmp = self.dir.join("tmp").join(name);
		fs::write(&tmp, bytes)?;
		fs::File::open(&tmp)?.sync_all()?;
		fs::rename(&tmp, path)
	}

	fn output_path(&self, root: &[u8; 32]) -> PathBuf {
		self.dir.join("outputs").join(hex(root))
	}

	fn receipt_path(&self, job: u64, stage: u8) -> PathBuf {
		self.dir.join("receipts").join(format!("{job}-{stage}"))
	}

	fn tile_bytes_path(&self, root: &[u8; 32]) -> PathBuf {
		self.dir.join("outputs").join(format!("{}.tile_bytes", hex(root)))
	}

	/// Keeps an output under its Merkle root over tiles of `tile_bytes` (kept too, for
	/// serving tile proofs).
	pub fn put_output(&self, root: &[u8; 32], bytes: &[u8], tile_bytes: u32) -> io::Result<()> {
		self.write(self.tile_bytes_path(root), tile_bytes.to_string().as_bytes())?;
		self.write(self.output_path(root), bytes)
	}

	/// The tile size of the output committed to by `root`, if kept.
	pub fn tile_bytes(&self, root: &[u8; 32]) -> io::Result<Option<u32>> {
		match fs::read_to_string(self.tile_bytes_path(root)) {
			Ok(text) => Ok(text.trim().parse().ok()),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(error),
		}
	}

	/// The output committed to by `root`, if kept.
	pub fn output(&self, root: &[u8; 32]) -> io::Result<Option<Vec<u8>>> {
		match fs::read(self.output_path(root)) {
			Ok(bytes) => Ok(Some(bytes)),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(error),
		}
	}

	/// `len` bytes of the output committed to by `root` from byte `start` (fewer at its end,
	/// none past it), if kept: read without the rest of it.
	pub fn output_part(
		&self,
		root: &[u8; 32],
		start: u64,
		len: usize,
	) -> io::Result<Option<Vec<u8>>> {
		use std::io::{Read, Seek, SeekFrom};
		let mut file = match fs::File::open(self.output_path(root)) {
			Ok(file) => file,
			Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
			Err(error) => return Err(error),
		};
		file.seek(SeekFrom::Start(start))?;
		let mut bytes = Vec::new();
		file.take(len as u64).read_to_end(&mut bytes)?;
		Ok(Some(bytes))
	}

	/// Records what stage `stage` of job `job` delivers (its output kept first).
	pub fn put_receipt(&self, job: u64, stage: u8, delivery: Delivery) -> io::Result<()> {
		self.write(self.receipt_path(job, stage), delivery.to_line().as_bytes())
	}

	/// What stage `stage` of job `job` delivers, if it was computed here. A damaged record
	/// reads as none, so the stage is computed again.
	pub fn receipt(&self, job: u64, stage: u8) -> io::Result<Option<Delivery>> {
		match fs::read_to_string(self.receipt_path(job, stage)) {
			Ok(line) => Ok(Delivery::from_line(&line)),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(error),
		}
	}
}

impl Store {
	/// Keeps the root a verifier committed to in the round named `round` (hex digits), whose
	/// reveals are due before block `deadline`, so that it reveals that root after a restart,
	/// not one recomputed anew.
	pub fn put_verdict(&self, round: &str, root: &[u8; 32], deadline: u32) -> io::Result<()> {
		let record = format!("{} {deadline}", hex(root));
		self.write(self.dir.join("verdicts").join(round), record.as_bytes())
	}

	/// The root committed in `round` and the deadline kept with it, if kept.
	pub fn verdict(&self, round: &str) -> io::Result<Option<([u8; 32], u32)>> {
		match fs::read_to_string(self.dir.join("verdicts").join(round)) {
			Ok(text) => Ok(parse_verdict(&text)),
			Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
			Err(error) => Err(error),
		}
	}

	/// Forgets the root committed in `round` (revealed, or its round is over).
	pub fn remove_verdict(&self, round: &str) -> io::Result<()> {
		match fs::remove_file(self.dir.join("verdicts").join(round)) {
			Err(error) if error.kind() != io::ErrorKind::NotFound => Err(error),
			_ => Ok(()),
		}
	}

	/// Every committed root kept, by round, with the block its reveals were due before
	/// (unreadable or damaged records left out).
	pub fn verdicts(&self) -> io::Result<Vec<(String, [u8; 32], u32)>> {
		let mut kept = Vec::new();
		for entry in fs::read_dir(self.dir.join("verdicts"))?.flatten() {
			let round = entry.file_name().to_string_lossy().into_owned();
			let text = fs::read_to_string(entry.path()).unwrap_or_default();
			if let Some((root, deadline)) = parse_verdict(&text) {
				kept.push((round, root, deadline));
			}
		}
		kept.sort();
		Ok(kept)
	}
}

/// A kept verdict's root and deadline (`root deadline`; a record from before deadlines were
/// kept has the root alone, read with deadline 0: forgotten once its round is not open).
fn parse_verdict(text: &str) -> Option<([u8; 32], u32)> {
	let mut words = text.split_whitespace();
	let root = unhex(words.next()?)?;
	let deadline = match words.next() {
		Some(word) => word.parse().ok()?,
		None => 0,
	};
	Some((root, deadline))
}

#[cfg(test)]
mod tests {
	use super::*;

	fn temp_store(name: &str) -> Store {
		let dir = std::env::temp_dir().join(format!(
			"cinder-store-{name}-{}-{:?}",
			std::process::id(),
			std::thread::current().id()
		));
		let _ = fs::remove_dir_all(&dir);
		Store::open(dir).unwrap()
	}

	#[test]
	fn receipts_and_outputs_survive_reopening() {
		let store = temp_store("reopen");
		let delivery =
			Delivery { output_root: [7; 32], output_len: 40, tile_count: 3, elapsed_ms: 12 };
		store.put_output(&delivery.output_root, b"out", 2).unwrap();
		store.put_receipt(5, 1, delivery).unwrap();
		let again = Store::open(store.dir()).unwrap();
		assert_eq!(again.receipt(5, 1).unwrap(), Some(delivery));
		assert_eq!(again.receipt(5, 0).unwrap(), None);
		assert_eq!(again.output(&[7; 32]).unwrap(), Some(b"out".to_vec()));
		assert_eq!(again.output(&[8; 32]).unwrap(), None);
		assert_eq!(again.tile_bytes(&[7; 32]).unwrap(), Some(2));
		assert_eq!(again.tile_bytes(&[8; 32]).unwrap(), None);
		fs::remove_dir_all(store.dir()).unwrap();
	}

	#[test]
	fn a_damaged_receipt_reads_as_none() {
		let store = temp_store("damaged");
		fs::write(store.receipt_path(1, 0), "zz 1 2").unwrap();
		assert_eq!(store.receipt(1, 0).unwrap(), None);
		fs::remove_dir_all(store.dir()).unwrap();
	}

	#[test]
	fn committed_verdicts_survive_reopening_until_removed() {
		let store = temp_store("verdicts");
		store.put_verdict("0a01", &[7; 32], 120).unwrap();
		store.put_verdict("0b00", &[8; 32], 90).unwrap();
		// One kept before deadlines were, one damaged.
		fs::write(store.dir().join("verdicts").join("0c00"), hex(&[9; 32])).unwrap();
		fs::write(store.dir().join("verdicts").join("0d00"), format!("{} soon", hex(&[9; 32])))
			.unwrap();
		let reopened = Store::open(store.dir()).unwrap();
		assert_eq!(
			reopened.verdicts().unwrap(),
			vec![
				("0a01".into(), [7; 32], 120),
				("0b00".into(), [8; 32], 90),
				("0c00".into(), [9; 32], 0)
			]
		);
		assert_eq!(reopened.verdict("0a01").unwrap(), Some(([7; 32], 120)));
		reopened.remove_verdict("0a01").unwrap();
		reopened.remove_verdict("0a01").unwrap();
		assert_eq!(reopened.verdict("0a01").unwrap(), None);
		assert_eq!(reopened.verdicts().unwrap().len(), 2);
	}

	#[test]
	fn hashes_round_trip_through_hex() {
		let hash: [u8; 32] = std::array::from_fn(|i| (i * 37) as u8);
		assert_eq!(unhex(&hex(&hash)), Some(hash));
		assert_eq!(unhex(&format!("0x{}", hex(&hash))), Some(hash));
		assert_eq!(unhex("abc"), None);
		assert_eq!(unhex(&"g".repeat(64)), None);
		assert_eq!(unhex_bytes("0a0B"), Some(vec![10, 11]));
		assert_eq!(unhex_bytes("0a0"), None);
	}
}
