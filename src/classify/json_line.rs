//! `classify`'s output lines written directly, byte for byte as `serde_json::to_writer` writes
//! the [`Line`] they come from (compact, the fields in the struct's order): strings escaped as
//! serde_json escapes them (`\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, other control characters as
//! `\u00xx`; everything else, U+2028 too, as it is), floats formatted by serde_json itself, an `id`
//! that is no string by serde_json too. Cheaper than serializing: no serializer state per field,
//! and text without anything to escape is copied eight bytes at a time.

use super::{Classified, Line, MatchLine};
use serde_json::Value;
use std::io;

/// Appends `line` as one JSON object (without the line break).
pub(super) fn write(out: &mut Vec<u8>, line: &Line) -> io::Result<()> {
    match line {
        Line::Classified(classified) => classified_line(out, classified),
        Line::Error { error, id } => {
            out.extend_from_slice(b"{\"error\":");
            string(out, error);
            out.extend_from_slice(b",\"id\":");
            value(out, id)?;
            out.push(b'}');
            Ok(())
        }
    }
}

fn classified_line(out: &mut Vec<u8>, c: &Classified) -> io::Result<()> {
    out.extend_from_slice(b"{\"barriers\":");
    strings(out, c.barriers.iter().map(String::as_str));
    out.extend_from_slice(b",\"id\":");
    value(out, &c.id)?;
    out.extend_from_slice(b",\"matches\":[");
    for (i, m) in c.matches.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match_line(out, m)?;
    }
    out.extend_from_slice(b"],\"model_version\":");
    optional_string(out, c.model_version.as_deref());
    out.extend_from_slice(b",\"organisation\":");
    optional_string(out, c.organisation.as_deref());
    out.extend_from_slice(b",\"pii\":");
    strings(out, c.pii.iter().copied());
    out.extend_from_slice(b",\"rules_version\":");
    string(out, &c.rules_version);
    out.extend_from_slice(b",\"text\":");
    string(out, &c.text);
    out.extend_from_slice(b",\"wait_days\":");
    optional_u32(out, c.wait_days);
    out.push(b'}');
    Ok(())
}

fn match_line(out: &mut Vec<u8>, m: &MatchLine) -> io::Result<()> {
    out.extend_from_slice(b"{\"barrier\":");
    string(out, &m.barrier);
    out.extend_from_slice(b",\"confidence\":");
    float(out, m.confidence)?;
    out.extend_from_slice(b",\"found_by\":");
    string(out, m.found_by);
    out.extend_from_slice(b",\"model_score\":");
    match m.model_score {
        Some(score) => float(out, score)?,
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"rule\":");
    optional_string(out, m.rule.as_deref());
    out.extend_from_slice(b",\"terms\":");
    strings(out, m.terms.iter().map(String::as_str));
    out.extend_from_slice(b",\"uitleg\":");
    string(out, &m.uitleg);
    out.extend_from_slice(b",\"wait_days\":");
    optional_u32(out, m.wait_days);
    out.push(b'}');
    Ok(())
}

/// Any JSON value; a string (an `id`, mostly) directly, the rest through serde_json.
fn value(out: &mut Vec<u8>, value: &Value) -> io::Result<()> {
    match value {
        Value::String(s) => {
            string(out, s);
            Ok(())
        }
        Value::Null => {
            out.extend_from_slice(b"null");
            Ok(())
        }
        other => serde_json::to_writer(&mut *out, other).map_err(io::Error::other),
    }
}

/// A finite float as serde_json writes it (`null` for NaN and the infinities, as serde_json).
fn float(out: &mut Vec<u8>, value: f64) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)
}

/// An integer as serde_json writes it (with `itoa`, as serde_json does).
fn optional_u32(out: &mut Vec<u8>, value: Option<u32>) {
    match value {
        Some(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

fn optional_string(out: &mut Vec<u8>, value: Option<&str>) {
    match value {
        Some(s) => string(out, s),
        None => out.extend_from_slice(b"null"),
    }
}

fn strings<'s>(out: &mut Vec<u8>, items: impl Iterator<Item = &'s str>) {
    out.push(b'[');
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, s);
    }
    out.push(b']');
}

/// Whether one of eight bytes must be escaped: a control character (below 0x20), `"` or `\`.
/// Exact for the eight as a whole (the borrows of the subtractions only ever mark bytes above a
/// byte that is itself marked).
fn any_to_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |x: u64, n: u64| x.wrapping_sub(n * ONES) & !x & HIGH;
    let zero = |x: u64| below(x, 1);
    (below(x, 0x20) | zero(x ^ (u64::from(b'"') * ONES)) | zero(x ^ (u64::from(b'\\') * ONES))) != 0
}

/// A string, quoted and escaped as serde_json does.
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // The start of what has not been copied yet.
    let mut run = 0;
    let mut at = 0;
    while at < bytes.len() {
        if let Some(chunk) = bytes.get(at..at + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(chunk);
            if !any_to_escape(u64::from_le_bytes(eight)) {
                at += 8;
                continue;
            }
        }
        // Byte by byte to the end of this eight (or of the string).
        let end = (at + 8).min(bytes.len());
        while at < end {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let b = bytes[at];
            let unicode;
            let escape: &[u8] = match b {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                0x08 => b"\\b",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                0x0C => b"\\f",
                b'\r' => b"\\r",
                0x00..=0x1F => {
                    unicode = [
                        b'\\',
                        b'u',
                        b'0',
                        b'0',
                        HEX[usize::from(b >> 4)],
                        HEX[usize::from(b & 0xF)],
                    ];
                    &unicode
                }
                _ => {
                    at += 1;
                    continue;
                }
            };
            out.extend_from_slice(&bytes[run..at]);
            out.extend_from_slice(escape);
            at += 1;
            run = at;
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests;
