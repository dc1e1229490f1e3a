//! IAM's wildcards in action names: `*` matches any run of characters, `?` any one, and letters
//! match whatever their case. Written here (not taken from the engine) because this crate depends
//! on no rootsim crate; the tests crate checks that both agree on every catalogue action.

/// Whether `text` matches `pattern` (`*`, `?`, ASCII case-insensitive). Linear in practice: the
/// classic greedy matcher with one backtrack point.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and the text position it is currently taken to end at.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
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
    use super::glob_matches;

    #[test]
    fn wildcards_and_case() {
        assert!(glob_matches("s3:Get*", "s3:GetObject"));
        assert!(glob_matches("S3:get*", "s3:GetObject"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("iam:?etUser", "iam:GetUser"));
        assert!(glob_matches("*Object*", "s3:GetObjectAcl"));
        assert!(!glob_matches("s3:Get*", "s3:ListBucket"));
        assert!(!glob_matches("iam:?etUser", "iam:GGetUser"));
        assert!(!glob_matches("s3:GetObject", "s3:GetObjectAcl"));
        assert!(glob_matches("a*b*c", "aXXbYYbc"));
        assert!(!glob_matches("a*b*c", "aXXbYYbd"));
    }
}
