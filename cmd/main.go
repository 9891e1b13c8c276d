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

// Command manager runs the wassist-operator controllers. It only wires: flags, scheme,
// manager options, controllers and probes.
package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"time"

	// Import all Kubernetes client auth plugins (e.g. Azure, GCP, OIDC, etc.)
	// to ensure that exec-entrypoint and run can make use of them.
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	// Root CAs compiled in, used only where the system has none: the image is the binary
	// alone, with no CA bundle beside it (docs/operations.md, The image).
	_ "golang.org/x/crypto/x509roots/fallback"

	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	wassistv1alpha1 "github.com/wassist-operator/wassist-operator/api/v1alpha1"
	"github.com/wassist-operator/wassist-operator/internal/controller"
	"github.com/wassist-operator/wassist-operator/internal/metricsauth"
	"github.com/wassist-operator/wassist-operator/internal/shutdown"
	"github.com/wassist-operator/wassist-operator/internal/version"
	"github.com/wassist-operator/wassist-operator/internal/wassist"
	// +kubebuilder:scaffold:imports
)

var (
	scheme   = runtime.NewScheme()
	setupLog = ctrl.Log.WithName("setup")
)

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(scheme))
	utilruntime.Must(wassistv1alpha1.AddToScheme(scheme))
	// +kubebuilder:scaffold:scheme
}

// options are the manager's command-line flags.
type options struct {
	metricsAddr      string
	metricsCertPath  string
	metricsCertName  string
	metricsCertKey   string
	secureMetrics    bool
	enableHTTP2      bool
	probeAddr        string
	pprofAddr        string
	leaderElection   bool
	leaderElectionNS string
	wassistURL       string
	rateLimit        int
	rateBurst        int
	apiTimeout       time.Duration
	syncPeriod       time.Duration
	workers          int
	bulkDriftCheck   bool
	watchNamespaces  string
	printVersion     bool
	zap              zap.Options
}

func parseFlags() options {
	var o options
	flag.StringVar(&o.metricsAddr, "metrics-bind-address", "0", "The address the metrics endpoint binds to. "+
		"Use :8443 for HTTPS or :8080 for HTTP, or leave as 0 to disable the metrics service.")
	flag.BoolVar(&o.secureMetrics, "metrics-secure", true,
		"Serve metrics over HTTPS with authentication and authorization. Use --metrics-secure=false for plain HTTP.")
	flag.StringVar(&o.metricsCertPath, "metrics-cert-path", "",
		"The directory that contains the metrics server certificate (self-signed when empty).")
	flag.StringVar(&o.metricsCertName, "metrics-cert-name", "tls.crt", "The name of the metrics server certificate file.")
	flag.StringVar(&o.metricsCertKey, "metrics-cert-key", "tls.key", "The name of the metrics server key file.")
	flag.BoolVar(&o.enableHTTP2, "enable-http2", false, "Enable HTTP/2 for the metrics server.")
	flag.StringVar(&o.probeAddr, "health-probe-bind-address", ":8081", "The address the probe endpoint binds to.")
	flag.StringVar(&o.pprofAddr, "pprof-bind-address", "0",
		"The address Go's pprof endpoints bind to, for a memory or CPU profile. 0 disables them.")
	flag.BoolVar(&o.leaderElection, "leader-elect", false,
		"Enable leader election, so that only one replica of the manager is active at a time.")
	flag.StringVar(&o.leaderElectionNS, "leader-election-namespace", "",
		"The namespace of the leader election lease (defaults to the manager's own namespace).")
	flag.StringVar(&o.wassistURL, "wassist-api-url", wassist.DefaultBaseURL, "The base URL of the Wassist REST API.")
	flag.IntVar(&o.rateLimit, "rate-limit", wassist.DefaultRequestsPerMinute,
		"Requests per minute per API key, shared by every resource that uses the key.")
	flag.IntVar(&o.rateBurst, "rate-burst", wassist.DefaultBurst, "Requests per API key that may go at once.")
	flag.DurationVar(&o.apiTimeout, "api-timeout", 30*time.Second, "Timeout of one Wassist API call.")
	flag.DurationVar(&o.syncPeriod, "sync-period", controller.DefaultSyncPeriod,
		"How often a Ready resource is compared with the remote state (jittered).")
	flag.IntVar(&o.workers, "max-concurrent-reconciles", 4,
		"Objects of each kind reconciled at once. All workers share each key's rate budget.")
	flag.BoolVar(&o.bulkDriftCheck, "bulk-drift-check", true,
		"Find drift with one list of agents per API key and sync period, instead of one GET per agent and period.")
	flag.StringVar(&o.watchNamespaces, "watch-namespaces", "",
		"Comma-separated namespaces to watch (and cache); empty watches all namespaces.")
	flag.BoolVar(&o.printVersion, "version", false, "Print the version and exit.")
	o.zap = zap.Options{Development: false}
	o.zap.BindFlags(flag.CommandLine)
	flag.Parse()
	return o
}

