//go:build tools

// Package tools only records the command this module builds (see go.mod).
package tools

import _ "github.com/k3s-io/kine"
