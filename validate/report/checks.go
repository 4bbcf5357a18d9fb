package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"certswap/validate"
)

type checkJSON struct {
	ID       string            `json:"id"`
	Product  validate.Product  `json:"product"`
	Severity checkSeverityJSON `json:"severity"`
	Summary  string            `json:"summary"`
	Citation string            `json:"citation"`
}

type checkSeverityJSON struct {
	Before string `json:"before"`
	After  string `json:"after"`
}

// WriteChecks writes the check table for `certswap checks`: a text table (ID, product, severity
// before and after, summary) or, with asJSON, {"checks":[{"id","product","severity":{"before",
// "after"},"summary","citation"}]}. A stage in which a check does not run shows "none".
func WriteChecks(w io.Writer, checks []*validate.Check, asJSON bool) error {
	if asJSON {
		out := struct {
			Checks []checkJSON `json:"checks"`
		}{Checks: []checkJSON{}}
		for _, c := range checks {
			out.Checks = append(out.Checks, checkJSON{ID: c.ID, Product: c.Product,
				Severity: checkSeverityJSON{Before: c.Before.String(), After: c.After.String()}, Summary: c.Summary, Citation: c.Citation})
		}
		return encode(w, out)
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tPRODUCT\tBEFORE\tAFTER\tSUMMARY")
	for _, c := range checks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.ID, c.Product, c.Before, c.After, c.Summary)
	}
	return tw.Flush()
}
