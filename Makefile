# One version for the binary, the image, the chart and dist/install.yaml: the VERSION file.
VERSION ?= $(shell cat VERSION)
REVISION ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
# The image's creation time is the commit's, so that a rebuild of one commit gives one digest.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
LDFLAGS ?= -X github.com/wassist-operator/wassist-operator/internal/version.Version=$(VERSION) \
	-X github.com/wassist-operator/wassist-operator/internal/version.Revision=$(REVISION)
# Image URL to use all building/pushing image targets
IMG ?= ghcr.io/wassist-operator/wassist-operator:$(VERSION)
# YEAR defines the year value used for substituting the YEAR placeholder in the boilerplate header.
YEAR ?= $(shell date +%Y)

# Get the currently used golang install path (in GOPATH/bin, unless GOBIN is set)
ifeq (,$(shell go env GOBIN))
GOBIN=$(shell go env GOPATH)/bin
else
GOBIN=$(shell go env GOBIN)
endif

# CONTAINER_TOOL defines the container tool to be used for building images.
# Be aware that the target commands are only tested with Docker which is
# scaffolded by default. However, you might want to replace it to use other
# tools. (i.e. podman)
CONTAINER_TOOL ?= docker

# Setting SHELL to bash allows bash commands to be executed by recipes.
# Options are set to exit when a recipe line exits non-zero or a piped command fails.
SHELL = /usr/bin/env bash -o pipefail
.SHELLFLAGS = -ec

.PHONY: all
all: build

##@ General

# The help target prints out all targets with their descriptions organized
# beneath their categories. The categories are represented by '##@' and the
# target descriptions by '##'. The awk command is responsible for reading the
# entire set of makefiles included in this invocation, looking for lines of the
# file as xyz: ## something, and then pretty-format the target and help. Then,
# if there's a line with ##@ something, that gets pretty-printed as a category.
# More info on the usage of ANSI control characters for terminal formatting:
# https://en.wikipedia.org/wiki/ANSI_escape_code#SGR_parameters
# More info on the awk command:
# http://linuxcommand.org/lc3_adv_awk.php

