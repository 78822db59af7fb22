//! A small DEFLATE (RFC 1951) decoder, streaming, for looking inside zip entries before calamine
//! does. It exists only so that the preflight checks can read `content.xml` and
//! `sharedStrings.xml` without a new dependency; it is modelled on zlib's `puff.c`: canonical
//! Huffman codes decoded bit by bit, no tables to build, every length and distance checked.
//! It never panics and never allocates more than the window plus one output chunk.

/// Why an entry could not be inflated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InflateError {
    /// The compressed data ended early.
    Truncated,
    /// The compressed data is not valid DEFLATE.
    Invalid,
}

const MAX_BITS: usize = 15;
const WINDOW: usize = 32 * 1024;
const CHUNK: usize = 64 * 1024;

struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    bitbuf: u32,
    bitcnt: u32,
}

impl Bits<'_> {
    fn bits(&mut self, need: u32) -> Result<u32, InflateError> {
        let mut val = self.bitbuf;
        while self.bitcnt < need {
            let b = *self.data.get(self.pos).ok_or(InflateError::Truncated)?;
            self.pos += 1;
            val |= u32::from(b) << self.bitcnt;
            self.bitcnt += 8;
        }
        self.bitbuf = if need >= 32 { 0 } else { val >> need };
        self.bitcnt -= need;
        Ok(if need >= 32 {
            val
        } else {
            val & ((1u32 << need) - 1)
        })
    }
}

struct Huffman {
    count: [u16; MAX_BITS + 1],
    symbol: Vec<u16>,
}

impl Huffman {
    /// Builds a canonical code from code lengths. Incomplete codes are allowed only when they
    /// are a single code (as zlib allows for distances).
    fn new(lengths: &[u8]) -> Result<Huffman, InflateError> {
        let mut count = [0u16; MAX_BITS + 1];
        for &l in lengths {
            count[usize::from(l)] += 1;
        }
        if usize::from(count[0]) == lengths.len() {
            return Ok(Huffman {
                count,
                symbol: Vec::new(),
            });
        }
        let mut left: i32 = 1;
        for &c in &count[1..] {
            left <<= 1;
            left -= i32::from(c);
            if left < 0 {
                return Err(InflateError::Invalid);
            }
        }
        let mut offs = [0u16; MAX_BITS + 1];
        for len in 1..MAX_BITS {
            offs[len + 1] = offs[len] + count[len];
        }
        let mut symbol = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l != 0 {
                let o = &mut offs[usize::from(l)];
                symbol[usize::from(*o)] = sym as u16;
                *o += 1;
            }
        }
        Ok(Huffman { count, symbol })
    }

    fn decode(&self, s: &mut Bits<'_>) -> Result<u16, InflateError> {
        let mut code: i32 = 0;
        let mut first: i32 = 0;
        let mut index: i32 = 0;
        for len in 1..=MAX_BITS {
            code |= s.bits(1)? as i32;
            let count = i32::from(self.count[len]);
            if code - count < first {
                return self
                    .symbol
                    .get((index + (code - first)) as usize)
                    .copied()
                    .ok_or(InflateError::Invalid);
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        Err(InflateError::Invalid)
    }
}

const LBASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEXT: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DBASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DEXT: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Output with a sliding window: whole chunks go to the sink, the last 32 KiB stay for copies.
struct Out<'f> {
    buf: Vec<u8>,
    /// Bytes already given to the sink, from the start of `buf`.
    flushed: usize,
    total: u64,
    sink: &'f mut dyn FnMut(&[u8]) -> bool,
    stopped: bool,
}

