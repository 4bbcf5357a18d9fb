package generator

import "strings"

// actionList numbers actions as they are added.
type actionList []Action

func (l *actionList) add(a Action) {
	a.Step = len(*l) + 1
	*l = append(*l, a)
}

func setCommand(k string) string {
	switch k {
	case "ReceiveConnector":
		return "Set-ReceiveConnector"
	case "SendConnector":
		return "Set-SendConnector"
	case "HybridConfiguration":
		return "Set-HybridConfiguration"
	case "PopSettings":
		return "Set-PopSettings"
	case "ImapSettings":
		return "Set-ImapSettings"
	}
	return ""
}

func (s *ExchangeServer) objects() []ObjectChange {
	var all []ObjectChange
	for _, l := range [][]ObjectChange{s.ReceiveConnectors, s.SendConnectors, s.Hybrid, s.POP, s.IMAP} {
		all = append(all, l...)
	}
	return all
}

// transportServices are the services restarted after connector changes on this server.
func (s *ExchangeServer) transportServices() []string {
	if s.Edge {
		return []string{"MSExchangeTransport"}
	}
	return []string{"MSExchangeFrontEndTransport", "MSExchangeTransport"}
}

func exchangeActions(p *Plan, s *ExchangeServer) []Action {
	var l actionList
	newT := p.Certificate.Thumbprint
	l.add(Action{Kind: ActionPreCheck, Target: s.Server, Command: "Get-Command Get-ExchangeCertificate", Note: "runs in the Exchange Management Shell"})
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionPreCheck, Target: o.Label(), Property: o.Property, Old: o.Old, Command: strings.Replace(setCommand(string(o.Kind)), "Set-", "Get-", 1), Note: "still has the exported value, else stop: the export is stale"})
	}
	l.add(Action{Kind: ActionImport, Target: s.Server, New: newT, Command: "Import-ExchangeCertificate", Note: "only when the certificate is not installed; -PfxPath, password asked with Read-Host -AsSecureString"})
	l.add(Action{Kind: ActionPreCheck, Target: newT, Command: "Get-Item Cert:\\LocalMachine\\My", Note: "present with its private key, valid now, <I>issuer<S>subject as computed offline"})
	for _, r := range s.RequiresOn {
		l.add(Action{Kind: ActionPreCheck, Target: r, New: newT, Command: "Get-ExchangeCertificate -Server", Note: "the new certificate is installed there before organisation-wide changes"})
	}
	if s.Services != "" {
		note := "no -Force: answer N when Exchange asks to replace the default SMTP certificate"
		if s.ForceSMTP {
			note = "-Force: the plan moves the internal transport certificate to the new certificate"
		} else if !strings.Contains(s.Services, "SMTP") {
			note = ""
		}
		l.add(Action{Kind: ActionServices, Target: newT, Property: "Services", Old: s.OldServices, New: s.Services, Command: "Enable-ExchangeCertificate", Note: note})
	}
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionSet, Target: o.Label(), Property: o.Property, Old: o.Old, New: o.New, Command: setCommand(string(o.Kind))})
	}
	if s.RestartTransport {
		for _, n := range s.transportServices() {
			l.add(Action{Kind: ActionRestart, Target: n, Command: "Restart-Service", Note: "precautionary: no Microsoft page requires it after connector changes"})
		}
	}
	if s.RestartPOP {
		l.add(Action{Kind: ActionRestart, Target: "MSExchangePOP3, MSExchangePOP3BE", Command: "Restart-Service"})
	}
	if s.RestartIMAP {
		l.add(Action{Kind: ActionRestart, Target: "MSExchangeIMAP4, MSExchangeIMAP4BE", Command: "Restart-Service"})
	}
	if s.ResetIIS {
		l.add(Action{Kind: ActionRestart, Target: "IIS", Command: "iisreset /noforce"})
	}
	if s.Services != "" {
		l.add(Action{Kind: ActionPostCheck, Target: newT, Property: "Services", New: s.Services, Command: "Get-ExchangeCertificate"})
	}
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionPostCheck, Target: o.Label(), Property: o.Property, New: o.New, Command: strings.Replace(setCommand(string(o.Kind)), "Set-", "Get-", 1)})
	}
	if p.Old.Known() {
		l.add(Action{Kind: ActionRemoveOld, Target: p.Old.Thumbprint, Command: "Remove-ExchangeCertificate", Note: "only with -RemoveOldCertificate, and only when no connector, HTTP.sys binding, internal transport or Auth configuration references it"})
	}
	if s.Edge && s.EdgeSubscription {
		l.add(Action{Kind: ActionSubscribe, Target: s.Server, Command: "New-EdgeSubscription", Note: "only after the old certificate is removed (-RemoveOldCertificate); import the file on a Mailbox server in the same AD site within 24 hours, then Start-EdgeSynchronization"})
	}
	return l
}

