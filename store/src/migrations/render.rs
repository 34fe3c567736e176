//! One migration file, rendered for one backend. `store/build.rs` includes this file too (it
//! checks every migration while building, so a malformed one fails the build), which is why it
//! uses nothing but `std`.
//!
//! A file is SQL both backends share, with the lines that differ in blocks:
//!
//! ```text
//! -- @sqlite
//! ...lines only SQLite runs...
//! -- @postgres
//! ...lines only PostgreSQL runs...
//! -- @end
//! ```
//!
//! A block names each backend at most once, in either order, and may leave one out. Rendering
//! keeps the shared lines and the lines of the backend's part, byte for byte, and drops the
//! `-- @` lines themselves.

/// The backends' tags, as written after `-- @`.
pub const TAGS: [&str; 2] = ["sqlite", "postgres"];

/// The SQL of `file_name` (for messages) for the backend tagged `tag`, or a Dutch message naming
/// the file and line where the blocks are malformed.
pub fn render(file_name: &str, source: &str, tag: &str) -> Result<String, String> {
    let mut out = String::with_capacity(source.len());
    // The open block: the line it opens on, and the backends it has named so far.
    let mut block: Option<(usize, Vec<&str>)> = None;
    for (index, line) in source.split_inclusive('\n').enumerate() {
        let number = index + 1;
        let at = |message: String| format!("migratie {file_name}, regel {number}: {message}");
        let Some(word) = line.trim().strip_prefix("-- @") else {
            let named = block.as_ref().and_then(|(_, named)| named.last());
            if named.is_none_or(|named| *named == tag) {
                out.push_str(line);
            }
            continue;
        };
        let word = word.trim();
        match (word, &mut block) {
            ("end", None) => return Err(at("`-- @end` zonder open blok".into())),
            ("end", Some(_)) => block = None,
            (word, _) if !TAGS.contains(&word) => {
                return Err(at(format!(
                    "onbekende markering `-- @{word}` (bekend zijn {})",
                    known_tags()
                )))
            }
            (word, Some((opened, named))) if named.contains(&word) => {
                return Err(at(format!(
                    "blok `-- @{word}` staat binnen het blok van regel {opened}; sluit dat eerst af met `-- @end`"
                )))
            }
            (word, Some((_, named))) => named.push(word),
            (word, None) => block = Some((number, vec![word])),
        }
    }
    match block {
        Some((opened, named)) => Err(format!(
            "migratie {file_name}, regel {opened}: blok `-- @{}` wordt niet afgesloten met `-- @end`",
            named[0]
        )),
        None => Ok(out),
    }
}

/// `-- @sqlite`, `-- @postgres` en `-- @end`, for messages.
fn known_tags() -> String {
    let tags: Vec<String> = TAGS.iter().map(|tag| format!("`-- @{tag}`")).collect();
    format!("{} en `-- @end`", tags.join(", "))
}

/// A migration file's version and the rest of its name (`init.sql` of `0001_init.sql`), split
/// as sqlx splits them; `None` for a file sqlx would pass over (no `_`, not `.sql`), and a Dutch
/// message where the version is not a number.
pub fn split_name(file_name: &str) -> Option<Result<(i64, &str), String>> {
    let (version, rest) = file_name.split_once('_')?;
    if !rest.ends_with(".sql") {
        return None;
    }
    Some(version.parse().map(|version| (version, rest)).map_err(|_| {
        format!("migratie {file_name}: de naam begint niet met een versienummer (zoals `0001_init.sql`)")
    }))
}
