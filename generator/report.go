package generator

import (
	"fmt"
	"strconv"
	"strings"

	"certswap/validate"
	"certswap/validate/export"
	"certswap/validate/psquote"
)

// PlanFromReport builds the plan from a validation run: its input (certificates and exports) and
// the report Run gave. Every finding's Change becomes a step (identical changes reported by several
// checks count once; two different new values for one object are an error); an Edge server named
// by the exchange-edge-subscription finding is re-subscribed; the servers of a changed send
// connector's SourceTransportServers get a runbook so that the certificate is on all of them before
// the connector changes; AD FS's binding mode comes from Get-AdfsProperties' TlsClientPort.
// targets limits the products (empty: every product with a change).
func PlanFromReport(in *validate.Input, rep *validate.Report, targets []string) (*Plan, error) {
	if in == nil || rep == nil {
		return nil, fmt.Errorf("no validation result")
	}
	pin := Input{
		New: in.New, NewFile: in.NewFile, Old: in.Old, OldFile: in.OldFile,
		Targets: targets, Stage: string(rep.Stage), At: rep.At,
	}
	if in.Old == nil {
		switch {
		case in.OldThumbprint != "" && len(rep.Old.Thumbprints) == 1:
			pin.OldThumbprint = rep.Old.Thumbprints[0]
		case len(rep.Old.Thumbprints) == 1:
			pin.OldThumbprint = rep.Old.Thumbprints[0]
			pin.OldFile = rep.Old.Source
		}
	}
	type key struct {
		product, server string
		kind            export.Kind
		identity, id    string
		property        string
	}
	seen := map[key]int{}
	for _, f := range rep.Findings {
		pin.Findings = append(pin.Findings, Finding{ID: f.ID, Severity: string(f.Severity), Product: string(f.Product),
			Server: f.Server, Object: f.Object, File: f.File, Line: f.Line, Message: f.Message})
		if f.ID == "exchange-edge-subscription" && f.Server != "" && !strings.HasPrefix(f.Message, "unknown:") {
			pin.Changes = append(pin.Changes, Change{Product: ProductExchange, Server: f.Server, Kind: export.KindEdgeSubscription,
				Identity: f.Server, Property: "Subscription", File: f.File, Line: f.Line})
		}
		c := f.Change
		if c == nil {
			if err := unquotable(f); err != nil {
				return nil, err
			}
			continue
		}
		ch := Change{Product: string(c.Product), Server: c.Server, Kind: c.Kind, Identity: c.Identity, ID: c.ID, Name: c.Name,
			Property: c.Property, Old: c.Old, New: c.New, File: c.File, Line: c.Line}
		k := key{ch.Product, ch.Server, ch.Kind, ch.Identity, ch.ID, strings.ToLower(ch.Property)}
		if ch.Kind == export.KindExchangeCertificate {
			// Services changes from several checks are merged by BuildPlan.
			pin.Changes = append(pin.Changes, ch)
			continue
		}
		if i, ok := seen[k]; ok {
			if pin.Changes[i].New != ch.New {
				return nil, changeErr(ch, "two checks want different new values: %s and %s", quoteForMessage(pin.Changes[i].New), quoteForMessage(ch.New))
			}
			continue
		}
		seen[k] = len(pin.Changes)
		pin.Changes = append(pin.Changes, ch)
	}
	// WAP nodes: the servers of WAP exports, and servers with netsh bindings but no AD FS export
	// while WAP applications are in the inputs (collect's layout for a WAP node). A binding change
	// validate files under AD FS for such a node belongs to the WAP runbook.
	wapNodes, adfsNodes, netshNodes, wapApps := map[string]bool{}, map[string]bool{}, map[string]bool{}, false
	for _, ef := range in.Exports {
		if ef == nil {
			continue
		}
		for _, o := range ef.Objects {
			switch o.Kind {
			case export.KindWapConfiguration, export.KindWapSslCertificate:
				if o.Server != "" {
					wapNodes[o.Server] = true
				}
				for _, s := range o.List("ConnectedServersName") {
					wapNodes[serverLabel(s)] = true
				}
			case export.KindAdfsProperties, export.KindAdfsSslCertificate, export.KindAdfsCertificate:
				if o.Server != "" {
					adfsNodes[o.Server] = true
				}
			case export.KindNetshSslBinding:
				if o.Server != "" {
					netshNodes[o.Server] = true
				}
			case export.KindWapApplication:
				wapApps = true
			}
		}
	}
	if wapApps {
		for s := range netshNodes {
			if !adfsNodes[s] {
				wapNodes[s] = true
			}
		}
	}
	for i, ch := range pin.Changes {
		if ch.Product == ProductADFS && ch.Kind == export.KindNetshSslBinding && wapNodes[serverLabel(ch.Server)] && !adfsNodes[serverLabel(ch.Server)] {
			pin.Changes[i].Product = ProductWAP
		}
	}
	sourceServers := map[string]bool{}
	for _, ef := range in.Exports {
		if ef == nil {
			continue
		}
		for _, o := range ef.Objects {
			switch o.Kind {
			case export.KindAdfsProperties:
				if n, err := strconv.Atoi(strings.TrimSpace(o.Text("TlsClientPort"))); err == nil && pin.ADFSTLSClientPort == 0 {
					pin.ADFSTLSClientPort = n
				}
			case export.KindEdgeSubscription:
				name := o.Server
				if name == "" {
					name = o.Text("Name")
				}
				if l := serverLabel(name); l != "" {
					pin.EdgeServers = appendOnce(pin.EdgeServers, l)
				}
			case export.KindSendConnector:
				for _, ch := range pin.Changes {
					if ch.Kind == export.KindSendConnector && ch.Identity == o.Identity {
						for _, s := range o.List("SourceTransportServers") {
							sourceServers[serverLabel(s)] = true
						}
					}
				}
			}
		}
	}
	for s := range sourceServers {
		if s != "" && !contains(pin.EdgeServers, s) {
			pin.ExchangeServers = appendOnce(pin.ExchangeServers, s)
		}
	}
	// An Edge server is only given a runbook when something of it changes.
	var edges []string
	for _, e := range pin.EdgeServers {
		for _, ch := range pin.Changes {
			if strings.EqualFold(ch.Product, ProductExchange) && serverLabel(ch.Server) == e {
				edges = appendOnce(edges, e)
			}
		}
	}
	// Changes on an Edge server go to its edge runbook: mark the server as Edge through an
	// EdgeServers entry, which BuildPlan applies.
	pin.EdgeServers = edges
	return BuildPlan(pin)
}

func appendOnce(xs []string, s string) []string {
	if contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// unquotable returns a *ChangeError when validate could not write a finding's fix because a value
// cannot be a PowerShell literal (a control character): validate then leaves the change out and
// says so in the message; generate refuses the whole run instead of writing runbooks without it.
func unquotable(f validate.Finding) error {
	if f.Fix != "" {
		return nil
	}
	const marker = "(no fix line: "
	why := ""
	if i := strings.LastIndex(f.Message, marker); i >= 0 {
		why = strings.TrimSuffix(f.Message[i+len(marker):], ")")
	} else if err := psquote.Check(f.Object); err != nil {
		why = "its name " + err.Error()
	} else {
		return nil
	}
	return &ChangeError{File: f.File, Line: f.Line, Object: "object " + quoteForMessage(f.Object),
		Err: fmt.Errorf("cannot be written into a runbook (%s): nothing generated", escapeForMessage(why))}
}
