//! wharf's systemd units, read as systemd reads them (for the settings they use), and their
//! `ExecStart=` started the way systemd would start it, without systemd (this machine runs
//! none): the environment from `Environment=` and `EnvironmentFile=`, the directories
//! `StateDirectory=`/`CacheDirectory=`/`LogsDirectory=`/`LoadCredential=`/`PrivateTmp=` provide
//! (and nothing else writable), the `%S`/`%C`/`%L`/`%d` specifiers and `$VAR`/`${VAR}` expanded, and, for
//! `DynamicUser=yes`, an unprivileged user (uid/gid 65534) with no capabilities. What only
//! systemd itself does (the seccomp filter, mount namespaces) is not run here; `systemd-analyze
//! verify` and `security` read those settings.

use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The user a `DynamicUser=yes` service runs as here (Debian's `nobody`).
pub const UNPRIVILEGED_ID: u32 = 65534;

#[derive(Debug, Clone, Default)]
pub struct ServiceUnit {
    /// (section, key, value) in file order, drop-ins after the unit.
    settings: Vec<(String, String, String)>,
}

impl ServiceUnit {
    pub fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
        let mut unit = ServiceUnit::default();
        unit.add(&text);
        unit
    }

    /// Adds a drop-in (`NAME.service.d/*.conf`), which systemd reads after the unit.
    pub fn with_drop_in(mut self, path: &Path) -> Self {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
        self.add(&text);
        self
    }

    /// Removes every assignment of `key` in `section` (to show what a setting is for).
    pub fn without(mut self, section: &str, key: &str, value_contains: &str) -> Self {
        self.settings
            .retain(|(candidate_section, candidate_key, value)| {
                !(candidate_section == section
                    && candidate_key == key
                    && value.contains(value_contains))
            });
        self
    }

    fn add(&mut self, text: &str) {
        let mut section = String::new();
        let mut pending = String::new();
        for raw_line in text.lines() {
            let line = raw_line.trim();
            if pending.is_empty()
                && (line.is_empty() || line.starts_with('#') || line.starts_with(';'))
            {
                continue;
            }
            if let Some(continued) = line.strip_suffix('\\') {
                pending.push_str(continued);
                pending.push(' ');
                continue;
            }
            let line = std::mem::take(&mut pending) + line;
            if let Some(name) = line
                .strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
            {
                section = name.to_owned();
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("unit line without '=': {line}"));
            self.settings.push((
                section.clone(),
                key.trim().to_owned(),
                value.trim().to_owned(),
            ));
        }
    }

    /// Every value of `key` in `section` since its last empty assignment (which, in systemd,
    /// resets a list setting).
    pub fn values(&self, section: &str, key: &str) -> Vec<String> {
        let mut values = Vec::new();
        for (candidate_section, candidate_key, value) in &self.settings {
            if candidate_section == section && candidate_key == key {
                if value.is_empty() {
                    values.clear();
                } else {
                    values.push(value.clone());
                }
            }
        }
        values
    }

    /// The last value of a single-valued setting.
    pub fn value(&self, section: &str, key: &str) -> Option<String> {
        self.values(section, key).pop()
    }

    fn is_yes(&self, key: &str) -> bool {
        self.value("Service", key)
            .is_some_and(|value| matches!(value.as_str(), "yes" | "true" | "on" | "1"))
    }
}

