package validate

import (
	"fmt"
	"sort"
	"strings"

	"certswap/validate/export"
)

// binding is one HTTP.sys SSL binding, from Get-AdfsSslCertificate or netsh http show sslcert.
type binding struct {
	obj        *export.Object
	key        string // host:port or ip:port
	prop       string // the property holding the hash
	raw        string // the hash as exported
	thumbprint string // clean, "" when it cannot be cleaned
	lossy      string // why the hash (or the key) is not exact
	server     string
}

// netshKey returns a netsh binding's key ("fs.contoso.com:443", "0.0.0.0:443").
func netshKey(o *export.Object) string {
	for _, k := range []string{"Hostname:port", "IP:port", "Central Certificate Store", "HostnamePort", "IPPort"} {
		if v := strings.TrimSpace(text(o, k)); v != "" {
			return v
		}
	}
	return o.Identity
}

// wapServers returns the WAP nodes: the servers of WAP exports and WapConfiguration's
// ConnectedServersName.
func (in *Input) wapServers() map[string]bool {
	out := map[string]bool{}
	for _, k := range []export.Kind{export.KindWapConfiguration, export.KindWapSslCertificate} {
		for _, o := range in.objects(k) {
			if o.Server != "" {
				out[o.Server] = true
			}
			for _, s := range list(o, "ConnectedServersName") {
				out[serverLabel(s)] = true
			}
		}
	}
	return out
}

// wapNodes returns a test for whether a netsh export of a server comes from a WAP node: the server
// is one of wapServers; otherwise, when no AD FS export names it, the exports hold WAP objects and
// AD FS objects name no server.
func (in *Input) wapNodes() func(server string) bool {
	wap := in.wapServers()
	adfsServers := map[string]bool{}
	for _, k := range []export.Kind{export.KindAdfsProperties, export.KindAdfsSslCertificate, export.KindAdfsCertificate} {
		for _, o := range in.objects(k) {
			adfsServers[o.Server] = true
		}
	}
	wapOnly := len(adfsServers) == 0 && in.hasAny(export.KindWapApplication, export.KindWapConfiguration, export.KindWapSslCertificate)
	return func(server string) bool {
		switch {
		case wap[server]:
			return true
		case adfsServers[server]:
			return false
		}
		return wapOnly
	}
}

func netshBinding(o *export.Object) binding {
	prop := "Certificate Hash"
	if _, ok := get(o, prop); !ok {
		prop = "CertificateHash"
	}
	b := binding{obj: o, key: netshKey(o), prop: prop, raw: text(o, prop), lossy: lossy(o, prop), server: o.Server}
	b.thumbprint = cleanOrEmpty(b.raw)
	return b
}

func isADFSApp(o *export.Object) bool {
	return strings.EqualFold(strings.TrimSpace(text(o, "Application ID")), adfsAppID) ||
		strings.EqualFold(strings.TrimSpace(text(o, "ApplicationId")), adfsAppID)
}

// adfsBindings lists the AD FS SSL bindings: every Get-AdfsSslCertificate entry, and the netsh
// bindings owned by the AD FS application ID on servers that are not WAP nodes.
func adfsBindings(in *Input) []binding {
	// netsh and Get-AdfsSslCertificate show the same HTTP.sys bindings of one node: where both were
	// exported, the netsh one (every field, per node) stands for both, so a binding is reported once.
	var out, fromNetsh []binding
	seen := map[string]bool{}
	isWAP := in.wapNodes()
	for _, o := range in.objects(export.KindNetshSslBinding) {
		if !isADFSApp(o) || isWAP(o.Server) {
			continue
		}
		b := netshBinding(o)
		fromNetsh = append(fromNetsh, b)
		if b.server != "" {
			seen[strings.ToUpper(b.server)+" "+strings.ToLower(b.key)] = true
		}
	}
	for _, o := range in.objects(export.KindAdfsSslCertificate) {
		host, port := strings.TrimSpace(text(o, "HostName")), strings.TrimSpace(text(o, "PortNumber"))
		b := binding{obj: o, key: host + ":" + port, prop: "CertificateHash", raw: text(o, "CertificateHash"), server: o.Server}
		if seen[strings.ToUpper(b.server)+" "+strings.ToLower(b.key)] {
			continue
		}
		b.lossy = lossy(o, "CertificateHash") // a cut HostName is read (and reported) by adfs-name-not-covered
		b.thumbprint = cleanOrEmpty(b.raw)
		out = append(out, b)
	}
	return append(out, fromNetsh...)
}

// isFallbackKey reports whether a binding key is the non-SNI IP fallback (0.0.0.0:443, [::]:443).
func isFallbackKey(key string) bool {
	return strings.HasPrefix(key, "0.0.0.0:") || strings.HasPrefix(key, "[::]:")
}

