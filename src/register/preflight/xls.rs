//! What calamine will allocate for an `.xls` file, worked out before calamine opens it.
//!
//! calamine's xls reader loads every sheet at open time. Two things there can exhaust memory
//! from a small file, and neither can be caught once started: following a compound-file sector
//! chain that loops (it copies sectors until the declared stream length, or forever for the
//! directory), and making each sheet a dense rectangle from its cell positions (a cell at A1 and
//! one at row 65,536, column 65,536 ask for four billion cells), or reserving what a DIMENSIONS
//! record declares. This module walks the compound file's chains as calamine does, with a step
//! bound, then the BIFF records of each sheet, and totals the cells and text calamine will hold.

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const DIFSECT: u32 = 0xFFFF_FFFC;
const RESERVED: u32 = 0xFFFF_FFFA;

/// What one sheet will cost calamine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SheetCost {
    pub(crate) name: String,
    /// Cells of the dense value and formula rectangles, or the reservation, whichever is more.
    pub(crate) cells: u64,
    /// Bytes of text copied into cells (shared strings are copied once per cell).
    pub(crate) text_bytes: u64,
}

/// Why the file is refused before calamine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum XlsProblem {
    /// A sector chain loops: calamine would copy it without end.
    Damaged(String),
}

use super::{u16_at, u32_at, u64_at};

struct Cfb<'a> {
    file: &'a [u8],
    size: usize,
    maxid: u64,
    fats: Vec<u32>,
}

