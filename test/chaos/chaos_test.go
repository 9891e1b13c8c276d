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
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
		Expect(*restartsFlag).To(BeNumerically(">=", 1))
		By("starting the manager under its ServiceAccount's token")
		manager = startManager()
		DeferCleanup(func() {
			if manager != nil {
				manager.Stop()
			}
		})
	})

	It("takes the storm: the users go on editing and deleting while the API fails and the manager dies", func() {
		edits, deletes := *editsFlag, *deletesFlag
		if edits == 0 {
			edits = (*agentsFlag + *deploymentsFlag) / 4
		}
		if deletes == 0 {
			deletes = *agentsFlag / 8
		}
		By(fmt.Sprintf("creating %d agents and %d deployments across %d keys", *agentsFlag, *deploymentsFlag, len(namespaces)))
		w = newWorld(*agentsFlag, *deploymentsFlag)
		events := schedule(*stormFlag, *restartsFlag, edits, deletes, *deploymentsFlag)

		By(fmt.Sprintf("failing %.0f%% of requests with 5xx, dropping %.0f%%, losing %.0f%% of create answers; %d events over %s",
			*errorRateFlag*100, *dropRateFlag*100, *loseRateFlag*100, len(events), *stormFlag))
		injectStormFaults()
		stormStart = time.Now()
		for _, e := range events {
			waitUntil(stormStart.Add(e.at))
			switch e.kind {
			case eventKill:
				restartManager()
				kills = append(kills, time.Since(stormStart).Round(100*time.Millisecond))
			case eventBurst:
				burst429()
			case eventEditAgent:
				w.editAgent()
			case eventEditDeployment:
				w.editDeployment(*deploymentsFlag)
			case eventDeleteAgent:
				w.deleteAgent()
			}
		}
		waitUntil(stormStart.Add(*stormFlag))
		stormEnd = time.Now()
		Expect(kills).To(HaveLen(*restartsFlag))
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
		By("scraping /metrics with an authorised token, then stopping the manager")
		Eventually(scrapeMetrics).WithTimeout(timeout).WithPolling(poll).Should(BeTrue(), "the manager serves no /metrics")
		manager.Stop()

		artifacts := map[string][]byte{}
		log, err := os.ReadFile(filepath.Join(workDir, "manager.log"))
		Expect(err).NotTo(HaveOccurred())
		Expect(strings.Count(string(log), runSeparator)).To(Equal(managerRuns), "the log should hold every run of the manager")
		Expect(strings.Count(string(log), "\n")).To(BeNumerically(">", 10*managerRuns), "the manager logged next to nothing")
		artifacts["manager.log"] = log
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
		for _, path := range metrics {
			data, err := os.ReadFile(path)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(data)).To(ContainSubstring("wassist_api_requests_total"))
			artifacts[filepath.Base(path)] = data
		}

		var leaks []string
		for _, ns := range namespaces {
			key := keys[ns]
			secretPart := key[strings.LastIndex(key, "_")+1:] // the random part, in case a key is cut or reformatted
			for name, data := range artifacts {
				if n := strings.Count(string(data), secretPart); n > 0 {
					leaks = append(leaks, fmt.Sprintf("%s: the key of %s, %d times", name, ns, n))
				}
			}
		}
		Expect(leaks).To(BeEmpty(), "API keys found in what the operator wrote (%d artifacts checked)", len(artifacts))
		AddReportEntry("hygiene", fmt.Sprintf("%d artifacts (log %d KiB, events and resources of %d namespaces, %d metrics scrapes): no key",
			len(artifacts), len(log)>>10, len(namespaces), len(metrics)))
	})

	var failed bool
	AfterEach(func() { failed = failed || CurrentSpecReport().Failed() })

	AfterAll(func() {
		if failed {
			AddReportEntry("kept for inspection", fmt.Sprintf(
				"%s: manager.log (every run), wassist-sim.log, events, resources and metrics scrapes", workDir))
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
		fmt.Fprintf(&b, "manager: %d runs, SIGKILLed at %v into the storm\n", managerRuns, kills)
		fmt.Fprintf(&b, "users: %d agent edits, %d deployment edits, %d agents deleted (%d with deletionPolicy Orphan)\n",
			w.agentEdits, w.deploymentEdits, len(w.deleted), w.orphaned)
		fmt.Fprintf(&b, "faults fired: %v\n", sim.faultsFired())
		fmt.Fprintf(&b, "events: Created %d, Recovered %d (marker adoptions), Updated %d, Deleted %d, Orphaned %d, CreateAmbiguous %d\n",
			reasons["Created"], reasons["Recovered"], reasons["Updated"], reasons["Deleted"], reasons["Orphaned"],
			reasons[wassistv1alpha1.ReasonCreateAmbiguous])
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