func exchangeRollbackActions(p *Plan, s *ExchangeServer) []Action {
	var l actionList
	l.add(Action{Kind: ActionPreCheck, Target: s.Server, Command: "Get-Command Get-ExchangeCertificate"})
	if p.Old.Known() {
		l.add(Action{Kind: ActionPreCheck, Target: p.Old.Thumbprint, Command: "Get-ExchangeCertificate", Note: "the old certificate is still installed (after -RemoveOldCertificate it is gone: import it again first)"})
	}
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionPreCheck, Target: o.Label(), Property: o.Property, Old: o.New, Note: "has the new value (already old: skipped)"})
	}
	if s.Services != "" && p.Old.Known() {
		l.add(Action{Kind: ActionServices, Target: p.Old.Thumbprint, Property: "Services", New: s.Services, Command: "Enable-ExchangeCertificate"})
	}
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionSet, Target: o.Label(), Property: o.Property, Old: o.New, New: o.Old, Command: setCommand(string(o.Kind))})
	}
	if s.RestartTransport {
		for _, n := range s.transportServices() {
			l.add(Action{Kind: ActionRestart, Target: n, Command: "Restart-Service", Note: "precautionary"})
		}
	}
	if s.RestartPOP {
		l.add(Action{Kind: ActionRestart, Target: "MSExchangePOP3, MSExchangePOP3BE", Command: "Restart-Service"})
	}
	if s.RestartIMAP {
		l.add(Action{Kind: ActionRestart, Target: "MSExchangeIMAP4, MSExchangeIMAP4BE", Command: "Restart-Service"})
	}
	if s.ResetIIS && p.Old.Known() {
		l.add(Action{Kind: ActionRestart, Target: "IIS", Command: "iisreset /noforce"})
	}
	for _, o := range s.objects() {
		l.add(Action{Kind: ActionPostCheck, Target: o.Label(), Property: o.Property, New: o.Old})
	}
	return l
}

func adfsActions(p *Plan, f *ADFSFarm) []Action {
	var l actionList
	newT := p.Certificate.Thumbprint
	l.add(Action{Kind: ActionPreCheck, Target: "AD FS", Command: "Get-AdfsProperties", Note: "TlsClientPort is as exported (binding mode); every binding and the Service-Communications certificate still have the exported value"})
	l.add(Action{Kind: ActionImport, Target: newT, Command: "Import-PfxCertificate", Note: "every node; only when the certificate is not installed"})
	l.add(Action{Kind: ActionPreCheck, Target: newT, Command: "Get-Item Cert:\\LocalMachine\\My", Note: "present with its private key, valid now"})
	l.add(Action{Kind: ActionGrantKey, Target: newT, Command: "Set-Acl", Note: "every node: read access to the private key (CAPI or CNG key file) for NT SERVICE\\adfssrv and the AD FS service account"})
	if f.ServiceCommunications != nil {
		o := f.ServiceCommunications
		l.add(Action{Kind: ActionSet, Target: "Service-Communications", Property: "Thumbprint", Old: o.Old, New: newT, Command: "Set-AdfsCertificate -CertificateType Service-Communications", Note: "primary node"})
	}
	if len(f.SSLBindings)+len(f.NetshBindings) > 0 {
		cmd := "Set-AdfsSslCertificate"
		if f.AlternateTLS {
			cmd = "Set-AdfsAlternateTlsClientBinding"
		}
		l.add(Action{Kind: ActionSet, Target: "HTTP.sys bindings", Property: "CertificateHash", New: newT, Command: cmd, Note: "primary node (AD FS 2016 and later); on AD FS 2012 R2 every node"})
	}
	for _, o := range f.ManualBindings {
		l.add(Action{Kind: ActionManual, Target: o.Identity, Property: "CertificateHash", Old: o.Old, New: newT, Command: "netsh http update sslcert", Note: "the AD FS cmdlets leave IP-port bindings alone: update this one by hand, keeping its other options"})
	}
	l.add(Action{Kind: ActionRestart, Target: "adfssrv", Command: "Restart-Service", Note: "every node"})
	if f.ServiceCommunications != nil {
		l.add(Action{Kind: ActionPostCheck, Target: "Service-Communications", Property: "Thumbprint", New: newT, Command: "Get-AdfsCertificate"})
	}
	for _, o := range f.SSLBindings {
		l.add(Action{Kind: ActionPostCheck, Target: o.Identity, Property: "CertificateHash", New: newT, Command: "Get-AdfsSslCertificate"})
	}
	for _, o := range f.NetshBindings {
		l.add(Action{Kind: ActionPostCheck, Target: o.Identity, Property: "CertificateHash", New: newT, Command: "netsh http show sslcert"})
	}
	if p.Old.Known() {
		l.add(Action{Kind: ActionRemoveOld, Target: p.Old.Thumbprint, Command: "Remove-Item Cert:\\LocalMachine\\My", Note: "only with -RemoveOldCertificate, and only when no HTTP.sys binding or AD FS certificate references it"})
	}
	return l
}

