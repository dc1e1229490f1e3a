//! Precompiled wildcard patterns: actions, resource ARNs and string values.
//!
//! This module owns every "does this pattern match that string" question the
//! engine asks, so that matching rules live in one place:
//!
//! * [`Glob`]: a token sequence with `*` (any run), `?` (one character),
//!   literal text and policy variables (resolved at match time from a slice
//!   of borrowed values, so matching never allocates).
//! * [`ActionPattern`]: `service:Action` patterns stored lowercased and
//!   compared ASCII-case-insensitively (IAM action names are case-insensitive).
//! * [`ArnPattern`]: resource patterns matched segment by segment (partition,
//!   service, region, account) with `*`/`?` confined to one segment, and a
//!   resource part in which `*` also crosses `:` and `/`.
//!
//! Why a hand-written matcher: the engine evaluates on every simulated API
//! call, so patterns are compiled once at parse time into a shape that
//! short-cuts the common cases (`*`, exact text, `prefix*`).

/// One element of a compiled glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    /// Literal text (already lowercased when the glob is case-insensitive).
    Text(Box<str>),
    /// `*`: any run of characters, including none.
    Star,
    /// `?`: exactly one character.
    One,
    /// A policy variable; the index into the resolved-values slice.
    Var(usize),
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    tokens: Box<[Token]>,
    /// Compare literal text ASCII-case-insensitively.
    fold_case: bool,
}

/// `s` with every character lower-cased by Unicode's rules, one character at a time (no
/// final-sigma context, so that a text folds as its pieces do: a pattern's text is folded when
/// compiled and its variables' values when matched); borrowed when `s` is ASCII, whose folding
/// the matchers do themselves. What `...IgnoreCase` operators compare.
pub(crate) fn unicode_lower(s: &str) -> std::borrow::Cow<'_, str> {
    if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        std::borrow::Cow::Owned(s.chars().flat_map(char::to_lowercase).collect())
    }
}

/// Reads `c`'s UTF-8 length at byte `i` of `s` (which must be a boundary).
#[inline]
fn char_len(s: &[u8], i: usize) -> usize {
    let b = s[i];
    if b < 0x80 {
        1
    } else if b >= 0xF0 {
        4
    } else if b >= 0xE0 {
        3
    } else {
        2
    }
}

/// Does `hay` start with `needle`, ignoring ASCII case when `fold`? For needles that may hold
/// upper case (resolved variable values).
#[inline]
fn starts_with(hay: &[u8], needle: &[u8], fold: bool) -> bool {
    // Byte loops rather than slice equality: the texts are short, and slice equality calls libc's
    // memcmp, whose call overhead dominated profiles of policies with many patterns.
    hay.len() >= needle.len()
        && if fold {
            hay.iter().zip(needle).all(|(a, b)| a == b || a.eq_ignore_ascii_case(b))
        } else {
            hay.iter().zip(needle).all(|(a, b)| a == b)
        }
}

/// Does `hay` contain `needle` (already lower-case when `fold`)?
#[inline]
fn contains_lower(hay: &[u8], needle: &[u8], fold: bool) -> bool {
    find_lower(hay, needle, fold).is_some()
}

/// The first position of `needle` (already lower-case when `fold`) in `hay`. Any byte position
/// is tried: a needle that is valid UTF-8 can only match at a character boundary of valid UTF-8.
///
/// Linear in `hay.len() + needle.len()`: candidates (positions holding the needle's first byte)
/// are compared directly, which is the fastest for the short texts of policies, while the bytes
/// so compared stay within twice the distance scanned (plus a constant); past that, the rest of
/// the search is [`kmp_find`]'s, so that a hostile needle such as `aaaa…ab` in `aaaa…a` costs
/// O(n + m), not O(n·m).
#[inline]
fn find_lower(hay: &[u8], needle: &[u8], fold: bool) -> Option<usize> {
    let Some(&first) = needle.first() else { return Some(0) };
    let last_start = hay.len().checked_sub(needle.len())?;
    let mut spent = 0usize;
    for i in 0..=last_start {
        let b = hay[i];
        if (if fold { b.to_ascii_lowercase() } else { b }) != first {
            continue;
        }
        spent += needle.len();
        if spent > 2 * i + 2 * needle.len() + 64 {
            return kmp_find(&hay[i..], needle, fold).map(|k| i + k);
        }
        if starts_with_lower(&hay[i..], needle, fold) {
            return Some(i);
        }
    }
    None
}

/// Knuth–Morris–Pratt: the first position of `needle` (lower-case when `fold`; `hay` is folded
/// byte by byte) in `hay`, in O(n + m) whatever the texts. It allocates its failure table, so
/// [`find_lower`] calls it only once a direct search has proved costly.
#[cold]
fn kmp_find(hay: &[u8], needle: &[u8], fold: bool) -> Option<usize> {
    let m = needle.len();
    if m == 0 {
        return Some(0);
    }
    let mut fail = vec![0usize; m];
    let mut k = 0;
    for q in 1..m {
        while k > 0 && needle[q] != needle[k] {
            k = fail[k - 1];
        }
        if needle[q] == needle[k] {
            k += 1;
        }
        fail[q] = k;
    }
    let mut k = 0;
    for (i, &b) in hay.iter().enumerate() {
        let b = if fold { b.to_ascii_lowercase() } else { b };
        while k > 0 && b != needle[k] {
            k = fail[k - 1];
        }
        if b == needle[k] {
            k += 1;
            if k == m {
                return Some(i + 1 - m);
            }
        }
    }
    None
}

