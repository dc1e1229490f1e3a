//! The array form of `rootsim eval`'s input, cut into its elements as the bytes arrive.
//!
//! A JSON array of requests used to be read whole before its first answer; this splitter lets
//! [`super::Evaluator`] answer each element as soon as its last byte is read, holding one element
//! at a time, as the line form holds one line. It knows only JSON's structure: strings (with
//! escapes) and brackets, to find where each top-level element ends, and the separators between
//! them. Whether an element is valid JSON, and what it asks, is decided by the evaluator once the
//! element is whole.

/// What a fed chunk holds.
pub(super) enum Piece<'a> {
    /// One whole element: its text, and the 0-based offset of its first byte in the input (the
    /// `[` is byte 0).
    Element(&'a [u8], usize),
    /// The input is not an array of elements: why, in words that name the byte.
    Fault(String),
}

/// Where the splitter is in the top level of the array.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the `[`.
    Open,
    /// Before an element (after `[` or a comma); `bool`: after a comma.
    Before(bool),
    /// Inside a bare number or literal.
    Scalar,
    /// Inside a string or a container that starts an element.
    Nested,
    /// After a whole element, before its comma or the `]`.
    After,
    /// After the `]`: only whitespace may follow.
    Closed,
}

/// Cuts an array into elements, chunk by chunk.
pub(super) struct Splitter {
    at: At,
    /// Nesting below the top level (0 at the top level, inside the array).
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// The current element's bytes.
    element: Vec<u8>,
    /// The offset of the current element's first byte.
    start: usize,
    /// Bytes fed so far.
    offset: usize,
    /// Whole elements so far.
    count: usize,
}

