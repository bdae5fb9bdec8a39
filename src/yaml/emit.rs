//! YAML output. serde-saphyr's emitter quotes every string a YAML 1.1 reader would misread
//! (`"on"`, `"0755"`, `"1.0"`, `"12:30"`), so kubectl receives exactly what was meant.

use serde::Serialize;
use serde_saphyr::SerializerOptions;

/// Writes the documents as one YAML stream, `---` between documents, ending in a newline.
pub fn to_stream<T: Serialize>(documents: &[T]) -> Result<String, String> {
    let mut options = SerializerOptions::default();
    // Plain or quoted scalars only: no folding of long commands, so what is printed is
    // byte-for-byte what the container receives.
    options.prefer_block_scalars = false;
    let mut out = String::new();
    for (index, document) in documents.iter().enumerate() {
        if index > 0 {
            out.push_str("---\n");
        }
        let text = serde_saphyr::to_string_with_options(document, options.clone())
            .map_err(|e| e.to_string())?;
        out.push_str(&text);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_yaml11_would_misread() {
        let doc =
            serde_json::json!({"a": "on", "b": "0755", "c": "1.0", "d": "12:30", "e": "plain"});
        let text = to_stream(&[doc]).unwrap();
        for quoted in ["on", "0755", "1.0", "12:30"] {
            assert!(
                text.contains(&format!("\"{quoted}\"")) || text.contains(&format!("'{quoted}'")),
                "{quoted} not quoted in {text}"
            );
        }
        assert!(text.contains("e: plain"));
    }

    #[test]
    fn joins_documents() {
        let text = to_stream(&[serde_json::json!({"a": 1}), serde_json::json!({"b": 2})]).unwrap();
        assert_eq!(text, "a: 1\n---\nb: 2\n");
    }
}
