package validate

import (
	"fmt"
	"strconv"
	"strings"

	"certswap/validate/export"
)

// wapSSLProps are the property names a Get-WebApplicationProxySslCertificate export may carry the
// thumbprint under (its property names are not documented: powershell-exports.md §c).
var wapSSLProps = []string{"Thumbprint", "CertificateHash", "CertificateThumbprint", "Certificate Hash"}

// wapProxySSLThumbprint: "Set-WebApplicationProxySslCertificate -Thumbprint" on each WAP node
// (Manage SSL certificates in AD FS and WAP). Reads WapSslCertificate exports, else the WAP nodes'
// netsh bindings owned by the AD FS application ID.
var wapProxySSLThumbprint = &Check{
	ID:       "wap-proxy-ssl-thumbprint",
	Product:  ProductWAP,
	Summary:  "the WAP federation proxy SSL certificate is not the new certificate",
	Citation: "https://learn.microsoft.com/powershell/module/webapplicationproxy/set-webapplicationproxysslcertificate; https://learn.microsoft.com/windows-server/identity/ad-fs/operations/manage-ssl-certificates-ad-fs-wap",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var bs []binding
		for _, o := range in.objects(export.KindWapSslCertificate) {
			for _, prop := range wapSSLProps {
				if _, ok := get(o, prop); ok {
					b := binding{obj: o, key: objectName(o), prop: prop, raw: text(o, prop), lossy: lossy(o, prop), server: o.Server}
					b.thumbprint = cleanOrEmpty(b.raw)
					bs = append(bs, b)
					break
				}
			}
		}
		if len(bs) == 0 {
			isWAP := in.wapNodes()
			for _, o := range in.objects(export.KindNetshSslBinding) {
				if isADFSApp(o) && isWAP(o.Server) {
					if b := netshBinding(o); !isFallbackKey(b.key) {
						bs = append(bs, b)
					}
				}
			}
		}
		var out []Finding
		for _, b := range bs {
			if b.lossy != "" {
				out = addFinding(out, unknownFinding(b.obj, b.prop, b.lossy))
				continue
			}
			if b.thumbprint == "" || b.thumbprint == in.New.Thumbprint {
				continue
			}
			msg := fmt.Sprintf("the WAP federation proxy binding %s on %s serves %s, not the new certificate %s: import the new certificate on every WAP node, run Set-WebApplicationProxySslCertificate on each, then restart appproxysvc", b.key, nonEmpty(b.server, "an unknown server"), b.thumbprint, in.New.Thumbprint)
			f := objFinding(b.obj, b.prop, msg)
			fix, err := psLine("Set-WebApplicationProxySslCertificate", p("-Thumbprint", in.New.Thumbprint))
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = &Change{Product: ProductWAP, Server: b.server, Kind: b.obj.Kind, Identity: b.key, Property: b.prop,
				Old: b.raw, New: in.New.Thumbprint, File: b.obj.File, Line: line(b.obj, b.prop)}

			out = addFinding(out, f)
		}
		return out
	},
}

// wapAppName returns the name an admin knows a published application by.
func wapAppName(o *export.Object) string {
	if n := strings.TrimSpace(text(o, "Name")); n != "" {
		return n
	}
	return objectName(o)
}

// wapApplicationThumbprint: each published application has its own ExternalCertificateThumbprint,
// which Set-WebApplicationProxySslCertificate does not change; fix with
// Set-WebApplicationProxyApplication -ID -ExternalCertificateThumbprint (windowsserverdocs#2479).
// The federation rule WAP created itself is one of them. Applications on an unrelated certificate
// are left alone.
var wapApplicationThumbprint = &Check{
	ID:       "wap-application-thumbprint",
	Product:  ProductWAP,
	Summary:  "a published application's ExternalCertificateThumbprint is the old certificate",
	Citation: "https://learn.microsoft.com/powershell/module/webapplicationproxy/set-webapplicationproxyapplication; https://github.com/MicrosoftDocs/windowsserverdocs/issues/2479; field-notes.md WP-01",
	Before:   SeverityWarning,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, o := range in.objects(export.KindWapApplication) {
			const prop = "ExternalCertificateThumbprint"
			if why := lossy(o, prop); why != "" {
				f := unknownFinding(o, prop, why)
				f.Object = wapAppName(o)
				out = addFinding(out, f)
				continue
			}
			raw := text(o, prop)
			tp := cleanOrEmpty(raw)
			if tp == "" || tp == in.New.Thumbprint || !in.old.thumbprints[tp] {
				continue
			}
			name := wapAppName(o)
			id := strings.TrimSpace(text(o, "ID"))
			// Concatenation, not fmt.Sprintf: this runs for every application of a fleet.
			msg := "published application " + strconv.Quote(name) + " (ExternalUrl " + text(o, "ExternalUrl") + ") uses the old certificate " + tp + "; Set-WebApplicationProxySslCertificate does not change it: set the new certificate " + in.New.Thumbprint + " on the application once the certificate is on every WAP node"
			f := objFinding(o, prop, msg)
			f.Object = name
			if id == "" || lossy(o, "ID") != "" {
				f.Message += "; the export shows no exact ID to fix it by"
				out = addFinding(out, f)
				continue
			}
			fix, err := psLine("Set-WebApplicationProxyApplication", p("-ID", id), p("-ExternalCertificateThumbprint", in.New.Thumbprint))
			f = withFix(f, fix, err)
			// The change is kept even when no fix line could be written: generate must see the
			// object and refuse the run (a value PowerShell cannot take), never leave it out.
			f.Change = &Change{Product: ProductWAP, Kind: o.Kind, Identity: name, ID: id, Name: name, Property: prop,
				Old: raw, New: in.New.Thumbprint, File: o.File, Line: line(o, prop)}

			out = addFinding(out, f)
		}
		return out
	},
}

// wapExternalURLNotCovered: an application moved to the new certificate must have its ExternalUrl
// host covered by it, or browsers get a name mismatch (blog.rmilne.ca, SEC_CERT errors after renewal).
var wapExternalURLNotCovered = &Check{
	ID:       "wap-external-url-not-covered",
	Product:  ProductWAP,
	Summary:  "a published application on the old or new certificate has an ExternalUrl the new certificate does not cover",
	Citation: "https://learn.microsoft.com/powershell/module/webapplicationproxy/set-webapplicationproxyapplication; field-notes.md WP-01",
	Before:   SeverityError,
	After:    SeverityError,
	Run: func(in *Input) []Finding {
		var out []Finding
		for _, o := range in.objects(export.KindWapApplication) {
			tp := cleanOrEmpty(text(o, "ExternalCertificateThumbprint"))
			if lossy(o, "ExternalCertificateThumbprint") != "" || tp == "" || (tp != in.New.Thumbprint && !in.old.thumbprints[tp]) {
				continue
			}
			const prop = "ExternalUrl"
			if why := lossy(o, prop); why != "" {
				f := unknownFinding(o, prop, why)
				f.Object = wapAppName(o)
				out = addFinding(out, f)
				continue
			}
			u := text(o, prop)
			host := hostOf(u)
			if host == "" || in.coversNew(host).Covered {
				continue
			}
			msg := "published application " + strconv.Quote(wapAppName(o)) + " has ExternalUrl " + u + ", whose host " + strconv.Quote(host) + " the new certificate does not cover (it names " + strings.Join(in.New.DNSNames, ", ") + "); moving it to the new certificate breaks it"
			f := objFinding(o, prop, msg)
			f.Object = wapAppName(o)
			out = addFinding(out, f)
		}
		return out
	},
}
