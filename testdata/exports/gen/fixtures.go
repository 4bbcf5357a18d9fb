package main

import "strings"

// The source values. Property order and example values follow the published shapes listed in
// ../README.md (notes/powershell-exports.md section c); every value is invented.

const (
	goDaddyTLS = `<I>CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O="GoDaddy.com, Inc.", L=Scottsdale, S=Arizona, C=US<S>CN=mail.contoso.com, OU=Domain Control Validated`
	comodoOld  = `<I>CN=COMODO RSA Domain Validation Secure Server CA, O=COMODO CA Limited, L=Salford, S=Greater Manchester, C=GB<S>CN=mail.contoso.com`
	dnOrg      = "CN=First Organization,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=com"
)

func byIdentity(o object) string { return get(o, "Identity") }
func byName(o object) string     { return get(o, "Name") }
func noServer(object) string     { return "" }
func serverProp(o object) string { return strings.ToUpper(get(o, "Server")) }
func identityServer(o object) string {
	id := get(o, "Identity")
	if i := strings.IndexByte(id, '\\'); i > 0 {
		s := id[:i]
		if j := strings.IndexByte(s, '.'); j > 0 {
			s = s[:j]
		}
		return strings.ToUpper(s)
	}
	return ""
}

// receiveConnector is one Exchange 2016/2019 receive connector as Get-ReceiveConnector | fl
// prints it in a remote Exchange Management Shell (RunspaceId first).
func receiveConnector(server, name, role, bindings, auth, perms, tls string, guid string) object {
	id := server + `\` + name
	return object{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("AuthMechanism", auth),
		s("Banner", ""),
		s("BinaryMimeEnabled", "True"),
		l("Bindings", strings.Split(bindings, ",")...),
		s("ChunkingEnabled", "True"),
		s("DefaultDomain", ""),
		s("DeliveryStatusNotificationEnabled", "True"),
		s("EightBitMimeEnabled", "True"),
		s("SmtpUtf8Enabled", "True"),
		s("BareLinefeedRejectionEnabled", "False"),
		s("DomainSecureEnabled", "True"),
		s("EnhancedStatusCodesEnabled", "True"),
		s("LongAddressesEnabled", "False"),
		s("OrarEnabled", "False"),
		s("SuppressXAnonymousTls", "False"),
		s("ProxyEnabled", "False"),
		s("AdvertiseClientSettings", "False"),
		s("Fqdn", server+".contoso.com"),
		s("ServiceDiscoveryFqdn", ""),
		s("TlsCertificateName", tls),
		s("Comment", ""),
		s("Enabled", "True"),
		s("ConnectionTimeout", "00:10:00"),
		s("ConnectionInactivityTimeout", "00:05:00"),
		s("MessageRateLimit", "Unlimited"),
		s("MessageRateSource", "IPAddress"),
		s("MaxInboundConnection", "5000"),
		s("MaxInboundConnectionPerSource", "Unlimited"),
		s("MaxInboundConnectionPercentagePerSource", "100"),
		s("MaxHeaderSize", "128 KB (131,072 bytes)"),
		s("MaxHopCount", "60"),
		s("MaxLocalHopCount", "12"),
		s("MaxLogonFailures", "3"),
		s("MaxMessageSize", "36 MB (37,748,736 bytes)"),
		s("MaxProtocolErrors", "5"),
		s("MaxRecipientsPerMessage", "200"),
		s("PermissionGroups", perms),
		s("PipeliningEnabled", "True"),
		s("ProtocolLoggingLevel", "Verbose"),
		l("RemoteIPRanges", "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0-255.255.255.255"),
		s("RequireEHLODomain", "False"),
		s("RequireTLS", "False"),
		s("EnableAuthGSSAPI", "False"),
		s("ExtendedProtectionPolicy", "None"),
		s("LiveCredentialEnabled", "False"),
		l("TlsDomainCapabilities"),
		s("Server", server),
		s("TransportRole", role),
		s("RejectReservedTopLevelRecipientDomains", "False"),
		s("RejectReservedSecondLevelRecipientDomains", "False"),
		s("RejectSingleLabelRecipientDomains", "False"),
		s("AcceptConsumerMail", "False"),
		s("SizeEnabled", "EnabledWithoutValue"),
		s("TarpitInterval", "00:00:05"),
		s("AuthTarpitInterval", "00:00:05"),
		s("MaxAcknowledgementDelay", "00:00:30"),
		s("AdminDisplayName", ""),
		s("ExchangeVersion", "0.1 (8.0.535.0)"),
		s("Name", name),
		s("DistinguishedName", "CN="+name+",CN=SMTP Receive Connectors,CN=Protocols,CN="+server+",CN=Servers,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,"+dnOrg),
		s("Identity", id),
		s("Guid", guid),
		s("ObjectCategory", "contoso.com/Configuration/Schema/ms-Exch-Smtp-Receive-Connector"),
		l("ObjectClass", "top", "msExchSmtpReceiveConnector"),
		s("WhenChanged", "3/14/2024 9:26:53 AM"),
		s("WhenCreated", "6/2/2021 4:12:08 PM"),
		s("WhenChangedUTC", "3/14/2024 8:26:53 AM"),
		s("WhenCreatedUTC", "6/2/2021 2:12:08 PM"),
		s("OrganizationId", ""),
		s("Id", id),
		s("OriginatingServer", "DC01.contoso.com"),
		s("IsValid", "True"),
		s("ObjectState", "Unchanged"),
	}
}

func fixtures() []fixture {
	rc := []object{
		receiveConnector("EX01", "Default Frontend EX01", "FrontendTransport", "[::]:25,0.0.0.0:25",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "AnonymousUsers, ExchangeServers, ExchangeLegacyServers",
			goDaddyTLS, "7b0e3c2a-1f4d-4a8e-9c6b-2d5e8f1a3b7c"),
		receiveConnector("EX01", "Outbound Proxy Frontend EX01", "FrontendTransport", "[::]:717,0.0.0.0:717",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "ExchangeServers",
			"", "c4a9d2e1-6b3f-4e7a-8d1c-5f2b9e0a4c6d"),
		receiveConnector("EX01", "Client Frontend EX01", "FrontendTransport", "[::]:587,0.0.0.0:587",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS", "ExchangeUsers",
			"", "e2f7a1c9-3d5b-4b8e-a6f0-9c1d7e3b5a2f"),
		receiveConnector("EX02", "Default EX02", "HubTransport", "[::]:2525,0.0.0.0:2525",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "ExchangeUsers, ExchangeServers, ExchangeLegacyServers",
			"<I>CN=EX02<S>CN=EX02", "1a3c5e7f-9b2d-4f6a-8c0e-2b4d6f8a0c1e"),
	}
	sc := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("DNSRoutingEnabled", "False"),
		s("TlsDomain", "mail.protection.outlook.com"),
		s("TlsAuthLevel", "DomainValidation"),
		l("ErrorPolicies", "Default"),
		l("SmartHosts", "contoso-com.mail.protection.outlook.com"),
		s("Port", "25"),
		s("ConnectionInactivityTimeOut", "00:10:00"),
		s("ForceHELO", "False"),
		s("FrontendProxyEnabled", "False"),
		s("IgnoreSTARTTLS", "False"),
		s("CloudServicesMailEnabled", "True"),
		s("Fqdn", "mail.contoso.com"),
		s("TlsCertificateName", goDaddyTLS),
		s("RequireTLS", "True"),
		s("RequireOorg", "False"),
		s("Enabled", "True"),
		s("ProtocolLoggingLevel", "None"),
		s("SmartHostAuthMechanism", "None"),
		s("AuthenticationCredential", ""),
		s("UseExternalDNSServersEnabled", "False"),
		s("DomainSecureEnabled", "False"),
		s("SourceIPAddress", "0.0.0.0"),
		s("SmtpMaxMessagesPerConnection", "20"),
		s("ConnectorType", "Default"),
		s("SmartHostsString", "contoso-com.mail.protection.outlook.com"),
		s("CertificateSubject", ""),
		s("Region", "NorthAmerica"),
		l("AddressSpaces", "smtp:*;1"),
		l("ConnectedDomains"),
		s("IsScopedConnector", "False"),
		s("IsSmtpConnector", "True"),
		s("Comment", ""),
		s("SourceRoutingGroup", "Exchange Routing Group (DWBGZMFD01QNBJR)"),
		l("SourceTransportServers", "EX01", "EX02"),
		s("HomeMTA", "Microsoft MTA"),
		s("HomeMtaServerId", "EX01"),
		s("MaxMessageSize", "35 MB (36,700,160 bytes)"),
		s("AdminDisplayName", ""),
		s("ExchangeVersion", "0.1 (8.0.535.0)"),
		s("Name", "Outbound to Office 365 - 4c1b7e2a-9d3f-4a6e-8b5c-0f2d7e9a1c3b"),
		s("DistinguishedName", "CN=Outbound to Office 365 - 4c1b7e2a-9d3f-4a6e-8b5c-0f2d7e9a1c3b,CN=Connections,CN=Exchange Routing Group (DWBGZMFD01QNBJR),CN=Routing Groups,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,"+dnOrg),
		s("Identity", "Outbound to Office 365 - 4c1b7e2a-9d3f-4a6e-8b5c-0f2d7e9a1c3b"),
		s("Guid", "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"),
		s("IsValid", "True"),
		s("ObjectState", "Unchanged"),
	}}
	hybrid := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		l("ClientAccessServers"),
		l("EdgeTransportServers"),
		l("ReceivingTransportServers", "EX01", "EX02"),
		l("SendingTransportServers", "EX01", "EX02"),
		s("OnPremisesSmartHost", "mail.contoso.com"),
		l("Domains", "contoso.com", "contoso.mail.onmicrosoft.com"),
		l("Features", "FreeBusy", "MoveMailbox", "Mailtips", "MessageTracking", "OwaRedirection", "OnlineArchive", "SecureMail", "Photos"),
		l("ExternalIPAddresses"),
		s("TlsCertificateName", goDaddyTLS),
		s("ServiceInstance", "0"),
		s("AdminDisplayName", ""),
		s("ExchangeVersion", "0.10 (14.0.100.0)"),
		s("Name", "Hybrid Configuration"),
		s("DistinguishedName", "CN=Hybrid Configuration,CN=Hybrid Configuration,"+dnOrg),
		s("Identity", "Hybrid Configuration"),
		s("Guid", "2f4e6a8c-0b1d-4e3f-a5c7-9e1b3d5f7a9c"),
		s("IsValid", "True"),
		s("ObjectState", "Unchanged"),
	}}
	certs := []object{
		{
			l("AccessRules", "System.Security.AccessControl.CryptoKeyAccessRule", "System.Security.AccessControl.CryptoKeyAccessRule", "System.Security.AccessControl.CryptoKeyAccessRule"),
			l("CertificateDomains", "mail.contoso.com", "autodiscover.contoso.com", "EX01.contoso.com", "EX02.contoso.com", "legacy.contoso.com"),
			s("HasPrivateKey", "True"),
			s("IsSelfSigned", "False"),
			s("Issuer", "CN=Go Daddy Secure Certificate Authority - G2, OU=http://certs.godaddy.com/repository/, O=\"GoDaddy.com, Inc.\", L=Scottsdale, S=Arizona, C=US"),
			s("NotAfter", "5/2/2026 6:59:59 AM"),
			s("NotBefore", "4/30/2025 7:00:00 AM"),
			s("PublicKeySize", "2048"),
			s("RootCAType", "ThirdParty"),
			s("SerialNumber", "0A1B2C3D4E5F60718293A4B5C6D7E8F9"),
			s("Services", "IMAP, POP, IIS, SMTP"),
			s("Status", "Valid"),
			s("Subject", "CN=mail.contoso.com, OU=Domain Control Validated"),
			s("Thumbprint", "3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908"),
		},
		{
			l("AccessRules", "System.Security.AccessControl.CryptoKeyAccessRule"),
			l("CertificateDomains", "EX01", "EX01.contoso.com"),
			s("HasPrivateKey", "True"),
			s("IsSelfSigned", "True"),
			s("Issuer", "CN=EX01"),
			s("NotAfter", "6/2/2026 4:12:40 PM"),
			s("NotBefore", "6/2/2021 4:12:40 PM"),
			s("PublicKeySize", "2048"),
			s("RootCAType", "Registry"),
			s("SerialNumber", "4B5E7C1A2D3F9E8B4C6A1D7F3E2B9C50"),
			s("Services", "IMAP, POP, SMTP"),
			s("Status", "Valid"),
			s("Subject", "CN=EX01"),
			s("Thumbprint", "A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D"),
		},
	}
	transport := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("Name", "EX01"),
		s("InternalTransportCertificateThumbprint", "A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D"),
		s("MaxConcurrentMailboxDeliveries", "20"),
		s("MessageExpirationTimeout", "2.00:00:00"),
		s("ReceiveProtocolLogPath", `C:\Program Files\Microsoft\Exchange Server\V15\TransportRoles\Logs\Hub\ProtocolLog\SmtpReceive`),
		s("Identity", "EX01"),
		s("IsValid", "True"),
	}}
	auth := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("CurrentCertificateThumbprint", "5D4C3B2A19081F0E2D3C4B5A69788796A5B4C3D2"),
		s("PreviousCertificateThumbprint", ""),
		s("NextCertificateThumbprint", ""),
		s("NextCertificateEffectiveDate", ""),
		s("ServiceName", "00000002-0000-0ff1-ce00-000000000000"),
		s("Realm", ""),
		s("Name", "Auth Configuration"),
		s("Identity", "Auth Configuration"),
		s("IsValid", "True"),
	}}
	pop := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("ProtocolName", "POP3"),
		s("Name", "1"),
		s("LoginType", "SecureLogin"),
		l("ExternalConnectionSettings", "mail.contoso.com:995:SSL"),
		l("InternalConnectionSettings", "EX01.contoso.com:995:SSL", "EX01.contoso.com:110:TLS"),
		l("SSLBindings", "[::]:995", "0.0.0.0:995"),
		l("UnencryptedOrTLSBindings", "[::]:110", "0.0.0.0:110"),
		s("X509CertificateName", "mail.contoso.com"),
		s("Server", "EX01"),
		s("Identity", `EX01\1`),
		s("IsValid", "True"),
	}}
	imap := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("ProtocolName", "IMAP4"),
		s("Name", "1"),
		s("LoginType", "SecureLogin"),
		l("ExternalConnectionSettings", "mail.contoso.com:993:SSL"),
		l("InternalConnectionSettings", "EX01.contoso.com:993:SSL", "EX01.contoso.com:143:TLS"),
		l("SSLBindings", "[::]:993", "0.0.0.0:993"),
		l("UnencryptedOrTLSBindings", "[::]:143", "0.0.0.0:143"),
		s("X509CertificateName", "EX01.contoso.com"),
		s("Server", "EX01"),
		s("Identity", `EX01\1`),
		s("IsValid", "True"),
	}}
	edge := []object{{
		s("RunspaceId", "3c1f5e7a-8d2b-4c61-9a0e-5b7d2f4e1a90"),
		s("Name", "EDGE01"),
		s("Site", "contoso.com/Configuration/Sites/Default-First-Site-Name"),
		s("Domain", "contoso.com"),
		s("Identity", "EDGE01"),
		s("IsValid", "True"),
		s("ObjectState", "Unchanged"),
	}}
	adfsSSL := []object{
		{s("HostName", "sts.contoso.com"), s("PortNumber", "443"), s("CertificateHash", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D")},
		{s("HostName", "localhost"), s("PortNumber", "443"), s("CertificateHash", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D")},
		{s("HostName", "sts.contoso.com"), s("PortNumber", "49443"), s("CertificateHash", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D")},
		{s("HostName", "EnterpriseRegistration.contoso.com"), s("PortNumber", "443"), s("CertificateHash", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D")},
	}
	adfsCert := []object{
		{
			s("Certificate", "[Subject]\r\n  CN=sts.contoso.com\r\n\r\n[Issuer]\r\n  CN=Contoso Issuing CA 01, DC=contoso, DC=com\r\n\r\n[Serial Number]\r\n  5F00000012A3B4C5D6E7F8091A2B3C4D\r\n\r\n[Not Before]\r\n  4/30/2025 9:00:00 AM\r\n\r\n[Not After]\r\n  4/30/2026 9:00:00 AM\r\n\r\n[Thumbprint]\r\n  4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D\r\n"),
			s("CertificateType", "Service-Communications"),
			s("IsPrimary", "True"),
			s("StoreLocation", "LocalMachine"),
			s("StoreName", "My"),
			s("Thumbprint", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D"),
		},
		{
			s("Certificate", "[Subject]\r\n  CN=ADFS Signing - sts.contoso.com\r\n\r\n[Issuer]\r\n  CN=ADFS Signing - sts.contoso.com\r\n\r\n[Serial Number]\r\n  1C2D3E4F5A6B7C8D4E6F7A8B9C0D1E2F\r\n\r\n[Not Before]\r\n  1/12/2025 3:15:02 PM\r\n\r\n[Not After]\r\n  1/12/2026 3:15:02 PM\r\n\r\n[Thumbprint]\r\n  5A4AE6D2F2164DDCAB1C156828F2594845533213\r\n"),
			s("CertificateType", "Token-Signing"),
			s("IsPrimary", "True"),
			s("StoreLocation", "CurrentUser"),
			s("StoreName", "My"),
			s("Thumbprint", "5A4AE6D2F2164DDCAB1C156828F2594845533213"),
		},
	}
	adfsProps := []object{{
		l("AcceptableIdentifiers"),
		s("AddProxyAuthorizationRules", "exists([Type == \"http://schemas.microsoft.com/authorization/claims/permit\", Value == \"true\"])\n => issue(Type = \"http://schemas.microsoft.com/authorization/claims/permit\", Value = \"true\");"),
		s("ArtifactDbConnection", "Data Source=np:\\\\.\\pipe\\microsoft##wid\\tsql\\query;Initial Catalog=AdfsArtifactStore;Integrated Security=True"),
		l("AuthenticationContextOrder", "urn:oasis:names:tc:SAML:2.0:ac:classes:Password", "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport", "urn:oasis:names:tc:SAML:2.0:ac:classes:TLSClient", "urn:oasis:names:tc:SAML:2.0:ac:classes:X509", "urn:federation:authentication:windows", "urn:oasis:names:tc:SAML:2.0:ac:classes:Kerberos"),
		s("AutoCertificateRollover", "True"),
		s("CertificateCriticalThreshold", "2"),
		s("CertificateDuration", "365"),
		s("CertificateGenerationThreshold", "20"),
		s("CertificatePromotionThreshold", "5"),
		s("CertificateRolloverInterval", "720"),
		s("CertificateSharingContainer", "CN=e6ddcbbc-4f8a-4c1b-9a2e-3d5f7b9c1e0a,CN=ADFS,CN=Microsoft,CN=Program Data,DC=contoso,DC=com"),
		s("CertificateThresholdMultiplier", "1440"),
		s("DisplayName", "Contoso Sign-In"),
		s("HostName", "sts.contoso.com"),
		s("HttpPort", "80"),
		s("HttpsPort", "443"),
		s("TlsClientPort", "49443"),
		s("Identifier", "http://sts.contoso.com/adfs/services/trust"),
		s("InstalledLanguage", "en-US"),
		l("WIASupportedUserAgents", "MSIE 6.0", "MSIE 7.0; Windows NT", "MSIE 8.0", "MSIE 9.0", "MSIE 10.0; Windows NT 6", "Windows NT 6.3; Trident/7.0", "Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko"),
		s("ExtranetLockoutThreshold", "2147483647"),
		s("ExtranetLockoutEnabled", "False"),
		s("ExtranetObservationWindow", "00:30:00"),
	}}
	wapApp := []object{
		{
			s("ADFSRelyingPartyID", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"),
			s("ADFSRelyingPartyName", "Outlook Web App"),
			s("BackendServerAuthenticationMode", "NoAuthentication"),
			s("BackendServerAuthenticationSPN", "HTTP/mail.contoso.com"),
			s("BackendServerCertificateValidation", "None"),
			s("BackendServerUrl", "https://mail.contoso.com/owa/"),
			s("ClientCertificateAuthenticationBindingMode", "None"),
			s("ClientCertificatePreauthenticationThumbprint", ""),
			s("DisableHttpOnlyCookieProtection", "False"),
			s("DisableTranslateUrlInRequestHeaders", "False"),
			s("DisableTranslateUrlInResponseHeaders", "False"),
			s("EnableHTTPRedirect", "False"),
			s("EnableSignOut", "False"),
			s("ExternalCertificateThumbprint", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D"),
			s("ExternalPreauthentication", "ADFS"),
			s("ExternalUrl", "https://mail.contoso.com/owa/"),
			s("ID", "5e4d3c2b-1a09-4f8e-7d6c-5b4a39281706"),
			s("InactiveTransactionsTimeoutSec", "300"),
			s("Name", "OWA"),
			s("PersistentAccessCookieExpirationTimeSec", "0"),
			s("UseOAuthAuthentication", "False"),
			s("PSComputerName", ""),
		},
		{
			s("ADFSRelyingPartyID", "00000000-0000-0000-0000-000000000000"),
			s("ADFSRelyingPartyName", ""),
			s("BackendServerAuthenticationMode", "NoAuthentication"),
			s("BackendServerAuthenticationSPN", ""),
			s("BackendServerCertificateValidation", "None"),
			s("BackendServerUrl", "https://sts.contoso.com:443/adfs/"),
			s("ClientCertificateAuthenticationBindingMode", "None"),
			s("ClientCertificatePreauthenticationThumbprint", ""),
			s("DisableHttpOnlyCookieProtection", "False"),
			s("DisableTranslateUrlInRequestHeaders", "False"),
			s("DisableTranslateUrlInResponseHeaders", "False"),
			s("EnableHTTPRedirect", "False"),
			s("EnableSignOut", "False"),
			s("ExternalCertificateThumbprint", "4195EE03C1E2F1B8A4D6C9E7F0A3B5D2C8E1F42D"),
			s("ExternalPreauthentication", "PassThrough"),
			s("ExternalUrl", "https://sts.contoso.com:443/adfs/"),
			s("ID", "8a7b6c5d-4e3f-2a1b-0c9d-8e7f6a5b4c3d"),
			s("InactiveTransactionsTimeoutSec", "300"),
			s("Name", "ADFS"),
			s("PersistentAccessCookieExpirationTimeSec", "0"),
			s("UseOAuthAuthentication", "False"),
			s("PSComputerName", ""),
		},
	}
	wapConfig := []object{{
		s("ADFSSignOutUrl", "https://sts.contoso.com/adfs/ls/?wa=wsignout1.0"),
		s("ADFSTokenAcceptanceDurationSec", "120"),
		s("ADFSTokenSigningCertificatePublicKey", "MIIC5jCCAc6gAwIBAgIQFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake=="),
		s("ADFSUrl", "https://sts.contoso.com/adfs/ls"),
		s("ADFSWebApplicationProxyRelyingPartyUri", "urn:AppProxy:com"),
		s("ConfigurationChangesPollingIntervalSec", "30"),
		s("ConfigurationVersion", "2"),
		l("ConnectedServersName", "wap01.contoso.com", "wap02.contoso.com"),
		s("OAuthAuthenticationURL", "https://sts.contoso.com/adfs/oauth2/authorize"),
		s("UserIdleTimeoutAction", "Signout"),
		s("UserIdleTimeoutSec", "0"),
	}}
	certTable := []object{
		{s("Thumbprint", "3F1C0B9A8E7D6C5B4A3928170F6E5D4C3B2A1908"), s("Services", "IP.WS.."), s("Subject", "CN=mail.contoso.com, OU=Domain Control Validated")},
		{s("Thumbprint", "A0B1C2D3E4F5061728394A5B6C7D8E9F0A1B2C3D"), s("Services", "IP..S.."), s("Subject", "CN=EX01")},
		{s("Thumbprint", "7E6D5C4B3A29180F1E2D3C4B5A6978877A6B5C4D"), s("Services", "....S.."), s("Subject", "CN=Microsoft Exchange Server Auth Certificate")},
		{s("Thumbprint", "0F9E8D7C6B5A49382716051F2E3D4C5B6A798897"), s("Services", "......."), s("Subject", "CN=WMSvc-SHA2-EX01")},
	}
	return []fixture{
		{name: "get-receiveconnector", kind: "ReceiveConnector", objs: rc, identity: byIdentity, server: serverProp,
			table: []tableCol{{name: "Identity", width: 30}, {name: "Bindings", width: 29}, {name: "Enabled", width: 7}}},
		{name: "get-sendconnector", kind: "SendConnector", objs: sc, identity: byIdentity, server: noServer},
		{name: "get-hybridconfiguration", kind: "HybridConfiguration", objs: hybrid, identity: byIdentity, server: noServer},
		{name: "get-exchangecertificate", kind: "ExchangeCertificate", objs: certs, identity: func(o object) string { return get(o, "Thumbprint") }, server: noServer,
			tableObjs: certTable, table: []tableCol{{name: "Thumbprint", width: 40}, {name: "Services", width: 8}, {name: "Subject", width: 40}}},
		{name: "get-transportservice", kind: "TransportService", objs: transport, identity: byIdentity, server: byName},
		{name: "get-authconfig", kind: "AuthConfig", objs: auth, identity: byIdentity, server: noServer},
		{name: "get-popsettings", kind: "PopSettings", objs: pop, identity: byIdentity, server: serverProp},
		{name: "get-imapsettings", kind: "ImapSettings", objs: imap, identity: byIdentity, server: serverProp},
		{name: "get-edgesubscription", kind: "EdgeSubscription", objs: edge, identity: byIdentity, server: byName},
		{name: "get-adfssslcertificate", kind: "AdfsSslCertificate", objs: adfsSSL, identity: func(o object) string { return get(o, "HostName") }, server: noServer,
			table: []tableCol{{name: "HostName", width: 32}, {name: "PortNumber", width: 10, right: true}, {name: "CertificateHash", width: 40}}},
		{name: "get-adfscertificate", kind: "AdfsCertificate", objs: adfsCert, identity: func(o object) string { return get(o, "Thumbprint") }, server: noServer},
		{name: "get-adfsproperties", kind: "AdfsProperties", objs: adfsProps, identity: func(o object) string { return get(o, "AcceptableIdentifiers") }, server: noServer},
		{name: "get-webapplicationproxyapplication", kind: "WapApplication", objs: wapApp, identity: byName, server: noServer},
		{name: "get-webapplicationproxyconfiguration", kind: "WapConfiguration", objs: wapConfig, identity: func(o object) string { return get(o, "ADFSSignOutUrl") }, server: noServer},
	}
}

// wrapFixture is the object of the wrapping matrix: a receive connector with the long
// TlsCertificateName and a few neighbours.
func wrapFixture() fixture {
	return fixture{name: "wrap", kind: "ReceiveConnector", identity: byIdentity, server: serverProp, objs: []object{{
		s("AuthMechanism", "Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer"),
		s("Banner", ""),
		l("Bindings", "[::]:25", "0.0.0.0:25"),
		s("Fqdn", "EX01.contoso.com"),
		s("TlsCertificateName", goDaddyTLS),
		s("Comment", "Receives mail from Exchange Online Protection  (two blanks here) and from the partner relay"),
		s("Enabled", "True"),
		s("Server", "EX01"),
		s("TransportRole", "FrontendTransport"),
		s("RejectReservedSecondLevelRecipientDomains", "False"),
		s("Name", "Default Frontend EX01"),
		s("Identity", `EX01\Default Frontend EX01`),
	}}}
}

// fieldStory is the Exchange field story: two Frontend connectors on EX01 still naming the
// old COMODO certificate.
func fieldStory() fixture {
	return fixture{name: "field-story", kind: "ReceiveConnector", identity: byIdentity, server: serverProp, objs: []object{
		receiveConnector("EX01", "Default Frontend EX01", "FrontendTransport", "[::]:25,0.0.0.0:25",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "AnonymousUsers, ExchangeServers, ExchangeLegacyServers",
			comodoOld, "7b0e3c2a-1f4d-4a8e-9c6b-2d5e8f1a3b7c"),
		receiveConnector("EX01", "Outbound Proxy Frontend EX01", "FrontendTransport", "[::]:717,0.0.0.0:717",
			"Tls, Integrated, BasicAuth, BasicAuthRequireTLS, ExchangeServer", "ExchangeServers",
			comodoOld, "c4a9d2e1-6b3f-4e7a-8d1c-5f2b9e0a4c6d"),
	}}
}
