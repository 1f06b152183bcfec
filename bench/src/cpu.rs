//! CPU time from `/proc`: this process's, the machine's, and the tick unit they are counted in.

/// CPU time of this process and of the whole machine, from `/proc` (Linux; zeros elsewhere), in
/// seconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuSample {
    pub user: f64,
    pub system: f64,
    pub machine_busy: f64,
    pub machine_total: f64,
}

/// What a phase used.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuUse {
    pub user: f64,
    pub system: f64,
    /// Share of all cores' time the machine was not idle (nor waiting for I/O).
    pub machine_busy: f64,
}

/// `CLK_TCK`: the unit of the CPU times in `/proc` (100 when `getconf` cannot tell).
pub fn clock_ticks_per_second() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|output| String::from_utf8_lossy(&output.stdout).trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// The whole machine's busy and total CPU time so far, in ticks, from the first line of
/// `/proc/stat` (busy: neither idle nor waiting for I/O; zeros where there is no `/proc`).
pub fn machine_ticks() -> (f64, f64) {
    let machine = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let cpu: Vec<f64> = machine
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|field| field.parse().unwrap_or(0.0))
        .collect();
    let total: f64 = cpu.iter().sum();
    let idle = cpu.get(3).copied().unwrap_or(0.0) + cpu.get(4).copied().unwrap_or(0.0);
    (total - idle, total)
}

impl CpuSample {
    /// Reads the counters now.
    pub fn now(ticks: f64) -> CpuSample {
        let own = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let after = own.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<f64> = after.split_whitespace().map(|field| field.parse().unwrap_or(0.0)).collect();
        let field = |n: usize| fields.get(n - 3).copied().unwrap_or(0.0) / ticks;
        let (machine_busy, machine_total) = machine_ticks();
        CpuSample { user: field(14), system: field(15), machine_busy, machine_total }
    }

    /// What was used between `earlier` and this sample.
    pub fn since(self, earlier: CpuSample) -> CpuUse {
        let total = self.machine_total - earlier.machine_total;
        CpuUse {
            user: self.user - earlier.user,
            system: self.system - earlier.system,
            machine_busy: if total > 0.0 { (self.machine_busy - earlier.machine_busy) / total } else { f64::NAN },
        }
    }
}
