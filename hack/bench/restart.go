package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
)

// restart is the restart phase: the manager stopped and started again with N agents
// Ready, as an upgrade does, and what the new process spends in its first sync period.
type restart struct {
	// Requests are the Wassist requests from the new process's start to the end of its
	// first sync period (and its first bulk check); IdealRequests the bulk check's list
	// pages, ceil(N/100), and nothing per agent.
	Requests      int            `json:"requests_first_period"`
	IdealRequests int            `json:"ideal_requests"`
	ByRoute       map[string]int `json:"requests_by_route"`
	// StatusWrites are the WassistAgents written in that time (their resourceVersion
	// changed), ideal 0: every one was in sync.
	StatusWrites int     `json:"agents_written"`
	WindowS      float64 `json:"window_s"`
	// StartS is from the stop to the new process running its workers.
	StartS float64 `json:"start_s"`
}

// measureRestart stops the manager, starts it again with the same flags, and counts what
// it sends to Wassist and writes to Kubernetes over its first sync period.
func measureRestart(ctx context.Context, o options, s *stack, n int, res *result) error {
	if err := sleep(ctx, settle); err != nil {
		return err
	}
	versions, err := agentVersions(ctx, s.c)
	if err != nil {
		return err
	}
	before, err := s.sim.RequestsFor(ctx, benchKey)
	if err != nil {
		return err
	}
	began := time.Now()
	stop(s.manager)
	if s.manager, err = startManager(filepath.Join(s.dir, "manager-restarted.log"), s); err != nil {
		return err
	}
	if err := s.manager.WaitLog(ctx, time.Minute, "Starting workers", `"wassistagent"`); err != nil {
		return err
	}
	started := time.Now()
	// The first bulk check ticks one period after the start; a little more lets its list
	// and what it queues finish.
	if err := sleep(ctx, o.syncPeriod+settle); err != nil {
		return err
	}
	after, err := s.sim.RequestsFor(ctx, benchKey)
	if err != nil {
		return err
	}
	now, err := agentVersions(ctx, s.c)
	if err != nil {
		return err
	}
	window := after[len(before):]
	r := restart{Requests: len(window), IdealRequests: int(math.Ceil(float64(n) / 100)),
		WindowS: round(time.Since(started).Seconds(), 1), StartS: round(started.Sub(began).Seconds(), 1)}
	_, r.ByRoute = summarize(window)
	for name, v := range now {
		if versions[name] != v {
			r.StatusWrites++
		}
	}
	res.Restart = r
	return nil
}

// agentVersions are the resourceVersions of the bench's WassistAgents, by name.
func agentVersions(ctx context.Context, c client.Reader) (map[string]string, error) {
	list := &wassistv1alpha1.WassistAgentList{}
	if err := c.List(ctx, list, client.InNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("listing agents: %w", err)
	}
	out := make(map[string]string, len(list.Items))
	for _, a := range list.Items {
		out[a.Name] = a.ResourceVersion
	}
	return out, nil
}
