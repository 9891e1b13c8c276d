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

// Package version is the operator's version, stamped at build time (the Makefile's
// LDFLAGS, from the VERSION file and the Git revision): the binary's --version and the
// build_info metric read it from here; the image's labels take the same VERSION and
// revision from the Makefile.
package version

import (
	"fmt"
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
)

// Stamped with -ldflags "-X <package>.Version=... -X <package>.Revision=...". A plain
// `go build` leaves the defaults, which say so.
var (
	Version  = "0.0.0-dev"
	Revision = "unknown"
)

// String is what --version prints.
func String() string {
	return fmt.Sprintf("wassist-operator %s (revision %s, %s, %s/%s)", Version, Revision,
		runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

// BuildInfo is the gauge wassist_operator_build_info, always 1, whose labels carry the
// version: joined to other series, it tells which build sent them.
func BuildInfo() prometheus.Collector {
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "wassist_operator_build_info",
		Help: "The manager's version, Git revision and Go version, as labels of a constant 1.",
		ConstLabels: prometheus.Labels{
			"version": Version, "revision": Revision, "goversion": runtime.Version(),
		},
	})
	g.Set(1)
	return g
}
