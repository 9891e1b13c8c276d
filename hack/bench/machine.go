package main

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// machine is where the numbers were taken; timings mean little without it.
type machine struct {
	GoVersion    string `json:"go_version"`
	CPUModel     string `json:"cpu_model"`
	Cores        int    `json:"cores"`
	MemTotalMB   int64  `json:"mem_total_mb"`
	Kernel       string `json:"kernel"`
	LoadAvgStart string `json:"load_avg_start"`
	LoadAvgEnd   string `json:"load_avg_end"`
}

func describeMachine() machine {
	return machine{
		GoVersion:    runtime.Version(),
		CPUModel:     procField("/proc/cpuinfo", "model name", ":"),
		Cores:        runtime.NumCPU(),
		MemTotalMB:   memTotalMB(),
		Kernel:       readTrimmed("/proc/sys/kernel/osrelease"),
		LoadAvgStart: loadAvg(),
	}
}

// loadAvg is the 1, 5 and 15 minute load: the machine is shared, and this says how much.
func loadAvg() string {
	f := strings.Fields(readTrimmed("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func memTotalMB() int64 {
	v := strings.TrimSuffix(procField("/proc/meminfo", "MemTotal", ":"), " kB")
	kb, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return kb / 1024
}

// procField returns the value of the first line of a /proc file whose name is key.
func procField(path, key, sep string) string {
	data, _ := os.ReadFile(path)
	for line := range strings.SplitSeq(string(data), "\n") {
		name, value, ok := strings.Cut(line, sep)
		if ok && strings.TrimSpace(name) == key {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

func readTrimmed(path string) string {
	data, _ := os.ReadFile(path)
	return strings.TrimSpace(string(data))
}

// gitState names the commit and the uncommitted changes to the code the binaries are built
// from (best effort: empty outside a git checkout).
func gitState() (commit string, dirty []string) {
	out, err := exec.Command("git", "rev-parse", "--short", "HEAD").Output() //nolint:noctx // a local, instant command
	if err != nil {
		return "", nil
	}
	commit = strings.TrimSpace(string(out))
	out, err = exec.Command("git", "status", "--porcelain", "--", "api", "cmd", "internal", "config/crd").Output() //nolint:noctx // as above
	if err != nil {
		return commit, nil
	}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		if line != "" {
			dirty = append(dirty, strings.TrimSpace(line))
		}
	}
	return commit, dirty
}

// machineCPU returns the busy and total time of all cores since boot, in clock ticks, from
// the first line of /proc/stat; two readings give how busy the machine was in between,
// whoever kept it busy.
func machineCPU() (busy, total int64) {
	f := strings.Fields(procField("/proc/stat", "cpu", " "))
	for i, s := range f {
		v, _ := strconv.ParseInt(s, 10, 64)
		if i >= 8 { // guest time is already counted in user time
			break
		}
		total += v
		if i != 3 && i != 4 { // idle, iowait
			busy += v
		}
	}
	return busy, total
}
