//go:build !linux

package generator

// exchange has no atomic folder exchange outside Linux: the caller uses two renames.
func exchange(a, b string) (bool, error) { return false, nil }