impl Cfb<'_> {
    fn sector(&self, id: u32) -> &[u8] {
        let start = (u64::from(id) + 1).saturating_mul(self.size as u64);
        let start = usize::try_from(start)
            .unwrap_or(usize::MAX)
            .min(self.file.len());
        let end = start.saturating_add(self.size).min(self.file.len());
        &self.file[start..end]
    }

    /// Follows a chain as calamine's `get_chain` does, up to `len` bytes. `None` when calamine
    /// would stop with an error (a sector past the end, a FAT index out of range); an error when
    /// the chain loops before reaching `len`.
    fn chain(&self, start: u32, len: u64, what: &str) -> Result<Option<Vec<u8>>, XlsProblem> {
        let mut out = Vec::new();
        let mut id = start;
        let mut steps: u64 = 0;
        while id != ENDOFCHAIN {
            if u64::from(id) > self.maxid {
                return Ok(None);
            }
            let sector = self.sector(id);
            let take = sector
                .len()
                .min(usize::try_from(len.saturating_sub(out.len() as u64)).unwrap_or(usize::MAX));
            out.extend_from_slice(&sector[..take]);
            if out.len() as u64 >= len {
                break;
            }
            steps += 1;
            if steps > self.maxid + 1 {
                return Err(XlsProblem::Damaged(format!(
                    "the sector chain of the {what} loops"
                )));
            }
            match self.fats.get(id as usize) {
                Some(next) => id = *next,
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }
}

/// The workbook stream (`Workbook`, else `Book`), as calamine would read it. `Ok(None)` when
/// calamine would fail on the container anyway.
fn workbook_stream(file: &[u8]) -> Result<Option<Vec<u8>>, XlsProblem> {
    if file.len() < 512 || !file.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Ok(None);
    }
    let size = match u16_at(file, 30) {
        Some(0x0009) => 512,
        Some(0x000C) => 4096,
        _ => return Ok(None),
    };
    let h = |at| u32_at(file, at).unwrap_or(0);
    let dir_start = h(48);
    let mini_fat_start = h(60);
    let mini_fat_len = u64::from(h(64));
    let difat_start = h(68);
    let maxid = (file.len() / size) as u64;
    let mut cfb = Cfb {
        file,
        size,
        maxid,
        fats: Vec::new(),
    };
    let mut difat: Vec<u32> = (76..512).step_by(4).map(h).collect();
    let mut id = difat_start;
    let mut n = 0u64;
    while id < RESERVED {
        n += 1;
        if n > maxid + 1 || u64::from(id) > maxid {
            return Ok(None);
        }
        let s = cfb.sector(id);
        difat.extend((0..s.len() / 4).filter_map(|i| u32_at(s, i * 4)));
        match difat.pop() {
            Some(next) => id = next,
            None => return Ok(None),
        }
    }
    for id in difat.into_iter().filter(|id| *id < DIFSECT) {
        if u64::from(id) > maxid {
            return Ok(None);
        }
        let s = cfb.sector(id);
        let fats: Vec<u32> = (0..s.len() / 4).filter_map(|i| u32_at(s, i * 4)).collect();
        cfb.fats.extend(fats);
    }
    let Some(dirs) = cfb.chain(dir_start, u64::MAX, "directory")? else {
        return Ok(None);
    };
    // (name, start, len) per 128-byte entry.
    let entries: Vec<(String, u32, u64)> = dirs
        .chunks_exact(128)
        .map(|d| {
            let units: Vec<u16> = (0..32).filter_map(|i| u16_at(d, i * 2)).collect();
            let mut name = String::from_utf16_lossy(&units);
            if let Some(l) = name.find('\0') {
                name.truncate(l);
            }
            let start = u32_at(d, 116).unwrap_or(0);
            let len = if size == 512 {
                u64::from(u32_at(d, 120).unwrap_or(0))
            } else {
                u64_at(d, 120).unwrap_or(0)
            };
            (name, start, len)
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let (ministream, minifat) = if mini_fat_len > 0 {
        let Some(ms) = cfb.chain(root.1, root.2, "mini stream")? else {
            return Ok(None);
        };
        let Some(mf) = cfb.chain(
            mini_fat_start,
            mini_fat_len.saturating_mul(size as u64),
            "mini FAT",
        )?
        else {
            return Ok(None);
        };
        let mf: Vec<u32> = (0..mf.len() / 4)
            .filter_map(|i| u32_at(&mf, i * 4))
            .collect();
        (ms, mf)
    } else {
        (Vec::new(), Vec::new())
    };
    let find = |want: &str| {
        entries
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(want))
            .cloned()
    };
    let Some((_, start, len)) = find("Workbook").or_else(|| find("Book")) else {
        return Ok(None);
    };
    if len >= 4096 {
        return cfb.chain(start, len, "workbook stream");
    }
    // A small stream lives in 64-byte mini sectors of the mini stream.
    let mut out = Vec::new();
    let mut id = start;
    let mut steps = 0u64;
    while id != ENDOFCHAIN && (out.len() as u64) < len {
        let at = id as usize * 64;
        if at >= ministream.len() {
            if u64::from(id) <= maxid * 8 {
                return Err(XlsProblem::Damaged(
                    "the workbook stream points past the mini stream".to_string(),
                ));
            }
            return Ok(None);
        }
        let sector = &ministream[at..(at + 64).min(ministream.len())];
        let take = sector.len().min((len - out.len() as u64) as usize);
        out.extend_from_slice(&sector[..take]);
        steps += 1;
        if steps > 64 + maxid * 8 {
            return Err(XlsProblem::Damaged(
                "the sector chain of the workbook stream loops".to_string(),
            ));
        }
        match minifat.get(id as usize) {
            Some(next) => id = *next,
            None => break,
        }
    }
    Ok(Some(out))
}

/// One BIFF record, with the data of the CONTINUE records after it.
struct Record<'a> {
    typ: u16,
    data: &'a [u8],
    cont: Vec<&'a [u8]>,
}

/// Splits a stream into records as calamine's `RecordIter` does; stops at the first bad one.
fn records(mut stream: &[u8]) -> impl Iterator<Item = Record<'_>> {
    std::iter::from_fn(move || {
        let typ = u16_at(stream, 0)?;
        let len = usize::from(u16_at(stream, 2)?);
        let data = stream.get(4..4 + len)?;
        stream = &stream[4 + len..];
        let mut cont = Vec::new();
        while stream.len() > 4 && u16_at(stream, 0) == Some(0x003C) {
            let len = usize::from(u16_at(stream, 2)?);
            cont.push(stream.get(4..4 + len)?);
            stream = &stream[4 + len..];
        }
        Some(Record { typ, data, cont })
    })
}

