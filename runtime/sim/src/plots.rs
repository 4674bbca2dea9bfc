//! The run's plots, as SVG drawn with `plotters`.

use std::path::Path;

use plotters::prelude::*;

use crate::{run::Outcome, strategy::Strategy};

type Result = std::result::Result<(), Box<dyn std::error::Error>>;

const SIZE: (u32, u32) = (900, 520);

/// A colour per series, distinct enough for a dozen lines.
fn colour(index: usize) -> RGBColor {
	const COLOURS: [RGBColor; 14] = [
		RGBColor(31, 119, 180),
		RGBColor(255, 127, 14),
		RGBColor(44, 160, 44),
		RGBColor(214, 39, 40),
		RGBColor(148, 103, 189),
		RGBColor(140, 86, 75),
		RGBColor(227, 119, 194),
		RGBColor(127, 127, 127),
		RGBColor(188, 189, 34),
		RGBColor(23, 190, 207),
		RGBColor(0, 0, 0),
		RGBColor(255, 187, 120),
		RGBColor(152, 223, 138),
		RGBColor(197, 176, 213),
	];
	COLOURS[index % COLOURS.len()]
}

/// Lines of `(name, points)` on one chart.
fn lines(path: &Path, title: &str, y_desc: &str, series: &[(String, Vec<(f64, f64)>)]) -> Result {
	let root = SVGBackend::new(path, SIZE).into_drawing_area();
	root.fill(&WHITE)?;
	let xs = series.iter().flat_map(|(_, p)| p.iter().map(|(x, _)| *x));
	let ys = series.iter().flat_map(|(_, p)| p.iter().map(|(_, y)| *y));
	let (x_max, (y_min, y_max)) = (
		xs.fold(1.0_f64, f64::max),
		ys.fold((0.0_f64, 0.0_f64), |(lo, hi), y| (lo.min(y), hi.max(y))),
	);
	let pad = ((y_max - y_min) * 0.05).max(1e-9);
	let mut chart = ChartBuilder::on(&root)
		.caption(title, ("sans-serif", 20))
		.margin(12)
		.x_label_area_size(40)
		.y_label_area_size(80)
		.build_cartesian_2d(0.0..x_max, (y_min - pad)..(y_max + pad))?;
	chart
		.configure_mesh()
		.x_desc("reward epoch")
		.y_desc(y_desc)
		.x_label_formatter(&|x| format!("{x:.0}"))
		.draw()?;
	for (i, (name, points)) in series.iter().enumerate() {
		let style = colour(i).stroke_width(2);
		chart
			.draw_series(LineSeries::new(points.iter().copied(), style))?
			.label(name.as_str())
			.legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], colour(i)));
	}
	chart
		.configure_series_labels()
		.position(SeriesLabelPosition::UpperLeft)
		.background_style(WHITE.mix(0.85))
		.border_style(BLACK)
		.draw()?;
	root.present()?;
	Ok(())
}

