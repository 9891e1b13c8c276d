// Command kube-controller-manager is the upstream controller manager, built from the pinned
// k8s.io/kubernetes module. The e2e suite runs it for the namespace controller (and the
// garbage collector), so that deleting a whole namespace goes the way it does in a cluster.
package main

import (
	"os"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register" // the upstream binary registers the JSON log format
	"k8s.io/kubernetes/cmd/kube-controller-manager/app"
)

func main() {
	command := app.NewControllerManagerCommand()
	os.Exit(cli.Run(command))
}
