//! Byte ranges for resumable downloads. apt resumes an interrupted `.deb` with
//! `Range: bytes=N-` plus `If-Range`; answering 206 saves re-downloading large packages.

#![forbid(unsafe_code)]

/// What to send for a request's `Range` header against a body of `total` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAnswer {
    /// No (usable) range: send everything with 200.
    Full,
    /// Send bytes `start..=end` with 206 and `Content-Range: bytes start-end/total`.
    Partial { start: u64, end: u64 },
    /// The range lies outside the body: 416 with `Content-Range: bytes */total`.
    Unsatisfiable,
}

impl RangeAnswer {
    /// Interprets `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`). Multiple ranges and other
    /// units are answered in full, which RFC 9110 allows and every client handles.
    pub fn for_request(range: Option<&str>, total: u64) -> Self {
        let Some(spec) = range.and_then(|value| value.trim().strip_prefix("bytes=")) else {
            return RangeAnswer::Full;
        };
        if spec.contains(',') {
            return RangeAnswer::Full;
        }
        let Some((first, last)) = spec.split_once('-') else {
            return RangeAnswer::Full;
        };
        let (first, last) = (first.trim(), last.trim());
        let parsed = |text: &str| text.parse::<u64>().ok();
        match (first.is_empty(), last.is_empty()) {
            // `-n`: the last n bytes.
            (true, false) => match parsed(last) {
                Some(0) => RangeAnswer::Unsatisfiable,
                Some(suffix) if total > 0 => RangeAnswer::Partial {
                    start: total.saturating_sub(suffix),
                    end: total - 1,
                },
                Some(_) => RangeAnswer::Unsatisfiable,
                None => RangeAnswer::Full,
            },
            (false, _) => {
                let Some(start) = parsed(first) else {
                    return RangeAnswer::Full;
                };
                let end = if last.is_empty() {
                    total.saturating_sub(1)
                } else {
                    match parsed(last) {
                        Some(end) if end >= start => end.min(total.saturating_sub(1)),
                        _ => return RangeAnswer::Full,
                    }
                };
                if start >= total {
                    RangeAnswer::Unsatisfiable
                } else {
                    RangeAnswer::Partial { start, end }
                }
            }
            (true, true) => RangeAnswer::Full,
        }
    }

    /// `If-Range` guards a resume: the range applies only while the validator (an ETag or the
    /// `Last-Modified` date the client saw) still describes the current body.
    pub fn with_if_range(
        self,
        if_range: Option<&str>,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Self {
        match (self, if_range) {
            (RangeAnswer::Partial { .. } | RangeAnswer::Unsatisfiable, Some(validator)) => {
                let validator = validator.trim();
                let matches = Some(validator) == etag || Some(validator) == last_modified;
                if matches {
                    self
                } else {
                    RangeAnswer::Full
                }
            }
            _ => self,
        }
    }

    pub fn content_range(self, total: u64) -> Option<String> {
        match self {
            RangeAnswer::Full => None,
            RangeAnswer::Partial { start, end } => Some(format!("bytes {start}-{end}/{total}")),
            RangeAnswer::Unsatisfiable => Some(format!("bytes */{total}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RangeAnswer::{self, *};

    fn answer(range: &str, total: u64) -> RangeAnswer {
        RangeAnswer::for_request(Some(range), total)
    }

    #[test]
    fn resume_from_an_offset() {
        assert_eq!(
            answer("bytes=100-", 1000),
            Partial {
                start: 100,
                end: 999
            }
        );
        assert_eq!(answer("bytes=0-0", 1000), Partial { start: 0, end: 0 });
        assert_eq!(
            answer("bytes=990-5000", 1000),
            Partial {
                start: 990,
                end: 999
            }
        );
    }

    #[test]
    fn suffix_ranges() {
        assert_eq!(
            answer("bytes=-10", 1000),
            Partial {
                start: 990,
                end: 999
            }
        );
        assert_eq!(answer("bytes=-5000", 1000), Partial { start: 0, end: 999 });
        assert_eq!(answer("bytes=-0", 1000), Unsatisfiable);
    }

    #[test]
    fn out_of_bounds_is_unsatisfiable() {
        assert_eq!(answer("bytes=1000-", 1000), Unsatisfiable);
        assert_eq!(answer("bytes=0-", 0), Unsatisfiable);
        assert_eq!(
            Unsatisfiable.content_range(1000).as_deref(),
            Some("bytes */1000")
        );
    }

    #[test]
    fn unusable_ranges_mean_the_whole_body() {
        for range in [
            "items=0-1",
            "bytes=5-1",
            "bytes=a-b",
            "bytes=0-1,5-6",
            "bytes=",
            "bytes=-",
        ] {
            assert_eq!(answer(range, 1000), Full, "{range}");
        }
        assert_eq!(RangeAnswer::for_request(None, 1000), Full);
    }

    #[test]
    fn if_range_must_match_the_current_validator() {
        let date = "Wed, 25 Nov 2026 10:00:00 GMT";
        let partial = answer("bytes=10-", 100);
        assert_eq!(partial.with_if_range(Some(date), None, Some(date)), partial);
        assert_eq!(
            partial.with_if_range(Some("\"v1\""), Some("\"v1\""), None),
            partial
        );
        assert_eq!(
            partial.with_if_range(Some("\"old\""), Some("\"v2\""), Some(date)),
            Full
        );
        assert_eq!(partial.with_if_range(None, Some("\"v2\""), None), partial);
        assert_eq!(
            partial.content_range(100).as_deref(),
            Some("bytes 10-99/100")
        );
    }
}