func bindingHost(key string) string {
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		return key[:i]
	}
	return key
}

// adfsProperties returns the first AdfsProperties object, nil when none was given.
func (in *Input) adfsProperties() *export.Object {
	if ps := in.objects(export.KindAdfsProperties); len(ps) > 0 {
		return ps[0]
	}
	return nil
}

// alternateMode reports whether the farm uses the alternate TLS client binding (TlsClientPort 443).
func (in *Input) alternateMode() bool {
	if ps := in.adfsProperties(); ps != nil {
		return strings.TrimSpace(text(ps, "TlsClientPort")) == "443"
	}
	return false
}

// adfsSSLCmdlet returns the cmdlet that rebinds HTTP.sys in the farm's binding mode.
func (in *Input) adfsSSLCmdlet() string {
	if in.alternateMode() {
		return "Set-AdfsAlternateTlsClientBinding"
	}
	return "Set-AdfsSslCertificate"
}

// adfsNameNotCovered: the SSL certificate must cover the federation service name, certauth.<name>
// in alternate TLS client binding mode, and enterpriseregistration.<suffix> where device
// registration is bound (AD FS requirements; AD FS event 415).
var adfsNameNotCovered = &Check{
	ID:       "adfs-name-not-covered",
	Product:  ProductADFS,
	Summary:  "the new certificate does not cover the federation service name, certauth.<name> or enterpriseregistration.<suffix>",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/overview/ad-fs-requirements; https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap; field-notes.md AF-02, AF-08",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		type need struct {
			name, why, prop string
			obj             *export.Object
		}
		var needs []need
		seen := map[string]bool{}
		add := func(n need) {
			k := strings.ToLower(n.name)
			if n.name == "" || seen[k] {
				return
			}
			seen[k] = true
			needs = append(needs, n)
		}
		var out []Finding
		if ps := in.adfsProperties(); ps != nil {
			if why := lossy(ps, "HostName"); why != "" {
				out = append(out, unknownFinding(ps, "HostName", why))
			} else if host := strings.TrimSpace(text(ps, "HostName")); host != "" {
				add(need{host, "the federation service name", "HostName", ps})
				if in.alternateMode() {
					add(need{"certauth." + host, "the certificate authentication name (TlsClientPort is 443, alternate TLS client binding mode)", "TlsClientPort", ps})
				}
			}
		}
		for _, b := range adfsBindings(in) {
			if why := lossy(b.obj, "HostName"); why != "" {
				out = append(out, unknownFinding(b.obj, "HostName", why))
				continue
			}
			host := bindingHost(b.key)
			low := strings.ToLower(host)
			switch {
			case isFallbackKey(b.key), low == "localhost", host == "":
			case strings.HasPrefix(low, "certauth."):
				add(need{host, "the certificate authentication name (a certauth binding exists)", b.prop, b.obj})
			case strings.HasPrefix(low, "enterpriseregistration."):
				add(need{host, "the device registration name (an enterpriseregistration binding exists)", b.prop, b.obj})
			default:
				add(need{host, "a name AD FS is bound to", b.prop, b.obj})
			}
		}
		for _, n := range needs {
			if in.coversNew(n.name).Covered {
				continue
			}
			msg := fmt.Sprintf("the new certificate does not cover %q, %s (it names %s); AD FS clients reaching that name get a certificate error", n.name, n.why, strings.Join(in.New.DNSNames, ", "))
			out = append(out, objFinding(n.obj, n.prop, msg))
		}
		return out
	},
}

// adfsSSLBindingThumbprint: "The AD FS TLS/SSL certificate isn't the same as the AD FS Service
// communications certificate ... To change the AD FS TLS/SSL certificate, you need to use
// PowerShell" (Manage SSL certificates in AD FS and WAP): every binding owned by AD FS must carry
// the new thumbprint.
var adfsSSLBindingThumbprint = &Check{
	ID:       "adfs-ssl-binding-thumbprint",
	Product:  ProductADFS,
	Summary:  "an AD FS HTTP.sys SSL binding (Get-AdfsSslCertificate, netsh) is not on the new thumbprint",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap; field-notes.md AF-01",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		cmdlet := in.adfsSSLCmdlet()
		for _, b := range adfsBindings(in) {
			if isFallbackKey(b.key) {
				continue
			}
			if b.lossy != "" {
				out = append(out, unknownFinding(b.obj, b.prop, b.lossy))
				continue
			}
			if b.thumbprint == in.New.Thumbprint || b.thumbprint == "" {
				continue
			}
			what := "another certificate"
			if in.old.thumbprints[b.thumbprint] {
				what = "the old certificate"
			}
			msg := fmt.Sprintf("SSL binding %s on %s serves %s (%s), not the new certificate %s; Set-AdfsCertificate -CertificateType Service-Communications does not change HTTP.sys: run %s on the primary server (on AD FS 2012 R2, Set-AdfsSslCertificate on every node), then restart adfssrv", b.key, nonEmpty(b.server, "an unknown server"), what, b.thumbprint, in.New.Thumbprint, cmdlet)
			f := objFinding(b.obj, b.prop, msg)
			fix, err := psLine(cmdlet, p("-Thumbprint", in.New.Thumbprint))
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = &Change{Product: ProductADFS, Server: b.server, Kind: b.obj.Kind, Identity: b.key, Property: b.prop,
				Old: b.raw, New: in.New.Thumbprint, File: b.obj.File, Line: line(b.obj, b.prop)}

			out = append(out, f)
		}
		return out
	},
}