func adfsRollbackActions(p *Plan, f *ADFSFarm) []Action {
	var l actionList
	if !p.Old.Known() {
		l.add(Action{Kind: ActionManual, Target: "AD FS", Note: "the old certificate's thumbprint is unknown (generate with --old): nothing can be restored"})
		return l
	}
	oldT := p.Old.Thumbprint
	l.add(Action{Kind: ActionPreCheck, Target: oldT, Command: "Get-Item Cert:\\LocalMachine\\My", Note: "the old certificate is still installed with its private key"})
	if f.ServiceCommunications != nil {
		l.add(Action{Kind: ActionSet, Target: "Service-Communications", Property: "Thumbprint", Old: p.Certificate.Thumbprint, New: oldT, Command: "Set-AdfsCertificate -CertificateType Service-Communications"})
	}
	if len(f.SSLBindings)+len(f.NetshBindings) > 0 {
		cmd := "Set-AdfsSslCertificate"
		if f.AlternateTLS {
			cmd = "Set-AdfsAlternateTlsClientBinding"
		}
		l.add(Action{Kind: ActionSet, Target: "HTTP.sys bindings", Property: "CertificateHash", Old: p.Certificate.Thumbprint, New: oldT, Command: cmd})
	}
	l.add(Action{Kind: ActionRestart, Target: "adfssrv", Command: "Restart-Service", Note: "every node"})
	l.add(Action{Kind: ActionPostCheck, Target: "AD FS", New: oldT, Command: "Get-AdfsSslCertificate"})
	return l
}

func wapActions(p *Plan, f *WAPFarm) []Action {
	var l actionList
	newT := p.Certificate.Thumbprint
	for _, o := range f.Applications {
		l.add(Action{Kind: ActionPreCheck, Target: o.Label(), Property: o.Property, Old: o.Old, Command: "Get-WebApplicationProxyApplication -ID", Note: "still has the exported value, else stop: the export is stale"})
	}
	l.add(Action{Kind: ActionImport, Target: newT, Command: "Import-PfxCertificate", Note: "every node; only when the certificate is not installed"})
	l.add(Action{Kind: ActionPreCheck, Target: newT, Command: "Get-Item Cert:\\LocalMachine\\My", Note: "present with its private key, valid now"})
	if len(f.ProxySSL) > 0 {
		l.add(Action{Kind: ActionSet, Target: "proxy SSL certificate", Property: "Thumbprint", New: newT, Command: "Set-WebApplicationProxySslCertificate", Note: "every node"})
	}
	for _, o := range f.Applications {
		l.add(Action{Kind: ActionSet, Target: o.Label(), Property: o.Property, Old: o.Old, New: newT, Command: "Set-WebApplicationProxyApplication -ID", Note: "farm-wide: once the certificate is on every node"})
	}
	l.add(Action{Kind: ActionRestart, Target: "appproxysvc", Command: "Restart-Service", Note: "every node"})
	for _, o := range f.Applications {
		l.add(Action{Kind: ActionPostCheck, Target: o.Label(), Property: o.Property, New: newT, Command: "Get-WebApplicationProxyApplication -ID"})
	}
	for _, o := range f.ProxySSL {
		l.add(Action{Kind: ActionPostCheck, Target: o.Identity, Property: "CertificateHash", New: newT, Command: "netsh http show sslcert"})
	}
	if p.Old.Known() {
		l.add(Action{Kind: ActionRemoveOld, Target: p.Old.Thumbprint, Command: "Remove-Item Cert:\\LocalMachine\\My", Note: "only with -RemoveOldCertificate, and only when no application or HTTP.sys binding references it"})
	}
	return l
}

func wapRollbackActions(p *Plan, f *WAPFarm) []Action {
	var l actionList
	if !p.Old.Known() {
		l.add(Action{Kind: ActionManual, Target: "WAP", Note: "the old certificate's thumbprint is unknown (generate with --old): nothing can be restored"})
		return l
	}
	oldT := p.Old.Thumbprint
	l.add(Action{Kind: ActionPreCheck, Target: oldT, Command: "Get-Item Cert:\\LocalMachine\\My", Note: "the old certificate is still installed with its private key"})
	if len(f.ProxySSL) > 0 {
		l.add(Action{Kind: ActionSet, Target: "proxy SSL certificate", Property: "Thumbprint", Old: p.Certificate.Thumbprint, New: oldT, Command: "Set-WebApplicationProxySslCertificate"})
	}
	for _, o := range f.Applications {
		l.add(Action{Kind: ActionSet, Target: o.Label(), Property: o.Property, Old: p.Certificate.Thumbprint, New: o.Old, Command: "Set-WebApplicationProxyApplication -ID"})
	}
	l.add(Action{Kind: ActionRestart, Target: "appproxysvc", Command: "Restart-Service", Note: "every node"})
	for _, o := range f.Applications {
		l.add(Action{Kind: ActionPostCheck, Target: o.Label(), Property: o.Property, New: o.Old})
	}
	return l
}

// Objects lists the server's object changes in runbook order: receive connectors, send connectors,
// the hybrid configuration, POP3 and IMAP4 settings.
func (s *ExchangeServer) Objects() []ObjectChange { return s.objects() }

// TransportServices lists the transport services restarted after connector changes: on an Edge
// server MSExchangeTransport, elsewhere MSExchangeFrontEndTransport and MSExchangeTransport.
func (s *ExchangeServer) TransportServices() []string { return s.transportServices() }
