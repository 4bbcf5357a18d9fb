// Package templates holds the runbook, collection and ticket templates certswap renders, embedded
// in the binary. It holds no code: package generator parses and renders them.
package templates

import "embed"

// FS holds every *.tmpl file of this folder.
//
//go:embed *.tmpl
var FS embed.FS