fn whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl Splitter {
    /// A splitter that expects the input's first byte to be the `[`.
    pub(super) fn new() -> Splitter {
        Splitter {
            at: At::Open,
            depth: 0,
            in_string: false,
            escaped: false,
            element: Vec::new(),
            start: 0,
            offset: 0,
            count: 0,
        }
    }

    /// Feeds the next bytes of the input; calls `on` with each element completed in them (as
    /// soon as its value is whole: at its closing bracket or quote, or at the byte after a bare
    /// number or literal) and with a fault, after which nothing more is fed. `on` returns false to stop (the rest of
    /// the chunk is not looked at). Returns false when it stopped or met a fault.
    pub(super) fn feed(&mut self, chunk: &[u8], mut on: impl FnMut(Piece<'_>) -> bool) -> bool {
        let mut i = 0;
        while i < chunk.len() {
            // Inside an element, the bytes up to the next one that can change the nesting are
            // copied at once (most of a request is the text of its strings).
            if self.at == At::Nested && !self.escaped {
                let rest = &chunk[i..];
                let plain = if self.in_string {
                    memchr::memchr2(b'"', b'\\', rest)
                } else {
                    rest.iter().position(|b| matches!(b, b'"' | b'[' | b']' | b'{' | b'}'))
                }
                .unwrap_or(rest.len());
                if plain > 0 {
                    self.element.extend_from_slice(&rest[..plain]);
                    self.offset += plain;
                    i += plain;
                    continue;
                }
            }
            let b = chunk[i];
            i += 1;
            let pos = self.offset;
            self.offset += 1;
            match self.step(b, pos) {
                Step::Go => {}
                Step::Ends => {
                    self.count += 1;
                    let element = std::mem::take(&mut self.element);
                    let go = on(Piece::Element(&element, self.start));
                    self.element = element;
                    self.element.clear();
                    if !go {
                        return false;
                    }
                }
                Step::Fault(why) => {
                    on(Piece::Fault(format!("invalid JSON array of requests: {why} at byte {}", pos + 1)));
                    return false;
                }
            }
        }
        true
    }

    /// The input ended: a fault unless the array was closed.
    pub(super) fn finish(&self) -> Option<String> {
        (self.at != At::Closed).then(|| {
            format!("invalid JSON array of requests: the input ended at byte {} before the closing ]", self.offset)
        })
    }

    fn push(&mut self, b: u8, pos: usize) {
        if self.element.is_empty() {
            self.start = pos;
        }
        self.element.push(b);
    }

    fn step(&mut self, b: u8, pos: usize) -> Step {
        if matches!(self.at, At::Nested) {
            self.push(b, pos);
            if self.in_string {
                match (self.escaped, b) {
                    (true, _) => self.escaped = false,
                    (false, b'\\') => self.escaped = true,
                    (false, b'"') => {
                        self.in_string = false;
                        if self.depth == 0 {
                            self.at = At::After;
                            return Step::Ends;
                        }
                    }
                    _ => {}
                }
            } else {
                match b {
                    b'"' => self.in_string = true,
                    b'[' | b'{' => self.depth += 1,
                    b']' | b'}' => {
                        self.depth = self.depth.saturating_sub(1);
                        if self.depth == 0 {
                            self.at = At::After;
                            return Step::Ends;
                        }
                    }
                    _ => {}
                }
            }
            return Step::Go;
        }
        if whitespace(b) {
            if self.at == At::Scalar {
                self.at = At::After;
                return Step::Ends;
            }
            return Step::Go;
        }
        match (self.at, b) {
            (At::Open, b'[') => self.at = At::Before(false),
            (At::Open, _) => return Step::Fault("expected ["),
            (At::Closed, _) => return Step::Fault("unexpected characters after the closing ]"),
            (At::Before(false), b']') if self.count == 0 => self.at = At::Closed,
            (At::Before(_), b',' | b']') => return Step::Fault("expected an element"),
            (At::Scalar, b',') => {
                self.at = At::Before(true);
                return Step::Ends;
            }
            (At::Scalar, b']') => {
                self.at = At::Closed;
                return Step::Ends;
            }
            (At::After, b',') => self.at = At::Before(true),
            (At::After, b']') => self.at = At::Closed,
            (At::After, _) => return Step::Fault("expected , or ] after an element"),
            (At::Before(_), b'"') => {
                self.push(b, pos);
                (self.at, self.in_string) = (At::Nested, true);
            }
            (At::Before(_), b'[' | b'{') => {
                self.push(b, pos);
                (self.at, self.depth) = (At::Nested, 1);
            }
            (At::Before(_) | At::Scalar, _) => {
                self.push(b, pos);
                self.at = At::Scalar;
            }
            // Inside an element: handled before this match.
            (At::Nested, _) => {}
        }
        Step::Go
    }
}

/// What one byte did.
enum Step {
    Go,
    /// The byte completed an element.
    Ends,
    Fault(&'static str),
}

#[cfg(test)]
mod tests {
    use super::{Piece, Splitter};

    /// The elements and fault of `input` fed in chunks of `size` bytes, then ended.
    fn split(input: &[u8], size: usize) -> (Vec<(String, usize)>, Option<String>) {
        let mut s = Splitter::new();
        let (mut elements, mut fault) = (Vec::new(), None);
        for chunk in input.chunks(size.max(1)) {
            let go = s.feed(chunk, |p| {
                match p {
                    Piece::Element(text, at) => elements.push((String::from_utf8_lossy(text).into_owned(), at)),
                    Piece::Fault(why) => fault = Some(why),
                }
                true
            });
            if !go {
                return (elements, fault);
            }
        }
        (elements, s.finish())
    }

    #[test]
    fn elements_are_cut_where_serde_reads_them_however_the_input_is_cut() {
        let input = br#"[ {"a":"x,]\"}"} , [1,[2]],"s\\",  12 ,true,{"b":{"c":[]}} ]  "#;
        let expected: Vec<&serde_json::value::RawValue> = serde_json::from_slice(input).unwrap();
        for size in 1..input.len() + 1 {
            let (elements, fault) = split(input, size);
            assert_eq!(fault, None, "{size}");
            let texts: Vec<&str> = elements.iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(texts, expected.iter().map(|r| r.get()).collect::<Vec<_>>(), "{size}");
            for (text, at) in &elements {
                assert_eq!(&input[*at..*at + text.len()], text.as_bytes());
            }
        }
        assert_eq!(split(b" [ ] ", 3), (Vec::new(), None));
    }

    /// Any JSON value, for arrays of them.
    fn value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i32>().prop_map(serde_json::Value::from),
            "[a-z\"\\\\\\[\\]{},: é]{0,6}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::btree_map("[a-z\\[\"]{0,3}", inner, 0..3)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        /// Every array serde reads is cut into the elements serde reads, however it is spaced and
        /// however its reads are cut.
        #[test]
        fn arrays_are_cut_as_serde_reads_them(
            items in proptest::collection::vec(value(), 0..5),
            spaces in proptest::collection::vec("[ \n\t\r]{0,2}", 12),
            size in 1usize..9,
        ) {
            let mut input = format!("{}[", spaces[0]);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    input.push(',');
                }
                input.push_str(&spaces[(2 * i + 1) % 12]);
                input.push_str(&item.to_string());
                input.push_str(&spaces[(2 * i + 2) % 12]);
            }
            input.push_str("] ");
            let input = input.trim_start();
            let expected: Vec<&serde_json::value::RawValue> = serde_json::from_str(input).unwrap();
            let (elements, fault) = split(input.as_bytes(), size);
            proptest::prop_assert_eq!(fault, None, "{}", input);
            let texts: Vec<&str> = elements.iter().map(|(t, _)| t.as_str()).collect();
            proptest::prop_assert_eq!(texts, expected.iter().map(|r| r.get()).collect::<Vec<_>>());
        }

        /// Nothing serde refuses passes silently: the splitter faults, or an element it cuts is
        /// not JSON (which the evaluator then refuses). No input panics.
        #[test]
        fn what_serde_refuses_never_passes(body in "[\\[\\]{}\",:\\\\ a1\n]{0,30}", size in 1usize..6) {
            let input = format!("[{body}");
            let (elements, fault) = split(input.as_bytes(), size);
            match serde_json::from_str::<Vec<&serde_json::value::RawValue>>(&input) {
                Ok(expected) => {
                    proptest::prop_assert_eq!(fault, None);
                    let texts: Vec<&str> = elements.iter().map(|(t, _)| t.as_str()).collect();
                    proptest::prop_assert_eq!(texts, expected.iter().map(|r| r.get()).collect::<Vec<_>>());
                }
                Err(_) => proptest::prop_assert!(
                    fault.is_some() || elements.iter().any(|(t, _)| serde_json::from_str::<&serde_json::value::RawValue>(t).is_err()),
                    "{:?} -> {:?}", input, elements
                ),
            }
        }
    }

    #[test]
    fn what_is_not_an_array_of_elements_is_a_fault_that_names_the_byte() {
        for (input, why) in [
            (&b"[1,]"[..], "expected an element at byte 4"),
            (b"[,1]", "expected an element at byte 2"),
            (b"[1 2]", "expected , or ] after an element at byte 4"),
            (b"[{} {}]", "expected , or ] after an element at byte 5"),
            (b"[1] x", "unexpected characters after the closing ] at byte 5"),
            (b"[1, {\"a\": [", "the input ended at byte 11 before the closing ]"),
            (b"[\"abc", "the input ended at byte 5 before the closing ]"),
        ] {
            let (_, fault) = split(input, 2);
            assert_eq!(fault.as_deref(), Some(format!("invalid JSON array of requests: {why}").as_str()));
        }
        // What came before the fault was cut already.
        assert_eq!(split(b"[1,2,,3]", 1).0, [("1".to_string(), 1), ("2".to_string(), 3)]);
    }
}
