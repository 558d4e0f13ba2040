//! Version ordering and Release dates checked against dpkg and date(1).

mod support;

use std::process::Command;

use debian::{format_release_date, DebianVersion};

const VERSIONS: &[&str] = &[
    "1.0",
    "1.0~rc1",
    "1.0~~",
    "1.0~",
    "1.0a",
    "1.0+1",
    "1.0.1",
    "1.0-1",
    "1.0-2",
    "1.0-10",
    "1.0-1ubuntu1",
    "1.0-1~bpo1",
    "1:0.9",
    "2.0",
    "0:1.0",
    "1.00",
    "1.0-0",
    "10",
    "9",
    "1.2.3",
    "1.10",
    "a1",
    "1.0Z",
    "1.0+",
    "2:1~",
    "1.0~rc1-1",
    "0.0",
    "0",
    "1.0.0~alpha.1",
    "1.0.0~beta",
    "1.0.0",
    "3.4-2+deb12u1",
];

fn dpkg_says(a: &str, op: &str, b: &str) -> bool {
    Command::new("dpkg")
        .args(["--compare-versions", a, op, b])
        .status()
        .expect("dpkg is installed")
        .success()
}

#[test]
fn every_pair_is_ordered_as_dpkg_orders_it() {
    let parsed: Vec<DebianVersion> = VERSIONS
        .iter()
        .map(|v| DebianVersion::parse(v).unwrap())
        .collect();
    let mut checked = 0;
    for (i, a) in parsed.iter().enumerate() {
        for b in &parsed[i + 1..] {
            let (a_text, b_text) = (a.as_str(), b.as_str());
            assert_eq!(
                a < b,
                dpkg_says(a_text, "lt", b_text),
                "{a_text} < {b_text}"
            );
            assert_eq!(
                a == b,
                dpkg_says(a_text, "eq", b_text),
                "{a_text} = {b_text}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, VERSIONS.len() * (VERSIONS.len() - 1) / 2);
}

#[test]
fn release_dates_match_date_utc() {
    let mut t: u64 = 0;
    while t < 4_200_000_000 {
        let expected = Command::new("date")
            .env("LC_ALL", "C")
            .args(["-u", "-d", &format!("@{t}"), "+%a, %d %b %Y %H:%M:%S UTC"])
            .output()
            .expect("date is installed");
        assert_eq!(
            format_release_date(t),
            String::from_utf8(expected.stdout).unwrap().trim_end(),
            "t = {t}"
        );
        // A stride that is not a multiple of a day, so times of day and all months vary.
        t += 86_400 * 211 + 3_607;
    }
}
