//go:build tools

// Package tools only records the command this module builds (see go.mod).
package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
