//! One deb822 paragraph: ordered fields, looked up without regard to case.

use std::fmt;

use crate::control_parse::{parse_numbered_paragraphs, ControlError};
use crate::syntax::check_field_name;

/// One `Name: value` field.
///
/// The value is stored as it reads in the file after `Name:`: the first line without its
/// leading whitespace, then each continuation line after a `\n`, *keeping* its leading space
/// or tab and any trailing blanks; only whitespace at the very end of the value is dropped.
/// That is how apt reads a value and how apt-ftparchive copies multi-line fields such as
/// `Description` into `Packages`, and it makes serialisation byte-exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ControlField {
    name: String,
    value: String,
}

impl ControlField {
    pub(crate) fn new_unchecked(name: String, value: String) -> Self {
        Self { name, value }
    }

    pub(crate) fn append_continuation(&mut self, line: &str) {
        self.value.push('\n');
        self.value.push_str(line);
    }

    pub(crate) fn trim_value_end(&mut self) {
        let kept = self.value.trim_end().len();
        self.value.truncate(kept);
    }

    /// The field name, in the case it was written.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw value (see the type's documentation for multi-line values).
    pub fn value(&self) -> &str {
        &self.value
    }
}

/// A deb822 paragraph (a control file, one `Packages` stanza, a `Release` file).
///
/// Field order and the case of field names are kept as written; lookups ignore case, as
/// deb822 requires. A paragraph never holds the same field twice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ControlParagraph {
    fields: Vec<ControlField>,
}

impl ControlParagraph {
    /// An empty paragraph, to be filled with [`ControlParagraph::push`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses text that must hold exactly one paragraph (a `.deb`'s control file).
    pub fn parse(text: &str) -> Result<Self, ControlError> {
        let mut paragraphs = parse_numbered_paragraphs(text)?.into_iter();
        let Some((_, first)) = paragraphs.next() else {
            return Err(ControlError::NoParagraph);
        };
        if let Some((line, _)) = paragraphs.next() {
            return Err(ControlError::SeveralParagraphs { line });
        }
        Ok(first)
    }

    /// The value of field `name`, compared without regard to ASCII case.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.field(name).map(ControlField::value)
    }

    /// The field `name` itself (its spelling and value), compared without regard to case.
    pub fn field(&self, name: &str) -> Option<&ControlField> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }

    /// True when the paragraph has field `name` (any case).
    pub fn contains(&self, name: &str) -> bool {
        self.field(name).is_some()
    }

    /// The fields in their order.
    pub fn fields(&self) -> &[ControlField] {
        &self.fields
    }

    /// Number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when the paragraph has no field.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// Appends a field after checking that the result still reads back as the same
    /// paragraph: a valid, new field name, and a value that neither starts nor ends with
    /// whitespace (a leading `\n` aside) and whose further lines each start with a space or
    /// tab and hold more than whitespace.
    pub fn push(&mut self, name: &str, value: &str) -> Result<(), ControlError> {
        check_field_name(name).map_err(|reason| ControlError::InvalidFieldNameToAdd {
            name: name.to_owned(),
            reason,
        })?;
        if self.contains(name) {
            return Err(ControlError::DuplicateFieldToAdd {
                name: name.to_owned(),
            });
        }
        check_value(value).map_err(|reason| ControlError::InvalidValue {
            name: name.to_owned(),
            reason,
        })?;
        self.fields.push(ControlField::new_unchecked(
            name.to_owned(),
            value.to_owned(),
        ));
        Ok(())
    }

    pub(crate) fn push_parsed(&mut self, field: ControlField) {
        self.fields.push(field);
    }

    pub(crate) fn last_field_mut(&mut self) -> Option<&mut ControlField> {
        self.fields.last_mut()
    }
}

fn check_value(value: &str) -> Result<(), &'static str> {
    if value.contains('\r') {
        return Err("a value must not contain carriage returns");
    }
    let mut lines = value.split('\n');
    let first = lines.next().unwrap_or_default();
    if first.trim_start() != first {
        return Err("the first line must not start with whitespace");
    }
    for line in lines {
        if !line.starts_with([' ', '\t']) {
            return Err("each further line must start with a space or tab");
        }
        if line.trim().is_empty() {
            return Err("a further line must not be blank (write ` .` for an empty line)");
        }
    }
    if value.trim_end() != value {
        return Err("a value must not end with whitespace");
    }
    Ok(())
}

/// Writes one field the way dpkg does: `Name: value`, or `Name:` directly followed by the
/// continuation lines when the first line is empty (`SHA256:` lists, `Conffiles:`).
pub(crate) fn write_field(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push(':');
    if !value.is_empty() && !value.starts_with('\n') {
        out.push(' ');
    }
    out.push_str(value);
    out.push('\n');
}

impl fmt::Display for ControlParagraph {
    /// The paragraph as deb822 text, each field line ending in `\n`, no trailing blank line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        for field in &self.fields {
            write_field(&mut out, &field.name, &field.value);
        }
        f.write_str(&out)
    }
}

/// Writes several paragraphs separated by one blank line, the inverse of
/// [`crate::parse_paragraphs`] for well-formed text.
pub fn format_paragraphs(paragraphs: &[ControlParagraph]) -> String {
    let mut out = String::new();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        out.push_str(&paragraph.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case_but_keeps_spelling() {
        let p = ControlParagraph::parse("Package: hello\nMD5sum: abc\n").unwrap();
        assert_eq!(p.get("package"), Some("hello"));
        assert_eq!(p.get("MD5SUM"), Some("abc"));
        assert_eq!(p.field("md5sum").map(ControlField::name), Some("MD5sum"));
        assert_eq!(p.get("Version"), None);
    }

    #[test]
    fn push_builds_what_parse_reads_back() {
        let mut p = ControlParagraph::new();
        p.push("Package", "hello").unwrap();
        p.push("Description", "short\n long line\n .\n more")
            .unwrap();
        p.push("SHA256", "\n abc 12 main/Packages").unwrap();
        p.push("Empty", "").unwrap();
        p.push("Inner", "blanks inside stay  \n\tlike this")
            .unwrap();
        let text = p.to_string();
        assert_eq!(
            text,
            "Package: hello\nDescription: short\n long line\n .\n more\nSHA256:\n abc 12 main/Packages\nEmpty:\nInner: blanks inside stay  \n\tlike this\n"
        );
        assert_eq!(ControlParagraph::parse(&text).unwrap(), p);
    }

    #[test]
    fn push_refuses_what_would_not_read_back() {
        let mut p = ControlParagraph::new();
        p.push("Package", "hello").unwrap();
        assert!(matches!(
            p.push("package", "again"),
            Err(ControlError::DuplicateFieldToAdd { .. })
        ));
        assert!(p.push("Bad Name", "x").is_err());
        assert!(p.push("Injected", "x\nFilename: evil").is_err());
        assert!(p.push("Blank", "x\n \n more").is_err());
        assert!(p.push("Padded", " x").is_err());
        assert!(p.push("Trailing", "x\n more ").is_err());
        assert!(p.push("TrailingFirst", "x ").is_err());
        assert!(p.push("Cr", "x\r").is_err());
        assert_eq!(p.len(), 1);
    }

    #[test]
    fn format_paragraphs_separates_with_one_blank_line() {
        let a = ControlParagraph::parse("A: 1\n").unwrap();
        let b = ControlParagraph::parse("B: 2\n").unwrap();
        assert_eq!(format_paragraphs(&[a, b]), "A: 1\n\nB: 2\n");
        assert_eq!(format_paragraphs(&[]), "");
    }
}