impl Out<'_> {
    fn push(&mut self, b: u8) {
        self.buf.push(b);
        self.total += 1;
    }

    /// Gives full chunks to the sink; false when the sink wants no more.
    fn maybe_flush(&mut self) -> bool {
        if self.buf.len() - self.flushed >= CHUNK {
            self.flush();
            if self.buf.len() > WINDOW * 2 {
                let drop = self.buf.len() - WINDOW;
                self.buf.drain(..drop);
                self.flushed -= drop;
            }
        }
        !self.stopped
    }

    fn flush(&mut self) {
        if !self.stopped && self.flushed < self.buf.len() {
            self.stopped = !(self.sink)(&self.buf[self.flushed..]);
        }
        self.flushed = self.buf.len();
    }
}

/// Inflates raw DEFLATE `data`, giving the output to `sink` in chunks, until the end of the
/// stream, until `sink` returns false, or until `max_out` bytes have been produced (then it
/// stops as if the sink had). Returns the number of bytes produced.
pub(crate) fn inflate(
    data: &[u8],
    max_out: u64,
    sink: &mut dyn FnMut(&[u8]) -> bool,
) -> Result<u64, InflateError> {
    let mut s = Bits {
        data,
        pos: 0,
        bitbuf: 0,
        bitcnt: 0,
    };
    let mut out = Out {
        buf: Vec::with_capacity(CHUNK + WINDOW * 2),
        flushed: 0,
        total: 0,
        sink,
        stopped: false,
    };
    loop {
        let last = s.bits(1)?;
        let kind = s.bits(2)?;
        let go_on = match kind {
            0 => stored(&mut s, &mut out, max_out)?,
            1 => {
                let (lencode, distcode) = fixed_codes()?;
                codes(&mut s, &mut out, &lencode, &distcode, max_out)?
            }
            2 => {
                let (lencode, distcode) = dynamic_codes(&mut s)?;
                codes(&mut s, &mut out, &lencode, &distcode, max_out)?
            }
            _ => return Err(InflateError::Invalid),
        };
        if !go_on || last == 1 {
            break;
        }
    }
    out.flush();
    Ok(out.total)
}

fn stored(s: &mut Bits<'_>, out: &mut Out<'_>, max_out: u64) -> Result<bool, InflateError> {
    s.bitbuf = 0;
    s.bitcnt = 0;
    let header = s
        .data
        .get(s.pos..s.pos + 4)
        .ok_or(InflateError::Truncated)?;
    let len = u16::from_le_bytes([header[0], header[1]]);
    let nlen = u16::from_le_bytes([header[2], header[3]]);
    if len != !nlen {
        return Err(InflateError::Invalid);
    }
    s.pos += 4;
    let bytes = s
        .data
        .get(s.pos..s.pos + usize::from(len))
        .ok_or(InflateError::Truncated)?;
    s.pos += usize::from(len);
    for &b in bytes {
        if out.total >= max_out {
            return Ok(false);
        }
        out.push(b);
    }
    Ok(out.maybe_flush())
}

