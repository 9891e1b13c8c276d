//go:build chaos

package chaos

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/gomega"

	coordinationv1 "k8s.io/api/coordination/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// leaseName is cmd/main.go's LeaderElectionID; controller-runtime keeps the Lease 15 s
// after its holder's last renewal, so a SIGKILLed leader is replaced after about that long.
const leaseName = "wassist-operator.wassist.app"

// acquiredLine is what client-go's leader election logs, through the manager's logger,
// once a replica holds the Lease. It is how the suite maps a holder identity (host name
// and a random UUID, logged nowhere) to a process.
const acquiredLine = "Successfully acquired lease"

// replica is one manager process. Its slot keeps its addresses and its log across
// restarts, as a pod's name would; each run appends to the slot's log.
type replica struct {
	slot                   int
	proc                   *process
	started                time.Time
	logFrom                int64 // the log's size when this run started: its own lines follow
	metricsAddr, probeAddr string
	identity               string // the Lease holder identity, once seen holding it
}

// takeover is one SIGKILL of the leader and what followed: the Lease held by another
// replica `after` the kill, by the standby that was running or by the replacement.
type takeover struct {
	killedAt time.Time
	from, to string // holder identities
	after    time.Duration
	by       string
}

var (
	fleet          []*replica
	kubeconfig     string
	managerRuns    int
	metricsScrapes int
	takeovers      []*takeover
)

// replicas is how many managers run at once: two with leader election, as a Deployment
// with a standby would, else one.
func replicas() int {
	if *leaderElectFlag {
		return 2
	}
	return 1
}

func managerBin() string {
	if *managerBinFlag != "" {
		return *managerBinFlag
	}
	return filepath.Join(binDir, "manager")
}

func managerLog(slot int) string { return filepath.Join(workDir, fmt.Sprintf("manager-%d.log", slot)) }

// startFleet starts every replica.
func startFleet() {
	kubeconfig = kubeconfigFor(managerAccount, operatorNS)
	for slot := range replicas() {
		fleet = append(fleet, startReplica(slot, freeAddr(), freeAddr()))
	}
}

// stopFleet stops every replica gracefully (a leader then releases the Lease).
func stopFleet() {
	for _, r := range fleet {
		r.proc.Stop()
	}
}

// startReplica runs the manager as config/default would in a pod: as its ServiceAccount,
// with secured metrics.
func startReplica(slot int, metricsAddr, probeAddr string) *replica {
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
	var from int64
	if info, err := os.Stat(managerLog(slot)); err == nil {
		from = info.Size()
	}
	managerRuns++
	return &replica{slot: slot, proc: start(managerBin(), filepath.Base(managerLog(slot)), args...), started: time.Now(),
		logFrom: from, metricsAddr: metricsAddr, probeAddr: probeAddr}
}

// alive says whether the run has not ended.
func (r *replica) alive() bool {
	select {
	case <-r.proc.Done():
		return false
	default:
		return true
	}
}

// acquired says whether this run has logged holding the Lease.
func (r *replica) acquired() bool {
	data, err := os.ReadFile(managerLog(r.slot))
	if err != nil || int64(len(data)) < r.logFrom {
		return false
	}
	return strings.Contains(string(data[r.logFrom:]), acquiredLine)
}

// scrapeMetrics saves a replica's /metrics, read as a Prometheus would, for the hygiene
// check; it reports whether the replica answered.
func scrapeMetrics(r *replica) bool {
	code, body, err := httpDo(http.MethodGet, "https://"+r.metricsAddr+"/metrics", metricsOK, nil)
	if err != nil || code != http.StatusOK {
		return false
	}
	metricsScrapes++
	path := filepath.Join(workDir, fmt.Sprintf("metrics-%02d.txt", metricsScrapes))
	Expect(os.WriteFile(path, body, 0o600)).To(Succeed())
	return true
}

// killManager SIGKILLs the manager doing the work (the leader, with leader election),
// after saving its metrics if it serves them yet, and starts a replacement in its slot.
func killManager() {
	victim := fleet[0]
	if *leaderElectFlag {
		victim = waitForLeader()
	}
	scrapeMetrics(victim)
	killedAt := time.Now()
	victim.proc.Kill()
	fleet[victim.slot] = startReplica(victim.slot, victim.metricsAddr, victim.probeAddr)
	if *leaderElectFlag {
		takeovers = append(takeovers, &takeover{killedAt: killedAt, from: victim.identity})
	}
}

// waitForLeader waits for a live replica to hold the Lease: a kill that comes before the
// last one's takeover waits for it, since killing a standby tests nothing.
func waitForLeader() *replica {
	var leader *replica
	Eventually(func() error {
		var err error
		leader, err = currentLeader()
		return err
	}).WithTimeout(timeout).WithPolling(poll).Should(Succeed(), "no replica took the Lease")
	return leader
}

// currentLeader reads the Lease, settles the takeover pending since the last kill, and
// maps the holder to a live replica.
func currentLeader() (*replica, error) {
	lease := &coordinationv1.Lease{}
	if err := k8sClient.Get(ctx, client.ObjectKey{Namespace: operatorNS, Name: leaseName}, lease); err != nil {
		return nil, err
	}
	holder := ""
	if lease.Spec.HolderIdentity != nil {
		holder = *lease.Spec.HolderIdentity
	}
	leader := holderReplica(holder)
	if leader == nil {
		return nil, fmt.Errorf("the Lease is held by %q, no live replica", holder)
	}
	if n := len(takeovers); n > 0 && takeovers[n-1].to == "" {
		settleTakeover(takeovers[n-1], lease, leader)
	}
	return leader, nil
}

// holderReplica finds the live replica holding the Lease as holder: the one already seen
// with that identity, or the only live run that logged acquiring it and has no identity yet.
func holderReplica(holder string) *replica {
	if holder == "" {
		return nil
	}
	var fresh []*replica
	for _, r := range fleet {
		switch {
		case !r.alive():
		case r.identity == holder:
			return r
		case r.identity == "" && r.acquired():
			fresh = append(fresh, r)
		}
	}
	if len(fresh) != 1 {
		return nil
	}
	fresh[0].identity = holder
	return fresh[0]
}

// settleTakeover measures a takeover from the Lease's acquireTime, which the new holder
// wrote when it took the Lease: the suite need not watch the Lease to time it.
func settleTakeover(t *takeover, lease *coordinationv1.Lease, leader *replica) {
	t.to = leader.identity
	t.by = "standby"
	if leader.started.After(t.killedAt) {
		t.by = "replacement"
	}
	if lease.Spec.AcquireTime != nil {
		t.after = lease.Spec.AcquireTime.Sub(t.killedAt)
	}
}

// settledTakeovers checks that every SIGKILL of a leader was followed by another replica
// taking the Lease.
func settledTakeovers() error {
	if _, err := currentLeader(); err != nil {
		return err
	}
	for i, t := range takeovers {
		if t.to == "" {
			return fmt.Errorf("kill %d of the leader (%s) has no successor yet", i+1, t.killedAt.Format(time.TimeOnly))
		}
		if t.to == t.from {
			return errors.New("the Lease is held by the identity of a killed leader")
		}
	}
	return nil
}

// takeoverFigures is the report line of the failover measurement.
func takeoverFigures() string {
	parts := make([]string, 0, len(takeovers))
	var longest time.Duration
	for _, t := range takeovers {
		if t.to == "" {
			parts = append(parts, "never")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", t.after.Round(100*time.Millisecond), t.by))
		longest = max(longest, t.after)
	}
	return fmt.Sprintf("%s; longest %s", strings.Join(parts, ", "), longest.Round(100*time.Millisecond))
}
