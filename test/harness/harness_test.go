package harness

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sh runs a shell script as a Process logging to dir/name.log.
func sh(t *testing.T, ctx context.Context, group bool, script string) *Process {
	t.Helper()
	p, err := StartCmd(ctx, Cmd{Bin: "/bin/sh", Args: []string{"-c", script},
		Log: filepath.Join(t.TempDir(), "sh.log"), Group: group})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Kill)
	return p
}

func waitDone(t *testing.T, p *Process) {
	t.Helper()
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the process did not end")
	}
}

func readLog(t *testing.T, p *Process) string {
	t.Helper()
	data, err := os.ReadFile(p.LogPath())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// gone waits until pid no longer runs (a zombie counts as gone: it runs nothing).
func gone(pid int) bool {
	for range 50 {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false
}

// childPid reads the pid a script wrote to the first line of its log.
func childPid(t *testing.T, p *Process) int {
	t.Helper()
	if err := p.WaitLog(context.Background(), 5*time.Second, "child "); err != nil {
		t.Fatal(err)
	}
	line, _, _ := strings.Cut(readLog(t, p), "\n")
	pid, err := strconv.Atoi(strings.TrimPrefix(line, "child "))
	if err != nil {
		t.Fatalf("first line %q", line)
	}
	return pid
}

func TestStartAppendsEachRunAfterItsHeader(t *testing.T) {
	log := filepath.Join(t.TempDir(), "runs.log")
	for range 2 {
		p, err := Start(context.Background(), log, "--- starting", "/bin/sh", "-c", "echo out; echo err >&2")
		if err != nil {
			t.Fatal(err)
		}
		waitDone(t, p)
	}
	data, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if want := "--- starting sh\nout\nerr\n--- starting sh\nout\nerr\n"; string(data) != want {
		t.Fatalf("log %q, want %q", data, want)
	}
	if _, err := Start(context.Background(), log, "", "/nonexistent/binary"); err == nil ||
		!strings.Contains(err.Error(), "starting /nonexistent/binary") {
		t.Fatalf("starting a missing binary: %v", err)
	}
}

func TestWaitLogFindsALineWithEveryPart(t *testing.T) {
	ctx := context.Background()
	p := sh(t, ctx, false, `echo "Starting workers"; sleep 0.3; echo "Starting workers controller=floor"; exec sleep 30`)
	if err := p.WaitLog(ctx, 5*time.Second, "Starting workers", "floor"); err != nil {
		t.Fatal(err)
	}
	err := p.WaitLog(ctx, 300*time.Millisecond, "Starting workers", "manager")
	if err == nil || !strings.Contains(err.Error(), "did not log") {
		t.Fatalf("waiting for a line that never comes: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := p.WaitLog(cancelled, time.Minute, "never"); !errors.Is(err, context.Canceled) {
		t.Fatalf("with an ended context: %v", err)
	}

	exits := sh(t, ctx, false, "echo bye")
	if err := exits.WaitLog(ctx, time.Minute, "never"); err == nil || !strings.Contains(err.Error(), "sh exited") {
		t.Fatalf("waiting on a process that exits: %v", err)
	}
}

func TestStopIsGracefulAndIdempotent(t *testing.T) {
	p := sh(t, context.Background(), false, `trap 'echo stopped gracefully; exit 0' TERM; echo up; while :; do sleep 0.05; done`)
	if err := p.WaitLog(context.Background(), 5*time.Second, "up"); err != nil {
		t.Fatal(err)
	}
	p.Stop()
	if !strings.Contains(readLog(t, p), "stopped gracefully") {
		t.Fatalf("log after Stop: %q", readLog(t, p))
	}
	p.Stop()
	p.Kill()
	if err := p.StopWithin(time.Millisecond); err != nil {
		t.Fatalf("StopWithin after the end: %v", err)
	}
}

func TestStopWithinKillsAGroupThatIgnoresSIGTERM(t *testing.T) {
	p := sh(t, context.Background(), true, `trap '' TERM; sleep 30 & echo "child $!"; wait`)
	child := childPid(t, p)
	if pgid, err := syscall.Getpgid(p.Pid()); err != nil || pgid != p.Pid() {
		t.Fatalf("process group %d (%v), want its own %d", pgid, err, p.Pid())
	}
	start := time.Now()
	err := p.StopWithin(300 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "did not stop within 300ms") || time.Since(start) > 5*time.Second {
		t.Fatalf("StopWithin: %v after %s", err, time.Since(start))
	}
	if !gone(child) {
		t.Fatalf("the group's other process %d still runs", child)
	}
}

func TestTheEndOfTheContextKillsTheGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := sh(t, ctx, true, `sleep 30 & echo "child $!"; wait`)
	child := childPid(t, p)
	cancel()
	waitDone(t, p)
	if !gone(child) {
		t.Fatalf("the group's other process %d still runs", child)
	}
}

func TestWithoutAGroupOnlyTheProcessGetsTheSignal(t *testing.T) {
	p := sh(t, context.Background(), false, `sleep 30 & echo "child $!"; wait`)
	child := childPid(t, p)
	t.Cleanup(func() { _ = syscall.Kill(child, syscall.SIGKILL) })
	if pgid, err := syscall.Getpgid(p.Pid()); err != nil || pgid == p.Pid() {
		t.Fatalf("a process started without Group leads its own group (%v)", err)
	}
	p.Kill()
	if err := syscall.Kill(child, 0); err != nil {
		t.Fatalf("the child of a process without Group was signalled too: %v", err)
	}
}
