//! What the machine has, for the node's hardware profile.

/// CPU cores the worker can use (the CPU twin's default thread count).
pub fn cpu_cores() -> u16 {
	crate::gemm::default_threads().min(u16::MAX as usize) as u16
}

/// Total memory in MiB from `/proc/meminfo` (0 where it cannot be read).
pub fn ram_mib() -> u32 {
	std::fs::read_to_string("/proc/meminfo").ok().and_then(|info| mem_total_mib(&info)).unwrap_or(0)
}

/// `MemTotal` of a `/proc/meminfo` text, in MiB.
fn mem_total_mib(meminfo: &str) -> Option<u32> {
	let line = meminfo.lines().find(|line| line.starts_with("MemTotal:"))?;
	let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
	u32::try_from(kib / 1024).ok()
}

/// An amount of CNDR written in decimal (`1`, `0.25`) in plancks (10⁻¹² CNDR).
pub fn parse_cndr(text: &str) -> Result<u128, String> {
	const DECIMALS: usize = 12;
	let invalid = || format!("`{text}` is not an amount of CNDR: write e.g. `1` or `0.25`");
	let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
	if fraction.len() > DECIMALS
		|| (whole.is_empty() && fraction.is_empty())
		|| !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit())
	{
		return Err(invalid());
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| invalid())? };
	let padded = format!("{fraction:0<DECIMALS$}");
	let fraction: u128 = padded.parse().map_err(|_| invalid())?;
	whole
		.checked_mul(10u128.pow(DECIMALS as u32))
		.and_then(|w| w.checked_add(fraction))
		.ok_or_else(invalid)
}

/// Plancks written as CNDR.
pub fn format_cndr(plancks: u128) -> String {
	let whole = plancks / 1_000_000_000_000;
	let fraction = plancks % 1_000_000_000_000;
	if fraction == 0 {
		format!("{whole} CNDR")
	} else {
		let digits = format!("{fraction:012}");
		format!("{whole}.{} CNDR", digits.trim_end_matches('0'))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn meminfo_total_is_read_in_mib() {
		let info = "MemTotal:       24592380 kB\nMemFree:         1000 kB\n";
		assert_eq!(mem_total_mib(info), Some(24_015));
		assert_eq!(mem_total_mib("MemFree: 1 kB"), None);
		assert!(ram_mib() > 0, "this machine's /proc/meminfo reads");
	}

	#[test]
	fn cndr_amounts_parse_exactly_and_refuse_junk() {
		assert_eq!(parse_cndr("1"), Ok(1_000_000_000_000));
		assert_eq!(parse_cndr("0.25"), Ok(250_000_000_000));
		assert_eq!(parse_cndr(".5"), Ok(500_000_000_000));
		assert_eq!(parse_cndr("0.000000000001"), Ok(1));
		for junk in ["", ".", "1.0000000000001", "-1", "1e3", "abc", "1.2.3"] {
			assert!(parse_cndr(junk).is_err(), "{junk}");
		}
		assert_eq!(format_cndr(1_500_000_000_000), "1.5 CNDR");
		assert_eq!(format_cndr(2_000_000_000_000), "2 CNDR");
	}
}
