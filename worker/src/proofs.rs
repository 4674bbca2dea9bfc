//! Merkle trees kept whole, so that the data server answers a tile's proof with a lookup
//! instead of hashing the whole output again for every request (a benchmark answer's 2²⁰ part
//! records are 32 MiB: about a second of hashing each time).
//!
//! The tree is the chain's ([`cinder_primitives::merkle`]): leaves are the tiles' hashes, each
//! level pairs neighbours and promotes the last of an odd level, and a proof is the siblings
//! from the bottom up.

use std::sync::{Arc, Mutex};

use cinder_primitives::merkle::{self, Hash};

/// Every level of the tree over an output's tiles, the leaves first and the root last.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Tree {
	levels: Vec<Vec<Hash>>,
}

impl Tree {
	/// The tree over `output` cut into tiles of `tile_bytes`.
	pub fn of_tiles(output: &[u8], tile_bytes: u32) -> Self {
		Self::over(merkle::tile_leaves(output, tile_bytes))
	}

	/// The tree over `leaves`.
	pub fn over(leaves: Vec<Hash>) -> Self {
		let mut levels = vec![leaves];
		while let Some(level) = levels.last().filter(|level| level.len() > 1) {
			levels.push(merkle::parent_level(level));
		}
		Tree { levels }
	}

	/// Its leaves (tiles).
	pub fn leaf_count(&self) -> usize {
		self.levels.first().map_or(0, Vec::len)
	}

	/// Its root ([`merkle::root`] of the leaves).
	pub fn root(&self) -> Hash {
		match self.levels.last() {
			Some(top) if top.len() == 1 => top[0],
			_ => merkle::root(&[]),
		}
	}

	/// The proof of leaf `index` ([`merkle::proof`]); `None` for an index out of range.
	pub fn proof(&self, index: usize) -> Option<Vec<Hash>> {
		if index >= self.leaf_count() {
			return None;
		}
		let mut position = index;
		let mut siblings = Vec::with_capacity(self.levels.len());
		for level in &self.levels[..self.levels.len() - 1] {
			if let Some(sibling) = level.get(position ^ 1) {
				siblings.push(*sibling);
			}
			position /= 2;
		}
		Some(siblings)
	}

	/// Bytes it holds (32 per hash).
	fn size(&self) -> usize {
		self.levels.iter().map(|level| level.len() * 32).sum()
	}
}

/// The trees of the outputs served most recently, by root, holding at most a byte budget:
/// those asked for longest ago go first.
pub struct Trees {
	budget: usize,
	kept: Mutex<Vec<(Hash, Arc<Tree>)>>,
	/// The outputs whose trees are being built, each with a lock held by its build: requests
	/// for an output being built wait for that build instead of building it again each, and
	/// builds of different outputs go on at once.
	building: Mutex<Vec<(Hash, Arc<Mutex<()>>)>>,
}

/// Takes `root` and its `turn` off the outputs being built when dropped (a later request's
/// turn for the same output stays).
struct Unmark<'a> {
	trees: &'a Trees,
	root: &'a Hash,
	turn: &'a Arc<Mutex<()>>,
}

impl Drop for Unmark<'_> {
	fn drop(&mut self) {
		let this = |(hash, turn): &(Hash, Arc<Mutex<()>>)| {
			hash == self.root && Arc::ptr_eq(turn, self.turn)
		};
		self.trees.building().retain(|entry| !this(entry));
	}
}

impl Trees {
	/// Keeps trees up to `budget` bytes (the newest is always kept, whatever its size).
	pub fn new(budget: usize) -> Self {
		Trees { budget, kept: Mutex::new(Vec::new()), building: Mutex::new(Vec::new()) }
	}

	/// The tree under `root`, built with `build` when it is not kept: one build at a time for
	/// an output (requests for it meanwhile wait for that build and find it kept), outside the
	/// lock on the kept trees (requests for kept trees are not held up by a build); `None` when
	/// `build` finds nothing to build it over.
	pub fn get<E>(
		&self,
		root: &Hash,
		build: impl FnOnce() -> Result<Option<Tree>, E>,
	) -> Result<Option<Arc<Tree>>, E> {
		if let Some(tree) = self.kept(root) {
			return Ok(Some(tree));
		}
		let turn = {
			let mut building = self.building();
			match building.iter().find(|(hash, _)| hash == root) {
				Some((_, turn)) => turn.clone(),
				None => {
					let turn = Arc::new(Mutex::new(()));
					building.push((*root, turn.clone()));
					turn
				}
			}
		};
		let _turn = turn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		// Unmarked when this returns (after the lock on `_turn` is taken, before it is let go),
		// so the tree is kept before the next request for it takes a turn of its own.
		let _unmark = Unmark { trees: self, root, turn: &turn };
		// Built by the request this one waited for.
		if let Some(tree) = self.kept(root) {
			return Ok(Some(tree));
		}
		let Some(tree) = build()? else { return Ok(None) };
		let tree = Arc::new(tree);
		let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		kept.retain(|(kept, _)| kept != root);
		kept.insert(0, (*root, tree.clone()));
		let mut total = 0;
		let keep = kept
			.iter()
			.take_while(|(_, tree)| {
				total += tree.size();
				total <= self.budget
			})
			.count()
			.max(1);
		kept.truncate(keep);
		Ok(Some(tree))
	}

