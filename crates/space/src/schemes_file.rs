//! Reading and writing scheme lists in the published `generated_schemes.json`
//! format: a JSON list of schemes, each a list of
//! `{"kernel_size", "width", "stride", "residual"}` objects.
//!
//! Errors name the file and the 1-based scheme and layer (the scheme number
//! is the ModelId of the published dataset).

use crate::{Error, Layer, Result, Scheme};
use std::path::Path;

/// Reads and validates a scheme file.
pub fn read_schemes(path: &Path) -> Result<Vec<Scheme>> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_schemes(&text).map_err(|e| e.in_file(path))
}

/// Parses and validates the text of a scheme file.
///
/// Each layer is decoded on its own so that a missing or unknown field is
/// reported with its scheme and layer number, not just a line and column.
pub fn parse_schemes(text: &str) -> Result<Vec<Scheme>> {
    let raw: Vec<Vec<serde_json::Value>> = serde_json::from_str(text).map_err(|e| {
        Error::Invalid(format!("not a JSON list of schemes (lists of layers): {e}"))
    })?;
    if raw.is_empty() {
        return Err(Error::Invalid("the scheme list is empty".into()));
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, layers)| {
            let at = |msg: String| Error::Invalid(format!("scheme {}, {msg}", i + 1));
            let layers = layers
                .into_iter()
                .enumerate()
                .map(|(j, value)| {
                    serde_json::from_value::<Layer>(value)
                        .map_err(|e| at(format!("layer {}: {e}", j + 1)))
                })
                .collect::<Result<Vec<_>>>()?;
            let scheme = Scheme { layers };
            scheme.validate().map_err(|e| at(e.to_string()))?;
            Ok(scheme)
        })
        .collect()
}

/// Serializes schemes exactly as the published file is laid out: two-space
/// indentation, CRLF line ends and no final newline.
///
/// The published file came from Python's `json.dump(..., indent=2)` on
/// Windows; matching its bytes lets users compare checksums.
pub fn to_published_json(schemes: &[Scheme]) -> Vec<u8> {
    let lf = serde_json::to_string_pretty(schemes).expect("schemes always serialize");
    lf.replace('\n', "\r\n").into_bytes()
}

/// Writes one scheme as an element of [`to_published_json`]'s list: the
/// CRLF and indentation before it included, the separator not.
pub(crate) fn write_published_scheme(
    layers: &[Layer],
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if layers.is_empty() {
        return w.write_all(b"\r\n  []");
    }
    w.write_all(b"\r\n  [")?;
    for (i, layer) in layers.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        let text = serde_json::to_string_pretty(layer).expect("layers always serialize");
        for line in text.lines() {
            w.write_all(b"\r\n    ")?;
            w.write_all(line.as_bytes())?;
        }
    }
    w.write_all(b"\r\n  ]")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"[[{"kernel_size":3,"width":8,"stride":2,"residual":false},
                          {"kernel_size":1,"width":8,"stride":1,"residual":true}]]"#;

    #[test]
    fn parses_and_roundtrips() {
        let schemes = parse_schemes(ONE).unwrap();
        assert_eq!(schemes.len(), 1);
        assert!(schemes[0].layers[1].residual);
        let bytes = to_published_json(&schemes);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("[\r\n  [\r\n    {\r\n      \"kernel_size\": 3,"));
        assert!(!text.ends_with('\n'));
        assert_eq!(parse_schemes(&text).unwrap(), schemes);
    }

    #[test]
    fn errors_name_scheme_and_layer() {
        let missing = r#"[[{"kernel_size":3,"width":8,"stride":2,"residual":false}],
                          [{"kernel_size":3,"width":8,"stride":2,"residual":false},
                           {"kernel_size":3,"stride":2,"residual":false}]]"#;
        let msg = parse_schemes(missing).unwrap_err().to_string();
        assert!(
            msg.starts_with("scheme 2, layer 2: missing field `width`"),
            "{msg}"
        );

        let even = ONE.replace("\"kernel_size\":1", "\"kernel_size\":2");
        let msg = parse_schemes(&even).unwrap_err().to_string();
        assert!(msg.starts_with("scheme 1, layer 2: kernel_size"), "{msg}");

        assert!(parse_schemes("[]")
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(parse_schemes("{")
            .unwrap_err()
            .to_string()
            .contains("line 1"));
    }

    #[test]
    fn file_errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        std::fs::write(&path, "[]").unwrap();
        let msg = read_schemes(&path).unwrap_err().to_string();
        assert!(msg.contains("s.json: the scheme list is empty"), "{msg}");
        let err = read_schemes(&dir.path().join("absent.json")).unwrap_err();
        assert!(err.to_string().contains("absent.json"));
        assert!(err.is_bad_input());
    }
}
