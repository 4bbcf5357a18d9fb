//go:build linux

package generator

import (
	"errors"

	"golang.org/x/sys/unix"
)

// exchange swaps the two folders atomically with renameat2(RENAME_EXCHANGE). It reports false
// with no error when the file system does not support the exchange, so the caller falls back to
// two renames.
func exchange(a, b string) (bool, error) {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return false, nil
	}
	return err == nil, err
}