.PHONY: help
help: ## Display this help.
	@awk 'BEGIN {FS = ":.*##"; printf "\nUsage:\n  make \033[36m<target>\033[0m\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  \033[36m%-15s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) } ' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: controller-gen ## Generate CRDs and the manager ClusterRole, stamp VERSION into the chart and config/manager, write the chart's copies and README.
	"$(CONTROLLER_GEN)" rbac:roleName=manager-role crd webhook paths="./..." output:crd:artifacts:config=config/crd/bases
	sed -i -E -e 's/^(version: ).*/\1$(VERSION)/' -e 's/^(appVersion: ).*/\1"$(VERSION)"/' \
		-e 's|(image: ghcr.io/wassist-operator/wassist-operator:).*|\1$(VERSION)|' dist/chart/Chart.yaml
	sed -i -E 's/^(  newTag: ).*/\1$(VERSION)/' config/manager/kustomization.yaml
	go run ./hack/chart-readme --chart dist/chart
	rm -f dist/chart/crds/*.yaml
	cp config/crd/bases/*.yaml dist/chart/crds/
	cp config/rbac/role.yaml dist/chart/files/manager-role.yaml
	cp config/prometheus/rules.yaml dist/chart/files/alerts.yaml
	cp config/grafana/wassist-operator-dashboard.json dist/chart/files/wassist-operator-dashboard.json

.PHONY: generate
generate: controller-gen ## Generate code containing DeepCopy, DeepCopyInto, and DeepCopyObject method implementations.
	"$(CONTROLLER_GEN)" object:headerFile="hack/boilerplate.go.txt",year=$(YEAR) paths="./..."

.PHONY: fmt
fmt: ## Run go fmt against code.
	go fmt ./...

.PHONY: vet
vet: ## Run go vet against code.
	go vet ./...

.PHONY: test
test: manifests generate fmt vet envtest ginkgo helm kustomize ## Run the unit and envtest suites against a real kube-apiserver and etcd.
	KUBEBUILDER_ASSETS="$(KUBEBUILDER_ASSETS)" HELM="$(HELM)" KUSTOMIZE="$(KUSTOMIZE)" "$(GINKGO)" run -r --skip-package=test/e2e,test/chaos,hack/image \
		--timeout=30m --poll-progress-after=120s --cover --coverprofile=cover.out --output-dir=. ./...
	@echo "==> again, with the simulator serving bare arrays where the API has been seen to (WASSIST_SIM_BARE_LISTS=1)"
	WASSIST_SIM_BARE_LISTS=1 KUBEBUILDER_ASSETS="$(KUBEBUILDER_ASSETS)" "$(GINKGO)" run --timeout=30m \
		./internal/wassist/... ./internal/controller/

# E2E_MANAGER_BIN runs the suite with that manager binary instead of one built from cmd/.
E2E_MANAGER_BIN ?=
.PHONY: test-e2e
test-e2e: manifests generate envtest ginkgo kustomize helm ## Run the end-to-end suite (config/default's RBAC, manager and simulator as processes).
	KUBEBUILDER_ASSETS="$(KUBEBUILDER_ASSETS)" KUSTOMIZE="$(KUSTOMIZE)" HELM="$(HELM)" E2E_MANAGER_BIN="$(E2E_MANAGER_BIN)" \
		"$(GINKGO)" run --tags=e2e --timeout=60m ./test/e2e/

.PHONY: test-oldest
test-oldest: manifests generate envtest-oldest ginkgo ## Run the CRD schema and controller suites against the oldest supported kube-apiserver.
	"$(OLDEST_DIR)/kube-apiserver" --version
	KUBEBUILDER_ASSETS="$(OLDEST_DIR)" "$(GINKGO)" run --timeout=30m ./api/... ./internal/controller/

# CHAOS_SEED repeats a run (the suite prints its seed); CHAOS_ARGS passes other -chaos.* flags,
# e.g. CHAOS_ARGS="-chaos.agents=50 -chaos.manager-bin=/path/to/manager". See docs/chaos.md.
CHAOS_SEED ?=
CHAOS_ARGS ?=
.PHONY: test-chaos
test-chaos: manifests generate envtest ginkgo kustomize ## Run the chaos suite (faults, SIGKILLs, edits and deletes; then every invariant and the secret hygiene).
	KUBEBUILDER_ASSETS="$(KUBEBUILDER_ASSETS)" KUSTOMIZE="$(KUSTOMIZE)" "$(GINKGO)" run --tags=chaos --timeout=30m ./test/chaos/ -- \
		$(if $(CHAOS_SEED),-chaos.seed=$(CHAOS_SEED)) $(CHAOS_ARGS)

FUZZTIME ?= 60s
.PHONY: fuzz
fuzz: ## Fuzz the decoding of API answers and the spec-to-request mapping, FUZZTIME each (the seed corpora already run in make test).
	go test -run '^$$' -fuzz=FuzzDecodeAnswer -fuzztime=$(FUZZTIME) ./internal/wassist/
	go test -run '^$$' -fuzz=FuzzAgentRequest -fuzztime=$(FUZZTIME) ./internal/controller/

.PHONY: docs
docs: crd-ref-docs ## Generate docs/api.md from the Go types of api/v1alpha1.
	"$(CRD_REF_DOCS)" --source-path=./api/v1alpha1 --renderer=markdown --config=hack/crd-ref-docs/config.yaml \
		--templates-dir=hack/crd-ref-docs/templates --output-path=docs/api.md

# The chart's kubeVersion floor: helm-lint renders for the oldest Kubernetes it supports.
CHART_KUBE_VERSION ?= 1.34.0
.PHONY: helm-lint
helm-lint: helm ## Lint the Helm chart and render it with default and non-default values.
	"$(HELM)" lint --strict dist/chart
	"$(HELM)" template t dist/chart --kube-version $(CHART_KUBE_VERSION) > /dev/null
	"$(HELM)" template t dist/chart --kube-version $(CHART_KUBE_VERSION) --set 'serviceMonitor.enabled=true,watchNamespaces={a,b},metrics.enabled=false,prometheusRule.enabled=true,grafanaDashboard.enabled=true' > /dev/null

# shellcheck and pyflakes are installed neither here nor in CI, so -shellcheck= and -pyflakes=
# turn the checks of run: scripts off explicitly, rather than have them hang on what is on PATH.
.PHONY: lint-workflows
lint-workflows: actionlint ## Lint the GitHub Actions workflows (.github/workflows) with actionlint.
	"$(ACTIONLINT)" -no-color -shellcheck= -pyflakes= .github/workflows/*.yaml

.PHONY: lint
lint: golangci-lint check-files ## Run golangci-lint linter, and check that no build output or large file is committed
	"$(GOLANGCI_LINT)" run

.PHONY: check-files
check-files: ## Fail on a committed executable, or a file over 1 MiB outside hack/check-files/large-files.txt
	hack/check-files/check.sh

.PHONY: lint-fix
lint-fix: golangci-lint ## Run golangci-lint linter and perform fixes
	"$(GOLANGCI_LINT)" run --fix

.PHONY: lint-config
lint-config: golangci-lint ## Verify golangci-lint linter configuration
	"$(GOLANGCI_LINT)" config verify

##@ Build

.PHONY: build
build: manifests generate fmt vet ## Build manager binary.
	go build -ldflags "$(LDFLAGS)" -o bin/manager ./cmd
	go build -ldflags "$(LDFLAGS)" -o bin/kubectl-wassist ./cmd/kubectl-wassist

IMAGE_LAYOUT ?= bin/image
.PHONY: image
image: ## Build the multi-arch (amd64, arm64) manager image as an OCI layout in bin/image, without Docker.
	go run ./hack/image build --out "$(IMAGE_LAYOUT)" --version "$(VERSION)" --revision "$(REVISION)" \
		--created "$(SOURCE_DATE_EPOCH)"

.PHONY: test-image
test-image: image manifests envtest ginkgo kustomize helm ## Read the image back, then run the e2e suite with the manager taken out of it.
	IMAGE_LAYOUT="$(abspath $(IMAGE_LAYOUT))" IMAGE_VERSION="$(VERSION)" IMAGE_REVISION="$(REVISION)" \
		go test -count=1 ./hack/image/
	go run ./hack/image extract --layout "$(IMAGE_LAYOUT)" --platform linux/$(shell go env GOARCH) --out bin/image-manager
	$(MAKE) test-e2e E2E_MANAGER_BIN="$(abspath bin/image-manager)"

.PHONY: demo
demo: manifests envtest build ## Run the demo: a local control plane (with the namespace controller), the simulator, the operator and the samples.
	go build -o bin/wassist-sim ./cmd/wassist-sim
	go run ./hack/demo --assets "$(ENVTEST_DIR)" --bin bin $(DEMO_ARGS)

.PHONY: bench
bench: manifests envtest build ## Benchmark convergence, requests, edit latency and memory (BENCH_ARGS for flags; see docs/benchmarks.md).
	go build -o bin/wassist-sim ./cmd/wassist-sim
	go build -o bin/bench-floor ./hack/bench/floor
	go run ./hack/bench --assets "$(ENVTEST_DIR)" --bin bin $(BENCH_ARGS)

.PHONY: bench-growth
bench-growth: manifests envtest build ## Growth: N = 100, 1,000 and 10,000 agents (RSS and CPU per 1,000, idle cost), about 15 minutes (see docs/benchmarks.md).
	go build -o bin/wassist-sim ./cmd/wassist-sim
	go build -o bin/bench-floor ./hack/bench/floor
	go run ./hack/bench --assets "$(ENVTEST_DIR)" --bin bin --n 100,1000,10000 --sync-period 30s \
		--json bench-growth.json --svg bench-growth-convergence.svg --growth-svg docs/benchmark-growth.svg $(BENCH_ARGS)

.PHONY: bench-tenants
bench-tenants: manifests envtest build ## Many keys at the real budget: 50 keys × 40 agents beside a 429-storm and a rejected tenant, about 4 minutes (see docs/benchmarks.md).
	go build -o bin/wassist-sim ./cmd/wassist-sim
	go run ./hack/bench --assets "$(ENVTEST_DIR)" --bin bin --keys 50 --n 40 --bad-tenants --json bench-tenants.json --svg bench-tenants.svg $(BENCH_ARGS)

.PHONY: run
run: manifests generate fmt vet ## Run a controller from your host.
	go run ./cmd

# If you wish to build the manager image targeting other platforms you can use the --platform flag.
# (i.e. docker build --platform linux/arm64). However, you must enable docker buildKit for it.
# More info: https://docs.docker.com/develop/develop-images/build_enhancements/
# Override BASE_IMAGE to build from another registry, e.g.
# make docker-build IMG=<img> BASE_IMAGE=docker.io/library/golang:1.26
.PHONY: docker-build
docker-build: ## Build docker image with the manager (the same image as make image, for one platform).
	$(CONTAINER_TOOL) build $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) \
		--build-arg VERSION=$(VERSION) --build-arg REVISION=$(REVISION) \
		--build-arg CREATED="$$(date -u -d @$(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r $(SOURCE_DATE_EPOCH) +%Y-%m-%dT%H:%M:%SZ)" \
		-t ${IMG} .

.PHONY: docker-push
docker-push: ## Push docker image with the manager.
	$(CONTAINER_TOOL) push ${IMG}

# PLATFORMS defines the target platforms for the manager image be built to provide support to multiple
# architectures. (i.e. make docker-buildx IMG=myregistry/mypoperator:0.0.1). To use this option you need to:
# - be able to use docker buildx. More info: https://docs.docker.com/build/buildx/
# - have enabled BuildKit. More info: https://docs.docker.com/develop/develop-images/build_enhancements/
# - be able to push the image to your registry (i.e. if you do not set a valid value via IMG=<myregistry/image:<tag>> then the export will fail)
# To adequately provide solutions that are compatible with multiple platforms, you should consider using this option.
PLATFORMS ?= linux/arm64,linux/amd64,linux/s390x,linux/ppc64le
.PHONY: docker-buildx
docker-buildx: ## Build and push docker image for the manager for cross-platform support
	# copy existing Dockerfile and insert --platform=${BUILDPLATFORM} into Dockerfile.cross, and preserve the original Dockerfile
	sed -e '1 s/\(^FROM\)/FROM --platform=\$$\{BUILDPLATFORM\}/; t' -e ' 1,// s//FROM --platform=\$$\{BUILDPLATFORM\}/' Dockerfile > Dockerfile.cross
	- $(CONTAINER_TOOL) buildx create --name wassist-operator-builder
	$(CONTAINER_TOOL) buildx use wassist-operator-builder
	- $(CONTAINER_TOOL) buildx build --push --platform=$(PLATFORMS) $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) --tag ${IMG} -f Dockerfile.cross .
	- $(CONTAINER_TOOL) buildx rm wassist-operator-builder
	rm Dockerfile.cross

.PHONY: build-installer
build-installer: manifests generate kustomize ## Generate a consolidated YAML with CRDs and deployment.
	mkdir -p dist
	cd config/manager && "$(KUSTOMIZE)" edit set image controller=${IMG}
	"$(KUSTOMIZE)" build config/default > dist/install.yaml

##@ Deployment

ifndef ignore-not-found
  ignore-not-found = false
endif

.PHONY: install
install: manifests kustomize kubectl ## Install CRDs into the cluster in KUBECONFIG.
	@out="$$( "$(KUSTOMIZE)" build config/crd 2>/dev/null || true )"; \
	if [ -n "$$out" ]; then echo "$$out" | "$(KUBECTL)" apply -f -; else echo "No CRDs to install; skipping."; fi

.PHONY: uninstall
uninstall: manifests kustomize kubectl ## Uninstall CRDs from the cluster in KUBECONFIG. Call with ignore-not-found=true to ignore resource not found errors during deletion.
	@out="$$( "$(KUSTOMIZE)" build config/crd 2>/dev/null || true )"; \
	if [ -n "$$out" ]; then echo "$$out" | "$(KUBECTL)" delete --ignore-not-found=$(ignore-not-found) -f -; else echo "No CRDs to delete; skipping."; fi

.PHONY: deploy
deploy: manifests kustomize kubectl ## Deploy the operator to the cluster in KUBECONFIG.
	cd config/manager && "$(KUSTOMIZE)" edit set image controller=${IMG}
	"$(KUSTOMIZE)" build config/default | "$(KUBECTL)" apply -f -

.PHONY: undeploy
undeploy: kustomize kubectl ## Undeploy the operator from the cluster in KUBECONFIG. Call with ignore-not-found=true to ignore resource not found errors during deletion.
	"$(KUSTOMIZE)" build config/default | "$(KUBECTL)" delete --ignore-not-found=$(ignore-not-found) -f -

##@ Dependencies

## Location to install dependencies to
LOCALBIN ?= $(shell pwd)/bin
$(LOCALBIN):
	mkdir -p "$(LOCALBIN)"

## Tool Binaries
KUSTOMIZE ?= $(LOCALBIN)/kustomize
CONTROLLER_GEN ?= $(LOCALBIN)/controller-gen
GOLANGCI_LINT = $(LOCALBIN)/golangci-lint
GINKGO ?= $(LOCALBIN)/ginkgo
HELM ?= $(LOCALBIN)/helm
CRD_REF_DOCS ?= $(LOCALBIN)/crd-ref-docs
ACTIONLINT ?= $(LOCALBIN)/actionlint

## Tool Versions
KUSTOMIZE_VERSION ?= v5.8.1
CONTROLLER_TOOLS_VERSION ?= v0.23.0
GOLANGCI_LINT_VERSION ?= v2.15.0
HELM_VERSION ?= v3.22.0
# What helm's own release build stamps: without it a go-installed helm reports no version and
# assumes Kubernetes v1.20 for `helm template`, which the chart's kubeVersion refuses. The
# Kubernetes version is the one helm's client-go (v0.37 for helm v3.22) speaks.
HELM_LDFLAGS ?= -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION) \
	-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37 \
	-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=37
CRD_REF_DOCS_VERSION ?= v0.3.0
ACTIONLINT_VERSION ?= v1.7.12
# The ginkgo CLI must match the library the suites are compiled with.
GINKGO_VERSION ?= $(call gomodver,github.com/onsi/ginkgo/v2)

## Control-plane binaries for envtest and the demo: kube-apiserver, kube-controller-manager, etcd and kubectl,
## built from the versions pinned in hack/envtest/go.mod (no download site needed).
ENVTEST_K8S_VERSION ?= $(shell cd hack/envtest && go list -m -f '{{.Version}}' k8s.io/kubernetes | sed 's/^v//')
ENVTEST_DIR ?= $(LOCALBIN)/k8s/$(ENVTEST_K8S_VERSION)-$(shell go env GOOS)-$(shell go env GOARCH)
ENVTEST_SOURCES := hack/envtest/go.mod hack/envtest/go.sum $(wildcard hack/envtest/*/main.go)
KUBECTL ?= $(ENVTEST_DIR)/kubectl
# A KUBEBUILDER_ASSETS set by the caller wins; otherwise the tests use the binaries built here.
ifeq ($(origin KUBEBUILDER_ASSETS),undefined)
KUBEBUILDER_ASSETS := $(ENVTEST_DIR)
ENVTEST_DEP := $(ENVTEST_DIR)/kube-apiserver
endif