	/// The outputs whose trees are being built.
	fn building(&self) -> std::sync::MutexGuard<'_, Vec<(Hash, Arc<Mutex<()>>)>> {
		self.building.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// The tree under `root` if it is kept, made the newest.
	fn kept(&self, root: &Hash) -> Option<Arc<Tree>> {
		let mut kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let at = kept.iter().position(|(kept, _)| kept == root)?;
		let found = kept.remove(at);
		let tree = found.1.clone();
		kept.insert(0, found);
		Some(tree)
	}

	/// Roots of the trees kept, newest first.
	pub fn roots(&self) -> Vec<Hash> {
		let kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		kept.iter().map(|(root, _)| *root).collect()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Every size from an empty output to 37 tiles: the same root and proofs as the chain's
	/// functions, and no proof past the last tile.
	#[test]
	fn a_kept_tree_gives_the_chains_root_and_proofs() {
		for tiles in 0..=37usize {
			let output: Vec<u8> = (0..tiles * 3).map(|i| (i * 7 % 251) as u8).collect();
			let tree = Tree::of_tiles(&output, 3);
			let leaves = merkle::tile_leaves(&output, 3);
			assert_eq!(tree.root(), merkle::root(&leaves), "{tiles} tiles");
			assert_eq!(tree.leaf_count(), tiles);
			for index in 0..tiles {
				let proof = tree.proof(index);
				assert_eq!(proof, merkle::proof(&leaves, index), "{tiles} tiles, tile {index}");
				let tile = &output[index * 3..index * 3 + 3];
				let proof = proof.unwrap();
				assert!(merkle::verify(&tree.root(), index as u64, tiles as u64, tile, &proof));
			}
			assert_eq!(tree.proof(tiles), None);
		}
	}

	/// A kept tree is not built again; past the budget those asked for longest ago go;
	/// nothing to build over keeps nothing.
	#[test]
	fn trees_are_built_once_and_the_oldest_go_past_the_budget() {
		let tree = |byte: u8| Ok::<_, ()>(Some(Tree::of_tiles(&[byte; 64], 8)));
		// Each tree: 8 + 4 + 2 + 1 hashes, 480 bytes; room for two.
		let trees = Trees::new(1_000);
		let mut builds = 0;
		for _ in 0..3 {
			let got = trees.get(&[1; 32], || {
				builds += 1;
				tree(1)
			});
			assert_eq!(got.unwrap().unwrap().root(), Tree::of_tiles(&[1; 64], 8).root());
		}
		assert_eq!(builds, 1);
		trees.get(&[2; 32], || tree(2)).unwrap();
		assert_eq!(trees.roots(), vec![[2; 32], [1; 32]]);
		trees.get(&[3; 32], || tree(3)).unwrap();
		assert_eq!(trees.roots(), vec![[3; 32], [2; 32]]);
		let kept = trees.get(&[2; 32], || Err(())).unwrap().unwrap();
		assert_eq!(*kept, tree(2).unwrap().unwrap());
		assert_eq!(trees.roots(), vec![[2; 32], [3; 32]], "asked for again: the newest");
		assert_eq!(trees.get(&[5; 32], || Ok::<_, ()>(None)), Ok(None));
		assert_eq!(trees.get(&[6; 32], || Err::<Option<Tree>, _>(7)), Err(7));
		assert_eq!(trees.roots(), vec![[2; 32], [3; 32]]);
		// One tree larger than the budget is still kept, alone.
		let small = Trees::new(10);
		small.get(&[4; 32], || tree(4)).unwrap();
		assert_eq!(small.roots(), vec![[4; 32]]);
	}

	/// Requests for the same output at once build its tree once: the others wait for that
	/// build and take the tree it kept. Another output's tree is built meanwhile, not after.
	#[test]
	fn requests_at_once_build_a_tree_once() {
		use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
		let trees = Trees::new(1 << 20);
		let builds = [AtomicUsize::new(0), AtomicUsize::new(0)];
		let (building, most_at_once) = (AtomicUsize::new(0), AtomicUsize::new(0));
		std::thread::scope(|scope| {
			for request in 0..5u8 {
				let output = usize::from(request == 4);
				let (trees, builds, building, most_at_once) =
					(&trees, &builds, &building, &most_at_once);
				scope.spawn(move || {
					let got = trees.get(&[output as u8; 32], || {
						builds[output].fetch_add(1, SeqCst);
						most_at_once.fetch_max(building.fetch_add(1, SeqCst) + 1, SeqCst);
						std::thread::sleep(std::time::Duration::from_millis(300));
						building.fetch_sub(1, SeqCst);
						Ok::<_, ()>(Some(Tree::of_tiles(&[output as u8; 64], 8)))
					});
					assert!(got.unwrap().is_some());
				});
			}
		});
		assert_eq!(builds.map(AtomicUsize::into_inner), [1, 1]);
		assert_eq!(most_at_once.into_inner(), 2, "the two outputs' builds overlapped");
		assert!(trees.building.lock().unwrap().is_empty(), "no build left marked");
	}
}
