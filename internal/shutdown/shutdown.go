// Package shutdown works around a controller-runtime v0.25 bug that can keep a stopped
// manager from ever returning, so that the process still ends when it is told to.
package shutdown

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// WatchCacheSync reports, once it is true, that the caches of c have synced.
func WatchCacheSync(ctx context.Context, c cache.Cache) *atomic.Bool {
	synced := &atomic.Bool{}
	go func() { synced.Store(c.WaitForCacheSync(ctx)) }()
	return synced
}

// ExitIfStuck ends the process when a stop signal (ctx done) did not end the manager in
// time. controller-runtime v0.25 spins in runnableGroup.Start, and never returns, when
// its context is cancelled before the caches synced (kubernetes-sigs/controller-runtime#3440),
// as happens to a manager whose RBAC forbids its watches. Before the sync no controller
// has started, so there is nothing to wait for; after it, the grace period applies.
func ExitIfStuck(ctx context.Context, log logr.Logger, synced *atomic.Bool, grace time.Duration) {
	<-ctx.Done()
	wait := grace + 5*time.Second
	if !synced.Load() {
		wait = time.Second
	}
	time.Sleep(wait)
	log.Info("The manager did not stop in time; exiting", "waited", wait, "cachesSynced", synced.Load())
	os.Exit(1)
}
