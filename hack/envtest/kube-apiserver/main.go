// Command kube-apiserver is the upstream API server, built from the pinned
// k8s.io/kubernetes module so that envtest needs nothing but the Go module proxy.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // the upstream binary registers the JSON log format
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	command := app.NewAPIServerCommand()
	os.Exit(cli.Run(command))
}
