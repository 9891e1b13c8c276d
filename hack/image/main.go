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

// Command image assembles the manager's container image without a container engine: a
// multi-arch OCI image whose one layer is the static manager binary (root CAs compiled in,
// no shell, no base image), run as UID/GID 65532, with the OCI labels. It writes an OCI
// image layout, which `crane push` or `skopeo copy oci:` sends to a registry
// (docs/operations.md, The image).
//
//	image build   --out bin/image --version 0.1.0 --revision <git sha>
//	image extract --layout bin/image --platform linux/amd64 --out bin/image-manager
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: image build|extract [flags] (see -h of each)")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = runBuild(os.Args[2:])
	case "extract":
		err = runExtract(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: want build or extract", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func runBuild(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	var o buildOptions
	var platforms string
	fs.StringVar(&o.Out, "out", "bin/image", "Directory of the OCI image layout to write (replaced).")
	fs.StringVar(&o.Version, "version", "", "Version stamped into the binary and the labels (the VERSION file).")
	fs.StringVar(&o.Revision, "revision", "", "Git revision stamped into the binary and the labels.")
	fs.StringVar(&o.Source, "source", defaultSource, "Source repository URL (label org.opencontainers.image.source).")
	fs.Int64Var(&o.Created, "created", 0, "Image creation time, Unix seconds (SOURCE_DATE_EPOCH: the commit's time).")
	fs.StringVar(&platforms, "platforms", "linux/amd64,linux/arm64", "Comma-separated os/arch to build.")
	fs.StringVar(&o.Module, "module", ".", "Directory of the Go module holding ./cmd.")
	_ = fs.Parse(args)
	if o.Version == "" || o.Revision == "" {
		return fmt.Errorf("--version and --revision are required")
	}
	o.Platforms = strings.Split(platforms, ",")
	return build(o)
}

func runExtract(args []string) error {
	fs := flag.NewFlagSet("extract", flag.ExitOnError)
	layoutDir := fs.String("layout", "bin/image", "Directory of the OCI image layout.")
	platform := fs.String("platform", "linux/amd64", "os/arch of the image to take the binary from.")
	out := fs.String("out", "bin/image-manager", "Where to write the binary.")
	_ = fs.Parse(args)
	return extract(*layoutDir, *platform, *out)
}