/// Is byte `b` a UTF-8 continuation byte (not the start of a character)?
#[inline]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// Does `hay` start with `needle`, exactly? Eight bytes at a time (the last word overlapping the
/// one before it), because the prefixes compared this way (`arn:aws:s3:::`) are a dozen bytes
/// long and a byte loop or a `memcmp` call costs several times more.
#[inline]
pub(crate) fn starts_with_exact(hay: &[u8], needle: &[u8]) -> bool {
    let n = needle.len();
    if hay.len() < n {
        return false;
    }
    if n < 8 {
        return hay.iter().zip(needle).all(|(a, b)| a == b);
    }
    let word = |s: &[u8], i: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[i..i + 8]);
        u64::from_ne_bytes(w)
    };
    let mut i = 0;
    while i + 8 < n {
        if word(hay, i) != word(needle, i) {
            return false;
        }
        i += 8;
    }
    word(hay, n - 8) == word(needle, n - 8)
}

/// [`starts_with`] for a needle that is already lower-case when `fold` (compiled literal text):
/// only the haystack's byte needs folding, which keeps the comparison branch-free.
#[inline]
fn starts_with_lower(hay: &[u8], needle: &[u8], fold: bool) -> bool {
    hay.len() >= needle.len()
        && if fold {
            hay.iter().zip(needle).all(|(a, b)| a.to_ascii_lowercase() == *b)
        } else {
            // Case-sensitive text (ARNs, `StringEquals`): a word at a time.
            starts_with_exact(hay, needle)
        }
}

impl Glob {
    /// Compiles `pattern` where `*` and `?` are wildcards and everything else
    /// is literal. With `fold_case`, literal text is lowercased here and
    /// compared case-insensitively later.
    pub fn wildcard(pattern: &str, fold_case: bool) -> Glob {
        let mut tokens = Vec::new();
        push_wild_text(&mut tokens, pattern, true, fold_case);
        Glob { tokens: tokens.into(), fold_case }
    }

    /// Builds a glob from already-prepared tokens.
    pub fn from_tokens(tokens: Vec<Token>, fold_case: bool) -> Glob {
        Glob { tokens: tokens.into(), fold_case }
    }

    /// Matches the whole of `s`. `vars` are the resolved values of
    /// [`Token::Var`] tokens (literal text; their `*` is not a wildcard).
    ///
    /// Classic iterative glob matching with a single backtrack point: on a
    /// mismatch we resume just after the most recent `*`, letting it swallow
    /// one more character. Linear in practice, no recursion, no allocation.
    pub fn matches(&self, s: &str, vars: &[&str]) -> bool {
        let toks = &self.tokens;
        let s = s.as_bytes();
        let fold = self.fold_case;
        // Fast paths for the shapes most patterns have.
        match &**toks {
            [] => return s.is_empty(),
            [Token::Star] => return true,
            [Token::Text(t)] => return s.len() == t.len() && starts_with_lower(s, t.as_bytes(), fold),
            [Token::Text(t), Token::Star] => return starts_with_lower(s, t.as_bytes(), fold),
            // `a*b*`: the text after `a` contains `b` (the trailing `*` takes the rest).
            [Token::Text(a), Token::Star, Token::Text(b), Token::Star] => {
                return starts_with_lower(s, a.as_bytes(), fold) && contains_lower(&s[a.len()..], b.as_bytes(), fold)
            }
            // `*b*`: contains `b`.
            [Token::Star, Token::Text(b), Token::Star] => return contains_lower(s, b.as_bytes(), fold),
            // `a*b`: starts with `a`, ends with `b`, and the two do not overlap.
            [Token::Text(a), Token::Star, Token::Text(b)] => {
                return s.len() >= a.len() + b.len()
                    && starts_with_lower(s, a.as_bytes(), fold)
                    && starts_with_lower(&s[s.len() - b.len()..], b.as_bytes(), fold)
            }
            _ => {}
        }
        self.matches_tokens(s, vars)
    }

    /// The general matcher behind [`Glob::matches`], without its fast paths (which a test checks
    /// against it).
    ///
    /// The `*`s cut the pattern into segments of text, `?` and variables. The first segment must
    /// match at the start of `s` and the last at its end (each read in one pass, the last one
    /// backwards); each segment between them is found at its leftmost place after the one before
    /// (taking the leftmost is never worse: a later place leaves less text for the rest). Each
    /// search is linear ([`find_segment`]) and starts where the previous match ended, so a match
    /// costs O(pattern + text) when no segment between two `*`s has a `?`, and at most
    /// O(text × (segment / 64 + 64)) for one that has; it never backtracks over text already passed, unlike
    /// the classic one-backtrack-point matcher it replaces (O(pattern × text): 24 s for one
    /// hostile request).
    fn matches_tokens(&self, s: &[u8], vars: &[&str]) -> bool {
        let toks = &*self.tokens;
        let fold = self.fold_case;
        let Some(first_star) = toks.iter().position(|t| *t == Token::Star) else {
            return match_segment(toks, s, 0, vars, fold) == Some(s.len());
        };
        let last_star = toks.iter().rposition(|t| *t == Token::Star).unwrap_or(first_star);
        let Some(mut at) = match_segment(&toks[..first_star], s, 0, vars, fold) else {
            return false;
        };
        let Some(end) = match_segment_back(&toks[last_star + 1..], s, at, vars, fold) else {
            return false;
        };
        let s = &s[..end];
        let middle = toks.get(first_star + 1..last_star).unwrap_or(&[]);
        for segment in middle.split(|t| *t == Token::Star).filter(|segment| !segment.is_empty()) {
            match find_segment(segment, s, at, vars, fold) {
                Some(after) => at = after,
                None => return false,
            }
        }
        true
    }
}

