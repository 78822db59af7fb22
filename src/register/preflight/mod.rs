//! Checks on a workbook's container before calamine opens it, so that no file can make calamine
//! allocate past [`Limits`](super::Limits).
//!
//! calamine reads `.ods` and `.xls` sheets whole at open time, and some of its allocations are
//! sized by what the file *declares* (repeat counts, dimensions, string counts) rather than by
//! what it holds; an allocation that fails aborts the process, which no `catch_unwind` can stop.
//! So, before opening:
//! - any zip container (xlsx, xlsm, xlsb, ods, or any file with a zip directory at its end): the
//!   sum of its entries' declared uncompressed sizes against `max_decompressed_bytes` (the `zip`
//!   crate stops at the declared size, so this bounds every decompression; a zip bomb is refused
//!   here);
//! - xlsx: the `uniqueCount` of `sharedStrings.xml`, which calamine reserves up front;
//! - ods: `content.xml`, walked as calamine walks it ([`ods`]): repeated rows, columns and
//!   spaces, and a document cut short inside a sheet or a comment, on which calamine loops for
//!   ever;
//! - xls: the compound file's sector chains and each sheet's cell rectangle ([`xls`]).
//!
//! xlsx and xlsb sheets themselves are streamed (see `workbook`), so their cells are bounded as
//! they are read. This module reads nothing but the bytes it is given and decides no table.

mod inflate;
mod ods;
mod xls;
mod xmlscan;
mod zip;

use super::{LimitKind, Limits, ReadError};

/// Refuses, with the limit it passes, a workbook that calamine could not read within `limits`.
/// A container this module cannot make sense of is let through: calamine will refuse it itself.
pub(crate) fn check(path: &str, bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let limit =
        |sheet: Option<&str>, limit: LimitKind, found: u64, max: u64| ReadError::LimitExceeded {
            path: path.to_string(),
            sheet: sheet.map(str::to_string),
            limit,
            found,
            max,
        };
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        let costs = xls::sheet_costs(bytes).map_err(|xls::XlsProblem::Damaged(problem)| {
            ReadError::Damaged {
                path: path.to_string(),
                problem,
            }
        })?;
        check_costs(
            costs
                .iter()
                .map(|c| (c.name.as_str(), c.cells, c.text_bytes)),
            path,
            limits,
        )?;
        return Ok(());
    }
    // Any other file may be a zip, even one that does not start like one (the `zip` crate finds
    // the directory from the end, past a self-extractor stub): check it if it has a directory.
    if let Ok(archive) = zip::Archive::new(bytes) {
        let total = archive
            .entries
            .iter()
            .fold(0u64, |t, e| t.saturating_add(e.uncompressed));
        if total > limits.max_decompressed_bytes {
            return Err(limit(
                None,
                LimitKind::DecompressedBytes,
                total,
                limits.max_decompressed_bytes,
            ));
        }
        check_shared_strings(&archive, limits)
            .map_err(|n| limit(None, LimitKind::Cells, n, limits.max_cells))?;
        check_ods(path, &archive, limits)?;
    }
    Ok(())
}

/// Cells and text per sheet, against `max_cells` (per sheet and in total) and
/// `max_decompressed_bytes`.
fn check_costs<'a>(
    costs: impl Iterator<Item = (&'a str, u64, u64)>,
    path: &str,
    limits: &Limits,
) -> Result<(), ReadError> {
    let mut cells = 0u64;
    let mut text = 0u64;
    for (name, c, t) in costs {
        cells = cells.saturating_add(c);
        text = text.saturating_add(t);
        let sheet = Some(name.to_string());
        if c > limits.max_cells || cells > limits.max_cells {
            return Err(ReadError::LimitExceeded {
                path: path.to_string(),
                sheet,
                limit: LimitKind::Cells,
                found: cells,
                max: limits.max_cells,
            });
        }
        if text > limits.max_decompressed_bytes {
            return Err(ReadError::LimitExceeded {
                path: path.to_string(),
                sheet,
                limit: LimitKind::DecompressedBytes,
                found: text,
                max: limits.max_decompressed_bytes,
            });
        }
    }
    Ok(())
}