/// Draws every plot of `outcome` into `dir`; returns `(title, file name)` of each.
pub fn draw(
	outcome: &Outcome,
	dir: &Path,
	stem: &str,
) -> std::result::Result<Vec<(&'static str, String)>, Box<dyn std::error::Error>> {
	let mut drawn = Vec::new();
	let epochs = &outcome.epochs;
	let x = |e: &crate::run::EpochRecord| e.network.epoch as f64;
	let strategies: Vec<Strategy> = Strategy::ALL
		.into_iter()
		.filter(|s| epochs.last().is_some_and(|r| r.standings.contains_key(s)))
		.collect();

	let per_player = |ros: bool, verifiers: bool| -> Vec<(String, Vec<(f64, f64)>)> {
		strategies
			.iter()
			.filter(|s| s.is_verifier() == verifiers)
			.map(|s| {
				let points = epochs
					.iter()
					.filter_map(|r| {
						let st = r.standings.get(s)?;
						let y = if ros {
							if st.stake > 0.0 {
								st.profit / st.stake * 100.0
							} else {
								0.0
							}
						} else {
							st.profit / st.players.max(1) as f64
						};
						Some((x(r), y))
					})
					.collect();
				(s.name().to_string(), points)
			})
			.collect()
	};
	for (verifiers, who) in [(false, "workers"), (true, "verifiers")] {
		let file = format!("{stem}-profit-{who}.svg");
		let title = format!("Cumulative profit per player, {who}' strategies");
		lines(&dir.join(&file), &title, "CNDR per player", &per_player(false, verifiers))?;
		drawn.push((
			if verifiers { "Verifiers' cumulative profit" } else { "Workers' cumulative profit" },
			file,
		));
		let file = format!("{stem}-return-on-stake-{who}.svg");
		let title = format!("Cumulative return on stake, {who}' strategies");
		lines(&dir.join(&file), &title, "% of stake", &per_player(true, verifiers))?;
		drawn.push((
			if verifiers { "Verifiers' return on stake" } else { "Workers' return on stake" },
			file,
		));
	}

	let series = |name: &str, f: &dyn Fn(&crate::run::EpochRecord) -> Option<f64>| {
		(name.to_string(), epochs.iter().filter_map(|r| Some((x(r), f(r)?))).collect::<Vec<_>>())
	};
	let first =
		epochs.first().map_or(0.0, |r| r.network.issuance - r.network.minted + r.network.burned);
	let file = format!("{stem}-supply.svg");
	lines(
		&dir.join(&file),
		"Supply against genesis, minted and burned (cumulative)",
		"CNDR",
		&[
			series("supply − genesis", &|r| Some(r.network.issuance - first)),
			series("minted", &|r| Some(r.network.minted)),
			series("burned", &|r| Some(r.network.burned)),
		],
	)?;
	drawn.push(("Supply, mint and burn", file));
	let file = format!("{stem}-ibme.svg");
	lines(
		&dir.join(&file),
		"IBME (paid IBM over online IBM) and emission per IBM",
		"% / CNDR per IBM",
		&[
			series("IBME %", &|r| r.network.ibme.map(|i| i * 100.0)),
			series("emission per IBM (CNDR)", &|r| Some(r.network.emission_per_ibm)),
		],
	)?;
	drawn.push(("IBME", file));
	let file = format!("{stem}-jobs.svg");
	lines(
		&dir.join(&file),
		"Stages settled, faked stages paid and caught, verifier overhead (per epoch)",
		"count / %",
		&[
			series("stages settled", &|r| Some(r.network.counts.stages_settled as f64)),
			series("faked stages paid", &|r| Some(r.network.counts.fraud_accepted as f64)),
			series("faked stages caught", &|r| Some(r.network.counts.fraud_caught as f64)),
			series("verifier overhead %", &|r| {
				let c = &r.network.counts;
				Some(if c.ibm_settled > 0.0 { c.verifier_ibm / c.ibm_settled * 100.0 } else { 0.0 })
			}),
		],
	)?;
	drawn.push(("Jobs, fraud and verifier overhead", file));

	// Honest machines' profit per IB against their IB.
	if let Some(last) = epochs.last() {
		let file = format!("{stem}-honest-by-ib.svg");
		let path = dir.join(&file);
		let root = SVGBackend::new(&path, SIZE).into_drawing_area();
		root.fill(&WHITE)?;
		let points: Vec<(f64, f64)> = last
			.players
			.iter()
			.filter(|p| p.strategy == Strategy::Honest && p.standing.ib > 0.0)
			.map(|p| (p.standing.ib.log10(), p.standing.profit / p.standing.ib))
			.collect();
		let (lo, hi) =
			points.iter().fold((0.0_f64, 0.0_f64), |(lo, hi), (_, y)| (lo.min(*y), hi.max(*y)));
		let pad = ((hi - lo) * 0.05).max(1e-9);
		let mut chart = ChartBuilder::on(&root)
			.caption("Honest machines: profit per IB against IB", ("sans-serif", 20))
			.margin(12)
			.x_label_area_size(40)
			.y_label_area_size(80)
			.build_cartesian_2d(-4.5..1.0, (lo - pad)..(hi + pad))?;
		chart.configure_mesh().x_desc("log10(IB)").y_desc("CNDR per IB").draw()?;
		chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, colour(0).filled())))?;
		root.present()?;
		drawn.push(("Honest returns by IB", file));
	}
	Ok(drawn)
}