/// Matches `segment` (no `*`) at byte `at` of `s`; the end of the match.
#[inline]
fn match_segment(segment: &[Token], s: &[u8], mut at: usize, vars: &[&str], fold: bool) -> Option<usize> {
    for t in segment {
        let rest = &s[at..];
        at += match t {
            Token::Text(t) if starts_with_lower(rest, t.as_bytes(), fold) => t.len(),
            Token::One if !rest.is_empty() => char_len(s, at),
            Token::Var(k) => {
                let v = vars.get(*k).copied().unwrap_or("").as_bytes();
                if !starts_with(rest, v, fold) {
                    return None;
                }
                v.len()
            }
            _ => return None,
        };
    }
    Some(at)
}

/// Matches `segment` (no `*`) so that it ends where `s` ends and starts at `from` or later; the
/// start of the match.
#[inline]
fn match_segment_back(segment: &[Token], s: &[u8], from: usize, vars: &[&str], fold: bool) -> Option<usize> {
    let mut end = s.len();
    for t in segment.iter().rev() {
        let room = end - from;
        end -= match t {
            Token::Text(t) if room >= t.len() && starts_with_lower(&s[end - t.len()..end], t.as_bytes(), fold) => {
                t.len()
            }
            Token::One if room > 0 => {
                let mut start = end - 1;
                while start > from && is_continuation(s[start]) {
                    start -= 1;
                }
                end - start
            }
            Token::Var(k) => {
                let v = vars.get(*k).copied().unwrap_or("").as_bytes();
                if room < v.len() || !starts_with(&s[end - v.len()..end], v, fold) {
                    return None;
                }
                v.len()
            }
            _ => return None,
        };
    }
    Some(end)
}

/// Finds the leftmost match of `segment` (no `*`) in `s` that starts at `from` or later; the end
/// of that match. A segment of text alone is a substring search ([`find_lower`], linear). Any
/// other is tried at each character boundary, comparing bytes directly while that stays within
/// twice the distance scanned plus the segment's length; past that, a segment without `?` is
/// spelled out (variables resolved) and searched by [`kmp_find`], so the search stays linear;
/// a segment with `?` is searched by [`shift_and_find`] (O(text × (segment / 64 + 64))).
fn find_segment(segment: &[Token], s: &[u8], from: usize, vars: &[&str], fold: bool) -> Option<usize> {
    if let [Token::Text(t)] = segment {
        return find_lower(&s[from..], t.as_bytes(), fold).map(|k| from + k + t.len());
    }
    let len: usize = segment
        .iter()
        .map(|t| match t {
            Token::Text(t) => t.len(),
            Token::One => 1,
            Token::Var(k) => vars.get(*k).map_or(0, |v| v.len()),
            Token::Star => 0,
        })
        .sum();
    let has_one = segment.contains(&Token::One);
    let mut spent = 0usize;
    for at in from..=s.len() {
        if at < s.len() && is_continuation(s[at]) {
            continue;
        }
        spent += len.max(1);
        if has_one && spent > 2 * (at - from) + 2 * len + 64 {
            return shift_and_find(segment, s, at, vars, fold);
        }
        if !has_one && spent > 2 * (at - from) + 2 * len + 64 {
            let mut needle = Vec::with_capacity(len);
            for t in segment {
                match t {
                    Token::Text(t) => needle.extend_from_slice(t.as_bytes()),
                    Token::Var(k) => {
                        let v = vars.get(*k).copied().unwrap_or("").as_bytes();
                        needle.extend(v.iter().map(|b| if fold { b.to_ascii_lowercase() } else { *b }));
                    }
                    Token::One | Token::Star => {}
                }
            }
            return kmp_find(&s[at..], &needle, fold).map(|k| at + k + needle.len());
        }
        if let Some(end) = match_segment(segment, s, at, vars, fold) {
            return Some(end);
        }
    }
    None
}