/// Where the unit's absolute paths (`/opt/wharf`, `/etc/wharf/…`, `/usr/local/bin/…`) are on
/// this machine: each prefix is replaced wherever a path starts with it.
pub type PathMap<'a> = &'a [(&'a str, PathBuf)];

fn map_path(path: &str, paths: PathMap) -> String {
    for (prefix, replacement) in paths {
        if let Some(rest) = path.strip_prefix(prefix) {
            return format!("{}{rest}", replacement.display());
        }
    }
    path.to_owned()
}

/// A started-by-hand stand-in for what systemd sets up around one service.
pub struct ServiceSandbox {
    root: tempfile::TempDir,
}

/// The command that runs a unit's `ExecStart=`, and the `SPIN_VARIABLE_*` settings (names
/// without the prefix) it gets from the unit's environment.
pub struct PreparedService {
    pub command: Command,
    pub variables: Vec<(String, String)>,
}

impl Default for ServiceSandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl ServiceSandbox {
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("sandbox");
        make_traversable(root.path());
        ServiceSandbox { root }
    }

    /// Systemd's roots for `%S` (state), `%C` (cache), `%L` (logs), and the service's
    /// credentials directory.
    pub fn state_root(&self) -> PathBuf {
        self.root.path().join("var/lib")
    }
    pub fn cache_root(&self) -> PathBuf {
        self.root.path().join("var/cache")
    }
    pub fn logs_root(&self) -> PathBuf {
        self.root.path().join("var/log")
    }
    pub fn credentials_directory(&self) -> PathBuf {
        self.root.path().join("run/credentials")
    }
    pub fn private_tmp(&self) -> PathBuf {
        self.root.path().join("tmp")
    }

    /// A copy of `binary` the unprivileged user can run (build output may sit under a home
    /// it cannot enter). A script is copied with its directory: wrappers such as
    /// `../shared/tools/spin` find what they run beside themselves.
    pub fn install_binary(&self, binary: &Path) -> PathBuf {
        let bin = self.root.path().join("bin");
        let is_script = std::fs::read(binary)
            .map(|bytes| bytes.starts_with(b"#!"))
            .unwrap_or(false);
        let name = binary.file_name().expect("binary has a name");
        if is_script {
            let source = binary.parent().expect("script has a directory");
            let target = bin.join("script");
            std::fs::create_dir_all(&target).expect("bin directory");
            for entry in std::fs::read_dir(source).expect("read the script's directory") {
                let entry = entry.expect("directory entry");
                if entry.file_type().expect("file type").is_file() {
                    std::fs::copy(entry.path(), target.join(entry.file_name()))
                        .expect("copy beside the script");
                }
            }
            make_traversable(&bin);
            make_traversable(&target);
            target.join(name)
        } else {
            std::fs::create_dir_all(&bin).expect("bin directory");
            let target = bin.join(name);
            std::fs::copy(binary, &target).expect("copy the binary");
            make_traversable(&bin);
            std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755))
                .expect("chmod");
            target
        }
    }

    /// Sets up what `unit` declares and builds the command systemd would run. Fails when the
    /// unit uses a setting or specifier this stand-in does not know, rather than ignore it.
    pub fn prepare(&self, unit: &ServiceUnit, paths: PathMap) -> PreparedService {
        let dynamic_user = unit.is_yes("DynamicUser");
        let mut environment: BTreeMap<String, String> = BTreeMap::new();
        environment.insert(
            "PATH".into(),
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
        );
        if dynamic_user {
            // A dynamic user has no home; systemd sets HOME=/ (read-only under ProtectSystem).
            environment.insert("HOME".into(), "/".into());
        }

        for (variable, key, mode_key, root) in [
            (
                "STATE_DIRECTORY",
                "StateDirectory",
                "StateDirectoryMode",
                self.state_root(),
            ),
            (
                "CACHE_DIRECTORY",
                "CacheDirectory",
                "CacheDirectoryMode",
                self.cache_root(),
            ),
            (
                "LOGS_DIRECTORY",
                "LogsDirectory",
                "LogsDirectoryMode",
                self.logs_root(),
            ),
        ] {
            std::fs::create_dir_all(&root).expect("directory root");
            make_traversable(&root);
            let names = unit.values("Service", key);
            for name in &names {
                let directory = root.join(name);
                let mode = unit
                    .value("Service", mode_key)
                    .map(|mode| u32::from_str_radix(&mode, 8).expect("octal mode"))
                    .unwrap_or(0o755);
                self.give_to_service(&directory, mode, dynamic_user);
            }
            if !names.is_empty() {
                let joined: Vec<String> = names
                    .iter()
                    .map(|name| root.join(name).display().to_string())
                    .collect();
                environment.insert(variable.into(), joined.join(":"));
            }
        }

        let credentials = self.credentials_directory();
        let load_credentials = unit.values("Service", "LoadCredential");
        if !load_credentials.is_empty() {
            self.give_to_service(&credentials, 0o500, dynamic_user);
            for entry in &load_credentials {
                let (id, source) = entry
                    .split_once(':')
                    .unwrap_or_else(|| panic!("LoadCredential={entry} is not ID:PATH"));
                let target = credentials.join(id);
                std::fs::copy(map_path(source, paths), &target)
                    .unwrap_or_else(|error| panic!("LoadCredential={entry}: {error}"));
                self.give_to_service(&target, 0o400, dynamic_user);
            }
            environment.insert(
                "CREDENTIALS_DIRECTORY".into(),
                credentials.display().to_string(),
            );
        }

        if unit.is_yes("PrivateTmp") || dynamic_user {
            let tmp = self.private_tmp();
            self.give_to_service(&tmp, 0o1777, dynamic_user);
            environment.insert("TMPDIR".into(), tmp.display().to_string());
        }

        let specifiers = |text: &str| self.expand_specifiers(text);
        for assignments in unit.values("Service", "Environment") {
            for word in split_words(&specifiers(&assignments)) {
                let (name, value) = word
                    .split_once('=')
                    .unwrap_or_else(|| panic!("Environment= word without '=': {word}"));
                environment.insert(name.into(), value.into());
            }
        }
        // EnvironmentFile= settings override Environment= (systemd.exec).
        for file in unit.values("Service", "EnvironmentFile") {
            let optional = file.starts_with('-');
            let path = map_path(file.trim_start_matches('-'), paths);
            match std::fs::read_to_string(&path) {
                Ok(text) => environment.extend(parse_environment_file(&text)),
                Err(error) if !optional => panic!("EnvironmentFile={file} ({path}): {error}"),
                Err(_) => {}
            }
        }

        let exec_start = unit
            .value("Service", "ExecStart")
            .expect("the unit has an ExecStart=");
        let mut arguments = Vec::new();
        for word in split_words(&specifiers(&exec_start)) {
            if let Some(name) = word.strip_prefix('$').filter(|name| !name.starts_with('{')) {
                // `$NAME` alone: the value split at whitespace, zero or more arguments.
                if let Some(value) = environment.get(name) {
                    arguments.extend(value.split_whitespace().map(str::to_owned));
                }
            } else {
                arguments.push(expand_braced_variables(&word, &environment));
            }
        }
        let program = map_path(&arguments.remove(0), paths);
        let arguments: Vec<String> = arguments
            .iter()
            .map(|argument| map_path(argument, paths))
            .collect();

        let mut command = if dynamic_user && is_root() {
            let mut setpriv = Command::new("setpriv");
            setpriv.args([
                format!("--reuid={UNPRIVILEGED_ID}"),
                format!("--regid={UNPRIVILEGED_ID}"),
                "--clear-groups".into(),
                "--inh-caps=-all".into(),
                "--no-new-privs".into(),
                "--".into(),
                program,
            ]);
            setpriv
        } else {
            if dynamic_user {
                crate::runner::say_loudly(
                    "the unit asks for DynamicUser=yes, but these tests do not run as root: its command ran as the current user",
                );
            }
            Command::new(program)
        };
        command.args(&arguments).env_clear();
        if let Some(directory) = unit.value("Service", "WorkingDirectory") {
            command.current_dir(map_path(&specifiers(&directory), paths));
        }
        let mut variables = Vec::new();
        for (name, value) in environment {
            match name.strip_prefix("SPIN_VARIABLE_") {
                Some(variable) => variables.push((variable.to_ascii_lowercase(), value)),
                None => {
                    command.env(name, value);
                }
            }
        }
        PreparedService { command, variables }
    }

    fn expand_specifiers(&self, text: &str) -> String {
        let mut expanded = String::new();
        let mut characters = text.chars();
        while let Some(character) = characters.next() {
            if character != '%' {
                expanded.push(character);
                continue;
            }
            match characters.next() {
                Some('S') => expanded.push_str(&self.state_root().display().to_string()),
                Some('C') => expanded.push_str(&self.cache_root().display().to_string()),
                Some('L') => expanded.push_str(&self.logs_root().display().to_string()),
                Some('d') => expanded.push_str(&self.credentials_directory().display().to_string()),
                Some('%') => expanded.push('%'),
                other => panic!("specifier %{other:?} in {text:?} is not supported here"),
            }
        }
        expanded
    }

    /// Creates `path` (a directory, unless it exists as a file) for the service's user.
    fn give_to_service(&self, path: &Path, mode: u32, dynamic_user: bool) {
        if !path.exists() {
            std::fs::create_dir_all(path).expect("service directory");
        }
        if dynamic_user && is_root() {
            let id = UNPRIVILEGED_ID.to_string();
            let status = Command::new("chown")
                .arg(format!("{id}:{id}"))
                .arg(path)
                .status()
                .expect("run chown");
            assert!(status.success(), "chown {}", path.display());
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

fn make_traversable(path: &Path) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod 755");
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Splits a command line or an `Environment=` value into words, as systemd does: at
/// whitespace, with double or single quotes grouping (and removed).
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for character in text.chars() {
        match quote {
            Some(open) if character == open => quote = None,
            Some(_) => word.push(character),
            None if character == '"' || character == '\'' => {
                quote = Some(character);
                in_word = true;
            }
            None if character.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            None => {
                word.push(character);
                in_word = true;
            }
        }
    }
    assert!(quote.is_none(), "unbalanced quote in {text:?}");
    if in_word {
        words.push(word);
    }
    words
}

fn expand_braced_variables(word: &str, environment: &BTreeMap<String, String>) -> String {
    let mut expanded = String::new();
    let mut rest = word;
    while let Some(start) = rest.find("${") {
        expanded.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .unwrap_or_else(|| panic!("unclosed ${{ in {word:?}"))
            + start;
        let name = &rest[start + 2..end];
        expanded.push_str(environment.get(name).map(String::as_str).unwrap_or(""));
        rest = &rest[end + 1..];
    }
    expanded.push_str(rest);
    expanded
}

/// `NAME=value` lines of an `EnvironmentFile=`: `#` and `;` comments, optional quotes.
pub fn parse_environment_file(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#') && !line.starts_with(';'))
        .map(|line| {
            let (name, value) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("environment file line without '=': {line}"));
            let value = value.trim();
            let unquoted = value
                .strip_prefix('"')
                .and_then(|inner| inner.strip_suffix('"'))
                .or_else(|| {
                    value
                        .strip_prefix('\'')
                        .and_then(|inner| inner.strip_suffix('\''))
                })
                .unwrap_or(value);
            (name.trim().to_owned(), unquoted.to_owned())
        })
        .collect()
}
