package export

import "errors"

// ErrUnknownFormat is wrapped by the errors Read and ReadFile return for a file that is not an
// export at all: its encoding or format cannot be told, or it holds no property. Callers reading a
// folder skip such files with a warning; a file named on the command line is refused.
var ErrUnknownFormat = errors.New("not an export certswap can read")
