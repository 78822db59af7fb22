//! The zip container of `.xlsx`, `.xlsb` and `.ods` files, read just far enough to check it: the
//! central directory (each entry's name, method and declared sizes) and, for the few entries the
//! checks look into, their content through [`super::inflate`]. The `zip` crate that calamine
//! uses refuses to decompress an entry past its declared size, so the declared sizes bound what
//! calamine can decompress. Never panics: every offset is checked.

use super::inflate::{InflateError, inflate};

/// One central-directory entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) name: String,
    method: u16,
    compressed: u64,
    pub(crate) uncompressed: u64,
    local_offset: u64,
    /// The CRC-32 the directory declares (for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) crc: Option<u32>,
}

/// Why the container could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ZipError {
    /// No end-of-central-directory record, or a directory that runs off the file.
    NoDirectory,
    /// An entry's data cannot be read (bad offset, unknown method, bad DEFLATE data).
    BadEntry(String),
}

use super::{u16_at, u32_at, u64_at};

/// The archive: its bytes and its central directory.
pub(crate) struct Archive<'a> {
    bytes: &'a [u8],
    /// Bytes before the archive proper (a self-extractor stub), added to every offset.
    shift: u64,
    pub(crate) entries: Vec<Entry>,
}

impl<'a> Archive<'a> {
    /// Reads the central directory.
    pub(crate) fn new(bytes: &'a [u8]) -> Result<Archive<'a>, ZipError> {
        let eocd = find_eocd(bytes).ok_or(ZipError::NoDirectory)?;
        let mut count = u64::from(u16_at(bytes, eocd + 10).ok_or(ZipError::NoDirectory)?);
        let mut cd_size = u64::from(u32_at(bytes, eocd + 12).ok_or(ZipError::NoDirectory)?);
        let mut cd_offset = u64::from(u32_at(bytes, eocd + 16).ok_or(ZipError::NoDirectory)?);
        let mut cd_end = eocd as u64;
        // Zip64: the locator sits just before the end record.
        if eocd >= 20 && u32_at(bytes, eocd - 20) == Some(0x0706_4b50) {
            let at = u64_at(bytes, eocd - 20 + 8).ok_or(ZipError::NoDirectory)?;
            let at = usize::try_from(at).map_err(|_| ZipError::NoDirectory)?;
            if u32_at(bytes, at) == Some(0x0606_4b50) {
                count = u64_at(bytes, at + 32).ok_or(ZipError::NoDirectory)?;
                cd_size = u64_at(bytes, at + 40).ok_or(ZipError::NoDirectory)?;
                cd_offset = u64_at(bytes, at + 48).ok_or(ZipError::NoDirectory)?;
                cd_end = at as u64;
            }
        }
        // Where the directory really starts: at its offset, or (with a prefix) just before the
        // end record.
        let shift = if u32_at(bytes, usize::try_from(cd_offset).unwrap_or(usize::MAX))
            == Some(0x0201_4b50)
        {
            0
        } else {
            cd_end
                .checked_sub(cd_size)
                .and_then(|start| start.checked_sub(cd_offset))
                .ok_or(ZipError::NoDirectory)?
        };
        let mut at = usize::try_from(cd_offset + shift).map_err(|_| ZipError::NoDirectory)?;
        // Each entry takes at least 46 bytes: a count beyond that is a lie.
        let mut entries =
            Vec::with_capacity(usize::try_from(count.min(bytes.len() as u64 / 46)).unwrap_or(0));
        while u32_at(bytes, at) == Some(0x0201_4b50) {
            let method = u16_at(bytes, at + 10).ok_or(ZipError::NoDirectory)?;
            let crc = u32_at(bytes, at + 16);
            let mut compressed = u64::from(u32_at(bytes, at + 20).ok_or(ZipError::NoDirectory)?);
            let mut uncompressed = u64::from(u32_at(bytes, at + 24).ok_or(ZipError::NoDirectory)?);
            let name_len = usize::from(u16_at(bytes, at + 28).ok_or(ZipError::NoDirectory)?);
            let extra_len = usize::from(u16_at(bytes, at + 30).ok_or(ZipError::NoDirectory)?);
            let comment_len = usize::from(u16_at(bytes, at + 32).ok_or(ZipError::NoDirectory)?);
            let mut local_offset = u64::from(u32_at(bytes, at + 42).ok_or(ZipError::NoDirectory)?);
            let name = bytes
                .get(at + 46..at + 46 + name_len)
                .ok_or(ZipError::NoDirectory)?;
            let extra = bytes
                .get(at + 46 + name_len..at + 46 + name_len + extra_len)
                .ok_or(ZipError::NoDirectory)?;
            zip64_sizes(extra, &mut uncompressed, &mut compressed, &mut local_offset);
            entries.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                method,
                compressed,
                uncompressed,
                local_offset,
                crc,
            });
            at += 46 + name_len + extra_len + comment_len;
        }
        Ok(Archive {
            bytes,
            shift,
            entries,
        })
    }

    /// The entry of this name, compared as calamine does (case-insensitive, `\` as `/`).
    pub(crate) fn entry(&self, name: &str) -> Option<&Entry> {
        let want = name.to_ascii_lowercase();
        self.entries
            .iter()
            .find(|e| e.name.replace('\\', "/").to_ascii_lowercase() == want)
    }

    /// Gives the entry's content to `sink` in chunks, up to `max_out` bytes (and never past its
    /// declared size, as the `zip` crate would not either). `sink` returns false to stop early.
    pub(crate) fn read(
        &self,
        entry: &Entry,
        max_out: u64,
        sink: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<(), ZipError> {
        let bad = |why: &str| ZipError::BadEntry(format!("{}: {why}", entry.name));
        let local = usize::try_from(entry.local_offset.saturating_add(self.shift))
            .map_err(|_| bad("bad offset"))?;
        if u32_at(self.bytes, local) != Some(0x0403_4b50) {
            return Err(bad("no local header"));
        }
        let n = usize::from(u16_at(self.bytes, local + 26).ok_or_else(|| bad("bad header"))?);
        let e = usize::from(u16_at(self.bytes, local + 28).ok_or_else(|| bad("bad header"))?);
        let start = local + 30 + n + e;
        let len = usize::try_from(entry.compressed).map_err(|_| bad("bad size"))?;
        let data = self
            .bytes
            .get(start..start.saturating_add(len).min(self.bytes.len()))
            .ok_or_else(|| bad("data past the end of the file"))?;
        let cap = max_out.min(entry.uncompressed);
        match entry.method {
            0 => {
                let end = data.len().min(usize::try_from(cap).unwrap_or(usize::MAX));
                let mut pos = 0;
                while pos < end {
                    let next = (pos + 64 * 1024).min(end);
                    if !sink(&data[pos..next]) {
                        break;
                    }
                    pos = next;
                }
                Ok(())
            }
            8 => match inflate(data, cap, sink) {
                Ok(_) => Ok(()),
                Err(InflateError::Truncated) => Err(bad("compressed data ends early")),
                Err(InflateError::Invalid) => Err(bad("compressed data is invalid")),
            },
            m => Err(bad(&format!("compression method {m} is not supported"))),
        }
    }
}

/// Replaces 0xFFFFFFFF sizes and offsets by their zip64 values from the extra field.
fn zip64_sizes(extra: &[u8], uncompressed: &mut u64, compressed: &mut u64, offset: &mut u64) {
    let mut at = 0;
    while let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) {
        let body = extra.get(at + 4..at + 4 + usize::from(len)).unwrap_or(&[]);
        if id == 0x0001 {
            let mut p = 0;
            for field in [uncompressed, compressed, offset] {
                if *field == 0xFFFF_FFFF {
                    if let Some(v) = u64_at(body, p) {
                        *field = v;
                    }
                    p += 8;
                }
            }
            return;
        }
        at += 4 + usize::from(len);
    }
}

/// The end-of-central-directory record: the last one, within the final 64 KiB + 22 bytes.
fn find_eocd(bytes: &[u8]) -> Option<usize> {
    if bytes.len() < 22 {
        return None;
    }
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    (lowest..=bytes.len() - 22)
        .rev()
        .find(|&i| u32_at(bytes, i) == Some(0x0605_4b50))
}
