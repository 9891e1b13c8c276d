// Package crd embeds the CustomResourceDefinitions in bases/, the files `make manifests`
// generates from api/v1alpha1 and installs: kubectl-wassist validate judges manifests by
// these very files, never by a copy that could fall behind them.
package crd

import "embed"

// Bases holds bases/*.yaml, one CustomResourceDefinition a file.
//
//go:embed bases/*.yaml
var Bases embed.FS
