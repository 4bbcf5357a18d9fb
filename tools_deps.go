//go:build tools

// Temporary: keeps the chosen modules in go.mod while packages are written. Removed before release.
package main

import (
	_ "github.com/Masterminds/sprig/v3"
	_ "github.com/rogpeppe/go-internal/testscript"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/spf13/pflag"
	_ "golang.org/x/crypto/cryptobyte"
	_ "golang.org/x/net/idna"
	_ "golang.org/x/sys/unix"
	_ "golang.org/x/term"
	_ "golang.org/x/text/encoding/unicode"
	_ "software.sslmate.com/src/go-pkcs12"
)

func main() {}