/// calamine reserves room for `uniqueCount` shared strings before reading one: `Err(count)` when
/// that is more than `max_cells`.
fn check_shared_strings(archive: &zip::Archive<'_>, limits: &Limits) -> Result<(), u64> {
    let Some(entry) = archive
        .entries
        .iter()
        .find(|e| e.name.to_ascii_lowercase().ends_with("sharedstrings.xml"))
    else {
        return Ok(());
    };
    let mut scanner = xmlscan::Scanner::default();
    let mut count = None;
    let _ = archive.read(entry, 1024 * 1024, &mut |chunk| {
        scanner.feed(chunk, &mut |t| match t {
            xmlscan::Token::Start { name, tag, .. } => {
                let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
                if local == b"sst" {
                    count = Some(
                        xmlscan::attr(tag, b"uniqueCount")
                            .and_then(xmlscan::number)
                            .unwrap_or(0),
                    );
                    return false;
                }
                true
            }
            _ => true,
        })
    });
    match count {
        Some(n) if n > limits.max_cells => Err(n),
        _ => Ok(()),
    }
}

fn check_ods(path: &str, archive: &zip::Archive<'_>, limits: &Limits) -> Result<(), ReadError> {
    let Some(entry) = archive.entry("content.xml") else {
        return Ok(());
    };
    let mut scan = ods::OdsScan::default();
    let mut refused: Option<ReadError> = None;
    let mut cells = 0u64;
    let mut text = 0u64;
    let result = archive.read(entry, limits.max_decompressed_bytes, &mut |chunk| {
        scan.feed(chunk, &mut |cost| {
            cells = cells.saturating_add(cost.cells);
            text = text.saturating_add(cost.text_bytes);
            let one = [(cost.name.as_str(), cells, text)];
            match check_costs(one.into_iter(), path, limits) {
                Ok(()) => true,
                Err(e) => {
                    refused = Some(e);
                    false
                }
            }
        })
    });
    if let Some(e) = refused {
        return Err(e);
    }
    // Read to its end (not cut off at the limit, not failing as calamine's own read would):
    // a document that ends inside a sheet or a comment would make calamine loop for ever.
    if result.is_ok()
        && entry.uncompressed <= limits.max_decompressed_bytes
        && let Some(problem) = scan.endless()
    {
        return Err(ReadError::Damaged {
            path: path.to_string(),
            problem,
        });
    }
    Ok(())
}

/// Little-endian integers at a byte offset, `None` past the end (the files are untrusted).
pub(super) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        b.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

pub(super) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(
        b.get(at..at.checked_add(4)?)?.try_into().ok()?,
    ))
}

pub(super) fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        b.get(at..at.checked_add(8)?)?.try_into().ok()?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The inflater against real files: every entry of every zip workbook in `fixtures/` and the
    /// shared corpus (when present) inflates to its declared size and CRC-32.
    #[test]
    fn every_real_zip_entry_inflates_to_its_declared_size_and_crc() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["fixtures/reader", "fixtures/sample", "../shared/corpus"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            files.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
        let mut checked = 0;
        let mut bad = Vec::new();
        for path in files {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            if !bytes.starts_with(b"PK\x03\x04") {
                continue;
            }
            let Ok(archive) = zip::Archive::new(&bytes) else {
                continue;
            };
            // Entries up to 1 MB keep the test quick in a debug build.
            for entry in archive.entries.iter().filter(|e| e.uncompressed <= 1 << 20) {
                let mut len = 0u64;
                let mut crc = crc32fast::Hasher::new();
                let result = archive.read(entry, u64::MAX, &mut |chunk| {
                    len += chunk.len() as u64;
                    crc.update(chunk);
                    true
                });
                // Entries the zip crate cannot read either (encrypted, damaged) are skipped.
                if result.is_err() {
                    continue;
                }
                if len != entry.uncompressed || Some(crc.finalize()) != entry.crc {
                    bad.push(format!("{} {}", path.display(), entry.name));
                }
                checked += 1;
            }
        }
        assert!(checked > 10, "only {checked} entries checked");
        // calamine's issue252.xlsx is damaged on purpose: its sizes and CRCs do not match.
        bad.retain(|b| !b.contains("issue252"));
        assert!(bad.is_empty(), "{bad:#?}");
    }
}
