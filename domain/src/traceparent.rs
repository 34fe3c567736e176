//! W3C Trace Context: the shape of a `traceparent` value (the task-local that carries it
//! through a request lives with the intake), and the trace and span a processing-log record
//! belongs to ([`TraceContext`]).

use serde::Serialize;

/// Whether `value` is a well-formed version-00 `traceparent`
/// (`00-<32 hex>-<16 hex>-<2 hex>`, lower case, ids not all zero).
pub fn is_valid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    let flags_ok = |s: &str| {
        s.len() == 2
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    parts.len() == 4
        && parts[0] == "00"
        && is_hex(parts[1], 32)
        && is_hex(parts[2], 16)
        && flags_ok(parts[3])
}

/// W3C Trace Context: the trace a record belongs to and its own span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceContext {
    pub trace_id: String,
    pub span_id: String,
    /// The span that caused this one, "" for the first of a trace.
    pub parent_span_id: String,
}

impl TraceContext {
    /// A new trace with its first span.
    pub fn new_root() -> Self {
        Self {
            trace_id: random_hex(16),
            span_id: random_hex(8),
            parent_span_id: String::new(),
        }
    }

    /// Parses a `traceparent` header (`00-<trace-id>-<parent-id>-<flags>`); the result is the
    /// caller's span, so use [`TraceContext::child`] for the work done here.
    pub fn parse(traceparent: &str) -> Option<Self> {
        let mut parts = traceparent.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let version_ok = version.len() == 2
            && version
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !version_ok || version == "ff" {
            return None;
        }
        if version == "00" && parts.next().is_some() {
            return None;
        }
        if flags.len() != 2 || !flags.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        (is_hex(trace, 32) && is_hex(span, 16)).then(|| Self {
            trace_id: trace.to_string(),
            span_id: span.to_string(),
            parent_span_id: String::new(),
        })
    }

    /// The caller's context from a `traceparent` header, or a new trace.
    pub fn from_header(traceparent: Option<&str>) -> Self {
        traceparent
            .and_then(Self::parse)
            .unwrap_or_else(Self::new_root)
    }

    /// A new span in this trace, caused by this one.
    pub fn child(&self) -> Self {
        Self {
            trace_id: self.trace_id.clone(),
            span_id: random_hex(8),
            parent_span_id: self.span_id.clone(),
        }
    }

    /// The `traceparent` header for this span (sampled).
    pub fn header(&self) -> String {
        format!("00-{}-{}-01", self.trace_id, self.span_id)
    }
}

fn random_hex(bytes: usize) -> String {
    let mut out = String::with_capacity(bytes * 2);
    while out.len() < bytes * 2 {
        out.push_str(&uuid::Uuid::new_v4().simple().to_string());
    }
    // Random v4 UUIDs (122 random bits each); a few bits are fixed, which W3C allows.
    out.truncate(bytes * 2);
    out
}

/// Lower-case hex of `len` digits, not all zero.
fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && text.bytes().any(|b| b != b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparent_round_trip_and_children() {
        let header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let parent = TraceContext::parse(header).unwrap();
        assert_eq!(parent.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(parent.header(), header);
        let child = parent.child();
        assert_eq!(child.trace_id, parent.trace_id);
        assert_eq!(child.parent_span_id, "00f067aa0ba902b7");
        assert_ne!(child.span_id, parent.span_id);
        assert!(TraceContext::parse(&child.header()).is_some());
    }

    #[test]
    fn bad_traceparents_start_a_new_trace() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        ] {
            assert!(TraceContext::parse(bad).is_none(), "{bad}");
        }
        let fresh = TraceContext::from_header(Some("rommel"));
        assert!(is_hex(&fresh.trace_id, 32) && is_hex(&fresh.span_id, 16));
        assert!(fresh.parent_span_id.is_empty());
    }
}
