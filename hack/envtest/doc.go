// Package envtest pins the Kubernetes control-plane binaries the tests run against.
//
// kube-apiserver comes from k8s.io/kubernetes, etcd from go.etcd.io/etcd/server/v3 and
// kubectl from k8s.io/kubectl, all at fixed versions in this module's go.mod, so that
// `make envtest` builds them with nothing but the Go module proxy. This is a module of its
// own to keep k8s.io/kubernetes out of the operator's dependency graph.
package envtest
