//! IAM's wildcards: `*` matches any run of characters, `?` any one; in action names letters
//! match whatever their case, in resource ARNs they do not. Written here (not taken from the
//! engine) because this crate depends on no rootsim crate; the tests crate checks that both agree
//! on every catalogue action.

/// Whether `text` matches `pattern` (`*`, `?`, ASCII case-insensitive), as IAM matches action
/// names. Linear in practice: the classic greedy matcher with one backtrack point.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    matches(pattern.as_bytes(), text.as_bytes(), |a, b| a.eq_ignore_ascii_case(&b))
}

/// Whether `text` matches `pattern` (`*`, `?`), case-sensitive, as IAM matches resource ARNs.
pub fn glob_matches_case_sensitive(pattern: &str, text: &str) -> bool {
    matches(pattern.as_bytes(), text.as_bytes(), |a, b| a == b)
}

fn matches(p: &[u8], t: &[u8], same: impl Fn(u8, u8) -> bool) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it is currently taken to end at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || same(p[pi], t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::{glob_matches, glob_matches_case_sensitive};

    #[test]
    fn wildcards_and_case() {
        assert!(glob_matches("s3:Get*", "s3:GetObject"));
        assert!(glob_matches("S3:get*", "s3:GetObject"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("iam:?etUser", "iam:GetUser"));
        assert!(glob_matches("*Object*", "s3:GetObjectAcl"));
        assert!(glob_matches_case_sensitive("arn:aws:s3:::b/*", "arn:aws:s3:::b/k"));
        assert!(!glob_matches_case_sensitive("arn:aws:s3:::B/*", "arn:aws:s3:::b/k"));
        assert!(!glob_matches("s3:Get*", "s3:ListBucket"));
        assert!(!glob_matches("iam:?etUser", "iam:GGetUser"));
        assert!(!glob_matches("s3:GetObject", "s3:GetObjectAcl"));
        assert!(glob_matches("a*b*c", "aXXbYYbc"));
        assert!(!glob_matches("a*b*c", "aXXbYYbd"));
    }
}