// serviceCommunications returns the Service-Communications certificate objects.
func (in *Input) serviceCommunications() []*export.Object {
	var out []*export.Object
	for _, c := range in.objects(export.KindAdfsCertificate) {
		if strings.EqualFold(strings.TrimSpace(text(c, "CertificateType")), "Service-Communications") {
			out = append(out, c)
		}
	}
	return out
}

// adfsServiceCommunicationsThumbprint: Set-AdfsCertificate -CertificateType Service-Communications
// -Thumbprint changes the certificate AD FS uses for message security.
var adfsServiceCommunicationsThumbprint = &Check{
	ID:       "adfs-service-communications-thumbprint",
	Product:  ProductADFS,
	Summary:  "the AD FS Service-Communications certificate is not the new certificate",
	Citation: "https://learn.microsoft.com/powershell/module/adfs/set-adfscertificate; https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, c := range in.serviceCommunications() {
			if why := lossy(c, "Thumbprint"); why != "" {
				out = append(out, unknownFinding(c, "Thumbprint", why))
				continue
			}
			raw := text(c, "Thumbprint")
			tp := cleanOrEmpty(raw)
			if tp == "" || tp == in.New.Thumbprint {
				continue
			}
			msg := fmt.Sprintf("the Service-Communications certificate is %s, not the new certificate %s; the AD FS service account needs read access to the new private key, and the key must be a CAPI key (KeySpec 1)", tp, in.New.Thumbprint)
			f := objFinding(c, "Thumbprint", msg)
			fix, err := psLine("Set-AdfsCertificate", p("-CertificateType", "Service-Communications"), p("-Thumbprint", in.New.Thumbprint))
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = &Change{Product: ProductADFS, Server: c.Server, Kind: c.Kind, Identity: "Service-Communications", Property: "Thumbprint",
				Old: raw, New: in.New.Thumbprint, File: c.File, Line: line(c, "Thumbprint")}

			out = append(out, f)
		}
		return out
	},
}

// adfsServiceCommunicationsSSLMismatch: the field story: Service-Communications updated in the
// snap-in while HTTP.sys still serves the old certificate (MicrosoftDocs/windowsserverdocs#6847).
var adfsServiceCommunicationsSSLMismatch = &Check{
	ID:       "adfs-service-communications-ssl-mismatch",
	Product:  ProductADFS,
	Summary:  "the Service-Communications certificate and the AD FS SSL bindings disagree",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap; https://github.com/MicrosoftDocs/windowsserverdocs/issues/6847",
	Before:   SeverityNotice,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		bs := adfsBindings(in)
		for _, c := range in.serviceCommunications() {
			if lossy(c, "Thumbprint") != "" {
				continue
			}
			tp := cleanOrEmpty(text(c, "Thumbprint"))
			if tp == "" {
				continue
			}
			var keys []string
			hashes := map[string]bool{}
			for _, b := range bs {
				if isFallbackKey(b.key) || b.lossy != "" || b.thumbprint == "" || b.thumbprint == tp {
					continue
				}
				keys = append(keys, fmt.Sprintf("%s on %s", b.key, nonEmpty(b.server, "an unknown server")))
				hashes[b.thumbprint] = true
			}
			if len(keys) == 0 {
				continue
			}
			sort.Strings(keys)
			msg := fmt.Sprintf("the Service-Communications certificate is %s but HTTP.sys serves %s on %s: Set-AdfsCertificate and the AD FS snap-in change only the configuration database", tp, strings.Join(sortedKeys(hashes), ", "), strings.Join(keys, "; "))
			f := objFinding(c, "Thumbprint", msg)
			if tp == in.New.Thumbprint {
				f.Message += "; rebind HTTP.sys with " + in.adfsSSLCmdlet()
				fix, err := psLine(in.adfsSSLCmdlet(), p("-Thumbprint", tp))
				f = withFix(f, fix, err)
			}
			out = append(out, f)
		}
		return out
	},
}

