//! PNG figures in memory: one renderer and one font registry for every
//! stage that draws (prediction's per-cell figures, the NAS regret plot).
//!
//! Drawing uses plotters' bitmap backend into an RGB buffer and the `png`
//! crate to encode it, so a figure is bytes that a [`crate::RunDir`] writes
//! atomically, and figures can be drawn in parallel. Text needs a TrueType
//! font: [`load_font`] registers one before any drawing.

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The family name figures draw text with.
pub const FAMILY: &str = "sans-serif";

/// Where a sans-serif TrueType font usually lives (Debian/Ubuntu, Fedora,
/// Arch, macOS, Windows).
pub const SYSTEM_FONTS: [&str; 6] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/System/Library/Fonts/Supplemental/Arial.ttf",
    "C:\\Windows\\Fonts\\arial.ttf",
];

/// A figure that could not be drawn or encoded, or no font to draw with.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct FigureError(String);

impl FigureError {
    /// Wraps what plotters or the encoder said.
    pub fn new(message: impl std::fmt::Display) -> FigureError {
        FigureError(message.to_string())
    }
}

static FONT: OnceLock<Result<PathBuf, FigureError>> = OnceLock::new();

/// Registers the font used by all figures, once per process: `explicit` if
/// given (e.g. from `$NAAP_FONT`), else the first of [`SYSTEM_FONTS`] found.
/// Returns the font file used.
pub fn load_font(explicit: Option<&Path>) -> Result<PathBuf, FigureError> {
    FONT.get_or_init(|| {
        let candidates: Vec<PathBuf> = match explicit {
            Some(p) => vec![p.to_path_buf()],
            None => SYSTEM_FONTS.iter().map(PathBuf::from).collect(),
        };
        for path in &candidates {
            if let Ok(bytes) = std::fs::read(path) {
                // plotters keeps fonts for the whole process; leaking the
                // bytes once is what its `'static` API asks for.
                let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
                return register_font(FAMILY, FontStyle::Normal, bytes)
                    .map(|_| path.clone())
                    .map_err(|_| {
                        FigureError::new(format!("{} is not a TrueType font", path.display()))
                    });
            }
        }
        let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        Err(FigureError::new(format!(
            "no TrueType font for figures (tried {}); set NAAP_FONT to a .ttf file or skip figures",
            tried.join(", ")
        )))
    })
    .clone()
}

/// The drawing area a figure draws on.
pub type Canvas<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// Renders a `size` (width, height) figure on a white background with
/// `draw`, then encodes it as an 8-bit RGB PNG.
pub fn render<E: From<FigureError>>(
    size: (u32, u32),
    draw: impl FnOnce(&Canvas<'_>) -> Result<(), E>,
) -> Result<Vec<u8>, E> {
    let (w, h) = size;
    let fail = |e: &dyn std::fmt::Display| E::from(FigureError::new(e));
    let mut rgb = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, size).into_drawing_area();
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        draw(&root)?;
        root.present().map_err(|e| fail(&e))?;
    }
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| fail(&e))?;
    writer.write_image_data(&rgb).map_err(|e| fail(&e))?;
    writer.finish().map_err(|e| fail(&e))?;
    Ok(png_bytes)
}

/// Series colours, one per line in order (matplotlib's tab10; they repeat
/// after ten).
pub const COLORS: [RGBColor; 10] = [
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
];

/// A median line with its interquartile band: its legend label and its
/// `(x, median, first quartile, third quartile)` points, in x order.
pub type Band = (String, Vec<(f64, f64, f64, f64)>);

/// Draws each band on `chart` in [`COLORS`] order: the interquartile range
/// shaded, the median as a line with a legend entry, and a dot at its first
/// point (so that a band of one point shows); then the legend at `legend`.
/// Empty bands are skipped but keep their colour.
pub fn draw_bands<'a, DB, X, Y>(
    chart: &mut ChartContext<'a, DB, plotters::coord::cartesian::Cartesian2d<X, Y>>,
    bands: &[Band],
    legend: SeriesLabelPosition,
) -> Result<(), FigureError>
where
    DB: DrawingBackend + 'a,
    X: plotters::coord::ranged1d::Ranged<ValueType = f64>,
    Y: plotters::coord::ranged1d::Ranged<ValueType = f64>,
{
    let fail = |e: &dyn std::fmt::Display| FigureError::new(e);
    for (i, (label, points)) in bands.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let Some(&(x0, m0, _, _)) = points.first() else {
            continue;
        };
        let mut outline: Vec<(f64, f64)> = points.iter().map(|p| (p.0, p.3)).collect();
        outline.extend(points.iter().rev().map(|p| (p.0, p.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(
                outline,
                color.mix(0.15).filled(),
            )))
            .map_err(|e| fail(&e))?;
        chart
            .draw_series(LineSeries::new(
                points.iter().map(|p| (p.0, p.1)),
                color.stroke_width(2),
            ))
            .map_err(|e| fail(&e))?
            .label(label.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
        chart
            .draw_series(std::iter::once(Circle::new((x0, m0), 3, color.filled())))
            .map_err(|e| fail(&e))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.4))
        .label_font((FAMILY, 13))
        .position(legend)
        .draw()
        .map_err(|e| fail(&e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rendered_figure_is_a_png_of_its_size() {
        let png =
            render::<FigureError>((30, 20), |root| root.fill(&BLACK).map_err(FigureError::new))
                .unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(&png));
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (30, 20));
        assert_ne!(png, render::<FigureError>((30, 20), |_| Ok(())).unwrap());
    }
}