// metricsOptions serves metrics behind Kubernetes authn/authz, as kubebuilder scaffolds it
// (with a lighter filter, see internal/metricsauth).
func metricsOptions(o options) metricsserver.Options {
	var tlsOpts []func(*tls.Config)
	if !o.enableHTTP2 {
		// HTTP/2 stays off by default: it exposes the Stream Cancellation and Rapid Reset
		// CVEs (GHSA-qppj-fm5r-hxr3, GHSA-4374-p667-p6c8).
		tlsOpts = append(tlsOpts, func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} })
	}
	m := metricsserver.Options{BindAddress: o.metricsAddr, SecureServing: o.secureMetrics, TLSOpts: tlsOpts}
	if o.secureMetrics {
		m.FilterProvider = metricsauth.WithAuthenticationAndAuthorization
	}
	if o.metricsCertPath != "" {
		m.CertDir, m.CertName, m.KeyName = o.metricsCertPath, o.metricsCertName, o.metricsCertKey
	}
	return m
}

func main() {
	o := parseFlags()
	if o.printVersion {
		fmt.Println(version.String())
		return
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&o.zap)))

	mgr, err := ctrl.NewManager(ctrl.GetConfigOrDie(), ctrl.Options{
		Scheme:                  scheme,
		Metrics:                 metricsOptions(o),
		HealthProbeBindAddress:  o.probeAddr,
		PprofBindAddress:        o.pprofAddr,
		LeaderElection:          o.leaderElection,
		LeaderElectionID:        "wassist-operator.wassist.app",
		LeaderElectionNamespace: o.leaderElectionNS,
		// The process exits as soon as the manager stops, so stepping down on cancel is
		// safe and lets a new leader start without waiting out the lease.
		LeaderElectionReleaseOnCancel: true,
		Cache:                         controller.CacheOptions(o.watchNamespaces),
		GracefulShutdownTimeout:       new(gracefulShutdown),
	})
	if err != nil {
		setupLog.Error(err, "Failed to start manager")
		os.Exit(1)
	}

	// One client, and so one rate budget, per API key, shared by both controllers.
	apiClients := wassist.NewPool(wassist.PoolOptions{
		Options: wassist.Options{
			BaseURL: o.wassistURL,
			Timeout: o.apiTimeout,
			Metrics: wassist.NewMetrics(ctrlmetrics.Registry),
		},
		RequestsPerMinute: o.rateLimit,
		Burst:             o.rateBurst,
		StartEmpty:        true,
	})

	ctrlmetrics.Registry.MustRegister(version.BuildInfo())
	if _, err := controller.Setup(context.Background(), mgr, controller.Options{
		Wassist:        apiClients,
		SyncPeriod:     o.syncPeriod,
		Workers:        o.workers,
		BulkDriftCheck: o.bulkDriftCheck,
		Registry:       ctrlmetrics.Registry,
	}); err != nil {
		setupLog.Error(err, "Failed to set up the controllers")
		os.Exit(1)
	}
	// +kubebuilder:scaffold:builder

	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		setupLog.Error(err, "Failed to set up health check")
		os.Exit(1)
	}
	ctx := ctrl.SetupSignalHandler()
	synced := shutdown.WatchCacheSync(ctx, mgr.GetCache())
	// Ready only once the caches have synced: a manager whose RBAC forbids its watches
	// does no work, and says so.
	if err := mgr.AddReadyzCheck("readyz", func(*http.Request) error {
		if !synced.Load() {
			return errors.New("caches not synced yet (see the log for forbidden lists or watches)")
		}
		return nil
	}); err != nil {
		setupLog.Error(err, "Failed to set up ready check")
		os.Exit(1)
	}
	go shutdown.ExitIfStuck(ctx, setupLog, synced, gracefulShutdown)

	setupLog.Info("Starting manager", "version", version.Version, "revision", version.Revision)
	if err := mgr.Start(ctx); err != nil {
		setupLog.Error(err, "Failed to run manager")
		os.Exit(1)
	}
}

// gracefulShutdown is how long the manager waits for its runnables when stopped.
const gracefulShutdown = 30 * time.Second
