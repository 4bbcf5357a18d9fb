package validate

import (
	"fmt"
	"strings"

	"certswap/validate/export"
	"certswap/validate/psquote"
)

// arg is one parameter of a fix line: -Name 'value'.
type arg struct{ name, value string }

func p(name, value string) arg { return arg{name: name, value: value} }

// psLine writes one PowerShell command line: the command, then each parameter with its value as a
// single-quoted literal made by psquote. It fails when a value holds a control character.
func psLine(command string, args ...arg) (string, error) {
	var b strings.Builder
	b.WriteString(command)
	for _, a := range args {
		b.WriteString(" " + a.name)
		q, err := psquote.Quote(a.value)
		if err != nil {
			return "", fmt.Errorf("%s %w", a.name, err)
		}
		b.WriteString(" " + q)
	}
	return b.String(), nil
}

// withFix sets the finding's fix; when a value cannot be quoted the fix stays "" and the message
// says why (DESIGN: only generate refuses the run).
func withFix(f Finding, fix string, err error) Finding {
	if err != nil {
		f.Fix = ""
		f.Message += fmt.Sprintf(" (no fix line: the value of %v)", err)
		return f
	}
	f.Fix = fix
	return f
}

// addFinding appends f to out, doubling the room when it runs out: append grows a long slice by
// a quarter at a time, which copies the findings of a check that fires once per object of a
// fleet about five times over.
func addFinding(out []Finding, f Finding) []Finding {
	if len(out) == cap(out) && cap(out) >= 256 {
		grown := make([]Finding, len(out), 2*cap(out))
		copy(grown, out)
		out = grown
	}
	return append(out, f)
}

// objFinding starts a finding on an exported object, at the line of the given property.
func objFinding(o *export.Object, prop, msg string) Finding {
	return Finding{Server: o.Server, Object: objectName(o), File: o.File, Line: line(o, prop), Message: msg}
}

// unknownFinding is the finding for a value an export cannot show exactly: never a mismatch, always
// a warning whose message begins "unknown:" and whose fix is the export command for an exact file.
func unknownFinding(o *export.Object, prop, why string) Finding {
	f := objFinding(o, prop, fmt.Sprintf("unknown: %s of %s cannot be read exactly from this export (%s); export it again with the fix command and re-run", prop, objectName(o), why))
	f.Severity = SeverityWarning
	fix, err := exportCommand(o.Kind, o.Server)
	return withFix(f, fix, err)
}

// exportCommand returns the command that exports objects of kind k exactly (Export-Clixml, as
// `certswap collect` writes it: P/<SERVER>/<Cmdlet>.xml).
func exportCommand(k export.Kind, server string) (string, error) {
	type cmd struct {
		cmdlet    string
		perServer string // the parameter that names the server, "" when organisation-wide
		sel       string // a Select-Object list, for ExchangeCertificate
	}
	cmds := map[export.Kind]cmd{
		export.KindReceiveConnector:    {"Get-ReceiveConnector", "-Server", ""},
		export.KindSendConnector:       {"Get-SendConnector", "", ""},
		export.KindExchangeCertificate: {"Get-ExchangeCertificate", "-Server", "Thumbprint, Services, Status, HasPrivateKey, IsSelfSigned, Subject, Issuer, NotBefore, NotAfter, CertificateDomains, RawData"},
		export.KindHybridConfiguration: {"Get-HybridConfiguration", "", ""},
		export.KindTransportService:    {"Get-TransportService", "-Identity", ""},
		export.KindAuthConfig:          {"Get-AuthConfig", "", ""},
		export.KindPopSettings:         {"Get-PopSettings", "-Server", ""},
		export.KindImapSettings:        {"Get-ImapSettings", "-Server", ""},
		export.KindEdgeSubscription:    {"Get-EdgeSubscription", "", ""},
		export.KindAdfsSslCertificate:  {"Get-AdfsSslCertificate", "", ""},
		export.KindAdfsCertificate:     {"Get-AdfsCertificate", "", ""},
		export.KindAdfsProperties:      {"Get-AdfsProperties", "", ""},
		export.KindWapSslCertificate:   {"Get-WebApplicationProxySslCertificate", "", ""},
		export.KindWapApplication:      {"Get-WebApplicationProxyApplication", "", ""},
		export.KindWapConfiguration:    {"Get-WebApplicationProxyConfiguration", "", ""},
	}
	if k == export.KindNetshSslBinding {
		return "netsh http show sslcert > netsh-http-sslcert.txt", nil
	}
	c, ok := cmds[k]
	if !ok {
		return "", nil
	}
	var args []arg
	if c.perServer != "" && server != "" {
		args = append(args, p(c.perServer, server))
	}
	get, err := psLine(c.cmdlet, args...)
	if err != nil {
		return "", err
	}
	sel := ""
	if c.sel != "" {
		props, err := psquote.List(strings.Split(c.sel, ", "))
		if err != nil {
			return "", err
		}
		sel = " | Select-Object -Property " + props
	}
	out, err := psLine("Export-Clixml", p("-Path", c.cmdlet+".xml"))
	if err != nil {
		return "", err
	}
	return get + sel + " | " + out, nil
}

// quote is psquote.Quote, the one quoting function.
func quote(s string) (string, error) { return psquote.Quote(s) }