/// The length, in UTF-8 bytes at most, of each shared string, walking the SST as calamine's
/// `parse_sst` does (strings may cross CONTINUE records).
fn sst_lengths<'a>(r: &Record<'a>) -> Vec<u64> {
    let mut segs: Vec<&'a [u8]> = Vec::with_capacity(r.cont.len() + 1);
    segs.push(r.data.get(8..).unwrap_or(&[]));
    segs.extend(r.cont.iter().copied());
    let mut seg = 0;
    let mut data: &'a [u8] = segs[0];
    let mut out = Vec::new();
    // Moves to the next segment; false at the end.
    let next = |seg: &mut usize, data: &mut &'a [u8]| -> bool {
        if *seg + 1 < segs.len() {
            *seg += 1;
            *data = segs[*seg];
            true
        } else {
            false
        }
    };
    loop {
        if data.is_empty() && !next(&mut seg, &mut data) {
            break;
        }
        if data.len() < 3 {
            break;
        }
        let cch = u64::from(u16_at(data, 0).unwrap_or(0));
        let flags = data[2];
        data = &data[3..];
        let mut high = flags & 1 != 0;
        let mut c_run = 0usize;
        let mut ext = 0usize;
        if flags & 0x8 != 0 {
            let Some(v) = u16_at(data, 0) else { break };
            c_run = usize::from(v);
            data = &data[2..];
        }
        if flags & 0x4 != 0 {
            let Some(v) = u32_at(data, 0) else { break };
            ext = v as i32 as usize;
            data = &data[4..];
        }
        out.push(cch.saturating_mul(3));
        let mut left = cch;
        let mut ok = true;
        while left > 0 {
            let width = if high { 2 } else { 1 };
            let avail = (data.len() / width) as u64;
            let l = avail.min(left);
            data = &data[(l as usize) * width..];
            left -= l;
            if left > 0 {
                if !next(&mut seg, &mut data) || data.is_empty() {
                    ok = false;
                    break;
                }
                high = data[0] & 1 != 0;
                data = &data[1..];
            }
        }
        let mut skip = c_run.saturating_mul(4).saturating_add(ext);
        while ok && skip > 0 {
            if data.is_empty() && !next(&mut seg, &mut data) {
                ok = false;
                break;
            }
            let l = skip.min(data.len());
            data = &data[l..];
            skip -= l;
        }
        if !ok {
            break;
        }
    }
    out
}

#[derive(Default)]
struct Bounds {
    min: (u32, u32),
    max: (u32, u32),
    any: bool,
}

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        if self.any {
            self.min = (self.min.0.min(row), self.min.1.min(col));
            self.max = (self.max.0.max(row), self.max.1.max(col));
        } else {
            *self = Bounds {
                min: (row, col),
                max: (row, col),
                any: true,
            };
        }
    }

    fn cells(&self) -> u64 {
        if !self.any {
            return 0;
        }
        u64::from(self.max.0 - self.min.0 + 1) * u64::from(self.max.1 - self.min.1 + 1)
    }
}