.PHONY: envtest
envtest: $(ENVTEST_DEP) ## Build kube-apiserver, kube-controller-manager, etcd and kubectl for envtest (skipped when KUBEBUILDER_ASSETS is set).
$(ENVTEST_DIR)/kube-apiserver: $(ENVTEST_SOURCES) | $(LOCALBIN)
	@echo "Building kube-apiserver, kube-controller-manager, etcd and kubectl $(ENVTEST_K8S_VERSION) into $(ENVTEST_DIR) (about 7 minutes cold)"
	cd hack/envtest && go build -o "$(ENVTEST_DIR)/" -ldflags "$(call k8s_version_ldflags,$(ENVTEST_K8S_VERSION))" \
		./kube-apiserver ./kube-controller-manager ./etcd ./kubectl
	@touch "$@"

# The version the API server reports (/version), which the release's own build stamps; the
# suites read it to know which Kubernetes they run against.
k8s_version_ldflags = -X k8s.io/component-base/version.gitVersion=v$(1) \
	-X k8s.io/component-base/version.gitMajor=$(word 1,$(subst ., ,$(1))) \
	-X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(1)))

# The oldest Kubernetes the docs claim (docs/upgrading.md): its kube-apiserver, built from that
# release's pinned modules in hack/envtest/oldest, with the etcd built above (the API server
# speaks etcd's v3 API, the same in both).
OLDEST_K8S_VERSION ?= $(shell cd hack/envtest/oldest && go list -m -f '{{.Version}}' k8s.io/kubernetes | sed 's/^v//')
OLDEST_DIR ?= $(LOCALBIN)/k8s/$(OLDEST_K8S_VERSION)-$(shell go env GOOS)-$(shell go env GOARCH)
.PHONY: envtest-oldest
envtest-oldest: $(OLDEST_DIR)/kube-apiserver $(OLDEST_DIR)/etcd ## Build the oldest supported kube-apiserver for make test-oldest.
$(OLDEST_DIR)/kube-apiserver: hack/envtest/oldest/go.mod hack/envtest/oldest/go.sum hack/envtest/oldest/kube-apiserver/main.go
	@echo "Building kube-apiserver $(OLDEST_K8S_VERSION) into $(OLDEST_DIR) (about 5 minutes cold)"
	cd hack/envtest/oldest && go build -o "$(OLDEST_DIR)/" -ldflags "$(call k8s_version_ldflags,$(OLDEST_K8S_VERSION))" ./kube-apiserver
	@touch "$@"
