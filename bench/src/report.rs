//! The one table `make bench` prints, with the machine it ran on and the targets.

use std::collections::BTreeMap;

use crate::load::WRK_ARGUMENTS;
use crate::stream::Download;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Row {
    Health,
    Metadata,
    Versions,
    PoolFiles,
    ArchiveFiles,
    PoolGitHub,
    ArchiveGitHub,
}

impl Row {
    pub const DOWNLOADS: [Row; 4] = [
        Row::PoolFiles,
        Row::ArchiveFiles,
        Row::PoolGitHub,
        Row::ArchiveGitHub,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Row::Health => "/health (instantiation alone)",
            Row::Metadata => "/dists/… 50 KB with Basic",
            Row::Versions => "Terraform versions with Bearer (files origin)",
            Row::PoolFiles => "large package through /pool (files)",
            Row::ArchiveFiles => "large module through /archive (files)",
            Row::PoolGitHub => "large package through /pool (GitHub)",
            Row::ArchiveGitHub => "large module through /archive (GitHub, repacked)",
        }
    }

    fn is_download(self) -> bool {
        Row::DOWNLOADS.contains(&self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    WharfHost,
    Spin,
    Nginx,
}

impl Column {
    const ALL: [Column; 3] = [Column::WharfHost, Column::Spin, Column::Nginx];

    pub fn name(self) -> &'static str {
        match self {
            Column::WharfHost => "wharf-host",
            Column::Spin => "spin up",
            Column::Nginx => "nginx + auth_basic",
        }
    }
}

#[derive(Default)]
struct Cell {
    /// Requests/s or MB/s, by round.
    by_round: BTreeMap<usize, f64>,
    first_byte_seconds: Vec<f64>,
    memory_growth: Vec<u64>,
}

pub struct Report {
    rounds: usize,
    large_bytes: u64,
    pub machine: String,
    pub versions: Vec<String>,
    pub load_before: String,
    pub load_after: String,
    cells: BTreeMap<(Row, Column), Cell>,
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

/// `12345.6` as `12,346`.
fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

impl Report {
    pub fn new(rounds: usize, large_bytes: u64) -> Self {
        Self {
            rounds,
            large_bytes,
            machine: String::new(),
            versions: Vec::new(),
            load_before: String::new(),
            load_after: String::new(),
            cells: BTreeMap::new(),
        }
    }

    pub fn add_rate(&mut self, row: Row, column: Column, round: usize, value: f64) {
        self.cells
            .entry((row, column))
            .or_default()
            .by_round
            .insert(round, value);
    }

    pub fn add_download(
        &mut self,
        row: Row,
        column: Column,
        round: usize,
        download: Download,
        memory_growth: Option<u64>,
    ) {
        let cell = self.cells.entry((row, column)).or_default();
        cell.by_round.insert(round, download.megabytes_per_second());
        cell.first_byte_seconds
            .push(download.first_byte.as_secs_f64());
        cell.memory_growth.extend(memory_growth);
    }

    fn value(&self, row: Row, column: Column) -> Option<f64> {
        median(
            self.cells
                .get(&(row, column))?
                .by_round
                .values()
                .copied()
                .collect(),
        )
    }

    /// The median over rounds of `a / b`, each pair measured in the same round.
    fn paired_ratio(&self, a: (Row, Column), b: (Row, Column)) -> Option<f64> {
        let a = &self.cells.get(&a)?.by_round;
        let b = &self.cells.get(&b)?.by_round;
        median(
            a.iter()
                .filter_map(|(round, a)| Some(a / b.get(round)?))
                .collect(),
        )
    }

    fn cell_text(&self, row: Row, column: Column) -> String {
        let Some(value) = self.value(row, column) else {
            return String::new();
        };
        if !row.is_download() {
            let mut text = format!("{} req/s", grouped(value));
            if row == Row::Metadata && column != Column::Nginx {
                if let Some(ratio) =
                    self.paired_ratio((row, column), (Row::Metadata, Column::Nginx))
                {
                    text.push_str(&format!(" ({ratio:.2}× nginx"));
                    if let Some(health) = self.paired_ratio((row, column), (Row::Health, column)) {
                        text.push_str(&format!(", {:.0}% of its /health", health * 100.0));
                    }
                    text.push(')');
                }
            }
            return text;
        }
        let cell = &self.cells[&(row, column)];
        let mut text = format!("{} MB/s", grouped(value));
        if let Some(growth) = cell.memory_growth.iter().max() {
            text.push_str(&format!(", memory +{:.1} MB", *growth as f64 / 1e6));
        }
        text
    }

