//go:build chaos

/*
Copyright 2026.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package chaos

import (
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

var _ = Describe("The operator in a storm of API faults, SIGKILLs, edits and deletes", Ordered, ContinueOnFailure, func() {
	var (
		w                                        *world
		suiteStart, stormStart, stormEnd, healed time.Time
		kills                                    []time.Duration
		traffic                                  = map[string]keyTraffic{}
		reasons                                  = map[string]int{}
	)

	BeforeAll(func() {
		suiteStart = time.Now()
		Expect(*deploymentsFlag).To(BeNumerically("<=", *agentsFlag), "each deployment starts on its own agent")
		Expect(*restartsFlag).To(BeNumerically(">=", 0))
		By(fmt.Sprintf("starting %d manager replicas under their ServiceAccount's token (leader election %t)", replicas(), *leaderElectFlag))
		startFleet()
		DeferCleanup(stopFleet)
	})

	It("takes the storm: the users go on editing, claiming, replacing and deleting while the API fails and the manager dies", func() {
		plan := stormPlanFromFlags()
		By(fmt.Sprintf("creating %d agents, %d handoff pairs and %d deployments across %d keys", *agentsFlag, plan.firstStormPair,
			*deploymentsFlag, len(namespaces)))
		w = newWorld(*agentsFlag, *deploymentsFlag, plan.firstStormPair)
		events := schedule(plan)

		By(fmt.Sprintf("failing %.0f%% of requests with 5xx, dropping %.0f%%, losing %.0f%% of create answers; %d events over %s",
			*errorRateFlag*100, *dropRateFlag*100, *loseRateFlag*100, len(events), *stormFlag))
		injectStormFaults()
		stormStart = time.Now()
		for _, e := range events {
			waitUntil(stormStart.Add(e.at))
			if e.kind == eventKill {
				killManager()
				kills = append(kills, time.Since(stormStart).Round(100*time.Millisecond))
				continue
			}
			w.apply(e)
		}
		waitUntil(stormStart.Add(*stormFlag))
		stormEnd = time.Now()
		w.recordIdentities()
		Expect(kills).To(HaveLen(plan.restarts))
	})

	It("heals once the API behaves: every resource Ready and equal to Wassist, one remote agent each, no leaks", func() {
		Expect(w).NotTo(BeNil(), "the storm did not run")
		sim.clearFaults()
		cleared := time.Now()
		var problems []problem
		Eventually(func() bool {
			problems = convergenceProblems(w)
			return len(problems) == 0
		}).WithTimeout(*convergeFlag).WithPolling(2*time.Second).Should(BeTrue(), func() string {
			return fmt.Sprintf("%d broken invariants %s after the faults were cleared (%s):\n  %s", len(problems),
				time.Since(cleared).Round(time.Second), summarize(problems), strings.Join(texts(problems), "\n  "))
		})
		healed = time.Now()
		AddReportEntry("healing after the faults were cleared", healed.Sub(cleared).Round(time.Second).String())
	})

	It("hands the Lease to another replica after each SIGKILL of the leader", func() {
		if !*leaderElectFlag {
			Skip("-chaos.leader-elect=false runs one manager")
		}
		Eventually(settledTakeovers).WithTimeout(timeout).WithPolling(poll).Should(Succeed())
		AddReportEntry("leader takeovers after SIGKILL", takeoverFigures())
	})

	It("took the agent off the numbers of deleted deployments for good, and left the orphaned ones serving", func() {
		Expect(w).NotTo(BeNil(), "the storm did not run")
		var problems []problem
		for _, ns := range namespaces {
			problems = append(problems, numberTrafficProblems(w, ns, sim.requests(ns))...)
		}
		Expect(problems).To(BeEmpty(), "%s:\n  %s", summarize(problems), strings.Join(texts(problems), "\n  "))
	})

	It("kept every key within its budget: no 429 of the API's own, no 60 s window over the limit", func() {
		for _, ns := range namespaces {
			traffic[ns] = trafficOf(sim.requests(ns))
		}
		for _, ns := range namespaces {
			t := traffic[ns]
			Expect(t.ownThrottled).To(BeZero(), "the key of %s was answered 429 by the API's own rate limiter %d times", ns, t.ownThrottled)
			Expect(t.busiest).To(BeNumerically("<=", *rateFlag),
				"the key of %s sent %d requests in the 60 s from %s (+%s into the storm; SIGKILLs at %v), over its limit of %d",
				ns, t.busiest, t.busiestAt.Format(time.TimeOnly), t.busiestAt.Sub(stormStart).Round(time.Second), kills, *rateFlag)
		}
	})

	It("never wrote an API key into its log, an event, a status or a metric", func() {
		By("scraping /metrics of every replica with an authorised token, then stopping them")
		for _, r := range fleet {
			Eventually(func() bool { return scrapeMetrics(r) }).WithTimeout(timeout).WithPolling(poll).Should(BeTrue(),
				"manager replica %d serves no /metrics", r.slot)
		}
		stopFleet()

		artifacts := map[string][]byte{}
		var runs, lines int
		logs, err := filepath.Glob(filepath.Join(workDir, "manager-*.log"))
		Expect(err).NotTo(HaveOccurred())
		for _, path := range logs {
			log, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			runs += strings.Count(string(log), runSeparator)
			lines += strings.Count(string(log), "\n")
			artifacts[filepath.Base(path)] = log
		}
		Expect(runs).To(Equal(managerRuns), "the logs should hold every run of the manager")
		Expect(lines).To(BeNumerically(">", 10*managerRuns), "the manager logged next to nothing")
		events := &corev1.EventList{}
		agents := &wassistv1alpha1.WassistAgentList{}
		deps := &wassistv1alpha1.WassistDeploymentList{}
		for _, ns := range namespaces {
			for _, list := range []client.ObjectList{events, agents, deps} {
				Expect(k8sClient.List(ctx, list, client.InNamespace(ns))).To(Succeed())
				data, err := json.MarshalIndent(list, "", "  ")
				Expect(err).NotTo(HaveOccurred())
				name := fmt.Sprintf("%s-%T.json", ns, list)
				artifacts[name] = data
				Expect(os.WriteFile(filepath.Join(workDir, name), data, 0o600)).To(Succeed())
			}
			for _, e := range events.Items {
				reasons[e.Reason] += occurrences(e)
			}
		}
		Expect(reasons).NotTo(BeEmpty(), "no events to check")
		metrics, err := filepath.Glob(filepath.Join(workDir, "metrics-*.txt"))
		Expect(err).NotTo(HaveOccurred())
		var apiMetrics int
		for _, path := range metrics {
			data, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(ContainSubstring("# HELP"), "%s is no metrics page", path)
			// A standby that never led has sent nothing, so it has no request series.
			apiMetrics += strings.Count(string(data), "wassist_api_requests_total{")
			artifacts[filepath.Base(path)] = data
		}
		Expect(apiMetrics).To(BeNumerically(">", 0), "no scrape holds wassist_api_requests_total")

		var leaks []string
		for _, ns := range append(slices.Clone(namespaces), "stray") {
			key := cmp.Or(keys[ns], strayKey)
			secretPart := key[strings.LastIndex(key, "_")+1:] // the random part, in case a key is cut or reformatted
			for name, data := range artifacts {
				if n := strings.Count(string(data), secretPart); n > 0 {
					leaks = append(leaks, fmt.Sprintf("%s: the key of %s, %d times", name, ns, n))
				}
			}
		}
		Expect(leaks).To(BeEmpty(), "API keys found in what the operator wrote (%d artifacts checked)", len(artifacts))
		AddReportEntry("hygiene", fmt.Sprintf("%d artifacts (%d manager logs, events and resources of %d namespaces, %d metrics scrapes): no key",
			len(artifacts), len(logs), len(namespaces), len(metrics)))
	})

	var failed bool
	AfterEach(func() { failed = failed || CurrentSpecReport().Failed() })

	AfterAll(func() {
		if failed {
			AddReportEntry("kept for inspection", fmt.Sprintf(
				"%s: manager-N.log (every run of replica N), wassist-sim.log, events, resources and metrics scrapes", workDir))
		}
		if w == nil {
			return
		}
		if len(traffic) == 0 {
			for _, ns := range namespaces {
				traffic[ns] = trafficOf(sim.requests(ns))
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, "seed %d: %d agents, %d deployments, %d keys; rate limit %d/min per key; sync period %s\n",
			seed, *agentsFlag, *deploymentsFlag, len(namespaces), *rateFlag, *syncFlag)
		fmt.Fprintf(&b, "duration %s: storm %s, healed %s after it\n", time.Since(suiteStart).Round(time.Second),
			stormEnd.Sub(stormStart).Round(time.Second), sinceOrNot(stormEnd, healed))
		fmt.Fprintf(&b, "manager: %d replicas, %d runs, SIGKILLed at %v into the storm\n", replicas(), managerRuns, kills)
		if *leaderElectFlag {
			fmt.Fprintf(&b, "leader takeovers after SIGKILL: %s\n", takeoverFigures())
		}
		fmt.Fprintf(&b, "users: %d agent edits, %d deployment edits, %d agents deleted (%d with deletionPolicy Orphan)\n",
			w.agentEdits, w.deploymentEdits, len(w.deleted), w.orphaned)
		fmt.Fprintf(&b, "users: %s; %d annotations removed by replace; %d handoff pairs; %s; %s; found nothing to act on: %v\n",
			w.claimFigures(), w.replaced, len(w.pairs), w.deploymentDeletionFigures(), w.keyFigures(), w.skipped)
		fmt.Fprintf(&b, "faults fired: %v\n", sim.faultsFired())
		fmt.Fprintf(&b, "events by reason: %v\n", reasons)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "key of\trequests\t2xx\t5xx\tdropped\tlost\t429 injected\t429 own\tcreates\tlists\tpatches\tdeletes\tbusiest 60 s\t")
		for _, ns := range namespaces {
			t := traffic[ns]
			fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d/%d\t\n", ns, t.total, t.ok, t.injected5xx, t.dropped,
				t.lost, t.injected429, t.ownThrottled, t.creates, t.lists, t.patches, t.deletes, t.busiest, *rateFlag)
		}
		Expect(tw.Flush()).To(Succeed())
		AddReportEntry("chaos figures", b.String())
		fmt.Fprint(GinkgoWriter, b.String())
	})
})

// occurrences counts an event's occurrences in both event APIs' ways of aggregating.
func occurrences(e corev1.Event) int {
	if e.Series != nil && e.Series.Count > 0 {
		return int(e.Series.Count)
	}
	return max(int(e.Count), 1)
}

func sinceOrNot(from, to time.Time) string {
	if to.IsZero() {
		return "never"
	}
	return to.Sub(from).Round(time.Second).String()
}