/// Bit-parallel (shift-and) search for a segment that holds `?`: the leftmost match of
/// `segment` in `s` starting at byte `from` or later; the end of that match. The segment is read
/// as a list of characters (`?` any one); one bit per character of the segment says whether the
/// text read so far ends with that much of it, and each character of text updates every bit a
/// word at a time. A character the segment holds 64 times or more gets a mask of its positions;
/// a rarer one a list of them (so the masks take O(m²/4096) words at most). O(m + n·(m/64 + 64))
/// for a segment of m characters and n characters of text, instead of the O(n·m) of trying each
/// place.
#[cold]
fn shift_and_find(segment: &[Token], s: &[u8], from: usize, vars: &[&str], fold: bool) -> Option<usize> {
    use std::collections::HashMap;
    let text = std::str::from_utf8(&s[from..]).ok()?;
    // The segment's characters; `None` for `?`.
    let mut atoms: Vec<Option<char>> = Vec::new();
    for t in segment {
        match t {
            Token::Text(t) => atoms.extend(t.chars().map(Some)),
            Token::Var(k) => {
                let v = vars.get(*k).copied().unwrap_or("");
                atoms.extend(v.chars().map(|c| Some(if fold { c.to_ascii_lowercase() } else { c })));
            }
            Token::One => atoms.push(None),
            Token::Star => {}
        }
    }
    let m = atoms.len();
    if m == 0 {
        return Some(from);
    }
    let words = m.div_ceil(64);
    let mut any = vec![0u64; words];
    let mut positions: HashMap<char, Vec<usize>> = HashMap::new();
    for (j, a) in atoms.iter().enumerate() {
        match a {
            None => any[j / 64] |= 1 << (j % 64),
            Some(c) => positions.entry(*c).or_default().push(j),
        }
    }
    enum Where {
        Dense(Vec<u64>),
        Sparse(Vec<usize>),
    }
    let table: HashMap<char, Where> = positions
        .into_iter()
        .map(|(c, pos)| {
            if pos.len() >= 64 {
                let mut mask = vec![0u64; words];
                for j in pos {
                    mask[j / 64] |= 1 << (j % 64);
                }
                (c, Where::Dense(mask))
            } else {
                (c, Where::Sparse(pos))
            }
        })
        .collect();
    let bit = |d: &[u64], j: usize| d[j / 64] >> (j % 64) & 1 == 1;
    let mut d = vec![0u64; words];
    for (i, c) in text.char_indices() {
        let c = if fold { c.to_ascii_lowercase() } else { c };
        // Shift: each partial match grows by this character; a new one starts here.
        let mut carry = 1u64;
        for w in d.iter_mut() {
            let next = *w >> 63;
            *w = *w << 1 | carry;
            carry = next;
        }
        match table.get(&c) {
            Some(Where::Dense(mask)) => d.iter_mut().zip(mask).zip(&any).for_each(|((w, m), a)| *w &= m | a),
            Some(Where::Sparse(pos)) => {
                let mut keep = 0u64;
                for (k, &j) in pos.iter().enumerate() {
                    keep |= u64::from(bit(&d, j)) << k;
                }
                d.iter_mut().zip(&any).for_each(|(w, a)| *w &= a);
                for (k, &j) in pos.iter().enumerate() {
                    d[j / 64] |= (keep >> k & 1) << (j % 64);
                }
            }
            None => d.iter_mut().zip(&any).for_each(|(w, a)| *w &= a),
        }
        if bit(&d, m - 1) {
            return Some(from + i + c.len_utf8());
        }
    }
    None
}

/// Appends `text` to `tokens`, treating `*`/`?` as wildcards when `wild`.
pub fn push_wild_text(tokens: &mut Vec<Token>, text: &str, wild: bool, fold_case: bool) {
    let mut lit = String::new();
    for c in text.chars() {
        match c {
            '*' if wild => {
                flush(tokens, &mut lit);
                // `**` is the same as `*`; collapsing keeps matching linear.
                if tokens.last() != Some(&Token::Star) {
                    tokens.push(Token::Star);
                }
            }
            '?' if wild => {
                flush(tokens, &mut lit);
                tokens.push(Token::One);
            }
            c if fold_case => lit.push(c.to_ascii_lowercase()),
            c => lit.push(c),
        }
    }
    flush(tokens, &mut lit);
}

/// Appends literal text (no wildcards) to `tokens`, merging with a preceding
/// literal so that matching compares longer runs.
pub fn push_literal(tokens: &mut Vec<Token>, text: &str, fold_case: bool) {
    push_wild_text(tokens, text, false, fold_case)
}

fn flush(tokens: &mut Vec<Token>, lit: &mut String) {
    if lit.is_empty() {
        return;
    }
    if let Some(Token::Text(prev)) = tokens.last_mut() {
        let mut s = String::from(std::mem::take(prev));
        s.push_str(lit);
        *prev = s.into();
    } else {
        tokens.push(Token::Text(std::mem::take(lit).into()));
    }
    lit.clear();
}

/// How a compiled `Action`/`NotAction` entry matches the whole action name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionShape {
    /// `*`: every action.
    Any,
    /// No wildcard: lowercased full name.
    Exact(Box<str>),
    /// `prefix*` with no other wildcard: lowercased prefix.
    Prefix(Box<str>),
    /// Anything else.
    Glob(Glob),
}

/// A compiled `Action`/`NotAction` entry: its shape, and the [`service_hash`] of its literal
/// service part. The hash lets a statement that names several services skip the patterns of
/// the services a request is not about with one comparison instead of a text match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionPattern {
    /// How the whole name is matched.
    pub shape: ActionShape,
    /// The [`service_hash`] of the literal service part; 0 when the service part has a wildcard
    /// (or, by a one-in-2^64 chance, hashes to 0): no filter. Equal services always hash
    /// equally, so a different hash rules a match out and an equal one decides nothing.
    pub service: u64,
    /// For `Exact` and `Prefix`: the first eight bytes of the text as a [`head_word`], and the
    /// mask of the bytes the text has, so that most comparisons are one word comparison.
    head: u64,
    head_mask: u64,
}

/// Up to the first eight bytes of `s`, ASCII-lower-cased, as a little-endian word (zero past the
/// end of `s`).
#[inline]
fn head_word(s: &[u8]) -> u64 {
    s.iter().take(8).enumerate().fold(0, |w, (i, b)| w | u64::from(b.to_ascii_lowercase()) << (8 * i))
}