$(OLDEST_DIR)/etcd: | $(ENVTEST_DIR)/kube-apiserver
	mkdir -p "$(OLDEST_DIR)"
	ln -sf "$(ENVTEST_DIR)/etcd" "$@"

.PHONY: kubectl
kubectl: $(ENVTEST_DIR)/kube-apiserver ## Build kubectl into ./bin (with the envtest binaries).

.PHONY: kustomize
kustomize: $(KUSTOMIZE) ## Download kustomize locally if necessary.
$(KUSTOMIZE): $(LOCALBIN)
	$(call go-install-tool,$(KUSTOMIZE),sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

.PHONY: controller-gen
controller-gen: $(CONTROLLER_GEN) ## Download controller-gen locally if necessary.
$(CONTROLLER_GEN): $(LOCALBIN)
	$(call go-install-tool,$(CONTROLLER_GEN),sigs.k8s.io/controller-tools/cmd/controller-gen,$(CONTROLLER_TOOLS_VERSION))

.PHONY: golangci-lint
golangci-lint: $(GOLANGCI_LINT) ## Download golangci-lint locally if necessary.
$(GOLANGCI_LINT): $(LOCALBIN)
	$(call go-install-tool,$(GOLANGCI_LINT),github.com/golangci/golangci-lint/v2/cmd/golangci-lint,$(GOLANGCI_LINT_VERSION))

.PHONY: helm
helm: $(HELM) ## Download helm locally if necessary.
$(HELM): $(LOCALBIN)
	$(call go-install-tool,$(HELM),helm.sh/helm/v3/cmd/helm,$(HELM_VERSION),$(HELM_LDFLAGS))

.PHONY: crd-ref-docs
crd-ref-docs: $(CRD_REF_DOCS) ## Download crd-ref-docs locally if necessary.
$(CRD_REF_DOCS): $(LOCALBIN)
	$(call go-install-tool,$(CRD_REF_DOCS),github.com/elastic/crd-ref-docs,$(CRD_REF_DOCS_VERSION))

.PHONY: actionlint
actionlint: $(ACTIONLINT) ## Download actionlint locally if necessary.
$(ACTIONLINT): $(LOCALBIN)
	$(call go-install-tool,$(ACTIONLINT),github.com/rhysd/actionlint/cmd/actionlint,$(ACTIONLINT_VERSION))

.PHONY: ginkgo
ginkgo: $(LOCALBIN) ## Install the ginkgo CLI matching go.mod.
	$(call go-install-tool,$(GINKGO),github.com/onsi/ginkgo/v2/ginkgo,$(GINKGO_VERSION))

# go-install-tool will 'go install' any package with custom target and name of binary, if it doesn't exist
# $1 - target path with name of binary
# $2 - package url which can be installed
# $3 - specific version of package
# $4 - optional -ldflags for the build
define go-install-tool
@[ -f "$(1)-$(3)" ] && [ "$$(readlink -- "$(1)" 2>/dev/null)" = "$(1)-$(3)" ] || { \
set -e; \
package=$(2)@$(3) ;\
echo "Downloading $${package}" ;\
rm -f "$(1)" ;\
GOBIN="$(LOCALBIN)" go install -ldflags '$(4)' $${package} ;\
mv "$(LOCALBIN)/$$(basename "$(1)")" "$(1)-$(3)" ;\
} ;\
ln -sf "$$(realpath "$(1)-$(3)")" "$(1)"
endef

define gomodver
$(shell go list -m -f '{{if .Replace}}{{.Replace.Version}}{{else}}{{.Version}}{{end}}' $(1) 2>/dev/null)
endef
