package validate

// checks is the one table of checks, in the order `certswap checks` prints them. A check is
// declared next to its function in its product's file (certificate.go, thumbprint.go,
// exchange.go, exchange_services.go, adfs.go, wap.go) and listed here once.
var checks = []*Check{
	certificateExpired,
	certificateExpiresSoon,
	certificatePrivateKeyMissing,
	certificateServerAuthEKUMissing,
	certificateRSAKeyTooSmall,
	certificateSHA1Signature,
	certificateChainIncomplete,
	certificateCNNotInSAN,
	certificateCNGKey,
	certificateIssuerSubjectChanged,
	certificateThumbprintInvalid,
	certificateThumbprintCleaned,

	exchangeReceiveConnectorTLSName,
	exchangeSendConnectorTLSName,
	exchangeHybridTLSName,
	exchangeTLSNameCannotMatch,
	exchangeConnectorFqdnNotCovered,
	exchangeSMTPNotEnabled,
	exchangeCertificateMissingOnServer,
	exchangeInternalTransportCertificate,
	exchangeAuthCertificate,
	exchangeDuplicateTLSName,
	exchangeServicesParity,
	exchangeWildcardPOPIMAP,
	exchangePOPIMAPCertificateName,
	exchangeEdgeSubscription,
	exchangeEdgeCNGKey,

	adfsNameNotCovered,
	adfsSSLBindingThumbprint,
	adfsServiceCommunicationsThumbprint,
	adfsServiceCommunicationsSSLMismatch,
	adfsFallbackBinding,
	adfsBindingModeCmdlet,

	wapProxySSLThumbprint,
	wapApplicationThumbprint,
	wapExternalURLNotCovered,
}

// Checks returns every check in table order. The slice is a copy; the checks are shared and must
// not be modified.
func Checks() []*Check {
	return append([]*Check(nil), checks...)
}

// Lookup returns the check with the given ID, nil when there is none.
func Lookup(id string) *Check {
	for _, c := range checks {
		if c.ID == id {
			return c
		}
	}
	return nil
}