/// The request's action as the matcher needs it, computed once per decision.
#[derive(Debug, Clone, Copy)]
pub struct ActionKey<'a> {
    /// The action as the request spells it (any case).
    pub action: &'a str,
    /// [`service_hash`] of its service part.
    pub service: u64,
    /// [`head_word`] of the action.
    head: u64,
}

impl<'a> ActionKey<'a> {
    /// Prepares `action` for matching.
    pub fn new(action: &'a str) -> ActionKey<'a> {
        ActionKey { action, service: service_hash(action), head: head_word(action.as_bytes()) }
    }

    /// The bit that stands for the action's service in a statement's service mask. Different
    /// services may share a bit (64 bits, hashed): the mask only ever lets the engine skip
    /// statements that cannot match, never decide a match.
    #[inline]
    pub fn bit(&self) -> u64 {
        1 << (self.service % 64)
    }
}

impl ActionPattern {
    /// Compiles an action pattern (case-insensitive).
    pub fn new(pattern: &str) -> ActionPattern {
        if pattern == "*" {
            return ActionPattern { shape: ActionShape::Any, service: 0, head: 0, head_mask: 0 };
        }
        let lower = pattern.to_ascii_lowercase();
        let wild = |s: &str| s.contains(['*', '?']);
        let service = match lower.split_once(':') {
            Some((svc, _)) if !wild(svc) => service_hash(svc),
            _ => 0,
        };
        let shape = if !wild(&lower) {
            ActionShape::Exact(lower.into())
        } else if let Some(prefix) = lower.strip_suffix('*').filter(|p| !wild(p)) {
            ActionShape::Prefix(prefix.into())
        } else {
            ActionShape::Glob(Glob::wildcard(&lower, true))
        };
        let (head, head_mask) = match &shape {
            ActionShape::Exact(t) | ActionShape::Prefix(t) => {
                let n = t.len().min(8);
                (head_word(t.as_bytes()), if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 })
            }
            _ => (0, 0),
        };
        ActionPattern { shape, service, head, head_mask }
    }

    /// Does the request action `action` (any case) match? The plain matcher, without the
    /// service filter and word comparisons of [`ActionPattern::matches_key`], which tests check
    /// against it.
    #[cfg(test)]
    pub fn matches(&self, action: &str) -> bool {
        match &self.shape {
            ActionShape::Any => true,
            ActionShape::Exact(e) => {
                action.len() == e.len() && starts_with_lower(action.as_bytes(), e.as_bytes(), true)
            }
            ActionShape::Prefix(p) => starts_with_lower(action.as_bytes(), p.as_bytes(), true),
            ActionShape::Glob(g) => g.matches(action, &[]),
        }
    }

    /// `ActionPattern::matches` (kept for tests) for a prepared request action: a pattern about another
    /// service is ruled out by its hash alone, and literal text is compared a word at a time
    /// (the lengths are checked first, so the zero padding of short words is never compared).
    #[inline]
    pub fn matches_key(&self, key: &ActionKey<'_>) -> bool {
        if self.service != 0 && self.service != key.service {
            return false;
        }
        let a = key.action.as_bytes();
        let literal = |t: &str| {
            let t = t.as_bytes();
            key.head & self.head_mask == self.head && (t.len() <= 8 || starts_with_lower(&a[8..], &t[8..], true))
        };
        match &self.shape {
            ActionShape::Any => true,
            ActionShape::Exact(e) => a.len() == e.len() && literal(e),
            ActionShape::Prefix(p) => a.len() >= p.len() && literal(p),
            ActionShape::Glob(g) => g.matches(key.action, &[]),
        }
    }

    /// The services this pattern can match, as a mask of [`ActionKey::bit`]s: every bit when the
    /// service part has a wildcard.
    pub fn service_mask(&self) -> u64 {
        if self.service == 0 {
            u64::MAX
        } else {
            1 << (self.service % 64)
        }
    }
}

/// A hash of an action's service (the text before `:`, any case; all of it without a `:`).
/// Equal services (ignoring case) hash equally.
pub fn service_hash(action: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in action.bytes().take_while(|&b| b != b':') {
        h ^= u64::from(b.to_ascii_lowercase());
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Splits an ARN into its five leading segments and the resource part.
/// Returns `None` when `s` has fewer than six colon-separated parts.
pub fn split_arn(s: &str) -> Option<([&str; 5], &str)> {
    // One pass over the bytes; `:` is ASCII so every cut is a char boundary.
    let mut parts = [""; 5];
    let mut n = 0;
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        if b == b':' {
            parts[n] = &s[start..i];
            start = i + 1;
            n += 1;
            if n == 5 {
                return Some((parts, &s[start..]));
            }
        }
    }
    None
}

/// A compiled resource pattern (`Resource`/`NotResource` entry, or an
/// `Arn*` condition value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArnPattern {
    /// `*`: every resource.
    Any,
    /// Not ARN-shaped (e.g. a bare name): matched as one glob over the whole
    /// request resource.
    Whole(Glob),
    /// An ARN whose five leading segments are all literal (the common case,
    /// e.g. `arn:aws:s3:::`): one prefix comparison replaces five segment
    /// matches.
    Prefixed {
        /// `arn:partition:service:region:account:` (five colons).
        prefix: Box<str>,
        /// The resource part, where `*` crosses `:` and `/`.
        resource: Glob,
    },
    /// `arn:partition:service:region:account:resource` with wildcards in
    /// the leading segments.
    Arn {
        /// Globs for `arn`, partition, service, region and account; none may
        /// cross a colon.
        segments: Box<[Glob; 5]>,
        /// The resource part, where `*` crosses `:` and `/`.
        resource: Glob,
    },
}

