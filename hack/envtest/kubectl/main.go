// Command kubectl is the upstream kubectl, built from the pinned k8s.io/kubectl module
// so that the Makefile's install/deploy targets and the demo need no kubectl on the host.
package main

import (
	"k8s.io/component-base/cli"
	"k8s.io/kubectl/pkg/cmd"
	"k8s.io/kubectl/pkg/cmd/util"
)

func main() {
	command := cmd.NewDefaultKubectlCommand()
	if err := cli.RunNoErrOutput(command); err != nil {
		util.CheckErr(err)
	}
}
