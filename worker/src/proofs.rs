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
			let parent = level
				.chunks(2)
				.map(|pair| match pair {
					[left, right] => merkle::node_hash(left, right),
					_ => pair.first().copied().unwrap_or_default(),
				})
				.collect();
			levels.push(parent);
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
}

impl Trees {
	/// Keeps trees up to `budget` bytes (the newest is always kept, whatever its size).
	pub fn new(budget: usize) -> Self {
		Trees { budget, kept: Mutex::new(Vec::new()) }
	}

	/// The tree under `root`, built with `build` when it is not kept (outside the lock:
	/// requests for kept trees are not held up by a build); `None` when `build` finds nothing
	/// to build it over.
	pub fn get<E>(
		&self,
		root: &Hash,
		build: impl FnOnce() -> Result<Option<Tree>, E>,
	) -> Result<Option<Arc<Tree>>, E> {
		let lock = || self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		{
			let mut kept = lock();
			if let Some(at) = kept.iter().position(|(kept, _)| kept == root) {
				// The newest again.
				let found = kept.remove(at);
				let tree = found.1.clone();
				kept.insert(0, found);
				return Ok(Some(tree));
			}
		}
		let Some(tree) = build()? else { return Ok(None) };
		let tree = Arc::new(tree);
		let mut kept = lock();
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
}