/// The cells a DIMENSIONS record makes calamine reserve, with its u32 arithmetic.
fn reservation(d: &[u8]) -> u64 {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (start, end) = if 1 <= rl && 1 <= cl {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let rows = u64::from(end.0.wrapping_sub(start.0).wrapping_add(1));
    let cols = u64::from(end.1.wrapping_sub(start.1).wrapping_add(1));
    rows.saturating_mul(cols)
}

/// The cost of every sheet of an `.xls` file, or why it is refused. An empty list when calamine
/// will refuse the file by itself (not an OLE file, no workbook stream, damaged records).
pub(crate) fn sheet_costs(file: &[u8]) -> Result<Vec<SheetCost>, XlsProblem> {
    let Some(stream) = workbook_stream(file)? else {
        return Ok(Vec::new());
    };
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut sst: Vec<u64> = Vec::new();
    for r in records(&stream) {
        match r.typ {
            0x0085 => {
                if let Some(pos) = u32_at(r.data, 0) {
                    // The name only labels the message: a lossy reading will do.
                    let name = r
                        .data
                        .get(8..)
                        .map(|n| String::from_utf8_lossy(n).replace('\0', ""))
                        .unwrap_or_default();
                    sheets.push((pos as usize, name));
                }
            }
            0x00FC => sst = sst_lengths(&r),
            // FilePass: the rest is encrypted; calamine refuses the file as password-protected.
            0x002F if u16_at(r.data, 0).is_some_and(|v| v != 0) => return Ok(Vec::new()),
            0x000A => break,
            _ => {}
        }
    }
    let mut costs = Vec::new();
    for (pos, name) in sheets {
        let Some(sheet) = stream.get(pos..) else {
            continue;
        };
        let mut cells = Bounds::default();
        let mut formulas = Bounds::default();
        let mut reserve = 0u64;
        let mut text = 0u64;
        let mut fmla_pos = (0u32, 0u32);
        let mut seen_bof = false;
        let mut depth = 0usize;
        let pos_of = |d: &[u8]| -> Option<(u32, u32)> {
            Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)))
        };
        for r in records(sheet) {
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            match r.typ {
                0x0809 => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                0x0200 => reserve = reserve.max(reservation(r.data)),
                0x0203 | 0x0205 | 0x027E => {
                    if let Some((row, col)) = pos_of(r.data) {
                        cells.add(row, col);
                    }
                }
                0x0204 | 0x00D6 => {
                    if let Some((row, col)) = pos_of(r.data) {
                        cells.add(row, col);
                        text = text.saturating_add(3 * r.data.len() as u64);
                    }
                }
                0x0207 => {
                    cells.add(fmla_pos.0, fmla_pos.1);
                    text = text.saturating_add(3 * r.data.len() as u64);
                }
                0x00FD => {
                    if let (Some((row, col)), Some(i)) = (pos_of(r.data), u32_at(r.data, 6))
                        && let Some(len) = sst.get(i as usize)
                    {
                        cells.add(row, col);
                        text = text.saturating_add(*len);
                    }
                }
                0x00BD if r.data.len() >= 6 => {
                    let row = u32::from(u16_at(r.data, 0).unwrap_or(0));
                    let first = u32::from(u16_at(r.data, 2).unwrap_or(0));
                    let last = u32::from(u16_at(r.data, r.data.len() - 2).unwrap_or(0));
                    if last >= first {
                        cells.add(row, first);
                        cells.add(row, last);
                    }
                }
                0x0006 => {
                    if let Some((row, col)) = pos_of(r.data) {
                        fmla_pos = (row, col);
                        cells.add(row, col);
                        formulas.add(row, col);
                        // Formula text: references to names and sheets can expand each token.
                        text = text.saturating_add(64 * r.data.len() as u64);
                    }
                }
                0x000A => break,
                _ => {}
            }
        }
        costs.push(SheetCost {
            name,
            cells: cells.cells().max(reserve).saturating_add(formulas.cells()),
            text_bytes: text,
        });
    }
    Ok(costs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_reservation_uses_calamines_arithmetic() {
        // BIFF8 DIMENSIONS: rows 0..65536, columns 0..256.
        let mut d = Vec::new();
        d.extend(0u32.to_le_bytes());
        d.extend(65_536u32.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(256u16.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        assert_eq!(reservation(&d), 65_536 * 256);
        // Last row before first row: calamine's u32 subtraction wraps to billions.
        let mut d = Vec::new();
        d.extend(10u32.to_le_bytes());
        d.extend(5u32.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        d.extend(1u16.to_le_bytes());
        d.extend(0u16.to_le_bytes());
        assert!(reservation(&d) > 4_000_000_000);
    }

    #[test]
    fn not_ole_costs_nothing() {
        assert_eq!(sheet_costs(b"hello"), Ok(Vec::new()));
        assert_eq!(sheet_costs(&[0u8; 600]), Ok(Vec::new()));
    }
}