fn fixed_codes() -> Result<(Huffman, Huffman), InflateError> {
    let mut lengths = [0u8; 288];
    for (i, l) in lengths.iter_mut().enumerate() {
        *l = match i {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
    }
    Ok((Huffman::new(&lengths)?, Huffman::new(&[5u8; 30])?))
}

fn dynamic_codes(s: &mut Bits<'_>) -> Result<(Huffman, Huffman), InflateError> {
    const ORDER: [usize; 19] = [
        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
    ];
    let nlen = s.bits(5)? as usize + 257;
    let ndist = s.bits(5)? as usize + 1;
    let ncode = s.bits(4)? as usize + 4;
    if nlen > 286 || ndist > 30 {
        return Err(InflateError::Invalid);
    }
    let mut lengths = [0u8; 320];
    for &o in ORDER.iter().take(ncode) {
        lengths[o] = s.bits(3)? as u8;
    }
    let lencode = Huffman::new(&lengths[..19])?;
    let mut index = 0;
    while index < nlen + ndist {
        let symbol = lencode.decode(s)?;
        if symbol < 16 {
            lengths[index] = symbol as u8;
            index += 1;
        } else {
            let (value, repeat) = match symbol {
                16 => {
                    if index == 0 {
                        return Err(InflateError::Invalid);
                    }
                    (lengths[index - 1], 3 + s.bits(2)? as usize)
                }
                17 => (0, 3 + s.bits(3)? as usize),
                _ => (0, 11 + s.bits(7)? as usize),
            };
            if index + repeat > nlen + ndist {
                return Err(InflateError::Invalid);
            }
            for l in &mut lengths[index..index + repeat] {
                *l = value;
            }
            index += repeat;
        }
    }
    if lengths[256] == 0 {
        return Err(InflateError::Invalid);
    }
    let lencode = Huffman::new(&lengths[..nlen])?;
    let distcode = Huffman::new(&lengths[nlen..nlen + ndist])?;
    Ok((lencode, distcode))
}

fn codes(
    s: &mut Bits<'_>,
    out: &mut Out<'_>,
    lencode: &Huffman,
    distcode: &Huffman,
    max_out: u64,
) -> Result<bool, InflateError> {
    loop {
        let symbol = lencode.decode(s)?;
        if symbol < 256 {
            if out.total >= max_out {
                return Ok(false);
            }
            out.push(symbol as u8);
        } else if symbol == 256 {
            return Ok(out.maybe_flush());
        } else {
            let i = usize::from(symbol - 257);
            if i >= 29 {
                return Err(InflateError::Invalid);
            }
            let len = usize::from(LBASE[i]) + s.bits(u32::from(LEXT[i]))? as usize;
            let d = usize::from(distcode.decode(s)?);
            if d >= 30 {
                return Err(InflateError::Invalid);
            }
            let dist = usize::from(DBASE[d]) + s.bits(u32::from(DEXT[d]))? as usize;
            if dist > out.buf.len() {
                return Err(InflateError::Invalid);
            }
            for _ in 0..len {
                if out.total >= max_out {
                    return Ok(false);
                }
                let b = out.buf[out.buf.len() - dist];
                out.push(b);
            }
        }
        if !out.maybe_flush() {
            return Ok(false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inflate_all(data: &[u8]) -> Result<Vec<u8>, InflateError> {
        let mut all = Vec::new();
        inflate(data, u64::MAX, &mut |chunk| {
            all.extend_from_slice(chunk);
            true
        })?;
        Ok(all)
    }

    #[test]
    fn stored_fixed_and_dynamic_blocks() {
        // "hello" as a stored block, as a fixed-Huffman block (zlib level 1 output, raw).
        assert_eq!(
            inflate_all(&[0x01, 0x05, 0x00, 0xfa, 0xff, b'h', b'e', b'l', b'l', b'o']),
            Ok(b"hello".to_vec())
        );
        assert_eq!(
            inflate_all(&[0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]),
            Ok(b"hello".to_vec())
        );
        // "aaaa…" (a back-reference overlapping its own output).
        assert_eq!(
            inflate_all(&[0x4b, 0x4c, 0x84, 0x01, 0x00]),
            Ok(b"aaaaaaaaaa".to_vec())
        );
    }

    #[test]
    fn damaged_data_is_an_error_not_a_panic() {
        assert_eq!(inflate_all(&[]), Err(InflateError::Truncated));
        assert_eq!(inflate_all(&[0x07]), Err(InflateError::Invalid));
        assert!(inflate_all(&[0x01, 0x05, 0x00, 0x00, 0x00]).is_err());
        for n in 0..=255u8 {
            let _ = inflate_all(&[n, n.wrapping_mul(7), 0xff, n, 0x13]);
        }
    }

    #[test]
    fn output_is_capped() {
        let mut seen = 0;
        let n = inflate(&[0x4b, 0x4c, 0x84, 0x01, 0x00], 4, &mut |c| {
            seen += c.len();
            true
        });
        assert_eq!(n, Ok(4));
        assert_eq!(seen, 4);
    }
}
