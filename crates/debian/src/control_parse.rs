//! The deb822 parser: text to paragraphs, with line numbers in every error.

use crate::control_paragraph::{ControlField, ControlParagraph};
use crate::syntax::check_field_name;

/// Why control text could not be read, or a field could not be added.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlError {
    /// A line that is not blank, not a comment and not a continuation has no `:`.
    #[error("line {line}: expected `Field: value`, but the line has no colon")]
    MissingColon {
        /// 1-based line number.
        line: usize,
    },
    /// A line starting with a space or tab comes before any field of its paragraph.
    #[error("line {line}: continuation line (starting with space or tab) before any field")]
    ContinuationBeforeField {
        /// 1-based line number.
        line: usize,
    },
    /// The same field (ignoring case) appears twice in one paragraph.
    #[error("line {line}: field `{name}` appears twice in the same paragraph")]
    DuplicateField {
        /// 1-based line number of the second occurrence.
        line: usize,
        /// The name as written on that line.
        name: String,
    },
    /// The text before the colon is not a valid field name.
    #[error("line {line}: `{name}` is not a valid field name: {reason}")]
    InvalidFieldName {
        /// 1-based line number.
        line: usize,
        /// The name as written.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Exactly one paragraph was expected but the text holds none.
    #[error("the control text holds no paragraph (it is empty or only comments)")]
    NoParagraph,
    /// Exactly one paragraph was expected but another one starts.
    #[error("line {line}: a second paragraph starts here, but exactly one was expected")]
    SeveralParagraphs {
        /// 1-based line number where the second paragraph starts.
        line: usize,
    },
    /// [`ControlParagraph::push`] was given an invalid field name.
    #[error("cannot add field `{name}`: {reason}")]
    InvalidFieldNameToAdd {
        /// The rejected name.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// [`ControlParagraph::push`] was given a field the paragraph already has.
    #[error("cannot add field `{name}`: the paragraph already has it")]
    DuplicateFieldToAdd {
        /// The rejected name.
        name: String,
    },
    /// [`ControlParagraph::push`] was given a value that would not read back unchanged.
    #[error("cannot add field `{name}`: {reason}")]
    InvalidValue {
        /// The field name.
        name: String,
        /// What is wrong with the value.
        reason: &'static str,
    },
}

/// Parses deb822 text into its paragraphs (a `Packages` file, several stanzas).
///
/// Paragraphs are separated by blank lines (lines of only spaces and tabs count as blank, as
/// dpkg treats them); lines starting with `#` are comments and skipped; a line starting with
/// a space or tab continues the previous field. Text without any field gives an empty list.
pub fn parse_paragraphs(text: &str) -> Result<Vec<ControlParagraph>, ControlError> {
    Ok(parse_numbered_paragraphs(text)?
        .into_iter()
        .map(|(_, paragraph)| paragraph)
        .collect())
}

/// Like [`parse_paragraphs`], each paragraph with the line number it starts on.
pub(crate) fn parse_numbered_paragraphs(
    text: &str,
) -> Result<Vec<(usize, ControlParagraph)>, ControlError> {
    let mut paragraphs = Vec::new();
    let mut current: Option<(usize, ControlParagraph)> = None;

    for (index, raw_line) in text.split('\n').enumerate() {
        let line_number = index + 1;
        // A CRLF line ending is still a line ending; other trailing whitespace inside a
        // value is kept, as apt keeps it (only the value's own ends are trimmed).
        let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);

        if line.trim_end().is_empty() {
            finish_last_field(current.as_mut());
            paragraphs.extend(current.take());
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            let field = current
                .as_mut()
                .and_then(|(_, paragraph)| paragraph.last_field_mut())
                .ok_or(ControlError::ContinuationBeforeField { line: line_number })?;
            field.append_continuation(line);
            continue;
        }
        finish_last_field(current.as_mut());

        let (name, value) = line
            .split_once(':')
            .ok_or(ControlError::MissingColon { line: line_number })?;
        check_field_name(name).map_err(|reason| ControlError::InvalidFieldName {
            line: line_number,
            name: name.to_owned(),
            reason,
        })?;
        let (_, paragraph) = current.get_or_insert_with(|| (line_number, ControlParagraph::new()));
        if paragraph.contains(name) {
            return Err(ControlError::DuplicateField {
                line: line_number,
                name: name.to_owned(),
            });
        }
        paragraph.push_parsed(ControlField::new_unchecked(
            name.to_owned(),
            value.trim_start().to_owned(),
        ));
    }
    finish_last_field(current.as_mut());
    paragraphs.extend(current);
    Ok(paragraphs)
}

