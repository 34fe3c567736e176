//! Reading text files as people's tools write them: byte-order marks, UTF-16 from some Windows
//! exports, and any of the three line ends (LF, CRLF, and CR alone as old Mac tools write).

/// The UTF-8 byte-order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The one error for a UTF-16 file, in Dutch.
pub const UTF16_MESSAGE: &str =
    "het bestand is UTF-16 (Unicode); sla het op als UTF-8 (in Excel: 'CSV UTF-8') en probeer opnieuw";

/// Whether the bytes look like UTF-16: a UTF-16 byte-order mark, or ASCII text with a zero
/// byte before or after every character at the start of the file.
pub fn looks_like_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let head = &bytes[..bytes.len().min(64)];
    if head.len() < 4 {
        return false;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .enumerate()
            .filter(|(i, b)| i % 2 == parity && **b == 0)
            .count()
    };
    let pairs = head.len() / 2;
    zeros_at(0) * 4 >= pairs * 3 || zeros_at(1) * 4 >= pairs * 3
}

/// Removes a UTF-8 byte-order mark at the start.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes)
}

/// Splits bytes into lines on LF, CRLF or a lone CR, with their 1-based numbers. The line
/// ends are not part of the lines. A final line end does not start another line.
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut rest = bytes;
    let mut number = 0u64;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
            Some(end) => {
                let line = &rest[..end];
                let skip = if rest[end] == b'\r' && rest.get(end + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                rest = &rest[end + skip..];
                Some((number, line))
            }
            None => {
                let line = rest;
                rest = &[];
                Some((number, line))
            }
        }
    })
}

/// Maps byte offsets to 1-based line numbers in one pass over the text; each lookup is a
/// binary search, so numbering every row of a file stays O(n log n), not O(n²).
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset at which each line after the first starts.
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> Self {
        let mut starts = Vec::new();
        let mut i = 0;
        while i < text.len() {
            match text[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if text.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { starts }
    }

    /// The line holding byte `offset`, counting a line end that sits exactly at `offset` as
    /// already passed (the csv crate reports a record after CRLF at its `\n`).
    pub fn line_at(&self, offset: u64) -> u64 {
        let probe = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        1 + self.starts.partition_point(|&s| s <= probe) as u64
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A text as a UTF-16LE file (without byte-order mark), as some Windows tools save it.
    pub(crate) fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn all_three_line_ends_are_understood() {
        let got: Vec<(u64, &[u8])> = lines(b"a\r\nb\rc\nd").collect();
        assert_eq!(
            got,
            vec![
                (1, &b"a"[..]),
                (2, &b"b"[..]),
                (3, &b"c"[..]),
                (4, &b"d"[..])
            ]
        );
        assert_eq!(lines(b"a\n\nb\n").count(), 3);
    }

    #[test]
    fn utf16_is_recognised_with_and_without_bom() {
        assert!(looks_like_utf16(&utf16le("datum;bron;wijk")));
        assert!(looks_like_utf16(b"\xFF\xFEd\x00"));
        assert!(!looks_like_utf16(b"datum;bron;wijk;omschrijving"));
        assert!(!looks_like_utf16("{\"text\": \"één\"}".as_bytes()));
    }

    #[test]
    fn line_index_counts_every_line_end() {
        let index = LineIndex::new(b"kop\r\neen\rtwee\nd");
        assert_eq!(index.line_at(0), 1);
        assert_eq!(index.line_at(4), 2); // the \n of CRLF
        assert_eq!(index.line_at(5), 2);
        assert_eq!(index.line_at(9), 3);
        assert_eq!(index.line_at(14), 4);
    }
}