// adfsFallbackBinding: a non-SNI 0.0.0.0:443 binding is created by hand (Microsoft's "How to
// support non-SNI capable clients with WAP and AD FS 2012 R2") and is not touched by the AD FS
// and WAP cmdlets.
var adfsFallbackBinding = &Check{
	ID:       "adfs-fallback-binding",
	Product:  ProductADFS,
	Summary:  "a 0.0.0.0:443 (non-SNI) binding the AD FS/WAP cmdlets will not update is not on the new thumbprint",
	Citation: "field-notes.md AF-05 (Microsoft application proxy blog 2014-06-19, non-SNI clients with WAP and AD FS 2012 R2)",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, o := range in.objects(export.KindNetshSslBinding) {
			b := netshBinding(o)
			if !isFallbackKey(b.key) {
				continue
			}
			if !isADFSApp(o) && !in.old.thumbprints[b.thumbprint] {
				continue
			}
			if b.lossy != "" {
				out = append(out, unknownFinding(o, b.prop, b.lossy))
				continue
			}
			if b.thumbprint == "" || b.thumbprint == in.New.Thumbprint {
				continue
			}
			appid := strings.TrimSpace(text(o, "Application ID"))
			msg := fmt.Sprintf("the non-SNI fallback binding %s on %s serves %s; Set-AdfsSslCertificate and Set-WebApplicationProxySslCertificate do not update it: update it with netsh, keeping its other options", b.key, nonEmpty(b.server, "an unknown server"), b.thumbprint)
			f := objFinding(o, b.prop, msg)
			args := []string{"ipport=" + b.key, "certhash=" + in.New.Thumbprint}
			if appid != "" {
				args = append(args, "appid="+appid)
			}
			if st := strings.TrimSpace(text(o, "Certificate Store Name")); st != "" {
				args = append(args, "certstorename="+st)
			}
			fix, err := netshLine("netsh http update sslcert", args...)
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = &Change{Product: ProductADFS, Server: b.server, Kind: o.Kind, Identity: b.key, Property: b.prop,
				Old: b.raw, New: in.New.Thumbprint, File: o.File, Line: line(o, b.prop)}

			out = append(out, f)
		}
		return out
	},
}

// netshLine writes an external command with each argument as one single-quoted literal, so that
// PowerShell passes "appid={...}" as text rather than a script block.
func netshLine(command string, args ...string) (string, error) {
	var b strings.Builder
	b.WriteString(command)
	for _, a := range args {
		q, err := quote(a)
		if err != nil {
			return "", err
		}
		b.WriteString(" " + q)
	}
	return b.String(), nil
}

// adfsBindingModeCmdlet: "If TlsClientPort is 443 ... Set-AdfsAlternateTlsClientBinding ... else
// Set-AdfsSslCertificate"; running the other cmdlet switches the binding mode (JPB 2016+ article).
var adfsBindingModeCmdlet = &Check{
	ID:       "adfs-binding-mode-cmdlet",
	Product:  ProductADFS,
	Summary:  "which cmdlet rebinds HTTP.sys in the farm's TLS client binding mode (Set-AdfsSslCertificate or Set-AdfsAlternateTlsClientBinding)",
	Citation: "https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap; field-notes.md AF-02",
	Before:   SeverityNotice,
	After:    SeverityNone,
	Run: func(in *Input) []Finding {
		ps := in.adfsProperties()
		if ps == nil {
			return nil
		}
		stale := false
		for _, b := range adfsBindings(in) {
			if !isFallbackKey(b.key) && b.lossy == "" && b.thumbprint != "" && b.thumbprint != in.New.Thumbprint {
				stale = true
			}
		}
		if !stale {
			return nil
		}
		port := strings.TrimSpace(text(ps, "TlsClientPort"))
		var msg string
		switch port {
		case "443":
			msg = "TlsClientPort is 443 (alternate TLS client binding mode, certauth.<name>:443): rebind with Set-AdfsAlternateTlsClientBinding; Set-AdfsSslCertificate would switch the farm back to port 49443"
		case "":
			msg = "the AD FS properties show no TlsClientPort (AD FS 2012 R2): run Set-AdfsSslCertificate on every node"
		default:
			msg = fmt.Sprintf("TlsClientPort is %s (default binding mode): rebind with Set-AdfsSslCertificate; Set-AdfsAlternateTlsClientBinding would switch the farm to certauth.<name>:443", port)
		}
		f := objFinding(ps, "TlsClientPort", msg)
		fix, err := psLine(in.adfsSSLCmdlet(), p("-Thumbprint", in.New.Thumbprint))
		return []Finding{withFix(f, fix, err)}
	},
}