impl ArnPattern {
    /// Builds a segment-wise ARN pattern from the five leading segments
    /// (wildcards allowed, no colons) and the compiled resource part.
    pub fn arn(segments: [&str; 5], resource: Glob) -> ArnPattern {
        if segments.iter().any(|s| s.contains(['*', '?'])) {
            ArnPattern::Arn { segments: Box::new(segments.map(|s| Glob::wildcard(s, false))), resource }
        } else {
            let mut prefix = segments.join(":");
            prefix.push(':');
            ArnPattern::Prefixed { prefix: prefix.into(), resource }
        }
    }

    /// Does `resource` match, given resolved variable values for the
    /// resource part?
    pub fn matches(&self, resource: &str, vars: &[&str]) -> bool {
        match self {
            ArnPattern::Any => true,
            ArnPattern::Whole(g) => g.matches(resource, vars),
            ArnPattern::Prefixed { prefix, resource: rp } => {
                // The prefix ends with `:`, so the cut is a char boundary.
                starts_with_exact(resource.as_bytes(), prefix.as_bytes()) && rp.matches(&resource[prefix.len()..], vars)
            }
            ArnPattern::Arn { segments, resource: rp } => {
                let Some((parts, rest)) = split_arn(resource) else {
                    return false;
                };
                segments.iter().zip(parts).all(|(g, p)| g.matches(p, &[])) && rp.matches(rest, vars)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_basics() {
        let g = Glob::wildcard("a*b?c", false);
        assert!(g.matches("abxc", &[]));
        assert!(g.matches("a123b9c", &[]));
        assert!(g.matches("abbbc", &[]));
        assert!(!g.matches("abc", &[]));
        assert!(!g.matches("Abxc", &[]));
        assert!(Glob::wildcard("*", false).matches("", &[]));
        assert!(Glob::wildcard("", false).matches("", &[]));
        assert!(!Glob::wildcard("", false).matches("x", &[]));
        assert!(Glob::wildcard("?", false).matches("é", &[]));
        assert!(!Glob::wildcard("??", false).matches("é", &[]));
        assert!(Glob::wildcard("*a*a*a*", false).matches("banana-a", &[]));
        assert!(!Glob::wildcard("*a*a*a*a*", false).matches("banana", &[]));
        assert!(Glob::wildcard("*x", false).matches("aaaax", &[]));
    }

    #[test]
    fn glob_fold_case_and_vars() {
        let g = Glob::wildcard("S3:Get*", true);
        assert!(g.matches("s3:GETOBJECT", &[]));
        let mut t = Vec::new();
        push_wild_text(&mut t, "home/", true, false);
        t.push(Token::Var(0));
        push_wild_text(&mut t, "/*", true, false);
        let g = Glob::from_tokens(t, false);
        assert!(g.matches("home/bob/x/y", &["bob"]));
        assert!(!g.matches("home/alice/x", &["bob"]));
        // A variable's value is literal: its `*` is not a wildcard.
        assert!(!g.matches("home/bob/x", &["b*"]));
        assert!(g.matches("home/b*/x", &["b*"]));
    }

    #[test]
    fn actions() {
        let cases = [
            ("*", "iam:GetUser", true),
            ("iam:GetUser", "IAM:getuser", true),
            ("iam:GetUser", "iam:GetUsers", false),
            ("iam:Get*", "iam:GetUser", true),
            ("iam:Get*", "iam:ListUsers", false),
            ("IAM:*", "iam:ListUsers", true),
            ("iam:*User", "iam:GetUser", true),
            ("iam:*User", "iam:GetUsers", false),
            ("iam:Get?ser", "iam:GetUser", true),
            ("s3:*Object*", "s3:GetObjectAcl", true),
            ("s3:*", "s3x:Get", false),
        ];
        for (p, a, want) in cases {
            assert_eq!(ActionPattern::new(p).matches(a), want, "{p} vs {a}");
        }
    }

    #[test]
    fn arn_patterns() {
        let lit = ArnPattern::arn(["arn", "aws", "s3", "", ""], Glob::wildcard("b/*", false));
        assert!(matches!(lit, ArnPattern::Prefixed { .. }));
        assert!(lit.matches("arn:aws:s3:::b/k", &[]));
        assert!(!lit.matches("arn:aws:s3:::c/k", &[]));
        assert!(!lit.matches("arn:aws:s3::1:b/k", &[]));
        let wild = ArnPattern::arn(["arn", "aws", "sqs", "*", "1"], Glob::wildcard("q*", false));
        assert!(matches!(wild, ArnPattern::Arn { .. }));
        assert!(wild.matches("arn:aws:sqs:us-east-1:1:q1", &[]));
        assert!(!wild.matches("arn:aws:sqs:us-east-1:2:q1", &[]));
        assert!(!wild.matches("arn:aws:sqs:us:east:1:q1", &[]));
    }

    proptest::proptest! {
        /// The fast paths of `Glob::matches` (`a*`, `a*b*`, `*b*`, `a*b`) answer as the general
        /// matcher does, case-folded or not, with `?`, multi-byte characters and no-match cases.
        #[test]
        fn glob_fast_paths_agree_with_the_general_matcher(
            pat in "[abAB/é?*]{0,6}", s in "[abAB/é]{0,8}", fold in proptest::bool::ANY,
        ) {
            let g = Glob::wildcard(&pat, fold);
            proptest::prop_assert_eq!(g.matches(&s, &[]), g.matches_tokens(s.as_bytes(), &[]), "{:?} {:?}", pat, s);
        }

        /// Word-at-a-time prefix comparison is `starts_with`.
        #[test]
        fn exact_prefixes_compare_as_starts_with(hay in "[ab:]{0,20}", needle in "[ab:]{0,20}") {
            proptest::prop_assert_eq!(starts_with_exact(hay.as_bytes(), needle.as_bytes()), hay.starts_with(&needle));
        }

        /// The literal comparisons behind globs (word-wise when case matters) are `starts_with`
        /// and `contains` on the text, lower-cased first when folding; long texts included.
        #[test]
        fn literal_comparisons_are_starts_with_and_contains(hay in "[abA/:é]{0,24}", needle in "[ab/:é]{0,12}") {
            for fold in [false, true] {
                let text = if fold { hay.to_ascii_lowercase() } else { hay.clone() };
                proptest::prop_assert_eq!(starts_with_lower(hay.as_bytes(), needle.as_bytes(), fold), text.starts_with(&needle));
                proptest::prop_assert_eq!(contains_lower(hay.as_bytes(), needle.as_bytes(), fold), text.contains(&needle));
            }
        }

        /// The service-hash filter never rejects an action the pattern matches, in any case.
        #[test]
        fn the_service_filter_only_rejects_non_matches(pat in "[sS3q*?]{0,3}:[gG*?eÉ]{0,10}", action in "[sS3q]{1,3}:[gGeÉ]{0,10}") {
            let p = ActionPattern::new(&pat);
            proptest::prop_assert_eq!(p.matches_key(&ActionKey::new(&action)), p.matches(&action), "{:?} {:?}", pat, action);
        }
    }

    /// A plain backtracking matcher, exponential but obviously right, for the tests.
    fn reference(toks: &[Token], s: &str, vars: &[&str], fold: bool) -> bool {
        let eq = |a: &str, b: &str| if fold { a.eq_ignore_ascii_case(b) } else { a == b };
        match toks.split_first() {
            None => s.is_empty(),
            Some((Token::Star, rest)) => {
                s.char_indices().map(|(i, _)| i).chain([s.len()]).any(|i| reference(rest, &s[i..], vars, fold))
            }
            Some((Token::One, rest)) => {
                s.chars().next().is_some_and(|c| reference(rest, &s[c.len_utf8()..], vars, fold))
            }
            Some((Token::Text(t), rest)) => {
                s.len() >= t.len()
                    && s.is_char_boundary(t.len())
                    && eq(&s[..t.len()], t)
                    && reference(rest, &s[t.len()..], vars, fold)
            }
            Some((Token::Var(k), rest)) => {
                let v = vars[*k];
                s.len() >= v.len()
                    && s.is_char_boundary(v.len())
                    && eq(&s[..v.len()], v)
                    && reference(rest, &s[v.len()..], vars, fold)
            }
        }
    }

    proptest::proptest! {
        /// The segment matcher answers as a backtracking matcher does: `*`, `?`, multi-byte
        /// characters, case folding and variables (whose text is literal) anywhere.
        #[test]
        fn the_segment_matcher_agrees_with_backtracking(
            pat in "[abé?*$]{0,9}", s in "[abAé]{0,10}", fold in proptest::bool::ANY,
            v0 in "[aAbé*]{0,3}", v1 in "[ab]{0,2}",
        ) {
            let mut tokens = Vec::new();
            let mut n = 0;
            for (k, part) in pat.split('$').enumerate() {
                if k > 0 {
                    tokens.push(Token::Var(n % 2));
                    n += 1;
                }
                push_wild_text(&mut tokens, part, true, fold);
            }
            let g = Glob::from_tokens(tokens.clone(), fold);
            let vars = [v0.as_str(), v1.as_str()];
            let want = reference(&tokens, &s, &vars, fold);
            proptest::prop_assert_eq!(g.matches_tokens(s.as_bytes(), &vars), want, "{:?} {:?} {:?}", tokens, s, vars);
            proptest::prop_assert_eq!(g.matches(&s, &vars), want);
        }

        /// The bit-parallel search finds the leftmost match that trying each place finds.
        #[test]
        fn the_bit_parallel_search_finds_what_trying_each_place_finds(
            seg in "[ab?é]{1,12}", s in "[abAé]{0,40}", fold in proptest::bool::ANY, v in "[aAé]{0,2}",
        ) {
            let mut tokens = Vec::new();
            for (k, part) in seg.split('é').enumerate() {
                if k > 0 {
                    tokens.push(Token::Var(0));
                }
                push_wild_text(&mut tokens, part, true, fold);
            }
            let tokens: Vec<Token> = tokens.into_iter().filter(|t| *t != Token::Star).collect();
            let vars = [v.as_str()];
            let s = s.as_bytes();
            let want = (0..=s.len())
                .filter(|&at| at == s.len() || !is_continuation(s[at]))
                .find_map(|at| match_segment(&tokens, s, at, &vars, fold));
            proptest::prop_assert_eq!(shift_and_find(&tokens, s, 0, &vars, fold), want, "{:?}", tokens);
        }

        /// The substring search is `find`, before and after it turns to Knuth–Morris–Pratt.
        #[test]
        fn the_substring_search_is_find(hay in "[abA]{0,300}", needle in "[ab]{1,40}", fold in proptest::bool::ANY) {
            let text = if fold { hay.to_ascii_lowercase() } else { hay.clone() };
            proptest::prop_assert_eq!(find_lower(hay.as_bytes(), needle.as_bytes(), fold), text.find(&needle));
            proptest::prop_assert_eq!(kmp_find(hay.as_bytes(), needle.as_bytes(), fold), text.find(&needle));
        }
    }

    /// Hostile patterns against long texts: each used to cost pattern length × text length in
    /// the one-backtrack matcher (24 s for one request); now each answers in milliseconds even
    /// unoptimised.
    #[test]
    fn hostile_patterns_match_in_linear_time() {
        let text = "a".repeat(200_000);
        let long_a = "a".repeat(20_000);
        let cases: Vec<(String, bool, bool)> = vec![
            // A middle segment that almost matches everywhere.
            (format!("*{long_a}b*"), false, false),
            (format!("*{long_a}b*"), true, false),
            // The same with a variable in it (spelled out for the linear search).
            (format!("*{long_a}$b*"), false, false),
            // A last segment that almost matches everywhere.
            (format!("*{long_a}b"), false, false),
            // Many stars.
            (format!("{}b", "*a".repeat(10_000)), false, false),
            (format!("{}*", "*a".repeat(10_000)), false, true),
            (format!("x*{}*", "a*".repeat(10_000)), false, false),
        ];
        // A middle segment with `?`s (the bit-parallel search: O(text × segment / 64)), against a
        // shorter text (the bit-parallel search takes ~0.3 s here in a debug build on a loaded
        // machine; a character-by-character one does 64 times the work).
        let short = "a".repeat(20_000);
        let question_marks = [
            (format!("*{}b*", "a?".repeat(5_000)), false, false),
            (format!("*{}b*", "A?".repeat(5_000)), true, false),
            (format!("*{}a*", "a?".repeat(5_000)), false, true),
        ];
        let cases = cases.into_iter().map(|c| (c, text.as_str())).chain(question_marks.map(|c| (c, short.as_str())));
        for ((pat, fold, want), text) in cases {
            let mut tokens = Vec::new();
            for (k, part) in pat.split('$').enumerate() {
                if k > 0 {
                    tokens.push(Token::Var(0));
                }
                push_wild_text(&mut tokens, part, true, fold);
            }
            let g = Glob::from_tokens(tokens, fold);
            let started = std::time::Instant::now();
            assert_eq!(g.matches(text, &["a"]), want, "{}", &pat[..20]);
            let elapsed = started.elapsed();
            // Wall-clock, so with room for a loaded machine (the linear searches take at most
            // tens of milliseconds in a debug build; a quadratic one takes seconds to minutes here).
            assert!(elapsed < std::time::Duration::from_secs(2), "{}…: {elapsed:?}", &pat[..20]);
        }
    }

    #[test]
    fn fast_path_shapes() {
        // `a*b*`
        let g = Glob::wildcard("data-*/reports/*", false);
        assert!(g.matches("data-lake/reports/q3.csv", &[]));
        assert!(g.matches("data-/reports/", &[]));
        assert!(!g.matches("data-lake/Reports/q3.csv", &[]));
        assert!(!g.matches("data/reports/x", &[]));
        // `*b*`, case-folded
        let g = Glob::wildcard("*TAG*", true);
        assert!(g.matches("s3:GetObjectTagging", &[]));
        assert!(!g.matches("s3:GetObjectTa", &[]));
        // `a*b`: the two ends may not overlap
        let g = Glob::wildcard("ab*ba", false);
        assert!(g.matches("abba", &[]));
        assert!(!g.matches("aba", &[]));
        // `?` in the middle is not a fast path, and must match exactly one character
        let g = Glob::wildcard("a?b*", false);
        assert!(g.matches("aéb", &[]));
        assert!(!g.matches("ab", &[]));
    }

    #[test]
    fn actions_of_other_services_are_filtered_by_hash() {
        let key = ActionKey::new("S3:GetObjectTagging");
        for (p, want) in [
            ("s3:get*", true),
            ("s3:*tag*", true),
            ("s3:Get?bjectTagging", true),
            ("s*:GetObjectTagging", true),
            ("*", true),
            ("sqs:Get*", false),
            ("s3x:Get*", false),
            ("s3:Put*", false),
        ] {
            assert_eq!(ActionPattern::new(p).matches_key(&key), want, "{p}");
        }
        // A wildcard in the service part disables the filter rather than guessing.
        assert_eq!(ActionPattern::new("s?:Get*").service, 0);
        assert_eq!(ActionPattern::new("*").service_mask(), u64::MAX);
    }

    #[test]
    fn split_arns() {
        let (p, r) = split_arn("arn:aws:s3:::bucket/key:with:colons").unwrap();
        assert_eq!(p, ["arn", "aws", "s3", "", ""]);
        assert_eq!(r, "bucket/key:with:colons");
        assert!(split_arn("arn:aws:s3").is_none());
    }
}
