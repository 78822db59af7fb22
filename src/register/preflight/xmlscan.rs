//! A forgiving streaming XML tokenizer, only good for counting: start tags with their raw
//! attributes, end tags, and the length of the text between them. Comments, CDATA, processing
//! instructions and doctypes are skipped. It does not validate, decode entities or track
//! namespaces: the preflight checks need sizes and a few attributes, not a document.

/// One piece of the document.
pub(crate) enum Token<'a> {
    /// `<name attrs…>` or `<name attrs…/>` (then `empty`).
    Start {
        name: &'a [u8],
        tag: &'a [u8],
        empty: bool,
    },
    /// `</name>`.
    End { name: &'a [u8] },
    /// Raw text between tags, by its length in bytes.
    Text(usize),
}

/// Keeps an incomplete tag from one chunk to the next.
#[derive(Default)]
pub(crate) struct Scanner {
    carry: Vec<u8>,
}

impl Scanner {
    /// Tokenizes `chunk` (continuing the previous ones), calling `f` per token until it returns
    /// false. Returns false when `f` asked to stop.
    pub(crate) fn feed(&mut self, chunk: &[u8], f: &mut dyn FnMut(Token<'_>) -> bool) -> bool {
        self.carry.extend_from_slice(chunk);
        let buf = std::mem::take(&mut self.carry);
        let mut pos = 0;
        let mut go_on = true;
        while pos < buf.len() && go_on {
            if buf[pos] != b'<' {
                let end = memchr(b'<', &buf[pos..]).map_or(buf.len(), |i| pos + i);
                go_on = f(Token::Text(end - pos));
                pos = end;
                continue;
            }
            let rest = &buf[pos..];
            let (close, skip): (&[u8], bool) = if rest.starts_with(b"<!--") {
                (b"-->", true)
            } else if rest.starts_with(b"<![CDATA[") {
                (b"]]>", true)
            } else if rest.starts_with(b"<?") {
                (b"?>", true)
            } else if rest.starts_with(b"<!") {
                (b">", true)
            } else {
                (b">", false)
            };
            let end = if skip {
                find(rest, close).map(|i| i + close.len())
            } else {
                tag_end(rest)
            };
            let Some(end) = end else {
                break; // incomplete: wait for more
            };
            if !skip {
                go_on = f(tag_token(&rest[..end]));
            }
            pos += end;
        }
        self.carry = buf;
        self.carry.drain(..pos.min(self.carry.len()));
        go_on
    }
}

fn tag_token(tag: &[u8]) -> Token<'_> {
    // tag is `<…>`.
    let inner = &tag[1..tag.len() - 1];
    if let Some(name) = inner.strip_prefix(b"/") {
        return Token::End {
            name: name_of(name),
        };
    }
    let empty = inner.ends_with(b"/");
    let inner = if empty {
        &inner[..inner.len() - 1]
    } else {
        inner
    };
    Token::Start {
        name: name_of(inner),
        tag: inner,
        empty,
    }
}

fn name_of(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
        .unwrap_or(s.len());
    &s[..end]
}

/// The end of a tag (one past `>`), skipping quoted attribute values.
fn tag_end(s: &[u8]) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in s.iter().enumerate().skip(1) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None => {}
        }
    }
    None
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|b| *b == needle)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The raw value of attribute `name` in a start tag's inner text (`name a="1" b='2'`).
pub(crate) fn attr<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = name_of(tag).len();
    while i < tag.len() {
        while i < tag.len() && tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let key_start = i;
        while i < tag.len() && tag[i] != b'=' && !tag[i].is_ascii_whitespace() {
            i += 1;
        }
        let key = &tag[key_start..i];
        while i < tag.len() && (tag[i].is_ascii_whitespace() || tag[i] == b'=') {
            i += 1;
        }
        let q = *tag.get(i)?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let v_start = i + 1;
        let v_end = tag[v_start..].iter().position(|b| *b == q)? + v_start;
        if key == name {
            return Some(&tag[v_start..v_end]);
        }
        i = v_end + 1;
    }
    None
}

/// Whether the tag has attribute `name`.
pub(crate) fn has_attr(tag: &[u8], name: &[u8]) -> bool {
    attr(tag, name).is_some()
}

/// An attribute's value as a whole number (surrounding spaces allowed), saturating.
pub(crate) fn number(v: &[u8]) -> Option<u64> {
    let t = std::str::from_utf8(v).ok()?.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(t.parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_across_chunks() {
        let doc = b"<?xml version='1.0'?><a x=\"1>2\" y='z'><!-- <b> --><b/>text</a>";
        let mut seen = Vec::new();
        let mut s = Scanner::default();
        for chunk in doc.chunks(3) {
            s.feed(chunk, &mut |t| {
                seen.push(match t {
                    Token::Start { name, tag, empty } => format!(
                        "start {} {} x={:?}",
                        String::from_utf8_lossy(name),
                        empty,
                        attr(tag, b"x").map(|v| String::from_utf8_lossy(v).into_owned())
                    ),
                    Token::End { name } => format!("end {}", String::from_utf8_lossy(name)),
                    Token::Text(n) => format!("text {n}"),
                });
                true
            });
        }
        let text: usize = seen
            .iter()
            .filter_map(|s| {
                s.strip_prefix("text ")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .sum();
        assert_eq!(text, 4);
        assert!(seen.contains(&"start a false x=Some(\"1>2\")".to_string()));
        assert!(seen.contains(&"start b true x=None".to_string()));
        assert!(seen.contains(&"end a".to_string()));
        assert_eq!(number(b" 12 "), Some(12));
        assert_eq!(number(b"99999999999999999999999"), Some(u64::MAX));
        assert_eq!(number(b"-1"), None);
    }
}
