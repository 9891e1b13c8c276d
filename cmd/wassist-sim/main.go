// Command wassist-sim serves the in-memory Wassist API simulator (package wassisttest) over
// HTTP, so the operator can run against something that behaves like Wassist, faults included,
// without a real account. The simulator's controls are under /_sim/ and need no API key,
// which is why it listens on loopback by default.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// shutdownGrace bounds how long in-flight requests (including injected latency) may delay exit.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "wassist-sim:", err)
		os.Exit(1)
	}
}

// config is what the flags ask for.
type config struct {
	addr           string
	apiKeys        []string
	rateLimit      int
	seed           int64
	omitRetryAfter bool
	demoSeed       bool
	agencyKey      string
	errorRate      float64
	latency        time.Duration
}

// keyList is a repeatable flag that also takes comma-separated values.
type keyList []string

func (k *keyList) String() string { return fmt.Sprint(len(*k)) + " keys" }

func (k *keyList) Set(v string) error {
	for key := range strings.SplitSeq(v, ",") {
		if key = strings.TrimSpace(key); key != "" {
			*k = append(*k, key)
		}
	}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var keys keyList
	fs := flag.NewFlagSet("wassist-sim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8089", "listen address; keep it loopback, /_sim/ takes no key")
	fs.Var(&keys, "api-key", "accepted API key, each its own tenant (repeatable, or comma-separated)")
	fs.IntVar(&cfg.rateLimit, "rate-limit", 100, "requests per minute per key (0 means the documented 100, negative means unlimited)")
	fs.Int64Var(&cfg.seed, "seed", 0, "seed for fault probabilities")
	fs.BoolVar(&cfg.omitRetryAfter, "omit-retry-after-header", false, "send 429s with only the body's retry_after")
	fs.BoolVar(&cfg.demoSeed, "demo-seed", true, `seed every key with an MCP connector and an account of its own `+
		`with two numbers (the first key's: "Daily Grind Ltd", 447700900100 and 447700900101)`)
	fs.StringVar(&cfg.agencyKey, "agency-key", "",
		"accept this API key too, seeded instead with a realistic agency (31 agents, 2 accounts, 7 templates) to import")
	fs.Float64Var(&cfg.errorRate, "error-rate", 0, "probability (0-1) of a 500 on every route")
	fs.DurationVar(&cfg.latency, "latency", 0, "latency added to every request")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	cfg.apiKeys = keys
	cfg.agencyKey = strings.TrimSpace(cfg.agencyKey)
	switch {
	case len(cfg.apiKeys) == 0 && cfg.agencyKey == "":
		return cfg, errors.New("at least one --api-key (or --agency-key) is required")
	case cfg.errorRate < 0 || cfg.errorRate > 1:
		return cfg, fmt.Errorf("--error-rate %v is not a probability", cfg.errorRate)
	case cfg.latency < 0:
		return cfg, fmt.Errorf("--latency %v is negative", cfg.latency)
	}
	return cfg, nil
}

// newSimulator builds the handler the binary serves.
func newSimulator(cfg config, logw io.Writer) *wassisttest.Server {
	sim := wassisttest.New(wassisttest.Options{
		APIKeys:              cfg.apiKeys,
		RateLimit:            cfg.rateLimit,
		Seed:                 cfg.seed,
		OmitRetryAfterHeader: cfg.omitRetryAfter,
		Log:                  logw,
	})
	for n, key := range cfg.apiKeys {
		if cfg.demoSeed && key != cfg.agencyKey {
			sim.SeedDemo(key, n)
		}
	}
	if cfg.agencyKey != "" {
		sim.AddAPIKey(cfg.agencyKey)
		sim.SeedAgency(cfg.agencyKey)
	}
	if cfg.errorRate > 0 { // a Fault's zero probability means "always", not "never"
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultError, Probability: cfg.errorRate})
	}
	if cfg.latency > 0 {
		sim.InjectFault(wassisttest.Fault{Kind: wassisttest.FaultLatency, Latency: cfg.latency})
	}
	return sim
}

// run serves until ctx ends, then shuts down gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", cfg.addr)
	if err != nil {
		return err
	}
	if !isLoopback(ln.Addr()) {
		fmt.Fprintf(stderr, "wassist-sim: warning: %s is reachable from other hosts and /_sim/ needs no key\n", ln.Addr())
	}
	srv := &http.Server{Handler: newSimulator(cfg, stderr), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "wassist-sim listening on http://%s%s/\n", ln.Addr(), wassisttest.APIPrefix)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	return srv.Shutdown(shutdownCtx)
}

func isLoopback(addr net.Addr) bool {
	tcp, ok := addr.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}
