//! W3C Trace Context: the shape of a `traceparent` value (the task-local that carries it
//! through a request lives with the intake).

/// Whether `value` is a well-formed version-00 `traceparent`
/// (`00-<32 hex>-<16 hex>-<2 hex>`, lower case, ids not all zero).
pub fn is_valid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    parts.len() == 4
        && parts[0] == "00"
        && hex(parts[1], 32)
        && parts[1].bytes().any(|b| b != b'0')
        && hex(parts[2], 16)
        && parts[2].bytes().any(|b| b != b'0')
        && hex(parts[3], 2)
}
