//go:build chaos

package chaos

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	. "github.com/onsi/gomega"

	"github.com/wassist-operator/wassist-operator/internal/wassist/wassisttest"
)

// stormEvent is one thing that happens to the operator during the storm, at an offset
// from its start.
type stormEvent struct {
	at   time.Duration
	kind string
}

const (
	eventKill           = "kill"
	eventBurst          = "429-burst"
	eventEditAgent      = "edit-agent"
	eventEditDeployment = "edit-deployment"
	eventDeleteAgent    = "delete-agent"
)

// schedule draws the storm's events from the seed. The kills fall one in each of
// `restarts` equal slots, so the manager is killed at random moments that still spread
// over the whole storm, creates and edits alike.
func schedule(storm time.Duration, restarts, edits, deletes, deployments int) []stormEvent {
	at := func() time.Duration { return time.Duration(rng.Int64N(int64(storm))) }
	var events []stormEvent
	slot := storm / time.Duration(restarts)
	for k := range restarts {
		offset := slot/5 + time.Duration(rng.Int64N(int64(slot*7/10)))
		events = append(events, stormEvent{at: time.Duration(k)*slot + offset, kind: eventKill})
	}
	for range restarts + 1 {
		events = append(events, stormEvent{at: at(), kind: eventBurst})
	}
	for range edits {
		kind := eventEditAgent
		if deployments > 0 && rng.IntN(5) == 0 {
			kind = eventEditDeployment
		}
		events = append(events, stormEvent{at: at(), kind: kind})
	}
	for range deletes {
		events = append(events, stormEvent{at: at(), kind: eventDeleteAgent})
	}
	slices.SortStableFunc(events, func(a, b stormEvent) int { return int(a.at - b.at) })
	return events
}

// injectStormFaults makes the API fail as docs/chaos.md ("The storm") describes: 5xx and
// dropped connections on any request, and creates whose answer is lost after the agent was
// made. The 429 bursts come as storm events.
func injectStormFaults() {
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultError, Probability: *errorRateFlag, Status: http.StatusServiceUnavailable})
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultDrop, Probability: *dropRateFlag})
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultLoseResponse, Method: http.MethodPost, Route: "/agents/",
		Probability: *loseRateFlag})
}

// burst429 makes one key answer 429 to its next few requests, whatever its budget.
func burst429() {
	ns := namespaces[rng.IntN(len(namespaces))]
	// Count is drawn before RetryAfter, as it always was, so that a seed repeats its run.
	sim.inject(wassisttest.Fault{Kind: wassisttest.FaultRateLimit, Key: keys[ns], Count: 3 + rng.IntN(10),
		RetryAfter: time.Duration(1+rng.IntN(4)) * time.Second})
}

// waitUntil waits for the storm's clock to reach an event; the storm's timeline is the
// test's input, not a synchronisation.
func waitUntil(t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// manager runs: the addresses stay the same across restarts, as a pod's would.
var (
	metricsAddr, probeAddr, kubeconfig string
	managerRuns                        int
	metricsScrapes                     int
)

func managerBin() string {
	if *managerBinFlag != "" {
		return *managerBinFlag
	}
	return filepath.Join(binDir, "manager")
}

// startManager runs the manager as config/default would in a pod: as its ServiceAccount,
// with secured metrics.
func startManager() *process {
	if kubeconfig == "" {
		kubeconfig = kubeconfigFor(managerAccount, operatorNS)
		metricsAddr, probeAddr = freeAddr(), freeAddr()
	}
	args := []string{
		"--kubeconfig=" + kubeconfig,
		"--metrics-bind-address=" + metricsAddr,
		"--health-probe-bind-address=" + probeAddr,
		"--wassist-api-url=http://" + sim.addr + "/api/v1/",
		"--rate-limit=" + strconv.Itoa(*rateFlag),
		"--sync-period=" + syncFlag.String(),
	}
	if *leaderElectFlag {
		args = append(args, "--leader-elect", "--leader-election-namespace="+operatorNS)
	}
	managerRuns++
	return start(managerBin(), "manager.log", args...)
}

// scrapeMetrics saves the manager's /metrics, read as a Prometheus would, for the hygiene
// check; it reports whether the manager answered.
func scrapeMetrics() bool {
	code, body, err := httpDo(http.MethodGet, "https://"+metricsAddr+"/metrics", metricsOK, nil)
	if err != nil || code != http.StatusOK {
		return false
	}
	metricsScrapes++
	path := filepath.Join(workDir, fmt.Sprintf("metrics-%02d.txt", metricsScrapes))
	Expect(os.WriteFile(path, body, 0o600)).To(Succeed())
	return true
}

// restartManager kills the manager with SIGKILL, after saving its metrics if it serves
// them yet, and starts a new one.
func restartManager() {
	scrapeMetrics()
	manager.Kill()
	manager = startManager()
}