    pub fn render(&self) -> String {
        let columns: Vec<Column> = Column::ALL
            .into_iter()
            .filter(|column| self.cells.keys().any(|(_, candidate)| candidate == column))
            .collect();
        let mut out = String::new();
        out.push_str(
            "\n## wharf bench (issue 12): one run, servers alternating within each round\n\n",
        );
        out.push_str(&format!("- machine: {}\n", self.machine));
        out.push_str(&format!(
            "- load average (1/5/15 min): {} at start, {} at end\n",
            self.load_before, self.load_after
        ));
        for version in &self.versions {
            out.push_str(&format!("- {version}\n"));
        }
        out.push_str(&format!(
            "- rates: wrk {} on loopback, median of {} round(s); downloads: {} MB, one client reading 1 MiB at a time, MB/s over the body (10^6 bytes), median of {} round(s); memory: the server's peak resident memory during the download minus before it\n\n",
            WRK_ARGUMENTS.join(" "),
            self.rounds,
            self.large_bytes / 1_000_000,
            self.rounds
        ));
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut header = vec![String::new()];
        header.extend(columns.iter().map(|column| column.name().to_owned()));
        rows.push(header);
        let mut seen_rows: Vec<Row> = self.cells.keys().map(|(row, _)| *row).collect();
        seen_rows.dedup();
        for row in seen_rows {
            let mut line = vec![row.name().to_owned()];
            line.extend(columns.iter().map(|column| self.cell_text(row, *column)));
            rows.push(line);
        }
        let widths: Vec<usize> = (0..rows[0].len())
            .map(|index| {
                rows.iter()
                    .map(|row| row[index].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        for (index, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(cell, width)| format!("{cell:<width$}"))
                .collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
            if index == 0 {
                let rule: Vec<String> = widths.iter().map(|width| "-".repeat(*width)).collect();
                out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
            }
        }
        out.push_str("\nTime to the first byte of each download (median s): ");
        let mut first_bytes = Vec::new();
        for ((row, column), cell) in &self.cells {
            if let Some(seconds) = median(cell.first_byte_seconds.clone()) {
                first_bytes.push(format!("{} {}: {seconds:.2}", column.name(), row.name()));
            }
        }
        out.push_str(&first_bytes.join("; "));
        out.push_str(".\n\n");
        out.push_str(&self.targets());
        out
    }

    /// The musts 2 and 3, met or not, with the figure.
    fn targets(&self) -> String {
        let mut out = String::from("Targets (issue 12):\n");
        let verdict = |met: bool| if met { "met" } else { "NOT MET" };
        if let Some(ratio) = self.paired_ratio(
            (Row::Metadata, Column::WharfHost),
            (Row::Metadata, Column::Nginx),
        ) {
            out.push_str(&format!(
                "- /dists/… with Basic under wharf-host ≥ 1.0× nginx + auth_basic: {ratio:.2}× — {}\n",
                verdict(ratio >= 1.0)
            ));
        }
        if let Some(ratio) =
            self.paired_ratio((Row::Metadata, Column::Spin), (Row::Health, Column::Spin))
        {
            out.push_str(&format!(
                "- /dists/… with Basic under spin up ≥ 60% of its /health: {:.0}% — {}\n",
                ratio * 100.0,
                verdict(ratio >= 0.6)
            ));
        }
        for row in Row::DOWNLOADS {
            let Some(rate) = self.value(row, Column::WharfHost) else {
                continue;
            };
            let growth = self.cells[&(row, Column::WharfHost)]
                .memory_growth
                .iter()
                .max()
                .copied()
                .unwrap_or(0);
            let met = rate >= 500.0 && growth < 32_000_000;
            out.push_str(&format!(
                "- {} under wharf-host ≥ 500 MB/s with memory growth < 32 MB: {} MB/s, +{:.1} MB — {}\n",
                row.name(),
                grouped(rate),
                growth as f64 / 1e6,
                verdict(met)
            ));
        }
        out
    }
}