/// A value ends where its field ends: whitespace at its very end is not part of it (apt and
/// dpkg read it the same way), while every line before keeps its bytes.
fn finish_last_field(current: Option<&mut (usize, ControlParagraph)>) {
    if let Some(field) = current.and_then(|(_, paragraph)| paragraph.last_field_mut()) {
        field.trim_value_end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control_paragraph::format_paragraphs;

    const CONTROL: &str = "\
Package: hello
Version: 2.10-3
Architecture: amd64
Maintainer: Santiago Vila <sanvila@debian.org>
Depends: libc6 (>= 2.34)
Description: example package based on GNU hello
 The GNU hello program produces a familiar, friendly greeting.
 .
 It allows non-programmers to use a classic computer science tool.
";

    #[test]
    fn parses_fields_in_order_with_multiline_values() {
        let p = ControlParagraph::parse(CONTROL).unwrap();
        let names: Vec<&str> = p.fields().iter().map(ControlField::name).collect();
        assert_eq!(
            names,
            [
                "Package",
                "Version",
                "Architecture",
                "Maintainer",
                "Depends",
                "Description"
            ]
        );
        assert_eq!(p.get("Depends"), Some("libc6 (>= 2.34)"));
        let description = p.get("description").unwrap();
        let lines: Vec<&str> = description.split('\n').collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0], "example package based on GNU hello");
        assert_eq!(lines[2], " .");
        assert!(lines[3].starts_with(" It allows"));
    }

    #[test]
    fn serialises_well_formed_text_byte_exact() {
        assert_eq!(
            ControlParagraph::parse(CONTROL).unwrap().to_string(),
            CONTROL
        );
        let several = "A: 1\nB:\n x\n y\n\nC: 3\n\tD-tab\n\nE: 5\n";
        assert_eq!(
            format_paragraphs(&parse_paragraphs(several).unwrap()),
            several
        );
    }

    #[test]
    fn skips_comments_and_splits_on_blank_lines() {
        let text = "# leading comment\nA: 1\n# inside\nB: 2\n\n\n  \t\n# between\nA: 3\n";
        let ps = parse_paragraphs(text).unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].get("B"), Some("2"));
        assert_eq!(ps[1].get("A"), Some("3"));
        assert_eq!(ps[1].len(), 1);
    }

    #[test]
    fn trims_value_edges_and_accepts_crlf() {
        let p = ControlParagraph::parse("A:   spaced   \r\nB:x\r\n").unwrap();
        assert_eq!(p.get("A"), Some("spaced"));
        assert_eq!(p.get("B"), Some("x"));
        let p = ControlParagraph::parse("A: one \r\n two  \r\n last \r\n").unwrap();
        assert_eq!(p.get("A"), Some("one \n two  \n last"));
    }

    #[test]
    fn lines_inside_a_value_keep_their_bytes() {
        // What apt-ftparchive copies into Packages: trailing blanks and tabs inside the value
        // stay, only the value's own ends are trimmed.
        let text = "Description: short  \n line with trailing spaces   \n \tline with tab\n .\n last   \nX-Multi: \n first  \n second\t\n";
        let p = ControlParagraph::parse(text).unwrap();
        assert_eq!(
            p.get("Description"),
            Some("short  \n line with trailing spaces   \n \tline with tab\n .\n last")
        );
        assert_eq!(p.get("X-Multi"), Some("\n first  \n second"));
        let written = p.to_string();
        assert_eq!(
            written,
            "Description: short  \n line with trailing spaces   \n \tline with tab\n .\n last\nX-Multi:\n first  \n second\n"
        );
        assert_eq!(ControlParagraph::parse(&written).unwrap(), p);
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            parse_paragraphs("A: 1\nno colon here\n"),
            Err(ControlError::MissingColon { line: 2 })
        );
        assert_eq!(
            parse_paragraphs("# c\n continuation\n"),
            Err(ControlError::ContinuationBeforeField { line: 2 })
        );
        assert_eq!(
            parse_paragraphs("A: 1\n\n continuation after blank\n"),
            Err(ControlError::ContinuationBeforeField { line: 3 })
        );
        assert_eq!(
            parse_paragraphs("Package: a\nVersion: 1\npackage: b\n"),
            Err(ControlError::DuplicateField {
                line: 3,
                name: "package".into()
            })
        );
        assert!(matches!(
            parse_paragraphs("A: 1\nBad Name: x\n"),
            Err(ControlError::InvalidFieldName { line: 2, .. })
        ));
    }

    #[test]
    fn same_field_in_different_paragraphs_is_fine() {
        assert_eq!(parse_paragraphs("A: 1\n\nA: 2\n").unwrap().len(), 2);
    }

    #[test]
    fn single_paragraph_parse_refuses_none_or_several() {
        assert_eq!(
            ControlParagraph::parse("# only a comment\n\n"),
            Err(ControlError::NoParagraph)
        );
        assert_eq!(
            ControlParagraph::parse("A: 1\n\n\nB: 2\n"),
            Err(ControlError::SeveralParagraphs { line: 4 })
        );
        assert_eq!(parse_paragraphs("").unwrap(), vec![]);
    }

    #[test]
    fn error_messages_are_one_line() {
        let err = parse_paragraphs("x\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "line 1: expected `Field: value`, but the line has no colon"
        );
    }
}
